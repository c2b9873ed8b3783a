/* test_resolve.c — cross-document entity resolution and relation merging. */
#include "kg_resolve.h"
#include "kg_sort.h"
#include "kg_spill.h"
#include "kg_text.h"

#include <check.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>

/* ---- fixtures: one pool per test, documents built through kg_doc_facts ---- */

static kg_strpool *pool;

static void setup(void) {
    pool = kg_strpool_new();
    ck_assert_ptr_nonnull(pool);
}

static void teardown(void) {
    kg_strpool_free(pool);
    pool = NULL;
}

static const char *S(const char *s) {
    const char *p = kg_strpool_cstr(pool, s);
    ck_assert_ptr_nonnull(p);
    return p;
}

static void doc_begin(kg_doc_facts *f, const char *id) {
    kg_doc_facts_init(f);
    f->doc_id = S(id);
    f->lang = S("en");
    f->n_sentences = 3;
    f->n_bytes = 100;
}

/* Adds (or finds) an entity and sets its mention count. */
static size_t ent(kg_doc_facts *f, kg_entity_type type, const char *name, size_t mentions) {
    size_t i = 0;
    ck_assert_int_eq(kg_doc_facts_entity(f, type, S(name), S("en"), &i), KG_OK);
    f->entities[i].mentions = mentions;
    return i;
}

static void alias(kg_doc_facts *f, size_t i, const char *a) {
    ck_assert_int_eq(kg_doc_facts_alias(f, i, S(a)), KG_OK);
}

static void rel(kg_doc_facts *f, kg_relation_type type, size_t s, size_t o, const char *role,
                const char *role_text, size_t sentence, size_t start, double confidence) {
    kg_doc_relation r;
    memset(&r, 0, sizeof r);
    r.type = type;
    r.subject = s;
    r.object = o;
    r.role = role != NULL ? S(role) : NULL;
    r.role_text = role_text != NULL ? S(role_text) : NULL;
    r.evidence.doc = f->doc_id;
    r.evidence.sentence = sentence;
    r.evidence.start = start;
    r.evidence.end = start + 10;
    r.evidence.text = S("some sentence");
    r.evidence.rule = S("test.rule");
    r.evidence.confidence = confidence;
    ck_assert_int_eq(kg_doc_facts_relation(f, &r), KG_OK);
}

/* Resolves docs[order[0..n)] (order NULL: as given) into out. */
static void resolve(kg_doc_facts *docs, const size_t *order, size_t n, kg_resolved *out) {
    kg_resolver *r = NULL;
    kg_error err;
    ck_assert_int_eq(kg_resolver_new(&r, pool), KG_OK);
    for (size_t i = 0; i < n; i++)
        ck_assert_int_eq(kg_resolver_add(r, &docs[order != NULL ? order[i] : i]), KG_OK);
    ck_assert_int_eq(kg_resolver_finish(r, out, &err), KG_OK);
    kg_resolver_free(r);
}

static void clear_docs(kg_doc_facts *docs, size_t n) {
    for (size_t i = 0; i < n; i++)
        kg_doc_facts_clear(&docs[i]);
}

static const kg_entity *find_entity(const kg_resolved *data, const char *id) {
    for (size_t i = 0; i < data->n_entities; i++)
        if (strcmp(data->entities[i].id, id) == 0)
            return &data->entities[i];
    return NULL;
}

/* ---- entities ------------------------------------------------------------- */

START_TEST(test_acronym_alias_joins_documents) {
    kg_doc_facts docs[2];
    kg_resolved out;
    doc_begin(&docs[0], "a");
    alias(&docs[0],
          ent(&docs[0], KG_ENT_ORGANIZATION, "Federation of Trade Unions of Kyrgyzstan", 1),
          "FTUK");
    doc_begin(&docs[1], "b");
    ent(&docs[1], KG_ENT_ORGANIZATION, "FTUK", 1);
    resolve(docs, NULL, 2, &out);

    ck_assert_uint_eq(out.n_entities, 1);
    const kg_entity *e = &out.entities[0];
    ck_assert_int_eq(e->type, KG_ENT_ORGANIZATION);
    ck_assert_str_eq(e->id, "organization/federation-of-trade-unions-of-kyrgyzstan");
    /* Tie on mentions (1 and 1): the longer name wins. */
    ck_assert_str_eq(e->label, "Federation of Trade Unions of Kyrgyzstan");
    ck_assert_str_eq(e->lang, "en");
    ck_assert_str_eq(e->label_en, "Federation of Trade Unions of Kyrgyzstan");
    ck_assert_ptr_null(e->label_ru);
    ck_assert_uint_eq(e->n_aliases, 1);
    ck_assert_str_eq(e->aliases[0], "FTUK");
    ck_assert_uint_eq(e->mentions, 2);
    ck_assert_uint_eq(e->n_documents, 2);
    ck_assert_str_eq(e->documents[0], "a");
    ck_assert_str_eq(e->documents[1], "b");
    ck_assert_uint_eq(out.n_documents, 2);
    ck_assert_str_eq(out.documents[0].id, "a");
    ck_assert_str_eq(out.documents[1].id, "b");
    kg_resolved_clear(&out);
    clear_docs(docs, 2);
}
END_TEST

START_TEST(test_same_person_name_merges_and_sums_mentions) {
    kg_doc_facts docs[2];
    kg_resolved out;
    doc_begin(&docs[0], "d1");
    ent(&docs[0], KG_ENT_PERSON, "Erlan Kasymov", 3);
    doc_begin(&docs[1], "d2");
    /* Case and punctuation differ: the text key is the same. */
    ent(&docs[1], KG_ENT_PERSON, "ERLAN KASYMOV.", 2);
    resolve(docs, NULL, 2, &out);

    ck_assert_uint_eq(out.n_entities, 1);
    const kg_entity *e = &out.entities[0];
    ck_assert_str_eq(e->id, "person/erlan-kasymov");
    ck_assert_str_eq(e->label, "Erlan Kasymov"); /* 3 mentions beat 2 */
    ck_assert_uint_eq(e->mentions, 5);
    ck_assert_uint_eq(e->n_aliases, 1);
    ck_assert_str_eq(e->aliases[0], "ERLAN KASYMOV.");
    ck_assert_uint_eq(e->n_documents, 2);
    kg_resolved_clear(&out);
    clear_docs(docs, 2);
}
END_TEST

START_TEST(test_label_prefers_complete_forms_then_mentions_then_length_then_bytes) {
    kg_doc_facts docs[3];
    kg_resolved out;
    /* The acronym has the most mentions, but the long form is complete. */
    doc_begin(&docs[0], "a");
    alias(&docs[0], ent(&docs[0], KG_ENT_ORGANIZATION, "Alfa Org", 2), "BO");
    doc_begin(&docs[1], "b");
    ent(&docs[1], KG_ENT_ORGANIZATION, "BO", 3);
    resolve(docs, NULL, 2, &out);
    ck_assert_uint_eq(out.n_entities, 1);
    ck_assert_str_eq(out.entities[0].label, "Alfa Org");
    ck_assert_str_eq(out.entities[0].id, "organization/alfa-org");
    ck_assert_uint_eq(out.entities[0].mentions, 5);
    kg_resolved_clear(&out);
    clear_docs(docs, 2);

    /* Initials lose to a full name; then mentions decide. */
    doc_begin(&docs[0], "a");
    ent(&docs[0], KG_ENT_PERSON, "K. Ospanov", 9);
    doc_begin(&docs[1], "b");
    ent(&docs[1], KG_ENT_PERSON, "Kairat Ospanov", 2);
    doc_begin(&docs[2], "c");
    ent(&docs[2], KG_ENT_PERSON, "Kayrat Ospanov", 3);
    resolve(docs, NULL, 3, &out);
    ck_assert_uint_eq(out.n_entities, 1);
    ck_assert_str_eq(out.entities[0].label, "Kayrat Ospanov");
    kg_resolved_clear(&out);
    clear_docs(docs, 3);

    /* Equal mentions: the longer; equal length: byte order. */
    doc_begin(&docs[0], "a");
    ent(&docs[0], KG_ENT_PERSON, "Zhanar Bekova", 1);
    doc_begin(&docs[1], "b");
    ent(&docs[1], KG_ENT_PERSON, "Zhanara Bekova", 1);
    resolve(docs, NULL, 2, &out);
    ck_assert_uint_eq(out.n_entities, 1);
    ck_assert_str_eq(out.entities[0].label, "Zhanara Bekova");
    kg_resolved_clear(&out);
    clear_docs(docs, 2);
    doc_begin(&docs[0], "a");
    ent(&docs[0], KG_ENT_PERSON, "Kayrat Ospanov", 1);
    doc_begin(&docs[1], "b");
    ent(&docs[1], KG_ENT_PERSON, "Kairat Ospanov", 1);
    resolve(docs, NULL, 2, &out);
    ck_assert_str_eq(out.entities[0].label, "Kairat Ospanov");
    kg_resolved_clear(&out);
    clear_docs(docs, 2);

    /* Odd capitals lose to a well-written form with fewer mentions. */
    doc_begin(&docs[0], "a");
    ent(&docs[0], KG_ENT_ORGANIZATION, "Federation of trade Unions of Kyrgyzstan", 5);
    doc_begin(&docs[1], "b");
    ent(&docs[1], KG_ENT_ORGANIZATION, "Federation of Trade Unions of Kyrgyzstan", 1);
    resolve(docs, NULL, 2, &out);
    ck_assert_uint_eq(out.n_entities, 1);
    ck_assert_str_eq(out.entities[0].label, "Federation of Trade Unions of Kyrgyzstan");
    kg_resolved_clear(&out);
    clear_docs(docs, 2);
}
END_TEST

START_TEST(test_cyrillic_and_latin_labels) {
    kg_doc_facts docs[2];
    kg_resolved out;
    doc_begin(&docs[0], "ru1");
    alias(&docs[0], ent(&docs[0], KG_ENT_ORGANIZATION, "Федерация профсоюзов Кыргызстана", 3),
          "ФПК");
    alias(&docs[0], 0, "FTUK");
    doc_begin(&docs[1], "en1");
    alias(&docs[1], ent(&docs[1], KG_ENT_ORGANIZATION, "Federation of Trade Unions", 1), "FTUK");
    resolve(docs, NULL, 2, &out);

    ck_assert_uint_eq(out.n_entities, 1);
    const kg_entity *e = &out.entities[0];
    ck_assert_str_eq(e->label, "Федерация профсоюзов Кыргызстана");
    ck_assert_str_eq(e->lang, "ru");
    ck_assert_str_eq(e->label_ru, "Федерация профсоюзов Кыргызстана");
    ck_assert_str_eq(e->label_en, "Federation of Trade Unions");
    ck_assert_uint_eq(strncmp(e->id, "organization/", 13), 0);
    ck_assert_uint_eq(e->n_aliases, 3);
    ck_assert_str_eq(e->aliases[0], "FTUK");
    ck_assert_str_eq(e->aliases[1], "Federation of Trade Unions");
    ck_assert_str_eq(e->aliases[2], "ФПК");
    kg_resolved_clear(&out);
    clear_docs(docs, 2);
}
END_TEST

START_TEST(test_agreements_stay_per_document_with_suffixed_ids) {
    kg_doc_facts docs[2];
    kg_resolved out;
    doc_begin(&docs[0], "a");
    ent(&docs[0], KG_ENT_AGREEMENT, "cooperation agreement", 1);
    doc_begin(&docs[1], "b");
    ent(&docs[1], KG_ENT_AGREEMENT, "cooperation agreement", 1);
    resolve(docs, NULL, 2, &out);

    ck_assert_uint_eq(out.n_entities, 2);
    char expected[2][64];
    const char *keys[2] = {"agreement|a|cooperation agreement",
                           "agreement|b|cooperation agreement"};
    for (int i = 0; i < 2; i++) {
        uint64_t h = kg_hash64(keys[i], strlen(keys[i]), 0);
        snprintf(expected[i], sizeof expected[i], "agreement/cooperation-agreement-%08lx",
                 (unsigned long)(h & 0xffffffffu));
    }
    const kg_entity *ea = find_entity(&out, expected[0]);
    const kg_entity *eb = find_entity(&out, expected[1]);
    ck_assert_ptr_nonnull(ea);
    ck_assert_ptr_nonnull(eb);
    ck_assert_str_ne(ea->id, eb->id);
    ck_assert_uint_eq(ea->n_documents, 1);
    ck_assert_str_eq(ea->documents[0], "a");
    ck_assert_str_eq(eb->documents[0], "b");
    ck_assert_str_eq(ea->label, "cooperation agreement");
    ck_assert_int_lt(strcmp(out.entities[0].id, out.entities[1].id), 0);
    kg_resolved_clear(&out);
    clear_docs(docs, 2);
}
END_TEST

START_TEST(test_agreement_repeated_in_one_document_is_one) {
    kg_doc_facts docs[1];
    kg_resolved out;
    doc_begin(&docs[0], "a");
    ent(&docs[0], KG_ENT_EVENT, "Labour Forum", 1);
    ent(&docs[0], KG_ENT_EVENT, "labour forum", 1);
    resolve(docs, NULL, 1, &out);
    ck_assert_uint_eq(out.n_entities, 1);
    ck_assert_str_eq(out.entities[0].id, "event/labour-forum"); /* no collision: no suffix */
    ck_assert_uint_eq(out.entities[0].mentions, 2);
    kg_resolved_clear(&out);
    clear_docs(docs, 1);
}
END_TEST

START_TEST(test_person_and_organization_with_same_name_stay_separate) {
    kg_doc_facts docs[2];
    kg_resolved out;
    doc_begin(&docs[0], "a");
    ent(&docs[0], KG_ENT_PERSON, "Ata Meken", 1);
    doc_begin(&docs[1], "b");
    ent(&docs[1], KG_ENT_ORGANIZATION, "Ata Meken", 1);
    resolve(docs, NULL, 2, &out);
    ck_assert_uint_eq(out.n_entities, 2);
    ck_assert_str_eq(out.entities[0].id, "organization/ata-meken");
    ck_assert_int_eq(out.entities[0].type, KG_ENT_ORGANIZATION);
    ck_assert_str_eq(out.entities[1].id, "person/ata-meken");
    ck_assert_int_eq(out.entities[1].type, KG_ENT_PERSON);
    kg_resolved_clear(&out);
    clear_docs(docs, 2);
}
END_TEST

START_TEST(test_weak_aliases_do_not_chain) {
    kg_doc_facts docs[3];
    kg_resolved out;
    doc_begin(&docs[0], "a");
    alias(&docs[0], ent(&docs[0], KG_ENT_PERSON, "Aibek Sadyrov", 1), "1");
    alias(&docs[0], 0, "A");
    doc_begin(&docs[1], "b");
    alias(&docs[1], ent(&docs[1], KG_ENT_PERSON, "Nurlan Toktomushev", 1), "1");
    alias(&docs[1], 0, "2 024");
    doc_begin(&docs[2], "c");
    alias(&docs[2], ent(&docs[2], KG_ENT_PERSON, "Bakyt Asanov", 1), "A.");
    alias(&docs[2], 0, "2024");
    resolve(docs, NULL, 3, &out);
    ck_assert_uint_eq(out.n_entities, 3);
    ck_assert_str_eq(out.entities[0].id, "person/aibek-sadyrov");
    ck_assert_str_eq(out.entities[1].id, "person/bakyt-asanov");
    ck_assert_str_eq(out.entities[2].id, "person/nurlan-toktomushev");
    /* Weak aliases are still reported as aliases, they just do not merge. */
    ck_assert_uint_eq(out.entities[0].n_aliases, 2);
    ck_assert_str_eq(out.entities[0].aliases[0], "1");
    ck_assert_str_eq(out.entities[0].aliases[1], "A");
    kg_resolved_clear(&out);
    clear_docs(docs, 3);
}
END_TEST

START_TEST(test_aliases_chain_transitively) {
    kg_doc_facts docs[3];
    kg_resolved out;
    doc_begin(&docs[0], "a");
    alias(&docs[0], ent(&docs[0], KG_ENT_ORGANIZATION, "Ministry of Labour", 1), "Mintrud");
    doc_begin(&docs[1], "b");
    alias(&docs[1], ent(&docs[1], KG_ENT_ORGANIZATION, "Mintrud", 1), "ML");
    doc_begin(&docs[2], "c");
    ent(&docs[2], KG_ENT_ORGANIZATION, "ML", 1);
    resolve(docs, NULL, 3, &out);
    ck_assert_uint_eq(out.n_entities, 1);
    ck_assert_str_eq(out.entities[0].id, "organization/ministry-of-labour");
    ck_assert_uint_eq(out.entities[0].n_documents, 3);
    ck_assert_uint_eq(out.entities[0].n_aliases, 2);
    kg_resolved_clear(&out);
    clear_docs(docs, 3);
}
END_TEST

/* ---- relations -------------------------------------------------------------- */

START_TEST(test_relation_in_several_documents_merges) {
    kg_doc_facts docs[3];
    kg_resolved out;
    const char *texts[3] = {"Chairman", "Председатель", "Chairman"};
    const double conf[3] = {0.5, 0.6, 0.5};
    const char *ids[3] = {"c", "a", "b"};
    for (int i = 0; i < 3; i++) {
        doc_begin(&docs[i], ids[i]);
        size_t p = ent(&docs[i], KG_ENT_PERSON, "Erlan Kasymov", 1);
        size_t o = ent(&docs[i], KG_ENT_ORGANIZATION, "FTUK", 1);
        rel(&docs[i], KG_REL_HOLDS_POST, p, o, "chairman", texts[i], (size_t)i + 1, 40, conf[i]);
    }
    resolve(docs, NULL, 3, &out);

    ck_assert_uint_eq(out.n_entities, 2);
    ck_assert_str_eq(out.entities[0].id, "organization/ftuk");
    ck_assert_str_eq(out.entities[1].id, "person/erlan-kasymov");
    ck_assert_uint_eq(out.n_relations, 1);
    const kg_relation *r = &out.relations[0];
    ck_assert_int_eq(r->type, KG_REL_HOLDS_POST);
    ck_assert_uint_eq(r->subject, 1);
    ck_assert_uint_eq(r->object, 0);
    ck_assert_str_eq(r->role, "chairman");
    ck_assert_str_eq(r->role_text, "Chairman"); /* 2 of 3 */
    ck_assert_uint_eq(r->n_evidence, 3);
    ck_assert_str_eq(r->evidence[0].doc, "a");
    ck_assert_str_eq(r->evidence[1].doc, "b");
    ck_assert_str_eq(r->evidence[2].doc, "c");
    ck_assert_uint_eq(r->evidence[0].sentence, 2);
    ck_assert_double_eq_tol(r->evidence[0].confidence, 0.6, 1e-12);
    /* 1 - (1 - 0.6)(1 - 0.5)(1 - 0.5) */
    ck_assert_double_eq_tol(r->confidence, 0.9, 1e-12);
    kg_resolved_clear(&out);
    clear_docs(docs, 3);
}
END_TEST

START_TEST(test_two_documents_give_weight_two) {
    kg_doc_facts docs[2];
    kg_resolved out;
    const double conf[2] = {0.7, 0.4};
    for (int i = 0; i < 2; i++) {
        doc_begin(&docs[i], i == 0 ? "a" : "b");
        size_t o1 = ent(&docs[i], KG_ENT_ORGANIZATION, "FTUK", 1);
        size_t o2 = ent(&docs[i], KG_ENT_ORGANIZATION, "ITUC", 1);
        rel(&docs[i], KG_REL_MEMBER_OF, o1, o2, NULL, NULL, 0, 0, conf[i]);
    }
    resolve(docs, NULL, 2, &out);
    ck_assert_uint_eq(out.n_relations, 1);
    ck_assert_uint_eq(out.relations[0].n_evidence, 2);
    ck_assert_ptr_null(out.relations[0].role);
    ck_assert_ptr_null(out.relations[0].role_text);
    ck_assert_int_le(kg_evidence_cmp(&out.relations[0].evidence[0], &out.relations[0].evidence[1]),
                     0);
    ck_assert_double_eq_tol(out.relations[0].confidence, 1.0 - (1.0 - 0.7) * (1.0 - 0.4), 1e-12);
    kg_resolved_clear(&out);
    clear_docs(docs, 2);
}
END_TEST

START_TEST(test_met_with_in_either_direction_merges) {
    kg_doc_facts docs[2];
    kg_resolved out;
    doc_begin(&docs[0], "a");
    size_t x = ent(&docs[0], KG_ENT_PERSON, "Zarina Bekova", 1);
    size_t y = ent(&docs[0], KG_ENT_PERSON, "Aibek Sadyrov", 1);
    rel(&docs[0], KG_REL_MET_WITH, x, y, NULL, NULL, 0, 0, 0.5);
    doc_begin(&docs[1], "b");
    y = ent(&docs[1], KG_ENT_PERSON, "Aibek Sadyrov", 1);
    x = ent(&docs[1], KG_ENT_PERSON, "Zarina Bekova", 1);
    rel(&docs[1], KG_REL_MET_WITH, y, x, NULL, NULL, 0, 0, 0.5);
    resolve(docs, NULL, 2, &out);
    ck_assert_uint_eq(out.n_entities, 2);
    ck_assert_uint_eq(out.n_relations, 1);
    ck_assert_uint_eq(out.relations[0].n_evidence, 2);
    /* Subject is the smaller id. */
    ck_assert_str_eq(out.entities[out.relations[0].subject].id, "person/aibek-sadyrov");
    ck_assert_str_eq(out.entities[out.relations[0].object].id, "person/zarina-bekova");
    ck_assert_double_eq_tol(out.relations[0].confidence, 0.75, 1e-12);
    kg_resolved_clear(&out);
    clear_docs(docs, 2);
}
END_TEST

START_TEST(test_relation_to_itself_after_merging_is_dropped) {
    kg_doc_facts docs[1];
    kg_resolved out;
    doc_begin(&docs[0], "a");
    size_t longform = ent(&docs[0], KG_ENT_ORGANIZATION, "Federation of Trade Unions", 1);
    alias(&docs[0], longform, "FTU");
    size_t acronym = ent(&docs[0], KG_ENT_ORGANIZATION, "FTU", 1);
    size_t other = ent(&docs[0], KG_ENT_ORGANIZATION, "ITUC", 1);
    rel(&docs[0], KG_REL_MEMBER_OF, acronym, longform, NULL, NULL, 0, 0, 0.9);
    rel(&docs[0], KG_REL_MEMBER_OF, acronym, other, NULL, NULL, 1, 0, 0.9);
    resolve(docs, NULL, 1, &out);
    ck_assert_uint_eq(out.n_entities, 2);
    ck_assert_uint_eq(out.n_relations, 1);
    ck_assert_str_eq(out.entities[out.relations[0].subject].id,
                     "organization/federation-of-trade-unions");
    ck_assert_str_eq(out.entities[out.relations[0].object].id, "organization/ituc");
    kg_resolved_clear(&out);
    clear_docs(docs, 1);
}
END_TEST

START_TEST(test_relations_sorted_with_null_role_first) {
    kg_doc_facts docs[1];
    kg_resolved out;
    doc_begin(&docs[0], "a");
    size_t p = ent(&docs[0], KG_ENT_PERSON, "Erlan Kasymov", 1);
    size_t o = ent(&docs[0], KG_ENT_ORGANIZATION, "FTUK", 1);
    size_t q = ent(&docs[0], KG_ENT_PLACE, "Bishkek", 1);
    rel(&docs[0], KG_REL_HOLDS_POST, p, o, "deputy chairman", NULL, 0, 0, 0.5);
    rel(&docs[0], KG_REL_HOLDS_POST, p, o, "chairman", NULL, 0, 20, 0.5);
    rel(&docs[0], KG_REL_HOLDS_POST, p, o, NULL, NULL, 0, 40, 0.5);
    rel(&docs[0], KG_REL_VISITED, p, q, NULL, NULL, 1, 0, 0.5);
    rel(&docs[0], KG_REL_LOCATED_IN, o, q, NULL, NULL, 2, 0, 0.5);
    resolve(docs, NULL, 1, &out);
    /* organization/ftuk (0) < person/erlan-kasymov (1) < place/bishkek (2) */
    ck_assert_uint_eq(out.n_relations, 5);
    ck_assert_uint_eq(out.relations[0].subject, 0);
    ck_assert_int_eq(out.relations[0].type, KG_REL_LOCATED_IN);
    ck_assert_uint_eq(out.relations[1].subject, 1);
    ck_assert_uint_eq(out.relations[1].object, 0);
    ck_assert_ptr_null(out.relations[1].role);
    ck_assert_str_eq(out.relations[2].role, "chairman");
    ck_assert_str_eq(out.relations[3].role, "deputy chairman");
    ck_assert_int_eq(out.relations[4].type, KG_REL_VISITED);
    ck_assert_uint_eq(out.relations[4].object, 2);
    kg_resolved_clear(&out);
    clear_docs(docs, 1);
}
END_TEST

/* ---- documents and order independence --------------------------------------- */

/* An entity's documents are listed once each in byte order of their ids,
 * whatever order the documents came in (their addresses in the pool follow
 * that order, not the ids'), one document repeated. */
START_TEST(test_entity_documents_in_id_order) {
    enum { N = 41 };
    kg_doc_facts docs[N];
    kg_resolved out;
    char id[32];
    for (int i = 0; i < N; i++) {
        int k = i == N - 1 ? 5 : (i * 17) % (N - 1); /* a permutation, then doc-05 again */
        snprintf(id, sizeof id, "doc-%02d%s", k, k % 3 == 0 ? "-ru" : "");
        doc_begin(&docs[i], id);
        ent(&docs[i], KG_ENT_ORGANIZATION, "FTUK", 1);
    }
    resolve(docs, NULL, N, &out);
    ck_assert_uint_eq(out.n_entities, 1);
    const kg_entity *e = &out.entities[0];
    ck_assert_uint_eq(e->n_documents, N - 1);
    ck_assert_str_eq(e->documents[0], "doc-00-ru");
    ck_assert_str_eq(e->documents[1], "doc-01");
    ck_assert_str_eq(e->documents[N - 2], "doc-39-ru");
    for (size_t i = 1; i < e->n_documents; i++)
        ck_assert_int_lt(strcmp(e->documents[i - 1], e->documents[i]), 0);
    ck_assert_uint_eq(e->mentions, N);
    kg_resolved_clear(&out);
    clear_docs(docs, N);
}
END_TEST

START_TEST(test_document_added_twice_keeps_smallest_info) {
    kg_doc_facts docs[2];
    kg_resolved out;
    for (int i = 0; i < 2; i++) {
        doc_begin(&docs[i], "same");
        docs[i].title = S(i == 0 ? "Zeta" : "Alpha");
        size_t p = ent(&docs[i], KG_ENT_PERSON, "Erlan Kasymov", 1);
        size_t o = ent(&docs[i], KG_ENT_ORGANIZATION, "FTUK", 1);
        rel(&docs[i], KG_REL_HOLDS_POST, p, o, "chairman", "Chairman", 0, 0, 0.5);
    }
    resolve(docs, NULL, 2, &out);
    ck_assert_uint_eq(out.n_documents, 1);
    ck_assert_str_eq(out.documents[0].id, "same");
    ck_assert_str_eq(out.documents[0].title, "Alpha");
    ck_assert_uint_eq(out.documents[0].n_sentences, 3);
    /* The facts count twice, the same evidence only once. */
    ck_assert_uint_eq(out.entities[1].mentions, 2);
    ck_assert_uint_eq(out.entities[1].n_documents, 1);
    ck_assert_uint_eq(out.n_relations, 1);
    ck_assert_uint_eq(out.relations[0].n_evidence, 1);
    ck_assert_double_eq_tol(out.relations[0].confidence, 0.5, 1e-12);
    kg_resolved_clear(&out);
    clear_docs(docs, 2);
}
END_TEST

static void assert_same_str(const char *a, const char *b) {
    if (a == NULL || b == NULL)
        ck_assert_ptr_eq(a, b);
    else
        ck_assert_str_eq(a, b);
}

static void assert_same_resolved(const kg_resolved *a, const kg_resolved *b) {
    ck_assert_uint_eq(a->n_entities, b->n_entities);
    for (size_t i = 0; i < a->n_entities; i++) {
        const kg_entity *x = &a->entities[i], *y = &b->entities[i];
        ck_assert_int_eq(x->type, y->type);
        assert_same_str(x->id, y->id);
        assert_same_str(x->label, y->label);
        assert_same_str(x->lang, y->lang);
        assert_same_str(x->label_en, y->label_en);
        assert_same_str(x->label_ru, y->label_ru);
        ck_assert_uint_eq(x->mentions, y->mentions);
        ck_assert_uint_eq(x->n_aliases, y->n_aliases);
        for (size_t j = 0; j < x->n_aliases; j++)
            assert_same_str(x->aliases[j], y->aliases[j]);
        ck_assert_uint_eq(x->n_documents, y->n_documents);
        for (size_t j = 0; j < x->n_documents; j++)
            assert_same_str(x->documents[j], y->documents[j]);
    }
    ck_assert_uint_eq(a->n_relations, b->n_relations);
    for (size_t i = 0; i < a->n_relations; i++) {
        const kg_relation *x = &a->relations[i], *y = &b->relations[i];
        ck_assert_int_eq(x->type, y->type);
        ck_assert_uint_eq(x->subject, y->subject);
        ck_assert_uint_eq(x->object, y->object);
        assert_same_str(x->role, y->role);
        assert_same_str(x->role_text, y->role_text);
        ck_assert_uint_eq(x->n_evidence, y->n_evidence);
        /* Bit-identical, not merely close: the product runs in sorted order. */
        ck_assert(memcmp(&x->confidence, &y->confidence, sizeof x->confidence) == 0);
        for (size_t j = 0; j < x->n_evidence; j++) {
            ck_assert_int_eq(kg_evidence_cmp(&x->evidence[j], &y->evidence[j]), 0);
            ck_assert(x->evidence[j].confidence == y->evidence[j].confidence);
        }
    }
    ck_assert_uint_eq(a->n_merges, b->n_merges);
    for (size_t i = 0; i < a->n_merges; i++) {
        const kg_merge *x = &a->merges[i], *y = &b->merges[i];
        ck_assert_uint_eq(x->entity, y->entity);
        assert_same_str(x->form_a, y->form_a);
        assert_same_str(x->form_b, y->form_b);
        assert_same_str(x->rule, y->rule);
        assert_same_str(x->detail, y->detail);
        ck_assert(memcmp(&x->score, &y->score, sizeof x->score) == 0);
    }
    ck_assert_uint_eq(a->n_documents, b->n_documents);
    for (size_t i = 0; i < a->n_documents; i++) {
        const kg_doc_info *x = &a->documents[i], *y = &b->documents[i];
        assert_same_str(x->id, y->id);
        assert_same_str(x->lang, y->lang);
        assert_same_str(x->title, y->title);
        assert_same_str(x->date, y->date);
        assert_same_str(x->url, y->url);
        ck_assert_uint_eq(x->n_sentences, y->n_sentences);
        ck_assert_uint_eq(x->n_bytes, y->n_bytes);
    }
}

enum { N_SHUFFLE_DOCS = 6 };

/* A small corpus with every kind of tie the resolver must break by
 * content: equal mention counts, duplicate document ids, colliding
 * agreement ids, met_with in both directions, competing role texts. */
static void build_corpus(kg_doc_facts *d) {
    doc_begin(&d[0], "a");
    size_t f = ent(&d[0], KG_ENT_ORGANIZATION, "Federation of Trade Unions of Kyrgyzstan", 2);
    alias(&d[0], f, "FTUK");
    size_t k = ent(&d[0], KG_ENT_PERSON, "Erlan Kasymov", 1);
    size_t g = ent(&d[0], KG_ENT_AGREEMENT, "cooperation agreement", 1);
    rel(&d[0], KG_REL_HOLDS_POST, k, f, "chairman", "Chairman", 0, 0, 0.5);
    rel(&d[0], KG_REL_PARTY_TO, f, g, NULL, NULL, 1, 0, 0.3);

    doc_begin(&d[1], "b");
    f = ent(&d[1], KG_ENT_ORGANIZATION, "FTUK", 2);
    k = ent(&d[1], KG_ENT_PERSON, "Kasymov Erlan", 1);
    alias(&d[1], k, "Erlan Kasymov");
    g = ent(&d[1], KG_ENT_AGREEMENT, "cooperation agreement", 1);
    size_t z = ent(&d[1], KG_ENT_PERSON, "Zarina Bekova", 1);
    rel(&d[1], KG_REL_HOLDS_POST, k, f, "chairman", "chairman", 0, 0, 0.7);
    rel(&d[1], KG_REL_PARTY_TO, f, g, NULL, NULL, 1, 0, 0.3);
    rel(&d[1], KG_REL_MET_WITH, z, k, NULL, NULL, 2, 0, 0.25);

    doc_begin(&d[2], "c");
    d[2].title = S("Title C");
    k = ent(&d[2], KG_ENT_PERSON, "Erlan Kasymov", 1);
    z = ent(&d[2], KG_ENT_PERSON, "Zarina Bekova", 1);
    size_t p = ent(&d[2], KG_ENT_PLACE, "Bishkek", 1);
    rel(&d[2], KG_REL_MET_WITH, k, z, NULL, NULL, 0, 0, 0.6);
    rel(&d[2], KG_REL_VISITED, z, p, NULL, NULL, 1, 0, 0.1);

    doc_begin(&d[3], "c"); /* same id again, other metadata */
    d[3].title = S("Another C");
    d[3].n_bytes = 7;
    z = ent(&d[3], KG_ENT_PERSON, "Zarina Bekova", 1);
    p = ent(&d[3], KG_ENT_PLACE, "Bishkek", 1);
    rel(&d[3], KG_REL_VISITED, z, p, NULL, NULL, 1, 0, 0.2);

    doc_begin(&d[4], "d");
    size_t r = ent(&d[4], KG_ENT_PERSON, "Aibek Sadyrov", 1);
    alias(&d[4], r, "1");
    size_t u = ent(&d[4], KG_ENT_ORGANIZATION, "Ата Мекен", 1);
    alias(&d[4], u, "Ata Meken");
    rel(&d[4], KG_REL_MEMBER_OF, u, u, NULL, NULL, 0, 0, 0.4); /* self: dropped */
    rel(&d[4], KG_REL_HOLDS_POST, r, u, "leader", "Leader", 1, 0, 0.8);

    doc_begin(&d[5], "e");
    size_t n = ent(&d[5], KG_ENT_PERSON, "Nurlan Toktomushev", 1);
    alias(&d[5], n, "1");
    u = ent(&d[5], KG_ENT_ORGANIZATION, "Ata Meken", 3);
    rel(&d[5], KG_REL_HOLDS_POST, n, u, "leader", "leader", 1, 0, 0.8);
    rel(&d[5], KG_REL_HOLDS_POST, n, u, "leader", "Leader", 2, 50, 0.8);
}

START_TEST(test_shuffled_order_gives_identical_output) {
    kg_doc_facts docs[N_SHUFFLE_DOCS];
    kg_resolved reference, shuffled;
    build_corpus(docs);
    resolve(docs, NULL, N_SHUFFLE_DOCS, &reference);

    /* Sanity: the corpus resolves the way the other tests say it should. */
    ck_assert_uint_eq(reference.n_documents, 5);
    ck_assert_str_eq(reference.documents[2].title, "Another C");
    ck_assert_ptr_nonnull(find_entity(&reference, "person/erlan-kasymov"));
    ck_assert_ptr_nonnull(find_entity(&reference, "organization/ata-meken"));

    size_t order[N_SHUFFLE_DOCS];
    unsigned seed = 12345;
    for (int round = 0; round < 40; round++) {
        for (size_t i = 0; i < N_SHUFFLE_DOCS; i++)
            order[i] = i;
        if (round == 1) { /* reversed */
            for (size_t i = 0; i < N_SHUFFLE_DOCS; i++)
                order[i] = N_SHUFFLE_DOCS - 1 - i;
        } else {
            for (size_t i = N_SHUFFLE_DOCS - 1; i > 0; i--) {
                seed = seed * 1103515245u + 12345u;
                size_t j = (seed >> 16) % (i + 1);
                size_t t = order[i];
                order[i] = order[j];
                order[j] = t;
            }
        }
        resolve(docs, order, N_SHUFFLE_DOCS, &shuffled);
        assert_same_resolved(&reference, &shuffled);
        kg_resolved_clear(&shuffled);
    }
    kg_resolved_clear(&reference);
    clear_docs(docs, N_SHUFFLE_DOCS);
}
END_TEST

/* Thousands of documents: one person named in all of them (one big node),
 * one alias shared by thousands of different organisations (a key block
 * of thousands: compared within a window, never all pairs, and the
 * organisations stay apart), and the same generic agreement name in each
 * (thousands of colliding ids).  Quadratic code would show here, and under
 * valgrind it would not finish in the suite's time limit. */
START_TEST(test_many_documents_scale) {
    enum { N = 5000 };
    kg_doc_facts *docs = calloc(N, sizeof *docs);
    ck_assert_ptr_nonnull(docs);
    for (int i = 0; i < N; i++) {
        char buf[64];
        snprintf(buf, sizeof buf, "doc%05d", i);
        doc_begin(&docs[i], buf);
        ent(&docs[i], KG_ENT_PERSON, i % 2 == 0 ? "Erlan Kasymov" : "ERLAN KASYMOV", 1);
        snprintf(buf, sizeof buf, "Org %d Workers", i);
        alias(&docs[i], ent(&docs[i], KG_ENT_ORGANIZATION, buf, 1), "Shared Name");
        ent(&docs[i], KG_ENT_AGREEMENT, "cooperation agreement", 1);
    }
    kg_resolver *r = NULL;
    kg_error err;
    kg_resolved out;
    ck_assert_int_eq(kg_resolver_new(&r, pool), KG_OK);
    for (int i = 0; i < N; i++)
        ck_assert_int_eq(kg_resolver_add(r, &docs[i]), KG_OK);
    ck_assert_int_eq(kg_resolver_finish(r, &out, &err), KG_OK);
    kg_resolve_stats stats;
    kg_resolver_stats(r, &stats);
    kg_resolver_free(r);

    ck_assert_uint_eq(out.n_entities, 2 * N + 1);
    ck_assert_uint_eq(out.n_documents, N);
    for (size_t i = 1; i < out.n_entities; i++)
        ck_assert_int_lt(strcmp(out.entities[i - 1].id, out.entities[i].id), 0);
    const kg_entity *p = &out.entities[2 * N]; /* "person/..." sorts last */
    ck_assert_int_eq(p->type, KG_ENT_PERSON);
    ck_assert_str_eq(p->label, "Erlan Kasymov");
    ck_assert_uint_eq(p->mentions, N);
    ck_assert_uint_eq(p->n_documents, N);
    ck_assert_uint_eq(stats.mentions, 3 * N);
    ck_assert_uint_eq(stats.nodes, 2 * N + 1); /* one person, N orgs, N agreements */
    ck_assert_uint_le(stats.candidate_pairs, (size_t)N * 40);
    kg_resolved_clear(&out);
    clear_docs(docs, N);
    free(docs);
}
END_TEST

/* ---- resolution across articles, languages and spellings ------------------------ */

/* The entity of this type having form as label or alias; NULL if none. */
static const kg_entity *entity_with(const kg_resolved *d, kg_entity_type type, const char *form) {
    for (size_t i = 0; i < d->n_entities; i++) {
        const kg_entity *e = &d->entities[i];
        if (e->type != type)
            continue;
        if (strcmp(e->label, form) == 0)
            return e;
        for (size_t k = 0; k < e->n_aliases; k++)
            if (strcmp(e->aliases[k], form) == 0)
                return e;
    }
    return NULL;
}

static const kg_entity *must_find(const kg_resolved *d, kg_entity_type type, const char *form) {
    const kg_entity *e = entity_with(d, type, form);
    ck_assert_msg(e != NULL, "no entity has the form '%s'", form);
    return e;
}

static void assert_merged(const kg_resolved *d, kg_entity_type type, const char *a, const char *b) {
    const kg_entity *x = must_find(d, type, a), *y = must_find(d, type, b);
    ck_assert_msg(x == y, "'%s' (%s) and '%s' (%s) are not one entity", a, x->id, b, y->id);
}

static void assert_apart(const kg_resolved *d, kg_entity_type type, const char *a, const char *b) {
    const kg_entity *x = must_find(d, type, a), *y = must_find(d, type, b);
    ck_assert_msg(x != y, "'%s' and '%s' were merged into %s", a, b, x->id);
}

/* The merge of entity e with this rule (the first one), or NULL. */
static const kg_merge *merge_by(const kg_resolved *d, const kg_entity *e, const char *rule) {
    size_t index = (size_t)(e - d->entities);
    for (size_t i = 0; i < d->n_merges; i++)
        if (d->merges[i].entity == index && strcmp(d->merges[i].rule, rule) == 0)
            return &d->merges[i];
    return NULL;
}

/* The merge of entity e between forms a and b (either order), or NULL. */
static const kg_merge *merge_between(const kg_resolved *d, const kg_entity *e, const char *a,
                                     const char *b) {
    size_t index = (size_t)(e - d->entities);
    for (size_t i = 0; i < d->n_merges; i++) {
        const kg_merge *m = &d->merges[i];
        if (m->entity == index && ((strcmp(m->form_a, a) == 0 && strcmp(m->form_b, b) == 0) ||
                                   (strcmp(m->form_a, b) == 0 && strcmp(m->form_b, a) == 0)))
            return m;
    }
    return NULL;
}

/* One document per name: type, names[i] in document "d<i>". */
static void one_per_doc(kg_doc_facts *docs, kg_entity_type type, const char *const *names,
                        size_t n) {
    for (size_t i = 0; i < n; i++) {
        char id[16];
        snprintf(id, sizeof id, "d%zu", i);
        doc_begin(&docs[i], id);
        ent(&docs[i], type, names[i], 1);
    }
}

START_TEST(test_acronym_defined_in_either_order_joins_documents) {
    kg_doc_facts docs[3];
    kg_resolved out;
    /* "Federation ... (FTUK)" and "FTUK (Federation ...)": the extractor
     * makes the first form the name and the other an alias. */
    doc_begin(&docs[0], "a");
    alias(&docs[0],
          ent(&docs[0], KG_ENT_ORGANIZATION, "Federation of Trade Unions of Kyrgyzstan", 2),
          "FTUK");
    doc_begin(&docs[1], "b");
    alias(&docs[1], ent(&docs[1], KG_ENT_ORGANIZATION, "FTUK", 2),
          "Federation of Trade Unions of Kyrgyzstan");
    doc_begin(&docs[2], "c");
    ent(&docs[2], KG_ENT_ORGANIZATION, "FTUK", 1);
    resolve(docs, NULL, 3, &out);
    ck_assert_uint_eq(out.n_entities, 1);
    ck_assert_str_eq(out.entities[0].label, "Federation of Trade Unions of Kyrgyzstan");
    ck_assert_uint_eq(out.entities[0].n_documents, 3);
    const kg_merge *m = merge_by(&out, &out.entities[0], "coreference");
    ck_assert_ptr_nonnull(m);
    ck_assert_str_eq(m->form_a, "FTUK");
    ck_assert_str_eq(m->form_b, "Federation of Trade Unions of Kyrgyzstan");
    kg_resolved_clear(&out);
    clear_docs(docs, 3);
}
END_TEST

START_TEST(test_acronym_inferred_from_initials_skipping_function_words) {
    kg_doc_facts docs[4];
    kg_resolved out;
    const char *names[] = {"Federation of Independent Trade Unions of Russia", "FITUR",
                           "Профсоюз работников образования и науки Узбекистана", "ПРОНУ"};
    one_per_doc(docs, KG_ENT_ORGANIZATION, names, 4);
    resolve(docs, NULL, 4, &out);
    ck_assert_uint_eq(out.n_entities, 2);
    assert_merged(&out, KG_ENT_ORGANIZATION, "FITUR", names[0]);
    assert_merged(&out, KG_ENT_ORGANIZATION, "ПРОНУ", names[2]);
    const kg_entity *e = must_find(&out, KG_ENT_ORGANIZATION, "FITUR");
    const kg_merge *m = merge_by(&out, e, "acronym");
    ck_assert_ptr_nonnull(m);
    ck_assert_str_eq(m->form_a, "FITUR");
    ck_assert_str_eq(m->form_b, names[0]);
    ck_assert_str_eq(m->detail, "fitur");
    ck_assert_double_eq_tol(m->score, 0.9, 1e-12);
    kg_resolved_clear(&out);
    clear_docs(docs, 4);
}
END_TEST

START_TEST(test_acronym_not_matching_initials_stays_apart) {
    kg_doc_facts docs[4];
    kg_resolved out;
    /* other letters; and two letters are too few to infer anything */
    const char *names[] = {"Federation of Independent Trade Unions of Russia", "FITUK",
                           "Federation of Russia", "FR"};
    one_per_doc(docs, KG_ENT_ORGANIZATION, names, 4);
    resolve(docs, NULL, 4, &out);
    ck_assert_uint_eq(out.n_entities, 4);
    ck_assert_uint_eq(out.n_merges, 0);
    kg_resolved_clear(&out);
    clear_docs(docs, 4);
}
END_TEST

START_TEST(test_english_long_form_matches_its_russian_acronym) {
    kg_doc_facts docs[6];
    kg_resolved out;
    /* The glossary translates every word: Federation of Independent Trade
     * Unions of Russia → Федерация Независимых Профсоюзов России → FNPR; the
     * Republic of Kazakhstan's federation → ФПРК.  Uzbekistan's federation
     * gives FPU, and a word outside the glossary ("Miners") gives nothing. */
    const char *names[] = {"Federation of Independent Trade Unions of Russia",
                           "FNPR",
                           "Federation of Trade Unions of the Republic of Kazakhstan",
                           "ФПРК",
                           "Federation of Trade Unions of Uzbekistan",
                           "Federation of Independent Miners of Russia"};
    one_per_doc(docs, KG_ENT_ORGANIZATION, names, 6);
    resolve(docs, NULL, 6, &out);
    ck_assert_uint_eq(out.n_entities, 4);
    assert_merged(&out, KG_ENT_ORGANIZATION, "FNPR", names[0]);
    assert_merged(&out, KG_ENT_ORGANIZATION, "ФПРК", names[2]);
    assert_apart(&out, KG_ENT_ORGANIZATION, "FNPR", names[4]);
    assert_apart(&out, KG_ENT_ORGANIZATION, "FNPR", names[5]);
    const kg_merge *m = merge_by(&out, must_find(&out, KG_ENT_ORGANIZATION, "FNPR"), "acronym");
    ck_assert_ptr_nonnull(m);
    ck_assert_str_eq(m->form_a, "FNPR");
    ck_assert_str_eq(m->form_b, names[0]);
    ck_assert_str_eq(m->detail, "fnpr");
    m = merge_by(&out, must_find(&out, KG_ENT_ORGANIZATION, "ФПРК"), "acronym");
    ck_assert_ptr_nonnull(m);
    ck_assert_str_eq(m->detail, "fprk");
    kg_resolved_clear(&out);
    clear_docs(docs, 6);
}
END_TEST

START_TEST(test_cyrillic_acronym_its_transliteration_and_english_initials_are_one) {
    kg_doc_facts docs[4];
    kg_resolved out;
    /* ФНПР ↔ FNPR (transliteration), FNPR defined for the English long
     * form, FITUR its English initials: FNPR ↔ ФНПР ↔ FITUR. */
    doc_begin(&docs[0], "ru");
    alias(&docs[0],
          ent(&docs[0], KG_ENT_ORGANIZATION, "Федерация независимых профсоюзов России", 2), "ФНПР");
    doc_begin(&docs[1], "en1");
    ent(&docs[1], KG_ENT_ORGANIZATION, "FNPR", 1);
    doc_begin(&docs[2], "en2");
    alias(&docs[2],
          ent(&docs[2], KG_ENT_ORGANIZATION, "Federation of Independent Trade Unions of Russia", 1),
          "FNPR");
    doc_begin(&docs[3], "en3");
    ent(&docs[3], KG_ENT_ORGANIZATION, "FITUR", 1);
    resolve(docs, NULL, 4, &out);
    ck_assert_uint_eq(out.n_entities, 1);
    const kg_entity *e = &out.entities[0];
    ck_assert_str_eq(e->label_ru, "Федерация независимых профсоюзов России");
    ck_assert_str_eq(e->label_en, "Federation of Independent Trade Unions of Russia");
    const kg_merge *t = merge_by(&out, e, "transliteration");
    ck_assert_ptr_nonnull(t);
    ck_assert_str_eq(t->form_a, "FNPR");
    ck_assert_str_eq(t->form_b, "ФНПР");
    ck_assert_str_eq(t->detail, "fnpr");
    ck_assert_ptr_nonnull(merge_by(&out, e, "acronym"));
    kg_resolved_clear(&out);
    clear_docs(docs, 4);
}
END_TEST

START_TEST(test_languages_merge_only_when_the_corpus_links_them) {
    kg_doc_facts docs[2];
    kg_resolved out;
    const char *names[] = {"Federation of Trade Unions of Kyrgyzstan",
                           "Федерация профсоюзов Кыргызстана"};
    one_per_doc(docs, KG_ENT_ORGANIZATION, names, 2);
    resolve(docs, NULL, 2, &out);
    ck_assert_uint_eq(out.n_entities, 2); /* nothing says they are one */
    kg_resolved_clear(&out);
    clear_docs(docs, 2);

    /* The same chairman heads both: one federation, and one person. */
    for (int i = 0; i < 2; i++) {
        doc_begin(&docs[i], i == 0 ? "en" : "ru");
        size_t o = ent(&docs[i], KG_ENT_ORGANIZATION, names[i], 1);
        size_t p = ent(&docs[i], KG_ENT_PERSON, i == 0 ? "Kairat Ospanov" : "Кайрат Оспанов", 1);
        rel(&docs[i], KG_REL_HOLDS_POST, p, o, "chairman", "Chairman", 0, 0, 0.9);
    }
    resolve(docs, NULL, 2, &out);
    ck_assert_uint_eq(out.n_entities, 2);
    assert_merged(&out, KG_ENT_ORGANIZATION, names[0], names[1]);
    assert_merged(&out, KG_ENT_PERSON, "Kairat Ospanov", "Кайрат Оспанов");
    const kg_entity *org = must_find(&out, KG_ENT_ORGANIZATION, names[0]);
    const kg_merge *m = merge_by(&out, org, "context");
    ck_assert_ptr_nonnull(m);
    ck_assert_str_eq(m->detail, "chairman: Kairat Ospanov");
    ck_assert_uint_eq(out.n_relations, 1); /* the two posts are one */
    ck_assert_uint_eq(out.relations[0].n_evidence, 2);
    kg_resolved_clear(&out);
    clear_docs(docs, 2);

    /* Long forms that transliterate alike. */
    const char *party[] = {"Ata Meken Party", "Ата Мекен Партия"};
    one_per_doc(docs, KG_ENT_ORGANIZATION, party, 2);
    resolve(docs, NULL, 2, &out);
    ck_assert_uint_eq(out.n_entities, 1);
    ck_assert_ptr_nonnull(merge_by(&out, &out.entities[0], "transliteration"));
    kg_resolved_clear(&out);
    clear_docs(docs, 2);
}
END_TEST

START_TEST(test_one_chairman_does_not_join_federations_of_two_countries) {
    kg_doc_facts docs[2];
    kg_resolved out;
    const char *orgs[] = {"Federation of Trade Unions of Tajikistan",
                          "Федерация профсоюзов Кыргызстана"};
    for (int i = 0; i < 2; i++) {
        doc_begin(&docs[i], i == 0 ? "en" : "ru");
        size_t o = ent(&docs[i], KG_ENT_ORGANIZATION, orgs[i], 1);
        size_t p = ent(&docs[i], KG_ENT_PERSON, i == 0 ? "Kairat Ospanov" : "Кайрат Оспанов", 1);
        rel(&docs[i], KG_REL_HOLDS_POST, p, o, "chairman", "Chairman", 0, 0, 0.9);
    }
    resolve(docs, NULL, 2, &out);
    /* Different countries: two federations; heading two different
     * federations, the namesakes are two people. */
    ck_assert_uint_eq(out.n_entities, 4);
    kg_resolved_clear(&out);
    clear_docs(docs, 2);
}
END_TEST

START_TEST(test_person_spelling_variants_merge) {
    kg_doc_facts docs[3];
    kg_resolved out;
    const char *tokhtarbayev[] = {"Yerlan Tokhtarbayev", "Erlan Tokhtarbaev", "Yerlan Toktarbayev"};
    one_per_doc(docs, KG_ENT_PERSON, tokhtarbayev, 3);
    resolve(docs, NULL, 3, &out);
    ck_assert_uint_eq(out.n_entities, 1);
    const kg_merge *m = merge_by(&out, &out.entities[0], "edit distance");
    ck_assert_ptr_nonnull(m);
    ck_assert(m->score > 0.8 && m->score <= 1.0);
    kg_resolved_clear(&out);
    clear_docs(docs, 3);

    const char *pairs[][2] = {{"Kairat Ospanov", "Kayrat Ospanov"},
                              {"Zhanar Bekova", "Zhanara Bekova"},
                              {"Ерлан Касымов", "Ерлан Қасымов"},
                              {"Gulnara Tashieva", "Gulnara Tashiyeva"},
                              {"Ospanov Kairat", "Kairat Ospanov"}};
    for (size_t i = 0; i < sizeof pairs / sizeof *pairs; i++) {
        one_per_doc(docs, KG_ENT_PERSON, pairs[i], 2);
        resolve(docs, NULL, 2, &out);
        ck_assert_msg(out.n_entities == 1, "'%s' and '%s' did not merge", pairs[i][0], pairs[i][1]);
        kg_resolved_clear(&out);
        clear_docs(docs, 2);
    }
}
END_TEST

START_TEST(test_cyrillic_and_latin_person_names_merge) {
    kg_doc_facts docs[3];
    kg_resolved out;
    const char *names[] = {"Ерлан Қасымов", "Yerlan Kasymov", "E. Kasymov"};
    one_per_doc(docs, KG_ENT_PERSON, names, 3);
    resolve(docs, NULL, 3, &out);
    ck_assert_uint_eq(out.n_entities, 1);
    const kg_entity *e = &out.entities[0];
    ck_assert_str_eq(e->label_ru, "Ерлан Қасымов");
    ck_assert_str_eq(e->label_en, "Yerlan Kasymov");
    /* the best link first: the full names, equal once transliterated */
    const kg_merge *m = merge_between(&out, e, "Yerlan Kasymov", "Ерлан Қасымов");
    ck_assert_ptr_nonnull(m);
    ck_assert_str_eq(m->rule, "transliteration");
    ck_assert_double_eq_tol(m->score, 1.0, 1e-12);
    kg_resolved_clear(&out);
    clear_docs(docs, 3);
}
END_TEST

START_TEST(test_people_sharing_a_first_name_or_surname_stay_apart) {
    kg_doc_facts docs[2];
    kg_resolved out;
    const char *pairs[][2] = {{"Aigerim Sadykova", "Aigerim Nurlanova"},
                              {"Kairat Ospanov", "Kanat Ospanov"},
                              {"Asel Bekova", "Asem Bekova"},
                              {"Aidar Ospanov", "A. Ospanova"},
                              {"Erlan Kasymov", "N. Kasymov"},
                              {"Erlan Kasymov", "Erlan Kosymbayev"}};
    for (size_t i = 0; i < sizeof pairs / sizeof *pairs; i++) {
        one_per_doc(docs, KG_ENT_PERSON, pairs[i], 2);
        resolve(docs, NULL, 2, &out);
        ck_assert_msg(out.n_entities == 2, "'%s' and '%s' merged", pairs[i][0], pairs[i][1]);
        kg_resolved_clear(&out);
        clear_docs(docs, 2);
    }
    /* An alias two documents share does not make them one. */
    doc_begin(&docs[0], "a");
    alias(&docs[0], ent(&docs[0], KG_ENT_PERSON, "Aigerim Sadykova", 1), "A. Sadykova");
    doc_begin(&docs[1], "b");
    alias(&docs[1], ent(&docs[1], KG_ENT_PERSON, "Asel Sadykova", 1), "A. Sadykova");
    resolve(docs, NULL, 2, &out);
    ck_assert_uint_eq(out.n_entities, 2);
    kg_resolved_clear(&out);
    clear_docs(docs, 2);
}
END_TEST

START_TEST(test_heads_of_different_organizations_are_different_people) {
    kg_doc_facts docs[2];
    kg_resolved out, same;
    const char *orgs[] = {"Federation of Trade Unions of Kyrgyzstan",
                          "Federation of Trade Unions of Tajikistan"};
    for (int i = 0; i < 2; i++) {
        doc_begin(&docs[i], i == 0 ? "a" : "b");
        size_t p =
            ent(&docs[i], KG_ENT_PERSON, i == 0 ? "Erlan Baimukhanov" : "Erlan Baimukhamov", 1);
        size_t o = ent(&docs[i], KG_ENT_ORGANIZATION, orgs[i], 1);
        rel(&docs[i], KG_REL_HOLDS_POST, p, o, "chairman", "Chairman", 0, 0, 0.9);
    }
    resolve(docs, NULL, 2, &out);
    assert_apart(&out, KG_ENT_PERSON, "Erlan Baimukhanov", "Erlan Baimukhamov");
    kg_resolved_clear(&out);
    clear_docs(docs, 2);

    /* The same organisation: one person, and a stronger link than the
     * name alone gives. */
    for (int i = 0; i < 2; i++) {
        doc_begin(&docs[i], i == 0 ? "a" : "b");
        size_t p =
            ent(&docs[i], KG_ENT_PERSON, i == 0 ? "Erlan Baimukhanov" : "Erlan Baimukhamov", 1);
        size_t o = ent(&docs[i], KG_ENT_ORGANIZATION, orgs[0], 1);
        rel(&docs[i], KG_REL_HOLDS_POST, p, o, "chairman", "Chairman", 0, 0, 0.9);
    }
    resolve(docs, NULL, 2, &same);
    clear_docs(docs, 2);
    const char *names[] = {"Erlan Baimukhanov", "Erlan Baimukhamov"};
    one_per_doc(docs, KG_ENT_PERSON, names, 2);
    resolve(docs, NULL, 2, &out);
    const kg_entity *with = must_find(&same, KG_ENT_PERSON, "Erlan Baimukhanov");
    const kg_entity *without = must_find(&out, KG_ENT_PERSON, "Erlan Baimukhanov");
    assert_merged(&same, KG_ENT_PERSON, "Erlan Baimukhanov", "Erlan Baimukhamov");
    ck_assert(merge_by(&same, with, "edit distance")->score >
              merge_by(&out, without, "edit distance")->score);
    kg_resolved_clear(&out);
    kg_resolved_clear(&same);
    clear_docs(docs, 2);
}
END_TEST

START_TEST(test_organizations_sharing_most_words_stay_apart) {
    kg_doc_facts docs[2];
    kg_resolved out;
    /* Each pair shares an alias (an extractor's slip, an ambiguous
     * acronym): the alias alone would have merged them. */
    const char *cases[][3] = {
        {"Federation of Trade Unions of Kyrgyzstan", "Federation of Trade Unions of Tajikistan",
         "FTU"},
        {"Federation of Trade Unions of the Republic of Kazakhstan",
         "Regional Council of the Federation of Trade Unions of the Republic of Kazakhstan",
         "FPRK"},
        {"Federation of Trade Unions of the Republic of Kazakhstan",
         "Regional Federation of Trade Unions of the Republic of Kazakhstan", "FPRK"},
        {"Федерация профсоюзов Республики Казахстан",
         "Областной совет Федерации профсоюзов Республики Казахстан", "ФПРК"},
        {"Federation of Trade Unions of Kyrgyzstan",
         "Trade Union of Education Workers of Kyrgyzstan", "FTUK"},
        {"Trade Union of Education Workers of Kyrgyzstan",
         "Trade Union of Health Workers of Kyrgyzstan", "TU"}};
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        for (int k = 0; k < 2; k++) {
            doc_begin(&docs[k], k == 0 ? "a" : "b");
            alias(&docs[k], ent(&docs[k], KG_ENT_ORGANIZATION, cases[i][k], 1), cases[i][2]);
        }
        resolve(docs, NULL, 2, &out);
        ck_assert_msg(out.n_entities == 2, "'%s' and '%s' merged", cases[i][0], cases[i][1]);
        kg_resolved_clear(&out);
        clear_docs(docs, 2);
    }
}
END_TEST

START_TEST(test_organization_spelling_variants_merge) {
    kg_doc_facts docs[2];
    kg_resolved out;
    const char *cases[][2] = {
        {"Federation of Trade Unions of the Republic of Kazakhstan",
         "Federation of trade unions of Republic of Kazakhstan"},
        {"Trade Union of Health Workers of Kyrgyzstan",
         "Trade Unions of Health Worker of Kyrgyzstan"},
        {"Международная организация труда", "International Labour Organization"}};
    const char *rules[] = {"edit distance", "edit distance", "gazetteer"};
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        one_per_doc(docs, KG_ENT_ORGANIZATION, cases[i], 2);
        resolve(docs, NULL, 2, &out);
        ck_assert_msg(out.n_entities == 1, "'%s' and '%s' did not merge", cases[i][0], cases[i][1]);
        ck_assert_ptr_nonnull(merge_by(&out, &out.entities[0], rules[i]));
        kg_resolved_clear(&out);
        clear_docs(docs, 2);
    }
}
END_TEST

START_TEST(test_places_merge_across_scripts) {
    kg_doc_facts docs[4];
    kg_resolved out;
    const char *names[] = {"Москва", "Moscow", "Бишкек", "Bishkek"};
    one_per_doc(docs, KG_ENT_PLACE, names, 4);
    resolve(docs, NULL, 4, &out);
    ck_assert_uint_eq(out.n_entities, 2);
    assert_merged(&out, KG_ENT_PLACE, "Москва", "Moscow");
    assert_merged(&out, KG_ENT_PLACE, "Бишкек", "Bishkek");
    kg_resolved_clear(&out);
    clear_docs(docs, 4);
}
END_TEST

START_TEST(test_entities_of_different_types_never_merge) {
    kg_doc_facts docs[4];
    kg_resolved out;
    doc_begin(&docs[0], "a");
    ent(&docs[0], KG_ENT_PLACE, "Бишкек", 1);
    doc_begin(&docs[1], "b");
    ent(&docs[1], KG_ENT_ORGANIZATION, "Bishkek", 1);
    doc_begin(&docs[2], "c");
    ent(&docs[2], KG_ENT_PERSON, "Erlan Kasymov", 1);
    doc_begin(&docs[3], "d");
    ent(&docs[3], KG_ENT_ORGANIZATION, "Erlan Kassymov", 1);
    resolve(docs, NULL, 4, &out);
    ck_assert_uint_eq(out.n_entities, 4);
    kg_resolved_clear(&out);
    clear_docs(docs, 4);
}
END_TEST

START_TEST(test_no_transitive_chains) {
    kg_doc_facts docs[3];
    kg_resolved out;
    kg_error err;
    /* Each is a spelling of the next, but the first and the last are too
     * far apart: the strongest link joins the last two, and the first is
     * refused because it is not compatible with the last. */
    const char *chain[] = {"Erlan Abdrakhmanov", "Erlan Abdrakhmonov", "Erlan Abdurakhmonov"};
    one_per_doc(docs, KG_ENT_PERSON, chain, 3);
    kg_resolver *r = NULL;
    ck_assert_int_eq(kg_resolver_new(&r, pool), KG_OK);
    for (int i = 0; i < 3; i++)
        ck_assert_int_eq(kg_resolver_add(r, &docs[i]), KG_OK);
    ck_assert_int_eq(kg_resolver_finish(r, &out, &err), KG_OK);
    kg_resolve_stats stats;
    kg_resolver_stats(r, &stats);
    ck_assert_uint_ge(stats.refused, 1);
    kg_resolver_free(r);
    ck_assert_uint_eq(out.n_entities, 2);
    assert_merged(&out, KG_ENT_PERSON, chain[1], chain[2]);
    assert_apart(&out, KG_ENT_PERSON, chain[0], chain[2]);
    kg_resolved_clear(&out);
    clear_docs(docs, 3);

    /* "K. Ospanov" fits Kairat and Kanat equally well: it joins neither. */
    const char *names[] = {"Kairat Ospanov", "K. Ospanov", "Kanat Ospanov"};
    one_per_doc(docs, KG_ENT_PERSON, names, 3);
    resolve(docs, NULL, 3, &out);
    ck_assert_uint_eq(out.n_entities, 3);
    kg_resolved_clear(&out);
    clear_docs(docs, 3);
    /* ... unless the context tells: Kairat chairs the federation K. Ospanov
     * chairs. */
    const char *orgs[] = {"Federation of Trade Unions of Kyrgyzstan",
                          "Federation of Trade Unions of Kyrgyzstan",
                          "Trade Union of Education Workers of Kyrgyzstan"};
    for (int i = 0; i < 3; i++) {
        char id[8];
        snprintf(id, sizeof id, "d%d", i);
        doc_begin(&docs[i], id);
        size_t p = ent(&docs[i], KG_ENT_PERSON, names[i], 1);
        size_t o = ent(&docs[i], KG_ENT_ORGANIZATION, orgs[i], 1);
        rel(&docs[i], KG_REL_HOLDS_POST, p, o, "chairman", "Chairman", 0, 0, 0.9);
    }
    resolve(docs, NULL, 3, &out);
    assert_merged(&out, KG_ENT_PERSON, "K. Ospanov", "Kairat Ospanov");
    assert_apart(&out, KG_ENT_PERSON, "K. Ospanov", "Kanat Ospanov");
    kg_resolved_clear(&out);
    clear_docs(docs, 3);

    /* One acronym defined for two federations and used alone in a third
     * document: it says nothing about which one the third means. */
    doc_begin(&docs[0], "a");
    alias(&docs[0],
          ent(&docs[0], KG_ENT_ORGANIZATION, "Federation of Trade Unions of Kyrgyzstan", 1), "FTU");
    doc_begin(&docs[1], "b");
    ent(&docs[1], KG_ENT_ORGANIZATION, "FTU", 1);
    doc_begin(&docs[2], "c");
    alias(&docs[2],
          ent(&docs[2], KG_ENT_ORGANIZATION, "Federation of Trade Unions of Tajikistan", 1), "FTU");
    resolve(docs, NULL, 3, &out);
    ck_assert_uint_eq(out.n_entities, 3);
    const kg_entity *alone = NULL;
    for (size_t i = 0; i < out.n_entities; i++)
        if (strcmp(out.entities[i].label, "FTU") == 0)
            alone = &out.entities[i];
    ck_assert_ptr_nonnull(alone);
    ck_assert_uint_eq(alone->n_documents, 1);
    kg_resolved_clear(&out);
    clear_docs(docs, 3);

    /* Defined for one federation only, it is that one. */
    doc_begin(&docs[0], "a");
    alias(&docs[0],
          ent(&docs[0], KG_ENT_ORGANIZATION, "Federation of Trade Unions of Kyrgyzstan", 1), "FTU");
    doc_begin(&docs[1], "b");
    ent(&docs[1], KG_ENT_ORGANIZATION, "FTU", 1);
    doc_begin(&docs[2], "c");
    alias(&docs[2], ent(&docs[2], KG_ENT_ORGANIZATION, "Federation of Trade Unions", 1), "FTU");
    resolve(docs, NULL, 3, &out);
    ck_assert_uint_eq(out.n_entities, 1);
    kg_resolved_clear(&out);
    clear_docs(docs, 3);
}
END_TEST

/* ---- user aliases -------------------------------------------------------------------- */

static kg_status resolve_with_aliases(kg_doc_facts *docs, size_t n, const char *json,
                                      kg_resolved *out, kg_error *err) {
    kg_resolver *r = NULL;
    ck_assert_int_eq(kg_resolver_new(&r, pool), KG_OK);
    kg_status st = kg_resolver_add_aliases(r, json, strlen(json), "test.json", err);
    if (st == KG_OK) {
        for (size_t i = 0; i < n; i++)
            ck_assert_int_eq(kg_resolver_add(r, &docs[i]), KG_OK);
        ck_assert_int_eq(kg_resolver_finish(r, out, err), KG_OK);
    }
    kg_resolver_free(r);
    return st;
}

START_TEST(test_user_aliases_force_merges_and_splits) {
    kg_doc_facts docs[4];
    kg_resolved out;
    kg_error err;
    const char *names[] = {"FNPR", "FITUR", "Kairat Ospanov", "Kayrat Ospanov"};
    for (int i = 0; i < 4; i++) {
        char id[8];
        snprintf(id, sizeof id, "d%d", i);
        doc_begin(&docs[i], id);
        ent(&docs[i], i < 2 ? KG_ENT_ORGANIZATION : KG_ENT_PERSON, names[i], 1);
    }
    const char *json = "{\"description\": \"test\",\n"
                       " \"merge\": [[\"FNPR\", \"FITUR\"],\n"
                       "           [\"fnpr\", \"Kairat Ospanov\"]],\n"
                       " \"split\": [[\"Kairat Ospanov\", \"Kayrat Ospanov\"]]}\n";
    ck_assert_int_eq(resolve_with_aliases(docs, 4, json, &out, &err), KG_OK);
    /* FNPR = FITUR; a group naming entities of two types merges per type;
     * the split wins over the rules. */
    ck_assert_uint_eq(out.n_entities, 3);
    const kg_entity *e = must_find(&out, KG_ENT_ORGANIZATION, "FITUR");
    assert_merged(&out, KG_ENT_ORGANIZATION, "FITUR", "FNPR");
    const kg_merge *m = merge_by(&out, e, "user alias");
    ck_assert_ptr_nonnull(m);
    ck_assert_str_eq(m->detail, "test.json:2");
    ck_assert_double_eq_tol(m->score, 1.0, 1e-12);
    assert_apart(&out, KG_ENT_PERSON, "Kairat Ospanov", "Kayrat Ospanov");
    kg_resolved_clear(&out);
    clear_docs(docs, 4);

    /* A split also overrides the documents' own aliases. */
    for (int i = 0; i < 2; i++) {
        doc_begin(&docs[i], i == 0 ? "a" : "b");
        alias(&docs[i], ent(&docs[i], KG_ENT_PERSON, names[2 + i], 1), "K. Ospanov");
    }
    json = "{\"split\": [[\"Kayrat Ospanov\", \"Kairat Ospanov\"]]}";
    ck_assert_int_eq(resolve_with_aliases(docs, 2, json, &out, &err), KG_OK);
    ck_assert_uint_eq(out.n_entities, 2);
    kg_resolved_clear(&out);
    clear_docs(docs, 2);
}
END_TEST

START_TEST(test_user_alias_errors_name_file_and_line) {
    kg_resolver *r = NULL;
    kg_error err;
    ck_assert_int_eq(kg_resolver_new(&r, pool), KG_OK);
    struct {
        const char *json;
        size_t line;
        const char *message;
    } cases[] = {
        {"{\n \"merge\": [[\"a\", \"b\"]\n", 3, NULL},
        {"{\n \"merge\": [\n  [\"a\", \"b\"],\n  [\"c\"]\n ]\n}", 4, "two or more"},
        {"{\n \"split\": [\n  [\"a\", \"b\", \"c\"]]}", 3, "pair"},
        {"{\"merge\": [[\"a\", 7]]}", 1, "name 2"},
        {"{\n\n \"merje\": [[\"a\", \"b\"]]}", 3, "unknown key"},
        {"[1]", 1, "JSON object"},
        {"{\"merge\": [[\"A\", \"B\", \"C\"]],\n \"split\": [[\"c\", \"a\"]]}", 2, "contradicts"},
        {"{\"split\": [[\"Kairat  Ospanov\", \"kairat ospanov\"]]}", 1, "same name"}};
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        kg_error_clear(&err);
        kg_status st =
            kg_resolver_add_aliases(r, cases[i].json, strlen(cases[i].json), "aliases.json", &err);
        ck_assert_msg(st == KG_ERR_PARSE, "case %zu: status %d", i, (int)st);
        ck_assert_str_eq(err.where, "aliases.json");
        ck_assert_msg(err.line == cases[i].line, "case %zu: line %zu, not %zu (%s)", i, err.line,
                      cases[i].line, err.message);
        if (cases[i].message != NULL)
            ck_assert_msg(strstr(err.message, cases[i].message) != NULL, "case %zu: %s", i,
                          err.message);
    }
    ck_assert_int_eq(kg_resolver_load_aliases(r, "/nonexistent/aliases.json", &err), KG_ERR_IO);
    ck_assert_str_eq(err.where, "/nonexistent/aliases.json");

    /* A split in a second file against a merge of the first: the error
     * names the second file, and the second file is not kept. */
    kg_resolver *r2 = NULL;
    ck_assert_int_eq(kg_resolver_new(&r2, pool), KG_OK);
    const char *first = "{\"merge\": [[\"Kairat Ospanov\", \"Kayrat Ospanov\"]]}";
    const char *second = "{\n\"split\": [\n [\"Kayrat Ospanov\", \"Kairat Ospanov\"]]}";
    ck_assert_int_eq(kg_resolver_add_aliases(r2, first, strlen(first), "one.json", &err), KG_OK);
    ck_assert_int_eq(kg_resolver_add_aliases(r2, second, strlen(second), "two.json", &err),
                     KG_ERR_PARSE);
    ck_assert_str_eq(err.where, "two.json");
    ck_assert_uint_eq(err.line, 3);
    ck_assert_ptr_nonnull(strstr(err.message, "one.json:1"));
    kg_resolver_free(r2);

    /* Nothing was kept from the failed calls: a good file works alone. */
    const char *good = "{\"merge\": [[\"FNPR\", \"FITUR\"]]}";
    ck_assert_int_eq(kg_resolver_add_aliases(r, good, strlen(good), "good.json", &err), KG_OK);
    kg_doc_facts docs[3];
    const char *names[] = {"FNPR", "FITUR", "A"};
    one_per_doc(docs, KG_ENT_ORGANIZATION, names, 3);
    for (int i = 0; i < 3; i++)
        ck_assert_int_eq(kg_resolver_add(r, &docs[i]), KG_OK);
    kg_resolved out;
    ck_assert_int_eq(kg_resolver_finish(r, &out, &err), KG_OK);
    ck_assert_uint_eq(out.n_entities, 2);
    kg_resolved_clear(&out);
    clear_docs(docs, 3);
    kg_resolver_free(r);
}
END_TEST

/* ---- audit trail, explanation, determinism --------------------------------------- */

/* Articles with every kind of link, for the audit and order tests. */
enum { N_FUZZY_DOCS = 8 };

static void build_fuzzy_corpus(kg_doc_facts *d) {
    doc_begin(&d[0], "en-ftuk");
    size_t f = ent(&d[0], KG_ENT_ORGANIZATION, "Federation of Trade Unions of Kyrgyzstan", 3);
    alias(&d[0], f, "FTUK");
    size_t k = ent(&d[0], KG_ENT_PERSON, "Kairat Ospanov", 2);
    alias(&d[0], k, "K. Ospanov");
    size_t z = ent(&d[0], KG_ENT_PERSON, "Zhanar Bekova", 1);
    size_t r =
        ent(&d[0], KG_ENT_ORGANIZATION, "Federation of Independent Trade Unions of Russia", 1);
    size_t v = ent(&d[0], KG_ENT_PERSON, "Viktor Lebedev", 1);
    rel(&d[0], KG_REL_HOLDS_POST, k, f, "chairman", "Chairman", 1, 0, 0.9);
    rel(&d[0], KG_REL_HOLDS_POST, z, f, "deputy_chairman", "Deputy Chairman", 2, 0, 0.8);
    rel(&d[0], KG_REL_HOLDS_POST, v, r, "chairman", "Chairman", 1, 40, 0.9);
    rel(&d[0], KG_REL_MET_WITH, k, v, NULL, NULL, 3, 0, 0.6);

    doc_begin(&d[1], "ru-fpk");
    f = ent(&d[1], KG_ENT_ORGANIZATION, "Федерация профсоюзов Кыргызстана", 2);
    alias(&d[1], f, "Федерации профсоюзов Кыргызстана");
    k = ent(&d[1], KG_ENT_PERSON, "Кайрат Оспанов", 2);
    alias(&d[1], k, "Кайратом Оспановым");
    rel(&d[1], KG_REL_HOLDS_POST, k, f, "chairman", "Председатель", 0, 0, 0.9);

    doc_begin(&d[2], "en-fitur");
    r = ent(&d[2], KG_ENT_ORGANIZATION, "FITUR", 2);
    k = ent(&d[2], KG_ENT_PERSON, "Kayrat Ospanov", 1);
    z = ent(&d[2], KG_ENT_PERSON, "Zhanara Bekova", 1);
    rel(&d[2], KG_REL_MET_WITH, z, k, NULL, NULL, 0, 0, 0.5);

    doc_begin(&d[3], "ru-fnpr");
    r = ent(&d[3], KG_ENT_ORGANIZATION, "Федерация независимых профсоюзов России", 1);
    alias(&d[3], r, "ФНПР");
    v = ent(&d[3], KG_ENT_PERSON, "Виктор Лебедев", 1);
    rel(&d[3], KG_REL_HOLDS_POST, v, r, "chairman", "Председатель", 0, 0, 0.9);

    doc_begin(&d[4], "en-fnpr");
    ent(&d[4], KG_ENT_ORGANIZATION, "FNPR", 1);
    ent(&d[4], KG_ENT_PLACE, "Moscow", 1);
    ent(&d[4], KG_ENT_PERSON, "Yerlan Tokhtarbayev", 1);

    doc_begin(&d[5], "en-mt");
    ent(&d[5], KG_ENT_PERSON, "Erlan Tokhtarbaev", 2);
    ent(&d[5], KG_ENT_PERSON, "Aigerim Sadykova", 1);
    ent(&d[5], KG_ENT_ORGANIZATION, "Federation of Trade Unions of Tajikistan", 1);
    ent(&d[5], KG_ENT_PLACE, "Москва", 1);

    doc_begin(&d[6], "ru-kaz");
    ent(&d[6], KG_ENT_PERSON, "Ерлан Қасымов", 1);
    ent(&d[6], KG_ENT_PERSON, "Айгерим Нурланова", 1);
    ent(&d[6], KG_ENT_PERSON, "Ерлан Тохтарбаев", 1);

    doc_begin(&d[7], "en-kaz");
    ent(&d[7], KG_ENT_PERSON, "Yerlan Kasymov", 1);
    ent(&d[7], KG_ENT_PERSON, "Aigerim Nurlanova", 1);
    ent(&d[7], KG_ENT_PERSON, "Yerlan Toktarbayev", 1);
    ent(&d[7], KG_ENT_PERSON, "Kanat Ospanov", 1);
}

START_TEST(test_audit_trail_records_every_merge) {
    kg_doc_facts docs[N_FUZZY_DOCS];
    kg_resolved out;
    build_fuzzy_corpus(docs);
    resolve(docs, NULL, N_FUZZY_DOCS, &out);
    static const char *const rules[] = {"exact",           "coreference",   "acronym",
                                        "transliteration", "edit distance", "gazetteer",
                                        "context",         "user alias"};
    for (size_t i = 0; i < out.n_merges; i++) {
        const kg_merge *m = &out.merges[i];
        ck_assert_uint_lt(m->entity, out.n_entities);
        ck_assert_int_lt(strcmp(m->form_a, m->form_b), 0);
        ck_assert(m->score > 0.0 && m->score <= 1.0);
        bool known = false;
        for (size_t k = 0; k < sizeof rules / sizeof *rules; k++)
            known = known || strcmp(m->rule, rules[k]) == 0;
        ck_assert_msg(known, "unknown rule '%s'", m->rule);
        if (i > 0) {
            const kg_merge *p = &out.merges[i - 1];
            ck_assert(p->entity < m->entity ||
                      (p->entity == m->entity && strcmp(p->form_a, m->form_a) <= 0));
        }
    }
    /* Every form of an entity made of several is explained by a merge. */
    for (size_t e = 0; e < out.n_entities; e++) {
        const kg_entity *ent_e = &out.entities[e];
        for (size_t k = 0; k <= ent_e->n_aliases && ent_e->n_aliases > 0; k++) {
            const char *form = k == ent_e->n_aliases ? ent_e->label : ent_e->aliases[k];
            bool found = false;
            for (size_t i = 0; i < out.n_merges && !found; i++)
                found = out.merges[i].entity == e && (strcmp(out.merges[i].form_a, form) == 0 ||
                                                      strcmp(out.merges[i].form_b, form) == 0);
            ck_assert_msg(found, "%s: no merge explains '%s'", ent_e->id, form);
        }
    }
    /* The expected entities. */
    assert_merged(&out, KG_ENT_ORGANIZATION, "FTUK", "Федерация профсоюзов Кыргызстана");
    assert_merged(&out, KG_ENT_ORGANIZATION, "FITUR", "ФНПР");
    assert_merged(&out, KG_ENT_ORGANIZATION, "FNPR",
                  "Federation of Independent Trade Unions of Russia");
    assert_merged(&out, KG_ENT_PERSON, "K. Ospanov", "Кайрат Оспанов");
    assert_merged(&out, KG_ENT_PERSON, "Kayrat Ospanov", "Kairat Ospanov");
    assert_merged(&out, KG_ENT_PERSON, "Zhanara Bekova", "Zhanar Bekova");
    assert_merged(&out, KG_ENT_PERSON, "Viktor Lebedev", "Виктор Лебедев");
    assert_merged(&out, KG_ENT_PERSON, "Yerlan Tokhtarbayev", "Yerlan Toktarbayev");
    assert_merged(&out, KG_ENT_PERSON, "Erlan Tokhtarbaev", "Ерлан Тохтарбаев");
    assert_merged(&out, KG_ENT_PERSON, "Yerlan Kasymov", "Ерлан Қасымов");
    assert_merged(&out, KG_ENT_PERSON, "Aigerim Nurlanova", "Айгерим Нурланова");
    assert_merged(&out, KG_ENT_PLACE, "Moscow", "Москва");
    assert_apart(&out, KG_ENT_PERSON, "Aigerim Sadykova", "Aigerim Nurlanova");
    assert_apart(&out, KG_ENT_PERSON, "Kanat Ospanov", "Kairat Ospanov");
    assert_apart(&out, KG_ENT_ORGANIZATION, "FTUK", "Federation of Trade Unions of Tajikistan");
    assert_apart(&out, KG_ENT_ORGANIZATION, "FTUK", "FNPR");
    kg_resolved_clear(&out);
    clear_docs(docs, N_FUZZY_DOCS);
}
END_TEST

START_TEST(test_three_orders_give_identical_resolution_with_merges) {
    kg_doc_facts docs[N_FUZZY_DOCS];
    kg_resolved reference, other;
    build_fuzzy_corpus(docs);
    resolve(docs, NULL, N_FUZZY_DOCS, &reference);
    ck_assert_uint_gt(reference.n_merges, 10);
    const size_t orders[3][N_FUZZY_DOCS] = {
        {7, 6, 5, 4, 3, 2, 1, 0}, {3, 7, 1, 5, 0, 6, 2, 4}, {5, 2, 6, 0, 4, 1, 7, 3}};
    for (int k = 0; k < 3; k++) {
        resolve(docs, orders[k], N_FUZZY_DOCS, &other);
        assert_same_resolved(&reference, &other);
        kg_resolved_clear(&other);
    }
    kg_resolved_clear(&reference);
    clear_docs(docs, N_FUZZY_DOCS);
}
END_TEST

/* Enough documents for every pass of kg_resolver_finish that runs on
 * several threads to be split among them: the result must not change. */
START_TEST(test_any_number_of_threads_gives_identical_resolution) {
    static const char *const first[] = {"Aigul",  "Berik", "Daniyar", "Erlan", "Gulnara",
                                        "Kairat", "Marat", "Nurlan",  "Saule", "Timur"};
    static const char *const syllable[] = {"Ka", "Be", "Do", "Er",  "Ga", "Ib", "Lu", "Mu",
                                           "No", "Sa", "Te", "Zha", "Ku", "Ra", "Al", "Ot"};
    enum { N_DOCS = 4000 };
    kg_doc_facts *docs = calloc(N_DOCS, sizeof *docs);
    ck_assert_ptr_nonnull(docs);
    char id[32], name[96], org[96];
    for (size_t i = 0; i < N_DOCS; i++) {
        snprintf(id, sizeof id, "doc-%04zu", i);
        doc_begin(&docs[i], id);
        /* about 2000 people with surnames of three syllables, some spelled
         * two ways (…ov / …ova, …ev), heads of 400 organizations, each
         * meeting someone else */
        size_t who = (i * 7919) % 2000;
        for (int k = 0; k < 2; k++, who = (who * 31 + 7) % 2000) {
            snprintf(name, sizeof name, "%s %s%s%s%s", first[who % 10], syllable[(who / 10) % 16],
                     syllable[(who / 160) % 16], syllable[(who / 7) % 16],
                     i % 5 == 0 ? "ev" : "ov");
            size_t p = ent(&docs[i], KG_ENT_PERSON, name, 1 + i % 3);
            if (k == 0) {
                snprintf(org, sizeof org, "Federation of %s%s Workers", syllable[who % 16],
                         syllable[(who / 16) % 25 % 16]);
                size_t o = ent(&docs[i], KG_ENT_ORGANIZATION, org, 1);
                rel(&docs[i], KG_REL_HOLDS_POST, p, o, "chairman", "Chairman", 0, 0, 0.9);
            } else {
                rel(&docs[i], KG_REL_MET_WITH, 0, p, NULL, NULL, 1, 0, 0.6);
            }
        }
    }
    kg_resolved reference, other;
    kg_error err;
    for (size_t threads = 1; threads <= 4; threads++) {
        kg_resolver *r = NULL;
        ck_assert_int_eq(kg_resolver_new(&r, pool), KG_OK);
        kg_resolver_set_threads(r, threads == 4 ? 0 : threads); /* 0: one per CPU */
        for (size_t i = 0; i < N_DOCS; i++)
            ck_assert_int_eq(kg_resolver_add(r, &docs[i]), KG_OK);
        ck_assert_int_eq(kg_resolver_finish(r, threads == 1 ? &reference : &other, &err), KG_OK);
        kg_resolve_stats stats;
        kg_resolver_stats(r, &stats);
        kg_resolver_free(r);
        if (threads == 1) {
            /* several chunks in every threaded pass: nodes (features),
             * candidate pairs (person scores), clusters (entities) */
            ck_assert_uint_gt(stats.nodes, 2048);
            ck_assert_uint_gt(stats.candidate_pairs, 8192);
            ck_assert_uint_gt(reference.n_entities, 1024);
            ck_assert_uint_gt(reference.n_merges, 100);
            continue;
        }
        assert_same_resolved(&reference, &other);
        kg_resolved_clear(&other);
    }
    kg_resolved_clear(&reference);
    clear_docs(docs, N_DOCS);
    free(docs);
}
END_TEST

START_TEST(test_explain_writes_entity_and_its_merges) {
    kg_doc_facts docs[N_FUZZY_DOCS];
    kg_resolved out;
    build_fuzzy_corpus(docs);
    resolve(docs, NULL, N_FUZZY_DOCS, &out);
    char *text = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&text, &len);
    ck_assert_ptr_nonnull(f);
    ck_assert_int_eq(kg_resolved_explain(&out, "fitur", f), KG_OK);
    fclose(f);
    const kg_entity *e = must_find(&out, KG_ENT_ORGANIZATION, "FITUR");
    ck_assert_ptr_nonnull(strstr(text, e->id));
    ck_assert_ptr_nonnull(strstr(text, "(Organization)"));
    ck_assert_ptr_nonnull(strstr(text, "acronym         0.90  \"FITUR\" = "));
    ck_assert_ptr_nonnull(strstr(text, "transliteration 0.95  \"FNPR\" = \"ФНПР\"  (fnpr)"));
    ck_assert_ptr_nonnull(strstr(text, "en-fitur"));
    free(text);

    /* a transliteration finds the Cyrillic form; several entities at once */
    f = open_memstream(&text, &len);
    ck_assert_int_eq(kg_resolved_explain(&out, "Erlan Kasymov", f), KG_OK);
    fclose(f);
    ck_assert_ptr_nonnull(strstr(text, "Ерлан Қасымов"));
    free(text);

    f = open_memstream(&text, &len);
    ck_assert_int_eq(kg_resolved_explain(&out, "Nobody", f), KG_FAILURE);
    fclose(f);
    ck_assert_uint_eq(len, 0);
    free(text);
    ck_assert_int_eq(kg_resolved_explain(NULL, "x", stdout), KG_ERR_USAGE);
    kg_resolved_clear(&out);
    clear_docs(docs, N_FUZZY_DOCS);
}
END_TEST

/* Thousands of people with different surnames, each in an article of its
 * own: blocking proposes a small fraction of the n² pairs; the phases of
 * kg_resolver_finish are timed. */
START_TEST(test_candidate_pairs_come_from_blocking_keys) {
    enum { N = 3000 };
    static const char *const syl[] = {"ka", "ra", "to",  "bek", "mur", "zan", "sul", "dor",
                                      "ni", "lo", "gul", "tas", "pe",  "vi",  "sha", "ru"};
    kg_doc_facts *docs = calloc(N, sizeof *docs);
    ck_assert_ptr_nonnull(docs);
    for (int i = 0; i < N; i++) {
        char id[16], name[64];
        snprintf(id, sizeof id, "doc%05d", i);
        snprintf(name, sizeof name, "Erlan %c%s%s%sov", 'A' + i % 26, syl[(i / 26) % 16],
                 syl[(i / 416) % 16], syl[(i / 7) % 16]);
        doc_begin(&docs[i], id);
        ent(&docs[i], KG_ENT_PERSON, name, 1);
    }
    kg_resolver *r = NULL;
    kg_resolved out;
    kg_error err;
    kg_resolve_stats stats;
    kg_resolver_stats(NULL, &stats);
    ck_assert_uint_eq(stats.candidate_pairs, 0);
    ck_assert_int_eq(kg_resolver_new(&r, pool), KG_OK);
    for (int i = 0; i < N; i++)
        ck_assert_int_eq(kg_resolver_add(r, &docs[i]), KG_OK);
    kg_resolver_stats(r, &stats);
    ck_assert_uint_eq(stats.candidate_pairs, 0); /* nothing compared before finish */
    ck_assert(stats.seconds.nodes == 0 && stats.seconds.relations == 0);
    struct timespec t0, t1;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    ck_assert_int_eq(kg_resolver_finish(r, &out, &err), KG_OK);
    clock_gettime(CLOCK_MONOTONIC, &t1);
    kg_resolver_stats(r, &stats);
    ck_assert_uint_eq(stats.mentions, N);
    /* The phases are parts of the call: each timed, together no longer. */
    const kg_resolve_timing *sec = &stats.seconds;
    double phases[] = {sec->nodes,    sec->keys,      sec->links,
                       sec->entities, sec->relations, sec->documents};
    double sum = 0;
    for (size_t k = 0; k < sizeof phases / sizeof *phases; k++) {
        ck_assert(phases[k] >= 0);
        sum += phases[k];
    }
    ck_assert(sec->nodes > 0 && sec->links > 0 && sec->entities > 0);
    ck_assert(sum <= (double)(t1.tv_sec - t0.tv_sec) + (double)(t1.tv_nsec - t0.tv_nsec) / 1e9);
    ck_assert_uint_gt(stats.candidate_pairs, 0);
    ck_assert_uint_lt(stats.candidate_pairs, (size_t)N * (N - 1) / 2 / 20);
    kg_resolver_free(r);
    kg_resolved_clear(&out);
    clear_docs(docs, N);
    free(docs);
}
END_TEST

/* ---- API edges --------------------------------------------------------------- */

START_TEST(test_empty_resolver_gives_empty_tables) {
    kg_resolver *r = NULL;
    kg_resolved out;
    kg_error err;
    ck_assert_int_eq(kg_resolver_new(&r, pool), KG_OK);
    ck_assert_int_eq(kg_resolver_finish(r, &out, &err), KG_OK);
    ck_assert_uint_eq(out.n_entities, 0);
    ck_assert_uint_eq(out.n_relations, 0);
    ck_assert_uint_eq(out.n_documents, 0);
    kg_resolved_clear(&out);
    /* A second finish is a usage error and leaves out empty. */
    ck_assert_int_eq(kg_resolver_finish(r, &out, &err), KG_ERR_USAGE);
    ck_assert_int_eq(err.status, KG_ERR_USAGE);
    ck_assert_uint_eq(out.n_entities, 0);
    kg_resolver_free(r);
    kg_resolver_free(NULL);
}
END_TEST

START_TEST(test_bad_facts_are_rejected_without_effect) {
    kg_doc_facts doc;
    kg_resolver *r = NULL;
    kg_resolved out;
    kg_error err;
    ck_assert_int_eq(kg_resolver_new(&r, pool), KG_OK);
    doc_begin(&doc, "a");
    ent(&doc, KG_ENT_PERSON, "Erlan Kasymov", 1);
    doc.doc_id = NULL;
    ck_assert_int_eq(kg_resolver_add(r, &doc), KG_ERR_INPUT);
    doc.doc_id = S("a");
    rel(&doc, KG_REL_MET_WITH, 0, 0, NULL, NULL, 0, 0, 0.5);
    doc.relations[0].object = 7;
    ck_assert_int_eq(kg_resolver_add(r, &doc), KG_ERR_INPUT);
    ck_assert_int_eq(kg_resolver_finish(r, &out, &err), KG_OK);
    ck_assert_uint_eq(out.n_entities, 0);
    ck_assert_uint_eq(out.n_documents, 0);
    kg_resolved_clear(&out);
    kg_resolver_free(r);
    kg_doc_facts_clear(&doc);
}
END_TEST

/* ---- relation records in the spill file -------------------------------------- */

/* Text of relation `which` of document `doc`: a few hundred bytes, unique,
 * and for one document far more than the spill's 1 MiB buffer. */
static size_t spill_text(char *buf, size_t cap, size_t doc, size_t which) {
    size_t len = doc == 77 && which == 0 ? (size_t)3 << 19 : 200 + (doc * 37 + which * 101) % 700;
    ck_assert_uint_lt(len, cap);
    int head = snprintf(buf, cap, "Sentence %zu of document %zu says", which, doc);
    for (size_t i = (size_t)head; i < len; i++)
        buf[i] = (char)('a' + (doc + i) % 26);
    buf[len] = '\0';
    return len;
}

enum { SPILL_DOCS = 1500 };

/* Adds SPILL_DOCS documents to r, each with a post, a meeting sharing the
 * post's sentence, a visit with its own sentence and a membership with no
 * text.  Texts live in a buffer that is scribbled over after each add: the
 * resolver must have copied them. */
static void add_spill_corpus(kg_resolver *r) {
    size_t cap = ((size_t)3 << 19) + 1;
    char *a = malloc(cap), *b = malloc(cap);
    ck_assert(a != NULL && b != NULL);
    for (size_t d = 0; d < SPILL_DOCS; d++) {
        kg_doc_facts f;
        char id[32], name[64];
        snprintf(id, sizeof id, "doc%05zu", d);
        doc_begin(&f, id);
        snprintf(name, sizeof name, "Person%zu Surname%zu", d % 450, d % 450);
        size_t p = ent(&f, KG_ENT_PERSON, name, 1);
        snprintf(name, sizeof name, "Union of Workers %zu", d % 300);
        size_t o = ent(&f, KG_ENT_ORGANIZATION, name, 1);
        size_t q = ent(&f, KG_ENT_PERSON, d % 2 ? "Erlan Kasymov" : "Zarina Bekova", 1);
        size_t c = ent(&f, KG_ENT_PLACE, d % 3 ? "Bishkek" : "Almaty", 1);
        rel(&f, KG_REL_HOLDS_POST, p, o, "chairman", "Chairman", 0, 0, 0.5);
        rel(&f, KG_REL_MET_WITH, p, q, NULL, NULL, 0, 20, 0.4);
        rel(&f, KG_REL_VISITED, q, c, NULL, NULL, 1, 5, 0.3);
        rel(&f, KG_REL_MEMBER_OF, q, o, NULL, NULL, 2, 0, 0.2);
        spill_text(a, cap, d, 0);
        spill_text(b, cap, d, 2);
        f.relations[0].evidence.text = a;
        f.relations[1].evidence.text = a;
        f.relations[2].evidence.text = b;
        f.relations[3].evidence.text = NULL;
        ck_assert_int_eq(kg_resolver_add(r, &f), KG_OK);
        memset(a, 'X', strlen(a));
        memset(b, 'Y', strlen(b));
        kg_doc_facts_clear(&f);
    }
    free(a);
    free(b);
}

static void resolve_spill_corpus(bool spill, kg_resolved *out) {
    kg_resolver *r = NULL;
    kg_error err;
    ck_assert_int_eq(kg_resolver_new(&r, pool), KG_OK);
    kg_resolver_set_spill(r, spill);
    add_spill_corpus(r);
    ck_assert_int_eq(kg_resolver_finish(r, out, &err), KG_OK);
    kg_resolver_free(r);
}

/* Every relation's evidence carries the text its document gave it. */
static void assert_spill_texts(const kg_resolved *d) {
    size_t cap = ((size_t)3 << 19) + 1, checked = 0, empty = 0;
    char *want = malloc(cap);
    ck_assert_ptr_nonnull(want);
    for (size_t i = 0; i < d->n_relations; i++) {
        const kg_relation *rel = &d->relations[i];
        for (size_t j = 0; j < rel->n_evidence; j++) {
            const kg_evidence *e = &rel->evidence[j];
            size_t doc = (size_t)strtoul(e->doc + 3, NULL, 10);
            if (rel->type == KG_REL_MEMBER_OF) {
                ck_assert_ptr_null(e->text);
                empty++;
                continue;
            }
            size_t len = spill_text(want, cap, doc, rel->type == KG_REL_VISITED ? 2 : 0);
            ck_assert_ptr_nonnull(e->text);
            ck_assert_uint_eq(strlen(e->text), len);
            ck_assert(memcmp(e->text, want, len) == 0);
            checked++;
        }
    }
    ck_assert_uint_eq(checked, 3 * SPILL_DOCS); /* every evidence of every document */
    ck_assert_uint_eq(empty, SPILL_DOCS);
    free(want);
}

START_TEST(test_spilled_records_give_the_same_relations_as_records_in_memory) {
    kg_resolved spilled, kept;
    resolve_spill_corpus(true, &spilled);
    resolve_spill_corpus(false, &kept);
    assert_spill_texts(&spilled);
    assert_same_resolved(&spilled, &kept);
    ck_assert_uint_gt(spilled.n_relations, 1000);
    kg_resolved_clear(&spilled);
    kg_resolved_clear(&kept);
}
END_TEST

enum { MANY_SENTENCES = 300 };

/* The text of sentence i of document "docA" as given by its `take`-th add. */
static void sentence_text(char *buf, size_t cap, size_t i, int take) {
    snprintf(buf, cap, "Sentence %zu of docA, take %d, with some words after it.", i, take);
}

/* One document giving two relations per sentence, a membership each and
 * then a meeting each (so a sentence's texts are not one after the other
 * in the scratch file), then the same document id again with other
 * texts for the same sentences.  Read back, every evidence has its own
 * add's text, and a sentence's repeats share the pooled copy. */
START_TEST(test_spilled_texts_read_back_per_sentence) {
    kg_resolver *r = NULL;
    kg_resolved out;
    kg_error err;
    char text[128];
    ck_assert_int_eq(kg_resolver_new(&r, pool), KG_OK);
    kg_resolver_set_spill(r, true);
    for (int take = 0; take < 2; take++) {
        kg_doc_facts f;
        doc_begin(&f, "docA");
        size_t p = ent(&f, KG_ENT_PERSON, "Erlan Kasymov", 1);
        size_t o = ent(&f, KG_ENT_ORGANIZATION, "Union of Miners", 1);
        size_t q = ent(&f, KG_ENT_PERSON, "Zarina Bekova", 1);
        for (int pass = 0; pass < 2; pass++)
            for (size_t i = 0; i < MANY_SENTENCES; i++) {
                rel(&f, pass == 0 ? KG_REL_MEMBER_OF : KG_REL_MET_WITH, p, pass == 0 ? o : q, NULL,
                    NULL, i, (size_t)(take * 1000), 0.5);
                sentence_text(text, sizeof text, i, take);
                f.relations[f.n_relations - 1].evidence.text = S(text);
            }
        ck_assert_int_eq(kg_resolver_add(r, &f), KG_OK);
        kg_doc_facts_clear(&f);
    }
    ck_assert_int_eq(kg_resolver_finish(r, &out, &err), KG_OK);
    kg_resolver_free(r);
    ck_assert_uint_eq(out.n_relations, 2);
    const char *first[2][MANY_SENTENCES] = {{NULL}};
    size_t checked = 0;
    for (size_t k = 0; k < out.n_relations; k++)
        for (size_t j = 0; j < out.relations[k].n_evidence; j++) {
            const kg_evidence *e = &out.relations[k].evidence[j];
            int take = e->start >= 1000;
            ck_assert_uint_lt(e->sentence, MANY_SENTENCES);
            sentence_text(text, sizeof text, e->sentence, take);
            ck_assert_str_eq(e->text, text);
            const char **seen = &first[take][e->sentence];
            if (*seen == NULL)
                *seen = e->text;
            ck_assert_ptr_eq(e->text, *seen);
            checked++;
        }
    ck_assert_uint_eq(checked, 4 * MANY_SENTENCES);
    kg_resolved_clear(&out);
}
END_TEST

/* A scratch file that cannot be created (no such $TMPDIR) or that fills its
 * disk halfway (a 256 KiB file size limit) leaves the records in memory,
 * with the same result. */
START_TEST(test_spill_falls_back_to_memory_without_a_usable_temporary_directory) {
    kg_resolved reference, missing, full;
    resolve_spill_corpus(false, &reference);

    const char *old = getenv("TMPDIR");
    char *saved = old != NULL ? strdup(old) : NULL;
    setenv("TMPDIR", "/nonexistent/kgraph-test-dir", 1);
    resolve_spill_corpus(true, &missing);
    if (saved != NULL)
        setenv("TMPDIR", saved, 1);
    else
        unsetenv("TMPDIR");
    free(saved);

    struct rlimit lim, small;
    ck_assert_int_eq(getrlimit(RLIMIT_FSIZE, &lim), 0);
    small = lim;
    small.rlim_cur = 256 * 1024;
    void (*previous)(int) = signal(SIGXFSZ, SIG_IGN);
    ck_assert_int_eq(setrlimit(RLIMIT_FSIZE, &small), 0);
    resolve_spill_corpus(true, &full);
    ck_assert_int_eq(setrlimit(RLIMIT_FSIZE, &lim), 0);
    signal(SIGXFSZ, previous);

    assert_spill_texts(&missing);
    assert_spill_texts(&full);
    assert_same_resolved(&reference, &missing);
    assert_same_resolved(&reference, &full);
    kg_resolved_clear(&reference);
    kg_resolved_clear(&missing);
    kg_resolved_clear(&full);
}
END_TEST

/* The scratch file gives back exactly what was written and kept: across
 * its buffer's flushes, after a rollback into flushed bytes, no more, and
 * again after a second rewind. */
START_TEST(test_spill_gives_back_what_was_written_up_to_a_rollback) {
    kg_spill *s = NULL;
    ck_assert_int_eq(kg_spill_open(&s, NULL), KG_OK);
    enum { CHUNK = 7919, KEEP = 400, UNDO = 300 }; /* bytes: about 3 and 2.3 MiB */
    unsigned char chunk[CHUNK];
    for (size_t n = 0; n < KEEP + UNDO; n++) {
        for (size_t i = 0; i < CHUNK; i++)
            chunk[i] = (unsigned char)(n * 31 + i);
        if (n == KEEP)
            ck_assert_uint_eq(kg_spill_mark(s), (uint64_t)KEEP * CHUNK);
        ck_assert_int_eq(kg_spill_write(s, chunk, CHUNK), KG_OK);
    }
    ck_assert_int_eq(kg_spill_rollback(s, (uint64_t)(KEEP + UNDO + 1) * CHUNK), KG_ERR_USAGE);
    ck_assert_int_eq(kg_spill_rollback(s, (uint64_t)KEEP * CHUNK), KG_OK);
    ck_assert_int_eq(kg_spill_write(s, "tail", 4), KG_OK);
    ck_assert_int_eq(kg_spill_rewind(s), KG_OK);
    ck_assert_int_eq(kg_spill_write(s, "x", 1), KG_ERR_USAGE);
    unsigned char got[CHUNK];
    for (size_t n = 0; n < KEEP; n++) {
        for (size_t i = 0; i < CHUNK; i++)
            chunk[i] = (unsigned char)(n * 31 + i);
        ck_assert_int_eq(kg_spill_read(s, got, CHUNK), KG_OK);
        ck_assert(memcmp(got, chunk, CHUNK) == 0);
    }
    ck_assert_int_eq(kg_spill_read(s, got, 4), KG_OK);
    ck_assert(memcmp(got, "tail", 4) == 0);
    ck_assert_int_eq(kg_spill_read(s, got, 1), KG_ERR_IO);
    /* and once more from the start */
    ck_assert_int_eq(kg_spill_rewind(s), KG_OK);
    for (size_t i = 0; i < CHUNK; i++)
        chunk[i] = (unsigned char)i;
    ck_assert_int_eq(kg_spill_read(s, got, CHUNK), KG_OK);
    ck_assert(memcmp(got, chunk, CHUNK) == 0);
    kg_spill_free(s);
    kg_spill_free(NULL);
}
END_TEST

/* ---- kg_sort ------------------------------------------------------------------ */

typedef struct sort_item {
    uint32_t key, seq;
} sort_item;

/* Compares the key only: many distinct items tie. */
static int cmp_sort_key(const void *a, const void *b) {
    const sort_item *x = a, *y = b;
    return x->key < y->key ? -1 : x->key > y->key;
}

static int cmp_sort_key_seq(const void *a, const void *b) {
    const sort_item *x = a, *y = b;
    int c = cmp_sort_key(a, b);
    return c != 0 ? c : (x->seq < y->seq ? -1 : x->seq > y->seq);
}

/* kg_sort on any number of threads gives the stable order (ties in the
 * order they came), the one glibc's qsort gives: runs split at every size
 * around the threshold, uneven last runs, more threads than runs. */
START_TEST(test_sort_is_stable_and_the_same_on_any_number_of_threads) {
    const size_t sizes[] = {0,
                            1,
                            7,
                            2 * KG_SORT_MIN_RUN - 1,
                            2 * KG_SORT_MIN_RUN,
                            3 * KG_SORT_MIN_RUN + 7,
                            5 * KG_SORT_MIN_RUN + 3};
    const size_t threads[] = {1, 2, 3, 4, 8, 0};
    for (size_t k = 0; k < sizeof sizes / sizeof *sizes; k++) {
        size_t n = sizes[k];
        sort_item *input = malloc((n + 1) * sizeof *input);
        sort_item *want = malloc((n + 1) * sizeof *want);
        sort_item *got = malloc((n + 1) * sizeof *got);
        ck_assert(input != NULL && want != NULL && got != NULL);
        uint32_t x = 12345;
        for (size_t i = 0; i < n; i++) {
            x = x * 1103515245u + 12345u;
            input[i] = (sort_item){(x >> 8) % 997, (uint32_t)i};
        }
        memcpy(want, input, n * sizeof *input);
        if (n > 1)
            qsort(want, n, sizeof *want, cmp_sort_key_seq);
        for (size_t t = 0; t < sizeof threads / sizeof *threads; t++) {
            memcpy(got, input, n * sizeof *input);
            kg_sort(n > 0 ? got : NULL, n, sizeof *got, cmp_sort_key, threads[t]);
            for (size_t i = 0; i < n; i++)
                ck_assert_msg(got[i].key == want[i].key && got[i].seq == want[i].seq,
                              "n=%zu threads=%zu: item %zu is (%u, %u), not (%u, %u)", n,
                              threads[t], i, got[i].key, got[i].seq, want[i].key, want[i].seq);
        }
        free(input);
        free(want);
        free(got);
    }
}
END_TEST

static Suite *resolve_suite(void) {
    Suite *s = suite_create("resolve");
    TCase *tc = tcase_create("entities");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_test(tc, test_acronym_alias_joins_documents);
    tcase_add_test(tc, test_same_person_name_merges_and_sums_mentions);
    tcase_add_test(tc, test_label_prefers_complete_forms_then_mentions_then_length_then_bytes);
    tcase_add_test(tc, test_cyrillic_and_latin_labels);
    tcase_add_test(tc, test_agreements_stay_per_document_with_suffixed_ids);
    tcase_add_test(tc, test_agreement_repeated_in_one_document_is_one);
    tcase_add_test(tc, test_person_and_organization_with_same_name_stay_separate);
    tcase_add_test(tc, test_weak_aliases_do_not_chain);
    tcase_add_test(tc, test_aliases_chain_transitively);
    suite_add_tcase(s, tc);

    tc = tcase_create("across");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_test(tc, test_acronym_defined_in_either_order_joins_documents);
    tcase_add_test(tc, test_acronym_inferred_from_initials_skipping_function_words);
    tcase_add_test(tc, test_acronym_not_matching_initials_stays_apart);
    tcase_add_test(tc, test_english_long_form_matches_its_russian_acronym);
    tcase_add_test(tc, test_cyrillic_acronym_its_transliteration_and_english_initials_are_one);
    tcase_add_test(tc, test_languages_merge_only_when_the_corpus_links_them);
    tcase_add_test(tc, test_one_chairman_does_not_join_federations_of_two_countries);
    tcase_add_test(tc, test_person_spelling_variants_merge);
    tcase_add_test(tc, test_cyrillic_and_latin_person_names_merge);
    tcase_add_test(tc, test_people_sharing_a_first_name_or_surname_stay_apart);
    tcase_add_test(tc, test_heads_of_different_organizations_are_different_people);
    tcase_add_test(tc, test_organizations_sharing_most_words_stay_apart);
    tcase_add_test(tc, test_organization_spelling_variants_merge);
    tcase_add_test(tc, test_places_merge_across_scripts);
    tcase_add_test(tc, test_entities_of_different_types_never_merge);
    tcase_add_test(tc, test_no_transitive_chains);
    tcase_add_test(tc, test_user_aliases_force_merges_and_splits);
    tcase_add_test(tc, test_user_alias_errors_name_file_and_line);
    tcase_add_test(tc, test_audit_trail_records_every_merge);
    tcase_add_test(tc, test_explain_writes_entity_and_its_merges);
    suite_add_tcase(s, tc);

    tc = tcase_create("relations");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_test(tc, test_relation_in_several_documents_merges);
    tcase_add_test(tc, test_two_documents_give_weight_two);
    tcase_add_test(tc, test_met_with_in_either_direction_merges);
    tcase_add_test(tc, test_relation_to_itself_after_merging_is_dropped);
    tcase_add_test(tc, test_relations_sorted_with_null_role_first);
    suite_add_tcase(s, tc);

    tc = tcase_create("determinism");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_test(tc, test_document_added_twice_keeps_smallest_info);
    tcase_add_test(tc, test_entity_documents_in_id_order);
    tcase_add_test(tc, test_shuffled_order_gives_identical_output);
    tcase_add_test(tc, test_three_orders_give_identical_resolution_with_merges);
    tcase_add_test(tc, test_any_number_of_threads_gives_identical_resolution);
    tcase_add_test(tc, test_candidate_pairs_come_from_blocking_keys);
    tcase_add_test(tc, test_many_documents_scale);
    tcase_add_test(tc, test_empty_resolver_gives_empty_tables);
    tcase_add_test(tc, test_bad_facts_are_rejected_without_effect);
    tcase_add_test(tc, test_spilled_records_give_the_same_relations_as_records_in_memory);
    tcase_add_test(tc, test_spilled_texts_read_back_per_sentence);
    tcase_add_test(tc, test_spill_falls_back_to_memory_without_a_usable_temporary_directory);
    tcase_add_test(tc, test_spill_gives_back_what_was_written_up_to_a_rollback);
    tcase_add_test(tc, test_sort_is_stable_and_the_same_on_any_number_of_threads);
    suite_add_tcase(s, tc);
    return s;
}

int main(void) {
    SRunner *sr = srunner_create(resolve_suite());
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
