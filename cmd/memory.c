/* memory.c — handing freed memory back to the system between the steps of
 * a large build.
 *
 * glibc keeps what is freed for the next allocations, in the arena of the
 * thread that freed it.  After reading a gigabyte of news the extraction
 * threads' arenas and the resolver's working tables hold several hundred
 * megabytes of free memory that the next steps, which allocate on other
 * threads and in other sizes, do not reuse: the process's resident size
 * then stays at its peak.  malloc_trim returns the free pages of every
 * arena.  Elsewhere than glibc, nothing to do. */
#include "kg_cmd.h"

#ifdef __GLIBC__
#include <malloc.h>
#endif

void kg_cmd_give_back_memory(void) {
#ifdef __GLIBC__
    malloc_trim(0);
#endif
}
