#!/usr/bin/env bash
# Benchmark `policycheck diff` against the targets of issue 5:
#   - a diff of two 20 KB policies in under 50 ms;
#   - `policycheck diff --base REV DIR` over 1,000 files (100 changed) in under 2 s.
#
#   bash bench/diff.sh
#
# Settings: RUNS=5 (runs per measurement, the median is reported), FILES=1000,
# CHANGED=100, SKIP_BUILD=1 (use the existing release binary).
# Needs only the Rust toolchain, Python 3 and git. Prints a Markdown table.
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
root=$(dirname "$here")
RUNS=${RUNS:-5}
FILES=${FILES:-1000}
CHANGED=${CHANGED:-100}

cd "$root"
if [[ "${SKIP_BUILD:-}" != 1 ]]; then
    cargo build --release -p policycheck-cli >&2
fi
target_dir=$(cargo metadata --format-version 1 --no-deps --offline 2>/dev/null \
    | python3 -c 'import json, sys; print(json.load(sys.stdin)["target_directory"])' 2>/dev/null \
    || echo "$root/target")
bin="$target_dir/release/policycheck"
[[ -x "$bin" ]] || { echo "bench: no binary at $bin" >&2; exit 2; }

tmp=$(mktemp -d "${TMPDIR:-/tmp}/policycheck-diff-bench.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
python3 "$here/gen_diff.py" pairs "$tmp/pairs"
python3 "$here/gen_diff.py" repo "$tmp/repo" "$FILES" "$CHANGED"

# median wall seconds of RUNS runs of "$@" (output discarded; exit 0/1 are answers)
median() {
    python3 - "$RUNS" "$@" <<'PY'
import subprocess, sys, time
runs, cmd = int(sys.argv[1]), sys.argv[2:]
times = []
for _ in range(runs):
    t = time.perf_counter()
    rc = subprocess.run(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL).returncode
    times.append(time.perf_counter() - t)
    if rc not in (0, 1):
        sys.exit(f"bench: {cmd} exited {rc}")
times.sort()
print(f"{times[len(times) // 2]:.4f} {rc}")
PY
}

summary() {
    python3 - "$@" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
added = sorted({f"{a['level']} {a['caller']}" for a in d["added"]})
unknown = sorted({f"{a['level']} {a['caller']}" for a in d.get("unknown", [])})
print(("added: " + ", ".join(added) if added else "no new access")
      + ("; unknown: " + ", ".join(unknown) if unknown else ""))
PY
}

uptime_now=$(uptime | sed 's/.*load average: //')
echo "## policycheck diff, $(date -u '+%Y-%m-%d %H:%M UTC'), $(git -C "$root" rev-parse --short HEAD)"
echo
echo "load average before: $uptime_now; median of $RUNS runs, whole process (start-up included)"
echo
echo "| OLD -> NEW (about 20 KB each) | ms | reverse ms | answer (OLD -> NEW) |"
echo "| --- | ---: | ---: | --- |"
worst=0
for new in "$tmp"/pairs/*.json; do
    name=$(basename "$new" .json)
    [[ "$name" == old ]] && continue
    read -r fwd _ < <(median "$bin" diff "$tmp/pairs/old.json" "$new" --format json)
    read -r rev _ < <(median "$bin" diff "$new" "$tmp/pairs/old.json" --format json)
    "$bin" diff "$tmp/pairs/old.json" "$new" --format json > "$tmp/out.json" || true
    answer=$(summary "$tmp/out.json")
    printf '| %s | %.1f | %.1f | %s |\n' "$name" "$(python3 -c "print($fwd*1000)")" "$(python3 -c "print($rev*1000)")" "$answer"
    worst=$(python3 -c "print(max($worst, $fwd, $rev))")
done
echo
read -r base_s _ < <(cd "$tmp/repo" && median "$bin" diff --base HEAD policies --format json)
(cd "$tmp/repo" && "$bin" diff --base HEAD policies --format json > "$tmp/base.json") || true
base_summary=$(python3 -c "
import json
d = json.load(open('$tmp/base.json'))
files = d.get('files', [])
changed = [f for f in files if f.get('status') != 'unchanged']
print(f'{len(files)} files listed, {len(changed)} changed; {len(d[\"added\"])} added items, {len(d[\"removed\"])} removed, {len(d.get(\"unknown\", []))} unknown')
")
echo "| command | ms | answer |"
echo "| --- | ---: | --- |"
echo "| \`diff --base HEAD policies\` ($FILES files, $CHANGED edited) | $(python3 -c "print(f'{$base_s*1000:.0f}')") | $base_summary |"
echo
pair_ok=$(python3 -c "print('met' if $worst < 0.050 else 'NOT MET')")
base_ok=$(python3 -c "print('met' if $base_s < 2.0 else 'NOT MET')")
echo "- 20 KB pair < 50 ms: slowest median $(python3 -c "print(f'{$worst*1000:.1f}')") ms -> $pair_ok"
echo "- --base over $FILES files < 2 s: $(python3 -c "print(f'{$base_s:.2f}')") s -> $base_ok"
