//! `policycheck diff OLD NEW` and `policycheck diff --base REV [PATHS]`: what access a
//! change adds (and removes), with witnesses.

use crate::commands::lint::{display_path, git_root, walk};
use crate::output::github::{escape_data, escape_property};
use crate::output::sarif::level;
use crate::render::{self, ColorChoice};
use clap::{Args, ValueEnum};
use policycheck_core::public::AnalysisOptions;
use policycheck_core::{parse_policy_bytes, LineIndex, Policy, PolicyKind, Severity};
use policycheck_lint::diff::{diff_with, empty_policy, Change, DiffReport};
use serde_json::json;
use std::path::PathBuf;
use std::process::{Command, ExitCode};

pub const AFTER_HELP: &str = "\
Reports, per access level (read, write) and caller class (public, each account the
policies name, each service principal), the access NEW allows that OLD does not, each
with a witness request NEW allows and OLD denies (checked with the evaluator), and the
statements of NEW responsible. Access removed is reported as information.

With --base REV, OLD comes from git (the file as of REV, `REV:PATH`) for every *.json file under
PATHS: a file added counts as new access from nothing, a deleted file as removed access.

The nearest policycheck.toml (or --config FILE) gives the analysis its readings of the spec
(`userid-role-pattern`), so `diff` and `lint` agree on what is public; its rules, levels and
file patterns are `lint`'s and do not apply here.

Exit status: 0 no new access at or above --fail-on-new; 1 new access; 2 could not run
(bad arguments, an unreadable or invalid OLD or NEW, an invalid config, git failing). Undecided public
access counts as new.";

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum DiffFormat {
    Text,
    Json,
    Sarif,
    Github,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum FailOnNew {
    /// New access for the public (anyone on the internet)
    Public,
    /// New access for any caller
    Any,
}

#[derive(Args, Debug)]
pub struct DiffArgs {
    /// OLD and NEW policy files; with --base, the files or directories to compare
    pub paths: Vec<String>,
    /// Compare the working tree with this git revision (e.g. origin/main)
    #[arg(long, value_name = "REV")]
    pub base: Option<String>,
    #[arg(long, short = 'f', value_enum, default_value_t = DiffFormat::Text)]
    pub format: DiffFormat,
    /// Which new access fails the run
    #[arg(long, value_enum, default_value_t = FailOnNew::Public)]
    pub fail_on_new: FailOnNew,
    /// Colour in text output
    #[arg(long, value_enum, default_value_t = ColorChoice::Auto)]
    pub color: ColorChoice,
    /// Use this config file instead of the nearest policycheck.toml (its
    /// `userid-role-pattern` applies, as in `lint`)
    #[arg(long, short = 'c', value_name = "FILE", conflicts_with = "no_config")]
    pub config: Option<PathBuf>,
    /// Ignore every policycheck.toml
    #[arg(long)]
    pub no_config: bool,
}

/// One compared file.
struct Pair {
    path: String,
    status: &'static str,
    new_text: String,
    report: DiffReport,
}

fn fail(msg: &str) -> ExitCode {
    errln!("error: {msg}");
    ExitCode::from(2)
}

/// Parse one side; print its errors (file, line, column) and give up on errors.
fn load(name: &str, bytes: &[u8], color: ColorChoice) -> Result<Policy, ()> {
    let parsed = parse_policy_bytes(bytes, PolicyKind::Resource);
    let errors: Vec<_> = parsed
        .diagnostics
        .iter()
        .filter(|d| d.severity == Severity::Error)
        .collect();
    if !errors.is_empty() || parsed.policy.is_none() {
        let text = String::from_utf8_lossy(bytes);
        let h = render::handler(render::use_color(color, render::stderr_is_tty()), 100);
        let index = policycheck_core::LineIndex::new(&text);
        for d in &errors {
            err!("{}", render::render_with(&h, name, &text, &index, d));
        }
        errln!("error: `{name}` is not a valid policy, so no difference can be computed");
        return Err(());
    }
    parsed.policy.ok_or(())
}

/// Diff each (slot, OLD, NEW) on every core; answers come back with their slot.
/// A worker that panicked is an error (exit 2), never a file with no new access.
fn diff_all(
    jobs: &[(usize, Policy, Policy)],
    options: AnalysisOptions,
) -> Result<Vec<(usize, DiffReport)>, String> {
    let workers = std::thread::available_parallelism()
        .map_or(1, std::num::NonZeroUsize::get)
        .min(jobs.len().max(1));
    let next = std::sync::atomic::AtomicUsize::new(0);
    std::thread::scope(|s| {
        let handles: Vec<_> = (0..workers)
            .map(|_| {
                s.spawn(|| {
                    let mut done = Vec::new();
                    loop {
                        let k = next.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                        let Some((slot, old, new)) = jobs.get(k) else {
                            break;
                        };
                        done.push((*slot, diff_with(old, new, options)));
                    }
                    done
                })
            })
            .collect();
        let mut all = Vec::with_capacity(jobs.len());
        for h in handles {
            all.extend(
                h.join()
                    .map_err(|_| "internal error: a diff worker failed".to_string())?,
            );
        }
        Ok(all)
    })
}

fn git(args: &[&str]) -> Result<Vec<u8>, String> {
    let out = Command::new("git")
        .args(args)
        .output()
        .map_err(|e| format!("cannot run git: {e}"))?;
    if out.status.success() {
        Ok(out.stdout)
    } else {
        Err(String::from_utf8_lossy(&out.stderr).trim().to_string())
    }
}

/// The contents of many `REV:./PATH` objects through one `git cat-file --batch` (one
/// process instead of one `git show` per file): `None` for a path missing at REV.
fn git_batch(names: &[String]) -> Result<Vec<Option<Vec<u8>>>, String> {
    use std::io::{Read, Write};
    let mut child = Command::new("git")
        .args(["cat-file", "--batch"])
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .map_err(|e| format!("cannot run git: {e}"))?;
    let mut stdin = child.stdin.take().ok_or("git cat-file: no stdin")?;
    let mut stdout = child.stdout.take().ok_or("git cat-file: no stdout")?;
    // Write the names from a thread while reading here: a full pipe would deadlock.
    let input: String = names.iter().map(|n| format!("{n}\n")).collect();
    let writer = std::thread::spawn(move || stdin.write_all(input.as_bytes()));
    let mut out = Vec::new();
    stdout
        .read_to_end(&mut out)
        .map_err(|e| format!("git cat-file: {e}"))?;
    let wrote = writer.join().map_err(|_| "git cat-file: writer failed")?;
    let status = child.wait().map_err(|e| format!("git cat-file: {e}"))?;
    if let Err(e) = wrote {
        return Err(format!("git cat-file: {e}"));
    }
    if !status.success() {
        return Err(format!("git cat-file exited with {status}"));
    }
    // Each answer: "<oid> <type> <size>\n<content>\n" or "<name> missing\n".
    let mut answers = Vec::with_capacity(names.len());
    let mut rest = out.as_slice();
    for name in names {
        let nl = rest
            .iter()
            .position(|b| *b == b'\n')
            .ok_or_else(|| format!("git cat-file: short answer for `{name}`"))?;
        let header = String::from_utf8_lossy(&rest[..nl]).into_owned();
        rest = &rest[nl + 1..];
        let fields: Vec<&str> = header.split(' ').collect();
        match fields.as_slice() {
            [_, "blob", size] => {
                let size: usize = size
                    .parse()
                    .map_err(|_| format!("git cat-file: bad header `{header}`"))?;
                let body = rest
                    .get(..size)
                    .ok_or_else(|| format!("git cat-file: short content for `{name}`"))?;
                answers.push(Some(body.to_vec()));
                rest = rest.get(size + 1..).unwrap_or(&[]);
            }
            [.., "missing"] | [.., "ambiguous"] => answers.push(None),
            // A directory or a submodule at that path: not a policy file at REV.
            [_, _, size] => {
                let size: usize = size.parse().unwrap_or(0);
                answers.push(None);
                rest = rest.get(size + 1..).unwrap_or(&[]);
            }
            _ => return Err(format!("git cat-file: unexpected answer `{header}`")),
        }
    }
    Ok(answers)
}

pub fn run(args: &DiffArgs) -> ExitCode {
    // The config's readings of the spec, as `lint` takes them (a bad config stops here).
    let cwd = std::env::current_dir().unwrap_or_default();
    let project = git_root(&cwd).unwrap_or_else(|| cwd.clone());
    let options =
        match crate::config::resolve(&cwd, &project, args.config.as_deref(), args.no_config) {
            Ok(l) => l.config.analysis(),
            Err(e) => return fail(&e),
        };
    let mut pairs: Vec<Pair> = Vec::new();
    match &args.base {
        None => {
            let [old, new] = args.paths.as_slice() else {
                return fail("give OLD and NEW policy files, or --base REV [PATHS]");
            };
            let read = |p: &str| std::fs::read(p).map_err(|e| format!("cannot read `{p}`: {e}"));
            let (ob, nb) = match (read(old), read(new)) {
                (Ok(o), Ok(n)) => (o, n),
                (Err(e), _) | (_, Err(e)) => return fail(&e),
            };
            let (Ok(o), Ok(n)) = (load(old, &ob, args.color), load(new, &nb, args.color)) else {
                return ExitCode::from(2);
            };
            pairs.push(Pair {
                path: new.clone(),
                status: "modified",
                new_text: String::from_utf8_lossy(&nb).into_owned(),
                report: diff_with(&o, &n, options),
            });
        }
        Some(rev) => {
            if let Err(e) = git(&[
                "rev-parse",
                "--verify",
                "--quiet",
                &format!("{rev}^{{commit}}"),
            ]) {
                return fail(&format!("`{rev}` is not a git revision here: {e}"));
            }
            let roots: Vec<String> = if args.paths.is_empty() {
                vec![".".into()]
            } else {
                args.paths.clone()
            };
            let mut files: Vec<PathBuf> = Vec::new();
            for r in &roots {
                let p = PathBuf::from(r);
                if p.is_dir() {
                    let mut all = Vec::new();
                    walk(&p, &mut all);
                    files.extend(
                        all.into_iter()
                            .filter(|f| f.extension().is_some_and(|x| x == "json")),
                    );
                } else if p.is_file() {
                    files.push(p);
                }
            }
            // Files deleted since REV.
            let mut deleted: Vec<String> = Vec::new();
            let mut gargs = vec![
                "diff",
                "--name-only",
                "--relative",
                "--diff-filter=D",
                rev.as_str(),
                "--",
            ];
            gargs.extend(roots.iter().map(String::as_str));
            match git(&gargs) {
                Ok(out) => deleted.extend(
                    String::from_utf8_lossy(&out)
                        .lines()
                        .filter(|l| l.ends_with(".json"))
                        .map(str::to_string),
                ),
                Err(e) => return fail(&format!("git diff failed: {e}")),
            }
            // A path that is not here must at least have been deleted since REV: a
            // typo must not compare nothing and pass.
            for r in &roots {
                let p = PathBuf::from(r);
                let prefix = r.trim_start_matches("./").trim_end_matches('/');
                if !p.exists()
                    && !deleted
                        .iter()
                        .any(|d| d == prefix || d.starts_with(&format!("{prefix}/")))
                {
                    return fail(&format!("`{r}`: no such file or directory here, and nothing under it was deleted since {rev}"));
                }
            }
            files.sort();
            files.dedup();
            let paths: Vec<String> = files.iter().map(|f| display_path(f, &cwd)).collect();
            let names: Vec<String> = paths.iter().map(|p| format!("{rev}:./{p}")).collect();
            let olds = match git_batch(&names) {
                Ok(o) => o,
                Err(e) => return fail(&e),
            };
            // Read and parse every file; the diffs themselves run in parallel below.
            let mut jobs: Vec<(usize, Policy, Policy)> = Vec::new();
            for ((f, path), old_bytes) in files.iter().zip(paths).zip(olds) {
                let nb = match std::fs::read(f) {
                    Ok(b) => b,
                    Err(e) => return fail(&format!("cannot read `{path}`: {e}")),
                };
                // The same bytes at REV grant nothing new and remove nothing.
                if old_bytes.as_deref() == Some(nb.as_slice()) {
                    pairs.push(Pair {
                        path,
                        status: "unchanged",
                        new_text: String::from_utf8_lossy(&nb).into_owned(),
                        report: DiffReport::default(),
                    });
                    continue;
                }
                let (status, old) = match &old_bytes {
                    Some(ob) => match load(&format!("{rev}:{path}"), ob, args.color) {
                        Ok(p) => ("modified", p),
                        Err(()) => return ExitCode::from(2),
                    },
                    None => ("added", empty_policy()),
                };
                let Ok(new) = load(&path, &nb, args.color) else {
                    return ExitCode::from(2);
                };
                jobs.push((pairs.len(), old, new));
                pairs.push(Pair {
                    path,
                    status,
                    new_text: String::from_utf8_lossy(&nb).into_owned(),
                    report: DiffReport::default(),
                });
            }
            let reports = match diff_all(&jobs, options) {
                Ok(r) => r,
                Err(e) => return fail(&e),
            };
            for (i, report) in reports {
                if let Some(p) = pairs.get_mut(i) {
                    p.report = report;
                }
            }
            for path in deleted {
                let ob = match git(&["show", &format!("{rev}:./{path}")]) {
                    Ok(b) => b,
                    Err(e) => return fail(&format!("git show {rev}:{path} failed: {e}")),
                };
                let Ok(old) = load(&format!("{rev}:{path}"), &ob, args.color) else {
                    return ExitCode::from(2);
                };
                pairs.push(Pair {
                    path,
                    status: "deleted",
                    new_text: String::new(),
                    report: diff_with(&old, &empty_policy(), options),
                });
            }
        }
    }
    let any = args.fail_on_new == FailOnNew::Any;
    let out = match args.format {
        DiffFormat::Text => text(&pairs, args.base.as_deref()),
        DiffFormat::Json => json_report(&pairs, args.base.as_deref()),
        DiffFormat::Sarif => sarif(&pairs),
        DiffFormat::Github => github(&pairs),
    };
    out!("{out}");
    if pairs.iter().any(|p| p.report.has_new(any)) {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    }
}

/// The witness with its context (a review: without it, the request shown was not the
/// one NEW allows, e.g. one needing `aws:SecureTransport=false`).
fn describe(c: &Change) -> String {
    match &c.witness {
        Some(w) => {
            policycheck_lint::rules::public::describe_request(w, " (allowed now, denied before)")
        }
        None => " `` on `` (allowed now, denied before)".to_string(),
    }
}

fn who(caller: &str) -> String {
    match caller {
        "public" => "anyone on the internet".into(),
        c => c.replace(':', " "),
    }
}

fn text(pairs: &[Pair], base: Option<&str>) -> String {
    let mut s = String::new();
    let (mut added, mut removed) = (0, 0);
    for p in pairs {
        for c in &p.report.added {
            added += 1;
            s.push_str(&format!(
                "{}: NEW {} access for {} via {} ({})\n    witness: {}\n",
                p.path,
                c.level,
                who(&c.caller),
                c.statements
                    .iter()
                    .map(|x| format!("`{x}`"))
                    .collect::<Vec<_>>()
                    .join(", "),
                c.access_levels.join(", "),
                describe(c)
            ));
        }
        for u in &p.report.unknown {
            s.push_str(&format!(
                "{}: CANNOT TELL whether {} gains {} access: {}\n",
                p.path,
                who(&u.caller),
                u.level,
                u.reasons.join("; ")
            ));
        }
        for c in &p.report.removed {
            removed += 1;
            s.push_str(&format!(
                "{}: removed {} access for {} (was granted by {})\n    e.g. {}\n",
                p.path,
                c.level,
                who(&c.caller),
                c.statements
                    .iter()
                    .map(|x| format!("`{x}`"))
                    .collect::<Vec<_>>()
                    .join(", "),
                describe(c).replace(
                    "(allowed now, denied before)",
                    "(allowed before, denied now)"
                )
            ));
        }
    }
    let against = base.map(|b| format!(" against {b}")).unwrap_or_default();
    s.push_str(&format!(
        "policycheck diff: {} compared{against}: {added} access added, {removed} removed\n",
        pairs.len()
    ));
    s
}

fn change_json(path: &str, c: &Change) -> serde_json::Value {
    json!({
        "path": path,
        "level": c.level,
        "access_levels": c.access_levels,
        "caller": c.caller,
        "statements": c.statements,
        "witness": c.witness,
        "actions": c.actions,
    })
}

fn json_report(pairs: &[Pair], base: Option<&str>) -> String {
    let added: Vec<_> = pairs
        .iter()
        .flat_map(|p| p.report.added.iter().map(|c| change_json(&p.path, c)))
        .collect();
    let removed: Vec<_> = pairs
        .iter()
        .flat_map(|p| p.report.removed.iter().map(|c| change_json(&p.path, c)))
        .collect();
    let unknown: Vec<_> = pairs
        .iter()
        .flat_map(|p| p.report.unknown.iter().map(|u| json!({"path": p.path, "level": u.level, "caller": u.caller, "reasons": u.reasons})))
        .collect();
    let v = json!({
        "version": 1,
        "base": base,
        "files": pairs.iter().map(|p| json!({"path": p.path, "status": p.status})).collect::<Vec<_>>(),
        "added": added,
        "removed": removed,
        "unknown": unknown,
    });
    let mut s = serde_json::to_string_pretty(&v).unwrap_or_default();
    s.push('\n');
    s
}

/// (rule, span start/end in NEW, message) for every added or undecided access.
fn findings(p: &Pair) -> Vec<(&'static policycheck_lint::RuleMeta, u32, u32, String)> {
    use policycheck_lint::rules::diff as r;
    let policy = parse_policy_bytes(p.new_text.as_bytes(), PolicyKind::Resource).policy;
    let span_of = |i: Option<&usize>| {
        policy
            .as_ref()
            .and_then(|pol| i.and_then(|i| pol.statements.get(*i)))
            .map_or((0, 0), |st| (st.head_span().start, st.head_span().end))
    };
    let mut out = Vec::new();
    for c in &p.report.added {
        let rule = match c.caller.as_str() {
            "public" => &r::NEW_PUBLIC_ACCESS,
            c if c.starts_with("service:") => &r::NEW_SERVICE_ACCESS,
            _ => &r::NEW_ACCOUNT_ACCESS,
        };
        let (a, b) = span_of(c.statement_indexes.first());
        out.push((
            rule,
            a,
            b,
            format!(
                "new {} access for {}: {}",
                c.level,
                who(&c.caller),
                describe(c)
            ),
        ));
    }
    for u in &p.report.unknown {
        out.push((
            &r::NEW_ACCESS_UNKNOWN,
            0,
            0,
            format!(
                "cannot tell whether {} gains {} access: {}",
                who(&u.caller),
                u.level,
                u.reasons.join("; ")
            ),
        ));
    }
    out
}

fn sarif(pairs: &[Pair]) -> String {
    let rules = policycheck_lint::all_rules();
    let mut results = Vec::new();
    for p in pairs {
        let index = LineIndex::new(&p.new_text);
        for (rule, a, b, msg) in findings(p) {
            let (s, e) = (index.line_col(a), index.line_col(b));
            results.push(json!({
                "ruleId": rule.code(),
                "ruleIndex": rules.iter().position(|r| r.code() == rule.code()).unwrap_or(0),
                "level": level(rule.code.severity),
                "message": {"text": msg},
                "locations": [{"physicalLocation": {
                    "artifactLocation": crate::output::sarif::artifact(&p.path),
                    "region": {"startLine": s.line, "startColumn": s.column_utf16, "endLine": e.line, "endColumn": e.column_utf16.max(s.column_utf16)}
                }}],
                "partialFingerprints": {"policycheck/v1": crate::output::sarif::fnv1a(&[rule.code(), &p.path, &msg])},
            }));
        }
    }
    let v = json!({
        "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
        "version": "2.1.0",
        "runs": [{
            "tool": {"driver": {"name": "policycheck", "semanticVersion": policycheck_core::VERSION, "informationUri": "https://policycheck.dev",
                "rules": rules.iter().map(|r| json!({"id": r.code(), "name": r.name(), "shortDescription": {"text": r.code.summary}, "helpUri": r.url(), "defaultConfiguration": {"level": level(r.code.severity)}})).collect::<Vec<_>>()}},
            "columnKind": "utf16CodeUnits",
            "invocations": [{"executionSuccessful": true}],
            "results": results,
        }]
    });
    let mut s = serde_json::to_string_pretty(&v).unwrap_or_default();
    s.push('\n');
    s
}

fn github(pairs: &[Pair]) -> String {
    let mut s = String::new();
    for p in pairs {
        let index = LineIndex::new(&p.new_text);
        for (rule, a, b, msg) in findings(p) {
            let (start, end) = (index.line_col(a), index.line_col(b));
            let cmd = match rule.code.severity {
                Severity::Error => "error",
                Severity::Warning => "warning",
                Severity::Note => "notice",
            };
            // As lint's: columns only for a one-line region (GitHub's rule).
            let cols = if start.line == end.line {
                format!(",col={},endColumn={}", start.column_utf16, end.column_utf16)
            } else {
                String::new()
            };
            s.push_str(&format!(
                "::{cmd} file={},line={},endLine={}{cols},title={}::{}\n",
                escape_property(&p.path),
                start.line,
                end.line,
                escape_property(&format!("{} {}", rule.code(), rule.name())),
                escape_data(&msg)
            ));
        }
    }
    s.push_str(
        &text(pairs, None)
            .lines()
            .last()
            .map(|l| format!("{l}\n"))
            .unwrap_or_default(),
    );
    s
}
