/* bench_exporters.c — throughput and peak memory of every kgraph writer on a
 * synthetic graph of at least a million triples, next to raptor2's own
 * Turtle serializer and serdi measured in the same run.
 *
 * Not a test: timings depend on the machine.  See bench/README.md for how to
 * build and run it and docs/performance.md for figures.
 *
 * Each measurement runs in a forked child, so that each has its own peak RSS
 * (VmHWM of the child, which starts with the parent's resident graph: the
 * table shows both the peak and the growth over the start).  Each writer runs
 * --repeat times; the fastest run is reported.  "triples/s" is the number of
 * RDF triples of the graph (the statements of graph.nt) over the writer's
 * time, for every writer alike, so the columns compare how fast each format
 * writes the same graph; N-Quads also shows its own quad count.
 */
#define _DEFAULT_SOURCE /* wait4 */

#include "kg_export.h"
#include "kg_graph.h"
#include "kg_model.h"

#include <errno.h>
#include <math.h>
#include <raptor2.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

/* ---- a synthetic graph ------------------------------------------------------------ */

/* Deterministic pseudo-random numbers (xorshift64*), so every run writes the
 * same bytes. */
static uint64_t rng_state = 0x9E3779B97F4A7C15u;

static uint64_t rng(void) {
    rng_state ^= rng_state >> 12;
    rng_state ^= rng_state << 25;
    rng_state ^= rng_state >> 27;
    return rng_state * 2685821657736338717u;
}

static double rng_unit(void) {
    return (double)(rng() >> 11) / 9007199254740992.0;
}

static const char *pooled(kg_strpool *pool, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 2, 3)))
#endif
    ;

static const char *pooled(kg_strpool *pool, const char *fmt, ...) {
    char buf[1024];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(buf, sizeof buf, fmt, ap);
    va_end(ap);
    const char *s = kg_strpool_cstr(pool, buf);
    if (s == NULL) {
        fprintf(stderr, "bench: out of memory\n");
        exit(1);
    }
    return s;
}

static void *xcalloc(size_t n, size_t size) {
    void *p = calloc(n == 0 ? 1 : n, size);
    if (p == NULL) {
        fprintf(stderr, "bench: out of memory\n");
        exit(1);
    }
    return p;
}

/* Entity types in the byte order of their id prefixes, so that ids minted
 * in index order are sorted as the resolver sorts them. */
static const kg_entity_type type_order[5] = {KG_ENT_AGREEMENT, KG_ENT_EVENT, KG_ENT_ORGANIZATION,
                                             KG_ENT_PERSON, KG_ENT_PLACE};
static const char *const type_prefix[5] = {"agreement", "event", "organization", "person", "place"};

static int cmp_evidence(const void *a, const void *b) {
    return kg_evidence_cmp(a, b);
}

/* n_entities entities, as many relations (one or two evidence records each)
 * and n_entities / 30 documents, with the text shapes of real output:
 * English and Russian labels, aliases, sentences with quotes, a backslash
 * and a newline to escape. */
static void make_graph(kg_strpool *pool, kg_resolved *data, size_t n_entities) {
    size_t n_docs = n_entities / 30 + 1;
    data->n_documents = n_docs;
    data->documents = xcalloc(n_docs, sizeof *data->documents);
    for (size_t d = 0; d < n_docs; d++)
        data->documents[d] = (kg_doc_info){pooled(pool, "doc-%06zu.txt", d),
                                           pooled(pool, d % 2 ? "ru" : "en"),
                                           pooled(pool, "Report number %zu", d),
                                           pooled(pool, "2024-%02zu-%02zu", d % 12 + 1, d % 28 + 1),
                                           pooled(pool, "https://news.example.org/a/%zu", d),
                                           12,
                                           4096};

    data->n_entities = n_entities;
    data->entities = xcalloc(n_entities, sizeof *data->entities);
    for (size_t i = 0; i < n_entities; i++) {
        size_t t = i * 5 / n_entities;
        kg_entity *e = &data->entities[i];
        e->type = type_order[t];
        e->id = pooled(pool, "%s/entity-%08zu-%s", type_prefix[t], i,
                       i % 3 ? "federation-of-trade-unions" : "soyuz-rabotnikov");
        e->label = pooled(pool, "Federation of Trade Unions No. %zu", i);
        e->lang = pooled(pool, "en");
        e->label_en = e->label;
        if (i % 2 == 0)
            e->label_ru = pooled(pool, "Федерация профсоюзов № %zu", i);
        e->n_aliases = 1;
        e->aliases = xcalloc(1, sizeof *e->aliases);
        e->aliases[0] = pooled(pool, "FTU-%zu", i);
        e->mentions = 1 + rng() % 9;
        e->n_documents = 1 + i % 2;
        e->documents = xcalloc(e->n_documents, sizeof *e->documents);
        size_t d0 = rng() % n_docs, d1 = (d0 + 1) % n_docs;
        e->documents[0] = data->documents[d0 < d1 || e->n_documents == 1 ? d0 : d1].id;
        if (e->n_documents == 2)
            e->documents[1] = data->documents[d0 < d1 ? d1 : d0].id;
    }

    data->n_relations = n_entities;
    data->relations = xcalloc(n_entities, sizeof *data->relations);
    for (size_t j = 0; j < data->n_relations; j++) {
        kg_relation *r = &data->relations[j];
        r->type = (kg_relation_type)(j % KG_REL_TYPE_COUNT);
        r->subject = j;
        r->object = (j * 7919 + 13) % n_entities;
        if (r->object == r->subject)
            r->object = (r->object + 1) % n_entities;
        if (r->type == KG_REL_HOLDS_POST) {
            r->role = pooled(pool, j % 2 ? "chairman" : "deputy_chairman");
            r->role_text = pooled(pool, j % 2 ? "Chairman" : "Заместитель председателя");
        }
        r->n_evidence = 1 + j % 2;
        r->evidence = xcalloc(r->n_evidence, sizeof *r->evidence);
        double keep = 1;
        for (size_t k = 0; k < r->n_evidence; k++) {
            double c = 0.5 + 0.45 * rng_unit();
            size_t d = rng() % n_docs;
            r->evidence[k] = (kg_evidence){
                data->documents[d].id,
                rng() % 12,
                100 * k,
                100 * k + 80,
                pooled(pool,
                       "The Chairman of the \"Federation of Trade Unions No. %zu\" met the head "
                       "of No. %zu in Bishkek \\ Председатель встретился с коллегами.\nline %zu",
                       r->subject, r->object, j),
                pooled(pool, "%s.rule_%zu", kg_relation_type_name(r->type), k),
                c};
            keep *= 1 - c;
        }
        qsort(r->evidence, r->n_evidence, sizeof *r->evidence, cmp_evidence);
        r->confidence = 1 - keep;
    }
}

/* The graph over data without kg_graph_build's centralities (exact
 * betweenness on a large graph would take the whole run): random values of
 * the same shape instead.  Freed with kg_graph_free. */
static kg_graph *make_kg_graph(const kg_resolved *data) {
    kg_igraph_setup();
    kg_graph *graph = xcalloc(1, sizeof *graph);
    graph->base_iri = KG_DEFAULT_BASE_IRI;
    graph->data = data;
    graph->centrality = xcalloc(data->n_entities, sizeof *graph->centrality);
    for (size_t i = 0; i < data->n_entities; i++) {
        kg_centrality *c = &graph->centrality[i];
        c->in_degree = (double)(rng() % 5);
        c->out_degree = (double)(rng() % 5);
        c->degree = c->in_degree + c->out_degree;
        c->strength = c->degree * 1.5;
        c->betweenness = rng_unit() * 1e4;
        c->closeness = rng_unit();
        c->harmonic = rng_unit();
        c->pagerank = rng_unit() / (double)data->n_entities;
        c->eigenvector = rng_unit();
    }
    igraph_vector_int_t edges;
    if (igraph_vector_int_init(&edges, (igraph_integer_t)(2 * data->n_relations)) != 0) {
        fprintf(stderr, "bench: out of memory\n");
        exit(1);
    }
    for (size_t j = 0; j < data->n_relations; j++) {
        VECTOR(edges)[2 * j] = (igraph_integer_t)data->relations[j].subject;
        VECTOR(edges)[2 * j + 1] = (igraph_integer_t)data->relations[j].object;
    }
    if (igraph_create(&graph->igraph, &edges, (igraph_integer_t)data->n_entities,
                      IGRAPH_DIRECTED) != 0) {
        fprintf(stderr, "bench: igraph_create failed\n");
        exit(1);
    }
    igraph_vector_int_destroy(&edges);
    return graph;
}

/* ---- measuring in a child ------------------------------------------------------------ */

typedef struct result {
    double seconds;     /* wall clock of the measured work */
    long rss_start_kib; /* VmRSS when the child started (the inherited graph) */
    long hwm_kib;       /* VmHWM when it finished */
    int ok;
} result;

static long proc_status_kib(const char *field) {
    FILE *f = fopen("/proc/self/status", "r");
    char line[256];
    long value = -1;
    size_t n = strlen(field);
    while (f != NULL && fgets(line, sizeof line, f) != NULL)
        if (strncmp(line, field, n) == 0 && line[n] == ':')
            value = strtol(line + n + 1, NULL, 10);
    if (f != NULL)
        fclose(f);
    return value;
}

static double now(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

typedef int (*job_fn)(const void *arg, const char *path);

/* Runs job(arg, path) in a child and returns its time and memory. */
static result run_child(job_fn job, const void *arg, const char *path) {
    result r = {0, 0, 0, 0};
    int fds[2];
    if (pipe(fds) != 0)
        return r;
    fflush(NULL);
    pid_t pid = fork();
    if (pid == 0) {
        close(fds[0]);
        result c = {0, proc_status_kib("VmRSS"), 0, 0};
        double t0 = now();
        c.ok = job(arg, path) == 0;
        c.seconds = now() - t0;
        c.hwm_kib = proc_status_kib("VmHWM");
        ssize_t w = write(fds[1], &c, sizeof c);
        _exit(w == (ssize_t)sizeof c ? 0 : 1);
    }
    close(fds[1]);
    if (pid < 0) {
        close(fds[0]);
        return r;
    }
    ssize_t got = read(fds[0], &r, sizeof r);
    close(fds[0]);
    int status = 0;
    waitpid(pid, &status, 0);
    if (got != (ssize_t)sizeof r || !WIFEXITED(status) || WEXITSTATUS(status) != 0)
        r.ok = 0;
    return r;
}

/* ---- the jobs ------------------------------------------------------------------------ */

typedef struct writer_job {
    const kg_graph *graph;
    kg_format format;
    size_t part; /* JSON: 1 for the Cytoscape.js style */
} writer_job;

/* Writes one format to path (for CSV: the directory of its two files).
 * Plain files, not kg_export_dir, so that no fsync is timed. */
static int job_writer(const void *arg, const char *path) {
    const writer_job *job = arg;
    kg_error err;
    kg_error_clear(&err);
    kg_status status = KG_OK;
    size_t n_files = kg_format_file_count(job->format);
    kg_export_options options = KG_EXPORT_OPTIONS_INIT;
    if (job->part == 1)
        options.json_style = KG_JSON_CYTOSCAPE;
    for (size_t k = 0; k < n_files && status == KG_OK; k++) {
        char file[4096];
        if (n_files > 1)
            snprintf(file, sizeof file, "%s/%s", path, kg_format_file_name(job->format, k));
        else
            snprintf(file, sizeof file, "%s", path);
        FILE *out = fopen(file, "wb");
        if (out == NULL)
            return 1;
        if (job->format == KG_FORMAT_CSV)
            status = k == 0 ? kg_export_csv_nodes(job->graph, out, &err)
                            : kg_export_csv_relationships(job->graph, out, &err);
        else
            status = kg_export_with(job->graph, job->format, &options, out, &err);
        if (fclose(out) != 0 && status == KG_OK)
            status = KG_ERR_IO;
    }
    if (status != KG_OK)
        fprintf(stderr, "bench: %s: %s\n", path, err.message);
    return status == KG_OK ? 0 : 1;
}

typedef struct raptor_job {
    const char *ntriples; /* input */
    bool serialize;       /* false: parse only */
} raptor_job;

static void on_statement(void *user, raptor_statement *statement) {
    raptor_serializer *serializer = user;
    if (serializer != NULL)
        raptor_serializer_serialize_statement(serializer, statement);
}

/* raptor2 reading graph.nt and, with serialize, writing it with its own
 * "turtle" serializer. */
static int job_raptor(const void *arg, const char *path) {
    const raptor_job *job = arg;
    raptor_world *world = raptor_new_world();
    if (world == NULL || raptor_world_open(world) != 0)
        return 1;
    raptor_parser *parser = raptor_new_parser(world, "ntriples");
    raptor_serializer *serializer = NULL;
    FILE *out = NULL;
    unsigned char *uri_string = raptor_uri_filename_to_uri_string(job->ntriples);
    raptor_uri *uri = raptor_new_uri(world, uri_string);
    raptor_uri *base = raptor_new_uri(world, (const unsigned char *)KG_DEFAULT_BASE_IRI);
    if (job->serialize) {
        serializer = raptor_new_serializer(world, "turtle");
        out = fopen(path, "wb");
        if (serializer == NULL || out == NULL)
            return 1;
        raptor_serializer_start_to_file_handle(serializer, base, out);
    }
    raptor_parser_set_statement_handler(parser, serializer, on_statement);
    int rc = raptor_parser_parse_file(parser, uri, uri);
    if (serializer != NULL) {
        raptor_serializer_serialize_end(serializer);
        raptor_free_serializer(serializer);
        fclose(out);
    }
    raptor_free_parser(parser);
    raptor_free_uri(uri);
    raptor_free_uri(base);
    raptor_free_memory(uri_string);
    raptor_free_world(world);
    return rc == 0 ? 0 : 1;
}

/* serdi reading graph.nt and writing Turtle (an external process: its own
 * peak RSS comes from wait4). */
typedef struct serdi_job {
    const char *ntriples;
    long maxrss_kib;
} serdi_job;

static result run_serdi(serdi_job *job, const char *path) {
    result r = {0, 0, 0, 0};
    double t0 = now();
    pid_t pid = fork();
    if (pid == 0) {
        FILE *out = freopen(path, "wb", stdout);
        if (out == NULL)
            _exit(127);
        execlp("serdi", "serdi", "-i", "ntriples", "-o", "turtle", job->ntriples, (char *)NULL);
        _exit(127);
    }
    if (pid < 0)
        return r;
    int status = 0;
    struct rusage usage;
    if (wait4(pid, &status, 0, &usage) < 0)
        return r;
    r.seconds = now() - t0;
    r.hwm_kib = usage.ru_maxrss;
    r.ok = WIFEXITED(status) && WEXITSTATUS(status) == 0;
    return r;
}

/* ---- the table ----------------------------------------------------------------------- */

static long file_bytes(const char *path) {
    struct stat st;
    return stat(path, &st) == 0 ? (long)st.st_size : -1;
}

/* Statements in an N-Triples or N-Quads file: lines that are not comments. */
static size_t count_statements(const char *path) {
    FILE *f = fopen(path, "r");
    size_t n = 0;
    int c, previous = '\n';
    bool comment = false;
    while (f != NULL && (c = getc(f)) != EOF) {
        if (previous == '\n')
            comment = c == '#';
        if (c == '\n' && !comment)
            n++;
        previous = c;
    }
    if (f != NULL)
        fclose(f);
    return n;
}

typedef struct row {
    char name[48];
    char file[48];
    long bytes;
    result best;
    size_t own_count; /* statements of its own, when it differs from the triples (N-Quads) */
} row;

static void print_row(const row *r, size_t triples, double raptor_seconds) {
    double s = r->best.seconds > 0 ? r->best.seconds : 1e-9;
    double mb = (double)r->bytes / 1e6;
    char growth[32] = "       -"; /* an external process has no start to grow from */
    if (r->best.rss_start_kib > 0)
        snprintf(growth, sizeof growth, "%8.1f",
                 (double)(r->best.hwm_kib - r->best.rss_start_kib) / 1024.0);
    printf("| %-30s | %-27s | %8.1f | %7.3f | %10.0f | %7.1f | %8.1f | %s | %6.1fx |\n", r->name,
           r->file, mb, r->best.seconds, (double)triples / s, mb / s,
           (double)r->best.hwm_kib / 1024.0, growth, raptor_seconds > 0 ? raptor_seconds / s : NAN);
}

static void usage(void) {
    fprintf(stderr, "usage: bench_exporters [--entities N] [--repeat R] [--out DIR]\n"
                    "  --entities N  entities and relations in the synthetic graph "
                    "(default 30000: about 1.2M triples)\n"
                    "  --repeat R    runs per writer; the fastest is reported (default 3)\n"
                    "  --out DIR     where the files go (default ./bench-out)\n"
                    "  --only FILE   run only the writer of FILE (graph.nt, ...), in this\n"
                    "                process (for a profiler), and print its time\n");
}

int main(int argc, char **argv) {
    size_t n_entities = 30000;
    int repeat = 3;
    const char *dir = "bench-out";
    const char *only = NULL; /* one writer's file name, for profiling */
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--entities") == 0 && i + 1 < argc) {
            n_entities = strtoull(argv[++i], NULL, 10);
        } else if (strcmp(argv[i], "--repeat") == 0 && i + 1 < argc) {
            repeat = atoi(argv[++i]);
        } else if (strcmp(argv[i], "--out") == 0 && i + 1 < argc) {
            dir = argv[++i];
        } else if (strcmp(argv[i], "--only") == 0 && i + 1 < argc) {
            only = argv[++i];
        } else {
            usage();
            return 2;
        }
    }
    if (n_entities < 10 || repeat < 1) {
        usage();
        return 2;
    }
    if (mkdir(dir, 0777) != 0 && errno != EEXIST) {
        fprintf(stderr, "bench: cannot create %s: %s\n", dir, strerror(errno));
        return 1;
    }

    double t0 = now();
    kg_strpool *pool = kg_strpool_new();
    kg_resolved data;
    memset(&data, 0, sizeof data);
    make_graph(pool, &data, n_entities);
    kg_graph *graph = make_kg_graph(&data);
    double build_seconds = now() - t0;
    long graph_rss = proc_status_kib("VmRSS");

    static const struct {
        const char *name, *file;
        kg_format format;
        size_t part;
    } writers[] = {
        {"kgraph Turtle", "graph.ttl", KG_FORMAT_TTL, 0},
        {"kgraph N-Triples", "graph.nt", KG_FORMAT_NT, 0},
        {"kgraph N-Quads", "graph.nq", KG_FORMAT_NQ, 0},
        {"kgraph GraphML", "graph.graphml", KG_FORMAT_GRAPHML, 0},
        {"kgraph JSON node-link", "graph.json", KG_FORMAT_JSON, 0},
        {"kgraph JSON cytoscape", "graph.cytoscape.json", KG_FORMAT_JSON, 1},
        {"kgraph CSV (both files)", "nodes.csv+relationships.csv", KG_FORMAT_CSV, 0},
    };
    size_t n_writers = sizeof writers / sizeof writers[0];
    if (only != NULL) {
        for (size_t w = 0; w < n_writers; w++) {
            if (strcmp(writers[w].file, only) != 0)
                continue;
            writer_job job = {graph, writers[w].format, writers[w].part};
            char file[4096];
            snprintf(file, sizeof file, "%s/%s", dir,
                     writers[w].format == KG_FORMAT_CSV ? "" : writers[w].file);
            double start = now();
            int rc = job_writer(&job, file);
            printf("%s: %.3f s\n", writers[w].name, now() - start);
            kg_graph_free(graph);
            kg_resolved_clear(&data);
            kg_strpool_free(pool);
            return rc;
        }
        fprintf(stderr, "bench: no writer writes %s\n", only);
        return 2;
    }
    row rows[16];
    size_t n_rows = 0;
    char path[4096], nt_path[4096];
    snprintf(nt_path, sizeof nt_path, "%s/graph.nt", dir);

    for (size_t w = 0; w < n_writers; w++) {
        row *r = &rows[n_rows++];
        memset(r, 0, sizeof *r);
        snprintf(r->name, sizeof r->name, "%s", writers[w].name);
        snprintf(r->file, sizeof r->file, "%s", writers[w].file);
        writer_job job = {graph, writers[w].format, writers[w].part};
        if (writers[w].format == KG_FORMAT_CSV)
            snprintf(path, sizeof path, "%s", dir);
        else
            snprintf(path, sizeof path, "%s/%s", dir, writers[w].file);
        for (int k = 0; k < repeat; k++) {
            result res = run_child(job_writer, &job, path);
            if (!res.ok) {
                fprintf(stderr, "bench: %s failed\n", writers[w].name);
                return 1;
            }
            if (k == 0 || res.seconds < r->best.seconds)
                r->best.seconds = res.seconds;
            if (res.hwm_kib > r->best.hwm_kib) {
                r->best.hwm_kib = res.hwm_kib;
                r->best.rss_start_kib = res.rss_start_kib;
            }
        }
        if (writers[w].format == KG_FORMAT_CSV) {
            char a[4096], b[4096];
            snprintf(a, sizeof a, "%s/nodes.csv", dir);
            snprintf(b, sizeof b, "%s/relationships.csv", dir);
            r->bytes = file_bytes(a) + file_bytes(b);
        } else {
            r->bytes = file_bytes(path);
        }
        if (writers[w].format == KG_FORMAT_NQ)
            r->own_count = count_statements(path);
    }
    size_t triples = count_statements(nt_path);

    /* raptor2: parsing alone, then parsing + its Turtle serializer. */
    raptor_job parse_job = {nt_path, false}, serialize_job = {nt_path, true};
    result parse = {0, 0, 0, 0}, serialize = {0, 0, 0, 0};
    snprintf(path, sizeof path, "%s/raptor.ttl", dir);
    for (int k = 0; k < repeat; k++) {
        result p = run_child(job_raptor, &parse_job, path);
        result s = run_child(job_raptor, &serialize_job, path);
        if (!p.ok || !s.ok) {
            fprintf(stderr, "bench: raptor2 failed on %s\n", nt_path);
            return 1;
        }
        if (k == 0 || p.seconds < parse.seconds)
            parse = p;
        if (k == 0 || s.seconds < serialize.seconds)
            serialize = s;
    }
    row *raptor_row = &rows[n_rows++];
    memset(raptor_row, 0, sizeof *raptor_row);
    snprintf(raptor_row->name, sizeof raptor_row->name, "raptor2 turtle serializer");
    snprintf(raptor_row->file, sizeof raptor_row->file, "raptor.ttl");
    raptor_row->bytes = file_bytes(path);
    raptor_row->best = serialize;
    raptor_row->best.seconds = serialize.seconds - parse.seconds;
    double raptor_seconds = raptor_row->best.seconds;

    row *parse_row = &rows[n_rows++];
    memset(parse_row, 0, sizeof *parse_row);
    snprintf(parse_row->name, sizeof parse_row->name, "raptor2 nt parse + serialize");
    snprintf(parse_row->file, sizeof parse_row->file, "raptor.ttl");
    parse_row->bytes = raptor_row->bytes;
    parse_row->best = serialize;

    serdi_job sj = {nt_path, 0};
    snprintf(path, sizeof path, "%s/serdi.ttl", dir);
    row *serdi_row = &rows[n_rows++];
    memset(serdi_row, 0, sizeof *serdi_row);
    snprintf(serdi_row->name, sizeof serdi_row->name, "serdi nt -> turtle (process)");
    snprintf(serdi_row->file, sizeof serdi_row->file, "serdi.ttl");
    for (int k = 0; k < repeat; k++) {
        result s = run_serdi(&sj, path);
        if (!s.ok) {
            fprintf(stderr, "bench: serdi failed (is it installed?)\n");
            serdi_row->best.ok = 0;
            break;
        }
        if (k == 0 || s.seconds < serdi_row->best.seconds)
            serdi_row->best = s;
    }
    serdi_row->bytes = file_bytes(path);
    serdi_row->best.rss_start_kib = 0;

    printf("kgraph bench_exporters: %zu entities, %zu relations, %zu documents; "
           "%zu triples (graph.nt); graph built in %.2f s, resident %.1f MB; best of %d\n\n",
           data.n_entities, data.n_relations, data.n_documents, triples, build_seconds,
           (double)graph_rss / 1024.0, repeat);
    printf("| %-30s | %-27s | %8s | %7s | %10s | %7s | %8s | %8s | %7s |\n", "writer", "file", "MB",
           "s", "triples/s", "MB/s", "peak MB", "+RSS MB", "vs rapt");
    printf("|%s|%s|%s|%s|%s|%s|%s|%s|%s|\n", "--------------------------------",
           "-----------------------------", "---------:", "--------:", "-----------:", "--------:",
           "---------:", "---------:", "--------:");
    for (size_t i = 0; i < n_rows; i++)
        print_row(&rows[i], triples, raptor_seconds);
    for (size_t i = 0; i < n_rows; i++)
        if (rows[i].own_count > 0)
            printf("\n%s: %zu quads, %.0f quads/s", rows[i].name, rows[i].own_count,
                   (double)rows[i].own_count / rows[i].best.seconds);
    printf("\nraptor2 N-Triples parsing alone: %.3f s (subtracted from its serializer's row; "
           "the next row is the whole run)\n",
           parse.seconds);
    printf("peak MB: VmHWM of the child (serdi: ru_maxrss of its process); +RSS MB: growth over "
           "the child's start, which holds the parent's graph (%.1f MB)\n",
           (double)graph_rss / 1024.0);

    kg_graph_free(graph);
    kg_resolved_clear(&data);
    kg_strpool_free(pool);
    return 0;
}
