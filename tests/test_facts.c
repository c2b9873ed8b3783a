/* test_facts.c — Check suite for facts as JSON (extract/kg_facts.c) and
 * their place in the document reader: lossless round trips (hand-made
 * facts with Cyrillic, quotes, control characters and newlines, and the
 * facts of every sample), the shape of a line (one line, keys in byte
 * order, locale-proof numbers), malformed lines reported with file and
 * line, the defaults of the external (gold) format, and which files the
 * reader takes as facts. */
#include "kg_extract.h"
#include "kg_facts.h"
#include "kg_test_util.h"

#include <check.h>
#include <jansson.h>
#include <locale.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define SAMPLES KG_SOURCE_DIR "/samples"

/* ---- fixtures ------------------------------------------------------------------- */

static kg_strpool *pool;
static kg_doc_facts facts, back;

static void setup(void) {
    pool = kg_strpool_new();
    ck_assert_ptr_nonnull(pool);
    kg_doc_facts_init(&facts);
    kg_doc_facts_init(&back);
}

static void teardown(void) {
    kg_doc_facts_clear(&facts);
    kg_doc_facts_clear(&back);
    kg_strpool_free(pool);
    pool = NULL;
}

static const char *S(const char *s) {
    const char *p = kg_strpool_cstr(pool, s);
    ck_assert_ptr_nonnull(p);
    return p;
}

/* Writes f as one line into a new string (caller frees). */
static char *write_line(const kg_doc_facts *f) {
    char *buf = NULL;
    size_t len = 0;
    FILE *out = open_memstream(&buf, &len);
    ck_assert_ptr_nonnull(out);
    kg_error err;
    kg_error_clear(&err);
    kg_status st = kg_facts_write_json(f, out, &err);
    ck_assert_msg(st == KG_OK, "write failed: %s", err.message);
    ck_assert_int_eq(fclose(out), 0);
    return buf;
}

static kg_status read_line(const char *line, kg_doc_facts *out, kg_error *err) {
    kg_facts_source src = {KG_FACTS_JSONL, "test.facts.jsonl", 7, NULL};
    return kg_facts_read_json(out, pool, line, strlen(line), &src, err);
}

/* Equal strings, NULL equal only to NULL. */
static void assert_same_str(const char *a, const char *b, const char *what) {
    ck_assert_msg((a == NULL) == (b == NULL) && (a == NULL || strcmp(a, b) == 0),
                  "%s: '%s' came back as '%s'", what, a != NULL ? a : "(null)",
                  b != NULL ? b : "(null)");
}

#define assert_same_field(a, b) assert_same_str((a), (b), #a)

/* Both facts are equal field by field. */
static void assert_same_facts(const kg_doc_facts *a, const kg_doc_facts *b) {
    assert_same_field(a->doc_id, b->doc_id);
    assert_same_field(a->lang, b->lang);
    assert_same_field(a->title, b->title);
    assert_same_field(a->date, b->date);
    assert_same_field(a->url, b->url);
    ck_assert_uint_eq(a->n_sentences, b->n_sentences);
    ck_assert_uint_eq(a->n_bytes, b->n_bytes);
    ck_assert_uint_eq(a->n_entities, b->n_entities);
    for (size_t i = 0; i < a->n_entities; i++) {
        const kg_doc_entity *x = &a->entities[i], *y = &b->entities[i];
        ck_assert_int_eq(x->type, y->type);
        assert_same_field(x->name, y->name);
        assert_same_field(x->lang, y->lang);
        assert_same_field(x->date, y->date);
        ck_assert_uint_eq(x->mentions, y->mentions);
        ck_assert_uint_eq(x->n_aliases, y->n_aliases);
        for (size_t k = 0; k < x->n_aliases; k++)
            assert_same_field(x->aliases[k], y->aliases[k]);
    }
    ck_assert_uint_eq(a->n_relations, b->n_relations);
    for (size_t i = 0; i < a->n_relations; i++) {
        const kg_doc_relation *x = &a->relations[i], *y = &b->relations[i];
        ck_assert_int_eq(x->type, y->type);
        ck_assert_uint_eq(x->subject, y->subject);
        ck_assert_uint_eq(x->object, y->object);
        assert_same_field(x->role, y->role);
        assert_same_field(x->role_text, y->role_text);
        assert_same_field(x->evidence.doc, y->evidence.doc);
        ck_assert_uint_eq(x->evidence.sentence, y->evidence.sentence);
        ck_assert_uint_eq(x->evidence.start, y->evidence.start);
        ck_assert_uint_eq(x->evidence.end, y->evidence.end);
        assert_same_field(x->evidence.text, y->evidence.text);
        assert_same_field(x->evidence.rule, y->evidence.rule);
        /* bit for bit, not approximately */
        ck_assert_msg(memcmp(&x->evidence.confidence, &y->evidence.confidence, sizeof(double)) == 0,
                      "confidence %.17g came back as %.17g", x->evidence.confidence,
                      y->evidence.confidence);
    }
}

static size_t add_entity(kg_doc_facts *f, kg_entity_type type, const char *name, const char *lang,
                         size_t mentions) {
    size_t index = 0;
    ck_assert_int_eq(kg_doc_facts_entity(f, type, S(name), lang != NULL ? S(lang) : NULL, &index),
                     KG_OK);
    f->entities[index].mentions = mentions;
    return index;
}

static void add_relation(kg_doc_facts *f, kg_relation_type type, size_t s, size_t o,
                         const char *role, const char *role_text, const char *doc, size_t sentence,
                         size_t start, size_t end, const char *text, const char *rule,
                         double confidence) {
    kg_doc_relation r;
    memset(&r, 0, sizeof r);
    r.type = type;
    r.subject = s;
    r.object = o;
    r.role = role != NULL ? S(role) : NULL;
    r.role_text = role_text != NULL ? S(role_text) : NULL;
    r.evidence.doc = doc != NULL ? S(doc) : NULL;
    r.evidence.sentence = sentence;
    r.evidence.start = start;
    r.evidence.end = end;
    r.evidence.text = text != NULL ? S(text) : NULL;
    r.evidence.rule = rule != NULL ? S(rule) : NULL;
    r.evidence.confidence = confidence;
    ck_assert_int_eq(kg_doc_facts_relation(f, &r), KG_OK);
}

/* Facts with everything a line can carry, and the awkward characters. */
static void make_awkward_facts(kg_doc_facts *f) {
    f->doc_id = S("ru/03 «встреча».txt");
    f->lang = S("ru");
    f->title = S("Встреча \"ФНПР\" и ФПК\\Москва");
    f->date = S("2024-03-01");
    f->url = S("https://example.org/a?b=1&c=\"2\"");
    f->n_sentences = 12;
    f->n_bytes = 4096;
    size_t p = add_entity(f, KG_ENT_PERSON, "Павел Игнатьев", "ru", 3);
    size_t o =
        add_entity(f, KG_ENT_ORGANIZATION, "Федерация независимых профсоюзов России", "ru", 5);
    size_t a = add_entity(f, KG_ENT_AGREEMENT, "соглашение о «сотрудничестве»", "ru", 1);
    size_t x = add_entity(f, KG_ENT_PLACE, "Москва", NULL, 1);
    f->entities[a].date = S("2024-07-13");
    ck_assert_int_eq(kg_doc_facts_alias(f, p, S("П.Игнатьев")), KG_OK);
    ck_assert_int_eq(kg_doc_facts_alias(f, p, S("Игнатьевым")), KG_OK);
    ck_assert_int_eq(kg_doc_facts_alias(f, o, S("ФНПР")), KG_OK);
    ck_assert_int_eq(kg_doc_facts_alias(f, o, S("\"quoted\" \\ back\tslash")), KG_OK);
    add_relation(f, KG_REL_HOLDS_POST, p, o, "chairman", "Председатель", f->doc_id, 2, 387, 489,
                 "Председатель ФНПР\nПавел Игнатьев сказал: \"да\"\r\n\t\x01 конец", "holds_post.x",
                 0.9);
    add_relation(f, KG_REL_PARTY_TO, o, a, NULL, NULL, NULL, 0, 0, 0, "", "external", 1.0);
    add_relation(f, KG_REL_VISITED, p, x, NULL, NULL, f->doc_id, 11, 4000, 4090, "в Москве",
                 "visited.y", 1.0 / 3.0);
    add_relation(f, KG_REL_MET_WITH, p, p, NULL, NULL, f->doc_id, 1, 5, 5, NULL, NULL, 0.0);
    add_relation(f, KG_REL_LOCATED_IN, o, x, NULL, NULL, f->doc_id, 1, 6, 9, "a", "r", 1e-300);
}

/* ---- round trips ----------------------------------------------------------------- */

START_TEST(test_round_trip_keeps_every_field) {
    make_awkward_facts(&facts);
    char *line = write_line(&facts);
    /* JSON's short escapes where it has one, \u00XX for other controls */
    ck_assert_ptr_nonnull(strstr(line, "\"\\\"quoted\\\" \\\\ back\\tslash\""));
    ck_assert_ptr_nonnull(strstr(line, "сказал: \\\"да\\\"\\r\\n\\t\\u0001 конец\""));
    kg_error err;
    kg_status st = read_line(line, &back, &err);
    ck_assert_msg(st == KG_OK, "%s", err.message);
    assert_same_facts(&facts, &back);
    /* and writing what was read gives the same bytes */
    char *again = write_line(&back);
    ck_assert_str_eq(line, again);
    free(line);
    free(again);
}
END_TEST

START_TEST(test_facts_of_every_sample_round_trip) {
    kg_extractor *extractor = NULL;
    kg_reader *reader = NULL;
    kg_error err;
    const char *input = SAMPLES;
    ck_assert_int_eq(kg_extractor_new(&extractor, pool, &err), KG_OK);
    ck_assert_int_eq(kg_reader_new(&reader, pool, &input, 1), KG_OK);
    kg_document doc;
    size_t n = 0;
    while (kg_reader_next(reader, &doc, &err) == KG_OK) {
        ck_assert_ptr_null(doc.facts);
        ck_assert_int_eq(kg_extract_document(extractor, &doc, &facts), KG_OK);
        ck_assert_uint_gt(facts.n_relations, 0);
        char *line = write_line(&facts);
        ck_assert_int_eq(read_line(line, &back, &err), KG_OK);
        assert_same_facts(&facts, &back);
        free(line);
        n++;
    }
    ck_assert_uint_ge(n, 10);
    kg_reader_free(reader);
    kg_extractor_free(extractor);
}
END_TEST

/* Every object's keys are in byte order (jansson keeps the order read). */
static void assert_sorted_keys(json_t *v) {
    if (json_is_array(v)) {
        for (size_t i = 0; i < json_array_size(v); i++)
            assert_sorted_keys(json_array_get(v, i));
        return;
    }
    if (!json_is_object(v))
        return;
    const char *previous = NULL;
    for (void *it = json_object_iter(v); it != NULL; it = json_object_iter_next(v, it)) {
        const char *key = json_object_iter_key(it);
        if (previous != NULL)
            ck_assert_msg(strcmp(previous, key) < 0, "key %s after %s", key, previous);
        previous = key;
        assert_sorted_keys(json_object_iter_value(it));
    }
}

START_TEST(test_a_line_is_one_line_of_json_with_sorted_keys) {
    make_awkward_facts(&facts);
    char *line = write_line(&facts);
    size_t len = strlen(line);
    ck_assert_uint_gt(len, 2);
    ck_assert_int_eq(line[len - 1], '\n');
    ck_assert_ptr_null(memchr(line, '\n', len - 1));
    json_error_t jerr;
    json_t *root = json_loads(line, 0, &jerr);
    ck_assert_msg(root != NULL, "not JSON: %s", jerr.text);
    assert_sorted_keys(root);
    /* ids "e1".. in order; absent values are left out, not null */
    json_t *rel = json_array_get(json_object_get(root, "relations"), 1);
    ck_assert_str_eq(json_string_value(json_object_get(rel, "subject")), "e2");
    ck_assert_str_eq(json_string_value(json_object_get(rel, "object")), "e3");
    ck_assert_ptr_null(json_object_get(rel, "role"));
    ck_assert_ptr_null(json_object_get(json_object_get(rel, "evidence"), "doc"));
    /* shortest round-trip numbers */
    ck_assert_ptr_nonnull(strstr(line, "\"confidence\":0.9,"));
    ck_assert_ptr_nonnull(strstr(line, "\"confidence\":1.0,"));
    ck_assert_ptr_nonnull(strstr(line, "\"confidence\":0.3333333333333333,"));
    json_decref(root);
    free(line);
}
END_TEST

START_TEST(test_numbers_are_written_with_a_point_in_every_locale) {
    const char *locales[] = {"de_DE.UTF-8", "de_DE.utf8", "fr_FR.UTF-8", "ru_RU.UTF-8"};
    const char *set = NULL;
    for (size_t i = 0; i < sizeof locales / sizeof *locales && set == NULL; i++)
        set = setlocale(LC_NUMERIC, locales[i]);
    make_awkward_facts(&facts);
    char *line = write_line(&facts);
    setlocale(LC_NUMERIC, "C");
    ck_assert_ptr_nonnull(strstr(line, "\"confidence\":0.9,"));
    kg_error err;
    ck_assert_int_eq(read_line(line, &back, &err), KG_OK);
    assert_same_facts(&facts, &back);
    free(line);
    if (set == NULL)
        fprintf(stderr, "note: no comma-decimal locale installed; checked in the C locale\n");
}
END_TEST

START_TEST(test_unwritable_facts_write_nothing) {
    make_awkward_facts(&facts);
    facts.entities[0].name = S("bad \xC3 byte");
    char *buf = NULL;
    size_t len = 0;
    FILE *out = open_memstream(&buf, &len);
    kg_error err;
    ck_assert_int_eq(kg_facts_write_json(&facts, out, &err), KG_ERR_INPUT);
    ck_assert_ptr_nonnull(strstr(err.message, "UTF-8"));
    fclose(out);
    ck_assert_uint_eq(len, 0);
    free(buf);

    FILE *full = fopen("/dev/full", "w");
    if (full != NULL) {
        setvbuf(full, NULL, _IONBF, 0);
        facts.entities[0].name = S("fine");
        ck_assert_int_eq(kg_facts_write_json(&facts, full, &err), KG_ERR_IO);
        fclose(full);
    }
    ck_assert_int_eq(kg_facts_write_json(NULL, stdout, &err), KG_ERR_USAGE);
}
END_TEST

/* ---- malformed lines --------------------------------------------------------------- */

static const struct bad_line {
    const char *json;
    const char *message;
} bad_lines[] = {
    {"{\"doc\": \"d\", \"entities\": [], \"relations\": [] ", "invalid JSON"},
    {"[1, 2]", "expected a JSON object"},
    {"{\"entities\": [], \"relations\": []}", "missing \"doc\""},
    {"{\"doc\": 5}", "document: \"doc\" must be a string"},
    {"{\"doc\": \"d\", \"entities\": {}}", "\"entities\" must be an array"},
    {"{\"doc\": \"d\", \"entities\": [7]}", "entity 1 is not a JSON object"},
    {"{\"doc\": \"d\", \"entities\": [{\"id\": \"e1\", \"type\": \"Robot\", \"name\": \"R\"}]}",
     "entity 1: unknown type \"Robot\""},
    {"{\"doc\": \"d\", \"entities\": [{\"id\": \"e1\", \"type\": \"Person\"}]}",
     "entity 1: missing \"name\""},
    {"{\"doc\": \"d\", \"entities\": [{\"type\": \"Person\", \"name\": \"A\"}]}",
     "entity 1: missing \"id\""},
    {"{\"doc\": \"d\", \"entities\": [{\"id\": \"e1\", \"type\": \"Person\", \"name\": \"A\", "
     "\"mentions\": 0}]}",
     "\"mentions\" must be at least 1"},
    {"{\"doc\": \"d\", \"entities\": [{\"id\": \"e1\", \"type\": \"Person\", \"name\": \"A\", "
     "\"aliases\": \"B\"}]}",
     "\"aliases\" must be an array"},
    {"{\"doc\": \"d\", \"entities\": [{\"id\": \"e1\", \"type\": \"Person\", \"name\": \"A\"}, "
     "{\"id\": \"e1\", \"type\": \"Place\", \"name\": \"B\"}]}",
     "entity 2: duplicate id \"e1\""},
    {"{\"doc\": \"d\", \"entities\": [{\"id\": \"e1\", \"type\": \"Person\", \"name\": \"A\"}], "
     "\"relations\": [{\"type\": \"visited\", \"subject\": \"e1\", \"object\": \"e9\"}]}",
     "relation 1: \"object\" \"e9\" is not an entity id"},
    {"{\"doc\": \"d\", \"entities\": [{\"id\": \"e1\", \"type\": \"Person\", \"name\": \"A\"}], "
     "\"relations\": [{\"type\": \"likes\", \"subject\": \"e1\", \"object\": \"e1\"}]}",
     "relation 1: unknown type \"likes\""},
    {"{\"doc\": \"d\", \"entities\": [{\"id\": \"e1\", \"type\": \"Person\", \"name\": \"A\"}], "
     "\"relations\": [{\"type\": \"met_with\", \"subject\": \"e1\", \"object\": \"e1\", "
     "\"evidence\": {\"confidence\": 1.5}}]}",
     "relation 1 evidence: \"confidence\" must be a number from 0 to 1"},
    {"{\"doc\": \"d\", \"entities\": [{\"id\": \"e1\", \"type\": \"Person\", \"name\": \"A\"}], "
     "\"relations\": [{\"type\": \"met_with\", \"subject\": \"e1\", \"object\": \"e1\", "
     "\"evidence\": {\"start\": -1}}]}",
     "\"start\" must be a non-negative integer"},
    {"{\"doc\": \"d\", \"entities\": [{\"id\": \"e1\", \"type\": \"Person\", \"name\": \"A\"}], "
     "\"relations\": [{\"type\": \"met_with\", \"subject\": \"e1\", \"object\": \"e1\", "
     "\"evidence\": {\"start\": 9, \"end\": 3}}]}",
     "\"end\" is before \"start\""},
};

START_TEST(test_malformed_line_is_a_parse_error_naming_the_problem) {
    const struct bad_line *c = &bad_lines[_i];
    kg_error err;
    kg_error_clear(&err);
    ck_assert_int_eq(read_line(c->json, &back, &err), KG_ERR_PARSE);
    ck_assert_str_eq(err.where, "test.facts.jsonl");
    ck_assert_uint_eq(err.line, 7);
    ck_assert_msg(strstr(err.message, c->message) != NULL, "message '%s' lacks '%s'", err.message,
                  c->message);
    /* the output is left empty */
    ck_assert_uint_eq(back.n_entities, 0);
    ck_assert_uint_eq(back.n_relations, 0);
    ck_assert_ptr_null(back.doc_id);
}
END_TEST

START_TEST(test_malformed_line_in_a_file_is_reported_with_file_and_line) {
    char *dir = kgt_temp_dir("facts-badline");
    char *path = kgt_path(dir, "shard.facts.jsonl");
    make_awkward_facts(&facts);
    char *good = write_line(&facts);
    size_t n = strlen(good) * 2 + 200;
    char *content = malloc(n);
    snprintf(content, n, "%s\n%s{\"doc\": \"x\", \"entities\": [{\"id\": \"e1\"}]}\n", good, good);
    ck_assert_int_eq(kgt_write_file(path, content, strlen(content)), 0);

    kg_reader *reader = NULL;
    const char *input = path;
    ck_assert_int_eq(kg_reader_new(&reader, pool, &input, 1), KG_OK);
    kg_document doc;
    kg_error err;
    for (int i = 0; i < 2; i++) {
        ck_assert_int_eq(kg_reader_next(reader, &doc, &err), KG_OK);
        ck_assert_ptr_nonnull(doc.facts);
        ck_assert_ptr_null(doc.text);
        ck_assert_str_eq(doc.id, "ru/03 «встреча».txt");
        ck_assert_uint_eq(doc.source_line, i == 0 ? 1 : 3); /* line 2 is blank */
        assert_same_facts(&facts, doc.facts);
    }
    ck_assert_int_eq(kg_reader_next(reader, &doc, &err), KG_ERR_PARSE);
    ck_assert_str_eq(err.where, path);
    ck_assert_uint_eq(err.line, 4);
    ck_assert_ptr_nonnull(strstr(err.message, "entity 1: "));
    char buf[1200];
    char *want = malloc(strlen(path) + 16);
    sprintf(want, "%s:4: ", path);
    ck_assert_ptr_nonnull(strstr(kg_error_format(&err, buf, sizeof buf), want));
    /* the reader stopped */
    ck_assert_int_eq(kg_reader_next(reader, &doc, &err), KG_ERR_PARSE);
    kg_reader_free(reader);
    free(want);
    free(good);
    free(content);
    free(path);
    free(dir);
}
END_TEST

/* ---- the external (gold) format --------------------------------------------------- */

static const char gold_json[] =
    "{\n"
    "  \"entities\": [\n"
    "    {\"id\": \"p\", \"type\": \"person\", \"name\": \"  Сергей   Голубев \", "
    "\"aliases\": [\"С. Голубев\", \"\", \"Сергей Голубев\"]},\n"
    "    {\"id\": 2, \"type\": \"Organization\", \"name\": \"Tver Regional Parliament\"},\n"
    "    {\"id\": \"a\", \"type\": \"Agreement\", \"name\": \"agreement\", \"lang\": \"en\", "
    "\"mentions\": 4}\n"
    "  ],\n"
    "  \"relations\": [\n"
    "    {\"type\": \"holds_post\", \"subject\": \"p\", \"object\": 2, \"role\": \"Deputy  "
    "Chairman\"},\n"
    "    {\"type\": \"party-to\", \"subject\": \"2\", \"object\": \"a\", \"confidence\": 0.4},\n"
    "    {\"type\": \"signed\", \"subject\": \"p\", \"object\": \"a\", \"evidence\": "
    "{\"sentence\": "
    "3, \"start\": 10, \"end\": 20, \"text\": \"signed it\", \"confidence\": 0.75}}\n"
    "  ]\n"
    "}\n";

START_TEST(test_external_format_fills_defaults) {
    kg_facts_source src = {KG_FACTS_EXTERNAL, "x.gold.json", 0, "x.gold.json"};
    kg_error err;
    kg_status st = kg_facts_read_json(&back, pool, gold_json, strlen(gold_json), &src, &err);
    ck_assert_msg(st == KG_OK, "%s", err.message);
    ck_assert_str_eq(back.doc_id, "x.gold.json");
    ck_assert_ptr_null(back.lang);
    ck_assert_uint_eq(back.n_entities, 3);
    const kg_doc_entity *p = &back.entities[0];
    ck_assert_int_eq(p->type, KG_ENT_PERSON);
    ck_assert_str_eq(p->name, "Сергей Голубев"); /* white space collapsed */
    ck_assert_str_eq(p->lang, "ru");             /* detected */
    ck_assert_uint_eq(p->mentions, 1);
    ck_assert_uint_eq(p->n_aliases, 1); /* empty and equal-to-name aliases dropped */
    ck_assert_str_eq(p->aliases[0], "С. Голубев");
    ck_assert_str_eq(back.entities[1].lang, "en");
    ck_assert_uint_eq(back.entities[2].mentions, 4);

    ck_assert_uint_eq(back.n_relations, 3);
    const kg_doc_relation *hp = &back.relations[0];
    ck_assert_int_eq(hp->type, KG_REL_HOLDS_POST);
    ck_assert_uint_eq(hp->subject, 0);
    ck_assert_uint_eq(hp->object, 1); /* integer id 2 */
    ck_assert_str_eq(hp->role, "deputy_chairman");
    ck_assert_str_eq(hp->role_text, "Deputy Chairman");
    ck_assert_str_eq(hp->evidence.doc, "x.gold.json");
    ck_assert_uint_eq(hp->evidence.sentence, 0);
    ck_assert_uint_eq(hp->evidence.start, 0);
    ck_assert_uint_eq(hp->evidence.end, 0);
    ck_assert_str_eq(hp->evidence.text, "");
    ck_assert_str_eq(hp->evidence.rule, KG_FACTS_EXTERNAL_RULE);
    ck_assert(hp->evidence.confidence == 1.0);
    const kg_doc_relation *party = &back.relations[1];
    ck_assert_int_eq(party->type, KG_REL_PARTY_TO);
    ck_assert_ptr_null(party->role);
    ck_assert(party->evidence.confidence == 0.4);
    const kg_doc_relation *sig = &back.relations[2];
    ck_assert_uint_eq(sig->evidence.sentence, 3);
    ck_assert_uint_eq(sig->evidence.start, 10);
    ck_assert_uint_eq(sig->evidence.end, 20);
    ck_assert_str_eq(sig->evidence.text, "signed it");
    ck_assert_str_eq(sig->evidence.rule, "external");
    ck_assert(sig->evidence.confidence == 0.75);

    /* the same text as a line of kgraph's own format: "doc" is required */
    ck_assert_int_eq(read_line(gold_json, &back, &err), KG_ERR_PARSE);
    ck_assert_ptr_nonnull(strstr(err.message, "\"doc\""));
}
END_TEST

START_TEST(test_external_format_errors_carry_the_json_line) {
    static const char broken[] = "{\n  \"doc\": \"d\",\n  \"entities\": [\n    {\"id\": 1,}\n]}\n";
    kg_facts_source src = {KG_FACTS_EXTERNAL, "b.json", 0, "b.json"};
    kg_error err;
    ck_assert_int_eq(kg_facts_read_json(&back, pool, broken, strlen(broken), &src, &err),
                     KG_ERR_PARSE);
    ck_assert_str_eq(err.where, "b.json");
    ck_assert_uint_eq(err.line, 4);
    ck_assert_ptr_nonnull(strstr(err.message, "invalid JSON"));
}
END_TEST

/* ---- facts in the reader ------------------------------------------------------------ */

START_TEST(test_reader_takes_facts_files_and_leaves_gold_files_in_directories) {
    char *dir = kgt_temp_dir("facts-reader");
    make_awkward_facts(&facts);
    char *line = write_line(&facts);
    char *p;
    p = kgt_path(dir, "a.txt");
    ck_assert_int_eq(kgt_write_file(p, "Plain text.", 11), 0);
    free(p);
    p = kgt_path(dir, "b.facts.jsonl");
    ck_assert_int_eq(kgt_write_file(p, line, strlen(line)), 0);
    free(p);
    p = kgt_path(dir, "c.facts.json");
    ck_assert_int_eq(kgt_write_file(p, gold_json, strlen(gold_json)), 0);
    free(p);
    char *gold = kgt_path(dir, "d.gold.json");
    ck_assert_int_eq(kgt_write_file(gold, gold_json, strlen(gold_json)), 0);
    p = kgt_path(dir, "e.json");
    ck_assert_int_eq(kgt_write_file(p, gold_json, strlen(gold_json)), 0);
    free(p);

    /* the directory: a.txt, b.facts.jsonl, c.facts.json; not d.gold.json nor e.json */
    kg_reader *reader = NULL;
    const char *inputs[] = {dir, gold};
    ck_assert_int_eq(kg_reader_new(&reader, pool, inputs, 2), KG_OK);
    kg_document doc;
    kg_error err;
    ck_assert_int_eq(kg_reader_next(reader, &doc, &err), KG_OK);
    ck_assert_str_eq(doc.id, "a.txt");
    ck_assert_ptr_null(doc.facts);
    ck_assert_int_eq(kg_reader_next(reader, &doc, &err), KG_OK);
    ck_assert_ptr_nonnull(doc.facts);
    ck_assert_str_eq(doc.id, "ru/03 «встреча».txt");
    ck_assert_str_eq(doc.title, facts.title);
    ck_assert_int_eq(kg_reader_next(reader, &doc, &err), KG_OK);
    ck_assert_ptr_nonnull(doc.facts);
    ck_assert_str_eq(doc.id, "c.facts.json"); /* "doc" defaults to the file's id */
    ck_assert_uint_eq(doc.facts->n_relations, 3);
    /* given directly, a gold file is facts */
    ck_assert_int_eq(kg_reader_next(reader, &doc, &err), KG_OK);
    ck_assert_ptr_nonnull(doc.facts);
    ck_assert_str_eq(doc.id, "d.gold.json");
    ck_assert_str_eq(doc.source, gold);
    ck_assert_int_eq(kg_reader_next(reader, &doc, &err), KG_FAILURE);
    ck_assert_uint_eq(kg_reader_count(reader), 4);
    kg_reader_free(reader);

    /* an empty facts file is an input warning, not a stop */
    char *empty = kgt_path(dir, "empty.json");
    ck_assert_int_eq(kgt_write_file(empty, " \n", 2), 0);
    const char *two[] = {empty, gold};
    ck_assert_int_eq(kg_reader_new(&reader, pool, two, 2), KG_OK);
    ck_assert_int_eq(kg_reader_next(reader, &doc, &err), KG_ERR_INPUT);
    ck_assert_ptr_nonnull(strstr(err.message, "empty"));
    ck_assert_int_eq(kg_reader_next(reader, &doc, &err), KG_OK);
    ck_assert_str_eq(doc.id, "d.gold.json");
    kg_reader_free(reader);
    free(empty);
    free(gold);
    free(line);
    free(dir);
}
END_TEST

START_TEST(test_stdin_lines_with_doc_and_no_text_are_facts) {
    make_awkward_facts(&facts);
    char *line = write_line(&facts);
    char *dir = kgt_temp_dir("facts-stdin");
    char *path = kgt_path(dir, "stdin.jsonl");
    size_t n = strlen(line) + 100;
    char *content = malloc(n);
    snprintf(content, n, "{\"id\": \"t1\", \"text\": \"One.\"}\n%s", line);
    ck_assert_int_eq(kgt_write_file(path, content, strlen(content)), 0);
    ck_assert_ptr_nonnull(freopen(path, "rb", stdin));
    kg_reader *reader = NULL;
    const char *input = "-";
    ck_assert_int_eq(kg_reader_new(&reader, pool, &input, 1), KG_OK);
    kg_document doc;
    kg_error err;
    ck_assert_int_eq(kg_reader_next(reader, &doc, &err), KG_OK);
    ck_assert_str_eq(doc.id, "t1");
    ck_assert_ptr_null(doc.facts);
    ck_assert_int_eq(kg_reader_next(reader, &doc, &err), KG_OK);
    ck_assert_ptr_nonnull(doc.facts);
    ck_assert_uint_eq(doc.source_line, 2);
    assert_same_facts(&facts, doc.facts);
    ck_assert_int_eq(kg_reader_next(reader, &doc, &err), KG_FAILURE);
    kg_reader_free(reader);
    free(content);
    free(path);
    free(dir);
    free(line);
}
END_TEST

START_TEST(test_document_from_bytes_matches_the_reader) {
    static const char raw[] = "\xEF\xBB\xBF# lang: ru\r\n# title: T\r\nТекст.\r\nВторая строка.";
    kg_document doc;
    char *text = NULL;
    kg_error err;
    ck_assert_int_eq(
        kg_document_from_bytes(&doc, &text, pool, raw, sizeof raw - 1, "n.txt", "dir/n.txt", &err),
        KG_OK);
    ck_assert_str_eq(doc.id, "n.txt");
    ck_assert_str_eq(doc.source, "dir/n.txt");
    ck_assert_str_eq(doc.lang, "ru");
    ck_assert_str_eq(doc.title, "T");
    ck_assert_uint_eq(doc.len, strlen("Текст.\nВторая строка."));
    ck_assert(memcmp(doc.text, "Текст.\nВторая строка.", doc.len) == 0);
    ck_assert_ptr_null(doc.facts);
    free(text);
    ck_assert_int_eq(kg_document_from_bytes(&doc, &text, pool, " \n", 2, "e.txt", NULL, &err),
                     KG_ERR_INPUT);
    ck_assert_ptr_null(text);
    ck_assert_ptr_nonnull(strstr(err.message, "empty"));
    ck_assert_int_eq(kg_document_from_bytes(&doc, &text, pool, "a\0b", 3, "b.bin", NULL, &err),
                     KG_ERR_INPUT);
    ck_assert_int_eq(kg_document_from_bytes(NULL, &text, pool, "a", 1, "x", NULL, &err),
                     KG_ERR_USAGE);
}
END_TEST

static Suite *facts_suite(void) {
    Suite *s = suite_create("facts");
    TCase *tc = tcase_create("facts");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_test(tc, test_round_trip_keeps_every_field);
    tcase_add_test(tc, test_facts_of_every_sample_round_trip);
    tcase_add_test(tc, test_a_line_is_one_line_of_json_with_sorted_keys);
    tcase_add_test(tc, test_numbers_are_written_with_a_point_in_every_locale);
    tcase_add_test(tc, test_unwritable_facts_write_nothing);
    tcase_add_loop_test(tc, test_malformed_line_is_a_parse_error_naming_the_problem, 0,
                        (int)(sizeof bad_lines / sizeof *bad_lines));
    tcase_add_test(tc, test_malformed_line_in_a_file_is_reported_with_file_and_line);
    tcase_add_test(tc, test_external_format_fills_defaults);
    tcase_add_test(tc, test_external_format_errors_carry_the_json_line);
    tcase_add_test(tc, test_reader_takes_facts_files_and_leaves_gold_files_in_directories);
    tcase_add_test(tc, test_stdin_lines_with_doc_and_no_text_are_facts);
    tcase_add_test(tc, test_document_from_bytes_matches_the_reader);
    suite_add_tcase(s, tc);
    return s;
}

int main(void) {
    SRunner *sr = srunner_create(facts_suite());
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
