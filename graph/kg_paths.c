/* kg_paths.c — the shortest-path measures of large graphs, estimated from
 * sampled source vertices: betweenness (Brandes' accumulation, on several
 * threads) and closeness and harmonic centrality (bit-parallel
 * breadth-first search).  igraph computes the exact measures of small graphs
 * (kg_graph.c); on large ones its per-source cost and its single thread
 * dominate a build, so these run on a compact adjacency array of their own.
 *
 * Every result is a function of the graph and the sources alone: the
 * betweenness sums are kept in fixed point, whose addition is associative,
 * so any number of threads, finishing in any order, gives the same bits. */
#include "kg_graph_internal.h"

#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

/* ---- the undirected adjacency ------------------------------------------------- */

typedef uint32_t vid; /* a vertex: kg_paths_supported keeps n below 2^32 */

typedef struct adjacency {
    size_t n;
    size_t *offset; /* n + 1: the neighbours of v are neighbour[offset[v] .. offset[v+1]) */
    vid *neighbour; /* one entry per end of every relation but self loops;
                       parallel relations are parallel edges */
} adjacency;

static void adjacency_free(adjacency *a) {
    free(a->offset);
    free(a->neighbour);
}

/* Builds the undirected adjacency (CSR) of data's relations, vertex v
 * numbered label[v] (label NULL: v); false when out of memory.  Neighbours
 * are in relation order, so the result is a function of data and label. */
static bool adjacency_build(const kg_resolved *data, const vid *label, adjacency *a) {
    size_t n = data->n_entities, m = data->n_relations;
    a->n = n;
    a->offset = calloc(n + 2, sizeof *a->offset);
    a->neighbour = malloc((2 * m + 1) * sizeof *a->neighbour);
    if (a->offset == NULL || a->neighbour == NULL) {
        adjacency_free(a);
        return false;
    }
    for (size_t j = 0; j < m; j++) {
        const kg_relation *r = &data->relations[j];
        if (r->subject != r->object) {
            a->offset[(label != NULL ? label[r->subject] : r->subject) + 1]++;
            a->offset[(label != NULL ? label[r->object] : r->object) + 1]++;
        }
    }
    for (size_t v = 0; v < n; v++)
        a->offset[v + 1] += a->offset[v];
    for (size_t j = 0; j < m; j++) {
        const kg_relation *r = &data->relations[j];
        if (r->subject != r->object) {
            vid s = label != NULL ? label[r->subject] : (vid)r->subject;
            vid o = label != NULL ? label[r->object] : (vid)r->object;
            a->neighbour[a->offset[s]++] = o;
            a->neighbour[a->offset[o]++] = s;
        }
    }
    for (size_t v = n; v > 0; v--) /* undo the fill's shift */
        a->offset[v] = a->offset[v - 1];
    a->offset[0] = 0;
    return true;
}

bool kg_paths_supported(size_t n_entities) {
    return n_entities < (size_t)UINT32_MAX;
}

/* ---- closeness and harmonic ------------------------------------------------------ */

typedef uint64_t source_mask; /* one bit per source of a batch */
#define KG_BFS_BATCH 64

/* Closeness and harmonic centrality of every vertex from breadth-first
 * searches (undirected, unweighted: the distances of the exact measures)
 * out of `sources` (k distinct vertices), run 64 at a time as one
 * bit-parallel BFS: each vertex keeps a 64-bit mask of the batch's sources
 * that have reached it, and a level's frontier spreads all of them over an
 * edge at once.  For vertex v and the sampled sources s ≠ v:
 *   closeness(v) = (sources reaching v) / Σ d(s, v), 0 when none;
 *   harmonic(v)  = Σ 1 / d(s, v) / (k − [v is a source]), unreachable adding 0.
 * With every vertex a source these are igraph's normalised closeness and
 * harmonic centrality.  Time O(k / 64 · D · (n + m)), D the number of
 * distinct distances from a batch's sources to a vertex (a handful on news
 * graphs), at worst O(k (n + m)); memory O(n + m): an adjacency array, two
 * vertex lists, three masks and three sums per vertex, whatever k. */
kg_status kg_graph_distance_estimates(const kg_resolved *data, const igraph_vector_int_t *sources,
                                      kg_centrality *c) {
    size_t n = data->n_entities;
    size_t k = (size_t)igraph_vector_int_size(sources);
    adjacency adj;
    if (!kg_paths_supported(n))
        return KG_ERR_GRAPH;
    if (!adjacency_build(data, NULL, &adj))
        return KG_ERR_NOMEM;
    const size_t *offset = adj.offset;
    const vid *neighbour = adj.neighbour;
    source_mask *seen = calloc(n + 1, sizeof *seen);
    source_mask *frontier = calloc(n + 1, sizeof *frontier);
    source_mask *next = calloc(n + 1, sizeof *next);
    double *reached = calloc(n + 1, sizeof *reached);   /* sources reaching v */
    double *distance = calloc(n + 1, sizeof *distance); /* Σ d(s, v) */
    double *inverse = calloc(n + 1, sizeof *inverse);   /* Σ 1 / d(s, v) */
    bool *is_source = calloc(n + 1, sizeof *is_source);
    size_t *current = malloc((n + 1) * sizeof *current); /* this level's frontier */
    size_t *touched = malloc((n + 1) * sizeof *touched); /* vertices next[] reached */
    bool ok = current != NULL && touched != NULL && seen != NULL && frontier != NULL &&
              next != NULL && reached != NULL && distance != NULL && inverse != NULL &&
              is_source != NULL;
    if (!ok)
        goto done;

    /* Level by level, over lists of the vertices concerned only, so that a
     * long path costs no more than a short one: a vertex enters the
     * frontier once per distinct distance from the batch's sources (≤ 64). */
    for (size_t b = 0; b < k; b += KG_BFS_BATCH) {
        size_t width = k - b < KG_BFS_BATCH ? k - b : KG_BFS_BATCH;
        size_t n_current = 0;
        memset(seen, 0, n * sizeof *seen);
        for (size_t j = 0; j < width; j++) {
            size_t s = (size_t)VECTOR(*sources)[(igraph_integer_t)(b + j)];
            if (frontier[s] == 0)
                current[n_current++] = s;
            seen[s] |= (source_mask)1 << j;
            frontier[s] |= (source_mask)1 << j;
            is_source[s] = true;
        }
        for (double d = 1; n_current > 0; d++) {
            /* A wide frontier is walked in vertex order (sequential memory),
             * a narrow one through the lists; both give the same sums. */
            bool dense = n_current > n / 32;
            size_t n_touched = 0;
            for (size_t i = 0; i < (dense ? n : n_current); i++) {
                size_t v = dense ? i : current[i];
                source_mask f = frontier[v];
                if (f == 0)
                    continue;
                frontier[v] = 0;
                for (size_t e = offset[v]; e < offset[v + 1]; e++) {
                    size_t u = neighbour[e];
                    if (!dense && next[u] == 0)
                        touched[n_touched++] = u;
                    next[u] |= f;
                }
            }
            n_current = 0;
            for (size_t i = 0; i < (dense ? n : n_touched); i++) {
                size_t v = dense ? i : touched[i];
                source_mask fresh = next[v] & ~seen[v];
                next[v] = 0;
                if (fresh == 0)
                    continue;
                seen[v] |= fresh;
                frontier[v] = fresh;
                current[n_current++] = v;
                double count = (double)__builtin_popcountll(fresh);
                reached[v] += count;
                distance[v] += count * d;
                inverse[v] += count / d;
            }
        }
    }

    for (size_t v = 0; v < n; v++) {
        size_t others = k - (is_source[v] ? 1 : 0);
        c[v].closeness = reached[v] > 0 ? finite_or_zero(reached[v] / distance[v]) : 0.0;
        c[v].harmonic = others > 0 ? finite_or_zero(inverse[v] / (double)others) : 0.0;
    }
done:
    adjacency_free(&adj);
    free(seen);
    free(frontier);
    free(next);
    free(reached);
    free(distance);
    free(inverse);
    free(is_source);
    free(current);
    free(touched);
    return ok ? KG_OK : KG_ERR_NOMEM;
}

/* ---- betweenness ---------------------------------------------------------------- */

/* A sum of non-negative doubles below 2^63 in fixed point: whole part and
 * 64 fraction bits.  A double below 2^63 is exact to 2^-64 whenever it is
 * at least 2^-11, and within 2^-64 otherwise, so the sum of a source's
 * dependencies is kept as exactly as double arithmetic would keep it, and
 * unlike a double sum it does not depend on the order of the terms. */
typedef struct fixed_sum {
    uint64_t whole, fraction;
} fixed_sum;

static inline void fixed_add(fixed_sum *s, double x) {
    uint64_t whole = (uint64_t)x;                                 /* x ≥ 0: truncation is floor */
    uint64_t fraction = (uint64_t)((x - (double)whole) * 0x1p64); /* exact: a power of two */
    s->fraction += fraction;
    s->whole += whole + (s->fraction < fraction ? 1 : 0);
}

static void fixed_merge(fixed_sum *s, const fixed_sum *t) {
    s->fraction += t->fraction;
    s->whole += t->whole + (s->fraction < t->fraction ? 1 : 0);
}

static double fixed_value(const fixed_sum *s) {
    return (double)s->whole + (double)s->fraction * 0x1p-64;
}

/* One thread's share of an estimate: its sum of the dependencies of the
 * sources it took.  Workers are chained so that threads may join late. */
typedef struct brandes_worker {
    fixed_sum *sum; /* n */
    struct brandes_worker *next;
} brandes_worker;

struct kg_betweenness {
    adjacency adj;
    vid *label; /* vertex → its number in adj */
    const igraph_integer_t *sources;
    size_t k;
    size_t next; /* the next source to take (atomic) */
    pthread_mutex_t mu;
    brandes_worker *workers; /* under mu */
};

/* Brandes' algorithm from each source the worker takes: a breadth-first
 * search counting shortest paths (sigma), then the dependencies (delta)
 * accumulated in reverse order of distance, walking each vertex's
 * neighbours again instead of keeping predecessor lists. */
static void brandes_run(kg_betweenness *b, brandes_worker *w) {
    const adjacency *a = &b->adj;
    size_t n = a->n;
    /* the distances are read for every edge, the rest only along shortest
     * paths: a small array of their own, and the two counts side by side */
    int32_t *dist = malloc((n + 1) * sizeof *dist);
    struct paths {
        double sigma, delta;
    } *p = calloc(n + 1, sizeof *p);
    vid *order = malloc((n + 1) * sizeof *order);
    if (dist == NULL || p == NULL || order == NULL)
        goto done; /* no source taken: the other workers take them */
    for (size_t v = 0; v < n; v++)
        dist[v] = -1;
    for (;;) {
        size_t i = __atomic_fetch_add(&b->next, 1, __ATOMIC_RELAXED);
        if (i >= b->k)
            break;
        vid s = b->label[b->sources[i]];
        size_t head = 0, tail = 0;
        order[tail++] = s;
        dist[s] = 0;
        p[s].sigma = 1.0;
        while (head < tail) {
            vid v = order[head++];
            int32_t dv = dist[v] + 1;
            double sv = p[v].sigma;
            for (size_t e = a->offset[v]; e < a->offset[v + 1]; e++) {
                vid u = a->neighbour[e];
                if (dist[u] < 0) {
                    dist[u] = dv;
                    order[tail++] = u;
                }
                if (dist[u] == dv)
                    p[u].sigma += sv;
            }
        }
        for (size_t j = tail; j-- > 1;) {
            vid u = order[j];
            int32_t du = dist[u] - 1;
            double coeff = (1.0 + p[u].delta) / p[u].sigma;
            for (size_t e = a->offset[u]; e < a->offset[u + 1]; e++) {
                vid v = a->neighbour[e];
                if (dist[v] == du)
                    p[v].delta += p[v].sigma * coeff;
            }
            fixed_add(&w->sum[u], p[u].delta);
        }
        for (size_t j = 0; j < tail; j++) {
            vid u = order[j];
            dist[u] = -1;
            p[u].sigma = p[u].delta = 0.0;
        }
    }
done:
    free(dist);
    free(p);
    free(order);
}

/* Numbers for the vertices of data in order of falling degree (ties by
 * id): the well-connected vertices, which every search reaches and whose
 * neighbours it scans, end up side by side in memory.  NULL when out of
 * memory. */
static vid *hub_labels(const kg_resolved *data) {
    size_t n = data->n_entities, max = 0;
    size_t *degree = calloc(n + 1, sizeof *degree);
    vid *label = malloc((n + 1) * sizeof *label);
    if (degree == NULL || label == NULL) {
        free(degree);
        free(label);
        return NULL;
    }
    for (size_t j = 0; j < data->n_relations; j++) {
        const kg_relation *r = &data->relations[j];
        if (r->subject != r->object) {
            degree[r->subject]++;
            degree[r->object]++;
        }
    }
    for (size_t v = 0; v < n; v++)
        max = degree[v] > max ? degree[v] : max;
    /* counting sort, falling degree: start[d] = first number of degree d */
    size_t *start = calloc(max + 2, sizeof *start);
    if (start == NULL) {
        free(degree);
        free(label);
        return NULL;
    }
    for (size_t v = 0; v < n; v++)
        start[max - degree[v] + 1]++;
    for (size_t d = 0; d <= max; d++)
        start[d + 1] += start[d];
    for (size_t v = 0; v < n; v++)
        label[v] = (vid)start[max - degree[v]]++;
    free(start);
    free(degree);
    return label;
}

kg_betweenness *kg_betweenness_new(const kg_resolved *data, const igraph_vector_int_t *sources) {
    if (!kg_paths_supported(data->n_entities))
        return NULL;
    kg_betweenness *b = calloc(1, sizeof *b);
    if (b == NULL)
        return NULL;
    if ((b->label = hub_labels(data)) == NULL || !adjacency_build(data, b->label, &b->adj)) {
        free(b->label);
        free(b);
        return NULL;
    }
    b->sources = VECTOR(*sources);
    b->k = (size_t)igraph_vector_int_size(sources);
    pthread_mutex_init(&b->mu, NULL);
    return b;
}

static void *brandes_thread(void *arg) {
    kg_betweenness_work(arg, 1);
    return NULL;
}

void kg_betweenness_work(kg_betweenness *b, size_t threads) {
    if (b == NULL || __atomic_load_n(&b->next, __ATOMIC_RELAXED) >= b->k)
        return;
    /* each thread holds about 40 bytes a vertex: no more of them than CPUs */
    if (threads == 0 || threads > kg_cpu_count())
        threads = kg_cpu_count();
    if (threads > b->k)
        threads = b->k;
    pthread_t *helper = threads > 1 ? calloc(threads, sizeof *helper) : NULL;
    size_t started = 0;
    /* the calling thread is the first of them */
    for (size_t t = 1; helper != NULL && t < threads; t++) {
        if (pthread_create(&helper[t], NULL, brandes_thread, b) != 0)
            break;
        started = t;
    }
    brandes_worker *w = calloc(1, sizeof *w);
    if (w != NULL && (w->sum = calloc(b->adj.n + 1, sizeof *w->sum)) == NULL) {
        free(w);
        w = NULL;
    }
    if (w != NULL) {
        pthread_mutex_lock(&b->mu);
        w->next = b->workers;
        b->workers = w;
        pthread_mutex_unlock(&b->mu);
        brandes_run(b, w);
    }
    for (size_t t = 1; t <= started; t++)
        pthread_join(helper[t], NULL);
    free(helper);
}

kg_status kg_betweenness_finish(kg_betweenness *b, kg_centrality *out) {
    if (b == NULL)
        return KG_ERR_NOMEM;
    size_t n = b->adj.n;
    /* a worker short of memory takes no source: the others take them all,
     * or some were never taken */
    bool failed = __atomic_load_n(&b->next, __ATOMIC_RELAXED) < b->k;
    brandes_worker *first = b->workers;
    if (!failed) {
        /* Undirected: each pair's paths are found from both ends, so the
         * sum over all sources counts them twice (halved, as igraph does);
         * the sample's sum is scaled by n / k to estimate that.  The fixed
         * point sums add up to the same bits whoever took which source. */
        double scale = b->k > 0 ? 0.5 * (double)n / (double)b->k : 0.0;
        for (size_t v = 0; v < n; v++) {
            vid l = b->label[v];
            fixed_sum total = {0, 0};
            for (const brandes_worker *w = first; w != NULL; w = w->next)
                fixed_merge(&total, &w->sum[l]);
            out[v].betweenness = fixed_value(&total) * scale;
        }
    }
    while (first != NULL) {
        brandes_worker *next = first->next;
        free(first->sum);
        free(first);
        first = next;
    }
    pthread_mutex_destroy(&b->mu);
    free(b->label);
    adjacency_free(&b->adj);
    free(b);
    return failed ? KG_ERR_NOMEM : KG_OK;
}

kg_status kg_graph_betweenness_estimates(const kg_resolved *data,
                                         const igraph_vector_int_t *sources, size_t threads,
                                         kg_centrality *out) {
    if (!kg_paths_supported(data->n_entities))
        return KG_ERR_GRAPH;
    kg_betweenness *b = kg_betweenness_new(data, sources);
    kg_betweenness_work(b, threads);
    return kg_betweenness_finish(b, out);
}
