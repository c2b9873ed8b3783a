#!/usr/bin/env bash
# scale_shards.sh — kgraph at scale, end to end on a generated corpus
# (bench/gen_corpus, about 1 MB of English and Russian articles):
#   1. `kgraph build` and `kgraph extract` give byte-identical files with
#      --threads 1, 2 and 3;
#   2. the corpus split three ways (uneven shards, each extracted with its
#      own thread count) and built from the shard outputs in shuffled order
#      gives the same files as one build over everything;
#   3. the GNU parallel route of docs/scaling.md (files spread over parallel
#      jobs of `kgraph extract`, then one build over their outputs) gives the
#      same files as one build over the same files.
# Usage: scale_shards.sh KGRAPH GEN_CORPUS WORKDIR
# GNU parallel (Debian's `parallel`) is required; without it the test is
# skipped (exit 77), and fails under KG_INTEGRATION_REQUIRE=1.
set -euo pipefail

kgraph=$1
gen=$2
work=$3

fail() {
    echo "scale_shards: FAIL: $*" >&2
    exit 1
}

# same_outputs DIR_A DIR_B: every file of A is in B with the same bytes.
same_outputs() {
    local n=0 f
    for f in "$1"/*; do
        cmp -s "$f" "$2/$(basename "$f")" || fail "$f and $2/$(basename "$f") differ"
        n=$((n + 1))
    done
    [ "$n" -ge 3 ] || fail "$1 holds $n files, expected the three default outputs"
}

rm -rf "$work"
mkdir -p "$work"
"$gen" -s 7 -n 1M -o "$work/corpus" --per-dir 100 >/dev/null
n_files=$(find "$work/corpus" -name '*.txt' | wc -l)
[ "$n_files" -gt 500 ] || fail "gen_corpus wrote $n_files files"

# 1. any thread count, same files
for t in 1 2 3; do
    "$kgraph" build -q --threads "$t" -o "$work/build-t$t" "$work/corpus"
    "$kgraph" extract --threads "$t" -o "$work/extract-t$t.facts.jsonl" "$work/corpus"
done
same_outputs "$work/build-t1" "$work/build-t2"
same_outputs "$work/build-t1" "$work/build-t3"
cmp "$work/extract-t1.facts.jsonl" "$work/extract-t2.facts.jsonl"
cmp "$work/extract-t1.facts.jsonl" "$work/extract-t3.facts.jsonl"
[ "$(wc -l <"$work/extract-t1.facts.jsonl")" -eq "$n_files" ] || fail "extract: not one line per file"
grep -q '"type":"signed"' "$work/extract-t1.facts.jsonl" || fail "no signed relation extracted"
grep -q '"type":"holds_post"' "$work/extract-t1.facts.jsonl" || fail "no holds_post extracted"
# the generated people recur across articles and scripts: resolution merges them
grep -q '"rule": "transliteration"' "$work/build-t1/graph.json" ||
    fail "no merge by transliteration in graph.json"

# the progress line: never by default off a terminal, always with --progress
# (its last line gives the totals), never with --no-progress
"$kgraph" extract --threads 2 -o /dev/null "$work/corpus" 2>"$work/quiet.err"
[ ! -s "$work/quiet.err" ] || fail "progress written without a terminal: $(cat "$work/quiet.err")"
"$kgraph" build -q --threads 2 --progress -o "$work/build-progress" "$work/corpus" 2>"$work/progress.err"
tail -n 1 "$work/progress.err" | grep -Eq "^kgraph: $n_files documents, [0-9.]+ MB, [0-9.]+ MB/s" ||
    fail "no final progress line: $(cat "$work/progress.err")"
same_outputs "$work/build-t1" "$work/build-progress"
"$kgraph" extract --progress --no-progress -o /dev/null "$work/corpus" 2>"$work/quiet.err"
[ ! -s "$work/quiet.err" ] || fail "--no-progress still wrote progress"

# 2. three uneven shards of symbolic links (the same relative paths, so the
#    same document ids), extracted apart, built together in shuffled order
(cd "$work/corpus" && find . -name '*.txt' | sort) >"$work/files.txt"
awk -v dir="$work" '{ s = (NR % 5 == 0) ? "a" : (NR % 5 < 3 ? "b" : "c"); print s, $0 }' \
    "$work/files.txt" | while read -r shard rel; do
    mkdir -p "$work/shard-$shard/$(dirname "$rel")"
    ln -s "$work/corpus/$rel" "$work/shard-$shard/$rel"
done
"$kgraph" extract --threads 1 -o "$work/a.facts.jsonl" "$work/shard-a"
"$kgraph" extract --threads 2 "$work/shard-b" >"$work/b.facts.jsonl"
"$kgraph" extract --threads 3 -o "$work/c.facts.jsonl" "$work/shard-c"
"$kgraph" build -q -o "$work/sharded-cab" "$work/c.facts.jsonl" "$work/a.facts.jsonl" \
    "$work/b.facts.jsonl"
same_outputs "$work/build-t1" "$work/sharded-cab"
"$kgraph" build -q --threads 2 -o "$work/sharded-bca" "$work/b.facts.jsonl" \
    "$work/c.facts.jsonl" "$work/a.facts.jsonl"
same_outputs "$work/build-t1" "$work/sharded-bca"
# lines shuffled inside the shards, one shard a text directory again
mkdir -p "$work/shuffled"
for s in a b; do
    sort -R --random-source="$work/files.txt" "$work/$s.facts.jsonl" >"$work/shuffled/$s.facts.jsonl"
done
"$kgraph" build -q -o "$work/sharded-mixed" "$work/shuffled" "$work/shard-c"
same_outputs "$work/build-t1" "$work/sharded-mixed"

# 3. GNU parallel: 100 files per job, three jobs at a time, one output per job
if ! command -v parallel >/dev/null 2>&1; then
    if [ "${KG_INTEGRATION_REQUIRE:-0}" = 1 ]; then
        fail "GNU parallel is not installed (scripts/install-deps.sh installs it)"
    fi
    echo "scale_shards: SKIPPED the GNU parallel route: 'parallel' not installed"
    exit 77
fi
mkdir -p "$work/parallel-out"
(cd "$work/corpus" && find . -name '*.txt' | sort) |
    sed "s|^\./|$work/corpus/|" >"$work/paths.txt"
parallel --will-cite -j3 -n100 -a "$work/paths.txt" \
    "$kgraph" extract --threads 1 -o "$work/parallel-out/part-{#}.facts.jsonl" {}
n_parts=$(find "$work/parallel-out" -name '*.facts.jsonl' | wc -l)
[ "$n_parts" -ge 5 ] || fail "GNU parallel wrote $n_parts parts"
"$kgraph" build -q -o "$work/parallel-build" "$work/parallel-out"
# Files given one by one are named by their base names: compare with one
# build over the same list.
xargs -a "$work/paths.txt" "$kgraph" build -q -o "$work/direct-build"
same_outputs "$work/direct-build" "$work/parallel-build"

echo "scale_shards: $n_files documents: threads 1/2/3, three shards in shuffled order and" \
    "$n_parts GNU parallel parts all give byte-identical files"
rm -rf "$work"
