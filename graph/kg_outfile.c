/* kg_outfile.c — atomic output files (kg_outfile.h): temporary file, fsync,
 * rename. */
#include "kg_outfile.h"

#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

struct kg_outfile {
    char *path; /* the target */
    char *tmp;  /* the temporary file beside it */
    size_t dir_len;
    FILE *stream;
};

static kg_status io_error(kg_error *err, const char *path, const char *what, int errnum) {
    return kg_error_set(err, KG_ERR_IO, path, 0, 0, "%s: %s", what,
                        strerror(errnum != 0 ? errnum : EIO));
}

/* The process umask, read by setting and restoring it (POSIX has no way to
 * only read it); kgraph creates files from one thread. */
static mode_t current_umask(void) {
    mode_t mask = umask(0);
    umask(mask);
    return mask;
}

static char *copy_of(const char *s, size_t n) {
    char *c = malloc(n + 1);
    if (c != NULL) {
        memcpy(c, s, n);
        c[n] = '\0';
    }
    return c;
}

kg_status kg_outfile_open(kg_outfile **out, const char *path, kg_error *err) {
    kg_status st = KG_OK;
    kg_outfile *file = NULL;
    int fd = -1;
    static const char suffix[] = ".tmp-XXXXXX";

    if (out == NULL)
        return kg_error_set(err, KG_ERR_USAGE, NULL, 0, 0, "kg_outfile_open: NULL argument");
    *out = NULL;
    if (path == NULL || path[0] == '\0')
        return kg_error_set(err, KG_ERR_USAGE, NULL, 0, 0, "no output path given");
    const char *slash = strrchr(path, '/');
    size_t dir_len = slash != NULL ? (size_t)(slash - path) + 1 : 0;
    const char *name = path + dir_len;
    if (name[0] == '\0')
        return kg_error_set(err, KG_ERR_USAGE, path, 0, 0, "output path names a directory");

    file = calloc(1, sizeof *file);
    if (file == NULL || (file->path = copy_of(path, strlen(path))) == NULL ||
        (file->tmp = malloc(dir_len + 1 + strlen(name) + sizeof suffix)) == NULL) {
        st = kg_error_set(err, KG_ERR_NOMEM, path, 0, 0, "out of memory");
        goto cleanup;
    }
    file->dir_len = dir_len;
    memcpy(file->tmp, path, dir_len);
    snprintf(file->tmp + dir_len, 1 + strlen(name) + sizeof suffix, ".%s%s", name, suffix);

    fd = mkstemp(file->tmp);
    if (fd < 0) {
        st = io_error(err, path, "cannot create a temporary file in its directory", errno);
        free(file->tmp);
        file->tmp = NULL; /* nothing to remove */
        goto cleanup;
    }
    struct stat target;
    mode_t mode = (stat(path, &target) == 0 && S_ISREG(target.st_mode)) ? (target.st_mode & 07777)
                                                                        : (0666 & ~current_umask());
    if (fchmod(fd, mode) != 0) {
        st = io_error(err, path, "cannot set the permissions of the temporary file", errno);
        goto cleanup;
    }
    file->stream = fdopen(fd, "wb");
    if (file->stream == NULL) {
        st = io_error(err, path, "cannot open the temporary file", errno);
        goto cleanup;
    }
    fd = -1; /* owned by the stream */
    *out = file;
    file = NULL;

cleanup:
    if (fd >= 0)
        close(fd);
    kg_outfile_abort(file);
    return st;
}

FILE *kg_outfile_stream(kg_outfile *file) {
    return file != NULL ? file->stream : NULL;
}

static void outfile_free(kg_outfile *file) {
    free(file->path);
    free(file->tmp);
    free(file);
}

void kg_outfile_abort(kg_outfile *file) {
    if (file == NULL)
        return;
    if (file->stream != NULL)
        fclose(file->stream);
    if (file->tmp != NULL)
        unlink(file->tmp);
    outfile_free(file);
}

/* Makes the rename durable; failures are ignored: the new file is in place
 * and some file systems cannot sync directories. */
static void sync_directory(const kg_outfile *file) {
    char *dir = file->dir_len == 0 ? copy_of(".", 1) : copy_of(file->path, file->dir_len);
    if (dir == NULL)
        return;
    int fd = open(dir, O_RDONLY | O_DIRECTORY);
    if (fd >= 0) {
        (void)fsync(fd);
        close(fd);
    }
    free(dir);
}

const char *kg_outfile_path(const kg_outfile *file) {
    return file != NULL ? file->path : NULL;
}

kg_status kg_outfile_finish(kg_outfile *file, kg_error *err) {
    if (file == NULL || file->stream == NULL)
        return kg_error_set(err, KG_ERR_USAGE, NULL, 0, 0, "kg_outfile_finish: no open file");
    FILE *stream = file->stream;
    file->stream = NULL;
    if (fflush(stream) != 0 || ferror(stream)) {
        kg_status st = io_error(err, file->path, "write failed", errno);
        fclose(stream);
        return st;
    }
    if (fsync(fileno(stream)) != 0) {
        kg_status st = io_error(err, file->path, "cannot sync to disk", errno);
        fclose(stream);
        return st;
    }
    if (fclose(stream) != 0)
        return io_error(err, file->path, "write failed", errno);
    return KG_OK;
}

kg_status kg_outfile_commit(kg_outfile *file, kg_error *err) {
    kg_status st = KG_OK;
    if (file == NULL)
        return kg_error_set(err, KG_ERR_USAGE, NULL, 0, 0, "kg_outfile_commit: no file");
    if (file->stream != NULL && (st = kg_outfile_finish(file, err)) != KG_OK)
        goto cleanup;
    if (rename(file->tmp, file->path) != 0) {
        st = io_error(err, file->path, "cannot replace the file", errno);
        goto cleanup;
    }
    free(file->tmp);
    file->tmp = NULL; /* renamed: nothing to remove */
    sync_directory(file);

cleanup:
    kg_outfile_abort(file);
    return st;
}
