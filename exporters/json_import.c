/* json_import.c — a graph.json written by kgraph read back into a
 * kg_resolved, so that a graph built earlier can be analysed again
 * (`kgraph analyze`, `kgraph report`) without the articles.
 *
 * Reads both styles kg_export_json / kg_export_cytoscape write.  What is
 * derived from the data (IRIs, link keys, counts, centralities,
 * communities) is ignored and recomputed; what the data is made of
 * (entities, relations with their evidence, documents, the merge audit
 * trail) is taken as written, in file order, which for a file kgraph wrote
 * is the order kg_resolved promises.  The whole document is parsed with
 * jansson first: memory is about the size of the file.  Every problem is
 * reported with the file name and, for malformed JSON, line and column;
 * for JSON that is not a kgraph graph, with the path of the offending
 * value ("nodes[3].type").
 */
#include "kg_export_internal.h"
#include "kg_model_internal.h"

#include <jansson.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

typedef struct import_ctx {
    const char *path;
    kg_strpool *pool;
    kg_error *err;
    kg_status status; /* first failure; later calls do nothing */
    char at[96];      /* the element being read: "nodes[3]" */
} import_ctx;

/* Records the first problem as KG_ERR_INPUT, prefixed by the element being
 * read; later calls do nothing. */
static void fail(import_ctx *c, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 2, 3)))
#endif
    ;

static void fail(import_ctx *c, const char *fmt, ...) {
    char message[400];
    va_list ap;
    if (c->status != KG_OK)
        return;
    va_start(ap, fmt);
    vsnprintf(message, sizeof message, fmt, ap);
    va_end(ap);
    c->status = kg_error_set(c->err, KG_ERR_INPUT, c->path, 0, 0, "%s%s%s", c->at,
                             c->at[0] != '\0' ? ": " : "", message);
}

static void nomem(import_ctx *c) {
    if (c->status == KG_OK)
        c->status =
            kg_error_set(c->err, KG_ERR_NOMEM, c->path, 0, 0, "out of memory reading the graph");
}

/* The pooled copy of the string member key of o; NULL when absent (an error
 * when required) or not a string (always an error). */
static const char *str_member(import_ctx *c, const json_t *o, const char *key, bool required) {
    json_t *v = json_object_get(o, key);
    if (v == NULL || json_is_null(v)) {
        if (required)
            fail(c, "\"%s\" is missing", key);
        return NULL;
    }
    if (!json_is_string(v)) {
        fail(c, "\"%s\" is not a string", key);
        return NULL;
    }
    const char *s = kg_strpool_intern(c->pool, json_string_value(v), strlen(json_string_value(v)));
    if (s == NULL)
        nomem(c);
    return s;
}

/* "und" is what the writers put for an unknown language. */
static const char *lang_member(import_ctx *c, const json_t *o) {
    const char *lang = str_member(c, o, "lang", false);
    return lang != NULL && strcmp(lang, "und") == 0 ? NULL : lang;
}

/* A non-negative integer member; fallback when absent and not required. */
static size_t count_member(import_ctx *c, const json_t *o, const char *key, bool required,
                           size_t fallback) {
    json_t *v = json_object_get(o, key);
    if (v == NULL) {
        if (required)
            fail(c, "\"%s\" is missing", key);
        return fallback;
    }
    if (!json_is_integer(v) || json_integer_value(v) < 0) {
        fail(c, "\"%s\" is not a non-negative integer", key);
        return fallback;
    }
    return (size_t)json_integer_value(v);
}

static double number_member(import_ctx *c, const json_t *o, const char *key, double fallback) {
    json_t *v = json_object_get(o, key);
    if (v == NULL)
        return fallback;
    if (!json_is_number(v)) {
        fail(c, "\"%s\" is not a number", key);
        return fallback;
    }
    return json_number_value(v);
}

/* An array member (NULL, with an error when required, if absent). */
static json_t *array_member(import_ctx *c, const json_t *o, const char *key, bool required) {
    json_t *v = json_object_get(o, key);
    if (v == NULL) {
        if (required)
            fail(c, "\"%s\" is missing", key);
        return NULL;
    }
    if (!json_is_array(v)) {
        fail(c, "\"%s\" is not an array", key);
        return NULL;
    }
    return v;
}

/* A new array of the pooled strings of the array member key (NULL and 0
 * when absent or empty). */
static const char **string_list(import_ctx *c, const json_t *o, const char *key, size_t *n) {
    json_t *array = array_member(c, o, key, false);
    *n = 0;
    if (array == NULL || json_array_size(array) == 0)
        return NULL;
    const char **items = calloc(json_array_size(array), sizeof *items);
    if (items == NULL) {
        nomem(c);
        return NULL;
    }
    size_t k;
    json_t *v;
    json_array_foreach(array, k, v) {
        if (!json_is_string(v)) {
            fail(c, "\"%s\"[%zu] is not a string", key, k);
            break;
        }
        items[k] = kg_strpool_cstr(c->pool, json_string_value(v));
        if (items[k] == NULL) {
            nomem(c);
            break;
        }
    }
    if (c->status != KG_OK) {
        free(items);
        return NULL;
    }
    *n = json_array_size(array);
    return items;
}

/* Node-link items are the objects themselves; Cytoscape.js items carry
 * them under "data". */
static const json_t *element_data(const json_t *item, bool cytoscape) {
    return cytoscape ? json_object_get(item, "data") : item;
}

/* ---- entities ---------------------------------------------------------------------- */

static void read_entity(import_ctx *c, const json_t *node, kg_entity *e) {
    e->id = str_member(c, node, "id", true);
    if (e->id != NULL && e->id[0] == '\0')
        fail(c, "\"id\" is empty");
    const char *type = str_member(c, node, "type", true);
    if (type != NULL && kg_entity_type_parse(type, &e->type) != KG_OK)
        fail(c, "\"type\" is \"%s\", not an entity type", type);
    e->label = str_member(c, node, "label", true);
    e->lang = lang_member(c, node);
    json_t *labels = json_object_get(node, "labels");
    if (labels != NULL && !json_is_object(labels))
        fail(c, "\"labels\" is not an object");
    else if (labels != NULL) {
        e->label_en = str_member(c, labels, "en", false);
        e->label_ru = str_member(c, labels, "ru", false);
    }
    e->aliases = string_list(c, node, "aliases", &e->n_aliases);
    e->documents = string_list(c, node, "documents", &e->n_documents);
    e->mentions = count_member(c, node, "mentions", false, 0);
    e->date = str_member(c, node, "date", false);
}

/* Appends the "merges" of node i to out->merges (capacity *cap). */
static void read_merges(import_ctx *c, const json_t *node, size_t i, kg_resolved *out,
                        size_t *cap) {
    json_t *merges = array_member(c, node, "merges", false);
    size_t k;
    json_t *m;
    json_array_foreach(merges, k, m) {
        if (c->status != KG_OK)
            return;
        json_t *forms = json_object_get(m, "forms");
        if (!json_is_object(m) || !json_is_array(forms) || json_array_size(forms) != 2 ||
            !json_is_string(json_array_get(forms, 0)) ||
            !json_is_string(json_array_get(forms, 1))) {
            fail(c, "\"merges\"[%zu] has no pair of \"forms\"", k);
            return;
        }
        if (kg_reserve((void **)&out->merges, cap, out->n_merges + 1, sizeof *out->merges) !=
            KG_OK) {
            nomem(c);
            return;
        }
        kg_merge *merge = &out->merges[out->n_merges];
        merge->entity = i;
        merge->form_a = kg_strpool_cstr(c->pool, json_string_value(json_array_get(forms, 0)));
        merge->form_b = kg_strpool_cstr(c->pool, json_string_value(json_array_get(forms, 1)));
        if (merge->form_a == NULL || merge->form_b == NULL)
            nomem(c);
        merge->rule = str_member(c, m, "rule", true);
        merge->score = number_member(c, m, "score", 0.0);
        merge->detail = str_member(c, m, "detail", false);
        out->n_merges++;
    }
}

/* Entity indices sorted by id, for finding link ends and duplicates. */
typedef struct id_index {
    const char *id;
    size_t index;
} id_index;

static int cmp_id_index(const void *a, const void *b) {
    const id_index *x = a, *y = b;
    int c = strcmp(x->id, y->id);
    return c != 0 ? c : kg_cmp_size(x->index, y->index);
}

/* Index of the entity with this id, or SIZE_MAX. */
static size_t find_entity(const id_index *by_id, size_t n, const char *id) {
    size_t lo = 0, hi = n;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        int cmp = strcmp(by_id[mid].id, id);
        if (cmp == 0)
            return by_id[mid].index;
        if (cmp < 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    return SIZE_MAX;
}

/* ---- relations ---------------------------------------------------------------------- */

static void read_evidence(import_ctx *c, const json_t *o, size_t k, kg_evidence *ev) {
    if (!json_is_object(o)) {
        fail(c, "\"evidence\"[%zu] is not an object", k);
        return;
    }
    ev->doc = str_member(c, o, "doc", true);
    ev->sentence = count_member(c, o, "sentence", true, 0);
    ev->start = count_member(c, o, "start", true, 0);
    ev->end = count_member(c, o, "end", true, 0);
    ev->text = str_member(c, o, "text", true);
    ev->rule = str_member(c, o, "rule", true);
    ev->confidence = number_member(c, o, "confidence", 0.0);
}

static void read_relation(import_ctx *c, const json_t *link, const id_index *by_id, size_t n,
                          kg_relation *r) {
    const char *source = str_member(c, link, "source", true);
    const char *target = str_member(c, link, "target", true);
    const char *type = str_member(c, link, "type", true);
    if (c->status != KG_OK)
        return;
    r->subject = find_entity(by_id, n, source);
    r->object = find_entity(by_id, n, target);
    if (r->subject == SIZE_MAX || r->object == SIZE_MAX) {
        fail(c, "\"%s\" is not the id of a node", r->subject == SIZE_MAX ? "source" : "target");
        return;
    }
    if (kg_relation_type_parse(type, &r->type) != KG_OK) {
        fail(c, "\"type\" is \"%s\", not a relation type", type);
        return;
    }
    r->role = str_member(c, link, "role", false);
    r->role_text = str_member(c, link, "role_text", false);
    r->confidence = number_member(c, link, "confidence", 0.0);
    json_t *evidence = array_member(c, link, "evidence", true);
    if (evidence == NULL)
        return;
    size_t weight = count_member(c, link, "weight", false, json_array_size(evidence));
    if (weight != json_array_size(evidence)) {
        fail(c, "\"weight\" is %zu but there are %zu evidence records", weight,
             json_array_size(evidence));
        return;
    }
    if (weight > 0 && (r->evidence = calloc(weight, sizeof *r->evidence)) == NULL) {
        nomem(c);
        return;
    }
    r->n_evidence = weight;
    for (size_t k = 0; k < weight && c->status == KG_OK; k++)
        read_evidence(c, json_array_get(evidence, k), k, &r->evidence[k]);
}

/* ---- the graph header ---------------------------------------------------------------- */

static void read_documents(import_ctx *c, const json_t *graph, kg_resolved *out) {
    json_t *docs = array_member(c, graph, "documents", false);
    size_t n = json_array_size(docs);
    if (n == 0)
        return;
    out->documents = calloc(n, sizeof *out->documents);
    if (out->documents == NULL) {
        nomem(c);
        return;
    }
    for (size_t d = 0; d < n && c->status == KG_OK; d++) {
        const json_t *o = json_array_get(docs, d);
        kg_doc_info *doc = &out->documents[d];
        snprintf(c->at, sizeof c->at, "graph.documents[%zu]", d);
        if (!json_is_object(o)) {
            fail(c, "not an object");
            break;
        }
        doc->id = str_member(c, o, "id", true);
        doc->lang = lang_member(c, o);
        doc->title = str_member(c, o, "title", false);
        doc->date = str_member(c, o, "date", false);
        doc->url = str_member(c, o, "url", false);
        doc->n_sentences = count_member(c, o, "sentences", false, 0);
        doc->n_bytes = count_member(c, o, "bytes", false, 0);
        out->n_documents++;
    }
}

/* The options recorded under "analytics"; each one absent or out of range
 * keeps its default. */
static void read_options(const json_t *graph, kg_analytics_options *opt) {
    const json_t *a = json_object_get(graph, "analytics");
    const json_t *v;
    if (!json_is_object(a))
        return;
    if (json_is_integer(v = json_object_get(a, "seed")) && json_integer_value(v) >= 0)
        opt->seed = (unsigned long)json_integer_value(v);
    if (json_is_integer(v = json_object_get(a, "betweenness_samples")) && json_integer_value(v) > 0)
        opt->betweenness_samples = (size_t)json_integer_value(v);
    if (json_is_integer(v = json_object_get(a, "betweenness_exact_max")) &&
        json_integer_value(v) >= 0)
        opt->betweenness_exact_max = (size_t)json_integer_value(v);
    if (json_is_integer(v = json_object_get(a, "leiden_iterations")) && json_integer_value(v) > 0 &&
        json_integer_value(v) <= 1000000)
        opt->leiden_iterations = (int)json_integer_value(v);
    if (json_is_number(v = json_object_get(a, "leiden_resolution")) && json_number_value(v) > 0)
        opt->leiden_resolution = json_number_value(v);
}

/* ---- entry points ------------------------------------------------------------------------ */

static void read_graph(import_ctx *c, const json_t *root, kg_resolved *out, kg_import_info *info) {
    bool cytoscape = false;
    const json_t *graph = NULL, *nodes = NULL, *links = NULL;
    size_t merges_cap = 0;
    id_index *by_id = NULL;

    if (!json_is_object(root)) {
        fail(c, "not a kgraph graph.json: the top level is not an object");
        return;
    }
    const json_t *elements = json_object_get(root, "elements");
    if (json_is_object(elements)) {
        cytoscape = true;
        graph = json_object_get(root, "data");
        nodes = json_object_get(elements, "nodes");
        links = json_object_get(elements, "edges");
    } else {
        graph = json_object_get(root, "graph");
        nodes = json_object_get(root, "nodes");
        links = json_object_get(root, "links");
    }
    if (!json_is_array(nodes) || !json_is_array(links)) {
        fail(c, "not a kgraph graph.json: no \"nodes\" and \"links\" arrays (nor Cytoscape.js "
                "\"elements\")");
        return;
    }
    if (graph != NULL && !json_is_object(graph)) {
        fail(c, "\"%s\" is not an object", cytoscape ? "data" : "graph");
        return;
    }

    size_t n = json_array_size(nodes), m = json_array_size(links);
    if (n > 0 && ((out->entities = calloc(n, sizeof *out->entities)) == NULL ||
                  (by_id = malloc(n * sizeof *by_id)) == NULL)) {
        nomem(c);
        goto done;
    }
    out->n_entities = n;
    for (size_t i = 0; i < n && c->status == KG_OK; i++) {
        const json_t *node = element_data(json_array_get(nodes, i), cytoscape);
        snprintf(c->at, sizeof c->at, "nodes[%zu]", i);
        if (!json_is_object(node)) {
            fail(c, "not an object");
            break;
        }
        read_entity(c, node, &out->entities[i]);
        read_merges(c, node, i, out, &merges_cap);
        by_id[i] = (id_index){out->entities[i].id, i};
    }
    if (c->status != KG_OK)
        goto done;
    if (n > 1)
        qsort(by_id, n, sizeof *by_id, cmp_id_index);
    for (size_t k = 1; k < n; k++)
        if (strcmp(by_id[k - 1].id, by_id[k].id) == 0) {
            snprintf(c->at, sizeof c->at, "nodes[%zu]", by_id[k].index);
            fail(c, "\"id\" \"%s\" is also the id of nodes[%zu]", by_id[k].id, by_id[k - 1].index);
            goto done;
        }

    if (m > 0 && (out->relations = calloc(m, sizeof *out->relations)) == NULL) {
        nomem(c);
        goto done;
    }
    out->n_relations = m;
    for (size_t j = 0; j < m && c->status == KG_OK; j++) {
        const json_t *link = element_data(json_array_get(links, j), cytoscape);
        snprintf(c->at, sizeof c->at, "links[%zu]", j);
        if (!json_is_object(link)) {
            fail(c, "not an object");
            break;
        }
        read_relation(c, link, by_id, n, &out->relations[j]);
    }
    if (c->status != KG_OK || graph == NULL)
        goto done;
    read_documents(c, graph, out);
    c->at[0] = '\0';
    if (info != NULL) {
        info->json_style = cytoscape ? KG_JSON_CYTOSCAPE : KG_JSON_NODE_LINK;
        info->base_iri = str_member(c, graph, "base_iri", false);
        read_options(graph, &info->analytics);
    }
done:
    free(by_id);
}

kg_status kg_import_json_with(const char *path, kg_strpool *pool, kg_resolved *out,
                              kg_import_info *info, kg_error *err) {
    static const kg_analytics_options defaults = KG_ANALYTICS_OPTIONS_INIT;
    import_ctx c = {path, pool, err, KG_OK, ""};
    json_error_t jerr;

    kg_error_clear(err);
    if (path == NULL || pool == NULL || out == NULL)
        return kg_error_set(err, KG_ERR_USAGE, NULL, 0, 0, "kg_import_json: no path, pool or out");
    memset(out, 0, sizeof *out);
    if (info != NULL) {
        memset(info, 0, sizeof *info);
        info->analytics = defaults;
    }
    json_t *root = json_load_file(path, JSON_REJECT_DUPLICATES, &jerr);
    if (root == NULL) {
        if (json_error_code(&jerr) == json_error_cannot_open_file)
            return kg_error_set(err, KG_ERR_IO, path, 0, 0, "cannot read: %s", jerr.text);
        if (json_error_code(&jerr) == json_error_out_of_memory)
            return kg_error_set(err, KG_ERR_NOMEM, path, 0, 0, "out of memory parsing JSON");
        return kg_error_set(err, KG_ERR_PARSE, path, jerr.line > 0 ? (size_t)jerr.line : 0,
                            jerr.column > 0 ? (size_t)jerr.column : 0, "malformed JSON: %s",
                            jerr.text);
    }
    read_graph(&c, root, out, info);
    json_decref(root);
    if (c.status != KG_OK) {
        kg_resolved_clear(out);
        if (info != NULL) {
            memset(info, 0, sizeof *info);
            info->analytics = defaults;
        }
    }
    return c.status;
}

kg_status kg_import_json(const char *path, kg_strpool *pool, kg_resolved *out, kg_error *err) {
    return kg_import_json_with(path, pool, out, NULL, err);
}
