/* kg_resolve.c — cross-document entity resolution and relation merging.
 *
 * kg_resolver_add only records: one "mention" per document entity (type,
 * name, aliases, mention count, document) and one record per document
 * relation, with subject and object rewritten to global mention indices.
 * Nothing is compared until kg_resolver_finish, which runs in phases:
 *
 *   1. nodes        mentions with the same type, scope and normalised name
 *                   (kg_text_key) are one node: the unit of comparison;
 *   2. features     per node, from its names and aliases: a parsed person
 *                   name on phonetic forms of its transliteration; an
 *                   organisation's acronyms, initials, bags of content
 *                   words, places, level words and head noun; gazetteer
 *                   entries; the user's split tags; a person's posts;
 *   3. blocking     keys under which nodes may meet: every normalised name
 *                   and alias, a person's phonetic surname, acronym letters
 *                   and the initials of long forms, word bags, gazetteer
 *                   entries, a place's transliteration;
 *   4. linking      nodes sharing a key (within a sorted window of the
 *                   key's block, never all pairs) are judged by the rules:
 *                   a link is positive evidence with a rule and a score;
 *   5. clustering   links in descending score (ties in content order); two
 *                   clusters join only when every pair of their nodes is
 *                   compatible (complete linkage: no chains), and each
 *                   join is recorded for the audit trail.  In order: user
 *                   merges; organisations, places, agreements, events;
 *                   persons (organisation clusters as context); then
 *                   organisations headed by one person;
 *   6. clusters → entities: labels, aliases, documents, ids;
 *   7. relations mapped through the clusters and merged;
 *   8. documents and the audit trail.
 *
 * Complexity: O(n log n) in mentions, keys and relation records, plus at
 * most RESOLVE_WINDOW candidate pairs per key and RESOLVE_MAX_CHECKS
 * compatibility checks per join.  Every choice (node order, link order,
 * labels, ids, evidence order, role text) is made by content, so the
 * result does not depend on the order in which documents were added.
 *
 * Threads: phase 2, the person scores of phase 4 and phase 6 run on up to
 * kg_cpu_count() threads (run_ranges), each item computed from its own
 * inputs only and every decision that depends on others (links, joins) taken
 * in order on the calling thread, so the result does not depend on the
 * number of threads either.  Small inputs stay on the calling thread.
 *
 * The word lists and phonetic rules are data: the "resolution" section of
 * extract/data/translit.json, and the gazetteers places.json and orgs.json,
 * read once per resolver.
 *
 * Strings: the resolver stores the pooled pointers it is given and interns
 * the ids, language tags, rule names and details it makes; the pool must
 * outlive the resolver and the kg_resolved it produces.  Evidence texts are
 * the exception: copied into the spill file (or interned, in memory) by
 * kg_resolver_add, so the caller need not keep them.
 *
 * Memory: the relation records wait in a spill file (kg_spill.h) until
 * phase 7, and the tables of phases 1 to 5 are freed before phase 6, so the
 * largest of them never meet.
 */
#include "kg_resolve.h"
#include "kg_model_internal.h"

#include "kg_sort.h"
#include "kg_spill.h"
#include "kg_text.h"

#include <errno.h>
#include <jansson.h>
#include <pthread.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

const unsigned char *kg_builtin_data(const char *name, size_t *len);

/* Longest slug used in an entity id (bytes, before a collision suffix). */
#define RESOLVE_SLUG_MAX 80
/* Rounds of collision suffixes tried before giving up (each round re-hashes
 * with another seed; a second round already needs a 32-bit hash collision). */
#define RESOLVE_ID_ROUNDS 8
/* Sorted neighbourhood: within the block of one key, a node is compared with
 * the next RESOLVE_WINDOW nodes only, so a key shared by thousands of nodes
 * costs linear time. */
#define RESOLVE_WINDOW 16
/* A join needing more node-pair checks than this is refused: no cluster
 * grows beyond what can be verified pair by pair. */
#define RESOLVE_MAX_CHECKS 65536
/* Person names (docs/resolution.md): Jaro-Winkler on the phonetic forms. */
#define SURNAME_MIN 0.92
#define SURNAME_MAX_EDITS 2
#define FIRST_NAME_MIN 0.90
/* An acronym is inferred from the initials of a long form only from this
 * many letters on: two-letter initials match too much by chance. */
#define ACRONYM_MIN_LETTERS 3
/* Longest word (bytes of its transliteration) the phonetic code looks at;
 * the buffers hold twice as much, for rules that lengthen ("x" → "ks"). */
#define PHON_MAX 96
#define PHON_BUF (2 * PHON_MAX + 8)
/* Words of a name looked at (the rest are ignored). */
#define NAME_TOKENS_MAX 24

/* ---- audit rules ------------------------------------------------------------ */

typedef enum resolve_rule {
    RULE_USER = 0,
    RULE_EXACT,
    RULE_COREFERENCE,
    RULE_GAZETTEER,
    RULE_TRANSLIT,
    RULE_ACRONYM,
    RULE_EDIT,
    RULE_CONTEXT,
    RULE_COUNT
} resolve_rule;

static const char *const rule_names[RULE_COUNT] = {
    "user alias",      "exact",   "coreference",   "gazetteer",
    "transliteration", "acronym", "edit distance", "context"};

/* Scores of the rules whose evidence does not vary (docs/resolution.md). */
#define SCORE_ALIAS_ALIAS 0.95 /* two documents share an alias */
#define SCORE_GAZETTEER 0.95
#define SCORE_TRANSLIT 0.95
#define SCORE_ACRONYM 0.90
#define SCORE_CONTEXT 0.70

/* ---- arena: the many small strings and arrays of one resolution --------- */

typedef struct arena_block {
    struct arena_block *next;
    size_t used, cap;
    max_align_t data[];
} arena_block;

typedef struct resolve_arena {
    arena_block *head;
} resolve_arena;

#define ARENA_BLOCK ((size_t)64 * 1024)

/* n bytes aligned to align (a power of two ≤ alignof(max_align_t)); NULL
 * when out of memory.  Freed all at once by arena_free. */
static void *arena_alloc(resolve_arena *a, size_t n, size_t align) {
    if (n == 0)
        n = 1;
    arena_block *b = a->head;
    size_t at = b != NULL ? (b->used + align - 1) & ~(align - 1) : 0;
    if (b == NULL || at > b->cap || b->cap - at < n) {
        if (n > ARENA_BLOCK / 4) {
            /* A large request gets a block of its own, kept behind the
             * current one so that the current one stays in use. */
            arena_block *big = malloc(sizeof *big + n);
            if (big == NULL)
                return NULL;
            big->cap = big->used = n;
            if (b == NULL) {
                big->next = NULL;
                a->head = big;
            } else {
                big->next = b->next;
                b->next = big;
            }
            return big->data;
        }
        b = malloc(sizeof *b + ARENA_BLOCK);
        if (b == NULL)
            return NULL;
        b->cap = ARENA_BLOCK;
        b->used = 0;
        b->next = a->head;
        a->head = b;
        at = 0;
    }
    b->used = at + n;
    return (char *)b->data + at;
}

#define ARENA_NEW(a, type, n) ((type *)arena_alloc((a), (n) * sizeof(type), _Alignof(type)))

static char *arena_strndup(resolve_arena *a, const char *s, size_t n) {
    char *p = arena_alloc(a, n + 1, 1);
    if (p != NULL) {
        memcpy(p, s, n);
        p[n] = '\0';
    }
    return p;
}

static char *arena_strdup(resolve_arena *a, const char *s) {
    return arena_strndup(a, s, strlen(s));
}

/* Moves a malloc'ed string into the arena (freeing it); NULL in, NULL out. */
static char *arena_take(resolve_arena *a, char *s) {
    if (s == NULL)
        return NULL;
    char *p = arena_strdup(a, s);
    free(s);
    return p;
}

static void arena_free(resolve_arena *a) {
    while (a->head != NULL) {
        arena_block *next = a->head->next;
        free(a->head);
        a->head = next;
    }
}

/* Moves every block of from into to (from is left empty). */
static void arena_adopt(resolve_arena *to, resolve_arena *from) {
    if (from->head == NULL)
        return;
    arena_block *tail = from->head;
    while (tail->next != NULL)
        tail = tail->next;
    tail->next = to->head;
    to->head = from->head;
    from->head = NULL;
}

/* ---- work on several threads -------------------------------------------------- */

/* Items [lo, hi) of a parallel pass, done by worker (0 .. workers - 1). */
typedef kg_status (*range_fn)(void *ctx, size_t worker, size_t lo, size_t hi);

typedef struct range_worker {
    range_fn fn;
    void *ctx;
    size_t worker, workers, n, chunk;
    kg_status status;
    pthread_t thread;
} range_worker;

/* Chunks worker, worker + workers, ... of [0, n): a fixed assignment, so
 * nothing is shared but ctx. */
static void *range_run(void *arg) {
    range_worker *w = arg;
    for (size_t lo = w->worker * w->chunk; lo < w->n && w->status == KG_OK;
         lo += w->workers * w->chunk) {
        size_t hi = w->n - lo > w->chunk ? lo + w->chunk : w->n;
        w->status = w->fn(w->ctx, w->worker, lo, hi);
    }
    return NULL;
}

#define RESOLVE_MAX_WORKERS 64

/* Workers for a pass over n items in chunks of chunk: threads (0: one per
 * CPU, kg_cpu_count), no more than there are chunks. */
static size_t range_workers(size_t threads, size_t n, size_t chunk) {
    size_t workers = threads > 0 ? threads : kg_cpu_count(), chunks = (n + chunk - 1) / chunk;
    if (workers > RESOLVE_MAX_WORKERS)
        workers = RESOLVE_MAX_WORKERS;
    if (workers > chunks)
        workers = chunks;
    return workers > 0 ? workers : 1;
}

/* Runs fn over [0, n) in chunks on workers threads (the calling thread is
 * worker 0; a worker whose thread cannot be started runs on the calling
 * thread afterwards).  Every item is done exactly once whatever workers
 * is, so a pass whose items are independent gives the same result on any
 * number of threads.  The first failure by worker order is returned. */
static kg_status run_ranges(range_fn fn, void *ctx, size_t n, size_t chunk, size_t workers) {
    range_worker w[RESOLVE_MAX_WORKERS];
    bool started[RESOLVE_MAX_WORKERS] = {false};
    for (size_t t = 0; t < workers; t++)
        w[t] = (range_worker){
            .fn = fn, .ctx = ctx, .worker = t, .workers = workers, .n = n, .chunk = chunk};
    for (size_t t = 1; t < workers; t++)
        started[t] = pthread_create(&w[t].thread, NULL, range_run, &w[t]) == 0;
    range_run(&w[0]);
    for (size_t t = 1; t < workers; t++) {
        if (started[t])
            pthread_join(w[t].thread, NULL);
        else
            range_run(&w[t]);
    }
    for (size_t t = 0; t < workers; t++)
        if (w[t].status != KG_OK)
            return w[t].status;
    return KG_OK;
}

/* ---- small helpers ---------------------------------------------------------- */

/* qsort that accepts an empty (possibly NULL) array. */
static void sort_items(void *base, size_t n, size_t size, int (*cmp)(const void *, const void *)) {
    if (n > 1)
        qsort(base, n, size, cmp);
}

static int cmp_cstr_ptr(const void *a, const void *b) {
    return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* Orders pointers by address: groups equal (interned) strings, in an order
 * that must not reach the output. */
static int cmp_pointer(const void *a, const void *b) {
    const void *const *pa = a, *const *pb = b;
    uintptr_t x = (uintptr_t)*pa, y = (uintptr_t)*pb;
    return (x > y) - (x < y);
}

static int cmp_size(const void *a, const void *b) {
    return kg_cmp_size(*(const size_t *)a, *(const size_t *)b);
}

/* Code points in valid UTF-8 (counts the bytes that start a sequence). */
static size_t utf8_length(const char *s) {
    size_t n = 0;
    for (const unsigned char *p = (const unsigned char *)s; *p != '\0'; p++)
        n += (*p & 0xC0) != 0x80;
    return n;
}

static bool has_cyrillic(const char *s) {
    size_t len = strlen(s), pos = 0;
    while (pos < len) {
        int32_t cp = kg_utf8_next(s, len, &pos);
        if (cp >= 0 && kg_cp_is_cyrillic(cp))
            return true;
    }
    return false;
}

static bool ends_with(const char *s, const char *suffix) {
    size_t n = strlen(s), m = strlen(suffix);
    return m <= n && memcmp(s + n - m, suffix, m) == 0;
}

static bool sorted_sets_intersect(const size_t *a, size_t na, const size_t *b, size_t nb) {
    for (size_t i = 0, j = 0; i < na && j < nb;) {
        if (a[i] == b[j])
            return true;
        if (a[i] < b[j])
            i++;
        else
            j++;
    }
    return false;
}

static bool sorted_sets_equal(const size_t *a, size_t na, const size_t *b, size_t nb) {
    return na == nb && (na == 0 || memcmp(a, b, na * sizeof *a) == 0);
}

/* Sorts and deduplicates a[0..*n). */
static void sort_unique_sizes(size_t *a, size_t *n) {
    sort_items(a, *n, sizeof *a, cmp_size);
    size_t k = 0;
    for (size_t i = 0; i < *n; i++)
        if (k == 0 || a[k - 1] != a[i])
            a[k++] = a[i];
    *n = k;
}

/* Lower-case ASCII letters and digits of the transliteration of s (len
 * bytes), at most PHON_MAX of them, into out[PHON_BUF]. */
static kg_status ascii_word(const char *s, size_t len, char *out) {
    char *latin = kg_text_translit(s, len);
    if (latin == NULL)
        return KG_ERR_NOMEM;
    size_t n = 0;
    for (const char *p = latin; *p != '\0' && n < PHON_MAX; p++) {
        char c = *p;
        if (c >= 'A' && c <= 'Z')
            c = (char)(c + 32);
        if ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9'))
            out[n++] = c;
    }
    out[n] = '\0';
    free(latin);
    return KG_OK;
}

/* Bytes of the first code point of s. */
static size_t first_cp_len(const char *s) {
    size_t pos = 0;
    kg_utf8_next(s, strlen(s), &pos);
    return pos;
}

/* ---- string similarity -------------------------------------------------------- */

/* The Jaro-Winkler similarity from the matches m, transpositions t and the
 * common prefix: one formula for both ways of counting them below. */
static double jaro_winkler_score(const char *a, size_t la, const char *b, size_t lb, size_t m,
                                 size_t t) {
    double md = (double)m;
    double jaro = (md / (double)la + md / (double)lb + (md - (double)t / 2.0) / md) / 3.0;
    size_t prefix = 0;
    while (prefix < 4 && prefix < la && prefix < lb && a[prefix] == b[prefix])
        prefix++;
    return jaro + (double)prefix * 0.1 * (1.0 - jaro);
}

/* jaro_winkler for two strings of at most 64 bytes, with the positions of
 * b as bits: each character of a takes the first unmatched equal character
 * of b in its window, as in the loop below, so m and t (hence the result)
 * are the same.  The person rules call it millions of times on a large
 * corpus. */
static double jaro_winkler_short(const char *a, size_t la, const char *b, size_t lb,
                                 size_t window) {
    uint64_t at[256];       /* positions of each byte of b: set for b's bytes only */
    uint64_t in_b[4] = {0}; /* which bytes b has */
    for (size_t j = 0; j < lb; j++) {
        unsigned char c = (unsigned char)b[j];
        if ((in_b[c >> 6] >> (c & 63) & 1) == 0) {
            in_b[c >> 6] |= (uint64_t)1 << (c & 63);
            at[c] = 0;
        }
        at[c] |= (uint64_t)1 << j;
    }
    uint64_t ma = 0, mb = 0;
    size_t m = 0;
    for (size_t i = 0; i < la; i++) {
        unsigned char c = (unsigned char)a[i];
        if ((in_b[c >> 6] >> (c & 63) & 1) == 0)
            continue;
        size_t lo = i > window ? i - window : 0, hi = i + window + 1 < lb ? i + window + 1 : lb;
        if (lo >= hi)
            continue;
        uint64_t below_hi = hi == 64 ? ~(uint64_t)0 : ((uint64_t)1 << hi) - 1;
        uint64_t free_eq = at[c] & ~mb & below_hi & ~(((uint64_t)1 << lo) - 1);
        if (free_eq != 0) {
            mb |= free_eq & -free_eq; /* the first in the window */
            ma |= (uint64_t)1 << i;
            m++;
        }
    }
    if (m == 0)
        return 0.0;
    size_t t = 0;
    for (uint64_t x = ma, y = mb; x != 0; x &= x - 1, y &= y - 1)
        t += a[__builtin_ctzll(x)] != b[__builtin_ctzll(y)];
    return jaro_winkler_score(a, la, b, lb, m, t);
}

/* Jaro-Winkler similarity of two short ASCII strings (prefix scale 0.1, at
 * most 4 prefix letters). */
static double jaro_winkler(const char *a, const char *b) {
    size_t la = strlen(a), lb = strlen(b);
    if (la >= PHON_BUF)
        la = PHON_BUF - 1;
    if (lb >= PHON_BUF)
        lb = PHON_BUF - 1;
    if (la == 0 || lb == 0)
        return la == lb ? 1.0 : 0.0;
    size_t window = (la > lb ? la : lb) / 2;
    window = window > 0 ? window - 1 : 0;
    if (la <= 64 && lb <= 64)
        return jaro_winkler_short(a, la, b, lb, window);
    bool ma[PHON_BUF], mb[PHON_BUF]; /* only [0, la) and [0, lb) are read */
    memset(ma, 0, la);
    memset(mb, 0, lb);
    size_t m = 0;
    for (size_t i = 0; i < la; i++) {
        size_t lo = i > window ? i - window : 0, hi = i + window + 1 < lb ? i + window + 1 : lb;
        for (size_t j = lo; j < hi; j++) {
            if (!mb[j] && a[i] == b[j]) {
                ma[i] = mb[j] = true;
                m++;
                break;
            }
        }
    }
    if (m == 0)
        return 0.0;
    size_t t = 0;
    for (size_t i = 0, k = 0; i < la; i++) {
        if (!ma[i])
            continue;
        while (!mb[k])
            k++;
        t += a[i] != b[k];
        k++;
    }
    return jaro_winkler_score(a, la, b, lb, m, t);
}

/* Levenshtein distance of two short ASCII strings, or limit + 1 when it
 * is more than limit (a band of width 2 * limit + 1 around the diagonal). */
static size_t levenshtein(const char *a, const char *b, size_t limit) {
    size_t la = strlen(a), lb = strlen(b);
    if (la >= PHON_BUF)
        la = PHON_BUF - 1;
    if (lb >= PHON_BUF)
        lb = PHON_BUF - 1;
    if ((la > lb ? la - lb : lb - la) > limit)
        return limit + 1;
    size_t row[PHON_BUF + 1];
    for (size_t j = 0; j <= lb; j++)
        row[j] = j;
    for (size_t i = 1; i <= la; i++) {
        size_t diag = row[0], lowest = i;
        row[0] = i;
        for (size_t j = 1; j <= lb; j++) {
            size_t up = row[j];
            size_t best = diag + (a[i - 1] != b[j - 1]);
            if (up + 1 < best)
                best = up + 1;
            if (row[j - 1] + 1 < best)
                best = row[j - 1] + 1;
            row[j] = best;
            diag = up;
            if (best < lowest)
                lowest = best;
        }
        if (lowest > limit)
            return limit + 1;
    }
    return row[lb] <= limit ? row[lb] : limit + 1;
}

/* ---- resolution data (translit.json "resolution", places.json, orgs.json) -- */

typedef struct lex_rule {
    const char *from, *to;
    size_t from_len, to_len;
} lex_rule;

/* A word of a class (organisation head or level): the whole word, or a
 * prefix when the data entry ends in '*'. */
typedef struct lex_word {
    const char *word;
    size_t len;
    unsigned id;
} lex_word;

typedef struct lex_words {
    lex_word *exact; /* sorted by word */
    size_t n_exact;
    lex_word *prefix;
    size_t n_prefix;
    const char **names; /* class names, by id */
    size_t n_names;
} lex_words;

/* A one-word place name, by its word skeleton and first three letters. */
typedef struct lex_place {
    const char *skeleton;
    char lead[4];
    size_t place;
} lex_place;

/* A gazetteer form by its matching key. */
typedef struct lex_form {
    const char *key;
    size_t entry;
} lex_form;

typedef struct lex_list {
    const char **items;
    size_t n;
} lex_list;

/* An entry of the glossary of organisation-name words: one or two English
 * words (case-folded keys; a word flagged prefix matches any word it
 * starts) and the first letter, transliterated, of the Russian word that
 * translates them.  It gives an English long form the letters of its
 * Russian acronym: "Federation of Independent Trade Unions of Russia" →
 * Федерация Независимых Профсоюзов России → "fnpr". */
typedef struct lex_gloss {
    const char *word[2]; /* word[1] NULL for one word */
    size_t len[2];
    bool prefix[2];
    char letters[8]; /* ascii_word of the Russian word's first letter */
} lex_gloss;

typedef struct resolve_lexicon {
    resolve_arena arena;
    lex_rule *alternatives, *rules;
    size_t n_alternatives, n_rules;
    char initial_class[128]; /* letter → representative of its equivalence class */
    lex_list function_words, particles, head_roles, head_of; /* sorted */
    lex_list patronymics, feminine, masculine;               /* phonetic forms */
    lex_words heads, levels;
    lex_gloss *gloss; /* two-word entries first */
    size_t n_gloss;
    lex_place *places; /* sorted by skeleton */
    size_t n_places;
    lex_form *place_forms, *org_forms; /* sorted by key */
    size_t n_place_forms, n_org_forms;
    const char **place_names, **org_names; /* English name of each entry */
    size_t n_place_names, n_org_names;
} resolve_lexicon;

static bool is_vowel(char c) {
    return c == 'a' || c == 'e' || c == 'i' || c == 'o' || c == 'u';
}

/* Replaces every occurrence of r->from in s (a PHON_BUF buffer). */
static void apply_rule(const lex_rule *r, char *s) {
    /* Most rules do not occur in most words: look for the first letter
     * before copying anything. */
    if (strchr(s, r->from[0]) == NULL)
        return;
    char tmp[PHON_BUF];
    size_t n = 0;
    for (const char *p = s; *p != '\0';) {
        if (*p == r->from[0] && strncmp(p, r->from, r->from_len) == 0) {
            if (n + r->to_len >= PHON_BUF)
                break;
            memcpy(tmp + n, r->to, r->to_len);
            n += r->to_len;
            p += r->from_len;
        } else {
            if (n + 1 >= PHON_BUF)
                break;
            tmp[n++] = *p++;
        }
    }
    tmp[n] = '\0';
    memcpy(s, tmp, n + 1);
}

/* The phonetic form of a lower-case ASCII word (see the data's
 * description): the alternatives when asked, the rules in order, y before
 * a vowel dropped and any other y read as i, doubled letters (not digits)
 * collapsed.  Into out[PHON_BUF]. */
static void phon_normal(const resolve_lexicon *lx, const char *ascii, bool alternative, char *out) {
    char s[PHON_BUF];
    size_t n = strlen(ascii);
    if (n > PHON_MAX)
        n = PHON_MAX;
    memcpy(s, ascii, n);
    s[n] = '\0';
    if (alternative)
        for (size_t i = 0; i < lx->n_alternatives; i++)
            apply_rule(&lx->alternatives[i], s);
    for (size_t i = 0; i < lx->n_rules; i++)
        apply_rule(&lx->rules[i], s);
    size_t o = 0;
    for (size_t i = 0; s[i] != '\0'; i++) {
        char c = s[i];
        if (c == 'y') {
            if (is_vowel(s[i + 1]))
                continue;
            c = 'i';
        }
        if (o > 0 && out[o - 1] == c && !(c >= '0' && c <= '9'))
            continue;
        out[o++] = c;
    }
    out[o] = '\0';
}

/* Blocking skeleton: the phonetic form without the vowels after the first
 * letter, doubled letters collapsed again. */
static void phon_skeleton(const char *phon, char *out) {
    size_t o = 0;
    for (size_t i = 0; phon[i] != '\0'; i++) {
        char c = phon[i];
        if (i > 0 && is_vowel(c))
            continue;
        if (o > 0 && out[o - 1] == c && !(c >= '0' && c <= '9'))
            continue;
        out[o++] = c;
    }
    out[o] = '\0';
}

/* A word of an organisation name reduced for comparison: English plural
 * -s dropped, phonetic form with z read as s, then its skeleton.  lead
 * receives the first three letters of the phonetic form.  So "Unions",
 * "union"; "Organisation", "Organization"; "Кыргызстана", "Kyrgyzstan"
 * reduce alike. */
static void word_skeleton(const resolve_lexicon *lx, const char *ascii, bool latin, char *out,
                          char lead[4]) {
    char w[PHON_BUF], p[PHON_BUF];
    size_t n = strlen(ascii);
    if (n > PHON_MAX)
        n = PHON_MAX;
    memcpy(w, ascii, n);
    w[n] = '\0';
    if (latin && n > 3 && w[n - 1] == 's' && w[n - 2] != 's')
        w[n - 1] = '\0';
    phon_normal(lx, w, false, p);
    size_t o = 0;
    for (size_t i = 0; p[i] != '\0'; i++) {
        char c = p[i] == 'z' ? 's' : p[i];
        if (o > 0 && w[o - 1] == c && !(c >= '0' && c <= '9'))
            continue;
        w[o++] = c;
    }
    w[o] = '\0';
    size_t nl = o < 3 ? o : 3;
    memcpy(lead, w, nl);
    lead[nl] = '\0';
    phon_skeleton(w, out);
}

static bool lex_list_has(const lex_list *list, const char *s) {
    return list->n > 0 &&
           bsearch(&s, list->items, list->n, sizeof *list->items, cmp_cstr_ptr) != NULL;
}

static bool lex_list_ends(const lex_list *list, const char *s) {
    for (size_t i = 0; i < list->n; i++)
        if (ends_with(s, list->items[i]))
            return true;
    return false;
}

static int cmp_lex_word(const void *a, const void *b) {
    return strcmp(((const lex_word *)a)->word, ((const lex_word *)b)->word);
}

/* The class id of a case-folded word, or -1. */
static int lex_words_match(const lex_words *words, const char *tok) {
    lex_word probe = {tok, 0, 0};
    const lex_word *hit = words->n_exact > 0 ? bsearch(&probe, words->exact, words->n_exact,
                                                       sizeof probe, cmp_lex_word)
                                             : NULL;
    if (hit != NULL)
        return (int)hit->id;
    for (size_t i = 0; i < words->n_prefix; i++)
        if (strncmp(tok, words->prefix[i].word, words->prefix[i].len) == 0)
            return (int)words->prefix[i].id;
    return -1;
}

static int cmp_lex_place(const void *a, const void *b) {
    const lex_place *x = a, *y = b;
    int c = strcmp(x->skeleton, y->skeleton);
    if (c == 0)
        c = strcmp(x->lead, y->lead);
    return c != 0 ? c : kg_cmp_size(x->place, y->place);
}

static int cmp_lex_form(const void *a, const void *b) {
    const lex_form *x = a, *y = b;
    int c = strcmp(x->key, y->key);
    return c != 0 ? c : kg_cmp_size(x->entry, y->entry);
}

/* Gazetteer entries whose form has this key: *first and the count. */
static size_t lex_forms_find(const lex_form *forms, size_t n, const char *key, size_t *first) {
    size_t lo = 0, hi = n;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (strcmp(forms[mid].key, key) < 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    size_t end = lo;
    while (end < n && strcmp(forms[end].key, key) == 0)
        end++;
    *first = lo;
    return end - lo;
}

static json_t *load_builtin_json(const char *name) {
    size_t len = 0;
    const unsigned char *data = kg_builtin_data(name, &len);
    return data != NULL ? json_loadb((const char *)data, len, 0, NULL) : NULL;
}

/* A JSON array of strings as a list (phonetic forms when phonetic). */
static kg_status lex_load_list(resolve_lexicon *lx, json_t *arr, bool phonetic, bool sort,
                               lex_list *out) {
    size_t n = json_array_size(arr);
    out->items = ARENA_NEW(&lx->arena, const char *, n + 1);
    out->n = 0;
    if (out->items == NULL)
        return KG_ERR_NOMEM;
    for (size_t i = 0; i < n; i++) {
        const char *s = json_string_value(json_array_get(arr, i));
        if (s == NULL)
            return KG_ERR_INTERNAL;
        char buf[PHON_BUF];
        if (phonetic)
            phon_normal(lx, s, false, buf);
        const char *copy = arena_strdup(&lx->arena, phonetic ? buf : s);
        if (copy == NULL)
            return KG_ERR_NOMEM;
        out->items[out->n++] = copy;
    }
    if (sort)
        sort_items(out->items, out->n, sizeof *out->items, cmp_cstr_ptr);
    return KG_OK;
}

static kg_status lex_load_rules(resolve_lexicon *lx, json_t *arr, lex_rule **out, size_t *n_out) {
    size_t n = json_array_size(arr);
    *out = ARENA_NEW(&lx->arena, lex_rule, n + 1);
    *n_out = 0;
    if (*out == NULL)
        return KG_ERR_NOMEM;
    for (size_t i = 0; i < n; i++) {
        const char *from = json_string_value(json_array_get(json_array_get(arr, i), 0));
        const char *to = json_string_value(json_array_get(json_array_get(arr, i), 1));
        if (from == NULL || to == NULL || from[0] == '\0')
            return KG_ERR_INTERNAL;
        lex_rule *r = &(*out)[(*n_out)++];
        r->from = arena_strdup(&lx->arena, from);
        r->to = arena_strdup(&lx->arena, to);
        if (r->from == NULL || r->to == NULL)
            return KG_ERR_NOMEM;
        r->from_len = strlen(from);
        r->to_len = strlen(to);
    }
    return KG_OK;
}

/* {"class": ["word", "prefix*", ...], ...} */
static kg_status lex_load_words(resolve_lexicon *lx, json_t *obj, lex_words *out) {
    size_t total = 0, n_classes = json_object_size(obj);
    const char *name;
    json_t *arr;
    json_object_foreach(obj, name, arr) total += json_array_size(arr);
    if (n_classes > 32)
        return KG_ERR_INTERNAL; /* classes are bits of an unsigned */
    out->exact = ARENA_NEW(&lx->arena, lex_word, total + 1);
    out->prefix = ARENA_NEW(&lx->arena, lex_word, total + 1);
    out->names = ARENA_NEW(&lx->arena, const char *, n_classes + 1);
    if (out->exact == NULL || out->prefix == NULL || out->names == NULL)
        return KG_ERR_NOMEM;
    json_object_foreach(obj, name, arr) {
        unsigned id = (unsigned)out->n_names;
        out->names[out->n_names++] = arena_strdup(&lx->arena, name);
        for (size_t i = 0; i < json_array_size(arr); i++) {
            const char *w = json_string_value(json_array_get(arr, i));
            if (w == NULL || w[0] == '\0')
                return KG_ERR_INTERNAL;
            char *key = kg_text_key(w, strlen(w));
            if (key == NULL)
                return KG_ERR_NOMEM;
            bool prefix = w[strlen(w) - 1] == '*';
            lex_word *lw = prefix ? &out->prefix[out->n_prefix++] : &out->exact[out->n_exact++];
            lw->word = arena_take(&lx->arena, key);
            if (lw->word == NULL)
                return KG_ERR_NOMEM;
            lw->len = strlen(lw->word);
            lw->id = id;
        }
    }
    sort_items(out->exact, out->n_exact, sizeof *out->exact, cmp_lex_word);
    return KG_OK;
}

/* Two-word entries first, then by words. */
static int cmp_gloss_words(const void *a, const void *b) {
    const lex_gloss *x = a, *y = b;
    int c = (y->word[1] != NULL) - (x->word[1] != NULL);
    if (c == 0)
        c = strcmp(x->word[0], y->word[0]);
    if (c == 0 && x->word[1] != NULL)
        c = strcmp(x->word[1], y->word[1]);
    return c;
}

/* {"english word(s)": "русское слово", ...}: see lex_gloss. */
static kg_status lex_load_gloss(resolve_lexicon *lx, json_t *obj) {
    const char *english;
    json_t *russian;
    lx->gloss = ARENA_NEW(&lx->arena, lex_gloss, json_object_size(obj) + 1);
    if (lx->gloss == NULL)
        return KG_ERR_NOMEM;
    json_object_foreach(obj, english, russian) {
        const char *ru = json_string_value(russian);
        if (ru == NULL || ru[0] == '\0' || english[0] == '\0')
            return KG_ERR_INTERNAL;
        lex_gloss *g = &lx->gloss[lx->n_gloss++];
        memset(g, 0, sizeof *g);
        char ascii[PHON_BUF];
        kg_status st = ascii_word(ru, first_cp_len(ru), ascii);
        if (st != KG_OK)
            return st;
        if (ascii[0] == '\0' || strlen(ascii) >= sizeof g->letters)
            return KG_ERR_INTERNAL;
        memcpy(g->letters, ascii, strlen(ascii) + 1);
        const char *p = english;
        for (int k = 0; k < 2 && *p != '\0'; k++) {
            size_t len = strcspn(p, " ");
            g->prefix[k] = len > 0 && p[len - 1] == '*';
            char *key = kg_text_key(p, g->prefix[k] ? len - 1 : len);
            if (key == NULL)
                return KG_ERR_NOMEM;
            g->word[k] = arena_take(&lx->arena, key);
            if (g->word[k] == NULL)
                return KG_ERR_NOMEM;
            g->len[k] = strlen(g->word[k]);
            p += len;
            while (*p == ' ')
                p++;
        }
        if (*p != '\0' || g->len[0] == 0)
            return KG_ERR_INTERNAL; /* more than two words, or an empty one */
    }
    /* Two-word entries are tried before one-word ones. */
    sort_items(lx->gloss, lx->n_gloss, sizeof *lx->gloss, cmp_gloss_words);
    return KG_OK;
}

static bool gloss_word_matches(const lex_gloss *g, int k, const char *word) {
    return g->prefix[k] ? strncmp(word, g->word[k], g->len[k]) == 0 : strcmp(word, g->word[k]) == 0;
}

/* The glossary entry matching words[i] (and words[i + 1] for a two-word
 * entry), or NULL. */
static const lex_gloss *gloss_match(const resolve_lexicon *lx, const char *const *words, size_t n,
                                    size_t i) {
    for (size_t e = 0; e < lx->n_gloss; e++) {
        const lex_gloss *g = &lx->gloss[e];
        if (!gloss_word_matches(g, 0, words[i]))
            continue;
        if (g->word[1] == NULL || (i + 1 < n && gloss_word_matches(g, 1, words[i + 1])))
            return g;
    }
    return NULL;
}

/* Collects every form (name, ru, forms[]) of the gazetteer entries under
 * array_key: exact keys, and for places the one-word forms by skeleton. */
static kg_status lex_load_gazetteer(resolve_lexicon *lx, json_t *root, const char *array_key,
                                    bool places) {
    json_t *entries = json_object_get(root, array_key);
    size_t n = json_array_size(entries), total = 0;
    for (size_t i = 0; i < n; i++)
        total += 2 + json_array_size(json_object_get(json_array_get(entries, i), "forms"));
    lex_form *forms = ARENA_NEW(&lx->arena, lex_form, total + 1);
    const char **names = ARENA_NEW(&lx->arena, const char *, n + 1);
    lex_place *pl = places ? ARENA_NEW(&lx->arena, lex_place, total + 1) : NULL;
    if (forms == NULL || names == NULL || (places && pl == NULL))
        return KG_ERR_NOMEM;
    size_t n_forms = 0, n_pl = 0;
    for (size_t i = 0; i < n; i++) {
        json_t *e = json_array_get(entries, i);
        json_t *list = json_object_get(e, "forms");
        names[i] = arena_strdup(&lx->arena, json_string_value(json_object_get(e, "name")) != NULL
                                                ? json_string_value(json_object_get(e, "name"))
                                                : "");
        if (names[i] == NULL)
            return KG_ERR_NOMEM;
        for (size_t k = 0; k < 2 + json_array_size(list); k++) {
            const char *form = k == 0   ? json_string_value(json_object_get(e, "name"))
                               : k == 1 ? json_string_value(json_object_get(e, "ru"))
                                        : json_string_value(json_array_get(list, k - 2));
            if (form == NULL)
                continue;
            char *key = kg_text_key(form, strlen(form));
            if (key == NULL)
                return KG_ERR_NOMEM;
            forms[n_forms].key = arena_take(&lx->arena, key);
            forms[n_forms].entry = i;
            if (forms[n_forms].key == NULL)
                return KG_ERR_NOMEM;
            const char *fk = forms[n_forms++].key;
            /* One-word names also match inflected and respelled words
             * inside organisation names. */
            if (places && fk[0] != '\0' && strchr(fk, ' ') == NULL && utf8_length(fk) >= 4) {
                char ascii[PHON_BUF], skel[PHON_BUF];
                kg_status st = ascii_word(fk, strlen(fk), ascii);
                if (st != KG_OK)
                    return st;
                lex_place *p = &pl[n_pl];
                word_skeleton(lx, ascii, !has_cyrillic(fk), skel, p->lead);
                if (strlen(skel) < 2)
                    continue;
                p->skeleton = arena_strdup(&lx->arena, skel);
                if (p->skeleton == NULL)
                    return KG_ERR_NOMEM;
                p->place = i;
                n_pl++;
            }
        }
    }
    sort_items(forms, n_forms, sizeof *forms, cmp_lex_form);
    if (places) {
        sort_items(pl, n_pl, sizeof *pl, cmp_lex_place);
        lx->places = pl;
        lx->n_places = n_pl;
        lx->place_forms = forms;
        lx->n_place_forms = n_forms;
        lx->place_names = names;
        lx->n_place_names = n;
    } else {
        lx->org_forms = forms;
        lx->n_org_forms = n_forms;
        lx->org_names = names;
        lx->n_org_names = n;
    }
    return KG_OK;
}

static void lex_free(resolve_lexicon *lx) {
    arena_free(&lx->arena);
    memset(lx, 0, sizeof *lx);
}

/* Reads the built-in data.  A broken table is a build defect (caught by the
 * tests): KG_ERR_INTERNAL. */
static kg_status lex_load(resolve_lexicon *lx) {
    kg_status st = KG_OK;
    json_t *translit = load_builtin_json("translit.json");
    json_t *places = load_builtin_json("places.json");
    json_t *orgs = load_builtin_json("orgs.json");
    json_t *res = json_object_get(translit, "resolution");
    if (!json_is_object(res) || places == NULL || orgs == NULL) {
        st = KG_ERR_INTERNAL;
        goto cleanup;
    }
    for (int c = 0; c < 128; c++)
        lx->initial_class[c] = (char)c;
    json_t *eq = json_object_get(res, "initial_equivalents");
    for (size_t i = 0; i < json_array_size(eq); i++) {
        const char *a = json_string_value(json_array_get(json_array_get(eq, i), 0));
        const char *b = json_string_value(json_array_get(json_array_get(eq, i), 1));
        if (a == NULL || b == NULL || (unsigned char)a[0] >= 128 || (unsigned char)b[0] >= 128) {
            st = KG_ERR_INTERNAL;
            goto cleanup;
        }
        /* Union of classes: every letter of b's class joins a's. */
        char from = lx->initial_class[(unsigned char)b[0]], to = lx->initial_class[(int)a[0]];
        for (int c = 0; c < 128; c++)
            if (lx->initial_class[c] == from)
                lx->initial_class[c] = to;
    }
    if ((st = lex_load_rules(lx, json_object_get(res, "phonetic_alternatives"), &lx->alternatives,
                             &lx->n_alternatives)) != KG_OK ||
        (st = lex_load_rules(lx, json_object_get(res, "phonetic"), &lx->rules, &lx->n_rules)) !=
            KG_OK ||
        (st = lex_load_list(lx, json_object_get(res, "function_words"), false, true,
                            &lx->function_words)) != KG_OK ||
        (st = lex_load_list(lx, json_object_get(res, "name_particles"), false, true,
                            &lx->particles)) != KG_OK ||
        (st = lex_load_list(lx, json_object_get(res, "head_roles"), false, true,
                            &lx->head_roles)) != KG_OK ||
        (st = lex_load_list(lx, json_object_get(res, "org_head_of"), false, true, &lx->head_of)) !=
            KG_OK ||
        (st = lex_load_list(lx, json_object_get(res, "patronymic_endings"), true, false,
                            &lx->patronymics)) != KG_OK ||
        (st = lex_load_list(lx, json_object_get(res, "feminine_surname_endings"), true, false,
                            &lx->feminine)) != KG_OK ||
        (st = lex_load_list(lx, json_object_get(res, "masculine_surname_endings"), true, false,
                            &lx->masculine)) != KG_OK ||
        (st = lex_load_words(lx, json_object_get(res, "org_heads"), &lx->heads)) != KG_OK ||
        (st = lex_load_words(lx, json_object_get(res, "org_levels"), &lx->levels)) != KG_OK ||
        (st = lex_load_gloss(lx, json_object_get(res, "org_word_glossary"))) != KG_OK ||
        (st = lex_load_gazetteer(lx, places, "places", true)) != KG_OK ||
        (st = lex_load_gazetteer(lx, orgs, "organizations", false)) != KG_OK)
        goto cleanup;

cleanup:
    json_decref(translit);
    json_decref(places);
    json_decref(orgs);
    return st;
}

/* ---- recorded input -------------------------------------------------------- */

/* One entity of one document.  There are millions on a large corpus, held
 * until the end: hence 32-bit counts (kg_resolver_add refuses more than
 * UINT32_MAX mentions or aliases). */
typedef struct resolve_mention {
    const char *name;     /* pooled */
    const char *doc;      /* pooled document id */
    const char *date;     /* agreements and events: ISO 8601 date, or NULL */
    uint32_t alias_start; /* first alias in kg_resolver.aliases */
    uint32_t n_aliases;
    uint32_t mentions;  /* UINT32_MAX: that many or more */
    unsigned char type; /* kg_entity_type */
} resolve_mention;

/* One relation of one document; subject and object are mention indices. */
typedef struct resolve_record {
    uint32_t type; /* kg_relation_type */
    uint32_t subject, object;
    const char *role, *role_text; /* pooled or NULL */
    kg_evidence evidence;         /* strings pooled */
} resolve_record;

/* A holds_post record as the clustering needs it (a person's posts are
 * context for persons and organisations), kept in memory while the records
 * themselves wait in the spill file. */
typedef struct resolve_post {
    uint32_t person, org; /* mention indices */
    const char *role;     /* pooled or NULL */
} resolve_post;

/* In the spill file each record is a resolve_record, written as it is in
 * memory (its pointers are pooled strings, which never move, and the file
 * is read back by the process that wrote it) but with a NULL evidence
 * text, followed by a 32-bit tag: the length of the text, whose bytes
 * follow, or one of these. */
#define SPILL_TEXT_NULL UINT32_MAX              /* no evidence text */
#define SPILL_TEXT_SAME (UINT32_MAX - 1)        /* the previous record's text (same document) */
#define SPILL_TEXT_MAX ((size_t)UINT32_MAX - 2) /* longer texts are refused */

/* One "merge" group or "split" pair of a user aliases file. */
typedef struct resolve_user_group {
    const char **keys;  /* kg_text_key of each form (user arena) */
    const char **forms; /* as written (user arena) */
    size_t n;
    const char *where; /* user arena */
    size_t line;
    bool split;
} resolve_user_group;

struct kg_resolver {
    kg_strpool *pool; /* borrowed */
    size_t threads;   /* kg_resolver_set_threads; 0: one per CPU */
    resolve_lexicon lex;
    resolve_mention *mentions;
    size_t n_mentions, cap_mentions;
    const char **aliases; /* every mention's aliases, back to back; pooled strings */
    size_t n_aliases, cap_aliases;
    /* The relation records: in spill (kg_resolver_set_spill) until
     * kg_resolver_finish reads them back into records, or in records all
     * along when spill could not be created or is turned off. */
    resolve_record *records;
    size_t n_records, cap_records;
    kg_spill *spill;
    bool spill_off;   /* kg_resolver_set_spill(false), or the file could not be made */
    kg_status broken; /* not KG_OK: records were lost (reading the spill back failed) */
    char *text_buf;   /* reading the spill: one evidence text */
    size_t text_cap;
    resolve_post *posts; /* the holds_post records */
    size_t n_posts, cap_posts;
    kg_doc_info *docs; /* one per kg_resolver_add call; deduplicated by finish */
    size_t n_docs, cap_docs;
    resolve_arena user_arena; /* strings of the user groups */
    resolve_user_group *groups;
    size_t n_groups, cap_groups;
    kg_resolve_stats stats;
    bool finished;
};

/* ---- lifecycle and recording --------------------------------------------------- */

kg_status kg_resolver_new(kg_resolver **out, kg_strpool *pool) {
    *out = NULL;
    if (pool == NULL)
        return KG_ERR_USAGE;
    kg_resolver *resolver = calloc(1, sizeof *resolver);
    if (resolver == NULL)
        return KG_ERR_NOMEM;
    resolver->pool = pool;
    kg_status st = lex_load(&resolver->lex);
    if (st != KG_OK) {
        kg_resolver_free(resolver);
        return st;
    }
    *out = resolver;
    return KG_OK;
}

void kg_resolver_free(kg_resolver *resolver) {
    if (resolver == NULL)
        return;
    lex_free(&resolver->lex);
    arena_free(&resolver->user_arena);
    free(resolver->groups);
    free(resolver->mentions);
    free(resolver->aliases);
    free(resolver->records);
    kg_spill_free(resolver->spill);
    free(resolver->text_buf);
    free(resolver->posts);
    free(resolver->docs);
    free(resolver);
}

/* Rejects facts the resolver cannot use before anything is recorded, so
 * that a failed add leaves the resolver as it was. */
static kg_status check_facts(const kg_doc_facts *facts) {
    if (facts->doc_id == NULL)
        return KG_ERR_INPUT;
    for (size_t i = 0; i < facts->n_entities; i++) {
        const kg_doc_entity *e = &facts->entities[i];
        if ((unsigned)e->type >= KG_ENT_TYPE_COUNT || e->name == NULL)
            return KG_ERR_INPUT;
        for (size_t j = 0; j < e->n_aliases; j++)
            if (e->aliases[j] == NULL)
                return KG_ERR_INPUT;
    }
    for (size_t i = 0; i < facts->n_relations; i++) {
        const kg_doc_relation *r = &facts->relations[i];
        if ((unsigned)r->type >= KG_REL_TYPE_COUNT || r->subject >= facts->n_entities ||
            r->object >= facts->n_entities)
            return KG_ERR_INPUT;
    }
    return KG_OK;
}

/* The first call makes the spill file; when it cannot be made (no
 * writable $TMPDIR) the records stay in memory, which only costs memory. */
static kg_status spill_ready(kg_resolver *resolver) {
    if (resolver->spill != NULL || resolver->spill_off)
        return KG_OK;
    kg_status status = kg_spill_open(&resolver->spill, NULL);
    if (status == KG_ERR_IO)
        resolver->spill_off = true;
    return status == KG_ERR_NOMEM ? status : KG_OK;
}

static kg_status load_records(kg_resolver *resolver);

/* Relation i of facts as a record, its subject and object offset by base
 * (the document's first mention); the evidence text as given. */
static resolve_record make_record(const kg_doc_facts *facts, size_t i, size_t base) {
    const kg_doc_relation *r = &facts->relations[i];
    resolve_record rec;
    memset(&rec, 0, sizeof rec); /* the padding too: the spill file gets it whole */
    rec.type = (uint32_t)r->type;
    rec.subject = (uint32_t)(base + r->subject);
    rec.object = (uint32_t)(base + r->object);
    rec.role = r->role;
    rec.role_text = r->role_text;
    rec.evidence = r->evidence;
    if (rec.evidence.doc == NULL)
        rec.evidence.doc = facts->doc_id;
    return rec;
}

/* Writes facts' relations to the spill file, subjects and objects offset by
 * base; all or nothing (KG_ERR_IO, errno set, or KG_ERR_INPUT for an
 * evidence text of 4 GB). */
static kg_status spill_relations(kg_resolver *resolver, const kg_doc_facts *facts, size_t base) {
    uint64_t mark = kg_spill_mark(resolver->spill);
    const char *previous = NULL; /* texts repeat within a document only */
    kg_status status = KG_OK;
    for (size_t i = 0; i < facts->n_relations && status == KG_OK; i++) {
        resolve_record rec = make_record(facts, i, base);
        const char *text = rec.evidence.text;
        rec.evidence.text = NULL;
        size_t len = text == NULL || text == previous ? 0 : strlen(text);
        uint32_t tag = text == NULL       ? SPILL_TEXT_NULL
                       : text == previous ? SPILL_TEXT_SAME
                                          : (uint32_t)len;
        if (len > SPILL_TEXT_MAX)
            status = KG_ERR_INPUT;
        else if (kg_spill_write(resolver->spill, &rec, sizeof rec) != KG_OK ||
                 kg_spill_write(resolver->spill, &tag, sizeof tag) != KG_OK ||
                 (len > 0 && kg_spill_write(resolver->spill, text, len) != KG_OK))
            status = KG_ERR_IO;
        previous = text;
    }
    if (status != KG_OK) {
        int e = errno;
        kg_spill_rollback(resolver->spill, mark);
        errno = e;
    }
    return status;
}

/* The same in memory, after the records array has room: the texts are
 * interned (they need not be pooled yet); n_records is not advanced. */
static kg_status keep_relations(kg_resolver *resolver, const kg_doc_facts *facts, size_t base) {
    const char *from = NULL, *to = NULL;
    for (size_t i = 0; i < facts->n_relations; i++) {
        resolve_record *rec = &resolver->records[resolver->n_records + i];
        *rec = make_record(facts, i, base);
        if (rec->evidence.text != NULL && rec->evidence.text != from) {
            from = rec->evidence.text;
            to = kg_strpool_intern(resolver->pool, from, strlen(from));
            if (to == NULL)
                return KG_ERR_NOMEM;
        }
        if (rec->evidence.text != NULL)
            rec->evidence.text = to;
    }
    return KG_OK;
}

kg_status kg_resolver_add(kg_resolver *resolver, const kg_doc_facts *facts) {
    if (resolver == NULL || facts == NULL || resolver->finished)
        return KG_ERR_USAGE;
    kg_status status = check_facts(facts);
    if (status != KG_OK)
        return status;

    size_t n_aliases = 0, n_posts = 0;
    for (size_t i = 0; i < facts->n_entities; i++)
        n_aliases += facts->entities[i].n_aliases;
    for (size_t i = 0; i < facts->n_relations; i++)
        n_posts += facts->relations[i].type == KG_REL_HOLDS_POST;
    if (resolver->broken != KG_OK)
        return resolver->broken;
    if ((status = spill_ready(resolver)) != KG_OK)
        return status;
    /* Reserve everything first: after the records are written nothing can
     * fail, so a document is recorded completely or not at all. */
    if (kg_reserve((void **)&resolver->mentions, &resolver->cap_mentions,
                   resolver->n_mentions + facts->n_entities, sizeof *resolver->mentions) != KG_OK ||
        kg_reserve((void **)&resolver->aliases, &resolver->cap_aliases,
                   resolver->n_aliases + n_aliases, sizeof *resolver->aliases) != KG_OK ||
        kg_reserve((void **)&resolver->posts, &resolver->cap_posts, resolver->n_posts + n_posts,
                   sizeof *resolver->posts) != KG_OK ||
        kg_reserve((void **)&resolver->docs, &resolver->cap_docs, resolver->n_docs + 1,
                   sizeof *resolver->docs) != KG_OK)
        return KG_ERR_NOMEM;
    if (resolver->n_mentions + facts->n_entities > UINT32_MAX ||
        resolver->n_aliases + n_aliases > UINT32_MAX)
        return KG_ERR_NOMEM; /* resolve_mention's 32-bit indices */

    size_t base = resolver->n_mentions;
    bool spilled = resolver->spill != NULL;
    if (spilled && (status = spill_relations(resolver, facts, base)) == KG_ERR_IO) {
        /* The scratch file's disk is full: what it holds comes back, and
         * the records stay in memory from now on. */
        resolver->spill_off = true;
        spilled = false;
        if ((status = load_records(resolver)) != KG_OK)
            return resolver->broken = status; /* earlier documents are lost */
    }
    if (!spilled) {
        if (kg_reserve((void **)&resolver->records, &resolver->cap_records,
                       resolver->n_records + facts->n_relations,
                       sizeof *resolver->records) != KG_OK)
            return KG_ERR_NOMEM;
        status = keep_relations(resolver, facts, base);
    }
    if (status != KG_OK)
        return status;
    resolver->n_records += facts->n_relations;
    for (size_t i = 0; i < facts->n_relations; i++) {
        const kg_doc_relation *r = &facts->relations[i];
        if (r->type == KG_REL_HOLDS_POST)
            resolver->posts[resolver->n_posts++] = (resolve_post){
                (uint32_t)(base + r->subject), (uint32_t)(base + r->object), r->role};
    }
    for (size_t i = 0; i < facts->n_entities; i++) {
        const kg_doc_entity *e = &facts->entities[i];
        resolve_mention *m = &resolver->mentions[resolver->n_mentions++];
        m->type = (unsigned char)e->type;
        m->name = e->name;
        m->doc = facts->doc_id;
        m->alias_start = (uint32_t)resolver->n_aliases;
        m->n_aliases = (uint32_t)e->n_aliases;
        m->mentions = e->mentions < UINT32_MAX ? (uint32_t)e->mentions : UINT32_MAX;
        m->date = e->date;
        if (e->n_aliases > 0)
            memcpy(&resolver->aliases[resolver->n_aliases], e->aliases,
                   e->n_aliases * sizeof *e->aliases);
        resolver->n_aliases += e->n_aliases;
    }
    kg_doc_info *info = &resolver->docs[resolver->n_docs++];
    info->id = facts->doc_id;
    info->lang = facts->lang;
    info->title = facts->title;
    info->date = facts->date;
    info->url = facts->url;
    info->n_sentences = facts->n_sentences;
    info->n_bytes = facts->n_bytes;
    return KG_OK;
}

void kg_resolver_set_spill(kg_resolver *resolver, bool spill) {
    if (resolver != NULL && resolver->n_records == 0 && resolver->spill == NULL)
        resolver->spill_off = !spill;
}

/* Reads the records in the order they were added: from the spill file or
 * from memory.  A record's text is interned into the pool (texts true) or
 * left NULL. */
typedef struct record_cursor {
    kg_resolver *r;
    size_t next;
    const char *previous; /* the text of the record before (SPILL_TEXT_SAME) */
    bool texts;
} record_cursor;

static kg_status cursor_start(record_cursor *c, kg_resolver *resolver, bool texts) {
    *c = (record_cursor){resolver, 0, NULL, texts};
    return resolver->spill != NULL ? kg_spill_rewind(resolver->spill) : KG_OK;
}

/* The next record into *rec; call no more than n_records times. */
static kg_status cursor_next(record_cursor *c, resolve_record *rec) {
    kg_resolver *r = c->r;
    size_t i = c->next++;
    if (r->spill == NULL) {
        *rec = r->records[i];
        if (!c->texts)
            rec->evidence.text = NULL;
        return KG_OK;
    }
    uint32_t tag;
    kg_status status;
    if ((status = kg_spill_read(r->spill, rec, sizeof *rec)) != KG_OK ||
        (status = kg_spill_read(r->spill, &tag, sizeof tag)) != KG_OK)
        return status;
    if (tag == SPILL_TEXT_SAME) {
        rec->evidence.text = c->previous;
        return KG_OK;
    }
    if (tag != SPILL_TEXT_NULL && tag > 0) {
        if (kg_reserve((void **)&r->text_buf, &r->text_cap, (size_t)tag + 1, 1) != KG_OK)
            return KG_ERR_NOMEM;
        if ((status = kg_spill_read(r->spill, r->text_buf, tag)) != KG_OK)
            return status;
        if (c->texts && (rec->evidence.text = kg_strpool_intern(r->pool, r->text_buf, tag)) == NULL)
            return KG_ERR_NOMEM;
    }
    c->previous = rec->evidence.text;
    return KG_OK;
}

/* Closes the spill file, whose records are no longer needed. */
static void drop_spill(kg_resolver *resolver) {
    kg_spill_free(resolver->spill);
    resolver->spill = NULL;
    free(resolver->text_buf);
    resolver->text_buf = NULL;
    resolver->text_cap = 0;
}

/* Reads the spilled records back into records, interning their texts, and
 * closes the spill file (when it filled its disk up). */
static kg_status load_records(kg_resolver *resolver) {
    if (resolver->spill == NULL)
        return KG_OK;
    record_cursor c;
    kg_status status = cursor_start(&c, resolver, true);
    resolve_record *records = NULL;
    if (status == KG_OK && resolver->n_records > 0 &&
        (records = malloc(resolver->n_records * sizeof *records)) == NULL)
        status = KG_ERR_NOMEM;
    for (size_t i = 0; i < resolver->n_records && status == KG_OK; i++)
        status = cursor_next(&c, &records[i]);
    drop_spill(resolver);
    free(resolver->records);
    resolver->records = records;
    resolver->cap_records = records != NULL ? resolver->n_records : 0;
    return status;
}

void kg_resolver_set_threads(kg_resolver *resolver, size_t threads) {
    if (resolver != NULL)
        resolver->threads = threads;
}

void kg_resolver_stats(const kg_resolver *resolver, kg_resolve_stats *out) {
    if (out == NULL)
        return;
    if (resolver == NULL)
        memset(out, 0, sizeof *out);
    else
        *out = resolver->stats;
}

/* ---- user aliases ---------------------------------------------------------------- */

/* Where things are in a JSON text that jansson has already accepted: the
 * line of the index-th element of the array under a top-level key, so that
 * errors about content can name a line too. */
static size_t json_skip_ws(const char *s, size_t len, size_t pos, size_t *line) {
    while (pos < len && (s[pos] == ' ' || s[pos] == '\t' || s[pos] == '\n' || s[pos] == '\r')) {
        *line += s[pos] == '\n';
        pos++;
    }
    return pos;
}

static size_t json_skip_value(const char *s, size_t len, size_t pos, size_t *line) {
    if (pos >= len)
        return pos;
    if (s[pos] == '"') {
        for (pos++; pos < len && s[pos] != '"'; pos++)
            if (s[pos] == '\\')
                pos++;
        return pos + 1;
    }
    if (s[pos] == '[' || s[pos] == '{') {
        size_t depth = 0;
        for (; pos < len; pos++) {
            char c = s[pos];
            if (c == '"') {
                pos = json_skip_value(s, len, pos, line) - 1;
            } else if (c == '[' || c == '{') {
                depth++;
            } else if (c == ']' || c == '}') {
                if (--depth == 0)
                    return pos + 1;
            } else if (c == '\n') {
                (*line)++;
            }
        }
        return pos;
    }
    while (pos < len && strchr(",]} \t\r\n", s[pos]) == NULL)
        pos++;
    return pos;
}

static size_t json_item_line(const char *s, size_t len, const char *key, size_t index) {
    size_t line = 1, pos = json_skip_ws(s, len, 0, &line);
    if (pos >= len || s[pos] != '{')
        return 0;
    pos++;
    for (;;) {
        pos = json_skip_ws(s, len, pos, &line);
        if (pos >= len || s[pos] != '"')
            return 0;
        size_t kstart = pos + 1;
        pos = json_skip_value(s, len, pos, &line);
        bool match = pos - 1 - kstart == strlen(key) && memcmp(s + kstart, key, strlen(key)) == 0;
        pos = json_skip_ws(s, len, pos, &line);
        if (pos >= len || s[pos] != ':')
            return 0;
        pos = json_skip_ws(s, len, pos + 1, &line);
        if (match && pos < len && s[pos] == '[') {
            size_t array_line = line;
            pos++;
            for (size_t k = 0;; k++) {
                pos = json_skip_ws(s, len, pos, &line);
                if (pos >= len || s[pos] == ']')
                    return array_line;
                if (k == index)
                    return line;
                pos = json_skip_ws(s, len, json_skip_value(s, len, pos, &line), &line);
                if (pos < len && s[pos] == ',')
                    pos++;
            }
        }
        pos = json_skip_ws(s, len, json_skip_value(s, len, pos, &line), &line);
        if (pos >= len || s[pos] != ',')
            return 0;
        pos++;
    }
}

typedef struct group_key {
    const char *key;
    size_t group;
} group_key;

static int cmp_group_key(const void *a, const void *b) {
    const group_key *x = a, *y = b;
    int c = strcmp(x->key, y->key);
    return c != 0 ? c : kg_cmp_size(x->group, y->group);
}

/* KG_ERR_PARSE (naming the later of the two) when a split pair has both
 * forms in one merge group, one of them added from first_group on. */
static kg_status check_contradictions(kg_resolver *resolver, size_t first_group, kg_error *err) {
    size_t n = 0;
    for (size_t g = 0; g < resolver->n_groups; g++)
        n += resolver->groups[g].split ? 0 : resolver->groups[g].n;
    group_key *index = malloc((n + 1) * sizeof *index);
    if (index == NULL)
        return KG_ERR_NOMEM;
    n = 0;
    for (size_t g = 0; g < resolver->n_groups; g++)
        for (size_t k = 0; !resolver->groups[g].split && k < resolver->groups[g].n; k++)
            index[n++] = (group_key){resolver->groups[g].keys[k], g};
    kg_sort(index, n, sizeof *index, cmp_group_key, resolver->threads);
    kg_status st = KG_OK;
    for (size_t s = 0; s < resolver->n_groups && st == KG_OK; s++) {
        const resolve_user_group *sp = &resolver->groups[s];
        if (!sp->split)
            continue;
        group_key probe = {sp->keys[0], 0};
        size_t lo = 0, hi = n;
        while (lo < hi) {
            size_t mid = lo + (hi - lo) / 2;
            if (cmp_group_key(&index[mid], &probe) < 0)
                lo = mid + 1;
            else
                hi = mid;
        }
        for (; lo < n && strcmp(index[lo].key, sp->keys[0]) == 0; lo++) {
            size_t m = index[lo].group;
            group_key other = {sp->keys[1], m};
            if ((s < first_group && m < first_group) ||
                bsearch(&other, index, n, sizeof *index, cmp_group_key) == NULL)
                continue;
            const resolve_user_group *mg = &resolver->groups[m];
            const resolve_user_group *later = s >= first_group ? sp : mg;
            st = kg_error_set(err, KG_ERR_PARSE, later->where, later->line, 0,
                              "split of \"%s\" and \"%s\" contradicts the merge group at %s:%zu",
                              sp->forms[0], sp->forms[1], mg->where, mg->line);
            break;
        }
    }
    free(index);
    return st;
}

kg_status kg_resolver_add_aliases(kg_resolver *resolver, const char *json, size_t len,
                                  const char *where, kg_error *err) {
    kg_status st = KG_OK;
    json_t *root = NULL;
    json_error_t jerr;
    size_t first_group = resolver != NULL ? resolver->n_groups : 0;
    if (where == NULL)
        where = "<aliases>";
    if (resolver == NULL || json == NULL || resolver->finished)
        return kg_error_set(err, KG_ERR_USAGE, where, 0, 0, "kg_resolver_add_aliases: bad call");
    root = json_loadb(json, len, JSON_REJECT_DUPLICATES, &jerr);
    if (root == NULL) {
        st = kg_error_set(err, KG_ERR_PARSE, where, (size_t)(jerr.line > 0 ? jerr.line : 0),
                          (size_t)(jerr.column > 0 ? jerr.column : 0), "%s", jerr.text);
        goto cleanup;
    }
    if (!json_is_object(root)) {
        st = kg_error_set(err, KG_ERR_PARSE, where, 1, 0,
                          "an aliases file is a JSON object with \"merge\" and \"split\" arrays");
        goto cleanup;
    }
    const char *key;
    json_t *value;
    json_object_foreach(root, key, value) {
        bool split = strcmp(key, "split") == 0;
        if (strcmp(key, "description") == 0 || strcmp(key, "comment") == 0)
            continue;
        if (!split && strcmp(key, "merge") != 0) {
            st = kg_error_set(err, KG_ERR_PARSE, where, json_item_line(json, len, key, 0), 0,
                              "unknown key \"%s\" (expected \"merge\" or \"split\")", key);
            goto cleanup;
        }
        if (!json_is_array(value)) {
            st = kg_error_set(err, KG_ERR_PARSE, where, json_item_line(json, len, key, 0), 0,
                              "\"%s\" must be an array of arrays of names", key);
            goto cleanup;
        }
        for (size_t i = 0; i < json_array_size(value); i++) {
            json_t *group = json_array_get(value, i);
            size_t line = json_item_line(json, len, key, i);
            size_t n = json_array_size(group);
            if (!json_is_array(group) || (split ? n != 2 : n < 2)) {
                st = kg_error_set(err, KG_ERR_PARSE, where, line, 0,
                                  split ? "each \"split\" item must be a pair of names"
                                        : "each \"merge\" item must be an array of two or more "
                                          "names");
                goto cleanup;
            }
            if (kg_reserve((void **)&resolver->groups, &resolver->cap_groups,
                           resolver->n_groups + 1, sizeof *resolver->groups) != KG_OK) {
                st = KG_ERR_NOMEM;
                goto cleanup;
            }
            resolve_user_group *g = &resolver->groups[resolver->n_groups];
            g->keys = ARENA_NEW(&resolver->user_arena, const char *, n);
            g->forms = ARENA_NEW(&resolver->user_arena, const char *, n);
            g->where = arena_strdup(&resolver->user_arena, where);
            g->n = n;
            g->line = line;
            g->split = split;
            if (g->keys == NULL || g->forms == NULL || g->where == NULL) {
                st = KG_ERR_NOMEM;
                goto cleanup;
            }
            for (size_t k = 0; k < n; k++) {
                const char *form = json_string_value(json_array_get(group, k));
                char *fkey = form != NULL ? kg_text_key(form, strlen(form)) : NULL;
                if (form != NULL && fkey == NULL) {
                    st = KG_ERR_NOMEM;
                    goto cleanup;
                }
                if (fkey == NULL || fkey[0] == '\0') {
                    free(fkey);
                    st = kg_error_set(err, KG_ERR_PARSE, where, line, 0,
                                      "\"%s\" item %zu: name %zu is not a non-empty string", key,
                                      i + 1, k + 1);
                    goto cleanup;
                }
                g->keys[k] = arena_take(&resolver->user_arena, fkey);
                g->forms[k] = arena_strdup(&resolver->user_arena, form);
                if (g->keys[k] == NULL || g->forms[k] == NULL) {
                    st = KG_ERR_NOMEM;
                    goto cleanup;
                }
            }
            if (split && strcmp(g->keys[0], g->keys[1]) == 0) {
                st = kg_error_set(err, KG_ERR_PARSE, where, line, 0,
                                  "cannot split \"%s\" from \"%s\": they are the same name",
                                  g->forms[0], g->forms[1]);
                goto cleanup;
            }
            resolver->n_groups++;
        }
    }
    /* A split inside one merge group (of any file) contradicts it: an index
     * of (key, merge group), so that a large file costs n log n. */
    st = check_contradictions(resolver, first_group, err);

cleanup:
    if (st != KG_OK)
        resolver->n_groups = first_group; /* nothing kept from a failed call */
    if (st == KG_ERR_NOMEM)
        kg_error_set(err, st, where, 0, 0, "out of memory while reading aliases");
    json_decref(root);
    return st;
}

kg_status kg_resolver_load_aliases(kg_resolver *resolver, const char *path, kg_error *err) {
    if (resolver == NULL || path == NULL)
        return kg_error_set(err, KG_ERR_USAGE, path, 0, 0, "kg_resolver_load_aliases: bad call");
    FILE *f = fopen(path, "rb");
    if (f == NULL)
        return kg_error_set(err, KG_ERR_IO, path, 0, 0, "%s", strerror(errno));
    char *buf = NULL;
    size_t len = 0, cap = 0;
    kg_status st = KG_OK;
    for (;;) {
        if (kg_reserve((void **)&buf, &cap, len + 4096, 1) != KG_OK) {
            st = kg_error_set(err, KG_ERR_NOMEM, path, 0, 0, "out of memory");
            break;
        }
        size_t got = fread(buf + len, 1, cap - len, f);
        len += got;
        if (got == 0) {
            if (ferror(f))
                st = kg_error_set(err, KG_ERR_IO, path, 0, 0, "read error");
            break;
        }
    }
    fclose(f);
    if (st == KG_OK)
        st = kg_resolver_add_aliases(resolver, buf, len, path, err);
    free(buf);
    return st;
}

/* ---- phase 1 and 2: nodes and their features --------------------------------------- */

typedef enum form_kind { FORM_OTHER = 0, FORM_ACRONYM, FORM_LONG } form_kind;

/* One distinct written form of a node (its names and aliases). */
typedef struct node_form {
    const char *text; /* pooled */
    const char *key;  /* kg_text_key (arena) */
    bool is_name;
    unsigned char kind;     /* form_kind, organisations only */
    unsigned char script;   /* 1 when it has Cyrillic letters */
    const char *letters;    /* acronym: its letters; long form: its initials (translit) */
    const char *letters_ru; /* English long form: initials of its Russian translation
                               (lex_gloss), or NULL when a word is not in the glossary */
    const char *bag;        /* long form: sorted distinct word skeletons, or NULL (< 2 words) */
    const char **words;     /* the same, as an array */
    size_t n_words;
    const char *latin; /* lower-case transliteration, words joined by one space */
} node_form;

/* A person's name on phonetic forms: [0] first name, [1] surname. */
typedef struct person_name {
    const char *tok[2]; /* NULL when missing */
    const char *alt[2]; /* with the alternatives applied (== tok when none applies) */
    char lead[2];       /* first letter of each token's transliteration */
    bool initial[2];    /* the token was a single letter */
    bool swappable;     /* two full words: the surname may come first */
} person_name;

/* A post a person node holds. */
typedef struct node_hold {
    size_t person, org; /* nodes */
    const char *role;   /* pooled, or NULL */
    bool head;          /* role is in head_roles */
} node_hold;

/* A user split pair touching a node: pair index and side (0 or 1). */
typedef struct node_tag {
    size_t node, pair;
    int side;
} node_tag;

typedef struct resolve_node {
    kg_entity_type type;
    const char *scope;   /* "" or the document id (agreements, events) */
    const char *key;     /* kg_text_key of the name (arena) */
    const char *name;    /* smallest name, pooled */
    size_t first, count; /* members: state.order[first .. first + count) */
    node_form *forms;    /* distinct forms, byte order */
    size_t n_forms;
    unsigned char script; /* of the name: 1 Cyrillic */
    person_name person;
    size_t *places; /* organisation: places named in long forms; sorted */
    size_t n_places;
    size_t *gaz; /* gazetteer entries (places, organisations); sorted */
    size_t n_gaz;
    unsigned levels, heads;     /* bit sets over the lexicon's classes */
    unsigned char long_scripts; /* bit per script having a long form */
    unsigned char name_scripts; /* bit per script having a long form as a name */
    const char *translit_key;   /* place: phonetic transliteration of the name */
    size_t hold_start, n_holds; /* in state.holds */
    size_t tag_start, n_tags;   /* in state.tags */
} resolve_node;

typedef enum key_kind {
    KEY_EXACT = 0, /* "type|scope|text key": names and aliases */
    KEY_SURNAME,   /* persons: phonetic skeleton of the surname */
    KEY_ACRONYM,   /* organisations: acronym letters and initials of long forms */
    KEY_BAG,       /* organisations: word skeletons of a long form */
    KEY_GAZETTEER, /* organisations and places: a built-in entry */
    KEY_TRANSLIT   /* places: phonetic transliteration */
} key_kind;

typedef struct resolve_key {
    const char *text; /* arena */
    size_t len;
    const char *order; /* sorts nodes within the key's block (arena or borrowed) */
    size_t node;
    size_t form;  /* index into the node's forms, or SIZE_MAX */
    size_t extra; /* gazetteer entry */
    key_kind kind;
} resolve_key;

/* Evidence that two nodes are one entity. */
typedef struct resolve_link {
    size_t a, b; /* nodes, a < b */
    double score;
    resolve_rule rule;
    const char *form_a, *form_b; /* pooled forms of a and b */
    const char *detail;          /* arena, or NULL */
} resolve_link;

/* An accepted join, for the audit trail. */
typedef struct resolve_merge_rec {
    size_t node;
    const char *form_a, *form_b;
    resolve_rule rule;
    double score;
    const char *detail; /* arena or NULL */
} resolve_merge_rec;

typedef struct resolve_state {
    kg_resolver *r;
    const resolve_lexicon *lx;
    resolve_arena arena;
    size_t *order;   /* mentions grouped by node */
    size_t *node_of; /* mention → node */
    resolve_node *nodes;
    size_t n_nodes;
    node_hold *holds;
    size_t n_holds;
    node_tag *tags;
    size_t n_tags, cap_tags;
    resolve_key *keys;
    size_t n_keys, cap_keys;
    resolve_link *links;
    size_t n_links, cap_links;
    size_t *parent, *csize, *next; /* clusters of nodes: union-find and member rings */
    resolve_merge_rec *merges;
    size_t n_merges, cap_merges;
} resolve_state;

/* Agreements and events are usually named generically ("the cooperation
 * agreement", "the forum"): the same words in two articles rarely mean the
 * same one, so their keys are confined to one document. */
static bool type_is_document_scoped(kg_entity_type type) {
    return type == KG_ENT_AGREEMENT || type == KG_ENT_EVENT;
}

/* An alias key that could join unrelated entities: a single character
 * ("1", "A") or a number ("2024", "100 000"). */
static bool key_is_weak(const char *key) {
    if (utf8_length(key) < 2)
        return true;
    size_t len = strlen(key), pos = 0;
    while (pos < len) {
        int32_t cp = kg_utf8_next(key, len, &pos);
        if (cp != ' ' && !kg_cp_is_digit(cp))
            return false;
    }
    return true;
}

/* One distinct (type, scope, name) of the mentions. */
typedef struct mention_tuple {
    kg_entity_type type;
    const char *scope, *key, *name;
    size_t rank; /* position of its content among the sorted tuples */
    size_t node;
    size_t count; /* mentions */
} mention_tuple;

static int cmp_mention_tuple(const void *a, const void *b) {
    const mention_tuple *x = *(const mention_tuple *const *)a;
    const mention_tuple *y = *(const mention_tuple *const *)b;
    int c = kg_cmp_size((size_t)x->type, (size_t)y->type);
    if (c == 0 && x->scope != y->scope)
        c = strcmp(x->scope, y->scope);
    if (c == 0 && x->key != y->key)
        c = strcmp(x->key, y->key);
    if (c == 0 && x->name != y->name)
        c = strcmp(x->name, y->name);
    return c;
}

/* A slot of an open-addressing table on pooled pointers. */
static size_t pointer_slot(const void *p, const void *q, size_t extra, size_t mask) {
    uint64_t h = (uint64_t)(uintptr_t)p * 0x9E3779B97F4A7C15u;
    h ^= (uint64_t)(uintptr_t)q * 0xC2B2AE3D27D4EB4Fu + extra;
    h ^= h >> 29;
    h *= 0xBF58476D1CE4E5B9u;
    h ^= h >> 32;
    return (size_t)h & mask;
}

/* How many mentions ahead build_nodes asks the CPU for the hash table slot
 * it will probe: the table is far larger than the caches. */
#define PREFETCH_AHEAD 16

/* The scope of a mention's node: its document for the types scoped so. */
static const char *mention_scope(const resolve_mention *m) {
    return type_is_document_scoped(m->type) ? m->doc : "";
}

/* A mention's first slot in build_nodes' table of (name, scope, type). */
static size_t mention_slot(const resolve_mention *m, size_t mask) {
    return pointer_slot(m->name, mention_scope(m), (size_t)m->type, mask);
}

/* Nodes: the runs of equal (type, scope, key) when the mentions are sorted
 * by (type, scope, key, name, mention), so node indices are an order by
 * content.  Names and document ids are interned, so the mentions are first
 * grouped by (type, scope, name) pointers in a hash table (linear), each
 * distinct name keyed once; only the distinct tuples are sorted with
 * string comparisons, and the mentions are then placed by a counting sort
 * (which keeps them in index order within a tuple).  Tuples of equal text
 * but different pointers (strings not from the pool) share a rank, so the
 * order is the same as sorting the mentions themselves. */
static kg_status build_nodes(resolve_state *st) {
    const kg_resolver *r = st->r;
    size_t n = r->n_mentions;
    kg_status status = KG_OK;
    mention_tuple *tuples = NULL;
    mention_tuple **sorted = NULL;
    size_t *slots = NULL;      /* tuple index + 1, or 0 */
    const char **names = NULL; /* name table: name, key pairs */
    size_t *starts = NULL;     /* by rank: first position in order */
    size_t n_tuples = 0, n_ranks = 0, n_nodes = 0;
    size_t cap = 16;
    while (cap < 2 * n)
        cap *= 2;
    tuples = malloc((n + 1) * sizeof *tuples);
    slots = calloc(cap, sizeof *slots);
    if (tuples == NULL || slots == NULL) {
        status = KG_ERR_NOMEM;
        goto cleanup;
    }
    size_t ahead[PREFETCH_AHEAD]; /* the first slots of the next mentions, by i % PREFETCH_AHEAD */
    for (size_t i = 0; i < n && i < PREFETCH_AHEAD; i++)
        ahead[i] = mention_slot(&r->mentions[i], cap - 1);
    for (size_t i = 0; i < n; i++) {
        const resolve_mention *m = &r->mentions[i];
        const char *scope = mention_scope(m);
        size_t h = ahead[i % PREFETCH_AHEAD];
        if (i + PREFETCH_AHEAD < n) { /* the slot a later mention will probe */
            ahead[i % PREFETCH_AHEAD] = mention_slot(&r->mentions[i + PREFETCH_AHEAD], cap - 1);
            __builtin_prefetch(&slots[ahead[i % PREFETCH_AHEAD]]);
        }
        while (slots[h] != 0) {
            const mention_tuple *t = &tuples[slots[h] - 1];
            if (t->name == m->name && t->scope == scope && t->type == m->type)
                break;
            h = (h + 1) & (cap - 1);
        }
        if (slots[h] == 0) {
            mention_tuple *t = &tuples[n_tuples++];
            t->type = m->type;
            t->scope = scope;
            t->name = m->name;
            t->key = NULL;
            t->count = 0;
            slots[h] = n_tuples;
        }
        tuples[slots[h] - 1].count++;
        st->node_of[i] = slots[h] - 1; /* the tuple for now */
    }
    free(slots);
    slots = NULL;

    /* Keys: one kg_text_key per distinct name. */
    cap = 16;
    while (cap < 2 * n_tuples)
        cap *= 2;
    names = calloc(2 * cap, sizeof *names);
    if (names == NULL) {
        status = KG_ERR_NOMEM;
        goto cleanup;
    }
    for (size_t t = 0; t < n_tuples; t++) {
        const char *name = tuples[t].name;
        size_t h = pointer_slot(name, NULL, 0, cap - 1);
        while (names[2 * h] != NULL && names[2 * h] != name)
            h = (h + 1) & (cap - 1);
        if (names[2 * h] == NULL) {
            char *key = kg_text_key(name, strlen(name));
            const char *kept = key != NULL && key[0] == '\0'
                                   ? arena_strdup(&st->arena, name)
                                   : arena_strdup(&st->arena, key != NULL ? key : "");
            free(key);
            if (key == NULL || kept == NULL) {
                status = KG_ERR_NOMEM;
                goto cleanup;
            }
            names[2 * h] = name;
            names[2 * h + 1] = kept;
        }
        tuples[t].key = names[2 * h + 1];
    }
    free(names);
    names = NULL;

    sorted = malloc((n_tuples + 1) * sizeof *sorted);
    starts = malloc((n_tuples + 1) * sizeof *starts);
    if (sorted == NULL || starts == NULL) {
        status = KG_ERR_NOMEM;
        goto cleanup;
    }
    for (size_t t = 0; t < n_tuples; t++)
        sorted[t] = &tuples[t];
    kg_sort(sorted, n_tuples, sizeof *sorted, cmp_mention_tuple, st->r->threads);
    for (size_t i = 0; i < n_tuples; i++) {
        mention_tuple *t = sorted[i], *prev = i > 0 ? sorted[i - 1] : NULL;
        bool fresh = prev == NULL || t->type != prev->type ||
                     (t->scope != prev->scope && strcmp(t->scope, prev->scope) != 0) ||
                     (t->key != prev->key && strcmp(t->key, prev->key) != 0);
        n_nodes += fresh;
        if (fresh || (t->name != prev->name && strcmp(t->name, prev->name) != 0))
            n_ranks++;
        t->rank = n_ranks - 1;
        t->node = n_nodes - 1;
    }
    st->nodes = calloc(n_nodes + 1, sizeof *st->nodes);
    if (st->nodes == NULL) {
        status = KG_ERR_NOMEM;
        goto cleanup;
    }
    for (size_t rank = 0; rank < n_ranks; rank++)
        starts[rank] = 0;
    for (size_t t = 0; t < n_tuples; t++)
        starts[tuples[t].rank] += tuples[t].count;
    for (size_t rank = 0, pos = 0; rank < n_ranks; rank++) {
        size_t c = starts[rank];
        starts[rank] = pos;
        pos += c;
    }
    for (size_t i = 0; i < n_tuples; i++) {
        const mention_tuple *t = sorted[i];
        resolve_node *node = &st->nodes[t->node];
        if (t->node == st->n_nodes) { /* the first (smallest) tuple of a node */
            st->n_nodes++;
            node->type = t->type;
            node->scope = t->scope;
            node->key = t->key;
            node->name = t->name;
            node->first = starts[t->rank];
        }
        node->count += t->count;
    }
    for (size_t i = 0; i < n; i++) {
        const mention_tuple *t = &tuples[st->node_of[i]];
        st->order[starts[t->rank]++] = i;
        st->node_of[i] = t->node;
    }

cleanup:
    free(tuples);
    free(sorted);
    free(slots);
    free(names);
    free(starts);
    return status;
}

typedef struct form_collect {
    const char *text;
    bool is_name;
} form_collect;

static int cmp_form_collect(const void *a, const void *b) {
    const form_collect *x = a, *y = b;
    int c = strcmp(x->text, y->text);
    return c != 0 ? c : (int)y->is_name - (int)x->is_name;
}

/* The words of a key (case-folded, one space between words). */
typedef struct name_words {
    size_t n;
    const char *word[NAME_TOKENS_MAX]; /* into buf */
    char buf[];
} name_words;

static name_words *split_words(const char *key) {
    size_t len = strlen(key);
    name_words *w = malloc(sizeof *w + len + 1);
    if (w == NULL)
        return NULL;
    memcpy(w->buf, key, len + 1);
    w->n = 0;
    for (char *p = w->buf; *p != '\0' && w->n < NAME_TOKENS_MAX;) {
        while (*p == ' ')
            p++;
        if (*p == '\0')
            break;
        w->word[w->n++] = p;
        while (*p != '\0' && *p != ' ')
            p++;
        if (*p == ' ')
            *p++ = '\0';
    }
    return w;
}

static bool form_is_acronym(const char *text) {
    size_t len = strlen(text), pos = 0, letters = 0;
    while (pos < len) {
        int32_t cp = kg_utf8_next(text, len, &pos);
        if (cp < 0 || !kg_cp_is_letter(cp))
            continue;
        if (kg_cp_is_lower(cp))
            return false;
        letters++;
    }
    return letters >= 2 && letters <= 12;
}

/* f->letters_ru of an English long form split into w: the glossary's
 * letters for each word but the function words, or NULL unless every word
 * is in the glossary. */
static kg_status translated_initials(resolve_state *st, const name_words *w, node_form *f) {
    char letters[PHON_BUF];
    size_t n = 0;
    for (size_t i = 0; i < w->n; i++) {
        if (lex_list_has(&st->lx->function_words, w->word[i]))
            continue;
        const lex_gloss *g = gloss_match(st->lx, w->word, w->n, i);
        if (g == NULL || n + strlen(g->letters) >= sizeof letters)
            return KG_OK;
        memcpy(letters + n, g->letters, strlen(g->letters));
        n += strlen(g->letters);
        if (g->word[1] != NULL)
            i++;
    }
    letters[n] = '\0';
    if (n < ACRONYM_MIN_LETTERS || strcmp(letters, f->letters != NULL ? f->letters : "") == 0)
        return KG_OK;
    f->letters_ru = arena_strdup(&st->arena, letters);
    return f->letters_ru != NULL ? KG_OK : KG_ERR_NOMEM;
}

/* Features of one organisation form, folded into the node's aggregates
 * (places, levels, head nouns, scripts). */
static kg_status org_form_features(resolve_state *st, resolve_node *node, node_form *f,
                                   size_t **places, size_t *n_places, size_t *cap_places) {
    const resolve_lexicon *lx = st->lx;
    kg_status status = KG_OK;
    name_words *w = split_words(f->key);
    char *latin = kg_text_translit(f->key, strlen(f->key));
    if (w == NULL || latin == NULL) {
        status = KG_ERR_NOMEM;
        goto cleanup;
    }
    for (char *p = latin; *p != '\0'; p++)
        if (*p >= 'A' && *p <= 'Z')
            *p = (char)(*p + 32);
    f->latin = arena_strdup(&st->arena, latin);
    if (f->latin == NULL) {
        status = KG_ERR_NOMEM;
        goto cleanup;
    }
    if (w->n == 1 && form_is_acronym(f->text)) {
        char ascii[PHON_BUF];
        if ((status = ascii_word(w->word[0], strlen(w->word[0]), ascii)) != KG_OK)
            goto cleanup;
        if (strlen(ascii) >= 2) {
            f->kind = FORM_ACRONYM;
            f->letters = arena_strdup(&st->arena, ascii);
            if (f->letters == NULL)
                status = KG_ERR_NOMEM;
        }
        goto cleanup;
    }
    if (w->n < 2)
        goto cleanup;

    f->kind = FORM_LONG;
    node->long_scripts |= (unsigned char)(1u << f->script);
    if (f->is_name)
        node->name_scripts |= (unsigned char)(1u << f->script);
    char initials[PHON_BUF];
    size_t n_initials = 0;
    const char *skels[NAME_TOKENS_MAX];
    size_t n_skels = 0;
    int head_before_of = -1, head_any = -1;
    bool seen_of = false;
    for (size_t i = 0; i < w->n; i++) {
        const char *tok = w->word[i];
        if (lex_list_has(&lx->head_of, tok))
            seen_of = true;
        int level = lex_words_match(&lx->levels, tok);
        if (level >= 0)
            node->levels |= 1u << level;
        int head = lex_words_match(&lx->heads, tok);
        if (head >= 0) {
            /* English puts the head before "of" ("Federation of Trade
             * Unions") or last ("Trade Union Confederation"); Russian
             * first ("Федерация профсоюзов"). */
            if (f->script == 1) {
                if (head_any < 0)
                    head_any = head;
            } else {
                if (!seen_of)
                    head_before_of = head;
                if (head_any < 0)
                    head_any = head;
            }
        }
        if (lex_list_has(&lx->function_words, tok))
            continue;
        char ascii[PHON_BUF], skel[PHON_BUF], lead[4];
        size_t cp_len = first_cp_len(tok);
        if ((status = ascii_word(tok, cp_len, ascii)) != KG_OK)
            goto cleanup;
        for (const char *a = ascii; *a != '\0' && n_initials + 1 < PHON_BUF; a++)
            if (*a >= 'a' && *a <= 'z')
                initials[n_initials++] = *a;
        if ((status = ascii_word(tok, strlen(tok), ascii)) != KG_OK)
            goto cleanup;
        if (ascii[0] == '\0')
            continue;
        word_skeleton(lx, ascii, f->script == 0, skel, lead);
        const char *copy = arena_strdup(&st->arena, skel);
        if (copy == NULL) {
            status = KG_ERR_NOMEM;
            goto cleanup;
        }
        skels[n_skels++] = copy;
        /* Places named by this word. */
        lex_place probe = {skel, "", 0};
        size_t lo = 0, hi = lx->n_places;
        while (lo < hi) {
            size_t mid = lo + (hi - lo) / 2;
            if (strcmp(lx->places[mid].skeleton, probe.skeleton) < 0)
                lo = mid + 1;
            else
                hi = mid;
        }
        for (; lo < lx->n_places && strcmp(lx->places[lo].skeleton, skel) == 0; lo++) {
            if (strcmp(lx->places[lo].lead, lead) != 0)
                continue;
            if (kg_reserve((void **)places, cap_places, *n_places + 1, sizeof **places) != KG_OK) {
                status = KG_ERR_NOMEM;
                goto cleanup;
            }
            (*places)[(*n_places)++] = lx->places[lo].place;
        }
    }
    int head = f->script == 0 && head_before_of >= 0 ? head_before_of : head_any;
    if (head >= 0)
        node->heads |= 1u << head;
    initials[n_initials] = '\0';
    f->letters = arena_strdup(&st->arena, initials);
    sort_items(skels, n_skels, sizeof *skels, cmp_cstr_ptr);
    size_t distinct = 0;
    for (size_t i = 0; i < n_skels; i++)
        if (distinct == 0 || strcmp(skels[distinct - 1], skels[i]) != 0)
            skels[distinct++] = skels[i];
    f->words = ARENA_NEW(&st->arena, const char *, distinct + 1);
    if (f->letters == NULL || f->words == NULL) {
        status = KG_ERR_NOMEM;
        goto cleanup;
    }
    if (f->script == 0 && (status = translated_initials(st, w, f)) != KG_OK)
        goto cleanup;
    memcpy(f->words, skels, distinct * sizeof *skels);
    f->n_words = distinct;
    if (distinct >= 2) {
        size_t blen = 0;
        for (size_t i = 0; i < distinct; i++)
            blen += strlen(skels[i]) + 1;
        char *bag = arena_alloc(&st->arena, blen, 1);
        if (bag == NULL) {
            status = KG_ERR_NOMEM;
            goto cleanup;
        }
        size_t pos = 0;
        for (size_t i = 0; i < distinct; i++) {
            if (i > 0)
                bag[pos++] = ' ';
            memcpy(bag + pos, skels[i], strlen(skels[i]));
            pos += strlen(skels[i]);
        }
        bag[pos] = '\0';
        f->bag = bag;
    }

cleanup:
    free(w);
    free(latin);
    return status;
}

/* Parses a person's name: honorifics dropped; "Surname I." and "Surname
 * Name Patronymic" recognised; otherwise first word and last word. */
static kg_status parse_person(resolve_state *st, resolve_node *node) {
    const resolve_lexicon *lx = st->lx;
    person_name *p = &node->person;
    name_words *w = split_words(node->key);
    if (w == NULL)
        return KG_ERR_NOMEM;
    kg_status status = KG_OK;
    char ascii[NAME_TOKENS_MAX][PHON_BUF];
    bool initial[NAME_TOKENS_MAX];
    size_t n = 0;
    for (size_t i = 0; i < w->n; i++) {
        if (lex_list_has(&lx->particles, w->word[i]))
            continue;
        if ((status = ascii_word(w->word[i], strlen(w->word[i]), ascii[n])) != KG_OK)
            goto cleanup;
        if (ascii[n][0] == '\0')
            continue;
        initial[n] = utf8_length(w->word[i]) == 1;
        n++;
    }
    if (n == 0)
        goto cleanup;
    int fi = -1, si = (int)n - 1;
    if (n >= 2) {
        char last[PHON_BUF];
        phon_normal(lx, ascii[n - 1], false, last);
        if (initial[n - 1] && !initial[0]) {
            si = 0;
            fi = 1;
        } else if (n >= 3 && lex_list_ends(&lx->patronymics, last)) {
            si = 0;
            fi = 1;
        } else {
            fi = 0;
        }
    }
    int idx[2] = {fi, si};
    for (int k = 0; k < 2; k++) {
        if (idx[k] < 0)
            continue;
        char normal[PHON_BUF], alt[PHON_BUF];
        const char *a = ascii[idx[k]];
        phon_normal(lx, a, false, normal);
        phon_normal(lx, a, true, alt);
        p->tok[k] = arena_strdup(&st->arena, normal);
        p->alt[k] = strcmp(normal, alt) == 0 ? p->tok[k] : arena_strdup(&st->arena, alt);
        if (p->tok[k] == NULL || p->alt[k] == NULL) {
            status = KG_ERR_NOMEM;
            goto cleanup;
        }
        p->lead[k] = a[0];
        p->initial[k] = initial[idx[k]];
    }
    p->swappable = n == 2 && !initial[0] && !initial[1];

cleanup:
    free(w);
    return status;
}

/* Every form of nodes [lo, hi), and the features of their types: reads
 * the lexicon and the mentions, writes only those nodes and st->arena. */
static kg_status build_features_range(resolve_state *st, size_t lo, size_t hi) {
    const kg_resolver *r = st->r;
    const resolve_lexicon *lx = st->lx;
    form_collect *fc = NULL;
    size_t cap_fc = 0;
    size_t *places = NULL, n_places = 0, cap_places = 0;
    size_t *gaz = NULL, n_gaz = 0, cap_gaz = 0;
    kg_status status = KG_OK;
    for (size_t ni = lo; ni < hi; ni++) {
        resolve_node *node = &st->nodes[ni];
        size_t total = 0;
        for (size_t k = 0; k < node->count; k++)
            total += 1 + r->mentions[st->order[node->first + k]].n_aliases;
        if (kg_reserve((void **)&fc, &cap_fc, total, sizeof *fc) != KG_OK) {
            status = KG_ERR_NOMEM;
            goto cleanup;
        }
        size_t n = 0;
        for (size_t k = 0; k < node->count; k++) {
            const resolve_mention *m = &r->mentions[st->order[node->first + k]];
            fc[n++] = (form_collect){m->name, true};
            for (size_t a = 0; a < m->n_aliases; a++)
                fc[n++] = (form_collect){r->aliases[m->alias_start + a], false};
        }
        sort_items(fc, n, sizeof *fc, cmp_form_collect);
        size_t distinct = 0;
        for (size_t i = 0; i < n; i++)
            if (distinct == 0 || strcmp(fc[distinct - 1].text, fc[i].text) != 0)
                fc[distinct++] = fc[i];
        node->forms = ARENA_NEW(&st->arena, node_form, distinct);
        if (node->forms == NULL) {
            status = KG_ERR_NOMEM;
            goto cleanup;
        }
        node->script = has_cyrillic(node->name);
        n_places = n_gaz = 0;
        for (size_t i = 0; i < distinct; i++) {
            node_form *f = &node->forms[node->n_forms++];
            memset(f, 0, sizeof *f);
            f->text = fc[i].text;
            f->is_name = fc[i].is_name;
            f->script = has_cyrillic(f->text);
            char *key = kg_text_key(f->text, strlen(f->text));
            f->key = arena_take(&st->arena, key);
            if (f->key == NULL) {
                status = KG_ERR_NOMEM;
                goto cleanup;
            }
            if (node->type == KG_ENT_ORGANIZATION &&
                (status = org_form_features(st, node, f, &places, &n_places, &cap_places)) != KG_OK)
                goto cleanup;
            if (node->type == KG_ENT_ORGANIZATION || node->type == KG_ENT_PLACE) {
                const lex_form *forms =
                    node->type == KG_ENT_PLACE ? lx->place_forms : lx->org_forms;
                size_t nf = node->type == KG_ENT_PLACE ? lx->n_place_forms : lx->n_org_forms;
                size_t at = 0, hits = lex_forms_find(forms, nf, f->key, &at);
                if (kg_reserve((void **)&gaz, &cap_gaz, n_gaz + hits, sizeof *gaz) != KG_OK) {
                    status = KG_ERR_NOMEM;
                    goto cleanup;
                }
                for (size_t h = 0; h < hits; h++)
                    gaz[n_gaz++] = forms[at + h].entry;
            }
        }
        sort_unique_sizes(places, &n_places);
        sort_unique_sizes(gaz, &n_gaz);
        node->places = ARENA_NEW(&st->arena, size_t, n_places);
        node->gaz = ARENA_NEW(&st->arena, size_t, n_gaz);
        if (node->places == NULL || node->gaz == NULL) {
            status = KG_ERR_NOMEM;
            goto cleanup;
        }
        if (n_places > 0)
            memcpy(node->places, places, n_places * sizeof *places);
        if (n_gaz > 0)
            memcpy(node->gaz, gaz, n_gaz * sizeof *gaz);
        node->n_places = n_places;
        node->n_gaz = n_gaz;
        if (node->type == KG_ENT_PERSON && (status = parse_person(st, node)) != KG_OK)
            goto cleanup;
        if (node->type == KG_ENT_PLACE) {
            name_words *w = split_words(node->key);
            char buf[PHON_BUF * 2] = "";
            if (w == NULL) {
                status = KG_ERR_NOMEM;
                goto cleanup;
            }
            for (size_t i = 0; i < w->n && status == KG_OK; i++) {
                char ascii[PHON_BUF], phon[PHON_BUF];
                status = ascii_word(w->word[i], strlen(w->word[i]), ascii);
                phon_normal(lx, ascii, false, phon);
                if (strlen(buf) + strlen(phon) + 2 < sizeof buf) {
                    if (buf[0] != '\0')
                        strcat(buf, " ");
                    strcat(buf, phon);
                }
            }
            free(w);
            if (status != KG_OK)
                goto cleanup;
            node->translit_key = arena_strdup(&st->arena, buf);
            if (node->translit_key == NULL) {
                status = KG_ERR_NOMEM;
                goto cleanup;
            }
        }
    }

cleanup:
    free(fc);
    free(places);
    free(gaz);
    return status;
}

#define RESOLVE_NODE_CHUNK ((size_t)1024)

/* Each worker allocates from an arena of its own (a copy of the state). */
typedef struct features_ctx {
    resolve_state *workers;
} features_ctx;

static kg_status features_range(void *arg, size_t worker, size_t lo, size_t hi) {
    const features_ctx *ctx = arg;
    return build_features_range(&ctx->workers[worker], lo, hi);
}

/* Phase 2 on several threads: a node's features depend on its own
 * mentions only. */
static kg_status build_features(resolve_state *st) {
    size_t workers = range_workers(st->r->threads, st->n_nodes, RESOLVE_NODE_CHUNK);
    resolve_state *copies = malloc(workers * sizeof *copies);
    if (copies == NULL)
        return KG_ERR_NOMEM;
    for (size_t t = 0; t < workers; t++) {
        copies[t] = *st;
        copies[t].arena.head = NULL;
    }
    features_ctx ctx = {copies};
    kg_status status = run_ranges(features_range, &ctx, st->n_nodes, RESOLVE_NODE_CHUNK, workers);
    for (size_t t = 0; t < workers; t++)
        arena_adopt(&st->arena, &copies[t].arena);
    free(copies);
    return status;
}

static int cmp_hold(const void *a, const void *b) {
    const node_hold *x = a, *y = b;
    int c = kg_cmp_size(x->person, y->person);
    if (c == 0)
        c = kg_cmp_size(x->org, y->org);
    return c != 0 ? c : kg_strcmp_null(x->role, y->role);
}

/* The posts (holds_post) of each person node, sorted and distinct. */
static kg_status build_holds(resolve_state *st) {
    const kg_resolver *r = st->r;
    st->holds = malloc((r->n_posts + 1) * sizeof *st->holds);
    if (st->holds == NULL)
        return KG_ERR_NOMEM;
    for (size_t i = 0; i < r->n_posts; i++) {
        const resolve_post *post = &r->posts[i];
        size_t p = st->node_of[post->person], o = st->node_of[post->org];
        if (st->nodes[p].type != KG_ENT_PERSON || st->nodes[o].type != KG_ENT_ORGANIZATION)
            continue;
        st->holds[st->n_holds++] = (node_hold){
            p, o, post->role, post->role != NULL && lex_list_has(&st->lx->head_roles, post->role)};
    }
    kg_sort(st->holds, st->n_holds, sizeof *st->holds, cmp_hold, st->r->threads);
    size_t k = 0;
    for (size_t i = 0; i < st->n_holds; i++)
        if (k == 0 || cmp_hold(&st->holds[k - 1], &st->holds[i]) != 0)
            st->holds[k++] = st->holds[i];
    st->n_holds = k;
    for (size_t i = 0; i < st->n_holds; i++) {
        resolve_node *node = &st->nodes[st->holds[i].person];
        if (node->n_holds++ == 0)
            node->hold_start = i;
    }
    return KG_OK;
}

/* ---- user aliases on nodes ------------------------------------------------------- */

typedef struct form_ref {
    const char *key;
    size_t node, form;
} form_ref;

static int cmp_form_ref(const void *a, const void *b) {
    const form_ref *x = a, *y = b;
    int c = strcmp(x->key, y->key);
    if (c == 0)
        c = kg_cmp_size(x->node, y->node);
    return c != 0 ? c : kg_cmp_size(x->form, y->form);
}

static int cmp_form_ref_node(const void *a, const void *b) {
    const form_ref *x = a, *y = b;
    int c = kg_cmp_size(x->node, y->node);
    return c != 0 ? c : kg_cmp_size(x->form, y->form);
}

static int cmp_tag(const void *a, const void *b) {
    const node_tag *x = a, *y = b;
    int c = kg_cmp_size(x->node, y->node);
    if (c == 0)
        c = kg_cmp_size(x->pair, y->pair);
    return c != 0 ? c : (x->side > y->side) - (x->side < y->side);
}

static kg_status push_link(resolve_state *st, const resolve_link *link) {
    if (kg_reserve((void **)&st->links, &st->cap_links, st->n_links + 1, sizeof *st->links) !=
        KG_OK)
        return KG_ERR_NOMEM;
    resolve_link *l = &st->links[st->n_links++];
    *l = *link;
    if (l->a > l->b) {
        size_t t = l->a;
        l->a = l->b;
        l->b = t;
        const char *f = l->form_a;
        l->form_a = l->form_b;
        l->form_b = f;
    }
    return KG_OK;
}

/* Split tags on nodes and the forced links of merge groups. */
static kg_status apply_user_groups(resolve_state *st) {
    const kg_resolver *r = st->r;
    kg_status status = KG_OK;
    form_ref *refs = NULL, *hits = NULL;
    size_t n_refs = 0;
    if (r->n_groups == 0)
        return KG_OK;
    size_t total = 0;
    for (size_t i = 0; i < st->n_nodes; i++)
        total += st->nodes[i].n_forms;
    refs = malloc((total + 1) * sizeof *refs);
    hits = malloc((total + 1) * sizeof *hits);
    if (refs == NULL || hits == NULL) {
        status = KG_ERR_NOMEM;
        goto cleanup;
    }
    for (size_t i = 0; i < st->n_nodes; i++)
        for (size_t f = 0; f < st->nodes[i].n_forms; f++)
            refs[n_refs++] = (form_ref){st->nodes[i].forms[f].key, i, f};
    kg_sort(refs, n_refs, sizeof *refs, cmp_form_ref, st->r->threads);

    for (size_t g = 0; g < r->n_groups; g++) {
        const resolve_user_group *group = &r->groups[g];
        /* (node, form) pairs having one of the group's forms; for a split,
         * the side is the form's position. */
        size_t n_hits = 0;
        for (size_t k = 0; k < group->n; k++) {
            form_ref probe = {group->keys[k], 0, 0};
            size_t lo = 0, hi = n_refs;
            while (lo < hi) {
                size_t mid = lo + (hi - lo) / 2;
                if (strcmp(refs[mid].key, probe.key) < 0)
                    lo = mid + 1;
                else
                    hi = mid;
            }
            for (; lo < n_refs && strcmp(refs[lo].key, probe.key) == 0; lo++) {
                if (group->split) {
                    if (kg_reserve((void **)&st->tags, &st->cap_tags, st->n_tags + 1,
                                   sizeof *st->tags) != KG_OK) {
                        status = KG_ERR_NOMEM;
                        goto cleanup;
                    }
                    st->tags[st->n_tags++] = (node_tag){refs[lo].node, g, (int)k};
                } else {
                    hits[n_hits++] = refs[lo];
                }
            }
        }
        if (group->split || n_hits < 2)
            continue;
        /* Nodes in content order (type first, as nodes are sorted);
         * consecutive nodes of one type are linked. */
        sort_items(hits, n_hits, sizeof *hits, cmp_form_ref_node);
        char detail[600];
        snprintf(detail, sizeof detail, "%s:%zu", group->where, group->line);
        const char *detail_copy = arena_strdup(&st->arena, detail);
        if (detail_copy == NULL) {
            status = KG_ERR_NOMEM;
            goto cleanup;
        }
        const form_ref *prev = NULL;
        for (size_t i = 0; i < n_hits; i++) {
            const form_ref *ref = &hits[i];
            if (prev != NULL && prev->node == ref->node)
                continue;
            if (prev != NULL && st->nodes[prev->node].type == st->nodes[ref->node].type) {
                resolve_link link = {prev->node,
                                     ref->node,
                                     1.0,
                                     RULE_USER,
                                     st->nodes[prev->node].forms[prev->form].text,
                                     st->nodes[ref->node].forms[ref->form].text,
                                     detail_copy};
                if ((status = push_link(st, &link)) != KG_OK)
                    goto cleanup;
            }
            prev = ref;
        }
    }

    /* Tags: a node having both forms of a pair is tagged with neither. */
    kg_sort(st->tags, st->n_tags, sizeof *st->tags, cmp_tag, st->r->threads);
    size_t k = 0;
    for (size_t i = 0; i < st->n_tags;) {
        size_t j = i;
        bool sides[2] = {false, false};
        while (j < st->n_tags && st->tags[j].node == st->tags[i].node &&
               st->tags[j].pair == st->tags[i].pair)
            sides[st->tags[j++].side] = true;
        if (!(sides[0] && sides[1]))
            st->tags[k++] = st->tags[i];
        i = j;
    }
    st->n_tags = k;
    for (size_t i = 0; i < st->n_tags; i++) {
        resolve_node *node = &st->nodes[st->tags[i].node];
        if (node->n_tags++ == 0)
            node->tag_start = i;
    }

cleanup:
    free(refs);
    free(hits);
    return status;
}

/* ---- phase 3: blocking keys ------------------------------------------------------- */

/* Concatenation of up to four strings into the arena. */
static const char *arena_concat(resolve_arena *a, const char *s1, const char *s2, const char *s3,
                                const char *s4) {
    const char *parts[4] = {s1, s2, s3, s4};
    size_t len = 0;
    for (int i = 0; i < 4; i++)
        len += parts[i] != NULL ? strlen(parts[i]) : 0;
    char *p = arena_alloc(a, len + 1, 1);
    if (p == NULL)
        return NULL;
    size_t pos = 0;
    for (int i = 0; i < 4; i++) {
        if (parts[i] == NULL)
            continue;
        size_t n = strlen(parts[i]);
        memcpy(p + pos, parts[i], n);
        pos += n;
    }
    p[pos] = '\0';
    return p;
}

static kg_status push_key(resolve_state *st, size_t node, key_kind kind, const char *text,
                          const char *order, size_t form, size_t extra) {
    if (text == NULL)
        return KG_ERR_NOMEM;
    if (kg_reserve((void **)&st->keys, &st->cap_keys, st->n_keys + 1, sizeof *st->keys) != KG_OK)
        return KG_ERR_NOMEM;
    st->keys[st->n_keys++] =
        (resolve_key){text, strlen(text), order != NULL ? order : "", node, form, extra, kind};
    return KG_OK;
}

/* "type|scope|key" with the type name in lower case: the exact key, also
 * the content-derived identity of a cluster (its smallest exact key). */
static const char *exact_key_text(resolve_state *st, const resolve_node *node, const char *key) {
    char type[32];
    snprintf(type, sizeof type, "%s", kg_entity_type_name(node->type));
    for (char *p = type; *p != '\0'; p++)
        if (*p >= 'A' && *p <= 'Z')
            *p = (char)(*p + 32);
    return arena_concat(&st->arena, type, "|", node->scope,
                        arena_concat(&st->arena, "|", key, NULL, NULL));
}

/* The skeleton used as a person's blocking key (the phonetic form itself
 * when the skeleton is too short to block anything usefully). */
static const char *surname_block(resolve_state *st, const char *phon) {
    char skel[PHON_BUF];
    phon_skeleton(phon, skel);
    return arena_concat(&st->arena, "#s|", strlen(skel) >= 2 ? skel : phon, NULL, NULL);
}

static kg_status build_keys(resolve_state *st) {
    kg_status status = KG_OK;
    for (size_t ni = 0; ni < st->n_nodes && status == KG_OK; ni++) {
        const resolve_node *node = &st->nodes[ni];
        for (size_t fi = 0; fi < node->n_forms && status == KG_OK; fi++) {
            const node_form *f = &node->forms[fi];
            const char *k = f->key;
            if (k[0] == '\0') {
                if (!f->is_name)
                    continue;
                k = f->text;
            }
            if (!f->is_name && key_is_weak(k))
                continue;
            status = push_key(st, ni, KEY_EXACT, exact_key_text(st, node, k), "", fi, 0);
        }
        if (node->type == KG_ENT_PERSON && node->person.tok[1] != NULL) {
            const person_name *p = &node->person;
            const char *order = p->tok[0] != NULL ? p->tok[0] : "";
            for (int k = 0; k < 2 && status == KG_OK; k++) {
                if (k == 0 && !p->swappable)
                    continue;
                status =
                    push_key(st, ni, KEY_SURNAME, surname_block(st, p->tok[k]), order, SIZE_MAX, 0);
                if (status == KG_OK && p->alt[k] != p->tok[k])
                    status = push_key(st, ni, KEY_SURNAME, surname_block(st, p->alt[k]), order,
                                      SIZE_MAX, 0);
            }
        }
        if (node->type == KG_ENT_ORGANIZATION) {
            for (size_t fi = 0; fi < node->n_forms && status == KG_OK; fi++) {
                const node_form *f = &node->forms[fi];
                if (f->kind == FORM_ACRONYM)
                    status = push_key(st, ni, KEY_ACRONYM,
                                      arena_concat(&st->arena, "#a|", f->letters, NULL, NULL), "0",
                                      fi, 0);
                if (f->kind == FORM_LONG && strlen(f->letters) >= ACRONYM_MIN_LETTERS)
                    status = push_key(st, ni, KEY_ACRONYM,
                                      arena_concat(&st->arena, "#a|", f->letters, NULL, NULL), "1",
                                      fi, 0);
                if (status == KG_OK && f->kind == FORM_LONG && f->letters_ru != NULL)
                    status = push_key(st, ni, KEY_ACRONYM,
                                      arena_concat(&st->arena, "#a|", f->letters_ru, NULL, NULL),
                                      "1", fi, 0);
                if (status == KG_OK && f->kind == FORM_LONG && f->bag != NULL)
                    status = push_key(st, ni, KEY_BAG,
                                      arena_concat(&st->arena, "#b|", f->bag, NULL, NULL), f->latin,
                                      fi, 0);
            }
        }
        for (size_t g = 0; g < node->n_gaz && status == KG_OK; g++) {
            char buf[64];
            snprintf(buf, sizeof buf, "#g|%d|%zu", (int)node->type, node->gaz[g]);
            status = push_key(st, ni, KEY_GAZETTEER, arena_strdup(&st->arena, buf), "", SIZE_MAX,
                              node->gaz[g]);
        }
        if (status == KG_OK && node->type == KG_ENT_PLACE && node->translit_key[0] != '\0')
            status = push_key(st, ni, KEY_TRANSLIT,
                              arena_concat(&st->arena, "#t|", node->translit_key, NULL, NULL), "",
                              SIZE_MAX, 0);
    }
    return status;
}

static int cmp_key(const void *a, const void *b) {
    const resolve_key *x = a, *y = b;
    int c = strcmp(x->text, y->text);
    if (c == 0)
        c = strcmp(x->order, y->order);
    if (c == 0)
        c = kg_cmp_size(x->node, y->node);
    return c != 0 ? c : kg_cmp_size(x->form, y->form);
}

static int cmp_key_node(const void *a, const void *b) {
    const resolve_key *x = a, *y = b;
    int c = strcmp(x->text, y->text);
    if (c == 0)
        c = kg_cmp_size(x->node, y->node);
    if (c == 0)
        c = strcmp(x->order, y->order);
    return c != 0 ? c : kg_cmp_size(x->form, y->form);
}

/* Keeps one key per (text, node) (the first by order and form), then sorts
 * the keys by (text, order, node): each block is a run, its nodes in the
 * order of the sorted neighbourhood.  build_keys pushes each node's keys
 * together, so the repeats are found node by node (a few keys each) and
 * only one sort runs over all keys. */
static void sort_keys(resolve_state *st) {
    size_t k = 0;
    for (size_t s = 0; s < st->n_keys;) {
        size_t e = s + 1;
        while (e < st->n_keys && st->keys[e].node == st->keys[s].node)
            e++;
        sort_items(st->keys + s, e - s, sizeof *st->keys, cmp_key_node);
        const char *previous = NULL;
        for (size_t i = s; i < e; i++) {
            const char *text = st->keys[i].text;
            if (previous == NULL || strcmp(previous, text) != 0)
                st->keys[k++] = st->keys[i];
            previous = text;
        }
        s = e;
    }
    st->n_keys = k;
    kg_sort(st->keys, st->n_keys, sizeof *st->keys, cmp_key, st->r->threads);
}

/* ---- phase 4 and 5: rules, compatibility, clustering ------------------------------- */

static size_t sets_find(resolve_state *st, size_t x) {
    while (st->parent[x] != x) {
        st->parent[x] = st->parent[st->parent[x]];
        x = st->parent[x];
    }
    return x;
}

static bool initials_match(const resolve_lexicon *lx, char a, char b) {
    if (a == b)
        return true;
    if ((unsigned char)a >= 128 || (unsigned char)b >= 128)
        return false;
    return lx->initial_class[(int)a] == lx->initial_class[(int)b];
}

/* Best Jaro-Winkler over the plain and alternative phonetic forms.  With
 * edits, *edits receives the fewest edits (at most SURNAME_MAX_EDITS + 1)
 * between forms at least SURNAME_MIN alike. */
static double token_similarity(const char *a, const char *a_alt, const char *b, const char *b_alt,
                               size_t *edits) {
    const char *as[2] = {a, a_alt}, *bs[2] = {b, b_alt};
    int na = a_alt != a ? 2 : 1, nb = b_alt != b ? 2 : 1;
    for (int i = 0; i < na; i++)
        for (int j = 0; j < nb; j++)
            if (strcmp(as[i], bs[j]) == 0) {
                if (edits != NULL)
                    *edits = 0;
                return 1.0;
            }
    double best = 0.0;
    size_t fewest = SURNAME_MAX_EDITS + 1;
    for (int i = 0; i < na; i++) {
        for (int j = 0; j < nb; j++) {
            double sim = jaro_winkler(as[i], bs[j]);
            if (sim > best)
                best = sim;
            if (edits != NULL && sim >= SURNAME_MIN) {
                size_t e = levenshtein(as[i], bs[j], SURNAME_MAX_EDITS);
                if (e < fewest)
                    fewest = e;
            }
        }
    }
    if (edits != NULL)
        *edits = fewest;
    return best;
}

static char surname_gender(const resolve_lexicon *lx, const char *surname) {
    if (lex_list_ends(&lx->feminine, surname))
        return 'f';
    if (lex_list_ends(&lx->masculine, surname))
        return 'm';
    return 0;
}

/* How alike two person names are, in (0, 1], or 0 when they cannot be one
 * person: surnames similar (Jaro-Winkler ≥ SURNAME_MIN and at most
 * SURNAME_MAX_EDITS edits on the phonetic forms) and of one gender; first
 * names similar (≥ FIRST_NAME_MIN), or one an initial of the other, or one
 * missing.  Two full words may be in either order. */
static double person_score(const resolve_lexicon *lx, const person_name *x, const person_name *y) {
    if (x->tok[1] == NULL || y->tok[1] == NULL)
        return 0.0;
    double best = 0.0;
    for (int sx = 0; sx <= (x->swappable ? 1 : 0); sx++) {
        for (int sy = 0; sy <= (y->swappable ? 1 : 0); sy++) {
            if (sx && sy)
                continue; /* the same as neither swapped */
            int xf = sx, xs = 1 - sx, yf = sy, ys = 1 - sy;
            size_t edits = 0;
            double s = token_similarity(x->tok[xs], x->alt[xs], y->tok[ys], y->alt[ys], &edits);
            if (s < 1.0 && (s < SURNAME_MIN || edits > SURNAME_MAX_EDITS))
                continue;
            char gx = surname_gender(lx, x->tok[xs]), gy = surname_gender(lx, y->tok[ys]);
            if (gx != 0 && gy != 0 && gx != gy)
                continue;
            double f;
            if (x->tok[xf] == NULL || y->tok[yf] == NULL) {
                f = 0.75;
            } else if (x->initial[xf] || y->initial[yf]) {
                if (!initials_match(lx, x->lead[xf], y->lead[yf]))
                    continue;
                f = 0.85;
            } else {
                f = token_similarity(x->tok[xf], x->alt[xf], y->tok[yf], y->alt[yf], NULL);
                if (f < FIRST_NAME_MIN)
                    continue;
            }
            double score = 0.6 * s + 0.4 * f;
            if (score > best)
                best = score;
        }
    }
    return best;
}

static bool words_subset(const node_form *a, const node_form *b) {
    size_t j = 0;
    for (size_t i = 0; i < a->n_words; i++) {
        while (j < b->n_words && strcmp(b->words[j], a->words[i]) < 0)
            j++;
        if (j >= b->n_words || strcmp(b->words[j], a->words[i]) != 0)
            return false;
    }
    return true;
}

/* Two organisations named in one script are compatible when their names
 * have the same content words, or the words of one are all in the other (a
 * shortened name).  Names only: an alias two nodes share would make any
 * two compatible. */
static bool bags_compatible(const resolve_node *x, const resolve_node *y, unsigned script) {
    for (size_t i = 0; i < x->n_forms; i++) {
        const node_form *a = &x->forms[i];
        if (a->kind != FORM_LONG || !a->is_name || a->script != script)
            continue;
        for (size_t j = 0; j < y->n_forms; j++) {
            const node_form *b = &y->forms[j];
            if (b->kind == FORM_LONG && b->is_name && b->script == script &&
                (words_subset(a, b) || words_subset(b, a)))
                return true;
        }
    }
    return false;
}

static bool org_compatible(const resolve_node *x, const resolve_node *y) {
    if (x->n_places > 0 && y->n_places > 0 &&
        !sorted_sets_equal(x->places, x->n_places, y->places, y->n_places))
        return false;
    if (x->long_scripts != 0 && y->long_scripts != 0 && x->levels != y->levels)
        return false;
    if (x->heads != 0 && y->heads != 0 && (x->heads & y->heads) == 0)
        return false;
    for (unsigned s = 0; s < 2; s++)
        if (((x->name_scripts & y->name_scripts) >> s & 1u) != 0 && !bags_compatible(x, y, s))
            return false;
    if (x->n_gaz > 0 && y->n_gaz > 0 && !sorted_sets_intersect(x->gaz, x->n_gaz, y->gaz, y->n_gaz))
        return false;
    return true;
}

static bool split_conflict(const resolve_state *st, const resolve_node *x, const resolve_node *y) {
    for (size_t i = 0; i < x->n_tags; i++) {
        const node_tag *tx = &st->tags[x->tag_start + i];
        for (size_t j = 0; j < y->n_tags; j++) {
            const node_tag *ty = &st->tags[y->tag_start + j];
            if (tx->pair == ty->pair && tx->side != ty->side)
                return true;
        }
    }
    return false;
}

static bool clusters_compatible(resolve_state *st, size_t ra, size_t rb);

/* Both head organisations that are known to be different (in clusters that
 * are not compatible): then these are two people. */
static bool head_conflict(resolve_state *st, const resolve_node *x, const resolve_node *y) {
    for (size_t i = 0; i < x->n_holds; i++) {
        const node_hold *hx = &st->holds[x->hold_start + i];
        if (!hx->head)
            continue;
        for (size_t j = 0; j < y->n_holds; j++) {
            const node_hold *hy = &st->holds[y->hold_start + j];
            if (!hy->head)
                continue;
            size_t ra = sets_find(st, hx->org), rb = sets_find(st, hy->org);
            if (ra != rb && !clusters_compatible(st, ra, rb))
                return true;
        }
    }
    return false;
}

/* Whether nodes a and b may be in one cluster: no evidence they differ. */
static bool nodes_compatible(resolve_state *st, size_t a, size_t b) {
    const resolve_node *x = &st->nodes[a], *y = &st->nodes[b];
    st->r->stats.compat_checks++;
    if (x->type != y->type || split_conflict(st, x, y))
        return false;
    switch (x->type) {
    case KG_ENT_PERSON:
        return person_score(st->lx, &x->person, &y->person) > 0.0 && !head_conflict(st, x, y);
    case KG_ENT_ORGANIZATION:
        return org_compatible(x, y);
    case KG_ENT_PLACE:
        return x->n_gaz == 0 || y->n_gaz == 0 ||
               sorted_sets_intersect(x->gaz, x->n_gaz, y->gaz, y->n_gaz);
    default:
        return true;
    }
}

/* Complete linkage: every node of one cluster with every node of the other. */
static bool clusters_compatible(resolve_state *st, size_t ra, size_t rb) {
    if (st->csize[ra] > RESOLVE_MAX_CHECKS / st->csize[rb])
        return false;
    size_t x = ra;
    do {
        size_t y = rb;
        do {
            if (!nodes_compatible(st, x, y))
                return false;
            y = st->next[y];
        } while (y != rb);
        x = st->next[x];
    } while (x != ra);
    return true;
}

/* User merges override the rules but not the user's splits. */
static bool clusters_split_ok(resolve_state *st, size_t ra, size_t rb) {
    if (st->n_tags == 0)
        return true;
    size_t x = ra;
    do {
        size_t y = rb;
        do {
            if (split_conflict(st, &st->nodes[x], &st->nodes[y]))
                return false;
            y = st->next[y];
        } while (y != rb);
        x = st->next[x];
    } while (x != ra);
    return true;
}

static void clusters_join(resolve_state *st, size_t ra, size_t rb) {
    if (st->csize[ra] < st->csize[rb]) {
        size_t t = ra;
        ra = rb;
        rb = t;
    }
    st->parent[rb] = ra;
    st->csize[ra] += st->csize[rb];
    size_t t = st->next[ra]; /* splice the member rings */
    st->next[ra] = st->next[rb];
    st->next[rb] = t;
}

/* Strongest first; ties by rule, then by content (node order, forms). */
static int cmp_link_order(const void *a, const void *b) {
    const resolve_link *x = a, *y = b;
    if (x->score != y->score)
        return x->score > y->score ? -1 : 1;
    int c = kg_cmp_size((size_t)x->rule, (size_t)y->rule);
    if (c == 0)
        c = kg_cmp_size(x->a, y->a);
    if (c == 0)
        c = kg_cmp_size(x->b, y->b);
    if (c == 0)
        c = strcmp(x->form_a, y->form_a);
    if (c == 0)
        c = strcmp(x->form_b, y->form_b);
    return c != 0 ? c : kg_strcmp_null(x->detail, y->detail);
}

static kg_status push_merge(resolve_state *st, const resolve_merge_rec *rec) {
    if (kg_reserve((void **)&st->merges, &st->cap_merges, st->n_merges + 1, sizeof *st->merges) !=
        KG_OK)
        return KG_ERR_NOMEM;
    st->merges[st->n_merges++] = *rec;
    return KG_OK;
}

/* Joins clusters along links[from ..) in order; check: complete linkage
 * (otherwise only the user's splits are checked). */
static kg_status run_links(resolve_state *st, size_t from, bool check) {
    if (st->n_links > from)
        kg_sort(st->links + from, st->n_links - from, sizeof *st->links, cmp_link_order,
                st->r->threads);
    for (size_t i = from; i < st->n_links; i++) {
        const resolve_link *l = &st->links[i];
        size_t ra = sets_find(st, l->a), rb = sets_find(st, l->b);
        if (ra == rb)
            continue;
        if (!(check ? clusters_compatible(st, ra, rb) : clusters_split_ok(st, ra, rb))) {
            st->r->stats.refused++;
            continue;
        }
        clusters_join(st, ra, rb);
        st->r->stats.merges++;
        resolve_merge_rec rec = {l->a, l->form_a, l->form_b, l->rule, l->score, l->detail};
        kg_status status = push_merge(st, &rec);
        if (status != KG_OK)
            return status;
    }
    return KG_OK;
}

/* Persons who share an organisation (and a role in it) are more likely one. */
static double context_bonus(resolve_state *st, const resolve_node *x, const resolve_node *y) {
    bool org = false, role = false;
    for (size_t i = 0; i < x->n_holds; i++) {
        const node_hold *hx = &st->holds[x->hold_start + i];
        for (size_t j = 0; j < y->n_holds; j++) {
            const node_hold *hy = &st->holds[y->hold_start + j];
            if (sets_find(st, hx->org) != sets_find(st, hy->org))
                continue;
            org = true;
            role =
                role || (hx->role != NULL && hy->role != NULL && strcmp(hx->role, hy->role) == 0);
        }
    }
    return (org ? 0.05 : 0.0) + (role ? 0.03 : 0.0);
}

/* The rules on two nodes that share key ki / kj: a link when they find
 * positive evidence.  Compatibility is checked when clustering.  person:
 * person_score of the two nodes when ki is a surname key, computed
 * beforehand (score_persons). */
static kg_status decide(resolve_state *st, const resolve_key *ki, const resolve_key *kj,
                        double person) {
    const resolve_node *a = &st->nodes[ki->node], *b = &st->nodes[kj->node];
    const node_form *fa = ki->form != SIZE_MAX ? &a->forms[ki->form] : NULL;
    const node_form *fb = kj->form != SIZE_MAX ? &b->forms[kj->form] : NULL;
    resolve_link link = {ki->node, kj->node, 0.0, RULE_EXACT, a->name, b->name, NULL};
    st->r->stats.candidate_pairs++;
    switch (ki->kind) {
    case KEY_EXACT:
        /* The two names; the shared form when it is neither. */
        link.rule = RULE_COREFERENCE;
        link.score = fa->is_name || fb->is_name ? 1.0 : SCORE_ALIAS_ALIAS;
        if (!fa->is_name && !fb->is_name)
            link.detail = fa->text;
        break;
    case KEY_SURNAME: {
        double s = person;
        if (s <= 0.0)
            return KG_OK;
        s += context_bonus(st, a, b);
        link.score = s > 1.0 ? 1.0 : s;
        link.rule = a->script != b->script ? RULE_TRANSLIT : RULE_EDIT;
        break;
    }
    case KEY_ACRONYM:
        if (fa->kind == FORM_ACRONYM && fb->kind == FORM_ACRONYM) {
            if (fa->script == fb->script)
                return KG_OK; /* same letters, same script: an exact key already */
            link.rule = RULE_TRANSLIT;
            link.score = SCORE_TRANSLIT;
        } else if (fa->kind == FORM_LONG && fb->kind == FORM_LONG) {
            return KG_OK; /* equal initials prove nothing */
        } else {
            if (strlen(fa->letters) < ACRONYM_MIN_LETTERS)
                return KG_OK;
            link.rule = RULE_ACRONYM;
            link.score = SCORE_ACRONYM;
        }
        link.form_a = fa->text;
        link.form_b = fb->text;
        link.detail = fa->kind == FORM_ACRONYM ? fa->letters : fb->letters;
        break;
    case KEY_BAG:
        if (strcmp(fa->key, fb->key) == 0)
            return KG_OK; /* one form: the exact key links them if anything does */
        if (fa->script != fb->script) {
            link.rule = RULE_TRANSLIT;
            link.score = SCORE_TRANSLIT;
        } else {
            link.rule = RULE_EDIT;
            link.score = 0.8 + 0.2 * jaro_winkler(fa->latin, fb->latin);
        }
        link.form_a = fa->text;
        link.form_b = fb->text;
        break;
    case KEY_GAZETTEER:
        link.rule = RULE_GAZETTEER;
        link.score = SCORE_GAZETTEER;
        link.detail =
            a->type == KG_ENT_PLACE ? st->lx->place_names[ki->extra] : st->lx->org_names[ki->extra];
        break;
    case KEY_TRANSLIT:
        link.rule = a->script != b->script ? RULE_TRANSLIT : RULE_EDIT;
        link.score = a->script != b->script ? SCORE_TRANSLIT : 0.9;
        link.detail = a->translit_key;
        break;
    }
    st->r->stats.links++;
    return push_link(st, &link);
}

/* A form (alias, acronym) that the corpus gives to entities known to be
 * different says nothing about a third one: "FTUK" defined for the
 * federations of two countries, "A. Sadykova" for Aigerim and Asel.  Such a
 * block of an exact or acronym key makes no links at all.  All pairs are
 * checked in blocks of up to AMBIGUITY_ALL_PAIRS nodes; in larger ones each
 * node against the first AMBIGUITY_SAMPLE. */
#define AMBIGUITY_ALL_PAIRS 32
#define AMBIGUITY_SAMPLE 8

static bool block_is_ambiguous(resolve_state *st, size_t s, size_t e) {
    if (e - s < 3)
        return false; /* one link: complete linkage judges it */
    size_t sample = e - s <= AMBIGUITY_ALL_PAIRS ? e - s : AMBIGUITY_SAMPLE;
    for (size_t i = s; i < s + sample; i++)
        for (size_t j = i + 1; j < e; j++)
            if (!nodes_compatible(st, st->keys[i].node, st->keys[j].node))
                return true;
    return false;
}

/* A candidate pair of keys (indices into state.keys) and, for a surname
 * key, the person_score of their nodes. */
typedef struct candidate_pair {
    size_t i, j;
    double person;
} candidate_pair;

/* Candidate pairs are decided in batches of this many, their person scores
 * computed first on several threads (Jaro-Winkler on every surname pair is
 * most of the resolution's time). */
#define RESOLVE_PAIR_BATCH ((size_t)1 << 16)
#define RESOLVE_PAIR_CHUNK ((size_t)4096)

typedef struct score_ctx {
    const resolve_state *st;
    candidate_pair *pairs;
} score_ctx;

/* person_score reads only the lexicon and the nodes' parsed names, which
 * nothing changes while links are collected: each pair's score is the same
 * on whichever thread computes it. */
static kg_status score_range(void *arg, size_t worker, size_t lo, size_t hi) {
    const score_ctx *ctx = arg;
    const resolve_state *st = ctx->st;
    (void)worker;
    for (size_t k = lo; k < hi; k++) {
        candidate_pair *p = &ctx->pairs[k];
        const resolve_key *ki = &st->keys[p->i], *kj = &st->keys[p->j];
        p->person = ki->kind == KEY_SURNAME ? person_score(st->lx, &st->nodes[ki->node].person,
                                                           &st->nodes[kj->node].person)
                                            : 0.0;
    }
    return KG_OK;
}

static void score_persons(const resolve_state *st, candidate_pair *pairs, size_t n) {
    score_ctx ctx = {st, pairs};
    (void)run_ranges(score_range, &ctx, n, RESOLVE_PAIR_CHUNK,
                     range_workers(st->r->threads, n, RESOLVE_PAIR_CHUNK));
}

/* Decides a batch of candidate pairs in order. */
static kg_status decide_pairs(resolve_state *st, candidate_pair *pairs, size_t n) {
    if (n == 0)
        return KG_OK;
    score_persons(st, pairs, n);
    for (size_t k = 0; k < n; k++) {
        kg_status status =
            decide(st, &st->keys[pairs[k].i], &st->keys[pairs[k].j], pairs[k].person);
        if (status != KG_OK)
            return status;
    }
    return KG_OK;
}

/* Candidate pairs of the blocks of one phase (persons or the rest): each
 * key with the next RESOLVE_WINDOW keys of its block.  Pairs are decided in
 * the order of the keys whatever the number of threads. */
static kg_status link_blocks(resolve_state *st, bool persons) {
    kg_status status = KG_OK;
    candidate_pair *pairs = NULL;
    size_t n_pairs = 0;
    if (persons && (pairs = malloc(RESOLVE_PAIR_BATCH * sizeof *pairs)) == NULL)
        return KG_ERR_NOMEM;
    for (size_t s = 0; s < st->n_keys;) {
        size_t e = s + 1;
        while (e < st->n_keys && strcmp(st->keys[e].text, st->keys[s].text) == 0)
            e++;
        key_kind kind = st->keys[s].kind;
        if ((st->nodes[st->keys[s].node].type == KG_ENT_PERSON) == persons &&
            !((kind == KEY_EXACT || kind == KEY_ACRONYM) && block_is_ambiguous(st, s, e))) {
            for (size_t i = s; i < e; i++) {
                for (size_t j = i + 1; j < e && j <= i + RESOLVE_WINDOW; j++) {
                    if (pairs == NULL) {
                        status = decide(st, &st->keys[i], &st->keys[j], 0.0);
                        if (status != KG_OK)
                            goto cleanup;
                        continue;
                    }
                    pairs[n_pairs++] = (candidate_pair){i, j, 0.0};
                    if (n_pairs == RESOLVE_PAIR_BATCH) {
                        if ((status = decide_pairs(st, pairs, n_pairs)) != KG_OK)
                            goto cleanup;
                        n_pairs = 0;
                    }
                }
            }
        }
        s = e;
    }
    status = decide_pairs(st, pairs, n_pairs);

cleanup:
    free(pairs);
    return status;
}

/* A person link seen from an under-specified end (surname only, or an
 * initial for the first name). */
typedef struct vague_end {
    size_t node, partner;
    double score;
} vague_end;

static int cmp_vague_end(const void *a, const void *b) {
    const vague_end *x = a, *y = b;
    int c = kg_cmp_size(x->node, y->node);
    if (c == 0 && x->score != y->score)
        c = x->score > y->score ? -1 : 1;
    return c != 0 ? c : kg_cmp_size(x->partner, y->partner);
}

static bool person_is_vague(const resolve_node *node) {
    return node->person.tok[0] == NULL || node->person.initial[0];
}

/* "K. Ospanov" next to Kairat and Kanat Ospanov: when the best partners of
 * an under-specified name (equal scores) are people known to be different,
 * it joins none of them.  Drops such links from links[from ..). */
static kg_status drop_vague_links(resolve_state *st, size_t from) {
    size_t n = 0;
    vague_end *ends = malloc((2 * (st->n_links - from) + 1) * sizeof *ends);
    bool *vague = calloc(st->n_nodes + 1, sizeof *vague);
    if (ends == NULL || vague == NULL) {
        free(ends);
        free(vague);
        return KG_ERR_NOMEM;
    }
    for (size_t i = from; i < st->n_links; i++) {
        const resolve_link *l = &st->links[i];
        if (person_is_vague(&st->nodes[l->a]))
            ends[n++] = (vague_end){l->a, l->b, l->score};
        if (person_is_vague(&st->nodes[l->b]))
            ends[n++] = (vague_end){l->b, l->a, l->score};
    }
    kg_sort(ends, n, sizeof *ends, cmp_vague_end, st->r->threads);
    for (size_t s = 0; s < n;) {
        size_t e = s + 1;
        while (e < n && ends[e].node == ends[s].node && ends[e].score == ends[s].score)
            e++; /* [s, e): the best partners */
        for (size_t i = s; i < e && !vague[ends[s].node]; i++)
            for (size_t j = i + 1; j < e && j <= i + RESOLVE_WINDOW; j++)
                if (ends[i].partner != ends[j].partner &&
                    !nodes_compatible(st, ends[i].partner, ends[j].partner)) {
                    vague[ends[s].node] = true;
                    break;
                }
        while (e < n && ends[e].node == ends[s].node)
            e++;
        s = e;
    }
    size_t k = from;
    for (size_t i = from; i < st->n_links; i++)
        if (!vague[st->links[i].a] && !vague[st->links[i].b])
            st->links[k++] = st->links[i];
    st->n_links = k;
    free(ends);
    free(vague);
    return KG_OK;
}

typedef struct context_item {
    size_t person_cluster; /* smallest node of the person's cluster */
    const char *role;
    size_t org, person;
} context_item;

static int cmp_context_item(const void *a, const void *b) {
    const context_item *x = a, *y = b;
    int c = kg_cmp_size(x->person_cluster, y->person_cluster);
    if (c == 0)
        c = strcmp(x->role, y->role);
    if (c == 0)
        c = kg_cmp_size(x->org, y->org);
    return c != 0 ? c : kg_cmp_size(x->person, y->person);
}

/* Organisations headed (same head role) by one person cluster. */
static kg_status link_context(resolve_state *st) {
    kg_status status = KG_OK;
    size_t *smallest = malloc((st->n_nodes + 1) * sizeof *smallest);
    context_item *items = malloc((st->n_holds + 1) * sizeof *items);
    size_t n = 0;
    if (smallest == NULL || items == NULL) {
        status = KG_ERR_NOMEM;
        goto cleanup;
    }
    for (size_t i = 0; i < st->n_nodes; i++)
        smallest[i] = SIZE_MAX;
    for (size_t i = 0; i < st->n_nodes; i++) {
        size_t root = sets_find(st, i);
        if (smallest[root] == SIZE_MAX)
            smallest[root] = i;
    }
    for (size_t i = 0; i < st->n_holds; i++) {
        const node_hold *h = &st->holds[i];
        if (h->head)
            items[n++] =
                (context_item){smallest[sets_find(st, h->person)], h->role, h->org, h->person};
    }
    sort_items(items, n, sizeof *items, cmp_context_item);
    for (size_t s = 0; s < n;) {
        size_t e = s + 1;
        while (e < n && items[e].person_cluster == items[s].person_cluster &&
               strcmp(items[e].role, items[s].role) == 0)
            e++;
        for (size_t i = s; i < e; i++) {
            for (size_t j = i + 1; j < e && j <= i + RESOLVE_WINDOW; j++) {
                if (items[i].org == items[j].org ||
                    sets_find(st, items[i].org) == sets_find(st, items[j].org))
                    continue;
                st->r->stats.candidate_pairs++;
                const char *detail = arena_concat(&st->arena, items[s].role, ": ",
                                                  st->nodes[items[s].person_cluster].name, NULL);
                if (detail == NULL) {
                    status = KG_ERR_NOMEM;
                    goto cleanup;
                }
                resolve_link link = {items[i].org,
                                     items[j].org,
                                     SCORE_CONTEXT,
                                     RULE_CONTEXT,
                                     st->nodes[items[i].org].name,
                                     st->nodes[items[j].org].name,
                                     detail};
                st->r->stats.links++;
                if ((status = push_link(st, &link)) != KG_OK)
                    goto cleanup;
            }
        }
        s = e;
    }

cleanup:
    free(smallest);
    free(items);
    return status;
}

typedef struct alias_doc {
    const char *alias, *doc;
} alias_doc;

static int cmp_alias_doc(const void *a, const void *b) {
    const alias_doc *x = a, *y = b;
    int c = strcmp(x->alias, y->alias);
    return c != 0 ? c : strcmp(x->doc, y->doc);
}

/* What each node is made of, for the audit trail: names written
 * differently ("Erlan Kasymov", "ERLAN KASYMOV.") as "exact"; every alias
 * a document gave (acronym, inflected or shortened form) as "coreference",
 * with the first document that gave it. */
static kg_status record_nodes(resolve_state *st) {
    const kg_resolver *r = st->r;
    alias_doc *pairs = NULL;
    size_t cap = 0;
    kg_status status = KG_OK;
    for (size_t ni = 0; ni < st->n_nodes && status == KG_OK; ni++) {
        const resolve_node *node = &st->nodes[ni];
        size_t n = 0;
        for (size_t k = 0; k < node->count; k++) {
            const resolve_mention *m = &r->mentions[st->order[node->first + k]];
            if (kg_reserve((void **)&pairs, &cap, n + m->n_aliases, sizeof *pairs) != KG_OK) {
                status = KG_ERR_NOMEM;
                break;
            }
            for (size_t a = 0; a < m->n_aliases; a++)
                pairs[n++] = (alias_doc){r->aliases[m->alias_start + a], m->doc};
        }
        if (status != KG_OK)
            break;
        sort_items(pairs, n, sizeof *pairs, cmp_alias_doc);
        for (size_t f = 0; f < node->n_forms && status == KG_OK; f++) {
            const node_form *form = &node->forms[f];
            if (form->text == node->name)
                continue;
            resolve_merge_rec rec = {ni, node->name, form->text, RULE_EXACT, 1.0, NULL};
            if (!form->is_name) {
                alias_doc probe = {form->text, ""};
                size_t lo = 0, hi = n;
                while (lo < hi) {
                    size_t mid = lo + (hi - lo) / 2;
                    if (cmp_alias_doc(&pairs[mid], &probe) < 0)
                        lo = mid + 1;
                    else
                        hi = mid;
                }
                rec.rule = RULE_COREFERENCE;
                if (lo < n && strcmp(pairs[lo].alias, form->text) == 0)
                    rec.detail = arena_concat(&st->arena, "in ", pairs[lo].doc, NULL, NULL);
                if (lo < n && rec.detail == NULL)
                    status = KG_ERR_NOMEM;
            }
            if (status == KG_OK)
                status = push_merge(st, &rec);
        }
    }
    free(pairs);
    return status;
}

/* Frees the tables of phases 1 to 5 but the union-find (parent) and the
 * audit trail (merges), leaving them empty. */
static void state_free_tables(resolve_state *st) {
    arena_free(&st->arena);
    free(st->order);
    free(st->node_of);
    free(st->nodes);
    free(st->holds);
    free(st->tags);
    free(st->keys);
    free(st->links);
    free(st->csize);
    free(st->next);
    st->order = st->node_of = st->csize = st->next = NULL;
    st->nodes = NULL;
    st->holds = NULL;
    st->tags = NULL;
    st->keys = NULL;
    st->links = NULL;
    st->n_keys = st->n_links = st->n_holds = st->n_tags = 0;
}

static void state_free(resolve_state *st) {
    state_free_tables(st);
    free(st->parent);
    free(st->merges);
}

/* Once the clusters are known: everything but the union-find and the audit
 * trail goes (the merges' details are interned first: they lived in the
 * arena).  A shed state may only be given to sets_find, resolve_merges and
 * state_free. */
static kg_status state_shed(resolve_state *st) {
    for (size_t i = 0; i < st->n_merges; i++) {
        resolve_merge_rec *m = &st->merges[i];
        if (m->detail != NULL && (m->detail = kg_strpool_cstr(st->r->pool, m->detail)) == NULL)
            return KG_ERR_NOMEM;
    }
    state_free_tables(st);
    return KG_OK;
}

/* Phases 1 to 5: on success every node is in its final cluster and
 * st->merges holds the audit trail. */
static kg_status resolve_clusters(resolve_state *st) {
    kg_status status = KG_OK;
    size_t n = st->r->n_mentions;
    st->order = malloc((n + 1) * sizeof *st->order);
    st->node_of = malloc((n + 1) * sizeof *st->node_of);
    if (st->order == NULL || st->node_of == NULL)
        return KG_ERR_NOMEM;
    kg_resolve_timing *sec = &st->r->stats.seconds;
    double t = kg_monotonic_seconds();
    if ((status = build_nodes(st)) != KG_OK || (status = build_features(st)) != KG_OK ||
        (status = build_holds(st)) != KG_OK)
        return status;
    sec->nodes = kg_monotonic_seconds() - t;
    t += sec->nodes;
    size_t nn = st->n_nodes;
    st->parent = malloc((nn + 1) * sizeof *st->parent);
    st->csize = malloc((nn + 1) * sizeof *st->csize);
    st->next = malloc((nn + 1) * sizeof *st->next);
    if (st->parent == NULL || st->csize == NULL || st->next == NULL)
        return KG_ERR_NOMEM;
    for (size_t i = 0; i < nn; i++) {
        st->parent[i] = st->next[i] = i;
        st->csize[i] = 1;
    }
    st->r->stats.nodes = nn;

    /* User merges first: they override the rules (not the splits). */
    if ((status = apply_user_groups(st)) != KG_OK || (status = run_links(st, 0, false)) != KG_OK)
        return status;
    if ((status = build_keys(st)) != KG_OK)
        return status;
    sort_keys(st);
    st->r->stats.keys = st->n_keys;
    sec->keys = kg_monotonic_seconds() - t;
    t += sec->keys;

    size_t from = st->n_links;
    if ((status = link_blocks(st, false)) != KG_OK || (status = run_links(st, from, true)) != KG_OK)
        return status;
    from = st->n_links;
    if ((status = link_blocks(st, true)) != KG_OK ||
        (status = drop_vague_links(st, from)) != KG_OK ||
        (status = run_links(st, from, true)) != KG_OK)
        return status;
    from = st->n_links;
    if ((status = link_context(st)) != KG_OK || (status = run_links(st, from, true)) != KG_OK ||
        (status = record_nodes(st)) != KG_OK)
        return status;
    sec->links = kg_monotonic_seconds() - t;
    return KG_OK;
}
/* ---- phase 6: clusters to entities ------------------------------------------------ */

/* One distinct written form within a cluster. */
typedef struct resolve_form {
    const char *text;
    size_t mentions; /* mentions as a name; 0 for a form only seen as alias */
    bool is_name;
    int shape; /* form_class: 0 complete and well-formed, 1 odd capitals, 2 initials or acronym */
} resolve_form;

typedef struct resolve_cluster {
    size_t first, count; /* members: cluster_members[first .. first+count) */
    const char *min_key; /* smallest exact key text: content-derived identity */
    size_t min_key_len;
    uint64_t content; /* hash of the entity's label, aliases and documents */
    char *base_id;    /* owned: type + "/" + slug */
    char *id;         /* owned: base_id, with a suffix after a collision */
} resolve_cluster;

static int cmp_form_pointer(const void *a, const void *b) {
    uintptr_t x = (uintptr_t)((const resolve_form *)a)->text;
    uintptr_t y = (uintptr_t)((const resolve_form *)b)->text;
    return (x > y) - (x < y);
}

static int cmp_form_text(const void *a, const void *b) {
    return strcmp(((const resolve_form *)a)->text, ((const resolve_form *)b)->text);
}

/* How complete and well-formed a form is, for choosing labels: 0 a full
 * name written normally; 1 all in capitals ("DUSHANBE", "ERLAN KASYMOV"), or
 * (Latin script) content words capitalised inconsistently ("Federation of
 * trade Unions"), or a person's name with a word in lower case; 2 a
 * person's name with initials or one word, an organisation's acronym. */
static int form_class(const resolve_lexicon *lx, kg_entity_type type, const char *text) {
    size_t len = strlen(text), pos = 0, words = 0, letters = 0, n_lower = 0, one_letter = 0;
    size_t lower_start = 0, upper_start = 0; /* later content words by initial case */
    bool latin = !has_cyrillic(text);
    while (pos < len) {
        size_t at = pos;
        int32_t cp = kg_utf8_next(text, len, &pos);
        if (cp < 0 || !(kg_cp_is_letter(cp) || kg_cp_is_digit(cp)))
            continue;
        int32_t first = cp;
        size_t wl = 0, na = 0;
        char ascii[16];
        bool ascii_ok = true;
        pos = at;
        while (pos < len) {
            size_t here = pos;
            int32_t c = kg_utf8_next(text, len, &pos);
            if (c < 0 || !(kg_cp_is_letter(c) || kg_cp_is_digit(c))) {
                pos = here;
                break;
            }
            wl++;
            if (kg_cp_is_letter(c)) {
                letters++;
                n_lower += kg_cp_is_lower(c);
            }
            if (c < 128 && na + 1 < sizeof ascii)
                ascii[na++] = (char)(c >= 'A' && c <= 'Z' ? c + 32 : c);
            else
                ascii_ok = false;
        }
        ascii[na] = '\0';
        if (wl == 1 && kg_cp_is_letter(first))
            one_letter++;
        if (words > 0 && kg_cp_is_letter(first) &&
            !(ascii_ok && lex_list_has(&lx->function_words, ascii))) {
            if (kg_cp_is_lower(first))
                lower_start++;
            else if (kg_cp_is_upper(first))
                upper_start++;
        }
        words++;
    }
    bool all_caps = letters >= 2 && n_lower == 0;
    switch (type) {
    case KG_ENT_PERSON:
        if (words < 2 || one_letter > 0)
            return 2;
        return all_caps || lower_start > 0 ? 1 : 0;
    case KG_ENT_ORGANIZATION:
        if (words == 1 && all_caps)
            return 2;
        return all_caps || (latin && lower_start > 0 && upper_start > 0) ? 1 : 0;
    default:
        return all_caps && letters > 3 ? 1 : 0;
    }
}

/* Label preference: the most complete well-formed form (form_class), then
 * more mentions, then longer (in code points), then byte order.  Negative
 * when a is preferred. */
static int form_preference(const resolve_form *a, const resolve_form *b) {
    if (a->shape != b->shape)
        return a->shape < b->shape ? -1 : 1;
    if (a->mentions != b->mentions)
        return a->mentions > b->mentions ? -1 : 1;
    size_t la = utf8_length(a->text), lb = utf8_length(b->text);
    if (la != lb)
        return la > lb ? -1 : 1;
    return strcmp(a->text, b->text);
}

/* Scratch buffers reused across clusters so that per-cluster work does not
 * allocate except for the arrays handed to the output. */
typedef struct resolve_scratch {
    resolve_form *forms;
    size_t cap_forms;
    const char **strs;
    size_t cap_strs;
} resolve_scratch;

/* Fills everything of entity e except id from the cluster's members.
 * lang: the pooled "en" and "ru" (the pool is not touched here, so that
 * entities can be built on several threads). */
static kg_status build_entity(const kg_resolver *resolver, const char *const lang[2],
                              const size_t *members, size_t count, resolve_scratch *scratch,
                              kg_entity *e) {
    const resolve_lexicon *lx = &resolver->lex;
    size_t n_forms = 0;
    for (size_t i = 0; i < count; i++)
        n_forms += 1 + resolver->mentions[members[i]].n_aliases;
    if (kg_reserve((void **)&scratch->forms, &scratch->cap_forms, n_forms,
                   sizeof *scratch->forms) != KG_OK ||
        kg_reserve((void **)&scratch->strs, &scratch->cap_strs, count, sizeof *scratch->strs) !=
            KG_OK)
        return KG_ERR_NOMEM;

    resolve_form *forms = scratch->forms;
    size_t n = 0;
    e->mentions = 0;
    for (size_t i = 0; i < count; i++) {
        const resolve_mention *m = &resolver->mentions[members[i]];
        e->type = m->type;
        e->mentions += m->mentions;
        /* the earliest date read (ISO 8601 sorts as text) */
        if (m->date != NULL && (e->date == NULL || strcmp(m->date, e->date) < 0))
            e->date = m->date;
        forms[n++] = (resolve_form){m->name, m->mentions, true, 0};
        for (size_t a = 0; a < m->n_aliases; a++)
            forms[n++] = (resolve_form){resolver->aliases[m->alias_start + a], 0, false, 0};
        scratch->strs[i] = m->doc;
    }

    /* Distinct forms, in byte order, with their name mentions summed.  Forms
     * are interned: the repeats of a large cluster are merged by pointer
     * first, so that only distinct texts are compared byte by byte. */
    sort_items(forms, n, sizeof *forms, cmp_form_pointer);
    size_t unique = 0;
    for (size_t i = 0; i < n; i++) {
        if (unique > 0 && forms[unique - 1].text == forms[i].text) {
            forms[unique - 1].mentions += forms[i].mentions;
            forms[unique - 1].is_name |= forms[i].is_name;
        } else {
            forms[unique++] = forms[i];
        }
    }
    n = unique;
    sort_items(forms, n, sizeof *forms, cmp_form_text);
    size_t distinct = 0;
    for (size_t i = 0; i < n; i++) {
        if (distinct > 0 && strcmp(forms[distinct - 1].text, forms[i].text) == 0) {
            forms[distinct - 1].mentions += forms[i].mentions;
            forms[distinct - 1].is_name |= forms[i].is_name;
        } else {
            forms[distinct++] = forms[i];
        }
    }

    const resolve_form *label = NULL, *best_en = NULL, *best_ru = NULL, *latin_name = NULL;
    for (size_t i = 0; i < distinct; i++)
        forms[i].shape = form_class(lx, e->type, forms[i].text);
    for (size_t i = 0; i < distinct; i++) {
        const resolve_form *f = &forms[i];
        if (f->is_name && (label == NULL || form_preference(f, label) < 0))
            label = f;
        if (f->is_name && !has_cyrillic(f->text) &&
            (latin_name == NULL || form_preference(f, latin_name) < 0))
            latin_name = f;
        const resolve_form **best = has_cyrillic(f->text) ? &best_ru : &best_en;
        if (*best == NULL || form_preference(f, *best) < 0)
            *best = f;
    }
    /* An entity known in both scripts is labelled in Latin script when that
     * name is as well-formed and not much rarer: ids and IRIs are Latin slugs anyway, and the
     * Russian label stays in label_ru. */
    if (latin_name != NULL && has_cyrillic(label->text) && latin_name->shape <= label->shape &&
        latin_name->mentions * 2 >= label->mentions)
        label = latin_name;
    e->label = label->text;
    e->label_en = best_en != NULL ? best_en->text : NULL;
    e->label_ru = best_ru != NULL ? best_ru->text : NULL;
    e->lang = lang[has_cyrillic(e->label)];

    if (distinct > 1) {
        e->aliases = malloc((distinct - 1) * sizeof *e->aliases);
        if (e->aliases == NULL)
            return KG_ERR_NOMEM;
    }
    for (size_t i = 0; i < distinct; i++)
        if (&forms[i] != label)
            e->aliases[e->n_aliases++] = forms[i].text;

    /* Documents likewise: by pointer, then the distinct ones by text. */
    sort_items(scratch->strs, count, sizeof *scratch->strs, cmp_pointer);
    size_t n_docs = 0;
    for (size_t i = 0; i < count; i++)
        if (n_docs == 0 || scratch->strs[n_docs - 1] != scratch->strs[i])
            scratch->strs[n_docs++] = scratch->strs[i];
    sort_items(scratch->strs, n_docs, sizeof *scratch->strs, cmp_cstr_ptr);
    e->documents = malloc(n_docs * sizeof *e->documents);
    if (e->documents == NULL)
        return KG_ERR_NOMEM;
    for (size_t i = 0; i < n_docs; i++)
        if (e->n_documents == 0 || strcmp(e->documents[e->n_documents - 1], scratch->strs[i]) != 0)
            e->documents[e->n_documents++] = scratch->strs[i];
    return KG_OK;
}

/* "organization/federation-of-..." into a new string. */
static char *make_base_id(const kg_entity *e) {
    char *slug = kg_text_slug(e->label, strlen(e->label), RESOLVE_SLUG_MAX);
    if (slug == NULL)
        return NULL;
    const char *type_name = kg_entity_type_name(e->type);
    size_t len = strlen(type_name) + 1 + strlen(slug);
    char *id = malloc(len + 1);
    if (id != NULL) {
        size_t pos = 0;
        for (const char *p = type_name; *p != '\0'; p++)
            id[pos++] = (char)(*p >= 'A' && *p <= 'Z' ? *p + 32 : *p);
        id[pos++] = '/';
        memcpy(id + pos, slug, strlen(slug) + 1);
    }
    free(slug);
    return id;
}

typedef struct resolve_id_order {
    const char *id;
    size_t cluster;
} resolve_id_order;

static int cmp_id_order(const void *a, const void *b) {
    const resolve_id_order *x = a, *y = b;
    int c = strcmp(x->id, y->id);
    return c != 0 ? c : kg_cmp_size(x->cluster, y->cluster);
}

/* A hash of what tells apart namesakes that share their smallest key
 * (two people called "Karkan Tolmantolov" whom complete linkage kept apart):
 * the label, aliases and documents of the entity, all sorted already. */
static uint64_t entity_content_hash(const kg_entity *e) {
    uint64_t h = kg_hash64(e->label, strlen(e->label), 0);
    for (size_t i = 0; i < e->n_aliases; i++)
        h = kg_hash64(e->aliases[i], strlen(e->aliases[i]) + 1, h);
    for (size_t i = 0; i < e->n_documents; i++)
        h = kg_hash64(e->documents[i], strlen(e->documents[i]) + 1, h);
    return h;
}

/* Makes cluster ids unique.  Every cluster whose id is shared gets
 * "-" + 8 hex digits of the hash of its smallest key; should that collide
 * again (a 32-bit hash collision, a name that already ends in such a
 * suffix, or namesakes with the same smallest key), the clusters still
 * colliding are re-suffixed with the next seed and the hash of their
 * content.  Each step depends only on content.  On success *order holds the
 * clusters sorted by id. */
static kg_status assign_unique_ids(resolve_cluster *clusters, size_t n_clusters,
                                   resolve_id_order *order, size_t threads) {
    for (size_t round = 0;; round++) {
        for (size_t i = 0; i < n_clusters; i++)
            order[i] = (resolve_id_order){clusters[i].id, i};
        kg_sort(order, n_clusters, sizeof *order, cmp_id_order, threads);
        bool collided = false;
        for (size_t i = 0; i < n_clusters;) {
            size_t j = i + 1;
            while (j < n_clusters && strcmp(order[j].id, order[i].id) == 0)
                j++;
            if (j - i > 1) {
                if (round >= RESOLVE_ID_ROUNDS)
                    return KG_ERR_INTERNAL;
                collided = true;
                for (size_t k = i; k < j; k++) {
                    resolve_cluster *c = &clusters[order[k].cluster];
                    uint64_t h = kg_hash64(c->min_key, c->min_key_len, round);
                    if (round > 0) {
                        char content[17];
                        snprintf(content, sizeof content, "%016llx",
                                 (unsigned long long)c->content);
                        h = kg_hash64(content, 16, h);
                    }
                    size_t len = strlen(c->base_id) + 10;
                    char *id = malloc(len);
                    if (id == NULL)
                        return KG_ERR_NOMEM;
                    snprintf(id, len, "%s-%08lx", c->base_id, (unsigned long)(h & 0xffffffffu));
                    if (c->id != c->base_id)
                        free(c->id);
                    c->id = id;
                }
            }
            i = j;
        }
        if (!collided)
            return KG_OK;
    }
}

/* ---- phase 7: relations ----------------------------------------------------------- */

/* A record mapped onto final entity indices: 32 bytes, since there is one
 * per relation found in the corpus (millions). */
typedef struct resolve_edge {
    uint32_t subject, object; /* entity indices */
    uint32_t record;          /* the record's place in the order of kg_resolver_add */
    uint32_t type;            /* kg_relation_type */
    const char *role;         /* the record's, pooled or NULL */
    const char *role_text;    /* the record's, pooled or NULL */
} resolve_edge;

static int cmp_edge_group(const resolve_edge *a, const resolve_edge *b) {
    int c = kg_cmp_size(a->subject, b->subject);
    if (c == 0)
        c = kg_cmp_size(a->object, b->object);
    if (c == 0)
        c = kg_cmp_size(a->type, b->type);
    if (c == 0)
        c = kg_strcmp_null(a->role, b->role);
    return c;
}

static int cmp_edge(const void *a, const void *b) {
    return cmp_edge_group(a, b);
}

static int cmp_evidence(const void *a, const void *b) {
    return kg_evidence_cmp(a, b);
}

/* Same place and rule: kg_evidence_cmp without its confidence tie-break. */
static bool evidence_same_source(const kg_evidence *a, const kg_evidence *b) {
    kg_evidence x = *a;
    x.confidence = b->confidence;
    return kg_evidence_cmp(&x, b) == 0;
}

/* Starts relation rel from the edges of one group: its key, and its role
 * text, the most frequent of the edges' (ties: the first in byte order);
 * scratch holds count pointers.  The evidence comes later. */
static void start_relation(const resolve_edge *edges, size_t count, const char **scratch,
                           kg_relation *rel) {
    rel->type = (kg_relation_type)edges[0].type;
    rel->subject = edges[0].subject;
    rel->object = edges[0].object;
    rel->role = edges[0].role;
    size_t n_texts = 0;
    for (size_t i = 0; i < count; i++)
        if (edges[i].role_text != NULL)
            scratch[n_texts++] = edges[i].role_text;
    sort_items(scratch, n_texts, sizeof *scratch, cmp_cstr_ptr);
    size_t best_count = 0;
    rel->role_text = NULL;
    for (size_t i = 0; i < n_texts;) {
        size_t j = i + 1;
        while (j < n_texts && strcmp(scratch[j], scratch[i]) == 0)
            j++;
        if (j - i > best_count) { /* strictly more: ties keep the earlier (byte order) */
            best_count = j - i;
            rel->role_text = scratch[i];
        }
        i = j;
    }
}

/* Once all its evidence is in: sorted, duplicates dropped, and the
 * confidence 1 - prod(1 - c_i). */
static void finish_relation(kg_relation *rel) {
    sort_items(rel->evidence, rel->n_evidence, sizeof *rel->evidence, cmp_evidence);
    /* The same sentence span read twice (a document added twice) is one
     * piece of evidence; keep its highest confidence, which sorts last. */
    size_t n = 0;
    for (size_t i = 0; i < rel->n_evidence; i++) {
        if (n > 0 && evidence_same_source(&rel->evidence[n - 1], &rel->evidence[i]))
            rel->evidence[n - 1] = rel->evidence[i];
        else
            rel->evidence[n++] = rel->evidence[i];
    }
    rel->n_evidence = n;
    /* Evidence is sorted, so the floating-point product is too. */
    double disbelief = 1.0;
    for (size_t i = 0; i < n; i++) {
        double c = rel->evidence[i].confidence;
        c = c < 0.0 ? 0.0 : c > 1.0 ? 1.0 : c;
        disbelief *= 1.0 - c;
    }
    rel->confidence = 1.0 - disbelief;
}

/* One pass of a stable counting sort of edges on subject (by_subject) or
 * object, both below n_entities. */
static void count_edges(const resolve_edge *from, resolve_edge *to, size_t n, size_t *count,
                        size_t n_entities, bool by_subject) {
    memset(count, 0, (n_entities + 1) * sizeof *count);
    for (size_t i = 0; i < n; i++)
        count[(by_subject ? from[i].subject : from[i].object) + 1]++;
    for (size_t k = 0; k < n_entities; k++)
        count[k + 1] += count[k];
    for (size_t i = 0; i < n; i++)
        to[count[by_subject ? from[i].subject : from[i].object]++] = from[i];
}

/* Sorts edges with cmp_edge: (subject, object) by two counting passes
 * (linear), then each run of one pair by type and role (short runs).
 * *longest is set to the length of the longest group. */
static kg_status sort_edges(resolve_edge *edges, size_t n, size_t n_entities, size_t *longest) {
    resolve_edge *tmp = malloc((n + 1) * sizeof *tmp);
    size_t *count = malloc((n_entities + 1) * sizeof *count);
    if (tmp == NULL || count == NULL) {
        free(tmp);
        free(count);
        return KG_ERR_NOMEM;
    }
    count_edges(edges, tmp, n, count, n_entities, false);
    count_edges(tmp, edges, n, count, n_entities, true);
    free(tmp);
    free(count);
    *longest = 0;
    for (size_t i = 0; i < n;) {
        size_t j = i + 1;
        while (j < n && edges[j].subject == edges[i].subject && edges[j].object == edges[i].object)
            j++;
        sort_items(edges + i, j - i, sizeof *edges, cmp_edge);
        if (j - i > *longest)
            *longest = j - i;
        i = j;
    }
    return KG_OK;
}

#define NO_RELATION UINT32_MAX

/* The relations, in two passes over the records so that they are never
 * all in memory with their texts: the first maps each record onto its
 * entities (an edge, no text) and groups the edges into relations; the
 * second puts each record's evidence, text interned, into its relation. */
static kg_status resolve_relations(kg_resolver *resolver, const size_t *mention_entity,
                                   kg_resolved *out) {
    kg_status status = KG_OK;
    resolve_edge *edges = NULL;
    const char **scratch = NULL;
    uint32_t *relation_of = NULL; /* by record: index into out->relations, or NO_RELATION */
    size_t n_edges = 0, longest = 0, n = resolver->n_records;
    record_cursor c;
    resolve_record rec;
    if (n == 0)
        return KG_OK;
    /* Edges hold 32-bit indices; no corpus that fits in memory comes near. */
    if (n >= UINT32_MAX || out->n_entities > UINT32_MAX)
        return KG_ERR_NOMEM;

    edges = malloc(n * sizeof *edges);
    relation_of = malloc(n * sizeof *relation_of);
    if (edges == NULL || relation_of == NULL) {
        status = KG_ERR_NOMEM;
        goto cleanup;
    }
    if ((status = cursor_start(&c, resolver, false)) != KG_OK)
        goto cleanup;
    for (size_t i = 0; i < n; i++) {
        if ((status = cursor_next(&c, &rec)) != KG_OK)
            goto cleanup;
        relation_of[i] = NO_RELATION;
        size_t subject = mention_entity[rec.subject], object = mention_entity[rec.object];
        if (subject == object)
            continue; /* an entity related to itself only after merging */
        /* met_with is symmetric: entities are sorted by id, so the smaller
         * index is the smaller id. */
        if (rec.type == KG_REL_MET_WITH && subject > object) {
            size_t t = subject;
            subject = object;
            object = t;
        }
        edges[n_edges++] = (resolve_edge){(uint32_t)subject, (uint32_t)object, (uint32_t)i,
                                          rec.type,          rec.role,         rec.role_text};
    }
    status = sort_edges(edges, n_edges, out->n_entities, &longest);
    if (status != KG_OK)
        goto cleanup;

    size_t n_groups = 0;
    for (size_t i = 0; i < n_edges; i++)
        n_groups += i == 0 || cmp_edge_group(&edges[i - 1], &edges[i]) != 0;
    if (n_groups == 0)
        goto cleanup;
    out->relations = calloc(n_groups, sizeof *out->relations);
    scratch = malloc(longest * sizeof *scratch);
    if (out->relations == NULL || scratch == NULL) {
        status = KG_ERR_NOMEM;
        goto cleanup;
    }
    for (size_t i = 0; i < n_edges;) {
        size_t j = i + 1;
        while (j < n_edges && cmp_edge_group(&edges[i], &edges[j]) == 0)
            j++;
        /* Count the relation before filling it so that kg_resolved_clear
         * frees a half-built one. */
        kg_relation *rel = &out->relations[out->n_relations++];
        start_relation(&edges[i], j - i, scratch, rel);
        if ((rel->evidence = malloc((j - i) * sizeof *rel->evidence)) == NULL) {
            status = KG_ERR_NOMEM;
            goto cleanup;
        }
        for (size_t k = i; k < j; k++)
            relation_of[edges[k].record] = (uint32_t)(out->n_relations - 1);
        i = j;
    }
    free(edges);
    free(scratch);
    edges = NULL;
    scratch = NULL;

    if ((status = cursor_start(&c, resolver, true)) != KG_OK)
        goto cleanup;
    for (size_t i = 0; i < n; i++) {
        if ((status = cursor_next(&c, &rec)) != KG_OK)
            goto cleanup;
        if (relation_of[i] != NO_RELATION) {
            kg_relation *rel = &out->relations[relation_of[i]];
            rel->evidence[rel->n_evidence++] = rec.evidence;
        }
    }
    for (size_t i = 0; i < out->n_relations; i++)
        finish_relation(&out->relations[i]);

cleanup:
    free(edges);
    free(scratch);
    free(relation_of);
    return status;
}

/* ---- phase 8: documents and the audit trail ---------------------------------------- */

static int cmp_doc_info(const void *a, const void *b) {
    const kg_doc_info *x = a, *y = b;
    int c = strcmp(x->id, y->id);
    if (c == 0)
        c = kg_strcmp_null(x->lang, y->lang);
    if (c == 0)
        c = kg_strcmp_null(x->title, y->title);
    if (c == 0)
        c = kg_strcmp_null(x->date, y->date);
    if (c == 0)
        c = kg_strcmp_null(x->url, y->url);
    if (c == 0)
        c = kg_cmp_size(x->n_sentences, y->n_sentences);
    if (c == 0)
        c = kg_cmp_size(x->n_bytes, y->n_bytes);
    return c;
}

/* One kg_doc_info per id: for an id added twice, the one whose fields sort
 * first, so the choice does not depend on the order of adding. */
static kg_status resolve_documents(const kg_resolver *resolver, kg_resolved *out) {
    if (resolver->n_docs == 0)
        return KG_OK;
    out->documents = malloc(resolver->n_docs * sizeof *out->documents);
    if (out->documents == NULL)
        return KG_ERR_NOMEM;
    memcpy(out->documents, resolver->docs, resolver->n_docs * sizeof *out->documents);
    kg_sort(out->documents, resolver->n_docs, sizeof *out->documents, cmp_doc_info,
            resolver->threads);
    for (size_t i = 0; i < resolver->n_docs; i++)
        if (out->n_documents == 0 ||
            strcmp(out->documents[out->n_documents - 1].id, out->documents[i].id) != 0)
            out->documents[out->n_documents++] = out->documents[i];
    return KG_OK;
}

static int cmp_merge(const void *a, const void *b) {
    const kg_merge *x = a, *y = b;
    int c = kg_cmp_size(x->entity, y->entity);
    if (c == 0)
        c = strcmp(x->form_a, y->form_a);
    if (c == 0)
        c = strcmp(x->form_b, y->form_b);
    if (c == 0)
        c = strcmp(x->rule, y->rule);
    if (c == 0 && x->score != y->score)
        c = x->score < y->score ? -1 : 1;
    return c != 0 ? c : kg_strcmp_null(x->detail, y->detail);
}

/* The audit trail: each recorded merge on its final entity, forms in byte
 * order, strings interned, sorted by content and without repeats. */
static kg_status resolve_merges(resolve_state *st, const size_t *node_entity, kg_resolved *out) {
    kg_strpool *pool = st->r->pool;
    if (st->n_merges == 0)
        return KG_OK;
    out->merges = calloc(st->n_merges, sizeof *out->merges);
    if (out->merges == NULL)
        return KG_ERR_NOMEM;
    for (size_t i = 0; i < st->n_merges; i++) {
        const resolve_merge_rec *rec = &st->merges[i];
        kg_merge *m = &out->merges[out->n_merges++];
        m->entity = node_entity[rec->node];
        bool swap = strcmp(rec->form_a, rec->form_b) > 0;
        m->form_a = swap ? rec->form_b : rec->form_a;
        m->form_b = swap ? rec->form_a : rec->form_b;
        m->rule = kg_strpool_cstr(pool, rule_names[rec->rule]);
        m->score = rec->score;
        m->detail = rec->detail != NULL ? kg_strpool_cstr(pool, rec->detail) : NULL;
        if (m->rule == NULL || (rec->detail != NULL && m->detail == NULL))
            return KG_ERR_NOMEM;
    }
    kg_sort(out->merges, out->n_merges, sizeof *out->merges, cmp_merge, st->r->threads);
    size_t k = 0;
    for (size_t i = 0; i < out->n_merges; i++)
        if (k == 0 || cmp_merge(&out->merges[k - 1], &out->merges[i]) != 0)
            out->merges[k++] = out->merges[i];
    out->n_merges = k;
    return KG_OK;
}

/* ---- finish ------------------------------------------------------------------------- */

#define RESOLVE_CLUSTER_CHUNK ((size_t)512)

typedef struct entities_ctx {
    const kg_resolver *resolver;
    const char *lang[2];
    const size_t *cluster_members;
    resolve_cluster *clusters;
    kg_entity *entities;
    resolve_scratch *scratch; /* one per worker */
} entities_ctx;

/* Entities, content hashes and base ids of clusters [lo, hi): each from
 * its own members only. */
static kg_status entities_range(void *arg, size_t worker, size_t lo, size_t hi) {
    const entities_ctx *ctx = arg;
    for (size_t c = lo; c < hi; c++) {
        resolve_cluster *cl = &ctx->clusters[c];
        kg_status status = build_entity(ctx->resolver, ctx->lang, &ctx->cluster_members[cl->first],
                                        cl->count, &ctx->scratch[worker], &ctx->entities[c]);
        if (status != KG_OK)
            return status;
        cl->content = entity_content_hash(&ctx->entities[c]);
        cl->base_id = make_base_id(&ctx->entities[c]);
        if (cl->base_id == NULL)
            return KG_ERR_NOMEM;
        cl->id = cl->base_id;
    }
    return KG_OK;
}

/* Phase 6 on several threads. */
static kg_status build_entities(const kg_resolver *resolver, const size_t *cluster_members,
                                resolve_cluster *clusters, size_t n_clusters, kg_entity *entities) {
    size_t workers = range_workers(resolver->threads, n_clusters, RESOLVE_CLUSTER_CHUNK);
    entities_ctx ctx = {
        resolver,
        {kg_strpool_cstr(resolver->pool, "en"), kg_strpool_cstr(resolver->pool, "ru")},
        cluster_members,
        clusters,
        entities,
        calloc(workers, sizeof *ctx.scratch)};
    kg_status status = KG_ERR_NOMEM;
    if (ctx.lang[0] != NULL && ctx.lang[1] != NULL && ctx.scratch != NULL)
        status = run_ranges(entities_range, &ctx, n_clusters, RESOLVE_CLUSTER_CHUNK, workers);
    for (size_t t = 0; ctx.scratch != NULL && t < workers; t++) {
        free(ctx.scratch[t].forms);
        free(ctx.scratch[t].strs);
    }
    free(ctx.scratch);
    return status;
}

/* Frees the clusters' ids and the entities not (yet) moved to the result. */
static void release_clusters(resolve_cluster *clusters, kg_entity *entities, size_t n_clusters) {
    for (size_t c = 0; clusters != NULL && c < n_clusters; c++) {
        if (clusters[c].id != clusters[c].base_id)
            free(clusters[c].id);
        free(clusters[c].base_id);
    }
    for (size_t c = 0; entities != NULL && c < n_clusters; c++) {
        free(entities[c].aliases);
        free(entities[c].documents);
    }
    free(entities);
    free(clusters);
}

kg_status kg_resolver_finish(kg_resolver *resolver, kg_resolved *out, kg_error *err) {
    kg_status status = KG_OK;
    kg_resolved result = {0};
    resolve_state st;
    size_t *cluster_of = NULL;      /* mention → cluster, then → final entity index */
    size_t *cluster_members = NULL; /* mentions grouped by cluster */
    size_t *root_cluster = NULL;    /* node root → cluster */
    size_t *cluster_entity = NULL;  /* cluster → entity index */
    size_t *node_entity = NULL;     /* node → entity index */
    resolve_cluster *clusters = NULL;
    resolve_id_order *order = NULL;
    kg_entity *entities = NULL; /* by cluster, before sorting */
    char *min_keys = NULL;      /* the clusters' min_key texts */
    size_t n_clusters = 0;
    size_t n = resolver != NULL ? resolver->n_mentions : 0;
    double t = 0; /* the start of the phase being timed */

    memset(&st, 0, sizeof st);
    kg_error_clear(err);
    if (resolver == NULL || out == NULL)
        return kg_error_set(err, KG_ERR_USAGE, NULL, 0, 0, "kg_resolver_finish: no resolver");
    memset(out, 0, sizeof *out);
    if (resolver->finished)
        return kg_error_set(err, KG_ERR_USAGE, NULL, 0, 0,
                            "kg_resolver_finish may be called only once");
    if (resolver->broken != KG_OK)
        return kg_error_set(err, resolver->broken, NULL, 0, 0,
                            "relation records were lost when their temporary file filled up");
    memset(&resolver->stats, 0, sizeof resolver->stats);
    resolver->stats.mentions = n;

    /* Phases 1 to 5: nodes, features, keys, links, clusters. */
    st.r = resolver;
    st.lx = &resolver->lex;
    status = resolve_clusters(&st);
    if (status != KG_OK)
        goto cleanup;
    t = kg_monotonic_seconds();

    /* Number the clusters in node order (content order). */
    root_cluster = malloc((st.n_nodes + 1) * sizeof *root_cluster);
    cluster_of = malloc((n + 1) * sizeof *cluster_of);
    if (root_cluster == NULL || cluster_of == NULL) {
        status = KG_ERR_NOMEM;
        goto cleanup;
    }
    for (size_t i = 0; i < st.n_nodes; i++)
        root_cluster[i] = SIZE_MAX;
    for (size_t i = 0; i < st.n_nodes; i++) {
        size_t root = sets_find(&st, i);
        if (root_cluster[root] == SIZE_MAX)
            root_cluster[root] = n_clusters++;
    }
    for (size_t i = 0; i < n; i++)
        cluster_of[i] = root_cluster[sets_find(&st, st.node_of[i])];
    clusters = calloc(n_clusters + 1, sizeof *clusters);
    if (clusters == NULL) {
        status = KG_ERR_NOMEM;
        goto cleanup;
    }
    /* The keys are sorted by text: a cluster's first exact key is its
     * smallest. */
    for (size_t k = 0; k < st.n_keys; k++) {
        if (st.keys[k].kind != KEY_EXACT)
            continue;
        resolve_cluster *c = &clusters[root_cluster[sets_find(&st, st.keys[k].node)]];
        if (c->min_key == NULL) {
            c->min_key = st.keys[k].text;
            c->min_key_len = st.keys[k].len;
        }
    }
    size_t min_keys_len = 0;
    for (size_t c = 0; c < n_clusters; c++)
        min_keys_len += clusters[c].min_key != NULL ? clusters[c].min_key_len + 1 : 0;
    /* The clusters' working state is done with (only the union-find and the
     * audit trail are used from here on): out of the way before the entities
     * are built, with the little it still needs copied out. */
    if ((min_keys = malloc(min_keys_len + 1)) == NULL) {
        status = KG_ERR_NOMEM;
        goto cleanup;
    }
    for (size_t c = 0, at = 0; c < n_clusters; c++) {
        if (clusters[c].min_key == NULL)
            continue;
        memcpy(min_keys + at, clusters[c].min_key, clusters[c].min_key_len + 1);
        clusters[c].min_key = min_keys + at;
        at += clusters[c].min_key_len + 1;
    }
    if ((status = state_shed(&st)) != KG_OK)
        goto cleanup;

    /* Group the mentions by cluster (a counting sort: linear). */
    cluster_members = malloc((n + 1) * sizeof *cluster_members);
    entities = calloc(n_clusters + 1, sizeof *entities);
    order = malloc((n_clusters + 1) * sizeof *order);
    cluster_entity = malloc((n_clusters + 1) * sizeof *cluster_entity);
    if (cluster_members == NULL || entities == NULL || order == NULL || cluster_entity == NULL) {
        status = KG_ERR_NOMEM;
        goto cleanup;
    }
    for (size_t i = 0; i < n; i++)
        clusters[cluster_of[i]].count++;
    for (size_t c = 0, pos = 0; c < n_clusters; c++) {
        clusters[c].first = pos;
        pos += clusters[c].count;
        clusters[c].count = 0;
    }
    for (size_t i = 0; i < n; i++) {
        resolve_cluster *c = &clusters[cluster_of[i]];
        cluster_members[c->first + c->count++] = i;
    }

    /* Phase 6: entities and their ids. */
    status = build_entities(resolver, cluster_members, clusters, n_clusters, entities);
    if (status != KG_OK)
        goto cleanup;
    status = assign_unique_ids(clusters, n_clusters, order, resolver->threads);
    if (status != KG_OK) {
        if (status == KG_ERR_INTERNAL)
            kg_error_set(err, status, NULL, 0, 0, "could not make entity ids unique");
        goto cleanup;
    }

    /* Entities in id order; order[] is sorted by id. */
    result.entities = calloc(n_clusters + 1, sizeof *result.entities);
    if (result.entities == NULL) {
        status = KG_ERR_NOMEM;
        goto cleanup;
    }
    for (size_t i = 0; i < n_clusters; i++) {
        size_t c = order[i].cluster;
        kg_entity *e = &result.entities[result.n_entities++];
        *e = entities[c];
        memset(&entities[c], 0, sizeof entities[c]); /* arrays moved to result */
        e->id = kg_strpool_cstr(resolver->pool, clusters[c].id);
        if (e->id == NULL) {
            status = KG_ERR_NOMEM;
            goto cleanup;
        }
        cluster_entity[c] = i;
    }
    for (size_t i = 0; i < n; i++)
        cluster_of[i] = cluster_entity[cluster_of[i]];
    node_entity = malloc((st.n_nodes + 1) * sizeof *node_entity);
    if (node_entity == NULL) {
        status = KG_ERR_NOMEM;
        goto cleanup;
    }
    for (size_t i = 0; i < st.n_nodes; i++)
        node_entity[i] = cluster_entity[root_cluster[sets_find(&st, i)]];

    /* Phase 8a, the audit trail: the last use of the clusters' state. */
    if ((status = resolve_merges(&st, node_entity, &result)) != KG_OK)
        goto cleanup;
    /* From here on the resolver is spent, whatever happens: what was added
     * is let go of as soon as it is used (on a large corpus, gigabytes, which
     * the relations, the analytics and the writers need more). */
    resolver->finished = true;
    state_free(&st);
    memset(&st, 0, sizeof st);
    release_clusters(clusters, entities, n_clusters);
    clusters = NULL;
    entities = NULL;
    free(order);
    free(cluster_members);
    free(root_cluster);
    free(cluster_entity);
    free(node_entity);
    order = NULL;
    cluster_members = root_cluster = cluster_entity = node_entity = NULL;
    free(resolver->mentions);
    free(resolver->aliases);
    free(resolver->posts);
    resolver->mentions = NULL;
    resolver->aliases = NULL;
    resolver->posts = NULL;
    resolver->n_mentions = resolver->cap_mentions = resolver->n_aliases = 0;
    resolver->cap_aliases = resolver->n_posts = resolver->cap_posts = 0;

    /* Phases 7 and 8b. */
    resolver->stats.seconds.entities = kg_monotonic_seconds() - t;
    t += resolver->stats.seconds.entities;
    if ((status = resolve_relations(resolver, cluster_of, &result)) != KG_OK) {
        if (status == KG_ERR_IO)
            kg_error_set(err, status, NULL, 0, 0,
                         "could not read back the relation records' temporary file: %s",
                         strerror(errno));
        goto cleanup;
    }
    drop_spill(resolver);
    free(resolver->records);
    resolver->records = NULL;
    resolver->n_records = resolver->cap_records = 0;
    resolver->stats.seconds.relations = kg_monotonic_seconds() - t;
    t += resolver->stats.seconds.relations;
    if ((status = resolve_documents(resolver, &result)) != KG_OK)
        goto cleanup;
    resolver->stats.seconds.documents = kg_monotonic_seconds() - t;
    free(resolver->docs);
    resolver->docs = NULL;
    resolver->n_docs = resolver->cap_docs = 0;

    *out = result;
    memset(&result, 0, sizeof result);

cleanup:
    if (status == KG_ERR_NOMEM)
        kg_error_set(err, status, NULL, 0, 0, "out of memory while resolving entities");
    else if (status != KG_OK && err != NULL && err->status == KG_OK)
        kg_error_set(err, status, NULL, 0, 0, "entity resolution failed: %s", kg_strerror(status));
    kg_resolved_clear(&result);
    release_clusters(clusters, entities, n_clusters);
    free(order);
    free(cluster_members);
    free(cluster_of);
    free(root_cluster);
    free(cluster_entity);
    free(node_entity);
    free(min_keys);
    state_free(&st);
    return status;
}

/* ---- explanation --------------------------------------------------------------- */

/* Lower-case transliteration with one space between words: a second way
 * for a name to match ("Kanybek Zhumaliev" finds "Каныбек Жумалиев"). */
static char *latin_key(const char *s) {
    char *key = kg_text_key(s, strlen(s));
    if (key == NULL)
        return NULL;
    char *latin = kg_text_translit(key, strlen(key));
    free(key);
    if (latin == NULL)
        return NULL;
    size_t o = 0;
    bool space = false;
    for (const char *p = latin; *p != '\0'; p++) {
        char c = *p >= 'A' && *p <= 'Z' ? (char)(*p + 32) : *p;
        if ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9')) {
            if (space && o > 0)
                latin[o++] = ' ';
            space = false;
            latin[o++] = c;
        } else {
            space = true;
        }
    }
    latin[o] = '\0';
    return latin;
}

/* 1 when form matches (key or latin), 0 when not, -1 when out of memory. */
static int explain_matches(const char *form, const char *key, const char *latin) {
    if (form == NULL)
        return 0;
    char *fk = kg_text_key(form, strlen(form));
    char *fl = latin_key(form);
    int hit = fk == NULL || fl == NULL                                               ? -1
              : strcmp(fk, key) == 0 || (latin[0] != '\0' && strcmp(fl, latin) == 0) ? 1
                                                                                     : 0;
    free(fk);
    free(fl);
    return hit;
}

/* A score as "0.95": locale-independent. */
static void format_score(double score, char buf[32]) {
    long hundredths = (long)(score * 100.0 + 0.5);
    if (hundredths < 0)
        hundredths = 0;
    snprintf(buf, 32, "%ld.%02ld", hundredths / 100, hundredths % 100);
}

static void explain_entity(const kg_resolved *data, size_t index, FILE *out) {
    const kg_entity *e = &data->entities[index];
    fprintf(out, "%s (%s)\n", e->id, kg_entity_type_name(e->type));
    fprintf(out, "  label: %s [%s]\n", e->label, e->lang != NULL ? e->lang : "?");
    if (e->label_en != NULL)
        fprintf(out, "  label@en: %s\n", e->label_en);
    if (e->label_ru != NULL)
        fprintf(out, "  label@ru: %s\n", e->label_ru);
    fprintf(out, "  aliases (%zu):", e->n_aliases);
    for (size_t i = 0; i < e->n_aliases; i++)
        fprintf(out, "%s %s", i == 0 ? "" : ";", e->aliases[i]);
    fprintf(out, "\n  mentions: %zu in %zu document%s:", e->mentions, e->n_documents,
            e->n_documents == 1 ? "" : "s");
    for (size_t i = 0; i < e->n_documents; i++)
        fprintf(out, "%s %s", i == 0 ? "" : ",", e->documents[i]);
    size_t lo = 0, end = kg_resolved_merges_of(data, index, &lo);
    end += lo;
    fprintf(out, "\n  merges (%zu):%s\n", end - lo, end == lo ? " none" : "");
    for (size_t i = lo; i < end; i++) {
        const kg_merge *m = &data->merges[i];
        char score[32];
        format_score(m->score, score);
        fprintf(out, "    %-15s %s  \"%s\" = \"%s\"", m->rule, score, m->form_a, m->form_b);
        if (m->detail != NULL)
            fprintf(out, "  (%s)", m->detail);
        fputc('\n', out);
    }
}

size_t kg_resolved_merges_of(const kg_resolved *data, size_t i, size_t *first) {
    size_t lo = 0, hi = data->n_merges;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (data->merges[mid].entity < i)
            lo = mid + 1;
        else
            hi = mid;
    }
    size_t end = lo;
    while (end < data->n_merges && data->merges[end].entity == i)
        end++;
    *first = lo;
    return end - lo;
}

kg_status kg_resolved_explain(const kg_resolved *data, const char *name, FILE *out) {
    if (data == NULL || name == NULL || out == NULL)
        return KG_ERR_USAGE;
    char *key = kg_text_key(name, strlen(name));
    char *latin = latin_key(name);
    kg_status status = KG_FAILURE;
    if (key == NULL || latin == NULL) {
        status = KG_ERR_NOMEM;
        goto cleanup;
    }
    for (size_t i = 0; i < data->n_entities; i++) {
        const kg_entity *e = &data->entities[i];
        int hit = strcmp(e->id, name) == 0;
        const char *labels[3] = {e->label, e->label_en, e->label_ru};
        for (int k = 0; k < 3 && hit == 0; k++)
            hit = explain_matches(labels[k], key, latin);
        for (size_t k = 0; k < e->n_aliases && hit == 0; k++)
            hit = explain_matches(e->aliases[k], key, latin);
        if (hit < 0) {
            status = KG_ERR_NOMEM;
            goto cleanup;
        }
        if (hit == 0)
            continue;
        if (status == KG_OK)
            fputc('\n', out);
        explain_entity(data, i, out);
        status = KG_OK;
    }
    if (status == KG_OK && ferror(out))
        status = KG_ERR_IO;

cleanup:
    free(key);
    free(latin);
    return status;
}
