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
            "  -o, --output FILE    write FILE (atomically) instead of standard output;\n"
            "                       name it *.facts.jsonl for `kgraph build` to read it\n"
            "      --lang auto|en|ru  language of plain-text inputs (default auto, per document)\n"
            "      --rules FILE     add extraction rules (JSON, docs/rules.md); repeatable\n"
            "      --lexicon FILE   add word-list entries (JSON, docs/rules.md); repeatable\n"
            "  -h, --help           this help\n"
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
                                             {NULL, 0, NULL, 0}};
    optind = 1;
    opterr = 0;
    int c;
    while ((c = getopt_long(argc, argv, ":o:hV", longopts, NULL)) != -1) {
        switch (c) {
        case 'o':
            opt->output = optarg;
            break;
        case 'l':
            if (strcmp(optarg, "auto") == 0)
                opt->lang = NULL;
            else if (strcmp(optarg, "en") == 0 || strcmp(optarg, "ru") == 0)
                opt->lang = optarg;
            else {
                fprintf(stderr, "kgraph: error: --lang must be auto, en or ru, not '%s'\n", optarg);
                return KG_EXIT_USAGE;
            }
            break;
        case 'r':
            opt->rules[opt->n_rules++] = optarg;
            break;
        case 'x':
            opt->lexicons[opt->n_lexicons++] = optarg;
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

int kg_cmd_extract(int argc, char **argv) {
    extract_options opt = {NULL, NULL, NULL, NULL, 0, 0};
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
    kg_extractor *extractor = NULL;
    kg_outfile *outfile = NULL;
    FILE *out = stdout;
    kg_doc_facts facts;
    kg_doc_facts_init(&facts);
    size_t n_docs = 0;

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
                            (size_t)(argc - first))) != KG_OK ||
        (st = kg_extractor_new(&extractor, pool, &err)) != KG_OK)
        goto cleanup;
    if ((st = kg_cmd_add_user_data(extractor, opt.lexicons, opt.n_lexicons, opt.rules, opt.n_rules,
                                   &err)) != KG_OK)
        goto cleanup;
    if (opt.output != NULL) {
        if ((st = kg_outfile_open(&outfile, opt.output, &err)) != KG_OK)
            goto cleanup;
        out = kg_outfile_stream(outfile);
    }
    const char *forced_lang = opt.lang != NULL ? kg_strpool_cstr(pool, opt.lang) : NULL;

    for (;;) {
        kg_document doc;
        st = kg_cmd_next_document(reader, &doc, &err);
        if (st == KG_FAILURE) {
            st = KG_OK;
            break;
        }
        if (st != KG_OK)
            goto cleanup;
        const kg_doc_facts *line = doc.facts; /* facts already: copied through */
        if (line == NULL) {
            if (doc.lang == NULL && forced_lang != NULL)
                doc.lang = forced_lang;
            if ((st = kg_extract_document(extractor, &doc, &facts)) != KG_OK)
                goto cleanup;
            line = &facts;
        }
        if ((st = kg_facts_write_json(line, out, &err)) != KG_OK) {
            if (st == KG_ERR_IO && err.where[0] == '\0')
                snprintf(err.where, sizeof err.where, "%s",
                         opt.output != NULL ? opt.output : "<stdout>");
            goto cleanup;
        }
        n_docs++;
    }
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
    if (st != KG_OK) {
        if (err.status == KG_OK)
            kg_error_set(&err, st, NULL, 0, 0, "%s", kg_strerror(st));
        kg_cmd_report("error", &err);
    }
    kg_outfile_abort(outfile); /* nothing written on failure */
    kg_doc_facts_clear(&facts);
    kg_extractor_free(extractor);
    kg_reader_free(reader);
    kg_strpool_free(pool);
    free(files);
    return kg_cmd_exit_code(st);
}
