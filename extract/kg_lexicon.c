/* kg_lexicon.c — the extractor's word lists, compiled from the built-in
 * the JSON files in extract/data into one phrase table keyed by stems.
 *
 * Every phrase (a title, an organisation head noun, a place, a cue word) is
 * tokenised and stemmed exactly like document text, so "Председателем" in a
 * text meets "председатель" in the lexicon through their common stem. */
#include "kg_extract_internal.h"

#include <jansson.h>
#include <libstemmer.h>
#include <stdlib.h>
#include <string.h>

const unsigned char *kg_builtin_data(const char *name, size_t *len);

typedef struct phrase_slot {
    const char *key; /* pooled stems joined by ' ' */
    size_t key_len;
    uint64_t hash;
    const kx_entry **entries;
    size_t n_entries;
} phrase_slot;

typedef struct named_list {
    const char *name;
    const char **items;
    size_t *bytes, *cps; /* of each item, measured once for the callers */
    size_t n;
} named_list;

typedef struct named_rules {
    const char *name;
    kx_morph_rule *rules;
    size_t n;
} named_rules;

/* First stems of phrases (pooled pointers) with the longest phrase length
 * starting with them: most tokens start no phrase, and this answers that
 * with one pointer lookup instead of hashing strings. */
typedef struct first_slot {
    const char *stem;
    size_t max_len;
} first_slot;

/* The first two stems (pooled) of a phrase of two tokens or more: most
 * tokens that start a phrase start none of those with the token after them,
 * and this answers that with one pointer lookup instead of a key. */
typedef struct pair_slot {
    const char *first, *second; /* first NULL: empty */
} pair_slot;

#define KX_LIST_SLOTS 256 /* far more than the named lists of the data files */

struct kx_lexicon {
    first_slot *firsts;
    size_t n_firsts, used_firsts;
    /* pooled lower-case forms of one Cyrillic word that name a place or a
     * well-known body, with their generated case forms: kx_lexicon_proper_form */
    first_slot *proper;
    size_t n_proper, used_proper;
    pair_slot *pairs;
    size_t n_pairs, used_pairs;
    phrase_slot *slots;
    size_t n_slots, used;
    kx_entry **entries; /* every entry, owned */
    size_t n_entries, cap_entries;
    named_list *lists;
    size_t n_lists;
    /* lists by name (list_slot), index + 1 or 0: kx_lexicon_list runs per token */
    uint16_t list_index[KX_LIST_SLOTS];
    named_rules *rules;
    size_t n_rules;
    const char *month_names[64]; /* pooled lower-case forms */
    int month_numbers[64];
    size_t n_months;
    /* month_names by kx_ptr_hash, index + 1 or 0 (the first of equal names):
     * kx_lexicon_month runs per token */
    uint8_t month_index[128];
    json_t *morph;            /* ru_morph.json, owned */
    const json_t *declension; /* its "declension" rules: see add_form */
    uint64_t generation;      /* kx_lexicon_generation: 1 + phrases added */
};

/* ---- phrase table ------------------------------------------------------------- */

kg_status kx_table_grow(void **slots, size_t *n_slots, size_t slot_size, size_t initial,
                        const void *(*key)(const void *slot), size_t (*hash)(const void *slot)) {
    size_t n = *n_slots ? *n_slots * 2 : initial;
    char *grown = calloc(n, slot_size);
    if (grown == NULL)
        return KG_ERR_NOMEM;
    const char *old = *slots;
    for (size_t i = 0; i < *n_slots; i++) {
        const void *slot = old + i * slot_size;
        if (key(slot) == NULL)
            continue;
        size_t j = hash(slot) & (n - 1);
        while (key(grown + j * slot_size) != NULL)
            j = (j + 1) & (n - 1);
        memcpy(grown + j * slot_size, slot, slot_size);
    }
    free(*slots);
    *slots = grown;
    *n_slots = n;
    return KG_OK;
}

static const void *phrase_key(const void *slot) {
    return ((const phrase_slot *)slot)->key;
}

static size_t phrase_hash(const void *slot) {
    return (size_t)((const phrase_slot *)slot)->hash;
}

static kg_status table_grow(kx_lexicon *lex) {
    return kx_table_grow((void **)&lex->slots, &lex->n_slots, sizeof *lex->slots, 1024, phrase_key,
                         phrase_hash);
}

static phrase_slot *table_find(const kx_lexicon *lex, const char *key, size_t len) {
    if (lex->n_slots == 0)
        return NULL;
    uint64_t h = kg_hash_fast(key, len);
    size_t j = (size_t)h & (lex->n_slots - 1);
    while (lex->slots[j].key != NULL) {
        phrase_slot *s = &lex->slots[j];
        if (s->hash == h && s->key_len == len && kx_same_bytes(s->key, key, len))
            return s;
        j = (j + 1) & (lex->n_slots - 1);
    }
    return &lex->slots[j];
}

static kg_status table_add(kx_lexicon *lex, kg_strpool *pool, const char *key, size_t len,
                           const kx_entry *entry) {
    if ((lex->used + 1) * 2 > lex->n_slots && table_grow(lex) != KG_OK)
        return KG_ERR_NOMEM;
    phrase_slot *s = table_find(lex, key, len);
    if (s->key == NULL) {
        s->key = kg_strpool_intern(pool, key, len);
        if (s->key == NULL)
            return KG_ERR_NOMEM;
        s->key_len = len;
        s->hash = kg_hash_fast(key, len);
        lex->used++;
    }
    for (size_t i = 0; i < s->n_entries; i++)
        if (s->entries[i] == entry)
            return KG_OK;
    const kx_entry **grown = realloc(s->entries, (s->n_entries + 1) * sizeof *grown);
    if (grown == NULL)
        return KG_ERR_NOMEM;
    grown[s->n_entries++] = entry;
    s->entries = grown;
    return KG_OK;
}

static const void *first_key(const void *slot) {
    return ((const first_slot *)slot)->stem;
}

static size_t first_hash(const void *slot) {
    return kx_ptr_hash(((const first_slot *)slot)->stem);
}

/* The slot of pooled string p in a table of first_slot keyed by pointer,
 * added if missing; NULL when out of memory. */
static first_slot *ptr_slot_add(first_slot **slots, size_t *n_slots, size_t *used, const char *p) {
    if ((*used + 1) * 2 > *n_slots && kx_table_grow((void **)slots, n_slots, sizeof **slots, 1024,
                                                    first_key, first_hash) != KG_OK)
        return NULL;
    size_t j = kx_ptr_hash(p) & (*n_slots - 1);
    while ((*slots)[j].stem != NULL && (*slots)[j].stem != p)
        j = (j + 1) & (*n_slots - 1);
    if ((*slots)[j].stem == NULL) {
        (*slots)[j].stem = p;
        (*used)++;
    }
    return &(*slots)[j];
}

/* The slot of pooled string p, or NULL. */
static const first_slot *ptr_slot_find(const first_slot *slots, size_t n_slots, const char *p) {
    if (n_slots == 0)
        return NULL;
    for (size_t j = kx_ptr_hash(p) & (n_slots - 1); slots[j].stem != NULL;
         j = (j + 1) & (n_slots - 1))
        if (slots[j].stem == p)
            return &slots[j];
    return NULL;
}

static kg_status firsts_add(kx_lexicon *lex, const char *stem, size_t len) {
    first_slot *f = ptr_slot_add(&lex->firsts, &lex->n_firsts, &lex->used_firsts, stem);
    if (f == NULL)
        return KG_ERR_NOMEM;
    if (len > f->max_len)
        f->max_len = len;
    return KG_OK;
}

static size_t pair_hash(const char *first, const char *second) {
    return kx_ptr_hash(first) ^ (kx_ptr_hash(second) * 31);
}

static const void *pair_key(const void *slot) {
    return ((const pair_slot *)slot)->first;
}

static size_t pair_slot_hash(const void *slot) {
    const pair_slot *p = slot;
    return pair_hash(p->first, p->second);
}

static kg_status pairs_add(kx_lexicon *lex, const char *first, const char *second) {
    if ((lex->used_pairs + 1) * 2 > lex->n_pairs &&
        kx_table_grow((void **)&lex->pairs, &lex->n_pairs, sizeof *lex->pairs, 1024, pair_key,
                      pair_slot_hash) != KG_OK)
        return KG_ERR_NOMEM;
    size_t mask = lex->n_pairs - 1;
    for (size_t j = pair_hash(first, second) & mask;; j = (j + 1) & mask) {
        pair_slot *p = &lex->pairs[j];
        if (p->first == first && p->second == second)
            return KG_OK;
        if (p->first == NULL) {
            *p = (pair_slot){first, second};
            lex->used_pairs++;
            return KG_OK;
        }
    }
}

bool kx_lexicon_pair(const kx_lexicon *lex, const char *first, const char *second) {
    if (lex->n_pairs == 0)
        return false;
    size_t mask = lex->n_pairs - 1;
    for (size_t j = pair_hash(first, second) & mask; lex->pairs[j].first != NULL;
         j = (j + 1) & mask)
        if (lex->pairs[j].first == first && lex->pairs[j].second == second)
            return true;
    return false;
}

uint64_t kx_lexicon_generation(const kx_lexicon *lex) {
    return lex->generation;
}

size_t kx_lexicon_first(const kx_lexicon *lex, const char *stem) {
    const first_slot *f = ptr_slot_find(lex->firsts, lex->n_firsts, stem);
    return f != NULL ? f->max_len : 0;
}

bool kx_lexicon_proper_form(const kx_lexicon *lex, const char *lower) {
    return ptr_slot_find(lex->proper, lex->n_proper, lower) != NULL;
}

const kx_entry *const *kx_lexicon_lookup(const kx_lexicon *lex, const char *key, size_t len,
                                         size_t *n) {
    const phrase_slot *s = table_find(lex, key, len);
    if (s == NULL || s->key == NULL) {
        *n = 0;
        return NULL;
    }
    *n = s->n_entries;
    return s->entries;
}

/* ---- building ------------------------------------------------------------------ */

static kx_entry *entry_new(kx_lexicon *lex, uint64_t cls) {
    if (lex->n_entries == lex->cap_entries) {
        size_t cap = lex->cap_entries ? lex->cap_entries * 2 : 256;
        kx_entry **grown = realloc(lex->entries, cap * sizeof *grown);
        if (grown == NULL)
            return NULL;
        lex->entries = grown;
        lex->cap_entries = cap;
    }
    kx_entry *e = calloc(1, sizeof *e);
    if (e == NULL)
        return NULL;
    e->cls = cls;
    lex->entries[lex->n_entries++] = e;
    return e;
}

/* Registers one written form of entry: tokenise, join the stems, add. */
static kg_status add_phrase(kx_lexicon *lex, kg_extractor *ex, const char *form,
                            const kx_entry *entry) {
    kx_token *toks = NULL;
    size_t n = 0;
    kg_status st = kx_tokenize(ex, form, strlen(form), &toks, &n, NULL);
    if (st != KG_OK)
        return st;
    char key[512];
    size_t len = 0, words = 0;
    for (size_t i = 0; i < n && i < KX_MAX_PHRASE; i++, words++) {
        size_t sl = strlen(toks[i].stem);
        if (len + sl + 2 >= sizeof key)
            break;
        if (i > 0)
            key[len++] = ' ';
        memcpy(key + len, toks[i].stem, sl);
        len += sl;
    }
    const char *first = n > 0 ? toks[0].stem : NULL, *second = n > 1 ? toks[1].stem : NULL;
    const char *proper = n == 1 && toks[0].script == SC_CYRILLIC &&
                                 ((entry->cls & (LX_PLACE | LX_KNOWN_ORG)) || entry->exact)
                             ? toks[0].lower
                             : NULL;
    free(toks);
    if (len == 0 || n > KX_MAX_PHRASE)
        return KG_OK;
    if (proper != NULL &&
        ptr_slot_add(&lex->proper, &lex->n_proper, &lex->used_proper, proper) == NULL)
        return KG_ERR_NOMEM;
    lex->generation++;
    if ((st = firsts_add(lex, first, n)) != KG_OK ||
        (words >= 2 && (st = pairs_add(lex, first, second)) != KG_OK))
        return st;
    return table_add(lex, ex->pool, key, len, entry);
}

static bool has_cyrillic(const char *s) {
    size_t pos = 0, len = strlen(s);
    while (pos < len) {
        int32_t cp = kg_utf8_next(s, len, &pos);
        if (kg_cp_is_cyrillic(cp))
            return true;
    }
    return false;
}

/* Whether s has an upper-case letter. */
static bool has_capital(const char *s) {
    size_t pos = 0, len = strlen(s);
    while (pos < len)
        if (kg_cp_is_upper(kg_utf8_next(s, len, &pos)))
            return true;
    return false;
}

/* Code points of s. */
static size_t utf8_letters(const char *s) {
    size_t n = 0, pos = 0, len = strlen(s);
    while (pos < len) {
        kg_utf8_next(s, len, &pos);
        n++;
    }
    return n;
}

/* Whether the last letter of s is a Russian consonant (not a vowel, ь or й). */
static bool ends_in_consonant(const char *s) {
    size_t len = strlen(s), pos = 0;
    int32_t last = -1;
    while (pos < len)
        last = kg_utf8_next(s, len, &pos);
    if (!kg_cp_is_cyrillic(last))
        return false;
    int32_t lower = kg_cp_tolower(last);
    static const int32_t not_consonants[] = {0x430, 0x435, 0x451, 0x438, 0x43E, 0x443, 0x44B,
                                             0x44D, 0x44E, 0x44F, 0x44C, 0x439}; /* аеёиоуыэюяьй */
    for (size_t i = 0; i < sizeof not_consonants / sizeof *not_consonants; i++)
        if (lower == not_consonants[i])
            return false;
    return true;
}

/* The case forms of a one-word Russian form of four letters or more, by
 * the rules of decl (ru_morph.json "declension"), added as phrases of e.  A
 * hyphenated name is one word whose last part declines: Улан-Баторе. */
static kg_status add_declined(kx_lexicon *lex, kg_extractor *ex, const json_t *decl, const char *ru,
                              const kx_entry *e) {
    if (decl == NULL || strchr(ru, ' ') != NULL || utf8_letters(ru) < 4 || !has_cyrillic(ru))
        return KG_OK;
    size_t len = strlen(ru), i;
    json_t *rule;
    json_array_foreach(json_object_get(decl, "rules"), i, rule) {
        const char *ending = json_string_value(json_object_get(rule, "ending"));
        size_t el = ending != NULL ? strlen(ending) : 0;
        if (ending == NULL || el >= len || strcmp(ru + len - el, ending) != 0 ||
            (el == 0 && !ends_in_consonant(ru)))
            continue;
        size_t k;
        json_t *form;
        json_array_foreach(json_object_get(rule, "forms"), k, form) {
            const char *suffix = json_string_value(form);
            char buf[256];
            if (suffix == NULL ||
                snprintf(buf, sizeof buf, "%.*s%s", (int)(len - el), ru, suffix) >= (int)sizeof buf)
                continue;
            kg_status st = add_phrase(lex, ex, buf, e);
            if (st != KG_OK)
                return st;
        }
        break;
    }
    return KG_OK;
}

/* The classes of nouns whose case forms are generated: verbs and
 * participles among the cue words are not declined ("заключен" is not
 * "заключения"). */
#define KX_DECLINED                                                                                \
    (LX_PLACE | LX_KNOWN_ORG | LX_TITLE | LX_ORG_HEAD | LX_ORGAN | LX_AGREEMENT | LX_EVENT)

/* A form of entry, and for a one-word Russian noun its case forms too:
 * Snowball stems proper names and some nouns unpredictably (Ереван →
 * ерева but Ереване → ереван; визит → виз but визитом → визит), so every
 * case form gets a key of its own. */
static kg_status add_form(kx_lexicon *lex, kg_extractor *ex, const char *form,
                          const kx_entry *entry) {
    kg_status st = add_phrase(lex, ex, form, entry);
    if (st != KG_OK || (entry->cls & KX_DECLINED) == 0)
        return st;
    return add_declined(lex, ex, lex->declension, form, entry);
}

static kg_status parse_error(kg_error *err, const char *file, const char *what) {
    return kg_error_set(err, KG_ERR_PARSE, file, 0, 0, "built-in lexicon: %s", what);
}

static json_t *load_data(const char *file, kg_error *err) {
    size_t len = 0;
    const unsigned char *data = kg_builtin_data(file, &len);
    if (data == NULL) {
        parse_error(err, file, "missing from the build");
        return NULL;
    }
    json_error_t jerr;
    json_t *root = json_loadb((const char *)data, len, 0, &jerr);
    if (root == NULL)
        kg_error_set(err, KG_ERR_PARSE, file, (size_t)jerr.line, (size_t)jerr.column, "%s",
                     jerr.text);
    return root;
}

/* An entry per form list item: {"forms": [...], ...} objects. */
/* Entries with written forms: [{"forms": [...], "role"?, "head"?,
 * "gender"?}] (titles, organisation heads). */
static kg_status add_form_entries(kx_lexicon *lex, kg_extractor *ex, json_t *entries, uint64_t cls,
                                  const char *file, kg_error *err) {
    size_t i;
    json_t *item;
    if (!json_is_array(entries))
        return parse_error(err, file, "entries must be an array");
    json_array_foreach(entries, i, item) {
        json_t *forms = json_object_get(item, "forms");
        const char *role = json_string_value(json_object_get(item, "role"));
        const char *gender = json_string_value(json_object_get(item, "gender"));
        if (!json_is_array(forms))
            return parse_error(err, file, "an entry without a \"forms\" array");
        size_t k;
        json_t *form;
        json_array_foreach(forms, k, form) {
            const char *f = json_string_value(form);
            if (f == NULL)
                return parse_error(err, file, "a form that is not a string");
            kx_entry *e = entry_new(lex, cls);
            if (e == NULL)
                return KG_ERR_NOMEM;
            e->name = kg_strpool_cstr(ex->pool, f);
            e->lemma = e->name;
            e->role = role != NULL ? kg_strpool_cstr(ex->pool, role) : NULL;
            if (e->name == NULL || (role != NULL && e->role == NULL))
                return KG_ERR_NOMEM;
            e->gender = gender != NULL ? gender[0] : 0;
            e->head_role = json_is_true(json_object_get(item, "head"));
            e->cyrillic = has_cyrillic(f);
            e->exact = has_capital(f);
            kg_status st = add_form(lex, ex, f, e);
            if (st != KG_OK)
                return st;
        }
    }
    return KG_OK;
}

static kg_status load_form_entries(kx_lexicon *lex, kg_extractor *ex, const char *file,
                                   uint64_t cls, kg_error *err) {
    json_t *root = load_data(file, err);
    if (root == NULL)
        return KG_ERR_PARSE;
    kg_status st = add_form_entries(lex, ex, json_object_get(root, "entries"), cls, file, err);
    json_decref(root);
    return st;
}

/* Slot of a list name in list_index: names are short and few, so their
 * length and two bytes spread them well enough. */
static size_t list_slot(const char *name) {
    size_t len = strlen(name);
    return len == 0 ? 0
                    : (len * 31 + (unsigned char)name[0] * 7 + (unsigned char)name[len - 1]) %
                          KX_LIST_SLOTS;
}

static kg_status add_plain_list(kx_lexicon *lex, kg_strpool *pool, const char *name, json_t *arr) {
    named_list *grown = realloc(lex->lists, (lex->n_lists + 1) * sizeof *grown);
    if (grown == NULL)
        return KG_ERR_NOMEM;
    lex->lists = grown;
    named_list *list = &lex->lists[lex->n_lists++];
    list->name = name;
    list->n = 0;
    size_t j = list_slot(name);
    for (size_t k = 0; k < KX_LIST_SLOTS && lex->n_lists < KX_LIST_SLOTS; k++) {
        if (lex->list_index[j] == 0) {
            lex->list_index[j] = (uint16_t)lex->n_lists;
            break;
        }
        j = (j + 1) % KX_LIST_SLOTS;
    }
    list->items = calloc(json_array_size(arr) + 1, sizeof *list->items);
    list->bytes = calloc(json_array_size(arr) + 1, sizeof *list->bytes);
    list->cps = calloc(json_array_size(arr) + 1, sizeof *list->cps);
    if (list->items == NULL || list->bytes == NULL || list->cps == NULL)
        return KG_ERR_NOMEM;
    size_t i;
    json_t *v;
    json_array_foreach(arr, i, v) {
        if (json_string_value(v) == NULL)
            continue;
        if ((list->items[list->n] = kg_strpool_cstr(pool, json_string_value(v))) == NULL)
            return KG_ERR_NOMEM;
        list->bytes[list->n] = strlen(list->items[list->n]);
        list->cps[list->n] = utf8_letters(list->items[list->n]);
        list->n++;
    }
    return KG_OK;
}

/* Word lists: {"name": ["form", ...]} pairs mapped to classes, and kept by
 * name for kx_lexicon_list. */
static kg_status load_lists(kx_lexicon *lex, kg_extractor *ex, const char *file,
                            const char *const *names, const uint64_t *classes, size_t n_names,
                            kg_error *err) {
    kg_status st = KG_OK;
    json_t *root = load_data(file, err);
    if (root == NULL)
        return KG_ERR_PARSE;
    for (size_t i = 0; i < n_names; i++) {
        json_t *arr = json_object_get(root, names[i]);
        if (!json_is_array(arr)) {
            st = kg_error_set(err, KG_ERR_PARSE, file, 0, 0,
                              "built-in lexicon: \"%s\" must be an array", names[i]);
            goto cleanup;
        }
        if ((st = add_plain_list(lex, ex->pool, names[i], arr)) != KG_OK)
            goto cleanup;
        const named_list *list = &lex->lists[lex->n_lists - 1];
        for (size_t k = 0; k < list->n && classes[i] != 0; k++) {
            kx_entry *e = entry_new(lex, classes[i]);
            if (e == NULL || list->items[k] == NULL) {
                st = KG_ERR_NOMEM;
                goto cleanup;
            }
            e->name = e->lemma = list->items[k];
            e->cyrillic = has_cyrillic(list->items[k]);
            if ((st = add_form(lex, ex, list->items[k], e)) != KG_OK)
                goto cleanup;
        }
    }
cleanup:
    json_decref(root);
    return st;
}

/* Named things with their names and forms: [{"name", "ru"?, "forms"?}]
 * (places, well-known bodies). */
static kg_status add_named(kx_lexicon *lex, kg_extractor *ex, json_t *arr, uint64_t cls,
                           const char *file, kg_error *err) {
    size_t i;
    json_t *item;
    if (!json_is_array(arr))
        return parse_error(err, file, "named entries must be an array");
    json_array_foreach(arr, i, item) {
        const char *name = json_string_value(json_object_get(item, "name"));
        const char *ru = json_string_value(json_object_get(item, "ru"));
        if (name == NULL)
            return parse_error(err, file, "an entry without a \"name\"");
        kx_entry *e = entry_new(lex, cls);
        if (e == NULL)
            return KG_ERR_NOMEM;
        e->name = kg_strpool_cstr(ex->pool, name);
        e->name_ru = ru != NULL ? kg_strpool_cstr(ex->pool, ru) : NULL;
        e->lemma = e->name;
        if (e->name == NULL || (ru != NULL && e->name_ru == NULL))
            return KG_ERR_NOMEM;
        kg_status st = add_form(lex, ex, name, e);
        if (st == KG_OK && ru != NULL)
            st = add_form(lex, ex, ru, e);
        size_t k;
        json_t *form;
        json_array_foreach(json_object_get(item, "forms"), k, form) {
            const char *f = json_string_value(form);
            if (st == KG_OK && f != NULL)
                st = add_form(lex, ex, f, e);
        }
        if (st != KG_OK)
            return st;
    }
    return KG_OK;
}

/* Gazetteer-like files: {"<key>": [{"name", "ru", "forms": [...]}]}. */
static kg_status load_named(kx_lexicon *lex, kg_extractor *ex, const char *file, const char *key,
                            uint64_t cls, kg_error *err) {
    json_t *root = load_data(file, err);
    if (root == NULL)
        return KG_ERR_PARSE;
    kg_status st = add_named(lex, ex, json_object_get(root, key), cls, file, err);
    json_decref(root);
    return st;
}

static kg_status load_rules(kx_lexicon *lex, kg_strpool *pool, const char *name, json_t *arr) {
    named_rules *grown = realloc(lex->rules, (lex->n_rules + 1) * sizeof *grown);
    if (grown == NULL)
        return KG_ERR_NOMEM;
    lex->rules = grown;
    named_rules *r = &lex->rules[lex->n_rules++];
    r->name = name;
    r->n = 0;
    r->rules = calloc(json_array_size(arr) + 1, sizeof *r->rules);
    if (r->rules == NULL)
        return KG_ERR_NOMEM;
    size_t i;
    json_t *item;
    json_array_foreach(arr, i, item) {
        const char *from = json_string_value(json_object_get(item, "from"));
        const char *to = json_string_value(json_object_get(item, "to"));
        const char *c = json_string_value(json_object_get(item, "case"));
        if (from == NULL || to == NULL)
            continue;
        kx_morph_rule *m = &r->rules[r->n];
        m->from = kg_strpool_cstr(pool, from);
        m->to = kg_strpool_cstr(pool, to);
        if (m->from == NULL || m->to == NULL)
            return KG_ERR_NOMEM;
        m->from_len = strlen(m->from);
        m->from_cps = utf8_letters(m->from);
        r->n++;
        m->gram_case = c != NULL ? c[0] : 'a';
        m->after_vowel = json_is_true(json_object_get(item, "after_vowel"));
    }
    return KG_OK;
}

static kg_status load_morph(kx_lexicon *lex, kg_extractor *ex, kg_error *err) {
    static const char *const adj[] = {"adj_f", "adj_m", "adj_n"};
    static const char *const cues[] = {"cue_ins", "cue_gen", "cue_dat", "cue_pre"};
    static const char *const ends[] = {"title_ins", "title_gen", "title_dat"};
    json_t *verbs = NULL;
    kg_status st = KG_OK;
    json_t *root = load_data("ru_morph.json", err);
    if (root == NULL)
        return KG_ERR_PARSE;
    if ((st = load_rules(lex, ex->pool, "surname", json_object_get(root, "surname"))) != KG_OK ||
        (st = load_rules(lex, ex->pool, "first_name", json_object_get(root, "first_name"))) !=
            KG_OK)
        goto cleanup;
    json_t *a = json_object_get(root, "adjective");
    for (int g = 0; g < 3; g++)
        if ((st = load_rules(lex, ex->pool, adj[g], json_object_get(a, adj[g] + 4))) != KG_OK)
            goto cleanup;
    if ((st = add_plain_list(lex, ex->pool, "soft_stems", json_object_get(a, "soft_stems"))) !=
        KG_OK)
        goto cleanup;
    json_t *cc = json_object_get(root, "case_cues");
    for (int c = 0; c < 4; c++)
        if ((st = add_plain_list(lex, ex->pool, cues[c], json_object_get(cc, cues[c] + 4))) !=
            KG_OK)
            goto cleanup;
    json_t *te = json_object_get(root, "title_case_endings");
    for (int c = 0; c < 3; c++)
        if ((st = add_plain_list(lex, ex->pool, ends[c], json_object_get(te, ends[c] + 6))) !=
            KG_OK)
            goto cleanup;
    verbs = json_object_get(root, "verb_endings");
    if ((st = add_plain_list(lex, ex->pool, "verb_endings", verbs)) != KG_OK)
        goto cleanup;
cleanup:
    json_decref(root);
    return st;
}

/* Month names and their numbers, for dates ("12 May 2024", "13 июля"). */
static kg_status load_months(kx_lexicon *lex, kg_extractor *ex, kg_error *err) {
    json_t *root = load_data("cues.json", err);
    if (root == NULL)
        return KG_ERR_PARSE;
    const char *key;
    json_t *v;
    kg_status st = KG_OK;
    json_object_foreach(json_object_get(root, "month_numbers"), key, v) {
        const char *lower = NULL, *stem = NULL;
        if (lex->n_months >= 64 || !json_is_integer(v))
            break;
        if ((st = kx_word_forms(ex, key, strlen(key), &lower, &stem)) != KG_OK)
            break;
        lex->month_names[lex->n_months] = lower;
        lex->month_numbers[lex->n_months++] = (int)json_integer_value(v);
        size_t j = kx_ptr_hash(lower) & 127;
        while (lex->month_index[j] != 0 && lex->month_names[lex->month_index[j] - 1] != lower)
            j = (j + 1) & 127;
        if (lex->month_index[j] == 0)
            lex->month_index[j] = (uint8_t)lex->n_months;
    }
    json_decref(root);
    return st;
}

kg_status kx_lexicon_new(kx_lexicon **out, kg_extractor *ex, kg_error *err) {
    static const char *const cue_names[] = {"function",
                                            "connector_of",
                                            "article",
                                            "and",
                                            "between",
                                            "with",
                                            "by",
                                            "in",
                                            "honorific",
                                            "sign",
                                            "not_done",
                                            "meet",
                                            "visit",
                                            "participate",
                                            "organize",
                                            "held",
                                            "member",
                                            "headquarters",
                                            "speech",
                                            "report",
                                            "month",
                                            "weekday",
                                            "not_name",
                                            "org_modifier",
                                            "aux",
                                            "agreement_modifier",
                                            "ordinal_suffix",
                                            "nationality"};
    static const uint64_t cue_classes[] = {LX_FUNCTION,
                                           LX_CONNECTOR_OF,
                                           LX_ARTICLE,
                                           LX_AND,
                                           LX_BETWEEN,
                                           LX_WITH,
                                           LX_BY,
                                           LX_IN,
                                           LX_HONORIFIC,
                                           LX_SIGN,
                                           LX_NOT_DONE,
                                           LX_MEET,
                                           LX_VISIT,
                                           LX_PARTICIPATE,
                                           LX_ORGANIZE,
                                           LX_HELD,
                                           LX_MEMBER,
                                           LX_HEADQUARTERS,
                                           LX_SPEECH,
                                           LX_REPORT,
                                           LX_MONTH,
                                           LX_WEEKDAY,
                                           LX_NOT_NAME,
                                           LX_ORG_MODIFIER,
                                           LX_AUX,
                                           LX_AGREEMENT_MODIFIER,
                                           0,
                                           LX_NATIONALITY};
    static const char *const agr_names[] = {"agreement", "event", "reference_only"};
    static const uint64_t agr_classes[] = {LX_AGREEMENT, LX_EVENT, LX_REFERENCE};
    static const char *const organ_names[] = {"organs"};
    static const uint64_t organ_classes[] = {LX_ORGAN};
    static const char *const name_lists[] = {"surname_suffixes",   "particles",
                                             "first_name_markers", "pronouns_masculine",
                                             "pronouns_feminine",  "both"};
    static const uint64_t name_classes[] = {0, LX_PARTICLE, 0, 0, 0, 0};

    kx_lexicon *lex = calloc(1, sizeof *lex);
    if (lex == NULL)
        return KG_ERR_NOMEM;
    if ((lex->morph = load_data("ru_morph.json", err)) == NULL) {
        free(lex);
        return KG_ERR_PARSE;
    }
    lex->declension = json_object_get(lex->morph, "declension");
    lex->generation = 1;
    kg_status st;
    if ((st = table_grow(lex)) != KG_OK ||
        (st = load_form_entries(lex, ex, "titles.json", LX_TITLE, err)) != KG_OK ||
        (st = load_form_entries(lex, ex, "org_heads.json", LX_ORG_HEAD, err)) != KG_OK ||
        (st = load_lists(lex, ex, "org_heads.json", organ_names, organ_classes, 1, err)) != KG_OK ||
        (st = load_lists(lex, ex, "agreements.json", agr_names, agr_classes, 3, err)) != KG_OK ||
        (st = load_lists(lex, ex, "cues.json", cue_names, cue_classes,
                         sizeof cue_names / sizeof *cue_names, err)) != KG_OK ||
        (st = load_lists(lex, ex, "names.json", name_lists, name_classes,
                         sizeof name_lists / sizeof *name_lists, err)) != KG_OK ||
        (st = load_named(lex, ex, "places.json", "places", LX_PLACE, err)) != KG_OK ||
        (st = load_named(lex, ex, "orgs.json", "organizations", LX_KNOWN_ORG, err)) != KG_OK ||
        (st = load_morph(lex, ex, err)) != KG_OK || (st = load_months(lex, ex, err)) != KG_OK) {
        kx_lexicon_free(lex);
        return st;
    }
    *out = lex;
    return KG_OK;
}

void kx_lexicon_free(kx_lexicon *lex) {
    if (lex == NULL)
        return;
    free(lex->firsts);
    free(lex->proper);
    free(lex->pairs);
    for (size_t i = 0; i < lex->n_slots; i++)
        free(lex->slots[i].entries);
    free(lex->slots);
    for (size_t i = 0; i < lex->n_entries; i++)
        free(lex->entries[i]);
    free(lex->entries);
    for (size_t i = 0; i < lex->n_lists; i++) {
        free(lex->lists[i].items);
        free(lex->lists[i].bytes);
        free(lex->lists[i].cps);
    }
    free(lex->lists);
    for (size_t i = 0; i < lex->n_rules; i++)
        free(lex->rules[i].rules);
    free(lex->rules);
    json_decref(lex->morph);
    free(lex);
}

kg_status kx_lexicon_add(kx_lexicon *lex, kg_extractor *ex, const char *text, size_t len,
                         const char *where, kg_error *err) {
    json_error_t jerr;
    json_t *root = json_loadb(text, len, JSON_REJECT_DUPLICATES, &jerr);
    if (root == NULL)
        return kg_error_set(err, KG_ERR_PARSE, where, (size_t)jerr.line, (size_t)jerr.column, "%s",
                            jerr.text);
    kg_status st = KG_OK;
    const char *key;
    json_t *v;
    if (!json_is_object(root))
        st = kg_error_set(err, KG_ERR_PARSE, where, 1, 0,
                          "a lexicon file is an object of CLASS: [entries]");
    json_object_foreach(root, key, v) {
        if (st != KG_OK)
            break;
        if (strcmp(key, "description") == 0)
            continue;
        uint64_t cls = kx_class_by_name(key);
        if (cls == 0) {
            st = kg_error_set(err, KG_ERR_PARSE, where, 0, 0, "unknown word class \"%s\"", key);
            break;
        }
        if (!json_is_array(v)) {
            st = kg_error_set(err, KG_ERR_PARSE, where, 0, 0, "\"%s\" must be an array", key);
            break;
        }
        if (cls & (LX_PLACE | LX_KNOWN_ORG)) {
            st = add_named(lex, ex, v, cls, where, err);
        } else if (json_is_object(json_array_get(v, 0))) {
            st = add_form_entries(lex, ex, v, cls, where, err);
        } else {
            /* plain words */
            for (size_t i = 0; i < json_array_size(v) && st == KG_OK; i++) {
                const char *w = json_string_value(json_array_get(v, i));
                kx_entry *e = w != NULL ? entry_new(lex, cls) : NULL;
                if (w == NULL)
                    st = kg_error_set(err, KG_ERR_PARSE, where, 0, 0,
                                      "\"%s\": item %zu is not a string", key, i + 1);
                else if (e == NULL)
                    st = KG_ERR_NOMEM;
                else {
                    e->name = e->lemma = kg_strpool_cstr(ex->pool, w);
                    e->cyrillic = has_cyrillic(w);
                    st = e->name != NULL ? add_form(lex, ex, w, e) : KG_ERR_NOMEM;
                }
            }
        }
    }
    json_decref(root);
    return st;
}

int kx_lexicon_month(const kx_lexicon *lex, const char *lower) {
    for (size_t j = kx_ptr_hash(lower) & 127; lex->month_index[j] != 0; j = (j + 1) & 127)
        if (lex->month_names[lex->month_index[j] - 1] == lower)
            return lex->month_numbers[lex->month_index[j] - 1];
    return 0;
}

const kx_morph_rule *kx_lexicon_rules(const kx_lexicon *lex, const char *kind, size_t *n) {
    for (size_t i = 0; i < lex->n_rules; i++) {
        if (strcmp(lex->rules[i].name, kind) == 0) {
            *n = lex->rules[i].n;
            return lex->rules[i].rules;
        }
    }
    *n = 0;
    return NULL;
}

static const named_list *find_list(const kx_lexicon *lex, const char *name) {
    for (size_t j = list_slot(name), k = 0; k < KX_LIST_SLOTS && lex->list_index[j] != 0; k++) {
        const named_list *list = &lex->lists[lex->list_index[j] - 1];
        if (strcmp(list->name, name) == 0)
            return list;
        j = (j + 1) % KX_LIST_SLOTS;
    }
    /* not indexed: only when a lexicon holds KX_LIST_SLOTS lists or more */
    for (size_t i = 0; i < lex->n_lists; i++)
        if (strcmp(lex->lists[i].name, name) == 0)
            return &lex->lists[i];
    return NULL;
}

const char *const *kx_lexicon_list(const kx_lexicon *lex, const char *name, size_t *n) {
    const named_list *list = find_list(lex, name);
    *n = list != NULL ? list->n : 0;
    return list != NULL ? list->items : NULL;
}

const char *const *kx_lexicon_list_measured(const kx_lexicon *lex, const char *name, size_t *n,
                                            const size_t **bytes, const size_t **cps) {
    const named_list *list = find_list(lex, name);
    *bytes = list != NULL ? list->bytes : NULL;
    *cps = list != NULL ? list->cps : NULL;
    *n = list != NULL ? list->n : 0;
    return list != NULL ? list->items : NULL;
}
