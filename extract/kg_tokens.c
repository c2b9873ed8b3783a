/* kg_tokens.c — tokenisation, lexicon tagging and sentence splitting.
 *
 * Tokens are words (letters, digits, marks, with inner hyphens and
 * apostrophes), numbers (with inner . , : / - –) and single punctuation
 * characters.  Each word gets a lower-case form and a Snowball stem
 * (English or Russian, by the word's script), both interned, and is tagged
 * with the longest lexicon phrase that starts at it. */
#include "kg_extract_internal.h"
#include "kg_model_internal.h"

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
    size_t j = kx_ptr_hash(lower) & mask;
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
            size_t j = kx_ptr_hash(ex->cache_keys[i]) & (n - 1);
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
    size_t j = kx_ptr_hash(lower) & mask;
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

/* ---- lexicon tags ------------------------------------------------------------------ */

/* Bytes of the key of a phrase: its tokens' stems joined by one space. */
#define KX_KEY_BYTES 1024

/* Whether lower ends in one of the n verb endings (ru_morph.json), with more
 * than four bytes before it. */
static bool verb_form(const char *const *ends, size_t n, const char *lower) {
    size_t len = strlen(lower);
    for (size_t i = 0; i < n; i++) {
        size_t el = strlen(ends[i]);
        if (len > el + 4 && memcmp(lower + len - el, ends[i], el) == 0)
            return true;
    }
    return false;
}

/* Takes the entries es[0..ne) of a phrase that starts at token t: returns
 * the union of their classes and records the first entry of each kind in
 * into (where still NULL).  Entries that cannot stand at t are left out.
 * ends[0..n_ends): the verb endings when t alone is the phrase and is a
 * Russian verb form, else n_ends is 0.  proper: places, well-known bodies
 * and abbreviations written with capitals (exact) may stand at t
 * (kx_lexicon_proper_form). */
static uint64_t take_entries(kx_token *into, const kx_token *t, const kx_entry *const *es,
                             size_t ne, const char *const *ends, size_t n_ends, bool proper) {
    uint64_t cls = 0;
    for (size_t k = 0; k < ne; k++) {
        uint64_t c = es[k]->cls;
        /* Russian nouns of the lexicon meet verbs through a common stem
         * ("договорились" → "договор"): a verb ending that the dictionary
         * form lacks rules the noun out. */
        if (n_ends > 0 && (c & (LX_TITLE | LX_ORG_HEAD | LX_AGREEMENT | LX_EVENT | LX_PLACE)) &&
            !verb_form(ends, n_ends, es[k]->lemma))
            continue;
        /* Names of places and bodies are proper nouns: a lower-case "turkey"
         * or "chad" is not a country. */
        if (((c & (LX_PLACE | LX_KNOWN_ORG)) && (!t->cap || !proper)) || (es[k]->exact && !proper))
            continue;
        cls |= c;
        if ((c & LX_TITLE) && into->lx_title == NULL)
            into->lx_title = es[k];
        if ((c & LX_PLACE) && into->lx_place == NULL)
            into->lx_place = es[k];
        if ((c & LX_KNOWN_ORG) && into->lx_known == NULL)
            into->lx_known = es[k];
        if ((c & LX_ORG_HEAD) && into->lx_head == NULL)
            into->lx_head = es[k];
    }
    return cls;
}

/* Tags token t (lower, stem, script and cap set, lexicon tags still zero)
 * with what the lexicon says of it alone: lx_first, and the phrase that is
 * t alone (word_cls, lx_len, lx_cls and its entries), which tag_phrases
 * then lets a longer phrase override.  Depends on the token's surface only,
 * so the word cache keeps it. */
static void tag_word(const kx_lexicon *lex, kx_token *t) {
    size_t first = kx_lexicon_first(lex, t->stem), sl = strlen(t->stem);
    t->lx_first = (uint8_t)first; /* at most KX_MAX_PHRASE */
    if (first == 0 || sl + 2 >= KX_KEY_BYTES)
        return;
    size_t ne = 0, n_ends = 0;
    const kx_entry *const *es = kx_lexicon_lookup(lex, t->stem, sl, &ne);
    if (ne == 0)
        return;
    const char *const *ends = kx_lexicon_list(lex, "verb_endings", &n_ends);
    if (t->script != SC_CYRILLIC || !verb_form(ends, n_ends, t->lower))
        n_ends = 0;
    /* one Cyrillic word names a place or body only in one of its forms */
    bool proper = t->script != SC_CYRILLIC || kx_lexicon_proper_form(lex, t->lower);
    uint64_t cls = take_entries(t, t, es, ne, ends, n_ends, proper);
    if (cls != 0) {
        t->word_cls = cls;
        t->lx_len = 1;
        t->lx_cls = cls;
    }
}

/* Finds the longest lexicon phrase of two tokens or more at each token that
 * starts one (tag_word has tagged each token alone); a phrase does not cross
 * a line break. */
static void tag_phrases(const kx_lexicon *lex, kx_token *toks, size_t n) {
    char key[KX_KEY_BYTES];
    for (size_t i = 0; i < n; i++) {
        if (toks[i].lx_first < 2 || i + 1 == n ||
            !kx_lexicon_pair(lex, toks[i].stem, toks[i + 1].stem))
            continue;
        size_t lens[KX_MAX_PHRASE + 1];
        size_t len = 0, max = n - i < toks[i].lx_first ? n - i : toks[i].lx_first;
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
        /* the longest phrase gives lx_len and lx_cls; each kind of entry
         * comes from the longest phrase that has one */
        kx_token found = {0};
        for (size_t L = max; L >= 2; L--) {
            size_t ne = 0;
            const kx_entry *const *es = kx_lexicon_lookup(lex, key, lens[L], &ne);
            uint64_t cls = take_entries(&found, &toks[i], es, ne, NULL, 0, true);
            if (cls != 0 && found.lx_len == 0) {
                found.lx_len = (uint8_t)L;
                found.lx_cls = cls;
            }
        }
        if (found.lx_len == 0)
            continue;
        toks[i].lx_len = found.lx_len;
        toks[i].lx_cls = found.lx_cls;
        if (found.lx_title != NULL)
            toks[i].lx_title = found.lx_title;
        if (found.lx_place != NULL)
            toks[i].lx_place = found.lx_place;
        if (found.lx_known != NULL)
            toks[i].lx_known = found.lx_known;
        if (found.lx_head != NULL)
            toks[i].lx_head = found.lx_head;
    }
}

/* ---- word cache ------------------------------------------------------------------ */

/* Surface form → lower-case form, stem, script and lexicon tags (tag_word)
 * of a token.  News repeats its words, so most tokens cost one hash of their
 * bytes and one probe instead of decoding, lower-casing, interning, stemming
 * and looking up; the first sight of a surface goes the slow way.  Open
 * addressing with the hashes kept; the surfaces are copied into chunks owned
 * by the cache.  At most KX_WORD_CACHE_MAX surfaces are kept, so a corpus of
 * endless new words (numbers, noise) cannot grow it without bound: beyond
 * that the slow path runs, with the same results.  Lexicon tags are kept
 * with the lexicon's generation, so a lexicon added to later (a user
 * lexicon) has them computed again. */
/* at most 2^19 slots of 56 bytes (29 MB), and 40 bytes of tags for each word
 * that is a phrase on its own */
#define KX_WORD_CACHE_MAX (1u << 18)
#define KX_WORD_CHUNK 65536

/* The tags tag_word gives a word that is a phrase on its own. */
typedef struct word_tags {
    uint64_t cls; /* 0: none */
    const kx_entry *title, *place, *known, *head;
} word_tags;

typedef struct word_slot {
    uint64_t hash;
    const char *surface;      /* NULL: empty */
    const char *lower, *stem; /* pooled */
    uint64_t generation;      /* the lexicon's when lx_first and tags were set; 0: never */
    uint32_t len;             /* at most KX_WORD_CHUNK */
    uint32_t tags;            /* index + 1 in the cache's tags; 0: none */
    uint8_t script;           /* SC_* of the surface's letters */
    uint8_t lx_first;
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
    word_tags *tags; /* of the words that are phrases on their own */
    size_t n_tags, cap_tags;
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
    free(cache->tags);
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

static const void *word_key(const void *slot) {
    return ((const word_slot *)slot)->surface;
}

static size_t word_hash(const void *slot) {
    return (size_t)((const word_slot *)slot)->hash;
}

static kg_status cache_grow(struct kx_word_cache *wc) {
    return kx_table_grow((void **)&wc->slots, &wc->n_slots, sizeof *wc->slots, 4096, word_key,
                         word_hash);
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

/* Keeps the lexicon tags of token t (tag_word's, under the lexicon's
 * generation) in slot w. */
static kg_status tags_put(struct kx_word_cache *wc, word_slot *w, uint64_t generation,
                          const kx_token *t) {
    if (w->tags == 0 && t->word_cls != 0) {
        if (kg_reserve((void **)&wc->tags, &wc->cap_tags, wc->n_tags + 1, sizeof *wc->tags) !=
            KG_OK)
            return KG_ERR_NOMEM;
        w->tags = (uint32_t)++wc->n_tags;
    }
    if (w->tags != 0)
        wc->tags[w->tags - 1] =
            (word_tags){t->word_cls, t->lx_title, t->lx_place, t->lx_known, t->lx_head};
    w->lx_first = t->lx_first;
    w->generation = generation;
    return KG_OK;
}

/* Gives token t the lexicon tags kept in slot w. */
static void tags_get(const struct kx_word_cache *wc, const word_slot *w, kx_token *t) {
    t->lx_first = w->lx_first;
    const word_tags *g = w->tags != 0 ? &wc->tags[w->tags - 1] : NULL;
    if (g == NULL || g->cls == 0)
        return;
    t->word_cls = t->lx_cls = g->cls;
    t->lx_len = 1;
    t->lx_title = g->title;
    t->lx_place = g->place;
    t->lx_known = g->known;
    t->lx_head = g->head;
}

/* Fills t->lower, t->stem and t->script for the token s[0..len) (t->kind and
 * t->cap set), and when the extractor has a lexicon (of this generation) the
 * tags of tag_word. */
static kg_status token_forms(kg_extractor *ex, const char *s, size_t len, uint64_t generation,
                             kx_token *t) {
    if (ex->words == NULL && (ex->words = calloc(1, sizeof *ex->words)) == NULL)
        return KG_ERR_NOMEM;
    struct kx_word_cache *wc = ex->words;
    uint64_t h = kg_hash_fast(s, len);
    size_t j = 0;
    if (wc->n_slots > 0) {
        j = (size_t)h & (wc->n_slots - 1);
        for (word_slot *w = &wc->slots[j]; w->surface != NULL; w = &wc->slots[j]) {
            if (w->hash == h && w->len == len && kx_same_bytes(w->surface, s, len)) {
                t->lower = w->lower;
                t->stem = w->stem;
                t->script = t->kind == TK_WORD ? w->script : SC_NONE;
                if (ex->lex == NULL)
                    return KG_OK;
                if (w->generation == generation) {
                    tags_get(wc, w, t);
                    return KG_OK;
                }
                tag_word(ex->lex, t);
                return tags_put(wc, w, generation, t);
            }
            j = (j + 1) & (wc->n_slots - 1);
        }
    }
    kg_status st = kx_word_forms(ex, s, len, &t->lower, &t->stem);
    if (st != KG_OK)
        return st;
    uint8_t script = surface_script(s, len);
    t->script = t->kind == TK_WORD ? script : SC_NONE;
    if (ex->lex != NULL)
        tag_word(ex->lex, t);
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
    word_slot *w = &wc->slots[j];
    *w = (word_slot){.hash = h,
                     .surface = copy,
                     .lower = t->lower,
                     .stem = t->stem,
                     .len = (uint32_t)len,
                     .script = script};
    wc->used++;
    return ex->lex != NULL ? tags_put(wc, w, generation, t) : KG_OK;
}

/* ---- tokens ------------------------------------------------------------------------ */

kg_status kx_tokenize(kg_extractor *ex, const char *text, size_t len, kx_token **out, size_t *n_out,
                      kx_letters *letters_out) {
    /* News runs about one token per six or seven bytes: start a little above
     * that instead of doubling from nothing. */
    size_t n = 0, cap = len / 5 + 16, pos = 0;
    kx_token *toks = malloc(cap * sizeof *toks);
    if (toks == NULL)
        return KG_ERR_NOMEM;
    unsigned newlines = 0;
    bool space = false;
    kg_status st = KG_OK;
    kx_letters counted = {0, 0};
    uint64_t generation = ex->lex != NULL ? kx_lexicon_generation(ex->lex) : 0;
    while (pos < len) {
        size_t at = pos;
        int32_t cp = kg_utf8_next(text, len, &pos);
        if (cp < 0 || kg_cp_is_space(cp) || cp == 0xFEFF || cp == 0x200B) {
            space = true;
            if (cp == '\n' && newlines < 255)
                newlines++;
            continue;
        }
        if (n == cap) {
            kx_token *grown = realloc(toks, cap * 2 * sizeof *grown);
            if (grown == NULL) {
                st = KG_ERR_NOMEM;
                goto fail;
            }
            toks = grown;
            cap *= 2;
        }
        /* built in place: tokens are large and this runs per token */
        kx_token *t = &toks[n];
        *t = (kx_token){
            .start = at, .space_before = space || n == 0, .newlines = (uint8_t)newlines, .cp = cp};
        space = false;
        newlines = 0;
        if (is_word_cp(cp)) {
            bool digits = kg_cp_is_digit(cp);
            size_t letters = 0, uppers = 0, cyrillic = 0, cps = 1;
            if (kg_cp_is_letter(cp)) {
                letters++;
                uppers += kg_cp_is_upper(cp);
                cyrillic += kg_cp_is_cyrillic(cp);
            }
            for (;; cps++) {
                /* the bulk of a word, ASCII and Russian letters, a run at a
                 * time without the general decoding and tests below */
                size_t run = letters;
                while (pos < len) {
                    unsigned char b = (unsigned char)text[pos];
                    if (b < 0x80 && (unsigned)((b | 0x20) - 'a') < 26u) {
                        uppers += b <= 'Z';
                        pos++;
                    } else if ((b == 0xD0 || b == 0xD1) && pos + 1 < len &&
                               ((unsigned char)text[pos + 1] & 0xC0) == 0x80) {
                        /* U+0400–U+047F: all letters */
                        uppers += kg_cyr_is_upper(
                            (int32_t)((b & 0x1Fu) << 6 | ((unsigned char)text[pos + 1] & 0x3Fu)));
                        cyrillic++;
                        pos += 2;
                    } else {
                        break;
                    }
                    letters++;
                }
                if (letters > run) {
                    digits = false;
                    cps += letters - run;
                }
                /* ASCII white space and controls end a word whatever came
                 * before: none of the tests below takes them */
                if (pos < len && (unsigned char)text[pos] <= ' ')
                    break;
                size_t save = pos;
                int32_t c = kg_utf8_next(text, len, &pos);
                /* letters first: they are most of a word, and one test */
                if (kg_cp_is_letter(c)) {
                    letters++;
                    uppers += kg_cp_is_upper(c);
                    cyrillic += kg_cp_is_cyrillic(c);
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
            t->kind = digits ? TK_NUM : TK_WORD;
            t->end = pos;
            t->n_cp = (uint8_t)(cps < 255 ? cps : 255);
            t->cap = kg_cp_is_upper(cp);
            t->upper = letters >= 2 && uppers == letters;
            counted.all += letters;
            counted.cyrillic += cyrillic;
        } else {
            t->kind = TK_PUNCT;
            t->end = pos;
            t->n_cp = 1;
        }
        if ((st = token_forms(ex, text + t->start, t->end - t->start, generation, t)) != KG_OK)
            goto fail;
        n++;
    }
    if (ex->lex != NULL)
        tag_phrases(ex->lex, toks, n);
    *out = toks;
    *n_out = n;
    if (letters_out != NULL)
        *letters_out = counted;
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
    /* the first byte rules out nearly every one without a call */
    for (size_t i = 0; i < sizeof abbr / sizeof *abbr; i++)
        if (lower[0] == abbr[i][0] && strcmp(lower, abbr[i]) == 0)
            return true;
    return false;
}

/* The token cap (max_tokens, kg_limits) keeps one run-on "sentence" from
 * making the per-sentence rules slow: several look across a whole sentence. */
kg_status kx_sentences(const kx_token *toks, size_t n, size_t max_tokens, kg_span **out,
                       size_t *n_out, bool *cut_long) {
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
                /* "K. Omarov", "A.Smith": an initial; "Mr. X": an abbreviation. */
                initial = (w->n_cp == 1 && w->cap) || is_abbreviation(w->lower);
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
    kg_status st = kx_tokenize(extractor, text, len, &toks, &nt, NULL);
    if (st != KG_OK)
        return st;
    kg_span *spans = NULL;
    size_t ns = 0;
    st = kx_sentences(toks, nt, extractor->limits.max_sentence_tokens, &spans, &ns, NULL);
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
