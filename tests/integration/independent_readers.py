#!/usr/bin/env python3
"""independent_readers.py — kgraph's output read by tools that share no code with it.

Usage: independent_readers.py KGRAPH_BINARY SAMPLES_DIR

Runs `KGRAPH_BINARY build -q -o TMPDIR SAMPLES_DIR`, then checks that
  * graph.ttl parses with rdflib, `serdi` and `rapper` to one triple count
    (> 0; serdi and rapper count every statement written, rdflib keeps a set,
    so equal counts also mean no triple is written twice);
  * graph.graphml loads with networkx and python-igraph with the node and
    edge counts of graph.json (networkx node-link, edges under "links");
  * every GraphML node's "iri" is the "iri" of the JSON node with its "id",
    the edges agree between GraphML and JSON, and every JSON node is a
    subject of the Turtle with an rdfs:label.
Prints one line per check and a final "N passed, M failed"; exits 1 when
anything failed and 2 on bad usage.  Needs Debian's python3-rdflib,
python3-networkx and python3-igraph and the serdi and rapper commands.
"""

import collections
import inspect
import json
import os
import shutil
import subprocess
import sys
import tempfile
import warnings

MODULES = {"rdflib": "python3-rdflib", "networkx": "python3-networkx", "igraph": "python3-igraph"}
TOOLS = {"serdi": "serdi", "rapper": "raptor2-utils"}
SYSTEM_PYTHON = "/usr/bin/python3"


def missing_modules():
    missing = []
    for module in MODULES:
        try:
            __import__(module)
        except ImportError:
            missing.append(module)
    return missing


def use_system_python_if_needed():
    """Debian's python3-* packages live in the system interpreter; a python3
    found first on PATH (pyenv, a virtualenv) may not see them."""
    if not missing_modules() or os.environ.get("KG_READERS_REEXEC") == "1":
        return
    if os.path.exists(SYSTEM_PYTHON) and os.path.realpath(sys.executable) != os.path.realpath(
        SYSTEM_PYTHON
    ):
        os.environ["KG_READERS_REEXEC"] = "1"
        os.execv(SYSTEM_PYTHON, [SYSTEM_PYTHON] + sys.argv)


class Checks:
    def __init__(self):
        self.passed = 0
        self.failed = 0

    def run(self, name, fn, *args):
        """Runs fn(*args); an exception or AssertionError is a failure.
        Returns fn's result (True when it returned nothing), or None when it
        failed."""
        try:
            result = fn(*args)
        except Exception as exc:  # every failure is reported, none is fatal
            self.failed += 1
            print(f"FAIL {name}: {type(exc).__name__}: {exc}")
            return None
        self.passed += 1
        print(f"ok   {name}")
        return True if result is None else result

    def fail(self, name, message):
        self.failed += 1
        print(f"FAIL {name}: {message}")


def need_modules():
    missing = missing_modules()
    if missing:
        packages = " ".join(MODULES[m] for m in missing)
        raise RuntimeError(
            f"Python module(s) {', '.join(missing)} not found by {sys.executable} "
            f"(install with: apt-get install {packages})"
        )


def need_tool(tool):
    path = shutil.which(tool)
    if path is None:
        raise RuntimeError(f"command '{tool}' not found (install with: apt-get install {TOOLS[tool]})")
    return path


def run_kgraph(binary, samples, out_dir):
    proc = subprocess.run(
        [binary, "build", "-q", "-o", out_dir, samples],
        capture_output=True,
        text=True,
        timeout=240,
    )
    assert proc.returncode == 0, f"exit status {proc.returncode}; stderr: {proc.stderr.strip()}"
    for name in ("graph.ttl", "graph.graphml", "graph.json"):
        path = os.path.join(out_dir, name)
        assert os.path.isfile(path), f"{name} was not written"
        assert os.path.getsize(path) > 0, f"{name} is empty"
    return True


def count_ntriples(output):
    return sum(1 for line in output.splitlines() if line.strip() and not line.startswith("#"))


def rdflib_graph(path):
    need_modules()
    import rdflib

    graph = rdflib.Graph()
    graph.parse(path, format="turtle")
    return graph


def serdi_count(path):
    tool = need_tool("serdi")
    proc = subprocess.run(
        [tool, "-i", "turtle", "-o", "ntriples", path], capture_output=True, text=True, timeout=240
    )
    assert proc.returncode == 0, f"serdi failed ({proc.returncode}): {proc.stderr.strip()}"
    assert proc.stderr.strip() == "", f"serdi complained: {proc.stderr.strip()}"
    return count_ntriples(proc.stdout)


def rapper_count(path):
    tool = need_tool("rapper")
    proc = subprocess.run(
        [tool, "-q", "-i", "turtle", "-o", "ntriples", path],
        capture_output=True,
        text=True,
        timeout=240,
    )
    assert proc.returncode == 0, f"rapper failed ({proc.returncode}): {proc.stderr.strip()}"
    assert proc.stderr.strip() == "", f"rapper complained: {proc.stderr.strip()}"
    return count_ntriples(proc.stdout)


def same_triple_count(counts):
    values = set(counts.values())
    assert len(values) == 1, f"triple counts differ: {counts}"
    assert values.pop() > 0, "graph.ttl holds no triples"


def json_graph(path):
    need_modules()
    import networkx

    with open(path, encoding="utf-8") as f:
        data = json.load(f)
    # networkx ≥ 3.4 names the links key "edges" (and will change its default);
    # older versions (Debian 12 has 2.8) call the parameter "link".
    params = inspect.signature(networkx.node_link_graph).parameters
    if "edges" in params:
        graph = networkx.node_link_graph(data, edges="links")
    elif "link" in params:
        graph = networkx.node_link_graph(data, link="links")
    else:
        graph = networkx.node_link_graph(data)
    assert graph.is_directed() and graph.is_multigraph(), "JSON graph is not a directed multigraph"
    counts = data["graph"]["counts"]
    assert counts["nodes"] == len(data["nodes"]), "graph.counts.nodes disagrees with nodes"
    assert counts["links"] == len(data["links"]), "graph.counts.links disagrees with links"
    return data, graph


def networkx_graphml(path):
    need_modules()
    import networkx

    return networkx.read_graphml(path, force_multigraph=True)


def igraph_graphml(path):
    need_modules()
    import igraph

    with warnings.catch_warnings():
        # The node attribute "id" (the entity id) is part of the contract;
        # igraph warns that it therefore keeps it instead of the XML node ids.
        warnings.simplefilter("ignore", RuntimeWarning)
        return igraph.Graph.Read_GraphML(path)


def same_counts(json_nx, nx_graphml, ig_graphml):
    counts = {
        "graph.json": (json_nx.number_of_nodes(), json_nx.number_of_edges()),
        "graph.graphml (networkx)": (nx_graphml.number_of_nodes(), nx_graphml.number_of_edges()),
        "graph.graphml (igraph)": (ig_graphml.vcount(), ig_graphml.ecount()),
    }
    assert len(set(counts.values())) == 1, f"(nodes, edges) differ: {counts}"


def graphml_iris_match_json(data, nx_graphml, ig_graphml):
    iri_by_id = {node["id"]: node["iri"] for node in data["nodes"]}
    for key, attrs in nx_graphml.nodes(data=True):
        assert "iri" in attrs and "id" in attrs, f"GraphML node {key} lacks iri or id"
        assert attrs["id"] in iri_by_id, f"GraphML node id {attrs['id']!r} is not in graph.json"
        assert attrs["iri"] == iri_by_id[attrs["id"]], (
            f"iri of {attrs['id']!r}: GraphML {attrs['iri']!r}, JSON {iri_by_id[attrs['id']]!r}"
        )
    assert sorted(ig_graphml.vs["iri"]) == sorted(iri_by_id.values()), "igraph iris differ from JSON"


def graphml_edges_match_json(data, nx_graphml):
    ids = {key: attrs["id"] for key, attrs in nx_graphml.nodes(data=True)}
    from_graphml = collections.Counter(
        (ids[u], ids[v], attrs.get("label")) for u, v, attrs in nx_graphml.edges(data=True)
    )
    from_json = collections.Counter(
        (link["source"], link["target"], link["type"].upper()) for link in data["links"]
    )
    assert from_graphml == from_json, (
        f"edges differ: only in GraphML {from_graphml - from_json}, "
        f"only in JSON {from_json - from_graphml}"
    )


def turtle_describes_json_nodes(rdf, data):
    import rdflib

    label = rdflib.RDFS.label
    missing = [n["iri"] for n in data["nodes"] if (rdflib.URIRef(n["iri"]), label, None) not in rdf]
    assert not missing, f"{len(missing)} JSON nodes have no rdfs:label in Turtle, e.g. {missing[:3]}"


def main(argv):
    if len(argv) != 3:
        print(f"usage: {argv[0]} KGRAPH_BINARY SAMPLES_DIR", file=sys.stderr)
        return 2
    use_system_python_if_needed()
    binary, samples = argv[1], argv[2]
    checks = Checks()
    out_dir = tempfile.mkdtemp(prefix="kgraph-readers-")
    try:
        if checks.run("kgraph build writes graph.ttl, graph.graphml, graph.json",
                      run_kgraph, binary, samples, out_dir) is None:
            checks.fail("independent readers", "skipped: kgraph produced no output")
        else:
            ttl = os.path.join(out_dir, "graph.ttl")
            graphml = os.path.join(out_dir, "graph.graphml")
            json_path = os.path.join(out_dir, "graph.json")

            rdf = checks.run("rdflib parses graph.ttl", rdflib_graph, ttl)
            serdi = checks.run("serdi parses graph.ttl", serdi_count, ttl)
            rapper = checks.run("rapper parses graph.ttl", rapper_count, ttl)
            if all(x is not None for x in (rdf, serdi, rapper)):
                checks.run("rdflib, serdi and rapper agree on the triple count", same_triple_count,
                           {"rdflib": len(rdf), "serdi": serdi, "rapper": rapper})

            loaded = checks.run("networkx loads graph.json (node-link)", json_graph, json_path)
            nx_gml = checks.run("networkx reads graph.graphml", networkx_graphml, graphml)
            ig_gml = checks.run("python-igraph reads graph.graphml", igraph_graphml, graphml)
            if all(x is not None for x in (loaded, nx_gml, ig_gml)):
                data, json_nx = loaded
                checks.run("GraphML and JSON have the same node and edge counts", same_counts,
                           json_nx, nx_gml, ig_gml)
                checks.run("GraphML node iris match the JSON nodes", graphml_iris_match_json,
                           data, nx_gml, ig_gml)
                checks.run("GraphML edges match the JSON links", graphml_edges_match_json, data,
                           nx_gml)
                if rdf is not None:
                    checks.run("every JSON node has an rdfs:label in Turtle",
                               turtle_describes_json_nodes, rdf, data)
    finally:
        shutil.rmtree(out_dir, ignore_errors=True)
    print(f"{checks.passed} passed, {checks.failed} failed")
    return 0 if checks.failed == 0 else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv))
