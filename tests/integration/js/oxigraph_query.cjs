// oxigraph_query.cjs — loads RDF files into an in-memory Oxigraph store (npm
// oxigraph) and answers SPARQL SELECT queries.  Reads one JSON object on
// standard input:
//   {"load": [{"file": PATH, "format": MEDIA_TYPE}, ...],
//    "queries": [SPARQL, ...], "union": BOOLEAN}
// and prints {"size": QUADS, "results": [[value of the first variable of
// each solution, ...], ...]}.  "union" queries the union of all graphs as
// the default graph.  A parse or query error ends it with status 1.
"use strict";
const fs = require("fs");
const oxigraph = require("oxigraph");

const spec = JSON.parse(fs.readFileSync(0, "utf8"));
const store = new oxigraph.Store();
for (const { file, format } of spec.load) {
  store.load(fs.readFileSync(file, "utf8"), { format });
}
const results = spec.queries.map((query) => {
  const solutions = store.query(query, { use_default_graph_as_union: Boolean(spec.union) });
  return solutions.map((solution) => {
    const [first] = solution.values();
    return first === undefined ? null : first.value;
  });
});
process.stdout.write(JSON.stringify({ size: store.size, results }));
