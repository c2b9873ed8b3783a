/* kg_tokens.c — tokenisation, lexicon tagging and sentence splitting.
 *
 * Tokens are words (letters, digits, marks, with inner hyphens and
 * apostrophes), numbers (with inner . , : / - –) and single punctuation
 * characters.  Each word gets a lower-case form and a Snowball stem
 * (English or Russian, by the word's script), both interned, and is tagged
 * with the longest lexicon phrase that starts at it. */
#include "kg_extract_internal.h"

#include <libstemmer.h>
#include <stdlib.h>
#include <string.h>
#include <utf8proc.h>

static inline bool is_word_cp(int32_t cp) {
    if (cp < 0)
        return false;
    if (kg_cp_is_letter(cp) || kg_cp_is_digit(cp))
        return true;
    if (cp < 0x80 || !utf8proc_codepoint_valid(cp))
        return false;
    utf8proc_category_t c = utf8proc_category(cp);
    return c == UTF8PROC_CATEGORY_MN || c == UTF8PROC_CATEGORY_MC;
}

static bool is_hyphen(int32_t cp) {
    return cp == '-' || cp == 0x2010 || cp == 0x2011;
}

static bool is_apostrophe(int32_t cp) {
    return cp == '\'' || cp == 0x2019 || cp == 0x02BC;
}

static int32_t peek(const char *s, size_t len, size_t pos) {
    return kg_utf8_next(s, len, &pos);
}

/* ---- stems ---------------------------------------------------------------------- */

static const char *cache_get(const kg_extractor *ex, const char *lower) {
    if (ex->cache_size == 0)
        return NULL;
    size_t mask = ex->cache_size - 1;
    size_t j = (size_t)(((uintptr_t)lower >> 3) * 0x9E3779B97F4A7C15ULL) & mask;
    while (ex->cache_keys[j] != NULL) {
        if (ex->cache_keys[j] == lower)
            return ex->cache_vals[j];
        j = (j + 1) & mask;
    }
    return NULL;
}

static kg_status cache_put(kg_extractor *ex, const char *lower, const char *stem) {
    if ((ex->cache_used + 1) * 2 > ex->cache_size) {
        size_t n = ex->cache_size ? ex->cache_size * 2 : 4096;
        const char **keys = calloc(n, sizeof *keys), **vals = calloc(n, sizeof *vals);
        if (keys == NULL || vals == NULL) {
            free(keys);
            free(vals);
            return KG_ERR_NOMEM;
        }
        for (size_t i = 0; i < ex->cache_size; i++) {
            if (ex->cache_keys[i] == NULL)
                continue;
            size_t j =
                (size_t)(((uintptr_t)ex->cache_keys[i] >> 3) * 0x9E3779B97F4A7C15ULL) & (n - 1);
            while (keys[j] != NULL)
                j = (j + 1) & (n - 1);
            keys[j] = ex->cache_keys[i];
            vals[j] = ex->cache_vals[i];
        }
        free(ex->cache_keys);
        free(ex->cache_vals);
        ex->cache_keys = keys;
        ex->cache_vals = vals;
        ex->cache_size = n;
    }
    size_t mask = ex->cache_size - 1;
    size_t j = (size_t)(((uintptr_t)lower >> 3) * 0x9E3779B97F4A7C15ULL) & mask;
    while (ex->cache_keys[j] != NULL)
        j = (j + 1) & mask;
    ex->cache_keys[j] = lower;
    ex->cache_vals[j] = stem;
    ex->cache_used++;
    return KG_OK;
}

kg_status kx_word_forms(kg_extractor *ex, const char *s, size_t len, const char **lower,
                        const char **stem) {
    char small[256] = {0};
    char *buf = small;
    size_t cap = sizeof small, n = 0, pos = 0;
    int script = SC_NONE;
    while (pos < len) {
        int32_t cp = kg_utf8_next(s, len, &pos);
        if (cp < 0)
            cp = 0xFFFD;
        cp = kg_cp_tolower(cp);
        if (cp == 0x2019 || cp == 0x02BC)
            cp = '\'';
        if (cp == 0x2010 || cp == 0x2011)
            cp = '-';
        if (kg_cp_is_cyrillic(cp))
            script |= SC_CYRILLIC;
        else if (kg_cp_is_letter(cp))
            script |= SC_LATIN;
        if (n + 5 > cap) {
            size_t ncap = cap * 2;
            char *grown = buf == small ? malloc(ncap) : realloc(buf, ncap);
            if (grown == NULL) {
                if (buf != small)
                    free(buf);
                return KG_ERR_NOMEM;
            }
            if (buf == small)
                memcpy(grown, small, n);
            buf = grown;
            cap = ncap;
        }
        n += kg_utf8_encode(cp, buf + n);
    }
    const char *l = kg_strpool_intern(ex->pool, buf, n);
    if (buf != small)
        free(buf);
    if (l == NULL)
        return KG_ERR_NOMEM;
    *lower = l;
    const char *st = cache_get(ex, l);
    if (st == NULL) {
        /* Russian inflects too much to list every form, so Russian words meet
         * the lexicon through Snowball stems; English words are matched as
         * written (lower case): stems would make "institutions" an
         * "institute" and "federal" a "federation". */
        struct sb_stemmer *stemmer = script == SC_CYRILLIC ? ex->stem_ru : NULL;
        st = l;
        if (stemmer != NULL && n < 200) {
            /* ё → е for matching only: Russian text writes both, while the
             * lower-case form keeps what was written */
            char folded[256];
            memcpy(folded, l, n);
            for (size_t k = 0; k + 1 < n; k++)
                if ((unsigned char)folded[k] == 0xD1 && (unsigned char)folded[k + 1] == 0x91) {
                    folded[k] = (char)0xD0;
                    folded[k + 1] = (char)0xB5;
                }
            const sb_symbol *r = sb_stemmer_stem(stemmer, (const sb_symbol *)folded, (int)n);
            if (r != NULL)
                st = kg_strpool_intern(ex->pool, (const char *)r,
                                       (size_t)sb_stemmer_length(stemmer));
            if (st == NULL)
                return KG_ERR_NOMEM;
        }
        if (cache_put(ex, l, st) != KG_OK)
            return KG_ERR_NOMEM;
    }
    *stem = st;
    return KG_OK;
}

/* ---- word cache ------------------------------------------------------------------ */

/* Surface form → lower-case form, stem and script of a token.  News repeats
 * its words, so most tokens cost one hash of their bytes and one probe instead
 * of decoding, lower-casing, interning and stemming; the first sight of a
 * surface goes through kx_word_forms.  Open addressing with the hashes kept;
 * the surfaces are copied into chunks owned by the cache.  At most
 * KX_WORD_CACHE_MAX surfaces are kept, so a corpus of endless new words
 * (numbers, noise) cannot grow it without bound: beyond that the slow path
 * runs, with the same results. */
#define KX_WORD_CACHE_MAX (1u << 18) /* at most 2^19 slots of 48 bytes: 25 MB */
#define KX_WORD_CHUNK 65536

typedef struct word_slot {
    uint64_t hash;
    const char *surface; /* NULL: empty */
    size_t len;
    const char *lower, *stem; /* pooled */
    uint8_t script;           /* SC_* of the surface's letters */
} word_slot;

typedef struct word_chunk {
    struct word_chunk *next;
    size_t used;
    char data[KX_WORD_CHUNK];
} word_chunk;

struct kx_word_cache {
    word_slot *slots;
    size_t n_slots, used;
    word_chunk *chunks;
};

void kx_word_cache_free(struct kx_word_cache *cache) {
    if (cache == NULL)
        return;
    for (word_chunk *c = cache->chunks; c != NULL;) {
        word_chunk *next = c->next;
        free(c);
        c = next;
    }
    free(cache->slots);
    free(cache);
}

/* Script of a word: SC_CYRILLIC and/or SC_LATIN for its letters. */
static uint8_t surface_script(const char *s, size_t len) {
    uint8_t script = SC_NONE;
    size_t p = 0;
    while (p < len) {
        int32_t c = kg_utf8_next(s, len, &p);
        if (kg_cp_is_cyrillic(c))
            script |= SC_CYRILLIC;
        else if (kg_cp_is_letter(c))
            script |= SC_LATIN;
    }
    return script;
}

static kg_status cache_grow(struct kx_word_cache *wc) {
    size_t n = wc->n_slots ? wc->n_slots * 2 : 4096;
    word_slot *slots = calloc(n, sizeof *slots);
    if (slots == NULL)
        return KG_ERR_NOMEM;
    for (size_t i = 0; i < wc->n_slots; i++) {
        if (wc->slots[i].surface == NULL)
            continue;
        size_t j = (size_t)wc->slots[i].hash & (n - 1);
        while (slots[j].surface != NULL)
            j = (j + 1) & (n - 1);
        slots[j] = wc->slots[i];
    }
    free(wc->slots);
    wc->slots = slots;
    wc->n_slots = n;
    return KG_OK;
}

/* Copies s into the cache's chunks; NULL when out of memory or too long. */
static const char *cache_copy(struct kx_word_cache *wc, const char *s, size_t len) {
    if (len > KX_WORD_CHUNK)
        return NULL;
    word_chunk *c = wc->chunks;
    if (c == NULL || KX_WORD_CHUNK - c->used < len) {
        if ((c = malloc(sizeof *c)) == NULL)
            return NULL;
        c->next = wc->chunks;
        c->used = 0;
        wc->chunks = c;
    }
    char *p = c->data + c->used;
    memcpy(p, s, len);
    c->used += len;
    return p;
}

/* Fills t->lower, t->stem and t->script for the token s[0..len). */
static kg_status token_forms(kg_extractor *ex, const char *s, size_t len, kx_token *t) {
    if (ex->words == NULL && (ex->words = calloc(1, sizeof *ex->words)) == NULL)
        return KG_ERR_NOMEM;
    struct kx_word_cache *wc = ex->words;
    uint64_t h = kg_hash64(s, len, 0);
    size_t j = 0;
    if (wc->n_slots > 0) {
        j = (size_t)h & (wc->n_slots - 1);
        for (const word_slot *w = &wc->slots[j]; w->surface != NULL; w = &wc->slots[j]) {
            if (w->hash == h && w->len == len && memcmp(w->surface, s, len) == 0) {
                t->lower = w->lower;
                t->stem = w->stem;
                t->script = w->script;
                return KG_OK;
            }
            j = (j + 1) & (wc->n_slots - 1);
        }
    }
    kg_status st = kx_word_forms(ex, s, len, &t->lower, &t->stem);
    if (st != KG_OK)
        return st;
    t->script = surface_script(s, len);
    if (wc->used >= KX_WORD_CACHE_MAX)
        return KG_OK;
    if ((wc->used + 1) * 2 > wc->n_slots) {
        if ((st = cache_grow(wc)) != KG_OK)
            return st;
        j = (size_t)h & (wc->n_slots - 1);
        while (wc->slots[j].surface != NULL)
            j = (j + 1) & (wc->n_slots - 1);
    }
    const char *copy = cache_copy(wc, s, len);
    if (copy == NULL)
        return len > KX_WORD_CHUNK ? KG_OK : KG_ERR_NOMEM;
    wc->slots[j] = (word_slot){h, copy, len, t->lower, t->stem, t->script};
    wc->used++;
    return KG_OK;
}

/* ---- tokens ------------------------------------------------------------------------ */

static kg_status push(kx_token **toks, size_t *n, size_t *cap, const kx_token *t) {
    if (*n == *cap) {
        size_t ncap = *cap ? *cap * 2 : 256;
        kx_token *grown = realloc(*toks, ncap * sizeof *grown);
        if (grown == NULL)
            return KG_ERR_NOMEM;
        *toks = grown;
        *cap = ncap;
    }
    (*toks)[(*n)++] = *t;
    return KG_OK;
}

/* Verb endings whose lengths tag_lexicon measures once per document. */
#define KX_ENDINGS_MEASURED 64

/* Whether lower ends in one of the n verb endings (ru_morph.json), with more
 * than four bytes before it; end_lens holds the lengths of the first
 * KX_ENDINGS_MEASURED. */
static bool verb_form(const char *const *ends, const size_t *end_lens, size_t n,
                      const char *lower) {
    size_t len = strlen(lower);
    for (size_t i = 0; i < n; i++) {
        size_t el = i < KX_ENDINGS_MEASURED ? end_lens[i] : strlen(ends[i]);
        /* the last byte first: it rules out nearly every ending */
        if (len > el + 4 && (el == 0 || lower[len - 1] == ends[i][el - 1]) &&
            memcmp(lower + len - el, ends[i], el) == 0)
            return true;
    }
    return false;
}

/* Finds the longest lexicon phrase at each token. */
static void tag_lexicon(const kg_extractor *ex, kx_token *toks, size_t n) {
    char key[1024];
    size_t n_ends = 0;
    const char *const *ends = kx_lexicon_list(ex->lex, "verb_endings", &n_ends);
    size_t end_lens[KX_ENDINGS_MEASURED];
    for (size_t i = 0; i < n_ends && i < KX_ENDINGS_MEASURED; i++)
        end_lens[i] = strlen(ends[i]);
    for (size_t i = 0; i < n; i++) {
        size_t lens[KX_MAX_PHRASE + 1];
        size_t longest = kx_lexicon_first(ex->lex, toks[i].stem);
        if (longest == 0)
            continue;
        size_t len = 0, max = n - i < longest ? n - i : longest;
        for (size_t k = 0; k < max; k++) {
            size_t sl = strlen(toks[i + k].stem);
            if (len + sl + 2 >= sizeof key || (k > 0 && toks[i + k].newlines > 0)) {
                max = k;
                break;
            }
            if (k > 0)
                key[len++] = ' ';
            memcpy(key + len, toks[i + k].stem, sl);
            len += sl;
            lens[k + 1] = len;
        }
        for (size_t L = max; L >= 1; L--) {
            size_t ne = 0;
            const kx_entry *const *es = kx_lexicon_lookup(ex->lex, key, lens[L], &ne);
            if (ne == 0)
                continue;
            uint64_t cls = 0;
            bool verb = L == 1 && toks[i].script == SC_CYRILLIC &&
                        verb_form(ends, end_lens, n_ends, toks[i].lower);
            for (size_t k = 0; k < ne; k++) {
                uint64_t c = es[k]->cls;
                /* Russian nouns of the lexicon meet verbs through a common
                 * stem ("договорились" → "договор"): a verb ending that the
                 * dictionary form lacks rules the noun out. */
                if (verb && (c & (LX_TITLE | LX_ORG_HEAD | LX_AGREEMENT | LX_EVENT | LX_PLACE)) &&
                    !verb_form(ends, end_lens, n_ends, es[k]->lemma))
                    continue;
                /* Names of places and bodies are proper nouns: a lower-case
                 * "turkey" or "chad" is not a country. */
                if ((c & (LX_PLACE | LX_KNOWN_ORG)) && !toks[i].cap)
                    continue;
                cls |= c;
                if ((c & LX_TITLE) && toks[i].lx_title == NULL)
                    toks[i].lx_title = es[k];
                if ((c & LX_PLACE) && toks[i].lx_place == NULL)
                    toks[i].lx_place = es[k];
                if ((c & LX_KNOWN_ORG) && toks[i].lx_known == NULL)
                    toks[i].lx_known = es[k];
                if ((c & LX_ORG_HEAD) && toks[i].lx_head == NULL)
                    toks[i].lx_head = es[k];
            }
            if (cls == 0)
                continue;
            if (L == 1)
                toks[i].word_cls = cls;
            if (toks[i].lx_len == 0) {
                toks[i].lx_len = (uint8_t)L;
                toks[i].lx_cls = cls;
            }
            if (L == 1)
                break;
        }
    }
}

kg_status kx_tokenize(kg_extractor *ex, const char *text, size_t len, kx_token **out,
                      size_t *n_out) {
    kx_token *toks = NULL;
    /* News runs about one token per six or seven bytes: start a little above
     * that instead of doubling from nothing (push grows the array if needed). */
    size_t n = 0, cap = len / 5 + 16, pos = 0;
    toks = malloc(cap * sizeof *toks);
    if (toks == NULL)
        return KG_ERR_NOMEM;
    unsigned newlines = 0;
    bool space = false;
    kg_status st = KG_OK;
    while (pos < len) {
        size_t at = pos;
        int32_t cp = kg_utf8_next(text, len, &pos);
        if (cp < 0 || kg_cp_is_space(cp) || cp == 0xFEFF || cp == 0x200B) {
            space = true;
            if (cp == '\n' && newlines < 255)
                newlines++;
            continue;
        }
        kx_token t = {0};
        t.start = at;
        t.space_before = space || n == 0;
        t.newlines = (uint8_t)newlines;
        t.cp = cp;
        space = false;
        newlines = 0;
        if (is_word_cp(cp)) {
            bool digits = kg_cp_is_digit(cp);
            size_t letters = 0, uppers = 0, cps = 1;
            if (kg_cp_is_letter(cp)) {
                letters++;
                uppers += kg_cp_is_upper(cp);
            }
            for (;; cps++) {
                size_t save = pos;
                int32_t c = kg_utf8_next(text, len, &pos);
                /* letters first: they are most of a word, and one test */
                if (kg_cp_is_letter(c)) {
                    letters++;
                    uppers += kg_cp_is_upper(c);
                    digits = false;
                    continue;
                }
                if (is_word_cp(c))
                    continue;
                int32_t next = peek(text, len, pos);
                if (is_hyphen(c) && is_word_cp(next))
                    continue;
                if (is_apostrophe(c) && kg_cp_is_letter(next) && !digits) {
                    /* "Azerbaijan’s": the possessive is a token of its own. */
                    size_t after = pos;
                    int32_t s = kg_utf8_next(text, len, &after);
                    int32_t beyond = peek(text, len, after);
                    if ((s == 's' || s == 'S') && !is_word_cp(beyond)) {
                        pos = save;
                        break;
                    }
                    continue;
                }
                if (digits &&
                    (c == '.' || c == ',' || c == ':' || c == '/' || c == '-' || c == 0x2013) &&
                    kg_cp_is_digit(next))
                    continue;
                pos = save;
                break;
            }
            t.kind = digits ? TK_NUM : TK_WORD;
            t.end = pos;
            t.n_cp = (uint8_t)(cps < 255 ? cps : 255);
            t.cap = kg_cp_is_upper(cp);
            t.upper = letters >= 2 && uppers == letters;
        } else {
            t.kind = TK_PUNCT;
            t.end = pos;
            t.n_cp = 1;
        }
        if ((st = token_forms(ex, text + t.start, t.end - t.start, &t)) != KG_OK)
            goto fail;
        if (t.kind != TK_WORD)
            t.script = SC_NONE;
        if ((st = push(&toks, &n, &cap, &t)) != KG_OK)
            goto fail;
    }
    if (ex->lex != NULL)
        tag_lexicon(ex, toks, n);
    *out = toks;
    *n_out = n;
    return KG_OK;
fail:
    free(toks);
    return st;
}

/* ---- sentences ----------------------------------------------------------------------- */

static bool is_terminal(int32_t cp) {
    return cp == '.' || cp == '!' || cp == '?' || cp == 0x2026 || cp == 0x3002;
}

static bool is_closing(int32_t cp) {
    return cp == '"' || cp == 0x201D || cp == 0x00BB || cp == 0x2019 || cp == ')' || cp == '\'' ||
           cp == ']';
}

/* Words after which a period does not end a sentence. */
static bool is_abbreviation(const char *lower) {
    static const char *const abbr[] = {
        "mr",  "mrs", "ms",   "dr",   "st",  "prof", "jr",   "sr",  "vs",     "etc",  "no",  "inc",
        "ltd", "co",  "gen",  "col",  "lt",  "sgt",  "rev",  "fig", "approx", "dept", "г",   "гг",
        "им",  "ул",  "т",    "д",    "тыс", "млн",  "млрд", "руб", "долл",   "обл",  "р-н", "пр",
        "стр", "см",  "проф", "акад", "ст",  "корр", "зам",  "пос", "с",      "др",   "вв",  "е"};
    for (size_t i = 0; i < sizeof abbr / sizeof *abbr; i++)
        if (strcmp(lower, abbr[i]) == 0)
            return true;
    return false;
}

/* The token cap (max_tokens, kg_limits) keeps one run-on "sentence" from
 * making the per-sentence rules slow: several look across a whole sentence. */
kg_status kx_sentences(const kx_token *toks, size_t n, const char *text, size_t max_tokens,
                       kg_span **out, size_t *n_out, bool *cut_long) {
    (void)text;
    kg_span *spans = NULL;
    size_t count = 0, cap = 0, start = 0;
    for (size_t i = 0; i < n; i++) {
        bool cut = false;
        size_t end = i + 1; /* sentence is [start, end) */
        if (i + 1 < n && toks[i + 1].newlines >= 2)
            cut = true;
        else if (i + 1 < n && toks[i + 1].newlines == 1 &&
                 !(toks[i + 1].kind == TK_WORD && !toks[i + 1].cap && !toks[i + 1].upper))
            cut = true;
        else if (toks[i].kind == TK_PUNCT && is_terminal(toks[i].cp)) {
            size_t j = i + 1;
            while (j < n && toks[j].kind == TK_PUNCT &&
                   (is_closing(toks[j].cp) || is_terminal(toks[j].cp)) && !toks[j].space_before)
                j++;
            bool next_starts = j >= n || (toks[j].space_before &&
                                          (toks[j].cap || toks[j].upper || toks[j].kind == TK_NUM ||
                                           toks[j].kind == TK_PUNCT || toks[j].newlines > 0));
            bool initial = false;
            if (toks[i].cp == '.' && i > start && toks[i - 1].kind == TK_WORD) {
                const kx_token *w = &toks[i - 1];
                size_t cps = 0, p = w->start;
                while (p < w->end) {
                    kg_utf8_next(text, w->end, &p);
                    cps++;
                }
                /* "K. Omarov", "A.Smith": an initial; "Mr. X": an abbreviation. */
                initial = (cps == 1 && w->cap) || is_abbreviation(w->lower);
                if (initial && j < n && toks[j].newlines > 0)
                    initial = false;
            }
            if (next_starts && !initial) {
                cut = true;
                end = j;
                i = j - 1;
            }
        }
        if (!cut && max_tokens > 0 && i + 1 - start >= max_tokens && i + 1 < n) {
            cut = true;
            if (cut_long != NULL)
                *cut_long = true;
        }
        if (cut || i + 1 == n) {
            if (count == cap) {
                size_t ncap = cap ? cap * 2 : 32;
                kg_span *grown = realloc(spans, ncap * sizeof *grown);
                if (grown == NULL) {
                    free(spans);
                    return KG_ERR_NOMEM;
                }
                spans = grown;
                cap = ncap;
            }
            spans[count].start = start;
            spans[count].end = end;
            count++;
            start = end;
        }
    }
    *out = spans;
    *n_out = count;
    return KG_OK;
}

kg_status kg_split_sentences(kg_extractor *extractor, const char *text, size_t len, kg_span **out,
                             size_t *n) {
    kx_token *toks = NULL;
    size_t nt = 0;
    kg_status st = kx_tokenize(extractor, text, len, &toks, &nt);
    if (st != KG_OK)
        return st;
    kg_span *spans = NULL;
    size_t ns = 0;
    st = kx_sentences(toks, nt, text, extractor->limits.max_sentence_tokens, &spans, &ns, NULL);
    if (st == KG_OK) {
        for (size_t i = 0; i < ns; i++) {
            spans[i].start = toks[spans[i].start].start;
            spans[i].end = toks[spans[i].end - 1].end;
        }
        *out = spans;
        *n = ns;
    }
    free(toks);
    return st;
}
