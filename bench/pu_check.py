#!/usr/bin/env python3
"""policyuniverse's shallow public check over a directory of policies.

Usage: pu_check.py DIR

For every *.json file in DIR (sorted by name): read it, json.load it, and call
policyuniverse's Policy(doc).is_internet_accessible(). Prints one JSON object
on stdout: the tool version, the time spent importing, the time of the loop
alone (wall and CPU), and the names of the files it calls internet accessible.
"""
import json
import os
import sys
import time

T0 = time.perf_counter()
from importlib.metadata import version  # noqa: E402

from policyuniverse.policy import Policy  # noqa: E402

T_IMPORT = time.perf_counter() - T0


def main():
    corpus = sys.argv[1]
    wall0, cpu0 = time.perf_counter(), time.process_time()
    names = sorted(e.name for e in os.scandir(corpus) if e.name.endswith(".json"))
    public, errors = [], []
    for name in names:
        try:
            with open(os.path.join(corpus, name), "rb") as f:
                doc = json.load(f)
            if Policy(doc).is_internet_accessible():
                public.append(name)
        except Exception as e:  # a crash on one file must not stop the run
            errors.append(f"{name}: {type(e).__name__}: {e}")
    loop_wall, loop_cpu = time.perf_counter() - wall0, time.process_time() - cpu0
    json.dump({
        "tool": "policyuniverse",
        "version": version("policyuniverse"),
        "files": len(names),
        "import_s": T_IMPORT,
        "loop_wall_s": loop_wall,
        "loop_cpu_s": loop_cpu,
        "public": public,
        "errors": errors,
    }, sys.stdout)


if __name__ == "__main__":
    main()
