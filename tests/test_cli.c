/* test_cli.c — the kgraph executable end to end: `kgraph build` over the
 * samples (facts read back from graph.json with jansson), determinism,
 * output formats, exit codes and messages for usage and input errors,
 * JSON Lines and stdin input, and atomic output. */
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
#define DOC01 "01_ftuk-fnpr-memorandum-bishkek.txt"
#define DOC03 "03_fnpr-fpk-vstrecha-moskva.txt"
#define DOC08 "08_mt-fnpr-uzbekistan-planned-memorandum.txt"

/* ---- helpers ------------------------------------------------------------------ */

/* Removes a directory tree made by the tests (no symlinks inside). */
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

/* Runs "KG_CLI args" (args is shell text); stdout/stderr as new strings
 * (either may be NULL); returns the exit status. */
static int run_cli(const char *args, char **out, char **err) {
    size_t n = strlen(KG_CLI) + strlen(args) + 8;
    char *cmd = malloc(n);
    ck_assert_ptr_nonnull(cmd);
    snprintf(cmd, n, "'%s' %s", KG_CLI, args);
    int rc = kgt_run(cmd, out, err);
    free(cmd);
    return rc;
}

/* printf into a new string. */
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

static void write_text(const char *dir, const char *name, const char *data, size_t len) {
    char *path = kgt_path(dir, name);
    ck_assert_ptr_nonnull(path);
    ck_assert_int_eq(kgt_write_file(path, data, len), 0);
    free(path);
}

/* Loads dir/graph.json; the caller json_decref()s it. */
static json_t *load_graph(const char *dir) {
    char *path = kgt_path(dir, "graph.json");
    json_error_t jerr;
    json_t *g = json_load_file(path, 0, &jerr);
    ck_assert_msg(g != NULL, "%s: %s (line %d)", path, jerr.text, jerr.line);
    free(path);
    ck_assert(json_is_object(g));
    ck_assert(json_is_array(json_object_get(g, "nodes")));
    ck_assert(json_is_array(json_object_get(g, "links")));
    return g;
}

static const char *str_member(const json_t *obj, const char *key) {
    return json_string_value(json_object_get(obj, key));
}

static bool array_has_string(const json_t *array, const char *s) {
    size_t i;
    json_t *v;
    json_array_foreach(array, i, v) {
        if (json_is_string(v) && strcmp(json_string_value(v), s) == 0)
            return true;
    }
    return false;
}

/* The node with this type and label, or this label in one language
 * (English and Russian names of one entity are one node), borrowed; NULL
 * if none. */
static json_t *find_node(const json_t *graph, const char *type, const char *label) {
    size_t i;
    json_t *node;
    json_array_foreach(json_object_get(graph, "nodes"), i, node) {
        const char *t = str_member(node, "type"), *l = str_member(node, "label");
        if (t == NULL || strcmp(t, type) != 0)
            continue;
        if (l != NULL && strcmp(l, label) == 0)
            return node;
        const char *lang;
        json_t *v;
        json_object_foreach(json_object_get(node, "labels"), lang, v) {
            if (json_is_string(v) && strcmp(json_string_value(v), label) == 0)
                return node;
        }
    }
    return NULL;
}

static json_t *node(const json_t *graph, const char *type, const char *label) {
    json_t *n = find_node(graph, type, label);
    ck_assert_msg(n != NULL, "no %s node labelled '%s'", type, label);
    return n;
}

/* True when some node of any type carries this label. */
static bool any_node_labelled(const json_t *graph, const char *label) {
    size_t i;
    json_t *n;
    json_array_foreach(json_object_get(graph, "nodes"), i, n) {
        if (strcmp(str_member(n, "label"), label) == 0)
            return true;
    }
    return false;
}

/* The link (type, subject, object[, role]) between two nodes (borrowed), or
 * NULL; symmetric types match in either direction. */
static json_t *find_link(const json_t *graph, const char *type, const json_t *subject,
                         const json_t *object, const char *role) {
    const char *s = str_member(subject, "id"), *o = str_member(object, "id");
    bool symmetric = strcmp(type, "met_with") == 0;
    size_t i;
    json_t *link;
    json_array_foreach(json_object_get(graph, "links"), i, link) {
        const char *ls = str_member(link, "source"), *lt = str_member(link, "target");
        if (strcmp(str_member(link, "type"), type) != 0)
            continue;
        bool ends = (strcmp(ls, s) == 0 && strcmp(lt, o) == 0) ||
                    (symmetric && strcmp(ls, o) == 0 && strcmp(lt, s) == 0);
        if (!ends)
            continue;
        const char *r = str_member(link, "role");
        if (role == NULL || (r != NULL && strcmp(r, role) == 0))
            return link;
    }
    return NULL;
}

static json_t *edge(const json_t *graph, const char *type, const json_t *subject,
                    const json_t *object, const char *role) {
    json_t *l = find_link(graph, type, subject, object, role);
    ck_assert_msg(l != NULL, "no %s link %s -> %s", type, str_member(subject, "label"),
                  str_member(object, "label"));
    /* weight counts the evidence records */
    json_t *evidence = json_object_get(l, "evidence");
    ck_assert(json_is_array(evidence));
    ck_assert(json_is_integer(json_object_get(l, "weight")));
    ck_assert_int_eq(json_integer_value(json_object_get(l, "weight")),
                     (json_int_t)json_array_size(evidence));
    ck_assert_uint_ge(json_array_size(evidence), 1);
    double c = json_number_value(json_object_get(l, "confidence"));
    ck_assert(c > 0.0 && c <= 1.0);
    return l;
}

/* The link has an evidence record from doc, sentence, with exactly this
 * sentence text, a non-empty rule and an ordered span. */
static void check_evidence(const json_t *l, const char *doc, json_int_t sentence,
                           const char *text) {
    size_t i;
    json_t *ev;
    json_array_foreach(json_object_get(l, "evidence"), i, ev) {
        if (strcmp(str_member(ev, "doc"), doc) != 0 ||
            json_integer_value(json_object_get(ev, "sentence")) != sentence)
            continue;
        ck_assert_str_eq(str_member(ev, "text"), text);
        ck_assert_uint_gt(strlen(str_member(ev, "rule")), 0);
        json_int_t start = json_integer_value(json_object_get(ev, "start"));
        json_int_t end = json_integer_value(json_object_get(ev, "end"));
        ck_assert_int_lt(start, end);
        double c = json_number_value(json_object_get(ev, "confidence"));
        ck_assert(c > 0.0 && c <= 1.0);
        return;
    }
    ck_abort_msg("no evidence from %s sentence %d", doc, (int)sentence);
}

static bool has_evidence_from(const json_t *l, const char *doc) {
    size_t i;
    json_t *ev;
    json_array_foreach(json_object_get(l, "evidence"), i, ev) {
        if (strcmp(str_member(ev, "doc"), doc) == 0)
            return true;
    }
    return false;
}

/* ---- the samples graph, built once per TCase ---------------------------------- */

static char *samples_out;
static json_t *samples_graph;

static void samples_setup(void) {
    samples_out = kgt_temp_dir("cli-samples");
    ck_assert_ptr_nonnull(samples_out);
    char *args = fmt("build -q -o '%s' '%s'", samples_out, SAMPLES);
    char *out = NULL, *err = NULL;
    int rc = run_cli(args, &out, &err);
    ck_assert_msg(rc == 0, "kgraph build failed (%d): %s", rc, err);
    ck_assert_str_eq(out, "");
    free(args);
    free(out);
    free(err);
    samples_graph = load_graph(samples_out);
}

static void samples_teardown(void) {
    json_decref(samples_graph);
    samples_graph = NULL;
    if (samples_out != NULL)
        remove_tree(samples_out);
    free(samples_out);
    samples_out = NULL;
}

/* ---- facts of the samples ------------------------------------------------------ */

START_TEST(test_build_writes_all_three_files) {
    const char *files[] = {"graph.ttl", "graph.graphml", "graph.json"};
    for (size_t i = 0; i < 3; i++) {
        char *path = kgt_path(samples_out, files[i]);
        size_t len = 0;
        char *data = kgt_read_file(path, &len);
        ck_assert_msg(data != NULL, "%s missing", path);
        ck_assert_uint_gt(len, 100);
        ck_assert_int_eq(data[len - 1], '\n');
        free(data);
        free(path);
    }
    json_t *g = samples_graph;
    ck_assert(json_is_true(json_object_get(g, "directed")));
    ck_assert(json_is_true(json_object_get(g, "multigraph")));
    ck_assert_str_eq(str_member(json_object_get(g, "graph"), "generator"), "kgraph " KG_VERSION);
    json_t *docs = json_object_get(json_object_get(g, "graph"), "documents");
    ck_assert_uint_eq(json_array_size(docs), 10);
    ck_assert_str_eq(str_member(json_array_get(docs, 0), "id"), DOC01);
    ck_assert_str_eq(str_member(json_array_get(docs, 0), "lang"), "en");
    ck_assert_str_eq(str_member(json_array_get(docs, 2), "id"), DOC03);
    ck_assert_str_eq(str_member(json_array_get(docs, 2), "lang"), "ru");
}
END_TEST

START_TEST(test_samples_holds_post_with_sentence_as_evidence) {
    json_t *g = samples_graph;
    json_t *p = node(g, "Person", "Gulnara Tashieva");
    json_t *ftuk = node(g, "Organization", "Federation of Trade Unions of Kyrgyzstan");
    json_t *l = edge(g, "holds_post", p, ftuk, "deputy_chairman");
    /* Гульнара Ташиева, заместитель Председателя ФПК, in the Russian
     * articles is the same post: more evidence, the most frequent text */
    ck_assert(strcmp(str_member(l, "role_text"), "Deputy Chairman") == 0 ||
              strcmp(str_member(l, "role_text"), "заместитель Председателя") == 0);
    ck_assert_str_eq(str_member(l, "key"), "holds_post:deputy_chairman");
    ck_assert_int_ge(json_integer_value(json_object_get(l, "weight")), 1);
    check_evidence(l, DOC01, 8,
                   "During the visit Pavel Ignatyev also met with Gulnara Tashieva, Deputy "
                   "Chairman of the FTUK, to discuss occupational safety in construction.");
    ck_assert(array_has_string(json_object_get(p, "documents"), DOC01));
}
END_TEST

START_TEST(test_samples_holds_post_found_in_two_documents_has_weight_two) {
    json_t *g = samples_graph;
    json_t *p = node(g, "Person", "Pavel Ignatyev");
    json_t *fnpr = node(g, "Organization", "Federation of Independent Trade Unions of Russia");
    json_t *l = edge(g, "holds_post", p, fnpr, "chairman");
    ck_assert_str_eq(str_member(l, "role_text"), "Chairman");
    ck_assert_int_ge(json_integer_value(json_object_get(l, "weight")), 2);
    check_evidence(l, DOC01, 3,
                   "The memorandum was signed by Kanybek Zhumaliev, Chairman of the FTUK, and "
                   "Pavel Ignatyev, Chairman of the FNPR, who visited Bishkek at the head of a "
                   "Russian trade union delegation.");
    ck_assert(has_evidence_from(l, DOC08));
    ck_assert(array_has_string(json_object_get(p, "documents"), DOC01));
    ck_assert(array_has_string(json_object_get(p, "documents"), DOC08));
}
END_TEST

START_TEST(test_samples_memorandum_has_both_federations_as_parties) {
    json_t *g = samples_graph;
    json_t *m = node(g, "Agreement", "memorandum of cooperation");
    ck_assert(array_has_string(json_object_get(m, "aliases"), "memorandum"));
    const char *sentence = "The Federation of Trade Unions of Kyrgyzstan (FTUK) and the Federation "
                           "of Independent Trade Unions of Russia (FNPR) signed a memorandum of "
                           "cooperation in Bishkek on 14 March 2024.";
    json_t *ftuk = node(g, "Organization", "Federation of Trade Unions of Kyrgyzstan");
    json_t *fnpr = node(g, "Organization", "Federation of Independent Trade Unions of Russia");
    json_t *a = edge(g, "party_to", ftuk, m, NULL);
    json_t *b = edge(g, "party_to", fnpr, m, NULL);
    ck_assert_ptr_null(json_object_get(a, "role"));
    ck_assert_str_eq(str_member(a, "key"), "party_to");
    check_evidence(a, DOC01, 2, sentence);
    check_evidence(b, DOC01, 2, sentence);
    /* and the chairman signed it */
    edge(g, "signed", node(g, "Person", "Pavel Ignatyev"), m, NULL);
}
END_TEST

START_TEST(test_samples_acronyms_are_aliases) {
    json_t *g = samples_graph;
    json_t *ftuk = node(g, "Organization", "Federation of Trade Unions of Kyrgyzstan");
    ck_assert(array_has_string(json_object_get(ftuk, "aliases"), "FTUK"));
    json_t *fnpr = node(g, "Organization", "Federation of Independent Trade Unions of Russia");
    ck_assert(array_has_string(json_object_get(fnpr, "aliases"), "FNPR"));
    /* FNPR and ФНПР: one federation in both languages */
    json_t *ru = node(g, "Organization", "Федерация независимых профсоюзов России");
    ck_assert_ptr_eq(ru, fnpr);
    ck_assert(array_has_string(json_object_get(ru, "aliases"), "ФНПР") ||
              strcmp(str_member(ru, "label"), "ФНПР") == 0);
    /* no separate node for an acronym */
    ck_assert(!any_node_labelled(g, "FTUK"));
    ck_assert(!any_node_labelled(g, "FNPR"));
    ck_assert(!any_node_labelled(g, "ФНПР"));
    ck_assert_int_ge(json_integer_value(json_object_get(ftuk, "mentions")), 2);
}
END_TEST

START_TEST(test_samples_russian_names_are_nominative) {
    json_t *g = samples_graph;
    json_t *org = node(g, "Organization", "Федерация профсоюзов Кыргызстана");
    ck_assert(
        array_has_string(json_object_get(org, "aliases"), "Федерацией профсоюзов Кыргызстана"));
    ck_assert(
        array_has_string(json_object_get(org, "aliases"), "Федерации профсоюзов Кыргызстана"));
    ck_assert(array_has_string(json_object_get(org, "documents"), DOC03));
    /* one node for both scripts: the Russian name is its Russian label */
    ck_assert_str_eq(json_string_value(json_object_get(json_object_get(org, "labels"), "ru")),
                     "Федерация профсоюзов Кыргызстана");
    json_t *p = node(g, "Person", "Каныбек Жумалиев");
    ck_assert(array_has_string(json_object_get(p, "aliases"), "Каныбеком Жумалиевым"));
    ck_assert(!any_node_labelled(g, "Каныбеком Жумалиевым"));
    ck_assert(!any_node_labelled(g, "Федерацией профсоюзов Кыргызстана"));
    json_t *l = edge(g, "holds_post", p, org, "chairman");
    /* the English and Russian articles are one relation now: the most
     * frequent written role of both */
    ck_assert(strcmp(str_member(l, "role_text"), "Председатель") == 0 ||
              strcmp(str_member(l, "role_text"), "Chairman") == 0);
}
END_TEST

START_TEST(test_samples_cities_are_places) {
    json_t *g = samples_graph;
    json_t *bishkek = node(g, "Place", "Bishkek");
    ck_assert(array_has_string(json_object_get(bishkek, "documents"), DOC01));
    json_t *moscow = node(g, "Place", "Москва");
    ck_assert(array_has_string(json_object_get(moscow, "aliases"), "Москве"));
    ck_assert(array_has_string(json_object_get(moscow, "documents"), DOC03));
    json_t *l = edge(g, "visited", node(g, "Person", "Pavel Ignatyev"), bishkek, NULL);
    check_evidence(l, DOC01, 3,
                   "The memorandum was signed by Kanybek Zhumaliev, Chairman of the FTUK, and "
                   "Pavel Ignatyev, Chairman of the FNPR, who visited Bishkek at the head of a "
                   "Russian trade union delegation.");
}
END_TEST

START_TEST(test_samples_meetings_are_met_with) {
    json_t *g = samples_graph;
    json_t *l = edge(g, "met_with", node(g, "Person", "Pavel Ignatyev"),
                     node(g, "Person", "Gulnara Tashieva"), NULL);
    ck_assert_int_eq(json_integer_value(json_object_get(l, "weight")), 1);
    check_evidence(l, DOC01, 8,
                   "During the visit Pavel Ignatyev also met with Gulnara Tashieva, Deputy "
                   "Chairman of the FTUK, to discuss occupational safety in construction.");
    /* symmetric relations are stored with the smaller id as the source */
    ck_assert_int_lt(strcmp(str_member(l, "source"), str_member(l, "target")), 0);
    json_t *ru = edge(g, "met_with", node(g, "Person", "Павел Игнатьев"),
                      node(g, "Person", "Каныбек Жумалиев"), NULL);
    check_evidence(ru, DOC03, 2,
                   "Председатель Федерации независимых профсоюзов России (ФНПР) Павел Игнатьев "
                   "встретился с Председателем Федерации профсоюзов Кыргызстана Каныбеком "
                   "Жумалиевым, который находится в Москве с рабочим визитом.");
}
END_TEST

START_TEST(test_samples_member_union_is_member_of_federation) {
    json_t *g = samples_graph;
    json_t *l = edge(g, "member_of",
                     node(g, "Organization",
                          "Trade Union of Mining and Metallurgy Workers of "
                          "Kyrgyzstan"),
                     node(g, "Organization", "Federation of Trade Unions of Kyrgyzstan"), NULL);
    check_evidence(l, DOC01, 9,
                   "The Trade Union of Mining and Metallurgy Workers of Kyrgyzstan, a member of "
                   "the FTUK, presented its programme for miners who work at high-altitude gold "
                   "deposits.");
}
END_TEST

START_TEST(test_samples_nodes_carry_every_centrality) {
    static const char *const keys[] = {"degree",   "in_degree",   "out_degree",
                                       "strength", "betweenness", "closeness",
                                       "harmonic", "pagerank",    "eigenvector"};
    json_t *nodes = json_object_get(samples_graph, "nodes");
    ck_assert_uint_gt(json_array_size(nodes), 10);
    const char *base = str_member(json_object_get(samples_graph, "graph"), "base_iri");
    ck_assert_ptr_nonnull(base);
    size_t i;
    json_t *n;
    json_array_foreach(nodes, i, n) {
        json_t *c = json_object_get(n, "centrality");
        ck_assert(json_is_object(c));
        for (size_t k = 0; k < sizeof keys / sizeof *keys; k++)
            ck_assert_msg(json_is_number(json_object_get(c, keys[k])), "node %s lacks %s",
                          str_member(n, "id"), keys[k]);
        /* the IRI is the base followed by the id */
        char *iri = fmt("%s%s", base, str_member(n, "id"));
        ck_assert_str_eq(str_member(n, "iri"), iri);
        free(iri);
        ck_assert_uint_ge(json_array_size(json_object_get(n, "documents")), 1);
    }
    /* every link joins two nodes */
    json_t *l;
    json_array_foreach(json_object_get(samples_graph, "links"), i, l) {
        bool s = false, t = false;
        size_t j;
        json_array_foreach(nodes, j, n) {
            s |= strcmp(str_member(n, "id"), str_member(l, "source")) == 0;
            t |= strcmp(str_member(n, "id"), str_member(l, "target")) == 0;
        }
        ck_assert(s && t);
    }
}
END_TEST

/* ---- determinism ------------------------------------------------------------------ */

static char *read_output(const char *dir, const char *name) {
    char *path = kgt_path(dir, name);
    char *data = kgt_read_file(path, NULL);
    ck_assert_msg(data != NULL, "%s missing", path);
    free(path);
    return data;
}

/* The three default files in dir are those of the samples' build. */
static void assert_samples_output(const char *dir, const char *what) {
    const char *files[] = {"graph.json", "graph.ttl", "graph.graphml"};
    for (size_t i = 0; i < 3; i++) {
        char *a = read_output(samples_out, files[i]), *b = read_output(dir, files[i]);
        ck_assert_msg(strcmp(a, b) == 0, "%s differs %s", files[i], what);
        free(a);
        free(b);
    }
}

START_TEST(test_two_runs_give_identical_bytes) {
    char *dir = kgt_temp_dir("cli-again");
    char *args = fmt("build -q -o '%s' '%s'", dir, SAMPLES);
    ck_assert_int_eq(run_cli(args, NULL, NULL), 0);
    assert_samples_output(dir, "between runs");
    free(args);
    remove_tree(dir);
    free(dir);
}
END_TEST

/* The resolver's scratch file cannot be made (TMPDIR names no directory):
 * the relations stay in memory and the files are the same bytes, on one
 * thread (facts interned as extracted) and on several. */
START_TEST(test_unusable_tmpdir_gives_identical_bytes) {
    const char *threads[] = {"1", "3"};
    for (size_t t = 0; t < 2; t++) {
        char *dir = kgt_temp_dir("cli-tmpdir");
        char *cmd = fmt("TMPDIR=/nonexistent/kgraph-test '%s' build -q --threads %s -o '%s' '%s'",
                        KG_CLI, threads[t], dir, SAMPLES);
        char *err = NULL;
        ck_assert_int_eq(kgt_run(cmd, NULL, &err), 0);
        ck_assert_str_eq(err, "");
        assert_samples_output(dir, "without a scratch file");
        free(err);
        free(cmd);
        remove_tree(dir);
        free(dir);
    }
}
END_TEST

/* The kernel's policy for transparent huge pages contains this one. */
static bool thp_policy_is(const char *policy) {
    char line[128] = "";
    FILE *f = fopen("/sys/kernel/mm/transparent_hugepage/enabled", "r");
    if (f == NULL)
        return false;
    bool is = fgets(line, sizeof line, f) != NULL && strstr(line, policy) != NULL;
    fclose(f);
    return is;
}

/* What --timings should say of huge pages for a kgraph started here with
 * KGRAPH_HUGE_PAGES=0 (asked_off) or not (cmd/memory.c): "on" where the
 * system's policy gives them to all memory, or gives them on request and
 * glibc's malloc is the one in use (no sanitizer) with the tunable left to
 * kgraph.  NULL: either, when this test runs under valgrind (kgraph then
 * runs under it too, and says off, or natively, as valgrind is told). */
static const char *expected_huge_pages(bool asked_off) {
    if (thp_policy_is("[always]"))
        return "on (the system's policy)";
#if defined(__SANITIZE_ADDRESS__) || defined(__SANITIZE_THREAD__)
    (void)asked_off;
    return "off";
#else
    const char *preload = getenv("LD_PRELOAD"), *tunables = getenv("GLIBC_TUNABLES");
    if (asked_off || (tunables != NULL && strstr(tunables, "glibc.malloc.hugetlb") != NULL) ||
        getenv("KGRAPH_HUGE_PAGES") != NULL || !thp_policy_is("[madvise]"))
        return "off";
    return preload != NULL && strstr(preload, "vgpreload") != NULL ? NULL : "on";
#endif
}

/* Huge pages are taken where the system offers them on request, and only
 * the speed changes: KGRAPH_HUGE_PAGES=0 gives the same bytes, and
 * --timings says which it was. */
START_TEST(test_huge_pages_change_nothing_but_speed) {
    const char *settings[] = {"KGRAPH_HUGE_PAGES=0", "KGRAPH_HUGE_PAGES=1", ""};
    for (size_t k = 0; k < 3; k++) {
        char *dir = kgt_temp_dir("cli-huge");
        char *cmd =
            fmt("%s '%s' build -q --timings -o '%s' '%s'", settings[k], KG_CLI, dir, SAMPLES);
        char *err = NULL;
        ck_assert_int_eq(kgt_run(cmd, NULL, &err), 0);
        /* anything but "0" leaves them on */
        const char *state = expected_huge_pages(k == 0);
        char *want = fmt("(transparent huge pages: %s)\n", state != NULL ? state : "");
        if (state == NULL)
            ck_assert(strstr(err, "(transparent huge pages: on)\n") != NULL ||
                      strstr(err, "(transparent huge pages: off)\n") != NULL);
        else
            ck_assert_msg(strstr(err, want) != NULL, "%s: expected %s in:\n%s", cmd, want, err);
        assert_samples_output(dir, settings[k]);
        free(want);
        free(err);
        free(cmd);
        remove_tree(dir);
        free(dir);
    }
}
END_TEST

START_TEST(test_files_in_reverse_order_give_identical_bytes) {
    /* the sample files as separate arguments, last one first */
    struct dirent **names = NULL;
    int n = scandir(SAMPLES, &names, NULL, alphasort);
    ck_assert_int_gt(n, 0);
    size_t cap = 64, len = 0;
    char *files = malloc(cap);
    ck_assert_ptr_nonnull(files);
    files[0] = '\0';
    size_t count = 0;
    for (int i = n - 1; i >= 0; i--) {
        const char *name = names[i]->d_name;
        size_t k = strlen(name);
        if (k > 4 && strcmp(name + k - 4, ".txt") == 0) {
            char *arg = fmt(" '%s/%s'", SAMPLES, name);
            size_t need = len + strlen(arg) + 1;
            if (need > cap) {
                cap = need * 2;
                files = realloc(files, cap);
                ck_assert_ptr_nonnull(files);
            }
            memcpy(files + len, arg, strlen(arg) + 1);
            len += strlen(arg);
            free(arg);
            count++;
        }
        free(names[i]);
    }
    free(names);
    ck_assert_uint_eq(count, 10);
    char *dir = kgt_temp_dir("cli-reverse");
    char *args = fmt("build -q -o '%s'%s", dir, files);
    ck_assert_int_eq(run_cli(args, NULL, NULL), 0);
    char *a = read_output(samples_out, "graph.json"), *b = read_output(dir, "graph.json");
    ck_assert_msg(strcmp(a, b) == 0, "graph.json depends on the order of the inputs");
    free(a);
    free(b);
    free(args);
    free(files);
    remove_tree(dir);
    free(dir);
}
END_TEST

/* ---- options -------------------------------------------------------------------------- */

START_TEST(test_format_json_writes_only_graph_json) {
    char *dir = kgt_temp_dir("cli-json");
    char *args = fmt("build -q --format json -o '%s' '%s/" DOC01 "'", dir, SAMPLES);
    ck_assert_int_eq(run_cli(args, NULL, NULL), 0);
    DIR *d = opendir(dir);
    ck_assert_ptr_nonnull(d);
    size_t n = 0;
    struct dirent *ent;
    while ((ent = readdir(d)) != NULL) {
        if (strcmp(ent->d_name, ".") == 0 || strcmp(ent->d_name, "..") == 0)
            continue;
        ck_assert_str_eq(ent->d_name, "graph.json");
        n++;
    }
    closedir(d);
    ck_assert_uint_eq(n, 1);
    json_t *g = load_graph(dir);
    node(g, "Organization", "Federation of Trade Unions of Kyrgyzstan");
    json_decref(g);
    free(args);
    remove_tree(dir);
    free(dir);
}
END_TEST

/* --timings: one row per step (each format written, the analytics' parts
 * indented) and a total on stderr; the outputs are those of a run without it. */
START_TEST(test_timings_lists_every_step) {
    char *dir = kgt_temp_dir("cli-timings");
    char *args = fmt("build -q --timings -f json,ttl -o '%s' '%s/" DOC01 "'", dir, SAMPLES);
    char *err = NULL;
    ck_assert_int_eq(run_cli(args, NULL, &err), 0);
    static const char *const rows[] = {"\n  read, extract, resolve input ",
                                       "\n  resolve across documents ",
                                       "\n    names, features ",
                                       "\n    pairs scored, clusters ",
                                       "\n    relations, evidence ",
                                       "\n  graph and analytics ",
                                       "\n    betweenness (exact) ",
                                       "\n    coreness, Leiden (",
                                       "\n  write files ",
                                       "\n    graph.ttl ",
                                       "\n    graph.json ",
                                       "\n  total "};
    const char *at = err;
    for (size_t i = 0; i < sizeof rows / sizeof *rows; i++) {
        const char *row = strstr(at, rows[i]);
        ck_assert_msg(row != NULL, "no row '%s' (in order) in:\n%s", rows[i] + 1, err);
        at = row + 1;
    }
    ck_assert_ptr_null(strstr(err, "graph.graphml"));
    json_t *g = load_graph(dir);
    node(g, "Organization", "Federation of Trade Unions of Kyrgyzstan");
    json_decref(g);
    free(err);
    free(args);
    remove_tree(dir);
    free(dir);
}
END_TEST

START_TEST(test_version_prints_version) {
    char *out = NULL, *err = NULL;
    ck_assert_int_eq(run_cli("--version", &out, &err), 0);
    ck_assert_str_eq(out, "kgraph 0.1.0\n");
    ck_assert_str_eq(err, "");
    free(out);
    free(err);
    ck_assert_int_eq(run_cli("build --version", &out, NULL), 0);
    ck_assert_str_eq(out, "kgraph 0.1.0\n");
    free(out);
}
END_TEST

START_TEST(test_help_exits_zero_with_usage) {
    char *out = NULL;
    ck_assert_int_eq(run_cli("--help", &out, NULL), 0);
    ck_assert_ptr_nonnull(strstr(out, "usage"));
    ck_assert_ptr_nonnull(strstr(out, "build"));
    free(out);
    ck_assert_int_eq(run_cli("build --help", &out, NULL), 0);
    ck_assert_ptr_nonnull(strstr(out, "usage: kgraph build"));
    ck_assert_ptr_nonnull(strstr(out, "--format"));
    free(out);
}
END_TEST

/* Runs args, expects exit status want and a stderr message containing
 * every one of the (NULL-terminated) needles. */
static void expect_failure(const char *args, int want, const char *needle, const char *needle2) {
    char *out = NULL, *err = NULL;
    int rc = run_cli(args, &out, &err);
    ck_assert_msg(rc == want, "'%s' exited %d, not %d; stderr: %s", args, rc, want, err);
    ck_assert_msg(strlen(err) > 0, "'%s': nothing on stderr", args);
    if (needle != NULL)
        ck_assert_msg(strstr(err, needle) != NULL, "'%s': stderr lacks '%s': %s", args, needle,
                      err);
    if (needle2 != NULL)
        ck_assert_msg(strstr(err, needle2) != NULL, "'%s': stderr lacks '%s': %s", args, needle2,
                      err);
    free(out);
    free(err);
}

START_TEST(test_unknown_option_is_usage_error) {
    char *args = fmt("build --frobnicate '%s'", SAMPLES);
    expect_failure(args, 2, "--frobnicate", NULL);
    free(args);
    expect_failure("frobnicate", 2, "frobnicate", NULL);
}
END_TEST

START_TEST(test_no_input_is_usage_error) {
    expect_failure("build", 2, "INPUT", NULL);
    expect_failure("build -q -o /nonexistent-kgraph-dir", 2, NULL, NULL);
}
END_TEST

START_TEST(test_bad_format_is_usage_error) {
    char *args = fmt("build --format ttl,xml '%s'", SAMPLES);
    expect_failure(args, 2, "xml", NULL);
    free(args);
}
END_TEST

START_TEST(test_bad_lang_is_usage_error) {
    char *args = fmt("build --lang kk '%s'", SAMPLES);
    expect_failure(args, 2, "kk", NULL);
    free(args);
}
END_TEST

START_TEST(test_option_without_value_is_usage_error) {
    expect_failure("build -o", 2, NULL, NULL);
}
END_TEST

/* ---- input errors --------------------------------------------------------------------- */

START_TEST(test_missing_file_fails_naming_it) {
    char *dir = kgt_temp_dir("cli-missing");
    char *args = fmt("build -q -o '%s/out' '%s/no-such-article.txt'", dir, dir);
    expect_failure(args, 1, "no-such-article.txt", NULL);
    free(args);
    remove_tree(dir);
    free(dir);
}
END_TEST

START_TEST(test_empty_directory_fails_naming_it) {
    char *dir = kgt_temp_dir("cli-empty-dir");
    char *in = kgt_path(dir, "articles");
    ck_assert_int_eq(mkdir(in, 0755), 0);
    char *args = fmt("build -q -o '%s/out' '%s'", dir, in);
    expect_failure(args, 1, in, NULL);
    free(args);
    free(in);
    remove_tree(dir);
    free(dir);
}
END_TEST

START_TEST(test_empty_file_fails_naming_it) {
    char *dir = kgt_temp_dir("cli-empty-file");
    write_text(dir, "nothing.txt", "", 0);
    char *args = fmt("build -q -o '%s/out' '%s/nothing.txt'", dir, dir);
    expect_failure(args, 1, "nothing.txt", NULL);
    free(args);
    remove_tree(dir);
    free(dir);
}
END_TEST

START_TEST(test_invalid_utf8_is_repaired_with_warning) {
    char *dir = kgt_temp_dir("cli-utf8");
    const char text[] = "Nurlan Abdiev met with Ivan Petrov in Bishkek \xFF\xFE today.\n";
    write_text(dir, "broken.txt", text, sizeof text - 1);
    char *args = fmt("build -q -o '%s/out' '%s/broken.txt'", dir, dir);
    char *err = NULL;
    ck_assert_int_eq(run_cli(args, NULL, &err), 0);
    ck_assert_ptr_nonnull(strstr(err, "broken.txt"));
    ck_assert_ptr_nonnull(strstr(err, "warning"));
    char *out = kgt_path(dir, "out");
    json_t *g = load_graph(out);
    node(g, "Person", "Nurlan Abdiev");
    json_decref(g);
    free(out);
    free(err);
    free(args);
    remove_tree(dir);
    free(dir);
}
END_TEST

START_TEST(test_binary_file_is_skipped_with_warning) {
    char *dir = kgt_temp_dir("cli-binary");
    const char blob[] = "PK\x03\x04\0\0\0\x08\0\0binary\0data\0";
    write_text(dir, "blob.txt", blob, sizeof blob - 1);
    const char *text = "Nurlan Abdiev met with Ivan Petrov in Bishkek.\n";
    write_text(dir, "news.txt", text, strlen(text));
    char *args = fmt("build -q -o '%s/out' '%s/blob.txt' '%s/news.txt'", dir, dir, dir);
    char *err = NULL;
    ck_assert_int_eq(run_cli(args, NULL, &err), 0);
    ck_assert_ptr_nonnull(strstr(err, "blob.txt"));
    ck_assert_ptr_nonnull(strstr(err, "warning"));
    char *out = kgt_path(dir, "out");
    json_t *g = load_graph(out);
    json_t *docs = json_object_get(json_object_get(g, "graph"), "documents");
    ck_assert_uint_eq(json_array_size(docs), 1);
    ck_assert_str_eq(str_member(json_array_get(docs, 0), "id"), "news.txt");
    node(g, "Person", "Ivan Petrov");
    json_decref(g);
    free(out);
    free(err);
    free(args);
    remove_tree(dir);
    free(dir);
}
END_TEST

/* ---- other inputs ---------------------------------------------------------------------- */

START_TEST(test_json_lines_documents_keep_their_ids) {
    char *dir = kgt_temp_dir("cli-jsonl");
    char *in = kgt_path(dir, "in");
    ck_assert_int_eq(mkdir(in, 0755), 0);
    const char *jsonl =
        "{\"id\": \"news-101\", \"text\": \"Nurlan Abdiev met with Ivan Petrov in Bishkek.\"}\n"
        "{\"id\": \"news-102\", \"lang\": \"en\", \"text\": \"Ivan Petrov visited Tashkent.\"}\n";
    write_text(in, "feed.jsonl", jsonl, strlen(jsonl));
    char *args = fmt("build -q -o '%s/out' '%s'", dir, in);
    char *err = NULL;
    ck_assert_msg(run_cli(args, NULL, &err) == 0, "%s", err);
    char *out = kgt_path(dir, "out");
    json_t *g = load_graph(out);
    json_t *petrov = node(g, "Person", "Ivan Petrov");
    json_t *docs = json_object_get(petrov, "documents");
    ck_assert_uint_eq(json_array_size(docs), 2);
    ck_assert_str_eq(json_string_value(json_array_get(docs, 0)), "news-101");
    ck_assert_str_eq(json_string_value(json_array_get(docs, 1)), "news-102");
    json_t *abdiev = node(g, "Person", "Nurlan Abdiev");
    ck_assert_uint_eq(json_array_size(json_object_get(abdiev, "documents")), 1);
    ck_assert(array_has_string(json_object_get(abdiev, "documents"), "news-101"));
    json_t *tashkent = node(g, "Place", "Tashkent");
    ck_assert(array_has_string(json_object_get(tashkent, "documents"), "news-102"));
    json_t *l = edge(g, "met_with", abdiev, petrov, NULL);
    check_evidence(l, "news-101", 0, "Nurlan Abdiev met with Ivan Petrov in Bishkek.");
    json_decref(g);
    free(out);
    free(err);
    free(args);
    free(in);
    remove_tree(dir);
    free(dir);
}
END_TEST

START_TEST(test_stdin_is_read_for_dash) {
    char *dir = kgt_temp_dir("cli-stdin");
    char *args = fmt("build -q -o '%s/out' - <<'EOF'\n"
                     "Chairman of the Federation of Trade Unions of Kyrgyzstan (FTUK) Nurlan "
                     "Abdiev met with Ivan Petrov.\nEOF\n",
                     dir);
    char *err = NULL;
    ck_assert_msg(run_cli(args, NULL, &err) == 0, "%s", err);
    char *out = kgt_path(dir, "out");
    json_t *g = load_graph(out);
    json_t *docs = json_object_get(json_object_get(g, "graph"), "documents");
    ck_assert_uint_eq(json_array_size(docs), 1);
    json_t *org = node(g, "Organization", "Federation of Trade Unions of Kyrgyzstan");
    ck_assert(array_has_string(json_object_get(org, "aliases"), "FTUK"));
    edge(g, "holds_post", node(g, "Person", "Nurlan Abdiev"), org, "chairman");
    json_decref(g);
    free(out);
    free(err);
    free(args);
    remove_tree(dir);
    free(dir);
}
END_TEST

START_TEST(test_stdin_through_a_pipe) {
    char *dir = kgt_temp_dir("cli-pipe");
    char *cmd =
        fmt("printf 'Ivan Petrov visited Tashkent.\\n' | '%s' build -q -o '%s/out' -", KG_CLI, dir);
    char *err = NULL;
    ck_assert_msg(kgt_run(cmd, NULL, &err) == 0, "%s", err);
    char *out = kgt_path(dir, "out");
    json_t *g = load_graph(out);
    edge(g, "visited", node(g, "Person", "Ivan Petrov"), node(g, "Place", "Tashkent"), NULL);
    json_decref(g);
    free(out);
    free(err);
    free(cmd);
    remove_tree(dir);
    free(dir);
}
END_TEST

/* ---- atomic output -------------------------------------------------------------------- */

/* dir/out/graph.json exists with known content; a failing run must leave it
 * as it was and leave no temporary file behind. */
static void check_output_survives(const char *tag, const char *input_name, const char *content,
                                  size_t content_len) {
    char *dir = kgt_temp_dir(tag);
    char *out = kgt_path(dir, "out");
    ck_assert_int_eq(mkdir(out, 0755), 0);
    const char *old = "{\"keep\": \"me\"}\n";
    write_text(out, "graph.json", old, strlen(old));
    if (content != NULL)
        write_text(dir, input_name, content, content_len);
    char *args = fmt("build -q -o '%s' '%s/%s'", out, dir, input_name);
    char *err = NULL;
    ck_assert_int_eq(run_cli(args, NULL, &err), 1);
    ck_assert_ptr_nonnull(strstr(err, input_name));
    char *now = read_output(out, "graph.json");
    ck_assert_str_eq(now, old);
    free(now);
    DIR *d = opendir(out);
    ck_assert_ptr_nonnull(d);
    struct dirent *ent;
    while ((ent = readdir(d)) != NULL)
        ck_assert_msg(strcmp(ent->d_name, ".") == 0 || strcmp(ent->d_name, "..") == 0 ||
                          strcmp(ent->d_name, "graph.json") == 0,
                      "left behind: %s", ent->d_name);
    closedir(d);
    free(err);
    free(args);
    free(out);
    remove_tree(dir);
    free(dir);
}

START_TEST(test_failed_run_keeps_existing_output_for_missing_input) {
    check_output_survives("cli-keep-missing", "missing.txt", NULL, 0);
}
END_TEST

START_TEST(test_failed_run_keeps_existing_output_for_empty_input) {
    check_output_survives("cli-keep-empty", "empty.txt", "", 0);
}
END_TEST

START_TEST(test_failed_run_keeps_existing_output_for_binary_input) {
    check_output_survives("cli-keep-binary", "blob.txt", "\0\0\0\x01\x02", 5);
}
END_TEST

/* ---- suite ------------------------------------------------------------------------------- */

static Suite *cli_suite(void) {
    Suite *s = suite_create("cli");

    TCase *tc = tcase_create("samples");
    tcase_add_unchecked_fixture(tc, samples_setup, samples_teardown);
    tcase_set_timeout(tc, 120);
    tcase_add_test(tc, test_build_writes_all_three_files);
    tcase_add_test(tc, test_timings_lists_every_step);
    tcase_add_test(tc, test_samples_holds_post_with_sentence_as_evidence);
    tcase_add_test(tc, test_samples_holds_post_found_in_two_documents_has_weight_two);
    tcase_add_test(tc, test_samples_memorandum_has_both_federations_as_parties);
    tcase_add_test(tc, test_samples_acronyms_are_aliases);
    tcase_add_test(tc, test_samples_russian_names_are_nominative);
    tcase_add_test(tc, test_samples_cities_are_places);
    tcase_add_test(tc, test_samples_meetings_are_met_with);
    tcase_add_test(tc, test_samples_member_union_is_member_of_federation);
    tcase_add_test(tc, test_samples_nodes_carry_every_centrality);
    tcase_add_test(tc, test_two_runs_give_identical_bytes);
    tcase_add_test(tc, test_files_in_reverse_order_give_identical_bytes);
    tcase_add_test(tc, test_unusable_tmpdir_gives_identical_bytes);
    tcase_add_test(tc, test_huge_pages_change_nothing_but_speed);
    suite_add_tcase(s, tc);

    tc = tcase_create("options");
    tcase_set_timeout(tc, 60);
    tcase_add_test(tc, test_format_json_writes_only_graph_json);
    tcase_add_test(tc, test_version_prints_version);
    tcase_add_test(tc, test_help_exits_zero_with_usage);
    tcase_add_test(tc, test_unknown_option_is_usage_error);
    tcase_add_test(tc, test_no_input_is_usage_error);
    tcase_add_test(tc, test_bad_format_is_usage_error);
    tcase_add_test(tc, test_bad_lang_is_usage_error);
    tcase_add_test(tc, test_option_without_value_is_usage_error);
    suite_add_tcase(s, tc);

    tc = tcase_create("inputs");
    tcase_set_timeout(tc, 60);
    tcase_add_test(tc, test_missing_file_fails_naming_it);
    tcase_add_test(tc, test_empty_directory_fails_naming_it);
    tcase_add_test(tc, test_empty_file_fails_naming_it);
    tcase_add_test(tc, test_invalid_utf8_is_repaired_with_warning);
    tcase_add_test(tc, test_binary_file_is_skipped_with_warning);
    tcase_add_test(tc, test_json_lines_documents_keep_their_ids);
    tcase_add_test(tc, test_stdin_is_read_for_dash);
    tcase_add_test(tc, test_stdin_through_a_pipe);
    suite_add_tcase(s, tc);

    tc = tcase_create("atomic");
    tcase_set_timeout(tc, 60);
    tcase_add_test(tc, test_failed_run_keeps_existing_output_for_missing_input);
    tcase_add_test(tc, test_failed_run_keeps_existing_output_for_empty_input);
    tcase_add_test(tc, test_failed_run_keeps_existing_output_for_binary_input);
    suite_add_tcase(s, tc);
    return s;
}

int main(void) {
    SRunner *sr = srunner_create(cli_suite());
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
