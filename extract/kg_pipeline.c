/* kg_pipeline.c — parallel extraction with results in input order
 * (kg_extract_parallel, the "parallel extraction" part of kg_extract.h).
 *
 * The calling thread reads documents into a ring of slots and consumes the
 * slots in order; worker threads take the slots in order too and extract
 * them.  Neither the extractor nor kg_strpool is thread-safe, so:
 *
 * - each worker owns an extractor interning into a pool of its own;
 * - a document handed to a worker is a copy (its text in the slot's buffer,
 *   its id, lang, title, date, url and source pointing into the caller's
 *   pool, whose strings never move and are only read by the workers);
 * - the worker copies the facts it found into a small scratch pool of the
 *   slot's (kg_strpool_copy: no look-up), so that nothing the calling
 *   thread will read lives in the worker's pool, which the worker may then
 *   renew at will (it grows with every name and sentence it interns); the
 *   calling thread interns the facts into its pool before the sink sees
 *   them;
 * - in render mode (kg_extract_parallel_render) the worker writes the facts
 *   out itself and only the bytes, with the document-level fields, go back:
 *   the calling thread then does no more than read and write.
 *
 * Order: slot seq % cap holds document seq; the calling thread waits for
 * the oldest slot, so the sink sees documents in the source's order
 * whatever the workers' speeds.  Memory: the ring has in_flight slots and
 * the source is not read further while it is full or holds 32 MiB of text.
 * With one thread everything happens in the calling thread: in facts mode
 * with the caller's pool and no copies.
 */
#include "kg_extract.h"

#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* ---- copying facts between pools ------------------------------------------- */

/* The strings of one copy already interned: src's strings are interned in
 * their own pool, so a pointer met again is the same string (a document's
 * id in every relation's evidence, a sentence behind several relations, a
 * rule, a role) and need not be hashed and compared again. */
#define KG_COPY_MEMO 64

typedef struct copy_memo {
    kg_strpool *pool;
    bool scratch; /* copy into pool (kg_strpool_copy) rather than intern */
    const char *from[KG_COPY_MEMO];
    const char *to[KG_COPY_MEMO];
    int failed;
} copy_memo;

/* Interns s into m->pool (NULL stays NULL); sets m->failed when out of
 * memory. */
static const char *reintern(copy_memo *m, const char *s) {
    if (s == NULL)
        return NULL;
    size_t at = ((uintptr_t)s >> 3) % KG_COPY_MEMO;
    if (m->from[at] == s)
        return m->to[at];
    const char *p =
        m->scratch ? kg_strpool_copy(m->pool, s, strlen(s)) : kg_strpool_cstr(m->pool, s);
    if (p == NULL) {
        m->failed = 1;
        return NULL;
    }
    m->from[at] = s;
    m->to[at] = p;
    return p;
}

/* What facts_copy copies. */
typedef enum copy_mode {
    COPY_ALL,
    COPY_HEADER,      /* the document-level fields alone (no entities, no relations) */
    COPY_BUT_EVIDENCE /* all but the evidence texts, which stay src's */
} copy_mode;

/* Makes *dst (initialised) a deep copy of *src with every string interned
 * in pool (scratch: copied into it), as far as mode says.  src is only
 * read.  KG_ERR_NOMEM leaves dst cleared. */
static kg_status facts_copy(kg_doc_facts *dst, const kg_doc_facts *src, kg_strpool *pool,
                            copy_mode mode, bool scratch) {
    copy_memo m;
    memset(&m, 0, sizeof m);
    m.pool = pool;
    m.scratch = scratch;
    kg_doc_facts_clear(dst);
    *dst = *src; /* every scalar field, whatever fields facts gain */
    dst->entities = NULL;
    dst->relations = NULL;
    dst->n_entities = dst->cap_entities = dst->n_relations = dst->cap_relations = 0;
    dst->doc_id = reintern(&m, src->doc_id);
    dst->lang = reintern(&m, src->lang);
    dst->title = reintern(&m, src->title);
    dst->date = reintern(&m, src->date);
    dst->url = reintern(&m, src->url);
    if (mode == COPY_HEADER)
        goto done;
    if (src->n_entities > 0) {
        dst->entities = calloc(src->n_entities, sizeof *dst->entities);
        if (dst->entities == NULL)
            goto nomem;
        dst->n_entities = dst->cap_entities = src->n_entities;
    }
    for (size_t i = 0; i < src->n_entities; i++) {
        const kg_doc_entity *e = &src->entities[i];
        kg_doc_entity *d = &dst->entities[i];
        *d = *e;
        d->aliases = NULL;
        d->n_aliases = d->cap_aliases = 0;
        d->name = reintern(&m, e->name);
        d->lang = reintern(&m, e->lang);
        d->date = reintern(&m, e->date);
        if (e->n_aliases > 0) {
            d->aliases = malloc(e->n_aliases * sizeof *d->aliases);
            if (d->aliases == NULL)
                goto nomem;
            d->n_aliases = d->cap_aliases = e->n_aliases;
            for (size_t k = 0; k < e->n_aliases; k++)
                d->aliases[k] = reintern(&m, e->aliases[k]);
        }
    }
    if (src->n_relations > 0) {
        dst->relations = malloc(src->n_relations * sizeof *dst->relations);
        if (dst->relations == NULL)
            goto nomem;
        dst->n_relations = dst->cap_relations = src->n_relations;
    }
    for (size_t i = 0; i < src->n_relations; i++) {
        kg_doc_relation *d = &dst->relations[i];
        *d = src->relations[i];
        d->role = reintern(&m, d->role);
        d->role_text = reintern(&m, d->role_text);
        d->evidence.doc = reintern(&m, d->evidence.doc);
        if (mode != COPY_BUT_EVIDENCE)
            d->evidence.text = reintern(&m, d->evidence.text);
        d->evidence.rule = reintern(&m, d->evidence.rule);
    }
done:
    if (!m.failed)
        return KG_OK;
nomem:
    kg_doc_facts_clear(dst);
    return KG_ERR_NOMEM;
}

/* ---- what happens to each document's facts ------------------------------------ */

/* Either facts for the sink (re-interned into the caller's pool), or bytes
 * rendered by the worker for the bytes sink. */
typedef struct consumer {
    kg_facts_sink facts_sink;
    void *facts_ctx;
    kg_facts_render render; /* NULL: facts mode */
    void *render_ctx;
    kg_bytes_sink bytes_sink;
    void *bytes_ctx;
    copy_mode to_slot;   /* how facts go into a slot: all, or the header to render */
    copy_mode to_caller; /* how a worker's facts go into the caller's pool */
} consumer;

/* render's output for facts as a new buffer (*out, caller frees). */
static kg_status render_bytes(const consumer *c, const kg_doc_facts *facts, char **out, size_t *len,
                              kg_error *err) {
    *out = NULL;
    *len = 0;
    FILE *f = open_memstream(out, len);
    if (f == NULL)
        return KG_ERR_NOMEM;
    kg_status st = c->render(c->render_ctx, facts, f, err);
    if (fclose(f) != 0 && st == KG_OK)
        st = KG_ERR_NOMEM;
    if (st != KG_OK) {
        free(*out);
        *out = NULL;
        *len = 0;
    }
    return st;
}

/* ---- extractors ------------------------------------------------------------------ */

/* An extractor and the pool it interns into: the caller's pool (facts mode
 * with one thread), or a pool of its own that is renewed when it grows. */
typedef struct extraction {
    kg_strpool *pool;
    int own_pool;
    kg_extractor *ex;
    kg_doc_facts facts;
} extraction;

/* A new extractor over x->pool, prepared by the caller's setup. */
static kg_status extraction_start(extraction *x, const kg_parallel_options *opt, kg_error *err) {
    kg_status st = kg_extractor_new(&x->ex, x->pool, err);
    if (st == KG_OK && opt->setup != NULL)
        st = opt->setup(opt->setup_ctx, x->ex, err);
    if (st != KG_OK) {
        kg_extractor_free(x->ex);
        x->ex = NULL;
    }
    return st;
}

/* shared: the caller's pool, or NULL for a pool of its own. */
static kg_status extraction_init(extraction *x, kg_strpool *shared, const kg_parallel_options *opt,
                                 kg_error *err) {
    memset(x, 0, sizeof *x);
    kg_doc_facts_init(&x->facts);
    x->own_pool = shared == NULL;
    x->pool = shared != NULL ? shared : kg_strpool_new();
    if (x->pool == NULL)
        return KG_ERR_NOMEM;
    return extraction_start(x, opt, err);
}

static void extraction_free(extraction *x) {
    kg_extractor_free(x->ex);
    if (x->own_pool)
        kg_strpool_free(x->pool);
    kg_doc_facts_clear(&x->facts);
    memset(x, 0, sizeof *x);
}

/* Extracts doc into x->facts (lang: the forced language, in any pool). */
static kg_status extraction_run(extraction *x, const kg_document *doc, const char *lang) {
    kg_document d = *doc;
    if (d.lang == NULL)
        d.lang = lang;
    return x->ex != NULL ? kg_extract_document(x->ex, &d, &x->facts) : KG_ERR_NOMEM;
}

/* A private pool keeps every string its extractor ever interned: past
 * opt->renew_bytes, start afresh (call when nothing points into it). */
static kg_status extraction_renew(extraction *x, const kg_parallel_options *opt, kg_error *err) {
    if (!x->own_pool || kg_strpool_bytes(x->pool) <= opt->renew_bytes)
        return KG_OK;
    kg_doc_facts_clear(&x->facts);
    kg_extractor_free(x->ex);
    kg_strpool_free(x->pool);
    x->ex = NULL;
    if ((x->pool = kg_strpool_new()) == NULL)
        return KG_ERR_NOMEM;
    return extraction_start(x, opt, err);
}

/* ---- one thread: everything in the caller's ---------------------------------- */

static kg_status run_inline(kg_strpool *pool, const kg_parallel_options *opt,
                            kg_document_source source, void *source_ctx, const consumer *c,
                            kg_error *err) {
    extraction x;
    char *bytes = NULL;
    size_t len = 0;
    /* facts mode: extract straight into the caller's pool, no copies */
    kg_status st = extraction_init(&x, c->render != NULL ? NULL : pool, opt, err);
    const char *forced_lang = NULL;
    if (st == KG_OK && opt->lang != NULL &&
        (forced_lang = kg_strpool_cstr(pool, opt->lang)) == NULL)
        st = KG_ERR_NOMEM;
    while (st == KG_OK) {
        kg_document doc;
        st = source(source_ctx, &doc, err);
        if (st == KG_FAILURE) {
            st = KG_OK;
            break;
        }
        if (st != KG_OK)
            break;
        const kg_doc_facts *facts = doc.facts;
        if (facts == NULL) {
            if ((st = extraction_run(&x, &doc, forced_lang)) != KG_OK)
                break;
            facts = &x.facts;
        }
        if (c->render == NULL) {
            st = c->facts_sink(c->facts_ctx, facts, err);
            continue;
        }
        if ((st = render_bytes(c, facts, &bytes, &len, err)) == KG_OK)
            st = c->bytes_sink(c->bytes_ctx, facts, bytes, len, err);
        free(bytes);
        bytes = NULL;
        if (st == KG_OK)
            st = extraction_renew(&x, opt, err);
    }
    extraction_free(&x);
    return st;
}

/* ---- worker threads ------------------------------------------------------------ */

/* Text read ahead at most (unless a single document is larger), and the
 * largest text buffer and string pool a slot keeps for its next documents. */
#define KG_PARALLEL_TEXT_BYTES ((size_t)32 << 20)
#define KG_SLOT_KEEP_BYTES ((size_t)1 << 20)

typedef enum slot_state {
    SLOT_FREE,   /* owned by the calling thread */
    SLOT_QUEUED, /* a document waits for a worker */
    SLOT_BUSY,   /* a worker extracts it */
    SLOT_DONE    /* facts, bytes or an error ready for the calling thread */
} slot_state;

typedef struct slot {
    slot_state state;
    kg_document doc; /* strings in the caller's pool, text in buf */
    char *buf;       /* the document's text, reused from one document to the next */
    size_t buf_cap;
    /* results (while SLOT_DONE) */
    kg_strpool *strings; /* the strings of facts a worker made, to re-intern; kept
                            for the slot's next documents until it grows */
    bool extracted;      /* facts (and strings) come from a worker */
    kg_doc_facts facts;  /* facts mode: the facts (facts input: already in the caller's pool) */
    char *bytes;         /* render mode: what render wrote */
    size_t n_bytes;
    kg_status status;
    kg_error err;
} slot;

typedef struct ring ring;

typedef struct worker {
    ring *ring;
    pthread_t thread;
    int started;
    extraction x;
} worker;

struct ring {
    pthread_mutex_t mu;
    pthread_cond_t work; /* a slot was queued, or stop */
    pthread_cond_t done; /* a slot is done */
    slot *slots;
    size_t cap;
    size_t head;       /* oldest document not yet consumed */
    size_t next_work;  /* next document for a worker */
    size_t tail;       /* next document to read */
    size_t text_bytes; /* text of the documents in [head, tail) */
    int stop;
    /* who sleeps: waking a thread is a system call, made only for those */
    size_t idle_workers; /* waiting on work */
    bool caller_waiting; /* the calling thread waits on done */
    const kg_parallel_options *opt;
    const consumer *consumer;
    const char *forced_lang; /* in the caller's pool */
};

/* Extracts slot s with worker w's extractor and leaves the result in s;
 * runs without the lock (the slot is the worker's while SLOT_BUSY). */
static kg_status work_on(worker *w, slot *s) {
    ring *r = w->ring;
    const consumer *c = r->consumer;
    kg_status st = extraction_run(&w->x, &s->doc, r->forced_lang);
    if (st != KG_OK)
        return st;
    /* render mode: the bytes, and the document-level fields for the sink */
    if (c->render != NULL)
        st = render_bytes(c, &w->x.facts, &s->bytes, &s->n_bytes, &s->err);
    if (st == KG_OK && s->strings != NULL && kg_strpool_bytes(s->strings) > KG_SLOT_KEEP_BYTES) {
        kg_strpool_free(s->strings);
        s->strings = NULL;
    }
    if (st == KG_OK && s->strings == NULL && (s->strings = kg_strpool_new()) == NULL)
        st = KG_ERR_NOMEM;
    s->extracted = true;
    if (st == KG_OK)
        st = facts_copy(&s->facts, &w->x.facts, s->strings, c->to_slot, true);
    /* nothing outside this worker points into its pool now */
    if (st == KG_OK)
        st = extraction_renew(&w->x, r->opt, &s->err);
    return st;
}

static void *worker_main(void *arg) {
    worker *w = arg;
    ring *r = w->ring;
    pthread_mutex_lock(&r->mu);
    for (;;) {
        /* The next queued slot in input order: facts inputs are done as
         * soon as read, and the calling thread may have consumed them. */
        for (;;) {
            if (r->next_work < r->head)
                r->next_work = r->head;
            while (r->next_work < r->tail && r->slots[r->next_work % r->cap].state != SLOT_QUEUED)
                r->next_work++;
            if (r->stop || r->next_work < r->tail)
                break;
            r->idle_workers++;
            pthread_cond_wait(&r->work, &r->mu);
            r->idle_workers--;
        }
        if (r->stop)
            break;
        slot *s = &r->slots[r->next_work++ % r->cap];
        s->state = SLOT_BUSY;
        pthread_mutex_unlock(&r->mu);
        kg_status st = work_on(w, s);
        pthread_mutex_lock(&r->mu);
        s->status = st;
        s->state = SLOT_DONE;
        /* the calling thread waits for the oldest document only */
        if (r->caller_waiting && s == &r->slots[r->head % r->cap])
            pthread_cond_signal(&r->done);
    }
    pthread_mutex_unlock(&r->mu);
    return NULL;
}

/* Copies doc (valid only until the source's next call) into slot s; a facts
 * input is made ready for consumption at once. */
static kg_status slot_fill(slot *s, const kg_document *doc, kg_strpool *pool, const consumer *c,
                           kg_error *err) {
    s->doc = *doc;
    s->status = KG_OK;
    kg_error_clear(&s->err);
    if (doc->facts != NULL) {
        s->doc.facts = NULL;
        s->doc.text = NULL;
        kg_status st = KG_OK;
        if (c->render != NULL)
            st = render_bytes(c, doc->facts, &s->bytes, &s->n_bytes, err);
        return st == KG_OK ? facts_copy(&s->facts, doc->facts, pool, c->to_slot, false) : st;
    }
    if (doc->len + 1 > s->buf_cap) {
        size_t cap = doc->len + 1 > 2 * s->buf_cap ? doc->len + 1 : 2 * s->buf_cap;
        char *buf = realloc(s->buf, cap);
        if (buf == NULL)
            return KG_ERR_NOMEM;
        s->buf = buf;
        s->buf_cap = cap;
    }
    if (doc->len > 0)
        memcpy(s->buf, doc->text, doc->len);
    s->buf[doc->len] = '\0';
    s->doc.text = s->buf;
    return KG_OK;
}

/* Hands slot s (done) to the sink and empties it. */
static kg_status slot_consume(slot *s, kg_strpool *pool, kg_doc_facts *facts, const consumer *c,
                              kg_error *err) {
    kg_status st = s->status;
    if (st != KG_OK && s->err.status != KG_OK)
        *err = s->err;
    /* facts a worker made live in the slot's pool: into the caller's */
    const kg_doc_facts *ready = &s->facts;
    if (st == KG_OK && s->extracted) {
        st = facts_copy(facts, &s->facts, pool, c->to_caller, false);
        ready = facts;
    }
    if (st == KG_OK && c->render != NULL)
        st = c->bytes_sink(c->bytes_ctx, ready, s->bytes, s->n_bytes, err);
    else if (st == KG_OK)
        st = c->facts_sink(c->facts_ctx, ready, err);
    free(s->bytes);
    s->bytes = NULL;
    s->n_bytes = 0;
    kg_doc_facts_clear(&s->facts);
    kg_doc_facts_clear(facts);
    s->extracted = false;
    if (s->buf_cap > KG_SLOT_KEEP_BYTES) {
        /* a rare big document: do not keep its buffer in every slot */
        free(s->buf);
        s->buf = NULL;
        s->buf_cap = 0;
    }
    s->state = SLOT_FREE;
    return st;
}

static kg_status run_threads(kg_strpool *pool, const kg_parallel_options *opt,
                             kg_document_source source, void *source_ctx, const consumer *c,
                             kg_error *err) {
    kg_status st = KG_OK;
    ring r;
    memset(&r, 0, sizeof r);
    worker *workers = NULL;
    size_t n_workers = opt->threads;
    int eof = 0, locked = 0;
    kg_doc_facts facts;
    kg_doc_facts_init(&facts);

    pthread_mutex_init(&r.mu, NULL);
    pthread_cond_init(&r.work, NULL);
    pthread_cond_init(&r.done, NULL);
    r.opt = opt;
    r.consumer = c;
    r.cap = opt->in_flight;
    r.slots = calloc(r.cap, sizeof *r.slots);
    workers = calloc(n_workers, sizeof *workers);
    if (r.slots == NULL || workers == NULL) {
        st = KG_ERR_NOMEM;
        goto cleanup;
    }
    if (opt->lang != NULL && (r.forced_lang = kg_strpool_cstr(pool, opt->lang)) == NULL) {
        st = KG_ERR_NOMEM;
        goto cleanup;
    }
    /* Every extractor is made here, so that a bad rule file is reported
     * before any thread starts or any document is read. */
    for (size_t i = 0; i < n_workers; i++) {
        workers[i].ring = &r;
        if ((st = extraction_init(&workers[i].x, NULL, opt, err)) != KG_OK)
            goto cleanup;
    }
    for (size_t i = 0; i < n_workers; i++) {
        if (pthread_create(&workers[i].thread, NULL, worker_main, &workers[i]) != 0) {
            st = kg_error_set(err, KG_ERR_INTERNAL, NULL, 0, 0, "cannot start a thread");
            goto cleanup;
        }
        workers[i].started = 1;
    }

    pthread_mutex_lock(&r.mu);
    locked = 1;
    for (;;) {
        /* Deliver what is done, oldest first: the slot is the calling
         * thread's once done. */
        slot *oldest = &r.slots[r.head % r.cap];
        if (r.head < r.tail && oldest->state == SLOT_DONE) {
            pthread_mutex_unlock(&r.mu);
            locked = 0;
            if ((st = slot_consume(oldest, pool, &facts, c, err)) != KG_OK)
                goto cleanup;
            pthread_mutex_lock(&r.mu);
            locked = 1;
            r.text_bytes -= oldest->doc.len;
            r.head++;
            continue;
        }
        if (eof && r.head == r.tail)
            break;
        if (!eof && r.tail - r.head < r.cap &&
            (r.head == r.tail || r.text_bytes < KG_PARALLEL_TEXT_BYTES)) {
            slot *s = &r.slots[r.tail % r.cap];
            pthread_mutex_unlock(&r.mu);
            locked = 0;
            kg_document doc;
            st = source(source_ctx, &doc, err);
            if (st == KG_FAILURE) {
                eof = 1;
                st = KG_OK;
            } else if (st != KG_OK || (st = slot_fill(s, &doc, pool, c, err)) != KG_OK) {
                goto cleanup;
            }
            pthread_mutex_lock(&r.mu);
            locked = 1;
            if (eof)
                continue;
            r.text_bytes += s->doc.len;
            if (doc.facts != NULL) {
                s->state = SLOT_DONE; /* already facts: nothing to extract */
            } else {
                s->state = SLOT_QUEUED;
                if (r.idle_workers > 0)
                    pthread_cond_signal(&r.work);
            }
            r.tail++;
            continue;
        }
        r.caller_waiting = true;
        pthread_cond_wait(&r.done, &r.mu);
        r.caller_waiting = false;
    }

cleanup:
    if (!locked)
        pthread_mutex_lock(&r.mu);
    r.stop = 1;
    pthread_cond_broadcast(&r.work);
    pthread_mutex_unlock(&r.mu);
    for (size_t i = 0; workers != NULL && i < n_workers; i++) {
        if (workers[i].started)
            pthread_join(workers[i].thread, NULL);
        extraction_free(&workers[i].x);
    }
    for (size_t i = 0; r.slots != NULL && i < r.cap; i++) {
        free(r.slots[i].buf);
        free(r.slots[i].bytes);
        kg_doc_facts_clear(&r.slots[i].facts);
        kg_strpool_free(r.slots[i].strings);
    }
    kg_doc_facts_clear(&facts);
    free(r.slots);
    free(workers);
    pthread_cond_destroy(&r.done);
    pthread_cond_destroy(&r.work);
    pthread_mutex_destroy(&r.mu);
    return st;
}

static kg_status run(kg_strpool *pool, const kg_parallel_options *options,
                     kg_document_source source, void *source_ctx, const consumer *c,
                     kg_error *err) {
    kg_parallel_options opt = KG_PARALLEL_OPTIONS_INIT;
    if (options != NULL)
        opt = *options;
    if (pool == NULL || source == NULL)
        return kg_error_set(err, KG_ERR_USAGE, NULL, 0, 0,
                            "kg_extract_parallel: NULL pool, source or sink");
    if (opt.threads == 0)
        opt.threads = kg_cpu_count();
    if (opt.in_flight == 0)
        opt.in_flight = 64 * opt.threads;
    if (opt.renew_bytes == 0)
        opt.renew_bytes = KG_PARALLEL_RENEW_BYTES;
    if (opt.threads == 1)
        return run_inline(pool, &opt, source, source_ctx, c, err);
    return run_threads(pool, &opt, source, source_ctx, c, err);
}

kg_status kg_extract_parallel(kg_strpool *pool, const kg_parallel_options *options,
                              kg_document_source source, void *source_ctx, kg_facts_sink sink,
                              void *sink_ctx, kg_error *err) {
    bool borrowed = options != NULL && options->borrowed_evidence_text;
    consumer c = {.facts_sink = sink,
                  .facts_ctx = sink_ctx,
                  .to_slot = COPY_ALL,
                  .to_caller = borrowed ? COPY_BUT_EVIDENCE : COPY_ALL};
    if (sink == NULL)
        return kg_error_set(err, KG_ERR_USAGE, NULL, 0, 0, "kg_extract_parallel: NULL sink");
    return run(pool, options, source, source_ctx, &c, err);
}

kg_status kg_extract_parallel_render(kg_strpool *pool, const kg_parallel_options *options,
                                     kg_document_source source, void *source_ctx,
                                     kg_facts_render render, void *render_ctx, kg_bytes_sink sink,
                                     void *sink_ctx, kg_error *err) {
    consumer c = {NULL, NULL, render, render_ctx, sink, sink_ctx, COPY_HEADER, COPY_HEADER};
    if (render == NULL || sink == NULL)
        return kg_error_set(err, KG_ERR_USAGE, NULL, 0, 0,
                            "kg_extract_parallel_render: NULL render or sink");
    return run(pool, options, source, source_ctx, &c, err);
}
