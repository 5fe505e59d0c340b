// Tiny DOM helpers. Everything that may contain user or policy text goes through
// textContent or attribute setters: this page never assigns innerHTML.

/**
 * Create an element. `attrs` keys: `class`, `text` (textContent), `dataset` (object),
 * `on` (object of event listeners), properties such as `type`/`value`/`checked`,
 * anything else becomes an attribute (null/undefined/false skip it).
 */
export function h(tag, attrs = {}, ...children) {
  const el = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (v === null || v === undefined || v === false) continue;
    if (k === 'class') el.className = v;
    else if (k === 'text') el.textContent = v;
    else if (k === 'dataset') Object.assign(el.dataset, v);
    else if (k === 'on') for (const [ev, fn] of Object.entries(v)) el.addEventListener(ev, fn);
    else if (k === 'value' || k === 'checked' || k === 'selected' || k === 'disabled') el[k] = v;
    else el.setAttribute(k, v === true ? '' : String(v));
  }
  append(el, children);
  return el;
}

/** Append children: nodes, strings (as text), arrays, skipping null/false. */
export function append(el, children) {
  for (const c of children) {
    if (c === null || c === undefined || c === false) continue;
    if (Array.isArray(c)) append(el, c);
    else if (c instanceof Node) el.appendChild(c);
    else el.appendChild(document.createTextNode(String(c)));
  }
  return el;
}

/** Replace all children of `el`. */
export function replace(el, ...children) {
  el.replaceChildren();
  return append(el, children);
}

/** Render text with `code spans` (backticks in engine messages) as <code>, safely. */
export function richText(text) {
  const out = [];
  const parts = String(text).split('`');
  parts.forEach((p, i) => {
    if (!p) return;
    out.push(i % 2 ? h('code', { text: p }) : document.createTextNode(p));
  });
  // An odd number of backticks: the last piece was not a code span after all.
  if (parts.length % 2 === 0) return [document.createTextNode(String(text))];
  return out;
}

/** Debounce: call `fn` `ms` after the last call. `.flush()` runs a pending call now. */
export function debounce(fn, ms) {
  let timer = null;
  let args = null;
  const d = (...a) => {
    args = a;
    clearTimeout(timer);
    timer = setTimeout(() => { timer = null; fn(...args); }, ms);
  };
  d.flush = () => { if (timer !== null) { clearTimeout(timer); timer = null; fn(...args); } };
  d.cancel = () => { clearTimeout(timer); timer = null; };
  d.pending = () => timer !== null;
  return d;
}

/**
 * Make `parent`'s children exactly `items` (nodes, in order) with few DOM operations:
 * nodes that stay are not moved unless the order changed. Much cheaper than
 * replaceChildren when an update changes one item of many.
 */
export function reconcile(parent, items) {
  const keep = new Set(items);
  for (let c = parent.firstChild; c;) {
    const next = c.nextSibling;
    if (!keep.has(c)) parent.removeChild(c);
    c = next;
  }
  let cur = parent.firstChild;
  for (const item of items) {
    if (item === cur) {
      cur = cur.nextSibling;
    } else {
      parent.insertBefore(item, cur);
    }
  }
}

/**
 * The note for a witness request that needs the S3 user guide's reading of
 * `{"AWS": "*"}` (signed requests only): empty for every other request.
 */
export function s3Reading(req) {
  return req?.aws_star_includes_anonymous === false
    ? [' (reading ', h('code', { text: '{"AWS": "*"}' }), ' as S3 does: signed requests only)']
    : '';
}
