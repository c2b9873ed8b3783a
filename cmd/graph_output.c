/* graph_output.c — what `kgraph build` and `kgraph analyze` share: the
 * analytics options, the output directory and writing the chosen formats
 * into it. */
#include "kg_cmd.h"

#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

/* A decimal number in [min, max] (no sign, no trailing text). */
static int parse_number(const char *option, const char *arg, unsigned long long min,
                        unsigned long long max, unsigned long long *out) {
    char *end = NULL;
    errno = 0;
    unsigned long long value =
        arg[0] >= '0' && arg[0] <= '9' ? strtoull(arg, &end, 10) : (errno = EINVAL, 0);
    if (errno != 0 || end == NULL || *end != '\0' || value < min || value > max) {
        fprintf(stderr, "kgraph: error: %s must be a whole number from %llu to %llu, not '%s'\n",
                option, min, max, arg);
        return KG_EXIT_USAGE;
    }
    *out = value;
    return KG_EXIT_OK;
}

int kg_cmd_analytics_option(int c, const char *arg, kg_analytics_options *opt) {
    unsigned long long value = 0;
    int rc;
    switch (c) {
    case KG_OPT_SEED:
        /* graph.json stores the seed as a JSON integer (signed 64-bit). */
        rc = parse_number("--seed", arg, 0, (unsigned long long)INT64_MAX, &value);
        if (rc == KG_EXIT_OK)
            opt->seed = (unsigned long)value;
        return rc;
    case KG_OPT_BETWEENNESS_SAMPLES:
        rc = parse_number("--betweenness-samples", arg, 1, (unsigned long long)INT32_MAX, &value);
        if (rc == KG_EXIT_OK)
            opt->betweenness_samples = (size_t)value;
        return rc;
    case KG_OPT_BETWEENNESS_EXACT_MAX:
        rc = parse_number("--betweenness-exact-max", arg, 0, (unsigned long long)INT32_MAX, &value);
        if (rc == KG_EXIT_OK)
            opt->betweenness_exact_max = (size_t)value;
        return rc;
    case KG_OPT_BETWEENNESS_BUDGET:
        rc = parse_number("--betweenness-budget", arg, 0, (unsigned long long)INT64_MAX, &value);
        if (rc == KG_EXIT_OK)
            opt->betweenness_budget = (size_t)value;
        return rc;
    default:
        return -1;
    }
}

kg_status kg_cmd_make_dirs(const char *path, kg_error *err) {
    char *p = strdup(path);
    if (p == NULL)
        return kg_error_set(err, KG_ERR_NOMEM, NULL, 0, 0, "out of memory");
    kg_status st = KG_OK;
    for (char *s = p + 1;; s++) {
        if (*s == '/' || *s == '\0') {
            char save = *s;
            *s = '\0';
            if (mkdir(p, 0777) != 0 && errno != EEXIST) {
                st = kg_error_set(err, KG_ERR_IO, p, 0, 0, "cannot create directory: %s",
                                  strerror(errno));
                break;
            }
            *s = save;
            if (save == '\0')
                break;
        }
    }
    struct stat sb;
    if (st == KG_OK && (stat(path, &sb) != 0 || !S_ISDIR(sb.st_mode)))
        st = kg_error_set(err, KG_ERR_IO, path, 0, 0, "not a directory");
    free(p);
    return st;
}

int kg_cmd_check_output(const char *output, unsigned formats) {
    if (strcmp(output, "-") == 0 && kg_format_file_count((kg_format)formats) != 1) {
        fprintf(stderr, "kgraph: error: %s\n",
                formats == KG_FORMAT_CSV
                    ? "csv writes two files (nodes.csv, relationships.csv): give -o DIR, not -o -"
                    : "-o - writes one format to standard output: give -f with one of ttl, nt, "
                      "nq, graphml, json");
        return KG_EXIT_USAGE;
    }
    return KG_EXIT_OK;
}

kg_status kg_cmd_write_outputs(const kg_graph *graph, unsigned formats,
                               const kg_export_options *options, const char *output, size_t threads,
                               kg_cmd_paths *written, kg_cmd_timings *timings, kg_error *err) {
    kg_status st = KG_OK;
    if (strcmp(output, "-") == 0)
        return kg_export_with(graph, (kg_format)formats, options, stdout, err);
    if ((st = kg_cmd_make_dirs(output, err)) != KG_OK)
        return st;
    double seconds[6];
    if ((st = kg_export_dir_all(graph, formats, options, output, threads, seconds, err)) != KG_OK)
        return st;
    kg_format list[6];
    size_t n = kg_format_list(formats, list);
    kg_cmd_timings_mark(timings, "write files");
    for (size_t i = 0; i < n; i++) {
        kg_cmd_timings_part(timings, kg_format_file_name(list[i], 0), seconds[i]);
        for (size_t k = 0; k < kg_format_file_count(list[i]); k++) {
            const char *file = kg_format_file_name(list[i], k);
            size_t len = strlen(output) + strlen(file) + 2;
            char *path = malloc(len);
            if (path == NULL || written->n == sizeof written->path / sizeof *written->path) {
                free(path);
                return kg_error_set(err, KG_ERR_NOMEM, NULL, 0, 0, "out of memory");
            }
            snprintf(path, len, "%s/%s", output, file);
            written->path[written->n++] = path;
        }
    }
    return KG_OK;
}

void kg_cmd_paths_clear(kg_cmd_paths *paths) {
    for (size_t i = 0; i < paths->n; i++)
        free(paths->path[i]);
    paths->n = 0;
}

void kg_cmd_print_written(const kg_cmd_paths *paths) {
    printf("wrote:\n");
    for (size_t i = 0; i < paths->n; i++)
        printf("  %s\n", paths->path[i]);
}

kg_status kg_cmd_load_graph(const char *path, kg_cmd_loaded *out,
                            void (*adjust)(void *ctx, const kg_import_info *info,
                                           kg_analytics_options *options),
                            void *ctx, kg_error *err) {
    memset(out, 0, sizeof *out);
    if ((out->pool = kg_strpool_new()) == NULL)
        return kg_error_set(err, KG_ERR_NOMEM, NULL, 0, 0, "out of memory");
    kg_status st = kg_import_json_with(path, out->pool, &out->data, &out->info, err);
    if (st != KG_OK)
        return st;
    kg_analytics_options options = out->info.analytics;
    if (adjust != NULL)
        adjust(ctx, &out->info, &options);
    return kg_graph_build_with(&out->graph, &out->data, out->info.base_iri, &options, err);
}

void kg_cmd_loaded_free(kg_cmd_loaded *loaded) {
    kg_graph_free(loaded->graph);
    kg_resolved_clear(&loaded->data);
    kg_strpool_free(loaded->pool);
    memset(loaded, 0, sizeof *loaded);
}
