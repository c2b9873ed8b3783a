/* kg_graph_internal.h — igraph error state shared inside the library.
 *
 * kg_igraph_setup (kg_graph.h) installs an igraph error handler that
 * records the message instead of aborting.  Library code that calls igraph
 * itself (the GraphML exporter, tests) reads the record here to turn a
 * failed igraph call into a kg_error.  Not for the CLI.
 *
 * The record is one per thread; igraph itself (0.10, as packaged) is not
 * thread-safe, so kgraph calls igraph from one thread at a time.
 */
#ifndef KG_GRAPH_INTERNAL_H
#define KG_GRAPH_INTERNAL_H

#include "kg_graph.h"

#include <igraph.h>
#include <math.h>
#include <stdbool.h>

#ifdef __cplusplus
extern "C" {
#endif

/* The first non-empty igraph error message since the last
 * kg_igraph_clear_error, with igraph's file and line; "" when none.
 * Borrowed, valid until the next igraph error or clear. */
const char *kg_igraph_last_error(void);

/* The igraph error code recorded with it; IGRAPH_SUCCESS when none. */
igraph_error_t kg_igraph_last_errno(void);

/* Forgets the recorded error (call before a sequence of igraph calls whose
 * failure is to be reported). */
void kg_igraph_clear_error(void);

/* The last igraph warning since the last clear; "" when none. */
const char *kg_igraph_last_warning(void);

/* NaN and infinities become 0, and so does rounding noise such as 6e-17
 * from eigensolvers, so that exports do not carry meaningless digits. */
static inline double finite_or_zero(double x) {
    return isfinite(x) && fabs(x) >= 1e-12 ? x : 0.0;
}

/* Whether the estimators below handle a graph of n_entities vertices (they
 * number vertices in 32 bits). */
bool kg_paths_supported(size_t n_entities);

/* Betweenness of every entity of data (undirected, unweighted, parallel
 * relations counted as parallel edges) estimated from `sources` (k distinct
 * vertex ids): Brandes' dependencies summed over the sources, scaled by
 * n / (2k), on `threads` threads (0, or more than the online CPUs: one per
 * online CPU), written into the betweenness field of out.  The same bits
 * for any thread count; igraph's undirected betweenness when sources holds
 * every vertex.  Cost O(k (n + m)).  KG_ERR_NOMEM, or KG_ERR_GRAPH when
 * kg_paths_supported says no.  Touches none of igraph's global state (error
 * handler, cleanup stack, RNG), so it may run beside igraph calls. */
kg_status kg_graph_betweenness_estimates(const kg_resolved *data,
                                         const igraph_vector_int_t *sources, size_t threads,
                                         kg_centrality *out);

/* The same estimate in three calls, so that threads may join it while it
 * runs (the calling thread of kg_graph_build, once igraph's measures are
 * done).  kg_betweenness_new prepares it (NULL when out of memory or not
 * kg_paths_supported); kg_betweenness_work takes sources until none is
 * left, on `threads` threads counting the caller's (0: one per online
 * CPU), and may be called from any number of threads at once;
 * kg_betweenness_finish, once every kg_betweenness_work has returned,
 * writes the betweenness field of out (one per entity) and frees b:
 * KG_ERR_NOMEM when b is NULL or some source was never taken.  The result
 * is the same bits whichever thread took which source. */
typedef struct kg_betweenness kg_betweenness;
kg_betweenness *kg_betweenness_new(const kg_resolved *data, const igraph_vector_int_t *sources);
void kg_betweenness_work(kg_betweenness *b, size_t threads);
kg_status kg_betweenness_finish(kg_betweenness *b, kg_centrality *out);

/* Closeness and harmonic centrality of every entity of data estimated from
 * breadth-first searches out of `sources` (distinct vertex ids), written
 * into the closeness and harmonic fields of out (n_entities entries): what
 * kg_graph_build_with does above betweenness_exact_max vertices
 * (docs/analytics.md).  Exact when sources holds every vertex.  Errors and
 * igraph's state as for kg_graph_betweenness_estimates. */
kg_status kg_graph_distance_estimates(const kg_resolved *data, const igraph_vector_int_t *sources,
                                      kg_centrality *out);

#ifdef __cplusplus
}
#endif

#endif /* KG_GRAPH_INTERNAL_H */
