// n3_parse.cjs FILE FORMAT — parses FILE with N3.js (npm n3) in FORMAT
// ("text/turtle", "application/n-triples", "application/n-quads") and prints
// every statement as JSON: [[s, p, o, g], ...], terms as ["I", iri],
// ["B", label] or ["L", value, language, datatype]; g is null for the
// default graph.  Any syntax error ends it with status 1.
"use strict";
const fs = require("fs");
const N3 = require("n3");

const [file, format] = process.argv.slice(2);
function term(t) {
  if (t.termType === "NamedNode") return ["I", t.value];
  if (t.termType === "BlankNode") return ["B", t.value];
  if (t.termType === "Literal") return ["L", t.value, t.language, t.datatype.value];
  return [t.termType, t.value];
}
const parser = new N3.Parser({ format });
const quads = parser.parse(fs.readFileSync(file, "utf8"));
process.stdout.write(
  JSON.stringify(
    quads.map((q) => [
      term(q.subject),
      term(q.predicate),
      term(q.object),
      q.graph.termType === "DefaultGraph" ? null : term(q.graph),
    ]),
  ),
);
