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

/* Decodes one code point at s[*pos] (len bytes in all), advancing *pos.
 * Invalid or truncated sequences (overlong forms, surrogates, > U+10FFFF)
 * yield -1 and advance by one byte. */
int32_t kg_utf8_next(const char *s, size_t len, size_t *pos);

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

/* True when the code point is a letter (utf8proc categories L*). */
bool kg_cp_is_letter(int32_t cp);
bool kg_cp_is_upper(int32_t cp);
bool kg_cp_is_lower(int32_t cp);
bool kg_cp_is_digit(int32_t cp);
bool kg_cp_is_space(int32_t cp);
/* Cyrillic block U+0400–U+052F. */
bool kg_cp_is_cyrillic(int32_t cp);
int32_t kg_cp_tolower(int32_t cp);
int32_t kg_cp_toupper(int32_t cp);

/* 64-bit FNV-1a of len bytes: used for content-derived ids and hash tables. */
uint64_t kg_hash64(const void *data, size_t len, uint64_t seed);

#ifdef __cplusplus
}
#endif

#endif /* KG_TEXT_H */
