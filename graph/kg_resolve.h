/* kg_resolve.h — one entity per real-world entity across documents.
 *
 * The resolver takes per-document facts one document at a time (it copies
 * what it needs, so the caller may clear the facts right after), and at the
 * end produces the resolved tables: entities with canonical labels, aliases,
 * mention counts and documents; relations merged so that the same fact
 * found again becomes one relation whose evidence list grows; and the audit
 * trail of every merge (kg_resolved.merges).
 *
 * Entities merge across articles, languages and spellings: on the same
 * normalised name or alias, an acronym and the initials of a long form, a
 * Cyrillic and a Latin form that transliterate alike, spelling variants of
 * a person's name, the same person heading both organisations, and the
 * merges and splits of a user file.  A cluster is only formed when every
 * pair in it is compatible (no chains).  docs/resolution.md has the rules.
 *
 * Result is independent of the order in which documents are added.
 * Memory grows with the number of distinct entities, relations and evidence
 * records, never with the text of the corpus; candidate pairs come from
 * blocking keys, never from comparing all pairs.
 */
#ifndef KG_RESOLVE_H
#define KG_RESOLVE_H

#include "kg_model.h"

#include <stdbool.h>
#include <stdio.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef struct kg_resolver kg_resolver;

/* New resolver interning into pool (borrowed; must outlive the resolver and
 * the kg_resolved it produces).  Caller frees with kg_resolver_free.
 * KG_ERR_INTERNAL when the built-in resolution data cannot be read. */
kg_status kg_resolver_new(kg_resolver **out, kg_strpool *pool);

/* NULL is a no-op. */
void kg_resolver_free(kg_resolver *resolver);

/* Threads kg_resolver_finish may use for the parts that do not depend on
 * one another (0, the default: one per online CPU).  The result is the
 * same for any number. */
void kg_resolver_set_threads(kg_resolver *resolver, size_t threads);

/* Adds one document's facts.  facts is only read.  Its strings must be
 * interned in the resolver's pool, except the evidence texts, which need
 * only be valid during the call (they are copied).  A document is recorded
 * completely or not at all.  KG_ERR_INPUT for facts that name no document
 * or point outside their entities.  When the scratch file (below) cannot
 * be written its records come back into memory; only if that fails too
 * (KG_ERR_IO, errno says why, or KG_ERR_NOMEM) is the resolver spent: every
 * later call fails. */
kg_status kg_resolver_add(kg_resolver *resolver, const kg_doc_facts *facts);

/* Where the relation records wait for kg_resolver_finish (each with its
 * evidence, a few hundred megabytes for a gigabyte of news, needed only
 * after the entities are resolved).  By default (spill true) in a scratch
 * file, unlinked as soon as it is made, in $TMPDIR (else /tmp): the page
 * cache holds it instead of the process.  If that file cannot be created
 * they stay in memory, as with spill false.  Only before the first add. */
void kg_resolver_set_spill(kg_resolver *resolver, bool spill);

/* User aliases: merges and splits that override the rules.  json is
 *
 *   {"merge": [["FNPR", "FITUR", "Federation of Independent Trade Unions of Russia"]],
 *    "split": [["Kairat Ospanov", "Kayrat Ospanov"]]}
 *
 * Each "merge" group (two or more forms) makes one entity of every entity of
 * one type that has one of the forms as its name or an alias; each "split"
 * pair keeps the entities having the first form apart from those having the
 * second, whatever the rules (and merge groups) say.  Forms are compared
 * with kg_text_key.  A split whose two forms are in one merge group is an
 * error.  where names the source in errors ("aliases.json"); errors carry
 * its line.  May be called several times before kg_resolver_finish; nothing
 * is kept from a call that fails. */
kg_status kg_resolver_add_aliases(kg_resolver *resolver, const char *json, size_t len,
                                  const char *where, kg_error *err);

/* Same, reading the file at path. */
kg_status kg_resolver_load_aliases(kg_resolver *resolver, const char *path, kg_error *err);

/* Resolves everything added so far into *out (which the caller releases
 * with kg_resolved_clear).  May be called once, successful or not: the
 * resolver lets go of what was added as it goes (*out refers to none of it,
 * only to pooled strings), keeping only its statistics. */
kg_status kg_resolver_finish(kg_resolver *resolver, kg_resolved *out, kg_error *err);

/* Wall-clock seconds of each phase of kg_resolver_finish (docs/resolution.md
 * names the phases); `kgraph build --timings` prints them. */
typedef struct kg_resolve_timing {
    double nodes;     /* distinct names, their features and posts */
    double keys;      /* user groups, blocking keys */
    double links;     /* candidate pairs scored, links checked, clusters */
    double entities;  /* labels, aliases, documents, ids, the audit trail */
    double relations; /* relation records read back, grouped, evidence */
    double documents; /* the document table */
} kg_resolve_timing;

/* What kg_resolver_finish did, for benchmarks and tuning. */
typedef struct kg_resolve_stats {
    size_t mentions;        /* document entities added */
    size_t nodes;           /* distinct (type, normalised name) */
    size_t keys;            /* blocking keys */
    size_t candidate_pairs; /* pairs of nodes proposed by a shared key and examined */
    size_t links;           /* pairs the rules accepted as evidence */
    size_t merges;          /* clusters joined (the audit trail, "exact" aside) */
    size_t refused;         /* links refused because some pair was incompatible */
    size_t compat_checks;   /* node pairs checked for compatibility */
    kg_resolve_timing seconds;
} kg_resolve_stats;

/* Fills *out (zeros before kg_resolver_finish). */
void kg_resolver_stats(const kg_resolver *resolver, kg_resolve_stats *out);

/* The merges that formed entity i: *first is the index of the first in
 * data->merges (which are sorted by entity), the count is returned. */
size_t kg_resolved_merges_of(const kg_resolved *data, size_t i, size_t *first);

/* Writes to out, for every entity whose id, label or alias matches name
 * (kg_text_key equality, or equal transliterations), its id, type, labels,
 * aliases, documents and the merges that formed it.  KG_FAILURE when no
 * entity matches (nothing written), KG_ERR_IO when writing fails. */
kg_status kg_resolved_explain(const kg_resolved *data, const char *name, FILE *out);

#ifdef __cplusplus
}
#endif

#endif /* KG_RESOLVE_H */
