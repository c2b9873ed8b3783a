/* cmd_eval.c — `kgraph eval`: the built-in extractor scored against gold
 * annotations with the figures of ../shared/eval/score.py (kg_eval.h). */
#include "kg_cmd.h"
#include "kg_eval.h"
#include "kg_outfile.h"

#include <getopt.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

typedef struct eval_options {
    const char *gold;
    const char **texts; /* --texts folders, in order */
    size_t n_texts;
    const char *json_out;
    bool verbose;
} eval_options;

static void eval_usage(FILE *out) {
    fprintf(out,
            "usage: kgraph eval --gold DIR [--texts DIR]... [--json-out FILE] [-v]\n"
            "\n"
            "Scores the built-in extractor against gold annotations: for every\n"
            "DIR/NAME.gold.json, the article NAME.txt (beside it or in a --texts folder)\n"
            "without its leading '# ' metadata lines is extracted, resolved and built into\n"
            "a graph on its own, exactly as `kgraph build` would, and matched to the gold\n"
            "entities and relations.  Prints precision, recall and F1 per document, per\n"
            "type and overall, with the same figures as ../shared/eval/score.py; the last\n"
            "line is 'overall: entity_f1=0.XXX relation_f1=0.YYY'.\n"
            "\n"
            "options:\n"
            "      --gold DIR       folder of *.gold.json files (required)\n"
            "      --texts DIR      another folder to look for the articles in; repeatable\n"
            "      --json-out FILE  also write every figure as JSON (score.py's shape)\n"
            "  -v, --verbose        list fuzzy matches, missed and spurious items per document\n"
            "  -h, --help           this help\n"
            "  -V, --version        print the version\n"
            "\n"
            "exit status: 0 every document scored, 1 some article missing or unreadable\n"
            "(scored as an empty graph) or a gold file unusable, 2 usage error\n");
}

static int parse_options(int argc, char **argv, eval_options *opt) {
    static const struct option longopts[] = {{"gold", required_argument, NULL, 'g'},
                                             {"texts", required_argument, NULL, 't'},
                                             {"json-out", required_argument, NULL, 'j'},
                                             {"verbose", no_argument, NULL, 'v'},
                                             {"help", no_argument, NULL, 'h'},
                                             {"version", no_argument, NULL, 'V'},
                                             {NULL, 0, NULL, 0}};
    optind = 1;
    opterr = 0;
    int c;
    while ((c = getopt_long(argc, argv, ":vhV", longopts, NULL)) != -1) {
        switch (c) {
        case 'g':
            opt->gold = optarg;
            break;
        case 't':
            opt->texts[opt->n_texts++] = optarg;
            break;
        case 'j':
            opt->json_out = optarg;
            break;
        case 'v':
            opt->verbose = true;
            break;
        default:
            /* --help, --version, a missing value, an unknown option */
            return kg_cmd_common_option(c, argv, eval_usage);
        }
    }
    if (optind < argc) {
        fprintf(stderr, "kgraph: error: unexpected argument '%s'\n", argv[optind]);
        eval_usage(stderr);
        return KG_EXIT_USAGE;
    }
    struct stat sb;
    if (opt->gold == NULL) {
        fprintf(stderr, "kgraph: error: --gold DIR is required\n");
        eval_usage(stderr);
        return KG_EXIT_USAGE;
    }
    if (stat(opt->gold, &sb) != 0 || !S_ISDIR(sb.st_mode)) {
        fprintf(stderr, "kgraph: error: --gold %s: not a folder\n", opt->gold);
        return KG_EXIT_USAGE;
    }
    for (size_t i = 0; i < opt->n_texts; i++)
        if (stat(opt->texts[i], &sb) != 0 || !S_ISDIR(sb.st_mode)) {
            fprintf(stderr, "kgraph: error: --texts %s: not a folder\n", opt->texts[i]);
            return KG_EXIT_USAGE;
        }
    if (opt->json_out != NULL && opt->json_out[0] == '\0') {
        fprintf(stderr, "kgraph: error: --json-out needs a file name\n");
        return KG_EXIT_USAGE;
    }
    return KG_EXIT_OK;
}

int kg_cmd_eval(int argc, char **argv) {
    eval_options opt = {NULL, NULL, 0, NULL, false};
    opt.texts = calloc((size_t)argc + 1, sizeof *opt.texts);
    if (opt.texts == NULL)
        return KG_EXIT_FAILURE;
    int rc = parse_options(argc, argv, &opt);
    if (rc != KG_EXIT_OK) {
        free(opt.texts);
        return rc < 0 ? KG_EXIT_OK : rc;
    }

    kg_error err;
    kg_error_clear(&err);
    kg_eval_result result = {0};
    kg_outfile *json = NULL;
    size_t failed = 0;
    kg_status st = kg_eval_run(&result, opt.gold, opt.texts, opt.n_texts, &err);
    /* Gold warnings first, as score.py prints them while loading. */
    for (size_t i = 0; i < result.n_warnings; i++)
        fprintf(stderr, "kgraph: warning: %s\n", result.warnings[i]);
    if (st != KG_OK)
        goto cleanup;
    if (opt.json_out != NULL) {
        if ((st = kg_outfile_open(&json, opt.json_out, &err)) != KG_OK ||
            (st = kg_eval_write_json(&result, kg_outfile_stream(json), &err)) != KG_OK)
            goto cleanup;
        st = kg_outfile_commit(json, &err);
        json = NULL;
        if (st != KG_OK)
            goto cleanup;
    }
    if ((st = kg_eval_write_report(&result, opt.verbose, stdout, &err)) != KG_OK) {
        snprintf(err.where, sizeof err.where, "<stdout>");
        goto cleanup;
    }
    for (size_t i = 0; i < result.n_docs; i++)
        failed += result.docs[i].error != NULL;

cleanup:
    rc = kg_cmd_finish(st, &err); /* reported before anything is freed */
    kg_outfile_abort(json);
    kg_eval_result_clear(&result);
    free(opt.texts);
    if (st == KG_OK && failed > 0)
        return KG_EXIT_FAILURE;
    return rc;
}
