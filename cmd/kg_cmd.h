/* kg_cmd.h — what the subcommands share: the table entry type, exit codes
 * and message helpers.  The CLI uses only the library's public headers. */
#ifndef KG_CMD_H
#define KG_CMD_H

#include "kg_export.h"
#include "kg_extract.h"
#include "kg_graph.h"
#include "kg_model.h"
#include "kg_resolve.h"

#include <stdio.h>

/* Exit codes of every subcommand. */
enum { KG_EXIT_OK = 0, KG_EXIT_FAILURE = 1, KG_EXIT_USAGE = 2 };

typedef int (*kg_cmd_fn)(int argc, char **argv);

typedef struct kg_cmd {
    const char *name;
    kg_cmd_fn run;
    const char *summary;
    int heavy; /* runs on a large working set: worth huge pages (memory.c) */
} kg_cmd;

int kg_cmd_build(int argc, char **argv);
int kg_cmd_extract(int argc, char **argv);
int kg_cmd_eval(int argc, char **argv);
int kg_cmd_analyze(int argc, char **argv);
/* `kgraph report` (kg_cmd_report is the message helper below). */
int kg_cmd_report_run(int argc, char **argv);

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

/* ---- the document loop of build and extract, and its progress line (progress.c) ---- */

typedef enum kg_progress_mode {
    KG_PROGRESS_AUTO = 0, /* when stderr is a terminal and the run lasts over a second */
    KG_PROGRESS_ON,       /* --progress: always (one line every few seconds off a terminal) */
    KG_PROGRESS_OFF       /* --no-progress */
} kg_progress_mode;

typedef struct kg_progress {
    int enabled, forced, tty, drawn;
    double start, last; /* monotonic seconds */
    size_t docs, bytes; /* consumed so far */
    size_t total;       /* bytes of the input files, 0 when unknown */
} kg_progress;

/* Decides whether to show progress; with it, sums the sizes of the input
 * files (directories walked) for the percentage and ETA. */
void kg_progress_start(kg_progress *p, kg_progress_mode mode, const char *const *inputs,
                       size_t n_inputs);
/* Counts docs more documents of bytes bytes, and redraws when due. */
void kg_progress_update(kg_progress *p, size_t docs, size_t bytes);
/* The final figures (when a line was shown), ending the line. */
void kg_progress_finish(kg_progress *p);
/* Erases a progress line on screen before a message is printed. */
void kg_cmd_progress_interrupt(void);

/* ---- limits and --on-error, for build and extract (input_options.c) ---- */

typedef struct kg_cmd_input_options {
    kg_limits limits;   /* --max-doc-bytes, --max-sentence-tokens, --max-entities */
    int skip_malformed; /* --on-error=skip (default stop) */
} kg_cmd_input_options;

#define KG_CMD_INPUT_OPTIONS_INIT                                                                  \
    { KG_LIMITS_DEFAULT, 0 }

/* getopt_long codes of those options, clear of the other KG_OPT_* ranges. */
enum {
    KG_OPT_MAX_DOC_BYTES = 0x2000,
    KG_OPT_MAX_SENTENCE_TOKENS,
    KG_OPT_MAX_ENTITIES,
    KG_OPT_ON_ERROR
};

/* Their struct option entries, for a longopts table. */
/* clang-format off */
#define KG_CMD_INPUT_LONGOPTS                                                                      \
    {"max-doc-bytes", required_argument, NULL, KG_OPT_MAX_DOC_BYTES},                              \
    {"max-sentence-tokens", required_argument, NULL, KG_OPT_MAX_SENTENCE_TOKENS},                  \
    {"max-entities", required_argument, NULL, KG_OPT_MAX_ENTITIES},                                \
    {"on-error", required_argument, NULL, KG_OPT_ON_ERROR}
/* clang-format on */

/* Their help lines. */
#define KG_CMD_INPUT_HELP                                                                          \
    "      --on-error stop|skip  a malformed JSON line or facts file, or an unreadable\n"          \
    "                       file: stop with an error (default), or warn and skip it\n"             \
    "      --max-doc-bytes N  truncate longer documents (default 8M; K, M, G suffixes;\n"          \
    "                       0: no limit)\n"                                                        \
    "      --max-sentence-tokens N  analyse longer sentences in pieces (default 400)\n"            \
    "      --max-entities N  entity mentions read per document (default 20000)\n"

/* Applies option c (KG_OPT_MAX_*, KG_OPT_ON_ERROR) with value arg to *opt:
 * KG_EXIT_OK, KG_EXIT_USAGE after a message for a bad value, -1 when c is
 * not one of them. */
int kg_cmd_input_option(int c, const char *arg, kg_cmd_input_options *opt);

/* Gives reader the document limit and the --on-error choice (NULL: the
 * defaults). */
void kg_cmd_apply_input_options(kg_reader *reader, const kg_cmd_input_options *opt);

/* The warnings, naming the document, when it was truncated or when its
 * extraction hit a limit (opt NULL: the defaults were in force). */
void kg_cmd_warn_truncated(const kg_document *doc, const kg_cmd_input_options *opt);
void kg_cmd_warn_limits(const kg_doc_facts *facts, const kg_cmd_input_options *opt);

/* What build and extract share in their document loop. */
typedef struct kg_cmd_extract_options {
    size_t threads; /* --threads (0: kg_cpu_count()) */
    kg_progress_mode progress;
    const char *lang; /* --lang, or NULL */
    const char *const *lexicons, *const *rules;
    size_t n_lexicons, n_rules;
    const kg_cmd_input_options *input; /* limits and --on-error; NULL: the defaults */
} kg_cmd_extract_options;

/* Where the facts of build and extract go: to facts (build: the
 * resolver), or, with render, written by the extraction threads and the
 * bytes handed to bytes (extract: JSON lines).  ctx goes to all three. */
typedef struct kg_cmd_sink {
    kg_facts_sink facts;
    kg_facts_render render;
    kg_bytes_sink bytes;
    void *ctx;
    bool copies_evidence_text; /* facts copies the evidence texts it keeps
                                  (kg_parallel_options.borrowed_evidence_text) */
} kg_cmd_sink;

/* Reads every document of reader (warnings as kg_cmd_next_document), extracts
 * them with opt->threads threads (each extractor given the --lexicon and
 * --rules files) and hands their facts to sink in input order, drawing the
 * progress line.  inputs are the INPUT arguments (for the total size).
 * *n_docs and *n_bytes receive what was consumed. */
kg_status kg_cmd_extract_all(kg_strpool *pool, kg_reader *reader, const char *const *inputs,
                             size_t n_inputs, const kg_cmd_extract_options *opt,
                             const kg_cmd_sink *sink, size_t *n_docs, size_t *n_bytes,
                             kg_error *err);

/* getopt_long codes of --threads, --progress and --no-progress (beyond any
 * character, so they never clash with a subcommand's own short options). */
enum { KG_OPT_THREADS = 0x1000, KG_OPT_PROGRESS, KG_OPT_NO_PROGRESS };

/* --threads N: 1..1024 into *out, else a message and KG_EXIT_USAGE. */
int kg_cmd_parse_threads(const char *arg, size_t *out);

/* --lang auto|en|ru: NULL (auto) or arg into *out, else a message and
 * KG_EXIT_USAGE. */
int kg_cmd_parse_lang(const char *arg, const char **out);

/* ---- what build and analyze share (graph_output.c) ---- */

/* getopt_long codes of the analytics options, outside the ASCII range. */
enum {
    KG_OPT_SEED = 0x100,          /* --seed N */
    KG_OPT_BETWEENNESS_SAMPLES,   /* --betweenness-samples K */
    KG_OPT_BETWEENNESS_EXACT_MAX, /* --betweenness-exact-max N */
    KG_OPT_BETWEENNESS_BUDGET,    /* --betweenness-budget N */
};

/* Their struct option entries, for a longopts table. */
/* clang-format off */
#define KG_CMD_ANALYTICS_LONGOPTS                                                                  \
    {"seed", required_argument, NULL, KG_OPT_SEED},                                                \
    {"betweenness-samples", required_argument, NULL, KG_OPT_BETWEENNESS_SAMPLES},                  \
    {"betweenness-exact-max", required_argument, NULL, KG_OPT_BETWEENNESS_EXACT_MAX},              \
    {"betweenness-budget", required_argument, NULL, KG_OPT_BETWEENNESS_BUDGET}
/* clang-format on */

/* The help lines of those options. */
#define KG_CMD_ANALYTICS_HELP                                                                      \
    "      --seed N         seed of sampled betweenness and Leiden communities (default 42)\n"     \
    "      --betweenness-samples K  sources sampled to estimate betweenness on large graphs\n"     \
    "                       (default 1000)\n"                                                      \
    "      --betweenness-exact-max N  exact betweenness up to N entities (default 5000)\n"         \
    "      --betweenness-budget N  at most N edge visits for sampled betweenness: fewer\n"         \
    "                       sources on very large graphs, never under 100 (default\n"              \
    "                       536870912; 0: no bound)\n"

/* Applies analytics option c (KG_OPT_*) with value arg to *opt: KG_EXIT_OK,
 * KG_EXIT_USAGE after a message for a bad value, -1 when c is not one. */
int kg_cmd_analytics_option(int c, const char *arg, kg_analytics_options *opt);

/* mkdir -p path; KG_ERR_IO naming the directory that could not be made. */
kg_status kg_cmd_make_dirs(const char *path, kg_error *err);

/* -o - takes exactly one one-file format: KG_EXIT_OK, or KG_EXIT_USAGE
 * after a message. */
int kg_cmd_check_output(const char *output, unsigned formats);

typedef struct kg_cmd_timings kg_cmd_timings; /* --timings, below */

/* Paths of the files written (owned). */
typedef struct kg_cmd_paths {
    char *path[10]; /* every format's files (7) and the report's two */
    size_t n;
} kg_cmd_paths;

/* Writes every format of the set formats into the directory output
 * (created; each format atomically, kg_export_dir), up to threads formats
 * at once (kg_export_dir_all; 0: one per online CPU), appending their paths
 * to *written in the order ttl, nt, nq, graphml, json, csv; with output
 * "-", the one format to standard output.  Writing is a step of timings
 * (may be NULL), each format a part of it. */
kg_status kg_cmd_write_outputs(const kg_graph *graph, unsigned formats,
                               const kg_export_options *options, const char *output, size_t threads,
                               kg_cmd_paths *written, kg_cmd_timings *timings, kg_error *err);

/* ---- memory (memory.c) ---- */

/* Runs this program again (execv of /proc/self/exe with argv, main's own)
 * with glibc.malloc.hugetlb=1 added to GLIBC_TUNABLES, so that glibc backs
 * the heap with transparent huge pages: when glibc is 2.35 or later, the
 * kernel gives huge pages on request ("[madvise]"), the tunable is not set
 * yet, KGRAPH_HUGE_PAGES is not "0" and neither a sanitizer nor valgrind
 * provides malloc.  Returns only when it does not (or the exec failed). */
void kg_cmd_use_huge_pages(char **argv);

/* Whether this process's heap gets transparent huge pages, for --timings:
 * "on" (the tunable above is set and takes effect), "on (the system's
 * policy)" (the kernel gives them to all memory) or "off". */
const char *kg_cmd_huge_pages(void);

/* Returns the memory freed so far to the system (glibc's malloc_trim): for
 * between the steps of a large run. */
void kg_cmd_give_back_memory(void);

/* With on, every allocation comes from the heap, however large, and a
 * freed block's pages serve the next ones (glibc's M_MMAP_MAX 0); with off,
 * large blocks get pages of their own again (glibc's default).  For a step
 * that allocates and frees tables of hundreds of megabytes in turn.
 * Returns 1 when glibc's malloc serves the process (so this took effect),
 * 0 under a sanitizer's or valgrind's. */
int kg_cmd_large_blocks_from_heap(int on);

/* ---- --timings: where a run's time went (timings.c) ---- */

typedef struct kg_cmd_step {
    char what[48];
    double wall, cpu; /* seconds; cpu is the process's (all threads) */
    double peak_mb;   /* the process's peak resident memory at the step's end */
    int sub;          /* a part of the step above it (indented, not in the total) */
} kg_cmd_step;

struct kg_cmd_timings {
    int enabled;
    size_t n;
    kg_cmd_step step[32];
    double start_wall, start_cpu, mark_wall, mark_cpu;
};

/* Starts the clock (does nothing unless t->enabled; t may be NULL, as for
 * every function here). */
void kg_cmd_timings_start(kg_cmd_timings *t);
/* Records the step `what` as the time since the last mark (or the start). */
void kg_cmd_timings_mark(kg_cmd_timings *t, const char *what);
/* Records a part of the last step that took `seconds` (wall clock). */
void kg_cmd_timings_part(kg_cmd_timings *t, const char *what, double seconds);
/* Records the analytics steps of graph as parts of the last step. */
void kg_cmd_timings_analytics(kg_cmd_timings *t, const kg_graph *graph);
/* Records the phases of the resolver's kg_resolver_finish as parts of the
 * last step. */
void kg_cmd_timings_resolve(kg_cmd_timings *t, const kg_resolver *resolver);
/* The table, with the total, on stderr. */
void kg_cmd_timings_print(const kg_cmd_timings *t);

/* Frees the paths; the list is empty again. */
void kg_cmd_paths_clear(kg_cmd_paths *paths);

/* "wrote:" and the paths, one per line, on standard output. */
void kg_cmd_print_written(const kg_cmd_paths *paths);

/* Writes report.md and report.html into the existing directory dir
 * (kg_report_write; options may be NULL) and appends their paths to *written;
 * what `build --report` and `report` share (cmd_report.c). */
kg_status kg_cmd_write_report(const kg_graph *graph, const char *dir,
                              const kg_report_options *options, kg_cmd_paths *written,
                              kg_error *err);

/* A graph.json read back and its network rebuilt: what `analyze` and
 * `report` start from. */
typedef struct kg_cmd_loaded {
    kg_strpool *pool;
    kg_resolved data;
    kg_import_info info; /* what the file records */
    kg_graph *graph;
} kg_cmd_loaded;

/* Reads the graph.json at path into *out and builds its network with the
 * analytics options the file records, passed first through adjust (may be
 * NULL) with ctx, which may change them.  On failure err says why; either
 * way *out is to be freed with kg_cmd_loaded_free. */
kg_status kg_cmd_load_graph(const char *path, kg_cmd_loaded *out,
                            void (*adjust)(void *ctx, const kg_import_info *info,
                                           kg_analytics_options *options),
                            void *ctx, kg_error *err);
void kg_cmd_loaded_free(kg_cmd_loaded *loaded);

/* Maps a library status to an exit code. */
int kg_cmd_exit_code(kg_status status);

/* The end of every subcommand: a failed status is reported as an error on
 * stderr (err's message, or the status's text when err has none) and
 * mapped to the exit code, which is returned. */
int kg_cmd_finish(kg_status status, kg_error *err);

#endif
