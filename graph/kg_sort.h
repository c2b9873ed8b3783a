/* kg_sort.h — qsort on several threads, with the same result as qsort.
 *
 * For the large arrays of a build (the resolver's keys, mentions and links:
 * millions of items), which one qsort would sort on one core while the
 * others wait.  Each thread sorts a run of the array with qsort, and the
 * runs are then merged pairwise.  glibc's qsort is a stable merge sort, and
 * so is kg_sort (on a tie the item of the earlier run comes first): the
 * array comes out the same for any number of threads, even when cmp finds
 * distinct items equal.
 */
#ifndef KG_SORT_H
#define KG_SORT_H

#include <stddef.h>

#ifdef __cplusplus
extern "C" {
#endif

/* Arrays of fewer than 2 x KG_SORT_MIN_RUN items are sorted by one qsort on
 * the calling thread; larger ones on at most n / KG_SORT_MIN_RUN threads. */
#define KG_SORT_MIN_RUN ((size_t)32768)

/* Sorts the n items of size bytes at base by cmp, in ascending order, on up
 * to threads threads (0: one per online CPU; the calling thread is one).
 * Needs n x size bytes of scratch memory; without them (or without
 * threads) it is one qsort.  n = 0 and base = NULL are fine. */
void kg_sort(void *base, size_t n, size_t size, int (*cmp)(const void *, const void *),
             size_t threads);

#ifdef __cplusplus
}
#endif

#endif
