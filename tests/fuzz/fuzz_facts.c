/* fuzz_facts.c — libFuzzer target: the facts and JSON Lines readers.
 *
 * The input is read three ways: whole, as one facts object in the external
 * format (a *.json file); line by line, as the lines of a *.facts.jsonl
 * file; and through kg_reader as a *.jsonl file of documents (getline,
 * BOM, blank lines, "id"/"text" members, text cleaning).  Any parsed facts
 * must write back as JSON and parse again.  Errors must be described (a
 * message naming the source). */
#include "kg_extract.h"
#include "kg_facts.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static kg_strpool *pool;
static char jsonl_path[64];

static void setup_once(void) {
    if (pool != NULL)
        return;
    pool = kg_strpool_new();
    if (pool == NULL)
        abort();
    snprintf(jsonl_path, sizeof jsonl_path, "/tmp/kgraph-fuzz-facts-%ld.jsonl", (long)getpid());
}

static void round_trip(const kg_doc_facts *facts) {
    char *buf = NULL;
    size_t len = 0;
    FILE *mem = open_memstream(&buf, &len);
    if (mem == NULL)
        abort();
    kg_status st = kg_facts_write_json(facts, mem, NULL);
    fclose(mem);
    /* KG_ERR_INPUT: a string read from \u escapes that is not valid UTF-8
     * (a lone surrogate escape) is refused by the writer, not written. */
    if (st == KG_OK) {
        kg_doc_facts back;
        kg_doc_facts_init(&back);
        kg_facts_source src = {KG_FACTS_JSONL, "fuzz", 1, NULL};
        if (kg_facts_read_json(&back, pool, buf, len, &src, NULL) != KG_OK ||
            back.n_entities != facts->n_entities || back.n_relations != facts->n_relations)
            abort();
        kg_doc_facts_clear(&back);
    } else if (st != KG_ERR_INPUT) {
        abort();
    }
    free(buf);
}

/* Parses json[0..len) in format; a failure must carry a message. */
static void parse(const char *json, size_t len, kg_facts_format format, size_t line) {
    kg_doc_facts facts;
    kg_doc_facts_init(&facts);
    kg_error err;
    kg_error_clear(&err);
    kg_facts_source src = {format, "fuzz.json", line, "fuzz"};
    kg_status st = kg_facts_read_json(&facts, pool, json, len, &src, &err);
    if (st == KG_OK)
        round_trip(&facts);
    else if (st != KG_ERR_PARSE && st != KG_ERR_INPUT)
        abort();
    else if (err.message[0] == '\0' || strcmp(err.where, "fuzz.json") != 0)
        abort();
    kg_doc_facts_clear(&facts);
}

static void read_as_jsonl_documents(const uint8_t *data, size_t size) {
    FILE *f = fopen(jsonl_path, "wb");
    if (f == NULL || fwrite(data, 1, size, f) != size || fclose(f) != 0)
        abort();
    const char *inputs[] = {jsonl_path};
    kg_reader *reader = NULL;
    if (kg_reader_new(&reader, pool, inputs, 1) != KG_OK)
        abort();
    for (;;) {
        kg_document doc;
        kg_error err;
        kg_status st = kg_reader_next(reader, &doc, &err);
        if (st == KG_OK || st == KG_ERR_INPUT)
            continue; /* a document, or one bad document skipped */
        if (st != KG_FAILURE && st != KG_ERR_PARSE)
            abort();
        break;
    }
    kg_reader_free(reader);
    unlink(jsonl_path);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    setup_once();
    const char *text = (const char *)data;
    parse(text, size, KG_FACTS_EXTERNAL, 0);
    size_t line = 0;
    for (size_t start = 0; start < size;) {
        const char *nl = memchr(text + start, '\n', size - start);
        size_t end = nl != NULL ? (size_t)(nl - text) : size;
        parse(text + start, end - start, KG_FACTS_JSONL, ++line);
        start = end + 1;
    }
    read_as_jsonl_documents(data, size);
    return 0;
}
