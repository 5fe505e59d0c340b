#!/usr/bin/env python3
"""parliament's analysis over a directory of policies.

Usage: parliament_check.py DIR [--community]

For every *.json file in DIR (sorted by name): read the text and call
parliament.analyze_policy_string(text, path), then give each finding its
severity and title from parliament's config (what its CLI does before printing).

parliament 1.6.x has no policy-type switch: analyze_policy_string accepts
resource policies (Principal/NotPrincipal are checked by Statement) and applies
the same auditors to every policy. By default this runs what parliament's CLI
runs by default (its built-in checks plus private auditors, of which the
package ships none); --community adds the community auditors
(--include-community-auditors in the CLI).

Prints one JSON object on stdout: the tool version, import time, the loop's
wall and CPU time, and counts of findings by issue and severity.
"""
import collections
import json
import logging
import os
import sys
import time
import warnings

T0 = time.perf_counter()
warnings.filterwarnings("ignore")  # pkg_resources deprecation noise from parliament's import
from importlib.metadata import version  # noqa: E402

import parliament  # noqa: E402

T_IMPORT = time.perf_counter() - T0


def main():
    corpus = sys.argv[1]
    community = "--community" in sys.argv[2:]
    for noisy in ("botocore", "boto3", "urllib3"):  # as parliament's CLI does
        logging.getLogger(noisy).setLevel(logging.CRITICAL)
    if community:
        from pathlib import Path

        parliament.override_config(
            Path(parliament.__file__).parent / "community_auditors" / "config_override.yaml")
    wall0, cpu0 = time.perf_counter(), time.process_time()
    names = sorted(e.name for e in os.scandir(corpus) if e.name.endswith(".json"))
    by_issue, by_severity = collections.Counter(), collections.Counter()
    with_findings, errors = 0, []
    for name in names:
        path = os.path.join(corpus, name)
        try:
            with open(path, encoding="utf-8") as f:
                text = f.read()
            policy = parliament.analyze_policy_string(
                text, path, include_community_auditors=community)
            findings = [parliament.enhance_finding(x) for x in policy.findings]
        except Exception as e:  # a crash on one file must not stop the run
            errors.append(f"{name}: {type(e).__name__}: {e}")
            continue
        with_findings += bool(findings)
        for x in findings:
            by_issue[x.issue] += 1
            by_severity[x.severity] += 1
    loop_wall, loop_cpu = time.perf_counter() - wall0, time.process_time() - cpu0
    json.dump({
        "tool": "parliament",
        "version": version("parliament"),
        "community_auditors": community,
        "files": len(names),
        "import_s": T_IMPORT,
        "loop_wall_s": loop_wall,
        "loop_cpu_s": loop_cpu,
        "files_with_findings": with_findings,
        "findings": sum(by_issue.values()),
        "by_issue": dict(by_issue.most_common()),
        "by_severity": dict(by_severity.most_common()),
        "errors": errors,
    }, sys.stdout)


if __name__ == "__main__":
    main()
