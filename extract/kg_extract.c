/* kg_extract.c — the rule-based extractor: one document in, kg_doc_facts out.
 *
 * Per sentence, recognisers find mentions in a fixed order (known bodies and
 * organisations built on head nouns, acronyms, agreements, events, places,
 * then people), each claiming its tokens; relation rules then read the
 * mentions and the lexicon's cue words.  Per document, mentions are grouped
 * into entities (same normalised name, an acronym defined in parentheses or
 * matching a long form's initials, a surname standing for a full name) and
 * written out with their relations and evidence.
 *
 * Every word list is data (the JSON files in extract/data); the patterns here are the
 * first version of the rule set and name their rule ids in the evidence. */
#include "kg_extract_internal.h"
#include "kg_rules.h"

#include <errno.h>
#include <libstemmer.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

const unsigned char *kg_builtin_data(const char *name, size_t *len);

typedef struct mention {
    kg_entity_type type;
    size_t t0, t1; /* token range [t0, t1) */
    size_t sent;
    const char *surface; /* as written, spaces squeezed */
    const char *name;    /* normalised (nominative, canonical) */
    const char *acronym; /* defined in parentheses next to it */
    char gram_case;      /* Russian person names: case read from context */
    bool bare;           /* agreement/event named only by its head noun */
    bool is_acronym;
    bool is_source;      /* a news agency quoted as the source: no relations */
    bool coref;          /* refers back ("the Federation"): its surface is no alias */
    const char *head;    /* organisations: stem of the head noun */
    const char *surname; /* people: key of the last name (pooled), set when grouping */
    const char *key;     /* grouping key: places inside replaced by their canonical names */
    size_t group;        /* in-document entity */
} mention;

typedef struct rel {
    kg_relation_type type;
    size_t subj, obj; /* mention indices */
    const char *role, *role_text;
    size_t sent, start, end; /* evidence span in bytes */
    const char *rule;
    double confidence;
} rel;

/* A word list of the lexicon; its items are pooled in the extractor's
 * pool, as tokens' lower-case forms are, so equal words are equal pointers. */
typedef struct word_list {
    const char *const *items;
    size_t n;
    size_t max_cps; /* code points of its longest word */
} word_list;

typedef struct doc_state {
    kg_extractor *ex;
    const kg_document *doc;
    const char *text;
    size_t len;
    kx_token *toks;
    size_t n_toks;
    kg_span *sents;
    size_t n_sents;
    long *owner;    /* token → mention index or -1 */
    uint8_t *quote; /* token → QUOTE_OPENS, QUOTE_CLOSES or 0 (pair_quotes) */
    kx_unit *units; /* room for a sentence's units (run_rules) */
    mention *ms;
    size_t n_ms, cap_ms;
    rel *rels;
    size_t n_rels, cap_rels;
    bool caps;        /* current sentence is written in capitals */
    uint64_t classes; /* union of the current sentence's tokens' classes */
    const char *lang;
    unsigned limits_hit; /* KG_LIMIT_* bits */
    /* lists looked up for many tokens */
    word_list he, she, both, cues[4];
    const char *const *suffixes; /* surname suffixes, their bytes and code points */
    const size_t *suffix_bytes, *suffix_cps;
    size_t n_suffixes;
} doc_state;

/* ---- small helpers ------------------------------------------------------------ */

static bool has(const kx_token *t, uint64_t cls) {
    return (t->word_cls & cls) != 0;
}

static bool phrase(const kx_token *t, uint64_t cls) {
    return (t->lx_cls & cls) != 0;
}

static bool is_word(const kx_token *t) {
    return t->kind == TK_WORD;
}

static bool is_punct(const kx_token *t, int32_t cp) {
    return t->kind == TK_PUNCT && t->cp == cp;
}

static bool is_open_quote(int32_t cp) {
    return cp == 0x00AB || cp == 0x201C || cp == 0x201E || cp == '"';
}

static bool is_close_quote(int32_t cp) {
    return cp == 0x00BB || cp == 0x201D || cp == '"' || cp == 0x201C;
}

enum { QUOTE_OPENS = 1, QUOTE_CLOSES = 2 };
#define QUOTE_DEPTH 8

/* Which quote marks of the sentence open and which close a quotation, read
 * left to right: «, „ always open and », ” always close; a straight " or a
 * “ closes the innermost quotation that one of them or „ opened, and
 * otherwise opens one.  Without this the closing mark of «"Naryn" Aidar Osmonov met
 * the head of "Talas"» would open a quotation running to the next. */
static void pair_quotes(doc_state *ds, size_t s0, size_t s1) {
    int32_t open[QUOTE_DEPTH]; /* the innermost openers' marks */
    size_t depth = 0;
    for (size_t i = s0; i < s1; i++) {
        const kx_token *t = &ds->toks[i];
        ds->quote[i] = 0;
        if (t->kind != TK_PUNCT || !(is_open_quote(t->cp) || is_close_quote(t->cp)))
            continue;
        bool ambiguous = is_open_quote(t->cp) && is_close_quote(t->cp);
        bool closes = !is_open_quote(t->cp) ||
                      (ambiguous && depth > 0 &&
                       (is_close_quote(open[depth - 1]) || open[depth - 1] == 0x201E));
        if (closes) {
            ds->quote[i] = QUOTE_CLOSES;
            depth -= depth > 0;
        } else {
            ds->quote[i] = QUOTE_OPENS;
            if (depth < QUOTE_DEPTH)
                open[depth++] = t->cp;
        }
    }
}

static bool opens_quote(const doc_state *ds, size_t i) {
    return ds->quote[i] == QUOTE_OPENS;
}

static bool closes_quote(const doc_state *ds, size_t i) {
    return ds->quote[i] == QUOTE_CLOSES;
}

/* Whether s, of n bytes, ends with suffix. */
static bool ends_with_n(const char *s, size_t n, const char *suffix) {
    size_t m = strlen(suffix);
    return n >= m && (m == 0 || s[n - 1] == suffix[m - 1]) && memcmp(s + n - m, suffix, m) == 0;
}

static bool ends_with(const char *s, const char *suffix) {
    return ends_with_n(s, strlen(s), suffix);
}

static size_t cp_count(const char *s, size_t len) {
    size_t n = 0, pos = 0;
    while (pos < len) {
        kg_utf8_next(s, len, &pos);
        n++;
    }
    return n;
}

static bool in_list(const kx_lexicon *lex, const char *list, const char *word) {
    size_t n = 0;
    const char *const *items = kx_lexicon_list(lex, list, &n);
    for (size_t i = 0; i < n; i++)
        if (strcmp(items[i], word) == 0)
            return true;
    return false;
}

static word_list get_list(const kx_lexicon *lex, const char *name) {
    word_list l = {NULL, 0, 0};
    const size_t *bytes, *cps;
    l.items = kx_lexicon_list_measured(lex, name, &l.n, &bytes, &cps);
    for (size_t i = 0; i < l.n; i++)
        if (cps[i] > l.max_cps)
            l.max_cps = cps[i];
    return l;
}

/* Whether token t's lower-case form is in list (pointer comparison).  The
 * form has the token's code points: a longer token is in no list. */
static bool listed(const word_list *list, const kx_token *t) {
    if (t->n_cp > list->max_cps)
        return false;
    for (size_t i = 0; i < list->n; i++)
        if (list->items[i] == t->lower)
            return true;
    return false;
}

/* The text of tokens [t0, t1) with white space squeezed (kg_text_squeeze),
 * pooled; NULL when out of memory. */
static const char *intern_span(doc_state *ds, size_t t0, size_t t1) {
    const char *s = ds->text + ds->toks[t0].start;
    size_t len = ds->toks[t1 - 1].end - ds->toks[t0].start;
    /* Tokens hold no white space: when every gap between them is nothing or
     * one ASCII space, and no NUL cuts the text short, the text is its own
     * squeezed form, pooled without a copy. */
    bool plain = memchr(s, '\0', len) == NULL;
    for (size_t i = t0 + 1; i < t1 && plain; i++) {
        size_t gap = ds->toks[i].start - ds->toks[i - 1].end;
        plain = gap == 0 || (gap == 1 && ds->text[ds->toks[i - 1].end] == ' ');
    }
    if (plain)
        return kg_strpool_intern(ds->ex->pool, s, len);
    char *sq = kg_text_squeeze(s, len);
    const char *p = sq != NULL ? kg_strpool_cstr(ds->ex->pool, sq) : NULL;
    free(sq);
    return p;
}

/* Capitalised in a way that tells a proper noun: in a sentence written in
 * capitals every word is upper case, so that tells nothing there. */
static bool proper(const doc_state *ds, const kx_token *t) {
    if (!is_word(t))
        return false;
    if (ds->caps)
        return t->cap;
    return t->cap && (!t->upper || t->n_cp <= 3);
}

/* A capitalised word that no word list claims: the stuff of personal names. */
static bool name_word(const doc_state *ds, const kx_token *t) {
    if (!is_word(t) || !t->cap)
        return false;
    if (t->upper && !ds->caps)
        return false;
    if (has(t, LX_NON_NAME | LX_ORG_MODIFIER | LX_AGREEMENT_MODIFIER | LX_SIGN | LX_MEET |
                   LX_VISIT | LX_PARTICIPATE | LX_ORGANIZE | LX_HELD | LX_MEMBER | LX_AUX))
        return false;
    if (phrase(t, LX_TITLE | LX_ORG_HEAD | LX_PLACE | LX_KNOWN_ORG | LX_AGREEMENT | LX_EVENT))
        return false;
    return true;
}

static bool surname_like(const doc_state *ds, const kx_token *t) {
    if (!name_word(ds, t))
        return false;
    size_t wl = t->n_cp, bytes = strlen(t->lower);
    for (size_t i = 0; i < ds->n_suffixes; i++) {
        const char *suf = ds->suffixes[i];
        size_t sb = ds->suffix_bytes[i], sl = ds->suffix_cps[i];
        /* the last byte first: it rules out most suffixes without a call */
        if (wl >= sl + 2 && bytes >= sb && (sb == 0 || t->lower[bytes - 1] == suf[sb - 1]) &&
            memcmp(t->lower + bytes - sb, suf, sb) == 0)
            return true;
    }
    return false;
}

/* "K." or "К." directly followed by a word: an initial. */
static bool initial_at(const doc_state *ds, size_t i, size_t end) {
    const kx_token *t = &ds->toks[i];
    return i + 2 < end + 1 && i + 1 < end && is_word(t) && t->cap && t->n_cp == 1 &&
           is_punct(&ds->toks[i + 1], '.') && i + 2 < end && name_word(ds, &ds->toks[i + 2]);
}

/* Grouping key of a mention: the stems of its words (so Russian case forms
 * agree), with every place inside replaced by the place's canonical name
 * (so "Правительство КР" meets "Правительства Кыргызской Республики"). */
static const char *mention_key(doc_state *ds, kg_entity_type type, size_t t0, size_t t1) {
    char buf[1024];
    size_t len = 0;
    for (size_t i = t0; i < t1; i++) {
        const kx_token *t = &ds->toks[i];
        const char *part = NULL;
        size_t skip = 1;
        if (t->lx_place != NULL && phrase(t, LX_PLACE) && i + t->lx_len <= t1) {
            part = t->lx_place->name;
            skip = t->lx_len;
        } else if (type == KG_ENT_PLACE && t->lx_place != NULL) {
            part = t->lx_place->name;
            skip = t1 - i;
        } else if (t->kind != TK_PUNCT) {
            part = t->stem;
        }
        i += skip - 1;
        if (part == NULL)
            continue;
        size_t pl = strlen(part);
        if (len + pl + 2 >= sizeof buf)
            break;
        if (len > 0)
            buf[len++] = ' ';
        memcpy(buf + len, part, pl);
        len += pl;
    }
    return kg_strpool_intern(ds->ex->pool, buf, len);
}

/* True (and the limit recorded) when the document has max_entities mentions:
 * the cost of grouping and of looking back grows with them. */
static bool mentions_full(doc_state *ds) {
    size_t max = ds->ex->limits.max_entities;
    if (max == 0 || ds->n_ms < max)
        return false;
    ds->limits_hit |= KG_LIMIT_ENTITIES;
    return true;
}

static kg_status add_mention(doc_state *ds, kg_entity_type type, size_t t0, size_t t1, size_t sent,
                             const char *name, mention **out) {
    if (mentions_full(ds)) {
        *out = NULL;
        return KG_OK;
    }
    if (ds->n_ms == ds->cap_ms) {
        size_t cap = ds->cap_ms ? ds->cap_ms * 2 : 64;
        mention *grown = realloc(ds->ms, cap * sizeof *grown);
        if (grown == NULL)
            return KG_ERR_NOMEM;
        ds->ms = grown;
        ds->cap_ms = cap;
    }
    mention *m = &ds->ms[ds->n_ms];
    memset(m, 0, sizeof *m);
    m->type = type;
    m->t0 = t0;
    m->t1 = t1;
    m->sent = sent;
    m->surface = intern_span(ds, t0, t1);
    m->name = name != NULL ? name : m->surface;
    m->key = mention_key(ds, type, t0, t1);
    if (m->surface == NULL || m->name == NULL || m->key == NULL)
        return KG_ERR_NOMEM;
    for (size_t i = t0; i < t1; i++)
        ds->owner[i] = (long)ds->n_ms;
    ds->n_ms++;
    *out = m;
    return KG_OK;
}

static bool free_range(const doc_state *ds, size_t t0, size_t t1) {
    for (size_t i = t0; i < t1; i++)
        if (ds->owner[i] >= 0)
            return false;
    return true;
}

/* ---- Russian morphology (rules from ru_morph.json) ----------------------------- */

static bool is_vowel_ru(int32_t cp) {
    static const int32_t v[] = {0x430, 0x435, 0x438, 0x43E, 0x443, 0x44B,
                                0x44D, 0x44E, 0x44F, 0x451, 0x439};
    for (size_t i = 0; i < sizeof v / sizeof *v; i++)
        if (cp == v[i])
            return true;
    return false;
}

/* Last code point before byte offset end. */
static int32_t cp_before(const char *s, size_t end) {
    size_t p = end;
    while (p > 0 && ((unsigned char)s[p - 1] & 0xC0) == 0x80)
        p--;
    if (p == 0)
        return -1;
    p--;
    while (p > 0 && ((unsigned char)s[p] & 0xC0) == 0x80)
        p--;
    size_t q = p;
    return kg_utf8_next(s, end, &q);
}

/* Applies the first matching rule of kind to lower-case word; returns a new
 * string or NULL when no rule applies.  gram_case 0 applies only rules whose
 * ending is long enough to be unambiguous. */
static char *apply_rules(const kx_lexicon *lex, const char *kind, const char *lower, char gram_case,
                         char *matched_case, bool *failed) {
    size_t n = 0;
    const kx_morph_rule *rules = kx_lexicon_rules(lex, kind, &n);
    size_t len = strlen(lower);
    const kx_morph_rule *best = NULL;
    size_t best_len = 0;
    for (size_t i = 0; i < n; i++) {
        const kx_morph_rule *r = &rules[i];
        size_t fl = r->from_len;
        /* the last byte first: it rules out most endings without a call */
        if (fl <= best_len || fl >= len || lower[len - 1] != r->from[fl - 1] ||
            memcmp(lower + len - fl, r->from, fl) != 0)
            continue;
        bool ok = r->gram_case == 'a' || (gram_case != 0 && r->gram_case == gram_case) ||
                  (gram_case == 0 && r->from_cps >= 4);
        if (!ok)
            continue;
        if (r->after_vowel && !is_vowel_ru(cp_before(lower, len - fl)))
            continue;
        best = r;
        best_len = fl;
    }
    if (best == NULL)
        return NULL;
    if (matched_case != NULL)
        *matched_case = best->gram_case;
    size_t tl = strlen(best->to);
    char *out = malloc(len - best_len + tl + 1);
    if (out == NULL) {
        *failed = true; /* not "no rule": the caller reports KG_ERR_NOMEM */
        return NULL;
    }
    memcpy(out, lower, len - best_len);
    memcpy(out + len - best_len, best->to, tl + 1);
    return out;
}

/* Makes room for n more bytes and a NUL in a growing buffer. */
static bool buf_reserve(char **buf, size_t len, size_t *cap, size_t n) {
    if (len + n + 2 > *cap) {
        size_t ncap = (*cap + n + 2) * 2;
        char *grown = realloc(*buf, ncap);
        if (grown == NULL)
            return false;
        *buf = grown;
        *cap = ncap;
    }
    return true;
}

/* Appends s to a growing buffer. */
static bool buf_add(char **buf, size_t *len, size_t *cap, const char *s, size_t n) {
    if (!buf_reserve(buf, *len, cap, n))
        return false;
    memcpy(*buf + *len, s, n);
    *len += n;
    (*buf)[*len] = '\0';
    return true;
}

/* Appends the text of token t as written (up to a NUL). */
static bool buf_add_token(char **buf, size_t *len, size_t *cap, const doc_state *ds,
                          const kx_token *t) {
    const char *s = ds->text + t->start;
    return buf_add(buf, len, cap, s, strnlen(s, t->end - t->start));
}

/* Appends lower-case word w re-cased like its model: all capitals, first
 * capital, or as is. */
static bool recase_add(char **buf, size_t *len, size_t *cap, const char *w, bool upper,
                       bool first_cap) {
    size_t wl = strlen(w), pos = 0, n = *len;
    /* a case mapping at most doubles a code point's bytes */
    if (!buf_reserve(buf, *len, cap, wl * 2 + 8))
        return false;
    bool first = true;
    while (pos < wl) {
        int32_t cp = kg_utf8_next(w, wl, &pos);
        if (cp < 0)
            continue;
        if (upper || (first_cap && first))
            cp = kg_cp_toupper(cp);
        else if (first_cap)
            cp = kg_cp_tolower(cp);
        first = false;
        n += kg_utf8_encode(cp, *buf + n);
    }
    *len = n;
    (*buf)[n] = '\0';
    return true;
}

/* Grammatical gender of a Russian noun from its dictionary form. */
static char ru_gender(const kx_entry *e) {
    if (e != NULL && e->gender != 0)
        return e->gender;
    if (e == NULL || e->lemma == NULL)
        return 'm';
    const char *l = e->lemma;
    if (ends_with(l, "ие") || ends_with(l, "ое") || ends_with(l, "о") || ends_with(l, "е"))
        return 'n';
    if (ends_with(l, "а") || ends_with(l, "я"))
        return 'f';
    return 'm';
}

static bool adjective_like(const char *lower) {
    /* not -ом/-ем (nouns in the instrumental: союзом) nor -ние/-тие (nouns:
     * подписание) */
    static const char *const endings[] = {"ая",  "яя",  "ой",  "ей",  "ую",  "юю", "ое", "ее",
                                          "ого", "его", "ому", "ему", "ым",  "им", "ый", "ий",
                                          "ые",  "ие",  "ых",  "их",  "ыми", "ими"};
    size_t len = strlen(lower);
    if (ends_with_n(lower, len, "ние") || ends_with_n(lower, len, "тие") ||
        ends_with_n(lower, len, "ений"))
        return false;
    for (size_t i = 0; i < sizeof endings / sizeof *endings; i++)
        if (ends_with_n(lower, len, endings[i]) && cp_count(lower, len) > 3)
            return true;
    return false;
}

/* Words that end a Russian genitive chain: prepositions and conjunctions. */
static bool chain_stop_ru(const kx_token *t) {
    return has(t, LX_FUNCTION | LX_AND | LX_BETWEEN | LX_WITH | LX_TITLE | LX_AUX | LX_SPEECH |
                      LX_SIGN | LX_MEET | LX_MONTH);
}

static bool genitive_like(const char *lower) {
    static const char *const endings[] = {"ов", "ев", "ей", "ых", "их", "ой", "ого", "его",
                                          "а",  "я",  "ы",  "и",  "ий", "ии", "ия"};
    size_t len = strlen(lower);
    for (size_t i = 0; i < sizeof endings / sizeof *endings; i++)
        if (ends_with_n(lower, len, endings[i]))
            return true;
    return false;
}

/* Russian organisation/agreement/event name in the nominative: preceding
 * adjectives agree with the head, the head takes its dictionary form, the
 * genitive tail stays.  In a sentence in capitals, words are lower-cased
 * except the first, places and short acronyms. */
static const char *ru_nominative(doc_state *ds, size_t t0, size_t head, size_t head_len,
                                 const kx_entry *entry, size_t t1) {
    char *buf = NULL;
    size_t len = 0, cap = 0;
    char gender = ru_gender(entry);
    const char *adj_kind = gender == 'f' ? "adj_f" : gender == 'n' ? "adj_n" : "adj_m";
    const char *result = NULL;
    for (size_t i = t0; i < t1; i++) {
        const kx_token *t = &ds->toks[i];
        if (i > t0 && t->space_before && !buf_add(&buf, &len, &cap, " ", 1))
            goto cleanup;
        bool ok;
        bool upper_src = t->upper && !ds->caps;
        bool cap_out = t->cap && (i == t0 || !ds->caps || phrase(t, LX_PLACE) ||
                                  (i > t0 && phrase(&ds->toks[i - 1], LX_PLACE)));
        if (ds->caps && t->upper && t->n_cp <= 3)
            upper_src = true;
        if (i == head && entry != NULL && entry->exact && head_len == 1) {
            ok = buf_add(&buf, &len, &cap, entry->lemma, strlen(entry->lemma)); /* ОсОО */
        } else if (i == head && entry != NULL && entry->lemma != NULL && head_len == 1) {
            ok = recase_add(&buf, &len, &cap, entry->lemma, upper_src, cap_out);
        } else if (i < head && t->script == SC_CYRILLIC && adjective_like(t->lower)) {
            bool failed = false;
            char *nom = apply_rules(ds->ex->lex, adj_kind, t->lower, 'a', NULL, &failed);
            if (failed)
                goto cleanup;
            if (nom != NULL && gender == 'm') {
                /* -ый after a velar or sibilant is spelt -ий. */
                size_t nl = strlen(nom);
                if (nl >= 4 && ends_with(nom, "ый")) {
                    int32_t before = cp_before(nom, nl - 4);
                    char enc[5] = {0};
                    kg_utf8_encode(before, enc);
                    if (in_list(ds->ex->lex, "soft_stems", enc))
                        memcpy(nom + nl - 4, "ий", 4);
                }
            }
            if (nom != NULL && gender == 'f') {
                /* -ей after ж, ч, ш, щ is hard: горнодобывающей → -ая, not -яя. */
                size_t nl = strlen(nom);
                if (nl >= 6 && ends_with(nom, "яя")) {
                    int32_t before = cp_before(nom, nl - 4);
                    if (before == 0x436 || before == 0x447 || before == 0x448 || before == 0x449)
                        memcpy(nom + nl - 4, "ая", 4);
                }
            }
            ok = recase_add(&buf, &len, &cap, nom != NULL ? nom : t->lower, upper_src, cap_out);
            free(nom);
        } else if (t->kind == TK_WORD) {
            ok = recase_add(&buf, &len, &cap, t->lower, upper_src, cap_out);
        } else {
            ok = buf_add_token(&buf, &len, &cap, ds, t);
        }
        if (!ok)
            goto cleanup;
    }
    if (buf != NULL)
        result = kg_strpool_intern(ds->ex->pool, buf, len);
cleanup:
    free(buf);
    return result;
}

/* A name written in capitals throughout: keep it only when the sentence is
 * not all capitals; otherwise title-case each word. */
static const char *title_case_span(doc_state *ds, size_t t0, size_t t1) {
    char *buf = NULL;
    size_t len = 0, cap = 0;
    const char *result = NULL;
    for (size_t i = t0; i < t1; i++) {
        const kx_token *t = &ds->toks[i];
        if (i > t0 && t->space_before && !buf_add(&buf, &len, &cap, " ", 1))
            goto cleanup;
        if (!(t->kind == TK_WORD ? recase_add(&buf, &len, &cap, t->lower, false, t->cap)
                                 : buf_add_token(&buf, &len, &cap, ds, t)))
            goto cleanup;
    }
    if (buf != NULL)
        result = kg_strpool_intern(ds->ex->pool, buf, len);
cleanup:
    free(buf);
    return result;
}

/* ---- organisations ------------------------------------------------------------------ */

/* English complement after "of"/"for": capitalised words, organisation
 * words, places, with "and" and commas inside when the name goes on.
 * Returns the end of the chunk (== j when there is none). */
static size_t en_chunk(const doc_state *ds, size_t j, size_t end) {
    size_t k = j, last = j;
    bool place_end = false;
    while (k < end) {
        const kx_token *t = &ds->toks[k];
        if (ds->owner[k] >= 0 || (!is_word(t) && !is_punct(t, ',') && !is_punct(t, '&')))
            break;
        if (phrase(t, LX_TITLE) || has(t, LX_ARTICLE | LX_CONNECTOR_OF | LX_AUX | LX_SIGN))
            break;
        if (has(t, LX_AND) || is_punct(t, ',')) {
            /* "Education and Science Workers": go on when a capitalised or
             * organisation word follows and it is not a new name. */
            if (k + 1 >= end)
                break;
            const kx_token *n = &ds->toks[k + 1];
            if (!is_word(n) || has(n, LX_ARTICLE) || ds->owner[k + 1] >= 0)
                break;
            if (phrase(n, LX_ORG_HEAD) && n->cap && !has(n, LX_ORG_MODIFIER))
                break;
            if (phrase(n, LX_PLACE) && place_end)
                break;
            if (is_punct(t, ',') && !(has(n, LX_ORG_MODIFIER) && n->cap))
                break;
            if (!(proper(ds, n) || has(n, LX_ORG_MODIFIER)))
                break;
            k++;
            continue;
        }
        if (phrase(t, LX_PLACE) && t->cap) {
            k += t->lx_len;
            last = k;
            place_end = true;
            /* a place ends the chunk unless an organisation word follows */
            if (k < end && is_word(&ds->toks[k]) &&
                (has(&ds->toks[k], LX_ORG_MODIFIER) || phrase(&ds->toks[k], LX_ORG_HEAD)))
                continue;
            break;
        }
        if (proper(ds, t) || has(t, LX_ORG_MODIFIER) || phrase(t, LX_ORG_HEAD)) {
            if (place_end && name_word(ds, t))
                break;
            if (surname_like(ds, t) && k + 1 < end && name_word(ds, &ds->toks[k + 1]))
                break;
            k++;
            last = k;
            place_end = false;
            continue;
        }
        break;
    }
    return last;
}

/* Russian genitive tail after a head: lower-case genitive words,
 * capitalised words (places, names of the body), acronyms. */
static size_t ru_chain(const doc_state *ds, size_t j, size_t end) {
    size_t k = j;
    bool place_end = false;
    while (k < end) {
        const kx_token *t = &ds->toks[k];
        if (ds->owner[k] >= 0 || !is_word(t) || t->script == SC_LATIN)
            break;
        if (chain_stop_ru(t) || phrase(t, LX_TITLE))
            break;
        if (phrase(t, LX_PLACE) && t->cap) {
            k += t->lx_len;
            place_end = true;
            continue;
        }
        if (t->upper && !ds->caps) {
            k++;
            continue;
        }
        if (t->cap && !ds->caps) {
            if (place_end || surname_like(ds, t))
                break;
            if (k + 1 < end && name_word(ds, t) && name_word(ds, &ds->toks[k + 1]) &&
                !phrase(&ds->toks[k + 1], LX_PLACE))
                break;
            k++;
            continue;
        }
        if (place_end && !phrase(t, LX_ORG_HEAD))
            break;
        if (genitive_like(t->lower) || phrase(t, LX_ORG_HEAD)) {
            k++;
            /* "работников образования и науки": "и" between two lower-case
             * genitives stays inside the name */
            if (k + 1 < end && has(&ds->toks[k], LX_AND) && ds->owner[k + 1] < 0 &&
                is_word(&ds->toks[k + 1]) && !ds->toks[k + 1].cap && !t->cap &&
                ds->toks[k + 1].script == SC_CYRILLIC && genitive_like(ds->toks[k + 1].lower) &&
                !adjective_like(ds->toks[k + 1].lower))
                k++;
            continue;
        }
        break;
    }
    return k;
}

/* The quote mark that closes the quotation opened at open, or s1. */
static size_t closing_quote(const doc_state *ds, size_t open, size_t s1) {
    size_t q = open + 1;
    while (q < s1 && !closes_quote(ds, q))
        q++;
    return q;
}

/* The end of a quoted name of at most max - 1 tokens opening at r (past its
 * closing mark), or r when none opens there, it is longer or taken. */
static size_t quoted_name_end(const doc_state *ds, size_t r, size_t s1, size_t max) {
    if (r + 1 >= s1 || !opens_quote(ds, r))
        return r;
    size_t q = closing_quote(ds, r, s1);
    return q < s1 && q - r <= max && free_range(ds, r, q + 1) ? q + 1 : r;
}

/* "the Federation" after "the Federation of Trade Unions of Kyrgyzstan": a
 * mention of that body, when exactly one body named so far has this head. */
static kg_status refer_back(doc_state *ds, size_t sent, size_t h, size_t head_len) {
    const kx_token *t = &ds->toks[h];
    bool capital = t->cap && h > ds->sents[sent].start;
    bool article = h > 0 && has(&ds->toks[h - 1], LX_ARTICLE);
    bool titled = h > 0 && phrase(&ds->toks[h - 1], LX_TITLE); /* "Председатель профсоюза" */
    if ((!capital && !article && !titled) || mentions_full(ds))
        return KG_OK; /* full: the scan below would find nothing to add */
    long found = -1;
    for (size_t i = 0; i < ds->n_ms; i++) {
        const mention *m = &ds->ms[i];
        if (m->type != KG_ENT_ORGANIZATION || m->head == NULL || m->head != t->stem)
            continue;
        if (found >= 0 && ds->ms[found].key != m->key)
            return KG_OK; /* two bodies with this head: ambiguous */
        found = (long)i;
    }
    if (found < 0)
        return KG_OK;
    const char *key = ds->ms[found].key, *name = ds->ms[found].name;
    mention *m;
    kg_status st = add_mention(ds, KG_ENT_ORGANIZATION, h, h + head_len, sent, name, &m);
    if (st == KG_OK && m != NULL) {
        m->key = key;
        m->coref = true;
    }
    return st;
}

static kg_status find_orgs_with_heads(doc_state *ds, size_t sent, size_t s0, size_t s1) {
    for (size_t h = s0; h < s1; h++) {
        const kx_token *t = &ds->toks[h];
        if (!phrase(t, LX_ORG_HEAD) || ds->owner[h] >= 0 || t->lx_head == NULL)
            continue;
        size_t head_len = t->lx_len;
        bool ru = t->script == SC_CYRILLIC;
        size_t l = h;
        /* left modifiers */
        while (l > s0) {
            const kx_token *p = &ds->toks[l - 1];
            if (ds->owner[l - 1] >= 0 || !is_word(p) || phrase(p, LX_TITLE) ||
                has(p, LX_FUNCTION | LX_ARTICLE | LX_AND | LX_SPEECH | LX_AUX))
                break;
            if (ru) {
                if (p->script != SC_CYRILLIC || !adjective_like(p->lower))
                    break;
            } else {
                if (p->upper && !ds->caps)
                    break;
                if (!(proper(ds, p) || has(p, LX_ORG_MODIFIER)))
                    break;
                if (name_word(ds, p) && l - 1 > s0 && name_word(ds, &ds->toks[l - 2]))
                    break; /* "Nurlan Abdiev Federation": a name, not a modifier */
            }
            l--;
        }
        size_t r = h + head_len;
        if (ru) {
            /* «Name» after the head belongs to it: профсоюз «Кыргызэнерго»;
             * so it does after the genitive words that describe the body:
             * Ассоциация работодателей «Нарын» */
            size_t q = quoted_name_end(ds, r, s1, 8);
            if (q == r && (q = ru_chain(ds, r, s1)) > r)
                q = quoted_name_end(ds, q, s1, 8);
            r = q;
        } else {
            while (r < s1 && is_word(&ds->toks[r]) && ds->owner[r] < 0 &&
                   (phrase(&ds->toks[r], LX_ORG_HEAD) ||
                    (has(&ds->toks[r], LX_ORG_MODIFIER) && ds->toks[r].cap)))
                r++;
            while (r + 1 < s1 && has(&ds->toks[r], LX_CONNECTOR_OF) && !ds->toks[r].cap) {
                size_t j = r + 1;
                if (has(&ds->toks[j], LX_ARTICLE))
                    j++;
                size_t c = en_chunk(ds, j, s1);
                if (c == j)
                    break;
                r = c;
            }
            /* the Trade Union "Kyrgyzenergo", as translations from Russian
             * put it: a capitalised quoted name after the head or its
             * complement */
            if (r + 1 < s1 && opens_quote(ds, r) && ds->toks[r + 1].cap)
                r = quoted_name_end(ds, r, s1, 8);
        }
        /* Capitalisation that makes it a name: a modifier before the head
         * (not the sentence's first word), the head noun itself, or a word of
         * the complement that is neither a place nor another body's head —
         * "trade unions of Belarus" and "centres of the Commonwealth of ..."
         * are descriptions, not names. */
        bool capital = false;
        size_t head_last = h + head_len - 1;
        for (size_t i = l; i < r; i++) {
            const kx_token *w = &ds->toks[i];
            /* a nested body's name ("of the Commonwealth of ...") lends the
             * outer description none of its capitals */
            if (i > head_last && w->cap && phrase(w, LX_ORG_HEAD | LX_KNOWN_ORG) && !ru)
                break;
            if (!(proper(ds, w) || (ds->caps && w->cap)))
                continue;
            if (i < h && i != s0)
                capital = true;
            else if (i == head_last)
                capital = true;
            else if (i > head_last && !phrase(w, LX_PLACE | LX_ORG_HEAD | LX_KNOWN_ORG) &&
                     !(i > 0 && phrase(&ds->toks[i - 1], LX_PLACE) && ds->toks[i - 1].lx_len > 1))
                capital = true;
        }
        if (ru && capital == false)
            for (size_t i = l; i < r; i++)
                if (i != s0 && (proper(ds, &ds->toks[i]) || (ds->caps && ds->toks[i].cap)))
                    capital = true;
        bool governed = l > s0 && phrase(&ds->toks[l - 1], LX_TITLE);
        if (!governed && l > s0 + 1 && has(&ds->toks[l - 1], LX_ARTICLE | LX_CONNECTOR_OF))
            governed = phrase(&ds->toks[l - 2], LX_TITLE) ||
                       (l > s0 + 2 && phrase(&ds->toks[l - 3], LX_TITLE));
        if (!capital && !(governed && (r - l > head_len || ru)))
            continue;
        /* A head alone ("the Federation", "Федерации", "Председатель
         * профсоюза") names no new body: it refers back to the one body of
         * the document so far with that head, if there is exactly one (and
         * names nothing otherwise: "председатель союза" is too generic). */
        if (r - l == head_len && l == h) {
            kg_status st = refer_back(ds, sent, h, head_len);
            if (st != KG_OK)
                return st;
            continue;
        }
        if (!ru) {
            /* "International Trade Union Forum": the event's name */
            if (r < s1 && phrase(&ds->toks[r], LX_EVENT | LX_AGREEMENT) && ds->toks[r].cap)
                continue;
            /* without an "of ..." complement, a name needs a word of its own
             * beyond nationality adjectives and organisation words:
             * "Tajik trade unions" and "Russian trade union federations" are
             * descriptions */
            bool complement = false, own = false;
            for (size_t i = l; i < r; i++) {
                const kx_token *w = &ds->toks[i];
                complement |= has(w, LX_CONNECTOR_OF) && i > h;
                own |= proper(ds, w) && !has(w, LX_ORG_MODIFIER | LX_NATIONALITY | LX_NOT_NAME) &&
                       !phrase(w, LX_ORG_HEAD);
            }
            bool known = ds->toks[l].lx_known != NULL && ds->toks[l].lx_len == r - l;
            if (!complement && !own && !known)
                continue;
        }
        /* "President of the Executive Council of X": the council is part of
         * the post; X is the body. */
        if (governed && phrase(t, LX_ORGAN) && !ru) {
            size_t k = h + head_len;
            if (k + 1 < r && has(&ds->toks[k], LX_CONNECTOR_OF)) {
                h = k;
                continue;
            }
        }
        const char *name = NULL;
        if (ru)
            name = ru_nominative(ds, l, h, head_len, t->lx_head, r);
        else if (ds->caps)
            name = title_case_span(ds, l, r);
        if (name == NULL && (ru || ds->caps))
            return KG_ERR_NOMEM; /* both give NULL only when out of memory */
        /* a body of the lexicon written out in full gets its official name */
        const kx_token *first = &ds->toks[l];
        const char *head_stem = t->stem;
        if (first->lx_known != NULL && first->lx_len == r - l)
            name = first->script == SC_CYRILLIC && first->lx_known->name_ru != NULL
                       ? first->lx_known->name_ru
                       : first->lx_known->name;
        mention *m;
        kg_status st = add_mention(ds, KG_ENT_ORGANIZATION, l, r, sent, name, &m);
        if (st != KG_OK)
            return st;
        if (m != NULL)
            m->head = head_stem;
        h = r - 1;
    }
    return KG_OK;
}

/* «Федерация Тверских профсоюзов», "Kyrgyzaltyn" in quotes after a head is
 * handled above; a whole quoted name that contains a head noun is one body. */
static kg_status find_quoted_orgs(doc_state *ds, size_t sent, size_t s0, size_t s1) {
    for (size_t i = s0; i + 2 < s1; i++) {
        if (!opens_quote(ds, i))
            continue;
        size_t open = i, q = closing_quote(ds, open, s1);
        if (q >= s1)
            continue;
        /* The closing quote opens nothing: with straight quotes, «"Naryn"
         * Aidar Osmonov met ... "Talas"» holds two names, not a third
         * between them. */
        i = q;
        if (open > s0 && phrase(&ds->toks[open - 1], LX_EVENT | LX_AGREEMENT))
            continue; /* the title of an event or agreement */
        /* «Федерация Тверских профсоюзов»: the head leads or is capitalised;
         * «No federation can solve ...» is a quotation */
        bool head = false;
        for (size_t k = open + 1; k < q; k++) {
            if (has(&ds->toks[k], LX_AUX) || ds->toks[k].kind == TK_PUNCT) {
                head = false;
                break;
            }
            if (phrase(&ds->toks[k], LX_ORG_HEAD) && (k == open + 1 || ds->toks[k].cap))
                head = true;
        }
        if (q - open > 10 || !head || !ds->toks[open + 1].cap || !free_range(ds, open + 1, q))
            continue;
        mention *m;
        kg_status st = add_mention(ds, KG_ENT_ORGANIZATION, open + 1, q, sent, NULL, &m);
        if (st != KG_OK)
            return st;
    }
    return KG_OK;
}

static kg_status find_known(doc_state *ds, size_t sent, size_t s0, size_t s1) {
    for (size_t i = s0; i < s1; i++) {
        const kx_token *t = &ds->toks[i];
        if (t->lx_known == NULL || !phrase(t, LX_KNOWN_ORG) || i + t->lx_len > s1 ||
            !free_range(ds, i, i + t->lx_len))
            continue;
        if (t->lx_len == 1 && i >= 2 && is_punct(&ds->toks[i - 1], '(') && ds->owner[i - 2] >= 0 &&
            ds->ms[ds->owner[i - 2]].type == KG_ENT_ORGANIZATION)
            continue; /* "(ITUC)" after a name: find_acronyms attaches it */
        const kx_entry *e = t->lx_known;
        const char *name = t->script == SC_CYRILLIC && e->name_ru != NULL ? e->name_ru : e->name;
        mention *m;
        kg_status st = add_mention(ds, KG_ENT_ORGANIZATION, i, i + t->lx_len, sent, name, &m);
        if (st != KG_OK)
            return st;
        if (m != NULL)
            m->is_acronym = t->lx_len == 1 && t->upper;
        i += t->lx_len - 1;
    }
    return KG_OK;
}

/* Acronyms: upper-case words of 2–10 letters that no list explains. */
static bool acronym_token(const doc_state *ds, const kx_token *t) {
    if (!is_word(t) || !t->upper || ds->caps)
        return false;
    size_t n = t->n_cp;
    if (n < 2 || n > 10)
        return false;
    if (phrase(t, LX_PLACE | LX_TITLE | LX_MONTH) || has(t, LX_FUNCTION | LX_MONTH))
        return false;
    /* Roman numerals are not names of bodies. */
    bool roman = true;
    for (size_t p = t->start; p < t->end; p++)
        if (strchr("IVXLCDM", ds->text[p]) == NULL)
            roman = false;
    return !roman;
}

static kg_status find_acronyms(doc_state *ds, size_t sent, size_t s0, size_t s1) {
    for (size_t i = s0; i < s1; i++) {
        const kx_token *t = &ds->toks[i];
        bool paren = i > s0 && is_punct(&ds->toks[i - 1], '(') && i + 1 < s1 &&
                     is_punct(&ds->toks[i + 1], ')');
        if (paren && ds->owner[i] < 0 && i >= 2 && ds->owner[i - 2] >= 0 && t->upper) {
            /* "Federation of Trade Unions of Kyrgyzstan (FTUK)" */
            mention *m = &ds->ms[ds->owner[i - 2]];
            if (m->type == KG_ENT_ORGANIZATION && m->t1 == i - 1) {
                m->acronym =
                    kg_strpool_intern(ds->ex->pool, ds->text + t->start, t->end - t->start);
                if (m->acronym == NULL)
                    return KG_ERR_NOMEM;
                ds->owner[i] = (long)(m - ds->ms);
                continue;
            }
        }
        if (ds->owner[i] >= 0 || !acronym_token(ds, t))
            continue;
        mention *m;
        kg_status st = add_mention(ds, KG_ENT_ORGANIZATION, i, i + 1, sent, NULL, &m);
        if (st != KG_OK)
            return st;
        if (m == NULL)
            continue;
        m->is_acronym = true;
        /* "FTUK (Federation of Trade Unions of Kyrgyzstan)" */
        if (i + 2 < s1 && is_punct(&ds->toks[i + 1], '(') && ds->owner[i + 2] >= 0) {
            mention *longer = &ds->ms[ds->owner[i + 2]];
            if (longer->type == KG_ENT_ORGANIZATION && longer != m && longer->acronym == NULL)
                longer->acronym = m->surface;
        }
    }
    return KG_OK;
}

/* ---- agreements and events --------------------------------------------------------------- */

/* Whether a token of the current sentence has one of the classes, alone or
 * as the start of a phrase. */
static bool sentence_has(const doc_state *ds, uint64_t cls) {
    return (ds->classes & cls) != 0;
}

static kg_status find_agreements_events(doc_state *ds, size_t sent, size_t s0, size_t s1) {
    bool signing = sentence_has(ds, LX_SIGN);
    bool happening = sentence_has(ds, LX_PARTICIPATE | LX_ORGANIZE | LX_HELD);
    for (size_t a = s0; a < s1; a++) {
        const kx_token *t = &ds->toks[a];
        bool agreement = phrase(t, LX_AGREEMENT);
        bool event = !agreement && phrase(t, LX_EVENT);
        if ((!agreement && !event) || ds->owner[a] >= 0)
            continue;
        bool ru = t->script == SC_CYRILLIC;
        if (phrase(t, LX_REFERENCE))
            continue; /* "the event": refers back (see topic), names nothing */
        /* English plurals ("the signed agreements") speak of agreements in
         * general unless capitalised into a name. */
        if (agreement && !ru && t->lx_len == 1 && ends_with(t->lower, "s") && !t->cap)
            continue;
        /* Russian plurals ("совместные семинары") likewise */
        if (ru && a > s0 && is_word(&ds->toks[a - 1]) &&
            (ends_with(ds->toks[a - 1].lower, "ые") || ends_with(ds->toks[a - 1].lower, "ие")) &&
            !ds->toks[a - 1].cap)
            continue;
        size_t head_len = t->lx_len, l = a, r = a + head_len;
        /* left modifiers: ordinals, capitalised words, agreement adjectives */
        while (l > s0) {
            const kx_token *p = &ds->toks[l - 1];
            if (ds->owner[l - 1] >= 0)
                break;
            bool ok;
            if (ru && event && is_word(p) && p->upper && ds->owner[l - 1] < 0 &&
                strspn(ds->text + p->start, "IVXLC") == p->end - p->start)
                ok = true;
            else if (ru)
                ok = is_word(p) && p->script == SC_CYRILLIC && adjective_like(p->lower) &&
                     !has(p, LX_FUNCTION | LX_AUX | LX_SIGN);
            else if (event && is_word(p) && p->upper && ds->owner[l - 1] < 0 &&
                     strspn(ds->text + p->start, "IVXLC") == p->end - p->start)
                ok = true; /* roman ordinals: "VIII Congress" */
            else
                ok = (is_word(p) && (proper(ds, p) || has(p, LX_AGREEMENT_MODIFIER)) &&
                      !has(p, LX_FUNCTION | LX_ARTICLE) && !phrase(p, LX_TITLE)) ||
                     (event && (p->kind == TK_NUM || (is_word(p) && ds->text[p->start] >= '0' &&
                                                      ds->text[p->start] <= '9')));
            if (!ok)
                break;
            l--;
        }
        /* "VIII Конгресс Всеобщей конфедерации профсоюзов": a body named
         * right after a Russian event head belongs to the event's name */
        if (ru && event && r < s1 && ds->owner[r] >= 0 &&
            ds->ms[ds->owner[r]].type == KG_ENT_ORGANIZATION && ds->ms[ds->owner[r]].t0 == r)
            r = ds->ms[ds->owner[r]].t1;
        /* right: "on cooperation", "of the X", "о сотрудничестве" */
        if (r + 1 < s1 &&
            (has(&ds->toks[r], LX_CONNECTOR_OF) || strcmp(ds->toks[r].lower, "о") == 0 ||
             strcmp(ds->toks[r].lower, "об") == 0)) {
            size_t j = r + 1;
            if (j < s1 && has(&ds->toks[j], LX_ARTICLE))
                j++;
            if (j < s1 && ds->owner[j] >= 0 && event) {
                /* "anniversary of the Confederation ...": the body's name is
                 * part of the event's */
                size_t k = j;
                while (k < s1 && ds->owner[k] == ds->owner[j])
                    k++;
                r = k;
            } else {
                size_t k = j, words = 0;
                while (k < s1 && words < 4 && is_word(&ds->toks[k]) && ds->owner[k] < 0 &&
                       !has(&ds->toks[k],
                            LX_AUX | LX_BETWEEN | LX_WITH | LX_BY | LX_SIGN | LX_ARTICLE) &&
                       !phrase(&ds->toks[k], LX_TITLE | LX_PLACE)) {
                    if (has(&ds->toks[k], LX_AND) && (k + 1 >= s1 || !is_word(&ds->toks[k + 1]) ||
                                                      has(&ds->toks[k + 1], LX_AUX | LX_ARTICLE)))
                        break;
                    if (has(&ds->toks[k], LX_CONNECTOR_OF | LX_FUNCTION) &&
                        !has(&ds->toks[k], LX_AND))
                        break;
                    k++;
                    words++;
                }
                if (k > j)
                    r = k;
            }
        }
        /* International Conference «Trade Unions and Labour Migration» */
        r = quoted_name_end(ds, r, s1, 12);
        bool bare = r - l == head_len;
        bool capital = false;
        for (size_t i = l; i < r; i++)
            capital |= proper(ds, &ds->toks[i]) && i != s0;
        if (agreement && !signing && !capital && !sentence_has(ds, LX_BETWEEN))
            continue;
        if (event && bare && !happening && !capital)
            continue;
        if (event && !capital && bare)
            continue; /* "the event" alone: nothing to name */
        const char *name = NULL;
        if (ru) {
            /* head in its dictionary form */
            size_t n = 0;
            const kx_entry *const *es =
                kx_lexicon_lookup(ds->ex->lex, t->stem, strlen(t->stem), &n);
            const kx_entry *e = NULL;
            for (size_t k = 0; k < n; k++)
                if (es[k]->cls & (LX_AGREEMENT | LX_EVENT))
                    e = es[k];
            name = ru_nominative(ds, l, a, head_len, e, r);
            if (name == NULL)
                return KG_ERR_NOMEM;
        }
        mention *m;
        kg_status st =
            add_mention(ds, agreement ? KG_ENT_AGREEMENT : KG_ENT_EVENT, l, r, sent, name, &m);
        if (st != KG_OK)
            return st;
        if (m != NULL)
            m->bare = bare;
        a = r - 1;
    }
    return KG_OK;
}

/* ---- places ------------------------------------------------------------------------------- */

static kg_status find_places(doc_state *ds, size_t sent, size_t s0, size_t s1) {
    for (size_t i = s0; i < s1; i++) {
        const kx_token *t = &ds->toks[i];
        if (t->lx_place == NULL || !phrase(t, LX_PLACE) || !t->cap || i + t->lx_len > s1 ||
            !free_range(ds, i, i + t->lx_len))
            continue;
        const kx_entry *e = t->lx_place;
        const char *name = t->script == SC_CYRILLIC && e->name_ru != NULL ? e->name_ru : e->name;
        mention *m;
        kg_status st = add_mention(ds, KG_ENT_PLACE, i, i + t->lx_len, sent, name, &m);
        if (st != KG_OK)
            return st;
        i += t->lx_len - 1;
    }
    return KG_OK;
}

/* ---- people ------------------------------------------------------------------------------- */

/* Case of a Russian name from what stands before it: a preposition, or a
 * title (possibly followed by the body it heads) in the same case. */
static char ru_context_case(const doc_state *ds, size_t p0, size_t s0) {
    size_t i = p0;
    while (i > s0 && is_punct(&ds->toks[i - 1], ','))
        i--;
    /* skip back over an organisation or place the person is "of" */
    while (i > s0 && ds->owner[i - 1] >= 0 &&
           (ds->ms[ds->owner[i - 1]].type == KG_ENT_ORGANIZATION ||
            ds->ms[ds->owner[i - 1]].type == KG_ENT_PLACE))
        i = ds->ms[ds->owner[i - 1]].t0;
    if (i == s0)
        return 0;
    const kx_token *t = &ds->toks[i - 1];
    static const char cases[] = {'i', 'g', 'd', 'p'};
    for (int c = 0; c < 4; c++)
        if (listed(&ds->cues[c], t))
            return cases[c];
    /* the title whose phrase ends right here, taken from its first word:
     * "заместитель председателя" is nominative though its last word is not */
    size_t ti = i;
    for (size_t k = i; k-- > s0 && i - k <= KX_MAX_PHRASE;)
        if (phrase(&ds->toks[k], LX_TITLE) && ds->toks[k].lx_title != NULL &&
            k + ds->toks[k].lx_len == i)
            ti = k;
    if (ti < i) {
        const kx_token *tt = &ds->toks[ti];
        static const char *const ends[] = {"title_ins", "title_gen", "title_dat"};
        static const char tc[] = {'i', 'g', 'd'};
        for (int c = 0; c < 3; c++) {
            size_t n = 0;
            const char *const *e = kx_lexicon_list(ds->ex->lex, ends[c], &n);
            for (size_t k = 0; k < n; k++)
                if (ends_with(tt->lower, e[k]) && strcmp(tt->lower, tt->lx_title->lemma) != 0)
                    return tc[c];
        }
    }
    return 0;
}

/* Nominative of a Russian personal name of words [p0, p1). */
static const char *ru_person_name(doc_state *ds, size_t p0, size_t p1, char gram_case) {
    size_t words[8], nw = 0;
    for (size_t i = p0; i < p1 && nw < 8; i++)
        if (is_word(&ds->toks[i]) && !(i + 1 < p1 && is_punct(&ds->toks[i + 1], '.')))
            words[nw++] = i;
    /* surname: the word that a surname rule changes (usually the last) */
    char *fixed[8] = {0};
    char found_case = 0;
    bool feminine = false, masculine = false, failed = false;
    for (size_t k = nw; k-- > 0;) {
        const kx_token *t = &ds->toks[words[k]];
        char c = 0;
        char *nom = apply_rules(ds->ex->lex, "surname", t->lower, gram_case, &c, &failed);
        if (nom != NULL) {
            fixed[k] = nom;
            found_case = c == 'a' ? gram_case : c;
            feminine = ends_with(nom, "а") || ends_with(nom, "ая");
            masculine = !feminine;
            break;
        }
    }
    if (found_case == 0)
        found_case = gram_case;
    /* first names follow the surname's case; only rules for its gender.
     * Without a case from the context, a feminine surname in -ой may be
     * any oblique case: the first name's own ending decides ("Марине
     * Сидоровой" is dative). */
    static const char oblique[] = "gidp";
    bool any_case = gram_case == 0 && feminine;
    for (size_t k = 0; k < nw; k++) {
        if (fixed[k] != NULL || found_case == 0 || (!masculine && !feminine))
            continue;
        const kx_token *t = &ds->toks[words[k]];
        if (surname_like(ds, t))
            continue;
        char *nom = NULL;
        for (size_t ci = 0; ci < (any_case ? sizeof oblique - 1 : 1) && nom == NULL; ci++) {
            char c = 0;
            nom = apply_rules(ds->ex->lex, "first_name", t->lower,
                              any_case ? oblique[ci] : found_case, &c, &failed);
            if (nom != NULL && (ends_with(nom, "а") || ends_with(nom, "я")) != feminine) {
                free(nom);
                nom = NULL;
            }
        }
        fixed[k] = nom;
    }
    char *buf = NULL;
    size_t len = 0, cap = 0, k = 0;
    const char *result = NULL;
    if (failed)
        goto cleanup;
    for (size_t i = p0; i < p1; i++) {
        const kx_token *t = &ds->toks[i];
        if (i > p0 && t->space_before && !buf_add(&buf, &len, &cap, " ", 1))
            goto cleanup;
        bool ok;
        if (k < nw && words[k] == i) {
            const char *base = fixed[k] != NULL ? fixed[k] : t->lower;
            ok = recase_add(&buf, &len, &cap, base, t->upper && !ds->caps, true);
            k++;
        } else if (is_word(t)) {
            ok = recase_add(&buf, &len, &cap, t->lower, false, true);
        } else {
            ok = buf_add_token(&buf, &len, &cap, ds, t);
        }
        if (!ok)
            goto cleanup;
    }
    if (buf != NULL)
        result = kg_strpool_intern(ds->ex->pool, buf, len);
cleanup:
    for (size_t i = 0; i < 8; i++)
        free(fixed[i]);
    free(buf);
    return result;
}

static kg_status find_people(doc_state *ds, size_t sent, size_t s0, size_t s1) {
    for (size_t i = s0; i < s1; i++) {
        if (ds->owner[i] >= 0)
            continue;
        size_t p0 = i, k = i, words = 0;
        bool initials = false;
        while (k < s1 && ds->owner[k] < 0) {
            if (initial_at(ds, k, s1)) {
                k += 2;
                initials = true;
                continue;
            }
            const kx_token *t = &ds->toks[k];
            if (name_word(ds, t) && !(t->upper && !ds->caps)) {
                k++;
                words++;
                continue;
            }
            if (ds->caps && is_word(t) && t->upper && words == 0 && initials) {
                k++;
                words++;
                continue;
            }
            /* particles inside a name: "Ould", "El", "bin" */
            if (words > 0 && is_word(t) && has(t, LX_PARTICLE) && k + 1 < s1 &&
                name_word(ds, &ds->toks[k + 1])) {
                k++;
                continue;
            }
            break;
        }
        if (words == 0)
            continue;
        /* «Decent Work in Central Asia»: a title in quotes, not a person */
        if (p0 > s0 && opens_quote(ds, p0 - 1)) {
            i = k > i ? k - 1 : i;
            continue;
        }
        size_t p1 = k;
        while (p1 > p0 && !is_word(&ds->toks[p1 - 1]))
            p1--;
        bool honorific = p0 > s0 && (has(&ds->toks[p0 - 1], LX_HONORIFIC) ||
                                     (p0 > s0 + 1 && is_punct(&ds->toks[p0 - 1], '.') &&
                                      has(&ds->toks[p0 - 2], LX_HONORIFIC)));
        bool ok = words >= 2 || initials || honorific;
        if (words == 1 && !initials && !honorific) {
            /* a lone capitalised word: a person only when it repeats a known
             * surname (resolved later) or is surname-shaped after a title */
            ok = surname_like(ds, &ds->toks[p0]) && p0 > s0 &&
                 (phrase(&ds->toks[p0 - 1], LX_TITLE) || has(&ds->toks[p0 - 1], LX_SPEECH));
        }
        if (words > (honorific ? 8u : 4u))
            ok = false;
        /* the first word of a sentence alone is too weak a signal */
        if (ok && words >= 2 && p0 == s0 && !initials && !surname_like(ds, &ds->toks[p0]) &&
            !surname_like(ds, &ds->toks[p1 - 1]) && !(p1 < s1 && has(&ds->toks[p1], LX_SPEECH)) &&
            !(p1 < s1 && is_punct(&ds->toks[p1], ',')))
            ok = false;
        if (!ok) {
            i = k > i ? k - 1 : i;
            continue;
        }
        const char *name = NULL;
        bool cyr = ds->toks[p0].script == SC_CYRILLIC || ds->toks[p1 - 1].script == SC_CYRILLIC;
        char gc = 0;
        if (cyr) {
            gc = ru_context_case(ds, p0, s0);
            name = ru_person_name(ds, p0, p1, gc);
        } else if (ds->caps) {
            name = title_case_span(ds, p0, p1);
        }
        if (name == NULL && (cyr || ds->caps))
            return KG_ERR_NOMEM; /* both give NULL only when out of memory */
        mention *m;
        kg_status st = add_mention(ds, KG_ENT_PERSON, p0, p1, sent, name, &m);
        if (st != KG_OK)
            return st;
        if (m != NULL)
            m->gram_case = gc;
        i = p1 - 1;
    }
    return KG_OK;
}

/* Whether a person's name reads as a woman's: its last word ends in -a or
 * -я (Светлана Муравьёва, Aigerim Zhaksylykova), as CIS names do. */
static bool feminine_name(const char *name) {
    const char *last = strrchr(name, ' ');
    last = last != NULL ? last + 1 : name;
    return ends_with(last, "a") || ends_with(last, "а") || ends_with(last, "я");
}

/* "he" / "she" ("он" / "она") in a sentence that names no person before
 * it: the one person named in the sentence before, when that sentence
 * names exactly one, of the pronoun's gender.  The pronoun becomes a
 * mention of that person (not an alias), so that rules can use it:
 * "Erlan Abdykarimov made a report.  After the session he met with
 * R. Nazarzoda." */
static kg_status find_pronouns(doc_state *ds, size_t sent, size_t s0, size_t s1) {
    if (sent == 0)
        return KG_OK;
    for (size_t i = s0; i < s1; i++) {
        const kx_token *t = &ds->toks[i];
        if (ds->owner[i] >= 0) {
            if (ds->ms[ds->owner[i]].type == KG_ENT_PERSON)
                return KG_OK; /* a person named first is the likelier antecedent */
            continue;
        }
        bool he = listed(&ds->he, t);
        bool she = !he && listed(&ds->she, t);
        if (!he && !she)
            continue;
        const mention *who = NULL;
        for (size_t k = ds->n_ms; k-- > 0;) {
            const mention *m = &ds->ms[k];
            if (m->sent >= sent)
                continue;
            if (m->sent + 1 < sent)
                break;
            if (m->type != KG_ENT_PERSON)
                continue;
            if (who != NULL && who->name != m->name)
                return KG_OK; /* two people: ambiguous */
            who = m;
        }
        if (who == NULL || feminine_name(who->name) != she)
            return KG_OK;
        mention *m;
        kg_status st = add_mention(ds, KG_ENT_PERSON, i, i + 1, sent, who->name, &m);
        if (st == KG_OK && m != NULL)
            m->coref = true;
        return st;
    }
    return KG_OK;
}

/* ---- relations ------------------------------------------------------------------------------ */

static kg_status add_rel(doc_state *ds, kg_relation_type type, size_t subj, size_t obj,
                         const char *role, const char *role_text, const char *rule,
                         double confidence) {
    if (subj == obj || ds->ms[subj].is_source || ds->ms[obj].is_source)
        return KG_OK;
    if (ds->n_rels == ds->cap_rels) {
        size_t cap = ds->cap_rels ? ds->cap_rels * 2 : 32;
        rel *grown = realloc(ds->rels, cap * sizeof *grown);
        if (grown == NULL)
            return KG_ERR_NOMEM;
        ds->rels = grown;
        ds->cap_rels = cap;
    }
    const mention *a = &ds->ms[subj], *b = &ds->ms[obj];
    rel *r = &ds->rels[ds->n_rels++];
    r->type = type;
    r->subj = subj;
    r->obj = obj;
    r->role = role;
    r->role_text = role_text;
    r->sent = a->sent > b->sent ? a->sent : b->sent;
    size_t t0 = a->t0 < b->t0 ? a->t0 : b->t0, t1 = a->t1 > b->t1 ? a->t1 : b->t1;
    r->start = ds->toks[t0].start;
    r->end = ds->toks[t1 - 1].end;
    r->rule = kg_strpool_cstr(ds->ex->pool, rule);
    r->confidence = confidence;
    return r->rule == NULL ? KG_ERR_NOMEM : KG_OK;
}

/* The written role: Russian titles in their dictionary form. */
static const char *role_text(doc_state *ds, size_t ti) {
    const kx_token *t = &ds->toks[ti];
    if (t->script == SC_CYRILLIC && t->lx_len == 1 && t->lx_title != NULL) {
        char *w = NULL;
        size_t len = 0, cap = 0;
        const char *p = recase_add(&w, &len, &cap, t->lx_title->lemma, false, true)
                            ? kg_strpool_intern(ds->ex->pool, w, len)
                            : NULL;
        free(w);
        return p;
    }
    if (ds->caps)
        return title_case_span(ds, ti, ti + t->lx_len);
    return intern_span(ds, ti, ti + t->lx_len);
}

/* Indices of mentions of a type within [s0, s1), in order. */
static size_t mentions_in(const doc_state *ds, size_t s0, size_t s1, kg_entity_type type,
                          size_t *out, size_t max) {
    size_t n = 0;
    for (size_t i = s0; i < s1 && n < max; i++) {
        long m = ds->owner[i];
        if (m >= 0 && ds->ms[m].type == type && ds->ms[m].t0 == i)
            out[n++] = (size_t)m;
    }
    return n;
}

/* The agreement (or event) the current sentence, [s0, s1), is about: one
 * named in it, else the last one named before in the document when the
 * sentence uses its noun. */
static long topic(const doc_state *ds, size_t s0, size_t s1, kg_entity_type type) {
    size_t found[4];
    if (mentions_in(ds, s0, s1, type, found, 1) == 1)
        return (long)found[0];
    uint64_t noun = type == KG_ENT_AGREEMENT ? LX_AGREEMENT : LX_EVENT;
    /* "Delegations from ... took part": the event the text is about */
    if (type == KG_ENT_EVENT && sentence_has(ds, LX_PARTICIPATE))
        noun |= LX_PARTICIPATE;
    if (!sentence_has(ds, noun))
        return -1;
    for (size_t m = ds->n_ms; m-- > 0;)
        if (ds->ms[m].type == type && ds->toks[ds->ms[m].t0].start < ds->toks[s0].start)
            return (long)m;
    return -1;
}

/* "Both Chairmen took part at the conference" ("оба председателя"): the
 * last two people named in the document so far with that post take part
 * in the event of the sentence.  Only when exactly two hold it. */
static kg_status both_holders(doc_state *ds, size_t sent, size_t s0, size_t s1) {
    if (!sentence_has(ds, LX_PARTICIPATE) || sentence_has(ds, LX_NOT_DONE))
        return KG_OK;
    for (size_t i = s0; i + 1 < s1; i++) {
        const kx_token *title = &ds->toks[i + 1];
        if (!listed(&ds->both, &ds->toks[i]) || !phrase(title, LX_TITLE) ||
            title->lx_title == NULL || title->lx_title->role == NULL)
            continue;
        long event = topic(ds, s0, s1, KG_ENT_EVENT);
        if (event < 0)
            return KG_OK;
        size_t who[3], n = 0;
        for (size_t r = ds->n_rels; r-- > 0 && n < 3;) {
            const rel *h = &ds->rels[r];
            if (h->type != KG_REL_HOLDS_POST || h->sent >= sent || h->role == NULL ||
                strcmp(h->role, title->lx_title->role) != 0)
                continue;
            bool seen = false;
            for (size_t k = 0; k < n; k++)
                seen |= ds->ms[who[k]].name == ds->ms[h->subj].name;
            if (!seen)
                who[n++] = h->subj;
        }
        if (n != 2)
            return KG_OK;
        for (size_t k = 0; k < n; k++) {
            kg_status st = add_rel(ds, KG_REL_PARTICIPATED_IN, who[k], (size_t)event, NULL, NULL,
                                   "participated_in.both_holders", 0.6);
            if (st != KG_OK)
                return st;
            /* the evidence is this sentence, where "Both Chairmen" stands */
            rel *r = &ds->rels[ds->n_rels - 1];
            r->sent = sent;
            r->start = ds->toks[i].start;
            r->end = ds->toks[s1 - 1].end;
        }
        return KG_OK;
    }
    return KG_OK;
}

/* ---- the rules ----------------------------------------------------------------------------------
 */

typedef struct rule_ctx {
    doc_state *ds;
    size_t sent, s0, s1;
    const kx_unit *units;
} rule_ctx;

/* Mentions an emitted end stands for: the captured mention units, or the
 * sentence's topic. */
static size_t end_mentions(const rule_ctx *rc, const kx_end *end, size_t *const *units,
                           const size_t *n, long *out, size_t max) {
    if (end->topic_type >= 0) {
        long t = topic(rc->ds, rc->s0, rc->s1, (kg_entity_type)end->topic_type);
        out[0] = t;
        return t >= 0 ? 1 : 0;
    }
    size_t k = 0;
    for (size_t i = 0; i < n[end->capture] && k < max; i++) {
        long m = rc->units[units[end->capture][i]].mention;
        if (m >= 0)
            out[k++] = m;
    }
    return k;
}

/* Whether the sentence already has a relation of this type with the same
 * subject (once == 1) or object (once == 2). */
static bool has_relation(const doc_state *ds, kg_relation_type type, size_t subj, size_t obj,
                         int once, size_t sent) {
    for (size_t r = 0; r < ds->n_rels; r++) {
        const rel *x = &ds->rels[r];
        if (x->type == type && x->sent == sent && (once == 1 ? x->subj == subj : x->obj == obj))
            return true;
    }
    return false;
}

static kg_status on_match(void *ctx, const kx_rule *rule, size_t *const *units, const size_t *n) {
    rule_ctx *rc = ctx;
    doc_state *ds = rc->ds;
    for (size_t e = 0; e < rule->n_emits; e++) {
        const kx_emit *em = &rule->emits[e];
        if (em->kind == KX_EMIT_ENTITY) {
            if (n[em->entity_capture] == 0)
                continue;
            const kx_unit *u = &rc->units[units[em->entity_capture][0]];
            if (u->mention >= 0 || !free_range(ds, u->t0, u->t1))
                continue;
            mention *m;
            kg_status st = add_mention(ds, em->entity, u->t0, u->t1, rc->sent, NULL, &m);
            if (st != KG_OK)
                return st;
            if (m != NULL)
                m->is_source = em->source;
            continue;
        }
        long subj[64], obj[64];
        size_t ns = end_mentions(rc, &em->subject, units, n, subj, 64);
        size_t no = end_mentions(rc, &em->object, units, n, obj, 64);
        const char *role = NULL, *rtext = NULL;
        if (em->role_first >= 0 && n[em->role_first] > 0) {
            size_t first = rc->units[units[em->role_first][0]].t0;
            const kx_token *t = &ds->toks[first];
            role = t->lx_title != NULL ? t->lx_title->role : NULL;
            if (em->role_last != em->role_first && n[em->role_last] > 0) {
                /* "President of the Executive Council": the span of both */
                size_t last = rc->units[units[em->role_last][n[em->role_last] - 1]].t1;
                rtext = intern_span(ds, first, last);
            } else {
                rtext = role_text(ds, first);
            }
            if (rtext == NULL)
                return KG_ERR_NOMEM; /* every branch above interns a non-empty span */
        }
        for (size_t a = 0; a < ns; a++)
            for (size_t b = 0; b < no; b++) {
                if (rule->once != 0 && has_relation(ds, em->relation, (size_t)subj[a],
                                                    (size_t)obj[b], rule->once, rc->sent))
                    continue;
                if (em->not_post_body &&
                    has_relation(ds, KG_REL_HOLDS_POST, 0, (size_t)subj[a], 2, rc->sent))
                    continue;
                kg_status st = add_rel(ds, em->relation, (size_t)subj[a], (size_t)obj[b], role,
                                       rtext, rule->id, rule->confidence);
                if (st != KG_OK)
                    return st;
            }
    }
    return KG_OK;
}

/* Runs one phase of the rules over sentence [s0, s1): entity rules after the
 * recognisers (so "Ирина Ковальчук сообщила" stays a person), relation rules
 * after them. */
static kg_status run_rules(doc_state *ds, size_t sent, size_t s0, size_t s1, bool entity_phase) {
    kx_unit *units = ds->units;
    size_t n = 0;
    for (size_t i = s0; i < s1; i++) {
        long m = ds->owner[i];
        if (m >= 0) {
            const mention *mm = &ds->ms[m];
            if (i == mm->t0) {
                units[n++] = (kx_unit){mm->t0, mm->t1, m, (int)mm->type};
                i = mm->t1 - 1;
            }
            /* a token owned outside the mention's span, such as "(FTUK)"
             * after its long form, is part of that mention: skip it and
             * its brackets */
            else if (n > 0 && units[n - 1].mention < 0 && is_punct(&ds->toks[units[n - 1].t0], '('))
                n--;
            if (i + 1 < s1 && ds->owner[i + 1] < 0 && is_punct(&ds->toks[i + 1], ')') &&
                !(i == mm->t1 - 1))
                i++;
            continue;
        }
        units[n++] = (kx_unit){i, i + 1, -1, -1};
    }
    rule_ctx rc = {ds, sent, s0, s1, units};
    return kx_rules_match(ds->ex->rules, ds->toks, units, n, ds->classes, entity_phase, on_match,
                          &rc);
}

/* ---- in-document coreference ------------------------------------------------------------------
 */

typedef struct group {
    kg_entity_type type;
    const char *key; /* pooled kg_text_key of the name */
    size_t first;    /* first mention */
} group;

/* ---- name cache ---------------------------------------------------------------
 *
 * Grouping derives strings from names: the matching key (kg_text_key), the
 * key of a person's last word, an organisation's initials.  Names recur from
 * document to document and each derived string depends on the name alone
 * (the initials on the lexicon too), so the extractor keeps them by pooled
 * name: pooled strings live as long as the pool, which outlives the
 * extractor.  At most KX_NAME_CACHE_MAX names are kept; beyond that the
 * strings are derived afresh, with the same results. */
#define KX_NAME_CACHE_MAX (1u << 16)

typedef struct name_forms {
    const char *name;     /* pooled; NULL: empty slot */
    const char *key;      /* pooled kg_text_key of the name; NULL: not derived yet */
    const char *surname;  /* pooled surname_key */
    const char *initials; /* pooled initials_of the key */
    uint64_t generation;  /* the lexicon's when initials was derived */
} name_forms;

struct kx_name_cache {
    name_forms *slots;
    size_t n_slots, used;
};

static void name_cache_free(struct kx_name_cache *nc) {
    if (nc == NULL)
        return;
    free(nc->slots);
    free(nc);
}

static const void *forms_key(const void *slot) {
    return ((const name_forms *)slot)->name;
}

static size_t forms_hash(const void *slot) {
    return kx_ptr_hash(((const name_forms *)slot)->name);
}

/* The slot of the pooled name, added when missing; *scratch (cleared) when
 * the cache is full; NULL when out of memory.  Valid until the next call. */
static name_forms *forms_of(kg_extractor *ex, const char *name, name_forms *scratch) {
    struct kx_name_cache *nc = ex->names;
    if (nc == NULL && (nc = ex->names = calloc(1, sizeof *nc)) == NULL)
        return NULL;
    size_t mask = nc->n_slots - 1, j = 0;
    if (nc->n_slots > 0)
        for (j = kx_ptr_hash(name) & mask; nc->slots[j].name != NULL; j = (j + 1) & mask)
            if (nc->slots[j].name == name)
                return &nc->slots[j];
    if (nc->used >= KX_NAME_CACHE_MAX) {
        *scratch = (name_forms){.name = name};
        return scratch;
    }
    if ((nc->used + 1) * 2 > nc->n_slots) {
        if (kx_table_grow((void **)&nc->slots, &nc->n_slots, sizeof *nc->slots, 1024, forms_key,
                          forms_hash) != KG_OK)
            return NULL;
        mask = nc->n_slots - 1;
        for (j = kx_ptr_hash(name) & mask; nc->slots[j].name != NULL; j = (j + 1) & mask)
            ;
    }
    nc->slots[j] = (name_forms){.name = name};
    nc->used++;
    return &nc->slots[j];
}

/* Pools s (a new string or NULL) and frees it; NULL when out of memory. */
static const char *pool_owned(doc_state *ds, char *s) {
    const char *p = s != NULL ? kg_strpool_cstr(ds->ex->pool, s) : NULL;
    free(s);
    return p;
}

/* Pooled kg_text_key of the pooled name; NULL when out of memory. */
static const char *name_key(doc_state *ds, const char *name) {
    name_forms scratch, *f = forms_of(ds->ex, name, &scratch);
    if (f != NULL && f->key == NULL)
        f->key = pool_owned(ds, kg_text_key(name, strlen(name)));
    return f != NULL ? f->key : NULL;
}

/* Last word of a person's name, as a key. */
static char *surname_key(const char *name) {
    const char *sp = strrchr(name, ' ');
    const char *dot = strrchr(name, '.');
    const char *last = sp != NULL ? sp + 1 : name;
    if (dot != NULL && dot + 1 > last)
        last = dot + 1;
    return kg_text_key(last, strlen(last));
}

/* Pooled surname_key of the pooled name; NULL when out of memory. */
static const char *name_surname(doc_state *ds, const char *name) {
    name_forms scratch, *f = forms_of(ds->ex, name, &scratch);
    if (f != NULL && f->surname == NULL)
        f->surname = pool_owned(ds, surname_key(name));
    return f != NULL ? f->surname : NULL;
}

/* *out: the initials (pooled) of the words of a name's key that are not
 * function words. */
static kg_status initials_of(doc_state *ds, const char *key, const char **out) {
    char ini[64];
    size_t n = 0, pos = 0, len = strlen(key);
    bool word_start = true;
    while (pos < len && n + 4 < sizeof ini) {
        size_t at = pos;
        int32_t cp = kg_utf8_next(key, len, &pos);
        if (cp == ' ') {
            word_start = true;
            continue;
        }
        if (!word_start)
            continue;
        word_start = false;
        size_t we = at;
        while (we < len && key[we] != ' ')
            we++;
        const char *stem = NULL, *lower = NULL;
        kg_status st = kx_word_forms(ds->ex, key + at, we - at, &lower, &stem);
        if (st != KG_OK)
            return st;
        size_t ne = 0;
        const kx_entry *const *es = kx_lexicon_lookup(ds->ex->lex, stem, strlen(stem), &ne);
        bool function = false;
        for (size_t k = 0; k < ne; k++)
            function |= (es[k]->cls & (LX_FUNCTION | LX_ARTICLE | LX_AND)) != 0;
        if (function)
            continue;
        n += kg_utf8_encode(cp, ini + n);
    }
    *out = kg_strpool_intern(ds->ex->pool, ini, n);
    return *out != NULL ? KG_OK : KG_ERR_NOMEM;
}

/* *match: acronym is made of the initials of the words of name that are
 * not function words (both pooled).  KG_ERR_NOMEM when out of memory. */
static kg_status initials_match(doc_state *ds, const char *acronym, const char *name, bool *match) {
    *match = false;
    const char *acr_key = name_key(ds, acronym), *key = name_key(ds, name);
    if (acr_key == NULL || key == NULL)
        return KG_ERR_NOMEM;
    uint64_t generation = kx_lexicon_generation(ds->ex->lex);
    name_forms scratch, *f = forms_of(ds->ex, name, &scratch);
    if (f == NULL)
        return KG_ERR_NOMEM;
    if (f->initials == NULL || f->generation != generation) {
        kg_status st = initials_of(ds, key, &f->initials);
        if (st != KG_OK)
            return st;
        f->generation = generation;
    }
    /* pooled in one pool: equal strings are equal pointers */
    *match = strlen(f->initials) > 1 && f->initials == acr_key;
    return KG_OK;
}

/* Surnames agree when equal or when one is the other plus a case ending of
 * at most three letters ("жумалиев" / "жумалиева" / "жумалиевым"). */
static bool same_surname(const char *a, const char *b) {
    size_t la = strlen(a), lb = strlen(b);
    if (la > lb) {
        const char *t = a;
        a = b;
        b = t;
        size_t tl = la;
        la = lb;
        lb = tl;
    }
    return la >= 4 && strncmp(a, b, la) == 0 && cp_count(b + la, lb - la) <= 3;
}

/* "K. Zhumaliev" and "Kanybek Zhumaliev": first letters agree when both
 * names have more than one part. */
static bool initials_agree(const char *a, const char *b) {
    const char *sa = strpbrk(a, " ."), *sb = strpbrk(b, " .");
    if (sa == NULL || sb == NULL)
        return true;
    size_t pa = 0, pb = 0;
    int32_t ca = kg_cp_tolower(kg_utf8_next(a, strlen(a), &pa));
    int32_t cb = kg_cp_tolower(kg_utf8_next(b, strlen(b), &pb));
    return ca == cb;
}

static kg_status group_mentions(doc_state *ds, group **out_groups, size_t *out_n) {
    for (size_t i = 0; i < ds->n_ms; i++) {
        mention *m = &ds->ms[i];
        if (m->type != KG_ENT_PERSON || m->surname != NULL)
            continue;
        if ((m->surname = name_surname(ds, m->name)) == NULL)
            return KG_ERR_NOMEM;
    }
    group *groups = calloc(ds->n_ms + 1, sizeof *groups);
    if (groups == NULL)
        return KG_ERR_NOMEM;
    size_t ng = 0;
    for (size_t i = 0; i < ds->n_ms; i++) {
        mention *m = &ds->ms[i];
        const char *key = m->key;
        if (m->type == KG_ENT_PERSON) {
            /* people by their name in the nominative: stems of personal names
             * are unreliable ("Шелестов" and "Шелестова" stem differently) */
            if ((key = name_key(ds, m->name)) == NULL) {
                free(groups);
                return KG_ERR_NOMEM;
            }
        }
        size_t g = ng;
        for (size_t j = 0; j < ng; j++)
            if (groups[j].type == m->type && groups[j].key == key) {
                g = j;
                break;
            }
        /* acronyms: defined next to a long form, or the long form's initials */
        if (g == ng && m->type == KG_ENT_ORGANIZATION && m->is_acronym) {
            for (size_t j = 0; j < i && g == ng; j++) {
                const mention *o = &ds->ms[j];
                if (o->type != KG_ENT_ORGANIZATION || o->is_acronym)
                    continue;
                bool match = o->acronym != NULL && strcmp(o->acronym, m->surface) == 0;
                if (!match && initials_match(ds, m->surface, o->name, &match) != KG_OK) {
                    free(groups);
                    return KG_ERR_NOMEM;
                }
                if (match)
                    g = o->group;
            }
        }
        /* "the International Federation" after "the International Federation
         * of Asian and African Trade Unions": a shortened name of one body */
        if (g == ng && m->type == KG_ENT_ORGANIZATION && !m->is_acronym) {
            size_t kl = strlen(key), hits = 0, hit = 0;
            for (size_t j = 0; j < ng; j++) {
                const char *other = groups[j].key;
                if (groups[j].type == KG_ENT_ORGANIZATION && strlen(other) > kl &&
                    strncmp(other, key, kl) == 0 && other[kl] == ' ' && hit != j + 1) {
                    hit = j + 1;
                    hits++;
                }
            }
            if (hits == 1 && strchr(key, ' ') != NULL)
                g = hit - 1;
        }
        /* "XV отчётно-выборная конференция" and "отчётно-выборная
         * конференция": one event, named with and without its ordinal */
        if (g == ng && (m->type == KG_ENT_EVENT || m->type == KG_ENT_AGREEMENT)) {
            size_t hits = 0, hit = 0, kl = strlen(key);
            for (size_t j = 0; j < ng; j++) {
                if (groups[j].type != m->type)
                    continue;
                const char *o = groups[j].key;
                size_t ol = strlen(o);
                bool contained =
                    (ol > kl && strcmp(o + ol - kl, key) == 0 && o[ol - kl - 1] == ' ') ||
                    (kl > ol && strcmp(key + kl - ol, o) == 0 && key[kl - ol - 1] == ' ');
                /* "VIII Конгресс" and "VIII Конгресс Всеобщей конфедерации
                 * профсоюзов": an event named without its complement */
                if (m->type == KG_ENT_EVENT)
                    contained = contained ||
                                (ol > kl && strncmp(o, key, kl) == 0 && o[kl] == ' ') ||
                                (kl > ol && strncmp(key, o, ol) == 0 && key[ol] == ' ');
                if (contained && hit != j + 1) {
                    hit = j + 1;
                    hits++;
                }
            }
            if (hits == 1)
                g = hit - 1;
        }
        /* agreements and events named by their noun alone: the last one */
        if (g == ng && m->bare) {
            for (size_t j = i; j-- > 0;)
                if (ds->ms[j].type == m->type) {
                    g = ds->ms[j].group;
                    break;
                }
        }
        /* people: "Ospanov", "K. Ospanov" → the full name seen before */
        if (g == ng && m->type == KG_ENT_PERSON) {
            size_t hits = 0, hit = SIZE_MAX;
            for (size_t j = 0; j < i; j++) {
                if (ds->ms[j].type != KG_ENT_PERSON || ds->ms[j].group == hit)
                    continue;
                if (same_surname(ds->ms[j].surname, m->surname) &&
                    initials_agree(ds->ms[j].name, m->name)) {
                    hit = ds->ms[j].group;
                    hits++;
                }
            }
            if (hits == 1)
                g = hit;
        }
        if (g == ng) {
            groups[ng].type = m->type;
            groups[ng].key = key;
            groups[ng].first = i;
            ng++;
        }
        m->group = g;
    }
    /* an acronym defined in parentheses after a later long form */
    for (size_t i = 0; i < ds->n_ms; i++) {
        mention *m = &ds->ms[i];
        if (m->acronym == NULL)
            continue;
        for (size_t j = 0; j < ds->n_ms; j++) {
            mention *a = &ds->ms[j];
            if (a->is_acronym && a->type == KG_ENT_ORGANIZATION && a->group != m->group &&
                strcmp(a->surface, m->acronym) == 0) {
                size_t from = a->group;
                for (size_t k = 0; k < ds->n_ms; k++)
                    if (ds->ms[k].group == from)
                        ds->ms[k].group = m->group;
            }
        }
    }
    *out_groups = groups;
    *out_n = ng;
    return KG_OK;
}

/* The name a group is known by: the most frequent normalised name, then the
 * longest, then the first seen; acronyms, and agreements or events named by
 * their noun alone, only when nothing else. */
static const char *group_name(const doc_state *ds, size_t g) {
    const char *best = NULL;
    size_t best_count = 0, best_len = 0;
    bool best_acr = true;
    for (size_t i = 0; i < ds->n_ms; i++) {
        const mention *m = &ds->ms[i];
        if (m->group != g)
            continue;
        size_t count = 0;
        for (size_t j = 0; j < ds->n_ms; j++)
            if (ds->ms[j].group == g && ds->ms[j].name == m->name)
                count++;
        size_t len = strlen(m->name);
        bool acr = (m->is_acronym && m->name == m->surface) || m->bare;
        bool better =
            best == NULL || (best_acr && !acr) ||
            (acr == best_acr && (count > best_count || (count == best_count && len > best_len)));
        if (better) {
            best = m->name;
            best_count = count;
            best_len = len;
            best_acr = acr;
        }
    }
    return best;
}

static const char *lang_of(const char *s) {
    size_t pos = 0, len = strlen(s);
    while (pos < len) {
        int32_t cp = kg_utf8_next(s, len, &pos);
        if (kg_cp_is_cyrillic(cp))
            return "ru";
    }
    return "en";
}

/* ---- the document ------------------------------------------------------------------------------
 */

static kg_status infer_parties(doc_state *ds) {
    /* whoever signed for a body makes that body a party */
    size_t n = ds->n_rels;
    for (size_t i = 0; i < n; i++) {
        if (ds->rels[i].type != KG_REL_SIGNED)
            continue;
        for (size_t j = 0; j < n; j++) {
            const rel *h = &ds->rels[j];
            if (h->type != KG_REL_HOLDS_POST ||
                ds->ms[h->subj].group != ds->ms[ds->rels[i].subj].group)
                continue;
            kg_status st = add_rel(ds, KG_REL_PARTY_TO, h->obj, ds->rels[i].obj, NULL, NULL,
                                   "party_to.signatory_post", 0.6);
            if (st != KG_OK)
                return st;
            /* evidence: the signing sentence */
            rel *r = &ds->rels[ds->n_rels - 1];
            r->sent = ds->rels[i].sent;
            r->start = ds->rels[i].start;
            r->end = ds->rels[i].end;
        }
    }
    return KG_OK;
}

/* ---- dates -------------------------------------------------------------------------------------
 */

/* Value of a token of digits only, or -1. */
static long number_of(const doc_state *ds, const kx_token *t) {
    if (t->kind != TK_NUM || t->end - t->start > 4)
        return -1;
    long v = 0;
    for (size_t p = t->start; p < t->end; p++) {
        if (ds->text[p] < '0' || ds->text[p] > '9')
            return -1;
        v = v * 10 + (ds->text[p] - '0');
    }
    return v;
}

/* The year the document is dated in: its date metadata, else a year in its
 * first two sentences (the dateline); 0 when unknown. */
static int document_year(const doc_state *ds) {
    const char *d = ds->doc->date;
    if (d != NULL && strlen(d) >= 4 && d[0] >= '1' && d[0] <= '2')
        return atoi(d);
    for (size_t s = 0; s < ds->n_sents && s < 2; s++)
        for (size_t i = ds->sents[s].start; i < ds->sents[s].end; i++) {
            long y = number_of(ds, &ds->toks[i]);
            if (y >= 1900 && y <= 2100)
                return (int)y;
            if (ds->toks[i].kind == TK_NUM && ds->toks[i].end - ds->toks[i].start == 10 &&
                ds->text[ds->toks[i].start + 4] == '-')
                return atoi(ds->text + ds->toks[i].start);
        }
    return 0;
}

/* A date at token i ("2021-08-19", "12 May 2024", "21-22 May", "May 12,
 * 2024", "13 июля"): writes ISO 8601 into out and returns the tokens it
 * spans, or 0. */
static size_t date_at(const doc_state *ds, size_t i, size_t s1, int year, char out[11]) {
    const kx_token *t = &ds->toks[i];
    int y = 0, m = 0, d = 0;
    size_t used = 0;
    if (t->kind == TK_NUM && t->end - t->start == 10 && ds->text[t->start + 4] == '-' &&
        ds->text[t->start + 7] == '-') {
        y = atoi(ds->text + t->start);
        m = atoi(ds->text + t->start + 5);
        d = atoi(ds->text + t->start + 8);
        used = 1;
    } else if (number_of(ds, t) >= 1 && number_of(ds, t) <= 31) {
        /* "12 May", "21-22 May" (one token: "21-22" keeps its first day) */
        size_t k = i + 1;
        d = (int)number_of(ds, t);
        if (k < s1 && (m = kx_lexicon_month(ds->ex->lex, ds->toks[k].lower)) > 0)
            used = 2;
    } else if (t->kind == TK_NUM && t->end - t->start <= 5 && i + 1 < s1) {
        /* "21-22 May" */
        d = atoi(ds->text + t->start);
        if ((m = kx_lexicon_month(ds->ex->lex, ds->toks[i + 1].lower)) > 0)
            used = 2;
    } else if ((m = kx_lexicon_month(ds->ex->lex, t->lower)) > 0 && t->cap && i + 1 < s1) {
        /* "May 12, 2024" — capitalised so that the modal "may" is no month */
        d = (int)number_of(ds, &ds->toks[i + 1]);
        if (d >= 1 && d <= 31)
            used = 2;
        if (used && i + 3 < s1 && is_punct(&ds->toks[i + 2], ',') &&
            number_of(ds, &ds->toks[i + 3]) >= 1900) {
            y = (int)number_of(ds, &ds->toks[i + 3]);
            used = 4;
        }
    }
    if (used == 2 && i + 2 < s1) {
        long yy = number_of(ds, &ds->toks[i + 2]);
        if (yy >= 1900 && yy <= 2100) {
            y = (int)yy;
            used = 3;
        }
    }
    if (used == 0 || m < 1 || m > 12 || d < 1 || d > 31)
        return 0;
    if (y == 0)
        y = year;
    if (y < 1900 || y > 2100)
        return 0;
    snprintf(out, 11, "%04d-%02d-%02d", y, m, d);
    return used;
}

/* The date nearest to mention m in its sentence, pooled, or NULL. */
static const char *mention_date(doc_state *ds, const mention *m, int year) {
    const kg_span *sp = &ds->sents[m->sent];
    const char *best = NULL;
    size_t best_dist = SIZE_MAX;
    for (size_t i = sp->start; i < sp->end; i++) {
        char iso[11];
        size_t used = date_at(ds, i, sp->end, year, iso);
        if (used == 0)
            continue;
        size_t dist = i >= m->t1 ? i - m->t1 : m->t0 - (i + used < m->t0 ? i + used : m->t0);
        if (dist < best_dist) {
            best = kg_strpool_cstr(ds->ex->pool, iso);
            best_dist = dist;
        }
        i += used - 1;
    }
    return best;
}

/* Whether the document says that entity s (an index of the output)
 * organised event o: the organiser of an event is not also listed among
 * its participants. */
static bool organized(const doc_state *ds, const size_t *index, size_t s, size_t o) {
    for (size_t i = 0; i < ds->n_rels; i++) {
        const rel *r = &ds->rels[i];
        if (r->type == KG_REL_ORGANIZED && index[ds->ms[r->subj].group] == s &&
            index[ds->ms[r->obj].group] == o)
            return true;
    }
    return false;
}

/* Writes the groups (entities) and relations into out. */
static kg_status emit(doc_state *ds, const group *groups, size_t ng, kg_doc_facts *out) {
    size_t *index = NULL;
    const char **sent_text = NULL;
    kg_status st = KG_OK;
    index = calloc(ng + 1, sizeof *index);
    sent_text = calloc(ds->n_sents + 1, sizeof *sent_text);
    if (index == NULL || sent_text == NULL) {
        st = KG_ERR_NOMEM;
        goto cleanup;
    }
    for (size_t g = 0; g < ng; g++) {
        const char *name = group_name(ds, g);
        if (name == NULL)
            continue; /* emptied when an acronym joined its long form */
        if ((st = kg_doc_facts_entity(out, groups[g].type, name, lang_of(name), &index[g])) !=
            KG_OK)
            goto cleanup;
        out->entities[index[g]].mentions = 0;
    }
    int year = document_year(ds);
    for (size_t i = 0; i < ds->n_ms; i++) {
        const mention *m = &ds->ms[i];
        size_t e = index[m->group];
        out->entities[e].mentions++;
        /* agreements and events: the first date read next to a mention */
        if ((m->type == KG_ENT_AGREEMENT || m->type == KG_ENT_EVENT) &&
            out->entities[e].date == NULL)
            out->entities[e].date = mention_date(ds, m, year);
        /* Aliases let other documents find the entity, so forms that would
         * also fit others stay out: a back reference ("the Federation") and
         * a surname alone ("Ospanov"). */
        bool weak = m->coref || (m->type == KG_ENT_PERSON && strchr(m->surface, ' ') == NULL &&
                                 strchr(m->surface, '.') == NULL);
        if (weak)
            continue;
        if ((st = kg_doc_facts_alias(out, e, m->surface)) != KG_OK ||
            (st = kg_doc_facts_alias(out, e, m->name)) != KG_OK)
            goto cleanup;
        if (m->acronym != NULL && (st = kg_doc_facts_alias(out, e, m->acronym)) != KG_OK)
            goto cleanup;
    }
    for (size_t i = 0; i < ds->n_rels; i++) {
        const rel *r = &ds->rels[i];
        size_t s = index[ds->ms[r->subj].group], o = index[ds->ms[r->obj].group];
        if (s == o || (r->type == KG_REL_PARTICIPATED_IN && organized(ds, index, s, o)))
            continue;
        if (sent_text[r->sent] == NULL) {
            const kg_span *sp = &ds->sents[r->sent];
            sent_text[r->sent] = intern_span(ds, sp->start, sp->end);
            if (sent_text[r->sent] == NULL) {
                st = KG_ERR_NOMEM;
                goto cleanup;
            }
        }
        kg_doc_relation dr = {0};
        dr.type = r->type;
        dr.subject = s;
        dr.object = o;
        dr.role = r->role;
        dr.role_text = r->role_text;
        dr.evidence.doc = out->doc_id;
        dr.evidence.sentence = r->sent;
        dr.evidence.start = r->start;
        dr.evidence.end = r->end;
        dr.evidence.text = sent_text[r->sent];
        dr.evidence.rule = r->rule;
        dr.evidence.confidence = r->confidence;
        if ((st = kg_doc_facts_relation(out, &dr)) != KG_OK)
            goto cleanup;
    }
cleanup:
    free(index);
    free(sent_text);
    return st;
}

void kg_extractor_set_limits(kg_extractor *extractor, const kg_limits *limits) {
    if (extractor != NULL && limits != NULL)
        extractor->limits = *limits;
}

kg_status kg_extract_document(kg_extractor *extractor, const kg_document *doc, kg_doc_facts *out) {
    doc_state ds = {0};
    bool cut_long = false;
    group *groups = NULL;
    size_t ng = 0;
    kg_status st;
    kg_doc_facts_clear(out);
    ds.ex = extractor;
    ds.doc = doc;
    ds.he = get_list(extractor->lex, "pronouns_masculine");
    ds.she = get_list(extractor->lex, "pronouns_feminine");
    ds.both = get_list(extractor->lex, "both");
    static const char *const cues[] = {"cue_ins", "cue_gen", "cue_dat", "cue_pre"};
    for (int c = 0; c < 4; c++)
        ds.cues[c] = get_list(extractor->lex, cues[c]);
    ds.suffixes = kx_lexicon_list_measured(extractor->lex, "surname_suffixes", &ds.n_suffixes,
                                           &ds.suffix_bytes, &ds.suffix_cps);
    ds.text = doc->text != NULL ? doc->text : "";
    ds.len = doc->text != NULL ? doc->len : 0;
    out->doc_id = doc->id;
    out->title = doc->title;
    out->date = doc->date;
    out->url = doc->url;
    out->n_bytes = ds.len;
    /* the language by the letters the tokeniser meets (kg_detect_lang's
     * answer without another pass over the text) */
    kx_letters letters;
    if ((st = kx_tokenize(extractor, ds.text, ds.len, &ds.toks, &ds.n_toks, &letters)) != KG_OK)
        goto cleanup;
    out->lang =
        doc->lang != NULL ? doc->lang : kg_strpool_cstr(extractor->pool, kx_lang_of(&letters));
    if (out->lang == NULL) {
        st = KG_ERR_NOMEM;
        goto cleanup;
    }
    if ((st = kx_sentences(ds.toks, ds.n_toks, extractor->limits.max_sentence_tokens, &ds.sents,
                           &ds.n_sents, &cut_long)) != KG_OK)
        goto cleanup;
    if (cut_long)
        ds.limits_hit |= KG_LIMIT_SENTENCE_TOKENS;
    out->n_sentences = ds.n_sents;
    ds.owner = malloc((ds.n_toks + 1) * sizeof *ds.owner);
    ds.quote = malloc(ds.n_toks + 1);
    ds.units = malloc((ds.n_toks + 1) * sizeof *ds.units);
    if (ds.owner == NULL || ds.quote == NULL || ds.units == NULL) {
        st = KG_ERR_NOMEM;
        goto cleanup;
    }
    for (size_t i = 0; i < ds.n_toks; i++)
        ds.owner[i] = -1;
    for (size_t s = 0; s < ds.n_sents; s++) {
        size_t s0 = ds.sents[s].start, s1 = ds.sents[s].end;
        size_t words = 0, uppers = 0;
        ds.classes = 0;
        for (size_t i = s0; i < s1; i++) {
            ds.classes |= ds.toks[i].word_cls | ds.toks[i].lx_cls;
            if (is_word(&ds.toks[i]) && ds.toks[i].n_cp > 1) {
                words++;
                uppers += ds.toks[i].upper;
            }
        }
        ds.caps = words >= 3 && uppers * 10 >= words * 8;
        pair_quotes(&ds, s0, s1);
        if ((st = find_quoted_orgs(&ds, s, s0, s1)) != KG_OK ||
            (st = find_orgs_with_heads(&ds, s, s0, s1)) != KG_OK ||
            (st = find_known(&ds, s, s0, s1)) != KG_OK ||
            (st = find_acronyms(&ds, s, s0, s1)) != KG_OK ||
            (st = find_agreements_events(&ds, s, s0, s1)) != KG_OK ||
            (st = find_places(&ds, s, s0, s1)) != KG_OK ||
            (st = find_people(&ds, s, s0, s1)) != KG_OK ||
            (st = find_pronouns(&ds, s, s0, s1)) != KG_OK ||
            (st = run_rules(&ds, s, s0, s1, true)) != KG_OK ||
            (st = run_rules(&ds, s, s0, s1, false)) != KG_OK ||
            (st = both_holders(&ds, s, s0, s1)) != KG_OK)
            goto cleanup;
    }
    /* groups first: parties are inferred through the posts of a group */
    if ((st = group_mentions(&ds, &groups, &ng)) != KG_OK || (st = infer_parties(&ds)) != KG_OK ||
        (st = emit(&ds, groups, ng, out)) != KG_OK)
        goto cleanup;
    out->limits_hit = ds.limits_hit;
cleanup:
    free(groups);
    free(ds.toks);
    free(ds.sents);
    free(ds.owner);
    free(ds.quote);
    free(ds.units);
    free(ds.ms);
    free(ds.rels);
    if (st != KG_OK)
        kg_doc_facts_clear(out);
    return st;
}

/* ---- lifecycle
 * ----------------------------------------------------------------------------------- */

kg_status kg_extractor_new(kg_extractor **out, kg_strpool *pool, kg_error *err) {
    kg_extractor *ex = calloc(1, sizeof *ex);
    if (ex == NULL)
        return KG_ERR_NOMEM;
    ex->pool = pool;
    ex->limits = (kg_limits)KG_LIMITS_DEFAULT;
    ex->stem_en = sb_stemmer_new("english", "UTF_8");
    ex->stem_ru = sb_stemmer_new("russian", "UTF_8");
    kg_status st = KG_OK;
    if (ex->stem_en == NULL || ex->stem_ru == NULL) {
        st = kg_error_set(err, KG_ERR_NOMEM, NULL, 0, 0, "cannot create the Snowball stemmers");
        goto fail;
    }
    if ((st = kx_lexicon_new(&ex->lex, ex, err)) != KG_OK)
        goto fail;
    size_t len = 0;
    const unsigned char *rules = kg_builtin_data("rules.json", &len);
    ex->rules = kx_rules_new();
    if (ex->rules == NULL) {
        st = KG_ERR_NOMEM;
        goto fail;
    }
    if (rules == NULL) {
        st = kg_error_set(err, KG_ERR_INTERNAL, "rules.json", 0, 0, "missing from the build");
        goto fail;
    }
    if ((st = kx_rules_load(ex->rules, ex, (const char *)rules, len, "rules.json (built in)",
                            err)) != KG_OK)
        goto fail;
    *out = ex;
    return KG_OK;
fail:
    kg_extractor_free(ex);
    return st;
}

/* Reads a whole (small) data file; caller frees *out. */
static kg_status read_data_file(const char *path, char **out, size_t *len, kg_error *err) {
    FILE *f = fopen(path, "rb");
    if (f == NULL)
        return kg_error_set(err, KG_ERR_INPUT, path, 0, 0, "%s", strerror(errno));
    char *buf = NULL;
    size_t n = 0, cap = 0;
    kg_status st = KG_OK;
    for (;;) {
        if (n + 4096 > cap) {
            char *grown = realloc(buf, cap = (cap + 4096) * 2);
            if (grown == NULL) {
                st = KG_ERR_NOMEM;
                break;
            }
            buf = grown;
        }
        size_t got = fread(buf + n, 1, cap - n, f);
        n += got;
        if (got == 0)
            break;
    }
    if (st == KG_OK && ferror(f))
        st = kg_error_set(err, KG_ERR_IO, path, 0, 0, "read error");
    fclose(f);
    if (st != KG_OK) {
        free(buf);
        return st;
    }
    *out = buf;
    *len = n;
    return KG_OK;
}

kg_status kg_extractor_add_rules(kg_extractor *extractor, const char *path, kg_error *err) {
    char *text = NULL;
    size_t len = 0;
    kg_status st = read_data_file(path, &text, &len, err);
    if (st == KG_OK)
        st = kx_rules_load(extractor->rules, extractor, text, len, path, err);
    free(text);
    return st;
}

kg_status kg_extractor_add_lexicon(kg_extractor *extractor, const char *path, kg_error *err) {
    char *text = NULL;
    size_t len = 0;
    kg_status st = read_data_file(path, &text, &len, err);
    if (st == KG_OK)
        st = kx_lexicon_add(extractor->lex, extractor, text, len, path, err);
    free(text);
    return st;
}

size_t kg_extractor_rule_count(const kg_extractor *extractor) {
    return extractor == NULL ? 0 : kx_rules_count(extractor->rules);
}

void kg_extractor_free(kg_extractor *extractor) {
    if (extractor == NULL)
        return;
    kx_lexicon_free(extractor->lex);
    kx_rules_free(extractor->rules);
    if (extractor->stem_en != NULL)
        sb_stemmer_delete(extractor->stem_en);
    if (extractor->stem_ru != NULL)
        sb_stemmer_delete(extractor->stem_ru);
    free(extractor->cache_keys);
    free(extractor->cache_vals);
    kx_word_cache_free(extractor->words);
    name_cache_free(extractor->names);
    free(extractor);
}
