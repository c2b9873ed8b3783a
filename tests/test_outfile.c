/* test_outfile.c — Check suite for atomic output files (graph/kg_outfile.c):
 * a committed file appears whole, an aborted or failed one leaves the
 * previous file and no temporary file behind. */
#include "kg_outfile.h"
#include "kg_test_util.h"

#include <check.h>
#include <dirent.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>

/* Number of entries in dir other than "." and "..". */
static size_t count_entries(const char *dir) {
    DIR *d = opendir(dir);
    ck_assert_ptr_nonnull(d);
    size_t n = 0;
    struct dirent *ent;
    while ((ent = readdir(d)) != NULL)
        n += strcmp(ent->d_name, ".") != 0 && strcmp(ent->d_name, "..") != 0;
    closedir(d);
    return n;
}

START_TEST(test_commit_replaces_the_file_and_keeps_its_mode) {
    char *dir = kgt_temp_dir("outfile-commit");
    char *path = kgt_path(dir, "out.facts.jsonl");
    ck_assert_int_eq(kgt_write_file(path, "old\n", 4), 0);
    ck_assert_int_eq(chmod(path, 0640), 0);
    kg_outfile *f = NULL;
    kg_error err;
    ck_assert_int_eq(kg_outfile_open(&f, path, &err), KG_OK);
    fputs("new line\n", kg_outfile_stream(f));
    /* not there until committed */
    char *now = kgt_read_file(path, NULL);
    ck_assert_str_eq(now, "old\n");
    free(now);
    ck_assert_uint_eq(count_entries(dir), 2);
    ck_assert_int_eq(kg_outfile_commit(f, &err), KG_OK);
    now = kgt_read_file(path, NULL);
    ck_assert_str_eq(now, "new line\n");
    free(now);
    struct stat sb;
    ck_assert_int_eq(stat(path, &sb), 0);
    ck_assert_uint_eq(sb.st_mode & 0777, 0640);
    ck_assert_uint_eq(count_entries(dir), 1);
    free(path);
    free(dir);
}
END_TEST

/* The byte at i of the pattern the large-file tests write. */
static char pattern_byte(size_t i) {
    return (char)('a' + (i * 7 + i / 4099) % 26);
}

/* Writes the first n bytes of the pattern in pieces of 1 to 70 000 bytes,
 * some with putc, some with fwrite. */
static void write_pattern(FILE *out, size_t n) {
    static char piece[70000];
    size_t at = 0, k = 0;
    while (at < n) {
        size_t len = (k * 7919) % sizeof piece + 1;
        if (len > n - at)
            len = n - at;
        for (size_t i = 0; i < len; i++)
            piece[i] = pattern_byte(at + i);
        if (k % 3 == 0)
            for (size_t i = 0; i < len; i++)
                putc(piece[i], out);
        else
            fwrite(piece, 1, len, out);
        at += len;
        k++;
    }
}

/* _i: 0, a few bytes; 1, exactly two 4 MiB blocks by putc, so that stdio
 * still holds the bytes that complete the second when the abort comes: they
 * are dropped (no block write, no writing thread left behind). */
START_TEST(test_abort_leaves_the_previous_file) {
    char *dir = kgt_temp_dir("outfile-abort");
    char *path = kgt_path(dir, "keep.txt");
    ck_assert_int_eq(kgt_write_file(path, "previous", 8), 0);
    kg_outfile *f = NULL;
    ck_assert_int_eq(kg_outfile_open(&f, path, NULL), KG_OK);
    if (_i == 0)
        fputs("half of it", kg_outfile_stream(f));
    else
        for (size_t i = 0; i < ((size_t)8 << 20); i++)
            putc(pattern_byte(i), kg_outfile_stream(f));
    kg_outfile_abort(f);
    char *now = kgt_read_file(path, NULL);
    ck_assert_str_eq(now, "previous");
    free(now);
    ck_assert_uint_eq(count_entries(dir), 1);
    kg_outfile_abort(NULL);
    free(path);
    free(dir);
}
END_TEST

/* Finish completes the temporary file without touching the target: an
 * abort after it still leaves the previous file, a commit after it renames. */
START_TEST(test_finish_then_abort_or_commit) {
    char *dir = kgt_temp_dir("outfile-finish");
    char *path = kgt_path(dir, "two.csv");
    ck_assert_int_eq(kgt_write_file(path, "before", 6), 0);
    kg_outfile *f = NULL;
    kg_error err;
    ck_assert_int_eq(kg_outfile_open(&f, path, &err), KG_OK);
    ck_assert_str_eq(kg_outfile_path(f), path);
    fputs("first", kg_outfile_stream(f));
    ck_assert_int_eq(kg_outfile_finish(f, &err), KG_OK);
    ck_assert_ptr_null(kg_outfile_stream(f));
    ck_assert_int_eq(kg_outfile_finish(f, &err), KG_ERR_USAGE); /* only once */
    char *now = kgt_read_file(path, NULL);
    ck_assert_str_eq(now, "before");
    free(now);
    ck_assert_uint_eq(count_entries(dir), 2);
    kg_outfile_abort(f);
    ck_assert_uint_eq(count_entries(dir), 1);

    ck_assert_int_eq(kg_outfile_open(&f, path, &err), KG_OK);
    fputs("second", kg_outfile_stream(f));
    ck_assert_int_eq(kg_outfile_finish(f, &err), KG_OK);
    ck_assert_int_eq(kg_outfile_commit(f, &err), KG_OK);
    now = kgt_read_file(path, NULL);
    ck_assert_str_eq(now, "second");
    free(now);
    ck_assert_uint_eq(count_entries(dir), 1);
    free(path);
    free(dir);
}
END_TEST

/* Files of several 4 MiB blocks go out through the writing thread, with
 * O_DIRECT where the file system allows: every byte arrives, in order,
 * whatever the size of the last block. */
START_TEST(test_large_files_arrive_whole) {
    /* _i: 0 as the file system allows, 1 without O_DIRECT */
    if (_i == 1)
        setenv("KGRAPH_DIRECT_IO", "0", 1);
    char *dir = kgt_temp_dir("outfile-large");
    char *path = kgt_path(dir, "big.ttl");
    static const size_t sizes[] = {(size_t)4 << 20, ((size_t)9 << 20) + 4096,
                                   ((size_t)13 << 20) + 4097, 4095};
    for (size_t s = 0; s < sizeof sizes / sizeof sizes[0]; s++) {
        kg_outfile *f = NULL;
        kg_error err;
        ck_assert_int_eq(kg_outfile_open(&f, path, &err), KG_OK);
        write_pattern(kg_outfile_stream(f), sizes[s]);
        ck_assert_int_eq(kg_outfile_commit(f, &err), KG_OK);
        size_t len = 0;
        char *now = kgt_read_file(path, &len);
        ck_assert_ptr_nonnull(now);
        ck_assert_uint_eq(len, sizes[s]);
        size_t bad = 0;
        while (bad < len && now[bad] == pattern_byte(bad))
            bad++;
        ck_assert_uint_eq(bad, len);
        free(now);
        ck_assert_uint_eq(count_entries(dir), 1);
    }
    unsetenv("KGRAPH_DIRECT_IO");
    free(path);
    free(dir);
}
END_TEST

START_TEST(test_bad_paths_are_reported) {
    kg_outfile *f = NULL;
    kg_error err;
    char *dir = kgt_temp_dir("outfile-bad");
    char *missing = kgt_path(dir, "no/such/dir/x.json");
    ck_assert_int_eq(kg_outfile_open(&f, missing, &err), KG_ERR_IO);
    ck_assert_ptr_null(f);
    ck_assert_str_eq(err.where, missing);
    ck_assert_int_eq(kg_outfile_open(&f, "", &err), KG_ERR_USAGE);
    ck_assert_int_eq(kg_outfile_open(&f, "some/dir/", &err), KG_ERR_USAGE);
    ck_assert_int_eq(kg_outfile_commit(NULL, &err), KG_ERR_USAGE);
    ck_assert_ptr_null(kg_outfile_stream(NULL));
    free(missing);
    free(dir);
}
END_TEST

/* A file size limit makes writes fail with EFBIG, as a full disk would
 * (SIGXFSZ ignored so that the process is not stopped): the commit fails,
 * naming the file, and the previous file stays.  _i: 0, the failing write is
 * the last, ordinary one; 1, one of the writing thread's 4 MiB blocks. */
START_TEST(test_a_write_error_fails_the_commit) {
    static const rlim_t limits[] = {1024, (rlim_t)6 << 20};
    static const size_t sizes[] = {7100, (size_t)20 << 20};
    char *dir = kgt_temp_dir("outfile-werr");
    char *path = kgt_path(dir, "w.txt");
    ck_assert_int_eq(kgt_write_file(path, "before", 6), 0);
    kg_outfile *f = NULL;
    kg_error err;
    ck_assert_int_eq(kg_outfile_open(&f, path, &err), KG_OK);
    struct rlimit old, small;
    ck_assert_int_eq(getrlimit(RLIMIT_FSIZE, &old), 0);
    small = old;
    small.rlim_cur = limits[_i];
    void (*previous)(int) = signal(SIGXFSZ, SIG_IGN);
    /* No ck_assert while the limit holds: with CK_FORK=no, Check writes each
     * assertion's record to a file of its own, which the limit would cut. */
    int limited = setrlimit(RLIMIT_FSIZE, &small);
    write_pattern(kg_outfile_stream(f), sizes[_i]);
    kg_status st = kg_outfile_commit(f, &err);
    int restored = setrlimit(RLIMIT_FSIZE, &old);
    signal(SIGXFSZ, previous);
    ck_assert_int_eq(limited, 0);
    ck_assert_int_eq(restored, 0);
    ck_assert_int_eq(st, KG_ERR_IO);
    ck_assert_str_eq(err.where, path);
    ck_assert_ptr_nonnull(strstr(err.message, "write failed"));
    char *now = kgt_read_file(path, NULL);
    ck_assert_str_eq(now, "before");
    free(now);
    ck_assert_uint_eq(count_entries(dir), 1);
    free(path);
    free(dir);
}
END_TEST

static Suite *outfile_suite(void) {
    Suite *s = suite_create("outfile");
    TCase *tc = tcase_create("outfile");
    tcase_add_test(tc, test_commit_replaces_the_file_and_keeps_its_mode);
    tcase_add_loop_test(tc, test_abort_leaves_the_previous_file, 0, 2);
    tcase_add_test(tc, test_finish_then_abort_or_commit);
    tcase_add_test(tc, test_bad_paths_are_reported);
    tcase_add_loop_test(tc, test_a_write_error_fails_the_commit, 0, 2);
    tcase_add_loop_test(tc, test_large_files_arrive_whole, 0, 2);
    suite_add_tcase(s, tc);
    return s;
}

int main(void) {
    SRunner *sr = srunner_create(outfile_suite());
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
