/* cmd_extract.c — `kgraph extract`: the map half of `kgraph build`.
 *
 * Reads documents like `kgraph build` and writes each one's facts as one
 * line of JSON (kg_facts.h) instead of resolving them, so that shards of a
 * corpus can be extracted apart and built together: `kgraph build` over the
 * *.facts.jsonl outputs gives the same files as one build over the texts.
 * Inputs that are facts already are copied through. */
#include "kg_cmd.h"
#include "kg_extract.h"
#include "kg_facts.h"
#include "kg_outfile.h"

#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

typedef struct extract_options {
    const char *output; /* NULL: standard output */
    const char *lang;   /* NULL: auto */
    const char **rules, **lexicons;
    size_t n_rules, n_lexicons;
    size_t threads; /* --threads (0: one per online CPU) */
    kg_progress_mode progress;
    kg_cmd_input_options input; /* limits, --on-error */
} extract_options;

static void extract_usage(FILE *out) {
    fprintf(out,
            "usage: kgraph extract [options] INPUT...\n"
            "\n"
            "Extracts the facts of every document (entities, relations and their evidence)\n"
            "and writes them as JSON Lines, one document per line, for `kgraph build` to\n"
            "resolve later: extract shards of a corpus apart, then build over the\n"
            "*.facts.jsonl files.  INPUT is read as by `kgraph build`.\n"
            "\n"
            "options:\n"
            "  -o, --output FILE    write FILE (atomically) instead of standard output\n"
            "                       (\"-\" is standard output);\n"
            "                       name it *.facts.jsonl for `kgraph build` to read it\n"
            "      --lang auto|en|ru  language of plain-text inputs (default auto, per document)\n"
            "      --rules FILE     add extraction rules (JSON, docs/rules.md); repeatable\n"
            "      --lexicon FILE   add word-list entries (JSON, docs/rules.md); repeatable\n"
            "      --threads N      extraction threads (default: one per online CPU); the\n"
            "                       output is the same for any N\n"
            "      --progress, --no-progress  show (or never show) progress on stderr (default:\n"
            "                       when stderr is a terminal and the run takes over a "
            "second)\n" KG_CMD_INPUT_HELP "  -h, --help           this help\n"
            "  -V, --version        print the version\n"
            "\n"
            "The format is described in docs/facts.md.\n"
            "exit status: 0 success, 1 runtime or input error, 2 usage error\n");
}

static int parse_options(int argc, char **argv, extract_options *opt, int *first_input) {
    static const struct option longopts[] = {{"output", required_argument, NULL, 'o'},
                                             {"lang", required_argument, NULL, 'l'},
                                             {"rules", required_argument, NULL, 'r'},
                                             {"lexicon", required_argument, NULL, 'x'},
                                             {"help", no_argument, NULL, 'h'},
                                             {"version", no_argument, NULL, 'V'},
                                             {"threads", required_argument, NULL, KG_OPT_THREADS},
                                             {"progress", no_argument, NULL, KG_OPT_PROGRESS},
                                             {"no-progress", no_argument, NULL, KG_OPT_NO_PROGRESS},
                                             KG_CMD_INPUT_LONGOPTS,
                                             {NULL, 0, NULL, 0}};
    optind = 1;
    opterr = 0;
    int c;
    while ((c = getopt_long(argc, argv, ":o:hV", longopts, NULL)) != -1) {
        switch (c) {
        case 'o':
            opt->output = strcmp(optarg, "-") == 0 ? NULL : optarg; /* "-": standard output */
            break;
        case 'l':
            if (kg_cmd_parse_lang(optarg, &opt->lang) != KG_EXIT_OK)
                return KG_EXIT_USAGE;
            break;
        case 'r':
            opt->rules[opt->n_rules++] = optarg;
            break;
        case 'x':
            opt->lexicons[opt->n_lexicons++] = optarg;
            break;
        case KG_OPT_THREADS:
            if (kg_cmd_parse_threads(optarg, &opt->threads) != KG_EXIT_OK)
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
            return kg_cmd_common_option(c, argv, extract_usage);
        }
    }
    if (optind >= argc) {
        fprintf(stderr, "kgraph: error: no INPUT given\n");
        extract_usage(stderr);
        return KG_EXIT_USAGE;
    }
    if (opt->output != NULL && opt->output[0] == '\0') {
        fprintf(stderr, "kgraph: error: -o needs a file name\n");
        return KG_EXIT_USAGE;
    }
    *first_input = optind;
    return KG_EXIT_OK;
}

/* Where the facts lines go. */
typedef struct write_target {
    FILE *out;
    const char *name; /* for messages */
} write_target;

/* Each document's facts as one JSON line, written by the thread that
 * extracted them (kg_facts_write_json is thread-safe)... */
static kg_status render_facts(void *ctx, const kg_doc_facts *facts, FILE *out, kg_error *err) {
    (void)ctx;
    return kg_facts_write_json(facts, out, err);
}

/* ... and the lines written out in input order. */
static kg_status write_line(void *ctx, const kg_doc_facts *doc, const char *line, size_t len,
                            kg_error *err) {
    write_target *target = ctx;
    (void)doc;
    if (fwrite(line, 1, len, target->out) != len)
        return kg_error_set(err, KG_ERR_IO, target->name, 0, 0, "write failed: %s",
                            strerror(errno));
    return KG_OK;
}

int kg_cmd_extract(int argc, char **argv) {
    extract_options opt = {
        NULL, NULL, NULL, NULL, 0, 0, 0, KG_PROGRESS_AUTO, KG_CMD_INPUT_OPTIONS_INIT};
    /* at most one --rules or --lexicon per argument */
    const char **files = calloc((size_t)argc * 2 + 2, sizeof *files);
    if (files == NULL)
        return KG_EXIT_FAILURE;
    opt.rules = files;
    opt.lexicons = files + argc + 1;
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
    kg_outfile *outfile = NULL;
    write_target target = {stdout, opt.output != NULL ? opt.output : "<stdout>"};
    size_t n_docs = 0, n_bytes = 0;

    /* Every input must exist before anything is read or written. */
    for (int i = first; i < argc; i++) {
        struct stat sb;
        if (strcmp(argv[i], "-") != 0 && stat(argv[i], &sb) != 0) {
            st = kg_error_set(&err, KG_ERR_INPUT, argv[i], 0, 0, "%s", strerror(errno));
            goto cleanup;
        }
    }
    pool = kg_strpool_new();
    if (pool == NULL) {
        st = KG_ERR_NOMEM;
        goto cleanup;
    }
    if ((st = kg_reader_new(&reader, pool, (const char *const *)argv + first,
                            (size_t)(argc - first))) != KG_OK)
        goto cleanup;
    if (opt.output != NULL) {
        if ((st = kg_outfile_open(&outfile, opt.output, &err)) != KG_OK)
            goto cleanup;
        target.out = kg_outfile_stream(outfile);
    }
    /* Facts inputs are copied through; the others are extracted on
     * opt.threads threads and written in input order. */
    kg_cmd_extract_options xopt = {opt.threads, opt.progress,   opt.lang,    opt.lexicons,
                                   opt.rules,   opt.n_lexicons, opt.n_rules, &opt.input};
    kg_cmd_sink sink = {NULL, render_facts, write_line, &target, false};
    if ((st = kg_cmd_extract_all(pool, reader, (const char *const *)argv + first,
                                 (size_t)(argc - first), &xopt, &sink, &n_docs, &n_bytes, &err)) !=
        KG_OK)
        goto cleanup;
    if (n_docs == 0) {
        st = kg_error_set(&err, KG_ERR_INPUT, NULL, 0, 0, "no documents to read in the input");
        goto cleanup;
    }
    if (outfile != NULL) {
        st = kg_outfile_commit(outfile, &err);
        outfile = NULL;
    } else if (fflush(stdout) != 0 || ferror(stdout)) {
        st = kg_error_set(&err, KG_ERR_IO, "<stdout>", 0, 0, "write failed: %s", strerror(errno));
    }

cleanup:
    rc = kg_cmd_finish(st, &err); /* reported before anything is freed */
    kg_outfile_abort(outfile);    /* nothing written on failure */
    kg_reader_free(reader);
    kg_strpool_free(pool);
    free(files);
    return rc;
}
