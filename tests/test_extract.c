/* test_extract.c — the rule-based extractor (kg_extract.h) on short English
 * and Russian sentences written for these tests (the people are invented):
 * entities with their canonical names and aliases, relations with roles and
 * evidence, sentence splitting, and pathological inputs (random bytes,
 * truncated UTF-8, huge sentences, empty text).
 *
 * The TCase "fixed" holds cases the first extractor got wrong (a month
 * named "May", "met" without "with", stray invalid bytes in names). */
#include "kg_extract.h"
#include "kg_text.h"

#include <check.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define DOC_ID "t-doc"
#define NONE ((size_t)-1)

/* ---- fixtures: one pool, extractor and facts per test ------------------------ */

static kg_strpool *pool;
static kg_extractor *extractor;
static kg_doc_facts facts;
static const char *text; /* text of the last extraction, borrowed */
static size_t text_len;

static void setup(void) {
    kg_error err;
    kg_error_clear(&err);
    pool = kg_strpool_new();
    ck_assert_ptr_nonnull(pool);
    extractor = NULL;
    ck_assert_int_eq(kg_extractor_new(&extractor, pool, &err), KG_OK);
    ck_assert_ptr_nonnull(extractor);
    kg_doc_facts_init(&facts);
    text = NULL;
    text_len = 0;
}

static void teardown(void) {
    kg_doc_facts_clear(&facts);
    kg_extractor_free(extractor);
    extractor = NULL;
    kg_strpool_free(pool);
    pool = NULL;
}

/* ---- invariants every extraction must keep, whatever the input --------------- */

static bool type_in(kg_entity_type t, unsigned mask) {
    return (mask & (1u << t)) != 0;
}

#define T_ORG (1u << KG_ENT_ORGANIZATION)
#define T_PER (1u << KG_ENT_PERSON)
#define T_AGR (1u << KG_ENT_AGREEMENT)
#define T_EVT (1u << KG_ENT_EVENT)
#define T_PLC (1u << KG_ENT_PLACE)

/* Subject and object types allowed for each relation type (kg_model.h). */
static void check_relation_schema(const kg_doc_facts *f, const kg_doc_relation *r) {
    static const unsigned subj[KG_REL_TYPE_COUNT] = {[KG_REL_HOLDS_POST] = T_PER,
                                                     [KG_REL_PARTY_TO] = T_ORG,
                                                     [KG_REL_SIGNED] = T_PER,
                                                     [KG_REL_MEMBER_OF] = T_ORG,
                                                     [KG_REL_MET_WITH] = T_PER | T_ORG,
                                                     [KG_REL_VISITED] = T_PER | T_ORG,
                                                     [KG_REL_PARTICIPATED_IN] = T_PER | T_ORG,
                                                     [KG_REL_ORGANIZED] = T_ORG,
                                                     [KG_REL_LOCATED_IN] = T_ORG | T_EVT | T_PLC};
    static const unsigned obj[KG_REL_TYPE_COUNT] = {
        [KG_REL_HOLDS_POST] = T_ORG,       [KG_REL_PARTY_TO] = T_AGR,
        [KG_REL_SIGNED] = T_AGR,           [KG_REL_MEMBER_OF] = T_ORG,
        [KG_REL_MET_WITH] = T_PER | T_ORG, [KG_REL_VISITED] = T_PLC,
        [KG_REL_PARTICIPATED_IN] = T_EVT,  [KG_REL_ORGANIZED] = T_EVT,
        [KG_REL_LOCATED_IN] = T_PLC};
    ck_assert_msg(type_in(f->entities[r->subject].type, subj[r->type]), "%s with a %s subject '%s'",
                  kg_relation_type_name(r->type), kg_entity_type_name(f->entities[r->subject].type),
                  f->entities[r->subject].name);
    ck_assert_msg(type_in(f->entities[r->object].type, obj[r->type]), "%s with a %s object '%s'",
                  kg_relation_type_name(r->type), kg_entity_type_name(f->entities[r->object].type),
                  f->entities[r->object].name);
}

/* Every index in range, every string present, every number sane. */
static void check_invariants(const kg_doc_facts *f, const char *doc_id, size_t len) {
    ck_assert_ptr_nonnull(f->doc_id);
    ck_assert_str_eq(f->doc_id, doc_id);
    ck_assert_ptr_nonnull(f->lang);
    ck_assert_uint_eq(f->n_bytes, len);
    ck_assert_uint_le(f->n_entities, f->cap_entities);
    ck_assert_uint_le(f->n_relations, f->cap_relations);
    for (size_t i = 0; i < f->n_entities; i++) {
        const kg_doc_entity *e = &f->entities[i];
        ck_assert_int_ge(e->type, 0);
        ck_assert_int_lt(e->type, KG_ENT_TYPE_COUNT);
        ck_assert_ptr_nonnull(e->name);
        ck_assert_uint_gt(strlen(e->name), 0);
        ck_assert_ptr_nonnull(e->lang);
        ck_assert_uint_ge(e->mentions, 1);
        ck_assert_uint_le(e->n_aliases, e->cap_aliases);
        for (size_t a = 0; a < e->n_aliases; a++) {
            ck_assert_ptr_nonnull(e->aliases[a]);
            ck_assert_ptr_ne(e->aliases[a], e->name);
        }
        for (size_t j = 0; j < i; j++)
            ck_assert(!(f->entities[j].type == e->type && f->entities[j].name == e->name));
    }
    for (size_t i = 0; i < f->n_relations; i++) {
        const kg_doc_relation *r = &f->relations[i];
        ck_assert_int_ge(r->type, 0);
        ck_assert_int_lt(r->type, KG_REL_TYPE_COUNT);
        ck_assert_uint_lt(r->subject, f->n_entities);
        ck_assert_uint_lt(r->object, f->n_entities);
        ck_assert_uint_ne(r->subject, r->object);
        check_relation_schema(f, r);
        if (r->type != KG_REL_HOLDS_POST) {
            ck_assert_ptr_null(r->role);
        }
        ck_assert_ptr_nonnull(r->evidence.doc);
        ck_assert_str_eq(r->evidence.doc, doc_id);
        ck_assert_uint_lt(r->evidence.sentence, f->n_sentences);
        ck_assert_uint_le(r->evidence.start, r->evidence.end);
        ck_assert_uint_le(r->evidence.end, len);
        ck_assert_ptr_nonnull(r->evidence.text);
        ck_assert_ptr_nonnull(r->evidence.rule);
        ck_assert_uint_gt(strlen(r->evidence.rule), 0);
        ck_assert(r->evidence.confidence > 0.0 && r->evidence.confidence <= 1.0);
    }
}

/* ---- running the extractor --------------------------------------------------- */

/* Extracts len bytes of s (borrowed for the test) into the global facts and
 * checks the invariants.  lang NULL means auto-detection. */
static kg_status extract_bytes(const char *s, size_t len, const char *lang) {
    kg_document doc;
    memset(&doc, 0, sizeof doc);
    doc.id = kg_strpool_cstr(pool, DOC_ID);
    doc.text = s;
    doc.len = len;
    doc.lang = lang != NULL ? kg_strpool_cstr(pool, lang) : NULL;
    text = s;
    text_len = len;
    kg_status st = kg_extract_document(extractor, &doc, &facts);
    if (st == KG_OK)
        check_invariants(&facts, DOC_ID, len);
    return st;
}

static void extract(const char *s) {
    ck_assert_int_eq(extract_bytes(s, strlen(s), NULL), KG_OK);
}

/* Index of the entity with this type and name, or NONE. */
static size_t find_entity(kg_entity_type type, const char *name) {
    for (size_t i = 0; i < facts.n_entities; i++)
        if (facts.entities[i].type == type && strcmp(facts.entities[i].name, name) == 0)
            return i;
    return NONE;
}

/* Like find_entity, but the entity must be there. */
static size_t entity(kg_entity_type type, const char *name) {
    size_t i = find_entity(type, name);
    ck_assert_msg(i != NONE, "no %s named '%s'", kg_entity_type_name(type), name);
    return i;
}

static bool has_alias(size_t i, const char *alias) {
    for (size_t a = 0; a < facts.entities[i].n_aliases; a++)
        if (strcmp(facts.entities[i].aliases[a], alias) == 0)
            return true;
    return false;
}

/* Number of entities of this type whose name or an alias is s. */
static size_t count_called(kg_entity_type type, const char *s) {
    size_t n = 0;
    for (size_t i = 0; i < facts.n_entities; i++)
        if (facts.entities[i].type == type &&
            (strcmp(facts.entities[i].name, s) == 0 || has_alias(i, s)))
            n++;
    return n;
}

/* First relation (type, subject, object) with this role (any role when
 * role is NULL), or NULL.  met_with matches in either direction. */
static const kg_doc_relation *find_relation(kg_relation_type type, size_t subject, size_t object,
                                            const char *role) {
    if (subject == NONE || object == NONE)
        return NULL;
    for (size_t i = 0; i < facts.n_relations; i++) {
        const kg_doc_relation *r = &facts.relations[i];
        if (r->type != type)
            continue;
        bool ends = (r->subject == subject && r->object == object) ||
                    (type == KG_REL_MET_WITH && r->subject == object && r->object == subject);
        if (!ends)
            continue;
        if (role == NULL || (r->role != NULL && strcmp(r->role, role) == 0))
            return r;
    }
    return NULL;
}

/* person holds a post of this role (any when NULL) in org: both named so. */
static void assert_holds(const char *person, const char *org, const char *role) {
    size_t p = entity(KG_ENT_PERSON, person), o = entity(KG_ENT_ORGANIZATION, org);
    ck_assert_msg(find_relation(KG_REL_HOLDS_POST, p, o, role) != NULL,
                  "no holds_post %s -> %s (%s)", person, org, role != NULL ? role : "any role");
}

static size_t count_relations(kg_relation_type type) {
    size_t n = 0;
    for (size_t i = 0; i < facts.n_relations; i++)
        n += facts.relations[i].type == type;
    return n;
}

static bool span_contains(size_t start, size_t end, const char *needle) {
    size_t n = strlen(needle);
    for (size_t i = start; i + n <= end; i++)
        if (memcmp(text + i, needle, n) == 0)
            return true;
    return false;
}

/* The evidence of r points into `sentence` (the sentence_index-th of the
 * text), its span covers both surface forms, and its text is the sentence. */
static void check_evidence(const kg_doc_relation *r, const char *sentence, size_t sentence_index,
                           const char *surface_a, const char *surface_b) {
    ck_assert_ptr_nonnull(r);
    const kg_evidence *ev = &r->evidence;
    ck_assert_str_eq(ev->doc, DOC_ID);
    ck_assert_uint_eq(ev->sentence, sentence_index);
    const char *at = strstr(text, sentence);
    ck_assert_ptr_nonnull(at);
    size_t s0 = (size_t)(at - text), s1 = s0 + strlen(sentence);
    ck_assert_uint_ge(ev->start, s0);
    ck_assert_uint_le(ev->end, s1);
    ck_assert_uint_lt(ev->start, ev->end);
    ck_assert_msg(span_contains(ev->start, ev->end, surface_a), "span '%.*s' lacks '%s'",
                  (int)(ev->end - ev->start), text + ev->start, surface_a);
    ck_assert_msg(span_contains(ev->start, ev->end, surface_b), "span '%.*s' lacks '%s'",
                  (int)(ev->end - ev->start), text + ev->start, surface_b);
    ck_assert_ptr_nonnull(ev->rule);
    ck_assert_uint_gt(strlen(ev->rule), 0);
    ck_assert(ev->confidence > 0.0 && ev->confidence <= 1.0);
    ck_assert_str_eq(ev->text, sentence);
    /* the sentence splitter agrees on where the sentence is */
    kg_span *spans = NULL;
    size_t n = 0;
    ck_assert_int_eq(kg_split_sentences(extractor, text, text_len, &spans, &n), KG_OK);
    ck_assert_uint_lt(sentence_index, n);
    ck_assert_uint_eq(spans[sentence_index].start, s0);
    ck_assert_uint_eq(spans[sentence_index].end, s1);
    free(spans);
}

/* ---- entities and aliases ---------------------------------------------------- */

static const char *const FTUK_TEXT =
    "Chairman of the Federation of Trade Unions of Kyrgyzstan (FTUK) Nurlan Abdiev met with "
    "miners in Osh. The FTUK will hold its congress next year.";

START_TEST(test_acronym_in_parentheses_becomes_alias) {
    extract(FTUK_TEXT);
    size_t org = entity(KG_ENT_ORGANIZATION, "Federation of Trade Unions of Kyrgyzstan");
    ck_assert(has_alias(org, "FTUK"));
    ck_assert_uint_eq(find_entity(KG_ENT_ORGANIZATION, "FTUK"), NONE);
    ck_assert_str_eq(facts.entities[org].lang, "en");
}
END_TEST

START_TEST(test_acronym_used_alone_later_is_the_same_entity) {
    extract(FTUK_TEXT);
    size_t org = entity(KG_ENT_ORGANIZATION, "Federation of Trade Unions of Kyrgyzstan");
    ck_assert_uint_eq(count_called(KG_ENT_ORGANIZATION, "FTUK"), 1);
    ck_assert_uint_ge(facts.entities[org].mentions, 2);
}
END_TEST

START_TEST(test_person_after_org_is_found) {
    extract(FTUK_TEXT);
    size_t p = entity(KG_ENT_PERSON, "Nurlan Abdiev");
    ck_assert_uint_eq(facts.entities[p].mentions, 1);
    /* the title is not part of the person's name */
    ck_assert_uint_eq(find_entity(KG_ENT_PERSON, "Chairman"), NONE);
}
END_TEST

START_TEST(test_russian_org_after_title_is_nominative) {
    extract("Председатель Федерации профсоюзов Республики Казахстан Ерлан Касымов встретился с "
            "Бахтияром Нуриевым.");
    size_t org = entity(KG_ENT_ORGANIZATION, "Федерация профсоюзов Республики Казахстан");
    ck_assert(has_alias(org, "Федерации профсоюзов Республики Казахстан"));
    ck_assert_str_eq(facts.entities[org].lang, "ru");
    ck_assert_uint_eq(find_entity(KG_ENT_ORGANIZATION, "Федерации профсоюзов Республики Казахстан"),
                      NONE);
    entity(KG_ENT_PERSON, "Ерлан Касымов");
}
END_TEST

START_TEST(test_russian_instrumental_person_is_nominative_with_surface_alias) {
    extract("Председатель Федерации профсоюзов Республики Казахстан Ерлан Касымов встретился с "
            "Бахтияром Нуриевым.");
    size_t p = entity(KG_ENT_PERSON, "Бахтияр Нуриев");
    ck_assert(has_alias(p, "Бахтияром Нуриевым"));
    ck_assert_uint_eq(find_entity(KG_ENT_PERSON, "Бахтияром Нуриевым"), NONE);
}
END_TEST

START_TEST(test_russian_feminine_names_in_oblique_cases_are_nominative) {
    extract("Председатель профсоюза Бахтияр Нуриев встретился с заместителем Председателя "
            "Федерации профсоюзов Армении Динарой Сейткалиевой. Встреча прошла с участием "
            "Ольги Ивановой. Премию вручили Анне Сидоровой.");
    ck_assert(has_alias(entity(KG_ENT_PERSON, "Динара Сейткалиева"), "Динарой Сейткалиевой"));
    /* genitive after г: "Ольги" is Ольга, not "Ольгя" */
    ck_assert(has_alias(entity(KG_ENT_PERSON, "Ольга Иванова"), "Ольги Ивановой"));
    /* no case from the context: the first name's ending tells the dative */
    ck_assert(has_alias(entity(KG_ENT_PERSON, "Анна Сидорова"), "Анне Сидоровой"));
}
END_TEST

START_TEST(test_russian_instrumental_org_is_nominative) {
    extract("Соглашение подписано Федерацией независимых профсоюзов России.");
    size_t org = entity(KG_ENT_ORGANIZATION, "Федерация независимых профсоюзов России");
    ck_assert(has_alias(org, "Федерацией независимых профсоюзов России"));
    ck_assert_uint_eq(find_entity(KG_ENT_ORGANIZATION, "Федерацией независимых профсоюзов России"),
                      NONE);
}
END_TEST

START_TEST(test_english_cities_are_places) {
    extract("The delegation visited Tashkent and Samarkand.");
    entity(KG_ENT_PLACE, "Tashkent");
    entity(KG_ENT_PLACE, "Samarkand");
    ck_assert_uint_eq(find_entity(KG_ENT_PERSON, "Tashkent"), NONE);
    ck_assert_uint_eq(find_entity(KG_ENT_ORGANIZATION, "Tashkent"), NONE);
}
END_TEST

START_TEST(test_russian_city_in_locative_is_nominative_place) {
    extract("Встреча прошла в Бишкеке.");
    size_t p = entity(KG_ENT_PLACE, "Бишкек");
    ck_assert(has_alias(p, "Бишкеке"));
    ck_assert_uint_eq(find_entity(KG_ENT_PLACE, "Бишкеке"), NONE);
}
END_TEST

START_TEST(test_russian_cities_in_accusative_are_places) {
    extract("Делегация посетила Ташкент и Самарканд.");
    entity(KG_ENT_PLACE, "Ташкент");
    entity(KG_ENT_PLACE, "Самарканд");
}
END_TEST

START_TEST(test_language_is_detected_unless_given) {
    extract("Nurlan Abdiev met with Ivan Petrov in Bishkek.");
    ck_assert_str_eq(facts.lang, "en");
    extract("Встреча прошла в Бишкеке.");
    ck_assert_str_eq(facts.lang, "ru");
    const char *s = "Встреча прошла в Бишкеке.";
    ck_assert_int_eq(extract_bytes(s, strlen(s), "en"), KG_OK);
    ck_assert_str_eq(facts.lang, "en");
}
END_TEST

/* ---- relations ------------------------------------------------------------------ */

START_TEST(test_title_before_org_and_person_gives_holds_post) {
    extract(FTUK_TEXT);
    size_t p = entity(KG_ENT_PERSON, "Nurlan Abdiev");
    size_t org = entity(KG_ENT_ORGANIZATION, "Federation of Trade Unions of Kyrgyzstan");
    const kg_doc_relation *r = find_relation(KG_REL_HOLDS_POST, p, org, "chairman");
    ck_assert_ptr_nonnull(r);
    ck_assert_ptr_nonnull(r->role_text);
    ck_assert_str_eq(r->role_text, "Chairman");
    check_evidence(r,
                   "Chairman of the Federation of Trade Unions of Kyrgyzstan (FTUK) Nurlan Abdiev "
                   "met with miners in Osh.",
                   0, "Federation of Trade Unions of Kyrgyzstan", "Nurlan Abdiev");
    ck_assert_uint_eq(count_relations(KG_REL_HOLDS_POST), 1);
}
END_TEST

START_TEST(test_person_comma_title_of_org_gives_deputy_chairman) {
    const char *s = "Aigerim Bekova, Deputy Chairman of the Confederation of Labour of "
                    "Kazakhstan, said the talks were useful.";
    extract(s);
    size_t p = entity(KG_ENT_PERSON, "Aigerim Bekova");
    size_t org = entity(KG_ENT_ORGANIZATION, "Confederation of Labour of Kazakhstan");
    const kg_doc_relation *r = find_relation(KG_REL_HOLDS_POST, p, org, "deputy_chairman");
    ck_assert_ptr_nonnull(r);
    check_evidence(r, s, 0, "Aigerim Bekova", "Confederation of Labour of Kazakhstan");
    /* a deputy chairman is not the chairman */
    ck_assert_ptr_null(find_relation(KG_REL_HOLDS_POST, p, org, "chairman"));
}
END_TEST

START_TEST(test_russian_title_org_person_gives_holds_post) {
    const char *s = "Председатель Федерации профсоюзов Республики Казахстан Ерлан Касымов "
                    "встретился с Бахтияром Нуриевым.";
    extract(s);
    size_t p = entity(KG_ENT_PERSON, "Ерлан Касымов");
    size_t org = entity(KG_ENT_ORGANIZATION, "Федерация профсоюзов Республики Казахстан");
    const kg_doc_relation *r = find_relation(KG_REL_HOLDS_POST, p, org, "chairman");
    ck_assert_ptr_nonnull(r);
    ck_assert_ptr_nonnull(r->role_text);
    ck_assert_str_eq(r->role_text, "Председатель");
    check_evidence(r, s, 0, "Федерации профсоюзов Республики Казахстан", "Ерлан Касымов");
    /* the man he met holds no post */
    size_t q = entity(KG_ENT_PERSON, "Бахтияр Нуриев");
    ck_assert_ptr_null(find_relation(KG_REL_HOLDS_POST, q, org, NULL));
}
END_TEST

/* "корпорация" and "компания" head organisation names as "федерация" does:
 * the adjective before them is the name's first word, not a person, and
 * takes the nominative (-ей after ж, ч, ш, щ: -ая). */
START_TEST(test_russian_company_and_corporation_head_organisations) {
    const char *s = "Председатель Энергетической корпорации «Нарын» Айдар Осмонов посетил "
                    "Бишкек. Директор Горнодобывающей компании «Талас» Марат Исаев встретился с "
                    "ним.";
    extract(s);
    size_t corp = entity(KG_ENT_ORGANIZATION, "Энергетическая корпорация «Нарын»");
    ck_assert(has_alias(corp, "Энергетической корпорации «Нарын»"));
    assert_holds("Айдар Осмонов", "Энергетическая корпорация «Нарын»", "chairman");
    assert_holds("Марат Исаев", "Горнодобывающая компания «Талас»", "director");
    ck_assert_uint_eq(count_called(KG_ENT_PERSON, "Энергетическая"), 0);
    ck_assert_uint_eq(count_called(KG_ENT_PERSON, "Энергетической"), 0);
}
END_TEST

/* A quoted name after the genitive words that describe the body is part of
 * its name: two associations of employers stay two bodies. */
START_TEST(test_russian_quoted_name_after_genitive_tail_names_the_body) {
    const char *s = "Председатель Ассоциации работодателей «Нарын» Айдар Осмонов встретился "
                    "с руководителем Ассоциации работодателей «Талас» Маратом Исаевым.";
    extract(s);
    ck_assert_uint_ne(entity(KG_ENT_ORGANIZATION, "Ассоциация работодателей «Нарын»"),
                      entity(KG_ENT_ORGANIZATION, "Ассоциация работодателей «Талас»"));
    ck_assert_uint_eq(count_called(KG_ENT_ORGANIZATION, "Ассоциация работодателей"), 0);
    assert_holds("Айдар Осмонов", "Ассоциация работодателей «Нарын»", "chairman");
}
END_TEST

/* Straight quotes pair left to right: the mark closing "Naryn" opens no
 * quotation running to "Talas", which would swallow the person between. */
START_TEST(test_straight_quotes_pair_left_to_right) {
    const char *s = "The Chairman of the Association of Employers \"Naryn\" Aidar Osmonov met the "
                    "head of the Employers Association \"Talas\" Marat Isaev in Bishkek.";
    extract(s);
    assert_holds("Aidar Osmonov", "Association of Employers \"Naryn\"", "chairman");
    assert_holds("Marat Isaev", "Employers Association \"Talas\"", "head");
    /* Bishkek only: Naryn and Talas are the bodies' quoted names here */
    size_t places = 0;
    for (size_t i = 0; i < facts.n_entities; i++)
        places += facts.entities[i].type == KG_ENT_PLACE;
    ck_assert_uint_eq(places, 1);
    entity(KG_ENT_PLACE, "Bishkek");
}
END_TEST

/* A person right after a closing quote is not inside a quoted title; „…“
 * closes with “ as Russian and German print it. */
START_TEST(test_person_after_closing_quote_is_found) {
    extract("The Chairman of the Trade Union \"Kyrgyzenergo\" Aidar Osmonov visited Bishkek.");
    assert_holds("Aidar Osmonov", "Trade Union \"Kyrgyzenergo\"", "chairman");
    ck_assert_ptr_nonnull(find_relation(KG_REL_VISITED, entity(KG_ENT_PERSON, "Aidar Osmonov"),
                                        entity(KG_ENT_PLACE, "Bishkek"), NULL));

    extract("Председатель профсоюза „Кыргызэнерго“ Айдар Осмонов посетил Бишкек.");
    size_t ru = entity(KG_ENT_ORGANIZATION, "профсоюз „Кыргызэнерго“");
    size_t q = entity(KG_ENT_PERSON, "Айдар Осмонов");
    ck_assert_ptr_nonnull(find_relation(KG_REL_HOLDS_POST, q, ru, "chairman"));
}
END_TEST

/* "met the Chairman of X Y": the person met is the one after the post. */
START_TEST(test_met_the_holder_of_a_post_gives_met_with) {
    extract("Aidar Osmonov met the Chairman of the Federation of Trade Unions of Kyrgyzstan "
            "Marat Isaev.");
    size_t p = entity(KG_ENT_PERSON, "Aidar Osmonov");
    size_t q = entity(KG_ENT_PERSON, "Marat Isaev");
    ck_assert_ptr_nonnull(find_relation(KG_REL_MET_WITH, p, q, NULL));
    size_t org = entity(KG_ENT_ORGANIZATION, "Federation of Trade Unions of Kyrgyzstan");
    ck_assert_ptr_nonnull(find_relation(KG_REL_HOLDS_POST, q, org, "chairman"));
    ck_assert_ptr_null(find_relation(KG_REL_HOLDS_POST, p, org, NULL));
}
END_TEST

/* Snowball gives the first name "Бакыт" the stem of "Баку": one Cyrillic
 * word is a place only in the place's own forms and generated case forms. */
START_TEST(test_cyrillic_place_needs_one_of_its_forms) {
    extract("Генеральный директор компании «Кыргызалтын» Бакыт Абдиев посетил Бишкек.");
    size_t p = entity(KG_ENT_PERSON, "Бакыт Абдиев");
    ck_assert_uint_eq(count_called(KG_ENT_PLACE, "Баку"), 0);
    size_t org = entity(KG_ENT_ORGANIZATION, "компания «Кыргызалтын»");
    ck_assert_ptr_nonnull(find_relation(KG_REL_HOLDS_POST, p, org, NULL));
    ck_assert_ptr_nonnull(find_relation(KG_REL_VISITED, p, entity(KG_ENT_PLACE, "Бишкек"), NULL));

    extract("Делегация побывала в Ереване, Астане, Баку, Москве, Беларуси, России, "
            "Улан-Баторе и Санкт-Петербурге.");
    const char *places[] = {"Ереван",   "Астана", "Баку",       "Москва",
                            "Беларусь", "Россия", "Улан-Батор", "Санкт-Петербург"};
    for (size_t i = 0; i < sizeof places / sizeof *places; i++)
        entity(KG_ENT_PLACE, places[i]);
}
END_TEST

/* JSC "Kyrgyzaltyn": a legal form heads the quoted name of a company. */
START_TEST(test_legal_form_and_quoted_name_make_a_company) {
    extract("Bakyt Abdiev, head of JSC \"Kyrgyzaltyn\", took part in the forum.");
    assert_holds("Bakyt Abdiev", "JSC \"Kyrgyzaltyn\"", "head");
    ck_assert_uint_eq(count_called(KG_ENT_ORGANIZATION, "JSC"), 0);

    /* Russian abbreviations head names only as written: "АО" has the stem
     * of "а", the conjunction and an initial */
    extract("Директор АО «Казахмыс» Марат Исаев встретился, а ОсОО «Алтын» подписало договор.");
    assert_holds("Марат Исаев", "АО «Казахмыс»", "director");
    entity(KG_ENT_ORGANIZATION, "ОсОО «Алтын»");
    extract("ВСТРЕЧА С ПРЕДСЕДАТЕЛЕМ ФЕДЕРАЦИИ ПРОФСОЮЗОВ КЫРГЫЗСТАНА А.ТОКТОГУЛОВЫМ");
    assert_holds("А.Токтогулов", "Федерация профсоюзов Кыргызстана", "chairman");
}
END_TEST

START_TEST(test_russian_meeting_with_instrumental_person_gives_met_with) {
    const char *s = "Председатель Федерации профсоюзов Республики Казахстан Ерлан Касымов "
                    "встретился с Бахтияром Нуриевым.";
    extract(s);
    size_t a = entity(KG_ENT_PERSON, "Ерлан Касымов");
    size_t b = entity(KG_ENT_PERSON, "Бахтияр Нуриев");
    const kg_doc_relation *r = find_relation(KG_REL_MET_WITH, a, b, NULL);
    ck_assert_ptr_nonnull(r);
    check_evidence(r, s, 0, "Ерлан Касымов", "Бахтияром Нуриевым");
    ck_assert_uint_eq(count_relations(KG_REL_MET_WITH), 1);
}
END_TEST

START_TEST(test_english_met_with_gives_met_with) {
    const char *s = "Nurlan Abdiev met with Ivan Petrov in Bishkek.";
    extract(s);
    size_t a = entity(KG_ENT_PERSON, "Nurlan Abdiev");
    size_t b = entity(KG_ENT_PERSON, "Ivan Petrov");
    entity(KG_ENT_PLACE, "Bishkek");
    const kg_doc_relation *r = find_relation(KG_REL_MET_WITH, a, b, NULL);
    ck_assert_ptr_nonnull(r);
    check_evidence(r, s, 0, "Nurlan Abdiev", "Ivan Petrov");
}
END_TEST

START_TEST(test_chairman_is_not_linked_to_org_of_next_sentence) {
    extract("Chairman of the Federation of Trade Unions of Kyrgyzstan Nurlan Abdiev spoke. The "
            "Ministry of Labour of Kazakhstan issued a report.");
    size_t p = entity(KG_ENT_PERSON, "Nurlan Abdiev");
    size_t ftuk = entity(KG_ENT_ORGANIZATION, "Federation of Trade Unions of Kyrgyzstan");
    ck_assert_ptr_nonnull(find_relation(KG_REL_HOLDS_POST, p, ftuk, "chairman"));
    size_t ministry = find_entity(KG_ENT_ORGANIZATION, "Ministry of Labour of Kazakhstan");
    if (ministry != NONE)
        ck_assert_ptr_null(find_relation(KG_REL_HOLDS_POST, p, ministry, NULL));
    for (size_t i = 0; i < facts.n_relations; i++)
        ck_assert_uint_eq(facts.relations[i].evidence.sentence, 0);
}
END_TEST

/* Checks the two federations as parties to the memorandum of the sentence s. */
static void check_two_parties(const char *s, const char *org_a, const char *surface_a,
                              const char *org_b, const char *surface_b, const char *agreement,
                              const char *agreement_surface) {
    size_t a = entity(KG_ENT_ORGANIZATION, org_a);
    size_t b = entity(KG_ENT_ORGANIZATION, org_b);
    size_t m = entity(KG_ENT_AGREEMENT, agreement);
    const kg_doc_relation *ra = find_relation(KG_REL_PARTY_TO, a, m, NULL);
    const kg_doc_relation *rb = find_relation(KG_REL_PARTY_TO, b, m, NULL);
    ck_assert_msg(ra != NULL, "'%s' is not party to '%s'", org_a, agreement);
    ck_assert_msg(rb != NULL, "'%s' is not party to '%s'", org_b, agreement);
    check_evidence(ra, s, 0, surface_a, agreement_surface);
    check_evidence(rb, s, 0, surface_b, agreement_surface);
    /* the organisations did not sign as people do */
    ck_assert_uint_eq(count_relations(KG_REL_SIGNED), 0);
}

START_TEST(test_signed_memorandum_makes_both_organizations_parties) {
    const char *s = "On 12 March in Bishkek the Federation of Trade Unions of Kyrgyzstan and the "
                    "Federation of Independent Trade Unions of Russia signed a memorandum of "
                    "cooperation.";
    extract(s);
    check_two_parties(s, "Federation of Trade Unions of Kyrgyzstan",
                      "Federation of Trade Unions of Kyrgyzstan",
                      "Federation of Independent Trade Unions of Russia",
                      "Federation of Independent Trade Unions of Russia",
                      "memorandum of cooperation", "memorandum of cooperation");
    entity(KG_ENT_PLACE, "Bishkek");
}
END_TEST

START_TEST(test_russian_signed_memorandum_makes_both_organizations_parties) {
    const char *s = "Федерация профсоюзов Кыргызстана и Федерация независимых профсоюзов России "
                    "подписали меморандум о сотрудничестве.";
    extract(s);
    check_two_parties(s, "Федерация профсоюзов Кыргызстана", "Федерация профсоюзов Кыргызстана",
                      "Федерация независимых профсоюзов России",
                      "Федерация независимых профсоюзов России", "меморандум о сотрудничестве",
                      "меморандум о сотрудничестве");
}
END_TEST

START_TEST(test_people_who_signed_a_memorandum_get_signed) {
    const char *s = "Nurlan Abdiev and Ivan Petrov signed a memorandum of cooperation.";
    extract(s);
    size_t a = entity(KG_ENT_PERSON, "Nurlan Abdiev");
    size_t b = entity(KG_ENT_PERSON, "Ivan Petrov");
    size_t m = entity(KG_ENT_AGREEMENT, "memorandum of cooperation");
    const kg_doc_relation *ra = find_relation(KG_REL_SIGNED, a, m, NULL);
    const kg_doc_relation *rb = find_relation(KG_REL_SIGNED, b, m, NULL);
    ck_assert_ptr_nonnull(ra);
    ck_assert_ptr_nonnull(rb);
    check_evidence(ra, s, 0, "Nurlan Abdiev", "memorandum of cooperation");
    check_evidence(rb, s, 0, "Ivan Petrov", "memorandum of cooperation");
}
END_TEST

/* No signed relation, and no party_to derived from a signing. */
static void check_nothing_signed(void) {
    ck_assert_uint_eq(count_relations(KG_REL_SIGNED), 0);
    for (size_t i = 0; i < facts.n_relations; i++) {
        const kg_doc_relation *r = &facts.relations[i];
        if (r->type == KG_REL_PARTY_TO)
            ck_assert_msg(strstr(r->evidence.rule, "sign") == NULL,
                          "party_to of a planned agreement by rule %s", r->evidence.rule);
    }
}

START_TEST(test_planned_memorandum_of_organizations_is_not_signed) {
    extract("The Federation of Trade Unions of Kyrgyzstan and the Federation of Independent Trade "
            "Unions of Russia plan to sign a memorandum of cooperation.");
    entity(KG_ENT_AGREEMENT, "memorandum of cooperation");
    check_nothing_signed();
}
END_TEST

START_TEST(test_planned_memorandum_of_people_is_not_signed) {
    extract("Nurlan Abdiev and Ivan Petrov plan to sign a memorandum of cooperation.");
    entity(KG_ENT_PERSON, "Nurlan Abdiev");
    entity(KG_ENT_PERSON, "Ivan Petrov");
    check_nothing_signed();
}
END_TEST

START_TEST(test_russian_planned_memorandum_is_not_signed) {
    extract("Федерация профсоюзов Кыргызстана и Федерация независимых профсоюзов России "
            "планируют подписать меморандум о сотрудничестве.");
    entity(KG_ENT_AGREEMENT, "меморандум о сотрудничестве");
    check_nothing_signed();
}
END_TEST

START_TEST(test_person_visited_city_gives_visited) {
    const char *s = "Ivan Petrov visited Tashkent.";
    extract(s);
    size_t p = entity(KG_ENT_PERSON, "Ivan Petrov");
    size_t c = entity(KG_ENT_PLACE, "Tashkent");
    const kg_doc_relation *r = find_relation(KG_REL_VISITED, p, c, NULL);
    ck_assert_ptr_nonnull(r);
    check_evidence(r, s, 0, "Ivan Petrov", "Tashkent");
}
END_TEST

START_TEST(test_russian_event_named_without_complement_is_one_event) {
    extract("В Ереване прошёл III Конгресс Конфедерации труда Армении\n\n"
            "Конфедерация труда Армении провела в Ереване III Конгресс, в котором приняли "
            "участие делегаты отраслевых профсоюзов. С докладом выступил Председатель "
            "Конфедерации труда Армении Арам Саркисян. Конгресс избрал новый состав совета.");
    size_t ev = entity(KG_ENT_EVENT, "III Конгресс Конфедерации труда Армении");
    ck_assert(has_alias(ev, "III Конгресс"));
    ck_assert_uint_eq(count_called(KG_ENT_EVENT, "Конгресс"), 0);
    size_t org = entity(KG_ENT_ORGANIZATION, "Конфедерация труда Армении");
    size_t city = entity(KG_ENT_PLACE, "Ереван"); /* "в Ереване": a declined gazetteer form */
    size_t person = entity(KG_ENT_PERSON, "Арам Саркисян");
    ck_assert_ptr_nonnull(find_relation(KG_REL_ORGANIZED, org, ev, NULL));
    /* "провела в Ереване III Конгресс" */
    const kg_doc_relation *r = find_relation(KG_REL_LOCATED_IN, ev, city, NULL);
    ck_assert_ptr_nonnull(r);
    ck_assert_str_eq(r->evidence.rule, "located_in.held_in_place_event");
    /* the organiser is not also a participant; the speaker is one */
    ck_assert_ptr_null(find_relation(KG_REL_PARTICIPATED_IN, org, ev, NULL));
    ck_assert_ptr_nonnull(find_relation(KG_REL_PARTICIPATED_IN, person, ev, NULL));
}
END_TEST

START_TEST(test_speakers_and_department_heads_of_an_event) {
    extract("The Union of Miners of Kazakhstan organised a regional seminar on labour "
            "inspection in Almaty. The seminar was opened by Dana Serikbayeva, Deputy Chairman "
            "of the Union of Miners of Kazakhstan. Timur Akhmetov, head of the legal department "
            "of the Union of Miners of Kazakhstan, spoke at the seminar about safety checks.");
    size_t ev = entity(KG_ENT_EVENT, "seminar on labour inspection");
    size_t org = entity(KG_ENT_ORGANIZATION, "Union of Miners of Kazakhstan");
    size_t dana = entity(KG_ENT_PERSON, "Dana Serikbayeva");
    size_t timur = entity(KG_ENT_PERSON, "Timur Akhmetov");
    ck_assert_ptr_nonnull(find_relation(KG_REL_PARTICIPATED_IN, dana, ev, NULL));
    ck_assert_ptr_nonnull(find_relation(KG_REL_PARTICIPATED_IN, timur, ev, NULL));
    ck_assert_ptr_nonnull(find_relation(KG_REL_HOLDS_POST, dana, org, "deputy_chairman"));
    /* "head of the legal department of" the union: a post in the union */
    const kg_doc_relation *r = find_relation(KG_REL_HOLDS_POST, timur, org, "head");
    ck_assert_ptr_nonnull(r);
    ck_assert_str_eq(r->evidence.rule, "holds_post.person_comma_title_org");
    ck_assert_ptr_null(find_relation(KG_REL_PARTICIPATED_IN, org, ev, NULL));
}
END_TEST

START_TEST(test_russian_place_names_are_found_in_every_case) {
    extract("Делегация побывала в Ереване, Астане и Киеве, а затем вернулась из Еревана.");
    ck_assert(has_alias(entity(KG_ENT_PLACE, "Ереван"), "Ереване"));
    ck_assert(has_alias(entity(KG_ENT_PLACE, "Ереван"), "Еревана"));
    ck_assert(has_alias(entity(KG_ENT_PLACE, "Астана"), "Астане"));
    ck_assert(has_alias(entity(KG_ENT_PLACE, "Киев"), "Киеве"));

    /* "с рабочим визитом": the cue word in the instrumental */
    extract("Арам Саркисян находится в Минске с рабочим визитом.");
    ck_assert_ptr_nonnull(find_relation(KG_REL_VISITED, entity(KG_ENT_PERSON, "Арам Саркисян"),
                                        entity(KG_ENT_PLACE, "Минск"), NULL));
    /* a noun of signing is not a signature: "заключен" is not declined */
    extract("Малика Юлдашева поделилась опытом заключения отраслевых соглашений.");
    ck_assert_uint_eq(count_relations(KG_REL_SIGNED), 0);
}
END_TEST

START_TEST(test_russian_delegation_visit_and_union_referred_to_by_its_head) {
    extract("Делегация Конфедерации труда Армении во главе с Председателем Арамом Саркисяном "
            "посетила Минск с официальным визитом. В составе делегации Минск посетила также "
            "заместитель Председателя Конфедерации Анна Григорян.\n\nГостям рассказали о работе "
            "Профсоюза работников связи Беларуси. Председатель профсоюза Ольга Кравченко "
            "рассказала о коллективных договорах.");
    size_t conf = entity(KG_ENT_ORGANIZATION, "Конфедерация труда Армении");
    size_t city = entity(KG_ENT_PLACE, "Минск");
    size_t aram = entity(KG_ENT_PERSON, "Арам Саркисян"); /* "Арамом Саркисяном" */
    size_t anna = entity(KG_ENT_PERSON, "Анна Григорян");
    size_t olga = entity(KG_ENT_PERSON, "Ольга Кравченко");
    size_t uni = entity(KG_ENT_ORGANIZATION, "Профсоюз работников связи Беларуси");
    const kg_doc_relation *r = find_relation(KG_REL_VISITED, conf, city, NULL);
    ck_assert_ptr_nonnull(r);
    ck_assert_str_eq(r->evidence.rule, "visited.delegation_of_organization");
    ck_assert_ptr_nonnull(find_relation(KG_REL_VISITED, aram, city, NULL));
    /* "Минск посетила также ... Анна Григорян": the place before the verb */
    r = find_relation(KG_REL_VISITED, anna, city, NULL);
    ck_assert_ptr_nonnull(r);
    ck_assert_str_eq(r->evidence.rule, "visited.place_verb_person");
    /* "Председатель профсоюза": the one union of the document */
    ck_assert_ptr_nonnull(find_relation(KG_REL_HOLDS_POST, olga, uni, "chairman"));
}
END_TEST

START_TEST(test_english_delegation_visit_and_determiners) {
    extract("The Delegation of the Union of Miners of Kazakhstan headed by Dana Serikbayeva, "
            "Deputy Chairman of the union, visited Minsk. \"No federation can do this alone,\" "
            "she said.");
    size_t uni = entity(KG_ENT_ORGANIZATION, "Union of Miners of Kazakhstan");
    size_t city = entity(KG_ENT_PLACE, "Minsk");
    ck_assert_ptr_nonnull(find_relation(KG_REL_VISITED, uni, city, NULL));
    ck_assert_ptr_nonnull(
        find_relation(KG_REL_VISITED, entity(KG_ENT_PERSON, "Dana Serikbayeva"), city, NULL));
    /* "No federation" is no body's name */
    ck_assert_uint_eq(count_called(KG_ENT_ORGANIZATION, "No federation"), 0);
    ck_assert_uint_eq(count_called(KG_ENT_ORGANIZATION, "No Federation"), 0);
}
END_TEST

START_TEST(test_pronoun_refers_to_the_one_person_of_the_sentence_before) {
    extract("Dana Serikbayeva made a report on mine safety. After the plenary session she met "
            "with Timur Akhmetov.");
    size_t dana = entity(KG_ENT_PERSON, "Dana Serikbayeva");
    size_t timur = entity(KG_ENT_PERSON, "Timur Akhmetov");
    const kg_doc_relation *r = find_relation(KG_REL_MET_WITH, dana, timur, NULL);
    ck_assert_ptr_nonnull(r);
    ck_assert_uint_eq(r->evidence.sentence, 1);
    ck_assert(!has_alias(dana, "she")); /* a pronoun is no alias */

    /* the wrong gender, or two people before: no antecedent */
    extract("Dana Serikbayeva made a report on mine safety. After the plenary session he met "
            "with Timur Akhmetov.");
    ck_assert_uint_eq(count_relations(KG_REL_MET_WITH), 0);
    extract("Dana Serikbayeva and Aigul Omarova made reports. After the session she met with "
            "Timur Akhmetov.");
    ck_assert_uint_eq(count_relations(KG_REL_MET_WITH), 0);
}
END_TEST

START_TEST(test_both_chairmen_take_part_and_parties_are_not_participants) {
    extract("In the frame of the International Forum of Miners, which was organised by the "
            "Union of Miners of Kazakhstan, an agreement between the Federation of Trade Unions "
            "of Armenia and the Union of Miners of Kazakhstan was signed. It was signed by Aram "
            "Sarkisyan, Chairman of the Federation of Trade Unions of Armenia, and Timur "
            "Akhmetov, Chairman of the Union of Miners of Kazakhstan. Both Chairmen took part in "
            "the forum.");
    size_t forum = entity(KG_ENT_EVENT, "International Forum of Miners");
    size_t fed = entity(KG_ENT_ORGANIZATION, "Federation of Trade Unions of Armenia");
    size_t uni = entity(KG_ENT_ORGANIZATION, "Union of Miners of Kazakhstan");
    /* "organised by" the union; the federation after "between" is a party */
    ck_assert_ptr_nonnull(find_relation(KG_REL_ORGANIZED, uni, forum, NULL));
    ck_assert_ptr_null(find_relation(KG_REL_ORGANIZED, fed, forum, NULL));
    ck_assert_ptr_null(find_relation(KG_REL_PARTICIPATED_IN, fed, forum, NULL));
    const char *people[] = {"Aram Sarkisyan", "Timur Akhmetov"};
    for (size_t k = 0; k < 2; k++) {
        const kg_doc_relation *r =
            find_relation(KG_REL_PARTICIPATED_IN, entity(KG_ENT_PERSON, people[k]), forum, NULL);
        ck_assert_ptr_nonnull(r);
        ck_assert_str_eq(r->evidence.rule, "participated_in.both_holders");
        ck_assert_uint_eq(r->evidence.sentence, 2);
    }
}
END_TEST

START_TEST(test_evidence_sentence_index_counts_from_zero) {
    const char *second = "Nurlan Abdiev met with Ivan Petrov in Bishkek.";
    extract("The weather was fine. Nurlan Abdiev met with Ivan Petrov in Bishkek.");
    ck_assert_uint_eq(facts.n_sentences, 2);
    const kg_doc_relation *r =
        find_relation(KG_REL_MET_WITH, entity(KG_ENT_PERSON, "Nurlan Abdiev"),
                      entity(KG_ENT_PERSON, "Ivan Petrov"), NULL);
    check_evidence(r, second, 1, "Nurlan Abdiev", "Ivan Petrov");
}
END_TEST

/* ---- sentences ------------------------------------------------------------------ */

/* Splits s and compares with the expected sentences (n of them). */
static void check_split(const char *s, const char *const *want, size_t n_want) {
    kg_span *spans = NULL;
    size_t n = 0;
    ck_assert_int_eq(kg_split_sentences(extractor, s, strlen(s), &spans, &n), KG_OK);
    ck_assert_uint_eq(n, n_want);
    for (size_t i = 0; i < n; i++) {
        ck_assert_uint_le(spans[i].start, spans[i].end);
        ck_assert_uint_le(spans[i].end, strlen(s));
        if (i > 0)
            ck_assert_uint_le(spans[i - 1].end, spans[i].start);
        ck_assert_uint_eq(spans[i].end - spans[i].start, strlen(want[i]));
        ck_assert(memcmp(s + spans[i].start, want[i], strlen(want[i])) == 0);
    }
    free(spans);
}

START_TEST(test_initials_do_not_end_sentences) {
    const char *want[] = {"K.Omarov and A. Sadykov met Mr. Smith.", "Then they left."};
    check_split("K.Omarov and A. Sadykov met Mr. Smith. Then they left.", want, 2);
}
END_TEST

START_TEST(test_russian_initials_do_not_end_sentences) {
    const char *want[] = {"Д.Иванов прибыл в Бишкек.", "Встреча прошла."};
    check_split("Д.Иванов прибыл в Бишкек. Встреча прошла.", want, 2);
}
END_TEST

START_TEST(test_decimal_numbers_do_not_end_sentences) {
    const char *want[] = {"The union grew by 2.5 percent last year.", "Then it stopped."};
    check_split("The union grew by 2.5 percent last year. Then it stopped.", want, 2);
}
END_TEST

START_TEST(test_question_and_exclamation_end_sentences) {
    const char *want[] = {"Who signed it?", "Nobody knows!", "Встреча прошла."};
    check_split("Who signed it? Nobody knows! Встреча прошла.", want, 3);
}
END_TEST

START_TEST(test_split_of_empty_text_gives_no_sentences) {
    kg_span *spans = NULL;
    size_t n = 99;
    ck_assert_int_eq(kg_split_sentences(extractor, "", 0, &spans, &n), KG_OK);
    ck_assert_uint_eq(n, 0);
    free(spans);
}
END_TEST

START_TEST(test_facts_count_sentences) {
    extract("K.Omarov and A. Sadykov met Mr. Smith. Then they left.");
    ck_assert_uint_eq(facts.n_sentences, 2);
    entity(KG_ENT_PERSON, "A. Sadykov");
}
END_TEST

/* ---- robustness ----------------------------------------------------------------- */

/* xorshift64*: a small seeded generator so failures can be replayed. */
static uint64_t rng_state;

static uint64_t rng_next(void) {
    uint64_t x = rng_state;
    x ^= x >> 12;
    x ^= x << 25;
    x ^= x >> 27;
    rng_state = x;
    return x * 0x2545F4914F6CDD1DULL;
}

static size_t rng_below(size_t n) {
    return (size_t)(rng_next() % n);
}

/* Fills buf with len random bytes. */
static void random_bytes(unsigned char *buf, size_t len) {
    for (size_t i = 0; i < len; i++)
        buf[i] = (unsigned char)(rng_next() >> 56);
}

/* Words, titles, names, cues and punctuation the rules react to, so that
 * random sequences of them reach deep into the extractor. */
/* clang-format off */
static const char *const SOUP[] = {
    "Chairman", "Deputy", "of", "the", "Federation", "Trade", "Unions", "Kyrgyzstan", "FTUK",
    "Nurlan", "Abdiev", "K.", "Omarov", "Mr.", "A.", "met", "with", "signed", "a", "memorandum",
    "cooperation", "plan", "to", "sign", "in", "Bishkek", "visited", "and", "forum", "member",
    "Председатель", "Федерации", "профсоюзов", "Республики", "Казахстан", "Ерлан", "Касымов",
    "встретился", "с", "Бахтияром", "Нуриевым", "подписали", "меморандум", "о", "сотрудничестве",
    "в", "Бишкеке", "Д.", "ФПК", "между",
    "(", ")", ",", ".", "«", "»", "\"", "-", "—", "'s", "\xEF\xBF\xBD", "2.5", "12", "May",
    "\n", "\n\n"
};
/* clang-format on */

static size_t random_soup(char *buf, size_t cap) {
    size_t n = 0, words = 1 + rng_below(120);
    for (size_t w = 0; w < words; w++) {
        const char *tok = SOUP[rng_below(sizeof SOUP / sizeof *SOUP)];
        size_t k = strlen(tok);
        if (n + k + 1 >= cap)
            break;
        memcpy(buf + n, tok, k);
        n += k;
        if (rng_below(5) != 0)
            buf[n++] = ' ';
    }
    return n;
}

START_TEST(test_empty_text_gives_empty_facts) {
    ck_assert_int_eq(extract_bytes("", 0, NULL), KG_OK);
    ck_assert_uint_eq(facts.n_entities, 0);
    ck_assert_uint_eq(facts.n_relations, 0);
    ck_assert_uint_eq(facts.n_sentences, 0);
    ck_assert_int_eq(extract_bytes(NULL, 0, NULL), KG_OK);
    ck_assert_uint_eq(facts.n_entities, 0);
    ck_assert_int_eq(extract_bytes("   \n\n\t  ", 8, NULL), KG_OK);
    ck_assert_uint_eq(facts.n_entities, 0);
    ck_assert_uint_eq(facts.n_relations, 0);
}
END_TEST

START_TEST(test_random_cleaned_bytes_never_fail) {
    enum { ITERATIONS = 2000, MAX_LEN = 2048 };
    unsigned char raw[MAX_LEN];
    rng_state = 0x6b677261706821ULL;
    for (int it = 0; it < ITERATIONS; it++) {
        size_t len = rng_below(MAX_LEN + 1);
        random_bytes(raw, len);
        char *clean = NULL;
        size_t clean_len = 0;
        ck_assert_int_eq(kg_text_clean((const char *)raw, len, &clean, &clean_len, NULL, NULL),
                         KG_OK);
        ck_assert_msg(extract_bytes(clean, clean_len, NULL) == KG_OK, "iteration %d", it);
        free(clean);
    }
}
END_TEST

START_TEST(test_random_word_soup_keeps_invariants) {
    enum { ITERATIONS = 2000, MAX_LEN = 2048 };
    char buf[MAX_LEN];
    rng_state = 0x736f7570ULL;
    for (int it = 0; it < ITERATIONS; it++) {
        size_t len = random_soup(buf, sizeof buf);
        ck_assert_msg(extract_bytes(buf, len, NULL) == KG_OK, "iteration %d: '%.*s'", it, (int)len,
                      buf);
    }
}
END_TEST

START_TEST(test_random_raw_bytes_never_fail) {
    enum { ITERATIONS = 2000, MAX_LEN = 2048 };
    unsigned char raw[MAX_LEN];
    rng_state = 0x726177ULL;
    for (int it = 0; it < ITERATIONS; it++) {
        size_t len = rng_below(MAX_LEN + 1);
        random_bytes(raw, len);
        /* half of the inputs: the word soup with a few bytes spoiled */
        if (it % 2 == 1) {
            len = random_soup((char *)raw, sizeof raw);
            for (size_t k = 0; len > 0 && k < 3; k++)
                raw[rng_below(len)] = (unsigned char)(rng_next() >> 56);
        }
        kg_status st = extract_bytes((const char *)raw, len, NULL);
        ck_assert_msg(st == KG_OK, "iteration %d: %s", it, kg_strerror(st));
    }
}
END_TEST

/* The smallest form of what the random bytes find: a stray byte that is not
 * UTF-8 inside a capitalised word ("\x8cPetrov"). */
START_TEST(test_stray_invalid_byte_in_a_name_is_not_an_error) {
    const char *s = "Ivan \x8cPetrov met with Nurlan Abdiev.";
    kg_status st = extract_bytes(s, strlen(s), NULL);
    ck_assert_msg(st == KG_OK, "%s", kg_strerror(st));
    entity(KG_ENT_PERSON, "Nurlan Abdiev");
}
END_TEST

static const char *const TRUNCATED_SOURCE =
    "Председатель Федерации профсоюзов Республики Казахстан Ерлан Қасымов встретился с "
    "Бахтияром Нуриевым в Бишкеке.";

/* Every prefix of a Cyrillic sentence, cleaned first (as the reader does). */
START_TEST(test_truncated_utf8_after_cleaning_never_fails) {
    size_t n = strlen(TRUNCATED_SOURCE);
    for (size_t len = 0; len <= n; len++) {
        char *clean = NULL;
        size_t clean_len = 0;
        ck_assert_int_eq(kg_text_clean(TRUNCATED_SOURCE, len, &clean, &clean_len, NULL, NULL),
                         KG_OK);
        ck_assert_msg(extract_bytes(clean, clean_len, NULL) == KG_OK, "prefix of %zu bytes", len);
        free(clean);
    }
}
END_TEST

/* The same prefixes as raw bytes: a cut inside a letter leaves a truncated
 * sequence at the end of a name. */
START_TEST(test_truncated_utf8_raw_never_fails) {
    size_t n = strlen(TRUNCATED_SOURCE);
    for (size_t len = 0; len <= n; len++) {
        char *copy = malloc(len + 1);
        ck_assert_ptr_nonnull(copy);
        memcpy(copy, TRUNCATED_SOURCE, len);
        copy[len] = '\0';
        kg_status st = extract_bytes(copy, len, NULL);
        free(copy);
        ck_assert_msg(st == KG_OK, "prefix of %zu bytes: %s", len, kg_strerror(st));
    }
}
END_TEST

/* Repeats unit until len bytes (cut at a UTF-8 boundary); caller frees. */
static char *repeat(const char *unit, size_t len, size_t *out_len) {
    size_t k = strlen(unit);
    char *buf = malloc(len + 1);
    ck_assert_ptr_nonnull(buf);
    for (size_t i = 0; i < len; i++)
        buf[i] = unit[i % k];
    while (len > 0 && ((unsigned char)buf[len - 1] & 0xC0) == 0x80)
        len--;
    if (len > 0 && ((unsigned char)buf[len - 1] & 0xC0) == 0xC0)
        len--;
    buf[len] = '\0';
    *out_len = len;
    return buf;
}

START_TEST(test_long_text_without_sentence_end_is_handled) {
    static const char *const units[] = {
        "Chairman of the Federation of Trade Unions of Kyrgyzstan Nurlan Abdiev met with "
        "Ivan Petrov and ",
        "Председатель Федерации профсоюзов Казахстана Ерлан Касымов встретился с Бахтияром "
        "Нуриевым и ",
        "x",
        "(",
        "Abdiev ",
        "A.",
        "«Федерация ",
    };
    for (size_t u = 0; u < sizeof units / sizeof *units; u++) {
        size_t len = 0;
        char *big = repeat(units[u], 200 * 1024, &len);
        kg_status st = extract_bytes(big, len, NULL);
        free(big);
        ck_assert_msg(st == KG_OK, "unit %zu: %s", u, kg_strerror(st));
    }
}
END_TEST

START_TEST(test_extractor_is_reusable_and_deterministic) {
    const char *s = "Председатель Федерации профсоюзов Республики Казахстан Ерлан Касымов "
                    "встретился с Бахтияром Нуриевым.";
    extract(s);
    kg_doc_facts first = facts;
    kg_doc_facts_init(&facts); /* keep the first result, extract again */
    extract("The delegation visited Tashkent and Samarkand.");
    extract(s);
    ck_assert_uint_eq(facts.n_entities, first.n_entities);
    ck_assert_uint_eq(facts.n_relations, first.n_relations);
    for (size_t i = 0; i < first.n_entities; i++) {
        ck_assert_int_eq(facts.entities[i].type, first.entities[i].type);
        ck_assert_ptr_eq(facts.entities[i].name, first.entities[i].name);
        ck_assert_uint_eq(facts.entities[i].mentions, first.entities[i].mentions);
        ck_assert_uint_eq(facts.entities[i].n_aliases, first.entities[i].n_aliases);
    }
    for (size_t i = 0; i < first.n_relations; i++) {
        const kg_doc_relation *a = &first.relations[i], *b = &facts.relations[i];
        ck_assert_int_eq(a->type, b->type);
        ck_assert_uint_eq(a->subject, b->subject);
        ck_assert_uint_eq(a->object, b->object);
        ck_assert_ptr_eq(a->role, b->role);
        ck_assert_int_eq(kg_evidence_cmp(&a->evidence, &b->evidence), 0);
    }
    kg_doc_facts_clear(&first);
}
END_TEST

/* ---- pending: correct behaviour the current extractor lacks -------------------- */

/* "May" the month must not read as the modal "may" that marks an agreement as
 * not yet signed. */
START_TEST(test_memorandum_signed_in_may_makes_both_organizations_parties) {
    const char *s = "On 12 May in Bishkek the Federation of Trade Unions of Kyrgyzstan and the "
                    "Federation of Independent Trade Unions of Russia signed a memorandum of "
                    "cooperation.";
    extract(s);
    check_two_parties(s, "Federation of Trade Unions of Kyrgyzstan",
                      "Federation of Trade Unions of Kyrgyzstan",
                      "Federation of Independent Trade Unions of Russia",
                      "Federation of Independent Trade Unions of Russia",
                      "memorandum of cooperation", "memorandum of cooperation");
}
END_TEST

START_TEST(test_met_without_with_gives_met_with) {
    const char *s = "Nurlan Abdiev met Ivan Petrov in Bishkek.";
    extract(s);
    const kg_doc_relation *r =
        find_relation(KG_REL_MET_WITH, entity(KG_ENT_PERSON, "Nurlan Abdiev"),
                      entity(KG_ENT_PERSON, "Ivan Petrov"), NULL);
    ck_assert_ptr_nonnull(r);
    check_evidence(r, s, 0, "Nurlan Abdiev", "Ivan Petrov");
}
END_TEST

/* ---- suite ------------------------------------------------------------------------ */

static Suite *extract_suite(void) {
    Suite *s = suite_create("extract");

    TCase *tc = tcase_create("entities");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_test(tc, test_acronym_in_parentheses_becomes_alias);
    tcase_add_test(tc, test_acronym_used_alone_later_is_the_same_entity);
    tcase_add_test(tc, test_person_after_org_is_found);
    tcase_add_test(tc, test_russian_org_after_title_is_nominative);
    tcase_add_test(tc, test_russian_instrumental_person_is_nominative_with_surface_alias);
    tcase_add_test(tc, test_russian_instrumental_org_is_nominative);
    tcase_add_test(tc, test_english_cities_are_places);
    tcase_add_test(tc, test_russian_city_in_locative_is_nominative_place);
    tcase_add_test(tc, test_russian_cities_in_accusative_are_places);
    tcase_add_test(tc, test_language_is_detected_unless_given);
    suite_add_tcase(s, tc);

    tc = tcase_create("relations");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_test(tc, test_title_before_org_and_person_gives_holds_post);
    tcase_add_test(tc, test_person_comma_title_of_org_gives_deputy_chairman);
    tcase_add_test(tc, test_russian_title_org_person_gives_holds_post);
    tcase_add_test(tc, test_russian_company_and_corporation_head_organisations);
    tcase_add_test(tc, test_russian_quoted_name_after_genitive_tail_names_the_body);
    tcase_add_test(tc, test_straight_quotes_pair_left_to_right);
    tcase_add_test(tc, test_person_after_closing_quote_is_found);
    tcase_add_test(tc, test_met_the_holder_of_a_post_gives_met_with);
    tcase_add_test(tc, test_cyrillic_place_needs_one_of_its_forms);
    tcase_add_test(tc, test_legal_form_and_quoted_name_make_a_company);
    tcase_add_test(tc, test_russian_meeting_with_instrumental_person_gives_met_with);
    tcase_add_test(tc, test_english_met_with_gives_met_with);
    tcase_add_test(tc, test_chairman_is_not_linked_to_org_of_next_sentence);
    tcase_add_test(tc, test_signed_memorandum_makes_both_organizations_parties);
    tcase_add_test(tc, test_russian_signed_memorandum_makes_both_organizations_parties);
    tcase_add_test(tc, test_people_who_signed_a_memorandum_get_signed);
    tcase_add_test(tc, test_planned_memorandum_of_organizations_is_not_signed);
    tcase_add_test(tc, test_planned_memorandum_of_people_is_not_signed);
    tcase_add_test(tc, test_russian_planned_memorandum_is_not_signed);
    tcase_add_test(tc, test_person_visited_city_gives_visited);
    tcase_add_test(tc, test_evidence_sentence_index_counts_from_zero);
    suite_add_tcase(s, tc);

    tc = tcase_create("sentences");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_test(tc, test_initials_do_not_end_sentences);
    tcase_add_test(tc, test_russian_initials_do_not_end_sentences);
    tcase_add_test(tc, test_decimal_numbers_do_not_end_sentences);
    tcase_add_test(tc, test_question_and_exclamation_end_sentences);
    tcase_add_test(tc, test_split_of_empty_text_gives_no_sentences);
    tcase_add_test(tc, test_facts_count_sentences);
    suite_add_tcase(s, tc);

    tc = tcase_create("robustness");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_set_timeout(tc, 600);
    tcase_add_test(tc, test_empty_text_gives_empty_facts);
    tcase_add_test(tc, test_random_cleaned_bytes_never_fail);
    tcase_add_test(tc, test_random_word_soup_keeps_invariants);
    tcase_add_test(tc, test_truncated_utf8_after_cleaning_never_fails);
    tcase_add_test(tc, test_truncated_utf8_raw_never_fails);
    tcase_add_test(tc, test_long_text_without_sentence_end_is_handled);
    tcase_add_test(tc, test_extractor_is_reusable_and_deterministic);
    suite_add_tcase(s, tc);

    /* once pending: fixed in the extractor and the text utilities */
    tc = tcase_create("fixed");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_set_timeout(tc, 600);
    tcase_add_test(tc, test_memorandum_signed_in_may_makes_both_organizations_parties);
    tcase_add_test(tc, test_met_without_with_gives_met_with);
    tcase_add_test(tc, test_russian_event_named_without_complement_is_one_event);
    tcase_add_test(tc, test_speakers_and_department_heads_of_an_event);
    tcase_add_test(tc, test_russian_place_names_are_found_in_every_case);
    tcase_add_test(tc, test_russian_delegation_visit_and_union_referred_to_by_its_head);
    tcase_add_test(tc, test_english_delegation_visit_and_determiners);
    tcase_add_test(tc, test_pronoun_refers_to_the_one_person_of_the_sentence_before);
    tcase_add_test(tc, test_both_chairmen_take_part_and_parties_are_not_participants);
    tcase_add_test(tc, test_russian_feminine_names_in_oblique_cases_are_nominative);
    tcase_add_test(tc, test_random_raw_bytes_never_fail);
    tcase_add_test(tc, test_stray_invalid_byte_in_a_name_is_not_an_error);
    suite_add_tcase(s, tc);
    return s;
}

int main(void) {
    SRunner *sr = srunner_create(extract_suite());
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
