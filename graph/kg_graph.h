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
    double betweenness; /* undirected, unweighted; exact, or estimated from sampled
                           sources (kg_analytics_info says which) */
    double closeness;   /* igraph closeness over the reachable part, undirected; exact, or
                           estimated from sampled sources (kg_analytics_info says which) */
    double harmonic;    /* harmonic centrality, normalised, undirected; exact or sampled */
    double pagerank;    /* undirected, damping 0.85, weighted by evidence counts */
    double eigenvector; /* undirected, weighted, scaled so the maximum is 1 */
    double hub;         /* HITS hub score, directed, weighted, maximum 1 */
    double authority;   /* HITS authority score, directed, weighted, maximum 1 */
    double coreness;    /* k-core number in the undirected simple projection */
} kg_centrality;

/* How the analytics are computed (kgraph build/analyze options).
 * docs/analytics.md defines every measure and method. */
typedef struct kg_analytics_options {
    unsigned long seed;           /* RNG seed for Leiden and the sampled sources, ≤ 2^63 - 1 */
    size_t betweenness_samples;   /* source vertices sampled when estimating (> 0) */
    size_t betweenness_exact_max; /* exact betweenness, closeness and harmonic up to this
                                     many vertices; above it (and when samples <
                                     vertices) they are estimated from sampled sources */
    int leiden_iterations;        /* most iterations (> 0): Leiden stops at the first that
                                     changes nothing */
    double leiden_resolution;     /* modularity resolution parameter (> 0) */
    size_t threads;               /* threads of the sampled estimators; 0: one per online CPU
                                     (the results are the same for any count) */
    size_t betweenness_budget;    /* bound on the work of sampled betweenness, K (n + 2m)
                                     edge visits: fewer sources than betweenness_samples
                                     on large graphs, never fewer than 100; 0: none */
} kg_analytics_options;

#define KG_ANALYTICS_OPTIONS_INIT                                                                  \
    { 42UL, 1000, 5000, 10, 1.0, 0, KG_BETWEENNESS_BUDGET }

/* The default work bound of sampled betweenness: 2^29 edge visits, some
 * seconds on two cores (docs/analytics.md). */
#define KG_BETWEENNESS_BUDGET ((size_t)1 << 29)

/* Sources that sampled betweenness (and sampled closeness and harmonic)
 * use on a graph of n entities and m relations under options. */
size_t kg_analytics_sources(const kg_analytics_options *options, size_t n, size_t m);

/* Wall-clock seconds of each analytics step of a build: what `kgraph build
 * --timings` prints.  Never exported (outputs depend only on the data and
 * the options). */
typedef struct kg_analytics_timing {
    double network;     /* the igraph network, degrees, strength, PageRank (and exact
                           closeness and harmonic) */
    double betweenness; /* exact or sampled */
    double distances;   /* sampled closeness and harmonic */
    double communities; /* projection, coreness, Leiden, modularity */
    double spectral;    /* eigenvector, HITS */
} kg_analytics_timing;

/* What was done, recorded in every export (but seconds). */
typedef struct kg_analytics_info {
    kg_analytics_options options;
    const char *betweenness_method; /* "exact" or "sampled" (static string) */
    size_t betweenness_sources;     /* vertices used as sources */
    const char *closeness_method;   /* "exact" or "sampled" (static string) */
    size_t closeness_sources;       /* BFS sources of closeness: n when exact */
    const char *harmonic_method;    /* "exact" or "sampled" (static string) */
    size_t harmonic_sources;        /* BFS sources of harmonic: n when exact */
    const char *community_method;   /* "leiden-modularity" (static string) */
    size_t n_communities;
    double modularity;
    size_t leiden_iterations_run; /* until stable, at most options.leiden_iterations */
    kg_analytics_timing seconds;
} kg_analytics_info;

typedef struct kg_graph {
    const char *base_iri;        /* pooled or static; ends with '/' or '#' */
    const kg_resolved *data;     /* borrowed: must outlive the graph */
    kg_centrality *centrality;   /* one per entity, owned */
    size_t *community;           /* one per entity, owned: canonical community id,
                                    0 = the community whose smallest member id
                                    sorts first, and so on */
    kg_analytics_info analytics; /* how the values above were computed */
    igraph_t igraph;             /* vertex i = entity i, edge j = relation j */
} kg_graph;

/* Installs kgraph's igraph error and warning handlers (which record instead
 * of aborting) and the C attribute table.  Idempotent; called by
 * kg_graph_build, exposed for code that uses igraph directly. */
void kg_igraph_setup(void);

/* Builds the igraph network over data and computes the centralities.
 * data is borrowed.  Caller frees *out with kg_graph_free. */
kg_status kg_graph_build(kg_graph **out, const kg_resolved *data, const char *base_iri,
                         kg_error *err);

/* The same with explicit analytics options (NULL: the defaults,
 * KG_ANALYTICS_OPTIONS_INIT); KG_ERR_USAGE when an option is out of range.
 * The result depends only on data and options: same input, same numbers
 * and community ids. */
kg_status kg_graph_build_with(kg_graph **out, const kg_resolved *data, const char *base_iri,
                              const kg_analytics_options *options, kg_error *err);

/* NULL is a no-op. */
void kg_graph_free(kg_graph *graph);

/* Full IRI of entity i: base_iri + entities[i].id, written into buf.
 * Returns buf, or NULL when it does not fit. */
const char *kg_graph_iri(const kg_graph *graph, size_t i, char *buf, size_t size);

/* The fields of kg_centrality, in order, for ranking by any of them. */
typedef enum kg_measure {
    KG_MEASURE_DEGREE = 0,
    KG_MEASURE_IN_DEGREE,
    KG_MEASURE_OUT_DEGREE,
    KG_MEASURE_STRENGTH,
    KG_MEASURE_BETWEENNESS,
    KG_MEASURE_CLOSENESS,
    KG_MEASURE_HARMONIC,
    KG_MEASURE_PAGERANK,
    KG_MEASURE_EIGENVECTOR,
    KG_MEASURE_HUB,
    KG_MEASURE_AUTHORITY,
    KG_MEASURE_CORENESS,
    KG_MEASURE_COUNT
} kg_measure;

/* "degree", "in_degree", ... (the graph.json keys); NULL when out of range. */
const char *kg_measure_name(kg_measure measure);

/* Field measure of c; 0 when out of range. */
double kg_centrality_get(const kg_centrality *c, kg_measure measure);

/* Indices of the k entities with the highest value of measure (ties by id,
 * byte order), into out (k entries); returns how many were written (≤ k,
 * 0 when out of memory).  O(n log n). */
size_t kg_graph_top(const kg_graph *graph, kg_measure measure, size_t *out, size_t k);

/* kg_graph_top by PageRank. */
size_t kg_graph_top_pagerank(const kg_graph *graph, size_t *out, size_t k);

/* ---- derived views (kg_views.c) ----------------------------------------------
 *
 * Tables derived from the resolved data and the analytics, for the report
 * and for callers that want more than node scores.  Every function is
 * deterministic (rows sorted by content) and allocates its result, which the
 * caller releases with the matching _clear / free; NULL is a no-op there. */

/* An organization–organization link: two organizations that are parties to
 * the same agreement or that met.  An organization "acts" itself and
 * through every person holding a post in it, so "the head of X met the head
 * of Y" links X and Y. */
typedef struct kg_org_link {
    size_t a, b;       /* entity indices of the two organizations, a < b */
    size_t agreements; /* agreements both are party_to */
    size_t meetings;   /* met_with relations between them (or their people) */
    size_t events;     /* events both took part in (participated_in, organized) */
    size_t weight;     /* agreements + meetings + events */
} kg_org_link;

typedef struct kg_org_network {
    kg_org_link *links; /* sorted by weight (descending), then a, then b */
    size_t n_links;
} kg_org_network;

/* Fills *out from data (borrowed, only read).  Cost: the sum over
 * agreements, meetings and events of the square of their organizations.
 * Caller releases *out with kg_org_network_clear. */
kg_status kg_views_org_network(const kg_resolved *data, kg_org_network *out, kg_error *err);

void kg_org_network_clear(kg_org_network *net);

/* A person whose neighbours (over relations of any type and direction) lie
 * in two or more communities of graph->community. */
typedef struct kg_bridge {
    size_t person;        /* entity index */
    size_t n_communities; /* distinct communities among its neighbours (≥ 2) */
    size_t n_neighbours;  /* distinct neighbours */
} kg_bridge;

/* The bridging persons of graph, sorted by n_communities (descending), then
 * betweenness (descending), then id.  *out (NULL when there are none) is
 * freed by the caller with free(); *n_out receives the count. */
kg_status kg_views_bridges(const kg_graph *graph, kg_bridge **out, size_t *n_out, kg_error *err);

/* Counts for one document or one date. */
typedef struct kg_count_row {
    const char *key;  /* document id, or date as written (pooled, borrowed) */
    size_t key_len;   /* bytes of key naming the row (a date's prefix when grouped) */
    size_t documents; /* documents (1 for a document row; dated that day for a date) */
    size_t entities;  /* distinct entities mentioned in those documents */
    size_t relations; /* distinct relations with evidence in those documents */
    size_t evidence;  /* evidence records in those documents */
    size_t dated[KG_ENT_TYPE_COUNT]; /* date rows: entities (agreements, events)
                                        whose date is that day, by type */
} kg_count_row;

typedef struct kg_counts {
    kg_count_row *by_document; /* one row per document, in document order */
    size_t n_documents;
    kg_count_row *by_date; /* one row per date of a document or an entity, ascending */
    size_t n_dates;
} kg_counts;

/* Fills *out from data (borrowed: the rows point into its strings).  With
 * date_prefix > 0, dates are grouped on their first date_prefix bytes (7:
 * months of ISO 8601 dates, 4: years), each group counted once per entity
 * and relation.  Caller releases *out with kg_counts_clear. */
kg_status kg_views_counts(const kg_resolved *data, size_t date_prefix, kg_counts *out,
                          kg_error *err);

void kg_counts_clear(kg_counts *counts);

#ifdef __cplusplus
}
#endif

#endif /* KG_GRAPH_H */
