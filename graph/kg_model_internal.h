/* kg_model_internal.h — small helpers the library's modules share (growing
 * arrays, comparisons).  Not installed; the CLI never includes it. */
#ifndef KG_MODEL_INTERNAL_H
#define KG_MODEL_INTERNAL_H

#include "kg_model.h"

/* Makes room for `need` elements of size elem in *array (capacity *cap),
 * doubling from 16; *array is untouched on KG_ERR_NOMEM. */
kg_status kg_reserve(void **array, size_t *cap, size_t need, size_t elem);

/* strcmp with NULL ordered before every string. */
int kg_strcmp_null(const char *a, const char *b);

/* -1, 0, 1 as a < b, a == b, a > b. */
int kg_cmp_size(size_t a, size_t b);

/* Seconds on the monotonic clock: for the timings of a run's steps. */
double kg_monotonic_seconds(void);

#endif /* KG_MODEL_INTERNAL_H */
