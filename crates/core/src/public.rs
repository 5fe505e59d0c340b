//! The public-access analysis (spec §6.8): semantic, deny-aware, sound, witnessed.
//!
//! For each access level the question is: is there an *outsider request* (anonymous,
//! or from an account the policy never names, holding only values an outsider owns in
//! the restricting keys) for an action of that level, on a resource of the bucket, that
//! the policy allows, Deny statements included?
//!
//! How it is answered:
//! 1. The request is split into dimensions: the caller, the action, the resource, and
//!    each condition key the policy reads. [`crate::solve`] gives each dimension a
//!    finite set of candidate values that covers every behaviour the policy can tell
//!    apart (automata for strings, boundary points for numbers, dates and IPs),
//!    restricted to what an outsider can send.
//! 2. Actions are grouped into classes that every statement treats alike.
//! 3. For each class and each Allow statement, a depth-first search picks candidate
//!    values so that the Allow applies and every Deny fails, pruning as soon as the
//!    Allow fails or a Deny is certain to apply.
//! 4. Every witness found is re-evaluated with the ordinary evaluator ([`crate::decide`])
//!    and kept only if it is allowed, with certainty.
//! 5. "Not public" is answered only when the search was exhaustive over complete
//!    candidate sets; otherwise the answer is "unknown" (never a silent "not public").

use crate::catalog::{self, AccessLevel, ResourceType};
use crate::collections::{VecMap, VecSet};
use crate::condition::{self, BaseOp, Compiled, Tri};
use crate::eval::{self, Decision};
use crate::model::*;
use crate::parse::{iam_name, iam_session_name};
use crate::pattern::{ArnPattern, Tok};
use crate::request::{is_account_id, AwsCaller, Caller, CallerKind, Context, CtxValue, Request};
use crate::solve::{self, ArnPiece, Glob, Unit};
use crate::text::StrFind;
use crate::values::Decimal;
use ipnet::IpNet;
use serde::Serialize;
use std::net::IpAddr;

/// The answer for one access level, or overall.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Verdict {
    Public,
    NotPublic,
    Unknown,
}

impl Verdict {
    pub fn as_str(self) -> &'static str {
        match self {
            Verdict::Public => "public",
            Verdict::NotPublic => "not-public",
            Verdict::Unknown => "unknown",
        }
    }
}

/// A concrete outsider request the policy allows.
#[derive(Clone, Debug)]
pub struct Witness {
    pub request: Request,
    /// The access level of the witness's action (finer than read/write).
    pub level: AccessLevel,
    /// The Allow statement that grants it (Sid or `#index`) and its index.
    pub granted_by: String,
    pub granted_by_index: usize,
}

/// What a statement contributes to the answer.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Reason {
    /// Statement id (Sid or `#index`).
    pub statement: String,
    pub index: usize,
    /// `grants`, `restricted-by-principal`, `restricted-by-condition`, `restricted-by-resource`, `pinned-by-deny`, `denies`, `not-evaluable`.
    pub role: &'static str,
    pub detail: String,
}

/// The answer for one access level (read or write).
#[derive(Clone, Debug)]
pub struct LevelAccess {
    pub verdict: Verdict,
    /// At least one per public finer level (List, Read, Write, …), each allowed by the evaluator.
    pub witnesses: Vec<Witness>,
    /// Every action of this level an outsider can run (when public).
    pub public_actions: Vec<String>,
    /// Every Allow statement that grants some of them to an outsider (the witnesses
    /// come from some of these only: one per finer level), by index, in the order found.
    pub granted_by: Vec<usize>,
    /// Which statements make it so.
    pub reasons: Vec<Reason>,
    /// Why the answer is unknown, when it is.
    pub unknown: Vec<String>,
}

/// The public-access answer for a bucket policy.
#[derive(Clone, Debug)]
pub struct PublicAccess {
    /// `public` when read or write is public; else `unknown` when either is; else `not-public`.
    pub verdict: Verdict,
    pub read: LevelAccess,
    pub write: LevelAccess,
}

impl PublicAccess {
    /// An answer that could not be computed, for both levels, with the reason.
    pub fn unknown(reason: &str) -> PublicAccess {
        let level = LevelAccess {
            verdict: Verdict::Unknown,
            witnesses: Vec::new(),
            public_actions: Vec::new(),
            granted_by: Vec::new(),
            reasons: Vec::new(),
            unknown: vec![reason.to_string()],
        };
        PublicAccess {
            verdict: Verdict::Unknown,
            read: level.clone(),
            write: level,
        }
    }

    /// The answer of two levels: public when either is, else unknown when either is.
    fn from_levels(read: LevelAccess, write: LevelAccess) -> PublicAccess {
        let verdict = match (read.verdict, write.verdict) {
            (Verdict::Public, _) | (_, Verdict::Public) => Verdict::Public,
            (Verdict::Unknown, _) | (_, Verdict::Unknown) => Verdict::Unknown,
            _ => Verdict::NotPublic,
        };
        PublicAccess {
            verdict,
            read,
            write,
        }
    }

    /// All witnesses, read first.
    pub fn witnesses(&self) -> impl Iterator<Item = &Witness> {
        self.read
            .witnesses
            .iter()
            .chain(self.write.witnesses.iter())
    }
}

/// Account ids tried, in order, for the outsider (the first not named by the policy).
const FRESH_ACCOUNTS: &[&str] = &[
    "999988887777",
    "888877776666",
    "777766665555",
    "666655554444",
    "555544443333",
];

/// A condition value no number, date or IP address comparison can read.
const UNREADABLE: &str = "text";

/// Keys whose values have a documented shape, a test for that shape, and values of it
/// an outsider may hold. The search fills a witness's free characters with the first
/// ones that work (`o--`); [`Search::shaped_values`] writes one of these instead when the
/// policy allows that just as well and names none of them.
const VALUE_SHAPES: &[ValueShape] = &[
    (
        &["aws:principalorgid", "aws:resourceorgid", "aws:sourceorgid"],
        is_org_id,
        &["o-a1b2c3d4e5", "o-k9x8w7v6u5"],
    ),
    (
        &["aws:sourcevpce"],
        |v| is_hex_id(v, "vpce-"),
        &["vpce-0a1b2c3d4e5f67890", "vpce-1f2e3d4c5b6a79801"],
    ),
    (
        &["aws:sourcevpc"],
        |v| is_hex_id(v, "vpc-"),
        &["vpc-0a1b2c3d4e5f67890", "vpc-1f2e3d4c5b6a79801"],
    ),
    // Numbers and dates: a key read only by `Null` (or by operators no value of its
    // type passes) gets a fresh string such as `x` from the search.
    (&["s3:tlsversion"], is_number, &["1.3", "1.2"]),
    (
        &[
            "s3:max-keys",
            "aws:multifactorauthage",
            "s3:signatureage",
            "s3:object-lock-remaining-retention-days",
        ],
        is_number,
        &["1000", "300", "1"],
    ),
    (&["aws:epochtime"], is_date, &["1767268800"]),
    (
        &["aws:sourceip"],
        |v| v.parse::<IpAddr>().is_ok(),
        &["198.51.100.10", "203.0.113.10", "2001:db8::10"],
    ),
    (
        &["aws:requestedregion"],
        // `us-east-1`: lower-case letters, digits and dashes, ending in a digit.
        |v| {
            v.has_byte(b'-')
                && v.ends_with(|c: char| c.is_ascii_digit())
                && v.bytes()
                    .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
        },
        &["us-east-1", "eu-west-1"],
    ),
    (
        &[
            "aws:currenttime",
            "aws:tokenissuetime",
            "s3:object-lock-retain-until-date",
        ],
        is_date,
        &["2026-01-01T12:00:00Z"],
    ),
];

/// The unique ids of the outsider's role and user in witnesses (21 characters, as
/// AWS writes them).
const OUTSIDER_ROLE_ID: &str = "AROAOUTSIDER77EXAMPLE";
const OUTSIDER_USER_ID: &str = "AIDAOUTSIDER77EXAMPLE";

/// Keys of one kind, whether a value has their shape, and values of it.
type ValueShape = (
    &'static [&'static str],
    fn(&str) -> bool,
    &'static [&'static str],
);

/// An organization id: `o-` and 10 to 32 lower-case letters or digits.
fn is_org_id(v: &str) -> bool {
    v.strip_prefix("o-").is_some_and(|r| {
        (10..=32).contains(&r.len())
            && r.bytes()
                .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit())
    })
}

/// A number, as numeric condition operators read it.
fn is_number(v: &str) -> bool {
    Decimal::parse(v).is_some()
}

/// A date, ISO 8601 or epoch seconds, as date condition operators read it.
fn is_date(v: &str) -> bool {
    crate::values::parse_date(v).is_some()
}

/// A VPC or VPC endpoint id: the prefix and 8 or 17 lower-case hex digits.
fn is_hex_id(v: &str, prefix: &str) -> bool {
    v.strip_prefix(prefix).is_some_and(|r| {
        matches!(r.len(), 8 | 17)
            && r.bytes()
                .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
    })
}

/// `arn` with the parts a witness search leaves empty filled in as AWS writes them: the
/// account (the outsider's `account`) and region of a resource that has them
/// (`us-east-1`), the resource of an ARN cut short (`arn:aws:kms:`) and the name after
/// a trailing `/` (a role `outsider-role`, a key id, a distribution id, ...). `None`
/// when nothing is empty.
fn fuller_arn(arn: &str, account: &str) -> Option<String> {
    let (parts, n) = catalog::split_arn(arn);
    let [_, partition, service, region, acct, resource] = parts;
    if n < 3 || service.is_empty() || !arn.starts_with("arn:") {
        return None;
    }
    // S3's bucket ARNs have neither account nor region: a bucket name, completed.
    if service == "s3" && n == 6 && region.is_empty() && acct.is_empty() {
        return (resource.is_empty() || resource.ends_with(['-', '.']))
            .then(|| format!("{arn}outsider-bucket"));
    }
    let partition = if partition.is_empty() {
        "aws"
    } else {
        partition
    };
    let acct = if acct.is_empty() { account } else { acct };
    let global = ["iam", "sts", "cloudfront", "organizations", "route53"].contains(&service);
    let region = if region.is_empty() && !global {
        "us-east-1"
    } else {
        region
    };
    let kind = if n < 6 {
        match service {
            "iam" => "role",
            "kms" => "key",
            "cloudfront" => "distribution",
            "s3" => "accesspoint",
            _ => "",
        }
    } else {
        resource
            .strip_suffix('/')
            .map_or("", |r| r.rsplit('/').next().unwrap_or(""))
    };
    let name = match kind {
        "role" => "outsider-role",
        "user" => "outsider",
        "distribution" => "EDFDVBD6EXAMPLE",
        "key" => "1234abcd-12ab-34cd-56ef-1234567890ab",
        "accesspoint" => "example-access-point",
        _ if n == 6 && !resource.ends_with('/') => "",
        _ => "example",
    };
    let resource = match (n, kind) {
        (6, _) => resource.to_string(),
        (_, "") => String::new(),
        _ => format!("{kind}/"),
    };
    let fuller = format!("arn:{partition}:{service}:{region}:{acct}:{resource}{name}");
    (fuller != arn).then_some(fuller)
}

/// Search budget (DFS nodes per policy); beyond it the answer is unknown.
const NODE_BUDGET: usize = 200_000;

/// What a leaf that gives no witness costs of [`NODE_BUDGET`]: about what it costs in
/// time, measured against a node (tens of microseconds against one or two).
const LEAF_COST: usize = 10;

/// Keys only a signed request carries (spec §7.3's table): with one of them, a witness is
/// sent by an outsider's IAM user rather than anonymously, where that keeps it a witness.
const SIGNED_ONLY: &[&str] = &[
    "aws:principalorgid",
    "aws:principalorgpaths",
    "aws:calledvia",
    "aws:calledviafirst",
    "aws:calledvialast",
    "aws:viaawsservice",
    "aws:multifactorauthpresent",
    "aws:multifactorauthage",
    "aws:tokenissuetime",
    "aws:sourceidentity",
    "aws:federatedprovider",
];

/// Keys only a service principal's request carries, when the service calls for one of
/// its resources (spec §7.3's table): a witness with one of them is sent by that service
/// for the outsider's resource, where that keeps it a witness.
const SERVICE_SOURCE: &[&str] = &[
    "aws:principalservicename",
    "aws:principalservicenameslist",
    "aws:sourcearn",
    "aws:sourceaccount",
    "aws:sourceowner",
    "aws:sourceorgid",
    "aws:sourceorgpaths",
];

/// Keys that describe an IAM or STS caller (with [`SIGNED_ONLY`] and the principal tags):
/// a witness with one of them is no service's request.
const IAM_CALLER_KEYS: &[&str] = &[
    "aws:principalarn",
    "aws:principalaccount",
    "aws:principaltype",
    "aws:userid",
    "aws:username",
];

/// The service a witness names when nothing says which one: CloudTrail, whose log
/// delivery is the usual reason a bucket policy checks `aws:SourceArn`/`aws:SourceAccount`.
const DEFAULT_SOURCE_SERVICE: &str = "cloudtrail.amazonaws.com";

/// In [`DfsState::unknown_part`], a Deny's action or effect (no atom of its own).
const ACTION_PART: usize = usize::MAX;

/// One atom: a part of a statement that depends on some dimensions.
#[derive(Clone, Debug)]
enum AtomKind {
    Principal,
    Resource,
    Cond(usize),
    /// A missing or broken element: never certain.
    Broken,
}

#[derive(Clone, Debug)]
struct Atom {
    kind: AtomKind,
    deps: Vec<usize>,
}

struct StmtInfo<'a> {
    st: &'a Statement,
    effect: Option<Effect>,
    atoms: Vec<Atom>,
}

/// The condition keys of a policy, their candidate sets built on first use: a search
/// that never reaches a key never pays for it.
struct Keys<'a> {
    /// (lower-cased name, name as written), sorted.
    names: Vec<(String, String)>,
    cells: Vec<std::cell::OnceCell<KeyDim>>,
    analyzer: &'a Analyzer<'a>,
}

impl<'a> Keys<'a> {
    fn with_cells(mut self) -> Self {
        self.cells = self
            .names
            .iter()
            .map(|_| std::cell::OnceCell::new())
            .collect();
        self
    }

    fn len(&self) -> usize {
        self.names.len()
    }

    fn position(&self, lc: &str) -> Option<usize> {
        self.names.iter().position(|(n, _)| n == lc)
    }

    fn get(&self, i: usize) -> Option<&KeyDim> {
        let (lc, display) = self.names.get(i)?;
        Some(
            self.cells
                .get(i)?
                .get_or_init(|| self.analyzer.key_dim(lc, display)),
        )
    }
}

struct KeyDim {
    name_lc: String,
    display: String,
    cands: Vec<Option<CtxValue>>,
    complete: bool,
    /// Incomplete only because some values read a variable: the candidates still tell
    /// apart everything the other values ask (see `Search::run`).
    vars_only: bool,
    note: Option<String>,
}

/// The readings of the spec that are choices (spec §6.2, §9), where a user may want the
/// other one.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct AnalysisOptions {
    /// Whether `aws:userid` like `AROAEXAMPLEROLEID:*` (every session of one role) pins
    /// the caller: spec §6.2's reading of S3's "outside the pattern `AROLEID:*`", the
    /// default. `false` takes the other reading, where such a pattern is not a fixed
    /// value, and an outsider may hold any user id it matches.
    pub userid_role_pattern_pins: bool,
}

impl Default for AnalysisOptions {
    fn default() -> Self {
        AnalysisOptions {
            userid_role_pattern_pins: true,
        }
    }
}

/// Analyse a bucket policy.
pub fn analyze(policy: &Policy) -> PublicAccess {
    analyze_with(policy, AnalysisOptions::default())
}

/// Analyse a bucket policy under the readings `options` chooses.
pub fn analyze_with(policy: &Policy, options: AnalysisOptions) -> PublicAccess {
    both_readings(policy, None, &Scope::Outsider, options, None)
}

/// [`analyze_with`] for a policy known to be attached to `bucket`: the requests are on
/// that bucket and its objects, whatever other buckets the policy names (without it, the
/// analysis takes the buckets the policy names).
pub fn analyze_in_bucket(policy: &Policy, options: AnalysisOptions, bucket: &str) -> PublicAccess {
    both_readings(policy, None, &Scope::Outsider, options, Some(bucket))
}

/// The analysis under both readings of `{"AWS": "*"}` (spec §9 row 1) when they can
/// differ: per level, public when either reading lets an outsider in (the witness says
/// which reading it needs), else unknown when either is unknown.
fn both_readings<'a>(
    policy: &'a Policy,
    baseline: Option<&'a Policy>,
    scope: &Scope,
    options: AnalysisOptions,
    bucket: Option<&'a str>,
) -> PublicAccess {
    let mut iam = Analyzer::new(policy, baseline, scope.clone(), options);
    iam.bucket = bucket;
    let iam = iam.run();
    if *scope != Scope::Outsider || !s3_reading_matters(policy) {
        return iam;
    }
    let mut s3 = Analyzer::new(policy, baseline, scope.clone(), options);
    s3.bucket = bucket;
    s3.aws_star_anon = false;
    let s3 = s3.run();
    let pick = |a: LevelAccess, b: LevelAccess| {
        let rank = |v: Verdict| match v {
            Verdict::NotPublic => 0,
            Verdict::Unknown => 1,
            Verdict::Public => 2,
        };
        if rank(b.verdict) > rank(a.verdict) {
            b
        } else {
            a
        }
    };
    PublicAccess::from_levels(pick(iam.read, s3.read), pick(iam.write, s3.write))
}

/// Whether S3's reading of `{"AWS": "*"}` (signed callers only) can give an anonymous
/// caller more than IAM's: a `Deny` that names it no longer applies to them, an `Allow`
/// with `NotPrincipal` naming it no longer excludes them.
fn s3_reading_matters(policy: &Policy) -> bool {
    policy.statements.iter().any(|st| {
        let deny = st.effect.as_ref().is_some_and(|e| e.value == Effect::Deny);
        matches!(&st.principal, Some(p) if p.negated != deny
            && matches!(&p.value, PrincipalValue::Map(es) if es.iter().any(|e| e.id == PrincipalId::AnyAws)))
    })
}

/// `AROAEXAMPLEROLEID:*`: a fixed unique-id prefix, then `:*` (every session of one role).
fn is_role_id_pattern(value: &str) -> bool {
    value
        .strip_suffix(":*")
        .is_some_and(|id| !id.is_empty() && !id.contains([':', '*', '?', '$']))
}

/// Whether an action's text names the `s3` service (`s3:…`, any case).
fn is_s3_text(text: &str) -> bool {
    text.get(..3).is_some_and(|s| s.eq_ignore_ascii_case("s3:"))
}

/// An `s3:` action (or pattern) that matches no action of the catalogue.
fn is_unknown_s3_action(item: &ActionItem) -> bool {
    is_s3_text(&item.text.value) && catalog::matching_actions(&item.pattern).is_empty()
}

/// The text of `toks` before its first `:` (all of it without one) when no wildcard or
/// variable comes first; `None` when that part is empty or not fixed.
fn fixed_prefix(toks: &[Tok]) -> Option<String> {
    let mut out = String::new();
    for t in toks {
        let Tok::Lit(l) = t else {
            return None;
        };
        if let Some((head, _)) = l.split_once(':') {
            out.push_str(head);
            break;
        }
        out.push_str(l);
    }
    (!out.is_empty()).then_some(out)
}

/// Who the callers are.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Scope {
    /// Anyone the policies do not name (spec §6.8): the public.
    Outsider,
    /// The principals of one account: its root, its named users and roles, and others.
    Account(String),
    /// One AWS service principal.
    Service(String),
}

impl Scope {
    /// `public`, `account:ACCOUNT` or `service:NAME`.
    pub fn label(&self) -> String {
        match self {
            Scope::Outsider => "public".into(),
            Scope::Account(a) => format!("account:{a}"),
            Scope::Service(s) => format!("service:{s}"),
        }
    }
}

/// The access `policy` gives `scope` that `baseline` does not: the same search as
/// [`analyze`], where a witness must also be denied by the baseline (checked with the
/// evaluator). "Public" in the answer means "new access exists".
pub fn analyze_new_access(policy: &Policy, baseline: &Policy, scope: &Scope) -> PublicAccess {
    analyze_new_access_with(policy, baseline, scope, AnalysisOptions::default())
}

/// [`analyze_new_access`] under the readings `options` chooses.
pub fn analyze_new_access_with(
    policy: &Policy,
    baseline: &Policy,
    scope: &Scope,
    options: AnalysisOptions,
) -> PublicAccess {
    both_readings(policy, Some(baseline), scope, options, None)
}

/// Every caller scope worth asking about for a pair of policies: the public, each
/// account either names, and each service principal either names.
pub fn scopes(a: &Policy, b: &Policy) -> Vec<Scope> {
    let mut accounts = VecSet::new();
    let mut services = VecSet::new();
    for st in a.statements.iter().chain(&b.statements) {
        // Accounts a condition names (aws:PrincipalAccount, an ARN in aws:PrincipalArn, …)
        // get their own check too: a change there can open the bucket to that account.
        if let Some(c) = &st.condition {
            for cond in &c.conditions {
                for v in &cond.values {
                    twelve_digit_runs(&v.text.value, &mut accounts);
                }
            }
        }
        if let Some(PrincipalElement {
            value: PrincipalValue::Map(es),
            ..
        }) = &st.principal
        {
            for e in es {
                if let Some(acct) = e.id.account() {
                    accounts.insert(acct.to_string());
                }
                if let PrincipalId::Service(s) = &e.id {
                    services.insert(s.clone());
                }
            }
        }
    }
    let mut out = vec![Scope::Outsider];
    out.extend(accounts.into_iter().map(Scope::Account));
    out.extend(services.into_iter().map(Scope::Service));
    out
}

struct Analyzer<'a> {
    policy: &'a Policy,
    /// With a baseline, a witness must also be denied by it (new access).
    baseline: Option<&'a Policy>,
    scope: Scope,
    named_accounts: VecSet<String>,
    fresh_account: String,
    /// Whether some condition value reads a variable (else no key has cross values).
    cond_vars: bool,
    /// Which catalogue actions each statement's `Action` matches, computed once (the
    /// analysis asks for every action and every statement).
    masks: Vec<ActionMask>,
    /// Per statement: whether it grants an `s3:` action the catalogue does not know.
    unknown_actions: Vec<bool>,
    base_masks: Vec<ActionMask>,
    options: AnalysisOptions,
    /// The reading of `{"AWS": "*"}` (spec §9 row 1): `true` (IAM's) covers anonymous
    /// callers, `false` (the S3 user guide's) only signed ones. See [`s3_reading_matters`].
    aws_star_anon: bool,
    /// The bucket the policy is attached to, when known ([`analyze_in_bucket`]).
    bucket: Option<&'a str>,
    /// Every condition value of the policy and the baseline, each followed by a `\0`,
    /// built on first use: [`Search::mentions`] asks it once per witness touched up, one
    /// substring search instead of one per value.
    condition_text: std::cell::OnceCell<String>,
}

/// The catalogue actions (by index in `S3_ACTIONS`) a statement's `Action`/`NotAction`
/// matches, negation applied; `Unknown` when the element is missing or broken. The
/// analysis and the rules that ask which actions a statement covers (PC315) share it.
#[derive(Clone, Copy, Debug)]
pub enum ActionMask {
    Unknown,
    Hits([u64; 3]),
}

impl ActionMask {
    fn of(st: &Statement) -> ActionMask {
        Self::with_unknown(st).0
    }

    /// The mask, and whether an `s3:` item of `Action` matches no catalogue action.
    pub fn with_unknown(st: &Statement) -> (ActionMask, bool) {
        if st.broken.contains(&"Action") {
            return (ActionMask::Unknown, false);
        }
        let Some(a) = &st.action else {
            return (ActionMask::Unknown, false);
        };
        let mut unknown = false;
        let mut bits = [0u64; 3];
        let mut set = |i: usize| {
            if let Some(w) = bits.get_mut(i / 64) {
                *w |= 1 << (i % 64);
            }
        };
        for item in &a.items {
            // A literal names at most one action (what `matching_actions` answers for
            // it too, without building a list).
            let s3 = || is_s3_text(&item.text.value);
            if let Some(name) = item.pattern.as_literal() {
                match catalog::s3_action_index(name) {
                    Some(i) => set(i),
                    None => unknown |= !a.negated && s3(),
                }
                continue;
            }
            let hits = catalog::matching_actions(&item.pattern);
            unknown |= hits.is_empty() && !a.negated && s3();
            for &i in hits.iter() {
                set(i);
            }
        }
        if a.negated {
            for w in &mut bits {
                *w = !*w;
            }
        }
        (ActionMask::Hits(bits), unknown)
    }

    /// Whether the statement matches catalogue action `i`.
    pub fn tri(self, i: usize) -> Tri {
        match self {
            ActionMask::Unknown => Tri::Unknown,
            ActionMask::Hits(b) => {
                Tri::from_bool(b.get(i / 64).is_some_and(|w| (w >> (i % 64)) & 1 == 1))
            }
        }
    }
}

/// Concrete texts of a pattern with variables: each variable set to a value its key's
/// dimension offers (or its default), `*` to `example` and `?` to `x`. At most a few
/// values per variable and [`MAX_VAR_INSTANCES`] texts in all.
fn var_instances(toks: &[Tok], keys: &Keys<'_>) -> Vec<String> {
    let mut out = vec![String::new()];
    for t in toks {
        let choices: Vec<String> = match t {
            Tok::Lit(l) => vec![l.clone()],
            Tok::Star => vec!["example".to_string()],
            Tok::One => vec!["x".to_string()],
            Tok::Var { name, default } => {
                let mut v: Vec<String> = keys
                    .position(name)
                    .and_then(|i| keys.get(i))
                    .map(|d| {
                        d.cands
                            .iter()
                            .filter_map(|c| match c {
                                Some(CtxValue::One(s)) if !s.is_empty() => Some(s.clone()),
                                _ => None,
                            })
                            .take(3)
                            .collect()
                    })
                    .unwrap_or_default();
                v.extend(default.clone());
                if v.is_empty() {
                    v.push("user1".to_string());
                }
                v
            }
        };
        out = out
            .iter()
            .flat_map(|prefix| choices.iter().map(move |c| format!("{prefix}{c}")))
            .take(MAX_VAR_INSTANCES)
            .collect();
    }
    out
}

/// A variable's key (read lower-cased) as the catalogue spells it, for witnesses and
/// messages (the spelling conditions' keys get, [`condition::Condition::key_display`]).
fn var_display(name: &str) -> std::borrow::Cow<'_, str> {
    catalog::key_spelling(catalog::condition_key(name), name)
}

/// What `${var}` stands for when `text` matches the pattern `toks`, read left to right:
/// fixed text must match (ignoring ASCII case: a candidate, proven later), `?` takes one
/// character, and a `*` or a variable takes the text up to the first place where the
/// fixed text after it matches (at least one character for a variable; all the rest
/// when it is last). `None` when the text does not read so, when two wildcards or
/// variables meet (no fixed text between them to split at), or when the variable would
/// stand for two different texts.
fn var_capture<'t>(toks: &[Tok], text: &'t str, var: &str) -> Option<&'t str> {
    let mut rest = text;
    let mut found: Option<&'t str> = None;
    for (i, t) in toks.iter().enumerate() {
        match t {
            Tok::Lit(l) => {
                let head = rest.get(..l.len()).filter(|h| h.eq_ignore_ascii_case(l))?;
                rest = rest.get(head.len()..)?;
            }
            Tok::One => {
                let n = rest.chars().next()?.len_utf8();
                rest = rest.get(n..)?;
            }
            Tok::Star | Tok::Var { .. } => {
                let first = match t {
                    Tok::Var { .. } => rest.chars().next()?.len_utf8(),
                    _ => 0,
                };
                let taken = match toks.get(i + 1) {
                    None => rest,
                    Some(Tok::Lit(l)) => {
                        let n = rest.get(first..)?.find_str(l.as_str())?;
                        rest.get(..first + n)?
                    }
                    Some(_) => return None,
                };
                if let Tok::Var { name, .. } = t {
                    if name == var {
                        if found.is_some_and(|f| f != taken) {
                            return None;
                        }
                        found = Some(taken);
                    }
                }
                rest = rest.get(taken.len()..)?;
            }
        }
    }
    if rest.is_empty() {
        found
    } else {
        None
    }
}

/// The variable names of an ARN pattern: those of its components (`parts()`), in the
/// same order, read from its tokens without splitting it.
fn arn_var_names(p: &crate::pattern::ArnPattern) -> impl Iterator<Item = &str> {
    p.toks().iter().filter_map(|t| match t {
        Tok::Var { name, .. } => Some(name.as_str()),
        _ => None,
    })
}

/// An ARN component seen through [`solve::arn_pieces`], as `Pattern::as_literal` sees it:
/// no piece (the empty text), one literal piece, or anything else (not literal).
#[derive(Clone, Copy)]
enum PartLit<'t> {
    Empty,
    Lit(&'t str),
    Other,
}

impl<'t> PartLit<'t> {
    fn as_literal(self) -> Option<&'t str> {
        match self {
            PartLit::Empty => Some(""),
            PartLit::Lit(s) => Some(s),
            PartLit::Other => None,
        }
    }
}

/// Most texts [`var_instances`] builds for one pattern.
const MAX_VAR_INSTANCES: usize = 8;

/// Every run of exactly twelve ASCII digits in `s` (an account id), into `out`.
///
/// A run of twelve or more digits starting in `i..i + 12` covers byte `i + 11`: when that
/// byte is no digit, the scan moves on by twelve at once (most texts have few digits).
/// Invariant: `i` is 0 or byte `i - 1` is no digit.
fn twelve_digit_runs(s: &str, out: &mut VecSet<String>) {
    let b = s.as_bytes();
    let digit = |j: usize| b.get(j).is_some_and(u8::is_ascii_digit);
    let mut i = 0;
    while i + 12 <= b.len() {
        if !digit(i + 11) {
            i += 12;
            continue;
        }
        // The run through byte `i + 11`: it starts at or after `i` (the invariant).
        let mut start = i + 11;
        while start > i && digit(start - 1) {
            start -= 1;
        }
        let mut end = i + 12;
        while digit(end) {
            end += 1;
        }
        if end - start == 12 {
            if let Some(run) = s.get(start..end) {
                if !out.contains(run) {
                    out.insert(run.to_string());
                }
            }
        }
        // Byte `end` is no digit (or the end).
        i = end + 1;
    }
}

fn digits(n: usize) -> Glob {
    Glob {
        units: vec![Unit::Digit; n],
    }
}

fn seg() -> Unit {
    Unit::Star { excl: Some(':') }
}

/// A value an outsider cannot hold in a key the policy pins to fixed literals (spec
/// §6.8): the literal itself, and when the policy compares it ignoring case
/// (`StringEqualsIgnoreCase`), every spelling of it. `StringEqualsIgnoreCase` with a fixed
/// `aws:SourceVpce` restricts like `StringEquals` (§6.2), and §6.8 must agree with §6.7
/// on a policy without Deny: the outsider's own endpoint is another endpoint, not the
/// policy's in other letters.
fn own_literal((text, ci): &(String, bool)) -> Glob {
    if *ci {
        Glob::literal_ci(text)
    } else {
        Glob::literal(text)
    }
}

fn lit_units(s: &str) -> Vec<Unit> {
    s.chars().map(Unit::Lit).collect()
}

/// `arn:S:S:S:<account>:*`; for a principal's ARN (`aws:PrincipalArn`), the shape IAM
/// gives it: `arn:P:S::<account>:R`, a partition and a service, no region, and a
/// resource of one or more characters without `:` (IAM names and paths have none).
fn arn_with_account(account: Option<&str>, principal: bool) -> Glob {
    let mut u = lit_units("arn:");
    if principal {
        // A partition and a service (`iam`, `sts`), neither empty.
        let part = [Unit::Any { excl: Some(':') }, seg(), Unit::Lit(':')];
        u.extend(part.clone());
        u.extend(part);
    } else {
        u.extend([seg(), Unit::Lit(':'), seg(), Unit::Lit(':'), seg()]);
    }
    u.push(Unit::Lit(':'));
    match account {
        Some(a) => u.extend(lit_units(a)),
        None => u.extend(vec![Unit::Digit; 12]),
    }
    u.push(Unit::Lit(':'));
    if principal {
        u.extend([Unit::Any { excl: Some(':') }, seg()]);
    } else {
        u.push(Unit::Star { excl: None });
    }
    Glob { units: u }
}

fn is_narrow(net: &IpNet) -> bool {
    match net {
        IpNet::V4(n) => {
            let private: [IpNet; 3] = [
                IpNet::V4(ipnet::Ipv4Net::new_assert(
                    std::net::Ipv4Addr::new(10, 0, 0, 0),
                    8,
                )),
                IpNet::V4(ipnet::Ipv4Net::new_assert(
                    std::net::Ipv4Addr::new(172, 16, 0, 0),
                    12,
                )),
                IpNet::V4(ipnet::Ipv4Net::new_assert(
                    std::net::Ipv4Addr::new(192, 168, 0, 0),
                    16,
                )),
            ];
            n.prefix_len() >= 8 || private.iter().any(|p| p.contains(net))
        }
        IpNet::V6(n) => n.prefix_len() >= 32,
    }
}

/// An address as `to_string` writes it; IPv4 ones written directly (the standard
/// library's `Display` goes through a formatting buffer, slow for many addresses).
fn ip_text(a: IpAddr) -> String {
    match a {
        IpAddr::V4(v4) => {
            let mut s = String::with_capacity(15);
            for (i, o) in v4.octets().into_iter().enumerate() {
                if i > 0 {
                    s.push('.');
                }
                if o >= 100 {
                    s.push(char::from(b'0' + o / 100));
                }
                if o >= 10 {
                    s.push(char::from(b'0' + o / 10 % 10));
                }
                s.push(char::from(b'0' + o % 10));
            }
            s
        }
        IpAddr::V6(v6) => {
            // `ip_reps` offers the same few IPv6 addresses for every key: their texts
            // (`to_string`'s own) are kept.
            static COMMON: std::sync::OnceLock<Vec<(std::net::Ipv6Addr, String)>> =
                std::sync::OnceLock::new();
            let common = COMMON.get_or_init(|| {
                solve::ip_reps(&[])
                    .into_iter()
                    .filter_map(|a| match a {
                        IpAddr::V6(v) => Some((v, v.to_string())),
                        IpAddr::V4(_) => None,
                    })
                    .collect()
            });
            match common.iter().find(|(c, _)| *c == v6) {
                Some((_, text)) => text.clone(),
                None => a.to_string(),
            }
        }
    }
}

/// Keys that are always in a real request: witnesses set them rather than leave them out.
const ALWAYS_PRESENT: &[&str] = &[
    "aws:securetransport",
    "aws:currenttime",
    "aws:epochtime",
    "aws:requestedregion",
];

impl<'a> Analyzer<'a> {
    fn new(
        policy: &'a Policy,
        baseline: Option<&'a Policy>,
        scope: Scope,
        options: AnalysisOptions,
    ) -> Self {
        let mut named = VecSet::new();
        let mut cond_vars = false;
        for st in policy
            .statements
            .iter()
            .chain(baseline.iter().flat_map(|b| b.statements.iter()))
        {
            // The texts of the principal map, the resources and the condition values.
            if let Some(PrincipalValue::Map(es)) = st.principal.as_ref().map(|p| &p.value) {
                for e in es {
                    twelve_digit_runs(&e.text.value, &mut named);
                }
            }
            for i in st.resource.iter().flat_map(|r| &r.items) {
                twelve_digit_runs(&i.text.value, &mut named);
            }
            for c in st.condition.iter().flat_map(|c| &c.conditions) {
                for v in &c.values {
                    twelve_digit_runs(&v.text.value, &mut named);
                    cond_vars |= v.has_vars();
                }
            }
        }
        // Readable ones first; the policy names finitely many accounts, so one of the
        // generated ones is free when all of those are named.
        let fresh = FRESH_ACCOUNTS
            .iter()
            .map(|a| (*a).to_string())
            .chain((0u64..).map(|i| format!("{:012}", 999_988_880_000 + i)))
            .find(|a| !named.contains(a))
            .unwrap_or_else(|| "999988887777".to_string());
        let (masks, unknown_actions) = policy
            .statements
            .iter()
            .map(ActionMask::with_unknown)
            .unzip();
        Analyzer {
            policy,
            baseline,
            scope,
            named_accounts: named,
            fresh_account: fresh,
            cond_vars,
            masks,
            unknown_actions,
            base_masks: baseline
                .iter()
                .flat_map(|b| b.statements.iter())
                .map(ActionMask::of)
                .collect(),
            options,
            aws_star_anon: true,
            bucket: None,
            condition_text: std::cell::OnceCell::new(),
        }
    }

    /// Allowed by the policy, and (with a baseline) denied by the baseline, both for certain.
    fn is_witness(&self, w: &Request) -> bool {
        eval::decide(self.policy, w) == (Decision::Allow, true)
            && self
                .baseline
                .is_none_or(|b| matches!(eval::decide(b, w), (d, true) if d != Decision::Allow))
    }

    /// Every statement of the policy and of the baseline.
    fn all_statements(&self) -> impl Iterator<Item = &'a Statement> {
        self.policy
            .statements
            .iter()
            .chain(self.baseline.into_iter().flat_map(|b| b.statements.iter()))
    }

    /// The callers of the scope. Outsiders: anonymous, principals of a fresh account,
    /// users of any identity provider the policies name.
    fn callers(&self) -> Vec<Caller> {
        match &self.scope {
            Scope::Outsider => {}
            Scope::Service(name) => return vec![Caller::Service { name: name.clone() }],
            Scope::Account(acct) => return self.account_callers(acct),
        }
        let a = &self.fresh_account;
        let aws = |arn: String, kind: CallerKind| {
            Caller::Aws(AwsCaller {
                arn,
                partition: "aws".into(),
                account: a.clone(),
                kind,
            })
        };
        let mut out = vec![
            Caller::Anonymous,
            aws(format!("arn:aws:iam::{a}:root"), CallerKind::Root),
            aws(
                format!("arn:aws:iam::{a}:user/outsider"),
                CallerKind::User {
                    name: "outsider".into(),
                },
            ),
            aws(
                format!("arn:aws:sts::{a}:assumed-role/outsider-role/outsider-session"),
                CallerKind::AssumedRole {
                    role: "outsider-role".into(),
                    session: "outsider-session".into(),
                },
            ),
            aws(
                format!("arn:aws:sts::{a}:federated-user/outsider"),
                CallerKind::FederatedUser {
                    name: "outsider".into(),
                },
            ),
        ];
        let mut providers = VecSet::new();
        for st in self.all_statements() {
            if let Some(PrincipalElement {
                value: PrincipalValue::Map(es),
                ..
            }) = &st.principal
            {
                for e in es {
                    if let PrincipalId::Federated(p) = &e.id {
                        providers.insert(p.clone());
                    }
                }
            }
        }
        out.extend(
            providers
                .into_iter()
                .map(|provider| Caller::Federated { provider }),
        );
        out
    }

    /// The principals of one account that policies can tell apart: its root, every user,
    /// role (as a session) and session the policies name in it, and unnamed ones.
    fn account_callers(&self, acct: &str) -> Vec<Caller> {
        let mut arns: VecSet<String> = VecSet::new();
        arns.insert(format!("arn:aws:iam::{acct}:root"));
        arns.insert(format!("arn:aws:iam::{acct}:user/unnamed-user"));
        arns.insert(format!(
            "arn:aws:sts::{acct}:assumed-role/unnamed-role/session"
        ));
        for st in self.all_statements() {
            if let Some(PrincipalElement {
                value: PrincipalValue::Map(es),
                ..
            }) = &st.principal
            {
                for e in es {
                    match &e.id {
                        PrincipalId::User { account, arn }
                        | PrincipalId::FederatedUser { account, arn }
                            if account == acct =>
                        {
                            arns.insert(arn.clone());
                        }
                        PrincipalId::Session {
                            account, role, arn, ..
                        } if account == acct => {
                            arns.insert(arn.clone());
                            arns.insert(format!(
                                "arn:aws:sts::{acct}:assumed-role/{role}/other-session"
                            ));
                        }
                        PrincipalId::Role { account, name, .. } if account == acct => {
                            arns.insert(format!("arn:aws:sts::{acct}:assumed-role/{name}/session"));
                        }
                        _ => {}
                    }
                }
            }
        }
        arns.iter().filter_map(|a| Caller::parse(a).ok()).collect()
    }

    /// (partition, bucket) pairs the policy's resources name; `complete` is false when
    /// a bucket name had to be guessed from a wildcard.
    fn buckets(&self) -> (Vec<(String, String)>, bool) {
        let mut literal: VecSet<(String, String)> = VecSet::new();
        let mut guessed: VecSet<(String, String)> = VecSet::new();
        for policy in std::iter::once(self.policy).chain(self.baseline) {
            // Statements repeat the same few ARNs: a text met again in the same policy
            // (so read under the same `Version`) adds nothing to the sets.
            let mut seen: Vec<&str> = Vec::new();
            let items = policy
                .statements
                .iter()
                .filter_map(|st| st.resource.as_ref())
                .flat_map(|r| r.items.iter());
            for item in items {
                if seen.contains(&item.text.value.as_str()) {
                    continue;
                }
                seen.push(&item.text.value);
                // The components as `parts()` splits them, without building them; the
                // bucket read from the sixth (only a six-component ARN has pieces there).
                let toks = item.pattern.toks();
                let mut lits = [PartLit::Empty; 6];
                let mut name = String::new();
                let mut wild = false;
                let mut done = false;
                let k = solve::arn_pieces(toks, |i, piece| {
                    if let Some(l) = lits.get_mut(i) {
                        *l = match (*l, piece) {
                            (PartLit::Empty, ArnPiece::Lit(s)) => PartLit::Lit(s),
                            _ => PartLit::Other,
                        };
                    }
                    if i != 5 || done {
                        return;
                    }
                    match piece {
                        ArnPiece::Lit(s) => match s.split_once('/') {
                            Some((head, _)) => {
                                name.push_str(head);
                                done = true;
                            }
                            None => name.push_str(s),
                        },
                        ArnPiece::Tok(Tok::Star) => {
                            wild = true;
                            done = true;
                        }
                        ArnPiece::Tok(Tok::One | Tok::Var { .. }) => {
                            wild = true;
                            name.push('x');
                        }
                        ArnPiece::Tok(Tok::Lit(_)) => {}
                    }
                });
                if k != 6 {
                    continue;
                }
                let service = lits.get(2).and_then(|l| l.as_literal());
                if service.is_some_and(|s| s != "s3") {
                    continue;
                }
                let partition = lits
                    .get(1)
                    .and_then(|l| l.as_literal())
                    .unwrap_or("aws")
                    .to_string();
                if name.is_empty() {
                    continue;
                }
                if wild {
                    guessed.insert((partition, name));
                } else {
                    literal.insert((partition, name));
                }
            }
        }
        if let Some(bucket) = self.bucket {
            // The bucket is known: its partition is the one the policy gives it (or
            // gives any bucket), else `aws`.
            let partition = literal
                .iter()
                .chain(guessed.iter())
                .find(|(_, b)| b == bucket)
                .or_else(|| literal.iter().next())
                .map_or("aws", |(p, _)| p.as_str())
                .to_string();
            (vec![(partition, bucket.to_string())], true)
        } else if !literal.is_empty() {
            (literal.into_iter().collect(), true)
        } else if !guessed.is_empty() {
            (guessed.into_iter().collect(), false)
        } else {
            // Only `*` or NotResource without a bucket: the name does not matter.
            (vec![("aws".into(), "example-bucket".into())], true)
        }
    }

    /// Candidate resources for one resource type, and whether they are complete.
    fn resource_cands(
        &self,
        ty: ResourceType,
        buckets: &[(String, String)],
        relevant: &[bool],
        callers: &[Caller],
        keys: &Keys<'_>,
    ) -> (Vec<String>, bool) {
        let mut questions = Vec::new();
        let mut has_vars = false;
        let mut with_vars: Vec<&crate::pattern::ArnPattern> = Vec::new();
        // Only statements that can matter to an outsider: reachable Allows and Denys
        // (and every statement of the baseline, which decides what was allowed before).
        let baseline = self
            .baseline
            .into_iter()
            .flat_map(|b| b.statements.iter())
            .filter(|st| could_apply(st, callers, self.aws_star_anon));
        let mine = self
            .policy
            .statements
            .iter()
            .zip(relevant)
            .filter(|(_, r)| **r)
            .map(|(st, _)| st);
        // Only object keys are searched (a bucket candidate is its ARN); a pattern met
        // again asks the same question, which changes no answer: asked once.
        let mut asked: Vec<&crate::pattern::ArnPattern> = Vec::new();
        for st in mine.chain(baseline) {
            if let Some(r) = &st.resource {
                for item in &r.items {
                    if item.pattern.has_vars() {
                        // Bucket candidates are the buckets' ARNs: a pattern that names
                        // only objects (`b/${aws:userid}/*`) leaves them complete.
                        has_vars |= ty != ResourceType::Bucket || may_name_bucket(item);
                        with_vars.push(&item.pattern);
                    }
                    if ty != ResourceType::Bucket && !asked.contains(&&item.pattern) {
                        asked.push(&item.pattern);
                        questions.push(Glob::from_arn(&item.pattern));
                    }
                }
            }
        }
        let mut out = Vec::new();
        let mut complete = !has_vars;
        for (partition, bucket) in buckets {
            match ty {
                ResourceType::Bucket => out.push(format!("arn:{partition}:s3:::{bucket}")),
                _ => {
                    let head = format!("arn:{partition}:s3:::{bucket}/");
                    let mut units = lit_units(&head);
                    units.push(Unit::Star { excl: None });
                    // An object key has at least one character (S3 has no empty key).
                    let empty = Glob::literal(&head);
                    let reps = solve::string_reps(&questions, &[Glob { units }], &[empty]);
                    complete &= reps.complete;
                    for v in reps.values {
                        // Prefer a readable key over the empty one when both behave alike.
                        out.push(v);
                    }
                }
            }
        }
        // A variable stands for any text above (so the candidates are not complete). The
        // search assigns each key a value of its own dimension: add each pattern with its
        // variables set to those values, so that a request whose key and resource agree
        // (`aws:username` = `u`, `home/u/…`) is among the candidates and can be a witness.
        for p in with_vars {
            for text in var_instances(p.toks(), keys) {
                if catalog::resource_type_of_arn(&text) == Some(ty)
                    && buckets.iter().any(|(partition, bucket)| {
                        let head = format!("arn:{partition}:s3:::{bucket}");
                        text == head || text.starts_with(&(head + "/"))
                    })
                    && !out.contains(&text)
                {
                    out.push(text);
                }
            }
        }
        (out, complete)
    }

    /// Build the candidate values of one condition key.
    fn key_dim(&self, name_lc: &str, display: &str) -> KeyDim {
        self.key_dim_with(name_lc, display, true)
    }

    /// The values of `var` that make some condition of another key, whose value reads
    /// `${var}`, hold for one of that key's own candidates: for `StringEquals
    /// aws:PrincipalAccount ${aws:ResourceAccount}`, each account `aws:PrincipalAccount`
    /// may hold is a value to try for `aws:ResourceAccount` (read by [`var_capture`]).
    /// Candidates only: the search still proves every witness with the evaluator.
    fn cross_values(&self, var: &str) -> Vec<String> {
        let mut out: Vec<String> = Vec::new();
        let mut reps: VecMap<String, Vec<String>> = VecMap::new();
        for st in self.all_statements() {
            let Some(c) = &st.condition else { continue };
            for cond in c.conditions.iter().filter(|c| c.key_lc != var) {
                for v in &cond.values {
                    let toks = match &v.compiled {
                        Compiled::Text(p) => p.toks(),
                        Compiled::Arn(p) => p.toks(),
                        _ => continue,
                    };
                    if !toks
                        .iter()
                        .any(|t| matches!(t, Tok::Var { name, .. } if name == var))
                    {
                        continue;
                    }
                    let values = reps.get_or_insert_by(
                        |k| k.as_str().cmp(&cond.key_lc),
                        || {
                            let dim = self.key_dim_with(&cond.key_lc, &cond.key_display(), false);
                            let values = dim
                                .cands
                                .into_iter()
                                .flatten()
                                .flat_map(|c| match c {
                                    CtxValue::One(s) => vec![s],
                                    CtxValue::Many(v) => v,
                                })
                                .collect();
                            (cond.key_lc.to_string(), values)
                        },
                    );
                    for rep in values.iter() {
                        // An empty value shows nothing (the filled questions give each
                        // variable a non-empty one where one exists).
                        if let Some(value) = var_capture(toks, rep, var).filter(|v| !v.is_empty()) {
                            if !out.iter().any(|o| o == value) {
                                out.push(value.to_string());
                            }
                        }
                    }
                }
            }
        }
        out
    }

    /// Account ids an outsider may own, for a key naming an account that the policy
    /// compares as a number or a date (epoch seconds): the fresh account, the ends of the
    /// range, and the nearest ids on each side of every value compared, none of them an
    /// account the policy names. Every range of ids between two compared values holds
    /// one of them, unless the policy names all of its ids.
    fn account_ids_around(&self, numbers: &[Decimal], dates: &[i128]) -> Vec<String> {
        const MAX: i128 = 999_999_999_999;
        let mut at: Vec<i128> = vec![0, MAX];
        let mut pivots: Vec<i128> = Vec::new();
        for n in numbers {
            if let Some((m, scale)) = n.to_scaled() {
                // The integer part (rounded toward zero) and the next id up.
                let int = u32::try_from(scale)
                    .ok()
                    .and_then(|s| 10i128.checked_pow(s))
                    .map_or(m, |f| m / f);
                pivots.extend([int, int + 1]);
            }
        }
        pivots.extend(dates.iter().map(|d| d.div_euclid(1_000_000_000)));
        let reach = i128::try_from(self.named_accounts.len()).unwrap_or(0) + 2;
        for p in pivots {
            for k in 1..=reach {
                at.extend([p - k, p, p + k]);
            }
        }
        crate::collections::sort_dedup(&mut at);
        // The fresh account first: a witness names it where it will do.
        let mut out = vec![self.fresh_account.clone()];
        for v in at {
            if !(0..=MAX).contains(&v) {
                continue;
            }
            let mut id = String::with_capacity(12);
            crate::values::push_digits(&mut id, v.unsigned_abs(), 12);
            if !out.contains(&id) && !self.named_accounts.contains(&id) {
                out.push(id);
            }
        }
        out
    }

    /// The candidates of one key; `cross` adds [`Self::cross_values`] (not asked again
    /// for the other key's own candidates, so no key's candidates need another's first).
    fn key_dim_with(&self, name_lc: &str, display: &str, cross: bool) -> KeyDim {
        // A key AWS does not set (a typo such as `aws:SorceVpce`, another service's key)
        // is absent from every S3 request: no values to search. The answer says it
        // could not rule out a key missing from the catalogue (unknown, never not-public).
        let Some(info) = catalog::condition_key(display) else {
            return KeyDim {
                name_lc: name_lc.to_string(),
                display: display.to_string(),
                cands: vec![None],
                complete: false,
                vars_only: false,
                note: Some(format!(
                    "`{display}` is not a condition key S3 requests carry, as far as policycheck's catalogue knows (PC304): absent, it grants nothing it guards"
                )),
            };
        };
        let mut conds: Vec<&condition::Condition> = Vec::new();
        for st in self.all_statements() {
            if let Some(c) = &st.condition {
                conds.extend(c.conditions.iter().filter(|c| c.key_lc == name_lc));
            }
        }
        let mut complete = true;
        // Values reading a variable: their questions are guesses, the others' are not.
        let mut var_values = false;
        let mut note = None;
        let mut families: VecSet<&'static str> = VecSet::new();
        let mut questions: Vec<Glob> = Vec::new();
        let mut numbers: Vec<Decimal> = Vec::new();
        let mut dates: Vec<i128> = Vec::new();
        let mut nets: Vec<IpNet> = Vec::new();
        // Fixed values compared with the key, and whether they are compared ignoring case.
        let mut literals: Vec<(String, bool)> = Vec::new();
        // Those written without `*`, `?` or `${`: the values spec §6.1 calls fixed (a
        // `*` compared by `StringEquals`, or `${*}`, is a letter of the value, but the
        // value is not fixed, and §6.2 counts it public).
        let mut fixed: Vec<(String, bool)> = Vec::new();
        let is_fixed = |text: &str| !text.contains(['*', '?']) && !text.has("${");
        for c in &conds {
            // An unknown operator makes its condition unknown whatever the key holds: the
            // search names it where it matters (`Search::unevaluable_reason`), and its
            // values tell no candidates apart.
            let Some(op) = c.op else {
                continue;
            };
            for v in &c.values {
                match &v.compiled {
                    Compiled::Text(p) => {
                        families.insert("string");
                        if p.has_vars() {
                            var_values = true;
                            note = Some(format!("values of `{display}` use policy variables"));
                        }
                        let ci = matches!(
                            op.base,
                            BaseOp::StringEqualsIgnoreCase
                                | BaseOp::StringNotEqualsIgnoreCase
                                | BaseOp::Bool
                        );
                        if ci && !v.text.value.is_ascii() {
                            complete = false;
                        }
                        if !p.has_wildcards() && !p.has_vars() {
                            if let Some(l) = p.as_literal() {
                                literals.push((l.to_string(), ci));
                                if is_fixed(&v.text.value) {
                                    fixed.push((l.to_string(), ci));
                                }
                            }
                        }
                        // A variable as a non-empty text (the same glob when there is none).
                        questions.push(Glob::from_pattern_filled(p, ci));
                        // `${aws:username}` also as the outsider's user name: a pattern's
                        // shortest text (`/` in `home/${aws:username}/*`) names no IAM
                        // user, and the name read back from this candidate does.
                        if p.toks()
                            .iter()
                            .any(|t| matches!(t, Tok::Var { name, .. } if name == "aws:username"))
                        {
                            let toks: Vec<Tok> = p
                                .toks()
                                .iter()
                                .map(|t| match t {
                                    Tok::Var { name, .. } if name == "aws:username" => {
                                        Tok::Lit("outsider".into())
                                    }
                                    t => t.clone(),
                                })
                                .collect();
                            questions.push(Glob::from_toks(&toks, None, ci));
                        }
                        if op.base == BaseOp::Bool {
                            questions.push(Glob::literal_ci("true"));
                            questions.push(Glob::literal_ci("false"));
                        }
                    }
                    Compiled::Arn(p) => {
                        families.insert("string");
                        if p.has_vars() {
                            var_values = true;
                            note = Some(format!("values of `{display}` use policy variables"));
                        }
                        if p.is_literal() {
                            // The value compared, escapes (`${*}`) spelled out.
                            let lit: String = p
                                .toks()
                                .iter()
                                .filter_map(|t| match t {
                                    Tok::Lit(s) => Some(s.as_str()),
                                    _ => None,
                                })
                                .collect();
                            if is_fixed(&v.text.value) {
                                fixed.push((lit.clone(), false));
                            }
                            literals.push((lit, false));
                        }
                        questions.push(Glob::from_arn_condition_filled(p));
                    }
                    Compiled::Binary(_) => {
                        families.insert("string");
                        questions.push(Glob::literal(&v.text.value));
                        // Compared as decoded bytes: other spellings of the same bytes
                        // (padding, whitespace) are not among the string candidates.
                        complete = false;
                        note = Some(format!("`{display}` is compared as base64-decoded bytes"));
                    }
                    Compiled::Number(n) => {
                        families.insert("number");
                        if let Some(n) = n {
                            numbers.push(n.clone());
                        }
                    }
                    Compiled::Date(d) => {
                        families.insert("date");
                        if let Some(d) = d {
                            dates.push(*d);
                        }
                    }
                    Compiled::Ip(n) => {
                        families.insert("ip");
                        if let Some(n) = n {
                            nets.push(*n);
                        }
                    }
                    Compiled::Null(_) | Compiled::Opaque => {}
                }
            }
        }
        if families.len() > 1 {
            complete = false;
            note = Some(format!(
                "`{display}` is compared as {}",
                // Joined as `String`s: the one `join` the WASM build links.
                families
                    .iter()
                    .map(|f| f.to_string())
                    .collect::<Vec<String>>()
                    .join(" and ")
            ));
        }

        // What an outsider may hold in a restricting key (spec §6.8).
        let mut must: Vec<Glob> = Vec::new();
        let mut must_not: Vec<Glob> = Vec::new();
        // A second shape of the outsider's values (questions, shape, values excluded).
        let mut s3_source: Option<(Vec<Glob>, Glob, Vec<Glob>)> = None;
        let named = &self.named_accounts;
        // When every pattern's account is a literal (so a named account) or `*`, every
        // unnamed account behaves alike: one fresh account stands for all of them.
        let fresh = self.fresh_account.as_str();
        let account_free = |t: &[Tok]| {
            matches!(t, [Tok::Lit(_)] | [Tok::Star] | [])
                && !matches!(t, [Tok::Lit(l)] if l == fresh)
        };
        let outsider = self.scope == Scope::Outsider;
        // Values that make a condition reading `${name_lc}` hold: with them, unnamed
        // accounts no longer behave alike (one may equal another key's value).
        let cross_vals =
            if cross && self.cond_vars && !(families.len() == 1 && families.contains("ip")) {
                self.cross_values(name_lc)
            } else {
                Vec::new()
            };
        match name_lc {
            _ if !outsider => {}
            "aws:principalaccount"
            | "aws:sourceaccount"
            | "aws:sourceowner"
            | "s3:dataaccesspointaccount" => {
                let simple = cross_vals.is_empty()
                    && conds.iter().all(|c| {
                        c.values.iter().all(|v| match &v.compiled {
                            Compiled::Text(p) => account_free(p.toks()),
                            Compiled::Null(_) => true,
                            _ => false,
                        })
                    });
                if simple {
                    must.push(Glob::literal(fresh));
                } else {
                    must.push(digits(12));
                    must_not.extend(named.iter().map(|a| Glob::literal(a)));
                }
            }
            "aws:principalarn" | "aws:sourcearn" | "s3:dataaccesspointarn" => {
                let principal_arn = name_lc == "aws:principalarn";
                if name_lc == "aws:sourcearn" {
                    // A source bucket's ARN has no account (`arn:aws:s3:::logs-attacker`):
                    // the outsider owns every bucket the policy does not name as a value
                    // of the key (its own buckets are names no wildcard is limited to).
                    let mut u = lit_units("arn:");
                    u.push(seg());
                    u.extend(lit_units(":s3:::"));
                    u.push(Unit::Star { excl: None });
                    let not = literals.iter().map(own_literal).collect();
                    s3_source = Some((questions.clone(), Glob { units: u }, not));
                }
                let arn_patterns: Vec<&crate::pattern::ArnPattern> = conds
                    .iter()
                    .flat_map(|c| c.values.iter())
                    .filter_map(|v| match &v.compiled {
                        Compiled::Arn(p) => Some(p),
                        _ => None,
                    })
                    .collect();
                let only_arn = conds.iter().all(|c| {
                    c.values
                        .iter()
                        .all(|v| matches!(v.compiled, Compiled::Arn(_) | Compiled::Null(_)))
                });
                // The account (fifth) component as `parts()` would hold it, read without
                // splitting: the component count, whether the account is free (see
                // `account_free`) and whether it is a non-empty literal.
                let account = |p: &crate::pattern::ArnPattern| {
                    let mut n = 0;
                    let mut free = true;
                    let mut lit = false;
                    let k = solve::arn_pieces(p.toks(), |i, piece| {
                        if i == 4 {
                            n += 1;
                            lit = n == 1 && matches!(piece, ArnPiece::Lit(_));
                            free = n == 1
                                && match piece {
                                    ArnPiece::Lit(l) => l != fresh,
                                    ArnPiece::Tok(t) => matches!(t, Tok::Star),
                                };
                        }
                    });
                    (k, free, lit)
                };
                let simple = cross_vals.is_empty()
                    && only_arn
                    && arn_patterns.iter().all(|p| {
                        let (k, free, _) = account(p);
                        !p.has_vars() && k >= 6 && free
                    });
                if simple {
                    // Questions with a literal (named) account never match an outsider's value:
                    // leave them out; put the fresh account into the `*` ones.
                    questions.clear();
                    for p in &arn_patterns {
                        if account(p).2 {
                            continue;
                        }
                        // The components' text joined by `:`, the fresh account in the fifth.
                        let mut text = String::new();
                        let mut at = 0;
                        let mut to = |text: &mut String, i: usize| {
                            while at < i {
                                at += 1;
                                text.push(':');
                                if at == 4 {
                                    text.push_str(fresh);
                                }
                            }
                        };
                        let k = solve::arn_pieces(p.toks(), |i, piece| {
                            to(&mut text, i);
                            match piece {
                                _ if i == 4 => {}
                                ArnPiece::Lit(l) => text.push_str(l),
                                ArnPiece::Tok(Tok::Lit(l)) => text.push_str(l),
                                ArnPiece::Tok(Tok::Star) => text.push('*'),
                                ArnPiece::Tok(Tok::One) => text.push('?'),
                                // No variables: `simple` excludes them.
                                ArnPiece::Tok(Tok::Var { .. }) => {}
                            }
                        });
                        to(&mut text, k - 1);
                        questions.push(Glob::from_arn_condition(&crate::pattern::ArnPattern::new(
                            &text,
                            crate::pattern::Syntax {
                                wildcards: true,
                                variables: false,
                            },
                        )));
                    }
                    must.push(arn_with_account(Some(fresh), principal_arn));
                } else {
                    must.push(arn_with_account(None, principal_arn));
                    // The named accounts' ARNs, of any shape.
                    must_not.extend(
                        named
                            .iter()
                            .map(|a| arn_with_account(Some(a.as_str()), false)),
                    );
                }
            }
            "aws:principalorgid" => {
                let mut u = lit_units("o-");
                u.push(Unit::Any { excl: None });
                u.push(Unit::Star { excl: None });
                must.push(Glob { units: u });
                must_not.extend(literals.iter().map(own_literal));
            }
            "aws:userid" => {
                // The outsider's own unique ids: any value not starting with an id the policy
                // names (under the other reading, `ROLEID:*` names none). `anonymous` is
                // every anonymous caller's (spec §4's table), so it names nobody.
                for c in &conds {
                    for v in &c.values {
                        if (!self.options.userid_role_pattern_pins
                            && is_role_id_pattern(&v.text.value))
                            || v.text.value == "anonymous"
                        {
                            continue;
                        }
                        // The id before `:` when it is fixed text: a `*` compared by
                        // `StringEquals`, or escaped as `${*}`, is a letter of it.
                        let Compiled::Text(p) = &v.compiled else {
                            continue;
                        };
                        // Compared ignoring case, the id names every spelling of it.
                        let ci = c
                            .op
                            .is_some_and(|op| op.base.positive() == BaseOp::StringEqualsIgnoreCase);
                        if let Some(prefix) = fixed_prefix(p.toks()) {
                            let id = own_literal(&(prefix, ci));
                            must_not.push(id.clone());
                            let mut u = id.units;
                            u.push(Unit::Lit(':'));
                            u.push(Unit::Star { excl: None });
                            must_not.push(Glob { units: u });
                        } else if let Some(Tok::Lit(id)) = p.toks().first() {
                            // `AROAEXAMPLEROLEID1234*`: a wildcard after a whole unique id
                            // (21 letters and digits, as AWS gives them) reaches that
                            // principal's own ids only (§6.8), under the reading that pins
                            // `ROLEID:*`.
                            if self.options.userid_role_pattern_pins
                                && id.len() >= 21
                                && id.bytes().all(|b| b.is_ascii_alphanumeric())
                            {
                                let mut u = lit_units(id);
                                u.push(Unit::Star { excl: None });
                                must_not.push(Glob { units: u });
                            }
                        }
                    }
                }
                must_not.extend(named.iter().map(|a| Glob::literal(a)));
            }
            "aws:sourcevpc"
            | "aws:sourcevpce"
            | "s3:x-amz-server-side-encryption-aws-kms-key-id" => {
                must_not.extend(fixed.iter().map(own_literal));
            }
            _ => {}
        }

        let bool_key = info.ty == catalog::KeyType::Bool;
        if bool_key {
            // A boolean key only ever holds `true` or `false` in a real request.
            questions.push(Glob::literal_ci("true"));
            questions.push(Glob::literal_ci("false"));
        }
        let mut scalars: Vec<String> = Vec::new();
        if bool_key && (families.contains("string") || families.is_empty()) {
            // A boolean key only ever holds `true` or `false`: those are its values, whatever
            // the patterns (no search needed).
            scalars.extend(["true".to_string(), "false".to_string()]);
        } else if families.contains("string") || families.is_empty() {
            let reps = solve::string_reps(&questions, &must, &must_not);
            complete &= reps.complete;
            if !reps.complete {
                note = Some(format!(
                    "too many patterns on `{display}` to explore exhaustively"
                ));
            }
            // `scalars` is still empty here.
            scalars = reps.values;
            if let Some((questions, shape, not)) = s3_source {
                let reps = solve::string_reps(&questions, &[shape], &not);
                complete &= reps.complete;
                for v in reps.values {
                    if !scalars.contains(&v) {
                        scalars.push(v);
                    }
                }
            }
            if !bool_key {
                // An outsider's values only: the restricting keys' rules hold for these too.
                for v in cross_vals {
                    if must.iter().all(|g| g.matches(&v))
                        && !must_not.iter().any(|g| g.matches(&v))
                        && !scalars.contains(&v)
                    {
                        scalars.push(v);
                    }
                }
            }
            if bool_key {
                scalars
                    .retain(|v| v.eq_ignore_ascii_case("true") || v.eq_ignore_ascii_case("false"));
                for v in &mut scalars {
                    *v = v.to_ascii_lowercase();
                }
                scalars.dedup();
            }
        }
        // A key naming an account, compared as a number or a date: the outsider's value
        // is still an account id of its own (spec §6.8), twelve digits the policy does
        // not name, on each side of every value compared.
        let account_key = outsider
            && matches!(
                name_lc,
                "aws:principalaccount"
                    | "aws:sourceaccount"
                    | "aws:sourceowner"
                    | "s3:dataaccesspointaccount"
            );
        if account_key && (families.contains("number") || families.contains("date")) {
            scalars.extend(self.account_ids_around(&numbers, &dates));
        } else if families.contains("number") {
            match solve::number_reps(&numbers) {
                Some(r) => scalars.extend(r),
                None => {
                    complete = false;
                    note = Some(format!(
                        "numbers compared with `{display}` are too large to reason about exactly"
                    ));
                    scalars.push("0".into());
                }
            }
        }
        if families.contains("date") && !account_key {
            // `aws:EpochTime` is written in epoch seconds; other dates read better as ISO 8601.
            scalars.extend(solve::date_reps(&dates, name_lc != "aws:epochtime"));
        }
        if families.contains("ip") {
            let mut reps: Vec<IpAddr> = solve::ip_reps(&nets);
            if name_lc == "aws:sourceip" && outsider {
                // The outsider's address is outside every narrow range the policy lists
                // (spec §6.8). A named account's callers or a service may send from any
                // address, the narrow ranges included (`diff` asks of them too).
                // Each narrow range as its first and last address (what `contains` compares).
                let narrow: Vec<(IpAddr, IpAddr)> = nets
                    .iter()
                    .filter(|n| is_narrow(n))
                    .map(|n| (n.network(), n.broadcast()))
                    .collect();
                reps.retain(|a| {
                    !narrow
                        .iter()
                        .any(|(lo, hi)| a.is_ipv4() == lo.is_ipv4() && lo <= a && a <= hi)
                });
            }
            scalars.extend(reps.into_iter().map(ip_text));
        }

        // A value present but unreadable as a number, date or address makes those
        // comparisons false (true when negated): one such value, unless the key is typed
        // so (AWS sets `aws:SourceIp` to an address, `aws:CurrentTime` to a date).
        let typed = info.ty;
        // `aws:EpochTime` is typed a date, but its value is a whole number of seconds,
        // which Numeric operators read too (spec §7.3).
        let numeric = typed == catalog::KeyType::Numeric || name_lc == "aws:epochtime";
        let unreadable = (families.contains("number") && !numeric)
            || (families.contains("date") && typed != catalog::KeyType::Date)
            || (families.contains("ip") && typed != catalog::KeyType::Ip);
        // (An account id reads as both.)
        if unreadable && !account_key && !scalars.iter().any(|v| v == UNREADABLE) {
            scalars.push(UNREADABLE.to_string());
        }
        let mut cands: Vec<Option<CtxValue>> = Vec::with_capacity(scalars.len() + 1);
        let present_first = ALWAYS_PRESENT.contains(&name_lc) || name_lc == "aws:sourceip";
        if !present_first {
            cands.push(None);
        }
        if !info.multivalued {
            cands.extend(scalars.into_iter().map(|s| Some(CtxValue::One(s))));
        } else {
            match solve::subsets(&scalars, 6) {
                Some(sets) => cands.extend(sets.into_iter().map(|s| Some(CtxValue::Many(s)))),
                None => {
                    complete = false;
                    note = Some(format!(
                        "too many distinct values of `{display}` to combine exhaustively"
                    ));
                    cands.push(Some(CtxValue::Many(Vec::new())));
                    cands.extend(
                        scalars
                            .iter()
                            .map(|s| Some(CtxValue::Many(vec![s.clone()]))),
                    );
                    cands.push(Some(CtxValue::Many(scalars.clone())));
                }
            }
        }
        // (`aws:PrincipalIsAWSService` and the service names take any value, as §6.8 has
        // it: a witness with them is an AWS service's, calling for the outsider's
        // resource; see [`Search::service_sender`].)
        //
        // A caller's kind as AWS names it (spec §4's table), every one of them: an
        // IAM or anonymous outsider may be any kind, but of no other.
        if name_lc == "aws:principaltype" {
            const KINDS: &[&str] = &[
                "Account",
                "User",
                "FederatedUser",
                "AssumedRole",
                "Anonymous",
            ];
            cands.retain(|c| match c {
                None => true,
                Some(CtxValue::One(v)) => KINDS.contains(&v.as_str()),
                Some(CtxValue::Many(_)) => false,
            });
            for k in KINDS {
                let v = Some(CtxValue::One((*k).to_string()));
                if !cands.contains(&v) {
                    cands.push(v);
                }
            }
        }
        // An always-present key is never absent from a real request (spec §7.3); the
        // address a request comes from is, through a VPC endpoint, so it may be.
        if present_first && name_lc == "aws:sourceip" || cands.is_empty() {
            cands.push(None);
        }
        KeyDim {
            name_lc: name_lc.to_string(),
            display: display.to_string(),
            cands,
            complete: complete && !var_values,
            vars_only: complete && var_values,
            note,
        }
    }

    fn run(&self) -> PublicAccess {
        let callers = self.callers();
        let statements = &self.policy.statements;

        // Which Allow statements could apply to an outsider at all (principal only)?
        // With a baseline, an Allow it covers cannot grant anything new (`cover`).
        let coverage = self
            .baseline
            .map(|b| crate::cover::coverage(self.policy, b))
            .unwrap_or_default();
        // Whether each statement's principal can match a caller, asked once.
        let applies: Vec<bool> = statements
            .iter()
            .map(|st| could_apply(st, &callers, self.aws_star_anon))
            .collect();
        let reachable: Vec<bool> = statements
            .iter()
            .zip(&applies)
            .enumerate()
            .map(|(i, (st, &applies))| {
                st.effect.as_ref().is_none_or(|e| e.value == Effect::Allow)
                    && applies
                    && !coverage.covered(i, |_| true)
            })
            .collect();
        if self.baseline.is_some() && !reachable.iter().any(|r| *r) {
            let level = LevelAccess {
                verdict: Verdict::NotPublic,
                witnesses: Vec::new(),
                public_actions: Vec::new(),
                granted_by: Vec::new(),
                reasons: Vec::new(),
                unknown: Vec::new(),
            };
            return PublicAccess {
                verdict: Verdict::NotPublic,
                read: level.clone(),
                write: level,
            };
        }
        if !reachable.iter().any(|r| *r) {
            let reasons: Vec<Reason> = statements
                .iter()
                .filter(|st| st.effect.as_ref().is_some_and(|e| e.value == Effect::Allow))
                .map(|st| Reason {
                    statement: st.id(),
                    index: st.index,
                    role: "restricted-by-principal",
                    detail: "its principal names only specific accounts, roles, users or services"
                        .into(),
                })
                .collect();
            let level = LevelAccess {
                verdict: Verdict::NotPublic,
                witnesses: Vec::new(),
                public_actions: Vec::new(),
                granted_by: Vec::new(),
                reasons,
                unknown: Vec::new(),
            };
            return PublicAccess {
                verdict: Verdict::NotPublic,
                read: level.clone(),
                write: level,
            };
        }

        // Dimensions: principal, resource, then every key the policy reads.
        let (buckets, buckets_complete) = self.buckets();
        let mut key_names: VecMap<String, String> = VecMap::new();
        // Looked up by the borrowed name: the owned strings are built only for a new key.
        let mut add = |lc: &str, display: &str| {
            key_names.get_or_insert_by(
                |k| k.as_str().cmp(lc),
                || (lc.to_string(), display.to_string()),
            );
        };
        for st in self.all_statements() {
            if let Some(c) = &st.condition {
                for cond in &c.conditions {
                    add(&cond.key_lc, &cond.key_display());
                    for v in &cond.values {
                        if let Compiled::Text(p) = &v.compiled {
                            for n in p.var_names() {
                                add(n, &var_display(n));
                            }
                        }
                        if let Compiled::Arn(p) = &v.compiled {
                            for n in arn_var_names(p) {
                                add(n, &var_display(n));
                            }
                        }
                    }
                }
            }
            if let Some(r) = &st.resource {
                for item in &r.items {
                    for n in arn_var_names(&item.pattern) {
                        add(n, &var_display(n));
                    }
                }
            }
        }
        let keys = Keys {
            names: key_names.into_iter().collect(),
            cells: Vec::new(),
            analyzer: self,
        }
        .with_cells();
        let key_index = |lc: &str| keys.position(lc).map(|i| i + 2);

        // Atoms per statement.
        let infos: Vec<StmtInfo<'_>> = statements
            .iter()
            .map(|st| {
                // Principal, resource, maybe a broken action, then one per condition.
                let n_conds = st.condition.as_ref().map_or(0, |c| c.conditions.len());
                let mut atoms = Vec::with_capacity(3 + n_conds);
                if st.broken.contains(&"Principal") || st.principal.is_none() {
                    atoms.push(Atom {
                        kind: AtomKind::Broken,
                        deps: vec![0],
                    });
                } else {
                    atoms.push(Atom {
                        kind: AtomKind::Principal,
                        deps: vec![0],
                    });
                }
                if st.broken.contains(&"Resource") || st.resource.is_none() {
                    atoms.push(Atom {
                        kind: AtomKind::Broken,
                        deps: vec![1],
                    });
                } else if let Some(r) = &st.resource {
                    let mut deps = vec![1];
                    for item in &r.items {
                        deps.extend(arn_var_names(&item.pattern).filter_map(key_index));
                    }
                    atoms.push(Atom {
                        kind: AtomKind::Resource,
                        deps,
                    });
                }
                if st.broken.contains(&"Action") || st.action.is_none() || st.effect.is_none() {
                    atoms.push(Atom {
                        kind: AtomKind::Broken,
                        deps: vec![0],
                    });
                }
                if let Some(c) = &st.condition {
                    for (i, cond) in c.conditions.iter().enumerate() {
                        let mut deps: Vec<usize> = key_index(&cond.key_lc).into_iter().collect();
                        for v in &cond.values {
                            match &v.compiled {
                                Compiled::Text(p) => {
                                    deps.extend(p.var_names().filter_map(key_index))
                                }
                                Compiled::Arn(p) => {
                                    deps.extend(arn_var_names(p).filter_map(key_index))
                                }
                                _ => {}
                            }
                        }
                        atoms.push(Atom {
                            kind: AtomKind::Cond(i),
                            deps,
                        });
                    }
                }
                StmtInfo {
                    st,
                    effect: st.effect.as_ref().map(|e| e.value),
                    atoms,
                }
            })
            .collect();

        // Action classes: actions every statement treats alike, per access level.
        let mut classes: VecMap<ClassKey, Vec<&'static catalog::ActionInfo>> = VecMap::new();
        // The actions some reachable Allow matches or may match (`tri` not False): the
        // union of their masks, all of them when one is unknown.
        let mut reached = ActionMask::Hits([0; 3]);
        for (m, _) in self.masks.iter().zip(&reachable).filter(|(_, r)| **r) {
            reached = match (reached, m) {
                (ActionMask::Hits(a), ActionMask::Hits(b)) => {
                    let mut u = a;
                    for (x, y) in u.iter_mut().zip(b) {
                        *x |= y;
                    }
                    ActionMask::Hits(u)
                }
                _ => ActionMask::Unknown,
            };
        }
        let scoped: Vec<(usize, &[u8])> = keys
            .names
            .iter()
            .enumerate()
            .filter_map(|(i, (lc, _))| Some((i, catalog::key_actions(lc)?)))
            .collect();
        for (ai, a) in catalog::S3_ACTIONS.iter().enumerate() {
            if reached.tri(ai) == Tri::False {
                continue; // no reachable Allow covers it
            }
            let bucket = a.applies_to(ResourceType::Bucket);
            let object = a.applies_to(ResourceType::Object);
            if !bucket && !object {
                continue; // not an action on a bucket or its objects
            }
            // Looked up by the signature's parts, built only for a new class.
            let sig = self.masks.iter().map(|m| m.tri(ai));
            let old_sig = self.base_masks.iter().map(|m| m.tri(ai));
            // The keys S3 never sends with this action (`s3:prefix` with GetObject): absent
            // from its requests, so actions that differ there are searched apart.
            let unsent = unsent_keys(&scoped, ai);
            classes
                .get_or_insert_by(
                    |(s, o, b, ob, u)| {
                        s.iter()
                            .copied()
                            .cmp(sig.clone())
                            .then_with(|| o.iter().copied().cmp(old_sig.clone()))
                            .then_with(|| b.cmp(&bucket))
                            .then_with(|| ob.cmp(&object))
                            .then_with(|| u.cmp(&unsent))
                    },
                    || {
                        (
                            (
                                sig.clone().collect(),
                                old_sig.clone().collect(),
                                bucket,
                                object,
                                unsent,
                            ),
                            Vec::new(),
                        )
                    },
                )
                .push(a);
        }

        // Statements that can matter to these callers: reachable Allows, and Denys whose
        // principal can match one of them.
        let relevant_stmts: Vec<bool> = statements
            .iter()
            .zip(&reachable)
            .zip(&applies)
            .map(|((st, r), &applies)| {
                *r || (st.effect.as_ref().is_none_or(|e| e.value != Effect::Allow) && applies)
            })
            .collect();
        let mut bucket_res: Option<(Vec<String>, bool)> = None;
        let mut memo: VecMap<SearchKey, SearchOut> = VecMap::new();
        let mut object_res: Option<(Vec<String>, bool)> = None;

        let mut per_level: VecMap<AccessLevel, Vec<Witness>> = VecMap::new();
        let mut public_actions: VecMap<AccessLevel, Vec<String>> = VecMap::new();
        // Per level, the Allow statements whose searches found a request.
        let mut granting: VecMap<AccessLevel, Vec<usize>> = VecMap::new();
        let mut unknown_levels: VecMap<AccessLevel, Vec<String>> = VecMap::new();
        let mut pinning: VecSet<usize> = VecSet::new();
        let mut budget = NODE_BUDGET;

        // The dimensions the baseline's decision depends on (a witness must be denied by it).
        let old_dims: Vec<usize> = {
            let mut d: VecSet<usize> = VecSet::new();
            if let Some(b) = self.baseline {
                d.extend([0usize, 1]);
                for st in &b.statements {
                    if let Some(c) = &st.condition {
                        for cond in &c.conditions {
                            d.extend(key_index(&cond.key_lc));
                            for v in &cond.values {
                                if let Compiled::Text(p) = &v.compiled {
                                    d.extend(p.var_names().filter_map(key_index));
                                }
                            }
                        }
                    }
                    if let Some(r) = &st.resource {
                        for item in &r.items {
                            d.extend(arn_var_names(&item.pattern).filter_map(key_index));
                        }
                    }
                }
            }
            d.into_iter().collect()
        };
        let atom_base: Vec<usize> = infos
            .iter()
            .scan(0usize, |acc, info| {
                let at = *acc;
                *acc += info.atoms.len();
                Some(at)
            })
            .collect();
        let n_atoms: usize = infos.iter().map(|i| i.atoms.len()).sum();
        // Atom values per candidate, shared by every class's search (an atom's value
        // under one candidate does not depend on the class).
        let atom_memo = std::cell::RefCell::new(vec![Vec::new(); n_atoms]);
        let mut both_res: Option<Vec<String>> = None;
        for ((sig, old_sig, bucket, object, unsent), actions) in &classes {
            let mut levels: VecSet<AccessLevel> = actions.iter().map(|a| a.level).collect();
            // Classes that differ only on statements the search ignores (Allows no outsider
            // reaches) get the same answer: search once per distinct relevant signature.
            let relevant_sig = sig.iter().enumerate().filter(|(i, t)| {
                **t != Tri::False && relevant_stmts.get(*i).copied().unwrap_or(true)
            });
            let known = memo.iter().find_map(|((k, o, b, ob, u), out)| {
                (k.iter()
                    .copied()
                    .eq(relevant_sig.clone().map(|(i, t)| (i, *t)))
                    && o == old_sig
                    && b == bucket
                    && ob == object
                    && u == unsent)
                    .then_some(out)
            });
            // Resource candidates for this class: the object ones, then the bucket ones.
            let mut res_complete = buckets_complete;
            if *object {
                let r = object_res.get_or_insert_with(|| {
                    self.resource_cands(
                        ResourceType::Object,
                        &buckets,
                        &relevant_stmts,
                        &callers,
                        &keys,
                    )
                });
                res_complete &= r.1;
            }
            if *bucket {
                let r = bucket_res.get_or_insert_with(|| {
                    self.resource_cands(
                        ResourceType::Bucket,
                        &buckets,
                        &relevant_stmts,
                        &callers,
                        &keys,
                    )
                });
                res_complete &= r.1;
            }
            let no_res: &[String] = &[];
            let (res, res_obj): (&[String], usize) =
                match (object_res.as_ref(), bucket_res.as_ref()) {
                    (Some(o), Some(b)) if *object && *bucket => (
                        both_res
                            .get_or_insert_with(|| o.0.iter().chain(b.0.iter()).cloned().collect()),
                        o.0.len(),
                    ),
                    (Some(o), _) if *object => (&o.0, o.0.len()),
                    (_, Some(b)) if *bucket => (&b.0, 0),
                    _ => (no_res, 0),
                };
            // One search per class: every action in it is treated alike by every statement.
            // An Allow the baseline covers, when every baseline Deny that can match these
            // actions is still denied, cannot give new access to them: not searched.
            let covered: Vec<bool> = match self.baseline {
                None => Vec::new(),
                Some(old) => {
                    let class_actions: Vec<String> = actions
                        .iter()
                        .map(|a| a.full_name().to_ascii_lowercase())
                        .collect();
                    let class_actions: Vec<&str> =
                        class_actions.iter().map(String::as_str).collect();
                    (0..statements.len())
                        .map(|i| {
                            let relevant = |j: usize| old_sig.get(j) != Some(&Tri::False);
                            coverage.covered(i, relevant)
                                || (coverage.denies_kept(relevant)
                                    && statements.get(i).is_some_and(|s| {
                                        crate::cover::allow_covered_for(s, old, &class_actions)
                                    }))
                        })
                        .collect()
                }
            };
            let s = Search {
                infos: &infos,
                sig,
                old_sig,
                covered: &covered,
                callers: &callers,
                resources: res,
                res_obj,
                resources_complete: res_complete,
                keys: &keys,
                unsent: *unsent,
                action: preferred(actions).full_name(),
                policy: self.policy,
                baseline: self.baseline,
                old_dims: &old_dims,
                base_dims: std::cell::OnceCell::new(),
                atom_base: &atom_base,
                memo: &atom_memo,
                aws_star_anon: self.aws_star_anon,
            };
            let out = match known {
                Some(o) => o.clone(),
                None => {
                    let o = s.run(&reachable, &mut budget);
                    let key: SearchKey = (
                        relevant_sig.map(|(i, t)| (i, *t)).collect(),
                        old_sig.clone(),
                        *bucket,
                        *object,
                        *unsent,
                    );
                    memo.insert(key, o.clone());
                    o
                }
            };
            pinning.extend(out.pinned_by.iter().copied());
            for level in std::mem::take(&mut levels) {
                let of_level: Vec<&catalog::ActionInfo> = actions
                    .iter()
                    .filter(|a| a.level == level)
                    .copied()
                    .collect();
                match &out.witness {
                    Some((req, by)) => {
                        public_actions
                            .get_or_default(level)
                            .extend(of_level.iter().map(|a| a.full_name()));
                        granting.get_or_default(level).push(*by);
                        let list = per_level.get_or_default(level);
                        if list.is_empty() {
                            // The same request with this level's most telling action, proven again.
                            let mut w = req.clone();
                            w.action = preferred(&of_level).full_name();
                            w.action_lc = w.action.to_ascii_lowercase();
                            if self.is_witness(&w) {
                                list.push(Witness {
                                    request: w,
                                    level,
                                    granted_by: statements
                                        .get(*by)
                                        .map(Statement::id)
                                        .unwrap_or_default(),
                                    granted_by_index: *by,
                                });
                            } else {
                                unknown_levels
                                    .get_or_default(level)
                                    .push("a witness could not be confirmed".into());
                            }
                        }
                    }
                    None if !out.exhaustive => {
                        unknown_levels
                            .get_or_default(level)
                            .extend(out.unknown.iter().cloned());
                    }
                    None => {}
                }
            }
        }

        // An S3 action the catalogue does not know (a new one, or a misspelling) has no
        // access level and no witness `eval` accepts: an Allow that grants it to an
        // outsider leaves every level unknown rather than not public (§6.8, obligation 1).
        let unknown_actions = statements
            .iter()
            .zip(&reachable)
            .zip(&self.unknown_actions)
            .filter(|((_, r), u)| **r && **u);
        for ((st, _), _) in unknown_actions {
            let items = st.action.iter().flat_map(|a| &a.items);
            for item in items.filter(|i| is_unknown_s3_action(i)) {
                let why = format!(
                    "statement `{}` grants `{}`, an S3 action policycheck does not know, so its access level cannot be told",
                    st.id(),
                    item.text.value
                );
                // One level of each: read and write.
                unknown_levels
                    .get_or_default(AccessLevel::Read)
                    .push(why.clone());
                unknown_levels.get_or_default(AccessLevel::Write).push(why);
            }
        }

        // Why an Allow grants nothing does not depend on the level: explained once.
        let mut explained: Vec<(usize, Reason)> = Vec::new();
        let searched = Searched {
            applies: &applies,
            atom_base: &atom_base,
            memo: &atom_memo,
        };
        let read = self.level(
            &[AccessLevel::List, AccessLevel::Read],
            &per_level,
            &public_actions,
            &unknown_levels,
            &pinning,
            &infos,
            &callers,
            &keys,
            &searched,
            &mut explained,
        );
        let write = self.level(
            &[
                AccessLevel::Write,
                AccessLevel::PermissionsManagement,
                AccessLevel::Tagging,
            ],
            &per_level,
            &public_actions,
            &unknown_levels,
            &pinning,
            &infos,
            &callers,
            &keys,
            &searched,
            &mut explained,
        );
        let (mut read, mut write) = (read, write);
        for (level, by) in granting.iter() {
            let access = if level.is_read() {
                &mut read
            } else {
                &mut write
            };
            for &i in by {
                if !access.granted_by.contains(&i) {
                    access.granted_by.push(i);
                }
            }
        }
        PublicAccess::from_levels(read, write)
    }

    #[allow(clippy::too_many_arguments)] // internal assembly of one answer from the search's tables
    fn level(
        &self,
        levels: &[AccessLevel],
        per_level: &VecMap<AccessLevel, Vec<Witness>>,
        public_actions: &VecMap<AccessLevel, Vec<String>>,
        unknown_levels: &VecMap<AccessLevel, Vec<String>>,
        pinning: &VecSet<usize>,
        infos: &[StmtInfo<'_>],
        callers: &[Caller],
        keys: &Keys<'_>,
        searched: &Searched<'_>,
        explained: &mut Vec<(usize, Reason)>,
    ) -> LevelAccess {
        let witnesses: Vec<Witness> = levels
            .iter()
            .filter_map(|l| per_level.get(l))
            .flatten()
            .cloned()
            .collect();
        let mut actions: Vec<String> = levels
            .iter()
            .filter_map(|l| public_actions.get(l))
            .flatten()
            .cloned()
            .collect();
        crate::collections::sort_dedup(&mut actions);
        let mut unknown: Vec<String> = levels
            .iter()
            .filter_map(|l| unknown_levels.get(l))
            .flatten()
            .cloned()
            .collect();
        crate::collections::sort_dedup(&mut unknown);
        let verdict = if !witnesses.is_empty() {
            Verdict::Public
        } else if !unknown.is_empty() {
            Verdict::Unknown
        } else {
            Verdict::NotPublic
        };
        let mut reasons = Vec::new();
        match verdict {
            Verdict::Public => {
                let mut seen = VecSet::new();
                for w in &witnesses {
                    if seen.insert(w.granted_by_index) {
                        reasons.push(Reason {
                            statement: w.granted_by.clone(),
                            index: w.granted_by_index,
                            role: "grants",
                            detail: format!(
                                "allows `{}` to an outsider ({})",
                                w.request.action,
                                w.request.caller.display()
                            ),
                        });
                    }
                }
            }
            _ => {
                // Explain every Allow that covers actions of this level.
                let mut of_levels = [0u64; 3];
                let mut any_of_levels = false;
                for level in levels {
                    let (bits, any) = level_actions(*level);
                    any_of_levels |= any;
                    for (w, b) in of_levels.iter_mut().zip(bits) {
                        *w |= b;
                    }
                }
                for (s, info) in infos
                    .iter()
                    .enumerate()
                    .filter(|(_, i)| i.effect == Some(Effect::Allow))
                {
                    let mask = self
                        .masks
                        .get(info.st.index)
                        .copied()
                        .unwrap_or(ActionMask::Unknown);
                    // Whether the statement matches some action of these levels (or may).
                    let covers = match mask {
                        ActionMask::Unknown => any_of_levels,
                        ActionMask::Hits(b) => b.iter().zip(&of_levels).any(|(x, l)| x & l != 0),
                    };
                    if !covers {
                        continue;
                    }
                    let reason = match explained.iter().find(|(i, _)| *i == info.st.index) {
                        Some((_, r)) => r.clone(),
                        None => {
                            let r = self.why_not(s, info, callers, keys, searched, pinning);
                            explained.push((info.st.index, r.clone()));
                            r
                        }
                    };
                    reasons.push(reason);
                }
                for &d in pinning {
                    if let Some(st) = self.policy.statements.get(d) {
                        reasons.push(Reason {
                            statement: st.id(),
                            index: st.index,
                            role: "denies",
                            detail:
                                "denies every outsider request the Allow statements would grant"
                                    .into(),
                        });
                    }
                }
            }
        }
        LevelAccess {
            verdict,
            witnesses,
            public_actions: actions,
            granted_by: Vec::new(),
            reasons,
            unknown,
        }
    }

    fn why_not(
        &self,
        s: usize,
        info: &StmtInfo<'_>,
        callers: &[Caller],
        keys: &Keys<'_>,
        searched: &Searched<'_>,
        pinning: &VecSet<usize>,
    ) -> Reason {
        let st = info.st;
        // What the searches found of this statement's one-key conditions, per candidate.
        let memo = searched.memo.borrow();
        let row = |ci: usize, dim: usize| -> &[u8] {
            info.atoms
                .iter()
                .position(|a| {
                    matches!(a.kind, AtomKind::Cond(j) if j == ci) && a.deps.as_slice() == [dim]
                })
                .and_then(|a| searched.atom_base.get(s).map(|b| b + a))
                .and_then(|slot| memo.get(slot))
                .map_or(&[][..], Vec::as_slice)
        };
        let mk = |role: &'static str, detail: String| Reason {
            statement: st.id(),
            index: st.index,
            role,
            detail,
        };
        if let Some(p) = &st.principal {
            // Every caller rejected: what `could_apply` denies (it was asked) unless the
            // principal is broken (then it did not look).
            let rejected = match searched.applies.get(s) {
                Some(&applies) if !st.broken.contains(&"Principal") => !applies,
                _ => callers
                    .iter()
                    .all(|c| principal_tri(p, c, self.aws_star_anon) == Tri::False),
            };
            if rejected {
                return mk(
                    "restricted-by-principal",
                    "its principal names only specific accounts, roles, users or services".into(),
                );
            }
        }
        if let Some(c) = &st.condition {
            for (ci, cond) in c.conditions.iter().enumerate() {
                let pos = keys.position(&cond.key_lc);
                if let Some(k) = pos.and_then(|i| keys.get(i)) {
                    // The condition reads only this key (its one dimension): what the
                    // search found of it under a candidate is what it is here.
                    let known = pos.map_or(&[][..], |i| row(ci, i + 2));
                    // One context holding only this key (or nothing), its buffers reused.
                    let mut ctx = Context::new();
                    let ok = known.iter().any(|&m| m == MEMO_TRUE || m == MEMO_UNKNOWN)
                        || k.cands.iter().enumerate().any(|(i, v)| {
                            if known.get(i) == Some(&MEMO_FALSE) {
                                return false;
                            }
                            match v {
                                Some(v) => ctx.insert_from(&k.name_lc, &k.display, v),
                                None => ctx.remove(&k.name_lc),
                            }
                            condition::evaluate(cond, &ctx, false).result != Tri::False
                        });
                    if !ok {
                        return mk(
                            "restricted-by-condition",
                            format!("condition `{}` on `{}` admits only values an outsider does not have", cond.operator.value, cond.key_display()),
                        );
                    }
                }
            }
        }
        if !pinning.is_empty() {
            let names: Vec<String> = pinning
                .iter()
                .filter_map(|d| self.policy.statements.get(*d))
                .map(|s| format!("`{}`", s.id()))
                .collect();
            return mk(
                "pinned-by-deny",
                format!(
                    "every outsider request it allows is denied by {}",
                    names.join(", ")
                ),
            );
        }
        mk(
            "restricted-by-resource",
            "no outsider request on this bucket's resources meets all of its conditions".into(),
        )
    }
}

/// The catalogue actions of access level `level`, as bits by index in `S3_ACTIONS`, and
/// whether it has any (a table built once).
fn level_actions(level: AccessLevel) -> ([u64; 3], bool) {
    type Table = Vec<(AccessLevel, [u64; 3], bool)>;
    static TABLE: std::sync::OnceLock<Table> = std::sync::OnceLock::new();
    let table = TABLE.get_or_init(|| {
        let mut t: Table = Vec::new();
        for (i, a) in catalog::S3_ACTIONS.iter().enumerate() {
            let at = match t.iter().position(|(l, _, _)| *l == a.level) {
                Some(at) => at,
                None => {
                    t.push((a.level, [0; 3], false));
                    t.len() - 1
                }
            };
            if let Some((_, bits, any)) = t.get_mut(at) {
                *any = true;
                if let Some(w) = bits.get_mut(i / 64) {
                    *w |= 1 << (i % 64);
                }
            }
        }
        t
    });
    table
        .iter()
        .find(|(l, _, _)| *l == level)
        .map_or(([0; 3], false), |(_, bits, any)| (*bits, *any))
}

/// The most telling action of a class, for witnesses.
fn preferred<'b>(actions: &[&'b catalog::ActionInfo]) -> &'b catalog::ActionInfo {
    const ORDER: &[&str] = &[
        "GetObject",
        "ListBucket",
        "PutObject",
        "DeleteObject",
        "PutBucketPolicy",
        "PutObjectAcl",
        "PutObjectTagging",
        "GetBucketPolicy",
    ];
    ORDER
        .iter()
        .find_map(|n| actions.iter().find(|a| a.name == *n))
        .or_else(|| actions.first())
        .copied()
        .unwrap_or(&FALLBACK)
}

static FALLBACK: catalog::ActionInfo = catalog::ActionInfo {
    name: "GetObject",
    level: AccessLevel::Read,
    resources: &[ResourceType::Object],
};

/// Whether a statement's principal can match one of `callers` (a missing or broken
/// principal can: it is not evaluable, never assumed away).
fn could_apply(st: &Statement, callers: &[Caller], aws_star_anon: bool) -> bool {
    match &st.principal {
        Some(p) if !st.broken.contains(&"Principal") => callers
            .iter()
            .any(|c| principal_tri(p, c, aws_star_anon) != Tri::False),
        _ => true,
    }
}

fn principal_tri(p: &PrincipalElement, caller: &Caller, aws_star_anon: bool) -> Tri {
    eval::principal_part(p, caller, aws_star_anon, false).0
}

/// What decides a class's search: the relevant statements with how they treat the
/// class's actions, and whether the actions apply to the bucket and to objects.
type SearchKey = (Vec<(usize, Tri)>, Vec<Tri>, bool, bool, u64);

/// An action class: how each statement of the policy and of the baseline treats its
/// actions, whether they apply to the bucket and to objects, and which of the policy's
/// keys their requests never carry ([`unsent_keys`]).
type ClassKey = (Vec<Tri>, Vec<Tri>, bool, bool, u64);

/// Bit `i` set when requests for the action of [`catalog::S3_ACTIONS`] index `action`
/// never carry key `i`; `scoped` holds the keys only some actions' requests carry, with
/// those actions ([`catalog::key_actions`]). Past the 64th key, every key counts as
/// carried: the search then tries values S3 would not send, which can only make it less
/// certain.
fn unsent_keys(scoped: &[(usize, &[u8])], action: usize) -> u64 {
    scoped
        .iter()
        .filter(|(i, carriers)| *i < 64 && !carriers.iter().any(|&c| usize::from(c) == action))
        .fold(0, |m, (i, _)| m | 1 << i)
}

/// An atom's value under a candidate in the searches' memo (0: not computed).
const MEMO_TRUE: u8 = 1;
const MEMO_FALSE: u8 = 2;
const MEMO_UNKNOWN: u8 = 3;

/// The searches' memo of one-dimension atoms (see [`Search::memo`]), for the
/// explanations, which ask the same questions of the same candidates.
struct Searched<'m> {
    /// [`could_apply`] per statement.
    applies: &'m [bool],
    atom_base: &'m [usize],
    memo: &'m std::cell::RefCell<Vec<Vec<u8>>>,
}

#[derive(Clone)]
struct SearchOut {
    witness: Option<(Request, usize)>,
    exhaustive: bool,
    unknown: Vec<String>,
    pinned_by: VecSet<usize>,
}

struct Search<'s, 'a> {
    infos: &'s [StmtInfo<'a>],
    /// How each statement of the policy treats the class's actions.
    sig: &'s [Tri],
    /// The same for each statement of the baseline.
    old_sig: &'s [Tri],
    /// Allows that cannot give new access to these actions (see `cover`).
    covered: &'s [bool],
    callers: &'s [Caller],
    resources: &'s [String],
    /// How many of `resources` (at the start) are object candidates; the rest are bucket ones.
    res_obj: usize,
    resources_complete: bool,
    keys: &'s Keys<'a>,
    /// The key dimensions this search's actions never carry ([`unsent_keys`]): absent.
    unsent: u64,
    action: String,
    policy: &'s Policy,
    /// With a baseline, a witness must be denied by it.
    baseline: Option<&'s Policy>,
    /// The dimensions the baseline's decision depends on.
    old_dims: &'s [usize],
    /// For each baseline statement, the key dimensions it reads (built on first use).
    base_dims: std::cell::OnceCell<Vec<Vec<usize>>>,
    /// Where each statement's atoms start in `memo`.
    atom_base: &'s [usize],
    /// An atom that depends on one dimension is a function of that dimension's candidate:
    /// its value per candidate, computed once (0 = not yet, else `1 + Tri as u8`).
    /// Shared by the classes' searches: resource candidates are numbered across classes
    /// (see [`Self::memo_index`]).
    memo: &'s std::cell::RefCell<Vec<Vec<u8>>>,
    /// The reading of `{"AWS": "*"}` (see [`Analyzer::aws_star_anon`]).
    aws_star_anon: bool,
}

impl<'s, 'a> Search<'s, 'a> {
    fn cand_count(&self, dim: usize) -> usize {
        match dim {
            0 => self.callers.len(),
            1 => self.resources.len(),
            k => self.keys.get(k - 2).map_or(0, |d| {
                // Only the first candidate, absent, for a key S3 does not send with the
                // search's actions (the candidates of every other key start with it).
                let unsent = k - 2 < 64 && self.unsent & 1 << (k - 2) != 0;
                if unsent && matches!(d.cands.first(), Some(None)) {
                    1
                } else {
                    d.cands.len()
                }
            }),
        }
    }

    /// Where the value of a one-dimension atom under candidate `cand` of `dim` sits in
    /// its memo row: the candidate itself, except for resources, whose candidates differ
    /// between classes: object candidate `i` is `2i`, bucket candidate `i` is `2i + 1`.
    fn memo_index(&self, dim: usize, cand: usize) -> usize {
        match dim {
            1 if cand < self.res_obj => 2 * cand,
            1 => 2 * (cand - self.res_obj) + 1,
            _ => cand,
        }
    }

    fn assign(&self, req: &mut Request, dim: usize, cand: usize) {
        match dim {
            0 => {
                if let Some(c) = self.callers.get(cand) {
                    req.caller.clone_from(c);
                }
            }
            1 => {
                if let Some(r) = self.resources.get(cand) {
                    req.resource.clone_from(r);
                }
            }
            k => {
                if let Some(kd) = self.keys.get(k - 2) {
                    match kd.cands.get(cand) {
                        Some(Some(v)) => req.context.insert_from(&kd.name_lc, &kd.display, v),
                        _ => req.context.remove(&kd.name_lc),
                    }
                }
            }
        }
    }

    /// Ask for candidate `cand` of `dim` in the search's request (see [`LazyReq`]).
    fn want(st: &mut DfsState, dim: usize, cand: usize) {
        if let Some(w) = st.want.get_mut(dim) {
            *w = cand + 1;
        }
    }

    /// Ask for a key dimension to be absent from the search's request (the caller and
    /// the resource keep their value, as [`Self::unassign`] leaves them).
    fn unwant(st: &mut DfsState, dim: usize) {
        if dim >= 2 {
            if let Some(w) = st.want.get_mut(dim) {
                *w = 0;
            }
        }
    }

    /// Bring the search's request up to date with what was asked for.
    fn sync(&self, req: &mut LazyReq, st: &DfsState) {
        for (dim, (&want, has)) in st.want.iter().zip(req.has.iter_mut()).enumerate() {
            self.sync_one(&mut req.req, dim, want, has);
        }
    }

    /// [`Self::sync`] for the dimensions `dims` only: enough for an atom, which reads
    /// nothing but its dependencies (the others are brought up to date when read).
    fn sync_dims(&self, req: &mut LazyReq, st: &DfsState, dims: &[usize]) {
        for &dim in dims {
            if let (Some(&want), Some(has)) = (st.want.get(dim), req.has.get_mut(dim)) {
                self.sync_one(&mut req.req, dim, want, has);
            }
        }
    }

    fn sync_one(&self, req: &mut Request, dim: usize, want: usize, has: &mut usize) {
        if want == *has {
            return;
        }
        match want {
            NOT_A_CAND => return,
            0 => self.unassign(req, dim),
            c => self.assign(req, dim, c - 1),
        }
        *has = want;
    }

    /// Take a key dimension out of the request (absent).
    fn unassign(&self, req: &mut Request, dim: usize) {
        if dim >= 2 {
            if let Some(kd) = self.keys.get(dim - 2) {
                req.context.remove(&kd.name_lc);
            }
        }
    }

    /// The value of atom `a` of statement `s` under the request being built (`st.cur`
    /// says which candidate each assigned dimension holds).
    fn atom(&self, s: usize, a: usize, req: &mut LazyReq, st: &DfsState) -> Tri {
        let Some(info) = self.infos.get(s) else {
            return Tri::Unknown;
        };
        let Some(atom) = info.atoms.get(a) else {
            return Tri::Unknown;
        };
        let (&[dim], Some(slot)) = (atom.deps.as_slice(), self.atom_base.get(s).map(|b| b + a))
        else {
            self.sync_dims(req, st, &atom.deps);
            return self.atom_eval(info, atom, &req.req);
        };
        let Some(&cand) = st.cur.get(dim) else {
            self.sync_dims(req, st, &atom.deps);
            return self.atom_eval(info, atom, &req.req);
        };
        let at = self.memo_index(dim, cand);
        let known = self
            .memo
            .borrow()
            .get(slot)
            .and_then(|m| m.get(at).copied())
            .unwrap_or(0);
        let t = match known {
            MEMO_TRUE => return Tri::True,
            MEMO_FALSE => return Tri::False,
            MEMO_UNKNOWN => return Tri::Unknown,
            // An atom on the caller alone reads only the caller, one on the resource alone
            // only the resource (no variable), and a condition on one key alone (no
            // variable of another key in its values) only that key: each is evaluated on
            // the candidate itself, without copying it into the request first.
            _ => {
                let on_key = match (dim, Self::condition_of(info, atom)) {
                    (k, Some(cond)) if k >= 2 => self.keys.get(k - 2).map(|kd| (cond, kd)),
                    _ => None,
                };
                match (
                    dim,
                    self.callers.get(cand),
                    self.resources.get(cand),
                    on_key,
                ) {
                    (0, Some(caller), _, _) => {
                        self.atom_eval_with(info, atom, caller, &req.req.resource, &req.req.context)
                    }
                    (1, _, Some(resource), _) => {
                        self.atom_eval_with(info, atom, &req.req.caller, resource, &req.req.context)
                    }
                    (_, _, _, Some((cond, kd))) => {
                        let value = kd.cands.get(cand).and_then(Option::as_ref);
                        condition::evaluate_value(cond, value, &req.req.context, false).result
                    }
                    _ => {
                        self.sync_dims(req, st, &atom.deps);
                        self.atom_eval(info, atom, &req.req)
                    }
                }
            }
        };
        if let Some(m) = self.memo.borrow_mut().get_mut(slot) {
            if m.len() <= at {
                m.resize((at + 1).max(self.cand_count(dim)), 0);
            }
            if let Some(x) = m.get_mut(at) {
                *x = match t {
                    Tri::True => MEMO_TRUE,
                    Tri::False => MEMO_FALSE,
                    Tri::Unknown => MEMO_UNKNOWN,
                };
            }
        }
        t
    }

    /// The condition a `Cond` atom stands for (`None` for other atoms).
    fn condition_of<'i>(info: &StmtInfo<'i>, atom: &Atom) -> Option<&'i condition::Condition> {
        match atom.kind {
            AtomKind::Cond(i) => info.st.condition.as_ref()?.conditions.get(i),
            _ => None,
        }
    }

    fn atom_eval(&self, info: &StmtInfo<'_>, atom: &Atom, req: &Request) -> Tri {
        self.atom_eval_with(info, atom, &req.caller, &req.resource, &req.context)
    }

    /// [`Self::atom_eval`] on a request given by its parts (a principal atom reads only
    /// the caller, a resource atom the resource and the variables, a condition the context).
    fn atom_eval_with(
        &self,
        info: &StmtInfo<'_>,
        atom: &Atom,
        caller: &Caller,
        resource: &str,
        context: &Context,
    ) -> Tri {
        let st = info.st;
        match atom.kind {
            AtomKind::Broken => Tri::Unknown,
            AtomKind::Principal => match &st.principal {
                Some(p) => principal_tri(p, caller, self.aws_star_anon),
                None => Tri::Unknown,
            },
            AtomKind::Resource => match &st.resource {
                Some(r) => {
                    let vars = context;
                    let mut hit = false;
                    for item in &r.items {
                        if let Ok(true) = item.pattern.matches(resource, vars) {
                            hit = true;
                            break;
                        }
                    }
                    Tri::from_bool(hit != r.negated)
                }
                None => Tri::Unknown,
            },
            AtomKind::Cond(_) => match Self::condition_of(info, atom) {
                Some(cond) => condition::evaluate(cond, context, false).result,
                None => Tri::Unknown,
            },
        }
    }

    fn run(&self, reachable: &[bool], budget: &mut usize) -> SearchOut {
        let mut out = SearchOut {
            witness: None,
            exhaustive: true,
            unknown: Vec::new(),
            pinned_by: VecSet::new(),
        };
        let relevant: Vec<usize> = (0..self.infos.len())
            .filter(|i| self.sig.get(*i).is_some_and(|t| *t != Tri::False))
            .collect();
        let allows: Vec<usize> = relevant
            .iter()
            .copied()
            .filter(|i| {
                reachable.get(*i).copied().unwrap_or(false)
                    && !self.covered.get(*i).copied().unwrap_or(false)
                    && self
                        .infos
                        .get(*i)
                        .is_some_and(|s| s.effect == Some(Effect::Allow))
            })
            .collect();
        let denies: Vec<usize> = relevant
            .iter()
            .copied()
            .filter(|i| {
                self.infos
                    .get(*i)
                    .is_some_and(|s| s.effect != Some(Effect::Allow))
            })
            .collect();
        if relevant
            .iter()
            .any(|i| self.infos.get(*i).is_some_and(|s| s.effect.is_none()))
        {
            out.exhaustive = false;
            out.unknown.push("a statement has no valid `Effect`".into());
        }
        let ndims = 2 + self.keys.len();
        for &s in &allows {
            let Some(info_s) = self.infos.get(s) else {
                continue;
            };
            // The Allow's own dimensions come first; the Denys' only as needed.
            let mut own: VecSet<usize> = [0usize, 1].into_iter().collect();
            for a in &info_s.atoms {
                own.extend(a.deps.iter().copied());
            }
            let own: Vec<usize> = own.into_iter().collect();
            let plan = Plan::new(&own, &info_s.atoms);
            let mut req = LazyReq {
                req: Request {
                    aws_star_includes_anonymous: self.aws_star_anon,
                    ..Request::new(Caller::Anonymous, &self.action, "", Context::new())
                },
                has: (0..ndims)
                    .map(|d| if d < 2 { NOT_A_CAND } else { 0 })
                    .collect(),
            };
            let mut st = DfsState {
                uncertain: false,
                unknown_part: None,
                tls_tie: false,
                caller_tie: false,
                allow_met: false,
                assigned: vec![false; ndims],
                cur: vec![0; ndims],
                want: (0..ndims)
                    .map(|d| if d < 2 { NOT_A_CAND } else { 0 })
                    .collect(),
            };
            let mut dead = DeadCands {
                cands: own
                    .iter()
                    .map(|&d| vec![CAND_UNSEEN; self.cand_count(d)])
                    .collect(),
                count: vec![0; own.len()],
            };
            let found = self.dfs(
                &plan,
                &mut dead,
                0,
                s,
                &denies,
                &mut req,
                &mut st,
                &mut out.pinned_by,
                budget,
            );
            if let Some(w) = found {
                out.witness = Some((w, s));
                out.pinned_by.clear();
                return out;
            }
            let (said, was_exhaustive) = (out.unknown.len(), out.exhaustive);
            if st.uncertain {
                out.exhaustive = false;
                out.unknown
                    .push(self.unevaluable_reason(info_s.st, st.unknown_part));
            }
            if st.caller_tie {
                // The keys that describe the caller (`aws:username`, `aws:userid`,
                // `aws:PrincipalType`, `aws:PrincipalArn`) fit no caller, or a key AWS
                // sends with every such request is missing ([`Self::carries_what_aws_sends`]).
                out.exhaustive = false;
                out.unknown.push(format!(
                    "statement `{}` lets in only requests no caller sends (keys that fit no caller, or a key missing that AWS always sends)",
                    info_s.st.id()
                ));
            }
            if st.tls_tie {
                // Spec §6.8 lets the outsider choose both keys; S3 ties them (§7.3).
                out.exhaustive = false;
                out.unknown.push(format!(
                    "statement `{}` lets in only requests that pair `aws:SecureTransport` and `s3:TlsVersion` as S3 never does (HTTPS without a TLS version, or HTTP with one)",
                    info_s.st.id()
                ));
            }
            if *budget == 0 {
                out.exhaustive = false;
                out.unknown.push("the search budget was exhausted".into());
            }
            // What the search could not enumerate, stated only when it found nothing.
            // When no request met the Allow's own conditions, the Denys never mattered
            // (they only take access away).
            let mut used: VecSet<usize> = own.iter().copied().collect();
            for &d in denies.iter().filter(|_| st.allow_met) {
                if let Some(info) = self.infos.get(d) {
                    for a in &info.atoms {
                        used.extend(a.deps.iter().copied());
                    }
                }
            }
            let mut used_incomplete = Vec::new();
            if !self.resources_complete {
                used_incomplete.push("the bucket's name or keys cannot be fully enumerated (wildcards or variables in Resource)".to_string());
            }
            for &d in &used {
                if d >= 2 {
                    if let Some(k) = self.keys.get(d - 2) {
                        if !k.complete {
                            used_incomplete.push(k.note.clone().unwrap_or_else(|| {
                                format!("`{}` cannot be fully enumerated", k.display)
                            }));
                        }
                    }
                }
            }
            if !used_incomplete.is_empty() {
                out.exhaustive = false;
                out.unknown.extend(used_incomplete);
            }
            // None of that matters when no request at all meets the Allow, or when a
            // Deny refuses all it could let in.
            if out.unknown.len() > said
                && (self.infeasible(info_s) || denies.iter().any(|&d| self.closes(d, info_s)))
            {
                out.unknown.truncate(said);
                out.exhaustive = was_exhaustive;
            }
        }
        out
    }

    /// Whether a condition of the Allow on one key, reading no variable, holds for none
    /// of that key's candidates (nor its absence), which tell apart every value it
    /// compares (spec §6.2's fixed `aws:SourceVpce` or `aws:PrincipalOrgID`): then no
    /// request meets the Allow, whatever the resource, the other keys and the Denys.
    fn infeasible(&self, info: &StmtInfo<'_>) -> bool {
        // A statement with errors is not read as written (`parse::mark_invalid`).
        if info.st.invalid {
            return false;
        }
        let context = Context::new();
        info.atoms.iter().any(|atom| {
            let (&[d], Some(cond)) = (atom.deps.as_slice(), Self::condition_of(info, atom)) else {
                return false;
            };
            let var_free = !cond.values.iter().any(condition::CondValue::has_vars);
            let Some(kd) = d.checked_sub(2).and_then(|k| self.keys.get(k)) else {
                return false;
            };
            var_free
                && (kd.complete || kd.vars_only)
                && cond.key_lc == kd.name_lc
                && kd.cands.iter().map(Option::as_ref).chain([None]).all(|v| {
                    condition::evaluate_value(cond, v, &context, false).result == Tri::False
                })
        })
    }

    /// Whether Deny `d` refuses every request Allow `allow` could let in, whatever its
    /// resource and keys: `d` certainly names the class's actions, covers every outsider
    /// caller, names every resource the Allow can (its variable-free items, one of them
    /// or all together, include the Allow's item read with each variable as `*`, e.g.
    /// `arn:aws:s3:::b/*`, `arn:aws:s3:::b/h?me/*`, or `[b/home//*, b/home/?*/*]` for
    /// `arn:aws:s3:::b/home/${aws:username}/*`), and each
    /// of its conditions, on one key and reading no variable, holds for every candidate
    /// of that key and for its absence (an unconditional Deny, or one on a fixed
    /// `aws:SourceVpce`). Then what the search could not enumerate does not matter.
    fn closes(&self, d: usize, allow: &StmtInfo<'_>) -> bool {
        let (Some(info), Some(Tri::True)) = (self.infos.get(d), self.sig.get(d)) else {
            return false;
        };
        if info.st.invalid || info.effect != Some(Effect::Deny) {
            return false;
        }
        let context = Context::new();
        info.atoms.iter().all(|atom| match atom.kind {
            AtomKind::Principal => self
                .callers
                .iter()
                .all(|c| self.atom_eval_with(info, atom, c, "", &context) == Tri::True),
            AtomKind::Resource => {
                let (Some(deny), Some(res)) = (&info.st.resource, &allow.st.resource) else {
                    return false;
                };
                // Every ARN an Allow item can match, whatever its variables hold, matches
                // some item of the Deny: the Allow's pattern with each variable read as
                // `*` is included in one variable-free item's, or in their union; or a
                // Deny item with the same variables includes it piece by piece
                // ([`includes_with_vars`]). Variables must stand in the last component
                // (after five `:`), where `*` also takes any text. Leaving Deny items
                // out only narrows the Deny, so each test alone is sound.
                if deny.negated || res.negated {
                    return false;
                }
                let fixed: Vec<Glob> = deny
                    .items
                    .iter()
                    .filter(|o| !o.pattern.has_vars())
                    .map(|o| Glob::from_arn(&o.pattern))
                    .collect();
                res.items.iter().all(|item| {
                    if !vars_in_last(&item.pattern) {
                        return false;
                    }
                    let from = Glob::from_arn(&item.pattern);
                    // A search cut short proves nothing.
                    fixed.iter().any(|o| solve::includes(&from, o))
                        || deny
                            .items
                            .iter()
                            .any(|o| includes_with_vars(&item.pattern, &o.pattern))
                        || (!fixed.is_empty() && {
                            let left = solve::string_reps(&[], std::slice::from_ref(&from), &fixed);
                            left.complete && left.values.is_empty()
                        })
                })
            }
            AtomKind::Cond(_) => {
                let (&[k], Some(cond)) = (atom.deps.as_slice(), Self::condition_of(info, atom))
                else {
                    return false;
                };
                let Some(kd) = k.checked_sub(2).and_then(|k| self.keys.get(k)) else {
                    return false;
                };
                !cond.values.iter().any(condition::CondValue::has_vars)
                    && (kd.complete || kd.vars_only)
                    && cond.key_lc == kd.name_lc
                    && kd.cands.iter().map(Option::as_ref).chain([None]).all(|v| {
                        condition::evaluate_value(cond, v, &context, false).result == Tri::True
                    })
            }
            AtomKind::Broken => false,
        })
    }

    /// Whether every dependency of `a` is assigned.
    fn decided(a: &Atom, st: &DfsState) -> bool {
        a.deps
            .iter()
            .all(|d| st.assigned.get(*d).copied().unwrap_or(false))
    }

    /// Why the search for a request that `allow` lets in proved nothing: the part that
    /// could not be evaluated, when one was met (a request the evaluator would not
    /// confirm has none).
    fn unevaluable_reason(&self, allow: &Statement, part: Option<(usize, usize)>) -> String {
        let Some((info, a)) = part.and_then(|(s, a)| Some((self.infos.get(s)?, a))) else {
            return format!(
                "statement `{}` involves a part that cannot be evaluated",
                allow.id()
            );
        };
        let what = match info.atoms.get(a) {
            Some(atom) => unevaluable_part(info.st, &atom.kind),
            None => "its `Action` or `Effect` cannot be evaluated".to_string(),
        };
        if std::ptr::eq(info.st, allow) {
            format!("statement `{}` cannot be evaluated: {what}", allow.id())
        } else {
            format!(
                "whether statement `{}` denies what `{}` allows cannot be told: {what}",
                info.st.id(),
                allow.id()
            )
        }
    }

    /// Atom `a` of statement `s` cannot be evaluated: the search is no proof of absence,
    /// and the first such part is named in the reason.
    fn not_evaluable(st: &mut DfsState, s: usize, a: usize) {
        st.uncertain = true;
        st.unknown_part.get_or_insert((s, a));
    }

    fn set_cur(st: &mut DfsState, dim: usize, cand: usize) {
        if let Some(slot) = st.cur.get_mut(dim) {
            *slot = cand;
        }
    }

    fn set_assigned(st: &mut DfsState, dim: usize, v: bool) {
        if let Some(slot) = st.assigned.get_mut(dim) {
            *slot = v;
        }
    }

    /// Assign the Allow's own dimensions (`plan.own`), pruning as soon as one of its atoms
    /// fails. A candidate that fails on its own (see [`Plan::pure`]) fails wherever it is
    /// tried: [`DeadCands`] remembers it, and a depth whose every candidate is so is left
    /// at once, with the budget charged as trying them would.
    #[allow(clippy::too_many_arguments)] // the recursion's state, kept explicit
    fn dfs(
        &self,
        plan: &Plan,
        dead: &mut DeadCands,
        depth: usize,
        s: usize,
        denies: &[usize],
        req: &mut LazyReq,
        st: &mut DfsState,
        pinned: &mut VecSet<usize>,
        budget: &mut usize,
    ) -> Option<Request> {
        let Some(&dim) = plan.own.get(depth) else {
            st.allow_met = true;
            if self.hopeless(denies, req, st, pinned) {
                return None;
            }
            return self.kill(0, s, denies, req, st, pinned, budget);
        };
        let n = self.cand_count(dim);
        if dead.count.get(depth).is_some_and(|&c| c >= n) {
            // Every candidate fails here whatever the others hold: trying them would only
            // spend the budget.
            *budget = budget.saturating_sub(n);
            return None;
        }
        let checks = plan.checks.get(depth).map_or(&[][..], Vec::as_slice);
        let pure = plan.pure.get(depth).copied().unwrap_or(0);
        'cands: for cand in 0..n {
            if *budget == 0 {
                return None;
            }
            *budget -= 1;
            let seen = dead
                .cands
                .get(depth)
                .and_then(|d| d.get(cand))
                .copied()
                .unwrap_or(CAND_LIVE);
            if seen == CAND_DEAD {
                continue;
            }
            Self::want(st, dim, cand);
            Self::set_assigned(st, dim, true);
            Self::set_cur(st, dim, cand);
            // A candidate the pure checks all passed passes them again (they read only
            // its own dimension, and a True has no other effect): not asked again.
            let from = if seen == CAND_PURE_OK { pure } else { 0 };
            for (j, &a) in checks.iter().enumerate().skip(from) {
                match self.atom(s, a, req, st) {
                    Tri::True => {}
                    Tri::False => {
                        if seen == CAND_UNSEEN {
                            dead.mark_at(depth, cand, j, pure, true);
                        }
                        continue 'cands;
                    }
                    Tri::Unknown => {
                        if seen == CAND_UNSEEN {
                            dead.mark_at(depth, cand, j, pure, false);
                        }
                        Self::not_evaluable(st, s, a);
                        continue 'cands;
                    }
                }
            }
            if seen == CAND_UNSEEN {
                dead.mark_at(depth, cand, checks.len(), pure, false);
            }
            if let Some(w) = self.dfs(plan, dead, depth + 1, s, denies, req, st, pinned, budget) {
                return Some(w);
            }
        }
        Self::set_assigned(st, dim, false);
        None
    }

    /// Whether some Deny can fail under no value at all (each of its atoms checked alone,
    /// every candidate of its open dimensions tried): then it applies whatever the other
    /// Denys need, and the search can stop at once instead of trying their combinations.
    fn hopeless(
        &self,
        denies: &[usize],
        req: &mut LazyReq,
        st: &mut DfsState,
        pinned: &mut VecSet<usize>,
    ) -> bool {
        for &d in denies {
            let Some(info) = self.infos.get(d) else {
                continue;
            };
            if self.sig.get(d) != Some(&Tri::True) || info.effect.is_none() {
                continue;
            }
            let mut can_fail = false;
            let mut unknown = None;
            for (ai, a) in info.atoms.iter().enumerate() {
                // The open dependencies (as many as listed, repeats included): none, one
                // (`first`), or several.
                let mut open = 0usize;
                let mut first = 0usize;
                for &x in &a.deps {
                    if !st.assigned.get(x).copied().unwrap_or(true) {
                        if open == 0 {
                            first = x;
                        }
                        open += 1;
                    }
                }
                match (open, first) {
                    (0, _) => match self.atom(d, ai, req, st) {
                        Tri::False => can_fail = true,
                        Tri::Unknown => unknown = unknown.or(Some(ai)),
                        Tri::True => {}
                    },
                    (1, dim) => {
                        Self::set_assigned(st, dim, true);
                        for cand in 0..self.cand_count(dim) {
                            Self::want(st, dim, cand);
                            Self::set_cur(st, dim, cand);
                            match self.atom(d, ai, req, st) {
                                Tri::False => can_fail = true,
                                Tri::Unknown => unknown = unknown.or(Some(ai)),
                                Tri::True => {}
                            }
                            if can_fail {
                                break;
                            }
                        }
                        Self::set_assigned(st, dim, false);
                        Self::unwant(st, dim);
                    }
                    // Several open dimensions: not checked alone.
                    _ => can_fail = true,
                }
                if can_fail {
                    break;
                }
            }
            if !can_fail {
                if let Some(ai) = unknown {
                    Self::not_evaluable(st, d, ai);
                } else {
                    pinned.insert(d);
                }
                return true;
            }
        }
        false
    }

    /// Make the Denys `denies[i..]` fail one by one, assigning only the dimensions
    /// they need. Complete: a witness makes each Deny fail through some atom, on a
    /// dimension this tries with a value of the same behaviour.
    #[allow(clippy::too_many_arguments)] // the recursion's state, kept explicit
    fn kill(
        &self,
        i: usize,
        s: usize,
        denies: &[usize],
        req: &mut LazyReq,
        st: &mut DfsState,
        pinned: &mut VecSet<usize>,
        budget: &mut usize,
    ) -> Option<Request> {
        let Some(&d) = denies.get(i) else {
            let w = self.leaf(s, req, st);
            if w.is_none() {
                // A leaf runs the evaluator a few times, and up to dozens when it tries
                // to make the request read like a real one: charged like that many nodes,
                // so that a search whose leaves keep failing (keys no caller sends)
                // ends, "unknown", in a fraction of a second.
                *budget = budget.saturating_sub(LEAF_COST);
            }
            return w;
        };
        let info = self.infos.get(d)?;
        // A Deny whose action or effect is uncertain can never be shown to fail on its action.
        let certain_action = self.sig.get(d) == Some(&Tri::True) && info.effect.is_some();
        let mut any_unknown = (!certain_action).then_some(ACTION_PART);
        for (ai, a) in info.atoms.iter().enumerate() {
            if !Self::decided(a, st) {
                continue;
            }
            match self.atom(d, ai, req, st) {
                Tri::False => return self.kill(i + 1, s, denies, req, st, pinned, budget),
                Tri::Unknown => any_unknown = any_unknown.or(Some(ai)),
                Tri::True => {}
            }
        }
        let open: VecSet<usize> = info
            .atoms
            .iter()
            .flat_map(|a| a.deps.iter().copied())
            .filter(|x| !st.assigned.get(*x).copied().unwrap_or(true))
            .collect();
        for dim in open {
            for cand in 0..self.cand_count(dim) {
                if *budget == 0 {
                    return None;
                }
                *budget -= 1;
                Self::want(st, dim, cand);
                Self::set_assigned(st, dim, true);
                Self::set_cur(st, dim, cand);
                let fails = info
                    .atoms
                    .iter()
                    .enumerate()
                    .filter(|(_, a)| a.deps.contains(&dim) && Self::decided(a, st))
                    .any(|(ai, _)| self.atom(d, ai, req, st) == Tri::False);
                if fails {
                    if let Some(w) = self.kill(i + 1, s, denies, req, st, pinned, budget) {
                        return Some(w);
                    }
                }
                Self::set_assigned(st, dim, false);
                Self::unwant(st, dim);
            }
        }
        // An atom on several open dimensions (a condition whose value reads another key,
        // `${…}`) is decided only with all of them assigned: every combination is tried.
        for (ai, a) in info.atoms.iter().enumerate() {
            let mut dims: VecSet<usize> = VecSet::new();
            dims.extend(
                a.deps
                    .iter()
                    .copied()
                    .filter(|x| !st.assigned.get(*x).copied().unwrap_or(true)),
            );
            if dims.len() < 2 {
                continue;
            }
            let dims: Vec<usize> = dims.into_iter().collect();
            let counts: Vec<usize> = dims.iter().map(|&x| self.cand_count(x)).collect();
            if counts.contains(&0) {
                continue;
            }
            let mut at = vec![0usize; dims.len()];
            for &x in &dims {
                Self::set_assigned(st, x, true);
            }
            let found = 'combos: loop {
                if *budget == 0 {
                    break None;
                }
                *budget -= 1;
                for (&x, &c) in dims.iter().zip(&at) {
                    Self::want(st, x, c);
                    Self::set_cur(st, x, c);
                }
                if self.atom(d, ai, req, st) == Tri::False {
                    if let Some(w) = self.kill(i + 1, s, denies, req, st, pinned, budget) {
                        break Some(w);
                    }
                }
                // The next combination, the first dimension fastest.
                for (k, n) in at.iter_mut().zip(&counts) {
                    *k += 1;
                    if *k < *n {
                        continue 'combos;
                    }
                    *k = 0;
                }
                break None;
            };
            if found.is_some() {
                return found;
            }
            for &x in &dims {
                Self::set_assigned(st, x, false);
                Self::unwant(st, x);
            }
        }
        // Nothing left to make it fail: under what is assigned, it applies (or may).
        if let Some(ai) = any_unknown {
            Self::not_evaluable(st, d, ai);
        } else {
            pinned.insert(d);
        }
        None
    }

    fn leaf(&self, s: usize, req: &mut LazyReq, st: &mut DfsState) -> Option<Request> {
        // Dimensions nobody needed stay absent.
        let unassigned: Vec<usize> = st
            .assigned
            .iter()
            .enumerate()
            .filter(|(_, a)| !**a)
            .map(|(i, _)| i)
            .collect();
        for dim in unassigned {
            Self::unwant(st, dim);
        }
        self.sync(req, st);
        // Prove it with the ordinary evaluator, then make it read like a real request.
        let mut w = req.req.clone();
        w.action_lc = w.action.to_ascii_lowercase();
        if !self.tls_consistent(&mut w) {
            st.tls_tie = true;
            return None;
        }
        if self.decide_new(&w) != (Decision::Allow, true) {
            st.uncertain = true;
            return None;
        }
        let _ = s;
        let w = match self.baseline {
            None => w,
            Some(base) => {
                // New access: the baseline must deny it. Its decision may hang on
                // dimensions the search above left absent: try every value of those
                // (absent first).
                let open: Vec<usize> = self
                    .old_dims
                    .iter()
                    .copied()
                    .filter(|d| !st.assigned.get(*d).copied().unwrap_or(true))
                    .collect();
                self.old_denies(base, &open, &mut w, st)?
            }
        };
        // Made to read like a real request. The search assigns the keys that describe
        // the caller apart from the caller: the request must be one some caller AWS has
        // can send (spec §4's table), else it proves nothing.
        let w = self.realistic(w);
        if caller_keys_fit(&w) && self.carries_what_aws_sends(&w) {
            return Some(w);
        }
        st.caller_tie = true;
        None
    }

    /// Make `w` a request S3 can receive where the policy reads `s3:TlsVersion`: a
    /// request over TLS (`aws:SecureTransport` true) carries its TLS version and one over
    /// plain HTTP none (spec §7.3), which the search, assigning each key apart, does not
    /// ensure. An HTTPS request without a version gets TLS 1.3 or 1.2, whichever keeps it
    /// allowed; `false` when neither does, or when dropping the version of an HTTP
    /// request does not (the search then says it cannot tell).
    fn tls_consistent(&self, w: &mut Request) -> bool {
        if self.keys.position("s3:tlsversion").is_none() {
            return true;
        }
        let https = match w.context.get("aws:securetransport") {
            Some(CtxValue::One(v)) => v.eq_ignore_ascii_case("true"),
            // Not read by the policy: either, as the TLS version says (`realistic`).
            _ => return true,
        };
        let has_version = w.context.get("s3:tlsversion").is_some();
        if https == has_version {
            return true;
        }
        if !https {
            w.context.remove("s3:tlsversion");
            return self.decide_new(w) == (Decision::Allow, true);
        }
        ["1.3", "1.2"].iter().any(|v| {
            w.context
                .insert("s3:TlsVersion", CtxValue::One((*v).to_string()));
            self.decide_new(w) == (Decision::Allow, true)
        })
    }

    /// The key dimensions a statement's conditions and resource variables read.
    fn statement_dims(&self, stmt: &Statement) -> Vec<usize> {
        let mut d: VecSet<usize> = VecSet::new();
        if let Some(c) = &stmt.condition {
            for cond in &c.conditions {
                d.extend(self.keys.position(&cond.key_lc).map(|i| i + 2));
                for v in &cond.values {
                    if let Compiled::Text(p) = &v.compiled {
                        d.extend(
                            p.var_names()
                                .filter_map(|n| self.keys.position(n).map(|i| i + 2)),
                        );
                    }
                }
            }
        }
        if let Some(r) = &stmt.resource {
            for item in &r.items {
                d.extend(
                    arn_var_names(&item.pattern)
                        .filter_map(|n| self.keys.position(n).map(|i| i + 2)),
                );
            }
        }
        d.into_iter().collect()
    }

    /// Find values of the dimensions left open (`open`) under which the baseline does not
    /// allow `w`, the policy still allowing it (those dimensions are none of its Allow's,
    /// nor its Denys'). The baseline does not allow a request exactly when (A) one of its
    /// Denys applies or (B) each of its Allows fails: (A) tries each Deny's own open
    /// dimensions, (B) makes the Allows fail one by one. Bounded by the search budget.
    fn old_denies(
        &self,
        base: &Policy,
        open: &[usize],
        w: &mut Request,
        st: &mut DfsState,
    ) -> Option<Request> {
        let mut budget = NODE_BUDGET / 10;
        let all_dims = self.base_dims.get_or_init(|| {
            base.statements
                .iter()
                .map(|stmt| self.statement_dims(stmt))
                .collect()
        });
        let dims_of = |stmt: &Statement| -> Vec<usize> {
            all_dims
                .get(stmt.index)
                .map(|d| d.iter().copied().filter(|x| open.contains(x)).collect())
                .unwrap_or_default()
        };
        for &dim in open {
            self.unassign(w, dim);
        }
        // The open dimensions the baseline reads. When all their combinations fit in the
        // budget, every one is tried: exhaustive, whatever the statements share. An
        // answer of "none" is then only as complete as those dimensions' candidates.
        let relevant: Vec<usize> = open
            .iter()
            .copied()
            .filter(|d| all_dims.iter().any(|sd| sd.contains(d)))
            .collect();
        let incomplete = relevant
            .iter()
            .any(|&d| d >= 2 && self.keys.get(d - 2).is_none_or(|k| !k.complete));
        let combos = relevant
            .iter()
            .try_fold(1usize, |acc, &d| acc.checked_mul(self.cand_count(d) + 1));
        if combos.is_some_and(|n| n <= budget) {
            // Every combination fits: no budget cut short.
            let mut unlimited = usize::MAX;
            let found = self.combinations(&relevant, w, st, &mut unlimited, &mut |w, st| {
                self.check_pair(base, w, st)
            });
            if found.is_none() && incomplete {
                st.uncertain = true;
            }
            return found;
        }
        if let Some(found) = self.check_pair(base, w, st) {
            return Some(found);
        }
        // Too many combinations: the heuristic search below may miss one, so finding
        // nothing is not a proof.
        st.uncertain = true;
        // (A) one Deny applies.
        for stmt in base
            .statements
            .iter()
            .filter(|s| s.effect.as_ref().is_some_and(|e| e.value == Effect::Deny))
        {
            let dims = dims_of(stmt);
            if dims.is_empty() {
                // Under the values already set it applies or not: checked just above.
                continue;
            }
            // Only where this Deny applies (one statement, cheap) is the pair checked.
            let found = self.combinations(&dims, w, st, &mut budget, &mut |w, st| {
                match eval::eval_statement(stmt, w, base.kind, false).0 {
                    Tri::False => None,
                    _ => self.check_pair(base, w, st),
                }
            });
            if found.is_some() {
                return found;
            }
            for &dim in &dims {
                self.unassign(w, dim);
            }
        }
        // (B) every Allow fails.
        let allows: Vec<(&Statement, Vec<usize>)> = base
            .statements
            .iter()
            .filter(|s| s.effect.as_ref().is_none_or(|e| e.value == Effect::Allow))
            .map(|s| (s, dims_of(s)))
            .collect();
        let mut set: Vec<usize> = Vec::new();
        let found = self.fail_all(base, &allows, 0, w, st, &mut set, &mut budget);
        if budget == 0 {
            st.uncertain = true;
        }
        found
    }

    /// Every combination of values of `dims` (absent first), calling `leaf` at each until
    /// it gives a request. Each candidate tried costs one unit of `budget`; when it runs
    /// out the search stops (the caller decides what an unfinished search means).
    fn combinations(
        &self,
        dims: &[usize],
        w: &mut Request,
        st: &mut DfsState,
        budget: &mut usize,
        leaf: &mut dyn FnMut(&mut Request, &mut DfsState) -> Option<Request>,
    ) -> Option<Request> {
        let Some((&dim, rest)) = dims.split_first() else {
            return leaf(w, st);
        };
        for cand in std::iter::once(None).chain((0..self.cand_count(dim)).map(Some)) {
            if *budget == 0 {
                return None;
            }
            *budget -= 1;
            match cand {
                None => self.unassign(w, dim),
                Some(c) => self.assign(w, dim, c),
            }
            if let Some(found) = self.combinations(rest, w, st, budget, leaf) {
                return Some(found);
            }
        }
        self.unassign(w, dim);
        None
    }

    /// The pair check: the baseline does not allow `w` (for certain) and the policy does.
    fn check_pair(&self, base: &Policy, w: &Request, st: &mut DfsState) -> Option<Request> {
        let old = eval::decide_where(base, w, |i| {
            self.old_sig.get(i).is_none_or(|t| *t != Tri::False)
        });
        match old {
            (Decision::Allow, true) => None,
            (_, true) => (self.decide_new(w) == (Decision::Allow, true)).then(|| w.clone()),
            (_, false) => {
                st.uncertain = true;
                None
            }
        }
    }

    /// The policy's decision on a request for the class's action.
    fn decide_new(&self, w: &Request) -> (Decision, bool) {
        eval::decide_where(self.policy, w, |i| {
            self.sig.get(i).is_none_or(|t| *t != Tri::False)
        })
    }

    /// Make the baseline's Allows `allows[i..]` fail one by one (as [`Self::kill`] does for Denys).
    #[allow(clippy::too_many_arguments)] // the recursion's state, kept explicit
    fn fail_all(
        &self,
        base: &Policy,
        allows: &[(&Statement, Vec<usize>)],
        i: usize,
        w: &mut Request,
        st: &mut DfsState,
        set: &mut Vec<usize>,
        budget: &mut usize,
    ) -> Option<Request> {
        let Some((stmt, dims)) = allows.get(i) else {
            return self.check_pair(base, w, st);
        };
        if eval::eval_statement(stmt, w, base.kind, false).0 == Tri::False {
            return self.fail_all(base, allows, i + 1, w, st, set, budget);
        }
        let free: Vec<usize> = dims.iter().copied().filter(|d| !set.contains(d)).collect();
        for dim in free {
            for cand in 0..self.cand_count(dim) {
                if *budget == 0 {
                    return None;
                }
                *budget -= 1;
                self.assign(w, dim, cand);
                if eval::eval_statement(stmt, w, base.kind, false).0 == Tri::False {
                    set.push(dim);
                    if let Some(found) = self.fail_all(base, allows, i + 1, w, st, set, budget) {
                        return Some(found);
                    }
                    set.pop();
                }
            }
            self.unassign(w, dim);
        }
        None
    }

    /// Make a witness read like a real request, keeping it allowed: set the keys every
    /// request has, and give identity keys a caller that fits them.
    fn realistic(&self, mut w: Request) -> Request {
        let try_with = |w: &Request, f: &dyn Fn(&mut Request)| -> Option<Request> {
            let mut t = w.clone();
            f(&mut t);
            self.keys.analyzer.is_witness(&t).then_some(t)
        };
        // A readable object key instead of an empty last part (`home/`), or of the one
        // character the search gives a key that may be anything.
        let one_letter = one_letter_key(&w.resource).and_then(|at| {
            try_with(&w, &|t| {
                t.resource.truncate(at);
                t.resource.push_str("example-object.txt");
            })
        });
        if let Some(t) = one_letter {
            w = t;
        } else if w.resource.ends_with('/') {
            if let Some(t) = try_with(&w, &|t| t.resource.push_str("example-object.txt")) {
                w = t;
            }
        }
        if !w.context.contains("aws:SecureTransport") {
            // Over TLS exactly when the request has a TLS version, where the policy reads
            // one (a request without it is plain HTTP).
            let https = w.context.contains("s3:TlsVersion")
                || self.keys.position("s3:tlsversion").is_none();
            if let Some(t) = try_with(&w, &|t| {
                t.context
                    .insert("aws:SecureTransport", CtxValue::One(https.to_string()))
            }) {
                w = t;
            }
        }
        if !w.context.contains("aws:SourceIp")
            && !w.context.contains("aws:SourceVpce")
            && !w.context.contains("aws:SourceVpc")
        {
            let addr = self.outsider_address();
            if let Some(t) = addr.as_ref().and_then(|a| {
                try_with(&w, &|t| {
                    t.context.insert("aws:SourceIp", CtxValue::One(a.clone()))
                })
            }) {
                w = t;
            } else if let Some(t) = try_with(&w, &|t| {
                // No address lets it in: it comes through a VPC endpoint (the outsider's
                // own), as a request without `aws:SourceIp` does.
                t.context.insert(
                    "aws:SourceVpce",
                    CtxValue::One("vpce-0fedcba9876543210".into()),
                )
            }) {
                w = t;
            }
        }
        w = self.shaped_values(w);
        // An anonymous request carries no `aws:PrincipalArn` (spec §7.3's table): where
        // the search gave it an ARN that names no principal, an outsider's ARN if one
        // keeps it a witness (the caller follows below).
        if matches!(w.caller, Caller::Anonymous) {
            if let Some(CtxValue::One(a)) = w.context.get("aws:principalarn") {
                if crate::parse::parse_principal_arn(a).is_none() {
                    let acct = &self.keys.analyzer.fresh_account;
                    // The same resource (`role/Reader`) in an outsider's IAM ARN first.
                    let (parts, n) = catalog::split_arn(a);
                    let same = (n == 6)
                        .then(|| format!("arn:aws:iam::{acct}:{}", parts[5]))
                        .filter(|arn| crate::parse::parse_principal_arn(arn).is_some());
                    for arn in same.into_iter().chain([
                        format!("arn:aws:iam::{acct}:role/outsider-role"),
                        format!("arn:aws:iam::{acct}:user/outsider"),
                    ]) {
                        if let Some(t) = try_with(&w, &|t| {
                            t.context
                                .insert("aws:PrincipalArn", CtxValue::One(arn.clone()))
                        }) {
                            w = t;
                            break;
                        }
                    }
                }
            }
        }
        // A caller consistent with aws:PrincipalArn / aws:PrincipalAccount.
        let arn = match w.context.get("aws:principalarn") {
            Some(CtxValue::One(a)) => Some(a.clone()),
            _ => None,
        };
        if let Some(arn) = arn {
            let caller = crate::parse::parse_principal_arn(&arn).and_then(|id| match id {
                PrincipalId::Role { account, name, .. } => Caller::parse(&format!(
                    "arn:aws:sts::{account}:assumed-role/{name}/outsider-session"
                ))
                .ok(),
                PrincipalId::User { arn, .. } => Caller::parse(&arn).ok(),
                PrincipalId::Account { account, .. } => Caller::parse(&account).ok(),
                _ => None,
            });
            if let Some(c) = caller {
                if let Some(t) = try_with(&w, &|t| t.caller = c.clone()) {
                    w = t;
                }
            }
        } else if let Some(CtxValue::One(acct)) = w.context.get("aws:principalaccount").cloned() {
            if let Ok(c) = Caller::parse(&acct) {
                if let Some(t) = try_with(&w, &|t| t.caller = c.clone()) {
                    w = t;
                }
            }
        }
        // `aws:userid` as the caller that sends it has it (§4's table): `ROLEID:name`
        // from a session `name` of a role, a user's unique id from an IAM user, with
        // an id of the shape AWS gives (`AROA…`, `AIDA…`) where the policy allows it.
        if matches!(w.caller, Caller::Anonymous) {
            if let Some(t) = self.userid_sender(&w) {
                w = t;
            }
        }
        // `aws:SourceArn` and its kin come only with a service calling for a resource
        // (spec §7.3's table): that service, for the outsider's resource, sends it.
        if matches!(w.caller, Caller::Anonymous) {
            if let Some(t) = self.service_sender(&w) {
                w = t;
            }
        }
        // The caller the keys that describe it name, where the steps above left another.
        if !caller_keys_fit(&w) {
            if let Some(t) = self.fitting_caller(&w) {
                w = t;
            }
        }
        // An anonymous caller let in by `{"AWS": "*"}` only under IAM's reading (spec §9
        // row 1): a signed outsider, whom both readings let in, where one is.
        if matches!(w.caller, Caller::Anonymous) && w.aws_star_includes_anonymous {
            let mut s3 = w.clone();
            s3.aws_star_includes_anonymous = false;
            if !self.keys.analyzer.is_witness(&s3) {
                if let Some(c) = self.outsider(&is_user) {
                    // Only as a request a signed caller sends: with its ARN and account
                    // where the policy reads them.
                    if let Some(t) = try_with(&w, &|t| {
                        t.caller = c.clone();
                        self.add_signed_keys(t);
                    })
                    .filter(|t| caller_keys_fit(t) && self.carries_what_aws_sends(t))
                    {
                        w = t;
                    }
                }
            }
        }
        // A signed request always carries its principal's ARN and account (spec §7.3):
        // where the policy reads them and the search left them out, the caller's own.
        if matches!(w.caller, Caller::Aws(_)) && !self.carries_what_aws_sends(&w) {
            if let Some(t) = try_with(&w, &|t| self.add_signed_keys(t)) {
                w = t;
            }
        }
        w
    }

    /// Give a signed request the `aws:PrincipalArn` and `aws:PrincipalAccount` of its
    /// caller where the policy reads them and the request has none.
    fn add_signed_keys(&self, t: &mut Request) {
        let Caller::Aws(a) = &t.caller else {
            return;
        };
        let reads = |k: &str| self.keys.position(k).is_some();
        let mut add: Vec<(&str, String)> = Vec::new();
        if reads("aws:principalarn") && !t.context.contains("aws:PrincipalArn") {
            add.push(("aws:PrincipalArn", principal_arn_of(a)));
        }
        if reads("aws:principalaccount") && !t.context.contains("aws:PrincipalAccount") {
            add.push(("aws:PrincipalAccount", a.account.clone()));
        }
        for (k, v) in add {
            t.context.insert(k, CtxValue::One(v));
        }
    }

    /// Whether `w` has the keys every request of its kind has, of those the policy reads
    /// (spec §7.3): a signed request its principal's ARN and account; a request from the
    /// internet an address and one through a VPC endpoint the endpoint, never both; an
    /// organization's paths only with its id. The search assigns keys apart: a request
    /// missing one is no proof (the answer is then `unknown`, never `not-public`).
    fn carries_what_aws_sends(&self, w: &Request) -> bool {
        let reads = |k: &str| self.keys.position(k).is_some();
        let has = |k: &str| w.context.contains(k);
        let signed = matches!(w.caller, Caller::Aws(_));
        let network = !(reads("aws:sourceip") || reads("aws:sourcevpce"))
            || has("aws:SourceIp") != has("aws:SourceVpce");
        network
            && !(signed && reads("aws:principalarn") && !has("aws:PrincipalArn"))
            && !(signed && reads("aws:principalaccount") && !has("aws:PrincipalAccount"))
            && !(reads("aws:principalorgid")
                && has("aws:PrincipalOrgPaths")
                && !has("aws:PrincipalOrgID"))
    }

    /// An internet address outside every narrow range the policy lists for
    /// `aws:SourceIp` (spec §6.8): one of the documentation ranges' addresses.
    fn outsider_address(&self) -> Option<String> {
        let mut narrow: Vec<IpNet> = Vec::new();
        for st in self.keys.analyzer.all_statements() {
            let Some(c) = &st.condition else { continue };
            for cond in c.conditions.iter().filter(|c| c.key_lc == "aws:sourceip") {
                for v in &cond.values {
                    if let Compiled::Ip(Some(net)) = &v.compiled {
                        if is_narrow(net) {
                            narrow.push(*net);
                        }
                    }
                }
            }
        }
        for a in [
            "198.51.100.10",
            "203.0.113.10",
            "192.0.2.10",
            "2001:db8::10",
        ] {
            if let Ok(ip) = a.parse::<IpAddr>() {
                if !narrow.iter().any(|n| n.contains(&ip)) {
                    return Some(a.to_string());
                }
            }
        }
        None
    }

    /// `w` sent by the outsider whose `aws:userid` it carries, or `None` when no
    /// such caller keeps it a witness.
    fn userid_sender(&self, w: &Request) -> Option<Request> {
        let Some(CtxValue::One(id)) = w.context.get("aws:userid") else {
            return None;
        };
        let acct = &self.keys.analyzer.fresh_account;
        let (arn, shaped) = match id.rsplit_once(':') {
            // Session names: 2 to 64 of the characters of IAM names.
            Some((_, name)) if iam_session_name(name) => (
                format!("arn:aws:sts::{acct}:assumed-role/outsider-role/{name}"),
                format!("{OUTSIDER_ROLE_ID}:{name}"),
            ),
            None if id != "anonymous" && !is_account_id(id) => (
                format!("arn:aws:iam::{acct}:user/outsider"),
                OUTSIDER_USER_ID.to_string(),
            ),
            _ => return None,
        };
        let mut t = w.clone();
        t.caller = Caller::parse(&arn).ok()?;
        let analyzer = &self.keys.analyzer;
        if !self.mentions(&shaped) {
            t.context.insert("aws:userid", CtxValue::One(shaped));
            if analyzer.is_witness(&t) {
                return Some(t);
            }
            t.context.insert("aws:userid", CtxValue::One(id.clone()));
        }
        analyzer.is_witness(&t).then_some(t)
    }

    /// `w` sent by an AWS service principal, when it carries a key only such a request
    /// has ([`SERVICE_SOURCE`]) and none of an IAM caller's: the service `aws:SourceArn`
    /// names (`arn:aws:cloudtrail:…` → `cloudtrail.amazonaws.com`), else one the policy
    /// names, else CloudTrail; with the keys AWS sets for a service principal
    /// (`aws:PrincipalIsAWSService`, `aws:PrincipalServiceName`). `None` when no such
    /// request is a witness (an Allow for `{"AWS": "*"}` reaches no service).
    fn service_sender(&self, w: &Request) -> Option<Request> {
        // Plain loops here, not iterator chains: a smaller WASM build.
        let mut source = false;
        for (k, _) in w.context.iter() {
            let k = crate::condition::fold_key(k);
            let k = k.as_ref();
            if IAM_CALLER_KEYS.contains(&k)
                || SIGNED_ONLY.contains(&k)
                || k.starts_with("aws:principaltag/")
            {
                return None;
            }
            source |= SERVICE_SOURCE.contains(&k);
        }
        let service = |k| matches!(w.context.get(k), Some(CtxValue::One(v)) if v == "true");
        if !source && !service("aws:principalisawsservice") {
            return None;
        }
        let mut names: Vec<String> = Vec::new();
        if let Some(CtxValue::One(name)) = w.context.get("aws:principalservicename") {
            names.push(name.clone());
        }
        if let Some(CtxValue::One(arn)) = w.context.get("aws:sourcearn") {
            // The service component (the third, with a `:` after it).
            let ([head, _, svc, ..], n) = catalog::split_arn(arn);
            let plain = |b: u8| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-';
            if head == "arn" && n >= 4 && !svc.is_empty() && svc.bytes().all(plain) {
                names.push(format!("{svc}.amazonaws.com"));
            }
        }
        for st in self.keys.analyzer.all_statements() {
            let Some(p) = &st.principal else { continue };
            let PrincipalValue::Map(entries) = &p.value else {
                continue;
            };
            if p.negated {
                continue;
            }
            for e in entries {
                if let PrincipalId::Service(name) = &e.id {
                    if !names.contains(name) {
                        names.push(name.clone());
                    }
                }
            }
        }
        if !names.iter().any(|n| n == DEFAULT_SOURCE_SERVICE) {
            names.push(DEFAULT_SOURCE_SERVICE.to_string());
        }
        for name in names {
            let mut t = w.clone();
            t.caller = Caller::Service { name };
            for d in crate::request::derived_context(&t.caller, &t.action) {
                t.context.insert(d.key, CtxValue::One(d.value));
            }
            if self.keys.analyzer.is_witness(&t) {
                return Some(t);
            }
        }
        None
    }

    /// `w` with values of the shape AWS gives them (`o-a1b2c3d4e5`, not `o--`; TLS 1.3,
    /// not `x`) where the policy allows them just as well: in every key of that kind
    /// holding the same value, so that keys compared with each other
    /// (`${aws:ResourceOrgID}`) stay equal.
    fn shaped_values(&self, mut w: Request) -> Request {
        for (keys, shaped, examples) in VALUE_SHAPES {
            let of_kind = |k: &str| keys.iter().any(|n| n.eq_ignore_ascii_case(k));
            let Some(odd) = w.context.iter().find_map(|(k, v)| match v {
                CtxValue::One(v) if of_kind(k) && !shaped(v) => Some(v.clone()),
                _ => None,
            }) else {
                continue;
            };
            'examples: for example in examples.iter().filter(|e| !self.mentions(e)) {
                let mut t = w.clone();
                for (k, v) in w.context.iter() {
                    if of_kind(k) && matches!(v, CtxValue::One(v) if *v == odd) {
                        t.context.insert(k, CtxValue::One((*example).to_string()));
                    }
                }
                // The resource may spell the value too (`logs/${aws:CurrentTime}/…`): the
                // value after a `/` changes with it, if the first try is no witness.
                for respell in [false, true] {
                    if respell {
                        t.resource = w
                            .resource
                            .replace_str(&format!("/{odd}"), &format!("/{example}"));
                    }
                    if self.keys.analyzer.is_witness(&t) {
                        w = t;
                        break 'examples;
                    }
                }
            }
        }
        // ARNs the search left with empty parts (`arn:aws:iam::999988887777:role/`): a
        // region and a name of the usual kind, where the policy allows them.
        let mut filled: Option<Request> = None;
        for (k, v) in w.context.iter() {
            if let CtxValue::One(v) = v {
                if let Some(arn) =
                    fuller_arn(v, &self.keys.analyzer.fresh_account).filter(|a| !self.mentions(a))
                {
                    let t = filled.get_or_insert_with(|| w.clone());
                    t.context.insert(k, CtxValue::One(arn));
                }
            }
        }
        if let Some(t) = filled.filter(|t| self.keys.analyzer.is_witness(t)) {
            w = t;
        }
        w
    }

    /// Whether some condition of the policy (or of the baseline) compares a key with a
    /// value containing `s`.
    fn mentions(&self, s: &str) -> bool {
        let analyzer = self.keys.analyzer;
        let text = analyzer.condition_text.get_or_init(|| {
            let mut text = String::new();
            let values = analyzer
                .all_statements()
                .filter_map(|st| st.condition.as_ref())
                .flat_map(|c| c.conditions.iter())
                .flat_map(|c| c.values.iter());
            for v in values {
                text.push_str(&v.text.value);
                text.push('\0');
            }
            text
        });
        // A `s` with a `\0` may match across two values: then it counts as mentioned,
        // which only keeps a witness from taking that value.
        text.has(s)
    }

    /// The outsider account's caller of one kind, as the search's callers spell it.
    fn outsider(&self, of_kind: &dyn Fn(&CallerKind) -> bool) -> Option<Caller> {
        self.keys
            .analyzer
            .callers()
            .into_iter()
            .find(|c| matches!(c, Caller::Aws(a) if of_kind(&a.kind)))
    }

    /// `w` sent by the outsider its `aws:username`, `aws:userid` or `aws:PrincipalType`
    /// describes (spec §4's table), when that request fits and is still a witness. A
    /// role session's user id whose session part is no session name (`AROA…:`) gets
    /// one, where the policy allows it.
    fn fitting_caller(&self, w: &Request) -> Option<Request> {
        let one = |k: &str| match w.context.get(k) {
            Some(CtxValue::One(v)) => v.as_str(),
            _ => "",
        };
        let analyzer = self.keys.analyzer;
        let (account, arn) = match &w.caller {
            Caller::Aws(a) => (a.account.as_str(), a.arn.as_str()),
            _ => (analyzer.fresh_account.as_str(), ""),
        };
        let (username, userid, parn) = (
            one("aws:username"),
            one("aws:userid"),
            one("aws:principalarn"),
        );
        // Each try: the caller's ARN, a text spelled anew in every context value and the
        // resource, and whether the user name becomes the outsider's.
        let mut tries: Vec<(String, String, String, bool)> = Vec::new();
        if iam_name(username) {
            tries.push((
                format!("arn:aws:iam::{account}:user/{username}"),
                String::new(),
                String::new(),
                false,
            ));
        } else if !username.is_empty() {
            // No IAM user has this name (`/`, a pattern's shortest match): the outsider's
            // own user, renamed also where another key spells its ARN.
            tries.push((
                format!("arn:aws:iam::{account}:user/outsider"),
                format!("user/{username}"),
                "user/outsider".into(),
                true,
            ));
        }
        if let Some((role_id, session)) = userid.rsplit_once(':') {
            let session = if iam_session_name(session) {
                session
            } else {
                "outsider-session"
            };
            // A pattern's shortest match may leave no unique id (`*:*` gives `:`).
            let role_id =
                if role_id.is_empty() || !role_id.bytes().all(|b| b.is_ascii_alphanumeric()) {
                    OUTSIDER_ROLE_ID
                } else {
                    role_id
                };
            tries.push((
                format!("arn:aws:sts::{account}:assumed-role/outsider-role/{session}"),
                userid.into(),
                format!("{role_id}:{session}"),
                false,
            ));
        }
        if let (Caller::Aws(a), false) = (&w.caller, parn.is_empty()) {
            // Not the caller's: the caller's own, also where another key or the resource
            // spells it (`home/${aws:PrincipalArn}/…`).
            tries.push((arn.into(), parn.into(), principal_arn_of(a), false));
        }
        let acct = one("aws:principalaccount");
        if matches!(w.caller, Caller::Aws(_)) && !acct.is_empty() {
            // Not the caller's account: the key (and every value spelling it) set to it.
            tries.push((arn.into(), acct.into(), account.into(), false));
        }
        if let Some(head) = parn.strip_suffix(":role/") {
            // An IAM role ARN whose name the search left empty, where the policy rules
            // out the outsider's usual names: a session of a role of another name.
            tries.push((
                format!(
                    "{}:assumed-role/app/outsider-session",
                    head.replace_str(":iam:", ":sts:")
                ),
                parn.into(),
                format!("{parn}app"),
                false,
            ));
        }
        for (caller, from, to, rename_user) in &tries {
            // Respelled inside every value first (`home/${aws:userid}/*`), then only where
            // a whole value is `from`: a short `from` (`:`) also occurs in unrelated text.
            for inside in [true, false] {
                if !inside && from.is_empty() {
                    continue;
                }
                if let Some(mut t) = respelled(w, caller, from, to, inside) {
                    if *rename_user {
                        t.context
                            .insert("aws:username", CtxValue::One("outsider".into()));
                    }
                    if caller_keys_fit(&t) && analyzer.is_witness(&t) {
                        return Some(t);
                    }
                }
            }
        }
        // A kind of outsider: the one `aws:PrincipalType` names, or a user for keys only an
        // authenticated caller's request has (organization, principal tags, credentials).
        let kind = one("aws:principaltype");
        let caller = if kind == "Anonymous" {
            Some(Caller::Anonymous)
        } else if !kind.is_empty() {
            self.outsider(&|k| k.principal_type() == kind)
        } else if matches!(w.caller, Caller::Anonymous) && signed_only(w) {
            self.outsider(&is_user)
        } else {
            None
        };
        let mut t = w.clone();
        t.caller = caller?;
        (caller_keys_fit(&t) && analyzer.is_witness(&t)).then_some(t)
    }
}

/// Where the key of an object ARN starts, when the key is one character.
fn one_letter_key(arn: &str) -> Option<usize> {
    let (parts, n) = catalog::split_arn(arn);
    let rest = parts.get(5).filter(|_| n == 6)?;
    let slash = rest.bytes().position(|b| b == b'/')?;
    let key = rest.get(slash + 1..)?;
    (key.chars().count() == 1).then(|| arn.len() - key.len())
}

/// Whether the keys that describe the caller fit `w`'s caller as AWS sets them (spec
/// §4's table, §7.3): `aws:username` only for an IAM user, and its name; `aws:userid`
/// the account for a root user, `anonymous` for an anonymous caller, a unique id without
/// `:` for a user, `…:session` for a role session, `account:name` for a federated user;
/// `aws:PrincipalType` the caller's kind; no `aws:PrincipalArn` for an anonymous caller.
pub fn caller_keys_fit(w: &Request) -> bool {
    let get = |k: &str| match w.context.get(k) {
        None => Ok(None),
        Some(CtxValue::One(v)) => Ok(Some(v.as_str())),
        // A list where AWS sends one value: no caller sends it.
        Some(CtxValue::Many(_)) => Err(()),
    };
    let (Ok(username), Ok(userid), Ok(kind), Ok(arn), Ok(account), Ok(service), Ok(sname)) = (
        get("aws:username"),
        get("aws:userid"),
        get("aws:principaltype"),
        get("aws:principalarn"),
        get("aws:principalaccount"),
        get("aws:principalisawsservice"),
        get("aws:principalservicename"),
    ) else {
        return false;
    };
    // Only a service principal is an AWS service, and it sends its name.
    let no_service_keys = service.is_none_or(|s| s == "false")
        && sname.is_none()
        && !w.context.contains("aws:principalservicenameslist");
    match &w.caller {
        Caller::Service { name } => {
            username.is_none()
                && service.is_none_or(|s| s == "true")
                && sname.is_none_or(|s| s == name)
        }
        Caller::Anonymous => {
            no_service_keys
                && username.is_none()
                && arn.is_none()
                && account.is_none()
                && kind.is_none_or(|k| k == "Anonymous")
                && userid.is_none_or(|u| u == "anonymous")
                && !signed_only(w)
        }
        Caller::Aws(a) => {
            let (name_fits, id_fits) = match &a.kind {
                CallerKind::Root => (username.is_none(), userid.is_none_or(|u| u == a.account)),
                CallerKind::User { name } => (
                    username.is_none_or(|u| u == name),
                    userid
                        .is_none_or(|u| !u.has_byte(b':') && u != "anonymous" && !is_account_id(u)),
                ),
                CallerKind::AssumedRole { session, .. } => (
                    username.is_none(),
                    userid.is_none_or(|u| u.rsplit_once(':').is_some_and(|(_, s)| s == session)),
                ),
                CallerKind::FederatedUser { name } => (
                    username.is_none(),
                    userid.is_none_or(|u| {
                        u.split_once(':')
                            .is_some_and(|(acct, n)| acct == a.account && n == name)
                    }),
                ),
            };
            no_service_keys
                && name_fits
                && id_fits
                && kind.is_none_or(|k| k == a.kind.principal_type())
                && account.is_none_or(|acct| acct == a.account)
                && arn.is_none_or(|arn| arn == principal_arn_of(a) || path_arn_fits(arn, a))
        }
        Caller::Federated { .. } => no_service_keys && username.is_none(),
    }
}

/// Whether `w` carries a key only an authenticated caller's request has: an organization
/// or principal-tag key, those of a signed request's credentials and of a service calling
/// on the caller's behalf (spec §7.3's table); an anonymous request has none.
fn signed_only(w: &Request) -> bool {
    w.context.iter().any(|(k, _)| {
        let k = crate::condition::fold_key(k);
        SIGNED_ONLY.contains(&k.as_ref()) || k.starts_with("aws:principaltag/")
    })
}

/// Whether every variable of an ARN pattern stands in its last component: after five
/// `:` (where a `*` of the pattern also takes any text, colons included).
fn vars_in_last(p: &ArnPattern) -> bool {
    let mut colons = 0;
    for t in p.toks() {
        match t {
            Tok::Lit(l) => colons += l.bytes().filter(|&b| b == b':').count(),
            Tok::Var { .. } => return colons >= 5,
            Tok::Star | Tok::One => {}
        }
    }
    true
}

/// Whether, whatever values its variables hold, every ARN `allow` matches `deny` matches
/// too, for two patterns with the same variables (name and default) in the same order,
/// all in the last component: `allow` is `a0 V1 a1 … Vn an`, `deny` is `d0 V1 d1 … Vn dn`,
/// and each `ai` is included in `di` (`a0` and `d0` as ARN patterns, the rest as text in
/// the last component). Both read a variable the same way in one request, so the
/// concatenations are included too. `false` for a pattern without variables.
fn includes_with_vars(allow: &ArnPattern, deny: &ArnPattern) -> bool {
    if !vars_in_last(allow) || !vars_in_last(deny) {
        return false;
    }
    let (a, d) = (allow.toks(), deny.toks());
    let is_var = |t: &Tok| matches!(t, Tok::Var { .. });
    // The start of the current piece in each, and whether it is the first.
    let (mut i, mut j, mut head) = (0, 0, true);
    loop {
        let (Some(sa), Some(sd)) = (a.get(i..), d.get(j..)) else {
            return false;
        };
        let ea = sa.iter().position(is_var).unwrap_or(sa.len());
        let ed = sd.iter().position(is_var).unwrap_or(sd.len());
        let (Some(pa), Some(pd)) = (sa.get(..ea), sd.get(..ed)) else {
            return false;
        };
        let included = if head {
            let arn = |t: &[Tok]| Glob::from_arn(&ArnPattern::from_toks(t.to_vec()));
            solve::includes(&arn(pa), &arn(pd))
        } else {
            solve::includes(
                &Glob::from_toks(pa, None, false),
                &Glob::from_toks(pd, None, false),
            )
        };
        // Both go on with the same variable, or both end (after one variable at least).
        match (sa.get(ea), sd.get(ed)) {
            _ if !included => return false,
            (None, None) => return !head,
            (Some(va), Some(vd)) if va == vd => {
                (i, j, head) = (i + ea + 1, j + ed + 1, false);
            }
            _ => return false,
        }
    }
}

/// Whether a `Resource` item may match a bucket's ARN, whatever its variables hold: not
/// when its literal text, up to the first wildcard or variable, has a `/` after
/// `arn:PARTITION:s3:::` (no bucket ARN has one).
fn may_name_bucket(item: &ResourceItem) -> bool {
    // Tokens are merged: the literal text before the first wildcard is the first token.
    let lit = match item.pattern.toks().first() {
        Some(Tok::Lit(l)) => l.as_str(),
        _ => "",
    };
    let (parts, n) = catalog::split_arn(lit);
    !matches!((parts, n), (["arn", _, "s3", "", "", rest], 6) if rest.has_byte(b'/'))
}

/// `w` sent by `caller` (an ARN), with `from` spelled `to` in every context value and in
/// the resource, or with `inside` false only in the context values that are `from`
/// (nothing respelled when `from` is empty or already `to`); `None` when `caller` is no
/// caller's ARN.
fn respelled(w: &Request, caller: &str, from: &str, to: &str, inside: bool) -> Option<Request> {
    let mut t = w.clone();
    t.caller = Caller::parse(caller).ok()?;
    if !from.is_empty() && from != to {
        for (k, v) in w.context.iter() {
            if let CtxValue::One(v) = v {
                if if inside { v.has(from) } else { v == from } {
                    t.context.insert(k, CtxValue::One(v.replace_str(from, to)));
                }
            }
        }
        if inside {
            t.resource = w.resource.replace_str(from, to);
        }
    }
    Some(t)
}

/// The `aws:PrincipalArn` AWS gives caller `a` (spec §7.3's table): a role session's
/// is its role's (taken here without a path), a federated user's its own STS ARN.
fn principal_arn_of(a: &AwsCaller) -> String {
    let acct = &a.account;
    match &a.kind {
        CallerKind::Root => format!("arn:{}:iam::{acct}:root", a.partition),
        CallerKind::AssumedRole { role, .. } => {
            format!("arn:{}:iam::{acct}:role/{role}", a.partition)
        }
        CallerKind::User { .. } | CallerKind::FederatedUser { .. } => a.arn.clone(),
    }
}

/// Whether `arn` is the ARN of caller `a`'s user or role with a path
/// (`…:role/team/Reader`), which a session's ARN does not show.
fn path_arn_fits(arn: &str, a: &AwsCaller) -> bool {
    let ([head, _, service, region, account, resource], 6) = catalog::split_arn(arn) else {
        return false;
    };
    let (ty, name) = match &a.kind {
        CallerKind::User { name } => ("user/", name),
        CallerKind::AssumedRole { role, .. } => ("role/", role),
        _ => return false,
    };
    head == "arn"
        && service == "iam"
        && region.is_empty()
        && account == a.account
        && resource
            .strip_prefix(ty)
            .and_then(|r| r.rsplit_once('/'))
            .is_some_and(|(_, n)| n == name)
}

/// The search's request, updated lazily: the search only records which candidate each
/// dimension should hold ([`DfsState::want`]); the request is brought up to date
/// ([`Search::sync`]) when something reads it (an atom not in the memo, a leaf). Most
/// atoms are answered from the memo, so most assignments never touch the request.
struct LazyReq {
    req: Request,
    /// What the request holds per dimension, as in [`DfsState::want`].
    has: Vec<usize>,
}

/// In [`DfsState::want`] and [`LazyReq::has`]: the initial caller or resource, which is
/// no candidate.
const NOT_A_CAND: usize = usize::MAX;

/// The order in which an Allow's search assigns its dimensions, and what it checks
/// at each depth.
struct Plan {
    /// The Allow's own dimensions, in the order they are assigned.
    own: Vec<usize>,
    /// Per depth: the Allow's atoms decided once `own[depth]` is assigned (those that
    /// read it and no later dimension), in the statement's order.
    checks: Vec<Vec<usize>>,
    /// Per depth: how many of the first `checks` read `own[depth]` only. Their values are
    /// a function of its candidate: a candidate one of them rejects (before any other
    /// check says no) is rejected wherever it is tried.
    pure: Vec<usize>,
}

impl Plan {
    fn new(own: &[usize], atoms: &[Atom]) -> Plan {
        let depth_of = |d: usize| own.iter().position(|&x| x == d);
        let mut checks: Vec<Vec<usize>> = vec![Vec::new(); own.len()];
        for (ai, a) in atoms.iter().enumerate() {
            // An atom with a dimension outside `own`, or none, is never decided in `dfs`.
            let mut last: Option<usize> = None;
            let mut inside = !a.deps.is_empty();
            for &d in &a.deps {
                match depth_of(d) {
                    Some(k) => last = Some(last.map_or(k, |l: usize| l.max(k))),
                    None => inside = false,
                }
            }
            if let (true, Some(k)) = (inside, last) {
                if let Some(c) = checks.get_mut(k) {
                    c.push(ai);
                }
            }
        }
        let pure = checks
            .iter()
            .zip(own)
            .map(|(c, &dim)| {
                c.iter()
                    .take_while(|&&ai| {
                        atoms
                            .get(ai)
                            .is_some_and(|a| a.deps.iter().all(|&d| d == dim))
                    })
                    .count()
            })
            .collect();
        Plan {
            own: own.to_vec(),
            checks,
            pure,
        }
    }
}

/// Per depth of an Allow's search, what is known of each candidate: [`CAND_UNSEEN`],
/// [`CAND_DEAD`] (rejected by a check that reads only its own dimension, so rejected
/// wherever it is tried, with no other effect), [`CAND_PURE_OK`] (every such check
/// said True) or [`CAND_LIVE`]; and how many are dead.
struct DeadCands {
    cands: Vec<Vec<u8>>,
    count: Vec<usize>,
}

const CAND_UNSEEN: u8 = 0;
const CAND_DEAD: u8 = 1;
const CAND_LIVE: u8 = 2;
const CAND_PURE_OK: u8 = 3;

impl DeadCands {
    /// Record what the first visit of `cand` learnt: check `j` (of which the first `pure`
    /// read only this depth's dimension) said False (`failed`) or Unknown, or, with `j`
    /// past the last check, every check said True.
    fn mark_at(&mut self, depth: usize, cand: usize, j: usize, pure: usize, failed: bool) {
        if j < pure {
            self.mark(depth, cand, failed);
        } else if let Some(x) = self.cands.get_mut(depth).and_then(|d| d.get_mut(cand)) {
            *x = CAND_PURE_OK;
        }
    }

    fn mark(&mut self, depth: usize, cand: usize, is_dead: bool) {
        if let Some(x) = self.cands.get_mut(depth).and_then(|d| d.get_mut(cand)) {
            *x = if is_dead { CAND_DEAD } else { CAND_LIVE };
            if is_dead {
                if let Some(c) = self.count.get_mut(depth) {
                    *c += 1;
                }
            }
        }
    }
}

/// The part of `st` an atom of `kind` stands for, and why it cannot be evaluated.
fn unevaluable_part(st: &Statement, kind: &AtomKind) -> String {
    match kind {
        AtomKind::Principal => {
            let invalid: Vec<&str> = st
                .principal
                .iter()
                .flat_map(|p| p.invalid_values())
                .collect();
            let element = match &st.principal {
                Some(p) if p.negated => "NotPrincipal",
                _ => "Principal",
            };
            match invalid.as_slice() {
                [] => format!("its `{element}` cannot be evaluated"),
                [one] => format!(
                    "its `{element}` value `{one}` is not a valid principal (AWS would reject the policy)"
                ),
                [first, rest @ ..] => format!(
                    "its `{element}` value `{first}` and {} more are not valid principals (AWS would reject the policy)",
                    rest.len()
                ),
            }
        }
        AtomKind::Resource => "its `Resource` cannot be evaluated".to_string(),
        AtomKind::Broken => match st.broken.as_slice() {
            [] => "an element of it is missing or invalid".to_string(),
            [one] => format!("its `{one}` is missing or invalid"),
            more => format!("its `{}` are missing or invalid", more.join("`, `")),
        },
        AtomKind::Cond(i) => {
            let Some(c) = st.condition.as_ref().and_then(|b| b.conditions.get(*i)) else {
                return "a condition of it cannot be evaluated".to_string();
            };
            let key = c.key_display();
            match c.op {
                // `NullIfExists` too: the parser knows no such operator.
                None => format!(
                    "`{}` (on `{key}`) is not a condition operator AWS knows",
                    c.operator.value
                ),
                Some(op) if op.base == BaseOp::Null => {
                    format!(
                        "`{}` on `{key}` takes only `true` or `false`",
                        c.operator.value
                    )
                }
                Some(_) => format!(
                    "its condition `{}` on `{key}` cannot be evaluated",
                    c.operator.value
                ),
            }
        }
    }
}

/// An IAM user, of the kinds of [`CallerKind`].
fn is_user(k: &CallerKind) -> bool {
    matches!(k, CallerKind::User { .. })
}

struct DfsState {
    /// What the request should hold per dimension: `0` absent, `c + 1` candidate `c`,
    /// [`NOT_A_CAND`] the initial value.
    want: Vec<usize>,
    uncertain: bool,
    /// The first part found that cannot be evaluated: (statement, atom), the atom
    /// [`ACTION_PART`] for a Deny's action or effect. Named in the answer's reason.
    unknown_part: Option<(usize, usize)>,
    /// A request was allowed but pairs `aws:SecureTransport` and `s3:TlsVersion` as S3
    /// never does ([`Search::tls_consistent`]): not a witness, and not a proof that none
    /// exists (a reason of its own beside `uncertain`).
    tls_tie: bool,
    /// A request was allowed, but the keys that describe its caller (`aws:username`,
    /// `aws:userid`, `aws:PrincipalType`, `aws:PrincipalArn`) fit no caller AWS has
    /// ([`caller_keys_fit`]): not a witness, and no proof that none exists.
    caller_tie: bool,
    /// Some request met every condition of the Allow (the Denys were then asked).
    allow_met: bool,
    /// Which dimensions have a value in the request being built.
    assigned: Vec<bool>,
    /// Which candidate each assigned dimension holds.
    cur: Vec<usize>,
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::parse_policy;

    fn run(statements: &str) -> PublicAccess {
        let text = format!(r#"{{"Version": "2012-10-17", "Statement": [{statements}]}}"#);
        let out = parse_policy(&text);
        let policy = out.policy.unwrap();
        let pa = analyze(&policy);
        for w in pa.witnesses() {
            assert_eq!(
                eval::decide(&policy, &w.request),
                (Decision::Allow, true),
                "witness not allowed: {:?}",
                w.request.to_json()
            );
        }
        // Every witness is a request some caller AWS has could send (spec §4's table).
        for w in pa.witnesses() {
            assert!(caller_keys_fit(&w.request), "{:?}", w.request.to_json());
        }
        // Every witness's statement is among the level's granting ones (PC101 names
        // them from that list alone).
        for level in [&pa.read, &pa.write] {
            for w in &level.witnesses {
                assert!(level.granted_by.contains(&w.granted_by_index));
            }
        }
        pa
    }

    const ALLOW_GET: &str = r#"{"Sid": "Get", "Effect": "Allow", "Principal": "*", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::b/*"}"#;

    /// A Deny of everything on `b`'s objects under `cond` (a JSON condition block).
    fn deny(cond: &str) -> String {
        format!(
            r#"{{"Effect": "Deny", "Principal": "*", "Action": "s3:*", "Resource": "arn:aws:s3:::b/*", "Condition": {cond}}}"#
        )
    }

    fn verdicts(pa: &PublicAccess) -> (Verdict, Verdict) {
        (pa.read.verdict, pa.write.verdict)
    }

    #[test]
    fn an_allow_no_request_meets_is_decided_whatever_else_is_guessed() {
        use Verdict::{NotPublic, Public, Unknown};
        // A fixed `aws:PrincipalOrgID` pins the Allow: the identity-perimeter Deny beside
        // it, whose value reads `${aws:ResourceOrgID}`, changes nothing (it only takes
        // access away). It used to make the answer unknown.
        let org_read = r#"{"Sid": "OrgRead", "Effect": "Allow", "Principal": {"AWS": "*"}, "Action": "s3:GetObject", "Resource": "arn:aws:s3:::b/*", "Condition": {"StringEquals": {"aws:PrincipalOrgID": "o-aa111bb222"}}}"#;
        let perimeter = r#"{"Effect": "Deny", "Principal": "*", "Action": "s3:*", "Resource": "arn:aws:s3:::b/*", "Condition": {"StringNotEqualsIfExists": {"aws:PrincipalOrgID": "${aws:ResourceOrgID}"}, "BoolIfExists": {"aws:PrincipalIsAWSService": "false"}}}"#;
        let pa = run(&format!("{org_read}, {perimeter}"));
        assert_eq!(
            verdicts(&pa),
            (NotPublic, NotPublic),
            "{:?}",
            pa.read.unknown
        );
        assert!(pa.read.unknown.is_empty());
        // A fixed `aws:SourceVpce` pins a home-folder Allow (spec §6.7 agrees: no Deny),
        // although the folder's `${aws:username}` leaves the keys unenumerable.
        let home = |cond: &str| {
            format!(
                r#"{{"Effect": "Allow", "Principal": "*", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::b/home/${{aws:username}}/*"{cond}}}"#
            )
        };
        let pa = run(&home(
            r#", "Condition": {"StringEquals": {"aws:SourceVpce": "vpce-1a2b"}}"#,
        ));
        assert_eq!(
            verdicts(&pa),
            (NotPublic, NotPublic),
            "{:?}",
            pa.read.unknown
        );
        // Without the pin it stays what it was: public or unknown, never not public.
        let pa = run(&home(""));
        assert_ne!(pa.read.verdict, NotPublic);
        // A condition reading a variable in the Allow itself is no proof of anything.
        let pa = run(&home(
            r#", "Condition": {"StringEquals": {"aws:SourceVpce": "${aws:username}"}}"#,
        ));
        assert!(matches!(pa.read.verdict, Public | Unknown), "{:?}", pa.read);
    }

    #[test]
    fn witnesses_carry_the_keys_aws_sends_with_every_such_request() {
        use Verdict::{NotPublic, Unknown};
        // Signed requests carry `aws:PrincipalAccount` and `aws:PrincipalArn`; anonymous
        // ones neither. With a Deny for each case, no request AWS sends gets through: the
        // witness used to be a root user without an ARN (a false "public").
        let both = |absent: &str, present: &str| {
            run(&format!(
                "{ALLOW_GET}, {}, {}",
                deny(&format!(r#"{{"Null": {{"{absent}": "true"}}}}"#)),
                deny(&format!(r#"{{"Null": {{"{present}": "false"}}}}"#)),
            ))
        };
        // A request comes from an address or through an endpoint, never both: Denys of
        // requests lacking either leave none.
        let network = run(&format!(
            "{ALLOW_GET}, {}, {}",
            deny(r#"{"Null": {"aws:SourceIp": "true"}}"#),
            deny(r#"{"Null": {"aws:SourceVpce": "true"}}"#),
        ));
        for (what, pa) in [
            (
                "account, arn",
                both("aws:PrincipalAccount", "aws:PrincipalArn"),
            ),
            (
                "arn, account",
                both("aws:PrincipalArn", "aws:PrincipalAccount"),
            ),
            ("network", network),
        ] {
            assert_eq!(verdicts(&pa), (Unknown, NotPublic), "{what}");
            assert!(
                pa.read
                    .unknown
                    .iter()
                    .any(|u| u.contains("a key missing that AWS always sends")),
                "{:?}",
                pa.read.unknown
            );
        }
        // Organization paths come with the organization's id.
        let pa = both("aws:PrincipalOrgPaths", "aws:PrincipalOrgID");
        assert_eq!(pa.read.verdict, Unknown, "{:?}", pa.read);
        // Where a signed witness is still allowed with them, it carries those the policy
        // reads.
        let pa = run(&format!(
            "{ALLOW_GET}, {}, {}",
            deny(r#"{"Null": {"aws:PrincipalAccount": "true"}}"#),
            deny(r#"{"ArnLike": {"aws:PrincipalArn": "arn:aws:iam::111122223333:*"}}"#)
        ));
        let w = &pa.read.witnesses[0].request;
        assert!(w.context.contains("aws:PrincipalArn"), "{:?}", w.to_json());
    }

    #[test]
    fn the_keys_describing_the_caller_describe_the_witness_caller() {
        // Only IAM users have a user name, and their ARN is a user's: no caller gets
        // past both Denies. A role session with a user name used to be the witness.
        let pa = run(&format!(
            "{ALLOW_GET}, {}, {}",
            deny(r#"{"Null": {"aws:username": "true"}}"#),
            deny(r#"{"StringNotLike": {"aws:PrincipalArn": "arn:aws:iam::*:role/*"}}"#)
        ));
        assert_ne!(pa.read.verdict, Verdict::Public);
        // An anonymous caller has no user name and is of type Anonymous: not both an
        // assumed role and anonymous.
        let pa = run(&format!(
            "{ALLOW_GET}, {}",
            deny(r#"{"StringNotEquals": {"aws:PrincipalType": "AssumedRole"}}"#)
        ));
        assert_eq!(pa.read.verdict, Verdict::Public);
        let w = &pa.read.witnesses[0].request;
        assert!(
            matches!(&w.caller, Caller::Aws(a) if matches!(a.kind, CallerKind::AssumedRole { .. })),
            "{:?}",
            w.to_json()
        );
        // A resource spelled with the caller's ARN: the caller's own ARN in both.
        let pa = run(&format!(
            "{ALLOW_GET}, {}",
            r#"{"Effect": "Deny", "Principal": "*", "Action": "s3:*", "NotResource": "arn:aws:s3:::b/${aws:PrincipalArn}"}"#
        ));
        assert_eq!(pa.read.verdict, Verdict::Public);
        let w = &pa.read.witnesses[0].request;
        let Some(CtxValue::One(arn)) = w.context.get("aws:principalarn") else {
            panic!("{:?}", w.to_json())
        };
        assert_eq!(w.resource, format!("arn:aws:s3:::b/{arn}"));
        assert!(crate::parse::parse_principal_arn(arn).is_some(), "{arn}");
        // A user id no caller of any kind has: never a witness.
        let mut context = Context::new();
        context.insert("aws:userid", CtxValue::One("AIDA".into()));
        let session = Caller::parse("arn:aws:sts::999988887777:assumed-role/r/s").unwrap();
        let w = Request::new(session, "s3:GetObject", "arn:aws:s3:::b/k", context);
        assert!(!caller_keys_fit(&w));
    }

    #[test]
    fn a_literal_among_patterns_leaves_the_answer_decided() {
        // Non-empty, empty, absent: every request is denied.
        let pa = run(&format!(
            "{ALLOW_GET}, {}, {}, {}",
            deny(r#"{"StringLike": {"aws:Referer": "?*"}}"#),
            deny(r#"{"StringEquals": {"aws:Referer": ""}}"#),
            deny(r#"{"Null": {"aws:Referer": "true"}}"#)
        ));
        assert_eq!(pa.read.verdict, Verdict::NotPublic, "{:?}", pa.read.unknown);
        // `ab` in any case but three spellings of it: `aB` gets past both Denies.
        let pa = run(&format!(
            "{ALLOW_GET}, {}, {}",
            deny(r#"{"StringNotEqualsIgnoreCase": {"aws:Referer": "ab"}}"#),
            deny(r#"{"StringEquals": {"aws:Referer": ["ab", "AB", "Ab"]}}"#)
        ));
        assert_eq!(pa.read.verdict, Verdict::Public, "{:?}", pa.read.unknown);
        let w = &pa.read.witnesses[0].request;
        assert!(
            matches!(w.context.get("aws:referer"), Some(CtxValue::One(v)) if v == "aB"),
            "{:?}",
            w.to_json()
        );
    }

    #[test]
    fn typed_keys_in_witnesses_hold_values_of_their_type() {
        // Read only by `Null`: the search gives any text; the witness an address.
        let pa = run(
            r#"{"Effect": "Allow", "Principal": "*", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::b/*", "Condition": {"Null": {"aws:SourceIp": "false", "aws:RequestedRegion": "false"}}}"#,
        );
        let w = &pa.read.witnesses[0].request;
        let one = |k: &str| match w.context.get(k) {
            Some(CtxValue::One(v)) => v.clone(),
            other => panic!("{k}: {other:?}"),
        };
        assert!(
            one("aws:sourceip").parse::<IpAddr>().is_ok(),
            "{:?}",
            w.to_json()
        );
        assert_eq!(one("aws:requestedregion"), "us-east-1");
        // Spelled in the resource too: both change together.
        let pa = run(&format!(
            "{ALLOW_GET}, {}",
            r#"{"Effect": "Deny", "Principal": "*", "Action": "s3:*", "NotResource": "arn:aws:s3:::b/${aws:CurrentTime}/*"}"#
        ));
        let w = &pa.read.witnesses[0].request;
        let Some(CtxValue::One(t)) = w.context.get("aws:currenttime") else {
            panic!("{:?}", w.to_json())
        };
        assert!(crate::values::parse_date(t).is_some(), "{t}");
        assert!(
            w.resource.starts_with(&format!("arn:aws:s3:::b/{t}/")),
            "{}",
            w.resource
        );
    }

    #[test]
    fn epoch_time_compared_as_a_number_holds_a_number() {
        let until = |op: &str| deny(&format!(r#"{{"{op}": {{"aws:EpochTime": "1577836800"}}}}"#));
        // Every request carries a number of seconds: below, or at or above, the bound.
        let both = format!(
            "{ALLOW_GET}, {}, {}",
            until("NumericLessThan"),
            until("NumericGreaterThanEquals")
        );
        assert_eq!(run(&both).read.verdict, Verdict::NotPublic);
        // One of them leaves the later times: the witness holds one, as digits.
        let pa = run(&format!("{ALLOW_GET}, {}", until("NumericLessThan")));
        assert_eq!(pa.read.verdict, Verdict::Public);
        let w = &pa.read.witnesses[0].request;
        match w.context.get("aws:epochtime") {
            Some(CtxValue::One(v)) => {
                assert!(v.parse::<u64>().is_ok_and(|n| n >= 1_577_836_800), "{v}")
            }
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn a_known_bucket_is_the_one_asked_about() {
        // Attached to `site`: everything but another bucket's objects is readable, and
        // a Deny on another bucket stops nothing here.
        let cases = [
            (
                r#"{"Effect": "Allow", "Principal": "*", "Action": "s3:GetObject", "NotResource": "arn:aws:s3:::site-logs/*"}"#,
                Verdict::Public,
            ),
            (
                r#"{"Effect": "Allow", "Principal": "*", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::*/*"}, {"Effect": "Deny", "Principal": "*", "Action": "s3:*", "Resource": "arn:aws:s3:::other/*"}"#,
                Verdict::Public,
            ),
            // The policy's own bucket, and one that names only another bucket.
            (
                r#"{"Effect": "Allow", "Principal": "*", "Action": "s3:GetObject", "Resource": "arn:aws-cn:s3:::site/*"}"#,
                Verdict::Public,
            ),
            (
                r#"{"Effect": "Allow", "Principal": "*", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::other/*"}"#,
                Verdict::NotPublic,
            ),
        ];
        for (statements, want) in cases {
            let text = format!(r#"{{"Version": "2012-10-17", "Statement": [{statements}]}}"#);
            let policy = parse_policy(&text).policy.unwrap();
            let pa = analyze_in_bucket(&policy, AnalysisOptions::default(), "site");
            assert_eq!(pa.read.verdict, want, "{statements}");
            for w in pa.witnesses() {
                assert!(
                    w.request.resource.starts_with("arn:aws:s3:::site/")
                        || w.request.resource.starts_with("arn:aws-cn:s3:::site/"),
                    "{statements}: {}",
                    w.request.resource
                );
                assert_eq!(eval::decide(&policy, &w.request), (Decision::Allow, true));
            }
        }
        // Without the bucket, the one the NotResource names is taken (S3 rejects a
        // policy whose resources name another bucket).
        let (statements, _) = cases[0];
        assert_eq!(run(statements).read.verdict, Verdict::NotPublic);
    }

    #[test]
    fn twelve_digit_runs_finds_every_run_of_twelve() {
        // The plain scan: every maximal run of digits, kept when twelve long.
        fn plain(s: &str) -> VecSet<String> {
            let mut out = VecSet::new();
            let mut run = String::new();
            for c in s.chars().chain(std::iter::once(' ')) {
                if c.is_ascii_digit() {
                    run.push(c);
                } else {
                    if run.len() == 12 {
                        out.insert(run.clone());
                    }
                    run.clear();
                }
            }
            out
        }
        let mut next = crate::collections::test_rng(0x853c_49e6_748f_ea9b);
        let pieces = ["1", "2", "x", ":", "é", "111122223333", "12345678901", "/"];
        for _ in 0..20_000 {
            let mut s = String::new();
            for _ in 0..next(40) {
                let p = pieces[next(pieces.len())];
                for _ in 0..1 + next(3) {
                    s.push_str(p);
                }
            }
            let mut fast = VecSet::new();
            twelve_digit_runs(&s, &mut fast);
            assert_eq!(fast.as_slice(), plain(&s).as_slice(), "{s}");
        }
    }

    #[test]
    fn ip_text_writes_what_display_does() {
        for a in [
            0u32,
            1,
            9,
            10,
            99,
            100,
            199,
            255,
            256,
            0x0a00_0001,
            0xc633_6400,
            u32::MAX,
        ] {
            for x in [a, a.rotate_left(8), a.wrapping_mul(2_654_435_761)] {
                let ip = IpAddr::V4(std::net::Ipv4Addr::from(x));
                assert_eq!(ip_text(ip), ip.to_string());
            }
        }
        let v6: IpAddr = "2001:db8::1".parse().unwrap();
        assert_eq!(ip_text(v6), v6.to_string());
        for a in solve::ip_reps(&[
            "2001:db8::/32".parse().unwrap(),
            "10.0.0.0/8".parse().unwrap(),
        ]) {
            assert_eq!(ip_text(a), a.to_string());
        }
    }

    #[test]
    fn an_escaped_arn_value_is_matched_by_its_spelled_value() {
        // `${*}` is a literal `*`: the witness carries the value compared, not the text.
        let pa = run(
            r#"{"Effect": "Allow", "Principal": "*", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::b/*",
                "Condition": {"ArnEquals": {"aws:UserAgent": "arn:aws:s3:us-east-1:111122223333:accesspoint/ap${*}x"}}}"#,
        );
        assert_eq!(verdicts(&pa), (Verdict::Public, Verdict::NotPublic));
        let w = pa.witnesses().next().unwrap();
        assert_eq!(
            w.request.context.get("aws:useragent"),
            Some(&CtxValue::One(
                "arn:aws:s3:us-east-1:111122223333:accesspoint/ap*x".into()
            ))
        );
        // Without the escape the text is the value.
        let plain = run(
            r#"{"Effect": "Allow", "Principal": "*", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::b/*",
                "Condition": {"ArnEquals": {"aws:UserAgent": "arn:aws:s3:us-east-1:111122223333:accesspoint/apx"}}}"#,
        );
        let w = plain.witnesses().next().unwrap();
        assert_eq!(
            w.request.context.get("aws:useragent"),
            Some(&CtxValue::One(
                "arn:aws:s3:us-east-1:111122223333:accesspoint/apx".into()
            ))
        );
    }

    #[test]
    fn a_narrow_ip_deny_pins_but_a_broad_one_does_not() {
        let narrow = run(&format!(
            r#"{ALLOW_GET}, {{"Sid": "OnlyOffice", "Effect": "Deny", "Principal": "*", "Action": "s3:*", "Resource": "arn:aws:s3:::b/*", "Condition": {{"NotIpAddress": {{"aws:SourceIp": "198.51.100.0/24"}}}}}}"#
        ));
        assert_eq!(verdicts(&narrow), (Verdict::NotPublic, Verdict::NotPublic));
        assert!(
            narrow
                .read
                .reasons
                .iter()
                .any(|r| r.role == "pinned-by-deny" && r.statement == "Get"),
            "{:?}",
            narrow.read.reasons
        );
        assert!(narrow
            .read
            .reasons
            .iter()
            .any(|r| r.role == "denies" && r.statement == "OnlyOffice"));
        let broad = run(&format!(
            r#"{ALLOW_GET}, {{"Effect": "Deny", "Principal": "*", "Action": "s3:*", "Resource": "arn:aws:s3:::b/*", "Condition": {{"NotIpAddress": {{"aws:SourceIp": "0.0.0.0/1"}}}}}}"#
        ));
        assert_eq!(broad.read.verdict, Verdict::Public);
        let w = &broad.read.witnesses[0].request;
        let CtxValue::One(ip) = w.context.get("aws:sourceip").unwrap() else {
            panic!()
        };
        let ip: IpAddr = ip.parse().unwrap();
        assert!(
            "0.0.0.0/1".parse::<IpNet>().unwrap().contains(&ip),
            "the witness comes from inside the broad range: {ip}"
        );
    }

    #[test]
    fn denies_on_identity_keys_pin() {
        for cond in [
            r#"{"StringNotEquals": {"aws:SourceVpce": "vpce-1a2b3c"}}"#,
            r#"{"StringNotEquals": {"aws:PrincipalOrgID": "o-abc123"}}"#,
            r#"{"StringNotEqualsIfExists": {"aws:PrincipalAccount": "111122223333"}}"#,
        ] {
            let pa = run(&format!(
                r#"{ALLOW_GET}, {{"Effect": "Deny", "Principal": "*", "Action": "s3:*", "Resource": "*", "Condition": {cond}}}"#
            ));
            assert_eq!(pa.verdict, Verdict::NotPublic, "{cond}");
        }
        let np = run(&format!(
            r#"{ALLOW_GET}, {{"Effect": "Deny", "NotPrincipal": {{"AWS": ["arn:aws:iam::111122223333:root", "arn:aws:iam::111122223333:user/alice"]}}, "Action": "s3:*", "Resource": "*"}}"#
        ));
        assert_eq!(np.verdict, Verdict::NotPublic);
    }

    #[test]
    fn denies_on_client_controlled_keys_do_not_help() {
        for cond in [
            r#"{"Bool": {"aws:SecureTransport": "false"}}"#,
            r#"{"StringNotLike": {"aws:Referer": "https://example.com/*"}}"#,
        ] {
            let pa = run(&format!(
                r#"{ALLOW_GET}, {{"Effect": "Deny", "Principal": "*", "Action": "s3:*", "Resource": "*", "Condition": {cond}}}"#
            ));
            assert_eq!(pa.read.verdict, Verdict::Public, "{cond}");
        }
        let referer = run(&format!(
            r#"{ALLOW_GET}, {{"Effect": "Deny", "Principal": "*", "Action": "s3:*", "Resource": "*", "Condition": {{"StringNotLike": {{"aws:Referer": "https://example.com/*"}}}}}}"#
        ));
        let w = &referer.read.witnesses[0].request;
        let Some(CtxValue::One(r)) = w.context.get("aws:referer") else {
            panic!("the witness sends the expected Referer: {:?}", w.to_json())
        };
        assert!(r.starts_with("https://example.com/"));
        let tls = run(&format!(
            r#"{ALLOW_GET}, {{"Effect": "Deny", "Principal": "*", "Action": "s3:*", "Resource": "*", "Condition": {{"Bool": {{"aws:SecureTransport": "false"}}}}}}"#
        ));
        assert_eq!(
            tls.read.witnesses[0]
                .request
                .context
                .get("aws:securetransport"),
            Some(&CtxValue::One("true".into()))
        );
    }

    #[test]
    fn a_deny_on_put_leaves_read_public_and_write_not() {
        let pa = run(
            r#"{"Effect": "Allow", "Principal": "*", "Action": ["s3:GetObject", "s3:PutObject"], "Resource": "arn:aws:s3:::b/*"}, {"Effect": "Deny", "Principal": "*", "Action": "s3:PutObject", "Resource": "arn:aws:s3:::b/*"}"#,
        );
        assert_eq!(verdicts(&pa), (Verdict::Public, Verdict::NotPublic));
        assert_eq!(pa.read.public_actions, vec!["s3:GetObject".to_string()]);
    }

    #[test]
    fn wildcard_reasoning_finds_keys_outside_a_denied_prefix() {
        let pa = run(
            r#"{"Effect": "Allow", "Principal": "*", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::b/public/*"}, {"Effect": "Deny", "Principal": "*", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::b/public/secret*"}"#,
        );
        assert_eq!(pa.read.verdict, Verdict::Public);
        let r = &pa.read.witnesses[0].request.resource;
        assert!(
            r.starts_with("arn:aws:s3:::b/public/")
                && !r.starts_with("arn:aws:s3:::b/public/secret"),
            "{r}"
        );
        // Everything under the prefix denied: not public.
        let none = run(
            r#"{"Effect": "Allow", "Principal": "*", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::b/public/*"}, {"Effect": "Deny", "Principal": "*", "Action": "s3:GetObject", "NotResource": "arn:aws:s3:::b/private/*"}"#,
        );
        assert_eq!(none.read.verdict, Verdict::NotPublic);
    }

    #[test]
    fn string_like_patterns_need_a_value_matching_both() {
        // Allowed when the VPC endpoint is like vpce-a* and the Deny spares vpce-*z: vpce-az… works.
        let pa = run(
            r#"{"Effect": "Allow", "Principal": "*", "Action": "s3:GetObject", "Resource": "*", "Condition": {"StringLike": {"aws:SourceVpce": "vpce-a*"}}}, {"Effect": "Deny", "Principal": "*", "Action": "*", "Resource": "*", "Condition": {"StringNotLike": {"aws:SourceVpce": "*z"}}}"#,
        );
        assert_eq!(pa.read.verdict, Verdict::Public);
        let CtxValue::One(v) = pa.read.witnesses[0]
            .request
            .context
            .get("aws:sourcevpce")
            .unwrap()
        else {
            panic!()
        };
        assert!(v.starts_with("vpce-a") && v.ends_with('z'), "{v}");
    }

    #[test]
    fn not_principal_allow_and_not_action_are_public() {
        let np = run(
            r#"{"Effect": "Allow", "NotPrincipal": {"AWS": "arn:aws:iam::111122223333:root"}, "Action": "s3:GetObject", "Resource": "arn:aws:s3:::b/*"}"#,
        );
        assert_eq!(np.read.verdict, Verdict::Public);
        let na = run(
            r#"{"Effect": "Allow", "Principal": "*", "NotAction": "s3:DeleteObject", "Resource": ["arn:aws:s3:::b", "arn:aws:s3:::b/*"]}"#,
        );
        assert_eq!(verdicts(&na), (Verdict::Public, Verdict::Public));
        assert!(!na
            .write
            .public_actions
            .contains(&"s3:DeleteObject".to_string()));
        assert!(na
            .write
            .public_actions
            .contains(&"s3:PutBucketPolicy".to_string()));
        let levels: VecSet<AccessLevel> = na.witnesses().map(|w| w.level).collect();
        assert_eq!(levels.len(), 5, "a witness per finer level: {levels:?}");
    }

    #[test]
    fn what_cannot_be_evaluated_is_unknown_not_safe() {
        let pa = run(
            r#"{"Effect": "Allow", "Principal": "*", "Action": "s3:GetObject", "Resource": "*", "Condition": {"StringEqualz": {"aws:SourceVpce": "vpce-1"}}}"#,
        );
        assert_eq!(pa.read.verdict, Verdict::Unknown);
        assert!(!pa.read.unknown.is_empty());
        // An unknown Deny cannot make a public Allow safe either.
        let pa = run(&format!(
            r#"{ALLOW_GET}, {{"Effect": "Deny", "Principal": "*", "Action": "*", "Resource": "*", "Condition": {{"StringEqualz": {{"aws:SourceVpce": "vpce-1"}}}}}}"#
        ));
        assert_ne!(pa.read.verdict, Verdict::NotPublic);
    }

    #[test]
    fn a_request_without_an_address_comes_through_a_vpc_endpoint() {
        // `IpAddressIfExists` lets in what has no `aws:SourceIp`: a request through a VPC
        // endpoint, which the witness says it is.
        let pa = run(
            r#"{"Effect": "Allow", "Principal": "*", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::b/*", "Condition": {"IpAddressIfExists": {"aws:SourceIp": "203.0.113.0/24"}}}"#,
        );
        let w = &pa.read.witnesses[0].request;
        assert!(w.context.get("aws:sourceip").is_none(), "{:?}", w.to_json());
        assert_eq!(
            w.context.get("aws:sourcevpce"),
            Some(&CtxValue::One("vpce-0fedcba9876543210".into()))
        );
        // The range the policy trusts holds the address a witness would otherwise
        // carry: that address is no outsider's, so the witness does not carry it.
        for range in ["198.51.100.0/24", "198.51.100.10"] {
            let pa = run(&format!(
                r#"{{"Effect": "Allow", "Principal": "*", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::b/*", "Condition": {{"IpAddressIfExists": {{"aws:SourceIp": "{range}"}}}}}}"#
            ));
            let w = &pa.read.witnesses[0].request;
            assert!(
                !matches!(w.context.get("aws:sourceip"), Some(CtxValue::One(a)) if a.starts_with("198.51.100.")),
                "{range}: {:?}",
                w.to_json()
            );
        }
        // Elsewhere the default address stays.
        let pa = run(ALLOW_GET);
        assert_eq!(
            pa.read.witnesses[0].request.context.get("aws:sourceip"),
            Some(&CtxValue::One("198.51.100.10".into()))
        );
    }

    #[test]
    fn keys_of_signed_requests_come_from_a_signed_caller() {
        // A service calling on the caller's behalf (Athena), MFA, a session's issue time:
        // never in an anonymous request, so the witness is an outsider's IAM user.
        for cond in [
            r#"{"ForAnyValue:StringEquals": {"aws:CalledVia": "athena.amazonaws.com"}}"#,
            r#"{"Bool": {"aws:MultiFactorAuthPresent": "true"}}"#,
            r#"{"DateGreaterThan": {"aws:TokenIssueTime": "2024-01-01T00:00:00Z"}}"#,
        ] {
            let pa = run(&format!(
                r#"{{"Effect": "Allow", "Principal": "*", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::b/*", "Condition": {cond}}}"#
            ));
            assert_eq!(pa.read.verdict, Verdict::Public, "{cond}");
            let w = &pa.read.witnesses[0].request;
            assert!(
                matches!(&w.caller, Caller::Aws(a) if a.arn.contains(":user/")),
                "{cond}: {:?}",
                w.to_json()
            );
        }
    }

    #[test]
    fn only_fixed_values_of_a_network_key_pin_a_request() {
        // Spec §6.1/§6.2: a value with `*`, `?` or `${` is not fixed, even where
        // `StringEquals` compares it as text, so it pins nobody.
        let allow = |version: &str, cond: &str| {
            let text = format!(
                r#"{{"Version": "{version}", "Statement": [{{"Effect": "Allow", "Principal": "*", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::b/*", "Condition": {cond}}}]}}"#
            );
            let out = crate::parse_policy(&text);
            analyze(out.policy.as_ref().expect("policy"))
        };
        for (version, cond) in [
            (
                "2012-10-17",
                r#"{"StringEquals": {"aws:SourceVpce": "vpce-*"}}"#,
            ),
            (
                "2012-10-17",
                r#"{"StringEquals": {"aws:SourceVpc": "vpc-${*}"}}"#,
            ),
            (
                "2008-10-17",
                r#"{"StringEquals": {"aws:SourceVpce": "${aws:username}"}}"#,
            ),
        ] {
            let pa = allow(version, cond);
            assert_eq!(pa.read.verdict, Verdict::Public, "{cond}");
        }
        let pa = allow(
            "2012-10-17",
            r#"{"StringEquals": {"aws:SourceVpce": "vpce-1a2b3c4d"}}"#,
        );
        assert_eq!(pa.read.verdict, Verdict::NotPublic);
    }

    #[test]
    fn an_account_compared_as_a_number_is_still_the_outsiders_own() {
        // The one account the policy trusts is no outsider's, whatever the operator.
        let deny = |op: &str, key: &str, value: &str| {
            run(&format!(
                r#"{ALLOW_GET}, {{"Effect": "Deny", "Principal": "*", "Action": "s3:*", "Resource": "*", "Condition": {{"{op}": {{"{key}": "{value}"}}}}}}"#
            ))
        };
        for (op, key, value) in [
            ("NumericNotEquals", "aws:PrincipalAccount", "111122223333"),
            ("NumericNotEquals", "aws:SourceAccount", "111122223333"),
        ] {
            // Anonymous callers carry no `aws:PrincipalAccount`: the negated operator holds.
            assert_eq!(
                deny(op, key, value).read.verdict,
                Verdict::NotPublic,
                "{op} {key}"
            );
        }
        let allow = |cond: &str| {
            run(&format!(
                r#"{{"Effect": "Allow", "Principal": "*", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::b/*", "Condition": {cond}}}"#
            ))
        };
        let pa = allow(r#"{"NumericEquals": {"aws:PrincipalAccount": "111122223333"}}"#);
        assert_eq!(pa.read.verdict, Verdict::NotPublic);
        // Accounts below a bound are an outsider's too: one of them is the witness.
        let pa = allow(r#"{"NumericLessThan": {"aws:PrincipalAccount": "500000000000"}}"#);
        assert_eq!(pa.read.verdict, Verdict::Public);
        let w = &pa.read.witnesses[0].request;
        let Some(CtxValue::One(acct)) = w.context.get("aws:principalaccount") else {
            panic!("{:?}", w.to_json())
        };
        assert!(acct.len() == 12 && acct.as_str() < "500000000000", "{acct}");
        assert_eq!(w.caller.account(), Some(acct.as_str()), "{:?}", w.to_json());
        // Compared as a date (epoch seconds), the witness still holds an account id.
        let pa = allow(r#"{"DateLessThan": {"aws:PrincipalAccount": "1970-01-02T00:00:00Z"}}"#);
        let w = &pa.read.witnesses[0].request;
        assert_eq!(
            w.context.get("aws:principalaccount"),
            Some(&CtxValue::One("000000000000".into())),
            "{:?}",
            w.to_json()
        );
    }

    #[test]
    fn keys_of_a_service_call_come_from_that_service() {
        // `aws:SourceArn` is only in a request a service sends for one of its resources:
        // the witness is CloudTrail, writing for the outsider's trail.
        let pa = run(
            r#"{"Effect": "Allow", "Principal": "*", "Action": "s3:PutObject", "Resource": "arn:aws:s3:::b/*", "Condition": {"ArnLike": {"aws:SourceArn": "arn:aws:cloudtrail:*:*:trail/*"}}}"#,
        );
        assert_eq!(pa.write.verdict, Verdict::Public);
        let w = &pa.write.witnesses[0].request;
        assert_eq!(
            w.caller,
            Caller::Service {
                name: "cloudtrail.amazonaws.com".into()
            },
            "{:?}",
            w.to_json()
        );
        assert_values(
            w,
            &[
                ("aws:principalisawsservice", "true"),
                ("aws:principalservicename", "cloudtrail.amazonaws.com"),
            ],
        );
        // Only `aws:SourceAccount`: the service another statement names sends it.
        let pa = run(
            r#"{"Effect": "Allow", "Principal": {"Service": "logging.s3.amazonaws.com"}, "Action": "s3:PutObject", "Resource": "arn:aws:s3:::b/logs/*", "Condition": {"StringEquals": {"aws:SourceAccount": "111122223333"}}}, {"Effect": "Allow", "Principal": "*", "Action": "s3:PutObject", "Resource": "arn:aws:s3:::b/*", "Condition": {"StringLike": {"aws:SourceAccount": "*"}}}"#,
        );
        let w = &pa.write.witnesses[0].request;
        assert_eq!(
            w.caller,
            Caller::Service {
                name: "logging.s3.amazonaws.com".into()
            },
            "{:?}",
            w.to_json()
        );
        // `{"AWS": "*"}` reaches no service: the witness stays what the search found.
        let pa = run(
            r#"{"Effect": "Allow", "Principal": {"AWS": "*"}, "Action": "s3:PutObject", "Resource": "arn:aws:s3:::b/*", "Condition": {"ArnLike": {"aws:SourceArn": "arn:aws:cloudtrail:*:*:trail/*"}}}"#,
        );
        let w = &pa.write.witnesses[0].request;
        assert!(
            !matches!(w.caller, Caller::Service { .. }),
            "{:?}",
            w.to_json()
        );
        // Everyone, if an AWS service: §6.7 calls it public (the service keys restrict
        // nothing), and so does the search, with a service's request as the witness.
        let svc = |cond: &str| {
            run(&format!(
                r#"{{"Effect": "Allow", "Principal": "*", "Action": "s3:PutObject", "Resource": "arn:aws:s3:::b/*", "Condition": {cond}}}"#
            ))
        };
        let pa = svc(r#"{"Bool": {"aws:PrincipalIsAWSService": "true"}}"#);
        assert_eq!(pa.write.verdict, Verdict::Public);
        let w = &pa.write.witnesses[0].request;
        assert!(
            matches!(&w.caller, Caller::Service { name } if name == "cloudtrail.amazonaws.com"),
            "{:?}",
            w.to_json()
        );
        let pa =
            svc(r#"{"StringEquals": {"aws:PrincipalServiceName": "logging.s3.amazonaws.com"}}"#);
        let w = &pa.write.witnesses[0].request;
        assert!(
            matches!(&w.caller, Caller::Service { name } if name == "logging.s3.amazonaws.com"),
            "{:?}",
            w.to_json()
        );
        // A fixed source account still pins it (§6.2).
        let pa = svc(
            r#"{"Bool": {"aws:PrincipalIsAWSService": "true"}, "StringEquals": {"aws:SourceAccount": "111122223333"}}"#,
        );
        assert_eq!(pa.write.verdict, Verdict::NotPublic);
        // A perimeter Deny that exempts AWS services leaves a public Allow public: the
        // witness is a service.
        let pa = run(
            r#"{"Effect": "Allow", "Principal": "*", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::b/*"}, {"Effect": "Deny", "Principal": "*", "Action": "s3:*", "Resource": "arn:aws:s3:::b/*", "Condition": {"StringNotEqualsIfExists": {"aws:PrincipalOrgID": "o-a1b2c3d4e5"}, "BoolIfExists": {"aws:PrincipalIsAWSService": "false"}}}"#,
        );
        assert_eq!(pa.read.verdict, Verdict::Public);
        let w = &pa.read.witnesses[0].request;
        assert!(
            matches!(w.caller, Caller::Service { .. }),
            "{:?}",
            w.to_json()
        );
        // `{"AWS": "*"}` with the service key: only requests no caller sends meet it
        // (§6.7 says public; no witness proves it), so it is unknown, never not-public.
        let pa = run(
            r#"{"Effect": "Allow", "Principal": {"AWS": "*"}, "Action": "s3:PutObject", "Resource": "arn:aws:s3:::b/*", "Condition": {"Bool": {"aws:PrincipalIsAWSService": "true"}}}"#,
        );
        assert_eq!(pa.write.verdict, Verdict::Unknown);
    }

    #[test]
    fn an_unknown_answer_names_the_part_that_cannot_be_evaluated() {
        let reasons = |statements: &str| run(statements).read.unknown.join("; ");
        // The Allow's own principal.
        let r = reasons(
            r#"{"Sid": "P", "Effect": "Allow", "Principal": {"AWS": ["arn:aws:iam:111122223333:root", "bob"]}, "Action": "s3:GetObject", "Resource": "*"}"#,
        );
        assert_eq!(r, "statement `P` cannot be evaluated: its `Principal` value `arn:aws:iam:111122223333:root` and 1 more are not valid principals (AWS would reject the policy)");
        // The Allow's condition: an unknown operator is named once, by the search.
        let r = reasons(
            r#"{"Sid": "C", "Effect": "Allow", "Principal": "*", "Action": "s3:GetObject", "Resource": "*", "Condition": {"StringEqualz": {"aws:SourceVpce": "vpce-1"}}}"#,
        );
        assert_eq!(r, "statement `C` cannot be evaluated: `StringEqualz` (on `aws:SourceVpce`) is not a condition operator AWS knows");
        // A broken element: both `Action` and `NotAction`.
        let r = reasons(
            r#"{"Sid": "B", "Effect": "Allow", "Principal": "*", "Action": "s3:GetObject", "NotAction": "s3:PutObject", "Resource": "*"}"#,
        );
        assert_eq!(
            r,
            "statement `B` cannot be evaluated: its `Action` is missing or invalid"
        );
        // A Deny that may or may not stop a public Allow.
        let r = reasons(&format!(
            r#"{ALLOW_GET}, {{"Sid": "D", "Effect": "Deny", "Principal": "*", "Action": "*", "Resource": "*", "Condition": {{"Null": {{"aws:SourceVpce": "yes"}}}}}}"#
        ));
        assert!(
            r.contains("whether statement `D` denies what `Get` allows cannot be told: `Null` on `aws:SourceVpce` takes only `true` or `false`"),
            "{r}"
        );
    }

    #[test]
    fn witness_values_have_the_shape_aws_gives_them() {
        let allow = |cond: &str| {
            format!(
                r#"{{"Effect": "Allow", "Principal": "*", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::b/*", "Condition": {cond}}}"#
            )
        };
        let witness_value = |statements: &str, key: &str| {
            let pa = run(statements);
            assert_eq!(pa.read.verdict, Verdict::Public, "{statements}");
            let w = pa.witnesses().next().unwrap().request.to_json();
            w["context"][key].as_str().unwrap().to_string()
        };
        // The search alone gives `o--` and `x`: an org id and an endpoint id instead.
        let org = allow(r#"{"StringLike": {"aws:PrincipalOrgID": "o-*"}}"#);
        assert_eq!(witness_value(&org, "aws:PrincipalOrgID"), "o-a1b2c3d4e5");
        let vpce = allow(r#"{"Null": {"aws:SourceVpce": "false"}}"#);
        assert_eq!(
            witness_value(&vpce, "aws:SourceVpce"),
            "vpce-0a1b2c3d4e5f67890"
        );
        // Keys compared with each other get the same new value.
        let pa = run(&allow(
            r#"{"StringEquals": {"aws:PrincipalOrgID": "${aws:ResourceOrgID}"}}"#,
        ));
        let w = pa.witnesses().next().unwrap().request.to_json();
        assert_eq!(w["context"]["aws:PrincipalOrgID"], "o-a1b2c3d4e5", "{w}");
        assert_eq!(w["context"]["aws:ResourceOrgID"], "o-a1b2c3d4e5", "{w}");
        // A value the policy names is not an outsider's: the next example is used.
        // (Allowed here, so only the outsider rule keeps it out.)
        let named = allow(r#"{"StringLike": {"aws:PrincipalOrgID": ["o-a1b2c3d4e5", "o-*"]}}"#);
        assert_eq!(witness_value(&named, "aws:PrincipalOrgID"), "o-k9x8w7v6u5");
        // Where no example fits the policy, the search's value stays.
        let narrow = allow(r#"{"StringLike": {"aws:PrincipalOrgID": "o-zz*"}}"#);
        assert!(witness_value(&narrow, "aws:PrincipalOrgID").starts_with("o-zz"));
        assert!(is_org_id("o-a1b2c3d4e5") && !is_org_id("o--") && !is_org_id("o-A1B2C3D4E5"));
        assert!(is_hex_id("vpce-0a1b2c3d", "vpce-") && !is_hex_id("vpce-1", "vpce-"));
    }

    #[test]
    fn witness_arns_get_a_region_and_a_name() {
        let acct = "999988887777";
        for (arn, want) in [
            (
                "arn:aws:iam::999988887777:role/",
                "arn:aws:iam::999988887777:role/outsider-role",
            ),
            (
                "arn:aws:kms::999988887777:key/",
                "arn:aws:kms:us-east-1:999988887777:key/1234abcd-12ab-34cd-56ef-1234567890ab",
            ),
            // Cut short, or with an empty account: the outsider's.
            (
                "arn:aws:kms:",
                "arn:aws:kms:us-east-1:999988887777:key/1234abcd-12ab-34cd-56ef-1234567890ab",
            ),
            ("arn:aws:sns:::t", "arn:aws:sns:us-east-1:999988887777:t"),
            // A bucket name the search left empty or cut at a separator.
            ("arn:aws:s3:::", "arn:aws:s3:::outsider-bucket"),
            ("arn:aws:s3:::logs-", "arn:aws:s3:::logs-outsider-bucket"),
            (
                "arn:aws:cloudfront::",
                "arn:aws:cloudfront::999988887777:distribution/EDFDVBD6EXAMPLE",
            ),
        ] {
            assert_eq!(fuller_arn(arn, acct).as_deref(), Some(want), "{arn}");
        }
        // Nothing empty, a global service's region, a bucket ARN, not an ARN: unchanged.
        for arn in [
            "arn:aws:iam::999988887777:role/r",
            "arn:aws:cloudfront::999988887777:distribution/E1",
            "arn:aws:s3:::b",
            "arn:aws:s3:::b/",
            "arn:",
            "o-a1b2c3d4e5",
        ] {
            assert_eq!(fuller_arn(arn, acct), None, "{arn}");
        }
        // The search leaves `role/` empty and the caller anonymous; with a role name
        // the witness comes from a session of that role, as a real request would.
        let pa = run(
            r#"{"Effect": "Allow", "Principal": "*", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::b/*", "Condition": {"ArnLike": {"aws:PrincipalArn": "arn:aws:iam::*:role/*"}}}"#,
        );
        let w = pa.witnesses().next().unwrap().request.to_json();
        let arn = w["context"]["aws:PrincipalArn"].as_str().unwrap();
        assert!(arn.ends_with(":role/outsider-role"), "{w}");
        assert!(
            w["principal"]
                .as_str()
                .unwrap()
                .ends_with(":assumed-role/outsider-role/outsider-session"),
            "{w}"
        );
        // A name the policy rules out stays as the search found it.
        let pa = run(
            r#"{"Effect": "Allow", "Principal": "*", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::b/*", "Condition": {"ArnLike": {"aws:PrincipalArn": "arn:aws:iam::*:role/*"}, "ArnNotLike": {"aws:PrincipalArn": "arn:aws:iam::*:role/outsider*"}}}"#,
        );
        let w = pa.witnesses().next().unwrap().request.to_json();
        assert!(
            !w["context"]["aws:PrincipalArn"]
                .as_str()
                .unwrap()
                .contains("outsider"),
            "{w}"
        );
    }

    #[test]
    fn a_variable_on_a_restricting_key_is_public_with_a_witness() {
        // Spec §6.2/§6.7: a value with `${` is not fixed, so these are public, and §6.8
        // must agree on a policy without Deny. The witness gives both keys one value.
        for (cond, key, var) in [
            (
                r#"{"StringEquals": {"aws:PrincipalAccount": "${aws:ResourceAccount}"}}"#,
                "aws:PrincipalAccount",
                "aws:ResourceAccount",
            ),
            (
                r#"{"StringEquals": {"aws:PrincipalOrgID": "${aws:ResourceOrgID}"}}"#,
                "aws:PrincipalOrgID",
                "aws:ResourceOrgID",
            ),
            (
                r#"{"StringEquals": {"aws:SourceVpce": "${aws:SourceVpc}"}}"#,
                "aws:SourceVpce",
                "aws:SourceVpc",
            ),
        ] {
            let pa = run(&format!(
                r#"{{"Effect": "Allow", "Principal": "*", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::b/*", "Condition": {cond}}}"#
            ));
            assert_eq!(
                verdicts(&pa),
                (Verdict::Public, Verdict::NotPublic),
                "{cond}"
            );
            let w = pa.witnesses().next().unwrap().request.to_json();
            let ctx = &w["context"];
            assert!(ctx[key].as_str().is_some_and(|v| !v.is_empty()), "{w}");
            // The variable's key in its documented spelling, holding the same value.
            assert_eq!(ctx[key], ctx[var], "{w}");
        }
        // Text around the variable: the account is read out of the ARN.
        let pa = run(
            r#"{"Effect": "Allow", "Principal": "*", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::b/*", "Condition": {"ArnLike": {"aws:SourceArn": "arn:aws:cloudfront::${aws:PrincipalAccount}:distribution/X"}}}"#,
        );
        assert_eq!(pa.read.verdict, Verdict::Public);
        let w = pa.witnesses().next().unwrap().request.to_json();
        let account = w["context"]["aws:PrincipalAccount"].as_str().unwrap();
        assert_eq!(
            w["context"]["aws:SourceArn"],
            format!("arn:aws:cloudfront::{account}:distribution/X").as_str(),
            "{w}"
        );
        // A fixed value keeps pinning.
        let pa = run(
            r#"{"Effect": "Allow", "Principal": "*", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::b/*", "Condition": {"StringEquals": {"aws:PrincipalAccount": "111122223333"}}}"#,
        );
        assert_eq!(pa.read.verdict, Verdict::NotPublic);
    }

    /// The tokens of a `StringLike` value under Version 2012-10-17.
    fn toks(text: &str) -> Vec<Tok> {
        crate::pattern::Pattern::new(
            text,
            crate::pattern::Syntax {
                wildcards: true,
                variables: true,
            },
        )
        .toks()
        .to_vec()
    }

    #[test]
    fn a_variable_is_read_out_of_a_matching_text() {
        let t = toks("arn:aws:iam::${aws:PrincipalAccount}:user/${aws:username}");
        let text = "arn:aws:iam::444455556666:user/alice";
        assert_eq!(
            var_capture(&t, text, "aws:principalaccount"),
            Some("444455556666")
        );
        assert_eq!(var_capture(&t, text, "aws:username"), Some("alice"));
        assert_eq!(
            var_capture(&t, "arn:aws:iam::4:role/alice", "aws:username"),
            None
        );
        // A wildcard before the variable, and the variable twice (both must agree).
        let t = toks("*/${aws:username}/${aws:username}");
        assert_eq!(var_capture(&t, "home/bob/bob", "aws:username"), Some("bob"));
        assert_eq!(var_capture(&t, "home/bob/eve", "aws:username"), None);
        // Two variables with nothing between them cannot be split.
        let t = toks("${aws:userid}${aws:username}");
        assert_eq!(var_capture(&t, "ab", "aws:username"), None);
    }

    #[test]
    fn two_variables_in_a_restricting_value_are_public_with_a_witness() {
        let pa = run(
            r#"{"Effect": "Allow", "Principal": "*", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::b/*", "Condition": {"StringEquals": {"aws:PrincipalArn": "arn:aws:iam::${aws:PrincipalAccount}:user/${aws:username}"}}}"#,
        );
        assert_eq!(pa.read.verdict, Verdict::Public);
    }

    #[test]
    fn a_deny_comparing_two_keys_is_escaped_by_giving_both_one_value() {
        // The Deny's condition reads two keys: it fails only when both are set, and
        // equal. The outsider chooses `aws:ResourceOrgID` like any key §6.8 does not
        // restrict, so the policy is public (and S3's own rule calls the Allow public).
        let deny = r#"{"Effect": "Deny", "Principal": "*", "Action": "s3:*", "Resource": "*", "Condition": {"StringNotEquals": {"aws:PrincipalOrgID": "${aws:ResourceOrgID}"}}}"#;
        let pa = run(&format!("{ALLOW_GET}, {deny}"));
        assert_eq!(pa.read.verdict, Verdict::Public);
        let w = pa.witnesses().next().unwrap().request.to_json();
        assert_eq!(
            w["context"]["aws:PrincipalOrgID"], w["context"]["aws:ResourceOrgID"],
            "{w}"
        );
        // The same Deny with a fixed organization pins.
        let fixed = deny.replace("${aws:ResourceOrgID}", "o-a1b2c3d4e5");
        assert_eq!(
            run(&format!("{ALLOW_GET}, {fixed}")).read.verdict,
            Verdict::NotPublic
        );
    }

    #[test]
    fn named_principals_are_not_public_and_say_why() {
        let pa = run(
            r#"{"Sid": "Partner", "Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::444455556666:role/Reader"}, "Action": "s3:GetObject", "Resource": "arn:aws:s3:::b/*"}"#,
        );
        assert_eq!(pa.verdict, Verdict::NotPublic);
        assert_eq!(pa.read.reasons[0].role, "restricted-by-principal");
        let cond = run(
            r#"{"Sid": "Vpce", "Effect": "Allow", "Principal": "*", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::b/*", "Condition": {"StringEquals": {"aws:SourceVpce": "vpce-1a2b"}}}"#,
        );
        assert_eq!(cond.verdict, Verdict::NotPublic);
        assert_eq!(cond.read.reasons[0].role, "restricted-by-condition");
    }

    #[test]
    fn identity_key_witnesses_get_a_matching_caller() {
        let pa = run(
            r#"{"Effect": "Allow", "Principal": "*", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::b/*", "Condition": {"ArnLike": {"aws:PrincipalArn": "arn:aws:iam::*:role/Reader"}}}"#,
        );
        assert_eq!(pa.read.verdict, Verdict::Public);
        let w = &pa.read.witnesses[0].request;
        let Caller::Aws(a) = &w.caller else {
            panic!("{:?}", w.to_json())
        };
        assert!(
            matches!(&a.kind, CallerKind::AssumedRole { role, .. } if role == "Reader"),
            "{:?}",
            w.to_json()
        );
    }

    #[test]
    fn an_unknown_s3_action_granted_to_outsiders_is_unknown_not_private() {
        let grant = |principal: &str, action: &str| {
            run(&format!(
                r#"{{"Effect": "Allow", "Principal": {principal}, "Action": {action}, "Resource": "arn:aws:s3:::b/*"}}"#
            ))
        };
        // A misspelling or an action newer than the catalogue: no level can be told.
        for action in [r#""s3:GetNewThing""#, r#""s3:GetNew*""#] {
            let pa = grant(r#""*""#, action);
            assert_eq!(pa.read.verdict, Verdict::Unknown, "{action}");
            assert_eq!(pa.write.verdict, Verdict::Unknown, "{action}");
            assert!(
                pa.write.unknown[0].contains("s3:GetNew"),
                "{:?}",
                pa.write.unknown
            );
        }
        // Next to a known read action: read is public (with its witness), write unknown.
        let pa = grant(r#""*""#, r#"["s3:GetObject", "s3:GetNewThing"]"#);
        assert_eq!(pa.read.verdict, Verdict::Public);
        assert_eq!(pa.write.verdict, Verdict::Unknown);
        // Granted to a named account only, or excluded by NotAction, or another
        // service's action: nothing unknown for outsiders.
        let pa = grant(r#"{"AWS": "111122223333"}"#, r#""s3:GetNewThing""#);
        assert_eq!(pa.verdict, Verdict::NotPublic);
        let pa = grant(r#""*""#, r#""ec2:RunInstances""#);
        assert_eq!(pa.verdict, Verdict::NotPublic);
        let pa = run(
            r#"{"Effect": "Allow", "Principal": "*", "NotAction": "s3:GetNewThing", "Resource": "arn:aws:s3:::b/*"}"#,
        );
        assert_eq!(
            (pa.read.verdict, pa.write.verdict),
            (Verdict::Public, Verdict::Public)
        );
    }

    #[test]
    fn source_bucket_arns_have_no_account_to_pin() {
        // `arn:aws:s3:::logs-*` reaches any outsider: bucket names are not an account,
        // and anyone can create `logs-outsider-bucket`.
        let allow = r#"{"Effect": "Allow", "Principal": "*", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::b/*"}"#;
        for policy in [
            r#"{"Effect": "Allow", "Principal": "*", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::b/*", "Condition": {"ArnLike": {"aws:SourceArn": "arn:aws:s3:::logs-*"}}}"#.to_string(),
            format!(
                r#"{allow}, {{"Effect": "Deny", "Principal": "*", "Action": "s3:*", "Resource": "arn:aws:s3:::b/*", "Condition": {{"ArnNotLike": {{"aws:SourceArn": "arn:aws:s3:::logs-*"}}}}}}"#
            ),
        ] {
            let pa = run(&policy);
            assert_eq!(pa.read.verdict, Verdict::Public, "{policy}");
            let w = &pa.read.witnesses[0].request;
            assert_eq!(
                w.context.get("aws:sourcearn"),
                Some(&CtxValue::One("arn:aws:s3:::logs-outsider-bucket".into())),
                "{:?}",
                w.to_json()
            );
        }
        // A fixed source bucket, and the policy's own bucket, are not the outsider's.
        for arn in ["arn:aws:s3:::my-logs", "arn:aws:s3:::b"] {
            let pa = run(&format!(
                r#"{{"Effect": "Allow", "Principal": "*", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::b/*", "Condition": {{"ArnLike": {{"aws:SourceArn": "{arn}"}}}}}}"#
            ));
            assert_eq!(pa.read.verdict, Verdict::NotPublic, "{arn}");
        }
    }

    #[test]
    fn userid_witnesses_come_from_the_caller_that_has_that_id() {
        // `*:bob` and `?*:bob`: a session `bob` of the outsider's role, whose id is
        // `ROLEID:bob` with a role id of the shape AWS gives. `*:*` (every session, of
        // any role or federated user): the pattern's shortest match `:` leaves the id and
        // the session to the outsider's, and is not spelled anew inside the resource's
        // colons.
        for (pat, session) in [
            ("*:bob", "bob"),
            ("?*:bob", "bob"),
            ("AROA*:bob", "bob"),
            ("*:*", "outsider-session"),
            ("*:?*", "outsider-session"),
        ] {
            let pa = run(&format!(
                r#"{{"Effect": "Allow", "Principal": "*", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::b/*", "Condition": {{"StringLike": {{"aws:userid": "{pat}"}}}}}}"#
            ));
            assert_eq!(pa.read.verdict, Verdict::Public, "{pat}");
            let w = &pa.read.witnesses[0].request;
            assert_eq!(
                w.context.get("aws:userid"),
                Some(&CtxValue::One(format!("{OUTSIDER_ROLE_ID}:{session}"))),
                "{pat}: {:?}",
                w.to_json()
            );
            let arn = format!("arn:aws:sts::999988887777:assumed-role/outsider-role/{session}");
            assert!(
                matches!(&w.caller, Caller::Aws(a) if a.arn == arn)
                    && w.resource.starts_with("arn:aws:s3:::b/"),
                "{pat}: {:?}",
                w.to_json()
            );
        }
        // A user's unique id comes from an IAM user.
        let pa = run(
            r#"{"Effect": "Allow", "Principal": "*", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::b/*", "Condition": {"StringLike": {"aws:userid": "AIDA*"}}}"#,
        );
        let w = &pa.read.witnesses[0].request;
        assert_eq!(
            w.context.get("aws:userid"),
            Some(&CtxValue::One(OUTSIDER_USER_ID.into()))
        );
        assert!(matches!(&w.caller, Caller::Aws(a) if a.arn.ends_with(":user/outsider")));
        // `anonymous` is every anonymous caller's id (spec §4): it pins nothing, and
        // the witness is an anonymous request.
        let pa = run(
            r#"{"Effect": "Allow", "Principal": "*", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::b/*", "Condition": {"StringEquals": {"aws:userid": "anonymous"}}}"#,
        );
        assert_eq!(pa.read.verdict, Verdict::Public);
        let w = &pa.read.witnesses[0].request;
        assert!(matches!(w.caller, Caller::Anonymous), "{:?}", w.to_json());
        // A `*` that `StringEquals` compares, or escaped as `${*}`, is a letter: the id
        // `*` is fixed, and no caller has it.
        for cond in [
            r#"{"StringEquals": {"aws:userid": "*"}}"#,
            r#"{"StringLike": {"aws:userid": "${*}:*"}}"#,
        ] {
            let pa = run(&format!(
                r#"{{"Effect": "Allow", "Principal": "*", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::b/*", "Condition": {cond}}}"#
            ));
            assert_eq!(pa.read.verdict, Verdict::NotPublic, "{cond}");
        }
        assert_eq!(fixed_prefix(&toks("AROAX:*")).as_deref(), Some("AROAX"));
        assert_eq!(fixed_prefix(&toks("AIDA*")), None);
        assert_eq!(fixed_prefix(&toks("${aws:PrincipalAccount}:*")), None);
    }

    #[test]
    fn keys_aws_does_not_set_are_absent_and_the_answer_says_so() {
        // A typo'd key: no request carries it, so the Allow grants nothing; not
        // `not-public`, as a key newer than the catalogue would be carried.
        let pa = run(
            r#"{"Effect": "Allow", "Principal": "*", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::b/*", "Condition": {"StringEquals": {"aws:SorceVpce": "vpce-1a2b3c4d"}}}"#,
        );
        assert_eq!(pa.read.verdict, Verdict::Unknown);
        assert!(
            pa.read
                .unknown
                .iter()
                .any(|u| u.contains("`aws:SorceVpce`") && u.contains("PC304")),
            "{:?}",
            pa.read.unknown
        );
        // Under a negated operator the absent key opens the statement: public, and the
        // witness does not carry the key.
        let pa = run(
            r#"{"Effect": "Allow", "Principal": "*", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::b/*", "Condition": {"StringNotEquals": {"aws:SorceVpce": "vpce-1a2b3c4d"}}}"#,
        );
        assert_eq!(pa.read.verdict, Verdict::Public);
        let w = &pa.read.witnesses[0].request;
        assert!(
            w.context.get("aws:SorceVpce").is_none(),
            "{:?}",
            w.to_json()
        );
        // Always-present keys are present.
        let pa = run(
            r#"{"Effect": "Allow", "Principal": "*", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::b/*", "Condition": {"Null": {"aws:SecureTransport": "true"}}}"#,
        );
        assert_eq!(pa.read.verdict, Verdict::NotPublic);
        let pa = run(
            r#"{"Effect": "Allow", "Principal": "*", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::b/*", "Condition": {"Null": {"aws:SourceIp": "true"}}}"#,
        );
        assert_eq!(pa.read.verdict, Verdict::Public, "through a VPC endpoint");
    }

    #[test]
    fn a_signed_witness_carries_the_principal_keys_the_policy_reads() {
        // Public read for `{"AWS": "*"}` next to a write pinned to one account by a
        // condition: a signed request always carries its ARN and account, so the witness
        // has the caller's own (before, the search dropped them and answered unknown).
        for (key, op, value) in [
            ("aws:PrincipalAccount", "StringEquals", "123456789012"),
            (
                "aws:PrincipalArn",
                "ArnEquals",
                "arn:aws:iam::123456789012:role/Writer",
            ),
        ] {
            let pa = run(&format!(
                r#"{{"Effect": "Allow", "Principal": {{"AWS": "*"}}, "Action": "s3:GetObject", "Resource": "arn:aws:s3:::b/*"}},
                   {{"Effect": "Allow", "Principal": "*", "Action": "s3:PutObject", "Resource": "arn:aws:s3:::b/*", "Condition": {{"{op}": {{"{key}": "{value}"}}}}}}"#
            ));
            assert_eq!(
                pa.read.verdict,
                Verdict::Public,
                "{key}: {:?}",
                pa.read.unknown
            );
            assert_eq!(pa.write.verdict, Verdict::NotPublic, "{key}");
            let w = &pa.read.witnesses[0].request;
            let Caller::Aws(a) = &w.caller else {
                panic!("{key}: {:?}", w.to_json());
            };
            let sent = match w.context.get(&key.to_ascii_lowercase()) {
                Some(CtxValue::One(v)) => v.clone(),
                other => panic!("{key}: {other:?}"),
            };
            assert_eq!(
                sent,
                if key == "aws:PrincipalAccount" {
                    a.account.clone()
                } else {
                    principal_arn_of(a)
                }
            );
            assert!(caller_keys_fit(w));
        }
    }

    #[test]
    fn both_readings_of_aws_star_are_taken() {
        const READ: &str = r#"{"Sid": "Read", "Effect": "Allow", "Principal": "*", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::b/*"}"#;
        let office = |principal: &str| {
            format!(
                r#"{READ}, {{"Sid": "Office", "Effect": "Deny", "Principal": {principal}, "Action": "s3:*", "Resource": "arn:aws:s3:::b/*", "Condition": {{"NotIpAddress": {{"aws:SourceIp": "203.0.113.0/24"}}}}}}"#
            )
        };
        // A Deny for `{"AWS": "*"}` stops anonymous callers only under IAM's reading:
        // under S3's they read from anywhere, and the witness says which reading.
        let pa = run(&office(r#"{"AWS": "*"}"#));
        assert_eq!(pa.verdict, Verdict::Public);
        let w = &pa.read.witnesses[0].request;
        assert!(matches!(w.caller, Caller::Anonymous), "{:?}", w.to_json());
        assert!(!w.aws_star_includes_anonymous);
        assert_eq!(w.to_json()["aws_star_includes_anonymous"], false);
        assert_eq!(pa.write.verdict, Verdict::NotPublic);
        // `"*"` covers them in both readings.
        let pa = run(&office(r#""*""#));
        assert_eq!(pa.verdict, Verdict::NotPublic);
        // Public under IAM's reading already: its witness, which needs no flag.
        let pa = run(&format!(
            r#"{READ}, {{"Effect": "Deny", "Principal": {{"AWS": "*"}}, "Action": "s3:*", "Resource": "arn:aws:s3:::b/*", "Condition": {{"Bool": {{"aws:SecureTransport": "false"}}}}}}"#
        ));
        assert_eq!(pa.read.verdict, Verdict::Public);
        assert!(pa.read.witnesses[0].request.aws_star_includes_anonymous);
        // An Allow to everyone but `{"AWS": "*"}`: nobody under IAM's reading, anonymous
        // callers under S3's.
        let pa = run(
            r#"{"Effect": "Allow", "NotPrincipal": {"AWS": "*"}, "Action": "s3:PutObject", "Resource": "arn:aws:s3:::b/*"}"#,
        );
        assert_eq!(pa.write.verdict, Verdict::Public);
        let w = &pa.write.witnesses[0].request;
        assert!(matches!(w.caller, Caller::Anonymous) && !w.aws_star_includes_anonymous);
        // New access: a Deny for `"*"` rewritten for `{"AWS": "*"}`.
        let policy = |principal: &str| {
            let text = format!(
                r#"{{"Version": "2012-10-17", "Statement": [{}]}}"#,
                office(principal)
            );
            parse_policy(&text).policy.unwrap()
        };
        let (new, old) = (policy(r#"{"AWS": "*"}"#), policy(r#""*""#));
        let pa = analyze_new_access(&new, &old, &Scope::Outsider);
        assert_eq!(pa.read.verdict, Verdict::Public);
        let w = &pa.read.witnesses[0].request;
        assert_eq!(eval::decide(&new, w), (Decision::Allow, true));
        assert_eq!(eval::decide(&old, w).0, Decision::ExplicitDeny);
        assert_eq!(
            analyze_new_access(&old, &new, &Scope::Outsider).verdict,
            Verdict::NotPublic
        );
    }

    #[test]
    fn witnesses_that_set_principal_keys_come_from_that_kind_of_caller() {
        // Anonymous requests carry no aws:username: the witness is an outsider's IAM user.
        let pa = run(
            r#"{"Effect": "Allow", "Principal": "*", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::b/home/${aws:username}/*"}"#,
        );
        assert_eq!(pa.read.verdict, Verdict::Public);
        let w = &pa.read.witnesses[0].request;
        let Some(CtxValue::One(name)) = w.context.get("aws:username") else {
            panic!("{:?}", w.to_json())
        };
        let Caller::Aws(a) = &w.caller else {
            panic!("{:?}", w.to_json())
        };
        assert!(
            matches!(&a.kind, CallerKind::User { name: n } if n == name),
            "{:?}",
            w.to_json()
        );
        assert_eq!(a.account, "999988887777");
        // aws:PrincipalType picks the kind of caller.
        for (ty, want) in [
            ("AssumedRole", ":assumed-role/"),
            ("Account", ":root"),
            ("User", ":user/"),
        ] {
            let pa = run(&format!(
                r#"{{"Effect": "Allow", "Principal": "*", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::b/*", "Condition": {{"StringEquals": {{"aws:PrincipalType": "{ty}"}}}}}}"#
            ));
            let w = &pa.read.witnesses[0].request;
            assert!(
                matches!(&w.caller, Caller::Aws(a) if a.arn.contains(want)),
                "{ty}: {:?}",
                w.to_json()
            );
        }
        // Organization keys: an IAM user of the outsider's account (in its own organization).
        let pa = run(
            r#"{"Effect": "Allow", "Principal": "*", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::b/*", "Condition": {"ForAnyValue:StringLike": {"aws:PrincipalOrgPaths": "o-a1b2c3d4e5/*"}}}"#,
        );
        let w = &pa.read.witnesses[0].request;
        assert!(
            matches!(&w.caller, Caller::Aws(a) if a.arn == "arn:aws:iam::999988887777:user/outsider"),
            "{:?}",
            w.to_json()
        );
        // A witness that needs no such key stays anonymous.
        let pa = run(
            r#"{"Effect": "Allow", "Principal": "*", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::b/*"}"#,
        );
        assert!(matches!(
            pa.read.witnesses[0].request.caller,
            Caller::Anonymous
        ));
    }

    #[test]
    fn a_principal_arn_has_the_shape_iam_gives_it() {
        let allow = |pattern: &str| {
            run(&format!(
                r#"{{"Effect": "Allow", "Principal": "*", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::b/*", "Condition": {{"StringLike": {{"aws:PrincipalArn": "{pattern}"}}}}}}"#
            ))
        };
        // The account is fixed: no principal ARN of another account matches (IAM names
        // hold no `:`, IAM ARNs no region), so `*` reaches no outsider.
        assert_eq!(
            allow("arn:aws:*::111122223333:*").read.verdict,
            Verdict::NotPublic
        );
        // A caller's kind is one AWS gives: no outsider is a service.
        let kind = |ty: &str| {
            run(&format!(
                r#"{{"Effect": "Allow", "Principal": "*", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::b/*", "Condition": {{"StringEquals": {{"aws:PrincipalType": "{ty}"}}}}}}"#
            ))
        };
        assert_eq!(kind("Service").read.verdict, Verdict::NotPublic);
        let pa = kind("FederatedUser");
        assert!(
            matches!(&pa.read.witnesses[0].request.caller, Caller::Aws(a) if a.arn.contains(":federated-user/")),
            "{:?}",
            pa.read.witnesses[0].request.to_json()
        );
        // Any account's `Reader` role: the witness is a session of the outsider's.
        let pa = allow("*:role/Reader");
        assert_eq!(pa.read.verdict, Verdict::Public);
        let w = &pa.read.witnesses[0].request;
        let Some(CtxValue::One(arn)) = w.context.get("aws:principalarn") else {
            panic!("{:?}", w.to_json())
        };
        assert!(
            arn.starts_with("arn:aws:iam::") && arn.ends_with(":role/Reader"),
            "{arn}"
        );
        assert!(
            matches!(&w.caller, Caller::Aws(a) if a.arn.contains(":assumed-role/Reader/")),
            "{:?}",
            w.to_json()
        );
    }

    #[test]
    fn witnesses_are_requests_aws_would_receive() {
        // `aws:PrincipalArn` present and outside one account: AWS sends it only with a
        // signed request, so the witness is an outsider's role session with its role's
        // ARN, not an anonymous request with an ARN that names nobody.
        let pa = run(
            r#"{"Effect": "Allow", "Principal": "*", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::b/*", "Condition": {"StringNotLike": {"aws:PrincipalArn": "arn:aws:iam::111122223333:role/*"}, "Null": {"aws:PrincipalArn": "false"}}}"#,
        );
        let w = &pa.read.witnesses[0].request;
        assert_eq!(
            w.context.get("aws:principalarn"),
            Some(&CtxValue::One(
                "arn:aws:iam::999988887777:role/outsider-role".into()
            )),
            "{:?}",
            w.to_json()
        );
        assert!(
            matches!(&w.caller, Caller::Aws(a) if a.arn == "arn:aws:sts::999988887777:assumed-role/outsider-role/outsider-session"),
            "{:?}",
            w.to_json()
        );
        // `{"AWS": "*"}`: anonymous callers get in only under IAM's reading (spec §9 row
        // 1), a signed outsider under both; the witness is the one both readings allow.
        let pa = run(
            r#"{"Effect": "Allow", "Principal": {"AWS": "*"}, "Action": "s3:GetObject", "Resource": "arn:aws:s3:::b/*"}"#,
        );
        let w = &pa.read.witnesses[0].request;
        assert!(
            matches!(&w.caller, Caller::Aws(a) if a.arn == "arn:aws:iam::999988887777:user/outsider"),
            "{:?}",
            w.to_json()
        );
        let policy = parse_policy(r#"{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Principal": {"AWS": "*"}, "Action": "s3:GetObject", "Resource": "arn:aws:s3:::b/*"}]}"#).policy.unwrap();
        let mut s3 = w.clone();
        s3.aws_star_includes_anonymous = false;
        assert_eq!(eval::decide(&policy, &s3), (Decision::Allow, true));
    }

    #[test]
    fn the_role_id_pattern_reading_is_a_choice() {
        let text = r#"{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Principal": "*", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::b/*", "Condition": {"StringLike": {"aws:userid": "AROAEXAMPLEROLEID:*"}}}]}"#;
        let policy = parse_policy(text).policy.unwrap();
        // Default (spec §6.2): every session of one role pins the caller.
        assert_eq!(analyze(&policy).read.verdict, Verdict::NotPublic);
        // The other reading: the pattern is not a fixed value.
        let strict = AnalysisOptions {
            userid_role_pattern_pins: false,
        };
        let pa = analyze_with(&policy, strict);
        assert_eq!(pa.read.verdict, Verdict::Public);
        let w = &pa.read.witnesses[0].request;
        assert!(
            matches!(w.context.get("aws:userid"), Some(CtxValue::One(v)) if v.starts_with("AROAEXAMPLEROLEID:")),
            "{:?}",
            w.to_json()
        );
        assert_eq!(eval::decide(&policy, w), (Decision::Allow, true));
        // A fixed user id pins under both readings.
        let fixed = parse_policy(&text.replace("AROAEXAMPLEROLEID:*", "AIDAEXAMPLEUSERID"))
            .policy
            .unwrap();
        assert_eq!(
            analyze_with(&fixed, strict).read.verdict,
            Verdict::NotPublic
        );
        assert!(is_role_id_pattern("AROAX:*"));
        assert!(
            !is_role_id_pattern(":*")
                && !is_role_id_pattern("AROA*:*")
                && !is_role_id_pattern("AROAX:a*")
        );
    }

    #[test]
    fn a_wildcard_after_a_whole_unique_id_pins_like_the_role_pattern() {
        let policy = |userid: &str| {
            parse_policy(&format!(
                r#"{{"Version": "2012-10-17", "Statement": [{{"Effect": "Allow", "Principal": "*", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::b/*", "Condition": {{"StringLike": {{"aws:userid": "{userid}"}}}}}}]}}"#
            ))
            .policy
            .unwrap()
        };
        // 21 characters, the length of AWS's unique ids: the role's own id and sessions
        // only; before, the witness was an outsider carrying this very id.
        let whole = policy("AROA3XFRBF535PLBIFPI4*");
        assert_eq!(analyze(&whole).read.verdict, Verdict::NotPublic);
        // Not a fixed value, so public under S3's reading, with a witness.
        let strict = AnalysisOptions {
            userid_role_pattern_pins: false,
        };
        assert_eq!(analyze_with(&whole, strict).read.verdict, Verdict::Public);
        // A shorter prefix may start other principals' ids: still public, and the
        // witness's id is not one the policy names.
        let pa = analyze(&policy("AROA3X*"));
        assert_eq!(pa.read.verdict, Verdict::Public);
        // So is a wildcard inside the id.
        assert_eq!(
            analyze(&policy("AROA3XFRBF535PLBIF?I4*")).read.verdict,
            Verdict::Public
        );
    }

    fn new_access(old: &str, new: &str, scope: &Scope) -> PublicAccess {
        let p = |st: &str| {
            parse_policy(&format!(
                r#"{{"Version": "2012-10-17", "Statement": [{st}]}}"#
            ))
            .policy
            .unwrap()
        };
        let (o, n) = (p(old), p(new));
        let pa = analyze_new_access(&n, &o, scope);
        for w in pa.witnesses() {
            assert_eq!(
                eval::decide(&n, &w.request),
                (Decision::Allow, true),
                "not allowed by new: {:?}",
                w.request.to_json()
            );
            assert_ne!(
                eval::decide(&o, &w.request).0,
                Decision::Allow,
                "allowed by old: {:?}",
                w.request.to_json()
            );
        }
        pa
    }

    /// A narrow `aws:SourceIp` range keeps outsiders out (spec §6.8), not a named
    /// account's callers or a service, which may send from it: a grant to an account
    /// limited to its office range is new access for that account (a review found it
    /// invisible to `diff`, added or removed).
    #[test]
    fn a_narrow_address_range_pins_outsiders_only() {
        let read = r#"{"Sid": "Read", "Effect": "Allow", "Principal": {"AWS": "444455556666"}, "Action": "s3:GetObject", "Resource": "arn:aws:s3:::b/*"}"#;
        let office = r#"{"Sid": "Office", "Effect": "Allow", "Principal": {"AWS": "444455556666"}, "Action": "s3:PutObject", "Resource": "arn:aws:s3:::b/*", "Condition": {"IpAddress": {"aws:SourceIp": "203.0.113.0/24"}}}"#;
        let both = format!("{read}, {office}");
        let account = Scope::Account("444455556666".into());
        let pa = new_access(read, &both, &account);
        assert_eq!(pa.write.verdict, Verdict::Public, "{:?}", pa.write);
        let w = &pa.write.witnesses[0].request;
        assert!(
            matches!(w.context.get("aws:sourceip"), Some(CtxValue::One(a)) if a.starts_with("203.0.113.")),
            "{:?}",
            w.to_json()
        );
        assert_eq!(
            new_access(&both, read, &account).write.verdict,
            Verdict::NotPublic
        );
        // Outsiders: still pinned out by the narrow range.
        assert_eq!(
            new_access(read, &both, &Scope::Outsider).verdict,
            Verdict::NotPublic
        );
        let public_office = office.replace(r#"{"AWS": "444455556666"}"#, r#""*""#);
        assert_eq!(
            new_access(read, &format!("{read}, {public_office}"), &Scope::Outsider).verdict,
            Verdict::NotPublic
        );
    }

    #[test]
    fn diff_finds_what_a_change_opens() {
        let vpce = r#"{"Sid": "Vpce", "Effect": "Allow", "Principal": "*", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::b/*", "Condition": {"StringEquals": {"aws:SourceVpce": "vpce-1"}}}"#;
        let open = r#"{"Sid": "Open", "Effect": "Allow", "Principal": "*", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::b/*"}"#;
        // A condition dropped: new public read.
        let pa = new_access(vpce, open, &Scope::Outsider);
        assert_eq!(pa.read.verdict, Verdict::Public);
        assert_eq!(pa.read.witnesses[0].granted_by, "Open");
        // The other way round: nothing new.
        assert_eq!(
            new_access(open, vpce, &Scope::Outsider).verdict,
            Verdict::NotPublic
        );
        // Equivalent rewrites: reordered, split, wildcard vs expanded list.
        let get_star = r#"{"Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::444455556666:root"}, "Action": "s3:Get*", "Resource": "arn:aws:s3:::b/*"}"#;
        let expanded_actions: Vec<String> = catalog::S3_ACTIONS
            .iter()
            .filter(|a| a.name.starts_with("Get"))
            .map(|a| format!("\"{}\"", a.full_name()))
            .collect();
        let expanded = format!(
            r#"{{"Effect": "Allow", "Principal": {{"AWS": "444455556666"}}, "Action": [{}], "Resource": "arn:aws:s3:::b/*"}}"#,
            expanded_actions.join(", ")
        );
        for scope in [Scope::Outsider, Scope::Account("444455556666".into())] {
            assert_eq!(
                new_access(get_star, &expanded, &scope).verdict,
                Verdict::NotPublic,
                "{scope:?}"
            );
            assert_eq!(
                new_access(&expanded, get_star, &scope).verdict,
                Verdict::NotPublic,
                "{scope:?}"
            );
        }
        // A Deny removed: found even though the new policy never reads the Deny's key.
        let deny = r#"{"Effect": "Deny", "Principal": "*", "Action": "s3:*", "Resource": "*", "Condition": {"StringEquals": {"aws:Referer": "bad"}}}"#;
        let pa = new_access(&format!("{open}, {deny}"), open, &Scope::Outsider);
        assert_eq!(pa.read.verdict, Verdict::Public);
        assert_eq!(
            pa.read.witnesses[0].request.context.get("aws:referer"),
            Some(&CtxValue::One("bad".into()))
        );
        // Adding only Denys never opens anything.
        assert_eq!(
            new_access(open, &format!("{open}, {deny}"), &Scope::Outsider).verdict,
            Verdict::NotPublic
        );
        // A principal widened from one role to its whole account: new for that account, not public.
        let role = r#"{"Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::444455556666:role/Reader"}, "Action": "s3:GetObject", "Resource": "arn:aws:s3:::b/*"}"#;
        let acct = r#"{"Effect": "Allow", "Principal": {"AWS": "444455556666"}, "Action": "s3:GetObject", "Resource": "arn:aws:s3:::b/*"}"#;
        assert_eq!(
            new_access(role, acct, &Scope::Outsider).verdict,
            Verdict::NotPublic
        );
        let pa = new_access(role, acct, &Scope::Account("444455556666".into()));
        assert_eq!(pa.read.verdict, Verdict::Public);
        // An IP range widened past /8 becomes public.
        let narrow = r#"{"Effect": "Allow", "Principal": "*", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::b/*", "Condition": {"IpAddress": {"aws:SourceIp": "203.0.113.0/24"}}}"#;
        let wide = r#"{"Effect": "Allow", "Principal": "*", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::b/*", "Condition": {"IpAddress": {"aws:SourceIp": "0.0.0.0/1"}}}"#;
        assert_eq!(
            new_access(narrow, wide, &Scope::Outsider).read.verdict,
            Verdict::Public
        );
    }

    #[test]
    fn keys_s3_does_not_send_with_an_action_are_absent_from_its_requests() {
        // `s3:prefix` is sent only with ListBucket(Versions): an Allow of GetObject that
        // requires it grants nothing (it used to be "public" with a GetObject witness
        // carrying `s3:prefix`, a request S3 never makes).
        let pa = run(
            r#"{"Effect": "Allow", "Principal": "*", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::b/*", "Condition": {"StringLike": {"s3:prefix": "public/*"}}}"#,
        );
        assert_eq!(verdicts(&pa), (Verdict::NotPublic, Verdict::NotPublic));
        // The same condition on both actions: listing is public, with the prefix.
        let pa = run(
            r#"{"Effect": "Allow", "Principal": "*", "Action": ["s3:GetObject", "s3:ListBucket"], "Resource": ["arn:aws:s3:::b", "arn:aws:s3:::b/*"], "Condition": {"StringLike": {"s3:prefix": "public/*"}}}"#,
        );
        assert_eq!(pa.read.verdict, Verdict::Public);
        for w in pa.witnesses() {
            assert_eq!(
                w.request.action,
                "s3:ListBucket",
                "{:?}",
                w.request.to_json()
            );
            assert!(w.request.context.contains("s3:prefix"));
        }
        // A negated condition on a key the action never carries always holds: this Deny
        // closes GetObject, whatever value the search might have tried.
        let pa = run(
            r#"{"Effect": "Allow", "Principal": "*", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::b/*"}, {"Effect": "Deny", "Principal": "*", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::b/*", "Condition": {"StringNotEquals": {"s3:max-keys": "10"}}}"#,
        );
        assert_eq!(pa.read.verdict, Verdict::NotPublic);
        // GetObject* on a version id: public through GetObjectVersion, never GetObject.
        let pa = run(
            r#"{"Effect": "Allow", "Principal": "*", "Action": "s3:GetObject*", "Resource": "arn:aws:s3:::b/*", "Condition": {"StringEquals": {"s3:versionid": "v1"}}}"#,
        );
        assert_eq!(pa.read.verdict, Verdict::Public);
        for w in pa.witnesses() {
            let action = catalog::s3_action_index(&w.request.action).unwrap();
            assert!(
                catalog::key_carried_by("s3:versionid", action),
                "{:?}",
                w.request.to_json()
            );
        }
        // A tag family by its prefix: uploads carry no existing object tag.
        let pa = run(
            r#"{"Effect": "Allow", "Principal": "*", "Action": "s3:PutObject", "Resource": "arn:aws:s3:::b/*", "Condition": {"StringEquals": {"s3:ExistingObjectTag/public": "yes"}}}"#,
        );
        assert_eq!(pa.write.verdict, Verdict::NotPublic);
    }

    #[test]
    fn every_granting_statement_is_named() {
        // One witness per finer level: `Versions` has none, but it grants too.
        let pa = run(
            r#"{"Sid": "Objects", "Effect": "Allow", "Principal": "*", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::b/*"}, {"Sid": "Versions", "Effect": "Allow", "Principal": "*", "Action": "s3:GetObjectVersion", "Resource": "arn:aws:s3:::b/*"}, {"Sid": "Private", "Effect": "Allow", "Principal": {"AWS": "111122223333"}, "Action": "s3:PutObject", "Resource": "arn:aws:s3:::b/*"}"#,
        );
        assert_eq!(pa.read.witnesses.len(), 1);
        let mut by = pa.read.granted_by.clone();
        by.sort_unstable();
        assert_eq!(by, [0, 1]);
        assert!(pa.write.granted_by.is_empty());
        assert_eq!(pa.write.verdict, Verdict::NotPublic);
    }

    #[test]
    fn witness_values_have_their_keys_type() {
        // The values of `k` in the witnesses that carry it.
        let ctx = |pa: &PublicAccess, k: &str| -> Vec<String> {
            pa.witnesses()
                .filter_map(|w| match w.request.context.get(k) {
                    Some(CtxValue::One(v)) => Some(v.clone()),
                    _ => None,
                })
                .collect()
        };
        // Keys read only by `Null`: present, with a value of their type, not a fresh `x`.
        let pa = run(
            r#"{"Effect": "Allow", "Principal": "*", "Action": "s3:ListBucket", "Resource": "arn:aws:s3:::b", "Condition": {"Null": {"s3:max-keys": "false"}}}, {"Effect": "Allow", "Principal": "*", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::b/*", "Condition": {"Null": {"aws:CurrentTime": "false", "aws:EpochTime": "false"}}}"#,
        );
        assert_eq!(ctx(&pa, "s3:max-keys"), ["1000"]);
        assert_eq!(ctx(&pa, "aws:currenttime"), ["2026-01-01T12:00:00Z"]);
        assert_eq!(ctx(&pa, "aws:epochtime"), ["1767268800"]);
        // HTTP denied by `Null` on the TLS version: an HTTPS witness with a real version.
        let pa = run(
            r#"{"Effect": "Allow", "Principal": "*", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::b/*"}, {"Effect": "Deny", "Principal": "*", "Action": "s3:*", "Resource": "arn:aws:s3:::b/*", "Condition": {"Null": {"s3:TlsVersion": "true"}}}"#,
        );
        assert_eq!(ctx(&pa, "s3:tlsversion"), ["1.3"]);
        assert_eq!(ctx(&pa, "aws:securetransport"), ["true"]);
        // A typical value that would be denied is not used: the search's own value, of the
        // type, stays.
        let pa = run(
            r#"{"Effect": "Allow", "Principal": "*", "Action": "s3:ListBucket", "Resource": "arn:aws:s3:::b", "Condition": {"Null": {"s3:max-keys": "false"}}}, {"Effect": "Deny", "Principal": "*", "Action": "s3:*", "Resource": "arn:aws:s3:::b", "Condition": {"NumericGreaterThanEquals": {"s3:max-keys": "0"}}}"#,
        );
        assert_eq!(pa.read.verdict, Verdict::Public);
        let max_keys = ctx(&pa, "s3:max-keys");
        assert!(!max_keys.is_empty());
        for v in max_keys {
            let zero = Decimal::parse("0");
            assert!(Decimal::parse(&v).is_some_and(|d| Some(d) < zero), "{v}");
        }
    }

    #[test]
    fn witnesses_carry_a_tls_version_exactly_over_tls() {
        let tls_of = |pa: &PublicAccess| -> Vec<(Option<String>, Option<String>)> {
            let one = |w: &Witness, k: &str| match w.request.context.get(k) {
                Some(CtxValue::One(v)) => Some(v.clone()),
                _ => None,
            };
            pa.witnesses()
                .map(|w| (one(w, "aws:securetransport"), one(w, "s3:tlsversion")))
                .collect()
        };
        // HTTPS only, TLS 1.2 at least: the witness is an HTTPS request with a version
        // (the search alone left the version out, which only HTTP requests do).
        let pa = run(
            r#"{"Effect": "Allow", "Principal": "*", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::b/*"}, {"Effect": "Deny", "Principal": "*", "Action": "s3:*", "Resource": "arn:aws:s3:::b/*", "Condition": {"Bool": {"aws:SecureTransport": "false"}}}, {"Effect": "Deny", "Principal": "*", "Action": "s3:*", "Resource": "arn:aws:s3:::b/*", "Condition": {"NumericLessThan": {"s3:TlsVersion": "1.2"}}}"#,
        );
        assert_eq!(pa.read.verdict, Verdict::Public);
        for (https, version) in tls_of(&pa) {
            assert_eq!(https.as_deref(), Some("true"));
            assert!(version.is_some_and(|v| v == "1.3" || v == "1.2"));
        }
        // Only a TLS floor: a plain HTTP request (no version) gets in, and says it is HTTP.
        let pa = run(
            r#"{"Effect": "Allow", "Principal": "*", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::b/*"}, {"Effect": "Deny", "Principal": "*", "Action": "s3:*", "Resource": "arn:aws:s3:::b/*", "Condition": {"NumericLessThan": {"s3:TlsVersion": "1.2"}}}"#,
        );
        assert_eq!(pa.read.verdict, Verdict::Public);
        for (https, version) in tls_of(&pa) {
            assert_eq!(https.is_some_and(|h| h == "true"), version.is_some());
        }
        // Over TLS only, but every request with a TLS version denied: nothing real is
        // left. The search cannot show that exhaustively; it never says not-public.
        let pa = run(
            r#"{"Effect": "Allow", "Principal": "*", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::b/*", "Condition": {"Bool": {"aws:SecureTransport": "true"}}}, {"Effect": "Deny", "Principal": "*", "Action": "s3:*", "Resource": "arn:aws:s3:::b/*", "Condition": {"Null": {"s3:TlsVersion": "false"}}}"#,
        );
        assert_eq!(pa.read.verdict, Verdict::Unknown);
        // And the unknown says why: it is the pairing, not an operator it cannot evaluate.
        // (From a real-world policy: allowed without a TLS version, denied over HTTP.)
        let pa = run(
            r#"{"Sid": "R", "Effect": "Allow", "Principal": "*", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::b/*", "Condition": {"Null": {"s3:TlsVersion": "true"}}}, {"Effect": "Deny", "Principal": "*", "Action": "s3:*", "Resource": "arn:aws:s3:::b/*", "Condition": {"Bool": {"aws:SecureTransport": "false"}}}"#,
        );
        assert_eq!(pa.read.verdict, Verdict::Unknown);
        assert_eq!(
            pa.read.unknown,
            ["statement `R` lets in only requests that pair `aws:SecureTransport` and `s3:TlsVersion` as S3 never does (HTTPS without a TLS version, or HTTP with one)"]
        );
    }

    #[test]
    fn numeric_and_date_conditions_are_reasoned_about() {
        // Allowed before a date, denied when max-keys > 100: an outsider picks an early date and 100 keys.
        let pa = run(
            r#"{"Effect": "Allow", "Principal": "*", "Action": "s3:ListBucket", "Resource": "arn:aws:s3:::b", "Condition": {"DateLessThan": {"aws:CurrentTime": "2030-01-01T00:00:00Z"}}}, {"Effect": "Deny", "Principal": "*", "Action": "*", "Resource": "*", "Condition": {"NumericGreaterThan": {"s3:max-keys": "100"}}}"#,
        );
        assert_eq!(pa.read.verdict, Verdict::Public);
        // Contradiction across an Allow and a Deny on the same number: nothing left.
        let none = run(
            r#"{"Effect": "Allow", "Principal": "*", "Action": "s3:ListBucket", "Resource": "arn:aws:s3:::b", "Condition": {"NumericLessThan": {"s3:max-keys": "10"}}}, {"Effect": "Deny", "Principal": "*", "Action": "*", "Resource": "*", "Condition": {"NumericLessThanEquals": {"s3:max-keys": "50"}}}"#,
        );
        assert_eq!(none.read.verdict, Verdict::NotPublic);
    }

    #[test]
    fn ignore_case_on_an_endpoint_id_pins_like_string_equals() {
        // Spec §6.2: `StringEqualsIgnoreCase` with a fixed `aws:SourceVpce` restricts; §6.8
        // agrees with it on a policy without Deny (no outsider owns `VPCE-1A2B3C4D`).
        let allow = |op: &str, value: &str| {
            format!(
                r#"{{"Effect": "Allow", "Principal": "*", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::b/*", "Condition": {{"{op}": {{"aws:SourceVpce": "{value}"}}}}}}"#
            )
        };
        for (op, value) in [
            ("StringEqualsIgnoreCase", "VPCE-1a2b3c4d"),
            ("StringEqualsIgnoreCase", "vpce-1a2b3c4d"),
            ("StringEquals", "vpce-1a2b3c4d"),
        ] {
            let pa = run(&allow(op, value));
            assert_eq!(pa.read.verdict, Verdict::NotPublic, "{op} {value}");
        }
        // The same through a Deny: every spelling of the endpoint is the policy's own.
        let deny = r#"{"Effect": "Deny", "Principal": "*", "Action": "s3:*", "Resource": "*", "Condition": {"StringNotEqualsIgnoreCase": {"aws:SourceVpce": "VPCE-1"}}}"#;
        let pa = run(&format!("{ALLOW_GET}, {deny}"));
        assert_eq!(pa.read.verdict, Verdict::NotPublic);
        // A case-sensitive Deny pins too (only `VPCE-1` itself passes it).
        let deny_cs = deny.replace("StringNotEqualsIgnoreCase", "StringNotEquals");
        let pa = run(&format!("{ALLOW_GET}, {deny_cs}"));
        assert_eq!(pa.read.verdict, Verdict::NotPublic);
        // A pattern is not a fixed value, whatever the case rule.
        let pa = run(&allow("StringLike", "vpce-*"));
        assert_eq!(pa.read.verdict, Verdict::Public);
    }

    #[test]
    fn no_object_has_an_empty_key() {
        // Every key but the empty one is denied: S3 has no object with an empty key, so
        // nothing is left (the witness was `arn:aws:s3:::b/`).
        let pa = run(&format!(
            r#"{ALLOW_GET}, {{"Effect": "Deny", "Principal": "*", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::b/?*"}}"#
        ));
        assert_eq!(pa.read.verdict, Verdict::NotPublic);
        // A one-character key is a key; the usual readable one where any key will do.
        let pa = run(
            r#"{"Effect": "Allow", "Principal": "*", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::b/?"}"#,
        );
        let w = &pa.read.witnesses[0].request;
        assert_eq!(
            w.resource.chars().count(),
            "arn:aws:s3:::b/".len() + 1,
            "{}",
            w.resource
        );
        let pa = run(ALLOW_GET);
        assert_eq!(
            pa.read.witnesses[0].request.resource,
            "arn:aws:s3:::b/example-object.txt"
        );
    }

    #[test]
    fn ignore_case_on_a_unique_id_pins_every_spelling_of_it() {
        // A fixed `aws:userid` compared ignoring case names every spelling of that id (and
        // of its sessions): no outsider owns `AIDAEXAMPLe`.
        for value in ["AIDAEXAMPLE", "AROAEXAMPLE:*"] {
            let pa = run(&format!(
                r#"{{"Effect": "Allow", "Principal": {{"AWS": "*"}}, "Action": "s3:GetObject", "Resource": "arn:aws:s3:::b/*", "Condition": {{"StringEqualsIgnoreCase": {{"aws:userid": "{value}"}}}}}}"#
            ));
            assert_eq!(
                pa.read.verdict,
                Verdict::NotPublic,
                "{value}: {:?}",
                pa.read.witnesses.first().map(|w| w.request.to_json())
            );
            let deny = format!(
                r#"{{"Effect": "Deny", "Principal": "*", "Action": "s3:*", "Resource": "*", "Condition": {{"StringNotEqualsIgnoreCase": {{"aws:userid": "{value}"}}}}}}"#
            );
            let pa = run(&format!("{ALLOW_GET}, {deny}"));
            assert_eq!(pa.read.verdict, Verdict::NotPublic, "Deny {value}");
        }
        // An Allow for every id but that one lets the outsider in.
        let pa = run(
            r#"{"Effect": "Allow", "Principal": {"AWS": "*"}, "Action": "s3:GetObject", "Resource": "arn:aws:s3:::b/*", "Condition": {"StringNotEqualsIgnoreCase": {"aws:userid": "AIDAEXAMPLE"}}}"#,
        );
        assert_eq!(pa.read.verdict, Verdict::Public);
    }

    /// An Allow whose `Resource` has a variable (its keys cannot all be enumerated) next
    /// to a Deny that refuses every outsider request on the Allow's resources: not public,
    /// not "unknown". A Deny that leaves some request, or some resource, open decides
    /// nothing this way.
    #[test]
    fn a_deny_that_closes_the_allows_resources_decides_a_variable_resource() {
        let home = r#"{"Sid": "Home", "Effect": "Allow", "Principal": "*", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::b/home/${aws:username}/*"}"#;
        let verdict = |resource: &str, condition: &str| {
            let deny = format!(
                r#"{{"Sid": "D", "Effect": "Deny", "Principal": "*", "Action": "s3:*", "Resource": {resource}{condition}}}"#
            );
            let pa = run(&format!("{home}, {deny}"));
            (pa.read.verdict, pa.read.unknown)
        };
        let vpce = r#", "Condition": {"StringNotEquals": {"aws:SourceVpce": "vpce-1a2b3c4d"}}"#;
        let closed = (Verdict::NotPublic, vec![]);
        assert_eq!(
            verdict(r#"["arn:aws:s3:::b", "arn:aws:s3:::b/*"]"#, vpce),
            closed
        );
        assert_eq!(verdict(r#""arn:aws:s3:::b/*""#, ""), closed);
        assert_eq!(verdict(r#""arn:aws:s3:::b/home/*""#, ""), closed);
        assert_eq!(
            verdict(
                r#""*""#,
                &vpce.replace("StringNotEquals", "StringNotEqualsIfExists")
            ),
            closed
        );
        // Open on other resources, or to requests over HTTPS: public (with a witness).
        assert_eq!(
            verdict(r#""arn:aws:s3:::b/pub/*""#, vpce).0,
            Verdict::Public
        );
        let tls = r#", "Condition": {"Bool": {"aws:SecureTransport": "false"}}"#;
        assert_eq!(verdict(r#""arn:aws:s3:::b/*""#, tls).0, Verdict::Public);
        assert_eq!(
            verdict(r#""arn:aws:s3:::b/home/*/x""#, "").0,
            Verdict::Public
        );
        // Any Deny pattern that includes the Allow's, not only a literal prefix and `*`.
        for resource in [
            r#""arn:aws:s3:::b/h?me/*""#,
            r#""arn:aws:s3:::b*/*/*""#,
            r#""arn:*:s3:::b/home/*""#,
            r#"["arn:aws:s3:::other/*", "arn:aws:s3:::?/home/*"]"#,
            // Items that cover it only together.
            r#"["arn:aws:s3:::b/home//*", "arn:aws:s3:::b/home/?*/*"]"#,
            r#"["arn:aws:s3:::b/home/?*", "arn:aws:s3:::b/home/"]"#,
        ] {
            assert_eq!(verdict(resource, ""), closed, "{resource}");
        }
        // Items that leave some names open: public, with a user the Deny misses.
        let (v, _) = verdict(
            r#"["arn:aws:s3:::b/home/a*", "arn:aws:s3:::b/home/b*"]"#,
            "",
        );
        assert_eq!(v, Verdict::Public);
        // A Deny item with the Allow's variables, in the same order, that includes it
        // piece by piece (the text before, between and after them): whatever the user
        // name, the Deny names the Allow's objects. Beside other items too.
        for resource in [
            r#""arn:aws:s3:::b/home/${aws:username}/*""#,
            r#""arn:aws:s3:::b/*/${aws:username}/*""#,
            r#"["arn:aws:s3:::other/*", "arn:aws:s3:::b/h?me/${aws:username}*"]"#,
        ] {
            assert_eq!(verdict(resource, ""), closed, "{resource}");
        }
        // Narrower, or on another variable: the Allow's `home/u/x` is not denied.
        for resource in [
            r#""arn:aws:s3:::b/home/${aws:username}/private/*""#,
            r#""arn:aws:s3:::b/home/${aws:userid}/*""#,
            r#""arn:aws:s3:::b/home/${aws:username}${aws:username}/*""#,
        ] {
            assert_ne!(verdict(resource, "").0, Verdict::NotPublic, "{resource}");
        }
        // A pattern that leaves an empty user name out, or a Deny item whose variable has
        // a default the Allow's lacks, is not read this way: still "unknown" (sound, not
        // proved; an absent user name makes the Allow match nothing, which this does
        // not reason about).
        for resource in [
            r#""arn:aws:s3:::b/home/?*/*""#,
            r#""arn:aws:s3:::b/home/${aws:username, 'guest'}/*""#,
        ] {
            let (v, unknown) = verdict(resource, "");
            assert_eq!(v, Verdict::Unknown, "{resource}");
            assert!(
                unknown
                    .iter()
                    .any(|u| u.contains("cannot be fully enumerated")),
                "{resource}"
            );
        }
    }

    /// Each (lower-cased key, value) is in the witness's context, as one value.
    fn assert_values(w: &Request, pairs: &[(&str, &str)]) {
        for &(k, v) in pairs {
            assert_eq!(
                w.context.get(k),
                Some(&CtxValue::One(v.into())),
                "{k} in {:?}",
                w.to_json()
            );
        }
    }

    /// A Deny that lets a user list only their own home folder still lets every IAM user
    /// of every account list theirs: public, with a user whose name the prefix spells (a
    /// pattern's shortest text, `home///`, names no IAM user and gave "unknown").
    #[test]
    fn a_home_folder_deny_is_public_to_any_named_user() {
        let pa = run(
            r#"{"Effect": "Allow", "Principal": "*", "Action": "s3:ListBucket", "Resource": "arn:aws:s3:::b"},
               {"Effect": "Deny", "Principal": "*", "Action": "s3:ListBucket", "Resource": "arn:aws:s3:::b",
                "Condition": {"StringNotLike": {"s3:prefix": "home/${aws:username}/*"}}}"#,
        );
        assert_eq!(pa.read.verdict, Verdict::Public, "{:?}", pa.read.unknown);
        let w = &pa.read.witnesses[0].request;
        assert_eq!(
            w.caller,
            Caller::parse("arn:aws:iam::999988887777:user/outsider").unwrap()
        );
        assert_values(
            w,
            &[
                ("s3:prefix", "home/outsider/"),
                ("aws:username", "outsider"),
            ],
        );
        // Pinned to one named user of the account: not public.
        let pa = run(
            r#"{"Effect": "Allow", "Principal": "*", "Action": "s3:ListBucket", "Resource": "arn:aws:s3:::b"},
               {"Effect": "Deny", "Principal": "*", "Action": "s3:ListBucket", "Resource": "arn:aws:s3:::b",
                "Condition": {"StringNotLike": {"s3:prefix": "home/${aws:username}/*"}}},
               {"Effect": "Deny", "Principal": "*", "Action": "s3:ListBucket", "Resource": "arn:aws:s3:::b",
                "Condition": {"StringNotEquals": {"aws:PrincipalArn": "arn:aws:iam::111122223333:user/alice"}}}"#,
        );
        assert_eq!(pa.read.verdict, Verdict::NotPublic, "{:?}", pa.read.unknown);
    }

    /// Bucket actions on a `Resource` whose literal text has a `/` after the bucket name:
    /// no bucket ARN matches it, whatever the variable, so not "unknown".
    #[test]
    fn bucket_actions_on_object_paths_with_variables_grant_nothing() {
        let verdict = |action: &str, resource: &str| {
            let pa = run(&format!(
                r#"{{"Effect": "Allow", "Principal": "*", "Action": "{action}", "Resource": "{resource}"}}"#
            ));
            (pa.read.verdict, pa.write.verdict)
        };
        let none = (Verdict::NotPublic, Verdict::NotPublic);
        assert_eq!(
            verdict("s3:PutBucketPolicy", "arn:aws:s3:::b/${aws:userid}/*"),
            none
        );
        assert_eq!(
            verdict("s3:ListBucket", "arn:aws:s3:::b/home/${aws:username}"),
            none
        );
        // Before the bucket name's end, or an object action: decided as before.
        let (_, write) = verdict("s3:PutBucketPolicy", "arn:aws:s3:::${aws:username}");
        assert_ne!(write, Verdict::NotPublic);
        let (read, _) = verdict("s3:GetObject", "arn:aws:s3:::b/${aws:userid}/*");
        assert_eq!(read, Verdict::Public);
    }

    #[test]
    fn date_witnesses_are_written_as_people_write_dates() {
        let date_of = |key: &str, value: &str| {
            let pa = run(&format!(
                r#"{{"Effect": "Allow", "Principal": "*", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::b/*", "Condition": {{"DateLessThan": {{"{key}": "{value}"}}}}}}"#
            ));
            assert_eq!(pa.read.verdict, Verdict::Public);
            let w = &pa.read.witnesses[0].request;
            match w.context.get(&key.to_ascii_lowercase()) {
                Some(CtxValue::One(v)) => v.clone(),
                other => panic!("{key} in the witness: {other:?}"),
            }
        };
        // ISO 8601, one second before the limit (the witness is checked by `run`).
        assert_eq!(
            date_of("aws:CurrentTime", "2030-01-01T00:00:00Z"),
            "2029-12-31T23:59:59Z"
        );
        // `aws:EpochTime` keeps its own spelling, epoch seconds.
        assert_eq!(date_of("aws:EpochTime", "1700000000"), "1699999999");
    }
}
