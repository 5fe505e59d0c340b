// policycheck simulator page: wires the WASM engine (engine.js) to the editor, the
// request builder, the decision banner, the trace, the public-access panel and the
// Compare view (Before / After policies and the access that changed).
// Plain ES modules, no bundler; every asset is local (see index.html's CSP).
import { loadEngine } from './engine.js';
import { PRESETS } from './presets/presets.js';
import { h, replace, debounce } from './src/dom.js';
import { OffsetMap } from './src/text.js';
import { Editor } from './src/editor.js';
import { RequestBuilder } from './src/request.js';
import { renderDecision, renderAccess, TraceView } from './src/results.js';
import { CompareView } from './src/compare.js';
import { encodeState, decodeFragment, saveLocal, loadLocal, normalizeState, tooLarge, LinkTooLarge, VIEWS } from './src/share.js';

const POLICY_DEBOUNCE_MS = 150; // typing in the editor
const REQUEST_DEBOUNCE_MS = 120; // typing in the request builder
const SAVE_DEBOUNCE_MS = 400; // URL fragment and localStorage
const COMPARE_DEBOUNCE_MS = 200; // typing in the Compare view's editors
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
let lastEval = null; // last evaluate answer (a failure too when the page's own request checks fail)
let lastStatements = null; // {text, statements} of the last successful evaluation, for statement links
let lintShown = null; // the lint answer on screen
let accessShown = null; // the public-access block on screen, as JSON (redrawn only when it changes)
let offsets = null; // byte → UTF-16 map for lastText (built lazily)
let compare = null; // the Compare view
let view = 'simulator'; // the view shown: "simulator" or "compare"

function defaultState() {
  const preset = PRESETS.find((p) => p.id === DEFAULT_PRESET) ?? PRESETS[0];
  return {
    policy: preset?.text ?? '{\n  "Version": "2012-10-17",\n  "Statement": []\n}\n',
    request: { principal: 'anonymous', action: 's3:GetObject', resource: '', context: [] },
    view: 'simulator',
    before: '',
    engine: null,
  };
}

// ---------------------------------------------------------------------------
// Messages

/** Show a message; `action` ({text, run}): a button in it that does something about it. */
function notify(text, kind = 'warning', action = null) {
  const box = $('notice');
  box.hidden = false;
  box.className = `notice notice-${kind}`;
  $('notice-text').textContent = text;
  const button = $('notice-action');
  button.hidden = !action;
  button.textContent = action?.text ?? '';
  noticeAction = action?.run ?? null;
}
let noticeAction = null;

function clearNotice() {
  $('notice').hidden = true;
  $('notice-text').textContent = '';
  $('notice-action').hidden = true;
  noticeAction = null;
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

/** A request any policy can be evaluated against, for the statements' spans alone. */
const SPAN_REQUEST = JSON.stringify({ principal: 'anonymous', action: 's3:GetObject', resource: 'arn:aws:s3:::bucket/key', context: {} });

function selectStatement(index) {
  // The spans are the policy's, not the request's: an invalid request must not stop the link.
  if (lastStatements?.text !== editor.value && engine) {
    const answer = engine.evaluate(editor.value, SPAN_REQUEST);
    if (answer?.type === 'success') lastStatements = { text: editor.value, statements: answer.evaluation.statements };
  }
  const st = lastStatements?.text === editor.value ? lastStatements.statements.find((s) => s.index === index) : null;
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
  if (reason !== 'load') keepLastSession = false;
  if (!engine) return;
  const t0 = performance.now();
  const text = editor.value;
  let tLint = 0;
  let tInfo = 0;
  if (text !== lastText) {
    const a = performance.now();
    lastLint = engine.lintPolicy('policy.json', text, settings());
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
  if (lastEval?.type === 'success') lastStatements = { text, statements: lastEval.evaluation.statements };
  // The page's own checks of the request (the CLI's: one action, a known S3 action, an
  // ARN): a request it rejects is never shown as a decision. The engine's request errors
  // (a principal that is not one) come first.
  const engineReqErr = (lastEval?.errors ?? []).find((e) => e.source === 'request');
  const problem = engineReqErr ? null : builder.problem();
  if (problem && lastEval?.type === 'success') {
    lastEval = { type: 'failure', errors: [{ source: 'request', message: problem.message, diagnostic: { message: problem.message } }] };
  }

  const c = performance.now();
  const report = lastLint?.type === 'success' ? lastLint.report : null;
  if (lintShown !== lastLint) editor.render(text, report?.findings ?? []); // the findings change only with the text
  const c1 = performance.now();
  renderDecision($('decision'), lastEval, { onStatement: (st) => selectBytes(st.span), valueProblems: builder.valueProblems() });
  trace.render(lastEval);
  const c2 = performance.now();
  if (lintShown !== lastLint) {
    // Most keystrokes leave the verdict as it was: then the panel keeps its nodes.
    const accessKey = JSON.stringify(report?.access ?? null);
    if (accessKey !== accessShown) {
      renderAccess($('access'), report, { onLoad: loadWitness, onStatement: selectStatement });
      accessShown = accessKey;
    }
  }
  lintShown = lastLint;
  if (lastEval?.type === 'success') {
    builder.showMissing(lastEval.missing_context);
    builder.showError('', null);
  } else {
    builder.showMissing([]);
    if (problem) builder.showError(problem.message, problem.field);
    else builder.showError(engineReqErr?.diagnostic?.message ?? '', engineReqErr ? fieldOfError(reqText, engineReqErr) : null);
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
// The Compare view. Its After editor is the Simulator's policy (one text, two
// textareas), so a witness loaded from it is evaluated against After.

function updateCompare(reason = 'edit') {
  if (!engine) return;
  updateCompareSoon.cancel();
  const t0 = performance.now();
  const answer = engine.diffPolicies($('before').value, editor.value, settings());
  compare.render(answer);
  const detail = { reason, ms: performance.now() - t0, type: answer.type };
  document.dispatchEvent(new CustomEvent('policycheck:compared', { detail }));
  scheduleSave();
}
const updateCompareSoon = debounce(() => updateCompare('edit'), COMPARE_DEBOUNCE_MS);

/** Show a view ("simulator" or "compare"); `focusTab` moves the focus to its tab. */
function setView(next, { focusTab = false } = {}) {
  if (!VIEWS.includes(next)) next = 'simulator';
  view = next;
  for (const v of VIEWS) {
    const tab = $(`tab-${v}`);
    const on = v === next;
    tab.setAttribute('aria-selected', String(on));
    tab.tabIndex = on ? 0 : -1;
    $(`view-${v}`).hidden = !on;
    if (on && focusTab) tab.focus();
  }
  document.documentElement.dataset.view = next;
  if (next === 'compare') {
    // An empty Before takes a snapshot of the current policy: edit After, see what changes.
    if (!$('before').value) $('before').value = editor.value;
    if ($('after').value !== editor.value) $('after').value = editor.value;
    updateCompare('view');
  } else if (engine && editor.value !== lastText) {
    updateNow('view');
  }
  scheduleSave();
}

/** "Load into request" from the Compare view: the Simulator, the witness, After's decision. */
function loadChangeWitness(req) {
  setView('simulator');
  loadWitness(req);
  $('decision').focus({ preventScroll: true });
}

function setupCompare() {
  compare = new CompareView({
    before: $('before'), after: $('after'), beforeErrors: $('before-errors'), afterErrors: $('after-errors'),
    verdict: $('compare-verdict'), added: $('compare-added'), removed: $('compare-removed'),
    unknown: $('compare-unknown'), unknownBlock: $('compare-unknown-block'),
  }, { onLoad: loadChangeWitness });
  $('before').addEventListener('input', () => updateCompareSoon());
  $('after').addEventListener('input', () => {
    editor.value = $('after').value; // the Simulator re-lints it when it is shown again
    syncPresetSelectSoon();
    updateCompareSoon();
  });
  const fill = $('before-fill');
  replace(fill, h('option', { value: '', text: 'Fill Before with\u2026' }),
    h('option', { value: '@after', text: 'A copy of the After policy' }),
    PRESETS.map((p) => h('option', { value: p.id, text: `Example: ${p.title}` })));
  fill.addEventListener('change', () => {
    const text = fill.value === '@after' ? editor.value : PRESETS.find((x) => x.id === fill.value)?.text;
    fill.value = '';
    if (text === undefined) return;
    $('before').value = text;
    updateCompare('fill');
  });
  // Tabs: click, or the arrow keys / Home / End (roving tabindex, automatic activation).
  for (const v of VIEWS) $(`tab-${v}`).addEventListener('click', () => setView(v));
  document.querySelector('[role="tablist"]').addEventListener('keydown', (e) => {
    const i = VIEWS.indexOf(view);
    const to = { ArrowRight: i + 1, ArrowLeft: i - 1, Home: 0, End: VIEWS.length - 1 }[e.key];
    if (to === undefined) return;
    e.preventDefault();
    setView(VIEWS[(to + VIEWS.length) % VIEWS.length], { focusTab: true });
  });
}

// ---------------------------------------------------------------------------
// State: URL fragment, localStorage, presets

/** The analysis' readings the page's settings choose (see engine.js `Settings`). */
function settings() {
  return $('role-pattern-public').checked ? { rolePatternPublic: true } : {};
}

function currentState() {
  return {
    policy: editor.value, request: builder.state(), view, before: $('before').value, engine: engine?.version ?? null,
    ...settings(),
  };
}

/** Load a state (from a link, storage or the defaults); shows its view and updates it. */
function applyState(state) {
  editor.value = state.policy;
  lastText = null;
  $('role-pattern-public').checked = state.rolePatternPublic === true;
  builder.setState(state.request);
  syncPresetSelect();
  $('before').value = state.before ?? '';
  $('after').value = state.policy;
  updateNow('load');
  setView(state.view ?? 'simulator');
}

/** After a bad link, the defaults are shown but the last session stays saved until the
 * user changes something (a bad link must not cost them their work). */
let keepLastSession = false;

const TOO_LARGE_NOTICE = 'This policy is over 1 MiB: too large to keep in this browser or to share in a link. '
  + 'Your last session that fits is kept instead; copy the text somewhere safe.';

let tooLargeSaid = false; // the notice was shown for the current (too large) text

/**
 * Keep a share link on show current (`url`, or none): after a change, the link copied
 * before no longer carries what the page shows. Said once, not at every keystroke.
 */
function refreshShareField(url) {
  const out = $('share-url');
  if (out.hidden || out.value === (url ?? '')) return;
  const status = $('copy-status');
  status.classList.toggle('warn', !url);
  if (!url) {
    out.hidden = true;
    out.value = '';
    status.textContent = 'Changed since copied: this state cannot be linked.';
    return;
  }
  out.value = url;
  status.textContent = 'Changed since copied: the link now carries the changes; copy it again.';
}

/**
 * Save the state (storage and the URL fragment); the link, or {problem} saying why there
 * is none. `refresh`: bring a share link on show up to date (Copy link sets its own).
 */
async function saveNow({ copying = false } = {}) {
  const refresh = !copying;
  const state = currentState();
  if (tooLarge(state)) {
    // Neither kept nor linked (neither could be read back): said once, and no stale link.
    if (!tooLargeSaid) notify(TOO_LARGE_NOTICE, 'warning');
    tooLargeSaid = true;
    if (location.hash) history.replaceState(null, '', `${location.pathname}${location.search}`);
    if (refresh) refreshShareField(null);
    return { problem: 'This policy is too large to share in a link (over 1 MiB).' };
  }
  if (tooLargeSaid && $('notice-text').textContent === TOO_LARGE_NOTICE) clearNotice();
  tooLargeSaid = false;
  // An example shown in place of the user's policy is not saved over it (in storage or in
  // the URL, which a reload reads) until they edit it, restore or dismiss: unless they copy a link.
  const holding = !copying && replaced !== null && editor.value === replaced.example;
  if (!keepLastSession && !holding) saveLocal(state);
  try {
    const frag = await encodeState(state);
    const url = `${location.pathname}${location.search}#${frag}`;
    if (location.hash !== `#${frag}` && !holding) history.replaceState(null, '', url);
    if (refresh) refreshShareField(`${location.origin}${url}`);
    return { url: `${location.origin}${url}` };
  } catch (e) {
    // Policies whose JSON is over the link limit (escaping can double the text), or
    // CompressionStream missing: the page still works, only links do not.
    if (e instanceof LinkTooLarge) {
      if (location.hash) history.replaceState(null, '', `${location.pathname}${location.search}`);
      if (refresh) refreshShareField(null);
      return { problem: `This state cannot be linked: ${e.message}.` };
    }
    return { problem: 'This browser cannot compress links.' };
  }
}
const scheduleSave = debounce(saveNow, SAVE_DEBOUNCE_MS);

function syncPresetSelect() {
  const p = PRESETS.find((x) => x.text === editor.value);
  $('preset').value = p ? p.id : '';
}

/**
 * The user's work an example was loaded over ({policy, request, example: the example's
 * text}), on offer ("Restore your policy", or "Your own policy" in the menu) until
 * restored or dismissed. A select changes on a stray arrow key or click: no work is lost.
 */
let replaced = null;

const RESTORE = 'Restore your policy';

function loadExample(p) {
  const text = editor.value;
  if (replaced && text === replaced.example) {
    // Still the example loaded over their work: that work stays on offer.
  } else if (PRESETS.some((x) => x.text === text) || !text.trim()) {
    replaced = null; // nothing of theirs to lose
  } else {
    replaced = { policy: text, request: builder.state() };
  }
  editor.value = p.text;
  builder.resourceAuto = true;
  updateNow('preset');
  if (view === 'compare') { $('after').value = p.text; updateCompare('preset'); }
  if (replaced) {
    replaced.example = p.text;
    notify(`The example “${p.title}” replaced your policy in the editor.`, 'info', { text: RESTORE, run: restoreReplaced });
  }
}

/** Bring back the policy (and the request) an example replaced. */
function restoreReplaced() {
  const r = replaced;
  if (!r) return;
  replaced = null;
  clearNotice();
  editor.value = r.policy;
  lastText = null;
  builder.setState(r.request);
  syncPresetSelect();
  $('after').value = r.policy;
  updateNow('restore');
  if (view === 'compare') updateCompare('restore');
}

function setupPresets() {
  const sel = $('preset');
  replace(sel, h('option', { value: '', text: 'Your own policy' }),
    PRESETS.map((p) => h('option', { value: p.id, text: p.description ? `${p.title}: ${p.description}` : p.title })));
  sel.addEventListener('change', () => {
    const p = PRESETS.find((x) => x.id === sel.value);
    if (p) loadExample(p);
    else if (replaced) restoreReplaced(); // "Your own policy": the one an example replaced
    else syncPresetSelect(); // the menu says what the editor holds
  });
}

async function copyLink() {
  scheduleSave.cancel();
  const { url, problem } = await saveNow({ copying: true });
  const out = $('share-url');
  const status = $('copy-status');
  status.classList.toggle('warn', !url);
  if (!url) {
    out.hidden = true;
    out.value = '';
    status.textContent = problem;
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
    keepLastSession = hasLastSession();
    const kept = keepLastSession ? ' Your last session is kept: it opens again without a link.' : '';
    notify(`Could not open this link: ${e.message}. The default example is loaded instead.${kept}`, 'warning');
    return defaultState();
  }
  try {
    return loadLocal() ?? defaultState();
  } catch (e) {
    // Kept until the user changes something, as after a bad link.
    keepLastSession = true;
    notify(`Your last session could not be restored: ${e.message}. The default example is loaded instead.`, 'warning');
    return defaultState();
  }
}

/** Whether localStorage holds a session (even one this page cannot restore). */
function hasLastSession() {
  try {
    return loadLocal() !== null;
  } catch {
    return true;
  }
}

// ---------------------------------------------------------------------------

async function main() {
  editor = new Editor({ textarea: $('policy'), layer: $('policy-layer'), list: $('diagnostics'), counts: $('diag-counts') });
  trace = new TraceView($('trace'), { onSpan: selectBytes });
  builder = new RequestBuilder(document.querySelector('.pane-request'), {
    onChange: () => updateNow('request'),
    onInput: () => updateRequestSoon(),
    derive: (principal, action) => engine?.derivedContext(principal, action),
  });
  $('policy').addEventListener('input', () => { updatePolicySoon(); syncPresetSelectSoon(); });
  // A reading of the spec changes the public-access verdict of the same text: lint again.
  $('role-pattern-public').addEventListener('change', () => {
    lastText = null;
    updateNow('setting');
    if (view === 'compare') updateCompare('setting');
  });
  $('copy-link').addEventListener('click', copyLink);
  $('notice-action').addEventListener('click', () => noticeAction?.());
  $('notice-close').addEventListener('click', () => {
    // Dismissing the offer to restore: what is shown is what is kept from now on.
    const dropping = noticeAction === restoreReplaced;
    clearNotice();
    if (dropping) { replaced = null; scheduleSave(); }
  });
  setupPresets();
  setupCompare();

  try {
    engine = await loadEngine();
  } catch (e) {
    $('engine-version').textContent = 'Engine: failed to load';
    $('decision').dataset.decision = 'error';
    $('decision').textContent = 'The engine could not be loaded.';
    notify(`The policy engine (WebAssembly) could not be loaded: ${e?.message ?? e}. Serve this folder over HTTP (e.g. python3 -m http.server); file:// does not work.`, 'error');
    return;
  }
  $('engine-version').textContent = `Engine: policycheck ${engine.version} · Rules: ${engine.rules}`;
  const actions = engine.actions();
  builder.setActions(actions?.type === 'success' ? actions.actions : [], actions?.operations ?? []);

  applyState(normalizeState(await initialState()));
  timings.ready = performance.now(); // ms since navigation start
  document.documentElement.dataset.ready = 'true';

  window.addEventListener('hashchange', async () => {
    try {
      const s = await decodeFragment(location.hash);
      if (!s) return;
      clearNotice();
      applyState(s);
    } catch (e) {
      keepLastSession = hasLastSession();
      const kept = keepLastSession ? ' Your last session is kept: it opens again without a link.' : '';
      notify(`Could not open this link: ${e.message}. The default example is loaded instead.${kept}`, 'warning');
      applyState(defaultState());
    }
  });
}

const syncPresetSelectSoon = debounce(() => syncPresetSelect(), 300);

main();
