#!/usr/bin/env python3
"""graph_readers.py — graph.graphml and graph.json read by the graph tools
people use, for the samples and for the hostile-names graph:

  * NetworkX (read_graphml) and python-igraph (Read_GraphML) load the GraphML
    with the same node and edge counts as graph.json and identical attribute
    values, node by node (keyed by the "id" attribute) and edge by edge;
    the values are graph.json's (names with XML's repair of control
    characters, IRIs, labels for APOC, numbers);
  * no GraphML attribute name is used for both nodes and edges (Neo4j APOC);
  * NetworkX loads graph.json as node-link data, a directed multigraph;
  * Cytoscape.js (npm cytoscape, headless) loads the --json-style cytoscape
    graph.json with every node and edge;
  * both JSON styles validate against docs/graph.schema.json (Ajv, draft
    2020-12, strict), and a document with an unknown key does not.

Usage: graph_readers.py --kgraph BIN --hostile BIN --samples DIR --work DIR
"""

import collections
import inspect
import json
import math
import os
import re
import sys
import warnings

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import kgtest  # noqa: E402

kgtest.use_system_python(["networkx", "igraph"])

SCHEMA = os.path.join(os.path.dirname(kgtest.HERE), "..", "docs", "graph.schema.json")
MEASURES = ["degree", "in_degree", "out_degree", "strength", "betweenness", "closeness", "harmonic",
            "pagerank", "eigenvector", "hub", "authority", "coreness"]
_XML_ILLEGAL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def xml_text(s):
    """What GraphML can carry of s (docs/formats.md): C0 controls other than
    TAB, LF and CR, and DEL, become spaces."""
    return _XML_ILLEGAL.sub(" ", s).replace("\ufffe", "\ufffd").replace("\uffff", "\ufffd")


def networkx_graphml(path):
    import networkx

    return networkx.read_graphml(path, force_multigraph=True)


def igraph_graphml(path):
    import igraph

    with warnings.catch_warnings():
        # The node attribute "id" (the entity id) is part of the contract;
        # igraph warns that it keeps it instead of the XML node ids.
        warnings.simplefilter("ignore", RuntimeWarning)
        return igraph.Graph.Read_GraphML(path)


def present(attrs):
    """The attributes with a value: igraph writes no <data> for an empty
    string, which NetworkX then reports as absent and python-igraph as ""."""
    return {k: v for k, v in attrs.items() if v != ""}


def networkx_side(nx_graph):
    """Node attributes by entity id, and edge attributes by (source id,
    target id, relation, role), as NetworkX read them."""
    nodes = {attrs["id"]: present(attrs) for _, attrs in nx_graph.nodes(data=True)}
    ids = {key: attrs["id"] for key, attrs in nx_graph.nodes(data=True)}
    edges = collections.defaultdict(list)
    for u, v, attrs in nx_graph.edges(data=True):
        edges[(ids[u], ids[v], attrs["relation"], attrs.get("role", ""))].append(present(attrs))
    return nodes, edges


def igraph_side(ig_graph):
    """The same, as python-igraph read them."""
    nodes = {vertex["id"]: present(vertex.attributes()) for vertex in ig_graph.vs}
    edges = collections.defaultdict(list)
    for edge in ig_graph.es:
        attrs = edge.attributes()
        key = (ig_graph.vs[edge.source]["id"], ig_graph.vs[edge.target]["id"], attrs["relation"], attrs["role"])
        edges[key].append(present(attrs))
    return nodes, edges


def readers_agree(nx_graph, ig_graph):
    nx_nodes, nx_edges = networkx_side(nx_graph)
    ig_nodes, ig_edges = igraph_side(ig_graph)
    assert (nx_graph.number_of_nodes(), nx_graph.number_of_edges()) == (ig_graph.vcount(), ig_graph.ecount()), (
        f"networkx {nx_graph.number_of_nodes()}/{nx_graph.number_of_edges()}, "
        f"igraph {ig_graph.vcount()}/{ig_graph.ecount()}"
    )
    assert nx_nodes == ig_nodes, "node attributes differ between networkx and igraph: " + str(
        [k for k in nx_nodes if nx_nodes[k] != ig_nodes.get(k)][:3]
    )
    assert dict(nx_edges) == dict(ig_edges), "edge attributes differ between networkx and igraph"
    return len(nx_nodes), sum(len(v) for v in nx_edges.values())


def graphml_is_json(nx_graph, graph_json):
    data = kgtest.load_json(graph_json)
    nx_nodes, nx_edges = networkx_side(nx_graph)
    assert len(nx_nodes) == len(data["nodes"]), f"{len(nx_nodes)} GraphML nodes, {len(data['nodes'])} in JSON"
    for node in data["nodes"]:
        got = nx_nodes[node["id"]]
        expected = {
            "iri": node["iri"], "labels": ":" + node["type"], "entity_type": node["type"],
            "name": xml_text(node["label"]), "lang": node["lang"],
            "aliases": xml_text(" | ".join(node["aliases"])), "documents": " | ".join(node["documents"]),
            "date": node.get("date", ""),
        }
        for key, value in expected.items():
            assert got.get(key, "") == value, f"{node['id']}: {key} {got.get(key)!r}, JSON {value!r}"
        assert got["mentions"] == node["mentions"], f"{node['id']}: mentions differ"
        assert got["community"] == node["community"], f"{node['id']}: community differs"
        for m in MEASURES:
            assert math.isclose(got[m], node["centrality"][m], rel_tol=1e-9, abs_tol=1e-12), (
                f"{node['id']}: {m} {got[m]} vs {node['centrality'][m]}"
            )
    assert sum(len(v) for v in nx_edges.values()) == len(data["links"]), "edge count differs from JSON"
    for link in data["links"]:
        (got,) = nx_edges[(link["source"], link["target"], link["type"], link.get("role", ""))]
        first = link["evidence"][0] if link["evidence"] else {"doc": "", "text": "", "rule": ""}
        expected = {"label": link["type"].upper(), "role_text": xml_text(link.get("role_text", "")),
                    "evidence_doc": first["doc"], "evidence_text": xml_text(first["text"]),
                    "rule": xml_text(first["rule"])}
        for key, value in expected.items():
            assert got.get(key, "") == value, f"{link['iri']}: {key} {got.get(key)!r}, JSON {value!r}"
        assert got["weight"] == link["weight"] and got["evidence_count"] == len(link["evidence"])
        assert math.isclose(got["confidence"], link["confidence"], rel_tol=1e-9)


def no_shared_attribute_names(path):
    text = open(path, encoding="utf-8").read()
    keys = re.findall(r'<key id="[^"]*" for="(node|edge)" attr\.name="([^"]*)"', text)
    node_names = {name for kind, name in keys if kind == "node"}
    edge_names = {name for kind, name in keys if kind == "edge"}
    assert node_names and edge_names, "no <key> declarations found"
    shared = node_names & edge_names
    assert not shared, f"attribute names used for nodes and edges: {sorted(shared)}"
    assert "labels" in node_names and "label" in edge_names, "APOC's labels / label keys are missing"


def networkx_node_link(path):
    import networkx

    data = kgtest.load_json(path)
    params = inspect.signature(networkx.node_link_graph).parameters
    if "edges" in params:
        graph = networkx.node_link_graph(data, edges="links")
    else:
        graph = networkx.node_link_graph(data, link="links")
    assert graph.is_directed() and graph.is_multigraph(), "not a directed multigraph"
    assert (graph.number_of_nodes(), graph.number_of_edges()) == (len(data["nodes"]), len(data["links"]))


def cytoscape_loads(path, node_link_path):
    held = kgtest.run_node("cytoscape_load.cjs", path)
    data = kgtest.load_json(node_link_path)
    labels = {n["id"]: n["label"] for n in data["nodes"]}
    assert held["nodes"] == labels, "Cytoscape.js holds other nodes or labels than graph.json"
    edges = sorted((s, t, ty) for s, t, ty in held["edges"].values())
    expected = sorted((l["source"], l["target"], l["type"]) for l in data["links"])
    assert edges == expected, "Cytoscape.js holds other edges than graph.json"
    assert held["data"]["counts"] == data["graph"]["counts"], "graph data differ"
    return len(held["nodes"]), len(held["edges"])


def schema_validates(files, work):
    bad = os.path.join(work, "not-the-contract.json")
    data = kgtest.load_json(files[0])
    data["nodes"][0]["surprise"] = True
    with open(bad, "w", encoding="utf-8") as f:
        json.dump(data, f)
    report = kgtest.run_node("json_schema.cjs", os.path.abspath(SCHEMA), *files, bad)
    for file in files:
        assert report[file] == [], f"{file} does not validate: {report[file]}"
    assert report[bad], "a node with an unknown key validated: the schema is not strict"


def check_dataset(checks, name, directory, node_link, cytoscape):
    graphml = os.path.join(directory, "graph.graphml")
    nx_graph = checks.run(f"{name}: networkx reads graph.graphml", networkx_graphml, graphml)
    ig_graph = checks.run(f"{name}: python-igraph reads graph.graphml", igraph_graphml, graphml)
    if nx_graph is not None and ig_graph is not None:
        counts = checks.run(f"{name}: networkx and python-igraph read the same nodes, edges and values",
                            readers_agree, nx_graph, ig_graph)
        if counts is not None:
            print(f"     {counts[0]} nodes, {counts[1]} edges")
    if nx_graph is not None:
        checks.run(f"{name}: the GraphML values are graph.json's", graphml_is_json, nx_graph, node_link)
    checks.run(f"{name}: no GraphML attribute name is used for nodes and edges", no_shared_attribute_names, graphml)
    checks.run(f"{name}: networkx loads graph.json as node-link data", networkx_node_link, node_link)
    counts = checks.run(f"{name}: Cytoscape.js loads the cytoscape-style graph.json", cytoscape_loads,
                        cytoscape, node_link)
    if counts is not None:
        print(f"     {counts[0]} nodes, {counts[1]} edges")
    checks.run(f"{name}: both JSON styles validate against docs/graph.schema.json", schema_validates,
               [node_link, cytoscape], directory)


def main():
    args = kgtest.parse_args(__doc__)
    checks = kgtest.Checks()
    samples = checks.run("kgraph build -f graphml,json samples/", kgtest.build_samples, args, "samples",
                         "graphml,json")
    cytoscape = checks.run("kgraph build -f json --json-style cytoscape samples/", kgtest.build_samples, args,
                           "samples-cytoscape", "json", ("--json-style", "cytoscape"))
    hostile = checks.run("kg_write_hostile writes the hostile-names graph", kgtest.write_hostile, args)
    checks.run("npm packages installed (tests/integration/package-lock.json)", kgtest.ensure_node_modules)
    if samples is not None and cytoscape is not None:
        check_dataset(checks, "samples", samples, os.path.join(samples, "graph.json"),
                      os.path.join(cytoscape, "graph.json"))
    if hostile is not None:
        check_dataset(checks, "hostile", hostile, os.path.join(hostile, "graph.json"),
                      os.path.join(hostile, "graph.cytoscape.json"))
    return checks.finish()


if __name__ == "__main__":
    sys.exit(main())
