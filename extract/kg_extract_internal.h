/* kg_extract_internal.h — what the extractor's files share: the lexicon
 * (word lists compiled from the JSON files in extract/data), tokens and sentences.
 * Not installed; the CLI never includes it. */
#ifndef KG_EXTRACT_INTERNAL_H
#define KG_EXTRACT_INTERNAL_H

#include "kg_extract.h"
#include "kg_hash.h"
#include "kg_text.h"

#include <stdbool.h>
#include <stdint.h>
#include <string.h>

/* Hash of a pointer (pooled strings), for tables keyed by pointer. */
static inline size_t kx_ptr_hash(const void *p) {
    return (size_t)(((uintptr_t)p >> 3) * 0x9E3779B97F4A7C15ULL);
}

/* Doubles an open-addressing table of *n_slots slots of slot_size bytes at
 * *slots (initial slots when empty): a slot is in use when key(slot) is not
 * NULL, and goes to hash(slot) and on by linear probing, as the tables'
 * own lookups expect.  The extractor's tables (phrases, phrase starts, word
 * pairs, words, names) all grow through this; KG_ERR_NOMEM leaves the table
 * as it was. */
kg_status kx_table_grow(void **slots, size_t *n_slots, size_t slot_size, size_t initial,
                        const void *(*key)(const void *slot), size_t (*hash)(const void *slot));

/* Whether a and b, len bytes each, are equal: short words compared in
 * (overlapping) whole reads, without a call. */
static inline bool kx_same_bytes(const char *a, const char *b, size_t len) {
    uint64_t x, y;
    if (len >= 8) {
        for (size_t i = 0; i + 8 < len; i += 8) {
            memcpy(&x, a + i, 8);
            memcpy(&y, b + i, 8);
            if (x != y)
                return false;
        }
        memcpy(&x, a + len - 8, 8);
        memcpy(&y, b + len - 8, 8);
        return x == y;
    }
    if (len >= 4) {
        uint32_t p, q, r, t;
        memcpy(&p, a, 4);
        memcpy(&q, b, 4);
        memcpy(&r, a + len - 4, 4);
        memcpy(&t, b + len - 4, 4);
        return p == q && r == t;
    }
    for (size_t i = 0; i < len; i++)
        if (a[i] != b[i])
            return false;
    return true;
}

/* ---- lexicon ---------------------------------------------------------------- */

/* Word classes (64-bit masks).  A phrase of the lexicon may carry several. */
#define LX_TITLE (1ull << 0)
#define LX_ORG_HEAD (1ull << 1)
#define LX_AGREEMENT (1ull << 2)
#define LX_EVENT (1ull << 3)
#define LX_PLACE (1ull << 4)
#define LX_KNOWN_ORG (1ull << 5)
#define LX_FUNCTION (1ull << 6)
#define LX_CONNECTOR_OF (1ull << 7)
#define LX_ARTICLE (1ull << 8)
#define LX_AND (1ull << 9)
#define LX_BETWEEN (1ull << 10)
#define LX_WITH (1ull << 11)
#define LX_BY (1ull << 12)
#define LX_IN (1ull << 13)
#define LX_HONORIFIC (1ull << 14)
#define LX_SIGN (1ull << 15)
#define LX_NOT_DONE (1ull << 16)
#define LX_MEET (1ull << 17)
#define LX_VISIT (1ull << 18)
#define LX_PARTICIPATE (1ull << 19)
#define LX_ORGANIZE (1ull << 20)
#define LX_HELD (1ull << 21)
#define LX_MEMBER (1ull << 22)
#define LX_HEADQUARTERS (1ull << 23)
#define LX_SPEECH (1ull << 24)
#define LX_REPORT (1ull << 25)
#define LX_MONTH (1ull << 26)
#define LX_WEEKDAY (1ull << 27)
#define LX_NOT_NAME (1ull << 28)
#define LX_ORG_MODIFIER (1ull << 29)
#define LX_PARTICLE (1ull << 30)
#define LX_AUX (1ull << 31)
#define LX_AGREEMENT_MODIFIER (1ull << 32)
#define LX_ORGAN (1ull << 33)
#define LX_REFERENCE (1ull << 34)
#define LX_NATIONALITY (1ull << 35)

/* Classes that make a capitalised word part of something other than a name. */
#define LX_NON_NAME                                                                                \
    (LX_TITLE | LX_ORG_HEAD | LX_AGREEMENT | LX_EVENT | LX_PLACE | LX_KNOWN_ORG | LX_FUNCTION |    \
     LX_HONORIFIC | LX_MONTH | LX_WEEKDAY | LX_NOT_NAME | LX_SPEECH | LX_REPORT)

typedef struct kx_entry {
    uint64_t cls;
    const char *name;    /* place / known org: English label; title: written form */
    const char *name_ru; /* place / known org: Russian label */
    const char *role;    /* title: normalised role */
    const char *lemma;   /* the lexicon form (dictionary form) */
    char gender;         /* Russian organisation heads: 'm', 'f', 'n' */
    bool head_role;      /* title heads its organisation */
    bool cyrillic;       /* the form is Cyrillic */
    bool exact;          /* written with capitals (ОАО): a word is it only in this form */
} kx_entry;

typedef struct kx_morph_rule {
    const char *from, *to;
    size_t from_len, from_cps; /* from: bytes, code points */
    char gram_case;            /* 'i'ns, 'g'en, 'd'at, 'p're, 'a'ny */
    bool after_vowel;
} kx_morph_rule;

typedef struct kx_lexicon kx_lexicon;

/* Longest phrase in tokens' stems: at most this many tokens. */
#define KX_MAX_PHRASE 6

/* ---- tokens --------------------------------------------------------------- */

enum { TK_WORD = 1, TK_NUM, TK_PUNCT };
enum { SC_NONE = 0, SC_LATIN = 1, SC_CYRILLIC = 2, SC_MIXED = 3 };

typedef struct kx_token {
    size_t start, end; /* byte offsets in the document */
    uint8_t kind;
    uint8_t script;
    bool cap;          /* first letter upper case */
    bool upper;        /* two or more letters, all upper case */
    bool space_before; /* white space between this token and the previous one */
    uint8_t newlines;  /* newlines in that white space (capped) */
    uint8_t n_cp;      /* code points (capped at 255) */
    int32_t cp;        /* first code point (punctuation tokens: the character) */
    const char *lower; /* pooled lower-case form */
    const char *stem;  /* pooled stem (Snowball, by script) */
    /* Longest lexicon phrase starting here: its length in tokens (0 for none),
     * the union of its entries' classes and its first entry of each kind. */
    uint8_t lx_len;
    uint8_t lx_first; /* longest phrase of the lexicon starting with this stem */
    uint64_t lx_cls;
    const kx_entry *lx_title, *lx_org, *lx_place, *lx_known, *lx_head;
    uint64_t word_cls; /* classes of this single token on its own */
} kx_token;

/* The extractor's shared state.  One per thread. */
struct kg_extractor {
    kg_strpool *pool;
    kx_lexicon *lex;
    struct kx_rules *rules;
    struct sb_stemmer *stem_en, *stem_ru;
    /* lower → stem cache keyed by pooled pointer */
    const char **cache_keys;
    const char **cache_vals;
    size_t cache_size;
    size_t cache_used;
    /* surface → forms of tokens (kg_tokens.c) */
    struct kx_word_cache *words;
    /* pooled name → keys derived from it for grouping (kg_extract.c) */
    struct kx_name_cache *names;
    kg_limits limits; /* max_sentence_tokens, max_entities (kg_extractor_set_limits) */
};

/* Builds the lexicon from the built-in data; KG_ERR_PARSE names the file. */
kg_status kx_lexicon_new(kx_lexicon **out, kg_extractor *ex, kg_error *err);
void kx_lexicon_free(kx_lexicon *lex);

/* Adds the entries of a user lexicon file (JSON: {"CLASS": [entries]});
 * KG_ERR_PARSE names where and what is wrong. */
kg_status kx_lexicon_add(kx_lexicon *lex, kg_extractor *ex, const char *text, size_t len,
                         const char *where, kg_error *err);

/* The class bit of a class name ("TITLE", "ORG_HEAD", ...); 0 when unknown. */
uint64_t kx_class_by_name(const char *name);

/* Entries of the phrase whose stems, joined by one space, are key. */
const kx_entry *const *kx_lexicon_lookup(const kx_lexicon *lex, const char *key, size_t len,
                                         size_t *n);
/* Changes whenever a phrase is added (never 0): what a caller derived from
 * lookups under one generation holds while it stays the same. */
uint64_t kx_lexicon_generation(const kx_lexicon *lex);
/* Length in tokens of the longest phrase starting with this (pooled) stem;
 * 0 when no phrase starts with it. */
size_t kx_lexicon_first(const kx_lexicon *lex, const char *stem);

/* Whether a phrase of two tokens or more starts with these (pooled) stems. */
bool kx_lexicon_pair(const kx_lexicon *lex, const char *first, const char *second);

/* Number (1–12) of the month this pooled lower-case word names, else 0. */
int kx_lexicon_month(const kx_lexicon *lex, const char *lower);
/* Whether lower (pooled) is a written or generated case form of a one-word
 * Cyrillic place, well-known body or exact entry: Snowball gives "Бакыт" (a
 * first name) the stem of "Баку", and "а" that of "АО", so a stem alone does
 * not make a Cyrillic word one. */
bool kx_lexicon_proper_form(const kx_lexicon *lex, const char *lower);

/* Morphology rules (ru_morph.json). */
const kx_morph_rule *kx_lexicon_rules(const kx_lexicon *lex, const char *kind, size_t *n);
const char *const *kx_lexicon_list(const kx_lexicon *lex, const char *name, size_t *n);
/* The same, with each item's length in bytes and in code points (borrowed,
 * like the items). */
const char *const *kx_lexicon_list_measured(const kx_lexicon *lex, const char *name, size_t *n,
                                            const size_t **bytes, const size_t **cps);

/* Frees the tokeniser's word cache (kg_extractor.words); NULL is a no-op. */
void kx_word_cache_free(struct kx_word_cache *cache);

/* Lower-cases and stems one word (len bytes); pooled results. */
kg_status kx_word_forms(kg_extractor *ex, const char *s, size_t len, const char **lower,
                        const char **stem);

/* The letters of a text (utf8proc categories L*), and the Cyrillic ones. */
typedef struct kx_letters {
    size_t all, cyrillic;
} kx_letters;

/* The language of a text by its letters: "ru" or "en" (kg_detect_lang). */
const char *kx_lang_of(const kx_letters *letters);

/* Tokenises text[0..len) into a new array (*out, caller frees), tagging
 * lexicon phrases.  Offsets are relative to text.  *letters (may be NULL)
 * receives the text's letter counts, every letter being in a word. */
kg_status kx_tokenize(kg_extractor *ex, const char *text, size_t len, kx_token **out, size_t *n,
                      kx_letters *letters);

/* Splits tokens into sentences: *out receives token ranges [start, end).
 * A sentence reaching max_tokens tokens (kg_limits.max_sentence_tokens; 0:
 * no limit) is cut there, and *cut_long (may be NULL) is set. */
kg_status kx_sentences(const kx_token *toks, size_t n, size_t max_tokens, kg_span **out,
                       size_t *n_out, bool *cut_long);

#endif /* KG_EXTRACT_INTERNAL_H */
