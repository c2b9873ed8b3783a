/* kg_outfile.h — output files that appear atomically.
 *
 * A kg_outfile is a temporary file next to its target (same directory, so
 * rename() stays on one file system) that is flushed, synced and renamed
 * over the target only when kg_outfile_commit succeeds; kg_outfile_abort
 * (or a failed commit) removes it.  An existing file at the target is
 * therefore always either the previous complete file or the new complete
 * one.  Used for every output file: the graph exports (a format of two
 * files finishes both before renaming either), `kgraph extract -o` and
 * `kgraph eval --json-out`.
 */
#ifndef KG_OUTFILE_H
#define KG_OUTFILE_H

#include "kg_model.h"

#include <stdio.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef struct kg_outfile kg_outfile;

/* Creates the temporary file for path (".NAME.tmp-XXXXXX" in its
 * directory) with the mode the target has, or the one a new file would
 * get.  Caller ends it with kg_outfile_commit or kg_outfile_abort. */
kg_status kg_outfile_open(kg_outfile **out, const char *path, kg_error *err);

/* The stream to write to; borrowed, valid until commit or abort. */
FILE *kg_outfile_stream(kg_outfile *file);

/* Flushes, syncs and closes the temporary file, leaving the target as it
 * was: the first half of a commit, for a writer of several files that
 * completes them all before it renames any.  A write error seen on the
 * stream fails it.  The file is still to be committed or aborted. */
kg_status kg_outfile_finish(kg_outfile *file, kg_error *err);

/* The target path (borrowed, valid until commit or abort). */
const char *kg_outfile_path(const kg_outfile *file);

/* Finishes the file unless that was done, renames the temporary file over
 * the target, then
 * frees file (also on failure, when the temporary file is removed and the
 * target left as it was).  NULL file: KG_ERR_USAGE. */
kg_status kg_outfile_commit(kg_outfile *file, kg_error *err);

/* Removes the temporary file and frees file; NULL is a no-op. */
void kg_outfile_abort(kg_outfile *file);

#ifdef __cplusplus
}
#endif

#endif /* KG_OUTFILE_H */
