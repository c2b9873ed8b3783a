/* input_options.c — the options of `kgraph build` and `kgraph extract` that
 * guard against hostile input: the limits (--max-doc-bytes,
 * --max-sentence-tokens, --max-entities) and --on-error=skip|stop, and the
 * warnings printed when a document hits a limit (docs/reliability.md). */
#include "kg_cmd.h"

#include <errno.h>
#include <stdio.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

/* A whole number, 0 included (no limit); with bytes, an optional K, M or G
 * suffix (binary multiples: 8M is 8388608). */
static int parse_limit(const char *option, const char *arg, int bytes, size_t *out) {
    char *end = NULL;
    errno = 0;
    unsigned long long value =
        arg[0] >= '0' && arg[0] <= '9' ? strtoull(arg, &end, 10) : (errno = EINVAL, 0);
    unsigned shift = 0;
    if (errno == 0 && end != NULL && bytes && end[0] != '\0' && end[1] == '\0') {
        const char *units = "KMG", *unit = strchr(units, end[0]);
        if (unit != NULL) {
            shift = 10 * (unsigned)(unit - units + 1);
            end++;
        }
    }
    if (errno != 0 || end == NULL || *end != '\0' || value > (SIZE_MAX >> shift)) {
        fprintf(stderr, "kgraph: error: %s must be a whole number%s (0: no limit), not '%s'\n",
                option, bytes ? " of bytes, with an optional K, M or G suffix" : "", arg);
        return KG_EXIT_USAGE;
    }
    *out = (size_t)value << shift;
    return KG_EXIT_OK;
}

int kg_cmd_input_option(int c, const char *arg, kg_cmd_input_options *opt) {
    switch (c) {
    case KG_OPT_MAX_DOC_BYTES:
        return parse_limit("--max-doc-bytes", arg, 1, &opt->limits.max_doc_bytes);
    case KG_OPT_MAX_SENTENCE_TOKENS:
        return parse_limit("--max-sentence-tokens", arg, 0, &opt->limits.max_sentence_tokens);
    case KG_OPT_MAX_ENTITIES:
        return parse_limit("--max-entities", arg, 0, &opt->limits.max_entities);
    case KG_OPT_ON_ERROR:
        if (strcmp(arg, "skip") == 0 || strcmp(arg, "stop") == 0) {
            opt->skip_malformed = strcmp(arg, "skip") == 0;
            return KG_EXIT_OK;
        }
        fprintf(stderr, "kgraph: error: --on-error must be skip or stop, not '%s'\n", arg);
        return KG_EXIT_USAGE;
    default:
        return -1;
    }
}

void kg_cmd_apply_input_options(kg_reader *reader, const kg_cmd_input_options *opt) {
    kg_cmd_input_options defaults = KG_CMD_INPUT_OPTIONS_INIT;
    if (opt == NULL)
        opt = &defaults;
    kg_reader_set_limits(reader, &opt->limits);
    kg_reader_set_skip_malformed(reader, opt->skip_malformed);
    kg_reader_set_read_ahead(reader, true);
}

void kg_cmd_warn_truncated(const kg_document *doc, const kg_cmd_input_options *opt) {
    kg_cmd_input_options defaults = KG_CMD_INPUT_OPTIONS_INIT;
    if (!doc->truncated)
        return;
    if (opt == NULL)
        opt = &defaults;
    kg_error err;
    kg_error_set(&err, KG_OK, doc->source != NULL ? doc->source : doc->id, doc->source_line, 0,
                 "document longer than %zu bytes (--max-doc-bytes): truncated to its first %zu "
                 "bytes",
                 opt->limits.max_doc_bytes, opt->limits.max_doc_bytes);
    kg_cmd_report("warning", &err);
}

void kg_cmd_warn_limits(const kg_doc_facts *facts, const kg_cmd_input_options *opt) {
    kg_cmd_input_options defaults = KG_CMD_INPUT_OPTIONS_INIT;
    if (facts->limits_hit == 0)
        return;
    if (opt == NULL)
        opt = &defaults;
    kg_error err;
    if (facts->limits_hit & KG_LIMIT_SENTENCE_TOKENS) {
        kg_error_set(&err, KG_OK, facts->doc_id, 0, 0,
                     "sentences of more than %zu tokens (--max-sentence-tokens) analysed in "
                     "pieces of %zu tokens",
                     opt->limits.max_sentence_tokens, opt->limits.max_sentence_tokens);
        kg_cmd_report("warning", &err);
    }
    if (facts->limits_hit & KG_LIMIT_ENTITIES) {
        kg_error_set(&err, KG_OK, facts->doc_id, 0, 0,
                     "more than %zu entity mentions (--max-entities): the rest of the document "
                     "yields no more entities",
                     opt->limits.max_entities);
        kg_cmd_report("warning", &err);
    }
}

int kg_cmd_parse_lang(const char *arg, const char **out) {
    if (strcmp(arg, "auto") == 0) {
        *out = NULL;
    } else if (strcmp(arg, "en") == 0 || strcmp(arg, "ru") == 0) {
        *out = arg;
    } else {
        fprintf(stderr, "kgraph: error: --lang must be auto, en or ru, not '%s'\n", arg);
        return KG_EXIT_USAGE;
    }
    return KG_EXIT_OK;
}
