//! The JSON shapes of a lint report, shared by `policycheck lint --format json`, SARIF
//! and the web page, so all of them say the same thing. Version 1; adding fields is
//! compatible, removing or renaming one is not.

use crate::registry;
use crate::LintResult;
use policycheck_core::public::AnalysisOptions;
use policycheck_core::public::{LevelAccess, PublicAccess, Reason, Verdict};
use policycheck_core::{LineIndex, Located};
use serde::Serialize;

/// The report format's version.
pub const REPORT_VERSION: u32 = 1;

/// One finding: the located diagnostic plus the rule's documentation URL.
#[derive(Clone, Debug, Serialize)]
pub struct Finding {
    #[serde(flatten)]
    pub located: Located,
    pub url: String,
    /// The JSON pointer of the value or key the finding is on (absent when the text is
    /// not JSON).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub pointer: Option<String>,
    /// The statement the finding is in, if any.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub statement: Option<StatementInfo>,
    /// The finding's stable identity (the SARIF `partialFingerprints` and baseline value),
    /// set by the CLI: line-independent, it survives reformatting.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub fingerprint: Option<String>,
}

/// Where a finding is, by statement.
#[derive(Clone, Debug, Serialize)]
pub struct StatementInfo {
    /// Position in the `Statement` list, from 0.
    pub index: usize,
    /// The `Sid`, if the statement has one.
    pub sid: Option<String>,
}

/// A witness with what it shows.
#[derive(Clone, Debug, Serialize)]
pub struct WitnessReport {
    /// The finer access level: `List`, `Read`, `Write`, `Permissions management`, `Tagging`.
    pub level: &'static str,
    /// The Allow statement that grants it (Sid or `#index`).
    pub granted_by: String,
    /// The request, in `policycheck eval --request` format.
    pub request: policycheck_core::Request,
}

/// The answer for one access level.
#[derive(Clone, Debug, Serialize)]
pub struct LevelReport {
    pub verdict: &'static str,
    pub actions: Vec<String>,
    pub witnesses: Vec<WitnessReport>,
    pub reasons: Vec<Reason>,
    pub unknown: Vec<String>,
}

/// The public-access answer for a file.
#[derive(Clone, Debug, Serialize)]
pub struct AccessReport {
    /// `public` when read or write is public; `unknown` when either cannot be decided.
    pub verdict: &'static str,
    /// Whether read (List or Read actions) is public.
    pub read: bool,
    /// Whether write (Write, Permissions management or Tagging actions) is public.
    pub write: bool,
    /// Requests that prove it, in `policycheck eval --request` format.
    pub witnesses: Vec<policycheck_core::Request>,
    /// Per level: actions, witnesses with their levels, the statements responsible.
    pub details: AccessDetails,
}

#[derive(Clone, Debug, Serialize)]
pub struct AccessDetails {
    pub read: LevelReport,
    pub write: LevelReport,
}

/// The report for one file.
///
/// `policycheck lint --format json` writes this shape by hand, straight from the lint
/// result (`output::json::fragment` in the CLI); a test there checks its text against
/// this type serialised, so a field added here shows up as a difference.
#[derive(Clone, Debug, Serialize)]
pub struct FileReport {
    pub path: String,
    /// `null` when the file is not a policy at all (not JSON, not an object).
    pub access: Option<AccessReport>,
    pub findings: Vec<Finding>,
}

fn level_report(l: &LevelAccess) -> LevelReport {
    LevelReport {
        verdict: l.verdict.as_str(),
        actions: l.public_actions.clone(),
        witnesses: l
            .witnesses
            .iter()
            .map(|w| WitnessReport {
                level: w.level.as_str(),
                granted_by: w.granted_by.clone(),
                request: w.request.clone(),
            })
            .collect(),
        reasons: l.reasons.clone(),
        unknown: l.unknown.clone(),
    }
}

/// The access block of a report.
pub fn access_report(a: &PublicAccess) -> AccessReport {
    AccessReport {
        verdict: a.verdict.as_str(),
        read: a.read.verdict == Verdict::Public,
        write: a.write.verdict == Verdict::Public,
        witnesses: a.witnesses().map(|w| w.request.clone()).collect(),
        details: AccessDetails {
            read: level_report(&a.read),
            write: level_report(&a.write),
        },
    }
}

/// Locate every finding against `text` and build the file's report.
pub fn file_report(path: &str, text: &str, result: &LintResult) -> FileReport {
    let index = LineIndex::new(text);
    FileReport {
        path: path.to_string(),
        access: result.access.as_ref().map(access_report),
        findings: result
            .diagnostics
            .iter()
            .map(|d| Finding {
                located: d.locate(&index),
                url: registry::find(d.code).map(|r| r.url()).unwrap_or_default(),
                pointer: d.pointer.as_deref().map(str::to_string),
                statement: result
                    .statement_at(d.primary_span())
                    .map(|s| StatementInfo {
                        index: s.index,
                        sid: s.sid.clone(),
                    }),
                fingerprint: None,
            })
            .collect(),
    }
}

/// Lint a text and report it: the one entry point the web page uses.
pub fn lint_text(path: &str, text: &str, options: &crate::LintOptions) -> FileReport {
    let parsed = parsed(text);
    let result = crate::lint_parsed(&parsed, text.as_bytes(), options);
    file_report(path, text, &result)
}

thread_local! {
    /// The last policy text parsed by these answers, and its parse: the simulator asks
    /// for the lint, the request builder's info and the evaluation of the same text on
    /// every keystroke (and for the evaluation alone on every request keystroke).
    static LAST_PARSE: std::cell::RefCell<Option<(String, std::rc::Rc<policycheck_core::ParseOutput>)>> =
        const { std::cell::RefCell::new(None) };
}

/// `parse_policy(text)`, reusing the previous answer when the text is the same.
fn parsed(text: &str) -> std::rc::Rc<policycheck_core::ParseOutput> {
    LAST_PARSE.with(|cell| {
        if let Some((t, p)) = cell.borrow().as_ref() {
            if t == text {
                return p.clone();
            }
        }
        let p = std::rc::Rc::new(policycheck_core::parse_policy(text));
        *cell.borrow_mut() = Some((text.to_string(), p.clone()));
        p
    })
}

/// An answer's JSON text: a tagged object, `{"type": "success", ...}` or
/// `{"type": "failure", "errors": [...]}`. User errors (a bad request, an unreadable
/// policy) are failures, never panics or throws.
///
/// Written member by member (each value through `serde_json`), not built as a
/// `serde_json::Value` first: the page's WASM then carries no `Value` or B-tree code.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Answer(pub String);

/// A JSON object being written: `{` and the members so far.
pub struct Obj(String);

impl Obj {
    pub fn new() -> Obj {
        Obj(String::from("{"))
    }

    /// The next member's key (a plain name: written as it is).
    fn key(&mut self, key: &str) {
        if self.0.len() > 1 {
            self.0.push(',');
        }
        self.0.push('"');
        self.0.push_str(key);
        self.0.push_str("\":");
    }

    /// A member with a value `serde_json` writes (`null` should it fail, which none of the
    /// answers' types can: their maps have string keys).
    pub fn field<T: Serialize + ?Sized>(mut self, key: &str, value: &T) -> Obj {
        self.key(key);
        match serde_json::to_string(value) {
            Ok(text) => self.0.push_str(&text),
            Err(_) => self.0.push_str("null"),
        }
        self
    }

    /// A member whose value is an array of objects written already.
    pub fn objects(mut self, key: &str, items: &[String]) -> Obj {
        self.key(key);
        self.0.push('[');
        for (i, item) in items.iter().enumerate() {
            if i > 0 {
                self.0.push(',');
            }
            self.0.push_str(item);
        }
        self.0.push(']');
        self
    }

    /// The object's text.
    pub fn end(mut self) -> String {
        self.0.push('}');
        self.0
    }

    /// The object as a finished answer.
    fn answer(self) -> Answer {
        Answer(self.end())
    }
}

impl Default for Obj {
    fn default() -> Self {
        Obj::new()
    }
}

/// A success answer: `{"type": "success"` and the members the caller adds.
fn success() -> Obj {
    Obj::new().field("type", "success")
}

/// A failure answer with located errors (objects written already).
pub fn failure(errors: &[String]) -> Answer {
    Obj::new()
        .field("type", "failure")
        .objects("errors", errors)
        .answer()
}

/// One located error: where it comes from (`policy`, `request`, `old`, `new`) and the
/// diagnostic.
fn located_error(source: &str, diagnostic: &Located) -> String {
    Obj::new()
        .field("source", source)
        .field("diagnostic", diagnostic)
        .end()
}

/// Lint a policy text: always a success (an invalid policy is a report with findings).
/// `{type, report: FileReport, engine}`.
pub fn lint_answer(name: &str, text: &str) -> Answer {
    lint_answer_with(name, text, AnalysisOptions::default())
}

/// [`lint_answer`] under the readings of the spec `analysis` chooses (the page's
/// `userid-role-pattern` box, as `policycheck.toml` sets it for the CLI).
pub fn lint_answer_with(name: &str, text: &str, analysis: AnalysisOptions) -> Answer {
    let options = crate::LintOptions {
        analysis,
        ..crate::LintOptions::default()
    };
    let report = lint_text(name, text, &options);
    success()
        .field("report", &report)
        .field("engine", policycheck_core::VERSION)
        .answer()
}

/// Evaluate a request (JSON text in `policycheck eval --request` form) against a policy
/// text. Success: `{type, evaluation, request, policy_diagnostics, certain}`; failure when
/// the policy is not a policy at all or the request is invalid (errors say where).
pub fn evaluate_answer(policy_text: &str, request_text: &str) -> Answer {
    use policycheck_core::{evaluate_mode, parse_request_file};
    let parsed = parsed(policy_text);
    let policy_index = LineIndex::new(policy_text);
    let policy_diags: Vec<Located> = parsed
        .diagnostics
        .iter()
        .map(|d| d.locate(&policy_index))
        .collect();
    let Some(policy) = parsed.policy.as_ref() else {
        let errors: Vec<String> = policy_diags
            .iter()
            .map(|d| located_error("policy", d))
            .collect();
        return failure(&errors);
    };
    let request_index = LineIndex::new(request_text);
    let rf = match parse_request_file(request_text) {
        Ok(r) => r,
        Err(ds) => {
            let errors: Vec<String> = ds
                .iter()
                .map(|d| located_error("request", &d.locate(&request_index)))
                .collect();
            return failure(&errors);
        }
    };
    let ev = evaluate_mode(
        policy,
        &rf.identity_policies,
        &rf.request,
        rf.mode,
        &rf.bucket_account,
    );
    let missing = missing_context(policy, &rf.request);
    let has_errors = parsed
        .diagnostics
        .iter()
        .any(|d| d.severity == policycheck_core::Severity::Error);
    success()
        .field("evaluation", &ev)
        .field("request", &rf.request)
        .field("policy_diagnostics", &policy_diags)
        .field("policy_has_errors", &has_errors)
        .field("missing_context", &missing)
        .answer()
}

/// Condition keys the policy reads that the request does not set (AWS's
/// `MissingContextValues`): the simulator warns about them.
pub fn missing_context(
    policy: &policycheck_core::Policy,
    req: &policycheck_core::Request,
) -> Vec<String> {
    use policycheck_core::condition::{fold_key, Compiled};
    use policycheck_core::pattern::Tok;
    let mut out: Vec<String> = Vec::new();
    let add = |out: &mut Vec<String>, key_lc: &str, display: &dyn Fn() -> String| {
        if !req.context.contains(key_lc) && !out.iter().any(|k| fold_key(k) == key_lc) {
            out.push(display());
        }
    };
    // Keys read through policy variables without a default (`${aws:username}` in a
    // Resource or a condition value) count too, as in AWS's MissingContextValues.
    let vars = |out: &mut Vec<String>, toks: &[Tok]| {
        for t in toks {
            if let Tok::Var {
                name,
                default: None,
            } = t
            {
                // The catalogue's spelling (`aws:username`, `aws:PrincipalTag/` + tag).
                let shown = || {
                    use policycheck_core::catalog::{condition_key, key_spelling};
                    key_spelling(condition_key(name), name).into_owned()
                };
                add(out, name, &shown);
            }
        }
    };
    let variables = policy.variables_enabled();
    for st in &policy.statements {
        if variables {
            for r in [&st.resource].into_iter().flatten() {
                for item in &r.items {
                    vars(&mut out, item.pattern.toks());
                }
            }
        }
        if let Some(c) = &st.condition {
            for cond in &c.conditions {
                add(&mut out, &cond.key_lc, &|| cond.key_display().into_owned());
                for v in &cond.values {
                    match &v.compiled {
                        Compiled::Text(p) => vars(&mut out, p.toks()),
                        Compiled::Arn(p) => vars(&mut out, p.toks()),
                        _ => {}
                    }
                }
            }
        }
    }
    out
}

/// The S3 actions grouped by access level, for the request builder.
pub fn actions_answer() -> Answer {
    use policycheck_core::catalog::S3_ACTIONS;
    let actions: Vec<String> = S3_ACTIONS
        .iter()
        .map(|a| {
            let resources: Vec<&str> = a.resources.iter().map(|r| r.as_str()).collect();
            Obj::new()
                .field("name", &a.full_name())
                .field("level", a.level.as_str())
                .field("resources", &resources)
                .end()
        })
        .collect();
    success()
        .objects("actions", &actions)
        .field("operations", policycheck_core::catalog::operations())
        .answer()
}

/// What the request builder needs from a policy: the bucket names it names, and every
/// condition key it reads with its type (from the catalogue, else from the operators).
pub fn policy_info_answer(policy_text: &str) -> Answer {
    use policycheck_core::catalog;
    use policycheck_core::condition::Family;
    let parsed = parsed(policy_text);
    let Some(policy) = parsed.policy.as_ref() else {
        return success()
            .field("buckets", &[] as &[String])
            .objects("keys", &[])
            .answer();
    };
    let mut buckets: Vec<String> = Vec::new();
    let mut keys: Vec<String> = Vec::new();
    let mut seen: Vec<String> = Vec::new();
    for st in &policy.statements {
        if let Some(r) = &st.resource {
            for item in &r.items {
                if let Some(rest) = item.text.value.strip_prefix("arn:aws:s3:::") {
                    let b = rest.split('/').next().unwrap_or("");
                    if !b.is_empty()
                        && !b.contains(['*', '?', '$'])
                        && !buckets.iter().any(|x| x == b)
                    {
                        buckets.push(b.to_string());
                    }
                }
            }
        }
        if let Some(c) = &st.condition {
            for cond in &c.conditions {
                if seen.iter().any(|k| *k == cond.key_lc) {
                    continue;
                }
                seen.push(cond.key_lc.to_string());
                let info = catalog::condition_key(&cond.key.value);
                let ty = match (info, cond.op.map(|o| o.base.family())) {
                    (Some(i), _) => i.ty.as_str().to_string(),
                    (None, Some(Family::Ip)) => "IPAddress".into(),
                    (None, Some(Family::Numeric)) => "Numeric".into(),
                    (None, Some(Family::Date)) => "Date".into(),
                    (None, Some(Family::Bool)) => "Bool".into(),
                    (None, Some(Family::Arn)) => "ARN".into(),
                    _ => "String".into(),
                };
                let multivalued =
                    info.is_some_and(|i| i.multivalued) || cond.op.is_some_and(|o| o.set.is_some());
                let key = match info {
                    Some(i) if !i.prefix => i.name,
                    _ => &*cond.key.value,
                };
                keys.push(
                    Obj::new()
                        .field("key", key)
                        .field("type", &ty)
                        .field("multivalued", &multivalued)
                        .field("summary", info.map_or("", |i| i.summary))
                        .field(
                            "example",
                            &cond.values.first().map(|v| v.text.value.as_str()),
                        )
                        .end(),
                );
            }
        }
    }
    success()
        .field("buckets", &buckets)
        .objects("keys", &keys)
        .answer()
}

/// Compare two policy texts (the simulator's Compare view): success with
/// `{added, removed, unknown}` as in `policycheck diff --format json`, or a failure
/// naming which side is invalid, with located errors.
pub fn diff_answer(old_text: &str, new_text: &str) -> Answer {
    diff_answer_with(old_text, new_text, AnalysisOptions::default())
}

/// [`diff_answer`] under the readings of the spec `analysis` chooses.
pub fn diff_answer_with(old_text: &str, new_text: &str, analysis: AnalysisOptions) -> Answer {
    let mut errors: Vec<String> = Vec::new();
    let mut side = |name: &str, text: &str| {
        let parsed = policycheck_core::parse_policy(text);
        let index = LineIndex::new(text);
        let errs: Vec<String> = parsed
            .diagnostics
            .iter()
            .filter(|d| d.severity == policycheck_core::Severity::Error)
            .map(|d| located_error(name, &d.locate(&index)))
            .collect();
        if errs.is_empty() {
            parsed.policy
        } else {
            errors.extend(errs);
            None
        }
    };
    let (old, new) = (side("old", old_text), side("new", new_text));
    match (old, new) {
        (Some(o), Some(n)) => {
            let report = crate::diff::diff_with(&o, &n, analysis);
            success()
                .field("added", &report.added)
                .field("removed", &report.removed)
                .field("unknown", &report.unknown)
                .answer()
        }
        _ => failure(&errors),
    }
}

/// The condition keys AWS sets for a caller and action (`policycheck eval
/// --derive-context`; see [`policycheck_core::request::derived_context`]). Success:
/// `{type, keys: [{key, value, why}]}`; failure when the principal is not one.
pub fn derived_context_answer(principal: &str, action: &str) -> Answer {
    match policycheck_core::Caller::parse(principal) {
        Ok(caller) => success()
            .field(
                "keys",
                &policycheck_core::request::derived_context(&caller, action.trim()),
            )
            .answer(),
        Err(message) => failure(&[Obj::new()
            .field("source", "request")
            .field("message", &message)
            .end()]),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::Value;

    /// The answer read back as JSON (the page's `JSON.parse`); the tests index it.
    fn read(a: Answer) -> Value {
        serde_json::from_str(&a.0).expect("an answer is JSON")
    }
    fn lint_answer(name: &str, text: &str) -> Value {
        read(super::lint_answer(name, text))
    }
    fn evaluate_answer(policy: &str, request: &str) -> Value {
        read(super::evaluate_answer(policy, request))
    }
    fn policy_info_answer(policy: &str) -> Value {
        read(super::policy_info_answer(policy))
    }
    fn diff_answer(old: &str, new: &str) -> Value {
        read(super::diff_answer(old, new))
    }
    fn actions_answer() -> Value {
        read(super::actions_answer())
    }

    #[test]
    fn objects_are_written_as_json_reads_them() {
        let inner = Obj::new().field("n", &1).end();
        let text = Obj::new()
            .field("s", "a \"quoted\"\nline")
            .field("none", &Option::<u8>::None)
            .objects("list", &[inner.clone(), inner])
            .objects("empty", &[])
            .end();
        assert_eq!(
            serde_json::from_str::<Value>(&text).unwrap(),
            serde_json::json!({"s": "a \"quoted\"\nline", "none": null, "list": [{"n": 1}, {"n": 1}], "empty": []})
        );
        assert_eq!(Obj::new().end(), "{}");
        // The tag comes first.
        assert!(failure(&[])
            .0
            .starts_with(r#"{"type":"failure","errors":[]"#));
    }

    const POLICY: &str = r#"{"Version": "2012-10-17", "Statement": [{"Sid": "Office", "Effect": "Allow", "Principal": "*", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::site/*", "Condition": {"IpAddress": {"aws:SourceIp": "203.0.113.0/24"}, "ForAnyValue:StringEquals": {"aws:TagKeys": "a"}}}]}"#;

    /// The answers share the last parse; alternating texts must never see each other's.
    #[test]
    fn the_shared_parse_follows_the_text() {
        let public = r#"{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Principal": "*", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::one/*"}]}"#;
        let private = r#"{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Principal": {"AWS": "111122223333"}, "Action": "s3:GetObject", "Resource": "arn:aws:s3:::two/*"}]}"#;
        let req = r#"{"principal": "anonymous", "action": "s3:GetObject", "resource": "arn:aws:s3:::one/x", "context": {}}"#;
        for _ in 0..2 {
            assert_eq!(
                lint_answer("a.json", public)["report"]["access"]["read"],
                true
            );
            assert_eq!(policy_info_answer(private)["buckets"][0], "two");
            assert_eq!(
                evaluate_answer(public, req)["evaluation"]["decision"],
                "Allow"
            );
            assert_eq!(
                lint_answer("b.json", private)["report"]["access"]["read"],
                false
            );
            assert_eq!(
                evaluate_answer(private, req)["evaluation"]["decision"],
                "ImplicitDeny"
            );
            assert_eq!(policy_info_answer(public)["buckets"][0], "one");
        }
    }

    #[test]
    fn lint_answers_are_tagged_and_carry_utf16_offsets() {
        let text = "{\"Id\": \"😀\", \"Statement\": [{\"Effect\": \"Allow\", \"Principal\": \"*\", \"Action\": \"s3:GetObject\", \"Resource\": \"arn:aws:s3:::b/*\"}]}";
        let a = lint_answer("p.json", text);
        assert_eq!(a["type"], "success");
        let f = a["report"]["findings"]
            .as_array()
            .unwrap()
            .iter()
            .find(|f| f["code"] == "PC101")
            .unwrap();
        let (s, e) = (
            f["start_utf16"].as_u64().unwrap() as usize,
            f["end_utf16"].as_u64().unwrap() as usize,
        );
        let units: Vec<u16> = text.encode_utf16().collect();
        assert_eq!(String::from_utf16(&units[s..e]).unwrap(), "\"*\"");
        assert_ne!(
            f["start"], f["start_utf16"],
            "the emoji shifts UTF-16 offsets"
        );
        // Not even JSON: still a success, with a located finding.
        let bad = lint_answer("p.json", "{");
        assert_eq!(bad["type"], "success");
        assert_eq!(bad["report"]["findings"][0]["code"], "PC001");
        assert!(bad["report"]["access"].is_null());
    }

    #[test]
    fn evaluate_answers_never_throw() {
        let ok = evaluate_answer(
            POLICY,
            r#"{"principal": "anonymous", "action": "s3:GetObject", "resource": "arn:aws:s3:::site/a", "context": {"aws:SourceIp": "203.0.113.5", "aws:TagKeys": ["a"]}}"#,
        );
        assert_eq!(ok["type"], "success");
        assert_eq!(ok["evaluation"]["decision"], "Allow");
        assert_eq!(ok["missing_context"], serde_json::json!([]));
        let missing = evaluate_answer(
            POLICY,
            r#"{"principal": "anonymous", "action": "s3:GetObject", "resource": "arn:aws:s3:::site/a", "context": {}}"#,
        );
        assert_eq!(missing["evaluation"]["decision"], "ImplicitDeny");
        assert_eq!(
            missing["missing_context"],
            serde_json::json!(["aws:SourceIp", "aws:TagKeys"])
        );
        // Keys read through variables count, unless the variable has a default; under
        // Version 2008-10-17 `${…}` is text, not a variable.
        let home = |version: &str| {
            format!(
                r#"{{"Version": "{version}", "Statement": [{{"Effect": "Allow", "Principal": "*", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::home/${{aws:username}}/*", "Condition": {{"StringLike": {{"s3:prefix": "${{aws:PrincipalTag/team}}/*", "aws:Referer": "${{aws:userid, 'x'}}"}}}}}}]}}"#
            )
        };
        let req = r#"{"principal": "arn:aws:iam::111122223333:user/alice", "action": "s3:GetObject", "resource": "arn:aws:s3:::home/alice/a", "context": {"aws:Referer": "r"}}"#;
        assert_eq!(
            evaluate_answer(&home("2012-10-17"), req)["missing_context"],
            serde_json::json!(["aws:username", "s3:prefix", "aws:PrincipalTag/team"])
        );
        assert_eq!(
            evaluate_answer(&home("2008-10-17"), req)["missing_context"],
            serde_json::json!(["s3:prefix"])
        );
        let bad_req = evaluate_answer(POLICY, r#"{"principal": "bob"}"#);
        assert_eq!(bad_req["type"], "failure");
        assert_eq!(bad_req["errors"][0]["source"], "request");
        let bad_policy = evaluate_answer("[", r#"{}"#);
        assert_eq!(bad_policy["type"], "failure");
        assert_eq!(bad_policy["errors"][0]["source"], "policy");
    }

    #[test]
    fn diff_answers_name_the_invalid_side() {
        let open = r#"{"Version": "2012-10-17", "Statement": [{"Sid": "Open", "Effect": "Allow", "Principal": "*", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::b/*"}]}"#;
        let closed = r#"{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Principal": {"AWS": "111122223333"}, "Action": "s3:GetObject", "Resource": "arn:aws:s3:::b/*"}]}"#;
        let d = diff_answer(closed, open);
        assert_eq!(d["type"], "success");
        assert_eq!(d["added"][0]["caller"], "public");
        assert_eq!(d["added"][0]["statements"][0], "Open");
        assert_eq!(d["added"][0]["witness"]["action"], "s3:GetObject");
        let bad = diff_answer("{", open);
        assert_eq!(bad["type"], "failure");
        assert_eq!(bad["errors"][0]["source"], "old");
    }

    #[test]
    fn policy_info_lists_buckets_and_typed_keys() {
        let info = policy_info_answer(POLICY);
        assert_eq!(info["buckets"], serde_json::json!(["site"]));
        let keys = info["keys"].as_array().unwrap();
        assert_eq!(keys[0]["key"], "aws:SourceIp");
        assert_eq!(keys[0]["type"], "IPAddress");
        assert_eq!(keys[1]["multivalued"], true);
        let actions = actions_answer();
        assert_eq!(actions["actions"].as_array().unwrap().len(), 167);
    }
}
