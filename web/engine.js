// The page's policy engine: policycheck's Rust core compiled to WASM (crates/wasm,
// built into ./pkg by `scripts/web.sh build`), wrapped so the page works with plain
// JS objects. All policy logic is in Rust; this file only parses the answers and adds
// UTF-16 offsets to the evaluation trace's byte spans.
//
// ─── API contract (the page codes against this) ──────────────────────────────────────
//
//   import { loadEngine } from './engine.js';
//   const engine = await loadEngine();        // inits the WASM once; later calls reuse it
//   engine.version                            // "0.1.0"
//   engine.lintPolicy('policy.json', text)    // → LintAnswer
//   engine.lintPolicy(name, text, {rolePatternPublic: true})  // spec §6.2's other reading
//   engine.evaluate(text, requestObjOrJson)   // → EvaluateAnswer
//   engine.actions()                          // → ActionsAnswer (cached)
//   engine.policyInfo(text)                   // → PolicyInfoAnswer
//   engine.diffPolicies(oldText, newText)     // → DiffAnswer (the Compare view)
//   engine.derivedContext(principal, action)  // → DerivedContextAnswer (keys AWS sets)
//
// Every answer is a tagged object: `{type: "success", ...}` or `{type: "failure", errors}`.
// Nothing throws for user input (bad JSON, a bad request, garbage): that is data. Only
// `loadEngine()` can reject (the WASM could not be fetched or compiled). Should the
// engine itself fail (a bug), the call returns `{type: "failure", errors: [{source:
// "engine", message}]}` rather than throwing.
//
// Offsets: `start`/`end` are UTF-8 byte offsets into the text (what Rust counts);
// `start_utf16`/`end_utf16` are UTF-16 code-unit offsets, which is what JS strings,
// `textarea.setSelectionRange` and `text.slice()` use: always use the `_utf16` ones in
// the page. `line` is 1-based; `column` is 1-based in characters (Unicode scalar
// values: what to show people), `column_utf16` 1-based in UTF-16 code units (an emoji
// counts 2; what SARIF and GitHub use).
//
// Field names are snake_case exactly as Rust writes them (the same JSON as
// `policycheck lint --format json` and `policycheck eval --format json`).

import init, * as wasm from './pkg/policycheck_wasm.js';

/**
 * A finding (diagnostic), located in the policy text.
 * @typedef {object} Finding
 * @property {string} code           e.g. "PC101"
 * @property {string} name           e.g. "public-read"
 * @property {"error"|"warning"|"note"} severity
 * @property {string} message
 * @property {string} [help]         how to fix it (absent when the rule has none)
 * @property {string} url            the rule's documentation URL ("" when unknown)
 * @property {number} line           1-based line of the primary span's start
 * @property {number} column         1-based column, in characters (code points)
 * @property {number} end_line
 * @property {number} end_column     1-based, one past the last character
 * @property {number} column_utf16   1-based column, in UTF-16 code units
 * @property {number} end_column_utf16
 * @property {number} start          byte offset of the primary span
 * @property {number} end
 * @property {number} start_utf16    UTF-16 offset: `text.slice(start_utf16, end_utf16)` is the span
 * @property {number} end_utf16
 * @property {Label[]} labels        every underlined range (the primary one included)
 */

/**
 * @typedef {object} Label
 * @property {string} [text]         what this range is (absent for an unlabelled range)
 * @property {boolean} primary
 * @property {number} start
 * @property {number} end
 * @property {number} start_utf16
 * @property {number} end_utf16
 * @property {number} line           1-based
 * @property {number} column         1-based, in characters
 */

/**
 * A request, in `policycheck eval --request` form (also what witnesses are).
 * @typedef {object} Request
 * @property {string} principal      "anonymous", a 12-digit account, an IAM/STS ARN, "service:NAME", "federated:PROVIDER"
 * @property {string} action         e.g. "s3:GetObject"
 * @property {string} resource       e.g. "arn:aws:s3:::bucket/key"
 * @property {Object<string, string|string[]>} [context]  the complete request context; a list is a multi-valued key
 * @property {"resource_policy_only"|"full"} [mode]       input only: "full" adds identity policies
 * @property {string} [bucket_account]                    input only, full mode
 * @property {object[]} [identity_policies]               input only, full mode
 */

/**
 * Why a statement matters to a public-access verdict.
 * @typedef {object} Reason
 * @property {string} statement      Sid, or "#<index>"
 * @property {number} index          0-based statement index
 * @property {"grants"|"restricted-by-principal"|"restricted-by-condition"|"restricted-by-resource"|"pinned-by-deny"|"denies"|"not-evaluable"} role
 * @property {string} detail         a sentence for people
 */

/**
 * @typedef {object} Witness
 * @property {"List"|"Read"|"Write"|"Permissions management"|"Tagging"} level
 * @property {string} granted_by     the Allow statement (Sid or "#index")
 * @property {Request} request       evaluates to Allow (a test enforces it)
 */

/**
 * @typedef {object} LevelReport
 * @property {"public"|"not-public"|"unknown"} verdict
 * @property {string[]} actions      the actions an outsider can run (when public)
 * @property {Witness[]} witnesses   one per public finer level
 * @property {Reason[]} reasons      the statements responsible
 * @property {string[]} unknown      why it cannot be decided (when "unknown")
 */

/**
 * The public-access verdict. Null in a report when the text is not a policy at all.
 * @typedef {object} AccessReport
 * @property {"public"|"not-public"|"unknown"} verdict  "public" when read or write is public
 * @property {boolean} read          read (List/Read actions) is public
 * @property {boolean} write         write (Write/Permissions management/Tagging) is public
 * @property {Request[]} witnesses   every witness request (read's, then write's)
 * @property {{read: LevelReport, write: LevelReport}} details
 */

/**
 * @typedef {object} LintReport
 * @property {string} path           the name given to lintPolicy
 * @property {AccessReport|null} access
 * @property {Finding[]} findings    in the order the linter reports them (sort by start_utf16 to list by position)
 */

/**
 * `lintPolicy(name, text)`: always a success; an invalid policy is a report whose findings
 * say why (a JSON syntax error is exactly one PC001 finding, and `access` is null).
 * @typedef {{type: "success", report: LintReport, engine: string}} LintAnswer
 */

/**
 * A byte span, with the UTF-16 offsets engine.js adds for the editor.
 * @typedef {object} Span
 * @property {number} start          byte offset
 * @property {number} end
 * @property {number} [start_utf16]  added by engine.js for spans into the bucket policy
 * @property {number} [end_utf16]
 */

/**
 * One part (principal, action or resource) of a statement, explained.
 * @typedef {object} PartTrace
 * @property {"matched"|"not_matched"|"not_evaluable"} result
 * @property {string} reason
 * @property {Span} [span]           the element value that decided it
 */

/**
 * @typedef {object} ConditionTrace
 * @property {string} operator       e.g. "IpAddress", "ForAnyValue:StringEquals"
 * @property {string} key            e.g. "aws:SourceIp"
 * @property {string[]} values       the policy's values
 * @property {string|string[]} [request_value]  absent when the request lacks the key
 * @property {"matched"|"not_matched"|"not_evaluable"} result
 * @property {string} reason         e.g. "`aws:SourceIp` 198.51.100.7 is not in `203.0.113.0/24`"
 * @property {Span} span
 */

/**
 * @typedef {object} StatementTrace
 * @property {string} id             Sid, or "#<index>"
 * @property {number} index          0-based
 * @property {"Allow"|"Deny"} [effect]
 * @property {"matched"|"not_matched"|"not_evaluable"} applies  whether the statement applies
 * @property {PartTrace} principal
 * @property {PartTrace} action
 * @property {PartTrace} resource
 * @property {ConditionTrace[]} conditions
 * @property {"wildcard"|"exact"|"session"|"account"} [match_kind]
 * @property {Span} span             the whole statement (use start_utf16/end_utf16 to highlight it)
 */

/**
 * @typedef {object} Evaluation
 * @property {"Allow"|"ExplicitDeny"|"ImplicitDeny"} decision
 * @property {boolean} certain       false when a not-evaluable part could change it (then fail-closed; say "uncertain")
 * @property {string[]} determining  the deciding statements' ids (none for ImplicitDeny)
 * @property {StatementTrace[]} statements          the bucket policy's statements
 * @property {StatementTrace[]} [identity_statements] full mode only (spans point into identity policies: no UTF-16 added)
 * @property {"resource_policy_only"|"full"} mode
 * @property {string} summary        one sentence saying why
 */

/**
 * `evaluate(policyText, request)`.
 * Success: the decision and per-statement trace. Failure: the policy is not a policy at
 * all, or the request is invalid; each error says which (`source`) and where.
 * @typedef {{type: "success", evaluation: Evaluation, request: Request,
 *   policy_diagnostics: Finding[], policy_has_errors: boolean, missing_context: string[]}
 *   | {type: "failure", errors: EvaluateError[]}} EvaluateAnswer
 * `missing_context`: condition keys the policy reads that the request does not set
 * (AWS's MissingContextValues), as written in the policy; warn about them.
 * `policy_diagnostics`: parse problems in the policy (located like findings, without `url`).
 */

/**
 * @typedef {object} EvaluateError
 * @property {"policy"|"request"|"engine"} source   which input is at fault ("engine": a bug)
 * @property {Finding} [diagnostic]  located in that input's text (policy or request JSON); absent for "engine"
 * @property {string} [message]      "engine" errors only
 */

/**
 * `actions()`: the S3 actions (167), for the request builder.
 * @typedef {{type: "success", actions: {name: string, level: "List"|"Read"|"Write"|"Permissions management"|"Tagging",
 *   resources: string[]}[], operations: [string, string][]}} ActionsAnswer
 * `name` is "s3:GetObject"; `resources` are the resource types it acts on ("object", "bucket", …).
 * `operations`: S3 API operations that are not actions, as `["HeadObject", "`s3:GetObject`"]`
 * (the permission S3 checks for it, as Markdown-ish text), as `policycheck eval` explains them.
 */

/**
 * `policyInfo(text)`: what the request builder pre-fills. Empty lists when the text is not a policy.
 * @typedef {{type: "success", buckets: string[], keys: ConditionKeyInfo[]}} PolicyInfoAnswer
 */

/**
 * @typedef {object} ConditionKeyInfo
 * @property {string} key            canonical name, e.g. "aws:SourceIp"
 * @property {"String"|"IPAddress"|"Numeric"|"Date"|"Bool"|"ARN"|string} type  the input to offer
 * @property {boolean} multivalued   a list of values (e.g. aws:TagKeys)
 * @property {string} summary        "" when the key is not in the catalogue
 * @property {string|null} example   the first value the policy compares it with
 */

/**
 * One change of access between two policies (as in `policycheck diff --format json`,
 * without `path`).
 * @typedef {object} AccessChange
 * @property {"read"|"write"} level
 * @property {("List"|"Read"|"Write"|"Permissions management"|"Tagging")[]} access_levels  the finer levels shown
 * @property {string} caller         "public" (anyone, possibly anonymous), "account:<12 digits>" or "service:<name>"
 * @property {string[]} statements   the responsible statements (Sid or "#index") of the policy that grants it:
 *                                   NEW's for `added`, OLD's for `removed`
 * @property {Request} witness       added: NEW allows it and OLD denies it; removed: the other way round
 * @property {string[]} actions      the actions concerned
 */

/**
 * New access that could not be ruled out (part of a policy cannot be evaluated): treat
 * it as new (the CLI fails `--fail-on-new public` on it when `caller` is "public").
 * @typedef {{level: "read"|"write", caller: string, reasons: string[]}} UndecidedChange
 */

/**
 * `diffPolicies(oldText, newText)`: what NEW (after) allows that OLD (before) does not.
 * Success: `added` (new access), `removed` (access taken away; information) and `unknown`
 * (could not decide: not "no new access"). Failure: OLD or NEW is not a valid policy;
 * every error names its side (`source: "old" | "new"`) and is located in that text
 * (`line`, `column`, `start_utf16`…). A failure never means "no new access".
 * @typedef {{type: "success", added: AccessChange[], removed: AccessChange[], unknown: UndecidedChange[]}
 *   | {type: "failure", errors: {source: "old"|"new"|"engine", diagnostic?: Finding, message?: string}[]}} DiffAnswer
 */

/**
 * `derivedContext(principal, action)`: the condition keys AWS sets by itself for this caller
 * and action (spec §4's table; `policycheck eval --derive-context`). A failure when the
 * principal is not one.
 * @typedef {{type: "success", keys: {key: string, value: string, why: string}[]}
 *   | {type: "failure", errors: {source: string, message: string}[]}} DerivedContextAnswer
 */

/**
 * @typedef {object} Engine
 * @property {string} version
 * @property {string} rules  the rule set, e.g. "52 rules, 0.1.0"
 * @property {(name: string, text: string, settings?: Settings) => LintAnswer} lintPolicy
 * @property {(policyText: string, request: Request|string) => EvaluateAnswer} evaluate
 * @property {() => ActionsAnswer} actions
 * @property {(text: string) => PolicyInfoAnswer} policyInfo
 * @property {(oldText: string, newText: string, settings?: Settings) => DiffAnswer} diffPolicies
 * @property {(principal: string, action: string) => DerivedContextAnswer} derivedContext
 */

/**
 * The analysis' readings of the spec the page lets people choose (as `policycheck.toml`
 * does for the CLI).
 * @typedef {object} Settings
 * @property {boolean} [rolePatternPublic]  `aws:userid` like `AROAEXAMPLEROLEID:*` (one role's
 *   sessions) is not a fixed value, so it does not pin the caller (`userid-role-pattern =
 *   "public"`); absent or false: it pins (the default, spec §6.2)
 */

/**
 * A function from UTF-8 byte offsets into `text` to UTF-16 offsets (what `text.slice`
 * takes). The table is built on first use. Lone surrogates count as U+FFFD (3 bytes), as
 * they do on their way into the engine.
 * @param {string} text
 * @returns {(byteOffset: number) => number}
 */
export function utf16Offsets(text) {
  let table = null; // table[byte] = UTF-16 offset of the character holding that byte
  return (byteOffset) => {
    if (table === null) {
      const t = [];
      let u = 0;
      for (const ch of text) {
        const cp = ch.codePointAt(0);
        const n = cp < 0x80 ? 1 : cp < 0x800 ? 2 : cp < 0x10000 ? 3 : 4;
        for (let i = 0; i < n; i++) t.push(u);
        u += ch.length;
      }
      t.push(u);
      table = Uint32Array.from(t);
    }
    if (!(byteOffset >= 0)) return 0;
    return byteOffset < table.length ? table[byteOffset] : text.length;
  };
}

function addUtf16(span, toUtf16) {
  if (span && typeof span.start === 'number' && typeof span.end === 'number') {
    span.start_utf16 = toUtf16(span.start);
    span.end_utf16 = toUtf16(span.end);
  }
}

function engineFailure(e) {
  return { type: 'failure', errors: [{ source: 'engine', message: `internal error in the policy engine: ${e}` }] };
}

/** Call a shim and parse its JSON; a throw (only a bug) becomes an engine failure. */
function call(fn, ...args) {
  try {
    return JSON.parse(fn(...args));
  } catch (e) {
    console.error('policycheck engine:', e);
    return engineFailure(e);
  }
}

const ASCII = /^[\x00-\x7f]*$/;
const toText = (v) => (typeof v === 'string' ? v : String(v ?? ''));

let cachedActions = null;

/** @type {Engine} */
const engine = {
  version: '',
  rules: '',
  lintPolicy(name, text, settings = {}) {
    return call(wasm.lintPolicy, toText(name), toText(text), settings?.rolePatternPublic === true);
  },
  evaluate(policyText, request) {
    const policy = toText(policyText);
    let requestText;
    try {
      requestText = typeof request === 'string' ? request : JSON.stringify(request ?? null);
    } catch (e) {
      requestText = String(request); // e.g. a cyclic object: the engine reports it as invalid
    }
    const answer = call(wasm.evaluate, policy, requestText);
    if (answer.type === 'success' && answer.evaluation) {
      // ASCII text (the usual policy): byte offsets are UTF-16 offsets.
      const toUtf16 = ASCII.test(policy) ? (b) => (b >= 0 ? Math.min(b, policy.length) : 0) : utf16Offsets(policy);
      for (const st of answer.evaluation.statements ?? []) {
        addUtf16(st.span, toUtf16);
        for (const part of [st.principal, st.action, st.resource]) addUtf16(part?.span, toUtf16);
        for (const c of st.conditions ?? []) addUtf16(c.span, toUtf16);
      }
    }
    return answer;
  },
  actions() {
    if (cachedActions === null) {
      const a = call(wasm.actions);
      if (a.type !== 'success') return a;
      cachedActions = a;
    }
    return structuredClone(cachedActions);
  },
  policyInfo(text) {
    return call(wasm.policyInfo, toText(text));
  },
  derivedContext(principal, action) {
    return call(wasm.derivedContext, toText(principal), toText(action));
  },
  diffPolicies(oldText, newText, settings = {}) {
    return call(wasm.diffPolicies, toText(oldText), toText(newText), settings?.rolePatternPublic === true);
  },
};

let loading = null;

/**
 * Load the engine (fetches and compiles ./pkg/policycheck_wasm_bg.wasm once).
 * @param {RequestInfo|URL|Response|BufferSource|WebAssembly.Module} [moduleOrPath]
 *   where the WASM comes from (default: next to pkg/policycheck_wasm.js); Node tests
 *   pass the bytes.
 * @returns {Promise<Engine>}
 */
export function loadEngine(moduleOrPath) {
  if (loading === null) {
    loading = init(moduleOrPath === undefined ? undefined : { module_or_path: moduleOrPath })
      .then(() => {
        engine.version = wasm.version();
        engine.rules = wasm.rulesVersion();
        return engine;
      })
      .catch((e) => {
        loading = null; // let a later call try again
        throw e;
      });
  }
  return loading;
}
