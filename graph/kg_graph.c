/* kg_graph.c — the igraph network over resolved entities and its analytics.
 *
 * Everything that talks to igraph goes through helpers returning
 * igraph_error_t and using IGRAPH_CHECK / IGRAPH_FINALLY, so that an igraph
 * failure unwinds igraph's own cleanup stack; kg_graph_build converts the
 * result to a kg_status at the boundary.  That only works because
 * kg_igraph_setup replaces igraph's default error handler (which aborts)
 * with one that records the message and frees the stack.
 */
#include "kg_graph.h"
#include "kg_graph_internal.h"

#include <math.h>
#include <stddef.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- igraph error and warning records --------------------------------------- */

/* One record per thread: igraph calls the handlers on the thread that made
 * the failing call. */
static _Thread_local char last_error[512];
static _Thread_local bool last_error_has_reason;
static _Thread_local igraph_error_t last_errno = IGRAPH_SUCCESS;
static _Thread_local char last_warning[512];

/* An error travels up through every IGRAPH_CHECK, each of which calls the
 * handler again with an empty reason; keep the first real message (the
 * most specific), falling back to igraph's text for the code. */
static void record_error(const char *reason, const char *file, int line,
                         igraph_error_t igraph_errno) {
    bool has_reason = reason != NULL && reason[0] != '\0';
    if (last_errno == IGRAPH_SUCCESS || (has_reason && !last_error_has_reason)) {
        last_errno = igraph_errno;
        last_error_has_reason = has_reason;
        if (has_reason)
            snprintf(last_error, sizeof last_error, "%s (%s:%d)", reason, file != NULL ? file : "?",
                     line);
        else
            snprintf(last_error, sizeof last_error, "%s", igraph_strerror(igraph_errno));
    }
    /* What igraph_error_handler_ignore does: release the temporaries of
     * the failed call; the error code then propagates to our caller. */
    IGRAPH_FINALLY_FREE();
}

static void record_warning(const char *reason, const char *file, int line) {
    (void)file;
    (void)line;
    snprintf(last_warning, sizeof last_warning, "%s", reason != NULL ? reason : "");
}

const char *kg_igraph_last_error(void) {
    return last_error;
}

igraph_error_t kg_igraph_last_errno(void) {
    return last_errno;
}

const char *kg_igraph_last_warning(void) {
    return last_warning;
}

void kg_igraph_clear_error(void) {
    last_error[0] = '\0';
    last_error_has_reason = false;
    last_errno = IGRAPH_SUCCESS;
    last_warning[0] = '\0';
}

void kg_igraph_setup(void) {
    static bool done = false;
    if (done)
        return;
    igraph_set_attribute_table(&igraph_cattribute_table);
    igraph_set_error_handler(record_error);
    igraph_set_warning_handler(record_warning);
    /* Nothing kgraph computes today is random, but layouts or community
     * detection added later must not make output differ between runs. */
    igraph_rng_seed(igraph_rng_default(), 42);
    done = true;
}

/* ---- building --------------------------------------------------------------- */

/* NaN and infinities become 0, and so does rounding noise such as 6e-17
 * from eigensolvers, so that exports do not carry meaningless digits. */
static double finite_or_zero(double x) {
    return isfinite(x) && fabs(x) >= 1e-12 ? x : 0.0;
}

/* Fills one field of every kg_centrality from res. */
static void store(kg_centrality *c, size_t n, size_t offset, const igraph_vector_t *res) {
    for (size_t i = 0; i < n; i++)
        *(double *)((char *)&c[i] + offset) = finite_or_zero(VECTOR(*res)[(igraph_integer_t)i]);
}

static igraph_error_t store_degree(const igraph_t *graph, kg_centrality *c, size_t n, size_t offset,
                                   igraph_neimode_t mode) {
    igraph_vector_int_t deg;
    IGRAPH_VECTOR_INT_INIT_FINALLY(&deg, 0);
    IGRAPH_CHECK(igraph_degree(graph, &deg, igraph_vss_all(), mode, IGRAPH_LOOPS));
    for (size_t i = 0; i < n; i++)
        *(double *)((char *)&c[i] + offset) = (double)VECTOR(deg)[(igraph_integer_t)i];
    igraph_vector_int_destroy(&deg);
    IGRAPH_FINALLY_CLEAN(1);
    return IGRAPH_SUCCESS;
}

/* Every centrality of kg_centrality, for the n vertices of graph with edge
 * weights `weights` (evidence counts). */
static igraph_error_t compute_centralities(const igraph_t *graph, const igraph_vector_t *weights,
                                           kg_centrality *c, size_t n) {
    igraph_vector_t res;
    igraph_arpack_options_t arpack;
    igraph_real_t value;
    bool has_edges = igraph_ecount(graph) > 0;

    IGRAPH_CHECK(store_degree(graph, c, n, offsetof(kg_centrality, degree), IGRAPH_ALL));
    IGRAPH_CHECK(store_degree(graph, c, n, offsetof(kg_centrality, in_degree), IGRAPH_IN));
    IGRAPH_CHECK(store_degree(graph, c, n, offsetof(kg_centrality, out_degree), IGRAPH_OUT));
    if (n == 0)
        return IGRAPH_SUCCESS;

    IGRAPH_VECTOR_INIT_FINALLY(&res, 0);
    IGRAPH_CHECK(igraph_strength(graph, &res, igraph_vss_all(), IGRAPH_ALL, IGRAPH_LOOPS, weights));
    store(c, n, offsetof(kg_centrality, strength), &res);

    IGRAPH_CHECK(igraph_betweenness(graph, &res, igraph_vss_all(), /*directed=*/false, NULL));
    store(c, n, offsetof(kg_centrality, betweenness), &res);

    /* igraph gives NaN for isolated vertices; store() turns it into 0. */
    IGRAPH_CHECK(igraph_closeness(graph, &res, NULL, NULL, igraph_vss_all(), IGRAPH_ALL, NULL,
                                  /*normalized=*/true));
    store(c, n, offsetof(kg_centrality, closeness), &res);

    IGRAPH_CHECK(igraph_harmonic_centrality(graph, &res, igraph_vss_all(), IGRAPH_ALL, NULL,
                                            /*normalized=*/true));
    store(c, n, offsetof(kg_centrality, harmonic), &res);

    /* Undirected: a relation's direction is grammar (person → post, party →
     * agreement, visitor → place), not an endorsement, and directed rank would
     * pile up on whatever is most often an object, such as places. */
    IGRAPH_CHECK(igraph_pagerank(graph, IGRAPH_PAGERANK_ALGO_PRPACK, &res, &value, igraph_vss_all(),
                                 /*directed=*/false, 0.85, weights, NULL));
    store(c, n, offsetof(kg_centrality, pagerank), &res);

    /* Without edges every vertex is equally (un)important and igraph warns;
     * the contract is 0 for all. */
    if (has_edges) {
        igraph_arpack_options_init(&arpack);
        IGRAPH_CHECK(igraph_eigenvector_centrality(graph, &res, &value, /*directed=*/false,
                                                   /*scale=*/true, weights, &arpack));
        store(c, n, offsetof(kg_centrality, eigenvector), &res);
    }

    igraph_vector_destroy(&res);
    IGRAPH_FINALLY_CLEAN(1);
    return IGRAPH_SUCCESS;
}

/* Creates g->igraph from g->data and fills g->centrality.  On failure
 * nothing igraph-owned is left allocated (g->igraph included). */
static igraph_error_t graph_compute(kg_graph *g) {
    const kg_resolved *data = g->data;
    igraph_integer_t m = (igraph_integer_t)data->n_relations;
    igraph_vector_int_t edges;
    igraph_vector_t weights;

    IGRAPH_VECTOR_INT_INIT_FINALLY(&edges, 2 * m);
    for (igraph_integer_t j = 0; j < m; j++) {
        VECTOR(edges)[2 * j] = (igraph_integer_t)data->relations[j].subject;
        VECTOR(edges)[2 * j + 1] = (igraph_integer_t)data->relations[j].object;
    }
    IGRAPH_CHECK(
        igraph_create(&g->igraph, &edges, (igraph_integer_t)data->n_entities, IGRAPH_DIRECTED));
    igraph_vector_int_destroy(&edges);
    IGRAPH_FINALLY_CLEAN(1);
    IGRAPH_FINALLY(igraph_destroy, &g->igraph);

    IGRAPH_VECTOR_INIT_FINALLY(&weights, m);
    for (igraph_integer_t j = 0; j < m; j++)
        VECTOR(weights)[j] = (igraph_real_t)data->relations[j].n_evidence;
    IGRAPH_CHECK(compute_centralities(&g->igraph, &weights, g->centrality, data->n_entities));
    igraph_vector_destroy(&weights);
    IGRAPH_FINALLY_CLEAN(2); /* weights, and g->igraph which now belongs to g */
    return IGRAPH_SUCCESS;
}

kg_status kg_graph_build(kg_graph **out, const kg_resolved *data, const char *base_iri,
                         kg_error *err) {
    return kg_graph_build_with(out, data, base_iri, NULL, err);
}

kg_status kg_graph_build_with(kg_graph **out, const kg_resolved *data, const char *base_iri,
                              const kg_analytics_options *options, kg_error *err) {
    static const kg_analytics_options defaults = KG_ANALYTICS_OPTIONS_INIT;
    kg_status status = KG_OK;
    kg_graph *graph = NULL;

    kg_error_clear(err);
    if (out == NULL || data == NULL)
        return kg_error_set(err, KG_ERR_USAGE, NULL, 0, 0, "kg_graph_build: no output or data");
    *out = NULL;
    /* igraph_create would silently add vertices for out-of-range ids, and
     * vertex i must stay entity i. */
    if (data->n_entities >= (size_t)IGRAPH_VCOUNT_MAX ||
        data->n_relations >= (size_t)IGRAPH_ECOUNT_MAX)
        return kg_error_set(err, KG_ERR_GRAPH, NULL, 0, 0,
                            "graph too large for igraph: %zu entities, %zu relations",
                            data->n_entities, data->n_relations);
    for (size_t j = 0; j < data->n_relations; j++)
        if (data->relations[j].subject >= data->n_entities ||
            data->relations[j].object >= data->n_entities)
            return kg_error_set(
                err, KG_ERR_INPUT, NULL, 0, 0, "relation %zu refers to entity %zu or %zu of %zu", j,
                data->relations[j].subject, data->relations[j].object, data->n_entities);

    kg_igraph_setup();
    graph = calloc(1, sizeof *graph);
    if (graph == NULL)
        goto nomem;
    graph->base_iri = base_iri != NULL ? base_iri : KG_DEFAULT_BASE_IRI;
    graph->data = data;
    graph->analytics.options = options != NULL ? *options : defaults;
    graph->centrality = calloc(data->n_entities + 1, sizeof *graph->centrality);
    graph->community = calloc(data->n_entities + 1, sizeof *graph->community);
    if (graph->centrality == NULL || graph->community == NULL)
        goto nomem;

    kg_igraph_clear_error();
    if (graph_compute(graph) != IGRAPH_SUCCESS) {
        /* graph->igraph was destroyed by the error handler's cleanup. */
        status = kg_error_set(err, KG_ERR_GRAPH, NULL, 0, 0, "igraph: %s",
                              kg_igraph_last_error()[0] != '\0' ? kg_igraph_last_error()
                                                                : "unknown error");
        goto cleanup;
    }
    *out = graph;
    graph = NULL;
    goto cleanup;

nomem:
    status = kg_error_set(err, KG_ERR_NOMEM, NULL, 0, 0, "out of memory while building graph");
cleanup:
    if (graph != NULL) {
        free(graph->centrality);
        free(graph->community);
        free(graph);
    }
    return status;
}

void kg_graph_free(kg_graph *graph) {
    if (graph == NULL)
        return;
    igraph_destroy(&graph->igraph);
    free(graph->centrality);
    free(graph->community);
    free(graph);
}

const char *kg_graph_iri(const kg_graph *graph, size_t i, char *buf, size_t size) {
    if (graph == NULL || buf == NULL || size == 0 || i >= graph->data->n_entities)
        return NULL;
    int n = snprintf(buf, size, "%s%s", graph->base_iri, graph->data->entities[i].id);
    if (n < 0 || (size_t)n >= size)
        return NULL;
    return buf;
}

/* ---- ranking ------------------------------------------------------------------ */

typedef struct rank_item {
    double score;
    const char *id;
    size_t index;
} rank_item;

static int cmp_rank(const void *a, const void *b) {
    const rank_item *x = a, *y = b;
    if (x->score != y->score)
        return x->score > y->score ? -1 : 1;
    return strcmp(x->id, y->id);
}

size_t kg_graph_top_pagerank(const kg_graph *graph, size_t *out, size_t k) {
    if (graph == NULL || out == NULL || k == 0)
        return 0;
    size_t n = graph->data->n_entities;
    if (n == 0)
        return 0;
    rank_item *items = malloc(n * sizeof *items);
    if (items == NULL)
        return 0;
    for (size_t i = 0; i < n; i++)
        items[i] = (rank_item){graph->centrality[i].pagerank, graph->data->entities[i].id, i};
    qsort(items, n, sizeof *items, cmp_rank);
    size_t written = k < n ? k : n;
    for (size_t i = 0; i < written; i++)
        out[i] = items[i].index;
    free(items);
    return written;
}
