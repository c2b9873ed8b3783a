/* kg_reader.c — documents in: plain-text files, directories, JSON Lines and
 * stdin, one kg_document at a time (the "documents" part of kg_extract.h),
 * and kg_detect_lang.
 *
 * Contract details beyond the header:
 *
 * - Plain-text files (*.txt, *.md, anything given directly that is not
 *   *.jsonl or *.json) are read whole and cleaned with kg_text_clean (BOM stripped,
 *   CRLF/CR → LF, invalid UTF-8 → U+FFFD counted in n_invalid, NFC).  The
 *   lines at the very top that start with "# " are metadata: "# lang: ru",
 *   "# source: URL" (or "# url: URL"), "# title: ...", "# date: ..." fill the
 *   matching fields, other keys are ignored, and every such line is removed
 *   from the text.  Evidence offsets therefore refer to the document text
 *   after the metadata lines are removed (kg_document.text), not to the file.
 * - Document ids: the path relative to the directory argument for files found
 *   in a directory ("en/01.txt"), the base name for a file given directly,
 *   "stdin" for plain text on stdin, the "id" member for JSON Lines.
 * - Directories are walked recursively following symbolic links; entries
 *   whose name starts with '.' are skipped, and so are README.* files (they
 *   describe a corpus folder such as samples/; a README given directly is
 *   read like any file); each directory (st_dev, st_ino)
 *   is entered once, so symlink loops terminate.  The files found are
 *   returned in byte order of their relative paths.
 * - JSON Lines are streamed line by line: one object per line with string
 *   "id" and "text", optional string (or null) "title", "date", "lang",
 *   "url"; blank lines are skipped.
 * - Facts (kg_facts.h): every line of a *.facts.jsonl file is the facts of
 *   one document as `kgraph extract` writes them (KG_FACTS_JSONL); a *.json
 *   file given directly, or a *.facts.json file found in a directory, is
 *   the facts of one document in the external format (KG_FACTS_EXTERNAL,
 *   "doc" defaulting to the file's id).  Inside directories *.gold.json and
 *   other *.json files are not read: gold annotations sit beside their
 *   texts (samples/expected, the evaluation corpus) and must not be built
 *   into the graph of those texts.  On stdin, a JSON line with "doc" and no
 *   "text" is facts, any other a document.  Such documents carry
 *   kg_document.facts and no text.
 * - Errors: KG_ERR_INPUT concerns one input or document (missing file, empty
 *   directory, empty or binary document, JSON line with empty text); the
 *   reader has already moved past it, so the caller may report it and call
 *   kg_reader_next again.  Any other error (KG_ERR_IO, KG_ERR_PARSE,
 *   KG_ERR_NOMEM) stops the reader: later calls return the same error.
 *   With kg_reader_set_skip_malformed (--on-error=skip) a malformed JSON
 *   line, a malformed facts file and a file that cannot be opened or read
 *   are KG_ERR_INPUT instead: the message is the same, the reader goes on.
 * - Limits (kg_limits.max_doc_bytes, docs/reliability.md): a file (or stdin)
 *   is read up to max_doc_bytes + 1 bytes and a longer one cut at the last
 *   character boundary at or before max_doc_bytes, with doc->truncated set;
 *   so is the "text" of a JSON line.  JSON lines are read by read_line,
 *   which keeps at most 4 x max_doc_bytes bytes: a longer line is skipped
 *   (KG_ERR_INPUT, naming file and line).  A facts file of more than that is
 *   skipped the same way.  Memory therefore stays within a few times the
 *   limit whatever the input, a 100 MB file without a newline included.
 */
/* readdir's d_type (a BSD extension in glibc's <dirent.h>) spares a stat of
 * every file of a corpus. */
#define _DEFAULT_SOURCE
/* preadv2 and RWF_NOWAIT (glibc, Linux 4.14 and later) */
#define _GNU_SOURCE

#include "kg_extract_internal.h"
#include "kg_facts.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <jansson.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/uio.h>
#include <time.h>
#include <unistd.h>

/* Bytes inspected for NUL to call a file binary. */
#define KG_BINARY_PROBE 8192

#define KG_STDIN_WHERE "<stdin>"

/* ---- small helpers -------------------------------------------------------- */

/* A growable array of owned strings. */
typedef struct str_list {
    char **items;
    size_t n, cap;
} str_list;

static kg_status str_list_push(str_list *list, char *s) {
    if (s == NULL)
        return KG_ERR_NOMEM;
    if (list->n == list->cap) {
        size_t cap = list->cap ? list->cap * 2 : 16;
        char **items = realloc(list->items, cap * sizeof *items);
        if (items == NULL) {
            free(s);
            return KG_ERR_NOMEM;
        }
        list->items = items;
        list->cap = cap;
    }
    list->items[list->n++] = s;
    return KG_OK;
}

static void str_list_clear(str_list *list) {
    for (size_t i = 0; i < list->n; i++)
        free(list->items[i]);
    free(list->items);
    memset(list, 0, sizeof *list);
}

static char *dup_str(const char *s) {
    size_t n = strlen(s) + 1;
    char *copy = malloc(n);
    if (copy != NULL)
        memcpy(copy, s, n);
    return copy;
}

/* dir + "/" + name (no doubled slash; "" dir gives name); new string. */
static char *join_path(const char *dir, const char *name) {
    size_t dl = strlen(dir), nl = strlen(name);
    int slash = dl > 0 && dir[dl - 1] != '/';
    char *p = malloc(dl + (size_t)slash + nl + 1);
    if (p == NULL)
        return NULL;
    memcpy(p, dir, dl);
    if (slash)
        p[dl] = '/';
    memcpy(p + dl + (size_t)slash, name, nl + 1);
    return p;
}

static const char *base_name(const char *path) {
    size_t n = strlen(path);
    while (n > 1 && path[n - 1] == '/')
        n--; /* "dir/a.txt/" is unusual, but keep the name */
    const char *slash = NULL;
    for (size_t i = 0; i + 1 < n; i++)
        if (path[i] == '/')
            slash = path + i;
    return slash != NULL ? slash + 1 : path;
}

static int ascii_lower(int c) {
    return (c >= 'A' && c <= 'Z') ? c + ('a' - 'A') : c;
}

/* Case-insensitive (ASCII) test that name ends with ext (".txt"). */
static int has_ext(const char *name, const char *ext) {
    size_t n = strlen(name), e = strlen(ext);
    if (n <= e)
        return 0;
    for (size_t i = 0; i < e; i++)
        if (ascii_lower((unsigned char)name[n - e + i]) != ext[i])
            return 0;
    return 1;
}

static int is_jsonl_name(const char *name) {
    return has_ext(name, ".jsonl");
}

static int is_facts_jsonl_name(const char *name) {
    return has_ext(name, ".facts.jsonl");
}

static int is_json_name(const char *name) {
    return has_ext(name, ".json");
}

/* A README.md / readme.txt describes a corpus folder; it is not an article. */
static int is_readme(const char *name) {
    static const char readme[] = "readme.";
    for (size_t i = 0; i < sizeof readme - 1; i++)
        if (ascii_lower((unsigned char)name[i]) != readme[i])
            return 0;
    return 1;
}

/* What a directory walk picks up (see the file comment for *.json). */
static int is_document_name(const char *name) {
    return (has_ext(name, ".txt") || has_ext(name, ".md") || is_jsonl_name(name) ||
            has_ext(name, ".facts.json")) &&
           !is_readme(name);
}

static int cmp_str_ptr(const void *a, const void *b) {
    return strcmp(*(const char *const *)a, *(const char *const *)b);
}

static const char *errno_text(int errnum, char *buf, size_t size) {
    if (errnum == ENOENT)
        return "No such file or directory"; /* the same text in every locale */
    if (strerror_r(errnum, buf, size) != 0)
        snprintf(buf, size, "error %d", errnum);
    return buf;
}

/* True when s[0..len) holds only white space (Unicode Zs, tabs, newlines). */
static int is_blank(const char *s, size_t len) {
    size_t pos = 0;
    while (pos < len) {
        int32_t cp = kg_utf8_next(s, len, &pos);
        if (cp < 0 || !kg_cp_is_space(cp))
            return 0;
    }
    return 1;
}

/* ---- visited directories: a set of (st_dev, st_ino) ------------------------- */

typedef struct dir_key {
    dev_t dev;
    ino_t ino;
    int used;
} dir_key;

typedef struct dir_set {
    dir_key *slots; /* open addressing, capacity a power of two */
    size_t n, cap;
} dir_set;

static size_t dir_hash(dev_t dev, ino_t ino) {
    uint64_t h = (uint64_t)dev * 0x9E3779B97F4A7C15u ^ (uint64_t)ino;
    h ^= h >> 31;
    h *= 0xBF58476D1CE4E5B9u;
    h ^= h >> 29;
    return (size_t)h;
}

static kg_status dir_set_grow(dir_set *set) {
    size_t cap = set->cap ? set->cap * 2 : 64;
    dir_key *slots = calloc(cap, sizeof *slots);
    if (slots == NULL)
        return KG_ERR_NOMEM;
    for (size_t i = 0; i < set->cap; i++) {
        if (!set->slots[i].used)
            continue;
        size_t j = dir_hash(set->slots[i].dev, set->slots[i].ino) & (cap - 1);
        while (slots[j].used)
            j = (j + 1) & (cap - 1);
        slots[j] = set->slots[i];
    }
    free(set->slots);
    set->slots = slots;
    set->cap = cap;
    return KG_OK;
}

/* Adds (dev, ino); *added is 0 when it was already present. */
static kg_status dir_set_add(dir_set *set, dev_t dev, ino_t ino, int *added) {
    if (2 * (set->n + 1) > set->cap) {
        kg_status st = dir_set_grow(set);
        if (st != KG_OK)
            return st;
    }
    size_t j = dir_hash(dev, ino) & (set->cap - 1);
    while (set->slots[j].used) {
        if (set->slots[j].dev == dev && set->slots[j].ino == ino) {
            *added = 0;
            return KG_OK;
        }
        j = (j + 1) & (set->cap - 1);
    }
    set->slots[j].dev = dev;
    set->slots[j].ino = ino;
    set->slots[j].used = 1;
    set->n++;
    *added = 1;
    return KG_OK;
}

/* ---- directory walk -------------------------------------------------------- */

/* A directory entry's name behind one character: 'f' when readdir knows it
 * is a regular file, '?' for anything else (a directory, a symbolic link,
 * or a file system that does not say), which collect_files then stats. */
static char *typed_name(const struct dirent *ent) {
    size_t n = strlen(ent->d_name);
    char *s = malloc(n + 2);
    if (s == NULL)
        return NULL;
    s[0] = ent->d_type == DT_REG ? 'f' : '?';
    memcpy(s + 1, ent->d_name, n + 1);
    return s;
}

static int cmp_typed_name(const void *a, const void *b) {
    return strcmp(*(const char *const *)a + 1, *(const char *const *)b + 1);
}

/* Collects the relative paths of every document file (is_document_name) under dir
 * into files (sorted, byte order).  Directories are walked depth first with
 * their entries in byte order, each (st_dev, st_ino) once: when symbolic
 * links make a directory reachable twice, the route met first in that order
 * wins, whatever order readdir returns.  Iterative (an explicit stack), so
 * deep trees cannot exhaust the C stack. */
static kg_status collect_files(const char *dir, const struct stat *dir_st, str_list *files,
                               kg_error *err) {
    kg_status st = KG_OK;
    str_list pending = {0}, names = {0}, subdirs = {0};
    dir_set seen = {0};
    DIR *dh = NULL;
    char *rel = NULL, *full = NULL, *child_rel = NULL, *child_full = NULL;
    char ebuf[128];
    int added = 0;

    st = dir_set_add(&seen, dir_st->st_dev, dir_st->st_ino, &added);
    if (st != KG_OK)
        goto cleanup;
    st = str_list_push(&pending, dup_str(""));
    if (st != KG_OK)
        goto cleanup;

    while (pending.n > 0) {
        rel = pending.items[--pending.n];
        full = join_path(dir, rel);
        if (full == NULL) {
            st = KG_ERR_NOMEM;
            goto cleanup;
        }
        dh = opendir(full);
        if (dh == NULL) {
            st = kg_error_set(err, KG_ERR_IO, full, 0, 0, "cannot open directory: %s",
                              errno_text(errno, ebuf, sizeof ebuf));
            goto cleanup;
        }
        for (;;) {
            errno = 0;
            struct dirent *ent = readdir(dh);
            if (ent == NULL) {
                if (errno != 0) {
                    st = kg_error_set(err, KG_ERR_IO, full, 0, 0, "cannot read directory: %s",
                                      errno_text(errno, ebuf, sizeof ebuf));
                    goto cleanup;
                }
                break;
            }
            if (ent->d_name[0] == '.') /* ".", ".." and hidden entries */
                continue;
            st = str_list_push(&names, typed_name(ent));
            if (st != KG_OK)
                goto cleanup;
        }
        closedir(dh);
        dh = NULL;
        if (names.n > 1)
            qsort(names.items, names.n, sizeof *names.items, cmp_typed_name);

        for (size_t i = 0; i < names.n; i++) {
            const char *name = names.items[i] + 1;
            bool regular = names.items[i][0] == 'f';
            child_rel = join_path(rel, name);
            child_full = child_rel != NULL ? join_path(dir, child_rel) : NULL;
            if (child_full == NULL) {
                st = KG_ERR_NOMEM;
                goto cleanup;
            }
            struct stat cst;
            if (regular) {
                /* readdir said so: no stat for the files (most entries) */
                if (is_document_name(name)) {
                    st = str_list_push(files, child_rel);
                    child_rel = NULL;
                    if (st != KG_OK)
                        goto cleanup;
                }
            } else if (stat(child_full, &cst) != 0) {
                /* Dangling symbolic links and links that loop on themselves
                 * are not documents: skip them. */
                if (errno != ENOENT && errno != ELOOP) {
                    st = kg_error_set(err, KG_ERR_IO, child_full, 0, 0, "%s",
                                      errno_text(errno, ebuf, sizeof ebuf));
                    goto cleanup;
                }
            } else if (S_ISDIR(cst.st_mode)) {
                st = dir_set_add(&seen, cst.st_dev, cst.st_ino, &added);
                if (st != KG_OK)
                    goto cleanup;
                if (added) {
                    st = str_list_push(&subdirs, child_rel);
                    child_rel = NULL;
                    if (st != KG_OK)
                        goto cleanup;
                }
            } else if (S_ISREG(cst.st_mode) && is_document_name(name)) {
                st = str_list_push(files, child_rel);
                child_rel = NULL;
                if (st != KG_OK)
                    goto cleanup;
            }
            free(child_rel);
            free(child_full);
            child_rel = child_full = NULL;
        }
        /* Reversed onto the stack, so the first in byte order is walked first. */
        while (subdirs.n > 0) {
            st = str_list_push(&pending, subdirs.items[--subdirs.n]);
            if (st != KG_OK)
                goto cleanup;
        }
        str_list_clear(&names);
        free(rel);
        free(full);
        rel = full = NULL;
    }
    if (files->n > 1)
        qsort(files->items, files->n, sizeof *files->items, cmp_str_ptr);

cleanup:
    if (dh != NULL)
        closedir(dh);
    free(rel);
    free(full);
    free(child_rel);
    free(child_full);
    str_list_clear(&pending);
    str_list_clear(&names);
    str_list_clear(&subdirs);
    free(seen.slots);
    return st;
}

/* ---- reader ---------------------------------------------------------------- */

/* What the lines of a JSON Lines stream are. */
typedef enum jsonl_kind {
    JSONL_DOCUMENTS, /* {"id", "text", ...} */
    JSONL_FACTS,     /* *.facts.jsonl */
    JSONL_SNIFF      /* stdin: facts when a line has "doc" and no "text" */
} jsonl_kind;

struct kg_reader {
    kg_strpool *pool; /* borrowed */
    str_list inputs;  /* copies of the input arguments */
    size_t next_input;

    /* The directory input being read: its files, relative to dir. */
    char *dir;
    str_list dir_files;
    size_t next_dir_file;
    struct read_ahead *ahead; /* loads dir_files ahead of next_dir_file, or NULL */

    /* The JSON Lines stream being read, or NULL. */
    FILE *jsonl;
    int jsonl_owned; /* 0 for stdin, which is never closed */
    jsonl_kind jsonl_kind;
    const char *jsonl_source; /* pooled */
    size_t jsonl_line;        /* number of the last line read */
    char *line;
    size_t line_cap;

    char *text;         /* cleaned text of the current document */
    kg_doc_facts facts; /* facts of the current document when it was facts */
    size_t count;

    kg_status stopped; /* sticky error, KG_OK while the reader can go on */
    kg_error stop_err;

    size_t max_doc_bytes; /* kg_limits; 0: none */
    bool skip_malformed;  /* on_error=skip */
    bool read_ahead;      /* kg_reader_set_read_ahead */
};

kg_status kg_reader_new(kg_reader **out, kg_strpool *pool, const char *const *inputs,
                        size_t n_inputs) {
    kg_status st = KG_OK;
    kg_reader *reader = NULL;
    if (out == NULL)
        return KG_ERR_USAGE;
    *out = NULL;
    if (pool == NULL || (inputs == NULL && n_inputs > 0))
        return KG_ERR_USAGE;
    reader = calloc(1, sizeof *reader);
    if (reader == NULL)
        return KG_ERR_NOMEM;
    reader->pool = pool;
    reader->max_doc_bytes = ((kg_limits)KG_LIMITS_DEFAULT).max_doc_bytes;
    for (size_t i = 0; i < n_inputs; i++) {
        if (inputs[i] == NULL) {
            st = KG_ERR_USAGE;
            goto cleanup;
        }
        st = str_list_push(&reader->inputs, dup_str(inputs[i]));
        if (st != KG_OK)
            goto cleanup;
    }
    *out = reader;
    reader = NULL;

cleanup:
    kg_reader_free(reader);
    return st;
}

static void close_jsonl(kg_reader *reader) {
    if (reader->jsonl != NULL && reader->jsonl_owned)
        fclose(reader->jsonl);
    reader->jsonl = NULL;
    reader->jsonl_owned = 0;
    reader->jsonl_kind = JSONL_DOCUMENTS;
    reader->jsonl_source = NULL;
    reader->jsonl_line = 0;
}

static void read_ahead_stop(struct read_ahead *a);

static void close_dir(kg_reader *reader) {
    read_ahead_stop(reader->ahead);
    reader->ahead = NULL;
    free(reader->dir);
    reader->dir = NULL;
    str_list_clear(&reader->dir_files);
    reader->next_dir_file = 0;
}

void kg_reader_free(kg_reader *reader) {
    if (reader == NULL)
        return;
    close_jsonl(reader);
    close_dir(reader);
    str_list_clear(&reader->inputs);
    free(reader->line);
    free(reader->text);
    kg_doc_facts_clear(&reader->facts);
    free(reader);
}

size_t kg_reader_count(const kg_reader *reader) {
    return reader != NULL ? reader->count : 0;
}

void kg_reader_set_limits(kg_reader *reader, const kg_limits *limits) {
    if (reader != NULL && limits != NULL)
        reader->max_doc_bytes = limits->max_doc_bytes;
}

void kg_reader_set_skip_malformed(kg_reader *reader, bool skip) {
    if (reader != NULL)
        reader->skip_malformed = skip;
}

void kg_reader_set_read_ahead(kg_reader *reader, bool on) {
    if (reader != NULL)
        reader->read_ahead = on;
}

/* Bytes a JSON line or a facts file may have: four times max_doc_bytes
 * (escapes, and facts repeat their sentences as evidence); 0 for none. */
static size_t max_json_bytes(const kg_reader *reader) {
    size_t max = reader->max_doc_bytes;
    return max > SIZE_MAX / 4 ? 0 : 4 * max;
}

/* Under on_error=skip, a malformed or unreadable input is one unusable
 * input (KG_ERR_INPUT, described in err as it was) the reader moves past. */
static kg_status skippable(const kg_reader *reader, kg_status st, kg_error *err) {
    if (reader->skip_malformed && (st == KG_ERR_PARSE || st == KG_ERR_IO)) {
        if (err != NULL && err->status == st)
            err->status = KG_ERR_INPUT;
        st = KG_ERR_INPUT;
    }
    return st;
}

/* The length of the longest prefix of s[0..len) of at most max bytes that
 * does not end inside a UTF-8 sequence (max < len). */
static size_t cut_at_character(const char *s, size_t len, size_t max) {
    size_t cut = max;
    /* s[cut] is the first byte dropped: back off while it continues a
     * sequence (at most 3 bytes, so that invalid runs still cut near max) */
    while (cut > 0 && cut + 3 > max && cut < len && ((unsigned char)s[cut] & 0xC0) == 0x80)
        cut--;
    return cut;
}

/* Interns s (NULL for NULL). */
static kg_status intern(kg_strpool *pool, const char *s, size_t len, const char **out) {
    *out = NULL;
    if (s == NULL)
        return KG_OK;
    *out = kg_strpool_intern(pool, s, len);
    return *out != NULL ? KG_OK : KG_ERR_NOMEM;
}

/* Doubles the read buffer *buf of *cap bytes (plus one for a NUL), at
 * most to limit; false (the buffer untouched) when out of memory. */
static bool grow_read_buffer(char **buf, size_t *cap, size_t limit) {
    size_t bigger_cap = *cap > (limit - 1) / 2 ? limit : *cap * 2;
    char *bigger = realloc(*buf, bigger_cap + 1);
    if (bigger == NULL)
        return false;
    *buf = bigger;
    *cap = bigger_cap;
    return true;
}

/* Hands the n bytes read into buf out as *out: cut at a character to max
 * (when max > 0) with *truncated set, NUL-terminated. */
static void finish_read(char *buf, size_t n, size_t max, char **out, size_t *out_len,
                        bool *truncated) {
    if (max > 0 && n > max) {
        n = cut_at_character(buf, n, max);
        *truncated = true;
    }
    buf[n] = '\0';
    *out = buf;
    *out_len = n;
}

/* Reads all of f into a new NUL-terminated buffer (prefix, if any, first),
 * or when max > 0 and f holds more than max bytes, its first max bytes cut
 * at a character (cut_at_character) with *truncated set: memory stays
 * within max whatever the size of f. */
static kg_status read_stream(FILE *f, const char *prefix, size_t prefix_len, size_t max, char **out,
                             size_t *out_len, bool *truncated) {
    size_t cap = prefix_len + 8192, n = prefix_len;
    /* one byte more than max tells whether there is more */
    size_t limit = max > 0 && max < SIZE_MAX ? max + 1 : SIZE_MAX - 1;
    *truncated = false;
    if (cap > limit)
        cap = limit > prefix_len ? limit : prefix_len;
    char *buf = malloc(cap + 1);
    if (buf == NULL)
        return KG_ERR_NOMEM;
    if (prefix_len > 0)
        memcpy(buf, prefix, prefix_len);
    for (;;) {
        n += fread(buf + n, 1, cap - n, f);
        if (n < cap || n >= limit)
            break;
        if (!grow_read_buffer(&buf, &cap, limit)) {
            free(buf);
            return KG_ERR_NOMEM;
        }
    }
    if (ferror(f)) {
        free(buf);
        return KG_ERR_IO;
    }
    finish_read(buf, n, max, out, out_len, truncated);
    return KG_OK;
}

/* Parses "# key: value" into the document; unknown keys are ignored. */
static kg_status parse_metadata_line(kg_strpool *pool, const char *line, size_t len,
                                     kg_document *doc) {
    size_t k = 2, key_start, key_end;
    while (k < len && (line[k] == ' ' || line[k] == '\t'))
        k++;
    key_start = k;
    while (k < len && line[k] != ':' && line[k] != ' ' && line[k] != '\t')
        k++;
    key_end = k;
    if (k >= len || line[k] != ':' || key_end == key_start)
        return KG_OK; /* a comment, not "key: value" */
    k++;
    while (k < len && (line[k] == ' ' || line[k] == '\t'))
        k++;
    size_t v_end = len;
    while (v_end > k && (line[v_end - 1] == ' ' || line[v_end - 1] == '\t'))
        v_end--;
    if (v_end == k)
        return KG_OK;

    char key[16];
    size_t key_len = key_end - key_start;
    if (key_len >= sizeof key)
        return KG_OK;
    for (size_t i = 0; i < key_len; i++)
        key[i] = (char)ascii_lower((unsigned char)line[key_start + i]);
    key[key_len] = '\0';

    const char **field = NULL;
    if (strcmp(key, "lang") == 0 || strcmp(key, "language") == 0)
        field = &doc->lang;
    else if (strcmp(key, "source") == 0 || strcmp(key, "url") == 0)
        field = &doc->url;
    else if (strcmp(key, "title") == 0)
        field = &doc->title;
    else if (strcmp(key, "date") == 0)
        field = &doc->date;
    if (field == NULL)
        return KG_OK;
    if (field == &doc->lang) {
        char lang[16];
        size_t n = v_end - k;
        if (n >= sizeof lang)
            return KG_OK; /* not a language tag */
        for (size_t i = 0; i < n; i++)
            lang[i] = (char)ascii_lower((unsigned char)line[k + i]);
        return intern(pool, lang, n, field);
    }
    return intern(pool, line + k, v_end - k, field);
}

/* A plain-text document's bytes made text: binary check and cleaning
 * (kg_text_clean).  Uses no pool, so it may run on any thread.  where names
 * the source in messages. */
typedef struct plain_text {
    char *clean; /* owned */
    size_t len;
    size_t n_invalid;
} plain_text;

static kg_status plain_clean(const char *raw, size_t raw_len, const char *where, plain_text *out,
                             kg_error *err) {
    size_t first_invalid = 0;
    size_t probe = raw_len < KG_BINARY_PROBE ? raw_len : KG_BINARY_PROBE;
    memset(out, 0, sizeof *out);
    if (memchr(raw, '\0', probe) != NULL)
        return kg_error_set(err, KG_ERR_INPUT, where, 0, 0,
                            "binary file (NUL bytes in the first 8 KiB), not a text document");
    return kg_text_clean(raw, raw_len, &out->clean, &out->len, &out->n_invalid, &first_invalid);
}

/* Makes the cleaned text *t (taken) into *doc: metadata lines, id and
 * source interned in pool.  *text receives the text (which doc->text
 * points into) for the caller to free. */
static kg_status plain_finish(kg_strpool *pool, plain_text *t, const char *where, const char *id,
                              kg_document *doc, char **text, kg_error *err) {
    kg_status st = KG_OK;
    char *clean = t->clean;
    size_t clean_len = t->len;
    t->clean = NULL;

    memset(doc, 0, sizeof *doc);
    size_t pos = 0;
    while (clean_len - pos >= 2 && clean[pos] == '#' && clean[pos + 1] == ' ') {
        const char *nl = memchr(clean + pos, '\n', clean_len - pos);
        size_t end = nl != NULL ? (size_t)(nl - clean) : clean_len;
        st = parse_metadata_line(pool, clean + pos, end - pos, doc);
        if (st != KG_OK)
            goto cleanup;
        pos = nl != NULL ? end + 1 : clean_len;
    }
    if (is_blank(clean + pos, clean_len - pos)) {
        st = kg_error_set(err, KG_ERR_INPUT, where, 0, 0, "empty document");
        goto cleanup;
    }
    st = intern(pool, id, strlen(id), &doc->id);
    if (st == KG_OK)
        st = intern(pool, where, strlen(where), &doc->source);
    if (st != KG_OK)
        goto cleanup;
    doc->text = clean + pos;
    doc->len = clean_len - pos;
    doc->source_line = 0;
    doc->n_invalid = t->n_invalid;
    *text = clean; /* doc->text points into it */
    clean = NULL;

cleanup:
    free(clean);
    if (st != KG_OK)
        memset(doc, 0, sizeof *doc);
    return st;
}

/* Turns the raw bytes of a plain-text document into *doc: binary check,
 * cleaning, metadata.  where names the source in messages; id is the
 * document id.  Takes nothing; *text receives the cleaned text (which
 * doc->text points into) for the caller to free. */
static kg_status plain_doc(kg_strpool *pool, const char *raw, size_t raw_len, const char *where,
                           const char *id, kg_document *doc, char **text, kg_error *err) {
    plain_text t;
    kg_status st = plain_clean(raw, raw_len, where, &t, err);
    if (st == KG_OK)
        st = plain_finish(pool, &t, where, id, doc, text, err);
    free(t.clean);
    if (st != KG_OK)
        memset(doc, 0, sizeof *doc);
    return st;
}

kg_status kg_document_from_bytes(kg_document *doc, char **text, kg_strpool *pool, const char *raw,
                                 size_t len, const char *id, const char *where, kg_error *err) {
    if (text != NULL)
        *text = NULL;
    if (doc == NULL || text == NULL || pool == NULL || (raw == NULL && len > 0) || id == NULL)
        return kg_error_set(err, KG_ERR_USAGE, NULL, 0, 0, "kg_document_from_bytes: NULL argument");
    kg_status st = plain_doc(pool, raw != NULL ? raw : "", len, where != NULL ? where : id, id, doc,
                             text, err);
    if (st != KG_OK && st != KG_ERR_INPUT && (err == NULL || err->status != st))
        kg_error_set(err, st, where, 0, 0, "%s", kg_strerror(st));
    return st;
}

/* plain_doc for the reader: the cleaned text is the reader's. */
static kg_status make_plain_doc(kg_reader *reader, const char *raw, size_t raw_len,
                                const char *where, const char *id, kg_document *doc,
                                kg_error *err) {
    return plain_doc(reader->pool, raw, raw_len, where, id, doc, &reader->text, err);
}

/* One read into buf (up to cap bytes) at the file's position; while
 * *nowait, asks only for what the page cache holds (RWF_NOWAIT, which may
 * give less than the file has left).  When that would wait for the disk
 * (EAGAIN), sets *disk to 1 and reads as usual from then on; where the
 * kernel or the file system does not know the flag, sets *disk to -1
 * (cannot tell) and does the same. */
static ssize_t read_some(int fd, char *buf, size_t cap, bool *nowait, int *disk) {
#ifdef RWF_NOWAIT
    if (*nowait) {
        struct iovec iov = {buf, cap};
        ssize_t got = preadv2(fd, &iov, 1, -1, RWF_NOWAIT);
        if (got >= 0 || errno == EINTR)
            return got;
        *nowait = false;
        *disk = errno == EAGAIN ? 1 : -1;
    }
#else
    *nowait = false;
    *disk = -1;
#endif
    return read(fd, buf, cap);
}

/* Reads the file at path whole (at most max bytes; 0: no limit) into *out,
 * NUL-terminated, a longer one cut at a character with *truncated set: open,
 * fstat, one read and close for a regular file whose size fstat tells (a
 * read that stops at that size is taken for the end of the file, which it
 * is unless the file grows meanwhile; then reading goes on).  *disk: 1 when
 * some of it had to come from the disk, 0 when all was in the page cache,
 * -1 when the kernel cannot tell (no RWF_NOWAIT). */
static kg_status read_whole_file(const char *path, size_t max, char **out, size_t *out_len,
                                 bool *truncated, int *disk, kg_error *err) {
    char ebuf[128];
    *out = NULL;
    *out_len = 0;
    *truncated = false;
    *disk = 0;
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
        int e = errno;
        return kg_error_set(err, (e == ENOENT || e == ENOTDIR) ? KG_ERR_INPUT : KG_ERR_IO, path, 0,
                            0, "%s", errno_text(e, ebuf, sizeof ebuf));
    }
    /* one byte more than max tells whether there is more */
    size_t limit = max > 0 && max < SIZE_MAX ? max + 1 : SIZE_MAX - 1;
    struct stat sb;
    bool sized = fstat(fd, &sb) == 0 && S_ISREG(sb.st_mode) && sb.st_size >= 0 &&
                 (uintmax_t)sb.st_size < (uintmax_t)limit;
    size_t size = sized ? (size_t)sb.st_size : 0;
    size_t cap = sized ? size + 1 : 8192;
    if (cap > limit)
        cap = limit;
    char *buf = malloc(cap + 1);
    size_t n = 0;
    bool nowait = true;
    kg_status st = buf != NULL ? KG_OK : KG_ERR_NOMEM;
    while (st == KG_OK) {
        ssize_t got = read_some(fd, buf + n, cap - n, &nowait, disk);
        if (got < 0) {
            if (errno == EINTR)
                continue;
            st = kg_error_set(err, KG_ERR_IO, path, 0, 0, "read error: %s",
                              errno_text(errno, ebuf, sizeof ebuf));
            break;
        }
        n += (size_t)got;
        if (got == 0 || n >= limit || (sized && n == size))
            break;
        if (n == cap && !grow_read_buffer(&buf, &cap, limit))
            st = KG_ERR_NOMEM;
    }
    close(fd);
    if (st != KG_OK) {
        free(buf);
        return st;
    }
    finish_read(buf, n, max, out, out_len, truncated);
    return KG_OK;
}

/* Reads and cleans the plain-text file at path (at most max bytes: 0 for
 * no limit) into *t; *truncated when it was longer, *disk as read_whole_file
 * says.  Uses no pool, so the read-ahead thread runs it too. */
static kg_status load_plain_file(const char *path, size_t max, plain_text *t, bool *truncated,
                                 int *disk, kg_error *err) {
    char *raw = NULL;
    size_t raw_len = 0;
    memset(t, 0, sizeof *t);
    kg_status st = read_whole_file(path, max, &raw, &raw_len, truncated, disk, err);
    if (st == KG_OK)
        st = plain_clean(raw, raw_len, path, t, err);
    free(raw);
    return st;
}

/* Makes the loaded file *t (taken) the reader's current document. */
static kg_status finish_plain_file(kg_reader *reader, plain_text *t, bool truncated,
                                   const char *path, const char *id, kg_document *doc,
                                   kg_error *err) {
    kg_status st = plain_finish(reader->pool, t, path, id, doc, &reader->text, err);
    if (st == KG_OK)
        doc->truncated = truncated;
    return st;
}

/* Reads a plain-text file at path (id as given). */
static kg_status read_plain_file(kg_reader *reader, const char *path, const char *id,
                                 kg_document *doc, kg_error *err) {
    plain_text t;
    bool truncated;
    int disk;
    kg_status st = load_plain_file(path, reader->max_doc_bytes, &t, &truncated, &disk, err);
    if (st == KG_OK)
        st = finish_plain_file(reader, &t, truncated, path, id, doc, err);
    free(t.clean);
    return st;
}

/* ---- reading ahead ----------------------------------------------------------- */

/* Files of a directory input loaded ahead of the reader, at most, and the
 * most text they may hold (unless the next file alone is larger). */
#define KG_AHEAD_FILES 64
#define KG_AHEAD_REFILL 16 /* files the thread loads at least once woken */
#define KG_AHEAD_BYTES ((size_t)16 << 20)
#define KG_AHEAD_HINTS 2048
#define KG_AHEAD_HINT_BYTES ((off_t)64 << 10)
/* Hints are only given while files come from the disk: while more than
 * KG_AHEAD_DISK_SHARE of the last 32 or so did, as the kernel tells
 * (RWF_NOWAIT, read_whole_file).  Where it cannot tell, a file that took
 * longer than KG_AHEAD_SLOW_NS to load counts as one from the disk (one in
 * the page cache loads in 10-60 µs, from the disk in hundreds).  In the
 * page cache a hint is a file's open and close again for nothing. */
#define KG_AHEAD_DISK_SHARE 0.125
#define KG_AHEAD_SLOW_NS 100000.0

/* A plain-text file as load_plain_file left it. */
typedef struct ahead_file {
    bool ready;
    kg_status status;
    kg_error err; /* when status is not KG_OK */
    plain_text text;
    bool truncated;
} ahead_file;

/* A thread that reads and cleans the next plain-text files of a directory
 * input while the reader hands out earlier ones.  A corpus of many small
 * files costs a system call or a disk wait per file: on the reader's
 * thread, which also feeds the extraction threads and interns every fact,
 * that work held the extraction back; here it overlaps with it, and the
 * disk gets the next request while the reader is busy.  The thread reads
 * only the file list (which does not change while it runs) and loads in
 * list order; the reader takes the files in that order, with the same
 * results and messages as if it had read them itself, and JSON files, which
 * the thread leaves alone, it still reads itself. */
typedef struct read_ahead {
    pthread_t thread;
    pthread_mutex_t mu;
    pthread_cond_t loaded;   /* a file is ready (the reader waits on it) */
    pthread_cond_t consumed; /* the reader took a file (the thread waits on it) */
    const char *dir;
    char *const *files;
    size_t n_files;
    size_t max_doc_bytes;
    ahead_file ring[KG_AHEAD_FILES]; /* file i in ring[i % KG_AHEAD_FILES] */
    size_t taken;                    /* files the reader has taken */
    size_t next;                     /* next file to load */
    size_t bytes;                    /* text loaded and not yet taken */
    size_t hinted;                   /* files up to here asked for (the thread's) */
    double disk_share;               /* moving average: files from the disk (the thread's) */
    bool reader_waits, thread_waits, stop;
} read_ahead;

static bool loads_ahead(const char *rel) {
    return !is_jsonl_name(rel) && !is_json_name(rel);
}

/* Asks the kernel to start reading the files up to KG_AHEAD_HINTS past at
 * (posix_fadvise WILLNEED, the first KG_AHEAD_HINT_BYTES of each: a news
 * article whole, at most 128 MiB of page cache for the lot): the disk then
 * gets many requests at once, which it serves in fewer, larger batches than
 * one file after another. */
static void hint_files(read_ahead *a, size_t at) {
    size_t end = at + KG_AHEAD_HINTS < a->n_files ? at + KG_AHEAD_HINTS : a->n_files;
    if (a->hinted < at)
        a->hinted = at;
    for (; a->hinted < end; a->hinted++) {
        /* a cold open can wait on the disk: a reader closing early (an
         * error, the caller stopping) must not wait for thousands */
        pthread_mutex_lock(&a->mu);
        bool stop = a->stop;
        pthread_mutex_unlock(&a->mu);
        if (stop)
            return;
        if (!loads_ahead(a->files[a->hinted]))
            continue;
        char *path = join_path(a->dir, a->files[a->hinted]);
        int fd = path != NULL ? open(path, O_RDONLY) : -1;
        if (fd >= 0) {
            (void)posix_fadvise(fd, 0, KG_AHEAD_HINT_BYTES, POSIX_FADV_WILLNEED);
            close(fd);
        }
        free(path);
    }
}

static void *read_ahead_main(void *arg) {
    read_ahead *a = arg;
    pthread_mutex_lock(&a->mu);
    while (!a->stop && a->next < a->n_files) {
        if (a->next >= a->taken + KG_AHEAD_FILES ||
            (a->next > a->taken && a->bytes >= KG_AHEAD_BYTES)) {
            a->thread_waits = true;
            pthread_cond_wait(&a->consumed, &a->mu);
            a->thread_waits = false;
            continue;
        }
        size_t at = a->next;
        pthread_mutex_unlock(&a->mu);
        /* Only while the files come from the disk: in the page cache a
         * hint is three system calls for nothing. */
        if (a->disk_share > KG_AHEAD_DISK_SHARE)
            hint_files(a, at);
        ahead_file f;
        memset(&f, 0, sizeof f);
        const char *rel = a->files[at];
        if (loads_ahead(rel)) {
            struct timespec t0, t1;
            clock_gettime(CLOCK_MONOTONIC, &t0);
            char *path = join_path(a->dir, rel);
            int disk = 0;
            f.status = path != NULL ? load_plain_file(path, a->max_doc_bytes, &f.text, &f.truncated,
                                                      &disk, &f.err)
                                    : KG_ERR_NOMEM;
            free(path);
            if (disk < 0) {
                clock_gettime(CLOCK_MONOTONIC, &t1);
                disk = (double)(t1.tv_sec - t0.tv_sec) * 1e9 + (double)(t1.tv_nsec - t0.tv_nsec) >
                       KG_AHEAD_SLOW_NS;
            }
            a->disk_share += ((double)disk - a->disk_share) / 32.0;
        }
        f.ready = true;
        pthread_mutex_lock(&a->mu);
        a->ring[at % KG_AHEAD_FILES] = f;
        a->bytes += f.text.len;
        a->next = at + 1;
        if (a->reader_waits)
            pthread_cond_signal(&a->loaded);
    }
    pthread_mutex_unlock(&a->mu);
    return NULL;
}

/* Starts loading files (relative to dir) ahead; NULL (the reader then
 * reads every file itself) when there is nothing to gain or no thread. */
static read_ahead *read_ahead_start(const char *dir, char *const *files, size_t n_files,
                                    size_t max_doc_bytes) {
    if (n_files < 2)
        return NULL;
    read_ahead *a = calloc(1, sizeof *a);
    if (a == NULL)
        return NULL;
    a->dir = dir;
    a->files = files;
    a->n_files = n_files;
    a->max_doc_bytes = max_doc_bytes;
    a->disk_share = 1.0; /* hint until the files prove to be cached */
    pthread_mutex_init(&a->mu, NULL);
    pthread_cond_init(&a->loaded, NULL);
    pthread_cond_init(&a->consumed, NULL);
    if (pthread_create(&a->thread, NULL, read_ahead_main, a) != 0) {
        pthread_cond_destroy(&a->consumed);
        pthread_cond_destroy(&a->loaded);
        pthread_mutex_destroy(&a->mu);
        free(a);
        return NULL;
    }
    return a;
}

/* Takes file at (the next in order) from the thread into *out: false (and
 * *out empty) when the reader is to read it itself (no thread, or a JSON
 * file, which the thread only passes over). */
static bool read_ahead_take(read_ahead *a, size_t at, ahead_file *out) {
    memset(out, 0, sizeof *out);
    if (a == NULL)
        return false;
    pthread_mutex_lock(&a->mu);
    ahead_file *f = &a->ring[at % KG_AHEAD_FILES];
    while (!(at < a->next && f->ready)) {
        a->reader_waits = true;
        pthread_cond_wait(&a->loaded, &a->mu);
        a->reader_waits = false;
    }
    *out = *f;
    memset(f, 0, sizeof *f);
    a->bytes -= out->text.len;
    a->taken = at + 1;
    /* The thread waits for room: woken when there is room for a batch of
     * files (or none is left to hand out), not for every file taken. */
    if (a->thread_waits &&
        (a->next == a->taken || (a->next + KG_AHEAD_REFILL <= a->taken + KG_AHEAD_FILES &&
                                 a->bytes <= KG_AHEAD_BYTES / 2)))
        pthread_cond_signal(&a->consumed);
    pthread_mutex_unlock(&a->mu);
    return loads_ahead(a->files[at]);
}

static void read_ahead_stop(read_ahead *a) {
    if (a == NULL)
        return;
    pthread_mutex_lock(&a->mu);
    a->stop = true;
    pthread_cond_signal(&a->consumed);
    pthread_mutex_unlock(&a->mu);
    pthread_join(a->thread, NULL);
    for (size_t i = 0; i < KG_AHEAD_FILES; i++)
        free(a->ring[i].text.clean);
    pthread_cond_destroy(&a->consumed);
    pthread_cond_destroy(&a->loaded);
    pthread_mutex_destroy(&a->mu);
    free(a);
}

/* Points doc at reader->facts, just read from source (pooled) at line. */
static void facts_doc(kg_reader *reader, const char *source, size_t line, kg_document *doc) {
    memset(doc, 0, sizeof *doc);
    doc->id = reader->facts.doc_id;
    doc->lang = reader->facts.lang;
    doc->title = reader->facts.title;
    doc->date = reader->facts.date;
    doc->url = reader->facts.url;
    doc->source = source;
    doc->source_line = line;
    doc->facts = &reader->facts;
}

/* Reads a whole facts file in the external format (a *.json file given
 * directly, a *.facts.json found in a directory); id is what its document
 * id defaults to. */
static kg_status read_facts_file(kg_reader *reader, const char *path, const char *id,
                                 kg_document *doc, kg_error *err) {
    kg_status st = KG_OK;
    char *raw = NULL;
    size_t raw_len = 0, start = 0;
    const char *source = NULL;
    char ebuf[128];
    FILE *f = fopen(path, "rb");
    if (f == NULL) {
        int e = errno;
        return kg_error_set(err, (e == ENOENT || e == ENOTDIR) ? KG_ERR_INPUT : KG_ERR_IO, path, 0,
                            0, "%s", errno_text(e, ebuf, sizeof ebuf));
    }
    bool truncated = false;
    st = read_stream(f, NULL, 0, max_json_bytes(reader), &raw, &raw_len, &truncated);
    if (st == KG_ERR_IO)
        st = kg_error_set(err, KG_ERR_IO, path, 0, 0, "read error: %s",
                          errno_text(errno, ebuf, sizeof ebuf));
    if (st == KG_OK && truncated)
        st = kg_error_set(err, KG_ERR_INPUT, path, 0, 0,
                          "facts file longer than %zu bytes (4 x --max-doc-bytes): skipped",
                          max_json_bytes(reader));
    if (st != KG_OK)
        goto cleanup;
    if (raw_len >= 3 && memcmp(raw, "\xEF\xBB\xBF", 3) == 0)
        start = 3;
    if (is_blank(raw + start, raw_len - start)) {
        st = kg_error_set(err, KG_ERR_INPUT, path, 0, 0, "empty facts file");
        goto cleanup;
    }
    if ((st = intern(reader->pool, path, strlen(path), &source)) != KG_OK)
        goto cleanup;
    kg_facts_source src = {KG_FACTS_EXTERNAL, source, 0, id};
    st = kg_facts_read_json(&reader->facts, reader->pool, raw + start, raw_len - start, &src, err);
    if (st == KG_OK)
        facts_doc(reader, source, 0, doc);

cleanup:
    fclose(f);
    free(raw);
    return st;
}

/* One line of facts from the JSON Lines stream being read. */
static kg_status next_facts_line(kg_reader *reader, const char *line, size_t len, kg_document *doc,
                                 kg_error *err) {
    kg_facts_source src = {KG_FACTS_JSONL, reader->jsonl_source, reader->jsonl_line, NULL};
    kg_status st = kg_facts_read_json(&reader->facts, reader->pool, line, len, &src, err);
    if (st == KG_OK)
        facts_doc(reader, reader->jsonl_source, reader->jsonl_line, doc);
    return st;
}

/* Reads one optional string member ("title", ...); null counts as absent. */
static kg_status jsonl_optional(kg_reader *reader, json_t *obj, const char *key, const char **out,
                                kg_error *err) {
    json_t *v = json_object_get(obj, key);
    *out = NULL;
    if (v == NULL || json_is_null(v))
        return KG_OK;
    if (!json_is_string(v))
        return kg_error_set(err, KG_ERR_PARSE, reader->jsonl_source, reader->jsonl_line, 0,
                            "\"%s\" must be a string", key);
    return intern(reader->pool, json_string_value(v), json_string_length(v), out);
}

/* Reads the next line of the JSON Lines stream (with its '\n') into
 * reader->line, NUL-terminated, *len its length.  A line of more than max
 * bytes (max > 0) is read to its end but not kept: *too_long is set and
 * memory stays within max.  KG_FAILURE at the end of the stream, KG_ERR_IO
 * on a read error (errno tells), KG_ERR_NOMEM. */
static kg_status read_line(kg_reader *reader, size_t max, size_t *len, bool *too_long) {
    FILE *f = reader->jsonl;
    size_t n = 0;
    int c = EOF;
    bool any = false;
    *too_long = false;
    flockfile(f); /* one lock for the line, not one per byte */
    while ((c = getc_unlocked(f)) != EOF) {
        any = true;
        if (!*too_long) {
            if (n + 2 > reader->line_cap) {
                size_t cap = reader->line_cap < 4096 ? 4096 : reader->line_cap * 2;
                char *grown = realloc(reader->line, cap);
                if (grown == NULL) {
                    funlockfile(f);
                    return KG_ERR_NOMEM;
                }
                reader->line = grown;
                reader->line_cap = cap;
            }
            reader->line[n++] = (char)c;
            if (max > 0 && n > max) {
                *too_long = true;
                n = 0;
            }
        }
        if (c == '\n')
            break;
    }
    funlockfile(f);
    if (c == EOF && ferror(f))
        return KG_ERR_IO;
    if (!any)
        return KG_FAILURE;
    if (reader->line == NULL) { /* only possible with max == 0 and no byte kept */
        if ((reader->line = malloc(1)) == NULL)
            return KG_ERR_NOMEM;
        reader->line_cap = 1;
    }
    reader->line[n] = '\0';
    *len = n;
    return KG_OK;
}

/* Reads the next document of the JSON Lines stream; KG_FAILURE at its end. */
static kg_status next_jsonl(kg_reader *reader, kg_document *doc, kg_error *err) {
    kg_status st = KG_OK;
    json_t *obj = NULL;
    char *clean = NULL;
    char ebuf[128];
    const char *where = reader->jsonl_source;
    size_t len = 0, start = 0;
    bool too_long = false;

    for (;;) {
        errno = 0;
        st = read_line(reader, max_json_bytes(reader), &len, &too_long);
        if (st == KG_FAILURE)
            return KG_FAILURE;
        if (st != KG_OK)
            return kg_error_set(err, st, where, reader->jsonl_line + 1, 0, "read error: %s",
                                st == KG_ERR_NOMEM ? "out of memory"
                                                   : errno_text(errno, ebuf, sizeof ebuf));
        reader->jsonl_line++;
        if (too_long)
            return kg_error_set(err, KG_ERR_INPUT, where, reader->jsonl_line, 0,
                                "line longer than %zu bytes (4 x --max-doc-bytes): skipped",
                                max_json_bytes(reader));
        start = 0;
        if (reader->jsonl_line == 1 && len >= 3 && memcmp(reader->line, "\xEF\xBB\xBF", 3) == 0)
            start = 3;
        int blank = 1;
        for (size_t i = start; i < len && blank; i++)
            blank = reader->line[i] == ' ' || reader->line[i] == '\t' || reader->line[i] == '\r' ||
                    reader->line[i] == '\n';
        if (blank)
            continue;
        if (reader->jsonl_kind == JSONL_FACTS)
            return skippable(
                reader, next_facts_line(reader, reader->line + start, len - start, doc, err), err);

        json_error_t jerr;
        obj = json_loadb(reader->line + start, len - start, JSON_DECODE_ANY, &jerr);
        if (obj == NULL) {
            st = kg_error_set(err, KG_ERR_PARSE, where, reader->jsonl_line,
                              jerr.column > 0 ? (size_t)jerr.column : 0, "invalid JSON: %s",
                              jerr.text);
            goto cleanup;
        }
        break;
    }

    if (!json_is_object(obj)) {
        st = kg_error_set(err, KG_ERR_PARSE, where, reader->jsonl_line, 0,
                          "expected a JSON object with \"id\" and \"text\"");
        goto cleanup;
    }
    if (reader->jsonl_kind == JSONL_SNIFF && json_object_get(obj, "doc") != NULL &&
        json_object_get(obj, "text") == NULL) {
        st = next_facts_line(reader, reader->line + start, len - start, doc, err);
        goto cleanup;
    }
    json_t *id = json_object_get(obj, "id"), *text = json_object_get(obj, "text");
    if (!json_is_string(id) || !json_is_string(text)) {
        st = kg_error_set(err, KG_ERR_PARSE, where, reader->jsonl_line, 0,
                          "missing or non-string \"%s\"", json_is_string(id) ? "text" : "id");
        goto cleanup;
    }

    memset(doc, 0, sizeof *doc);
    st = intern(reader->pool, json_string_value(id), json_string_length(id), &doc->id);
    if (st == KG_OK)
        st = jsonl_optional(reader, obj, "title", &doc->title, err);
    if (st == KG_OK)
        st = jsonl_optional(reader, obj, "date", &doc->date, err);
    if (st == KG_OK)
        st = jsonl_optional(reader, obj, "lang", &doc->lang, err);
    if (st == KG_OK)
        st = jsonl_optional(reader, obj, "url", &doc->url, err);
    if (st != KG_OK)
        goto cleanup;

    size_t clean_len = 0, n_invalid = 0, first_invalid = 0;
    size_t text_len = json_string_length(text);
    if (reader->max_doc_bytes > 0 && text_len > reader->max_doc_bytes) {
        text_len = cut_at_character(json_string_value(text), text_len, reader->max_doc_bytes);
        doc->truncated = true;
    }
    st = kg_text_clean(json_string_value(text), text_len, &clean, &clean_len, &n_invalid,
                       &first_invalid);
    if (st != KG_OK)
        goto cleanup;
    if (is_blank(clean, clean_len)) {
        st = kg_error_set(err, KG_ERR_INPUT, where, reader->jsonl_line, 0,
                          "empty document (id \"%s\")", doc->id);
        goto cleanup;
    }
    doc->text = clean;
    doc->len = clean_len;
    doc->source = where;
    doc->source_line = reader->jsonl_line;
    doc->n_invalid = n_invalid;
    reader->text = clean;
    clean = NULL;

cleanup:
    json_decref(obj);
    free(clean);
    if (st != KG_OK)
        memset(doc, 0, sizeof *doc);
    return skippable(reader, st, err); /* the stream is at the next line */
}

/* Starts streaming the JSON Lines file at path, whose lines are kind. */
static kg_status open_jsonl(kg_reader *reader, const char *path, jsonl_kind kind, kg_error *err) {
    char ebuf[128];
    const char *source = NULL;
    kg_status st = intern(reader->pool, path, strlen(path), &source);
    if (st != KG_OK)
        return st;
    FILE *f = fopen(path, "rb");
    if (f == NULL) {
        int e = errno;
        return kg_error_set(err, (e == ENOENT || e == ENOTDIR) ? KG_ERR_INPUT : KG_ERR_IO, path, 0,
                            0, "%s", errno_text(e, ebuf, sizeof ebuf));
    }
    reader->jsonl = f;
    reader->jsonl_owned = 1;
    reader->jsonl_kind = kind;
    reader->jsonl_source = source;
    reader->jsonl_line = 0;
    return KG_OK;
}

/* "-": JSON Lines when the first byte that is not white space (after an
 * optional BOM) is '{', else one plain-text document "stdin".  Returns
 * KG_OK with a document, or KG_FAILURE when a JSON Lines stream was opened
 * (the caller then reads from it). */
static kg_status read_stdin(kg_reader *reader, kg_document *doc, kg_error *err) {
    kg_status st = KG_OK;
    char *prefix = NULL, *raw = NULL;
    size_t n = 0, cap = 0, newlines = 0, raw_len = 0;
    int c;
    char ebuf[128];

    /* Keep the bytes looked at: plain text needs them back. */
    while ((c = getc(stdin)) != EOF) {
        int bom = n < 3 && (unsigned char)c == (unsigned char)"\xEF\xBB\xBF"[n] &&
                  (n == 0 || memcmp(prefix, "\xEF\xBB\xBF", n) == 0);
        if (c != ' ' && c != '\t' && c != '\n' && c != '\r' && !bom)
            break;
        if (n == cap) {
            size_t ncap = cap ? cap * 2 : 256;
            char *p = realloc(prefix, ncap);
            if (p == NULL) {
                st = KG_ERR_NOMEM;
                goto cleanup;
            }
            prefix = p;
            cap = ncap;
        }
        prefix[n++] = (char)c;
        newlines += c == '\n';
    }
    if (c == '{') {
        ungetc(c, stdin);
        st = intern(reader->pool, KG_STDIN_WHERE, strlen(KG_STDIN_WHERE), &reader->jsonl_source);
        if (st != KG_OK)
            goto cleanup;
        reader->jsonl = stdin;
        reader->jsonl_owned = 0;
        reader->jsonl_kind = JSONL_SNIFF;
        reader->jsonl_line = newlines; /* blank lines already consumed */
        st = KG_FAILURE;
        goto cleanup;
    }
    if (c != EOF) {
        if (n == cap) {
            char *p = realloc(prefix, cap + 1);
            if (p == NULL) {
                st = KG_ERR_NOMEM;
                goto cleanup;
            }
            prefix = p;
        }
        prefix[n++] = (char)c;
    }
    bool truncated = false;
    st = read_stream(stdin, prefix, n, reader->max_doc_bytes, &raw, &raw_len, &truncated);
    if (st == KG_ERR_IO)
        st = kg_error_set(err, KG_ERR_IO, KG_STDIN_WHERE, 0, 0, "read error: %s",
                          errno_text(errno, ebuf, sizeof ebuf));
    if (st != KG_OK)
        goto cleanup;
    st = make_plain_doc(reader, raw, raw_len, KG_STDIN_WHERE, "stdin", doc, err);
    if (st == KG_OK)
        doc->truncated = truncated;

cleanup:
    free(prefix);
    free(raw);
    return st;
}

/* The next document, or KG_FAILURE at the end; errors in err (never NULL). */
static kg_status reader_step(kg_reader *reader, kg_document *doc, kg_error *err) {
    kg_status st = KG_OK;
    char ebuf[128];
    for (;;) {
        if (reader->jsonl != NULL) {
            st = next_jsonl(reader, doc, err);
            if (st != KG_FAILURE)
                return st;
            close_jsonl(reader);
            continue;
        }
        if (reader->dir != NULL) {
            if (reader->next_dir_file == reader->dir_files.n) {
                close_dir(reader);
                continue;
            }
            size_t at = reader->next_dir_file++;
            const char *rel = reader->dir_files.items[at];
            ahead_file loaded;
            bool ahead = read_ahead_take(reader->ahead, at, &loaded);
            char *path = join_path(reader->dir, rel);
            if (path == NULL) {
                free(loaded.text.clean);
                return KG_ERR_NOMEM;
            }
            if (ahead && loaded.status != KG_OK) {
                st = loaded.status;
                if (err != NULL)
                    *err = loaded.err;
            } else if (ahead) {
                st = finish_plain_file(reader, &loaded.text, loaded.truncated, path, rel, doc, err);
            } else if (is_jsonl_name(rel)) {
                st = open_jsonl(reader, path,
                                is_facts_jsonl_name(rel) ? JSONL_FACTS : JSONL_DOCUMENTS, err);
            } else if (is_json_name(rel)) {
                st = read_facts_file(reader, path, rel, doc, err);
            } else {
                st = read_plain_file(reader, path, rel, doc, err);
            }
            free(loaded.text.clean);
            st = skippable(reader, st, err); /* one file: the others can still be read */
            free(path);
            if (st != KG_OK || !is_jsonl_name(rel))
                return st;
            continue;
        }
        if (reader->next_input == reader->inputs.n)
            return KG_FAILURE;

        const char *input = reader->inputs.items[reader->next_input++];
        if (strcmp(input, "-") == 0) {
            st = read_stdin(reader, doc, err);
            if (st != KG_FAILURE)
                return st;
            continue; /* a JSON Lines stream is open */
        }
        struct stat sb;
        if (stat(input, &sb) != 0) {
            int e = errno;
            return kg_error_set(err, (e == ENOENT || e == ENOTDIR) ? KG_ERR_INPUT : KG_ERR_IO,
                                input, 0, 0, "%s", errno_text(e, ebuf, sizeof ebuf));
        }
        if (S_ISDIR(sb.st_mode)) {
            str_list files = {0};
            st = collect_files(input, &sb, &files, err);
            if (st == KG_OK && files.n == 0)
                st = kg_error_set(err, KG_ERR_INPUT, input, 0, 0,
                                  "no .txt, .md, .jsonl or .facts.json files in this directory");
            if (st != KG_OK) {
                str_list_clear(&files);
                return st;
            }
            reader->dir = dup_str(input);
            reader->dir_files = files;
            reader->next_dir_file = 0;
            if (reader->dir == NULL)
                return KG_ERR_NOMEM;
            if (reader->read_ahead)
                reader->ahead = read_ahead_start(reader->dir, reader->dir_files.items,
                                                 reader->dir_files.n, reader->max_doc_bytes);
            continue;
        }
        if (is_jsonl_name(input)) {
            st = open_jsonl(reader, input,
                            is_facts_jsonl_name(input) ? JSONL_FACTS : JSONL_DOCUMENTS, err);
            if (st != KG_OK)
                return skippable(reader, st, err);
            continue;
        }
        if (is_json_name(input))
            return skippable(reader, read_facts_file(reader, input, base_name(input), doc, err),
                             err);
        return skippable(reader, read_plain_file(reader, input, base_name(input), doc, err), err);
    }
}

kg_status kg_reader_next(kg_reader *reader, kg_document *doc, kg_error *err) {
    kg_error local;
    kg_status st;
    kg_error_clear(&local);
    if (reader == NULL || doc == NULL)
        return kg_error_set(err, KG_ERR_USAGE, NULL, 0, 0, "kg_reader_next: NULL argument");
    memset(doc, 0, sizeof *doc);
    if (reader->stopped != KG_OK) {
        if (err != NULL)
            *err = reader->stop_err;
        return reader->stopped;
    }
    free(reader->text);
    reader->text = NULL;
    kg_doc_facts_clear(&reader->facts);

    st = reader_step(reader, doc, &local);
    if (st == KG_OK) {
        reader->count++;
        kg_error_clear(err);
        return KG_OK;
    }
    if (st == KG_FAILURE) {
        kg_error_clear(err);
        return KG_FAILURE;
    }
    if (local.status != st) /* e.g. KG_ERR_NOMEM from a helper: describe it */
        kg_error_set(&local, st, NULL, 0, 0, "%s", kg_strerror(st));
    if (st != KG_ERR_INPUT) {
        reader->stopped = st;
        reader->stop_err = local;
    }
    if (err != NULL)
        *err = local;
    return st;
}

/* ---- language ------------------------------------------------------------- */

const char *kx_lang_of(const kx_letters *letters) {
    /* More than 30%: Russian-language news quotes Latin names and acronyms
     * freely, so a plain majority would misjudge short texts. */
    return (letters->all > 0 && letters->cyrillic * 10 > letters->all * 3) ? "ru" : "en";
}

const char *kg_detect_lang(const char *text, size_t len) {
    kx_letters letters = {0, 0};
    size_t pos = 0;
    if (text == NULL)
        return "en";
    while (pos < len) {
        int32_t cp = kg_utf8_next(text, len, &pos);
        if (cp < 0 || !kg_cp_is_letter(cp))
            continue;
        letters.all++;
        letters.cyrillic += kg_cp_is_cyrillic(cp);
    }
    return kx_lang_of(&letters);
}
