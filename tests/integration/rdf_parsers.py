#!/usr/bin/env python3
"""rdf_parsers.py — graph.ttl, graph.nt and graph.nq read by four RDF parsers
that share no code with kgraph or with each other: raptor2 (rapper), serd
(serdi), rdflib and N3.js (npm n3).

For the samples and for the hostile-names graph (kg_write_hostile) it checks
that
  * every parser accepts every file without a warning;
  * the four parsers read the same triple set from graph.ttl and from
    graph.nt, and the two sets are equal;
  * no statement is written twice (the parsers that report every statement
    count as many as the set holds);
  * the four read the same quads from graph.nq, whose graphs dropped give the
    N-Triples set, and whose named graphs are all documents;
  * literals survive exactly: every JSON node's label is its rdfs:label in
    the RDF, character for character (quotes, backslashes, newlines, controls,
    emoji, right-to-left text), with the same IRI;
  * docs/kgraph.ttl, the published kg: vocabulary, parses with all four and
    declares every kg: term the samples' output uses.

Usage: rdf_parsers.py --kgraph BIN --hostile BIN --samples DIR --work DIR
"""

import collections
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import kgtest  # noqa: E402

kgtest.use_system_python(["rdflib"])

RDFS_LABEL = "http://www.w3.org/2000/01/rdf-schema#label"
RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
KG_DOCUMENT = "https://kgraph.example.org/ns#Document"

SYNTAX = {
    ".ttl": ("turtle", "turtle", "turtle", "text/turtle"),
    ".nt": ("ntriples", "ntriples", "nt", "application/n-triples"),
    ".nq": ("nquads", "nquads", "nquads", "application/n-quads"),
}


def with_rapper(path):
    rapper = kgtest.need_tool("rapper", "raptor2-utils")
    syntax = SYNTAX[os.path.splitext(path)[1]][0]
    out = "nquads" if syntax == "nquads" else "ntriples"
    proc = kgtest.run([rapper, "-q", "-i", syntax, "-o", out, path], text=True)
    assert proc.stderr.strip() == "", f"rapper complained: {proc.stderr.strip()[:500]}"
    return kgtest.read_nquads(proc.stdout, quads=syntax == "nquads")


def with_serdi(path):
    serdi = kgtest.need_tool("serdi", "serdi")
    syntax = SYNTAX[os.path.splitext(path)[1]][1]
    out = "nquads" if syntax == "nquads" else "ntriples"
    proc = kgtest.run([serdi, "-i", syntax, "-o", out, path], text=True)
    assert proc.stderr.strip() == "", f"serdi complained: {proc.stderr.strip()[:500]}"
    return kgtest.read_nquads(proc.stdout, quads=syntax == "nquads")


def with_rdflib(path):
    """rdflib keeps a set, so this is the set of statements.  Its literal
    normalisation ("1.0E0"^^xsd:double read as "1.0") is turned off: the
    lexical forms are compared."""
    import rdflib

    rdflib.NORMALIZE_LITERALS = False
    syntax = SYNTAX[os.path.splitext(path)[1]][2]
    if syntax == "nquads":
        dataset = rdflib.ConjunctiveGraph()
        dataset.parse(path, format="nquads")
        statements = []
        for s, p, o, g in dataset.quads((None, None, None, None)):
            name = str(g.identifier if hasattr(g, "identifier") else g)
            # Statements without a graph land in a graph named after the
            # source (file:///...) or rdflib's default graph id.
            default = name.startswith("file://") or name == str(rdflib.graph.DATASET_DEFAULT_GRAPH_ID)
            graph = None if default else ("I", name)
            statements.append((kgtest.rdflib_term(s), kgtest.rdflib_term(p), kgtest.rdflib_term(o), graph))
        return statements
    graph = rdflib.Graph()
    graph.parse(path, format=syntax)
    return [(kgtest.rdflib_term(s), kgtest.rdflib_term(p), kgtest.rdflib_term(o), None) for s, p, o in graph]


def n3_term(t):
    if t is None:
        return None
    if t[0] == "L":
        return kgtest.literal(t[1], t[2] or None, t[3])
    return (t[0], t[1])


def with_n3js(path):
    syntax = SYNTAX[os.path.splitext(path)[1]][3]
    quads = kgtest.run_node("n3_parse.cjs", path, syntax)
    return [tuple(n3_term(t) for t in q) for q in quads]


PARSERS = [("rapper", with_rapper), ("serdi", with_serdi), ("rdflib", with_rdflib), ("N3.js", with_n3js)]


def no_statement_twice(statements):
    counts = collections.Counter(statements)
    twice = [s for s, n in counts.items() if n > 1]
    assert not twice, f"{len(twice)} statements written more than once, e.g. {twice[:2]}"


def same_sets(sets):
    names = list(sets)
    first = sets[names[0]]
    assert first, "no statements"
    for name in names[1:]:
        other = sets[name]
        if other != first:
            only_a, only_b = first - other, other - first
            raise AssertionError(
                f"{names[0]} and {name} differ: {len(only_a)} only in {names[0]} "
                f"(e.g. {sorted(only_a)[:2]}), {len(only_b)} only in {name} (e.g. {sorted(only_b)[:2]})"
            )
    return len(first)


def triples_of(quads):
    return {(s, p, o, None) for s, p, o, _ in quads}


def named_graphs_are_documents(quads, nt_set):
    documents = {s for s, p, o, _ in nt_set if p == ("I", RDF_TYPE) and o == ("I", KG_DOCUMENT)}
    graphs = {g for *_, g in quads if g is not None}
    assert graphs, "graph.nq has no named graph"
    assert graphs <= documents, f"named graphs that are not documents: {sorted(graphs - documents)[:3]}"
    return len(graphs)


def labels_survive(nt_set, graph_json):
    data = kgtest.load_json(graph_json)
    labels = collections.defaultdict(set)
    for s, p, o, _ in nt_set:
        if p == ("I", RDFS_LABEL) and o[0] == "L":
            labels[s[1]].add(o[1])
    for node in data["nodes"]:
        got = labels.get(node["iri"])
        assert got == {node["label"]}, f"{node['iri']}: rdfs:label {got!r}, JSON label {node['label']!r}"


VOCABULARY = os.path.join(kgtest.HERE, "..", "..", "docs", "kgraph.ttl")
KG = "https://kgraph.example.org/ns#"


def vocabulary_declares_every_term(vocabulary, nt_set):
    declared = {s[1] for s, p, o, _ in vocabulary if p == ("I", RDF_TYPE)}
    used = set()
    for s, p, o, _ in nt_set:
        used.add(p[1])
        if p == ("I", RDF_TYPE):
            used.add(o[1])
    used = {t for t in used if t.startswith(KG)}
    missing = sorted(used - declared)
    assert not missing, f"kg: terms used but not declared in docs/kgraph.ttl: {missing}"
    return len(used)


def check_vocabulary(checks, samples_nt):
    path = os.path.abspath(VOCABULARY)
    per_parser = {}
    for parser, fn in PARSERS:
        statements = checks.run(f"{parser} reads docs/kgraph.ttl", fn, path)
        if statements is not None:
            per_parser[parser] = set(statements)
    if len(per_parser) == len(PARSERS):
        checks.run("the four parsers read the same docs/kgraph.ttl", same_sets, per_parser)
        if samples_nt is not None:
            n = checks.run("docs/kgraph.ttl declares every kg: term of the samples' output",
                           vocabulary_declares_every_term, per_parser["rapper"], samples_nt)
            if n is not None:
                print(f"     {n} kg: terms used")


sets_by_dataset = {}


def check_dataset(checks, name, directory):
    sets = {}
    for file in ("graph.ttl", "graph.nt", "graph.nq"):
        path = os.path.join(directory, file)
        per_parser = {}
        for parser, fn in PARSERS:
            statements = checks.run(f"{name}: {parser} reads {file}", fn, path)
            if statements is None:
                continue
            if parser != "rdflib":
                checks.run(f"{name}: {file} holds no statement twice ({parser})", no_statement_twice, statements)
            per_parser[parser] = set(statements)
        if len(per_parser) == len(PARSERS):
            count = checks.run(f"{name}: the four parsers read the same statements from {file}", same_sets, per_parser)
            if count is not None:
                print(f"     {file}: {count} statements")
            sets[file] = per_parser["rapper"]
    if "graph.ttl" in sets and "graph.nt" in sets:
        checks.run(f"{name}: graph.ttl and graph.nt hold the same triples", same_sets,
                   {"graph.ttl": sets["graph.ttl"], "graph.nt": sets["graph.nt"]})
        checks.run(f"{name}: every JSON node's label is its rdfs:label, character for character",
                   labels_survive, sets["graph.nt"], os.path.join(directory, "graph.json"))
    sets_by_dataset[name] = sets.get("graph.nt")
    if "graph.nq" in sets and "graph.nt" in sets:
        checks.run(f"{name}: graph.nq without its graphs is graph.nt", same_sets,
                   {"graph.nq": triples_of(sets["graph.nq"]), "graph.nt": sets["graph.nt"]})
        n = checks.run(f"{name}: the named graphs of graph.nq are documents", named_graphs_are_documents,
                       sets["graph.nq"], sets["graph.nt"])
        if n is not None:
            print(f"     graph.nq: {n} named graphs")


def main():
    args = kgtest.parse_args(__doc__)
    checks = kgtest.Checks()
    samples = checks.run("kgraph build -f ttl,nt,nq,json samples/", kgtest.build_samples, args, "samples",
                         "ttl,nt,nq,json")
    hostile = checks.run("kg_write_hostile writes the hostile-names graph", kgtest.write_hostile, args)
    if samples is not None:
        check_dataset(checks, "samples", samples)
    if hostile is not None:
        check_dataset(checks, "hostile", hostile)
    check_vocabulary(checks, sets_by_dataset.get("samples"))
    return checks.finish()


if __name__ == "__main__":
    sys.exit(main())
