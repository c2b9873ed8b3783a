/* gen_corpus.c — a synthetic news corpus in English and Russian for the
 * scale benchmarks and tests, deterministic from a seed.
 *
 *   gen_corpus [-s SEED] [-n SIZE] [-o DIR] [--per-dir N] [--ru PERCENT]
 *
 * Writes about SIZE bytes (suffix K, M or G; default 10M) of articles as
 * DIR/NNNN/NNNNNNN-en.txt (or -ru), N files per sub-directory (default
 * 1000), in the plain-text format `kgraph build` reads: most articles open
 * with "# title:", "# date:", "# lang:" and "# source:" metadata lines.
 *
 * The world is invented but shaped like the samples/ articles: national
 * trade-union federations and branch unions of real countries (long forms
 * with their acronyms, in English and in Russian), companies and
 * associations with invented names, and people with invented names built
 * from syllables that have a Latin and a Cyrillic spelling, each holding one
 * post in one organisation.  Articles are built from sentence templates:
 * leaders with their titles before or after the name, acronyms defined in
 * parentheses, agreements signed by two parties and their leaders
 * (or only planned), meetings, visits, forums and conferences organised
 * and attended, membership, places in datelines and in the text, quotes
 * with initials.  The same entities recur across documents written in
 * other ways: Cyrillic or Latin, spelling variants (Yerlan / Erlan,
 * Zh / J, -bayev / -baev), initials, Russian names in the instrumental,
 * genitive and dative cases, and machine-translation quirks ("Federation
 * of trade Unions", upper-case datelines, "Dushanbe city").  The population
 * grows with the corpus (a person per five articles, a company per
 * twenty), popular entities recurring much more often than the rest.
 *
 * Article i depends only on (seed, i), so the corpus is the same whatever
 * the size asked for, up to where it stops. */
#include <errno.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

/* ---- random numbers: splitmix64 per article ----------------------------------- */

typedef struct rng {
    uint64_t s;
} rng;

static uint64_t rng_next(rng *r) {
    uint64_t z = (r->s += 0x9E3779B97F4A7C15ull);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
}

static uint32_t pick(rng *r, uint32_t n) {
    return n == 0 ? 0 : (uint32_t)(rng_next(r) % n);
}

/* Popular items often, the tail rarely: the minimum of two or three draws. */
static uint32_t pick_skewed(rng *r, uint32_t n) {
    uint32_t a = pick(r, n), b = pick(r, n), c = pick(r, n);
    uint32_t m = a < b ? a : b;
    return (rng_next(r) & 1) ? (m < c ? m : c) : m;
}

static int chance(rng *r, int percent) {
    return (int)pick(r, 100) < percent;
}

/* ---- text buffer -------------------------------------------------------------- */

typedef struct buf {
    char *p;
    size_t len, cap;
} buf;

static void put(buf *b, const char *s, size_t n) {
    if (b->len + n + 1 > b->cap) {
        size_t cap = b->cap ? b->cap * 2 : 8192;
        while (cap < b->len + n + 1)
            cap *= 2;
        char *p = realloc(b->p, cap);
        if (p == NULL) {
            fprintf(stderr, "gen_corpus: out of memory\n");
            exit(1);
        }
        b->p = p;
        b->cap = cap;
    }
    memcpy(b->p + b->len, s, n);
    b->len += n;
    b->p[b->len] = '\0';
}

static void puts_(buf *b, const char *s) {
    put(b, s, strlen(s));
}

static void printf_(buf *b, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 2, 3)))
#endif
    ;

static void printf_(buf *b, const char *fmt, ...) {
    char tmp[2048];
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(tmp, sizeof tmp, fmt, ap);
    va_end(ap);
    if (n > 0)
        put(b, tmp, (size_t)n < sizeof tmp ? (size_t)n : sizeof tmp - 1);
}

/* Upper-cases the first letter of s (ASCII or Cyrillic а..я) in place. */
static void cap_first(char *s) {
    unsigned char *p = (unsigned char *)s;
    if (*p >= 'a' && *p <= 'z')
        *p = (unsigned char)(*p - 32);
    else if (p[0] == 0xD0 && p[1] >= 0xB0 && p[1] <= 0xBF)
        p[1] = (unsigned char)(p[1] - 0x20);
    else if (p[0] == 0xD1 && p[1] >= 0x80 && p[1] <= 0x8F) {
        p[0] = 0xD0;
        p[1] = (unsigned char)(p[1] + 0x20);
    }
}

/* ---- the world ---------------------------------------------------------------- */

/* Syllables of invented names: Latin, a Latin variant, Cyrillic. */
typedef struct syllable {
    const char *lat, *var, *cyr;
} syllable;

static const syllable syl[] = {
    {"ka", "ka", "ка"},     {"ra", "ra", "ра"},     {"bek", "bek", "бек"}, {"nur", "nur", "нур"},
    {"zhan", "jan", "жан"}, {"khan", "kan", "хан"}, {"tay", "tai", "тай"}, {"mur", "mur", "мур"},
    {"sul", "sul", "сул"},  {"tan", "tan", "тан"},  {"gul", "gul", "гул"}, {"as", "ass", "ас"},
    {"bol", "bol", "бол"},  {"sha", "sha", "ша"},   {"dor", "dor", "дор"}, {"ali", "aly", "али"},
    {"kur", "kur", "кур"},  {"man", "man", "ман"},  {"sar", "sar", "сар"}, {"tol", "tol", "тол"},
    {"zhol", "jol", "жол"}, {"ser", "ser", "сер"},  {"mir", "myr", "мир"}, {"don", "don", "дон"},
    {"yer", "er", "ер"},    {"lan", "lan", "лан"},  {"ay", "ai", "ай"},    {"bay", "bai", "бай"},
    {"kar", "kar", "кар"},  {"tem", "tem", "тем"},  {"ir", "yr", "ир"},    {"ze", "ze", "зе"}};
enum { N_SYL = sizeof syl / sizeof *syl };

/* Countries of the gazetteer: English, Russian nominative and genitive,
 * English adjective, capital (English, Russian nominative, locative). */
typedef struct country {
    const char *en, *ru, *ru_gen, *adj, *city, *city_ru, *city_loc;
} country;

static const country countries[] = {
    {"Kyrgyzstan", "Кыргызстан", "Кыргызстана", "Kyrgyz", "Bishkek", "Бишкек", "Бишкеке"},
    {"Kazakhstan", "Казахстан", "Казахстана", "Kazakh", "Astana", "Астана", "Астане"},
    {"Uzbekistan", "Узбекистан", "Узбекистана", "Uzbek", "Tashkent", "Ташкент", "Ташкенте"},
    {"Tajikistan", "Таджикистан", "Таджикистана", "Tajik", "Dushanbe", "Душанбе", "Душанбе"},
    {"Turkmenistan", "Туркменистан", "Туркменистана", "Turkmen", "Ashgabat", "Ашхабад", "Ашхабаде"},
    {"Russia", "Россия", "России", "Russian", "Moscow", "Москва", "Москве"},
    {"Belarus", "Беларусь", "Беларуси", "Belarusian", "Minsk", "Минск", "Минске"},
    {"Armenia", "Армения", "Армении", "Armenian", "Yerevan", "Ереван", "Ереване"},
    {"Azerbaijan", "Азербайджан", "Азербайджана", "Azerbaijani", "Baku", "Баку", "Баку"},
    {"Moldova", "Молдова", "Молдовы", "Moldovan", "Chisinau", "Кишинёв", "Кишинёве"},
    {"Georgia", "Грузия", "Грузии", "Georgian", "Tbilisi", "Тбилиси", "Тбилиси"},
    {"Mongolia", "Монголия", "Монголии", "Mongolian", "Ulaanbaatar", "Улан-Батор", "Улан-Баторе"}};
enum { N_COUNTRIES = sizeof countries / sizeof *countries };

/* Branch unions: "Trade Union of <en> of X", "Профсоюз <ru> X". */
static const char *const sectors[][2] = {
    {"Education and Science Workers", "работников образования и науки"},
    {"Health Workers", "работников здравоохранения"},
    {"Mining and Metallurgy Workers", "работников горно-металлургической промышленности"},
    {"Railway Workers", "железнодорожников"},
    {"Construction Workers", "работников строительства"},
    {"Agro-Industrial Complex Workers", "работников агропромышленного комплекса"},
    {"Energy Workers", "работников энергетики"},
    {"Transport Workers", "работников транспорта"},
    {"Communication Workers", "работников связи"},
    {"Culture Workers", "работников культуры"}};
enum { N_SECTORS = sizeof sectors / sizeof *sectors };

/* Company kinds: English head, Russian head (nominative, instrumental). */
static const char *const company_kinds[][3] = {
    {"Mining Company", "Горнодобывающая компания", "Горнодобывающей компанией"},
    {"Energy Corporation", "Энергетическая корпорация", "Энергетической корпорацией"},
    {"Association of Employers", "Ассоциация работодателей", "Ассоциацией работодателей"},
    {"Construction Company", "Строительная компания", "Строительной компанией"}};
enum { N_KINDS = sizeof company_kinds / sizeof *company_kinds };

/* Posts: English title, Russian nominative, Russian instrumental. */
static const char *const titles[][3] = {
    {"Chairman", "Председатель", "Председателем"},
    {"Deputy Chairman", "заместитель Председателя", "заместителем Председателя"},
    {"General Secretary", "Генеральный секретарь", "Генеральным секретарём"},
    {"President", "Президент", "Президентом"},
    {"Director", "Директор", "Директором"}};

static const char *const months_en[] = {"January",   "February", "March",    "April",
                                        "May",       "June",     "July",     "August",
                                        "September", "October",  "November", "December"};
static const char *const months_ru[] = {"января",   "февраля", "марта",  "апреля",
                                        "мая",      "июня",    "июля",   "августа",
                                        "сентября", "октября", "ноября", "декабря"};

/* Sizes of the population, from the number of articles. */
typedef struct world {
    uint64_t seed;
    uint32_t n_people, n_companies, n_orgs;
} world;

/* Organisations: per country the federation, then its branch unions; then
 * the companies. */
enum { ORGS_PER_COUNTRY = 1 + N_SECTORS };

typedef struct org {
    char en[192], ru[256], ru_gen[256], ru_ins[256]; /* long forms */
    char acr_en[32], acr_ru[32];
    int country;
    int feminine; /* the Russian head noun: Федерация, Компания (past tense -а) */
} org;

/* Initials of the capitalised (or Cyrillic) words of s, skipping "of",
 * "and" and their Russian counterparts, upper-cased. */
static void acronym(const char *s, char *out, size_t cap) {
    size_t n = 0;
    const char *p = s;
    while (*p != '\0' && n + 3 < cap) {
        while (*p == ' ')
            p++;
        if (*p == '\0')
            break;
        size_t wl = strcspn(p, " ");
        int skip = (wl == 2 && strncmp(p, "of", 2) == 0) ||
                   (wl == 3 && strncmp(p, "and", 3) == 0) || (wl == 1 && strncmp(p, "и", 1) == 0) ||
                   (wl == 2 && strncmp(p, "и", 2) == 0);
        if (!skip) {
            size_t k = (unsigned char)*p < 0x80 ? 1 : 2;
            memcpy(out + n, p, k);
            out[n + k] = '\0';
            cap_first(out + n);
            n += k;
        }
        p += wl;
    }
    out[n] = '\0';
}

static void company_name(const world *w, uint32_t c, char *lat, char *cyr, size_t cap) {
    uint64_t h = (w->seed ^ 0xC0FFEEull) + (uint64_t)c * 0x9E3779B97F4A7C15ull;
    int a = (int)(h % N_SYL), b = (int)((h >> 8) % N_SYL), d = (int)((h >> 16) % N_SYL);
    snprintf(lat, cap, "%s%s%s", syl[a].lat, syl[b].lat, syl[d].lat);
    snprintf(cyr, cap, "%s%s%s", syl[a].cyr, syl[b].cyr, syl[d].cyr);
    cap_first(lat);
    cap_first(cyr);
}

static void make_org(const world *w, uint32_t o, org *out) {
    memset(out, 0, sizeof *out);
    if (o < N_COUNTRIES * ORGS_PER_COUNTRY) {
        const country *c = &countries[o / ORGS_PER_COUNTRY];
        int s = (int)(o % ORGS_PER_COUNTRY) - 1;
        out->country = (int)(o / ORGS_PER_COUNTRY);
        out->feminine = s < 0;
        if (s < 0) {
            snprintf(out->en, sizeof out->en, "Federation of Trade Unions of %s", c->en);
            snprintf(out->ru, sizeof out->ru, "Федерация профсоюзов %s", c->ru_gen);
            snprintf(out->ru_gen, sizeof out->ru_gen, "Федерации профсоюзов %s", c->ru_gen);
            snprintf(out->ru_ins, sizeof out->ru_ins, "Федерацией профсоюзов %s", c->ru_gen);
        } else {
            snprintf(out->en, sizeof out->en, "Trade Union of %s of %s", sectors[s][0], c->en);
            snprintf(out->ru, sizeof out->ru, "Профсоюз %s %s", sectors[s][1], c->ru_gen);
            snprintf(out->ru_gen, sizeof out->ru_gen, "Профсоюза %s %s", sectors[s][1], c->ru_gen);
            snprintf(out->ru_ins, sizeof out->ru_ins, "Профсоюзом %s %s", sectors[s][1], c->ru_gen);
        }
        acronym(out->en, out->acr_en, sizeof out->acr_en);
        acronym(out->ru, out->acr_ru, sizeof out->acr_ru);
        return;
    }
    uint32_t c = o - N_COUNTRIES * ORGS_PER_COUNTRY;
    char lat[64], cyr[64];
    company_name(w, c, lat, cyr, sizeof lat);
    int k = (int)(c % N_KINDS);
    out->country = (int)((c / N_KINDS) % N_COUNTRIES);
    out->feminine = 1;
    snprintf(out->en, sizeof out->en, "%s %s", lat, company_kinds[k][0]);
    snprintf(out->ru, sizeof out->ru, "%s «%s»", company_kinds[k][1], cyr);
    snprintf(out->ru_gen, sizeof out->ru_gen, "%s «%s»", company_kinds[k][1], cyr);
    snprintf(out->ru_ins, sizeof out->ru_ins, "%s «%s»", company_kinds[k][2], cyr);
}

/* A person: syllables of the first name and surname, gender, post. */
typedef struct person {
    int first[2], last[3];
    int female, bayev;
    uint32_t org;
    int title;
} person;

/* A syllable that ends in a consonant (names end in one before their
 * endings: "-bek" + "-ом", "-kur" + "-ov"). */
static int consonant_syllable(rng *r) {
    for (;;) {
        int s = (int)pick(r, N_SYL);
        const char *c = syl[s].lat;
        char last = c[strlen(c) - 1];
        if (strchr("aeiouy", last) == NULL)
            return s;
    }
}

static void make_person(const world *w, uint32_t p, person *out) {
    uint64_t h = (w->seed ^ 0xFACEull) + (uint64_t)p * 0xD1B54A32D192ED03ull;
    rng r = {h};
    out->first[0] = (int)pick(&r, N_SYL);
    out->first[1] = consonant_syllable(&r);
    out->last[0] = (int)pick(&r, N_SYL);
    out->last[1] = (int)pick(&r, N_SYL);
    out->last[2] = consonant_syllable(&r);
    out->female = chance(&r, 35);
    out->bayev = chance(&r, 20);
    /* each organisation has a chairman and a deputy before the rest */
    uint32_t slot = p % 2;
    out->org = (p / 2) % w->n_orgs;
    out->title = p < 2 * w->n_orgs ? (int)slot : 2 + (int)pick(&r, 3);
    if (out->org >= N_COUNTRIES * ORGS_PER_COUNTRY && out->title == 2)
        out->title = 4; /* companies have directors, not general secretaries */
}

/* Spellings of a person's name. */
enum { F_LATIN, F_VARIANT, F_CYRILLIC };
enum { C_NOM, C_GEN, C_DAT, C_INS }; /* Russian cases */

static void name_part(const int *s, int n, int form, char *out, size_t cap) {
    out[0] = '\0';
    for (int i = 0; i < n; i++) {
        const char *t = form == F_CYRILLIC  ? syl[s[i]].cyr
                        : form == F_VARIANT ? syl[s[i]].var
                                            : syl[s[i]].lat;
        strncat(out, t, cap - strlen(out) - 1);
    }
    cap_first(out);
}

/* First name in a case (Russian) or as is. */
static void first_name(const person *ps, int form, int gcase, char *out, size_t cap) {
    name_part(ps->first, 2, form, out, cap - 8);
    if (ps->female)
        strcat(out, form == F_CYRILLIC ? (gcase == C_INS   ? "ой"
                                          : gcase == C_GEN ? "ы"
                                          : gcase == C_DAT ? "е"
                                                           : "а")
                                       : "a");
    else if (form == F_CYRILLIC && gcase != C_NOM)
        strcat(out, gcase == C_INS ? "ом" : gcase == C_GEN ? "а" : "у");
}

static void surname(const person *ps, int form, int gcase, char *out, size_t cap) {
    name_part(ps->last, 3, form, out, cap - 16);
    if (form == F_CYRILLIC) {
        strcat(out, ps->bayev ? "баев" : "ов");
        if (ps->female)
            strcat(out, gcase == C_NOM ? "а" : "ой");
        else if (gcase != C_NOM)
            strcat(out, gcase == C_INS ? "ым" : gcase == C_GEN ? "а" : "у");
    } else {
        strcat(out, ps->bayev ? (form == F_VARIANT ? "baev" : "bayev") : "ov");
        if (ps->female)
            strcat(out, "a");
    }
}

static void full_name(const person *ps, int form, int gcase, char *out, size_t cap) {
    char f[96], l[96];
    first_name(ps, form, gcase, f, sizeof f);
    surname(ps, form, gcase, l, sizeof l);
    snprintf(out, cap, "%s %s", f, l);
}

/* "K. Zhumaliev", "K.Zhumaliev" or "К.Жумалиев" (case applied). */
static void initial_name(const person *ps, int form, int gcase, int space, char *out, size_t cap) {
    char f[96], l[96];
    first_name(ps, form, C_NOM, f, sizeof f);
    surname(ps, form, gcase, l, sizeof l);
    size_t k = (unsigned char)f[0] < 0x80 ? 1 : 2;
    snprintf(out, cap, "%.*s.%s%s", (int)k, f, space ? " " : "", l);
}

/* ---- articles ------------------------------------------------------------------- */

/* Upper-cases the letter at b->p[at]: the start of a sentence written by a
 * helper that writes mid-sentence forms ("the FTUK", "заместитель ..."). */
static void cap_at(buf *b, size_t at) {
    if (at < b->len)
        cap_first(b->p + at);
}

/* Russian past tense by the subject's gender: verb(ps, "встретился", "встретилась"). */
static const char *verb(const person *ps, const char *male, const char *female) {
    return ps->female ? female : male;
}

typedef struct article {
    rng r;
    int ru, mt; /* Russian; English with machine-translation quirks */
    int year, month, day;
    const country *place;
} article;

static const char *fed_word(const article *a) {
    return a->mt ? "trade Unions" : "Trade Unions";
}

/* An organisation's long form in English (MT quirks applied). */
static void org_en(const article *a, const org *o, char *out, size_t cap) {
    snprintf(out, cap, "%s", o->en);
    if (a->mt) {
        char *t = strstr(out, "Trade Unions");
        if (t != NULL)
            memcpy(t, fed_word(a), 12);
    }
}

/* First mention of an organisation: long form with its acronym in
 * parentheses (either order), or the long form alone. */
static void org_first(article *a, const org *o, int gcase, buf *b) {
    char en[256];
    if (a->ru) {
        const char *form = gcase == C_GEN ? o->ru_gen : gcase == C_INS ? o->ru_ins : o->ru;
        if (o->acr_ru[0] != '\0' && chance(&a->r, 60))
            printf_(b, "%s (%s)", form, o->acr_ru);
        else
            puts_(b, form);
        return;
    }
    org_en(a, o, en, sizeof en);
    if (o->acr_en[0] != '\0' && chance(&a->r, 60)) {
        if (chance(&a->r, 85))
            printf_(b, "%s%s (%s)", a->mt ? "" : "the ", en, o->acr_en);
        else
            printf_(b, "the %s (%s)", o->acr_en, en);
    } else {
        printf_(b, "%s%s", a->mt && chance(&a->r, 50) ? "" : "the ", en);
    }
}

/* A later mention: the acronym or the long form again. */
static void org_again(article *a, const org *o, int gcase, buf *b) {
    char en[256];
    if (a->ru) {
        if (o->acr_ru[0] != '\0' && chance(&a->r, 60))
            puts_(b, o->acr_ru);
        else
            puts_(b, gcase == C_GEN ? o->ru_gen : gcase == C_INS ? o->ru_ins : o->ru);
        return;
    }
    if (o->acr_en[0] != '\0' && chance(&a->r, 60)) {
        printf_(b, "%s%s", a->mt ? "" : "the ", o->acr_en);
        return;
    }
    org_en(a, o, en, sizeof en);
    printf_(b, "the %s", en);
}

/* A person's name in a form this article uses. */
static void person_ref(article *a, const person *ps, int gcase, int first, buf *b) {
    char name[256];
    if (a->ru) {
        if (first || chance(&a->r, 60))
            full_name(ps, F_CYRILLIC, gcase, name, sizeof name);
        else
            initial_name(ps, F_CYRILLIC, gcase, 0, name, sizeof name);
    } else {
        int form = chance(&a->r, 15) ? F_VARIANT : F_LATIN;
        if (first || chance(&a->r, 50))
            full_name(ps, form, C_NOM, name, sizeof name);
        else
            initial_name(ps, form, C_NOM, !a->mt, name, sizeof name);
    }
    puts_(b, name);
}

static void date_en(const article *a, buf *b) {
    printf_(b, "%d %s %d", a->day, months_en[a->month - 1], a->year);
}

static void date_ru(const article *a, buf *b) {
    printf_(b, "%d %s %d года", a->day, months_ru[a->month - 1], a->year);
}

/* "Chairman of the FTUK Kanybek Zhumaliev" / "Kanybek Zhumaliev, Chairman
 * of the FTUK" / Russian: "Председатель ФПК Каныбек Жумалиев". */
static void leader(article *a, const person *ps, const org *o, int first, buf *b) {
    int before = chance(&a->r, 50);
    if (a->ru) {
        puts_(b, titles[ps->title][1]);
        puts_(b, " ");
        first ? org_first(a, o, C_GEN, b) : org_again(a, o, C_GEN, b);
        puts_(b, " ");
        person_ref(a, ps, C_NOM, first, b);
        return;
    }
    if (before) {
        printf_(b, "%s of ", titles[ps->title][0]);
        first ? org_first(a, o, C_NOM, b) : org_again(a, o, C_NOM, b);
        puts_(b, " ");
        person_ref(a, ps, C_NOM, first, b);
    } else {
        person_ref(a, ps, C_NOM, first, b);
        printf_(b, ", %s of ", titles[ps->title][0]);
        first ? org_first(a, o, C_NOM, b) : org_again(a, o, C_NOM, b);
        puts_(b, ",");
    }
}

static const char *const filler_en[] = {
    "The parties discussed the protection of the rights of labour migrants and occupational "
    "safety.",
    "The sides exchanged experience in collective bargaining and social partnership.",
    "The document provides for joint training of trade union activists and legal aid for workers.",
    "The participants adopted a resolution calling for decent wages and safe working conditions.",
    "A joint working group will report on the implementation of the decisions once a year.",
    "More than a hundred delegates from the region took part in the discussions.",
    "The next meeting is scheduled to take place next year, the press service reported.",
    "Special attention was paid to the situation of young workers and platform workers."};
static const char *const filler_ru[] = {
    "Стороны обсудили защиту прав трудящихся-мигрантов и вопросы охраны труда.",
    "Участники обменялись опытом в области коллективно-договорного регулирования.",
    "Документ предусматривает совместное обучение профсоюзного актива и правовую помощь "
    "работникам.",
    "По итогам встречи была принята резолюция о достойной заработной плате.",
    "Совместная рабочая группа будет ежегодно докладывать о выполнении договорённостей.",
    "В обсуждении приняли участие более ста делегатов из стран региона.",
    "Следующая встреча запланирована на будущий год, сообщает пресс-служба.",
    "Особое внимание было уделено положению молодых работников."};
enum { N_FILLER = sizeof filler_en / sizeof *filler_en };

static const char *const events_en[] = {"Forum", "Conference", "Congress", "Seminar", "Summit"};
static const char *const events_ru[][2] = {{"форум", "форуме"},
                                           {"конгресс", "конгрессе"},
                                           {"съезд", "съезде"},
                                           {"семинар", "семинаре"},
                                           {"саммит", "саммите"}};
static const char *const topics_en[] = {"Decent Work", "Labour Migration", "Safe Work",
                                        "Social Dialogue", "Young Workers"};
static const char *const topics_ru[] = {"Достойный труд", "Трудовая миграция", "Безопасный труд",
                                        "Социальный диалог", "Молодые работники"};
enum { N_EVENTS = sizeof events_en / sizeof *events_en };

static void filler(article *a, buf *b) {
    puts_(b, a->ru ? filler_ru[pick(&a->r, N_FILLER)] : filler_en[pick(&a->r, N_FILLER)]);
}

/* Two people, their organisations, an agreement signed (or planned). */
static void story_agreement(article *a, const person *p1, const org *o1, const person *p2,
                            const org *o2, buf *b) {
    int planned = chance(&a->r, 15);
    if (a->ru) {
        org_first(a, o1, C_NOM, b);
        puts_(b, " и ");
        org_first(a, o2, C_NOM, b);
        printf_(b, " %s меморандум о сотрудничестве в %s. ",
                planned ? "намерены подписать" : "подписали", a->place->city_loc);
        puts_(b, "Документ подписали ");
        puts_(b, titles[p1->title][1]);
        puts_(b, " ");
        org_again(a, o1, C_GEN, b);
        puts_(b, " ");
        person_ref(a, p1, C_NOM, 1, b);
        puts_(b, " и ");
        puts_(b, titles[p2->title][1]);
        puts_(b, " ");
        org_again(a, o2, C_GEN, b);
        puts_(b, " ");
        person_ref(a, p2, C_NOM, 1, b);
        puts_(b, ".");
        return;
    }
    size_t at = b->len;
    org_first(a, o1, C_NOM, b);
    cap_at(b, at);
    puts_(b, " and ");
    org_first(a, o2, C_NOM, b);
    if (planned)
        printf_(b, " plan to sign a memorandum of cooperation in %s next year. ", a->place->city);
    else {
        printf_(b, " signed a memorandum of cooperation in %s on ", a->place->city);
        date_en(a, b);
        puts_(b, ". ");
    }
    if (!planned) {
        puts_(b, "The memorandum was signed by ");
        person_ref(a, p1, C_NOM, 1, b);
        printf_(b, ", %s of ", titles[p1->title][0]);
        org_again(a, o1, C_NOM, b);
        puts_(b, ", and ");
        person_ref(a, p2, C_NOM, 1, b);
        printf_(b, ", %s of ", titles[p2->title][0]);
        org_again(a, o2, C_NOM, b);
        puts_(b, ".");
    } else {
        puts_(b, "It is expected that the document will be signed by ");
        leader(a, p1, o1, 1, b);
        puts_(b, " and ");
        leader(a, p2, o2, 1, b);
        puts_(b, ".");
    }
}

static void story_meeting(article *a, const person *p1, const org *o1, const person *p2,
                          const org *o2, buf *b) {
    if (a->ru) {
        size_t at = b->len;
        leader(a, p1, o1, 1, b);
        cap_at(b, at);
        printf_(b, " %s с ", verb(p1, "встретился", "встретилась"));
        puts_(b, titles[p2->title][2]);
        puts_(b, " ");
        org_first(a, o2, C_GEN, b);
        puts_(b, " ");
        person_ref(a, p2, C_INS, 1, b);
        printf_(b, ", %s находится в %s с рабочим визитом.", verb(p2, "который", "которая"),
                a->place->city_loc);
        return;
    }
    size_t at = b->len;
    leader(a, p1, o1, 1, b);
    cap_at(b, at);
    puts_(b, " met with ");
    leader(a, p2, o2, 1, b);
    printf_(b, " in %s%s.", a->place->city, a->mt ? " city" : "");
}

static void story_event(article *a, const org *o1, const org *o2, const person *p1, buf *b) {
    int e = (int)pick(&a->r, N_EVENTS), t = (int)pick(&a->r, N_EVENTS);
    if (a->ru) {
        org_first(a, o1, C_NOM, b);
        printf_(b, " %s в %s международный %s «%s». ", o1->feminine ? "провела" : "провёл",
                a->place->city_loc, events_ru[e][0], topics_ru[t]);
        puts_(b, "В работе ");
        printf_(b, "%s приняли участие делегации ", events_ru[e][0]);
        org_again(a, o2, C_GEN, b);
        puts_(b, " и других профцентров. ");
        printf_(b, "С докладом %s ", verb(p1, "выступил", "выступила"));
        puts_(b, titles[p1->title][1]);
        puts_(b, " ");
        org_again(a, o1, C_GEN, b);
        puts_(b, " ");
        person_ref(a, p1, C_NOM, 1, b);
        puts_(b, ".");
        return;
    }
    size_t at = b->len;
    org_first(a, o1, C_NOM, b);
    cap_at(b, at);
    printf_(b, " organised the International %s \"%s\" in %s on ", events_en[e], topics_en[t],
            a->place->city);
    date_en(a, b);
    puts_(b, ". ");
    at = b->len;
    org_first(a, o2, C_NOM, b);
    cap_at(b, at);
    printf_(b, " participated in the %s. ", a->mt ? events_en[e] : "forum");
    puts_(b, "Opening it, ");
    leader(a, p1, o1, 0, b);
    puts_(b, " said that the region needs common standards.");
}

static void story_visit(article *a, const person *p1, const org *o1, const org *member, buf *b) {
    if (a->ru) {
        puts_(b, "Делегация ");
        org_first(a, o1, C_GEN, b);
        puts_(b, " во главе с ");
        puts_(b, titles[p1->title][2]);
        puts_(b, " ");
        person_ref(a, p1, C_INS, 1, b);
        printf_(b, " посетила %s с официальным визитом. ", a->place->city_ru);
        puts_(b, member->ru);
        puts_(b, " входит в состав ");
        org_again(a, o1, C_GEN, b);
        puts_(b, ".");
        return;
    }
    size_t at = b->len;
    leader(a, p1, o1, 1, b);
    cap_at(b, at);
    printf_(b, " visited %s at the head of a delegation. ", a->place->city);
    org_first(a, member, C_NOM, b);
    puts_(b, ", a member of ");
    org_again(a, o1, C_NOM, b);
    puts_(b, ", presented its programme.");
}

/* A quote with the initial of someone already named. */
static void quote(article *a, const person *ps, buf *b) {
    char name[256];
    if (a->ru) {
        printf_(b, "«Мы рассчитываем на конкретную работу», — %s ",
                verb(ps, "подчеркнул", "подчеркнула"));
        initial_name(ps, F_CYRILLIC, C_NOM, 0, name, sizeof name);
        puts_(b, name);
        puts_(b, ".");
        return;
    }
    puts_(b, a->mt ? "\xE2\x80\x9COur unions will work together\xE2\x80\x9D, \xE2\x80\x94 said "
                   : "\"Our unions will work together,\" ");
    initial_name(ps, chance(&a->r, 20) ? F_VARIANT : F_LATIN, C_NOM, !a->mt, name, sizeof name);
    puts_(b, name);
    puts_(b, a->mt ? "." : " said.");
}

/* Article i of the corpus, metadata lines first; returns 1 when it is in
 * Russian. */
static int write_article(const world *w, uint64_t i, buf *b, int ru_percent) {
    article a;
    memset(&a, 0, sizeof a);
    /* two rounds of mixing: article i + 1 must not replay article i's
     * stream shifted by one draw */
    a.r.s = w->seed * 0x2545F4914F6CDD1Dull ^ i;
    a.r.s = rng_next(&a.r) ^ (i * 0xD6E8FEB86659FD93ull);
    a.r.s = rng_next(&a.r);
    a.ru = chance(&a.r, ru_percent);
    a.mt = !a.ru && chance(&a.r, 30);
    a.year = 2020 + (int)pick(&a.r, 6);
    a.month = 1 + (int)pick(&a.r, 12);
    a.day = 1 + (int)pick(&a.r, 28);
    a.place = &countries[pick_skewed(&a.r, N_COUNTRIES)];

    person ps[4];
    org os[4];
    for (int k = 0; k < 4; k++) {
        make_person(w, pick_skewed(&a.r, w->n_people), &ps[k]);
        make_org(w, ps[k].org, &os[k]);
    }
    /* a member union: a branch union of the first organisation's country */
    org member;
    make_org(w, (uint32_t)os[0].country * ORGS_PER_COUNTRY + 1 + pick(&a.r, N_SECTORS), &member);

    b->len = 0;
    char title[512];
    if (a.ru)
        snprintf(title, sizeof title, "%s: встреча руководителей профсоюзов в %s",
                 os[0].acr_ru[0] ? os[0].acr_ru : "Профсоюзы", a.place->city_loc);
    else
        snprintf(title, sizeof title, "%s and %s leaders meet in %s",
                 os[0].acr_en[0] ? os[0].acr_en : "Trade union",
                 os[1].acr_en[0] ? os[1].acr_en : "partner", a.place->city);
    if (chance(&a.r, 80)) {
        printf_(b, "# title: %s\n# date: %04d-%02d-%02d\n", title, a.year, a.month, a.day);
        if (chance(&a.r, 50))
            printf_(b, "# lang: %s\n", a.ru ? "ru" : "en");
        printf_(b, "# source: https://news.example.org/%s/%07llu\n", a.ru ? "ru" : "en",
                (unsigned long long)i);
    }
    printf_(b, "%s\n\n", title);
    /* dateline */
    if (a.ru) {
        printf_(b, "%s, ", a.place->city_ru);
        date_ru(&a, b);
        puts_(b, ". ");
    } else {
        char city[64];
        snprintf(city, sizeof city, "%s", a.place->city);
        if (a.mt)
            for (char *p = city; *p; p++)
                if (*p >= 'a' && *p <= 'z')
                    *p = (char)(*p - 32);
        printf_(b, "%s, ", city);
        date_en(&a, b);
        puts_(b, ". ");
    }
    int kind = (int)pick(&a.r, 4);
    switch (kind) {
    case 0:
        story_agreement(&a, &ps[0], &os[0], &ps[1], &os[1], b);
        break;
    case 1:
        story_meeting(&a, &ps[0], &os[0], &ps[1], &os[1], b);
        break;
    case 2:
        story_event(&a, &os[0], &os[1], &ps[0], b);
        break;
    default:
        story_visit(&a, &ps[0], &os[0], &member, b);
        break;
    }
    puts_(b, "\n\n");
    int paragraphs = 2 + (int)pick(&a.r, 4);
    for (int k = 0; k < paragraphs; k++) {
        int s = (int)pick(&a.r, 5);
        if (s == 0)
            story_meeting(&a, &ps[2], &os[2], &ps[3], &os[3], b);
        else if (s == 1)
            quote(&a, &ps[k % 2], b);
        else if (s == 2) {
            size_t at = b->len;
            const person *who = &ps[2 + k % 2];
            leader(&a, who, &os[2 + k % 2], 1, b);
            cap_at(b, at);
            puts_(b, a.ru ? verb(who, " принял участие в обсуждении.",
                                 " приняла участие в обсуждении.")
                          : " also took part in the talks.");
        } else
            filler(&a, b);
        puts_(b, " ");
        filler(&a, b);
        puts_(b, "\n\n");
    }
    return a.ru;
}

/* ---- main ------------------------------------------------------------------------ */

static int parse_size(const char *s, uint64_t *out) {
    char *end = NULL;
    double v = strtod(s, &end);
    if (end == s || v <= 0)
        return -1;
    uint64_t mult = 1;
    if (*end == 'k' || *end == 'K')
        mult = 1024;
    else if (*end == 'm' || *end == 'M')
        mult = 1024 * 1024;
    else if (*end == 'g' || *end == 'G')
        mult = 1024ull * 1024 * 1024;
    else if (*end != '\0')
        return -1;
    *out = (uint64_t)(v * (double)mult);
    return 0;
}

static void usage(FILE *out) {
    fprintf(out, "usage: gen_corpus [-s SEED] [-n SIZE[K|M|G]] [-o DIR] [--per-dir N] "
                 "[--ru PERCENT]\n");
}

int main(int argc, char **argv) {
    uint64_t seed = 1, size = 10ull << 20;
    const char *dir = "corpus";
    unsigned per_dir = 1000;
    int ru_percent = 40;
    for (int i = 1; i < argc; i++) {
        const char *v = i + 1 < argc ? argv[i + 1] : NULL;
        if (strcmp(argv[i], "-h") == 0 || strcmp(argv[i], "--help") == 0) {
            usage(stdout);
            return 0;
        } else if (strcmp(argv[i], "-s") == 0 && v != NULL) {
            seed = strtoull(v, NULL, 10);
            i++;
        } else if (strcmp(argv[i], "-n") == 0 && v != NULL) {
            if (parse_size(v, &size) != 0) {
                fprintf(stderr, "gen_corpus: bad size '%s'\n", v);
                return 2;
            }
            i++;
        } else if (strcmp(argv[i], "-o") == 0 && v != NULL) {
            dir = v;
            i++;
        } else if (strcmp(argv[i], "--per-dir") == 0 && v != NULL) {
            per_dir = (unsigned)strtoul(v, NULL, 10);
            if (per_dir == 0)
                per_dir = 1000;
            i++;
        } else if (strcmp(argv[i], "--ru") == 0 && v != NULL) {
            ru_percent = atoi(v);
            i++;
        } else {
            usage(stderr);
            return 2;
        }
    }
    /* About 1.3 KB per article. */
    uint64_t expect = size / 1300 + 1;
    world w = {seed, (uint32_t)(expect / 5 + 50), (uint32_t)(expect / 20 + 20), 0};
    w.n_orgs = N_COUNTRIES * ORGS_PER_COUNTRY + w.n_companies;
    if (mkdir(dir, 0777) != 0 && errno != EEXIST) {
        fprintf(stderr, "gen_corpus: %s: %s\n", dir, strerror(errno));
        return 1;
    }
    buf b = {0};
    uint64_t written = 0, i = 0;
    char path[4096];
    for (; written < size; i++) {
        int ru = write_article(&w, i, &b, ru_percent);
        if (i % per_dir == 0) {
            snprintf(path, sizeof path, "%s/%04llu", dir, (unsigned long long)(i / per_dir));
            if (mkdir(path, 0777) != 0 && errno != EEXIST) {
                fprintf(stderr, "gen_corpus: %s: %s\n", path, strerror(errno));
                return 1;
            }
        }
        snprintf(path, sizeof path, "%s/%04llu/%07llu-%s.txt", dir,
                 (unsigned long long)(i / per_dir), (unsigned long long)i, ru ? "ru" : "en");
        FILE *f = fopen(path, "wb");
        if (f == NULL || fwrite(b.p, 1, b.len, f) != b.len || fclose(f) != 0) {
            fprintf(stderr, "gen_corpus: %s: %s\n", path, strerror(errno));
            return 1;
        }
        written += b.len;
    }
    printf("gen_corpus: %llu articles, %llu bytes in %s (seed %llu; %u people, %u "
           "organisations)\n",
           (unsigned long long)i, (unsigned long long)written, dir, (unsigned long long)seed,
           w.n_people, w.n_orgs);
    free(b.p);
    return 0;
}
