/* timings.c — `--timings`: the wall-clock and CPU seconds of each step of a
 * run, printed on stderr at the end, so that a user can see where the time
 * of a large build goes (and bench/run can show it). */
#include "kg_cmd.h"

#include <string.h>
#include <sys/resource.h>
#include <time.h>

static double clock_seconds(clockid_t id) {
    struct timespec ts;
    clock_gettime(id, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

void kg_cmd_timings_start(kg_cmd_timings *t) {
    if (t == NULL || !t->enabled)
        return;
    t->n = 0;
    t->start_wall = t->mark_wall = clock_seconds(CLOCK_MONOTONIC);
    t->start_cpu = t->mark_cpu = clock_seconds(CLOCK_PROCESS_CPUTIME_ID);
}

/* Peak resident set of the process so far, in MB (Linux: ru_maxrss in KB). */
static double peak_mb(void) {
    struct rusage ru;
    return getrusage(RUSAGE_SELF, &ru) == 0 ? (double)ru.ru_maxrss / 1024.0 : 0.0;
}

static void add_step(kg_cmd_timings *t, const char *what, double wall, double cpu, int sub) {
    if (t->n == sizeof t->step / sizeof *t->step)
        return;
    kg_cmd_step *s = &t->step[t->n++];
    snprintf(s->what, sizeof s->what, "%s", what);
    s->wall = wall;
    s->cpu = cpu;
    s->peak_mb = peak_mb();
    s->sub = sub;
}

void kg_cmd_timings_mark(kg_cmd_timings *t, const char *what) {
    if (t == NULL || !t->enabled)
        return;
    double wall = clock_seconds(CLOCK_MONOTONIC), cpu = clock_seconds(CLOCK_PROCESS_CPUTIME_ID);
    add_step(t, what, wall - t->mark_wall, cpu - t->mark_cpu, 0);
    t->mark_wall = wall;
    t->mark_cpu = cpu;
}

void kg_cmd_timings_part(kg_cmd_timings *t, const char *what, double seconds) {
    if (t == NULL || !t->enabled)
        return;
    add_step(t, what, seconds, -1.0, 1);
}

void kg_cmd_timings_resolve(kg_cmd_timings *t, const kg_resolver *resolver) {
    if (t == NULL || !t->enabled || resolver == NULL)
        return;
    kg_resolve_stats stats;
    kg_resolver_stats(resolver, &stats);
    add_step(t, "names, features", stats.seconds.nodes, -1.0, 1);
    add_step(t, "blocking keys", stats.seconds.keys, -1.0, 1);
    add_step(t, "pairs scored, clusters", stats.seconds.links, -1.0, 1);
    add_step(t, "entities, ids, merges", stats.seconds.entities, -1.0, 1);
    add_step(t, "relations, evidence", stats.seconds.relations, -1.0, 1);
    add_step(t, "documents", stats.seconds.documents, -1.0, 1);
}

void kg_cmd_timings_analytics(kg_cmd_timings *t, const kg_graph *graph) {
    if (t == NULL || !t->enabled || graph == NULL)
        return;
    const kg_analytics_info *a = &graph->analytics;
    add_step(t, "network, degree, PageRank", a->seconds.network, -1.0, 1);
    add_step(t,
             a->betweenness_method != NULL && strcmp(a->betweenness_method, "exact") == 0
                 ? "betweenness (exact)"
                 : "betweenness (sampled)",
             a->seconds.betweenness, -1.0, 1);
    add_step(t, "closeness, harmonic", a->seconds.distances, -1.0, 1);
    char what[48];
    snprintf(what, sizeof what, "coreness, Leiden (%zu iter.)", a->leiden_iterations_run);
    add_step(t, what, a->seconds.communities, -1.0, 1);
    add_step(t, "eigenvector, HITS", a->seconds.spectral, -1.0, 1);
}

void kg_cmd_timings_print(const kg_cmd_timings *t) {
    if (t == NULL || !t->enabled)
        return;
    double wall = 0, cpu = 0;
    fprintf(stderr, "kgraph: timings (transparent huge pages: %s)\n  %-32s %9s %9s %9s\n",
            kg_cmd_huge_pages(), "step", "wall s", "CPU s", "peak MB");
    for (size_t i = 0; i < t->n; i++) {
        const kg_cmd_step *s = &t->step[i];
        if (s->sub) /* parts: wall clock only (some run on several threads) */
            fprintf(stderr, "    %-30s %9.3f\n", s->what, s->wall);
        else
            fprintf(stderr, "  %-32s %9.3f %9.3f %9.0f\n", s->what, s->wall, s->cpu, s->peak_mb);
        if (!s->sub) {
            wall += s->wall;
            cpu += s->cpu;
        }
    }
    fprintf(stderr, "  %-32s %9.3f %9.3f %9.0f\n", "total", wall, cpu, peak_mb());
}
