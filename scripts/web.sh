#!/usr/bin/env bash
# Builds the web page's engine (WASM) and runs the web tests. Works on a fresh machine
# with only the Rust toolchain, Node 20/npm and Python 3: it installs the wasm target,
# wasm-bindgen-cli (at exactly the version in Cargo.lock), Debian's Chromium and the
# npm packages (web/package-lock.json: playwright-core, binaryen's wasm-opt, …) itself.
#
#   scripts/web.sh [build]   web/pkg (ES module for the page) and web/pkg-node (Node tests)
#   scripts/web.sh test      build, build the CLI, then node --test web/tests/
#
# Size: the WASM is built without the rules' Markdown docs (policycheck-lint's `docs`
# feature is off in crates/wasm), then shrunk with `wasm-opt -Oz` (binaryen, from npm).
# The build fails when web/pkg/policycheck_wasm_bg.wasm reaches the 500 KB target of
# issue 4 (500,000 bytes; a guard against regressions).
#
# Serve the page with `python3 -m http.server 8000 --directory web` and open
# http://127.0.0.1:8000/ (file:// does not work: browsers refuse to fetch WASM from it).
set -euo pipefail
cd "$(dirname "$0")/.."

step() { printf '\n==> %s\n' "$*"; }

WASM_LIMIT=500000  # issue 4: under 500 KB before gzip; the build fails at this size
now() { date +%s; }

TARGET_DIR="${CARGO_TARGET_DIR:-target}"
WASM="$TARGET_DIR/wasm32-unknown-unknown/release/policycheck_wasm.wasm"

# Size settings for the WASM build only (the CLI keeps the release profile of
# Cargo.toml): a package profile cannot set `lto`, and `opt-level` there covers only
# policycheck-wasm itself, not core, lint and serde_json, which are most of the code.
wasm_build_env=(
  CARGO_PROFILE_RELEASE_OPT_LEVEL=z
  CARGO_PROFILE_RELEASE_LTO=true
  CARGO_PROFILE_RELEASE_CODEGEN_UNITS=1
  CARGO_PROFILE_RELEASE_DEBUG=false
)

# npm packages of web/ (wasm-opt for the build, playwright-core and the validators for
# the tests), installed with `npm ci` from the lock file unless they already are.
npm_deps() {
  local want have
  want=$(node -p 'require("./web/package-lock.json").packages["node_modules/binaryen"].version')
  have=$(node -p 'try { require("./web/node_modules/binaryen/package.json").version } catch { "" }')
  if [ "$want" != "$have" ] || [ ! -d web/node_modules/playwright-core ] || [ "${1:-}" = always ]; then
    step "npm ci (web/)"
    (cd web && PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1 npm ci --no-audit --no-fund)
  fi
}

build() {
  local t0
  t0=$(now)
  npm_deps
  step "rustup target add wasm32-unknown-unknown"
  rustup target add wasm32-unknown-unknown

  step "wasm-bindgen-cli at the version in Cargo.lock"
  local wb_ver
  wb_ver=$(awk '/^name = "wasm-bindgen"$/ { getline; gsub(/"/, "", $3); print $3; exit }' Cargo.lock)
  if [ -z "$wb_ver" ]; then
    echo "error: no wasm-bindgen in Cargo.lock" >&2
    exit 1
  fi
  if [ "$(wasm-bindgen --version 2>/dev/null || true)" != "wasm-bindgen $wb_ver" ]; then
    echo "installing wasm-bindgen-cli $wb_ver (found: $(wasm-bindgen --version 2>/dev/null || echo none))"
    cargo install wasm-bindgen-cli --version "$wb_ver"
  fi
  wasm-bindgen --version

  step "cargo build -p policycheck-wasm --release --target wasm32-unknown-unknown"
  env "${wasm_build_env[@]}" cargo build -p policycheck-wasm --release --target wasm32-unknown-unknown --locked
  # core's `str` searcher brings the bad-slice panic message and `char`'s Debug with it
  # (10 KB): substring search goes through policycheck_core::text (see its docs). The
  # name section is still there at this point.
  if grep -q -a 'StrSearcher' "$WASM"; then
    echo "error: the WASM links core's StrSearcher: a \`&str\`-pattern contains/find/replace/split, or contains(char), crept in; use policycheck_core::text::StrFind" >&2
    exit 1
  fi
  if grep -q -a 'slice_error_fail' "$WASM"; then
    echo "error: the WASM links the panic of a bad \`str\` slice: index a \`str\` with .get(..) or split_at_checked, not [..] or split_at" >&2
    exit 1
  fi

  step "wasm-bindgen: web/pkg (--target web) and web/pkg-node (--target nodejs)"
  rm -rf web/pkg web/pkg-node
  local strip=(--remove-name-section --remove-producers-section)
  wasm-bindgen "${strip[@]}" --target web --out-dir web/pkg "$WASM"
  wasm-bindgen "${strip[@]}" --target nodejs --out-dir web/pkg-node "$WASM"
  # --target nodejs is CommonJS, and web/package.json says "type": "module".
  printf '{"type": "commonjs"}\n' > web/pkg-node/package.json

  # --converge: repeat -Oz until it stops shrinking the module.
  # --low-memory-unused: let binaryen fold constant offsets into loads and stores,
  # assuming the first 1 KiB of memory is never addressed. Rust's wasm32 layout puts
  # the stack first (data from 1 MiB, the stack growing down from there), so only a
  # stack within 1 KiB of overflowing reaches it; our recursion is depth-limited.
  # --flatten --rereloop -Oz --converge: flatten the control flow, rebuild it with the
  # Relooper and shrink again; the Relooper finds simpler structures for the analysis'
  # long match-and-loop functions (about 3 KB smaller, about 10 s more per build).
  # --merge-similar-functions -Oz: one body for functions that differ only in
  # constants (generic instances), then shrink again (about 0.4 KB).
  local opt_flags=(-Oz --converge --low-memory-unused --flatten --rereloop -Oz --converge --merge-similar-functions -Oz)
  step "wasm-opt ${opt_flags[*]} (binaryen $(web/node_modules/.bin/wasm-opt --version | awk '{print $3}'))"
  local before_opt
  before_opt=$(wc -c < web/pkg/policycheck_wasm_bg.wasm)
  # Both builds, in parallel; the Node tests then run the very code the page runs.
  local f pids=()
  for f in web/pkg/policycheck_wasm_bg.wasm web/pkg-node/policycheck_wasm_bg.wasm; do
    web/node_modules/.bin/wasm-opt "${opt_flags[@]}" "$f" -o "$f.opt" && mv "$f.opt" "$f" &
    pids+=($!)
  done
  for f in "${pids[@]}"; do wait "$f"; done
  echo "wasm-bindgen output: $before_opt bytes; after wasm-opt: $(wc -c < web/pkg/policycheck_wasm_bg.wasm) bytes"

  local raw gz
  raw=$(wc -c < web/pkg/policycheck_wasm_bg.wasm)
  gz=$(gzip -9 -c web/pkg/policycheck_wasm_bg.wasm | wc -c)
  printf 'web/pkg/policycheck_wasm_bg.wasm: %s bytes (%s KiB), gzip -9: %s bytes (%s KiB)\n' \
    "$raw" "$((raw / 1024))" "$gz" "$((gz / 1024))"
  if [ "$raw" -ge "$WASM_LIMIT" ]; then
    echo "error: the WASM is $raw bytes, at or over the $WASM_LIMIT-byte limit of issue 4" >&2
    exit 1
  fi
  echo "build took $(($(now) - t0)) s"
}

ensure_chromium() {
  if [ ! -x /usr/bin/chromium ] && [ -z "${CHROMIUM_PATH:-}" ]; then
    step "apt-get install -y chromium (Debian's; never a downloaded browser)"
    local sudo=()
    [ "$(id -u)" = 0 ] || sudo=(sudo)
    "${sudo[@]}" apt-get update
    DEBIAN_FRONTEND=noninteractive "${sudo[@]}" apt-get install -y chromium
  fi
  "${CHROMIUM_PATH:-/usr/bin/chromium}" --version
}

run_tests() {
  build
  local t0
  t0=$(now)
  step "cargo build --release -p policycheck-cli (for the parity and SARIF tests)"
  cargo build --release -p policycheck-cli --locked
  export POLICYCHECK_BIN="$PWD/$TARGET_DIR/release/policycheck"
  [[ "$TARGET_DIR" = /* ]] && POLICYCHECK_BIN="$TARGET_DIR/release/policycheck"

  npm_deps

  step "Chromium"
  ensure_chromium

  step "node --test web/tests/"
  local tests=(web/tests/*.test.mjs)
  PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1 node --test "${tests[@]}"
  echo "web tests took $(($(now) - t0)) s (after the build)"
}

case "${1:-build}" in
  build) build ;;
  test) run_tests ;;
  *)
    echo "usage: scripts/web.sh [build|test]" >&2
    exit 2
    ;;
esac
