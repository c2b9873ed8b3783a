/* test_graph.c — igraph assembly, centralities and the igraph error path. */
#include "kg_graph.h"
#include "kg_graph_internal.h"
#include "kg_resolve.h"

#include <check.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

/* Hand-built resolved data: the graph only borrows it, so stack arrays do. */
enum { MAX_V = 8, MAX_E = 8 };

typedef struct fixture {
    kg_entity entities[MAX_V];
    kg_relation relations[MAX_E];
    kg_resolved data;
} fixture;

static const char *const ids[MAX_V] = {"person/a", "person/b", "person/c", "person/d",
                                       "person/e", "person/f", "person/g", "person/h"};

static void fixture_init(fixture *f, size_t n_vertices) {
    memset(f, 0, sizeof *f);
    for (size_t i = 0; i < n_vertices; i++) {
        f->entities[i].type = KG_ENT_PERSON;
        f->entities[i].id = ids[i];
        f->entities[i].label = ids[i] + 7;
    }
    f->data.entities = f->entities;
    f->data.n_entities = n_vertices;
    f->data.relations = f->relations;
}

static void edge(fixture *f, size_t s, size_t o, size_t weight) {
    kg_relation *r = &f->relations[f->data.n_relations++];
    r->type = KG_REL_MET_WITH;
    r->subject = s;
    r->object = o;
    r->n_evidence = weight;
    r->confidence = 0.5;
}

static kg_graph *build(const fixture *f) {
    kg_graph *g = NULL;
    kg_error err;
    kg_status status = kg_graph_build(&g, &f->data, NULL, &err);
    ck_assert_msg(status == KG_OK, "kg_graph_build: %s", err.message);
    ck_assert_ptr_nonnull(g);
    ck_assert_int_eq(IGRAPH_FINALLY_STACK_SIZE(), 0);
    return g;
}

static void assert_all_finite(const kg_graph *g, size_t n) {
    for (size_t i = 0; i < n; i++) {
        const double *v = (const double *)&g->centrality[i];
        for (size_t k = 0; k < sizeof(kg_centrality) / sizeof(double); k++)
            ck_assert_msg(isfinite(v[k]), "vertex %zu field %zu not finite", i, k);
    }
}

static double pagerank_sum(const kg_graph *g, size_t n) {
    double sum = 0;
    for (size_t i = 0; i < n; i++)
        sum += g->centrality[i].pagerank;
    return sum;
}

START_TEST(test_path_centralities) {
    fixture f;
    fixture_init(&f, 3);
    edge(&f, 0, 1, 2); /* a → b → c */
    edge(&f, 1, 2, 3);
    kg_graph *g = build(&f);
    const kg_centrality *c = g->centrality;

    ck_assert_int_eq(igraph_vcount(&g->igraph), 3);
    ck_assert_int_eq(igraph_ecount(&g->igraph), 2);
    ck_assert_int_eq(igraph_is_directed(&g->igraph), 1);

    ck_assert_double_eq(c[0].degree, 1);
    ck_assert_double_eq(c[1].degree, 2);
    ck_assert_double_eq(c[2].degree, 1);
    ck_assert_double_eq(c[0].out_degree, 1);
    ck_assert_double_eq(c[0].in_degree, 0);
    ck_assert_double_eq(c[1].in_degree, 1);
    ck_assert_double_eq(c[1].out_degree, 1);
    ck_assert_double_eq(c[2].in_degree, 1);
    ck_assert_double_eq(c[2].out_degree, 0);

    ck_assert_double_eq(c[0].strength, 2);
    ck_assert_double_eq(c[1].strength, 5);
    ck_assert_double_eq(c[2].strength, 3);

    /* Undirected: b lies on the only a–c path. */
    ck_assert_double_eq_tol(c[0].betweenness, 0, 1e-12);
    ck_assert_double_eq_tol(c[1].betweenness, 1, 1e-12);
    ck_assert_double_eq_tol(c[2].betweenness, 0, 1e-12);

    /* Normalised closeness: b reaches both at 1; a reaches at 1 and 2. */
    ck_assert_double_eq_tol(c[1].closeness, 1.0, 1e-12);
    ck_assert_double_eq_tol(c[0].closeness, 2.0 / 3.0, 1e-12);
    ck_assert_double_eq_tol(c[1].harmonic, 1.0, 1e-12);
    ck_assert_double_eq_tol(c[0].harmonic, 0.75, 1e-12);

    ck_assert_double_eq_tol(pagerank_sum(g, 3), 1.0, 1e-9);
    /* Undirected and weighted: rank follows strength (b 5 > c 3 > a 2). */
    ck_assert(c[1].pagerank > c[2].pagerank);
    ck_assert(c[2].pagerank > c[0].pagerank);

    /* Weighted (2, 3) undirected eigenvector, scaled to max 1: b is the max;
     * the eigenvector of [[0,2,0],[2,0,3],[0,3,0]] is (2, √13, 3)/√13. */
    ck_assert_double_eq_tol(c[1].eigenvector, 1.0, 1e-6);
    ck_assert_double_eq_tol(c[0].eigenvector, 2.0 / sqrt(13.0), 1e-6);
    ck_assert_double_eq_tol(c[2].eigenvector, 3.0 / sqrt(13.0), 1e-6);
    assert_all_finite(g, 3);
    kg_graph_free(g);
}
END_TEST

START_TEST(test_star_with_isolated_vertex) {
    fixture f;
    fixture_init(&f, 5);
    edge(&f, 1, 0, 1); /* leaves b, c, d point at the centre a; e is alone */
    edge(&f, 2, 0, 1);
    edge(&f, 3, 0, 1);
    kg_graph *g = build(&f);
    const kg_centrality *c = g->centrality;

    ck_assert_double_eq(c[0].degree, 3);
    ck_assert_double_eq(c[0].in_degree, 3);
    ck_assert_double_eq(c[1].out_degree, 1);
    ck_assert_double_eq(c[4].degree, 0);
    /* The three leaf pairs all pass through the centre. */
    ck_assert_double_eq_tol(c[0].betweenness, 3, 1e-12);
    ck_assert_double_eq_tol(c[1].betweenness, 0, 1e-12);
    /* The isolated vertex: igraph's NaN closeness becomes 0. */
    ck_assert_double_eq(c[4].closeness, 0);
    ck_assert_double_eq(c[4].harmonic, 0);
    ck_assert_double_eq(c[4].eigenvector, 0);
    ck_assert_double_eq(c[4].strength, 0);
    ck_assert_double_eq_tol(c[0].closeness, 1.0, 1e-12);
    ck_assert_double_eq_tol(c[0].eigenvector, 1.0, 1e-6);
    ck_assert_double_eq_tol(c[1].eigenvector, 1.0 / sqrt(3.0), 1e-6);
    ck_assert(c[4].pagerank > 0);
    ck_assert_double_eq_tol(pagerank_sum(g, 5), 1.0, 1e-9);
    assert_all_finite(g, 5);

    double max_ev = 0;
    for (size_t i = 0; i < 5; i++)
        max_ev = fmax(max_ev, c[i].eigenvector);
    ck_assert_double_eq_tol(max_ev, 1.0, 1e-9);
    kg_graph_free(g);
}
END_TEST

START_TEST(test_multi_edges_count_in_degree) {
    fixture f;
    fixture_init(&f, 2);
    edge(&f, 0, 1, 1);
    edge(&f, 0, 1, 4); /* same pair, another relation type in real data */
    kg_graph *g = build(&f);
    ck_assert_double_eq(g->centrality[0].out_degree, 2);
    ck_assert_double_eq(g->centrality[1].in_degree, 2);
    ck_assert_double_eq(g->centrality[1].strength, 5);
    kg_graph_free(g);
}
END_TEST

START_TEST(test_empty_graph_builds) {
    fixture f;
    fixture_init(&f, 0);
    kg_graph *g = build(&f);
    ck_assert_int_eq(igraph_vcount(&g->igraph), 0);
    size_t top[3];
    ck_assert_uint_eq(kg_graph_top_pagerank(g, top, 3), 0);
    kg_graph_free(g);
}
END_TEST

START_TEST(test_graph_without_edges) {
    fixture f;
    fixture_init(&f, 3);
    kg_graph *g = build(&f);
    assert_all_finite(g, 3);
    for (size_t i = 0; i < 3; i++) {
        ck_assert_double_eq(g->centrality[i].eigenvector, 0);
        ck_assert_double_eq(g->centrality[i].closeness, 0);
        ck_assert_double_eq(g->centrality[i].betweenness, 0);
        ck_assert_double_eq_tol(g->centrality[i].pagerank, 1.0 / 3.0, 1e-9);
    }
    /* All tie: id order. */
    size_t top[3];
    ck_assert_uint_eq(kg_graph_top_pagerank(g, top, 3), 3);
    ck_assert_uint_eq(top[0], 0);
    ck_assert_uint_eq(top[1], 1);
    ck_assert_uint_eq(top[2], 2);
    kg_graph_free(g);

    fixture_init(&f, 1); /* a single vertex: normalisation divides by 0 */
    g = build(&f);
    assert_all_finite(g, 1);
    ck_assert_double_eq_tol(g->centrality[0].pagerank, 1.0, 1e-9);
    kg_graph_free(g);
}
END_TEST

START_TEST(test_top_pagerank_orders_by_score_then_id) {
    fixture f;
    fixture_init(&f, 5);
    edge(&f, 1, 0, 1);
    edge(&f, 2, 0, 1);
    edge(&f, 3, 0, 1);
    kg_graph *g = build(&f);
    size_t top[8];
    /* a collects everything; b, c, d and e tie on the teleport share. */
    ck_assert_uint_eq(kg_graph_top_pagerank(g, top, 8), 5);
    ck_assert_uint_eq(top[0], 0);
    ck_assert_uint_eq(top[1], 1);
    ck_assert_uint_eq(top[2], 2);
    ck_assert_uint_eq(top[3], 3);
    ck_assert_uint_eq(top[4], 4);
    ck_assert_uint_eq(kg_graph_top_pagerank(g, top, 2), 2);
    ck_assert_uint_eq(top[0], 0);
    ck_assert_uint_eq(top[1], 1);
    ck_assert_uint_eq(kg_graph_top_pagerank(g, top, 0), 0);
    ck_assert_uint_eq(kg_graph_top_pagerank(NULL, top, 2), 0);
    kg_graph_free(g);
}
END_TEST

START_TEST(test_iri) {
    fixture f;
    fixture_init(&f, 2);
    kg_graph *g = NULL;
    kg_error err;
    char buf[64];
    ck_assert_int_eq(kg_graph_build(&g, &f.data, "http://x.org/id/", &err), KG_OK);
    ck_assert_str_eq(kg_graph_iri(g, 1, buf, sizeof buf), "http://x.org/id/person/b");
    ck_assert_ptr_null(kg_graph_iri(g, 1, buf, 10)); /* does not fit */
    ck_assert_ptr_null(kg_graph_iri(g, 2, buf, sizeof buf));
    kg_graph_free(g);

    g = build(&f);
    ck_assert_str_eq(g->base_iri, KG_DEFAULT_BASE_IRI);
    ck_assert_str_eq(kg_graph_iri(g, 0, buf, sizeof buf), KG_DEFAULT_BASE_IRI "person/a");
    kg_graph_free(g);
}
END_TEST

START_TEST(test_bad_relation_index_is_an_input_error) {
    fixture f;
    fixture_init(&f, 2);
    edge(&f, 0, 5, 1);
    kg_graph *g = (kg_graph *)&f; /* must be reset to NULL */
    kg_error err;
    ck_assert_int_eq(kg_graph_build(&g, &f.data, NULL, &err), KG_ERR_INPUT);
    ck_assert_ptr_null(g);
    ck_assert_int_eq(err.status, KG_ERR_INPUT);
    ck_assert_ptr_nonnull(strstr(err.message, "relation 0"));
}
END_TEST

START_TEST(test_igraph_errors_are_recorded_not_fatal) {
    kg_igraph_setup();
    kg_igraph_setup(); /* idempotent */
    kg_igraph_clear_error();
    ck_assert_str_eq(kg_igraph_last_error(), "");

    igraph_t graph;
    igraph_vector_int_t edges;
    ck_assert_int_eq(igraph_vector_int_init(&edges, 3), IGRAPH_SUCCESS); /* odd length */
    igraph_error_t rc = igraph_create(&graph, &edges, 2, IGRAPH_DIRECTED);
    igraph_vector_int_destroy(&edges);
    ck_assert_int_ne(rc, IGRAPH_SUCCESS);
    ck_assert_int_eq(kg_igraph_last_errno(), rc);
    ck_assert_str_ne(kg_igraph_last_error(), "");
    ck_assert_int_eq(IGRAPH_FINALLY_STACK_SIZE(), 0);

    /* Still usable afterwards. */
    fixture f;
    fixture_init(&f, 2);
    edge(&f, 0, 1, 1);
    kg_graph *g = build(&f);
    ck_assert_str_eq(kg_igraph_last_error(), "");
    kg_graph_free(g);
}
END_TEST

START_TEST(test_free_null_is_safe) {
    kg_graph_free(NULL);
}
END_TEST

/* End to end: resolved tables from the resolver feed the graph. */
START_TEST(test_resolved_data_builds) {
    kg_strpool *pool = kg_strpool_new();
    kg_resolver *r = NULL;
    kg_doc_facts doc;
    kg_resolved data;
    kg_error err;
    size_t p = 0, o = 0;
    ck_assert_int_eq(kg_resolver_new(&r, pool), KG_OK);
    kg_doc_facts_init(&doc);
    doc.doc_id = kg_strpool_cstr(pool, "d1");
    ck_assert_int_eq(kg_doc_facts_entity(&doc, KG_ENT_PERSON,
                                         kg_strpool_cstr(pool, "Erlan Kasymov"),
                                         kg_strpool_cstr(pool, "en"), &p),
                     KG_OK);
    ck_assert_int_eq(kg_doc_facts_entity(&doc, KG_ENT_ORGANIZATION, kg_strpool_cstr(pool, "FTUK"),
                                         kg_strpool_cstr(pool, "en"), &o),
                     KG_OK);
    kg_doc_relation rel;
    memset(&rel, 0, sizeof rel);
    rel.type = KG_REL_HOLDS_POST;
    rel.subject = p;
    rel.object = o;
    rel.evidence.doc = doc.doc_id;
    rel.evidence.confidence = 0.9;
    ck_assert_int_eq(kg_doc_facts_relation(&doc, &rel), KG_OK);
    ck_assert_int_eq(kg_resolver_add(r, &doc), KG_OK);
    ck_assert_int_eq(kg_resolver_finish(r, &data, &err), KG_OK);

    kg_graph *g = NULL;
    ck_assert_int_eq(kg_graph_build(&g, &data, NULL, &err), KG_OK);
    /* organization/ftuk is vertex 0, person/erlan-kasymov vertex 1. */
    ck_assert_double_eq(g->centrality[0].in_degree, 1);
    ck_assert_double_eq(g->centrality[1].out_degree, 1);
    size_t top[1];
    ck_assert_uint_eq(kg_graph_top_pagerank(g, top, 1), 1);
    ck_assert_uint_eq(top[0], 0);
    kg_graph_free(g);
    kg_resolved_clear(&data);
    kg_resolver_free(r);
    kg_doc_facts_clear(&doc);
    kg_strpool_free(pool);
}
END_TEST

static Suite *graph_suite(void) {
    Suite *s = suite_create("graph");
    TCase *tc = tcase_create("centrality");
    tcase_add_test(tc, test_path_centralities);
    tcase_add_test(tc, test_star_with_isolated_vertex);
    tcase_add_test(tc, test_multi_edges_count_in_degree);
    tcase_add_test(tc, test_empty_graph_builds);
    tcase_add_test(tc, test_graph_without_edges);
    tcase_add_test(tc, test_top_pagerank_orders_by_score_then_id);
    suite_add_tcase(s, tc);

    tc = tcase_create("api");
    tcase_add_test(tc, test_iri);
    tcase_add_test(tc, test_bad_relation_index_is_an_input_error);
    tcase_add_test(tc, test_igraph_errors_are_recorded_not_fatal);
    tcase_add_test(tc, test_free_null_is_safe);
    tcase_add_test(tc, test_resolved_data_builds);
    suite_add_tcase(s, tc);
    return s;
}

int main(void) {
    SRunner *sr = srunner_create(graph_suite());
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
