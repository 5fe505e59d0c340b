#!/usr/bin/env bash
# The main job: lint the example bucket policies in policies/ (builds policycheck first).
# Extra arguments go to `policycheck lint`, e.g. `scripts/run.sh --format json`.
set -euo pipefail
cd "$(dirname "$0")/.."
cargo build --release --locked -p policycheck-cli --quiet
exec target/release/policycheck lint policies/ "$@"
