#!/usr/bin/python3
"""centrality_crosscheck.py KGRAPH SAMPLES WORKDIR — kgraph's analytics
against NetworkX and python-igraph.

Builds SAMPLES with `kgraph build -f json`, rebuilds the network from
graph.json (directed multigraph, edge weight = evidence count) and
recomputes every measure with NetworkX and python-igraph, comparing with
the values in graph.json to 1e-9 (relative, or absolute near 0) wherever
the definitions agree.  Where they do not, the measure is brought to
kgraph's definition first, as docs/analytics.md explains:

  * betweenness: igraph counts parallel edges as distinct shortest paths,
    NetworkX does not; NetworkX is compared on the simple graph only when
    it has no parallel edges, python-igraph always;
  * closeness: NetworkX with wf_improved=False (reachable part only);
  * harmonic: NetworkX's sum divided by n - 1;
  * eigenvector, hub, authority: scaled so that the maximum is 1; skipped
    when the leading eigenvalue is not simple (the vector is not unique);
  * coreness: on the simple undirected graph without self loops;
  * communities: the modularity of kgraph's partition recomputed by both
    libraries on the weight-summed projection, and the canonical order of
    the community ids (by smallest member id).

Exit status 0 when everything agrees, 1 otherwise; must run under Debian's
/usr/bin/python3 (networkx, python3-igraph, python3-scipy).
"""

import json
import math
import os
import subprocess
import sys
import warnings

import igraph
import networkx as nx

TOL = 1e-9


def close(a, b):
    return math.isclose(a, b, rel_tol=TOL, abs_tol=TOL)


class Checker:
    def __init__(self):
        self.failures = 0
        self.compared = 0

    def measure(self, name, source, expected, got):
        bad = [(k, expected[k], got[k]) for k in expected if not close(expected[k], got[k])]
        self.compared += len(expected)
        if bad:
            self.failures += 1
            print(f"FAIL {name} vs {source}: {len(bad)} of {len(expected)} differ, e.g.")
            for k, e, g in bad[:5]:
                print(f"     {k}: graph.json {e!r}, {source} {g!r}")
        else:
            print(f"ok   {name} vs {source} ({len(expected)} nodes)")

    def check(self, what, ok, detail=""):
        if ok:
            print(f"ok   {what}")
        else:
            self.failures += 1
            print(f"FAIL {what} {detail}")


def scaled(values):
    top = max(values.values(), default=0.0)
    return {k: (v / top if top > 0 else 0.0) for k, v in values.items()}


def leading_eigenvalue_is_simple(matrix):
    import numpy

    eig = sorted(numpy.linalg.eigvalsh(matrix), reverse=True)
    return len(eig) < 2 or eig[0] - eig[1] > 1e-6 * max(1.0, abs(eig[0]))


def main():
    kgraph, samples, work = sys.argv[1:4]
    os.makedirs(work, exist_ok=True)
    subprocess.run([kgraph, "build", "-q", "-f", "json", "-o", work, samples], check=True)
    with open(os.path.join(work, "graph.json"), encoding="utf-8") as f:
        data = json.load(f)
    nodes = [n["id"] for n in data["nodes"]]
    n = len(nodes)
    value = {m: {n_["id"]: n_["centrality"][m] for n_ in data["nodes"]}
             for m in data["nodes"][0]["centrality"]}
    community = {n_["id"]: n_["community"] for n_ in data["nodes"]}
    analytics = data["graph"]["analytics"]
    links = [(l["source"], l["target"], l["weight"]) for l in data["links"]]
    c = Checker()

    # The networks, as kgraph defines them.
    multi = nx.MultiDiGraph()
    multi.add_nodes_from(nodes)
    for s, t, w in links:
        multi.add_edge(s, t, weight=w)
    undirected_multi = nx.MultiGraph(multi)
    summed = nx.Graph()  # undirected, weight-summed, no self loops: the projection
    summed.add_nodes_from(nodes)
    directed_summed = nx.DiGraph()
    directed_summed.add_nodes_from(nodes)
    for s, t, w in links:
        if directed_summed.has_edge(s, t):
            directed_summed[s][t]["weight"] += w
        else:
            directed_summed.add_edge(s, t, weight=w)
        if s == t:
            continue
        if summed.has_edge(s, t):
            summed[s][t]["weight"] += w
        else:
            summed.add_edge(s, t, weight=w)
    index = {v: i for i, v in enumerate(nodes)}
    ig = igraph.Graph(n=n, edges=[(index[s], index[t]) for s, t, _ in links], directed=True)
    ig.es["weight"] = [w for _, _, w in links]

    def by_id(values):
        return {v: values[i] for i, v in enumerate(nodes)}

    # Degrees and strength.
    for m, fn in (("degree", multi.degree), ("in_degree", multi.in_degree),
                  ("out_degree", multi.out_degree)):
        c.measure(m, "networkx", value[m], {v: float(d) for v, d in fn()})
        mode = {"degree": "all", "in_degree": "in", "out_degree": "out"}[m]
        c.measure(m, "python-igraph", value[m], by_id(ig.degree(mode=mode, loops=True)))
    c.measure("strength", "networkx", value["strength"],
              {v: float(d) for v, d in multi.degree(weight="weight")})
    c.measure("strength", "python-igraph", value["strength"],
              by_id(ig.strength(mode="all", loops=True, weights="weight")))

    # Betweenness (undirected, unweighted, parallel edges are distinct paths in igraph).
    if analytics["betweenness_method"] == "exact":
        c.measure("betweenness", "python-igraph", value["betweenness"],
                  by_id(ig.betweenness(directed=False)))
        simple = nx.Graph(undirected_multi)
        simple.remove_edges_from(nx.selfloop_edges(simple))
        parallel = undirected_multi.number_of_edges() - sum(
            1 for s, t in undirected_multi.edges() if s == t) != simple.number_of_edges()
        if parallel:
            print("skip betweenness vs networkx: the graph has parallel edges, which igraph counts "
                  "as distinct shortest paths (docs/analytics.md)")
        else:
            c.measure("betweenness", "networkx", value["betweenness"],
                      nx.betweenness_centrality(simple, normalized=False))
    else:
        print(f"skip betweenness: estimated ({analytics['betweenness_sources']} sources)")

    # Closeness and harmonic (undirected, unweighted, normalised); exact
    # unless estimated from sampled sources on a large graph.
    und = nx.Graph(undirected_multi)
    if analytics.get("closeness_method", "exact") == "exact":
        c.measure("closeness", "networkx", value["closeness"],
                  nx.closeness_centrality(und, wf_improved=False))
        c.measure("closeness", "python-igraph", value["closeness"],
                  {k: (0.0 if math.isnan(x) else x)
                   for k, x in by_id(ig.closeness(mode="all", normalized=True)).items()})
    else:
        print(f"skip closeness: estimated ({analytics['closeness_sources']} sources)")
    if analytics.get("harmonic_method", "exact") == "exact":
        h = nx.harmonic_centrality(und)
        c.measure("harmonic", "networkx", value["harmonic"],
                  {k: x / (n - 1) if n > 1 else 0.0 for k, x in h.items()})
        c.measure("harmonic", "python-igraph", value["harmonic"],
                  by_id(ig.harmonic_centrality(mode="all", normalized=True)))
    else:
        print(f"skip harmonic: estimated ({analytics['harmonic_sources']} sources)")

    # PageRank: undirected, weighted, damping 0.85.
    c.measure("pagerank", "networkx", value["pagerank"],
              nx.pagerank(undirected_multi, alpha=0.85, weight="weight", tol=1e-15, max_iter=100000))
    c.measure("pagerank", "python-igraph", value["pagerank"],
              by_id(ig.pagerank(directed=False, damping=0.85, weights="weight",
                                implementation="prpack")))

    # Eigenvector: undirected, weighted, maximum 1.
    adjacency = nx.to_numpy_array(undirected_multi, nodelist=nodes, weight="weight")
    if leading_eigenvalue_is_simple(adjacency):
        ev = nx.eigenvector_centrality_numpy(undirected_multi, weight="weight")
        c.measure("eigenvector", "networkx", value["eigenvector"],
                  scaled({k: abs(x) for k, x in ev.items()}))
    else:
        print("skip eigenvector vs networkx: the leading eigenvalue is not simple")
    c.measure("eigenvector", "python-igraph", value["eigenvector"],
              by_id(ig.eigenvector_centrality(directed=False, scale=True, weights="weight")))

    # HITS: directed, weighted (parallel edges summed), maximum 1.
    a = nx.to_numpy_array(directed_summed, nodelist=nodes, weight="weight")
    if leading_eigenvalue_is_simple(a @ a.T) and leading_eigenvalue_is_simple(a.T @ a):
        hubs, authorities = nx.hits(directed_summed, max_iter=100000, tol=1e-14)
        c.measure("hub", "networkx", value["hub"], scaled(hubs))
        c.measure("authority", "networkx", value["authority"], scaled(authorities))
    else:
        print("skip hub/authority vs networkx: the leading eigenvalue is not simple")
    c.measure("hub", "python-igraph", value["hub"],
              by_id(ig.hub_score(weights="weight", scale=True)))
    c.measure("authority", "python-igraph", value["authority"],
              by_id(ig.authority_score(weights="weight", scale=True)))

    # Coreness on the simple undirected graph.
    c.measure("coreness", "networkx", value["coreness"],
              {k: float(x) for k, x in nx.core_number(summed).items()})
    ig_simple = igraph.Graph(n=n, edges=[(index[s], index[t]) for s, t in summed.edges()])
    c.measure("coreness", "python-igraph", value["coreness"], by_id(ig_simple.coreness()))

    # Communities: modularity of kgraph's partition, and canonical ids.
    groups = {}
    for v in nodes:
        groups.setdefault(community[v], []).append(v)
    c.check(f"{analytics['communities']} communities numbered 0..k-1",
            sorted(groups) == list(range(analytics["communities"])))
    firsts = [min(groups[k]) for k in sorted(groups)]
    c.check("community ids ordered by their smallest member id (byte order)",
            firsts == sorted(firsts, key=lambda s: s.encode("utf-8")))
    resolution = analytics["leiden_resolution"]
    q_nx = nx.algorithms.community.modularity(summed, list(groups.values()), weight="weight",
                                              resolution=resolution)
    c.check(f"modularity {analytics['modularity']} vs networkx {q_nx}",
            close(analytics["modularity"], q_nx))
    ig_simple.es["weight"] = [summed[s][t]["weight"] for s, t in summed.edges()]
    q_ig = ig_simple.modularity([community[v] for v in nodes], weights="weight",
                                resolution=resolution)
    c.check(f"modularity {analytics['modularity']} vs python-igraph {q_ig}",
            close(analytics["modularity"], q_ig))
    # The samples have clear blocs (one per meeting, forum or federation).
    c.check("modularity is positive", analytics["modularity"] > 0)

    print(f"{c.compared} values compared, {c.failures} failure(s)")
    return 1 if c.failures else 0


if __name__ == "__main__":
    # networkx 2.8 announces its 3.0 sparse-matrix change from inside hits().
    warnings.simplefilter("ignore", FutureWarning)
    sys.exit(main())
