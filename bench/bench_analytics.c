/* bench_analytics.c — exact against sampled betweenness, closeness and
 * harmonic centrality, and the cost of the other analytics, on generated
 * networks.
 *
 *   bench_analytics [NODES] [SAMPLES] [SEED] [LARGE_NODES] [LARGE_DEGREE] [LARGE_FULL]
 *
 * NODES (default 20000) entities are joined by preferential attachment
 * (each new entity relates to 3 earlier ones chosen in proportion to their
 * degree, evidence counts 1 to 3), a deterministic generator with its own
 * LCG seeded by SEED (default 1).  kg_graph_build_with runs twice: with
 * every measure exact, and with betweenness, closeness and harmonic
 * estimated from SAMPLES (default 1000) sources.  Printed: both build
 * times, each step alone (igraph_betweenness against
 * igraph_betweenness_subset, igraph_closeness + igraph_harmonic_centrality
 * against kg_graph_distance_estimates, over the same random sources), the
 * speedups, the Spearman rank correlation of each estimate with the exact
 * values (goal ≥ 0.9), and the overlap of the top 100.  Then, on a graph
 * of LARGE_NODES (default 200000, 0 to skip) built the same way with
 * LARGE_DEGREE (default 5) relations per new entity, the time of degree,
 * PageRank, coreness, Leiden, sampled betweenness and sampled closeness +
 * harmonic alone, and of the whole kg_graph_build_with with the default
 * options (LARGE_FULL 0 leaves out sampled betweenness and the whole
 * build, which take minutes on millions of edges; 2 leaves out only
 * igraph's sampled betweenness, the reference, and kgraph's timed alone).  Sampled betweenness
 * is timed with igraph_betweenness_subset (the reference) and with
 * kgraph's own estimator (kg_graph_betweenness_estimates) over the same
 * sources, on one thread and on every CPU.  CPU seconds of the process
 * (one thread) except where it says wall; never asserted. */
#include "kg_graph.h"
#include "kg_graph_internal.h"

#include <igraph.h>
#include <math.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

/* CPU time of the process: the machines these run on are shared, and
 * everything timed here runs on one thread. */
static double now(void) {
    struct timespec ts;
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* Wall-clock time, for the estimator on several threads. */
static double wall(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static uint64_t rng_state;

static uint32_t rng(void) {
    rng_state = rng_state * 6364136223846793005ULL + 1442695040888963407ULL;
    return (uint32_t)(rng_state >> 33);
}

typedef struct network {
    kg_resolved data;
    char *ids; /* n ids of 32 bytes */
} network;

/* Preferential attachment: new entity v relates to 3 earlier entities,
 * each picked as the end of a uniformly drawn earlier edge end (so in
 * proportion to degree); the first 4 form a ring. */
static int generate(network *net, size_t n, size_t per_node, uint64_t seed) {
    size_t max_edges = 4 + n * per_node;
    memset(net, 0, sizeof *net);
    net->ids = malloc(n * 32);
    net->data.entities = calloc(n, sizeof *net->data.entities);
    net->data.relations = calloc(max_edges, sizeof *net->data.relations);
    size_t *ends = malloc(2 * max_edges * sizeof *ends);
    if (net->ids == NULL || net->data.entities == NULL || net->data.relations == NULL ||
        ends == NULL) {
        free(ends);
        return -1;
    }
    rng_state = seed;
    for (size_t i = 0; i < n; i++) {
        char *id = net->ids + 32 * i;
        snprintf(id, 32, "org/n%07zu", i);
        net->data.entities[i] = (kg_entity){.type = KG_ENT_ORGANIZATION, .id = id, .label = id};
    }
    size_t m = 0, n_ends = 0;
    for (size_t v = 0; v < n; v++) {
        size_t k = v < 4 ? (v > 0 ? 1 : 0) : per_node;
        for (size_t e = 0; e < k; e++) {
            size_t u = v < 4 ? v - 1 : ends[rng() % n_ends];
            if (u == v)
                continue;
            kg_relation *r = &net->data.relations[m++];
            r->type = KG_REL_MEMBER_OF;
            r->subject = v;
            r->object = u;
            r->n_evidence = 1 + rng() % 3;
            r->confidence = 0.9;
            ends[n_ends++] = u;
            ends[n_ends++] = v;
        }
    }
    net->data.n_entities = n;
    net->data.n_relations = m;
    free(ends);
    return 0;
}

static void network_free(network *net) {
    free(net->ids);
    free(net->data.entities);
    free(net->data.relations);
}

static const double *sort_values; /* what cmp_index compares (qsort has no context) */

static int cmp_index(const void *a, const void *b) {
    double x = sort_values[*(const size_t *)a], y = sort_values[*(const size_t *)b];
    return x < y ? -1 : x > y ? 1 : 0;
}

/* Ranks with ties averaged (1-based). */
static void ranks(const double *values, size_t n, double *rank) {
    size_t *order = malloc(n * sizeof *order);
    for (size_t i = 0; i < n; i++)
        order[i] = i;
    sort_values = values;
    qsort(order, n, sizeof *order, cmp_index);
    for (size_t i = 0; i < n;) {
        size_t j = i;
        while (j + 1 < n && values[order[j + 1]] == values[order[i]])
            j++;
        for (size_t k = i; k <= j; k++)
            rank[order[k]] = (double)(i + j) / 2.0 + 1.0;
        i = j + 1;
    }
    free(order);
}

static double spearman(const double *a, const double *b, size_t n) {
    double *ra = malloc(n * sizeof *ra), *rb = malloc(n * sizeof *rb);
    ranks(a, n, ra);
    ranks(b, n, rb);
    double ma = 0, mb = 0, sab = 0, saa = 0, sbb = 0;
    for (size_t i = 0; i < n; i++) {
        ma += ra[i];
        mb += rb[i];
    }
    ma /= (double)n;
    mb /= (double)n;
    for (size_t i = 0; i < n; i++) {
        sab += (ra[i] - ma) * (rb[i] - mb);
        saa += (ra[i] - ma) * (ra[i] - ma);
        sbb += (rb[i] - mb) * (rb[i] - mb);
    }
    free(ra);
    free(rb);
    return sab / sqrt(saa * sbb);
}

/* kgraph's betweenness estimator from sources on one thread (CPU seconds)
 * and on every CPU (wall seconds): printed after label. */
static void time_estimator(const network *net, const igraph_vector_int_t *sources,
                           const char *label, double reference) {
    kg_centrality *c = calloc(net->data.n_entities, sizeof *c);
    double t0 = now();
    kg_graph_betweenness_estimates(&net->data, sources, 1, c);
    double one = now() - t0;
    t0 = wall();
    kg_graph_betweenness_estimates(&net->data, sources, 0, c);
    double all = wall() - t0;
    printf("%skgraph's estimator %.2f s on 1 thread (%.1fx igraph's), %.2f s wall on %zu "
           "threads (%.2fx one)\n",
           label, one, reference / one, all, kg_cpu_count(), one / all);
    free(c);
}

static kg_graph *build(const network *net, const kg_analytics_options *opt, double *seconds) {
    kg_graph *g = NULL;
    kg_error err;
    double t0 = now();
    if (kg_graph_build_with(&g, &net->data, NULL, opt, &err) != KG_OK) {
        fprintf(stderr, "bench_analytics: %s\n", err.message);
        exit(1);
    }
    *seconds = now() - t0;
    return g;
}

static void twenty_thousand(size_t n, size_t samples, uint64_t seed) {
    network net;
    if (generate(&net, n, 3, seed) != 0) {
        fprintf(stderr, "bench_analytics: out of memory\n");
        exit(1);
    }
    printf("graph: %zu entities, %zu relations (preferential attachment, seed %llu)\n", n,
           net.data.n_relations, (unsigned long long)seed);

    kg_analytics_options opt = KG_ANALYTICS_OPTIONS_INIT;
    double t_exact, t_sampled;
    opt.betweenness_exact_max = n;
    kg_graph *exact = build(&net, &opt, &t_exact);
    opt.betweenness_exact_max = 0;
    opt.betweenness_samples = samples;
    kg_graph *sampled = build(&net, &opt, &t_sampled);
    printf("kg_graph_build_with, every measure: exact %.2f s, sampled (%zu sources) %.2f s\n",
           t_exact, samples, t_sampled);

    /* The betweenness step alone, the way kg_graph.c does it. */
    igraph_vector_t res;
    igraph_vector_int_t sources;
    igraph_vector_init(&res, 0);
    igraph_vector_int_init(&sources, 0);
    double t0 = now();
    igraph_betweenness(&exact->igraph, &res, igraph_vss_all(), false, NULL);
    double t_b_exact = now() - t0;
    igraph_rng_seed(igraph_rng_default(), 42);
    t0 = now();
    igraph_random_sample(&sources, 0, (igraph_integer_t)n - 1, (igraph_integer_t)samples);
    igraph_betweenness_subset(&exact->igraph, &res, igraph_vss_all(), false,
                              igraph_vss_vector(&sources), igraph_vss_all(), NULL);
    double t_b_sampled = now() - t0;
    igraph_vector_destroy(&res);
    printf("betweenness alone (igraph): exact %.2f s, %zu sampled sources %.2f s: %.1fx faster\n",
           t_b_exact, samples, t_b_sampled, t_b_exact / t_b_sampled);
    time_estimator(&net, &sources, "  same sources: ", t_b_sampled);
    igraph_vector_int_destroy(&sources);

    double *a = malloc(n * sizeof *a), *b = malloc(n * sizeof *b);
    for (size_t i = 0; i < n; i++) {
        a[i] = exact->centrality[i].betweenness;
        b[i] = sampled->centrality[i].betweenness;
    }
    printf("Spearman rank correlation, sampled vs exact: %.4f (goal >= 0.9)\n", spearman(a, b, n));
    size_t top_a[100], top_b[100], common = 0;
    size_t k = kg_graph_top(exact, KG_MEASURE_BETWEENNESS, top_a, 100);
    kg_graph_top(sampled, KG_MEASURE_BETWEENNESS, top_b, 100);
    for (size_t i = 0; i < k; i++)
        for (size_t j = 0; j < k; j++)
            common += top_a[i] == top_b[j];
    printf("top %zu by betweenness: %zu in common\n", k, common);
    printf("communities: %zu, modularity %.4f\n", exact->analytics.n_communities,
           exact->analytics.modularity);

    /* Closeness and harmonic alone: igraph's exact all-pairs routines
     * against the bit-parallel BFS from the same sample. */
    igraph_vector_init(&res, 0);
    t0 = now();
    igraph_closeness(&exact->igraph, &res, NULL, NULL, igraph_vss_all(), IGRAPH_ALL, NULL, true);
    igraph_harmonic_centrality(&exact->igraph, &res, igraph_vss_all(), IGRAPH_ALL, NULL, true);
    double t_d_exact = now() - t0;
    igraph_vector_destroy(&res);
    kg_centrality *estimate = calloc(n, sizeof *estimate);
    igraph_vector_int_init(&sources, 0);
    igraph_rng_seed(igraph_rng_default(), 42);
    igraph_random_sample(&sources, 0, (igraph_integer_t)n - 1, (igraph_integer_t)samples);
    t0 = now();
    kg_graph_distance_estimates(&net.data, &sources, estimate);
    double t_d_sampled = now() - t0;
    igraph_vector_int_range(&sources, 0, (igraph_integer_t)n);
    t0 = now();
    kg_graph_distance_estimates(&net.data, &sources, estimate);
    double t_d_all = now() - t0;
    double max_diff = 0; /* BFS over every source against igraph: must be rounding only */
    for (size_t i = 0; i < n; i++) {
        double dc = fabs(estimate[i].closeness - exact->centrality[i].closeness);
        double dh = fabs(estimate[i].harmonic - exact->centrality[i].harmonic);
        max_diff = fmax(max_diff, fmax(dc, dh));
    }
    igraph_vector_int_destroy(&sources);
    free(estimate);
    printf("closeness + harmonic alone: exact (igraph) %.2f s, exact (bit-parallel BFS, all %zu "
           "sources) %.2f s, %zu sampled sources %.3f s: %.1fx faster than igraph\n",
           t_d_exact, n, t_d_all, samples, t_d_sampled, t_d_exact / t_d_sampled);
    printf("bit-parallel BFS over all sources against igraph: largest difference %.1e\n", max_diff);
    const kg_measure distance_measures[] = {KG_MEASURE_CLOSENESS, KG_MEASURE_HARMONIC};
    for (size_t d = 0; d < 2; d++) {
        kg_measure measure = distance_measures[d];
        for (size_t i = 0; i < n; i++) {
            a[i] = kg_centrality_get(&exact->centrality[i], measure);
            b[i] = kg_centrality_get(&sampled->centrality[i], measure);
        }
        common = 0;
        k = kg_graph_top(exact, measure, top_a, 100);
        kg_graph_top(sampled, measure, top_b, 100);
        for (size_t i = 0; i < k; i++)
            for (size_t j = 0; j < k; j++)
                common += top_a[i] == top_b[j];
        printf("%s, sampled (%s, %zu sources) vs exact: Spearman %.4f, top %zu: %zu in common\n",
               kg_measure_name(measure), sampled->analytics.closeness_method,
               sampled->analytics.closeness_sources, spearman(a, b, n), k, common);
    }
    free(a);
    free(b);
    kg_graph_free(exact);
    kg_graph_free(sampled);
    network_free(&net);
}

static void large(size_t n, size_t per_node, uint64_t seed, int full) {
    network net;
    if (generate(&net, n, per_node, seed) != 0) {
        fprintf(stderr, "bench_analytics: out of memory\n");
        exit(1);
    }
    igraph_integer_t m = (igraph_integer_t)net.data.n_relations;
    igraph_vector_int_t edges, deg, membership;
    igraph_vector_t weights, res;
    igraph_t g, und;
    igraph_vector_int_init(&edges, 2 * m);
    igraph_vector_init(&weights, m);
    for (igraph_integer_t j = 0; j < m; j++) {
        VECTOR(edges)[2 * j] = (igraph_integer_t)net.data.relations[j].subject;
        VECTOR(edges)[2 * j + 1] = (igraph_integer_t)net.data.relations[j].object;
        VECTOR(weights)[j] = (double)net.data.relations[j].n_evidence;
    }
    igraph_create(&g, &edges, (igraph_integer_t)n, IGRAPH_DIRECTED);
    igraph_create(&und, &edges, (igraph_integer_t)n, IGRAPH_UNDIRECTED);
    igraph_vector_int_init(&deg, 0);
    igraph_vector_int_init(&membership, 0);
    igraph_vector_init(&res, 0);
    printf("\nlarger graph: %zu entities, %lld relations\n", n, (long long)m);

    double t0 = now();
    igraph_degree(&g, &deg, igraph_vss_all(), IGRAPH_ALL, IGRAPH_LOOPS);
    printf("  degree      %8.3f s\n", now() - t0);
    t0 = now();
    igraph_real_t value;
    igraph_pagerank(&g, IGRAPH_PAGERANK_ALGO_PRPACK, &res, &value, igraph_vss_all(), false, 0.85,
                    &weights, NULL);
    printf("  PageRank    %8.3f s\n", now() - t0);
    t0 = now();
    igraph_coreness(&und, &deg, IGRAPH_ALL);
    printf("  coreness    %8.3f s\n", now() - t0);
    igraph_vector_int_t sources;
    igraph_vector_int_init(&sources, 0);
    igraph_rng_seed(igraph_rng_default(), 42);
    igraph_random_sample(&sources, 0, (igraph_integer_t)n - 1, 1000);
    kg_centrality *estimate = calloc(n, sizeof *estimate);
    t0 = now();
    kg_graph_distance_estimates(&net.data, &sources, estimate);
    printf("  closeness + harmonic from 1000 sampled sources %8.3f s\n", now() - t0);
    free(estimate);
    igraph_vector_t strength;
    igraph_vector_init(&strength, 0);
    igraph_strength(&und, &strength, igraph_vss_all(), IGRAPH_ALL, IGRAPH_LOOPS, &weights);
    double total = 0;
    for (igraph_integer_t j = 0; j < m; j++)
        total += VECTOR(weights)[j];
    igraph_integer_t clusters = 0;
    igraph_real_t quality = 0;
    igraph_vector_int_resize(&membership, (igraph_integer_t)n);
    for (size_t i = 0; i < n; i++)
        VECTOR(membership)[i] = (igraph_integer_t)i;
    igraph_rng_seed(igraph_rng_default(), 42);
    t0 = now();
    igraph_community_leiden(&und, &weights, &strength, 1.0 / (2.0 * total), 0.01, true, 10,
                            &membership, &clusters, &quality);
    printf("  Leiden (10 iterations) %8.3f s: %lld communities\n", now() - t0, (long long)clusters);
    t0 = now();
    if (full == 1) {
        igraph_betweenness_subset(&und, &res, igraph_vss_all(), false, igraph_vss_vector(&sources),
                                  igraph_vss_all(), NULL);
        double t_igraph = now() - t0;
        printf("  betweenness from 1000 sampled sources (igraph) %8.3f s\n", t_igraph);
        time_estimator(&net, &sources, "    same sources: ", t_igraph);
    }
    igraph_vector_int_destroy(&sources);
    igraph_vector_destroy(&strength);
    igraph_vector_destroy(&res);
    igraph_vector_int_destroy(&membership);
    igraph_vector_int_destroy(&deg);
    igraph_vector_destroy(&weights);
    igraph_vector_int_destroy(&edges);
    igraph_destroy(&g);
    igraph_destroy(&und);

    if (!full) {
        network_free(&net);
        return;
    }
    kg_analytics_options opt = KG_ANALYTICS_OPTIONS_INIT;
    double t_build, t_wall = wall();
    kg_graph *built = build(&net, &opt, &t_build);
    t_wall = wall() - t_wall;
    printf("  kg_graph_build_with, default options (betweenness %s from %zu sources, closeness %s, "
           "harmonic %s from %zu) %8.3f s CPU, %.3f s wall\n",
           built->analytics.betweenness_method, built->analytics.betweenness_sources,
           built->analytics.closeness_method, built->analytics.harmonic_method,
           built->analytics.closeness_sources, t_build, t_wall);
    const kg_analytics_timing *sec = &built->analytics.seconds;
    printf("    of which (wall): network, degree, PageRank %.3f s; betweenness %.3f s; closeness, "
           "harmonic %.3f s; coreness, Leiden (%zu iterations) %.3f s; eigenvector, HITS %.3f s\n",
           sec->network, sec->betweenness, sec->distances, built->analytics.leiden_iterations_run,
           sec->communities, sec->spectral);
    kg_graph_free(built);
    network_free(&net);
}

int main(int argc, char **argv) {
    size_t n = argc > 1 ? (size_t)strtoull(argv[1], NULL, 10) : 20000;
    size_t samples = argc > 2 ? (size_t)strtoull(argv[2], NULL, 10) : 1000;
    uint64_t seed = argc > 3 ? (uint64_t)strtoull(argv[3], NULL, 10) : 1;
    size_t large_n = argc > 4 ? (size_t)strtoull(argv[4], NULL, 10) : 200000;
    size_t large_degree = argc > 5 ? (size_t)strtoull(argv[5], NULL, 10) : 5;
    int large_full = argc > 6 ? (int)strtoul(argv[6], NULL, 10) : 1;
    if (n < 10 || samples == 0 || samples >= n) {
        fprintf(stderr, "usage: bench_analytics [NODES ≥ 10] [SAMPLES < NODES] [SEED] "
                        "[LARGE_NODES] [LARGE_DEGREE] [LARGE_FULL]\n");
        return 2;
    }
    setvbuf(stdout, NULL, _IOLBF, 0); /* each figure as soon as it is known */
    kg_igraph_setup();
    twenty_thousand(n, samples, seed);
    if (large_n >= 10)
        large(large_n, large_degree > 0 ? large_degree : 1, seed, large_full);
    return 0;
}
