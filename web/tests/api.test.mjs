// The WASM API (web/pkg-node, the --target nodejs build of crates/wasm) and web/engine.js
// (the page's wrapper, over web/pkg), under Node. Build first: scripts/web.sh build.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import { readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { WEB_DIR, REPO_DIR } from './helpers.mjs';

const require = createRequire(import.meta.url);
const wasm = require(path.join(WEB_DIR, 'pkg-node', 'policycheck_wasm.js'));

const lint = (text, name = 'policy.json') => JSON.parse(wasm.lintPolicy(name, text));
const evaluate = (policy, request) =>
  JSON.parse(wasm.evaluate(policy, typeof request === 'string' ? request : JSON.stringify(request)));

const PUBLIC_READ = JSON.stringify(
  {
    Version: '2012-10-17',
    Id: 'Site 😀 policy', // an astral character before the finding shifts UTF-16 offsets
    Statement: [
      { Sid: 'Ünïcode', Effect: 'Allow', Principal: '*', Action: 's3:GetObject', Resource: 'arn:aws:s3:::example-site/*' },
    ],
  },
  null,
  2,
);

test('version is the workspace version', () => {
  const cargo = readFileSync(path.join(REPO_DIR, 'Cargo.toml'), 'utf8');
  const want = /\[workspace\.package\][^[]*?\nversion = "([^"]+)"/.exec(cargo)?.[1];
  assert.ok(want, 'workspace version in Cargo.toml');
  assert.equal(wasm.version(), want);
  // The rule set: as many rules as `policycheck rules` lists, versioned with the engine.
  assert.match(wasm.rulesVersion(), new RegExp(`^\\d+ rules, ${want.replace(/\./g, '\\.')}$`));
  assert.ok(Number(wasm.rulesVersion().split(' ')[0]) >= 50);
});

test('public read: PC101 with a UTF-16 span on "*" after an emoji', () => {
  const answer = lint(PUBLIC_READ);
  assert.equal(answer.type, 'success');
  assert.equal(answer.engine, wasm.version());
  const { report } = answer;
  assert.equal(report.path, 'policy.json');
  const f = report.findings.find((x) => x.code === 'PC101');
  assert.ok(f, `PC101 in ${JSON.stringify(report.findings.map((x) => x.code))}`);
  assert.equal(f.severity, 'error');
  assert.equal(PUBLIC_READ.slice(f.start_utf16, f.end_utf16), '"*"');
  assert.notEqual(f.start, f.start_utf16, 'bytes and UTF-16 units differ after the emoji');
  const primary = f.labels.find((l) => l.primary);
  assert.equal(PUBLIC_READ.slice(primary.start_utf16, primary.end_utf16), '"*"');
  // line/column_utf16 agree with the UTF-16 offset
  const before = PUBLIC_READ.slice(0, f.start_utf16).split('\n');
  assert.equal(f.line, before.length);
  assert.equal(f.column_utf16, before.at(-1).length + 1);
  for (const key of ['code', 'name', 'severity', 'message', 'line', 'column', 'end_line', 'end_column', 'start', 'end',
    'start_utf16', 'end_utf16', 'labels', 'url']) {
    assert.ok(key in f, `finding has ${key}`);
  }
  // the verdict
  assert.equal(report.access.verdict, 'public');
  assert.equal(report.access.read, true);
  assert.equal(report.access.write, false);
  assert.ok(report.access.witnesses.length > 0);
  assert.equal(report.access.details.read.verdict, 'public');
  assert.ok(report.access.details.read.witnesses.every((w) => w.granted_by === 'Ünïcode'));
});

test('a JSON syntax error is exactly one PC001 at the right line and column', () => {
  // line 3 lacks the comma that should follow "2012-10-17" on line 2: the parser
  // stops at the next key, line 3 column 3.
  const text = '{\n  "Version": "2012-10-17"\n  "Statement": []\n}\n';
  const { type, report } = lint(text);
  assert.equal(type, 'success');
  assert.equal(report.access, null);
  assert.deepEqual(report.findings.map((f) => f.code), ['PC001']);
  const [f] = report.findings;
  assert.equal(f.severity, 'error');
  assert.equal(f.line, 3);
  assert.equal(f.column, 3);
  assert.equal(text.slice(f.start_utf16, f.start_utf16 + 1), '"');

  // same, after a multi-byte line: the UTF-16 column counts the emoji as 2 units
  const text2 = '{"Id": "😀ü", "Version": "2012-10-17" "Statement": []}';
  const g = lint(text2).report.findings;
  assert.deepEqual(g.map((x) => x.code), ['PC001']);
  assert.equal(g[0].line, 1);
  const at = text2.indexOf('"Statement"');
  assert.equal(g[0].start_utf16, at);
  assert.equal(g[0].column_utf16, at + 1, 'UTF-16 column: the emoji counts 2');
  assert.equal(g[0].column, [...text2.slice(0, at)].length + 1, 'column in characters: the emoji counts 1');
  assert.equal(g[0].start, Buffer.byteLength(text2.slice(0, at)), 'byte offset: the emoji counts 4');
});

test('the witness from the lint report evaluates to Allow', () => {
  const { report } = lint(PUBLIC_READ);
  for (const w of [...report.access.details.read.witnesses, ...report.access.details.write.witnesses]) {
    const answer = evaluate(PUBLIC_READ, w.request);
    assert.equal(answer.type, 'success', JSON.stringify(answer));
    assert.equal(answer.evaluation.decision, 'Allow');
    assert.equal(answer.evaluation.certain, true);
    assert.deepEqual(answer.evaluation.determining, ['Ünïcode']);
    const [st] = answer.evaluation.statements;
    assert.equal(st.id, 'Ünïcode');
    assert.equal(st.applies, 'matched');
    assert.equal(answer.request.principal, w.request.principal);
    assert.deepEqual(answer.missing_context, []);
    assert.equal(typeof answer.evaluation.summary, 'string');
  }
});

test('evaluate: a condition trace and missing context', () => {
  const policy = JSON.stringify({
    Version: '2012-10-17',
    Statement: [{ Sid: 'Office', Effect: 'Allow', Principal: '*', Action: 's3:GetObject', Resource: 'arn:aws:s3:::b/*',
      Condition: { IpAddress: { 'aws:SourceIp': '203.0.113.0/24' } } }],
  });
  const out = evaluate(policy, { principal: 'anonymous', action: 's3:GetObject', resource: 'arn:aws:s3:::b/k', context: { 'aws:SourceIp': '198.51.100.7' } });
  assert.equal(out.type, 'success');
  assert.equal(out.evaluation.decision, 'ImplicitDeny');
  const [c] = out.evaluation.statements[0].conditions;
  assert.equal(c.result, 'not_matched');
  assert.equal(c.key, 'aws:SourceIp');
  assert.match(c.reason, /198\.51\.100\.7/);
  const missing = evaluate(policy, { principal: 'anonymous', action: 's3:GetObject', resource: 'arn:aws:s3:::b/k' });
  assert.deepEqual(missing.missing_context, ['aws:SourceIp']);
});

test('a bad request or policy is a failure, never a throw', () => {
  const bad = evaluate(PUBLIC_READ, '{"principal": "bob"}');
  assert.equal(bad.type, 'failure');
  assert.equal(bad.errors[0].source, 'request');
  assert.ok(bad.errors[0].diagnostic.message);
  const notJson = evaluate(PUBLIC_READ, '{');
  assert.equal(notJson.type, 'failure');
  assert.equal(notJson.errors[0].source, 'request');
  const badPolicy = evaluate('[', { principal: 'anonymous', action: 's3:GetObject', resource: 'arn:aws:s3:::b/k' });
  assert.equal(badPolicy.type, 'failure');
  assert.equal(badPolicy.errors[0].source, 'policy');
  assert.equal(badPolicy.errors[0].diagnostic.code, 'PC001');
});

test('actions(): 167 S3 actions grouped by access level', () => {
  const answer = JSON.parse(wasm.actions());
  assert.equal(answer.type, 'success');
  assert.equal(answer.actions.length, 167);
  const levels = new Map();
  for (const a of answer.actions) {
    assert.match(a.name, /^s3:[A-Za-z0-9]+$/);
    assert.ok(Array.isArray(a.resources));
    levels.set(a.level, (levels.get(a.level) ?? 0) + 1);
  }
  assert.deepEqual([...levels.keys()].sort(), ['List', 'Permissions management', 'Read', 'Tagging', 'Write']);
  assert.equal(new Set(answer.actions.map((a) => a.name)).size, 167, 'names are unique');
  assert.equal(answer.actions.find((a) => a.name === 's3:GetObject').level, 'Read');
  assert.equal(answer.actions.find((a) => a.name === 's3:PutObject').level, 'Write');
  assert.equal(answer.actions.find((a) => a.name === 's3:ListBucket').level, 'List');
  // API operations that are not actions, with the permission each needs (as the CLI says).
  const ops = new Map(answer.operations);
  assert.equal(ops.get('ListObjectsV2'), '`s3:ListBucket` (on the bucket ARN)');
  assert.ok(!answer.actions.some((a) => ops.has(a.name.slice(3))), 'no operation is also an action');
});

test('policyInfo(): buckets and typed condition keys', () => {
  const policy = JSON.stringify({
    Version: '2012-10-17',
    Statement: [
      { Effect: 'Allow', Principal: '*', Action: 's3:GetObject', Resource: ['arn:aws:s3:::site/*', 'arn:aws:s3:::other'],
        Condition: { IpAddress: { 'aws:sourceip': '203.0.113.0/24' }, Bool: { 'aws:SecureTransport': 'true' },
          'ForAnyValue:StringEquals': { 'aws:TagKeys': ['a'] }, DateGreaterThan: { 'x:custom': '2024-01-01T00:00:00Z' } } },
      { Effect: 'Deny', Principal: '*', Action: 's3:*', Resource: 'arn:aws:s3:::*' },
    ],
  });
  const info = JSON.parse(wasm.policyInfo(policy));
  assert.equal(info.type, 'success');
  assert.deepEqual(info.buckets, ['site', 'other']);
  const byKey = Object.fromEntries(info.keys.map((k) => [k.key, k]));
  assert.equal(byKey['aws:SourceIp'].type, 'IPAddress', 'canonical case from the catalogue');
  assert.equal(byKey['aws:SourceIp'].example, '203.0.113.0/24');
  assert.equal(byKey['aws:SecureTransport'].type, 'Bool');
  assert.equal(byKey['aws:TagKeys'].multivalued, true);
  assert.equal(byKey['x:custom'].type, 'Date', 'unknown key: typed by its operator');
  assert.deepEqual(JSON.parse(wasm.policyInfo('not json')), { type: 'success', buckets: [], keys: [] });
});

test('diffPolicies(): new public read with a witness After allows and Before denies; removed access; failures name the side', () => {
  const diff = (before, after) => JSON.parse(wasm.diffPolicies(before, after));
  const policy = (statements) => JSON.stringify({ Version: '2012-10-17', Statement: statements }, null, 2);
  const vpceOnly = policy([{ Sid: 'ViaEndpoint', Effect: 'Allow', Principal: '*', Action: 's3:GetObject', Resource: 'arn:aws:s3:::site/*',
    Condition: { StringEquals: { 'aws:SourceVpce': 'vpce-0a1b2c3d4e5f60718' } } }]);
  const open = policy([{ Sid: 'ViaEndpoint', Effect: 'Allow', Principal: '*', Action: 's3:GetObject', Resource: 'arn:aws:s3:::site/*' }]);

  const d = diff(vpceOnly, open);
  assert.equal(d.type, 'success');
  assert.deepEqual(d.removed, []);
  assert.deepEqual(d.unknown, []);
  assert.equal(d.added.length, 1);
  const [c] = d.added;
  assert.equal(c.caller, 'public');
  assert.equal(c.level, 'read');
  assert.deepEqual(c.statements, ['ViaEndpoint']);
  assert.deepEqual(c.access_levels, ['Read']);
  assert.ok(c.actions.includes('s3:GetObject'));
  assert.equal(evaluate(open, c.witness).evaluation.decision, 'Allow', 'After allows the witness');
  assert.notEqual(evaluate(vpceOnly, c.witness).evaluation.decision, 'Allow', 'Before denies it');

  const back = diff(open, vpceOnly);
  assert.deepEqual(back.added, []);
  assert.equal(back.removed.length, 1);
  assert.equal(evaluate(open, back.removed[0].witness).evaluation.decision, 'Allow', 'Before allowed the removed witness');

  // Equivalent: nothing either way.
  const same = diff(open, open.replace('"s3:GetObject"', '["s3:GetObject"]'));
  assert.deepEqual([same.type, same.added, same.removed, same.unknown], ['success', [], [], []]);

  // An invalid side is a failure located in that side's text, never an empty success.
  const bad = '{\n  "Version": "2012-10-17",\n  "Statement": [,]\n}';
  const f = diff(bad, open);
  assert.equal(f.type, 'failure');
  assert.equal(f.added, undefined);
  assert.deepEqual(f.errors.map((e) => e.source), ['old']);
  assert.equal(f.errors[0].diagnostic.code, 'PC001');
  assert.equal(f.errors[0].diagnostic.line, 3);
  assert.equal(bad.slice(f.errors[0].diagnostic.start_utf16, f.errors[0].diagnostic.start_utf16 + 1), ',');
  const both = diff('[', '😀');
  assert.deepEqual(both.errors.map((e) => e.source), ['old', 'new']);
});

test('garbage never throws', () => {
  const samples = [
    '',
    ' ',
    '\0',
    '\uFEFF{}',
    '\uD800', // lone surrogates: TextEncoder makes them U+FFFD on the way in
    '\uDFFF\uD800"\uDBFF',
    `{"Statement": "\uD83D"}`,
    '['.repeat(100_000),
    '{"a":'.repeat(100_000),
    ']'.repeat(100_000),
    'x'.repeat(4 * 1024 * 1024),
    `{"Version":"2012-10-17","Statement":[${Array.from({ length: 60 }, (_, i) => `{"Sid":"S${i}","Effect":"Allow","Principal":"*","Action":"s3:*","Resource":"arn:aws:s3:::b${i}/*"}`).join(',')}]}`,
    '{"Statement":[{"Effect":"Allow","Principal":"*","Action":"s3:Get*","Resource":"*","Condition":{"StringLike":{"aws:Referer":"' + '*?'.repeat(10_000) + '"}}}]}',
    '{"Version": 1e999999, "Statement": [{"Effect": "Allow", "Principal": {"AWS": [null, {}, []]}}]}',
  ];
  for (const s of samples) {
    const l = lint(s);
    assert.equal(l.type, 'success');
    assert.ok(Array.isArray(l.report.findings));
    for (const f of l.report.findings) {
      assert.ok(f.start_utf16 <= f.end_utf16 && f.end_utf16 <= s.length, `span within the text (${f.code})`);
    }
    const e = evaluate(s, s);
    assert.ok(['success', 'failure'].includes(e.type));
    const e2 = evaluate(PUBLIC_READ, s);
    assert.equal(e2.type, 'failure');
    const i = JSON.parse(wasm.policyInfo(s));
    assert.equal(i.type, 'success');
    const d = JSON.parse(wasm.diffPolicies(s, PUBLIC_READ));
    assert.ok(['success', 'failure'].includes(d.type));
  }
  // and the engine still works afterwards
  assert.equal(lint(PUBLIC_READ).report.access.verdict, 'public');
});

test('engine.js: loadEngine() over web/pkg gives parsed answers with UTF-16 trace spans', async () => {
  const { loadEngine, utf16Offsets } = await import(path.join(WEB_DIR, 'engine.js'));
  const bytes = readFileSync(path.join(WEB_DIR, 'pkg', 'policycheck_wasm_bg.wasm'));
  const engine = await loadEngine(bytes);
  assert.equal(await loadEngine(bytes), engine, 'initialised once');
  assert.equal(engine.version, wasm.version());
  const l = engine.lintPolicy('p.json', PUBLIC_READ);
  assert.deepEqual(l, lint(PUBLIC_READ, 'p.json'));
  const witness = l.report.access.witnesses[0];
  const e = engine.evaluate(PUBLIC_READ, witness);
  assert.equal(e.evaluation.decision, 'Allow');
  assert.deepEqual(engine.evaluate(PUBLIC_READ, JSON.stringify(witness)).evaluation.decision, 'Allow');
  const st = e.evaluation.statements[0];
  const stText = PUBLIC_READ.slice(st.span.start_utf16, st.span.end_utf16);
  assert.match(stText, /^\{[\s\S]*"Sid": "Ünïcode"[\s\S]*\}$/);
  assert.equal(PUBLIC_READ.slice(st.principal.span.start_utf16, st.principal.span.end_utf16), '"*"');
  assert.equal(engine.evaluate(PUBLIC_READ, { principal: 'bob' }).type, 'failure');
  assert.equal(engine.evaluate(PUBLIC_READ, undefined).type, 'failure');
  const cyclic = {};
  cyclic.self = cyclic;
  assert.equal(engine.evaluate(PUBLIC_READ, cyclic).type, 'failure');
  assert.equal(engine.actions().actions.length, 167);
  engine.actions().actions.pop();
  assert.equal(engine.actions().actions.length, 167, 'callers get a copy of the cached list');
  assert.deepEqual(engine.policyInfo(PUBLIC_READ).buckets, ['example-site']);
  const added = engine.diffPolicies('{"Version": "2012-10-17", "Statement": [{"Effect": "Deny", "Principal": "*", "Action": "s3:*", "Resource": "*"}]}', PUBLIC_READ);
  assert.equal(added.type, 'success');
  assert.equal(added.added[0].caller, 'public');
  assert.equal(engine.diffPolicies('{', PUBLIC_READ).errors[0].source, 'old');
  assert.equal(engine.diffPolicies(undefined, null).type, 'failure');

  const text = 'a😀ü\uD800b';
  const toUtf16 = utf16Offsets(text);
  assert.deepEqual([0, 1, 5, 7, 10, 11, 99].map(toUtf16), [0, 1, 3, 4, 5, 6, 6]);
});

test('timing: a 20 KB policy (reported, not asserted: the browser test owns the budget)', (t) => {
  // Statements of the example policies, repeated with fresh Sids up to 20 KB.
  const statements = [];
  for (const f of readdirSync(path.join(REPO_DIR, 'policies')).filter((n) => n.endsWith('.json')).sort()) {
    statements.push(...[].concat(JSON.parse(readFileSync(path.join(REPO_DIR, 'policies', f), 'utf8')).Statement));
  }
  const out = [];
  const doc = () => JSON.stringify({ Version: '2012-10-17', Statement: out }, null, 2);
  while (doc().length < 20_000) out.push({ ...statements[out.length % statements.length], Sid: `S${out.length}` });
  const text = doc();
  const time = (f) => {
    const runs = [];
    let r;
    for (let i = 0; i < 5; i++) {
      const t0 = performance.now();
      r = f();
      runs.push(performance.now() - t0);
    }
    return [r, runs.sort((a, b) => a - b)[2]];
  };
  const [l, tLint] = time(() => lint(text));
  const [, tInfo] = time(() => JSON.parse(wasm.policyInfo(text)));
  const witness = l.report.access?.witnesses?.[0] ?? { principal: 'anonymous', action: 's3:GetObject', resource: 'arn:aws:s3:::b/k' };
  const [e, tEval] = time(() => evaluate(text, witness));
  assert.equal(l.type, 'success');
  assert.equal(e.type, 'success');
  t.diagnostic(`${text.length} bytes, ${out.length} statements, ${l.report.findings.length} findings: ` +
    `lintPolicy ${tLint.toFixed(1)} ms, policyInfo ${tInfo.toFixed(1)} ms, evaluate ${tEval.toFixed(1)} ms (median of 5, Node)`);
});
