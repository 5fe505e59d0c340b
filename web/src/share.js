// Shareable state: the policy and the request (and, from version 2, the view and the
// Compare view's Before policy) in the URL fragment as
// `#s=2.<base64url(deflate-raw(JSON))>`, plus the last state in localStorage.
// Version 1 links (no view, no Before policy) still open: they mean the Simulator view.
// Text from a link is untrusted: it is only ever validated and shown with textContent.

export const LINK_VERSION = 2;
/** Every version this page reads. */
const READS = [1, 2];
const STORAGE_KEY = 'policycheck.state.v1'; // the key predates version 2; entries carry their version
/** 1 MiB of policy text is plenty (S3 accepts 20 KB): larger ones are neither kept nor linked. */
export const MAX_POLICY = 1 << 20;
const TOO_LARGE = 'its policy is too large (over 1 MiB; S3 accepts 20 KB)';
/**
 * The most a link's JSON may hold once decompressed (UTF-8 bytes): two policies of 1 MiB
 * (After and Before), JSON-escaped, and the request. The decoder stops reading there (a
 * small link can inflate to gigabytes), and the encoder makes no link it would refuse.
 */
export const MAX_LINK_JSON = 4 * MAX_POLICY;
const LINK_TOO_LARGE = 'the link is too large (over 4 MiB once decompressed)';
/** Compressed bytes fed to the decompressor at a time: deflate inflates at most ~1032:1. */
const INFLATE_STEP = 1024;

/** Whether a state's policies are too large to keep in this browser or put in a link. */
export function tooLarge(state) {
  return (state.policy?.length ?? 0) > MAX_POLICY || (state.before?.length ?? 0) > MAX_POLICY;
}

export const VIEWS = ['simulator', 'compare'];

/**
 * Serializable snapshot: {policy, request: {principal, action, resource, context:
 * [[key, value, include]]}, view: "simulator"|"compare", before: string, engine}.
 */
export function normalizeState(raw) {
  if (!raw || typeof raw !== 'object') throw new Error('the link holds no state');
  const { policy, request } = raw;
  if (typeof policy !== 'string') throw new Error('the link holds no policy text');
  if (policy.length > MAX_POLICY || (typeof raw.before === 'string' && raw.before.length > MAX_POLICY)) throw new Error(TOO_LARGE);
  const r = request && typeof request === 'object' ? request : {};
  const str = (v) => (typeof v === 'string' ? v : '');
  const context = [];
  if (Array.isArray(r.context)) {
    for (const item of r.context) {
      if (!Array.isArray(item) || typeof item[0] !== 'string' || !item[0]) continue;
      const v = item[1];
      const value = Array.isArray(v) ? v.filter((x) => typeof x === 'string') : str(v);
      // A fourth item `true`: a key AWS sets for the caller (it follows the caller).
      context.push(item[3] === true ? [item[0], value, item[2] !== false, true] : [item[0], value, item[2] !== false]);
    }
  }
  return {
    policy,
    request: {
      principal: str(r.principal),
      action: str(r.action),
      resource: str(r.resource),
      context,
      ...(r.awsStarIncludesAnonymous === false ? { awsStarIncludesAnonymous: false } : {}),
      ...(r.derive === true ? { derive: true } : {}),
    },
    view: VIEWS.includes(raw.view) ? raw.view : 'simulator',
    before: typeof raw.before === 'string' ? raw.before : '',
    engine: typeof raw.engine === 'string' ? raw.engine : null,
    ...(raw.rolePatternPublic === true ? { rolePatternPublic: true } : {}),
  };
}

function toBase64Url(bytes) {
  let s = '';
  for (let i = 0; i < bytes.length; i += 0x8000) s += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(s).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

function fromBase64Url(text) {
  if (!/^[A-Za-z0-9_-]*$/.test(text)) throw new Error('the link is damaged (not base64url)');
  const b64 = text.replace(/-/g, '+').replace(/_/g, '/') + '==='.slice((text.length + 3) % 4);
  let bin;
  try {
    bin = atob(b64);
  } catch {
    throw new Error('the link is damaged (not base64url)'); // e.g. a length no base64 has
  }
  const out = new Uint8Array(bin.length);
  for (let i = 0; i < bin.length; i++) out[i] = bin.charCodeAt(i);
  return out;
}

async function pipe(bytes, stream) {
  const res = new Response(new Blob([bytes]).stream().pipeThrough(stream));
  return new Uint8Array(await res.arrayBuffer());
}

/** The encoder's or decoder's size limit was reached (not a damaged link or a missing API). */
export class LinkTooLarge extends Error {}

/**
 * Inflate deflate-raw `bytes`, stopping with LinkTooLarge once the output passes `limit`
 * bytes. The input goes in small steps: a DecompressionStream inflates each chunk it is
 * given at once, so a whole bomb given as one chunk would fill memory before any check.
 */
async function inflateLimited(bytes, limit) {
  const ds = new DecompressionStream('deflate-raw');
  const writer = ds.writable.getWriter();
  const reader = ds.readable.getReader();
  const writing = (async () => {
    for (let i = 0; i < bytes.length; i += INFLATE_STEP) await writer.write(bytes.subarray(i, i + INFLATE_STEP));
    await writer.close();
  })();
  writing.catch(() => {}); // its errors reach the reader too (or the reading was cancelled)
  const chunks = [];
  let total = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    total += value.length;
    if (total > limit) {
      reader.cancel().catch(() => {});
      throw new LinkTooLarge(LINK_TOO_LARGE);
    }
    chunks.push(value);
  }
  await writing;
  const out = new Uint8Array(total);
  let at = 0;
  for (const c of chunks) { out.set(c, at); at += c.length; }
  return out;
}

/** State → `s=2.<payload>` (without the `#`). Throws for a policy too large to link. */
export async function encodeState(state) {
  if (tooLarge(state)) throw new Error('the policy is too large to share in a link (over 1 MiB)');
  const json = JSON.stringify({
    v: LINK_VERSION, engine: state.engine ?? null, policy: state.policy, request: state.request,
    view: state.view ?? 'simulator', before: state.before ?? '',
    ...(state.rolePatternPublic === true ? { rolePatternPublic: true } : {}),
  });
  const bytes = new TextEncoder().encode(json);
  if (bytes.length > MAX_LINK_JSON) throw new LinkTooLarge('the policies are too large to share in a link (over 4 MiB as JSON)');
  const packed = await pipe(bytes, new CompressionStream('deflate-raw'));
  return `s=${LINK_VERSION}.${toBase64Url(packed)}`;
}

/**
 * Read the state from a fragment (`#s=2.…`, or an older `#s=1.…`). Returns null when the
 * fragment holds no state; throws an Error with a message for people when the link is
 * bad or of a version this page does not read.
 */
export async function decodeFragment(hash) {
  const frag = (hash || '').replace(/^#/, '');
  if (!frag) return null;
  const m = /^s=([^.]*)\.?(.*)$/s.exec(frag);
  if (!m) return null;
  const [, version, payload] = m;
  if (!READS.some((v) => version === String(v))) {
    throw new Error(/^\d+$/.test(version)
      ? `the link uses format version ${version}, and this page reads versions ${READS.join(' and ')}`
      : 'the link is damaged (no format version)');
  }
  const packed = fromBase64Url(payload);
  let bytes;
  try {
    bytes = await inflateLimited(packed, MAX_LINK_JSON);
  } catch (e) {
    throw new Error(e instanceof LinkTooLarge ? e.message : 'the link is damaged (it could not be decompressed)');
  }
  let json;
  try {
    json = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(bytes));
  } catch {
    throw new Error('the link is damaged (not JSON)');
  }
  if (json?.v !== Number(version)) throw new Error('the link is damaged (wrong format version inside)');
  // Version 1 had no view and no Before policy: normalizeState gives the defaults.
  return normalizeState(json);
}

/** Keep the state in localStorage; false when it is too large to keep (the last one stays). */
export function saveLocal(state) {
  if (tooLarge(state)) return false;
  try {
    localStorage.setItem(STORAGE_KEY, JSON.stringify({ v: LINK_VERSION, ...state }));
  } catch { /* storage full or disabled: nothing to do */ }
  return true;
}

/**
 * The last kept state, or null when there is none (or storage is disabled). Throws an
 * Error with a message for people when there is one this page cannot restore.
 */
export function loadLocal() {
  let text;
  try {
    text = localStorage.getItem(STORAGE_KEY);
  } catch {
    return null; // storage disabled
  }
  if (!text) return null;
  let json;
  try {
    json = JSON.parse(text);
  } catch {
    throw new Error('it is damaged (not JSON)');
  }
  if (!READS.includes(json?.v)) {
    throw new Error(typeof json?.v === 'number' ? `it was kept in format version ${json.v}, and this page reads versions ${READS.join(' and ')}` : 'it is damaged (no format version)');
  }
  try {
    return normalizeState(json);
  } catch (e) {
    throw new Error(e.message === TOO_LARGE ? TOO_LARGE : 'it is damaged (it holds no policy text)');
  }
}
