// The CLI's SARIF is valid SARIF 2.1.0, checked two ways:
// 1. Microsoft's validator (`sarif-multitool validate`, pinned on npm). It exits 0 even
//    when it finds errors, so its output log is read and any error-level result fails.
// 2. The SARIF 2.1.0 JSON schema (the copy that ships in the validator's package) with
//    ajv: the multitool stops without a word at the first enum violation (a bad `level`
//    or `columnKind`), dropping every other result for the file, so a schema check has
//    to back it up.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { accessSync, chmodSync, constants, existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { REPO_DIR, WEB_DIR, runCli } from './helpers.mjs';

const require = createRequire(import.meta.url);
const tmp = mkdtempSync(path.join(tmpdir(), 'policycheck-sarif-'));
process.on('exit', () => rmSync(tmp, { recursive: true, force: true }));

const MULTITOOL = path.join(WEB_DIR, 'node_modules', '.bin', 'sarif-multitool');
const SCHEMA = path.join(WEB_DIR, 'node_modules', '@microsoft', 'sarif-multitool-linux', 'sarif-2.1.0.json');

/** The multitool's native binary must be executable (its postinstall does the chmod,
 *  which npm may skip). */
function ensureExecutable() {
  let binary;
  try {
    binary = require(path.join(WEB_DIR, 'node_modules', '@microsoft', 'sarif-multitool'));
  } catch {
    return;
  }
  try {
    accessSync(binary, constants.X_OK);
  } catch {
    chmodSync(binary, 0o755);
  }
}

/** Run the CLI with --format sarif over `target` into a file; returns [file, log]. */
function sarifOf(target, name) {
  const out = path.join(tmp, `${name}.sarif`);
  const r = runCli(['lint', target, '--format', 'sarif', '--no-config', '--color', 'never', '--output', out]);
  assert.ok(r.status === 0 || r.status === 1, `lint exit ${r.status}: ${r.stderr}`);
  assert.ok(existsSync(out), `--output wrote ${out}`);
  return [out, JSON.parse(readFileSync(out, 'utf8'))];
}

/** Error-level results of a validation log (a result without `level` takes its rule's
 *  default, and "warning" without one). */
function errorsIn(log) {
  const bad = [];
  for (const run of log.runs ?? []) {
    const rules = run.tool?.driver?.rules ?? [];
    for (const r of run.results ?? []) {
      const level = r.level ?? rules[r.ruleIndex]?.defaultConfiguration?.level ?? 'warning';
      if (level === 'error') {
        const where = r.locations?.[0]?.physicalLocation?.region;
        bad.push(`${r.ruleId} ${JSON.stringify(r.message)} at ${where?.startLine}:${where?.startColumn}`);
      }
    }
  }
  return bad;
}

function multitoolValidate(file) {
  const out = `${file}.validation.sarif`;
  rmSync(out, { force: true });
  const r = spawnSync(MULTITOOL, ['validate', file, '-o', out], { encoding: 'utf8', cwd: tmp, timeout: 120_000 });
  if (r.error) throw r.error;
  assert.ok(existsSync(out), `sarif-multitool wrote no log (exit ${r.status}):\n${r.stdout}\n${r.stderr}`);
  const log = JSON.parse(readFileSync(out, 'utf8'));
  const inv = log.runs?.[0]?.invocations?.[0];
  assert.notEqual(inv?.executionSuccessful, false, `the validator failed: ${JSON.stringify(inv)}`);
  return log;
}

let validateSchema;
async function schemaValidator() {
  if (!validateSchema) {
    const { default: Ajv2020 } = await import('ajv/dist/2020.js');
    const { default: addFormats } = await import('ajv-formats');
    const ajv = new Ajv2020({ allErrors: true, strict: false });
    addFormats(ajv);
    validateSchema = ajv.compile(JSON.parse(readFileSync(SCHEMA, 'utf8')));
  }
  return validateSchema;
}

const TARGETS = [
  ['policies', 'policies'],
  ['fixtures/lint', 'fixtures-lint'],
];

for (const [target, name] of TARGETS) {
  test(`SARIF for ${target}/ is valid SARIF 2.1.0`, async () => {
    const [file, sarif] = sarifOf(target, name);
    // It is the log we mean to check: results, UTF-16 columns, every result levelled.
    assert.equal(sarif.version, '2.1.0');
    const run = sarif.runs[0];
    assert.ok(run.results.length > 0, 'there are results to check');
    assert.equal(run.columnKind, 'utf16CodeUnits');
    assert.ok(run.results.every((r) => ['error', 'warning', 'note'].includes(r.level)), 'explicit levels');

    const validate = await schemaValidator();
    const ok = validate(sarif);
    assert.ok(ok, `schema errors:\n${JSON.stringify(validate.errors?.slice(0, 20), null, 2)}`);

    ensureExecutable();
    const log = multitoolValidate(file);
    assert.deepEqual(errorsIn(log), [], 'sarif-multitool found errors');
  });
}

test('both checks catch a broken log (the checks are live)', async () => {
  const validate = await schemaValidator();
  const broken = {
    $schema: 'https://json.schemastore.org/sarif-2.1.0.json',
    version: '2.1.0',
    runs: [{ tool: { driver: { name: 'x', version: '1', informationUri: 'https://x.invalid/' } },
      results: [{ ruleId: 'A', level: 'bogus', message: { text: 'm' } }, { ruleId: 'B' }] }],
  };
  assert.equal(validate(broken), false, 'the schema rejects a bad level and a missing message');
  broken.runs[0].results[0].level = 'error';
  const { writeFileSync } = await import('node:fs');
  const file = path.join(tmp, 'broken.sarif');
  writeFileSync(file, JSON.stringify(broken));
  ensureExecutable();
  assert.ok(errorsIn(multitoolValidate(file)).length > 0, 'the multitool flags the missing message');
});

// Given a path outside the working directory, the location must be an absolute
// `file://` URI, not a "/…" relative reference under %SRCROOT% (SARIF1004).
test('SARIF for an absolute path is valid too', async () => {
  const [file, sarif] = sarifOf(path.join(REPO_DIR, 'policies'), 'absolute');
  const validate = await schemaValidator();
  assert.ok(validate(sarif), JSON.stringify(validate.errors?.slice(0, 5)));
  ensureExecutable();
  assert.deepEqual(errorsIn(multitoolValidate(file)), []);
});
