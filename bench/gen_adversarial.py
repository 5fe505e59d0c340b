#!/usr/bin/env python3
"""Adversarial bucket policies for the public-access analysis's worst cases.

Usage: python3 bench/gen_adversarial.py OUT_DIR [COUNT]   (default 40, a00.json ...)

Each policy has 10-30 statements mixing Allow and Deny, every principal form, NotPrincipal
and NotResource, variables in Resource, and up to four conditions per statement on keys
that describe the caller (aws:username, aws:userid, aws:PrincipalArn, principal tags),
which the search must fit to one real caller. Deterministic: policy n uses seed n.
Not the speed corpus of issue 3 (gen_corpus.py): these bound the time of one file.
"""
import json
import os
import random
import sys

KEYS = ['aws:Referer', 'aws:UserAgent', 's3:x-amz-acl', 'aws:SourceVpce', 's3:prefix',
        'aws:PrincipalTag/team', 'aws:RequestTag/env', 'aws:SourceIp', 'aws:PrincipalArn',
        'aws:PrincipalAccount', 'aws:userid', 'aws:username', 'aws:CurrentTime',
        's3:max-keys', 'aws:TagKeys', 'aws:SourceArn', 'aws:PrincipalOrgID']
VALUES = {
    'aws:SourceIp': ['10.0.0.0/8', '0.0.0.0/1', '203.0.113.0/24', '2001:db8::/32'],
    'aws:CurrentTime': ['2024-01-01T00:00:00Z', '2030-01-01'],
    's3:max-keys': ['10', '1000'],
    'aws:PrincipalArn': ['arn:aws:iam::111122223333:role/*', 'arn:aws:iam::*:role/R',
                         'arn:aws:iam::444455556666:user/${aws:username}'],
    'aws:PrincipalAccount': ['111122223333', '44445555*'],
    'aws:userid': ['AROAX:*', '*:bob', '${aws:username}'],
    'aws:SourceArn': ['arn:aws:cloudfront::111122223333:distribution/E*',
                      'arn:aws:cloudfront::111122223333:distribution/E1'],
    'aws:PrincipalOrgID': ['o-abc', 'o-*'],
}
TEXT = ['*a*', 'b*', '*c', 'x?y*', 'prod', 'dev*', 'a*b*c', 'vpce-1', '${aws:username}*']
STRING_OPS = ['StringLike', 'StringNotLike', 'StringEquals', 'StringNotEquals',
              'StringNotLikeIfExists', 'ForAnyValue:StringLike', 'ForAllValues:StringNotLike',
              'StringEqualsIgnoreCase']
OPS = {
    'aws:SourceIp': ['IpAddress', 'NotIpAddress', 'NotIpAddressIfExists'],
    'aws:CurrentTime': ['DateLessThan', 'DateGreaterThan'],
    's3:max-keys': ['NumericLessThan', 'NumericGreaterThanEquals'],
    'aws:PrincipalArn': ['ArnLike', 'ArnNotLike', 'ArnNotEquals'],
}
RESOURCES = ['arn:aws:s3:::b/*', 'arn:aws:s3:::b', 'arn:aws:s3:::b/p*/*',
             'arn:aws:s3:::b/home/${aws:username}/*', 'arn:aws:s3:::b/${aws:userid}/*',
             'arn:aws:s3:::b*', '*', 'arn:aws:s3:::b/?/x*']
PRINCIPALS = ['*', {'AWS': '*'}, {'AWS': 'arn:aws:iam::111122223333:root'},
              {'AWS': ['111122223333', 'arn:aws:iam::444455556666:role/R']},
              {'Service': 'cloudfront.amazonaws.com'}, {'CanonicalUser': 'abc'}]
ACTIONS = ['s3:GetObject', 's3:PutObject', 's3:*', 's3:List*', 's3:Get*', 's3:PutBucketPolicy',
           's3:*Object*', ['s3:GetObject', 's3:PutObjectAcl', 's3:DeleteObject']]


def policy(n):
    rnd = random.Random(n)
    statements = []
    for i in range(rnd.randint(10, 30)):
        cond = {}
        for k in rnd.sample(KEYS, rnd.randint(0, 4)):
            pool = VALUES.get(k, TEXT)
            op = rnd.choice(OPS.get(k, STRING_OPS))
            cond.setdefault(op, {})[k] = rnd.sample(pool, rnd.randint(1, min(2, len(pool))))
        st = {'Sid': f'S{i}', 'Effect': rnd.choice(['Allow', 'Deny']), 'Action': rnd.choice(ACTIONS)}
        if rnd.random() < 0.15:
            st['NotPrincipal'] = rnd.choice(PRINCIPALS[2:4])
        else:
            st['Principal'] = rnd.choice(PRINCIPALS)
        if rnd.random() < 0.15:
            st['NotResource'] = rnd.choice(RESOURCES)
        else:
            st['Resource'] = rnd.sample(RESOURCES, rnd.randint(1, 3))
        if cond:
            st['Condition'] = cond
        statements.append(st)
    return {'Version': '2012-10-17', 'Statement': statements}


def main():
    out = sys.argv[1]
    count = int(sys.argv[2]) if len(sys.argv) > 2 else 40
    os.makedirs(out, exist_ok=True)
    for n in range(count):
        with open(os.path.join(out, f'a{n:02d}.json'), 'w') as f:
            json.dump(policy(n), f, indent=1)


if __name__ == '__main__':
    main()
