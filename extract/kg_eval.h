/* kg_eval.h — scoring the built-in extractor against gold annotations.
 *
 * A port of the per-document mode of the project's scorer
 * (../shared/eval/score.py) that gives the same figures without running the
 * executable once per document: for every DIR/NAME.gold.json, the article
 * NAME.txt (beside it or in another text folder) loses its leading "# "
 * metadata lines exactly as score.py drops them, is read as the plain-text
 * document score.py would hand to `kgraph build` (same id, same cleaning),
 * extracted, resolved and built into a graph on its own, and the graph's
 * nodes (label + aliases, as graph.json has them) and links are matched to
 * the gold entities and relations with score.py's rules:
 *
 *   normalize   NFKC, case fold, NFKC, ё → е, quote characters dropped,
 *               anything but a letter, number or mark a space, spaces
 *               collapsed, a leading "the " removed;
 *   entities    same type, and an equal normalized form (score 1), or a
 *               best stem-set Jaccard ≥ 0.6 (stems: the first 5 code points
 *               of each token), or for people the surname rule; a greedy
 *               one-to-one matching by score, ties by node then gold order;
 *   relations   same type and both ends matched (either way for met_with),
 *               one to one, a gold holds_post whose role agrees preferred.
 *
 * Precision, recall and F1 are rounded to 6 decimals as score.py rounds
 * them, so the printed figures agree to the last digit.
 */
#ifndef KG_EVAL_H
#define KG_EVAL_H

#include "kg_model.h"

#include <stdbool.h>
#include <stdio.h>

#ifdef __cplusplus
extern "C" {
#endif

/* How many items the gold file and the system have, and how many matched. */
typedef struct kg_eval_counts {
    size_t gold, system, tp;
} kg_eval_counts;

/* Precision, recall and F1 of counts, each rounded to 6 decimals (Python's
 * round(x, 6)); 0 where undefined. */
typedef struct kg_eval_prf {
    double precision, recall, f1;
} kg_eval_prf;

kg_eval_prf kg_eval_prf_of(kg_eval_counts counts);

/* The lists score.py --verbose prints per document, in its order. */
typedef enum kg_eval_detail {
    KG_EVAL_FUZZY_MATCHES = 0, /* "Person \"A. Smith\" ~ \"Alan Smith\" (surname 0.333)" */
    KG_EVAL_MISSED_ENTITIES,
    KG_EVAL_SPURIOUS_ENTITIES,
    KG_EVAL_MISSED_RELATIONS,
    KG_EVAL_SPURIOUS_RELATIONS,
    KG_EVAL_ROLE_ERRORS,
    KG_EVAL_N_DETAILS
} kg_eval_detail;

/* The score of one document. */
typedef struct kg_eval_doc {
    char *doc;       /* the article's file name (the gold "doc") */
    char *gold_file; /* path of the gold file */
    char *error;     /* NULL, or why the document counts as an empty graph */
    kg_eval_counts entities[KG_ENT_TYPE_COUNT];
    kg_eval_counts relations[KG_REL_TYPE_COUNT];
    size_t roles_correct, roles_total; /* matched holds_post with a gold role */
    size_t duplicate_links;            /* links repeating (type, ends): counted spurious */
    char **details[KG_EVAL_N_DETAILS];
    size_t n_details[KG_EVAL_N_DETAILS];
} kg_eval_doc;

/* The score of a gold folder; everything owned, released by
 * kg_eval_result_clear. */
typedef struct kg_eval_result {
    char *gold_dir;
    kg_eval_doc *docs; /* in byte order of the gold file names */
    size_t n_docs;
    char **warnings; /* "PATH: what was ignored" about the gold files */
    size_t n_warnings;
} kg_eval_result;

/* Scores every gold_dir/ *.gold.json.  An article is looked for in the gold
 * file's folder, then in text_dirs in order, as the gold "doc" name or as
 * NAME.txt.  A missing article or a document kgraph cannot read is not an
 * error: it is scored as an empty graph and described in its error.
 * Errors: KG_ERR_INPUT when gold_dir is not a folder or holds no gold file,
 * KG_ERR_PARSE (file, line) for a gold file that is not a JSON object,
 * KG_ERR_NOMEM.  out is initialised here; release it with
 * kg_eval_result_clear (also after a failure). */
kg_status kg_eval_run(kg_eval_result *out, const char *gold_dir, const char *const *text_dirs,
                      size_t n_text_dirs, kg_error *err);

/* Frees everything out holds and zeroes it; NULL is a no-op. */
void kg_eval_result_clear(kg_eval_result *result);

/* The matching half of kg_eval_run on its own: scores the graph data of
 * one document (entity i is node i, relation j link j, as in graph.json)
 * against the gold file at gold_path.  out is initialised here; release it
 * with kg_eval_doc_clear.  Errors as for kg_eval_run's gold files. */
kg_status kg_eval_score_graph(kg_eval_doc *out, const char *gold_path, const kg_resolved *data,
                              kg_error *err);

/* Frees everything doc holds and zeroes it; NULL is a no-op. */
void kg_eval_doc_clear(kg_eval_doc *doc);

/* Sums over the documents (micro averages); roles may be NULL. */
void kg_eval_totals(const kg_eval_result *result, kg_eval_counts entities[KG_ENT_TYPE_COUNT],
                    kg_eval_counts relations[KG_REL_TYPE_COUNT], size_t roles[2]);

/* Writes score.py's report: with verbose the per-document lists first, then
 * the table per document, entities and relations by type, role accuracy,
 * failures, and last "overall: entity_f1=0.XXX relation_f1=0.YYY". */
kg_status kg_eval_write_report(const kg_eval_result *result, bool verbose, FILE *out,
                               kg_error *err);

/* Writes every figure as JSON in the shape of score.py --json-out
 * ({"mode", "gold", "overall", "documents"}), keys sorted. */
kg_status kg_eval_write_json(const kg_eval_result *result, FILE *out, kg_error *err);

/* score.py's normalize of s[0..len) (valid UTF-8) as a new string the
 * caller frees; NULL when out of memory.  Exposed for tests. */
char *kg_eval_normalize(const char *s, size_t len);

#ifdef __cplusplus
}
#endif

#endif /* KG_EVAL_H */
