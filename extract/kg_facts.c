/* kg_facts.c — kg_doc_facts to and from JSON (kg_facts.h).
 *
 * The writer is hand-written rather than built as a jansson tree: it knows
 * its keys (so it emits them already in byte order), streams one line per
 * document, and writes numbers in their shortest round-trip form, which
 * jansson's fixed precision cannot.  Everything is checked before the first
 * byte is written, so only an I/O error can leave half a line.
 *
 * The reader parses with jansson and is strict about shapes (a wrong type
 * or an unknown entity id is an error naming the item), lenient about what
 * may be left out (see docs/facts.md for the defaults).
 */
#include "kg_facts.h"
#include "kg_extract.h"
#include "kg_model_internal.h"
#include "kg_text.h"

#include <errno.h>
#include <jansson.h>
#include <locale.h>
#include <math.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

/* ---- writing ---------------------------------------------------------------- */

static bool valid_utf8(const char *s) {
    size_t len = strlen(s), pos = 0;
    while (pos < len)
        if (kg_utf8_next(s, len, &pos) < 0)
            return false;
    return true;
}

/* KG_ERR_INPUT unless s is NULL or valid UTF-8. */
static kg_status check_string(const char *s, const char *what, kg_error *err) {
    if (s == NULL || valid_utf8(s))
        return KG_OK;
    return kg_error_set(err, KG_ERR_INPUT, NULL, 0, 0, "%s is not valid UTF-8", what);
}

static kg_status check_writable(const kg_doc_facts *facts, kg_error *err) {
    kg_status st = KG_OK;
    if (facts->doc_id == NULL)
        return kg_error_set(err, KG_ERR_INPUT, NULL, 0, 0, "facts without a document id");
    const char *doc_strings[] = {facts->doc_id, facts->lang, facts->title, facts->date, facts->url};
    for (size_t i = 0; i < sizeof doc_strings / sizeof *doc_strings && st == KG_OK; i++)
        st = check_string(doc_strings[i], "a document field", err);
    for (size_t i = 0; i < facts->n_entities && st == KG_OK; i++) {
        const kg_doc_entity *e = &facts->entities[i];
        if (kg_entity_type_name(e->type) == NULL || e->name == NULL)
            return kg_error_set(err, KG_ERR_INPUT, facts->doc_id, 0, 0,
                                "entity %zu has no type or no name", i + 1);
        st = check_string(e->name, "an entity name", err);
        if (st == KG_OK)
            st = check_string(e->lang, "an entity language", err);
        if (st == KG_OK)
            st = check_string(e->date, "an entity date", err);
        for (size_t k = 0; k < e->n_aliases && st == KG_OK; k++)
            st = e->aliases[k] == NULL ? kg_error_set(err, KG_ERR_INPUT, facts->doc_id, 0, 0,
                                                      "entity %zu has a NULL alias", i + 1)
                                       : check_string(e->aliases[k], "an alias", err);
    }
    for (size_t i = 0; i < facts->n_relations && st == KG_OK; i++) {
        const kg_doc_relation *r = &facts->relations[i];
        if (kg_relation_type_name(r->type) == NULL || r->subject >= facts->n_entities ||
            r->object >= facts->n_entities)
            return kg_error_set(err, KG_ERR_INPUT, facts->doc_id, 0, 0,
                                "relation %zu has an unknown type or refers to an entity that "
                                "does not exist",
                                i + 1);
        if (!isfinite(r->evidence.confidence))
            return kg_error_set(err, KG_ERR_INPUT, facts->doc_id, 0, 0,
                                "relation %zu has a confidence that is not a number", i + 1);
        const char *strings[] = {r->role, r->role_text, r->evidence.doc, r->evidence.text,
                                 r->evidence.rule};
        for (size_t k = 0; k < sizeof strings / sizeof *strings && st == KG_OK; k++)
            st = check_string(strings[k], "a relation field", err);
    }
    return st;
}

/* A JSON string; s is valid UTF-8 (checked before writing).  Runs of
 * characters that need no escape go out in one call: a character at a time
 * was a quarter of `kgraph extract`'s time. */
static void put_string(FILE *out, const char *s) {
    static const char escaped[] = "\"\\\n\r\t\b\f", letter[] = "\"\\nrtbf";
    putc_unlocked('"', out);
    const char *run = s;
    for (const char *p = s;; p++) {
        unsigned char c = (unsigned char)*p;
        if (c >= 0x20 && c != '"' && c != '\\')
            continue;
        fwrite(run, 1, (size_t)(p - run), out);
        if (c == '\0')
            break;
        const char *known = strchr(escaped, c);
        if (known != NULL) {
            putc_unlocked('\\', out);
            putc_unlocked(letter[known - escaped], out);
        } else {
            fprintf(out, "\\u%04x", (unsigned)c);
        }
        run = p + 1;
    }
    putc_unlocked('"', out);
}

/* ,"key":"value" — nothing for a NULL value. */
static void put_opt(FILE *out, const char *key, const char *value) {
    if (value == NULL)
        return;
    fprintf(out, ",\"%s\":", key);
    put_string(out, value);
}

/* The shortest decimal that reads back as x (like Python's repr), with '.'
 * whatever LC_NUMERIC says and always a '.' or an exponent, so that a
 * reader sees a real. */
static void put_real(FILE *out, double x) {
    char buf[64];
    for (int prec = 1; prec <= 17; prec++) {
        snprintf(buf, sizeof buf, "%.*g", prec, x);
        if (strtod(buf, NULL) == x)
            break;
    }
    const char *point = localeconv()->decimal_point;
    size_t point_len = point != NULL ? strlen(point) : 0;
    char fixed[64];
    size_t n = 0;
    bool has_point = false;
    for (size_t i = 0; buf[i] != '\0' && n + 3 < sizeof fixed;) {
        if (point_len > 0 && strncmp(buf + i, point, point_len) == 0) {
            fixed[n++] = '.';
            has_point = true;
            i += point_len;
        } else {
            has_point |= buf[i] == 'e';
            fixed[n++] = buf[i++];
        }
    }
    if (!has_point) {
        fixed[n++] = '.';
        fixed[n++] = '0';
    }
    fixed[n] = '\0';
    fputs(fixed, out);
}

kg_status kg_facts_write_json(const kg_doc_facts *facts, FILE *out, kg_error *err) {
    if (facts == NULL || out == NULL)
        return kg_error_set(err, KG_ERR_USAGE, NULL, 0, 0, "kg_facts_write_json: NULL argument");
    kg_status st = check_writable(facts, err);
    if (st != KG_OK)
        return st;

    /* One lock for the line: the calls below take it again cheaply, and
     * another thread's line cannot come between them. */
    flockfile(out);
    fprintf(out, "{\"bytes\":%zu", facts->n_bytes);
    put_opt(out, "date", facts->date);
    put_opt(out, "doc", facts->doc_id);
    fputs(",\"entities\":[", out);
    for (size_t i = 0; i < facts->n_entities; i++) {
        const kg_doc_entity *e = &facts->entities[i];
        fputs(i > 0 ? ",{\"aliases\":[" : "{\"aliases\":[", out);
        for (size_t k = 0; k < e->n_aliases; k++) {
            if (k > 0)
                putc_unlocked(',', out);
            put_string(out, e->aliases[k]);
        }
        putc_unlocked(']', out);
        put_opt(out, "date", e->date);
        fprintf(out, ",\"id\":\"e%zu\"", i + 1);
        put_opt(out, "lang", e->lang);
        fprintf(out, ",\"mentions\":%zu", e->mentions);
        put_opt(out, "name", e->name);
        put_opt(out, "type", kg_entity_type_name(e->type));
        putc_unlocked('}', out);
    }
    putc_unlocked(']', out);
    put_opt(out, "lang", facts->lang);
    fputs(",\"relations\":[", out);
    for (size_t i = 0; i < facts->n_relations; i++) {
        const kg_doc_relation *r = &facts->relations[i];
        const kg_evidence *ev = &r->evidence;
        fputs(i > 0 ? ",{\"evidence\":{\"confidence\":" : "{\"evidence\":{\"confidence\":", out);
        put_real(out, ev->confidence);
        put_opt(out, "doc", ev->doc);
        fprintf(out, ",\"end\":%zu", ev->end);
        put_opt(out, "rule", ev->rule);
        fprintf(out, ",\"sentence\":%zu,\"start\":%zu", ev->sentence, ev->start);
        put_opt(out, "text", ev->text);
        fprintf(out, "},\"object\":\"e%zu\"", r->object + 1);
        put_opt(out, "role", r->role);
        put_opt(out, "role_text", r->role_text);
        fprintf(out, ",\"subject\":\"e%zu\"", r->subject + 1);
        put_opt(out, "type", kg_relation_type_name(r->type));
        putc_unlocked('}', out);
    }
    fprintf(out, "],\"sentences\":%zu", facts->n_sentences);
    put_opt(out, "title", facts->title);
    put_opt(out, "url", facts->url);
    fputs("}\n", out);
    funlockfile(out);
    if (ferror(out))
        return kg_error_set(err, KG_ERR_IO, NULL, 0, 0, "write failed: %s",
                            strerror(errno != 0 ? errno : EIO));
    return KG_OK;
}

/* ---- reading ------------------------------------------------------------------ */

/* One entity id and the index of its entity, sorted by id for bsearch. */
typedef struct facts_id {
    const char *id; /* pooled */
    size_t index;
} facts_id;

typedef struct facts_parse {
    kg_strpool *pool;
    const kg_facts_source *source;
    bool external;
    kg_error *err;
    kg_doc_facts *out;
    facts_id *ids;
    size_t n_ids;
} facts_parse;

static kg_status parse_error(facts_parse *p, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 2, 3)))
#endif
    ;

static kg_status parse_error(facts_parse *p, const char *fmt, ...) {
    char msg[480];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    return kg_error_set(p->err, KG_ERR_PARSE, p->source->where, p->source->line, 0, "%s", msg);
}

/* Interns the NFC form of s[0..len) (white space collapsed when tidy). */
static kg_status intern_text(facts_parse *p, const char *s, size_t len, bool tidy,
                             const char **out) {
    char *nfc = kg_text_nfc(s, len);
    char *squeezed = NULL;
    if (nfc == NULL)
        return KG_ERR_NOMEM;
    const char *use = nfc;
    if (tidy) {
        squeezed = kg_text_squeeze(nfc, strlen(nfc));
        if (squeezed == NULL) {
            free(nfc);
            return KG_ERR_NOMEM;
        }
        use = squeezed;
    }
    *out = kg_strpool_cstr(p->pool, use);
    free(nfc);
    free(squeezed);
    return *out != NULL ? KG_OK : KG_ERR_NOMEM;
}

/* An optional string member (absent or null gives NULL); what names the
 * item in messages ("entity 3"). */
static kg_status get_string(facts_parse *p, json_t *obj, const char *key, const char *what,
                            bool tidy, const char **out) {
    json_t *v = json_object_get(obj, key);
    *out = NULL;
    if (v == NULL || json_is_null(v))
        return KG_OK;
    if (!json_is_string(v))
        return parse_error(p, "%s: \"%s\" must be a string", what, key);
    if (memchr(json_string_value(v), '\0', json_string_length(v)) != NULL)
        return parse_error(p, "%s: \"%s\" contains a NUL character", what, key);
    return intern_text(p, json_string_value(v), json_string_length(v), tidy, out);
}

/* A required string member that is not empty (after tidying). */
static kg_status get_name(facts_parse *p, json_t *obj, const char *key, const char *what, bool tidy,
                          const char **out) {
    kg_status st = get_string(p, obj, key, what, tidy, out);
    if (st != KG_OK)
        return st;
    if (*out == NULL)
        return parse_error(p, "%s: missing \"%s\"", what, key);
    if ((*out)[0] == '\0')
        return parse_error(p, "%s: \"%s\" is empty", what, key);
    return KG_OK;
}

/* A non-negative integer member; absent or null gives fallback. */
static kg_status get_size(facts_parse *p, json_t *obj, const char *key, const char *what,
                          size_t fallback, size_t *out) {
    json_t *v = json_object_get(obj, key);
    *out = fallback;
    if (v == NULL || json_is_null(v))
        return KG_OK;
    if (!json_is_integer(v) || json_integer_value(v) < 0)
        return parse_error(p, "%s: \"%s\" must be a non-negative integer", what, key);
    *out = (size_t)json_integer_value(v);
    return KG_OK;
}

/* A confidence member in [0, 1]; absent or null gives fallback. */
static kg_status get_confidence(facts_parse *p, json_t *obj, const char *what, double fallback,
                                double *out) {
    json_t *v = json_object_get(obj, "confidence");
    *out = fallback;
    if (v == NULL || json_is_null(v))
        return KG_OK;
    double x = json_is_number(v) ? json_number_value(v) : -1.0;
    if (!(x >= 0.0 && x <= 1.0))
        return parse_error(p, "%s: \"confidence\" must be a number from 0 to 1", what);
    *out = x;
    return KG_OK;
}

/* An entity id or a relation end: a string, or an integer taken as its
 * decimal text (some tools number their entities). */
static kg_status get_id(facts_parse *p, json_t *obj, const char *key, const char *what,
                        const char **out) {
    json_t *v = json_object_get(obj, key);
    char num[32];
    *out = NULL;
    if (json_is_integer(v)) {
        snprintf(num, sizeof num, "%" JSON_INTEGER_FORMAT, json_integer_value(v));
        *out = kg_strpool_cstr(p->pool, num);
        return *out != NULL ? KG_OK : KG_ERR_NOMEM;
    }
    if (json_is_string(v)) {
        *out = kg_strpool_intern(p->pool, json_string_value(v), json_string_length(v));
        return *out != NULL ? KG_OK : KG_ERR_NOMEM;
    }
    return parse_error(p, "%s: %s \"%s\"", what, v == NULL ? "missing" : "a string is needed for",
                       key);
}

static int cmp_id(const void *a, const void *b) {
    return strcmp(((const facts_id *)a)->id, ((const facts_id *)b)->id);
}

static const char *const entity_types_text = "Organization, Person, Agreement, Event or Place";

static kg_status parse_entity(facts_parse *p, json_t *e, size_t number) {
    kg_status st = KG_OK;
    kg_doc_facts *out = p->out;
    char what[48];
    snprintf(what, sizeof what, "entity %zu", number);
    if (!json_is_object(e))
        return parse_error(p, "%s is not a JSON object", what);

    const char *id = NULL, *type_name = NULL, *name = NULL, *lang = NULL, *date = NULL;
    size_t mentions = 1;
    kg_entity_type type;
    if ((st = get_id(p, e, "id", what, &id)) != KG_OK ||
        (st = get_name(p, e, "type", what, false, &type_name)) != KG_OK)
        return st;
    if (kg_entity_type_parse(type_name, &type) != KG_OK)
        return parse_error(p, "%s: unknown type \"%s\" (expected %s)", what, type_name,
                           entity_types_text);
    if ((st = get_name(p, e, "name", what, p->external, &name)) != KG_OK ||
        (st = get_string(p, e, "lang", what, false, &lang)) != KG_OK ||
        (st = get_string(p, e, "date", what, false, &date)) != KG_OK ||
        (st = get_size(p, e, "mentions", what, 1, &mentions)) != KG_OK)
        return st;
    if (mentions == 0)
        return parse_error(p, "%s: \"mentions\" must be at least 1", what);
    if (lang == NULL && p->external &&
        (lang = kg_strpool_cstr(p->pool, kg_detect_lang(name, strlen(name)))) == NULL)
        return KG_ERR_NOMEM;

    json_t *aliases = json_object_get(e, "aliases");
    if (aliases != NULL && !json_is_null(aliases) && !json_is_array(aliases))
        return parse_error(p, "%s: \"aliases\" must be an array of strings", what);

    if (kg_reserve((void **)&out->entities, &out->cap_entities, out->n_entities + 1,
                   sizeof *out->entities) != KG_OK)
        return KG_ERR_NOMEM;
    size_t index = out->n_entities++;
    kg_doc_entity *ent = &out->entities[index];
    memset(ent, 0, sizeof *ent);
    ent->type = type;
    ent->name = name;
    ent->lang = lang;
    ent->mentions = mentions;
    ent->date = date;
    p->ids[index].id = id;
    p->ids[index].index = index;
    p->n_ids = index + 1;

    size_t n_aliases = json_array_size(aliases);
    for (size_t k = 0; k < n_aliases; k++) {
        json_t *a = json_array_get(aliases, k);
        const char *alias = NULL;
        if (!json_is_string(a))
            return parse_error(p, "%s: alias %zu is not a string", what, k + 1);
        st = intern_text(p, json_string_value(a), json_string_length(a), p->external, &alias);
        if (st != KG_OK)
            return st;
        if (alias[0] == '\0') {
            if (p->external)
                continue;
            return parse_error(p, "%s: alias %zu is empty", what, k + 1);
        }
        if ((st = kg_doc_facts_alias(out, index, alias)) != KG_OK)
            return st;
    }
    return KG_OK;
}

/* The index of the entity with this id, or an error naming the relation. */
static kg_status find_end(facts_parse *p, json_t *r, const char *key, const char *what,
                          size_t *out) {
    const char *id = NULL;
    kg_status st = get_id(p, r, key, what, &id);
    if (st != KG_OK)
        return st;
    facts_id probe = {id, 0};
    const facts_id *hit =
        p->n_ids > 0 ? bsearch(&probe, p->ids, p->n_ids, sizeof *p->ids, cmp_id) : NULL;
    if (hit == NULL)
        return parse_error(p, "%s: \"%s\" \"%s\" is not an entity id", what, key, id);
    *out = hit->index;
    return KG_OK;
}

/* "Deputy Chairman" -> "deputy_chairman": the matching key with '_' for
 * spaces, the shape of kgraph's own role names.  NULL stays NULL. */
static kg_status normalise_role(facts_parse *p, const char *role, const char **out) {
    *out = NULL;
    if (role == NULL)
        return KG_OK;
    char *key = kg_text_key(role, strlen(role));
    if (key == NULL)
        return KG_ERR_NOMEM;
    for (char *c = key; *c != '\0'; c++)
        if (*c == ' ')
            *c = '_';
    if (key[0] != '\0')
        *out = kg_strpool_cstr(p->pool, key);
    bool failed = key[0] != '\0' && *out == NULL;
    free(key);
    return failed ? KG_ERR_NOMEM : KG_OK;
}

/* Relation type names compared case-insensitively with '-' and ' ' read
 * as '_' ("holds-post", "Holds post"). */
static kg_status parse_relation_type(const char *name, kg_relation_type *out) {
    char buf[64];
    size_t n = strlen(name);
    if (n >= sizeof buf)
        return KG_FAILURE;
    for (size_t i = 0; i <= n; i++)
        buf[i] = (name[i] == '-' || name[i] == ' ') ? '_' : name[i];
    return kg_relation_type_parse(buf, out);
}

static kg_status parse_relation(facts_parse *p, json_t *r, size_t number) {
    kg_status st = KG_OK;
    kg_doc_facts *out = p->out;
    kg_doc_relation rel;
    char what[48];
    memset(&rel, 0, sizeof rel);
    snprintf(what, sizeof what, "relation %zu", number);
    if (!json_is_object(r))
        return parse_error(p, "%s is not a JSON object", what);

    const char *type_name = NULL, *role = NULL, *role_text = NULL;
    double confidence = 1.0;
    if ((st = get_name(p, r, "type", what, false, &type_name)) != KG_OK)
        return st;
    if (parse_relation_type(type_name, &rel.type) != KG_OK)
        return parse_error(p, "%s: unknown type \"%s\"", what, type_name);
    if ((st = find_end(p, r, "subject", what, &rel.subject)) != KG_OK ||
        (st = find_end(p, r, "object", what, &rel.object)) != KG_OK ||
        (st = get_string(p, r, "role", what, p->external, &role)) != KG_OK ||
        (st = get_string(p, r, "role_text", what, p->external, &role_text)) != KG_OK ||
        (st = get_confidence(p, r, what, 1.0, &confidence)) != KG_OK)
        return st;
    if (p->external) {
        if (role_text == NULL && role != NULL && role[0] != '\0')
            role_text = role;
        if ((st = normalise_role(p, role, &role)) != KG_OK)
            return st;
    }
    rel.role = role;
    rel.role_text = role_text;

    json_t *ev = json_object_get(r, "evidence");
    kg_evidence *e = &rel.evidence;
    if (ev == NULL || json_is_null(ev)) {
        e->doc = out->doc_id;
        e->text = kg_strpool_cstr(p->pool, "");
        e->rule = kg_strpool_cstr(p->pool, KG_FACTS_EXTERNAL_RULE);
        e->confidence = confidence;
        if (e->text == NULL || e->rule == NULL)
            return KG_ERR_NOMEM;
    } else {
        if (!json_is_object(ev))
            return parse_error(p, "%s: \"evidence\" must be a JSON object", what);
        snprintf(what, sizeof what, "relation %zu evidence", number);
        if ((st = get_string(p, ev, "doc", what, false, &e->doc)) != KG_OK ||
            (st = get_size(p, ev, "sentence", what, 0, &e->sentence)) != KG_OK ||
            (st = get_size(p, ev, "start", what, 0, &e->start)) != KG_OK ||
            (st = get_size(p, ev, "end", what, 0, &e->end)) != KG_OK ||
            (st = get_string(p, ev, "text", what, false, &e->text)) != KG_OK ||
            (st = get_string(p, ev, "rule", what, false, &e->rule)) != KG_OK ||
            (st = get_confidence(p, ev, what, confidence, &e->confidence)) != KG_OK)
            return st;
        if (e->end < e->start)
            return parse_error(p, "%s: \"end\" is before \"start\"", what);
        if (p->external) {
            if (e->doc == NULL)
                e->doc = out->doc_id;
            if (e->text == NULL && (e->text = kg_strpool_cstr(p->pool, "")) == NULL)
                return KG_ERR_NOMEM;
            if (e->rule == NULL &&
                (e->rule = kg_strpool_cstr(p->pool, KG_FACTS_EXTERNAL_RULE)) == NULL)
                return KG_ERR_NOMEM;
        }
    }
    /* Appended directly: kg_doc_facts_relation would drop a second relation
     * with the same span, and reading must give back what was written. */
    if (kg_reserve((void **)&out->relations, &out->cap_relations, out->n_relations + 1,
                   sizeof *out->relations) != KG_OK)
        return KG_ERR_NOMEM;
    out->relations[out->n_relations++] = rel;
    return KG_OK;
}

/* The document members of root into p->out. */
static kg_status parse_document(facts_parse *p, json_t *root) {
    kg_status st = KG_OK;
    kg_doc_facts *out = p->out;
    const char *what = "document";
    if ((st = get_string(p, root, "doc", what, false, &out->doc_id)) != KG_OK)
        return st;
    if (out->doc_id == NULL && p->external && p->source->default_doc != NULL &&
        (out->doc_id = kg_strpool_cstr(p->pool, p->source->default_doc)) == NULL)
        return KG_ERR_NOMEM;
    if (out->doc_id == NULL)
        return parse_error(p, "missing \"doc\" (the document id)");
    if (out->doc_id[0] == '\0')
        return parse_error(p, "\"doc\" is empty");
    if ((st = get_string(p, root, "lang", what, false, &out->lang)) != KG_OK ||
        (st = get_string(p, root, "title", what, false, &out->title)) != KG_OK ||
        (st = get_string(p, root, "date", what, false, &out->date)) != KG_OK ||
        (st = get_string(p, root, "url", what, false, &out->url)) != KG_OK ||
        (st = get_size(p, root, "sentences", what, 0, &out->n_sentences)) != KG_OK ||
        (st = get_size(p, root, "bytes", what, 0, &out->n_bytes)) != KG_OK)
        return st;

    json_t *entities = json_object_get(root, "entities");
    json_t *relations = json_object_get(root, "relations");
    if (entities != NULL && !json_is_null(entities) && !json_is_array(entities))
        return parse_error(p, "\"entities\" must be an array");
    if (relations != NULL && !json_is_null(relations) && !json_is_array(relations))
        return parse_error(p, "\"relations\" must be an array");

    size_t n_entities = json_array_size(entities);
    if (n_entities > 0 && (p->ids = calloc(n_entities, sizeof *p->ids)) == NULL)
        return KG_ERR_NOMEM;
    for (size_t i = 0; i < n_entities; i++)
        if ((st = parse_entity(p, json_array_get(entities, i), i + 1)) != KG_OK)
            return st;
    if (p->n_ids > 1) {
        qsort(p->ids, p->n_ids, sizeof *p->ids, cmp_id);
        for (size_t i = 1; i < p->n_ids; i++)
            if (p->ids[i - 1].id == p->ids[i].id) /* pooled: pointer equality */
                return parse_error(p, "entity %zu: duplicate id \"%s\"",
                                   (p->ids[i - 1].index > p->ids[i].index ? p->ids[i - 1].index
                                                                          : p->ids[i].index) +
                                       1,
                                   p->ids[i].id);
    }
    for (size_t i = 0; i < json_array_size(relations); i++)
        if ((st = parse_relation(p, json_array_get(relations, i), i + 1)) != KG_OK)
            return st;
    return KG_OK;
}

kg_status kg_facts_read_json(kg_doc_facts *out, kg_strpool *pool, const char *json, size_t len,
                             const kg_facts_source *source, kg_error *err) {
    kg_status st = KG_OK;
    json_t *root = NULL;
    json_error_t jerr;
    facts_parse p = {pool, source, false, err, out, NULL, 0};

    if (out == NULL || pool == NULL || source == NULL || (json == NULL && len > 0))
        return kg_error_set(err, KG_ERR_USAGE, NULL, 0, 0, "kg_facts_read_json: NULL argument");
    kg_doc_facts_clear(out);
    p.external = source->format == KG_FACTS_EXTERNAL;

    root = json_loadb(json != NULL ? json : "", len, 0, &jerr);
    if (root == NULL) {
        /* A line of JSON Lines is line 1 for jansson; a whole file has its own lines. */
        size_t line = source->line > 0 ? source->line : (jerr.line > 0 ? (size_t)jerr.line : 0);
        st = kg_error_set(err, KG_ERR_PARSE, source->where, line,
                          jerr.column > 0 ? (size_t)jerr.column : 0, "invalid JSON: %s", jerr.text);
        goto cleanup;
    }
    if (!json_is_object(root)) {
        st = parse_error(&p, "expected a JSON object with \"doc\", \"entities\" and "
                             "\"relations\"");
        goto cleanup;
    }
    st = parse_document(&p, root);

cleanup:
    if (st == KG_ERR_NOMEM && (err == NULL || err->status != KG_ERR_NOMEM))
        kg_error_set(err, KG_ERR_NOMEM, source != NULL ? source->where : NULL,
                     source != NULL ? source->line : 0, 0, "out of memory");
    if (st != KG_OK)
        kg_doc_facts_clear(out);
    free(p.ids);
    json_decref(root);
    return st;
}
