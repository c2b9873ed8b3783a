/* test_resolution_cli.c — cross-document entity resolution end to end:
 * `kgraph build` over the articles of tests/data/resolution (original
 * English and Russian texts about invented people), read back from
 * graph.json with jansson.  Every case of docs/resolution.md in both
 * directions (what must merge, what must stay apart), byte-identical
 * outputs whatever the order of the inputs, --aliases and --explain. */
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

#define ARTICLES KG_SOURCE_DIR "/tests/data/resolution"

static const char *const articles[] = {"en01_ftuk-fitur-agreement-bishkek.txt",
                                       "en02_fitur-seminar-moscow.txt",
                                       "en03_fprk-forum-almaty.txt",
                                       "en04_mt-fprk-delegation-bishkek.txt",
                                       "en05_fnpr-tashkent-conference.txt",
                                       "ru01_fnpr-fpk-vstrecha-moskva.txt",
                                       "ru02_fprk-soveshchanie-astana.txt",
                                       "ru03_fprk-seminar-shymkent.txt"};
enum { N_ARTICLES = sizeof articles / sizeof *articles };

/* ---- helpers ------------------------------------------------------------------ */

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

static void remove_tree(const char *path) {
    DIR *d = opendir(path);
    if (d == NULL) {
        unlink(path);
        return;
    }
    struct dirent *ent;
    while ((ent = readdir(d)) != NULL) {
        if (strcmp(ent->d_name, ".") == 0 || strcmp(ent->d_name, "..") == 0)
            continue;
        char *child = kgt_path(path, ent->d_name);
        struct stat sb;
        if (child != NULL && lstat(child, &sb) == 0 && S_ISDIR(sb.st_mode))
            remove_tree(child);
        else if (child != NULL)
            unlink(child);
        free(child);
    }
    closedir(d);
    rmdir(path);
}

/* `kgraph build -q -o OUT EXTRA FILES...` with the articles in the given
 * order (NULL: as listed); returns the exit status. */
static int build(const char *out_dir, const size_t *order, const char *extra, char **out,
                 char **err) {
    size_t cap = 4096, len = 0;
    char *cmd = malloc(cap);
    ck_assert_ptr_nonnull(cmd);
    len += (size_t)snprintf(cmd, cap, "'%s' build -q -o '%s' %s", KG_CLI, out_dir,
                            extra != NULL ? extra : "");
    for (size_t i = 0; i < N_ARTICLES; i++) {
        const char *name = articles[order != NULL ? order[i] : i];
        ck_assert_uint_lt(len + strlen(ARTICLES) + strlen(name) + 8, cap);
        len += (size_t)snprintf(cmd + len, cap - len, " '%s/%s'", ARTICLES, name);
    }
    int rc = kgt_run(cmd, out, err);
    free(cmd);
    return rc;
}

static json_t *load_graph(const char *dir) {
    char *path = kgt_path(dir, "graph.json");
    json_error_t jerr;
    json_t *g = json_load_file(path, 0, &jerr);
    ck_assert_msg(g != NULL, "%s: %s", path, jerr.text);
    free(path);
    return g;
}

static const char *str_member(const json_t *obj, const char *key) {
    return json_string_value(json_object_get(obj, key));
}

static bool node_has_form(const json_t *node, const char *form) {
    const char *label = str_member(node, "label");
    if (label != NULL && strcmp(label, form) == 0)
        return true;
    size_t i;
    json_t *v;
    json_array_foreach(json_object_get(node, "aliases"), i, v) {
        if (json_is_string(v) && strcmp(json_string_value(v), form) == 0)
            return true;
    }
    return false;
}

/* The one node of this type having form as label or alias. */
static const json_t *node_with(const json_t *graph, const char *type, const char *form) {
    const json_t *found = NULL;
    size_t i, count = 0;
    json_t *node;
    json_array_foreach(json_object_get(graph, "nodes"), i, node) {
        const char *t = str_member(node, "type");
        if (t != NULL && strcmp(t, type) == 0 && node_has_form(node, form)) {
            found = node;
            count++;
        }
    }
    ck_assert_msg(count == 1, "%zu %s nodes have the form '%s' (expected one)", count, type, form);
    return found;
}

/* Every form names one and the same node. */
static void assert_one_entity(const json_t *graph, const char *type, const char *const *forms) {
    const json_t *first = node_with(graph, type, forms[0]);
    for (size_t i = 1; forms[i] != NULL; i++) {
        const json_t *other = node_with(graph, type, forms[i]);
        ck_assert_msg(other == first, "'%s' (%s) and '%s' (%s) are not one entity", forms[0],
                      str_member(first, "id"), forms[i], str_member(other, "id"));
    }
}

static void assert_apart(const json_t *graph, const char *type, const char *a, const char *b) {
    const json_t *x = node_with(graph, type, a), *y = node_with(graph, type, b);
    ck_assert_msg(x != y, "'%s' and '%s' were merged into %s", a, b, str_member(x, "id"));
}

/* ---- the graph of the articles, built once ------------------------------------- */

static char *work_dir;
static json_t *graph;

static void suite_setup(void) {
    work_dir = kgt_temp_dir("resolution-cli");
    ck_assert_ptr_nonnull(work_dir);
    char *out = kgt_path(work_dir, "ref");
    char *err = NULL;
    int rc = build(out, NULL, NULL, NULL, &err);
    ck_assert_msg(rc == 0, "kgraph build failed (%d): %s", rc, err != NULL ? err : "");
    graph = load_graph(out);
    free(err);
    free(out);
}

static void suite_teardown(void) {
    json_decref(graph);
    graph = NULL;
    remove_tree(work_dir);
    free(work_dir);
    work_dir = NULL;
}

/* ---- what must merge ------------------------------------------------------------ */

START_TEST(test_acronym_defined_in_either_order_merges) {
    /* en01: "Federation of Trade Unions of Kyrgyzstan (FTUK)";
     * en03: "FTUK (Federation of Trade Unions of Kyrgyzstan)". */
    const char *forms[] = {"Federation of Trade Unions of Kyrgyzstan", "FTUK", NULL};
    assert_one_entity(graph, "Organization", forms);
    const json_t *ftuk = node_with(graph, "Organization", "FTUK");
    const json_t *docs = json_object_get(ftuk, "documents");
    bool en01 = false, en03 = false;
    size_t i;
    json_t *d;
    json_array_foreach(docs, i, d) {
        en01 = en01 || strcmp(json_string_value(d), articles[0]) == 0;
        en03 = en03 || strcmp(json_string_value(d), articles[2]) == 0;
    }
    ck_assert(en01 && en03);
}
END_TEST

START_TEST(test_acronym_inferred_from_initials_merges) {
    /* en02 writes only "FITUR": the initials of the long form of en01,
     * "of" skipped. */
    const char *forms[] = {"Federation of Independent Trade Unions of Russia", "FITUR", NULL};
    assert_one_entity(graph, "Organization", forms);
}
END_TEST

START_TEST(test_cyrillic_acronym_and_its_transliteration_merge) {
    /* ФНПР (ru01) is FNPR in English text (en05) and the same federation
     * as FITUR (en02): one node with both long forms. */
    const char *forms[] = {"FNPR",
                           "ФНПР",
                           "FITUR",
                           "Федерация независимых профсоюзов России",
                           "Federation of Independent Trade Unions of Russia",
                           NULL};
    assert_one_entity(graph, "Organization", forms);
}
END_TEST

START_TEST(test_english_and_russian_names_linked_by_the_corpus_merge) {
    /* Kyrgyzstan: linked by the chairman both name (Kairat Ospanov /
     * Кайрат Оспанов); Kazakhstan: by FPRK / ФПРК. */
    const char *kyrgyz[] = {"Federation of Trade Unions of Kyrgyzstan",
                            "Федерация профсоюзов Кыргызстана",
                            "Federation of trade Unions of Kyrgyzstan", NULL};
    assert_one_entity(graph, "Organization", kyrgyz);
    const char *kazakh[] = {"Federation of Trade Unions of the Republic of Kazakhstan",
                            "Федерация профсоюзов Республики Казахстан",
                            "FPRK",
                            "ФПРК",
                            "Federation of Trade Unions of Republic of Kazakhstan",
                            NULL};
    assert_one_entity(graph, "Organization", kazakh);
}
END_TEST

START_TEST(test_spelling_variants_of_a_person_merge) {
    const char *tokhtarbayev[] = {"Yerlan Tokhtarbayev", "Erlan Tokhtarbaev", "Yerlan Toktarbayev",
                                  "Ерлан Тохтарбаев", NULL};
    assert_one_entity(graph, "Person", tokhtarbayev);
    const char *ospanov[] = {"Kairat Ospanov", "Kayrat Ospanov", NULL};
    assert_one_entity(graph, "Person", ospanov);
    const char *bekova[] = {"Zhanar Bekova", "Zhanara Bekova", NULL};
    assert_one_entity(graph, "Person", bekova);
}
END_TEST

START_TEST(test_cyrillic_and_latin_forms_of_a_person_merge) {
    /* Kazakh Қ and Russian К spell one surname; the Latin form too. */
    const char *kasymov[] = {"Ерлан Қасымов", "Ерлан Касымов", "Yerlan Kasymov", NULL};
    assert_one_entity(graph, "Person", kasymov);
    const char *ospanov[] = {"Кайрат Оспанов", "Kairat Ospanov", NULL};
    assert_one_entity(graph, "Person", ospanov);
    const char *lebedev[] = {"Виктор Лебедев", "Viktor Lebedev", NULL};
    assert_one_entity(graph, "Person", lebedev);
    const char *nurlanova[] = {"Айгерим Нурланова", "Aigerim Nurlanova", NULL};
    assert_one_entity(graph, "Person", nurlanova);
}
END_TEST

/* ---- what must stay apart -------------------------------------------------------- */

START_TEST(test_people_sharing_a_first_name_or_surname_stay_apart) {
    assert_apart(graph, "Person", "Aigerim Sadykova", "Aigerim Nurlanova");
    assert_apart(graph, "Person", "Kairat Ospanov", "Kanat Ospanov");
    assert_apart(graph, "Person", "Yerlan Kasymov", "Yerlan Tokhtarbayev");
}
END_TEST

START_TEST(test_organizations_sharing_most_words_stay_apart) {
    assert_apart(graph, "Organization", "Federation of Trade Unions of Kyrgyzstan",
                 "Federation of Trade Unions of Tajikistan");
    assert_apart(graph, "Organization", "Federation of Trade Unions of Kyrgyzstan",
                 "Federation of Trade Unions of the Republic of Kazakhstan");
    /* a federation and its regional council; a branch union and its federation */
    assert_apart(graph, "Organization", "FPRK", "Almaty Regional Council");
    assert_apart(graph, "Organization", "FTUK",
                 "Trade Union of Education and Science Workers of Kyrgyzstan");
    /* FITUR and FPRK: two federations whose chairmen attended one event */
    assert_apart(graph, "Organization", "FNPR", "FPRK");
}
END_TEST

/* ---- determinism ----------------------------------------------------------------- */

static void assert_same_file(const char *dir_a, const char *dir_b, const char *name) {
    char *pa = kgt_path(dir_a, name), *pb = kgt_path(dir_b, name);
    size_t la = 0, lb = 0;
    char *a = kgt_read_file(pa, &la), *b = kgt_read_file(pb, &lb);
    ck_assert_msg(a != NULL && b != NULL, "cannot read %s or %s", pa, pb);
    ck_assert_msg(la == lb && memcmp(a, b, la) == 0, "%s and %s differ", pa, pb);
    free(a);
    free(b);
    free(pa);
    free(pb);
}

START_TEST(test_shuffled_inputs_give_byte_identical_outputs) {
    size_t order[N_ARTICLES];
    unsigned seed = 2025;
    char *ref = kgt_path(work_dir, "ref");
    for (int round = 0; round < 3; round++) {
        for (size_t i = 0; i < N_ARTICLES; i++)
            order[i] = round == 0 ? N_ARTICLES - 1 - i : i;
        if (round > 0) {
            for (size_t i = N_ARTICLES - 1; i > 0; i--) {
                seed = seed * 1103515245u + 12345u;
                size_t j = (seed >> 16) % (i + 1);
                size_t t = order[i];
                order[i] = order[j];
                order[j] = t;
            }
        }
        char *dir = fmt("%s/order%d", work_dir, round);
        char *err = NULL;
        ck_assert_int_eq(build(dir, order, NULL, NULL, &err), 0);
        free(err);
        assert_same_file(ref, dir, "graph.json");
        assert_same_file(ref, dir, "graph.ttl");
        assert_same_file(ref, dir, "graph.graphml");
        free(dir);
    }
    free(ref);
}
END_TEST

/* ---- --aliases and --explain -------------------------------------------------------- */

START_TEST(test_aliases_file_forces_merges_and_splits) {
    char *path = kgt_path(work_dir, "aliases.json");
    const char *text = "{\n"
                       "  \"merge\": [\n"
                       "    [\"Federation of Trade Unions of Tajikistan\",\n"
                       "     \"Federation of Independent Trade Unions of Tajikistan\"]\n"
                       "  ],\n"
                       "  \"split\": [[\"Kairat Ospanov\", \"Kayrat Ospanov\"]]\n"
                       "}\n";
    ck_assert_int_eq(kgt_write_file(path, text, strlen(text)), 0);
    char *dir = kgt_path(work_dir, "aliased"), *extra = fmt("--aliases '%s'", path);
    char *err = NULL;
    ck_assert_int_eq(build(dir, NULL, extra, NULL, &err), 0);
    json_t *g = load_graph(dir);
    const char *tajik[] = {"Federation of Trade Unions of Tajikistan",
                           "Federation of Independent Trade Unions of Tajikistan", NULL};
    assert_one_entity(g, "Organization", tajik);
    assert_apart(g, "Person", "Kairat Ospanov", "Kayrat Ospanov");
    /* the rest is resolved as without the file */
    const char *tokhtarbayev[] = {"Yerlan Tokhtarbayev", "Ерлан Тохтарбаев", NULL};
    assert_one_entity(g, "Person", tokhtarbayev);
    json_decref(g);
    free(err);
    free(extra);
    free(dir);
    free(path);
}
END_TEST

START_TEST(test_bad_aliases_file_names_file_and_line) {
    char *path = kgt_path(work_dir, "bad-aliases.json");
    const char *text = "{\n  \"merge\": [\n    [\"FNPR\", \"FITUR\"],\n    [\"alone\"]\n  ]\n}\n";
    ck_assert_int_eq(kgt_write_file(path, text, strlen(text)), 0);
    char *dir = kgt_path(work_dir, "bad"), *extra = fmt("--aliases '%s'", path);
    char *err = NULL;
    ck_assert_int_eq(build(dir, NULL, extra, NULL, &err), 1);
    char *where = fmt("%s:4:", path);
    ck_assert_msg(err != NULL && strstr(err, where) != NULL, "stderr: %s", err);
    free(where);
    free(err);
    free(extra);
    free(dir);
    free(path);

    char *out = NULL;
    err = NULL;
    ck_assert_int_eq(build(KG_BINARY_DIR "/test-tmp/none", NULL,
                           "--aliases /nonexistent/aliases.json", &out, &err),
                     1);
    ck_assert_ptr_nonnull(strstr(err, "/nonexistent/aliases.json"));
    free(out);
    free(err);
}
END_TEST

START_TEST(test_explain_prints_the_merges_of_an_entity) {
    char *dir = kgt_path(work_dir, "explain");
    char *out = NULL, *err = NULL;
    ck_assert_int_eq(build(dir, NULL, "--explain FITUR", &out, &err), 0);
    ck_assert_ptr_nonnull(out);
    ck_assert_msg(strstr(out, "organization/") != NULL, "%s", out);
    ck_assert_msg(strstr(out, "acronym") != NULL, "%s", out);
    ck_assert_msg(strstr(out, "\"FITUR\"") != NULL, "%s", out);
    ck_assert_msg(strstr(out, "transliteration") != NULL, "%s", out);
    /* FNPR, the Russian acronym in Latin letters, found the English long
     * form through its translated initials */
    ck_assert_msg(strstr(out, "\"FNPR\" = \"Federation of Independent Trade Unions of Russia\"  "
                              "(fnpr)") != NULL,
                  "%s", out);
    free(out);
    free(err);

    /* a Latin spelling finds the Cyrillic form */
    ck_assert_int_eq(build(dir, NULL, "--explain 'Erlan Kasymov'", &out, &err), 0);
    ck_assert_msg(strstr(out, "Ерлан Қасымов") != NULL, "%s", out);
    free(out);
    free(err);

    ck_assert_int_eq(build(dir, NULL, "--explain 'Nobody Atall'", &out, &err), 0);
    ck_assert_msg(out == NULL || out[0] == '\0', "%s", out);
    ck_assert_msg(strstr(err, "no entity is named 'Nobody Atall'") != NULL, "%s", err);
    free(out);
    free(err);
    free(dir);
}
END_TEST

START_TEST(test_help_documents_aliases_and_explain) {
    char *out = NULL;
    char *cmd = fmt("'%s' build --help", KG_CLI);
    ck_assert_int_eq(kgt_run(cmd, &out, NULL), 0);
    ck_assert_ptr_nonnull(strstr(out, "--aliases FILE"));
    ck_assert_ptr_nonnull(strstr(out, "--explain NAME"));
    free(out);
    free(cmd);
}
END_TEST

static Suite *resolution_cli_suite(void) {
    Suite *s = suite_create("resolution_cli");
    TCase *tc = tcase_create("merge");
    tcase_add_unchecked_fixture(tc, suite_setup, suite_teardown);
    tcase_set_timeout(tc, 120);
    tcase_add_test(tc, test_acronym_defined_in_either_order_merges);
    tcase_add_test(tc, test_acronym_inferred_from_initials_merges);
    tcase_add_test(tc, test_cyrillic_acronym_and_its_transliteration_merge);
    tcase_add_test(tc, test_english_and_russian_names_linked_by_the_corpus_merge);
    tcase_add_test(tc, test_spelling_variants_of_a_person_merge);
    tcase_add_test(tc, test_cyrillic_and_latin_forms_of_a_person_merge);
    tcase_add_test(tc, test_people_sharing_a_first_name_or_surname_stay_apart);
    tcase_add_test(tc, test_organizations_sharing_most_words_stay_apart);
    tcase_add_test(tc, test_shuffled_inputs_give_byte_identical_outputs);
    tcase_add_test(tc, test_aliases_file_forces_merges_and_splits);
    tcase_add_test(tc, test_bad_aliases_file_names_file_and_line);
    tcase_add_test(tc, test_explain_prints_the_merges_of_an_entity);
    tcase_add_test(tc, test_help_documents_aliases_and_explain);
    suite_add_tcase(s, tc);
    return s;
}

int main(void) {
    SRunner *sr = srunner_create(resolution_cli_suite());
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
