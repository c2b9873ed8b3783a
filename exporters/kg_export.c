/* kg_export.c — format names, dispatch, the atomic file writer, and the
 * helpers every writer shares (IRIs, text repair, centrality table, relation
 * keys, numbers, write errors).  The writers themselves are rdf.c (Turtle,
 * N-Triples, N-Quads), graphml.c, json.c (node-link and Cytoscape.js) and
 * csv.c. */
#include "kg_export_internal.h"
#include "kg_model_internal.h"

#include "kg_outfile.h"
#include "kg_text.h"

#include <errno.h>
#include <inttypes.h>
#include <locale.h>
#include <math.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

/* ---- growable byte buffer ------------------------------------------------ */

static bool buf_reserve(kg_buf *buf, size_t extra) {
    if (buf->failed)
        return false;
    if (buf->len + extra + 1 <= buf->cap)
        return true;
    size_t cap = buf->cap < 64 ? 64 : buf->cap;
    while (cap < buf->len + extra + 1) {
        if (cap > SIZE_MAX / 2) {
            buf->failed = true;
            return false;
        }
        cap *= 2;
    }
    char *p = realloc(buf->data, cap);
    if (p == NULL) {
        buf->failed = true;
        return false;
    }
    buf->data = p;
    buf->cap = cap;
    return true;
}

void kg_buf_put(kg_buf *buf, const char *s, size_t len) {
    if (!buf_reserve(buf, len))
        return;
    if (len > 0)
        memcpy(buf->data + buf->len, s, len);
    buf->len += len;
    buf->data[buf->len] = '\0';
}

void kg_buf_puts(kg_buf *buf, const char *s) {
    kg_buf_put(buf, s, strlen(s));
}

void kg_buf_printf(kg_buf *buf, const char *fmt, ...) {
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(NULL, 0, fmt, ap);
    va_end(ap);
    if (n < 0) {
        buf->failed = true;
        return;
    }
    if (!buf_reserve(buf, (size_t)n))
        return;
    va_start(ap, fmt);
    vsnprintf(buf->data + buf->len, (size_t)n + 1, fmt, ap);
    va_end(ap);
    buf->len += (size_t)n;
}

void kg_buf_reset(kg_buf *buf) {
    buf->len = 0;
    buf->failed = false;
    if (buf->data != NULL)
        buf->data[0] = '\0';
}

void kg_buf_clear(kg_buf *buf) {
    free(buf->data);
    buf->data = NULL;
    buf->len = buf->cap = 0;
    buf->failed = false;
}

/* ---- formats --------------------------------------------------------------- */

static const struct {
    kg_format format;
    const char *name;
    const char *files[2]; /* second NULL for one-file formats */
} format_table[] = {
    {KG_FORMAT_TTL, "ttl", {"graph.ttl", NULL}},
    {KG_FORMAT_NT, "nt", {"graph.nt", NULL}},
    {KG_FORMAT_NQ, "nq", {"graph.nq", NULL}},
    {KG_FORMAT_GRAPHML, "graphml", {"graph.graphml", NULL}},
    {KG_FORMAT_JSON, "json", {"graph.json", NULL}},
    {KG_FORMAT_CSV, "csv", {"nodes.csv", "relationships.csv"}},
};

#define N_FORMATS (sizeof format_table / sizeof format_table[0])

/* Other names accepted in a format list. */
static const struct {
    const char *name;
    unsigned formats;
} format_aliases[] = {
    {"turtle", KG_FORMAT_TTL}, {"ntriples", KG_FORMAT_NT}, {"n-triples", KG_FORMAT_NT},
    {"nquads", KG_FORMAT_NQ},  {"n-quads", KG_FORMAT_NQ},  {"all", KG_FORMAT_ALL},
};

/* ASCII-only case-insensitive comparison of s[0..len) with a lower-case
 * word: format names must not depend on the locale. */
static bool word_equals(const char *s, size_t len, const char *word) {
    if (strlen(word) != len)
        return false;
    for (size_t i = 0; i < len; i++) {
        char c = s[i];
        if (c >= 'A' && c <= 'Z')
            c = (char)(c - 'A' + 'a');
        if (c != word[i])
            return false;
    }
    return true;
}

static unsigned format_by_name(const char *s, size_t len) {
    for (size_t i = 0; i < N_FORMATS; i++)
        if (word_equals(s, len, format_table[i].name))
            return format_table[i].format;
    for (size_t i = 0; i < sizeof format_aliases / sizeof format_aliases[0]; i++)
        if (word_equals(s, len, format_aliases[i].name))
            return format_aliases[i].formats;
    return 0;
}

kg_status kg_format_parse_list(const char *list, unsigned *out, kg_error *err) {
    unsigned set = 0;
    if (list == NULL)
        return kg_error_set(err, KG_ERR_USAGE, NULL, 0, 0, "no output format given");
    const char *p = list;
    for (;;) {
        const char *comma = strchr(p, ',');
        const char *end = comma != NULL ? comma : p + strlen(p);
        while (p < end && (*p == ' ' || *p == '\t'))
            p++;
        while (end > p && (end[-1] == ' ' || end[-1] == '\t'))
            end--;
        size_t n = (size_t)(end - p);
        if (n == 0)
            return kg_error_set(err, KG_ERR_USAGE, NULL, 0, 0,
                                "empty item in output format list '%s'", list);
        unsigned formats = format_by_name(p, n);
        if (formats == 0)
            return kg_error_set(err, KG_ERR_USAGE, NULL, 0, 0,
                                "unknown output format '%.*s' (expected ttl, nt, nq, graphml, "
                                "json, csv or all)",
                                (int)n, p);
        set |= formats;
        if (comma == NULL)
            break;
        p = comma + 1;
    }
    if (out != NULL)
        *out = set;
    return KG_OK;
}

kg_status kg_json_style_parse(const char *name, kg_json_style *out, kg_error *err) {
    size_t n = name != NULL ? strlen(name) : 0;
    kg_json_style style;
    if (name != NULL && (word_equals(name, n, "node-link") || word_equals(name, n, "nodelink")))
        style = KG_JSON_NODE_LINK;
    else if (name != NULL && word_equals(name, n, "cytoscape"))
        style = KG_JSON_CYTOSCAPE;
    else
        return kg_error_set(err, KG_ERR_USAGE, NULL, 0, 0,
                            "unknown JSON style '%s' (expected node-link or cytoscape)",
                            name != NULL ? name : "");
    if (out != NULL)
        *out = style;
    return KG_OK;
}

static int format_index(kg_format format) {
    for (size_t i = 0; i < N_FORMATS; i++)
        if (format_table[i].format == format)
            return (int)i;
    return -1;
}

const char *kg_format_name(kg_format format) {
    int i = format_index(format);
    return i >= 0 ? format_table[i].name : NULL;
}

const char *kg_format_filename(kg_format format) {
    int i = format_index(format);
    return i >= 0 && format_table[i].files[1] == NULL ? format_table[i].files[0] : NULL;
}

size_t kg_format_file_count(kg_format format) {
    int i = format_index(format);
    if (i < 0)
        return 0;
    return format_table[i].files[1] != NULL ? 2 : 1;
}

const char *kg_format_file_name(kg_format format, size_t k) {
    return k < kg_format_file_count(format) ? format_table[format_index(format)].files[k] : NULL;
}

static const kg_export_options default_options = KG_EXPORT_OPTIONS_INIT;

/* The writer of file k of format. */
static kg_status write_part(const kg_graph *graph, kg_format format, size_t k,
                            const kg_export_options *options, FILE *out, kg_error *err) {
    switch (format) {
    case KG_FORMAT_TTL:
        return kg_export_turtle(graph, out, err);
    case KG_FORMAT_NT:
        return kg_export_ntriples(graph, out, err);
    case KG_FORMAT_NQ:
        return kg_export_nquads(graph, out, err);
    case KG_FORMAT_GRAPHML:
        return kg_export_graphml(graph, out, err);
    case KG_FORMAT_JSON:
        return options->json_style == KG_JSON_CYTOSCAPE ? kg_export_cytoscape(graph, out, err)
                                                        : kg_export_json(graph, out, err);
    case KG_FORMAT_CSV:
        return k == 0 ? kg_export_csv_nodes(graph, out, err)
                      : kg_export_csv_relationships(graph, out, err);
    default:
        return kg_error_set(err, KG_ERR_USAGE, NULL, 0, 0,
                            "export needs exactly one format, not the set 0x%x", (unsigned)format);
    }
}

kg_status kg_export_with(const kg_graph *graph, kg_format format, const kg_export_options *options,
                         FILE *out, kg_error *err) {
    if (kg_format_file_count(format) == 0)
        return kg_error_set(err, KG_ERR_USAGE, NULL, 0, 0,
                            "export needs exactly one format, not the set 0x%x", (unsigned)format);
    if (kg_format_file_count(format) > 1)
        return kg_error_set(err, KG_ERR_USAGE, NULL, 0, 0,
                            "%s writes %zu files (%s, %s): write it into a directory",
                            kg_format_name(format), kg_format_file_count(format),
                            kg_format_file_name(format, 0), kg_format_file_name(format, 1));
    if (graph == NULL || out == NULL)
        return kg_error_set(err, KG_ERR_USAGE, NULL, 0, 0, "no graph or no output stream");
    return write_part(graph, format, 0, options != NULL ? options : &default_options, out, err);
}

kg_status kg_export(const kg_graph *graph, kg_format format, FILE *out, kg_error *err) {
    return kg_export_with(graph, format, NULL, out, err);
}

/* ---- block output --------------------------------------------------------------- */

void kg_block_flush(kg_block_out *o) {
    if (o->used > 0 && o->errnum == 0 && fwrite(o->block, 1, o->used, o->file) != o->used)
        o->errnum = errno != 0 ? errno : EIO;
    o->used = 0;
}

void kg_block_spill(kg_block_out *o, const char *s, size_t len) {
    kg_block_flush(o);
    if (len > o->size) {
        if (o->errnum == 0 && fwrite(s, 1, len, o->file) != len)
            o->errnum = errno != 0 ? errno : EIO;
        return;
    }
    memcpy(o->block, s, len);
    o->used = len;
}

/* ---- atomic file writing (kg_outfile) ----------------------------------------- */

/* Runs the writer of file k into f and finishes f; a write error is about
 * this file, whose name the writer could not know. */
static kg_status write_file(kg_outfile *f, const kg_graph *graph, kg_format format, size_t k,
                            const kg_export_options *options, kg_error *err) {
    kg_status status = write_part(graph, format, k, options, kg_outfile_stream(f), err);
    if (status == KG_ERR_IO && err != NULL && err->where[0] == '\0')
        snprintf(err->where, sizeof err->where, "%s", kg_outfile_path(f));
    if (status == KG_OK)
        status = kg_outfile_finish(f, err);
    return status;
}

kg_status kg_export_file(const kg_graph *graph, kg_format format, const char *path, kg_error *err) {
    if (path == NULL || path[0] == '\0')
        return kg_error_set(err, KG_ERR_USAGE, NULL, 0, 0, "no output path given");
    if (kg_format_file_count(format) != 1)
        return kg_export(graph, format, NULL, err);
    if (graph == NULL)
        return kg_error_set(err, KG_ERR_USAGE, NULL, 0, 0, "no graph or no output stream");

    kg_outfile *f = NULL;
    kg_status status = kg_outfile_open(&f, path, err);
    if (status == KG_OK)
        status = write_file(f, graph, format, 0, &default_options, err);
    if (status == KG_OK)
        return kg_outfile_commit(f, err); /* frees f */
    kg_outfile_abort(f);
    return status;
}

kg_status kg_export_dir(const kg_graph *graph, kg_format format, const kg_export_options *options,
                        const char *dir, kg_error *err) {
    kg_status status = KG_OK;
    kg_outfile *files[2] = {NULL, NULL};
    char *paths[2] = {NULL, NULL};
    size_t n = kg_format_file_count(format);

    if (n == 0 || n > 2)
        return kg_error_set(err, KG_ERR_USAGE, NULL, 0, 0,
                            "export needs exactly one format, not the set 0x%x", (unsigned)format);
    if (dir == NULL || dir[0] == '\0')
        return kg_error_set(err, KG_ERR_USAGE, NULL, 0, 0, "no output directory given");
    if (graph == NULL)
        return kg_error_set(err, KG_ERR_USAGE, NULL, 0, 0, "no graph or no output stream");
    if (options == NULL)
        options = &default_options;

    size_t dir_len = strlen(dir);
    bool slash = dir[dir_len - 1] == '/';
    for (size_t k = 0; k < n; k++) {
        const char *name = kg_format_file_name(format, k);
        size_t size = dir_len + 1 + strlen(name) + 1;
        paths[k] = malloc(size);
        if (paths[k] == NULL) {
            status = kg_error_set(err, KG_ERR_NOMEM, dir, 0, 0, "out of memory");
            goto cleanup;
        }
        snprintf(paths[k], size, "%s%s%s", dir, slash ? "" : "/", name);
    }
    /* Every file complete and synced before the first rename. */
    for (size_t k = 0; k < n && status == KG_OK; k++) {
        status = kg_outfile_open(&files[k], paths[k], err);
        if (status == KG_OK)
            status = write_file(files[k], graph, format, k, options, err);
    }
    for (size_t k = 0; k < n && status == KG_OK; k++) {
        status = kg_outfile_commit(files[k], err); /* frees it */
        files[k] = NULL;
        if (status != KG_OK && k > 0 && err != NULL)
            snprintf(err->message + strlen(err->message),
                     sizeof err->message - strlen(err->message), " (%s was already replaced)",
                     kg_format_file_name(format, 0));
    }

cleanup:
    for (size_t k = 0; k < 2; k++) {
        kg_outfile_abort(files[k]);
        free(paths[k]);
    }
    return status;
}

/* ---- IRIs ------------------------------------------------------------------ */

static bool is_hex(char c) {
    return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}

/* ASCII characters that RFC 3987 never allows in an IRI. */
static bool ascii_forbidden_in_iri(unsigned char c) {
    return c <= 0x20 || c == 0x7f || strchr("<>\"{}|^`\\", c) != NULL;
}

/* Non-ASCII code points an IRI may not carry: C1 controls, non-characters
 * U+FFFE/U+FFFF, and anything that is not a valid scalar value. */
static bool cp_forbidden_in_iri(int32_t cp) {
    return cp < 0 || (cp >= 0x80 && cp <= 0x9f) || cp == 0xfffe || cp == 0xffff;
}

kg_status kg_export_check_base_iri(const char *base_iri, kg_error *err) {
    if (base_iri == NULL || base_iri[0] == '\0')
        return kg_error_set(err, KG_ERR_USAGE, NULL, 0, 0, "the base IRI is empty");
    size_t len = strlen(base_iri);
    /* scheme = ALPHA *( ALPHA / DIGIT / "+" / "-" / "." ) ":" */
    size_t i = 0;
    bool scheme_ok =
        (base_iri[0] >= 'a' && base_iri[0] <= 'z') || (base_iri[0] >= 'A' && base_iri[0] <= 'Z');
    while (scheme_ok && i < len && base_iri[i] != ':') {
        char c = base_iri[i];
        if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
              c == '+' || c == '-' || c == '.'))
            scheme_ok = false;
        i++;
    }
    if (!scheme_ok || i == len)
        return kg_error_set(err, KG_ERR_USAGE, NULL, 0, 0,
                            "the base IRI '%s' is not absolute (it needs a scheme such as https:)",
                            base_iri);
    size_t pos = 0;
    while (pos < len) {
        size_t at = pos;
        unsigned char c = (unsigned char)base_iri[pos];
        if (c < 0x80) {
            pos++;
            if (ascii_forbidden_in_iri(c))
                return kg_error_set(err, KG_ERR_USAGE, NULL, 0, 0,
                                    "the base IRI contains a character not allowed in IRIs "
                                    "(0x%02X at byte %zu)",
                                    c, at);
            /* base_iri is NUL-terminated, so reading up to two bytes past
             * the '%' stops at the NUL at worst. */
            if (c == '%' && !(is_hex(base_iri[pos]) && is_hex(base_iri[pos + 1])))
                return kg_error_set(err, KG_ERR_USAGE, NULL, 0, 0,
                                    "the base IRI has a malformed %%-escape at byte %zu", at);
            continue;
        }
        int32_t cp = kg_utf8_next(base_iri, len, &pos);
        if (cp_forbidden_in_iri(cp))
            return kg_error_set(err, KG_ERR_USAGE, NULL, 0, 0,
                                "the base IRI contains invalid UTF-8 or a character not allowed "
                                "in IRIs at byte %zu",
                                at);
    }
    return KG_OK;
}

void kg_export_iri_append(kg_buf *buf, const char *base_iri, const char *local) {
    static const char hex[] = "0123456789ABCDEF";
    kg_buf_puts(buf, base_iri);
    size_t len = strlen(local), pos = 0;
    while (pos < len) {
        size_t at = pos;
        unsigned char c = (unsigned char)local[pos];
        bool encode;
        if (c < 0x80) {
            pos++;
            encode = ascii_forbidden_in_iri(c) ||
                     (c == '%' && !(is_hex(local[pos]) && is_hex(local[pos + 1])));
        } else {
            encode = cp_forbidden_in_iri(kg_utf8_next(local, len, &pos));
        }
        if (!encode) {
            kg_buf_put(buf, local + at, pos - at);
            continue;
        }
        for (size_t k = at; k < pos; k++) {
            unsigned char b = (unsigned char)local[k];
            char esc[3] = {'%', hex[b >> 4], hex[b & 15]};
            kg_buf_put(buf, esc, 3);
        }
    }
}

char *kg_export_entity_iri(const kg_graph *graph, size_t i) {
    kg_buf buf = KG_BUF_INIT;
    kg_export_iri_append(&buf, graph->base_iri, graph->data->entities[i].id);
    if (buf.failed) {
        kg_buf_clear(&buf);
        return NULL;
    }
    return buf.data != NULL ? buf.data : strdup("");
}

/* ---- text ------------------------------------------------------------------ */

bool kg_export_utf8_valid(const char *s, size_t len) {
    size_t pos = 0;
    while (pos < len) {
        if ((unsigned char)s[pos] < 0x80) {
            pos++;
            continue;
        }
        if (kg_utf8_next(s, len, &pos) < 0)
            return false;
    }
    return true;
}

char *kg_export_clean_text(const char *s, size_t len, bool for_xml) {
    kg_buf buf = KG_BUF_INIT;
    static const char replacement[] = "\xEF\xBF\xBD"; /* U+FFFD */
    size_t pos = 0;
    kg_buf_put(&buf, "", 0);
    while (pos < len) {
        size_t at = pos;
        int32_t cp = kg_utf8_next(s, len, &pos);
        if (cp < 0 || cp == 0) {
            kg_buf_put(&buf, replacement, 3);
        } else if (for_xml &&
                   ((cp < 0x20 && cp != '\t' && cp != '\n' && cp != '\r') || cp == 0x7f)) {
            kg_buf_put(&buf, " ", 1);
        } else if (for_xml && (cp == 0xfffe || cp == 0xffff)) {
            kg_buf_put(&buf, replacement, 3);
        } else {
            kg_buf_put(&buf, s + at, pos - at);
        }
    }
    if (buf.failed) {
        kg_buf_clear(&buf);
        return NULL;
    }
    return buf.data;
}

double kg_export_finite(double x) {
    return isfinite(x) ? x : 0.0;
}

/* ---- centrality measures -------------------------------------------------- */

#define MEASURE(field, rdf, method)                                                                \
    { #field, rdf, method, offsetof(kg_centrality, field) }

const kg_export_measure kg_export_measures[KG_EXPORT_N_MEASURES] = {
    MEASURE(degree, "kg:degree", "in + out edges, parallel edges counted"),
    MEASURE(in_degree, "kg:inDegree", "incoming edges, parallel edges counted"),
    MEASURE(out_degree, "kg:outDegree", "outgoing edges, parallel edges counted"),
    MEASURE(strength, "kg:strength", "sum of incident edge weights (evidence counts), in + out"),
    MEASURE(betweenness, "kg:betweenness",
            "undirected, unweighted, exact (Brandes) or estimated from sampled sources"),
    MEASURE(closeness, "kg:closeness",
            "normalised igraph closeness over the reachable part, undirected"),
    MEASURE(harmonic, "kg:harmonic", "normalised harmonic centrality, undirected"),
    MEASURE(pagerank, "kg:pagerank",
            "PageRank (PRPACK), undirected, damping 0.85, weighted by evidence counts"),
    MEASURE(eigenvector, "kg:eigenvector",
            "eigenvector centrality, undirected, weighted by evidence counts, maximum scaled to 1"),
    MEASURE(hub, "kg:hub", "HITS hub score, directed, weighted by evidence counts, maximum 1"),
    MEASURE(authority, "kg:authority",
            "HITS authority score, directed, weighted by evidence counts, maximum 1"),
    MEASURE(coreness, "kg:coreness", "k-core number in the undirected simple projection"),
};

double kg_export_measure_value(const kg_graph *graph, size_t i, const kg_export_measure *m) {
    if (graph->centrality == NULL)
        return 0.0;
    const char *base = (const char *)&graph->centrality[i];
    double value;
    memcpy(&value, base + m->offset, sizeof value);
    return kg_export_finite(value);
}

const char *kg_export_measure_method(const kg_graph *graph, const kg_export_measure *m, char *buf,
                                     size_t size) {
    const kg_analytics_info *info = &graph->analytics;
    /* Closeness and harmonic: the table's text when exact, else the sample. */
    bool closeness = m->offset == offsetof(kg_centrality, closeness);
    if (closeness || m->offset == offsetof(kg_centrality, harmonic)) {
        const char *method = closeness ? info->closeness_method : info->harmonic_method;
        size_t sources = closeness ? info->closeness_sources : info->harmonic_sources;
        if (method == NULL || strcmp(method, "sampled") != 0)
            return m->method;
        snprintf(buf, size, "%s, estimated from %zu sampled source vertices (seed %lu)", m->method,
                 sources, info->options.seed);
        return buf;
    }
    if (m != &kg_export_measures[KG_EXPORT_MEASURE_BETWEENNESS])
        return m->method;
    if (info->betweenness_method != NULL && strcmp(info->betweenness_method, "sampled") == 0)
        snprintf(buf, size,
                 "estimated from %zu sampled source vertices (seed %lu), scaled by n/%zu; "
                 "undirected, unweighted",
                 info->betweenness_sources, info->options.seed, info->betweenness_sources);
    else
        snprintf(buf, size, "exact (Brandes, all %zu vertices as sources); undirected, unweighted",
                 info->betweenness_sources);
    return buf;
}

size_t kg_export_community(const kg_graph *graph, size_t i) {
    return graph->community != NULL ? graph->community[i] : 0;
}

/* ---- errors ------------------------------------------------------------------ */

kg_status kg_export_write_error(kg_error *err, int errnum) {
    return kg_error_set(err, KG_ERR_IO, NULL, 0, 0, "write failed: %s",
                        strerror(errnum != 0 ? errnum : EIO));
}

kg_status kg_export_flush(FILE *out, kg_error *err) {
    if (fflush(out) != 0 || ferror(out))
        return kg_export_write_error(err, errno);
    return KG_OK;
}

/* ---- relation keys and numbers -------------------------------------------- */

uint64_t kg_export_relation_key(const kg_graph *graph, const kg_relation *r, kg_buf *scratch) {
    const kg_entity *e = graph->data->entities;
    const char *type = kg_relation_type_name(r->type);
    kg_buf_reset(scratch);
    kg_buf_puts(scratch, e[r->subject].id);
    kg_buf_put(scratch, "\x1f", 1);
    kg_buf_puts(scratch, type != NULL ? type : "");
    kg_buf_put(scratch, "\x1f", 1);
    kg_buf_puts(scratch, e[r->object].id);
    kg_buf_put(scratch, "\x1f", 1);
    kg_buf_puts(scratch, r->role != NULL ? r->role : "");
    if (scratch->failed)
        return 0;
    return kg_hash64(scratch->data, scratch->len, 0);
}

void kg_export_relation_local(uint64_t key, char out[KG_EXPORT_RELATION_LOCAL_SIZE]) {
    snprintf(out, KG_EXPORT_RELATION_LOCAL_SIZE, "relation/%016" PRIx64, key);
}

void kg_export_format_g(double x, int precision, char *out, size_t size) {
    char tmp[64];
    snprintf(tmp, sizeof tmp, "%.*g", precision, kg_export_finite(x));
    /* The locale's decimal point (possibly several bytes) becomes '.'. */
    const char *point = localeconv()->decimal_point;
    size_t point_len = point != NULL ? strlen(point) : 0;
    size_t n = 0;
    for (const char *p = tmp; *p != '\0' && n + 1 < size;) {
        if (point_len > 0 && !(point_len == 1 && point[0] == '.') &&
            strncmp(p, point, point_len) == 0) {
            out[n++] = '.';
            p += point_len;
        } else {
            out[n++] = *p++;
        }
    }
    if (size > 0)
        out[n] = '\0';
}

/* ---- several formats at once --------------------------------------------------- */

size_t kg_format_list(unsigned formats, kg_format out[6]) {
    static const kg_format order[] = {KG_FORMAT_TTL,     KG_FORMAT_NT,   KG_FORMAT_NQ,
                                      KG_FORMAT_GRAPHML, KG_FORMAT_JSON, KG_FORMAT_CSV};
    size_t n = 0;
    for (size_t i = 0; i < sizeof order / sizeof *order; i++)
        if (formats & order[i])
            out[n++] = order[i];
    return n;
}

typedef struct export_job {
    const kg_graph *graph;
    const kg_export_options *options;
    const char *dir;
    kg_format format;
    kg_status status;
    kg_error err;
    double seconds;
} export_job;

/* The jobs: the RDF formats (which raptor writes, and raptor's libxml2
 * keeps per-thread state that it frees only on the thread that set it up
 * first) go to the calling thread, the others to whichever thread is free. */
typedef struct export_pool {
    export_job *jobs;
    size_t n;
    size_t next; /* the next job to take (atomic) */
} export_pool;

static void run_job(export_job *job) {
    double t0 = kg_monotonic_seconds();
    kg_error_clear(&job->err);
    job->status = kg_export_dir(job->graph, job->format, job->options, job->dir, &job->err);
    job->seconds = kg_monotonic_seconds() - t0;
}

/* Takes jobs until none is left.  The writers share nothing but the
 * graph, which they only read. */
static void *export_worker(void *arg) {
    export_pool *pool = arg;
    for (;;) {
        size_t i = __atomic_fetch_add(&pool->next, 1, __ATOMIC_RELAXED);
        if (i >= pool->n)
            return NULL;
        run_job(&pool->jobs[i]);
    }
}

static bool is_rdf(kg_format format) {
    return format == KG_FORMAT_TTL || format == KG_FORMAT_NT || format == KG_FORMAT_NQ;
}

kg_status kg_export_dir_all(const kg_graph *graph, unsigned formats,
                            const kg_export_options *options, const char *dir, size_t threads,
                            double *seconds, kg_error *err) {
    kg_format list[6];
    export_job rdf[3], other[6];
    size_t n = kg_format_list(formats, list), n_rdf = 0, n_other = 0;
    if (n == 0 || (formats & ~(unsigned)KG_FORMAT_EVERY) != 0)
        return kg_error_set(err, KG_ERR_USAGE, NULL, 0, 0, "no output format, or an unknown one");
    for (size_t i = 0; i < n; i++) {
        export_job job = {graph, options, dir, list[i], KG_OK, {0}, 0.0};
        if (is_rdf(list[i]))
            rdf[n_rdf++] = job;
        else
            other[n_other++] = job;
    }
    export_pool pool = {other, n_other, 0};
    if (threads == 0)
        threads = kg_cpu_count();
    pthread_t thread[6];
    size_t started = 0;
    /* the calling thread writes the RDF, then helps with the rest */
    while (started < n_other && started + 1 < threads &&
           pthread_create(&thread[started], NULL, export_worker, &pool) == 0)
        started++;
    for (size_t i = 0; i < n_rdf; i++)
        run_job(&rdf[i]);
    export_worker(&pool);
    for (size_t t = 0; t < started; t++)
        pthread_join(thread[t], NULL);
    /* back in kg_format_list order: the times, and the first failure */
    kg_status status = KG_OK;
    for (size_t i = 0, r = 0, o = 0; i < n; i++) {
        const export_job *job = is_rdf(list[i]) ? &rdf[r++] : &other[o++];
        if (seconds != NULL)
            seconds[i] = job->seconds;
        if (status == KG_OK && job->status != KG_OK) {
            status = job->status;
            if (err != NULL)
                *err = job->err;
        }
    }
    return status;
}
