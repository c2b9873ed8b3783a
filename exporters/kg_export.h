/* kg_export.h — writing a kg_graph as Turtle, GraphML and JSON.
 *
 * Each writer streams to a FILE * it does not close.  kg_export_file wraps
 * a writer so that the file appears atomically: it writes a temporary file
 * in the target directory, flushes and syncs it, and renames it over the
 * target only on success, so an existing output is never truncated.
 */
#ifndef KG_EXPORT_H
#define KG_EXPORT_H

#include "kg_graph.h"

#include <stdio.h>

#ifdef __cplusplus
extern "C" {
#endif

/* The project's own vocabulary (agreements, relation types, evidence). */
#define KG_VOCAB_IRI "https://kgraph.example.org/ns#"

typedef enum kg_format {
    KG_FORMAT_TTL = 1u << 0,
    KG_FORMAT_GRAPHML = 1u << 1,
    KG_FORMAT_JSON = 1u << 2,
    KG_FORMAT_ALL = KG_FORMAT_TTL | KG_FORMAT_GRAPHML | KG_FORMAT_JSON
} kg_format;

/* Parses a comma list such as "ttl,json" into a bit set; KG_ERR_USAGE with
 * a message naming the bad item otherwise. */
kg_status kg_format_parse_list(const char *list, unsigned *out, kg_error *err);

/* "ttl", "graphml", "json"; NULL for anything else. */
const char *kg_format_name(kg_format format);

/* "graph.ttl", "graph.graphml", "graph.json"; NULL for anything else. */
const char *kg_format_filename(kg_format format);

kg_status kg_export_turtle(const kg_graph *graph, FILE *out, kg_error *err);
kg_status kg_export_graphml(const kg_graph *graph, FILE *out, kg_error *err);
kg_status kg_export_json(const kg_graph *graph, FILE *out, kg_error *err);

/* Dispatches on format. */
kg_status kg_export(const kg_graph *graph, kg_format format, FILE *out, kg_error *err);

/* Writes path atomically (temp file + fsync + rename) with the writer for
 * format.  On failure the temp file is removed and an existing file at path
 * is left as it was. */
kg_status kg_export_file(const kg_graph *graph, kg_format format, const char *path, kg_error *err);

#ifdef __cplusplus
}
#endif

#endif /* KG_EXPORT_H */
