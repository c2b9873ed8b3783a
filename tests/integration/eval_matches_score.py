#!/usr/bin/env python3
"""`kgraph eval` must give the same figures as ../shared/eval/score.py.

usage: eval_matches_score.py KGRAPH SOURCE_DIR

Runs, on the development set (SOURCE_DIR/../shared/corpus/dev) and on the
project's samples (samples/expected with --texts samples):

  kgraph eval --gold DIR [--texts T] -v --json-out A
  python3 score.py --gold DIR [--texts T] -v --json-out B \
      --cmd 'KGRAPH build --format json -o {out} {input}'

and asserts that both print the same report (tables per document, per type,
role accuracy, the verbose lists and the final 'overall:' line) and write the
same figures as JSON.  Only what necessarily differs is left out: the "cmd"
member and, for a document that could not be scored, the wording of its
error.  Exits 77 (skipped) when ../shared is not there.
"""

import json
import os
import subprocess
import sys
import tempfile

SKIP = 77


def run(argv):
    proc = subprocess.run(argv, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    return proc.returncode, proc.stdout.decode("utf-8"), proc.stderr.decode("utf-8")


def comparable_report(text):
    """The report without the lines that quote a failure's error message."""
    out, in_failed = [], False
    for line in text.splitlines():
        if line.startswith("FAILED:"):
            in_failed = True
            out.append(line)
            continue
        if in_failed and line.startswith("overall:"):
            in_failed = False
        if in_failed or line.lstrip().startswith("FAILED: "):
            continue  # "  NAME: <error>" and "  FAILED: <error>" (verbose)
        out.append(line)
    return out


def comparable_json(data):
    data = dict(data)
    data.pop("cmd", None)
    docs = []
    for d in data.get("documents", []):
        d = dict(d)
        if d.get("failed"):
            d["error"] = "<failed>"
        docs.append(d)
    data["documents"] = docs
    return data


def compare(name, kgraph, score, gold, texts, tmp):
    extra = ["--texts", texts] if texts else []
    ours_json = os.path.join(tmp, name + ".kgraph.json")
    theirs_json = os.path.join(tmp, name + ".score.json")
    rc_a, out_a, err_a = run([kgraph, "eval", "--gold", gold, "-v", "--json-out", ours_json]
                             + extra)
    rc_b, out_b, err_b = run([sys.executable, score, "--gold", gold, "-v", "--json-out",
                              theirs_json, "--cmd",
                              "'%s' build --format json -o {out} {input}" % kgraph] + extra)
    problems = []
    if rc_a != rc_b:
        problems.append("exit status: kgraph eval %d, score.py %d" % (rc_a, rc_b))
    if comparable_report(out_a) != comparable_report(out_b):
        problems.append("the reports differ")
    try:
        with open(ours_json, encoding="utf-8") as f:
            a = comparable_json(json.load(f))
        with open(theirs_json, encoding="utf-8") as f:
            b = comparable_json(json.load(f))
        if a != b:
            problems.append("the JSON figures differ")
    except (OSError, ValueError) as e:
        problems.append("JSON output unreadable: %s" % e)
    last_a = out_a.strip().splitlines()[-1] if out_a.strip() else ""
    last_b = out_b.strip().splitlines()[-1] if out_b.strip() else ""
    print("%s: kgraph eval: %s" % (name, last_a))
    print("%s: score.py:    %s" % (name, last_b))
    if problems:
        print("FAIL %s: %s" % (name, "; ".join(problems)))
        print("---- kgraph eval (exit %d) ----\n%s%s" % (rc_a, out_a, err_a))
        print("---- score.py (exit %d) ----\n%s%s" % (rc_b, out_b, err_b))
        return False
    return True


def main(argv):
    if len(argv) != 3:
        print(__doc__, file=sys.stderr)
        return 2
    kgraph, source = os.path.abspath(argv[1]), os.path.abspath(argv[2])
    shared = os.path.join(os.path.dirname(source), "shared")
    score = os.path.join(shared, "eval", "score.py")
    dev = os.path.join(shared, "corpus", "dev")
    if not os.path.isfile(score) or not os.path.isdir(dev):
        print("skipped: %s or %s not found" % (score, dev))
        return SKIP
    ok = True
    with tempfile.TemporaryDirectory(prefix="kg-eval-") as tmp:
        ok &= compare("dev", kgraph, score, dev, None, tmp)
        ok &= compare("samples", kgraph, score, os.path.join(source, "samples", "expected"),
                      os.path.join(source, "samples"), tmp)
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv))
