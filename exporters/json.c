/* json.c — the graph as JSON: NetworkX node-link data, or Cytoscape.js
 * elements.
 *
 * Node-link is loadable by networkx.node_link_graph (edges under "links",
 * multigraph, directed); the Cytoscape.js style by cytoscape({elements}) or
 * cy.json().  The document is streamed through a block buffer.  The small
 * parts of the graph header are built as jansson objects and dumped
 * re-indented to their depth; its documents, the nodes and the links, nearly
 * all of the bytes, are written directly,
 * byte for byte as jansson dumps them with sorted keys, one-space
 * indentation and 12 significant digits.  The file is exactly that of
 * dumping the whole tree at once with those flags, while memory stays at one
 * element.  The contract (every key and its meaning) is docs/formats.md, its
 * JSON Schema docs/graph.schema.json; tests/test_exporters.c checks both.
 */
#include "kg_export_internal.h"
#include "kg_resolve.h"

#include "kg_text.h"

#include <assert.h>
#include <errno.h>
#include <jansson.h>
#include <math.h>
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

/* "counts": nodes, links, and both by type. */
static json_t *counts_json(const kg_resolved *data) {
    json_t *counts = json_object(), *by_type = json_object(), *by_relation = json_object();
    int bad = counts == NULL || by_type == NULL || by_relation == NULL;
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
    if (!bad) {
        bad |= set(counts, "nodes", jint(data->n_entities));
        bad |= set(counts, "links", jint(data->n_relations));
        bad |= set(counts, "entities", by_type);
        bad |= set(counts, "relations", by_relation);
        by_type = by_relation = NULL; /* stolen by counts */
    }
    json_decref(by_type);
    json_decref(by_relation);
    if (bad) {
        json_decref(counts);
        return NULL;
    }
    return counts;
}

/* "centrality": how each measure was computed. */
static json_t *methods_json(const kg_graph *graph) {
    json_t *methods = json_object();
    int bad = methods == NULL;
    char method[160];
    for (size_t m = 0; m < KG_EXPORT_N_MEASURES && !bad; m++)
        bad |= set(
            methods, kg_export_measures[m].name,
            jstr(kg_export_measure_method(graph, &kg_export_measures[m], method, sizeof method)));
    if (bad) {
        json_decref(methods);
        return NULL;
    }
    return methods;
}

/* ---- the writer ------------------------------------------------------------------ */

/* What jansson would write, dumping with DUMP_FLAGS: members in byte order
 * of their keys, one space of indentation a level, strings escaped by
 * dump_string's rules and reals by jsonp_dtostr's.  `out` is passed to the
 * FILE * in blocks of about OUT_BLOCK bytes, between elements. */
#define REAL_PRECISION 12
#define DUMP_FLAGS (JSON_SORT_KEYS | JSON_INDENT(1) | JSON_REAL_PRECISION(REAL_PRECISION))
#define REAL_TEXT_SIZE 32 /* "-1.23456789012e-308" and more */
#define REAL_CACHE_BITS 6 /* 64 formatted reals */
#define OUT_BLOCK 65536
#define MAX_DEPTH 12 /* deepest nesting: a merge's "forms" in Cytoscape.js, at 8 */

typedef struct real_text {
    double x; /* NaN: empty */
    size_t len;
    char text[REAL_TEXT_SIZE];
} real_text;

typedef struct json_out {
    FILE *file;
    kg_buf out;     /* written, not yet passed to file */
    kg_buf scratch; /* IRIs and keys being composed */
    size_t depth;   /* of the innermost open object or array */
    bool empty;     /* it has no member yet (on closing, every outer one has one) */
    const char *last_key[MAX_DEPTH];            /* per open object: keys must come in byte order */
    size_t measure_order[KG_EXPORT_N_MEASURES]; /* kg_export_measures by name */
    real_text reals[1 << REAL_CACHE_BITS];      /* put_real's cache */
    bool nomem;
    int errnum; /* first write error */
} json_out;

/* kg_buf_put, with the common case (the bytes fit) inline: most pieces are a
 * few bytes long, and the call would cost more than the copy. */
static inline void put(json_out *w, const char *s, size_t len) {
    kg_buf *b = &w->out;
    if (b->len + len < b->cap) {
        memcpy(b->data + b->len, s, len);
        b->len += len;
        b->data[b->len] = '\0';
    } else {
        kg_buf_put(b, s, len);
    }
}

/* Passes what out holds to the file once it is full (always with force);
 * out of memory shows up here too, since kg_buf_reset forgets it. */
static void out_flush(json_out *w, bool force) {
    if (w->out.failed)
        w->nomem = true;
    if (!force && w->out.len < OUT_BLOCK)
        return;
    if (w->errnum == 0 && !w->nomem && w->out.len > 0 &&
        fwrite(w->out.data, 1, w->out.len, w->file) != w->out.len)
        w->errnum = errno != 0 ? errno : EIO;
    kg_buf_reset(&w->out);
}

static bool out_ok(const json_out *w) {
    return w->errnum == 0 && !w->nomem;
}

static void newline(json_out *w, size_t depth) {
    static const char indent[MAX_DEPTH + 2] = "\n            "; /* MAX_DEPTH spaces */
    assert(depth <= MAX_DEPTH);
    put(w, indent, depth + 1);
}

/* ---- structure ---- */

static void open_container(json_out *w, char bracket) {
    put(w, &bracket, 1);
    w->depth++;
    w->empty = true;
    assert(w->depth < MAX_DEPTH);
    w->last_key[w->depth] = NULL;
}

/* Closes the innermost object or array: "{}" / "[]" when empty, as jansson. */
static void close_container(json_out *w, char bracket) {
    w->depth--;
    if (!w->empty)
        newline(w, w->depth);
    put(w, &bracket, 1);
    w->empty = false;
}

/* Starts the next item of the open array (or member of the open object). */
static void item(json_out *w) {
    if (!w->empty)
        put(w, ",", 1);
    newline(w, w->depth);
    w->empty = false;
}

/* Starts member key of the open object.  Keys are ASCII names that need no
 * escaping, and must come in byte order, where JSON_SORT_KEYS puts them. */
static void key(json_out *w, const char *name) {
    assert(w->last_key[w->depth] == NULL || strcmp(w->last_key[w->depth], name) < 0);
    w->last_key[w->depth] = name;
    item(w);
    put(w, "\"", 1);
    put(w, name, strlen(name));
    put(w, "\": ", 3);
}

/* ---- values ---- */

/* s[0..len) as a JSON string, as jansson dumps it without JSON_ENSURE_ASCII
 * or JSON_ESCAPE_SLASH: '"', '\\' and the C0 controls escaped (\b \f \n \r
 * \t, else \u00XX in upper-case hex), every other byte as it is.  Text that
 * is not valid UTF-8, which json_string refuses, is written repaired by
 * kg_export_clean_text as the header's jstr does; the repair works sequence
 * by sequence, so the valid prefix already written stays. */
static void put_text(json_out *w, const char *s, size_t len) {
    static const char hex[] = "0123456789ABCDEF";
    static const char escaped[] = "\"\\\b\f\n\r\t", letter[] = "\"\\bfnrt";
    size_t run = 0, pos = 0;
    while (pos < len) {
        unsigned char c = (unsigned char)s[pos];
        if (c >= 0x20 && c < 0x80 && c != '"' && c != '\\') {
            pos++;
            continue;
        }
        if (c >= 0x80) {
            size_t at = pos;
            if (kg_utf8_next(s, len, &pos) >= 0)
                continue;
            put(w, s + run, at - run);
            char *clean = kg_export_clean_text(s + at, len - at, false);
            if (clean == NULL)
                w->nomem = true;
            else
                put_text(w, clean, strlen(clean));
            free(clean);
            return;
        }
        put(w, s + run, pos - run);
        const char *known = memchr(escaped, c, sizeof escaped - 1);
        if (known != NULL) {
            char escape[2] = {'\\', letter[known - escaped]};
            put(w, escape, 2);
        } else {
            char escape[6] = {'\\', 'u', '0', '0', hex[c >> 4], hex[c & 15]};
            put(w, escape, 6);
        }
        run = ++pos;
    }
    put(w, s + run, pos - run);
}

/* A string value; NULL is written as "" (jstr's rule). */
static void put_string(json_out *w, const char *s) {
    if (s == NULL)
        s = "";
    put(w, "\"", 1);
    put_text(w, s, strlen(s));
    put(w, "\"", 1);
}

/* A json_int_t as jansson prints it ("%lld"). */
static void put_int(json_out *w, json_int_t v) {
    char digits[24];
    size_t at = sizeof digits;
    unsigned long long m = v < 0 ? 0 - (unsigned long long)v : (unsigned long long)v;
    do {
        digits[--at] = (char)('0' + m % 10);
        m /= 10;
    } while (m > 0);
    if (v < 0)
        digits[--at] = '-';
    put(w, digits + at, sizeof digits - at);
}

/* x as jansson 2.14 prints a real when built without dtoa (jsonp_dtostr):
 * "%.12g", ".0" appended when that has neither '.' nor 'e', and the exponent
 * without its '+' or leading zeros ("1e+05" -> "1e5", "1e-05" -> "1e-5").
 * Returns the length. */
static size_t format_real(double x, char out[REAL_TEXT_SIZE]) {
    kg_export_format_g(x, REAL_PRECISION, out, REAL_TEXT_SIZE);
    size_t len = strlen(out);
    char *e = strchr(out, 'e');
    if (e == NULL) {
        if (strchr(out, '.') == NULL) {
            memcpy(out + len, ".0", 3);
            len += 2;
        }
        return len;
    }
    char *exponent = e + 1 + (e[1] == '-'); /* where its digits belong */
    char *digits = e + 1 + (e[1] == '-' || e[1] == '+');
    while (*digits == '0' && digits[1] != '\0')
        digits++;
    memmove(exponent, digits, strlen(digits) + 1);
    return strlen(out);
}

/* A real (NaN and infinities as 0, like jreal) in format_real's text.
 * Integral values below 1e12, whose "%.12g" is their digits (degrees,
 * coreness), skip printf; others come from a small cache, since the
 * confidences of the links take a handful of values. */
static void put_real(json_out *w, double x) {
    x = kg_export_finite(x);
    if (x > -1e12 && x < 1e12 && x == (double)(json_int_t)x) {
        if (x == 0 && signbit(x))
            put(w, "-", 1);
        put_int(w, (json_int_t)x);
        put(w, ".0", 2);
        return;
    }
    uint64_t bits;
    memcpy(&bits, &x, sizeof bits);
    real_text *cached = &w->reals[(bits * 0x9E3779B97F4A7C15u) >> (64 - REAL_CACHE_BITS)];
    if (!(cached->x == x)) {
        cached->x = x;
        cached->len = format_real(x, cached->text);
    }
    put(w, cached->text, cached->len);
}

static void string_member(json_out *w, const char *name, const char *s) {
    key(w, name);
    put_string(w, s);
}

/* Written only when s is set, like the header's set_opt_str. */
static void opt_string_member(json_out *w, const char *name, const char *s) {
    if (s != NULL)
        string_member(w, name, s);
}

static void int_member(json_out *w, const char *name, size_t n) {
    key(w, name);
    put_int(w, (json_int_t)n);
}

static void real_member(json_out *w, const char *name, double x) {
    key(w, name);
    put_real(w, x);
}

static void string_array_member(json_out *w, const char *name, const char *const *items, size_t n) {
    key(w, name);
    open_container(w, '[');
    for (size_t i = 0; i < n; i++) {
        item(w);
        put_string(w, items[i]);
    }
    close_container(w, ']');
}

/* The text of kg_buf scratch, or nothing (and nomem) when it failed. */
static void scratch_member(json_out *w, const char *name) {
    if (w->scratch.failed) {
        w->nomem = true;
        return;
    }
    key(w, name);
    put(w, "\"", 1);
    put_text(w, w->scratch.data != NULL ? w->scratch.data : "", w->scratch.len);
    put(w, "\"", 1);
}

/* jansson's dump of value (stolen: released here; NULL meaning out of
 * memory) as if it stood at the current depth of the whole tree: its
 * newlines, all structural since strings are escaped, get that indentation
 * added. */
static int dump_callback(const char *buffer, size_t size, void *data) {
    json_out *w = data;
    size_t start = 0;
    for (size_t i = 0; i < size; i++) {
        if (buffer[i] != '\n')
            continue;
        put(w, buffer + start, i - start);
        newline(w, w->depth);
        start = i + 1;
    }
    put(w, buffer + start, size - start);
    return 0;
}

static void emit(json_out *w, json_t *value) {
    if (value == NULL || json_dump_callback(value, dump_callback, w, DUMP_FLAGS) != 0)
        w->nomem = true;
    json_decref(value);
}

/* ---- the graph header ---- */

static void write_document(json_out *w, const kg_doc_info *doc) {
    item(w);
    open_container(w, '{');
    int_member(w, "bytes", doc->n_bytes);
    opt_string_member(w, "date", doc->date);
    string_member(w, "id", doc->id);
    string_member(w, "lang", doc->lang != NULL ? doc->lang : "und");
    int_member(w, "sentences", doc->n_sentences);
    opt_string_member(w, "title", doc->title);
    opt_string_member(w, "url", doc->url);
    close_container(w, '}');
}

/* The graph's own data: small members through jansson, the documents (one
 * per input document, so as many as a million) streamed one at a time. */
static void write_graph_header(json_out *w, const kg_graph *graph) {
    const kg_resolved *data = graph->data;
    open_container(w, '{');
    key(w, "analytics");
    emit(w, analytics_json(&graph->analytics));
    string_member(w, "base_iri", graph->base_iri);
    key(w, "centrality");
    emit(w, methods_json(graph));
    key(w, "counts");
    emit(w, counts_json(data));
    key(w, "documents");
    open_container(w, '[');
    for (size_t i = 0; i < data->n_documents && out_ok(w); i++) {
        write_document(w, &data->documents[i]);
        out_flush(w, false);
    }
    close_container(w, ']');
    string_member(w, "generator", "kgraph " KG_VERSION);
    string_member(w, "vocab_iri", KG_VOCAB_IRI);
    close_container(w, '}');
}

/* ---- nodes and links ---- */

static int cmp_measure_name(const void *a, const void *b) {
    return strcmp(kg_export_measures[*(const size_t *)a].name,
                  kg_export_measures[*(const size_t *)b].name);
}

static const char *node_type(const kg_entity *e) {
    const char *type = kg_entity_type_name(e->type);
    return type != NULL ? type : "Unknown";
}

static const char *link_type(const kg_relation *r) {
    const char *type = kg_relation_type_name(r->type);
    return type != NULL ? type : "unknown";
}

/* The audit trail of entity i: the merges that made it one node, from
 * kg_resolved.merges (sorted by entity, so found by bisection). */
static void merges_member(json_out *w, const kg_resolved *data, size_t i) {
    size_t lo = 0, n = kg_resolved_merges_of(data, i, &lo);
    key(w, "merges");
    open_container(w, '[');
    for (size_t k = lo; k < lo + n; k++) {
        const kg_merge *m = &data->merges[k];
        item(w);
        open_container(w, '{');
        opt_string_member(w, "detail", m->detail);
        const char *forms[2] = {m->form_a, m->form_b};
        string_array_member(w, "forms", forms, 2);
        string_member(w, "rule", m->rule);
        real_member(w, "score", m->score);
        close_container(w, '}');
    }
    close_container(w, ']');
}

static void write_node(json_out *w, const kg_graph *graph, size_t i) {
    const kg_entity *e = &graph->data->entities[i];
    open_container(w, '{');
    string_array_member(w, "aliases", e->aliases, e->n_aliases);
    key(w, "centrality");
    open_container(w, '{');
    for (size_t k = 0; k < KG_EXPORT_N_MEASURES; k++) {
        const kg_export_measure *m = &kg_export_measures[w->measure_order[k]];
        real_member(w, m->name, kg_export_measure_value(graph, i, m));
    }
    close_container(w, '}');
    int_member(w, "community", kg_export_community(graph, i));
    opt_string_member(w, "date", e->date);
    string_array_member(w, "documents", e->documents, e->n_documents);
    string_member(w, "id", e->id);
    kg_buf_reset(&w->scratch);
    kg_export_iri_append(&w->scratch, graph->base_iri, e->id != NULL ? e->id : "");
    scratch_member(w, "iri");
    string_member(w, "label", e->label);
    key(w, "labels");
    open_container(w, '{');
    opt_string_member(w, "en", e->label_en);
    opt_string_member(w, "ru", e->label_ru);
    close_container(w, '}');
    string_member(w, "lang", e->lang != NULL ? e->lang : "und");
    int_member(w, "mentions", e->mentions);
    merges_member(w, graph->data, i);
    string_member(w, "type", node_type(e));
    close_container(w, '}');
}

static void write_evidence(json_out *w, const kg_evidence *ev) {
    open_container(w, '{');
    real_member(w, "confidence", ev->confidence);
    string_member(w, "doc", ev->doc);
    int_member(w, "end", ev->end);
    string_member(w, "rule", ev->rule);
    int_member(w, "sentence", ev->sentence);
    int_member(w, "start", ev->start);
    string_member(w, "text", ev->text);
    close_container(w, '}');
}

/* The link's "key" must be unique among the links between one pair of nodes
 * (networkx multigraph key): the resolver merges relations equal in
 * (subject, object, type, role), so "type" or "type:role" is.  "iri" is the
 * relation's statement IRI in the RDF outputs; with id_key, its local part
 * ("relation/<16 hex>") is also stored under "id" (Cytoscape.js edge ids). */
static void write_link(json_out *w, const kg_graph *graph, size_t j, bool id_key) {
    const kg_relation *r = &graph->data->relations[j];
    const kg_entity *entities = graph->data->entities;
    const char *type = link_type(r);
    char local[KG_EXPORT_RELATION_LOCAL_SIZE];
    kg_export_relation_local(kg_export_relation_key(graph, r, &w->scratch), local);
    if (w->scratch.failed)
        w->nomem = true;

    open_container(w, '{');
    real_member(w, "confidence", r->confidence);
    key(w, "evidence");
    open_container(w, '[');
    for (size_t k = 0; k < r->n_evidence; k++) {
        item(w);
        write_evidence(w, &r->evidence[k]);
    }
    close_container(w, ']');
    if (id_key)
        string_member(w, "id", local);
    kg_buf_reset(&w->scratch);
    kg_buf_puts(&w->scratch, graph->base_iri);
    kg_buf_puts(&w->scratch, local);
    scratch_member(w, "iri");
    kg_buf_reset(&w->scratch);
    kg_buf_puts(&w->scratch, type);
    if (r->role != NULL) {
        kg_buf_puts(&w->scratch, ":");
        kg_buf_puts(&w->scratch, r->role);
    }
    scratch_member(w, "key");
    opt_string_member(w, "role", r->role);
    opt_string_member(w, "role_text", r->role_text);
    string_member(w, "source", entities[r->subject].id);
    string_member(w, "target", entities[r->object].id);
    string_member(w, "type", type);
    int_member(w, "weight", r->n_evidence);
    close_container(w, '}');
}

typedef enum element_kind { ELEMENT_NODE, ELEMENT_LINK } element_kind;

/* An array of every node or link, as the value of the member just started:
 * node-link objects, or Cytoscape.js elements {"classes": type, "data":
 * {...}, "group": "nodes"|"edges"}. */
static void element_array(json_out *w, const kg_graph *graph, kg_json_style style,
                          element_kind kind) {
    const kg_resolved *data = graph->data;
    size_t n = kind == ELEMENT_NODE ? data->n_entities : data->n_relations;
    bool cytoscape = style == KG_JSON_CYTOSCAPE;
    open_container(w, '[');
    for (size_t i = 0; i < n && out_ok(w); i++) {
        if (kind == ELEMENT_NODE)
            kg_export_prefetch_entity(data, i);
        else
            kg_export_prefetch_relation(data, i);
        item(w);
        if (cytoscape) {
            open_container(w, '{');
            string_member(w, "classes",
                          kind == ELEMENT_NODE ? node_type(&data->entities[i])
                                               : link_type(&data->relations[i]));
            key(w, "data");
        }
        if (kind == ELEMENT_NODE)
            write_node(w, graph, i);
        else
            write_link(w, graph, i, cytoscape);
        if (cytoscape) {
            string_member(w, "group", kind == ELEMENT_NODE ? "nodes" : "edges");
            close_container(w, '}');
        }
        out_flush(w, false);
    }
    close_container(w, ']');
}

static kg_status export_json(const kg_graph *graph, kg_json_style style, FILE *out, kg_error *err) {
    kg_status status = KG_OK;
    json_out w = {.file = out, .out = KG_BUF_INIT, .scratch = KG_BUF_INIT};

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
    for (size_t m = 0; m < KG_EXPORT_N_MEASURES; m++)
        w.measure_order[m] = m;
    qsort(w.measure_order, KG_EXPORT_N_MEASURES, sizeof w.measure_order[0], cmp_measure_name);
    for (size_t k = 0; k < sizeof w.reals / sizeof w.reals[0]; k++)
        w.reals[k].x = NAN;

    open_container(&w, '{');
    if (style == KG_JSON_CYTOSCAPE) {
        key(&w, "data");
        write_graph_header(&w, graph);
        key(&w, "elements");
        open_container(&w, '{');
        key(&w, "edges");
        element_array(&w, graph, style, ELEMENT_LINK);
        key(&w, "nodes");
        element_array(&w, graph, style, ELEMENT_NODE);
        close_container(&w, '}');
    } else {
        key(&w, "directed");
        put(&w, "true", 4);
        key(&w, "graph");
        write_graph_header(&w, graph);
        key(&w, "links");
        element_array(&w, graph, style, ELEMENT_LINK);
        key(&w, "multigraph");
        put(&w, "true", 4);
        key(&w, "nodes");
        element_array(&w, graph, style, ELEMENT_NODE);
    }
    close_container(&w, '}');
    put(&w, "\n", 1);
    out_flush(&w, true);

    if (w.nomem)
        status = kg_error_set(err, KG_ERR_NOMEM, NULL, 0, 0, "out of memory building the JSON");
    else if (w.errnum != 0)
        status = kg_export_write_error(err, w.errnum);
    else
        status = kg_export_flush(out, err);
    kg_buf_clear(&w.out);
    kg_buf_clear(&w.scratch);
    return status;
}

kg_status kg_export_json(const kg_graph *graph, FILE *out, kg_error *err) {
    return export_json(graph, KG_JSON_NODE_LINK, out, err);
}

kg_status kg_export_cytoscape(const kg_graph *graph, FILE *out, kg_error *err) {
    return export_json(graph, KG_JSON_CYTOSCAPE, out, err);
}
