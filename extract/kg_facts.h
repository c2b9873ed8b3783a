/* kg_facts.h — per-document facts as JSON: the map/reduce split and "bring
 * your own extraction".
 *
 * `kgraph extract` writes one kg_doc_facts per line (JSON Lines, keys
 * sorted, deterministic) and `kgraph build` reads such lines back and hands
 * them to the resolver unchanged, so extracting shards and building over
 * their outputs gives the same graph as one build over all the texts.  The
 * same reader takes whole-file facts written by another tool in the gold
 * format of the evaluation corpus.  docs/facts.md describes both formats.
 *
 * Strings read are NFC-normalised and interned in a kg_strpool.
 */
#ifndef KG_FACTS_H
#define KG_FACTS_H

#include "kg_model.h"

#include <stdio.h>

#ifdef __cplusplus
extern "C" {
#endif

/* Rule name of the evidence given to relations read without evidence. */
#define KG_FACTS_EXTERNAL_RULE "external"

/* Writes facts as one line of JSON ending in '\n': {"bytes", "date"?,
 * "doc", "entities": [{"aliases", "date"?, "id": "e1", "lang"?, "mentions",
 * "name", "type"}], "lang"?, "relations": [{"evidence": {"confidence", "doc"?,
 * "end", "rule"?, "sentence", "start", "text"?}, "object": "e2", "role"?,
 * "role_text"?, "subject": "e1", "type"}], "sentences", "title"?, "url"?}.
 * Keys are in byte order, NULL strings are left out, numbers are written in
 * the shortest form that reads back to the same double, '.' as the decimal
 * point in every locale.  Everything the resolver uses is written, so
 * kg_facts_read_json gives back equal facts.  facts is only read.
 * KG_ERR_INPUT when a string is not valid UTF-8 or a relation refers to an
 * entity that does not exist, KG_ERR_IO when writing fails. */
kg_status kg_facts_write_json(const kg_doc_facts *facts, FILE *out, kg_error *err);

/* Which of the two facts formats a JSON text is in. */
typedef enum kg_facts_format {
    /* One line of a *.facts.jsonl file as kg_facts_write_json writes it:
     * "doc" is required and every value is taken as written. */
    KG_FACTS_JSONL = 0,
    /* A whole *.json file from another tool (the gold format): "doc"
     * defaults to the source's default_doc, names and aliases have their
     * white space collapsed, an entity without "lang" gets kg_detect_lang of
     * its name, "role" is kept as role_text and normalised ("Deputy
     * Chairman" -> "deputy_chairman"), and a relation without "evidence"
     * gets {doc, 0, 0, 0, "", "external", its "confidence" or 1.0}. */
    KG_FACTS_EXTERNAL
} kg_facts_format;

/* Where a JSON text comes from, for defaults and messages. */
typedef struct kg_facts_source {
    kg_facts_format format;
    const char *where;       /* file name in messages; may be NULL */
    size_t line;             /* line of the text in that file (JSON Lines), else 0 */
    const char *default_doc; /* KG_FACTS_EXTERNAL: document id when "doc" is absent */
} kg_facts_source;

/* Parses one facts object from json[0..len) into out (initialised with
 * kg_doc_facts_init; cleared first, and left cleared on failure).  Strings
 * are interned in pool (borrowed).  Malformed input gives KG_ERR_PARSE with
 * the source's file and line and what is wrong ("relation 2: \"subject\"
 * \"e9\" is not an entity id"); KG_ERR_NOMEM when out of memory. */
kg_status kg_facts_read_json(kg_doc_facts *out, kg_strpool *pool, const char *json, size_t len,
                             const kg_facts_source *source, kg_error *err);

#ifdef __cplusplus
}
#endif

#endif /* KG_FACTS_H */
