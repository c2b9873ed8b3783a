#!/usr/bin/env python3
"""sparql_oxigraph.py — kgraph's RDF loaded into Oxigraph (npm oxigraph, an
embedded SPARQL 1.1 store), answering domain questions about the samples:

  * who holds the chairman post at the Federation of Trade Unions of
    Kyrgyzstan (org:Membership with org:role), and who heads it (org:headOf);
  * which organizations are party_to the memorandum of cooperation;
  * which documents support "FTUK party_to the memorandum" (PROV-O: the
    reified statement's prov:wasDerivedFrom evidence, prov:wasQuotedFrom
    document), and, from graph.nq, which documents' named graphs hold it.

The expected answers come from graph.json and must include what the articles
say (Kanybek Zhumaliev; FTUK and FNPR; 01_ftuk-fnpr-memorandum-bishkek.txt).
graph.ttl, graph.nt and graph.nq (queried as the union of its graphs, and by
GRAPH) must all give them.  The hostile-names graph loads with as many quads
as it has statements, and every label reads back exactly.

Usage: sparql_oxigraph.py --kgraph BIN --hostile BIN --samples DIR --work DIR
"""

import json
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import kgtest  # noqa: E402

MEDIA = {"graph.ttl": "text/turtle", "graph.nt": "application/n-triples", "graph.nq": "application/n-quads"}


def oxigraph(files, queries, union=False):
    spec = {"load": [{"file": f, "format": MEDIA[os.path.basename(f)]} for f in files],
            "queries": queries, "union": union}
    return kgtest.run_node("oxigraph_query.cjs", stdin=json.dumps(spec))


def statement_count(path):
    with open(path, encoding="utf-8") as f:
        return sum(1 for line in f if line.strip() and not line.startswith("#"))


def ask(directory, file, questions, answers, union=False):
    result = oxigraph([os.path.join(directory, file)], [q for _, q, _ in questions], union)
    named = []
    for (name, _, expected), got in zip(questions, result["results"]):
        named.append((name, kgtest.same_answer(got, expected, answers)))
    return named


def loads_all_statements(directory, file):
    result = oxigraph([os.path.join(directory, file)], [])
    expected = statement_count(os.path.join(directory, "graph.nt" if file == "graph.ttl" else file))
    assert result["size"] == expected, f"Oxigraph holds {result['size']} quads, the file {expected}"
    return result["size"]


def labels_read_back(directory):
    data = kgtest.load_json(os.path.join(directory, "graph.json"))
    queries = [
        kgtest.PREFIXES + f"SELECT ?x WHERE {{ <{n['iri']}> rdfs:label ?x }}" for n in data["nodes"]
    ]
    result = oxigraph([os.path.join(directory, "graph.ttl")], queries)
    for node, got in zip(data["nodes"], result["results"]):
        assert got == [node["label"]], f"{node['iri']}: Oxigraph reads {got!r}, JSON has {node['label']!r}"


def main():
    args = kgtest.parse_args(__doc__)
    checks = kgtest.Checks()
    samples = checks.run("kgraph build -f ttl,nt,nq,json samples/", kgtest.build_samples, args, "samples",
                         "ttl,nt,nq,json")
    hostile = checks.run("kg_write_hostile writes the hostile-names graph", kgtest.write_hostile, args)
    checks.run("npm packages installed (tests/integration/package-lock.json)", kgtest.ensure_node_modules)
    if samples is not None:
        answers = checks.run("graph.json answers the questions as the articles do", kgtest.Answers,
                             os.path.join(samples, "graph.json"))
        if answers is not None:
            print("     expected: " + answers.report())
            questions = kgtest.sparql_questions(answers)
            for file, union in (("graph.ttl", False), ("graph.nt", False), ("graph.nq", True)):
                size = checks.run(f"Oxigraph loads {file} with every statement", loads_all_statements, samples, file)
                if size is not None:
                    print(f"     {file}: {size} quads")
                named = checks.run(f"Oxigraph answers the questions from {file}" + (" (union of graphs)" if union else ""),
                                   ask, samples, file, questions, answers, union)
                for name, got in named or []:
                    print(f"     {name}: {got}")
            named = checks.run("Oxigraph finds the supporting documents by GRAPH in graph.nq", ask, samples,
                               "graph.nq", [kgtest.nquads_question(answers)], answers)
            for name, got in named or []:
                print(f"     {name}: {got}")
    if hostile is not None:
        for file in ("graph.ttl", "graph.nt", "graph.nq"):
            checks.run(f"hostile: Oxigraph loads {file} with every statement", loads_all_statements, hostile, file)
        checks.run("hostile: every label reads back from Oxigraph exactly", labels_read_back, hostile)
    return checks.finish()


if __name__ == "__main__":
    sys.exit(main())
