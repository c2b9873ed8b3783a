/* kg_spill.h — a scratch file that takes bytes now and gives them back, in
 * order, later (from the start, as often as asked).
 *
 * Used where a stage must keep a large amount of data it will only read
 * through, in the order it was written, after some other memory-hungry work:
 * the resolver's relation records (hundreds of megabytes for a gigabyte of
 * news) wait in one while the entities are resolved, then are read twice.  The file is created
 * in a directory (default $TMPDIR, else /tmp) and unlinked at once, so it
 * leaves nothing behind however the process ends; its pages live in the
 * page cache, not in the process's memory.
 *
 * Writes are buffered; a document's worth of writes can be undone
 * (kg_spill_mark, kg_spill_rollback), so that a caller that records
 * documents all or nothing stays so when the disk fills up.  Not
 * thread-safe.
 */
#ifndef KG_SPILL_H
#define KG_SPILL_H

#include "kg_model.h"

#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef struct kg_spill kg_spill;

/* Creates an empty, already unlinked scratch file in dir (NULL: $TMPDIR
 * if set and not empty, else /tmp).  Caller frees with kg_spill_free.
 * KG_ERR_IO when the file cannot be created (errno says why). */
kg_status kg_spill_open(kg_spill **out, const char *dir);

/* Appends n bytes.  KG_ERR_IO when the file cannot be written (errno says
 * why); what was written before the last mark can still be read, and the
 * caller should roll back to that mark.  KG_ERR_USAGE once reading began. */
kg_status kg_spill_write(kg_spill *spill, const void *bytes, size_t n);

/* Bytes written so far: a mark to roll back to. */
uint64_t kg_spill_mark(const kg_spill *spill);

/* Forgets everything written after mark (a value kg_spill_mark gave);
 * KG_ERR_USAGE for a mark beyond what was written, or once reading began. */
kg_status kg_spill_rollback(kg_spill *spill, uint64_t mark);

/* Ends writing and starts reading from the first byte; after this only
 * kg_spill_read, kg_spill_rewind (to read it all again) and kg_spill_free
 * may be called.  Writes nothing, so it works after a failed write too
 * (what was written up to the last rollback is read back). */
kg_status kg_spill_rewind(kg_spill *spill);

/* Reads the next n bytes into bytes.  KG_ERR_IO when the file cannot be
 * read or holds fewer than n more bytes. */
kg_status kg_spill_read(kg_spill *spill, void *bytes, size_t n);

/* Closes (and so deletes) the file; NULL is a no-op. */
void kg_spill_free(kg_spill *spill);

#ifdef __cplusplus
}
#endif

#endif
