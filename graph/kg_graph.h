/* kg_graph.h — the network: igraph assembly and analytics.
 *
 * A kg_graph is a directed multigraph over the resolved entities: vertex i
 * is data->entities[i] (sorted by id, so vertex order is deterministic),
 * edge j is data->relations[j].  Centralities are computed once at build
 * time and stored per vertex.
 */
#ifndef KG_GRAPH_H
#define KG_GRAPH_H

#include "kg_model.h"

#include <igraph.h>

#ifdef __cplusplus
extern "C" {
#endif

/* Default base for minted IRIs (documented in README and docs/). */
#define KG_DEFAULT_BASE_IRI "https://kgraph.example.org/id/"

typedef struct kg_centrality {
    double degree; /* in + out edges (multi-edges counted) */
    double in_degree;
    double out_degree;
    double strength;    /* sum of edge weights (evidence counts) */
    double betweenness; /* exact, undirected, unweighted */
    double closeness;   /* igraph closeness over the reachable part, undirected */
    double harmonic;    /* harmonic centrality, normalised, undirected */
    double pagerank;    /* undirected, damping 0.85, weighted by evidence counts */
    double eigenvector; /* undirected, weighted, scaled so the maximum is 1 */
    double hub;         /* HITS hub score, directed, weighted, maximum 1 */
    double authority;   /* HITS authority score, directed, weighted, maximum 1 */
    double coreness;    /* k-core number, undirected */
} kg_centrality;

/* How the analytics are computed (kgraph build/analyze options). */
typedef struct kg_analytics_options {
    unsigned long seed;           /* RNG seed for Leiden and sampled betweenness */
    size_t betweenness_samples;   /* source vertices sampled when estimating */
    size_t betweenness_exact_max; /* exact betweenness up to this many vertices */
    int leiden_iterations;        /* fixed iteration count (> 0) */
    double leiden_resolution;     /* modularity resolution parameter */
} kg_analytics_options;

#define KG_ANALYTICS_OPTIONS_INIT                                                                  \
    { 42UL, 1000, 5000, 10, 1.0 }

/* What was done, recorded in every export. */
typedef struct kg_analytics_info {
    kg_analytics_options options;
    const char *betweenness_method; /* "exact" or "sampled" (static string) */
    size_t betweenness_sources;     /* vertices used as sources */
    const char *community_method;   /* "leiden-modularity" (static string) */
    size_t n_communities;
    double modularity;
} kg_analytics_info;

typedef struct kg_graph {
    const char *base_iri;      /* pooled or static; ends with '/' or '#' */
    const kg_resolved *data;   /* borrowed: must outlive the graph */
    kg_centrality *centrality; /* one per entity, owned */
    size_t *community;         /* one per entity, owned: canonical community id,
                                  0 = the community whose smallest member id
                                  sorts first, and so on */
    kg_analytics_info analytics;
    igraph_t igraph; /* vertex i = entity i, edge j = relation j */
} kg_graph;

/* Installs kgraph's igraph error and warning handlers (which record instead
 * of aborting) and the C attribute table.  Idempotent; called by
 * kg_graph_build, exposed for code that uses igraph directly. */
void kg_igraph_setup(void);

/* Builds the igraph network over data and computes the centralities.
 * data is borrowed.  Caller frees *out with kg_graph_free. */
kg_status kg_graph_build(kg_graph **out, const kg_resolved *data, const char *base_iri,
                         kg_error *err);

/* The same with explicit analytics options (NULL: the defaults). */
kg_status kg_graph_build_with(kg_graph **out, const kg_resolved *data, const char *base_iri,
                              const kg_analytics_options *options, kg_error *err);

/* NULL is a no-op. */
void kg_graph_free(kg_graph *graph);

/* Full IRI of entity i: base_iri + entities[i].id, written into buf.
 * Returns buf, or NULL when it does not fit. */
const char *kg_graph_iri(const kg_graph *graph, size_t i, char *buf, size_t size);

/* Indices of the k entities with the highest PageRank (ties by id), into
 * out (k entries); returns how many were written (≤ k). */
size_t kg_graph_top_pagerank(const kg_graph *graph, size_t *out, size_t k);

#ifdef __cplusplus
}
#endif

#endif /* KG_GRAPH_H */
