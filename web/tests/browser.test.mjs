// Browser tests of the simulator page (web/index.html) in Debian's headless Chromium,
// driven by playwright-core. Run by `bash scripts/web.sh test` (after it builds web/pkg).
//
// Every test opens the page in a fresh browser context and fails on any console error
// or warning, any page error, and any request that does not go to the local server.
// Screenshots go to artifacts/ (git-ignored).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, readFileSync, readdirSync } from 'node:fs';
import { deflateRawSync } from 'node:zlib';
import path from 'node:path';
import { startServer, launchBrowser, REPO_DIR, WEB_DIR } from './helpers.mjs';

const ARTIFACTS = path.join(REPO_DIR, 'artifacts');
const PRESETS_URL = new URL('../presets/presets.js', import.meta.url);

let server;
let browser;

before(async () => {
  mkdirSync(ARTIFACTS, { recursive: true });
  server = await startServer();
  browser = await launchBrowser();
});

after(async () => {
  await browser?.close();
  await server?.stop();
});

/** A fresh context and page, with every console message, error and request recorded. */
async function openPage(hash = '', { context, warm = false } = {}) {
  const ctx = context ?? await browser.newContext({ viewport: { width: 1400, height: 1000 } });
  const page = await ctx.newPage();
  // `warm`: start the tab's renderer process first (same origin, an asset of the page but
  // none of its code), so the load time below is the page's, not the browser's start-up.
  // Chromium asks for /favicon.ico on that page (the app itself declares favicon.svg).
  if (warm) {
    let seen;
    const asked = new Promise((r) => { seen = r; });
    await page.route('**/favicon.ico', (r) => { seen(); return r.fulfill({ status: 204 }); });
    await page.goto(`${server.base}/favicon.svg`);
    await Promise.race([asked, new Promise((r) => setTimeout(r, 2000))]);
    await page.unroute('**/favicon.ico'); // interception slows every request down
  }
  const problems = [];
  page.on('console', (m) => {
    if (m.location()?.url?.endsWith('/favicon.svg')) return; // the tab icon (see below), not the page
    if (m.type() === 'error' || m.type() === 'warning') problems.push(`console ${m.type()}: ${m.text()}`);
  });
  page.on('pageerror', (e) => problems.push(`page error: ${e}`));
  page.on('request', (r) => {
    if (!r.url().startsWith(`${server.base}/`)) problems.push(`request left the local server: ${r.url()}`);
  });
  page.on('requestfailed', (r) => {
    if (!r.url().endsWith('/favicon.svg')) problems.push(`request failed: ${r.url()} ${r.failure()?.errorText}`);
  });
  page.on('response', (r) => { if (r.status() >= 400) problems.push(`HTTP ${r.status()}: ${r.url()}`); });
  const t0 = Date.now();
  await page.goto(`${server.base}/index.html${hash}`);
  await ready(page);
  const loadMs = Date.now() - t0;
  return { ctx, page, problems, loadMs, close: () => (context ? page.close() : ctx.close()) };
}

/** The page is usable: the engine answered and the verdict is there (shown, in the Simulator view). */
async function ready(page) {
  await page.locator('html[data-ready="true"]').waitFor({ state: 'attached' });
  const simulator = await page.locator('html[data-view="simulator"]').count() === 1;
  await page.locator('#access [data-testid="read-verdict"][data-verdict]').waitFor({ state: simulator ? 'visible' : 'attached' });
}

/** Wait for the next update of the page (lint + evaluate + render) after `action`. */
async function nextUpdate(page, action) {
  await page.evaluate(() => {
    window.__nextUpdate = new Promise((r) => document.addEventListener('policycheck:updated', (e) => r(e.detail), { once: true }));
  });
  await action();
  return page.evaluate(() => window.__nextUpdate);
}

const policyBox = (page) => page.getByRole('textbox', { name: 'Policy', exact: true });
const decision = (page) => page.getByRole('status', { name: 'Decision', exact: true });
const access = (page) => page.getByRole('region', { name: 'Public access', exact: true });
const field = (page, name) => page.getByLabel(name, { exact: true });

/** Copy the page's share link and open it in a new page (the state the link carries). */
async function openSharedCopy(page) {
  await page.getByRole('button', { name: 'Copy link' }).click();
  await page.waitForFunction(() => document.getElementById('share-url').value.includes('#s=2.'));
  const url = await page.getByLabel('Share link', { exact: true }).inputValue();
  return openPage(url.slice(url.indexOf('#')));
}

async function setPolicy(page, text) {
  await nextUpdate(page, () => policyBox(page).fill(text));
}

async function choosePreset(page, id) {
  await nextUpdate(page, () => page.getByLabel('Examples', { exact: true }).selectOption(id));
}

async function presets() {
  return (await import(PRESETS_URL.href)).PRESETS;
}

test('presets are the files in policies/, and the required ones exist', async () => {
  const list = await presets();
  const files = readdirSync(path.join(REPO_DIR, 'policies')).filter((f) => f.endsWith('.json')).sort();
  assert.deepEqual(list.map((p) => p.file.replace(/^policies\//, '')).sort(), files,
    'web/presets/presets.js is stale: run node web/presets/generate.mjs');
  for (const p of list) {
    assert.equal(p.text, readFileSync(path.join(REPO_DIR, p.file), 'utf8'),
      `${p.file} differs from its preset: run node web/presets/generate.mjs`);
  }
  for (const id of ['public-website', 'cloudfront-oac', 'vpc-endpoint-only', 'org-only', 'public-write-by-mistake']) {
    assert.ok(list.some((p) => p.id === id), `preset ${id}`);
  }
});

test('page source: CSP meta, local assets only, no innerHTML', () => {
  const html = readFileSync(path.join(WEB_DIR, 'index.html'), 'utf8');
  assert.match(html, /http-equiv="Content-Security-Policy" content="default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; style-src 'self'"/);
  assert.doesNotMatch(html, /<script(?![^>]*\bsrc=)[^>]*>/, 'no inline scripts');
  assert.doesNotMatch(html, /\sstyle=|<style/, 'no inline styles');
  assert.doesNotMatch(html, /(src|href)="(https?:)?\/\//, 'no remote assets');
  const sources = ['app.js', ...readdirSync(path.join(WEB_DIR, 'src')).map((f) => `src/${f}`)];
  for (const f of sources) {
    const js = readFileSync(path.join(WEB_DIR, f), 'utf8');
    assert.doesNotMatch(js, /\.(innerHTML|outerHTML)\s*=|insertAdjacentHTML|document\.write/, `${f} builds DOM without HTML strings`);
    assert.doesNotMatch(js, /\bfetch\(|XMLHttpRequest|sendBeacon|WebSocket/, `${f} makes no requests`);
  }
});

test('public website: usable within 1 s, public read with a witness that loads and is Allowed', async () => {
  const { page, problems, loadMs, close } = await openPage('', { warm: true });
  try {
    const inPage = await page.evaluate(() => window.__policycheckTimings.ready);
    console.log(`# page usable: ${loadMs} ms from goto to the verdict (${inPage.toFixed(0)} ms after navigation start, in the page)`);
    assert.ok(loadMs < 1000, `usable within 1 s of load (took ${loadMs} ms)`);
    // Zero requests after the first load: go offline once the network is idle (the
    // favicon is fetched after the page is usable); any later request would fail.
    await page.waitForLoadState('networkidle');
    let later = 0;
    // (Chromium fetches the tab icon on its own schedule; it is a local file anyway.)
    page.on('request', (r) => { if (!r.url().endsWith('/favicon.svg')) later++; });
    await page.context().setOffline(true);

    const region = access(page);
    await region.locator('[data-testid="read-verdict"][data-verdict="public"]').waitFor();
    assert.equal(await region.getByTestId('write-verdict').getAttribute('data-verdict'), 'not-public');
    assert.equal(await region.getByTestId('access-verdict').getAttribute('data-verdict'), 'public');
    assert.match(await region.getByTestId('access-verdict').textContent(), /^\W*Public/);
    assert.match(await region.textContent(), /PublicReadForWebsite/, 'names the statement responsible');
    assert.match(await region.textContent(), /anonymous.*s3:GetObject.*arn:aws:s3:::example-website\//s, 'shows the witness');

    // Before: a request the policy does not allow.
    await nextUpdate(page, () => field(page, 'Action').fill('s3:DeleteObject'));
    await decision(page).and(page.locator('[data-decision="ImplicitDeny"]')).waitFor();
    assert.match(await decision(page).textContent(), /Implicitly denied/);

    await nextUpdate(page, () => region.getByRole('button', { name: 'Load into request' }).first().click());
    await decision(page).and(page.locator('[data-decision="Allow"]')).waitFor();
    assert.match(await decision(page).textContent(), /Allowed.*PublicReadForWebsite/s, 'names the determining statement');
    assert.equal(await field(page, 'Principal').inputValue(), 'anonymous');
    assert.equal(await field(page, 'Action').inputValue(), 's3:GetObject');
    assert.match(await field(page, 'Resource').inputValue(), /^arn:aws:s3:::example-website\/\S+$/);
    assert.equal(await page.getByLabel('Include aws:SecureTransport').isChecked(), true, 'the witness context is loaded');
    const row0 = page.getByTestId('trace-row-0');
    assert.match(await row0.textContent(), /PublicReadForWebsite/);
    assert.match(await row0.textContent(), /✓ matched/);
    const row1 = page.getByTestId('trace-row-1');
    assert.match(await row1.textContent(), /DenyInsecureTransport/);
    assert.match(await row1.textContent(), /✗ not matched/, 'the deny condition is shown as not matched');
    await page.screenshot({ path: path.join(ARTIFACTS, 'public-website-witness.png'), fullPage: true });

    // Clicking a trace row selects that statement in the editor.
    await row1.getByRole('button', { name: /DenyInsecureTransport/ }).click();
    const sel = await policyBox(page).evaluate((ta) => ta.value.slice(ta.selectionStart, ta.selectionEnd));
    assert.match(sel, /^\{[\s\S]*"Sid": "DenyInsecureTransport"[\s\S]*\}$/);
    assert.equal(await page.evaluate(() => document.activeElement?.id), 'policy');
    assert.equal(later, 0, 'no request after the first load');
    assert.deepEqual(problems, []);
  } finally {
    await close();
  }
});

test('accidental public write: write badge public, and its witness is Allowed', async () => {
  const { page, problems, close } = await openPage();
  try {
    await choosePreset(page, 'public-write-by-mistake');
    const region = access(page);
    await region.locator('[data-testid="write-verdict"][data-verdict="public"]').waitFor();
    assert.match(await region.getByTestId('write-verdict').textContent(), /Write: Public/);
    assert.equal(await region.getByTestId('read-verdict').getAttribute('data-verdict'), 'not-public');
    await nextUpdate(page, () => region.getByRole('button', { name: 'Load into request' }).first().click());
    await decision(page).and(page.locator('[data-decision="Allow"]')).waitFor();
    assert.match(await page.getByTestId('trace-row-0').textContent(), /LetTheMobileAppUpload/);
    assert.match(await field(page, 'Action').inputValue(), /^s3:PutObject/);
    await page.screenshot({ path: path.join(ARTIFACTS, 'public-write.png'), fullPage: true });
    assert.deepEqual(problems, []);
  } finally {
    await close();
  }
});

test('every preset: verdicts shown, and every witness button leads to Allowed', async () => {
  const expected = {
    'public-website': 'public', 'cloudfront-oac': 'not-public', 'vpc-endpoint-only': 'not-public',
    'org-only': 'not-public', 'public-write-by-mistake': 'public', 'typo-in-condition': 'unknown',
  };
  const { page, problems, close } = await openPage();
  try {
    let witnesses = 0;
    for (const p of await presets()) {
      await choosePreset(page, p.id);
      const region = access(page);
      const verdict = await region.getByTestId('access-verdict').getAttribute('data-verdict');
      if (expected[p.id]) assert.equal(verdict, expected[p.id], `${p.id}: public-access verdict`);
      if (verdict === 'unknown') assert.match(await region.textContent(), /can.t tell/i, `${p.id} says it can't tell`);
      const buttons = region.getByRole('button', { name: 'Load into request' });
      const n = await buttons.count();
      if (verdict === 'public') assert.ok(n > 0, `${p.id}: a public verdict has a witness`);
      for (let i = 0; i < n; i++) {
        const d = await nextUpdate(page, () => buttons.nth(i).click());
        assert.ok(d);
        assert.equal(await decision(page).getAttribute('data-decision'), 'Allow', `${p.id}: witness ${i} is allowed`);
        assert.match(await decision(page).textContent(), /^\W*Allowed/);
        witnesses++;
      }
    }
    assert.ok(witnesses >= 3, `witnesses checked: ${witnesses}`);
    assert.deepEqual(problems, []);
  } finally {
    await close();
  }
});

test('a JSON syntax error: one message at the right line and column; clicking selects it', async () => {
  const { page, problems, close } = await openPage();
  try {
    const bad = '{\n  "Version": "2012-10-17",\n  "Statement": [\n    {\n      "Effect": "Allow",,\n'
      + '      "Principal": "*",\n      "Action": "s3:GetObject",\n      "Resource": "arn:aws:s3:::b/*"\n    }\n  ]\n}\n';
    await setPolicy(page, bad);
    const items = page.locator('#diagnostics > li.diag');
    assert.equal(await items.count(), 1, 'exactly one message');
    const text = await items.first().textContent();
    assert.match(text, /line 5, column 25/);
    assert.match(text, /PC001/);
    assert.equal(await page.getByTestId('count-error').getAttribute('data-count'), '1');
    assert.equal(await page.locator('#policy-layer mark.u-error').count(), 1, 'the span is underlined');
    assert.equal(await page.locator('#policy-layer mark.u-error').textContent(), ',');
    assert.equal(await access(page).getByTestId('read-verdict').getAttribute('data-verdict'), 'unknown');
    assert.match(await decision(page).textContent(), /Cannot evaluate/);
    await items.first().getByRole('button').click();
    const sel = await policyBox(page).evaluate((ta) => [ta.selectionStart, ta.selectionEnd]);
    assert.deepEqual(sel, [bad.indexOf(',,') + 1, bad.indexOf(',,') + 2]);
    await page.screenshot({ path: path.join(ARTIFACTS, 'syntax-error.png'), fullPage: true });
    assert.deepEqual(problems, []);
  } finally {
    await close();
  }
});

test('diagnostics: sorted by position, counts, UTF-16 spans past non-ASCII text', async () => {
  const { page, problems, close } = await openPage();
  try {
    const text = '{\n  "Id": "ü😀 policy",\n  "Statement": [\n    {\n      "Sid": "Ünïcode😀",\n      "Effect": "Allow",\n'
      + '      "Principal": "*",\n      "Action": "s3:GetObject",\n      "Resource": "arn:aws:s3:::b/*",\n'
      + '      "Condition": {"StringEqualz": {"aws:SourceVpce": "vpce-1"}}\n    }\n  ]\n}\n';
    await setPolicy(page, text);
    const lines = await page.locator('#diagnostics > li.diag').evaluateAll((els) => els.map((e) => Number(e.dataset.line)));
    assert.ok(lines.length >= 2, `several findings: ${lines}`);
    assert.deepEqual(lines, [...lines].sort((a, b) => a - b), 'sorted by position');
    const op = page.locator('#diagnostics > li.diag[data-code="PC010"]');
    await op.getByRole('button').first().click();
    const sel = await policyBox(page).evaluate((ta) => ta.value.slice(ta.selectionStart, ta.selectionEnd));
    assert.equal(sel, '"StringEqualz"');
    // Trace spans are bytes; the page converts them to UTF-16 for the selection.
    await page.getByTestId('trace-row-0').locator('tr', { hasText: 'condition' }).getByRole('button').click();
    const cond = await policyBox(page).evaluate((ta) => ta.value.slice(ta.selectionStart, ta.selectionEnd));
    assert.match(cond, /^"aws:SourceVpce": "vpce-1"$/, 'the condition, past the emoji');
    await page.getByTestId('trace-row-0').getByRole('button', { name: /Ünïcode😀/ }).click();
    const st = await policyBox(page).evaluate((ta) => ta.value.slice(ta.selectionStart, ta.selectionEnd));
    assert.match(st, /^\{\s*"Sid": "Ünïcode😀"[\s\S]*\}$/);
    const counts = await page.locator('#diag-counts').textContent();
    assert.match(counts, /\d+ errors?/);
    assert.match(counts, /\d+ warnings?/);
    assert.match(await decision(page).textContent(), /uncertain/, 'a not-evaluable part makes the decision uncertain');
    assert.match(await page.getByTestId('trace-row-0').textContent(), /\? not evaluable/);
    assert.deepEqual(problems, []);
  } finally {
    await close();
  }
});

test('request builder: actions, bucket prefill, typed context keys, missing-context warning', async () => {
  const { page, problems, close } = await openPage();
  try {
    await choosePreset(page, 'office-ip-allowlist');
    assert.equal(await page.locator('#action-list option').count(), 167, 'the S3 action catalogue');
    assert.ok(await page.locator('#action-browse optgroup[label="Write"]').count() === 1, 'grouped by access level');
    assert.match(await field(page, 'Resource').inputValue(), /^arn:aws:s3:::example-office-docs\//, 'bucket from the policy');
    assert.equal(await page.locator('#principal-list option[value="service:cloudfront.amazonaws.com"]').count(), 1);
    // Keys the conditions read are pre-listed, absent until included.
    const ip = field(page, 'aws:SourceIp');
    assert.equal(await page.getByLabel('Include aws:SourceIp').isChecked(), false);
    assert.equal(await field(page, 'aws:SecureTransport').evaluate((e) => e.tagName), 'SELECT', 'a boolean is a select');
    const missing = page.locator('#missing-context');
    assert.match(await missing.textContent(), /aws:SourceIp/);
    assert.equal(await decision(page).getAttribute('data-decision'), 'ImplicitDeny');

    await nextUpdate(page, async () => { await ip.fill('203.0.113.7'); await ip.press('Tab'); });
    await decision(page).and(page.locator('[data-decision="Allow"]')).waitFor();
    assert.equal(await page.getByLabel('Include aws:SourceIp').isChecked(), true, 'typing a value includes the key');
    assert.doesNotMatch(await missing.textContent(), /aws:SourceIp/);

    await nextUpdate(page, () => ip.fill('198.51.100.7'));
    await decision(page).and(page.locator('[data-decision="ImplicitDeny"]')).waitFor();
    assert.match(await page.getByTestId('trace-row-0').textContent(), /✗ not matched.*198\.51\.100\.7/s, 'the concrete reason');

    // Plain HTTP: the deny wins.
    await nextUpdate(page, () => ip.fill('203.0.113.7'));
    await nextUpdate(page, () => field(page, 'aws:SecureTransport').selectOption('false'));
    await decision(page).and(page.locator('[data-decision="ExplicitDeny"]')).waitFor();
    assert.match(await decision(page).textContent(), /Explicitly denied.*DenyInsecureTransport/s);

    // A bad principal is reported, not thrown.
    await nextUpdate(page, () => field(page, 'Principal').fill('bob'));
    assert.match(await page.locator('#request-error').textContent(), /bob/);
    assert.equal(await field(page, 'Principal').getAttribute('aria-invalid'), 'true');
    await page.screenshot({ path: path.join(ARTIFACTS, 'request-builder.png'), fullPage: true });
    assert.deepEqual(problems, []);
  } finally {
    await close();
  }
});

test('{"AWS": "*"} and anonymous callers: the reading is a checkbox, in the link, reset by a witness', async () => {
  const { page, problems, close } = await openPage();
  try {
    await setPolicy(page, JSON.stringify({
      Version: '2012-10-17',
      Statement: [{ Sid: 'AnyAwsRead', Effect: 'Allow', Principal: { AWS: '*' }, Action: 's3:GetObject', Resource: 'arn:aws:s3:::example-bucket/*' }],
    }, null, 2));
    await nextUpdate(page, () => field(page, 'Principal').fill('anonymous'));
    await decision(page).and(page.locator('[data-decision="Allow"]')).waitFor();
    const box = page.getByLabel('{"AWS": "*"} covers anonymous callers');
    assert.equal(await box.isChecked(), true, 'the IAM reading by default');
    // The S3 user guide's reading: signed principals only.
    await nextUpdate(page, () => box.uncheck());
    await decision(page).and(page.locator('[data-decision="ImplicitDeny"]')).waitFor();
    assert.match(await page.getByTestId('trace-row-0').textContent(), /signed AWS principals only/);
    // A signed caller is covered either way.
    await nextUpdate(page, () => field(page, 'Principal').fill('arn:aws:iam::444455556666:user/u'));
    await decision(page).and(page.locator('[data-decision="Allow"]')).waitFor();
    await nextUpdate(page, () => field(page, 'Principal').fill('anonymous'));
    // The choice travels in the share link.
    const other = await openSharedCopy(page);
    try {
      assert.equal(await other.page.getByLabel('{"AWS": "*"} covers anonymous callers').isChecked(), false);
      assert.equal(await decision(other.page).getAttribute('data-decision'), 'ImplicitDeny');
      assert.deepEqual(other.problems, []);
    } finally {
      await other.close();
    }
    // A witness is a request under the default reading: loading one ticks the box again.
    await nextUpdate(page, () => access(page).getByRole('button', { name: 'Load into request' }).first().click());
    assert.equal(await box.isChecked(), true);
    await decision(page).and(page.locator('[data-decision="Allow"]')).waitFor();
    assert.deepEqual(problems, []);
  } finally {
    await close();
  }
});

test('a Deny on {"AWS": "*"}: public under S3\'s reading; its witness unticks the box and is Allowed', async () => {
  const { page, problems, close } = await openPage();
  try {
    const bucket = 'arn:aws:s3:::example-reports';
    await setPolicy(page, JSON.stringify({
      Version: '2012-10-17',
      Statement: [
        { Sid: 'ReadFromTheOffice', Effect: 'Allow', Principal: '*', Action: 's3:GetObject', Resource: `${bucket}/*` },
        { Sid: 'DenyOutsideTheOffice', Effect: 'Deny', Principal: { AWS: '*' }, Action: 's3:*', Resource: [bucket, `${bucket}/*`],
          Condition: { NotIpAddress: { 'aws:SourceIp': '203.0.113.0/24' } } },
      ],
    }, null, 2));
    const region = access(page);
    await region.locator('[data-testid="read-verdict"][data-verdict="public"]').waitFor();
    assert.match(await region.locator('.witness-desc').first().textContent(), /anonymous runs s3:GetObject .* as S3 does: signed requests only/);
    const box = page.getByLabel('{"AWS": "*"} covers anonymous callers');
    assert.equal(await box.isChecked(), true);
    await nextUpdate(page, () => region.getByRole('button', { name: 'Load into request' }).first().click());
    assert.equal(await box.isChecked(), false, 'the witness carries the S3 reading');
    await decision(page).and(page.locator('[data-decision="Allow"]')).waitFor();
    assert.equal(await field(page, 'Principal').inputValue(), 'anonymous');
    // Under the IAM reading the same request is denied by the office Deny.
    await nextUpdate(page, () => box.check());
    await decision(page).and(page.locator('[data-decision="ExplicitDeny"]')).waitFor();
    assert.deepEqual(problems, []);
  } finally {
    await close();
  }
});

test('aws:userid AROA…:* reading: a box in the verdict panel, re-linted at once, in the link', async () => {
  const { page, problems, close } = await openPage();
  try {
    await setPolicy(page, JSON.stringify({
      Version: '2012-10-17',
      Statement: [{
        Sid: 'RoleSessions', Effect: 'Allow', Principal: '*', Action: 's3:GetObject',
        Resource: 'arn:aws:s3:::example-bucket/*', Condition: { StringLike: { 'aws:userid': 'AROAEXAMPLEROLEID:*' } },
      }],
    }, null, 2));
    const region = access(page);
    await region.locator('[data-testid="read-verdict"][data-verdict="not-public"]').waitFor();
    const box = page.getByLabel('aws:userid AROA…:* counts as public');
    assert.equal(await box.isChecked(), false, 'the spec §6.2 reading by default');
    // The stricter reading: the same text is now public, with a witness that is Allowed.
    await nextUpdate(page, () => box.check());
    await region.locator('[data-testid="read-verdict"][data-verdict="public"]').waitFor();
    await nextUpdate(page, () => region.getByRole('button', { name: 'Load into request' }).first().click());
    await decision(page).and(page.locator('[data-decision="Allow"]')).waitFor();
    // The choice travels in the share link.
    const other = await openSharedCopy(page);
    try {
      assert.equal(await other.page.getByLabel('aws:userid AROA…:* counts as public').isChecked(), true);
      await access(other.page).locator('[data-testid="read-verdict"][data-verdict="public"]').waitFor();
      assert.deepEqual(other.problems, []);
    } finally {
      await other.close();
    }
    // Unticked again: not public again.
    await nextUpdate(page, () => box.uncheck());
    await region.locator('[data-testid="read-verdict"][data-verdict="not-public"]').waitFor();
    assert.deepEqual(problems, []);
  } finally {
    await close();
  }
});

test('request builder: the keys AWS sets for a caller are added on request, keeping the user\'s', async () => {
  const { page, problems, close } = await openPage();
  try {
    await setPolicy(page, JSON.stringify({
      Version: '2012-10-17',
      Statement: [{
        Sid: 'OwnAccount', Effect: 'Allow', Principal: '*', Action: 's3:GetObject',
        Resource: 'arn:aws:s3:::example-bucket/*', Condition: { StringEquals: { 'aws:PrincipalAccount': '111122223333' } },
      }],
    }, null, 2));
    await nextUpdate(page, () => field(page, 'Principal').fill('arn:aws:iam::111122223333:user/alice'));
    await decision(page).and(page.locator('[data-decision="ImplicitDeny"]')).waitFor();
    const add = page.getByRole('button', { name: 'Add the keys AWS sets for this caller' });
    // A value the user set is kept.
    await nextUpdate(page, () => field(page, 'aws:PrincipalAccount').fill('444455556666'));
    await nextUpdate(page, () => add.click());
    assert.equal(await field(page, 'aws:PrincipalAccount').inputValue(), '444455556666');
    assert.equal(await decision(page).getAttribute('data-decision'), 'ImplicitDeny');
    assert.equal(await field(page, 'aws:username').inputValue(), 'alice');
    // Left out, the key is derived: the caller's own account, so allowed.
    await nextUpdate(page, () => page.getByLabel('Include aws:PrincipalAccount').uncheck());
    await nextUpdate(page, () => add.click());
    assert.equal(await field(page, 'aws:PrincipalAccount').inputValue(), '111122223333');
    await decision(page).and(page.locator('[data-decision="Allow"]')).waitFor();
    // Anonymous callers: aws:userid = anonymous, and no account (spec §9 rows 6, 7). The
    // keys follow the caller: the account AWS set for alice goes with her.
    await nextUpdate(page, () => field(page, 'Principal').fill('anonymous'));
    assert.equal(await page.getByLabel('Include aws:PrincipalAccount').isChecked(), false);
    await nextUpdate(page, () => add.click());
    assert.equal(await field(page, 'aws:userid').inputValue(), 'anonymous');
    assert.equal(await page.getByLabel('Include aws:PrincipalAccount').isChecked(), false);
    await decision(page).and(page.locator('[data-decision="ImplicitDeny"]')).waitFor();
    assert.deepEqual(problems, []);
  } finally {
    await close();
  }
});

test('share link round trip, and the last state is kept in localStorage', async () => {
  const { ctx, page, problems, close } = await openPage();
  try {
    await choosePreset(page, 'org-only');
    const edited = (await policyBox(page).inputValue()).replace('o-a1b2c3d4e5', 'o-zz9 ✓ edited');
    await setPolicy(page, edited);
    await nextUpdate(page, () => field(page, 'Principal').fill('arn:aws:sts::444455556666:assumed-role/Reader/s1'));
    await nextUpdate(page, () => field(page, 'aws:PrincipalOrgID').fill('o-zz9 ✓ edited'));
    await decision(page).and(page.locator('[data-decision="Allow"]')).waitFor();
    await page.getByRole('button', { name: 'Copy link' }).click();
    const share = page.getByLabel('Share link', { exact: true });
    await page.waitForFunction(() => document.getElementById('share-url').value.includes('#s=2.'));
    const url = await share.inputValue();
    assert.match(url, /^http:\/\/127\.0\.0\.1:\d+\/index\.html#s=2\.[A-Za-z0-9_-]+$/);

    const other = await openPage(url.slice(url.indexOf('#')));
    try {
      const p2 = other.page;
      assert.equal(await policyBox(p2).inputValue(), edited);
      assert.equal(await field(p2, 'Principal').inputValue(), 'arn:aws:sts::444455556666:assumed-role/Reader/s1');
      assert.equal(await field(p2, 'aws:PrincipalOrgID').inputValue(), 'o-zz9 ✓ edited');
      assert.equal(await decision(p2).getAttribute('data-decision'), 'Allow');
      assert.equal(await p2.locator('#notice').isHidden(), true, 'no message for a good link');
      assert.deepEqual(other.problems, []);
    } finally {
      await other.close();
    }

    // The fragment follows edits (debounced replaceState), and localStorage keeps the state.
    await page.waitForFunction(() => location.hash.startsWith('#s=2.'));
    const again = await openPage('', { context: ctx });
    try {
      assert.equal(await policyBox(again.page).inputValue(), edited, 'restored from localStorage');
      assert.deepEqual(again.problems, []);
    } finally {
      await again.close();
    }
    assert.deepEqual(problems, []);
  } finally {
    await close();
  }
});

test('a share link on show follows later edits, and says it changed', async () => {
  const { page, problems, close } = await openPage();
  try {
    await page.getByRole('button', { name: 'Copy link' }).click();
    await page.waitForFunction(() => document.getElementById('share-url').value.includes('#s=2.'));
    const share = page.getByLabel('Share link', { exact: true });
    const first = await share.inputValue();
    await setPolicy(page, (await policyBox(page).inputValue()).replace('PublicReadForWebsite', 'ReadForWebsite'));
    await page.waitForFunction((old) => document.getElementById('share-url').value !== old, first);
    const now = await share.inputValue();
    assert.equal(now, await page.evaluate(() => location.href), 'the link is the page\'s current state');
    assert.match(await page.locator('#copy-status').textContent(), /^Changed since copied: .*copy it again\.$/);
    const other = await openPage(now.slice(now.indexOf('#')));
    try {
      assert.match(await policyBox(other.page).inputValue(), /"Sid": "ReadForWebsite"/);
    } finally {
      await other.close();
    }
    assert.deepEqual(problems, []);
  } finally {
    await close();
  }
});

test('a bad or old share link shows a message and loads the defaults', async () => {
  const defaults = (await presets()).find((p) => p.id === 'public-website').text;
  for (const [hash, why] of [['#s=1.not*base64', /damaged/], ['#s=1.AAAA', /damaged/], ['#s=0.abc', /version 0/], ['#s=3.abc', /version 3/],
    ['#s=', /damaged/]]) {
    const { page, problems, close } = await openPage(hash);
    try {
      const notice = page.getByRole('alert');
      await notice.waitFor();
      const text = await notice.textContent();
      assert.match(text, /Could not open this link/, hash);
      assert.match(text, why, hash);
      assert.equal(await policyBox(page).inputValue(), defaults, `${hash}: the default policy`);
      assert.equal(await access(page).getByTestId('read-verdict').getAttribute('data-verdict'), 'public');
      if (hash === '#s=1.AAAA') await page.screenshot({ path: path.join(ARTIFACTS, 'bad-link.png') });
      assert.deepEqual(problems, []);
    } finally {
      await close();
    }
  }
});

test('a bad link does not overwrite the last session in localStorage', async () => {
  const { ctx, page, close } = await openPage();
  try {
    await choosePreset(page, 'org-only');
    const edited = (await policyBox(page).inputValue()).replace('o-a1b2c3d4e5', 'o-kept');
    await setPolicy(page, edited);
    await page.waitForFunction(() => location.hash.startsWith('#s=2.'));
    const bad = await openPage('#s=2.AAAA', { context: ctx });
    try {
      const notice = bad.page.getByRole('alert');
      await notice.waitFor();
      assert.match(await notice.textContent(), /last session is kept/);
      // Give the debounced save every chance to run.
      await bad.page.waitForTimeout(1500);
    } finally {
      await bad.close();
    }
    const again = await openPage('', { context: ctx });
    try {
      assert.equal(await policyBox(again.page).inputValue(), edited, 'the last session survived the bad link');
      assert.deepEqual(again.problems, []);
    } finally {
      await again.close();
    }
  } finally {
    await close();
  }
});

test('policy text is shown as text, never as HTML', async () => {
  const { page, problems, close } = await openPage();
  try {
    const evil = '{"Version": "2012-10-17", "Statement": [{"Sid": "<img src=x onerror=alert(1)>", "Effect": "Allow",'
      + ' "Principal": "*", "Action": "s3:<b>Get</b>", "Resource": "arn:aws:s3:::b/<script>x</script>"}]}';
    await setPolicy(page, evil);
    assert.equal(await page.locator('main img, main b, main script').count(), 0);
    assert.match(await page.getByTestId('trace-row-0').textContent(), /<img src=x onerror=alert\(1\)>/);
    assert.deepEqual(problems, []);
  } finally {
    await close();
  }
});

test('keyboard and labels: every control is named; witness loads with the keyboard', async () => {
  const { page, problems, close } = await openPage();
  try {
    const unnamed = await page.evaluate(() => [...document.querySelectorAll('input, select, textarea, button')]
      .filter((e) => !e.hidden && e.type !== 'hidden')
      .filter((e) => !(e.labels?.length || e.getAttribute('aria-label') || e.getAttribute('aria-labelledby') || (e.tagName === 'BUTTON' && e.textContent.trim())))
      .map((e) => e.outerHTML.slice(0, 80)));
    assert.deepEqual(unnamed, []);
    for (const name of ['Principal', 'Action', 'Resource']) assert.equal(await field(page, name).count(), 1, name);
    await nextUpdate(page, () => field(page, 'Action').fill('s3:PutObject'));
    assert.equal(await decision(page).getAttribute('data-decision'), 'ImplicitDeny');
    const button = access(page).getByRole('button', { name: 'Load into request' }).first();
    await button.focus();
    await nextUpdate(page, () => page.keyboard.press('Enter'));
    assert.equal(await decision(page).getAttribute('data-decision'), 'Allow');
    assert.equal(await decision(page).getAttribute('aria-live'), 'polite');
    assert.match(await page.locator('footer').textContent(), /Engine: policycheck \d+\.\d+\.\d+ · Rules: \d+ rules, \d+\.\d+\.\d+/);
    assert.deepEqual(problems, []);
  } finally {
    await close();
  }
});

test('the decision banner, a live region, is rebuilt only when what it says changes', async () => {
  const { page, problems, close } = await openPage();
  try {
    assert.equal(await decision(page).getAttribute('data-decision'), 'Allow');
    // Mark the banner's node with a property (an attribute would change what it says).
    const kept = () => page.evaluate(() => document.querySelector('#decision .decision-main').__kept === true);
    await page.evaluate(() => { document.querySelector('#decision .decision-main').__kept = true; });
    // An edit that moves every statement but changes no decision: nothing re-announced.
    const text = await policyBox(page).inputValue();
    await setPolicy(page, text.replace('"Statement": [', '"Statement": [\n\n   '));
    assert.equal(await decision(page).getAttribute('data-decision'), 'Allow');
    assert.ok(await kept(), 'the banner was rebuilt although it says the same');
    // Its statement link selects the statement where it is now, not where it was.
    await decision(page).getByRole('button', { name: 'PublicReadForWebsite' }).click();
    const sel = await policyBox(page).evaluate((ta) => ta.value.slice(ta.selectionStart, ta.selectionEnd));
    assert.match(sel, /^\{\s*"Sid": "PublicReadForWebsite"[\s\S]*\}$/);
    // A new decision is a new banner.
    await nextUpdate(page, () => field(page, 'Action').fill('s3:PutObject'));
    assert.equal(await decision(page).getAttribute('data-decision'), 'ImplicitDeny');
    assert.equal(await kept(), false);
    assert.deepEqual(problems, []);
  } finally {
    await close();
  }
});

// ---------------------------------------------------------------- Compare view

const beforeBox = (page) => page.getByRole('textbox', { name: 'Before policy', exact: true });
const afterBox = (page) => page.getByRole('textbox', { name: 'After policy', exact: true });
const compareVerdict = (page) => page.getByRole('status', { name: 'Compare verdict', exact: true });
const addedList = (page) => page.getByRole('list', { name: 'Added access', exact: true });
const removedList = (page) => page.getByRole('list', { name: 'Removed access', exact: true });

/** Wait for the next Compare update (diffPolicies + render) after `action`. */
async function nextCompare(page, action) {
  await page.evaluate(() => {
    window.__nextCompare = new Promise((r) => document.addEventListener('policycheck:compared', (e) => r(e.detail), { once: true }));
  });
  await action();
  return page.evaluate(() => window.__nextCompare);
}

/** fixtures/diff/NAME: {before: old.json, after: new.json} (the CLI's diff scenarios). */
function diffPair(name) {
  const read = (f) => readFileSync(path.join(REPO_DIR, 'fixtures', 'diff', name, f), 'utf8');
  return { before: read('old.json'), after: read('new.json') };
}

async function openCompare(page) {
  await nextCompare(page, () => page.getByRole('tab', { name: 'Compare', exact: true }).click());
  assert.equal(await page.getByRole('tab', { name: 'Compare' }).getAttribute('aria-selected'), 'true');
  assert.equal(await decision(page).isVisible(), false, 'the Simulator is hidden');
}

async function comparePair(page, { before, after }) {
  await nextCompare(page, () => beforeBox(page).fill(before));
  await nextCompare(page, () => afterBox(page).fill(after));
}

test('compare: a dropped condition is new public read; its witness loads into the request and is Allowed', async () => {
  const { page, problems, close } = await openPage();
  try {
    await openCompare(page);
    // Opening Compare with an empty Before takes a snapshot: nothing new yet.
    assert.equal(await beforeBox(page).inputValue(), await afterBox(page).inputValue());
    assert.equal(await compareVerdict(page).getAttribute('data-verdict'), 'no-new');

    const pair = diffPair('condition-dropped');
    await comparePair(page, pair);
    assert.equal(await compareVerdict(page).getAttribute('data-verdict'), 'new');
    assert.match(await compareVerdict(page).textContent(), /New access: read for anyone on the internet \(public\)/);
    const item = addedList(page).getByTestId('added-0');
    assert.equal(await item.getAttribute('data-caller'), 'public');
    assert.equal(await item.getAttribute('data-level'), 'read');
    const text = await item.textContent();
    assert.match(text, /Read \(Read\) for anyone on the internet/, 'level and caller class');
    assert.match(text, /Granted by After's ReadViaEndpoint/, 'the responsible statement');
    assert.match(text, /Witness: anonymous runs s3:GetObject on arn:aws:s3:::example-reports\/\S+/, 'the witness');
    assert.equal(await addedList(page).getByTestId('added-1').count(), 0, 'one change');
    assert.match(await removedList(page).textContent(), /None/);
    await page.screenshot({ path: path.join(ARTIFACTS, 'compare-new-access.png'), fullPage: true });

    await nextUpdate(page, () => item.getByRole('button', { name: 'Load into request' }).click());
    assert.equal(await page.getByRole('tab', { name: 'Simulator' }).getAttribute('aria-selected'), 'true');
    await decision(page).and(page.locator('[data-decision="Allow"]')).waitFor();
    assert.match(await decision(page).textContent(), /Allowed.*ReadViaEndpoint/s);
    assert.equal(await policyBox(page).inputValue(), pair.after, 'evaluated against the After policy');
    assert.equal(await field(page, 'Principal').inputValue(), 'anonymous');
    assert.equal(await field(page, 'Action').inputValue(), 's3:GetObject');
    assert.equal(await page.evaluate(() => document.activeElement?.id), 'decision', 'the focus follows to the decision');
    assert.deepEqual(problems, []);
  } finally {
    await close();
  }
});

test('compare: a principal widened to "*" with the keyboard; removed access is listed and denied by After', async () => {
  const { page, problems, close } = await openPage();
  try {
    // Tabs are keyboard operable: focus the Simulator tab, arrow right to Compare.
    await page.getByRole('tab', { name: 'Simulator' }).focus();
    await nextCompare(page, () => page.keyboard.press('ArrowRight'));
    assert.equal(await page.getByRole('tab', { name: 'Compare' }).getAttribute('aria-selected'), 'true');
    assert.equal(await page.evaluate(() => document.activeElement?.id), 'tab-compare');
    await comparePair(page, diffPair('principal-widened'));
    assert.equal(await compareVerdict(page).getAttribute('data-verdict'), 'new');
    const item = addedList(page).locator('[data-caller="public"]');
    assert.equal(await item.count(), 1);
    assert.match(await item.textContent(), /Partner/);
    const button = item.getByRole('button', { name: 'Load into request' }).first();
    await button.focus();
    await nextUpdate(page, () => page.keyboard.press('Enter'));
    assert.equal(await decision(page).getAttribute('data-decision'), 'Allow');

    // The reverse change removes public read: no new access, the removal is listed, and
    // its witness (allowed by Before) is denied by After.
    await nextCompare(page, () => page.getByRole('tab', { name: 'Compare' }).click());
    const { before, after } = diffPair('principal-widened');
    await comparePair(page, { before: after, after: before });
    assert.equal(await compareVerdict(page).getAttribute('data-verdict'), 'no-new');
    assert.match(await compareVerdict(page).textContent(), /No new access.*some access was removed/s);
    const gone = removedList(page).locator('[data-caller="public"]');
    assert.equal(await gone.count(), 1);
    assert.match(await gone.textContent(), /allowed by Before, denied by After/);
    await nextUpdate(page, () => gone.getByRole('button', { name: 'Load into request' }).first().click());
    assert.notEqual(await decision(page).getAttribute('data-decision'), 'Allow');
    assert.deepEqual(problems, []);
  } finally {
    await close();
  }
});

test('compare: equivalent policies show no new access (and a preset pair from the menu)', async () => {
  const { page, problems, close } = await openPage();
  try {
    await openCompare(page);
    await comparePair(page, diffPair('equivalent-rewrite'));
    assert.equal(await compareVerdict(page).getAttribute('data-verdict'), 'no-new');
    assert.match(await compareVerdict(page).textContent(), /^\W*No new access/);
    assert.match(await addedList(page).textContent(), /None/);
    assert.match(await removedList(page).textContent(), /None/);
    // "Fill Before with" an example: Before is the example, After stays.
    const after = await afterBox(page).inputValue();
    await nextCompare(page, () => page.getByLabel('Fill the Before policy with').selectOption('public-website'));
    const website = (await presets()).find((p) => p.id === 'public-website').text;
    assert.equal(await beforeBox(page).inputValue(), website);
    assert.equal(await afterBox(page).inputValue(), after);
    assert.deepEqual(problems, []);
  } finally {
    await close();
  }
});

test('compare: a syntax error in Before is shown at its line and column, never as "no new access"', async () => {
  const { page, problems, close } = await openPage();
  try {
    await openCompare(page);
    const { after } = diffPair('equivalent-rewrite');
    // Line 3 has a doubled comma: the parser stops at the second one, column 29.
    const bad = '{\n  "Version": "2012-10-17",\n  "Statement": [{"Sid": "A",, "Effect": "Allow"}]\n}\n';
    await comparePair(page, { before: bad, after });
    assert.equal(await compareVerdict(page).getAttribute('data-verdict'), 'error');
    const verdict = await compareVerdict(page).textContent();
    assert.match(verdict, /Cannot compare.*Before policy is not valid.*line 3, column 29/s);
    assert.doesNotMatch(verdict, /No new access/i);
    const errors = page.getByRole('list', { name: 'Errors in the Before policy' });
    assert.equal(await errors.locator('li').count(), 1);
    assert.match(await errors.textContent(), /PC001.*line 3, column 29/s);
    assert.equal(await page.getByRole('list', { name: 'Errors in the After policy' }).isHidden(), true);
    assert.doesNotMatch(await addedList(page).textContent(), /None\./, 'no "none" for an error');
    // Clicking the error selects it in the Before editor.
    await errors.getByRole('button').click();
    const sel = await beforeBox(page).evaluate((ta) => [ta.selectionStart, ta.value.slice(ta.selectionStart, ta.selectionStart + 1)]);
    assert.deepEqual(sel, [bad.indexOf(',,') + 1, ',']);
    await page.screenshot({ path: path.join(ARTIFACTS, 'compare-error.png'), fullPage: true });
    // Fixed: the verdict comes back.
    await nextCompare(page, () => beforeBox(page).fill(after));
    assert.equal(await compareVerdict(page).getAttribute('data-verdict'), 'no-new');
    assert.deepEqual(problems, []);
  } finally {
    await close();
  }
});

test('compare: the view and the Before policy are in the share link and localStorage; version 1 links still open', async () => {
  const { ctx, page, problems, close } = await openPage();
  try {
    await openCompare(page);
    const pair = diffPair('condition-dropped');
    await comparePair(page, pair);
    const other = await openSharedCopy(page);
    try {
      const p2 = other.page;
      assert.equal(await p2.getByRole('tab', { name: 'Compare' }).getAttribute('aria-selected'), 'true');
      assert.equal(await beforeBox(p2).inputValue(), pair.before);
      assert.equal(await afterBox(p2).inputValue(), pair.after);
      await compareVerdict(p2).and(p2.locator('[data-verdict="new"]')).waitFor();
      assert.deepEqual(other.problems, []);
    } finally {
      await other.close();
    }
    await page.waitForFunction(() => location.hash.startsWith('#s=2.'));
    const again = await openPage('', { context: ctx });
    try {
      assert.equal(await beforeBox(again.page).inputValue(), pair.before, 'restored from localStorage');
      await compareVerdict(again.page).and(again.page.locator('[data-verdict="new"]')).waitFor();
    } finally {
      await again.close();
    }

    // A version 1 link (policy and request only, as pages before the Compare view made them).
    const v1 = await page.evaluate(async (policy) => {
      const json = JSON.stringify({ v: 1, engine: null, policy, request: { principal: 'anonymous', action: 's3:PutObject', resource: '', context: [] } });
      const res = new Response(new Blob([new TextEncoder().encode(json)]).stream().pipeThrough(new CompressionStream('deflate-raw')));
      const bytes = new Uint8Array(await res.arrayBuffer());
      return `#s=1.${btoa(String.fromCharCode(...bytes)).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '')}`;
    }, pair.after);
    const old = await openPage(v1);
    try {
      assert.equal(await policyBox(old.page).inputValue(), pair.after);
      assert.equal(await field(old.page, 'Action').inputValue(), 's3:PutObject');
      assert.equal(await old.page.getByRole('tab', { name: 'Simulator' }).getAttribute('aria-selected'), 'true');
      assert.equal(await old.page.locator('#notice').isHidden(), true, 'no message for a good old link');
      assert.deepEqual(old.problems, []);
    } finally {
      await old.close();
    }
    assert.deepEqual(problems, []);
  } finally {
    await close();
  }
});

test('compare: policy text from the editors is shown as text, never as HTML', async () => {
  const { page, problems, close } = await openPage();
  try {
    await openCompare(page);
    const evil = (sid, action) => `{"Version": "2012-10-17", "Statement": [{"Sid": "${sid}", "Effect": "Allow", "Principal": "*", `
      + `"Action": "${action}", "Resource": "arn:aws:s3:::b/<script>x</script>"}]}`;
    await comparePair(page, { before: evil('Before', 's3:GetObject'), after: evil('<img src=x onerror=alert(1)>', 's3:PutObject') });
    assert.equal(await compareVerdict(page).getAttribute('data-verdict'), 'new');
    assert.equal(await page.locator('main img, main script').count(), 0);
    assert.match(await addedList(page).textContent(), /<img src=x onerror=alert\(1\)>/);
    assert.deepEqual(problems, []);
  } finally {
    await close();
  }
});

/** A realistic policy of about `bytes` bytes: many statements, conditions, one public grant. */
function bigPolicy(bytes) {
  const statements = [{
    Sid: 'PublicAssets', Effect: 'Allow', Principal: '*', Action: 's3:GetObject', Resource: 'arn:aws:s3:::big-bucket-0/public/*',
  }];
  for (let i = 0; JSON.stringify({ Version: '2012-10-17', Statement: statements }, null, 2).length < bytes; i++) {
    const b = `big-bucket-${i % 4}`;
    statements.push(i % 4 === 3
      ? {
        Sid: `DenyOutsideVpce${i}`, Effect: 'Deny', Principal: '*', Action: 's3:*',
        Resource: [`arn:aws:s3:::${b}`, `arn:aws:s3:::${b}/*`],
        Condition: { StringNotEquals: { 'aws:SourceVpce': `vpce-0a1b2c3d4e5f6${String(i).padStart(4, '0')}` }, Bool: { 'aws:SecureTransport': 'true' } },
      }
      : {
        Sid: `TeamAccess${i}`, Effect: 'Allow',
        Principal: { AWS: [`arn:aws:iam::${String(100000000000 + i)}:role/team-${i}`, `arn:aws:iam::${String(200000000000 + i)}:root`] },
        Action: ['s3:GetObject', 's3:PutObject', 's3:ListBucket'],
        Resource: [`arn:aws:s3:::${b}`, `arn:aws:s3:::${b}/team-${i}/*`],
        Condition: { IpAddress: { 'aws:SourceIp': ['203.0.113.0/24', `10.${i % 256}.0.0/16`] } },
      });
  }
  return JSON.stringify({ Version: '2012-10-17', Statement: statements }, null, 2);
}

// The 16 ms target is measured and reported here (the `#` lines), not enforced: speed
// targets are met in benchmarks, and a shared CI machine's timing is noise. The assertion
// only catches a pathological regression (an update slower than a quarter second).
test('speed: a keystroke in a 20 KB policy updates diagnostics, decision and verdict (target 16 ms, reported)', async () => {
  const { page, problems, close } = await openPage();
  try {
    const text = bigPolicy(20_000);
    assert.ok(text.length >= 20_000 && text.length < 22_000, `policy size ${text.length}`);
    await setPolicy(page, text);
    assert.equal(await access(page).getByTestId('read-verdict').getAttribute('data-verdict'), 'public');
    const at = text.indexOf('"Sid": "TeamAccess0"') + '"Sid": "TeamAccess'.length;
    await policyBox(page).evaluate((ta, pos) => { ta.focus(); ta.setSelectionRange(pos, pos); }, at);
    const samples = [];
    for (let i = 0; i < 9; i++) {
      const d = await nextUpdate(page, () => page.keyboard.type('x'));
      assert.equal(d.reason, 'policy');
      samples.push(d);
    }
    // The request side too: a keystroke in the builder re-evaluates only.
    const reqSamples = [];
    await field(page, 'Resource').focus();
    await page.keyboard.press('End');
    for (let i = 0; i < 5; i++) reqSamples.push(await nextUpdate(page, () => page.keyboard.type('a')));
    const median = (xs) => { const s = [...xs].sort((a, b) => a - b); return s[Math.floor(s.length / 2)]; };
    const fmt = (xs) => xs.map((x) => x.toFixed(2)).join(', ');
    const total = samples.map((s) => s.total);
    console.log(`# 20 KB policy (${text.length} bytes): keystroke → updated page, per keystroke ms: ${fmt(total)}`);
    console.log(`#   median total ${median(total).toFixed(2)} ms (engine: lint ${median(samples.map((s) => s.lint)).toFixed(2)}, policyInfo ${median(samples.map((s) => s.info)).toFixed(2)}, `
      + `evaluate ${median(samples.map((s) => s.evaluate)).toFixed(2)}; page: render ${median(samples.map((s) => s.render)).toFixed(2)})`);
    console.log(`#   render parts: editor ${median(samples.map((s) => s.renderEditor)).toFixed(2)}, `
      + `decision+trace ${median(samples.map((s) => s.renderTrace)).toFixed(2)}, access ${median(samples.map((s) => s.renderAccess)).toFixed(2)}`);
    console.log(`#   request keystroke (evaluate + render): median ${median(reqSamples.map((s) => s.total)).toFixed(2)} ms`);
    await page.screenshot({ path: path.join(ARTIFACTS, 'big-policy.png') });
    assert.equal(await access(page).getByTestId('read-verdict').getAttribute('data-verdict'), 'public');
    assert.match(await page.getByTestId('trace-row-1').textContent(), /TeamAccessx+0/);
    assert.deepEqual(problems, []);
    const m = (k) => median(samples.map((s) => s[k])).toFixed(2);
    console.log(`#   target 16 ms: ${median(total) < 16 ? 'met' : 'MISSED'}`);
    assert.ok(median(total) < 250, `median update ${median(total).toFixed(2)} ms, regression bound 250 ms `
      + `(engine: lintPolicy ${m('lint')}, policyInfo ${m('info')}, evaluate ${m('evaluate')}; page: render ${m('render')})`);
  } finally {
    await close();
  }
});

// ---------------------------------------------------------------- audit 5 findings

const AUDIT_BUCKET = 'arn:aws:s3:::typed-bucket';
const typedPolicy = () => JSON.stringify({
  Version: '2012-10-17',
  Statement: [
    { Sid: 'AllowOffice', Effect: 'Allow', Principal: '*', Action: 's3:GetObject', Resource: `${AUDIT_BUCKET}/*`,
      Condition: { IpAddress: { 'aws:SourceIp': '203.0.113.0/24' } } },
    { Sid: 'DenyOutsideOffice', Effect: 'Deny', Principal: '*', Action: 's3:*', Resource: `${AUDIT_BUCKET}/*`,
      Condition: { NotIpAddress: { 'aws:SourceIp': '203.0.113.0/24' } } },
    { Sid: 'DenyAfter', Effect: 'Deny', Principal: '*', Action: 's3:*', Resource: `${AUDIT_BUCKET}/*`,
      Condition: { DateGreaterThan: { 'aws:CurrentTime': '2030-01-01T00:00:00Z' } } },
    { Sid: 'DenyOldTls', Effect: 'Deny', Principal: '*', Action: 's3:*', Resource: `${AUDIT_BUCKET}/*`,
      Condition: { NumericLessThan: { 's3:TlsVersion': '1.2' } } },
  ],
}, null, 2);

test('an invalid request (a pattern, an unknown or unprefixed action, no action, a non-ARN resource) cannot be evaluated', async () => {
  const { page, problems, close } = await openPage();
  try {
    const cases = [
      ['Action', 's3:Get*', /s3:Get\* is not an action: a request names one action, not a pattern/],
      ['Action', 's3:GetObjekt', /s3:GetObjekt is not an S3 action; did you mean s3:GetObject\?/],
      ['Action', 's3:HeadObject', /s3:HeadObject is not an S3 action: it is an API operation, which S3 checks as s3:GetObject/],
      ['Action', 'GetObject', /GetObject is not an action: expected service:ActionName/],
      ['Action', '', /no action: a request names one action/i],
      ['Resource', 'example-website/index.html', /example-website\/index\.html is not an ARN/],
    ];
    for (const [name, value, message] of cases) {
      await nextUpdate(page, () => field(page, name).fill(value));
      assert.equal(await decision(page).getAttribute('data-decision'), 'error', `${name} ${value}: not a decision`);
      assert.match(await decision(page).textContent(), /Cannot evaluate.*request is not valid/s, `${name} ${value}`);
      assert.doesNotMatch(await decision(page).textContent(), /denied/i, `${name} ${value}`);
      assert.equal(await decision(page).getAttribute('data-certain'), null, `${name} ${value}: no decision, certain or not`);
      const error = page.locator('#request-error');
      assert.match(await error.textContent(), message, `${name} ${value}`);
      assert.equal(await field(page, name).getAttribute('aria-invalid'), 'true', `${name} ${value}: the field is flagged`);
      assert.equal(await field(page, name).getAttribute('aria-errormessage'), 'request-error');
      for (const other of ['Principal', 'Action', 'Resource'].filter((f) => f !== name)) {
        assert.equal(await field(page, other).getAttribute('aria-invalid'), null, `${name} ${value}: ${other} is not flagged`);
      }
      // Back to a valid request.
      await nextUpdate(page, () => field(page, name).fill(name === 'Action' ? 's3:GetObject' : 'arn:aws:s3:::example-website/index.html'));
      assert.equal(await decision(page).getAttribute('data-decision'), 'Allow', `${name} ${value}: valid again`);
      assert.equal(await page.locator('#request-error').isHidden(), true);
      assert.equal(await field(page, name).getAttribute('aria-invalid'), null);
    }
    // Another service's action is a valid request (that no S3 policy statement matches).
    await nextUpdate(page, () => field(page, 'Action').fill('ec2:RunInstances'));
    assert.equal(await decision(page).getAttribute('data-decision'), 'ImplicitDeny');
    // A pattern in a policy whose condition cannot be evaluated: still not a (certain) deny.
    await choosePreset(page, 'typo-in-condition');
    await nextUpdate(page, () => field(page, 'Action').fill('s3:Get*'));
    assert.equal(await decision(page).getAttribute('data-decision'), 'error');
    assert.deepEqual(problems, []);
  } finally {
    await close();
  }
});

test('a * or ? in the request\'s resource: a hint that they are characters of the key, not wildcards', async () => {
  const { page, problems, close } = await openPage();
  try {
    const hint = page.locator('#resource-hint');
    assert.doesNotMatch(await hint.textContent(), /not wildcards/);
    await nextUpdate(page, () => field(page, 'Resource').fill('arn:aws:s3:::example-website/*'));
    assert.match(await hint.textContent(), /in a request \* and \? are characters of the object key, not wildcards/i);
    assert.equal(await decision(page).getAttribute('data-decision'), 'Allow', 'still evaluated, as the CLI does');
    await nextUpdate(page, () => field(page, 'Resource').fill('arn:aws:s3:::example-website/index.html'));
    assert.doesNotMatch(await hint.textContent(), /not wildcards/);
    assert.deepEqual(problems, []);
  } finally {
    await close();
  }
});

test('derived context keys follow the caller: replaced on each derive, refreshed when the principal or preset changes', async () => {
  const { page, problems, close } = await openPage();
  try {
    await setPolicy(page, JSON.stringify({
      Version: '2012-10-17',
      Statement: [{ Sid: 'AccountOnly', Effect: 'Allow', Principal: '*', Action: 's3:GetObject', Resource: 'arn:aws:s3:::acct-bucket/*',
        Condition: { StringEquals: { 'aws:PrincipalAccount': '444455556666' } } }],
    }, null, 2));
    const add = page.getByRole('button', { name: 'Add the keys AWS sets for this caller' });
    await nextUpdate(page, () => field(page, 'Principal').fill('arn:aws:sts::444455556666:assumed-role/Reader/s1'));
    await nextUpdate(page, () => add.click());
    await decision(page).and(page.locator('[data-decision="Allow"]')).waitFor();
    assert.equal(await page.locator('.ctx-row[data-derived="true"][data-key="aws:PrincipalArn"]').count(), 1, 'derived rows are marked');
    assert.match(await page.locator('.ctx-row[data-key="aws:PrincipalArn"]').textContent(), /set by AWS for this caller/);

    // Anonymous: the role's keys go, the anonymous caller's come.
    await nextUpdate(page, () => field(page, 'Principal').fill('anonymous'));
    await decision(page).and(page.locator('[data-decision="ImplicitDeny"]')).waitFor();
    assert.equal(await page.getByLabel('Include aws:PrincipalAccount').isChecked(), false);
    assert.equal(await page.locator('.ctx-row[data-key="aws:PrincipalArn"]').count(), 0);
    assert.equal(await field(page, 'aws:userid').inputValue(), 'anonymous');
    assert.equal(await field(page, 'aws:PrincipalType').inputValue(), 'Anonymous');
    await nextUpdate(page, () => add.click());
    assert.equal(await decision(page).getAttribute('data-decision'), 'ImplicitDeny');
    assert.equal(await page.getByLabel('Include aws:PrincipalAccount').isChecked(), false);

    // Back to the role: its keys again.
    await nextUpdate(page, () => field(page, 'Principal').fill('arn:aws:sts::444455556666:assumed-role/Reader/s1'));
    await decision(page).and(page.locator('[data-decision="Allow"]')).waitFor();
    assert.equal(await page.locator('.ctx-row[data-key="aws:userid"]').count(), 0, 'no userid for a role session');
    // A ready-made anonymous request drops them too.
    await nextUpdate(page, () => page.getByLabel('Ready-made request').selectOption('anon-get'));
    await decision(page).and(page.locator('[data-decision="ImplicitDeny"]')).waitFor();
    assert.equal(await page.getByLabel('Include aws:PrincipalAccount').isChecked(), false);
    assert.equal(await page.locator('.ctx-row[data-key="aws:PrincipalArn"]').count(), 0);

    // A value the user types into a derived row is theirs: it stays when the caller changes.
    await nextUpdate(page, () => field(page, 'aws:PrincipalAccount').fill('444455556666'));
    await nextUpdate(page, () => field(page, 'Principal').fill('arn:aws:iam::111122223333:user/alice'));
    assert.equal(await field(page, 'aws:PrincipalAccount').inputValue(), '444455556666');
    assert.equal(await field(page, 'aws:username').inputValue(), 'alice');
    assert.deepEqual(problems, []);
  } finally {
    await close();
  }
});

test('context values of the wrong type are flagged at the field; a cleared date is not sent', async () => {
  const { page, problems, close } = await openPage();
  try {
    await setPolicy(page, typedPolicy());
    const ip = field(page, 'aws:SourceIp');
    const ipRow = page.locator('.ctx-row[data-key="aws:SourceIp"]');
    await nextUpdate(page, () => ip.fill('203.0.113.7'));
    assert.equal(await ip.getAttribute('aria-invalid'), null);
    for (const [value, why] of [['not an ip', /not an IP address/], ['203.0.113.7.5', /not an IP address/],
      ['203.0.113.0/24', /a range, not an IP address/]]) {
      await nextUpdate(page, () => ip.fill(value));
      assert.equal(await ip.getAttribute('aria-invalid'), 'true', value);
      assert.match(await ipRow.textContent(), why, value);
      const msg = await ip.getAttribute('aria-errormessage');
      assert.ok(msg, `${value}: the message is linked to the field`);
      assert.match(await page.locator(`#${msg}`).textContent(), why);
      assert.match(await decision(page).textContent(), /aws:SourceIp.*not an IP address/s, `${value}: the decision says so`);
    }
    await nextUpdate(page, () => ip.fill('203.0.113.7'));
    assert.equal(await ip.getAttribute('aria-invalid'), null);
    assert.doesNotMatch(await decision(page).textContent(), /not an IP address/);

    // A cleared date field: flagged, and the key is left out (absent), never sent as "".
    const when = field(page, 'aws:CurrentTime');
    await nextUpdate(page, () => when.fill('2031-05-01T10:00:00'));
    await decision(page).and(page.locator('[data-decision="ExplicitDeny"]')).waitFor();
    await nextUpdate(page, () => when.fill(''));
    assert.equal(await when.getAttribute('aria-invalid'), 'true');
    assert.match(await page.locator('.ctx-row[data-key="aws:CurrentTime"]').textContent(), /not a date/);
    assert.equal(await page.getByLabel('Include aws:CurrentTime').isChecked(), false);
    assert.match(await page.locator('#missing-context').textContent(), /aws:CurrentTime/, 'the key is absent from the request');

    // A number key: an empty or bad number is flagged.
    const tls = field(page, 's3:TlsVersion');
    await nextUpdate(page, () => tls.fill('1.3'));
    assert.equal(await tls.getAttribute('aria-invalid'), null);
    await nextUpdate(page, () => tls.fill(''));
    assert.equal(await tls.getAttribute('aria-invalid'), 'true');
    assert.match(await page.locator('.ctx-row[data-key="s3:TlsVersion"]').textContent(), /not a number/);
    assert.deepEqual(problems, []);
  } finally {
    await close();
  }
});

/**
 * Paste `text` into the policy editor (the value set at once and one input event, as a paste
 * does; typing a large text with fill() takes far longer than a paste). Resolves after the
 * update and the next paint: {entry, ms} (the update's timings, paste → painted).
 */
async function pastePolicy(page, text) {
  return page.evaluate(async (t) => {
    const ta = document.getElementById('policy');
    const done = new Promise((r) => document.addEventListener('policycheck:updated', (e) => r(e.detail), { once: true }));
    const t0 = performance.now();
    ta.value = t;
    ta.dispatchEvent(new Event('input', { bubbles: true }));
    const entry = await done;
    await new Promise((r) => requestAnimationFrame(() => setTimeout(r, 0)));
    return { entry, ms: performance.now() - t0 };
  }, text);
}

test('a large policy: the trace shows the first statements and the deciding ones, with a button for all', async () => {
  const { page, problems, close } = await openPage();
  try {
    const text = bigPolicy(300_000);
    const { entry: d, ms } = await pastePolicy(page, text);
    const n = JSON.parse(text).Statement.length;
    const rows = page.locator('#trace li.trace-row');
    const shown = await rows.count();
    console.log(`# ${text.length} bytes, ${n} statements: update ${d.total.toFixed(0)} ms (render ${d.render.toFixed(0)}), `
      + `paste → painted ${ms.toFixed(0)} ms, ${shown} trace rows`);
    assert.ok(shown <= 110, `the trace is capped (${shown} rows of ${n})`);
    const all = page.getByRole('button', { name: `Show all ${n} statements` });
    assert.equal(await all.count(), 1);
    assert.equal(await page.locator('#policy-layer').evaluate((e) => e.textContent.length < 1000), true, 'no underline layer for a text this size');
    await all.click();
    assert.equal(await rows.count(), n, 'all rows on request');
    // A small policy again: no cap, no button.
    await choosePreset(page, 'public-website');
    assert.equal(await page.getByRole('button', { name: /^Show all/ }).count(), 0);
    assert.ok(await page.locator('#policy-layer').evaluate((e) => e.textContent.length > 100), 'the layer is back');
    assert.deepEqual(problems, []);
  } finally {
    await close();
  }
});

test('a policy over 1 MiB: not kept or linked, with a message; a stored or linked one says "too large"', async () => {
  const { ctx, page, problems, close } = await openPage();
  try {
    await page.waitForFunction(() => location.hash.startsWith('#s=2.'));
    const huge = bigPolicy(1_100_000);
    const { ms } = await pastePolicy(page, huge);
    console.log(`# ${huge.length} bytes: paste → painted ${ms.toFixed(0)} ms`);
    const notice = page.getByRole('alert');
    await notice.waitFor();
    assert.match(await notice.textContent(), /too large to keep/);
    assert.equal(await page.evaluate(() => location.hash), '', 'no link for it');
    const stored = await page.evaluate(() => localStorage.getItem('policycheck.state.v1') ?? '');
    assert.ok(stored.length < 1 << 20, 'not stored');
    await page.getByRole('button', { name: 'Copy link' }).click();
    await page.locator('#copy-status').filter({ hasText: /too large to share/ }).waitFor();
    assert.equal(await page.getByLabel('Share link', { exact: true }).isHidden(), true);

    // A stored session over the limit: said so, not silently replaced by the defaults.
    await page.evaluate((policy) => localStorage.setItem('policycheck.state.v1', JSON.stringify({ v: 2, policy, request: {} })), huge);
    const again = await openPage('', { context: ctx });
    try {
      const n = again.page.getByRole('alert');
      await n.waitFor();
      assert.match(await n.textContent(), /last session could not be restored.*too large/s);
    } finally {
      await again.close();
    }
    // A link over the limit.
    const link = await page.evaluate(async (policy) => {
      const json = JSON.stringify({ v: 2, engine: null, policy, request: {} });
      const res = new Response(new Blob([new TextEncoder().encode(json)]).stream().pipeThrough(new CompressionStream('deflate-raw')));
      const bytes = new Uint8Array(await res.arrayBuffer());
      let s = '';
      for (let i = 0; i < bytes.length; i += 0x8000) s += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
      return `#s=2.${btoa(s).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '')}`;
    }, huge);
    const linked = await openPage(link);
    try {
      const n = linked.page.getByRole('alert');
      await n.waitFor();
      assert.match(await n.textContent(), /Could not open this link: its policy is too large/);
    } finally {
      await linked.close();
    }
    assert.deepEqual(problems, []);
  } finally {
    await close();
  }
});

test('at 360 px the page does not scroll sideways (Examples menu, toolbar, share field, Compare)', async () => {
  const ctx = await browser.newContext({ viewport: { width: 360, height: 740 } });
  const { page, problems, close } = await openPage('', { context: ctx });
  try {
    const overflow = () => page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    assert.ok(await overflow() <= 0, `default page: ${await overflow()} px too wide`);
    await page.getByRole('button', { name: 'Copy link' }).click();
    await page.waitForFunction(() => document.getElementById('share-url').value.includes('#s=2.'));
    assert.ok(await overflow() <= 0, `with the share field: ${await overflow()} px too wide`);
    await nextCompare(page, () => page.getByRole('tab', { name: 'Compare', exact: true }).click());
    assert.ok(await overflow() <= 0, `Compare: ${await overflow()} px too wide`);
    await page.screenshot({ path: path.join(ARTIFACTS, 'narrow-360.png'), fullPage: true });
    assert.deepEqual(problems, []);
  } finally {
    await close();
    await ctx.close();
  }
});

test('findings show the CLI\'s character column; the verdict says "Can\'t tell"', async () => {
  const { page, problems, close } = await openPage();
  try {
    const line3 = '  "Statement": [{"Sid": "🙂é", "Effect": "Allow", "Principal": "*", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::b/*"}]';
    const text = `{\n  "Version": "2012-10-17",\n${line3}\n}\n`;
    await setPolicy(page, text);
    const item = page.locator('#diagnostics li.diag[data-code="PC101"]');
    const f = await item.evaluate((li) => li.finding);
    assert.equal(f.line, 3);
    assert.notEqual(f.column, f.column_utf16, 'the emoji is two UTF-16 units');
    assert.match(await item.locator('.diag-where').textContent(), new RegExp(`^line 3, column ${f.column}$`));
    const lineStart = text.lastIndexOf('\n', f.start_utf16 - 1) + 1;
    assert.equal(f.column, [...text.slice(lineStart, f.start_utf16)].length + 1, 'characters, as the CLI counts');

    await choosePreset(page, 'typo-in-condition');
    const verdict = access(page).getByTestId('access-verdict');
    assert.equal(await verdict.getAttribute('data-verdict'), 'unknown');
    assert.equal(await verdict.locator('.verdict-word').textContent(), 'Can\u2019t tell');
    assert.doesNotMatch(await access(page).textContent(), /Unknown/);
    await setPolicy(page, '{');
    assert.equal(await verdict.locator('.verdict-word').textContent(), 'Can\u2019t tell');
    assert.doesNotMatch(await access(page).textContent(), /Unknown/);
    assert.deepEqual(problems, []);
  } finally {
    await close();
  }
});

test('long names wrap: a long Sid does not widen the page, a long key leaves the value usable', async () => {
  const { page, problems, close } = await openPage();
  try {
    const sid = `Sid${'VeryLongStatementName'.repeat(12)}`;
    const key = `aws:PrincipalTag/${'department-cost-center-'.repeat(4)}x`;
    await setPolicy(page, JSON.stringify({
      Version: '2012-10-17',
      Statement: [{ Sid: sid, Effect: 'Allow', Principal: '*', Action: 's3:GetObject', Resource: 'arn:aws:s3:::b/*',
        Condition: { StringEquals: { [key]: 'x' } } }],
    }, null, 2));
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    assert.ok(overflow <= 0, `the page is ${overflow} px too wide`);
    const width = await field(page, key).evaluate((e) => e.getBoundingClientRect().width);
    assert.ok(width >= 120, `the value input is ${width} px wide`);
    assert.deepEqual(problems, []);
  } finally {
    await close();
  }
});

test('the Public-access panel\'s statement links work while the request is invalid', async () => {
  const { page, problems, close } = await openPage();
  try {
    await nextUpdate(page, () => field(page, 'Principal').fill('bob'));
    assert.equal(await decision(page).getAttribute('data-decision'), 'error');
    await access(page).locator('.reasons').getByRole('button', { name: 'PublicReadForWebsite' }).first().click();
    const sel = await policyBox(page).evaluate((ta) => ta.value.slice(ta.selectionStart, ta.selectionEnd));
    assert.match(sel, /^\{\s*"Sid": "PublicReadForWebsite"[\s\S]*\}$/);
    // Also for a policy never evaluated with a valid request.
    await setPolicy(page, (await policyBox(page).inputValue()).replace('PublicReadForWebsite', 'ReadForWebsite'));
    await access(page).locator('.reasons').getByRole('button', { name: 'ReadForWebsite' }).first().click();
    const sel2 = await policyBox(page).evaluate((ta) => ta.value.slice(ta.selectionStart, ta.selectionEnd));
    assert.match(sel2, /^\{\s*"Sid": "ReadForWebsite"[\s\S]*\}$/);
    assert.deepEqual(problems, []);
  } finally {
    await close();
  }
});

/** `#s=<version>.<payload>` for a link holding `json` (an object or raw text), made in Node. */
function linkFragment(json, version = 2) {
  const text = typeof json === 'string' ? json : JSON.stringify({ v: version, ...json });
  return `#s=${version}.${deflateRawSync(Buffer.from(text)).toString('base64url')}`;
}

/** The state the page's URL fragment carries (decoded by the page's own code). */
const linkedState = (page) => page.evaluate(async () => (await import('./src/share.js')).decodeFragment(location.hash));

test('the Examples menu never loses the user\'s policy: a stray arrow key offers it back, and it stays saved', async () => {
  const { page, problems, close } = await openPage();
  try {
    const mine = JSON.stringify({ Version: '2012-10-17', Statement: [{ Sid: 'MyPreciousWork', Effect: 'Allow', Principal: '*',
      Action: 's3:GetObject', Resource: 'arn:aws:s3:::mine/*' }] }, null, 2);
    await setPolicy(page, mine);
    await nextUpdate(page, () => field(page, 'Resource').fill('arn:aws:s3:::mine/kept.txt'));
    await page.waitForFunction(() => JSON.parse(localStorage.getItem('policycheck.state.v1') ?? '{}').policy?.includes('MyPreciousWork'));
    const menu = page.getByLabel('Examples', { exact: true });
    assert.equal(await menu.inputValue(), '', 'the menu says "Your own policy"');

    // A keyboard user passing over the closed menu: ArrowDown changes it (Chromium).
    await menu.focus();
    await nextUpdate(page, () => page.keyboard.press('ArrowDown'));
    const first = (await presets())[0];
    assert.equal(await policyBox(page).inputValue(), first.text, 'the example is shown');
    assert.equal(await menu.inputValue(), first.id);
    const notice = page.getByRole('alert');
    assert.match(await notice.textContent(), /replaced your policy/);
    const restore = notice.getByRole('button', { name: 'Restore your policy' });
    assert.equal(await restore.isVisible(), true);
    // The debounced save has every chance to run: neither storage nor the URL loses the work.
    await page.waitForTimeout(1000);
    assert.match(await page.evaluate(() => localStorage.getItem('policycheck.state.v1')), /MyPreciousWork/, 'kept in storage');
    assert.match((await linkedState(page)).policy, /MyPreciousWork/, 'kept in the URL a reload reads');

    // Back to "Your own policy" with the arrow key: the user's policy and request again.
    await nextUpdate(page, () => page.keyboard.press('ArrowUp'));
    assert.equal(await policyBox(page).inputValue(), mine);
    assert.equal(await field(page, 'Resource').inputValue(), 'arn:aws:s3:::mine/kept.txt');
    assert.equal(await menu.inputValue(), '');
    assert.equal(await notice.isHidden(), true);

    // Down twice (two examples in a row), then the button: still the user's policy.
    await nextUpdate(page, () => page.keyboard.press('ArrowDown'));
    await nextUpdate(page, () => page.keyboard.press('ArrowDown'));
    assert.equal(await menu.inputValue(), (await presets())[1].id, 'the menu names the example shown');
    await nextUpdate(page, () => restore.click());
    assert.equal(await policyBox(page).inputValue(), mine);
    assert.equal(await menu.inputValue(), '');

    // Once dismissed, the example shown is what is kept.
    await menu.focus();
    await nextUpdate(page, () => page.keyboard.press('ArrowDown'));
    await page.getByRole('button', { name: 'Dismiss message' }).click();
    await menu.focus();
    await page.waitForFunction((t) => JSON.parse(localStorage.getItem('policycheck.state.v1') ?? '{}').policy === t, first.text);
    // From one example to another there is nothing to restore.
    await nextUpdate(page, () => page.keyboard.press('ArrowDown'));
    assert.equal(await notice.isHidden(), true);
    // "Your own policy" with no policy of theirs to bring back: the menu keeps naming the example.
    await nextUpdate(page, () => page.keyboard.press('ArrowUp'));
    await page.keyboard.press('ArrowUp');
    assert.equal(await menu.inputValue(), first.id);
    assert.equal(await policyBox(page).inputValue(), first.text);
    assert.deepEqual(problems, []);
  } finally {
    await close();
  }
});

test('a link opened in a tab in use replaces the whole request, as in a fresh tab', async () => {
  const policy = JSON.stringify({ Version: '2012-10-17', Statement: [{ Sid: 'ViaEndpoint', Effect: 'Allow', Principal: '*',
    Action: 's3:GetObject', Resource: 'arn:aws:s3:::vpce-bucket/*', Condition: { StringEquals: { 'aws:SourceVpce': 'vpce-1' } } }] }, null, 2);
  const link = linkFragment({ policy, request: { principal: 'anonymous', action: 's3:GetObject', resource: '', context: [] } });
  const fresh = await openPage(link);
  let expected;
  try {
    expected = await decision(fresh.page).getAttribute('data-decision');
    assert.equal(expected, 'ImplicitDeny', 'the key is absent');
  } finally {
    await fresh.close();
  }
  const { page, problems, close } = await openPage();
  try {
    for (const key of ['aws:SourceVpce', 'aws:PrincipalOrgID']) {
      await field(page, 'Add a key').fill(key);
      await nextUpdate(page, () => field(page, 'Add a key').press('Enter'));
    }
    await nextUpdate(page, () => field(page, 'aws:SourceVpce').fill('vpce-1'));
    await nextUpdate(page, () => page.evaluate((h) => { location.hash = h; }, link));
    assert.equal(await decision(page).getAttribute('data-decision'), expected);
    assert.equal(await page.getByLabel('Include aws:SourceVpce').isChecked(), false, 'the link does not set it');
    assert.equal(await page.locator('.ctx-row[data-key="aws:PrincipalOrgID"]').count(), 0, 'no row from before the link');
    assert.deepEqual(problems, []);
  } finally {
    await close();
  }
});

test('a Sid used twice: the banner, its link and the trace name the statement that decides', async () => {
  const policy = JSON.stringify({ Version: '2012-10-17', Statement: [
    { Sid: 'Same', Effect: 'Allow', Principal: '*', Action: 's3:GetObject', Resource: 'arn:aws:s3:::dup-bucket/*' },
    { Sid: 'Same', Effect: 'Deny', Principal: '*', Action: 's3:PutObject', Resource: 'arn:aws:s3:::dup-bucket/*' },
    { Effect: 'Allow', Principal: '*', Action: 's3:PutObject', Resource: 'arn:aws:s3:::dup-bucket/*' },
  ] }, null, 2);
  const { page, problems, close } = await openPage();
  try {
    await setPolicy(page, policy);
    await nextUpdate(page, () => field(page, 'Action').fill('s3:PutObject'));
    assert.equal(await decision(page).getAttribute('data-decision'), 'ExplicitDeny');
    assert.match(await decision(page).textContent(), /Explicitly denied.*Same \(statement 1\)/s);
    assert.doesNotMatch(await decision(page).textContent(), /statement 0/);
    assert.equal(await page.locator('#trace .det-badge').count(), 1, 'one statement decides');
    assert.match(await page.getByTestId('trace-row-1').locator('.det-badge').textContent(), /decides: denies/);
    await decision(page).getByRole('button', { name: 'Same (statement 1)' }).click();
    const sel = await policyBox(page).evaluate((ta) => ta.value.slice(ta.selectionStart, ta.selectionEnd));
    assert.match(sel, /"Effect": "Deny"/, 'the link selects the Deny');
    assert.deepEqual(problems, []);
  } finally {
    await close();
  }
});

test('context values: spaces around an address are not sent, numbers keep what was typed, added keys are typed, __proto__ is a key', async () => {
  const { page, problems, close } = await openPage();
  try {
    await setPolicy(page, typedPolicy());
    await nextUpdate(page, () => field(page, 'Resource').fill(`${AUDIT_BUCKET}/a.txt`));
    await nextUpdate(page, () => field(page, 's3:TlsVersion').fill('1.3'));
    const ip = field(page, 'aws:SourceIp');
    for (const value of ['203.0.113.9', ' 203.0.113.9', '203.0.113.9 ']) {
      await nextUpdate(page, () => ip.fill(value));
      assert.equal(await ip.getAttribute('aria-invalid'), null, JSON.stringify(value));
      assert.equal(await decision(page).getAttribute('data-decision'), 'Allow', `${JSON.stringify(value)} is the address checked`);
    }
    // Malformed numbers are said to be so, not "empty", and `1,5` is not read as 15.
    const tls = field(page, 's3:TlsVersion');
    const tlsRow = page.locator('.ctx-row[data-key="s3:TlsVersion"]');
    for (const value of ['--3', '12e', '1,5']) {
      await nextUpdate(page, () => tls.fill(value));
      assert.equal(await tls.inputValue(), value, 'the field keeps what was typed');
      assert.equal(await tls.getAttribute('aria-invalid'), 'true', value);
      assert.match(await tlsRow.textContent(), /is not a number/, value);
      assert.doesNotMatch(await tlsRow.textContent(), /Empty/, value);
    }
    // A key added by hand is typed as the same key from a link is.
    await setPolicy(page, JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: '*', Action: 's3:GetObject',
      Resource: 'arn:aws:s3:::b/*', Condition: { StringEquals: { __proto__: null, ['__proto__']: 'x' } } }] }));
    await nextUpdate(page, () => field(page, 'Resource').fill('arn:aws:s3:::b/x'));
    await field(page, 'Add a key').fill('aws:SourceIp');
    await nextUpdate(page, () => field(page, 'Add a key').press('Enter'));
    const added = page.locator('.ctx-row[data-key="aws:SourceIp"]');
    assert.match(await added.locator('.ctx-type').textContent(), /IPAddress/);
    await nextUpdate(page, () => field(page, 'aws:SourceIp').fill('not-an-ip'));
    assert.equal(await field(page, 'aws:SourceIp').getAttribute('aria-invalid'), 'true');
    assert.match(await added.textContent(), /not an IP address/);
    // `__proto__` read by the policy: ticked and filled in, it is in the request.
    const proto = page.locator('.ctx-row[data-key="__proto__"] input[type="text"]');
    await nextUpdate(page, () => proto.fill('x'));
    assert.equal(await page.getByLabel('Include __proto__').isChecked(), true);
    assert.equal(await decision(page).getAttribute('data-decision'), 'Allow');
    assert.equal(await page.locator('#missing-context').isHidden(), true);
    assert.deepEqual(problems, []);
  } finally {
    await close();
  }
});

test('bad links say why: too large once decompressed (and quickly), not JSON, not decompressible', async () => {
  // 200 MB of spaces in a link of a few hundred KB: the page stops reading long before.
  const bomb = `#s=2.${deflateRawSync(Buffer.concat([Buffer.from('{"v":2,"policy":"'), Buffer.alloc(200 << 20, 0x20)]), { level: 9 }).toString('base64url')}`;
  for (const [hash, why] of [[bomb, /too large/], [linkFragment('hello, not JSON'), /damaged \(not JSON\)/],
    ['#s=2.AAAAAAAA', /damaged \(it could not be decompressed\)/], ['#s=2.A', /damaged \(not base64url\)/]]) {
    const t0 = Date.now();
    const { page, problems, close } = await openPage(hash);
    try {
      const text = await page.getByRole('alert').textContent();
      assert.match(text, /Could not open this link/);
      assert.match(text, why, hash.slice(0, 40));
      if (hash === bomb) {
        console.log(`# a ${hash.length}-byte link that inflates to 200 MB: refused in ${Date.now() - t0} ms`);
        assert.ok(Date.now() - t0 < 5000, 'refused without inflating it all');
      }
      assert.deepEqual(problems, []);
    } finally {
      await close();
    }
  }
});

test('the Ready-made request and Browse menus work with the arrow keys', async () => {
  const { page, problems, close } = await openPage();
  try {
    const menu = page.getByLabel('Ready-made request', { exact: true });
    await menu.focus();
    for (let i = 0; i < 3; i++) await nextUpdate(page, () => page.keyboard.press('ArrowDown'));
    assert.equal(await field(page, 'Action').inputValue(), 's3:ListBucket', 'the third request');
    assert.equal(await menu.inputValue(), 'anon-list', 'the menu shows it while it has the focus');
    await page.keyboard.press('Tab');
    assert.equal(await menu.inputValue(), '', 'back to its placeholder once left');
    const browse = page.getByLabel('Browse the S3 catalogue by access level', { exact: true });
    await browse.focus();
    await nextUpdate(page, () => page.keyboard.press('ArrowDown'));
    await nextUpdate(page, () => page.keyboard.press('ArrowDown'));
    const second = await browse.evaluate((s) => s.options[2].value);
    assert.equal(await field(page, 'Action').inputValue(), second);
    assert.deepEqual(problems, []);
  } finally {
    await close();
  }
});
