/* kg_test_util.c — file, temp-dir and process helpers for the Check suites. */
#include "kg_test_util.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

char *kgt_read_file(const char *path, size_t *len) {
    FILE *f = fopen(path, "rb");
    if (f == NULL)
        return NULL;
    size_t cap = 4096, n = 0;
    char *buf = malloc(cap + 1);
    while (buf != NULL) {
        size_t got = fread(buf + n, 1, cap - n, f);
        n += got;
        if (n < cap)
            break;
        char *bigger = realloc(buf, cap * 2 + 1);
        if (bigger == NULL) {
            free(buf);
            buf = NULL;
            break;
        }
        buf = bigger;
        cap *= 2;
    }
    fclose(f);
    if (buf == NULL)
        return NULL;
    buf[n] = '\0';
    if (len != NULL)
        *len = n;
    return buf;
}

int kgt_write_file(const char *path, const char *data, size_t len) {
    FILE *f = fopen(path, "wb");
    if (f == NULL)
        return -1;
    size_t put = fwrite(data, 1, len, f);
    return (fclose(f) == 0 && put == len) ? 0 : -1;
}

char *kgt_path(const char *dir, const char *name) {
    size_t n = strlen(dir) + strlen(name) + 2;
    char *p = malloc(n);
    if (p != NULL)
        snprintf(p, n, "%s/%s", dir, name);
    return p;
}

char *kgt_temp_dir(const char *tag) {
    char cmd[4096];
    char *base = kgt_path(KG_BINARY_DIR, "test-tmp");
    mkdir(base, 0755);
    char templ[2048];
    snprintf(templ, sizeof templ, "%s/%s-XXXXXX", base, tag);
    free(base);
    char *dir = mkdtemp(templ);
    if (dir == NULL)
        return NULL;
    (void)cmd;
    return strdup(dir);
}

static char *slurp_and_remove(const char *path) {
    char *s = kgt_read_file(path, NULL);
    unlink(path);
    return s;
}

int kgt_run(const char *cmdline, char **out, char **err) {
    char *dir = kgt_temp_dir("run");
    if (dir == NULL)
        return -1;
    char *o = kgt_path(dir, "stdout"), *e = kgt_path(dir, "stderr");
    size_t n = strlen(cmdline) + strlen(o) + strlen(e) + 32;
    char *full = malloc(n);
    snprintf(full, n, "(%s) >'%s' 2>'%s' </dev/null", cmdline, o, e);
    int rc = system(full);
    free(full);
    char *so = slurp_and_remove(o), *se = slurp_and_remove(e);
    if (out != NULL)
        *out = so;
    else
        free(so);
    if (err != NULL)
        *err = se;
    else
        free(se);
    rmdir(dir);
    free(o);
    free(e);
    free(dir);
    if (rc == -1 || !WIFEXITED(rc))
        return -1;
    return WEXITSTATUS(rc);
}
