/* kg_rules.h — the token-pattern rule language, compiled.
 *
 * Rules are JSON (extract/data/rules.json built in; more with --rules FILE;
 * docs/rules.md describes the language).  A rule is a sequence of element
 * constraints matched against a sentence seen as units — a unit is either one
 * token or one whole entity mention — plus sentence conditions, and what to
 * emit from the captured units: relations, or entities for rules that name
 * things.  Rules are compiled once into a dispatch table keyed by what their
 * first element can match, so a sentence is walked once and each position
 * tries only the rules that can start there.
 *
 * Internal to the extractor: the CLI reaches it through kg_extract.h. */
#ifndef KG_RULES_H
#define KG_RULES_H

#include "kg_extract_internal.h"

#define KX_MAX_CAPTURES 8
#define KX_MAX_NEEDS 8

/* A unit of the sentence the rules walk. */
typedef struct kx_unit {
    size_t t0, t1; /* token range */
    long mention;  /* mention index, or -1 for a plain token */
    int type;      /* kg_entity_type of the mention, or -1 */
} kx_unit;

typedef enum { KX_EMIT_RELATION, KX_EMIT_ENTITY } kx_emit_kind;

/* Where an emitted end comes from: a capture, or the sentence's topic
 * ("@topic:Agreement": the agreement named in the sentence, else the last
 * one named before it in the document). */
typedef struct kx_end {
    int capture;    /* capture id, or -1 */
    int topic_type; /* kg_entity_type for "@topic:…", or -1 */
} kx_end;

typedef struct kx_emit {
    kx_emit_kind kind;
    kg_relation_type relation;
    kx_end subject, object;
    int role_first, role_last; /* captures whose span gives the role text, or -1 */
    kg_entity_type entity;     /* KX_EMIT_ENTITY: type of the named thing */
    int entity_capture;
    bool source;        /* KX_EMIT_ENTITY: a quoted news source, which takes no relations */
    bool not_post_body; /* skip subjects that are the body of someone's post in the sentence */
} kx_emit;

typedef struct kx_rule {
    const char *id;
    double confidence;
    uint64_t when_has, when_lacks; /* the sentence has one of / none of these classes */
    bool entity_phase;             /* emits entities: runs before relation rules */
    int once; /* 1: not when the subject already has such a relation in the sentence; 2: the object
               */
    kx_emit *emits;
    size_t n_emits;
    const char *capture_names[KX_MAX_CAPTURES];
    size_t n_captures;
    struct kx_elem *pattern; /* compiled elements (kg_rules.c) */
    size_t n_pattern;
    /* What any match needs of the sentence, from the pattern's mandatory
     * elements: a unit of one of these entity types (bit masks), a token of
     * one of these classes.  Sentences without them are skipped whole. */
    uint32_t need_entities[KX_MAX_NEEDS];
    uint64_t need_lex[KX_MAX_NEEDS];
    size_t n_need_entities, n_need_lex;
    bool starts_anywhere; /* the first element may match nothing or anything */
} kx_rule;

typedef struct kx_rules kx_rules;

/* An empty rule set.  Caller frees with kx_rules_free. */
kx_rules *kx_rules_new(void);
void kx_rules_free(kx_rules *rules);

/* Compiles the rules of one JSON text (where names it in messages) and adds
 * them; a rule whose id is already present replaces it.  Errors: KG_ERR_PARSE
 * with where, the line of the offending rule and what is wrong. */
kg_status kx_rules_load(kx_rules *rules, kg_extractor *ex, const char *text, size_t len,
                        const char *where, kg_error *err);

/* Number of rules. */
size_t kx_rules_count(const kx_rules *rules);

/* Called for each match with the rule and, per capture id, the units it
 * captured (units[c][0..n[c])). */
typedef kg_status (*kx_match_fn)(void *ctx, const kx_rule *rule, size_t *const *units,
                                 const size_t *n);

/* Runs the rules of one phase (entity_phase true or false) over a sentence's
 * units.  sentence_classes is the union of the classes of its tokens. */
kg_status kx_rules_match(const kx_rules *rules, const kx_token *toks, const kx_unit *units,
                         size_t n_units, uint64_t sentence_classes, bool entity_phase,
                         kx_match_fn fn, void *ctx);

#endif /* KG_RULES_H */
