// policycheck simulator page: wires the WASM engine (engine.js) to the editor, the
// request builder, the decision banner, the trace and the public-access panel.
// Plain ES modules, no bundler; every asset is local (see index.html's CSP).
import { loadEngine } from './engine.js';
import { PRESETS } from './presets/presets.js';
import { h, replace, debounce } from './src/dom.js';
import { OffsetMap } from './src/text.js';
import { Editor } from './src/editor.js';
import { RequestBuilder } from './src/request.js';
import { renderDecision, renderAccess, TraceView } from './src/results.js';
import { encodeState, decodeFragment, saveLocal, loadLocal, normalizeState } from './src/share.js';

const POLICY_DEBOUNCE_MS = 150; // typing in the editor
const REQUEST_DEBOUNCE_MS = 120; // typing in the request builder
const SAVE_DEBOUNCE_MS = 400; // URL fragment and localStorage
const DEFAULT_PRESET = 'public-website';

const $ = (id) => document.getElementById(id);

// Timings of the last updates, for people (footer) and for the browser test.
const timings = { last: null, history: [] };
window.__policycheckTimings = timings;

let engine = null;
let editor = null;
let builder = null;
let trace = null;
let lastText = null; // text of the last lint
let lastLint = null; // lint answer for lastText
let lastInfo = null; // policyInfo answer for lastText
let lastEval = null; // last evaluate answer
let lintShown = null; // the lint answer on screen
let offsets = null; // byte → UTF-16 map for lastText (built lazily)

function defaultState() {
  const preset = PRESETS.find((p) => p.id === DEFAULT_PRESET) ?? PRESETS[0];
  return {
    policy: preset?.text ?? '{\n  "Version": "2012-10-17",\n  "Statement": []\n}\n',
    request: { principal: 'anonymous', action: 's3:GetObject', resource: '', context: [] },
    engine: null,
  };
}

// ---------------------------------------------------------------------------
// Messages

function notify(text, kind = 'warning') {
  const box = $('notice');
  box.hidden = false;
  box.className = `notice notice-${kind}`;
  $('notice-text').textContent = text;
}

function clearNotice() {
  $('notice').hidden = true;
  $('notice-text').textContent = '';
}

// ---------------------------------------------------------------------------
// The update: lint, policy info, evaluate, render. Synchronous and timed.

/** Select a byte span of the current policy text in the editor. */
function selectBytes(span) {
  if (!span) return;
  if (typeof span.start_utf16 === 'number' && lastText === editor.value) {
    editor.select(span.start_utf16, span.end_utf16); // engine.js adds these
    return;
  }
  if (!offsets || offsets.text !== editor.value) offsets = new OffsetMap(editor.value);
  editor.select(offsets.utf16(span.start), offsets.utf16(span.end));
}

function selectStatement(index) {
  const st = lastEval?.type === 'success' ? lastEval.evaluation.statements.find((s) => s.index === index) : null;
  if (st) selectBytes(st.span);
}

/** Which request field an engine request error points at (its span is into the JSON we sent). */
function fieldOfError(requestText, err) {
  const d = err?.diagnostic;
  if (!d) return null;
  const at = d.start_utf16 ?? 0;
  let found = null; // the last field that starts before the error
  for (const f of ['principal', 'action', 'resource', 'context']) {
    const i = requestText.indexOf(`"${f}":`);
    if (i >= 0 && at >= i) found = f;
  }
  return found;
}

function update(reason = 'edit') {
  if (!engine) return;
  const t0 = performance.now();
  const text = editor.value;
  let tLint = 0;
  let tInfo = 0;
  if (text !== lastText) {
    const a = performance.now();
    lastLint = engine.lintPolicy('policy.json', text);
    const a1 = performance.now();
    lastInfo = engine.policyInfo(text);
    tLint = a1 - a;
    tInfo = performance.now() - a1;
    lastText = text;
    offsets = null;
    builder.setPolicyInfo(lastInfo?.type === 'success' ? lastInfo : null);
  }
  const req = builder.request();
  const reqText = JSON.stringify(req);
  const b = performance.now();
  lastEval = engine.evaluate(text, reqText);
  const tEval = performance.now() - b;

  const c = performance.now();
  const report = lastLint?.type === 'success' ? lastLint.report : null;
  if (lintShown !== lastLint) editor.render(text, report?.findings ?? []); // the findings change only with the text
  const c1 = performance.now();
  renderDecision($('decision'), lastEval, { onStatement: (st) => selectBytes(st.span) });
  trace.render(lastEval);
  const c2 = performance.now();
  if (lintShown !== lastLint) renderAccess($('access'), report, { onLoad: loadWitness, onStatement: selectStatement });
  lintShown = lastLint;
  if (lastEval?.type === 'success') {
    builder.showMissing(lastEval.missing_context);
    builder.showError('', null);
  } else {
    builder.showMissing([]);
    const reqErr = (lastEval?.errors ?? []).find((e) => e.source === 'request');
    builder.showError(reqErr?.diagnostic?.message ?? '', reqErr ? fieldOfError(reqText, reqErr) : null);
  }
  const t1 = performance.now();
  const entry = {
    reason, total: t1 - t0, lint: tLint, info: tInfo, evaluate: tEval, render: t1 - c, bytes: text.length,
    renderEditor: c1 - c, renderTrace: c2 - c1, renderAccess: t1 - c2,
  };
  timings.last = entry;
  timings.history.push(entry);
  if (timings.history.length > 200) timings.history.shift();
  $('timing').textContent = `last update ${entry.total.toFixed(1)} ms`;
  document.dispatchEvent(new CustomEvent('policycheck:updated', { detail: entry }));
  scheduleSave();
}

const updatePolicySoon = debounce(() => update('policy'), POLICY_DEBOUNCE_MS);
const updateRequestSoon = debounce(() => update('request'), REQUEST_DEBOUNCE_MS);

function updateNow(reason) {
  updatePolicySoon.cancel();
  updateRequestSoon.cancel();
  update(reason);
}

function loadWitness(req) {
  builder.load(req);
  updateNow('witness');
  $('decision').scrollIntoView({ block: 'nearest', behavior: 'instant' });
}

// ---------------------------------------------------------------------------
// State: URL fragment, localStorage, presets

function currentState() {
  return { policy: editor.value, request: builder.state(), engine: engine?.version ?? null };
}

function applyState(state) {
  editor.value = state.policy;
  lastText = null;
  builder.setState(state.request);
  syncPresetSelect();
}

async function saveNow() {
  const state = currentState();
  saveLocal(state);
  try {
    const frag = await encodeState(state);
    const url = `${location.pathname}${location.search}#${frag}`;
    if (location.hash !== `#${frag}`) history.replaceState(null, '', url);
    return `${location.origin}${url}`;
  } catch {
    return null; // CompressionStream missing: the page still works, only links do not
  }
}
const scheduleSave = debounce(saveNow, SAVE_DEBOUNCE_MS);

function syncPresetSelect() {
  const p = PRESETS.find((x) => x.text === editor.value);
  $('preset').value = p ? p.id : '';
}

function setupPresets() {
  const sel = $('preset');
  replace(sel, h('option', { value: '', text: 'Your own policy' }),
    PRESETS.map((p) => h('option', { value: p.id, text: p.description ? `${p.title}: ${p.description}` : p.title })));
  sel.addEventListener('change', () => {
    const p = PRESETS.find((x) => x.id === sel.value);
    if (!p) return;
    editor.value = p.text;
    builder.resourceAuto = true;
    updateNow('preset');
  });
}

async function copyLink() {
  scheduleSave.cancel();
  const url = await saveNow();
  const out = $('share-url');
  const status = $('copy-status');
  if (!url) {
    status.textContent = 'This browser cannot compress links.';
    return;
  }
  out.hidden = false;
  out.value = url;
  try {
    await navigator.clipboard.writeText(url);
    status.textContent = 'Link copied.';
  } catch {
    out.focus();
    out.select();
    status.textContent = 'Copy the selected link.';
  }
}

/** The state to start from: a link, else the last session, else the defaults. */
async function initialState() {
  try {
    const fromLink = await decodeFragment(location.hash);
    if (fromLink) {
      if (fromLink.engine && engine && fromLink.engine !== engine.version) {
        notify(`This link was made with engine ${fromLink.engine}; this page runs ${engine.version}. Results may differ.`, 'info');
      }
      return fromLink;
    }
  } catch (e) {
    notify(`Could not open this link: ${e.message}. The default example is loaded instead.`, 'warning');
    return defaultState();
  }
  return loadLocal() ?? defaultState();
}

// ---------------------------------------------------------------------------

async function main() {
  editor = new Editor({ textarea: $('policy'), layer: $('policy-layer'), list: $('diagnostics'), counts: $('diag-counts') });
  trace = new TraceView($('trace'), { onSpan: selectBytes });
  builder = new RequestBuilder(document.querySelector('.pane-request'), {
    onChange: () => updateNow('request'),
    onInput: () => updateRequestSoon(),
  });
  $('policy').addEventListener('input', () => { updatePolicySoon(); syncPresetSelectSoon(); });
  $('copy-link').addEventListener('click', copyLink);
  $('notice-close').addEventListener('click', clearNotice);
  setupPresets();

  try {
    engine = await loadEngine();
  } catch (e) {
    $('engine-version').textContent = 'Engine: failed to load';
    $('decision').dataset.decision = 'error';
    $('decision').textContent = 'The engine could not be loaded.';
    notify(`The policy engine (WebAssembly) could not be loaded: ${e?.message ?? e}. Serve this folder over HTTP (e.g. python3 -m http.server); file:// does not work.`, 'error');
    return;
  }
  $('engine-version').textContent = `Engine: policycheck ${engine.version}`;
  const actions = engine.actions();
  builder.setActions(actions?.type === 'success' ? actions.actions : []);

  applyState(normalizeState(await initialState()));
  updateNow('load');
  timings.ready = performance.now(); // ms since navigation start
  document.documentElement.dataset.ready = 'true';

  window.addEventListener('hashchange', async () => {
    try {
      const s = await decodeFragment(location.hash);
      if (!s) return;
      clearNotice();
      applyState(s);
    } catch (e) {
      notify(`Could not open this link: ${e.message}. The default example is loaded instead.`, 'warning');
      applyState(defaultState());
    }
    updateNow('link');
  });
}

const syncPresetSelectSoon = debounce(() => syncPresetSelect(), 300);

main();
