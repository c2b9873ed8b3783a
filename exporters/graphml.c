/* graphml.c — the graph as GraphML, streamed from the resolved data.
 *
 * The file is written here, element by element, into a 256 KiB block that
 * goes to the FILE * in whole blocks.  It used to be igraph's
 * igraph_write_graph_graphml (igraph 0.10.2), given a copy of the network
 * with every attribute attached as an igraph vector: that copy cost about as
 * much memory again as the graph (every value held as a string), and one
 * fprintf per piece held the writer to 45-70 MB/s.  Writing directly keeps
 * memory flat (the block and one scratch string) and is several times
 * faster, and the bytes are the very same as igraph's, so readers and tests
 * see no difference:
 *
 *   - the header, namespaces and "<!-- Created by igraph -->" comment;
 *   - <key> declarations for graph, then node, then edge attributes, ids
 *     prefixed "g_", "v_", "e_", strings typed "string" and numbers "double";
 *   - graph data, nodes "n0".. in entity order, edges in relation order
 *     (directed, subject to object), every key's <data> on every element, an
 *     empty string as an empty element;
 *   - numbers as igraph_real_fprintf_precise prints them: "%.15g" in the C
 *     locale, "Inf" / "-Inf", and no <data> element at all for NaN (kgraph
 *     never has either: measures and confidences go through
 *     kg_export_finite);
 *   - strings cleaned as kg_export_clean_text(for_xml) does (invalid UTF-8
 *     and U+FFFE/U+FFFF become U+FFFD, C0 controls other than TAB, LF, CR and
 *     DEL become a space: XML 1.0 cannot carry them), then escaped as igraph
 *     does: & < > " ' as &amp; &lt; &gt; &quot; &apos;.
 *
 * Attributes (the contract is docs/formats.md): graph betweenness_method,
 * closeness_method, harmonic_method, community_method, seed,
 * betweenness_sources, betweenness_samples, betweenness_exact_max,
 * closeness_sources, harmonic_sources, communities, modularity,
 * leiden_iterations, leiden_resolution; node id, iri, labels, entity_type,
 * name, lang, aliases, documents, date, mentions, every measure of
 * kg_export_measures, community; edge label, relation, role, role_text,
 * evidence_doc, evidence_text, rule, weight, confidence, evidence_count.
 * Node and edge attribute names never clash, and "labels" / "label" follow
 * the Neo4j APOC convention (apoc.import.graphml with readLabels: node
 * labels as ":Organization", relationship type as "HOLDS_POST").
 */
#include "kg_export_internal.h"

#include "kg_text.h"

#include <errno.h>
#include <locale.h>
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

/* ---- output block ---------------------------------------------------------- */

#define OUT_BLOCK (256 * 1024)

typedef struct graphml_out {
    kg_block_out out; /* the bytes, OUT_BLOCK at a time */
    char point[16];   /* the locale's decimal point, which printf uses */
} graphml_out;

static void out_flush(graphml_out *w) {
    kg_block_flush(&w->out);
}

static void put_n(graphml_out *w, const char *s, size_t len) {
    kg_block_put_n(&w->out, s, len);
}

static void put(graphml_out *w, const char *s) {
    put_n(w, s, strlen(s));
}

/* Bytes put_text copies as they are: printable ASCII other than & < > " ',
 * and TAB, LF, CR.  A bit set, 64 bytes a word. */
static const uint64_t plain_bytes[4] = {
    (0xFFFFFFFF00000000u | 1u << '\t' | 1u << '\n' | 1u << '\r') &
        ~(1ull << '"' | 1ull << '&' | 1ull << '\'' | 1ull << '<' | 1ull << '>'),
    0x7FFFFFFFFFFFFFFFu, /* 0x40-0x7E; not DEL */
    0,
    0,
};

static bool is_plain(unsigned char c) {
    return (plain_bytes[c >> 6] >> (c & 63)) & 1u;
}

/* s[0..len) cleaned and escaped (see the file comment): the bytes igraph
 * wrote for kg_export_clean_text(s, len, true).  One pass, no allocation:
 * runs of plain ASCII and of valid UTF-8 are copied in one piece. */
static void put_text(graphml_out *w, const char *s, size_t len) {
    static const char replacement[] = "\xEF\xBF\xBD"; /* U+FFFD */
    /* s[run..pos) is checked and still to be copied. */
    size_t run = 0, pos = 0;
    while (pos < len) {
        unsigned char b = (unsigned char)s[pos];
        if (is_plain(b)) {
            pos++;
            continue;
        }
        size_t next = pos;
        int32_t cp = kg_utf8_next(s, len, &next);
        if (b >= 0x80 && cp > 0 && cp != 0xfffe && cp != 0xffff) {
            pos = next;
            continue;
        }
        put_n(w, s + run, pos - run);
        switch (cp) {
        case '&':
            put_n(w, "&amp;", 5);
            break;
        case '<':
            put_n(w, "&lt;", 4);
            break;
        case '>':
            put_n(w, "&gt;", 4);
            break;
        case '"':
            put_n(w, "&quot;", 6);
            break;
        case '\'':
            put_n(w, "&apos;", 6);
            break;
        default:
            /* Other C0 controls and DEL: a space; invalid UTF-8 (-1), NUL
             * (never: s has no NUL) and U+FFFE/U+FFFF: U+FFFD. */
            if (cp > 0 && cp < 0x80)
                put_n(w, " ", 1);
            else
                put_n(w, replacement, 3);
            break;
        }
        pos = run = next;
    }
    put_n(w, s + run, pos - run);
}

/* Decimal digits of n, written backwards from end; returns the first. */
static char *format_size(size_t n, char *end) {
    do {
        *--end = (char)('0' + n % 10);
        n /= 10;
    } while (n > 0);
    return end;
}

/* x as igraph_real_fprintf_precise writes it in the C locale: "%.15g",
 * "Inf", "-Inf" (NaN is never passed: igraph skips the element).  point is
 * the locale's decimal point, replaced by '.'.  Whole numbers below 10^15,
 * which %.15g prints as plain digits, are the common case (counts,
 * community ids, degrees) and skip printf; the others use a literal format,
 * which glibc parses much faster than kg_export_format_g's "%.*g". */
static size_t format_number(double x, const char *point, char out[48]) {
    if (isinf(x)) {
        const char *text = x < 0 ? "-Inf" : "Inf";
        size_t len = strlen(text);
        memcpy(out, text, len + 1);
        return len;
    }
    if (fabs(x) < 1e15 && x == (double)(int64_t)x && !(x == 0.0 && signbit(x))) {
        int64_t v = (int64_t)x;
        char *end = out + 47;
        *end = '\0';
        char *start = format_size((size_t)(v < 0 ? -v : v), end);
        if (v < 0)
            *--start = '-';
        size_t len = (size_t)(end - start);
        memmove(out, start, len + 1);
        return len;
    }
    char tmp[48];
    int n = snprintf(tmp, sizeof tmp, "%.15g", x);
    size_t len = n > 0 && (size_t)n < sizeof tmp ? (size_t)n : 0;
    if (point[0] == '.' && point[1] == '\0') {
        memcpy(out, tmp, len + 1);
        return len;
    }
    size_t point_len = strlen(point), k = 0;
    for (size_t i = 0; i < len;) {
        if (point_len > 0 && strncmp(tmp + i, point, point_len) == 0) {
            out[k++] = '.';
            i += point_len;
        } else {
            out[k++] = tmp[i++];
        }
    }
    out[k] = '\0';
    return k;
}

/* ---- keys and data elements ------------------------------------------------ */

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

/* Node numbers: mentions, the measures in table order, community. */
#define NODE_NUMBER_COUNT (2 + KG_EXPORT_N_MEASURES)

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

#define EDGE_NUMBER_COUNT 3
static const char *const edge_number_names[EDGE_NUMBER_COUNT] = {
    "weight",
    "confidence",
    "evidence_count",
};

#define GRAPH_STRING_COUNT 4
static const char *const graph_string_names[GRAPH_STRING_COUNT] = {
    "betweenness_method",
    "closeness_method",
    "harmonic_method",
    "community_method",
};

#define GRAPH_NUMBER_COUNT 10
static const char *const graph_number_names[GRAPH_NUMBER_COUNT] = {
    "seed",
    "betweenness_sources",
    "betweenness_samples",
    "betweenness_exact_max",
    "closeness_sources",
    "harmonic_sources",
    "communities",
    "modularity",
    "leiden_iterations",
    "leiden_resolution",
};

/* An element's opening "<data key=\"v_name\">" with its indentation, built
 * once per export.  Every name here is a plain identifier, so igraph's
 * escaping of key names changed nothing and is not repeated. */
typedef struct data_tag {
    char text[80];
    size_t len;
} data_tag;

static void make_tag(data_tag *tag, const char *indent, char prefix, const char *name) {
    int n = snprintf(tag->text, sizeof tag->text, "%s<data key=\"%c_%s\">", indent, prefix, name);
    tag->len = n > 0 && (size_t)n < sizeof tag->text ? (size_t)n : 0;
}

static void put_key(graphml_out *w, char prefix, const char *target, const char *name,
                    bool number) {
    put(w, "  <key id=\"");
    put_n(w, &prefix, 1);
    put(w, "_");
    put(w, name);
    put(w, "\" for=\"");
    put(w, target);
    put(w, "\" attr.name=\"");
    put(w, name);
    put(w, number ? "\" attr.type=\"double\"/>\n" : "\" attr.type=\"string\"/>\n");
}

static void put_string_data(graphml_out *w, const data_tag *tag, const char *s, size_t len) {
    put_n(w, tag->text, tag->len);
    put_text(w, s, len);
    put_n(w, "</data>\n", 8);
}

static void put_cstring_data(graphml_out *w, const data_tag *tag, const char *s) {
    if (s == NULL)
        s = "";
    put_string_data(w, tag, s, strlen(s));
}

static void put_number_data(graphml_out *w, const data_tag *tag, double x) {
    if (isnan(x))
        return;
    char digits[48];
    size_t len = format_number(x, w->point, digits);
    put_n(w, tag->text, tag->len);
    put_n(w, digits, len);
    put_n(w, "</data>\n", 8);
}

/* Confidences take a few hundred distinct values over a whole graph: their
 * text is remembered by value (direct-mapped on the bits), so most edges
 * skip printf. */
#define NUMBER_CACHE 256

typedef struct number_entry {
    uint64_t bits;
    bool used;
    unsigned char len;
    char text[30];
} number_entry;

static void put_cached_number_data(graphml_out *w, number_entry *cache, const data_tag *tag,
                                   double x) {
    if (isnan(x))
        return;
    uint64_t bits;
    memcpy(&bits, &x, sizeof bits);
    number_entry *e = &cache[(bits * 0x9E3779B97F4A7C15u) >> 56];
    if (!e->used || e->bits != bits) {
        char digits[48];
        size_t len = format_number(x, w->point, digits);
        if (len >= sizeof e->text) {
            put_number_data(w, tag, x);
            return;
        }
        memcpy(e->text, digits, len);
        e->len = (unsigned char)len;
        e->bits = bits;
        e->used = true;
    }
    put_n(w, tag->text, tag->len);
    put_n(w, e->text, e->len);
    put_n(w, "</data>\n", 8);
}

/* ---- export ------------------------------------------------------------------ */

typedef struct graphml_ctx {
    const kg_graph *graph;
    graphml_out w;
    kg_buf scratch; /* a joined list or an IRI */
    data_tag node_tags[NODE_STRING_COUNT + NODE_NUMBER_COUNT];
    data_tag edge_tags[EDGE_STRING_COUNT + EDGE_NUMBER_COUNT];
    number_entry confidences[NUMBER_CACHE];
} graphml_ctx;

/* The items joined with " | " (lists become one GraphML string), in
 * c->scratch; false when out of memory. */
static bool join(graphml_ctx *c, const char *const *items, size_t n) {
    kg_buf_reset(&c->scratch);
    kg_buf_put(&c->scratch, "", 0);
    for (size_t k = 0; k < n; k++) {
        if (k > 0)
            kg_buf_put(&c->scratch, " | ", 3);
        kg_buf_puts(&c->scratch, items[k]);
    }
    return !c->scratch.failed;
}

static void write_keys(graphml_out *w) {
    for (size_t k = 0; k < GRAPH_STRING_COUNT; k++)
        put_key(w, 'g', "graph", graph_string_names[k], false);
    for (size_t k = 0; k < GRAPH_NUMBER_COUNT; k++)
        put_key(w, 'g', "graph", graph_number_names[k], true);
    for (size_t k = 0; k < NODE_STRING_COUNT; k++)
        put_key(w, 'v', "node", node_string_names[k], false);
    put_key(w, 'v', "node", "mentions", true);
    for (size_t m = 0; m < KG_EXPORT_N_MEASURES; m++)
        put_key(w, 'v', "node", kg_export_measures[m].name, true);
    put_key(w, 'v', "node", "community", true);
    for (size_t k = 0; k < EDGE_STRING_COUNT; k++)
        put_key(w, 'e', "edge", edge_string_names[k], false);
    for (size_t k = 0; k < EDGE_NUMBER_COUNT; k++)
        put_key(w, 'e', "edge", edge_number_names[k], true);
}

/* How the analytics were computed (the "analytics" object of graph.json). */
static void write_graph_data(graphml_ctx *c) {
    const kg_analytics_info *info = &c->graph->analytics;
    const char *strings[GRAPH_STRING_COUNT] = {
        info->betweenness_method != NULL ? info->betweenness_method : "exact",
        info->closeness_method != NULL ? info->closeness_method : "exact",
        info->harmonic_method != NULL ? info->harmonic_method : "exact",
        info->community_method != NULL ? info->community_method : "none",
    };
    const double numbers[GRAPH_NUMBER_COUNT] = {
        (double)info->options.seed,
        (double)info->betweenness_sources,
        (double)info->options.betweenness_samples,
        (double)info->options.betweenness_exact_max,
        (double)info->closeness_sources,
        (double)info->harmonic_sources,
        (double)info->n_communities,
        kg_export_finite(info->modularity),
        (double)info->options.leiden_iterations,
        kg_export_finite(info->options.leiden_resolution),
    };
    data_tag tag;
    for (size_t k = 0; k < GRAPH_STRING_COUNT; k++) {
        make_tag(&tag, "    ", 'g', graph_string_names[k]);
        put_cstring_data(&c->w, &tag, strings[k]);
    }
    for (size_t k = 0; k < GRAPH_NUMBER_COUNT; k++) {
        make_tag(&tag, "    ", 'g', graph_number_names[k]);
        put_number_data(&c->w, &tag, numbers[k]);
    }
}

/* The <node> of entity i; false when out of memory. */
static bool write_node(graphml_ctx *c, size_t i) {
    const kg_entity *e = &c->graph->data->entities[i];
    const data_tag *tag = c->node_tags;
    graphml_out *w = &c->w;
    const char *type = kg_entity_type_name(e->type);
    if (type == NULL)
        type = "Entity";
    char id[32];
    char *end = id + sizeof id;
    char *start = format_size(i, end);
    put_n(w, "    <node id=\"n", 15);
    put_n(w, start, (size_t)(end - start));
    put_n(w, "\">\n", 3);

    put_cstring_data(w, &tag[NODE_ID], e->id);
    kg_buf_reset(&c->scratch);
    kg_export_iri_append(&c->scratch, c->graph->base_iri, e->id);
    if (c->scratch.failed)
        return false;
    put_string_data(w, &tag[NODE_IRI], c->scratch.data, c->scratch.len);
    put_n(w, tag[NODE_LABELS].text, tag[NODE_LABELS].len);
    put_n(w, ":", 1);
    put_text(w, type, strlen(type));
    put_n(w, "</data>\n", 8);
    put_cstring_data(w, &tag[NODE_TYPE], type);
    put_cstring_data(w, &tag[NODE_NAME], e->label);
    put_cstring_data(w, &tag[NODE_LANG], e->lang);
    if (!join(c, e->aliases, e->n_aliases))
        return false;
    put_string_data(w, &tag[NODE_ALIASES], c->scratch.data, c->scratch.len);
    if (!join(c, e->documents, e->n_documents))
        return false;
    put_string_data(w, &tag[NODE_DOCUMENTS], c->scratch.data, c->scratch.len);
    put_cstring_data(w, &tag[NODE_DATE], e->date);

    tag += NODE_STRING_COUNT;
    put_number_data(w, tag++, (double)e->mentions);
    for (size_t m = 0; m < KG_EXPORT_N_MEASURES; m++)
        put_number_data(w, tag++, kg_export_measure_value(c->graph, i, &kg_export_measures[m]));
    put_number_data(w, tag, (double)kg_export_community(c->graph, i));
    put_n(w, "    </node>\n", 12);
    return true;
}

/* The <edge> of relation j. */
static void write_edge(graphml_ctx *c, size_t j) {
    const kg_relation *r = &c->graph->data->relations[j];
    const kg_evidence *first = r->n_evidence > 0 ? &r->evidence[0] : NULL;
    const data_tag *tag = c->edge_tags;
    graphml_out *w = &c->w;
    const char *type = kg_relation_type_name(r->type);

    char ends[64];
    char *end = ends + sizeof ends;
    *--end = '\n';
    *--end = '>';
    *--end = '"';
    char *start = format_size(r->object, end);
    memcpy(start -= 11, "\" target=\"n", 11);
    start = format_size(r->subject, start);
    put_n(w, "    <edge source=\"n", 19);
    put_n(w, start, (size_t)(ends + sizeof ends - start));

    char upper[64];
    size_t k = 0;
    for (; type != NULL && type[k] != '\0' && k + 1 < sizeof upper; k++)
        upper[k] = (char)(type[k] >= 'a' && type[k] <= 'z' ? type[k] - 'a' + 'A' : type[k]);
    put_string_data(w, &tag[EDGE_LABEL], upper, k);
    put_cstring_data(w, &tag[EDGE_RELATION], type);
    put_cstring_data(w, &tag[EDGE_ROLE], r->role);
    put_cstring_data(w, &tag[EDGE_ROLE_TEXT], r->role_text);
    put_cstring_data(w, &tag[EDGE_EVIDENCE_DOC], first != NULL ? first->doc : NULL);
    put_cstring_data(w, &tag[EDGE_EVIDENCE_TEXT], first != NULL ? first->text : NULL);
    put_cstring_data(w, &tag[EDGE_RULE], first != NULL ? first->rule : NULL);

    tag += EDGE_STRING_COUNT;
    put_number_data(w, &tag[0], (double)r->n_evidence);
    put_cached_number_data(w, c->confidences, &tag[1], kg_export_finite(r->confidence));
    put_number_data(w, &tag[2], (double)r->n_evidence);
    put_n(w, "    </edge>\n", 12);
}

kg_status kg_export_graphml(const kg_graph *graph, FILE *out, kg_error *err) {
    kg_status status = KG_OK;
    graphml_ctx c;
    memset(&c, 0, sizeof c);
    c.graph = graph;

    if (graph == NULL || graph->data == NULL || out == NULL)
        return kg_error_set(err, KG_ERR_USAGE, NULL, 0, 0, "no graph or no output stream");
    status = kg_export_check_base_iri(graph->base_iri, err);
    if (status != KG_OK)
        return status;
    const kg_resolved *data = graph->data;
    for (size_t j = 0; j < data->n_relations; j++)
        if (data->relations[j].subject >= data->n_entities ||
            data->relations[j].object >= data->n_entities)
            return kg_error_set(
                err, KG_ERR_INTERNAL, NULL, 0, 0, "relation %zu refers to entity %zu or %zu of %zu",
                j, data->relations[j].subject, data->relations[j].object, data->n_entities);

    c.w.out.file = out;
    c.w.out.size = OUT_BLOCK;
    const char *point = localeconv()->decimal_point;
    snprintf(c.w.point, sizeof c.w.point, "%s", point != NULL && point[0] != '\0' ? point : ".");
    c.w.out.block = malloc(OUT_BLOCK);
    if (c.w.out.block == NULL)
        goto nomem;
    for (size_t k = 0; k < NODE_STRING_COUNT; k++)
        make_tag(&c.node_tags[k], "      ", 'v', node_string_names[k]);
    data_tag *number_tag = &c.node_tags[NODE_STRING_COUNT];
    make_tag(number_tag++, "      ", 'v', "mentions");
    for (size_t m = 0; m < KG_EXPORT_N_MEASURES; m++)
        make_tag(number_tag++, "      ", 'v', kg_export_measures[m].name);
    make_tag(number_tag, "      ", 'v', "community");
    for (size_t k = 0; k < EDGE_STRING_COUNT; k++)
        make_tag(&c.edge_tags[k], "      ", 'e', edge_string_names[k]);
    for (size_t k = 0; k < EDGE_NUMBER_COUNT; k++)
        make_tag(&c.edge_tags[EDGE_STRING_COUNT + k], "      ", 'e', edge_number_names[k]);

    put(&c.w, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
              "<graphml xmlns=\"http://graphml.graphdrawing.org/xmlns\"\n"
              "         xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\"\n"
              "         xsi:schemaLocation=\"http://graphml.graphdrawing.org/xmlns\n"
              "         http://graphml.graphdrawing.org/xmlns/1.0/graphml.xsd\">\n"
              "<!-- Created by igraph -->\n");
    write_keys(&c.w);
    put(&c.w, "  <graph id=\"G\" edgedefault=\"directed\">\n");
    write_graph_data(&c);
    for (size_t i = 0; i < data->n_entities && c.w.out.errnum == 0; i++) {
        kg_export_prefetch_entity(data, i);
        if (!write_node(&c, i))
            goto nomem;
    }
    for (size_t j = 0; j < data->n_relations && c.w.out.errnum == 0; j++) {
        kg_export_prefetch_relation(data, j);
        write_edge(&c, j);
    }
    put(&c.w, "  </graph>\n</graphml>\n");
    out_flush(&c.w);
    status = c.w.out.errnum != 0 ? kg_export_write_error(err, c.w.out.errnum)
                                 : kg_export_flush(out, err);
    goto cleanup;

nomem:
    status = kg_error_set(err, KG_ERR_NOMEM, NULL, 0, 0, "out of memory writing GraphML");
cleanup:
    free(c.w.out.block);
    kg_buf_clear(&c.scratch);
    return status;
}
