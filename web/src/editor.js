// The policy editor: a plain <textarea> over a mirrored highlight layer that
// underlines each diagnostic's exact span, a diagnostics list sorted by position
// (click to select the span), and counts per severity.
import { h, replace, richText, reconcile } from './dom.js';

const RANK = { error: 3, warning: 2, note: 1 };
export const SEVERITY_LABEL = { error: 'Error', warning: 'Warning', note: 'Note' };
const SEVERITY_ICON = { error: '✖', warning: '▲', note: 'ℹ' };
/**
 * Above this many UTF-16 units the highlight layer is left empty: mirroring a text this
 * long costs seconds of layout per update (the engine analyses up to 256 KB anyway, and
 * S3 accepts 20 KB). The findings list still locates every finding.
 */
export const LAYER_MAX = 256 * 1024;

export class Editor {
  constructor({ textarea, layer, list, counts }) {
    this.ta = textarea;
    this.layer = layer;
    this.list = list;
    this.counts = counts;
    this.findings = [];
    // The layer does not scroll: its content moves with the textarea's scroll position
    // (a transform), so rendering never has to read layout.
    this.inner = document.createElement('div');
    this.inner.className = 'editor-layer-inner';
    this.layer.replaceChildren(this.inner);
    this.ta.addEventListener('scroll', () => this.syncScroll());
  }

  get value() { return this.ta.value; }

  set value(text) {
    this.ta.value = text;
    this.ta.scrollTop = 0;
    this.ta.scrollLeft = 0;
    this.syncScroll(0, 0);
  }

  syncScroll(top = this.ta.scrollTop, left = this.ta.scrollLeft) {
    this.inner.style.transform = top || left ? `translate(${-left}px, ${-top}px)` : '';
  }

  /** Show `findings` (engine findings, located against `text`). */
  render(text, findings) {
    const sorted = findings
      .map((f, i) => ({ f, i }))
      .sort((a, b) => a.f.start_utf16 - b.f.start_utf16 || a.f.end_utf16 - b.f.end_utf16
        || RANK[b.f.severity] - RANK[a.f.severity] || a.i - b.i)
      .map((x) => x.f);
    this.findings = sorted;
    this.renderLayer(text, sorted);
    this.renderList(sorted);
    this.renderCounts(sorted);
  }

  renderLayer(text, findings) {
    if (text.length > LAYER_MAX) {
      this.patchLayer([]);
      return;
    }
    // Sweep over span boundaries; each piece takes the worst severity covering it.
    const n = text.length;
    const spans = [];
    for (const f of findings) {
      let s = Math.max(0, Math.min(n, f.start_utf16));
      let e = Math.max(s, Math.min(n, f.end_utf16));
      if (e === s) { // an empty span (e.g. "unexpected end of input"): mark one character
        if (s < n) e = s + 1; else if (s > 0) s -= 1; else continue;
      }
      spans.push([s, e, RANK[f.severity] ?? 1]);
    }
    const pieces = []; // [text, rank], rank 0 = not underlined
    if (spans.length === 0) {
      pieces.push([text, 0]);
    } else {
      const points = new Set([0, n]);
      for (const [s, e] of spans) { points.add(s); points.add(e); }
      const cuts = [...points].sort((a, b) => a - b);
      // Covering rank per piece: difference arrays over cut indices, one per rank.
      const idx = new Map(cuts.map((c, i) => [c, i]));
      const cover = [null, new Int32Array(cuts.length), new Int32Array(cuts.length), new Int32Array(cuts.length)];
      for (const [s, e, r] of spans) { cover[r][idx.get(s)]++; cover[r][idx.get(e)]--; }
      const run = [0, 0, 0, 0];
      for (let i = 0; i + 1 < cuts.length; i++) {
        for (let r = 1; r <= 3; r++) run[r] += cover[r][i];
        const rank = run[3] > 0 ? 3 : run[2] > 0 ? 2 : run[1] > 0 ? 1 : 0;
        const piece = text.slice(cuts[i], cuts[i + 1]);
        const last = pieces[pieces.length - 1];
        if (last && last[1] === rank) last[0] += piece; else pieces.push([piece, rank]);
      }
    }
    // A trailing newline in a textarea adds a line; the <pre> needs a character to match.
    pieces.push(['\n ', 0]);
    this.patchLayer(pieces);
  }

  /**
   * Make the layer show `pieces`, keeping the nodes of the unchanged pieces before and
   * after the edit (a keystroke usually changes one piece): few DOM operations per update.
   */
  patchLayer(pieces) {
    const old = this.pieces ?? [];
    const nodes = this.nodes ?? [];
    const same = (a, b) => a[1] === b[1] && a[0] === b[0];
    let p = 0;
    while (p < old.length && p < pieces.length && same(old[p], pieces[p])) p++;
    let q = 0;
    while (q < old.length - p && q < pieces.length - p && same(old[old.length - 1 - q], pieces[pieces.length - 1 - q])) q++;
    const before = nodes[old.length - q] ?? null;
    for (let i = p; i < old.length - q; i++) nodes[i].remove();
    const mid = [];
    for (let i = p; i < pieces.length - q; i++) {
      const [t, rank] = pieces[i];
      mid.push(rank === 0 ? document.createTextNode(t) : h('mark', { class: `u-${['', 'note', 'warning', 'error'][rank]}`, text: t }));
    }
    if (mid.length) {
      const frag = document.createDocumentFragment();
      frag.append(...mid);
      this.inner.insertBefore(frag, before);
    }
    this.nodes = nodes.slice(0, p).concat(mid, nodes.slice(old.length - q));
    this.pieces = pieces;
  }

  /**
   * The findings list. Items are reused across updates when their text is unchanged
   * (typing usually shifts positions, not messages), so an update touches few nodes.
   */
  renderList(findings) {
    const old = this.items ?? new Map();
    const next = new Map();
    const items = [];
    for (const f of findings) {
      const key = [f.code, f.severity, f.message, f.help ?? '', f.url ?? '',
        ...(f.labels ?? []).filter((l) => l.text && !l.primary).map((l) => l.text)].join('\u0000');
      const li = old.get(key)?.shift() ?? this.buildItem(f);
      li.finding = f;
      const where = `line ${f.line}, column ${f.column}`;
      if (li.whereEl.textContent !== where) {
        li.whereEl.textContent = where;
        li.dataset.line = String(f.line);
        li.jump.title = `Select ${where} in the editor`;
      }
      li.labelButtons.forEach((b, i) => {
        const t = `line ${li.finding.labels.filter((l) => l.text && !l.primary)[i]?.line}`;
        if (b.textContent !== t) b.textContent = t;
      });
      if (!next.has(key)) next.set(key, []);
      next.get(key).push(li);
      items.push(li);
    }
    this.items = next;
    if (items.length === 0) {
      replace(this.list, h('li', { class: 'diag-none', text: 'No problems found.' }));
      return;
    }
    reconcile(this.list, items);
  }

  buildItem(f) {
    const sev = f.severity;
    const li = h('li', { class: `diag diag-${sev}`, dataset: { code: f.code } });
    const whereEl = h('span', { class: 'diag-where' });
    const jump = h('button', {
      type: 'button', class: 'diag-jump',
      on: { click: () => this.select(li.finding.start_utf16, li.finding.end_utf16) },
    },
    h('span', { class: `sev sev-${sev}` },
      h('span', { 'aria-hidden': 'true', text: SEVERITY_ICON[sev] ?? '•' }), ` ${SEVERITY_LABEL[sev] ?? sev}`),
    h('span', { class: 'diag-code', text: f.code }),
    whereEl,
    h('span', { class: 'diag-msg' }, richText(f.message)));
    li.append(jump);
    if (f.help) li.append(h('p', { class: 'diag-help' }, h('span', { class: 'diag-help-label', text: 'help: ' }), richText(f.help)));
    const labels = (f.labels ?? []).filter((l) => l.text && !l.primary);
    li.labelButtons = [];
    if (labels.length) {
      li.append(h('ul', { class: 'diag-labels' }, labels.map((l, i) => {
        const b = h('button', { type: 'button', class: 'linklike', title: 'Select in the editor',
          on: { click: () => {
            const cur = li.finding.labels.filter((x) => x.text && !x.primary)[i];
            if (cur) this.select(cur.start_utf16, cur.end_utf16);
          } } });
        li.labelButtons.push(b);
        return h('li', {}, b, ': ', richText(l.text));
      })));
    }
    if (f.url) {
      li.append(h('a', { class: 'diag-doc', href: f.url, target: '_blank', rel: 'noopener noreferrer',
        text: `${f.code} ${f.name ?? ''} documentation`.replace(/\s+/g, ' ') }));
    }
    li.whereEl = whereEl;
    li.jump = jump;
    return li;
  }

  renderCounts(findings) {
    const c = { error: 0, warning: 0, note: 0 };
    for (const f of findings) c[f.severity] = (c[f.severity] ?? 0) + 1;
    const key = `${c.error}/${c.warning}/${c.note}`;
    if (this.countsKey === key) return; // unchanged: keep the nodes
    this.countsKey = key;
    const plural = (k, n) => `${n} ${k}${n === 1 ? '' : 's'}`;
    replace(this.counts, ['error', 'warning', 'note'].map((k) =>
      h('span', { class: `count sev-${k}${c[k] ? '' : ' zero'}`, dataset: { testid: `count-${k}`, count: String(c[k]) } },
        h('span', { 'aria-hidden': 'true', text: `${SEVERITY_ICON[k]} ` }), plural(k, c[k]))));
  }

  /** Select [start, end) (UTF-16 offsets) in the textarea, focus it, and scroll it into view. */
  select(start, end) {
    const ta = this.ta;
    const n = ta.value.length;
    const s = Math.max(0, Math.min(n, start));
    const e = Math.max(s, Math.min(n, end));
    ta.focus({ preventScroll: true });
    ta.setSelectionRange(s, e);
    // Scroll the textarea so the selection's first line is in view.
    const before = ta.value.slice(0, s);
    const line = before.split('\n').length - 1;
    const style = getComputedStyle(ta);
    const lh = parseFloat(style.lineHeight) || 20;
    const top = line * lh;
    if (top < ta.scrollTop || top > ta.scrollTop + ta.clientHeight - 2 * lh) {
      ta.scrollTop = Math.max(0, top - ta.clientHeight / 3);
    }
    const col = before.length - before.lastIndexOf('\n') - 1;
    const cw = lh * 0.5; // close enough for a monospace font; only used to reveal long lines
    if (col * cw < ta.scrollLeft || col * cw > ta.scrollLeft + ta.clientWidth - 40) {
      ta.scrollLeft = Math.max(0, col * cw - 40);
    }
    this.syncScroll(ta.scrollTop, ta.scrollLeft);
    ta.closest('.editor')?.scrollIntoView({ block: 'nearest', behavior: 'instant' });
  }
}
