/* cmd_build.c — `kgraph build`: documents → facts → resolved entities →
 * igraph network with centralities → Turtle, GraphML and JSON files.
 *
 * Documents are streamed: each is extracted and handed to the resolver, then
 * dropped, so memory follows the size of the graph, not of the corpus. */
#include "kg_cmd.h"
#include "kg_export.h"
#include "kg_extract.h"
#include "kg_graph.h"
#include "kg_resolve.h"

#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

typedef struct build_options {
    const char *output;
    unsigned formats;
    kg_export_options export; /* --json-style */
    const char *base_iri;
    const char *lang; /* NULL: auto */
    int quiet;
    const char **rules, **lexicons; /* --rules / --lexicon files, in order */
    size_t n_rules, n_lexicons;
    const char **alias_files; /* --aliases files, in order */
    size_t n_alias_files;
    const char *explain;            /* --explain NAME, or NULL */
    size_t threads;                 /* --threads (0: one per online CPU) */
    kg_analytics_options analytics; /* --seed, --betweenness-* */
    kg_progress_mode progress;
    kg_cmd_input_options input; /* limits, --on-error */
    int report;                 /* --report */
    int timings;                /* --timings */
} build_options;

static void build_usage(FILE *out) {
    fprintf(out,
            "usage: kgraph build [options] INPUT...\n"
            "\n"
            "Reads news articles, extracts organisations, people, agreements, events and\n"
            "places with the relations between them, merges them across documents, ranks\n"
            "them by centrality and writes the knowledge graph.\n"
            "\n"
            "INPUT is a file, a directory (searched recursively for *.txt, *.md, *.jsonl,\n"
            "*.facts.jsonl and *.facts.json) or - for standard input.  JSON Lines: one\n"
            "{\"id\", \"text\", \"title\"?, \"date\"?, \"lang\"?, \"url\"?} object per line.\n"
            "Facts (*.facts.jsonl from kgraph extract, or *.json in the gold format, see\n"
            "docs/facts.md) go to the resolver as they are.\n"
            "\n"
            "options:\n"
            "  -o, --output DIR     output directory (default ./kgraph-out)\n"
            "  -f, --format LIST    comma list of ttl,nt,nq,graphml,json,csv (default:\n"
            "                       ttl,graphml,json); with -o - one of them but csv\n"
            "      --json-style STYLE  node-link (default) or cytoscape: the shape of graph.json\n"
            "      --base-iri IRI   base for minted IRIs (default %s)\n"
            "      --lang auto|en|ru  language of plain-text inputs (default auto, per document)\n"
            "      --rules FILE     add extraction rules (JSON, docs/rules.md); repeatable\n"
            "      --lexicon FILE   add word-list entries (JSON, docs/rules.md); repeatable\n"
            "      --aliases FILE   force merges and splits of entities (JSON,\n"
            "                       docs/resolution.md); repeatable\n"
            "      --explain NAME   print how the entities named NAME were "
            "resolved\n" KG_CMD_ANALYTICS_HELP KG_CMD_INPUT_HELP
            "      --threads N      threads of the extraction, the resolution, sampled\n"
            "                       betweenness and the writing of the formats (default:\n"
            "                       one per online CPU);\n"
            "                       the output is the same for any N\n"
            "      --progress, --no-progress  show (or never show) progress on stderr (default:\n"
            "                       when stderr is a terminal and the run takes over a second)\n"
            "      --report         also write report.md and report.html, the analytics\n"
            "                       report (docs/report.md)\n"
            "      --timings        print the wall-clock and CPU seconds of each step on\n"
            "                       stderr (docs/performance.md)\n"
            "  -q, --quiet          no summary\n"
            "  -h, --help           this help\n"
            "  -V, --version        print the version\n"
            "\n"
            "exit status: 0 success, 1 runtime or input error, 2 usage error\n",
            KG_DEFAULT_BASE_IRI);
}

static int parse_options(int argc, char **argv, build_options *opt, int *first_input) {
    static const struct option longopts[] = {{"output", required_argument, NULL, 'o'},
                                             {"format", required_argument, NULL, 'f'},
                                             {"base-iri", required_argument, NULL, 'b'},
                                             {"lang", required_argument, NULL, 'l'},
                                             {"rules", required_argument, NULL, 'r'},
                                             {"lexicon", required_argument, NULL, 'x'},
                                             {"quiet", no_argument, NULL, 'q'},
                                             {"help", no_argument, NULL, 'h'},
                                             {"version", no_argument, NULL, 'V'},
                                             {"json-style", required_argument, NULL, 'j'},
                                             {"aliases", required_argument, NULL, 'A'},
                                             {"explain", required_argument, NULL, 'E'},
                                             {"threads", required_argument, NULL, KG_OPT_THREADS},
                                             KG_CMD_ANALYTICS_LONGOPTS,
                                             {"progress", no_argument, NULL, KG_OPT_PROGRESS},
                                             {"no-progress", no_argument, NULL, KG_OPT_NO_PROGRESS},
                                             {"report", no_argument, NULL, 'R'},
                                             {"timings", no_argument, NULL, 'T'},
                                             KG_CMD_INPUT_LONGOPTS,
                                             {NULL, 0, NULL, 0}};
    opt->output = "kgraph-out";
    opt->formats = KG_FORMAT_ALL;
    opt->export = (kg_export_options)KG_EXPORT_OPTIONS_INIT;
    opt->base_iri = KG_DEFAULT_BASE_IRI;
    opt->lang = NULL;
    opt->quiet = 0;
    opt->n_rules = opt->n_lexicons = 0;
    opt->n_alias_files = 0;
    opt->explain = NULL;
    opt->threads = 0;
    opt->analytics = (kg_analytics_options)KG_ANALYTICS_OPTIONS_INIT;
    opt->progress = KG_PROGRESS_AUTO;
    opt->input = (kg_cmd_input_options)KG_CMD_INPUT_OPTIONS_INIT;
    opt->report = 0;
    opt->timings = 0;
    optind = 1;
    opterr = 0;
    int c;
    kg_error err;
    while ((c = getopt_long(argc, argv, ":o:f:qhV", longopts, NULL)) != -1) {
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
            break;
        case 'j':
            kg_error_clear(&err);
            if (kg_json_style_parse(optarg, &opt->export.json_style, &err) != KG_OK) {
                kg_cmd_report("error", &err);
                return KG_EXIT_USAGE;
            }
            break;
        case 'b':
            opt->base_iri = optarg;
            break;
        case 'l':
            if (kg_cmd_parse_lang(optarg, &opt->lang) != KG_EXIT_OK)
                return KG_EXIT_USAGE;
            break;
        case 'q':
            opt->quiet = 1;
            break;
        case 'r':
        case 'x':
            /* argv outlives the options: keep pointers into it */
            if (c == 'r')
                opt->rules[opt->n_rules++] = optarg;
            else
                opt->lexicons[opt->n_lexicons++] = optarg;
            break;
        case 'A':
            opt->alias_files[opt->n_alias_files++] = optarg;
            break;
        case 'E':
            opt->explain = optarg;
            break;
        case 'R':
            opt->report = 1;
            break;
        case 'T':
            opt->timings = 1;
            break;
        case KG_OPT_THREADS:
            if (kg_cmd_parse_threads(optarg, &opt->threads) != KG_EXIT_OK)
                return KG_EXIT_USAGE;
            break;
        case KG_OPT_SEED:
        case KG_OPT_BETWEENNESS_SAMPLES:
        case KG_OPT_BETWEENNESS_EXACT_MAX:
        case KG_OPT_BETWEENNESS_BUDGET:
            if (kg_cmd_analytics_option(c, optarg, &opt->analytics) != KG_EXIT_OK)
                return KG_EXIT_USAGE;
            break;
        case KG_OPT_PROGRESS:
        case KG_OPT_NO_PROGRESS:
            opt->progress = c == KG_OPT_PROGRESS ? KG_PROGRESS_ON : KG_PROGRESS_OFF;
            break;
        case KG_OPT_MAX_DOC_BYTES:
        case KG_OPT_MAX_SENTENCE_TOKENS:
        case KG_OPT_MAX_ENTITIES:
        case KG_OPT_ON_ERROR:
            if (kg_cmd_input_option(c, optarg, &opt->input) != KG_EXIT_OK)
                return KG_EXIT_USAGE;
            break;
        default:
            /* --help, --version, a missing value, an unknown option */
            return kg_cmd_common_option(c, argv, build_usage);
        }
    }
    if (optind >= argc) {
        fprintf(stderr, "kgraph: error: no INPUT given\n");
        build_usage(stderr);
        return KG_EXIT_USAGE;
    }
    size_t blen = strlen(opt->base_iri);
    if (blen == 0 || strchr(opt->base_iri, ':') == NULL ||
        (opt->base_iri[blen - 1] != '/' && opt->base_iri[blen - 1] != '#')) {
        fprintf(stderr,
                "kgraph: error: --base-iri must be an absolute IRI ending in '/' or '#', "
                "not '%s'\n",
                opt->base_iri);
        return KG_EXIT_USAGE;
    }
    /* -o - writes one stream: exactly one format, and not the two CSV files. */
    if (kg_cmd_check_output(opt->output, opt->formats) != KG_EXIT_OK)
        return KG_EXIT_USAGE;
    if (opt->report && strcmp(opt->output, "-") == 0) {
        fprintf(stderr, "kgraph: error: --report writes two files: give -o DIR, not -o -\n");
        return KG_EXIT_USAGE;
    }
    *first_input = optind;
    return KG_EXIT_OK;
}

/* Each document's facts go to the resolver, in input order. */
static kg_status resolve_facts(void *ctx, const kg_doc_facts *facts, kg_error *err) {
    (void)err;
    return kg_resolver_add(ctx, facts);
}

static void print_summary(const kg_graph *g, size_t n_docs, size_t bytes, double seconds,
                          const kg_cmd_paths *written) {
    const kg_resolved *d = g->data;
    size_t by_type[KG_ENT_TYPE_COUNT] = {0}, by_rel[KG_REL_TYPE_COUNT] = {0};
    for (size_t i = 0; i < d->n_entities; i++)
        by_type[d->entities[i].type]++;
    for (size_t i = 0; i < d->n_relations; i++)
        by_rel[d->relations[i].type]++;
    printf("kgraph: read %zu document%s (%.1f KB) in %.2f s\n", n_docs, n_docs == 1 ? "" : "s",
           (double)bytes / 1024.0, seconds);
    printf("entities: %zu", d->n_entities);
    for (int t = 0; t < KG_ENT_TYPE_COUNT; t++)
        printf("%s%s %zu", t == 0 ? " (" : ", ", kg_entity_type_name((kg_entity_type)t),
               by_type[t]);
    printf(")\nrelations: %zu", d->n_relations);
    int first = 1;
    for (int t = 0; t < KG_REL_TYPE_COUNT; t++) {
        if (by_rel[t] == 0)
            continue;
        printf("%s%s %zu", first ? " (" : ", ", kg_relation_type_name((kg_relation_type)t),
               by_rel[t]);
        first = 0;
    }
    printf("%s\n", first ? "" : ")");
    size_t top[5];
    size_t n = kg_graph_top_pagerank(g, top, 5);
    if (n > 0)
        printf("top entities by PageRank:\n");
    for (size_t i = 0; i < n; i++) {
        const kg_entity *e = &d->entities[top[i]];
        printf("  %zu. %s (%s) %.4f\n", i + 1, e->label, kg_entity_type_name(e->type),
               g->centrality[top[i]].pagerank);
    }
    kg_cmd_print_written(written);
}

int kg_cmd_build(int argc, char **argv) {
    build_options opt;
    /* at most one --rules, --lexicon or --aliases per argument */
    const char **files = calloc((size_t)argc * 3 + 3, sizeof *files);
    if (files == NULL)
        return KG_EXIT_FAILURE;
    opt.rules = files;
    opt.lexicons = files + argc + 1;
    opt.alias_files = files + 2 * ((size_t)argc + 1);
    int first = 0;
    int rc = parse_options(argc, argv, &opt, &first);
    if (rc != KG_EXIT_OK) {
        free(files);
        return rc < 0 ? KG_EXIT_OK : rc;
    }

    kg_error err;
    kg_error_clear(&err);
    kg_status st = KG_OK;
    kg_strpool *pool = NULL;
    kg_reader *reader = NULL;
    kg_resolver *resolver = NULL;
    kg_graph *graph = NULL;
    kg_resolved data = {0};
    kg_cmd_paths written = {{NULL}, 0};
    size_t n_docs = 0, bytes = 0;
    struct timespec t0, t1;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    kg_cmd_timings timings = {.enabled = opt.timings};
    kg_cmd_timings_start(&timings);

    /* Every input must exist before anything is read or written. */
    for (int i = first; i < argc; i++) {
        struct stat sb;
        if (strcmp(argv[i], "-") != 0 && stat(argv[i], &sb) != 0) {
            kg_error_set(&err, KG_ERR_INPUT, argv[i], 0, 0, "%s", strerror(errno));
            kg_cmd_report("error", &err);
            return KG_EXIT_FAILURE;
        }
    }

    pool = kg_strpool_new();
    if (pool == NULL) {
        st = KG_ERR_NOMEM;
        goto cleanup;
    }
    if ((st = kg_reader_new(&reader, pool, (const char *const *)argv + first,
                            (size_t)(argc - first))) != KG_OK ||
        (st = kg_resolver_new(&resolver, pool)) != KG_OK)
        goto cleanup;
    kg_resolver_set_threads(resolver, opt.threads);
    for (size_t i = 0; i < opt.n_alias_files; i++)
        if ((st = kg_resolver_load_aliases(resolver, opt.alias_files[i], &err)) != KG_OK)
            goto cleanup;
    /* Documents already extracted (kgraph extract, or another tool) are
     * resolved as they are, the others extracted on opt.threads threads;
     * either way the resolver sees them in input order. */
    kg_cmd_extract_options xopt = {opt.threads, opt.progress,   opt.lang,    opt.lexicons,
                                   opt.rules,   opt.n_lexicons, opt.n_rules, &opt.input};
    kg_cmd_sink sink = {resolve_facts, NULL, NULL, resolver, true};
    if ((st = kg_cmd_extract_all(pool, reader, (const char *const *)argv + first,
                                 (size_t)(argc - first), &xopt, &sink, &n_docs, &bytes, &err)) !=
        KG_OK)
        goto cleanup;
    kg_cmd_timings_mark(&timings, "read, extract, resolve input");
    if (n_docs == 0) {
        st = kg_error_set(&err, KG_ERR_INPUT, NULL, 0, 0, "no documents to read in the input");
        goto cleanup;
    }
    kg_cmd_give_back_memory(); /* the extraction threads' */
    kg_cmd_large_blocks_from_heap(1);
    st = kg_resolver_finish(resolver, &data, &err);
    kg_cmd_large_blocks_from_heap(0);
    if (st != KG_OK)
        goto cleanup;
    /* Nothing is interned any more: the pool's index and the resolver's
     * working memory go back before the graph is built. */
    kg_strpool_drop_index(pool);
    kg_cmd_give_back_memory();
    kg_cmd_timings_mark(&timings, "resolve across documents");
    kg_cmd_timings_resolve(&timings, resolver);
    opt.analytics.threads = opt.threads; /* the sampled estimators' */
    if ((st = kg_graph_build_with(&graph, &data, opt.base_iri, &opt.analytics, &err)) != KG_OK)
        goto cleanup;
    kg_cmd_give_back_memory(); /* the analytics' working memory */
    kg_cmd_timings_mark(&timings, "graph and analytics");
    kg_cmd_timings_analytics(&timings, graph);

    /* -o -: the one format (checked with the options) to standard output,
     * which then carries nothing else (no summary). */
    if (strcmp(opt.output, "-") == 0)
        opt.quiet = 1;
    if ((st = kg_cmd_write_outputs(graph, opt.formats, &opt.export, opt.output, opt.threads,
                                   &written, &timings, &err)) != KG_OK)
        goto cleanup;
    /* --report: after the exports, into the same directory */
    if (opt.report && (st = kg_cmd_write_report(graph, opt.output, NULL, &written, &err)) != KG_OK)
        goto cleanup;
    if (opt.report)
        kg_cmd_timings_mark(&timings, "write report");
    kg_cmd_timings_print(&timings);
    clock_gettime(CLOCK_MONOTONIC, &t1);
    if (!opt.quiet)
        print_summary(graph, n_docs, bytes,
                      (double)(t1.tv_sec - t0.tv_sec) + (double)(t1.tv_nsec - t0.tv_nsec) / 1e9,
                      &written);
    if (opt.explain != NULL) {
        /* after the summary; on stderr when stdout carries the graph */
        FILE *where = strcmp(opt.output, "-") == 0 ? stderr : stdout;
        kg_status ex = kg_resolved_explain(&data, opt.explain, where);
        if (ex == KG_FAILURE)
            fprintf(stderr, "kgraph: warning: --explain: no entity is named '%s'\n", opt.explain);
        else if (ex != KG_OK)
            st = kg_error_set(&err, ex, NULL, 0, 0, "--explain: %s", kg_strerror(ex));
    }

cleanup:
    rc = kg_cmd_finish(st, &err); /* reported before anything is freed */
    kg_cmd_paths_clear(&written);
    kg_graph_free(graph);
    kg_resolved_clear(&data);
    kg_resolver_free(resolver);
    kg_reader_free(reader);
    kg_strpool_free(pool);
    free(files);
    return rc;
}
