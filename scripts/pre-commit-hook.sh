#!/usr/bin/env bash
# The `policycheck` pre-commit hook (.pre-commit-hooks.yaml). pre-commit's `rust` language
# runs `cargo install --path .`, which a workspace's virtual manifest refuses, so this
# hook builds the CLI of the checkout pre-commit made (once: cargo keeps it in that
# checkout's target/) and lints the files pre-commit names.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
bin="$root/target/release/policycheck"
if [ ! -x "$bin" ]; then
  echo "policycheck: building the hook's binary once (cargo build --release)" >&2
  cargo build --release --locked --quiet --manifest-path "$root/Cargo.toml" -p policycheck-cli >&2
fi
exec "$bin" lint --force-exclude "$@"
