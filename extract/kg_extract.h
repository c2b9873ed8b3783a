/* kg_extract.h — documents in, per-document facts out.
 *
 * Two parts: reading documents (plain-text files, directories, JSON Lines,
 * stdin) one at a time, and the rule-based extractor that turns one
 * document into kg_doc_facts.  Rules and word lists are data (JSON files in
 * extract/data/, compiled into the library).
 */
#ifndef KG_EXTRACT_H
#define KG_EXTRACT_H

#include "kg_model.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#ifdef __cplusplus
extern "C" {
#endif

/* ---- documents ----------------------------------------------------------- */

typedef struct kg_document {
    const char *id;   /* pooled */
    const char *text; /* cleaned UTF-8 (kg_text_clean), owned by the reader; NULL for facts */
    size_t len;
    const char *lang;               /* "en", "ru" or NULL for auto-detection; pooled */
    const char *title, *date, *url; /* pooled or NULL */
    const char *source;             /* file the document came from (for messages) */
    size_t source_line;             /* line in a JSON Lines file, else 0 */
    size_t n_invalid;               /* invalid UTF-8 sequences replaced while reading */
    /* Non-NULL when the input was already extracted (a line of a
     * *.facts.jsonl file, a *.json file given directly, a *.facts.json file
     * found in a directory; see kg_facts.h): these facts go to the resolver
     * as they are, and text is NULL and len 0.  id, lang, title, date and url
     * repeat the facts' own.  Owned by the reader, valid like the document. */
    const kg_doc_facts *facts;
    /* The document was longer than the reader's max_doc_bytes (kg_limits):
     * text holds its first max_doc_bytes bytes, cut at a character. */
    bool truncated;
} kg_document;

/* ---- limits (docs/reliability.md) ---------------------------------------- */

/* Bounds that keep one pathological document from taking a run down; 0
 * means no limit.  When one is hit the document is still used, cut down
 * as described, and the caller is told (kg_document.truncated,
 * kg_doc_facts.limits_hit) so that it can warn. */
typedef struct kg_limits {
    /* reader: a document (a file, stdin, the text of a JSON line) longer
     * than this is truncated to it; a JSON Lines line longer than four
     * times this is skipped as KG_ERR_INPUT, unread */
    size_t max_doc_bytes;
    /* extractor: a sentence of more tokens is cut after this many tokens
     * and analysed in pieces (relations across a cut are lost) */
    size_t max_sentence_tokens;
    /* extractor: entity mentions recognised per document (so at most this
     * many entities); later ones are ignored */
    size_t max_entities;
} kg_limits;

#define KG_LIMITS_DEFAULT                                                                          \
    { (size_t)8 << 20, 400, 20000 }

/* Bits of kg_doc_facts.limits_hit. */
enum { KG_LIMIT_SENTENCE_TOKENS = 1u << 0, KG_LIMIT_ENTITIES = 1u << 1 };

typedef struct kg_reader kg_reader;

/* A reader over the given inputs: files, directories (searched recursively
 * for *.txt, *.md, *.jsonl and *.facts.json, in byte order of their paths),
 * or "-" for stdin (plain text, or JSON Lines when it starts with '{').
 * Files named *.facts.jsonl hold facts, one document per line; *.json files
 * given directly (and *.facts.json found in directories) hold the facts of
 * one document in the external format of kg_facts.h.  Inputs are checked
 * when reached, not here.  Caller frees with kg_reader_free. */
kg_status kg_reader_new(kg_reader **out, kg_strpool *pool, const char *const *inputs,
                        size_t n_inputs);

void kg_reader_free(kg_reader *reader);

/* Reads the next document into *doc (valid until the next call or free).
 * Returns KG_OK, KG_FAILURE at the end of all inputs, or an error described
 * in err (file name and line, and the reader cannot continue). */
kg_status kg_reader_next(kg_reader *reader, kg_document *doc, kg_error *err);

/* Number of documents returned so far. */
size_t kg_reader_count(const kg_reader *reader);

/* Sets the reader's max_doc_bytes (the other fields are the extractor's);
 * a new reader has KG_LIMITS_DEFAULT.  limits is copied. */
void kg_reader_set_limits(kg_reader *reader, const kg_limits *limits);

/* on_error=skip (skip true): a malformed JSON line (of documents or facts)
 * or facts file, or a file that cannot be opened, is KG_ERR_INPUT (the
 * reader moves past it) instead of an error that stops the reader (the
 * default, on_error=stop). */
void kg_reader_set_skip_malformed(kg_reader *reader, bool skip);

/* With on true, the files of a directory input are opened, read and
 * cleaned by a thread of the reader's, up to 64 files (16 MiB of text)
 * ahead of the caller, who then finds them ready: for corpora of many small
 * files, where each file costs a system call or a disk wait.  The documents
 * and errors are the same, in the same order; only when they are read
 * differs.  Off by default (no thread); `kgraph build` and `extract` turn it
 * on.  Takes effect at the next directory input. */
void kg_reader_set_read_ahead(kg_reader *reader, bool on);

/* Makes a plain-text document of raw[0..len) exactly as the reader makes
 * one of a plain-text file: binary check, kg_text_clean, leading "# "
 * metadata lines parsed and removed.  id (the document id) and where (the
 * source, for messages) are interned in pool.  doc->text points into *text,
 * a new buffer the caller frees (NULL on failure).  KG_ERR_INPUT for a
 * binary or empty document, described in err. */
kg_status kg_document_from_bytes(kg_document *doc, char **text, kg_strpool *pool, const char *raw,
                                 size_t len, const char *id, const char *where, kg_error *err);

/* ---- language ------------------------------------------------------------ */

/* "ru" when Cyrillic letters are the majority of letters, else "en". */
const char *kg_detect_lang(const char *text, size_t len);

/* ---- extractor ----------------------------------------------------------- */

typedef struct kg_extractor kg_extractor;

/* An extractor with the built-in lexicons and rules, interning into pool
 * (borrowed).  Caller frees with kg_extractor_free. */
kg_status kg_extractor_new(kg_extractor **out, kg_strpool *pool, kg_error *err);

void kg_extractor_free(kg_extractor *extractor);

/* Adds the rules of a JSON rule file (the language of docs/rules.md); a rule
 * whose id is already known replaces it.  A malformed file gives
 * KG_ERR_PARSE with the file, the line and what is wrong, and leaves the
 * rules loaded so far in place. */
kg_status kg_extractor_add_rules(kg_extractor *extractor, const char *path, kg_error *err);

/* Adds the entries of a JSON lexicon file ({"TITLE": [...], "PLACE": [...],
 * "SIGN": ["inked", ...]}, see docs/rules.md) to the built-in word lists. */
kg_status kg_extractor_add_lexicon(kg_extractor *extractor, const char *path, kg_error *err);

/* Number of rules loaded (built-in and added). */
size_t kg_extractor_rule_count(const kg_extractor *extractor);

/* Extracts the facts of one document into out, which must be initialised
 * (kg_doc_facts_init) and is cleared first.  Never fails on odd text: any
 * byte string gives some (maybe empty) facts; errors are only KG_ERR_NOMEM. */
kg_status kg_extract_document(kg_extractor *extractor, const kg_document *doc, kg_doc_facts *out);

/* Sets the extractor's max_sentence_tokens and max_entities (max_doc_bytes
 * is the reader's); a new extractor has KG_LIMITS_DEFAULT.  kg_extract_document
 * records in out->limits_hit which of them a document hit. */
void kg_extractor_set_limits(kg_extractor *extractor, const kg_limits *limits);

/* ---- parallel extraction (kg_pipeline.c) --------------------------------- */

/* Gives the next document into *doc (valid until the next call): KG_OK,
 * KG_FAILURE at the end, or an error (described in err) that stops the run.
 * Always called in the thread that called kg_extract_parallel. */
typedef kg_status (*kg_document_source)(void *ctx, kg_document *doc, kg_error *err);

/* Receives the facts of each document, in the order the source gave the
 * documents, in the thread that called kg_extract_parallel.  facts is
 * borrowed, valid during the call; its strings are interned in the pool
 * given to kg_extract_parallel (but see borrowed_evidence_text below).
 * Anything but KG_OK stops the run. */
typedef kg_status (*kg_facts_sink)(void *ctx, const kg_doc_facts *facts, kg_error *err);

/* Prepares a new extractor (adds user rules and lexicons, say).  Called for
 * the first extractor in the calling thread, and again from a worker
 * thread whenever a worker renews its extractor, so it must be safe to call
 * from several threads at once. */
typedef kg_status (*kg_extractor_setup)(void *ctx, kg_extractor *extractor, kg_error *err);

typedef struct kg_parallel_options {
    size_t threads;           /* extraction threads; 0: kg_cpu_count(); 1: extract in the calling
                                 thread, with no copies */
    size_t in_flight;         /* bound on documents read and not yet consumed (memory);
                                 0: 64 per thread; never more than 32 MiB of text
                                 unless one document is larger */
    const char *lang;         /* language of plain-text documents that give none; NULL: detect */
    kg_extractor_setup setup; /* or NULL */
    void *setup_ctx;
    /* A worker's private string pool keeps every string its extractor ever
     * interned; when it holds more than this many bytes the worker starts
     * afresh with a new pool and extractor.  0: KG_PARALLEL_RENEW_BYTES. */
    size_t renew_bytes;
    /* The sink copies (or ignores) the evidence texts: those of documents
     * a worker extracted are then left where the worker put them, valid
     * during the sink's call only, instead of being interned in pool too
     * (which would otherwise keep every sentence behind a relation for the
     * whole run).  kg_resolver_add is such a sink. */
    bool borrowed_evidence_text;
} kg_parallel_options;

#define KG_PARALLEL_RENEW_BYTES ((size_t)16 << 20)
#define KG_PARALLEL_OPTIONS_INIT                                                                   \
    { 0, 0, NULL, NULL, NULL, 0, false }

/* Extracts the facts of every document of source with options->threads
 * workers and hands them to sink in input order, so the sink sees the same
 * sequence of facts for any number of threads.  Documents that are facts
 * already (doc->facts) go to the sink as they are, in their place.
 *
 * Reading and the sink run in the calling thread; each worker owns an
 * extractor and a string pool of its own (neither is thread-safe), and the
 * facts it produces are re-interned into pool by the calling thread.  At
 * most options->in_flight documents are held at once: the source is not
 * asked for more until the oldest has been consumed.  options may be NULL
 * (the defaults).  Returns KG_OK when the source is exhausted, else the
 * first error of the source, the sink, the setup or an extraction (in err). */
kg_status kg_extract_parallel(kg_strpool *pool, const kg_parallel_options *options,
                              kg_document_source source, void *source_ctx, kg_facts_sink sink,
                              void *sink_ctx, kg_error *err);

/* Writes a document's facts to out (kg_facts_write_json, say).  Called in
 * the worker thread that extracted them, so it must be safe to call from
 * several threads at once. */
typedef kg_status (*kg_facts_render)(void *ctx, const kg_doc_facts *facts, FILE *out,
                                     kg_error *err);

/* Receives the bytes render wrote for each document, in input order, in the
 * calling thread, with the document-level fields of its facts (doc_id,
 * lang, title, date, url, n_sentences, n_bytes and the like, strings in the
 * caller's pool; the entities and relations may be absent).  Both are
 * borrowed, valid during the call. */
typedef kg_status (*kg_bytes_sink)(void *ctx, const kg_doc_facts *doc, const char *bytes,
                                   size_t len, kg_error *err);

/* kg_extract_parallel for output that needs no shared state, such as
 * `kgraph extract`'s JSON lines: each document's facts are rendered by the
 * worker that extracted them (facts inputs by the calling thread) and only
 * the bytes travel, in input order, to sink.  Nothing of the facts is
 * interned in pool (which holds the documents' ids and metadata), and the
 * extractors' own pools are renewed as in kg_extract_parallel, so the facts
 * take no memory beyond the documents in flight however long the input;
 * with one thread the extractor has a renewed pool of its own too. */
kg_status kg_extract_parallel_render(kg_strpool *pool, const kg_parallel_options *options,
                                     kg_document_source source, void *source_ctx,
                                     kg_facts_render render, void *render_ctx, kg_bytes_sink sink,
                                     void *sink_ctx, kg_error *err);

/* ---- sentences (exposed for tests and tools) ----------------------------- */

typedef struct kg_span {
    size_t start, end; /* byte offsets, end exclusive */
} kg_span;

/* Splits text into sentences, not fooled by initials ("K.Omarov",
 * "A. Smith"), common abbreviations or decimal numbers.  *out is a new array
 * (caller frees); *n receives the count. */
kg_status kg_split_sentences(kg_extractor *extractor, const char *text, size_t len, kg_span **out,
                             size_t *n);

#ifdef __cplusplus
}
#endif

#endif /* KG_EXTRACT_H */
