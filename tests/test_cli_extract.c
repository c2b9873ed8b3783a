/* test_cli_extract.c — `kgraph extract`, facts inputs of `kgraph build` and
 * `kgraph eval`, end to end through the executable: shards extracted apart
 * and built together give byte-identical files, a gold-format file from
 * another tool merges with text input, malformed facts are reported with
 * file and line, and `kgraph eval` gives figures worked out by hand. */
#include "kg_model.h"
#include "kg_test_util.h"

#include <check.h>
#include <dirent.h>
#include <jansson.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define SAMPLES KG_SOURCE_DIR "/samples"

/* ---- helpers ------------------------------------------------------------------------ */

static char *fmt(const char *format, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 1, 2)))
#endif
    ;

static char *fmt(const char *format, ...) {
    va_list ap;
    va_start(ap, format);
    int n = vsnprintf(NULL, 0, format, ap);
    va_end(ap);
    ck_assert_int_ge(n, 0);
    char *s = malloc((size_t)n + 1);
    ck_assert_ptr_nonnull(s);
    va_start(ap, format);
    vsnprintf(s, (size_t)n + 1, format, ap);
    va_end(ap);
    return s;
}

/* Runs "KG_CLI args" (shell text); stdout and stderr as new strings (either
 * may be NULL); returns the exit status. */
static int run_cli(const char *args, char **out, char **err) {
    char *cmd = fmt("'%s' %s", KG_CLI, args);
    int rc = kgt_run(cmd, out, err);
    free(cmd);
    return rc;
}

static void put(const char *dir, const char *name, const char *text) {
    char *path = kgt_path(dir, name);
    ck_assert_int_eq(kgt_write_file(path, text, strlen(text)), 0);
    free(path);
}

static int cmp_name(const void *a, const void *b) {
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* The sample articles named NN_*.txt for NN in [from, to], as one string of
 * quoted paths. */
static char *sample_files(int from, int to) {
    DIR *d = opendir(SAMPLES);
    ck_assert_ptr_nonnull(d);
    char *names[64];
    size_t n = 0;
    struct dirent *ent;
    while ((ent = readdir(d)) != NULL && n < 64) {
        int num = 0;
        size_t len = strlen(ent->d_name);
        if (len > 4 && strcmp(ent->d_name + len - 4, ".txt") == 0 &&
            sscanf(ent->d_name, "%d_", &num) == 1 && num >= from && num <= to)
            names[n++] = strdup(ent->d_name);
    }
    closedir(d);
    ck_assert_uint_eq(n, (size_t)(to - from + 1));
    qsort(names, n, sizeof *names, cmp_name);
    char *all = strdup("");
    for (size_t i = 0; i < n; i++) {
        char *next = fmt("%s '%s/%s'", all, SAMPLES, names[i]);
        free(all);
        free(names[i]);
        all = next;
    }
    return all;
}

/* Every file in dir `a` exists in `b` with the same bytes (and at least the
 * three default formats were written). */
static void assert_same_outputs(const char *a, const char *b) {
    DIR *d = opendir(a);
    ck_assert_ptr_nonnull(d);
    size_t n = 0;
    struct dirent *ent;
    while ((ent = readdir(d)) != NULL) {
        if (ent->d_name[0] == '.')
            continue;
        char *pa = kgt_path(a, ent->d_name), *pb = kgt_path(b, ent->d_name);
        size_t la = 0, lb = 0;
        char *x = kgt_read_file(pa, &la), *y = kgt_read_file(pb, &lb);
        ck_assert_msg(x != NULL && y != NULL, "%s or %s missing", pa, pb);
        ck_assert_msg(la == lb && memcmp(x, y, la) == 0, "%s and %s differ", pa, pb);
        free(x);
        free(y);
        free(pa);
        free(pb);
        n++;
    }
    closedir(d);
    ck_assert_uint_ge(n, 3);
    const char *formats[] = {"graph.ttl", "graph.graphml", "graph.json"};
    for (size_t i = 0; i < 3; i++) {
        char *p = kgt_path(b, formats[i]);
        struct stat sb;
        ck_assert_msg(stat(p, &sb) == 0, "%s not written", p);
        free(p);
    }
}

static json_t *load_json(const char *dir, const char *name) {
    char *path = kgt_path(dir, name);
    json_error_t jerr;
    json_t *root = json_load_file(path, 0, &jerr);
    ck_assert_msg(root != NULL, "%s: %s", path, jerr.text);
    free(path);
    return root;
}

/* ---- kgraph extract ------------------------------------------------------------------ */

START_TEST(test_extract_writes_one_line_per_document) {
    char *files = sample_files(1, 3);
    char *args = fmt("extract %s", files);
    char *out = NULL, *err = NULL, *again = NULL;
    ck_assert_int_eq(run_cli(args, &out, &err), 0);
    ck_assert_str_eq(err, "");
    size_t lines = 0;
    for (const char *p = out; *p != '\0'; p++)
        lines += *p == '\n';
    ck_assert_uint_eq(lines, 3);
    /* each line a facts object, in input order */
    const char *line = out;
    const char *ids[] = {"01_", "02_", "03_"};
    for (size_t i = 0; i < 3; i++) {
        const char *nl = strchr(line, '\n');
        json_error_t jerr;
        json_t *o = json_loadb(line, (size_t)(nl - line), 0, &jerr);
        ck_assert_msg(o != NULL, "line %zu: %s", i + 1, jerr.text);
        ck_assert_int_eq(strncmp(json_string_value(json_object_get(o, "doc")), ids[i], 3), 0);
        ck_assert(json_array_size(json_object_get(o, "entities")) > 0);
        ck_assert(json_is_integer(json_object_get(o, "sentences")));
        json_decref(o);
        line = nl + 1;
    }
    /* deterministic */
    ck_assert_int_eq(run_cli(args, &again, NULL), 0);
    ck_assert_str_eq(out, again);
    free(again);
    /* "-o -" is standard output, not a file called "-" */
    char *dash = fmt("extract -o - %s", files);
    ck_assert_int_eq(run_cli(dash, &again, NULL), 0);
    ck_assert_str_eq(out, again);
    ck_assert_int_ne(access("-", F_OK), 0);
    free(dash);
    free(again);
    free(out);
    free(err);
    free(args);
    free(files);
}
END_TEST

START_TEST(test_extract_to_a_file_is_atomic) {
    char *dir = kgt_temp_dir("cli-extract-o");
    char *target = kgt_path(dir, "out.facts.jsonl");
    put(dir, "out.facts.jsonl", "previous\n");
    put(dir, "bad.facts.jsonl", "{\"doc\": \"x\", \"entities\": [{\"id\": \"e1\"}]}\n");
    char *files = sample_files(1, 2);
    /* fails at the bad line after a good document: the old file stays */
    char *args = fmt("extract -o '%s' %s '%s/bad.facts.jsonl'", target, files, dir);
    char *err = NULL, *out = NULL;
    ck_assert_int_eq(run_cli(args, &out, &err), 1);
    ck_assert_ptr_nonnull(strstr(err, "bad.facts.jsonl:1: entity 1: missing \"type\""));
    char *now = kgt_read_file(target, NULL);
    ck_assert_str_eq(now, "previous\n");
    free(now);
    free(args);
    free(err);
    free(out);
    /* succeeds: replaced, nothing on stdout */
    args = fmt("extract -o '%s' %s", target, files);
    ck_assert_int_eq(run_cli(args, &out, &err), 0);
    ck_assert_str_eq(out, "");
    now = kgt_read_file(target, NULL);
    ck_assert_int_eq(strncmp(now, "{\"bytes\":", 9), 0);
    free(now);
    /* extracting facts copies them through unchanged */
    char *copy = kgt_path(dir, "copy.facts.jsonl");
    char *args2 = fmt("extract -o '%s' '%s'", copy, target);
    ck_assert_int_eq(run_cli(args2, NULL, NULL), 0);
    char *a = kgt_read_file(target, NULL), *b = kgt_read_file(copy, NULL);
    ck_assert_str_eq(a, b);
    free(a);
    free(b);
    free(args2);
    free(copy);
    free(args);
    free(err);
    free(out);
    free(files);
    free(target);
    free(dir);
}
END_TEST

START_TEST(test_extract_usage_and_input_errors) {
    char *err = NULL;
    ck_assert_int_eq(run_cli("extract", NULL, &err), 2);
    ck_assert_ptr_nonnull(strstr(err, "no INPUT"));
    free(err);
    ck_assert_int_eq(run_cli("extract --lang xx a.txt", NULL, &err), 2);
    free(err);
    ck_assert_int_eq(run_cli("extract --bogus a.txt", NULL, &err), 2);
    free(err);
    ck_assert_int_eq(run_cli("extract /nonexistent/a.txt", NULL, &err), 1);
    ck_assert_ptr_nonnull(strstr(err, "/nonexistent/a.txt"));
    free(err);
    char *out = NULL;
    ck_assert_int_eq(run_cli("extract --help", &out, NULL), 0);
    ck_assert_ptr_nonnull(strstr(out, "usage: kgraph extract"));
    free(out);
    ck_assert_int_eq(run_cli("--help", &out, NULL), 0);
    ck_assert_ptr_nonnull(strstr(out, "extract"));
    ck_assert_ptr_nonnull(strstr(out, "eval"));
    free(out);
}
END_TEST

/* ---- map/reduce: shards built together ------------------------------------------- */

START_TEST(test_shards_extracted_apart_build_byte_identical_files) {
    char *dir = kgt_temp_dir("cli-shards");
    char *whole = kgt_path(dir, "whole"), *a = kgt_path(dir, "a.facts.jsonl"),
         *b = kgt_path(dir, "b.facts.jsonl"), *c = kgt_path(dir, "c.facts.jsonl");
    char *args = fmt("build -q -o '%s' '%s'", whole, SAMPLES);
    ck_assert_int_eq(run_cli(args, NULL, NULL), 0);
    free(args);

    int ranges[3][2] = {{1, 3}, {4, 7}, {8, 10}};
    char *shards[3] = {a, b, c};
    for (int i = 0; i < 3; i++) {
        char *files = sample_files(ranges[i][0], ranges[i][1]);
        /* one to stdout, the others with -o */
        args = i == 1 ? fmt("extract %s > '%s'", files, shards[i])
                      : fmt("extract -o '%s' %s", shards[i], files);
        ck_assert_int_eq(run_cli(args, NULL, NULL), 0);
        free(args);
        free(files);
    }
    const char *orders[2][3] = {{a, b, c}, {c, a, b}};
    for (int k = 0; k < 2; k++) {
        char *out = fmt("%s/sharded-%d", dir, k);
        args =
            fmt("build -q -o '%s' '%s' '%s' '%s'", out, orders[k][0], orders[k][1], orders[k][2]);
        char *err = NULL;
        ck_assert_int_eq(run_cli(args, NULL, &err), 0);
        ck_assert_str_eq(err, "");
        assert_same_outputs(whole, out);
        free(err);
        free(args);
        free(out);
    }
    /* a directory of shards, and a shard on standard input */
    char *files = sample_files(4, 10);
    char *piped = kgt_path(dir, "piped");
    args = fmt("build -q -o '%s' - %s < '%s'", piped, files, a);
    ck_assert_int_eq(run_cli(args, NULL, NULL), 0);
    assert_same_outputs(whole, piped);
    free(args);
    free(piped);
    free(files);
    free(whole);
    free(a);
    free(b);
    free(c);
    free(dir);
}
END_TEST

static const char appointed_rule[] =
    "{\"rules\": [{\"id\": \"holds_post.appointed\", \"confidence\": 0.8, \"pattern\": [\n"
    "  {\"entity\": \"Person\", \"capture\": \"person\"},\n"
    "  {\"lower\": [\"was\", \"has\", \"been\"], \"op\": \"*\"},\n"
    "  {\"lower\": [\"appointed\", \"elected\"]}, {\"lower\": \"as\", \"op\": \"?\"},\n"
    "  {\"lex\": \"TITLE\", \"capture\": \"title\"}, {\"lex\": \"CONNECTOR_OF\"},\n"
    "  {\"lex\": \"ARTICLE\", \"op\": \"?\"}, {\"entity\": \"Organization\", \"capture\": "
    "\"org\"}],\n"
    " \"emit\": [{\"relation\": \"holds_post\", \"subject\": \"person\", \"object\": "
    "\"org\", \"role\": \"title\"}]}]}\n";

START_TEST(test_extract_takes_the_rules_build_takes) {
    char *dir = kgt_temp_dir("cli-extract-rules");
    put(dir, "appointed.json", appointed_rule);
    put(dir, "news.txt",
        "Aigerim Sadykova was appointed as chairman of the Federation of Trade Unions of "
        "Kazakhstan on Monday.\n");
    char *args = fmt("build -q -o '%s/direct' --rules '%s/appointed.json' '%s/news.txt' %s", dir,
                     dir, dir, SAMPLES "/01_ftuk-fnpr-memorandum-bishkek.txt");
    ck_assert_int_eq(run_cli(args, NULL, NULL), 0);
    free(args);
    args = fmt("extract --rules '%s/appointed.json' '%s/news.txt' %s > '%s/all.facts.jsonl'", dir,
               dir, SAMPLES "/01_ftuk-fnpr-memorandum-bishkek.txt", dir);
    ck_assert_int_eq(run_cli(args, NULL, NULL), 0);
    free(args);
    char *facts = fmt("%s/all.facts.jsonl", dir);
    char *line = kgt_read_file(facts, NULL);
    ck_assert_ptr_nonnull(strstr(line, "\"rule\":\"holds_post.appointed\""));
    free(line);
    args = fmt("build -q -o '%s/sharded' '%s'", dir, facts);
    ck_assert_int_eq(run_cli(args, NULL, NULL), 0);
    free(args);
    char *direct = fmt("%s/direct", dir), *sharded = fmt("%s/sharded", dir);
    assert_same_outputs(direct, sharded);
    /* a rule file that cannot be read stops extract as it stops build */
    char *err = NULL;
    args = fmt("extract --rules '%s/absent.json' '%s/news.txt'", dir, dir);
    ck_assert_int_eq(run_cli(args, NULL, &err), 1);
    ck_assert_ptr_nonnull(strstr(err, "absent.json"));
    free(err);
    free(args);
    free(direct);
    free(sharded);
    free(facts);
    free(dir);
}
END_TEST

/* ---- bring your own facts --------------------------------------------------------- */

static const char byo_gold[] =
    "{\"doc\": \"narnia-report.txt\",\n"
    " \"entities\": [\n"
    "  {\"id\": \"e1\", \"type\": \"Person\", \"name\": \"Zarina Utegenova\", \"aliases\": "
    "[\"Z. Utegenova\"]},\n"
    "  {\"id\": \"e2\", \"type\": \"Organization\", \"name\": \"Union of Lamp-Post Workers of "
    "Narnia\", \"aliases\": [\"ULPWN\"]},\n"
    "  {\"id\": \"e3\", \"type\": \"Organization\", \"name\": \"Federation of Trade Unions of "
    "Kyrgyzstan\", \"aliases\": [\"FTUK\"]}\n"
    " ],\n"
    " \"relations\": [\n"
    "  {\"type\": \"holds_post\", \"subject\": \"e1\", \"object\": \"e2\", \"role\": \"Deputy "
    "Chairman\"},\n"
    "  {\"type\": \"member_of\", \"subject\": \"e2\", \"object\": \"e3\", \"confidence\": 0.5}\n"
    " ]}\n";

START_TEST(test_gold_format_file_merges_with_text_input) {
    char *dir = kgt_temp_dir("cli-byo");
    put(dir, "narnia.gold.json", byo_gold);
    char *files = sample_files(1, 1);
    char *args =
        fmt("build -q -o '%s/out' --format json %s '%s/narnia.gold.json'", dir, files, dir);
    char *err = NULL;
    ck_assert_int_eq(run_cli(args, NULL, &err), 0);
    ck_assert_str_eq(err, "");
    char *out = kgt_path(dir, "out");
    json_t *g = load_json(out, "graph.json");
    json_t *nodes = json_object_get(g, "nodes"), *links = json_object_get(g, "links");
    /* the gold entities are there, and FTUK merged with the article's */
    const char *person = NULL, *uni = NULL, *ftuk = NULL;
    size_t n_ftuk = 0;
    for (size_t i = 0; i < json_array_size(nodes); i++) {
        json_t *n = json_array_get(nodes, i);
        const char *label = json_string_value(json_object_get(n, "label"));
        const char *id = json_string_value(json_object_get(n, "id"));
        if (strcmp(label, "Zarina Utegenova") == 0)
            person = id;
        if (strcmp(label, "Union of Lamp-Post Workers of Narnia") == 0)
            uni = id;
        if (strcmp(label, "Federation of Trade Unions of Kyrgyzstan") == 0) {
            ftuk = id;
            n_ftuk++;
            json_t *docs = json_object_get(n, "documents");
            ck_assert_uint_eq(json_array_size(docs), 2);
        }
    }
    ck_assert_ptr_nonnull(person);
    ck_assert_ptr_nonnull(uni);
    ck_assert_ptr_nonnull(ftuk);
    ck_assert_uint_eq(n_ftuk, 1);
    bool holds = false, member = false, extracted = false;
    for (size_t j = 0; j < json_array_size(links); j++) {
        json_t *l = json_array_get(links, j);
        const char *src = json_string_value(json_object_get(l, "source"));
        const char *dst = json_string_value(json_object_get(l, "target"));
        const char *type = json_string_value(json_object_get(l, "type"));
        json_t *ev = json_array_get(json_object_get(l, "evidence"), 0);
        const char *rule = json_string_value(json_object_get(ev, "rule"));
        if (strcmp(src, person) == 0 && strcmp(dst, uni) == 0 && strcmp(type, "holds_post") == 0) {
            holds = true;
            ck_assert_str_eq(rule, "external");
            ck_assert_str_eq(json_string_value(json_object_get(l, "role")), "deputy_chairman");
            ck_assert_str_eq(json_string_value(json_object_get(l, "role_text")), "Deputy Chairman");
            ck_assert_str_eq(json_string_value(json_object_get(ev, "doc")), "narnia-report.txt");
            ck_assert_int_eq(json_integer_value(json_object_get(ev, "start")), 0);
            ck_assert_str_eq(json_string_value(json_object_get(ev, "text")), "");
            ck_assert(json_real_value(json_object_get(ev, "confidence")) == 1.0);
        }
        if (strcmp(src, uni) == 0 && strcmp(dst, ftuk) == 0 && strcmp(type, "member_of") == 0) {
            member = true;
            ck_assert_str_eq(rule, "external");
            ck_assert(json_real_value(json_object_get(ev, "confidence")) == 0.5);
        }
        extracted |= rule != NULL && strcmp(rule, "external") != 0;
    }
    ck_assert(holds);
    ck_assert(member);
    ck_assert(extracted); /* and the article's own relations */
    json_decref(g);
    free(out);
    free(args);
    free(err);
    free(files);
    free(dir);
}
END_TEST

START_TEST(test_malformed_facts_are_reported_with_file_and_line) {
    char *dir = kgt_temp_dir("cli-badfacts");
    char *files = sample_files(1, 1);
    char *good = fmt("extract %s", files);
    char *line = NULL;
    ck_assert_int_eq(run_cli(good, &line, NULL), 0);
    char *content = fmt("%s{\"doc\": \"d\", \"entities\": [], \"relations\": [{\"type\": "
                        "\"visited\", \"subject\": \"e1\", \"object\": \"e2\"}]}\n",
                        line);
    put(dir, "shard.facts.jsonl", content);
    char *args = fmt("build -o '%s/out' '%s/shard.facts.jsonl'", dir, dir);
    char *err = NULL, *out = NULL;
    ck_assert_int_eq(run_cli(args, &out, &err), 1);
    char *want = fmt("kgraph: error: %s/shard.facts.jsonl:2: relation 1: \"subject\" \"e1\" is "
                     "not an entity id",
                     dir);
    ck_assert_msg(strstr(err, want) != NULL, "stderr: %s", err);
    /* nothing written */
    char *outdir = kgt_path(dir, "out/graph.json");
    struct stat sb;
    ck_assert_int_ne(stat(outdir, &sb), 0);
    free(outdir);
    free(want);
    free(err);
    free(out);
    free(args);
    /* a whole gold-format file: the item is named */
    put(dir, "broken.json", "{\"entities\": [{\"id\": \"a\", \"type\": \"Person\", \"name\": 3}]}");
    args = fmt("build -o '%s/out' '%s/broken.json'", dir, dir);
    ck_assert_int_eq(run_cli(args, NULL, &err), 1);
    ck_assert_ptr_nonnull(strstr(err, "broken.json: entity 1: \"name\" must be a string"));
    free(err);
    free(args);
    free(content);
    free(line);
    free(good);
    free(files);
    free(dir);
}
END_TEST

/* ---- kgraph eval --------------------------------------------------------------------- */

/* The article: the extractor finds Kanybek Zhumaliev (Person), the
 * Federation of Trade Unions of Kyrgyzstan (Organization), Bishkek (Place),
 * holds_post (chairman) and visited.  The gold below:
 *   entities  K. Zhumaliev     Person, surname rule        tp
 *             FTUK             alias equal to the name     tp
 *             Osh              Place, missed               fn   (Bishkek: fp)
 *             congress         Event, missed               fn
 *     P = 2/3 = 0.667  R = 2/4 = 0.500  F1 = 2(2/3)(1/2)/(7/6) = 4/7 = 0.571
 *   relations holds_post Chairman   tp, role right
 *             visited Osh           fn   (visited Bishkek: fp)
 *     P = 1/2  R = 1/2  F1 = 0.500 */
static const char visit_text[] =
    "# source: https://example.org/visit\n"
    "# lang: ru\n" /* dropped as score.py drops it: the article is English */
    "Kanybek Zhumaliev, Chairman of the Federation of Trade Unions of Kyrgyzstan, visited "
    "Bishkek.\n";

static const char visit_gold[] =
    "{\"doc\": \"visit.txt\", \"entities\": [\n"
    " {\"id\": \"p\", \"type\": \"Person\", \"name\": \"K. Zhumaliev\"},\n"
    " {\"id\": \"o\", \"type\": \"Organization\", \"name\": \"FTUK\", \"aliases\": "
    "[\"Federation of Trade Unions of Kyrgyzstan\"]},\n"
    " {\"id\": \"c\", \"type\": \"Place\", \"name\": \"Osh\"},\n"
    " {\"id\": \"e\", \"type\": \"Event\", \"name\": \"congress\"}],\n"
    " \"relations\": [\n"
    " {\"type\": \"holds_post\", \"subject\": \"p\", \"object\": \"o\", \"role\": \"Chairman\"},\n"
    " {\"type\": \"visited\", \"subject\": \"p\", \"object\": \"c\"}]}\n";

START_TEST(test_eval_on_a_tiny_gold_folder_gives_the_figures_worked_out_by_hand) {
    char *gold = kgt_temp_dir("cli-eval-gold"), *texts = kgt_temp_dir("cli-eval-texts");
    put(gold, "visit.gold.json", visit_gold);
    put(texts, "visit.txt", visit_text);
    char *json = kgt_path(gold, "scores.json");
    char *args = fmt("eval -v --gold '%s' --texts '%s' --json-out '%s'", gold, texts, json);
    char *out = NULL, *err = NULL;
    ck_assert_int_eq(run_cli(args, &out, &err), 0);
    static const char *const lines[] = {
        "  ~ fuzzy    Person \"Kanybek Zhumaliev\" ~ \"K. Zhumaliev\" (surname 0.333)\n",
        "  - missed   Place \"Osh\"\n",
        "  + spurious Place \"Bishkek\"\n",
        "  + spurious visited \"Kanybek Zhumaliev\" -> \"Bishkek\"\n",
        "visit     |     4     3     2  0.667 0.500 0.571 |     2     2     1  0.500 0.500 "
        "0.500 |   1/1 |   0\n",
        "Person               1     1     1  1.000 1.000 1.000\n",
        "Event                1     0     0  0.000 0.000 0.000\n",
        "Agreement            0     0     0    -     -     -  \n",
        "holds_post           1     1     1  1.000 1.000 1.000\n",
        "visited              1     1     0  0.000 0.000 0.000\n",
        "holds_post role accuracy (matched, gold role given): 1/1 = 1.000\n",
    };
    for (size_t i = 0; i < sizeof lines / sizeof *lines; i++)
        ck_assert_msg(strstr(out, lines[i]) != NULL, "output lacks:\n%s\noutput:\n%s", lines[i],
                      out);
    const char *last = "overall: entity_f1=0.571 relation_f1=0.500\n";
    ck_assert_str_eq(out + strlen(out) - strlen(last), last);
    json_t *scores = load_json(gold, "scores.json");
    json_t *ents = json_object_get(json_object_get(scores, "overall"), "entities");
    ck_assert(json_real_value(json_object_get(ents, "precision")) == 0.666667);
    ck_assert(json_real_value(json_object_get(ents, "recall")) == 0.5);
    ck_assert(json_real_value(json_object_get(ents, "f1")) == 0.571429);
    json_decref(scores);
    free(args);
    free(out);
    free(err);

    /* a gold file whose article is nowhere: scored empty, exit 1 */
    put(gold, "lost.gold.json", visit_gold);
    char *lost = kgt_path(gold, "lost.gold.json");
    put(gold, "lost.gold.json",
        "{\"doc\": \"lost.txt\", \"entities\": [{\"id\": \"x\", \"type\": \"Place\", \"name\": "
        "\"Osh\"}], \"relations\": []}");
    args = fmt("eval --gold '%s' --texts '%s'", gold, texts);
    ck_assert_int_eq(run_cli(args, &out, &err), 1);
    ck_assert_ptr_nonnull(strstr(out, "lost      |     1     0     0  0.000 0.000 0.000"));
    ck_assert_ptr_nonnull(strstr(out, "FAILED: 1 of 2 documents scored as empty output:\n"
                                      "  lost.txt: article text lost.txt not found\n"));
    ck_assert_ptr_nonnull(strstr(out, "overall: entity_f1=0.500 relation_f1=0.500\n"));
    free(args);
    free(out);
    free(err);
    free(lost);
    free(json);
    free(gold);
    free(texts);
}
END_TEST

START_TEST(test_eval_usage_errors) {
    char *err = NULL;
    ck_assert_int_eq(run_cli("eval", NULL, &err), 2);
    ck_assert_ptr_nonnull(strstr(err, "--gold"));
    free(err);
    ck_assert_int_eq(run_cli("eval --gold /nonexistent/dir", NULL, &err), 2);
    ck_assert_ptr_nonnull(strstr(err, "not a folder"));
    free(err);
    ck_assert_int_eq(run_cli("eval --gold . --texts /nonexistent/dir", NULL, &err), 2);
    free(err);
    ck_assert_int_eq(run_cli("eval --gold . stray", NULL, &err), 2);
    free(err);
    char *empty = kgt_temp_dir("cli-eval-empty");
    char *args = fmt("eval --gold '%s'", empty);
    ck_assert_int_eq(run_cli(args, NULL, &err), 1);
    ck_assert_ptr_nonnull(strstr(err, "no *.gold.json files"));
    free(err);
    free(args);
    free(empty);
}
END_TEST

static Suite *cli_extract_suite(void) {
    Suite *s = suite_create("cli_extract");
    TCase *tc = tcase_create("cli_extract");
    tcase_set_timeout(tc, 240);
    tcase_add_test(tc, test_extract_writes_one_line_per_document);
    tcase_add_test(tc, test_extract_to_a_file_is_atomic);
    tcase_add_test(tc, test_extract_usage_and_input_errors);
    tcase_add_test(tc, test_shards_extracted_apart_build_byte_identical_files);
    tcase_add_test(tc, test_extract_takes_the_rules_build_takes);
    tcase_add_test(tc, test_gold_format_file_merges_with_text_input);
    tcase_add_test(tc, test_malformed_facts_are_reported_with_file_and_line);
    tcase_add_test(tc, test_eval_on_a_tiny_gold_folder_gives_the_figures_worked_out_by_hand);
    tcase_add_test(tc, test_eval_usage_errors);
    suite_add_tcase(s, tc);
    return s;
}

int main(void) {
    SRunner *sr = srunner_create(cli_extract_suite());
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
