/* kg_text.c — UTF-8 decoding, cleaning, normalisation, keys, slugs and
 * transliteration.  Unicode tables come from utf8proc; the Cyrillic → Latin
 * table is extract/data/translit.json, compiled into the library and parsed
 * once on first use. */
#include "kg_text.h"

#include <jansson.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <utf8proc.h>

const unsigned char *kg_builtin_data(const char *name, size_t *len);

/* ---- growable byte buffer (file-local) ------------------------------------ */

typedef struct tbuf {
    char *data;
    size_t len, cap;
    int failed;
} tbuf;

static void tbuf_put(tbuf *b, const char *s, size_t n) {
    if (b->failed)
        return;
    if (b->len + n + 1 > b->cap) {
        size_t cap = b->cap < 64 ? 64 : b->cap;
        while (cap < b->len + n + 1)
            cap *= 2;
        char *p = realloc(b->data, cap);
        if (p == NULL) {
            b->failed = 1;
            return;
        }
        b->data = p;
        b->cap = cap;
    }
    memcpy(b->data + b->len, s, n);
    b->len += n;
    b->data[b->len] = '\0';
}

static void tbuf_cp(tbuf *b, int32_t cp) {
    char enc[4];
    size_t n = kg_utf8_encode(cp, enc);
    tbuf_put(b, enc, n);
}

/* Returns the finished string (never NULL on success, "" for nothing). */
static char *tbuf_finish(tbuf *b) {
    if (!b->failed && b->data == NULL)
        tbuf_put(b, "", 0);
    if (b->failed) {
        free(b->data);
        return NULL;
    }
    return b->data;
}

/* ---- UTF-8 ----------------------------------------------------------------- */

/* External definitions of the inline functions of kg_text.h. */
extern inline int32_t kg_utf8_next(const char *s, size_t len, size_t *pos);
extern inline bool kg_cp_is_cyrillic(int32_t cp);
extern inline bool kg_cyr_is_letter(int32_t cp);
extern inline bool kg_cyr_is_upper(int32_t cp);
extern inline bool kg_cp_is_letter(int32_t cp);
extern inline bool kg_cp_is_upper(int32_t cp);
extern inline bool kg_cp_is_lower(int32_t cp);
extern inline bool kg_cp_is_digit(int32_t cp);
extern inline bool kg_cp_is_space(int32_t cp);
extern inline int32_t kg_cp_tolower(int32_t cp);
extern inline int32_t kg_cp_toupper(int32_t cp);

int32_t kg_utf8_next_multi(const char *s, size_t len, size_t *pos) {
    const unsigned char *u = (const unsigned char *)s;
    size_t i = *pos;
    if (i >= len)
        return -1;
    unsigned c = u[i];
    if (c < 0x80) {
        *pos = i + 1;
        return (int32_t)c;
    }
    size_t need;
    int32_t cp, min;
    if (c >= 0xC2 && c <= 0xDF) {
        need = 1;
        cp = c & 0x1F;
        min = 0x80;
    } else if (c >= 0xE0 && c <= 0xEF) {
        need = 2;
        cp = c & 0x0F;
        min = 0x800;
    } else if (c >= 0xF0 && c <= 0xF4) {
        need = 3;
        cp = c & 0x07;
        min = 0x10000;
    } else {
        *pos = i + 1;
        return -1;
    }
    if (len - i <= need) {
        *pos = i + 1;
        return -1;
    }
    for (size_t k = 1; k <= need; k++) {
        unsigned cc = u[i + k];
        if ((cc & 0xC0) != 0x80) {
            *pos = i + 1;
            return -1;
        }
        cp = (cp << 6) | (int32_t)(cc & 0x3F);
    }
    if (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) {
        *pos = i + 1;
        return -1;
    }
    *pos = i + need + 1;
    return cp;
}

size_t kg_utf8_encode(int32_t cp, char *buf) {
    if (cp < 0 || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF))
        return 0;
    unsigned char *b = (unsigned char *)buf;
    if (cp < 0x80) {
        b[0] = (unsigned char)cp;
        return 1;
    }
    if (cp < 0x800) {
        b[0] = (unsigned char)(0xC0 | (cp >> 6));
        b[1] = (unsigned char)(0x80 | (cp & 0x3F));
        return 2;
    }
    if (cp < 0x10000) {
        b[0] = (unsigned char)(0xE0 | (cp >> 12));
        b[1] = (unsigned char)(0x80 | ((cp >> 6) & 0x3F));
        b[2] = (unsigned char)(0x80 | (cp & 0x3F));
        return 3;
    }
    b[0] = (unsigned char)(0xF0 | (cp >> 18));
    b[1] = (unsigned char)(0x80 | ((cp >> 12) & 0x3F));
    b[2] = (unsigned char)(0x80 | ((cp >> 6) & 0x3F));
    b[3] = (unsigned char)(0x80 | (cp & 0x3F));
    return 4;
}

/* ---- code point classes ------------------------------------------------------ */

unsigned kg_cp_class_other(int32_t cp) {
    if (cp < 0 || !utf8proc_codepoint_valid(cp))
        return 0;
    utf8proc_category_t c = utf8proc_category(cp);
    unsigned cls = 0;
    if (c >= UTF8PROC_CATEGORY_LU && c <= UTF8PROC_CATEGORY_LO)
        cls |= KG_CP_LETTER;
    if (c == UTF8PROC_CATEGORY_LU)
        cls |= KG_CP_UPPER;
    if (c == UTF8PROC_CATEGORY_LL)
        cls |= KG_CP_LOWER;
    if (c == UTF8PROC_CATEGORY_ND)
        cls |= KG_CP_DIGIT;
    if (c == UTF8PROC_CATEGORY_ZS || c == UTF8PROC_CATEGORY_ZL || c == UTF8PROC_CATEGORY_ZP ||
        cp == 0x85)
        cls |= KG_CP_SPACE;
    return cls;
}

int32_t kg_cp_tolower_other(int32_t cp) {
    return cp >= 0 && utf8proc_codepoint_valid(cp) ? utf8proc_tolower(cp) : cp;
}

int32_t kg_cp_toupper_other(int32_t cp) {
    return cp >= 0 && utf8proc_codepoint_valid(cp) ? utf8proc_toupper(cp) : cp;
}

uint64_t kg_hash64(const void *data, size_t len, uint64_t seed) {
    const unsigned char *p = data;
    uint64_t h = 1469598103934665603ULL ^ seed;
    /* byte by byte, as FNV-1a must (ids derive from it), four per turn of
     * the loop: this hashes every token and pooled string */
    size_t i = 0;
    for (; i + 4 <= len; i += 4) {
        h = (h ^ p[i]) * 1099511628211ULL;
        h = (h ^ p[i + 1]) * 1099511628211ULL;
        h = (h ^ p[i + 2]) * 1099511628211ULL;
        h = (h ^ p[i + 3]) * 1099511628211ULL;
    }
    for (; i < len; i++)
        h = (h ^ p[i]) * 1099511628211ULL;
    /* FNV mixes the high bits poorly; finish with a murmur-style avalanche so
     * the low bits are usable as a hash-table index. */
    h ^= h >> 33;
    h *= 0xff51afd7ed558ccdULL;
    h ^= h >> 33;
    h *= 0xc4ceb9fe1a85ec53ULL;
    h ^= h >> 33;
    return h;
}

/* ---- normalisation --------------------------------------------------------- */

/* Runs utf8proc_map with options over s; NULL on failure. */
/* Runs utf8proc_map with options over s; invalid UTF-8 is first repaired
 * (U+FFFD), so NULL means out of memory only. */
static char *map_utf8(const char *s, size_t len, utf8proc_option_t options) {
    utf8proc_uint8_t *out = NULL;
    utf8proc_ssize_t n =
        utf8proc_map((const utf8proc_uint8_t *)s, (utf8proc_ssize_t)len, &out, options);
    if (n >= 0)
        return (char *)out;
    if (n != UTF8PROC_ERROR_INVALIDUTF8)
        return NULL;
    tbuf b = {0};
    size_t pos = 0;
    while (pos < len) {
        size_t at = pos;
        int32_t cp = kg_utf8_next(s, len, &pos);
        if (cp <= 0)
            tbuf_cp(&b, 0xFFFD);
        else
            tbuf_put(&b, s + at, pos - at);
    }
    char *clean = tbuf_finish(&b);
    if (clean == NULL)
        return NULL;
    n = utf8proc_map((const utf8proc_uint8_t *)clean, (utf8proc_ssize_t)b.len, &out, options);
    free(clean);
    return n >= 0 ? (char *)out : NULL;
}

/* True when s is valid UTF-8 without NUL made only of code points that NFC
 * leaves alone wherever they stand (quick check Yes, combining class 0, never
 * the second of a composition): ASCII, Latin-1 to the IPA block, Cyrillic
 * but for its combining marks, general punctuation (not the U+2000/U+2001
 * singletons), currency signs (found with Python's unicodedata; and
 * tests/test_text.c checks that utf8proc's NFC leaves every one of them
 * unchanged next to characters it does change).  Such text, nearly all news in English and Russian,
 * is its own NFC: a copy, without utf8proc's decomposition and recomposition
 * (which took two thirds of the time of reading a corpus). */
static bool nfc_stable(const char *s, size_t len) {
    size_t pos = 0;
    while (pos < len) {
        unsigned char c = (unsigned char)s[pos];
        if (c != 0 && c < 0x80) {
            pos++;
            continue;
        }
        int32_t cp = kg_utf8_next(s, len, &pos);
        if (!((cp >= 0xA0 && cp < 0x300) || (cp >= 0x400 && cp < 0x483) ||
              (cp >= 0x48A && cp < 0x530) || (cp >= 0x2010 && cp < 0x2028) ||
              (cp >= 0x202F && cp < 0x2060) || (cp >= 0x20A0 && cp < 0x20C0)))
            return false;
    }
    return true;
}

char *kg_text_nfc(const char *s, size_t len) {
    if (len == 0)
        return strdup("");
    if (nfc_stable(s, len)) {
        char *copy = malloc(len + 1);
        if (copy != NULL) {
            memcpy(copy, s, len);
            copy[len] = '\0';
        }
        return copy;
    }
    return map_utf8(s, len, UTF8PROC_STABLE | UTF8PROC_COMPOSE);
}

kg_status kg_text_clean(const char *in, size_t len, char **out, size_t *out_len, size_t *n_invalid,
                        size_t *first_invalid) {
    tbuf b = {0};
    size_t bad = 0, first = 0, pos = 0;
    if (len >= 3 && memcmp(in, "\xEF\xBB\xBF", 3) == 0)
        pos = 3;
    while (pos < len) {
        /* Copy runs of plain ASCII at once: most text is mostly ASCII. */
        size_t run = pos;
        while (run < len && (unsigned char)in[run] < 0x80 && in[run] != '\r' && in[run] != '\0')
            run++;
        if (run > pos) {
            tbuf_put(&b, in + pos, run - pos);
            pos = run;
            continue;
        }
        size_t at = pos;
        int32_t cp = kg_utf8_next(in, len, &pos);
        if (cp == '\r') {
            tbuf_put(&b, "\n", 1);
            if (pos < len && in[pos] == '\n')
                pos++;
        } else if (cp < 0 || cp == 0) {
            if (bad == 0)
                first = at;
            bad++;
            tbuf_cp(&b, 0xFFFD);
        } else {
            tbuf_put(&b, in + at, pos - at);
        }
    }
    char *raw = tbuf_finish(&b);
    if (raw == NULL)
        return KG_ERR_NOMEM;
    char *nfc = kg_text_nfc(raw, b.len);
    free(raw);
    if (nfc == NULL)
        return KG_ERR_NOMEM;
    *out = nfc;
    if (out_len != NULL)
        *out_len = strlen(nfc);
    if (n_invalid != NULL)
        *n_invalid = bad;
    if (first_invalid != NULL)
        *first_invalid = first;
    return KG_OK;
}

/* Bytes that can start a white-space code point (kg_cp_is_space): ASCII
 * white space and five lead bytes (U+0085, U+00A0: C2; U+1680: E1;
 * U+2000–U+205F: E2; U+3000: E3).  A continuation byte is none of them, so
 * stepping over other bytes one at a time meets every code point that
 * decoding would. */
static const bool space_start[256] = {
    ['\t'] = true, ['\n'] = true, ['\v'] = true, ['\f'] = true, ['\r'] = true,
    [' '] = true,  [0xC2] = true, [0xE1] = true, [0xE2] = true, [0xE3] = true};

/* Byte length of the white-space code point at s[pos], or 0. */
static size_t space_len(const char *s, size_t len, size_t pos) {
    unsigned char c = (unsigned char)s[pos];
    if (!space_start[c])
        return 0;
    if (c < 0x80)
        return 1;
    size_t next = pos;
    int32_t cp = kg_utf8_next(s, len, &next);
    return cp >= 0 && kg_cp_is_space(cp) ? next - pos : 0;
}

char *kg_text_squeeze(const char *s, size_t len) {
    /* The result is never longer than s: one allocation, bytes copied as
     * they are, only bytes that can start white space looked at twice. */
    char *out = malloc(len + 1);
    if (out == NULL)
        return NULL;
    size_t pos = 0, n = 0;
    bool pending = false;
    while (pos < len) {
        size_t sp = space_len(s, len, pos);
        if (sp > 0) {
            pending = n > 0;
            pos += sp;
            continue;
        }
        if (pending)
            out[n++] = ' ';
        pending = false;
        do
            out[n++] = s[pos++];
        while (pos < len && !space_start[(unsigned char)s[pos]]);
    }
    out[n] = '\0';
    return out;
}

static bool is_quote(int32_t cp) {
    switch (cp) {
    case '"':
    case '\'':
    case 0x00AB: /* « */
    case 0x00BB: /* » */
    case 0x2018:
    case 0x2019:
    case 0x201A:
    case 0x201B:
    case 0x201C:
    case 0x201D:
    case 0x201E:
    case 0x201F:
    case 0x2039:
    case 0x203A:
    case 0x0060:
    case 0x00B4:
        return true;
    default:
        return false;
    }
}

/* Whether kg_text_key needs utf8proc's NFKC and case folding for s: not
 * when every code point is ASCII (but NUL) or a Cyrillic letter.  NFKC
 * changes none of those (no compatibility forms, no combining marks to
 * compose with), and their case folding is the simple lower-case mapping of
 * kg_cp_tolower; tests/test_text.c checks both against utf8proc. */
static bool key_needs_utf8proc(const char *s, size_t len) {
    size_t pos = 0;
    while (pos < len) {
        int32_t cp = kg_utf8_next(s, len, &pos);
        if (cp < 0x80 ? cp <= 0 : !(kg_cp_is_cyrillic(cp) && kg_cyr_is_letter(cp)))
            return true;
    }
    return false;
}

char *kg_text_key(const char *s, size_t len) {
    bool fold = key_needs_utf8proc(s, len);
    char *folded = NULL;
    if (fold) {
        folded = map_utf8(s, len,
                          UTF8PROC_STABLE | UTF8PROC_COMPOSE | UTF8PROC_COMPAT | UTF8PROC_CASEFOLD);
        if (folded == NULL)
            return NULL;
        s = folded;
        len = strlen(folded);
    }
    /* Never longer than its input: code points are kept or dropped, ё → е
     * and the lower-case mappings of the fast path keep their byte length,
     * and a space stands for at least one dropped byte. */
    char *out = malloc(len + 1);
    size_t pos = 0, n = 0;
    bool pending = false;
    while (out != NULL && pos < len) {
        int32_t cp = kg_utf8_next(s, len, &pos);
        if (cp < 0 || is_quote(cp))
            continue;
        if (!fold)
            cp = kg_cp_tolower(cp);
        if (cp == 0x0451) /* ё */
            cp = 0x0435;
        bool keep = kg_cp_is_letter(cp) || kg_cp_is_digit(cp);
        if (!keep && cp >= 0x80 && utf8proc_codepoint_valid(cp)) {
            utf8proc_category_t c = utf8proc_category(cp);
            keep = c == UTF8PROC_CATEGORY_MN || c == UTF8PROC_CATEGORY_MC;
        }
        if (!keep) {
            pending = n > 0;
            continue;
        }
        if (pending)
            out[n++] = ' ';
        pending = false;
        n += kg_utf8_encode(cp, out + n);
    }
    if (out != NULL)
        out[n] = '\0';
    free(folded);
    return out;
}

/* ---- transliteration ---------------------------------------------------------- */

typedef struct translit_entry {
    int32_t cp;
    char latin[8];
} translit_entry;

static translit_entry *translit_table;
static size_t translit_count;
static pthread_once_t translit_once = PTHREAD_ONCE_INIT;

static int cmp_translit(const void *a, const void *b) {
    int32_t x = ((const translit_entry *)a)->cp, y = ((const translit_entry *)b)->cp;
    return (x > y) - (x < y);
}

/* Parses the built-in table.  A broken table is a build defect, caught by the
 * tests; at run time it leaves transliteration to the diacritic stripper. */
static void translit_load(void) {
    size_t len = 0;
    const unsigned char *data = kg_builtin_data("translit.json", &len);
    if (data == NULL)
        return;
    json_t *root = json_loadb((const char *)data, len, 0, NULL);
    json_t *map = json_object_get(root, "map");
    size_t n = json_object_size(map);
    translit_entry *table = n > 0 ? calloc(n * 2, sizeof *table) : NULL;
    if (table == NULL) {
        json_decref(root);
        return;
    }
    size_t k = 0;
    const char *key;
    json_t *value;
    json_object_foreach(map, key, value) {
        size_t pos = 0;
        const char *latin = json_string_value(value);
        int32_t cp = kg_utf8_next(key, strlen(key), &pos);
        if (cp < 0 || latin == NULL || strlen(latin) >= sizeof table[k].latin)
            continue;
        table[k].cp = cp;
        snprintf(table[k].latin, sizeof table[k].latin, "%s", latin);
        k++;
        int32_t up = kg_cp_toupper(cp);
        if (up != cp) {
            table[k].cp = up;
            snprintf(table[k].latin, sizeof table[k].latin, "%s", latin);
            if (table[k].latin[0] >= 'a' && table[k].latin[0] <= 'z')
                table[k].latin[0] = (char)(table[k].latin[0] - 32);
            k++;
        }
    }
    json_decref(root);
    qsort(table, k, sizeof *table, cmp_translit);
    translit_table = table;
    translit_count = k;
}

static const char *translit_lookup(int32_t cp) {
    translit_entry probe = {cp, ""};
    const translit_entry *hit =
        bsearch(&probe, translit_table, translit_count, sizeof probe, cmp_translit);
    return hit != NULL ? hit->latin : NULL;
}

char *kg_text_translit(const char *s, size_t len) {
    pthread_once(&translit_once, translit_load);
    tbuf b = {0};
    size_t pos = 0;
    while (pos < len) {
        size_t at = pos;
        int32_t cp = kg_utf8_next(s, len, &pos);
        if (cp < 0)
            continue;
        if (cp < 0x80) {
            tbuf_put(&b, s + at, 1);
            continue;
        }
        const char *latin = translit_lookup(cp);
        if (latin != NULL) {
            /* An upper-case letter followed by upper case ("ЖАН") keeps the
             * whole digraph upper case ("ZHAN"). */
            if (kg_cp_is_upper(cp) && latin[0] != '\0' && latin[1] != '\0') {
                size_t peek = pos;
                int32_t next = kg_utf8_next(s, len, &peek);
                if (next >= 0 && kg_cp_is_upper(next)) {
                    for (const char *l = latin; *l != '\0'; l++) {
                        char c = (*l >= 'a' && *l <= 'z') ? (char)(*l - 32) : *l;
                        tbuf_put(&b, &c, 1);
                    }
                    continue;
                }
            }
            tbuf_put(&b, latin, strlen(latin));
            continue;
        }
        /* Everything else: decompose and keep the ASCII base letters
         * ("é" → "e"); what has no ASCII base is dropped. */
        utf8proc_int32_t dec[8];
        utf8proc_ssize_t n = utf8proc_decompose_char(
            cp, dec, 8, UTF8PROC_DECOMPOSE | UTF8PROC_COMPAT | UTF8PROC_STRIPMARK, NULL);
        for (utf8proc_ssize_t k = 0; k < n && k < 8; k++)
            if (dec[k] < 0x80)
                tbuf_cp(&b, dec[k]);
            else if (kg_cp_is_space(dec[k]))
                tbuf_put(&b, " ", 1);
    }
    return tbuf_finish(&b);
}

char *kg_text_slug(const char *s, size_t len, size_t max_len) {
    char *ascii = kg_text_translit(s, len);
    if (ascii == NULL)
        return NULL;
    tbuf b = {0};
    int dash = 0;
    for (const char *p = ascii; *p != '\0'; p++) {
        char c = *p;
        if (c >= 'A' && c <= 'Z')
            c = (char)(c + 32);
        if ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9')) {
            if (dash && b.len > 0)
                tbuf_put(&b, "-", 1);
            dash = 0;
            tbuf_put(&b, &c, 1);
        } else if (c != '\'') {
            dash = 1;
        }
    }
    free(ascii);
    char *slug = tbuf_finish(&b);
    if (slug == NULL)
        return NULL;
    size_t n = strlen(slug);
    if (max_len > 0 && n > max_len) {
        size_t cut = max_len;
        while (cut > max_len / 2 && slug[cut] != '-')
            cut--;
        if (slug[cut] != '-')
            cut = max_len;
        slug[cut] = '\0';
        n = cut;
        while (n > 0 && slug[n - 1] == '-')
            slug[--n] = '\0';
    }
    if (n == 0) {
        free(slug);
        return strdup("x");
    }
    return slug;
}
