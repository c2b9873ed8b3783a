/* kg_test_util.h — helpers shared by the Check suites. */
#ifndef KG_TEST_UTIL_H
#define KG_TEST_UTIL_H

#include <stddef.h>

/* Reads a whole file; caller frees.  NULL when unreadable.  *len may be NULL. */
char *kgt_read_file(const char *path, size_t *len);

/* Writes len bytes to path (creating or truncating); 0 on success. */
int kgt_write_file(const char *path, const char *data, size_t len);

/* Makes a fresh empty directory under the build tree and returns its path
 * (caller frees). */
char *kgt_temp_dir(const char *tag);

/* Runs a shell command line, capturing stdout and stderr (each may be NULL)
 * as new strings the caller frees; returns the exit status (or -1). */
int kgt_run(const char *cmdline, char **out, char **err);

/* Joins a directory and a name into a new string. */
char *kgt_path(const char *dir, const char *name);

#endif
