/* test_resolve.c — cross-document entity resolution and relation merging. */
#include "kg_resolve.h"
#include "kg_text.h"

#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

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

START_TEST(test_label_prefers_mentions_then_length_then_bytes) {
    kg_doc_facts docs[3];
    kg_resolved out;
    /* "Beta Org" and "Alfa Org" tie on mentions and length: byte order. */
    doc_begin(&docs[0], "a");
    alias(&docs[0], ent(&docs[0], KG_ENT_ORGANIZATION, "Beta Org", 2), "BO");
    doc_begin(&docs[1], "b");
    alias(&docs[1], ent(&docs[1], KG_ENT_ORGANIZATION, "Alfa Org", 2), "BO");
    doc_begin(&docs[2], "c");
    ent(&docs[2], KG_ENT_ORGANIZATION, "BO", 3); /* most mentions as a name */
    resolve(docs, NULL, 3, &out);

    ck_assert_uint_eq(out.n_entities, 1);
    const kg_entity *e = &out.entities[0];
    ck_assert_str_eq(e->label, "BO");
    ck_assert_str_eq(e->id, "organization/bo");
    ck_assert_uint_eq(e->mentions, 7);
    ck_assert_uint_eq(e->n_aliases, 2);
    ck_assert_str_eq(e->aliases[0], "Alfa Org");
    ck_assert_str_eq(e->aliases[1], "Beta Org");
    kg_resolved_clear(&out);
    clear_docs(docs, 3);

    doc_begin(&docs[0], "a");
    alias(&docs[0], ent(&docs[0], KG_ENT_ORGANIZATION, "Beta Org", 2), "BO");
    doc_begin(&docs[1], "b");
    alias(&docs[1], ent(&docs[1], KG_ENT_ORGANIZATION, "Alfa Org", 2), "BO");
    resolve(docs, NULL, 2, &out);
    ck_assert_uint_eq(out.n_entities, 1);
    ck_assert_str_eq(out.entities[0].label, "Alfa Org");
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

/* Thousands of documents: one alias shared by all (one big cluster), one
 * unique organization each, and the same generic agreement name in each
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
        snprintf(buf, sizeof buf, "Person N%d", i);
        alias(&docs[i], ent(&docs[i], KG_ENT_PERSON, buf, 1), "Shared Name");
        snprintf(buf, sizeof buf, "Org %d", i);
        ent(&docs[i], KG_ENT_ORGANIZATION, buf, 1);
        ent(&docs[i], KG_ENT_AGREEMENT, "cooperation agreement", 1);
    }
    kg_resolved out;
    resolve(docs, NULL, N, &out);
    ck_assert_uint_eq(out.n_entities, 2 * N + 1);
    ck_assert_uint_eq(out.n_documents, N);
    for (size_t i = 1; i < out.n_entities; i++)
        ck_assert_int_lt(strcmp(out.entities[i - 1].id, out.entities[i].id), 0);
    const kg_entity *p = &out.entities[2 * N]; /* "person/..." sorts last */
    ck_assert_int_eq(p->type, KG_ENT_PERSON);
    /* Equal mentions; the longest names have 4 digits; then byte order. */
    ck_assert_str_eq(p->label, "Person N1000");
    ck_assert_str_eq(p->id, "person/person-n1000");
    ck_assert_uint_eq(p->mentions, N);
    ck_assert_uint_eq(p->n_documents, N);
    ck_assert_uint_eq(p->n_aliases, N); /* the other names and "Shared Name" */
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

static Suite *resolve_suite(void) {
    Suite *s = suite_create("resolve");
    TCase *tc = tcase_create("entities");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_test(tc, test_acronym_alias_joins_documents);
    tcase_add_test(tc, test_same_person_name_merges_and_sums_mentions);
    tcase_add_test(tc, test_label_prefers_mentions_then_length_then_bytes);
    tcase_add_test(tc, test_cyrillic_and_latin_labels);
    tcase_add_test(tc, test_agreements_stay_per_document_with_suffixed_ids);
    tcase_add_test(tc, test_agreement_repeated_in_one_document_is_one);
    tcase_add_test(tc, test_person_and_organization_with_same_name_stay_separate);
    tcase_add_test(tc, test_weak_aliases_do_not_chain);
    tcase_add_test(tc, test_aliases_chain_transitively);
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
    tcase_add_test(tc, test_shuffled_order_gives_identical_output);
    tcase_add_test(tc, test_many_documents_scale);
    tcase_add_test(tc, test_empty_resolver_gives_empty_tables);
    tcase_add_test(tc, test_bad_facts_are_rejected_without_effect);
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
