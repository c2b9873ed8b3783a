/* main.c — the kgraph command line: dispatches to one cmd_<verb>.c per
 * subcommand. */
#include "kg_cmd.h"

#include <getopt.h>
#include <locale.h>
#include <stdio.h>
#include <string.h>

static const kg_cmd commands[] = {
    {"build", kg_cmd_build, "extract, resolve, analyse and export a knowledge graph", 1},
    {"extract", kg_cmd_extract, "write the facts of each document as JSON Lines, for build", 1},
    {"eval", kg_cmd_eval, "score the extractor against gold annotations (score.py's figures)", 0},
    {"analyze", kg_cmd_analyze, "recompute centralities and communities of a graph.json", 1},
    {"report", kg_cmd_report_run, "write the analytics report (Markdown and HTML) of a graph.json",
     0},
};

static void usage(FILE *out) {
    fprintf(out, "usage: kgraph <command> [options] [args]\n\ncommands:\n");
    for (size_t i = 0; i < sizeof commands / sizeof *commands; i++)
        fprintf(out, "  %-8s %s\n", commands[i].name, commands[i].summary);
    fprintf(out, "\n'kgraph <command> --help' describes a command.\n");
}

void kg_cmd_report(const char *level, const kg_error *err) {
    char buf[1200];
    kg_cmd_progress_interrupt();
    fprintf(stderr, "kgraph: %s: %s\n", level, kg_error_format(err, buf, sizeof buf));
}

kg_status kg_cmd_next_document(kg_reader *reader, kg_document *doc, kg_error *err) {
    for (;;) {
        kg_error_clear(err);
        kg_status st = kg_reader_next(reader, doc, err);
        if (st == KG_ERR_INPUT) {
            /* one unusable input: say so and go on */
            kg_cmd_report("warning", err);
            continue;
        }
        if (st == KG_OK && doc->n_invalid > 0) {
            kg_cmd_progress_interrupt();
            fprintf(stderr,
                    "kgraph: warning: %s: %zu invalid UTF-8 sequence%s replaced by U+FFFD\n",
                    doc->source != NULL ? doc->source : doc->id, doc->n_invalid,
                    doc->n_invalid == 1 ? "" : "s");
        }
        return st;
    }
}

int kg_cmd_common_option(int c, char **argv, void (*print_usage)(FILE *out)) {
    switch (c) {
    case 'h':
        print_usage(stdout);
        return -1;
    case 'V':
        printf("kgraph %s\n", KG_VERSION);
        return -1;
    case ':':
        fprintf(stderr, "kgraph: error: option '%s' needs a value\n", argv[optind - 1]);
        return KG_EXIT_USAGE;
    default:
        fprintf(stderr, "kgraph: error: unknown option '%s'\n", argv[optind - 1]);
        print_usage(stderr);
        return KG_EXIT_USAGE;
    }
}

kg_status kg_cmd_add_user_data(kg_extractor *extractor, const char *const *lexicons,
                               size_t n_lexicons, const char *const *rules, size_t n_rules,
                               kg_error *err) {
    kg_status st = KG_OK;
    for (size_t i = 0; i < n_lexicons && st == KG_OK; i++)
        st = kg_extractor_add_lexicon(extractor, lexicons[i], err);
    for (size_t i = 0; i < n_rules && st == KG_OK; i++)
        st = kg_extractor_add_rules(extractor, rules[i], err);
    return st;
}

int kg_cmd_exit_code(kg_status status) {
    switch (status) {
    case KG_OK:
        return KG_EXIT_OK;
    case KG_ERR_USAGE:
        return KG_EXIT_USAGE;
    default:
        return KG_EXIT_FAILURE;
    }
}

int kg_cmd_finish(kg_status status, kg_error *err) {
    if (status != KG_OK) {
        if (err->status == KG_OK)
            kg_error_set(err, status, NULL, 0, 0, "%s", kg_strerror(status));
        kg_cmd_report("error", err);
    }
    return kg_cmd_exit_code(status);
}

int main(int argc, char **argv) {
    /* Numbers are written by the library in the C locale whatever the
     * environment says; messages may use the user's. */
    setlocale(LC_CTYPE, "");
    if (argc < 2) {
        usage(stderr);
        return KG_EXIT_USAGE;
    }
    if (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0 ||
        strcmp(argv[1], "help") == 0) {
        usage(stdout);
        return KG_EXIT_OK;
    }
    if (strcmp(argv[1], "--version") == 0 || strcmp(argv[1], "-V") == 0) {
        printf("kgraph %s\n", KG_VERSION);
        return KG_EXIT_OK;
    }
    for (size_t i = 0; i < sizeof commands / sizeof *commands; i++)
        if (strcmp(argv[1], commands[i].name) == 0) {
            if (commands[i].heavy)
                kg_cmd_use_huge_pages(argv);
            return commands[i].run(argc - 1, argv + 1);
        }
    fprintf(stderr, "kgraph: unknown command '%s'\n", argv[1]);
    usage(stderr);
    return KG_EXIT_USAGE;
}
