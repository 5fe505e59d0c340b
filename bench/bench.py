#!/usr/bin/env python3
"""Time policycheck, policyuniverse and parliament on the same corpora.

Usage (bench/run.sh calls it; standard library only):

    bench.py --bin PATH/TO/policycheck --timer PATH/TO/bench-timer --python VENV/bin/python \
             --corpus DIR [--corpus DIR ...] [--repeats 3] [--latency-runs 50]
             [--parliament-repeats N] [--parliament-community] [--json-out FILE]

Every command runs under bench-timer (bench/timer, a tiny Rust launcher like
GNU time): its wall time is measured around spawn/exit and its user+sys CPU
time and peak resident set size (max RSS) come from the kernel's rusage for that
child (wait4), so nothing else running on the machine is counted. (Python's own
os.wait4 is not used: a child inherits the launching Python process's resident
set as the floor of its max RSS.) Each measurement is repeated and the best (lowest)
wall and CPU times are kept; peak RSS is the highest seen. The repeats are
interleaved (policycheck, policyuniverse, parliament, policycheck, ...) so a
burst of load from other processes does not hit one tool only.
"""
import argparse
import collections
import datetime
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))

TARGET_LINT_10K_S = 0.3
TARGET_VS_POLICYUNIVERSE = 5.0
TARGET_VS_PARLIAMENT = 50.0
TARGET_SINGLE_FILE_MS = 10.0
TARGET_RSS_GROWTH = 1.5  # "flat": peak RSS at 10x the files at most 1.5x higher ...
TARGET_RSS_SLACK_KB = 10 * 1024  # ... or at most 10 MB higher (small figures make ratios noisy)


class Run:
    def __init__(self, wall, user, sys_, maxrss_kb, code):
        self.wall, self.user, self.sys, self.maxrss_kb, self.code = wall, user, sys_, maxrss_kb, code

    @property
    def cpu(self):
        return self.user + self.sys


TIMER = None  # bench-timer binary (bench/timer), set in main()


def run(cmd, stdout=None, ok=(0,), cwd=None):
    """Run cmd under bench-timer; return a Run. stdout: a path to write standard output to, else /dev/null."""
    with tempfile.TemporaryFile() as err, tempfile.NamedTemporaryFile("r") as meas, \
            (open(stdout, "wb") if stdout else open(os.devnull, "wb")) as out:
        rc = subprocess.call([TIMER, meas.name, "--", *cmd], stdout=out, stderr=err,
                             stdin=subprocess.DEVNULL, cwd=cwd)
        fields = meas.read().split()
        code = int(fields[4]) if rc == 0 and len(fields) == 5 else None
        if code not in ok:
            err.seek(0)
            sys.exit(f"bench: {' '.join(cmd)} exited {code if code is not None else rc}:\n"
                     f"{err.read().decode(errors='replace')[-4000:]}")
    wall, user, sys_, maxrss = float(fields[0]), float(fields[1]), float(fields[2]), int(fields[3])
    return Run(wall, user, sys_, maxrss, code)


def best(runs):
    return {
        "wall_s": min(r.wall for r in runs),
        "cpu_s": min(r.cpu for r in runs),
        "user_s": min(r.user for r in runs),
        "sys_s": min(r.sys for r in runs),
        "peak_rss_kb": max(r.maxrss_kb for r in runs),
        "runs": [{"wall_s": r.wall, "user_s": r.user, "sys_s": r.sys, "maxrss_kb": r.maxrss_kb} for r in runs],
    }


def count_files(corpus):
    return sum(1 for e in os.scandir(corpus) if e.name.endswith(".json"))


def policycheck_answers(report_path):
    """What policycheck answers, from its --format json report."""
    with open(report_path, encoding="utf-8") as f:
        report = json.load(f)
    verdicts = collections.Counter()
    public, witnessed, deny_aware, codes = set(), 0, 0, collections.Counter()
    witnesses = {}
    for entry in report["files"]:
        name = os.path.basename(entry["path"])
        access = entry.get("access") or {}
        verdicts[access.get("verdict", "none")] += 1
        if access.get("verdict") == "public":
            public.add(name)
            witnessed += bool(access.get("witnesses"))
            if access.get("witnesses"):
                witnesses[name] = access["witnesses"][0]
        roles = {r.get("role") for level in (access.get("details") or {}).values()
                 for r in level.get("reasons", [])}
        deny_aware += bool(roles & {"denies", "pinned-by-deny"})
        for finding in entry.get("findings", []):
            codes[f"{finding['code']} {finding['name']}"] += 1
    return {
        "summary": report["summary"],
        "verdicts": dict(verdicts),
        "public_files": sorted(public),
        "witnesses": witnesses,
        "public_with_witness": witnessed,
        "files_restricted_by_deny": deny_aware,
        "rules_fired": dict(codes.most_common()),
    }


def replay_witnesses(binary, corpus, witnesses, scratch, sample=25):
    """Replay a sample of witness requests with `policycheck eval`; count those decided Allow."""
    names = sorted(witnesses)
    if len(names) > sample:
        names = [names[i * len(names) // sample] for i in range(sample)]
    allowed = []
    for name in names:
        req = os.path.join(scratch, "witness.json")
        with open(req, "w") as f:
            json.dump(witnesses[name], f)
        res = subprocess.run([binary, "eval", os.path.join(corpus, name), "--request", req, "--format", "json"],
                             capture_output=True, text=True)
        try:
            ok = res.returncode == 0 and json.loads(res.stdout)["decision"] == "Allow"
        except (ValueError, KeyError):
            ok = False
        if ok:
            allowed.append(name)
    return {"replayed": len(names), "allowed": len(allowed),
            "not_allowed": sorted(set(names) - set(allowed))}


def latency(binary, policy, runs, extra, workdir):
    """Median/p90/min wall (ms) and median CPU (ms) of `policycheck lint POLICY` over runs."""
    cmd = [binary, "lint", policy, *extra]
    for _ in range(5):  # warm the page cache and the dynamic loader
        run(cmd, ok=(0, 1), cwd=workdir)
    samples = [run(cmd, ok=(0, 1), cwd=workdir) for _ in range(runs)]
    walls = sorted(r.wall * 1e3 for r in samples)
    return {
        "command": "policycheck lint " + " ".join([os.path.basename(policy), *extra]),
        "runs": runs,
        "median_ms": statistics.median(walls),
        "p90_ms": walls[min(len(walls) - 1, int(round(0.9 * (len(walls) - 1))))],
        "min_ms": walls[0],
        "median_cpu_ms": statistics.median(r.cpu * 1e3 for r in samples),
        "peak_rss_kb": max(r.maxrss_kb for r in samples),
    }


def machine():
    info = {
        "date": datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d %H:%M UTC"),
        "cpus": os.cpu_count(),
        "platform": platform.platform(),
        "python": platform.python_version(),
    }
    try:
        with open("/proc/cpuinfo") as f:
            models = [line.split(":", 1)[1].strip() for line in f if line.startswith("model name")]
        info["cpu_model"] = models[0] if models else "?"
    except OSError:
        pass
    try:
        with open("/proc/meminfo") as f:
            info["mem_total"] = f.readline().split(":", 1)[1].strip()
    except OSError:
        pass
    return info


def git_revision():
    try:
        rev = subprocess.run(["git", "-C", HERE, "rev-parse", "--short", "HEAD"],
                             capture_output=True, text=True, check=True).stdout.strip()
        dirty = subprocess.run(["git", "-C", HERE, "status", "--porcelain", "--", "../crates"],
                               capture_output=True, text=True).stdout.strip()
        return rev + ("+uncommitted changes in crates/" if dirty else "")
    except (OSError, subprocess.CalledProcessError):
        return "?"


def fmt_s(x):
    return f"{x:.3f}" if x < 10 else f"{x:.1f}"


def fmt_mb(kb):
    return f"{kb / 1024:.0f} MB" if kb >= 10240 else f"{kb / 1024:.1f} MB"


def fmt_ratio(x, pc):
    return f"{x / pc:.1f}x" if pc > 0 else "-"


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--bin", required=True, help="the policycheck release binary")
    ap.add_argument("--timer", required=True, help="the bench-timer binary (cargo build --release in bench/timer)")
    ap.add_argument("--python", required=True, help="python of the virtualenv with policyuniverse and parliament")
    ap.add_argument("--corpus", action="append", required=True, help="a corpus directory (repeatable)")
    ap.add_argument("--repeats", type=int, default=3)
    ap.add_argument("--parliament-repeats", type=int, default=None,
                    help="repeats for parliament (default: --repeats); it takes minutes per 10,000 files")
    ap.add_argument("--parliament-community", action="store_true", help="also run parliament's community auditors")
    ap.add_argument("--latency-runs", type=int, default=50)
    ap.add_argument("--json-out", help="write every measurement to this file")
    args = ap.parse_args()
    global TIMER
    TIMER = os.path.abspath(args.timer)
    p_repeats = args.parliament_repeats if args.parliament_repeats is not None else args.repeats

    binary = os.path.abspath(args.bin)
    version = subprocess.run([binary, "--version"], capture_output=True, text=True).stdout.strip()
    tools_versions = json.loads(subprocess.run(
        [args.python, "-c", "import json;from importlib.metadata import version as v;"
         "print(json.dumps({p: v(p) for p in ('policyuniverse', 'parliament')}))"],
        capture_output=True, text=True, check=True).stdout)
    rules = subprocess.run([binary, "rules"], capture_output=True, text=True).stdout
    rule_count = sum(1 for line in rules.splitlines() if line.startswith("PC"))
    scratch = tempfile.mkdtemp(prefix="policycheck-bench-")
    results = {"machine": machine(), "policycheck": version, "revision": git_revision(),
               "tools": tools_versions, "rules": rule_count, "repeats": args.repeats, "parliament_repeats": p_repeats,
               "load_before": os.getloadavg(), "sizes": []}
    print(f"policycheck: {version} ({results['revision']}), policyuniverse {tools_versions['policyuniverse']}, "
          f"parliament {tools_versions['parliament']}", file=sys.stderr)
    print(f"machine: {results['machine'].get('cpu_model', '?')}, {results['machine']['cpus']} CPUs, "
          f"load average {' '.join(f'{x:.2f}' for x in results['load_before'])}", file=sys.stderr)

    try:
        for corpus in args.corpus:
            corpus = os.path.abspath(corpus)
            n = count_files(corpus)
            size = sum(e.stat().st_size for e in os.scandir(corpus) if e.name.endswith(".json"))
            print(f"\n== {n} files ({size / 1e6:.1f} MB) in {corpus}", file=sys.stderr)
            pc_cmd = [binary, "lint", corpus, "--format", "json", "--no-config"]
            pu_cmd = [args.python, os.path.join(HERE, "pu_check.py"), corpus]
            pa_cmd = [args.python, os.path.join(HERE, "parliament_check.py"), corpus]
            if args.parliament_community:
                pa_cmd.append("--community")

            # What each tool answers (one untimed policycheck run writes its report).
            report_path = os.path.join(scratch, f"policycheck-{n}.json")
            run(pc_cmd, stdout=report_path, ok=(0, 1))
            pc_answers = policycheck_answers(report_path)
            os.remove(report_path)

            timings = {"policycheck": [], "policyuniverse": [], "parliament": []}
            loops = {"policyuniverse": [], "parliament": []}
            outputs = {}
            for rep in range(max(args.repeats, p_repeats)):
                if rep < args.repeats:
                    timings["policycheck"].append(run(pc_cmd, ok=(0, 1)))
                    print(f"  policycheck    run {rep + 1}: {timings['policycheck'][-1].wall:.3f} s", file=sys.stderr)
                    out = os.path.join(scratch, "pu.json")
                    timings["policyuniverse"].append(run(pu_cmd, stdout=out))
                    with open(out) as f:
                        outputs["policyuniverse"] = json.load(f)
                    loops["policyuniverse"].append(outputs["policyuniverse"])
                    print(f"  policyuniverse run {rep + 1}: {timings['policyuniverse'][-1].wall:.3f} s", file=sys.stderr)
                if rep < p_repeats:
                    out = os.path.join(scratch, "pa.json")
                    timings["parliament"].append(run(pa_cmd, stdout=out))
                    with open(out) as f:
                        outputs["parliament"] = json.load(f)
                    loops["parliament"].append(outputs["parliament"])
                    print(f"  parliament     run {rep + 1}: {timings['parliament'][-1].wall:.3f} s", file=sys.stderr)

            # The same lint without a report (exit code only): tells the analysis's own memory
            # apart from the memory of the JSON report a run holds.
            quiet = run([binary, "lint", corpus, "--no-config", "-qq"], ok=(0, 1))
            print(f"  policycheck -qq      : {quiet.wall:.3f} s", file=sys.stderr)

            entry = {"files": n, "bytes": size, "corpus": corpus,
                     "policycheck_qq": {"wall_s": quiet.wall, "cpu_s": quiet.cpu, "peak_rss_kb": quiet.maxrss_kb}}
            for tool, runs in timings.items():
                if runs:
                    entry[tool] = best(runs)
            for tool, outs in loops.items():
                if outs:
                    entry[tool]["loop_wall_s"] = min(o["loop_wall_s"] for o in outs)
                    entry[tool]["loop_cpu_s"] = min(o["loop_cpu_s"] for o in outs)
                    entry[tool]["import_s"] = min(o["import_s"] for o in outs)
                    entry[tool]["errors"] = outs[-1]["errors"][:20]
                    entry[tool]["error_count"] = len(outs[-1]["errors"])

            pc_public = set(pc_answers.pop("public_files"))
            pc_answers["witness_replay"] = replay_witnesses(binary, corpus, pc_answers.pop("witnesses"), scratch)
            entry["policycheck"]["answers"] = pc_answers
            if "policyuniverse" in outputs:
                pu_public = set(outputs["policyuniverse"]["public"])
                entry["policyuniverse"]["answers"] = {
                    "internet_accessible": len(pu_public),
                    "both_public": len(pu_public & pc_public),
                    "only_policyuniverse": len(pu_public - pc_public),
                    "only_policycheck": len(pc_public - pu_public),
                    "examples_only_policyuniverse": sorted(pu_public - pc_public)[:5],
                    "examples_only_policycheck": sorted(pc_public - pu_public)[:5],
                }
            if "parliament" in outputs:
                o = outputs["parliament"]
                entry["parliament"]["answers"] = {k: o[k] for k in (
                    "files_with_findings", "findings", "by_issue", "by_severity", "community_auditors")}
            results["sizes"].append(entry)

        # Single-file latency: the largest policy of the first corpus (most statements).
        first = os.path.abspath(args.corpus[0])
        one_src = max((e for e in os.scandir(first) if e.name.endswith(".json")), key=lambda e: e.stat().st_size)
        workdir = os.path.join(scratch, "one")
        os.makedirs(workdir)
        one = os.path.join(workdir, "one.json")
        shutil.copyfile(one_src.path, one)
        with open(one) as f:
            statements = len(json.load(f)["Statement"])
        print(f"\n== single-file latency ({one_src.name}, {statements} statements, "
              f"{os.path.getsize(one)} bytes), {args.latency_runs} runs", file=sys.stderr)
        results["latency"] = {
            "file": one_src.name,
            "statements": statements,
            "bytes": os.path.getsize(one),
            "text": latency(binary, one, args.latency_runs, [], workdir),
            "json": latency(binary, one, args.latency_runs, ["--format", "json", "--no-config"], workdir),
        }
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
    results["load_after"] = os.getloadavg()

    print_report(results)
    if args.json_out:
        with open(args.json_out, "w") as f:
            json.dump(results, f, indent=1)
            f.write("\n")
    return results


def print_report(res):
    out = []
    m = res["machine"]
    out.append(f"# policycheck benchmark, {m['date']}")
    out.append("")
    out.append(f"- policycheck: {res['policycheck']} (revision {res['revision']}); "
               f"policyuniverse {res['tools']['policyuniverse']}; parliament {res['tools']['parliament']}")
    out.append(f"- machine: {m.get('cpu_model', '?')}, {m['cpus']} CPUs, {m.get('mem_total', '?')}, "
               f"Python {m['python']}; load average (1/5/15 min) before "
               f"{' '.join(f'{x:.2f}' for x in res['load_before'])}, after "
               f"{' '.join(f'{x:.2f}' for x in res['load_after'])}")
    p_runs = f"best of {res['parliament_repeats']}" if res["parliament_repeats"] else "not run"
    out.append(f"- timings: best of {res['repeats']} (parliament: {p_runs}); "
               "CPU = user + sys of the process; peak RSS = max over the runs; "
               "ratio = tool's time / policycheck's time on the same corpus (above 1x: policycheck is faster; "
               "below 1x: policycheck is slower)")
    out.append("")
    out.append("| tool | files | wall s | CPU s | peak RSS | wall ratio | CPU ratio | what it answers |")
    out.append("| --- | ---: | ---: | ---: | ---: | ---: | ---: | --- |")
    for e in res["sizes"]:
        pc = e["policycheck"]
        a = pc["answers"]
        s = a["summary"]
        pc_ans = (f"public {s.get('public')} (read {s.get('public_read')}, write {s.get('public_write')}), "
                  f"unknown {s.get('unknown')}, not-public {a['verdicts'].get('not-public', 0)}; "
                  f"{a['public_with_witness']}/{s.get('public')} public with a witness request "
                  f"({a['witness_replay']['allowed']}/{a['witness_replay']['replayed']} sampled witnesses "
                  f"replayed as Allow by `policycheck eval`); "
                  f"{a['files_restricted_by_deny']} files where a Deny restricts access; "
                  f"{s.get('findings')} findings from {len(a['rules_fired'])} of its {res.get('rules', '?')} rules")
        out.append(f"| policycheck | {e['files']} | {fmt_s(pc['wall_s'])} | {fmt_s(pc['cpu_s'])} | "
                   f"{fmt_mb(pc['peak_rss_kb'])} | 1x | 1x | {pc_ans} |")
        if "policyuniverse" in e:
            t = e["policyuniverse"]
            pa = t["answers"]
            ans = (f"internet-accessible {pa['internet_accessible']} (no read/write split, Deny ignored); "
                   f"agrees with policycheck on {pa['both_public']} public, says public where policycheck "
                   f"proves not-public: {pa['only_policyuniverse']}, misses policycheck's public: "
                   f"{pa['only_policycheck']}")
            if t.get("error_count"):
                ans += f"; crashed on {t['error_count']} files"
            out.append(f"| policyuniverse | {e['files']} | {fmt_s(t['wall_s'])} | {fmt_s(t['cpu_s'])} | "
                       f"{fmt_mb(t['peak_rss_kb'])} | {fmt_ratio(t['wall_s'], pc['wall_s'])} | "
                       f"{fmt_ratio(t['cpu_s'], pc['cpu_s'])} | {ans} |")
            out.append(f"| policyuniverse, loop only | {e['files']} | {fmt_s(t['loop_wall_s'])} | "
                       f"{fmt_s(t['loop_cpu_s'])} | | {fmt_ratio(t['loop_wall_s'], pc['wall_s'])} | "
                       f"{fmt_ratio(t['loop_cpu_s'], pc['cpu_s'])} | (import {t['import_s']:.2f} s excluded) |")
        if "parliament" in e:
            t = e["parliament"]
            pa = t["answers"]
            issues = ", ".join(f"{k} {v}" for k, v in list(pa["by_issue"].items())[:4])
            ans = (f"no public-access answer; {pa['findings']} findings in {pa['files_with_findings']} files "
                   f"({issues})")
            if t.get("error_count"):
                ans += f"; crashed on {t['error_count']} files"
            out.append(f"| parliament | {e['files']} | {fmt_s(t['wall_s'])} | {fmt_s(t['cpu_s'])} | "
                       f"{fmt_mb(t['peak_rss_kb'])} | {fmt_ratio(t['wall_s'], pc['wall_s'])} | "
                       f"{fmt_ratio(t['cpu_s'], pc['cpu_s'])} | {ans} |")
            out.append(f"| parliament, loop only | {e['files']} | {fmt_s(t['loop_wall_s'])} | "
                       f"{fmt_s(t['loop_cpu_s'])} | | {fmt_ratio(t['loop_wall_s'], pc['wall_s'])} | "
                       f"{fmt_ratio(t['loop_cpu_s'], pc['cpu_s'])} | (import {t['import_s']:.2f} s excluded) |")

    out.append("")
    out.append("policycheck peak memory (max RSS) as the corpus grows:")
    out.append("")
    out.append("| files | MB of policies | `--format json` (report to /dev/null) | `-qq` (exit code only), one run |")
    out.append("| ---: | ---: | ---: | ---: |")
    for e in res["sizes"]:
        q = e["policycheck_qq"]
        out.append(f"| {e['files']} | {e['bytes'] / 1e6:.1f} | {fmt_mb(e['policycheck']['peak_rss_kb'])} | "
                   f"{fmt_mb(q['peak_rss_kb'])} ({q['wall_s']:.3f} s wall, {q['cpu_s']:.3f} s CPU) |")

    lat = res["latency"]
    out.append("")
    out.append(f"Single-file lint ({lat['file']}, {lat['statements']} statements, {lat['bytes']} bytes; "
               f"{lat['text']['runs']} runs after 5 warm-ups):")
    out.append("")
    out.append("| command | median | p90 | min | median CPU | peak RSS |")
    out.append("| --- | ---: | ---: | ---: | ---: | ---: |")
    for k in ("text", "json"):
        x = lat[k]
        out.append(f"| `{x['command']}` | {x['median_ms']:.1f} ms | {x['p90_ms']:.1f} ms | {x['min_ms']:.1f} ms | "
                   f"{x['median_cpu_ms']:.1f} ms | {fmt_mb(x['peak_rss_kb'])} |")

    # Targets of issue 3.
    out.append("")
    out.append("Targets (issue 3):")
    out.append("")
    by_n = {e["files"]: e for e in res["sizes"]}
    big = by_n.get(10000) or res["sizes"][-1]
    pc = big["policycheck"]

    def verdict(ok):
        return "MET" if ok else "NOT MET"

    if big["files"] == 10000:
        out.append(f"- lint 10,000 files in < {TARGET_LINT_10K_S} s wall: {pc['wall_s']:.3f} s wall "
                   f"({pc['cpu_s']:.3f} s CPU) -> {verdict(pc['wall_s'] < TARGET_LINT_10K_S)}")
    else:
        out.append(f"- lint 10,000 files in < {TARGET_LINT_10K_S} s wall: not measured (largest corpus: "
                   f"{big['files']} files, {pc['wall_s']:.3f} s wall)")
    if "policyuniverse" in big:
        t = big["policyuniverse"]
        r, rl = t["wall_s"] / pc["wall_s"], t["loop_wall_s"] / pc["wall_s"]
        out.append(f"- >= {TARGET_VS_POLICYUNIVERSE:.0f}x faster than policyuniverse: {r:.1f}x whole process, "
                   f"{rl:.1f}x against its analysis loop alone, {t['cpu_s'] / pc['cpu_s']:.1f}x in CPU -> "
                   f"{verdict(r >= TARGET_VS_POLICYUNIVERSE)} (whole process)"
                   f"{'' if (rl >= TARGET_VS_POLICYUNIVERSE) == (r >= TARGET_VS_POLICYUNIVERSE) else f', {verdict(rl >= TARGET_VS_POLICYUNIVERSE)} (loop only)'}")
    if "parliament" in big:
        t = big["parliament"]
        r, rl = t["wall_s"] / pc["wall_s"], t["loop_wall_s"] / pc["wall_s"]
        out.append(f"- >= {TARGET_VS_PARLIAMENT:.0f}x faster than parliament: {r:.1f}x whole process, "
                   f"{rl:.1f}x against its analysis loop alone, {t['cpu_s'] / pc['cpu_s']:.1f}x in CPU -> "
                   f"{verdict(r >= TARGET_VS_PARLIAMENT)} (whole process)"
                   f"{'' if (rl >= TARGET_VS_PARLIAMENT) == (r >= TARGET_VS_PARLIAMENT) else f', {verdict(rl >= TARGET_VS_PARLIAMENT)} (loop only)'}")
    if len(res["sizes"]) > 1:
        small = res["sizes"][0]
        a, b = small["policycheck"]["peak_rss_kb"], big["policycheck"]["peak_rss_kb"]
        out.append(f"- flat peak memory: {fmt_mb(a)} at {small['files']} files, {fmt_mb(b)} at {big['files']} "
                   f"files ({b / a:.2f}x; flat means <= {TARGET_RSS_GROWTH}x or <= {TARGET_RSS_SLACK_KB // 1024} MB more) -> "
                   f"{verdict(b <= TARGET_RSS_GROWTH * a or b - a <= TARGET_RSS_SLACK_KB)}")
    x = lat["text"]
    out.append(f"- single-file lint < {TARGET_SINGLE_FILE_MS:.0f} ms: median {x['median_ms']:.1f} ms "
               f"(p90 {x['p90_ms']:.1f} ms) -> {verdict(x['median_ms'] < TARGET_SINGLE_FILE_MS)}")
    print("\n".join(out))


if __name__ == "__main__":
    main()
