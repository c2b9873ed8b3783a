/* kg_spill.c — the scratch file of kg_spill.h: an unlinked temporary file
 * behind a write buffer; read back through a second buffer, the bytes never
 * flushed straight from the first. */
#include "kg_spill.h"

#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* Large enough that writes and reads cost one system call per megabyte. */
#define SPILL_BUFFER ((size_t)1 << 20)

struct kg_spill {
    int fd;
    char *buf;        /* the bytes written after the first flushed (the tail) */
    size_t len;       /* bytes in buf */
    uint64_t flushed; /* bytes in the file that count (a failed write may leave more) */
    /* Reading: the file's bytes through rbuf, then the tail, in place. */
    char *rbuf;
    size_t rlen, rat; /* bytes in rbuf, next byte of rbuf */
    uint64_t pos;     /* next byte to read, counting from the file's first */
    bool reading;
};

kg_status kg_spill_open(kg_spill **out, const char *dir) {
    *out = NULL;
    if (dir == NULL || dir[0] == '\0')
        dir = getenv("TMPDIR");
    if (dir == NULL || dir[0] == '\0')
        dir = "/tmp";
    kg_spill *spill = calloc(1, sizeof *spill);
    if (spill != NULL)
        spill->fd = -1;
    size_t plen = strlen(dir) + sizeof "/kgraph-spill-XXXXXX";
    char *path = malloc(plen);
    if (spill == NULL || path == NULL || (spill->buf = malloc(SPILL_BUFFER)) == NULL) {
        free(path);
        kg_spill_free(spill);
        errno = ENOMEM;
        return KG_ERR_NOMEM;
    }
    snprintf(path, plen, "%s/kgraph-spill-XXXXXX", dir);
    spill->fd = mkstemp(path);
    if (spill->fd < 0) {
        int e = errno;
        free(path);
        kg_spill_free(spill);
        errno = e;
        return KG_ERR_IO;
    }
    unlink(path); /* nothing to clean up later, whatever happens */
    free(path);
    *out = spill;
    return KG_OK;
}

/* Writes all of the buffer to the file after its first flushed bytes; on
 * failure the buffer is kept, and what part of it reached the file does
 * not count (it is overwritten by the next flush, never read). */
static kg_status spill_flush(kg_spill *spill) {
    size_t done = 0;
    while (done < spill->len) {
        ssize_t w =
            pwrite(spill->fd, spill->buf + done, spill->len - done, (off_t)(spill->flushed + done));
        if (w < 0 && errno == EINTR)
            continue;
        if (w <= 0) {
            if (w == 0)
                errno = ENOSPC;
            return KG_ERR_IO;
        }
        done += (size_t)w;
    }
    spill->flushed += spill->len;
    spill->len = 0;
    return KG_OK;
}

kg_status kg_spill_write(kg_spill *spill, const void *bytes, size_t n) {
    if (spill->reading)
        return KG_ERR_USAGE;
    const char *p = bytes;
    while (n > 0) {
        if (spill->len == SPILL_BUFFER && spill_flush(spill) != KG_OK)
            return KG_ERR_IO;
        size_t k = SPILL_BUFFER - spill->len;
        if (k > n)
            k = n;
        memcpy(spill->buf + spill->len, p, k);
        spill->len += k;
        p += k;
        n -= k;
    }
    return KG_OK;
}

uint64_t kg_spill_mark(const kg_spill *spill) {
    return spill->flushed + spill->len;
}

kg_status kg_spill_rollback(kg_spill *spill, uint64_t mark) {
    if (spill->reading || mark > kg_spill_mark(spill))
        return KG_ERR_USAGE;
    if (mark >= spill->flushed) {
        spill->len = (size_t)(mark - spill->flushed);
    } else { /* the file's bytes past mark no longer count */
        spill->len = 0;
        spill->flushed = mark;
    }
    return KG_OK;
}

kg_status kg_spill_rewind(kg_spill *spill) {
    /* Nothing is flushed: the tail is read where it is, so that a file
     * that can take no more (a full disk) can still be read back. */
    if (spill->flushed > 0 && spill->rbuf == NULL && (spill->rbuf = malloc(SPILL_BUFFER)) == NULL) {
        errno = ENOMEM;
        return KG_ERR_NOMEM;
    }
    spill->reading = true;
    spill->pos = 0;
    spill->rlen = spill->rat = 0;
    return KG_OK;
}

/* Refills rbuf from the file at pos (pos < flushed). */
static kg_status spill_fill(kg_spill *spill) {
    uint64_t left = spill->flushed - spill->pos;
    size_t want = left < SPILL_BUFFER ? (size_t)left : SPILL_BUFFER;
    for (;;) {
        ssize_t r = pread(spill->fd, spill->rbuf, want, (off_t)spill->pos);
        if (r < 0 && errno == EINTR)
            continue;
        if (r <= 0) {
            if (r == 0)
                errno = EIO; /* the file is shorter than what was written */
            return KG_ERR_IO;
        }
        spill->rlen = (size_t)r;
        spill->rat = 0;
        return KG_OK;
    }
}

kg_status kg_spill_read(kg_spill *spill, void *bytes, size_t n) {
    if (!spill->reading)
        return KG_ERR_USAGE;
    char *p = bytes;
    while (n > 0) {
        const char *from;
        size_t k;
        if (spill->pos < spill->flushed) {
            if (spill->rat == spill->rlen && spill_fill(spill) != KG_OK)
                return KG_ERR_IO;
            from = spill->rbuf + spill->rat;
            k = spill->rlen - spill->rat;
        } else {
            size_t at = (size_t)(spill->pos - spill->flushed);
            if (at == spill->len) {
                errno = EIO; /* reading past what was written */
                return KG_ERR_IO;
            }
            from = spill->buf + at;
            k = spill->len - at;
        }
        if (k > n)
            k = n;
        memcpy(p, from, k);
        if (spill->pos < spill->flushed)
            spill->rat += k;
        spill->pos += k;
        p += k;
        n -= k;
    }
    return KG_OK;
}

void kg_spill_free(kg_spill *spill) {
    if (spill == NULL)
        return;
    if (spill->fd >= 0)
        close(spill->fd);
    free(spill->buf);
    free(spill->rbuf);
    free(spill);
}
