/* test_report.c — the derived views (graph/kg_views.c) and the analytics
 * report (exporters/report.c) on a small hand-made graph.
 *
 * The fixture: Ivan chairs Alpha, Olga presides over Gamma, Zara works for
 * Beta.  Alpha and Beta are parties to two agreements (Ivan signed the
 * first, dated 2024-03-14), Ivan met Olga, and Beta and Gamma (and Zara)
 * took part in a forum dated 2024-05-21; Olga visited a city.  Beta's name
 * is hostile: markup, an ampersand, quotes and a table pipe; the city's
 * has an invalid byte and a control character.  Two documents,
 * the first dated, with a sentence count and a size that need grouping. */
#include "kg_export.h"
#include "kg_graph.h"
#include "kg_model.h"
#include "kg_test_util.h"

#include <check.h>
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum { MEMO, TREATY, FORUM, ALPHA, BETA, GAMMA, IVAN, OLGA, ZARA, CITY, N_ENTITIES };

#define HOSTILE "Beta <script>alert(1)</script> & \"Co\" | Ltd"

static const char *const doc1[] = {"doc1.txt"};
static const char *const doc2[] = {"doc2.txt"};
static const char *const both[] = {"doc1.txt", "doc2.txt"};

static kg_evidence ev(const char *doc, size_t sentence, const char *text, const char *rule,
                      double confidence) {
    kg_evidence e = {doc, sentence, 10 * sentence, 10 * sentence + 5, text, rule, confidence};
    return e;
}

typedef struct fixture {
    kg_entity entities[N_ENTITIES];
    kg_relation relations[16];
    kg_evidence evidence[16][2];
    kg_doc_info documents[2];
    kg_merge merges[1];
    kg_resolved data;
} fixture;

static void entity(fixture *f, size_t i, kg_entity_type type, const char *id, const char *label,
                   const char *const *docs, size_t n_docs, const char *date) {
    kg_entity *e = &f->entities[i];
    e->type = type;
    e->id = id;
    e->label = label;
    e->lang = "en";
    e->mentions = 1;
    e->documents = (const char **)docs;
    e->n_documents = n_docs;
    e->date = date;
}

static void relation(fixture *f, kg_relation_type type, size_t s, size_t o, const char *role,
                     const char *role_text, const char *doc, const char *text, size_t n_evidence) {
    size_t j = f->data.n_relations++;
    kg_relation *r = &f->relations[j];
    r->type = type;
    r->subject = s;
    r->object = o;
    r->role = role;
    r->role_text = role_text;
    for (size_t k = 0; k < n_evidence; k++)
        f->evidence[j][k] = ev(doc, k + 1, text, "test.rule", 0.9776);
    r->evidence = f->evidence[j];
    r->n_evidence = n_evidence;
    r->confidence = 0.9776;
}

static void fixture_init(fixture *f) {
    memset(f, 0, sizeof *f);
    entity(f, MEMO, KG_ENT_AGREEMENT, "agreement/memo", "Memorandum of cooperation", doc1, 1,
           "2024-03-14");
    entity(f, TREATY, KG_ENT_AGREEMENT, "agreement/treaty", "Treaty on training", doc2, 1, NULL);
    entity(f, FORUM, KG_ENT_EVENT, "event/forum", "Labour Forum", doc2, 1, "2024-05-21");
    entity(f, ALPHA, KG_ENT_ORGANIZATION, "organization/alpha", "Alpha Federation", both, 2, NULL);
    entity(f, BETA, KG_ENT_ORGANIZATION, "organization/beta", HOSTILE, both, 2, NULL);
    entity(f, GAMMA, KG_ENT_ORGANIZATION, "organization/gamma", "Gamma Union", doc2, 1, NULL);
    entity(f, IVAN, KG_ENT_PERSON, "person/ivan", "Ivan Petrov", doc1, 1, NULL);
    entity(f, OLGA, KG_ENT_PERSON, "person/olga", "Olga Sidorova", doc2, 1, NULL);
    entity(f, ZARA, KG_ENT_PERSON, "person/zara", "Zara Nurova", doc2, 1, NULL);
    entity(f, CITY, KG_ENT_PLACE, "place/city", "Capital\xff City\x01", doc2, 1, NULL);
    f->data.entities = f->entities;
    f->data.n_entities = N_ENTITIES;
    f->data.relations = f->relations;

    /* sorted by (subject, object, type, role) as kg_resolved promises */
    relation(f, KG_REL_PARTY_TO, ALPHA, MEMO, NULL, NULL, "doc1.txt",
             "Alpha and Beta signed a memorandum.", 2);
    relation(f, KG_REL_PARTY_TO, ALPHA, TREATY, NULL, NULL, "doc2.txt",
             "Alpha and Beta concluded a treaty.", 1);
    relation(f, KG_REL_PARTY_TO, BETA, MEMO, NULL, NULL, "doc1.txt",
             "Alpha and Beta signed a memorandum.", 1);
    relation(f, KG_REL_PARTY_TO, BETA, TREATY, NULL, NULL, "doc2.txt",
             "Alpha and Beta concluded a treaty.", 1);
    relation(f, KG_REL_PARTICIPATED_IN, BETA, FORUM, NULL, NULL, "doc2.txt",
             "Beta and Gamma took part in the forum.", 1);
    relation(f, KG_REL_PARTICIPATED_IN, GAMMA, FORUM, NULL, NULL, "doc2.txt",
             "Beta and Gamma took part in the forum.", 1);
    relation(f, KG_REL_SIGNED, IVAN, MEMO, NULL, NULL, "doc1.txt",
             "Ivan Petrov signed the memorandum.", 1);
    relation(f, KG_REL_HOLDS_POST, IVAN, ALPHA, "chairman", "Chairman", "doc1.txt",
             "Ivan Petrov, Chairman of Alpha, said </q><script>x</script>.", 2);
    relation(f, KG_REL_MET_WITH, IVAN, OLGA, NULL, NULL, "doc2.txt", "Ivan Petrov met Olga.", 1);
    relation(f, KG_REL_HOLDS_POST, OLGA, GAMMA, "president", "President", "doc2.txt",
             "Olga Sidorova, President of Gamma.", 1);
    relation(f, KG_REL_VISITED, OLGA, CITY, NULL, NULL, "doc2.txt", "Olga visited the city.", 1);
    relation(f, KG_REL_HOLDS_POST, ZARA, BETA, "secretary", "Secretary", "doc2.txt",
             "Zara Nurova, Secretary of Beta.", 1);
    relation(f, KG_REL_PARTICIPATED_IN, ZARA, FORUM, NULL, NULL, "doc2.txt",
             "Zara Nurova spoke at the forum.", 1);

    f->documents[0] =
        (kg_doc_info){"doc1.txt", "en", "First | report", "2024-03-14", NULL, 12345, 1234567};
    f->documents[1] = (kg_doc_info){"doc2.txt", "ru", NULL, NULL, NULL, 5, 800};
    f->data.documents = f->documents;
    f->data.n_documents = 2;
    f->merges[0] = (kg_merge){IVAN, "I. Petrov", "Ivan Petrov", "coreference", 0.9, NULL};
    f->data.merges = f->merges;
    f->data.n_merges = 1;
}

/* Communities set by hand: {agreements, Alpha, Ivan}, {forum, Beta, Zara},
 * {Gamma, Olga, city}. */
static kg_graph *build(const fixture *f) {
    kg_graph *g = NULL;
    kg_error err;
    ck_assert_msg(kg_graph_build(&g, &f->data, NULL, &err) == KG_OK, "%s", err.message);
    static const size_t community[N_ENTITIES] = {0, 0, 1, 0, 1, 2, 0, 2, 1, 2};
    memcpy(g->community, community, sizeof community);
    g->analytics.n_communities = 3;
    g->analytics.community_method = "leiden-modularity";
    return g;
}

/* The report as a string. */
static char *render(const kg_graph *g, const kg_report_options *opt, bool html) {
    char *buf = NULL;
    size_t len = 0;
    FILE *out = open_memstream(&buf, &len);
    ck_assert_ptr_nonnull(out);
    kg_error err;
    kg_error_clear(&err);
    kg_status st = html ? kg_report_html(g, opt, out, &err) : kg_report_markdown(g, opt, out, &err);
    ck_assert_msg(st == KG_OK, "report: %s", err.message);
    fclose(out);
    return buf;
}

static size_t occurrences(const char *haystack, const char *needle) {
    size_t n = 0;
    for (const char *p = strstr(haystack, needle); p != NULL; p = strstr(p + 1, needle))
        n++;
    return n;
}

/* The text of the first `<svg` ... `</svg>`. */
static char *svg_of(const char *html) {
    const char *a = strstr(html, "<svg"), *b = strstr(html, "</svg>");
    ck_assert_ptr_nonnull(a);
    ck_assert_ptr_nonnull(b);
    return strndup(a, (size_t)(b - a));
}

/* ---- views ---------------------------------------------------------------------- */

START_TEST(test_org_network_counts_agreements_meetings_and_events) {
    fixture f;
    fixture_init(&f);
    kg_org_network net;
    kg_error err;
    ck_assert_int_eq(kg_views_org_network(&f.data, &net, &err), KG_OK);
    ck_assert_uint_eq(net.n_links, 3);
    /* heaviest first: two shared agreements */
    ck_assert_uint_eq(net.links[0].a, ALPHA);
    ck_assert_uint_eq(net.links[0].b, BETA);
    ck_assert_uint_eq(net.links[0].agreements, 2);
    ck_assert_uint_eq(net.links[0].meetings, 0);
    ck_assert_uint_eq(net.links[0].weight, 2);
    /* Ivan (Alpha) met Olga (Gamma): their organizations met */
    ck_assert_uint_eq(net.links[1].a, ALPHA);
    ck_assert_uint_eq(net.links[1].b, GAMMA);
    ck_assert_uint_eq(net.links[1].meetings, 1);
    ck_assert_uint_eq(net.links[1].weight, 1);
    /* Beta took part in the forum itself and through Zara: one event */
    ck_assert_uint_eq(net.links[2].a, BETA);
    ck_assert_uint_eq(net.links[2].b, GAMMA);
    ck_assert_uint_eq(net.links[2].events, 1);
    ck_assert_uint_eq(net.links[2].weight, 1);
    kg_org_network_clear(&net);
    ck_assert_ptr_null(net.links);
    kg_org_network_clear(NULL);
}
END_TEST

START_TEST(test_bridges_are_persons_with_neighbours_in_two_communities) {
    fixture f;
    fixture_init(&f);
    kg_graph *g = build(&f);
    kg_bridge *bridges = NULL;
    size_t n = 0;
    kg_error err;
    ck_assert_int_eq(kg_views_bridges(g, &bridges, &n, &err), KG_OK);
    /* Ivan: memo, Alpha (0) and Olga (2); Olga: Gamma, city (2) and Ivan (0);
     * Zara: Beta and the forum, both 1, is no bridge. */
    ck_assert_uint_eq(n, 2);
    size_t ivan = bridges[0].person == IVAN ? 0 : 1;
    ck_assert_uint_eq(bridges[ivan].person, IVAN);
    ck_assert_uint_eq(bridges[ivan].n_communities, 2);
    ck_assert_uint_eq(bridges[ivan].n_neighbours, 3);
    ck_assert_uint_eq(bridges[1 - ivan].person, OLGA);
    ck_assert_uint_eq(bridges[1 - ivan].n_neighbours, 3);
    /* ordered by betweenness when the community counts tie */
    ck_assert(g->centrality[bridges[0].person].betweenness >=
              g->centrality[bridges[1].person].betweenness);
    free(bridges);

    /* one community for everyone: no bridge */
    memset(g->community, 0, N_ENTITIES * sizeof *g->community);
    ck_assert_int_eq(kg_views_bridges(g, &bridges, &n, &err), KG_OK);
    ck_assert_uint_eq(n, 0);
    ck_assert_ptr_null(bridges);
    kg_graph_free(g);
}
END_TEST

START_TEST(test_counts_per_document_and_date) {
    fixture f;
    fixture_init(&f);
    kg_counts c;
    kg_error err;
    ck_assert_int_eq(kg_views_counts(&f.data, 0, &c, &err), KG_OK);
    ck_assert_uint_eq(c.n_documents, 2);
    ck_assert_str_eq(c.by_document[0].key, "doc1.txt");
    /* doc1 mentions memo, Alpha, Beta, Ivan */
    ck_assert_uint_eq(c.by_document[0].entities, 4);
    /* Alpha–memo (2 records), Beta–memo, Ivan signed, Ivan chairman (2) */
    ck_assert_uint_eq(c.by_document[0].relations, 4);
    ck_assert_uint_eq(c.by_document[0].evidence, 6);
    ck_assert_uint_eq(c.by_document[1].entities, 8);
    ck_assert_uint_eq(c.by_document[1].relations, 9);

    ck_assert_uint_eq(c.n_dates, 2);
    ck_assert_str_eq(c.by_date[0].key, "2024-03-14");
    ck_assert_uint_eq(c.by_date[0].documents, 1);
    ck_assert_uint_eq(c.by_date[0].entities, 4);
    ck_assert_uint_eq(c.by_date[0].relations, 4);
    ck_assert_uint_eq(c.by_date[0].dated[KG_ENT_AGREEMENT], 1);
    ck_assert_str_eq(c.by_date[1].key, "2024-05-21");
    ck_assert_uint_eq(c.by_date[1].documents, 0);
    ck_assert_uint_eq(c.by_date[1].entities, 0);
    ck_assert_uint_eq(c.by_date[1].dated[KG_ENT_EVENT], 1);
    kg_counts_clear(&c);

    /* by year: one row, "2024", holding both days */
    ck_assert_int_eq(kg_views_counts(&f.data, 4, &c, &err), KG_OK);
    ck_assert_uint_eq(c.n_dates, 1);
    ck_assert_uint_eq(c.by_date[0].key_len, 4);
    ck_assert_int_eq(strncmp(c.by_date[0].key, "2024", 4), 0);
    ck_assert_uint_eq(c.by_date[0].documents, 1);
    ck_assert_uint_eq(c.by_date[0].entities, 4);
    ck_assert_uint_eq(c.by_date[0].dated[KG_ENT_AGREEMENT], 1);
    ck_assert_uint_eq(c.by_date[0].dated[KG_ENT_EVENT], 1);
    kg_counts_clear(&c);
    ck_assert_ptr_null(c.by_document);
    kg_counts_clear(NULL);
}
END_TEST

/* ---- the report ------------------------------------------------------------------ */

START_TEST(test_leaders_table_has_person_role_organization_and_evidence) {
    fixture f;
    fixture_init(&f);
    kg_graph *g = build(&f);
    char *md = render(g, NULL, false);
    ck_assert_msg(strstr(md, "| Ivan Petrov | chairman | Alpha Federation | Chairman | [2](#ev-") !=
                      NULL,
                  "leaders row missing:\n%s", md);
    ck_assert_ptr_nonnull(
        strstr(md, "| Olga Sidorova | president | Gamma Union | President | [1]"));
    char *html = render(g, NULL, true);
    ck_assert_ptr_nonnull(strstr(html, "<tr><td>Ivan Petrov</td><td>chairman</td><td>Alpha "
                                       "Federation</td><td>Chairman</td><td class=\"num\"><a "
                                       "href=\"#ev-"));
    free(md);
    free(html);
    kg_graph_free(g);
}
END_TEST

START_TEST(test_agreements_table_lists_parties_signatories_and_date) {
    fixture f;
    fixture_init(&f);
    kg_graph *g = build(&f);
    char *md = render(g, NULL, false);
    const char *section = strstr(md, "## Agreements");
    ck_assert_ptr_nonnull(section);
    const char *row = strstr(section, "| Memorandum of cooperation | [Alpha Federation](#ev-");
    ck_assert_msg(row != NULL, "agreement row missing:\n%s", md);
    const char *end = strchr(row, '\n');
    char *line = strndup(row, (size_t)(end - row));
    ck_assert_ptr_nonnull(strstr(line,
                                 "), [Beta \\<script\\>alert(1)\\</script\\> \\& \"Co\" \\| Ltd]"
                                 "(#ev-"));
    ck_assert_ptr_nonnull(strstr(line, "| [Ivan Petrov](#ev-"));
    ck_assert_ptr_nonnull(strstr(line, "| 2024-03-14 | doc1.txt |"));
    free(line);
    /* the undated treaty comes after the dated memorandum, with no signatory */
    const char *treaty = strstr(section, "| Treaty on training |");
    ck_assert_ptr_nonnull(treaty);
    ck_assert(treaty > row);
    ck_assert_ptr_nonnull(strstr(treaty, "| — | — | doc2.txt |"));
    free(md);
    kg_graph_free(g);
}
END_TEST

START_TEST(test_hostile_names_are_escaped) {
    fixture f;
    fixture_init(&f);
    kg_graph *g = build(&f);
    char *html = render(g, NULL, true);
    char *md = render(g, NULL, false);
    /* the page has no script at all, and the name shows as text */
    ck_assert_ptr_null(strstr(html, "<script"));
    ck_assert_ptr_nonnull(
        strstr(html, "Beta &lt;script&gt;alert(1)&lt;/script&gt; &amp; &quot;Co&quot; | Ltd"));
    ck_assert_ptr_nonnull(strstr(html, "said &lt;/q&gt;&lt;script&gt;x&lt;/script&gt;."));
    /* in Markdown every '<' of a name is backslash-escaped */
    for (const char *p = strstr(md, "<script"); p != NULL; p = strstr(p + 1, "<script"))
        ck_assert_msg(p > md && p[-1] == '\\', "unescaped markup at %.40s", p);
    ck_assert_ptr_nonnull(strstr(md, "Beta \\<script\\>alert(1)\\</script\\> \\& \"Co\" \\| Ltd"));
    /* invalid UTF-8 becomes U+FFFD and a control character a space, in both */
    ck_assert_ptr_nonnull(strstr(html, "Capital\xEF\xBF\xBD City "));
    ck_assert_ptr_nonnull(strstr(md, "Capital\xEF\xBF\xBD City "));
    ck_assert_ptr_null(strchr(html, '\x01'));
    ck_assert_ptr_null(strchr(md, '\x01'));
    ck_assert_ptr_null(strchr(html, '\xff'));
    /* a pipe in a title does not split the Markdown table row */
    ck_assert_ptr_nonnull(strstr(md, "| doc1.txt | First \\| report | en | 2024-03-14 |"));
    free(html);
    free(md);
    kg_graph_free(g);
}
END_TEST

START_TEST(test_svg_has_one_circle_per_drawn_node) {
    fixture f;
    fixture_init(&f);
    kg_graph *g = build(&f);
    char *html = render(g, NULL, true);
    char *svg = svg_of(html);
    ck_assert_uint_eq(occurrences(svg, "<circle "), N_ENTITIES);
    ck_assert_uint_eq(occurrences(svg, "<line "), f.data.n_relations);
    ck_assert_ptr_nonnull(strstr(svg, "<title>Ivan Petrov (Person), PageRank "));
    ck_assert_ptr_nonnull(strstr(html, "All 10 entities and 13 relations."));
    free(svg);
    free(html);

    /* capped: the 4 with the highest PageRank, 2 of them labelled */
    kg_report_options opt = KG_REPORT_OPTIONS_INIT;
    opt.max_drawn = 4;
    opt.max_labels = 2;
    html = render(g, &opt, true);
    svg = svg_of(html);
    ck_assert_uint_eq(occurrences(svg, "<circle "), 4);
    ck_assert_uint_eq(occurrences(svg, "<text "), 2);
    ck_assert_ptr_nonnull(strstr(html, "The 4 entities of 10 with the highest PageRank"));
    size_t top[4];
    ck_assert_uint_eq(kg_graph_top_pagerank(g, top, 4), 4);
    for (size_t k = 0; k < 4; k++) {
        char want[128];
        snprintf(want, sizeof want, "<title>%s (", f.entities[top[k]].label);
        if (top[k] != BETA)
            ck_assert_msg(strstr(svg, want) != NULL, "%s not drawn", want);
    }
    free(svg);
    free(html);
    kg_graph_free(g);
}
END_TEST

START_TEST(test_community_colouring) {
    fixture f;
    fixture_init(&f);
    kg_graph *g = build(&f);
    kg_report_options opt = KG_REPORT_OPTIONS_INIT;
    kg_error err;
    ck_assert_int_eq(kg_report_color_parse("Community", &opt.color, &err), KG_OK);
    ck_assert_int_eq(opt.color, KG_REPORT_COLOR_COMMUNITY);
    ck_assert_int_eq(kg_report_color_parse("size", &opt.color, &err), KG_ERR_USAGE);
    char *html = render(g, &opt, true);
    char *svg = svg_of(html);
    /* three communities, three fills (the palette's first three) */
    ck_assert_uint_eq(occurrences(svg, "fill=\"#1f77b4\""), 4);
    ck_assert_uint_eq(occurrences(svg, "fill=\"#ff7f0e\""), 3);
    ck_assert_uint_eq(occurrences(svg, "fill=\"#2ca02c\""), 3);
    free(svg);
    free(html);
    kg_graph_free(g);
}
END_TEST

START_TEST(test_every_evidence_link_has_its_anchor) {
    fixture f;
    fixture_init(&f);
    kg_graph *g = build(&f);
    char *html = render(g, NULL, true);
    size_t links = 0;
    for (const char *p = strstr(html, "href=\"#ev-"); p != NULL; p = strstr(p + 1, "href=\"#ev-")) {
        char id[64];
        snprintf(id, sizeof id, "id=\"%.19s\"", p + 7);
        ck_assert_msg(strstr(html, id) != NULL, "no anchor %s", id);
        links++;
    }
    /* 3 posts, 4 parties, 1 signatory */
    ck_assert_uint_eq(links, 8);
    /* the evidence entry quotes the sentence with its document, rule and confidence */
    ck_assert_ptr_nonnull(strstr(html, "<q>Ivan Petrov signed the memorandum.</q> <span "
                                       "class=\"note\">doc1.txt, sentence 1, rule test.rule, "
                                       "confidence 0.978</span>"));
    free(html);
    kg_graph_free(g);
}
END_TEST

START_TEST(test_numbers_are_formatted_for_people) {
    fixture f;
    fixture_init(&f);
    kg_graph *g = build(&f);
    char *md = render(g, NULL, false);
    ck_assert_ptr_nonnull(strstr(md, "- sentences: **12,350**"));
    ck_assert_ptr_nonnull(strstr(md, "- of text: **1.18 MB**"));
    ck_assert_ptr_nonnull(strstr(md, "| 12,345 | 1.18 MB |"));
    ck_assert_ptr_nonnull(strstr(md, "| 5 | 800 B |"));
    /* two days: a row each; with one row allowed, months (two) then years (one) */
    ck_assert_ptr_nonnull(strstr(md, "| 2024-03-14 | 1 | 4 | 4 | 6 | 1 | 0 |"));
    kg_report_options opt = KG_REPORT_OPTIONS_INIT;
    opt.max_rows = 1;
    char *short_md = render(g, &opt, false);
    ck_assert_ptr_nonnull(strstr(short_md, "By year: the documents of that year"));
    ck_assert_ptr_nonnull(strstr(short_md, "| 2024 | 1 | 4 | 4 | 6 | 1 | 1 |"));
    ck_assert_ptr_nonnull(strstr(short_md, "Showing 1 of 2 documents."));
    free(short_md);
    /* the resolution audit */
    ck_assert_ptr_nonnull(
        strstr(md, "| Ivan Petrov | I. Petrov | Ivan Petrov | coreference | 0.9 | — |"));
    free(md);
    kg_graph_free(g);
}
END_TEST

START_TEST(test_report_is_deterministic_and_written_atomically) {
    fixture f;
    fixture_init(&f);
    kg_graph *g = build(&f);
    char *md = render(g, NULL, false), *html = render(g, NULL, true);
    char *md2 = render(g, NULL, false), *html2 = render(g, NULL, true);
    ck_assert_str_eq(md, md2);
    ck_assert_str_eq(html, html2);

    char *dir = kgt_temp_dir("report");
    kg_error err;
    ck_assert_int_eq(kg_report_write(g, dir, NULL, &err), KG_OK);
    char *p_md = kgt_path(dir, "report.md"), *p_html = kgt_path(dir, "report.html");
    char *f_md = kgt_read_file(p_md, NULL), *f_html = kgt_read_file(p_html, NULL);
    ck_assert_str_eq(f_md, md);
    ck_assert_str_eq(f_html, html);
    /* nothing else left behind (no temporary files) */
    DIR *dh = opendir(dir);
    size_t files = 0;
    for (struct dirent *de; (de = readdir(dh)) != NULL;)
        files += de->d_name[0] != '.' || strncmp(de->d_name, ".report", 7) == 0;
    closedir(dh);
    ck_assert_uint_eq(files, 2);

    /* a missing directory fails and writes nothing */
    char *missing = kgt_path(dir, "no/such/dir");
    ck_assert_int_eq(kg_report_write(g, missing, NULL, &err), KG_ERR_IO);
    free(missing);
    free(p_md);
    free(p_html);
    free(f_md);
    free(f_html);
    free(dir);
    free(md);
    free(md2);
    free(html);
    free(html2);
    kg_graph_free(g);
}
END_TEST

START_TEST(test_empty_graph_report) {
    kg_resolved data = {0};
    kg_graph *g = NULL;
    kg_error err;
    ck_assert_int_eq(kg_graph_build(&g, &data, NULL, &err), KG_OK);
    char *html = render(g, NULL, true);
    ck_assert_ptr_nonnull(strstr(html, "The graph is empty."));
    ck_assert_ptr_null(strstr(html, "<svg"));
    ck_assert_ptr_nonnull(strstr(html, "No agreements were found."));
    ck_assert_ptr_nonnull(strstr(html, "</html>\n"));
    free(html);
    kg_graph_free(g);
}
END_TEST

/* ---- the CLI ------------------------------------------------------------------------ */

/* Runs KG_CLI with args (shell text); returns the exit status. */
static int cli(const char *args, char **out, char **err) {
    size_t n = strlen(KG_CLI) + strlen(args) + 8;
    char *cmd = malloc(n);
    snprintf(cmd, n, "'%s' %s", KG_CLI, args);
    int rc = kgt_run(cmd, out, err);
    free(cmd);
    return rc;
}

START_TEST(test_cli_report_equals_build_report) {
    char *dir = kgt_temp_dir("report-cli");
    char args[4096], *out = NULL, *err = NULL;
    snprintf(args, sizeof args, "build -q --report -o '%s/built' '%s/samples'", dir, KG_SOURCE_DIR);
    ck_assert_int_eq(cli(args, &out, &err), 0);
    free(out);
    free(err);
    snprintf(args, sizeof args, "report '%s/built/graph.json' -o '%s/again'", dir, dir);
    ck_assert_int_eq(cli(args, &out, &err), 0);
    char want[4096];
    snprintf(want, sizeof want, "wrote:\n  %s/again/report.md\n  %s/again/report.html\n", dir, dir);
    ck_assert_str_eq(out, want);
    free(out);
    free(err);
    /* the graph read back gives the very report the build wrote */
    static const char *const names[] = {"report.md", "report.html"};
    for (size_t k = 0; k < 2; k++) {
        char a[4096], b[4096];
        snprintf(a, sizeof a, "%s/built/%s", dir, names[k]);
        snprintf(b, sizeof b, "%s/again/%s", dir, names[k]);
        char *fa = kgt_read_file(a, NULL), *fb = kgt_read_file(b, NULL);
        ck_assert_ptr_nonnull(fa);
        ck_assert_ptr_nonnull(fb);
        ck_assert_msg(strcmp(fa, fb) == 0, "%s differs", names[k]);
        free(fa);
        free(fb);
    }
    free(dir);
}
END_TEST

START_TEST(test_cli_report_usage_errors) {
    char *out = NULL, *err = NULL;
    ck_assert_int_eq(cli("report", &out, &err), 2);
    ck_assert_ptr_nonnull(strstr(err, "no GRAPH.json given"));
    free(out);
    free(err);
    ck_assert_int_eq(cli("report --color size g.json", &out, &err), 2);
    ck_assert_ptr_nonnull(strstr(err, "unknown colouring 'size'"));
    free(out);
    free(err);
    ck_assert_int_eq(cli("report --max-nodes 0 g.json", &out, &err), 2);
    ck_assert_ptr_nonnull(strstr(err, "--max-nodes must be a whole number from 1 to 5000"));
    free(out);
    free(err);
    ck_assert_int_eq(cli("report -o - g.json", &out, &err), 2);
    free(out);
    free(err);
    char args[4096];
    snprintf(args, sizeof args, "build -f json --report -o - '%s/samples'", KG_SOURCE_DIR);
    ck_assert_int_eq(cli(args, &out, &err), 2);
    ck_assert_ptr_nonnull(strstr(err, "--report writes two files"));
    free(out);
    free(err);
    /* a graph that is not there: a runtime error naming it */
    ck_assert_int_eq(cli("report /nonexistent/graph.json -o /tmp", &out, &err), 1);
    ck_assert_ptr_nonnull(strstr(err, "/nonexistent/graph.json"));
    free(out);
    free(err);
}
END_TEST

static Suite *report_suite(void) {
    Suite *s = suite_create("report");
    TCase *tc = tcase_create("views");
    tcase_add_test(tc, test_org_network_counts_agreements_meetings_and_events);
    tcase_add_test(tc, test_bridges_are_persons_with_neighbours_in_two_communities);
    tcase_add_test(tc, test_counts_per_document_and_date);
    suite_add_tcase(s, tc);
    tc = tcase_create("report");
    tcase_add_test(tc, test_leaders_table_has_person_role_organization_and_evidence);
    tcase_add_test(tc, test_agreements_table_lists_parties_signatories_and_date);
    tcase_add_test(tc, test_hostile_names_are_escaped);
    tcase_add_test(tc, test_svg_has_one_circle_per_drawn_node);
    tcase_add_test(tc, test_community_colouring);
    tcase_add_test(tc, test_every_evidence_link_has_its_anchor);
    tcase_add_test(tc, test_numbers_are_formatted_for_people);
    tcase_add_test(tc, test_report_is_deterministic_and_written_atomically);
    tcase_add_test(tc, test_empty_graph_report);
    suite_add_tcase(s, tc);
    tc = tcase_create("cli");
    tcase_set_timeout(tc, 120);
    tcase_add_test(tc, test_cli_report_equals_build_report);
    tcase_add_test(tc, test_cli_report_usage_errors);
    suite_add_tcase(s, tc);
    return s;
}

int main(void) {
    SRunner *sr = srunner_create(report_suite());
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
