/* kg_sort.c — qsort on several threads (kg_sort.h). */
#include "kg_sort.h"

#include "kg_model.h"

#include <pthread.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#define SORT_MAX_THREADS 64

typedef struct sort_run {
    char *base;
    size_t n, size;
    int (*cmp)(const void *, const void *);
    pthread_t thread;
    bool started;
} sort_run;

static void *sort_run_main(void *arg) {
    sort_run *run = arg;
    if (run->n > 1)
        qsort(run->base, run->n, run->size, run->cmp);
    return NULL;
}

/* Merges the sorted runs [lo, mid) and [mid, hi) of src into the same
 * places of dst; on a tie the left run's item first. */
static void merge_runs(const char *src, char *dst, size_t lo, size_t mid, size_t hi, size_t size,
                       int (*cmp)(const void *, const void *)) {
    size_t i = lo, j = mid, k = lo;
    while (i < mid && j < hi) {
        const char *left = src + i * size, *right = src + j * size;
        if (cmp(right, left) < 0) {
            memcpy(dst + k * size, right, size);
            j++;
        } else {
            memcpy(dst + k * size, left, size);
            i++;
        }
        k++;
    }
    memcpy(dst + k * size, src + i * size, (mid - i) * size);
    k += mid - i;
    memcpy(dst + k * size, src + j * size, (hi - j) * size);
}

void kg_sort(void *base, size_t n, size_t size, int (*cmp)(const void *, const void *),
             size_t threads) {
    if (n < 2 || size == 0)
        return;
    size_t workers = threads > 0 ? threads : kg_cpu_count();
    if (workers > SORT_MAX_THREADS)
        workers = SORT_MAX_THREADS;
    if (workers > n / KG_SORT_MIN_RUN)
        workers = n / KG_SORT_MIN_RUN;
    char *spare = workers > 1 && n <= SIZE_MAX / size ? malloc(n * size) : NULL;
    if (spare == NULL) {
        qsort(base, n, size, cmp);
        return;
    }
    /* runs of len items (the last one shorter), one per worker */
    size_t len = (n + workers - 1) / workers;
    sort_run runs[SORT_MAX_THREADS];
    for (size_t t = 0; t < workers; t++) {
        size_t lo = t * len < n ? t * len : n, hi = n - lo > len ? lo + len : n;
        runs[t] = (sort_run){(char *)base + lo * size, hi - lo, size, cmp, 0, false};
    }
    for (size_t t = 1; t < workers; t++)
        runs[t].started = pthread_create(&runs[t].thread, NULL, sort_run_main, &runs[t]) == 0;
    sort_run_main(&runs[0]);
    for (size_t t = 1; t < workers; t++) {
        if (runs[t].started)
            pthread_join(runs[t].thread, NULL);
        else
            sort_run_main(&runs[t]);
    }
    /* merge neighbouring runs until one is left, from src into dst and back */
    char *src = base, *dst = spare;
    while (len < n) {
        for (size_t lo = 0; lo < n; lo += 2 * len) {
            size_t mid = n - lo > len ? lo + len : n;
            size_t hi = n - mid > len ? mid + len : n;
            merge_runs(src, dst, lo, mid, hi, size, cmp);
            if (hi == n)
                break;
        }
        char *swap = src;
        src = dst;
        dst = swap;
        len = len > n / 2 ? n : 2 * len;
    }
    if (src != base)
        memcpy(base, src, n * size);
    free(spare);
}
