// The decision banner, the per-statement trace and the public-access panel.
// Meaning is always in the text (✓ matched / ✗ not matched / ? not evaluable),
// colour only repeats it.
import { h, append, replace, richText, reconcile, s3Reading } from './dom.js';

export const DECISION_TEXT = {
  Allow: 'Allowed',
  ExplicitDeny: 'Explicitly denied',
  ImplicitDeny: 'Implicitly denied',
};
const DECISION_ICON = { Allow: '✔', ExplicitDeny: '✖', ImplicitDeny: '⊘' };

export const OUTCOME = {
  matched: { icon: '✓', text: 'matched', cls: 'ok' },
  not_matched: { icon: '✗', text: 'not matched', cls: 'no' },
  not_evaluable: { icon: '?', text: 'not evaluable', cls: 'unk' },
};

const VERDICT_TEXT = { public: 'Public', 'not-public': 'Not public', unknown: 'Can\u2019t tell' };
let witnessId = 0;
const VERDICT_ICON = { public: '⚠', 'not-public': '✔', unknown: '?' };
/** Trace rows shown at first for a long policy (plus the deciding statements); a button shows all. */
export const TRACE_CAP = 100;

function statementName(st) {
  return st.id.startsWith('#') ? `statement ${st.index}` : `${st.id} (statement ${st.index})`;
}

/**
 * The statements that decide (trace entries, in order). The engine names them by id, and
 * two statements can share a Sid (or a Sid can read "#2"): of the statements with that
 * id, the ones with the deciding effect (Deny for ExplicitDeny, Allow for Allow) that
 * apply (else that may apply, when the decision is uncertain).
 */
export function decidingStatements(ev) {
  const all = [...(ev?.statements ?? []), ...(ev?.identity_statements ?? [])];
  const effect = { Allow: 'Allow', ExplicitDeny: 'Deny' }[ev?.decision];
  const out = [];
  for (const id of ev?.determining ?? []) {
    const same = all.filter((st) => st.id === id && (!effect || st.effect === effect));
    const applies = same.filter((st) => st.applies === 'matched');
    const maybe = same.filter((st) => st.applies === 'not_evaluable');
    for (const st of applies.length ? applies : maybe.length ? maybe : same.slice(0, 1)) {
      if (!out.includes(st)) out.push(st);
    }
  }
  return out;
}


/** The latest evaluation and handler of each banner, read by its links when clicked. */
const bannerState = new WeakMap();

/**
 * Set the banner's children, unless they would read exactly as they do: the banner is a
 * live region, so a screen reader announces it whenever it is rebuilt, and most
 * keystrokes leave the decision as it was.
 */
function setBanner(el, ...children) {
  const next = append(document.createElement('div'), children).childNodes;
  const same = next.length === el.childNodes.length
    && [...next].every((n, i) => n.isEqualNode(el.childNodes[i]));
  if (!same) el.replaceChildren(...next);
}

/**
 * The decision banner. `answer` is the engine's evaluate answer (success or failure);
 * `valueProblems` the request's context values that do not fit their type ([{key, message}]).
 */
export function renderDecision(el, answer, { onStatement, valueProblems = [] } = {}) {
  bannerState.set(el, { ev: answer?.evaluation, onStatement });
  if (!answer) {
    el.dataset.decision = 'none';
    setBanner(el, h('span', { class: 'decision-main', text: 'No decision yet' }));
    return;
  }
  if (answer.type !== 'success') {
    const errs = answer.errors ?? [];
    const policy = errs.some((e) => e.source === 'policy');
    el.dataset.decision = 'error';
    delete el.dataset.certain; // no decision, so neither certain nor uncertain
    el.className = 'decision decision-error';
    setBanner(el,
      h('span', { class: 'decision-icon', 'aria-hidden': 'true', text: '!' }),
      h('span', { class: 'decision-main', text: 'Cannot evaluate' }),
      h('span', { class: 'decision-detail' }, policy
        ? 'the policy could not be read; fix the errors in the editor.'
        : errs[0]?.source === 'request'
          ? 'the request is not valid (see the request above).'
          : richText(errs[0]?.message ?? errs[0]?.diagnostic?.message ?? 'the engine failed.')));
    return;
  }
  const ev = answer.evaluation;
  const d = ev.decision;
  el.dataset.decision = d;
  el.dataset.certain = String(ev.certain);
  el.className = `decision decision-${d}${ev.certain ? '' : ' uncertain'}`;
  const main = DECISION_TEXT[d] + (ev.certain ? '' : ' (uncertain)');
  let detail;
  // A link kept across an edit that left the banner as it was selects the statement
  // where it is now: it looks it up in the latest evaluation when clicked.
  const select = (index, identity) => {
    const now = bannerState.get(el);
    const st = (identity ? now?.ev?.identity_statements : now?.ev?.statements)?.find((s) => s.index === index);
    if (st) now.onStatement?.(st);
  };
  const names = decidingStatements(ev).map((st) => {
    const identity = !ev.statements.includes(st);
    return h('button', {
      type: 'button', class: 'linklike', title: 'Select this statement in the editor',
      text: statementName(st), on: { click: () => select(st.index, identity) },
    });
  });
  const joined = names.flatMap((n, i) => [i === 0 ? '' : i === names.length - 1 ? ' and ' : ', ', n]);
  if (d === 'Allow') detail = ['by ', joined];
  else if (d === 'ExplicitDeny') detail = ['by ', joined];
  else detail = ['no statement allows it'];
  setBanner(el,
    h('span', { class: 'decision-icon', 'aria-hidden': 'true', text: DECISION_ICON[d] }),
    h('span', { class: 'decision-main', text: main }),
    h('span', { class: 'decision-detail' }, detail),
    ev.certain ? null : h('p', { class: 'decision-summary' },
      ev.summary ? [richText(ev.summary), '. '] : '',
      'Part of the policy could not be evaluated (marked ? in the trace); the decision fails closed.'),
    answer.policy_has_errors ? h('p', { class: 'decision-summary warn' },
      'The policy has errors: AWS would reject it. This is what the evaluator makes of it anyway.') : null,
    valueProblems.length ? h('p', { class: 'decision-summary warn' },
      valueProblems.flatMap(({ key, message }) => [h('code', { text: key }), ': ', richText(message), ' ']),
      'A condition cannot read such a value: it is false (a negated one true), and the trace compares the text as written.') : null);
}

function outcome(result) {
  const o = OUTCOME[result] ?? OUTCOME.not_evaluable;
  return h('span', { class: `outcome ${o.cls}` }, h('span', { class: 'outcome-icon', 'aria-hidden': 'true', text: o.icon }), ` ${o.text}`);
}

/**
 * The per-statement trace: one row per statement. Rows and their part lines are kept
 * across updates and only the parts whose text changed are rebuilt (an edit usually
 * changes one statement; a new request usually changes one part of each), so an update
 * touches few nodes. Click handlers read the row's current trace (`li.st`).
 */
export class TraceView {
  constructor(el, { onSpan }) {
    this.el = el;
    this.onSpan = onSpan;
    this.rows = new Map(); // `${index}\u0000${id}` → <li>
    this.list = null;
    this.more = null; // the "show all" line under a capped list
    this.showAll = false; // for a policy of `showAllFor` statements
    this.showAllFor = 0;
  }

  render(answer) {
    this.answer = answer;
    if (!answer || answer.type !== 'success') {
      this.rows.clear();
      this.list = null;
      replace(this.el, h('p', { class: 'muted', text: answer
        ? 'No trace: the request could not be evaluated (see the decision above).'
        : 'No trace yet.' }));
      return;
    }
    const ev = answer.evaluation;
    const determining = new Set(decidingStatements(ev)); // trace entries, not ids
    const all = [...ev.statements, ...(ev.identity_statements ?? [])];
    if (all.length === 0) {
      this.rows.clear();
      this.list = null;
      replace(this.el, h('p', { class: 'muted', text: 'The policy has no statements.' }));
      return;
    }
    // A long policy: the first TRACE_CAP statements and the deciding ones (thousands of
    // rows take seconds to build and lay out), until "show all" is chosen for it.
    if (this.showAllFor !== all.length) this.showAll = false;
    const capped = !this.showAll && all.length > TRACE_CAP;
    const shown = capped ? all.filter((st, i) => i < TRACE_CAP || determining.has(st)) : all;
    const next = new Map();
    const items = shown.map((st) => {
      const key = `${st.index}\u0000${st.id}`;
      const li = this.rows.get(key) ?? next.get(key) ?? this.newRow();
      this.updateRow(li, st, determining.has(st) ? ev.decision : '');
      next.set(key, li);
      return li;
    });
    this.rows = next;
    if (!this.list || !this.el.contains(this.list)) {
      this.list = h('ol', { class: 'trace-list' });
      this.more = h('p', { class: 'trace-more', hidden: true });
      replace(this.el, this.list, this.more);
    }
    reconcile(this.list, items);
    const moreKey = capped ? `${all.length}/${shown.length}` : '';
    if (this.more.dataset.key !== moreKey) {
      this.more.dataset.key = moreKey;
      this.more.hidden = !capped;
      if (capped) {
        replace(this.more,
          `Showing the first ${TRACE_CAP} of ${all.length} statements`,
          shown.length > TRACE_CAP ? ' and the ones that decide' : '', '. ',
          h('button', { type: 'button', text: `Show all ${all.length} statements`, on: { click: () => this.expand(all.length) } }));
      } else {
        this.more.replaceChildren();
      }
    }
  }

  /** "Show all": every statement of this policy, the focus on the first one added. */
  expand(count) {
    this.showAll = true;
    this.showAllFor = count;
    this.render(this.answer);
    this.list.children[TRACE_CAP]?.querySelector('.trace-title')?.focus();
  }

  newRow() {
    const li = h('li', {});
    li.addEventListener('click', () => this.onSpan(li.st.span));
    li.head = h('div', { class: 'trace-head' });
    li.tbody = h('tbody', {});
    li.noCond = h('p', { class: 'muted small', text: 'No conditions.' });
    li.parts = []; // [{key, tr}]
    li.append(li.head, h('table', { class: 'parts' }, li.tbody));
    return li;
  }

  /** A click handler selecting the span `pick(currentTrace)` returns. */
  selecter(li, pick) {
    return (e) => { e.stopPropagation(); const sp = pick(li.st); if (sp) this.onSpan(sp); };
  }

  updateRow(li, st, det) {
    li.st = st;
    const effect = st.effect ?? '?';
    const applies = OUTCOME[st.applies] ?? OUTCOME.not_evaluable;
    const cls = `trace-row effect-${effect.toLowerCase()} applies-${applies.cls}${det ? ' determining' : ''}`;
    if (li.className !== cls) li.className = cls;
    if (li.dataset.testid !== `trace-row-${st.index}`) {
      Object.assign(li.dataset, { testid: `trace-row-${st.index}`, statement: st.id });
    }
    li.dataset.applies = st.applies;
    const headKey = [st.index, st.id, effect, st.applies, det].join('\u0000');
    if (li.headKey !== headKey) {
      li.headKey = headKey;
      const appliesText = { ok: 'applies', no: 'does not apply', unk: 'may apply (not evaluable)' }[applies.cls];
      const title = st.id.startsWith('#') ? `Statement ${st.index}` : st.id;
      replace(li.head,
        h('button', { type: 'button', class: 'trace-title', title: 'Select this statement in the editor',
          on: { click: this.selecter(li, (cur) => cur.span) } },
        h('span', { class: 'trace-index', text: `#${st.index}` }), ' ', title),
        h('span', { class: `effect-badge effect-${effect.toLowerCase()}`, text: effect }),
        h('span', { class: `applies-badge ${applies.cls}` }, h('span', { 'aria-hidden': 'true', text: `${applies.icon} ` }), appliesText),
        det ? h('span', { class: 'det-badge', text: det === 'Allow' ? 'decides: allows' : 'decides: denies' }) : null);
    }
    const parts = [
      ['principal', st.principal, null], ['action', st.action, null], ['resource', st.resource, null],
      ...st.conditions.map((c, i) => ['condition', c, i]),
    ];
    parts.forEach(([label, p, i], j) => {
      // The line's structure (its header cell), then its result and reason cells.
      const key = [label, p.operator ?? '', p.key ?? '', p.span ? 1 : 0].join('\u0000');
      let line = li.parts[j];
      if (line?.key !== key) {
        const tr = i === null ? this.partRow(li, label, p) : this.condRow(li, p, i);
        if (line) line.tr.replaceWith(tr); else li.tbody.append(tr);
        line = { key, tr, result: null, reason: null, resultCell: tr.children[1], reasonCell: tr.children[2] };
        li.parts[j] = line;
      }
      if (line.result !== p.result) {
        line.result = p.result;
        line.tr.className = `part part-${OUTCOME[p.result]?.cls ?? 'unk'}`;
        replace(line.resultCell, outcome(p.result));
      }
      if (line.reason !== p.reason) {
        line.reason = p.reason;
        replace(line.reasonCell, richText(p.reason));
      }
    });
    for (const extra of li.parts.splice(parts.length)) extra.tr.remove();
    if (st.conditions.length === 0) { if (!li.noCond.isConnected) li.append(li.noCond); } else li.noCond.remove();
  }

  // Part lines: a header cell, then the result and reason cells (filled by updateRow).
  partRow(li, label, p) {
    return h('tr', {},
      h('th', { scope: 'row' }, p.span
        ? h('button', { type: 'button', class: 'linklike', text: label, title: `Select the ${label} in the editor`,
          on: { click: this.selecter(li, (cur) => cur[label]?.span) } })
        : label),
      h('td', { class: 'part-result' }),
      h('td', { class: 'part-reason' }));
  }

  condRow(li, c, i) {
    // A statement with errors has one row of its own: no operator, no key.
    const whole = !c.operator && !c.key;
    return h('tr', {},
      h('th', { scope: 'row' }, h('button', { type: 'button', class: 'linklike',
        title: whole ? 'Select the statement in the editor' : 'Select the condition in the editor',
        on: { click: this.selecter(li, (cur) => cur.conditions[i]?.span) } },
      ...(whole ? ['statement'] : ['condition ', h('code', { text: c.operator }), ' ', h('code', { text: c.key })]))),
      h('td', { class: 'part-result' }),
      h('td', { class: 'part-reason' }));
  }
}

/** The public-access panel. `report` is the lint report (its `access` may be null). */
export function renderAccess(el, report, { onLoad, onStatement }) {
  const access = report?.access;
  const verdict = access?.verdict ?? 'unknown';
  el.dataset.verdict = verdict;
  // A short live announcement, only when the verdict changes (the panel itself is not live).
  const live = el.querySelector('#access-live');
  const said = access
    ? `Public access: ${VERDICT_TEXT[verdict]}. Read: ${VERDICT_TEXT[access.details.read.verdict]}; write: ${VERDICT_TEXT[access.details.write.verdict]}.`
    : 'Public access: can\u2019t tell, the policy could not be read.';
  if (live && live.textContent !== said) live.textContent = said;
  const box = el.querySelector('#access-body');
  const badge = (level, v) => h('span', {
    class: `badge verdict-${v}`, dataset: { testid: `${level}-verdict`, verdict: v },
  }, h('span', { 'aria-hidden': 'true', text: `${VERDICT_ICON[v]} ` }), `${level === 'read' ? 'Read' : 'Write'}: ${VERDICT_TEXT[v]}`);

  if (!access) {
    replace(box,
      h('p', { class: 'verdict verdict-unknown', dataset: { testid: 'access-verdict', verdict: 'unknown' } },
        h('span', { class: 'verdict-word', text: VERDICT_TEXT.unknown }), ' \u2014 the policy could not be read.'),
      h('div', { class: 'badges' }, badge('read', 'unknown'), badge('write', 'unknown')),
      h('p', { class: 'muted', text: 'Fix the errors in the editor to get a verdict.' }));
    return;
  }
  const head = {
    public: ['Public', 'someone outside your accounts, possibly anyone on the internet, can get in.'],
    'not-public': ['Not public', 'no outsider request is allowed.'],
    unknown: [VERDICT_TEXT.unknown, 'part of the policy cannot be evaluated.'],
  }[verdict] ?? [verdict, ''];
  const level = (name, lr) => {
    const v = lr.verdict;
    const parts = [h('h3', {}, `${name === 'read' ? 'Read' : 'Write'}: `, h('span', { class: `word verdict-${v}`, text: VERDICT_TEXT[v] }))];
    if (lr.actions?.length) {
      parts.push(h('p', { class: 'small' }, 'Outsiders can run ', lr.actions.slice(0, 8).flatMap((a, i) => [i ? ', ' : '', h('code', { text: a })]),
        lr.actions.length > 8 ? ` and ${lr.actions.length - 8} more` : '', '.'));
    }
    if (lr.unknown?.length) {
      parts.push(h('ul', { class: 'why-unknown' }, lr.unknown.map((u) => h('li', {}, h('span', { 'aria-hidden': 'true', text: '? ' }), richText(u)))));
    }
    if (lr.reasons?.length) {
      parts.push(h('ul', { class: 'reasons' }, lr.reasons.map((r) => h('li', { class: `reason role-${r.role}` },
        h('button', { type: 'button', class: 'linklike', title: 'Select this statement in the editor',
          text: r.statement.startsWith('#') ? `statement ${r.index}` : r.statement, on: { click: () => onStatement(r.index) } }),
        ' ', h('span', { class: 'role', text: r.role.replace(/-/g, ' ') }), ': ', richText(r.detail)))));
    }
    for (const w of lr.witnesses ?? []) {
      const req = w.request;
      const ctx = Object.entries(req.context ?? {});
      const id = `witness-${++witnessId}`;
      parts.push(h('div', { class: 'witness' },
        h('p', { id, class: 'witness-desc' },
          h('strong', { text: `${w.level} witness` }), ' (granted by ', h('code', { text: w.granted_by }), '): ',
          h('code', { text: req.principal }), ' runs ', h('code', { text: req.action }), ' on ', h('code', { text: req.resource }),
          ctx.length ? [' with ', ctx.flatMap(([k, v], i) => [i ? ', ' : '', h('code', { text: `${k}=${Array.isArray(v) ? `[${v.join(', ')}]` : v}` })])] : '',
          s3Reading(req)),
        h('button', { type: 'button', class: 'load-witness', 'aria-describedby': id, text: 'Load into request',
          on: { click: () => onLoad(req) } })));
    }
    return h('div', { class: `level level-${v}`, dataset: { testid: `${name}-level` } }, parts);
  };
  replace(box,
    h('p', { class: `verdict verdict-${verdict}`, dataset: { testid: 'access-verdict', verdict } },
      h('span', { class: 'verdict-icon', 'aria-hidden': 'true', text: VERDICT_ICON[verdict] ?? '' }),
      h('span', { class: 'verdict-word', text: head[0] }), h('span', { class: 'verdict-why', text: ` \u2014 ${head[1]}` })),
    h('div', { class: 'badges' }, badge('read', access.details.read.verdict), badge('write', access.details.write.verdict)),
    level('read', access.details.read), level('write', access.details.write));
}
