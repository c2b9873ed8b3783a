#!/usr/bin/python3
"""test_badinput.py — the bad-input matrix of docs/reliability.md, run on the
kgraph CLI as a user would meet it.

Each case runs `kgraph extract` or `kgraph build` on one kind of broken input
in a fresh temporary directory and asserts the exact behaviour: the exit
status, the message on stderr (naming the file and the problem) and what was
still produced.  Every run has a time limit (a hang fails the case) and its
peak memory (ru_maxrss) is checked against a bound, so a 100 MB file without
a newline or a sentence of a million tokens cannot go unnoticed.

Library-level behaviour already covered by the Check suites is not repeated
here (test_reader.c: symlink loops, CRLF, BOM and invalid UTF-8 in the
reader; test_rules.c: malformed rule files; test_facts.c: malformed facts
lines); this file checks the same inputs end to end, and the rest.

usage: test_badinput.py --kgraph PATH [--sanitized] [--work DIR] [CASE...]
Exit status 0 when every case passed, 1 otherwise.
"""

import argparse
import json
import os
import shutil
import signal
import struct
import sys
import tempfile
import time
import zlib

DEFAULT_TIMEOUT = 120  # seconds per run
DEFAULT_RSS_MB = 400  # peak memory per run (gcc build); x4 under sanitizers

ARGS = None
FAILED = []


class CaseFailure(Exception):
    pass


def check(cond, what):
    if not cond:
        raise CaseFailure(what)


class Run:
    """The result of one kgraph run."""

    def __init__(self, status, out, err, rss_kb, seconds):
        self.status, self.out, self.err = status, out, err
        self.rss_kb, self.seconds = rss_kb, seconds

    def __repr__(self):
        return "exit %s, %.2f s, %d MB, stderr:\n%s" % (
            self.status,
            self.seconds,
            self.rss_kb // 1024,
            self.err.decode("utf-8", "replace")[:2000],
        )


def kgraph(args, cwd, timeout=DEFAULT_TIMEOUT, stdin=None):
    """Runs kgraph with args in cwd; fails the case on a timeout, a signal or
    a peak RSS over the bound.  stdout and stderr go through files (no pipe
    to fill up)."""
    out_path = os.path.join(cwd, ".stdout")
    err_path = os.path.join(cwd, ".stderr")
    start = time.monotonic()
    with open(out_path, "wb") as out, open(err_path, "wb") as err:
        stdin_fd = os.open(stdin or os.devnull, os.O_RDONLY)
        pid = os.fork()
        if pid == 0:  # child
            try:
                os.chdir(cwd)
                os.dup2(stdin_fd, 0)
                os.dup2(out.fileno(), 1)
                os.dup2(err.fileno(), 2)
                os.execv(ARGS.kgraph, [ARGS.kgraph] + args)
            finally:
                os._exit(127)
        os.close(stdin_fd)
        while True:
            wpid, wstatus, usage = os.wait4(pid, os.WNOHANG)
            if wpid == pid:
                break
            if time.monotonic() - start > timeout:
                os.kill(pid, signal.SIGKILL)
                os.wait4(pid, 0)
                raise CaseFailure("kgraph %s: no answer after %d s (a hang)" % (" ".join(args), timeout))
            time.sleep(0.02)
    seconds = time.monotonic() - start
    with open(out_path, "rb") as f:
        out_bytes = f.read()
    with open(err_path, "rb") as f:
        err_bytes = f.read()
    os.unlink(out_path)
    os.unlink(err_path)
    run = Run(None, out_bytes, err_bytes, usage.ru_maxrss, seconds)
    if os.WIFSIGNALED(wstatus):
        raise CaseFailure("kgraph %s: killed by signal %d\n%r" % (" ".join(args), os.WTERMSIG(wstatus), run))
    run.status = os.WEXITSTATUS(wstatus)
    bound = DEFAULT_RSS_MB * (4 if ARGS.sanitized else 1)
    check(run.rss_kb <= bound * 1024, "kgraph %s: peak memory %d MB over %d MB" % (" ".join(args), run.rss_kb // 1024, bound))
    return run


def stderr_lines(run):
    return run.err.decode("utf-8", "replace").splitlines()


def expect_lines(run, expected):
    """stderr is exactly these lines (in order)."""
    got = stderr_lines(run)
    check(got == expected, "stderr:\n  got      %r\n  expected %r" % (got, expected))


def facts_lines(run):
    return [json.loads(line) for line in run.out.decode("utf-8").splitlines()]


def write(path, data):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "wb") as f:
        f.write(data if isinstance(data, bytes) else data.encode("utf-8"))


GOOD = "Chairman of the FNPR Mikhail Shmakov met with the FPRK in Astana.\n"


# ---- the cases -----------------------------------------------------------------


def case_invalid_utf8(d):
    """Invalid bytes, overlong encodings and encoded surrogates are replaced
    by U+FFFD (one per byte that cannot start or continue a character), with
    a warning naming the file and the count; the rest is extracted."""
    write(d + "/bad.txt", b"Overlong \xc0\xaf and \xe0\x80\xaf, surrogate \xed\xa0\x80, stray \xff. " + GOOD.encode())
    run = kgraph(["extract", "bad.txt"], d)
    check(run.status == 0, repr(run))
    expect_lines(run, ["kgraph: warning: bad.txt: 9 invalid UTF-8 sequences replaced by U+FFFD"])
    names = {e["name"] for e in facts_lines(run)[0]["entities"]}
    check({"FNPR", "FPRK", "Mikhail Shmakov"} <= names, "entities %r" % names)


def case_nul_bytes(d):
    """A NUL in the first 8 KiB makes a file binary (skipped with a warning);
    a NUL further on is an invalid character like any other."""
    write(d + "/early.txt", b"Text\x00 with a NUL. " + GOOD.encode())
    write(d + "/late.txt", b"A" * 9000 + b"\x00 " + GOOD.encode())
    run = kgraph(["extract", "early.txt", "late.txt"], d)
    check(run.status == 0, repr(run))
    expect_lines(
        run,
        [
            "kgraph: warning: early.txt: binary file (NUL bytes in the first 8 KiB), not a text document",
            "kgraph: warning: late.txt: 1 invalid UTF-8 sequence replaced by U+FFFD",
        ],
    )
    docs = facts_lines(run)
    check([f["doc"] for f in docs] == ["late.txt"], "documents %r" % docs)
    alone = kgraph(["extract", "early.txt"], d)
    check(alone.status == 1, repr(alone))
    check(stderr_lines(alone)[-1] == "kgraph: error: no documents to read in the input", repr(alone))


def case_bom_and_line_ends(d):
    """A UTF-8 BOM, CRLF and lone CR line ends give the very facts of the
    plain LF file (evidence offsets refer to the cleaned text)."""
    text = "# title: Line ends\n" + GOOD + "The FPRK and the FNPR signed a memorandum.\n"
    variants = {
        "lf.txt": text.encode(),
        "bom.txt": b"\xef\xbb\xbf" + text.encode(),
        "crlf.txt": text.replace("\n", "\r\n").encode(),
        "cr.txt": text.replace("\n", "\r").encode(),
    }
    results = {}
    for name, data in variants.items():
        write(d + "/" + name, data)
        run = kgraph(["extract", name], d)
        check(run.status == 0 and run.err == b"", repr(run))
        # the document id (the file name) is everywhere in the facts
        results[name] = json.loads(run.out.decode().replace('"%s"' % name, '"doc"'))
    for name in variants:
        check(results[name] == results["lf.txt"], "%s gives other facts than lf.txt" % name)
    check(results["lf.txt"]["title"] == "Line ends", "title %r" % results["lf.txt"].get("title"))


def case_huge_file_without_newline(d):
    """100 MB without a newline: read up to --max-doc-bytes (8 MiB by
    default) and truncated with a warning; memory stays bounded."""
    path = d + "/huge.txt"
    chunk = (GOOD.rstrip("\n") + " ").encode() * 1000
    with open(path, "wb") as f:
        for _ in range(100 * 1024 * 1024 // len(chunk) + 1):
            f.write(chunk)
    try:
        run = kgraph(["extract", "--max-sentence-tokens", "200", "huge.txt"], d, timeout=600)
    finally:
        os.unlink(path)  # 100 MB: not left behind, whatever happened
    check(run.status == 0, repr(run))
    lines = stderr_lines(run)
    check(
        lines[0] == "kgraph: warning: huge.txt: document longer than 8388608 bytes (--max-doc-bytes): "
        "truncated to its first 8388608 bytes",
        repr(run),
    )
    facts = facts_lines(run)[0]
    check(facts["bytes"] <= 8388608, "bytes %d" % facts["bytes"])
    check(any(e["name"] == "FNPR" for e in facts["entities"]), "no FNPR in the truncated text")
    print("    100 MB file: %.1f s, %d MB peak" % (run.seconds, run.rss_kb // 1024))


def case_million_token_sentence(d):
    """One sentence of a million tokens is analysed in pieces of
    --max-sentence-tokens and the mentions stop at --max-entities: warnings
    name the document; the run ends in bounded time and memory."""
    write(d + "/long.txt", " ".join(["word"] * 1000000) + " ")
    run = kgraph(["extract", "long.txt"], d)
    check(run.status == 0, repr(run))
    expect_lines(
        run,
        [
            "kgraph: warning: long.txt: sentences of more than 400 tokens (--max-sentence-tokens) "
            "analysed in pieces of 400 tokens",
        ],
    )
    facts = facts_lines(run)[0]
    check(facts["sentences"] == 2500, "sentences %d" % facts["sentences"])
    print("    1M-token sentence: %.1f s, %d MB peak" % (run.seconds, run.rss_kb // 1024))
    # organisation heads all along: the recognisers' worst case, bounded by
    # the sentence cut and the mention limit
    write(d + "/heads.txt", " ".join(["Union"] * 100000) + " ")
    run = kgraph(["extract", "heads.txt"], d)
    check(run.status == 0 and len(stderr_lines(run)) == 1, repr(run))
    print("    100k organisation heads: %.1f s, %d MB peak" % (run.seconds, run.rss_kb // 1024))
    # pieces of 10 tokens, at most 50 mentions: both limits reported
    write(d + "/orgs.txt", " ".join(["the FNPR"] * 2000) + ".\n")
    run = kgraph(["extract", "--max-sentence-tokens", "10", "--max-entities", "50", "orgs.txt"], d)
    check(run.status == 0, repr(run))
    expect_lines(
        run,
        [
            "kgraph: warning: orgs.txt: sentences of more than 10 tokens (--max-sentence-tokens) "
            "analysed in pieces of 10 tokens",
            "kgraph: warning: orgs.txt: more than 50 entity mentions (--max-entities): the rest of "
            "the document yields no more entities",
        ],
    )
    facts = facts_lines(run)[0]
    check(facts["entities"][0]["mentions"] == 50, "mentions %r" % facts["entities"])


def case_empty_inputs(d):
    """An empty or blank file is skipped with a warning; with nothing else to
    read the run fails saying so, and writes nothing."""
    write(d + "/empty.txt", b"")
    write(d + "/blank.md", b" \n\t\r\n")
    write(d + "/ok.txt", GOOD)
    run = kgraph(["build", "-q", "-o", "out", "empty.txt", "blank.md", "ok.txt"], d)
    check(run.status == 0, repr(run))
    expect_lines(run, ["kgraph: warning: empty.txt: empty document", "kgraph: warning: blank.md: empty document"])
    run = kgraph(["build", "-q", "-o", "none", "empty.txt"], d)
    check(run.status == 1, repr(run))
    expect_lines(run, ["kgraph: warning: empty.txt: empty document", "kgraph: error: no documents to read in the input"])
    check(not os.path.exists(d + "/none"), "output directory made for a failed build")


def png_bytes():
    """A small valid PNG (8x8 grey), made here."""

    def chunk(kind, data):
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)

    raw = b"".join(b"\x00" + bytes(range(8)) for _ in range(8))
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", struct.pack(">IIBBBBB", 8, 8, 8, 0, 0, 0, 0))
        + chunk(b"IDAT", zlib.compress(raw))
        + chunk(b"IEND", b"")
    )


def case_binary_files(d):
    """A PNG renamed .txt and an ELF (the kgraph executable) are binary: each
    skipped with a warning naming it; the text beside them is read."""
    write(d + "/in/picture.txt", png_bytes())
    shutil.copyfile(ARGS.kgraph, d + "/in/program.txt")
    write(d + "/in/ok.txt", GOOD)
    binary = "binary file (NUL bytes in the first 8 KiB), not a text document"
    run = kgraph(["extract", "in"], d)
    check(run.status == 0, repr(run))
    expect_lines(run, ["kgraph: warning: in/picture.txt: " + binary, "kgraph: warning: in/program.txt: " + binary])
    check([f["doc"] for f in facts_lines(run)] == ["ok.txt"], "documents %r" % run.out)
    # the executable given directly, under its own name
    run = kgraph(["extract", ARGS.kgraph], d)
    check(run.status == 1, repr(run))
    check(stderr_lines(run)[0] == "kgraph: warning: %s: %s" % (ARGS.kgraph, binary), repr(run))


def case_symlink_loop(d):
    """A directory that links back to itself: every file read once, no hang."""
    write(d + "/in/a.txt", GOOD)
    write(d + "/in/sub/b.txt", GOOD.replace("Astana", "Bishkek"))
    os.symlink("..", d + "/in/sub/up")
    os.symlink(".", d + "/in/sub/self")
    run = kgraph(["extract", "in"], d, timeout=30)
    check(run.status == 0 and run.err == b"", repr(run))
    check([f["doc"] for f in facts_lines(run)] == ["a.txt", "sub/b.txt"], "documents %r" % run.out)


def case_unreadable_file(d):
    """chmod 000: an error naming the file (exit 1, nothing written), or with
    --on-error=skip a warning and the other files read.  As root, chmod does
    not deny reading: the case is skipped, saying so."""
    write(d + "/in/a.txt", GOOD)
    write(d + "/in/b.txt", GOOD)
    os.chmod(d + "/in/a.txt", 0)
    try:
        try:
            open(d + "/in/a.txt", "rb").close()
            print("    SKIPPED: running as root: chmod 000 does not deny reading")
            return
        except PermissionError:
            pass
        run = kgraph(["extract", "-o", "out.facts.jsonl", "in"], d)
        check(run.status == 1, repr(run))
        expect_lines(run, ["kgraph: error: in/a.txt: Permission denied"])
        check(not os.path.exists(d + "/out.facts.jsonl"), "output written by a failed run")
        run = kgraph(["extract", "--on-error=skip", "in"], d)
        check(run.status == 0, repr(run))
        expect_lines(run, ["kgraph: warning: in/a.txt: Permission denied"])
        check([f["doc"] for f in facts_lines(run)] == ["b.txt"], "documents %r" % run.out)
    finally:
        os.chmod(d + "/in/a.txt", 0o644)


def case_malformed_json_lines(d):
    """A bad line in the middle of a JSON Lines file: by default the run
    stops with an error naming file, line and column, and writes nothing;
    with --on-error=skip the line is skipped with that message as a warning
    and the other documents are read."""
    lines = [
        json.dumps({"id": "one", "text": GOOD}),
        '{"id": "two", "text": "unterminated',
        json.dumps({"id": 3, "text": GOOD}),
        json.dumps({"id": "four", "text": GOOD}),
    ]
    write(d + "/docs.jsonl", "\n".join(lines) + "\n")
    run = kgraph(["extract", "-o", "out.facts.jsonl", "docs.jsonl"], d)
    check(run.status == 1, repr(run))
    expect_lines(run, ["kgraph: error: docs.jsonl:2:35: invalid JSON: unexpected newline near '\"unterminated'"])
    check(not os.path.exists(d + "/out.facts.jsonl"), "output written by a failed run")
    run = kgraph(["extract", "--on-error=skip", "-o", "out.facts.jsonl", "docs.jsonl"], d)
    check(run.status == 0, repr(run))
    expect_lines(
        run,
        [
            "kgraph: warning: docs.jsonl:2:35: invalid JSON: unexpected newline near '\"unterminated'",
            'kgraph: warning: docs.jsonl:3: missing or non-string "id"',
        ],
    )
    with open(d + "/out.facts.jsonl") as f:
        check([json.loads(x)["doc"] for x in f] == ["one", "four"], "documents written")
    # the same for facts lines, through build
    good = facts_lines(kgraph(["extract", "docs.jsonl", "--on-error=skip"], d))[0]
    facts = [json.dumps(good), '{"doc": "broken", "entities": [}', json.dumps(dict(good, doc="other"))]
    write(d + "/in.facts.jsonl", "\n".join(facts) + "\n")
    run = kgraph(["build", "-q", "-o", "out", "in.facts.jsonl"], d)
    check(run.status == 1, repr(run))
    check(stderr_lines(run)[0].startswith("kgraph: error: in.facts.jsonl:2:"), repr(run))
    run = kgraph(["build", "-q", "--on-error", "skip", "-o", "out", "in.facts.jsonl"], d)
    check(run.status == 0 and len(stderr_lines(run)) == 1, repr(run))
    check(stderr_lines(run)[0].startswith("kgraph: warning: in.facts.jsonl:2:"), repr(run))
    with open(d + "/out/graph.json") as f:
        graph = json.load(f)
    check("other" in json.dumps(graph), "the document after the bad line is missing")


def case_overlong_json_line(d):
    """A JSON line longer than 4 x --max-doc-bytes is skipped unread (memory
    bounded) with a warning naming file and line; a text longer than the
    limit inside a line is truncated like a file."""
    lines = [
        json.dumps({"id": "huge", "text": "x" * 10000}),
        json.dumps({"id": "long", "text": GOOD * 20}),
        json.dumps({"id": "ok", "text": GOOD}),
    ]
    write(d + "/docs.jsonl", "\n".join(lines) + "\n")
    run = kgraph(["extract", "--max-doc-bytes", "1K", "docs.jsonl"], d)
    check(run.status == 0, repr(run))
    expect_lines(
        run,
        [
            "kgraph: warning: docs.jsonl:1: line longer than 4096 bytes (4 x --max-doc-bytes): skipped",
            "kgraph: warning: docs.jsonl:2: document longer than 1024 bytes (--max-doc-bytes): "
            "truncated to its first 1024 bytes",
        ],
    )
    docs = facts_lines(run)
    check([f["doc"] for f in docs] == ["long", "ok"], "documents %r" % docs)
    check(docs[0]["bytes"] == 1024, "bytes %d" % docs[0]["bytes"])


def case_deep_nesting(d):
    """100 000 '[' in every JSON input: a clean parse error naming the file,
    line and column (jansson's depth limit), exit 1."""
    deep = "[" * 100000 + "\n"
    write(d + "/deep.jsonl", deep)
    write(d + "/deep.json", deep)
    write(d + "/ok.txt", GOOD)
    msg = "1:2049: maximum parsing depth reached near '['"
    for args, expected in [
        (["extract", "deep.jsonl"], "kgraph: error: deep.jsonl:%s" % msg.replace("1:2049: ", "1:2049: invalid JSON: ")),
        (["build", "-q", "-o", "out", "deep.json"], "kgraph: error: deep.json:%s" % msg.replace("1:2049: ", "1:2049: invalid JSON: ")),
        (["extract", "--rules", "deep.json", "ok.txt"], "kgraph: error: deep.json:" + msg),
        (["extract", "--lexicon", "deep.json", "ok.txt"], "kgraph: error: deep.json:" + msg),
        (["build", "-q", "-o", "out", "--aliases", "deep.json", "ok.txt"], "kgraph: error: deep.json:" + msg),
    ]:
        run = kgraph(args, d, timeout=30)
        check(run.status == 1, "%s: %r" % (args, run))
        expect_lines(run, [expected])


def case_malformed_user_files(d):
    """Malformed --rules, --lexicon and --aliases files stop the run before
    anything is read, with exit 1 and a message naming file, line and what
    is wrong."""
    write(d + "/ok.txt", GOOD)
    write(d + "/rules.json", '{"rules": [\n {"id": "x", "pattern": [{"lex": "TITEL"}],\n  "emit": []}]}\n')
    write(d + "/lexicon.json", '{"TITLE": [{"role": "chairman", "forms": "convenor"}]}\n')
    write(d + "/aliases.json", '{"merge": [["FNPR", "FITUR"]],\n "split": [["FNPR", "FITUR"]]}\n')
    write(d + "/truncated.json", '{"merge": [["FNPR",\n')
    cases = [
        (["extract", "--rules", "rules.json", "ok.txt"], "kgraph: error: rules.json:"),
        (["extract", "--lexicon", "lexicon.json", "ok.txt"], "kgraph: error: lexicon.json:"),
        (["build", "-q", "-o", "out", "--aliases", "aliases.json", "ok.txt"], "kgraph: error: aliases.json:"),
        (["build", "-q", "-o", "out", "--aliases", "truncated.json", "ok.txt"], "kgraph: error: truncated.json:2:"),
    ]
    for args, prefix in cases:
        run = kgraph(args, d, timeout=30)
        check(run.status == 1, "%s: %r" % (args, run))
        lines = stderr_lines(run)
        check(len(lines) == 1 and lines[0].startswith(prefix) and len(lines[0]) > len(prefix) + 5, "%s: %r" % (args, run))
    check(not os.path.exists(d + "/out"), "output written by a failed run")


def case_bad_limit_options(d):
    """Bad values of the new options are usage errors (exit 2)."""
    write(d + "/ok.txt", GOOD)
    for args, message in [
        (["--max-doc-bytes", "8X"], "--max-doc-bytes must be a whole number of bytes, with an optional K, M or G suffix (0: no limit), not '8X'"),
        (["--max-sentence-tokens", "-1"], "--max-sentence-tokens must be a whole number (0: no limit), not '-1'"),
        (["--max-entities", "many"], "--max-entities must be a whole number (0: no limit), not 'many'"),
        (["--on-error", "ignore"], "--on-error must be skip or stop, not 'ignore'"),
    ]:
        for verb in ["extract", "build"]:
            run = kgraph([verb] + args + ["ok.txt"], d, timeout=30)
            check(run.status == 2, repr(run))
            expect_lines(run, ["kgraph: error: " + message])


CASES = [
    case_invalid_utf8,
    case_nul_bytes,
    case_bom_and_line_ends,
    case_huge_file_without_newline,
    case_million_token_sentence,
    case_empty_inputs,
    case_binary_files,
    case_symlink_loop,
    case_unreadable_file,
    case_malformed_json_lines,
    case_overlong_json_line,
    case_deep_nesting,
    case_malformed_user_files,
    case_bad_limit_options,
]


def main():
    global ARGS
    parser = argparse.ArgumentParser()
    parser.add_argument("--kgraph", required=True)
    parser.add_argument("--sanitized", action="store_true", help="a sanitizer build: more memory")
    parser.add_argument("--work", help="parent of the temporary directories")
    parser.add_argument("cases", nargs="*")
    ARGS = parser.parse_args()
    ARGS.kgraph = os.path.abspath(ARGS.kgraph)
    if ARGS.work:
        os.makedirs(ARGS.work, exist_ok=True)
    for case in CASES:
        name = case.__name__[len("case_") :]
        if ARGS.cases and name not in ARGS.cases:
            continue
        d = tempfile.mkdtemp(prefix="badinput-%s-" % name, dir=ARGS.work)
        try:
            case(d)
            print("PASS %s" % name)
        except CaseFailure as e:
            FAILED.append(name)
            print("FAIL %s: %s" % (name, e))
        finally:
            shutil.rmtree(d, ignore_errors=True)
    print("%d cases, %d failed" % (len(CASES) if not ARGS.cases else len(ARGS.cases), len(FAILED)))
    return 1 if FAILED else 0


if __name__ == "__main__":
    sys.exit(main())
