/* kg_views.c — tables derived from the resolved data and the analytics
 * (kg_graph.h, "derived views"): the organization–organization network
 * through shared agreements, meetings and events; the persons who bridge
 * communities; counts per document and per date.
 *
 * Each view collects small records (pairs of indices), sorts them and
 * counts runs, so the result depends only on content and memory stays
 * linear in the records. */
#include "kg_graph.h"
#include "kg_model_internal.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

/* ---- pairs of indices ------------------------------------------------------ */

typedef struct index_pair {
    size_t first, second;
} index_pair;

typedef struct pair_list {
    index_pair *items;
    size_t n, cap;
} pair_list;

static kg_status pair_add(pair_list *list, size_t first, size_t second) {
    if (kg_reserve((void **)&list->items, &list->cap, list->n + 1, sizeof *list->items) != KG_OK)
        return KG_ERR_NOMEM;
    list->items[list->n++] = (index_pair){first, second};
    return KG_OK;
}

static int cmp_pair(const void *a, const void *b) {
    const index_pair *x = a, *y = b;
    int c = kg_cmp_size(x->first, y->first);
    return c != 0 ? c : kg_cmp_size(x->second, y->second);
}

/* Sorts and drops duplicates. */
static void pair_unique(pair_list *list) {
    if (list->n == 0)
        return;
    qsort(list->items, list->n, sizeof *list->items, cmp_pair);
    size_t w = 1;
    for (size_t r = 1; r < list->n; r++)
        if (cmp_pair(&list->items[r], &list->items[w - 1]) != 0)
            list->items[w++] = list->items[r];
    list->n = w;
}

/* Index of the first pair whose first member is key, or list->n (the list
 * is sorted). */
static size_t pair_lower_bound(const pair_list *list, size_t key) {
    size_t lo = 0, hi = list->n;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (list->items[mid].first < key)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo;
}

static kg_status nomem(kg_error *err, const char *what) {
    return kg_error_set(err, KG_ERR_NOMEM, NULL, 0, 0, "out of memory while computing %s", what);
}

/* ---- the organization network ---------------------------------------------- */

enum { LINK_AGREEMENT, LINK_MEETING, LINK_EVENT };

typedef struct link_record {
    size_t a, b; /* organizations, a < b */
    int kind;    /* LINK_* */
    size_t item; /* the agreement or event entity, or the met_with relation */
} link_record;

typedef struct link_list {
    link_record *items;
    size_t n, cap;
} link_list;

static int cmp_link_record(const void *p, const void *q) {
    const link_record *x = p, *y = q;
    int c = kg_cmp_size(x->a, y->a);
    if (c == 0)
        c = kg_cmp_size(x->b, y->b);
    if (c == 0)
        c = kg_cmp_size((size_t)x->kind, (size_t)y->kind);
    return c != 0 ? c : kg_cmp_size(x->item, y->item);
}

static kg_status link_add(link_list *list, size_t a, size_t b, int kind, size_t item) {
    if (a == b)
        return KG_OK;
    if (kg_reserve((void **)&list->items, &list->cap, list->n + 1, sizeof *list->items) != KG_OK)
        return KG_ERR_NOMEM;
    list->items[list->n++] = (link_record){a < b ? a : b, a < b ? b : a, kind, item};
    return KG_OK;
}

/* Every pair of the organizations in members[0..n): the second members of
 * sorted, unique pairs that share one item (their first member). */
static kg_status link_all_pairs(link_list *links, const index_pair *members, size_t n, int kind) {
    for (size_t i = 0; i < n; i++)
        for (size_t j = i + 1; j < n; j++)
            if (link_add(links, members[i].second, members[j].second, kind, members[i].first) !=
                KG_OK)
                return KG_ERR_NOMEM;
    return KG_OK;
}

static int cmp_org_link(const void *p, const void *q) {
    const kg_org_link *x = p, *y = q;
    if (x->weight != y->weight)
        return x->weight > y->weight ? -1 : 1;
    int c = kg_cmp_size(x->a, y->a);
    return c != 0 ? c : kg_cmp_size(x->b, y->b);
}

void kg_org_network_clear(kg_org_network *net) {
    if (net == NULL)
        return;
    free(net->links);
    net->links = NULL;
    net->n_links = 0;
}

kg_status kg_views_org_network(const kg_resolved *data, kg_org_network *out, kg_error *err) {
    kg_status st = KG_OK;
    pair_list acting = {0};  /* (entity, organization it acts for) */
    pair_list members = {0}; /* (agreement or event, organization) */
    link_list links = {0};

    if (out == NULL || data == NULL)
        return kg_error_set(err, KG_ERR_USAGE, NULL, 0, 0, "kg_views_org_network: no data");
    memset(out, 0, sizeof *out);
    const kg_entity *e = data->entities;

    for (size_t i = 0; i < data->n_entities && st == KG_OK; i++)
        if (e[i].type == KG_ENT_ORGANIZATION)
            st = pair_add(&acting, i, i);
    for (size_t j = 0; j < data->n_relations && st == KG_OK; j++) {
        const kg_relation *r = &data->relations[j];
        if (r->type == KG_REL_HOLDS_POST && e[r->subject].type == KG_ENT_PERSON &&
            e[r->object].type == KG_ENT_ORGANIZATION)
            st = pair_add(&acting, r->subject, r->object);
    }
    if (st != KG_OK)
        goto cleanup;
    pair_unique(&acting);

    /* Agreements: their parties.  Events: whoever took part or organized,
     * through the organizations they act for. */
    int kinds[2] = {LINK_AGREEMENT, LINK_EVENT};
    for (int pass = 0; pass < 2; pass++) {
        members.n = 0;
        for (size_t j = 0; j < data->n_relations && st == KG_OK; j++) {
            const kg_relation *r = &data->relations[j];
            if (pass == 0 && r->type == KG_REL_PARTY_TO &&
                e[r->subject].type == KG_ENT_ORGANIZATION &&
                e[r->object].type == KG_ENT_AGREEMENT) {
                st = pair_add(&members, r->object, r->subject);
            } else if (pass == 1 &&
                       (r->type == KG_REL_PARTICIPATED_IN || r->type == KG_REL_ORGANIZED) &&
                       e[r->object].type == KG_ENT_EVENT) {
                for (size_t k = pair_lower_bound(&acting, r->subject);
                     k < acting.n && acting.items[k].first == r->subject && st == KG_OK; k++)
                    st = pair_add(&members, r->object, acting.items[k].second);
            }
        }
        if (st != KG_OK)
            goto cleanup;
        pair_unique(&members);
        for (size_t start = 0; start < members.n && st == KG_OK;) {
            size_t end = start + 1;
            while (end < members.n && members.items[end].first == members.items[start].first)
                end++;
            st = link_all_pairs(&links, members.items + start, end - start, kinds[pass]);
            start = end;
        }
    }

    /* Meetings: every organization one side acts for with every one of the
     * other side. */
    for (size_t j = 0; j < data->n_relations && st == KG_OK; j++) {
        const kg_relation *r = &data->relations[j];
        if (r->type != KG_REL_MET_WITH)
            continue;
        size_t s0 = pair_lower_bound(&acting, r->subject);
        size_t o0 = pair_lower_bound(&acting, r->object);
        for (size_t s = s0; s < acting.n && acting.items[s].first == r->subject && st == KG_OK; s++)
            for (size_t o = o0; o < acting.n && acting.items[o].first == r->object && st == KG_OK;
                 o++)
                st = link_add(&links, acting.items[s].second, acting.items[o].second, LINK_MEETING,
                              j);
    }
    if (st != KG_OK)
        goto cleanup;

    /* One count per distinct (pair, kind, item), summed per pair. */
    if (links.n > 0)
        qsort(links.items, links.n, sizeof *links.items, cmp_link_record);
    size_t cap = 0;
    for (size_t k = 0; k < links.n; k++) {
        const link_record *l = &links.items[k];
        if (k > 0 && cmp_link_record(l, &links.items[k - 1]) == 0)
            continue;
        kg_org_link *last = out->n_links > 0 ? &out->links[out->n_links - 1] : NULL;
        if (last == NULL || last->a != l->a || last->b != l->b) {
            if (kg_reserve((void **)&out->links, &cap, out->n_links + 1, sizeof *out->links) !=
                KG_OK) {
                st = KG_ERR_NOMEM;
                goto cleanup;
            }
            last = &out->links[out->n_links++];
            memset(last, 0, sizeof *last);
            last->a = l->a;
            last->b = l->b;
        }
        if (l->kind == LINK_AGREEMENT)
            last->agreements++;
        else if (l->kind == LINK_MEETING)
            last->meetings++;
        else
            last->events++;
        last->weight++;
    }
    if (out->n_links > 0)
        qsort(out->links, out->n_links, sizeof *out->links, cmp_org_link);

cleanup:
    free(acting.items);
    free(members.items);
    free(links.items);
    if (st != KG_OK) {
        kg_org_network_clear(out);
        return nomem(err, "the organization network");
    }
    return KG_OK;
}

/* ---- bridging persons ------------------------------------------------------ */

typedef struct bridge_sort {
    kg_bridge bridge;
    double betweenness;
    const char *id;
} bridge_sort;

static int cmp_bridge(const void *p, const void *q) {
    const bridge_sort *x = p, *y = q;
    if (x->bridge.n_communities != y->bridge.n_communities)
        return x->bridge.n_communities > y->bridge.n_communities ? -1 : 1;
    if (x->betweenness != y->betweenness)
        return x->betweenness > y->betweenness ? -1 : 1;
    return strcmp(x->id, y->id);
}

static int cmp_size_ptr(const void *a, const void *b) {
    return kg_cmp_size(*(const size_t *)a, *(const size_t *)b);
}

kg_status kg_views_bridges(const kg_graph *graph, kg_bridge **out, size_t *n_out, kg_error *err) {
    kg_status st = KG_OK;
    pair_list adjacent = {0};
    size_t *seen = NULL;
    bridge_sort *rows = NULL;
    size_t n_rows = 0, cap_rows = 0;

    if (out == NULL || n_out == NULL || graph == NULL)
        return kg_error_set(err, KG_ERR_USAGE, NULL, 0, 0, "kg_views_bridges: no graph");
    *out = NULL;
    *n_out = 0;
    const kg_resolved *data = graph->data;
    if (graph->community == NULL)
        return KG_OK;

    for (size_t j = 0; j < data->n_relations && st == KG_OK; j++) {
        const kg_relation *r = &data->relations[j];
        if (r->subject == r->object)
            continue;
        st = pair_add(&adjacent, r->subject, r->object);
        if (st == KG_OK)
            st = pair_add(&adjacent, r->object, r->subject);
    }
    if (st != KG_OK)
        goto cleanup;
    pair_unique(&adjacent);

    seen = malloc((data->n_entities + 1) * sizeof *seen);
    if (seen == NULL) {
        st = KG_ERR_NOMEM;
        goto cleanup;
    }
    for (size_t start = 0; start < adjacent.n;) {
        size_t person = adjacent.items[start].first, end = start;
        while (end < adjacent.n && adjacent.items[end].first == person)
            end++;
        if (data->entities[person].type == KG_ENT_PERSON) {
            size_t n_seen = 0;
            for (size_t k = start; k < end; k++)
                seen[n_seen++] = graph->community[adjacent.items[k].second];
            qsort(seen, n_seen, sizeof *seen, cmp_size_ptr);
            size_t distinct = n_seen > 0 ? 1 : 0;
            for (size_t a = 1; a < n_seen; a++)
                distinct += seen[a] != seen[a - 1];
            if (distinct >= 2) {
                if (kg_reserve((void **)&rows, &cap_rows, n_rows + 1, sizeof *rows) != KG_OK) {
                    st = KG_ERR_NOMEM;
                    goto cleanup;
                }
                rows[n_rows++] = (bridge_sort){
                    {person, distinct, end - start},
                    graph->centrality != NULL ? graph->centrality[person].betweenness : 0.0,
                    data->entities[person].id};
            }
        }
        start = end;
    }
    if (n_rows > 0) {
        qsort(rows, n_rows, sizeof *rows, cmp_bridge);
        *out = malloc(n_rows * sizeof **out);
        if (*out == NULL) {
            st = KG_ERR_NOMEM;
            goto cleanup;
        }
        for (size_t i = 0; i < n_rows; i++)
            (*out)[i] = rows[i].bridge;
        *n_out = n_rows;
    }

cleanup:
    free(adjacent.items);
    free(seen);
    free(rows);
    return st == KG_OK ? KG_OK : nomem(err, "bridging persons");
}

/* ---- counts per document and per date -------------------------------------- */

static int cmp_str_ptr(const void *a, const void *b) {
    return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* Index of the document id in data->documents (sorted by id), or SIZE_MAX. */
static size_t doc_index(const kg_resolved *data, const char *id) {
    size_t lo = 0, hi = data->n_documents;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        int c = strcmp(data->documents[mid].id, id);
        if (c == 0)
            return mid;
        if (c < 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    return SIZE_MAX;
}

/* Dates compared on their first `prefix` bytes (all of them when 0). */
static int date_cmp(const char *a, const char *b, size_t prefix) {
    return prefix > 0 ? strncmp(a, b, prefix) : strcmp(a, b);
}

/* Index of date among the sorted dates unique on their prefix, or SIZE_MAX
 * (NULL, empty or absent). */
static size_t date_index(const char *const *dates, size_t n, const char *date, size_t prefix) {
    if (date == NULL || date[0] == '\0')
        return SIZE_MAX;
    size_t lo = 0, hi = n;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        int c = date_cmp(dates[mid], date, prefix);
        if (c == 0)
            return mid;
        if (c < 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    return SIZE_MAX;
}

void kg_counts_clear(kg_counts *counts) {
    if (counts == NULL)
        return;
    free(counts->by_document);
    free(counts->by_date);
    memset(counts, 0, sizeof *counts);
}

kg_status kg_views_counts(const kg_resolved *data, size_t date_prefix, kg_counts *out,
                          kg_error *err) {
    kg_status st = KG_OK;
    const char **dates = NULL;
    size_t n_dates = 0;
    size_t *doc_date = NULL; /* per document: its date index or SIZE_MAX */
    pair_list date_entity = {0}, date_relation = {0};

    if (out == NULL || data == NULL)
        return kg_error_set(err, KG_ERR_USAGE, NULL, 0, 0, "kg_views_counts: no data");
    memset(out, 0, sizeof *out);
    size_t n_docs = data->n_documents;

    dates = malloc((n_docs + data->n_entities + 1) * sizeof *dates);
    doc_date = malloc((n_docs + 1) * sizeof *doc_date);
    out->by_document = calloc(n_docs + 1, sizeof *out->by_document);
    if (dates == NULL || doc_date == NULL || out->by_document == NULL)
        goto nomem;
    for (size_t d = 0; d < n_docs; d++)
        if (data->documents[d].date != NULL && data->documents[d].date[0] != '\0')
            dates[n_dates++] = data->documents[d].date;
    for (size_t i = 0; i < data->n_entities; i++)
        if (data->entities[i].date != NULL && data->entities[i].date[0] != '\0')
            dates[n_dates++] = data->entities[i].date;
    if (n_dates > 0) {
        qsort(dates, n_dates, sizeof *dates, cmp_str_ptr);
        size_t w = 1;
        for (size_t r = 1; r < n_dates; r++)
            if (date_cmp(dates[r], dates[w - 1], date_prefix) != 0)
                dates[w++] = dates[r];
        n_dates = w;
    }
    out->by_date = calloc(n_dates + 1, sizeof *out->by_date);
    if (out->by_date == NULL)
        goto nomem;
    out->n_dates = n_dates;
    for (size_t k = 0; k < n_dates; k++) {
        size_t len = strlen(dates[k]);
        out->by_date[k].key = dates[k];
        out->by_date[k].key_len = date_prefix > 0 && date_prefix < len ? date_prefix : len;
    }

    out->n_documents = n_docs;
    for (size_t d = 0; d < n_docs; d++) {
        out->by_document[d].key = data->documents[d].id;
        out->by_document[d].key_len = strlen(data->documents[d].id);
        out->by_document[d].documents = 1;
        doc_date[d] = date_index(dates, n_dates, data->documents[d].date, date_prefix);
        if (doc_date[d] != SIZE_MAX)
            out->by_date[doc_date[d]].documents++;
    }

    for (size_t i = 0; i < data->n_entities; i++) {
        const kg_entity *e = &data->entities[i];
        size_t k = date_index(dates, n_dates, e->date, date_prefix);
        if (k != SIZE_MAX)
            out->by_date[k].dated[e->type]++;
        for (size_t m = 0; m < e->n_documents; m++) {
            size_t d = doc_index(data, e->documents[m]);
            if (d == SIZE_MAX)
                continue;
            out->by_document[d].entities++;
            if (doc_date[d] != SIZE_MAX && pair_add(&date_entity, doc_date[d], i) != KG_OK)
                goto nomem;
        }
    }

    for (size_t j = 0; j < data->n_relations; j++) {
        const kg_relation *r = &data->relations[j];
        /* evidence is sorted by document: one run per document */
        for (size_t v = 0; v < r->n_evidence;) {
            const char *doc = r->evidence[v].doc;
            size_t w = v;
            while (w < r->n_evidence && strcmp(r->evidence[w].doc, doc) == 0)
                w++;
            size_t d = doc_index(data, doc);
            if (d != SIZE_MAX) {
                out->by_document[d].relations++;
                out->by_document[d].evidence += w - v;
                if (doc_date[d] != SIZE_MAX) {
                    out->by_date[doc_date[d]].evidence += w - v;
                    if (pair_add(&date_relation, doc_date[d], j) != KG_OK)
                        goto nomem;
                }
            }
            v = w;
        }
    }
    pair_unique(&date_entity);
    pair_unique(&date_relation);
    for (size_t k = 0; k < date_entity.n; k++)
        out->by_date[date_entity.items[k].first].entities++;
    for (size_t k = 0; k < date_relation.n; k++)
        out->by_date[date_relation.items[k].first].relations++;
    goto cleanup;

nomem:
    st = nomem(err, "counts per document and date");
    kg_counts_clear(out);
cleanup:
    free(dates);
    free(doc_date);
    free(date_entity.items);
    free(date_relation.items);
    return st;
}
