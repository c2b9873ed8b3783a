/* kg_text.h — UTF-8 text utilities shared by every stage.
 *
 * Unicode work (normalisation, case folding, categories) is done by
 * utf8proc; transliteration of Cyrillic (Russian, Kazakh, Kyrgyz, ...)
 * to Latin uses the table in extract/data/translit.json compiled in.
 * Every function returning char * returns a new NUL-terminated string that
 * the caller frees with free(), or NULL when out of memory.
 */
#ifndef KG_TEXT_H
#define KG_TEXT_H

#include "kg_model.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* Decodes one multi-byte sequence at s[*pos]: the out-of-line half of
 * kg_utf8_next, which callers use. */
int32_t kg_utf8_next_multi(const char *s, size_t len, size_t *pos);

/* Decodes one code point at s[*pos] (len bytes in all), advancing *pos.
 * Invalid or truncated sequences (overlong forms, surrogates, > U+10FFFF)
 * yield -1 and advance by one byte.  Inline (C99 inline; kg_text.c holds the
 * external definition): ASCII and two-byte sequences (Cyrillic), nearly all
 * of the text kgraph reads, are decoded here; the rest by
 * kg_utf8_next_multi. */
inline int32_t kg_utf8_next(const char *s, size_t len, size_t *pos) {
    const unsigned char *u = (const unsigned char *)s;
    size_t i = *pos;
    if (i < len && u[i] < 0x80) {
        *pos = i + 1;
        return u[i];
    }
    if (i + 1 < len && u[i] >= 0xC2 && u[i] <= 0xDF && (u[i + 1] & 0xC0) == 0x80) {
        *pos = i + 2;
        return (int32_t)((u[i] & 0x1Fu) << 6 | (u[i + 1] & 0x3Fu));
    }
    return kg_utf8_next_multi(s, len, pos);
}

/* Encodes cp into buf (at least 4 bytes); returns the byte count (0 for an
 * invalid code point). */
size_t kg_utf8_encode(int32_t cp, char *buf);

/* Repairs text for processing: strips a leading BOM, replaces every invalid
 * byte sequence and NUL by U+FFFD, normalises CRLF and CR to LF, and NFC
 * normalises.  *n_invalid (may be NULL) receives the number of replaced
 * sequences and *first_invalid the byte offset of the first one in the
 * input.  Result and length in *out / *out_len; caller frees *out. */
kg_status kg_text_clean(const char *in, size_t len, char **out, size_t *out_len, size_t *n_invalid,
                        size_t *first_invalid);

/* NFC of s (len bytes, assumed valid UTF-8). */
char *kg_text_nfc(const char *s, size_t len);

/* Matching key: NFKC, case-folded, ё→е, й kept, quotes dropped, every other
 * non-letter/digit becomes one space, spaces collapsed and trimmed. */
char *kg_text_key(const char *s, size_t len);

/* ASCII transliteration: Cyrillic letters by the built-in table (Kazakh and
 * Kyrgyz letters included), other letters stripped of diacritics, anything
 * still outside ASCII dropped.  Case is kept. */
char *kg_text_translit(const char *s, size_t len);

/* IRI-safe slug: transliterated, lower case, runs of anything but [a-z0-9]
 * become one '-', trimmed, at most max_len bytes (cut at a '-' when
 * possible); "x" when nothing is left. */
char *kg_text_slug(const char *s, size_t len, size_t max_len);

/* Collapses runs of white space (Unicode Zs, tabs, newlines) to one ASCII
 * space and trims both ends. */
char *kg_text_squeeze(const char *s, size_t len);

/* ---- code point classes ------------------------------------------------------
 *
 * utf8proc is the authority.  ASCII and the Cyrillic block U+0400–U+052F
 * (Russian, Kazakh, Kyrgyz, ...), nearly every character of the news kgraph
 * reads, are answered inline from the code point itself; anything else goes
 * to utf8proc through kg_cp_class_other.  tests/test_text.c checks the inline
 * answers against utf8proc for every code point they cover.  The functions
 * are C99 inline; kg_text.c holds their external definitions. */

/* Bits of kg_cp_class_other. */
#define KG_CP_LETTER 1u /* categories L* */
#define KG_CP_UPPER 2u  /* Lu */
#define KG_CP_LOWER 4u  /* Ll */
#define KG_CP_DIGIT 8u  /* Nd */
#define KG_CP_SPACE 16u /* Zs, Zl, Zp, U+0085 */

/* The classes of a code point outside ASCII and Cyrillic, from utf8proc
 * (0 for an invalid code point). */
unsigned kg_cp_class_other(int32_t cp);

/* Cyrillic block U+0400–U+052F. */
inline bool kg_cp_is_cyrillic(int32_t cp) {
    return cp >= 0x0400 && cp <= 0x052F;
}

/* Cyrillic letters are everything in the block but U+0482..U+0489 (a sign
 * and combining marks). */
inline bool kg_cyr_is_letter(int32_t cp) {
    return cp < 0x0482 || cp > 0x0489;
}

/* Upper-case Cyrillic: А–Я and Ѐ–Џ, then pairs (upper case first) except
 * U+04C0 (palochka, upper case alone) and the run U+04C1–U+04CE, whose pairs
 * start on odd code points. */
inline bool kg_cyr_is_upper(int32_t cp) {
    if (cp < 0x0430)
        return true;
    if (cp < 0x0460 || !kg_cyr_is_letter(cp))
        return false;
    if (cp == 0x04C0)
        return true;
    if (cp > 0x04C0 && cp < 0x04CF)
        return (cp & 1) != 0;
    return (cp & 1) == 0 && cp != 0x04CF;
}

/* True when the code point is a letter (utf8proc categories L*). */
inline bool kg_cp_is_letter(int32_t cp) {
    if (cp < 0x80)
        return (cp >= 'a' && cp <= 'z') || (cp >= 'A' && cp <= 'Z');
    if (kg_cp_is_cyrillic(cp))
        return kg_cyr_is_letter(cp);
    return (kg_cp_class_other(cp) & KG_CP_LETTER) != 0;
}

inline bool kg_cp_is_upper(int32_t cp) {
    if (cp < 0x80)
        return cp >= 'A' && cp <= 'Z';
    if (kg_cp_is_cyrillic(cp))
        return kg_cyr_is_upper(cp);
    return (kg_cp_class_other(cp) & KG_CP_UPPER) != 0;
}

inline bool kg_cp_is_lower(int32_t cp) {
    if (cp < 0x80)
        return cp >= 'a' && cp <= 'z';
    if (kg_cp_is_cyrillic(cp))
        return kg_cyr_is_letter(cp) && !kg_cyr_is_upper(cp);
    return (kg_cp_class_other(cp) & KG_CP_LOWER) != 0;
}

inline bool kg_cp_is_digit(int32_t cp) {
    if (cp < 0x80)
        return cp >= '0' && cp <= '9';
    if (kg_cp_is_cyrillic(cp))
        return false;
    return (kg_cp_class_other(cp) & KG_CP_DIGIT) != 0;
}

/* ASCII white space (space, \t, \n, \r, \f, \v), Unicode Zs, Zl, Zp and
 * U+0085. */
inline bool kg_cp_is_space(int32_t cp) {
    if (cp < 0x80)
        return cp == ' ' || (cp >= '\t' && cp <= '\r');
    if (kg_cp_is_cyrillic(cp))
        return false;
    return (kg_cp_class_other(cp) & KG_CP_SPACE) != 0;
}

/* Simple (one code point) case mappings; other code points map to
 * themselves.  Outside ASCII and Cyrillic: utf8proc. */
int32_t kg_cp_tolower_other(int32_t cp);
int32_t kg_cp_toupper_other(int32_t cp);

inline int32_t kg_cp_tolower(int32_t cp) {
    if (cp < 0x80)
        return (cp >= 'A' && cp <= 'Z') ? cp + 32 : cp;
    if (kg_cp_is_cyrillic(cp)) {
        if (cp < 0x0410)
            return cp + 0x50;
        if (cp < 0x0430)
            return cp + 0x20;
        if (!kg_cyr_is_upper(cp))
            return cp;
        return cp == 0x04C0 ? 0x04CF : cp + 1;
    }
    return kg_cp_tolower_other(cp);
}

inline int32_t kg_cp_toupper(int32_t cp) {
    if (cp < 0x80)
        return (cp >= 'a' && cp <= 'z') ? cp - 32 : cp;
    if (kg_cp_is_cyrillic(cp)) {
        if (cp >= 0x0430 && cp < 0x0450)
            return cp - 0x20;
        if (cp >= 0x0450 && cp < 0x0460)
            return cp - 0x50;
        if (cp < 0x0460 || !kg_cyr_is_letter(cp) || kg_cyr_is_upper(cp))
            return cp;
        return cp == 0x04CF ? 0x04C0 : cp - 1;
    }
    return kg_cp_toupper_other(cp);
}

/* 64-bit FNV-1a of len bytes: used for content-derived ids and hash tables. */
uint64_t kg_hash64(const void *data, size_t len, uint64_t seed);

#ifdef __cplusplus
}
#endif

#endif /* KG_TEXT_H */
