/* cmd_report.c — `kgraph report GRAPH.json -o DIR`: the analytics report
 * (report.md and a self-contained report.html) of a graph built earlier.
 * The graph is read back, its analytics recomputed with the options the
 * file records (so the numbers are those of the build), and the report
 * written atomically.  docs/report.md describes the report. */
#include "kg_cmd.h"
#include "kg_export.h"
#include "kg_graph.h"

#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct report_cli_options {
    const char *output; /* NULL: the directory of GRAPH.json */
    kg_report_options report;
    int quiet;
} report_cli_options;

static void report_usage(FILE *out) {
    fprintf(out, "usage: kgraph report [options] GRAPH.json\n"
                 "\n"
                 "Writes the analytics report of a graph.json written by kgraph build or\n"
                 "analyze: report.md and report.html (one self-contained page: the network\n"
                 "drawn, top entities by each centrality, leaders, agreements, communities,\n"
                 "the entity-resolution audit, corpus statistics, and the evidence of every\n"
                 "fact).  The analytics are recomputed with the seed and options the file\n"
                 "records.\n"
                 "\n"
                 "options:\n"
                 "  -o, --output DIR     where to write (created if needed; default: the\n"
                 "                       directory of GRAPH.json)\n"
                 "  -n, --top N          rows of each centrality table (default 10)\n"
                 "      --max-rows N     rows of the other tables (default 100)\n"
                 "      --max-nodes N    nodes drawn, by PageRank (default 300)\n"
                 "      --labels N       drawn nodes that get a label (default 25)\n"
                 "      --color type|community  node colour in the drawing (default type)\n"
                 "      --title TEXT     the report's title\n"
                 "  -q, --quiet          do not list the files written\n"
                 "  -h, --help           this help\n"
                 "  -V, --version        print the version\n"
                 "\n"
                 "exit status: 0 success, 1 runtime or input error, 2 usage error\n");
}

/* A count option from min to max into *out, else a message. */
static int parse_count(const char *option, const char *arg, size_t min, size_t max, size_t *out) {
    char *end = NULL;
    long long v = arg[0] >= '0' && arg[0] <= '9' ? strtoll(arg, &end, 10) : -1;
    if (v < (long long)min || v > (long long)max || end == NULL || *end != '\0') {
        fprintf(stderr, "kgraph: error: %s must be a whole number from %zu to %zu, not '%s'\n",
                option, min, max, arg);
        return KG_EXIT_USAGE;
    }
    *out = (size_t)v;
    return KG_EXIT_OK;
}

enum { OPT_MAX_ROWS = 0x200, OPT_MAX_NODES, OPT_LABELS, OPT_COLOR, OPT_TITLE };

static int parse_options(int argc, char **argv, report_cli_options *opt, int *first_input) {
    static const struct option longopts[] = {{"output", required_argument, NULL, 'o'},
                                             {"top", required_argument, NULL, 'n'},
                                             {"max-rows", required_argument, NULL, OPT_MAX_ROWS},
                                             {"max-nodes", required_argument, NULL, OPT_MAX_NODES},
                                             {"labels", required_argument, NULL, OPT_LABELS},
                                             {"color", required_argument, NULL, OPT_COLOR},
                                             {"title", required_argument, NULL, OPT_TITLE},
                                             {"quiet", no_argument, NULL, 'q'},
                                             {"help", no_argument, NULL, 'h'},
                                             {"version", no_argument, NULL, 'V'},
                                             {NULL, 0, NULL, 0}};
    kg_error err;
    int c, rc = KG_EXIT_OK;
    opt->output = NULL;
    opt->report = (kg_report_options)KG_REPORT_OPTIONS_INIT;
    opt->quiet = 0;
    optind = 1;
    opterr = 0;
    while ((c = getopt_long(argc, argv, ":o:n:qhV", longopts, NULL)) != -1) {
        switch (c) {
        case 'o':
            opt->output = optarg;
            break;
        case 'n':
            rc = parse_count("--top", optarg, 1, 1000, &opt->report.top_k);
            break;
        case OPT_MAX_ROWS:
            rc = parse_count("--max-rows", optarg, 1, 1000000, &opt->report.max_rows);
            break;
        case OPT_MAX_NODES:
            rc = parse_count("--max-nodes", optarg, 1, 5000, &opt->report.max_drawn);
            break;
        case OPT_LABELS:
            rc = parse_count("--labels", optarg, 0, 5000, &opt->report.max_labels);
            break;
        case OPT_COLOR:
            kg_error_clear(&err);
            if (kg_report_color_parse(optarg, &opt->report.color, &err) != KG_OK) {
                kg_cmd_report("error", &err);
                rc = KG_EXIT_USAGE;
            }
            break;
        case OPT_TITLE:
            opt->report.title = optarg;
            break;
        case 'q':
            opt->quiet = 1;
            break;
        default:
            return kg_cmd_common_option(c, argv, report_usage);
        }
        if (rc != KG_EXIT_OK)
            return rc;
    }
    if (optind != argc - 1) {
        fprintf(stderr, "kgraph: error: %s\n",
                optind >= argc ? "no GRAPH.json given" : "give exactly one GRAPH.json");
        report_usage(stderr);
        return KG_EXIT_USAGE;
    }
    if (opt->output != NULL && strcmp(opt->output, "-") == 0) {
        fprintf(stderr, "kgraph: error: the report is two files: give -o DIR, not -o -\n");
        return KG_EXIT_USAGE;
    }
    *first_input = optind;
    return KG_EXIT_OK;
}

kg_status kg_cmd_write_report(const kg_graph *graph, const char *dir,
                              const kg_report_options *options, kg_cmd_paths *written,
                              kg_error *err) {
    static const char *const names[] = {"report.md", "report.html"};
    kg_status st = kg_report_write(graph, dir, options, err);
    for (size_t k = 0; k < 2 && st == KG_OK; k++) {
        size_t n = strlen(dir) + strlen(names[k]) + 2;
        char *path = malloc(n);
        if (path == NULL || written->n == sizeof written->path / sizeof *written->path) {
            free(path);
            return kg_error_set(err, KG_ERR_NOMEM, NULL, 0, 0, "out of memory");
        }
        snprintf(path, n, "%s/%s", dir, names[k]);
        written->path[written->n++] = path;
    }
    return st;
}

int kg_cmd_report_run(int argc, char **argv) {
    report_cli_options opt;
    int first = 0;
    int rc = parse_options(argc, argv, &opt, &first);
    if (rc != KG_EXIT_OK)
        return rc < 0 ? KG_EXIT_OK : rc;

    kg_error err;
    kg_error_clear(&err);
    kg_status st = KG_OK;
    kg_cmd_loaded loaded = {0};
    kg_cmd_paths written = {{NULL}, 0};
    char *dir = NULL;
    const char *path = argv[first];

    if (opt.output != NULL) {
        dir = strdup(opt.output);
    } else {
        /* beside the graph */
        const char *slash = strrchr(path, '/');
        dir =
            slash == NULL ? strdup(".") : strndup(path, slash == path ? 1 : (size_t)(slash - path));
    }
    if (dir == NULL) {
        st = KG_ERR_NOMEM;
        goto cleanup;
    }
    if ((st = kg_cmd_load_graph(path, &loaded, NULL, NULL, &err)) != KG_OK ||
        (st = kg_cmd_make_dirs(dir, &err)) != KG_OK ||
        (st = kg_cmd_write_report(loaded.graph, dir, &opt.report, &written, &err)) != KG_OK)
        goto cleanup;
    if (!opt.quiet) {
        kg_cmd_print_written(&written);
    }

cleanup:
    rc = kg_cmd_finish(st, &err); /* reported before anything is freed */
    kg_cmd_paths_clear(&written);
    kg_cmd_loaded_free(&loaded);
    free(dir);
    return rc;
}
