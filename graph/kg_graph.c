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
#include "kg_model_internal.h"

#include <dlfcn.h>
#include <math.h>
#include <pthread.h>
#include <stddef.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

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
    /* Sampled betweenness and Leiden reseed right before they draw (from
     * kg_analytics_options.seed); this covers anything else that is random. */
    igraph_rng_seed(igraph_rng_default(), 42);
    /* igraph's PageRank (PRPACK) runs OpenMP threads: their partial sums
     * make the last digits vary from run to run, and their spinning takes
     * the cores from kgraph's extraction threads.  One thread, whatever
     * OMP_NUM_THREADS says (libgomp comes with libigraph, if at all). */
    void *self = dlopen(NULL, RTLD_LAZY);
    if (self != NULL) {
        void (*set_threads)(int);
        *(void **)&set_threads = dlsym(self, "omp_set_num_threads");
        if (set_threads != NULL)
            set_threads(1);
        dlclose(self);
    }
    done = true;
}

/* ---- building --------------------------------------------------------------- */

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

/* The centralities of kg_centrality that need no shortest paths, sampling
 * or the projection, for the n vertices of graph with edge weights `weights`
 * (evidence counts). */
static igraph_error_t compute_centralities(const igraph_t *graph, const igraph_vector_t *weights,
                                           kg_centrality *c, size_t n) {
    igraph_vector_t res;
    igraph_real_t value;

    IGRAPH_CHECK(store_degree(graph, c, n, offsetof(kg_centrality, degree), IGRAPH_ALL));
    IGRAPH_CHECK(store_degree(graph, c, n, offsetof(kg_centrality, in_degree), IGRAPH_IN));
    IGRAPH_CHECK(store_degree(graph, c, n, offsetof(kg_centrality, out_degree), IGRAPH_OUT));
    if (n == 0)
        return IGRAPH_SUCCESS;

    IGRAPH_VECTOR_INIT_FINALLY(&res, 0);
    IGRAPH_CHECK(igraph_strength(graph, &res, igraph_vss_all(), IGRAPH_ALL, IGRAPH_LOOPS, weights));
    store(c, n, offsetof(kg_centrality, strength), &res);

    /* Undirected: a relation's direction is grammar (person → post, party →
     * agreement, visitor → place), not an endorsement, and directed rank would
     * pile up on whatever is most often an object, such as places. */
    IGRAPH_CHECK(igraph_pagerank(graph, IGRAPH_PAGERANK_ALGO_PRPACK, &res, &value, igraph_vss_all(),
                                 /*directed=*/false, 0.85, weights, NULL));
    store(c, n, offsetof(kg_centrality, pagerank), &res);

    igraph_vector_destroy(&res);
    IGRAPH_FINALLY_CLEAN(1);
    return IGRAPH_SUCCESS;
}

size_t kg_analytics_sources(const kg_analytics_options *options, size_t n, size_t m) {
    size_t k = options->betweenness_samples < n ? options->betweenness_samples : n;
    if (options->betweenness_budget > 0 && n > 0) {
        size_t cap = options->betweenness_budget / (n + 2 * m), least = k < 100 ? k : 100;
        cap = cap > least ? cap : least;
        k = cap < k ? cap : k;
    }
    return k;
}

/* Betweenness, undirected and unweighted: exact (igraph, Brandes over all n
 * sources) up to options->betweenness_exact_max vertices, else estimated by
 * kg_graph_betweenness_estimates from K = kg_analytics_sources source
 * vertices drawn without replacement with igraph's RNG seeded from
 * options->seed, scaled by n / K so that the estimate is unbiased.  Cost
 * O(K (n + m)) instead of O(n m), on options->threads threads.  The exact
 * values are computed here; for the estimate, the sources are drawn into
 * *sources and *estimate set: run_estimates does the rest. */
static igraph_error_t prepare_betweenness(const igraph_t *graph, kg_graph *g,
                                          igraph_vector_int_t *sources, bool *estimate) {
    const kg_analytics_options *opt = &g->analytics.options;
    igraph_integer_t n = igraph_vcount(graph);

    *estimate = false;
    if ((size_t)n <= opt->betweenness_exact_max || opt->betweenness_samples >= (size_t)n) {
        igraph_vector_t res;
        IGRAPH_VECTOR_INIT_FINALLY(&res, 0);
        IGRAPH_CHECK(igraph_betweenness(graph, &res, igraph_vss_all(), /*directed=*/false, NULL));
        store(g->centrality, (size_t)n, offsetof(kg_centrality, betweenness), &res);
        igraph_vector_destroy(&res);
        IGRAPH_FINALLY_CLEAN(1);
        g->analytics.betweenness_method = "exact";
        g->analytics.betweenness_sources = (size_t)n;
        return IGRAPH_SUCCESS;
    }
    igraph_integer_t k =
        (igraph_integer_t)kg_analytics_sources(opt, (size_t)n, g->data->n_relations);
    IGRAPH_CHECK(igraph_rng_seed(igraph_rng_default(), (igraph_uint_t)opt->seed));
    IGRAPH_CHECK(igraph_random_sample(sources, 0, n - 1, k));
    g->analytics.betweenness_method = "sampled";
    g->analytics.betweenness_sources = (size_t)k;
    *estimate = true;
    return IGRAPH_SUCCESS;
}

/* Whether closeness and harmonic are computed by kg_graph_distance_estimates
 * (above betweenness_exact_max vertices) rather than by igraph's exact
 * all-pairs routines. */
static bool distances_sampled(const kg_analytics_options *opt, size_t n) {
    return n > opt->betweenness_exact_max;
}

/* Closeness and harmonic: exact (igraph) up to betweenness_exact_max
 * vertices; above, estimated from betweenness_samples vertices drawn with
 * the seed (betweenness's sample when its work bound leaves it all of them;
 * the bit-parallel search is cheap enough to need no bound), or from every
 * vertex when the sample would hold them all, in which case the values are
 * exact.  Records the method either way.  The exact values are computed
 * here; for the estimate, the sources are drawn into *sample and *estimate
 * set: run_estimates does the rest. */
static igraph_error_t prepare_distances(kg_graph *g, igraph_vector_int_t *sample, bool *estimate) {
    const kg_analytics_options *opt = &g->analytics.options;
    size_t n = g->data->n_entities;

    *estimate = false;
    if (!distances_sampled(opt, n)) {
        g->analytics.closeness_method = g->analytics.harmonic_method = "exact";
        g->analytics.closeness_sources = g->analytics.harmonic_sources = n;
        if (n == 0)
            return IGRAPH_SUCCESS;
        igraph_vector_t res;
        IGRAPH_VECTOR_INIT_FINALLY(&res, 0);
        /* igraph gives NaN for isolated vertices; store() turns it into 0. */
        IGRAPH_CHECK(igraph_closeness(&g->igraph, &res, NULL, NULL, igraph_vss_all(), IGRAPH_ALL,
                                      NULL, /*normalized=*/true));
        store(g->centrality, n, offsetof(kg_centrality, closeness), &res);
        IGRAPH_CHECK(igraph_harmonic_centrality(&g->igraph, &res, igraph_vss_all(), IGRAPH_ALL,
                                                NULL, /*normalized=*/true));
        store(g->centrality, n, offsetof(kg_centrality, harmonic), &res);
        igraph_vector_destroy(&res);
        IGRAPH_FINALLY_CLEAN(1);
        return IGRAPH_SUCCESS;
    }
    if (opt->betweenness_samples >= n) {
        IGRAPH_CHECK(igraph_vector_int_range(sample, 0, (igraph_integer_t)n));
        g->analytics.closeness_method = g->analytics.harmonic_method = "exact";
    } else {
        IGRAPH_CHECK(igraph_rng_seed(igraph_rng_default(), (igraph_uint_t)opt->seed));
        IGRAPH_CHECK(igraph_random_sample(sample, 0, (igraph_integer_t)n - 1,
                                          (igraph_integer_t)opt->betweenness_samples));
        g->analytics.closeness_method = g->analytics.harmonic_method = "sampled";
    }
    g->analytics.closeness_sources = g->analytics.harmonic_sources =
        (size_t)igraph_vector_int_size(sample);
    *estimate = true;
    return IGRAPH_SUCCESS;
}

/* ---- the estimates, beside the communities -------------------------------------- */

/* The sampled estimators' part of the analytics: kgraph's own code, which
 * touches none of igraph's global state, so that it can run on a thread of
 * its own while the calling thread runs igraph's Leiden (Debian's igraph is
 * not thread-safe: two igraph calls must never run at once). */
typedef struct estimates_job {
    kg_graph *g;
    igraph_vector_int_t bsources, dsources;         /* betweenness's and the distances' */
    const igraph_vector_int_t *betweenness_sources; /* &bsources, or NULL: computed exactly */
    const igraph_vector_int_t *distance_sources;    /* &dsources, or NULL: computed exactly */
    size_t threads;                                 /* for betweenness */
    kg_betweenness *between;                        /* set (atomic) once its work can be joined */
    pthread_t thread;
    bool beside; /* running on thread */
    kg_status betweenness_status, distance_status;
    double betweenness_seconds, distance_seconds;
} estimates_job;

static void *run_estimates(void *arg) {
    estimates_job *job = arg;
    kg_graph *g = job->g;
    double t = kg_monotonic_seconds();
    if (job->betweenness_sources != NULL) {
        kg_betweenness *b = NULL;
        if (!kg_paths_supported(g->data->n_entities))
            job->betweenness_status = KG_ERR_GRAPH;
        else if ((b = kg_betweenness_new(g->data, job->betweenness_sources)) == NULL)
            job->betweenness_status = KG_ERR_NOMEM;
        __atomic_store_n(&job->between, b, __ATOMIC_RELEASE);
        kg_betweenness_work(b, job->threads); /* estimates_finish finishes it */
    }
    job->betweenness_seconds = kg_monotonic_seconds() - t;
    t += job->betweenness_seconds;
    if (job->distance_sources != NULL)
        job->distance_status =
            kg_graph_distance_estimates(g->data, job->distance_sources, g->centrality);
    job->distance_seconds = kg_monotonic_seconds() - t;
    return NULL;
}

/* Waits for the estimates (when they ran beside), adds their times to the
 * analytics' and frees the job.  Returns the first estimator's failure:
 * KG_ERR_NOMEM, or KG_ERR_GRAPH when the graph is too large for them. */
static kg_status estimates_finish(estimates_job *job) {
    if (job == NULL)
        return KG_OK;
    if (job->beside) {
        /* igraph's part is done: this thread helps with the betweenness
         * (if it is still running), then waits for the rest */
        kg_betweenness_work(__atomic_load_n(&job->between, __ATOMIC_ACQUIRE), 1);
        pthread_join(job->thread, NULL);
    }
    kg_graph *g = job->g;
    if (job->betweenness_sources != NULL && job->betweenness_status == KG_OK) {
        job->betweenness_status = kg_betweenness_finish(job->between, g->centrality);
        for (size_t i = 0; i < g->data->n_entities; i++)
            g->centrality[i].betweenness = finite_or_zero(g->centrality[i].betweenness);
    }
    kg_analytics_timing *sec = &g->analytics.seconds;
    sec->betweenness += job->betweenness_seconds;
    sec->distances += job->distance_seconds;
    kg_status st =
        job->betweenness_status != KG_OK ? job->betweenness_status : job->distance_status;
    igraph_vector_int_destroy(&job->bsources);
    igraph_vector_int_destroy(&job->dsources);
    free(job);
    return st;
}

/* ---- the undirected projection: coreness and communities -------------------- */

typedef struct pair_weight {
    igraph_integer_t a, b; /* a < b */
    igraph_real_t weight;
} pair_weight;

static int cmp_pair(const void *x, const void *y) {
    const pair_weight *p = x, *q = y;
    if (p->a != q->a)
        return p->a < q->a ? -1 : 1;
    if (p->b != q->b)
        return p->b < q->b ? -1 : 1;
    return 0;
}

/* *proj: one undirected edge per pair of distinct entities joined by any
 * relation, weighted by the sum of their evidence counts; self loops are
 * dropped.  Edges in (a, b) order, so the projection is a function of the
 * data alone.  Returns the total weight in *total. */
static igraph_error_t build_projection(const kg_resolved *data, igraph_t *proj,
                                       igraph_vector_t *weights, igraph_real_t *total) {
    size_t m = 0;
    pair_weight *pairs = NULL;
    igraph_vector_int_t edges;

    *total = 0;
    if (data->n_relations > 0) {
        pairs = malloc(data->n_relations * sizeof *pairs);
        IGRAPH_CHECK_OOM(pairs, "projection");
    }
    IGRAPH_FINALLY(igraph_free, pairs);
    for (size_t j = 0; j < data->n_relations; j++) {
        const kg_relation *r = &data->relations[j];
        if (r->subject == r->object)
            continue;
        igraph_integer_t s = (igraph_integer_t)r->subject, o = (igraph_integer_t)r->object;
        pairs[m++] = (pair_weight){s < o ? s : o, s < o ? o : s, (igraph_real_t)r->n_evidence};
    }
    if (m > 1)
        qsort(pairs, m, sizeof *pairs, cmp_pair);
    size_t k = 0; /* pairs[0..k) merged */
    for (size_t j = 0; j < m; j++) {
        if (k > 0 && cmp_pair(&pairs[k - 1], &pairs[j]) == 0)
            pairs[k - 1].weight += pairs[j].weight;
        else
            pairs[k++] = pairs[j];
    }
    IGRAPH_VECTOR_INT_INIT_FINALLY(&edges, 2 * (igraph_integer_t)k);
    IGRAPH_CHECK(igraph_vector_resize(weights, (igraph_integer_t)k));
    for (size_t j = 0; j < k; j++) {
        VECTOR(edges)[2 * j] = pairs[j].a;
        VECTOR(edges)[2 * j + 1] = pairs[j].b;
        VECTOR(*weights)[j] = pairs[j].weight;
        *total += pairs[j].weight;
    }
    IGRAPH_CHECK(
        igraph_create(proj, &edges, (igraph_integer_t)data->n_entities, IGRAPH_UNDIRECTED));
    igraph_vector_int_destroy(&edges);
    igraph_free(pairs);
    IGRAPH_FINALLY_CLEAN(2);
    return IGRAPH_SUCCESS;
}

typedef struct community_rank {
    const char *first_id; /* smallest member id, NULL for an unused label */
    igraph_integer_t label;
} community_rank;

static int cmp_community_rank(const void *x, const void *y) {
    const community_rank *p = x, *q = y;
    if ((p->first_id == NULL) != (q->first_id == NULL))
        return p->first_id == NULL ? 1 : -1;
    if (p->first_id == NULL)
        return 0;
    return strcmp(p->first_id, q->first_id);
}

/* Renumbers membership (labels in [0, n)) into g->community: community 0 is
 * the one whose smallest member id sorts first in byte order, and so on,
 * whatever labels the algorithm happened to produce. */
static igraph_error_t canonical_communities(kg_graph *g, const igraph_vector_int_t *membership) {
    const kg_entity *entities = g->data->entities;
    size_t n = g->data->n_entities;
    community_rank *rank = calloc(n, sizeof *rank);
    size_t *canonical = calloc(n, sizeof *canonical);
    if (rank == NULL || canonical == NULL) {
        free(rank);
        free(canonical);
        IGRAPH_ERROR("out of memory ordering communities", IGRAPH_ENOMEM);
    }
    for (size_t i = 0; i < n; i++) {
        igraph_integer_t label = VECTOR(*membership)[i];
        community_rank *r = &rank[label];
        r->label = label;
        if (r->first_id == NULL || strcmp(entities[i].id, r->first_id) < 0)
            r->first_id = entities[i].id;
    }
    qsort(rank, n, sizeof *rank, cmp_community_rank);
    size_t count = 0;
    for (; count < n && rank[count].first_id != NULL; count++)
        canonical[rank[count].label] = count;
    for (size_t i = 0; i < n; i++)
        g->community[i] = canonical[VECTOR(*membership)[i]];
    g->analytics.n_communities = count;
    free(rank);
    free(canonical);
    return IGRAPH_SUCCESS;
}

/* On a graph of at least KG_LEIDEN_LARGE entities and relations together,
 * Leiden stops at an iteration that changes nothing or improves its quality
 * by less than KG_LEIDEN_GAIN of it: later ones only move a few vertices
 * between communities, at the cost of a whole pass each.  Smaller graphs
 * run every iteration: they take milliseconds. */
#define KG_LEIDEN_GAIN 1e-3
#define KG_LEIDEN_LARGE 100000

/* Coreness and Leiden communities on the undirected, weight-summed
 * projection.  Leiden optimises modularity (node weights = strengths,
 * resolution γ / 2m), starts from singletons, runs until an iteration
 * changes nothing, at most options.leiden_iterations, and uses igraph's RNG
 * seeded from options.seed right before the first. */
static igraph_error_t compute_projection_measures(kg_graph *g) {
    const kg_analytics_options *opt = &g->analytics.options;
    size_t n = g->data->n_entities;
    igraph_t proj;
    igraph_vector_t weights, strength;
    igraph_vector_int_t membership, previous;
    igraph_real_t total = 0, quality = 0, last_quality = 0, modularity = 0;
    igraph_integer_t clusters = 0;

    g->analytics.community_method = "leiden-modularity";
    IGRAPH_VECTOR_INIT_FINALLY(&weights, 0);
    IGRAPH_CHECK(build_projection(g->data, &proj, &weights, &total));
    IGRAPH_FINALLY(igraph_destroy, &proj);

    IGRAPH_VECTOR_INT_INIT_FINALLY(&membership, (igraph_integer_t)n);
    IGRAPH_CHECK(igraph_coreness(&proj, &membership, IGRAPH_ALL));
    for (size_t i = 0; i < n; i++)
        g->centrality[i].coreness = (double)VECTOR(membership)[i];

    for (size_t i = 0; i < n; i++)
        VECTOR(membership)[i] = (igraph_integer_t)i;
    if (total > 0) {
        IGRAPH_VECTOR_INIT_FINALLY(&strength, 0);
        IGRAPH_CHECK(igraph_strength(&proj, &strength, igraph_vss_all(), IGRAPH_ALL, IGRAPH_LOOPS,
                                     &weights));
        IGRAPH_CHECK(igraph_rng_seed(igraph_rng_default(), (igraph_uint_t)opt->seed));
        /* Small graphs: every iteration, in one call.  Large ones: one
         * iteration at a time from the last partition (what igraph does
         * inside one call, the RNG running on), stopping at the first that
         * changes nothing or gains little: igraph 0.10.2's own "until
         * stable" (n_iterations < 0) is broken. */
        bool large = n + g->data->n_relations >= KG_LEIDEN_LARGE;
        int step = large ? 1 : opt->leiden_iterations;
        IGRAPH_VECTOR_INT_INIT_FINALLY(&previous, (igraph_integer_t)n);
        for (int it = 0; it < opt->leiden_iterations; it += step) {
            IGRAPH_CHECK(igraph_vector_int_update(&previous, &membership));
            IGRAPH_CHECK(igraph_community_leiden(
                &proj, &weights, &strength, opt->leiden_resolution / (2.0 * total),
                /*beta=*/0.01, /*start=*/true, step, &membership, &clusters, &quality));
            g->analytics.leiden_iterations_run = (size_t)(it + step);
            if (large && (igraph_vector_int_all_e(&previous, &membership) ||
                          (it > 0 && quality - last_quality <= KG_LEIDEN_GAIN * fabs(quality))))
                break;
            last_quality = quality;
        }
        igraph_vector_int_destroy(&previous);
        IGRAPH_FINALLY_CLEAN(1);
        IGRAPH_CHECK(igraph_modularity(&proj, &membership, &weights, opt->leiden_resolution,
                                       /*directed=*/false, &modularity));
        igraph_vector_destroy(&strength);
        IGRAPH_FINALLY_CLEAN(1);
    }
    /* No edge: every entity is its own community, modularity 0 (igraph
     * would say NaN). */
    g->analytics.modularity = isfinite(modularity) ? modularity : 0.0;
    if (n > 0)
        IGRAPH_CHECK(canonical_communities(g, &membership));

    igraph_vector_int_destroy(&membership);
    igraph_destroy(&proj);
    igraph_vector_destroy(&weights);
    IGRAPH_FINALLY_CLEAN(3);
    return IGRAPH_SUCCESS;
}

/* ---- eigenvector and HITS ------------------------------------------------------ */

/* ARPACK, which igraph uses for both, does not always converge: on long
 * paths and other bipartite graphs the two largest eigenvalues are ±λ.
 * These run with nothing of kgraph's on igraph's cleanup stack, so that a
 * failed call frees only igraph's own temporaries and can be retried:
 * first ARPACK with more Lanczos vectors and iterations, then plain power
 * iteration, which always gives an answer. */

#define POWER_ITERATIONS 20000
#define POWER_TOLERANCE 1e-13

/* Scales x so that its maximum is 1 (all zero stays zero); returns the
 * largest change from prev (already scaled) when prev is given. */
static double scale_to_max(double *x, const double *prev, size_t n) {
    double max = 0.0, change = 0.0;
    for (size_t i = 0; i < n; i++)
        max = x[i] > max ? x[i] : max;
    for (size_t i = 0; i < n; i++) {
        x[i] = max > 0.0 ? x[i] / max : 0.0;
        if (prev != NULL && fabs(x[i] - prev[i]) > change)
            change = fabs(x[i] - prev[i]);
    }
    return change;
}

/* Power iteration for the leading eigenvector of A + I (A the symmetric
 * weighted adjacency of the relations, multi-edges summed): the shift by
 * I keeps the eigenvectors and makes the leading eigenvalue unique in
 * magnitude on bipartite graphs.  eigen[n] receives it scaled to max 1. */
static kg_status eigenvector_power(const kg_resolved *d, double *eigen) {
    size_t n = d->n_entities;
    double *next = malloc(n * sizeof *next);
    if (next == NULL)
        return KG_ERR_NOMEM;
    for (size_t i = 0; i < n; i++)
        eigen[i] = 1.0;
    for (int it = 0; it < POWER_ITERATIONS; it++) {
        memcpy(next, eigen, n * sizeof *next);
        for (size_t j = 0; j < d->n_relations; j++) {
            const kg_relation *r = &d->relations[j];
            if (r->subject == r->object)
                continue;
            next[r->subject] += (double)r->n_evidence * eigen[r->object];
            next[r->object] += (double)r->n_evidence * eigen[r->subject];
        }
        double change = scale_to_max(next, eigen, n);
        memcpy(eigen, next, n * sizeof *eigen);
        if (change < POWER_TOLERANCE)
            break;
    }
    free(next);
    return KG_OK;
}

/* HITS by power iteration: authority ← Aᵀ·hub, hub ← A·authority (A the
 * directed weighted adjacency), each scaled to max 1, from all ones. */
static kg_status hits_power(const kg_resolved *d, double *hub, double *auth) {
    size_t n = d->n_entities;
    double *prev = malloc(n * sizeof *prev);
    if (prev == NULL)
        return KG_ERR_NOMEM;
    for (size_t i = 0; i < n; i++)
        hub[i] = 1.0;
    for (int it = 0; it < POWER_ITERATIONS; it++) {
        memset(auth, 0, n * sizeof *auth);
        for (size_t j = 0; j < d->n_relations; j++)
            auth[d->relations[j].object] +=
                (double)d->relations[j].n_evidence * hub[d->relations[j].subject];
        scale_to_max(auth, NULL, n);
        memcpy(prev, hub, n * sizeof *prev);
        memset(hub, 0, n * sizeof *hub);
        for (size_t j = 0; j < d->n_relations; j++)
            hub[d->relations[j].subject] +=
                (double)d->relations[j].n_evidence * auth[d->relations[j].object];
        if (scale_to_max(hub, prev, n) < POWER_TOLERANCE)
            break;
    }
    free(prev);
    return KG_OK;
}

/* Prepares ARPACK attempt 0 (igraph's defaults) or 1 (more Lanczos
 * vectors and iterations) from a freshly seeded RNG; false if seeding
 * failed. */
static bool arpack_attempt(const kg_graph *g, int attempt, igraph_arpack_options_t *arpack) {
    igraph_arpack_options_init(arpack);
    if (attempt > 0) {
        arpack->ncv = g->data->n_entities < 64 ? 0 : 64; /* 0: igraph's choice */
        arpack->mxiter = 30000;
    }
    kg_igraph_clear_error();
    return igraph_rng_seed(igraph_rng_default(), (igraph_uint_t)g->analytics.options.seed) ==
           IGRAPH_SUCCESS;
}

/* Eigenvector centrality (undirected, weighted) and HITS (directed,
 * weighted), scaled so that the maximum is 1; 0 for all without edges. */
static kg_status compute_spectral(kg_graph *g) {
    const kg_resolved *d = g->data;
    size_t n = d->n_entities;
    kg_status st = KG_OK;
    igraph_vector_t weights, res, authority;
    igraph_real_t value;
    igraph_arpack_options_t arpack;
    double *hub = NULL, *auth = NULL, *eigen = NULL;

    if (d->n_relations == 0)
        return KG_OK; /* equally (un)important: 0 for all, by contract */
    if (igraph_vector_init(&weights, (igraph_integer_t)d->n_relations) != IGRAPH_SUCCESS)
        return KG_ERR_NOMEM;
    if (igraph_vector_init(&res, 0) != IGRAPH_SUCCESS) {
        igraph_vector_destroy(&weights);
        return KG_ERR_NOMEM;
    }
    if (igraph_vector_init(&authority, 0) != IGRAPH_SUCCESS) {
        igraph_vector_destroy(&res);
        igraph_vector_destroy(&weights);
        return KG_ERR_NOMEM;
    }
    for (size_t j = 0; j < d->n_relations; j++)
        VECTOR(weights)[(igraph_integer_t)j] = (igraph_real_t)d->relations[j].n_evidence;

    bool done = false;
    for (int attempt = 0; attempt < 2 && !done; attempt++) {
        done = arpack_attempt(g, attempt, &arpack) &&
               igraph_eigenvector_centrality(&g->igraph, &res, &value, /*directed=*/false,
                                             /*scale=*/true, &weights, &arpack) == IGRAPH_SUCCESS;
    }
    if (done) {
        store(g->centrality, n, offsetof(kg_centrality, eigenvector), &res);
    } else if ((eigen = malloc(n * sizeof *eigen)) == NULL ||
               (st = eigenvector_power(d, eigen)) != KG_OK) {
        st = KG_ERR_NOMEM;
        goto cleanup;
    } else {
        for (size_t i = 0; i < n; i++)
            g->centrality[i].eigenvector = finite_or_zero(eigen[i]);
    }

    /* HITS keeps the direction: hubs point at many authorities (people
     * holding posts, parties to agreements), authorities are pointed at
     * (organisations, agreements, places). */
    done = false;
    for (int attempt = 0; attempt < 2 && !done; attempt++) {
        done = arpack_attempt(g, attempt, &arpack) &&
               igraph_hub_and_authority_scores(&g->igraph, &res, &authority, &value,
                                               /*scale=*/true, &weights, &arpack) == IGRAPH_SUCCESS;
    }
    if (done) {
        store(g->centrality, n, offsetof(kg_centrality, hub), &res);
        store(g->centrality, n, offsetof(kg_centrality, authority), &authority);
    } else if ((hub = malloc(n * sizeof *hub)) == NULL ||
               (auth = malloc(n * sizeof *auth)) == NULL || hits_power(d, hub, auth) != KG_OK) {
        st = KG_ERR_NOMEM;
        goto cleanup;
    } else {
        for (size_t i = 0; i < n; i++) {
            g->centrality[i].hub = finite_or_zero(hub[i]);
            g->centrality[i].authority = finite_or_zero(auth[i]);
        }
    }
    kg_igraph_clear_error();

cleanup:
    free(eigen);
    free(hub);
    free(auth);
    igraph_vector_destroy(&authority);
    igraph_vector_destroy(&res);
    igraph_vector_destroy(&weights);
    return st;
}

/* Betweenness, closeness, harmonic centrality, coreness and communities.
 * With more than one thread allowed, the sampled estimators run on a thread
 * of their own (*pending, which the caller finishes with estimates_finish)
 * while this one goes on with igraph: coreness, Leiden, then the caller's
 * eigenvector and HITS.  The values are the same either way: every random
 * draw is made here first, each after seeding, and the two sides write
 * different fields.  The sources are not on igraph's cleanup stack, which an
 * igraph error on this thread empties while the estimators may still read
 * them.  On failure nothing is pending. */
static igraph_error_t compute_measures(kg_graph *g, estimates_job **pending) {
    kg_analytics_timing *sec = &g->analytics.seconds;
    bool best = false, dest = false;
    *pending = NULL;
    estimates_job *job = calloc(1, sizeof *job);
    if (job == NULL)
        IGRAPH_ERROR("out of memory", IGRAPH_ENOMEM);
    job->g = g;
    igraph_error_t e = igraph_vector_int_init(&job->bsources, 0);
    if (e != IGRAPH_SUCCESS) {
        free(job);
        IGRAPH_ERROR("out of memory", e);
    }
    if ((e = igraph_vector_int_init(&job->dsources, 0)) != IGRAPH_SUCCESS) {
        igraph_vector_int_destroy(&job->bsources);
        free(job);
        IGRAPH_ERROR("out of memory", e);
    }
    double t = kg_monotonic_seconds();
    e = prepare_betweenness(&g->igraph, g, &job->bsources, &best);
    sec->betweenness = kg_monotonic_seconds() - t;
    t += sec->betweenness;
    if (e == IGRAPH_SUCCESS)
        e = prepare_distances(g, &job->dsources, &dest);
    sec->distances = kg_monotonic_seconds() - t;
    job->betweenness_sources = best ? &job->bsources : NULL;
    job->distance_sources = dest ? &job->dsources : NULL;
    /* Beside igraph's work, which keeps one core busy, betweenness takes
     * the others; alone, all of them. */
    size_t threads = g->analytics.options.threads;
    threads = threads > 0 ? threads : kg_cpu_count();
    job->threads = threads - 1;
    job->beside = e == IGRAPH_SUCCESS && (best || dest) && threads > 1 &&
                  pthread_create(&job->thread, NULL, run_estimates, job) == 0;
    if (e == IGRAPH_SUCCESS && !job->beside) {
        job->threads = threads;
        run_estimates(job);
    }
    if (e == IGRAPH_SUCCESS) {
        t = kg_monotonic_seconds();
        e = compute_projection_measures(g);
        sec->communities = kg_monotonic_seconds() - t;
    }
    if (e != IGRAPH_SUCCESS) {
        estimates_finish(job);
        return e; /* reported (and igraph's cleanup done) where it happened */
    }
    *pending = job;
    return IGRAPH_SUCCESS;
}

/* Creates g->igraph from g->data and fills g->centrality.  On failure
 * nothing igraph-owned is left allocated (g->igraph included). */
static igraph_error_t graph_compute(kg_graph *g, estimates_job **pending) {
    const kg_resolved *data = g->data;
    igraph_integer_t m = (igraph_integer_t)data->n_relations;
    igraph_vector_int_t edges;
    igraph_vector_t weights;

    g->analytics.seconds.network = kg_monotonic_seconds(); /* made a duration below */
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
    /* ARPACK (eigenvector, HITS) may start from a random vector, which moves
     * the last digits: seed first, so that every value is a function of the
     * data and the options alone, whatever ran before in the process. */
    IGRAPH_CHECK(igraph_rng_seed(igraph_rng_default(), (igraph_uint_t)g->analytics.options.seed));
    IGRAPH_CHECK(compute_centralities(&g->igraph, &weights, g->centrality, data->n_entities));
    kg_analytics_timing *sec = &g->analytics.seconds;
    double t = kg_monotonic_seconds();
    sec->network = t - sec->network;
    IGRAPH_CHECK(compute_measures(g, pending));
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

    if (options != NULL &&
        (options->leiden_iterations <= 0 || options->betweenness_samples == 0 ||
         !isfinite(options->leiden_resolution) || options->leiden_resolution <= 0))
        return kg_error_set(err, KG_ERR_USAGE, NULL, 0, 0,
                            "analytics options: Leiden iterations, betweenness samples and the "
                            "resolution must be positive");
    /* graph.json records the seed as a JSON integer (signed 64-bit). */
    if (options != NULL && (uint64_t)options->seed > (uint64_t)INT64_MAX)
        return kg_error_set(err, KG_ERR_USAGE, NULL, 0, 0,
                            "analytics options: the seed must be at most 2^63 - 1");

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
    estimates_job *pending = NULL;
    if (graph_compute(graph, &pending) != IGRAPH_SUCCESS) {
        /* graph->igraph was destroyed by the error handler's cleanup. */
        status = kg_error_set(err, KG_ERR_GRAPH, NULL, 0, 0, "igraph: %s",
                              kg_igraph_last_error()[0] != '\0' ? kg_igraph_last_error()
                                                                : "unknown error");
        goto cleanup;
    }
    /* after graph_compute, with igraph's cleanup stack empty (see above) */
    double t = kg_monotonic_seconds();
    kg_status spectral = compute_spectral(graph);
    graph->analytics.seconds.spectral = kg_monotonic_seconds() - t;
    kg_status estimates = estimates_finish(pending); /* they ran beside, if they could */
    if (spectral != KG_OK || estimates != KG_OK) {
        igraph_destroy(&graph->igraph);
        if (spectral == KG_OK && estimates == KG_ERR_GRAPH) {
            status =
                kg_error_set(err, KG_ERR_GRAPH, NULL, 0, 0,
                             "too many entities for the sampled estimators: %zu", data->n_entities);
            goto cleanup;
        }
        goto nomem;
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

static const struct {
    const char *name;
    size_t offset;
} measures[KG_MEASURE_COUNT] = {
    {"degree", offsetof(kg_centrality, degree)},
    {"in_degree", offsetof(kg_centrality, in_degree)},
    {"out_degree", offsetof(kg_centrality, out_degree)},
    {"strength", offsetof(kg_centrality, strength)},
    {"betweenness", offsetof(kg_centrality, betweenness)},
    {"closeness", offsetof(kg_centrality, closeness)},
    {"harmonic", offsetof(kg_centrality, harmonic)},
    {"pagerank", offsetof(kg_centrality, pagerank)},
    {"eigenvector", offsetof(kg_centrality, eigenvector)},
    {"hub", offsetof(kg_centrality, hub)},
    {"authority", offsetof(kg_centrality, authority)},
    {"coreness", offsetof(kg_centrality, coreness)},
};

const char *kg_measure_name(kg_measure measure) {
    return (unsigned)measure < KG_MEASURE_COUNT ? measures[measure].name : NULL;
}

double kg_centrality_get(const kg_centrality *c, kg_measure measure) {
    double value;
    if (c == NULL || (unsigned)measure >= KG_MEASURE_COUNT)
        return 0.0;
    memcpy(&value, (const char *)c + measures[measure].offset, sizeof value);
    return value;
}

size_t kg_graph_top(const kg_graph *graph, kg_measure measure, size_t *out, size_t k) {
    if (graph == NULL || out == NULL || k == 0 || (unsigned)measure >= KG_MEASURE_COUNT)
        return 0;
    size_t n = graph->data->n_entities;
    if (n == 0)
        return 0;
    rank_item *items = malloc(n * sizeof *items);
    if (items == NULL)
        return 0;
    for (size_t i = 0; i < n; i++)
        items[i] = (rank_item){kg_centrality_get(&graph->centrality[i], measure),
                               graph->data->entities[i].id, i};
    qsort(items, n, sizeof *items, cmp_rank);
    size_t written = k < n ? k : n;
    for (size_t i = 0; i < written; i++)
        out[i] = items[i].index;
    free(items);
    return written;
}

size_t kg_graph_top_pagerank(const kg_graph *graph, size_t *out, size_t k) {
    return kg_graph_top(graph, KG_MEASURE_PAGERANK, out, k);
}
