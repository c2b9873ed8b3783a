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
} kg_document;

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
