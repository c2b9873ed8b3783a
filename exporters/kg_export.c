/* kg_export.c — format names, dispatch, the atomic file writer, and the
 * helpers every writer shares (IRIs, text repair, centrality table, write
 * errors).  The writers themselves are turtle.c, graphml.c and json.c. */
#include "kg_export_internal.h"

#include "kg_text.h"

#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

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
    const char *filename;
} format_table[] = {
    {KG_FORMAT_TTL, "ttl", "graph.ttl"},
    {KG_FORMAT_GRAPHML, "graphml", "graph.graphml"},
    {KG_FORMAT_JSON, "json", "graph.json"},
};

#define N_FORMATS (sizeof format_table / sizeof format_table[0])

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
        if (word_equals(p, n, "ttl") || word_equals(p, n, "turtle"))
            set |= KG_FORMAT_TTL;
        else if (word_equals(p, n, "graphml"))
            set |= KG_FORMAT_GRAPHML;
        else if (word_equals(p, n, "json"))
            set |= KG_FORMAT_JSON;
        else if (word_equals(p, n, "all"))
            set |= KG_FORMAT_ALL;
        else
            return kg_error_set(err, KG_ERR_USAGE, NULL, 0, 0,
                                "unknown output format '%.*s' (expected ttl, graphml, json or all)",
                                (int)n, p);
        if (comma == NULL)
            break;
        p = comma + 1;
    }
    if (out != NULL)
        *out = set;
    return KG_OK;
}

const char *kg_format_name(kg_format format) {
    for (size_t i = 0; i < N_FORMATS; i++)
        if (format_table[i].format == format)
            return format_table[i].name;
    return NULL;
}

const char *kg_format_filename(kg_format format) {
    for (size_t i = 0; i < N_FORMATS; i++)
        if (format_table[i].format == format)
            return format_table[i].filename;
    return NULL;
}

kg_status kg_export(const kg_graph *graph, kg_format format, FILE *out, kg_error *err) {
    if (graph == NULL || out == NULL)
        return kg_error_set(err, KG_ERR_USAGE, NULL, 0, 0, "no graph or no output stream");
    switch (format) {
    case KG_FORMAT_TTL:
        return kg_export_turtle(graph, out, err);
    case KG_FORMAT_GRAPHML:
        return kg_export_graphml(graph, out, err);
    case KG_FORMAT_JSON:
        return kg_export_json(graph, out, err);
    default:
        return kg_error_set(err, KG_ERR_USAGE, NULL, 0, 0,
                            "export needs exactly one format, not the set 0x%x", (unsigned)format);
    }
}

/* ---- atomic file writing ----------------------------------------------------- */

/* The process umask, read by setting and restoring it: POSIX has no way to
 * read it alone.  The umask is briefly 0 in between, which matters only to a
 * thread creating files at that very moment; kgraph exports from one thread. */
static mode_t current_umask(void) {
    mode_t mask = umask(0);
    umask(mask);
    return mask;
}

/* Makes the rename durable; failures are ignored because the new file is
 * already in place and some file systems cannot sync directories. */
static void sync_directory(const char *path, size_t dir_len) {
    char *dir = NULL;
    if (dir_len == 0) {
        dir = strdup(".");
    } else {
        dir = malloc(dir_len + 1);
        if (dir != NULL) {
            memcpy(dir, path, dir_len);
            dir[dir_len] = '\0';
        }
    }
    if (dir == NULL)
        return;
    int fd = open(dir, O_RDONLY | O_DIRECTORY);
    if (fd >= 0) {
        (void)fsync(fd);
        close(fd);
    }
    free(dir);
}

static kg_status io_error(kg_error *err, const char *path, const char *what, int errnum) {
    return kg_error_set(err, KG_ERR_IO, path, 0, 0, "%s: %s", what,
                        strerror(errnum != 0 ? errnum : EIO));
}

kg_status kg_export_file(const kg_graph *graph, kg_format format, const char *path, kg_error *err) {
    kg_status status = KG_OK;
    char *tmp = NULL;
    int fd = -1;
    FILE *file = NULL;
    bool tmp_exists = false;

    if (path == NULL || path[0] == '\0')
        return kg_error_set(err, KG_ERR_USAGE, NULL, 0, 0, "no output path given");
    if (kg_format_name(format) == NULL)
        return kg_export(graph, format, NULL, err);

    /* The temporary file sits next to the target so that rename() stays on
     * one file system and is atomic: "<dir>/.<name>.tmp-XXXXXX". */
    const char *slash = strrchr(path, '/');
    size_t dir_len = slash != NULL ? (size_t)(slash - path) + 1 : 0;
    const char *name = path + dir_len;
    if (name[0] == '\0')
        return kg_error_set(err, KG_ERR_USAGE, path, 0, 0, "output path names a directory");
    static const char suffix[] = ".tmp-XXXXXX";
    size_t tmp_size = dir_len + 1 + strlen(name) + sizeof suffix;
    tmp = malloc(tmp_size);
    if (tmp == NULL) {
        status = kg_error_set(err, KG_ERR_NOMEM, path, 0, 0, "out of memory");
        goto cleanup;
    }
    memcpy(tmp, path, dir_len);
    snprintf(tmp + dir_len, tmp_size - dir_len, ".%s%s", name, suffix);

    fd = mkstemp(tmp);
    if (fd < 0) {
        status = io_error(err, path, "cannot create a temporary file in its directory", errno);
        goto cleanup;
    }
    tmp_exists = true;

    /* mkstemp makes the file 0600; give it the mode the target has, or the
     * one a newly created file would get. */
    struct stat target;
    mode_t mode = (stat(path, &target) == 0 && S_ISREG(target.st_mode)) ? (target.st_mode & 07777)
                                                                        : (0666 & ~current_umask());
    if (fchmod(fd, mode) != 0) {
        status = io_error(err, path, "cannot set the permissions of the temporary file", errno);
        goto cleanup;
    }

    file = fdopen(fd, "wb");
    if (file == NULL) {
        status = io_error(err, path, "cannot open the temporary file", errno);
        goto cleanup;
    }
    fd = -1; /* now owned by file */

    status = kg_export(graph, format, file, err);
    if (status != KG_OK) {
        /* A write error is about this file; the writer could not know its name. */
        if (status == KG_ERR_IO && err != NULL && err->where[0] == '\0')
            snprintf(err->where, sizeof err->where, "%s", path);
        goto cleanup;
    }
    if (fflush(file) != 0 || ferror(file)) {
        status = io_error(err, path, "write failed", errno);
        goto cleanup;
    }
    if (fsync(fileno(file)) != 0) {
        status = io_error(err, path, "cannot sync to disk", errno);
        goto cleanup;
    }
    int rc = fclose(file);
    file = NULL;
    if (rc != 0) {
        status = io_error(err, path, "write failed", errno);
        goto cleanup;
    }
    if (rename(tmp, path) != 0) {
        status = io_error(err, path, "cannot replace the file", errno);
        goto cleanup;
    }
    tmp_exists = false;
    sync_directory(path, dir_len);

cleanup:
    if (file != NULL)
        fclose(file);
    else if (fd >= 0)
        close(fd);
    if (tmp_exists)
        unlink(tmp);
    free(tmp);
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
    MEASURE(betweenness, "kg:betweenness", "exact, undirected, unweighted"),
    MEASURE(closeness, "kg:closeness",
            "normalised igraph closeness over the reachable part, undirected"),
    MEASURE(harmonic, "kg:harmonic", "normalised harmonic centrality, undirected"),
    MEASURE(pagerank, "kg:pagerank",
            "PageRank (PRPACK), undirected, damping 0.85, weighted by evidence counts"),
    MEASURE(eigenvector, "kg:eigenvector",
            "eigenvector centrality, undirected, weighted by evidence counts, maximum scaled to 1"),
};

double kg_export_measure_value(const kg_graph *graph, size_t i, const kg_export_measure *m) {
    if (graph->centrality == NULL)
        return 0.0;
    const char *base = (const char *)&graph->centrality[i];
    double value;
    memcpy(&value, base + m->offset, sizeof value);
    return kg_export_finite(value);
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
