/* rdf.c — the graph as RDF: Turtle, N-Triples and N-Quads, streamed.
 *
 * raptor2 is the RDF library, but its Turtle serializer is not used: it keeps
 * every triple in memory (about 115k triples/s) and writes xsd:double as bare
 * numbers whatever the lexical form (which breaks on NaN).  Instead this file
 * writes the three syntaxes into a block of its own, groups the triples of
 * each subject for Turtle ("s p o , o ; p o ."), and has raptor2 escape the
 * literals that need it (raptor_string_escaped_write, through a
 * raptor_iostream into the same block).
 * Memory is O(entities + relations + evidence) for the IRI tables and the
 * de-duplication sets, never O(triples).
 *
 * Turtle is kept compact without changing a triple: kgraph's own IRIs are
 * written as prefixed names (person:aigul-test, evidence:0123456789abcdef;
 * one @prefix per id namespace, derived from the base IRI in effect) when the
 * local part is a plain PN_LOCAL, and integers bare (3) when every reader
 * takes the bare form back as the same typed literal.  Doubles stay quoted
 * (kg_export_turtle_bare_literal says why).
 *
 * One traversal writes all three syntaxes, so the triples of graph.ttl and
 * graph.nt are the same set, in the same order.  graph.nq holds the same
 * triples again, spread over graphs: what one document says (the relations
 * it supports as direct triples, their memberships, its evidence records) in
 * the named graph of that document, everything else in the default graph.
 *
 * Every triple (every quad) is written once: parsers that report raw
 * statements (serdi, rapper) and stores that keep a set (rdflib) must agree
 * on the count.  The vocabulary is docs/vocabulary.md.
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

/* Linear probing stays short up to three quarters full when the keys are
 * hashes; a fuller table would need one capacity step less memory only. */
static bool key_set_fits(size_t count, size_t cap) {
    return count <= cap / 4 * 3;
}

/* Moves the keys into cap slots (a power of two). */
static bool key_set_resize(key_set *set, size_t cap) {
    uint64_t *slots = calloc(cap, sizeof *slots);
    if (slots == NULL)
        return false;
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
    return true;
}

/* Room for n keys at once, so that a set whose size is known does not pass
 * through every smaller table (each growth holds the old and the new). */
static bool key_set_reserve(key_set *set, size_t n) {
    size_t cap = set->cap == 0 ? 64 : set->cap;
    while (!key_set_fits(n, cap))
        cap *= 2;
    return cap == set->cap || key_set_resize(set, cap);
}

/* 1 when key was added, 0 when it was already there, -1 when out of memory. */
static int key_set_add(key_set *set, uint64_t key) {
    if (key == 0) {
        int added = !set->has_zero;
        set->has_zero = true;
        return added;
    }
    if (!key_set_fits(set->count + 1, set->cap) && !key_set_reserve(set, set->count + 1))
        return -1;
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

/* ---- vocabulary --------------------------------------------------------------- */

static const struct {
    const char *prefix; /* with the colon */
    const char *iri;
} prefix_table[] = {
    {"rdf:", "http://www.w3.org/1999/02/22-rdf-syntax-ns#"},
    {"rdfs:", "http://www.w3.org/2000/01/rdf-schema#"},
    {"xsd:", "http://www.w3.org/2001/XMLSchema#"},
    {"skos:", "http://www.w3.org/2004/02/skos/core#"},
    {"org:", "http://www.w3.org/ns/org#"},
    {"schema:", "https://schema.org/"},
    {"foaf:", "http://xmlns.com/foaf/0.1/"},
    {"prov:", "http://www.w3.org/ns/prov#"},
    {"dcterms:", "http://purl.org/dc/terms/"},
    {"kg:", KG_VOCAB_IRI},
};

#define N_PREFIXES (sizeof prefix_table / sizeof prefix_table[0])

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
enum { PRED_ORG_MEMBER_OF = KG_REL_TYPE_COUNT, PRED_ORG_HEAD_OF, PRED_COUNT };

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

/* ---- Turtle's compact forms --------------------------------------------------- */

/* The namespaces of kgraph's own resources: base IRI + name + "/".  Turtle
 * declares each as a prefix of the same name (docs/vocabulary.md); none
 * equals a vocabulary prefix above ("organization", not "org"). */
enum {
    NS_AGREEMENT,
    NS_DOCUMENT,
    NS_EVENT,
    NS_EVIDENCE,
    NS_MEMBERSHIP,
    NS_MERGE,
    NS_ORGANIZATION,
    NS_PERSON,
    NS_PLACE,
    NS_RELATION,
    NS_ROLE,
    NS_COUNT
};

static const char *const id_namespaces[NS_COUNT] = {
    [NS_AGREEMENT] = "agreement",
    [NS_DOCUMENT] = "document",
    [NS_EVENT] = "event",
    [NS_EVIDENCE] = "evidence",
    [NS_MEMBERSHIP] = "membership",
    [NS_MERGE] = "merge",
    [NS_ORGANIZATION] = "organization",
    [NS_PERSON] = "person",
    [NS_PLACE] = "place",
    [NS_RELATION] = "relation",
    [NS_ROLE] = "role",
};

#define NS_NAME_MAX 12 /* strlen("organization") */

static bool ascii_alnum(unsigned char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
}

/* True when local can follow "prefix:" as it is: a Turtle 1.1 PN_LOCAL
 * without escapes, percent signs or colons, in ASCII (kgraph's slugs and
 * hashes are [a-z0-9-]): a letter, digit or '_' first, then letters, digits,
 * '_', '-' and '.', but not '.' last.  Anything else (a '/' or a
 * percent-escape in an entity id, say) keeps the full IRI.  Not static:
 * tests/test_exporters.c checks it directly. */
bool kg_export_turtle_local_ok(const char *local, size_t len) {
    if (len == 0 || local[len - 1] == '.')
        return false;
    for (size_t i = 0; i < len; i++) {
        unsigned char c = (unsigned char)local[i];
        if (!(ascii_alnum(c) || c == '_' || (i > 0 && (c == '-' || c == '.'))))
            return false;
    }
    return true;
}

/* -?(0|[1-9][0-9]*) but not "-0": the canonical xsd:integer forms. */
static bool canonical_integer(const char *lexical, size_t len) {
    size_t i = len > 0 && lexical[0] == '-' ? 1 : 0;
    if (i == len || (lexical[i] == '0' && (len - i > 1 || i == 1)))
        return false; /* empty, a leading zero, or "-0" */
    for (; i < len; i++)
        if (lexical[i] < '0' || lexical[i] > '9')
            return false;
    return true;
}

/* True when Turtle's bare form of the literal lexical^^datatype reads back
 * as that same literal in every parser the tests use: an xsd:integer in
 * canonical form (-?(0|[1-9][0-9]*), not "-0"; Turtle's INTEGER also allows
 * "+1" and "007", which rdflib rewrites to "1" and "7") or an xsd:boolean
 * "true" / "false".  xsd:double stays quoted: rdflib turns a bare DOUBLE
 * into a Python float and writes it back in its own form ("7.0E-1" becomes
 * "0.7"), so the literal would differ from graph.nt's.  Not static:
 * tests/test_exporters.c checks it directly. */
bool kg_export_turtle_bare_literal(const char *lexical, size_t len, const char *datatype) {
    if (strcmp(datatype, "xsd:boolean") == 0)
        return (len == 4 && memcmp(lexical, "true", 4) == 0) ||
               (len == 5 && memcmp(lexical, "false", 5) == 0);
    return strcmp(datatype, "xsd:integer") == 0 && canonical_integer(lexical, len);
}

/* ---- the triple writer ------------------------------------------------------ */

typedef enum rdf_syntax { SYNTAX_TURTLE, SYNTAX_NTRIPLES, SYNTAX_NQUADS } rdf_syntax;

/* The callers speak in subjects, predicates and objects; this turns them into
 * one syntax.  Turtle groups the triples of a subject; the line-based
 * syntaxes repeat the subject (kept in `subject`, since callers pass terms in
 * scratch buffers) on every line, and N-Quads ends each line with the
 * current graph.
 *
 * IRIs reach the writer as terms, already spelled for the syntax ("<iri>",
 * or a prefixed name in Turtle: iri_term).  Output goes through a 64 KiB
 * buffer written to the FILE * in whole blocks; small writes through stdio
 * (locked per call) would cost more than everything else together. */
#define OUT_BLOCK 65536
#define NAME_CACHE 128   /* a power of two above the number of names used */
#define DOUBLE_CACHE 256 /* a power of two; confidences repeat a few values */

/* A prefixed name as this syntax spells it ("kg:holds_post" in Turtle,
 * "<full IRI>" otherwise), keyed by the name's address: every name passed to
 * put_name is a static string (a literal here, or a measure's rdf_name), so
 * an address stands for one name for the whole export. */
typedef struct name_entry {
    const char *name;
    char *spelled; /* owned */
    size_t len;
} name_entry;

/* The lexical form of a double, by its bits (format_double is pure). */
typedef struct double_entry {
    uint64_t bits;
    unsigned char len; /* 0: empty */
    char lexical[31];
} double_entry;

typedef struct rdf_out {
    raptor_iostream *io; /* raptor2's escaping writes through it into out */
    kg_block_out out;    /* the bytes, OUT_BLOCK at a time */
    rdf_syntax syntax;
    const char *base; /* the base IRI, for Turtle's prefixed names */
    size_t base_len;
    const char *pred; /* Turtle: last predicate of the open subject, NULL right after it */
    kg_buf subject;   /* line syntaxes: "<iri> " of the current subject */
    kg_buf graph;     /* N-Quads: " <iri>" of the current graph; empty for the default graph */
    name_entry names[NAME_CACHE];
    double_entry doubles[DOUBLE_CACHE];
    bool nomem;
} rdf_out;

static void out_flush(rdf_out *w) {
    kg_block_flush(&w->out);
}

static void put_n(rdf_out *w, const char *s, size_t len) {
    kg_block_put_n(&w->out, s, len);
}

static void put(rdf_out *w, const char *s) {
    put_n(w, s, strlen(s));
}

/* The raptor_iostream handler: raptor's writes land in the same buffer. */
static int io_write_byte(void *context, const int byte) {
    char c = (char)byte;
    put_n(context, &c, 1);
    return 0;
}

static int io_write_bytes(void *context, const void *ptr, size_t size, size_t nmemb) {
    put_n(context, ptr, size * nmemb);
    return (int)nmemb;
}

static const raptor_iostream_handler io_handler = {
    .version = 2, .write_byte = io_write_byte, .write_bytes = io_write_bytes};

/* Appends iri as a term of w's syntax: "prefix:local" in Turtle when iri is
 * base + an id namespace + "/" + a local part kg_export_turtle_local_ok
 * accepts, "<iri>" otherwise.  iri needs no escaping (kgraph's IRIs are
 * checked or percent-encoded where they are made). */
static void iri_term(const rdf_out *w, kg_buf *out, const char *iri, size_t len) {
    if (w->syntax == SYNTAX_TURTLE && len > w->base_len && memcmp(iri, w->base, w->base_len) == 0) {
        const char *rest = iri + w->base_len, *end = iri + len;
        size_t n = (size_t)(end - rest);
        const char *slash = memchr(rest, '/', n < NS_NAME_MAX + 1 ? n : NS_NAME_MAX + 1);
        for (size_t k = 0; slash != NULL && k < NS_COUNT; k++) {
            size_t name_len = strlen(id_namespaces[k]);
            if (name_len != (size_t)(slash - rest) || memcmp(rest, id_namespaces[k], name_len) != 0)
                continue;
            if (!kg_export_turtle_local_ok(slash + 1, (size_t)(end - slash - 1)))
                break;
            kg_buf_put(out, rest, name_len);
            kg_buf_put(out, ":", 1);
            kg_buf_put(out, slash + 1, (size_t)(end - slash - 1));
            return;
        }
    }
    kg_buf_put(out, "<", 1);
    kg_buf_put(out, iri, len);
    kg_buf_put(out, ">", 1);
}

/* A prefixed name ("kg:holds_post", "a") as the line syntaxes write it:
 * "<full IRI>", as a new string (caller frees); NULL when out of memory. */
static char *expand_name(const char *name) {
    if (name[0] == 'a' && name[1] == '\0')
        name = "rdf:type";
    const char *iri = "", *local = name;
    for (size_t i = 0; i < N_PREFIXES; i++) {
        size_t n = strlen(prefix_table[i].prefix);
        if (strncmp(name, prefix_table[i].prefix, n) == 0) {
            iri = prefix_table[i].iri;
            local = name + n;
            break;
        }
    }
    size_t size = strlen(iri) + strlen(local) + 3;
    char *out = malloc(size);
    if (out != NULL)
        snprintf(out, size, "<%s%s>", iri, local);
    return out;
}

static char *spell_name(const rdf_out *w, const char *name) {
    return w->syntax == SYNTAX_TURTLE ? strdup(name) : expand_name(name);
}

/* A prefixed name as this syntax spells it (spelled once per name, then
 * looked up by address). */
static void put_name(rdf_out *w, const char *name) {
    size_t at = ((uintptr_t)name >> 3) & (NAME_CACHE - 1);
    for (size_t probe = 0; probe < NAME_CACHE; probe++, at = (at + 1) & (NAME_CACHE - 1)) {
        name_entry *e = &w->names[at];
        if (e->name == name) {
            put_n(w, e->spelled, e->len);
            return;
        }
        if (e->name == NULL) {
            e->spelled = spell_name(w, name);
            if (e->spelled == NULL) {
                w->nomem = true;
                return;
            }
            e->name = name;
            e->len = strlen(e->spelled);
            put_n(w, e->spelled, e->len);
            return;
        }
    }
    /* More names than slots (not with this vocabulary): spell each time. */
    char *spelled = spell_name(w, name);
    if (spelled == NULL)
        w->nomem = true;
    else
        put(w, spelled);
    free(spelled);
}

/* N-Quads: the graph of the next triples, a term ("<iri>"); NULL for the
 * default graph. */
static void set_graph(rdf_out *w, const char *term, size_t len) {
    if (w->syntax != SYNTAX_NQUADS)
        return;
    kg_buf_reset(&w->graph);
    if (term != NULL) {
        kg_buf_put(&w->graph, " ", 1);
        kg_buf_put(&w->graph, term, len);
    }
    if (w->graph.failed)
        w->nomem = true;
}

static void subject(rdf_out *w, const char *term, size_t len) {
    if (w->syntax == SYNTAX_TURTLE) {
        put_n(w, term, len);
        w->pred = NULL;
        return;
    }
    kg_buf_reset(&w->subject);
    kg_buf_put(&w->subject, term, len);
    kg_buf_put(&w->subject, " ", 1);
    if (w->subject.failed)
        w->nomem = true;
}

/* Starts a predicate-object pair.  Turtle continues the object list when the
 * predicate is the one just written. */
static void pred(rdf_out *w, const char *name) {
    if (w->syntax != SYNTAX_TURTLE) {
        if (w->subject.data != NULL)
            put_n(w, w->subject.data, w->subject.len);
        put_name(w, name);
        put_n(w, " ", 1);
        return;
    }
    if (w->pred != NULL && (w->pred == name || strcmp(w->pred, name) == 0)) {
        put_n(w, " , ", 3);
        return;
    }
    if (w->pred == NULL)
        put_n(w, " ", 1);
    else
        put_n(w, " ;\n    ", 7);
    put_name(w, name);
    put_n(w, " ", 1);
    w->pred = name;
}

/* Ends a triple: nothing in Turtle (the next pred or end_subject does), the
 * graph and " ." on the line syntaxes. */
static void end_object(rdf_out *w) {
    if (w->syntax == SYNTAX_TURTLE)
        return;
    if (w->graph.len > 0)
        put_n(w, w->graph.data, w->graph.len);
    put_n(w, " .\n", 3);
}

static void end_subject(rdf_out *w) {
    if (w->syntax == SYNTAX_TURTLE)
        put_n(w, " .\n\n", 4);
}

static void obj_term(rdf_out *w, const char *term, size_t len) {
    put_n(w, term, len);
    end_object(w);
}

static void obj_name(rdf_out *w, const char *name) {
    put_name(w, name);
    end_object(w);
}

/* s[0..len) (valid UTF-8) as the body of a one-line "..." literal.
 * raptor2 escapes '"' and '\' and writes printable UTF-8 as it is; with the
 * TNRU bit it writes TAB, LF and CR as \t \n \r and other controls as
 * \uXXXX, so the form is valid Turtle and N-Triples whatever the text holds.
 * A string with none of those bytes (most are) is copied whole, which is
 * what raptor would write, without its byte-at-a-time stream. */
static void put_escaped(rdf_out *w, const char *s, size_t len) {
    static const unsigned flags =
        RAPTOR_ESCAPED_WRITE_TURTLE_LITERAL | RAPTOR_ESCAPED_WRITE_BITFLAG_BS_ESCAPES_TNRU;
    for (size_t i = 0; i < len; i++) {
        unsigned char c = (unsigned char)s[i];
        if (c < 0x20 || c == '"' || c == '\\' || c == 0x7f) {
            raptor_string_escaped_write((const unsigned char *)s, len, '"', flags, w->io);
            return;
        }
    }
    put_n(w, s, len);
}

/* The quoted body of a literal.  Invalid UTF-8 (raptor would refuse it
 * half-way through) is repaired first. */
static void put_quoted(rdf_out *w, const char *s) {
    size_t len = strlen(s);
    bool ascii = true;
    for (size_t i = 0; i < len && ascii; i++)
        ascii = (unsigned char)s[i] < 0x80;
    put_n(w, "\"", 1);
    if (ascii || kg_export_utf8_valid(s, len)) {
        put_escaped(w, s, len);
    } else {
        char *clean = kg_export_clean_text(s, len, false);
        if (clean == NULL)
            w->nomem = true;
        else
            put_escaped(w, clean, strlen(clean));
        free(clean);
    }
    put_n(w, "\"", 1);
}

static void obj_text(rdf_out *w, const char *s) {
    put_quoted(w, s);
    end_object(w);
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

static void obj_lang(rdf_out *w, const char *s, const char *lang) {
    put_quoted(w, s);
    put_n(w, "@", 1);
    put(w, lang != NULL && lang_tag_ok(lang) ? lang : "en");
    end_object(w);
}

/* A typed literal: the lexical form alone when bare (Turtle only), else
 * "lexical"^^datatype.  lexical is NUL-terminated; len is its strlen. */
static void obj_literal(rdf_out *w, const char *lexical, size_t len, const char *datatype,
                        bool bare) {
    if (bare && w->syntax == SYNTAX_TURTLE) {
        put_n(w, lexical, len);
    } else {
        put_quoted(w, lexical);
        put_n(w, "^^", 2);
        put_name(w, datatype);
    }
    end_object(w);
}

static void obj_typed(rdf_out *w, const char *lexical, const char *datatype) {
    size_t len = strlen(lexical);
    obj_literal(w, lexical, len, datatype, kg_export_turtle_bare_literal(lexical, len, datatype));
}

/* Decimal digits of n, written backwards from end; returns the first. */
static char *format_size(size_t n, char *end) {
    do {
        *--end = (char)('0' + n % 10);
        n /= 10;
    } while (n > 0);
    return end;
}

static void obj_int(rdf_out *w, size_t n) {
    char buf[32];
    char *end = buf + sizeof buf - 1;
    *end = '\0';
    char *start = format_size(n, end);
    size_t len = (size_t)(end - start);
    obj_literal(w, start, len, "xsd:integer", canonical_integer(start, len));
}

/* The xsd:double lexical form of x with 12 significant digits, in the
 * canonical mantissa-exponent shape ("1.5E-3", "0.0E0").  The digits come
 * from printf's %e, but its decimal point (which follows the locale and may
 * be several bytes) is skipped rather than trusted.  NaN and infinities,
 * which have no place in kgraph's measures, become 0. */
static size_t format_double(double x, char out[48]) {
    x = kg_export_finite(x);
    if (x == 0.0) {
        memcpy(out, "0.0E0", 6);
        return 5;
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
    /* [-]d.dddE[-]x, assembled by hand: one printf per number is enough. */
    size_t len = 0;
    if (negative)
        out[len++] = '-';
    out[len++] = digits[0];
    out[len++] = '.';
    memcpy(out + len, digits + 1, n - 1);
    len += n - 1;
    out[len++] = 'E';
    if (exponent < 0)
        out[len++] = '-';
    char exp_digits[24];
    char *end = exp_digits + sizeof exp_digits;
    char *start = format_size((size_t)(exponent < 0 ? -exponent : exponent), end);
    memcpy(out + len, start, (size_t)(end - start));
    len += (size_t)(end - start);
    out[len] = '\0';
    return len;
}

/* format_double through a small cache: confidences and the integral
 * measures (degree, coreness) repeat a few values, and printf is the
 * costliest step of a triple.  Always quoted, in Turtle too
 * (kg_export_turtle_bare_literal says why). */
static void obj_double(rdf_out *w, double x) {
    uint64_t bits;
    memcpy(&bits, &x, sizeof bits);
    double_entry *e =
        &w->doubles[(size_t)((bits * 0x9E3779B97F4A7C15u) >> 56) & (DOUBLE_CACHE - 1)];
    if (e->len == 0 || e->bits != bits) {
        char lexical[48];
        size_t len = format_double(x, lexical);
        if (len < sizeof e->lexical) {
            e->bits = bits;
            e->len = (unsigned char)len;
            memcpy(e->lexical, lexical, len + 1);
        } else {
            obj_literal(w, lexical, len, "xsd:double", false);
            return;
        }
    }
    obj_literal(w, e->lexical, e->len, "xsd:double", false);
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

/* An IRI as the current syntax writes it (iri_term): owned by the tables
 * below, borrowed when doc_term or hashed_term returns one. */
typedef struct term {
    char *text;
    size_t len;
} term;

typedef struct rdf_ctx {
    const kg_graph *graph;
    rdf_out w;
    term *entity_term;  /* per entity */
    term *doc_term;     /* per document */
    doc_ref *doc_by_id; /* documents sorted by id, for lookups */
    size_t *doc_by_ptr; /* index + 1 of a document by its id's address (0: empty slot) */
    size_t doc_ptr_mask;
    direct_triple *direct;
    size_t n_direct;
    key_set evidence_seen, role_seen, relation_seen;
    key_set quad_seen; /* N-Quads: direct triples already written into a document's graph */
    uint64_t *ev_keys; /* scratch: the evidence keys of one relation */
    size_t ev_keys_cap;
    kg_buf key, iri, term; /* scratch for hashed keys, built IRIs and terms */
    kg_buf doc;            /* scratch: the term of a document missing from the table */
} rdf_ctx;

/* iri as a new term of c's syntax; false when out of memory. */
static bool make_term(rdf_ctx *c, const char *iri, size_t len, term *out) {
    kg_buf buf = KG_BUF_INIT;
    iri_term(&c->w, &buf, iri, len);
    if (buf.failed) {
        kg_buf_clear(&buf);
        return false;
    }
    out->text = buf.data;
    out->len = buf.len;
    return true;
}

/* iri as a term of c's syntax in c->term, borrowed until the next call;
 * "" with c->w.nomem set when out of memory. */
static const char *scratch_term(rdf_ctx *c, const char *iri, size_t *len) {
    kg_buf_reset(&c->term);
    iri_term(&c->w, &c->term, iri, strlen(iri));
    if (c->term.failed) {
        c->w.nomem = true;
        *len = 0;
        return "";
    }
    *len = c->term.len;
    return c->term.data;
}

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

static size_t ptr_slot(const void *p, size_t mask) {
    return (size_t)(((uint64_t)(uintptr_t)p * 0x9E3779B97F4A7C15u) >> 32) & mask;
}

/* c->doc_by_ptr: the ids entities and evidence carry are, as a rule, the
 * very strings of the document table (one string pool), so most lookups
 * take one probe instead of a binary search with string compares.  Ids
 * that occur twice in the table are left out and found by the search, so
 * the answer is the same either way. */
static kg_status build_doc_by_ptr(rdf_ctx *c) {
    size_t n = c->graph->data->n_documents, cap = 16;
    while (cap < 2 * n)
        cap *= 2;
    c->doc_by_ptr = calloc(cap, sizeof *c->doc_by_ptr);
    if (c->doc_by_ptr == NULL)
        return KG_ERR_NOMEM;
    c->doc_ptr_mask = cap - 1;
    for (size_t k = 0; k < n; k++) {
        const doc_ref *d = &c->doc_by_id[k];
        if ((k > 0 && strcmp(d->id, d[-1].id) == 0) || (k + 1 < n && strcmp(d->id, d[1].id) == 0))
            continue;
        size_t at = ptr_slot(d->id, c->doc_ptr_mask);
        while (c->doc_by_ptr[at] != 0)
            at = (at + 1) & c->doc_ptr_mask;
        c->doc_by_ptr[at] = d->index + 1;
    }
    return KG_OK;
}

/* Document IRIs (as terms): base + "document/" + slug(id).  Ids whose slugs collide all
 * get "-" + 8 hex digits of kg_hash64(id) appended, so the IRI of a document
 * never depends on which other documents were read with it — except for the
 * fact of the collision itself. */
static kg_status build_doc_iris(rdf_ctx *c) {
    const kg_resolved *data = c->graph->data;
    size_t n = data->n_documents;
    kg_status status = KG_OK;
    slug_ref *slugs = NULL;
    if (n == 0)
        return KG_OK;
    c->doc_term = calloc(n, sizeof *c->doc_term);
    c->doc_by_id = calloc(n, sizeof *c->doc_by_id);
    slugs = calloc(n, sizeof *slugs);
    if (c->doc_term == NULL || c->doc_by_id == NULL || slugs == NULL) {
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
    status = build_doc_by_ptr(c);
    if (status != KG_OK)
        goto cleanup;
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
        bool made = !iri.failed && make_term(c, iri.data, iri.len, &c->doc_term[d]);
        kg_buf_clear(&iri);
        if (!made) {
            status = KG_ERR_NOMEM;
            goto cleanup;
        }
    }
cleanup:
    if (slugs != NULL)
        for (size_t i = 0; i < n; i++)
            free(slugs[i].slug);
    free(slugs);
    return status;
}

/* Index of the document with this id in the document table; SIZE_MAX when
 * it is not there (which the resolver never produces). */
static size_t doc_index(const rdf_ctx *c, const char *id) {
    if (c->doc_by_id == NULL)
        return SIZE_MAX;
    if (id != NULL) {
        const kg_doc_info *docs = c->graph->data->documents;
        for (size_t at = ptr_slot(id, c->doc_ptr_mask); c->doc_by_ptr[at] != 0;
             at = (at + 1) & c->doc_ptr_mask)
            if (docs[c->doc_by_ptr[at] - 1].id == id)
                return c->doc_by_ptr[at] - 1;
    }
    doc_ref key = {id != NULL ? id : "", 0};
    const doc_ref *hit =
        bsearch(&key, c->doc_by_id, c->graph->data->n_documents, sizeof *c->doc_by_id, cmp_doc_ref);
    return hit != NULL ? hit->index : SIZE_MAX;
}

/* The term of the document with this id: the table entry, or (for an id
 * missing from the document table) one built in c->doc without collision
 * handling.  Borrowed until the next call. */
static term doc_term(rdf_ctx *c, const char *id) {
    if (id == NULL)
        id = "";
    size_t d = doc_index(c, id);
    if (d != SIZE_MAX)
        return c->doc_term[d];
    char *slug = kg_text_slug(id, strlen(id), SLUG_MAX);
    kg_buf iri = KG_BUF_INIT;
    kg_buf_puts(&iri, c->graph->base_iri);
    kg_buf_puts(&iri, "document/");
    if (slug != NULL)
        kg_buf_puts(&iri, slug);
    else
        iri.failed = true;
    free(slug);
    kg_buf_reset(&c->doc);
    if (!iri.failed)
        iri_term(&c->w, &c->doc, iri.data, iri.len);
    if (iri.failed || c->doc.failed) {
        kg_buf_clear(&iri);
        c->w.nomem = true;
        return (term){"", 0};
    }
    kg_buf_clear(&iri);
    return (term){c->doc.data, c->doc.len};
}

/* The triples between entities that stand for relation r: the relation
 * itself, org:memberOf for member_of, the reverse of met_with, and
 * org:headOf for a head role.  Returns how many (at most 2) went into out. */
static size_t relation_direct(const kg_relation *r, direct_triple out[2]) {
    size_t n = 0;
    out[n++] = (direct_triple){r->subject, r->object, (int)r->type};
    if (r->type == KG_REL_MEMBER_OF)
        out[n++] = (direct_triple){r->subject, r->object, PRED_ORG_MEMBER_OF};
    else if (r->type == KG_REL_MET_WITH)
        out[n++] = (direct_triple){r->object, r->subject, KG_REL_MET_WITH};
    else if (r->type == KG_REL_HOLDS_POST && is_head_role(r->role))
        out[n++] = (direct_triple){r->subject, r->object, PRED_ORG_HEAD_OF};
    return n;
}

/* The direct triples of every relation, to be grouped under their subject:
 * sorted and de-duplicated (two roles in one organisation give one
 * kg:holds_post triple). */
static kg_status build_direct_triples(rdf_ctx *c) {
    const kg_resolved *data = c->graph->data;
    size_t cap = data->n_relations * 2;
    if (cap == 0)
        return KG_OK;
    c->direct = malloc(cap * sizeof *c->direct);
    if (c->direct == NULL)
        return KG_ERR_NOMEM;
    size_t n = 0;
    for (size_t j = 0; j < data->n_relations; j++)
        n += relation_direct(&data->relations[j], c->direct + n);
    qsort(c->direct, n, sizeof *c->direct, cmp_direct);
    size_t kept = 0;
    for (size_t i = 0; i < n; i++)
        if (kept == 0 || cmp_direct(&c->direct[kept - 1], &c->direct[i]) != 0)
            c->direct[kept++] = c->direct[i];
    c->n_direct = kept;
    return KG_OK;
}

/* kg_hash64 over fields joined by U+001F (which no id contains), seed 0. */
static uint64_t relation_key(rdf_ctx *c, const kg_relation *r) {
    uint64_t key = kg_export_relation_key(c->graph, r, &c->key);
    if (c->key.failed)
        c->w.nomem = true;
    return key;
}

static void buf_put_size(kg_buf *buf, size_t n) {
    char digits[24];
    char *end = digits + sizeof digits;
    char *start = format_size(n, end);
    kg_buf_put(buf, start, (size_t)(end - start));
}

static uint64_t evidence_key(rdf_ctx *c, const kg_evidence *ev) {
    kg_buf_reset(&c->key);
    kg_buf_puts(&c->key, ev->doc != NULL ? ev->doc : "");
    kg_buf_put(&c->key, "\x1f", 1);
    buf_put_size(&c->key, ev->sentence);
    kg_buf_put(&c->key, "\x1f", 1);
    buf_put_size(&c->key, ev->start);
    kg_buf_put(&c->key, "\x1f", 1);
    buf_put_size(&c->key, ev->end);
    kg_buf_put(&c->key, "\x1f", 1);
    kg_buf_puts(&c->key, ev->rule != NULL ? ev->rule : "");
    if (c->key.failed) {
        c->w.nomem = true;
        return 0;
    }
    return kg_hash64(c->key.data, c->key.len, 0);
}

/* The term of base + namespace + "/" + 16 hex digits, into c->iri;
 * borrowed until reused.  In Turtle "evidence:0123456789abcdef" (16 hex
 * digits are always a valid local part). */
static term hashed_term(rdf_ctx *c, int ns, uint64_t key) {
    static const char hex[] = "0123456789abcdef";
    char digits[16];
    for (int k = 15; k >= 0; k--, key >>= 4)
        digits[k] = hex[key & 15];
    kg_buf_reset(&c->iri);
    if (c->w.syntax == SYNTAX_TURTLE) {
        kg_buf_puts(&c->iri, id_namespaces[ns]);
        kg_buf_put(&c->iri, ":", 1);
        kg_buf_put(&c->iri, digits, 16);
    } else {
        kg_buf_put(&c->iri, "<", 1);
        kg_buf_puts(&c->iri, c->graph->base_iri);
        kg_buf_puts(&c->iri, id_namespaces[ns]);
        kg_buf_put(&c->iri, "/", 1);
        kg_buf_put(&c->iri, digits, 16);
        kg_buf_put(&c->iri, ">", 1);
    }
    if (c->iri.failed) {
        c->w.nomem = true;
        return (term){"", 0};
    }
    return (term){c->iri.data, c->iri.len};
}

/* ---- the blocks ---------------------------------------------------------------- */

/* The earliest YYYY-MM-DD date of the documents mentioning entity e, or NULL
 * when none of them has one. */
static const char *first_reported(const rdf_ctx *c, const kg_entity *e) {
    const char *best = NULL;
    for (size_t k = 0; k < e->n_documents; k++) {
        size_t d = doc_index(c, e->documents[k]);
        const char *date = d != SIZE_MAX ? c->graph->data->documents[d].date : NULL;
        if (date != NULL && is_iso_date(date) && (best == NULL || strcmp(date, best) < 0))
            best = date;
    }
    return best;
}

static void write_entity(rdf_ctx *c, size_t i, size_t *next_direct) {
    const kg_entity *e = &c->graph->data->entities[i];
    rdf_out *w = &c->w;
    subject(w, c->entity_term[i].text, c->entity_term[i].len);
    if ((unsigned)e->type < KG_ENT_TYPE_COUNT) {
        for (int k = 0; k < 2; k++) {
            if (entity_classes[e->type][k] == NULL)
                continue;
            pred(w, "a");
            obj_name(w, entity_classes[e->type][k]);
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
        term doc = doc_term(c, e->documents[k]);
        obj_term(w, doc.text, doc.len);
    }
    if (e->date != NULL) {
        /* Agreements and events: the date read next to their name. */
        pred(w, "dcterms:date");
        if (is_iso_date(e->date))
            obj_typed(w, e->date, "xsd:date");
        else
            obj_text(w, e->date);
    }
    if (e->type == KG_ENT_AGREEMENT) {
        const char *date = first_reported(c, e);
        if (date != NULL) {
            pred(w, "kg:firstReported");
            obj_typed(w, date, "xsd:date");
        }
    }
    for (size_t m = 0; m < KG_EXPORT_N_MEASURES; m++) {
        pred(w, kg_export_measures[m].rdf_name);
        obj_double(w, kg_export_measure_value(c->graph, i, &kg_export_measures[m]));
    }
    pred(w, "kg:community");
    obj_int(w, kg_export_community(c->graph, i));
    /* N-Quads puts these into the graphs of the documents supporting them. */
    while (*next_direct < c->n_direct && c->direct[*next_direct].subject == i) {
        const direct_triple *t = &c->direct[(*next_direct)++];
        if (w->syntax == SYNTAX_NQUADS)
            continue;
        pred(w, direct_predicate(t->predicate));
        obj_term(w, c->entity_term[t->object].text, c->entity_term[t->object].len);
    }
    end_subject(w);
}

static void write_document(rdf_ctx *c, size_t d) {
    const kg_doc_info *doc = &c->graph->data->documents[d];
    rdf_out *w = &c->w;
    subject(w, c->doc_term[d].text, c->doc_term[d].len);
    pred(w, "a");
    obj_name(w, "kg:Document");
    pred(w, "a");
    obj_name(w, "prov:Entity");
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
        if (kg_export_check_base_iri(doc->url, NULL) == KG_OK) {
            size_t len;
            const char *url = scratch_term(c, doc->url, &len);
            obj_term(w, url, len);
        } else
            obj_text(w, doc->url);
    }
    end_subject(w);
}

static void write_evidence(rdf_ctx *c, const kg_evidence *ev, uint64_t key) {
    rdf_out *w = &c->w;
    term document = doc_term(c, ev->doc); /* in c->doc at worst, which nothing below reuses */
    set_graph(w, document.text, document.len);
    term self = hashed_term(c, NS_EVIDENCE, key);
    subject(w, self.text, self.len);
    pred(w, "a");
    obj_name(w, "prov:Entity");
    pred(w, "a");
    obj_name(w, "kg:Evidence");
    pred(w, "prov:wasQuotedFrom");
    obj_term(w, document.text, document.len);
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
    set_graph(w, NULL, 0);
}

/* One step of the entity-resolution audit trail: which two forms were found
 * to name one entity, by which rule and how strongly (the forms themselves
 * are the entity's skos:altLabel / rdfs:label). */
static void write_merge(rdf_ctx *c, const kg_merge *m) {
    rdf_out *w = &c->w;
    const kg_entity *e = &c->graph->data->entities[m->entity];
    kg_buf key = KG_BUF_INIT;
    kg_buf_puts(&key, e->id);
    kg_buf_put(&key, "\n", 1);
    kg_buf_puts(&key, m->form_a);
    kg_buf_put(&key, "\n", 1);
    kg_buf_puts(&key, m->form_b);
    kg_buf_put(&key, "\n", 1);
    kg_buf_puts(&key, m->rule);
    kg_buf_put(&key, "\n", 1);
    if (m->detail != NULL)
        kg_buf_puts(&key, m->detail);
    char score[48];
    snprintf(score, sizeof score, "\n%.17g", m->score);
    kg_buf_puts(&key, score);
    if (key.failed) {
        w->nomem = true;
        kg_buf_clear(&key);
        return;
    }
    uint64_t h = kg_hash64(key.data, key.len, 0);
    kg_buf_clear(&key);
    const term *entity = &c->entity_term[m->entity];
    term self = hashed_term(c, NS_MERGE, h);
    subject(w, self.text, self.len);
    pred(w, "a");
    obj_name(w, "kg:Merge");
    pred(w, "a");
    obj_name(w, "prov:Activity");
    pred(w, "kg:mergedInto");
    obj_term(w, entity->text, entity->len);
    pred(w, "kg:form");
    obj_text(w, m->form_a);
    pred(w, "kg:form");
    obj_text(w, m->form_b);
    pred(w, "kg:mergeRule");
    obj_text(w, m->rule);
    pred(w, "kg:score");
    obj_double(w, m->score);
    if (m->detail != NULL) {
        pred(w, "kg:detail");
        obj_text(w, m->detail);
    }
    end_subject(w);
}

/* How the analytics were computed: one kg:Analytics resource, base +
 * "analytics" (entity, document and statement IRIs all have a '/' after the
 * base, so it cannot clash), in the default graph; not written for a graph
 * without entities, where nothing was analysed. */
static void write_analytics(rdf_ctx *c) {
    const kg_analytics_info *info = &c->graph->analytics;
    rdf_out *w = &c->w;
    kg_buf_reset(&c->iri);
    kg_export_iri_append(&c->iri, c->graph->base_iri, "analytics");
    if (c->iri.failed) {
        w->nomem = true;
        return;
    }
    size_t len;
    const char *self = scratch_term(c, c->iri.data, &len);
    subject(w, self, len);
    pred(w, "a");
    obj_name(w, "kg:Analytics");
    pred(w, "kg:seed");
    obj_int(w, (size_t)info->options.seed);
    pred(w, "kg:betweennessMethod");
    obj_text(w, info->betweenness_method != NULL ? info->betweenness_method : "exact");
    pred(w, "kg:betweennessSources");
    obj_int(w, info->betweenness_sources);
    pred(w, "kg:closenessMethod");
    obj_text(w, info->closeness_method != NULL ? info->closeness_method : "exact");
    pred(w, "kg:closenessSources");
    obj_int(w, info->closeness_sources);
    pred(w, "kg:harmonicMethod");
    obj_text(w, info->harmonic_method != NULL ? info->harmonic_method : "exact");
    pred(w, "kg:harmonicSources");
    obj_int(w, info->harmonic_sources);
    pred(w, "kg:communityMethod");
    obj_text(w, info->community_method != NULL ? info->community_method : "none");
    pred(w, "kg:communityCount");
    obj_int(w, info->n_communities);
    pred(w, "kg:modularity");
    obj_double(w, info->modularity);
    pred(w, "kg:leidenIterations");
    obj_int(w, (size_t)(info->options.leiden_iterations > 0 ? info->options.leiden_iterations : 0));
    pred(w, "kg:leidenResolution");
    obj_double(w, info->options.leiden_resolution);
    end_subject(w);
}

/* The term of the role of r (base + "role/" + slug) as a new string, with
 * its slug in *slug (both caller frees); NULL (and *slug NULL) when r has no
 * role or memory ran out (then w->nomem is set). */
static char *role_term(rdf_ctx *c, const kg_relation *r, char **slug) {
    *slug = NULL;
    if (r->role == NULL)
        return NULL;
    *slug = kg_text_slug(r->role, strlen(r->role), SLUG_MAX);
    kg_buf role = KG_BUF_INIT;
    kg_buf_puts(&role, c->graph->base_iri);
    kg_buf_puts(&role, "role/");
    kg_buf_puts(&role, *slug != NULL ? *slug : "");
    if (*slug == NULL || role.failed) {
        kg_buf_clear(&role);
        free(*slug);
        *slug = NULL;
        c->w.nomem = true;
        return NULL;
    }
    term t = {NULL, 0};
    if (!make_term(c, role.data, role.len, &t)) {
        free(*slug);
        *slug = NULL;
        c->w.nomem = true;
    }
    kg_buf_clear(&role);
    return t.text;
}

/* The org:Membership of a holds_post or member_of relation. */
static void write_membership(rdf_ctx *c, const kg_relation *r, uint64_t key, const char *role) {
    rdf_out *w = &c->w;
    term self = hashed_term(c, NS_MEMBERSHIP, key);
    subject(w, self.text, self.len);
    pred(w, "a");
    obj_name(w, "org:Membership");
    pred(w, "org:member");
    obj_term(w, c->entity_term[r->subject].text, c->entity_term[r->subject].len);
    pred(w, "org:organization");
    obj_term(w, c->entity_term[r->object].text, c->entity_term[r->object].len);
    if (role != NULL) {
        pred(w, "org:role");
        obj_term(w, role, strlen(role));
    }
    end_subject(w);
}

/* The role node, the first time that role is seen (labelled with that
 * relation's written form). */
static void write_role(rdf_ctx *c, const kg_relation *r, const char *role, const char *slug) {
    rdf_out *w = &c->w;
    int added = key_set_add(&c->role_seen, kg_hash64(slug, strlen(slug), 0));
    if (added < 0) {
        w->nomem = true;
    } else if (added > 0) {
        const char *label = r->role_text != NULL ? r->role_text : r->role;
        subject(w, role, strlen(role));
        pred(w, "a");
        obj_name(w, "org:Role");
        pred(w, "rdfs:label");
        obj_lang(w, label, has_cyrillic_letter(label) ? "ru" : "en");
        end_subject(w);
    }
}

/* N-Quads: what each document supporting r says, in that document's graph:
 * the direct triples (each once per graph) and the membership. */
static void write_document_graphs(rdf_ctx *c, const kg_relation *r, uint64_t key,
                                  const char *role) {
    rdf_out *w = &c->w;
    direct_triple direct[2];
    size_t n_direct = relation_direct(r, direct);
    for (size_t k = 0; k < r->n_evidence; k++) {
        const char *doc = r->evidence[k].doc != NULL ? r->evidence[k].doc : "";
        /* Evidence is sorted by document first: one graph per run. */
        if (k > 0 && strcmp(doc, r->evidence[k - 1].doc != NULL ? r->evidence[k - 1].doc : "") == 0)
            continue;
        term graph = doc_term(c, doc);
        set_graph(w, graph.text, graph.len);
        uint64_t d = (uint64_t)doc_index(c, doc);
        for (size_t t = 0; t < n_direct; t++) {
            uint64_t fields[4] = {direct[t].subject, (uint64_t)direct[t].predicate,
                                  direct[t].object, d};
            int added = d == (uint64_t)SIZE_MAX
                            ? 1
                            : key_set_add(&c->quad_seen, kg_hash64(fields, sizeof fields, 0));
            if (added < 0)
                w->nomem = true;
            if (added <= 0)
                continue;
            const term *s = &c->entity_term[direct[t].subject];
            const term *o = &c->entity_term[direct[t].object];
            subject(w, s->text, s->len);
            pred(w, direct_predicate(direct[t].predicate));
            obj_term(w, o->text, o->len);
        }
        if (r->type == KG_REL_HOLDS_POST || r->type == KG_REL_MEMBER_OF)
            write_membership(c, r, key, role);
    }
    set_graph(w, NULL, 0);
}

static void write_relation(rdf_ctx *c, size_t j) {
    const kg_relation *r = &c->graph->data->relations[j];
    rdf_out *w = &c->w;
    uint64_t key = relation_key(c, r);
    int added = key_set_add(&c->relation_seen, key);
    if (added <= 0) {
        /* < 0: out of memory; 0: a relation equal in (subject, type, object,
         * role) was written already (the resolver merges those). */
        if (added < 0)
            w->nomem = true;
        return;
    }
    /* The evidence keys, computed once for both loops below. */
    if (r->n_evidence > c->ev_keys_cap) {
        size_t cap = r->n_evidence > 2 * c->ev_keys_cap ? r->n_evidence : 2 * c->ev_keys_cap;
        uint64_t *keys = realloc(c->ev_keys, cap * sizeof *keys);
        if (keys == NULL) {
            w->nomem = true;
            return;
        }
        c->ev_keys = keys;
        c->ev_keys_cap = cap;
    }
    for (size_t k = 0; k < r->n_evidence; k++)
        c->ev_keys[k] = evidence_key(c, &r->evidence[k]);
    term self = hashed_term(c, NS_RELATION, key);
    subject(w, self.text, self.len);
    pred(w, "a");
    obj_name(w, "rdf:Statement");
    pred(w, "a");
    obj_name(w, "kg:Relation");
    pred(w, "rdf:subject");
    obj_term(w, c->entity_term[r->subject].text, c->entity_term[r->subject].len);
    pred(w, "rdf:predicate");
    obj_name(w, relation_predicates[r->type]);
    pred(w, "rdf:object");
    obj_term(w, c->entity_term[r->object].text, c->entity_term[r->object].len);
    pred(w, "kg:weight");
    obj_int(w, r->n_evidence);
    pred(w, "kg:confidence");
    obj_double(w, r->confidence);
    /* Evidence is sorted by (doc, sentence, start, end, rule, text), so two
     * records with one key (differing in text only) are adjacent. */
    uint64_t previous = 0;
    for (size_t k = 0; k < r->n_evidence; k++) {
        uint64_t ev = c->ev_keys[k];
        if (k > 0 && ev == previous)
            continue;
        previous = ev;
        pred(w, "prov:wasDerivedFrom");
        term evidence = hashed_term(c, NS_EVIDENCE, ev);
        obj_term(w, evidence.text, evidence.len);
    }
    end_subject(w);

    char *slug = NULL;
    char *role = r->type == KG_REL_HOLDS_POST ? role_term(c, r, &slug) : NULL;
    if (w->syntax == SYNTAX_NQUADS)
        write_document_graphs(c, r, key, role);
    else if (r->type == KG_REL_HOLDS_POST || r->type == KG_REL_MEMBER_OF)
        write_membership(c, r, key, role);
    if (role != NULL)
        write_role(c, r, role, slug);
    free(role);
    free(slug);

    for (size_t k = 0; k < r->n_evidence; k++) {
        uint64_t ev = c->ev_keys[k];
        int fresh = key_set_add(&c->evidence_seen, ev);
        if (fresh < 0)
            w->nomem = true;
        else if (fresh > 0)
            write_evidence(c, &r->evidence[k], ev);
    }
}

/* ---- entry points ------------------------------------------------------------------ */

/* The first error raptor2 reports while starting. */
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

static kg_status export_rdf(const kg_graph *graph, rdf_syntax syntax, FILE *out, kg_error *err) {
    kg_status status = KG_OK;
    size_t next_direct = 0; /* walks c.direct alongside the entities */
    rdf_ctx *cp = NULL;
    raptor_world *world = NULL;
    raptor_log log = {{0}};

    if (graph == NULL || graph->data == NULL || out == NULL)
        return kg_error_set(err, KG_ERR_USAGE, NULL, 0, 0, "no graph or no output stream");
    status = kg_export_check_base_iri(graph->base_iri, err);
    if (status != KG_OK)
        return status;
    status = check_graph(graph, err);
    if (status != KG_OK)
        return status;
    const kg_resolved *data = graph->data;

    /* On the heap: the writer's caches make it too large for some stacks. */
    cp = calloc(1, sizeof *cp);
    if (cp == NULL)
        return kg_error_set(err, KG_ERR_NOMEM, NULL, 0, 0, "out of memory writing RDF");
    rdf_ctx *c = cp;
    world = raptor_new_world();
    if (world == NULL || raptor_world_set_log_handler(world, &log, on_raptor_log) != 0 ||
        raptor_world_open(world) != 0) {
        status = kg_error_set(err, KG_ERR_GRAPH, NULL, 0, 0, "cannot start raptor2%s%s",
                              log.message[0] != '\0' ? ": " : "", log.message);
        goto cleanup;
    }
    c->graph = graph;
    c->w.syntax = syntax;
    c->w.base = graph->base_iri;
    c->w.base_len = strlen(graph->base_iri);
    c->w.out.file = out;
    c->w.out.size = OUT_BLOCK;
    c->w.out.block = malloc(OUT_BLOCK);
    if (c->w.out.block == NULL)
        goto nomem;
    c->w.io = raptor_new_iostream_from_handler(world, &c->w, &io_handler);
    if (c->w.io == NULL) {
        status = kg_error_set(err, KG_ERR_NOMEM, NULL, 0, 0, "cannot create a raptor2 stream");
        goto cleanup;
    }

    if (data->n_entities > 0) {
        c->entity_term = calloc(data->n_entities, sizeof *c->entity_term);
        if (c->entity_term == NULL)
            goto nomem;
        for (size_t i = 0; i < data->n_entities; i++) {
            char *iri = kg_export_entity_iri(graph, i);
            bool made = iri != NULL && make_term(c, iri, strlen(iri), &c->entity_term[i]);
            free(iri);
            if (!made)
                goto nomem;
        }
    }
    if (build_doc_iris(c) != KG_OK || build_direct_triples(c) != KG_OK)
        goto nomem;
    /* Every relation and evidence record is distinct or nearly so: size the
     * sets once. */
    size_t n_evidence = 0;
    for (size_t j = 0; j < data->n_relations; j++)
        n_evidence += data->relations[j].n_evidence;
    if (!key_set_reserve(&c->relation_seen, data->n_relations) ||
        !key_set_reserve(&c->evidence_seen, n_evidence))
        goto nomem;

    put(&c->w, "# Knowledge graph written by kgraph " KG_VERSION "\n");
    if (syntax == SYNTAX_TURTLE) {
        for (size_t i = 0; i < N_PREFIXES; i++) {
            put(&c->w, "@prefix ");
            put(&c->w, prefix_table[i].prefix);
            put(&c->w, " <");
            put(&c->w, prefix_table[i].iri);
            put(&c->w, "> .\n");
        }
        for (size_t k = 0; k < NS_COUNT; k++) {
            put(&c->w, "@prefix ");
            put(&c->w, id_namespaces[k]);
            put(&c->w, ": <");
            put(&c->w, graph->base_iri);
            put(&c->w, id_namespaces[k]);
            put(&c->w, "/> .\n");
        }
        put(&c->w, "\n");
    }
    for (size_t i = 0; i < data->n_entities && !c->w.nomem && c->w.out.errnum == 0; i++) {
        kg_export_prefetch_entity(data, i);
        write_entity(c, i, &next_direct);
    }
    for (size_t d = 0; d < data->n_documents && !c->w.nomem && c->w.out.errnum == 0; d++)
        write_document(c, d);
    for (size_t j = 0; j < data->n_relations && !c->w.nomem && c->w.out.errnum == 0; j++) {
        kg_export_prefetch_relation(data, j);
        write_relation(c, j);
    }
    for (size_t k = 0; k < data->n_merges && !c->w.nomem && c->w.out.errnum == 0; k++)
        write_merge(c, &data->merges[k]);
    if (data->n_entities > 0 && !c->w.nomem && c->w.out.errnum == 0)
        write_analytics(c);
    if (c->w.nomem)
        goto nomem;
    raptor_free_iostream(c->w.io); /* raptor's writes are in the block now */
    c->w.io = NULL;
    out_flush(&c->w);
    status = c->w.out.errnum != 0 ? kg_export_write_error(err, c->w.out.errnum)
                                  : kg_export_flush(out, err);
    goto cleanup;

nomem:
    status = kg_error_set(err, KG_ERR_NOMEM, NULL, 0, 0, "out of memory writing RDF");
cleanup:
    if (c->entity_term != NULL)
        for (size_t i = 0; i < data->n_entities; i++)
            free(c->entity_term[i].text);
    free(c->entity_term);
    if (c->doc_term != NULL)
        for (size_t d = 0; d < data->n_documents; d++)
            free(c->doc_term[d].text);
    free(c->doc_term);
    free(c->doc_by_id);
    free(c->doc_by_ptr);
    free(c->direct);
    free(c->ev_keys);
    key_set_free(&c->evidence_seen);
    key_set_free(&c->role_seen);
    key_set_free(&c->relation_seen);
    key_set_free(&c->quad_seen);
    kg_buf_clear(&c->key);
    kg_buf_clear(&c->iri);
    kg_buf_clear(&c->term);
    kg_buf_clear(&c->doc);
    kg_buf_clear(&c->w.subject);
    if (c->w.io != NULL)
        raptor_free_iostream(c->w.io);
    free(c->w.out.block);
    for (size_t i = 0; i < NAME_CACHE; i++)
        free(c->w.names[i].spelled);
    kg_buf_clear(&c->w.graph);
    free(cp);
    if (world != NULL)
        raptor_free_world(world);
    return status;
}

kg_status kg_export_turtle(const kg_graph *graph, FILE *out, kg_error *err) {
    return export_rdf(graph, SYNTAX_TURTLE, out, err);
}

kg_status kg_export_ntriples(const kg_graph *graph, FILE *out, kg_error *err) {
    return export_rdf(graph, SYNTAX_NTRIPLES, out, err);
}

kg_status kg_export_nquads(const kg_graph *graph, FILE *out, kg_error *err) {
    return export_rdf(graph, SYNTAX_NQUADS, out, err);
}
