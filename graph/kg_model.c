/* kg_model.c — status codes, errors, the string pool, vocabularies and the
 * per-document fact containers declared in kg_model.h. */
#include "kg_model.h"
#include "kg_hash.h"
#include "kg_model_internal.h"
#include "kg_text.h"

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>

size_t kg_cpu_count(void) {
    long n = sysconf(_SC_NPROCESSORS_ONLN);
    return n > 0 ? (size_t)n : 1;
}

/* ---- status and errors ---------------------------------------------------- */

const char *kg_strerror(kg_status status) {
    switch (status) {
    case KG_OK:
        return "success";
    case KG_FAILURE:
        return "nothing found";
    case KG_ERR_NOMEM:
        return "out of memory";
    case KG_ERR_IO:
        return "input/output error";
    case KG_ERR_PARSE:
        return "parse error";
    case KG_ERR_USAGE:
        return "usage error";
    case KG_ERR_INPUT:
        return "unusable input";
    case KG_ERR_GRAPH:
        return "graph library error";
    case KG_ERR_INTERNAL:
        return "internal error";
    }
    return "unknown error";
}

void kg_error_clear(kg_error *err) {
    if (err != NULL)
        memset(err, 0, sizeof *err);
}

kg_status kg_error_set(kg_error *err, kg_status status, const char *where, size_t line,
                       size_t column, const char *fmt, ...) {
    if (err == NULL)
        return status;
    err->status = status;
    snprintf(err->where, sizeof err->where, "%s", where != NULL ? where : "");
    err->line = line;
    err->column = column;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(err->message, sizeof err->message, fmt, ap);
    va_end(ap);
    return status;
}

const char *kg_error_format(const kg_error *err, char *buf, size_t size) {
    if (size == 0)
        return buf;
    buf[0] = '\0';
    if (err == NULL)
        return buf;
    const char *msg = err->message[0] != '\0' ? err->message : kg_strerror(err->status);
    if (err->where[0] == '\0')
        snprintf(buf, size, "%s", msg);
    else if (err->line == 0)
        snprintf(buf, size, "%s: %s", err->where, msg);
    else if (err->column == 0)
        snprintf(buf, size, "%s:%zu: %s", err->where, err->line, msg);
    else
        snprintf(buf, size, "%s:%zu:%zu: %s", err->where, err->line, err->column, msg);
    return buf;
}

/* ---- string pool ------------------------------------------------------------
 * Strings are copied into large chunks that never move, so the pointers handed
 * out stay valid for the pool's life; an open-addressing table of those
 * pointers (with 32 bits of their hashes) finds duplicates.  The table is
 * filled to at most three quarters and has 16-byte slots: on a large corpus
 * (millions of strings) it is a fair part of the memory.  It can be let go
 * of (kg_strpool_drop_index) and is then rebuilt from the chunks, whose
 * strings lie back to back, each with its NUL, when next needed. */

#define POOL_CHUNK (64 * 1024)
#define POOL_FIRST_SLOTS 1024

typedef struct pool_chunk {
    struct pool_chunk *next;
    size_t used, size;
    char data[];
} pool_chunk;

typedef struct pool_slot {
    const char *str;
    uint32_t hash; /* of kg_hash_fast, folded */
    uint32_t len;  /* UINT32_MAX: that long or longer */
} pool_slot;

struct kg_strpool {
    pool_chunk *chunks;
    pool_slot *slots; /* NULL after kg_strpool_drop_index */
    size_t n_slots;   /* power of two */
    size_t count;
    size_t bytes;
};

kg_strpool *kg_strpool_new(void) {
    kg_strpool *pool = calloc(1, sizeof *pool);
    if (pool == NULL)
        return NULL;
    pool->n_slots = POOL_FIRST_SLOTS;
    pool->slots = calloc(pool->n_slots, sizeof *pool->slots);
    if (pool->slots == NULL) {
        free(pool);
        return NULL;
    }
    return pool;
}

void kg_strpool_free(kg_strpool *pool) {
    if (pool == NULL)
        return;
    pool_chunk *c = pool->chunks;
    while (c != NULL) {
        pool_chunk *next = c->next;
        free(c);
        c = next;
    }
    free(pool->slots);
    free(pool);
}

static uint32_t pool_hash(const char *s, size_t len) {
    uint64_t h = kg_hash_fast(s, len); /* the table's own: never written out */
    return (uint32_t)(h ^ (h >> 32));
}

static uint32_t pool_len(size_t len) {
    return len < UINT32_MAX ? (uint32_t)len : UINT32_MAX;
}

static bool pool_full(size_t count, size_t n_slots) {
    return count > n_slots / 4 * 3;
}

/* Puts a string known to be absent into slots (n a power of two). */
static void pool_place(pool_slot *slots, size_t n, const pool_slot *slot) {
    size_t j = slot->hash & (n - 1);
    while (slots[j].str != NULL)
        j = (j + 1) & (n - 1);
    slots[j] = *slot;
}

static int pool_grow(kg_strpool *pool) {
    size_t n = pool->n_slots * 2;
    pool_slot *slots = calloc(n, sizeof *slots);
    if (slots == NULL)
        return -1;
    for (size_t i = 0; i < pool->n_slots; i++)
        if (pool->slots[i].str != NULL)
            pool_place(slots, n, &pool->slots[i]);
    free(pool->slots);
    pool->slots = slots;
    pool->n_slots = n;
    return 0;
}

/* The table again, from the strings in the chunks (counted anew, so that a
 * string holding a NUL against kg_strpool_intern's contract cannot
 * overfill it). */
static int pool_reindex(kg_strpool *pool) {
    size_t strings = 0;
    for (const pool_chunk *c = pool->chunks; c != NULL; c = c->next)
        for (size_t at = 0; at < c->used; at += strlen(c->data + at) + 1)
            strings++;
    size_t n = POOL_FIRST_SLOTS;
    while (pool_full(strings + 1, n))
        n *= 2;
    pool_slot *slots = calloc(n, sizeof *slots);
    if (slots == NULL)
        return -1;
    for (const pool_chunk *c = pool->chunks; c != NULL; c = c->next)
        for (size_t at = 0; at < c->used;) {
            const char *str = c->data + at;
            size_t len = strlen(str);
            pool_place(slots, n, &(pool_slot){str, pool_hash(str, len), pool_len(len)});
            at += len + 1;
        }
    pool->slots = slots;
    pool->n_slots = n;
    return 0;
}

void kg_strpool_drop_index(kg_strpool *pool) {
    if (pool == NULL)
        return;
    free(pool->slots);
    pool->slots = NULL;
}

static char *pool_alloc(kg_strpool *pool, size_t n) {
    pool_chunk *c = pool->chunks;
    if (c == NULL || c->size - c->used < n) {
        size_t size = n > POOL_CHUNK / 4 ? n : POOL_CHUNK;
        pool_chunk *fresh = malloc(sizeof *fresh + size);
        if (fresh == NULL)
            return NULL;
        fresh->used = 0;
        fresh->size = size;
        if (c != NULL && size != POOL_CHUNK) {
            /* A big string gets a chunk of its own behind the current one, so
             * the current chunk's free space is not wasted. */
            fresh->next = c->next;
            c->next = fresh;
        } else {
            fresh->next = c;
            pool->chunks = fresh;
        }
        c = fresh;
    }
    char *p = c->data + c->used;
    c->used += n;
    return p;
}

/* A copy of s[0..len) and a NUL in the chunks, counted; NULL when out of
 * memory. */
static const char *pool_store(kg_strpool *pool, const char *s, size_t len) {
    char *copy = pool_alloc(pool, len + 1);
    if (copy == NULL)
        return NULL;
    memcpy(copy, s, len);
    copy[len] = '\0';
    pool->count++;
    pool->bytes += len + 1;
    return copy;
}

static bool pool_same(const pool_slot *slot, uint32_t hash, const char *s, size_t len) {
    if (slot->hash != hash || slot->len != pool_len(len))
        return false;
    if (slot->len == UINT32_MAX && strlen(slot->str) != len)
        return false;
    return memcmp(slot->str, s, len) == 0;
}

const char *kg_strpool_intern(kg_strpool *pool, const char *s, size_t len) {
    if (pool == NULL || s == NULL)
        return NULL;
    if (pool->slots == NULL && pool_reindex(pool) != 0)
        return NULL;
    uint32_t h = pool_hash(s, len);
    size_t mask = pool->n_slots - 1;
    size_t j = h & mask;
    while (pool->slots[j].str != NULL) {
        if (pool_same(&pool->slots[j], h, s, len))
            return pool->slots[j].str;
        j = (j + 1) & mask;
    }
    if (pool_full(pool->count + 1, pool->n_slots)) {
        if (pool_grow(pool) != 0)
            return NULL;
        mask = pool->n_slots - 1;
        for (j = h & mask; pool->slots[j].str != NULL; j = (j + 1) & mask)
            ;
    }
    const char *copy = pool_store(pool, s, len);
    if (copy != NULL)
        pool->slots[j] = (pool_slot){copy, h, pool_len(len)};
    return copy;
}

const char *kg_strpool_copy(kg_strpool *pool, const char *s, size_t len) {
    return pool == NULL || s == NULL ? NULL : pool_store(pool, s, len);
}

const char *kg_strpool_cstr(kg_strpool *pool, const char *s) {
    return s == NULL ? NULL : kg_strpool_intern(pool, s, strlen(s));
}

size_t kg_strpool_count(const kg_strpool *pool) {
    return pool == NULL ? 0 : pool->count;
}

size_t kg_strpool_bytes(const kg_strpool *pool) {
    return pool == NULL ? 0 : pool->bytes;
}

/* ---- vocabularies -------------------------------------------------------- */

static const char *const entity_names[KG_ENT_TYPE_COUNT] = {"Organization", "Person", "Agreement",
                                                            "Event", "Place"};
static const char *const relation_names[KG_REL_TYPE_COUNT] = {
    "holds_post", "party_to",        "signed",    "member_of", "met_with",
    "visited",    "participated_in", "organized", "located_in"};

const char *kg_entity_type_name(kg_entity_type type) {
    return (unsigned)type < KG_ENT_TYPE_COUNT ? entity_names[type] : NULL;
}

const char *kg_relation_type_name(kg_relation_type type) {
    return (unsigned)type < KG_REL_TYPE_COUNT ? relation_names[type] : NULL;
}

kg_status kg_entity_type_parse(const char *name, kg_entity_type *out) {
    for (int i = 0; name != NULL && i < KG_ENT_TYPE_COUNT; i++) {
        if (strcasecmp(name, entity_names[i]) == 0) {
            *out = (kg_entity_type)i;
            return KG_OK;
        }
    }
    return KG_FAILURE;
}

kg_status kg_relation_type_parse(const char *name, kg_relation_type *out) {
    for (int i = 0; name != NULL && i < KG_REL_TYPE_COUNT; i++) {
        if (strcasecmp(name, relation_names[i]) == 0) {
            *out = (kg_relation_type)i;
            return KG_OK;
        }
    }
    return KG_FAILURE;
}

/* ---- evidence ------------------------------------------------------------ */

int kg_strcmp_null(const char *a, const char *b) {
    if (a == b)
        return 0;
    if (a == NULL)
        return -1;
    if (b == NULL)
        return 1;
    return strcmp(a, b);
}

int kg_cmp_size(size_t a, size_t b) {
    return (a > b) - (a < b);
}

double kg_monotonic_seconds(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

int kg_evidence_cmp(const kg_evidence *a, const kg_evidence *b) {
    int c = kg_strcmp_null(a->doc, b->doc);
    if (c == 0)
        c = kg_cmp_size(a->sentence, b->sentence);
    if (c == 0)
        c = kg_cmp_size(a->start, b->start);
    if (c == 0)
        c = kg_cmp_size(a->end, b->end);
    if (c == 0)
        c = kg_strcmp_null(a->rule, b->rule);
    if (c == 0)
        c = kg_strcmp_null(a->text, b->text);
    if (c == 0)
        c = (a->confidence > b->confidence) - (a->confidence < b->confidence);
    return c;
}

/* ---- per-document facts --------------------------------------------------- */

void kg_doc_facts_init(kg_doc_facts *facts) {
    memset(facts, 0, sizeof *facts);
}

void kg_doc_facts_clear(kg_doc_facts *facts) {
    if (facts == NULL)
        return;
    for (size_t i = 0; i < facts->n_entities; i++)
        free(facts->entities[i].aliases);
    free(facts->entities);
    free(facts->relations);
    kg_doc_facts_init(facts);
}

kg_status kg_reserve(void **array, size_t *cap, size_t need, size_t elem) {
    if (need <= *cap)
        return KG_OK;
    size_t n = *cap < 16 ? 16 : *cap;
    while (n < need) {
        if (n > SIZE_MAX / 2 / elem)
            return KG_ERR_NOMEM;
        n *= 2;
    }
    void *grown = realloc(*array, n * elem);
    if (grown == NULL)
        return KG_ERR_NOMEM;
    *array = grown;
    *cap = n;
    return KG_OK;
}

kg_status kg_doc_facts_entity(kg_doc_facts *facts, kg_entity_type type, const char *name,
                              const char *lang, size_t *index) {
    /* Documents hold tens of entities, so a linear scan is cheaper than a
     * table; the cost is bounded by the per-document entity limit. */
    for (size_t i = 0; i < facts->n_entities; i++) {
        kg_doc_entity *e = &facts->entities[i];
        if (e->type == type && e->name == name) {
            e->mentions++;
            if (index != NULL)
                *index = i;
            return KG_OK;
        }
    }
    if (kg_reserve((void **)&facts->entities, &facts->cap_entities, facts->n_entities + 1,
                   sizeof *facts->entities) != KG_OK)
        return KG_ERR_NOMEM;
    kg_doc_entity *e = &facts->entities[facts->n_entities];
    memset(e, 0, sizeof *e);
    e->type = type;
    e->name = name;
    e->lang = lang;
    e->mentions = 1;
    if (index != NULL)
        *index = facts->n_entities;
    facts->n_entities++;
    return KG_OK;
}

kg_status kg_doc_facts_alias(kg_doc_facts *facts, size_t index, const char *alias) {
    if (index >= facts->n_entities || alias == NULL)
        return KG_ERR_INTERNAL;
    kg_doc_entity *e = &facts->entities[index];
    if (alias == e->name)
        return KG_OK;
    for (size_t i = 0; i < e->n_aliases; i++)
        if (e->aliases[i] == alias)
            return KG_OK;
    if (kg_reserve((void **)&e->aliases, &e->cap_aliases, e->n_aliases + 1, sizeof *e->aliases) !=
        KG_OK)
        return KG_ERR_NOMEM;
    e->aliases[e->n_aliases++] = alias;
    return KG_OK;
}

kg_status kg_doc_facts_relation(kg_doc_facts *facts, const kg_doc_relation *rel) {
    if (rel->subject >= facts->n_entities || rel->object >= facts->n_entities)
        return KG_ERR_INTERNAL;
    /* One sentence is one piece of evidence for a fact, however many rules or
     * mentions in it found the fact: keep the most confident record, so that
     * an edge's weight counts sentences. */
    for (size_t i = 0; i < facts->n_relations; i++) {
        kg_doc_relation *r = &facts->relations[i];
        if (r->type == rel->type && r->subject == rel->subject && r->object == rel->object &&
            r->role == rel->role && r->evidence.sentence == rel->evidence.sentence &&
            r->evidence.doc == rel->evidence.doc) {
            if (rel->evidence.confidence > r->evidence.confidence)
                *r = *rel;
            return KG_OK;
        }
    }
    if (kg_reserve((void **)&facts->relations, &facts->cap_relations, facts->n_relations + 1,
                   sizeof *facts->relations) != KG_OK)
        return KG_ERR_NOMEM;
    facts->relations[facts->n_relations++] = *rel;
    return KG_OK;
}

/* ---- resolved tables -------------------------------------------------------- */

void kg_resolved_clear(kg_resolved *data) {
    if (data == NULL)
        return;
    for (size_t i = 0; i < data->n_entities; i++) {
        free(data->entities[i].aliases);
        free(data->entities[i].documents);
    }
    for (size_t i = 0; i < data->n_relations; i++)
        free(data->relations[i].evidence);
    free(data->entities);
    free(data->relations);
    free(data->documents);
    free(data->merges);
    memset(data, 0, sizeof *data);
}
