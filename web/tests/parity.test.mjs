// Parity: the WASM engine (web/pkg-node) and the CLI (target/release/policycheck) say the
// same thing about every example policy and lint fixture: the same findings (codes,
// severities, positions), the same public-access verdicts and witnesses, and every
// witness is allowed by both. The conformance vectors give the same decisions in WASM as
// the spec says (the Rust suite checks them against the library and the binary).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import { mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { REPO_DIR, WEB_DIR, runCli } from './helpers.mjs';

const require = createRequire(import.meta.url);
const wasm = require(path.join(WEB_DIR, 'pkg-node', 'policycheck_wasm.js'));

/** Every *.json under `dir` (recursively), repo-relative with `/`, sorted. */
function jsonFiles(dir) {
  const out = [];
  const walk = (rel) => {
    for (const e of readdirSync(path.join(REPO_DIR, rel), { withFileTypes: true })) {
      const r = `${rel}/${e.name}`;
      if (e.isDirectory()) walk(r);
      else if (e.isFile() && e.name.endsWith('.json')) out.push(r);
    }
  };
  walk(dir);
  return out.sort();
}

const FILES = [...jsonFiles('policies'), ...jsonFiles('fixtures/lint')];
// `fatal` rejects invalid UTF-8; `ignoreBOM` keeps a BOM in the text (the default strips
// it, and the engine must see the bytes the CLI sees).
const strict = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });
const lossy = new TextDecoder('utf-8', { ignoreBOM: true });

/** What must agree in a finding: everything the report says except the docs URL. */
const findingKey = (f) => ({
  code: f.code, name: f.name, severity: f.severity, message: f.message, help: f.help,
  line: f.line, column: f.column, end_line: f.end_line, end_column: f.end_column,
  column_utf16: f.column_utf16, end_column_utf16: f.end_column_utf16,
  start: f.start, end: f.end, start_utf16: f.start_utf16, end_utf16: f.end_utf16, labels: f.labels,
});

const tmp = mkdtempSync(path.join(tmpdir(), 'policycheck-parity-'));
process.on('exit', () => rmSync(tmp, { recursive: true, force: true }));
let requestNo = 0;

/** `policycheck eval FILE --request REQ --format json`: exit status and parsed output. */
function cliEval(file, request) {
  const req = path.join(tmp, `request-${requestNo++}.json`);
  writeFileSync(req, JSON.stringify(request));
  const r = runCli(['eval', file, '--request', req, '--format', 'json', '--color', 'never']);
  let json = null;
  try {
    json = JSON.parse(r.stdout);
  } catch {
    // reported below
  }
  return { status: r.status, json, stderr: r.stderr };
}

test('the corpus is there', () => {
  assert.ok(FILES.filter((f) => f.startsWith('policies/')).length >= 10, 'example policies');
  assert.ok(FILES.filter((f) => f.startsWith('fixtures/lint/')).length >= 40, 'lint fixtures');
});

let witnessesChecked = 0;

for (const file of FILES) {
  test(`parity: ${file}`, () => {
    const bytes = readFileSync(path.join(REPO_DIR, file));
    let text;
    let validUtf8 = true;
    try {
      text = strict.decode(bytes);
    } catch {
      validUtf8 = false;
      text = lossy.decode(bytes);
    }
    const answer = JSON.parse(wasm.lintPolicy(file, text));
    assert.equal(answer.type, 'success');
    const mine = answer.report;

    const cli = runCli(['lint', file, '--format', 'json', '--no-config', '--color', 'never']);
    assert.ok(cli.status === 0 || cli.status === 1, `lint exit ${cli.status}: ${cli.stderr}`);
    const out = JSON.parse(cli.stdout);
    assert.equal(out.files.length, 1, `one file report (errors: ${JSON.stringify(out.errors)})`);
    const theirs = out.files[0];
    assert.equal(theirs.path, file);

    if (!validUtf8) {
      // The CLI sees the raw bytes and reports the invalid UTF-8; the page can only ever
      // hold a decoded string (U+FFFD for the bad bytes). Not comparable: both must
      // still give a report.
      assert.ok(theirs.findings.some((f) => f.code === 'PC001'), 'the CLI flags invalid UTF-8');
      assert.ok(Array.isArray(mine.findings));
      return;
    }

    assert.deepEqual(mine.findings.map(findingKey), theirs.findings.map(findingKey), 'findings');
    if (mine.access === null) {
      // Not a policy: the page's answer has no access block (it says why in the findings);
      // the CLI's JSON contract gives every file a verdict, the undecided one.
      assert.equal(theirs.access.verdict, 'unknown', 'the CLI: not analysed is unknown');
      assert.match(theirs.access.details.read.unknown[0], /not a policy document/);
      assert.deepEqual(theirs.access.witnesses, []);
      return;
    }
    assert.deepEqual(mine.access, theirs.access, 'access verdict, levels, reasons and witnesses');

    // Every witness is allowed, by the WASM engine and by `policycheck eval`, with the
    // same decision, certainty, determining statements and trace.
    const witnesses = [...mine.access.details.read.witnesses, ...mine.access.details.write.witnesses];
    assert.deepEqual(witnesses.map((w) => w.request), mine.access.witnesses);
    for (const w of witnesses) {
      const ev = JSON.parse(wasm.evaluate(text, JSON.stringify(w.request)));
      assert.equal(ev.type, 'success', JSON.stringify(ev));
      assert.equal(ev.evaluation.decision, 'Allow', `WASM: ${JSON.stringify(w.request)}`);
      assert.equal(ev.evaluation.certain, true);
      assert.ok(ev.evaluation.determining.includes(w.granted_by), `${w.granted_by} decides`);

      const c = cliEval(file, w.request);
      assert.equal(c.status, 0, `policycheck eval allows ${JSON.stringify(w.request)}: ${c.stderr}`);
      assert.ok(c.json, 'eval --format json prints JSON');
      assert.equal(c.json.decision, ev.evaluation.decision);
      assert.equal(c.json.certain, ev.evaluation.certain);
      assert.deepEqual(c.json.determining, ev.evaluation.determining);
      assert.deepEqual(c.json.statements, ev.evaluation.statements, 'the same trace');
      witnessesChecked++;
    }
  });
}

test('witnesses were checked', (t) => {
  t.diagnostic(`${witnessesChecked} witnesses allowed by both WASM and policycheck eval`);
  assert.ok(witnessesChecked >= 5, `only ${witnessesChecked} witnesses`);
});

// `policycheck diff OLD NEW --format json` and diffPolicies(OLD, NEW) on every diff
// scenario (and each one reversed): the same added, removed and undecided access, item
// for item (the CLI adds each item's `path`); the CLI's exit status agrees too.
const DIFF_DIR = path.join(REPO_DIR, 'fixtures', 'diff');
const withoutPath = ({ path: _p, ...rest }) => rest;
for (const name of readdirSync(DIFF_DIR).sort()) {
  for (const reversed of [false, true]) {
    test(`parity: diff ${name}${reversed ? ' (reversed)' : ''}`, () => {
      let [oldFile, newFile] = ['old.json', 'new.json'].map((f) => `fixtures/diff/${name}/${f}`);
      if (reversed) [oldFile, newFile] = [newFile, oldFile];
      const read = (f) => strict.decode(readFileSync(path.join(REPO_DIR, f)));
      const mine = JSON.parse(wasm.diffPolicies(read(oldFile), read(newFile)));
      assert.equal(mine.type, 'success', JSON.stringify(mine.errors));
      const cli = runCli(['diff', oldFile, newFile, '--format', 'json', '--color', 'never']);
      assert.ok(cli.status === 0 || cli.status === 1, `diff exit ${cli.status}: ${cli.stderr}`);
      const theirs = JSON.parse(cli.stdout);
      assert.deepEqual(mine.added, theirs.added.map(withoutPath), 'added');
      assert.deepEqual(mine.removed, theirs.removed.map(withoutPath), 'removed');
      assert.deepEqual(mine.unknown, theirs.unknown.map(withoutPath), 'unknown');
      const publicNew = mine.added.some((c) => c.caller === 'public') || mine.unknown.some((u) => u.caller === 'public');
      assert.equal(cli.status, publicNew ? 1 : 0, 'exit 1 exactly when there is new public access');
    });
  }
}

test('parity: diff with an invalid side: the CLI exits 2 and the WASM answer is a failure naming it', () => {
  const file = path.join(tmp, 'broken.json');
  writeFileSync(file, '{\n  "Version": "2012-10-17",\n  "Statement": [,]\n}\n');
  const good = 'fixtures/diff/condition-dropped/new.json';
  const cli = runCli(['diff', file, good, '--format', 'json', '--color', 'never']);
  assert.equal(cli.status, 2, cli.stderr);
  const mine = JSON.parse(wasm.diffPolicies(readFileSync(file, 'utf8'), readFileSync(path.join(REPO_DIR, good), 'utf8')));
  assert.equal(mine.type, 'failure');
  assert.equal(mine.errors[0].source, 'old');
  assert.equal(mine.errors[0].diagnostic.line, 3);
  assert.match(cli.stderr + cli.stdout, /:3:/, 'the CLI names line 3 too');
});

function vectors(name) {
  return readFileSync(path.join(REPO_DIR, 'fixtures', 'conformance', name), 'utf8')
    .split('\n')
    .filter((l) => l.trim())
    .map((l) => JSON.parse(l));
}

test('conformance: every eval vector gives the expected decision in WASM', () => {
  const all = vectors('eval.jsonl');
  assert.ok(all.length >= 80);
  const wrong = [];
  for (const v of all) {
    const request = { ...v.request };
    for (const k of ['mode', 'identity_policies', 'bucket_account']) if (k in v) request[k] = v[k];
    const ev = JSON.parse(wasm.evaluate(JSON.stringify(v.policy, null, 2), JSON.stringify(request)));
    if (ev.type !== 'success' || ev.evaluation.decision !== v.expected) {
      wrong.push(`${v.name}: expected ${v.expected}, got ${ev.evaluation?.decision ?? JSON.stringify(ev.errors)}`);
    }
  }
  assert.deepEqual(wrong, []);
});

test('conformance: every public-access vector gives the expected verdict in WASM', () => {
  const all = vectors('public.jsonl');
  assert.ok(all.length >= 28);
  const wrong = [];
  for (const v of all) {
    const text = JSON.stringify(v.policy, null, 2);
    const { access } = JSON.parse(wasm.lintPolicy(`${v.name}.json`, text)).report;
    const got = [access.verdict === 'public', access.read, access.write];
    const want = [v.public, v.public_read, v.public_write];
    if (JSON.stringify(got) !== JSON.stringify(want)) wrong.push(`${v.name}: expected ${want}, got ${got}`);
    if (!v.public && access.verdict !== 'not-public') wrong.push(`${v.name}: expected not-public, got ${access.verdict}`);
    for (const w of access.witnesses) {
      const ev = JSON.parse(wasm.evaluate(text, JSON.stringify(w)));
      if (ev.evaluation?.decision !== 'Allow' || !ev.evaluation.certain) {
        wrong.push(`${v.name}: witness ${JSON.stringify(w)} not allowed`);
      }
    }
  }
  assert.deepEqual(wrong, []);
});
