#!/usr/bin/env python3
"""report_chromium.py — `kgraph build --report` on samples/, report.html
rendered by headless Chromium, and the rendered DOM checked against the
graph.json of the same build.

The expectations are computed from graph.json (never written down here):
one SVG circle per entity (the samples are under the 300 drawn), one line per
relation between two different entities, a leaders row (person, role,
organization) for every holds_post link from a Person, an agreements row
with every party for every Agreement (and its date when it has one), an
anchor for every evidence link, and nothing that would make the browser load
anything (no script, no external URL).

Exit status: 0 passed, 1 failed, 77 (ctest's SKIP_RETURN_CODE) when chromium
is not installed, unless KG_INTEGRATION_REQUIRE=1, which makes that a
failure.
"""

import argparse
import html.parser
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
from xml.etree import ElementTree

SKIP = 77
CHROMIUM_FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


class Dom(html.parser.HTMLParser):
    """What the checks need from the rendered DOM: per h2 section its tables
    (rows of cell texts), the SVG's circles and lines, link targets and ids,
    and every tag seen."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.section = None
        self.tables = {}  # section id -> list of tables, each a list of rows
        self.row = None
        self.cell = None
        self.in_svg = 0
        self.svgs = []  # [{"circles": n, "lines": n, "titles": [..]}]
        self.title = None
        self.hrefs = []
        self.ids = set()
        self.tags = set()
        self.attrs_seen = []

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        self.tags.add(tag)
        self.attrs_seen.append((tag, a))
        if "id" in a:
            self.ids.add(a["id"])
        if tag == "a" and "href" in a:
            self.hrefs.append(a["href"])
        if tag == "h2":
            self.section = a.get("id")
        elif tag == "table":
            self.tables.setdefault(self.section, []).append([])
        elif tag == "tr":
            self.row = []
        elif tag in ("td", "th") and self.row is not None:
            self.cell = []
        elif tag == "svg":
            self.in_svg += 1
            self.svgs.append({"circles": 0, "lines": 0, "titles": []})
        elif self.in_svg and tag == "circle":
            self.svgs[-1]["circles"] += 1
        elif self.in_svg and tag == "line":
            self.svgs[-1]["lines"] += 1
        elif self.in_svg and tag == "title":
            self.title = []

    def handle_endtag(self, tag):
        if tag in ("td", "th") and self.cell is not None and self.row is not None:
            self.row.append(" ".join("".join(self.cell).split()))
            self.cell = None
        elif tag == "tr" and self.row is not None:
            self.tables[self.section][-1].append(self.row)
            self.row = None
        elif tag == "svg":
            self.in_svg -= 1
        elif tag == "title" and self.title is not None:
            self.svgs[-1]["titles"].append("".join(self.title))
            self.title = None

    def handle_data(self, data):
        if self.cell is not None:
            self.cell.append(data)
        if self.title is not None:
            self.title.append(data)


def find_chromium():
    for name in ("chromium", "chromium-browser", "google-chrome"):
        path = shutil.which(name)
        if path:
            return path
    return None


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--kgraph", required=True)
    parser.add_argument("--samples", required=True)
    parser.add_argument("--work", required=True)
    args = parser.parse_args()

    chromium = find_chromium()
    if chromium is None:
        reason = "chromium is not installed (apt-get install chromium)"
        if os.environ.get("KG_INTEGRATION_REQUIRE") == "1":
            print(f"FAIL: {reason}")
            return 1
        print(f"SKIPPED: {reason}")
        return SKIP

    if os.path.isdir(args.work):
        shutil.rmtree(args.work)
    out = os.path.join(args.work, "out")
    proc = subprocess.run(
        [args.kgraph, "build", "-q", "--report", "-o", out, args.samples],
        capture_output=True, text=True, timeout=300)
    if proc.returncode != 0:
        print(f"FAIL: kgraph build --report exited {proc.returncode}: {proc.stderr}")
        return 1
    with open(os.path.join(out, "graph.json"), encoding="utf-8") as f:
        graph = json.load(f)
    page = os.path.join(out, "report.html")
    with open(page, encoding="utf-8") as f:
        source = f.read()

    profile = tempfile.mkdtemp(prefix="kg-chromium-")
    try:
        proc = subprocess.run(
            [chromium, *CHROMIUM_FLAGS, f"--user-data-dir={profile}", "--dump-dom",
             "file://" + os.path.abspath(page)],
            capture_output=True, text=True, timeout=180)
    finally:
        shutil.rmtree(profile, ignore_errors=True)
    if proc.returncode != 0 or "<svg" not in proc.stdout:
        print(f"FAIL: chromium --dump-dom exited {proc.returncode}: {proc.stderr[-2000:]}")
        return 1
    dom = Dom()
    dom.feed(proc.stdout)

    nodes = {n["id"]: n for n in graph["nodes"]}
    label = {i: n["label"] for i, n in nodes.items()}
    failures = []

    def check(name, ok, detail=""):
        print(f"{'ok  ' if ok else 'FAIL'} {name}{'' if ok else ': ' + detail}")
        if not ok:
            failures.append(name)

    # the drawing: one circle per entity, one line per relation between two
    check("one svg drawing", len(dom.svgs) == 1, f"{len(dom.svgs)} svg elements")
    svg = dom.svgs[0] if dom.svgs else {"circles": 0, "lines": 0, "titles": []}
    n_nodes = len(graph["nodes"])
    n_lines = sum(1 for link in graph["links"] if link["source"] != link["target"])
    check("a circle per entity", svg["circles"] == n_nodes, f"{svg['circles']} != {n_nodes}")
    check("a line per relation", svg["lines"] == n_lines, f"{svg['lines']} != {n_lines}")
    top = max(graph["nodes"], key=lambda n: (n["centrality"]["pagerank"], n["id"]))
    check("the top node's tooltip", any(t.startswith(top["label"] + " (") for t in svg["titles"]),
          top["label"])

    # leaders: every post of a person
    leaders = dom.tables.get("leaders", [[]])[0]
    rows = {tuple(r[:3]) for r in leaders[1:]}
    posts = [(label[l["source"]], l.get("role") or "—", label[l["target"]])
             for l in graph["links"]
             if l["type"] == "holds_post" and nodes[l["source"]]["type"] == "Person"]
    check("leaders table header", leaders[:1] == [["Person", "Role", "Organization",
                                                   "Title as written", "Evidence"]], str(leaders[:1]))
    missing = [p for p in posts if p not in rows]
    check(f"leaders table has all {len(posts)} posts", posts and not missing, str(missing))

    # agreements: title, every party, the date
    agreements = dom.tables.get("agreements", [[]])[0]
    by_title = {}
    for r in agreements[1:]:
        by_title.setdefault(r[0], []).append(r)
    problems = []
    for n in graph["nodes"]:
        if n["type"] != "Agreement":
            continue
        parties = [label[l["source"]] for l in graph["links"]
                   if l["type"] == "party_to" and l["target"] == n["id"]]
        candidates = by_title.get(n["label"], [])
        if not any(all(p in r[1] for p in parties) and r[3] == (n.get("date") or "—")
                   for r in candidates):
            problems.append((n["label"], parties, n.get("date"), candidates))
    check("agreements table rows (parties, date)", not problems, str(problems))
    dated = [n for n in graph["nodes"] if n["type"] == "Agreement" and n.get("date")]
    check("some agreement carries a date", bool(dated), "no dated agreement in the samples")

    # evidence links resolve; nothing is fetched or run
    ev_links = [h[1:] for h in dom.hrefs if h.startswith("#ev-")]
    unresolved = [h for h in ev_links if h not in dom.ids]
    check(f"{len(ev_links)} evidence links have their anchors", ev_links and not unresolved,
          str(unresolved[:5]))
    check("no script", "script" not in dom.tags and "<script" not in source)
    external = [(t, a) for t, a in dom.attrs_seen
                for k in ("src", "href") if k in a and re.match(r"^[a-z]+:", a[k] or "")]
    check("no external resource", not external and "<link" not in source, str(external[:3]))

    # the drawing is well-formed XML on its own (an SVG file could be cut out of the page)
    start, end = source.find("<svg"), source.find("</svg>")
    try:
        ElementTree.fromstring(source[start:end + len("</svg>")])
        check("the svg is well-formed XML", start >= 0 and end > start)
    except ElementTree.ParseError as exc:
        check("the svg is well-formed XML", False, str(exc))

    # corpus statistics and a centrality table
    summary_ok = f">{len(graph['graph']['documents'])}</b>documents<" in source.replace("\n", "")
    check("documents count in the summary", summary_ok)
    top_pr = dom.tables.get("centrality", [[]])[0]
    check("PageRank table starts with the top node",
          len(top_pr) > 1 and top_pr[1][1] == top["label"], str(top_pr[:2]))

    print(f"{len(failures)} failed")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
