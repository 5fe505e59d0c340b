#!/usr/bin/env bash
# Benchmark policycheck against policyuniverse and parliament (see bench/README.md).
#
#   bash bench/run.sh
#
# Settings (environment variables):
#   SIZES="1000 10000"      corpus sizes (policies); peak memory is compared between the first and the last
#   SEED=42                 gen_corpus.py seed
#   REPEATS=3               runs per tool and size (best wall / best CPU are kept)
#   PARLIAMENT_REPEATS=     runs of parliament (default: REPEATS; 0 skips it; about 2-4 min per 10,000 files each)
#   PARLIAMENT_COMMUNITY=   set to 1 to add parliament's community auditors (about 10x slower)
#   LATENCY_RUNS=50         runs of the single-file lint
#   PYTHON=python3.11       interpreter for the virtualenv (falls back to python3)
#   SKIP_BUILD=             set to 1 to use the existing target/release/policycheck
#   JSON_OUT=bench/last-run.json   every measurement, machine-readable
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
root=$(dirname "$here")
SIZES=${SIZES:-"1000 10000"}
SEED=${SEED:-42}
REPEATS=${REPEATS:-3}
PARLIAMENT_REPEATS=${PARLIAMENT_REPEATS:-$REPEATS}
LATENCY_RUNS=${LATENCY_RUNS:-50}
JSON_OUT=${JSON_OUT:-$here/last-run.json}
if [[ -z "${PYTHON:-}" ]]; then
    if command -v python3.11 >/dev/null 2>&1; then PYTHON=python3.11; else PYTHON=python3; fi
fi

step() { printf '\n>>> %s\n' "$*" >&2; }

# 1. The release binary.
cd "$root"
if [[ "${SKIP_BUILD:-}" != 1 ]]; then
    step "cargo build --release -p policycheck-cli"
    cargo build --release -p policycheck-cli
fi
target_dir=$(cargo metadata --format-version 1 --no-deps --offline 2>/dev/null \
    | "$PYTHON" -c 'import json, sys; print(json.load(sys.stdin)["target_directory"])' 2>/dev/null \
    || echo "$root/target")
bin="$target_dir/release/policycheck"
[[ -x "$bin" ]] || { echo "bench: no binary at $bin" >&2; exit 2; }
# The launcher that measures each command (wall, user/sys CPU, peak RSS): bench/timer, no deps.
step "cargo build --release (bench/timer)"
cargo build --release --quiet --manifest-path "$here/timer/Cargo.toml" --target-dir "$target_dir/bench-timer"
timer="$target_dir/bench-timer/release/bench-timer"

# 2. The virtualenv with the pinned comparison tools.
venv="$here/.venv"
if [[ ! -x "$venv/bin/python" ]]; then
    step "$PYTHON -m venv bench/.venv"
    "$PYTHON" -m venv "$venv"
fi
step "pip install -r bench/requirements.txt"
"$venv/bin/python" -m pip install --quiet --disable-pip-version-check -r "$here/requirements.txt"

# 3. The corpora, in a temporary directory removed on exit.
tmp=$(mktemp -d "${TMPDIR:-/tmp}/policycheck-bench.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
corpora=()
for n in $SIZES; do
    step "gen_corpus.py $n policies (seed $SEED)"
    "$venv/bin/python" "$here/gen_corpus.py" "$tmp/corpus-$n" "$n" "$SEED"
    corpora+=(--corpus "$tmp/corpus-$n")
done

# A private copy of the binary, so a rebuild in the shared target directory cannot swap it mid-run.
cp "$bin" "$tmp/policycheck"

# 4-7. Time the three tools, memory, single-file latency; print the table.
community=()
[[ "${PARLIAMENT_COMMUNITY:-}" == 1 ]] && community=(--parliament-community)
step "timing (best of $REPEATS; parliament best of $PARLIAMENT_REPEATS)"
"$venv/bin/python" "$here/bench.py" --bin "$tmp/policycheck" --timer "$timer" --python "$venv/bin/python" "${corpora[@]}" \
    --repeats "$REPEATS" --parliament-repeats "$PARLIAMENT_REPEATS" --latency-runs "$LATENCY_RUNS" \
    --json-out "$JSON_OUT" "${community[@]}"
