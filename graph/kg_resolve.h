/* kg_resolve.h — one entity per real-world entity across documents.
 *
 * The resolver takes per-document facts one document at a time (it copies
 * what it needs, so the caller may clear the facts right after), and at the
 * end produces the resolved tables: entities with canonical labels, aliases,
 * mention counts and documents; relations merged so that the same fact
 * found again becomes one relation whose evidence list grows.
 *
 * Result is independent of the order in which documents are added.
 * Memory grows with the number of distinct entities, relations and evidence
 * records, never with the text of the corpus.
 */
#ifndef KG_RESOLVE_H
#define KG_RESOLVE_H

#include "kg_model.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct kg_resolver kg_resolver;

/* New resolver interning into pool (borrowed; must outlive the resolver and
 * the kg_resolved it produces).  Caller frees with kg_resolver_free. */
kg_status kg_resolver_new(kg_resolver **out, kg_strpool *pool);

/* NULL is a no-op. */
void kg_resolver_free(kg_resolver *resolver);

/* Adds one document's facts.  facts is only read. */
kg_status kg_resolver_add(kg_resolver *resolver, const kg_doc_facts *facts);

/* Resolves everything added so far into *out (which the caller releases
 * with kg_resolved_clear).  May be called once. */
kg_status kg_resolver_finish(kg_resolver *resolver, kg_resolved *out, kg_error *err);

#ifdef __cplusplus
}
#endif

#endif /* KG_RESOLVE_H */
