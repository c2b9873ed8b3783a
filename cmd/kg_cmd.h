/* kg_cmd.h — what the subcommands share: the table entry type, exit codes
 * and message helpers.  The CLI uses only the library's public headers. */
#ifndef KG_CMD_H
#define KG_CMD_H

#include "kg_extract.h"
#include "kg_model.h"

#include <stdio.h>

/* Exit codes of every subcommand. */
enum { KG_EXIT_OK = 0, KG_EXIT_FAILURE = 1, KG_EXIT_USAGE = 2 };

typedef int (*kg_cmd_fn)(int argc, char **argv);

typedef struct kg_cmd {
    const char *name;
    kg_cmd_fn run;
    const char *summary;
} kg_cmd;

int kg_cmd_build(int argc, char **argv);
int kg_cmd_extract(int argc, char **argv);
int kg_cmd_eval(int argc, char **argv);

/* "kgraph: error: <formatted err>" on stderr. */
void kg_cmd_report(const char *level, const kg_error *err);

/* The next document of reader: unusable inputs (empty, binary, ...) are
 * reported as warnings and skipped, repaired invalid UTF-8 is reported.
 * KG_OK, KG_FAILURE at the end, or the error (in err) that stops the run. */
kg_status kg_cmd_next_document(kg_reader *reader, kg_document *doc, kg_error *err);

/* What every subcommand does with getopt_long's result c for 'h' (usage on
 * stdout), 'V' (version), ':' (missing value) and anything unknown (usage on
 * stderr): returns -1 when the command is done with success, else
 * KG_EXIT_USAGE.  Call after optind has moved past the option. */
int kg_cmd_common_option(int c, char **argv, void (*usage)(FILE *out));

/* Adds --lexicon files first (rules may name their words), then --rules
 * files, in the order given: what build and extract both do. */
kg_status kg_cmd_add_user_data(kg_extractor *extractor, const char *const *lexicons,
                               size_t n_lexicons, const char *const *rules, size_t n_rules,
                               kg_error *err);

/* Maps a library status to an exit code. */
int kg_cmd_exit_code(kg_status status);

#endif
