/* csv.c — the graph as two CSV files for bulk loaders: nodes.csv and
 * relationships.csv.
 *
 * The header row follows neo4j-admin's import format (id:ID, :LABEL,
 * :START_ID, :END_ID, :TYPE, name:type for typed properties), so
 * `neo4j-admin database import full --nodes=nodes.csv
 * --relationships=relationships.csv` loads them as they are; the columns are
 * in a fixed order so that Kuzu's COPY FROM (which maps columns by position)
 * loads them into the tables given in docs/loading.md.
 *
 * RFC 4180 quoting: every string is quoted, '"' doubled; a missing value is
 * an empty unquoted field (no property in Neo4j, NULL in Kuzu).  List values
 * (aliases, documents) are joined with ';', neo4j-admin's array delimiter.
 * Numbers use '.' whatever the locale.  Streamed: memory is one evidence
 * list at a time.  The contract is docs/formats.md.
 */
#include "kg_export_internal.h"

#include <errno.h>
#include <jansson.h>
#include <stdlib.h>
#include <string.h>

typedef struct csv_out {
    FILE *out;
    bool first; /* no field written yet on this row */
    bool nomem;
} csv_out;

static void separator(csv_out *w) {
    if (!w->first)
        fputc(',', w->out);
    w->first = false;
}

static void end_row(csv_out *w) {
    fputc('\n', w->out);
    w->first = true;
}

/* The body of a quoted field: s with '"' doubled (invalid UTF-8 repaired). */
static void put_quoted_body(csv_out *w, const char *s) {
    size_t len = strlen(s);
    char *clean = NULL;
    if (!kg_export_utf8_valid(s, len)) {
        clean = kg_export_clean_text(s, len, false);
        if (clean == NULL) {
            w->nomem = true;
            return;
        }
        s = clean;
    }
    for (const char *quote; (quote = strchr(s, '"')) != NULL; s = quote + 1) {
        fwrite(s, 1, (size_t)(quote - s) + 1, w->out);
        fputc('"', w->out);
    }
    fputs(s, w->out);
    free(clean);
}

/* A string field; NULL is an empty, unquoted field (a missing value). */
static void field_str(csv_out *w, const char *s) {
    separator(w);
    if (s == NULL)
        return;
    fputc('"', w->out);
    put_quoted_body(w, s);
    fputc('"', w->out);
}

/* A list field: the items joined with ';'; no items is a missing value. */
static void field_list(csv_out *w, const char *const *items, size_t n) {
    separator(w);
    if (n == 0)
        return;
    fputc('"', w->out);
    for (size_t k = 0; k < n; k++) {
        if (k > 0)
            fputc(';', w->out);
        put_quoted_body(w, items[k] != NULL ? items[k] : "");
    }
    fputc('"', w->out);
}

static void field_long(csv_out *w, size_t n) {
    separator(w);
    fprintf(w->out, "%zu", n);
}

static void field_double(csv_out *w, double x) {
    char buf[64];
    separator(w);
    kg_export_format_g(x, 12, buf, sizeof buf);
    fputs(buf, w->out);
}

static void header(csv_out *w, const char *const *names, size_t n) {
    for (size_t k = 0; k < n; k++) {
        separator(w);
        fputs(names[k], w->out);
    }
    end_row(w);
}

static kg_status check(const kg_graph *graph, FILE *out, kg_error *err) {
    if (graph == NULL || graph->data == NULL || out == NULL)
        return kg_error_set(err, KG_ERR_USAGE, NULL, 0, 0, "no graph or no output stream");
    kg_status status = kg_export_check_base_iri(graph->base_iri, err);
    if (status != KG_OK)
        return status;
    const kg_resolved *data = graph->data;
    for (size_t j = 0; j < data->n_relations; j++)
        if (data->relations[j].subject >= data->n_entities ||
            data->relations[j].object >= data->n_entities)
            return kg_error_set(err, KG_ERR_INTERNAL, NULL, 0, 0,
                                "relation %zu refers to an entity that does not exist", j);
    return KG_OK;
}

static kg_status finish(csv_out *w, kg_error *err) {
    if (w->nomem)
        return kg_error_set(err, KG_ERR_NOMEM, NULL, 0, 0, "out of memory writing CSV");
    return kg_export_flush(w->out, err);
}

kg_status kg_export_csv_nodes(const kg_graph *graph, FILE *out, kg_error *err) {
    kg_status status = check(graph, out, err);
    if (status != KG_OK)
        return status;
    csv_out w = {out, true, false};
    /* The order is the contract (Kuzu maps columns by position). */
    static const char *const leading[] = {"id:ID",
                                          ":LABEL",
                                          "iri",
                                          "type",
                                          "name",
                                          "lang",
                                          "label_en",
                                          "label_ru",
                                          "date",
                                          "aliases:string[]",
                                          "documents:string[]",
                                          "mentions:long"};
    enum { N_LEADING = sizeof leading / sizeof leading[0] };
    const char *names[N_LEADING + KG_EXPORT_N_MEASURES + 1];
    char typed[KG_EXPORT_N_MEASURES][40];
    memcpy(names, leading, sizeof leading);
    for (size_t m = 0; m < KG_EXPORT_N_MEASURES; m++) {
        snprintf(typed[m], sizeof typed[m], "%s:double", kg_export_measures[m].name);
        names[N_LEADING + m] = typed[m];
    }
    names[N_LEADING + KG_EXPORT_N_MEASURES] = "community:long";
    header(&w, names, sizeof names / sizeof names[0]);

    kg_buf labels = KG_BUF_INIT;
    const kg_resolved *data = graph->data;
    for (size_t i = 0; i < data->n_entities && !w.nomem && !ferror(out); i++) {
        const kg_entity *e = &data->entities[i];
        const char *type = kg_entity_type_name(e->type);
        char *iri = kg_export_entity_iri(graph, i);
        kg_buf_reset(&labels);
        kg_buf_puts(&labels, "Entity");
        if (type != NULL) {
            kg_buf_puts(&labels, ";");
            kg_buf_puts(&labels, type);
        }
        if (iri == NULL || labels.failed) {
            free(iri);
            w.nomem = true;
            break;
        }
        field_str(&w, e->id);
        field_str(&w, labels.data);
        field_str(&w, iri);
        field_str(&w, type != NULL ? type : "Entity");
        field_str(&w, e->label);
        field_str(&w, e->lang);
        field_str(&w, e->label_en);
        field_str(&w, e->label_ru);
        field_str(&w, e->date);
        field_list(&w, e->aliases, e->n_aliases);
        field_list(&w, e->documents, e->n_documents);
        field_long(&w, e->mentions);
        for (size_t m = 0; m < KG_EXPORT_N_MEASURES; m++)
            field_double(&w, kg_export_measure_value(graph, i, &kg_export_measures[m]));
        field_long(&w, kg_export_community(graph, i));
        end_row(&w);
        free(iri);
    }
    kg_buf_clear(&labels);
    return finish(&w, err);
}

/* The evidence of r as compact JSON with sorted keys (the objects of
 * graph.json's "evidence"), as a new string the caller frees; NULL when out
 * of memory. */
static char *evidence_json(const kg_relation *r) {
    json_t *array = json_array();
    int bad = array == NULL;
    for (size_t k = 0; k < r->n_evidence && !bad; k++) {
        const kg_evidence *ev = &r->evidence[k];
        json_t *o = json_object();
        if (o == NULL) {
            bad = 1;
            break;
        }
        char *text = kg_export_clean_text(ev->text != NULL ? ev->text : "",
                                          ev->text != NULL ? strlen(ev->text) : 0, false);
        bad |= text == NULL;
        bad |= json_object_set_new(o, "doc", json_string(ev->doc != NULL ? ev->doc : "")) != 0;
        bad |= json_object_set_new(o, "sentence", json_integer((json_int_t)ev->sentence)) != 0;
        bad |= json_object_set_new(o, "start", json_integer((json_int_t)ev->start)) != 0;
        bad |= json_object_set_new(o, "end", json_integer((json_int_t)ev->end)) != 0;
        bad |= json_object_set_new(o, "text", json_string(text != NULL ? text : "")) != 0;
        bad |= json_object_set_new(o, "rule", json_string(ev->rule != NULL ? ev->rule : "")) != 0;
        bad |=
            json_object_set_new(o, "confidence", json_real(kg_export_finite(ev->confidence))) != 0;
        free(text);
        bad |= json_array_append_new(array, o) != 0;
    }
    char *dumped =
        bad ? NULL : json_dumps(array, JSON_COMPACT | JSON_SORT_KEYS | JSON_REAL_PRECISION(12));
    json_decref(array);
    return dumped;
}

kg_status kg_export_csv_relationships(const kg_graph *graph, FILE *out, kg_error *err) {
    kg_status status = check(graph, out, err);
    if (status != KG_OK)
        return status;
    csv_out w = {out, true, false};
    static const char *const names[] = {
        ":START_ID",          ":END_ID", ":TYPE",     "iri",         "key",
        "relation",           "role",    "role_text", "weight:long", "confidence:double",
        "documents:string[]", "evidence"};
    header(&w, names, sizeof names / sizeof names[0]);

    kg_buf scratch = KG_BUF_INIT, iri = KG_BUF_INIT, key = KG_BUF_INIT;
    const char **docs = NULL;
    size_t docs_cap = 0;
    const kg_resolved *data = graph->data;
    for (size_t j = 0; j < data->n_relations && !w.nomem && !ferror(out); j++) {
        const kg_relation *r = &data->relations[j];
        const char *type = kg_relation_type_name(r->type);
        char upper[64], local[KG_EXPORT_RELATION_LOCAL_SIZE];
        size_t k = 0;
        for (; type != NULL && type[k] != '\0' && k + 1 < sizeof upper; k++)
            upper[k] = (char)(type[k] >= 'a' && type[k] <= 'z' ? type[k] - 'a' + 'A' : type[k]);
        upper[k] = '\0';

        kg_export_relation_local(kg_export_relation_key(graph, r, &scratch), local);
        kg_buf_reset(&iri);
        kg_buf_puts(&iri, graph->base_iri);
        kg_buf_puts(&iri, local);
        kg_buf_reset(&key);
        kg_buf_puts(&key, type != NULL ? type : "unknown");
        if (r->role != NULL) {
            kg_buf_puts(&key, ":");
            kg_buf_puts(&key, r->role);
        }
        /* The distinct documents of the evidence (sorted by document first). */
        if (r->n_evidence > docs_cap) {
            const char **grown = realloc(docs, r->n_evidence * sizeof *docs);
            if (grown == NULL) {
                w.nomem = true;
                break;
            }
            docs = grown;
            docs_cap = r->n_evidence;
        }
        size_t n_docs = 0;
        for (size_t e = 0; e < r->n_evidence; e++) {
            const char *doc = r->evidence[e].doc != NULL ? r->evidence[e].doc : "";
            if (n_docs == 0 || strcmp(docs[n_docs - 1], doc) != 0)
                docs[n_docs++] = doc;
        }
        char *evidence = evidence_json(r);
        if (evidence == NULL || scratch.failed || iri.failed || key.failed) {
            free(evidence);
            w.nomem = true;
            break;
        }
        field_str(&w, data->entities[r->subject].id);
        field_str(&w, data->entities[r->object].id);
        field_str(&w, upper);
        field_str(&w, iri.data);
        field_str(&w, key.data);
        field_str(&w, type != NULL ? type : "unknown");
        field_str(&w, r->role);
        field_str(&w, r->role_text);
        field_long(&w, r->n_evidence);
        field_double(&w, r->confidence);
        field_list(&w, docs, n_docs);
        field_str(&w, evidence);
        end_row(&w);
        free(evidence);
    }
    free(docs);
    kg_buf_clear(&scratch);
    kg_buf_clear(&iri);
    kg_buf_clear(&key);
    return finish(&w, err);
}
