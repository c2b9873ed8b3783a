/* kg_eval.c — the built-in scorer (kg_eval.h): score.py's per-document mode
 * ported to C, function by function, so that `kgraph eval` and
 * `score.py --cmd 'kgraph build ...'` print the same figures.
 *
 * Where score.py is Python, this file says which Python behaviour it copies
 * (str() of JSON values for ids, round(x, 6), "%-*s" padding counted in
 * code points, json.dumps for quoted names).  Nothing here is tuned: a
 * difference from score.py is a bug, and tests/integration/
 * eval_matches_score.py compares the two on the development set and on the
 * samples.
 *
 * Sizes are those of one article (tens of entities and relations), so the
 * matching uses plain loops: O(nodes x gold x forms²) per document.
 */
#include "kg_eval.h"
#include "kg_extract.h"
#include "kg_graph.h"
#include "kg_model_internal.h"
#include "kg_resolve.h"
#include "kg_text.h"

#include <dirent.h>
#include <errno.h>
#include <jansson.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <utf8proc.h>

#define EVAL_JACCARD_MIN 0.6
#define EVAL_STEM_LEN 5
#define EVAL_GOLD_SUFFIX ".gold.json"

/* ---- a growable string ------------------------------------------------------ */

typedef struct sbuf {
    char *data;
    size_t len, cap;
    bool failed;
} sbuf;

static void sb_put(sbuf *b, const char *s, size_t n) {
    if (b->failed)
        return;
    if (b->len + n + 1 > b->cap) {
        size_t cap = b->cap ? b->cap : 64;
        while (cap < b->len + n + 1)
            cap *= 2;
        char *data = realloc(b->data, cap);
        if (data == NULL) {
            b->failed = true;
            return;
        }
        b->data = data;
        b->cap = cap;
    }
    memcpy(b->data + b->len, s, n);
    b->len += n;
    b->data[b->len] = '\0';
}

static void sb_puts(sbuf *b, const char *s) {
    sb_put(b, s, strlen(s));
}

static void sb_printf(sbuf *b, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 2, 3)))
#endif
    ;

static void sb_printf(sbuf *b, const char *fmt, ...) {
    char small[256];
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(small, sizeof small, fmt, ap);
    va_end(ap);
    if (n < 0) {
        b->failed = true;
        return;
    }
    if ((size_t)n < sizeof small) {
        sb_put(b, small, (size_t)n);
        return;
    }
    char *big = malloc((size_t)n + 1);
    if (big == NULL) {
        b->failed = true;
        return;
    }
    va_start(ap, fmt);
    vsnprintf(big, (size_t)n + 1, fmt, ap);
    va_end(ap);
    sb_put(b, big, (size_t)n);
    free(big);
}

/* The finished string (the buffer's), or NULL when something failed; the
 * buffer is reset either way. */
static char *sb_take(sbuf *b) {
    char *s = b->failed ? NULL : b->data;
    if (s == NULL && !b->failed)
        s = calloc(1, 1);
    if (b->failed)
        free(b->data);
    memset(b, 0, sizeof *b);
    return s;
}

static char *dup_n(const char *s, size_t n) {
    char *c = malloc(n + 1);
    if (c != NULL) {
        memcpy(c, s, n);
        c[n] = '\0';
    }
    return c;
}

static char *dup_s(const char *s) {
    return dup_n(s, strlen(s));
}

/* ---- Python's little habits -------------------------------------------------------- */

/* round(x, 6): glibc's printf rounds the exact binary value half to even
 * as Python's dtoa does, and strtod reads the digits back as Python does. */
static double py_round6(double x) {
    char buf[64];
    snprintf(buf, sizeof buf, "%.6f", x);
    return strtod(buf, NULL);
}

/* Code points in valid UTF-8. */
static size_t cp_len(const char *s) {
    size_t n = 0;
    for (const unsigned char *p = (const unsigned char *)s; *p != '\0'; p++)
        n += (*p & 0xC0) != 0x80;
    return n;
}

/* Bytes taken by the first n code points of s. */
static size_t cp_prefix(const char *s, size_t n) {
    size_t i = 0;
    while (s[i] != '\0') {
        if ((s[i] & 0xC0) != 0x80) {
            if (n == 0)
                break;
            n--;
        }
        i++;
    }
    return i;
}

/* "%-*s" % (width, s): padded to width code points. */
static void sb_pad(sbuf *b, const char *s, size_t width) {
    sb_puts(b, s);
    for (size_t n = cp_len(s); n < width; n++)
        sb_put(b, " ", 1);
}

/* json.dumps(s, ensure_ascii=False). */
static void sb_json_str(sbuf *b, const char *s) {
    sb_put(b, "\"", 1);
    for (const unsigned char *p = (const unsigned char *)s; *p != '\0'; p++) {
        switch (*p) {
        case '"':
            sb_puts(b, "\\\"");
            break;
        case '\\':
            sb_puts(b, "\\\\");
            break;
        case '\n':
            sb_puts(b, "\\n");
            break;
        case '\r':
            sb_puts(b, "\\r");
            break;
        case '\t':
            sb_puts(b, "\\t");
            break;
        case '\b':
            sb_puts(b, "\\b");
            break;
        case '\f':
            sb_puts(b, "\\f");
            break;
        default:
            if (*p < 0x20)
                sb_printf(b, "\\u%04x", (unsigned)*p);
            else
                sb_put(b, (const char *)p, 1);
        }
    }
    sb_put(b, "\"", 1);
}

/* Python's repr of a float, near enough for ids: shortest round trip with
 * ".0" for integral values. */
static void sb_py_float(sbuf *b, double x) {
    char buf[64];
    for (int prec = 1; prec <= 17; prec++) {
        snprintf(buf, sizeof buf, "%.*g", prec, x);
        if (strtod(buf, NULL) == x)
            break;
    }
    sb_puts(b, buf);
    if (strpbrk(buf, ".en") == NULL)
        sb_puts(b, ".0");
}

/* str(value) of a JSON value as Python holds it (value NULL: a missing
 * key, None). */
static void sb_py_str(sbuf *b, const json_t *value) {
    if (value == NULL || json_is_null(value))
        sb_puts(b, "None");
    else if (json_is_string(value))
        sb_put(b, json_string_value(value), json_string_length(value));
    else if (json_is_true(value))
        sb_puts(b, "True");
    else if (json_is_false(value))
        sb_puts(b, "False");
    else if (json_is_integer(value))
        sb_printf(b, "%" JSON_INTEGER_FORMAT, json_integer_value(value));
    else if (json_is_real(value))
        sb_py_float(b, json_real_value(value));
    else {
        char *dump = json_dumps(value, JSON_COMPACT | JSON_ENCODE_ANY | JSON_SORT_KEYS);
        if (dump == NULL)
            b->failed = true;
        else
            sb_puts(b, dump);
        free(dump);
    }
}

/* repr(value), near enough for warnings. */
static void sb_py_repr(sbuf *b, const json_t *value) {
    if (value != NULL && json_is_string(value)) {
        sb_put(b, "'", 1);
        sb_put(b, json_string_value(value), json_string_length(value));
        sb_put(b, "'", 1);
    } else {
        sb_py_str(b, value);
    }
}

/* str.isspace() for the code points str.strip() removes. */
static bool py_space(int32_t cp) {
    return (cp >= 0x09 && cp <= 0x0D) || (cp >= 0x1C && cp <= 0x20) || cp == 0x85 || cp == 0xA0 ||
           cp == 0x1680 || (cp >= 0x2000 && cp <= 0x200A) || cp == 0x2028 || cp == 0x2029 ||
           cp == 0x202F || cp == 0x205F || cp == 0x3000;
}

/* ---- normalize (score.py: normalize) ------------------------------------------- */

/* utf8proc_map of s with options: a new string, "" for input utf8proc
 * rejects, NULL when out of memory. */
static char *map_utf8(const char *s, size_t len, utf8proc_option_t options) {
    utf8proc_uint8_t *out = NULL;
    utf8proc_ssize_t n =
        utf8proc_map((const utf8proc_uint8_t *)s, (utf8proc_ssize_t)len, &out, options);
    if (n == UTF8PROC_ERROR_NOMEM)
        return NULL;
    if (n < 0)
        return calloc(1, 1);
    return (char *)out;
}

/* The quote characters score.py drops: «»“”„‟"'‘’‚‛`‹› */
static bool is_quote(int32_t cp) {
    static const int32_t quotes[] = {0xAB,   0xBB,   0x201C, 0x201D, 0x201E, 0x201F, 0x22,  0x27,
                                     0x2018, 0x2019, 0x201A, 0x201B, 0x60,   0x2039, 0x203A};
    for (size_t i = 0; i < sizeof quotes / sizeof *quotes; i++)
        if (quotes[i] == cp)
            return true;
    return false;
}

char *kg_eval_normalize(const char *s, size_t len) {
    const utf8proc_option_t nfkc = UTF8PROC_STABLE | UTF8PROC_COMPOSE | UTF8PROC_COMPAT;
    char *a = NULL, *folded = NULL, *c = NULL;
    sbuf out = {0};
    if (s == NULL)
        return calloc(1, 1);
    /* NFKC(casefold(NFKC(s))), as unicodedata and str.casefold do it. */
    if ((a = map_utf8(s, len, nfkc)) == NULL ||
        (folded = map_utf8(a, strlen(a), UTF8PROC_CASEFOLD)) == NULL ||
        (c = map_utf8(folded, strlen(folded), nfkc)) == NULL)
        goto cleanup;

    size_t clen = strlen(c), pos = 0;
    bool gap = false;
    while (pos < clen) {
        int32_t cp = kg_utf8_next(c, clen, &pos);
        if (cp < 0)
            cp = 0xFFFD;
        if (cp == 0x451) /* ё → е */
            cp = 0x435;
        if (is_quote(cp))
            continue;
        utf8proc_category_t cat = utf8proc_category(cp);
        /* Letters, numbers and marks stay; anything else is a gap. */
        if (cat >= UTF8PROC_CATEGORY_LU && cat <= UTF8PROC_CATEGORY_NO) {
            char enc[4];
            if (gap && out.len > 0)
                sb_put(&out, " ", 1);
            gap = false;
            sb_put(&out, enc, kg_utf8_encode(cp, enc));
        } else {
            gap = true;
        }
    }

cleanup:
    free(a);
    free(folded);
    free(c);
    if (c == NULL) {
        free(out.data);
        return NULL;
    }
    char *norm = sb_take(&out);
    if (norm != NULL && strncmp(norm, "the ", 4) == 0)
        memmove(norm, norm + 4, strlen(norm + 4) + 1);
    return norm;
}

/* ---- forms (score.py: make_forms, jaccard, pair_score) ------------------------- */

typedef struct eval_form {
    char *norm;
    char **stems; /* distinct stems of the tokens, sorted */
    size_t n_stems;
    size_t n_tokens;
    char *first_initial; /* first code point of the first token */
    char *last_stem;     /* stem of the last token */
} eval_form;

typedef struct eval_forms {
    eval_form *items;
    size_t n, cap;
} eval_forms;

static void forms_clear(eval_forms *forms) {
    for (size_t i = 0; i < forms->n; i++) {
        eval_form *f = &forms->items[i];
        free(f->norm);
        for (size_t k = 0; k < f->n_stems; k++)
            free(f->stems[k]);
        free(f->stems);
        free(f->first_initial);
        free(f->last_stem);
    }
    free(forms->items);
    memset(forms, 0, sizeof *forms);
}

static int cmp_str(const void *a, const void *b) {
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Fills f from its normalized form (taking norm). */
static kg_status form_make(eval_form *f, char *norm) {
    memset(f, 0, sizeof *f);
    f->norm = norm;
    size_t n_tokens = 1;
    for (const char *p = norm; *p != '\0'; p++)
        n_tokens += *p == ' ';
    f->stems = calloc(n_tokens, sizeof *f->stems);
    if (f->stems == NULL)
        return KG_ERR_NOMEM;
    const char *tok = norm;
    for (;;) {
        const char *end = strchr(tok, ' ');
        size_t tlen = end != NULL ? (size_t)(end - tok) : strlen(tok);
        char *token = dup_n(tok, tlen);
        if (token == NULL)
            return KG_ERR_NOMEM;
        char *stem = dup_n(token, cp_prefix(token, EVAL_STEM_LEN));
        if (stem == NULL) {
            free(token);
            return KG_ERR_NOMEM;
        }
        if (f->n_tokens == 0 && (f->first_initial = dup_n(token, cp_prefix(token, 1))) == NULL) {
            free(token);
            free(stem);
            return KG_ERR_NOMEM;
        }
        free(token);
        free(f->last_stem);
        f->last_stem = dup_s(stem);
        f->stems[f->n_stems++] = stem;
        f->n_tokens++;
        if (f->last_stem == NULL)
            return KG_ERR_NOMEM;
        if (end == NULL)
            break;
        tok = end + 1;
    }
    qsort(f->stems, f->n_stems, sizeof *f->stems, cmp_str);
    size_t kept = 0;
    for (size_t i = 0; i < f->n_stems; i++) {
        if (kept > 0 && strcmp(f->stems[kept - 1], f->stems[i]) == 0)
            free(f->stems[i]);
        else
            f->stems[kept++] = f->stems[i];
    }
    f->n_stems = kept;
    return KG_OK;
}

/* Appends the form of s unless it normalizes to nothing or to a form
 * already there (make_forms). */
static kg_status forms_add(eval_forms *forms, const char *s) {
    char *norm = kg_eval_normalize(s, strlen(s));
    if (norm == NULL)
        return KG_ERR_NOMEM;
    bool seen = norm[0] == '\0';
    for (size_t i = 0; i < forms->n && !seen; i++)
        seen = strcmp(forms->items[i].norm, norm) == 0;
    if (seen) {
        free(norm);
        return KG_OK;
    }
    if (kg_reserve((void **)&forms->items, &forms->cap, forms->n + 1, sizeof *forms->items) !=
        KG_OK) {
        free(norm);
        return KG_ERR_NOMEM;
    }
    /* Counted first, so forms_clear frees a half-made form. */
    return form_make(&forms->items[forms->n++], norm);
}

static double jaccard(const eval_form *a, const eval_form *b) {
    size_t i = 0, j = 0, common = 0;
    while (i < a->n_stems && j < b->n_stems) {
        int c = strcmp(a->stems[i], b->stems[j]);
        common += c == 0;
        i += c <= 0;
        j += c >= 0;
    }
    size_t uni = a->n_stems + b->n_stems - common;
    return uni > 0 ? (double)common / (double)uni : 0.0;
}

static bool surname_match(const eval_form *a, const eval_form *b) {
    if (strcmp(a->last_stem, b->last_stem) != 0)
        return false;
    if (a->n_tokens >= 2 && b->n_tokens >= 2)
        return strcmp(a->first_initial, b->first_initial) == 0;
    return true;
}

/* score.py: pair_score.  True when compatible, with the score and how. */
static bool pair_score(const eval_forms *a, const eval_forms *b, bool person, double *score,
                       const char **how) {
    for (size_t j = 0; j < b->n; j++)
        for (size_t i = 0; i < a->n; i++)
            if (strcmp(a->items[i].norm, b->items[j].norm) == 0) {
                *score = 1.0;
                *how = "exact";
                return true;
            }
    double best = 0.0;
    for (size_t i = 0; i < a->n; i++)
        for (size_t j = 0; j < b->n; j++) {
            double x = jaccard(&a->items[i], &b->items[j]);
            if (x > best)
                best = x;
        }
    if (best >= EVAL_JACCARD_MIN) {
        *score = best;
        *how = "jaccard";
        return true;
    }
    if (person)
        for (size_t i = 0; i < a->n; i++)
            for (size_t j = 0; j < b->n; j++)
                if (surname_match(&a->items[i], &b->items[j])) {
                    *score = best;
                    *how = "surname";
                    return true;
                }
    return false;
}

/* score.py: role_ok (the system role is one string or none). */
static kg_status role_ok(const char *sys_role, const char *gold_role, bool *ok) {
    *ok = false;
    if (sys_role == NULL || gold_role == NULL)
        return KG_OK;
    char *g = kg_eval_normalize(gold_role, strlen(gold_role));
    char *s = kg_eval_normalize(sys_role, strlen(sys_role));
    if (g == NULL || s == NULL) {
        free(g);
        free(s);
        return KG_ERR_NOMEM;
    }
    *ok = s[0] != '\0' && g[0] != '\0' &&
          (strcmp(s, g) == 0 || strstr(g, s) != NULL || strstr(s, g) != NULL);
    free(g);
    free(s);
    return KG_OK;
}

/* ---- gold files (score.py: load_gold) --------------------------------------------- */

typedef struct gold_entity {
    char *id; /* str() of the JSON id */
    kg_entity_type type;
    char *name;
    eval_forms forms;
} gold_entity;

typedef struct gold_relation {
    kg_relation_type type;
    size_t s, o;
    char *role; /* NULL when absent or empty */
} gold_relation;

typedef struct gold_file {
    char *path, *doc, *stem;
    gold_entity *ents;
    size_t n_ents, cap_ents;
    gold_relation *rels;
    size_t n_rels, cap_rels;
} gold_file;

static void gold_clear(gold_file *g) {
    for (size_t i = 0; i < g->n_ents; i++) {
        free(g->ents[i].id);
        free(g->ents[i].name);
        forms_clear(&g->ents[i].forms);
    }
    for (size_t i = 0; i < g->n_rels; i++)
        free(g->rels[i].role);
    free(g->ents);
    free(g->rels);
    free(g->path);
    free(g->doc);
    free(g->stem);
    memset(g, 0, sizeof *g);
}

typedef struct eval_run {
    kg_eval_result *result;
    kg_strpool *pool;
    kg_error *err;
} eval_run;

static kg_status add_string(char ***items, size_t *n, char *s) {
    if (s == NULL)
        return KG_ERR_NOMEM;
    char **grown = realloc(*items, (*n + 1) * sizeof *grown);
    if (grown == NULL) {
        free(s);
        return KG_ERR_NOMEM;
    }
    *items = grown;
    (*items)[(*n)++] = s;
    return KG_OK;
}

/* Records "PATH: message" among the result's warnings. */
static kg_status gold_warn(eval_run *run, const gold_file *g, sbuf *message) {
    sbuf line = {0};
    char *msg = sb_take(message);
    if (msg == NULL)
        return KG_ERR_NOMEM;
    sb_printf(&line, "%s: %s", g->path, msg);
    free(msg);
    return add_string(&run->result->warnings, &run->result->n_warnings, sb_take(&line));
}

/* str.strip().casefold() of s, as a new string. */
static char *strip_casefold(const char *s, size_t len) {
    size_t start = len, end = len, pos = 0;
    while (pos < len) {
        size_t at = pos;
        if (!py_space(kg_utf8_next(s, len, &pos))) {
            if (start == len)
                start = at;
            end = pos;
        }
    }
    return map_utf8(s + start, end - start, UTF8PROC_CASEFOLD);
}

/* canon_entity_type: KG_FAILURE when not one of the five. */
static kg_status canon_entity_type(const json_t *t, kg_entity_type *out) {
    if (!json_is_string(t))
        return KG_FAILURE;
    char *key = strip_casefold(json_string_value(t), json_string_length(t));
    if (key == NULL)
        return KG_ERR_NOMEM;
    kg_status st = KG_FAILURE;
    for (int i = 0; i < KG_ENT_TYPE_COUNT && st == KG_FAILURE; i++) {
        char *name = strip_casefold(kg_entity_type_name((kg_entity_type)i),
                                    strlen(kg_entity_type_name((kg_entity_type)i)));
        if (name == NULL) {
            st = KG_ERR_NOMEM;
            break;
        }
        if (strcmp(key, name) == 0) {
            *out = (kg_entity_type)i;
            st = KG_OK;
        }
        free(name);
    }
    free(key);
    return st;
}

/* canon_relation_type: casefolded, '-' and ' ' read as '_', exact names. */
static kg_status canon_relation_type(const json_t *t, kg_relation_type *out) {
    if (!json_is_string(t))
        return KG_FAILURE;
    char *key = strip_casefold(json_string_value(t), json_string_length(t));
    if (key == NULL)
        return KG_ERR_NOMEM;
    for (char *c = key; *c != '\0'; c++)
        if (*c == '-' || *c == ' ')
            *c = '_';
    kg_status st = KG_FAILURE;
    for (int i = 0; i < KG_REL_TYPE_COUNT; i++)
        if (strcmp(key, kg_relation_type_name((kg_relation_type)i)) == 0) {
            *out = (kg_relation_type)i;
            st = KG_OK;
        }
    free(key);
    return st;
}

/* Python truthiness of data.get(key) or []: the items of a list; anything
 * else that is not empty is reported and ignored. */
static const json_t *list_member(const json_t *data, const char *key, bool *odd) {
    const json_t *v = json_object_get(data, key);
    *odd = v != NULL && !json_is_array(v) && !json_is_null(v) && !json_is_false(v) &&
           !(json_is_string(v) && json_string_length(v) == 0) &&
           !(json_is_object(v) && json_object_size(v) == 0) &&
           !(json_is_integer(v) && json_integer_value(v) == 0);
    return json_is_array(v) ? v : NULL;
}

static kg_status load_gold_entities(eval_run *run, gold_file *g, const json_t *data) {
    kg_status st = KG_OK;
    bool odd = false;
    const json_t *list = list_member(data, "entities", &odd);
    sbuf w = {0};
    if (odd) {
        sb_puts(&w, "\"entities\" is not a list, ignored");
        return gold_warn(run, g, &w);
    }
    for (size_t k = 0; k < json_array_size(list) && st == KG_OK; k++) {
        const json_t *e = json_array_get(list, k);
        if (!json_is_object(e)) {
            sb_puts(&w, "entity that is not an object ignored");
            st = gold_warn(run, g, &w);
            continue;
        }
        kg_entity_type type;
        st = canon_entity_type(json_object_get(e, "type"), &type);
        if (st == KG_FAILURE) {
            sb_puts(&w, "entity ");
            sb_py_repr(&w, json_object_get(e, "id"));
            sb_puts(&w, ": unknown type ");
            sb_py_repr(&w, json_object_get(e, "type"));
            sb_puts(&w, " ignored");
            st = gold_warn(run, g, &w);
            continue;
        }
        if (st != KG_OK)
            break;
        if (kg_reserve((void **)&g->ents, &g->cap_ents, g->n_ents + 1, sizeof *g->ents) != KG_OK)
            return KG_ERR_NOMEM;
        gold_entity *ent = &g->ents[g->n_ents++];
        memset(ent, 0, sizeof *ent);
        ent->type = type;
        const json_t *name = json_object_get(e, "name");
        ent->name = dup_s(json_is_string(name) ? json_string_value(name) : "");
        sb_py_str(&w, json_object_get(e, "id"));
        ent->id = sb_take(&w);
        if (ent->name == NULL || ent->id == NULL)
            return KG_ERR_NOMEM;
        if ((st = forms_add(&ent->forms, ent->name)) != KG_OK)
            return st;
        const json_t *aliases = json_object_get(e, "aliases");
        if (json_is_string(aliases))
            st = forms_add(&ent->forms, json_string_value(aliases));
        for (size_t a = 0; json_is_array(aliases) && a < json_array_size(aliases) && st == KG_OK;
             a++)
            if (json_is_string(json_array_get(aliases, a)))
                st = forms_add(&ent->forms, json_string_value(json_array_get(aliases, a)));
        for (size_t i = 0; i + 1 < g->n_ents && st == KG_OK; i++)
            if (strcmp(g->ents[i].id, ent->id) == 0) {
                sb_printf(&w, "duplicate entity id '%s'", ent->id);
                st = gold_warn(run, g, &w);
                break;
            }
    }
    return st;
}

/* The first entity with this id (by_id.setdefault keeps the first). */
static bool gold_find(const gold_file *g, const char *id, size_t *out) {
    for (size_t i = 0; i < g->n_ents; i++)
        if (strcmp(g->ents[i].id, id) == 0) {
            *out = i;
            return true;
        }
    return false;
}

static kg_status load_gold_relations(eval_run *run, gold_file *g, const json_t *data) {
    kg_status st = KG_OK;
    bool odd = false;
    const json_t *list = list_member(data, "relations", &odd);
    sbuf w = {0};
    if (odd) {
        sb_puts(&w, "\"relations\" is not a list, ignored");
        return gold_warn(run, g, &w);
    }
    for (size_t k = 0; k < json_array_size(list) && st == KG_OK; k++) {
        const json_t *r = json_array_get(list, k);
        if (!json_is_object(r)) {
            sb_puts(&w, "relation that is not an object ignored");
            st = gold_warn(run, g, &w);
            continue;
        }
        kg_relation_type type = KG_REL_MEMBER_OF;
        kg_status tst = canon_relation_type(json_object_get(r, "type"), &type);
        if (tst == KG_ERR_NOMEM)
            return tst;
        sbuf ids = {0};
        sb_py_str(&ids, json_object_get(r, "subject"));
        char *subject = sb_take(&ids);
        sb_py_str(&ids, json_object_get(r, "object"));
        char *object = sb_take(&ids);
        size_t s = 0, o = 0;
        bool ends = subject != NULL && object != NULL && gold_find(g, subject, &s) &&
                    gold_find(g, object, &o);
        free(subject);
        free(object);
        if (tst == KG_FAILURE) {
            sb_puts(&w, "relation with unknown type ");
            sb_py_repr(&w, json_object_get(r, "type"));
            sb_puts(&w, " ignored");
            st = gold_warn(run, g, &w);
        } else if (!ends) {
            sb_printf(&w, "%s ", kg_relation_type_name(type));
            sb_py_repr(&w, json_object_get(r, "subject"));
            sb_puts(&w, " -> ");
            sb_py_repr(&w, json_object_get(r, "object"));
            sb_puts(&w, ": unknown entity id, ignored");
            st = gold_warn(run, g, &w);
        } else {
            if (kg_reserve((void **)&g->rels, &g->cap_rels, g->n_rels + 1, sizeof *g->rels) !=
                KG_OK)
                return KG_ERR_NOMEM;
            gold_relation *rel = &g->rels[g->n_rels++];
            rel->type = type;
            rel->s = s;
            rel->o = o;
            rel->role = NULL;
            const json_t *role = json_object_get(r, "role");
            if (json_is_string(role) && json_string_length(role) > 0 &&
                (rel->role = dup_s(json_string_value(role))) == NULL)
                return KG_ERR_NOMEM;
        }
    }
    return st;
}

static const char *base_of(const char *path) {
    const char *slash = strrchr(path, '/');
    return slash != NULL ? slash + 1 : path;
}

/* Reads one gold file; a file that is not a JSON object is an error. */
static kg_status load_gold(eval_run *run, const char *path, gold_file *g) {
    kg_status st = KG_OK;
    json_error_t jerr;
    memset(g, 0, sizeof *g);
    if ((g->path = dup_s(path)) == NULL)
        return KG_ERR_NOMEM;
    json_t *data = json_load_file(path, 0, &jerr);
    if (data == NULL)
        return kg_error_set(run->err, KG_ERR_PARSE, path, jerr.line > 0 ? (size_t)jerr.line : 0,
                            jerr.column > 0 ? (size_t)jerr.column : 0, "%s", jerr.text);
    if (!json_is_object(data)) {
        st = kg_error_set(run->err, KG_ERR_PARSE, path, 0, 0, "not a JSON object");
        goto cleanup;
    }
    if ((st = load_gold_entities(run, g, data)) != KG_OK ||
        (st = load_gold_relations(run, g, data)) != KG_OK)
        goto cleanup;
    const char *base = base_of(path);
    size_t blen = strlen(base), slen = strlen(EVAL_GOLD_SUFFIX);
    bool suffixed = blen >= slen && strcmp(base + blen - slen, EVAL_GOLD_SUFFIX) == 0;
    g->stem = dup_n(base, suffixed ? blen - slen : blen);
    const json_t *doc = json_object_get(data, "doc");
    if (json_is_string(doc)) {
        g->doc = dup_s(base_of(json_string_value(doc)));
    } else if (g->stem != NULL) {
        sbuf b = {0};
        sb_printf(&b, "%s.txt", g->stem);
        g->doc = sb_take(&b);
    }
    if (g->stem == NULL || g->doc == NULL)
        st = KG_ERR_NOMEM;

cleanup:
    json_decref(data);
    return st;
}

/* ---- finding and reading the article (find_text, strip_metadata) ------------------ */

static bool is_file(const char *path) {
    struct stat sb;
    return stat(path, &sb) == 0 && S_ISREG(sb.st_mode);
}

/* os.path.join(dir, name) */
static char *path_join(const char *dir, const char *name) {
    sbuf b = {0};
    size_t n = strlen(dir);
    if (name[0] == '/' || n == 0) {
        sb_puts(&b, name);
    } else {
        sb_puts(&b, dir);
        if (dir[n - 1] != '/')
            sb_put(&b, "/", 1);
        sb_puts(&b, name);
    }
    return sb_take(&b);
}

/* os.path.dirname(path) */
static char *dir_of(const char *path) {
    const char *slash = strrchr(path, '/');
    if (slash == NULL)
        return dup_s("");
    size_t n = (size_t)(slash - path) + 1;
    while (n > 1 && path[n - 1] == '/')
        n--;
    return dup_n(path, n);
}

static kg_status find_text(const gold_file *g, const char *const *text_dirs, size_t n_text_dirs,
                           char **out) {
    *out = NULL;
    char *own_dir = dir_of(g->path);
    sbuf b = {0};
    sb_printf(&b, "%s.txt", g->stem);
    char *stem_txt = sb_take(&b);
    kg_status st = own_dir != NULL && stem_txt != NULL ? KG_OK : KG_ERR_NOMEM;
    const char *names[2] = {g->doc, stem_txt};
    for (size_t d = 0; d <= n_text_dirs && st == KG_OK && *out == NULL; d++) {
        const char *dir = d == 0 ? own_dir : text_dirs[d - 1];
        for (size_t k = 0; k < 2 && *out == NULL; k++) {
            char *p = path_join(dir, names[k]);
            if (p == NULL) {
                st = KG_ERR_NOMEM;
                break;
            }
            if (is_file(p))
                *out = p;
            else
                free(p);
        }
    }
    free(own_dir);
    free(stem_txt);
    return st;
}

/* The leading lines that start with "# " dropped, a BOM with them: returns
 * the start of what score.py copies. */
static size_t strip_metadata(const char *data, size_t len, size_t *out_len) {
    size_t body = len >= 3 && memcmp(data, "\xEF\xBB\xBF", 3) == 0 ? 3 : 0;
    size_t pos = body;
    while (len - pos >= 2 && data[pos] == '#' && data[pos + 1] == ' ') {
        const char *nl = memchr(data + pos, '\n', len - pos);
        pos = nl != NULL ? (size_t)(nl - data) + 1 : len;
    }
    size_t start = pos == body ? 0 : pos;
    *out_len = len - start;
    return start;
}

static kg_status read_all(const char *path, char **out, size_t *out_len) {
    FILE *f = fopen(path, "rb");
    *out = NULL;
    if (f == NULL)
        return KG_ERR_IO;
    size_t cap = 8192, n = 0;
    char *buf = malloc(cap);
    kg_status st = buf != NULL ? KG_OK : KG_ERR_NOMEM;
    while (st == KG_OK) {
        n += fread(buf + n, 1, cap - n, f);
        if (n < cap)
            break;
        char *bigger = realloc(buf, cap * 2);
        if (bigger == NULL)
            st = KG_ERR_NOMEM;
        else {
            buf = bigger;
            cap *= 2;
        }
    }
    if (st == KG_OK && ferror(f))
        st = KG_ERR_IO;
    fclose(f);
    if (st != KG_OK) {
        free(buf);
        return st;
    }
    *out = buf;
    *out_len = n;
    return KG_OK;
}

/* ---- the system's graph of one document ------------------------------------------- */

typedef struct sys_node {
    kg_entity_type type;
    const char *label; /* pooled */
    eval_forms forms;
} sys_node;

typedef struct sys_link {
    kg_relation_type type;
    size_t s, o;
    const char *role; /* pooled or NULL */
} sys_link;

typedef struct sys_graph {
    sys_node *nodes;
    size_t n_nodes;
    sys_link *links;
    size_t n_links;
} sys_graph;

static void sys_clear(sys_graph *g) {
    for (size_t i = 0; i < g->n_nodes; i++)
        forms_clear(&g->nodes[i].forms);
    free(g->nodes);
    free(g->links);
    memset(g, 0, sizeof *g);
}

/* The nodes and links of data as graph.json lists them (entity i is node
 * i, relation j link j), as score.py reads them back.  Strings are
 * borrowed from data. */
static kg_status graph_from_resolved(const kg_resolved *data, sys_graph *out) {
    kg_status st = KG_OK;
    memset(out, 0, sizeof *out);
    if (data->n_entities > 0 && (out->nodes = calloc(data->n_entities, sizeof *out->nodes)) == NULL)
        return KG_ERR_NOMEM;
    for (size_t i = 0; i < data->n_entities && st == KG_OK; i++) {
        const kg_entity *ent = &data->entities[i];
        sys_node *n = &out->nodes[out->n_nodes++];
        n->type = ent->type;
        n->label = ent->label != NULL ? ent->label : "";
        st = forms_add(&n->forms, n->label);
        for (size_t k = 0; k < ent->n_aliases && st == KG_OK; k++)
            st = forms_add(&n->forms, ent->aliases[k]);
    }
    if (st == KG_OK && data->n_relations > 0 &&
        (out->links = calloc(data->n_relations, sizeof *out->links)) == NULL)
        st = KG_ERR_NOMEM;
    for (size_t j = 0; j < data->n_relations && st == KG_OK; j++) {
        const kg_relation *r = &data->relations[j];
        if ((unsigned)r->type >= KG_REL_TYPE_COUNT || r->subject >= data->n_entities ||
            r->object >= data->n_entities)
            return KG_ERR_INTERNAL;
        sys_link *l = &out->links[out->n_links++];
        l->type = r->type;
        l->s = r->subject;
        l->o = r->object;
        l->role = r->role;
    }
    for (size_t i = 0; i < out->n_nodes; i++)
        if ((unsigned)out->nodes[i].type >= KG_ENT_TYPE_COUNT)
            return KG_ERR_INTERNAL;
    return st;
}

/* What `kgraph build --format json -o OUT FILE` puts in graph.json for the
 * one article, as score.py reads it back: nodes in the order of the file
 * (entities), their label and aliases; links with type, ends and role.
 * A document the reader refuses (empty, binary) or a failing stage leaves
 * the graph empty and *error set. */
static kg_status run_system(eval_run *run, const char *doc_name, const char *raw, size_t raw_len,
                            sys_graph *out, char **error) {
    kg_status st = KG_OK;
    kg_error e;
    kg_document doc;
    char *text = NULL;
    kg_extractor *extractor = NULL;
    kg_resolver *resolver = NULL;
    kg_resolved data = {0};
    kg_graph *graph = NULL;
    kg_doc_facts facts;
    kg_doc_facts_init(&facts);
    kg_error_clear(&e);
    *error = NULL;

    st = kg_document_from_bytes(&doc, &text, run->pool, raw, raw_len, doc_name, doc_name, &e);
    if (st == KG_OK)
        st = kg_extractor_new(&extractor, run->pool, &e);
    if (st == KG_OK)
        st = kg_extract_document(extractor, &doc, &facts);
    if (st == KG_OK)
        st = kg_resolver_new(&resolver, run->pool);
    if (st == KG_OK)
        st = kg_resolver_add(resolver, &facts);
    if (st == KG_OK)
        st = kg_resolver_finish(resolver, &data, &e);
    if (st == KG_OK)
        st = kg_graph_build(&graph, &data, KG_DEFAULT_BASE_IRI, &e);
    if (st == KG_OK)
        st = graph_from_resolved(graph->data, out);
    if (st != KG_OK) {
        if (st == KG_ERR_NOMEM)
            goto cleanup;
        char buf[1200];
        if (e.status == KG_OK)
            kg_error_set(&e, st, doc_name, 0, 0, "%s", kg_strerror(st));
        sbuf b = {0};
        sb_printf(&b, "kgraph build fails: %s", kg_error_format(&e, buf, sizeof buf));
        *error = sb_take(&b);
        st = *error != NULL ? KG_OK : KG_ERR_NOMEM;
    }

cleanup:
    kg_graph_free(graph);
    kg_resolved_clear(&data);
    kg_resolver_free(resolver);
    kg_doc_facts_clear(&facts);
    kg_extractor_free(extractor);
    free(text);
    return st;
}

/* ---- scoring one document (score.py: match_entities, match_relations, score_doc) --- */

typedef struct cand {
    double score;
    size_t i, j;
    const char *how;
} cand;

/* By score, highest first; ties in (node, gold) order, as Python's stable
 * sort keeps the order in which the candidates were made. */
static int cmp_cand(const void *a, const void *b) {
    const cand *x = a, *y = b;
    if (x->score != y->score)
        return x->score > y->score ? -1 : 1;
    if (x->i != y->i)
        return x->i < y->i ? -1 : 1;
    return (x->j > y->j) - (x->j < y->j);
}

static int cmp_cand_gold(const void *a, const void *b) {
    const cand *x = a, *y = b;
    return (x->j > y->j) - (x->j < y->j);
}

static void sb_rel_text(sbuf *b, kg_relation_type type, const char *a, const char *o,
                        const char *role) {
    sb_printf(b, "%s ", kg_relation_type_name(type));
    sb_json_str(b, a);
    sb_puts(b, " -> ");
    sb_json_str(b, o);
    if (role != NULL && role[0] != '\0') {
        sb_puts(b, " (role ");
        sb_json_str(b, role);
        sb_puts(b, ")");
    }
}

static kg_status add_detail(kg_eval_doc *d, kg_eval_detail kind, sbuf *b) {
    return add_string(&d->details[kind], &d->n_details[kind], sb_take(b));
}

/* Candidate gold relations of link li in score.py's order: the stated
 * direction first, then (met_with) the reverse; taken ones left out. */
static size_t relation_candidates(const gold_file *g, const sys_link *l, const size_t *node_gold,
                                  const bool *taken, size_t *out) {
    size_t n = 0;
    size_t gs = node_gold[l->s], go = node_gold[l->o];
    if (gs == SIZE_MAX || go == SIZE_MAX)
        return 0;
    for (int pass = 0; pass < 2; pass++) {
        if (pass == 1 && !(l->type == KG_REL_MET_WITH && gs != go))
            break;
        size_t a = pass == 0 ? gs : go, b = pass == 0 ? go : gs;
        for (size_t k = 0; k < g->n_rels; k++)
            if (g->rels[k].type == l->type && g->rels[k].s == a && g->rels[k].o == b && !taken[k])
                out[n++] = k;
    }
    return n;
}

static kg_status score_doc(const gold_file *g, const sys_graph *sys, kg_eval_doc *d) {
    kg_status st = KG_OK;
    cand *cands = NULL;
    size_t n_cands = 0;
    size_t *node_gold = NULL, *gold_node = NULL, *link_gold = NULL, *buf = NULL;
    bool *taken = NULL;
    sbuf b = {0};

    size_t pairs_cap = sys->n_nodes * g->n_ents;
    if ((pairs_cap > 0 && (cands = malloc(pairs_cap * sizeof *cands)) == NULL) ||
        (node_gold = malloc((sys->n_nodes + 1) * sizeof *node_gold)) == NULL ||
        (gold_node = malloc((g->n_ents + 1) * sizeof *gold_node)) == NULL ||
        (link_gold = malloc((sys->n_links + 1) * sizeof *link_gold)) == NULL ||
        (taken = calloc(g->n_rels + 1, sizeof *taken)) == NULL ||
        (buf = malloc((2 * g->n_rels + 1) * sizeof *buf)) == NULL) {
        st = KG_ERR_NOMEM;
        goto cleanup;
    }

    /* Entities: candidates, greedy one-to-one by score. */
    for (size_t i = 0; i < sys->n_nodes; i++)
        for (size_t j = 0; j < g->n_ents; j++) {
            if (sys->nodes[i].type != g->ents[j].type)
                continue;
            cand c = {0.0, i, j, NULL};
            if (pair_score(&sys->nodes[i].forms, &g->ents[j].forms,
                           sys->nodes[i].type == KG_ENT_PERSON, &c.score, &c.how))
                cands[n_cands++] = c;
        }
    if (n_cands > 1)
        qsort(cands, n_cands, sizeof *cands, cmp_cand);
    for (size_t i = 0; i < sys->n_nodes; i++)
        node_gold[i] = SIZE_MAX;
    for (size_t j = 0; j < g->n_ents; j++)
        gold_node[j] = SIZE_MAX;
    size_t n_pairs = 0;
    for (size_t k = 0; k < n_cands; k++) {
        if (node_gold[cands[k].i] != SIZE_MAX || gold_node[cands[k].j] != SIZE_MAX)
            continue;
        node_gold[cands[k].i] = cands[k].j;
        gold_node[cands[k].j] = cands[k].i;
        cands[n_pairs++] = cands[k];
    }
    if (n_pairs > 1)
        qsort(cands, n_pairs, sizeof *cands, cmp_cand_gold);

    for (size_t j = 0; j < g->n_ents; j++)
        d->entities[g->ents[j].type].gold++;
    for (size_t i = 0; i < sys->n_nodes; i++)
        d->entities[sys->nodes[i].type].system++;
    for (size_t k = 0; k < n_pairs; k++)
        d->entities[g->ents[cands[k].j].type].tp++;

    /* Relations: holds_post with an agreeing role first, then the rest. */
    for (size_t li = 0; li < sys->n_links; li++)
        link_gold[li] = SIZE_MAX;
    for (size_t li = 0; li < sys->n_links && st == KG_OK; li++) {
        const sys_link *l = &sys->links[li];
        if (l->type != KG_REL_HOLDS_POST)
            continue;
        size_t n = relation_candidates(g, l, node_gold, taken, buf);
        for (size_t c = 0; c < n; c++) {
            bool ok = false;
            if (g->rels[buf[c]].role == NULL)
                continue;
            if ((st = role_ok(l->role, g->rels[buf[c]].role, &ok)) != KG_OK)
                break;
            if (ok) {
                link_gold[li] = buf[c];
                taken[buf[c]] = true;
                break;
            }
        }
    }
    for (size_t li = 0; li < sys->n_links && st == KG_OK; li++) {
        if (link_gold[li] != SIZE_MAX)
            continue;
        if (relation_candidates(g, &sys->links[li], node_gold, taken, buf) > 0) {
            link_gold[li] = buf[0];
            taken[buf[0]] = true;
        }
    }
    if (st != KG_OK)
        goto cleanup;
    for (size_t k = 0; k < g->n_rels; k++)
        d->relations[g->rels[k].type].gold++;
    for (size_t li = 0; li < sys->n_links; li++) {
        d->relations[sys->links[li].type].system++;
        if (link_gold[li] != SIZE_MAX)
            d->relations[sys->links[li].type].tp++;
    }

    /* Roles, in link order (sorted(lmatch.items())). */
    for (size_t li = 0; li < sys->n_links && st == KG_OK; li++) {
        if (link_gold[li] == SIZE_MAX)
            continue;
        const gold_relation *r = &g->rels[link_gold[li]];
        if (r->type != KG_REL_HOLDS_POST || r->role == NULL)
            continue;
        bool ok = false;
        if ((st = role_ok(sys->links[li].role, r->role, &ok)) != KG_OK)
            break;
        d->roles_total++;
        if (ok) {
            d->roles_correct++;
            continue;
        }
        sb_rel_text(&b, r->type, g->ents[r->s].name, g->ents[r->o].name, r->role);
        sb_puts(&b, ": system role ");
        if (sys->links[li].role != NULL)
            sb_json_str(&b, sys->links[li].role);
        else
            sb_puts(&b, "null");
        st = add_detail(d, KG_EVAL_ROLE_ERRORS, &b);
    }

    /* Links repeating (type, ends), ends sorted for met_with. */
    for (size_t li = 0; li < sys->n_links; li++) {
        const sys_link *l = &sys->links[li];
        bool sym = l->type == KG_REL_MET_WITH;
        size_t a = sym && l->o < l->s ? l->o : l->s, z = sym && l->o < l->s ? l->s : l->o;
        for (size_t k = 0; k < li; k++) {
            const sys_link *m = &sys->links[k];
            size_t ma = sym && m->o < m->s ? m->o : m->s, mz = sym && m->o < m->s ? m->s : m->o;
            if (m->type == l->type && ma == a && mz == z) {
                d->duplicate_links++;
                break;
            }
        }
    }

    /* The lists --verbose prints. */
    for (size_t k = 0; k < n_pairs && st == KG_OK; k++) {
        if (strcmp(cands[k].how, "exact") == 0)
            continue;
        const sys_node *n = &sys->nodes[cands[k].i];
        sb_printf(&b, "%s ", kg_entity_type_name(n->type));
        sb_json_str(&b, n->label);
        sb_puts(&b, " ~ ");
        sb_json_str(&b, g->ents[cands[k].j].name);
        sb_printf(&b, " (%s %.3f)", cands[k].how, cands[k].score);
        st = add_detail(d, KG_EVAL_FUZZY_MATCHES, &b);
    }
    for (size_t j = 0; j < g->n_ents && st == KG_OK; j++) {
        if (gold_node[j] != SIZE_MAX)
            continue;
        sb_printf(&b, "%s ", kg_entity_type_name(g->ents[j].type));
        sb_json_str(&b, g->ents[j].name);
        st = add_detail(d, KG_EVAL_MISSED_ENTITIES, &b);
    }
    for (size_t i = 0; i < sys->n_nodes && st == KG_OK; i++) {
        if (node_gold[i] != SIZE_MAX)
            continue;
        sb_printf(&b, "%s ", kg_entity_type_name(sys->nodes[i].type));
        sb_json_str(&b, sys->nodes[i].label);
        st = add_detail(d, KG_EVAL_SPURIOUS_ENTITIES, &b);
    }
    for (size_t k = 0; k < g->n_rels && st == KG_OK; k++) {
        if (taken[k])
            continue;
        const gold_relation *r = &g->rels[k];
        sb_rel_text(&b, r->type, g->ents[r->s].name, g->ents[r->o].name, r->role);
        st = add_detail(d, KG_EVAL_MISSED_RELATIONS, &b);
    }
    for (size_t li = 0; li < sys->n_links && st == KG_OK; li++) {
        if (link_gold[li] != SIZE_MAX)
            continue;
        const sys_link *l = &sys->links[li];
        sb_rel_text(&b, l->type, sys->nodes[l->s].label, sys->nodes[l->o].label, l->role);
        st = add_detail(d, KG_EVAL_SPURIOUS_RELATIONS, &b);
    }

cleanup:
    free(b.data);
    free(cands);
    free(node_gold);
    free(gold_node);
    free(link_gold);
    free(taken);
    free(buf);
    return st;
}

/* ---- the run ------------------------------------------------------------------------ */

/* Paths of gold_dir/ *.gold.json in byte order (sorted(glob(...))). */
static kg_status list_gold(const char *gold_dir, char ***out, size_t *n, kg_error *err) {
    kg_status st = KG_OK;
    DIR *dh = opendir(gold_dir);
    *out = NULL;
    *n = 0;
    if (dh == NULL)
        return kg_error_set(err, KG_ERR_INPUT, gold_dir, 0, 0, "not a readable folder: %s",
                            strerror(errno));
    struct dirent *ent;
    size_t slen = strlen(EVAL_GOLD_SUFFIX);
    while (st == KG_OK && (ent = readdir(dh)) != NULL) {
        size_t len = strlen(ent->d_name);
        if (ent->d_name[0] == '.' || len <= slen ||
            strcmp(ent->d_name + len - slen, EVAL_GOLD_SUFFIX) != 0)
            continue;
        st = add_string(out, n, path_join(gold_dir, ent->d_name));
    }
    closedir(dh);
    if (st == KG_OK && *n > 1)
        qsort(*out, *n, sizeof **out, cmp_str);
    if (st == KG_OK && *n == 0)
        st = kg_error_set(err, KG_ERR_INPUT, gold_dir, 0, 0, "no *.gold.json files");
    return st;
}

/* Scores one gold file into d. */
static kg_status eval_doc(eval_run *run, const gold_file *g, const char *const *text_dirs,
                          size_t n_text_dirs, kg_eval_doc *d) {
    kg_status st = KG_OK;
    char *text_path = NULL, *raw = NULL;
    size_t raw_len = 0;
    sys_graph sys = {0};
    sbuf b = {0};

    if ((d->doc = dup_s(g->doc)) == NULL || (d->gold_file = dup_s(g->path)) == NULL)
        return KG_ERR_NOMEM;
    if ((st = find_text(g, text_dirs, n_text_dirs, &text_path)) != KG_OK)
        goto cleanup;
    if (text_path == NULL) {
        sb_printf(&b, "article text %s not found", g->doc);
        if ((d->error = sb_take(&b)) == NULL)
            st = KG_ERR_NOMEM;
    } else if ((st = read_all(text_path, &raw, &raw_len)) == KG_ERR_IO) {
        sb_printf(&b, "cannot read %s: %s", text_path, strerror(errno));
        st = (d->error = sb_take(&b)) != NULL ? KG_OK : KG_ERR_NOMEM;
    } else if (st == KG_OK) {
        size_t body_len = 0, start = strip_metadata(raw, raw_len, &body_len);
        st = run_system(run, g->doc, raw + start, body_len, &sys, &d->error);
    }
    if (st == KG_OK)
        st = score_doc(g, &sys, d);

cleanup:
    sys_clear(&sys);
    free(text_path);
    free(raw);
    return st;
}

kg_status kg_eval_run(kg_eval_result *out, const char *gold_dir, const char *const *text_dirs,
                      size_t n_text_dirs, kg_error *err) {
    kg_status st = KG_OK;
    char **paths = NULL;
    size_t n_paths = 0;
    gold_file *golds = NULL;
    size_t n_golds = 0;
    eval_run run = {out, NULL, err};

    if (out == NULL)
        return kg_error_set(err, KG_ERR_USAGE, NULL, 0, 0, "kg_eval_run: NULL argument");
    memset(out, 0, sizeof *out);
    if (gold_dir == NULL || (text_dirs == NULL && n_text_dirs > 0))
        return kg_error_set(err, KG_ERR_USAGE, NULL, 0, 0, "kg_eval_run: NULL argument");
    struct stat sb;
    if (stat(gold_dir, &sb) != 0 || !S_ISDIR(sb.st_mode))
        return kg_error_set(err, KG_ERR_INPUT, gold_dir, 0, 0, "not a folder");
    if ((out->gold_dir = dup_s(gold_dir)) == NULL || (run.pool = kg_strpool_new()) == NULL) {
        st = KG_ERR_NOMEM;
        goto cleanup;
    }
    if ((st = list_gold(gold_dir, &paths, &n_paths, err)) != KG_OK)
        goto cleanup;
    /* Every gold file is read before anything runs, as score.py does. */
    if ((golds = calloc(n_paths, sizeof *golds)) == NULL) {
        st = KG_ERR_NOMEM;
        goto cleanup;
    }
    for (; n_golds < n_paths; n_golds++)
        if ((st = load_gold(&run, paths[n_golds], &golds[n_golds])) != KG_OK) {
            n_golds++; /* cleared below */
            goto cleanup;
        }
    if ((out->docs = calloc(n_golds, sizeof *out->docs)) == NULL) {
        st = KG_ERR_NOMEM;
        goto cleanup;
    }
    for (size_t i = 0; i < n_golds && st == KG_OK; i++) {
        out->n_docs++;
        st = eval_doc(&run, &golds[i], text_dirs, n_text_dirs, &out->docs[i]);
    }

cleanup:
    if (st == KG_ERR_NOMEM && (err == NULL || err->status != KG_ERR_NOMEM))
        kg_error_set(err, KG_ERR_NOMEM, NULL, 0, 0, "out of memory");
    for (size_t i = 0; i < n_golds; i++)
        gold_clear(&golds[i]);
    free(golds);
    for (size_t i = 0; i < n_paths; i++)
        free(paths[i]);
    free(paths);
    kg_strpool_free(run.pool);
    return st;
}

kg_status kg_eval_score_graph(kg_eval_doc *out, const char *gold_path, const kg_resolved *data,
                              kg_error *err) {
    kg_status st = KG_OK;
    kg_eval_result warnings = {0};
    eval_run run = {&warnings, NULL, err};
    gold_file g = {0};
    sys_graph sys = {0};

    if (out == NULL)
        return kg_error_set(err, KG_ERR_USAGE, NULL, 0, 0, "kg_eval_score_graph: NULL argument");
    memset(out, 0, sizeof *out);
    if (gold_path == NULL || data == NULL)
        return kg_error_set(err, KG_ERR_USAGE, NULL, 0, 0, "kg_eval_score_graph: NULL argument");
    if ((st = load_gold(&run, gold_path, &g)) != KG_OK)
        goto cleanup;
    if ((st = graph_from_resolved(data, &sys)) == KG_ERR_INTERNAL) {
        st = kg_error_set(err, st, NULL, 0, 0, "a relation or entity of the graph is out of range");
        goto cleanup;
    }
    if (st == KG_OK &&
        ((out->doc = dup_s(g.doc)) == NULL || (out->gold_file = dup_s(g.path)) == NULL))
        st = KG_ERR_NOMEM;
    if (st == KG_OK)
        st = score_doc(&g, &sys, out);

cleanup:
    if (st == KG_ERR_NOMEM && (err == NULL || err->status != KG_ERR_NOMEM))
        kg_error_set(err, KG_ERR_NOMEM, NULL, 0, 0, "out of memory");
    if (st != KG_OK)
        kg_eval_doc_clear(out);
    sys_clear(&sys);
    gold_clear(&g);
    kg_eval_result_clear(&warnings);
    return st;
}

void kg_eval_doc_clear(kg_eval_doc *d) {
    if (d == NULL)
        return;
    free(d->doc);
    free(d->gold_file);
    free(d->error);
    for (int k = 0; k < KG_EVAL_N_DETAILS; k++) {
        for (size_t j = 0; j < d->n_details[k]; j++)
            free(d->details[k][j]);
        free(d->details[k]);
    }
    memset(d, 0, sizeof *d);
}

void kg_eval_result_clear(kg_eval_result *result) {
    if (result == NULL)
        return;
    for (size_t i = 0; i < result->n_docs; i++)
        kg_eval_doc_clear(&result->docs[i]);
    free(result->docs);
    for (size_t i = 0; i < result->n_warnings; i++)
        free(result->warnings[i]);
    free(result->warnings);
    free(result->gold_dir);
    memset(result, 0, sizeof *result);
}

/* ---- figures ------------------------------------------------------------------------ */

kg_eval_prf kg_eval_prf_of(kg_eval_counts c) {
    /* prf(tp, fp, fn) with fp = system - tp and fn = gold - tp. */
    double p = c.system > 0 ? (double)c.tp / (double)c.system : 0.0;
    double r = c.gold > 0 ? (double)c.tp / (double)c.gold : 0.0;
    double f = p + r > 0.0 ? 2 * p * r / (p + r) : 0.0;
    kg_eval_prf out = {py_round6(p), py_round6(r), py_round6(f)};
    return out;
}

static kg_eval_counts sum_counts(const kg_eval_counts *by_type, size_t n) {
    kg_eval_counts all = {0, 0, 0};
    for (size_t t = 0; t < n; t++) {
        all.gold += by_type[t].gold;
        all.system += by_type[t].system;
        all.tp += by_type[t].tp;
    }
    return all;
}

void kg_eval_totals(const kg_eval_result *result, kg_eval_counts entities[KG_ENT_TYPE_COUNT],
                    kg_eval_counts relations[KG_REL_TYPE_COUNT], size_t roles[2]) {
    memset(entities, 0, KG_ENT_TYPE_COUNT * sizeof *entities);
    memset(relations, 0, KG_REL_TYPE_COUNT * sizeof *relations);
    if (roles != NULL)
        roles[0] = roles[1] = 0;
    for (size_t i = 0; result != NULL && i < result->n_docs; i++) {
        const kg_eval_doc *d = &result->docs[i];
        for (int t = 0; t < KG_ENT_TYPE_COUNT; t++) {
            entities[t].gold += d->entities[t].gold;
            entities[t].system += d->entities[t].system;
            entities[t].tp += d->entities[t].tp;
        }
        for (int t = 0; t < KG_REL_TYPE_COUNT; t++) {
            relations[t].gold += d->relations[t].gold;
            relations[t].system += d->relations[t].system;
            relations[t].tp += d->relations[t].tp;
        }
        if (roles != NULL) {
            roles[0] += d->roles_correct;
            roles[1] += d->roles_total;
        }
    }
}

/* ---- report (score.py: report, print_details) ------------------------------------- */

static void sb_fmt(sbuf *b, double x, bool defined) {
    if (defined)
        sb_printf(b, "%.3f", x);
    else
        sb_puts(b, "  -  ");
}

static void sb_row(sbuf *b, kg_eval_counts c) {
    kg_eval_prf f = kg_eval_prf_of(c);
    bool defined = c.gold + c.system > 0;
    sb_printf(b, "%5zu %5zu %5zu  ", c.gold, c.system, c.tp);
    sb_fmt(b, f.precision, defined);
    sb_put(b, " ", 1);
    sb_fmt(b, f.recall, defined);
    sb_put(b, " ", 1);
    sb_fmt(b, f.f1, defined);
}

/* "\n" in s shown as "\n" + indent. */
static void sb_indented(sbuf *b, const char *s, const char *indent) {
    for (const char *p = s; *p != '\0'; p++) {
        if (*p == '\n') {
            sb_put(b, "\n", 1);
            sb_puts(b, indent);
        } else {
            sb_put(b, p, 1);
        }
    }
}

static void sb_details(sbuf *b, const kg_eval_doc *d) {
    static const char *const labels[KG_EVAL_N_DETAILS] = {"~ fuzzy",  "- missed",   "+ spurious",
                                                          "- missed", "+ spurious", "! role"};
    sb_printf(b, "== %s\n", d->doc);
    if (d->error != NULL) {
        sb_puts(b, "  FAILED: ");
        sb_indented(b, d->error, "    ");
        sb_put(b, "\n", 1);
    }
    for (int k = 0; k < KG_EVAL_N_DETAILS; k++)
        for (size_t j = 0; j < d->n_details[k]; j++)
            sb_printf(b, "  %-10s %s\n", labels[k], d->details[k][j]);
    if (d->duplicate_links > 0)
        sb_printf(b, "  ignored: 0 nodes , 0 links ; 0 links with unknown ends, %zu duplicates\n",
                  d->duplicate_links);
}

static void sb_report(sbuf *b, const kg_eval_result *result, bool verbose) {
    static const char head[] = "  gold   sys    tp      P     R     F1";
    kg_eval_counts ents[KG_ENT_TYPE_COUNT], rels[KG_REL_TYPE_COUNT];
    size_t roles[2], failed = 0, duplicates = 0;
    kg_eval_totals(result, ents, rels, roles);

    if (verbose) {
        for (size_t i = 0; i < result->n_docs; i++)
            sb_details(b, &result->docs[i]);
        sb_put(b, "\n", 1);
    }
    size_t width = strlen("document");
    for (size_t i = 0; i < result->n_docs; i++) {
        size_t n = cp_len(result->docs[i].doc);
        const char *doc = result->docs[i].doc;
        if (n >= 4 && strcmp(doc + strlen(doc) - 4, ".txt") == 0)
            n -= 4;
        if (n > 44)
            n = 44;
        if (n > width)
            width = n;
    }
    sb_pad(b, "", width);
    sb_printf(b, "  | %-38s | %-38s | roles | ign\n", "entities", "relations");
    sb_pad(b, "document", width);
    sb_printf(b, "  |%s |%s |       |\n", head, head);
    for (size_t i = 0; i < result->n_docs; i++) {
        const kg_eval_doc *d = &result->docs[i];
        size_t len = strlen(d->doc);
        char *name =
            dup_n(d->doc, len >= 4 && strcmp(d->doc + len - 4, ".txt") == 0 ? len - 4 : len);
        if (name == NULL) {
            b->failed = true;
            return;
        }
        if (cp_len(name) > 44)
            strcpy(name + cp_prefix(name, 43), "~");
        sb_pad(b, name, width);
        free(name);
        sb_puts(b, "  | ");
        sb_row(b, sum_counts(d->entities, KG_ENT_TYPE_COUNT));
        sb_puts(b, " | ");
        sb_row(b, sum_counts(d->relations, KG_REL_TYPE_COUNT));
        char roles_text[64] = "-";
        if (d->roles_total > 0)
            snprintf(roles_text, sizeof roles_text, "%zu/%zu", d->roles_correct, d->roles_total);
        sb_printf(b, " | %5s | %3d%s\n", roles_text, 0, d->error != NULL ? "  FAILED" : "");
        failed += d->error != NULL;
        duplicates += d->duplicate_links;
    }
    sb_pad(b, "ALL (micro)", width);
    sb_puts(b, "  | ");
    sb_row(b, sum_counts(ents, KG_ENT_TYPE_COUNT));
    sb_puts(b, " | ");
    sb_row(b, sum_counts(rels, KG_REL_TYPE_COUNT));
    char roles_text[64] = "-";
    if (roles[1] > 0)
        snprintf(roles_text, sizeof roles_text, "%zu/%zu", roles[0], roles[1]);
    sb_printf(b, " | %5s | %3d\n", roles_text, 0);

    sb_printf(b, "\n%-16s  gold   sys    tp      P     R     F1\n", "Entities by type");
    for (int t = 0; t < KG_ENT_TYPE_COUNT; t++) {
        sb_printf(b, "%-16s ", kg_entity_type_name((kg_entity_type)t));
        sb_row(b, ents[t]);
        sb_put(b, "\n", 1);
    }
    sb_printf(b, "%-16s ", "all");
    sb_row(b, sum_counts(ents, KG_ENT_TYPE_COUNT));
    sb_printf(b, "\n\n%-16s  gold   sys    tp      P     R     F1\n", "Relations by type");
    for (int t = 0; t < KG_REL_TYPE_COUNT; t++) {
        sb_printf(b, "%-16s ", kg_relation_type_name((kg_relation_type)t));
        sb_row(b, rels[t]);
        sb_put(b, "\n", 1);
    }
    sb_printf(b, "%-16s ", "all");
    sb_row(b, sum_counts(rels, KG_REL_TYPE_COUNT));
    sb_puts(b, "\n\n");

    if (roles[1] > 0)
        sb_printf(b, "holds_post role accuracy (matched, gold role given): %zu/%zu = %.3f\n",
                  roles[0], roles[1], py_round6((double)roles[0] / (double)roles[1]));
    else
        sb_puts(b, "holds_post role accuracy: no matched holds_post with a gold role\n");
    sb_puts(b, "ignored: 0 nodes of other types, 0 links of other types\n");
    if (duplicates > 0)
        sb_printf(b,
                  "counted as spurious: 0 links with unknown ends, 0 links to ignored nodes, "
                  "%zu duplicate links\n",
                  duplicates);
    if (failed > 0) {
        sb_printf(b, "\nFAILED: %zu of %zu documents scored as empty output:\n", failed,
                  result->n_docs);
        for (size_t i = 0; i < result->n_docs; i++) {
            if (result->docs[i].error == NULL)
                continue;
            sb_printf(b, "  %s: ", result->docs[i].doc);
            sb_indented(b, result->docs[i].error, "      ");
            sb_put(b, "\n", 1);
        }
    }
    sb_printf(b, "overall: entity_f1=%.3f relation_f1=%.3f\n",
              kg_eval_prf_of(sum_counts(ents, KG_ENT_TYPE_COUNT)).f1,
              kg_eval_prf_of(sum_counts(rels, KG_REL_TYPE_COUNT)).f1);
}

static kg_status write_out(sbuf *b, FILE *out, kg_error *err) {
    if (b->failed) {
        free(b->data);
        return kg_error_set(err, KG_ERR_NOMEM, NULL, 0, 0, "out of memory");
    }
    size_t put = b->len > 0 ? fwrite(b->data, 1, b->len, out) : 0;
    free(b->data);
    if (put != b->len || fflush(out) != 0 || ferror(out))
        return kg_error_set(err, KG_ERR_IO, NULL, 0, 0, "write failed: %s",
                            strerror(errno != 0 ? errno : EIO));
    return KG_OK;
}

kg_status kg_eval_write_report(const kg_eval_result *result, bool verbose, FILE *out,
                               kg_error *err) {
    sbuf b = {0};
    if (result == NULL || out == NULL)
        return kg_error_set(err, KG_ERR_USAGE, NULL, 0, 0, "kg_eval_write_report: NULL argument");
    sb_report(&b, result, verbose);
    return write_out(&b, out, err);
}

/* ---- JSON (score.py --json-out) ------------------------------------------------------ */

static int jset(json_t *o, const char *key, json_t *v) {
    return json_object_set_new(o, key, v) != 0;
}

static json_t *json_counts(kg_eval_counts c) {
    kg_eval_prf f = kg_eval_prf_of(c);
    json_t *o = json_object();
    int bad = o == NULL;
    bad |= jset(o, "gold", json_integer((json_int_t)c.gold));
    bad |= jset(o, "system", json_integer((json_int_t)c.system));
    bad |= jset(o, "tp", json_integer((json_int_t)c.tp));
    bad |= jset(o, "fp", json_integer((json_int_t)(c.system - c.tp)));
    bad |= jset(o, "fn", json_integer((json_int_t)(c.gold - c.tp)));
    bad |= jset(o, "precision", json_real(f.precision));
    bad |= jset(o, "recall", json_real(f.recall));
    bad |= jset(o, "f1", json_real(f.f1));
    if (bad) {
        json_decref(o);
        return NULL;
    }
    return o;
}

/* counts_block: the sum plus "by_type". */
static json_t *json_block(const kg_eval_counts *by_type, size_t n, bool relations) {
    json_t *o = json_counts(sum_counts(by_type, n)), *types = json_object();
    int bad = o == NULL || types == NULL;
    for (size_t t = 0; t < n && !bad; t++)
        bad |= jset(types,
                    relations ? kg_relation_type_name((kg_relation_type)t)
                              : kg_entity_type_name((kg_entity_type)t),
                    json_counts(by_type[t]));
    if (!bad) {
        bad = jset(o, "by_type", types); /* steals types */
        types = NULL;
    }
    json_decref(types);
    if (bad) {
        json_decref(o);
        return NULL;
    }
    return o;
}

static json_t *json_roles(size_t correct, size_t total) {
    json_t *o = json_object();
    int bad = o == NULL;
    bad |= jset(o, "correct", json_integer((json_int_t)correct));
    bad |= jset(o, "total", json_integer((json_int_t)total));
    bad |= jset(o, "accuracy",
                total > 0 ? json_real(py_round6((double)correct / (double)total)) : json_null());
    if (bad) {
        json_decref(o);
        return NULL;
    }
    return o;
}

static json_t *json_ignored(size_t duplicates) {
    json_t *o = json_object();
    int bad = o == NULL;
    bad |= jset(o, "nodes", json_integer(0));
    bad |= jset(o, "node_types", json_object());
    bad |= jset(o, "links", json_integer(0));
    bad |= jset(o, "link_types", json_object());
    bad |= jset(o, "dangling_links", json_integer(0));
    bad |= jset(o, "links_to_ignored_nodes", json_integer(0));
    bad |= jset(o, "duplicate_links", json_integer((json_int_t)duplicates));
    if (bad) {
        json_decref(o);
        return NULL;
    }
    return o;
}

static json_t *json_doc(const kg_eval_doc *d) {
    static const char *const keys[KG_EVAL_N_DETAILS] = {"fuzzy_entity_matches", "missed_entities",
                                                        "spurious_entities",    "missed_relations",
                                                        "spurious_relations",   "role_errors"};
    json_t *o = json_object(), *details = json_object();
    int bad = o == NULL || details == NULL;
    for (int k = 0; k < KG_EVAL_N_DETAILS && !bad; k++) {
        json_t *list = json_array();
        bad |= list == NULL;
        for (size_t j = 0; j < d->n_details[k] && !bad; j++)
            bad |= json_array_append_new(list, json_string(d->details[k][j])) != 0;
        bad |= jset(details, keys[k], list);
    }
    bad |= jset(o, "doc", json_string(d->doc));
    bad |= jset(o, "gold_file", json_string(d->gold_file));
    bad |= jset(o, "failed", json_boolean(d->error != NULL));
    bad |= jset(o, "error", d->error != NULL ? json_string(d->error) : json_null());
    bad |= jset(o, "entities", json_block(d->entities, KG_ENT_TYPE_COUNT, false));
    bad |= jset(o, "relations", json_block(d->relations, KG_REL_TYPE_COUNT, true));
    bad |= jset(o, "roles", json_roles(d->roles_correct, d->roles_total));
    bad |= jset(o, "ignored", json_ignored(d->duplicate_links));
    bad |= jset(o, "details", details);
    if (bad) {
        json_decref(o);
        return NULL;
    }
    return o;
}

kg_status kg_eval_write_json(const kg_eval_result *result, FILE *out, kg_error *err) {
    kg_status st = KG_OK;
    if (result == NULL || out == NULL)
        return kg_error_set(err, KG_ERR_USAGE, NULL, 0, 0, "kg_eval_write_json: NULL argument");
    kg_eval_counts ents[KG_ENT_TYPE_COUNT], rels[KG_REL_TYPE_COUNT];
    size_t roles[2], failed = 0, duplicates = 0;
    double macro_e = 0.0, macro_r = 0.0;
    kg_eval_totals(result, ents, rels, roles);

    json_t *root = json_object(), *overall = json_object(), *docs = json_array(),
           *macro = json_object();
    int bad = root == NULL || overall == NULL || docs == NULL || macro == NULL;
    for (size_t i = 0; i < result->n_docs && !bad; i++) {
        const kg_eval_doc *d = &result->docs[i];
        failed += d->error != NULL;
        duplicates += d->duplicate_links;
        macro_e += kg_eval_prf_of(sum_counts(d->entities, KG_ENT_TYPE_COUNT)).f1;
        macro_r += kg_eval_prf_of(sum_counts(d->relations, KG_REL_TYPE_COUNT)).f1;
        bad |= json_array_append_new(docs, json_doc(d)) != 0;
    }
    if (result->n_docs > 0) {
        macro_e = py_round6(macro_e / (double)result->n_docs);
        macro_r = py_round6(macro_r / (double)result->n_docs);
    }
    bad |= jset(macro, "entities", json_real(macro_e));
    bad |= jset(macro, "relations", json_real(macro_r));
    bad |= jset(overall, "documents", json_integer((json_int_t)result->n_docs));
    bad |= jset(overall, "failed", json_integer((json_int_t)failed));
    bad |= jset(overall, "entities", json_block(ents, KG_ENT_TYPE_COUNT, false));
    bad |= jset(overall, "relations", json_block(rels, KG_REL_TYPE_COUNT, true));
    bad |= jset(overall, "roles", json_roles(roles[0], roles[1]));
    bad |= jset(overall, "ignored", json_ignored(duplicates));
    bad |= jset(overall, "macro_f1", macro);
    macro = NULL;
    bad |= jset(root, "mode", json_string("documents"));
    bad |= jset(root, "gold", json_string(result->gold_dir != NULL ? result->gold_dir : ""));
    bad |= jset(root, "cmd", json_string("kgraph eval"));
    bad |= jset(root, "overall", overall);
    bad |= jset(root, "documents", docs);
    overall = docs = NULL;
    if (bad) {
        st = kg_error_set(err, KG_ERR_NOMEM, NULL, 0, 0, "out of memory building the JSON");
        goto cleanup;
    }
    /* 15 significant digits print every figure rounded to 6 decimals as
     * Python's repr does ("0.857143", not "0.85714299999999999"). */
    if (json_dumpf(root, out, JSON_SORT_KEYS | JSON_INDENT(2) | JSON_REAL_PRECISION(15)) != 0 ||
        fputc('\n', out) == EOF || fflush(out) != 0 || ferror(out))
        st = kg_error_set(err, KG_ERR_IO, NULL, 0, 0, "write failed: %s",
                          strerror(errno != 0 ? errno : EIO));

cleanup:
    json_decref(root);
    json_decref(overall);
    json_decref(docs);
    json_decref(macro);
    return st;
}
