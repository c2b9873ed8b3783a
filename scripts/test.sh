#!/usr/bin/env bash
# test.sh — the one command that says whether kgraph works, locally and in CI
# (.ci/run calls it):
#   1. scripts/install-deps.sh            (skip with KG_SKIP_DEPS=1)
#   2. build/ with -DKG_WERROR=ON, then ctest (unit, CLI and integration
#      tests; the integration tests install their npm packages themselves;
#      the reliability tests of docs/reliability.md: the bad-input matrix,
#      SIGKILL and disk-full atomicity, failing allocations, and the fuzz
#      corpora replayed by tests/fuzz/replay.c, also under ASan/UBSan in 3)
#   3. build-asan/ with -DKG_SANITIZE='address;undefined', then ctest
#                                         (skip with KG_SKIP_ASAN=1)
#   4. valgrind on every Check suite      (skip with KG_SKIP_VALGRIND=1)
#   5. clang-format --dry-run -Werror on all *.c / *.h (skip with KG_SKIP_FORMAT=1)
# Stops at the first failing step and exits non-zero; the last line says
# which step failed or that all passed.  KG_BUILD_DIR / KG_ASAN_BUILD_DIR
# choose other build folders (default build and build-asan).
set -euo pipefail
cd "$(dirname "$0")/.."

jobs=$(nproc 2>/dev/null || echo 2)
build=${KG_BUILD_DIR:-build}
build_asan=${KG_ASAN_BUILD_DIR:-build-asan}
current="setup"
on_exit() {
    local status=$?
    if [ "$status" -ne 0 ]; then
        echo
        echo "test.sh: FAILED at step: $current (exit $status)"
    fi
}
trap on_exit EXIT

step() {
    current=$1
    printf '\n==== %s\n' "$1"
}

if [ "${KG_SKIP_DEPS:-0}" != 1 ]; then
    step "install dependencies"
    bash scripts/install-deps.sh
fi

step "build ($build/, -DKG_WERROR=ON)"
cmake -S . -B "$build" -DKG_WERROR=ON -DBUILD_TESTING=ON
cmake --build "$build" -j"$jobs"

# The integration tests (tests/integration) skip when a tool cannot be had;
# here a missing tool is a failure (KG_INTEGRATION_REQUIRE=0 to allow skips).
export KG_INTEGRATION_REQUIRE=${KG_INTEGRATION_REQUIRE:-1}

step "ctest ($build/)"
ctest_log=$(mktemp)
ctest --test-dir "$build" --output-on-failure --no-tests=error | tee "$ctest_log"
summary=$(grep -Eo '[0-9]+ tests failed out of [0-9]+' "$ctest_log" | tail -1)
rm -f "$ctest_log"

if [ "${KG_SKIP_ASAN:-0}" != 1 ]; then
    step "build ($build_asan/, -DKG_SANITIZE='address;undefined')"
    cmake -S . -B "$build_asan" -DKG_WERROR=ON -DBUILD_TESTING=ON "-DKG_SANITIZE=address;undefined"
    cmake --build "$build_asan" -j"$jobs"

    step "ctest ($build_asan/)"
    ASAN_OPTIONS=${ASAN_OPTIONS:-abort_on_error=0:detect_leaks=1} \
        UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1} \
        ctest --test-dir "$build_asan" --output-on-failure --no-tests=error
fi

if [ "${KG_SKIP_VALGRIND:-0}" != 1 ]; then
    step "valgrind ($build/tests/test_*)"
    bash scripts/valgrind-tests.sh "$build"
fi

if [ "${KG_SKIP_FORMAT:-0}" != 1 ]; then
    step "clang-format check"
    mapfile -d '' sources < <(find . \( -path './build*' -o -path './.git' -o -path '*/node_modules' \) -prune -o \
        -type f \( -name '*.c' -o -name '*.h' \) -print0 | sort -z)
    clang-format --dry-run -Werror "${sources[@]}"
    echo "clang-format: ${#sources[@]} files clean"
fi

current="done"
echo
echo "test.sh: all checks passed"
if [ -n "${summary:-}" ]; then
    failed=${summary%% *}
    total=${summary##* }
    echo "tests: $((total - failed)) passed, $failed failed"
fi
