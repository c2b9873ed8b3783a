/* test_memory.c — Check suite for how the CLI's process uses memory
 * (cmd/memory.c): large blocks come from the heap while a step asks so, and
 * get pages of their own again after. */
#include "kg_cmd.h"

#include <check.h>
#include <stdlib.h>
#include <string.h>

#ifdef __GLIBC__
#include <malloc.h>

#define LARGE ((size_t)64 << 20) /* above glibc's largest mmap threshold (32 MB) */

/* Blocks glibc has mapped on their own, now. */
static size_t mapped_blocks(void) {
    return mallinfo2().hblks;
}

/* Allocates (and touches) a large block, returns whether it got pages of
 * its own. */
static int large_block_mapped(void) {
    size_t before = mapped_blocks();
    char *p = malloc(LARGE);
    ck_assert_ptr_nonnull(p);
    memset(p, 1, LARGE);
    int mapped = mapped_blocks() > before;
    free(p);
    return mapped;
}
#endif

START_TEST(test_large_blocks_from_heap_while_asked) {
    /* Under a sanitizer or valgrind their malloc serves: nothing to see. */
    if (!kg_cmd_large_blocks_from_heap(0))
        return;
#ifdef __GLIBC__
    ck_assert_msg(large_block_mapped(), "glibc's default: a 64 MB block is mapped on its own");
    kg_cmd_large_blocks_from_heap(1);
    ck_assert_msg(!large_block_mapped(), "asked: the block comes from the heap");
    /* and a freed one's memory serves the next: the heap does not grow */
    char *a = malloc(LARGE);
    ck_assert_ptr_nonnull(a);
    memset(a, 2, LARGE);
    size_t arena = mallinfo2().arena;
    free(a);
    char *b = malloc(LARGE);
    ck_assert_ptr_nonnull(b);
    memset(b, 3, LARGE);
    ck_assert_uint_le(mallinfo2().arena, arena);
    free(b);
    kg_cmd_large_blocks_from_heap(0);
    ck_assert_msg(large_block_mapped(), "back to the default");
    kg_cmd_give_back_memory();
#endif
}
END_TEST

static Suite *memory_suite(void) {
    Suite *s = suite_create("memory");
    TCase *tc = tcase_create("core");
    tcase_add_test(tc, test_large_blocks_from_heap_while_asked);
    suite_add_tcase(s, tc);
    return s;
}

int main(void) {
    SRunner *sr = srunner_create(memory_suite());
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
