/* kg_rules.c — compiling and matching the token-pattern rules (kg_rules.h).
 *
 * Matching is a backtracking walk over the element list with greedy
 * repetition; continuations make groups and repeats compose without copying.
 * Each attempt is bounded in steps, so no rule can make a sentence slow. */
#include "kg_rules.h"

#include <jansson.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define KX_MAX_REPEAT 24   /* "*" and "+" mean at most this many */
#define KX_MAX_STEPS 20000 /* per rule and start position */

typedef struct kx_elem {
    uint32_t entity_mask; /* bit per kg_entity_type; 0: no constraint */
    uint64_t lex;         /* any of these classes */
    const char **lower;   /* pooled words (pointer comparison) */
    size_t n_lower;
    const char **stem; /* pooled stems */
    size_t n_stem;
    int32_t *punct;
    size_t n_punct;
    int shape;  /* 0 none, 1 cap, 2 upper, 3 lower, 4 number */
    int script; /* 0 none, SC_LATIN, SC_CYRILLIC */
    bool any;
    bool token_test;         /* constrains the token itself (lex ... script) */
    struct kx_elem *negated; /* "not": the unit must not match this */
    uint64_t not_after;      /* none of these classes within not_after_within tokens before */
    int not_after_within;
    struct kx_elem *group;
    size_t n_group;
    int min, max;
    int capture;
} kx_elem;

struct kx_rules {
    kx_rule **rules;
    size_t n, cap;
};

/* ---- class names --------------------------------------------------------------- */

static const struct {
    const char *name;
    uint64_t bit;
} class_names[] = {
    {"TITLE", LX_TITLE},
    {"ORG_HEAD", LX_ORG_HEAD},
    {"AGREEMENT", LX_AGREEMENT},
    {"EVENT", LX_EVENT},
    {"PLACE", LX_PLACE},
    {"KNOWN_ORG", LX_KNOWN_ORG},
    {"FUNCTION", LX_FUNCTION},
    {"CONNECTOR_OF", LX_CONNECTOR_OF},
    {"ARTICLE", LX_ARTICLE},
    {"AND", LX_AND},
    {"BETWEEN", LX_BETWEEN},
    {"WITH", LX_WITH},
    {"BY", LX_BY},
    {"IN", LX_IN},
    {"HONORIFIC", LX_HONORIFIC},
    {"SIGN", LX_SIGN},
    {"NOT_DONE", LX_NOT_DONE},
    {"MEET", LX_MEET},
    {"VISIT", LX_VISIT},
    {"PARTICIPATE", LX_PARTICIPATE},
    {"ORGANIZE", LX_ORGANIZE},
    {"HELD", LX_HELD},
    {"MEMBER", LX_MEMBER},
    {"HEADQUARTERS", LX_HEADQUARTERS},
    {"SPEECH", LX_SPEECH},
    {"REPORT", LX_REPORT},
    {"MONTH", LX_MONTH},
    {"WEEKDAY", LX_WEEKDAY},
    {"NOT_NAME", LX_NOT_NAME},
    {"ORG_MODIFIER", LX_ORG_MODIFIER},
    {"PARTICLE", LX_PARTICLE},
    {"AUX", LX_AUX},
    {"AGREEMENT_MODIFIER", LX_AGREEMENT_MODIFIER},
    {"ORGAN", LX_ORGAN},
    {"REFERENCE", LX_REFERENCE},
    {"NATIONALITY", LX_NATIONALITY},
};

uint64_t kx_class_by_name(const char *name) {
    for (size_t i = 0; name != NULL && i < sizeof class_names / sizeof *class_names; i++)
        if (strcmp(class_names[i].name, name) == 0)
            return class_names[i].bit;
    return 0;
}

/* ---- freeing ----------------------------------------------------------------------- */

static void elems_free(kx_elem *elems, size_t n);

static void elem_clear(kx_elem *e) {
    free(e->lower);
    free(e->stem);
    free(e->punct);
    if (e->negated != NULL) {
        elem_clear(e->negated);
        free(e->negated);
    }
    elems_free(e->group, e->n_group);
}

static void elems_free(kx_elem *elems, size_t n) {
    for (size_t i = 0; i < n; i++)
        elem_clear(&elems[i]);
    free(elems);
}

static void rule_free(kx_rule *r) {
    if (r == NULL)
        return;
    elems_free(r->pattern, r->n_pattern);
    free(r->emits);
    free(r);
}

kx_rules *kx_rules_new(void) {
    return calloc(1, sizeof(kx_rules));
}

void kx_rules_free(kx_rules *rules) {
    if (rules == NULL)
        return;
    for (size_t i = 0; i < rules->n; i++)
        rule_free(rules->rules[i]);
    free(rules->rules);
    free(rules);
}

size_t kx_rules_count(const kx_rules *rules) {
    return rules == NULL ? 0 : rules->n;
}

/* ---- compiling ----------------------------------------------------------------------- */

typedef struct compiler {
    kg_extractor *ex;
    const char *where;
    const char *text;
    size_t len;
    kg_error *err;
    kx_rule *rule;
    const char *rule_id;
} compiler;

/* Line of the first occurrence of "id" in the text: where the rule is. */
static size_t line_of_id(const compiler *c) {
    if (c->rule_id == NULL)
        return 0;
    size_t il = strlen(c->rule_id), line = 1;
    for (size_t i = 0; i + il + 2 <= c->len; i++) {
        if (c->text[i] == '\n')
            line++;
        if (c->text[i] == '"' && memcmp(c->text + i + 1, c->rule_id, il) == 0 &&
            c->text[i + 1 + il] == '"')
            return line;
    }
    return 0;
}

#if defined(__GNUC__)
__attribute__((format(printf, 2, 3)))
#endif
static kg_status
fail(compiler *c, const char *fmt, ...) {
    char msg[400];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    return kg_error_set(c->err, KG_ERR_PARSE, c->where, line_of_id(c), 0, "rule \"%s\": %s",
                        c->rule_id != NULL ? c->rule_id : "?", msg);
}

/* A string or an array of strings → pooled strings, optionally stemmed. */
static kg_status word_list(compiler *c, json_t *v, bool stems, const char ***out, size_t *n) {
    size_t count = json_is_array(v) ? json_array_size(v) : 1;
    const char **list = calloc(count + 1, sizeof *list);
    if (list == NULL)
        return KG_ERR_NOMEM;
    *out = list;
    *n = 0;
    for (size_t i = 0; i < count; i++) {
        json_t *item = json_is_array(v) ? json_array_get(v, i) : v;
        const char *s = json_string_value(item);
        if (s == NULL)
            return fail(c, "word lists hold strings");
        const char *lower = NULL, *stem = NULL;
        kg_status st = kx_word_forms(c->ex, s, strlen(s), &lower, &stem);
        if (st != KG_OK)
            return st;
        list[(*n)++] = stems ? stem : lower;
    }
    return KG_OK;
}

static kg_status class_list(compiler *c, json_t *v, uint64_t *out) {
    size_t count = json_is_array(v) ? json_array_size(v) : 1;
    *out = 0;
    for (size_t i = 0; i < count; i++) {
        json_t *item = json_is_array(v) ? json_array_get(v, i) : v;
        uint64_t bit = kx_class_by_name(json_string_value(item));
        if (bit == 0)
            return fail(c, "unknown word class \"%s\"",
                        json_string_value(item) != NULL ? json_string_value(item) : "?");
        *out |= bit;
    }
    return KG_OK;
}

static int capture_id(compiler *c, const char *name, bool create) {
    kx_rule *r = c->rule;
    for (size_t i = 0; i < r->n_captures; i++)
        if (strcmp(r->capture_names[i], name) == 0)
            return (int)i;
    if (!create || r->n_captures >= KX_MAX_CAPTURES)
        return -1;
    r->capture_names[r->n_captures] = kg_strpool_cstr(c->ex->pool, name);
    return r->capture_names[r->n_captures] == NULL ? -1 : (int)r->n_captures++;
}

static kg_status compile_elems(compiler *c, json_t *arr, kx_elem **out, size_t *n);

static kg_status compile_elem(compiler *c, json_t *obj, kx_elem *e) {
    e->capture = -1;
    e->min = e->max = 1;
    if (!json_is_object(obj))
        return fail(c, "a pattern element must be an object");
    const char *key;
    json_t *v;
    kg_status st = KG_OK;
    json_object_foreach(obj, key, v) {
        if (strcmp(key, "entity") == 0) {
            size_t count = json_is_array(v) ? json_array_size(v) : 1;
            for (size_t i = 0; i < count; i++) {
                kg_entity_type t;
                json_t *item = json_is_array(v) ? json_array_get(v, i) : v;
                if (json_is_true(item)) {
                    e->entity_mask = (1u << KG_ENT_TYPE_COUNT) - 1;
                    continue;
                }
                if (kg_entity_type_parse(json_string_value(item), &t) != KG_OK)
                    return fail(c, "unknown entity type \"%s\"",
                                json_string_value(item) ? json_string_value(item) : "?");
                e->entity_mask |= 1u << t;
            }
        } else if (strcmp(key, "lex") == 0) {
            st = class_list(c, v, &e->lex);
        } else if (strcmp(key, "lower") == 0) {
            st = word_list(c, v, false, &e->lower, &e->n_lower);
        } else if (strcmp(key, "stem") == 0) {
            st = word_list(c, v, true, &e->stem, &e->n_stem);
        } else if (strcmp(key, "punct") == 0) {
            size_t count = json_is_array(v) ? json_array_size(v) : 1;
            e->punct = calloc(count + 1, sizeof *e->punct);
            if (e->punct == NULL)
                return KG_ERR_NOMEM;
            for (size_t i = 0; i < count; i++) {
                const char *s = json_string_value(json_is_array(v) ? json_array_get(v, i) : v);
                size_t pos = 0;
                int32_t cp = s != NULL ? kg_utf8_next(s, strlen(s), &pos) : -1;
                if (cp < 0)
                    return fail(c, "\"punct\" takes characters");
                e->punct[e->n_punct++] = cp;
            }
        } else if (strcmp(key, "shape") == 0) {
            static const char *const shapes[] = {"cap", "upper", "lower", "number"};
            const char *s = json_string_value(v);
            for (int i = 0; s != NULL && i < 4; i++)
                if (strcmp(s, shapes[i]) == 0)
                    e->shape = i + 1;
            if (e->shape == 0)
                return fail(c, "\"shape\" is one of cap, upper, lower, number");
        } else if (strcmp(key, "script") == 0) {
            const char *s = json_string_value(v);
            e->script = s == NULL                    ? 0
                        : strcmp(s, "latin") == 0    ? SC_LATIN
                        : strcmp(s, "cyrillic") == 0 ? SC_CYRILLIC
                                                     : 0;
            if (e->script == 0)
                return fail(c, "\"script\" is latin or cyrillic");
        } else if (strcmp(key, "any") == 0) {
            e->any = json_is_true(v);
        } else if (strcmp(key, "not") == 0) {
            e->negated = calloc(1, sizeof *e->negated);
            if (e->negated == NULL)
                return KG_ERR_NOMEM;
            st = compile_elem(c, v, e->negated);
        } else if (strcmp(key, "not_after") == 0) {
            st = class_list(c, json_object_get(v, "lex"), &e->not_after);
            e->not_after_within = (int)json_integer_value(json_object_get(v, "within"));
            if (st == KG_OK && e->not_after_within <= 0)
                e->not_after_within = 3;
        } else if (strcmp(key, "group") == 0) {
            if (!json_is_array(v) || json_array_size(v) == 0)
                return fail(c, "\"group\" takes a non-empty array of elements");
            st = compile_elems(c, v, &e->group, &e->n_group);
        } else if (strcmp(key, "op") == 0) {
            const char *s = json_string_value(v);
            if (s != NULL && strcmp(s, "?") == 0)
                e->min = 0, e->max = 1;
            else if (s != NULL && strcmp(s, "*") == 0)
                e->min = 0, e->max = KX_MAX_REPEAT;
            else if (s != NULL && strcmp(s, "+") == 0)
                e->min = 1, e->max = KX_MAX_REPEAT;
            else if (json_is_object(v)) {
                e->min = (int)json_integer_value(json_object_get(v, "min"));
                json_t *mx = json_object_get(v, "max");
                e->max = mx != NULL ? (int)json_integer_value(mx) : KX_MAX_REPEAT;
                if (e->min < 0 || e->max < e->min || e->max > KX_MAX_REPEAT)
                    return fail(c, "\"op\" needs 0 <= min <= max <= 24");
            } else
                return fail(c, "\"op\" is \"?\", \"*\", \"+\" or {\"min\", \"max\"}");
        } else if (strcmp(key, "capture") == 0) {
            const char *s = json_string_value(v);
            if (s == NULL || (e->capture = capture_id(c, s, true)) < 0)
                return fail(c, "bad or too many captures (at most 8)");
        } else {
            return fail(c, "unknown key \"%s\" in a pattern element", key);
        }
        if (st != KG_OK)
            return st;
    }
    if (e->group != NULL && e->capture >= 0)
        return fail(c, "a group cannot be captured; capture its elements");
    e->token_test = e->lex || e->n_lower || e->n_stem || e->n_punct || e->shape || e->script;
    return KG_OK;
}

static kg_status compile_elems(compiler *c, json_t *arr, kx_elem **out, size_t *n) {
    size_t count = json_array_size(arr);
    kx_elem *elems = calloc(count + 1, sizeof *elems);
    if (elems == NULL)
        return KG_ERR_NOMEM;
    *out = elems;
    *n = count;
    for (size_t i = 0; i < count; i++) {
        kg_status st = compile_elem(c, json_array_get(arr, i), &elems[i]);
        if (st != KG_OK)
            return st;
    }
    return KG_OK;
}

static kg_status compile_end(compiler *c, json_t *v, const char *what, kx_end *end) {
    const char *s = json_string_value(v);
    end->capture = -1;
    end->topic_type = -1;
    if (s == NULL)
        return fail(c, "the emitted relation needs a \"%s\"", what);
    if (strncmp(s, "@topic:", 7) == 0) {
        kg_entity_type t;
        if (kg_entity_type_parse(s + 7, &t) != KG_OK)
            return fail(c, "unknown topic type in \"%s\"", s);
        end->topic_type = (int)t;
        return KG_OK;
    }
    end->capture = capture_id(c, s, false);
    if (end->capture < 0)
        return fail(c, "\"%s\" is not a capture of the pattern", s);
    return KG_OK;
}

static kg_status compile_emit(compiler *c, json_t *obj, kx_emit *em) {
    memset(em, 0, sizeof *em);
    em->role_first = em->role_last = -1;
    em->entity_capture = -1;
    const char *rel = json_string_value(json_object_get(obj, "relation"));
    const char *ent = json_string_value(json_object_get(obj, "entity"));
    if (rel != NULL) {
        em->kind = KX_EMIT_RELATION;
        em->not_post_body = json_is_true(json_object_get(obj, "not_post_body"));
        if (kg_relation_type_parse(rel, &em->relation) != KG_OK)
            return fail(c, "unknown relation type \"%s\"", rel);
        kg_status st = compile_end(c, json_object_get(obj, "subject"), "subject", &em->subject);
        if (st == KG_OK)
            st = compile_end(c, json_object_get(obj, "object"), "object", &em->object);
        if (st != KG_OK)
            return st;
        json_t *role = json_object_get(obj, "role");
        if (role != NULL) {
            size_t nr = json_is_array(role) ? json_array_size(role) : 1;
            json_t *first = json_is_array(role) ? json_array_get(role, 0) : role;
            json_t *last = json_is_array(role) ? json_array_get(role, nr - 1) : role;
            em->role_first =
                capture_id(c, json_string_value(first) ? json_string_value(first) : "", false);
            em->role_last =
                capture_id(c, json_string_value(last) ? json_string_value(last) : "", false);
            if (em->role_first < 0 || em->role_last < 0)
                return fail(c, "\"role\" names captures of the pattern");
        }
        return KG_OK;
    }
    if (ent != NULL) {
        em->kind = KX_EMIT_ENTITY;
        if (kg_entity_type_parse(ent, &em->entity) != KG_OK)
            return fail(c, "unknown entity type \"%s\"", ent);
        const char *cap = json_string_value(json_object_get(obj, "capture"));
        em->entity_capture = cap != NULL ? capture_id(c, cap, false) : -1;
        if (em->entity_capture < 0)
            return fail(c, "an emitted entity needs the \"capture\" that names it");
        em->source = json_is_true(json_object_get(obj, "source"));
        c->rule->entity_phase = true;
        return KG_OK;
    }
    return fail(c, "\"emit\" items have \"relation\" or \"entity\"");
}

static kg_status compile_rule(compiler *c, json_t *obj, kx_rule **out) {
    kx_rule *r = calloc(1, sizeof *r);
    if (r == NULL)
        return KG_ERR_NOMEM;
    *out = r;
    c->rule = r;
    c->rule_id = json_string_value(json_object_get(obj, "id"));
    if (c->rule_id == NULL || c->rule_id[0] == '\0')
        return fail(c, "every rule needs a string \"id\"");
    r->id = kg_strpool_cstr(c->ex->pool, c->rule_id);
    if (r->id == NULL)
        return KG_ERR_NOMEM;
    json_t *conf = json_object_get(obj, "confidence");
    r->confidence = conf != NULL ? json_number_value(conf) : 0.7;
    if (!(r->confidence > 0 && r->confidence <= 1))
        return fail(c, "\"confidence\" must be in (0, 1]");
    const char *once = json_string_value(json_object_get(obj, "once"));
    r->once = once == NULL                   ? 0
              : strcmp(once, "subject") == 0 ? 1
              : strcmp(once, "object") == 0  ? 2
                                             : -1;
    if (r->once < 0)
        return fail(c, "\"once\" is \"subject\" or \"object\"");
    json_t *when = json_object_get(obj, "when");
    kg_status st = KG_OK;
    if (when != NULL) {
        json_t *h = json_object_get(when, "has"), *l = json_object_get(when, "lacks");
        if (h != NULL && (st = class_list(c, h, &r->when_has)) != KG_OK)
            return st;
        if (l != NULL && (st = class_list(c, l, &r->when_lacks)) != KG_OK)
            return st;
    }
    json_t *pattern = json_object_get(obj, "pattern");
    if (!json_is_array(pattern) || json_array_size(pattern) == 0)
        return fail(c, "\"pattern\" must be a non-empty array");
    if ((st = compile_elems(c, pattern, &r->pattern, &r->n_pattern)) != KG_OK)
        return st;
    const kx_elem *first = &r->pattern[0];
    r->starts_anywhere =
        first->min == 0 || first->group != NULL || first->any || first->negated != NULL;
    /* a mandatory top-level element's entity types or classes must occur in
     * the sentence (match_unit never accepts a unit without them) */
    for (size_t i = 0; i < r->n_pattern; i++) {
        const kx_elem *e = &r->pattern[i];
        if (e->min == 0 || e->group != NULL)
            continue;
        if (e->entity_mask != 0 && r->n_need_entities < KX_MAX_NEEDS)
            r->need_entities[r->n_need_entities++] = e->entity_mask;
        else if (e->entity_mask == 0 && e->lex != 0 && r->n_need_lex < KX_MAX_NEEDS)
            r->need_lex[r->n_need_lex++] = e->lex;
    }
    json_t *emit = json_object_get(obj, "emit");
    if (!json_is_array(emit) || json_array_size(emit) == 0)
        return fail(c, "\"emit\" must be a non-empty array");
    r->emits = calloc(json_array_size(emit), sizeof *r->emits);
    if (r->emits == NULL)
        return KG_ERR_NOMEM;
    for (size_t i = 0; i < json_array_size(emit); i++) {
        if ((st = compile_emit(c, json_array_get(emit, i), &r->emits[r->n_emits])) != KG_OK)
            return st;
        r->n_emits++;
    }
    return KG_OK;
}

kg_status kx_rules_load(kx_rules *rules, kg_extractor *ex, const char *text, size_t len,
                        const char *where, kg_error *err) {
    json_error_t jerr;
    json_t *root = json_loadb(text, len, JSON_REJECT_DUPLICATES, &jerr);
    if (root == NULL)
        return kg_error_set(err, KG_ERR_PARSE, where, (size_t)jerr.line, (size_t)jerr.column, "%s",
                            jerr.text);
    compiler c = {ex, where, text, len, err, NULL, NULL};
    kg_status st = KG_OK;
    json_t *arr = json_object_get(root, "rules");
    if (!json_is_array(arr)) {
        st = kg_error_set(err, KG_ERR_PARSE, where, 1, 0,
                          "a rule file is an object with a \"rules\" array");
        goto cleanup;
    }
    for (size_t i = 0; i < json_array_size(arr); i++) {
        kx_rule *r = NULL;
        if ((st = compile_rule(&c, json_array_get(arr, i), &r)) != KG_OK) {
            rule_free(r);
            goto cleanup;
        }
        /* same id: the later file overrides */
        size_t k = 0;
        while (k < rules->n && strcmp(rules->rules[k]->id, r->id) != 0)
            k++;
        if (k < rules->n) {
            rule_free(rules->rules[k]);
            rules->rules[k] = r;
            continue;
        }
        if (rules->n == rules->cap) {
            size_t cap = rules->cap ? rules->cap * 2 : 32;
            kx_rule **grown = realloc(rules->rules, cap * sizeof *grown);
            if (grown == NULL) {
                rule_free(r);
                st = KG_ERR_NOMEM;
                goto cleanup;
            }
            rules->rules = grown;
            rules->cap = cap;
        }
        rules->rules[rules->n++] = r;
    }
cleanup:
    json_decref(root);
    return st;
}

/* ---- matching ---------------------------------------------------------------------------- */

typedef struct matcher {
    const kx_token *toks;
    const kx_unit *units;
    size_t n_units;
    size_t stack_unit[64];
    int stack_cap[64];
    size_t depth;
    size_t steps;
    size_t end;
} matcher;

static bool in_words(const char *const *list, size_t n, const char *w) {
    for (size_t i = 0; i < n; i++)
        if (list[i] == w)
            return true;
    return false;
}

/* Units consumed by one occurrence of atomic element e at unit u (0: no match). */
static size_t match_unit(const matcher *m, const kx_elem *e, size_t u) {
    if (u >= m->n_units)
        return 0;
    const kx_unit *unit = &m->units[u];
    size_t consumed = 1;
    if (e->entity_mask != 0 && (unit->mention < 0 || !(e->entity_mask & (1u << unit->type))))
        return 0;
    if (e->token_test) {
        if (unit->mention >= 0)
            return 0;
        const kx_token *t = &m->toks[unit->t0];
        if (e->lex) {
            /* not inside a phrase of that class that began earlier: the
             * "chairman" of "deputy chairman" is no title of its own */
            for (size_t k = 1; k < KX_MAX_PHRASE && k <= unit->t0; k++)
                if (m->toks[unit->t0 - k].lx_len > k && (m->toks[unit->t0 - k].lx_cls & e->lex))
                    return 0;
            if ((t->lx_cls & e->lex) && t->lx_len > 1) {
                /* a phrase ("deputy chairman"): all its tokens must be free units */
                consumed = t->lx_len;
                for (size_t k = 1; k < consumed; k++)
                    if (u + k >= m->n_units || m->units[u + k].mention >= 0 ||
                        m->units[u + k].t0 != unit->t0 + k)
                        return 0;
            } else if (!(t->word_cls & e->lex))
                return 0;
        }
        if (e->n_lower && !in_words(e->lower, e->n_lower, t->lower))
            return 0;
        if (e->n_stem && !in_words(e->stem, e->n_stem, t->stem))
            return 0;
        if (e->n_punct) {
            bool hit = false;
            for (size_t i = 0; i < e->n_punct && t->kind == TK_PUNCT; i++)
                hit |= t->cp == e->punct[i];
            if (!hit)
                return 0;
        }
        if (e->shape == 1 && !(t->kind == TK_WORD && t->cap))
            return 0;
        if (e->shape == 2 && !(t->kind == TK_WORD && t->upper))
            return 0;
        if (e->shape == 3 && !(t->kind == TK_WORD && !t->cap))
            return 0;
        if (e->shape == 4 && t->kind != TK_NUM)
            return 0;
        if (e->script && !(t->script & e->script))
            return 0;
    } else if (e->entity_mask == 0 && !e->any && e->negated == NULL) {
        return 0;
    }
    if (e->negated != NULL && match_unit(m, e->negated, u) > 0)
        return 0;
    if (e->not_after) {
        size_t t0 = unit->t0;
        for (size_t k = 1; k <= (size_t)e->not_after_within && k <= t0; k++)
            if ((m->toks[t0 - k].word_cls | m->toks[t0 - k].lx_cls) & e->not_after)
                return 0;
    }
    return consumed;
}

typedef struct cont {
    bool repeat; /* after one iteration of a repeated group */
    const kx_elem *elems;
    size_t n, idx;
    const kx_elem *elem; /* repeat: the group element */
    int count;
    size_t start;
    const struct cont *next;
} cont;

static bool run(matcher *m, const kx_elem *elems, size_t n, size_t idx, size_t u, const cont *k);

static bool rep(matcher *m, const kx_elem *e, int count, size_t u, const kx_elem *elems, size_t n,
                size_t idx, const cont *k) {
    if (++m->steps > KX_MAX_STEPS)
        return false;
    if (count < e->max) {
        if (e->group != NULL) {
            cont c = {true, elems, n, idx, e, count + 1, u, k};
            if (run(m, e->group, e->n_group, 0, u, &c))
                return true;
        } else {
            size_t used = match_unit(m, e, u);
            if (used > 0 && m->depth + used <= 64) {
                size_t saved = m->depth;
                /* every unit the element consumed: a phrase's last unit ends
                 * the span of a role such as "Executive Council" */
                for (size_t c = 0; e->capture >= 0 && c < used; c++) {
                    m->stack_unit[m->depth] = u + c;
                    m->stack_cap[m->depth] = e->capture;
                    m->depth++;
                }
                if (rep(m, e, count + 1, u + used, elems, n, idx, k))
                    return true;
                m->depth = saved;
            }
        }
    }
    if (count >= e->min)
        return run(m, elems, n, idx + 1, u, k);
    return false;
}

static bool run(matcher *m, const kx_elem *elems, size_t n, size_t idx, size_t u, const cont *k) {
    if (idx < n)
        return rep(m, &elems[idx], 0, u, elems, n, idx, k);
    if (k == NULL) {
        m->end = u;
        return true;
    }
    /* one iteration of a repeated group is done: repeat again unless it
     * consumed nothing, which would loop */
    int count = u == k->start ? k->elem->max : k->count;
    if (count >= k->elem->max)
        return k->count >= k->elem->min && run(m, k->elems, k->n, k->idx + 1, u, k->next);
    return rep(m, k->elem, count, u, k->elems, k->n, k->idx, k->next);
}

static kg_status report(matcher *m, const kx_rule *r, kx_match_fn fn, void *ctx) {
    size_t store[KX_MAX_CAPTURES][64];
    size_t counts[KX_MAX_CAPTURES] = {0};
    size_t *lists[KX_MAX_CAPTURES];
    for (size_t c = 0; c < KX_MAX_CAPTURES; c++)
        lists[c] = store[c];
    for (size_t i = 0; i < m->depth; i++) {
        int c = m->stack_cap[i];
        if (counts[c] < 64)
            store[c][counts[c]++] = m->stack_unit[i];
    }
    return fn(ctx, r, lists, counts);
}

static bool could_start(const kx_rule *r, const kx_token *toks, const kx_unit *unit) {
    if (r->starts_anywhere)
        return true;
    const kx_elem *e = &r->pattern[0];
    if (e->entity_mask != 0)
        return unit->mention >= 0 && (e->entity_mask & (1u << unit->type));
    if (unit->mention >= 0)
        return false;
    const kx_token *t = &toks[unit->t0];
    if (e->lex)
        return ((t->word_cls | t->lx_cls) & e->lex) != 0;
    if (e->n_lower)
        return in_words(e->lower, e->n_lower, t->lower);
    return true;
}

/* Whether what rule r needs of the units it would match (kx_rule.need_*)
 * is among these entity types and classes. */
static bool needs_met(const kx_rule *r, uint32_t types, uint64_t classes) {
    for (size_t k = 0; k < r->n_need_entities; k++)
        if ((r->need_entities[k] & types) == 0)
            return false;
    for (size_t k = 0; k < r->n_need_lex; k++)
        if ((r->need_lex[k] & classes) == 0)
            return false;
    return true;
}

/* Sentences of at most this many units keep their suffix summaries on the stack. */
#define KX_LOCAL_UNITS 256

kg_status kx_rules_match(const kx_rules *rules, const kx_token *toks, const kx_unit *units,
                         size_t n_units, uint64_t sentence_classes, bool entity_phase,
                         kx_match_fn fn, void *ctx) {
    /* The rules of this phase whose sentence conditions hold, in rule order,
     * picked once per sentence instead of once per unit. */
    const kx_rule *local[64];
    const kx_rule **cands = local;
    size_t n_cands = 0;
    kg_status st = KG_OK;
    /* The entity types of the mentions and the classes of the plain tokens
     * from each unit to the end: a match starting at unit u takes all of its
     * mandatory elements from there, so a rule whose needs are not there
     * cannot match at u (and is not tried: same results, fewer steps). */
    uint32_t local_types[KX_LOCAL_UNITS + 1];
    uint64_t local_classes[KX_LOCAL_UNITS + 1];
    uint32_t *types_from = local_types;
    uint64_t *classes_from = local_classes;
    if (rules->n > sizeof local / sizeof *local &&
        (cands = malloc(rules->n * sizeof *cands)) == NULL)
        return KG_ERR_NOMEM;
    uint32_t sentence_types = 0;
    for (size_t u = 0; u < n_units; u++)
        if (units[u].mention >= 0)
            sentence_types |= 1u << units[u].type;
    for (size_t i = 0; i < rules->n; i++) {
        const kx_rule *r = rules->rules[i];
        if (r->entity_phase == entity_phase &&
            (r->when_has == 0 || (r->when_has & sentence_classes) != 0) &&
            (r->when_lacks & sentence_classes) == 0 &&
            needs_met(r, sentence_types, sentence_classes))
            cands[n_cands++] = r;
    }
    if (n_cands == 0)
        goto cleanup;
    if (n_units > KX_LOCAL_UNITS) {
        types_from = malloc((n_units + 1) * sizeof *types_from);
        classes_from = malloc((n_units + 1) * sizeof *classes_from);
        if (types_from == NULL || classes_from == NULL) {
            st = KG_ERR_NOMEM;
            goto cleanup;
        }
    }
    types_from[n_units] = 0;
    classes_from[n_units] = 0;
    for (size_t u = n_units; u-- > 0;) {
        types_from[u] = types_from[u + 1];
        classes_from[u] = classes_from[u + 1];
        if (units[u].mention >= 0)
            types_from[u] |= 1u << units[u].type;
        else
            classes_from[u] |= toks[units[u].t0].word_cls | toks[units[u].t0].lx_cls;
    }
    /* the stacks are written before they are read: left uninitialised */
    matcher m;
    m.toks = toks;
    m.units = units;
    m.n_units = n_units;
    for (size_t u = 0; u < n_units; u++) {
        for (size_t i = 0; i < n_cands; i++) {
            const kx_rule *r = cands[i];
            if (!could_start(r, toks, &units[u]) || !needs_met(r, types_from[u], classes_from[u]))
                continue;
            m.depth = 0;
            m.steps = 0;
            if (run(&m, r->pattern, r->n_pattern, 0, u, NULL) &&
                (st = report(&m, r, fn, ctx)) != KG_OK)
                goto cleanup;
        }
    }
cleanup:
    if (cands != local)
        free(cands);
    if (types_from != local_types)
        free(types_from);
    if (classes_from != local_classes)
        free(classes_from);
    return st;
}
