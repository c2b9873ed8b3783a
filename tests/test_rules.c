/* test_rules.c — the rule language: user rules and lexicons change what is
 * extracted, rules override by id, malformed files are reported with file,
 * line and problem, and every built-in rule family fires (or stays silent)
 * on sentences of both languages. */
#include "kg_extract.h"
#include "kg_test_util.h"

#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static kg_strpool *pool;
static kg_extractor *ex;
static kg_doc_facts facts;
static char *dir;

static void setup(void) {
    kg_error err;
    kg_error_clear(&err);
    pool = kg_strpool_new();
    ck_assert_ptr_nonnull(pool);
    ck_assert_int_eq(kg_extractor_new(&ex, pool, &err), KG_OK);
    kg_doc_facts_init(&facts);
    dir = kgt_temp_dir("rules");
    ck_assert_ptr_nonnull(dir);
}

static void teardown(void) {
    kg_doc_facts_clear(&facts);
    kg_extractor_free(ex);
    kg_strpool_free(pool);
    free(dir);
}

static void extract(const char *text) {
    kg_document doc = {0};
    doc.id = kg_strpool_cstr(pool, "t.txt");
    doc.text = text;
    doc.len = strlen(text);
    ck_assert_int_eq(kg_extract_document(ex, &doc, &facts), KG_OK);
}

static long entity(kg_entity_type type, const char *name) {
    for (size_t i = 0; i < facts.n_entities; i++)
        if (facts.entities[i].type == type && strcmp(facts.entities[i].name, name) == 0)
            return (long)i;
    return -1;
}

/* The relation of this type between the named entities, or NULL. */
static const kg_doc_relation *relation(kg_relation_type type, const char *subject,
                                       const char *object) {
    for (size_t i = 0; i < facts.n_relations; i++) {
        const kg_doc_relation *r = &facts.relations[i];
        const char *s = facts.entities[r->subject].name, *o = facts.entities[r->object].name;
        if (r->type == type &&
            ((strcmp(s, subject) == 0 && strcmp(o, object) == 0) ||
             (type == KG_REL_MET_WITH && strcmp(o, subject) == 0 && strcmp(s, object) == 0)))
            return r;
    }
    return NULL;
}

static size_t count(kg_relation_type type) {
    size_t n = 0;
    for (size_t i = 0; i < facts.n_relations; i++)
        n += facts.relations[i].type == type;
    return n;
}

static char *write_tmp(const char *name, const char *text) {
    char *path = kgt_path(dir, name);
    ck_assert_int_eq(kgt_write_file(path, text, strlen(text)), 0);
    return path;
}

/* ---- built-in rule families ------------------------------------------------------------ */

START_TEST(test_holds_post_title_before_name_with_acronym) {
    extract("Chairman of the Federation of Trade Unions of Kyrgyzstan (FTUK) Nurlan Abdiev "
            "opened the meeting.");
    const kg_doc_relation *r =
        relation(KG_REL_HOLDS_POST, "Nurlan Abdiev", "Federation of Trade Unions of Kyrgyzstan");
    ck_assert_ptr_nonnull(r);
    ck_assert_str_eq(r->role, "chairman");
    ck_assert_str_eq(r->role_text, "Chairman");
    ck_assert_str_eq(r->evidence.rule, "holds_post.title_org_person");
    ck_assert_double_eq_tol(r->evidence.confidence, 0.9, 1e-9);
}
END_TEST

START_TEST(test_holds_post_multiword_title_is_one_role) {
    extract("Aigerim Bekova, Deputy Chairman of the Confederation of Labour of Kazakhstan, "
            "spoke.");
    const kg_doc_relation *r =
        relation(KG_REL_HOLDS_POST, "Aigerim Bekova", "Confederation of Labour of Kazakhstan");
    ck_assert_ptr_nonnull(r);
    ck_assert_str_eq(r->role, "deputy_chairman");
    ck_assert_uint_eq(count(KG_REL_HOLDS_POST), 1); /* not also "chairman" */
}
END_TEST

START_TEST(test_holds_post_russian_title_in_dictionary_form) {
    extract("Председатель Федерации профсоюзов Кыргызстана Каныбек Жумалиев открыл форум.");
    const kg_doc_relation *r =
        relation(KG_REL_HOLDS_POST, "Каныбек Жумалиев", "Федерация профсоюзов Кыргызстана");
    ck_assert_ptr_nonnull(r);
    ck_assert_str_eq(r->role_text, "Председатель");
}
END_TEST

START_TEST(test_holds_post_organ_joins_the_role) {
    extract("It was signed by the President of the Executive Council of the International "
            "Federation of Asian and African Trade Unions, Mr. Omar Haddad.");
    const kg_doc_relation *r =
        relation(KG_REL_HOLDS_POST, "Omar Haddad",
                 "International Federation of Asian and African Trade Unions");
    ck_assert_ptr_nonnull(r);
    ck_assert_str_eq(r->role_text, "President of the Executive Council");
}
END_TEST

START_TEST(test_unrelated_chairman_gets_no_post) {
    extract("Chairman of the Federation of Trade Unions of Kyrgyzstan Nurlan Abdiev spoke. "
            "The Ministry of Labour of Kazakhstan issued a report.");
    ck_assert_ptr_null(
        relation(KG_REL_HOLDS_POST, "Nurlan Abdiev", "Ministry of Labour of Kazakhstan"));
}
END_TEST

START_TEST(test_signed_and_parties_of_a_memorandum) {
    extract("The memorandum of cooperation was signed by Nurlan Abdiev, Chairman of the "
            "Federation of Trade Unions of Kyrgyzstan, and Ivan Petrov, Chairman of the "
            "Federation of Independent Trade Unions of Russia.");
    ck_assert_ptr_nonnull(relation(KG_REL_SIGNED, "Nurlan Abdiev", "memorandum of cooperation"));
    ck_assert_ptr_nonnull(relation(KG_REL_SIGNED, "Ivan Petrov", "memorandum of cooperation"));
    ck_assert_ptr_nonnull(relation(KG_REL_PARTY_TO,
                                   "Federation of Independent Trade Unions of Russia",
                                   "memorandum of cooperation"));
}
END_TEST

START_TEST(test_planned_memorandum_is_not_signed) {
    extract("The Federation of Trade Unions of Uzbekistan and Ivan Petrov plan to sign a "
            "memorandum of cooperation next year.");
    ck_assert_uint_eq(count(KG_REL_SIGNED), 0);
    extract("Стороны намерены подписать меморандум о сотрудничестве, сообщил Ерлан Касымов.");
    ck_assert_uint_eq(count(KG_REL_SIGNED), 0);
}
END_TEST

START_TEST(test_parties_after_between) {
    extract("An agreement between the Federation of Trade Unions of Kyrgyzstan and the "
            "Federation of Trade Unions of Uzbekistan was prepared.");
    ck_assert_ptr_nonnull(
        relation(KG_REL_PARTY_TO, "Federation of Trade Unions of Kyrgyzstan", "agreement"));
    ck_assert_ptr_nonnull(
        relation(KG_REL_PARTY_TO, "Federation of Trade Unions of Uzbekistan", "agreement"));
}
END_TEST

START_TEST(test_met_with_across_with_in_russian) {
    extract("Председатель Федерации профсоюзов Республики Казахстан Ерлан Касымов встретился с "
            "Бахтияром Нуриевым.");
    ck_assert_ptr_nonnull(relation(KG_REL_MET_WITH, "Ерлан Касымов", "Бахтияр Нуриев"));
    long p = entity(KG_ENT_PERSON, "Бахтияр Нуриев");
    ck_assert_int_ge(p, 0);
    int has_surface = 0;
    for (size_t i = 0; i < facts.entities[p].n_aliases; i++)
        has_surface |= strcmp(facts.entities[p].aliases[i], "Бахтияром Нуриевым") == 0;
    ck_assert(has_surface);
}
END_TEST

START_TEST(test_visit_goes_to_the_person_not_the_body) {
    extract("Ivan Petrov, Chairman of the Federation of Independent Trade Unions of Russia, "
            "visited Bishkek.");
    ck_assert_ptr_nonnull(relation(KG_REL_VISITED, "Ivan Petrov", "Bishkek"));
    ck_assert_uint_eq(count(KG_REL_VISITED), 1);
}
END_TEST

START_TEST(test_event_located_in_place_through_possessive) {
    extract("The delegates attended the Forum of Trade Unions of Central Asia, held in "
            "Kazakhstan’s Astana.");
    ck_assert_ptr_nonnull(
        relation(KG_REL_LOCATED_IN, "Forum of Trade Unions of Central Asia", "Astana"));
    ck_assert_uint_eq(count(KG_REL_LOCATED_IN), 1);
}
END_TEST

START_TEST(test_member_of_between_two_bodies) {
    extract("The Trade Union of Miners of Kyrgyzstan is a member of the Federation of Trade "
            "Unions of Kyrgyzstan.");
    ck_assert_ptr_nonnull(relation(KG_REL_MEMBER_OF, "Trade Union of Miners of Kyrgyzstan",
                                   "Federation of Trade Unions of Kyrgyzstan"));
}
END_TEST

START_TEST(test_the_federation_refers_back_to_the_one_federation) {
    extract("The Federation of Trade Unions of Kyrgyzstan held its congress. The Federation "
            "signed a memorandum of cooperation in Bishkek.");
    ck_assert_ptr_nonnull(relation(KG_REL_PARTY_TO, "Federation of Trade Unions of Kyrgyzstan",
                                   "memorandum of cooperation"));
    long org = entity(KG_ENT_ORGANIZATION, "Federation of Trade Unions of Kyrgyzstan");
    ck_assert_int_ge(org, 0);
    ck_assert_uint_eq(facts.entities[org].mentions, 2);
    /* "Federation" alone would match every federation elsewhere: no alias */
    for (size_t i = 0; i < facts.entities[org].n_aliases; i++)
        ck_assert_str_ne(facts.entities[org].aliases[i], "Federation");
}
END_TEST

START_TEST(test_the_federation_is_ambiguous_between_two) {
    extract("The Federation of Trade Unions of Kyrgyzstan and the Federation of Trade Unions of "
            "Uzbekistan met. The Federation signed a memorandum of cooperation.");
    ck_assert_uint_eq(count(KG_REL_PARTY_TO), 0);
}
END_TEST

static const char *entity_date(kg_entity_type type, const char *name) {
    long e = entity(type, name);
    ck_assert_int_ge(e, 0);
    return facts.entities[e].date;
}

START_TEST(test_agreement_and_event_dates_in_iso_8601) {
    extract("On 12 May 2024 in Bishkek the Federation of Trade Unions of Kyrgyzstan and the "
            "Federation of Independent Trade Unions of Russia signed a memorandum of "
            "cooperation.");
    ck_assert_str_eq(entity_date(KG_ENT_AGREEMENT, "memorandum of cooperation"), "2024-05-12");
    /* the year from the dateline when the sentence has none */
    extract("Astana, 22 May 2024. The Federation of Trade Unions of Kazakhstan organised the "
            "International Trade Union Forum on 21-22 May.");
    ck_assert_str_eq(entity_date(KG_ENT_EVENT, "International Trade Union Forum"), "2024-05-21");
    extract("Тверь, 14 июля 2023 года. Подписи под соглашением о сотрудничестве 13 июля "
            "поставили председатель областного парламента Сергей Голубев и Раиса Виноградова.");
    ck_assert_str_eq(entity_date(KG_ENT_AGREEMENT, "соглашение о сотрудничестве"), "2023-07-13");
    /* ISO dates, and no year at all: no date */
    extract("An agreement of cooperation was signed on 2021-08-19 between the Federation of "
            "Trade Unions of Kyrgyzstan and the Federation of Trade Unions of Uzbekistan.");
    ck_assert_str_eq(entity_date(KG_ENT_AGREEMENT, "agreement of cooperation"), "2021-08-19");
    extract("On 3 March the Federation of Trade Unions of Kyrgyzstan signed a memorandum of "
            "cooperation.");
    ck_assert_ptr_null(entity_date(KG_ENT_AGREEMENT, "memorandum of cooperation"));
}
END_TEST

/* ---- user rules and lexicons --------------------------------------------------------------- */

static const char *appointed_rule =
    "{\"rules\": [{\n"
    "  \"id\": \"holds_post.appointed\",\n"
    "  \"confidence\": 0.8,\n"
    "  \"pattern\": [\n"
    "    {\"entity\": \"Person\", \"capture\": \"person\"},\n"
    "    {\"lower\": [\"was\", \"has\", \"been\"], \"op\": \"*\"},\n"
    "    {\"lower\": [\"appointed\", \"elected\"]},\n"
    "    {\"lower\": \"as\", \"op\": \"?\"},\n"
    "    {\"lex\": \"TITLE\", \"capture\": \"title\"},\n"
    "    {\"lex\": \"CONNECTOR_OF\"},\n"
    "    {\"lex\": \"ARTICLE\", \"op\": \"?\"},\n"
    "    {\"entity\": \"Organization\", \"capture\": \"org\"}\n"
    "  ],\n"
    "  \"emit\": [{\"relation\": \"holds_post\", \"subject\": \"person\", \"object\": \"org\", "
    "\"role\": \"title\"}]\n"
    "}]}\n";

START_TEST(test_user_rule_adds_a_relation) {
    const char *text = "Yesterday Kanat Seitkali was appointed as secretary of the Federation "
                       "of Trade Unions of Kazakhstan.";
    extract(text);
    ck_assert_uint_eq(count(KG_REL_HOLDS_POST), 0);
    size_t before = kg_extractor_rule_count(ex);
    char *path = write_tmp("appointed.json", appointed_rule);
    kg_error err;
    kg_error_clear(&err);
    ck_assert_int_eq(kg_extractor_add_rules(ex, path, &err), KG_OK);
    ck_assert_uint_eq(kg_extractor_rule_count(ex), before + 1);
    extract(text);
    const kg_doc_relation *r =
        relation(KG_REL_HOLDS_POST, "Kanat Seitkali", "Federation of Trade Unions of Kazakhstan");
    ck_assert_ptr_nonnull(r);
    ck_assert_str_eq(r->evidence.rule, "holds_post.appointed");
    ck_assert_str_eq(r->role, "secretary");
    free(path);
}
END_TEST

START_TEST(test_user_rule_with_same_id_replaces_builtin) {
    /* an empty-handed replacement: the built-in visit rule now needs "toured" */
    const char *rule = "{\"rules\": [{\"id\": \"visited.person_cue\", \"confidence\": 0.5,"
                       " \"pattern\": [{\"entity\": \"Person\", \"capture\": \"p\"},"
                       " {\"lower\": \"toured\"}, {\"entity\": \"Place\", \"capture\": \"x\"}],"
                       " \"emit\": [{\"relation\": \"visited\", \"subject\": \"p\","
                       " \"object\": \"x\"}]}]}";
    char *path = write_tmp("override.json", rule);
    kg_error err;
    kg_error_clear(&err);
    size_t before = kg_extractor_rule_count(ex);
    ck_assert_int_eq(kg_extractor_add_rules(ex, path, &err), KG_OK);
    ck_assert_uint_eq(kg_extractor_rule_count(ex), before);
    extract("Ivan Petrov visited Bishkek.");
    ck_assert_uint_eq(count(KG_REL_VISITED), 0);
    extract("Ivan Petrov toured Bishkek.");
    const kg_doc_relation *r = relation(KG_REL_VISITED, "Ivan Petrov", "Bishkek");
    ck_assert_ptr_nonnull(r);
    ck_assert_double_eq_tol(r->evidence.confidence, 0.5, 1e-9);
    free(path);
}
END_TEST

START_TEST(test_user_lexicon_adds_a_title_and_a_place) {
    const char *text = "Convenor of the Federation of Trade Unions of Kyrgyzstan Nurlan Abdiev "
                       "visited Kant.";
    extract(text);
    ck_assert_uint_eq(count(KG_REL_HOLDS_POST), 0);
    ck_assert_int_lt(entity(KG_ENT_PLACE, "Kant"), 0);
    char *path = write_tmp("lex.json", "{\"TITLE\": [{\"role\": \"chairman\", \"head\": true,"
                                       " \"forms\": [\"convenor\"]}],"
                                       " \"PLACE\": [{\"name\": \"Kant\", \"ru\": \"Кант\"}]}");
    kg_error err;
    kg_error_clear(&err);
    ck_assert_int_eq(kg_extractor_add_lexicon(ex, path, &err), KG_OK);
    extract(text);
    const kg_doc_relation *r =
        relation(KG_REL_HOLDS_POST, "Nurlan Abdiev", "Federation of Trade Unions of Kyrgyzstan");
    ck_assert_ptr_nonnull(r);
    ck_assert_str_eq(r->role, "chairman");
    ck_assert_int_ge(entity(KG_ENT_PLACE, "Kant"), 0);
    ck_assert_ptr_nonnull(relation(KG_REL_VISITED, "Nurlan Abdiev", "Kant"));
    free(path);
}
END_TEST

/* A malformed file: status, file, line and the problem. */
static void expect_rule_error(const char *text, size_t line, const char *what) {
    char *path = write_tmp("bad.json", text);
    kg_error err;
    kg_error_clear(&err);
    ck_assert_int_eq(kg_extractor_add_rules(ex, path, &err), KG_ERR_PARSE);
    ck_assert_str_eq(err.where, path);
    ck_assert_uint_eq(err.line, line);
    ck_assert_msg(strstr(err.message, what) != NULL, "message '%s' lacks '%s'", err.message, what);
    free(path);
}

START_TEST(test_malformed_rule_files_name_line_and_problem) {
    expect_rule_error(
        "{\"rules\": [\n  {\"id\": \"a\", \"pattern\": [{\"lex\": \"TITLE\", \"capture\": \"x\"}],"
        " \"emit\": [{\"entity\": \"Person\", \"capture\": \"x\"}]},\n"
        "  {\"id\": \"b\",\n   \"pattern\": [{\"lex\": \"TITEL\"}]}\n]}\n",
        3, "unknown word class \"TITEL\"");
    expect_rule_error("{\"rules\": [\n\n  {\"id\": \"c\", \"pattern\": [{\"entity\": \"Person\","
                      " \"capture\": \"p\"}], \"emit\": [{\"relation\": \"holds_post\","
                      " \"subject\": \"p\", \"object\": \"q\"}]}]}",
                      3, "\"q\" is not a capture");
    expect_rule_error("{\"rules\": [\n  {\"id\": \"d\", \"pattern\": [{\"colour\": 1}],"
                      " \"emit\": []}]}",
                      2, "unknown key \"colour\"");
    expect_rule_error("{\"rules\": [\n  {\"id\": \"e\", \"pattern\": [x]}]}", 2, "");
    expect_rule_error("[1, 2]", 1, "\"rules\" array");
}
END_TEST

START_TEST(test_missing_rule_file_is_an_input_error) {
    kg_error err;
    kg_error_clear(&err);
    ck_assert_int_eq(kg_extractor_add_rules(ex, "/nonexistent/rules.json", &err), KG_ERR_INPUT);
    ck_assert_str_eq(err.where, "/nonexistent/rules.json");
}
END_TEST

START_TEST(test_cli_rejects_bad_rule_file_with_exit_1) {
    char *bad = write_tmp("cli-bad.json", "{\"rules\": [{\"id\": \"z\"}]}");
    char *doc = write_tmp("doc.txt", "Ivan Petrov visited Bishkek.");
    char *out = kgt_path(dir, "out");
    char cmd[4096];
    snprintf(cmd, sizeof cmd, "'%s' build -q --rules '%s' -o '%s' '%s'", KG_CLI, bad, out, doc);
    char *err = NULL;
    int rc = kgt_run(cmd, NULL, &err);
    ck_assert_int_eq(rc, 1);
    ck_assert_ptr_nonnull(strstr(err, bad));
    ck_assert_ptr_nonnull(strstr(err, "rule \"z\""));
    free(err);
    free(bad);
    free(doc);
    free(out);
}
END_TEST

static Suite *rules_suite(void) {
    Suite *s = suite_create("rules");
    TCase *builtin = tcase_create("builtin");
    tcase_add_checked_fixture(builtin, setup, teardown);
    tcase_add_test(builtin, test_holds_post_title_before_name_with_acronym);
    tcase_add_test(builtin, test_holds_post_multiword_title_is_one_role);
    tcase_add_test(builtin, test_holds_post_russian_title_in_dictionary_form);
    tcase_add_test(builtin, test_holds_post_organ_joins_the_role);
    tcase_add_test(builtin, test_unrelated_chairman_gets_no_post);
    tcase_add_test(builtin, test_signed_and_parties_of_a_memorandum);
    tcase_add_test(builtin, test_planned_memorandum_is_not_signed);
    tcase_add_test(builtin, test_parties_after_between);
    tcase_add_test(builtin, test_met_with_across_with_in_russian);
    tcase_add_test(builtin, test_visit_goes_to_the_person_not_the_body);
    tcase_add_test(builtin, test_event_located_in_place_through_possessive);
    tcase_add_test(builtin, test_member_of_between_two_bodies);
    tcase_add_test(builtin, test_the_federation_refers_back_to_the_one_federation);
    tcase_add_test(builtin, test_the_federation_is_ambiguous_between_two);
    tcase_add_test(builtin, test_agreement_and_event_dates_in_iso_8601);
    suite_add_tcase(s, builtin);
    TCase *user = tcase_create("user");
    tcase_add_checked_fixture(user, setup, teardown);
    tcase_add_test(user, test_user_rule_adds_a_relation);
    tcase_add_test(user, test_user_rule_with_same_id_replaces_builtin);
    tcase_add_test(user, test_user_lexicon_adds_a_title_and_a_place);
    tcase_add_test(user, test_malformed_rule_files_name_line_and_problem);
    tcase_add_test(user, test_missing_rule_file_is_an_input_error);
    tcase_add_test(user, test_cli_rejects_bad_rule_file_with_exit_1);
    suite_add_tcase(s, user);
    return s;
}

int main(void) {
    SRunner *sr = srunner_create(rules_suite());
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
