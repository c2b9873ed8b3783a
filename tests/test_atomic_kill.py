#!/usr/bin/python3
"""test_atomic_kill.py — outputs are never half-written (docs/reliability.md).

1. SIGKILL: `kgraph build` writes every format into a directory that holds
   the complete output of a previous build; it is killed with SIGKILL at
   random moments (seeded: the same moments on every run) spread over the
   length of a whole build.  After each kill every output file must be
   byte-identical to the previous version or to the new one — never a
   mixture, never truncated, never missing — and the only other entries
   allowed are the temporary files of the atomic writes,
   ".<name>.tmp-XXXXXX" (graph/kg_outfile.c, exporters/kg_export.c), which
   a killed process cannot remove.
2. Disk full: with a file size limit (RLIMIT_FSIZE, SIGXFSZ ignored) the
   writes fail as on a full disk; the build exits 1 with the name of the
   file it could not write, and the previous output stays intact, with no
   temporary file left.

usage: test_atomic_kill.py --kgraph PATH --samples DIR [--kills N] [--seed S] [--work DIR]
"""

import argparse
import os
import random
import re
import resource
import shutil
import signal
import subprocess
import sys
import tempfile
import time

FORMATS = "ttl,nt,nq,graphml,json,csv"
FILES = ["graph.ttl", "graph.nt", "graph.nq", "graph.graphml", "graph.json", "nodes.csv", "relationships.csv"]
TEMP = re.compile(r"^\.(%s)\.tmp-[A-Za-z0-9]{6}$" % "|".join(re.escape(f) for f in FILES))


def fail(msg):
    print("FAIL " + msg)
    sys.exit(1)


def make_corpus(samples, path, copies):
    """JSON Lines of copies of every sample article, each copy a document of
    its own (its id and a number in the text differ), so the build takes a
    while and the graph has many nodes."""
    import json

    texts = []
    for name in sorted(os.listdir(samples)):
        if name.endswith(".txt") and not name.lower().startswith("readme"):
            with open(os.path.join(samples, name), encoding="utf-8") as f:
                texts.append((name, f.read()))
    with open(path, "w", encoding="utf-8") as out:
        for k in range(copies):
            for name, text in texts:
                out.write(json.dumps({"id": "%s#%d" % (name, k), "text": text + "\nReport %d.\n" % k}) + "\n")


def build(kgraph, inputs, out, **kw):
    return subprocess.run([kgraph, "build", "-q", "-f", FORMATS, "-o", out] + inputs, capture_output=True, **kw)


def snapshot(d):
    files = {}
    for name in FILES:
        with open(os.path.join(d, name), "rb") as f:
            files[name] = f.read()
    return files


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--kgraph", required=True)
    p.add_argument("--samples", required=True)
    p.add_argument("--kills", type=int, default=30)
    p.add_argument("--seed", type=int, default=8)
    p.add_argument("--work")
    args = p.parse_args()
    kgraph = os.path.abspath(args.kgraph)
    if args.work:
        os.makedirs(args.work, exist_ok=True)
    work = tempfile.mkdtemp(prefix="atomic-kill-", dir=args.work)
    try:
        old_in = os.path.join(work, "old.jsonl")
        new_in = os.path.join(work, "new.jsonl")
        make_corpus(args.samples, old_in, 5)
        make_corpus(args.samples, new_in, 40)

        # the two complete versions
        prev_dir, new_dir = os.path.join(work, "prev"), os.path.join(work, "new")
        for inputs, d in (([old_in], prev_dir), ([new_in], new_dir)):
            r = build(kgraph, inputs, d)
            if r.returncode != 0:
                fail("reference build: %r" % r.stderr)
        prev, new = snapshot(prev_dir), snapshot(new_dir)
        for name in FILES:
            if prev[name] == new[name]:
                fail("%s: the two versions are equal, the test would prove nothing" % name)
        t0 = time.monotonic()
        build(kgraph, [new_in], os.path.join(work, "timing"))
        whole = time.monotonic() - t0
        print("a whole build takes %.2f s; %d kills, seed %d" % (whole, args.kills, args.seed))

        rng = random.Random(args.seed)
        out = os.path.join(work, "out")
        shutil.copytree(prev_dir, out)
        states = {"previous": 0, "new": 0}
        leftovers = 0
        for k in range(args.kills):
            # start from the previous complete output (restored where a
            # kill came late enough to replace files)
            for name in FILES:
                with open(os.path.join(out, name), "wb") as f:
                    f.write(prev[name])
            delay = rng.uniform(0.0, whole * 1.05)
            proc = subprocess.Popen(
                [kgraph, "build", "-q", "-f", FORMATS, "-o", out, new_in],
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
            )
            time.sleep(delay)
            proc.send_signal(signal.SIGKILL)
            proc.wait()
            for entry in sorted(os.listdir(out)):
                path = os.path.join(out, entry)
                if entry in FILES:
                    with open(path, "rb") as f:
                        data = f.read()
                    if data == prev[entry]:
                        states["previous"] += 1
                    elif data == new[entry]:
                        states["new"] += 1
                    else:
                        fail("kill %d after %.3f s: %s is neither version (%d bytes)" % (k, delay, entry, len(data)))
                elif TEMP.match(entry):
                    leftovers += 1
                    os.unlink(path)
                else:
                    fail("kill %d after %.3f s: unexpected entry %s" % (k, delay, entry))
            for name in FILES:
                if not os.path.exists(os.path.join(out, name)):
                    fail("kill %d after %.3f s: %s is missing" % (k, delay, name))
        print(
            "SIGKILL: %d kills, files found previous %d times, new %d times, %d temporary files left"
            % (args.kills, states["previous"], states["new"], leftovers)
        )
        if states["new"] == 0 or states["previous"] == 0:
            fail("the kills all came too early or too late to test anything")

        # disk full: the writes fail; the previous output stays whole
        for name in FILES:
            with open(os.path.join(out, name), "wb") as f:
                f.write(prev[name])

        def limit():
            signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
            resource.setrlimit(resource.RLIMIT_FSIZE, (64 * 1024, 64 * 1024))

        r = subprocess.run(
            [kgraph, "build", "-q", "-f", FORMATS, "-o", out, new_in], capture_output=True, preexec_fn=limit
        )
        expected = "kgraph: error: %s/graph.ttl: write failed: File too large\n" % out
        if r.returncode != 1 or r.stderr.decode() != expected:
            fail("disk full: exit %d, stderr %r, expected %r" % (r.returncode, r.stderr, expected))
        if sorted(os.listdir(out)) != sorted(FILES) or snapshot(out) != prev:
            fail("disk full: the previous output changed: %r" % sorted(os.listdir(out)))
        print("disk full: reported as %r, previous output intact" % expected.strip())
        print("PASS")
        return 0
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
