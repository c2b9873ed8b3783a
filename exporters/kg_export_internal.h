/* kg_export_internal.h — helpers shared by the writers (not installed).
 *
 * What lives here is what every format must agree on: which base IRIs are
 * acceptable, how an entity IRI is spelled, how text that is not clean UTF-8
 * is repaired, the list of centrality measures with their names in each
 * format, and how a write error becomes a kg_error.
 */
#ifndef KG_EXPORT_INTERNAL_H
#define KG_EXPORT_INTERNAL_H

#include "kg_export.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

/* ---- growable byte buffer ------------------------------------------------ */

/* A NUL-terminated string being built.  Any allocation failure sets failed
 * and makes later appends no-ops, so callers check once at the end.
 * Initialise with KG_BUF_INIT, release with kg_buf_clear. */
typedef struct kg_buf {
    char *data;
    size_t len, cap;
    bool failed;
} kg_buf;

#define KG_BUF_INIT                                                                                \
    { NULL, 0, 0, false }

void kg_buf_put(kg_buf *buf, const char *s, size_t len);
void kg_buf_puts(kg_buf *buf, const char *s);
void kg_buf_printf(kg_buf *buf, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 2, 3)))
#endif
    ;
/* Empties the buffer but keeps its memory (and clears failed). */
void kg_buf_reset(kg_buf *buf);
/* Frees the memory; the buffer is KG_BUF_INIT again. */
void kg_buf_clear(kg_buf *buf);

/* ---- IRIs ------------------------------------------------------------------ */

/* Checks a user-supplied base IRI: valid UTF-8, an RFC 3987 scheme, no
 * character that may not appear in an IRI (space, controls, <>"{}|^`\) and
 * only well-formed %XX escapes.  KG_ERR_USAGE naming the problem otherwise. */
kg_status kg_export_check_base_iri(const char *base_iri, kg_error *err);

/* Appends base_iri + local to buf, percent-encoding (as UTF-8 bytes) every
 * byte of local that may not appear in an IRI, so a local part that is
 * already safe (every id kgraph mints) is copied unchanged. */
void kg_export_iri_append(kg_buf *buf, const char *base_iri, const char *local);

/* Full IRI of entity i as a new string (caller frees), spelled the same in
 * every format; NULL when out of memory. */
char *kg_export_entity_iri(const kg_graph *graph, size_t i);

/* ---- text ------------------------------------------------------------------ */

/* True when s[0..len) is well-formed UTF-8 (no overlongs or surrogates). */
bool kg_export_utf8_valid(const char *s, size_t len);

/* New string (caller frees) with every invalid UTF-8 sequence replaced by
 * U+FFFD.  With for_xml, also replaces what XML 1.0 cannot carry: C0 controls
 * other than TAB, LF and CR and DEL become a space, U+FFFE/U+FFFF become
 * U+FFFD.  NULL when out of memory. */
char *kg_export_clean_text(const char *s, size_t len, bool for_xml);

/* x when it is finite, else 0: no writer ever emits NaN or infinity. */
double kg_export_finite(double x);

/* ---- centrality measures -------------------------------------------------- */

typedef struct kg_export_measure {
    const char *name;     /* JSON and GraphML key: "in_degree" */
    const char *rdf_name; /* Turtle predicate: "kg:inDegree" */
    const char *method;   /* short description written into the JSON header */
    size_t offset;        /* of the double in kg_centrality */
} kg_export_measure;

#define KG_EXPORT_N_MEASURES 12
extern const kg_export_measure kg_export_measures[KG_EXPORT_N_MEASURES];

/* Index of betweenness in kg_export_measures: its method depends on the
 * graph (kg_export_measure_method). */
#define KG_EXPORT_MEASURE_BETWEENNESS 4

/* The method text of measure m for this graph: the table's text, except
 * for sampled betweenness, which names its sources and seed; written into
 * buf when it has to be composed.  Never NULL. */
const char *kg_export_measure_method(const kg_graph *graph, const kg_export_measure *m, char *buf,
                                     size_t size);

/* The community of entity i (0 when there is no community array). */
size_t kg_export_community(const kg_graph *graph, size_t i);

/* The value of measure m for entity i (0 when there is no centrality array),
 * never NaN or infinite. */
double kg_export_measure_value(const kg_graph *graph, size_t i, const kg_export_measure *m);

/* ---- relations and numbers ------------------------------------------------ */

/* kg_hash64 (seed 0) of the relation's subject id, type, object id and role
 * (empty when none) joined by U+001F: the key of its statement IRI
 * (base + "relation/" + 16 hex digits) in RDF, of its "iri" in JSON and CSV
 * and of its Cytoscape.js edge id.  scratch is working memory; 0 with
 * scratch->failed set when out of memory. */
uint64_t kg_export_relation_key(const kg_graph *graph, const kg_relation *r, kg_buf *scratch);

#define KG_EXPORT_RELATION_LOCAL_SIZE 26

/* "relation/" + the key as 16 lower-case hex digits. */
void kg_export_relation_local(uint64_t key, char out[KG_EXPORT_RELATION_LOCAL_SIZE]);

/* x (0 when not finite) as printf's "%.<precision>g" would write it in the C
 * locale: the decimal point is always '.'. */
void kg_export_format_g(double x, int precision, char *out, size_t size);

/* ---- errors ------------------------------------------------------------------ */

/* Flushes out and checks its error indicator: KG_ERR_IO with strerror of the
 * failure when anything written to out was lost (ENOSPC shows up here, since
 * stdio buffers until the flush). */
kg_status kg_export_flush(FILE *out, kg_error *err);

/* Output gathered into a block of `size` bytes and written to file a block
 * at a time: what the streaming writers (RDF, GraphML) put their bytes
 * through.  The first write error is kept in errnum; later writes are
 * dropped. */
typedef struct kg_block_out {
    FILE *file;
    char *block; /* size bytes, owned by the writer */
    size_t size, used;
    int errnum;
} kg_block_out;

/* Writes what the block holds. */
void kg_block_flush(kg_block_out *o);
/* The slow path of kg_block_put_n: the block is full (or len is larger). */
void kg_block_spill(kg_block_out *o, const char *s, size_t len);

static inline void kg_block_put_n(kg_block_out *o, const char *s, size_t len) {
    if (o->used + len > o->size) {
        kg_block_spill(o, s, len);
        return;
    }
    memcpy(o->block + o->used, s, len);
    o->used += len;
}

/* KG_ERR_IO "write failed: <strerror(errnum)>" (EIO when errnum is 0). */
kg_status kg_export_write_error(kg_error *err, int errnum);

/* ---- Turtle's compact forms (rdf.c) ---------------------------------------- */

/* True when local can follow "prefix:" as it is (a PN_LOCAL in kgraph's
 * slug alphabet, not ending in '.'). */
bool kg_export_turtle_local_ok(const char *local, size_t len);
/* True when the literal may be written bare and read back with the same
 * lexical form and datatype (canonical xsd:integer, xsd:boolean). */
bool kg_export_turtle_bare_literal(const char *lexical, size_t len, const char *datatype);

/* ---- reading ahead ------------------------------------------------------- */

/* The writers walk the entities and relations in order, but the strings
 * each one writes (ids, sentences, document ids) lie all over the string
 * pool: on a large graph every one is a cache miss, which the CPU waits
 * for.  Called for element i before it is written, these ask for what
 * element i + KG_EXPORT_AHEAD will need (its strings, read through the
 * records asked for at i + 2 * KG_EXPORT_AHEAD), so that the misses
 * overlap the writing.  They change nothing and never fault. */
#define KG_EXPORT_AHEAD 8
#define KG_EXPORT_AHEAD_EVIDENCE 4 /* the first evidence records of a relation */
#define KG_EXPORT_AHEAD_DOCUMENTS 8

static inline void kg_export_prefetch_text(const char *s) {
    __builtin_prefetch(s);
    __builtin_prefetch(s + 64); /* a prefetch past the end is harmless */
}

static inline void kg_export_prefetch_relation(const kg_resolved *data, size_t j) {
    if (j + 2 * KG_EXPORT_AHEAD < data->n_relations) {
        const kg_relation *r = &data->relations[j + 2 * KG_EXPORT_AHEAD];
        __builtin_prefetch(r->evidence);
        __builtin_prefetch(&data->entities[r->subject]);
        __builtin_prefetch(&data->entities[r->object]);
    }
    if (j + KG_EXPORT_AHEAD < data->n_relations) {
        const kg_relation *r = &data->relations[j + KG_EXPORT_AHEAD];
        size_t n =
            r->n_evidence < KG_EXPORT_AHEAD_EVIDENCE ? r->n_evidence : KG_EXPORT_AHEAD_EVIDENCE;
        for (size_t k = 0; k < n; k++) {
            kg_export_prefetch_text(r->evidence[k].text);
            __builtin_prefetch(r->evidence[k].doc);
        }
        __builtin_prefetch(data->entities[r->subject].id);
        __builtin_prefetch(data->entities[r->object].id);
    }
}

static inline void kg_export_prefetch_entity(const kg_resolved *data, size_t i) {
    if (i + 2 * KG_EXPORT_AHEAD < data->n_entities) {
        const kg_entity *e = &data->entities[i + 2 * KG_EXPORT_AHEAD];
        __builtin_prefetch(e->documents);
        __builtin_prefetch(e->aliases);
    }
    if (i + KG_EXPORT_AHEAD < data->n_entities) {
        const kg_entity *e = &data->entities[i + KG_EXPORT_AHEAD];
        size_t n =
            e->n_documents < KG_EXPORT_AHEAD_DOCUMENTS ? e->n_documents : KG_EXPORT_AHEAD_DOCUMENTS;
        for (size_t k = 0; k < n; k++)
            __builtin_prefetch(e->documents[k]);
        __builtin_prefetch(e->id);
        __builtin_prefetch(e->label);
    }
}

#endif /* KG_EXPORT_INTERNAL_H */
