/* kg_resolve.c — cross-document entity resolution and relation merging.
 *
 * kg_resolver_add only records: one "mention" per document entity (type,
 * name, aliases, mention count, document) and one record per document
 * relation, with subject and object rewritten to global mention indices.
 * Nothing is compared until kg_resolver_finish, which runs in phases:
 *
 *   1. candidate generation  resolve_blocking_keys: every mention gets the
 *                            keys under which it may meet other mentions;
 *   2. linking               resolve_link: mentions sharing a key are
 *                            proposed as pairs, resolve_should_merge
 *                            decides, and union-find joins them;
 *   3. clusters → entities   labels, aliases, documents, ids;
 *   4. relations             mapped through the clusters and merged;
 *   5. documents             one kg_doc_info per distinct id.
 *
 * Candidate generation and the merge decision are separate on purpose: the
 * planned fuzzy / transliteration / acronym resolution adds keys in phase 1
 * and an audited decision in phase 2 without touching the rest.
 *
 * Complexity: O(n log n) in mentions, keys and relation records; there is
 * no comparison of all pairs anywhere.  Every choice that is not decided by
 * connected components alone (labels, ids, evidence order, role text) is
 * decided by content, so the result does not depend on the order in which
 * documents were added.
 *
 * Strings: the resolver stores the pooled pointers it is given and interns
 * the ids and language tags it makes; the pool must outlive the resolver
 * and the kg_resolved it produces.
 */
#include "kg_resolve.h"
#include "kg_model_internal.h"

#include "kg_text.h"

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Longest slug used in an entity id (bytes, before a collision suffix). */
#define RESOLVE_SLUG_MAX 80
/* Rounds of collision suffixes tried before giving up (each round re-hashes
 * with another seed; a second round already needs a 32-bit hash collision). */
#define RESOLVE_ID_ROUNDS 8

/* ---- recorded input -------------------------------------------------------- */

/* One entity of one document. */
typedef struct resolve_mention {
    kg_entity_type type;
    const char *name;   /* pooled */
    const char *doc;    /* pooled document id */
    size_t alias_start; /* first alias in kg_resolver.aliases */
    size_t n_aliases;
    size_t mentions;
} resolve_mention;

/* One relation of one document; subject and object are mention indices. */
typedef struct resolve_record {
    kg_relation_type type;
    size_t subject, object;
    const char *role, *role_text; /* pooled or NULL */
    kg_evidence evidence;         /* strings pooled */
} resolve_record;

struct kg_resolver {
    kg_strpool *pool; /* borrowed */
    resolve_mention *mentions;
    size_t n_mentions, cap_mentions;
    const char **aliases; /* every mention's aliases, back to back; pooled strings */
    size_t n_aliases, cap_aliases;
    resolve_record *records;
    size_t n_records, cap_records;
    kg_doc_info *docs; /* one per kg_resolver_add call; deduplicated by finish */
    size_t n_docs, cap_docs;
    bool finished;
};

/* ---- small helpers ---------------------------------------------------------- */

static int cmp_cstr_ptr(const void *a, const void *b) {
    return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* Code points in valid UTF-8 (counts the bytes that start a sequence). */
static size_t utf8_length(const char *s) {
    size_t n = 0;
    for (const unsigned char *p = (const unsigned char *)s; *p != '\0'; p++)
        n += (*p & 0xC0) != 0x80;
    return n;
}

static bool has_cyrillic(const char *s) {
    size_t len = strlen(s), pos = 0;
    while (pos < len) {
        int32_t cp = kg_utf8_next(s, len, &pos);
        if (cp >= 0 && kg_cp_is_cyrillic(cp))
            return true;
    }
    return false;
}

/* ---- lifecycle and recording --------------------------------------------------- */

kg_status kg_resolver_new(kg_resolver **out, kg_strpool *pool) {
    *out = NULL;
    if (pool == NULL)
        return KG_ERR_USAGE;
    kg_resolver *resolver = calloc(1, sizeof *resolver);
    if (resolver == NULL)
        return KG_ERR_NOMEM;
    resolver->pool = pool;
    *out = resolver;
    return KG_OK;
}

void kg_resolver_free(kg_resolver *resolver) {
    if (resolver == NULL)
        return;
    free(resolver->mentions);
    free(resolver->aliases);
    free(resolver->records);
    free(resolver->docs);
    free(resolver);
}

/* Rejects facts the resolver cannot use before anything is recorded, so
 * that a failed add leaves the resolver as it was. */
static kg_status check_facts(const kg_doc_facts *facts) {
    if (facts->doc_id == NULL)
        return KG_ERR_INPUT;
    for (size_t i = 0; i < facts->n_entities; i++) {
        const kg_doc_entity *e = &facts->entities[i];
        if ((unsigned)e->type >= KG_ENT_TYPE_COUNT || e->name == NULL)
            return KG_ERR_INPUT;
        for (size_t j = 0; j < e->n_aliases; j++)
            if (e->aliases[j] == NULL)
                return KG_ERR_INPUT;
    }
    for (size_t i = 0; i < facts->n_relations; i++) {
        const kg_doc_relation *r = &facts->relations[i];
        if ((unsigned)r->type >= KG_REL_TYPE_COUNT || r->subject >= facts->n_entities ||
            r->object >= facts->n_entities)
            return KG_ERR_INPUT;
    }
    return KG_OK;
}

kg_status kg_resolver_add(kg_resolver *resolver, const kg_doc_facts *facts) {
    if (resolver == NULL || facts == NULL || resolver->finished)
        return KG_ERR_USAGE;
    kg_status status = check_facts(facts);
    if (status != KG_OK)
        return status;

    size_t n_aliases = 0;
    for (size_t i = 0; i < facts->n_entities; i++)
        n_aliases += facts->entities[i].n_aliases;
    /* Reserve everything first: after this point nothing can fail, so a
     * document is recorded completely or not at all. */
    if (kg_reserve((void **)&resolver->mentions, &resolver->cap_mentions,
                   resolver->n_mentions + facts->n_entities, sizeof *resolver->mentions) != KG_OK ||
        kg_reserve((void **)&resolver->aliases, &resolver->cap_aliases,
                   resolver->n_aliases + n_aliases, sizeof *resolver->aliases) != KG_OK ||
        kg_reserve((void **)&resolver->records, &resolver->cap_records,
                   resolver->n_records + facts->n_relations, sizeof *resolver->records) != KG_OK ||
        kg_reserve((void **)&resolver->docs, &resolver->cap_docs, resolver->n_docs + 1,
                   sizeof *resolver->docs) != KG_OK)
        return KG_ERR_NOMEM;

    size_t base = resolver->n_mentions;
    for (size_t i = 0; i < facts->n_entities; i++) {
        const kg_doc_entity *e = &facts->entities[i];
        resolve_mention *m = &resolver->mentions[resolver->n_mentions++];
        m->type = e->type;
        m->name = e->name;
        m->doc = facts->doc_id;
        m->alias_start = resolver->n_aliases;
        m->n_aliases = e->n_aliases;
        m->mentions = e->mentions;
        if (e->n_aliases > 0)
            memcpy(&resolver->aliases[resolver->n_aliases], e->aliases,
                   e->n_aliases * sizeof *e->aliases);
        resolver->n_aliases += e->n_aliases;
    }
    for (size_t i = 0; i < facts->n_relations; i++) {
        const kg_doc_relation *r = &facts->relations[i];
        resolve_record *rec = &resolver->records[resolver->n_records++];
        rec->type = r->type;
        rec->subject = base + r->subject;
        rec->object = base + r->object;
        rec->role = r->role;
        rec->role_text = r->role_text;
        rec->evidence = r->evidence;
        if (rec->evidence.doc == NULL)
            rec->evidence.doc = facts->doc_id;
    }
    kg_doc_info *info = &resolver->docs[resolver->n_docs++];
    info->id = facts->doc_id;
    info->lang = facts->lang;
    info->title = facts->title;
    info->date = facts->date;
    info->url = facts->url;
    info->n_sentences = facts->n_sentences;
    info->n_bytes = facts->n_bytes;
    return KG_OK;
}

/* ---- phase 1: candidate generation ---------------------------------------------- */

/* A blocking key: "type|scope|text key".  The text key never contains '|'
 * (kg_text_key keeps letters, digits and spaces), so the form is
 * unambiguous whatever the scope (a document id) holds. */
typedef struct resolve_key {
    char *text; /* owned */
    size_t len;
    uint64_t hash;
    size_t mention;
} resolve_key;

typedef struct resolve_keys {
    resolve_key *items;
    size_t n, cap;
} resolve_keys;

static void resolve_keys_free(resolve_keys *keys) {
    for (size_t i = 0; i < keys->n; i++)
        free(keys->items[i].text);
    free(keys->items);
    memset(keys, 0, sizeof *keys);
}

/* Agreements and events are usually named generically ("the cooperation
 * agreement", "the forum"): the same words in two articles rarely mean the
 * same one, so their keys are confined to one document. */
static bool type_is_document_scoped(kg_entity_type type) {
    return type == KG_ENT_AGREEMENT || type == KG_ENT_EVENT;
}

/* An alias key that could join unrelated entities: a single character
 * ("1", "A") or a number ("2024", "100 000"). */
static bool key_is_weak(const char *key) {
    if (utf8_length(key) < 2)
        return true;
    size_t len = strlen(key), pos = 0;
    while (pos < len) {
        int32_t cp = kg_utf8_next(key, len, &pos);
        if (cp != ' ' && !kg_cp_is_digit(cp))
            return false;
    }
    return true;
}

/* Appends the key of `form` for mention m.  A name always yields a key (its
 * own text when kg_text_key leaves nothing) so that every mention has at
 * least one; an alias yields none when its key is weak. */
static kg_status add_key(resolve_keys *keys, const kg_resolver *resolver, size_t m,
                         const char *form, bool is_name) {
    const resolve_mention *mention = &resolver->mentions[m];
    char *text_key = kg_text_key(form, strlen(form));
    char *text = NULL;
    kg_status status = KG_OK;
    if (text_key == NULL) {
        status = KG_ERR_NOMEM;
        goto cleanup;
    }
    const char *key = text_key;
    if (!is_name && key_is_weak(key))
        goto cleanup;
    if (key[0] == '\0')
        key = form;

    const char *type_name = kg_entity_type_name(mention->type);
    const char *scope = type_is_document_scoped(mention->type) ? mention->doc : "";
    size_t len = strlen(type_name) + 1 + strlen(scope) + 1 + strlen(key);
    text = malloc(len + 1);
    if (text == NULL) {
        status = KG_ERR_NOMEM;
        goto cleanup;
    }
    /* Lower-case type name, like the id prefix, so the key reads naturally
     * in an audit trail. */
    size_t pos = 0;
    for (const char *p = type_name; *p != '\0'; p++)
        text[pos++] = (char)(*p >= 'A' && *p <= 'Z' ? *p + 32 : *p);
    text[pos++] = '|';
    memcpy(text + pos, scope, strlen(scope));
    pos += strlen(scope);
    text[pos++] = '|';
    memcpy(text + pos, key, strlen(key));
    pos += strlen(key);
    text[pos] = '\0';

    if (kg_reserve((void **)&keys->items, &keys->cap, keys->n + 1, sizeof *keys->items) != KG_OK) {
        status = KG_ERR_NOMEM;
        goto cleanup;
    }
    resolve_key *k = &keys->items[keys->n++];
    k->text = text;
    k->len = len;
    k->hash = kg_hash64(text, len, 0);
    k->mention = m;
    text = NULL; /* now owned by keys */

cleanup:
    free(text);
    free(text_key);
    return status;
}

/* Candidate generation: the keys under which each mention may meet others.
 * Today: the exact text key of the name and of each alias, scoped by type
 * (and by document for agreements and events). */
static kg_status resolve_blocking_keys(const kg_resolver *resolver, resolve_keys *keys) {
    for (size_t m = 0; m < resolver->n_mentions; m++) {
        const resolve_mention *mention = &resolver->mentions[m];
        kg_status status = add_key(keys, resolver, m, mention->name, true);
        for (size_t a = 0; status == KG_OK && a < mention->n_aliases; a++)
            status = add_key(keys, resolver, m, resolver->aliases[mention->alias_start + a], false);
        if (status != KG_OK)
            return status;
    }
    return KG_OK;
}

/* ---- phase 2: linking ------------------------------------------------------------ */

/* Union-find over mentions (path halving, union by size).  Which element
 * becomes a root depends on insertion order, but nothing downstream uses
 * the root except as a group label. */
typedef struct resolve_sets {
    size_t *parent;
    size_t *size;
} resolve_sets;

static size_t sets_find(resolve_sets *sets, size_t x) {
    while (sets->parent[x] != x) {
        sets->parent[x] = sets->parent[sets->parent[x]];
        x = sets->parent[x];
    }
    return x;
}

static void sets_union(resolve_sets *sets, size_t a, size_t b) {
    a = sets_find(sets, a);
    b = sets_find(sets, b);
    if (a == b)
        return;
    if (sets->size[a] < sets->size[b]) {
        size_t t = a;
        a = b;
        b = t;
    }
    sets->parent[b] = a;
    sets->size[a] += sets->size[b];
}

/* The merge decision for two mentions proposed by a shared key.  Exact
 * keys are trusted as they are; fuzzy candidates will be scored (and the
 * decision recorded) here.  While every proposal is accepted, which mention
 * a key is paired with cannot matter; a decision that can refuse must see
 * the candidates of a key in content order, not arrival order. */
static bool resolve_should_merge(const kg_resolver *resolver, size_t a, size_t b,
                                 const resolve_key *key) {
    (void)key;
    return resolver->mentions[a].type == resolver->mentions[b].type;
}

/* Open addressing over the keys (linear probing, load ≤ 1/2): maps a key
 * text to the first mention that produced it.  Sized once, never grows. */
static kg_status resolve_link(const kg_resolver *resolver, const resolve_keys *keys,
                              resolve_sets *sets) {
    size_t n_slots = 16;
    while (n_slots < 2 * keys->n)
        n_slots *= 2;
    const resolve_key **slots = calloc(n_slots, sizeof *slots);
    if (slots == NULL)
        return KG_ERR_NOMEM;
    size_t mask = n_slots - 1;
    for (size_t i = 0; i < keys->n; i++) {
        const resolve_key *key = &keys->items[i];
        size_t j = (size_t)key->hash & mask;
        while (slots[j] != NULL && !(slots[j]->hash == key->hash && slots[j]->len == key->len &&
                                     memcmp(slots[j]->text, key->text, key->len) == 0))
            j = (j + 1) & mask;
        if (slots[j] == NULL)
            slots[j] = key;
        else if (resolve_should_merge(resolver, slots[j]->mention, key->mention, key))
            sets_union(sets, slots[j]->mention, key->mention);
    }
    free(slots);
    return KG_OK;
}

/* ---- phase 3: clusters to entities ------------------------------------------------ */

/* One distinct written form within a cluster. */
typedef struct resolve_form {
    const char *text;
    size_t mentions; /* mentions as a name; 0 for a form only seen as alias */
    bool is_name;
} resolve_form;

typedef struct resolve_cluster {
    size_t first, count;        /* members: cluster_members[first .. first+count) */
    const resolve_key *min_key; /* smallest key text: content-derived identity */
    char *base_id;              /* owned: type + "/" + slug */
    char *id;                   /* owned: base_id, with a suffix after a collision */
} resolve_cluster;

static int cmp_form_text(const void *a, const void *b) {
    return strcmp(((const resolve_form *)a)->text, ((const resolve_form *)b)->text);
}

/* Label preference: more mentions, then longer (in code points), then byte
 * order.  Negative when a is preferred. */
static int form_preference(const resolve_form *a, const resolve_form *b) {
    if (a->mentions != b->mentions)
        return a->mentions > b->mentions ? -1 : 1;
    size_t la = utf8_length(a->text), lb = utf8_length(b->text);
    if (la != lb)
        return la > lb ? -1 : 1;
    return strcmp(a->text, b->text);
}

/* Scratch buffers reused across clusters so that per-cluster work does not
 * allocate except for the arrays handed to the output. */
typedef struct resolve_scratch {
    resolve_form *forms;
    size_t cap_forms;
    const char **strs;
    size_t cap_strs;
} resolve_scratch;

/* Fills everything of entity e except id from the cluster's members. */
static kg_status build_entity(const kg_resolver *resolver, const size_t *members, size_t count,
                              resolve_scratch *scratch, kg_entity *e) {
    size_t n_forms = 0;
    for (size_t i = 0; i < count; i++)
        n_forms += 1 + resolver->mentions[members[i]].n_aliases;
    if (kg_reserve((void **)&scratch->forms, &scratch->cap_forms, n_forms,
                   sizeof *scratch->forms) != KG_OK ||
        kg_reserve((void **)&scratch->strs, &scratch->cap_strs, count, sizeof *scratch->strs) !=
            KG_OK)
        return KG_ERR_NOMEM;

    resolve_form *forms = scratch->forms;
    size_t n = 0;
    e->mentions = 0;
    for (size_t i = 0; i < count; i++) {
        const resolve_mention *m = &resolver->mentions[members[i]];
        e->type = m->type;
        e->mentions += m->mentions;
        forms[n++] = (resolve_form){m->name, m->mentions, true};
        for (size_t a = 0; a < m->n_aliases; a++)
            forms[n++] = (resolve_form){resolver->aliases[m->alias_start + a], 0, false};
        scratch->strs[i] = m->doc;
    }

    /* Distinct forms, in byte order, with their name mentions summed. */
    qsort(forms, n, sizeof *forms, cmp_form_text);
    size_t distinct = 0;
    for (size_t i = 0; i < n; i++) {
        if (distinct > 0 && strcmp(forms[distinct - 1].text, forms[i].text) == 0) {
            forms[distinct - 1].mentions += forms[i].mentions;
            forms[distinct - 1].is_name |= forms[i].is_name;
        } else {
            forms[distinct++] = forms[i];
        }
    }

    const resolve_form *label = NULL, *best_en = NULL, *best_ru = NULL;
    for (size_t i = 0; i < distinct; i++) {
        const resolve_form *f = &forms[i];
        if (f->is_name && (label == NULL || form_preference(f, label) < 0))
            label = f;
        const resolve_form **best = has_cyrillic(f->text) ? &best_ru : &best_en;
        if (*best == NULL || form_preference(f, *best) < 0)
            *best = f;
    }
    e->label = label->text;
    e->label_en = best_en != NULL ? best_en->text : NULL;
    e->label_ru = best_ru != NULL ? best_ru->text : NULL;
    e->lang = kg_strpool_cstr(resolver->pool, has_cyrillic(e->label) ? "ru" : "en");
    if (e->lang == NULL)
        return KG_ERR_NOMEM;

    if (distinct > 1) {
        e->aliases = malloc((distinct - 1) * sizeof *e->aliases);
        if (e->aliases == NULL)
            return KG_ERR_NOMEM;
    }
    for (size_t i = 0; i < distinct; i++)
        if (&forms[i] != label)
            e->aliases[e->n_aliases++] = forms[i].text;

    qsort(scratch->strs, count, sizeof *scratch->strs, cmp_cstr_ptr);
    e->documents = malloc(count * sizeof *e->documents);
    if (e->documents == NULL)
        return KG_ERR_NOMEM;
    for (size_t i = 0; i < count; i++)
        if (e->n_documents == 0 || strcmp(e->documents[e->n_documents - 1], scratch->strs[i]) != 0)
            e->documents[e->n_documents++] = scratch->strs[i];
    return KG_OK;
}

/* "organization/federation-of-..." into a new string. */
static char *make_base_id(const kg_entity *e) {
    char *slug = kg_text_slug(e->label, strlen(e->label), RESOLVE_SLUG_MAX);
    if (slug == NULL)
        return NULL;
    const char *type_name = kg_entity_type_name(e->type);
    size_t len = strlen(type_name) + 1 + strlen(slug);
    char *id = malloc(len + 1);
    if (id != NULL) {
        size_t pos = 0;
        for (const char *p = type_name; *p != '\0'; p++)
            id[pos++] = (char)(*p >= 'A' && *p <= 'Z' ? *p + 32 : *p);
        id[pos++] = '/';
        memcpy(id + pos, slug, strlen(slug) + 1);
    }
    free(slug);
    return id;
}

typedef struct resolve_id_order {
    const char *id;
    size_t cluster;
} resolve_id_order;

static int cmp_id_order(const void *a, const void *b) {
    const resolve_id_order *x = a, *y = b;
    int c = strcmp(x->id, y->id);
    return c != 0 ? c : kg_cmp_size(x->cluster, y->cluster);
}

/* Makes cluster ids unique.  Every cluster whose id is shared gets
 * "-" + 8 hex digits of the hash of its smallest key; should that collide
 * again (a 32-bit hash collision, or a name that already ends in such a
 * suffix), the clusters still colliding are re-suffixed with the next seed.
 * Each step depends only on content.  On success *order holds the clusters
 * sorted by id. */
static kg_status assign_unique_ids(resolve_cluster *clusters, size_t n_clusters,
                                   resolve_id_order *order) {
    for (size_t round = 0;; round++) {
        for (size_t i = 0; i < n_clusters; i++)
            order[i] = (resolve_id_order){clusters[i].id, i};
        qsort(order, n_clusters, sizeof *order, cmp_id_order);
        bool collided = false;
        for (size_t i = 0; i < n_clusters;) {
            size_t j = i + 1;
            while (j < n_clusters && strcmp(order[j].id, order[i].id) == 0)
                j++;
            if (j - i > 1) {
                if (round >= RESOLVE_ID_ROUNDS)
                    return KG_ERR_INTERNAL;
                collided = true;
                for (size_t k = i; k < j; k++) {
                    resolve_cluster *c = &clusters[order[k].cluster];
                    uint64_t h = kg_hash64(c->min_key->text, c->min_key->len, round);
                    size_t len = strlen(c->base_id) + 10;
                    char *id = malloc(len);
                    if (id == NULL)
                        return KG_ERR_NOMEM;
                    snprintf(id, len, "%s-%08lx", c->base_id, (unsigned long)(h & 0xffffffffu));
                    if (c->id != c->base_id)
                        free(c->id);
                    c->id = id;
                }
            }
            i = j;
        }
        if (!collided)
            return KG_OK;
    }
}

/* ---- phase 4: relations ----------------------------------------------------------- */

/* A record mapped onto final entity indices. */
typedef struct resolve_edge {
    kg_relation_type type;
    size_t subject, object;
    const char *role, *role_text;
    const kg_evidence *evidence; /* borrowed from the record */
} resolve_edge;

static int cmp_edge_group(const resolve_edge *a, const resolve_edge *b) {
    int c = kg_cmp_size(a->subject, b->subject);
    if (c == 0)
        c = kg_cmp_size(a->object, b->object);
    if (c == 0)
        c = kg_cmp_size((size_t)a->type, (size_t)b->type);
    if (c == 0)
        c = kg_strcmp_null(a->role, b->role);
    return c;
}

static int cmp_edge(const void *a, const void *b) {
    return cmp_edge_group(a, b);
}

static int cmp_evidence(const void *a, const void *b) {
    return kg_evidence_cmp(a, b);
}

/* Same place and rule: kg_evidence_cmp without its confidence tie-break. */
static bool evidence_same_source(const kg_evidence *a, const kg_evidence *b) {
    kg_evidence x = *a;
    x.confidence = b->confidence;
    return kg_evidence_cmp(&x, b) == 0;
}

/* Builds relation rel from the edges of one group. */
static kg_status merge_edges(const resolve_edge *edges, size_t count, const char **scratch,
                             kg_relation *rel) {
    rel->type = edges[0].type;
    rel->subject = edges[0].subject;
    rel->object = edges[0].object;
    rel->role = edges[0].role;

    rel->evidence = malloc(count * sizeof *rel->evidence);
    if (rel->evidence == NULL)
        return KG_ERR_NOMEM;
    for (size_t i = 0; i < count; i++)
        rel->evidence[i] = *edges[i].evidence;
    qsort(rel->evidence, count, sizeof *rel->evidence, cmp_evidence);
    /* The same sentence span read twice (a document added twice) is one
     * piece of evidence; keep its highest confidence, which sorts last. */
    size_t n = 0;
    for (size_t i = 0; i < count; i++) {
        if (n > 0 && evidence_same_source(&rel->evidence[n - 1], &rel->evidence[i]))
            rel->evidence[n - 1] = rel->evidence[i];
        else
            rel->evidence[n++] = rel->evidence[i];
    }
    rel->n_evidence = n;
    /* Evidence is sorted, so the floating-point product is too. */
    double disbelief = 1.0;
    for (size_t i = 0; i < n; i++) {
        double c = rel->evidence[i].confidence;
        c = c < 0.0 ? 0.0 : c > 1.0 ? 1.0 : c;
        disbelief *= 1.0 - c;
    }
    rel->confidence = 1.0 - disbelief;

    size_t n_texts = 0;
    for (size_t i = 0; i < count; i++)
        if (edges[i].role_text != NULL)
            scratch[n_texts++] = edges[i].role_text;
    qsort(scratch, n_texts, sizeof *scratch, cmp_cstr_ptr);
    size_t best_count = 0;
    rel->role_text = NULL;
    for (size_t i = 0; i < n_texts;) {
        size_t j = i + 1;
        while (j < n_texts && strcmp(scratch[j], scratch[i]) == 0)
            j++;
        if (j - i > best_count) { /* strictly more: ties keep the earlier (byte order) */
            best_count = j - i;
            rel->role_text = scratch[i];
        }
        i = j;
    }
    return KG_OK;
}

static kg_status resolve_relations(const kg_resolver *resolver, const size_t *mention_entity,
                                   kg_resolved *out) {
    kg_status status = KG_OK;
    resolve_edge *edges = NULL;
    const char **scratch = NULL;
    size_t n_edges = 0;
    if (resolver->n_records == 0)
        return KG_OK;

    edges = malloc(resolver->n_records * sizeof *edges);
    scratch = malloc(resolver->n_records * sizeof *scratch);
    if (edges == NULL || scratch == NULL) {
        status = KG_ERR_NOMEM;
        goto cleanup;
    }
    for (size_t i = 0; i < resolver->n_records; i++) {
        const resolve_record *rec = &resolver->records[i];
        resolve_edge edge = {rec->type,
                             mention_entity[rec->subject],
                             mention_entity[rec->object],
                             rec->role,
                             rec->role_text,
                             &rec->evidence};
        if (edge.subject == edge.object)
            continue; /* an entity related to itself only after merging */
        /* met_with is symmetric: entities are sorted by id, so the smaller
         * index is the smaller id. */
        if (edge.type == KG_REL_MET_WITH && edge.subject > edge.object) {
            size_t t = edge.subject;
            edge.subject = edge.object;
            edge.object = t;
        }
        edges[n_edges++] = edge;
    }
    qsort(edges, n_edges, sizeof *edges, cmp_edge);

    size_t n_groups = 0;
    for (size_t i = 0; i < n_edges; i++)
        n_groups += i == 0 || cmp_edge_group(&edges[i - 1], &edges[i]) != 0;
    if (n_groups == 0)
        goto cleanup;
    out->relations = calloc(n_groups, sizeof *out->relations);
    if (out->relations == NULL) {
        status = KG_ERR_NOMEM;
        goto cleanup;
    }
    for (size_t i = 0; i < n_edges;) {
        size_t j = i + 1;
        while (j < n_edges && cmp_edge_group(&edges[i], &edges[j]) == 0)
            j++;
        /* Count the relation before filling it so that kg_resolved_clear
         * frees a half-built one. */
        kg_relation *rel = &out->relations[out->n_relations++];
        status = merge_edges(&edges[i], j - i, scratch, rel);
        if (status != KG_OK)
            goto cleanup;
        i = j;
    }

cleanup:
    free(edges);
    free(scratch);
    return status;
}

/* ---- phase 5: documents ------------------------------------------------------------ */

static int cmp_doc_info(const void *a, const void *b) {
    const kg_doc_info *x = a, *y = b;
    int c = strcmp(x->id, y->id);
    if (c == 0)
        c = kg_strcmp_null(x->lang, y->lang);
    if (c == 0)
        c = kg_strcmp_null(x->title, y->title);
    if (c == 0)
        c = kg_strcmp_null(x->date, y->date);
    if (c == 0)
        c = kg_strcmp_null(x->url, y->url);
    if (c == 0)
        c = kg_cmp_size(x->n_sentences, y->n_sentences);
    if (c == 0)
        c = kg_cmp_size(x->n_bytes, y->n_bytes);
    return c;
}

/* One kg_doc_info per id: for an id added twice, the one whose fields sort
 * first, so the choice does not depend on the order of adding. */
static kg_status resolve_documents(const kg_resolver *resolver, kg_resolved *out) {
    if (resolver->n_docs == 0)
        return KG_OK;
    out->documents = malloc(resolver->n_docs * sizeof *out->documents);
    if (out->documents == NULL)
        return KG_ERR_NOMEM;
    memcpy(out->documents, resolver->docs, resolver->n_docs * sizeof *out->documents);
    qsort(out->documents, resolver->n_docs, sizeof *out->documents, cmp_doc_info);
    for (size_t i = 0; i < resolver->n_docs; i++)
        if (out->n_documents == 0 ||
            strcmp(out->documents[out->n_documents - 1].id, out->documents[i].id) != 0)
            out->documents[out->n_documents++] = out->documents[i];
    return KG_OK;
}

/* ---- finish ------------------------------------------------------------------------- */

kg_status kg_resolver_finish(kg_resolver *resolver, kg_resolved *out, kg_error *err) {
    kg_status status = KG_OK;
    kg_resolved result = {0};
    resolve_keys keys = {0};
    resolve_sets sets = {NULL, NULL};
    size_t *cluster_of = NULL;      /* mention → cluster, then → final entity index */
    size_t *cluster_members = NULL; /* mentions grouped by cluster */
    resolve_cluster *clusters = NULL;
    resolve_id_order *order = NULL;
    kg_entity *entities = NULL; /* by cluster, before sorting */
    resolve_scratch scratch = {0};
    size_t n_clusters = 0;
    size_t n = resolver != NULL ? resolver->n_mentions : 0;

    kg_error_clear(err);
    if (resolver == NULL || out == NULL)
        return kg_error_set(err, KG_ERR_USAGE, NULL, 0, 0, "kg_resolver_finish: no resolver");
    memset(out, 0, sizeof *out);
    if (resolver->finished)
        return kg_error_set(err, KG_ERR_USAGE, NULL, 0, 0,
                            "kg_resolver_finish may be called only once");

    /* Phases 1 and 2: candidates and linking. */
    status = resolve_blocking_keys(resolver, &keys);
    if (status != KG_OK)
        goto cleanup;
    sets.parent = malloc((n + 1) * sizeof *sets.parent);
    sets.size = malloc((n + 1) * sizeof *sets.size);
    cluster_of = malloc((n + 1) * sizeof *cluster_of);
    cluster_members = malloc((n + 1) * sizeof *cluster_members);
    if (sets.parent == NULL || sets.size == NULL || cluster_of == NULL || cluster_members == NULL) {
        status = KG_ERR_NOMEM;
        goto cleanup;
    }
    for (size_t i = 0; i < n; i++) {
        sets.parent[i] = i;
        sets.size[i] = 1;
    }
    status = resolve_link(resolver, &keys, &sets);
    if (status != KG_OK)
        goto cleanup;

    /* Number the clusters by first member and group the members (a counting
     * sort: linear). */
    for (size_t i = 0; i < n; i++)
        sets.size[i] = SIZE_MAX; /* reused: root → cluster number */
    for (size_t i = 0; i < n; i++) {
        size_t root = sets_find(&sets, i);
        if (sets.size[root] == SIZE_MAX)
            sets.size[root] = n_clusters++;
        cluster_of[i] = sets.size[root];
    }
    clusters = calloc(n_clusters + 1, sizeof *clusters);
    entities = calloc(n_clusters + 1, sizeof *entities);
    order = malloc((n_clusters + 1) * sizeof *order);
    if (clusters == NULL || entities == NULL || order == NULL) {
        status = KG_ERR_NOMEM;
        goto cleanup;
    }
    for (size_t i = 0; i < n; i++)
        clusters[cluster_of[i]].count++;
    for (size_t c = 0, pos = 0; c < n_clusters; c++) {
        clusters[c].first = pos;
        pos += clusters[c].count;
        clusters[c].count = 0;
    }
    for (size_t i = 0; i < n; i++) {
        resolve_cluster *c = &clusters[cluster_of[i]];
        cluster_members[c->first + c->count++] = i;
    }
    for (size_t k = 0; k < keys.n; k++) {
        resolve_cluster *c = &clusters[cluster_of[keys.items[k].mention]];
        if (c->min_key == NULL || strcmp(keys.items[k].text, c->min_key->text) < 0)
            c->min_key = &keys.items[k];
    }

    /* Phase 3: entities and their ids. */
    for (size_t c = 0; c < n_clusters; c++) {
        status = build_entity(resolver, &cluster_members[clusters[c].first], clusters[c].count,
                              &scratch, &entities[c]);
        if (status != KG_OK)
            goto cleanup;
        clusters[c].base_id = make_base_id(&entities[c]);
        if (clusters[c].base_id == NULL) {
            status = KG_ERR_NOMEM;
            goto cleanup;
        }
        clusters[c].id = clusters[c].base_id;
    }
    status = assign_unique_ids(clusters, n_clusters, order);
    if (status != KG_OK) {
        if (status == KG_ERR_INTERNAL)
            kg_error_set(err, status, NULL, 0, 0, "could not make entity ids unique");
        goto cleanup;
    }

    /* Entities in id order; order[] is sorted by id. */
    result.entities = calloc(n_clusters + 1, sizeof *result.entities);
    if (result.entities == NULL) {
        status = KG_ERR_NOMEM;
        goto cleanup;
    }
    for (size_t i = 0; i < n_clusters; i++) {
        size_t c = order[i].cluster;
        kg_entity *e = &result.entities[result.n_entities++];
        *e = entities[c];
        memset(&entities[c], 0, sizeof entities[c]); /* arrays moved to result */
        e->id = kg_strpool_cstr(resolver->pool, clusters[c].id);
        if (e->id == NULL) {
            status = KG_ERR_NOMEM;
            goto cleanup;
        }
        sets.parent[c] = i; /* reused: cluster → entity index */
    }
    for (size_t i = 0; i < n; i++)
        cluster_of[i] = sets.parent[cluster_of[i]];

    /* Phases 4 and 5. */
    status = resolve_relations(resolver, cluster_of, &result);
    if (status != KG_OK)
        goto cleanup;
    status = resolve_documents(resolver, &result);
    if (status != KG_OK)
        goto cleanup;

    *out = result;
    memset(&result, 0, sizeof result);
    resolver->finished = true;

cleanup:
    if (status == KG_ERR_NOMEM)
        kg_error_set(err, status, NULL, 0, 0, "out of memory while resolving entities");
    kg_resolved_clear(&result);
    for (size_t c = 0; clusters != NULL && c < n_clusters; c++) {
        if (clusters[c].id != clusters[c].base_id)
            free(clusters[c].id);
        free(clusters[c].base_id);
    }
    for (size_t c = 0; entities != NULL && c < n_clusters; c++) {
        free(entities[c].aliases);
        free(entities[c].documents);
    }
    free(entities);
    free(clusters);
    free(order);
    free(cluster_members);
    free(cluster_of);
    free(sets.parent);
    free(sets.size);
    free(scratch.forms);
    free(scratch.strs);
    resolve_keys_free(&keys);
    return status;
}
