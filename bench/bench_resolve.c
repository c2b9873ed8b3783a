/* bench_resolve.c — cross-document entity resolution at scale: synthetic
 * documents whose entities are spelled several ways, resolved in one run.
 *
 *   bench_resolve [MENTIONS] [SEED]
 *
 * MENTIONS (default 100000) document entities are generated, ten per
 * document: four people, four organisations, two places.  People are drawn
 * from a population of invented names built from syllables that have a
 * Latin and a Cyrillic spelling, and each mention spells its person one of
 * several ways (Cyrillic or Latin; Yerlan / Erlan, kh / k, -bayev / -baev,
 * doubled letters).  Organisations are federations and branch unions of
 * invented countries, written as long forms (English or Russian) with or
 * without their acronym, or as the acronym alone; each document's first
 * two people chair its first two organisations (each person always the
 * same one).
 *
 * Prints the time of kg_resolver_add (all documents) and of
 * kg_resolver_finish, mentions per second, the candidate pairs the
 * blocking keys proposed against the n² an all-pairs comparison would
 * take, the entities found against the invented population, and the peak
 * resident set.  Generation is not timed.  Timings are wall-clock on one
 * core and never asserted. */
#include "kg_resolve.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>

static double now(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static long peak_rss_kb(void) {
    struct rusage ru;
    return getrusage(RUSAGE_SELF, &ru) == 0 ? ru.ru_maxrss : -1;
}

static uint64_t rng_state;

static uint32_t rng(void) {
    rng_state = rng_state * 6364136223846793005ULL + 1442695040888963407ULL;
    return (uint32_t)(rng_state >> 33);
}

/* A syllable: its usual Latin spelling, a variant spelling, Cyrillic. */
typedef struct syllable {
    const char *latin, *variant, *cyrillic;
} syllable;

static const syllable syllables[] = {
    {"ka", "ka", "ка"},     {"ra", "ra", "ра"},     {"bek", "bek", "бек"}, {"nur", "nur", "нур"},
    {"zhan", "jan", "жан"}, {"khan", "kan", "хан"}, {"tay", "tai", "тай"}, {"mur", "mur", "мур"},
    {"sul", "sul", "сул"},  {"tan", "tan", "тан"},  {"gul", "gul", "гул"}, {"as", "ass", "ас"},
    {"bol", "bol", "бол"},  {"sha", "sha", "ша"},   {"dor", "dor", "дор"}, {"ali", "aly", "али"},
    {"kur", "kur", "кур"},  {"man", "man", "ман"},  {"sar", "sar", "сар"}, {"tol", "tol", "тол"},
    {"zhol", "jol", "жол"}, {"ser", "ser", "сер"},  {"mir", "myr", "мир"}, {"don", "don", "дон"},
    {"pa", "pa", "па"},     {"vil", "vil", "вил"},  {"lon", "lon", "лон"}, {"rus", "rus", "рус"}};
enum { N_SYL = sizeof syllables / sizeof *syllables };

static const char *const sectors[][2] = {{"Education Workers", "работников образования"},
                                         {"Health Workers", "работников здравоохранения"},
                                         {"Miners", "горняков"},
                                         {"Railway Workers", "железнодорожников"},
                                         {"Builders", "строителей"},
                                         {"Agricultural Workers", "работников АПК"},
                                         {"Energy Workers", "энергетиков"},
                                         {"Transport Workers", "транспортников"}};
enum { N_SECTORS = sizeof sectors / sizeof *sectors };

/* Appends syllable s in the given spelling (0 Latin, 1 variant, 2 Cyrillic);
 * capitalised when first. */
static void put_syllable(char *buf, size_t cap, int s, int spelling, int first) {
    const char *text = spelling == 0   ? syllables[s].latin
                       : spelling == 1 ? syllables[s].variant
                                       : syllables[s].cyrillic;
    size_t len = strlen(buf);
    if (len + strlen(text) + 1 >= cap)
        return;
    strcat(buf, text);
    if (first) {
        unsigned char *p = (unsigned char *)buf + len;
        if (*p >= 'a' && *p <= 'z')
            *p = (unsigned char)(*p - 32);
        else if (p[0] == 0xD0 && p[1] >= 0xB0 && p[1] <= 0xBF) /* а..п */
            p[1] = (unsigned char)(p[1] - 0x20);
        else if (p[0] == 0xD1 && p[1] >= 0x80 && p[1] <= 0x8F) { /* р..я */
            p[0] = 0xD0;
            p[1] = (unsigned char)(p[1] + 0x20);
        }
    }
}

/* Person p: first name of 2 syllables, surname of 3 plus an ending. */
static void person_name(uint32_t p, int cyrillic, char *buf, size_t cap) {
    uint32_t h = p * 2654435761u;
    int syl[5];
    for (int i = 0; i < 5; i++) {
        syl[i] = (int)(h % N_SYL);
        h = h / N_SYL + (uint32_t)i * 7919u;
    }
    int female = (p & 3) == 0;
    buf[0] = '\0';
    for (int i = 0; i < 5; i++) {
        int spelling = cyrillic ? 2 : ((rng() % 8) == 0 ? 1 : 0);
        if (i == 2)
            strcat(buf, " ");
        put_syllable(buf, cap, syl[i], spelling, i == 0 || i == 2);
    }
    const char *ending;
    if (cyrillic)
        ending = female ? "ова" : (p & 4 ? "баев" : "ов");
    else if (p & 4)
        ending = female ? "ova" : (rng() % 2 ? "bayev" : "baev");
    else
        ending = female ? "ova" : "ov";
    if (strlen(buf) + strlen(ending) + 1 < cap)
        strcat(buf, ending);
}

/* Country c: two syllables + "stan". */
static void country(uint32_t c, int cyrillic, char *buf, size_t cap) {
    buf[0] = '\0';
    put_syllable(buf, cap, (int)(c % N_SYL), cyrillic ? 2 : 0, 1);
    put_syllable(buf, cap, (int)((c / N_SYL) % N_SYL), cyrillic ? 2 : 0, 0);
    strcat(buf, cyrillic ? "стан" : "stan");
}

/* Organisation o: even: the federation of country o/2; odd: a branch union
 * of country o/2.  Long form and acronym, English or Russian. */
static void organization(uint32_t o, int cyrillic, char *longform, char *acronym, size_t cap) {
    char c[64];
    country(o / 2, cyrillic, c, sizeof c);
    int sector = (int)((o / 2) % N_SECTORS);
    if (o % 2 == 0)
        snprintf(longform, cap,
                 cyrillic ? "Федерация профсоюзов %s" : "Federation of Trade Unions of %s", c);
    else if (cyrillic)
        snprintf(longform, cap, "Профсоюз %s %s", sectors[sector][1], c);
    else
        snprintf(longform, cap, "Trade Union of %s of %s", sectors[sector][0], c);
    /* initials of the words that are not "of" */
    size_t n = 0;
    const char *p = longform;
    while (*p != '\0' && n + 4 < cap) {
        while (*p == ' ')
            p++;
        if (*p == '\0')
            break;
        if (strncmp(p, "of ", 3) != 0) {
            size_t k = (unsigned char)*p < 0x80 ? 1 : 2;
            memcpy(acronym + n, p, k);
            if (k == 1 && acronym[n] >= 'a' && acronym[n] <= 'z')
                acronym[n] = (char)(acronym[n] - 32);
            if (k == 2 && (unsigned char)acronym[n] == 0xD0 &&
                (unsigned char)acronym[n + 1] >= 0xB0)
                acronym[n + 1] = (char)((unsigned char)acronym[n + 1] - 0x20);
            else if (k == 2 && (unsigned char)acronym[n] == 0xD1) {
                acronym[n] = (char)0xD0;
                acronym[n + 1] = (char)((unsigned char)acronym[n + 1] + 0x20);
            }
            n += k;
        }
        while (*p != '\0' && *p != ' ')
            p++;
    }
    acronym[n] = '\0';
}

/* A person mention and who it really is. */
typedef struct truth {
    const char *name, *doc; /* pooled */
    uint32_t person;
    size_t entity;
} truth;

/* A form of a resolved entity. */
typedef struct form_entity {
    const char *form;
    size_t entity;
} form_entity;

static int cmp_form_entity(const void *a, const void *b) {
    const form_entity *x = a, *y = b;
    int c = strcmp(x->form, y->form);
    return c != 0 ? c : (x->entity > y->entity) - (x->entity < y->entity);
}

static int cmp_str(const void *a, const void *b) {
    return strcmp(*(const char *const *)a, *(const char *const *)b);
}

static int cmp_truth_pair(const void *a, const void *b) {
    const truth *x = a, *y = b;
    if (x->entity != y->entity)
        return x->entity < y->entity ? -1 : 1;
    return (x->person > y->person) - (x->person < y->person);
}

static double pairs_of(size_t n) {
    return (double)n * (double)(n > 0 ? n - 1 : 0) / 2.0;
}

/* Pairwise precision and recall of the person entities against the truth:
 * a pair of mentions is right when both are one entity and one person. */
static void person_quality(const kg_resolved *out, truth *t, size_t n, double *precision,
                           double *recall) {
    size_t n_forms = 0;
    for (size_t i = 0; i < out->n_entities; i++)
        n_forms += 1 + out->entities[i].n_aliases;
    form_entity *forms = malloc((n_forms + 1) * sizeof *forms);
    size_t k = 0;
    for (size_t i = 0; i < out->n_entities; i++) {
        const kg_entity *e = &out->entities[i];
        if (e->type != KG_ENT_PERSON)
            continue;
        forms[k++] = (form_entity){e->label, i};
        for (size_t a = 0; a < e->n_aliases; a++)
            forms[k++] = (form_entity){e->aliases[a], i};
    }
    qsort(forms, k, sizeof *forms, cmp_form_entity);
    for (size_t i = 0; i < n; i++) {
        /* the entity having this form and this document */
        size_t lo = 0, hi = k;
        while (lo < hi) {
            size_t mid = lo + (hi - lo) / 2;
            if (strcmp(forms[mid].form, t[i].name) < 0)
                lo = mid + 1;
            else
                hi = mid;
        }
        t[i].entity = SIZE_MAX;
        for (; lo < k && strcmp(forms[lo].form, t[i].name) == 0; lo++) {
            const kg_entity *e = &out->entities[forms[lo].entity];
            if (bsearch(&t[i].doc, e->documents, e->n_documents, sizeof *e->documents, cmp_str) !=
                NULL) {
                t[i].entity = forms[lo].entity;
                break;
            }
        }
    }
    free(forms);
    double same_entity = 0, same_person = 0, both = 0;
    qsort(t, n, sizeof *t, cmp_truth_pair);
    for (size_t i = 0, run = 0; i < n; i++) {
        run =
            i > 0 && t[i].entity == t[i - 1].entity && t[i].person == t[i - 1].person ? run + 1 : 1;
        if (i + 1 == n || t[i + 1].entity != t[i].entity || t[i + 1].person != t[i].person)
            both += pairs_of(run);
    }
    for (size_t i = 0, run = 0; i < n; i++) {
        run = i > 0 && t[i].entity == t[i - 1].entity ? run + 1 : 1;
        if (i + 1 == n || t[i + 1].entity != t[i].entity)
            same_entity += pairs_of(run);
    }
    /* same person: count with the truth sorted by person */
    truth *byp = malloc((n + 1) * sizeof *byp);
    memcpy(byp, t, n * sizeof *t);
    for (size_t i = 0; i < n; i++)
        byp[i].entity = 0;
    qsort(byp, n, sizeof *byp, cmp_truth_pair);
    for (size_t i = 0, run = 0; i < n; i++) {
        run = i > 0 && byp[i].person == byp[i - 1].person ? run + 1 : 1;
        if (i + 1 == n || byp[i + 1].person != byp[i].person)
            same_person += pairs_of(run);
    }
    free(byp);
    *precision = same_entity > 0 ? both / same_entity : 1.0;
    *recall = same_person > 0 ? both / same_person : 1.0;
}

/* A popular few and a long tail. */
static uint32_t pick(uint32_t population) {
    uint32_t r = rng();
    return r % 4 == 0 ? r / 4 % (population / 50 + 1) : r / 4 % population;
}

int main(int argc, char **argv) {
    size_t mentions = argc > 1 ? (size_t)strtoull(argv[1], NULL, 10) : 100000;
    rng_state = argc > 2 ? strtoull(argv[2], NULL, 10) : 42;
    size_t n_docs = mentions / 10 > 0 ? mentions / 10 : 1;
    uint32_t n_persons = (uint32_t)(mentions / 10 + 1), n_orgs = (uint32_t)(mentions / 40 + 2);

    kg_strpool *pool = kg_strpool_new();
    kg_resolver *resolver = NULL;
    kg_doc_facts *docs = calloc(n_docs, sizeof *docs);
    if (pool == NULL || docs == NULL || kg_resolver_new(&resolver, pool) != KG_OK) {
        fprintf(stderr, "bench_resolve: out of memory\n");
        return 1;
    }
    const char *en = kg_strpool_cstr(pool, "en"), *ru = kg_strpool_cstr(pool, "ru");
    const char *chairman = kg_strpool_cstr(pool, "chairman");
    const char *rule = kg_strpool_cstr(pool, "bench.rule");
    uint32_t *seen = calloc(n_persons, sizeof *seen);
    size_t true_persons = 0, n_truth = 0;
    truth *truths = malloc((n_docs * 4 + 1) * sizeof *truths);
    if (seen == NULL || truths == NULL) {
        fprintf(stderr, "bench_resolve: out of memory\n");
        return 1;
    }

    double t0 = now();
    for (size_t d = 0; d < n_docs; d++) {
        kg_doc_facts *f = &docs[d];
        kg_doc_facts_init(f);
        char buf[256], acr[64];
        snprintf(buf, sizeof buf, "doc%07zu", d);
        int cyrillic = rng() % 10 < 3;
        f->doc_id = kg_strpool_cstr(pool, buf);
        f->lang = cyrillic ? ru : en;
        size_t person[4], org[4];
        uint32_t chaired[2] = {0, 0};
        for (int k = 0; k < 4; k++) {
            uint32_t p = pick(n_persons);
            if (k < 2)
                chaired[k] = (p * 40503u) % n_orgs;
            true_persons += seen[p]++ == 0;
            person_name(p, cyrillic, buf, sizeof buf);
            const char *name = kg_strpool_cstr(pool, buf);
            kg_doc_facts_entity(f, KG_ENT_PERSON, name, f->lang, &person[k]);
            truths[n_truth++] = (truth){name, f->doc_id, p, 0};
        }
        for (int k = 0; k < 4; k++) {
            /* a person always chairs the same organisation */
            uint32_t o = k < 2 ? chaired[k] : pick(n_orgs);
            organization(o, cyrillic, buf, acr, sizeof buf);
            uint32_t how = rng() % 4;
            const char *name = kg_strpool_cstr(pool, how == 3 ? acr : buf);
            kg_doc_facts_entity(f, KG_ENT_ORGANIZATION, name, f->lang, &org[k]);
            if (how < 2)
                kg_doc_facts_alias(f, org[k], kg_strpool_cstr(pool, acr));
        }
        for (int k = 0; k < 2; k++) {
            size_t place;
            country(pick(n_orgs / 2 + 1), cyrillic, buf, sizeof buf);
            kg_doc_facts_entity(f, KG_ENT_PLACE, kg_strpool_cstr(pool, buf), f->lang, &place);
        }
        for (int k = 0; k < 2; k++) {
            kg_doc_relation r;
            memset(&r, 0, sizeof r);
            r.type = KG_REL_HOLDS_POST;
            r.subject = person[k];
            r.object = org[k];
            r.role = r.role_text = chairman;
            r.evidence.doc = f->doc_id;
            r.evidence.sentence = (size_t)k;
            r.evidence.text = rule;
            r.evidence.rule = rule;
            r.evidence.confidence = 0.8;
            kg_doc_facts_relation(f, &r);
        }
    }
    double t_gen = now() - t0;
    size_t n_mentions = 0;
    for (size_t d = 0; d < n_docs; d++)
        n_mentions += docs[d].n_entities;

    t0 = now();
    for (size_t d = 0; d < n_docs; d++) {
        if (kg_resolver_add(resolver, &docs[d]) != KG_OK) {
            fprintf(stderr, "bench_resolve: kg_resolver_add failed\n");
            return 1;
        }
    }
    double t_add = now() - t0;
    for (size_t d = 0; d < n_docs; d++)
        kg_doc_facts_clear(&docs[d]);
    long rss_before = peak_rss_kb();

    kg_resolved out;
    kg_error err;
    t0 = now();
    if (kg_resolver_finish(resolver, &out, &err) != KG_OK) {
        fprintf(stderr, "bench_resolve: %s\n", err.message);
        return 1;
    }
    double t_finish = now() - t0;
    kg_resolve_stats st;
    kg_resolver_stats(resolver, &st);
    size_t by_type[KG_ENT_TYPE_COUNT] = {0};
    for (size_t i = 0; i < out.n_entities; i++)
        by_type[out.entities[i].type]++;

    double all_pairs = (double)st.nodes * (double)(st.nodes - 1) / 2.0;
    double mention_pairs = (double)n_mentions * (double)(n_mentions - 1) / 2.0;
    printf("bench_resolve: %zu mentions in %zu documents (generated in %.2f s)\n", n_mentions,
           n_docs, t_gen);
    printf("add:    %.3f s\n", t_add);
    printf("finish: %.3f s\n", t_finish);
    printf("total:  %.3f s, %.0f mentions/s\n", t_add + t_finish,
           (double)n_mentions / (t_add + t_finish));
    printf("nodes (distinct type + normalised name): %zu; blocking keys: %zu\n", st.nodes, st.keys);
    printf("candidate pairs examined: %zu = %.2e of the %.3g node pairs (%.2e of the %.3g mention "
           "pairs)\n",
           st.candidate_pairs, (double)st.candidate_pairs / all_pairs, all_pairs,
           (double)st.candidate_pairs / mention_pairs, mention_pairs);
    printf("links: %zu, joins: %zu, refused by complete linkage: %zu, compatibility checks: %zu\n",
           st.links, st.merges, st.refused, st.compat_checks);
    printf("entities: %zu (persons %zu for %zu invented people, organisations %zu, places %zu); "
           "audit records: %zu\n",
           out.n_entities, by_type[KG_ENT_PERSON], true_persons, by_type[KG_ENT_ORGANIZATION],
           by_type[KG_ENT_PLACE], out.n_merges);
    printf("peak RSS: %.1f MB before finish, %.1f MB after\n", (double)rss_before / 1024.0,
           (double)peak_rss_kb() / 1024.0);
    double precision, recall;
    person_quality(&out, truths, n_truth, &precision, &recall);
    printf("persons, pairwise against the generator's truth: precision %.4f, recall %.4f\n",
           precision, recall);

    kg_resolved_clear(&out);
    kg_resolver_free(resolver);
    kg_strpool_free(pool);
    free(docs);
    free(seen);
    free(truths);
    return 0;
}
