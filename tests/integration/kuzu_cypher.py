#!/usr/bin/env python3
"""kuzu_cypher.py — nodes.csv and relationships.csv (neo4j-admin import
headers) bulk-loaded with COPY FROM into Kuzu (npm kuzu, embedded), with the
schema of docs/loading.md, answering the domain questions in Cypher:

  * who holds the chairman post at the Federation of Trade Unions of
    Kyrgyzstan, and who heads it (a head role);
  * which organizations are party_to the memorandum of cooperation;
  * which documents support "FTUK party_to the memorandum".

Expected answers come from graph.json (kgtest.Answers).  Every node and
relationship must load, and every value must equal graph.json's: names,
IRIs, aliases and documents (split on ';'), numbers, and the evidence JSON.
The hostile-names CSV (quotes, commas, newlines inside values) loads too, with
PARALLEL=false as docs/loading.md says for values with line breaks.

Usage: kuzu_cypher.py --kgraph BIN --hostile BIN --samples DIR --work DIR
"""

import json
import math
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import kgtest  # noqa: E402

MEASURES = ["degree", "in_degree", "out_degree", "strength", "betweenness", "closeness", "harmonic",
            "pagerank", "eigenvector", "hub", "authority", "coreness"]

# The schema of docs/loading.md: columns in the order of the CSV files.
SCHEMA = [
    "CREATE NODE TABLE Entity(id STRING, labels STRING, iri STRING, type STRING, name STRING, "
    "lang STRING, label_en STRING, label_ru STRING, date STRING, aliases STRING, documents STRING, "
    "mentions INT64, "
    + ", ".join(f"{m} DOUBLE" for m in MEASURES) + ", community INT64, PRIMARY KEY (id))",
    "CREATE REL TABLE Relation(FROM Entity TO Entity, rel_type STRING, iri STRING, key STRING, "
    "relation STRING, role STRING, role_text STRING, weight INT64, confidence DOUBLE, "
    "documents STRING, evidence STRING)",
]


def copy_statements(directory, parallel=True):
    options = "HEADER=true" + ("" if parallel else ", PARALLEL=false")
    return [
        f"COPY Entity FROM '{os.path.join(directory, 'nodes.csv')}' ({options})",
        f"COPY Relation FROM '{os.path.join(directory, 'relationships.csv')}' ({options})",
    ]


def kuzu(directory, queries, parallel=True):
    spec = {"setup": SCHEMA + copy_statements(directory, parallel), "queries": queries}
    return kgtest.run_node("kuzu_query.cjs", stdin=json.dumps(spec))


def cypher_questions(answers):
    heads = ", ".join(f"'{r}'" for r in sorted(kgtest.HEAD_ROLES))
    match_memo = (
        "MATCH (o:Entity)-[r:Relation]->(a:Entity) WHERE r.relation = 'party_to' "
        f"AND a.type = 'Agreement' AND lower(a.name) = '{kgtest.MEMO}'"
    )
    return [
        ("who holds the chairman post at " + kgtest.FTUK,
         "MATCH (p:Entity)-[r:Relation]->(o:Entity) WHERE r.relation = 'holds_post' "
         f"AND r.role = 'chairman' AND o.name = '{kgtest.FTUK}' RETURN DISTINCT p.iri AS x",
         answers.chairmen),
        ("who heads " + kgtest.FTUK,
         "MATCH (p:Entity)-[r:Relation]->(o:Entity) WHERE r.relation = 'holds_post' "
         f"AND r.role IN [{heads}] AND o.name = '{kgtest.FTUK}' RETURN DISTINCT p.iri AS x",
         answers.heads),
        (f"which organizations are party_to the {kgtest.MEMO}",
         match_memo + " RETURN DISTINCT o.iri AS x", answers.parties),
        (f"which documents support {kgtest.FTUK} party_to the {kgtest.MEMO}",
         match_memo + f" AND o.name = '{kgtest.FTUK}' "
         "UNWIND string_split(r.documents, ';') AS x RETURN DISTINCT x",
         answers.documents),
    ]


def answer_questions(directory, answers):
    questions = cypher_questions(answers)
    result = kuzu(directory, [q for _, q, _ in questions])
    named = []
    for (name, _, expected), rows in zip(questions, result["results"]):
        named.append((name, kgtest.same_answer([row["x"] for row in rows], expected, answers)))
    return named


def close(a, b):
    return math.isclose(a, b, rel_tol=1e-9, abs_tol=1e-12)


def same_values_as_json(directory, parallel=True):
    data = kgtest.load_json(os.path.join(directory, "graph.json"))
    result = kuzu(directory, [
        "MATCH (e:Entity) RETURN e.* ORDER BY e.id",
        "MATCH (a:Entity)-[r:Relation]->(b:Entity) RETURN a.id AS source, b.id AS target, r.* "
        "ORDER BY r.iri",
    ], parallel)
    nodes, links = result["results"]
    assert len(nodes) == len(data["nodes"]), f"{len(nodes)} entities in Kuzu, {len(data['nodes'])} in JSON"
    assert len(links) == len(data["links"]), f"{len(links)} relations in Kuzu, {len(data['links'])} in JSON"
    by_id = {n["id"]: n for n in data["nodes"]}
    for row in nodes:
        node = by_id[row["e.id"]]
        for column, value in (("e.iri", node["iri"]), ("e.name", node["label"]), ("e.type", node["type"]),
                              ("e.labels", "Entity;" + node["type"]), ("e.mentions", node["mentions"]),
                              ("e.label_en", node["labels"].get("en")), ("e.label_ru", node["labels"].get("ru")),
                              ("e.date", node.get("date")), ("e.community", node["community"])):
            assert row[column] == value, f"{node['id']}: {column} is {row[column]!r}, JSON {value!r}"
        aliases = row["e.aliases"].split(";") if row["e.aliases"] else []
        assert aliases == node["aliases"], f"{node['id']}: aliases {aliases!r}, JSON {node['aliases']!r}"
        assert row["e.documents"].split(";") == node["documents"], f"{node['id']}: documents differ"
        for m in MEASURES:
            assert close(row[f"e.{m}"], node["centrality"][m]), f"{node['id']}: {m} differs"
    by_iri = {l["iri"]: l for l in data["links"]}
    for row in links:
        link = by_iri[row["r.iri"]]
        for column, value in (("source", link["source"]), ("target", link["target"]), ("r.key", link["key"]),
                              ("r.relation", link["type"]), ("r.rel_type", link["type"].upper()),
                              ("r.role", link.get("role")), ("r.role_text", link.get("role_text")),
                              ("r.weight", link["weight"])):
            assert row[column] == value, f"{link['iri']}: {column} is {row[column]!r}, JSON {value!r}"
        assert close(row["r.confidence"], link["confidence"]), f"{link['iri']}: confidence differs"
        documents = list(dict.fromkeys(e["doc"] for e in link["evidence"]))
        assert row["r.documents"].split(";") == documents, f"{link['iri']}: documents differ"
        assert json.loads(row["r.evidence"]) == link["evidence"], f"{link['iri']}: evidence differs"
    return len(nodes), len(links)


def main():
    args = kgtest.parse_args(__doc__)
    checks = kgtest.Checks()
    samples = checks.run("kgraph build -f csv,json samples/", kgtest.build_samples, args, "samples", "csv,json")
    hostile = checks.run("kg_write_hostile writes the hostile-names graph", kgtest.write_hostile, args)
    checks.run("npm packages installed (tests/integration/package-lock.json)", kgtest.ensure_node_modules)
    if samples is not None:
        counts = checks.run("Kuzu COPY FROM loads every node and relationship with graph.json's values",
                            same_values_as_json, samples)
        if counts is not None:
            print(f"     {counts[0]} nodes, {counts[1]} relationships")
        answers = checks.run("graph.json answers the questions as the articles do", kgtest.Answers,
                             os.path.join(samples, "graph.json"))
        if answers is not None:
            print("     expected: " + answers.report())
            named = checks.run("Kuzu answers the questions in Cypher", answer_questions, samples, answers)
            for name, got in named or []:
                print(f"     {name}: {got}")
    if hostile is not None:
        checks.run("hostile: Kuzu loads the CSV (PARALLEL=false) with every value exact",
                   same_values_as_json, hostile, False)
    return checks.finish()


if __name__ == "__main__":
    sys.exit(main())
