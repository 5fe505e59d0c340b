//! `policycheck rules` and `policycheck explain CODE|NAME`: one source, the registry.

use clap::Args;
use policycheck_lint::{all_rules, find};
use std::process::ExitCode;

#[derive(Args, Debug)]
pub struct RulesArgs {
    /// Print the rules as JSON
    #[arg(long)]
    pub json: bool,
}

#[derive(Args, Debug)]
pub struct ExplainArgs {
    /// A rule code (PC101) or name (public-read)
    pub rule: String,
}

pub fn rules(args: &RulesArgs) -> ExitCode {
    if args.json {
        let list: Vec<serde_json::Value> = all_rules()
            .iter()
            .map(|r| {
                serde_json::json!({
                    "code": r.code(), "name": r.name(), "severity": r.code.severity.as_str(),
                    "summary": r.code.summary, "since": r.since, "url": r.url(),
                    "reported_by": if r.check.is_some() { "lint" } else { "parser" },
                })
            })
            .collect();
        outln!(
            "{}",
            serde_json::to_string_pretty(&list).unwrap_or_default()
        );
        return ExitCode::SUCCESS;
    }
    outln!("{:<6} {:<38} {:<8} SUMMARY", "CODE", "NAME", "LEVEL");
    for r in all_rules() {
        outln!(
            "{:<6} {:<38} {:<8} {}",
            r.code(),
            r.name(),
            r.code.severity.as_str(),
            r.code.summary
        );
    }
    outln!("\n`policycheck explain CODE` prints a rule's documentation.");
    ExitCode::SUCCESS
}

pub fn explain(args: &ExplainArgs) -> ExitCode {
    let request = &policycheck_core::request::INVALID_REQUEST;
    if args.rule.eq_ignore_ascii_case(request.code) || args.rule.eq_ignore_ascii_case(request.name)
    {
        // Not a policy rule (not in `rules` or SARIF): `eval`'s findings about its request.
        outln!(
            "# {} {}\n\n{}.\n\n`policycheck eval` reports it when the request file or flags cannot describe one\nrequest: not JSON, a missing or mistyped field, an unknown principal form, an action\npattern or unknown S3 action, a resource that is not an ARN. Fix the request;\n`policycheck eval --help` shows its format. Exit status 2.",
            request.code,
            request.name,
            request.summary
        );
        return ExitCode::SUCCESS;
    }
    match find(&args.rule) {
        Some(r) => {
            out!("{}", r.docs);
            if !r.docs.ends_with('\n') {
                outln!();
            }
            outln!(
                "\nDefault level: {}. Since {}. {}",
                r.code.severity.as_str(),
                r.since,
                r.url()
            );
            ExitCode::SUCCESS
        }
        None => {
            errln!(
                "error: `{}` is not a rule code or name (see `policycheck rules`)",
                args.rule
            );
            ExitCode::from(2)
        }
    }
}
