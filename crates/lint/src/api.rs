//! The JSON shapes of a lint report, shared by `policycheck lint --format json`, SARIF
//! and the web page, so all of them say the same thing. Version 1; adding fields is
//! compatible, removing or renaming one is not.

use crate::registry;
use crate::LintResult;
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
}

/// A witness with what it shows.
#[derive(Clone, Debug, Serialize)]
pub struct WitnessReport {
    /// The finer access level: `List`, `Read`, `Write`, `Permissions management`, `Tagging`.
    pub level: &'static str,
    /// The Allow statement that grants it (Sid or `#index`).
    pub granted_by: String,
    /// The request, in `policycheck eval --request` format.
    pub request: serde_json::Value,
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
    pub witnesses: Vec<serde_json::Value>,
    /// Per level: actions, witnesses with their levels, the statements responsible.
    pub details: AccessDetails,
}

#[derive(Clone, Debug, Serialize)]
pub struct AccessDetails {
    pub read: LevelReport,
    pub write: LevelReport,
}

/// The report for one file.
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
                request: w.request.to_json(),
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
        witnesses: a.witnesses().map(|w| w.request.to_json()).collect(),
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
            })
            .collect(),
    }
}

/// Lint a text and report it: the one entry point the web page uses.
pub fn lint_text(path: &str, text: &str, options: &crate::LintOptions) -> FileReport {
    let result = crate::lint(text, options);
    file_report(path, text, &result)
}
