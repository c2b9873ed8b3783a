/* json.c — the graph as NetworkX node-link JSON (jansson).
 *
 * Loadable by networkx.node_link_graph (edges under "links", multigraph,
 * directed).  The whole document is built as a jansson tree and dumped with
 * sorted keys, so output depends only on the graph.  The contract (every key
 * and its meaning) is docs/formats.md; tests/test_exporters.c checks it.
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
    for (size_t m = 0; m < KG_EXPORT_N_MEASURES && !bad; m++)
        bad |= set(methods, kg_export_measures[m].name, jstr(kg_export_measures[m].method));

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
    bad |= set(o, "centrality", centrality);
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
 * (subject, object, type, role), so "type" or "type:role" is. */
static json_t *link_json(const kg_graph *graph, size_t j, kg_buf *key) {
    const kg_relation *r = &graph->data->relations[j];
    const kg_entity *entities = graph->data->entities;
    const char *type = kg_relation_type_name(r->type);
    if (type == NULL)
        type = "unknown";
    json_t *o = json_object(), *evidence = json_array();
    int bad = o == NULL || evidence == NULL;
    if (bad)
        goto done;
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

kg_status kg_export_json(const kg_graph *graph, FILE *out, kg_error *err) {
    kg_status status = KG_OK;
    json_t *root = NULL, *nodes = NULL, *links = NULL;
    kg_buf key = KG_BUF_INIT;

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

    root = json_object();
    nodes = json_array();
    links = json_array();
    int bad = root == NULL || nodes == NULL || links == NULL;
    for (size_t i = 0; i < data->n_entities && !bad; i++)
        bad |= json_array_append_new(nodes, node_json(graph, i)) != 0;
    for (size_t j = 0; j < data->n_relations && !bad; j++)
        bad |= json_array_append_new(links, link_json(graph, j, &key)) != 0;
    if (!bad) {
        bad |= set(root, "directed", json_true());
        bad |= set(root, "multigraph", json_true());
        bad |= set(root, "graph", graph_json(graph));
        bad |= set(root, "nodes", nodes);
        bad |= set(root, "links", links);
        nodes = links = NULL;
    }
    if (bad) {
        status = kg_error_set(err, KG_ERR_NOMEM, NULL, 0, 0, "out of memory building the JSON");
        goto cleanup;
    }

    if (json_dumpf(root, out, JSON_SORT_KEYS | JSON_INDENT(1) | JSON_REAL_PRECISION(12)) != 0 ||
        fputc('\n', out) == EOF) {
        status = kg_export_write_error(err, errno);
        goto cleanup;
    }
    status = kg_export_flush(out, err);

cleanup:
    json_decref(root);
    json_decref(nodes);
    json_decref(links);
    kg_buf_clear(&key);
    return status;
}
