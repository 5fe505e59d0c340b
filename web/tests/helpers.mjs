// Shared helpers for the web tests (node:test): paths, a static server for web/, a
// headless Chromium driven by playwright-core, and the CLI. Imported by the API, parity,
// SARIF and browser tests.
import { spawn, spawnSync } from 'node:child_process';
import { createServer } from 'node:net';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import path from 'node:path';

/** web/ */
export const WEB_DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
/** The repository root. */
export const REPO_DIR = path.resolve(WEB_DIR, '..');
/** The release CLI that `scripts/web.sh test` builds (override with POLICYCHECK_BIN). */
export const CLI =
  process.env.POLICYCHECK_BIN ??
  path.join(process.env.CARGO_TARGET_DIR ? path.resolve(REPO_DIR, process.env.CARGO_TARGET_DIR) : path.join(REPO_DIR, 'target'),
    'release', 'policycheck');
/** Chromium's binary: Debian's, unless CHROMIUM_PATH says otherwise. */
export const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
/** Flags that keep Chromium quiet, sandbox-free (root in CI) and off the network. */
export const CHROMIUM_ARGS = [
  '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
  '--disable-background-networking', '--disable-component-update', '--disable-sync',
];

/** A free TCP port on 127.0.0.1 (the OS picks; there is a small race, which is fine here). */
export function freePort() {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.unref();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address();
      srv.close(() => resolve(port));
    });
  });
}

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/**
 * Serve `dir` (default web/) with `python3 -m http.server` on 127.0.0.1 and a free port;
 * resolves once it answers. `stop()` ends the server (and only it).
 * @param {{dir?: string, timeoutMs?: number}} [options]
 * @returns {Promise<{base: string, port: number, stop: () => Promise<void>}>}
 */
export async function startServer({ dir = WEB_DIR, timeoutMs = 10_000 } = {}) {
  const port = await freePort();
  const child = spawn('python3', ['-m', 'http.server', String(port), '--bind', '127.0.0.1', '--directory', dir], {
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  child.stderr.on('data', (d) => { stderr = (stderr + d).slice(-4000); });
  let exited = false;
  child.on('exit', () => { exited = true; });
  const base = `http://127.0.0.1:${port}`;
  const stop = async () => {
    if (exited) return;
    const gone = new Promise((r) => child.once('exit', r));
    child.kill('SIGTERM');
    await Promise.race([gone, sleep(2000)]);
    if (!exited) child.kill('SIGKILL');
  };
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (exited) throw new Error(`http.server exited early: ${stderr}`);
    try {
      const res = await fetch(`${base}/`, { signal: AbortSignal.timeout(1000) });
      await res.arrayBuffer();
      return { base, port, stop };
    } catch (e) {
      if (Date.now() > deadline) {
        await stop();
        throw new Error(`http.server did not answer on ${base} within ${timeoutMs} ms: ${e}`);
      }
      await sleep(100);
    }
  }
}

/**
 * Launch headless Chromium (Debian's; never a downloaded browser) with a fresh temporary
 * profile. Close it with `await browser.close()`.
 * @param {import('playwright-core').LaunchOptions} [options] extra launch options
 * @returns {Promise<import('playwright-core').Browser>}
 */
export async function launchBrowser(options = {}) {
  if (!existsSync(CHROMIUM_PATH)) {
    throw new Error(`no Chromium at ${CHROMIUM_PATH}: run scripts/web.sh test (it installs Debian's chromium) or set CHROMIUM_PATH`);
  }
  const { chromium } = await import('playwright-core');
  return chromium.launch({
    executablePath: CHROMIUM_PATH,
    headless: true,
    ...options,
    args: [...CHROMIUM_ARGS, ...(options.args ?? [])],
  });
}

/**
 * Run the policycheck CLI synchronously.
 * @param {string[]} args
 * @param {{cwd?: string, input?: string}} [options]
 * @returns {{status: number|null, stdout: string, stderr: string}}
 */
export function runCli(args, { cwd = REPO_DIR, input } = {}) {
  if (!existsSync(CLI)) throw new Error(`no CLI at ${CLI}: build it with cargo build --release -p policycheck-cli`);
  const r = spawnSync(CLI, args, { cwd, input, encoding: 'utf8', maxBuffer: 256 * 1024 * 1024, env: { ...process.env, NO_COLOR: '1' } });
  if (r.error) throw r.error;
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}
