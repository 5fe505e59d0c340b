//! `policycheck eval POLICY --request REQUEST.json`: would this request be allowed, and why?

use crate::render::{self, ColorChoice};
use clap::{Args, ValueEnum};
use policycheck_core::eval::{Outcome, StatementTrace};
use policycheck_core::request::{
    parse_context, parse_request_json, Caller, RequestFile, DEFAULT_BUCKET_ACCOUNT,
};
use policycheck_core::{
    evaluate_mode, json, parse_policy_bytes, Context, CtxValue, Decision, Diagnostic, Evaluation,
    LineIndex, Located, Mode, PolicyKind, Request, Severity,
};
use std::process::ExitCode;

pub const AFTER_HELP: &str = "\
The request file is the request part of the conformance vectors:
  {\"principal\": \"anonymous\" | \"arn:aws:iam::ACCT:user/NAME\" | \"arn:aws:sts::ACCT:assumed-role/ROLE/SESSION\"
                 | \"service:NAME\" | \"federated:PROVIDER\" | \"ACCOUNT-ID\",
   \"action\": \"s3:GetObject\", \"resource\": \"arn:aws:s3:::BUCKET/KEY\",
   \"context\": {\"aws:SourceIp\": \"203.0.113.7\", \"aws:TagKeys\": [\"a\", \"b\"]},
   \"mode\": \"full\", \"identity_policies\": [ … ], \"bucket_account\": \"111122223333\",
   \"aws_star_includes_anonymous\": false}   (last four optional)
The context is the complete request context: nothing is derived from the principal, unless
--derive-context asks for the keys AWS sets itself (aws:userid, aws:username, aws:PrincipalType,
aws:PrincipalAccount, aws:PrincipalArn, aws:PrincipalIsAWSService, aws:PrincipalServiceName, and
s3:prefix = \"\" for a listing); keys the request sets are kept, and what it adds is shown.
Flags override the file's fields. --context KEY=VALUE is repeatable; repeating a key makes a list,
KEY=[\"a\",\"b\"] gives a list directly and KEY=[] an empty one.

Exit status: 0 allowed; 1 denied (explicitly or implicitly); 2 could not evaluate
(bad arguments, unreadable or invalid policy or request, or a construct that cannot be evaluated).";

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum EvalFormat {
    Text,
    Json,
}

#[derive(Args, Debug)]
pub struct EvalArgs {
    /// The bucket policy (JSON file; `-` reads standard input)
    pub policy: String,
    /// The whole request as a JSON file
    #[arg(long, short = 'r', value_name = "FILE")]
    pub request: Option<String>,
    /// Caller: anonymous, a 12-digit account id, an IAM/STS ARN, service:NAME or federated:PROVIDER
    #[arg(long, value_name = "PRINCIPAL")]
    pub principal: Option<String>,
    /// Action, e.g. s3:GetObject
    #[arg(long)]
    pub action: Option<String>,
    /// Resource ARN, e.g. arn:aws:s3:::my-bucket/index.html
    #[arg(long, value_name = "ARN")]
    pub resource: Option<String>,
    /// A context key (repeatable): KEY=VALUE, KEY=["a","b"], KEY=[]
    #[arg(long = "context", short = 'c', value_name = "KEY=VALUE")]
    pub context: Vec<String>,
    /// `{"AWS": "*"}` covers signed AWS principals only, not anonymous callers (the S3 user
    /// guide's reading; by default the IAM reference's, where it covers them too)
    #[arg(long)]
    pub aws_star_excludes_anonymous: bool,
    /// Add the condition keys AWS sets for the caller and action where the request does
    /// not set them (spec §4's table; an IAM user's or role's unique id is not known)
    #[arg(long)]
    pub derive_context: bool,
    /// Output format
    #[arg(long, short = 'f', value_enum, default_value_t = EvalFormat::Text)]
    pub format: EvalFormat,
    /// Colour in text output
    #[arg(long, value_enum, default_value_t = ColorChoice::Auto)]
    pub color: ColorChoice,
}

/// A file's name and contents.
pub struct Input {
    pub name: String,
    pub bytes: Vec<u8>,
}

pub fn read_input(path: &str) -> Result<Input, String> {
    if path == "-" {
        let mut bytes = Vec::new();
        std::io::Read::read_to_end(&mut std::io::stdin(), &mut bytes)
            .map_err(|e| format!("cannot read standard input: {e}"))?;
        return Ok(Input {
            name: "<stdin>".into(),
            bytes,
        });
    }
    match std::fs::read(path) {
        Ok(bytes) => Ok(Input {
            name: path.to_string(),
            bytes,
        }),
        Err(e) => Err(format!("cannot read `{path}`: {e}")),
    }
}

fn fail(msg: &str) -> ExitCode {
    errln!("error: {msg}");
    ExitCode::from(2)
}

/// Exit 2 with `msg` on stderr and, for `--format json`, `{"decision": null, "error",
/// "diagnostics"}` on stdout: a script reading the answer never gets empty input.
fn fail_as(format: EvalFormat, msg: &str, located: &[serde_json::Value]) -> ExitCode {
    if format == EvalFormat::Json {
        let out = serde_json::json!({"decision": null, "error": msg, "diagnostics": located});
        crate::print_json(&out);
    }
    fail(msg)
}

/// The request file's diagnostics, for people (stderr) and for `--format json`.
fn request_invalid(args: &EvalArgs, name: &str, text: &str, diags: &[Diagnostic]) -> ExitCode {
    print_diagnostics(name, text, diags, args.color);
    let index = LineIndex::new(text);
    let located: Vec<_> = diags
        .iter()
        .map(|d| serde_json::to_value(d.locate(&index)).unwrap_or_default())
        .collect();
    fail_as(
        args.format,
        &format!("the request `{name}` is not valid"),
        &located,
    )
}

/// Print diagnostics for people on stderr.
fn print_diagnostics(name: &str, text: &str, diags: &[Diagnostic], color: ColorChoice) {
    let h = render::handler(render::use_color(color, render::stderr_is_tty()), 100);
    // One line index for the file: built per diagnostic, 20,000 of them took 30 s.
    let index = LineIndex::new(text);
    for d in diags {
        err!("{}", render::render_with(&h, name, text, &index, d));
    }
}

fn parse_context_flag(ctx: &mut Context, seen: &mut Vec<String>, flag: &str) -> Result<(), String> {
    let Some((key, value)) = flag.split_once('=') else {
        return Err(format!("--context `{flag}`: expected KEY=VALUE"));
    };
    if key.is_empty() {
        return Err(format!("--context `{flag}`: the key is empty"));
    }
    let value = if value.trim_start().starts_with('[') {
        let arena = json::Arena::new();
        let parsed = json::parse(value, &arena);
        let Some(v) = parsed.value.filter(|_| parsed.diagnostics.is_empty()) else {
            return Err(format!(
                "--context `{flag}`: the list is not a JSON array of strings"
            ));
        };
        let obj = json::Json {
            kind: json::JsonKind::Object(&[json::Member {
                key,
                key_span: v.span,
                value: v,
            }]),
            span: policycheck_core::Span::default(),
        };
        // A list that is not one of strings (`[{"a": 1}]`, `[null]`) is bad input, as in
        // a request file: never read as an empty list.
        let one = parse_context(&obj).map_err(|d| format!("--context `{flag}`: {}", d.message))?;
        one.get(&policycheck_core::condition::fold_key(key))
            .cloned()
            .unwrap_or(CtxValue::Many(Vec::new()))
    } else {
        CtxValue::One(value.to_string())
    };
    let lc = policycheck_core::condition::fold_key(key);
    if seen.contains(&lc) {
        // Repeating a key makes a list.
        let merged = match (ctx.get(&lc).cloned(), value) {
            (Some(CtxValue::One(a)), CtxValue::One(b)) => CtxValue::Many(vec![a, b]),
            (Some(CtxValue::Many(mut a)), CtxValue::One(b)) => {
                a.push(b);
                CtxValue::Many(a)
            }
            (Some(CtxValue::One(a)), CtxValue::Many(b)) => {
                CtxValue::Many(std::iter::once(a).chain(b).collect())
            }
            (Some(CtxValue::Many(mut a)), CtxValue::Many(b)) => {
                a.extend(b);
                CtxValue::Many(a)
            }
            (None, v) => v,
        };
        ctx.insert(key, merged);
    } else {
        seen.push(lc);
        ctx.insert(key, value);
    }
    Ok(())
}

pub fn run(args: &EvalArgs) -> ExitCode {
    let fail = |msg: &str| fail_as(args.format, msg, &[]);
    if args.policy == "-" && args.request.as_deref() == Some("-") {
        return fail("the policy and the request cannot both be read from standard input (`-`): give one of them as a file");
    }
    // The request: from the file, then overridden by flags.
    let mut rf: Option<RequestFile> = None;
    if let Some(path) = &args.request {
        let input = match read_input(path) {
            Ok(i) => i,
            Err(e) => return fail(&e),
        };
        // Invalid UTF-8 is an error at its place, as in a policy (never read as U+FFFD).
        let arena = json::arena_for(input.bytes.len());
        let (text, parsed) = match json::parse_bytes(&input.bytes, &arena) {
            Ok(p) => p,
            Err(d) => {
                let shown = String::from_utf8_lossy(&input.bytes);
                return request_invalid(args, &input.name, &shown, &[*d]);
            }
        };
        let Some(root) = parsed.value.filter(|_| parsed.diagnostics.is_empty()) else {
            return request_invalid(args, &input.name, text, &parsed.diagnostics);
        };
        match parse_request_json(&root) {
            Ok(r) => {
                if r.identity_diagnostics
                    .iter()
                    .any(|d| d.severity == Severity::Error)
                {
                    return request_invalid(args, &input.name, text, &r.identity_diagnostics);
                }
                rf = Some(r);
            }
            Err(d) => return request_invalid(args, &input.name, text, &[d]),
        }
    }
    let base = rf.as_ref().map(|r| &r.request);
    let caller = match (&args.principal, base) {
        (Some(p), _) => match Caller::parse(p) {
            Ok(c) => c,
            Err(e) => return fail(&format!("--principal: {e}")),
        },
        (None, Some(b)) => b.caller.clone(),
        (None, None) => Caller::Anonymous,
    };
    let Some(action) = args
        .action
        .clone()
        .or_else(|| base.map(|b| b.action.clone()))
    else {
        return fail("no action: give --action (e.g. s3:GetObject) or --request FILE");
    };
    let Some(resource) = args
        .resource
        .clone()
        .or_else(|| base.map(|b| b.resource.clone()))
    else {
        return fail(
            "no resource: give --resource (e.g. arn:aws:s3:::my-bucket/key) or --request FILE",
        );
    };
    let mut context = base.map(|b| b.context.clone()).unwrap_or_default();
    let mut seen = Vec::new();
    for flag in &args.context {
        if let Err(e) = parse_context_flag(&mut context, &mut seen, flag) {
            return fail(&e);
        }
    }
    if let Err(e) = check_names(&action, &resource) {
        return fail(&e);
    }
    let derived = if args.derive_context {
        let keys = policycheck_core::request::derived_context(&caller, &action);
        policycheck_core::request::add_derived(&mut context, keys)
    } else {
        Vec::new()
    };
    let mut request = Request::new(caller, &action, &resource, context);
    request.aws_star_includes_anonymous =
        base.is_none_or(|b| b.aws_star_includes_anonymous) && !args.aws_star_excludes_anonymous;
    let (mode, identity, bucket_account) = match rf {
        Some(r) => (r.mode, r.identity_policies, r.bucket_account),
        None => (
            Mode::ResourcePolicyOnly,
            Vec::new(),
            DEFAULT_BUCKET_ACCOUNT.to_string(),
        ),
    };

    // The policy.
    let input = match read_input(&args.policy) {
        Ok(i) => i,
        Err(e) => return fail(&e),
    };
    let text = String::from_utf8_lossy(&input.bytes).into_owned();
    let parsed = parse_policy_bytes(&input.bytes, PolicyKind::Resource);
    let errors = parsed.has_errors();
    if args.format == EvalFormat::Text || parsed.policy.is_none() {
        print_diagnostics(&input.name, &text, &parsed.diagnostics, args.color);
    }
    let Some(policy) = parsed.policy else {
        if args.format == EvalFormat::Json {
            let index = LineIndex::new(&text);
            let out = serde_json::json!({
                "decision": null,
                "error": "the policy could not be read",
                "diagnostics": parsed.diagnostics.iter().map(|d| d.locate(&index)).collect::<Vec<_>>(),
            });
            crate::print_json(&out);
        }
        return ExitCode::from(2);
    };
    let mut ev = evaluate_mode(&policy, &identity, &request, mode, &bucket_account);
    let code = exit_code(&ev, errors);
    match args.format {
        EvalFormat::Json => {
            // The statement traces and the diagnostics are written one by one, each as
            // `serde_json::to_value` lays it out (keys sorted); the rest is one small tree.
            let statements = std::mem::take(&mut ev.statements);
            let identity_statements = std::mem::take(&mut ev.identity_statements);
            let mut top = match serde_json::to_value(&ev) {
                Ok(serde_json::Value::Object(o)) => o,
                _ => serde_json::Map::new(),
            };
            if errors {
                // The answer is one reading of an invalid policy (exit 2): not certain.
                top.insert("certain".into(), false.into());
            }
            top.insert("request".into(), request.to_json());
            if args.derive_context {
                // The keys --derive-context added (the request above includes them).
                top.insert(
                    "derived_context".into(),
                    serde_json::to_value(&derived).unwrap_or_default(),
                );
            }
            let index = LineIndex::new(&text);
            let located: Vec<Located> = parsed
                .diagnostics
                .iter()
                .map(|d| d.locate(&index))
                .collect();
            let mut lists = vec![("statements", List::Traces(&statements))];
            if !identity_statements.is_empty() {
                lists.push(("identity_statements", List::Traces(&identity_statements)));
            }
            lists.push(("diagnostics", List::Located(&located)));
            crate::print_json(&SortedReport { top, lists });
        }
        EvalFormat::Text => out!(
            "{}",
            text_report(
                &ev,
                &request,
                &derived,
                errors,
                render::use_color(args.color, render::stdout_is_tty())
            )
        ),
    }
    code
}

/// A request names one action and one resource: reject what cannot be one (a pattern,
/// an S3 action that does not exist, a resource that is not an ARN) rather than answer
/// "denied" for a request that cannot happen. A `*` or `?` in a resource is a literal
/// character of an object key (warned about: it is easy to mean a wildcard).
fn check_names(action: &str, resource: &str) -> Result<(), String> {
    let well_formed = action.split_once(':').is_some_and(|(svc, name)| {
        !svc.is_empty()
            && !name.is_empty()
            && svc.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-')
            && name.bytes().all(|b| b.is_ascii_alphanumeric())
    });
    if !well_formed {
        let why = if action.contains(['*', '?']) {
            "a request names one action, not a pattern"
        } else {
            "expected `service:ActionName`"
        };
        return Err(format!(
            "`{action}` is not an action: {why} (e.g. s3:GetObject; `policycheck lint` checks patterns in policies)"
        ));
    }
    if action
        .split_once(':')
        .is_some_and(|(svc, _)| svc.eq_ignore_ascii_case("s3"))
        && policycheck_core::catalog::s3_action(action).is_none()
    {
        let hint = match policycheck_core::catalog::operation_permission(action) {
            Some(needs) => format!(": it is an API operation, which S3 checks as {needs}"),
            None => policycheck_core::catalog::suggest_s3_action(action)
                .map(|s| format!("; did you mean `{s}`?"))
                .unwrap_or_default(),
        };
        return Err(format!("`{action}` is not an S3 action{hint}"));
    }
    if !resource.starts_with("arn:") || policycheck_core::catalog::arn_parts(resource).is_none() {
        return Err(format!(
            "`{resource}` is not an ARN: a request names one resource, such as arn:aws:s3:::my-bucket or arn:aws:s3:::my-bucket/path/key"
        ));
    }
    if resource.contains(['*', '?']) {
        errln!(
            "warning: `{resource}`: in a request `*` and `?` are characters of the object key, not wildcards; this asks about the object named so"
        );
    }
    Ok(())
}

/// 0 allowed, 1 denied, 2 uncertain or invalid policy.
pub fn exit_code(ev: &Evaluation, policy_has_errors: bool) -> ExitCode {
    if policy_has_errors || !ev.certain {
        return ExitCode::from(2);
    }
    match ev.decision {
        Decision::Allow => ExitCode::SUCCESS,
        Decision::ExplicitDeny | Decision::ImplicitDeny => ExitCode::from(1),
    }
}

struct Paint(bool);

impl Paint {
    fn wrap(&self, code: &str, s: &str) -> String {
        if self.0 {
            format!("\x1b[{code}m{s}\x1b[0m")
        } else {
            s.to_string()
        }
    }
    fn green(&self, s: &str) -> String {
        self.wrap("32", s)
    }
    fn red(&self, s: &str) -> String {
        self.wrap("31", s)
    }
    fn yellow(&self, s: &str) -> String {
        self.wrap("33", s)
    }
    fn bold(&self, s: &str) -> String {
        self.wrap("1", s)
    }
    fn dim(&self, s: &str) -> String {
        self.wrap("2", s)
    }
}

fn mark(p: &Paint, o: Outcome) -> String {
    match o {
        Outcome::Matched => p.green("✓ matched      "),
        Outcome::NotMatched => p.red("✗ not matched  "),
        Outcome::NotEvaluable => p.yellow("? not evaluable"),
    }
}

/// The decision and the trace, for a person.
pub fn text_report(
    ev: &Evaluation,
    req: &Request,
    derived: &[policycheck_core::request::DerivedKey],
    policy_has_errors: bool,
    color: bool,
) -> String {
    let p = Paint(color);
    // Text from the policy and the request, safe to print (control characters escaped).
    let v = |t: &str| crate::render::visible(t, false).into_owned();
    let mut s = String::new();
    let head = match ev.decision {
        Decision::Allow => p.green("ALLOWED"),
        Decision::ExplicitDeny => p.red("EXPLICITLY DENIED"),
        Decision::ImplicitDeny => p.red("IMPLICITLY DENIED"),
    };
    let certainty = if ev.certain {
        String::new()
    } else {
        format!(" {}", p.yellow("(uncertain)"))
    };
    s.push_str(&format!(
        "{} {head}{certainty} ({})\n",
        p.bold("Decision:"),
        ev.decision.as_str()
    ));
    s.push_str(&format!("  {}\n", v(&ev.summary)));
    if policy_has_errors {
        s.push_str(&format!("  {}\n", p.yellow("the policy has errors (see above): AWS would reject it, so this result is not authoritative")));
    }
    s.push_str(&format!("\n{}\n", p.bold("Request:")));
    s.push_str(&format!(
        "  principal  {}\n  action     {}\n  resource   {}\n",
        v(&req.caller.display()),
        v(&req.action),
        v(&req.resource)
    ));
    if req.context.is_empty() {
        s.push_str("  context    (empty)\n");
    } else {
        for (i, (k, value)) in req.context.iter().enumerate() {
            let label = if i == 0 { "context" } else { "" };
            let value = match value {
                CtxValue::One(x) => x.clone(),
                CtxValue::Many(xs) => format!("[{}]", xs.join(", ")),
            };
            let from = match derived.iter().find(|d| d.key.eq_ignore_ascii_case(k)) {
                Some(d) => p.dim(&format!("  (derived: --derive-context: {})", d.why)),
                None => String::new(),
            };
            s.push_str(&format!("  {label:<10} {} = {}{from}\n", v(k), v(&value)));
        }
    }
    let section = |s: &mut String, title: &str, traces: &[StatementTrace]| {
        if traces.is_empty() {
            return;
        }
        s.push_str(&format!("\n{}\n", p.bold(title)));
        for t in traces {
            let effect = t.effect.map_or("?".to_string(), |e| e.to_string());
            let applies = match t.applies {
                Outcome::Matched => p.green("applies"),
                Outcome::NotMatched => p.dim("does not apply"),
                Outcome::NotEvaluable => p.yellow("cannot be evaluated"),
            };
            s.push_str(&format!("  {} ({effect}): {applies}\n", p.bold(&v(&t.id))));
            for (name, part) in [
                ("principal", &t.principal),
                ("action", &t.action),
                ("resource", &t.resource),
            ] {
                s.push_str(&format!(
                    "    {name:<10} {}  {}\n",
                    mark(&p, part.result),
                    v(&part.reason)
                ));
            }
            for c in &t.conditions {
                // The row of a statement with errors names no operator or key.
                let what = if c.operator.is_empty() && c.key.is_empty() {
                    String::new()
                } else {
                    format!("{} {}: ", v(&c.operator), v(&c.key))
                };
                s.push_str(&format!(
                    "    {:<10} {}  {what}{}\n",
                    "condition",
                    mark(&p, c.result),
                    v(&c.reason)
                ));
            }
        }
    };
    section(&mut s, "Bucket policy statements:", &ev.statements);
    section(
        &mut s,
        "Identity policy statements:",
        &ev.identity_statements,
    );
    s
}

/// A JSON object written as `serde_json::to_value` would lay it out (keys in sorted
/// order), where the long lists are turned into JSON one item at a time rather than as a
/// whole: `eval --format json` of a policy with 100,000 conditions stays near the size
/// of its trace, not four times over.
struct SortedReport<'a> {
    top: serde_json::Map<String, serde_json::Value>,
    lists: Vec<(&'a str, List<'a>)>,
}

#[derive(Clone, Copy)]
enum List<'a> {
    Traces(&'a [StatementTrace]),
    Located(&'a [Located]),
}

impl serde::Serialize for SortedReport<'_> {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeMap;
        let mut members: Vec<(&str, Result<&serde_json::Value, List<'_>>)> = self
            .top
            .iter()
            .filter(|(k, _)| !self.lists.iter().any(|(name, _)| name == k))
            .map(|(k, v)| (k.as_str(), Ok(v)))
            .chain(self.lists.iter().map(|&(k, l)| (k, Err(l))))
            .collect();
        members.sort_by(|a, b| a.0.cmp(b.0));
        let mut m = s.serialize_map(Some(members.len()))?;
        for (k, v) in members {
            match v {
                Ok(v) => m.serialize_entry(k, v)?,
                Err(l) => m.serialize_entry(k, &l)?,
            }
        }
        m.end()
    }
}

impl serde::Serialize for List<'_> {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        fn each<S: serde::Serializer, T: serde::Serialize>(
            s: S,
            items: &[T],
        ) -> Result<S::Ok, S::Error> {
            use serde::ser::SerializeSeq;
            let mut seq = s.serialize_seq(Some(items.len()))?;
            for item in items {
                let v = serde_json::to_value(item).map_err(serde::ser::Error::custom)?;
                seq.serialize_element(&v)?;
            }
            seq.end()
        }
        match *self {
            List::Traces(t) => each(s, t),
            List::Located(l) => each(s, l),
        }
    }
}
