/* fuzz_rules.c — libFuzzer target: the loaders of user data files.
 *
 * The first byte chooses the loader, the rest is the file: 0 mod 3 a rule
 * file (kx_rules_load, docs/rules.md), 1 a lexicon file (kx_lexicon_add),
 * 2 an alias file (kg_resolver_add_aliases, docs/resolution.md).  Each
 * gets a fresh rule set, lexicon or resolver, so runs do not depend on one
 * another.  A file is loaded or refused with KG_ERR_PARSE and a message;
 * a loaded rule set then runs over a short text. */
#include "kg_extract_internal.h"
#include "kg_resolve.h"
#include "kg_rules.h"

#include <jansson.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static kg_strpool *pool;
static kg_extractor *extractor;

static void setup_once(void) {
    if (extractor != NULL)
        return;
    pool = kg_strpool_new();
    if (pool == NULL || kg_extractor_new(&extractor, pool, NULL) != KG_OK)
        abort();
}

/* A refusal must be KG_ERR_PARSE (or KG_ERR_INPUT) naming the file. */
static void check_refusal(kg_status st, const kg_error *err) {
    if (st == KG_OK)
        return;
    if ((st != KG_ERR_PARSE && st != KG_ERR_INPUT) || err->message[0] == '\0' ||
        strcmp(err->where, "fuzz.json") != 0)
        abort();
}

static void load_rules(const char *text, size_t len) {
    static const char sample[] =
        "Chairman of the Federation of Trade Unions of Kazakhstan (FPRK) Satybaldy Dauletalin "
        "signed a memorandum with the FNPR in Astana on 12 May 2023.";
    kg_error err;
    kg_error_clear(&err);
    kx_rules *saved = extractor->rules;
    kx_rules *rules = kx_rules_new();
    if (rules == NULL)
        abort();
    kg_status st = kx_rules_load(rules, extractor, text, len, "fuzz.json", &err);
    check_refusal(st, &err);
    if (st == KG_OK && kx_rules_count(rules) > 0) {
        /* run the user's rules alone over a sentence every rule may touch */
        extractor->rules = rules;
        kg_document doc = {0};
        doc.id = "fuzz";
        doc.text = sample;
        doc.len = sizeof sample - 1;
        doc.lang = "en";
        kg_doc_facts facts;
        kg_doc_facts_init(&facts);
        if (kg_extract_document(extractor, &doc, &facts) != KG_OK)
            abort();
        kg_doc_facts_clear(&facts);
        extractor->rules = saved;
    }
    kx_rules_free(rules);
}

/* Text that is not JSON is refused before the lexicon is touched, so it
 * goes to the extractor's own lexicon; JSON gets a fresh one (building it
 * costs far more than the rest of a run). */
static void load_lexicon(const char *text, size_t len) {
    kg_error err;
    kg_error_clear(&err);
    json_t *json = json_loadb(text, len, 0, NULL);
    kx_lexicon *lex = NULL;
    if (json == NULL)
        lex = extractor->lex;
    else if (kx_lexicon_new(&lex, extractor, &err) != KG_OK)
        abort();
    json_decref(json);
    kg_status st = kx_lexicon_add(lex, extractor, text, len, "fuzz.json", &err);
    check_refusal(st, &err);
    if (lex == extractor->lex && st == KG_OK)
        abort(); /* not JSON, yet accepted */
    if (lex != extractor->lex)
        kx_lexicon_free(lex);
}

static void load_aliases(const char *text, size_t len) {
    kg_error err;
    kg_error_clear(&err);
    kg_resolver *resolver = NULL;
    if (kg_resolver_new(&resolver, pool) != KG_OK)
        abort();
    kg_status st = kg_resolver_add_aliases(resolver, text, len, "fuzz.json", &err);
    check_refusal(st, &err);
    kg_resolver_free(resolver);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    setup_once();
    if (size == 0)
        return 0;
    const char *text = (const char *)data + 1;
    switch (data[0] % 3) {
    case 0:
        load_rules(text, size - 1);
        break;
    case 1:
        load_lexicon(text, size - 1);
        break;
    default:
        load_aliases(text, size - 1);
        break;
    }
    return 0;
}
