/* bench_extract.c — extraction throughput: the built-in extractor over a
 * corpus made from the sample articles, repeated until it reaches the size
 * asked for (default 100 MB), single-threaded.
 *
 *   bench_extract [MEGABYTES] [SAMPLES_DIR]
 *
 * Prints MB/s and articles/s of kg_extract_document alone, and of the
 * extract + resolve path (what `kgraph build` does before the graph), each
 * measured in the same run.  Times are the process's CPU time (one thread:
 * per core), which a shared machine disturbs far less than wall-clock time;
 * the last column is each path's time over the time of a `wc -w`-like pass
 * over the same bytes (best of five) in the same run.  The corpus is built in
 * memory (the articles as they are, in name order, round robin), so runs are
 * repeatable. */
#include "kg_extract.h"
#include "kg_resolve.h"

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

typedef struct article {
    char *text;
    size_t len;
} article;

static double now(void) {
    struct timespec ts;
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static int cmp_names(const void *a, const void *b) {
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Reads every *.txt of dir. */
static size_t load(const char *dir, article *out, size_t max) {
    DIR *d = opendir(dir);
    if (d == NULL)
        return 0;
    char *names[256];
    size_t n = 0;
    struct dirent *e;
    while ((e = readdir(d)) != NULL && n < 256) {
        size_t l = strlen(e->d_name);
        if (l > 4 && strcmp(e->d_name + l - 4, ".txt") == 0)
            names[n++] = strdup(e->d_name);
    }
    closedir(d);
    qsort(names, n, sizeof *names, cmp_names);
    size_t k = 0;
    for (size_t i = 0; i < n; i++) {
        char path[4096];
        snprintf(path, sizeof path, "%s/%s", dir, names[i]);
        FILE *f = fopen(path, "rb");
        free(names[i]);
        if (f == NULL || k >= max) {
            if (f != NULL)
                fclose(f);
            continue;
        }
        fseek(f, 0, SEEK_END);
        long size = ftell(f);
        fseek(f, 0, SEEK_SET);
        out[k].text = malloc((size_t)size + 1);
        out[k].len = fread(out[k].text, 1, (size_t)size, f);
        out[k].text[out[k].len] = '\0';
        fclose(f);
        k++;
    }
    return k;
}

/* The floor reference: what `wc -w` does over the same bytes (count runs of
 * non-white-space bytes), timed the same way, so the extractor's speed can
 * be read as a ratio that does not depend on the machine's load. */
static void scan(article *arts, size_t n, size_t target, size_t *docs_out, size_t *bytes_out,
                 double *secs_out, size_t *words_out) {
    size_t bytes = 0, docs = 0, words = 0;
    double t0 = now();
    while (bytes < target) {
        const article *a = &arts[docs % n];
        int in_word = 0;
        for (size_t i = 0; i < a->len; i++) {
            unsigned char c = (unsigned char)a->text[i];
            int space = c == ' ' || (c >= '\t' && c <= '\r');
            words += !space && !in_word;
            in_word = !space;
        }
        bytes += a->len;
        docs++;
    }
    *secs_out = now() - t0;
    *docs_out = docs;
    *bytes_out = bytes;
    *words_out = words;
}

/* Extracts (and with resolve, resolves) articles until `target` bytes. */
static void run(article *arts, size_t n, size_t target, int resolve, size_t *docs_out,
                size_t *bytes_out, double *secs_out) {
    kg_strpool *pool = kg_strpool_new();
    kg_extractor *ex = NULL;
    kg_resolver *res = NULL;
    kg_error err;
    kg_error_clear(&err);
    if (kg_extractor_new(&ex, pool, &err) != KG_OK ||
        (resolve && kg_resolver_new(&res, pool) != KG_OK)) {
        fprintf(stderr, "bench_extract: setup failed\n");
        exit(1);
    }
    kg_doc_facts facts;
    kg_doc_facts_init(&facts);
    size_t bytes = 0, docs = 0;
    double t0 = now();
    while (bytes < target) {
        const article *a = &arts[docs % n];
        char id[64];
        snprintf(id, sizeof id, "doc-%zu.txt", docs);
        kg_document doc = {0};
        doc.id = kg_strpool_cstr(pool, id);
        doc.text = a->text;
        doc.len = a->len;
        if (kg_extract_document(ex, &doc, &facts) != KG_OK ||
            (resolve && kg_resolver_add(res, &facts) != KG_OK)) {
            fprintf(stderr, "bench_extract: extraction failed\n");
            exit(1);
        }
        bytes += a->len;
        docs++;
    }
    *secs_out = now() - t0;
    *docs_out = docs;
    *bytes_out = bytes;
    kg_doc_facts_clear(&facts);
    kg_resolver_free(res);
    kg_extractor_free(ex);
    kg_strpool_free(pool);
}

int main(int argc, char **argv) {
    size_t mb = argc > 1 ? (size_t)strtoul(argv[1], NULL, 10) : 100;
    const char *dir = argc > 2 ? argv[2] : KG_SOURCE_DIR "/samples";
    article arts[256];
    size_t n = load(dir, arts, 256);
    if (n == 0) {
        fprintf(stderr, "bench_extract: no .txt articles in %s\n", dir);
        return 1;
    }
    printf("corpus: %zu sample articles from %s repeated to %zu MB\n", n, dir, mb);
    printf("%-22s %10s %12s %10s %14s %10s\n", "path", "MB", "seconds", "MB/s", "articles/s",
           "vs wc -w");
    size_t docs = 0, bytes = 0, words = 0;
    double secs = 0, floor_secs = 0;
    for (int i = 0; i < 5; i++) {
        double t = 0;
        scan(arts, n, mb * 1024 * 1024, &docs, &bytes, &t, &words);
        if (i == 0 || t < floor_secs)
            floor_secs = t;
    }
    printf("%-22s %10.1f %12.3f %10.1f %14.0f %10s   (%zu words)\n", "wc -w (reference)",
           (double)bytes / 1048576.0, floor_secs, (double)bytes / 1048576.0 / floor_secs,
           (double)docs / floor_secs, "1", words);
    for (int resolve = 0; resolve <= 1; resolve++) {
        run(arts, n, mb * 1024 * 1024, resolve, &docs, &bytes, &secs);
        printf("%-22s %10.1f %12.2f %10.2f %14.0f %9.1fx\n",
               resolve ? "extract + resolve" : "extract", (double)bytes / 1048576.0, secs,
               (double)bytes / 1048576.0 / secs, (double)docs / secs, secs / floor_secs);
    }
    for (size_t i = 0; i < n; i++)
        free(arts[i].text);
    return 0;
}
