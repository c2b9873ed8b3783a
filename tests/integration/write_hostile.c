/* write_hostile.c — kg_write_hostile OUTDIR: writes a small graph whose
 * names, ids and texts hold everything a writer can get wrong, in every
 * format, for the integration tests to load with real tools.
 *
 * Names carry markup and quoting characters (< > & " ' \), CSV and array
 * delimiters (, ;), a newline, a tab, C0 controls, DEL, an emoji and other
 * characters outside the Basic Multilingual Plane, right-to-left text with
 * directional marks, combining characters and non-Latin scripts.  One id
 * holds characters that an IRI may not (a space, < and >), which every
 * format must spell alike (percent-encoded in IRIs).  Aliases never hold
 * ';', the CSV array delimiter (docs/formats.md).
 *
 * Files: graph.ttl, graph.nt, graph.nq, graph.graphml, graph.json (node-link),
 * graph.cytoscape.json (Cytoscape.js style), nodes.csv, relationships.csv.
 * Uses the public API only. */
#include "kg_export.h"
#include "kg_graph.h"
#include "kg_model.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define N_ENTITIES 5
#define N_RELATIONS 4

static kg_strpool *pool;

static const char *P(const char *s) {
    const char *p = s != NULL ? kg_strpool_cstr(pool, s) : NULL;
    if (s != NULL && p == NULL) {
        fprintf(stderr, "kg_write_hostile: out of memory\n");
        exit(1);
    }
    return p;
}

/* Sorted by id, as the resolver sorts entities. */
static const struct {
    kg_entity_type type;
    const char *id, *label, *lang, *en, *ru, *alias;
} entities[N_ENTITIES] = {
    {KG_ENT_AGREEMENT, "agreement/memo-single-double", "Memo 'single' \"double\", comma; semi",
     "en", "Memo 'single' \"double\", comma; semi", NULL, "Memo, \"the\" one"},
    {KG_ENT_ORGANIZATION, "organization/union-evil-co",
     "Union <\"Evil\"> & Co \\ Ltd </data> ]]> <!-- x -->", "en",
     "Union <\"Evil\"> & Co \\ Ltd </data> ]]> <!-- x -->", "Союз «Зло» & Ко",
     "U<E>&C \\\\ \"quoted\""},
    {KG_ENT_PERSON, "person/ana maria <x>",
     "Ana\nMaria\t\x01\x1f\x7f Test \xF0\x9F\x8E\x89 \xF0\x9D\x94\x98", "en", NULL, NULL,
     "A. M. \xF0\x9F\x91\xA9\xE2\x80\x8D\xF0\x9F\x94\xAC"},
    {KG_ENT_PERSON, "person/shalom-marhaba",
     "\xE2\x80\x8F\xD7\xA9\xD7\x9C\xD7\x95\xD7\x9D \xD7\xA2\xD7\x9C\xD7\x99\xD7\x9B\xD7\x9D "
     "\xD9\x85\xD8\xB1\xD8\xAD\xD8\xA8\xD8\xA7\xE2\x80\x8E",
     "he", NULL, NULL, "Shalom Marhaba"},
    {KG_ENT_PLACE, "place/unicode-city",
     "U\xCC\x88nico\xCC\x88"
     "de\xCC\x81 C\xCC\xA7ity \xE2\x88\x91",
     "en", NULL, NULL, "\xE6\x9D\xB1\xE4\xBA\xAC \xED\x95\x9C\xEA\xB5\xAD"},
};

static const char hostile_text[] =
    "The Chairman of Union <\"Evil\"> & Co \\ Ltd, Ana\nMaria\t\x01 Test \xF0\x9F\x8E\x89, "
    "met \xD7\xA9\xD7\x9C\xD7\x95\xD7\x9D \xD9\x85\xD8\xB1\xD8\xAD\xD8\xA8\xD8\xA7 in "
    "U\xCC\x88nico\xCC\x88"
    "de\xCC\x81 C\xCC\xA7ity; \"quotes\" and 'apostrophes', {braces} "
    "|pipes| ^carets^ `backquotes` \x7f end.";

static void fill(kg_resolved *d) {
    d->n_documents = 2;
    d->documents = calloc(2, sizeof *d->documents);
    d->entities = calloc(N_ENTITIES, sizeof *d->entities);
    d->relations = calloc(N_RELATIONS, sizeof *d->relations);
    if (d->documents == NULL || d->entities == NULL || d->relations == NULL) {
        fprintf(stderr, "kg_write_hostile: out of memory\n");
        exit(1);
    }
    d->documents[0] = (kg_doc_info){P("doc \"1\" <a&b>.txt"),
                                    P("en"),
                                    P("Title <with> \"quotes\" & \\ \n newline \xF0\x9F\x8E\x89"),
                                    P("2024-02-29"),
                                    P("https://news.example.org/a?x=1&y=<2>"),
                                    3,
                                    1000};
    d->documents[1] = (kg_doc_info){P("doc-2.txt"), P("ru"), NULL, P("not a date"), NULL, 1, 100};

    d->n_entities = N_ENTITIES;
    for (size_t i = 0; i < N_ENTITIES; i++) {
        kg_entity *e = &d->entities[i];
        e->type = entities[i].type;
        e->id = P(entities[i].id);
        e->label = P(entities[i].label);
        e->lang = P(entities[i].lang);
        e->label_en = P(entities[i].en);
        e->label_ru = P(entities[i].ru);
        e->aliases = calloc(1, sizeof *e->aliases);
        e->documents = calloc(2, sizeof *e->documents);
        if (e->aliases == NULL || e->documents == NULL) {
            fprintf(stderr, "kg_write_hostile: out of memory\n");
            exit(1);
        }
        e->aliases[0] = P(entities[i].alias);
        e->n_aliases = 1;
        e->documents[0] = d->documents[0].id;
        e->documents[1] = d->documents[1].id;
        e->n_documents = i % 2 == 0 ? 2 : 1;
        e->mentions = i + 1;
    }
    /* A date where kgraph reads one (agreements, events). */
    d->entities[0].date = P("2024-02-29");

    static const struct {
        kg_relation_type type;
        size_t subject, object;
        const char *role, *role_text;
    } relations[N_RELATIONS] = {
        {KG_REL_PARTY_TO, 1, 0, NULL, NULL},
        {KG_REL_LOCATED_IN, 1, 4, NULL, NULL},
        {KG_REL_HOLDS_POST, 2, 1, "chairman", "Chair<wo>man \"&\" \\ \xF0\x9F\x8E\x89"},
        {KG_REL_MET_WITH, 2, 3, NULL, NULL},
    };
    d->n_relations = N_RELATIONS;
    for (size_t j = 0; j < N_RELATIONS; j++) {
        kg_relation *r = &d->relations[j];
        r->type = relations[j].type;
        r->subject = relations[j].subject;
        r->object = relations[j].object;
        r->role = P(relations[j].role);
        r->role_text = P(relations[j].role_text);
        r->n_evidence = j == 2 ? 2 : 1;
        r->evidence = calloc(r->n_evidence, sizeof *r->evidence);
        if (r->evidence == NULL) {
            fprintf(stderr, "kg_write_hostile: out of memory\n");
            exit(1);
        }
        double keep = 1;
        for (size_t k = 0; k < r->n_evidence; k++) {
            r->evidence[k] = (kg_evidence){d->documents[k].id,
                                           j,
                                           10 * j,
                                           10 * j + 50,
                                           P(hostile_text),
                                           P("rule.with \"quotes\""),
                                           0.5 + 0.1 * (double)k};
            keep *= 1 - r->evidence[k].confidence;
        }
        r->confidence = 1 - keep;
    }
}

static int write_one(const kg_graph *graph, kg_format format, const kg_export_options *options,
                     const char *dir, const char *name) {
    char path[4096];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    FILE *out = fopen(path, "wb");
    if (out == NULL) {
        perror(path);
        return 1;
    }
    kg_error err;
    kg_error_clear(&err);
    kg_status status = kg_export_with(graph, format, options, out, &err);
    if (fclose(out) != 0 && status == KG_OK)
        status = KG_ERR_IO;
    if (status != KG_OK) {
        fprintf(stderr, "kg_write_hostile: %s: %s\n", path, err.message);
        return 1;
    }
    return 0;
}

int main(int argc, char **argv) {
    if (argc != 2) {
        fprintf(stderr, "usage: kg_write_hostile OUTDIR\n");
        return 2;
    }
    const char *dir = argv[1];
    pool = kg_strpool_new();
    kg_resolved data;
    memset(&data, 0, sizeof data);
    fill(&data);
    kg_graph *graph = NULL;
    kg_error err;
    kg_error_clear(&err);
    int failed = 0;
    if (kg_graph_build(&graph, &data, "https://hostile.example.org/id/", &err) != KG_OK) {
        fprintf(stderr, "kg_write_hostile: %s\n", err.message);
        failed = 1;
    }
    kg_export_options node_link = KG_EXPORT_OPTIONS_INIT, cytoscape = {KG_JSON_CYTOSCAPE};
    static const kg_format one_file[] = {KG_FORMAT_TTL, KG_FORMAT_NT, KG_FORMAT_NQ,
                                         KG_FORMAT_GRAPHML, KG_FORMAT_JSON};
    for (size_t k = 0; k < sizeof one_file / sizeof one_file[0] && !failed; k++)
        failed |= write_one(graph, one_file[k], &node_link, dir, kg_format_filename(one_file[k]));
    if (!failed)
        failed |= write_one(graph, KG_FORMAT_JSON, &cytoscape, dir, "graph.cytoscape.json");
    if (!failed && kg_export_dir(graph, KG_FORMAT_CSV, NULL, dir, &err) != KG_OK) {
        fprintf(stderr, "kg_write_hostile: %s: %s\n", err.where, err.message);
        failed = 1;
    }
    kg_graph_free(graph);
    kg_resolved_clear(&data);
    kg_strpool_free(pool);
    return failed;
}
