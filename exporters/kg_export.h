/* kg_export.h — writing a kg_graph as Turtle, N-Triples, N-Quads, GraphML,
 * JSON and CSV.
 *
 * Each writer streams to a FILE * it does not close.  kg_export_file and
 * kg_export_dir wrap the writers so that files appear atomically: each is
 * written to a temporary file in the target directory, flushed and synced,
 * and renamed over the target only on success, so an existing output is
 * never truncated.  The contracts of the formats are docs/formats.md; the
 * RDF vocabulary is docs/vocabulary.md.
 */
#ifndef KG_EXPORT_H
#define KG_EXPORT_H

#include "kg_graph.h"

#include <stddef.h>
#include <stdio.h>

#ifdef __cplusplus
extern "C" {
#endif

/* The project's own vocabulary (agreements, relation types, evidence),
 * published as Turtle in docs/kgraph.ttl. */
#define KG_VOCAB_IRI "https://kgraph.example.org/ns#"

typedef enum kg_format {
    KG_FORMAT_TTL = 1u << 0,
    KG_FORMAT_GRAPHML = 1u << 1,
    KG_FORMAT_JSON = 1u << 2,
    KG_FORMAT_NT = 1u << 3,  /* N-Triples: the triples of the Turtle, one per line */
    KG_FORMAT_NQ = 1u << 4,  /* N-Quads: the same, one named graph per document */
    KG_FORMAT_CSV = 1u << 5, /* two files: nodes.csv and relationships.csv */
    /* The default set ("all" in a format list): Turtle, GraphML and JSON. */
    KG_FORMAT_ALL = KG_FORMAT_TTL | KG_FORMAT_GRAPHML | KG_FORMAT_JSON,
    /* Every format kgraph writes. */
    KG_FORMAT_EVERY = KG_FORMAT_ALL | KG_FORMAT_NT | KG_FORMAT_NQ | KG_FORMAT_CSV
} kg_format;

/* How graph.json is shaped. */
typedef enum kg_json_style {
    KG_JSON_NODE_LINK = 0, /* NetworkX node-link data (the default) */
    KG_JSON_CYTOSCAPE      /* Cytoscape.js elements: {"data", "elements": {"nodes", "edges"}} */
} kg_json_style;

/* Options of the writers; NULL wherever options are taken means
 * KG_EXPORT_OPTIONS_INIT. */
typedef struct kg_export_options {
    kg_json_style json_style;
} kg_export_options;

#define KG_EXPORT_OPTIONS_INIT                                                                     \
    { KG_JSON_NODE_LINK }

/* Parses a comma list such as "ttl,json" into a bit set of kg_format
 * values: ttl (or turtle), nt (ntriples), nq (nquads), graphml, json, csv,
 * and all (the default three).  KG_ERR_USAGE with a message naming the bad
 * item otherwise; *out is untouched then. */
kg_status kg_format_parse_list(const char *list, unsigned *out, kg_error *err);

/* "node-link" or "cytoscape" (ASCII case-insensitive) into *out;
 * KG_ERR_USAGE otherwise. */
kg_status kg_json_style_parse(const char *name, kg_json_style *out, kg_error *err);

/* "ttl", "nt", "nq", "graphml", "json", "csv"; NULL for anything that is not
 * exactly one format. */
const char *kg_format_name(kg_format format);

/* The file of a one-file format: "graph.ttl", "graph.nt", "graph.nq",
 * "graph.graphml", "graph.json"; NULL for CSV (two files: see below) and for
 * anything that is not exactly one format. */
const char *kg_format_filename(kg_format format);

/* How many files format writes into an output directory: 1, 2 for CSV, 0
 * for anything that is not exactly one format. */
size_t kg_format_file_count(kg_format format);

/* Name of file k (0-based, < kg_format_file_count) of format: the
 * kg_format_filename of a one-file format, "nodes.csv" and
 * "relationships.csv" for CSV; NULL otherwise.  Static strings. */
const char *kg_format_file_name(kg_format format, size_t k);

/* The writers.  Each validates the graph's base IRI (KG_ERR_USAGE), writes
 * the whole format to out, flushes it and reports a failed write as
 * KG_ERR_IO.  Memory beyond the graph is O(entities + relations + evidence)
 * (tables of IRIs and de-duplication sets), never O(output). */
kg_status kg_export_turtle(const kg_graph *graph, FILE *out, kg_error *err);
kg_status kg_export_ntriples(const kg_graph *graph, FILE *out, kg_error *err);
kg_status kg_export_nquads(const kg_graph *graph, FILE *out, kg_error *err);
kg_status kg_export_graphml(const kg_graph *graph, FILE *out, kg_error *err);
/* graph.json in the node-link style. */
kg_status kg_export_json(const kg_graph *graph, FILE *out, kg_error *err);
/* graph.json in the Cytoscape.js style. */
kg_status kg_export_cytoscape(const kg_graph *graph, FILE *out, kg_error *err);
/* The two CSV files (neo4j-admin import header format). */
kg_status kg_export_csv_nodes(const kg_graph *graph, FILE *out, kg_error *err);
kg_status kg_export_csv_relationships(const kg_graph *graph, FILE *out, kg_error *err);

/* Dispatches on a one-file format with default options.  CSV, which needs
 * two streams, and sets of formats are KG_ERR_USAGE. */
kg_status kg_export(const kg_graph *graph, kg_format format, FILE *out, kg_error *err);

/* The same with options (NULL: defaults). */
kg_status kg_export_with(const kg_graph *graph, kg_format format, const kg_export_options *options,
                         FILE *out, kg_error *err);

/* Writes path atomically (temp file + fsync + rename) with the writer for a
 * one-file format and default options.  On failure the temp file is removed
 * and an existing file at path is left as it was.  CSV is KG_ERR_USAGE: use
 * kg_export_dir. */
kg_status kg_export_file(const kg_graph *graph, kg_format format, const char *path, kg_error *err);

/* Writes every file of format (kg_format_file_name) into the existing
 * directory dir.  All of the format's files are first written to temporary
 * files in dir and synced; only when every one is complete are they renamed
 * into place, in order.  On failure no temporary file is left behind and no
 * existing file has been changed, unless a rename itself failed after an
 * earlier one of the same format had succeeded (the error says so).
 * options may be NULL (defaults). */
kg_status kg_export_dir(const kg_graph *graph, kg_format format, const kg_export_options *options,
                        const char *dir, kg_error *err);

/* The one-file-or-two formats of the set formats in the order they are
 * written and reported: ttl, nt, nq, graphml, json, csv.  Fills out (up to
 * 6) and returns the count. */
size_t kg_format_list(unsigned formats, kg_format out[6]);

/* Writes every format of the set formats into the existing directory dir,
 * each as kg_export_dir does, up to `threads` formats at once (0: one per
 * online CPU; the files are the same for any count).  The RDF formats are
 * written on the calling thread (raptor's libxml2 keeps per-thread state),
 * the others on up to threads - 1 more.  seconds, when not
 * NULL, receives each format's wall-clock seconds in kg_format_list order.
 * On failure err describes the first failed format in that order; the
 * others may have been written. */
kg_status kg_export_dir_all(const kg_graph *graph, unsigned formats,
                            const kg_export_options *options, const char *dir, size_t threads,
                            double *seconds, kg_error *err);

/* ---- reading graph.json back ----------------------------------------------- */

/* Reads a node-link graph.json written by kgraph (kg_export_json) at path
 * back into *out: entities (in file order, which is id order), relations
 * with their evidence, documents and the merge audit trail, so that
 * kg_graph_build can rebuild the network.  Every string is interned in pool
 * (borrowed; must outlive *out).  The analytics stored in the file are not
 * read: they are recomputed.  On success the caller releases *out with
 * kg_resolved_clear; on failure *out is left empty and err names the file
 * and the problem (KG_ERR_IO when it cannot be read, KG_ERR_PARSE with line
 * and column for malformed JSON, KG_ERR_INPUT for JSON that is not a
 * kgraph node-link graph). */
kg_status kg_import_json(const char *path, kg_strpool *pool, kg_resolved *out, kg_error *err);

/* What else a graph.json records, so that analysing it again reproduces
 * it: the base IRI, the JSON style and the analytics options. */
typedef struct kg_import_info {
    const char *base_iri;           /* pooled; NULL when the file has none */
    kg_json_style json_style;       /* the style the file is in */
    kg_analytics_options analytics; /* as recorded; KG_ANALYTICS_OPTIONS_INIT where not */
} kg_import_info;

/* kg_import_json that also fills *info (which may be NULL).  Reads both
 * JSON styles. */
kg_status kg_import_json_with(const char *path, kg_strpool *pool, kg_resolved *out,
                              kg_import_info *info, kg_error *err);

/* ---- the analytics report (report.c) ---------------------------------------- */

/* How nodes are coloured in the report's drawing of the network. */
typedef enum kg_report_color {
    KG_REPORT_COLOR_TYPE = 0, /* by entity type (the default) */
    KG_REPORT_COLOR_COMMUNITY /* by community (graph->community) */
} kg_report_color;

typedef struct kg_report_options {
    size_t top_k;          /* rows of each top-k centrality table */
    size_t max_rows;       /* rows of every other table (the rest is counted, not shown) */
    size_t max_drawn;      /* nodes drawn: the ones with the highest PageRank */
    size_t max_labels;     /* drawn nodes that get a label: the highest PageRank */
    kg_report_color color; /* node colour */
    const char *title;     /* first heading; NULL: "Knowledge graph report" */
} kg_report_options;

#define KG_REPORT_OPTIONS_INIT                                                                     \
    { 10, 100, 300, 25, KG_REPORT_COLOR_TYPE, NULL }

/* "type" or "community" (ASCII case-insensitive) into *out; KG_ERR_USAGE
 * otherwise. */
kg_status kg_report_color_parse(const char *name, kg_report_color *out, kg_error *err);

/* The report as Markdown (report.md) and as one self-contained HTML page
 * (report.html: inline CSS and SVG, no script, nothing fetched), written to
 * out, which is flushed, not closed.  Both have the same sections
 * (docs/report.md): summary, network drawing (HTML only), corpus
 * statistics, top-k tables per centrality, leaders, bridging leaders,
 * agreements, the organization network, communities, the entity-resolution
 * audit, evidence and methods; every fact in a table links to its evidence.
 * Names are escaped for the format.  Same graph and options, same bytes.
 * opt may be NULL (KG_REPORT_OPTIONS_INIT).  KG_ERR_IO when a write fails. */
kg_status kg_report_markdown(const kg_graph *graph, const kg_report_options *opt, FILE *out,
                             kg_error *err);
kg_status kg_report_html(const kg_graph *graph, const kg_report_options *opt, FILE *out,
                         kg_error *err);

/* Writes dir/report.md and dir/report.html (dir must exist), each to a
 * temporary file first and renamed into place only when both are
 * complete, so a failure leaves the previous files as they were. */
kg_status kg_report_write(const kg_graph *graph, const char *dir, const kg_report_options *opt,
                          kg_error *err);

#ifdef __cplusplus
}
#endif

#endif /* KG_EXPORT_H */
