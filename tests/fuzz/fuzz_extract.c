/* fuzz_extract.c — libFuzzer target: raw bytes → kg_document_from_bytes
 * (binary check, UTF-8 repair, CRLF, BOM, metadata lines) → extraction →
 * the facts written as one JSON line and read back.
 *
 * Checks the extractor's contract on any byte string: it never fails but
 * for KG_ERR_NOMEM, relations point at entities that exist, evidence spans
 * lie inside the document text, and the facts round-trip through
 * kg_facts_write_json / kg_facts_read_json. */
#include "kg_extract.h"
#include "kg_facts.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static kg_strpool *pool;
static kg_extractor *extractor;

/* Pool bytes after which the pool and extractor are made afresh, so that a
 * day of fuzzing stays within libFuzzer's memory limit. */
#define RENEW_BYTES ((size_t)128 << 20)

/* One extractor for many inputs: building the lexicon dominates a run
 * otherwise.  Its pool grows with the strings interned, as in a long build,
 * up to RENEW_BYTES. */
static void setup_once(void) {
    if (extractor != NULL && kg_strpool_bytes(pool) < RENEW_BYTES)
        return;
    kg_extractor_free(extractor);
    kg_strpool_free(pool);
    extractor = NULL;
    pool = kg_strpool_new();
    if (pool == NULL || kg_extractor_new(&extractor, pool, NULL) != KG_OK)
        abort();
}

static void check_facts(const kg_doc_facts *facts, const kg_document *doc) {
    for (size_t i = 0; i < facts->n_relations; i++) {
        const kg_doc_relation *r = &facts->relations[i];
        if (r->subject >= facts->n_entities || r->object >= facts->n_entities)
            abort();
        if (r->evidence.start > r->evidence.end || r->evidence.end > doc->len)
            abort();
        if (r->evidence.sentence >= facts->n_sentences)
            abort();
    }
}

/* Writes facts as JSON and reads them back: must succeed and agree. */
static void round_trip(const kg_doc_facts *facts) {
    char *buf = NULL;
    size_t len = 0;
    FILE *mem = open_memstream(&buf, &len);
    if (mem == NULL)
        abort();
    kg_status st = kg_facts_write_json(facts, mem, NULL);
    if (fclose(mem) != 0 || st != KG_OK)
        abort();
    kg_doc_facts back;
    kg_doc_facts_init(&back);
    kg_facts_source src = {KG_FACTS_JSONL, "fuzz", 1, NULL};
    st = kg_facts_read_json(&back, pool, buf, len, &src, NULL);
    if (st != KG_OK || back.n_entities != facts->n_entities ||
        back.n_relations != facts->n_relations)
        abort();
    kg_doc_facts_clear(&back);
    free(buf);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    setup_once();
    kg_document doc;
    char *text = NULL;
    kg_status st = kg_document_from_bytes(&doc, &text, pool, (const char *)data, size, "fuzz",
                                          "fuzz.txt", NULL);
    if (st == KG_ERR_INPUT) /* binary or empty: rejected, nothing to extract */
        return 0;
    if (st != KG_OK)
        abort();
    kg_doc_facts facts;
    kg_doc_facts_init(&facts);
    if (kg_extract_document(extractor, &doc, &facts) != KG_OK)
        abort();
    check_facts(&facts, &doc);
    round_trip(&facts);
    kg_doc_facts_clear(&facts);
    free(text);
    return 0;
}
