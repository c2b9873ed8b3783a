#!/usr/bin/env bash
# valgrind-tests.sh [BUILD_DIR] — runs every Check suite (BUILD_DIR/tests/test_*,
# default build/) under valgrind, without fork so valgrind sees the tests
# themselves.  Fails on any memory error or definite/indirect leak.
set -euo pipefail
cd "$(dirname "$0")/.."
build=${1:-build}

shopt -s nullglob
suites=()
for t in "$build"/tests/test_*; do
    if [ -f "$t" ] && [ -x "$t" ]; then
        suites+=("$t")
    fi
done
if [ "${#suites[@]}" -eq 0 ]; then
    echo "valgrind-tests.sh: no test executables in $build/tests (build first)" >&2
    exit 1
fi

# test_nomem fails thousands of allocations in turn: the ASan/LSan run of
# ctest covers every 16th of them for leaks; under valgrind (tens of times
# slower) every 97th keeps this step to a minute or two.
export KG_NOMEM_STRIDE=${KG_NOMEM_STRIDE:-97}

failed=()
for t in "${suites[@]}"; do
    echo "---- valgrind $t"
    if ! CK_FORK=no valgrind --quiet --leak-check=full --errors-for-leak-kinds=definite,indirect \
        --error-exitcode=1 "$t"; then
        failed+=("$t")
    fi
done
echo "valgrind: $(( ${#suites[@]} - ${#failed[@]} )) of ${#suites[@]} suites clean"
if [ "${#failed[@]}" -gt 0 ]; then
    echo "valgrind: FAILED: ${failed[*]}" >&2
    exit 1
fi
