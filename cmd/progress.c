/* progress.c — the progress line of long runs on stderr (documents, MB,
 * MB/s and, when the size of the input is known, percent and ETA), and
 * the document loop that build and extract share (kg_cmd_extract_all:
 * reader → kg_extract_parallel → the subcommand's sink).
 *
 * The line is drawn when stderr is a terminal and the run has lasted more
 * than a second (KG_PROGRESS_AUTO), always with --progress (on a terminal
 * redrawn in place, elsewhere one line every few seconds, for logs), never
 * with --no-progress.  Warnings printed while it is shown first erase it. */
/* nftw is an XSI interface */
#define _XOPEN_SOURCE 700

#include "kg_cmd.h"

#include <errno.h>
#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

/* Seconds before an automatic progress line appears, and between redraws
 * (terminal) or lines (log). */
#define KG_PROGRESS_DELAY 1.0
#define KG_PROGRESS_TTY_EVERY 0.2
#define KG_PROGRESS_LOG_EVERY 5.0

/* The line on screen, for kg_cmd_progress_interrupt (the CLI runs one
 * progress line at a time). */
static kg_progress *shown;

static double now_seconds(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* nftw has no context argument: the sum being made. */
static size_t walk_total;

static int add_file_size(const char *path, const struct stat *sb, int type, struct FTW *ftw) {
    (void)path;
    (void)ftw;
    if (type == FTW_F && S_ISREG(sb->st_mode))
        walk_total += (size_t)sb->st_size;
    return 0;
}

/* Bytes of the regular files of inputs (directories walked); 0 when unknown
 * (standard input). */
static size_t input_bytes(const char *const *inputs, size_t n) {
    size_t total = 0;
    for (size_t i = 0; i < n; i++) {
        struct stat sb;
        if (strcmp(inputs[i], "-") == 0)
            return 0;
        if (stat(inputs[i], &sb) != 0)
            continue;
        if (S_ISDIR(sb.st_mode)) {
            walk_total = 0;
            if (nftw(inputs[i], add_file_size, 32, 0) == 0)
                total += walk_total;
        } else {
            total += (size_t)sb.st_size;
        }
    }
    return total;
}

void kg_progress_start(kg_progress *p, kg_progress_mode mode, const char *const *inputs,
                       size_t n_inputs) {
    memset(p, 0, sizeof *p);
    p->tty = isatty(STDERR_FILENO);
    p->enabled = mode == KG_PROGRESS_ON || (mode == KG_PROGRESS_AUTO && p->tty);
    p->forced = mode == KG_PROGRESS_ON;
    p->start = now_seconds();
    if (p->enabled)
        p->total = input_bytes(inputs, n_inputs);
}

static void draw(kg_progress *p, double t, int final) {
    double elapsed = t - p->start, mb = (double)p->bytes / 1048576.0;
    double rate = elapsed > 0 ? mb / elapsed : 0.0;
    char eta[64] = "";
    if (p->total > 0 && !final) {
        double frac = (double)p->bytes / (double)p->total;
        if (frac > 0.99)
            frac = 0.99; /* text and file sizes differ a little */
        if (frac > 0)
            snprintf(eta, sizeof eta, ", %2.0f%%, ETA %.0f s", frac * 100.0,
                     elapsed / frac - elapsed);
    }
    fprintf(stderr, "%skgraph: %zu documents, %.1f MB, %.1f MB/s, %.1f s%s%s", p->tty ? "\r" : "",
            p->docs, mb, rate, elapsed, eta,
            !p->tty ? "\n"
            : final ? "\033[K\n"
                    : "\033[K");
    fflush(stderr);
    p->last = t;
    p->drawn = p->tty && !final;
    shown = p->drawn ? p : NULL;
}

void kg_progress_update(kg_progress *p, size_t docs, size_t bytes) {
    p->docs += docs;
    p->bytes += bytes;
    if (!p->enabled)
        return;
    /* the clock is read every 16 documents: cheap enough for tiny ones */
    if ((p->docs & 15) != 0 && docs == 1)
        return;
    double t = now_seconds();
    if (!p->forced && !p->drawn && t - p->start < KG_PROGRESS_DELAY)
        return;
    if (t - p->last < (p->tty ? KG_PROGRESS_TTY_EVERY : KG_PROGRESS_LOG_EVERY) && p->last > 0)
        return;
    draw(p, t, 0);
}

void kg_progress_finish(kg_progress *p) {
    if (p->drawn || (p->enabled && p->forced))
        draw(p, now_seconds(), 1);
    p->drawn = 0;
    shown = NULL;
}

void kg_cmd_progress_interrupt(void) {
    if (shown != NULL && shown->drawn) {
        fputs("\r\033[K", stderr);
        shown->drawn = 0;
        shown->last = 0;
    }
}

/* ---- the document loop -------------------------------------------------------------- */

typedef struct extract_run {
    kg_reader *reader;
    const kg_cmd_extract_options *opt;
    kg_progress progress;
    const kg_cmd_sink *sink;
} extract_run;

static kg_status next_document(void *ctx, kg_document *doc, kg_error *err) {
    extract_run *run = ctx;
    kg_status st = kg_cmd_next_document(run->reader, doc, err);
    if (st == KG_OK)
        kg_cmd_warn_truncated(doc, run->opt->input);
    return st;
}

static kg_status setup_extractor(void *ctx, kg_extractor *extractor, kg_error *err) {
    const kg_cmd_extract_options *opt = ctx;
    kg_cmd_input_options defaults = KG_CMD_INPUT_OPTIONS_INIT;
    kg_extractor_set_limits(extractor, opt->input != NULL ? &opt->input->limits : &defaults.limits);
    return kg_cmd_add_user_data(extractor, opt->lexicons, opt->n_lexicons, opt->rules, opt->n_rules,
                                err);
}

static kg_status consume(void *ctx, const kg_doc_facts *facts, kg_error *err) {
    extract_run *run = ctx;
    kg_cmd_warn_limits(facts, run->opt->input);
    kg_status st = run->sink->facts(run->sink->ctx, facts, err);
    kg_progress_update(&run->progress, 1, facts->n_bytes);
    return st;
}

static kg_status consume_bytes(void *ctx, const kg_doc_facts *doc, const char *bytes, size_t len,
                               kg_error *err) {
    extract_run *run = ctx;
    kg_cmd_warn_limits(doc, run->opt->input);
    kg_status st = run->sink->bytes(run->sink->ctx, doc, bytes, len, err);
    kg_progress_update(&run->progress, 1, doc->n_bytes);
    return st;
}

kg_status kg_cmd_extract_all(kg_strpool *pool, kg_reader *reader, const char *const *inputs,
                             size_t n_inputs, const kg_cmd_extract_options *opt,
                             const kg_cmd_sink *sink, size_t *n_docs, size_t *n_bytes,
                             kg_error *err) {
    extract_run run;
    memset(&run, 0, sizeof run);
    run.reader = reader;
    run.opt = opt;
    run.sink = sink;
    kg_cmd_apply_input_options(reader, opt->input);
    kg_parallel_options popt = KG_PARALLEL_OPTIONS_INIT;
    popt.threads = opt->threads;
    popt.lang = opt->lang;
    popt.setup = setup_extractor;
    popt.setup_ctx = (void *)opt;
    popt.borrowed_evidence_text = sink->copies_evidence_text;
    kg_progress_start(&run.progress, opt->progress, inputs, n_inputs);
    kg_status st = sink->render != NULL
                       ? kg_extract_parallel_render(pool, &popt, next_document, &run, sink->render,
                                                    sink->ctx, consume_bytes, &run, err)
                       : kg_extract_parallel(pool, &popt, next_document, &run, consume, &run, err);
    kg_progress_finish(&run.progress);
    *n_docs = run.progress.docs;
    *n_bytes = run.progress.bytes;
    return st;
}

int kg_cmd_parse_threads(const char *arg, size_t *out) {
    char *end = NULL;
    errno = 0;
    long n = strtol(arg, &end, 10);
    if (errno != 0 || end == arg || *end != '\0' || n < 1 || n > 1024) {
        fprintf(stderr, "kgraph: error: --threads must be a number from 1 to 1024, not '%s'\n",
                arg);
        return KG_EXIT_USAGE;
    }
    *out = (size_t)n;
    return KG_EXIT_OK;
}
