/* kg_model.h — the plain data every kgraph stage exchanges.
 *
 * Stages (extract → resolve → graph → exporters) talk only through the types
 * declared here: status codes and errors, the string pool, the entity and
 * relation vocabularies, per-document facts with their evidence, and the
 * resolved, cross-document entity and relation tables.  Nothing here knows
 * about igraph, raptor2 or jansson.
 *
 * Strings: every `const char *` stored in these structs is interned in a
 * kg_strpool (NUL-terminated UTF-8, NFC) and stays valid while that pool
 * lives; the structs never own them.
 */
#ifndef KG_MODEL_H
#define KG_MODEL_H

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#define KG_VERSION "0.1.0"

/* ---- status and errors ------------------------------------------------ */

typedef enum kg_status {
    KG_OK = 0,
    KG_FAILURE,     /* non-fatal: nothing found, end of input */
    KG_ERR_NOMEM,   /* allocation failed */
    KG_ERR_IO,      /* reading or writing a file failed */
    KG_ERR_PARSE,   /* malformed input (JSON Lines, rule file, ...) */
    KG_ERR_USAGE,   /* bad option or argument */
    KG_ERR_INPUT,   /* input unusable: missing, empty, not a document */
    KG_ERR_GRAPH,   /* igraph or another library reported an error */
    KG_ERR_INTERNAL /* a broken invariant: a bug */
} kg_status;

/* Static English text for a status; never NULL. */
const char *kg_strerror(kg_status status);

/* Where and what went wrong.  Filled by the library, printed by the CLI.
 * `where` is a file name (or "-" / "<stdin>"), line and column are 1-based
 * and 0 when unknown. */
typedef struct kg_error {
    kg_status status;
    char where[512];
    size_t line;
    size_t column;
    char message[512];
} kg_error;

/* Resets err (NULL is allowed everywhere an kg_error * is taken). */
void kg_error_clear(kg_error *err);

/* Records status, place and a printf-style message; returns status so that
 * callers can `return kg_error_set(...)`.  where may be NULL. */
kg_status kg_error_set(kg_error *err, kg_status status, const char *where, size_t line,
                       size_t column, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 6, 7)))
#endif
    ;

/* "where:line:column: message" (parts that are unknown are left out) into
 * buf; returns buf. */
const char *kg_error_format(const kg_error *err, char *buf, size_t size);

/* ---- string pool -------------------------------------------------------- */

/* Interned, immutable strings.  Equal strings get the same pointer, so
 * pointer equality is string equality for interned strings.  Memory is
 * released only by kg_strpool_free. */
typedef struct kg_strpool kg_strpool;

/* New empty pool, or NULL when out of memory.  Caller frees with
 * kg_strpool_free. */
kg_strpool *kg_strpool_new(void);

/* NULL is a no-op. */
void kg_strpool_free(kg_strpool *pool);

/* Interns len bytes of s (which need not be NUL-terminated and may contain no
 * NUL).  Returns the pooled copy, borrowed, valid while pool lives; NULL when
 * out of memory. */
const char *kg_strpool_intern(kg_strpool *pool, const char *s, size_t len);

/* Same for a NUL-terminated string; NULL s gives NULL. */
const char *kg_strpool_cstr(kg_strpool *pool, const char *s);

/* Copies len bytes of s (no NUL among them) into pool, with a NUL, without
 * looking for or recording a duplicate: for a scratch pool whose strings
 * are only read back (never kg_strpool_intern into such a pool: it would not
 * find them).  Cheaper than interning when most strings are new.  NULL when
 * out of memory. */
const char *kg_strpool_copy(kg_strpool *pool, const char *s, size_t len);

/* Lets go of the table that finds duplicates (about 20 bytes a string),
 * keeping every string: for when no more strings will be interned for a
 * while (kgraph build, once the entities are resolved).  The next
 * kg_strpool_intern rebuilds it.  NULL is a no-op. */
void kg_strpool_drop_index(kg_strpool *pool);

/* Number of distinct strings and bytes held (for statistics). */
size_t kg_strpool_count(const kg_strpool *pool);
size_t kg_strpool_bytes(const kg_strpool *pool);

/* Number of online processors (at least 1): the default thread count of the
 * extraction and the analytics. */
size_t kg_cpu_count(void);

/* ---- vocabularies ------------------------------------------------------- */

typedef enum kg_entity_type {
    KG_ENT_ORGANIZATION = 0,
    KG_ENT_PERSON,
    KG_ENT_AGREEMENT,
    KG_ENT_EVENT,
    KG_ENT_PLACE,
    KG_ENT_TYPE_COUNT
} kg_entity_type;

typedef enum kg_relation_type {
    KG_REL_HOLDS_POST = 0,  /* Person → Organization, with role */
    KG_REL_PARTY_TO,        /* Organization → Agreement */
    KG_REL_SIGNED,          /* Person → Agreement */
    KG_REL_MEMBER_OF,       /* Organization → Organization */
    KG_REL_MET_WITH,        /* symmetric: stored with subject IRI < object IRI */
    KG_REL_VISITED,         /* Person|Organization → Place */
    KG_REL_PARTICIPATED_IN, /* Person|Organization → Event */
    KG_REL_ORGANIZED,       /* Organization → Event */
    KG_REL_LOCATED_IN,      /* Organization|Event|Place → Place */
    KG_REL_TYPE_COUNT
} kg_relation_type;

/* "Organization", "Person", ... ; NULL for an out-of-range value. */
const char *kg_entity_type_name(kg_entity_type type);
/* "holds_post", "party_to", ... ; NULL for an out-of-range value. */
const char *kg_relation_type_name(kg_relation_type type);
/* Case-insensitive inverse of the above; KG_FAILURE when unknown. */
kg_status kg_entity_type_parse(const char *name, kg_entity_type *out);
kg_status kg_relation_type_parse(const char *name, kg_relation_type *out);

/* ---- evidence ------------------------------------------------------------ */

/* Why kgraph believes a relation: where it was read and by which rule. */
typedef struct kg_evidence {
    const char *doc;   /* document id */
    size_t sentence;   /* 0-based sentence index in the document */
    size_t start, end; /* byte offsets in the document text of the matched span */
    const char *text;  /* the whole sentence, whitespace collapsed */
    const char *rule;  /* id of the rule that produced the relation */
    double confidence; /* in [0, 1] */
} kg_evidence;

/* Total order (doc, sentence, start, end, rule, text): used to sort and
 * deduplicate evidence so output never depends on input order. */
int kg_evidence_cmp(const kg_evidence *a, const kg_evidence *b);

/* ---- per-document facts (output of extract, input of resolve) ------------ */

/* One entity as named inside one document, after in-document coreference
 * (an acronym defined in parentheses and the long form are one entity). */
typedef struct kg_doc_entity {
    kg_entity_type type;
    const char *name;     /* in-document canonical form (nominative, spaces collapsed) */
    const char *lang;     /* "en", "ru", ... language of name */
    const char **aliases; /* other forms seen (surface forms, acronyms); owned array */
    size_t n_aliases, cap_aliases;
    size_t mentions;  /* how often the entity is mentioned in the document (≥ 1) */
    const char *date; /* agreements and events: ISO 8601 date read in the text, or NULL */
} kg_doc_entity;

typedef struct kg_doc_relation {
    kg_relation_type type;
    size_t subject, object; /* indices into kg_doc_facts.entities */
    const char *role;       /* normalised role for holds_post ("chairman"), else NULL */
    const char *role_text;  /* the role as written ("Председатель"), else NULL */
    kg_evidence evidence;
} kg_doc_relation;

typedef struct kg_doc_facts {
    const char *doc_id;
    const char *lang;               /* detected or given language of the document */
    const char *title, *date, *url; /* NULL when unknown */
    size_t n_sentences, n_bytes;
    kg_doc_entity *entities;
    size_t n_entities, cap_entities;
    kg_doc_relation *relations;
    size_t n_relations, cap_relations;
    /* Extraction limits this document hit (KG_LIMIT_* bits, kg_extract.h),
     * for the caller's warnings; not part of the facts formats. */
    unsigned limits_hit;
} kg_doc_facts;

/* Zero-initialises facts. */
void kg_doc_facts_init(kg_doc_facts *facts);
/* Frees the arrays held by facts (not the pooled strings) and re-inits it.
 * NULL is a no-op. */
void kg_doc_facts_clear(kg_doc_facts *facts);

/* Finds the entity with this type and name (exact, pooled pointer equality
 * is enough since names are interned) or appends it; *index receives its
 * position.  A found entity has its mention count incremented. */
kg_status kg_doc_facts_entity(kg_doc_facts *facts, kg_entity_type type, const char *name,
                              const char *lang, size_t *index);

/* Adds alias to entity index unless it equals the name or is present. */
kg_status kg_doc_facts_alias(kg_doc_facts *facts, size_t index, const char *alias);

/* Appends a relation.  The same (type, subject, object, role) found again in
 * the same sentence of the same document is not added twice: the record with
 * the higher confidence is kept (the first one on a tie). */
kg_status kg_doc_facts_relation(kg_doc_facts *facts, const kg_doc_relation *rel);

/* ---- resolved, cross-document tables (output of resolve) ----------------- */

/* What is known of one input document. */
typedef struct kg_doc_info {
    const char *id;
    const char *lang;
    const char *title, *date, *url; /* NULL when unknown */
    size_t n_sentences, n_bytes;
} kg_doc_info;

typedef struct kg_entity {
    kg_entity_type type;
    const char *id;       /* IRI local part, e.g. "organization/federation-of-x"; unique */
    const char *label;    /* canonical label */
    const char *lang;     /* language of label */
    const char *label_en; /* best English/Latin label, or NULL */
    const char *label_ru; /* best Russian/Cyrillic label, or NULL */
    const char **aliases; /* every other form seen, sorted (byte order) */
    size_t n_aliases;
    size_t mentions;        /* total mentions over all documents */
    const char **documents; /* ids of documents mentioning it, sorted */
    size_t n_documents;
    const char *date; /* agreements and events: earliest ISO 8601 date read, or NULL */
} kg_entity;

typedef struct kg_relation {
    kg_relation_type type;
    size_t subject, object; /* indices into the entity array */
    const char *role;       /* normalised role (holds_post) or NULL */
    const char *role_text;  /* most frequent written form of the role, or NULL */
    kg_evidence *evidence;  /* sorted with kg_evidence_cmp, no duplicates */
    size_t n_evidence;      /* the edge weight */
    double confidence;      /* 1 - Π(1 - c_i) over the evidence */
} kg_relation;

/* One step of the audit trail of entity resolution: two forms that were
 * taken for the same entity, by which rule and how strongly.  Rules
 * (docs/resolution.md): "exact" (one normalised name written two ways),
 * "coreference" (linked by a document's own aliases: an acronym defined in
 * parentheses, an inflected or shortened form), "acronym" (an acronym equal
 * to the initials of a long form), "transliteration" (Cyrillic and Latin
 * forms that transliterate alike), "edit distance" (spelling variants),
 * "gazetteer" (forms of one built-in place or body), "context" (the same
 * person heads both) and "user alias" (a --aliases file). */
typedef struct kg_merge {
    size_t entity;      /* index into kg_resolved.entities */
    const char *form_a; /* the two forms compared; form_a < form_b in byte order */
    const char *form_b;
    const char *rule;   /* one of the rule names above */
    double score;       /* strength of the evidence, in (0, 1] */
    const char *detail; /* what matched ("fnpr", "chairman: Kanybek Zhumaliev",
                           "aliases.json:3"), or NULL */
} kg_merge;

/* The resolved graph data: entities sorted by id, relations sorted by
 * (subject, object, type, role), documents sorted by id, merges sorted by
 * (entity, form_a, form_b, rule, score).  Produced by kg_resolver_finish
 * (kg_resolve.h); every array is owned by the struct and released by
 * kg_resolved_clear; strings live in the pool. */
typedef struct kg_resolved {
    kg_entity *entities;
    size_t n_entities;
    kg_relation *relations;
    size_t n_relations;
    kg_doc_info *documents;
    size_t n_documents;
    kg_merge *merges; /* the audit trail: every merge that formed an entity */
    size_t n_merges;
} kg_resolved;

/* Frees everything owned by data and zeroes it; NULL is a no-op. */
void kg_resolved_clear(kg_resolved *data);

#ifdef __cplusplus
}
#endif

#endif /* KG_MODEL_H */
