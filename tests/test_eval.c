/* test_eval.c — Check suite for the built-in scorer (extract/kg_eval.c):
 * score.py's normalize, the matching rules on a hand-made graph whose
 * figures are worked out by hand below (exact, alias, "the", Jaccard,
 * surname, greedy order, met_with either way, holds_post role preference,
 * duplicates), the report and JSON built from them, and kg_eval_run on
 * folders with missing articles and broken gold files.  That the figures
 * equal score.py's on real data is tests/integration/eval_matches_score.py. */
#include "kg_eval.h"
#include "kg_test_util.h"

#include <check.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- normalize ------------------------------------------------------------------ */

/* Expected values printed by score.py's normalize (Python 3.11). */
static const struct norm_case {
    const char *in, *out;
} norm_cases[] = {
    {"The «Federation» of Trade-Unions", "federation of trade unions"},
    {"ЁЛКА и Ёж", "елка и еж"},
    {"İstanbul", "i\xCC\x87stanbul"}, /* full case folding keeps the dot as a mark */
    {"Straße", "strasse"},
    {"ﬁnance №5", "finance no5"},
    {"the", "the"},
    {"  The  the x ", "the x"},
    {"x_y.z", "x y z"},
    {"①②", "12"},
    {"e\xCC\x81", "é"},
    {"“Quoted” ‘single’ „low‟", "quoted single low"},
    {"C++ & Co.", "c co"},
    {"Иван-Петров", "иван петров"},
    {"O'Brien", "obrien"},
    {"", ""},
};

START_TEST(test_normalize_follows_score_py) {
    const struct norm_case *c = &norm_cases[_i];
    char *got = kg_eval_normalize(c->in, strlen(c->in));
    ck_assert_ptr_nonnull(got);
    ck_assert_msg(strcmp(got, c->out) == 0, "normalize(\"%s\") = \"%s\", want \"%s\"", c->in, got,
                  c->out);
    free(got);
}
END_TEST

/* ---- matching on a hand-made graph ------------------------------------------------ */

static const char hand_gold[] =
    "{\"doc\": \"hand.txt\", \"entities\": [\n"
    " {\"id\": \"g1\", \"type\": \"Person\", \"name\": \"A. Smith\", \"aliases\": []},\n"
    " {\"id\": \"g2\", \"type\": \"Person\", \"name\": \"Alan Smithson\"},\n"
    " {\"id\": \"g3\", \"type\": \"organization\", \"name\": \"FTUK\"},\n"
    " {\"id\": \"g4\", \"type\": \"Place\", \"name\": \"Osh\"},\n"
    " {\"id\": \"g5\", \"type\": \"Agreement\", \"name\": \"the Memorandum of Cooperation\"}],\n"
    " \"relations\": [\n"
    " {\"type\": \"holds_post\", \"subject\": \"g2\", \"object\": \"g3\", \"role\": "
    "\"Secretary\"},\n"
    " {\"type\": \"holds_post\", \"subject\": \"g2\", \"object\": \"g3\", \"role\": \"Deputy "
    "Chairman\"},\n"
    " {\"type\": \"met_with\", \"subject\": \"g1\", \"object\": \"g2\"},\n"
    " {\"type\": \"party_to\", \"subject\": \"g3\", \"object\": \"g5\"},\n"
    " {\"type\": \"visited\", \"subject\": \"g2\", \"object\": \"g4\"}]}\n";

static const char *const ftuk_aliases[] = {"FTUK"};

/* Node i is entity i, link j relation j, as in graph.json. */
#define HAND_ENTITY(t, i, l)                                                                       \
    { .type = (t), .id = (i), .label = (l), .lang = "en", .mentions = 1 }

static kg_entity hand_entities[] = {
    HAND_ENTITY(KG_ENT_PERSON, "person/alan-smith", "Alan Smith"),
    HAND_ENTITY(KG_ENT_PERSON, "person/smith", "Smith"),
    {.type = KG_ENT_ORGANIZATION,
     .id = "organization/ftuk",
     .label = "Federation of Trade Unions of Kyrgyzstan",
     .lang = "en",
     .aliases = (const char **)ftuk_aliases,
     .n_aliases = 1,
     .mentions = 1},
    HAND_ENTITY(KG_ENT_PLACE, "place/bishkek", "Bishkek"),
    HAND_ENTITY(KG_ENT_ORGANIZATION, "organization/mol", "Ministry of Labour"),
    HAND_ENTITY(KG_ENT_AGREEMENT, "agreement/moc", "memorandum of cooperation"),
};

#define HAND_LINK(t, s, o, r)                                                                      \
    { .type = (t), .subject = (s), .object = (o), .role = (r), .confidence = 1.0 }

static kg_relation hand_relations[] = {
    HAND_LINK(KG_REL_HOLDS_POST, 0, 2, "deputy_chairman"),
    HAND_LINK(KG_REL_HOLDS_POST, 0, 2, "president"),
    HAND_LINK(KG_REL_MET_WITH, 0, 1, NULL), /* gold has it the other way */
    HAND_LINK(KG_REL_PARTY_TO, 2, 5, NULL),
    HAND_LINK(KG_REL_LOCATED_IN, 2, 3, NULL),
    HAND_LINK(KG_REL_MET_WITH, 1, 0, NULL), /* the same meeting again */
};

static char *hand_dir, *hand_path;
static kg_eval_doc hand;

static void hand_setup(void) {
    hand_dir = kgt_temp_dir("eval-hand");
    hand_path = kgt_path(hand_dir, "hand.gold.json");
    ck_assert_int_eq(kgt_write_file(hand_path, hand_gold, strlen(hand_gold)), 0);
    kg_resolved data = {
        .entities = hand_entities, .n_entities = 6, .relations = hand_relations, .n_relations = 6};
    kg_error err;
    kg_status st = kg_eval_score_graph(&hand, hand_path, &data, &err);
    ck_assert_msg(st == KG_OK, "%s", err.message);
}

static void hand_teardown(void) {
    kg_eval_doc_clear(&hand);
    free(hand_path);
    free(hand_dir);
}

static void assert_counts(kg_eval_counts c, size_t gold, size_t system, size_t tp) {
    ck_assert_uint_eq(c.gold, gold);
    ck_assert_uint_eq(c.system, system);
    ck_assert_uint_eq(c.tp, tp);
}

/* Entities.  Candidates (node, gold, score):
 *   Alan Smith ~ A. Smith        surname, Jaccard {alan,smith}/{a,smith} = 1/3
 *   Alan Smith ~ Alan Smithson   Jaccard of stems {alan,smith} = 1
 *   Smith ~ A. Smith             surname, Jaccard {smith}/{a,smith} = 1/2
 *   Smith ~ Alan Smithson        surname, 1/2
 *   Federation ... ~ FTUK        exact through the alias
 *   memorandum ~ the Memorandum  exact once "the " is dropped
 * Greedy: Alan Smith–Alan Smithson (1), then Smith–A. Smith (1/2, first in
 * gold order among the ties), FTUK, memorandum: 4 of 5 gold, 4 of 6 nodes.
 * P = 4/6 = 0.666667, R = 4/5 = 0.8, F1 = 2PR/(P+R) = 0.727273. */
START_TEST(test_entities_match_by_form_jaccard_and_surname) {
    ck_assert_str_eq(hand.doc, "hand.txt");
    ck_assert_ptr_null(hand.error);
    assert_counts(hand.entities[KG_ENT_PERSON], 2, 2, 2);
    assert_counts(hand.entities[KG_ENT_ORGANIZATION], 1, 2, 1);
    assert_counts(hand.entities[KG_ENT_AGREEMENT], 1, 1, 1);
    assert_counts(hand.entities[KG_ENT_EVENT], 0, 0, 0);
    assert_counts(hand.entities[KG_ENT_PLACE], 1, 1, 0);
    ck_assert_uint_eq(hand.n_details[KG_EVAL_FUZZY_MATCHES], 2);
    ck_assert_str_eq(hand.details[KG_EVAL_FUZZY_MATCHES][0],
                     "Person \"Smith\" ~ \"A. Smith\" (surname 0.500)");
    ck_assert_str_eq(hand.details[KG_EVAL_FUZZY_MATCHES][1],
                     "Person \"Alan Smith\" ~ \"Alan Smithson\" (jaccard 1.000)");
    ck_assert_uint_eq(hand.n_details[KG_EVAL_MISSED_ENTITIES], 1);
    ck_assert_str_eq(hand.details[KG_EVAL_MISSED_ENTITIES][0], "Place \"Osh\"");
    ck_assert_uint_eq(hand.n_details[KG_EVAL_SPURIOUS_ENTITIES], 2);
    ck_assert_str_eq(hand.details[KG_EVAL_SPURIOUS_ENTITIES][0], "Place \"Bishkek\"");
    ck_assert_str_eq(hand.details[KG_EVAL_SPURIOUS_ENTITIES][1],
                     "Organization \"Ministry of Labour\"");
}
END_TEST

/* Relations.  Link 0 (deputy_chairman) takes the gold holds_post whose
 * role agrees ("Deputy Chairman", the second) in the first pass; link 1
 * (president) gets the other one (Secretary: a role error).  Link 2 is the
 * gold meeting stated the other way; link 5 repeats it and is spurious;
 * party_to matches; located_in ends in Bishkek, which matches nothing; the
 * visit to Osh is missed.  4 of 5 gold, 4 of 6 links: the same figures as
 * the entities.  Roles 1/2; duplicates: link 1 (same type and ends as link
 * 0) and link 5. */
START_TEST(test_relations_match_one_to_one_preferring_the_right_role) {
    assert_counts(hand.relations[KG_REL_HOLDS_POST], 2, 2, 2);
    assert_counts(hand.relations[KG_REL_MET_WITH], 1, 2, 1);
    assert_counts(hand.relations[KG_REL_PARTY_TO], 1, 1, 1);
    assert_counts(hand.relations[KG_REL_VISITED], 1, 0, 0);
    assert_counts(hand.relations[KG_REL_LOCATED_IN], 0, 1, 0);
    ck_assert_uint_eq(hand.roles_correct, 1);
    ck_assert_uint_eq(hand.roles_total, 2);
    ck_assert_uint_eq(hand.duplicate_links, 2);
    ck_assert_uint_eq(hand.n_details[KG_EVAL_ROLE_ERRORS], 1);
    ck_assert_str_eq(hand.details[KG_EVAL_ROLE_ERRORS][0],
                     "holds_post \"Alan Smithson\" -> \"FTUK\" (role \"Secretary\"): system role "
                     "\"president\"");
    ck_assert_uint_eq(hand.n_details[KG_EVAL_MISSED_RELATIONS], 1);
    ck_assert_str_eq(hand.details[KG_EVAL_MISSED_RELATIONS][0],
                     "visited \"Alan Smithson\" -> \"Osh\"");
    ck_assert_uint_eq(hand.n_details[KG_EVAL_SPURIOUS_RELATIONS], 2);
    ck_assert_str_eq(hand.details[KG_EVAL_SPURIOUS_RELATIONS][0],
                     "located_in \"Federation of Trade Unions of Kyrgyzstan\" -> \"Bishkek\"");
    ck_assert_str_eq(hand.details[KG_EVAL_SPURIOUS_RELATIONS][1],
                     "met_with \"Smith\" -> \"Alan Smith\"");
}
END_TEST

START_TEST(test_figures_are_rounded_like_score_py) {
    kg_eval_counts all = {5, 6, 4};
    kg_eval_prf f = kg_eval_prf_of(all);
    ck_assert(f.precision == 0.666667);
    ck_assert(f.recall == 0.8);
    ck_assert(f.f1 == 0.727273);
    kg_eval_counts none = {0, 0, 0};
    f = kg_eval_prf_of(none);
    ck_assert(f.precision == 0.0 && f.recall == 0.0 && f.f1 == 0.0);
    kg_eval_counts third = {3, 3, 1};
    ck_assert(kg_eval_prf_of(third).f1 == 0.333333);
}
END_TEST

/* A one-document result around the hand-made score (borrowed). */
static kg_eval_result hand_result(void) {
    kg_eval_result r = {.gold_dir = hand_dir, .docs = &hand, .n_docs = 1};
    return r;
}

START_TEST(test_report_has_score_py_lines) {
    kg_eval_result r = hand_result();
    char *buf = NULL;
    size_t len = 0;
    FILE *out = open_memstream(&buf, &len);
    kg_error err;
    ck_assert_int_eq(kg_eval_write_report(&r, true, out, &err), KG_OK);
    fclose(out);
    static const char *const lines[] = {
        "== hand.txt\n",
        "  ~ fuzzy    Person \"Smith\" ~ \"A. Smith\" (surname 0.500)\n",
        "  ! role     holds_post \"Alan Smithson\" -> \"FTUK\" (role \"Secretary\"): system role "
        "\"president\"\n",
        "  ignored: 0 nodes , 0 links ; 0 links with unknown ends, 2 duplicates\n",
        "hand      |     5     6     4  0.667 0.800 0.727 |     5     6     4  0.667 0.800 "
        "0.727 |   1/2 |   0\n",
        "Organization         1     2     1  0.500 1.000 0.667\n",
        "Event                0     0     0    -     -     -  \n",
        "Place                1     1     0  0.000 0.000 0.000\n",
        "met_with             1     2     1  0.500 1.000 0.667\n",
        "holds_post role accuracy (matched, gold role given): 1/2 = 0.500\n",
        "counted as spurious: 0 links with unknown ends, 0 links to ignored nodes, 2 duplicate "
        "links\n",
    };
    for (size_t i = 0; i < sizeof lines / sizeof *lines; i++)
        ck_assert_msg(strstr(buf, lines[i]) != NULL, "report lacks:\n%s\nreport:\n%s", lines[i],
                      buf);
    const char *last = "overall: entity_f1=0.727 relation_f1=0.727\n";
    ck_assert_uint_ge(len, strlen(last));
    ck_assert_str_eq(buf + len - strlen(last), last);
    free(buf);
}
END_TEST

START_TEST(test_json_has_score_py_shape) {
    kg_eval_result r = hand_result();
    char *buf = NULL;
    size_t len = 0;
    FILE *out = open_memstream(&buf, &len);
    kg_error err;
    ck_assert_int_eq(kg_eval_write_json(&r, out, &err), KG_OK);
    fclose(out);
    json_error_t jerr;
    json_t *root = json_loads(buf, 0, &jerr);
    ck_assert_msg(root != NULL, "%s", jerr.text);
    json_t *overall = json_object_get(root, "overall");
    json_t *ents = json_object_get(overall, "entities");
    ck_assert(json_real_value(json_object_get(ents, "precision")) == 0.666667);
    ck_assert(json_real_value(json_object_get(ents, "f1")) == 0.727273);
    ck_assert_int_eq(json_integer_value(json_object_get(ents, "fp")), 2);
    json_t *org = json_object_get(json_object_get(ents, "by_type"), "Organization");
    ck_assert(json_real_value(json_object_get(org, "f1")) == 0.666667);
    json_t *roles = json_object_get(overall, "roles");
    ck_assert(json_real_value(json_object_get(roles, "accuracy")) == 0.5);
    ck_assert_int_eq(
        json_integer_value(json_object_get(json_object_get(overall, "ignored"), "duplicate_links")),
        2);
    json_t *doc = json_array_get(json_object_get(root, "documents"), 0);
    ck_assert_str_eq(json_string_value(json_object_get(doc, "doc")), "hand.txt");
    ck_assert(json_is_false(json_object_get(doc, "failed")));
    ck_assert_uint_eq(
        json_array_size(json_object_get(json_object_get(doc, "details"), "spurious_relations")), 2);
    /* figures written as Python writes them, not as 0.66666700000000001 */
    ck_assert_ptr_nonnull(strstr(buf, "\"precision\": 0.666667,"));
    json_decref(root);
    free(buf);
}
END_TEST

/* ---- runs over folders ------------------------------------------------------------ */

START_TEST(test_missing_article_counts_as_an_empty_graph) {
    char *dir = kgt_temp_dir("eval-missing");
    char *path = kgt_path(dir, "hand.gold.json");
    ck_assert_int_eq(kgt_write_file(path, hand_gold, strlen(hand_gold)), 0);
    kg_eval_result r;
    kg_error err;
    ck_assert_int_eq(kg_eval_run(&r, dir, NULL, 0, &err), KG_OK);
    ck_assert_uint_eq(r.n_docs, 1);
    ck_assert_ptr_nonnull(r.docs[0].error);
    ck_assert_str_eq(r.docs[0].error, "article text hand.txt not found");
    assert_counts(r.docs[0].entities[KG_ENT_PERSON], 2, 0, 0);
    assert_counts(r.docs[0].relations[KG_REL_HOLDS_POST], 2, 0, 0);
    ck_assert_uint_eq(r.docs[0].n_details[KG_EVAL_MISSED_ENTITIES], 5);
    kg_eval_result_clear(&r);
    kg_eval_result_clear(&r); /* cleared twice is fine */
    kg_eval_result_clear(NULL);
    free(path);
    free(dir);
}
END_TEST

START_TEST(test_empty_article_counts_as_an_empty_graph) {
    char *dir = kgt_temp_dir("eval-empty");
    char *path = kgt_path(dir, "hand.gold.json"), *text = kgt_path(dir, "hand.txt");
    ck_assert_int_eq(kgt_write_file(path, hand_gold, strlen(hand_gold)), 0);
    /* only metadata: nothing is left once score.py drops it */
    ck_assert_int_eq(kgt_write_file(text, "# lang: en\n# source: x\n", 23), 0);
    kg_eval_result r;
    kg_error err;
    ck_assert_int_eq(kg_eval_run(&r, dir, NULL, 0, &err), KG_OK);
    ck_assert_ptr_nonnull(r.docs[0].error);
    ck_assert_ptr_nonnull(strstr(r.docs[0].error, "empty document"));
    kg_eval_result_clear(&r);
    free(text);
    free(path);
    free(dir);
}
END_TEST

START_TEST(test_unusable_gold_folders_are_errors) {
    kg_eval_result r;
    kg_error err;
    char *dir = kgt_temp_dir("eval-bad");
    ck_assert_int_eq(kg_eval_run(&r, dir, NULL, 0, &err), KG_ERR_INPUT);
    ck_assert_ptr_nonnull(strstr(err.message, "no *.gold.json"));
    kg_eval_result_clear(&r);
    char *missing = kgt_path(dir, "absent");
    ck_assert_int_eq(kg_eval_run(&r, missing, NULL, 0, &err), KG_ERR_INPUT);
    kg_eval_result_clear(&r);

    char *path = kgt_path(dir, "a.gold.json");
    ck_assert_int_eq(kgt_write_file(path, "{\"entities\": [\n  {\"id\": 1,,}]}", 30), 0);
    ck_assert_int_eq(kg_eval_run(&r, dir, NULL, 0, &err), KG_ERR_PARSE);
    ck_assert_str_eq(err.where, path);
    ck_assert_uint_eq(err.line, 2);
    kg_eval_result_clear(&r);
    ck_assert_int_eq(kgt_write_file(path, "[1, 2]", 6), 0);
    ck_assert_int_eq(kg_eval_run(&r, dir, NULL, 0, &err), KG_ERR_PARSE);
    ck_assert_ptr_nonnull(strstr(err.message, "not a JSON object"));
    kg_eval_result_clear(&r);
    ck_assert_int_eq(kg_eval_run(NULL, dir, NULL, 0, &err), KG_ERR_USAGE);
    free(path);
    free(missing);
    free(dir);
}
END_TEST

START_TEST(test_odd_gold_items_are_warned_about_and_ignored) {
    static const char odd[] =
        "{\"entities\": [7, {\"id\": \"r\", \"type\": \"Robot\", \"name\": \"R2\"},\n"
        "  {\"id\": \"p\", \"type\": \" PERSON \", \"name\": \"Ann Lee\", \"aliases\": \"A. "
        "Lee\"},\n"
        "  {\"id\": \"p\", \"type\": \"Place\", \"name\": \"Lee\"}],\n"
        " \"relations\": [{\"type\": \"likes\", \"subject\": \"p\", \"object\": \"p\"},\n"
        "  {\"type\": \"Visited\", \"subject\": \"p\", \"object\": \"nowhere\"},\n"
        "  {\"type\": \"met-with\", \"subject\": \"p\", \"object\": \"p\"}]}";
    char *dir = kgt_temp_dir("eval-odd");
    char *path = kgt_path(dir, "odd.gold.json");
    ck_assert_int_eq(kgt_write_file(path, odd, strlen(odd)), 0);
    kg_eval_result r;
    kg_error err;
    ck_assert_int_eq(kg_eval_run(&r, dir, NULL, 0, &err), KG_OK);
    ck_assert_uint_eq(r.n_warnings, 5);
    ck_assert_ptr_nonnull(strstr(r.warnings[0], "entity that is not an object ignored"));
    ck_assert_ptr_nonnull(strstr(r.warnings[1], "entity 'r': unknown type 'Robot' ignored"));
    ck_assert_ptr_nonnull(strstr(r.warnings[2], "duplicate entity id 'p'"));
    ck_assert_ptr_nonnull(strstr(r.warnings[3], "relation with unknown type 'likes' ignored"));
    ck_assert_ptr_nonnull(strstr(r.warnings[4], "visited 'p' -> 'nowhere': unknown entity id"));
    /* " PERSON " is a Person, "met-with" a met_with, "doc" defaults to odd.txt */
    ck_assert_str_eq(r.docs[0].doc, "odd.txt");
    ck_assert_uint_eq(r.docs[0].entities[KG_ENT_PERSON].gold, 1);
    ck_assert_uint_eq(r.docs[0].entities[KG_ENT_PLACE].gold, 1);
    ck_assert_uint_eq(r.docs[0].relations[KG_REL_MET_WITH].gold, 1);
    kg_eval_result_clear(&r);
    free(path);
    free(dir);
}
END_TEST

static Suite *eval_suite(void) {
    Suite *s = suite_create("eval");
    TCase *tc = tcase_create("normalize");
    tcase_add_loop_test(tc, test_normalize_follows_score_py, 0,
                        (int)(sizeof norm_cases / sizeof *norm_cases));
    tcase_add_test(tc, test_figures_are_rounded_like_score_py);
    suite_add_tcase(s, tc);
    tc = tcase_create("hand");
    tcase_add_checked_fixture(tc, hand_setup, hand_teardown);
    tcase_add_test(tc, test_entities_match_by_form_jaccard_and_surname);
    tcase_add_test(tc, test_relations_match_one_to_one_preferring_the_right_role);
    tcase_add_test(tc, test_report_has_score_py_lines);
    tcase_add_test(tc, test_json_has_score_py_shape);
    suite_add_tcase(s, tc);
    tc = tcase_create("run");
    tcase_set_timeout(tc, 120);
    tcase_add_test(tc, test_missing_article_counts_as_an_empty_graph);
    tcase_add_test(tc, test_empty_article_counts_as_an_empty_graph);
    tcase_add_test(tc, test_unusable_gold_folders_are_errors);
    tcase_add_test(tc, test_odd_gold_items_are_warned_about_and_ignored);
    suite_add_tcase(s, tc);
    return s;
}

int main(void) {
    SRunner *sr = srunner_create(eval_suite());
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
