/* memory.c — how kgraph's process uses memory: transparent huge pages for
 * its heap, and freed memory handed back between the steps of a large build.
 *
 * glibc keeps what is freed for the next allocations, in the arena of the
 * thread that freed it.  After reading a gigabyte of news the extraction
 * threads' arenas and the resolver's working tables hold several hundred
 * megabytes of free memory that the next steps, which allocate on other
 * threads and in other sizes, do not reuse: the process's resident size
 * then stays at its peak.  malloc_trim returns the free pages of every
 * arena.  Elsewhere than glibc, nothing to do. */
#include "kg_cmd.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#ifdef __GLIBC__
#include <gnu/libc-version.h>
#include <malloc.h>
#include <sys/auxv.h>
#endif

#if defined(__SANITIZE_ADDRESS__) || defined(__SANITIZE_THREAD__)
#define KG_OWN_ALLOCATOR 1 /* a sanitizer's malloc, not glibc's */
#elif defined(__has_feature)
#if __has_feature(address_sanitizer) || __has_feature(thread_sanitizer) ||                         \
    __has_feature(memory_sanitizer)
#define KG_OWN_ALLOCATOR 1
#endif
#endif

/* ---- transparent huge pages -------------------------------------------------
 *
 * A build's working set is hundreds of megabytes to gigabytes of tables read
 * in no particular order: hash tables of names, the string pool, the
 * resolver's records, igraph's adjacency, the writers' tables of IRIs.  With
 * 4 KB pages nearly every such read also misses the TLB, and every page
 * costs a fault when first touched.  glibc (2.35 and later) backs its heap
 * with the kernel's 2 MB transparent huge pages when its tunable
 * glibc.malloc.hugetlb=1 is set (it then madvises MADV_HUGEPAGE what it maps),
 * which the kernel's default policy ("madvise" in
 * /sys/kernel/mm/transparent_hugepage/enabled) otherwise withholds.  glibc
 * reads its tunables only when a process starts, from GLIBC_TUNABLES: so the
 * heavy commands run kgraph again, once, with the tunable added.  Nothing
 * else changes (the outputs are the same bytes); KGRAPH_HUGE_PAGES=0 turns
 * it off. */

#define HUGE_TUNABLE "glibc.malloc.hugetlb"
#define THP_POLICY "/sys/kernel/mm/transparent_hugepage/enabled"

/* Whether the kernel's policy is this one ("[madvise]": huge pages for
 * memory that asks; "[always]": for all). */
static int thp_policy_is(const char *policy) {
    char line[128] = "";
    FILE *f = fopen(THP_POLICY, "r");
    if (f == NULL)
        return 0;
    int ok = fgets(line, sizeof line, f) != NULL && strstr(line, policy) != NULL;
    fclose(f);
    return ok;
}

static int thp_on_request(void) {
    return thp_policy_is("[madvise]");
}

/* glibc 2.35 or later, whose malloc knows the tunable. */
static int glibc_knows_tunable(void) {
#ifdef __GLIBC__
    unsigned major = 0, minor = 0;
    return sscanf(gnu_get_libc_version(), "%u.%u", &major, &minor) == 2 &&
           (major > 2 || (major == 2 && minor >= 35));
#else
    return 0;
#endif
}

const char *kg_cmd_huge_pages(void) {
    const char *tunables = getenv("GLIBC_TUNABLES");
    if (tunables != NULL && strstr(tunables, HUGE_TUNABLE "=1") != NULL && glibc_knows_tunable() &&
        thp_on_request())
        return "on";
    return thp_policy_is("[always]") ? "on (the system's policy)" : "off";
}

/* Whether glibc's malloc serves this process: not a sanitizer's, and not
 * valgrind's (a program valgrind starts runs natively). */
static int glibc_malloc(void) {
#if defined(__GLIBC__) && !defined(KG_OWN_ALLOCATOR)
    const char *preload = getenv("LD_PRELOAD");
    return preload == NULL || strstr(preload, "vgpreload") == NULL;
#else
    return 0;
#endif
}

void kg_cmd_use_huge_pages(char **argv) {
#if defined(__GLIBC__) && !defined(KG_OWN_ALLOCATOR)
    const char *off = getenv("KGRAPH_HUGE_PAGES");
    const char *tunables = getenv("GLIBC_TUNABLES");
    if ((off != NULL && strcmp(off, "0") == 0) ||
        (tunables != NULL && strstr(tunables, HUGE_TUNABLE) != NULL) || !glibc_malloc() ||
        /* set-user-ID: glibc ignores the tunable */
        getauxval(AT_SECURE) != 0 || !glibc_knows_tunable() || !thp_on_request())
        return;
    size_t old = tunables != NULL ? strlen(tunables) : 0;
    char *value = malloc(old + sizeof HUGE_TUNABLE "=1" + 1);
    if (value == NULL)
        return;
    if (old > 0)
        memcpy(value, tunables, old), value[old++] = ':';
    memcpy(value + old, HUGE_TUNABLE "=1", sizeof HUGE_TUNABLE "=1");
    char *saved = tunables != NULL ? strdup(tunables) : NULL;
    if (setenv("GLIBC_TUNABLES", value, 1) == 0) {
        fflush(NULL);
        execv("/proc/self/exe", argv);
        /* no /proc, or the binary is gone: go on as we are */
        if (saved != NULL)
            setenv("GLIBC_TUNABLES", saved, 1);
        else
            unsetenv("GLIBC_TUNABLES");
    }
    free(saved);
    free(value);
#else
    (void)argv;
#endif
}

/* ---- freed memory back ------------------------------------------------------ */

void kg_cmd_give_back_memory(void) {
#ifdef __GLIBC__
    malloc_trim(0);
#endif
}

/* ---- large blocks from the heap ---------------------------------------------
 *
 * glibc gives each allocation above its mmap threshold (128 KB, rising to
 * at most 32 MB as such blocks are freed) pages of its own, and unmaps them
 * when it is freed.  The resolver's phases build and drop tables of tens to
 * hundreds of megabytes one after another (mention tuples, blocking keys and
 * their sort's scratch, links, clusters, relation edges), so each table got
 * fresh pages, which the kernel zeroes when they are first touched: a tenth
 * of the resolution step's samples in a `perf record` of a 1 GB build.
 * From the heap, the pages of a freed table serve the next one; the
 * malloc_trim after the step returns what is left free. */

#define GLIBC_DEFAULT_MMAP_MAX 65536

int kg_cmd_large_blocks_from_heap(int on) {
    if (!glibc_malloc())
        return 0;
#ifdef __GLIBC__
    mallopt(M_MMAP_MAX, on ? 0 : GLIBC_DEFAULT_MMAP_MAX);
#endif
    (void)on;
    return 1;
}
