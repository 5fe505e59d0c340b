#!/usr/bin/env bash
# Runs every check and test of policycheck. This is the README's test command and
# what CI (.ci/run) calls. It installs what it needs on a fresh machine.
set -euo pipefail
cd "$(dirname "$0")/.."

step() { printf '\n==> %s\n' "$*"; }

step "cargo fmt --check"
cargo fmt --all -- --check

step "cargo clippy (all targets, warnings are errors)"
cargo clippy --workspace --all-targets --locked -- -D warnings

step "cargo test (workspace)"
cargo test --workspace --locked

if [ -f web/package.json ] && [ "${POLICYCHECK_SKIP_WEB:-0}" != 1 ]; then
  step "web: build the WASM page and run the Node and browser tests"
  bash scripts/web.sh test
fi

printf '\nall checks passed\n'
