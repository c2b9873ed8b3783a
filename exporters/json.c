/* json.c — the graph as JSON (jansson): NetworkX node-link data, or
 * Cytoscape.js elements.
 *
 * Node-link is loadable by networkx.node_link_graph (edges under "links",
 * multigraph, directed); the Cytoscape.js style by cytoscape({elements}) or
 * cy.json().  The document is streamed: the frame (top-level keys, arrays) is
 * written here, and each node, link and the graph header is built as one
 * small jansson object and dumped with sorted keys, one-space indentation and
 * 12 significant digits, re-indented to its depth.  The bytes are exactly
 * those of dumping the whole tree at once with the same flags, but memory
 * stays at one object.  The contract (every key and its meaning) is
 * docs/formats.md, its JSON Schema docs/graph.schema.json;
 * tests/test_exporters.c checks both.
 */
#include "kg_export_internal.h"

#include <errno.h>
#include <jansson.h>
#include <stdlib.h>
#include <string.h>

/* New reference to a JSON string for s, repairing invalid UTF-8 (which
 * json_string refuses) instead of failing; NULL only when out of memory. */
static json_t *jstr(const char *s) {
    if (s == NULL)
        s = "";
    json_t *value = json_string(s);
    if (value == NULL) {
        char *clean = kg_export_clean_text(s, strlen(s), false);
        if (clean != NULL)
            value = json_string(clean);
        free(clean);
    }
    return value;
}

static json_t *jint(size_t n) {
    return json_integer((json_int_t)n);
}

static json_t *jreal(double x) {
    return json_real(kg_export_finite(x));
}

/* Every json_object_set_new / json_array_append_new below steals its value
 * even on failure, so a failed allocation leaks nothing; failures are OR-ed
 * into one flag checked once per object. */
static int set(json_t *object, const char *key, json_t *value) {
    return json_object_set_new(object, key, value) != 0;
}

static int set_opt_str(json_t *object, const char *key, const char *s) {
    return s != NULL ? set(object, key, jstr(s)) : 0;
}

static json_t *string_array(const char *const *items, size_t n) {
    json_t *array = json_array();
    int bad = array == NULL;
    for (size_t i = 0; i < n && !bad; i++)
        bad |= json_array_append_new(array, jstr(items[i])) != 0;
    if (bad) {
        json_decref(array);
        return NULL;
    }
    return array;
}

static json_t *document_json(const kg_doc_info *doc) {
    json_t *o = json_object();
    if (o == NULL)
        return NULL;
    int bad = set(o, "id", jstr(doc->id));
    bad |= set(o, "lang", jstr(doc->lang != NULL ? doc->lang : "und"));
    bad |= set_opt_str(o, "title", doc->title);
    bad |= set_opt_str(o, "date", doc->date);
    bad |= set_opt_str(o, "url", doc->url);
    bad |= set(o, "sentences", jint(doc->n_sentences));
    bad |= set(o, "bytes", jint(doc->n_bytes));
    if (bad) {
        json_decref(o);
        return NULL;
    }
    return o;
}

/* How the analytics were computed: kg_analytics_info, options included, so
 * that `kgraph analyze` can redo them (docs/analytics.md). */
static json_t *analytics_json(const kg_analytics_info *info) {
    json_t *o = json_object();
    if (o == NULL)
        return NULL;
    const kg_analytics_options *opt = &info->options;
    int bad = set(o, "seed", json_integer((json_int_t)opt->seed));
    bad |= set(o, "betweenness_method",
               jstr(info->betweenness_method != NULL ? info->betweenness_method : "exact"));
    bad |= set(o, "betweenness_sources", jint(info->betweenness_sources));
    bad |= set(o, "betweenness_samples", jint(opt->betweenness_samples));
    bad |= set(o, "betweenness_exact_max", jint(opt->betweenness_exact_max));
    bad |= set(o, "closeness_method",
               jstr(info->closeness_method != NULL ? info->closeness_method : "exact"));
    bad |= set(o, "closeness_sources", jint(info->closeness_sources));
    bad |= set(o, "harmonic_method",
               jstr(info->harmonic_method != NULL ? info->harmonic_method : "exact"));
    bad |= set(o, "harmonic_sources", jint(info->harmonic_sources));
    bad |= set(o, "community_method",
               jstr(info->community_method != NULL ? info->community_method : "none"));
    bad |= set(o, "communities", jint(info->n_communities));
    bad |= set(o, "modularity", jreal(info->modularity));
    bad |= set(o, "leiden_iterations", json_integer(opt->leiden_iterations));
    bad |= set(o, "leiden_resolution", jreal(opt->leiden_resolution));
    if (bad) {
        json_decref(o);
        return NULL;
    }
    return o;
}

static json_t *graph_json(const kg_graph *graph) {
    const kg_resolved *data = graph->data;
    json_t *o = json_object(), *docs = json_array(), *counts = json_object();
    json_t *by_type = json_object(), *by_relation = json_object(), *methods = json_object();
    int bad = o == NULL || docs == NULL || counts == NULL || by_type == NULL ||
              by_relation == NULL || methods == NULL;
    if (bad)
        goto fail;

    for (size_t i = 0; i < data->n_documents && !bad; i++)
        bad |= json_array_append_new(docs, document_json(&data->documents[i])) != 0;

    size_t n_type[KG_ENT_TYPE_COUNT] = {0}, n_rel[KG_REL_TYPE_COUNT] = {0};
    for (size_t i = 0; i < data->n_entities; i++)
        if ((unsigned)data->entities[i].type < KG_ENT_TYPE_COUNT)
            n_type[data->entities[i].type]++;
    for (size_t i = 0; i < data->n_relations; i++)
        if ((unsigned)data->relations[i].type < KG_REL_TYPE_COUNT)
            n_rel[data->relations[i].type]++;
    for (int t = 0; t < KG_ENT_TYPE_COUNT && !bad; t++)
        bad |= set(by_type, kg_entity_type_name((kg_entity_type)t), jint(n_type[t]));
    for (int t = 0; t < KG_REL_TYPE_COUNT && !bad; t++)
        bad |= set(by_relation, kg_relation_type_name((kg_relation_type)t), jint(n_rel[t]));
    char method[160];
    for (size_t m = 0; m < KG_EXPORT_N_MEASURES && !bad; m++)
        bad |= set(
            methods, kg_export_measures[m].name,
            jstr(kg_export_measure_method(graph, &kg_export_measures[m], method, sizeof method)));

    bad |= set(counts, "nodes", jint(data->n_entities));
    bad |= set(counts, "links", jint(data->n_relations));
    bad |= set(counts, "entities", by_type);
    bad |= set(counts, "relations", by_relation);
    by_type = by_relation = NULL; /* stolen by counts */
    bad |= set(o, "generator", jstr("kgraph " KG_VERSION));
    bad |= set(o, "base_iri", jstr(graph->base_iri));
    bad |= set(o, "vocab_iri", jstr(KG_VOCAB_IRI));
    bad |= set(o, "documents", docs);
    bad |= set(o, "counts", counts);
    bad |= set(o, "centrality", methods);
    bad |= set(o, "analytics", analytics_json(&graph->analytics));
    docs = counts = methods = NULL;
    if (bad)
        goto fail;
    return o;

fail:
    json_decref(o);
    json_decref(docs);
    json_decref(counts);
    json_decref(by_type);
    json_decref(by_relation);
    json_decref(methods);
    return NULL;
}

/* The audit trail of entity i: the merges that made it one node, from
 * kg_resolved.merges (sorted by entity, so found by bisection). */
static json_t *merges_json(const kg_resolved *data, size_t i) {
    size_t lo = 0, hi = data->n_merges;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (data->merges[mid].entity < i)
            lo = mid + 1;
        else
            hi = mid;
    }
    json_t *arr = json_array();
    for (size_t k = lo; arr != NULL && k < data->n_merges && data->merges[k].entity == i; k++) {
        const kg_merge *m = &data->merges[k];
        json_t *o = json_object(), *forms = json_array();
        int bad = o == NULL || forms == NULL;
        bad |= bad || json_array_append_new(forms, jstr(m->form_a)) != 0 ||
               json_array_append_new(forms, jstr(m->form_b)) != 0;
        bad |= set(o, "forms", forms);
        forms = NULL;
        bad |= set(o, "rule", jstr(m->rule));
        bad |= set(o, "score", jreal(m->score));
        bad |= set_opt_str(o, "detail", m->detail);
        json_decref(forms);
        if (bad || json_array_append_new(arr, o) != 0) {
            json_decref(arr);
            return NULL;
        }
    }
    return arr;
}

static json_t *node_json(const kg_graph *graph, size_t i) {
    const kg_entity *e = &graph->data->entities[i];
    json_t *o = json_object(), *labels = json_object(), *centrality = json_object();
    char *iri = kg_export_entity_iri(graph, i);
    int bad = o == NULL || labels == NULL || centrality == NULL || iri == NULL;
    if (bad)
        goto done;
    bad |= set_opt_str(labels, "en", e->label_en);
    bad |= set_opt_str(labels, "ru", e->label_ru);
    for (size_t m = 0; m < KG_EXPORT_N_MEASURES && !bad; m++)
        bad |= set(centrality, kg_export_measures[m].name,
                   jreal(kg_export_measure_value(graph, i, &kg_export_measures[m])));
    const char *type = kg_entity_type_name(e->type);
    bad |= set(o, "id", jstr(e->id));
    bad |= set(o, "iri", jstr(iri));
    bad |= set(o, "type", jstr(type != NULL ? type : "Unknown"));
    bad |= set(o, "label", jstr(e->label));
    bad |= set(o, "lang", jstr(e->lang != NULL ? e->lang : "und"));
    bad |= set(o, "labels", labels);
    bad |= set(o, "aliases", string_array(e->aliases, e->n_aliases));
    bad |= set(o, "mentions", jint(e->mentions));
    bad |= set(o, "documents", string_array(e->documents, e->n_documents));
    bad |= set_opt_str(o, "date", e->date);
    bad |= set(o, "merges", merges_json(graph->data, i));
    bad |= set(o, "centrality", centrality);
    bad |= set(o, "community", jint(kg_export_community(graph, i)));
    labels = centrality = NULL;
done:
    free(iri);
    json_decref(labels);
    json_decref(centrality);
    if (bad) {
        json_decref(o);
        return NULL;
    }
    return o;
}

static json_t *evidence_json(const kg_evidence *ev) {
    json_t *o = json_object();
    if (o == NULL)
        return NULL;
    int bad = set(o, "doc", jstr(ev->doc));
    bad |= set(o, "sentence", jint(ev->sentence));
    bad |= set(o, "start", jint(ev->start));
    bad |= set(o, "end", jint(ev->end));
    bad |= set(o, "text", jstr(ev->text));
    bad |= set(o, "rule", jstr(ev->rule));
    bad |= set(o, "confidence", jreal(ev->confidence));
    if (bad) {
        json_decref(o);
        return NULL;
    }
    return o;
}

/* The link's "key" must be unique among the links between one pair of nodes
 * (networkx multigraph key): the resolver merges relations equal in
 * (subject, object, type, role), so "type" or "type:role" is.  "iri" is the
 * relation's statement IRI in the RDF outputs; with id_key, its local part
 * ("relation/<16 hex>") is also stored under that key (Cytoscape.js edge
 * ids). */
static json_t *link_json(const kg_graph *graph, size_t j, kg_buf *key, const char *id_key) {
    const kg_relation *r = &graph->data->relations[j];
    const kg_entity *entities = graph->data->entities;
    const char *type = kg_relation_type_name(r->type);
    if (type == NULL)
        type = "unknown";
    json_t *o = json_object(), *evidence = json_array();
    char local[KG_EXPORT_RELATION_LOCAL_SIZE];
    int bad = o == NULL || evidence == NULL;
    if (bad)
        goto done;
    kg_export_relation_local(kg_export_relation_key(graph, r, key), local);
    bad |= key->failed;
    if (id_key != NULL)
        bad |= set(o, id_key, jstr(local));
    kg_buf_reset(key);
    kg_buf_puts(key, graph->base_iri);
    kg_buf_puts(key, local);
    bad |= key->failed;
    bad |= set(o, "iri", jstr(key->data));
    kg_buf_reset(key);
    kg_buf_puts(key, type);
    if (r->role != NULL) {
        kg_buf_puts(key, ":");
        kg_buf_puts(key, r->role);
    }
    bad |= key->failed;
    for (size_t k = 0; k < r->n_evidence && !bad; k++)
        bad |= json_array_append_new(evidence, evidence_json(&r->evidence[k])) != 0;
    bad |= set(o, "source", jstr(entities[r->subject].id));
    bad |= set(o, "target", jstr(entities[r->object].id));
    bad |= set(o, "key", jstr(key->data));
    bad |= set(o, "type", jstr(type));
    bad |= set_opt_str(o, "role", r->role);
    bad |= set_opt_str(o, "role_text", r->role_text);
    bad |= set(o, "weight", jint(r->n_evidence));
    bad |= set(o, "confidence", jreal(r->confidence));
    bad |= set(o, "evidence", evidence);
    evidence = NULL;
done:
    json_decref(evidence);
    if (bad) {
        json_decref(o);
        return NULL;
    }
    return o;
}

/* ---- streaming ------------------------------------------------------------------ */

/* The flags of every dump: what the whole tree used to be dumped with. */
#define DUMP_FLAGS (JSON_SORT_KEYS | JSON_INDENT(1) | JSON_REAL_PRECISION(12))

typedef struct json_stream {
    FILE *out;
    size_t depth; /* spaces after every newline of the value being dumped */
    bool nomem;   /* an object could not be built */
    int errnum;   /* first write error */
} json_stream;

static void raw(json_stream *s, const char *text) {
    if (s->errnum == 0 && fputs(text, s->out) == EOF)
        s->errnum = errno != 0 ? errno : EIO;
}

static void newline(json_stream *s, size_t depth) {
    raw(s, "\n");
    for (size_t i = 0; i < depth && s->errnum == 0; i++)
        if (fputc(' ', s->out) == EOF)
            s->errnum = errno != 0 ? errno : EIO;
}

/* jansson's output with the indentation of the current depth added after
 * each newline: strings are escaped, so every newline is structural. */
static int dump_callback(const char *buffer, size_t size, void *data) {
    json_stream *s = data;
    size_t start = 0;
    for (size_t i = 0; i < size && s->errnum == 0; i++) {
        if (buffer[i] != '\n')
            continue;
        if (fwrite(buffer + start, 1, i - start, s->out) != i - start)
            s->errnum = errno != 0 ? errno : EIO;
        newline(s, s->depth);
        start = i + 1;
    }
    if (s->errnum == 0 && start < size &&
        fwrite(buffer + start, 1, size - start, s->out) != size - start)
        s->errnum = errno != 0 ? errno : EIO;
    return s->errnum == 0 ? 0 : -1;
}

/* Dumps value (stolen: released here, NULL meaning out of memory) as if it
 * stood at depth in the whole tree. */
static void emit(json_stream *s, json_t *value, size_t depth) {
    if (value == NULL) {
        s->nomem = true;
        return;
    }
    if (s->errnum == 0 && !s->nomem) {
        s->depth = depth;
        if (json_dump_callback(value, dump_callback, s, DUMP_FLAGS) != 0 && s->errnum == 0)
            s->errnum = EIO;
    }
    json_decref(value);
}

/* "key": with the separator and indentation of an object member at depth. */
static void member(json_stream *s, const char *key, size_t depth, bool first) {
    if (!first)
        raw(s, ",");
    newline(s, depth);
    raw(s, "\"");
    raw(s, key);
    raw(s, "\": ");
}

typedef enum element_kind { ELEMENT_NODE, ELEMENT_LINK } element_kind;

/* The JSON of node or link i, as an item of its array in the style given. */
static json_t *element_json(const kg_graph *graph, kg_json_style style, element_kind kind, size_t i,
                            kg_buf *key) {
    json_t *data = kind == ELEMENT_NODE
                       ? node_json(graph, i)
                       : link_json(graph, i, key, style == KG_JSON_CYTOSCAPE ? "id" : NULL);
    if (style != KG_JSON_CYTOSCAPE || data == NULL)
        return data;
    /* Cytoscape.js: {"classes": type, "data": {...}, "group": "nodes"|"edges"}. */
    json_t *o = json_object();
    if (o == NULL) {
        json_decref(data);
        return NULL;
    }
    int bad = set(o, "classes", jstr(json_string_value(json_object_get(data, "type"))));
    bad |= set(o, "group", jstr(kind == ELEMENT_NODE ? "nodes" : "edges"));
    bad |= set(o, "data", data);
    if (bad) {
        json_decref(o);
        return NULL;
    }
    return o;
}

/* An array of every node or link, its "[" already positioned at depth - 1. */
static void element_array(json_stream *s, const kg_graph *graph, kg_json_style style,
                          element_kind kind, size_t depth, kg_buf *key) {
    size_t n = kind == ELEMENT_NODE ? graph->data->n_entities : graph->data->n_relations;
    if (n == 0) {
        raw(s, "[]");
        return;
    }
    raw(s, "[");
    for (size_t i = 0; i < n && s->errnum == 0 && !s->nomem; i++) {
        if (i > 0)
            raw(s, ",");
        newline(s, depth);
        emit(s, element_json(graph, style, kind, i, key), depth);
    }
    newline(s, depth - 1);
    raw(s, "]");
}

static kg_status export_json(const kg_graph *graph, kg_json_style style, FILE *out, kg_error *err) {
    kg_status status = KG_OK;
    kg_buf key = KG_BUF_INIT;
    json_stream s = {out, 0, false, 0};

    if (graph == NULL || graph->data == NULL || out == NULL)
        return kg_error_set(err, KG_ERR_USAGE, NULL, 0, 0, "no graph or no output stream");
    status = kg_export_check_base_iri(graph->base_iri, err);
    if (status != KG_OK)
        return status;
    const kg_resolved *data = graph->data;
    for (size_t j = 0; j < data->n_relations; j++)
        if (data->relations[j].subject >= data->n_entities ||
            data->relations[j].object >= data->n_entities)
            return kg_error_set(err, KG_ERR_INTERNAL, NULL, 0, 0,
                                "relation %zu refers to an entity that does not exist", j);

    /* Keys in byte order, as JSON_SORT_KEYS would put them. */
    raw(&s, "{");
    if (style == KG_JSON_CYTOSCAPE) {
        member(&s, "data", 1, true);
        emit(&s, graph_json(graph), 1);
        member(&s, "elements", 1, false);
        raw(&s, "{");
        member(&s, "edges", 2, true);
        element_array(&s, graph, style, ELEMENT_LINK, 3, &key);
        member(&s, "nodes", 2, false);
        element_array(&s, graph, style, ELEMENT_NODE, 3, &key);
        newline(&s, 1);
        raw(&s, "}");
    } else {
        member(&s, "directed", 1, true);
        raw(&s, "true");
        member(&s, "graph", 1, false);
        emit(&s, graph_json(graph), 1);
        member(&s, "links", 1, false);
        element_array(&s, graph, style, ELEMENT_LINK, 2, &key);
        member(&s, "multigraph", 1, false);
        raw(&s, "true");
        member(&s, "nodes", 1, false);
        element_array(&s, graph, style, ELEMENT_NODE, 2, &key);
    }
    newline(&s, 0);
    raw(&s, "}\n");

    if (s.nomem)
        status = kg_error_set(err, KG_ERR_NOMEM, NULL, 0, 0, "out of memory building the JSON");
    else if (s.errnum != 0)
        status = kg_export_write_error(err, s.errnum);
    else
        status = kg_export_flush(out, err);
    kg_buf_clear(&key);
    return status;
}

kg_status kg_export_json(const kg_graph *graph, FILE *out, kg_error *err) {
    return export_json(graph, KG_JSON_NODE_LINK, out, err);
}

kg_status kg_export_cytoscape(const kg_graph *graph, FILE *out, kg_error *err) {
    return export_json(graph, KG_JSON_CYTOSCAPE, out, err);
}
