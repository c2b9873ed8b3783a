/* report.c — the analytics report: report.md and a self-contained
 * report.html from one kg_graph.
 *
 * Both formats come from the same section code, which talks to a small
 * writer (headings, paragraphs, tables, links, escaped text) that renders
 * either Markdown or HTML, so the two files always say the same thing.  The
 * HTML adds the drawing of the network: the entities with the highest
 * PageRank, each connected component laid out by igraph (Kamada–Kawai, or
 * Fruchterman–Reingold seeded with the analytics seed for very large
 * components) and packed in rows, as inline SVG.  Facts shown in tables link to an evidence entry
 * per relation (anchor "ev-" + the relation key of kg_export_relation_key),
 * listed at the end.  Nothing depends on time, addresses or the locale, so
 * the same graph gives the same bytes.  Contents: docs/report.md.
 */
#include "kg_export_internal.h"
#include "kg_graph_internal.h"
#include "kg_model_internal.h"
#include "kg_outfile.h"
#include "kg_text.h"

#include <inttypes.h>
#include <math.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

/* Evidence records listed per relation, and members listed per community. */
#define EVIDENCE_SHOWN 10
#define MEMBERS_SHOWN 20
/* Longest label drawn in the SVG, in code points; the estimated width of
 * one (11px sans-serif) and the height of a line, in SVG units. */
#define LABEL_MAX_CHARS 32
#define LABEL_CHAR_WIDTH 6.2
#define LABEL_HEIGHT 13.0
/* Components up to this size are laid out with Kamada–Kawai. */
#define KK_MAX_VERTICES 1000
/* Drawing size (SVG user units). */
#define SVG_W 960.0
#define SVG_MIN_H 320.0
#define SVG_MAX_H 900.0
#define SVG_MARGIN 40.0

static const kg_report_options default_options = KG_REPORT_OPTIONS_INIT;

/* ---- colours ------------------------------------------------------------------ */

static const char *const type_colors[KG_ENT_TYPE_COUNT] = {
    "#1f77b4", /* Organization */
    "#d62728", /* Person */
    "#2ca02c", /* Agreement */
    "#ff7f0e", /* Event */
    "#9467bd", /* Place */
};

static const char *const relation_colors[KG_REL_TYPE_COUNT] = {
    "#c75d5d", /* holds_post */
    "#5b9a5b", /* party_to */
    "#8fbf5a", /* signed */
    "#5d86c7", /* member_of */
    "#b05fb5", /* met_with */
    "#a08a6a", /* visited */
    "#e0a050", /* participated_in */
    "#d07a30", /* organized */
    "#9a9a9a", /* located_in */
};

#define N_COMMUNITY_COLORS 12
static const char *const community_colors[N_COMMUNITY_COLORS] = {
    "#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b",
    "#e377c2", "#7f7f7f", "#bcbd22", "#17becf", "#393b79", "#637939",
};

/* ---- numbers for people ---------------------------------------------------- */

/* Digits of v with a comma every three, into out. */
static void format_grouped(uint64_t v, char *out, size_t size) {
    char digits[32];
    int n = snprintf(digits, sizeof digits, "%" PRIu64, v);
    size_t k = 0;
    for (int i = 0; i < n && k + 2 < size; i++) {
        if (i > 0 && (n - i) % 3 == 0)
            out[k++] = ',';
        out[k++] = digits[i];
    }
    out[k] = '\0';
}

/* A count: "1,234". */
static void format_count(size_t v, char *out, size_t size) {
    format_grouped((uint64_t)v, out, size);
}

/* A real to 3 significant digits, without exponent down to 1e-6, trailing
 * zeros dropped, thousands grouped: 0.0775, 1.5, 12,300, 0.000123.  Built
 * from integers so the decimal point is '.' whatever the locale. */
static void format_real(double x, char *out, size_t size) {
    x = kg_export_finite(x);
    if (x == 0.0) {
        snprintf(out, size, "0");
        return;
    }
    const char *sign = x < 0 ? "-" : "";
    double a = fabs(x);
    if (a < 1e-6 || a >= 1e15) {
        kg_export_format_g(x, 3, out, size);
        return;
    }
    int e = (int)floor(log10(a));
    int decimals = 2 - e > 0 ? 2 - e : 0;
    uint64_t scale = 1;
    for (int i = 0; i < decimals; i++)
        scale *= 10;
    uint64_t m;
    if (e > 2) {
        /* keep 3 significant digits of a large number: 12,345 → 12,300 */
        double unit = pow(10.0, e - 2);
        m = (uint64_t)llround(a / unit) * (uint64_t)llround(unit);
    } else {
        m = (uint64_t)llround(a * (double)scale);
    }
    char whole[40];
    format_grouped(m / scale, whole, sizeof whole);
    char frac[24] = "";
    if (decimals > 0) {
        uint64_t rest = m % scale;
        for (int i = decimals; i-- > 0;) {
            frac[i] = (char)('0' + rest % 10);
            rest /= 10;
        }
        frac[decimals] = '\0';
        size_t n = (size_t)decimals;
        while (n > 0 && frac[n - 1] == '0')
            frac[--n] = '\0';
    }
    snprintf(out, size, "%s%s%s%s", sign, whole, frac[0] != '\0' ? "." : "", frac);
}

/* A size in bytes: "812 B", "18.4 KB", "3.2 MB". */
static void format_bytes(size_t v, char *out, size_t size) {
    static const char *const units[] = {"KB", "MB", "GB", "TB"};
    if (v < 1024) {
        snprintf(out, size, "%zu B", v);
        return;
    }
    double x = (double)v / 1024.0;
    size_t u = 0;
    while (x >= 1024.0 && u + 1 < sizeof units / sizeof *units) {
        x /= 1024.0;
        u++;
    }
    char num[40];
    format_real(x, num, sizeof num);
    snprintf(out, size, "%s %s", num, units[u]);
}

/* SVG coordinate with one decimal, written from integers (no locale). */
static void format_coord(double x, char *out, size_t size) {
    long tenths = lround(kg_export_finite(x) * 10.0);
    snprintf(out, size, "%s%ld.%ld", tenths < 0 ? "-" : "", labs(tenths) / 10, labs(tenths) % 10);
}

/* ---- the writer ------------------------------------------------------------- */

typedef struct column {
    const char *title;
    bool numeric; /* right-aligned */
} column;

typedef struct writer {
    FILE *out;
    bool html;
    bool nomem;
    const kg_graph *graph;
    const kg_report_options *opt;
    bool *cited;   /* per relation: linked from a table, listed under Evidence */
    kg_buf keybuf; /* relation keys */
    const column *cols;
    size_t n_cols, col;
} writer;

static void raw(writer *w, const char *s) {
    fputs(s, w->out);
}

static void rawf(writer *w, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 2, 3)))
#endif
    ;

static void rawf(writer *w, const char *fmt, ...) {
    va_list ap;
    va_start(ap, fmt);
    vfprintf(w->out, fmt, ap);
    va_end(ap);
}

/* Text (NULL is empty), repaired to valid UTF-8 without control characters
 * and escaped: HTML's five specials, or Markdown's inline syntax, table
 * pipes and line breaks.  Names are hostile data. */
static void text_n(writer *w, const char *s, size_t len) {
    if (s == NULL || len == 0)
        return;
    char *clean = kg_export_clean_text(s, len, true);
    if (clean == NULL) {
        w->nomem = true;
        return;
    }
    for (const char *p = clean; *p != '\0'; p++) {
        char c = *p;
        if (w->html) {
            switch (c) {
            case '&':
                raw(w, "&amp;");
                break;
            case '<':
                raw(w, "&lt;");
                break;
            case '>':
                raw(w, "&gt;");
                break;
            case '"':
                raw(w, "&quot;");
                break;
            case '\'':
                raw(w, "&#39;");
                break;
            default:
                putc(c, w->out);
            }
        } else if (c == '\n' || c == '\r' || c == '\t') {
            putc(' ', w->out);
        } else {
            if (strchr("\\`*_[]<>|&~#", c) != NULL)
                putc('\\', w->out);
            putc(c, w->out);
        }
    }
    free(clean);
}

static void text(writer *w, const char *s) {
    if (s != NULL)
        text_n(w, s, strlen(s));
}

static void textf(writer *w, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 2, 3)))
#endif
    ;

static void textf(writer *w, const char *fmt, ...) {
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(NULL, 0, fmt, ap);
    va_end(ap);
    if (n < 0)
        return;
    char *s = malloc((size_t)n + 1);
    if (s == NULL) {
        w->nomem = true;
        return;
    }
    va_start(ap, fmt);
    vsnprintf(s, (size_t)n + 1, fmt, ap);
    va_end(ap);
    text(w, s);
    free(s);
}

static void count(writer *w, size_t v) {
    char s[40];
    format_count(v, s, sizeof s);
    raw(w, s);
}

static void real(writer *w, double v) {
    char s[48];
    format_real(v, s, sizeof s);
    raw(w, s);
}

/* Section heading with an anchor (level 2 or 3). */
static void heading(writer *w, int level, const char *anchor, const char *title) {
    if (w->html) {
        rawf(w, "<h%d id=\"%s\">", level, anchor);
        text(w, title);
        rawf(w, "</h%d>\n", level);
    } else {
        rawf(w, "\n<a id=\"%s\"></a>\n\n%s ", anchor, level == 2 ? "##" : "###");
        text(w, title);
        raw(w, "\n\n");
    }
}

static void para_begin(writer *w, bool note) {
    raw(w, w->html ? (note ? "<p class=\"note\">" : "<p>") : "");
}

static void para_end(writer *w) {
    raw(w, w->html ? "</p>\n" : "\n\n");
}

/* A paragraph of plain text. */
static void para(writer *w, bool note, const char *s) {
    para_begin(w, note);
    text(w, s);
    para_end(w);
}

static void link_begin(writer *w, const char *anchor) {
    if (w->html)
        rawf(w, "<a href=\"#%s\">", anchor);
    else
        raw(w, "[");
}

static void link_end(writer *w, const char *anchor) {
    if (w->html)
        raw(w, "</a>");
    else
        rawf(w, "](#%s)", anchor);
}

static void table_begin(writer *w, const column *cols, size_t n) {
    w->cols = cols;
    w->n_cols = n;
    if (w->html) {
        raw(w, "<table>\n<thead><tr>");
        for (size_t i = 0; i < n; i++) {
            raw(w, cols[i].numeric ? "<th class=\"num\">" : "<th>");
            text(w, cols[i].title);
            raw(w, "</th>");
        }
        raw(w, "</tr></thead>\n<tbody>\n");
        return;
    }
    raw(w, "|");
    for (size_t i = 0; i < n; i++) {
        raw(w, " ");
        text(w, cols[i].title);
        raw(w, " |");
    }
    raw(w, "\n|");
    for (size_t i = 0; i < n; i++)
        raw(w, cols[i].numeric ? " ---: |" : " --- |");
    raw(w, "\n");
}

static void row_begin(writer *w) {
    w->col = 0;
    raw(w, w->html ? "<tr>" : "|");
}

static void cell_begin(writer *w) {
    bool numeric = w->col < w->n_cols && w->cols[w->col].numeric;
    if (w->html)
        raw(w, numeric ? "<td class=\"num\">" : "<td>");
    else
        raw(w, " ");
}

static void cell_end(writer *w) {
    w->col++;
    raw(w, w->html ? "</td>" : " |");
}

static void row_end(writer *w) {
    raw(w, w->html ? "</tr>\n" : "\n");
}

static void table_end(writer *w) {
    raw(w, w->html ? "</tbody>\n</table>\n" : "\n");
    w->cols = NULL;
    w->n_cols = 0;
}

static void cell_text(writer *w, const char *s) {
    cell_begin(w);
    text(w, s != NULL && s[0] != '\0' ? s : "—");
    cell_end(w);
}

static void cell_count(writer *w, size_t v) {
    cell_begin(w);
    count(w, v);
    cell_end(w);
}

static void cell_real(writer *w, double v) {
    cell_begin(w);
    real(w, v);
    cell_end(w);
}

/* "Showing N of M." under a table that was cut. */
static void shown_of(writer *w, size_t shown, size_t total, const char *what) {
    if (shown >= total)
        return;
    para_begin(w, true);
    raw(w, "Showing ");
    count(w, shown);
    raw(w, " of ");
    count(w, total);
    raw(w, " ");
    text(w, what);
    raw(w, ".");
    para_end(w);
}

/* ---- entities, relations and evidence links -------------------------------- */

static const kg_entity *entity(const writer *w, size_t i) {
    return &w->graph->data->entities[i];
}

static void entity_name(writer *w, size_t i) {
    const char *label = entity(w, i)->label;
    text(w, label != NULL && label[0] != '\0' ? label : entity(w, i)->id);
}

/* The anchor of relation j's evidence entry ("ev-" + 16 hex digits). */
static void relation_anchor(writer *w, size_t j, char out[24]) {
    uint64_t key = kg_export_relation_key(w->graph, &w->graph->data->relations[j], &w->keybuf);
    if (w->keybuf.failed)
        w->nomem = true;
    snprintf(out, 24, "ev-%016" PRIx64, key);
}

/* text linked to relation j's evidence; the relation is then listed under
 * Evidence. */
static void evidence_link(writer *w, size_t j, void (*label)(writer *, size_t), size_t arg) {
    char anchor[24];
    relation_anchor(w, j, anchor);
    w->cited[j] = true;
    link_begin(w, anchor);
    label(w, arg);
    link_end(w, anchor);
}

static void label_count(writer *w, size_t v) {
    count(w, v);
}

/* ---- ranking ------------------------------------------------------------------ */

/* Every entity index ordered by measure (descending, ties by id), into a
 * new array (caller frees); NULL when out of memory or there are none. */
static size_t *rank_by(writer *w, kg_measure measure) {
    size_t n = w->graph->data->n_entities;
    size_t *order = malloc((n + 1) * sizeof *order);
    if (order == NULL || (n > 0 && kg_graph_top(w->graph, measure, order, n) != n)) {
        free(order);
        w->nomem = true;
        return NULL;
    }
    return order;
}

static double value_of(const writer *w, size_t i, kg_measure measure) {
    return w->graph->centrality != NULL
               ? kg_export_finite(kg_centrality_get(&w->graph->centrality[i], measure))
               : 0.0;
}

static double pagerank(const writer *w, size_t i) {
    return value_of(w, i, KG_MEASURE_PAGERANK);
}

/* The exporters' description of a measure (its method text). */
static const kg_export_measure *export_measure(kg_measure measure) {
    const char *name = kg_measure_name(measure);
    for (size_t k = 0; name != NULL && k < KG_EXPORT_N_MEASURES; k++)
        if (strcmp(kg_export_measures[k].name, name) == 0)
            return &kg_export_measures[k];
    return NULL;
}

/* ---- summary and corpus ------------------------------------------------------ */

static void stat_card(writer *w, const char *label, const char *value) {
    if (w->html) {
        raw(w, "<div class=\"card\"><b>");
        raw(w, value);
        raw(w, "</b>");
        text(w, label);
        raw(w, "</div>\n");
    } else {
        raw(w, "- ");
        text(w, label);
        raw(w, ": **");
        raw(w, value);
        raw(w, "**\n");
    }
}

static void section_summary(writer *w) {
    const kg_resolved *d = w->graph->data;
    size_t bytes = 0, sentences = 0;
    for (size_t i = 0; i < d->n_documents; i++) {
        bytes += d->documents[i].n_bytes;
        sentences += d->documents[i].n_sentences;
    }
    char v[48];
    raw(w, w->html ? "<div class=\"cards\">\n" : "");
    format_count(d->n_documents, v, sizeof v);
    stat_card(w, "documents", v);
    format_bytes(bytes, v, sizeof v);
    stat_card(w, "of text", v);
    format_count(sentences, v, sizeof v);
    stat_card(w, "sentences", v);
    format_count(d->n_entities, v, sizeof v);
    stat_card(w, "entities", v);
    format_count(d->n_relations, v, sizeof v);
    stat_card(w, "relations", v);
    format_count(w->graph->analytics.n_communities, v, sizeof v);
    stat_card(w, "communities", v);
    raw(w, w->html ? "</div>\n" : "\n");
}

static void section_dates(writer *w, const kg_counts *by_day);

static void section_corpus(writer *w, const kg_counts *counts) {
    const kg_resolved *d = w->graph->data;
    heading(w, 2, "corpus", "Corpus");

    /* documents per language (the first 64 languages met, documents being in
     * id order), listed by language name */
    const char *langs[64];
    size_t lang_docs[64], n_langs = 0;
    for (size_t i = 0; i < d->n_documents; i++) {
        const char *lang = d->documents[i].lang != NULL ? d->documents[i].lang : "und";
        size_t k = 0;
        while (k < n_langs && strcmp(langs[k], lang) != 0)
            k++;
        if (k == n_langs && n_langs < 64) {
            langs[n_langs] = lang;
            lang_docs[n_langs++] = 0;
        }
        if (k < n_langs)
            lang_docs[k]++;
    }
    /* sort by name: deterministic whatever the document order */
    for (size_t a = 1; a < n_langs; a++)
        for (size_t b = a; b > 0 && strcmp(langs[b - 1], langs[b]) > 0; b--) {
            const char *t = langs[b];
            langs[b] = langs[b - 1];
            langs[b - 1] = t;
            size_t c = lang_docs[b];
            lang_docs[b] = lang_docs[b - 1];
            lang_docs[b - 1] = c;
        }
    para_begin(w, false);
    raw(w, "Languages: ");
    for (size_t k = 0; k < n_langs; k++) {
        raw(w, k > 0 ? ", " : "");
        text(w, langs[k]);
        raw(w, " ");
        count(w, lang_docs[k]);
        raw(w, lang_docs[k] == 1 ? " document" : " documents");
    }
    raw(w, n_langs == 0 ? "none." : ".");
    para_end(w);

    size_t by_type[KG_ENT_TYPE_COUNT] = {0}, by_rel[KG_REL_TYPE_COUNT] = {0};
    size_t evidence_by_rel[KG_REL_TYPE_COUNT] = {0};
    for (size_t i = 0; i < d->n_entities; i++)
        if ((unsigned)d->entities[i].type < KG_ENT_TYPE_COUNT)
            by_type[d->entities[i].type]++;
    for (size_t j = 0; j < d->n_relations; j++)
        if ((unsigned)d->relations[j].type < KG_REL_TYPE_COUNT) {
            by_rel[d->relations[j].type]++;
            evidence_by_rel[d->relations[j].type] += d->relations[j].n_evidence;
        }

    raw(w, w->html ? "<div class=\"grid\">\n<div>\n" : "");
    heading(w, 3, "entity-types", "Entities by type");
    static const column ent_cols[] = {{"Type", false}, {"Entities", true}};
    table_begin(w, ent_cols, 2);
    for (int t = 0; t < KG_ENT_TYPE_COUNT; t++) {
        row_begin(w);
        cell_begin(w);
        if (w->html)
            rawf(w, "<span class=\"sw\" style=\"background:%s\"></span>", type_colors[t]);
        text(w, kg_entity_type_name((kg_entity_type)t));
        cell_end(w);
        cell_count(w, by_type[t]);
        row_end(w);
    }
    table_end(w);
    raw(w, w->html ? "</div>\n<div>\n" : "");
    heading(w, 3, "relation-types", "Relations by type");
    static const column rel_cols[] = {{"Relation", false}, {"Relations", true}, {"Evidence", true}};
    table_begin(w, rel_cols, 3);
    for (int t = 0; t < KG_REL_TYPE_COUNT; t++) {
        row_begin(w);
        cell_begin(w);
        if (w->html)
            rawf(w, "<span class=\"sw\" style=\"background:%s\"></span>", relation_colors[t]);
        text(w, kg_relation_type_name((kg_relation_type)t));
        cell_end(w);
        cell_count(w, by_rel[t]);
        cell_count(w, evidence_by_rel[t]);
        row_end(w);
    }
    table_end(w);
    raw(w, w->html ? "</div>\n</div>\n" : "");

    heading(w, 3, "documents", "Documents");
    static const column doc_cols[] = {
        {"Document", false}, {"Title", false},    {"Language", false},
        {"Date", false},     {"Sentences", true}, {"Size", true},
        {"Entities", true},  {"Relations", true}, {"Evidence", true},
    };
    table_begin(w, doc_cols, sizeof doc_cols / sizeof *doc_cols);
    size_t shown = counts->n_documents < w->opt->max_rows ? counts->n_documents : w->opt->max_rows;
    for (size_t i = 0; i < shown; i++) {
        const kg_doc_info *doc = &d->documents[i];
        const kg_count_row *c = &counts->by_document[i];
        char size[48];
        format_bytes(doc->n_bytes, size, sizeof size);
        row_begin(w);
        cell_text(w, doc->id);
        cell_text(w, doc->title);
        cell_text(w, doc->lang);
        cell_text(w, doc->date);
        cell_count(w, doc->n_sentences);
        cell_begin(w);
        raw(w, size);
        cell_end(w);
        cell_count(w, c->entities);
        cell_count(w, c->relations);
        cell_count(w, c->evidence);
        row_end(w);
    }
    table_end(w);
    shown_of(w, shown, counts->n_documents, "documents");

    section_dates(w, counts);
}

/* Counts per date; by month, or by year, when there are more dates than
 * table rows. */
static void section_dates(writer *w, const kg_counts *by_day) {
    kg_counts grouped = {0};
    const kg_counts *counts = by_day;
    const char *unit = "date";
    static const struct {
        size_t prefix;
        const char *unit;
    } coarser[] = {{7, "month"}, {4, "year"}};
    for (size_t k = 0; k < 2 && counts->n_dates > w->opt->max_rows; k++) {
        kg_counts_clear(&grouped);
        if (kg_views_counts(w->graph->data, coarser[k].prefix, &grouped, NULL) != KG_OK) {
            w->nomem = true;
            return;
        }
        counts = &grouped;
        unit = coarser[k].unit;
    }
    heading(w, 3, "dates", "Over time");
    if (counts->n_dates == 0) {
        para(w, true, "No document or entity carries a date.");
        return;
    }
    para_begin(w, true);
    textf(w,
          "By %s: the documents of that %s (their metadata date) and what they mention, and "
          "the agreements and events dated then (read in the text).",
          unit, unit);
    para_end(w);
    static const column date_cols[] = {
        {"Date", false},    {"Documents", true},        {"Entities", true},     {"Relations", true},
        {"Evidence", true}, {"Agreements dated", true}, {"Events dated", true},
    };
    table_begin(w, date_cols, sizeof date_cols / sizeof *date_cols);
    size_t shown = counts->n_dates < w->opt->max_rows ? counts->n_dates : w->opt->max_rows;
    for (size_t i = 0; i < shown; i++) {
        const kg_count_row *c = &counts->by_date[i];
        row_begin(w);
        cell_begin(w);
        text_n(w, c->key, c->key_len);
        cell_end(w);
        cell_count(w, c->documents);
        cell_count(w, c->entities);
        cell_count(w, c->relations);
        cell_count(w, c->evidence);
        cell_count(w, c->dated[KG_ENT_AGREEMENT]);
        cell_count(w, c->dated[KG_ENT_EVENT]);
        row_end(w);
    }
    table_end(w);
    shown_of(w, shown, counts->n_dates, strcmp(unit, "date") == 0 ? "dates" : "periods");
    kg_counts_clear(&grouped);
}

/* ---- centrality tables -------------------------------------------------------- */

/* The measures in the order a reader looks for them, with their titles. */
static const struct {
    kg_measure measure;
    const char *title;
} measure_titles[] = {
    {KG_MEASURE_PAGERANK, "PageRank"},
    {KG_MEASURE_BETWEENNESS, "Betweenness"},
    {KG_MEASURE_EIGENVECTOR, "Eigenvector"},
    {KG_MEASURE_DEGREE, "Degree"},
    {KG_MEASURE_STRENGTH, "Strength (evidence)"},
    {KG_MEASURE_CLOSENESS, "Closeness"},
    {KG_MEASURE_HARMONIC, "Harmonic centrality"},
    {KG_MEASURE_HUB, "Hub (HITS)"},
    {KG_MEASURE_AUTHORITY, "Authority (HITS)"},
    {KG_MEASURE_CORENESS, "Coreness (k-core)"},
    {KG_MEASURE_IN_DEGREE, "In-degree"},
    {KG_MEASURE_OUT_DEGREE, "Out-degree"},
};

#define N_MEASURE_TITLES (sizeof measure_titles / sizeof *measure_titles)

static void section_centrality(writer *w) {
    heading(w, 2, "centrality", "Most central entities");
    para(w, true,
         "The top entities by each measure (ties broken by id); the Methods section says how "
         "each is computed. A measure that is zero for every entity is left out.");
    raw(w, w->html ? "<div class=\"grid\">\n" : "");
    size_t n = w->graph->data->n_entities;
    size_t top_k = n < w->opt->top_k ? n : w->opt->top_k;
    size_t *order = malloc((top_k + 1) * sizeof *order);
    if (order == NULL) {
        w->nomem = true;
        return;
    }
    for (size_t k = 0; k < N_MEASURE_TITLES; k++) {
        kg_measure m = measure_titles[k].measure;
        bool any = false;
        for (size_t i = 0; i < n && !any; i++)
            any = value_of(w, i, m) != 0.0;
        if (!any)
            continue;
        size_t shown = kg_graph_top(w->graph, m, order, top_k);
        if (shown < top_k)
            w->nomem = true;
        char anchor[48];
        snprintf(anchor, sizeof anchor, "top-%s", kg_measure_name(m));
        raw(w, w->html ? "<div>\n" : "");
        heading(w, 3, anchor, measure_titles[k].title);
        static const column cols[] = {
            {"#", true}, {"Entity", false}, {"Type", false}, {"Value", true}};
        table_begin(w, cols, 4);
        for (size_t r = 0; r < shown; r++) {
            size_t i = order[r];
            row_begin(w);
            cell_count(w, r + 1);
            cell_begin(w);
            entity_name(w, i);
            cell_end(w);
            cell_text(w, kg_entity_type_name(entity(w, i)->type));
            cell_real(w, value_of(w, i, m));
            row_end(w);
        }
        table_end(w);
        raw(w, w->html ? "</div>\n" : "");
    }
    free(order);
    raw(w, w->html ? "</div>\n" : "");
}

/* ---- leaders --------------------------------------------------------------- */

typedef struct post_row {
    size_t relation;
    double pagerank;
    const char *person_id;
} post_row;

static int cmp_post_row(const void *a, const void *b) {
    const post_row *x = a, *y = b;
    if (x->pagerank != y->pagerank)
        return x->pagerank > y->pagerank ? -1 : 1;
    int c = strcmp(x->person_id, y->person_id);
    return c != 0 ? c : kg_cmp_size(x->relation, y->relation);
}

static void section_leaders(writer *w) {
    const kg_resolved *d = w->graph->data;
    heading(w, 2, "leaders", "Leaders");
    post_row *rows = malloc((d->n_relations + 1) * sizeof *rows);
    if (rows == NULL) {
        w->nomem = true;
        return;
    }
    size_t n = 0;
    for (size_t j = 0; j < d->n_relations; j++) {
        const kg_relation *r = &d->relations[j];
        if (r->type == KG_REL_HOLDS_POST && d->entities[r->subject].type == KG_ENT_PERSON)
            rows[n++] = (post_row){j, pagerank(w, r->subject), d->entities[r->subject].id};
    }
    if (n == 0) {
        para(w, true, "No posts were found.");
        free(rows);
        return;
    }
    qsort(rows, n, sizeof *rows, cmp_post_row);
    para(w, true,
         "Persons and the posts they hold, the most central persons first; the evidence "
         "column links to the sentences.");
    static const column cols[] = {{"Person", false},
                                  {"Role", false},
                                  {"Organization", false},
                                  {"Title as written", false},
                                  {"Evidence", true}};
    table_begin(w, cols, 5);
    size_t shown = n < w->opt->max_rows ? n : w->opt->max_rows;
    for (size_t k = 0; k < shown; k++) {
        const kg_relation *r = &d->relations[rows[k].relation];
        row_begin(w);
        cell_begin(w);
        entity_name(w, r->subject);
        cell_end(w);
        cell_text(w, r->role);
        cell_begin(w);
        entity_name(w, r->object);
        cell_end(w);
        cell_text(w, r->role_text);
        cell_begin(w);
        evidence_link(w, rows[k].relation, label_count, r->n_evidence);
        cell_end(w);
        row_end(w);
    }
    table_end(w);
    shown_of(w, shown, n, "posts");
    free(rows);
}

/* The organizations person i holds a post in, comma-separated. */
static void person_posts(writer *w, size_t i) {
    const kg_resolved *d = w->graph->data;
    bool first = true;
    for (size_t j = 0; j < d->n_relations; j++) {
        const kg_relation *r = &d->relations[j];
        if (r->type != KG_REL_HOLDS_POST || r->subject != i)
            continue;
        raw(w, first ? "" : ", ");
        first = false;
        if (r->role != NULL) {
            text(w, r->role);
            raw(w, ", ");
        }
        entity_name(w, r->object);
    }
    if (first)
        raw(w, "—");
}

static void section_bridges(writer *w) {
    heading(w, 2, "bridges", "Leaders who bridge communities");
    if (w->graph->analytics.n_communities == 0) {
        para(w, true, "Communities were not computed for this graph.");
        return;
    }
    kg_bridge *bridges = NULL;
    size_t n = 0;
    if (kg_views_bridges(w->graph, &bridges, &n, NULL) != KG_OK) {
        w->nomem = true;
        return;
    }
    if (n == 0) {
        para(w, true, "No person is linked to more than one community.");
        return;
    }
    para(w, true,
         "Persons whose neighbours lie in two or more communities: the brokers between "
         "blocs.");
    static const column cols[] = {{"Person", false},
                                  {"Posts", false},
                                  {"Communities", true},
                                  {"Neighbours", true},
                                  {"Betweenness", true}};
    table_begin(w, cols, 5);
    size_t shown = n < w->opt->max_rows ? n : w->opt->max_rows;
    for (size_t k = 0; k < shown; k++) {
        size_t i = bridges[k].person;
        row_begin(w);
        cell_begin(w);
        entity_name(w, i);
        cell_end(w);
        cell_begin(w);
        person_posts(w, i);
        cell_end(w);
        cell_count(w, bridges[k].n_communities);
        cell_count(w, bridges[k].n_neighbours);
        cell_real(w, w->graph->centrality[i].betweenness);
        row_end(w);
    }
    table_end(w);
    shown_of(w, shown, n, "bridging persons");
    free(bridges);
}

/* ---- agreements ------------------------------------------------------------- */

typedef struct agreement_row {
    size_t index;
    const char *date, *id;
} agreement_row;

/* Dated agreements first, by date; then by id. */
static int cmp_agreement_row(const void *a, const void *b) {
    const agreement_row *x = a, *y = b;
    if ((x->date == NULL) != (y->date == NULL))
        return x->date == NULL ? 1 : -1;
    int c = x->date != NULL ? strcmp(x->date, y->date) : 0;
    return c != 0 ? c : strcmp(x->id, y->id);
}

/* The subjects of relations of type `type` to agreement a, each linked to
 * its evidence. */
static void agreement_side(writer *w, size_t a, kg_relation_type type) {
    const kg_resolved *d = w->graph->data;
    bool first = true;
    for (size_t j = 0; j < d->n_relations; j++) {
        const kg_relation *r = &d->relations[j];
        if (r->type != type || r->object != a)
            continue;
        raw(w, first ? "" : ", ");
        first = false;
        evidence_link(w, j, entity_name, r->subject);
    }
    if (first)
        raw(w, "—");
}

static void section_agreements(writer *w) {
    const kg_resolved *d = w->graph->data;
    heading(w, 2, "agreements", "Agreements");
    agreement_row *rows = malloc((d->n_entities + 1) * sizeof *rows);
    if (rows == NULL) {
        w->nomem = true;
        return;
    }
    size_t n = 0;
    for (size_t i = 0; i < d->n_entities; i++)
        if (d->entities[i].type == KG_ENT_AGREEMENT)
            rows[n++] = (agreement_row){
                i,
                d->entities[i].date != NULL && d->entities[i].date[0] != '\0' ? d->entities[i].date
                                                                              : NULL,
                d->entities[i].id};
    if (n == 0) {
        para(w, true, "No agreements were found.");
        free(rows);
        return;
    }
    qsort(rows, n, sizeof *rows, cmp_agreement_row);
    para(w, true,
         "Each party and signatory links to the sentences that name it; dated agreements "
         "first.");
    static const column cols[] = {{"Agreement", false},
                                  {"Parties", false},
                                  {"Signatories", false},
                                  {"Date", false},
                                  {"Source documents", false}};
    table_begin(w, cols, 5);
    size_t shown = n < w->opt->max_rows ? n : w->opt->max_rows;
    for (size_t k = 0; k < shown; k++) {
        size_t a = rows[k].index;
        const kg_entity *e = entity(w, a);
        row_begin(w);
        cell_begin(w);
        entity_name(w, a);
        cell_end(w);
        cell_begin(w);
        agreement_side(w, a, KG_REL_PARTY_TO);
        cell_end(w);
        cell_begin(w);
        agreement_side(w, a, KG_REL_SIGNED);
        cell_end(w);
        cell_text(w, rows[k].date);
        cell_begin(w);
        for (size_t m = 0; m < e->n_documents; m++) {
            raw(w, m > 0 ? ", " : "");
            text(w, e->documents[m]);
        }
        if (e->n_documents == 0)
            raw(w, "—");
        cell_end(w);
        row_end(w);
    }
    table_end(w);
    shown_of(w, shown, n, "agreements");
    free(rows);
}

/* ---- the organization network -------------------------------------------------- */

static void section_org_network(writer *w) {
    heading(w, 2, "organizations", "Organizations linked by agreements and meetings");
    kg_org_network net = {0};
    if (kg_views_org_network(w->graph->data, &net, NULL) != KG_OK) {
        w->nomem = true;
        return;
    }
    if (net.n_links == 0) {
        para(w, true, "No two organizations share an agreement, a meeting or an event.");
        return;
    }
    para(w, true,
         "Two organizations are linked when both are parties to an agreement, when they or "
         "their leaders met, or when both took part in an event; the weight counts all three.");
    static const column cols[] = {{"Organization", false}, {"Organization", false},
                                  {"Agreements", true},    {"Meetings", true},
                                  {"Events", true},        {"Weight", true}};
    table_begin(w, cols, 6);
    size_t shown = net.n_links < w->opt->max_rows ? net.n_links : w->opt->max_rows;
    for (size_t k = 0; k < shown; k++) {
        const kg_org_link *l = &net.links[k];
        row_begin(w);
        cell_begin(w);
        entity_name(w, l->a);
        cell_end(w);
        cell_begin(w);
        entity_name(w, l->b);
        cell_end(w);
        cell_count(w, l->agreements);
        cell_count(w, l->meetings);
        cell_count(w, l->events);
        cell_count(w, l->weight);
        row_end(w);
    }
    table_end(w);
    shown_of(w, shown, net.n_links, "links");
    kg_org_network_clear(&net);
}

/* ---- communities -------------------------------------------------------------- */

typedef struct community_row {
    size_t id, size;
} community_row;

static int cmp_community_row(const void *a, const void *b) {
    const community_row *x = a, *y = b;
    if (x->size != y->size)
        return x->size > y->size ? -1 : 1;
    return kg_cmp_size(x->id, y->id);
}

static void section_communities(writer *w) {
    const kg_graph *g = w->graph;
    size_t n = g->data->n_entities, nc = g->analytics.n_communities;
    heading(w, 2, "communities", "Communities");
    if (nc == 0 || g->community == NULL) {
        para(w, true, "Communities were not computed for this graph.");
        return;
    }
    para_begin(w, true);
    count(w, nc);
    raw(w, nc == 1 ? " community" : " communities");
    raw(w, " (");
    text(w, g->analytics.community_method != NULL ? g->analytics.community_method : "?");
    raw(w, ", seed ");
    rawf(w, "%lu", g->analytics.options.seed);
    raw(w, "), modularity ");
    real(w, g->analytics.modularity);
    raw(w, ". Largest first; members by PageRank.");
    para_end(w);

    community_row *rows = calloc(nc + 1, sizeof *rows);
    size_t *order = rank_by(w, KG_MEASURE_PAGERANK);
    if (rows == NULL || order == NULL) {
        free(rows);
        free(order);
        w->nomem = true;
        return;
    }
    for (size_t c = 0; c < nc; c++)
        rows[c].id = c;
    for (size_t i = 0; i < n; i++)
        if (g->community[i] < nc)
            rows[g->community[i]].size++;
    qsort(rows, nc, sizeof *rows, cmp_community_row);
    static const column cols[] = {{"Community", true}, {"Size", true}, {"Members", false}};
    table_begin(w, cols, 3);
    size_t shown = nc < w->opt->max_rows ? nc : w->opt->max_rows;
    for (size_t k = 0; k < shown; k++) {
        row_begin(w);
        cell_count(w, rows[k].id);
        cell_count(w, rows[k].size);
        cell_begin(w);
        size_t listed = 0;
        for (size_t r = 0; r < n && listed < MEMBERS_SHOWN; r++) {
            size_t i = order[r];
            if (g->community[i] != rows[k].id)
                continue;
            raw(w, listed > 0 ? ", " : "");
            if (w->html && w->opt->color == KG_REPORT_COLOR_COMMUNITY)
                rawf(w, "<span class=\"sw\" style=\"background:%s\"></span>",
                     community_colors[rows[k].id % N_COMMUNITY_COLORS]);
            entity_name(w, i);
            listed++;
        }
        if (rows[k].size > listed) {
            raw(w, " and ");
            count(w, rows[k].size - listed);
            raw(w, " more");
        }
        cell_end(w);
        row_end(w);
    }
    table_end(w);
    shown_of(w, shown, nc, "communities");
    free(rows);
    free(order);
}

/* ---- entity resolution audit -------------------------------------------------------- */

static void section_resolution(writer *w) {
    const kg_resolved *d = w->graph->data;
    heading(w, 2, "resolution", "Entity resolution audit");
    if (d->n_merges == 0) {
        para(w, true, "No two forms were merged: every entity was named one way.");
        return;
    }
    para(w, true,
         "Every pair of forms taken for the same entity, by which rule and how strongly "
         "(docs/resolution.md describes the rules).");
    static const column cols[] = {{"Entity", false}, {"Form", false}, {"Form", false},
                                  {"Rule", false},   {"Score", true}, {"Detail", false}};
    table_begin(w, cols, 6);
    size_t shown = d->n_merges < w->opt->max_rows ? d->n_merges : w->opt->max_rows;
    for (size_t k = 0; k < shown; k++) {
        const kg_merge *m = &d->merges[k];
        row_begin(w);
        cell_begin(w);
        if (m->entity < d->n_entities)
            entity_name(w, m->entity);
        cell_end(w);
        cell_text(w, m->form_a);
        cell_text(w, m->form_b);
        cell_text(w, m->rule);
        cell_real(w, m->score);
        cell_text(w, m->detail);
        row_end(w);
    }
    table_end(w);
    shown_of(w, shown, d->n_merges, "merges");
}

/* ---- evidence ------------------------------------------------------------------ */

static void section_evidence(writer *w) {
    const kg_resolved *d = w->graph->data;
    heading(w, 2, "evidence", "Evidence");
    para(w, true,
         "The sentences behind every fact linked above: document, sentence number (from 0), "
         "the sentence, the rule that read it and its confidence.");
    size_t listed = 0;
    for (size_t j = 0; j < d->n_relations; j++) {
        if (!w->cited[j])
            continue;
        const kg_relation *r = &d->relations[j];
        char anchor[24];
        relation_anchor(w, j, anchor);
        listed++;
        if (w->html) {
            rawf(w, "<div class=\"ev\" id=\"%s\"><p class=\"fact\"><b>", anchor);
            entity_name(w, r->subject);
            raw(w, "</b> <span class=\"rel\">");
            text(w, kg_relation_type_name(r->type));
            if (r->role != NULL) {
                raw(w, " (");
                text(w, r->role);
                raw(w, ")");
            }
            raw(w, "</span> <b>");
            entity_name(w, r->object);
            raw(w, "</b> <span class=\"note\">confidence ");
            real(w, r->confidence);
            raw(w, "</span></p>\n<ol>\n");
        } else {
            rawf(w, "<a id=\"%s\"></a>**", anchor);
            entity_name(w, r->subject);
            raw(w, "** ");
            text(w, kg_relation_type_name(r->type));
            if (r->role != NULL) {
                raw(w, " (");
                text(w, r->role);
                raw(w, ")");
            }
            raw(w, " **");
            entity_name(w, r->object);
            raw(w, "**, confidence ");
            real(w, r->confidence);
            raw(w, "\n\n");
        }
        size_t shown = r->n_evidence < EVIDENCE_SHOWN ? r->n_evidence : EVIDENCE_SHOWN;
        for (size_t v = 0; v < shown; v++) {
            const kg_evidence *ev = &r->evidence[v];
            raw(w, w->html ? "<li><q>" : "- “");
            text(w, ev->text);
            raw(w, w->html ? "</q> <span class=\"note\">" : "” — ");
            text(w, ev->doc);
            raw(w, ", sentence ");
            count(w, ev->sentence);
            raw(w, ", rule ");
            text(w, ev->rule);
            raw(w, ", confidence ");
            real(w, ev->confidence);
            raw(w, w->html ? "</span></li>\n" : "\n");
        }
        if (r->n_evidence > shown) {
            raw(w, w->html ? "<li class=\"note\">and " : "- and ");
            count(w, r->n_evidence - shown);
            raw(w, w->html ? " more</li>\n" : " more\n");
        }
        raw(w, w->html ? "</ol></div>\n" : "\n");
    }
    if (listed == 0)
        para(w, true, "No fact is linked from the tables above.");
}

/* ---- methods ------------------------------------------------------------------ */

static void section_methods(writer *w) {
    const kg_graph *g = w->graph;
    heading(w, 2, "methods", "Methods");
    static const column cols[] = {{"Measure", false}, {"How it is computed", false}};
    table_begin(w, cols, 2);
    for (size_t k = 0; k < N_MEASURE_TITLES; k++) {
        const kg_export_measure *m = export_measure(measure_titles[k].measure);
        if (m == NULL)
            continue;
        char buf[256];
        row_begin(w);
        cell_text(w, measure_titles[k].title);
        cell_text(w, kg_export_measure_method(g, m, buf, sizeof buf));
        row_end(w);
    }
    row_begin(w);
    cell_text(w, "Communities");
    cell_begin(w);
    if (g->analytics.n_communities > 0) {
        text(w, g->analytics.community_method != NULL ? g->analytics.community_method : "?");
        textf(w, " on the undirected, weight-summed projection; %d iterations, resolution ",
              g->analytics.options.leiden_iterations);
        real(w, g->analytics.options.leiden_resolution);
        textf(w, ", seed %lu", g->analytics.options.seed);
    } else {
        raw(w, "not computed");
    }
    cell_end(w);
    row_end(w);
    table_end(w);
    para(w, true,
         "Numbers are rounded to three significant digits. Generated by kgraph " KG_VERSION
         "; the same graph always gives the same report.");
}

/* ---- the drawing ----------------------------------------------------------------- */

typedef struct component_box {
    igraph_integer_t id, size;
} component_box;

/* Largest first; ties by component id, i.e. by smallest vertex. */
static int cmp_component_box(const void *a, const void *b) {
    const component_box *x = a, *y = b;
    if (x->size != y->size)
        return x->size > y->size ? -1 : 1;
    return x->id < y->id ? -1 : x->id > y->id;
}

/* Lays out one connected component (vertices vids of sub) into rows of
 * res, with its bounding box starting at (0, 0); *w and *h receive its
 * size.  Kamada–Kawai (evenly spaced, which leaves room for labels; it
 * starts from a circle, so it is deterministic) up to KK_MAX_VERTICES,
 * whose cost grows with the square of the size; Fruchterman–Reingold with
 * the RNG seeded from the analytics seed above. */
static igraph_error_t layout_component(const igraph_t *sub, const igraph_vector_int_t *vids,
                                       unsigned long seed, igraph_matrix_t *res, double *w,
                                       double *h) {
    igraph_integer_t k = igraph_vector_int_size(vids);
    igraph_t cg;
    igraph_vector_int_t invmap;
    igraph_matrix_t local;

    IGRAPH_VECTOR_INT_INIT_FINALLY(&invmap, 0);
    IGRAPH_MATRIX_INIT_FINALLY(&local, k, 2);
    if (k > 1) {
        IGRAPH_CHECK(igraph_induced_subgraph_map(sub, &cg, igraph_vss_vector(vids),
                                                 IGRAPH_SUBGRAPH_AUTO, NULL, &invmap));
        IGRAPH_FINALLY(igraph_destroy, &cg);
        if (k <= KK_MAX_VERTICES) {
            /* starts from a circle: no randomness */
            IGRAPH_CHECK(igraph_layout_kamada_kawai(&cg, &local, /*use_seed=*/false, 50 * k,
                                                    /*epsilon=*/0.0, /*kkconst=*/(double)k, NULL,
                                                    NULL, NULL, NULL, NULL));
        } else {
            IGRAPH_CHECK(igraph_rng_seed(igraph_rng_default(), (igraph_uint_t)seed));
            IGRAPH_CHECK(igraph_layout_fruchterman_reingold(&cg, &local, /*use_seed=*/false, 500,
                                                            sqrt((double)k), IGRAPH_LAYOUT_NOGRID,
                                                            NULL, NULL, NULL, NULL, NULL));
        }
        igraph_destroy(&cg);
        IGRAPH_FINALLY_CLEAN(1);
    } else {
        IGRAPH_CHECK(igraph_vector_int_push_back(&invmap, VECTOR(*vids)[0]));
    }
    double x0 = INFINITY, y0 = INFINITY, x1 = -INFINITY, y1 = -INFINITY;
    for (igraph_integer_t v = 0; v < k; v++) {
        x0 = fmin(x0, MATRIX(local, v, 0));
        x1 = fmax(x1, MATRIX(local, v, 0));
        y0 = fmin(y0, MATRIX(local, v, 1));
        y1 = fmax(y1, MATRIX(local, v, 1));
    }
    for (igraph_integer_t v = 0; v < k; v++) {
        igraph_integer_t at = VECTOR(invmap)[v];
        MATRIX(*res, at, 0) = MATRIX(local, v, 0) - x0;
        MATRIX(*res, at, 1) = MATRIX(local, v, 1) - y0;
    }
    *w = x1 - x0;
    *h = y1 - y0;
    igraph_matrix_destroy(&local);
    igraph_vector_int_destroy(&invmap);
    IGRAPH_FINALLY_CLEAN(2);
    return IGRAPH_SUCCESS;
}

/* Positions of the n drawn entities (slot[entity] = its row in res, or
 * SIZE_MAX when not drawn) from the undirected graph of the relations among
 * them.  Each connected component is laid out alone and the components are
 * packed in rows, largest first, so that isolated entities do not squeeze
 * the main component into the middle of the picture. */
static igraph_error_t layout_drawn(const kg_graph *g, const size_t *slot, size_t n,
                                   igraph_matrix_t *res) {
    const kg_resolved *d = g->data;
    igraph_vector_int_t edges, membership, csize, vids;
    igraph_integer_t n_comp = 0;
    igraph_t sub;
    component_box *boxes = NULL;
    double *box_w = NULL, *box_h = NULL;

    IGRAPH_VECTOR_INT_INIT_FINALLY(&edges, 0);
    for (size_t j = 0; j < d->n_relations; j++) {
        size_t s = slot[d->relations[j].subject], o = slot[d->relations[j].object];
        if (s == SIZE_MAX || o == SIZE_MAX || s == o)
            continue;
        IGRAPH_CHECK(igraph_vector_int_push_back(&edges, (igraph_integer_t)s));
        IGRAPH_CHECK(igraph_vector_int_push_back(&edges, (igraph_integer_t)o));
    }
    IGRAPH_CHECK(igraph_create(&sub, &edges, (igraph_integer_t)n, IGRAPH_UNDIRECTED));
    IGRAPH_FINALLY(igraph_destroy, &sub);
    IGRAPH_CHECK(igraph_matrix_resize(res, (igraph_integer_t)n, 2));
    IGRAPH_VECTOR_INT_INIT_FINALLY(&membership, 0);
    IGRAPH_VECTOR_INT_INIT_FINALLY(&csize, 0);
    IGRAPH_VECTOR_INT_INIT_FINALLY(&vids, 0);
    IGRAPH_CHECK(igraph_connected_components(&sub, &membership, &csize, &n_comp, IGRAPH_WEAK));

    boxes = calloc((size_t)n_comp + 1, sizeof *boxes);
    IGRAPH_CHECK_OOM(boxes, "report layout");
    IGRAPH_FINALLY(free, boxes);
    box_w = calloc((size_t)n_comp + 1, sizeof *box_w);
    IGRAPH_CHECK_OOM(box_w, "report layout");
    IGRAPH_FINALLY(free, box_w);
    box_h = calloc((size_t)n_comp + 1, sizeof *box_h);
    IGRAPH_CHECK_OOM(box_h, "report layout");
    IGRAPH_FINALLY(free, box_h);
    for (igraph_integer_t c = 0; c < n_comp; c++)
        boxes[c] = (component_box){c, VECTOR(csize)[c]};
    qsort(boxes, (size_t)n_comp, sizeof *boxes, cmp_component_box);

    double area = 0.0;
    for (igraph_integer_t b = 0; b < n_comp; b++) {
        igraph_vector_int_clear(&vids);
        for (igraph_integer_t v = 0; v < (igraph_integer_t)n; v++)
            if (VECTOR(membership)[v] == boxes[b].id)
                IGRAPH_CHECK(igraph_vector_int_push_back(&vids, v));
        IGRAPH_CHECK(
            layout_component(&sub, &vids, g->analytics.options.seed, res, &box_w[b], &box_h[b]));
        area += (box_w[b] + 1.0) * (box_h[b] + 1.0);
    }

    /* shelf packing, rows about 1.5 times as wide as the picture is high */
    double row_width = fmax(n_comp > 0 ? box_w[0] : 0.0, sqrt(area * 1.5));
    double x = 0.0, y = 0.0, row_h = 0.0;
    for (igraph_integer_t b = 0; b < n_comp; b++) {
        if (x > 0.0 && x + box_w[b] > row_width) {
            x = 0.0;
            y += row_h + 1.0;
            row_h = 0.0;
        }
        for (igraph_integer_t v = 0; v < (igraph_integer_t)n; v++)
            if (VECTOR(membership)[v] == boxes[b].id) {
                MATRIX(*res, v, 0) += x;
                MATRIX(*res, v, 1) += y;
            }
        x += box_w[b] + 1.0;
        row_h = fmax(row_h, box_h[b]);
    }

    free(box_h);
    free(box_w);
    free(boxes);
    igraph_vector_int_destroy(&vids);
    igraph_vector_int_destroy(&csize);
    igraph_vector_int_destroy(&membership);
    igraph_destroy(&sub);
    igraph_vector_int_destroy(&edges);
    IGRAPH_FINALLY_CLEAN(8);
    return IGRAPH_SUCCESS;
}

/* A label chosen for the drawing: node k (in PageRank order), where its
 * text is anchored, and half its estimated width. */
typedef struct placed_label {
    size_t k;
    double x, y, half_width;
} placed_label;

/* The label of entity i as drawn: *len bytes of the returned string, at
 * most LABEL_MAX_CHARS code points (*chars), and whether "…" follows. */
static const char *drawn_label_cut(const writer *w, size_t i, size_t *len, size_t *chars,
                                   bool *cut) {
    const char *label = entity(w, i)->label != NULL ? entity(w, i)->label : entity(w, i)->id;
    size_t all = strlen(label), pos = 0, n = 0;
    while (pos < all && n < LABEL_MAX_CHARS) {
        kg_utf8_next(label, all, &pos);
        n++;
    }
    *len = pos;
    *chars = n;
    *cut = pos < all;
    return label;
}

/* Code points of the label as drawn, the ellipsis included. */
static size_t drawn_label_chars(const writer *w, size_t i) {
    size_t len, chars;
    bool cut;
    drawn_label_cut(w, i, &len, &chars, &cut);
    return chars + cut;
}

static void drawn_label(writer *w, size_t i) {
    size_t len, chars;
    bool cut;
    const char *label = drawn_label_cut(w, i, &len, &chars, &cut);
    text_n(w, label, len);
    if (cut)
        raw(w, "…");
}

static const char *node_color(const writer *w, size_t i) {
    if (w->opt->color == KG_REPORT_COLOR_COMMUNITY && w->graph->community != NULL)
        return community_colors[w->graph->community[i] % N_COMMUNITY_COLORS];
    return type_colors[entity(w, i)->type % KG_ENT_TYPE_COUNT];
}

static kg_status section_network(writer *w, kg_error *err) {
    const kg_graph *g = w->graph;
    const kg_resolved *d = g->data;
    size_t n_all = d->n_entities;
    kg_status st = KG_OK;
    size_t *order = NULL, *slot = NULL;
    placed_label *labels = NULL;
    igraph_matrix_t pos;
    bool pos_init = false;

    heading(w, 2, "network", "The network");
    if (n_all == 0) {
        para(w, true, "The graph is empty.");
        return KG_OK;
    }
    if (!w->html) {
        para(w, true,
             "The drawing of the network is in report.html (this Markdown file has the "
             "same tables).");
        return KG_OK;
    }
    order = rank_by(w, KG_MEASURE_PAGERANK);
    slot = malloc(n_all * sizeof *slot);
    if (order == NULL || slot == NULL) {
        st = kg_error_set(err, KG_ERR_NOMEM, NULL, 0, 0, "out of memory while drawing");
        goto cleanup;
    }
    size_t n = n_all < w->opt->max_drawn ? n_all : w->opt->max_drawn;
    for (size_t i = 0; i < n_all; i++)
        slot[i] = SIZE_MAX;
    for (size_t k = 0; k < n; k++)
        slot[order[k]] = k;

    kg_igraph_setup();
    kg_igraph_clear_error();
    if (igraph_matrix_init(&pos, 0, 2) != IGRAPH_SUCCESS) {
        st = kg_error_set(err, KG_ERR_NOMEM, NULL, 0, 0, "out of memory while drawing");
        goto cleanup;
    }
    pos_init = true;
    if (n > 0 && layout_drawn(g, slot, n, &pos) != IGRAPH_SUCCESS) {
        st = kg_error_set(err, KG_ERR_GRAPH, NULL, 0, 0, "igraph layout: %s",
                          kg_igraph_last_error());
        goto cleanup;
    }

    /* scale to the drawing, keeping the aspect ratio */
    double x0 = INFINITY, x1 = -INFINITY, y0 = INFINITY, y1 = -INFINITY;
    for (size_t k = 0; k < n; k++) {
        double x = MATRIX(pos, (igraph_integer_t)k, 0), y = MATRIX(pos, (igraph_integer_t)k, 1);
        x0 = fmin(x0, x);
        x1 = fmax(x1, x);
        y0 = fmin(y0, y);
        y1 = fmax(y1, y);
    }
    /* as wide as the page; as high as the picture needs, within limits */
    double cw = x1 - x0 > 1e-9 ? x1 - x0 : 1.0, ch = y1 - y0 > 1e-9 ? y1 - y0 : 1.0;
    double scale = fmin((SVG_W - 2 * SVG_MARGIN) / cw, (SVG_MAX_H - 2 * SVG_MARGIN) / ch);
    double svg_h = fmax(SVG_MIN_H, ch * scale + 2 * SVG_MARGIN);
    double ox = (SVG_W - (x1 - x0) * scale) / 2.0, oy = (svg_h - (y1 - y0) * scale) / 2.0;
    for (size_t k = 0; k < n; k++) {
        MATRIX(pos, (igraph_integer_t)k, 0) =
            ox + (MATRIX(pos, (igraph_integer_t)k, 0) - x0) * scale;
        MATRIX(pos, (igraph_integer_t)k, 1) =
            oy + (MATRIX(pos, (igraph_integer_t)k, 1) - y0) * scale;
    }
    double max_pr = 0.0;
    for (size_t k = 0; k < n; k++)
        max_pr = fmax(max_pr, pagerank(w, order[k]));

    size_t n_edges = 0;
    bool rel_drawn[KG_REL_TYPE_COUNT] = {false};
    for (size_t j = 0; j < d->n_relations; j++)
        if (slot[d->relations[j].subject] != SIZE_MAX && slot[d->relations[j].object] != SIZE_MAX)
            n_edges++;

    /* Labels, most central first, each under its node where it does not
     * overlap one placed before (widths estimated from the code points). */
    size_t want = n < w->opt->max_labels ? n : w->opt->max_labels, n_labels = 0;
    labels = malloc((want + 1) * sizeof *labels);
    if (labels == NULL) {
        st = kg_error_set(err, KG_ERR_NOMEM, NULL, 0, 0, "out of memory while drawing");
        goto cleanup;
    }
    for (size_t k = 0; k < want; k++) {
        size_t i = order[k];
        double radius = 3.0 + 15.0 * (max_pr > 0 ? sqrt(pagerank(w, i) / max_pr) : 0.0);
        placed_label l = {k, MATRIX(pos, (igraph_integer_t)k, 0),
                          MATRIX(pos, (igraph_integer_t)k, 1) + radius + 11.0,
                          LABEL_CHAR_WIDTH * (double)drawn_label_chars(w, i) / 2.0};
        bool free_spot = true;
        for (size_t q = 0; q < n_labels && free_spot; q++)
            free_spot = fabs(labels[q].x - l.x) >= labels[q].half_width + l.half_width ||
                        fabs(labels[q].y - l.y) >= LABEL_HEIGHT;
        if (free_spot)
            labels[n_labels++] = l;
    }

    para_begin(w, true);
    if (n == n_all) {
        raw(w, "All ");
        count(w, n);
        raw(w, " entities and ");
        count(w, n_edges);
        raw(w, " relations.");
    } else {
        raw(w, "The ");
        count(w, n);
        raw(w, " entities of ");
        count(w, n_all);
        raw(w, " with the highest PageRank, and the ");
        count(w, n_edges);
        raw(w, " relations among them.");
    }
    raw(w, " Node area follows PageRank; ");
    count(w, n_labels);
    raw(w, " of the most central are labelled (where a label fits); hover a node for its "
           "name. Layout: igraph "
           "Kamada–Kawai per connected component (Fruchterman–Reingold, seed ");
    rawf(w, "%lu, for components of over ", g->analytics.options.seed);
    count(w, KK_MAX_VERTICES);
    raw(w, " nodes).");
    para_end(w);

    rawf(w,
         "<figure><svg class=\"net\" xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 %d %d\" "
         "role=\"img\" aria-label=\"network of the most central entities\">\n",
         (int)SVG_W, (int)lround(svg_h));
    /* edges, grouped by relation type so each colour is written once */
    for (int t = 0; t < KG_REL_TYPE_COUNT; t++) {
        bool open = false;
        for (size_t j = 0; j < d->n_relations; j++) {
            const kg_relation *r = &d->relations[j];
            size_t s = slot[r->subject], o = slot[r->object];
            if ((int)r->type != t || s == SIZE_MAX || o == SIZE_MAX || s == o)
                continue;
            if (!open) {
                rawf(w, "<g class=\"edges %s\" stroke=\"%s\">\n",
                     kg_relation_type_name((kg_relation_type)t), relation_colors[t]);
                open = true;
                rel_drawn[t] = true;
            }
            char ax[24], ay[24], bx[24], by[24];
            format_coord(MATRIX(pos, (igraph_integer_t)s, 0), ax, sizeof ax);
            format_coord(MATRIX(pos, (igraph_integer_t)s, 1), ay, sizeof ay);
            format_coord(MATRIX(pos, (igraph_integer_t)o, 0), bx, sizeof bx);
            format_coord(MATRIX(pos, (igraph_integer_t)o, 1), by, sizeof by);
            rawf(w, "<line x1=\"%s\" y1=\"%s\" x2=\"%s\" y2=\"%s\"/>\n", ax, ay, bx, by);
        }
        if (open)
            raw(w, "</g>\n");
    }
    /* nodes: the least central first, so the large ones stay on top */
    raw(w, "<g class=\"nodes\">\n");
    for (size_t k = n; k-- > 0;) {
        size_t i = order[k];
        double pr = pagerank(w, i);
        double radius = 3.0 + 15.0 * (max_pr > 0 ? sqrt(pr / max_pr) : 0.0);
        char cx[24], cy[24], rs[24];
        format_coord(MATRIX(pos, (igraph_integer_t)k, 0), cx, sizeof cx);
        format_coord(MATRIX(pos, (igraph_integer_t)k, 1), cy, sizeof cy);
        format_coord(radius, rs, sizeof rs);
        rawf(w, "<circle cx=\"%s\" cy=\"%s\" r=\"%s\" fill=\"%s\"><title>", cx, cy, rs,
             node_color(w, i));
        entity_name(w, i);
        raw(w, " (");
        text(w, kg_entity_type_name(entity(w, i)->type));
        raw(w, "), PageRank ");
        real(w, pr);
        raw(w, "</title></circle>\n");
    }
    raw(w, "</g>\n<g class=\"labels\">\n");
    for (size_t p = n_labels; p-- > 0;) {
        char tx[24], ty[24];
        format_coord(labels[p].x, tx, sizeof tx);
        format_coord(labels[p].y, ty, sizeof ty);
        rawf(w, "<text x=\"%s\" y=\"%s\">", tx, ty);
        drawn_label(w, order[labels[p].k]);
        raw(w, "</text>\n");
    }
    raw(w, "</g>\n</svg>\n");

    /* legend (swatches, not circles: the drawing has one circle per node) */
    raw(w, "<figcaption class=\"legend\">");
    if (w->opt->color == KG_REPORT_COLOR_COMMUNITY && g->community != NULL) {
        size_t nc = g->analytics.n_communities;
        for (size_t c = 0; c < nc && c < N_COMMUNITY_COLORS; c++)
            rawf(w, "<span><span class=\"sw\" style=\"background:%s\"></span>community %zu</span>",
                 community_colors[c], c);
        if (nc > N_COMMUNITY_COLORS)
            raw(w, "<span>colours repeat after 12 communities</span>");
    } else {
        for (int t = 0; t < KG_ENT_TYPE_COUNT; t++) {
            rawf(w, "<span><span class=\"sw\" style=\"background:%s\"></span>", type_colors[t]);
            text(w, kg_entity_type_name((kg_entity_type)t));
            raw(w, "</span>");
        }
    }
    raw(w, "<span class=\"sep\"></span>");
    for (int t = 0; t < KG_REL_TYPE_COUNT; t++) {
        if (!rel_drawn[t])
            continue;
        rawf(w, "<span><span class=\"line\" style=\"background:%s\"></span>", relation_colors[t]);
        text(w, kg_relation_type_name((kg_relation_type)t));
        raw(w, "</span>");
    }
    raw(w, "</figcaption></figure>\n");

cleanup:
    if (pos_init)
        igraph_matrix_destroy(&pos);
    free(order);
    free(slot);
    free(labels);
    return st;
}

/* ---- the page ------------------------------------------------------------------- */

static const char html_style[] =
    ":root{--fg:#1d232a;--muted:#5b6570;--line:#d9dee3;--head:#eef2f6;--zebra:#f7f9fb;"
    "--accent:#1f5fa8}\n"
    "*{box-sizing:border-box}\n"
    "body{margin:0;color:var(--fg);background:#fff;font:15px/1.5 system-ui,-apple-system,"
    "\"Segoe UI\",Roboto,\"Noto Sans\",\"Liberation Sans\",Arial,sans-serif}\n"
    "header{background:#f3f6f9;border-bottom:1px solid var(--line)}\n"
    "header>div,main{max-width:1180px;margin:0 auto;padding:20px 28px}\n"
    "h1{font-size:26px;margin:0 0 2px}\n"
    "h2{font-size:20px;margin:40px 0 8px;padding-top:12px;border-top:1px solid var(--line)}\n"
    "h3{font-size:15px;margin:18px 0 4px}\n"
    "nav{display:flex;flex-wrap:wrap;gap:4px 14px;font-size:14px;margin-top:10px}\n"
    "a{color:var(--accent);text-decoration:none}a:hover{text-decoration:underline}\n"
    ".cards{display:flex;flex-wrap:wrap;gap:10px;margin:16px 0}\n"
    ".card{border:1px solid var(--line);border-radius:8px;padding:8px 16px;min-width:120px;"
    "color:var(--muted);font-size:13px}\n"
    ".card b{display:block;font-size:22px;color:var(--fg)}\n"
    "table{border-collapse:collapse;width:100%;margin:6px 0;font-size:13.5px}\n"
    "th,td{text-align:left;padding:4px 8px;border-bottom:1px solid var(--line);"
    "vertical-align:top}\n"
    "th{background:var(--head);font-weight:600}\n"
    "tbody tr:nth-child(even){background:var(--zebra)}\n"
    "td.num,th.num{text-align:right;font-variant-numeric:tabular-nums;white-space:nowrap}\n"
    ".grid{display:grid;grid-template-columns:repeat(auto-fill,minmax(330px,1fr));"
    "gap:0 28px}\n"
    ".note{color:var(--muted);font-size:13px}\n"
    "figure{margin:8px 0}\n"
    "svg.net{width:100%;height:auto;border:1px solid var(--line);border-radius:8px;"
    "background:#fcfdfe}\n"
    "svg.net .edges{stroke-width:1.2;stroke-opacity:.55}\n"
    "svg.net circle{stroke:#fff;stroke-width:1}\n"
    "svg.net text{font-size:11px;text-anchor:middle;fill:#1d232a;paint-order:stroke;"
    "stroke:#fff;stroke-width:3px;stroke-linejoin:round}\n"
    ".legend{display:flex;flex-wrap:wrap;gap:4px 16px;font-size:13px;color:var(--muted);"
    "margin-top:6px}\n"
    ".sw{display:inline-block;width:11px;height:11px;border-radius:3px;margin-right:5px;"
    "vertical-align:-1px}\n"
    ".line{display:inline-block;width:18px;height:3px;margin-right:5px;vertical-align:3px}\n"
    ".sep{width:12px}\n"
    ".ev{border-left:3px solid var(--line);padding:2px 12px;margin:10px 0}\n"
    ".ev:target{border-color:var(--accent);background:#fff8e1}\n"
    ".ev p{margin:2px 0}.ev ol{margin:2px 0 6px;padding-left:22px}\n"
    ".rel{color:var(--muted)}\n"
    "q{quotes:\"\\201C\" \"\\201D\"}\n"
    "@media print{nav{display:none}h2{break-after:avoid}}\n";

static const struct {
    const char *anchor, *title;
} toc[] = {
    {"network", "Network"},
    {"corpus", "Corpus"},
    {"centrality", "Centrality"},
    {"leaders", "Leaders"},
    {"bridges", "Bridges"},
    {"agreements", "Agreements"},
    {"organizations", "Organizations"},
    {"communities", "Communities"},
    {"resolution", "Resolution"},
    {"evidence", "Evidence"},
    {"methods", "Methods"},
};

static kg_status write_report(const kg_graph *graph, const kg_report_options *opt, FILE *out,
                              bool html, kg_error *err) {
    kg_status st = KG_OK;
    kg_counts counts = {0};
    writer w = {0};

    if (graph == NULL || out == NULL)
        return kg_error_set(err, KG_ERR_USAGE, NULL, 0, 0, "report: no graph or no output");
    w.out = out;
    w.html = html;
    w.graph = graph;
    w.opt = opt != NULL ? opt : &default_options;
    w.keybuf = (kg_buf)KG_BUF_INIT;
    w.cited = calloc(graph->data->n_relations + 1, sizeof *w.cited);
    if (w.cited == NULL) {
        st = kg_error_set(err, KG_ERR_NOMEM, NULL, 0, 0, "out of memory while writing the report");
        goto cleanup;
    }
    if ((st = kg_views_counts(graph->data, 0, &counts, err)) != KG_OK)
        goto cleanup;

    const char *title = w.opt->title != NULL ? w.opt->title : "Knowledge graph report";
    if (html) {
        raw(&w, "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
                "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
                "<meta name=\"generator\" content=\"kgraph " KG_VERSION "\">\n<title>");
        text(&w, title);
        raw(&w, "</title>\n<style>\n");
        raw(&w, html_style);
        raw(&w, "</style>\n</head>\n<body>\n<header><div>\n<h1>");
        text(&w, title);
        raw(&w, "</h1>\n<div class=\"note\">Written by kgraph " KG_VERSION
                " from the knowledge graph of the documents below.</div>\n<nav>");
        for (size_t k = 0; k < sizeof toc / sizeof *toc; k++)
            rawf(&w, "<a href=\"#%s\">%s</a>", toc[k].anchor, toc[k].title);
        raw(&w, "</nav>\n</div></header>\n<main>\n");
    } else {
        raw(&w, "# ");
        text(&w, title);
        raw(&w, "\n\nWritten by kgraph " KG_VERSION
                " from the knowledge graph of the documents below.\n\n");
        for (size_t k = 0; k < sizeof toc / sizeof *toc; k++)
            rawf(&w, "%s[%s](#%s)", k > 0 ? " · " : "", toc[k].title, toc[k].anchor);
        raw(&w, "\n\n");
    }
    section_summary(&w);
    if ((st = section_network(&w, err)) != KG_OK)
        goto cleanup;
    section_corpus(&w, &counts);
    section_centrality(&w);
    section_leaders(&w);
    section_bridges(&w);
    section_agreements(&w);
    section_org_network(&w);
    section_communities(&w);
    section_resolution(&w);
    section_evidence(&w);
    section_methods(&w);
    if (html)
        raw(&w, "</main>\n</body>\n</html>\n");
    if (w.nomem) {
        st = kg_error_set(err, KG_ERR_NOMEM, NULL, 0, 0, "out of memory while writing the report");
        goto cleanup;
    }
    st = kg_export_flush(out, err);

cleanup:
    kg_counts_clear(&counts);
    kg_buf_clear(&w.keybuf);
    free(w.cited);
    return st;
}

kg_status kg_report_markdown(const kg_graph *graph, const kg_report_options *opt, FILE *out,
                             kg_error *err) {
    return write_report(graph, opt, out, false, err);
}

kg_status kg_report_html(const kg_graph *graph, const kg_report_options *opt, FILE *out,
                         kg_error *err) {
    return write_report(graph, opt, out, true, err);
}

/* ASCII case-insensitive equality with a lower-case word (option values
 * must not depend on the locale). */
static bool ascii_iequal(const char *s, const char *word) {
    for (; *s != '\0' && *word != '\0'; s++, word++) {
        char c = *s >= 'A' && *s <= 'Z' ? (char)(*s - 'A' + 'a') : *s;
        if (c != *word)
            return false;
    }
    return *s == *word;
}

kg_status kg_report_color_parse(const char *name, kg_report_color *out, kg_error *err) {
    kg_report_color color;
    if (name != NULL && ascii_iequal(name, "type"))
        color = KG_REPORT_COLOR_TYPE;
    else if (name != NULL && ascii_iequal(name, "community"))
        color = KG_REPORT_COLOR_COMMUNITY;
    else
        return kg_error_set(err, KG_ERR_USAGE, NULL, 0, 0,
                            "unknown colouring '%s' (expected type or community)",
                            name != NULL ? name : "");
    if (out != NULL)
        *out = color;
    return KG_OK;
}

kg_status kg_report_write(const kg_graph *graph, const char *dir, const kg_report_options *opt,
                          kg_error *err) {
    static const char *const names[2] = {"report.md", "report.html"};
    kg_outfile *files[2] = {NULL, NULL};
    char *paths[2] = {NULL, NULL};
    kg_status st = KG_OK;

    if (graph == NULL || dir == NULL || dir[0] == '\0')
        return kg_error_set(err, KG_ERR_USAGE, NULL, 0, 0, "report: no graph or no directory");
    for (int k = 0; k < 2 && st == KG_OK; k++) {
        size_t n = strlen(dir) + strlen(names[k]) + 2;
        paths[k] = malloc(n);
        if (paths[k] == NULL) {
            st = kg_error_set(err, KG_ERR_NOMEM, NULL, 0, 0, "out of memory");
            break;
        }
        snprintf(paths[k], n, "%s/%s", dir, names[k]);
        if ((st = kg_outfile_open(&files[k], paths[k], err)) != KG_OK)
            break;
        st = write_report(graph, opt, kg_outfile_stream(files[k]), k == 1, err);
        if (st == KG_ERR_IO && err != NULL && err->where[0] == '\0')
            snprintf(err->where, sizeof err->where, "%s", paths[k]);
    }
    /* both complete: rename into place (commit frees the file either way) */
    for (int k = 0; k < 2 && st == KG_OK; k++) {
        st = kg_outfile_commit(files[k], err);
        files[k] = NULL;
    }
    for (int k = 0; k < 2; k++) {
        kg_outfile_abort(files[k]);
        free(paths[k]);
    }
    return st;
}
