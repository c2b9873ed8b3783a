/* test_pipeline.c — kg_extract_parallel: the sink sees the same facts in the
 * same order for any number of threads, any bound on documents in flight
 * and any renewal of the workers' extractors, with facts inputs kept in
 * their place; errors of the source, the sink and the setup stop the run
 * and come back. */
#include "kg_extract.h"
#include "kg_facts.h"
#include "kg_test_util.h"

#include <check.h>
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define SAMPLES KG_SOURCE_DIR "/samples"
#define N_DOCS 40

/* The ten samples, N_DOCS documents cycling over them with distinct ids;
 * every seventh document is given as facts (a line of kgraph extract). */
typedef struct corpus {
    char *raw[16];
    size_t len[16], n;
    char *facts_line[N_DOCS]; /* documents given as facts, else NULL */
} corpus;

static int cmp_name(const void *a, const void *b) {
    return strcmp(*(char *const *)a, *(char *const *)b);
}

static void corpus_load(corpus *c) {
    memset(c, 0, sizeof *c);
    DIR *d = opendir(SAMPLES);
    ck_assert_ptr_nonnull(d);
    char *names[16];
    struct dirent *e;
    while ((e = readdir(d)) != NULL && c->n < 16) {
        size_t l = strlen(e->d_name);
        if (l > 4 && strcmp(e->d_name + l - 4, ".txt") == 0)
            names[c->n++] = strdup(e->d_name);
    }
    closedir(d);
    qsort(names, c->n, sizeof *names, cmp_name);
    for (size_t i = 0; i < c->n; i++) {
        char *path = kgt_path(SAMPLES, names[i]);
        c->raw[i] = kgt_read_file(path, &c->len[i]);
        ck_assert_ptr_nonnull(c->raw[i]);
        free(path);
        free(names[i]);
    }
    ck_assert_uint_eq(c->n, 10);
}

static void corpus_free(corpus *c) {
    for (size_t i = 0; i < c->n; i++)
        free(c->raw[i]);
    for (size_t i = 0; i < N_DOCS; i++)
        free(c->facts_line[i]);
}

typedef struct source_state {
    corpus *c;
    kg_strpool *pool;
    size_t next, fail_at; /* fail_at: return KG_ERR_IO at this document (0: never) */
    char *text;
    kg_doc_facts facts;
} source_state;

static kg_status source(void *ctx, kg_document *doc, kg_error *err) {
    source_state *s = ctx;
    free(s->text);
    s->text = NULL;
    if (s->next == N_DOCS)
        return KG_FAILURE;
    size_t i = s->next++;
    if (s->fail_at != 0 && i == s->fail_at)
        return kg_error_set(err, KG_ERR_IO, "source", 0, 0, "failing on purpose");
    if (s->c->facts_line[i] != NULL) {
        kg_facts_source src = {KG_FACTS_JSONL, "facts", i + 1, NULL};
        kg_status st = kg_facts_read_json(&s->facts, s->pool, s->c->facts_line[i],
                                          strlen(s->c->facts_line[i]), &src, err);
        ck_assert_int_eq(st, KG_OK);
        memset(doc, 0, sizeof *doc);
        doc->id = s->facts.doc_id;
        doc->facts = &s->facts;
        return KG_OK;
    }
    char id[32];
    snprintf(id, sizeof id, "doc-%02zu.txt", i);
    return kg_document_from_bytes(doc, &s->text, s->pool, s->c->raw[i % s->c->n],
                                  s->c->len[i % s->c->n], id, id, err);
}

/* The sink: every document's facts as a JSON line, appended to a stream. */
typedef struct sink_state {
    FILE *out;
    size_t n, fail_at; /* fail_at: return KG_ERR_IO at this document (0: never) */
} sink_state;

static kg_status sink(void *ctx, const kg_doc_facts *facts, kg_error *err) {
    sink_state *s = ctx;
    if (s->fail_at != 0 && s->n == s->fail_at)
        return kg_error_set(err, KG_ERR_IO, "sink", 0, 0, "failing on purpose");
    s->n++;
    return kg_facts_write_json(facts, s->out, err);
}

/* Runs the corpus through kg_extract_parallel; the JSON lines as a new
 * string (caller frees), and the bytes the caller's pool ends with in
 * *pool_bytes unless NULL. */
static char *run_pool(corpus *c, const kg_parallel_options *opt, kg_status expect, size_t src_fail,
                      size_t sink_fail, kg_error *err, size_t *pool_bytes) {
    kg_strpool *pool = kg_strpool_new();
    char *text = NULL;
    size_t len = 0;
    FILE *out = open_memstream(&text, &len);
    ck_assert_ptr_nonnull(out);
    source_state src = {c, pool, 0, src_fail, NULL, {0}};
    kg_doc_facts_init(&src.facts);
    sink_state snk = {out, 0, sink_fail};
    kg_error_clear(err);
    kg_status st = kg_extract_parallel(pool, opt, source, &src, sink, &snk, err);
    ck_assert_int_eq(st, expect);
    fclose(out);
    free(src.text);
    kg_doc_facts_clear(&src.facts);
    if (pool_bytes != NULL)
        *pool_bytes = kg_strpool_bytes(pool);
    kg_strpool_free(pool);
    return text;
}

static char *run(corpus *c, const kg_parallel_options *opt, kg_status expect, size_t src_fail,
                 size_t sink_fail, kg_error *err) {
    return run_pool(c, opt, expect, src_fail, sink_fail, err, NULL);
}

START_TEST(test_any_thread_count_gives_the_same_facts_in_input_order) {
    corpus c;
    corpus_load(&c);
    kg_error err;
    kg_parallel_options one = KG_PARALLEL_OPTIONS_INIT;
    one.threads = 1;
    char *reference = run(&c, &one, KG_OK, 0, 0, &err);
    /* every seventh document becomes facts input, as kgraph extract wrote it */
    char *line = reference;
    for (size_t i = 0; i < N_DOCS; i++) {
        char *nl = strchr(line, '\n');
        ck_assert_ptr_nonnull(nl);
        if (i % 7 == 3)
            c.facts_line[i] = strndup(line, (size_t)(nl - line));
        line = nl + 1;
    }
    ck_assert_str_eq(line, "");
    ck_assert_ptr_nonnull(strstr(reference, "\"doc\":\"doc-39.txt\""));
    ck_assert_ptr_nonnull(strstr(reference, "holds_post"));

    /* threads, documents in flight (0: the default), renewal after every
     * document (renewing costs an extractor: a few configurations only) */
    static const size_t configs[][3] = {{1, 0, 0}, {2, 0, 0}, {2, 1, 0}, {3, 0, 0},
                                        {3, 5, 0}, {4, 2, 0}, {1, 0, 1}, {3, 4, 1}};
    for (size_t k = 0; k < sizeof configs / sizeof *configs; k++) {
        kg_parallel_options opt = KG_PARALLEL_OPTIONS_INIT;
        opt.threads = configs[k][0];
        opt.in_flight = configs[k][1];
        opt.renew_bytes = configs[k][2];
        char *got = run(&c, &opt, KG_OK, 0, 0, &err);
        ck_assert_msg(strcmp(got, reference) == 0,
                      "threads %zu, in flight %zu, renew %zu: other facts", configs[k][0],
                      configs[k][1], configs[k][2]);
        free(got);
    }
    free(reference);
    corpus_free(&c);
}
END_TEST

/* A sink that copies the evidence texts (kg_resolver_add) need not have
 * them interned: the same facts reach it, and the caller's pool is spared
 * every sentence behind a relation. */
START_TEST(test_borrowed_evidence_texts_reach_the_sink_but_stay_out_of_the_pool) {
    corpus c;
    corpus_load(&c);
    kg_error err;
    kg_parallel_options opt = KG_PARALLEL_OPTIONS_INIT;
    opt.threads = 2;
    size_t interned = 0, borrowed = 0;
    char *reference = run_pool(&c, &opt, KG_OK, 0, 0, &err, &interned);
    ck_assert_ptr_nonnull(strstr(reference, "\"text\":\""));
    opt.borrowed_evidence_text = true;
    for (size_t in_flight = 0; in_flight < 3; in_flight++) {
        opt.in_flight = in_flight;
        char *got = run_pool(&c, &opt, KG_OK, 0, 0, &err, &borrowed);
        ck_assert_str_eq(got, reference);
        /* the samples' evidence sentences are kilobytes */
        ck_assert_uint_lt(borrowed + 2000, interned);
        free(got);
    }
    free(reference);
    corpus_free(&c);
}
END_TEST

static kg_status render_json(void *ctx, const kg_doc_facts *facts, FILE *out, kg_error *err) {
    (void)ctx;
    return kg_facts_write_json(facts, out, err);
}

/* Appends the bytes; checks the document-level fields that come with them. */
static kg_status bytes_sink(void *ctx, const kg_doc_facts *doc, const char *bytes, size_t len,
                            kg_error *err) {
    sink_state *s = ctx;
    (void)err;
    ck_assert_ptr_nonnull(strstr(bytes, doc->doc_id));
    ck_assert_uint_gt(doc->n_bytes, 0);
    s->n++;
    ck_assert_uint_eq(fwrite(bytes, 1, len, s->out), len);
    return KG_OK;
}

/* Render mode (kgraph extract): the workers write the lines, the caller's
 * pool receives none of the facts, and the bytes are those of facts mode. */
START_TEST(test_rendered_lines_equal_the_facts_written_in_order) {
    corpus c;
    corpus_load(&c);
    kg_error err;
    kg_parallel_options one = KG_PARALLEL_OPTIONS_INIT;
    one.threads = 1;
    char *reference = run(&c, &one, KG_OK, 0, 0, &err);
    c.facts_line[5] = strndup(reference, (size_t)(strchr(reference, '\n') - reference));
    free(reference);
    reference = run(&c, &one, KG_OK, 0, 0, &err);
    static const size_t configs[][2] = {{1, 0}, {1, 1}, {2, 0}, {3, 1}};
    for (size_t k = 0; k < sizeof configs / sizeof *configs; k++) {
        size_t threads = configs[k][0], renew = configs[k][1];
        kg_parallel_options opt = KG_PARALLEL_OPTIONS_INIT;
        opt.threads = threads;
        opt.renew_bytes = renew;
        opt.in_flight = threads == 3 ? 2 : 0;
        kg_strpool *pool = kg_strpool_new();
        char *text = NULL;
        size_t len = 0;
        FILE *out = open_memstream(&text, &len);
        source_state src = {&c, pool, 0, 0, NULL, {0}};
        sink_state snk = {out, 0, 0};
        ck_assert_int_eq(kg_extract_parallel_render(pool, &opt, source, &src, render_json, NULL,
                                                    bytes_sink, &snk, &err),
                         KG_OK);
        fclose(out);
        ck_assert_uint_eq(snk.n, N_DOCS);
        ck_assert_msg(strcmp(text, reference) == 0, "threads %zu renew %zu: other lines", threads,
                      renew);
        /* ids, titles and languages, not names, sentences or rules */
        ck_assert_uint_lt(kg_strpool_count(pool), 3 * N_DOCS);
        free(text);
        free(src.text);
        kg_doc_facts_clear(&src.facts);
        kg_strpool_free(pool);
    }
    free(reference);
    corpus_free(&c);
}
END_TEST

START_TEST(test_forced_language_applies_to_documents_without_one) {
    corpus c;
    corpus_load(&c);
    kg_error err;
    kg_parallel_options opt = KG_PARALLEL_OPTIONS_INIT;
    opt.threads = 3;
    opt.lang = "ru";
    char *got = run(&c, &opt, KG_OK, 0, 0, &err);
    ck_assert_ptr_null(strstr(got, "\"lang\":\"en\",\"relations\""));
    ck_assert_ptr_nonnull(strstr(got, "\"lang\":\"ru\""));
    free(got);
    corpus_free(&c);
}
END_TEST

START_TEST(test_errors_of_source_and_sink_stop_the_run) {
    corpus c;
    corpus_load(&c);
    kg_error err;
    for (size_t threads = 1; threads <= 3; threads++) {
        kg_parallel_options opt = KG_PARALLEL_OPTIONS_INIT;
        opt.threads = threads;
        opt.in_flight = 4;
        char *got = run(&c, &opt, KG_ERR_IO, 25, 0, &err);
        ck_assert_str_eq(err.where, "source");
        /* documents before the failing one may or may not have reached the sink */
        ck_assert_ptr_null(strstr(got, "doc-25.txt"));
        free(got);
        got = run(&c, &opt, KG_ERR_IO, 0, 10, &err);
        ck_assert_str_eq(err.where, "sink");
        ck_assert_ptr_nonnull(strstr(got, "\"doc\":\"doc-09.txt\""));
        ck_assert_ptr_null(strstr(got, "doc-10.txt"));
        free(got);
    }
    corpus_free(&c);
}
END_TEST

static kg_status failing_setup(void *ctx, kg_extractor *ex, kg_error *err) {
    (void)ex;
    return kg_error_set(err, KG_ERR_PARSE, ctx, 3, 0, "bad rule");
}

START_TEST(test_setup_error_is_reported_before_any_document_is_read) {
    corpus c;
    corpus_load(&c);
    kg_error err;
    for (size_t threads = 1; threads <= 2; threads++) {
        kg_parallel_options opt = KG_PARALLEL_OPTIONS_INIT;
        opt.threads = threads;
        opt.setup = failing_setup;
        opt.setup_ctx = "rules.json";
        char *got = run(&c, &opt, KG_ERR_PARSE, 0, 0, &err);
        ck_assert_str_eq(err.where, "rules.json");
        ck_assert_uint_eq(err.line, 3);
        ck_assert_str_eq(got, "");
        free(got);
    }
    ck_assert_uint_ge(kg_cpu_count(), 1);
    ck_assert_int_eq(kg_extract_parallel(NULL, NULL, source, NULL, sink, NULL, &err), KG_ERR_USAGE);
    corpus_free(&c);
}
END_TEST

static Suite *pipeline_suite(void) {
    Suite *s = suite_create("pipeline");
    TCase *tc = tcase_create("core");
    tcase_set_timeout(tc, 300);
    tcase_add_test(tc, test_any_thread_count_gives_the_same_facts_in_input_order);
    tcase_add_test(tc, test_rendered_lines_equal_the_facts_written_in_order);
    tcase_add_test(tc, test_borrowed_evidence_texts_reach_the_sink_but_stay_out_of_the_pool);
    tcase_add_test(tc, test_forced_language_applies_to_documents_without_one);
    tcase_add_test(tc, test_errors_of_source_and_sink_stop_the_run);
    tcase_add_test(tc, test_setup_error_is_reported_before_any_document_is_read);
    suite_add_tcase(s, tc);
    return s;
}

int main(void) {
    SRunner *sr = srunner_create(pipeline_suite());
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed == 0 ? 0 : 1;
}
