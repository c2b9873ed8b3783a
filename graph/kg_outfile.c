/* kg_outfile.c — atomic output files (kg_outfile.h): temporary file, fsync,
 * rename.
 *
 * The bytes of a large file bypass the page cache.  Writing a new file
 * through it costs the kernel a page allocation and a copy per 4 KB, about
 * as much CPU as producing the Turtle itself (docs/performance.md); kgraph
 * never reads its outputs back.  So the stream (stdio over fopencookie)
 * gathers KG_OUTFILE_BLOCK bytes at a time and a thread of the file's own
 * writes each full block with O_DIRECT while the next one fills.  A file
 * system that refuses O_DIRECT (tmpfs before Linux 6.6, some network file
 * systems) or its alignment gets plain writes, with the same bytes.  The
 * last, partial block, and every file smaller than a block, are plain
 * writes too, and all of them when the environment sets KGRAPH_DIRECT_IO=0
 * (outputs read right after, from the page cache). */
#define _GNU_SOURCE /* O_DIRECT, fopencookie */

#include "kg_outfile.h"

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <unistd.h>

/* Bytes handed to the writing thread at a time, and the alignment O_DIRECT
 * asks of buffer addresses, file offsets and lengths (4096 covers every
 * Linux block device in use). */
#define KG_OUTFILE_BLOCK ((size_t)4 << 20)
#define KG_OUTFILE_ALIGN ((size_t)4096)

struct kg_outfile {
    char *path; /* the target */
    char *tmp;  /* the temporary file beside it */
    size_t dir_len;
    FILE *stream; /* stdio over write_cookie */
    int fd;
    bool direct; /* O_DIRECT is set on fd */

    /* Filled by the stream: block[cur] holds fill bytes that go at
     * offset; the other block may be with the thread. */
    unsigned char *block[2];
    int cur;
    size_t fill;
    off_t offset;

    /* The writing thread, started at the first full block. */
    pthread_t thread;
    bool thread_started;
    pthread_mutex_t lock;
    pthread_cond_t cond;
    const unsigned char *job; /* a block to write, NULL when idle */
    size_t job_len;
    off_t job_offset;
    bool quit;
    bool closing; /* the stream is being closed: what stdio still holds is dropped */
    int error;    /* errno of the first failed write, 0 if none */
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

static void set_direct(kg_outfile *file, bool on) {
    int flags = fcntl(file->fd, F_GETFL);
    if (flags != -1 && fcntl(file->fd, F_SETFL, on ? flags | O_DIRECT : flags & ~O_DIRECT) == 0)
        file->direct = on;
}

/* Writes len bytes at offset, all of them; 0 or an errno.  An O_DIRECT
 * write the file system turns down (EINVAL) is made again without it. */
static int write_at(kg_outfile *file, const unsigned char *p, size_t len, off_t offset) {
    while (len > 0) {
        ssize_t n = pwrite(file->fd, p, len, offset);
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0 && errno == EINVAL && file->direct) {
            set_direct(file, false);
            if (!file->direct)
                continue;
        }
        if (n < 0)
            return errno;
        if (n == 0)
            return EIO;
        p += n;
        len -= (size_t)n;
        offset += n;
    }
    return 0;
}

static void *writer_main(void *arg) {
    kg_outfile *file = arg;
    pthread_mutex_lock(&file->lock);
    for (;;) {
        while (file->job == NULL && !file->quit)
            pthread_cond_wait(&file->cond, &file->lock);
        if (file->job == NULL)
            break;
        const unsigned char *p = file->job;
        size_t len = file->job_len;
        off_t offset = file->job_offset;
        bool failed = file->error != 0;
        pthread_mutex_unlock(&file->lock);
        int e = failed ? 0 : write_at(file, p, len, offset);
        pthread_mutex_lock(&file->lock);
        if (e != 0 && file->error == 0)
            file->error = e;
        file->job = NULL;
        pthread_cond_broadcast(&file->cond);
    }
    pthread_mutex_unlock(&file->lock);
    return NULL;
}

/* Waits until the thread has written what it was given; then file->error
 * is stable. */
static void wait_idle(kg_outfile *file) {
    if (!file->thread_started)
        return;
    pthread_mutex_lock(&file->lock);
    while (file->job != NULL)
        pthread_cond_wait(&file->cond, &file->lock);
    pthread_mutex_unlock(&file->lock);
}

static void stop_writer(kg_outfile *file) {
    if (!file->thread_started)
        return;
    pthread_mutex_lock(&file->lock);
    file->quit = true;
    pthread_cond_broadcast(&file->cond);
    pthread_mutex_unlock(&file->lock);
    pthread_join(file->thread, NULL);
    file->thread_started = false;
}

/* Hands the full block[cur] to the thread (or writes it here if no thread
 * can start) and switches to the other block. */
static int post_block(kg_outfile *file) {
    wait_idle(file);
    if (file->error != 0)
        return file->error;
    if (!file->thread_started) {
        if (pthread_create(&file->thread, NULL, writer_main, file) == 0)
            file->thread_started = true;
        else if ((file->error = write_at(file, file->block[file->cur], file->fill, file->offset)) !=
                 0)
            return file->error;
    }
    if (file->thread_started) {
        pthread_mutex_lock(&file->lock);
        file->job = file->block[file->cur];
        file->job_len = file->fill;
        file->job_offset = file->offset;
        pthread_cond_broadcast(&file->cond);
        pthread_mutex_unlock(&file->lock);
        file->cur ^= 1;
    }
    file->offset += (off_t)file->fill;
    file->fill = 0;
    return 0;
}

static ssize_t write_cookie(void *cookie, const char *buf, size_t size) {
    kg_outfile *file = cookie;
    if (file->closing)
        return (ssize_t)size; /* an abort, or a finish that has written all */
    size_t done = 0;
    while (done < size) {
        size_t n = size - done;
        if (n > KG_OUTFILE_BLOCK - file->fill)
            n = KG_OUTFILE_BLOCK - file->fill;
        memcpy(file->block[file->cur] + file->fill, buf + done, n);
        file->fill += n;
        done += n;
        int e = file->fill == KG_OUTFILE_BLOCK ? post_block(file) : 0;
        if (e != 0) {
            errno = e;
            return 0; /* an error, for stdio */
        }
    }
    return (ssize_t)size;
}

/* fd is the file's, closed by kg_outfile_finish or abort. */
static int close_cookie(void *cookie) {
    (void)cookie;
    return 0;
}

/* Writes what the stream holds: the whole blocks of the last one with
 * O_DIRECT, the rest without.  0 or an errno. */
static int write_tail(kg_outfile *file) {
    wait_idle(file);
    if (file->error != 0)
        return file->error;
    size_t whole = file->direct ? file->fill & ~(KG_OUTFILE_ALIGN - 1) : 0;
    int e = write_at(file, file->block[file->cur], whole, file->offset);
    if (e == 0 && file->direct)
        set_direct(file, false);
    if (e == 0 && file->direct)
        e = EINVAL; /* cannot leave O_DIRECT for the unaligned end */
    if (e == 0)
        e = write_at(file, file->block[file->cur] + whole, file->fill - whole,
                     file->offset + (off_t)whole);
    file->offset += (off_t)file->fill;
    file->fill = 0;
    return e;
}

/* Ends the writer, the stream and fd; the temporary file stays.  0, or
 * the errno of a failed close. */
static int outfile_close(kg_outfile *file) {
    stop_writer(file);
    file->closing = true; /* what stdio still holds is dropped: no block, no thread */
    if (file->stream != NULL)
        fclose(file->stream);
    file->stream = NULL;
    int e = file->fd >= 0 && close(file->fd) != 0 ? errno : 0;
    file->fd = -1;
    return e;
}

static void outfile_free(kg_outfile *file) {
    pthread_cond_destroy(&file->cond);
    pthread_mutex_destroy(&file->lock);
    free(file->block[0]);
    free(file->block[1]);
    free(file->path);
    free(file->tmp);
    free(file);
}

kg_status kg_outfile_open(kg_outfile **out, const char *path, kg_error *err) {
    kg_status st = KG_OK;
    kg_outfile *file = NULL;
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
    if (file == NULL)
        return kg_error_set(err, KG_ERR_NOMEM, path, 0, 0, "out of memory");
    file->fd = -1;
    pthread_mutex_init(&file->lock, NULL);
    pthread_cond_init(&file->cond, NULL);
    if ((file->path = copy_of(path, strlen(path))) == NULL ||
        (file->tmp = malloc(dir_len + 1 + strlen(name) + sizeof suffix)) == NULL ||
        posix_memalign((void **)&file->block[0], KG_OUTFILE_ALIGN, KG_OUTFILE_BLOCK) != 0 ||
        posix_memalign((void **)&file->block[1], KG_OUTFILE_ALIGN, KG_OUTFILE_BLOCK) != 0) {
        st = kg_error_set(err, KG_ERR_NOMEM, path, 0, 0, "out of memory");
        goto cleanup;
    }
    file->dir_len = dir_len;
    memcpy(file->tmp, path, dir_len);
    snprintf(file->tmp + dir_len, 1 + strlen(name) + sizeof suffix, ".%s%s", name, suffix);

    file->fd = mkstemp(file->tmp);
    if (file->fd < 0) {
        st = io_error(err, path, "cannot create a temporary file in its directory", errno);
        free(file->tmp);
        file->tmp = NULL; /* nothing to remove */
        goto cleanup;
    }
    struct stat target;
    mode_t mode = (stat(path, &target) == 0 && S_ISREG(target.st_mode)) ? (target.st_mode & 07777)
                                                                        : (0666 & ~current_umask());
    if (fchmod(file->fd, mode) != 0) {
        st = io_error(err, path, "cannot set the permissions of the temporary file", errno);
        goto cleanup;
    }
    /* where the file system takes it, unless KGRAPH_DIRECT_IO=0 */
    const char *direct = getenv("KGRAPH_DIRECT_IO");
    if (direct == NULL || strcmp(direct, "0") != 0)
        set_direct(file, true);
    cookie_io_functions_t io = {.write = write_cookie, .close = close_cookie};
    file->stream = fopencookie(file, "wb", io);
    if (file->stream == NULL) {
        st = io_error(err, path, "cannot open the temporary file", errno);
        goto cleanup;
    }
    *out = file;
    file = NULL;

cleanup:
    kg_outfile_abort(file);
    return st;
}

FILE *kg_outfile_stream(kg_outfile *file) {
    return file != NULL ? file->stream : NULL;
}

void kg_outfile_abort(kg_outfile *file) {
    if (file == NULL)
        return;
    outfile_close(file);
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
    kg_status st = KG_OK;
    /* a failed block write fails the flush with its errno */
    int e = fflush(file->stream) != 0 || ferror(file->stream) ? (errno != 0 ? errno : EIO)
                                                              : write_tail(file);
    if (e != 0)
        st = io_error(err, file->path, "write failed", e);
    else if (fsync(file->fd) != 0)
        st = io_error(err, file->path, "cannot sync to disk", errno);
    e = outfile_close(file);
    if (e != 0 && st == KG_OK)
        st = io_error(err, file->path, "write failed", e);
    return st;
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
