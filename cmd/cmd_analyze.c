/* cmd_analyze.c — `kgraph analyze GRAPH.json`: the network analytics of a
 * graph built earlier, recomputed with the options given (by default the
 * ones the file records) and either written out as files or summarised on
 * standard output.  docs/analytics.md defines the measures. */
#include "kg_cmd.h"
#include "kg_export.h"
#include "kg_graph.h"

#include <getopt.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct analyze_options {
    const char *output; /* NULL: summary on stdout */
    unsigned formats;
    bool formats_given;
    kg_export_options export;
    bool style_given;
    kg_analytics_options analytics;
    bool seed_given, samples_given, exact_max_given;
    size_t top;
    int quiet;
} analyze_options;

static void analyze_usage(FILE *out) {
    fprintf(out, "usage: kgraph analyze [options] GRAPH.json\n"
                 "\n"
                 "Recomputes the network analytics (centralities, k-cores, Leiden communities)\n"
                 "of a graph.json written by kgraph build.  Options not given keep the values\n"
                 "recorded in the file, so the same options reproduce the same file.  Without\n"
                 "-o, prints the top entities by each measure and the communities.\n"
                 "\n"
                 "options:\n"
                 "  -o, --output DIR     write the files into DIR (created if needed); - for\n"
                 "                       standard output (one format)\n"
                 "  -f, --format LIST    comma list of ttl,nt,nq,graphml,json,csv (default json)\n"
                 "      --json-style STYLE  node-link or cytoscape (default: the "
                 "file's)\n" KG_CMD_ANALYTICS_HELP
                 "      --threads N      threads of sampled betweenness and of the writing\n"
                 "                       (default: one per online CPU); the same output for any N\n"
                 "  -n, --top N          entities per measure in the summary (default 5)\n"
                 "  -q, --quiet          with -o, do not list the files written\n"
                 "  -h, --help           this help\n"
                 "  -V, --version        print the version\n"
                 "\n"
                 "exit status: 0 success, 1 runtime or input error, 2 usage error\n");
}

static int parse_options(int argc, char **argv, analyze_options *opt, int *first_input) {
    static const struct option longopts[] = {{"output", required_argument, NULL, 'o'},
                                             {"format", required_argument, NULL, 'f'},
                                             {"json-style", required_argument, NULL, 'j'},
                                             {"top", required_argument, NULL, 'n'},
                                             {"quiet", no_argument, NULL, 'q'},
                                             {"help", no_argument, NULL, 'h'},
                                             {"version", no_argument, NULL, 'V'},
                                             KG_CMD_ANALYTICS_LONGOPTS,
                                             {"threads", required_argument, NULL, KG_OPT_THREADS},
                                             {NULL, 0, NULL, 0}};
    kg_error err;
    int c, rc;
    memset(opt, 0, sizeof *opt);
    opt->formats = KG_FORMAT_JSON;
    opt->export = (kg_export_options)KG_EXPORT_OPTIONS_INIT;
    opt->analytics = (kg_analytics_options)KG_ANALYTICS_OPTIONS_INIT;
    opt->top = 5;
    optind = 1;
    opterr = 0;
    while ((c = getopt_long(argc, argv, ":o:f:n:qhV", longopts, NULL)) != -1) {
        switch (c) {
        case 'o':
            opt->output = optarg;
            break;
        case 'f':
            kg_error_clear(&err);
            if (kg_format_parse_list(optarg, &opt->formats, &err) != KG_OK) {
                kg_cmd_report("error", &err);
                return KG_EXIT_USAGE;
            }
            opt->formats_given = true;
            break;
        case 'j':
            kg_error_clear(&err);
            if (kg_json_style_parse(optarg, &opt->export.json_style, &err) != KG_OK) {
                kg_cmd_report("error", &err);
                return KG_EXIT_USAGE;
            }
            opt->style_given = true;
            break;
        case 'n': {
            char *end = NULL;
            long top = strtol(optarg, &end, 10);
            if (end == optarg || *end != '\0' || top < 1 || top > 1000) {
                fprintf(stderr, "kgraph: error: --top must be from 1 to 1000, not '%s'\n", optarg);
                return KG_EXIT_USAGE;
            }
            opt->top = (size_t)top;
            break;
        }
        case 'q':
            opt->quiet = 1;
            break;
        case KG_OPT_SEED:
        case KG_OPT_BETWEENNESS_SAMPLES:
        case KG_OPT_BETWEENNESS_EXACT_MAX:
        case KG_OPT_BETWEENNESS_BUDGET:
            if ((rc = kg_cmd_analytics_option(c, optarg, &opt->analytics)) != KG_EXIT_OK)
                return rc;
            opt->seed_given |= c == KG_OPT_SEED;
            opt->samples_given |= c == KG_OPT_BETWEENNESS_SAMPLES;
            opt->exact_max_given |= c == KG_OPT_BETWEENNESS_EXACT_MAX;
            break;
        case KG_OPT_THREADS:
            if (kg_cmd_parse_threads(optarg, &opt->analytics.threads) != KG_EXIT_OK)
                return KG_EXIT_USAGE;
            break;
        default:
            return kg_cmd_common_option(c, argv, analyze_usage);
        }
    }
    if (optind != argc - 1) {
        fprintf(stderr, "kgraph: error: %s\n",
                optind >= argc ? "no GRAPH.json given" : "give exactly one GRAPH.json");
        analyze_usage(stderr);
        return KG_EXIT_USAGE;
    }
    if (opt->output == NULL && (opt->formats_given || opt->style_given)) {
        fprintf(stderr, "kgraph: error: -f and --json-style choose files to write: give -o DIR\n");
        return KG_EXIT_USAGE;
    }
    if (opt->output != NULL && kg_cmd_check_output(opt->output, opt->formats) != KG_EXIT_OK)
        return KG_EXIT_USAGE;
    *first_input = optind;
    return KG_EXIT_OK;
}

/* The options recorded in the file, overridden by those given
 * (kg_cmd_load_graph's adjust; ctx is the analyze_options). */
static void merge_options(void *ctx, const kg_import_info *info, kg_analytics_options *options) {
    analyze_options *opt = ctx;
    const kg_analytics_options *given = &opt->analytics;
    if (opt->seed_given)
        options->seed = given->seed;
    if (opt->samples_given)
        options->betweenness_samples = given->betweenness_samples;
    if (opt->exact_max_given)
        options->betweenness_exact_max = given->betweenness_exact_max;
    /* not recorded: the ones given, or the defaults */
    options->betweenness_budget = given->betweenness_budget;
    options->threads = given->threads;
    if (!opt->style_given)
        opt->export.json_style = info->json_style;
}

static void print_summary(const kg_graph *g, const char *path, size_t top) {
    const kg_resolved *d = g->data;
    const kg_analytics_info *a = &g->analytics;
    size_t *rank = malloc((top > 0 ? top : 1) * sizeof *rank);
    size_t *sizes = calloc(a->n_communities + 1, sizeof *sizes);
    size_t *order = malloc((a->n_communities + 1) * sizeof *order);
    if (rank == NULL || sizes == NULL || order == NULL) {
        fprintf(stderr, "kgraph: error: out of memory\n");
        goto done;
    }
    printf("%s: %zu entities, %zu relations, %zu documents\n", path, d->n_entities, d->n_relations,
           d->n_documents);
    printf("betweenness: %s, %zu source%s; seed %lu\n", a->betweenness_method,
           a->betweenness_sources, a->betweenness_sources == 1 ? "" : "s", a->options.seed);
    printf("communities: %zu (%s, %zu iterations, resolution %g), modularity %.4f\n",
           a->n_communities, a->community_method, a->leiden_iterations_run,
           a->options.leiden_resolution, a->modularity);
    for (int m = 0; m < KG_MEASURE_COUNT; m++) {
        size_t n = kg_graph_top(g, (kg_measure)m, rank, top);
        if (n == 0)
            continue;
        printf("\ntop %zu by %s:\n", n, kg_measure_name((kg_measure)m));
        for (size_t i = 0; i < n; i++) {
            const kg_entity *e = &d->entities[rank[i]];
            printf("  %2zu. %12.6g  %s (%s)\n", i + 1,
                   kg_centrality_get(&g->centrality[rank[i]], (kg_measure)m), e->label,
                   kg_entity_type_name(e->type));
        }
    }
    /* Communities by size (ties by id), each with its first members in
     * entity order. */
    for (size_t i = 0; i < d->n_entities; i++)
        sizes[g->community[i]]++;
    for (size_t c = 0; c < a->n_communities; c++)
        order[c] = c;
    for (size_t c = 1; c < a->n_communities; c++) /* insertion sort: stable, small */
        for (size_t k = c; k > 0 && sizes[order[k]] > sizes[order[k - 1]]; k--) {
            size_t t = order[k];
            order[k] = order[k - 1];
            order[k - 1] = t;
        }
    if (a->n_communities > 0)
        printf("\ncommunities (largest first):\n");
    for (size_t k = 0; k < a->n_communities && k < top * 2; k++) {
        size_t c = order[k], shown = 0;
        printf("  %4zu  %4zu member%s:", c, sizes[c], sizes[c] == 1 ? " " : "s");
        for (size_t i = 0; i < d->n_entities && shown < 4; i++)
            if (g->community[i] == c)
                printf("%s %s", shown++ == 0 ? "" : ",", d->entities[i].label);
        printf("%s\n", sizes[c] > shown ? ", ..." : "");
    }
    if (a->n_communities > top * 2)
        printf("  ... and %zu more\n", a->n_communities - top * 2);
done:
    free(rank);
    free(sizes);
    free(order);
}

int kg_cmd_analyze(int argc, char **argv) {
    analyze_options opt;
    int first = 0;
    int rc = parse_options(argc, argv, &opt, &first);
    if (rc != KG_EXIT_OK)
        return rc < 0 ? KG_EXIT_OK : rc;

    kg_error err;
    kg_error_clear(&err);
    kg_cmd_loaded loaded;
    kg_cmd_paths written = {{NULL}, 0};
    const char *path = argv[first];

    kg_status st = kg_cmd_load_graph(path, &loaded, merge_options, &opt, &err);
    if (st != KG_OK)
        goto cleanup;
    if (opt.output == NULL) {
        print_summary(loaded.graph, path, opt.top);
        goto cleanup;
    }
    if ((st = kg_cmd_write_outputs(loaded.graph, opt.formats, &opt.export, opt.output,
                                   opt.analytics.threads, &written, NULL, &err)) != KG_OK)
        goto cleanup;
    if (!opt.quiet && strcmp(opt.output, "-") != 0) {
        kg_cmd_print_written(&written);
    }

cleanup:
    rc = kg_cmd_finish(st, &err); /* reported before anything is freed */
    kg_cmd_paths_clear(&written);
    kg_cmd_loaded_free(&loaded);
    return rc;
}
