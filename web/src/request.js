// The request builder: principal, action, resource and the request context.
// Context keys the policy's conditions read are pre-listed with inputs that fit
// their type; each has an "include" checkbox (a key is either absent or present).
import { h, replace, richText } from './dom.js';

export const LEVELS = ['List', 'Read', 'Write', 'Permissions management', 'Tagging'];

export const PRINCIPAL_FORMS = [
  ['anonymous', 'anonymous: an unauthenticated request'],
  ['444455556666', 'an AWS account id (its root user)'],
  ['arn:aws:iam::444455556666:user/alice', 'an IAM user'],
  ['arn:aws:sts::444455556666:assumed-role/Reader/session-1', 'an IAM role session'],
  ['arn:aws:iam::111122223333:root', 'the root user of an account'],
  ['service:cloudfront.amazonaws.com', 'an AWS service principal'],
  ['federated:accounts.google.com', 'a web-identity federated caller'],
];

/** Ready-made requests; each returns the changes to apply to the builder. */
export const REQUEST_PRESETS = [
  { id: 'anon-get', title: 'Anonymous GET of an object', principal: 'anonymous', action: 's3:GetObject', kind: 'object' },
  { id: 'anon-put', title: 'Anonymous PUT of an object', principal: 'anonymous', action: 's3:PutObject', kind: 'object' },
  { id: 'anon-list', title: 'Anonymous listing of the bucket', principal: 'anonymous', action: 's3:ListBucket', kind: 'bucket' },
  { id: 'cross-account', title: 'Cross-account read (role session in 444455556666)', principal: 'arn:aws:sts::444455556666:assumed-role/Reader/session-1', action: 's3:GetObject', kind: 'object' },
  { id: 'plain-http', title: 'Plain HTTP GET (aws:SecureTransport = false)', principal: 'anonymous', action: 's3:GetObject', kind: 'object', context: { 'aws:SecureTransport': 'false' } },
  { id: 'cloudfront', title: 'CloudFront service principal GET', principal: 'service:cloudfront.amazonaws.com', action: 's3:GetObject', kind: 'object' },
];

const TYPE_HINT = {
  IPAddress: 'an IP address, e.g. 203.0.113.7',
  Bool: 'true or false',
  Numeric: 'a number',
  Date: 'a date and time, UTC',
  ARN: 'an ARN',
  String: 'text',
  Binary: 'base64 text',
};

let uid = 0;

/** Turn a policy's example value into a plausible request value of that type. */
function exampleValue(type, example) {
  const ex = typeof example === 'string' ? example : '';
  switch (type) {
    case 'Bool': return 'true'; // the usual request (e.g. HTTPS); the select offers false
    case 'IPAddress': return ex ? ex.replace(/\/\d+$/, '') : '198.51.100.7';
    case 'Numeric': return /^-?\d+(\.\d+)?$/.test(ex) ? ex : '1';
    case 'Date': return /^\d{4}-\d\d-\d\dT/.test(ex) ? ex : new Date().toISOString().replace(/\.\d+Z$/, 'Z');
    default: return ex.includes('${') ? '' : ex.replace(/[*?]/g, 'x');
  }
}

/** ISO 8601 (UTC) → the value of a datetime-local input; null when it does not fit. */
function isoToLocal(v) {
  const m = /^(\d{4}-\d\d-\d\dT\d\d:\d\d(?::\d\d)?)(?:\.\d+)?Z$/.exec(v);
  return m ? m[1] : null;
}
function localToIso(v) {
  if (!v) return '';
  return (v.length === 16 ? `${v}:00` : v) + 'Z';
}

/** Edit distance (optimal string alignment), as the engine's action suggestions use. */
function editDistance(a, b) {
  let before = [];
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const cur = [i];
    for (let j = 1; j <= b.length; j++) {
      let d = Math.min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1));
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) d = Math.min(d, before[j - 2] + 1);
      cur.push(d);
    }
    before = prev;
    prev = cur;
  }
  return prev[b.length];
}

/**
 * Why `action` cannot be a request's action, or '' (the CLI's checks, `policycheck eval`):
 * one `service:ActionName`, no pattern, and an `s3:` name from the catalogue
 * (`index`: lower-case name → action; empty when the catalogue is not loaded).
 */
export function actionProblem(action, index, operations = new Map()) {
  if (!action) return 'No action: a request names one action (e.g. s3:GetObject).';
  const i = action.indexOf(':');
  const svc = i < 0 ? '' : action.slice(0, i);
  const name = i < 0 ? '' : action.slice(i + 1);
  if (!/^[A-Za-z0-9-]+$/.test(svc) || !/^[A-Za-z0-9]+$/.test(name)) {
    const why = /[*?]/.test(action) ? 'a request names one action, not a pattern' : 'expected `service:ActionName`';
    return `\`${action}\` is not an action: ${why} (e.g. s3:GetObject; the linter checks patterns in policies)`;
  }
  if (svc.toLowerCase() !== 's3' || index.size === 0 || index.has(action.toLowerCase())) return '';
  const needs = operations.get(action.toLowerCase());
  if (needs) return `\`${action}\` is not an S3 action: it is an API operation, which S3 checks as ${needs}`;
  // The closest catalogue name within 2 edits, as the CLI suggests it.
  const wanted = name.toLowerCase();
  let best = null;
  let bestD = 3;
  for (const a of index.values()) {
    const n = a.name.slice(a.name.indexOf(':') + 1);
    if (Math.abs(n.length - wanted.length) > 2) continue;
    const d = editDistance(wanted, n.toLowerCase());
    if (d < bestD) { best = a.name; bestD = d; }
  }
  return `\`${action}\` is not an S3 action${best ? `; did you mean \`${best}\`?` : ''}`;
}

/** Why `resource` cannot be a request's resource, or '' (the CLI's check: an ARN of six parts). */
export function resourceProblem(resource) {
  if (!resource) return 'No resource: a request names one resource, such as arn:aws:s3:::my-bucket or arn:aws:s3:::my-bucket/path/key.';
  if (resource.startsWith('arn:') && resource.split(':').length >= 6) return '';
  return `\`${resource}\` is not an ARN: a request names one resource, such as arn:aws:s3:::my-bucket or arn:aws:s3:::my-bucket/path/key`;
}

const IPV4 = /^(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)(\.(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)){3}$/;
function isIp(v) {
  if (IPV4.test(v)) return true;
  if (!v.includes(':') || /[^0-9A-Fa-f:.]/.test(v)) return false;
  try { new URL(`http://[${v}]/`); return true; } catch { return false; } // the URL parser knows IPv6
}

/** A date as the engine reads one: epoch seconds, or ISO 8601 (the W3C profile). */
function isDate(v) {
  if (/^-?[\d.]+$/.test(v)) return /^-?\d{1,15}(\.\d*)?$/.test(v);
  const m = /^(\d{4})(?:-(\d\d)(?:-(\d\d))?)?(?:[Tt](\d\d):(\d\d)(?::(\d\d)(?:\.\d+)?)?(?:[Zz]|[+-](\d\d)(?::?(\d\d))?)?)?$/.exec(v);
  if (!m) return false;
  const [, y, mo = '01', d = '01', hh = '0', mm = '0', ss = '0', oh = '0', om = '0'] = m;
  const days = new Date(Date.UTC(Number(y), Number(mo) - 1, 1, 12) + (Number(d) - 1) * 864e5);
  return Number(mo) >= 1 && Number(mo) <= 12 && Number(d) >= 1 && days.getUTCMonth() === Number(mo) - 1
    && Number(hh) < 24 && Number(mm) < 60 && Number(ss) < 60 && Number(oh) < 24 && Number(om) < 60;
}

/**
 * Why a context value does not fit its key's type, or '' (the engine reads such a value
 * as unparseable: a condition on it is false, a negated one true).
 */
export function valueProblem(type, value) {
  const v = String(value ?? '').trim();
  switch (type) {
    case 'IPAddress':
      if (!v) return 'Empty: not an IP address.';
      if (v.includes('/') && isIp(v.slice(0, v.indexOf('/')))) {
        return `\`${v}\` is a range, not an IP address: a request comes from one address (e.g. 203.0.113.7).`;
      }
      return isIp(v) ? '' : `\`${v}\` is not an IP address (e.g. 203.0.113.7 or 2001:db8::1).`;
    case 'Date':
      if (!v) return 'Empty: not a date.';
      return isDate(v) ? '' : `\`${v}\` is not a date (e.g. 2030-01-01T00:00:00Z).`;
    case 'Numeric':
      if (!v) return 'Empty: not a number.';
      return /^[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d{1,5})?$/.test(v) ? '' : `\`${v}\` is not a number.`;
    case 'Bool':
      if (!value) return 'Empty: not true or false.';
      return /^(true|false)$/i.test(String(value)) ? '' : `\`${value}\` is not true or false.`;
    default:
      return '';
  }
}

/** Types whose empty value is left out of the request (never sent as ""). */
const EMPTY_MEANS_ABSENT = new Set(['IPAddress', 'Date', 'Numeric']);

/**
 * The value a row sends: an address, a date or a number without the spaces around it,
 * as `valueProblem` checks it (the engine reads " 203.0.113.7" as no address at all).
 */
function sentValue(row) {
  return typeof row.value === 'string' && EMPTY_MEANS_ABSENT.has(row.type) ? row.value.trim() : row.value;
}

export class RequestBuilder {
  constructor(root, { onChange, onInput, derive }) {
    this.onChange = onChange; // evaluate now
    this.onInput = onInput; // evaluate soon (typing)
    this.derive = derive; // (principal, action) → DerivedContextAnswer
    this.el = {
      principal: root.querySelector('#principal'),
      awsStar: root.querySelector('#aws-star-anon'),
      action: root.querySelector('#action'),
      browse: root.querySelector('#action-browse'),
      actionHint: root.querySelector('#action-hint'),
      resource: root.querySelector('#resource'),
      resourceHint: root.querySelector('#resource-hint'),
      resourceList: root.querySelector('#resource-list'),
      actionList: root.querySelector('#action-list'),
      principalList: root.querySelector('#principal-list'),
      context: root.querySelector('#context-rows'),
      addKey: root.querySelector('#add-key'),
      addKeyForm: root.querySelector('#add-key-form'),
      missing: root.querySelector('#missing-context'),
      requestPreset: root.querySelector('#request-preset'),
      requestError: root.querySelector('#request-error'),
      derive: root.querySelector('#derive-context'),
    };
    this.actions = [];
    this.actionIndex = new Map();
    this.operations = new Map();
    this.buckets = [];
    this.rows = new Map(); // key lower-case → row state
    this.resourceAuto = true;
    this.autoDerive = false; // "Add the keys AWS sets" was asked for: they follow the caller
    this.resourceHintText = this.el.resourceHint.textContent;

    replace(this.el.principalList, PRINCIPAL_FORMS.map(([v, l]) => h('option', { value: v, label: l })));
    replace(this.el.requestPreset, h('option', { value: '', text: 'Choose a ready-made request…' }),
      REQUEST_PRESETS.map((p) => h('option', { value: p.id, text: p.title })));

    this.el.principal.addEventListener('input', () => { this.syncDerived(); this.onInput(); });
    this.el.awsStar.addEventListener('change', () => this.onChange());
    this.el.action.addEventListener('input', () => { this.actionChanged(); this.syncDerived(); this.onInput(); });
    this.el.resource.addEventListener('input', () => {
      this.resourceAuto = this.el.resource.value.trim() === '';
      if (this.resourceAuto) this.autoResource();
      this.resourceChanged();
      this.onInput();
    });
    // The two menus keep the entry chosen while they have the focus (arrow keys go from
    // one entry to the next, each applied) and go back to their placeholder when it leaves,
    // so that the same entry can be chosen again.
    this.el.browse.addEventListener('change', () => {
      if (!this.el.browse.value) return;
      this.el.action.value = this.el.browse.value;
      if (document.activeElement !== this.el.browse) this.el.browse.value = '';
      this.actionChanged();
      this.syncDerived();
      this.onChange();
    });
    this.el.requestPreset.addEventListener('change', () => {
      const p = REQUEST_PRESETS.find((x) => x.id === this.el.requestPreset.value);
      if (document.activeElement !== this.el.requestPreset) this.el.requestPreset.value = '';
      if (p) { this.applyPreset(p); this.onChange(); }
    });
    for (const menu of [this.el.browse, this.el.requestPreset]) menu.addEventListener('blur', () => { menu.value = ''; });
    this.el.derive.addEventListener('click', () => {
      const answer = this.deriveNow();
      if (answer?.type !== 'success') {
        this.showError(answer?.errors?.[0]?.message ?? 'the principal is not one', 'principal');
        return;
      }
      this.autoDerive = true;
      this.addDerived(answer.keys);
      this.onChange();
    });
    this.el.addKeyForm.addEventListener('submit', (ev) => {
      ev.preventDefault();
      const key = this.el.addKey.value.trim();
      if (!key) return;
      this.el.addKey.value = '';
      // Typed as the same key from a link or a witness is, so that its value is checked.
      const row = this.ensureRow(key, { type: guessType(key, ''), extra: true });
      row.include = true;
      this.renderRows();
      this.rows.get(key.toLowerCase())?.input?.focus();
      this.onChange();
    });
  }

  setActions(actions, operations = []) {
    this.actions = actions;
    this.operations = new Map(operations.map(([op, needs]) => [`s3:${op.toLowerCase()}`, needs]));
    this.actionIndex = new Map(actions.map((a) => [a.name.toLowerCase(), a]));
    const byLevel = new Map(LEVELS.map((l) => [l, []]));
    for (const a of actions) (byLevel.get(a.level) ?? byLevel.set(a.level, []).get(a.level)).push(a);
    replace(this.el.actionList, actions.map((a) => h('option', { value: a.name, label: a.level })));
    replace(this.el.browse, h('option', { value: '', text: `Browse ${actions.length} S3 actions…` }),
      [...byLevel].filter(([, list]) => list.length).map(([level, list]) =>
        h('optgroup', { label: level }, list.map((a) => h('option', { value: a.name, text: a.name })))));
    this.actionChanged();
  }

  actionChanged() {
    const v = this.el.action.value.trim();
    const known = this.actionIndex.get(v.toLowerCase());
    let hint = '';
    if (!v) hint = 'Enter an action, e.g. s3:GetObject.';
    else if (known) hint = `${known.level} · acts on ${known.resources.join(', ') || 'no resource'}`;
    else if (/[*?]/.test(v)) hint = 'A request names one action; wildcards are for policies.';
    else if (this.operations.has(v.toLowerCase())) hint = `An API operation, not an action: S3 checks ${this.operations.get(v.toLowerCase()).replace(/`/g, '')}.`;
    else if (/^s3:/i.test(v) && this.actions.length) hint = 'Not a known S3 action.';
    else if (v.includes(':')) hint = 'Not an S3 action; it is evaluated as written.';
    this.el.actionHint.textContent = hint;
    this.el.actionHint.classList.toggle('warn', !!v && !known && this.actions.length > 0);
    if (this.resourceAuto) this.autoResource();
  }

  /** The resource hint: a warning for `*` and `?`, which a request takes literally. */
  resourceChanged() {
    const v = this.el.resource.value.trim();
    const literal = /[*?]/.test(v) && !resourceProblem(v);
    const text = literal
      ? 'In a request `*` and `?` are characters of the object key, not wildcards: this asks about the object named so.'
      : this.resourceHintText;
    if (this.resourceHintShown === text) return;
    this.resourceHintShown = text;
    replace(this.el.resourceHint, richText(text));
    this.el.resourceHint.classList.toggle('warn', literal);
  }

  /** Why the request cannot be evaluated ({field, message}), from the page's own checks, or null. */
  problem() {
    if (!this.el.principal.value.trim()) {
      return { field: 'principal', message: 'No principal: enter `anonymous`, a 12-digit account id, an IAM user or role-session ARN, or service:NAME.' };
    }
    const action = actionProblem(this.el.action.value.trim(), this.actionIndex, this.operations);
    if (action) return { field: 'action', message: action };
    const resource = resourceProblem(this.el.resource.value.trim());
    if (resource) return { field: 'resource', message: resource };
    return null;
  }

  /** Included context values that do not fit their key's type: [{key, message}]. */
  valueProblems() {
    const out = [];
    for (const row of this.rows.values()) {
      if (!row.include) continue;
      const message = this.rowProblem(row);
      if (message) out.push({ key: row.key, message });
    }
    return out;
  }

  rowProblem(row) {
    const values = row.multivalued ? (Array.isArray(row.value) ? row.value : [row.value]) : [row.value];
    for (const v of values) {
      const m = valueProblem(row.type, v);
      if (m) return m;
    }
    return '';
  }

  /** Flag a row's input when its value does not fit the key's type (aria-invalid and a message). */
  checkRow(row) {
    if (!row.input || !row.errorEl) return;
    // An empty list is no value to check; an empty single value is (it is left out).
    const empty = !row.multivalued && sentValue(row) === '' && EMPTY_MEANS_ABSENT.has(row.type);
    const message = row.include || empty ? this.rowProblem(row) : '';
    if (row.errorKey === message) return;
    row.errorKey = message;
    if (message) {
      row.input.setAttribute('aria-invalid', 'true');
      row.input.setAttribute('aria-errormessage', row.errorEl.id);
      const absent = !row.include ? ' The key is left out of the request.' : '';
      replace(row.errorEl, richText(message + absent));
      row.errorEl.hidden = false;
    } else {
      row.input.removeAttribute('aria-invalid');
      row.input.removeAttribute('aria-errormessage');
      row.errorEl.replaceChildren();
      row.errorEl.hidden = true;
    }
  }

  suggestedResource() {
    const bucket = this.buckets[0] ?? 'example-bucket';
    const a = this.actionIndex.get(this.el.action.value.trim().toLowerCase());
    const bucketLevel = a && !a.resources.includes('object') && a.resources.includes('bucket');
    return bucketLevel ? `arn:aws:s3:::${bucket}` : `arn:aws:s3:::${bucket}/example-object.txt`;
  }

  autoResource() {
    const r = this.suggestedResource();
    if (this.el.resource.value !== r) this.el.resource.value = r;
  }

  /** The policy changed: its buckets and the context keys its conditions read. */
  setPolicyInfo(info) {
    const buckets = info?.buckets ?? [];
    const keys = info?.keys ?? [];
    const changed = buckets.join('\n') !== this.buckets.join('\n');
    this.buckets = buckets;
    if (changed) replace(this.el.resourceList, buckets.flatMap((b) => [
      h('option', { value: `arn:aws:s3:::${b}/example-object.txt`, label: 'an object' }),
      h('option', { value: `arn:aws:s3:::${b}`, label: 'the bucket' }),
    ]));
    if (this.resourceAuto) this.autoResource();
    // Rows from the policy follow the policy; rows the user added or loaded stay.
    const wanted = new Set(keys.map((k) => k.key.toLowerCase()));
    for (const [lc, row] of this.rows) {
      if (row.fromPolicy && !wanted.has(lc)) {
        row.fromPolicy = false;
        if (!row.touched) this.rows.delete(lc);
        else row.extra = true;
      }
    }
    for (const k of keys) {
      const lc = k.key.toLowerCase();
      let row = this.rows.get(lc);
      if (!row) {
        row = this.ensureRow(k.key, { type: k.type, multivalued: k.multivalued, summary: k.summary });
        row.value = row.multivalued ? (k.example ? [exampleValue(k.type, k.example)] : []) : exampleValue(k.type, k.example);
      }
      Object.assign(row, { fromPolicy: true, extra: false, type: k.type, multivalued: !!k.multivalued, summary: k.summary || row.summary });
      if (row.multivalued && !Array.isArray(row.value)) row.value = row.value ? [row.value] : [];
      if (!row.multivalued && Array.isArray(row.value)) row.value = row.value[0] ?? '';
    }
    const sig = [...this.rows.values()].map((r) => `${r.key}|${r.type}|${r.multivalued}|${r.fromPolicy}|${r.extra}`).join('\n');
    if (sig !== this.rowsSig) this.renderRows();
  }

  ensureRow(key, { type = 'String', multivalued = false, summary = '', extra = false } = {}) {
    const lc = key.toLowerCase();
    let row = this.rows.get(lc);
    if (!row) {
      row = { key, type, multivalued, summary, value: multivalued ? [] : '', include: false, fromPolicy: false, extra, touched: false, derived: false, id: `ctx-${++uid}` };
      this.rows.set(lc, row);
    }
    return row;
  }

  renderRows() {
    const rows = [...this.rows.values()].sort((a, b) => Number(a.extra) - Number(b.extra));
    this.rowsSig = rows.map((r) => `${r.key}|${r.type}|${r.multivalued}|${r.fromPolicy}|${r.extra}`).join('\n');
    if (rows.length === 0) {
      replace(this.el.context, h('p', { class: 'muted', text: 'The policy\u2019s conditions read no context keys. Add one below if you need it.' }));
      return;
    }
    replace(this.el.context, rows.map((row) => this.renderRow(row)));
  }

  renderRow(row) {
    const include = h('input', { type: 'checkbox', id: `${row.id}-inc`, checked: row.include,
      'aria-label': `Include ${row.key}`, title: 'Include this key in the request (unchecked: the key is absent)' });
    include.addEventListener('change', () => {
      row.include = include.checked; row.touched = true;
      this.ownRow(row); this.checkRow(row); this.onChange();
    });
    const hintId = `${row.id}-hint`;
    const errorId = `${row.id}-error`;
    const common = { id: row.id, 'aria-describedby': `${hintId} ${errorId}` };
    let input;
    // A typed value: the key is present; an empty one (a cleared date, number or address)
    // is left out of the request rather than sent as "".
    const markPresent = () => {
      row.touched = true;
      this.ownRow(row);
      const include = !(sentValue(row) === '' && EMPTY_MEANS_ABSENT.has(row.type));
      if (row.include !== include) { row.include = include; includeBox.checked = include; }
      this.checkRow(row);
    };
    const includeBox = include;
    if (row.multivalued) {
      input = h('textarea', { ...common, rows: 2, class: 'ctx-list', spellcheck: 'false',
        placeholder: 'one value per line', value: (Array.isArray(row.value) ? row.value : [row.value]).join('\n') });
      input.addEventListener('input', () => {
        row.value = input.value.split('\n').map((s) => s.trim()).filter(Boolean);
        markPresent(); this.onInput();
      });
    } else if (row.type === 'Bool') {
      input = h('select', common, ['true', 'false'].map((v) => h('option', { value: v, text: v, selected: row.value === v })));
      if (row.value !== 'true' && row.value !== 'false') { // keep a non-boolean value visible
        input.append(h('option', { value: row.value, text: row.value || '(empty)', selected: true }));
      }
      input.addEventListener('change', () => { row.value = input.value; markPresent(); this.onChange(); });
    } else if (row.type === 'Date' && (row.value === '' || isoToLocal(row.value) !== null)) {
      input = h('input', { ...common, type: 'datetime-local', step: '1', value: isoToLocal(row.value) });
      input.addEventListener('input', () => { row.value = localToIso(input.value); markPresent(); this.onInput(); });
    } else {
      // A number is a text field too: checked by valueProblem's rule, it keeps what was
      // typed (a number field reads `1,5` as 15 and `12e` as nothing at all).
      input = h('input', { ...common, type: 'text',
        inputmode: row.type === 'IPAddress' || row.type === 'Numeric' ? 'decimal' : null, spellcheck: 'false', autocomplete: 'off',
        value: row.value, placeholder: TYPE_HINT[row.type] ?? '' });
      input.addEventListener('input', () => { row.value = input.value; markPresent(); this.onInput(); });
    }
    row.input = input;
    row.includeBox = include;
    row.errorEl = h('p', { id: errorId, class: 'ctx-error', hidden: true });
    row.errorKey = null;
    row.hintEl = h('p', { id: hintId, class: 'ctx-hint', text: this.hintText(row) });
    const remove = row.extra ? h('button', { type: 'button', class: 'icon-button', 'aria-label': `Remove ${row.key}`, title: 'Remove this key', text: '✕',
      on: { click: () => { this.rows.delete(row.key.toLowerCase()); this.renderRows(); this.onChange(); } } }) : null;
    row.el = h('div', { class: 'ctx-row', dataset: { key: row.key, ...(row.derived ? { derived: 'true' } : {}) } },
      include,
      h('label', { for: row.id, class: 'ctx-key' }, h('code', { text: row.key })),
      h('span', { class: 'ctx-type', text: `${row.type}${row.multivalued ? ' list' : ''}` }),
      input,
      remove,
      row.hintEl,
      row.errorEl);
    this.checkRow(row);
    return row.el;
  }

  hintText(row) {
    return (row.summary || TYPE_HINT[row.type] || '') + (row.fromPolicy ? '' : ' (not read by the policy)')
      + (row.derived ? ' \u00b7 set by AWS for this caller' : '');
  }

  /** The user changed a row AWS set: the value is theirs now, and no longer follows the caller. */
  ownRow(row) {
    if (!row.derived) return;
    row.derived = false;
    if (row.el) delete row.el.dataset.derived;
    if (row.hintEl) row.hintEl.textContent = this.hintText(row);
  }

  /** The keys AWS sets for the builder's caller and action (the engine's answer). */
  deriveNow() {
    return this.derive?.(this.el.principal.value.trim() || 'anonymous', this.el.action.value.trim());
  }

  /**
   * The caller or the action changed: once asked for, the keys AWS sets follow them. Rows
   * AWS set are replaced (or dropped while the principal is not one); the user's stay.
   */
  syncDerived() {
    if (!this.autoDerive) return;
    const answer = this.deriveNow();
    const keys = answer?.type === 'success' ? answer.keys : [];
    const sig = [...this.rows.values()].map((r) => `${r.key}|${r.value}|${r.include}|${r.derived}`).join('\n');
    this.dropDerived(new Set(keys.map((k) => k.key.toLowerCase())));
    this.addDerived(keys, { render: false });
    if ([...this.rows.values()].map((r) => `${r.key}|${r.value}|${r.include}|${r.derived}`).join('\n') !== sig) this.renderRows();
  }

  /** Take out the rows AWS set whose key is not in `keep` (lower-case keys). */
  dropDerived(keep = new Set()) {
    for (const [lc, row] of this.rows) {
      if (!row.derived || keep.has(lc)) continue;
      if (row.extra && !row.fromPolicy) { this.rows.delete(lc); continue; }
      row.derived = false;
      row.include = false;
    }
  }

  /**
   * Set the keys AWS sets (from `derivedContext`) that the user does not set: rows AWS set
   * before take the new values, the user's values stay.
   */
  addDerived(keys, { render = true } = {}) {
    this.dropDerived(new Set(keys.map((k) => k.key.toLowerCase())));
    for (const { key, value } of keys) {
      const row = this.ensureRow(key, { type: guessType(key, value), extra: true });
      if (row.include && !row.derived) continue; // the request sets it: the user's value stays
      row.value = row.multivalued ? [value] : value;
      row.include = true;
      row.touched = true;
      row.derived = true;
    }
    if (render) this.renderRows();
  }

  applyPreset(p) {
    this.el.principal.value = p.principal;
    this.el.action.value = p.action;
    this.resourceAuto = true;
    this.actionChanged();
    for (const row of this.rows.values()) {
      if (row.key.toLowerCase() === 'aws:securetransport') { row.value = 'true'; row.include = true; }
    }
    for (const [k, v] of Object.entries(p.context ?? {})) {
      const row = this.ensureRow(k, { type: k.toLowerCase() === 'aws:securetransport' ? 'Bool' : 'String', extra: true });
      row.value = v; row.include = true; row.touched = true; row.derived = false;
    }
    this.resourceChanged();
    this.syncDerived();
    this.renderRows();
  }

  /** Fill the builder from a request in `policycheck eval --request` form (a witness). */
  load(req) {
    this.el.principal.value = req.principal ?? '';
    this.el.awsStar.checked = req.aws_star_includes_anonymous !== false;
    this.el.action.value = req.action ?? '';
    this.el.resource.value = req.resource ?? '';
    this.resourceAuto = false;
    this.autoDerive = false; // a witness's context is complete as it is
    this.actionChanged();
    this.resourceChanged();
    const ctx = req.context ?? {};
    const given = new Set(Object.keys(ctx).map((k) => k.toLowerCase()));
    for (const [lc, row] of this.rows) {
      row.derived = false;
      if (!given.has(lc)) {
        if (row.extra && !row.fromPolicy) this.rows.delete(lc); else row.include = false;
      }
    }
    for (const [k, v] of Object.entries(ctx)) {
      const row = this.ensureRow(k, { multivalued: Array.isArray(v), type: guessType(k, v), extra: true });
      row.value = row.multivalued ? (Array.isArray(v) ? v : [String(v)]) : (Array.isArray(v) ? (v[0] ?? '') : String(v));
      row.include = true;
      row.touched = true;
    }
    this.renderRows();
  }

  /** The request to evaluate, in `policycheck eval --request` form. */
  request() {
    // No prototype: a key named `__proto__` is a key like any other.
    const context = Object.create(null);
    for (const row of this.rows.values()) {
      if (!row.include) continue;
      const value = sentValue(row);
      if (value === '' && EMPTY_MEANS_ABSENT.has(row.type)) continue; // empty: absent, never ""
      context[row.key] = value;
    }
    const req = {
      principal: this.el.principal.value.trim(),
      action: this.el.action.value.trim(),
      resource: this.el.resource.value.trim(),
      context,
    };
    // Spec §9 row 1: only the other reading is sent (the engine's default is the IAM one).
    if (!this.el.awsStar.checked) req.aws_star_includes_anonymous = false;
    return req;
  }

  /** The builder's whole state, for links and storage. */
  state() {
    return {
      principal: this.el.principal.value,
      action: this.el.action.value,
      resource: this.resourceAuto ? '' : this.el.resource.value,
      context: [...this.rows.values()].filter((r) => r.touched || r.include || !r.fromPolicy)
        .map((r) => (r.derived ? [r.key, r.value, r.include, true] : [r.key, r.value, r.include])),
      ...(this.el.awsStar.checked ? {} : { awsStarIncludesAnonymous: false }),
      ...(this.autoDerive ? { derive: true } : {}),
    };
  }

  setState(s) {
    this.el.principal.value = s.principal || 'anonymous';
    this.el.awsStar.checked = s.awsStarIncludesAnonymous !== false;
    this.el.action.value = s.action || 's3:GetObject';
    this.resourceAuto = !s.resource;
    this.el.resource.value = s.resource || '';
    this.autoDerive = s.derive === true;
    // The state is the whole request, as on a fresh load: no row from before stays (the
    // policy's own rows come back with the next update, from policyInfo).
    this.rows = new Map();
    for (const [k, v, include, derived] of s.context ?? []) {
      const row = this.ensureRow(k, { multivalued: Array.isArray(v), type: guessType(k, v), extra: true });
      row.value = v; row.include = include; row.touched = true; row.derived = derived === true;
    }
    this.actionChanged();
    this.resourceChanged();
    this.renderRows();
  }

  /** Warn about condition keys the request does not set (AWS's MissingContextValues). */
  showMissing(keys) {
    const el = this.el.missing;
    const key = (keys ?? []).join('\n');
    if (this.missingKey === key) return; // unchanged: keep the nodes
    this.missingKey = key;
    if (!keys || keys.length === 0) {
      el.hidden = true;
      el.replaceChildren();
      return;
    }
    el.hidden = false;
    replace(el, h('span', { class: 'warn-icon', 'aria-hidden': 'true', text: '⚠ ' }),
      `The policy's conditions read ${keys.length === 1 ? 'a key' : 'keys'} this request does not set: `,
      keys.flatMap((k, i) => [i ? ', ' : '', h('code', { text: k })]),
      '. An absent key makes most conditions false (and negated ones true); tick "include" to set it.');
  }

  /** Show a request error (from the engine) next to the field it concerns. */
  showError(message, field) {
    const key = `${field}\n${message}`;
    if (this.errorKey === key) return; // unchanged: keep the nodes
    this.errorKey = key;
    for (const f of ['principal', 'action', 'resource']) {
      this.el[f].toggleAttribute('aria-invalid', f === field);
      this.el[f].toggleAttribute('aria-errormessage', f === field);
      if (f === field) {
        this.el[f].setAttribute('aria-invalid', 'true');
        this.el[f].setAttribute('aria-errormessage', 'request-error');
      }
    }
    const el = this.el.requestError;
    el.hidden = !message;
    if (message) replace(el, h('strong', { text: 'Request: ' }), richText(message));
    else el.replaceChildren();
  }
}

function guessType(key, v) {
  const lc = key.toLowerCase();
  if (lc === 'aws:securetransport' || lc === 'aws:multifactorauthpresent' || lc === 'aws:viaawsservice') return 'Bool';
  if (lc === 'aws:sourceip') return 'IPAddress';
  if (lc.endsWith('time') || lc === 'aws:currenttime') return 'Date';
  if (typeof v === 'string' && /^(true|false)$/.test(v)) return 'Bool';
  return 'String';
}
