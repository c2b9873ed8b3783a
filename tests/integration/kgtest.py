"""kgtest.py — what the integration tests share.

Each integration test (rdf_parsers.py, sparql_oxigraph.py, sparql_virtuoso.py,
kuzu_cypher.py, graph_readers.py) runs the real kgraph CLI on samples/ and
kg_write_hostile (a graph of hostile names) into its own work directory, hands
the files to real tools, and checks what the tools say.  This module holds the
command line, the pass/fail bookkeeping, skipping, installing the npm packages,
a strict N-Triples/N-Quads reader for tool output, and the domain questions
with the answers computed from graph.json.

Exit status of a test: 0 when every check passed, 1 when one failed, 77 (ctest's
SKIP_RETURN_CODE) when a tool it needs cannot be had — unless
KG_INTEGRATION_REQUIRE=1 (set by scripts/test.sh), which makes that a failure.
"""

import argparse
import fcntl
import json
import os
import re
import shutil
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
SYSTEM_PYTHON = "/usr/bin/python3"
SKIP = 77

XSD = "http://www.w3.org/2001/XMLSchema#"
XSD_STRING = XSD + "string"
RDF_LANG_STRING = "http://www.w3.org/1999/02/22-rdf-syntax-ns#langString"

PREFIXES = """PREFIX rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
PREFIX org: <http://www.w3.org/ns/org#>
PREFIX prov: <http://www.w3.org/ns/prov#>
PREFIX dcterms: <http://purl.org/dc/terms/>
PREFIX kg: <https://kgraph.example.org/ns#>
"""


def use_system_python(modules):
    """Debian's python3-* packages live in the system interpreter; a python3
    found first on PATH (pyenv, a virtualenv) may not see them."""
    missing = []
    for module in modules:
        try:
            __import__(module)
        except ImportError:
            missing.append(module)
    if not missing or os.environ.get("KG_INTEGRATION_REEXEC") == "1":
        return missing
    if os.path.exists(SYSTEM_PYTHON) and os.path.realpath(sys.executable) != os.path.realpath(
        SYSTEM_PYTHON
    ):
        os.environ["KG_INTEGRATION_REEXEC"] = "1"
        os.execv(SYSTEM_PYTHON, [SYSTEM_PYTHON] + sys.argv)
    return missing


def parse_args(description):
    parser = argparse.ArgumentParser(description=description)
    parser.add_argument("--kgraph", required=True, help="the kgraph executable")
    parser.add_argument("--hostile", required=True, help="the kg_write_hostile executable")
    parser.add_argument("--samples", required=True, help="the samples/ directory")
    parser.add_argument("--work", required=True, help="a directory of its own for the outputs")
    args = parser.parse_args()
    if os.path.isdir(args.work):
        shutil.rmtree(args.work)
    os.makedirs(args.work)
    return args


class Skip(Exception):
    """A tool the test needs cannot be had here."""


def skip(reason):
    """Ends the test as skipped (or failed under KG_INTEGRATION_REQUIRE=1)."""
    if os.environ.get("KG_INTEGRATION_REQUIRE") == "1":
        print(f"FAIL: a required tool is missing: {reason}")
        print("0 passed, 1 failed")
        sys.exit(1)
    print(f"SKIPPED: {reason}")
    sys.exit(SKIP)


class Checks:
    def __init__(self):
        self.passed = 0
        self.failed = 0

    def run(self, name, fn, *args):
        """Runs fn(*args); an exception is a failure (Skip ends the test).
        Returns fn's result (True for None), or None when it failed."""
        try:
            result = fn(*args)
        except Skip as exc:
            skip(str(exc))
        except Exception as exc:  # every failure is reported, none is fatal
            self.failed += 1
            print(f"FAIL {name}: {type(exc).__name__}: {exc}")
            return None
        self.passed += 1
        print(f"ok   {name}")
        return True if result is None else result

    def finish(self):
        print(f"{self.passed} passed, {self.failed} failed")
        return 0 if self.failed == 0 else 1


def need_tool(tool, package):
    path = shutil.which(tool)
    if path is None:
        raise Skip(f"command '{tool}' not found (install with: apt-get install {package})")
    return path


def run(cmd, timeout=300, **kwargs):
    proc = subprocess.run(cmd, capture_output=True, timeout=timeout, **kwargs)
    if proc.returncode != 0:
        err = proc.stderr.decode("utf-8", "replace") if isinstance(proc.stderr, bytes) else proc.stderr
        raise AssertionError(f"{' '.join(cmd[:3])}... exited {proc.returncode}: {err.strip()[-2000:]}")
    return proc


# ---- the outputs --------------------------------------------------------------------

def build_samples(args, name, formats, extra=()):
    """kgraph build -q -f FORMATS -o WORK/NAME SAMPLES; returns the directory."""
    out = os.path.join(args.work, name)
    run([args.kgraph, "build", "-q", "-f", formats, *extra, "-o", out, args.samples])
    return out


def write_hostile(args):
    out = os.path.join(args.work, "hostile")
    os.makedirs(out, exist_ok=True)
    run([args.hostile, out])
    return out


def load_json(path):
    with open(path, encoding="utf-8") as f:
        return json.load(f)


# ---- npm packages ---------------------------------------------------------------------

NODE_PACKAGES = ("n3", "oxigraph", "kuzu", "cytoscape", "ajv")


def ensure_node_modules():
    """Installs tests/integration/package-lock.json with npm ci when a package
    is missing (one test at a time: a lock file serialises them)."""
    node = shutil.which("node")
    npm = shutil.which("npm")
    if node is None or npm is None:
        raise Skip("node and npm are needed (install with: apt-get install nodejs npm)")
    modules = os.path.join(HERE, "node_modules")
    with open(os.path.join(HERE, ".npm-install.lock"), "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if all(os.path.exists(os.path.join(modules, p, "package.json")) for p in NODE_PACKAGES):
            return node
        proc = subprocess.run(
            [npm, "ci", "--no-audit", "--no-fund", "--loglevel=error"],
            cwd=HERE,
            capture_output=True,
            text=True,
            timeout=900,
        )
        if proc.returncode != 0:
            raise Skip(f"npm ci in {HERE} failed ({proc.returncode}): {proc.stderr.strip()[-1500:]}")
    missing = [p for p in NODE_PACKAGES if not os.path.exists(os.path.join(modules, p, "package.json"))]
    if missing:
        raise Skip(f"npm ci did not install {', '.join(missing)}")
    return node


def run_node(script, *script_args, stdin=None, timeout=300):
    """Runs tests/integration/js/SCRIPT with node; its stdout is one JSON value."""
    node = ensure_node_modules()
    proc = subprocess.run(
        [node, os.path.join(HERE, "js", script), *script_args],
        input=stdin,
        capture_output=True,
        text=True,
        timeout=timeout,
        cwd=HERE,
    )
    if proc.returncode != 0:
        raise AssertionError(f"node {script} exited {proc.returncode}: {proc.stderr.strip()[-3000:]}")
    return json.loads(proc.stdout)


# ---- a strict N-Triples / N-Quads reader for what the tools write -----------------------

_ECHAR = {"t": "\t", "b": "\b", "n": "\n", "r": "\r", "f": "\f", '"': '"', "'": "'", "\\": "\\"}
_TERM = re.compile(
    r'\s*(?:<([^<>"{}|^`\\\x00-\x20]*)>'  # IRI
    r'|_:(\S+)'  # blank node
    r'|"((?:[^"\\\n\r]|\\.)*)"(?:@([A-Za-z]+(?:-[A-Za-z0-9]+)*)|\^\^<([^>]*)>)?)'  # literal
)


def _unescape(s):
    out = []
    i = 0
    while i < len(s):
        c = s[i]
        if c != "\\":
            out.append(c)
            i += 1
            continue
        e = s[i + 1]
        if e == "u":
            out.append(chr(int(s[i + 2 : i + 6], 16)))
            i += 6
        elif e == "U":
            out.append(chr(int(s[i + 2 : i + 10], 16)))
            i += 10
        else:
            out.append(_ECHAR[e])
            i += 2
    return "".join(out)


def literal(value, lang=None, datatype=None):
    """The canonical literal term: RDF 1.1 (plain is xsd:string, tagged is
    rdf:langString, tags in lower case)."""
    if lang:
        return ("L", value, lang.lower(), RDF_LANG_STRING)
    return ("L", value, "", datatype or XSD_STRING)


def read_nquads(text, quads=True):
    """Statements of N-Triples / N-Quads text as tuples (s, p, o, g), terms as
    ("I", iri), ("B", label) or literal(...); g is None for the default graph.
    Every statement is kept (duplicates included)."""
    statements = []
    for number, line in enumerate(text.splitlines(), 1):
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        pos = 0
        terms = []
        while True:
            m = _TERM.match(line, pos)
            if not m:
                break
            pos = m.end()
            if m.group(1) is not None:
                terms.append(("I", _unescape(m.group(1))))
            elif m.group(2) is not None:
                terms.append(("B", m.group(2)))
            else:
                terms.append(literal(_unescape(m.group(3)), m.group(4), m.group(5)))
        rest = line[pos:].strip()
        if rest != "." or len(terms) not in ((3, 4) if quads else (3,)):
            raise AssertionError(f"line {number} is not a statement: {line[:200]!r}")
        statements.append((terms[0], terms[1], terms[2], terms[3] if len(terms) == 4 else None))
    return statements


def rdflib_term(term):
    import rdflib

    if isinstance(term, rdflib.URIRef):
        return ("I", str(term))
    if isinstance(term, rdflib.BNode):
        return ("B", str(term))
    return literal(str(term), term.language, str(term.datatype) if term.datatype else None)


# ---- the domain questions ---------------------------------------------------------------

FTUK = "Federation of Trade Unions of Kyrgyzstan"
FNPR = "Federation of Independent Trade Unions of Russia"
MEMO = "memorandum of cooperation"
FTUK_CHAIRMAN = "Kanybek Zhumaliev"
MEMO_DOCUMENT = "01_ftuk-fnpr-memorandum-bishkek.txt"

# Roles that make a holds_post an org:headOf (docs/vocabulary.md).
HEAD_ROLES = {
    "chairman", "president", "head", "director", "director_general", "secretary_general",
    "leader", "mayor", "akim", "prime_minister", "minister", "rector", "general_secretary",
}


class Answers:
    """The answers to the domain questions, read from graph.json (the JSON
    writer shares no code path with the RDF and CSV writers below the data),
    and checked against what the sample articles say."""

    def __init__(self, graph_json):
        data = load_json(graph_json)
        self.base = data["graph"]["base_iri"]
        nodes = {n["id"]: n for n in data["nodes"]}
        self.label = {n["iri"]: n["label"] for n in data["nodes"]}
        ftuk = [n for n in data["nodes"] if n["label"] == FTUK and n["type"] == "Organization"]
        memo = [n for n in data["nodes"] if n["label"].lower() == MEMO and n["type"] == "Agreement"]
        assert len(ftuk) == 1, f"{len(ftuk)} organizations labelled {FTUK!r} in graph.json"
        assert len(memo) == 1, f"{len(memo)} agreements labelled {MEMO!r} in graph.json"
        self.ftuk, self.memo = ftuk[0]["id"], memo[0]["id"]
        self.ftuk_iri, self.memo_iri = ftuk[0]["iri"], memo[0]["iri"]
        self.memo_label = memo[0]["label"]
        links = data["links"]
        # Q1: who holds the chairman post at FTUK (and who heads it).
        self.chairmen = {
            nodes[l["source"]]["iri"]
            for l in links
            if l["type"] == "holds_post" and l["target"] == self.ftuk and l.get("role") == "chairman"
        }
        self.heads = {
            nodes[l["source"]]["iri"]
            for l in links
            if l["type"] == "holds_post" and l["target"] == self.ftuk and l.get("role") in HEAD_ROLES
        }
        # Q2: which organizations are party to the memorandum of cooperation.
        self.parties = {
            nodes[l["source"]]["iri"] for l in links if l["type"] == "party_to" and l["target"] == self.memo
        }
        # Q3: which documents support "FTUK party_to the memorandum".
        self.documents = {
            e["doc"]
            for l in links
            if l["type"] == "party_to" and l["source"] == self.ftuk and l["target"] == self.memo
            for e in l["evidence"]
        }
        # What the articles say, whatever the extractor's details.
        assert FTUK_CHAIRMAN in {self.label[i] for i in self.chairmen}, (
            f"graph.json: {FTUK_CHAIRMAN} is not chairman of {FTUK}: {self.names(self.chairmen)}"
        )
        assert {FTUK, FNPR} <= {self.label[i] for i in self.parties}, (
            f"graph.json: parties of {MEMO!r}: {self.names(self.parties)}"
        )
        assert MEMO_DOCUMENT in self.documents, f"graph.json: documents {self.documents}"

    def names(self, iris):
        return sorted(self.label.get(i, i) for i in iris)

    def report(self):
        return (
            f"chairman of {FTUK}: {self.names(self.chairmen)}; "
            f"parties to {self.memo_label!r}: {self.names(self.parties)}; "
            f"documents supporting {FTUK} party_to it: {sorted(self.documents)}"
        )


def sparql_questions(answers, graph_clause=""):
    """(name, SPARQL, expected set of strings) for the questions; every query
    selects one variable ?x.  graph_clause ("FROM <g>") restricts the dataset
    where a store needs it."""
    memo = MEMO.replace('"', "")
    return [
        (
            "who holds the chairman post at " + FTUK,
            PREFIXES
            + f"""SELECT DISTINCT ?x {graph_clause} WHERE {{
  ?org rdfs:label "{FTUK}"@en .
  ?m a org:Membership ; org:organization ?org ; org:member ?x ; org:role ?role .
  FILTER(?role = <{answers.base}role/chairman>)
}}""",
            answers.chairmen,
        ),
        (
            "who heads " + FTUK + " (org:headOf)",
            PREFIXES
            + f"""SELECT DISTINCT ?x {graph_clause} WHERE {{
  ?org rdfs:label "{FTUK}"@en . ?x org:headOf ?org .
}}""",
            answers.heads,
        ),
        (
            f"which organizations are party_to the {MEMO}",
            PREFIXES
            + f"""SELECT DISTINCT ?x {graph_clause} WHERE {{
  ?agreement a kg:Agreement ; rdfs:label ?label .
  FILTER(LCASE(STR(?label)) = "{memo}")
  ?x kg:party_to ?agreement .
}}""",
            answers.parties,
        ),
        (
            f"which documents support {FTUK} party_to the {MEMO}",
            PREFIXES
            + f"""SELECT DISTINCT ?x {graph_clause} WHERE {{
  ?org rdfs:label "{FTUK}"@en .
  ?agreement a kg:Agreement ; rdfs:label ?label .
  FILTER(LCASE(STR(?label)) = "{memo}")
  ?statement rdf:subject ?org ; rdf:predicate kg:party_to ; rdf:object ?agreement ;
             prov:wasDerivedFrom ?evidence .
  ?evidence prov:wasQuotedFrom ?doc .
  ?doc dcterms:identifier ?x .
}}""",
            answers.documents,
        ),
    ]


def nquads_question(answers):
    """Provenance from the named graphs of graph.nq: the documents whose graph
    holds the fact (the labels are in the default graph)."""
    memo = MEMO.replace('"', "")
    return (
        f"which document graphs of graph.nq hold {FTUK} kg:party_to the {MEMO}",
        PREFIXES
        + f"""SELECT DISTINCT ?x WHERE {{
  ?org rdfs:label "{FTUK}"@en .
  ?agreement a kg:Agreement ; rdfs:label ?label .
  FILTER(LCASE(STR(?label)) = "{memo}")
  GRAPH ?g {{ ?org kg:party_to ?agreement }}
  ?g dcterms:identifier ?x .
}}""",
        answers.documents,
    )


def same_answer(got, expected, answers):
    got = set(got)
    if got != set(expected):
        raise AssertionError(
            f"got {answers.names(got)}, expected {answers.names(expected)}"
        )
    return sorted(answers.label.get(x, x) for x in got)
