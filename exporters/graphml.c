/* graphml.c — the graph as GraphML, written by igraph.
 *
 * The network is copied, stripped of whatever attributes it carried, given
 * the attributes below, and handed to igraph_write_graph_graphml.  Node and
 * edge attribute names never clash, and "labels" / "label" follow the Neo4j
 * APOC convention (apoc.import.graphml with readLabels: node labels as
 * ":Organization", relationship type as "HOLDS_POST").
 *
 * igraph refuses strings with XML-illegal control characters, so every
 * string goes through kg_export_clean_text first.
 */
#include "kg_export_internal.h"

#include "kg_graph_internal.h"

#include <errno.h>
#include <igraph.h>
#include <locale.h>
#include <stdlib.h>
#include <string.h>

typedef struct graphml_ctx {
    const kg_graph *graph;
    igraph_t copy;
    bool have_copy;
    igraph_strvector_t strings;
    bool have_strings;
    igraph_vector_t numbers;
    bool have_numbers;
    kg_buf text;
    kg_error *err;
} graphml_ctx;

static kg_status igraph_failure(graphml_ctx *c, igraph_error_t rc, const char *what) {
    if (rc == IGRAPH_ENOMEM)
        return kg_error_set(c->err, KG_ERR_NOMEM, NULL, 0, 0, "out of memory %s", what);
    if (rc == IGRAPH_EFILE)
        return kg_export_write_error(c->err, errno);
    const char *reason = kg_igraph_last_error();
    return kg_error_set(c->err, KG_ERR_GRAPH, NULL, 0, 0, "igraph failed %s: %s", what,
                        reason[0] != '\0' ? reason : igraph_strerror(rc));
}

/* Puts the XML-safe form of s (NULL is "") at index i of c->strings. */
static kg_status set_string(graphml_ctx *c, igraph_integer_t i, const char *s) {
    if (s == NULL)
        s = "";
    char *clean = kg_export_clean_text(s, strlen(s), true);
    if (clean == NULL)
        return kg_error_set(c->err, KG_ERR_NOMEM, NULL, 0, 0, "out of memory");
    igraph_error_t rc = igraph_strvector_set(&c->strings, i, clean);
    free(clean);
    return rc == IGRAPH_SUCCESS ? KG_OK : igraph_failure(c, rc, "setting a string");
}

/* The items joined with " | " (lists become one GraphML string). */
static const char *joined(graphml_ctx *c, const char *const *items, size_t n) {
    kg_buf_reset(&c->text);
    kg_buf_put(&c->text, "", 0);
    for (size_t k = 0; k < n; k++) {
        if (k > 0)
            kg_buf_puts(&c->text, " | ");
        kg_buf_puts(&c->text, items[k]);
    }
    return c->text.failed ? NULL : c->text.data;
}

enum { NODE_ATTR, EDGE_ATTR };

/* Attaches c->strings / c->numbers as the attribute called name. */
static kg_status attach_strings(graphml_ctx *c, int target, const char *name) {
    igraph_error_t rc = target == NODE_ATTR
                            ? igraph_cattribute_VAS_setv(&c->copy, name, &c->strings)
                            : igraph_cattribute_EAS_setv(&c->copy, name, &c->strings);
    return rc == IGRAPH_SUCCESS ? KG_OK : igraph_failure(c, rc, "setting an attribute");
}

static kg_status attach_numbers(graphml_ctx *c, int target, const char *name) {
    igraph_error_t rc = target == NODE_ATTR
                            ? igraph_cattribute_VAN_setv(&c->copy, name, &c->numbers)
                            : igraph_cattribute_EAN_setv(&c->copy, name, &c->numbers);
    return rc == IGRAPH_SUCCESS ? KG_OK : igraph_failure(c, rc, "setting an attribute");
}

typedef enum node_string {
    NODE_ID,
    NODE_IRI,
    NODE_LABELS,
    NODE_TYPE,
    NODE_NAME,
    NODE_LANG,
    NODE_ALIASES,
    NODE_DOCUMENTS,
    NODE_DATE,
    NODE_STRING_COUNT
} node_string;

static const char *const node_string_names[NODE_STRING_COUNT] = {
    "id", "iri", "labels", "entity_type", "name", "lang", "aliases", "documents", "date",
};

static kg_status node_strings(graphml_ctx *c, node_string which) {
    const kg_resolved *data = c->graph->data;
    kg_status status = KG_OK;
    char type_label[64];
    for (size_t i = 0; i < data->n_entities && status == KG_OK; i++) {
        const kg_entity *e = &data->entities[i];
        const char *type = kg_entity_type_name(e->type);
        const char *value = NULL;
        char *owned = NULL;
        switch (which) {
        case NODE_ID:
            value = e->id;
            break;
        case NODE_IRI:
            value = owned = kg_export_entity_iri(c->graph, i);
            if (owned == NULL)
                return kg_error_set(c->err, KG_ERR_NOMEM, NULL, 0, 0, "out of memory");
            break;
        case NODE_LABELS:
            snprintf(type_label, sizeof type_label, ":%s", type != NULL ? type : "Entity");
            value = type_label;
            break;
        case NODE_TYPE:
            value = type != NULL ? type : "Entity";
            break;
        case NODE_NAME:
            value = e->label;
            break;
        case NODE_LANG:
            value = e->lang;
            break;
        case NODE_ALIASES:
            value = joined(c, e->aliases, e->n_aliases);
            break;
        case NODE_DOCUMENTS:
            value = joined(c, e->documents, e->n_documents);
            break;
        case NODE_DATE:
            value = e->date;
            break;
        case NODE_STRING_COUNT:
            break;
        }
        if (value == NULL && (which == NODE_ALIASES || which == NODE_DOCUMENTS))
            status = kg_error_set(c->err, KG_ERR_NOMEM, NULL, 0, 0, "out of memory");
        else
            status = set_string(c, (igraph_integer_t)i, value);
        free(owned);
    }
    if (status != KG_OK)
        return status;
    return attach_strings(c, NODE_ATTR, node_string_names[which]);
}

typedef enum edge_string {
    EDGE_LABEL,
    EDGE_RELATION,
    EDGE_ROLE,
    EDGE_ROLE_TEXT,
    EDGE_EVIDENCE_DOC,
    EDGE_EVIDENCE_TEXT,
    EDGE_RULE,
    EDGE_STRING_COUNT
} edge_string;

static const char *const edge_string_names[EDGE_STRING_COUNT] = {
    "label", "relation", "role", "role_text", "evidence_doc", "evidence_text", "rule",
};

static kg_status edge_strings(graphml_ctx *c, edge_string which) {
    const kg_resolved *data = c->graph->data;
    kg_status status = KG_OK;
    char upper[64];
    for (size_t j = 0; j < data->n_relations && status == KG_OK; j++) {
        const kg_relation *r = &data->relations[j];
        const kg_evidence *first = r->n_evidence > 0 ? &r->evidence[0] : NULL;
        const char *type = kg_relation_type_name(r->type);
        const char *value = NULL;
        switch (which) {
        case EDGE_LABEL: {
            size_t k = 0;
            for (; type != NULL && type[k] != '\0' && k + 1 < sizeof upper; k++)
                upper[k] = (char)(type[k] >= 'a' && type[k] <= 'z' ? type[k] - 'a' + 'A' : type[k]);
            upper[k] = '\0';
            value = upper;
            break;
        }
        case EDGE_RELATION:
            value = type;
            break;
        case EDGE_ROLE:
            value = r->role;
            break;
        case EDGE_ROLE_TEXT:
            value = r->role_text;
            break;
        case EDGE_EVIDENCE_DOC:
            value = first != NULL ? first->doc : NULL;
            break;
        case EDGE_EVIDENCE_TEXT:
            value = first != NULL ? first->text : NULL;
            break;
        case EDGE_RULE:
            value = first != NULL ? first->rule : NULL;
            break;
        case EDGE_STRING_COUNT:
            break;
        }
        status = set_string(c, (igraph_integer_t)j, value);
    }
    if (status != KG_OK)
        return status;
    return attach_strings(c, EDGE_ATTR, edge_string_names[which]);
}

static kg_status node_attributes(graphml_ctx *c) {
    const kg_resolved *data = c->graph->data;
    igraph_integer_t n = (igraph_integer_t)data->n_entities;
    kg_status status = KG_OK;
    igraph_error_t rc = igraph_strvector_resize(&c->strings, n);
    if (rc == IGRAPH_SUCCESS)
        rc = igraph_vector_resize(&c->numbers, n);
    if (rc != IGRAPH_SUCCESS)
        return igraph_failure(c, rc, "sizing attribute vectors");
    for (int k = 0; k < NODE_STRING_COUNT && status == KG_OK; k++)
        status = node_strings(c, (node_string)k);
    if (status != KG_OK)
        return status;
    for (size_t i = 0; i < data->n_entities; i++)
        VECTOR(c->numbers)[i] = (igraph_real_t)data->entities[i].mentions;
    status = attach_numbers(c, NODE_ATTR, "mentions");
    for (size_t m = 0; m < KG_EXPORT_N_MEASURES && status == KG_OK; m++) {
        for (size_t i = 0; i < data->n_entities; i++)
            VECTOR(c->numbers)[i] = kg_export_measure_value(c->graph, i, &kg_export_measures[m]);
        status = attach_numbers(c, NODE_ATTR, kg_export_measures[m].name);
    }
    if (status != KG_OK)
        return status;
    for (size_t i = 0; i < data->n_entities; i++)
        VECTOR(c->numbers)[i] = (igraph_real_t)kg_export_community(c->graph, i);
    return attach_numbers(c, NODE_ATTR, "community");
}

/* How the analytics were computed, as graph attributes (the "analytics"
 * object of graph.json). */
static kg_status graph_attributes(graphml_ctx *c) {
    const kg_analytics_info *info = &c->graph->analytics;
    const struct {
        const char *name;
        double value;
    } numbers[] = {
        {"seed", (double)info->options.seed},
        {"betweenness_sources", (double)info->betweenness_sources},
        {"betweenness_samples", (double)info->options.betweenness_samples},
        {"betweenness_exact_max", (double)info->options.betweenness_exact_max},
        {"closeness_sources", (double)info->closeness_sources},
        {"harmonic_sources", (double)info->harmonic_sources},
        {"communities", (double)info->n_communities},
        {"modularity", kg_export_finite(info->modularity)},
        {"leiden_iterations", (double)info->options.leiden_iterations},
        {"leiden_resolution", kg_export_finite(info->options.leiden_resolution)},
    };
    igraph_error_t rc = igraph_cattribute_GAS_set(
        &c->copy, "betweenness_method",
        info->betweenness_method != NULL ? info->betweenness_method : "exact");
    if (rc == IGRAPH_SUCCESS)
        rc = igraph_cattribute_GAS_set(&c->copy, "closeness_method",
                                       info->closeness_method != NULL ? info->closeness_method
                                                                      : "exact");
    if (rc == IGRAPH_SUCCESS)
        rc = igraph_cattribute_GAS_set(&c->copy, "harmonic_method",
                                       info->harmonic_method != NULL ? info->harmonic_method
                                                                     : "exact");
    if (rc == IGRAPH_SUCCESS)
        rc = igraph_cattribute_GAS_set(&c->copy, "community_method",
                                       info->community_method != NULL ? info->community_method
                                                                      : "none");
    for (size_t k = 0; k < sizeof numbers / sizeof *numbers && rc == IGRAPH_SUCCESS; k++)
        rc = igraph_cattribute_GAN_set(&c->copy, numbers[k].name, numbers[k].value);
    return rc == IGRAPH_SUCCESS ? KG_OK : igraph_failure(c, rc, "setting a graph attribute");
}

static kg_status edge_attributes(graphml_ctx *c) {
    const kg_resolved *data = c->graph->data;
    igraph_integer_t m = (igraph_integer_t)data->n_relations;
    kg_status status = KG_OK;
    igraph_error_t rc = igraph_strvector_resize(&c->strings, m);
    if (rc == IGRAPH_SUCCESS)
        rc = igraph_vector_resize(&c->numbers, m);
    if (rc != IGRAPH_SUCCESS)
        return igraph_failure(c, rc, "sizing attribute vectors");
    for (int k = 0; k < EDGE_STRING_COUNT && status == KG_OK; k++)
        status = edge_strings(c, (edge_string)k);
    if (status != KG_OK)
        return status;
    for (size_t j = 0; j < data->n_relations; j++)
        VECTOR(c->numbers)[j] = (igraph_real_t)data->relations[j].n_evidence;
    status = attach_numbers(c, EDGE_ATTR, "weight");
    if (status != KG_OK)
        return status;
    for (size_t j = 0; j < data->n_relations; j++)
        VECTOR(c->numbers)[j] = kg_export_finite(data->relations[j].confidence);
    status = attach_numbers(c, EDGE_ATTR, "confidence");
    if (status != KG_OK)
        return status;
    for (size_t j = 0; j < data->n_relations; j++)
        VECTOR(c->numbers)[j] = (igraph_real_t)data->relations[j].n_evidence;
    return attach_numbers(c, EDGE_ATTR, "evidence_count");
}

kg_status kg_export_graphml(const kg_graph *graph, FILE *out, kg_error *err) {
    kg_status status = KG_OK;
    graphml_ctx c;
    memset(&c, 0, sizeof c);
    c.graph = graph;
    c.err = err;

    if (graph == NULL || graph->data == NULL || out == NULL)
        return kg_error_set(err, KG_ERR_USAGE, NULL, 0, 0, "no graph or no output stream");
    status = kg_export_check_base_iri(graph->base_iri, err);
    if (status != KG_OK)
        return status;
    kg_igraph_setup();
    kg_igraph_clear_error();
    const kg_resolved *data = graph->data;
    if ((size_t)igraph_vcount(&graph->igraph) != data->n_entities ||
        (size_t)igraph_ecount(&graph->igraph) != data->n_relations)
        return kg_error_set(err, KG_ERR_INTERNAL, NULL, 0, 0,
                            "the igraph network (%" IGRAPH_PRId " vertices, %" IGRAPH_PRId
                            " edges) does not match the data (%zu entities, %zu relations)",
                            igraph_vcount(&graph->igraph), igraph_ecount(&graph->igraph),
                            data->n_entities, data->n_relations);

    igraph_error_t rc = igraph_copy(&c.copy, &graph->igraph);
    if (rc != IGRAPH_SUCCESS) {
        status = igraph_failure(&c, rc, "copying the network");
        goto cleanup;
    }
    c.have_copy = true;
    /* Whatever kg_graph_build attached is not part of the GraphML contract. */
    igraph_cattribute_remove_all(&c.copy, true, true, true);

    rc = igraph_strvector_init(&c.strings, 0);
    if (rc != IGRAPH_SUCCESS) {
        status = igraph_failure(&c, rc, "allocating");
        goto cleanup;
    }
    c.have_strings = true;
    rc = igraph_vector_init(&c.numbers, 0);
    if (rc != IGRAPH_SUCCESS) {
        status = igraph_failure(&c, rc, "allocating");
        goto cleanup;
    }
    c.have_numbers = true;

    status = node_attributes(&c);
    if (status == KG_OK)
        status = edge_attributes(&c);
    if (status == KG_OK)
        status = graph_attributes(&c);
    if (status != KG_OK)
        goto cleanup;

    /* igraph 0.10.2 prints numbers with the locale's decimal separator
     * ("0,98" under de_DE).  Switch this thread alone to the C numeric
     * locale for the write (other categories as they are); the process
     * locale is not touched. */
    locale_t base = duplocale(uselocale((locale_t)0));
    locale_t c_numeric = base != (locale_t)0 ? newlocale(LC_NUMERIC_MASK, "C", base) : (locale_t)0;
    if (c_numeric == (locale_t)0) {
        if (base != (locale_t)0)
            freelocale(base);
        status = kg_error_set(err, KG_ERR_NOMEM, NULL, 0, 0, "cannot create the C locale");
        goto cleanup;
    }
    locale_t previous = uselocale(c_numeric);
    rc = igraph_write_graph_graphml(&c.copy, out, true);
    uselocale(previous);
    freelocale(c_numeric); /* newlocale took over base */
    if (rc != IGRAPH_SUCCESS) {
        status = igraph_failure(&c, rc, "writing GraphML");
        goto cleanup;
    }
    status = kg_export_flush(out, err);

cleanup:
    if (c.have_copy)
        igraph_destroy(&c.copy);
    if (c.have_strings)
        igraph_strvector_destroy(&c.strings);
    if (c.have_numbers)
        igraph_vector_destroy(&c.numbers);
    kg_buf_clear(&c.text);
    return status;
}
