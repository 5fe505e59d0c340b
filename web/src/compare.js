// The Compare view: a Before and an After policy, and the access After grants that
// Before did not (with a witness request for each, loadable into the request builder),
// the access it takes away (information), and what could not be decided.
// The verdict is always in words; an invalid policy is an error, never "no new access".
import { h, replace, richText, s3Reading } from './dom.js';

const SIDE = { old: 'Before', new: 'After' };

/** "public" / "account:111122223333" / "service:cloudfront.amazonaws.com", for people. */
export function callerText(caller) {
  if (caller === 'public') return 'anyone on the internet (public)';
  if (caller?.startsWith('account:')) return `account ${caller.slice('account:'.length)}`;
  if (caller?.startsWith('service:')) return `the service ${caller.slice('service:'.length)}`;
  return String(caller ?? '');
}

const levelWord = (level) => (level === 'write' ? 'Write' : 'Read');

/** One line per change, e.g. "read for anyone on the internet (public)". */
function summary(items) {
  return items.map((c) => `${c.level} for ${callerText(c.caller)}`).join('; ');
}

/** The request as text nodes: principal runs action on resource with context. */
function requestNodes(req) {
  const ctx = Object.entries(req?.context ?? {});
  return [
    h('code', { text: String(req?.principal ?? '') }), ' runs ', h('code', { text: String(req?.action ?? '') }),
    ' on ', h('code', { text: String(req?.resource ?? '') }),
    ctx.length ? [' with ', ctx.flatMap(([k, v], i) => [i ? ', ' : '',
      h('code', { text: `${k}=${Array.isArray(v) ? `[${v.join(', ')}]` : v}` })])] : '',
    s3Reading(req),
  ];
}

let uid = 0;

export class CompareView {
  /**
   * @param {object} els  the view's elements (see index.html)
   * @param {{onLoad: (request: object) => void}} handlers  "Load into request"
   */
  constructor(els, { onLoad }) {
    this.el = els;
    this.onLoad = onLoad;
    this.answer = null;
  }

  /** Show a diffPolicies answer (null: not compared yet). */
  render(answer) {
    this.answer = answer;
    const { verdict, added, removed, unknown, beforeErrors, afterErrors } = this.el;
    const errs = answer?.type === 'failure' ? answer.errors ?? [] : [];
    this.renderErrors(beforeErrors, this.el.before, errs.filter((e) => e.source === 'old'), 'Before');
    this.renderErrors(afterErrors, this.el.after, errs.filter((e) => e.source === 'new'), 'After');

    if (!answer) {
      this.setVerdict('none', 'Not compared yet', '');
      for (const list of [added, removed, unknown]) replace(list);
      return;
    }
    if (answer.type !== 'success') {
      // Never a pass: the verdict says which side is broken and where.
      const first = errs.find((e) => e.diagnostic) ?? errs[0];
      const sides = [...new Set(errs.map((e) => SIDE[e.source]).filter(Boolean))];
      const where = first?.diagnostic
        ? `${sides.length > 1 ? `${SIDE[first.source]}, ` : ''}line ${first.diagnostic.line}, column ${first.diagnostic.column}: ${first.diagnostic.message}`
        : first?.message ?? 'the engine failed';
      this.setVerdict('error', 'Cannot compare',
        sides.length
          ? ` \u2014 the ${sides.join(' and the ')} ${sides.length > 1 ? 'policies are' : 'policy is'} not valid (${where}). Fix ${sides.length > 1 ? 'them' : 'it'} to see the changes in access.`
          : ` \u2014 ${where}.`);
      const note = h('li', { class: 'muted', text: 'No result until both policies are valid.' });
      replace(added, note);
      replace(removed);
      replace(unknown);
      return;
    }
    const a = answer.added ?? [];
    const r = answer.removed ?? [];
    const u = answer.unknown ?? [];
    if (a.length) {
      this.setVerdict('new', 'New access', `: ${summary(a)}${u.length ? `; and could not rule out ${summary(u)}` : ''}.`);
    } else if (u.length) {
      this.setVerdict('unknown', 'Unknown', ` \u2014 new access could not be ruled out: ${summary(u)} (part of a policy cannot be evaluated).`);
    } else {
      this.setVerdict('no-new', 'No new access',
        ` \u2014 the After policy allows nothing the Before policy denies${r.length ? '; some access was removed (below)' : ''}.`);
    }
    replace(added, a.length ? a.map((c, i) => this.change(c, i, 'added'))
      : h('li', { class: 'muted', text: u.length ? 'None proven (see "Could not decide").' : 'None.' }));
    replace(removed, r.length ? r.map((c, i) => this.change(c, i, 'removed')) : h('li', { class: 'muted', text: 'None.' }));
    this.el.unknownBlock.hidden = u.length === 0;
    replace(unknown, u.map((x) => h('li', { class: 'change change-unknown' },
      h('p', {}, h('strong', { text: `${levelWord(x.level)} for ${callerText(x.caller)}` }), ': could not be decided.'),
      x.reasons?.length ? h('ul', { class: 'why-unknown' }, x.reasons.map((why) => h('li', {}, richText(why)))) : null)));
  }

  setVerdict(kind, word, rest) {
    const el = this.el.verdict;
    el.dataset.verdict = kind;
    el.className = `compare-verdict compare-${kind}`;
    const icon = { new: '\u26a0', 'no-new': '\u2714', unknown: '?', error: '!' }[kind] ?? '';
    replace(el,
      icon ? h('span', { class: 'verdict-icon', 'aria-hidden': 'true', text: icon }) : null,
      h('span', { class: 'verdict-word', text: word }),
      h('span', { class: 'verdict-why', text: rest }));
  }

  /** One added or removed access, with its witness and a "Load into request" button. */
  change(c, i, kind) {
    const id = `change-${++uid}`;
    const granting = kind === 'added' ? 'After' : 'Before';
    const levels = c.access_levels?.length ? ` (${[...new Set(c.access_levels)].join(', ')})` : '';
    return h('li', { class: `change change-${kind}`, dataset: { testid: `${kind}-${i}`, caller: c.caller, level: c.level } },
      h('p', { class: 'change-head' },
        h('strong', { text: `${levelWord(c.level)}${levels}` }), ' for ', h('strong', { text: callerText(c.caller) })),
      c.statements?.length ? h('p', { class: 'small' }, `${kind === 'added' ? 'Granted' : 'Was granted'} by ${granting}'s `,
        c.statements.flatMap((s, j) => [j ? ', ' : '', h('code', { text: s })]), '.') : null,
      c.actions?.length ? h('p', { class: 'small' }, 'Actions: ', c.actions.slice(0, 8).flatMap((x, j) => [j ? ', ' : '', h('code', { text: x })]),
        c.actions.length > 8 ? ` and ${c.actions.length - 8} more` : '', '.') : null,
      c.witness && Object.keys(c.witness).length ? h('div', { class: 'witness' },
        h('p', { id, class: 'witness-desc' }, h('strong', { text: 'Witness' }), ': ', requestNodes(c.witness),
          kind === 'added' ? ' (allowed by After, denied by Before)' : ' (allowed by Before, denied by After)'),
        h('button', { type: 'button', class: 'load-witness', 'aria-describedby': id, text: 'Load into request',
          on: { click: () => this.onLoad(c.witness) } })) : null);
  }

  /** Errors of one side, each with its line and column; clicking selects it in that editor. */
  renderErrors(list, textarea, errs, side) {
    list.hidden = errs.length === 0;
    replace(list, errs.map((e) => {
      const d = e.diagnostic;
      if (!d) return h('li', { class: 'diag diag-error' }, richText(e.message ?? 'error'));
      const where = `line ${d.line}, column ${d.column}`;
      return h('li', { class: 'diag diag-error', dataset: { code: d.code, line: String(d.line) } },
        h('button', { type: 'button', class: 'diag-jump', title: `Select ${where} in the ${side} policy`,
          on: { click: () => { textarea.focus(); textarea.setSelectionRange(d.start_utf16, Math.max(d.start_utf16 + 1, d.end_utf16)); } } },
        h('span', { class: 'sev sev-error', text: `${side}: error` }), h('span', { class: 'diag-code', text: d.code }),
        h('span', { class: 'diag-where', text: where }), h('span', { class: 'diag-msg' }, richText(d.message))));
    }));
  }
}
