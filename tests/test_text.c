/* test_text.c — UTF-8 decoding, text cleaning, matching keys, transliteration
 * and slugs (kg_text.h), and the string pool, error, vocabulary and
 * per-document fact helpers of kg_model.h. */
#include "kg_model.h"
#include "kg_text.h"

#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <utf8proc.h>

/* ---- helpers ---------------------------------------------------------------- */

/* Decodes the first code point of a byte string of n bytes; *next receives
 * the position after it. */
static int32_t decode_first(const char *s, size_t n, size_t *next) {
    size_t pos = 0;
    int32_t cp = kg_utf8_next(s, n, &pos);
    *next = pos;
    return cp;
}

/* kg_text_clean over n bytes; the result must be freed by the caller. */
static char *clean(const char *in, size_t n, size_t *out_len, size_t *n_invalid,
                   size_t *first_invalid) {
    char *out = NULL;
    size_t len = 0;
    ck_assert_int_eq(kg_text_clean(in, n, &out, &len, n_invalid, first_invalid), KG_OK);
    ck_assert_ptr_nonnull(out);
    ck_assert_uint_eq(strlen(out), len);
    if (out_len != NULL)
        *out_len = len;
    return out;
}

/* Applies one of the string → new string functions and compares with want. */
static void check_key(const char *in, const char *want) {
    char *got = kg_text_key(in, strlen(in));
    ck_assert_ptr_nonnull(got);
    ck_assert_str_eq(got, want);
    free(got);
}

static void check_translit(const char *in, const char *want) {
    char *got = kg_text_translit(in, strlen(in));
    ck_assert_ptr_nonnull(got);
    ck_assert_str_eq(got, want);
    free(got);
}

static void check_slug(const char *in, size_t max_len, const char *want) {
    char *got = kg_text_slug(in, strlen(in), max_len);
    ck_assert_ptr_nonnull(got);
    ck_assert_str_eq(got, want);
    free(got);
}

/* ---- kg_utf8_next / kg_utf8_encode --------------------------------------------- */

START_TEST(test_utf8_next_decodes_one_to_four_byte_sequences) {
    const char *s = "A\xC3\xA9\xD0\x96\xE2\x82\xAC\xF0\x9F\x8E\x89";
    size_t len = strlen(s), pos = 0;
    ck_assert_int_eq(kg_utf8_next(s, len, &pos), 'A');
    ck_assert_uint_eq(pos, 1);
    ck_assert_int_eq(kg_utf8_next(s, len, &pos), 0xE9); /* é */
    ck_assert_uint_eq(pos, 3);
    ck_assert_int_eq(kg_utf8_next(s, len, &pos), 0x416); /* Ж */
    ck_assert_uint_eq(pos, 5);
    ck_assert_int_eq(kg_utf8_next(s, len, &pos), 0x20AC); /* € */
    ck_assert_uint_eq(pos, 8);
    ck_assert_int_eq(kg_utf8_next(s, len, &pos), 0x1F389); /* 🎉 */
    ck_assert_uint_eq(pos, 12);
    /* at the end: -1 */
    ck_assert_int_eq(kg_utf8_next(s, len, &pos), -1);
}
END_TEST

START_TEST(test_utf8_next_rejects_overlong_form_and_advances_one_byte) {
    size_t next = 0;
    ck_assert_int_eq(decode_first("\xC0\x80", 2, &next), -1);
    ck_assert_uint_eq(next, 1);
    ck_assert_int_eq(decode_first("\xC1\xBF", 2, &next), -1);
    ck_assert_uint_eq(next, 1);
    /* three-byte overlong '/' */
    ck_assert_int_eq(decode_first("\xE0\x80\xAF", 3, &next), -1);
    ck_assert_uint_eq(next, 1);
    /* four-byte overlong of U+FFFF */
    ck_assert_int_eq(decode_first("\xF0\x8F\xBF\xBF", 4, &next), -1);
    ck_assert_uint_eq(next, 1);
}
END_TEST

START_TEST(test_utf8_next_rejects_surrogates) {
    size_t next = 0;
    ck_assert_int_eq(decode_first("\xED\xA0\x80", 3, &next), -1); /* U+D800 */
    ck_assert_uint_eq(next, 1);
    ck_assert_int_eq(decode_first("\xED\xBF\xBF", 3, &next), -1); /* U+DFFF */
    ck_assert_uint_eq(next, 1);
    /* the code points on either side are fine */
    ck_assert_int_eq(decode_first("\xED\x9F\xBF", 3, &next), 0xD7FF);
    ck_assert_uint_eq(next, 3);
    ck_assert_int_eq(decode_first("\xEE\x80\x80", 3, &next), 0xE000);
    ck_assert_uint_eq(next, 3);
}
END_TEST

START_TEST(test_utf8_next_rejects_truncated_sequences) {
    size_t next = 0;
    ck_assert_int_eq(decode_first("\xC3", 1, &next), -1);
    ck_assert_uint_eq(next, 1);
    ck_assert_int_eq(decode_first("\xE2\x82", 2, &next), -1);
    ck_assert_uint_eq(next, 1);
    ck_assert_int_eq(decode_first("\xF0\x9F\x8E", 3, &next), -1);
    ck_assert_uint_eq(next, 1);
    /* a length that cuts a valid sequence short counts as truncated too */
    ck_assert_int_eq(decode_first("\xE2\x82\xAC", 2, &next), -1);
    ck_assert_uint_eq(next, 1);
    /* a lead byte followed by a non-continuation byte */
    ck_assert_int_eq(decode_first("\xC3"
                                  "A",
                                  2, &next),
                     -1);
    ck_assert_uint_eq(next, 1);
    /* a lone continuation byte */
    ck_assert_int_eq(decode_first("\x80", 1, &next), -1);
    ck_assert_uint_eq(next, 1);
}
END_TEST

START_TEST(test_utf8_next_rejects_code_points_above_10ffff) {
    size_t next = 0;
    ck_assert_int_eq(decode_first("\xF4\x8F\xBF\xBF", 4, &next), 0x10FFFF);
    ck_assert_uint_eq(next, 4);
    ck_assert_int_eq(decode_first("\xF4\x90\x80\x80", 4, &next), -1); /* U+110000 */
    ck_assert_uint_eq(next, 1);
    ck_assert_int_eq(decode_first("\xF5\x80\x80\x80", 4, &next), -1);
    ck_assert_uint_eq(next, 1);
    ck_assert_int_eq(decode_first("\xFF", 1, &next), -1);
    ck_assert_uint_eq(next, 1);
}
END_TEST

/* The inline two-byte path of kg_utf8_next against the general decoder, for
 * every lead byte and second byte, with the second byte in or past len. */
START_TEST(test_utf8_next_inline_path_agrees_with_general_decoder) {
    for (unsigned b0 = 0; b0 < 256; b0++) {
        for (unsigned b1 = 0; b1 < 256; b1++) {
            const char s[3] = {(char)b0, (char)b1, 0};
            for (size_t len = 1; len <= 2; len++) {
                size_t p1 = 0, p2 = 0;
                ck_assert_int_eq(kg_utf8_next(s, len, &p1), kg_utf8_next_multi(s, len, &p2));
                ck_assert_uint_eq(p1, p2);
            }
        }
    }
}
END_TEST

/* ASCII and Cyrillic code points are classed and case-mapped inline: the
 * answers must be utf8proc's. */
START_TEST(test_cp_inline_classes_agree_with_utf8proc) {
    for (int32_t cp = 0; cp <= 0x52F; cp = cp == 0x7F ? 0x400 : cp + 1) {
        utf8proc_category_t c = utf8proc_category(cp);
        ck_assert_int_eq(kg_cp_is_letter(cp),
                         c >= UTF8PROC_CATEGORY_LU && c <= UTF8PROC_CATEGORY_LO);
        ck_assert_int_eq(kg_cp_is_upper(cp), c == UTF8PROC_CATEGORY_LU);
        ck_assert_int_eq(kg_cp_is_lower(cp), c == UTF8PROC_CATEGORY_LL);
        ck_assert_int_eq(kg_cp_is_digit(cp), c == UTF8PROC_CATEGORY_ND);
        ck_assert_int_eq(kg_cp_is_space(cp), (kg_cp_class_other(cp) & KG_CP_SPACE) != 0 ||
                                                 cp == ' ' || (cp >= '\t' && cp <= '\r'));
        ck_assert_int_eq(kg_cp_tolower(cp), utf8proc_tolower(cp));
        ck_assert_int_eq(kg_cp_toupper(cp), utf8proc_toupper(cp));
    }
    ck_assert(!kg_cp_is_letter(-1));
    ck_assert_int_eq(kg_cp_tolower(-1), -1);
}
END_TEST

START_TEST(test_utf8_encode_round_trips_and_rejects_invalid_code_points) {
    const int32_t cps[] = {0x41, 0x7F, 0x80, 0x7FF, 0x800, 0x416, 0xFFFD, 0x10000, 0x10FFFF};
    for (size_t i = 0; i < sizeof cps / sizeof *cps; i++) {
        char buf[4];
        size_t n = kg_utf8_encode(cps[i], buf);
        ck_assert_uint_gt(n, 0);
        size_t pos = 0;
        ck_assert_int_eq(kg_utf8_next(buf, n, &pos), cps[i]);
        ck_assert_uint_eq(pos, n);
    }
    char buf[4];
    ck_assert_uint_eq(kg_utf8_encode(0xD800, buf), 0);
    ck_assert_uint_eq(kg_utf8_encode(0x110000, buf), 0);
    ck_assert_uint_eq(kg_utf8_encode(-1, buf), 0);
}
END_TEST

/* ---- kg_text_clean -------------------------------------------------------------- */

START_TEST(test_clean_strips_leading_bom) {
    size_t n_invalid = 99, len = 0;
    char *out = clean("\xEF\xBB\xBFHello", 8, &len, &n_invalid, NULL);
    ck_assert_str_eq(out, "Hello");
    ck_assert_uint_eq(len, 5);
    ck_assert_uint_eq(n_invalid, 0);
    free(out);
}
END_TEST

START_TEST(test_clean_turns_crlf_and_cr_into_lf) {
    const char *in = "one\r\ntwo\rthree\nfour\r\n\r\nfive";
    char *out = clean(in, strlen(in), NULL, NULL, NULL);
    ck_assert_str_eq(out, "one\ntwo\nthree\nfour\n\nfive");
    free(out);
}
END_TEST

START_TEST(test_clean_replaces_invalid_bytes_and_reports_first_offset) {
    const char in[] = "ab\xFF"
                      "cd\xC0\x80"
                      "e";
    size_t n_invalid = 0, first = 0;
    char *out = clean(in, sizeof in - 1, NULL, &n_invalid, &first);
    /* the output is valid UTF-8 with U+FFFD where the bad bytes were */
    ck_assert_ptr_nonnull(strstr(out, "ab\xEF\xBF\xBD"
                                      "cd"));
    ck_assert_ptr_nonnull(strstr(out, "\xEF\xBF\xBD"
                                      "e"));
    ck_assert_uint_ge(n_invalid, 2);
    ck_assert_uint_eq(first, 2);
    size_t pos = 0, len = strlen(out);
    while (pos < len)
        ck_assert_int_ge(kg_utf8_next(out, len, &pos), 0);
    free(out);
}
END_TEST

START_TEST(test_clean_counts_one_isolated_invalid_byte_once) {
    const char in[] = "Bishkek \xFE city";
    size_t n_invalid = 0, first = 0;
    char *out = clean(in, sizeof in - 1, NULL, &n_invalid, &first);
    ck_assert_str_eq(out, "Bishkek \xEF\xBF\xBD city");
    ck_assert_uint_eq(n_invalid, 1);
    ck_assert_uint_eq(first, 8);
    free(out);
}
END_TEST

START_TEST(test_clean_replaces_nul_bytes) {
    const char in[] = {'a', '\0', 'b', '\0', 'c'};
    size_t n_invalid = 0, first = 0, len = 0;
    char *out = clean(in, sizeof in, &len, &n_invalid, &first);
    ck_assert_str_eq(out, "a\xEF\xBF\xBD"
                          "b\xEF\xBF\xBD"
                          "c");
    ck_assert_uint_eq(len, 9);
    ck_assert_uint_eq(n_invalid, 2);
    ck_assert_uint_eq(first, 1);
    free(out);
}
END_TEST

START_TEST(test_clean_applies_nfc) {
    size_t n_invalid = 99;
    char *out = clean("Caf"
                      "e\xCC\x81",
                      6, NULL, &n_invalid, NULL);
    ck_assert_str_eq(out, "Caf\xC3\xA9");
    ck_assert_uint_eq(n_invalid, 0);
    free(out);
    /* Cyrillic й written as и + combining breve */
    out = clean("\xD0\xB8\xCC\x86", 4, NULL, NULL, NULL);
    ck_assert_str_eq(out, "й");
    free(out);
}
END_TEST

START_TEST(test_clean_accepts_empty_input_and_null_counters) {
    char *out = NULL;
    size_t len = 99;
    ck_assert_int_eq(kg_text_clean("", 0, &out, &len, NULL, NULL), KG_OK);
    ck_assert_ptr_nonnull(out);
    ck_assert_str_eq(out, "");
    ck_assert_uint_eq(len, 0);
    free(out);
}
END_TEST

START_TEST(test_clean_keeps_valid_text_unchanged) {
    const char *in = "Федерация профсоюзов Кыргызстана — FTUK 🎉";
    size_t n_invalid = 99, len = 0;
    char *out = clean(in, strlen(in), &len, &n_invalid, NULL);
    ck_assert_str_eq(out, in);
    ck_assert_uint_eq(n_invalid, 0);
    free(out);
}
END_TEST

/* ---- kg_text_nfc / kg_text_squeeze --------------------------------------------- */

START_TEST(test_nfc_composes_combining_marks) {
    char *out = kg_text_nfc("Zu\xCC\x88rich", 8);
    ck_assert_ptr_nonnull(out);
    ck_assert_str_eq(out, "Zürich");
    free(out);
}
END_TEST

/* Appends the UTF-8 form of cp to buf at *n. */
static void put_cp(char *buf, size_t *n, int32_t cp) {
    if (cp < 0x80) {
        buf[(*n)++] = (char)cp;
    } else if (cp < 0x800) {
        buf[(*n)++] = (char)(0xC0 | (cp >> 6));
        buf[(*n)++] = (char)(0x80 | (cp & 0x3F));
    } else {
        buf[(*n)++] = (char)(0xE0 | (cp >> 12));
        buf[(*n)++] = (char)(0x80 | ((cp >> 6) & 0x3F));
        buf[(*n)++] = (char)(0x80 | (cp & 0x3F));
    }
    buf[*n] = '\0';
}

/* kg_text_nfc copies text made only of these code points as it is; utf8proc
 * (reached through an Angstrom sign, U+212B, which NFC maps to U+00C5) must
 * leave each of them unchanged too, before and after a decomposed letter. */
START_TEST(test_nfc_fast_path_agrees_with_utf8proc) {
    static const int32_t ranges[][2] = {{0x20, 0x7F},    {0xA0, 0x300},    {0x400, 0x483},
                                        {0x48A, 0x530},  {0x2010, 0x2028}, {0x202F, 0x2060},
                                        {0x20A0, 0x20C0}};
    for (size_t r = 0; r < sizeof ranges / sizeof *ranges; r++)
        for (int32_t cp = ranges[r][0]; cp < ranges[r][1]; cp++) {
            char in[32], want[32];
            size_t n = 0, w = 0;
            put_cp(in, &n, cp);
            char *same = kg_text_nfc(in, n);
            ck_assert_msg(same != NULL && strcmp(same, in) == 0, "U+%04X changed", cp);
            free(same);
            put_cp(in, &n, 0x212B);
            put_cp(in, &n, 'e');
            put_cp(in, &n, 0x301);
            put_cp(in, &n, cp);
            put_cp(want, &w, cp);
            put_cp(want, &w, 0xC5);
            put_cp(want, &w, 0xE9);
            put_cp(want, &w, cp);
            char *out = kg_text_nfc(in, n);
            ck_assert_msg(out != NULL && strcmp(out, want) == 0, "U+%04X: utf8proc differs", cp);
            free(out);
        }
    /* Cyrillic with a combining diaeresis is composed (not copied) */
    char *yo = kg_text_nfc("\xD0\x95\xCC\x88\xD0\xBB\xD0\xBA\xD0\xB0", 10);
    ck_assert_str_eq(yo, "Ёлка");
    free(yo);
}
END_TEST

START_TEST(test_squeeze_collapses_white_space_and_trims) {
    const char *in = "  Nurlan\t\tAbdiev\n met \xC2\xA0 Ivan  ";
    char *out = kg_text_squeeze(in, strlen(in));
    ck_assert_ptr_nonnull(out);
    ck_assert_str_eq(out, "Nurlan Abdiev met Ivan");
    free(out);
}
END_TEST

/* ---- kg_text_key ------------------------------------------------------------------ */

START_TEST(test_key_folds_case_drops_quotes_and_punctuation) {
    check_key("The «Federation» of Trade-Unions", "the federation of trade unions");
    check_key("  FTUK  ", "ftuk");
    check_key("\"Decent Work\" forum", "decent work forum");
}
END_TEST

START_TEST(test_key_maps_yo_to_ye_and_keeps_short_i) {
    check_key("Отчётно-выборная", "отчетно выборная");
    check_key("ЁЛКА", "елка");
    check_key("Горняцкий", "горняцкий");
}
END_TEST

/* kg_text_key skips utf8proc for text of ASCII and Cyrillic letters: that is
 * right when utf8proc's NFKC + case folding of such a pair of code points is
 * the simple lower-case mapping of each (nothing composes across them). */
START_TEST(test_key_fast_path_agrees_with_utf8proc_folding) {
    int32_t fast[128 + 0x130];
    size_t n = 0;
    for (int32_t cp = 1; cp < 0x80; cp++)
        fast[n++] = cp;
    for (int32_t cp = 0x400; cp <= 0x52F; cp++)
        if (kg_cyr_is_letter(cp))
            fast[n++] = cp;
    for (size_t i = 0; i < n; i++) {
        for (size_t j = 0; j < n; j++) {
            char in[8], want[8];
            size_t il = kg_utf8_encode(fast[i], in);
            il += kg_utf8_encode(fast[j], in + il);
            size_t wl = kg_utf8_encode(kg_cp_tolower(fast[i]), want);
            wl += kg_utf8_encode(kg_cp_tolower(fast[j]), want + wl);
            utf8proc_uint8_t *got = NULL;
            utf8proc_ssize_t gl = utf8proc_map(
                (const utf8proc_uint8_t *)in, (utf8proc_ssize_t)il, &got,
                UTF8PROC_STABLE | UTF8PROC_COMPOSE | UTF8PROC_COMPAT | UTF8PROC_CASEFOLD);
            ck_assert_int_eq(gl, (utf8proc_ssize_t)wl);
            ck_assert_mem_eq(got, want, wl);
            free(got);
        }
    }
}
END_TEST

START_TEST(test_key_equal_for_composed_and_decomposed_forms) {
    char *a = kg_text_key("Caf\xC3\xA9", 5);
    char *b = kg_text_key("Cafe\xCC\x81", 6);
    ck_assert_ptr_nonnull(a);
    ck_assert_ptr_nonnull(b);
    ck_assert_str_eq(a, b);
    free(a);
    free(b);
}
END_TEST

/* ---- kg_text_translit / kg_text_slug --------------------------------------------- */

START_TEST(test_translit_handles_kazakh_letters) {
    check_translit("Қасымов", "Kasymov");
    check_translit("Ерлан Қасымов", "Erlan Kasymov");
}
END_TEST

START_TEST(test_translit_keeps_case_and_strips_diacritics) {
    check_translit("Федерация", "Federatsiya");
    check_translit("Zürich", "Zurich");
    check_translit("ABC def", "ABC def");
}
END_TEST

START_TEST(test_slug_of_kazakh_name) {
    check_slug("Ерлан Қасымов", 0, "erlan-kasymov");
}
END_TEST

START_TEST(test_slug_of_russian_organization) {
    check_slug("Федерация профсоюзов", 0, "federatsiya-profsoyuzov");
}
END_TEST

START_TEST(test_slug_strips_diacritics) {
    check_slug("Zürich", 0, "zurich");
}
END_TEST

START_TEST(test_slug_collapses_punctuation_runs_and_trims) {
    check_slug("  The «Federation» -- of Trade-Unions!  ", 0, "the-federation-of-trade-unions");
}
END_TEST

START_TEST(test_slug_of_nothing_is_x) {
    check_slug("", 0, "x");
    check_slug("«» — !!", 0, "x");
    check_slug("中文", 0, "x");
}
END_TEST

START_TEST(test_slug_is_cut_at_a_dash_within_max_len) {
    const char *in = "Federation of Trade Unions of Kyrgyzstan";
    char *got = kg_text_slug(in, strlen(in), 20);
    ck_assert_ptr_nonnull(got);
    /* "federation-of-trade-unions-..." cut at a word boundary ≤ 20 bytes */
    ck_assert_uint_le(strlen(got), 20);
    ck_assert_str_eq(got, "federation-of-trade");
    free(got);
}
END_TEST

START_TEST(test_slug_without_dash_is_cut_at_max_len) {
    check_slug("abcdefghijklmnopqrstuvwxyz", 10, "abcdefghij");
}
END_TEST

/* ---- code point classes and hashing ------------------------------------------------ */

START_TEST(test_code_point_classes) {
    ck_assert(kg_cp_is_letter('a'));
    ck_assert(kg_cp_is_letter(0x416)); /* Ж */
    ck_assert(!kg_cp_is_letter('1'));
    ck_assert(kg_cp_is_upper(0x416));
    ck_assert(kg_cp_is_lower(0x436));
    ck_assert(kg_cp_is_digit('7'));
    ck_assert(kg_cp_is_space(' '));
    ck_assert(kg_cp_is_space(0xA0));
    ck_assert(kg_cp_is_cyrillic(0x49A)); /* Қ */
    ck_assert(!kg_cp_is_cyrillic('K'));
    ck_assert_int_eq(kg_cp_tolower(0x49A), 0x49B);
    ck_assert_int_eq(kg_cp_toupper(0x451), 0x401); /* ё → Ё */
}
END_TEST

START_TEST(test_hash64_depends_on_bytes_and_seed) {
    uint64_t a = kg_hash64("FTUK", 4, 0), b = kg_hash64("FTUK", 4, 0);
    ck_assert(a == b);
    ck_assert(a != kg_hash64("FTUJ", 4, 0));
    ck_assert(a != kg_hash64("FTUK", 4, 1));
}
END_TEST

/* ---- string pool ------------------------------------------------------------------- */

START_TEST(test_pool_gives_same_pointer_for_equal_strings) {
    kg_strpool *pool = kg_strpool_new();
    ck_assert_ptr_nonnull(pool);
    char buf[16];
    strcpy(buf, "FTUK");
    const char *a = kg_strpool_cstr(pool, "FTUK");
    const char *b = kg_strpool_cstr(pool, buf);
    const char *c = kg_strpool_intern(pool, "FTUK and more", 4);
    ck_assert_ptr_nonnull(a);
    ck_assert_ptr_eq(a, b);
    ck_assert_ptr_eq(a, c);
    ck_assert_ptr_ne(a, buf);
    ck_assert_str_eq(a, "FTUK");
    ck_assert_uint_eq(kg_strpool_count(pool), 1);
    kg_strpool_free(pool);
}
END_TEST

START_TEST(test_pool_gives_different_pointers_for_different_strings) {
    kg_strpool *pool = kg_strpool_new();
    ck_assert_ptr_nonnull(pool);
    const char *a = kg_strpool_cstr(pool, "FTUK");
    const char *b = kg_strpool_cstr(pool, "ftuk");
    const char *c = kg_strpool_cstr(pool, "FTU");
    const char *e = kg_strpool_cstr(pool, "");
    ck_assert_ptr_ne(a, b);
    ck_assert_ptr_ne(a, c);
    ck_assert_ptr_nonnull(e);
    ck_assert_str_eq(e, "");
    ck_assert_ptr_eq(e, kg_strpool_intern(pool, "xyz", 0));
    ck_assert_uint_eq(kg_strpool_count(pool), 4);
    ck_assert_ptr_null(kg_strpool_cstr(pool, NULL));
    kg_strpool_free(pool);
}
END_TEST

START_TEST(test_pool_pointers_survive_growth) {
    enum { N = 12000 };
    kg_strpool *pool = kg_strpool_new();
    ck_assert_ptr_nonnull(pool);
    const char **first = malloc(N * sizeof *first);
    ck_assert_ptr_nonnull(first);
    char buf[64];
    for (int i = 0; i < N; i++) {
        snprintf(buf, sizeof buf, "string number %d of the pool", i);
        first[i] = kg_strpool_cstr(pool, buf);
        ck_assert_ptr_nonnull(first[i]);
    }
    ck_assert_uint_eq(kg_strpool_count(pool), N);
    ck_assert_uint_gt(kg_strpool_bytes(pool), 0);
    for (int i = 0; i < N; i++) {
        snprintf(buf, sizeof buf, "string number %d of the pool", i);
        ck_assert_str_eq(first[i], buf);
        ck_assert_ptr_eq(kg_strpool_cstr(pool, buf), first[i]);
    }
    ck_assert_uint_eq(kg_strpool_count(pool), N);
    free(first);
    kg_strpool_free(pool);
}
END_TEST

/* After kg_strpool_drop_index every string is still found (same pointer),
 * including big ones with chunks of their own and the empty one, and new
 * ones are added once. */
START_TEST(test_pool_finds_every_string_after_dropping_its_index) {
    enum { N = 5000 };
    kg_strpool *pool = kg_strpool_new();
    ck_assert_ptr_nonnull(pool);
    const char **first = malloc(N * sizeof *first);
    char *big = malloc(100001);
    ck_assert_ptr_nonnull(first);
    ck_assert_ptr_nonnull(big);
    memset(big, 'x', 100000);
    big[100000] = '\0';
    char buf[64];
    for (int i = 0; i < N; i++) {
        snprintf(buf, sizeof buf, "%d", i * 7919);
        first[i] = kg_strpool_cstr(pool, buf);
        ck_assert_ptr_nonnull(first[i]);
    }
    const char *b = kg_strpool_cstr(pool, big), *e = kg_strpool_cstr(pool, "");
    ck_assert_ptr_nonnull(b);
    size_t count = kg_strpool_count(pool), bytes = kg_strpool_bytes(pool);
    ck_assert_uint_eq(count, N + 2);

    kg_strpool_drop_index(pool);
    kg_strpool_drop_index(pool); /* twice: still a no-op */
    kg_strpool_drop_index(NULL);
    ck_assert_uint_eq(kg_strpool_count(pool), count);
    for (int i = N - 1; i >= 0; i--) {
        snprintf(buf, sizeof buf, "%d", i * 7919);
        ck_assert_ptr_eq(kg_strpool_cstr(pool, buf), first[i]);
    }
    ck_assert_ptr_eq(kg_strpool_cstr(pool, big), b);
    ck_assert_ptr_eq(kg_strpool_cstr(pool, ""), e);
    ck_assert_uint_eq(kg_strpool_count(pool), count);
    ck_assert_uint_eq(kg_strpool_bytes(pool), bytes);
    const char *fresh = kg_strpool_cstr(pool, "a string added after the drop");
    ck_assert_ptr_nonnull(fresh);
    kg_strpool_drop_index(pool);
    ck_assert_ptr_eq(kg_strpool_cstr(pool, "a string added after the drop"), fresh);
    ck_assert_uint_eq(kg_strpool_count(pool), count + 1);
    free(big);
    free(first);
    kg_strpool_free(pool);
}
END_TEST

/* A scratch copy: every call a new string (no look-up), counted, lasting
 * as long as the pool, whatever grows after it. */
START_TEST(test_pool_copy_does_not_intern) {
    kg_strpool *pool = kg_strpool_new();
    ck_assert_ptr_nonnull(pool);
    const char *a = kg_strpool_copy(pool, "FTUK and more", 4);
    const char *b = kg_strpool_copy(pool, "FTUK", 4);
    ck_assert_ptr_nonnull(a);
    ck_assert_ptr_nonnull(b);
    ck_assert_ptr_ne(a, b);
    ck_assert_str_eq(a, "FTUK");
    ck_assert_str_eq(b, "FTUK");
    const char *empty = kg_strpool_copy(pool, "", 0);
    ck_assert_str_eq(empty, "");
    ck_assert_uint_eq(kg_strpool_count(pool), 3);
    ck_assert_uint_eq(kg_strpool_bytes(pool), 5 + 5 + 1);
    static char big[200000];
    memset(big, 'x', sizeof big - 1);
    for (int i = 0; i < 40; i++) /* chunks of their own, and new chunks */
        ck_assert_ptr_nonnull(kg_strpool_copy(pool, big, i % 2 ? sizeof big - 1 : 5000));
    ck_assert_str_eq(a, "FTUK");
    ck_assert_ptr_null(kg_strpool_copy(NULL, "x", 1));
    ck_assert_ptr_null(kg_strpool_copy(pool, NULL, 0));
    kg_strpool_free(pool);
}
END_TEST

START_TEST(test_pool_free_null_is_a_no_op) {
    kg_strpool_free(NULL);
}
END_TEST

/* ---- errors -------------------------------------------------------------------------- */

START_TEST(test_error_format_with_file_line_and_column) {
    kg_error err;
    char buf[256];
    kg_error_clear(&err);
    ck_assert_int_eq(kg_error_set(&err, KG_ERR_PARSE, "in.jsonl", 3, 7, "bad %s", "token"),
                     KG_ERR_PARSE);
    ck_assert_int_eq(err.status, KG_ERR_PARSE);
    ck_assert_str_eq(kg_error_format(&err, buf, sizeof buf), "in.jsonl:3:7: bad token");
}
END_TEST

START_TEST(test_error_format_leaves_out_unknown_parts) {
    kg_error err;
    char buf[256];
    kg_error_clear(&err);
    kg_error_set(&err, KG_ERR_PARSE, "in.jsonl", 3, 0, "bad");
    ck_assert_str_eq(kg_error_format(&err, buf, sizeof buf), "in.jsonl:3: bad");
    kg_error_set(&err, KG_ERR_IO, "out/graph.ttl", 0, 0, "disk full");
    ck_assert_str_eq(kg_error_format(&err, buf, sizeof buf), "out/graph.ttl: disk full");
    kg_error_set(&err, KG_ERR_INPUT, NULL, 0, 0, "no documents");
    ck_assert_str_eq(kg_error_format(&err, buf, sizeof buf), "no documents");
}
END_TEST

START_TEST(test_error_format_falls_back_to_strerror_and_truncates) {
    kg_error err;
    char buf[256];
    kg_error_clear(&err);
    ck_assert_int_eq(err.status, KG_OK);
    err.status = KG_ERR_NOMEM;
    ck_assert_str_eq(kg_error_format(&err, buf, sizeof buf), kg_strerror(KG_ERR_NOMEM));
    kg_error_set(&err, KG_ERR_IO, "a-long-file-name.txt", 0, 0, "cannot read");
    char small[8];
    kg_error_format(&err, small, sizeof small);
    ck_assert_uint_eq(strlen(small), sizeof small - 1);
    ck_assert_str_eq(kg_error_format(NULL, buf, sizeof buf), "");
    /* NULL err is accepted by the setters too */
    kg_error_clear(NULL);
    ck_assert_int_eq(kg_error_set(NULL, KG_ERR_IO, NULL, 0, 0, "x"), KG_ERR_IO);
}
END_TEST

START_TEST(test_strerror_never_null) {
    for (int s = KG_OK; s <= KG_ERR_INTERNAL; s++) {
        ck_assert_ptr_nonnull(kg_strerror((kg_status)s));
        ck_assert_uint_gt(strlen(kg_strerror((kg_status)s)), 0);
    }
    ck_assert_ptr_nonnull(kg_strerror((kg_status)1000));
}
END_TEST

/* ---- vocabularies ------------------------------------------------------------------- */

START_TEST(test_entity_type_names_round_trip) {
    for (int t = 0; t < KG_ENT_TYPE_COUNT; t++) {
        const char *name = kg_entity_type_name((kg_entity_type)t);
        ck_assert_ptr_nonnull(name);
        kg_entity_type back = KG_ENT_TYPE_COUNT;
        ck_assert_int_eq(kg_entity_type_parse(name, &back), KG_OK);
        ck_assert_int_eq(back, t);
    }
    ck_assert_str_eq(kg_entity_type_name(KG_ENT_ORGANIZATION), "Organization");
    ck_assert_str_eq(kg_entity_type_name(KG_ENT_PLACE), "Place");
    ck_assert_ptr_null(kg_entity_type_name(KG_ENT_TYPE_COUNT));
    kg_entity_type t = KG_ENT_TYPE_COUNT;
    ck_assert_int_eq(kg_entity_type_parse("person", &t), KG_OK);
    ck_assert_int_eq(t, KG_ENT_PERSON);
    ck_assert_int_eq(kg_entity_type_parse("AGREEMENT", &t), KG_OK);
    ck_assert_int_eq(t, KG_ENT_AGREEMENT);
    ck_assert_int_eq(kg_entity_type_parse("Union", &t), KG_FAILURE);
    ck_assert_int_eq(kg_entity_type_parse("", &t), KG_FAILURE);
    ck_assert_int_eq(kg_entity_type_parse(NULL, &t), KG_FAILURE);
}
END_TEST

START_TEST(test_relation_type_names_round_trip) {
    for (int t = 0; t < KG_REL_TYPE_COUNT; t++) {
        const char *name = kg_relation_type_name((kg_relation_type)t);
        ck_assert_ptr_nonnull(name);
        kg_relation_type back = KG_REL_TYPE_COUNT;
        ck_assert_int_eq(kg_relation_type_parse(name, &back), KG_OK);
        ck_assert_int_eq(back, t);
    }
    ck_assert_str_eq(kg_relation_type_name(KG_REL_HOLDS_POST), "holds_post");
    ck_assert_str_eq(kg_relation_type_name(KG_REL_MET_WITH), "met_with");
    ck_assert_ptr_null(kg_relation_type_name(KG_REL_TYPE_COUNT));
    kg_relation_type t = KG_REL_TYPE_COUNT;
    ck_assert_int_eq(kg_relation_type_parse("PARTY_TO", &t), KG_OK);
    ck_assert_int_eq(t, KG_REL_PARTY_TO);
    ck_assert_int_eq(kg_relation_type_parse("chairs", &t), KG_FAILURE);
    ck_assert_int_eq(kg_relation_type_parse(NULL, &t), KG_FAILURE);
}
END_TEST

/* ---- per-document facts ------------------------------------------------------------- */

START_TEST(test_doc_facts_entity_dedups_by_type_and_name) {
    kg_strpool *pool = kg_strpool_new();
    ck_assert_ptr_nonnull(pool);
    kg_doc_facts f;
    kg_doc_facts_init(&f);
    const char *ftuk = kg_strpool_cstr(pool, "FTUK"), *en = kg_strpool_cstr(pool, "en");
    size_t a = 99, b = 99, c = 99, d = 99;
    ck_assert_int_eq(kg_doc_facts_entity(&f, KG_ENT_ORGANIZATION, ftuk, en, &a), KG_OK);
    ck_assert_int_eq(kg_doc_facts_entity(&f, KG_ENT_ORGANIZATION, ftuk, en, &b), KG_OK);
    ck_assert_int_eq(kg_doc_facts_entity(&f, KG_ENT_PLACE, ftuk, en, &c), KG_OK);
    ck_assert_int_eq(
        kg_doc_facts_entity(&f, KG_ENT_PERSON, kg_strpool_cstr(pool, "Nurlan Abdiev"), en, &d),
        KG_OK);
    ck_assert_uint_eq(a, 0);
    ck_assert_uint_eq(b, 0);
    ck_assert_uint_eq(c, 1);
    ck_assert_uint_eq(d, 2);
    ck_assert_uint_eq(f.n_entities, 3);
    ck_assert_uint_eq(f.entities[0].mentions, 2);
    ck_assert_uint_eq(f.entities[1].mentions, 1);
    ck_assert_ptr_eq(f.entities[0].name, ftuk);
    ck_assert_ptr_eq(f.entities[0].lang, en);
    /* index may be NULL */
    ck_assert_int_eq(kg_doc_facts_entity(&f, KG_ENT_ORGANIZATION, ftuk, en, NULL), KG_OK);
    ck_assert_uint_eq(f.entities[0].mentions, 3);
    kg_doc_facts_clear(&f);
    ck_assert_uint_eq(f.n_entities, 0);
    ck_assert_ptr_null(f.entities);
    kg_doc_facts_clear(&f);
    kg_doc_facts_clear(NULL);
    kg_strpool_free(pool);
}
END_TEST

START_TEST(test_doc_facts_alias_skips_name_and_duplicates) {
    kg_strpool *pool = kg_strpool_new();
    ck_assert_ptr_nonnull(pool);
    kg_doc_facts f;
    kg_doc_facts_init(&f);
    const char *name = kg_strpool_cstr(pool, "Federation of Trade Unions of Kyrgyzstan");
    size_t i = 0;
    ck_assert_int_eq(kg_doc_facts_entity(&f, KG_ENT_ORGANIZATION, name, NULL, &i), KG_OK);
    ck_assert_int_eq(kg_doc_facts_alias(&f, i, name), KG_OK);
    ck_assert_uint_eq(f.entities[i].n_aliases, 0);
    ck_assert_int_eq(kg_doc_facts_alias(&f, i, kg_strpool_cstr(pool, "FTUK")), KG_OK);
    ck_assert_int_eq(kg_doc_facts_alias(&f, i, kg_strpool_cstr(pool, "FTUK")), KG_OK);
    ck_assert_int_eq(kg_doc_facts_alias(&f, i, kg_strpool_cstr(pool, "ФПК")), KG_OK);
    ck_assert_uint_eq(f.entities[i].n_aliases, 2);
    ck_assert_str_eq(f.entities[i].aliases[0], "FTUK");
    ck_assert_str_eq(f.entities[i].aliases[1], "ФПК");
    /* many aliases grow the array */
    char buf[32];
    for (int k = 0; k < 100; k++) {
        snprintf(buf, sizeof buf, "alias %d", k);
        ck_assert_int_eq(kg_doc_facts_alias(&f, i, kg_strpool_cstr(pool, buf)), KG_OK);
    }
    ck_assert_uint_eq(f.entities[i].n_aliases, 102);
    /* an entity index out of range is refused */
    ck_assert_int_ne(kg_doc_facts_alias(&f, 5, kg_strpool_cstr(pool, "x")), KG_OK);
    kg_doc_facts_clear(&f);
    kg_strpool_free(pool);
}
END_TEST

START_TEST(test_doc_facts_relation_keeps_one_record_per_sentence) {
    kg_strpool *pool = kg_strpool_new();
    ck_assert_ptr_nonnull(pool);
    kg_doc_facts f;
    kg_doc_facts_init(&f);
    size_t person = 0, org = 0;
    ck_assert_int_eq(kg_doc_facts_entity(&f, KG_ENT_PERSON, kg_strpool_cstr(pool, "Nurlan Abdiev"),
                                         NULL, &person),
                     KG_OK);
    ck_assert_int_eq(
        kg_doc_facts_entity(&f, KG_ENT_ORGANIZATION, kg_strpool_cstr(pool, "FTUK"), NULL, &org),
        KG_OK);
    kg_doc_relation r;
    memset(&r, 0, sizeof r);
    r.type = KG_REL_HOLDS_POST;
    r.subject = person;
    r.object = org;
    r.role = kg_strpool_cstr(pool, "chairman");
    r.evidence.start = 0;
    r.evidence.end = 20;
    r.evidence.confidence = 0.9;
    ck_assert_int_eq(kg_doc_facts_relation(&f, &r), KG_OK);
    ck_assert_int_eq(kg_doc_facts_relation(&f, &r), KG_OK);
    ck_assert_uint_eq(f.n_relations, 1);
    /* another span of the same sentence: the same evidence, the more
     * confident record kept */
    kg_doc_relation other = r;
    other.evidence.start = 30;
    other.evidence.end = 50;
    other.evidence.confidence = 0.95;
    ck_assert_int_eq(kg_doc_facts_relation(&f, &other), KG_OK);
    ck_assert_uint_eq(f.n_relations, 1);
    ck_assert_uint_eq(f.relations[0].evidence.start, 30);
    other.evidence.start = 60;
    other.evidence.confidence = 0.5;
    ck_assert_int_eq(kg_doc_facts_relation(&f, &other), KG_OK);
    ck_assert_uint_eq(f.relations[0].evidence.start, 30);
    /* another role, another sentence, another type: each a new relation */
    other = r;
    other.role = kg_strpool_cstr(pool, "deputy_chairman");
    ck_assert_int_eq(kg_doc_facts_relation(&f, &other), KG_OK);
    other = r;
    other.evidence.sentence = 3;
    ck_assert_int_eq(kg_doc_facts_relation(&f, &other), KG_OK);
    other = r;
    other.type = KG_REL_MEMBER_OF;
    other.role = NULL;
    ck_assert_int_eq(kg_doc_facts_relation(&f, &other), KG_OK);
    ck_assert_uint_eq(f.n_relations, 4);
    ck_assert_int_eq(f.relations[0].type, KG_REL_HOLDS_POST);
    ck_assert_str_eq(f.relations[0].role, "chairman");
    /* indices out of range are refused */
    other = r;
    other.object = 7;
    ck_assert_int_ne(kg_doc_facts_relation(&f, &other), KG_OK);
    ck_assert_uint_eq(f.n_relations, 4);
    kg_doc_facts_clear(&f);
    ck_assert_uint_eq(f.n_relations, 0);
    kg_strpool_free(pool);
}
END_TEST

START_TEST(test_evidence_cmp_orders_by_doc_sentence_and_span) {
    kg_evidence a = {0}, b = {0};
    a.doc = "a";
    b.doc = "b";
    ck_assert_int_lt(kg_evidence_cmp(&a, &b), 0);
    ck_assert_int_gt(kg_evidence_cmp(&b, &a), 0);
    b.doc = "a";
    ck_assert_int_eq(kg_evidence_cmp(&a, &b), 0);
    b.sentence = 1;
    a.start = 100;
    ck_assert_int_lt(kg_evidence_cmp(&a, &b), 0);
    b.sentence = 0;
    b.start = 100;
    b.end = 5;
    ck_assert_int_lt(kg_evidence_cmp(&a, &b), 0);
}
END_TEST

START_TEST(test_resolved_clear_null_is_a_no_op) {
    kg_resolved_clear(NULL);
    kg_resolved empty = {0};
    kg_resolved_clear(&empty);
    ck_assert_uint_eq(empty.n_entities, 0);
}
END_TEST

/* ---- suite ---------------------------------------------------------------------------- */

static Suite *text_suite(void) {
    Suite *s = suite_create("text");

    TCase *utf8 = tcase_create("utf8");
    tcase_add_test(utf8, test_utf8_next_decodes_one_to_four_byte_sequences);
    tcase_add_test(utf8, test_utf8_next_rejects_overlong_form_and_advances_one_byte);
    tcase_add_test(utf8, test_utf8_next_rejects_surrogates);
    tcase_add_test(utf8, test_utf8_next_rejects_truncated_sequences);
    tcase_add_test(utf8, test_utf8_next_rejects_code_points_above_10ffff);
    tcase_add_test(utf8, test_utf8_encode_round_trips_and_rejects_invalid_code_points);
    tcase_add_test(utf8, test_utf8_next_inline_path_agrees_with_general_decoder);
    tcase_add_test(utf8, test_cp_inline_classes_agree_with_utf8proc);
    suite_add_tcase(s, utf8);

    TCase *cleaning = tcase_create("clean");
    tcase_add_test(cleaning, test_clean_strips_leading_bom);
    tcase_add_test(cleaning, test_clean_turns_crlf_and_cr_into_lf);
    tcase_add_test(cleaning, test_clean_replaces_invalid_bytes_and_reports_first_offset);
    tcase_add_test(cleaning, test_clean_counts_one_isolated_invalid_byte_once);
    tcase_add_test(cleaning, test_clean_replaces_nul_bytes);
    tcase_add_test(cleaning, test_clean_applies_nfc);
    tcase_add_test(cleaning, test_clean_accepts_empty_input_and_null_counters);
    tcase_add_test(cleaning, test_clean_keeps_valid_text_unchanged);
    tcase_add_test(cleaning, test_nfc_composes_combining_marks);
    tcase_add_test(cleaning, test_nfc_fast_path_agrees_with_utf8proc);
    tcase_add_test(cleaning, test_squeeze_collapses_white_space_and_trims);
    suite_add_tcase(s, cleaning);

    TCase *keys = tcase_create("keys");
    tcase_add_test(keys, test_key_folds_case_drops_quotes_and_punctuation);
    tcase_add_test(keys, test_key_maps_yo_to_ye_and_keeps_short_i);
    tcase_add_test(keys, test_key_equal_for_composed_and_decomposed_forms);
    tcase_add_test(keys, test_key_fast_path_agrees_with_utf8proc_folding);
    tcase_add_test(keys, test_translit_handles_kazakh_letters);
    tcase_add_test(keys, test_translit_keeps_case_and_strips_diacritics);
    tcase_add_test(keys, test_slug_of_kazakh_name);
    tcase_add_test(keys, test_slug_of_russian_organization);
    tcase_add_test(keys, test_slug_strips_diacritics);
    tcase_add_test(keys, test_slug_collapses_punctuation_runs_and_trims);
    tcase_add_test(keys, test_slug_of_nothing_is_x);
    tcase_add_test(keys, test_slug_is_cut_at_a_dash_within_max_len);
    tcase_add_test(keys, test_slug_without_dash_is_cut_at_max_len);
    tcase_add_test(keys, test_code_point_classes);
    tcase_add_test(keys, test_hash64_depends_on_bytes_and_seed);
    suite_add_tcase(s, keys);

    TCase *pool = tcase_create("pool");
    tcase_add_test(pool, test_pool_gives_same_pointer_for_equal_strings);
    tcase_add_test(pool, test_pool_gives_different_pointers_for_different_strings);
    tcase_add_test(pool, test_pool_pointers_survive_growth);
    tcase_add_test(pool, test_pool_finds_every_string_after_dropping_its_index);
    tcase_add_test(pool, test_pool_free_null_is_a_no_op);
    tcase_add_test(pool, test_pool_copy_does_not_intern);
    suite_add_tcase(s, pool);

    TCase *model = tcase_create("model");
    tcase_add_test(model, test_error_format_with_file_line_and_column);
    tcase_add_test(model, test_error_format_leaves_out_unknown_parts);
    tcase_add_test(model, test_error_format_falls_back_to_strerror_and_truncates);
    tcase_add_test(model, test_strerror_never_null);
    tcase_add_test(model, test_entity_type_names_round_trip);
    tcase_add_test(model, test_relation_type_names_round_trip);
    tcase_add_test(model, test_doc_facts_entity_dedups_by_type_and_name);
    tcase_add_test(model, test_doc_facts_alias_skips_name_and_duplicates);
    tcase_add_test(model, test_doc_facts_relation_keeps_one_record_per_sentence);
    tcase_add_test(model, test_evidence_cmp_orders_by_doc_sentence_and_span);
    tcase_add_test(model, test_resolved_clear_null_is_a_no_op);
    suite_add_tcase(s, model);
    return s;
}

int main(void) {
    SRunner *sr = srunner_create(text_suite());
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
