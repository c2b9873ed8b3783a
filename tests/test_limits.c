/* test_limits.c — Check suite for the limits and --on-error=skip at the
 * library level (kg_limits in extract/kg_extract.h, docs/reliability.md):
 * truncation at a character boundary, overlong JSON lines skipped unread,
 * malformed lines skipped or stopping the reader, and which limits a
 * document's extraction hit.  The CLI side is tests/test_badinput.py. */
#include "kg_extract.h"
#include "kg_test_util.h"

#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static kg_strpool *pool;
static kg_reader *reader;
static char *dir;

static void setup(void) {
    pool = kg_strpool_new();
    ck_assert_ptr_nonnull(pool);
    reader = NULL;
    dir = kgt_temp_dir("limits");
    ck_assert_ptr_nonnull(dir);
}

static void teardown(void) {
    kg_reader_free(reader);
    reader = NULL;
    kg_strpool_free(pool);
    pool = NULL;
    free(dir);
}

/* Writes data to dir/name and opens a reader on it. */
static void open_on(const char *name, const char *data, size_t len) {
    char *path = kgt_path(dir, name);
    ck_assert_int_eq(kgt_write_file(path, data, len), 0);
    const char *inputs[] = {path};
    ck_assert_int_eq(kg_reader_new(&reader, pool, inputs, 1), KG_OK);
    free(path);
}

START_TEST(test_long_file_is_truncated_at_a_character) {
    /* "д" is two bytes: a cut at byte 9 would split the fifth one */
    static const char text[] = "дддддддддд"; /* 20 bytes */
    open_on("ru.txt", text, sizeof text - 1);
    kg_limits limits = KG_LIMITS_DEFAULT;
    limits.max_doc_bytes = 9;
    kg_reader_set_limits(reader, &limits);
    kg_document doc;
    kg_error err;
    ck_assert_int_eq(kg_reader_next(reader, &doc, &err), KG_OK);
    ck_assert(doc.truncated);
    ck_assert_uint_eq(doc.len, 8);
    ck_assert_int_eq(memcmp(doc.text, text, 8), 0);
    ck_assert_uint_eq(doc.n_invalid, 0);
    ck_assert_int_eq(kg_reader_next(reader, &doc, &err), KG_FAILURE);
}
END_TEST

START_TEST(test_file_of_exactly_the_limit_is_whole) {
    open_on("exact.txt", "0123456789", 10);
    kg_limits limits = {10, 0, 0};
    kg_reader_set_limits(reader, &limits);
    kg_reader_set_limits(reader, NULL); /* a no-op */
    kg_document doc;
    ck_assert_int_eq(kg_reader_next(reader, &doc, NULL), KG_OK);
    ck_assert(!doc.truncated);
    ck_assert_uint_eq(doc.len, 10);
}
END_TEST

START_TEST(test_overlong_json_line_is_skipped_and_the_next_read) {
    char data[200];
    snprintf(data, sizeof data,
             "{\"id\": \"a\", \"text\": \"%s\"}\n{\"id\": \"b\", \"text\": \"short\"}\n",
             "0123456789012345678901234567890123456789");
    open_on("docs.jsonl", data, strlen(data));
    kg_limits limits = {10, 0, 0}; /* lines of at most 40 bytes */
    kg_reader_set_limits(reader, &limits);
    kg_document doc;
    kg_error err;
    ck_assert_int_eq(kg_reader_next(reader, &doc, &err), KG_ERR_INPUT);
    ck_assert_str_eq(err.message, "line longer than 40 bytes (4 x --max-doc-bytes): skipped");
    ck_assert_uint_eq(err.line, 1);
    ck_assert_int_eq(kg_reader_next(reader, &doc, &err), KG_OK);
    ck_assert_str_eq(doc.id, "b");
    ck_assert_uint_eq(doc.source_line, 2);
    ck_assert(!doc.truncated);
}
END_TEST

START_TEST(test_long_json_text_is_truncated) {
    static const char data[] = "{\"id\": \"a\", \"text\": \"abcdefghijklmnop\"}\n";
    open_on("docs.jsonl", data, sizeof data - 1);
    kg_limits limits = {12, 0, 0}; /* the 41-byte line fits in 48 */
    kg_reader_set_limits(reader, &limits);
    kg_document doc;
    ck_assert_int_eq(kg_reader_next(reader, &doc, NULL), KG_OK);
    ck_assert(doc.truncated);
    ck_assert_uint_eq(doc.len, 12);
    ck_assert_int_eq(memcmp(doc.text, "abcdefghijkl", 12), 0);
}
END_TEST

static const char bad_middle[] = "{\"id\": \"one\", \"text\": \"First.\"}\n"
                                 "{\"id\": \"two\", \"text\": \n"
                                 "{\"id\": \"three\", \"text\": \"Third.\"}\n";

START_TEST(test_malformed_line_stops_the_reader_by_default) {
    open_on("docs.jsonl", bad_middle, sizeof bad_middle - 1);
    kg_document doc;
    kg_error err;
    ck_assert_int_eq(kg_reader_next(reader, &doc, &err), KG_OK);
    ck_assert_int_eq(kg_reader_next(reader, &doc, &err), KG_ERR_PARSE);
    ck_assert_uint_eq(err.line, 2);
    ck_assert_ptr_nonnull(strstr(err.where, "docs.jsonl"));
    /* sticky */
    ck_assert_int_eq(kg_reader_next(reader, &doc, &err), KG_ERR_PARSE);
    ck_assert_uint_eq(err.line, 2);
}
END_TEST

START_TEST(test_malformed_line_is_skipped_on_request) {
    open_on("docs.jsonl", bad_middle, sizeof bad_middle - 1);
    kg_reader_set_skip_malformed(reader, true);
    kg_document doc;
    kg_error err;
    ck_assert_int_eq(kg_reader_next(reader, &doc, &err), KG_OK);
    ck_assert_str_eq(doc.id, "one");
    ck_assert_int_eq(kg_reader_next(reader, &doc, &err), KG_ERR_INPUT);
    ck_assert_int_eq(err.status, KG_ERR_INPUT);
    ck_assert_uint_eq(err.line, 2);
    ck_assert_ptr_nonnull(strstr(err.message, "invalid JSON"));
    ck_assert_int_eq(kg_reader_next(reader, &doc, &err), KG_OK);
    ck_assert_str_eq(doc.id, "three");
    ck_assert_int_eq(kg_reader_next(reader, &doc, &err), KG_FAILURE);
    ck_assert_uint_eq(kg_reader_count(reader), 2);
    kg_reader_set_skip_malformed(NULL, true); /* a no-op */
}
END_TEST

/* Extracts text with the given limits; returns limits_hit. */
static unsigned extract_with(const char *text, size_t max_tokens, size_t max_entities,
                             size_t *n_sentences, size_t *n_entities) {
    kg_extractor *ex = NULL;
    ck_assert_int_eq(kg_extractor_new(&ex, pool, NULL), KG_OK);
    kg_limits limits = {0, max_tokens, max_entities};
    kg_extractor_set_limits(ex, &limits);
    kg_extractor_set_limits(NULL, &limits); /* a no-op */
    kg_document doc = {0};
    doc.id = "t";
    doc.text = text;
    doc.len = strlen(text);
    doc.lang = "en";
    kg_doc_facts facts;
    kg_doc_facts_init(&facts);
    ck_assert_int_eq(kg_extract_document(ex, &doc, &facts), KG_OK);
    unsigned hit = facts.limits_hit;
    *n_sentences = facts.n_sentences;
    *n_entities = facts.n_entities;
    kg_doc_facts_clear(&facts);
    kg_extractor_free(ex);
    return hit;
}

START_TEST(test_extraction_reports_the_limits_it_hit) {
    static const char text[] = "The FNPR met the FPRK and the ILO and the ITUC in Astana.";
    size_t ns = 0, ne = 0;
    ck_assert_uint_eq(extract_with(text, 0, 0, &ns, &ne), 0);
    ck_assert_uint_eq(ns, 1);
    ck_assert_uint_eq(ne, 5);
    /* 15 tokens in pieces of 4 */
    ck_assert_uint_eq(extract_with(text, 4, 0, &ns, &ne), KG_LIMIT_SENTENCE_TOKENS);
    ck_assert_uint_eq(ns, 4);
    ck_assert_uint_eq(extract_with(text, 0, 2, &ns, &ne), KG_LIMIT_ENTITIES);
    ck_assert_uint_eq(ne, 2);
    ck_assert_uint_eq(extract_with(text, 4, 2, &ns, &ne),
                      KG_LIMIT_SENTENCE_TOKENS | KG_LIMIT_ENTITIES);
    /* a sentence of exactly the limit is not cut */
    ck_assert_uint_eq(extract_with(text, 15, 0, &ns, &ne), 0);
    ck_assert_uint_eq(ns, 1);
}
END_TEST

static Suite *limits_suite(void) {
    Suite *s = suite_create("limits");
    TCase *tc = tcase_create("limits");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_test(tc, test_long_file_is_truncated_at_a_character);
    tcase_add_test(tc, test_file_of_exactly_the_limit_is_whole);
    tcase_add_test(tc, test_overlong_json_line_is_skipped_and_the_next_read);
    tcase_add_test(tc, test_long_json_text_is_truncated);
    tcase_add_test(tc, test_malformed_line_stops_the_reader_by_default);
    tcase_add_test(tc, test_malformed_line_is_skipped_on_request);
    tcase_add_test(tc, test_extraction_reports_the_limits_it_hit);
    suite_add_tcase(s, tc);
    return s;
}

int main(void) {
    SRunner *sr = srunner_create(limits_suite());
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
