#!/usr/bin/env python3
"""Write the two adversarial long-pattern policies of bench/RESULTS.md (session 9).

Usage: gen_long_patterns.py OUT_DIR

- long-patterns-analysis.json (11 KB): twelve Allow/Deny statements whose Resources are
  1,000-character patterns with five wildcards; stresses the analysis's general string
  search (patterns too long for its one-word automata).
- long-patterns-pairs.json (15 KB): fourteen Allows with such Resources, mostly shared
  pieces; stresses PC320's pattern-inclusion questions (one per pair).

Time them with `/usr/bin/time policycheck lint FILE --format json --no-config`.
"""
import json
import os
import random
import sys

ALPHA = "abcdefghijklmnopqrstuvwxyz0123456789-_."


def piece(rng, n):
    return "".join(rng.choice(ALPHA) for _ in range(n))


def analysis_policy():
    rng = random.Random(11)
    sts = []
    for i in range(12):
        parts = [piece(rng, rng.randint(50, 200)) for _ in range(6)]
        sts.append({"Sid": f"S{i}", "Effect": "Allow" if i % 2 else "Deny", "Principal": "*",
                    "Action": "s3:GetObject",
                    "Resource": "arn:aws:s3:::example-bucket/" + "*".join(parts) + "*"})
    return {"Version": "2012-10-17", "Statement": sts}


def pairs_policy():
    rng = random.Random(12)
    base = [piece(rng, 150) for _ in range(6)]
    sts = []
    for i in range(14):
        parts = [p if rng.random() < 0.8 else piece(rng, 150) for p in base]
        sts.append({"Sid": f"S{i}", "Effect": "Allow", "Principal": {"AWS": "111122223333"},
                    "Action": "s3:GetObject",
                    "Resource": "arn:aws:s3:::example-bucket/" + "*".join(parts) + "*"})
    return {"Version": "2012-10-17", "Statement": sts}


def main():
    if len(sys.argv) != 2:
        sys.exit(__doc__)
    out = sys.argv[1]
    os.makedirs(out, exist_ok=True)
    for name, policy in [("long-patterns-analysis.json", analysis_policy()),
                         ("long-patterns-pairs.json", pairs_policy())]:
        with open(os.path.join(out, name), "w") as f:
            json.dump(policy, f)


if __name__ == "__main__":
    main()
