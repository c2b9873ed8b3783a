#!/usr/bin/env bash
# install-deps.sh — installs everything kgraph's build and tests need on a
# fresh Debian 12 (bookworm), which may lack a compiler, cmake, pkg-config,
# python3 and even sudo.  Safe to run again: when every package is already
# installed it does nothing (set KG_FORCE_APT=1 to run apt-get anyway).
set -euo pipefail

packages=(
    build-essential cmake pkg-config          # toolchain
    libigraph-dev libraptor2-dev libjansson-dev libutf8proc-dev libstemmer-dev check  # libraries
    raptor2-utils serdi                       # rapper / serdi: Turtle round trips
    python3 python3-rdflib python3-networkx python3-igraph  # independent readers, score.py
    python3-scipy                             # tests/centrality_crosscheck.py (networkx PageRank, HITS)
    virtuoso-opensource                       # tests/integration: a real SPARQL store
    valgrind clang-format                     # safety nets in scripts/test.sh
    chromium                                  # tests/report_chromium.py renders report.html
    parallel time                             # tests/scale_shards.sh (GNU parallel), bench/run (peak RSS)
    ca-certificates git
)

# tests/integration installs its npm packages (N3.js, Oxigraph, Kuzu,
# Cytoscape.js, Ajv) with npm ci; Debian's nodejs and npm only where no node
# is installed already (a newer one from elsewhere is kept).
if ! command -v node >/dev/null 2>&1 || ! command -v npm >/dev/null 2>&1; then
    packages+=(nodejs npm)
fi

if ! command -v apt-get >/dev/null 2>&1; then
    echo "install-deps.sh: apt-get not found; this script supports Debian 12 (install: ${packages[*]})" >&2
    exit 1
fi

missing=()
for p in "${packages[@]}"; do
    if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed'; then
        missing+=("$p")
    fi
done
if [ "${#missing[@]}" -eq 0 ] && [ "${KG_FORCE_APT:-0}" != 1 ]; then
    echo "install-deps.sh: all ${#packages[@]} packages already installed"
    exit 0
fi

# Root runs apt-get directly; anyone else needs sudo.
sudo=()
if [ "$(id -u)" -ne 0 ]; then
    if command -v sudo >/dev/null 2>&1; then
        sudo=(sudo)
    else
        echo "install-deps.sh: not root and sudo is not installed; run as root. Missing: ${missing[*]}" >&2
        exit 1
    fi
fi

export DEBIAN_FRONTEND=noninteractive
echo "install-deps.sh: installing ${missing[*]}"
${sudo[@]+"${sudo[@]}"} env DEBIAN_FRONTEND=noninteractive apt-get update
${sudo[@]+"${sudo[@]}"} env DEBIAN_FRONTEND=noninteractive \
    apt-get install -y --no-install-recommends "${packages[@]}"
