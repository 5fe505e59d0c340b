#!/usr/bin/env python3
"""Inputs for the `policycheck diff` benchmarks (bench/diff.sh).

Usage:
  gen_diff.py pairs OUT_DIR          about 20 KB OLD policy and NEW variants of it
  gen_diff.py repo OUT_DIR N CHANGED a git repository of N policies (gen_corpus.py),
                                     committed, then CHANGED of them edited in the worktree

The pair scenarios are the review cases of issue 5 on a bucket-policy-sized (20 KB)
policy: equivalent rewrites (reordered, actions split, `s3:Get*` spelled out) that must
show no new access, and changes that open access (a condition dropped, a principal widened
to "*", a Deny removed, an IP range widened past /8, a NotAction added).
Deterministic.
"""
import copy
import json
import os
import random
import subprocess
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from gen_corpus import statement  # noqa: E402

LIMIT = 20 * 1024


def size(policy):
    return len(json.dumps(policy, indent=2))


def big_policy(rng, bucket):
    """Statements from gen_corpus.py until just under 20 KB, plus the ones the
    scenarios edit: a public IP-restricted read, an org-only read and a TLS Deny."""
    fixed = [
        {"Sid": "SiteFromOfficeIps", "Effect": "Allow", "Principal": "*",
         "Action": ["s3:GetObject", "s3:GetObjectVersion"], "Resource": f"arn:aws:s3:::{bucket}/reports/*",
         "Condition": {"IpAddress": {"aws:SourceIp": ["203.0.113.0/24", "198.51.100.0/24"]}}},
        {"Sid": "OrgRead", "Effect": "Allow", "Principal": {"AWS": "*"},
         "Action": ["s3:GetObject", "s3:ListBucket"], "Resource": [f"arn:aws:s3:::{bucket}", f"arn:aws:s3:::{bucket}/*"],
         "Condition": {"StringEquals": {"aws:PrincipalOrgID": "o-a1b2c3d4e5"}}},
        {"Sid": "DenyInsecureTransport", "Effect": "Deny", "Principal": "*", "Action": "s3:*",
         "Resource": [f"arn:aws:s3:::{bucket}", f"arn:aws:s3:::{bucket}/*"],
         "Condition": {"Bool": {"aws:SecureTransport": "false"}}},
        {"Sid": "DenyUnencryptedUploads", "Effect": "Deny", "Principal": "*", "Action": "s3:PutObject",
         "Resource": f"arn:aws:s3:::{bucket}/*",
         "Condition": {"StringNotEquals": {"s3:x-amz-server-side-encryption": "aws:kms"}}},
    ]
    statements = list(fixed)
    i = 0
    while True:
        s = statement(rng, bucket, i)
        i += 1
        # gen_corpus's kind 2 (deny everything outside two random VPC endpoints) would
        # make every other statement irrelevant to outsiders; leave it out here.
        if s["Effect"] == "Deny" and "aws:SourceVpce" in json.dumps(s):
            continue
        candidate = {"Version": "2012-10-17", "Statement": statements + [s]}
        if size(candidate) > LIMIT - 200:
            break
        statements.append(s)
    return {"Version": "2012-10-17", "Id": "BigPolicy", "Statement": statements}


def by_sid(policy, sid):
    return next(s for s in policy["Statement"] if s.get("Sid") == sid)


def pairs(out):
    rng = random.Random(5)
    bucket = "big-bucket"
    old = big_policy(rng, bucket)
    os.makedirs(out, exist_ok=True)
    scenarios = {}

    p = copy.deepcopy(old)
    p["Statement"].reverse()
    scenarios["same-reordered"] = p

    p = copy.deepcopy(old)
    split = []
    for s in p["Statement"]:
        acts = s.get("Action")
        if isinstance(acts, list) and len(acts) > 1:
            for k, a in enumerate(acts):
                t = copy.deepcopy(s)
                t["Action"] = a
                if "Sid" in t:
                    t["Sid"] = f"{t['Sid']}x{k}"
                split.append(t)
        else:
            split.append(s)
    p["Statement"] = split
    scenarios["same-actions-split"] = p

    p = copy.deepcopy(old)
    del by_sid(p, "OrgRead")["Condition"]
    scenarios["condition-dropped"] = p

    p = copy.deepcopy(old)
    for s in p["Statement"]:
        if isinstance(s.get("Principal"), dict) and "arn:aws:iam::" in json.dumps(s["Principal"]) and s["Effect"] == "Allow":
            s["Principal"] = "*"
            break
    scenarios["principal-widened"] = p

    p = copy.deepcopy(old)
    p["Statement"] = [s for s in p["Statement"] if s.get("Sid") != "DenyUnencryptedUploads"]
    scenarios["deny-removed"] = p

    p = copy.deepcopy(old)
    by_sid(p, "SiteFromOfficeIps")["Condition"]["IpAddress"]["aws:SourceIp"] = ["0.0.0.0/1", "198.51.100.0/24"]
    scenarios["ip-range-widened"] = p

    p = copy.deepcopy(old)
    p["Statement"].append({"Sid": "EverythingButDelete", "Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::444455556666:root"},
                           "NotAction": "s3:DeleteObject", "Resource": f"arn:aws:s3:::{bucket}/*"})
    scenarios["notaction-added"] = p

    def write(name, policy):
        with open(os.path.join(out, name), "w") as f:
            f.write(json.dumps(policy, indent=2) + "\n")

    write("old.json", old)
    for name, policy in scenarios.items():
        write(f"{name}.json", policy)
    sizes = {name: size(p) for name, p in scenarios.items()}
    print(f"old.json {size(old)} bytes, {len(old['Statement'])} statements; "
          + ", ".join(f"{k} {v}" for k, v in sizes.items()), file=sys.stderr)


def edit(rng, policy):
    """One realistic edit: drop a condition, widen a principal, add a statement, reorder."""
    sts = policy["Statement"]
    kind = rng.randrange(4)
    with_cond = [s for s in sts if "Condition" in s and s["Effect"] == "Allow"]
    if kind == 0 and with_cond:
        del rng.choice(with_cond)["Condition"]
    elif kind == 1:
        named = [s for s in sts if isinstance(s.get("Principal"), dict) and s["Effect"] == "Allow"]
        if named:
            rng.choice(named)["Principal"] = "*"
        else:
            sts.reverse()
    elif kind == 2:
        bucket = policy.get("Id", "p")
        sts.append({"Sid": "Added", "Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::999988887777:root"},
                    "Action": "s3:GetObject", "Resource": f"arn:aws:s3:::bench-added-{bucket}/*"})
    else:
        sts.reverse()


def repo(out, n, changed):
    here = os.path.dirname(os.path.abspath(__file__))
    pol = os.path.join(out, "policies")
    subprocess.run([sys.executable, os.path.join(here, "gen_corpus.py"), pol, str(n)], check=True)
    git = ["git", "-C", out, "-c", "user.name=bench", "-c", "user.email=bench@example.invalid"]
    subprocess.run(["git", "init", "-q", out], check=True)
    subprocess.run(git + ["add", "-A"], check=True)
    subprocess.run(git + ["commit", "-q", "-m", "base"], check=True)
    rng = random.Random(11)
    names = sorted(os.listdir(pol))
    for name in rng.sample(names, changed):
        path = os.path.join(pol, name)
        with open(path) as f:
            policy = json.load(f)
        edit(rng, policy)
        with open(path, "w") as f:
            f.write(json.dumps(policy, indent=2) + "\n")
    print(f"{out}: {n} policies committed, {changed} edited in the worktree", file=sys.stderr)


def main():
    if len(sys.argv) >= 3 and sys.argv[1] == "pairs":
        pairs(sys.argv[2])
    elif len(sys.argv) >= 5 and sys.argv[1] == "repo":
        repo(sys.argv[2], int(sys.argv[3]), int(sys.argv[4]))
    else:
        print(__doc__, file=sys.stderr)
        sys.exit(2)


if __name__ == "__main__":
    main()
