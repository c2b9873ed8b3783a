/* test_reader.c — Check suite for the document reader (extract/kg_reader.c):
 * directory walking and ids, metadata lines, JSON Lines, stdin, error
 * reporting, text cleaning, and kg_detect_lang. */
#include "kg_extract.h"
#include "kg_test_util.h"

#include <check.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* ---- fixtures ------------------------------------------------------------- */

static kg_strpool *pool;
static kg_reader *reader;

static void setup(void) {
    pool = kg_strpool_new();
    ck_assert_ptr_nonnull(pool);
    reader = NULL;
}

static void teardown(void) {
    kg_reader_free(reader);
    reader = NULL;
    kg_strpool_free(pool);
    pool = NULL;
}

/* Writes a NUL-terminated string to dir/name, creating parent folders named
 * in name ("a/b/c.txt"). */
static void put(const char *dir, const char *name, const char *text) {
    char *path = kgt_path(dir, name);
    ck_assert_ptr_nonnull(path);
    for (char *p = path + strlen(dir) + 1; *p != '\0'; p++) {
        if (*p == '/') {
            *p = '\0';
            mkdir(path, 0755);
            *p = '/';
        }
    }
    ck_assert_int_eq(kgt_write_file(path, text, strlen(text)), 0);
    free(path);
}

static void open_reader(const char *const *inputs, size_t n) {
    ck_assert_int_eq(kg_reader_new(&reader, pool, inputs, n), KG_OK);
    ck_assert_ptr_nonnull(reader);
}

static void open_one(const char *input) {
    open_reader(&input, 1);
}

/* Reads the next document and asserts KG_OK. */
static void next_ok(kg_document *doc) {
    kg_error err;
    kg_error_clear(&err);
    kg_status st = kg_reader_next(reader, doc, &err);
    ck_assert_msg(st == KG_OK, "expected a document, got %s: %s (%s:%zu)", kg_strerror(st),
                  err.message, err.where, err.line);
}

static void next_end(void) {
    kg_document doc;
    kg_error err;
    ck_assert_int_eq(kg_reader_next(reader, &doc, &err), KG_FAILURE);
}

/* Reads the next document expecting the error status, the place and a
 * message containing msg; err receives the details. */
static void next_error(kg_status status, const char *where, const char *msg, kg_error *err) {
    kg_document doc;
    kg_error_clear(err);
    kg_status st = kg_reader_next(reader, &doc, err);
    ck_assert_msg(st == status, "expected %s, got %s (%s)", kg_strerror(status), kg_strerror(st),
                  err->message);
    ck_assert_int_eq(err->status, status);
    ck_assert_str_eq(err->where, where);
    ck_assert_msg(strstr(err->message, msg) != NULL, "message \"%s\" lacks \"%s\"", err->message,
                  msg);
}

static int count_substr(const char *s, const char *needle) {
    int n = 0;
    for (const char *p = strstr(s, needle); p != NULL; p = strstr(p + 1, needle))
        n++;
    return n;
}

/* ---- directories ---------------------------------------------------------- */

START_TEST(test_directory_files_come_in_byte_order_with_relative_ids) {
    char *dir = kgt_temp_dir("reader-order");
    put(dir, "b.txt", "Bravo text.");
    put(dir, "a/z.md", "Zulu text.");
    put(dir, "a/y.txt", "Yankee text.");
    put(dir, "a.txt", "Alpha text.");
    put(dir, "c.jsonl", "{\"id\": \"json-1\", \"text\": \"From JSON.\"}\n");
    put(dir, "notes.csv", "not,a,document");
    put(dir, ".hidden.txt", "Hidden text.");
    put(dir, "README.md", "Describes the folder, not an article.");
    put(dir, "a/readme.txt", "Neither is this.");
    put(dir, "B/upper.TXT", "Upper-case extension.");
    open_one(dir);

    /* Byte order of relative paths: "B/" < "a." < "a/" < "b." < "c." */
    const char *ids[] = {"B/upper.TXT", "a.txt", "a/y.txt", "a/z.md", "b.txt", "json-1"};
    const char *texts[] = {"Upper-case extension.", "Alpha text.", "Yankee text.", "Zulu text.",
                           "Bravo text.",           "From JSON."};
    for (size_t i = 0; i < sizeof ids / sizeof ids[0]; i++) {
        kg_document doc;
        next_ok(&doc);
        ck_assert_str_eq(doc.id, ids[i]);
        ck_assert_str_eq(doc.text, texts[i]);
        ck_assert_uint_eq(doc.len, strlen(texts[i]));
        ck_assert_ptr_null(doc.lang);
        ck_assert_ptr_nonnull(doc.source);
        ck_assert_uint_eq(kg_reader_count(reader), i + 1);
    }
    next_end();
    next_end(); /* stays at the end */
    ck_assert_uint_eq(kg_reader_count(reader), 6);
    free(dir);
}
END_TEST

START_TEST(test_document_ids_are_pooled) {
    char *dir = kgt_temp_dir("reader-pool");
    put(dir, "sub/x.txt", "Some text.");
    open_one(dir);
    kg_document doc;
    next_ok(&doc);
    ck_assert_ptr_eq(doc.id, kg_strpool_cstr(pool, "sub/x.txt"));
    free(dir);
}
END_TEST

START_TEST(test_file_given_directly_has_its_base_name_as_id) {
    char *dir = kgt_temp_dir("reader-direct");
    put(dir, "deep/er/news.txt", "Direct text.");
    char *path = kgt_path(dir, "deep/er/news.txt");
    open_one(path);
    kg_document doc;
    next_ok(&doc);
    ck_assert_str_eq(doc.id, "news.txt");
    ck_assert_str_eq(doc.source, path);
    ck_assert_uint_eq(doc.source_line, 0);
    next_end();
    free(path);
    free(dir);
}
END_TEST

START_TEST(test_symlink_loop_does_not_hang_or_repeat) {
    char *dir = kgt_temp_dir("reader-loop");
    put(dir, "sub/a.txt", "Only once.");
    char *up = kgt_path(dir, "sub/up");
    char *self = kgt_path(dir, "sub/self");
    char *twin = kgt_path(dir, "twin");
    char *sub = kgt_path(dir, "sub");
    char *dangling = kgt_path(dir, "sub/dangling.txt");
    ck_assert_int_eq(symlink("..", up), 0);  /* sub/up → dir */
    ck_assert_int_eq(symlink(".", self), 0); /* sub/self → sub */
    ck_assert_int_eq(symlink(sub, twin), 0); /* twin → sub, a second way in */
    ck_assert_int_eq(symlink("nowhere", dangling), 0);
    open_one(dir);
    kg_document doc;
    next_ok(&doc);
    ck_assert_str_eq(doc.id, "sub/a.txt");
    next_end();
    free(up);
    free(self);
    free(twin);
    free(sub);
    free(dangling);
    free(dir);
}
END_TEST

/* What the reader returned for one call, as text, for comparing runs. */
static char *reading_of(kg_status st, const kg_document *doc, const kg_error *err) {
    char *out = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&out, &len);
    ck_assert_ptr_nonnull(f);
    fprintf(f, "%d|", (int)st);
    if (st == KG_OK)
        fprintf(f, "%s|%s|%s|%s|%zu|%d|%zu|%s", doc->id, doc->lang ? doc->lang : "-",
                doc->title ? doc->title : "-", doc->source ? doc->source : "-", doc->n_invalid,
                (int)doc->truncated, doc->len, doc->text ? doc->text : "(facts)");
    else
        fprintf(f, "%s|%s", err->where, err->message);
    fclose(f);
    return out;
}

/* Everything the reader returns for dir (until the end or a stopping
 * error), read ahead or not, at most max_doc_bytes a document. */
static size_t read_all(const char *dir, bool ahead, size_t max_doc_bytes, char ***out) {
    kg_limits limits = KG_LIMITS_DEFAULT;
    limits.max_doc_bytes = max_doc_bytes;
    open_one(dir);
    kg_reader_set_limits(reader, &limits);
    kg_reader_set_read_ahead(reader, ahead);
    size_t n = 0, cap = 0;
    char **seen = NULL;
    for (;;) {
        kg_document doc;
        kg_error err;
        kg_error_clear(&err);
        kg_status st = kg_reader_next(reader, &doc, &err);
        if (st == KG_FAILURE)
            break;
        if (n == cap) {
            cap = cap ? 2 * cap : 64;
            seen = realloc(seen, cap * sizeof *seen);
            ck_assert_ptr_nonnull(seen);
        }
        seen[n++] = reading_of(st, &doc, &err);
        if (st != KG_OK && st != KG_ERR_INPUT)
            break;
    }
    kg_reader_free(reader);
    reader = NULL;
    *out = seen;
    return n;
}

static void free_readings(char **seen, size_t n) {
    for (size_t i = 0; i < n; i++)
        free(seen[i]);
    free(seen);
}

START_TEST(test_reading_ahead_gives_the_same_documents_and_errors) {
    char *dir = kgt_temp_dir("reader-ahead");
    /* more files than the read-ahead window, with every kind of outcome
     * among them: metadata, invalid UTF-8, binary, empty, too long, facts
     * and JSON Lines files, which the reader reads itself */
    char name[64], text[256];
    for (int i = 0; i < 200; i++) {
        snprintf(name, sizeof name, "d%03d/%03d.txt", i / 50, i);
        switch (i % 7) {
        case 0:
            snprintf(text, sizeof text, "# lang: EN\n# title: Number %d\nArticle %d.\n", i, i);
            break;
        case 1:
            snprintf(text, sizeof text, "Bad \xff byte in %d.", i);
            break;
        case 2:
            snprintf(text, sizeof text, "%s", i == 2 ? "  \n\n" : "Short.");
            break;
        case 3: /* cut inside a two-byte character */
            snprintf(text, sizeof text, "Article %d: %s", i,
                     "\xd0\x9c\xd0\xbe\xd1\x81\xd0\xba\xd0\xb2\xd0\xb0 "
                     "\xd0\x9c\xd0\xbe\xd1\x81\xd0\xba\xd0\xb2\xd0\xb0 "
                     "\xd0\x9c\xd0\xbe\xd1\x81\xd0\xba\xd0\xb2\xd0\xb0 "
                     "\xd0\x9c\xd0\xbe\xd1\x81\xd0\xba\xd0\xb2\xd0\xb0 "
                     "\xd0\x9c\xd0\xbe\xd1\x81\xd0\xba\xd0\xb2\xd0\xb0.");
            break;
        default:
            snprintf(text, sizeof text, "Plain article %d.\r\nSecond line.", i);
        }
        put(dir, name, text);
    }
    char *bin = kgt_path(dir, "d001/075b.txt");
    ck_assert_int_eq(kgt_write_file(bin, "bin\0ary", 7), 0);
    put(dir, "d002/100a.jsonl", "{\"id\": \"j1\", \"text\": \"From JSON.\"}\n");
    put(dir, "d002/100b.facts.json", "{\"doc\": \"f1\", \"entities\": [], \"relations\": []}");
    put(dir, "d003/199z.facts.json", "{not json");

    char **plain = NULL, **ahead = NULL;
    size_t n_plain = read_all(dir, false, 60, &plain);
    size_t n_ahead = read_all(dir, true, 60, &ahead);
    ck_assert_uint_ge(n_plain, 200);
    ck_assert_uint_eq(n_ahead, n_plain);
    for (size_t i = 0; i < n_plain; i++)
        ck_assert_str_eq(ahead[i], plain[i]);
    /* the run really met each outcome */
    int ok = 0, empty = 0, binary = 0, truncated = 0, meta = 0, facts = 0, bad_facts = 0;
    for (size_t i = 0; i < n_plain; i++) {
        ok += strncmp(plain[i], "0|", 2) == 0;
        empty += strstr(plain[i], "empty document") != NULL;
        binary += strstr(plain[i], "binary file") != NULL;
        truncated += strstr(plain[i], "|0|1|") != NULL;
        meta += strstr(plain[i], "|en|Number ") != NULL;
        facts += strstr(plain[i], "(facts)") != NULL;
        bad_facts += strstr(plain[i], "199z.facts.json|") != NULL;
    }
    ck_assert_int_ge(ok, 190);
    ck_assert_int_eq(empty, 1);
    ck_assert_int_eq(binary, 1);
    ck_assert_int_eq(truncated, 29);
    ck_assert_int_eq(meta, 29);
    ck_assert_int_eq(facts, 1);
    ck_assert_int_eq(bad_facts, 1);
    free_readings(plain, n_plain);
    free_readings(ahead, n_ahead);
    free(bin);
    free(dir);
}
END_TEST

/* Files read from the disk rather than the page cache (their pages dropped
 * with posix_fadvise after an fsync, where the file system allows), small
 * and larger than one read's first guess, give the same documents as when
 * they are cached, read ahead or not: the reader then asks the kernel for
 * the cached part only, meets EAGAIN and reads as usual. */
START_TEST(test_files_out_of_the_page_cache_read_the_same) {
    char *dir = kgt_temp_dir("reader-cold");
    size_t big = 200000;
    char *text = malloc(big + 64);
    ck_assert_ptr_nonnull(text);
    char name[64];
    for (int i = 0; i < 150; i++) {
        size_t len = i % 10 == 0 ? big : (size_t)(20 + 13 * i);
        for (size_t k = 0; k < len; k++)
            text[k] = "Article text. "[k % 14];
        snprintf(text + len, 64, " End %d.", i);
        snprintf(name, sizeof name, "c%d/%03d.txt", i / 40, i);
        put(dir, name, text);
    }
    char **warm = NULL, **cold = NULL, **cold_ahead = NULL;
    size_t n_warm = read_all(dir, false, 0, &warm);
    ck_assert_uint_eq(n_warm, 150);
    for (int pass = 0; pass < 2; pass++) {
        for (int i = 0; i < 150; i++) {
            snprintf(name, sizeof name, "c%d/%03d.txt", i / 40, i);
            char *path = kgt_path(dir, name);
            int fd = open(path, O_RDONLY);
            ck_assert_int_ge(fd, 0);
            ck_assert_int_eq(fsync(fd), 0);
            (void)posix_fadvise(fd, 0, 0, POSIX_FADV_DONTNEED);
            close(fd);
            free(path);
        }
        char ***into = pass == 0 ? &cold : &cold_ahead;
        ck_assert_uint_eq(read_all(dir, pass == 1, 0, into), n_warm);
    }
    /* the first file is a big one, whole */
    ck_assert_msg(strstr(warm[0], "|0|200007|Article text. ") != NULL, "%.80s", warm[0]);
    for (size_t i = 0; i < n_warm; i++) {
        ck_assert_str_eq(cold[i], warm[i]);
        ck_assert_str_eq(cold_ahead[i], warm[i]);
        ck_assert_msg(strncmp(warm[i], "0|", 2) == 0, "%.80s", warm[i]);
    }
    free_readings(warm, n_warm);
    free_readings(cold, n_warm);
    free_readings(cold_ahead, n_warm);
    free(text);
    free(dir);
}
END_TEST

/* ---- metadata and cleaning ------------------------------------------------ */

START_TEST(test_metadata_lines_are_parsed_and_stripped) {
    char *dir = kgt_temp_dir("reader-meta");
    put(dir, "m.txt",
        "# lang: RU\n# source: https://example.org/news/1\n# title: Встреча профсоюзов\n"
        "# date: 2024-03-14\n# editor: nobody\nПервая строка.\n# not metadata any more\n");
    char *path = kgt_path(dir, "m.txt");
    open_one(path);
    kg_document doc;
    next_ok(&doc);
    ck_assert_str_eq(doc.lang, "ru");
    ck_assert_str_eq(doc.url, "https://example.org/news/1");
    ck_assert_str_eq(doc.title, "Встреча профсоюзов");
    ck_assert_str_eq(doc.date, "2024-03-14");
    ck_assert_str_eq(doc.text, "Первая строка.\n# not metadata any more\n");
    ck_assert_uint_eq(doc.len, strlen(doc.text));
    free(path);
    free(dir);
}
END_TEST

START_TEST(test_without_metadata_fields_are_null) {
    char *dir = kgt_temp_dir("reader-nometa");
    put(dir, "n.md", "#hashtag is text\nBody.");
    open_one(dir);
    kg_document doc;
    next_ok(&doc);
    ck_assert_ptr_null(doc.lang);
    ck_assert_ptr_null(doc.url);
    ck_assert_ptr_null(doc.title);
    ck_assert_ptr_null(doc.date);
    ck_assert_str_eq(doc.text, "#hashtag is text\nBody.");
    free(dir);
}
END_TEST

START_TEST(test_crlf_is_normalised_and_bom_stripped) {
    char *dir = kgt_temp_dir("reader-crlf");
    put(dir, "w.txt", "\xEF\xBB\xBF# title: Windows\r\nLine one\r\nLine two\rLine three\r\n");
    open_one(dir);
    kg_document doc;
    next_ok(&doc);
    ck_assert_str_eq(doc.title, "Windows");
    ck_assert_str_eq(doc.text, "Line one\nLine two\nLine three\n");
    ck_assert_uint_eq(doc.n_invalid, 0);
    free(dir);
}
END_TEST

START_TEST(test_invalid_utf8_is_replaced_and_counted) {
    char *dir = kgt_temp_dir("reader-utf8");
    put(dir, "bad.txt", "caf\xE9 and \xFF done, \xD0\x9C\xD0\xB8\xD1 end");
    open_one(dir);
    kg_document doc;
    next_ok(&doc);
    ck_assert_uint_eq(doc.n_invalid, 3);
    ck_assert_int_eq(count_substr(doc.text, "\xEF\xBF\xBD"), 3);
    ck_assert_str_eq(doc.text, "caf\xEF\xBF\xBD and \xEF\xBF\xBD done, "
                               "\xD0\x9C\xD0\xB8\xEF\xBF\xBD end");
    free(dir);
}
END_TEST

/* ---- JSON Lines ------------------------------------------------------------ */

START_TEST(test_jsonl_documents_carry_their_fields) {
    char *dir = kgt_temp_dir("reader-jsonl");
    put(dir, "docs.jsonl",
        "{\"id\": \"d1\", \"text\": \"First.\\r\\nSecond line.\", \"title\": \"T1\", "
        "\"date\": \"2024-05-21\", \"lang\": \"en\", \"url\": \"https://example.org/1\"}\n"
        "\n"
        "   \n"
        "{\"id\": \"d2\", \"text\": \"Председатель ФПК.\", \"title\": null}\r\n");
    char *path = kgt_path(dir, "docs.jsonl");
    open_one(path);
    kg_document doc;
    next_ok(&doc);
    ck_assert_str_eq(doc.id, "d1");
    ck_assert_str_eq(doc.text, "First.\nSecond line.");
    ck_assert_str_eq(doc.title, "T1");
    ck_assert_str_eq(doc.date, "2024-05-21");
    ck_assert_str_eq(doc.lang, "en");
    ck_assert_str_eq(doc.url, "https://example.org/1");
    ck_assert_str_eq(doc.source, path);
    ck_assert_uint_eq(doc.source_line, 1);
    next_ok(&doc);
    ck_assert_str_eq(doc.id, "d2");
    ck_assert_str_eq(doc.text, "Председатель ФПК.");
    ck_assert_ptr_null(doc.title);
    ck_assert_ptr_null(doc.lang);
    ck_assert_uint_eq(doc.source_line, 4);
    next_end();
    ck_assert_uint_eq(kg_reader_count(reader), 2);
    free(path);
    free(dir);
}
END_TEST

/* Data-driven: every bad line is reported as KG_ERR_PARSE at its line. */
static const struct bad_jsonl_case {
    const char *content;
    size_t line;
    const char *message;
} bad_jsonl_cases[] = {
    {"{\"id\": \"ok\", \"text\": \"Fine.\"}\n\n{\"id\": \"x\", \"text\": \n", 3, "invalid JSON"},
    {"{\"id\": \"ok\", \"text\": \"Fine.\"}\n[1, 2]\n", 2, "JSON object"},
    {"{\"id\": \"ok\", \"text\": \"Fine.\"}\n\"just a string\"\n", 2, "JSON object"},
    {"{\"id\": \"ok\", \"text\": \"Fine.\"}\n\n\n{\"text\": \"no id\"}\n", 4, "\"id\""},
    {"{\"id\": \"ok\", \"text\": \"Fine.\"}\n{\"id\": 7, \"text\": \"numeric id\"}\n", 2, "\"id\""},
    {"{\"id\": \"ok\", \"text\": \"Fine.\"}\n{\"id\": \"t\"}\n", 2, "\"text\""},
    {"{\"id\": \"ok\", \"text\": \"Fine.\"}\n{\"id\": \"t\", \"text\": [\"a\"]}\n", 2, "\"text\""},
    {"{\"id\": \"ok\", \"text\": \"Fine.\"}\n{\"id\": \"t\", \"text\": \"x\", \"date\": 2024}\n", 2,
     "\"date\""},
    {"{\"id\": \"ok\", \"text\": \"Fine.\"}\nnot json at all\n", 2, "invalid JSON"},
};

START_TEST(test_bad_jsonl_line_is_reported_with_its_line_number) {
    const struct bad_jsonl_case *c = &bad_jsonl_cases[_i];
    char *dir = kgt_temp_dir("reader-badjsonl");
    put(dir, "bad.jsonl", c->content);
    char *path = kgt_path(dir, "bad.jsonl");
    open_one(path);
    kg_document doc;
    kg_error err;
    next_ok(&doc);
    ck_assert_str_eq(doc.id, "ok");
    next_error(KG_ERR_PARSE, path, c->message, &err);
    ck_assert_uint_eq(err.line, c->line);
    /* The reader stopped: the same error again. */
    kg_error again;
    ck_assert_int_eq(kg_reader_next(reader, &doc, &again), KG_ERR_PARSE);
    ck_assert_uint_eq(again.line, c->line);
    ck_assert_uint_eq(kg_reader_count(reader), 1);
    free(path);
    free(dir);
}
END_TEST

START_TEST(test_jsonl_document_with_empty_text_is_an_input_error) {
    char *dir = kgt_temp_dir("reader-jsonl-empty");
    put(dir, "e.jsonl",
        "{\"id\": \"blank\", \"text\": \" \\n \"}\n{\"id\": \"next\", \"text\": \"Next.\"}\n");
    char *path = kgt_path(dir, "e.jsonl");
    open_one(path);
    kg_error err;
    next_error(KG_ERR_INPUT, path, "empty document", &err);
    ck_assert_uint_eq(err.line, 1);
    kg_document doc;
    next_ok(&doc);
    ck_assert_str_eq(doc.id, "next");
    next_end();
    free(path);
    free(dir);
}
END_TEST

/* ---- errors ------------------------------------------------------------------ */

START_TEST(test_missing_file_is_reported_by_name) {
    char *dir = kgt_temp_dir("reader-missing");
    char *path = kgt_path(dir, "absent.txt");
    open_one(path);
    kg_error err;
    next_error(KG_ERR_INPUT, path, "No such file or directory", &err);
    char buf[1024];
    ck_assert_ptr_nonnull(strstr(kg_error_format(&err, buf, sizeof buf), "absent.txt"));
    next_end();
    free(path);
    free(dir);
}
END_TEST

START_TEST(test_directory_without_documents_is_reported) {
    char *dir = kgt_temp_dir("reader-emptydir");
    put(dir, "data.csv", "a,b");
    open_one(dir);
    kg_error err;
    next_error(KG_ERR_INPUT, dir, "no .txt, .md, .jsonl or .facts.json files", &err);
    next_end();
    free(dir);
}
END_TEST

START_TEST(test_empty_file_is_reported_and_reading_goes_on) {
    char *dir = kgt_temp_dir("reader-emptyfile");
    put(dir, "zero.txt", "");
    put(dir, "spaces.txt", " \n\t\n  ");
    put(dir, "meta-only.txt", "# lang: en\n# title: Nothing\n\n");
    put(dir, "good.txt", "Real text.");
    char *zero = kgt_path(dir, "zero.txt"), *spaces = kgt_path(dir, "spaces.txt");
    char *meta = kgt_path(dir, "meta-only.txt"), *good = kgt_path(dir, "good.txt");
    const char *inputs[] = {zero, spaces, meta, good};
    open_reader(inputs, 4);
    kg_error err;
    next_error(KG_ERR_INPUT, zero, "empty document", &err);
    next_error(KG_ERR_INPUT, spaces, "empty document", &err);
    next_error(KG_ERR_INPUT, meta, "empty document", &err);
    kg_document doc;
    next_ok(&doc);
    ck_assert_str_eq(doc.id, "good.txt");
    next_end();
    ck_assert_uint_eq(kg_reader_count(reader), 1);
    free(zero);
    free(spaces);
    free(meta);
    free(good);
    free(dir);
}
END_TEST

START_TEST(test_binary_file_is_rejected) {
    char *dir = kgt_temp_dir("reader-binary");
    char *path = kgt_path(dir, "image.txt");
    static const char bytes[] = {'\x89', 'P', 'N', 'G', '\r', '\n', '\0', '\0', 'x'};
    ck_assert_int_eq(kgt_write_file(path, bytes, sizeof bytes), 0);
    open_one(path);
    kg_error err;
    next_error(KG_ERR_INPUT, path, "binary file", &err);
    next_end();
    free(path);
    free(dir);
}
END_TEST

START_TEST(test_unreadable_file_is_an_io_error) {
    if (geteuid() == 0)
        return; /* root reads everything */
    char *dir = kgt_temp_dir("reader-unreadable");
    put(dir, "secret.txt", "Hidden.");
    char *path = kgt_path(dir, "secret.txt");
    ck_assert_int_eq(chmod(path, 0), 0);
    open_one(path);
    kg_error err;
    next_error(KG_ERR_IO, path, "", &err);
    chmod(path, 0644);
    free(path);
    free(dir);
}
END_TEST

START_TEST(test_free_null_and_bad_arguments) {
    kg_reader_free(NULL);
    ck_assert_uint_eq(kg_reader_count(NULL), 0);
    kg_reader *r = (kg_reader *)&r;
    ck_assert_int_eq(kg_reader_new(&r, NULL, NULL, 0), KG_ERR_USAGE);
    ck_assert_ptr_null(r);
    ck_assert_int_eq(kg_reader_new(&r, pool, NULL, 2), KG_ERR_USAGE);
    ck_assert_ptr_null(r);
    /* No inputs: a reader that is at its end at once. */
    open_reader(NULL, 0);
    next_end();
}
END_TEST

/* ---- stdin ------------------------------------------------------------------ */

/* Points stdin at a file with content (the suite runs without fork, so the
 * stream stays redirected; no other test reads stdin). */
static void stdin_from(const char *tag, const char *content) {
    char *dir = kgt_temp_dir(tag);
    put(dir, "stdin.txt", content);
    char *path = kgt_path(dir, "stdin.txt");
    ck_assert_ptr_nonnull(freopen(path, "rb", stdin));
    free(path);
    free(dir);
}

START_TEST(test_stdin_plain_text_is_one_document) {
    stdin_from("reader-stdin-plain", "\n  # lang: en\nNot metadata: the line is indented.\n");
    open_one("-");
    kg_document doc;
    next_ok(&doc);
    ck_assert_str_eq(doc.id, "stdin");
    ck_assert_ptr_null(doc.lang);
    ck_assert_str_eq(doc.text, "\n  # lang: en\nNot metadata: the line is indented.\n");
    next_end();
}
END_TEST

START_TEST(test_stdin_json_lines_when_it_starts_with_a_brace) {
    stdin_from("reader-stdin-jsonl",
               "\n\n  {\"id\": \"s1\", \"text\": \"One.\"}\n{\"id\": \"s2\", \"text\": \"Two.\"}\n"
               "{\"id\": \"s3\"}\n");
    open_one("-");
    kg_document doc;
    next_ok(&doc);
    ck_assert_str_eq(doc.id, "s1");
    ck_assert_uint_eq(doc.source_line, 3);
    next_ok(&doc);
    ck_assert_str_eq(doc.id, "s2");
    ck_assert_uint_eq(doc.source_line, 4);
    kg_error err;
    next_error(KG_ERR_PARSE, "<stdin>", "\"text\"", &err);
    ck_assert_uint_eq(err.line, 5);
}
END_TEST

START_TEST(test_empty_stdin_is_an_empty_document) {
    stdin_from("reader-stdin-empty", "");
    open_one("-");
    kg_error err;
    next_error(KG_ERR_INPUT, "<stdin>", "empty document", &err);
    next_end();
}
END_TEST

/* ---- several inputs --------------------------------------------------------- */

START_TEST(test_inputs_are_read_in_the_order_given) {
    char *one = kgt_temp_dir("reader-multi-1"), *two = kgt_temp_dir("reader-multi-2");
    put(one, "z.txt", "Z.");
    put(two, "a.txt", "A.");
    put(two, "sub/b.txt", "B.");
    char *direct = kgt_path(one, "z.txt");
    const char *inputs[] = {two, direct, one};
    open_reader(inputs, 3);
    const char *ids[] = {"a.txt", "sub/b.txt", "z.txt", "z.txt"};
    for (size_t i = 0; i < 4; i++) {
        kg_document doc;
        next_ok(&doc);
        ck_assert_str_eq(doc.id, ids[i]);
    }
    next_end();
    ck_assert_uint_eq(kg_reader_count(reader), 4);
    free(direct);
    free(one);
    free(two);
}
END_TEST

/* ---- the project's samples ------------------------------------------------- */

START_TEST(test_samples_directory_yields_every_article_in_order) {
    static const char *const russian[] = {"03_", "04_", "05_", "09_"};
    const char *samples = KG_SOURCE_DIR "/samples";
    open_one(samples);
    kg_document doc;
    char previous[256] = "";
    size_t n = 0;
    while (kg_reader_next(reader, &doc, NULL) == KG_OK) {
        n++;
        /* NN_slug.txt, never README.md nor the gold files under expected/ */
        ck_assert_msg(strlen(doc.id) > 7 && doc.id[0] >= '0' && doc.id[0] <= '9' &&
                          doc.id[2] == '_' && strcmp(doc.id + strlen(doc.id) - 4, ".txt") == 0,
                      "unexpected sample id %s", doc.id);
        ck_assert_int_lt(strcmp(previous, doc.id), 0);
        snprintf(previous, sizeof previous, "%s", doc.id);
        ck_assert_uint_eq(doc.n_invalid, 0);
        ck_assert_ptr_null(doc.lang); /* samples carry no metadata lines */
        int is_ru = 0;
        for (size_t i = 0; i < sizeof russian / sizeof russian[0]; i++)
            is_ru |= strncmp(doc.id, russian[i], 3) == 0;
        ck_assert_str_eq(kg_detect_lang(doc.text, doc.len), is_ru ? "ru" : "en");
    }
    ck_assert_uint_ge(n, 8);
    ck_assert_uint_eq(kg_reader_count(reader), n);
}
END_TEST

/* ---- language --------------------------------------------------------------- */

START_TEST(test_detect_lang) {
    const char *en = "The Federation of Trade Unions of Kyrgyzstan signed a memorandum.";
    const char *ru = "Федерация профсоюзов Кыргызстана подписала меморандум с ФНПР.";
    const char *kk = "Қазақстан Республикасы Кәсіподақтар Федерациясының төрағасы Астанада "
                     "кездесу өткізді.";
    const char *ru_with_latin = "Председатель ITUC и ILO встретился с коллегами из ФНПР в Женеве.";
    const char *en_with_word = "The FNPR (in Russian, ФНПР) met the ITUC and the ILO in Geneva "
                               "and Bishkek to discuss labour migration in Central Asia.";
    ck_assert_str_eq(kg_detect_lang(en, strlen(en)), "en");
    ck_assert_str_eq(kg_detect_lang(ru, strlen(ru)), "ru");
    ck_assert_str_eq(kg_detect_lang(kk, strlen(kk)), "ru");
    ck_assert_str_eq(kg_detect_lang(ru_with_latin, strlen(ru_with_latin)), "ru");
    ck_assert_str_eq(kg_detect_lang(en_with_word, strlen(en_with_word)), "en");
    ck_assert_str_eq(kg_detect_lang("", 0), "en");
    ck_assert_str_eq(kg_detect_lang("2024 — 15:30", strlen("2024 — 15:30")), "en");
    /* Only len bytes count. */
    ck_assert_str_eq(kg_detect_lang("ok Федерация", 2), "en");
}
END_TEST

static Suite *reader_suite(void) {
    Suite *s = suite_create("reader");
    TCase *tc = tcase_create("reader");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_test(tc, test_directory_files_come_in_byte_order_with_relative_ids);
    tcase_add_test(tc, test_document_ids_are_pooled);
    tcase_add_test(tc, test_file_given_directly_has_its_base_name_as_id);
    tcase_add_test(tc, test_symlink_loop_does_not_hang_or_repeat);
    tcase_add_test(tc, test_metadata_lines_are_parsed_and_stripped);
    tcase_add_test(tc, test_without_metadata_fields_are_null);
    tcase_add_test(tc, test_crlf_is_normalised_and_bom_stripped);
    tcase_add_test(tc, test_invalid_utf8_is_replaced_and_counted);
    tcase_add_test(tc, test_jsonl_documents_carry_their_fields);
    tcase_add_loop_test(tc, test_bad_jsonl_line_is_reported_with_its_line_number, 0,
                        (int)(sizeof bad_jsonl_cases / sizeof bad_jsonl_cases[0]));
    tcase_add_test(tc, test_jsonl_document_with_empty_text_is_an_input_error);
    tcase_add_test(tc, test_missing_file_is_reported_by_name);
    tcase_add_test(tc, test_directory_without_documents_is_reported);
    tcase_add_test(tc, test_empty_file_is_reported_and_reading_goes_on);
    tcase_add_test(tc, test_binary_file_is_rejected);
    tcase_add_test(tc, test_unreadable_file_is_an_io_error);
    tcase_add_test(tc, test_free_null_and_bad_arguments);
    tcase_add_test(tc, test_stdin_plain_text_is_one_document);
    tcase_add_test(tc, test_stdin_json_lines_when_it_starts_with_a_brace);
    tcase_add_test(tc, test_empty_stdin_is_an_empty_document);
    tcase_add_test(tc, test_inputs_are_read_in_the_order_given);
    tcase_add_test(tc, test_samples_directory_yields_every_article_in_order);
    tcase_add_test(tc, test_detect_lang);
    tcase_add_test(tc, test_reading_ahead_gives_the_same_documents_and_errors);
    tcase_add_test(tc, test_files_out_of_the_page_cache_read_the_same);
    suite_add_tcase(s, tc);
    return s;
}

int main(void) {
    SRunner *sr = srunner_create(reader_suite());
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
