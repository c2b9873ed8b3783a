/* test_analytics.c — the network analytics (HITS, k-cores, sampled
 * betweenness, Leiden communities with canonical ids, modularity), their
 * determinism, graph.json read back by kg_import_json, and `kgraph analyze`. */
#include "kg_export.h"
#include "kg_graph.h"
#include "kg_graph_internal.h"
#include "kg_test_util.h"

#include <check.h>
#include <jansson.h>
#include <math.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define SAMPLES KG_SOURCE_DIR "/samples"

/* ---- hand-made graphs ---------------------------------------------------------------- */

typedef struct fixture {
    kg_entity *entities;
    kg_relation *relations;
    char (*ids)[24];
    size_t cap_relations;
    kg_resolved data;
} fixture;

/* n entities "person/v00", "person/v01", ... (sorted by id, as resolved
 * data is), room for up to max_edges relations. */
static void fixture_init(fixture *f, size_t n, size_t max_edges) {
    memset(f, 0, sizeof *f);
    f->entities = calloc(n + 1, sizeof *f->entities);
    f->relations = calloc(max_edges + 1, sizeof *f->relations);
    f->ids = calloc(n + 1, sizeof *f->ids);
    ck_assert(f->entities != NULL && f->relations != NULL && f->ids != NULL);
    for (size_t i = 0; i < n; i++) {
        snprintf(f->ids[i], sizeof f->ids[i], "person/v%02zu", i);
        f->entities[i].type = KG_ENT_PERSON;
        f->entities[i].id = f->ids[i];
        f->entities[i].label = f->ids[i] + 7;
    }
    f->cap_relations = max_edges;
    f->data.entities = f->entities;
    f->data.n_entities = n;
    f->data.relations = f->relations;
}

static void fixture_free(fixture *f) {
    free(f->entities);
    free(f->relations);
    free(f->ids);
}

static void edge(fixture *f, size_t s, size_t o, size_t weight) {
    ck_assert_uint_lt(f->data.n_relations, f->cap_relations);
    kg_relation *r = &f->relations[f->data.n_relations++];
    r->type = KG_REL_MET_WITH;
    r->subject = s;
    r->object = o;
    r->n_evidence = weight;
    r->confidence = 0.5;
}

static kg_graph *build_with(const fixture *f, const kg_analytics_options *options) {
    kg_graph *g = NULL;
    kg_error err;
    kg_status status = kg_graph_build_with(&g, &f->data, NULL, options, &err);
    ck_assert_msg(status == KG_OK, "kg_graph_build_with: %s", err.message);
    ck_assert_int_eq(IGRAPH_FINALLY_STACK_SIZE(), 0);
    return g;
}

/* A long path: ARPACK does not converge there (±λ on a bipartite graph);
 * the build still succeeds, through the retry or the power iteration. */
START_TEST(test_spectral_measures_of_a_long_path) {
    fixture f;
    fixture_init(&f, 300, 299);
    for (size_t i = 0; i + 1 < 300; i++)
        edge(&f, i + 1, i, 1);
    kg_graph *g = build_with(&f, NULL);
    double max = 0.0;
    for (size_t i = 0; i < 300; i++) {
        const kg_centrality *c = &g->centrality[i];
        ck_assert_double_eq_tol(c->eigenvector, g->centrality[299 - i].eigenvector, 1e-6);
        max = c->eigenvector > max ? c->eigenvector : max;
        ck_assert(c->hub >= 0.0 && c->hub <= 1.0 && c->authority >= 0.0 && c->authority <= 1.0);
    }
    ck_assert_double_eq_tol(max, 1.0, 1e-12);
    ck_assert_double_eq_tol(g->centrality[149].eigenvector, 1.0, 1e-3); /* the middle */
    ck_assert_double_lt(g->centrality[0].eigenvector, 0.05);            /* the ends */
    ck_assert_double_eq(g->centrality[0].hub, 0.0);                     /* v00 points at nothing */
    ck_assert_double_eq(g->centrality[299].authority, 0.0);             /* nothing points at v299 */
    kg_graph_free(g);
    fixture_free(&f);
}
END_TEST

/* A star whose centre v00 points at v01, v02, v03; a directed triangle
 * v04 → v05 → v06 → v04; v07 alone. */
static void star_and_triangle(fixture *f) {
    fixture_init(f, 8, 6);
    edge(f, 0, 1, 1);
    edge(f, 0, 2, 1);
    edge(f, 0, 3, 1);
    edge(f, 4, 5, 1);
    edge(f, 5, 6, 1);
    edge(f, 6, 4, 1);
}

/* A deterministic graph of n vertices: a ring plus chords from a linear
 * congruential sequence, so that betweenness varies from vertex to vertex. */
static void ring_with_chords(fixture *f, size_t n, size_t chords) {
    fixture_init(f, n, n + chords);
    for (size_t i = 0; i < n; i++)
        edge(f, i, (i + 1) % n, 1);
    unsigned long x = 12345;
    for (size_t k = 0; k < chords; k++) {
        x = (x * 1103515245UL + 12345UL) % 2147483648UL;
        size_t a = x % n;
        x = (x * 1103515245UL + 12345UL) % 2147483648UL;
        size_t b = x % n;
        if (a != b)
            edge(f, a, b, 1 + k % 3);
    }
}

/* 70 vertices: ring_with_chords(60, 40), a relation parallel to a ring
 * edge, a self loop, and vertices 60..69 off the ring: a path, a pair,
 * isolates. */
static void ring_with_extras(fixture *cf) {
    fixture f;
    ring_with_chords(&f, 60, 40);
    fixture_init(cf, 70, f.data.n_relations + 10);
    for (size_t j = 0; j < f.data.n_relations; j++)
        edge(cf, f.relations[j].subject, f.relations[j].object, f.relations[j].n_evidence);
    edge(cf, 3, 4, 1); /* parallel to the ring edge */
    edge(cf, 5, 5, 1); /* self loop */
    edge(cf, 60, 61, 1);
    edge(cf, 61, 62, 1);
    edge(cf, 62, 63, 2);
    edge(cf, 65, 66, 1);
    fixture_free(&f);
}

/* ---- centralities on the star and triangle ---------------------------------------------- */

START_TEST(test_coreness_of_star_triangle_and_isolate) {
    fixture f;
    star_and_triangle(&f);
    kg_graph *g = build_with(&f, NULL);
    for (size_t i = 0; i < 4; i++)
        ck_assert_double_eq(g->centrality[i].coreness, 1);
    for (size_t i = 4; i < 7; i++)
        ck_assert_double_eq(g->centrality[i].coreness, 2);
    ck_assert_double_eq(g->centrality[7].coreness, 0);
    kg_graph_free(g);
    fixture_free(&f);
}
END_TEST

START_TEST(test_coreness_ignores_parallel_edges_and_loops) {
    fixture f;
    fixture_init(&f, 2, 4);
    edge(&f, 0, 1, 1);
    edge(&f, 1, 0, 2); /* another relation between the same two */
    edge(&f, 0, 1, 1);
    edge(&f, 0, 0, 1); /* self loop */
    kg_graph *g = build_with(&f, NULL);
    ck_assert_double_eq(g->centrality[0].coreness, 1);
    ck_assert_double_eq(g->centrality[1].coreness, 1);
    ck_assert_double_eq(g->centrality[0].degree, 5); /* the loop counts twice */
    kg_graph_free(g);
    fixture_free(&f);
}
END_TEST

/* A A^T restricted to the star is 3 at the centre; on the triangle it is
 * the identity (eigenvalue 1), so the triangle has no hub score at all.
 * A^T A on the three leaves is the all-ones matrix: equal authorities. */
START_TEST(test_hits_on_star_and_triangle) {
    fixture f;
    star_and_triangle(&f);
    kg_graph *g = build_with(&f, NULL);
    const kg_centrality *c = g->centrality;
    ck_assert_double_eq_tol(c[0].hub, 1.0, 1e-9);
    ck_assert_double_eq_tol(c[0].authority, 0.0, 1e-9);
    for (size_t i = 1; i < 4; i++) {
        ck_assert_double_eq_tol(c[i].hub, 0.0, 1e-9);
        ck_assert_double_eq_tol(c[i].authority, 1.0, 1e-9);
    }
    for (size_t i = 4; i < 8; i++) {
        ck_assert_double_eq_tol(c[i].hub, 0.0, 1e-9);
        ck_assert_double_eq_tol(c[i].authority, 0.0, 1e-9);
    }
    kg_graph_free(g);
    fixture_free(&f);
}
END_TEST

START_TEST(test_hits_follows_evidence_weights) {
    /* v00 → v02 (weight 3), v01 → v02 (weight 1), v01 → v03 (weight 1):
     * A A^T = [[9, 3], [3, 2]] on (v00, v01), so v00 is the top hub;
     * v02 the top authority. */
    fixture f;
    fixture_init(&f, 4, 3);
    edge(&f, 0, 2, 3);
    edge(&f, 1, 2, 1);
    edge(&f, 1, 3, 1);
    kg_graph *g = build_with(&f, NULL);
    const kg_centrality *c = g->centrality;
    /* Leading eigenvector of [[9,3],[3,2]]: λ = (11 + √85) / 2. */
    double lambda = (11.0 + sqrt(85.0)) / 2.0;
    ck_assert_double_eq_tol(c[0].hub, 1.0, 1e-9);
    ck_assert_double_eq_tol(c[1].hub, (lambda - 9.0) / 3.0, 1e-9);
    ck_assert_double_eq_tol(c[2].authority, 1.0, 1e-9);
    ck_assert(c[3].authority > 0 && c[3].authority < c[2].authority);
    ck_assert_double_eq(c[2].hub, 0);
    kg_graph_free(g);
    fixture_free(&f);
}
END_TEST

START_TEST(test_graph_without_edges_has_no_hubs_and_singleton_communities) {
    fixture f;
    fixture_init(&f, 3, 0);
    kg_graph *g = build_with(&f, NULL);
    for (size_t i = 0; i < 3; i++) {
        ck_assert_double_eq(g->centrality[i].hub, 0);
        ck_assert_double_eq(g->centrality[i].authority, 0);
        ck_assert_double_eq(g->centrality[i].coreness, 0);
        ck_assert_uint_eq(g->community[i], i);
    }
    ck_assert_uint_eq(g->analytics.n_communities, 3);
    ck_assert_double_eq(g->analytics.modularity, 0);
    kg_graph_free(g);
    fixture_free(&f);

    fixture_init(&f, 0, 0);
    g = build_with(&f, NULL);
    ck_assert_uint_eq(g->analytics.n_communities, 0);
    ck_assert_str_eq(g->analytics.betweenness_method, "exact");
    ck_assert_str_eq(g->analytics.community_method, "leiden-modularity");
    kg_graph_free(g);
    fixture_free(&f);
}
END_TEST

/* ---- communities ------------------------------------------------------------------------ */

START_TEST(test_communities_of_star_and_triangle) {
    fixture f;
    star_and_triangle(&f);
    kg_graph *g = build_with(&f, NULL);
    for (size_t i = 0; i < 4; i++)
        ck_assert_uint_eq(g->community[i], 0);
    for (size_t i = 4; i < 7; i++)
        ck_assert_uint_eq(g->community[i], 1);
    ck_assert_uint_eq(g->community[7], 2);
    ck_assert_uint_eq(g->analytics.n_communities, 3);
    /* Two groups of three edges out of six, each with half the degree:
     * 2 × (3/6 − (6/12)²) = 0.5. */
    ck_assert_double_eq_tol(g->analytics.modularity, 0.5, 1e-12);
    kg_graph_free(g);
    fixture_free(&f);
}
END_TEST

/* Community 0 is the one holding the smallest id, whatever the vertex
 * order and whatever labels Leiden used. */
START_TEST(test_community_ids_follow_smallest_member_id) {
    fixture f;
    fixture_init(&f, 6, 6);
    /* triangle v03 v04 v05, triangle v00 v01 v02 ... but with the ids of the
     * first triangle made to sort first. */
    edge(&f, 3, 4, 1);
    edge(&f, 4, 5, 1);
    edge(&f, 5, 3, 1);
    edge(&f, 0, 1, 1);
    edge(&f, 1, 2, 1);
    edge(&f, 2, 0, 1);
    snprintf(f.ids[3], sizeof f.ids[3], "event/z");
    snprintf(f.ids[4], sizeof f.ids[4], "agreement/a"); /* smallest of all */
    kg_graph *g = build_with(&f, NULL);
    ck_assert_uint_eq(g->community[4], 0);
    ck_assert_uint_eq(g->community[3], 0);
    ck_assert_uint_eq(g->community[5], 0);
    ck_assert_uint_eq(g->community[0], 1);
    ck_assert_uint_eq(g->community[1], 1);
    ck_assert_uint_eq(g->community[2], 1);
    kg_graph_free(g);
    fixture_free(&f);
}
END_TEST

/* Two dense blocks of 6 joined by one light bridge: Leiden separates them,
 * with every seed. */
START_TEST(test_leiden_finds_two_blocks_for_any_seed) {
    fixture f;
    fixture_init(&f, 12, 40);
    for (size_t b = 0; b < 2; b++)
        for (size_t i = 0; i < 6; i++)
            for (size_t j = i + 1; j < 6; j++)
                edge(&f, 6 * b + i, 6 * b + j, 2);
    edge(&f, 5, 6, 1);
    for (unsigned long seed = 1; seed <= 5; seed++) {
        kg_analytics_options opt = KG_ANALYTICS_OPTIONS_INIT;
        opt.seed = seed;
        kg_graph *g = build_with(&f, &opt);
        ck_assert_uint_eq(g->analytics.n_communities, 2);
        for (size_t i = 0; i < 12; i++)
            ck_assert_uint_eq(g->community[i], i < 6 ? 0 : 1);
        ck_assert(g->analytics.modularity > 0.45);
        ck_assert_uint_eq(g->analytics.options.seed, seed);
        kg_graph_free(g);
    }
    fixture_free(&f);
}
END_TEST

/* ---- determinism and options -------------------------------------------------------------- */

START_TEST(test_same_input_same_numbers) {
    fixture f;
    ring_with_chords(&f, 60, 50);
    kg_analytics_options opt = KG_ANALYTICS_OPTIONS_INIT;
    opt.betweenness_exact_max = 10; /* sampled, seeded */
    opt.betweenness_samples = 20;
    kg_graph *a = build_with(&f, &opt);
    kg_graph *b = build_with(&f, &opt);
    for (size_t i = 0; i < 60; i++)
        for (int m = 0; m < KG_MEASURE_COUNT; m++)
            ck_assert_msg(kg_centrality_get(&a->centrality[i], (kg_measure)m) ==
                              kg_centrality_get(&b->centrality[i], (kg_measure)m),
                          "vertex %zu: %s %.17g then %.17g", i, kg_measure_name((kg_measure)m),
                          kg_centrality_get(&a->centrality[i], (kg_measure)m),
                          kg_centrality_get(&b->centrality[i], (kg_measure)m));
    ck_assert_int_eq(memcmp(a->community, b->community, 60 * sizeof *a->community), 0);
    ck_assert_double_eq(a->analytics.modularity, b->analytics.modularity);
    ck_assert_uint_eq(a->analytics.n_communities, b->analytics.n_communities);
    kg_graph_free(a);
    kg_graph_free(b);
    fixture_free(&f);
}
END_TEST

/* With more than one thread the sampled estimators run beside Leiden: the
 * numbers are those of one thread, bit for bit. */
START_TEST(test_estimates_beside_leiden_change_nothing) {
    fixture f;
    ring_with_chords(&f, 400, 300);
    kg_analytics_options opt = KG_ANALYTICS_OPTIONS_INIT;
    opt.betweenness_exact_max = 10;
    opt.betweenness_samples = 120;
    opt.threads = 1;
    kg_graph *one = build_with(&f, &opt);
    ck_assert_str_eq(one->analytics.betweenness_method, "sampled");
    ck_assert_str_eq(one->analytics.closeness_method, "sampled");
    for (size_t threads = 2; threads <= 3; threads++) {
        opt.threads = threads;
        kg_graph *many = build_with(&f, &opt);
        ck_assert_int_eq(memcmp(one->centrality, many->centrality, 400 * sizeof *one->centrality),
                         0);
        ck_assert_int_eq(memcmp(one->community, many->community, 400 * sizeof *one->community), 0);
        ck_assert_double_eq(one->analytics.modularity, many->analytics.modularity);
        ck_assert_uint_eq(one->analytics.betweenness_sources, many->analytics.betweenness_sources);
        ck_assert_uint_eq(one->analytics.closeness_sources, many->analytics.closeness_sources);
        kg_graph_free(many);
    }
    double total = 0;
    for (size_t i = 0; i < 400; i++)
        total += one->centrality[i].betweenness + one->centrality[i].harmonic;
    ck_assert_double_gt(total, 0.0);
    kg_graph_free(one);
    fixture_free(&f);
}
END_TEST

START_TEST(test_betweenness_switches_from_exact_to_sampled) {
    fixture f;
    ring_with_chords(&f, 60, 50);
    kg_analytics_options opt = KG_ANALYTICS_OPTIONS_INIT;
    kg_graph *exact = build_with(&f, &opt);
    ck_assert_str_eq(exact->analytics.betweenness_method, "exact");
    ck_assert_uint_eq(exact->analytics.betweenness_sources, 60);

    opt.betweenness_exact_max = 59;
    opt.betweenness_samples = 30;
    kg_graph *sampled = build_with(&f, &opt);
    ck_assert_str_eq(sampled->analytics.betweenness_method, "sampled");
    ck_assert_uint_eq(sampled->analytics.betweenness_sources, 30);
    /* An estimate, not the exact value, but of the same size: the total
     * over all vertices within 25 %, and the top vertex among the exact
     * top five. */
    double total_exact = 0, total_sampled = 0;
    for (size_t i = 0; i < 60; i++) {
        total_exact += exact->centrality[i].betweenness;
        total_sampled += sampled->centrality[i].betweenness;
    }
    ck_assert_double_eq_tol(total_sampled / total_exact, 1.0, 0.25);
    ck_assert(memcmp(exact->centrality, sampled->centrality, 60 * sizeof *exact->centrality) != 0);
    size_t top_exact[5], top_sampled[1];
    ck_assert_uint_eq(kg_graph_top(exact, KG_MEASURE_BETWEENNESS, top_exact, 5), 5);
    ck_assert_uint_eq(kg_graph_top(sampled, KG_MEASURE_BETWEENNESS, top_sampled, 1), 1);
    bool found = false;
    for (size_t k = 0; k < 5; k++)
        found |= top_exact[k] == top_sampled[0];
    ck_assert(found);
    /* The other measures do not depend on the method. */
    ck_assert_double_eq(exact->centrality[7].pagerank, sampled->centrality[7].pagerank);

    /* As many samples as vertices: exact again. */
    opt.betweenness_samples = 60;
    kg_graph *all = build_with(&f, &opt);
    ck_assert_str_eq(all->analytics.betweenness_method, "exact");
    for (size_t i = 0; i < 60; i++)
        ck_assert_double_eq(all->centrality[i].betweenness, exact->centrality[i].betweenness);
    kg_graph_free(exact);
    kg_graph_free(sampled);
    kg_graph_free(all);
    fixture_free(&f);
}
END_TEST

/* kgraph's own estimator (Brandes from the sampled sources, on threads):
 * over every source it is igraph's exact betweenness, parallel edges, self
 * loops and isolated vertices included; over a subset it is igraph's subset
 * betweenness scaled by n / k; and its bits do not depend on the number of
 * threads. */
START_TEST(test_betweenness_estimator_matches_igraph) {
    fixture cf;
    ring_with_extras(&cf);
    kg_graph *g = build_with(&cf, NULL); /* exact, by igraph */
    ck_assert_str_eq(g->analytics.betweenness_method, "exact");
    size_t n = cf.data.n_entities;
    igraph_vector_int_t all, some;
    igraph_vector_int_init_range(&all, 0, (igraph_integer_t)n);
    igraph_vector_int_init(&some, 0);
    for (igraph_integer_t v = 0; v < (igraph_integer_t)n; v += 3)
        igraph_vector_int_push_back(&some, v);
    igraph_vector_t subset;
    igraph_vector_init(&subset, 0);
    ck_assert_int_eq(igraph_betweenness_subset(&g->igraph, &subset, igraph_vss_all(), false,
                                               igraph_vss_vector(&some), igraph_vss_all(), NULL),
                     IGRAPH_SUCCESS);
    double scale = (double)n / (double)igraph_vector_int_size(&some);
    kg_centrality *one = calloc(n, sizeof *one), *many = calloc(n, sizeof *many);
    ck_assert(one != NULL && many != NULL);
    for (size_t threads = 1; threads <= 4; threads++) {
        kg_centrality *c = threads == 1 ? one : many;
        ck_assert_int_eq(kg_graph_betweenness_estimates(&cf.data, &all, threads, c), KG_OK);
        for (size_t i = 0; i < n; i++)
            ck_assert_double_eq_tol(c[i].betweenness, g->centrality[i].betweenness, 1e-9);
        ck_assert_int_eq(kg_graph_betweenness_estimates(&cf.data, &some, threads, c), KG_OK);
        for (size_t i = 0; i < n; i++) {
            ck_assert_double_eq_tol(c[i].betweenness, VECTOR(subset)[i] * scale, 1e-9);
            ck_assert(memcmp(&one[i].betweenness, &c[i].betweenness, sizeof(double)) == 0);
        }
    }
    ck_assert_double_gt(one[0].betweenness, 0.0);
    ck_assert_double_eq(one[69].betweenness, 0.0); /* isolated */
    free(one);
    free(many);
    igraph_vector_destroy(&subset);
    igraph_vector_int_destroy(&all);
    igraph_vector_int_destroy(&some);
    kg_graph_free(g);
    fixture_free(&cf);
}
END_TEST

static void *join_betweenness(void *arg) {
    kg_betweenness_work(arg, 1);
    return NULL;
}

/* Threads may join an estimate while it runs (kg_graph_build's calling
 * thread does, once igraph's measures are done): whoever takes which
 * source, and whenever they come, the bits are those of one thread alone;
 * a thread that comes after the last source returns at once. */
START_TEST(test_betweenness_threads_join_late) {
    fixture cf;
    ring_with_extras(&cf);
    size_t n = cf.data.n_entities;
    igraph_vector_int_t some;
    igraph_vector_int_init(&some, 0);
    for (igraph_integer_t v = 0; v < (igraph_integer_t)n; v += 2)
        igraph_vector_int_push_back(&some, v);
    kg_centrality *one = calloc(n, sizeof *one), *joined = calloc(n, sizeof *joined);
    ck_assert(one != NULL && joined != NULL);
    ck_assert_int_eq(kg_graph_betweenness_estimates(&cf.data, &some, 1, one), KG_OK);
    for (int round = 0; round < 20; round++) {
        kg_betweenness *b = kg_betweenness_new(&cf.data, &some);
        ck_assert_ptr_nonnull(b);
        pthread_t helper[3];
        for (int t = 0; t < 3; t++)
            ck_assert_int_eq(pthread_create(&helper[t], NULL, join_betweenness, b), 0);
        kg_betweenness_work(b, 2);
        kg_betweenness_work(b, 1); /* every source taken: nothing to do */
        for (int t = 0; t < 3; t++)
            pthread_join(helper[t], NULL);
        memset(joined, 0xff, n * sizeof *joined);
        ck_assert_int_eq(kg_betweenness_finish(b, joined), KG_OK);
        for (size_t i = 0; i < n; i++)
            ck_assert(memcmp(&one[i].betweenness, &joined[i].betweenness, sizeof(double)) == 0);
    }
    ck_assert_double_gt(one[0].betweenness, 0.0);
    /* prepared but never worked on: some sources were never taken */
    kg_betweenness *idle = kg_betweenness_new(&cf.data, &some);
    ck_assert_ptr_nonnull(idle);
    ck_assert_int_eq(kg_betweenness_finish(idle, joined), KG_ERR_NOMEM);
    ck_assert_int_eq(kg_betweenness_finish(NULL, joined), KG_ERR_NOMEM);
    free(one);
    free(joined);
    igraph_vector_int_destroy(&some);
    fixture_free(&cf);
}
END_TEST

/* The work bound: K = --betweenness-samples unless K (n + 2m) edge visits
 * exceed the budget, then budget / (n + 2m), but never under 100 (or under
 * K when K is smaller); closeness and harmonic keep all K sources. */
START_TEST(test_betweenness_budget_bounds_the_sources) {
    kg_analytics_options opt = KG_ANALYTICS_OPTIONS_INIT;
    ck_assert_uint_eq(opt.betweenness_budget, (size_t)1 << 29);
    ck_assert_uint_eq(kg_analytics_sources(&opt, 60000, 228000), 1000);
    ck_assert_uint_eq(kg_analytics_sources(&opt, 500000, 2000000), 119);
    ck_assert_uint_eq(kg_analytics_sources(&opt, 10000000, 50000000), 100);
    ck_assert_uint_eq(kg_analytics_sources(&opt, 500, 1000), 500); /* K ≥ n: all */
    opt.betweenness_samples = 50;
    ck_assert_uint_eq(kg_analytics_sources(&opt, 10000000, 50000000), 50);
    opt.betweenness_samples = 1000;
    opt.betweenness_budget = 0; /* no bound */
    ck_assert_uint_eq(kg_analytics_sources(&opt, 10000000, 50000000), 1000);

    fixture f;
    ring_with_chords(&f, 400, 300);
    size_t work = f.data.n_entities + 2 * f.data.n_relations;
    opt.betweenness_exact_max = 0;
    opt.betweenness_samples = 250;
    opt.betweenness_budget = 150 * work + 7;
    kg_graph *g = build_with(&f, &opt);
    ck_assert_str_eq(g->analytics.betweenness_method, "sampled");
    ck_assert_uint_eq(g->analytics.betweenness_sources, 150);
    ck_assert_uint_eq(g->analytics.closeness_sources, 250);
    ck_assert_uint_eq(g->analytics.harmonic_sources, 250);
    opt.betweenness_budget = 20 * work; /* below the floor of 100 */
    kg_graph *h = build_with(&f, &opt);
    ck_assert_uint_eq(h->analytics.betweenness_sources, 100);
    kg_graph_free(g);
    kg_graph_free(h);
    fixture_free(&f);
}
END_TEST

START_TEST(test_seed_changes_the_sample) {
    fixture f;
    ring_with_chords(&f, 60, 50);
    kg_analytics_options opt = KG_ANALYTICS_OPTIONS_INIT;
    opt.betweenness_exact_max = 0;
    opt.betweenness_samples = 10;
    kg_graph *a = build_with(&f, &opt);
    opt.seed = 43;
    kg_graph *b = build_with(&f, &opt);
    bool differ = false;
    for (size_t i = 0; i < 60; i++)
        differ |= a->centrality[i].betweenness != b->centrality[i].betweenness;
    ck_assert(differ);
    kg_graph_free(a);
    kg_graph_free(b);
    fixture_free(&f);
}
END_TEST

/* ---- closeness and harmonic from sampled sources --------------------------------------- */

/* Ranks of x (1-based, ties sharing their mean rank). */
static double *ranks(const double *x, size_t n) {
    size_t *order = malloc(n * sizeof *order);
    double *rank = malloc(n * sizeof *rank);
    ck_assert(order != NULL && rank != NULL);
    for (size_t i = 0; i < n; i++)
        order[i] = i;
    /* insertion sort would be quadratic; a shell sort keeps the test free of
     * qsort's context problem */
    for (size_t gap = n / 2; gap > 0; gap /= 2)
        for (size_t i = gap; i < n; i++)
            for (size_t j = i; j >= gap && x[order[j - gap]] > x[order[j]]; j -= gap) {
                size_t t = order[j];
                order[j] = order[j - gap];
                order[j - gap] = t;
            }
    for (size_t i = 0; i < n;) {
        size_t j = i;
        while (j + 1 < n && x[order[j + 1]] == x[order[i]])
            j++;
        for (size_t k = i; k <= j; k++)
            rank[order[k]] = (double)(i + j) / 2.0 + 1.0;
        i = j + 1;
    }
    free(order);
    return rank;
}

/* Spearman's rank correlation of measure between two builds. */
static double spearman(const kg_graph *a, const kg_graph *b, kg_measure measure, size_t n) {
    double *x = malloc(n * sizeof *x), *y = malloc(n * sizeof *y);
    ck_assert(x != NULL && y != NULL);
    for (size_t i = 0; i < n; i++) {
        x[i] = kg_centrality_get(&a->centrality[i], measure);
        y[i] = kg_centrality_get(&b->centrality[i], measure);
    }
    double *rx = ranks(x, n), *ry = ranks(y, n);
    double mean = (double)(n + 1) / 2.0, sxy = 0, sxx = 0, syy = 0;
    for (size_t i = 0; i < n; i++) {
        sxy += (rx[i] - mean) * (ry[i] - mean);
        sxx += (rx[i] - mean) * (rx[i] - mean);
        syy += (ry[i] - mean) * (ry[i] - mean);
    }
    free(x);
    free(y);
    free(rx);
    free(ry);
    return sxy / sqrt(sxx * syy);
}

/* Above betweenness_exact_max the bit-parallel BFS runs; with every vertex a
 * source it must give igraph's exact values, unreachable parts, isolated
 * vertices, parallel edges and self loops included. */
static void assert_bfs_path_is_exact(const fixture *f) {
    size_t n = f->data.n_entities;
    kg_graph *exact = build_with(f, NULL);
    kg_analytics_options opt = KG_ANALYTICS_OPTIONS_INIT;
    opt.betweenness_exact_max = 1;
    opt.betweenness_samples = n;
    kg_graph *bfs = build_with(f, &opt);
    ck_assert_str_eq(exact->analytics.closeness_method, "exact");
    ck_assert_str_eq(bfs->analytics.closeness_method, "exact");
    ck_assert_str_eq(bfs->analytics.harmonic_method, "exact");
    ck_assert_uint_eq(bfs->analytics.closeness_sources, n);
    ck_assert_uint_eq(bfs->analytics.harmonic_sources, n);
    for (size_t i = 0; i < n; i++) {
        ck_assert_double_eq_tol(bfs->centrality[i].closeness, exact->centrality[i].closeness,
                                1e-12);
        ck_assert_double_eq_tol(bfs->centrality[i].harmonic, exact->centrality[i].harmonic, 1e-12);
    }
    kg_graph_free(exact);
    kg_graph_free(bfs);
}

START_TEST(test_closeness_and_harmonic_from_every_source_are_exact) {
    fixture f;
    star_and_triangle(&f); /* three components, one an isolated vertex */
    assert_bfs_path_is_exact(&f);
    fixture_free(&f);

    /* 70 vertices: more than one 64-source batch */
    fixture cf;
    ring_with_extras(&cf);
    assert_bfs_path_is_exact(&cf);
    fixture_free(&cf);

    /* A long path: 299 levels, 5 batches.  Straight to the estimator:
     * ARPACK (eigenvector, HITS) does not converge on long paths. */
    fixture_init(&f, 300, 299);
    igraph_vector_int_t edges, all;
    igraph_vector_int_init(&edges, 0);
    for (size_t i = 0; i + 1 < 300; i++) {
        edge(&f, i + 1, i, 1);
        igraph_vector_int_push_back(&edges, (igraph_integer_t)i + 1);
        igraph_vector_int_push_back(&edges, (igraph_integer_t)i);
    }
    igraph_t path;
    igraph_vector_t closeness, harmonic;
    ck_assert_int_eq(igraph_create(&path, &edges, 300, IGRAPH_UNDIRECTED), IGRAPH_SUCCESS);
    igraph_vector_init(&closeness, 0);
    igraph_vector_init(&harmonic, 0);
    igraph_closeness(&path, &closeness, NULL, NULL, igraph_vss_all(), IGRAPH_ALL, NULL, true);
    igraph_harmonic_centrality(&path, &harmonic, igraph_vss_all(), IGRAPH_ALL, NULL, true);
    igraph_vector_int_init_range(&all, 0, 300);
    kg_centrality *c = calloc(300, sizeof *c);
    ck_assert_ptr_nonnull(c);
    ck_assert_int_eq(kg_graph_distance_estimates(&f.data, &all, c), KG_OK);
    for (size_t i = 0; i < 300; i++) {
        ck_assert_double_eq_tol(c[i].closeness, VECTOR(closeness)[i], 1e-12);
        ck_assert_double_eq_tol(c[i].harmonic, VECTOR(harmonic)[i], 1e-12);
    }
    free(c);
    igraph_vector_int_destroy(&all);
    igraph_vector_int_destroy(&edges);
    igraph_vector_destroy(&closeness);
    igraph_vector_destroy(&harmonic);
    igraph_destroy(&path);
    fixture_free(&f);

    fixture_init(&f, 1, 0); /* one vertex: nothing to reach */
    assert_bfs_path_is_exact(&f);
    fixture_free(&f);
}
END_TEST

/* A few thousand vertices and a tenth of them as sources: the estimates
 * rank the vertices as the exact values do. */
START_TEST(test_sampled_closeness_and_harmonic_rank_like_exact) {
    fixture f;
    const size_t n = 3000;
    ring_with_chords(&f, n, 1500);
    kg_analytics_options opt = KG_ANALYTICS_OPTIONS_INIT;
    kg_graph *exact = build_with(&f, &opt);
    ck_assert_str_eq(exact->analytics.harmonic_method, "exact");
    opt.betweenness_exact_max = 100;
    opt.betweenness_samples = 300;
    kg_graph *a = build_with(&f, &opt);
    kg_graph *b = build_with(&f, &opt);
    ck_assert_str_eq(a->analytics.closeness_method, "sampled");
    ck_assert_str_eq(a->analytics.harmonic_method, "sampled");
    ck_assert_uint_eq(a->analytics.closeness_sources, 300);
    ck_assert_uint_eq(a->analytics.harmonic_sources, 300);
    double rho_closeness = spearman(exact, a, KG_MEASURE_CLOSENESS, n);
    double rho_harmonic = spearman(exact, a, KG_MEASURE_HARMONIC, n);
    ck_assert_msg(rho_closeness >= 0.95, "closeness: Spearman %.4f", rho_closeness);
    ck_assert_msg(rho_harmonic >= 0.95, "harmonic: Spearman %.4f", rho_harmonic);
    /* Same options, same numbers: the sample is drawn from the seed. */
    for (size_t i = 0; i < n; i++) {
        ck_assert(a->centrality[i].closeness == b->centrality[i].closeness);
        ck_assert(a->centrality[i].harmonic == b->centrality[i].harmonic);
        /* The estimates are of the right size, not only the right order. */
        ck_assert_double_eq_tol(a->centrality[i].harmonic, exact->centrality[i].harmonic,
                                0.1 * exact->centrality[i].harmonic);
    }
    /* Another seed, another sample. */
    opt.seed = 7;
    kg_graph *c = build_with(&f, &opt);
    bool differ = false;
    for (size_t i = 0; i < n; i++)
        differ |= c->centrality[i].closeness != a->centrality[i].closeness;
    ck_assert(differ);

    kg_graph_free(exact);
    kg_graph_free(a);
    kg_graph_free(b);
    kg_graph_free(c);
    fixture_free(&f);
}
END_TEST

START_TEST(test_bad_options_are_usage_errors) {
    fixture f;
    star_and_triangle(&f);
    kg_graph *g = NULL;
    kg_error err;
    kg_analytics_options opt = KG_ANALYTICS_OPTIONS_INIT;
    opt.leiden_iterations = 0; /* "until stable" is broken in igraph 0.10.2 */
    ck_assert_int_eq(kg_graph_build_with(&g, &f.data, NULL, &opt, &err), KG_ERR_USAGE);
    ck_assert_ptr_null(g);
    opt = (kg_analytics_options)KG_ANALYTICS_OPTIONS_INIT;
    opt.betweenness_samples = 0;
    ck_assert_int_eq(kg_graph_build_with(&g, &f.data, NULL, &opt, &err), KG_ERR_USAGE);
    opt = (kg_analytics_options)KG_ANALYTICS_OPTIONS_INIT;
    opt.leiden_resolution = NAN;
    ck_assert_int_eq(kg_graph_build_with(&g, &f.data, NULL, &opt, &err), KG_ERR_USAGE);
    ck_assert_ptr_nonnull(strstr(err.message, "positive"));
    if (sizeof(unsigned long) == 8) { /* graph.json stores the seed as a signed 64-bit integer */
        opt = (kg_analytics_options)KG_ANALYTICS_OPTIONS_INIT;
        opt.seed = (unsigned long)-1;
        ck_assert_int_eq(kg_graph_build_with(&g, &f.data, NULL, &opt, &err), KG_ERR_USAGE);
    }
    fixture_free(&f);
}
END_TEST

START_TEST(test_top_by_any_measure) {
    fixture f;
    star_and_triangle(&f);
    kg_graph *g = build_with(&f, NULL);
    size_t top[3];
    ck_assert_uint_eq(kg_graph_top(g, KG_MEASURE_HUB, top, 1), 1);
    ck_assert_uint_eq(top[0], 0);
    /* coreness 2 on the triangle, ties by id */
    ck_assert_uint_eq(kg_graph_top(g, KG_MEASURE_CORENESS, top, 3), 3);
    ck_assert_uint_eq(top[0], 4);
    ck_assert_uint_eq(top[1], 5);
    ck_assert_uint_eq(top[2], 6);
    ck_assert_uint_eq(kg_graph_top(g, KG_MEASURE_COUNT, top, 3), 0);
    ck_assert_str_eq(kg_measure_name(KG_MEASURE_IN_DEGREE), "in_degree");
    ck_assert_str_eq(kg_measure_name(KG_MEASURE_CORENESS), "coreness");
    ck_assert_ptr_null(kg_measure_name(KG_MEASURE_COUNT));
    ck_assert_double_eq(kg_centrality_get(&g->centrality[0], KG_MEASURE_OUT_DEGREE), 3);
    kg_graph_free(g);
    fixture_free(&f);
}
END_TEST

/* ---- graph.json read back ------------------------------------------------------------------ */

static char *fmt(const char *format, ...) {
    va_list ap;
    va_start(ap, format);
    int n = vsnprintf(NULL, 0, format, ap);
    va_end(ap);
    char *s = malloc((size_t)n + 1);
    ck_assert_ptr_nonnull(s);
    va_start(ap, format);
    vsnprintf(s, (size_t)n + 1, format, ap);
    va_end(ap);
    return s;
}

/* The samples built by the CLI with extra options into a fresh directory
 * (returned, caller frees). */
static char *build_samples(const char *tag, const char *options) {
    char *dir = kgt_temp_dir(tag);
    char *cmd = fmt("'%s' build -q %s -o '%s' '%s'", KG_CLI, options, dir, SAMPLES);
    char *err = NULL;
    int rc = kgt_run(cmd, NULL, &err);
    ck_assert_msg(rc == 0, "%s: %s", cmd, err != NULL ? err : "");
    free(err);
    free(cmd);
    return dir;
}

static char *export_json(const kg_graph *g, kg_json_style style) {
    char *buf = NULL;
    size_t len = 0;
    FILE *out = open_memstream(&buf, &len);
    kg_export_options opt = {style};
    kg_error err;
    ck_assert_int_eq(kg_export_with(g, KG_FORMAT_JSON, &opt, out, &err), KG_OK);
    fclose(out);
    return buf;
}

START_TEST(test_import_rebuilds_the_same_graph_json) {
    char *dir = build_samples("an-import", "-f json");
    char *path = kgt_path(dir, "graph.json");
    char *original = kgt_read_file(path, NULL);
    ck_assert_ptr_nonnull(original);

    kg_strpool *pool = kg_strpool_new();
    kg_resolved data;
    kg_import_info info;
    kg_error err;
    ck_assert_int_eq(kg_import_json_with(path, pool, &data, &info, &err), KG_OK);
    ck_assert_uint_gt(data.n_entities, 20);
    ck_assert_uint_gt(data.n_relations, 20);
    ck_assert_uint_gt(data.n_documents, 5);
    ck_assert_uint_gt(data.n_merges, 0);
    ck_assert_str_eq(info.base_iri, KG_DEFAULT_BASE_IRI);
    ck_assert_int_eq(info.json_style, KG_JSON_NODE_LINK);
    ck_assert_uint_eq(info.analytics.seed, 42);
    /* Every relation keeps its evidence as the weight. */
    for (size_t j = 0; j < data.n_relations; j++) {
        ck_assert_uint_ge(data.relations[j].n_evidence, 1);
        ck_assert_ptr_nonnull(data.relations[j].evidence[0].text);
    }

    kg_graph *g = NULL;
    ck_assert_int_eq(kg_graph_build_with(&g, &data, info.base_iri, &info.analytics, &err), KG_OK);
    char *again = export_json(g, KG_JSON_NODE_LINK);
    ck_assert_msg(strcmp(again, original) == 0, "graph.json differs after a round trip");
    free(again);
    kg_graph_free(g);
    kg_resolved_clear(&data);
    kg_strpool_free(pool);
    free(original);
    free(path);
    free(dir);
}
END_TEST

START_TEST(test_import_reads_the_cytoscape_style) {
    char *dir = build_samples("an-cyto", "-f json --json-style cytoscape --seed 9");
    char *path = kgt_path(dir, "graph.json");
    char *original = kgt_read_file(path, NULL);
    kg_strpool *pool = kg_strpool_new();
    kg_resolved data;
    kg_import_info info;
    kg_error err;
    ck_assert_int_eq(kg_import_json_with(path, pool, &data, &info, &err), KG_OK);
    ck_assert_int_eq(info.json_style, KG_JSON_CYTOSCAPE);
    ck_assert_uint_eq(info.analytics.seed, 9);
    kg_graph *g = NULL;
    ck_assert_int_eq(kg_graph_build_with(&g, &data, info.base_iri, &info.analytics, &err), KG_OK);
    char *again = export_json(g, KG_JSON_CYTOSCAPE);
    ck_assert_msg(strcmp(again, original) == 0, "cytoscape graph.json differs after a round trip");
    free(again);
    kg_graph_free(g);
    kg_resolved_clear(&data);
    kg_strpool_free(pool);
    free(original);
    free(path);
    free(dir);
}
END_TEST

/* Imports text written to a temporary file; returns the status, err filled. */
static kg_status import_text(const char *text, kg_error *err, char **path_out) {
    char *dir = kgt_temp_dir("an-bad");
    char *path = kgt_path(dir, "bad.json");
    ck_assert_int_eq(kgt_write_file(path, text, strlen(text)), 0);
    kg_strpool *pool = kg_strpool_new();
    kg_resolved data;
    kg_status st = kg_import_json(path, pool, &data, err);
    if (st != KG_OK) {
        ck_assert_ptr_null(data.entities);
        ck_assert_uint_eq(data.n_entities, 0);
    }
    kg_resolved_clear(&data);
    kg_strpool_free(pool);
    free(dir);
    *path_out = path;
    return st;
}

#define NODE(id, type) "{\"id\": \"" id "\", \"type\": \"" type "\", \"label\": \"" id "\"}"

START_TEST(test_import_errors_name_the_file_and_the_problem) {
    kg_error err;
    char *path = NULL;

    ck_assert_int_eq(import_text("{\"nodes\": [1, }", &err, &path), KG_ERR_PARSE);
    ck_assert_str_eq(err.where, path);
    ck_assert_uint_eq(err.line, 1);
    ck_assert_uint_gt(err.column, 10);
    ck_assert_ptr_nonnull(strstr(err.message, "malformed JSON"));
    free(path);

    ck_assert_int_eq(import_text("[1, 2]", &err, &path), KG_ERR_INPUT);
    ck_assert_str_eq(err.where, path);
    ck_assert_ptr_nonnull(strstr(err.message, "not an object"));
    free(path);

    ck_assert_int_eq(import_text("{\"directed\": true}", &err, &path), KG_ERR_INPUT);
    ck_assert_ptr_nonnull(strstr(err.message, "no \"nodes\" and \"links\""));
    free(path);

    ck_assert_int_eq(
        import_text(
            "{\"nodes\": [" NODE("person/a",
                                 "Person") "], \"links\": "
                                           "[{\"source\": \"person/a\", \"target\": \"person/b\", "
                                           "\"type\": \"met_with\", \"evidence\": []}]}",
            &err, &path),
        KG_ERR_INPUT);
    ck_assert_str_eq(err.message, "links[0]: \"target\" is not the id of a node");
    free(path);

    ck_assert_int_eq(import_text("{\"nodes\": [" NODE("person/a", "Person") ", " NODE(
                                     "person/a", "Person") "], \"links\": []}",
                                 &err, &path),
                     KG_ERR_INPUT);
    ck_assert_str_eq(err.message, "nodes[1]: \"id\" \"person/a\" is also the id of nodes[0]");
    free(path);

    ck_assert_int_eq(
        import_text("{\"nodes\": [" NODE("person/a", "Robot") "], \"links\": []}", &err, &path),
        KG_ERR_INPUT);
    ck_assert_str_eq(err.message, "nodes[0]: \"type\" is \"Robot\", not an entity type");
    free(path);

    ck_assert_int_eq(
        import_text(
            "{\"nodes\": [" NODE(
                "person/a", "Person") "], \"links\": "
                                      "[{\"source\": \"person/a\", \"target\": \"person/a\", "
                                      "\"type\": \"met_with\", \"weight\": 2, \"evidence\": []}]}",
            &err, &path),
        KG_ERR_INPUT);
    ck_assert_str_eq(err.message, "links[0]: \"weight\" is 2 but there are 0 evidence records");
    free(path);

    kg_strpool *pool = kg_strpool_new();
    kg_resolved data;
    ck_assert_int_eq(kg_import_json(KG_BINARY_DIR "/no/such/graph.json", pool, &data, &err),
                     KG_ERR_IO);
    ck_assert_str_eq(err.where, KG_BINARY_DIR "/no/such/graph.json");
    kg_strpool_free(pool);
}
END_TEST

START_TEST(test_import_minimal_graph) {
    kg_error err;
    char *path = NULL;
    ck_assert_int_eq(
        import_text(
            "{\"nodes\": [" NODE("person/a", "Person") ", " NODE(
                "organization/b",
                "Organization") "], \"links\": "
                                "[{\"source\": \"person/a\", \"target\": \"organization/b\", "
                                "\"type\": \"holds_post\", \"role\": \"chairman\", "
                                "\"evidence\": [{\"doc\": \"d\", \"sentence\": 0, \"start\": "
                                "0, \"end\": 5, \"text\": \"A heads B.\", \"rule\": \"r\", "
                                "\"confidence\": 0.9}]}]}",
            &err, &path),
        KG_OK);
    kg_strpool *pool = kg_strpool_new();
    kg_resolved data;
    ck_assert_int_eq(kg_import_json(path, pool, &data, &err), KG_OK);
    ck_assert_uint_eq(data.n_entities, 2);
    ck_assert_int_eq(data.entities[1].type, KG_ENT_ORGANIZATION);
    ck_assert_uint_eq(data.relations[0].subject, 0);
    ck_assert_uint_eq(data.relations[0].object, 1);
    ck_assert_int_eq(data.relations[0].type, KG_REL_HOLDS_POST);
    ck_assert_str_eq(data.relations[0].role, "chairman");
    ck_assert_uint_eq(data.relations[0].n_evidence, 1);
    ck_assert_uint_eq(data.relations[0].evidence[0].end, 5);
    ck_assert_double_eq(data.relations[0].evidence[0].confidence, 0.9);
    kg_resolved_clear(&data);
    kg_strpool_free(pool);
    free(path);
}
END_TEST

/* ---- kgraph analyze ------------------------------------------------------------------------ */

START_TEST(test_analyze_reproduces_build_output) {
    char *dir = build_samples("an-cli", "-f json,csv");
    char *out = fmt("%s/again", dir);
    char *cmd = fmt("'%s' analyze -q -f json,csv -o '%s' '%s/graph.json'", KG_CLI, out, dir);
    char *err = NULL;
    ck_assert_int_eq(kgt_run(cmd, NULL, &err), 0);
    free(err);
    const char *files[] = {"graph.json", "nodes.csv", "relationships.csv"};
    for (size_t k = 0; k < 3; k++) {
        char *a_path = kgt_path(dir, files[k]), *b_path = kgt_path(out, files[k]);
        char *a = kgt_read_file(a_path, NULL), *b = kgt_read_file(b_path, NULL);
        ck_assert_ptr_nonnull(a);
        ck_assert_ptr_nonnull(b);
        ck_assert_msg(strcmp(a, b) == 0, "%s differs after kgraph analyze", files[k]);
        free(a);
        free(b);
        free(a_path);
        free(b_path);
    }
    free(cmd);

    /* Other options: recorded in the file. */
    cmd = fmt("'%s' analyze -q --seed 5 --betweenness-exact-max 3 --betweenness-samples 4 -o - "
              "'%s/graph.json'",
              KG_CLI, dir);
    char *text = NULL;
    ck_assert_int_eq(kgt_run(cmd, &text, NULL), 0);
    json_error_t jerr;
    json_t *root = json_loads(text, 0, &jerr);
    ck_assert_ptr_nonnull(root);
    json_t *a = json_object_get(json_object_get(root, "graph"), "analytics");
    ck_assert_str_eq(json_string_value(json_object_get(a, "betweenness_method")), "sampled");
    ck_assert_int_eq(json_integer_value(json_object_get(a, "betweenness_sources")), 4);
    ck_assert_int_eq(json_integer_value(json_object_get(a, "seed")), 5);
    json_decref(root);
    free(text);
    free(cmd);
    free(out);
    free(dir);
}
END_TEST

START_TEST(test_build_options_reach_every_output) {
    char *dir = build_samples("an-build", "-f json,ttl,graphml,csv --seed 11 "
                                          "--betweenness-exact-max 10 --betweenness-samples 7");
    char *path = kgt_path(dir, "graph.json");
    json_error_t jerr;
    json_t *root = json_load_file(path, 0, &jerr);
    ck_assert_ptr_nonnull(root);
    json_t *graph = json_object_get(root, "graph");
    json_t *a = json_object_get(graph, "analytics");
    ck_assert_str_eq(json_string_value(json_object_get(a, "betweenness_method")), "sampled");
    ck_assert_int_eq(json_integer_value(json_object_get(a, "betweenness_sources")), 7);
    ck_assert_int_eq(json_integer_value(json_object_get(a, "seed")), 11);
    ck_assert_str_eq(
        json_string_value(json_object_get(json_object_get(graph, "centrality"), "betweenness")),
        "estimated from 7 sampled source vertices (seed 11), scaled by n/7; undirected, "
        "unweighted");
    /* Closeness and harmonic: from the same sample, and said so. */
    ck_assert_str_eq(json_string_value(json_object_get(a, "closeness_method")), "sampled");
    ck_assert_int_eq(json_integer_value(json_object_get(a, "closeness_sources")), 7);
    ck_assert_str_eq(json_string_value(json_object_get(a, "harmonic_method")), "sampled");
    ck_assert_int_eq(json_integer_value(json_object_get(a, "harmonic_sources")), 7);
    ck_assert_str_eq(
        json_string_value(json_object_get(json_object_get(graph, "centrality"), "closeness")),
        "normalised igraph closeness over the reachable part, undirected, estimated from 7 "
        "sampled source vertices (seed 11)");
    ck_assert_str_eq(
        json_string_value(json_object_get(json_object_get(graph, "centrality"), "harmonic")),
        "normalised harmonic centrality, undirected, estimated from 7 sampled source vertices "
        "(seed 11)");
    json_int_t communities = json_integer_value(json_object_get(a, "communities"));
    ck_assert_int_gt(communities, 1);
    /* Every node has a community below the count, and the first node (the
     * smallest id) is in community 0. */
    json_t *nodes = json_object_get(root, "nodes");
    size_t i;
    json_t *n;
    json_array_foreach(nodes, i, n) {
        json_int_t c = json_integer_value(json_object_get(n, "community"));
        ck_assert(c >= 0 && c < communities);
        if (i == 0)
            ck_assert_int_eq(c, 0);
    }
    json_decref(root);

    char *ttl_path = kgt_path(dir, "graph.ttl"), *ttl = kgt_read_file(ttl_path, NULL);
    ck_assert_ptr_nonnull(strstr(ttl, "kg:betweennessMethod \"sampled\""));
    ck_assert_ptr_nonnull(strstr(ttl, "kg:seed 11 ;"));
    ck_assert_ptr_nonnull(strstr(ttl, "kg:community 0"));
    char *gml_path = kgt_path(dir, "graph.graphml"), *gml = kgt_read_file(gml_path, NULL);
    ck_assert_ptr_nonnull(strstr(gml, "<data key=\"g_betweenness_method\">sampled</data>"));
    ck_assert_ptr_nonnull(strstr(gml, "attr.name=\"community\""));
    char *csv_path = kgt_path(dir, "nodes.csv"), *csv = kgt_read_file(csv_path, NULL);
    ck_assert_ptr_nonnull(
        strstr(csv, ",hub:double,authority:double,coreness:double,community:long\n"));
    free(ttl);
    free(ttl_path);
    free(gml);
    free(gml_path);
    free(csv);
    free(csv_path);
    free(path);
    free(dir);
}
END_TEST

START_TEST(test_analyze_summary_lists_measures_and_communities) {
    char *dir = build_samples("an-sum", "-f json");
    char *cmd = fmt("'%s' analyze -n 2 '%s/graph.json'", KG_CLI, dir);
    char *text = NULL;
    ck_assert_int_eq(kgt_run(cmd, &text, NULL), 0);
    ck_assert_ptr_nonnull(strstr(text, "betweenness: exact"));
    ck_assert_ptr_nonnull(strstr(text, "modularity 0."));
    ck_assert_ptr_nonnull(strstr(text, "top 2 by pagerank:"));
    ck_assert_ptr_nonnull(strstr(text, "top 2 by coreness:"));
    ck_assert_ptr_nonnull(strstr(text, "communities (largest first):"));
    free(text);
    free(cmd);
    free(dir);
}
END_TEST

START_TEST(test_analyze_errors) {
    char *err = NULL;
    char *cmd = fmt("'%s' analyze", KG_CLI);
    ck_assert_int_eq(kgt_run(cmd, NULL, &err), 2);
    ck_assert_ptr_nonnull(strstr(err, "no GRAPH.json given"));
    free(err);
    free(cmd);

    cmd = fmt("'%s' analyze '%s/no-such.json'", KG_CLI, KG_BINARY_DIR);
    ck_assert_int_eq(kgt_run(cmd, NULL, &err), 1);
    ck_assert_ptr_nonnull(strstr(err, "no-such.json"));
    free(err);
    free(cmd);

    cmd = fmt("'%s' analyze --seed -1 x.json", KG_CLI);
    ck_assert_int_eq(kgt_run(cmd, NULL, &err), 2);
    ck_assert_ptr_nonnull(strstr(err, "--seed must be a whole number"));
    free(err);
    free(cmd);

    cmd = fmt("'%s' analyze --betweenness-samples 0 x.json", KG_CLI);
    ck_assert_int_eq(kgt_run(cmd, NULL, &err), 2);
    free(err);
    free(cmd);

    char *dir = kgt_temp_dir("an-cli-bad");
    char *path = kgt_path(dir, "broken.json");
    ck_assert_int_eq(kgt_write_file(path, "{\"nodes\": [}", 12), 0);
    cmd = fmt("'%s' analyze '%s'", KG_CLI, path);
    ck_assert_int_eq(kgt_run(cmd, NULL, &err), 1);
    char *expected = fmt("kgraph: error: %s:1:", path);
    ck_assert_msg(strstr(err, expected) != NULL, "message: %s", err);
    free(expected);
    free(err);
    free(cmd);
    free(path);
    free(dir);
}
END_TEST

static Suite *analytics_suite(void) {
    Suite *s = suite_create("analytics");
    TCase *tc = tcase_create("measures");
    tcase_add_test(tc, test_coreness_of_star_triangle_and_isolate);
    tcase_add_test(tc, test_spectral_measures_of_a_long_path);
    tcase_add_test(tc, test_coreness_ignores_parallel_edges_and_loops);
    tcase_add_test(tc, test_hits_on_star_and_triangle);
    tcase_add_test(tc, test_hits_follows_evidence_weights);
    tcase_add_test(tc, test_graph_without_edges_has_no_hubs_and_singleton_communities);
    tcase_add_test(tc, test_top_by_any_measure);
    suite_add_tcase(s, tc);

    tc = tcase_create("communities");
    tcase_add_test(tc, test_communities_of_star_and_triangle);
    tcase_add_test(tc, test_community_ids_follow_smallest_member_id);
    tcase_add_test(tc, test_leiden_finds_two_blocks_for_any_seed);
    suite_add_tcase(s, tc);

    tc = tcase_create("methods");
    tcase_set_timeout(tc, 60);
    tcase_add_test(tc, test_same_input_same_numbers);
    tcase_add_test(tc, test_estimates_beside_leiden_change_nothing);
    tcase_add_test(tc, test_betweenness_switches_from_exact_to_sampled);
    tcase_add_test(tc, test_betweenness_estimator_matches_igraph);
    tcase_add_test(tc, test_betweenness_threads_join_late);
    tcase_add_test(tc, test_betweenness_budget_bounds_the_sources);
    tcase_add_test(tc, test_seed_changes_the_sample);
    tcase_add_test(tc, test_bad_options_are_usage_errors);
    tcase_add_test(tc, test_closeness_and_harmonic_from_every_source_are_exact);
    tcase_add_test(tc, test_sampled_closeness_and_harmonic_rank_like_exact);
    suite_add_tcase(s, tc);

    tc = tcase_create("import");
    tcase_set_timeout(tc, 60);
    tcase_add_test(tc, test_import_rebuilds_the_same_graph_json);
    tcase_add_test(tc, test_import_reads_the_cytoscape_style);
    tcase_add_test(tc, test_import_errors_name_the_file_and_the_problem);
    tcase_add_test(tc, test_import_minimal_graph);
    suite_add_tcase(s, tc);

    tc = tcase_create("cli");
    tcase_set_timeout(tc, 120);
    tcase_add_test(tc, test_build_options_reach_every_output);
    tcase_add_test(tc, test_analyze_reproduces_build_output);
    tcase_add_test(tc, test_analyze_summary_lists_measures_and_communities);
    tcase_add_test(tc, test_analyze_errors);
    suite_add_tcase(s, tc);
    return s;
}

int main(void) {
    SRunner *runner = srunner_create(analytics_suite());
    srunner_run_all(runner, CK_NORMAL);
    int failed = srunner_ntests_failed(runner);
    srunner_free(runner);
    return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
