#!/usr/bin/env python3
"""sparql_virtuoso.py — kgraph's RDF loaded into OpenLink Virtuoso (Debian's
virtuoso-opensource), answering the same domain questions as
sparql_oxigraph.py through isql's SPARQL.

The test starts its own server: `virtuoso-t +foreground +configfile INI` with
a database directory under its work directory, listening on 127.0.0.1 on a
free port (no HTTP server), and stops it afterwards whatever happens (SIGTERM,
then SIGKILL), all within bounded time.  It loads graph.ttl, graph.nt (each
into a graph of its own) and graph.nq (its named graphs as they are) with
DB.DBA.TTLP_MT, checks that each holds as many triples as the file has
statements, asks the questions, and loads the hostile-names Turtle, whose
labels must compare equal, in the server, to the strings kgraph was given.

Usage: sparql_virtuoso.py --kgraph BIN --hostile BIN --samples DIR --work DIR
"""

import os
import signal
import socket
import subprocess
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import kgtest  # noqa: E402

START_SECONDS = 90
QUERY_SECONDS = 60


def free_port():
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Virtuoso:
    def __init__(self, work, allowed):
        self.virtuoso = kgtest.need_tool("virtuoso-t", "virtuoso-opensource")
        self.isql_path = kgtest.need_tool("isql-vt", "virtuoso-opensource")
        self.dir = os.path.join(work, "virtuoso")
        os.makedirs(self.dir, exist_ok=True)
        self.port = free_port()
        self.log = os.path.join(self.dir, "virtuoso.log")
        self.ini = os.path.join(self.dir, "virtuoso.ini")
        dirs = ", ".join(["."] + [os.path.abspath(d) for d in allowed])
        with open(self.ini, "w") as f:
            f.write(f"""[Database]
DatabaseFile = {self.dir}/kgraph.db
ErrorLogFile = {self.log}
LockFile = {self.dir}/kgraph.lck
TransactionFile = {self.dir}/kgraph.trx
xa_persistent_file = {self.dir}/kgraph.pxa
ErrorLogLevel = 7
FileExtend = 200
Striping = 0

[TempDatabase]
DatabaseFile = {self.dir}/kgraph-temp.db
TransactionFile = {self.dir}/kgraph-temp.trx
Striping = 0

[Parameters]
ServerPort = 127.0.0.1:{self.port}
DisableUnixSocket = 1
MaxClientConnections = 4
CheckpointInterval = 0
NumberOfBuffers = 10000
MaxDirtyBuffers = 6000
DirsAllowed = {dirs}

[SPARQL]
ResultSetMaxRows = 100000
""")
        self.process = None

    def start(self):
        self.output = open(os.path.join(self.dir, "stdout.log"), "w")
        self.process = subprocess.Popen(
            [self.virtuoso, "+foreground", "+configfile", self.ini],
            cwd=self.dir,
            stdout=self.output,
            stderr=subprocess.STDOUT,
        )
        deadline = time.monotonic() + START_SECONDS
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise AssertionError(f"virtuoso-t exited with {self.process.returncode}: {self.tail()}")
            try:
                self.isql("select 1;", timeout=10)
                return self.port
            except AssertionError:
                time.sleep(1)
        raise AssertionError(f"virtuoso-t did not answer within {START_SECONDS} s: {self.tail()}")

    def tail(self):
        try:
            with open(os.path.join(self.dir, "stdout.log"), errors="replace") as f:
                return f.read()[-1500:]
        except OSError:
            return "(no log)"

    def stop(self):
        if self.process is None or self.process.poll() is not None:
            return
        self.process.terminate()
        try:
            self.process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait(timeout=30)
        self.output.close()

    def isql(self, statements, timeout=QUERY_SECONDS):
        """Runs statements; returns the result rows (one value per line)."""
        proc = subprocess.run(
            [self.isql_path, f"127.0.0.1:{self.port}", "dba", "dba", "VERBOSE=OFF", "BANNER=OFF",
             "PROMPT=OFF", "ECHO=OFF", "ERRORS=STDOUT", f"exec={statements}"],
            capture_output=True,
            timeout=timeout,
        )
        out = proc.stdout.decode("utf-8", "replace")
        if proc.returncode != 0 or "*** Error" in out or "SQLState" in out:
            raise AssertionError(f"isql failed ({proc.returncode}): {(out + proc.stderr.decode(errors='replace')).strip()[-1500:]}")
        return [line.rstrip() for line in out.splitlines() if line.strip()]

    def sparql(self, query):
        return self.isql("SPARQL " + " ".join(query.split()) + ";")

    def load(self, path, graph, nquads=False):
        flags = ", 512" if nquads else ""
        self.isql(f"DB.DBA.TTLP_MT(file_to_string_output('{os.path.abspath(path)}'), '', '{graph}'{flags});")


def statement_count(path):
    with open(path, encoding="utf-8") as f:
        return sum(1 for line in f if line.strip() and not line.startswith("#"))


def sparql_string(s):
    """s as a SPARQL string literal that Virtuoso reads back as s.  SPARQL
    decodes \\u escapes before it parses, so '"', '\\' and line breaks take
    their backslash escapes; everything else but letters, digits and spaces is
    a \\u escape, so that nothing means anything to isql (';' would end the
    statement)."""
    out = []
    for c in s:
        if c.isascii() and (c.isalnum() or c == " "):
            out.append(c)
        elif c in '"\\':
            out.append("\\" + c)
        elif c in "\n\r\t":
            out.append({"\n": "\\n", "\r": "\\r", "\t": "\\t"}[c])
        else:
            out.append(f"\\u{ord(c):04X}" if ord(c) < 0x10000 else f"\\U{ord(c):08X}")
    return '"' + "".join(out) + '"'


def main():
    args = kgtest.parse_args(__doc__)
    checks = kgtest.Checks()
    samples = checks.run("kgraph build -f ttl,nt,nq,json samples/", kgtest.build_samples, args, "samples",
                         "ttl,nt,nq,json")
    hostile = checks.run("kg_write_hostile writes the hostile-names graph", kgtest.write_hostile, args)
    if samples is None or hostile is None:
        return checks.finish()
    answers = checks.run("graph.json answers the questions as the articles do", kgtest.Answers,
                         os.path.join(samples, "graph.json"))
    try:
        server = Virtuoso(args.work, [samples, hostile])
    except kgtest.Skip as exc:
        kgtest.skip(str(exc))

    # ctest's timeout sends SIGTERM: stop the server on the way out then too.
    def on_term(signum, frame):
        raise SystemExit(1)

    signal.signal(signal.SIGTERM, on_term)
    try:
        port = checks.run("virtuoso-t starts on 127.0.0.1 with its own database", server.start)
        if port is None:
            return checks.finish()
        print(f"     port {port}, database {server.dir}")
        graphs = {"graph.ttl": "urn:kgraph:test:ttl", "graph.nt": "urn:kgraph:test:nt"}
        for file, graph in graphs.items():
            path = os.path.join(samples, file)

            def load_and_count(path=path, graph=graph):
                server.load(path, graph)
                got = server.sparql(f"SELECT COUNT(*) FROM <{graph}> WHERE {{ ?s ?p ?o }}")
                expected = statement_count(os.path.join(samples, "graph.nt"))
                assert got == [str(expected)], f"{graph} holds {got}, expected {expected}"
                return expected

            n = checks.run(f"Virtuoso loads {file} (TTLP_MT) with every triple", load_and_count)
            if n is not None:
                print(f"     {file}: {n} triples in <{graph}>")
            if answers is None:
                continue
            for name, query, expected in kgtest.sparql_questions(answers, f"FROM <{graph}>"):
                got = checks.run(f"Virtuoso, {file}: {name}",
                                 lambda q=query, e=expected: kgtest.same_answer(server.sparql(q), e, answers))
                if got is not None:
                    print(f"     {got}")

        def load_quads():
            server.load(os.path.join(samples, "graph.nq"), "urn:kgraph:test:nq-default", nquads=True)
            got = server.sparql(
                "SELECT COUNT(*) WHERE { GRAPH ?g { ?s ?p ?o } "
                "FILTER(?g = <urn:kgraph:test:nq-default> || STRSTARTS(STR(?g), "
                f"\"{answers.base if answers else ''}document/\")) }}"
            )
            expected = statement_count(os.path.join(samples, "graph.nq"))
            assert got == [str(expected)], f"graph.nq: {got} quads, expected {expected}"
            return expected

        n = checks.run("Virtuoso loads graph.nq (TTLP_MT, N-Quads) with every quad", load_quads)
        if n is not None:
            print(f"     graph.nq: {n} quads")
        if answers is not None:
            name, query, expected = kgtest.nquads_question(answers)
            got = checks.run(f"Virtuoso, graph.nq: {name}",
                             lambda: kgtest.same_answer(server.sparql(query), expected, answers))
            if got is not None:
                print(f"     {got}")

        def hostile_labels():
            graph = "urn:kgraph:test:hostile"
            server.load(os.path.join(hostile, "graph.ttl"), graph)
            got = server.sparql(f"SELECT COUNT(*) FROM <{graph}> WHERE {{ ?s ?p ?o }}")
            expected = statement_count(os.path.join(hostile, "graph.nt"))
            assert got == [str(expected)], f"hostile graph.ttl: {got} triples, expected {expected}"
            for node in kgtest.load_json(os.path.join(hostile, "graph.json"))["nodes"]:
                # The IRI as a string too: isql mangles a '%' in a statement.
                query = (kgtest.PREFIXES + f"SELECT COUNT(*) FROM <{graph}> WHERE {{ ?s rdfs:label ?l . "
                         f"FILTER(STR(?s) = {sparql_string(node['iri'])} && "
                         f"STR(?l) = {sparql_string(node['label'])}) }}")
                assert server.sparql(query) == ["1"], f"label of {node['iri']} differs in Virtuoso"

        checks.run("hostile: Virtuoso loads graph.ttl and every label compares equal", hostile_labels)
    finally:
        server.stop()
        print("     virtuoso-t stopped")
    return checks.finish()


if __name__ == "__main__":
    sys.exit(main())
