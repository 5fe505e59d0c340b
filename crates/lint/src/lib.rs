//! `policycheck-lint`: the rules, the public-access findings, and the report shape
//! shared by `policycheck lint --format json`, SARIF and the web page.
//!
//! `lint` parses a policy with `policycheck-core`, runs the public-access analysis
//! and every rule, and returns the diagnostics sorted by position.

pub mod api;
pub mod context;
pub mod diff;
pub mod registry;
pub mod rules;

pub use context::{LintContext, LintOptions};
pub use registry::{find, rules as all_rules, RuleMeta};

use policycheck_core::public::{analyze_in_bucket, analyze_with, PublicAccess, Verdict};
use policycheck_core::{parse_policy_bytes, Diagnostic, PolicyKind, Severity};

/// The version of the rule set (rules ship with the engine; each rule records the
/// release it came in, `RuleMeta::since`).
pub const RULES_VERSION: &str = env!("CARGO_PKG_VERSION");

/// Policies larger than this are checked for their grammar and size only (S3's own
/// limit is 20 KB): the semantic analysis is skipped and public access is `unknown`.
pub const MAX_ANALYSED_BYTES: usize = 256 * 1024;

/// The result of linting one policy text.
#[derive(Debug)]
pub struct LintResult {
    /// Parser and rule findings, sorted by position then code.
    pub diagnostics: Vec<Diagnostic>,
    /// The public-access answer; `None` when the text is not a policy at all.
    pub access: Option<PublicAccess>,
    /// Every statement's id, index and span (to attribute findings to statements).
    pub statements: Vec<StatementRef>,
}

/// Where a statement is, and how reports name it.
#[derive(Clone, Debug)]
pub struct StatementRef {
    pub index: usize,
    /// The Sid, or `#<index>`.
    pub id: String,
    pub sid: Option<String>,
    pub span: policycheck_core::Span,
}

impl LintResult {
    /// The statement whose span contains `span`, if any.
    pub fn statement_at(&self, span: policycheck_core::Span) -> Option<&StatementRef> {
        self.statements
            .iter()
            .find(|s| s.span.start <= span.start && span.end <= s.span.end)
    }
}

impl LintResult {
    pub fn has_errors(&self) -> bool {
        self.diagnostics
            .iter()
            .any(|d| d.severity == Severity::Error)
    }
}

/// Lint raw bytes (checked for UTF-8).
///
/// Every finding of a JSON document gets its JSON pointer (`Diagnostic::pointer`), from
/// the tree the parse built.
pub fn lint_bytes(bytes: &[u8], options: &LintOptions) -> LintResult {
    let Ok(text) = std::str::from_utf8(bytes) else {
        let parsed = parse_policy_bytes(bytes, PolicyKind::Resource);
        return lint_parsed(&parsed, bytes, options);
    };
    lint(text, options)
}

/// Lint a text (already UTF-8: not checked again).
pub fn lint(text: &str, options: &LintOptions) -> LintResult {
    policycheck_core::json::with_arena(text.len(), |arena| {
        let (tree, parsed) = policycheck_core::parse_policy_tree(text, arena, PolicyKind::Resource);
        let mut result = lint_parsed_sized(&parsed, text, text.len(), options);
        if let Some(tree) = &tree {
            for d in &mut result.diagnostics {
                d.pointer = Some(policycheck_core::json::pointer_at(tree, d.primary_span()).into());
            }
        }
        result
    })
}

/// [`lint_bytes`] on a policy already parsed from `bytes` (the simulator parses once
/// per keystroke and reuses the result for the lint, the request builder and the
/// evaluation).
pub fn lint_parsed(
    parsed: &policycheck_core::ParseOutput,
    bytes: &[u8],
    options: &LintOptions,
) -> LintResult {
    match std::str::from_utf8(bytes) {
        Ok(text) => lint_parsed_sized(parsed, text, text.len(), options),
        // Not UTF-8: the parse reported it; the rules see no text.
        Err(_) => lint_parsed_sized(parsed, "", bytes.len(), options),
    }
}

/// The lint of a parsed policy whose text (empty when it is not UTF-8) is `len` bytes.
fn lint_parsed_sized(
    parsed: &policycheck_core::ParseOutput,
    text: &str,
    len: usize,
    options: &LintOptions,
) -> LintResult {
    let mut diagnostics = parsed.diagnostics.clone();
    // With duplicate keys, AWS tools disagree on which copy wins: our reading of the
    // document is one of several. (Other errors are modelled as not-evaluable parts.)
    let ambiguous = diagnostics
        .iter()
        .any(|d| d.code == policycheck_core::codes::DUPLICATE_KEY.code);
    let too_big = len > MAX_ANALYSED_BYTES;
    let access = parsed.policy.as_ref().map(|policy| {
        if too_big {
            // Far past what S3 accepts: report the size (and the grammar), but do not run
            // the analysis or pairwise rules, whose cost grows faster than the input.
            let access = PublicAccess::unknown(&format!(
                "the policy is {} KB, too large to analyse (S3 accepts 20 KB; policycheck analyses up to {} KB)",
                len / 1024,
                MAX_ANALYSED_BYTES / 1024
            ));
            let ctx = LintContext::new(policy, text, &access, options);
            for rule in registry::rules().iter().filter(|r| matches!(r.code(), "PC103" | "PC310")) {
                if let Some(check) = rule.check {
                    check(&ctx, &mut diagnostics);
                }
            }
            return access;
        }
        let mut access = match &options.bucket {
            Some(bucket) => analyze_in_bucket(policy, options.analysis, bucket),
            None => analyze_with(policy, options.analysis),
        };
        if ambiguous {
            // Never let one reading of an ambiguous document look safe.
            for level in [&mut access.read, &mut access.write] {
                if level.verdict == Verdict::NotPublic {
                    level.verdict = Verdict::Unknown;
                    level
                        .unknown
                        .push("the policy has duplicate keys, so its meaning is ambiguous".into());
                }
            }
            if access.verdict == Verdict::NotPublic {
                access.verdict = Verdict::Unknown;
            }
        }
        let ctx = LintContext::new(policy, text, &access, options);
        for rule in registry::rules() {
            if let Some(check) = rule.check {
                check(&ctx, &mut diagnostics);
            }
        }
        access
    });
    policycheck_core::collections::sort_by(&mut diagnostics, |a, b| {
        a.primary_span()
            .cmp(&b.primary_span())
            .then(a.code.cmp(b.code))
    });
    let statements = parsed
        .policy
        .as_ref()
        .map(|p| {
            p.statements
                .iter()
                .map(|st| StatementRef {
                    index: st.index,
                    id: st.id(),
                    sid: st.sid.as_ref().map(|s| s.value.clone()),
                    span: st.span,
                })
                .collect()
        })
        .unwrap_or_default();
    LintResult {
        diagnostics,
        access,
        statements,
    }
}
