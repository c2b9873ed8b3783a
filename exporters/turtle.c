/* turtle.c — the graph as RDF 1.1 Turtle, streamed.
 *
 * raptor2 is the RDF library, but its Turtle serializer is not used: it keeps
 * every triple in memory and writes xsd:double as bare numbers (which breaks
 * on NaN).  Instead this file writes through a raptor_iostream, groups the
 * triples of each subject itself ("s p o , o ; p o ."), and lets raptor do
 * the literal escaping.  Memory is O(entities + relations) for the IRI tables
 * and the de-duplication sets, never O(triples).
 *
 * Every triple is written once: parsers that report raw statements (serdi,
 * rapper) and stores that keep a set (rdflib) must agree on the count.
 * The vocabulary is documented in docs/formats.md.
 */
#include "kg_export_internal.h"

#include "kg_text.h"

#include <errno.h>
#include <inttypes.h>
#include <raptor2.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#define SLUG_MAX 120

/* ---- a set of 64-bit keys (open addressing) ------------------------------ */

typedef struct key_set {
    uint64_t *slots; /* 0 marks an empty slot; key 0 is tracked by has_zero */
    size_t cap, count;
    bool has_zero;
} key_set;

/* 1 when key was added, 0 when it was already there, -1 when out of memory. */
static int key_set_add(key_set *set, uint64_t key) {
    if (key == 0) {
        int added = !set->has_zero;
        set->has_zero = true;
        return added;
    }
    if ((set->count + 1) * 2 > set->cap) {
        size_t cap = set->cap == 0 ? 64 : set->cap * 2;
        uint64_t *slots = calloc(cap, sizeof *slots);
        if (slots == NULL)
            return -1;
        for (size_t i = 0; i < set->cap; i++) {
            uint64_t k = set->slots[i];
            if (k == 0)
                continue;
            size_t at = (size_t)k & (cap - 1);
            while (slots[at] != 0)
                at = (at + 1) & (cap - 1);
            slots[at] = k;
        }
        free(set->slots);
        set->slots = slots;
        set->cap = cap;
    }
    size_t at = (size_t)key & (set->cap - 1);
    while (set->slots[at] != 0) {
        if (set->slots[at] == key)
            return 0;
        at = (at + 1) & (set->cap - 1);
    }
    set->slots[at] = key;
    set->count++;
    return 1;
}

static void key_set_free(key_set *set) {
    free(set->slots);
    set->slots = NULL;
    set->cap = set->count = 0;
}

/* ---- the triple writer ------------------------------------------------------ */

typedef struct ttl {
    raptor_iostream *io;
    const char *pred; /* last predicate of the open subject, NULL right after it */
    bool nomem;
} ttl;

static void put(ttl *w, const char *s) {
    raptor_iostream_string_write(s, w->io);
}

static void subject(ttl *w, const char *iri) {
    put(w, "<");
    put(w, iri);
    put(w, ">");
    w->pred = NULL;
}

/* Starts a predicate-object pair, or continues the object list when the
 * predicate is the one just written. */
static void pred(ttl *w, const char *name) {
    if (w->pred != NULL && strcmp(w->pred, name) == 0) {
        put(w, " , ");
        return;
    }
    put(w, w->pred == NULL ? " " : " ;\n    ");
    put(w, name);
    put(w, " ");
    w->pred = name;
}

static void end_subject(ttl *w) {
    put(w, " .\n\n");
}

static void obj_iri(ttl *w, const char *iri) {
    put(w, "<");
    put(w, iri);
    put(w, ">");
}

/* A quoted literal.  raptor escapes '"' and '\'; with the TNRU bit it also
 * writes TAB, LF and CR as \t \n \r and other controls as \uXXXX, so the
 * single-line "..." form is valid whatever the text holds.  raptor refuses
 * invalid UTF-8 half-way through a string, so that is repaired first. */
static void obj_text(ttl *w, const char *s) {
    static const unsigned flags =
        RAPTOR_ESCAPED_WRITE_TURTLE_LITERAL | RAPTOR_ESCAPED_WRITE_BITFLAG_BS_ESCAPES_TNRU;
    size_t len = strlen(s);
    put(w, "\"");
    if (kg_export_utf8_valid(s, len)) {
        raptor_string_escaped_write((const unsigned char *)s, len, '"', flags, w->io);
    } else {
        char *clean = kg_export_clean_text(s, len, false);
        if (clean == NULL)
            w->nomem = true;
        else
            raptor_string_escaped_write((const unsigned char *)clean, strlen(clean), '"', flags,
                                        w->io);
        free(clean);
    }
    put(w, "\"");
}

/* BCP 47 shape: 1–8 letters, then "-" and 1–8 letters or digits. */
static bool lang_tag_ok(const char *tag) {
    size_t run = 0;
    bool first = true;
    for (const char *p = tag;; p++) {
        char c = *p;
        bool alpha = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
        bool digit = c >= '0' && c <= '9';
        if (alpha || (digit && !first)) {
            if (++run > 8)
                return false;
        } else if (c == '-' || c == '\0') {
            if (run == 0)
                return false;
            if (c == '\0')
                return true;
            run = 0;
            first = false;
        } else {
            return false;
        }
    }
}

static void obj_lang(ttl *w, const char *s, const char *lang) {
    obj_text(w, s);
    put(w, "@");
    put(w, lang != NULL && lang_tag_ok(lang) ? lang : "en");
}

static void obj_typed(ttl *w, const char *lexical, const char *datatype) {
    obj_text(w, lexical);
    put(w, "^^");
    put(w, datatype);
}

static void obj_int(ttl *w, size_t n) {
    char buf[48];
    snprintf(buf, sizeof buf, "\"%zu\"^^xsd:integer", n);
    put(w, buf);
}

/* The xsd:double lexical form of x with 12 significant digits, in the
 * canonical mantissa-exponent shape ("1.5E-3", "0.0E0").  The digits come
 * from printf's %e, but its decimal point (which follows the locale and may
 * be several bytes) is skipped rather than trusted.  NaN and infinities,
 * which have no place in kgraph's measures, become 0. */
static void format_double(double x, char *out, size_t size) {
    x = kg_export_finite(x);
    if (x == 0.0) {
        snprintf(out, size, "0.0E0");
        return;
    }
    char tmp[64], digits[32];
    snprintf(tmp, sizeof tmp, "%.11e", x);
    const char *p = tmp;
    bool negative = *p == '-';
    if (negative)
        p++;
    size_t n = 0;
    for (; *p != '\0' && *p != 'e' && *p != 'E'; p++)
        if (*p >= '0' && *p <= '9' && n + 1 < sizeof digits)
            digits[n++] = *p;
    long exponent = *p != '\0' ? strtol(p + 1, NULL, 10) : 0;
    while (n > 2 && digits[n - 1] == '0')
        n--;
    if (n < 2)
        digits[n++] = '0';
    digits[n] = '\0';
    snprintf(out, size, "%s%c.%sE%ld", negative ? "-" : "", digits[0], digits + 1, exponent);
}

static void obj_double(ttl *w, double x) {
    char lexical[64], buf[96];
    format_double(x, lexical, sizeof lexical);
    snprintf(buf, sizeof buf, "\"%s\"^^xsd:double", lexical);
    put(w, buf);
}

/* ---- vocabulary --------------------------------------------------------------- */

static const char *const prefixes = "@prefix rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#> .\n"
                                    "@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .\n"
                                    "@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .\n"
                                    "@prefix skos: <http://www.w3.org/2004/02/skos/core#> .\n"
                                    "@prefix org: <http://www.w3.org/ns/org#> .\n"
                                    "@prefix schema: <https://schema.org/> .\n"
                                    "@prefix foaf: <http://xmlns.com/foaf/0.1/> .\n"
                                    "@prefix prov: <http://www.w3.org/ns/prov#> .\n"
                                    "@prefix dcterms: <http://purl.org/dc/terms/> .\n"
                                    "@prefix kg: <" KG_VOCAB_IRI "> .\n\n";

static const char *const entity_classes[KG_ENT_TYPE_COUNT][2] = {
    [KG_ENT_ORGANIZATION] = {"org:Organization", "foaf:Organization"},
    [KG_ENT_PERSON] = {"foaf:Person", "schema:Person"},
    [KG_ENT_AGREEMENT] = {"kg:Agreement", "schema:CreativeWork"},
    [KG_ENT_EVENT] = {"schema:Event", NULL},
    [KG_ENT_PLACE] = {"schema:Place", NULL},
};

static const char *const relation_predicates[KG_REL_TYPE_COUNT] = {
    [KG_REL_HOLDS_POST] = "kg:holds_post",
    [KG_REL_PARTY_TO] = "kg:party_to",
    [KG_REL_SIGNED] = "kg:signed",
    [KG_REL_MEMBER_OF] = "kg:member_of",
    [KG_REL_MET_WITH] = "kg:met_with",
    [KG_REL_VISITED] = "kg:visited",
    [KG_REL_PARTICIPATED_IN] = "kg:participated_in",
    [KG_REL_ORGANIZED] = "kg:organized",
    [KG_REL_LOCATED_IN] = "kg:located_in",
};

/* Extra direct predicates, numbered after the relation types. */
enum { PRED_ORG_MEMBER_OF = KG_REL_TYPE_COUNT, PRED_ORG_HEAD_OF };

static const char *direct_predicate(int p) {
    if (p == PRED_ORG_MEMBER_OF)
        return "org:memberOf";
    if (p == PRED_ORG_HEAD_OF)
        return "org:headOf";
    return relation_predicates[p];
}

/* Normalised roles that make the holder the head of the organisation. */
static const char *const head_roles[] = {
    "chairman",
    "president",
    "head",
    "director",
    "director_general",
    "secretary_general",
    "leader",
    "mayor",
    "akim",
    "prime_minister",
    "minister",
    "rector",
    "general_secretary",
};

static bool is_head_role(const char *role) {
    if (role == NULL)
        return false;
    for (size_t i = 0; i < sizeof head_roles / sizeof head_roles[0]; i++)
        if (strcmp(role, head_roles[i]) == 0)
            return true;
    return false;
}

static bool has_cyrillic_letter(const char *s) {
    size_t len = strlen(s), pos = 0;
    while (pos < len) {
        int32_t cp = kg_utf8_next(s, len, &pos);
        if (kg_cp_is_cyrillic(cp) && kg_cp_is_letter(cp))
            return true;
    }
    return false;
}

/* A real calendar date as YYYY-MM-DD: written as xsd:date (anything else
 * stays a plain literal rather than becoming an ill-typed one). */
static bool is_iso_date(const char *s) {
    static const int days[12] = {31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    if (strlen(s) != 10 || s[4] != '-' || s[7] != '-')
        return false;
    for (int i = 0; i < 10; i++)
        if (i != 4 && i != 7 && !(s[i] >= '0' && s[i] <= '9'))
            return false;
    int year = atoi(s), month = (s[5] - '0') * 10 + (s[6] - '0');
    int day = (s[8] - '0') * 10 + (s[9] - '0');
    if (month < 1 || month > 12 || day < 1 || day > days[month - 1])
        return false;
    bool leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
    return !(month == 2 && day == 29 && !leap);
}

/* ---- export state ------------------------------------------------------------ */

typedef struct direct_triple {
    size_t subject, object;
    int predicate;
} direct_triple;

typedef struct doc_ref {
    const char *id;
    size_t index;
} doc_ref;

typedef struct slug_ref {
    char *slug;
    size_t index;
} slug_ref;

typedef struct turtle_ctx {
    const kg_graph *graph;
    ttl w;
    char **entity_iri;  /* per entity, owned */
    char **doc_iri;     /* per document, owned */
    doc_ref *doc_by_id; /* documents sorted by id, for lookups */
    direct_triple *direct;
    size_t n_direct;
    key_set evidence_seen, role_seen, relation_seen;
    kg_buf key, iri; /* scratch for hashed keys and built IRIs */
} turtle_ctx;

static int cmp_doc_ref(const void *a, const void *b) {
    return strcmp(((const doc_ref *)a)->id, ((const doc_ref *)b)->id);
}

static int cmp_slug_ref(const void *a, const void *b) {
    const slug_ref *x = a, *y = b;
    int c = strcmp(x->slug, y->slug);
    if (c != 0)
        return c;
    return x->index < y->index ? -1 : x->index > y->index;
}

static int cmp_direct(const void *a, const void *b) {
    const direct_triple *x = a, *y = b;
    if (x->subject != y->subject)
        return x->subject < y->subject ? -1 : 1;
    if (x->predicate != y->predicate)
        return x->predicate < y->predicate ? -1 : 1;
    if (x->object != y->object)
        return x->object < y->object ? -1 : 1;
    return 0;
}

/* Document IRIs: base + "document/" + slug(id).  Ids whose slugs collide all
 * get "-" + 8 hex digits of kg_hash64(id) appended, so the IRI of a document
 * never depends on which other documents were read with it — except for the
 * fact of the collision itself. */
static kg_status build_doc_iris(turtle_ctx *c) {
    const kg_resolved *data = c->graph->data;
    size_t n = data->n_documents;
    kg_status status = KG_OK;
    slug_ref *slugs = NULL;
    if (n == 0)
        return KG_OK;
    c->doc_iri = calloc(n, sizeof *c->doc_iri);
    c->doc_by_id = calloc(n, sizeof *c->doc_by_id);
    slugs = calloc(n, sizeof *slugs);
    if (c->doc_iri == NULL || c->doc_by_id == NULL || slugs == NULL) {
        status = KG_ERR_NOMEM;
        goto cleanup;
    }
    for (size_t i = 0; i < n; i++) {
        const char *id = data->documents[i].id != NULL ? data->documents[i].id : "";
        c->doc_by_id[i] = (doc_ref){id, i};
        slugs[i].index = i;
        slugs[i].slug = kg_text_slug(id, strlen(id), SLUG_MAX);
        if (slugs[i].slug == NULL) {
            status = KG_ERR_NOMEM;
            goto cleanup;
        }
    }
    qsort(c->doc_by_id, n, sizeof *c->doc_by_id, cmp_doc_ref);
    qsort(slugs, n, sizeof *slugs, cmp_slug_ref);
    for (size_t i = 0; i < n; i++) {
        bool collides = (i > 0 && strcmp(slugs[i].slug, slugs[i - 1].slug) == 0) ||
                        (i + 1 < n && strcmp(slugs[i].slug, slugs[i + 1].slug) == 0);
        size_t d = slugs[i].index;
        const char *id = data->documents[d].id != NULL ? data->documents[d].id : "";
        kg_buf iri = KG_BUF_INIT;
        kg_buf_puts(&iri, c->graph->base_iri);
        kg_buf_puts(&iri, "document/");
        kg_buf_puts(&iri, slugs[i].slug);
        if (collides)
            kg_buf_printf(&iri, "-%08" PRIx32, (uint32_t)kg_hash64(id, strlen(id), 0));
        if (iri.failed) {
            kg_buf_clear(&iri);
            status = KG_ERR_NOMEM;
            goto cleanup;
        }
        c->doc_iri[d] = iri.data;
    }
cleanup:
    if (slugs != NULL)
        for (size_t i = 0; i < n; i++)
            free(slugs[i].slug);
    free(slugs);
    return status;
}

/* IRI of the document with this id: the table entry, or (for an id missing
 * from the document table, which the resolver never produces) one built in
 * c->iri without collision handling.  Borrowed until the next call. */
static const char *doc_iri(turtle_ctx *c, const char *id) {
    if (id == NULL)
        id = "";
    if (c->doc_by_id != NULL) {
        doc_ref key = {id, 0};
        const doc_ref *hit = bsearch(&key, c->doc_by_id, c->graph->data->n_documents,
                                     sizeof *c->doc_by_id, cmp_doc_ref);
        if (hit != NULL)
            return c->doc_iri[hit->index];
    }
    char *slug = kg_text_slug(id, strlen(id), SLUG_MAX);
    kg_buf_reset(&c->iri);
    kg_buf_puts(&c->iri, c->graph->base_iri);
    kg_buf_puts(&c->iri, "document/");
    if (slug != NULL)
        kg_buf_puts(&c->iri, slug);
    else
        c->iri.failed = true;
    free(slug);
    if (c->iri.failed) {
        c->w.nomem = true;
        return "";
    }
    return c->iri.data;
}

/* Triples between entities, grouped under their subject: the relation
 * itself, org:memberOf for member_of, the reverse of met_with, and
 * org:headOf for a head role.  Sorted and de-duplicated (two roles in one
 * organisation give one kg:holds_post triple). */
static kg_status build_direct_triples(turtle_ctx *c) {
    const kg_resolved *data = c->graph->data;
    size_t cap = data->n_relations * 2;
    if (cap == 0)
        return KG_OK;
    c->direct = malloc(cap * sizeof *c->direct);
    if (c->direct == NULL)
        return KG_ERR_NOMEM;
    size_t n = 0;
    for (size_t j = 0; j < data->n_relations; j++) {
        const kg_relation *r = &data->relations[j];
        c->direct[n++] = (direct_triple){r->subject, r->object, (int)r->type};
        if (r->type == KG_REL_MEMBER_OF)
            c->direct[n++] = (direct_triple){r->subject, r->object, PRED_ORG_MEMBER_OF};
        else if (r->type == KG_REL_MET_WITH)
            c->direct[n++] = (direct_triple){r->object, r->subject, KG_REL_MET_WITH};
        else if (r->type == KG_REL_HOLDS_POST && is_head_role(r->role))
            c->direct[n++] = (direct_triple){r->subject, r->object, PRED_ORG_HEAD_OF};
    }
    qsort(c->direct, n, sizeof *c->direct, cmp_direct);
    size_t kept = 0;
    for (size_t i = 0; i < n; i++)
        if (kept == 0 || cmp_direct(&c->direct[kept - 1], &c->direct[i]) != 0)
            c->direct[kept++] = c->direct[i];
    c->n_direct = kept;
    return KG_OK;
}

/* kg_hash64 over fields joined by U+001F (which no id contains), seed 0. */
static uint64_t relation_key(turtle_ctx *c, const kg_relation *r) {
    const kg_entity *e = c->graph->data->entities;
    kg_buf_reset(&c->key);
    kg_buf_printf(&c->key, "%s\x1f%s\x1f%s\x1f%s", e[r->subject].id, kg_relation_type_name(r->type),
                  e[r->object].id, r->role != NULL ? r->role : "");
    if (c->key.failed) {
        c->w.nomem = true;
        return 0;
    }
    return kg_hash64(c->key.data, c->key.len, 0);
}

static uint64_t evidence_key(turtle_ctx *c, const kg_evidence *ev) {
    kg_buf_reset(&c->key);
    kg_buf_printf(&c->key, "%s\x1f%zu\x1f%zu\x1f%zu\x1f%s", ev->doc != NULL ? ev->doc : "",
                  ev->sentence, ev->start, ev->end, ev->rule != NULL ? ev->rule : "");
    if (c->key.failed) {
        c->w.nomem = true;
        return 0;
    }
    return kg_hash64(c->key.data, c->key.len, 0);
}

/* base + kind + "/" + 16 hex digits, into c->iri; borrowed until reused. */
static const char *hashed_iri(turtle_ctx *c, const char *kind, uint64_t key) {
    kg_buf_reset(&c->iri);
    kg_buf_printf(&c->iri, "%s%s/%016" PRIx64, c->graph->base_iri, kind, key);
    if (c->iri.failed) {
        c->w.nomem = true;
        return "";
    }
    return c->iri.data;
}

/* ---- the blocks ---------------------------------------------------------------- */

static void write_entity(turtle_ctx *c, size_t i, size_t *next_direct) {
    const kg_entity *e = &c->graph->data->entities[i];
    ttl *w = &c->w;
    subject(w, c->entity_iri[i]);
    if ((unsigned)e->type < KG_ENT_TYPE_COUNT) {
        for (int k = 0; k < 2; k++) {
            if (entity_classes[e->type][k] == NULL)
                continue;
            pred(w, "a");
            put(w, entity_classes[e->type][k]);
        }
    }
    pred(w, "rdfs:label");
    obj_lang(w, e->label != NULL ? e->label : e->id, e->lang);
    if (e->label_en != NULL) {
        pred(w, "skos:prefLabel");
        obj_lang(w, e->label_en, "en");
    }
    if (e->label_ru != NULL) {
        pred(w, "skos:prefLabel");
        obj_lang(w, e->label_ru, "ru");
    }
    for (size_t k = 0; k < e->n_aliases; k++) {
        /* Sorted, so a repeated alias would be adjacent. */
        if (k > 0 && strcmp(e->aliases[k], e->aliases[k - 1]) == 0)
            continue;
        pred(w, "skos:altLabel");
        obj_lang(w, e->aliases[k], has_cyrillic_letter(e->aliases[k]) ? "ru" : "en");
    }
    pred(w, "kg:mentions");
    obj_int(w, e->mentions);
    for (size_t k = 0; k < e->n_documents; k++) {
        if (k > 0 && strcmp(e->documents[k], e->documents[k - 1]) == 0)
            continue;
        pred(w, "kg:mentionedIn");
        obj_iri(w, doc_iri(c, e->documents[k]));
    }
    for (size_t m = 0; m < KG_EXPORT_N_MEASURES; m++) {
        pred(w, kg_export_measures[m].rdf_name);
        obj_double(w, kg_export_measure_value(c->graph, i, &kg_export_measures[m]));
    }
    while (*next_direct < c->n_direct && c->direct[*next_direct].subject == i) {
        const direct_triple *t = &c->direct[(*next_direct)++];
        pred(w, direct_predicate(t->predicate));
        obj_iri(w, c->entity_iri[t->object]);
    }
    end_subject(w);
}

static void write_document(turtle_ctx *c, size_t d) {
    const kg_doc_info *doc = &c->graph->data->documents[d];
    ttl *w = &c->w;
    subject(w, c->doc_iri[d]);
    pred(w, "a");
    put(w, "kg:Document");
    pred(w, "a");
    put(w, "prov:Entity");
    pred(w, "dcterms:identifier");
    obj_text(w, doc->id != NULL ? doc->id : "");
    if (doc->lang != NULL) {
        pred(w, "dcterms:language");
        obj_text(w, doc->lang);
    }
    if (doc->title != NULL) {
        pred(w, "dcterms:title");
        obj_text(w, doc->title);
    }
    if (doc->date != NULL) {
        pred(w, "dcterms:date");
        if (is_iso_date(doc->date))
            obj_typed(w, doc->date, "xsd:date");
        else
            obj_text(w, doc->date);
    }
    if (doc->url != NULL) {
        pred(w, "schema:url");
        if (kg_export_check_base_iri(doc->url, NULL) == KG_OK)
            obj_iri(w, doc->url);
        else
            obj_text(w, doc->url);
    }
    end_subject(w);
}

static void write_evidence(turtle_ctx *c, const kg_evidence *ev, uint64_t key) {
    ttl *w = &c->w;
    subject(w, hashed_iri(c, "evidence", key));
    pred(w, "a");
    put(w, "prov:Entity");
    pred(w, "a");
    put(w, "kg:Evidence");
    pred(w, "prov:wasQuotedFrom");
    obj_iri(w, doc_iri(c, ev->doc));
    pred(w, "kg:sentenceIndex");
    obj_int(w, ev->sentence);
    pred(w, "kg:start");
    obj_int(w, ev->start);
    pred(w, "kg:end");
    obj_int(w, ev->end);
    if (ev->text != NULL) {
        pred(w, "prov:value");
        obj_text(w, ev->text);
    }
    if (ev->rule != NULL) {
        pred(w, "kg:rule");
        obj_text(w, ev->rule);
    }
    pred(w, "kg:confidence");
    obj_double(w, ev->confidence);
    end_subject(w);
}

/* The membership of a holds_post relation, and its role node the first time
 * that role is seen (labelled with that relation's written form). */
static void write_membership(turtle_ctx *c, const kg_relation *r, uint64_t key) {
    ttl *w = &c->w;
    char *role_slug = NULL;
    char *role_iri = NULL;
    if (r->role != NULL) {
        role_slug = kg_text_slug(r->role, strlen(r->role), SLUG_MAX);
        kg_buf role = KG_BUF_INIT;
        kg_buf_puts(&role, c->graph->base_iri);
        kg_buf_puts(&role, "role/");
        kg_buf_puts(&role, role_slug != NULL ? role_slug : "");
        if (role_slug == NULL || role.failed) {
            kg_buf_clear(&role);
            free(role_slug);
            w->nomem = true;
            return;
        }
        role_iri = role.data;
    }
    subject(w, hashed_iri(c, "membership", key));
    pred(w, "a");
    put(w, "org:Membership");
    pred(w, "org:member");
    obj_iri(w, c->entity_iri[r->subject]);
    pred(w, "org:organization");
    obj_iri(w, c->entity_iri[r->object]);
    if (role_iri != NULL) {
        pred(w, "org:role");
        obj_iri(w, role_iri);
    }
    end_subject(w);

    if (role_iri != NULL) {
        int added = key_set_add(&c->role_seen, kg_hash64(role_slug, strlen(role_slug), 0));
        if (added < 0) {
            w->nomem = true;
        } else if (added > 0) {
            const char *label = r->role_text != NULL ? r->role_text : r->role;
            subject(w, role_iri);
            pred(w, "a");
            put(w, "org:Role");
            pred(w, "rdfs:label");
            obj_lang(w, label, has_cyrillic_letter(label) ? "ru" : "en");
            end_subject(w);
        }
    }
    free(role_iri);
    free(role_slug);
}

static void write_relation(turtle_ctx *c, size_t j) {
    const kg_relation *r = &c->graph->data->relations[j];
    ttl *w = &c->w;
    uint64_t key = relation_key(c, r);
    int added = key_set_add(&c->relation_seen, key);
    if (added <= 0) {
        /* < 0: out of memory; 0: a relation equal in (subject, type, object,
         * role) was written already (the resolver merges those). */
        if (added < 0)
            w->nomem = true;
        return;
    }
    subject(w, hashed_iri(c, "relation", key));
    pred(w, "a");
    put(w, "rdf:Statement");
    pred(w, "a");
    put(w, "kg:Relation");
    pred(w, "rdf:subject");
    obj_iri(w, c->entity_iri[r->subject]);
    pred(w, "rdf:predicate");
    put(w, relation_predicates[r->type]);
    pred(w, "rdf:object");
    obj_iri(w, c->entity_iri[r->object]);
    pred(w, "kg:weight");
    obj_int(w, r->n_evidence);
    pred(w, "kg:confidence");
    obj_double(w, r->confidence);
    /* Evidence is sorted by (doc, sentence, start, end, rule, text), so two
     * records with one key (differing in text only) are adjacent. */
    uint64_t previous = 0;
    for (size_t k = 0; k < r->n_evidence; k++) {
        uint64_t ev = evidence_key(c, &r->evidence[k]);
        if (k > 0 && ev == previous)
            continue;
        previous = ev;
        pred(w, "prov:wasDerivedFrom");
        obj_iri(w, hashed_iri(c, "evidence", ev));
    }
    end_subject(w);

    if (r->type == KG_REL_HOLDS_POST)
        write_membership(c, r, key);

    for (size_t k = 0; k < r->n_evidence; k++) {
        uint64_t ev = evidence_key(c, &r->evidence[k]);
        int fresh = key_set_add(&c->evidence_seen, ev);
        if (fresh < 0)
            w->nomem = true;
        else if (fresh > 0)
            write_evidence(c, &r->evidence[k], ev);
    }
}

/* ---- entry point ------------------------------------------------------------------ */

typedef struct raptor_log {
    char message[256];
} raptor_log;

/* raptor would print to stderr; the library never prints, so keep the first
 * message for the error report instead. */
static void on_raptor_log(void *user_data, raptor_log_message *message) {
    raptor_log *log = user_data;
    if (log->message[0] == '\0' && message->level >= RAPTOR_LOG_LEVEL_ERROR &&
        message->text != NULL)
        snprintf(log->message, sizeof log->message, "%s", message->text);
}

static kg_status check_graph(const kg_graph *graph, kg_error *err) {
    const kg_resolved *data = graph->data;
    for (size_t j = 0; j < data->n_relations; j++) {
        const kg_relation *r = &data->relations[j];
        if (r->subject >= data->n_entities || r->object >= data->n_entities ||
            (unsigned)r->type >= KG_REL_TYPE_COUNT)
            return kg_error_set(err, KG_ERR_INTERNAL, NULL, 0, 0,
                                "relation %zu has a bad type or entity index", j);
    }
    return KG_OK;
}

kg_status kg_export_turtle(const kg_graph *graph, FILE *out, kg_error *err) {
    kg_status status = KG_OK;
    raptor_world *world = NULL;
    raptor_log log = {{0}};
    size_t next_direct = 0; /* walks c.direct alongside the entities */
    turtle_ctx c;
    memset(&c, 0, sizeof c);
    c.graph = graph;

    if (graph == NULL || graph->data == NULL || out == NULL)
        return kg_error_set(err, KG_ERR_USAGE, NULL, 0, 0, "no graph or no output stream");
    status = kg_export_check_base_iri(graph->base_iri, err);
    if (status != KG_OK)
        return status;
    status = check_graph(graph, err);
    if (status != KG_OK)
        return status;
    const kg_resolved *data = graph->data;

    world = raptor_new_world();
    if (world == NULL || raptor_world_set_log_handler(world, &log, on_raptor_log) != 0 ||
        raptor_world_open(world) != 0) {
        status = kg_error_set(err, KG_ERR_GRAPH, NULL, 0, 0, "cannot start raptor2%s%s",
                              log.message[0] != '\0' ? ": " : "", log.message);
        goto cleanup;
    }
    c.w.io = raptor_new_iostream_to_file_handle(world, out);
    if (c.w.io == NULL) {
        status = kg_error_set(err, KG_ERR_NOMEM, NULL, 0, 0, "cannot create a raptor2 stream");
        goto cleanup;
    }

    if (data->n_entities > 0) {
        c.entity_iri = calloc(data->n_entities, sizeof *c.entity_iri);
        if (c.entity_iri == NULL)
            goto nomem;
        for (size_t i = 0; i < data->n_entities; i++)
            if ((c.entity_iri[i] = kg_export_entity_iri(graph, i)) == NULL)
                goto nomem;
    }
    if (build_doc_iris(&c) != KG_OK || build_direct_triples(&c) != KG_OK)
        goto nomem;

    put(&c.w, "# Knowledge graph written by kgraph " KG_VERSION "\n");
    put(&c.w, prefixes);
    for (size_t i = 0; i < data->n_entities && !c.w.nomem && !ferror(out); i++)
        write_entity(&c, i, &next_direct);
    for (size_t d = 0; d < data->n_documents && !c.w.nomem && !ferror(out); d++)
        write_document(&c, d);
    for (size_t j = 0; j < data->n_relations && !c.w.nomem && !ferror(out); j++)
        write_relation(&c, j);
    if (c.w.nomem)
        goto nomem;
    raptor_free_iostream(c.w.io);
    c.w.io = NULL;
    status = kg_export_flush(out, err);
    goto cleanup;

nomem:
    status = kg_error_set(err, KG_ERR_NOMEM, NULL, 0, 0, "out of memory writing Turtle");
cleanup:
    if (c.w.io != NULL)
        raptor_free_iostream(c.w.io);
    if (c.entity_iri != NULL)
        for (size_t i = 0; i < data->n_entities; i++)
            free(c.entity_iri[i]);
    free(c.entity_iri);
    if (c.doc_iri != NULL)
        for (size_t d = 0; d < data->n_documents; d++)
            free(c.doc_iri[d]);
    free(c.doc_iri);
    free(c.doc_by_id);
    free(c.direct);
    key_set_free(&c.evidence_seen);
    key_set_free(&c.role_seen);
    key_set_free(&c.relation_seen);
    kg_buf_clear(&c.key);
    kg_buf_clear(&c.iri);
    if (world != NULL)
        raptor_free_world(world);
    return status;
}
