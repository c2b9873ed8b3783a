/* test_nomem.c — Check suite: every allocation of a small build fails in
 * turn, and kgraph gives a clean error (KG_ERR_NOMEM, or the status that
 * reports it), no crash, no leak (run under valgrind or ASan/LSan).
 *
 * The executable is linked with -Wl,--wrap=malloc,calloc,realloc,strdup,
 * strndup (tests/CMakeLists.txt): the calls made by kgraph's own code (the
 * static libkgraph.a) and by this file go through the __wrap_ functions
 * below, which fail the N-th call of the window.  jansson, igraph,
 * raptor2, utf8proc, libstemmer and libc itself allocate outside the
 * window: they are not made to fail (docs/reliability.md says why).
 *
 * For N = 1, 2, ... the scenario runs with the N-th allocation failing,
 * until a run completes without reaching N. */
#include "kg_export.h"
#include "kg_extract.h"
#include "kg_graph.h"
#include "kg_resolve.h"
#include "kg_test_util.h"

#include <check.h>
#include <execinfo.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void *__real_malloc(size_t size);
void *__real_calloc(size_t n, size_t size);
void *__real_realloc(void *p, size_t size);
char *__real_strdup(const char *s);
char *__real_strndup(const char *s, size_t n);
void *__wrap_malloc(size_t size);
void *__wrap_calloc(size_t n, size_t size);
void *__wrap_realloc(void *p, size_t size);
char *__wrap_strdup(const char *s);
char *__wrap_strndup(const char *s, size_t n);

/* The window: while armed, allocation number fail_at (counting from 1)
 * fails; calls counts the allocations seen. */
static int armed;
static size_t calls, fail_at;

static int should_fail(void) {
    if (!armed || ++calls != fail_at)
        return 0;
    const char *trace = getenv("KG_NOMEM_TRACE"); /* N: where failure N comes from */
    if (trace != NULL && strtoul(trace, NULL, 10) == fail_at) {
        void *frames[32];
        backtrace_symbols_fd(frames, backtrace(frames, 32), 2);
    }
    return 1;
}

void *__wrap_malloc(size_t size) {
    return should_fail() ? NULL : __real_malloc(size);
}

void *__wrap_calloc(size_t n, size_t size) {
    return should_fail() ? NULL : __real_calloc(n, size);
}

void *__wrap_realloc(void *p, size_t size) {
    return should_fail() ? NULL : __real_realloc(p, size);
}

char *__wrap_strdup(const char *s) {
    return should_fail() ? NULL : __real_strdup(s);
}

char *__wrap_strndup(const char *s, size_t n) {
    return should_fail() ? NULL : __real_strndup(s, n);
}

static char *input_dir, *output_dir;

static void make_input(void) {
    static const char en[] =
        "# title: Memorandum\n"
        "Chairman of the Federation of Trade Unions of Kazakhstan (FPRK) Satybaldy Dauletalin "
        "met with FNPR Chairman Mikhail Shmakov in Astana on 12 May 2024. The FPRK and the FNPR "
        "signed a memorandum of cooperation.\n";
    static const char ru[] = "Председатель ФНПР Михаил Шмаков встретился в Бишкеке с "
                             "председателем Федерации профсоюзов Кыргызстана Мирлан Бакировым.\n";
    static const char jsonl[] = "{\"id\": \"j1\", \"text\": \"The ILO held a seminar in Almaty. "
                                "Kairat Ospanov of the FPRK took part.\"}\n";
    input_dir = kgt_temp_dir("nomem-in");
    output_dir = kgt_temp_dir("nomem-out");
    ck_assert_ptr_nonnull(input_dir);
    ck_assert_ptr_nonnull(output_dir);
    char *p = kgt_path(input_dir, "en.txt");
    ck_assert_int_eq(kgt_write_file(p, en, sizeof en - 1), 0);
    free(p);
    p = kgt_path(input_dir, "ru.txt");
    ck_assert_int_eq(kgt_write_file(p, ru, sizeof ru - 1), 0);
    free(p);
    p = kgt_path(input_dir, "more.jsonl");
    ck_assert_int_eq(kgt_write_file(p, jsonl, sizeof jsonl - 1), 0);
    free(p);
}

static void free_input(void) {
    free(input_dir);
    free(output_dir);
    input_dir = output_dir = NULL;
}

/* Reads, extracts, resolves, builds the graph and writes graph.json: what
 * `kgraph build -f json` does, with an extractor made beforehand (its
 * construction is the other test).  Returns the first error status. */
static kg_status build(kg_strpool *pool, kg_extractor *extractor, kg_error *err) {
    kg_status st = KG_OK;
    kg_reader *reader = NULL;
    kg_resolver *resolver = NULL;
    kg_graph *graph = NULL;
    kg_resolved data = {0};
    kg_doc_facts facts;
    kg_doc_facts_init(&facts);
    const char *inputs[] = {input_dir};

    if ((st = kg_reader_new(&reader, pool, inputs, 1)) != KG_OK ||
        (st = kg_resolver_new(&resolver, pool)) != KG_OK)
        goto cleanup;
    for (;;) {
        kg_document doc;
        st = kg_reader_next(reader, &doc, err);
        if (st == KG_FAILURE) {
            st = KG_OK;
            break;
        }
        if (st != KG_OK || (st = kg_extract_document(extractor, &doc, &facts)) != KG_OK ||
            (st = kg_resolver_add(resolver, &facts)) != KG_OK)
            goto cleanup;
    }
    if ((st = kg_resolver_finish(resolver, &data, err)) != KG_OK ||
        (st = kg_graph_build(&graph, &data, KG_DEFAULT_BASE_IRI, err)) != KG_OK ||
        (st = kg_export_dir(graph, KG_FORMAT_JSON, NULL, output_dir, err)) != KG_OK)
        goto cleanup;

cleanup:
    kg_graph_free(graph);
    kg_resolved_clear(&data);
    kg_doc_facts_clear(&facts);
    kg_resolver_free(resolver);
    kg_reader_free(reader);
    return st;
}

/* Every stride-th N (KG_NOMEM_STRIDE, else the default given). */
static size_t stride_or(size_t fallback) {
    const char *s = getenv("KG_NOMEM_STRIDE");
    size_t n = s != NULL ? strtoul(s, NULL, 10) : 0;
    return n > 0 ? n : fallback;
}

START_TEST(test_every_failed_allocation_in_a_build_gives_a_clean_error) {
    make_input();
    kg_strpool *pool = kg_strpool_new();
    ck_assert_ptr_nonnull(pool);
    kg_extractor *extractor = NULL;
    ck_assert_int_eq(kg_extractor_new(&extractor, pool, NULL), KG_OK);

    /* the reference run: no failure */
    kg_error err;
    kg_error_clear(&err);
    ck_assert_int_eq(build(pool, extractor, &err), KG_OK);
    char *path = kgt_path(output_dir, "graph.json");
    size_t ref_len = 0;
    char *reference = kgt_read_file(path, &ref_len);
    ck_assert_ptr_nonnull(reference);

    size_t runs = 0, nomem = 0, stride = stride_or(1);
    for (fail_at = 1;; fail_at += stride) {
        kg_error_clear(&err);
        calls = 0;
        armed = 1;
        kg_status st = build(pool, extractor, &err);
        armed = 0;
        if (calls < fail_at) {
            ck_assert_int_eq(st, KG_OK); /* nothing failed: the whole build ran */
            break;
        }
        runs++;
        /* The one allowed success: the last allocation is the directory
         * fsync after graph.json was renamed into place, which is best
         * effort (the file is complete either way). */
        if (st == KG_OK && fail_at == calls)
            continue;
        if (st == KG_OK)
            ck_abort_msg("allocation %zu of %zu failed and the build still returned KG_OK", fail_at,
                         calls);
        /* Out of memory is KG_ERR_NOMEM; where igraph reports it in its
         * own terms the status is KG_ERR_GRAPH. */
        ck_assert_msg(st == KG_ERR_NOMEM || st == KG_ERR_GRAPH,
                      "allocation %zu: unexpected status %s (%s)", fail_at, kg_strerror(st),
                      err.message);
        nomem += st == KG_ERR_NOMEM;
        /* a failed build leaves the previous graph.json whole */
        size_t len = 0;
        char *now = kgt_read_file(path, &len);
        ck_assert_ptr_nonnull(now);
        ck_assert_msg(len == ref_len && memcmp(now, reference, len) == 0,
                      "allocation %zu: graph.json changed by a failed build", fail_at);
        free(now);
    }
    fprintf(stderr,
            "test_nomem: build: %zu allocations failed in turn (stride %zu), %zu gave "
            "KG_ERR_NOMEM\n",
            runs, stride, nomem);
    ck_assert_uint_gt(runs, 100 / stride);
    kg_extractor_free(extractor);
    kg_strpool_free(pool);
    free(reference);
    free(path);
    free_input();
}
END_TEST

/* kg_extractor_new compiles the built-in lexicons and rules: tens of
 * thousands of allocations, so every 16th by default (KG_NOMEM_STRIDE=1
 * tries them all, docs/reliability.md). */
START_TEST(test_failed_allocations_while_making_an_extractor_give_nomem) {
    size_t runs = 0, stride = stride_or(16);
    for (fail_at = 1;; fail_at += stride) {
        kg_strpool *pool = kg_strpool_new();
        ck_assert_ptr_nonnull(pool);
        kg_extractor *extractor = NULL;
        kg_error err;
        kg_error_clear(&err);
        calls = 0;
        armed = 1;
        kg_status st = kg_extractor_new(&extractor, pool, &err);
        armed = 0;
        if (calls < fail_at) {
            ck_assert_int_eq(st, KG_OK);
            kg_extractor_free(extractor);
            kg_strpool_free(pool);
            break;
        }
        runs++;
        ck_assert_msg(st == KG_ERR_NOMEM, "allocation %zu of %zu: status %s (%s)", fail_at, calls,
                      kg_strerror(st), err.message);
        ck_assert_ptr_null(extractor);
        kg_strpool_free(pool);
    }
    fprintf(stderr, "test_nomem: extractor: %zu allocations failed in turn (stride %zu)\n", runs,
            stride);
    /* thousands of allocations, every stride-th of them failed once */
    ck_assert_uint_gt(calls, 1000);
    ck_assert_uint_eq(runs, (calls - 1) / stride + 1);
}
END_TEST

static Suite *nomem_suite(void) {
    Suite *s = suite_create("nomem");
    TCase *tc = tcase_create("nomem");
    tcase_set_timeout(tc, 3000);
    tcase_add_test(tc, test_every_failed_allocation_in_a_build_gives_a_clean_error);
    tcase_add_test(tc, test_failed_allocations_while_making_an_extractor_give_nomem);
    suite_add_tcase(s, tc);
    return s;
}

int main(void) {
    SRunner *sr = srunner_create(nomem_suite());
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
