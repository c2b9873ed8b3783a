/* test_exporters.c — the Turtle, GraphML and JSON writers, each read back by
 * its own library (raptor2, igraph, jansson), and the atomic file writer.
 *
 * The fixture is a small hand-built kg_resolved: a Person who chairs an
 * Organization, a second Person she met, an Agreement both signed, a Place,
 * three documents two of which have colliding slugs, and evidence whose
 * sentence holds quotes, a backslash, markup characters, an emoji, RTL text,
 * a newline, a tab and a control character. */
#include "kg_export.h"
#include "kg_export_internal.h"
#include "kg_graph.h"
#include "kg_model.h"
#include "kg_test_util.h"
#include "kg_text.h"

#include <check.h>
#include <dirent.h>
#include <errno.h>
#include <igraph.h>
#include <inttypes.h>
#include <jansson.h>
#include <locale.h>
#include <math.h>
#include <raptor2.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>

#define BASE "https://test.example.org/kg/"
#define KG KG_VOCAB_IRI
#define RDF "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
#define RDFS "http://www.w3.org/2000/01/rdf-schema#"
#define XSD "http://www.w3.org/2001/XMLSchema#"
#define SKOS "http://www.w3.org/2004/02/skos/core#"
#define ORG "http://www.w3.org/ns/org#"
#define PROV "http://www.w3.org/ns/prov#"
#define DCT "http://purl.org/dc/terms/"
#define SCHEMA "https://schema.org/"

#define AIGUL BASE "person/aigul-test"
#define BERIK BASE "person/berik-example"
#define FTW BASE "organization/federation-of-testing-workers"
#define MEMO BASE "agreement/memorandum-on-testing"
#define ALMATY BASE "place/almaty"

/* Everything a writer must survive in one sentence. */
static const char nasty[] =
    "Aigul \"The Chair\" Test \\ leads <FTW> & co > all \xF0\x9F\x8E\x89 "
    "\xD7\xA9\xD7\x9C\xD7\x95\xD7\x9D \xD9\x85\xD8\xB1\xD8\xAD\xD8\xA8\xD8\xA7"
    "\nsecond line\x01"
    "end\tx";
/* The same after GraphML's repair: the control character became a space. */
static const char nasty_xml[] = "Aigul \"The Chair\" Test \\ leads <FTW> & co > all "
                                "\xF0\x9F\x8E\x89 "
                                "\xD7\xA9\xD7\x9C\xD7\x95\xD7\x9D "
                                "\xD9\x85\xD8\xB1\xD8\xAD\xD8\xA8\xD8\xA7"
                                "\nsecond line end\tx";

/* ---- fixture ------------------------------------------------------------------ */

typedef struct fixture {
    kg_strpool *pool;
    kg_resolved data;
    kg_graph *graph;
} fixture;

static const char *P(fixture *f, const char *s) {
    return s == NULL ? NULL : kg_strpool_cstr(f->pool, s);
}

static const char **list(fixture *f, size_t n, ...) {
    const char **items = calloc(n + 1, sizeof *items);
    ck_assert_ptr_nonnull(items);
    va_list ap;
    va_start(ap, n);
    for (size_t i = 0; i < n; i++)
        items[i] = P(f, va_arg(ap, const char *));
    va_end(ap);
    return items;
}

static void entity(fixture *f, size_t i, kg_entity_type type, const char *id, const char *label,
                   const char *lang, const char *en, const char *ru, size_t mentions) {
    kg_entity *e = &f->data.entities[i];
    e->type = type;
    e->id = P(f, id);
    e->label = P(f, label);
    e->lang = P(f, lang);
    e->label_en = P(f, en);
    e->label_ru = P(f, ru);
    e->mentions = mentions;
}

static kg_evidence ev(fixture *f, const char *doc, size_t sentence, size_t start, size_t end,
                      const char *text, const char *rule, double confidence) {
    kg_evidence e = {P(f, doc), sentence, start, end, P(f, text), P(f, rule), confidence};
    return e;
}

static void relation(fixture *f, size_t j, kg_relation_type type, size_t s, size_t o,
                     const char *role, const char *role_text, size_t n, const kg_evidence *evs) {
    kg_relation *r = &f->data.relations[j];
    r->type = type;
    r->subject = s;
    r->object = o;
    r->role = P(f, role);
    r->role_text = P(f, role_text);
    r->evidence = calloc(n, sizeof *r->evidence);
    ck_assert_ptr_nonnull(r->evidence);
    memcpy(r->evidence, evs, n * sizeof *evs);
    r->n_evidence = n;
    double keep = 1;
    for (size_t k = 0; k < n; k++)
        keep *= 1 - evs[k].confidence;
    r->confidence = 1 - keep;
}

static void build_graph(fixture *f, const char *base) {
    kg_error err;
    kg_error_clear(&err);
    kg_status status = kg_graph_build(&f->graph, &f->data, base, &err);
    ck_assert_msg(status == KG_OK, "kg_graph_build: %s", err.message);
}

static void fixture_init(fixture *f) {
    memset(f, 0, sizeof *f);
    f->pool = kg_strpool_new();
    ck_assert_ptr_nonnull(f->pool);
    kg_resolved *d = &f->data;

    d->n_documents = 3;
    d->documents = calloc(3, sizeof *d->documents);
    ck_assert_ptr_nonnull(d->documents);
    d->documents[0] = (kg_doc_info){P(f, "Doc A"), P(f, "en"), NULL, NULL, NULL, 4, 300};
    d->documents[1] = (kg_doc_info){P(f, "doc-a"), P(f, "ru"), NULL, NULL, NULL, 3, 512};
    d->documents[2] = (kg_doc_info){P(f, "doc-en-1"),
                                    P(f, "en"),
                                    P(f, "Testing workers \"meet\""),
                                    P(f, "2024-03-15"),
                                    P(f, "https://news.example.org/a?x=1&y=2"),
                                    5,
                                    900};

    d->n_entities = 5;
    d->entities = calloc(5, sizeof *d->entities);
    ck_assert_ptr_nonnull(d->entities);
    entity(f, 0, KG_ENT_AGREEMENT, "agreement/memorandum-on-testing", "Memorandum on Testing", "en",
           "Memorandum on Testing", NULL, 1);
    d->entities[0].documents = list(f, 1, "doc-en-1");
    d->entities[0].n_documents = 1;
    d->entities[0].date = P(f, "2024-03-14");
    entity(f, 1, KG_ENT_ORGANIZATION, "organization/federation-of-testing-workers",
           "Federation of Testing Workers", "en", "Federation of Testing Workers",
           "Федерация тестировщиков", 3);
    d->entities[1].aliases = list(f, 2, "FTW", "ФТР");
    d->entities[1].n_aliases = 2;
    d->entities[1].documents = list(f, 2, "doc-a", "doc-en-1");
    d->entities[1].n_documents = 2;
    entity(f, 2, KG_ENT_PERSON, "person/aigul-test", "Aigul Test", "en", "Aigul Test",
           "Айгуль Тест", 2);
    d->entities[2].aliases = list(f, 1, "A. Test");
    d->entities[2].n_aliases = 1;
    d->entities[2].documents = list(f, 1, "doc-en-1");
    d->entities[2].n_documents = 1;
    entity(f, 3, KG_ENT_PERSON, "person/berik-example", "Berik Example", "en", "Berik Example",
           NULL, 1);
    d->entities[3].documents = list(f, 1, "Doc A");
    d->entities[3].n_documents = 1;
    entity(f, 4, KG_ENT_PLACE, "place/almaty", "Алматы", "ru", "Almaty", "Алматы", 1);
    d->entities[4].aliases = list(f, 1, "Almaty");
    d->entities[4].n_aliases = 1;
    d->entities[4].documents = list(f, 1, "doc-a");
    d->entities[4].n_documents = 1;

    /* r0 and r2 share one evidence record (same span and rule): one node. */
    const char *signing = "The Federation of Testing Workers signed the Memorandum on Testing.";
    kg_evidence party = ev(f, "doc-en-1", 1, 60, 120, signing, "signing", 0.7);
    kg_evidence located = ev(f, "doc-a", 0, 0, 30, "Федерация тестировщиков находится в Алматы.",
                             "org_located_in", 0.75);
    kg_evidence chair[2] = {
        ev(f, "doc-a", 2, 10, 50, "Председатель Федерации тестировщиков Айгуль Тест.",
           "ru_title_name", 0.8),
        ev(f, "doc-en-1", 0, 0, 40, nasty, "title_name_of_org", 0.9),
    };
    kg_evidence met =
        ev(f, "Doc A", 0, 0, 35, "Aigul Test met with Berik Example.", "met_with", 0.8);
    d->n_relations = 5;
    d->relations = calloc(5, sizeof *d->relations);
    ck_assert_ptr_nonnull(d->relations);
    relation(f, 0, KG_REL_PARTY_TO, 1, 0, NULL, NULL, 1, &party);
    relation(f, 1, KG_REL_LOCATED_IN, 1, 4, NULL, NULL, 1, &located);
    relation(f, 2, KG_REL_SIGNED, 2, 0, NULL, NULL, 1, &party);
    relation(f, 3, KG_REL_HOLDS_POST, 2, 1, "chairman", "Chairman", 2, chair);
    relation(f, 4, KG_REL_MET_WITH, 2, 3, NULL, NULL, 1, &met);

    build_graph(f, BASE);
}

static void fixture_free(fixture *f) {
    kg_graph_free(f->graph);
    kg_resolved_clear(&f->data);
    kg_strpool_free(f->pool);
}

/* ---- small helpers ---------------------------------------------------------- */

/* Exports into a fresh file in dir; returns its path (caller frees). */
static char *export_to(const kg_graph *g, kg_format format, const char *dir) {
    char *path = kgt_path(dir, kg_format_filename(format));
    kg_error err;
    kg_error_clear(&err);
    kg_status status = kg_export_file(g, format, path, &err);
    ck_assert_msg(status == KG_OK, "export %s: %s", kg_format_name(format), err.message);
    return path;
}

/* One stream writer's output in memory; caller frees. */
static char *write_mem(kg_status (*writer)(const kg_graph *, FILE *, kg_error *),
                       const kg_graph *g) {
    char *buf = NULL;
    size_t size = 0;
    FILE *f = open_memstream(&buf, &size);
    ck_assert_ptr_nonnull(f);
    kg_error err;
    kg_error_clear(&err);
    kg_status status = writer(g, f, &err);
    ck_assert_msg(status == KG_OK, "writer: %s", err.message);
    ck_assert_int_eq(fclose(f), 0);
    return buf;
}

/* Exports into memory; caller frees. */
static char *export_mem(const kg_graph *g, kg_format format, size_t *len) {
    char *buf = NULL;
    size_t size = 0;
    FILE *f = open_memstream(&buf, &size);
    ck_assert_ptr_nonnull(f);
    kg_error err;
    kg_error_clear(&err);
    kg_status status = kg_export(g, format, f, &err);
    ck_assert_msg(status == KG_OK, "export %s: %s", kg_format_name(format), err.message);
    ck_assert_int_eq(fclose(f), 0);
    if (len != NULL)
        *len = size;
    return buf;
}

static char *hex_key(const char *fmt, ...) {
    char key[1024];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(key, sizeof key, fmt, ap);
    va_end(ap);
    char *out = malloc(17);
    snprintf(out, 17, "%016" PRIx64, kg_hash64(key, strlen(key), 0));
    return out;
}

static char *doc_iri_with_suffix(const char *slug, const char *id) {
    char *out = malloc(256);
    snprintf(out, 256, BASE "document/%s-%08" PRIx32, slug, (uint32_t)kg_hash64(id, strlen(id), 0));
    return out;
}

/* Names in dir other than "." and ".."; fails the test when there are
 * more than max. */
static size_t dir_entries(const char *dir, char names[][256], size_t max) {
    DIR *d = opendir(dir);
    ck_assert_ptr_nonnull(d);
    size_t n = 0;
    struct dirent *ent;
    while ((ent = readdir(d)) != NULL) {
        if (strcmp(ent->d_name, ".") == 0 || strcmp(ent->d_name, "..") == 0)
            continue;
        ck_assert_msg(n < max, "unexpected file %s in %s", ent->d_name, dir);
        snprintf(names[n++], 256, "%s", ent->d_name);
    }
    closedir(d);
    return n;
}

static void remove_tree(const char *dir) {
    char cmd[4096];
    snprintf(cmd, sizeof cmd, "chmod -R u+w '%s' 2>/dev/null; rm -rf '%s'", dir, dir);
    ck_assert_int_eq(kgt_run(cmd, NULL, NULL), 0);
}

static bool close_to(double a, double b) {
    return fabs(a - b) <= 1e-9 * (1 + fabs(a) + fabs(b));
}

/* ---- Turtle read back with raptor2 ------------------------------------------- */

typedef struct triple {
    char *s, *p, *o; /* IRIs, "_:id" for blank nodes, or the literal's text */
    char *lang, *datatype;
    char *g; /* graph IRI (N-Quads), NULL for the default graph */
    bool literal;
} triple;

typedef struct triples {
    triple *items;
    size_t n, cap;
    int problems;
    char first_problem[512];
} triples;

static char *term_string(const raptor_term *t) {
    switch (t->type) {
    case RAPTOR_TERM_TYPE_URI:
        return strdup((const char *)raptor_uri_as_string(t->value.uri));
    case RAPTOR_TERM_TYPE_BLANK: {
        char *s = malloc(t->value.blank.string_len + 3);
        sprintf(s, "_:%s", (const char *)t->value.blank.string);
        return s;
    }
    case RAPTOR_TERM_TYPE_LITERAL: {
        char *s = malloc(t->value.literal.string_len + 1);
        memcpy(s, t->value.literal.string, t->value.literal.string_len);
        s[t->value.literal.string_len] = '\0';
        return s;
    }
    default:
        return strdup("?");
    }
}

static void on_statement(void *user, raptor_statement *st) {
    triples *t = user;
    if (t->n == t->cap) {
        t->cap = t->cap == 0 ? 256 : t->cap * 2;
        t->items = realloc(t->items, t->cap * sizeof *t->items);
    }
    triple *x = &t->items[t->n++];
    memset(x, 0, sizeof *x);
    x->s = term_string(st->subject);
    x->p = term_string(st->predicate);
    x->o = term_string(st->object);
    if (st->graph != NULL)
        x->g = term_string(st->graph);
    if (st->object->type == RAPTOR_TERM_TYPE_LITERAL) {
        x->literal = true;
        if (st->object->value.literal.language != NULL)
            x->lang = strdup((const char *)st->object->value.literal.language);
        if (st->object->value.literal.datatype != NULL)
            x->datatype =
                strdup((const char *)raptor_uri_as_string(st->object->value.literal.datatype));
    }
}

static void on_parse_log(void *user, raptor_log_message *m) {
    triples *t = user;
    if (m->level < RAPTOR_LOG_LEVEL_WARN)
        return;
    if (t->problems++ == 0)
        snprintf(t->first_problem, sizeof t->first_problem, "line %d: %s",
                 m->locator != NULL ? m->locator->line : -1, m->text);
}

/* A growing string. */
typedef struct text_buf {
    char *data;
    size_t len;
} text_buf;

static void text_put(text_buf *b, const char *s, size_t n) {
    b->data = realloc(b->data, b->len + n + 1);
    ck_assert_ptr_nonnull(b->data);
    memcpy(b->data + b->len, s, n);
    b->len += n;
    b->data[b->len] = '\0';
}

/* Parses path with raptor2's parser for syntax ("turtle", "ntriples",
 * "nquads"); fails the test on any warning or error. */
static triples *parse_rdf(const char *path, const char *syntax) {
    triples *t = calloc(1, sizeof *t);
    raptor_world *world = raptor_new_world();
    ck_assert_ptr_nonnull(world);
    raptor_world_set_log_handler(world, t, on_parse_log);
    ck_assert_int_eq(raptor_world_open(world), 0);
    raptor_parser *parser = raptor_new_parser(world, syntax);
    ck_assert_ptr_nonnull(parser);
    raptor_parser_set_statement_handler(parser, t, on_statement);
    unsigned char *uri_string = raptor_uri_filename_to_uri_string(path);
    raptor_uri *uri = raptor_new_uri(world, uri_string);
    int rc = raptor_parser_parse_file(parser, uri, uri);
    raptor_free_uri(uri);
    raptor_free_memory(uri_string);
    raptor_free_parser(parser);
    raptor_free_world(world);
    ck_assert_msg(rc == 0 && t->problems == 0, "raptor2 rejected %s (%d problems): %s", path,
                  t->problems, t->first_problem);
    return t;
}

static triples *parse_turtle(const char *path) {
    return parse_rdf(path, "turtle");
}

/* Length of the N-Triples term at s: an IRI, or a literal with its
 * language tag or datatype. */
static size_t nt_term_length(const char *s) {
    const char *p = s;
    if (*p == '<') {
        p = strchr(p, '>');
        ck_assert_ptr_nonnull(p);
        return (size_t)(p + 1 - s);
    }
    ck_assert_msg(*p == '"', "not a term: %.40s", s);
    for (p++; *p != '"'; p++) {
        ck_assert_msg(*p != '\0' && *p != '\n', "unterminated literal: %.40s", s);
        if (*p == '\\')
            p++;
    }
    p++;
    if (*p == '@')
        while (*p != ' ')
            p++;
    else if (p[0] == '^' && p[1] == '^')
        p = strchr(p, '>') + 1;
    return (size_t)(p - s);
}

/* N-Triples and N-Quads read with raptor2's Turtle and TriG parsers, which
 * take both line syntaxes statement by statement ("s p o ." is Turtle,
 * "s p o g ." becomes "g { s p o . }").  raptor 2.0.15's own ntriples and
 * nquads parsers leak one URI per datatype, which the valgrind run would
 * count against this suite. */
static triples *parse_lines(const char *path, bool quads) {
    char *text = kgt_read_file(path, NULL);
    ck_assert_ptr_nonnull(text);
    text_buf trig = {NULL, 0};
    for (char *line = text, *next; *line != '\0'; line = next) {
        char *nl = strchr(line, '\n');
        ck_assert_msg(nl != NULL, "last line without a newline");
        next = nl + 1;
        if (line[0] == '#') {
            text_put(&trig, line, (size_t)(next - line));
            continue;
        }
        size_t s_len = nt_term_length(line);
        size_t p_len = nt_term_length(line + s_len + 1);
        size_t o_len = nt_term_length(line + s_len + 1 + p_len + 1);
        char *rest = line + s_len + 1 + p_len + 1 + o_len;
        if (strncmp(rest, " .\n", 3) == 0) {
            text_put(&trig, line, (size_t)(next - line));
            continue;
        }
        ck_assert_msg(quads && rest[0] == ' ' && rest[1] == '<', "bad line: %.80s", line);
        size_t g_len = nt_term_length(rest + 1);
        ck_assert_msg(strncmp(rest + 1 + g_len, " .\n", 3) == 0, "bad line end: %.80s", line);
        text_put(&trig, rest + 1, g_len);
        text_put(&trig, " { ", 3);
        text_put(&trig, line, (size_t)(rest - line));
        text_put(&trig, " . }\n", 5);
    }
    char *converted = kgt_path(KG_BINARY_DIR, "test-tmp/lines.trig");
    ck_assert_int_eq(kgt_write_file(converted, trig.data != NULL ? trig.data : "", trig.len), 0);
    triples *t = parse_rdf(converted, quads ? "trig" : "turtle");
    unlink(converted);
    free(converted);
    free(trig.data);
    free(text);
    return t;
}

static void triples_free(triples *t) {
    for (size_t i = 0; i < t->n; i++) {
        free(t->items[i].s);
        free(t->items[i].p);
        free(t->items[i].o);
        free(t->items[i].lang);
        free(t->items[i].datatype);
        free(t->items[i].g);
    }
    free(t->items);
    free(t);
}

/* The first triple matching s, p and o (NULL matches anything). */
static const triple *find(const triples *t, const char *s, const char *p, const char *o) {
    for (size_t i = 0; i < t->n; i++) {
        const triple *x = &t->items[i];
        if ((s == NULL || strcmp(x->s, s) == 0) && (p == NULL || strcmp(x->p, p) == 0) &&
            (o == NULL || strcmp(x->o, o) == 0))
            return x;
    }
    return NULL;
}

static size_t count(const triples *t, const char *s, const char *p, const char *o) {
    size_t n = 0;
    for (size_t i = 0; i < t->n; i++) {
        const triple *x = &t->items[i];
        if ((s == NULL || strcmp(x->s, s) == 0) && (p == NULL || strcmp(x->p, p) == 0) &&
            (o == NULL || strcmp(x->o, o) == 0))
            n++;
    }
    return n;
}

static void assert_iri_triple(const triples *t, const char *s, const char *p, const char *o) {
    const triple *x = find(t, s, p, o);
    ck_assert_msg(x != NULL && !x->literal, "missing triple <%s> <%s> <%s>", s, p, o);
}

static const triple *assert_literal(const triples *t, const char *s, const char *p,
                                    const char *value, const char *lang, const char *datatype) {
    const triple *x = find(t, s, p, value);
    ck_assert_msg(x != NULL && x->literal, "missing literal <%s> <%s> \"%s\"", s, p, value);
    if (lang != NULL)
        ck_assert_msg(x->lang != NULL && strcmp(x->lang, lang) == 0, "\"%s\" has @%s, not @%s",
                      value, x->lang != NULL ? x->lang : "(none)", lang);
    else
        ck_assert_ptr_null(x->lang);
    if (datatype != NULL)
        ck_assert_msg(x->datatype != NULL && strcmp(x->datatype, datatype) == 0,
                      "\"%s\" has type %s, not %s", value, x->datatype ? x->datatype : "(none)",
                      datatype);
    return x;
}

/* ---- tests: Turtle -------------------------------------------------------------- */

START_TEST(test_turtle_parses_back_with_expected_triples) {
    fixture f;
    fixture_init(&f);
    char *dir = kgt_temp_dir("exp-ttl");
    char *path = export_to(f.graph, KG_FORMAT_TTL, dir);
    triples *t = parse_turtle(path);

    /* Entities: classes + rdfs:label + prefLabels + altLabels + kg:mentions
     * + kg:mentionedIn + 12 measures + kg:community + direct relation
     * triples. */
    size_t agreement = 2 + 1 + 1 + 0 + 1 + 1 + 1 /* date */ + 1 /* firstReported */ + 13 + 0;
    size_t federation = 2 + 1 + 2 + 2 + 1 + 2 + 13 + 2; /* party_to, located_in */
    size_t aigul = 2 + 1 + 2 + 1 + 1 + 1 + 13 + 4;      /* holds_post, headOf, signed, met_with */
    size_t berik = 2 + 1 + 1 + 0 + 1 + 1 + 13 + 1;      /* reverse met_with */
    size_t almaty = 1 + 1 + 2 + 1 + 1 + 1 + 13 + 0;
    size_t analytics = 13;        /* the kg:Analytics resource */
    size_t documents = 4 + 4 + 7; /* the last has title, date and url */
    size_t statements = 5 * 7 + 1 /* holds_post has two evidence */ + 5;
    size_t membership = 4 + 2; /* and its org:Role node */
    size_t evidence = 5 * 9;   /* six records, one shared */
    size_t expected = agreement + federation + aigul + berik + almaty + documents + statements +
                      membership + evidence + analytics;
    ck_assert_uint_eq(expected, 231);
    ck_assert_uint_eq(t->n, expected);

    assert_iri_triple(t, AIGUL, RDF "type", "http://xmlns.com/foaf/0.1/Person");
    assert_iri_triple(t, AIGUL, RDF "type", SCHEMA "Person");
    assert_iri_triple(t, FTW, RDF "type", ORG "Organization");
    assert_iri_triple(t, MEMO, RDF "type", KG "Agreement");
    assert_iri_triple(t, AIGUL, KG "holds_post", FTW);
    assert_iri_triple(t, AIGUL, ORG "headOf", FTW);
    assert_iri_triple(t, AIGUL, KG "met_with", BERIK);
    assert_iri_triple(t, BERIK, KG "met_with", AIGUL);
    assert_iri_triple(t, FTW, KG "party_to", MEMO);
    ck_assert_uint_eq(count(t, NULL, KG "met_with", NULL), 2);

    assert_literal(t, ALMATY, RDFS "label", "Алматы", "ru", NULL);
    assert_literal(t, AIGUL, RDFS "label", "Aigul Test", "en", NULL);
    assert_literal(t, AIGUL, SKOS "prefLabel", "Айгуль Тест", "ru", NULL);
    assert_literal(t, FTW, SKOS "altLabel", "ФТР", "ru", NULL);
    assert_literal(t, FTW, SKOS "altLabel", "FTW", "en", NULL);
    assert_literal(t, FTW, KG "mentions", "3", NULL, XSD "integer");
    /* The agreement's first report: the date of the one dated document
     * mentioning it. */
    assert_literal(t, MEMO, KG "firstReported", "2024-03-15", NULL, XSD "date");
    /* Its own date, read next to its name. */
    assert_literal(t, MEMO, DCT "date", "2024-03-14", NULL, XSD "date");
    const triple *pr = find(t, AIGUL, KG "pagerank", NULL);
    ck_assert_ptr_nonnull(pr);
    ck_assert_str_eq(pr->datatype, XSD "double");
    ck_assert_msg(close_to(strtod(pr->o, NULL), f.graph->centrality[2].pagerank),
                  "pagerank %s vs %.17g", pr->o, f.graph->centrality[2].pagerank);
    ck_assert_ptr_nonnull(strchr(pr->o, 'E'));

    /* Documents: the two ids with slug "doc-a" both get a hash suffix. */
    char *doc_upper = doc_iri_with_suffix("doc-a", "Doc A");
    char *doc_lower = doc_iri_with_suffix("doc-a", "doc-a");
    assert_literal(t, doc_upper, DCT "identifier", "Doc A", NULL, NULL);
    assert_literal(t, doc_lower, DCT "identifier", "doc-a", NULL, NULL);
    assert_literal(t, BASE "document/doc-en-1", DCT "date", "2024-03-15", NULL, XSD "date");
    assert_literal(t, BASE "document/doc-en-1", DCT "title", "Testing workers \"meet\"", NULL,
                   NULL);
    assert_iri_triple(t, BASE "document/doc-en-1", SCHEMA "url",
                      "https://news.example.org/a?x=1&y=2");
    assert_iri_triple(t, BERIK, KG "mentionedIn", doc_upper);
    assert_iri_triple(t, ALMATY, KG "mentionedIn", doc_lower);

    /* The holds_post statement, its membership, role and evidence. */
    char *rel = hex_key("person/aigul-test\x1fholds_post\x1forganization/"
                        "federation-of-testing-workers\x1f"
                        "chairman");
    char rel_iri[256], member_iri[256], ev_iri[256];
    snprintf(rel_iri, sizeof rel_iri, BASE "relation/%s", rel);
    snprintf(member_iri, sizeof member_iri, BASE "membership/%s", rel);
    assert_iri_triple(t, rel_iri, RDF "type", RDF "Statement");
    assert_iri_triple(t, rel_iri, RDF "subject", AIGUL);
    assert_iri_triple(t, rel_iri, RDF "predicate", KG "holds_post");
    assert_iri_triple(t, rel_iri, RDF "object", FTW);
    assert_literal(t, rel_iri, KG "weight", "2", NULL, XSD "integer");
    ck_assert_uint_eq(count(t, rel_iri, PROV "wasDerivedFrom", NULL), 2);
    assert_iri_triple(t, member_iri, ORG "member", AIGUL);
    assert_iri_triple(t, member_iri, ORG "organization", FTW);
    assert_iri_triple(t, member_iri, ORG "role", BASE "role/chairman");
    assert_literal(t, BASE "role/chairman", RDFS "label", "Chairman", "en", NULL);

    char *evk = hex_key("doc-en-1\x1f"
                        "0\x1f"
                        "0\x1f"
                        "40\x1ftitle_name_of_org");
    snprintf(ev_iri, sizeof ev_iri, BASE "evidence/%s", evk);
    assert_iri_triple(t, rel_iri, PROV "wasDerivedFrom", ev_iri);
    assert_literal(t, ev_iri, PROV "value", nasty, NULL, NULL);
    assert_iri_triple(t, ev_iri, PROV "wasQuotedFrom", BASE "document/doc-en-1");
    assert_literal(t, ev_iri, KG "end", "40", NULL, XSD "integer");
    assert_literal(t, ev_iri, KG "rule", "title_name_of_org", NULL, NULL);
    const triple *conf = find(t, ev_iri, KG "confidence", NULL);
    ck_assert_ptr_nonnull(conf);
    ck_assert_str_eq(conf->o, "9.0E-1");

    /* The shared evidence node is described once but cited twice. */
    char *shared = hex_key("doc-en-1\x1f"
                           "1\x1f"
                           "60\x1f"
                           "120\x1fsigning");
    snprintf(ev_iri, sizeof ev_iri, BASE "evidence/%s", shared);
    ck_assert_uint_eq(count(t, NULL, PROV "wasDerivedFrom", ev_iri), 2);
    ck_assert_uint_eq(count(t, ev_iri, PROV "value", NULL), 1);

    free(shared);
    free(evk);
    free(rel);
    free(doc_upper);
    free(doc_lower);
    triples_free(t);
    free(path);
    remove_tree(dir);
    free(dir);
    fixture_free(&f);
}
END_TEST

START_TEST(test_turtle_escapes_newlines_and_controls_in_one_line_literals) {
    fixture f;
    fixture_init(&f);
    char *ttl = export_mem(f.graph, KG_FORMAT_TTL, NULL);
    ck_assert_ptr_nonnull(
        strstr(ttl, "prov:value \"Aigul \\\"The Chair\\\" Test \\\\ leads <FTW>"));
    ck_assert_ptr_nonnull(strstr(ttl, "\\nsecond line\\u0001end\\tx\""));
    ck_assert_ptr_null(strstr(ttl, "\x01"));
    ck_assert_ptr_nonnull(strstr(ttl, "@prefix kg: <" KG_VOCAB_IRI "> ."));
    ck_assert_ptr_nonnull(strstr(ttl, "kg:mentions 3 ;"));
    free(ttl);
    fixture_free(&f);
}
END_TEST

START_TEST(test_bad_base_iri_is_a_usage_error) {
    static const char *const bad[] = {"https://bad iri.example/", "no-scheme/",
                                      "https://x/<y>/",           "https://x/a%zz/",
                                      "https://x/\x01/",          "https://x/\xff/"};
    for (size_t k = 0; k < sizeof bad / sizeof bad[0]; k++) {
        fixture f;
        fixture_init(&f);
        kg_graph_free(f.graph);
        build_graph(&f, bad[k]);
        for (unsigned fmt = KG_FORMAT_TTL; fmt <= KG_FORMAT_NQ; fmt <<= 1) {
            char *buf = NULL;
            size_t size = 0;
            FILE *out = open_memstream(&buf, &size);
            kg_error err;
            kg_error_clear(&err);
            kg_status status = kg_export(f.graph, (kg_format)fmt, out, &err);
            fclose(out);
            ck_assert_msg(status == KG_ERR_USAGE, "base '%s' accepted by %s", bad[k],
                          kg_format_name((kg_format)fmt));
            ck_assert_ptr_nonnull(strstr(err.message, "base IRI"));
            free(buf);
        }
        fixture_free(&f);
    }
    /* Non-ASCII letters and %-escapes are fine in an IRI. */
    fixture f;
    fixture_init(&f);
    kg_graph_free(f.graph);
    build_graph(&f, "https://пример.example/a%20b/");
    char *ttl = export_mem(f.graph, KG_FORMAT_TTL, NULL);
    ck_assert_ptr_nonnull(strstr(ttl, "@prefix person: <https://пример.example/a%20b/person/> ."));
    ck_assert_ptr_nonnull(strstr(ttl, "\nperson:aigul-test a foaf:Person"));
    char *nt = export_mem(f.graph, KG_FORMAT_NT, NULL);
    ck_assert_ptr_nonnull(strstr(nt, "<https://пример.example/a%20b/person/aigul-test>"));
    free(nt);
    free(ttl);
    fixture_free(&f);
}
END_TEST

START_TEST(test_unsafe_entity_ids_are_percent_encoded_alike_everywhere) {
    fixture f;
    fixture_init(&f);
    f.data.entities[3].id = P(&f, "person/berik <example>");
    char *dir = kgt_temp_dir("exp-ids");
    char *ttl_path = export_to(f.graph, KG_FORMAT_TTL, dir);
    triples *t = parse_turtle(ttl_path);
    assert_iri_triple(t, BASE "person/berik%20%3Cexample%3E", KG "met_with", AIGUL);
    char *json = export_mem(f.graph, KG_FORMAT_JSON, NULL);
    ck_assert_ptr_nonnull(strstr(json, "\"iri\": \"" BASE "person/berik%20%3Cexample%3E\""));
    char *graphml = export_mem(f.graph, KG_FORMAT_GRAPHML, NULL);
    ck_assert_ptr_nonnull(strstr(graphml, BASE "person/berik%20%3Cexample%3E</data>"));
    free(graphml);
    free(json);
    triples_free(t);
    free(ttl_path);
    remove_tree(dir);
    free(dir);
    fixture_free(&f);
}
END_TEST

START_TEST(test_turtle_writes_prefixed_names_and_bare_integers) {
    fixture f;
    fixture_init(&f);
    /* A local part ending in '.' is no PN_LOCAL: the full IRI stays. */
    f.data.entities[3].id = P(&f, "person/berik.");
    char *dir = kgt_temp_dir("exp-compact");
    char *path = export_to(f.graph, KG_FORMAT_TTL, dir);
    char *ttl = kgt_read_file(path, NULL);
    ck_assert_ptr_nonnull(strstr(ttl, "\n@prefix person: <" BASE "person/> .\n"));
    ck_assert_ptr_nonnull(strstr(ttl, "\n@prefix evidence: <" BASE "evidence/> .\n"));
    ck_assert_ptr_nonnull(strstr(ttl, "\n@prefix organization: <" BASE "organization/> .\n"));
    ck_assert_ptr_nonnull(strstr(ttl, "\nperson:aigul-test a foaf:Person , schema:Person ;"));
    ck_assert_ptr_nonnull(
        strstr(ttl, "org:member person:aigul-test ;\n"
                    "    org:organization organization:federation-of-testing-workers ;"));
    ck_assert_ptr_nonnull(strstr(ttl, "\n    kg:mentions 2 ;\n"));
    ck_assert_ptr_nonnull(strstr(ttl, "\n    kg:start 60 ;\n"));
    ck_assert_ptr_nonnull(strstr(ttl, "\n    prov:wasDerivedFrom evidence:"));
    ck_assert_ptr_null(strstr(ttl, "^^xsd:integer"));
    /* Doubles and dates stay quoted (rdflib would rewrite a bare double). */
    ck_assert_ptr_nonnull(strstr(ttl, "\n    kg:confidence \"7.0E-1\"^^xsd:double .\n"));
    ck_assert_ptr_nonnull(strstr(ttl, "\"2024-03-14\"^^xsd:date"));
    ck_assert_ptr_nonnull(strstr(ttl, "\n<" BASE "person/berik.> a foaf:Person"));
    ck_assert_ptr_null(strstr(ttl, "person:berik."));
    ck_assert_ptr_null(strstr(ttl, "<" BASE "person/aigul-test>"));
    /* Read back: the same IRIs and typed literals, lexical forms kept. */
    triples *t = parse_turtle(path);
    assert_iri_triple(t, AIGUL, KG "met_with", BASE "person/berik.");
    assert_literal(t, AIGUL, KG "mentions", "2", NULL, XSD "integer");
    const triple *ev = find(t, NULL, KG "confidence", "7.0E-1");
    ck_assert_ptr_nonnull(ev);
    ck_assert_str_eq(ev->datatype, XSD "double");
    triples_free(t);
    free(ttl);
    free(path);
    remove_tree(dir);
    free(dir);
    fixture_free(&f);
}
END_TEST

START_TEST(test_turtle_compact_forms_only_where_they_read_back_the_same) {
    static const char *const locals[] = {"aigul-test", "0123456789abcdef", "x", "_a", "a.b",
                                         "A-1_b"};
    for (size_t k = 0; k < sizeof locals / sizeof locals[0]; k++)
        ck_assert_msg(kg_export_turtle_local_ok(locals[k], strlen(locals[k])), "%s", locals[k]);
    static const char *const not_locals[] = {"",     "berik.", "-a",  ".a",     "a b", "a/b",
                                             "a%20", "a:b",    "a~b", "айгуль", "a#b", "a?"};
    for (size_t k = 0; k < sizeof not_locals / sizeof not_locals[0]; k++)
        ck_assert_msg(!kg_export_turtle_local_ok(not_locals[k], strlen(not_locals[k])), "%s",
                      not_locals[k]);

    /* Doubles, canonical or odd, finite or not, stay quoted. */
    static const char *const doubles[] = {"7.0E-1", "0.0E0", "-1.5E3", "NaN", "INF",
                                          "-INF",   "1.5",   "7.0E",   "",    "1"};
    for (size_t k = 0; k < sizeof doubles / sizeof doubles[0]; k++)
        ck_assert_msg(!kg_export_turtle_bare_literal(doubles[k], strlen(doubles[k]), "xsd:double"),
                      "%s", doubles[k]);
    static const char *const integers[] = {"0", "42", "-7", "18446744073709551615"};
    for (size_t k = 0; k < sizeof integers / sizeof integers[0]; k++)
        ck_assert_msg(
            kg_export_turtle_bare_literal(integers[k], strlen(integers[k]), "xsd:integer"), "%s",
            integers[k]);
    /* Turtle INTEGERs that rdflib would read back in another form, and
     * what is no INTEGER at all. */
    static const char *const odd_integers[] = {"+7",  "007", "-0", "-", "",
                                               "4.2", "1e3", " 1", "1 "};
    for (size_t k = 0; k < sizeof odd_integers / sizeof odd_integers[0]; k++)
        ck_assert_msg(
            !kg_export_turtle_bare_literal(odd_integers[k], strlen(odd_integers[k]), "xsd:integer"),
            "%s", odd_integers[k]);
    ck_assert(kg_export_turtle_bare_literal("true", 4, "xsd:boolean"));
    ck_assert(kg_export_turtle_bare_literal("false", 5, "xsd:boolean"));
    ck_assert(!kg_export_turtle_bare_literal("1", 1, "xsd:boolean"));
    ck_assert(!kg_export_turtle_bare_literal("2024-03-14", 10, "xsd:date"));
}
END_TEST

/* A label holding every ASCII character and some UTF-8: the writer's
 * escaping is byte for byte raptor2's for Turtle literals. */
START_TEST(test_literal_escapes_match_raptor) {
    char text[200];
    size_t n = 0;
    for (int c = 1; c < 0x80; c++)
        text[n++] = (char)c;
    memcpy(text + n, "\xD0\x90\xF0\x9F\x8E\x89", 6);
    n += 6;
    text[n] = '\0';
    fixture f;
    fixture_init(&f);
    f.data.entities[3].label = P(&f, text);

    raptor_world *world = raptor_new_world();
    ck_assert_ptr_nonnull(world);
    ck_assert_int_eq(raptor_world_open(world), 0);
    void *expected = NULL;
    size_t expected_len = 0;
    raptor_iostream *io = raptor_new_iostream_to_string(world, &expected, &expected_len, malloc);
    ck_assert_ptr_nonnull(io);
    raptor_string_escaped_write(
        (const unsigned char *)text, n, '"',
        RAPTOR_ESCAPED_WRITE_TURTLE_LITERAL | RAPTOR_ESCAPED_WRITE_BITFLAG_BS_ESCAPES_TNRU, io);
    raptor_free_iostream(io);
    raptor_free_world(world);

    char *want = malloc(expected_len + 64);
    ck_assert_ptr_nonnull(want);
    snprintf(want, expected_len + 64, "rdfs:label \"%s\"@en ;", (const char *)expected);
    char *ttl = export_mem(f.graph, KG_FORMAT_TTL, NULL);
    ck_assert_msg(strstr(ttl, want) != NULL, "missing %s", want);
    snprintf(want, expected_len + 64, "> \"%s\"@en .\n", (const char *)expected);
    char *nt = export_mem(f.graph, KG_FORMAT_NT, NULL);
    ck_assert_msg(strstr(nt, want) != NULL, "missing %s", want);
    free(nt);
    free(ttl);
    free(want);
    free(expected);
    fixture_free(&f);
}
END_TEST

/* ---- tests: JSON ------------------------------------------------------------------ */

static json_t *load_json(const char *path) {
    json_error_t jerr;
    json_t *root = json_load_file(path, 0, &jerr);
    ck_assert_msg(root != NULL, "jansson: %s at %d:%d", jerr.text, jerr.line, jerr.column);
    return root;
}

static const char *jget_str(json_t *o, const char *key) {
    json_t *v = json_object_get(o, key);
    ck_assert_msg(json_is_string(v), "\"%s\" is not a string", key);
    return json_string_value(v);
}

static json_int_t jget_int(json_t *o, const char *key) {
    json_t *v = json_object_get(o, key);
    ck_assert_msg(json_is_integer(v), "\"%s\" is not an integer", key);
    return json_integer_value(v);
}

static double jget_real(json_t *o, const char *key) {
    json_t *v = json_object_get(o, key);
    ck_assert_msg(json_is_number(v), "\"%s\" is not a number", key);
    return json_number_value(v);
}

START_TEST(test_json_is_node_link_with_contract_values) {
    fixture f;
    fixture_init(&f);
    char *dir = kgt_temp_dir("exp-json");
    char *path = export_to(f.graph, KG_FORMAT_JSON, dir);
    json_t *root = load_json(path);

    ck_assert(json_is_true(json_object_get(root, "directed")));
    ck_assert(json_is_true(json_object_get(root, "multigraph")));
    json_t *graph = json_object_get(root, "graph");
    ck_assert_str_eq(jget_str(graph, "generator"), "kgraph " KG_VERSION);
    ck_assert_str_eq(jget_str(graph, "base_iri"), BASE);
    ck_assert_str_eq(jget_str(graph, "vocab_iri"), KG_VOCAB_IRI);
    json_t *counts = json_object_get(graph, "counts");
    ck_assert_int_eq(jget_int(counts, "nodes"), 5);
    ck_assert_int_eq(jget_int(counts, "links"), 5);
    json_t *by_type = json_object_get(counts, "entities");
    ck_assert_int_eq(json_object_size(by_type), 5);
    ck_assert_int_eq(jget_int(by_type, "Person"), 2);
    ck_assert_int_eq(jget_int(by_type, "Event"), 0);
    json_t *by_rel = json_object_get(counts, "relations");
    ck_assert_int_eq(json_object_size(by_rel), 9);
    ck_assert_int_eq(jget_int(by_rel, "holds_post"), 1);
    ck_assert_int_eq(jget_int(by_rel, "visited"), 0);
    json_t *methods = json_object_get(graph, "centrality");
    ck_assert_int_eq(json_object_size(methods), 12);
    ck_assert_str_eq(jget_str(methods, "betweenness"),
                     "exact (Brandes, all 5 vertices as sources); undirected, unweighted");

    json_t *docs = json_object_get(graph, "documents");
    ck_assert_int_eq(json_array_size(docs), 3);
    json_t *d0 = json_array_get(docs, 0), *d2 = json_array_get(docs, 2);
    ck_assert_str_eq(jget_str(d0, "id"), "Doc A");
    ck_assert_ptr_null(json_object_get(d0, "title"));
    ck_assert_int_eq(jget_int(d0, "sentences"), 4);
    ck_assert_int_eq(jget_int(d0, "bytes"), 300);
    ck_assert_str_eq(jget_str(d2, "title"), "Testing workers \"meet\"");
    ck_assert_str_eq(jget_str(d2, "date"), "2024-03-15");
    ck_assert_str_eq(jget_str(d2, "url"), "https://news.example.org/a?x=1&y=2");

    json_t *nodes = json_object_get(root, "nodes");
    ck_assert_int_eq(json_array_size(nodes), 5);
    json_t *aigul = json_array_get(nodes, 2);
    ck_assert_str_eq(jget_str(aigul, "id"), "person/aigul-test");
    ck_assert_str_eq(jget_str(aigul, "iri"), AIGUL);
    ck_assert_str_eq(jget_str(aigul, "type"), "Person");
    ck_assert_str_eq(jget_str(aigul, "label"), "Aigul Test");
    ck_assert_str_eq(jget_str(aigul, "lang"), "en");
    ck_assert_str_eq(jget_str(json_object_get(aigul, "labels"), "ru"), "Айгуль Тест");
    ck_assert_int_eq(jget_int(aigul, "mentions"), 2);
    ck_assert_str_eq(json_string_value(json_array_get(json_object_get(aigul, "aliases"), 0)),
                     "A. Test");
    ck_assert_str_eq(json_string_value(json_array_get(json_object_get(aigul, "documents"), 0)),
                     "doc-en-1");
    json_t *centrality = json_object_get(aigul, "centrality");
    ck_assert_int_eq(json_object_size(centrality), 12);
    ck_assert(close_to(jget_real(centrality, "pagerank"), f.graph->centrality[2].pagerank));
    ck_assert(close_to(jget_real(centrality, "hub"), f.graph->centrality[2].hub));
    ck_assert(close_to(jget_real(centrality, "coreness"), f.graph->centrality[2].coreness));
    ck_assert_int_eq(jget_int(aigul, "community"), (json_int_t)f.graph->community[2]);
    ck_assert(close_to(jget_real(centrality, "out_degree"), 3));
    ck_assert(close_to(jget_real(centrality, "strength"), f.graph->centrality[2].strength));
    json_t *memo_labels = json_object_get(json_array_get(nodes, 0), "labels");
    ck_assert_int_eq(json_object_size(memo_labels), 1);
    ck_assert_ptr_null(json_object_get(memo_labels, "ru"));
    ck_assert_int_eq(json_array_size(json_object_get(json_array_get(nodes, 0), "aliases")), 0);
    ck_assert_str_eq(jget_str(json_array_get(nodes, 0), "date"), "2024-03-14");
    ck_assert_ptr_null(json_object_get(aigul, "date"));

    json_t *links = json_object_get(root, "links");
    ck_assert_int_eq(json_array_size(links), 5);
    json_t *party = json_array_get(links, 0);
    ck_assert_str_eq(jget_str(party, "key"), "party_to");
    ck_assert_ptr_null(json_object_get(party, "role"));
    ck_assert_ptr_null(json_object_get(party, "role_text"));
    json_t *hp = json_array_get(links, 3);
    ck_assert_str_eq(jget_str(hp, "source"), "person/aigul-test");
    ck_assert_str_eq(jget_str(hp, "target"), "organization/federation-of-testing-workers");
    ck_assert_str_eq(jget_str(hp, "key"), "holds_post:chairman");
    ck_assert_str_eq(jget_str(hp, "type"), "holds_post");
    ck_assert_str_eq(jget_str(hp, "role"), "chairman");
    ck_assert_str_eq(jget_str(hp, "role_text"), "Chairman");
    ck_assert_int_eq(jget_int(hp, "weight"), 2);
    ck_assert(close_to(jget_real(hp, "confidence"), 0.98));
    json_t *evidence = json_object_get(hp, "evidence");
    ck_assert_int_eq(json_array_size(evidence), 2);
    json_t *e1 = json_array_get(evidence, 1);
    ck_assert_str_eq(jget_str(e1, "text"), nasty);
    ck_assert_str_eq(jget_str(e1, "doc"), "doc-en-1");
    ck_assert_str_eq(jget_str(e1, "rule"), "title_name_of_org");
    ck_assert_int_eq(jget_int(e1, "sentence"), 0);
    ck_assert_int_eq(jget_int(e1, "start"), 0);
    ck_assert_int_eq(jget_int(e1, "end"), 40);
    ck_assert(close_to(jget_real(e1, "confidence"), 0.9));

    json_decref(root);
    free(path);
    remove_tree(dir);
    free(dir);
    fixture_free(&f);
}
END_TEST

START_TEST(test_json_output_is_deterministic_and_sorted) {
    fixture f;
    fixture_init(&f);
    size_t n1, n2;
    char *a = export_mem(f.graph, KG_FORMAT_JSON, &n1);
    char *b = export_mem(f.graph, KG_FORMAT_JSON, &n2);
    ck_assert_uint_eq(n1, n2);
    ck_assert(memcmp(a, b, n1) == 0);
    ck_assert(n1 > 2 && a[n1 - 1] == '\n' && a[n1 - 2] == '}');
    /* Top-level keys in byte order: directed, graph, links, multigraph, nodes. */
    const char *keys[] = {"\n \"directed\"", "\n \"graph\"", "\n \"links\"", "\n \"multigraph\"",
                          "\n \"nodes\""};
    const char *previous = a;
    for (size_t k = 0; k < 5; k++) {
        const char *at = strstr(a, keys[k]);
        ck_assert_msg(at != NULL && at > previous, "key %zu out of order", k);
        previous = at;
    }
    free(a);
    free(b);
    fixture_free(&f);
}
END_TEST

START_TEST(test_non_finite_numbers_are_written_as_zero) {
    fixture f;
    fixture_init(&f);
    f.graph->centrality[1].pagerank = NAN;
    f.graph->centrality[1].closeness = INFINITY;
    f.data.relations[0].confidence = -INFINITY;

    char *json = export_mem(f.graph, KG_FORMAT_JSON, NULL);
    json_error_t jerr;
    json_t *root = json_loads(json, 0, &jerr);
    ck_assert_msg(root != NULL, "%s", jerr.text);
    json_t *c = json_object_get(json_array_get(json_object_get(root, "nodes"), 1), "centrality");
    ck_assert(jget_real(c, "pagerank") == 0.0);
    ck_assert(jget_real(c, "closeness") == 0.0);
    ck_assert(jget_real(json_array_get(json_object_get(root, "links"), 0), "confidence") == 0.0);
    json_decref(root);

    char *ttl = export_mem(f.graph, KG_FORMAT_TTL, NULL);
    ck_assert_ptr_nonnull(strstr(ttl, "kg:pagerank \"0.0E0\"^^xsd:double ;"));
    ck_assert_ptr_nonnull(strstr(ttl, "kg:closeness \"0.0E0\"^^xsd:double ;"));
    /* Every object of a kg: predicate: no NaN or infinity, bare or quoted. */
    for (const char *at = ttl; (at = strstr(at, " kg:")) != NULL; at++) {
        const char *object = strchr(at + 1, ' ');
        ck_assert_ptr_nonnull(object);
        object += object[1] == '"' ? 2 : 1;
        ck_assert_msg(strncasecmp(object, "nan", 3) != 0 && strncasecmp(object, "inf", 3) != 0 &&
                          strncasecmp(object, "-inf", 4) != 0,
                      "non-finite double at %.30s", at);
    }
    char *csv = write_mem(kg_export_csv_nodes, f.graph);
    ck_assert_ptr_null(strstr(csv, "nan"));
    ck_assert_ptr_null(strstr(csv, "inf"));
    free(csv);
    csv = write_mem(kg_export_csv_relationships, f.graph);
    ck_assert_ptr_nonnull(strstr(csv, ",1,0,\""));
    free(csv);
    char *graphml = export_mem(f.graph, KG_FORMAT_GRAPHML, NULL);
    ck_assert_ptr_null(strstr(graphml, "nan"));
    ck_assert_ptr_null(strstr(graphml, "NaN"));
    ck_assert_ptr_null(strstr(graphml, "Inf<"));
    free(graphml);
    free(ttl);
    free(json);
    fixture_free(&f);
}
END_TEST

START_TEST(test_numbers_use_a_decimal_point_in_any_locale) {
    static const char *const locales[] = {"de_DE.UTF-8", "ru_RU.UTF-8", "fr_FR.UTF-8"};
    const char *chosen = NULL;
    char *locale_dir = NULL;
    for (size_t k = 0; k < 3 && chosen == NULL; k++)
        if (setlocale(LC_NUMERIC, locales[k]) != NULL)
            chosen = locales[k];
    if (chosen == NULL) {
        /* Minimal systems (CI) install no locales; compile one privately. */
        locale_dir = kgt_temp_dir("exp-locale");
        char cmd[4096];
        snprintf(cmd, sizeof cmd, "localedef -i de_DE -f UTF-8 '%s/de_DE.UTF-8'", locale_dir);
        if (kgt_run(cmd, NULL, NULL) == 0) {
            setenv("LOCPATH", locale_dir, 1);
            if (setlocale(LC_NUMERIC, "de_DE.UTF-8") != NULL)
                chosen = "de_DE.UTF-8";
        }
    }
    if (chosen == NULL) {
        unsetenv("LOCPATH");
        if (locale_dir != NULL)
            remove_tree(locale_dir);
        free(locale_dir);
        return; /* no locale with a decimal comma can be had here */
    }
    /* The locale is loaded; without LOCPATH glibc's newlocale("C") inside the
     * GraphML writer does not leak its copy of the path (seen with valgrind). */
    unsetenv("LOCPATH");
    char probe[16];
    snprintf(probe, sizeof probe, "%.1f", 0.5);
    ck_assert_str_eq(probe, "0,5"); /* the locale really is in force */
    fixture f;
    fixture_init(&f);
    char *ttl = export_mem(f.graph, KG_FORMAT_TTL, NULL);
    char *json = export_mem(f.graph, KG_FORMAT_JSON, NULL);
    char *graphml = export_mem(f.graph, KG_FORMAT_GRAPHML, NULL);
    char *csv = write_mem(kg_export_csv_relationships, f.graph);
    char *nt = export_mem(f.graph, KG_FORMAT_NT, NULL);
    setlocale(LC_NUMERIC, "C");
    if (locale_dir != NULL)
        remove_tree(locale_dir);
    free(locale_dir);
    ck_assert_msg(strstr(ttl, "kg:closeness \"8.0E-1\"^^xsd:double") != NULL, "%s", chosen);
    ck_assert_ptr_nonnull(strstr(json, "\"confidence\": 0.98"));
    ck_assert_ptr_nonnull(strstr(graphml, "<data key=\"e_confidence\">0.98</data>"));
    ck_assert_ptr_nonnull(strstr(csv, ",2,0.98,"));
    ck_assert_ptr_nonnull(strstr(nt, "\"8.0E-1\"^^<" XSD "double>"));
    free(csv);
    free(nt);
    free(ttl);
    free(json);
    free(graphml);
    fixture_free(&f);
}
END_TEST

/* ---- tests: GraphML ---------------------------------------------------------------- */

static void read_graphml(const char *path, igraph_t *g) {
    kg_igraph_setup();
    FILE *in = fopen(path, "r");
    ck_assert_ptr_nonnull(in);
    igraph_error_t rc = igraph_read_graph_graphml(g, in, 0);
    fclose(in);
    ck_assert_msg(rc == IGRAPH_SUCCESS, "igraph could not read %s: %s", path, igraph_strerror(rc));
}

START_TEST(test_graphml_reads_back_with_igraph) {
    fixture f;
    fixture_init(&f);
    char *dir = kgt_temp_dir("exp-graphml");
    char *path = export_to(f.graph, KG_FORMAT_GRAPHML, dir);
    igraph_t g;
    read_graphml(path, &g);

    ck_assert_int_eq(igraph_vcount(&g), 5);
    ck_assert_int_eq(igraph_ecount(&g), 5);
    ck_assert(igraph_is_directed(&g));
    ck_assert_str_eq(VAS(&g, "id", 2), "person/aigul-test");
    ck_assert_str_eq(VAS(&g, "iri", 2), AIGUL);
    ck_assert_str_eq(VAS(&g, "labels", 1), ":Organization");
    ck_assert_str_eq(VAS(&g, "entity_type", 1), "Organization");
    ck_assert_str_eq(VAS(&g, "name", 4), "Алматы");
    ck_assert_str_eq(VAS(&g, "lang", 4), "ru");
    ck_assert_str_eq(VAS(&g, "aliases", 1), "FTW | ФТР");
    ck_assert_str_eq(VAS(&g, "documents", 1), "doc-a | doc-en-1");
    ck_assert(VAN(&g, "mentions", 1) == 3);
    ck_assert(close_to(VAN(&g, "pagerank", 2), f.graph->centrality[2].pagerank));
    ck_assert(close_to(VAN(&g, "betweenness", 2), f.graph->centrality[2].betweenness));
    ck_assert(VAN(&g, "in_degree", 1) == 1 && VAN(&g, "out_degree", 1) == 2);

    igraph_integer_t from, to;
    igraph_edge(&g, 3, &from, &to);
    ck_assert_int_eq(from, 2);
    ck_assert_int_eq(to, 1);
    ck_assert_str_eq(EAS(&g, "label", 3), "HOLDS_POST");
    ck_assert_str_eq(EAS(&g, "relation", 3), "holds_post");
    ck_assert_str_eq(EAS(&g, "role", 3), "chairman");
    ck_assert_str_eq(EAS(&g, "role_text", 3), "Chairman");
    ck_assert_str_eq(EAS(&g, "role", 0), "");
    ck_assert(EAN(&g, "weight", 3) == 2);
    ck_assert(EAN(&g, "evidence_count", 3) == 2);
    ck_assert(close_to(EAN(&g, "confidence", 3), 0.98));
    ck_assert_str_eq(EAS(&g, "evidence_doc", 3), "doc-a");
    ck_assert_str_eq(EAS(&g, "rule", 3), "ru_title_name");
    ck_assert_str_eq(EAS(&g, "label", 4), "MET_WITH");
    ck_assert_str_eq(EAS(&g, "evidence_text", 4), "Aigul Test met with Berik Example.");

    /* No attribute name is used for both nodes and edges (Neo4j APOC). */
    igraph_strvector_t gn, vn, en;
    igraph_vector_int_t gt, vt, et;
    igraph_strvector_init(&gn, 0);
    igraph_strvector_init(&vn, 0);
    igraph_strvector_init(&en, 0);
    igraph_vector_int_init(&gt, 0);
    igraph_vector_int_init(&vt, 0);
    igraph_vector_int_init(&et, 0);
    igraph_cattribute_list(&g, &gn, &gt, &vn, &vt, &en, &et);
    ck_assert_int_eq(igraph_strvector_size(&vn), 9 + 1 + 12 + 1); /* + community */
    ck_assert_int_eq(igraph_strvector_size(&en), 7 + 3);
    for (igraph_integer_t a = 0; a < igraph_strvector_size(&vn); a++)
        for (igraph_integer_t b = 0; b < igraph_strvector_size(&en); b++)
            ck_assert_str_ne(igraph_strvector_get(&vn, a), igraph_strvector_get(&en, b));
    igraph_strvector_destroy(&gn);
    igraph_strvector_destroy(&vn);
    igraph_strvector_destroy(&en);
    igraph_vector_int_destroy(&gt);
    igraph_vector_int_destroy(&vt);
    igraph_vector_int_destroy(&et);

    igraph_destroy(&g);
    free(path);
    remove_tree(dir);
    free(dir);
    fixture_free(&f);
}
END_TEST

START_TEST(test_graphml_replaces_control_characters) {
    fixture f;
    fixture_init(&f);
    /* Put the nasty sentence first so that it is the edge's evidence_text. */
    kg_relation *hp = &f.data.relations[3];
    kg_evidence tmp = hp->evidence[0];
    hp->evidence[0] = hp->evidence[1];
    hp->evidence[1] = tmp;
    f.data.entities[3].label = P(&f, "Berik\x7f"
                                     "Example\x02");
    char *dir = kgt_temp_dir("exp-graphml-ctl");
    char *path = export_to(f.graph, KG_FORMAT_GRAPHML, dir);
    igraph_t g;
    read_graphml(path, &g);
    ck_assert_str_eq(EAS(&g, "evidence_text", 3), nasty_xml);
    ck_assert_str_eq(VAS(&g, "name", 3), "Berik Example ");
    igraph_destroy(&g);
    free(path);
    remove_tree(dir);
    free(dir);
    fixture_free(&f);
}
END_TEST

/* ---- tests: empty graph and write errors -------------------------------------- */

START_TEST(test_empty_graph_exports_valid_files) {
    kg_resolved empty;
    memset(&empty, 0, sizeof empty);
    kg_graph *graph = NULL;
    kg_error err;
    ck_assert_int_eq(kg_graph_build(&graph, &empty, NULL, &err), KG_OK);
    char *dir = kgt_temp_dir("exp-empty");

    char *path = export_to(graph, KG_FORMAT_TTL, dir);
    triples *t = parse_turtle(path);
    ck_assert_uint_eq(t->n, 0);
    triples_free(t);
    free(path);

    path = export_to(graph, KG_FORMAT_JSON, dir);
    json_t *root = load_json(path);
    ck_assert_int_eq(json_array_size(json_object_get(root, "nodes")), 0);
    ck_assert(json_is_array(json_object_get(root, "links")));
    ck_assert_int_eq(json_array_size(json_object_get(root, "links")), 0);
    json_t *counts = json_object_get(json_object_get(root, "graph"), "counts");
    ck_assert_int_eq(jget_int(counts, "nodes"), 0);
    ck_assert_int_eq(jget_int(json_object_get(counts, "entities"), "Organization"), 0);
    ck_assert_str_eq(jget_str(json_object_get(root, "graph"), "base_iri"), KG_DEFAULT_BASE_IRI);
    json_decref(root);
    free(path);

    path = export_to(graph, KG_FORMAT_GRAPHML, dir);
    igraph_t g;
    read_graphml(path, &g);
    ck_assert_int_eq(igraph_vcount(&g), 0);
    ck_assert_int_eq(igraph_ecount(&g), 0);
    igraph_destroy(&g);
    free(path);

    remove_tree(dir);
    free(dir);
    kg_graph_free(graph);
}
END_TEST

START_TEST(test_writers_report_disk_full) {
    fixture f;
    fixture_init(&f);
    for (unsigned fmt = KG_FORMAT_TTL; fmt <= KG_FORMAT_NQ; fmt <<= 1) {
        FILE *full = fopen("/dev/full", "w");
        ck_assert_ptr_nonnull(full);
        kg_error err;
        kg_error_clear(&err);
        kg_status status = kg_export(f.graph, (kg_format)fmt, full, &err);
        fclose(full);
        ck_assert_msg(status == KG_ERR_IO, "%s wrote to /dev/full: status %d",
                      kg_format_name((kg_format)fmt), status);
        ck_assert_ptr_nonnull(strstr(err.message, strerror(ENOSPC)));
    }
    kg_status (*const writers[])(const kg_graph *, FILE *, kg_error *) = {
        kg_export_cytoscape, kg_export_csv_nodes, kg_export_csv_relationships};
    for (size_t k = 0; k < sizeof writers / sizeof writers[0]; k++) {
        FILE *full = fopen("/dev/full", "w");
        kg_error err;
        kg_error_clear(&err);
        kg_status status = writers[k](f.graph, full, &err);
        fclose(full);
        ck_assert_msg(status == KG_ERR_IO, "writer %zu wrote to /dev/full", k);
        ck_assert_ptr_nonnull(strstr(err.message, strerror(ENOSPC)));
    }
    fixture_free(&f);
}
END_TEST

/* ---- tests: atomic files --------------------------------------------------------- */

START_TEST(test_export_file_replaces_target_and_keeps_its_mode) {
    fixture f;
    fixture_init(&f);
    char *dir = kgt_temp_dir("exp-atomic");
    char *path = kgt_path(dir, "graph.json");
    ck_assert_int_eq(kgt_write_file(path, "OLD", 3), 0);
    ck_assert_int_eq(chmod(path, 0640), 0);
    kg_error err;
    ck_assert_int_eq(kg_export_file(f.graph, KG_FORMAT_JSON, path, &err), KG_OK);
    char *text = kgt_read_file(path, NULL);
    ck_assert(text != NULL && text[0] == '{');
    struct stat st;
    ck_assert_int_eq(stat(path, &st), 0);
    ck_assert_int_eq(st.st_mode & 0777, 0640);
    char names[4][256];
    ck_assert_uint_eq(dir_entries(dir, names, 4), 1);
    ck_assert_str_eq(names[0], "graph.json");

    /* A new file gets the usual 0666 & ~umask, not mkstemp's 0600. */
    char *fresh = kgt_path(dir, "graph.ttl");
    ck_assert_int_eq(kg_export_file(f.graph, KG_FORMAT_TTL, fresh, &err), KG_OK);
    mode_t mask = umask(022);
    umask(mask);
    ck_assert_int_eq(stat(fresh, &st), 0);
    ck_assert_int_eq(st.st_mode & 0777, 0666 & ~mask);

    free(fresh);
    free(text);
    free(path);
    remove_tree(dir);
    free(dir);
    fixture_free(&f);
}
END_TEST

START_TEST(test_export_file_into_missing_directory_is_an_io_error) {
    fixture f;
    fixture_init(&f);
    char *dir = kgt_temp_dir("exp-missing");
    char *path = kgt_path(dir, "no/such/dir/graph.ttl");
    kg_error err;
    kg_error_clear(&err);
    ck_assert_int_eq(kg_export_file(f.graph, KG_FORMAT_TTL, path, &err), KG_ERR_IO);
    ck_assert_str_eq(err.where, path);
    ck_assert_ptr_nonnull(strstr(err.message, strerror(ENOENT)));
    char buf[2048];
    ck_assert_ptr_nonnull(strstr(kg_error_format(&err, buf, sizeof buf), path));
    char names[4][256];
    ck_assert_uint_eq(dir_entries(dir, names, 4), 0);
    free(path);
    remove_tree(dir);
    free(dir);
    fixture_free(&f);
}
END_TEST

/* The target keeps its old content and no temporary file is left. */
static void assert_untouched(const char *dir, const char *path) {
    char *text = kgt_read_file(path, NULL);
    ck_assert_ptr_nonnull(text);
    ck_assert_str_eq(text, "OLD");
    free(text);
    char names[4][256];
    ck_assert_uint_eq(dir_entries(dir, names, 4), 1);
}

START_TEST(test_failed_writer_leaves_target_untouched) {
    fixture f;
    fixture_init(&f);
    kg_graph_free(f.graph);
    build_graph(&f, "https://bad base/");
    char *dir = kgt_temp_dir("exp-badbase");
    for (unsigned fmt = KG_FORMAT_TTL; fmt <= KG_FORMAT_NQ; fmt <<= 1) {
        char *path = kgt_path(dir, kg_format_filename((kg_format)fmt));
        ck_assert_int_eq(kgt_write_file(path, "OLD", 3), 0);
        kg_error err;
        kg_error_clear(&err);
        ck_assert_int_eq(kg_export_file(f.graph, (kg_format)fmt, path, &err), KG_ERR_USAGE);
        char *text = kgt_read_file(path, NULL);
        ck_assert_str_eq(text, "OLD");
        free(text);
        free(path);
    }
    char names[8][256];
    ck_assert_uint_eq(dir_entries(dir, names, 8), 5);
    remove_tree(dir);
    free(dir);
    fixture_free(&f);
}
END_TEST

START_TEST(test_disk_full_during_export_file_leaves_target_untouched) {
    fixture f;
    fixture_init(&f);
    char *dir = kgt_temp_dir("exp-fsize");
    char *path = kgt_path(dir, "graph.ttl");
    ck_assert_int_eq(kgt_write_file(path, "OLD", 3), 0);

    /* A file size limit makes writes past 1 KiB fail with EFBIG, like a full
     * disk, even for root (who ignores read-only directories). */
    struct rlimit saved, small;
    ck_assert_int_eq(getrlimit(RLIMIT_FSIZE, &saved), 0);
    small = saved;
    small.rlim_cur = 1024;
    void (*old_handler)(int) = signal(SIGXFSZ, SIG_IGN);
    kg_error err;
    kg_error_clear(&err);
    /* No ck_assert while the limit holds: with CK_FORK=no, Check writes each
     * assertion's record to a file of its own, which the limit would cut. */
    int limited = setrlimit(RLIMIT_FSIZE, &small);
    kg_status status = kg_export_file(f.graph, KG_FORMAT_TTL, path, &err);
    setrlimit(RLIMIT_FSIZE, &saved);
    signal(SIGXFSZ, old_handler);
    ck_assert_int_eq(limited, 0);

    ck_assert_int_eq(status, KG_ERR_IO);
    ck_assert_str_eq(err.where, path);
    ck_assert_msg(strstr(err.message, strerror(EFBIG)) != NULL, "message: %s", err.message);
    assert_untouched(dir, path);
    free(path);
    remove_tree(dir);
    free(dir);
    fixture_free(&f);
}
END_TEST

START_TEST(test_export_file_into_read_only_directory_is_an_io_error) {
    if (geteuid() == 0)
        return; /* root writes anyway; the rlimit test covers this path */
    fixture f;
    fixture_init(&f);
    char *dir = kgt_temp_dir("exp-readonly");
    char *path = kgt_path(dir, "graph.json");
    ck_assert_int_eq(kgt_write_file(path, "OLD", 3), 0);
    ck_assert_int_eq(chmod(dir, 0555), 0);
    kg_error err;
    kg_error_clear(&err);
    kg_status status = kg_export_file(f.graph, KG_FORMAT_JSON, path, &err);
    chmod(dir, 0755);
    ck_assert_int_eq(status, KG_ERR_IO);
    ck_assert_ptr_nonnull(strstr(err.message, strerror(EACCES)));
    assert_untouched(dir, path);
    free(path);
    remove_tree(dir);
    free(dir);
    fixture_free(&f);
}
END_TEST

START_TEST(test_export_file_onto_a_directory_is_an_io_error) {
    fixture f;
    fixture_init(&f);
    char *dir = kgt_temp_dir("exp-ontodir");
    char *path = kgt_path(dir, "graph.json");
    ck_assert_int_eq(mkdir(path, 0755), 0);
    kg_error err;
    kg_error_clear(&err);
    ck_assert_int_eq(kg_export_file(f.graph, KG_FORMAT_JSON, path, &err), KG_ERR_IO);
    struct stat st;
    ck_assert_int_eq(stat(path, &st), 0);
    ck_assert(S_ISDIR(st.st_mode));
    char names[4][256];
    ck_assert_uint_eq(dir_entries(dir, names, 4), 1);
    free(path);
    remove_tree(dir);
    free(dir);
    fixture_free(&f);
}
END_TEST

/* ---- tests: formats ------------------------------------------------------------------ */

START_TEST(test_format_list_parsing) {
    unsigned set = 0;
    kg_error err;
    ck_assert_int_eq(kg_format_parse_list("ttl,json", &set, &err), KG_OK);
    ck_assert_uint_eq(set, KG_FORMAT_TTL | KG_FORMAT_JSON);
    ck_assert_int_eq(kg_format_parse_list(" GraphML , turtle ", &set, &err), KG_OK);
    ck_assert_uint_eq(set, KG_FORMAT_GRAPHML | KG_FORMAT_TTL);
    ck_assert_int_eq(kg_format_parse_list("all", &set, &err), KG_OK);
    ck_assert_uint_eq(set, KG_FORMAT_ALL);
    ck_assert_uint_eq(set, KG_FORMAT_TTL | KG_FORMAT_GRAPHML | KG_FORMAT_JSON);
    ck_assert_int_eq(kg_format_parse_list("nt,NQ,csv", &set, &err), KG_OK);
    ck_assert_uint_eq(set, KG_FORMAT_NT | KG_FORMAT_NQ | KG_FORMAT_CSV);
    ck_assert_int_eq(kg_format_parse_list("n-triples,nquads,all,csv", &set, &err), KG_OK);
    ck_assert_uint_eq(set, KG_FORMAT_EVERY);

    set = 42;
    kg_error_clear(&err);
    ck_assert_int_eq(kg_format_parse_list("ttl,xml", &set, &err), KG_ERR_USAGE);
    ck_assert_int_eq(err.status, KG_ERR_USAGE);
    ck_assert_ptr_nonnull(strstr(err.message, "'xml'"));
    ck_assert_uint_eq(set, 42);
    ck_assert_int_eq(kg_format_parse_list("", &set, &err), KG_ERR_USAGE);
    ck_assert_int_eq(kg_format_parse_list("ttl,,json", &set, &err), KG_ERR_USAGE);
    ck_assert_int_eq(kg_format_parse_list(NULL, &set, &err), KG_ERR_USAGE);
    ck_assert_int_eq(kg_format_parse_list("jsonx", &set, NULL), KG_ERR_USAGE);
}
END_TEST

START_TEST(test_format_names_and_files) {
    ck_assert_str_eq(kg_format_name(KG_FORMAT_TTL), "ttl");
    ck_assert_str_eq(kg_format_name(KG_FORMAT_GRAPHML), "graphml");
    ck_assert_str_eq(kg_format_name(KG_FORMAT_JSON), "json");
    ck_assert_ptr_null(kg_format_name(KG_FORMAT_ALL));
    ck_assert_str_eq(kg_format_filename(KG_FORMAT_TTL), "graph.ttl");
    ck_assert_str_eq(kg_format_filename(KG_FORMAT_GRAPHML), "graph.graphml");
    ck_assert_str_eq(kg_format_filename(KG_FORMAT_JSON), "graph.json");
    ck_assert_ptr_null(kg_format_filename((kg_format)0));
    ck_assert_str_eq(kg_format_name(KG_FORMAT_NT), "nt");
    ck_assert_str_eq(kg_format_name(KG_FORMAT_NQ), "nq");
    ck_assert_str_eq(kg_format_name(KG_FORMAT_CSV), "csv");
    ck_assert_str_eq(kg_format_filename(KG_FORMAT_NT), "graph.nt");
    ck_assert_str_eq(kg_format_filename(KG_FORMAT_NQ), "graph.nq");
    ck_assert_ptr_null(kg_format_filename(KG_FORMAT_CSV));
    ck_assert_uint_eq(kg_format_file_count(KG_FORMAT_CSV), 2);
    ck_assert_uint_eq(kg_format_file_count(KG_FORMAT_JSON), 1);
    ck_assert_uint_eq(kg_format_file_count(KG_FORMAT_ALL), 0);
    ck_assert_str_eq(kg_format_file_name(KG_FORMAT_CSV, 0), "nodes.csv");
    ck_assert_str_eq(kg_format_file_name(KG_FORMAT_CSV, 1), "relationships.csv");
    ck_assert_ptr_null(kg_format_file_name(KG_FORMAT_CSV, 2));
    ck_assert_str_eq(kg_format_file_name(KG_FORMAT_TTL, 0), "graph.ttl");
    ck_assert_ptr_null(kg_format_file_name(KG_FORMAT_TTL, 1));

    kg_json_style style = KG_JSON_CYTOSCAPE;
    ck_assert_int_eq(kg_json_style_parse("node-link", &style, NULL), KG_OK);
    ck_assert_int_eq(style, KG_JSON_NODE_LINK);
    ck_assert_int_eq(kg_json_style_parse("Cytoscape", &style, NULL), KG_OK);
    ck_assert_int_eq(style, KG_JSON_CYTOSCAPE);
    kg_error style_err;
    kg_error_clear(&style_err);
    ck_assert_int_eq(kg_json_style_parse("d3", &style, &style_err), KG_ERR_USAGE);
    ck_assert_ptr_nonnull(strstr(style_err.message, "'d3'"));
    ck_assert_int_eq(style, KG_JSON_CYTOSCAPE);

    fixture f;
    fixture_init(&f);
    kg_error err;
    ck_assert_int_eq(kg_export(f.graph, KG_FORMAT_ALL, stdout, &err), KG_ERR_USAGE);
    ck_assert_int_eq(kg_export_file(f.graph, KG_FORMAT_ALL, "x", &err), KG_ERR_USAGE);
    fixture_free(&f);
}
END_TEST

/* ---- tests: N-Triples and N-Quads ------------------------------------------------ */

static int cmp_strings(const void *a, const void *b) {
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* One string per triple (s, p, o, lang, datatype), sorted: two parses hold
 * the same triples when these arrays are equal. */
static char **triple_keys(const triples *t, bool with_graph) {
    char **keys = calloc(t->n + 1, sizeof *keys);
    ck_assert_ptr_nonnull(keys);
    for (size_t i = 0; i < t->n; i++) {
        const triple *x = &t->items[i];
        size_t n = strlen(x->s) + strlen(x->p) + strlen(x->o) + 64 +
                   (x->lang != NULL ? strlen(x->lang) : 0) +
                   (x->datatype != NULL ? strlen(x->datatype) : 0) +
                   (x->g != NULL ? strlen(x->g) : 0);
        keys[i] = malloc(n);
        snprintf(keys[i], n, "%s\x1f%s\x1f%c%s\x1f%s\x1f%s\x1f%s", x->s, x->p,
                 x->literal ? 'L' : 'I', x->o, x->lang != NULL ? x->lang : "",
                 x->datatype != NULL ? x->datatype : "", with_graph && x->g != NULL ? x->g : "");
    }
    qsort(keys, t->n, sizeof *keys, cmp_strings);
    return keys;
}

static void keys_free(char **keys, size_t n) {
    for (size_t i = 0; i < n; i++)
        free(keys[i]);
    free(keys);
}

/* Sorted keys without repeats; returns how many are left. */
static size_t unique_keys(char **keys, size_t n) {
    size_t kept = 0;
    for (size_t i = 0; i < n; i++) {
        if (kept > 0 && strcmp(keys[kept - 1], keys[i]) == 0) {
            free(keys[i]);
            continue;
        }
        keys[kept++] = keys[i];
    }
    return kept;
}

static void assert_same_keys(char **a, size_t na, char **b, size_t nb, const char *what) {
    ck_assert_msg(na == nb, "%s: %zu vs %zu triples", what, na, nb);
    for (size_t i = 0; i < na; i++)
        ck_assert_msg(strcmp(a[i], b[i]) == 0, "%s differ at %zu: %s vs %s", what, i, a[i], b[i]);
}

/* The graphs (NULL: default) in which the quad s p o appears, as a count,
 * and whether it is in graph g. */
static bool in_graph(const triples *t, const char *s, const char *p, const char *o, const char *g) {
    for (size_t i = 0; i < t->n; i++) {
        const triple *x = &t->items[i];
        if (strcmp(x->s, s) == 0 && strcmp(x->p, p) == 0 && strcmp(x->o, o) == 0 &&
            ((g == NULL && x->g == NULL) || (g != NULL && x->g != NULL && strcmp(x->g, g) == 0)))
            return true;
    }
    return false;
}

/* The triples of the Turtle file and the N-Triples file are the same
 * (label names the case in messages), and no N-Triples line is repeated. */
static void assert_turtle_holds_the_ntriples(const char *ttl_path, const char *nt_path,
                                             const char *label) {
    triples *ttl = parse_turtle(ttl_path);
    triples *nt = parse_lines(nt_path, false);
    char **a = triple_keys(ttl, false), **b = triple_keys(nt, false);
    assert_same_keys(a, ttl->n, b, nt->n, label);
    ck_assert_uint_eq(unique_keys(b, nt->n), nt->n);
    keys_free(a, ttl->n);
    keys_free(b, nt->n);
    triples_free(ttl);
    triples_free(nt);
}

START_TEST(test_ntriples_hold_exactly_the_turtle_triples) {
    fixture f;
    fixture_init(&f);
    char *dir = kgt_temp_dir("exp-nt");
    char *ttl_path = export_to(f.graph, KG_FORMAT_TTL, dir);
    char *nt_path = export_to(f.graph, KG_FORMAT_NT, dir);
    assert_turtle_holds_the_ntriples(ttl_path, nt_path, "Turtle and N-Triples");

    /* One statement per line, full IRIs, the same escapes as Turtle. */
    char *text = kgt_read_file(nt_path, NULL);
    ck_assert_ptr_nonnull(
        strstr(text, "<" AIGUL "> <" RDF "type> <http://xmlns.com/foaf/0.1/Person> .\n"));
    ck_assert_ptr_nonnull(strstr(text, "\\nsecond line\\u0001end\\tx\" .\n"));
    ck_assert_ptr_nonnull(strstr(text, "\"2\"^^<" XSD "integer> .\n"));
    ck_assert_ptr_null(strstr(text, "@prefix"));
    free(text);
    free(ttl_path);
    free(nt_path);
    remove_tree(dir);
    free(dir);
    fixture_free(&f);
}
END_TEST

/* The prefixes follow the base IRI, also one that is itself a vocabulary
 * namespace, and ids that are no PN_LOCAL keep their full IRI: whatever the
 * spelling, Turtle and N-Triples hold the same triples. */
START_TEST(test_turtle_prefixes_follow_any_base_iri) {
    static const char *const bases[] = {KG, ORG, XSD, "https://x.example/person/", BASE};
    for (size_t k = 0; k < sizeof bases / sizeof bases[0]; k++) {
        fixture f;
        fixture_init(&f);
        kg_graph_free(f.graph);
        f.data.entities[3].id = P(&f, "person/berik.");
        f.data.entities[4].id = P(&f, "place/almaty/centre");
        build_graph(&f, bases[k]);
        char *dir = kgt_temp_dir("exp-base");
        char *ttl_path = export_to(f.graph, KG_FORMAT_TTL, dir);
        char *nt_path = export_to(f.graph, KG_FORMAT_NT, dir);
        char *text = kgt_read_file(ttl_path, NULL);
        char line[256];
        snprintf(line, sizeof line, "\n@prefix person: <%sperson/> .\n", bases[k]);
        ck_assert_msg(strstr(text, line) != NULL, "missing %s", line);
        ck_assert_ptr_nonnull(strstr(text, "\nperson:aigul-test a foaf:Person"));
        snprintf(line, sizeof line, "<%splace/almaty/centre>", bases[k]);
        ck_assert_msg(strstr(text, line) != NULL, "missing %s", line);
        assert_turtle_holds_the_ntriples(ttl_path, nt_path, bases[k]);
        free(text);
        free(ttl_path);
        free(nt_path);
        remove_tree(dir);
        free(dir);
        fixture_free(&f);
    }
}
END_TEST

START_TEST(test_nquads_put_what_each_document_says_in_its_graph) {
    fixture f;
    fixture_init(&f);
    char *dir = kgt_temp_dir("exp-nq");
    char *nt_path = export_to(f.graph, KG_FORMAT_NT, dir);
    char *nq_path = export_to(f.graph, KG_FORMAT_NQ, dir);
    triples *nt = parse_lines(nt_path, false);
    triples *nq = parse_lines(nq_path, true);

    /* Every quad once; dropping the graphs gives the N-Triples. */
    char **quads = triple_keys(nq, true);
    ck_assert_uint_eq(unique_keys(quads, nq->n), nq->n);
    keys_free(quads, nq->n);
    char **a = triple_keys(nt, false), **b = triple_keys(nq, false);
    size_t nb = unique_keys(b, nq->n);
    assert_same_keys(a, nt->n, b, nb, "N-Triples and N-Quads without graphs");
    keys_free(a, nt->n);
    keys_free(b, nb);

    char *doc_upper = doc_iri_with_suffix("doc-a", "Doc A");
    char *doc_lower = doc_iri_with_suffix("doc-a", "doc-a");
    const char *doc_en = BASE "document/doc-en-1";
    for (size_t i = 0; i < nq->n; i++) {
        const char *g = nq->items[i].g;
        ck_assert_msg(g == NULL || strcmp(g, doc_upper) == 0 || strcmp(g, doc_lower) == 0 ||
                          strcmp(g, doc_en) == 0,
                      "quad in graph %s", g);
    }
    /* holds_post is read in doc-a and doc-en-1: in both graphs, not in the default. */
    ck_assert(in_graph(nq, AIGUL, KG "holds_post", FTW, doc_lower));
    ck_assert(in_graph(nq, AIGUL, KG "holds_post", FTW, doc_en));
    ck_assert(in_graph(nq, AIGUL, ORG "headOf", FTW, doc_en));
    ck_assert(!in_graph(nq, AIGUL, KG "holds_post", FTW, NULL));
    ck_assert(!in_graph(nq, AIGUL, KG "holds_post", FTW, doc_upper));
    ck_assert(in_graph(nq, BERIK, KG "met_with", AIGUL, doc_upper));
    char *rel = hex_key("person/aigul-test\x1fholds_post\x1forganization/"
                        "federation-of-testing-workers\x1f"
                        "chairman");
    char member_iri[256], rel_iri[256], ev_iri[256];
    snprintf(member_iri, sizeof member_iri, BASE "membership/%s", rel);
    snprintf(rel_iri, sizeof rel_iri, BASE "relation/%s", rel);
    ck_assert(in_graph(nq, member_iri, ORG "member", AIGUL, doc_lower));
    ck_assert(in_graph(nq, member_iri, ORG "member", AIGUL, doc_en));
    /* The statement with its weight, labels and documents: default graph. */
    ck_assert(in_graph(nq, rel_iri, RDF "subject", AIGUL, NULL));
    ck_assert(in_graph(nq, AIGUL, RDF "type", SCHEMA "Person", NULL));
    ck_assert(in_graph(nq, BASE "role/chairman", RDF "type", ORG "Role", NULL));
    /* Evidence lives in the graph of the document it was read in. */
    char *evk = hex_key("doc-en-1\x1f"
                        "0\x1f"
                        "0\x1f"
                        "40\x1ftitle_name_of_org");
    snprintf(ev_iri, sizeof ev_iri, BASE "evidence/%s", evk);
    ck_assert(in_graph(nq, ev_iri, PROV "wasQuotedFrom", doc_en, doc_en));
    ck_assert(!in_graph(nq, ev_iri, PROV "wasQuotedFrom", doc_en, NULL));

    free(evk);
    free(rel);
    free(doc_upper);
    free(doc_lower);
    triples_free(nt);
    triples_free(nq);
    free(nt_path);
    free(nq_path);
    remove_tree(dir);
    free(dir);
    fixture_free(&f);
}
END_TEST

START_TEST(test_member_of_is_an_org_membership) {
    fixture f;
    fixture_init(&f);
    f.data.relations[1].type = KG_REL_MEMBER_OF; /* FTW member of "Almaty", edge unchanged */
    char *dir = kgt_temp_dir("exp-member");
    char *path = export_to(f.graph, KG_FORMAT_TTL, dir);
    triples *t = parse_turtle(path);
    char *key =
        hex_key("organization/federation-of-testing-workers\x1fmember_of\x1fplace/almaty\x1f");
    char iri[256];
    snprintf(iri, sizeof iri, BASE "membership/%s", key);
    assert_iri_triple(t, iri, RDF "type", ORG "Membership");
    assert_iri_triple(t, iri, ORG "member", FTW);
    assert_iri_triple(t, iri, ORG "organization", ALMATY);
    ck_assert_uint_eq(count(t, iri, ORG "role", NULL), 0);
    assert_iri_triple(t, FTW, ORG "memberOf", ALMATY);
    assert_iri_triple(t, FTW, KG "member_of", ALMATY);
    free(key);
    triples_free(t);
    free(path);
    remove_tree(dir);
    free(dir);
    fixture_free(&f);
}
END_TEST

/* ---- tests: CSV -------------------------------------------------------------------- */

/* An RFC 4180 table: fields, and whether each was quoted (an unquoted empty
 * field is a missing value). */
typedef struct csv_row {
    char **fields;
    bool *quoted;
    size_t n;
} csv_row;

typedef struct csv_table {
    csv_row *rows;
    size_t n;
} csv_table;

static csv_table *parse_csv(const char *text) {
    csv_table *t = calloc(1, sizeof *t);
    text_buf field = {NULL, 0};
    csv_row row = {NULL, NULL, 0};
    bool quoted = false, in_quotes = false, row_open = false;
    for (const char *p = text;; p++) {
        char c = *p;
        if (in_quotes) {
            ck_assert_msg(c != '\0', "unterminated quoted field");
            if (c == '"' && p[1] == '"') {
                text_put(&field, "\"", 1);
                p++;
            } else if (c == '"') {
                in_quotes = false;
                ck_assert_msg(p[1] == ',' || p[1] == '\n' || p[1] == '\0',
                              "text after a closing quote: %.20s", p);
            } else {
                text_put(&field, &c, 1);
            }
            continue;
        }
        if (c == '"' && field.len == 0 && !quoted) {
            in_quotes = quoted = row_open = true;
            continue;
        }
        if (c == ',' || c == '\n' || (c == '\0' && row_open)) {
            row.fields = realloc(row.fields, (row.n + 1) * sizeof *row.fields);
            row.quoted = realloc(row.quoted, (row.n + 1) * sizeof *row.quoted);
            row.fields[row.n] = strdup(field.data != NULL && field.len > 0 ? field.data : "");
            row.quoted[row.n++] = quoted;
            field.len = 0;
            quoted = false;
            row_open = c == ',';
            if (c != ',') {
                t->rows = realloc(t->rows, (t->n + 1) * sizeof *t->rows);
                t->rows[t->n++] = row;
                row = (csv_row){NULL, NULL, 0};
            }
            if (c == '\0')
                break;
            continue;
        }
        if (c == '\0')
            break;
        ck_assert_msg(c != '"', "quote inside an unquoted field");
        text_put(&field, &c, 1);
        row_open = true;
    }
    free(field.data);
    return t;
}

static void csv_free(csv_table *t) {
    for (size_t r = 0; r < t->n; r++) {
        for (size_t k = 0; k < t->rows[r].n; k++)
            free(t->rows[r].fields[k]);
        free(t->rows[r].fields);
        free(t->rows[r].quoted);
    }
    free(t->rows);
    free(t);
}

static size_t csv_column(const csv_table *t, const char *name) {
    for (size_t k = 0; k < t->rows[0].n; k++)
        if (strcmp(t->rows[0].fields[k], name) == 0)
            return k;
    ck_abort_msg("no column %s", name);
    return 0;
}

static const char *cell(const csv_table *t, size_t row, const char *column) {
    return t->rows[row].fields[csv_column(t, column)];
}

static csv_table *export_csv(const kg_graph *g, const char *dir, const char *name) {
    kg_error err;
    kg_error_clear(&err);
    ck_assert_int_eq(kg_export_dir(g, KG_FORMAT_CSV, NULL, dir, &err), KG_OK);
    char *path = kgt_path(dir, name);
    char *text = kgt_read_file(path, NULL);
    ck_assert_ptr_nonnull(text);
    csv_table *t = parse_csv(text);
    free(text);
    free(path);
    return t;
}

START_TEST(test_csv_has_neo4j_import_headers_and_every_value) {
    fixture f;
    fixture_init(&f);
    char *dir = kgt_temp_dir("exp-csv");
    csv_table *nodes = export_csv(f.graph, dir, "nodes.csv");
    csv_table *rels = export_csv(f.graph, dir, "relationships.csv");

    ck_assert_uint_eq(nodes->n, 1 + 5);
    ck_assert_uint_eq(rels->n, 1 + 5);
    static const char *const node_header[] = {"id:ID",
                                              ":LABEL",
                                              "iri",
                                              "type",
                                              "name",
                                              "lang",
                                              "label_en",
                                              "label_ru",
                                              "date",
                                              "aliases:string[]",
                                              "documents:string[]",
                                              "mentions:long",
                                              "degree:double",
                                              "in_degree:double",
                                              "out_degree:double",
                                              "strength:double",
                                              "betweenness:double",
                                              "closeness:double",
                                              "harmonic:double",
                                              "pagerank:double",
                                              "eigenvector:double",
                                              "hub:double",
                                              "authority:double",
                                              "coreness:double",
                                              "community:long"};
    ck_assert_uint_eq(nodes->rows[0].n, sizeof node_header / sizeof node_header[0]);
    for (size_t k = 0; k < sizeof node_header / sizeof node_header[0]; k++)
        ck_assert_str_eq(nodes->rows[0].fields[k], node_header[k]);
    /* Kuzu's COPY FROM maps columns by position: the order is the contract. */
    ck_assert_str_eq(nodes->rows[0].fields[0], "id:ID");
    ck_assert_str_eq(nodes->rows[0].fields[1], ":LABEL");
    ck_assert_str_eq(nodes->rows[0].fields[8], "date");
    ck_assert_str_eq(nodes->rows[0].fields[20], "eigenvector:double");
    ck_assert_str_eq(cell(nodes, 1, "date"), "2024-03-14");
    static const char *const rel_header[] = {
        ":START_ID",          ":END_ID", ":TYPE",     "iri",         "key",
        "relation",           "role",    "role_text", "weight:long", "confidence:double",
        "documents:string[]", "evidence"};
    ck_assert_uint_eq(rels->rows[0].n, sizeof rel_header / sizeof rel_header[0]);
    for (size_t k = 0; k < sizeof rel_header / sizeof rel_header[0]; k++)
        ck_assert_str_eq(rels->rows[0].fields[k], rel_header[k]);

    /* Aigul Test, row 3 (entities in id order). */
    ck_assert_str_eq(cell(nodes, 3, "id:ID"), "person/aigul-test");
    ck_assert_str_eq(cell(nodes, 3, ":LABEL"), "Entity;Person");
    ck_assert_str_eq(cell(nodes, 3, "iri"), AIGUL);
    ck_assert_str_eq(cell(nodes, 3, "name"), "Aigul Test");
    ck_assert_str_eq(cell(nodes, 3, "label_ru"), "Айгуль Тест");
    ck_assert_str_eq(cell(nodes, 3, "aliases:string[]"), "A. Test");
    ck_assert_str_eq(cell(nodes, 3, "mentions:long"), "2");
    ck_assert(
        close_to(strtod(cell(nodes, 3, "pagerank:double"), NULL), f.graph->centrality[2].pagerank));
    ck_assert_str_eq(cell(nodes, 2, "aliases:string[]"), "FTW;ФТР");
    ck_assert_str_eq(cell(nodes, 2, "documents:string[]"), "doc-a;doc-en-1");
    /* Missing values are empty and unquoted (no property in Neo4j, NULL in Kuzu). */
    ck_assert_str_eq(cell(nodes, 1, "aliases:string[]"), "");
    ck_assert(!nodes->rows[1].quoted[csv_column(nodes, "aliases:string[]")]);
    ck_assert(!nodes->rows[4].quoted[csv_column(nodes, "label_ru")]);

    /* The holds_post relationship, row 4. */
    ck_assert_str_eq(cell(rels, 4, ":START_ID"), "person/aigul-test");
    ck_assert_str_eq(cell(rels, 4, ":END_ID"), "organization/federation-of-testing-workers");
    ck_assert_str_eq(cell(rels, 4, ":TYPE"), "HOLDS_POST");
    ck_assert_str_eq(cell(rels, 4, "key"), "holds_post:chairman");
    ck_assert_str_eq(cell(rels, 4, "role"), "chairman");
    ck_assert_str_eq(cell(rels, 4, "weight:long"), "2");
    ck_assert_str_eq(cell(rels, 4, "confidence:double"), "0.98");
    ck_assert_str_eq(cell(rels, 4, "documents:string[]"), "doc-a;doc-en-1");
    char *rel = hex_key("person/aigul-test\x1fholds_post\x1forganization/"
                        "federation-of-testing-workers\x1f"
                        "chairman");
    char rel_iri[256];
    snprintf(rel_iri, sizeof rel_iri, BASE "relation/%s", rel);
    ck_assert_str_eq(cell(rels, 4, "iri"), rel_iri);
    json_error_t jerr;
    json_t *evidence = json_loads(cell(rels, 4, "evidence"), 0, &jerr);
    ck_assert_msg(evidence != NULL, "evidence is not JSON: %s", jerr.text);
    ck_assert_uint_eq(json_array_size(evidence), 2);
    json_t *second = json_array_get(evidence, 1);
    ck_assert_str_eq(json_string_value(json_object_get(second, "text")), nasty);
    ck_assert_int_eq(json_integer_value(json_object_get(second, "end")), 40);
    json_decref(evidence);
    ck_assert_str_eq(cell(rels, 1, "role"), "");
    ck_assert(!rels->rows[1].quoted[csv_column(rels, "role")]);

    free(rel);
    csv_free(nodes);
    csv_free(rels);
    remove_tree(dir);
    free(dir);
    fixture_free(&f);
}
END_TEST

START_TEST(test_csv_is_written_as_two_files_atomically) {
    fixture f;
    fixture_init(&f);
    char *dir = kgt_temp_dir("exp-csv-atomic");
    char *nodes = kgt_path(dir, "nodes.csv"), *rels = kgt_path(dir, "relationships.csv");
    ck_assert_int_eq(kgt_write_file(nodes, "OLD", 3), 0);
    ck_assert_int_eq(kgt_write_file(rels, "OLD", 3), 0);

    /* A writer failing (bad base IRI) leaves both files as they were. */
    kg_graph_free(f.graph);
    build_graph(&f, "https://bad base/");
    kg_error err;
    kg_error_clear(&err);
    ck_assert_int_eq(kg_export_dir(f.graph, KG_FORMAT_CSV, NULL, dir, &err), KG_ERR_USAGE);
    char *text = kgt_read_file(nodes, NULL);
    ck_assert_str_eq(text, "OLD");
    free(text);
    text = kgt_read_file(rels, NULL);
    ck_assert_str_eq(text, "OLD");
    free(text);
    char names[4][256];
    ck_assert_uint_eq(dir_entries(dir, names, 4), 2);

    /* A good graph replaces both; a trailing slash on the directory is fine. */
    kg_graph_free(f.graph);
    build_graph(&f, BASE);
    char *slashed = kgt_path(dir, "");
    ck_assert_int_eq(kg_export_dir(f.graph, KG_FORMAT_CSV, NULL, slashed, &err), KG_OK);
    text = kgt_read_file(nodes, NULL);
    ck_assert(strncmp(text, "id:ID,", 6) == 0);
    free(text);
    text = kgt_read_file(rels, NULL);
    ck_assert(strncmp(text, ":START_ID,", 10) == 0);
    free(text);
    ck_assert_uint_eq(dir_entries(dir, names, 4), 2);

    /* One-file formats go through kg_export_dir too; CSV has no single stream. */
    ck_assert_int_eq(kg_export_dir(f.graph, KG_FORMAT_NQ, NULL, dir, &err), KG_OK);
    ck_assert_uint_eq(dir_entries(dir, names, 4), 3);
    FILE *out = fopen("/dev/null", "w");
    ck_assert_int_eq(kg_export(f.graph, KG_FORMAT_CSV, out, &err), KG_ERR_USAGE);
    ck_assert_ptr_nonnull(strstr(err.message, "nodes.csv"));
    fclose(out);
    ck_assert_int_eq(kg_export_file(f.graph, KG_FORMAT_CSV, nodes, &err), KG_ERR_USAGE);
    ck_assert_int_eq(kg_export_dir(f.graph, KG_FORMAT_ALL, NULL, dir, &err), KG_ERR_USAGE);
    char *missing = kgt_path(dir, "no/such/dir");
    kg_error_clear(&err);
    ck_assert_int_eq(kg_export_dir(f.graph, KG_FORMAT_CSV, NULL, missing, &err), KG_ERR_IO);
    ck_assert_ptr_nonnull(strstr(err.where, "nodes.csv"));

    free(missing);
    free(slashed);
    free(nodes);
    free(rels);
    remove_tree(dir);
    free(dir);
    fixture_free(&f);
}
END_TEST

/* Several formats at once: the same files for any number of threads, in
 * the fixed order; the first failing format (in that order) is reported. */
START_TEST(test_all_formats_at_once_give_the_same_files) {
    fixture f;
    fixture_init(&f);
    kg_format list[6];
    ck_assert_uint_eq(kg_format_list(KG_FORMAT_EVERY, list), 6);
    ck_assert_int_eq(list[0], KG_FORMAT_TTL);
    ck_assert_int_eq(list[3], KG_FORMAT_GRAPHML);
    ck_assert_int_eq(list[5], KG_FORMAT_CSV);
    static const char *const files[] = {"graph.ttl",        "graph.nt",   "graph.nq",
                                        "graph.graphml",    "graph.json", "nodes.csv",
                                        "relationships.csv"};
    char *one = kgt_temp_dir("exp-all-1"), *many = kgt_temp_dir("exp-all-4");
    kg_error err;
    double seconds[6] = {-1, -1, -1, -1, -1, -1};
    ck_assert_int_eq(kg_export_dir_all(f.graph, KG_FORMAT_EVERY, NULL, one, 1, NULL, &err), KG_OK);
    ck_assert_int_eq(kg_export_dir_all(f.graph, KG_FORMAT_EVERY, NULL, many, 4, seconds, &err),
                     KG_OK);
    for (size_t i = 0; i < 6; i++)
        ck_assert_double_ge(seconds[i], 0.0);
    for (size_t i = 0; i < sizeof files / sizeof *files; i++) {
        char *a = kgt_path(one, files[i]), *b = kgt_path(many, files[i]);
        size_t la = 0, lb = 0;
        char *ta = kgt_read_file(a, &la), *tb = kgt_read_file(b, &lb);
        ck_assert_msg(ta != NULL && tb != NULL && la > 0 && la == lb && memcmp(ta, tb, la) == 0,
                      "%s differs", files[i]);
        free(ta);
        free(tb);
        free(a);
        free(b);
    }
    /* a writer failing: every format has the bad base IRI, ttl comes first */
    kg_graph_free(f.graph);
    build_graph(&f, "https://bad base/");
    kg_error_clear(&err);
    ck_assert_int_eq(
        kg_export_dir_all(f.graph, KG_FORMAT_JSON | KG_FORMAT_TTL, NULL, many, 2, NULL, &err),
        KG_ERR_USAGE);
    ck_assert_int_eq(kg_export_dir_all(f.graph, 0, NULL, many, 2, NULL, &err), KG_ERR_USAGE);
    remove_tree(one);
    remove_tree(many);
    free(one);
    free(many);
    fixture_free(&f);
}
END_TEST

/* ---- tests: streaming JSON and Cytoscape.js ------------------------------------------ */

/* The streamed text equals jansson's dump of the whole tree with the flags
 * the writer documents, followed by a newline. */
static void assert_whole_tree_dump(const char *text, size_t len) {
    json_error_t jerr;
    json_t *root = json_loadb(text, len, 0, &jerr);
    ck_assert_msg(root != NULL, "%s at %d:%d", jerr.text, jerr.line, jerr.column);
    char *again = json_dumps(root, JSON_SORT_KEYS | JSON_INDENT(1) | JSON_REAL_PRECISION(12));
    ck_assert_ptr_nonnull(again);
    size_t n = strlen(again);
    ck_assert_msg(n + 1 == len && memcmp(again, text, n) == 0 && text[n] == '\n',
                  "streamed JSON differs from the whole-tree dump");
    free(again);
    json_decref(root);
}

START_TEST(test_streamed_json_is_byte_identical_to_a_whole_tree_dump) {
    fixture f;
    fixture_init(&f);
    kg_export_options cytoscape = {KG_JSON_CYTOSCAPE};
    size_t len;
    char *json = export_mem(f.graph, KG_FORMAT_JSON, &len);
    assert_whole_tree_dump(json, len);
    free(json);
    char *buf = NULL;
    size_t size = 0;
    FILE *out = open_memstream(&buf, &size);
    kg_error err;
    ck_assert_int_eq(kg_export_with(f.graph, KG_FORMAT_JSON, &cytoscape, out, &err), KG_OK);
    fclose(out);
    assert_whole_tree_dump(buf, size);
    free(buf);
    fixture_free(&f);

    /* Empty arrays are "[]" as jansson writes them. */
    kg_resolved empty;
    memset(&empty, 0, sizeof empty);
    kg_graph *graph = NULL;
    ck_assert_int_eq(kg_graph_build(&graph, &empty, NULL, &err), KG_OK);
    json = export_mem(graph, KG_FORMAT_JSON, &len);
    assert_whole_tree_dump(json, len);
    ck_assert_ptr_nonnull(strstr(json, "\"links\": [],"));
    free(json);
    kg_graph_free(graph);
}
END_TEST

START_TEST(test_json_links_carry_the_relation_iri) {
    fixture f;
    fixture_init(&f);
    char *json = export_mem(f.graph, KG_FORMAT_JSON, NULL);
    json_error_t jerr;
    json_t *root = json_loads(json, 0, &jerr);
    json_t *hp = json_array_get(json_object_get(root, "links"), 3);
    char *rel = hex_key("person/aigul-test\x1fholds_post\x1forganization/"
                        "federation-of-testing-workers\x1f"
                        "chairman");
    char rel_iri[256];
    snprintf(rel_iri, sizeof rel_iri, BASE "relation/%s", rel);
    ck_assert_str_eq(jget_str(hp, "iri"), rel_iri);
    free(rel);
    json_decref(root);
    free(json);
    fixture_free(&f);
}
END_TEST

START_TEST(test_cytoscape_style_is_elements_with_unique_ids) {
    fixture f;
    fixture_init(&f);
    char *buf = NULL;
    size_t size = 0;
    FILE *out = open_memstream(&buf, &size);
    kg_error err;
    ck_assert_int_eq(kg_export_cytoscape(f.graph, out, &err), KG_OK);
    fclose(out);
    json_error_t jerr;
    json_t *root = json_loadb(buf, size, 0, &jerr);
    ck_assert_msg(root != NULL, "%s", jerr.text);
    ck_assert_int_eq(json_object_size(root), 2);
    json_t *data = json_object_get(root, "data");
    ck_assert_str_eq(jget_str(data, "base_iri"), BASE);
    ck_assert_int_eq(jget_int(json_object_get(data, "counts"), "nodes"), 5);
    json_t *elements = json_object_get(root, "elements");
    json_t *nodes = json_object_get(elements, "nodes"), *edges = json_object_get(elements, "edges");
    ck_assert_int_eq(json_array_size(nodes), 5);
    ck_assert_int_eq(json_array_size(edges), 5);

    json_t *aigul = json_array_get(nodes, 2);
    ck_assert_str_eq(jget_str(aigul, "group"), "nodes");
    ck_assert_str_eq(jget_str(aigul, "classes"), "Person");
    json_t *aigul_data = json_object_get(aigul, "data");
    ck_assert_str_eq(jget_str(aigul_data, "id"), "person/aigul-test");
    ck_assert_str_eq(jget_str(aigul_data, "iri"), AIGUL);
    ck_assert_str_eq(jget_str(aigul_data, "label"), "Aigul Test");

    json_t *hp = json_array_get(edges, 3);
    ck_assert_str_eq(jget_str(hp, "group"), "edges");
    ck_assert_str_eq(jget_str(hp, "classes"), "holds_post");
    json_t *hp_data = json_object_get(hp, "data");
    char *rel = hex_key("person/aigul-test\x1fholds_post\x1forganization/"
                        "federation-of-testing-workers\x1f"
                        "chairman");
    char id[64];
    snprintf(id, sizeof id, "relation/%s", rel);
    ck_assert_str_eq(jget_str(hp_data, "id"), id);
    ck_assert_str_eq(jget_str(hp_data, "source"), "person/aigul-test");
    ck_assert_str_eq(jget_str(hp_data, "target"), "organization/federation-of-testing-workers");
    ck_assert_int_eq(jget_int(hp_data, "weight"), 2);
    ck_assert_int_eq(json_array_size(json_object_get(hp_data, "evidence")), 2);

    /* Cytoscape.js needs every element id unique across nodes and edges. */
    const char *ids[10];
    for (size_t i = 0; i < 5; i++) {
        ids[i] = jget_str(json_object_get(json_array_get(nodes, i), "data"), "id");
        ids[5 + i] = jget_str(json_object_get(json_array_get(edges, i), "data"), "id");
    }
    for (size_t i = 0; i < 10; i++)
        for (size_t k = i + 1; k < 10; k++)
            ck_assert_str_ne(ids[i], ids[k]);

    free(rel);
    json_decref(root);
    free(buf);
    fixture_free(&f);
}
END_TEST

/* ---- tests: hostile names ------------------------------------------------------------- */

/* Markup and quoting characters, a backslash, a newline, C0 controls, DEL,
 * an emoji and right-to-left text, in an entity name. */
static const char hostile[] = "Evil <Org> \"Q\" \\ & co > x\nline2\x01\x1f\x7f "
                              "\xF0\x9F\x8E\x89 \xD7\xA9\xD7\x9C\xD7\x95\xD7\x9D "
                              "\xD9\x85\xD8\xB1\xD8\xAD\xD8\xA8\xD8\xA7";
/* What XML can carry of it (GraphML): controls and DEL become spaces. */
static const char hostile_xml[] = "Evil <Org> \"Q\" \\ & co > x\nline2    "
                                  "\xF0\x9F\x8E\x89 \xD7\xA9\xD7\x9C\xD7\x95\xD7\x9D "
                                  "\xD9\x85\xD8\xB1\xD8\xAD\xD8\xA8\xD8\xA7";

START_TEST(test_hostile_names_come_out_valid_in_every_format) {
    fixture f;
    fixture_init(&f);
    kg_entity *berik = &f.data.entities[3];
    berik->label = berik->label_en = P(&f, hostile);
    berik->aliases = list(&f, 1, hostile);
    berik->n_aliases = 1;
    f.data.relations[3].role_text = P(&f, hostile);
    f.data.documents[2].title = P(&f, hostile);
    char *dir = kgt_temp_dir("exp-hostile");

    static const kg_format rdf[] = {KG_FORMAT_TTL, KG_FORMAT_NT, KG_FORMAT_NQ};
    for (size_t k = 0; k < 3; k++) {
        char *path = export_to(f.graph, rdf[k], dir);
        triples *t = k == 0 ? parse_turtle(path) : parse_lines(path, k == 2);
        assert_literal(t, BERIK, RDFS "label", hostile, "en", NULL);
        assert_literal(t, BERIK, SKOS "altLabel", hostile, "en", NULL);
        assert_literal(t, BASE "role/chairman", RDFS "label", hostile, "en", NULL);
        assert_literal(t, BASE "document/doc-en-1", DCT "title", hostile, NULL, NULL);
        triples_free(t);
        free(path);
    }

    char *path = export_to(f.graph, KG_FORMAT_JSON, dir);
    json_t *root = load_json(path);
    json_t *node = json_array_get(json_object_get(root, "nodes"), 3);
    ck_assert_str_eq(jget_str(node, "label"), hostile);
    ck_assert_str_eq(json_string_value(json_array_get(json_object_get(node, "aliases"), 0)),
                     hostile);
    ck_assert_str_eq(jget_str(json_array_get(json_object_get(root, "links"), 3), "role_text"),
                     hostile);
    json_decref(root);
    free(path);

    path = export_to(f.graph, KG_FORMAT_GRAPHML, dir);
    igraph_t g;
    read_graphml(path, &g);
    ck_assert_str_eq(VAS(&g, "name", 3), hostile_xml);
    ck_assert_str_eq(VAS(&g, "aliases", 3), hostile_xml);
    ck_assert_str_eq(EAS(&g, "role_text", 3), hostile_xml);
    igraph_destroy(&g);
    free(path);

    csv_table *nodes = export_csv(f.graph, dir, "nodes.csv");
    ck_assert_str_eq(cell(nodes, 4, "name"), hostile);
    ck_assert_str_eq(cell(nodes, 4, "aliases:string[]"), hostile);
    csv_free(nodes);
    csv_table *rels = export_csv(f.graph, dir, "relationships.csv");
    ck_assert_str_eq(cell(rels, 4, "role_text"), hostile);
    csv_free(rels);

    remove_tree(dir);
    free(dir);
    fixture_free(&f);
}
END_TEST

/* ---- tests: the CLI's -f, -o - and --json-style ---------------------------------------- */

#define SAMPLES KG_SOURCE_DIR "/samples"

static int run_cli(const char *args, char **out, char **err) {
    char cmd[8192];
    snprintf(cmd, sizeof cmd, "'%s' %s", KG_CLI, args);
    return kgt_run(cmd, out, err);
}

START_TEST(test_cli_writes_one_format_to_standard_output) {
    char *dir = kgt_temp_dir("exp-cli-stdout");
    char *out = NULL, *err = NULL;
    ck_assert_int_eq(run_cli("build -f nt -o - '" SAMPLES "'", &out, &err), 0);
    ck_assert_msg(strncmp(out, "# Knowledge graph written by kgraph", 35) == 0, "stdout: %.80s",
                  out);
    ck_assert_ptr_null(strstr(out, "wrote:")); /* no summary mixed into the data */
    char *path = kgt_path(dir, "stdout.nt");
    ck_assert_int_eq(kgt_write_file(path, out, strlen(out)), 0);
    triples *t = parse_lines(path, false);
    ck_assert_uint_gt(t->n, 500);
    triples_free(t);
    free(path);
    free(out);
    free(err);

    ck_assert_int_eq(run_cli("build -f csv -o - '" SAMPLES "'", &out, &err), 2);
    ck_assert_ptr_nonnull(strstr(err, "csv writes two files"));
    ck_assert_str_eq(out, "");
    free(out);
    free(err);
    ck_assert_int_eq(run_cli("build -f ttl,json -o - '" SAMPLES "'", &out, &err), 2);
    ck_assert_ptr_nonnull(strstr(err, "one format"));
    free(out);
    free(err);
    remove_tree(dir);
    free(dir);
}
END_TEST

START_TEST(test_cli_writes_every_format_and_json_styles) {
    char *dir = kgt_temp_dir("exp-cli-formats");
    char args[4096], *out = NULL, *err = NULL;
    snprintf(args, sizeof args,
             "build -f ttl,nt,nq,graphml,json,csv --json-style cytoscape -o '%s' '" SAMPLES "'",
             dir);
    ck_assert_int_eq(run_cli(args, &out, &err), 0);
    char names[10][256];
    ck_assert_uint_eq(dir_entries(dir, names, 10), 7);
    static const char *const files[] = {"graph.ttl",        "graph.nt",   "graph.nq",
                                        "graph.graphml",    "graph.json", "nodes.csv",
                                        "relationships.csv"};
    for (size_t k = 0; k < 7; k++)
        ck_assert_msg(strstr(out, files[k]) != NULL, "summary lacks %s", files[k]);
    free(out);
    free(err);
    char *json_path = kgt_path(dir, "graph.json");
    json_t *root = load_json(json_path);
    ck_assert_ptr_nonnull(json_object_get(json_object_get(root, "elements"), "nodes"));
    json_decref(root);
    free(json_path);

    ck_assert_int_eq(run_cli("build --json-style graphviz '" SAMPLES "'", &out, &err), 2);
    ck_assert_ptr_nonnull(strstr(err, "graphviz"));
    free(out);
    free(err);
    ck_assert_int_eq(run_cli("build -f ttl,rdfxml '" SAMPLES "'", &out, &err), 2);
    ck_assert_ptr_nonnull(strstr(err, "nt, nq, graphml, json, csv"));
    free(out);
    free(err);
    ck_assert_int_eq(run_cli("build --help", &out, &err), 0);
    ck_assert_ptr_nonnull(strstr(out, "ttl,nt,nq,graphml,json,csv"));
    ck_assert_ptr_nonnull(strstr(out, "--json-style"));
    free(out);
    free(err);
    remove_tree(dir);
    free(dir);
}
END_TEST

static Suite *exporters_suite(void) {
    Suite *s = suite_create("exporters");
    TCase *tc = tcase_create("turtle");
    tcase_add_test(tc, test_turtle_parses_back_with_expected_triples);
    tcase_add_test(tc, test_turtle_escapes_newlines_and_controls_in_one_line_literals);
    tcase_add_test(tc, test_bad_base_iri_is_a_usage_error);
    tcase_add_test(tc, test_unsafe_entity_ids_are_percent_encoded_alike_everywhere);
    tcase_add_test(tc, test_turtle_writes_prefixed_names_and_bare_integers);
    tcase_add_test(tc, test_turtle_compact_forms_only_where_they_read_back_the_same);
    tcase_add_test(tc, test_literal_escapes_match_raptor);
    tcase_add_test(tc, test_turtle_prefixes_follow_any_base_iri);
    tcase_add_test(tc, test_ntriples_hold_exactly_the_turtle_triples);
    tcase_add_test(tc, test_nquads_put_what_each_document_says_in_its_graph);
    tcase_add_test(tc, test_member_of_is_an_org_membership);
    suite_add_tcase(s, tc);

    tc = tcase_create("json");
    tcase_add_test(tc, test_json_is_node_link_with_contract_values);
    tcase_add_test(tc, test_json_output_is_deterministic_and_sorted);
    tcase_add_test(tc, test_non_finite_numbers_are_written_as_zero);
    tcase_add_test(tc, test_numbers_use_a_decimal_point_in_any_locale);
    tcase_add_test(tc, test_streamed_json_is_byte_identical_to_a_whole_tree_dump);
    tcase_add_test(tc, test_json_links_carry_the_relation_iri);
    tcase_add_test(tc, test_cytoscape_style_is_elements_with_unique_ids);
    suite_add_tcase(s, tc);

    tc = tcase_create("csv");
    tcase_add_test(tc, test_csv_has_neo4j_import_headers_and_every_value);
    tcase_add_test(tc, test_csv_is_written_as_two_files_atomically);
    tcase_add_test(tc, test_all_formats_at_once_give_the_same_files);
    suite_add_tcase(s, tc);

    tc = tcase_create("hostile");
    tcase_add_test(tc, test_hostile_names_come_out_valid_in_every_format);
    suite_add_tcase(s, tc);

    tc = tcase_create("cli");
    tcase_add_test(tc, test_cli_writes_one_format_to_standard_output);
    tcase_add_test(tc, test_cli_writes_every_format_and_json_styles);
    tcase_set_timeout(tc, 120);
    suite_add_tcase(s, tc);

    tc = tcase_create("graphml");
    tcase_add_test(tc, test_graphml_reads_back_with_igraph);
    tcase_add_test(tc, test_graphml_replaces_control_characters);
    suite_add_tcase(s, tc);

    tc = tcase_create("files");
    tcase_add_test(tc, test_empty_graph_exports_valid_files);
    tcase_add_test(tc, test_writers_report_disk_full);
    tcase_add_test(tc, test_export_file_replaces_target_and_keeps_its_mode);
    tcase_add_test(tc, test_export_file_into_missing_directory_is_an_io_error);
    tcase_add_test(tc, test_failed_writer_leaves_target_untouched);
    tcase_add_test(tc, test_disk_full_during_export_file_leaves_target_untouched);
    tcase_add_test(tc, test_export_file_into_read_only_directory_is_an_io_error);
    tcase_add_test(tc, test_export_file_onto_a_directory_is_an_io_error);
    tcase_add_test(tc, test_format_list_parsing);
    tcase_add_test(tc, test_format_names_and_files);
    suite_add_tcase(s, tc);
    return s;
}

int main(void) {
    SRunner *sr = srunner_create(exporters_suite());
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
