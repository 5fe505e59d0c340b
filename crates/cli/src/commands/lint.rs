//! `policycheck lint [PATHS]...`: check policy files; the CI gate.

use crate::config::{self, FailOn, Loaded};
use crate::render::ColorChoice;
use clap::{Args, ValueEnum};
use policycheck_core::{Diagnostic, Severity};
use policycheck_lint::{lint_bytes, registry, LintOptions, LintResult};
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::Mutex;

pub const AFTER_HELP: &str = "\
Inputs: files, directories (every *.json below them, .git and node_modules skipped;
symbolic links followed), quoted glob patterns (\"policies/**/*.json\"), or `-` for
standard input (name it with --stdin-filename). A missing path, a glob matching nothing
or inputs with no policy file at all is an error: a gate that lints nothing fails.

A file that is not a valid policy (invalid JSON, or a policy S3 rejects: PC001-PC017)
always fails the gate: --select, --ignore, levels, suppressions and the baseline do not
hide those findings. Only --fail-on never (report only) exits 0 then.

Exit status (the same for every --format):
  0  no finding at or above --fail-on
  1  findings at or above --fail-on (an invalid policy file always is; a
     public-access answer of `unknown` (PC103) is an error unless configured otherwise)
  2  could not run: bad arguments, unreadable file, invalid config";

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum Format {
    Text,
    Json,
    Sarif,
    Github,
}

#[derive(Args, Debug)]
pub struct LintArgs {
    /// Files, directories or glob patterns; `-` reads standard input
    #[arg(default_value = ".")]
    pub paths: Vec<String>,
    /// Output format
    #[arg(long, short = 'f', value_enum, default_value_t = Format::Text)]
    pub format: Format,
    /// One line per finding (`path:line:col: level[CODE] message`) in text format
    #[arg(long)]
    pub concise: bool,
    /// Exit 1 if a finding is at this level or worse (inclusive) [default: error]
    #[arg(long, value_enum)]
    pub fail_on: Option<FailOn>,
    /// Write the report to FILE instead of standard output
    #[arg(long, short = 'o', value_name = "FILE")]
    pub output: Option<PathBuf>,
    /// Also write a SARIF 2.1.0 log to FILE
    #[arg(long, value_name = "FILE")]
    pub sarif_file: Option<PathBuf>,
    /// Only these rules: codes, names or prefixes, comma-separated (replaces the config's)
    #[arg(long, value_delimiter = ',')]
    pub select: Vec<String>,
    /// Skip these rules: codes, names or prefixes, comma-separated (added to the config's)
    #[arg(long, value_delimiter = ',')]
    pub ignore: Vec<String>,
    /// Use this config file instead of the nearest policycheck.toml
    #[arg(long, short = 'c', value_name = "FILE", conflicts_with = "no_config")]
    pub config: Option<PathBuf>,
    /// Ignore every policycheck.toml
    #[arg(long)]
    pub no_config: bool,
    /// Skip paths matching this glob (repeatable)
    #[arg(long, value_name = "GLOB")]
    pub exclude: Vec<String>,
    /// Apply excludes to explicitly named files too (for pre-commit)
    #[arg(long)]
    pub force_exclude: bool,
    /// The name used for standard input in reports and config matching
    #[arg(long, value_name = "PATH")]
    pub stdin_filename: Option<String>,
    /// The bucket the policies belong to: the public-access analysis asks about its requests, and resources naming another bucket are errors
    #[arg(long)]
    pub bucket: Option<String>,
    /// Colour in text output
    #[arg(long, value_enum, default_value_t = ColorChoice::Auto)]
    pub color: ColorChoice,
    /// Report only findings not recorded in this baseline file (from --write-baseline);
    /// the recorded ones are counted as "baselined" and do not fail the gate
    #[arg(long, value_name = "FILE", conflicts_with = "write_baseline")]
    pub baseline: Option<PathBuf>,

    /// Record every current finding in FILE (to adopt policycheck on existing policies),
    /// then exit 0, unless a policy file is not valid (1; such findings are never
    /// recorded) or a file could not be read (2)
    #[arg(long, value_name = "FILE")]
    pub write_baseline: Option<PathBuf>,

    /// Less output: -q findings only (no summary line in the text and github formats),
    /// -qq nothing on standard output in any format (the exit code only; a report sent to
    /// --output is written as with -q, and --sarif-file and --write-baseline files too)
    #[arg(long, short = 'q', action = clap::ArgAction::Count)]
    pub quiet: u8,
    /// More output: -v lists the files checked, skipped and excluded, and suppressed findings
    #[arg(long, short = 'v', action = clap::ArgAction::Count)]
    pub verbose: u8,
    /// Print the settings a run would use (config file, fail-on, rules on and their
    /// levels, excludes, suppressions) and where each comes from; lint nothing
    #[arg(long)]
    pub show_settings: bool,
}

/// One linted file, after filtering, severity overrides and suppressions.
pub struct FileOutcome {
    /// As shown in reports: relative to the working directory, `/`-separated.
    pub path: String,
    /// Relative to the project root (the config file's directory, else the git work
    /// tree's top, else the working directory), `/`-separated and normalised: the same
    /// from any working directory. SARIF URIs, fingerprints and the baseline use it.
    pub uri: String,
    pub text: String,
    pub result: LintResult,
    /// Findings suppressed by the config, with the reason.
    pub suppressed: Vec<(Diagnostic, String)>,
    /// Findings the `--baseline` file records (not reported).
    pub baselined: usize,
    /// The identities of `result.diagnostics` (in order), when SARIF or the baseline
    /// needs them.
    pub ids: Option<Vec<crate::baseline::Identity>>,
}

/// A problem that stops a file from being linted (exit 2).
pub struct InputError {
    pub path: String,
    pub message: String,
}

/// What a lint run adds up to: counters only, so memory stays flat however many
/// files are linted (each file's report is written as soon as it is its turn).
#[derive(Default)]
pub struct Totals {
    pub files: usize,
    pub findings: usize,
    /// error, warning, note
    pub by_severity: [usize; 3],
    pub suppressed: usize,
    pub baselined: usize,
    /// Findings the baseline records, in files linted now, that are gone.
    pub resolved: usize,
    pub public: usize,
    pub public_read: usize,
    pub public_write: usize,
    pub unknown: usize,
    pub not_public: usize,
    /// Files that are not valid policies (a PC0xx finding): they always fail the gate.
    pub invalid: usize,
    /// Files that could not be analysed at all (not JSON, not a policy document), by
    /// project path: SARIF reports the run as not successful.
    pub unanalysed: Vec<String>,
    /// A finding at or above the threshold.
    pub failed: bool,
    pub input_errors: Vec<InputError>,
    pub fail_on: Option<FailOn>,
}

impl Totals {
    pub fn count(&self, sev: Severity) -> usize {
        match sev {
            Severity::Error => self.by_severity[0],
            Severity::Warning => self.by_severity[1],
            Severity::Note => self.by_severity[2],
        }
    }

    pub fn fail_on(&self) -> FailOn {
        self.fail_on.unwrap_or(FailOn::Error)
    }

    fn merge(&mut self, o: Totals) {
        self.files += o.files;
        self.findings += o.findings;
        for (a, b) in self.by_severity.iter_mut().zip(o.by_severity) {
            *a += b;
        }
        self.suppressed += o.suppressed;
        self.baselined += o.baselined;
        self.public += o.public;
        self.public_read += o.public_read;
        self.public_write += o.public_write;
        self.unknown += o.unknown;
        self.not_public += o.not_public;
        self.invalid += o.invalid;
        self.unanalysed.extend(o.unanalysed);
        self.failed |= o.failed;
        self.input_errors.extend(o.input_errors);
    }

    fn add(&mut self, f: &FileOutcome, fail_on: FailOn) {
        use policycheck_core::public::Verdict;
        self.files += 1;
        self.findings += f.result.diagnostics.len();
        for d in &f.result.diagnostics {
            let slot = match d.severity {
                Severity::Error => 0,
                Severity::Warning => 1,
                Severity::Note => 2,
            };
            if let Some(c) = self.by_severity.get_mut(slot) {
                *c += 1;
            }
            self.failed |= fail_on.fails(d.severity);
        }
        self.suppressed += f.suppressed.len();
        self.baselined += f.baselined;
        if f.result.diagnostics.iter().any(|d| invalid_policy(d.code)) {
            self.invalid += 1;
            self.failed |= fail_on != FailOn::Never;
        }
        if f.result.access.is_none() {
            // Not a policy: no answer, counted as undecided (the report's verdict).
            self.unanalysed.push(f.uri.clone());
            self.unknown += 1;
        }
        if let Some(a) = &f.result.access {
            match a.verdict {
                Verdict::Public => self.public += 1,
                Verdict::Unknown => self.unknown += 1,
                Verdict::NotPublic => self.not_public += 1,
            }
            self.public_read += usize::from(a.read.verdict == Verdict::Public);
            self.public_write += usize::from(a.write.verdict == Verdict::Public);
        }
    }
}

/// GitHub code scanning's limit on results per SARIF run.
const GITHUB_SARIF_MAX_RESULTS: usize = 25_000;

fn fail(msg: &str) -> ExitCode {
    errln!("error: {msg}");
    ExitCode::from(2)
}

/// A finding that makes the file an invalid policy (PC001-PC099: not strict JSON, or a
/// policy S3 rejects). Such findings are never filtered out, downgraded, suppressed or
/// baselined, and always fail the gate (unless --fail-on never).
pub fn invalid_policy(code: &str) -> bool {
    code.len() == 5 && code.starts_with("PC0")
}

/// `path` with `.` and `..` resolved lexically (no file system access).
pub fn normalize(path: &Path) -> PathBuf {
    use std::path::Component;
    let mut out = PathBuf::new();
    for c in path.components() {
        match c {
            Component::CurDir => {}
            Component::ParentDir => {
                if !out.pop() {
                    out.push("..");
                }
            }
            other => out.push(other),
        }
    }
    out
}

/// The top of the git work tree containing `dir` (a directory with `.git`), if any.
pub fn git_root(dir: &Path) -> Option<PathBuf> {
    dir.ancestors()
        .find(|d| d.join(".git").exists())
        .map(Path::to_path_buf)
}

pub fn run(args: &LintArgs) -> ExitCode {
    let cwd = std::env::current_dir().unwrap_or_default();
    let project = git_root(&cwd).unwrap_or_else(|| cwd.clone());
    let loaded = match config::resolve(&cwd, &project, args.config.as_deref(), args.no_config) {
        Ok(l) => l,
        Err(e) => return fail(&e),
    };
    if let Some(b) = args.bucket.as_deref().filter(|b| !is_bucket_name(b)) {
        return fail(&format!(
            "--bucket `{b}` is not an S3 bucket name (3 to 63 lower-case letters, digits, `.` and `-`, starting and ending with a letter or digit)"
        ));
    }
    for sel in args.select.iter().chain(&args.ignore) {
        if !registry::is_known_selector(sel) {
            return fail(&format!(
                "`{sel}` is not a rule code, name or prefix (see `policycheck rules`)"
            ));
        }
    }
    // Findings of invalid policies cannot be ignored, downgraded or suppressed: say so
    // rather than let a setting look effective.
    let invalid_rule = |sel: &str| {
        registry::find(sel).is_some_and(|r| invalid_policy(r.code()))
            || sel.eq_ignore_ascii_case("PC0")
            || sel.eq_ignore_ascii_case("PC")
    };
    let cfg_rules = &loaded.config.rules;
    for sel in args
        .ignore
        .iter()
        .chain(&cfg_rules.ignore)
        .chain(cfg_rules.levels.keys())
        .chain(loaded.config.suppress.iter().map(|s| &s.rule))
    {
        if invalid_rule(sel) {
            errln!(
                "warning: `{sel}`: findings that make a policy invalid (PC001-PC017) are always reported as errors; ignoring, downgrading or suppressing them has no effect"
            );
        }
    }
    if args.show_settings {
        print!("{}", show_settings(args, &loaded));
        return ExitCode::SUCCESS;
    }
    if args.verbose > 0 {
        match &loaded.path {
            Some(p) => errln!("policycheck: using config {}", p.display()),
            None => errln!("policycheck: no config file"),
        }
    }
    if args.stdin_filename.is_some() && !args.paths.iter().any(|p| p == "-") {
        errln!("warning: --stdin-filename names standard input, which is read only with `-`");
    }
    let inputs = match collect_inputs(args, &loaded, &cwd) {
        Ok(i) => i,
        Err(e) => return fail(&e),
    };
    if inputs.is_empty()
        && args.force_exclude
        && args
            .paths
            .iter()
            .all(|p| p == "-" || Path::new(p).is_file())
    {
        // Files named one by one (pre-commit) that the config excludes: nothing is
        // missing, the project said these are not to be linted.
        if args.quiet == 0 {
            errln!("policycheck: every file named is excluded (--exclude or the config's [files] exclude, with --force-exclude); nothing to lint");
        }
        return ExitCode::SUCCESS;
    }
    if inputs.is_empty() {
        return fail(&format!(
            "no policy file to lint in {} (a gate that lints nothing fails; name files, directories or globs)",
            args.paths
                .iter()
                .map(|p| format!("`{p}`"))
                .collect::<Vec<_>>()
                .join(", ")
        ));
    }
    let baseline = match &args.baseline {
        Some(p) => match crate::baseline::load(p) {
            Ok(b) => Some(b),
            Err(e) => return fail(&e),
        },
        None => None,
    };
    let totals = match lint_inputs(args, &loaded, &cwd, inputs, baseline.as_ref()) {
        Ok(t) => t,
        Err(e) => return fail(&e),
    };
    if (args.format == Format::Sarif || args.sarif_file.is_some())
        && totals.findings > GITHUB_SARIF_MAX_RESULTS
    {
        errln!(
            "warning: the SARIF log has {} results; GitHub code scanning rejects a run with more than {GITHUB_SARIF_MAX_RESULTS}: upload it per directory, or select fewer rules",
            totals.findings
        );
    }
    if args.write_baseline.is_some() {
        // The baseline records findings to adopt; an invalid policy is not one of them
        // (it can never be baselined), so it still fails the run.
        return if !totals.input_errors.is_empty() {
            ExitCode::from(2)
        } else if totals.invalid > 0 && totals.fail_on() != FailOn::Never {
            ExitCode::from(1)
        } else {
            ExitCode::SUCCESS
        };
    }
    if !totals.input_errors.is_empty() {
        ExitCode::from(2)
    } else if totals.failed {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    }
}

/// A file's bytes. Unlike `std::fs::read` (and `File::read_to_end`), no `statx` and
/// `lseek` calls for a size hint first (open, read, read (end), close), and no zeroing of
/// a fresh buffer per file: the file is read into this thread's buffer, zeroed once and
/// grown when a file is bigger, and copied out at its exact length. `read_to_end` on a
/// reader without a size hint zeroes its spare capacity before every read, which was
/// 2% of a 10,000-file run's instructions.
fn read_file(path: &Path) -> std::io::Result<Vec<u8>> {
    use std::io::Read;
    /// The buffer's first size: a large bucket policy (their limit is 20 KB).
    const INITIAL: usize = 32 * 1024;
    /// A buffer grown past this by a huge file is given back afterwards.
    const KEEP: usize = 1024 * 1024;
    thread_local! {
        static BUF: std::cell::RefCell<Vec<u8>> = const { std::cell::RefCell::new(Vec::new()) };
    }
    let mut file = std::fs::File::open(path)?;
    BUF.with_borrow_mut(|buf| {
        if buf.is_empty() {
            buf.resize(INITIAL, 0);
        }
        let mut n = 0;
        let read = loop {
            if n == buf.len() {
                buf.resize(buf.len() * 2, 0);
            }
            match file.read(buf.get_mut(n..).unwrap_or_default()) {
                Ok(0) => break Ok(()),
                Ok(k) => n += k,
                Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
                Err(e) => break Err(e),
            }
        };
        let bytes = buf.get(..n).unwrap_or_default().to_vec();
        if buf.len() > KEEP {
            *buf = Vec::new();
        }
        read.map(|()| bytes)
    })
}

impl FileOutcome {
    /// The findings' identities: computed with the baseline, else now.
    pub fn identities(&self) -> std::borrow::Cow<'_, [crate::baseline::Identity]> {
        match &self.ids {
            Some(ids) => std::borrow::Cow::Borrowed(ids),
            None => std::borrow::Cow::Owned(
                crate::baseline::Identifier::new(self, &policycheck_core::json::Arena::new()).all(),
            ),
        }
    }
}

/// The settings a run uses, from the command line over the config over the defaults.
struct Settings {
    options: LintOptions,
    fail_on: FailOn,
    select: Vec<String>,
    ignore: Vec<String>,
    levels: Vec<(&'static str, Severity)>,
}

impl Settings {
    fn of(args: &LintArgs, loaded: &Loaded) -> Settings {
        let cfg = &loaded.config;
        let mut ignore = cfg.rules.ignore.clone();
        ignore.extend(args.ignore.iter().cloned());
        Settings {
            options: LintOptions {
                bucket: args.bucket.clone().or_else(|| cfg.bucket.clone()),
                owner_account: cfg.owner_account.clone(),
                analysis: cfg.analysis(),
            },
            fail_on: args.fail_on.or(cfg.fail_on).unwrap_or(FailOn::Error),
            select: if args.select.is_empty() {
                cfg.rules.select.clone()
            } else {
                args.select.clone()
            },
            ignore,
            levels: cfg
                .rules
                .levels
                .iter()
                .filter_map(|(r, l)| Some((registry::find(r)?.code(), Severity::parse(l)?)))
                .collect(),
        }
    }

    /// The level a rule reports at, or `None` when it is not selected.
    fn level_of(&self, r: &policycheck_lint::RuleMeta) -> Option<Severity> {
        if !invalid_policy(r.code()) && !rule_selected(&self.select, &self.ignore, r) {
            return None;
        }
        let own = self.levels.iter().find(|(c, _)| *c == r.code());
        Some(match own {
            Some((_, sev)) if !invalid_policy(r.code()) => *sev,
            _ => r.code.severity,
        })
    }
}

fn rule_selected(select: &[String], ignore: &[String], r: &policycheck_lint::RuleMeta) -> bool {
    (select.is_empty() || select.iter().any(|s| registry::selects(s, r)))
        && !ignore.iter().any(|s| registry::selects(s, r))
}

/// `--show-settings`: what a run would use, and where each setting comes from.
fn show_settings(args: &LintArgs, loaded: &Loaded) -> String {
    let cfg = &loaded.config;
    let settings = Settings::of(args, loaded);
    let from = |cli: bool, config: bool| {
        if cli {
            "command line"
        } else if config {
            "config"
        } else {
            "default"
        }
    };
    let list = |v: &[String]| {
        if v.is_empty() {
            "(none)".to_string()
        } else {
            v.join(", ")
        }
    };
    let mut out = String::new();
    let mut line = |s: String| {
        out.push_str(&s);
        out.push('\n');
    };
    line(format!("policycheck {}", policycheck_core::VERSION));
    line(match (&loaded.path, args.no_config) {
        (Some(p), _) => format!("config: {}", p.display()),
        (None, true) => "config: none (--no-config)".into(),
        (None, false) => "config: none found (searched up from the working directory)".into(),
    });
    line(format!(
        "project root (paths in reports): {}",
        loaded.root.display()
    ));
    if let Some(r) = &cfg.required_version {
        line(format!(
            "required-version: \"{}\" (config; satisfied)",
            r.get_ref()
        ));
    }
    line(format!(
        "fail-on: {} ({})",
        settings.fail_on.as_str(),
        from(args.fail_on.is_some(), cfg.fail_on.is_some())
    ));
    line(format!(
        "bucket: {} ({})",
        settings
            .options
            .bucket
            .as_deref()
            .unwrap_or("(none: the bucket most resources name)"),
        from(args.bucket.is_some(), cfg.bucket.is_some())
    ));
    line(format!(
        "owner-account: {} ({})",
        settings
            .options
            .owner_account
            .as_deref()
            .unwrap_or("(none)"),
        from(false, cfg.owner_account.is_some())
    ));
    line(format!(
        "userid-role-pattern: {} ({})",
        cfg.userid_role_pattern
            .unwrap_or(crate::config::UseridRolePattern::Pins)
            .as_str(),
        from(false, cfg.userid_role_pattern.is_some())
    ));
    line(format!(
        "files.include: {} ({})",
        if cfg.files.include.is_empty() {
            "every *.json".to_string()
        } else {
            cfg.files.include.join(", ")
        },
        from(false, !cfg.files.include.is_empty())
    ));
    line(format!(
        "files.exclude: {} (config) + {} (--exclude){}",
        list(&cfg.files.exclude),
        list(&args.exclude),
        if args.force_exclude {
            ", also for files named explicitly (--force-exclude)"
        } else {
            ""
        }
    ));
    line(format!(
        "rules.select: {} ({})",
        if settings.select.is_empty() {
            "every rule".to_string()
        } else {
            settings.select.join(", ")
        },
        from(!args.select.is_empty(), !cfg.rules.select.is_empty())
    ));
    line(format!(
        "rules.ignore: {} (config) + {} (--ignore)",
        list(&cfg.rules.ignore),
        list(&args.ignore)
    ));
    let rules = registry::rules();
    let on: Vec<_> = rules
        .iter()
        .filter_map(|r| settings.level_of(r).map(|sev| (r, sev)))
        .collect();
    line(format!("rules on: {} of {}", on.len(), rules.len()));
    for (r, sev) in &on {
        let note = if *sev != r.code.severity {
            format!(" (default {}; rules.levels)", r.code.severity)
        } else if invalid_policy(r.code()) {
            " (always on: an invalid policy always fails)".to_string()
        } else {
            String::new()
        };
        // With the bucket known, a resource of another one is what S3 rejects: PC312
        // reports it at error.
        if r.code() == policycheck_lint::rules::correctness::resource_outside_bucket::RULE.code()
            && *sev == r.code.severity
            && settings.options.bucket.is_some()
        {
            line(format!(
                "  {} {} error (default {sev}; `bucket` is set: S3 rejects another bucket's resources)",
                r.code(),
                r.name()
            ));
            continue;
        }
        line(format!("  {} {} {sev}{note}", r.code(), r.name()));
    }
    let off: Vec<&str> = rules
        .iter()
        .filter(|r| settings.level_of(r).is_none())
        .map(|r| r.code())
        .collect();
    if !off.is_empty() {
        line(format!("rules off: {}", off.join(", ")));
    }
    line(format!("suppressions: {}", cfg.suppress.len()));
    for s in &cfg.suppress {
        let which = match (&s.sid, s.statement) {
            (Some(sid), _) => format!(" sid {sid}"),
            (None, Some(i)) => format!(" statement {i}"),
            _ => String::new(),
        };
        let expires = s
            .expires
            .as_ref()
            .map(|e| format!(", expires {e}"))
            .unwrap_or_default();
        line(format!(
            "  {} in {}{which}: {}{expires}",
            s.rule, s.path, s.reason
        ));
    }
    out
}

/// An input to lint.
pub enum Input {
    File(PathBuf),
    Stdin(String),
}

/// Whether `name` follows S3's naming rules for general purpose buckets (length,
/// characters, first and last character).
pub fn is_bucket_name(name: &str) -> bool {
    let b = name.as_bytes();
    let edge = |c: Option<&u8>| c.is_some_and(|c| c.is_ascii_lowercase() || c.is_ascii_digit());
    (3..=63).contains(&b.len())
        && edge(b.first())
        && edge(b.last())
        && b.iter()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || matches!(c, b'.' | b'-'))
}

fn has_glob(s: &str) -> bool {
    s.contains(['*', '?', '[', '{'])
}

/// Why `pattern` is not a valid file pattern (`glob-match` syntax), if it is not: an
/// unclosed `[` or `{`, a `}` without its `{`, nesting deeper than `glob-match`'s ten
/// levels of braces, or a trailing lone `\`. `glob-match` reads such a pattern as one
/// that matches nothing, which would silently include or exclude nothing.
pub fn glob_error(pattern: &str) -> Option<String> {
    let chars: Vec<char> = pattern.chars().collect();
    let at = |i: usize| format!("the pattern `{pattern}`, column {}", i + 1);
    let mut open_braces: Vec<usize> = Vec::new();
    let mut i = 0;
    while let Some(&c) = chars.get(i) {
        match c {
            '\\' => {
                if i + 1 == chars.len() {
                    return Some(format!("{}: ends with a lone `\\`", at(i)));
                }
                i += 1;
            }
            '[' => {
                // A class holds at least one character (`[]]` is the class of `]`).
                let mut j = i + 1;
                if matches!(chars.get(j), Some('!' | '^')) {
                    j += 1;
                }
                j += 1;
                while chars.get(j).is_some_and(|&c| c != ']') {
                    j += 1;
                }
                if j >= chars.len() {
                    return Some(format!("{}: `[` is never closed by `]`", at(i)));
                }
                i = j;
            }
            '{' => {
                open_braces.push(i);
                if open_braces.len() > 10 {
                    return Some(format!("{}: braces nested deeper than 10 levels", at(i)));
                }
            }
            // Closes the innermost `{` (popped by the guard).
            '}' if open_braces.pop().is_none() => {
                return Some(format!("{}: `}}` without an opening `{{`", at(i)));
            }
            _ => {}
        }
        i += 1;
    }
    open_braces
        .first()
        .map(|&i| format!("{}: `{{` is never closed by `}}`", at(i)))
}

/// `path` relative to `base`, with `/` separators.
pub fn display_path(path: &Path, base: &Path) -> String {
    let rel = path.strip_prefix(base).unwrap_or(path);
    let s = rel.to_string_lossy().replace('\\', "/");
    s.strip_prefix("./").map(str::to_string).unwrap_or(s)
}

/// Every file below `dir`, sorted, skipping `.git`, `node_modules` and `target`.
/// Symbolic links are followed (a linked directory once: a link back up is not walked
/// again); a link that leads nowhere is listed too, so that reading it reports it.
pub fn walk(dir: &Path, out: &mut Vec<PathBuf>) {
    walk_noting(dir, out, &mut Vec::new());
}

/// [`walk`], also collecting what it leaves out, with why: the entries that are neither
/// files nor directories (a FIFO, a socket, a device: reading one could block), which
/// are never linted, and the folders it does not enter.
pub fn walk_noting(dir: &Path, out: &mut Vec<PathBuf>, special: &mut Vec<(PathBuf, &'static str)>) {
    let mut seen = std::collections::HashSet::new();
    if let Ok(c) = dir.canonicalize() {
        seen.insert(c);
    }
    walk_in(dir, out, special, &mut seen);
}

fn walk_in(
    dir: &Path,
    out: &mut Vec<PathBuf>,
    special: &mut Vec<(PathBuf, &'static str)>,
    seen: &mut std::collections::HashSet<PathBuf>,
) {
    let Ok(rd) = std::fs::read_dir(dir) else {
        return;
    };
    // Each name read once (`sort_by_key(DirEntry::file_name)` builds one per comparison).
    let mut entries: Vec<_> = rd
        .filter_map(Result::ok)
        .map(|e| (e.file_name(), e))
        .collect();
    entries.sort_by(|a, b| a.0.cmp(&b.0));
    for (name, e) in entries {
        let name = name.to_string_lossy();
        let Ok(ft) = e.file_type() else { continue };
        let path = e.path();
        let (is_dir, is_file) = if ft.is_symlink() {
            match std::fs::metadata(&path) {
                Ok(m) => (m.is_dir(), m.is_file()),
                Err(_) => (false, true), // dangling: reading it will say so
            }
        } else {
            (ft.is_dir(), ft.is_file())
        };
        if is_dir {
            if matches!(name.as_ref(), ".git" | "node_modules" | "target") {
                special.push((path, "a folder walks skip: .git, node_modules, target"));
                continue;
            }
            if path.canonicalize().is_ok_and(|c| seen.insert(c)) {
                walk_in(&path, out, special, seen);
            }
        } else if is_file {
            out.push(path);
        } else {
            special.push((path, "not a regular file: a pipe, socket or device"));
        }
    }
}

fn matches_any(globs: &[String], rel: &str) -> bool {
    globs.iter().any(|g| glob_match::glob_match(g, rel))
}

fn collect_inputs(args: &LintArgs, loaded: &Loaded, cwd: &Path) -> Result<Vec<Input>, String> {
    let cfg = &loaded.config.files;
    let patterns = args.exclude.iter().map(|g| ("--exclude", g.as_str()));
    let patterns = patterns.chain(
        args.paths
            .iter()
            .filter(|p| has_glob(p) && !Path::new(p).exists())
            .map(|p| ("path", p.as_str())),
    );
    for (place, g) in patterns {
        if let Some(e) = glob_error(&g.replace('\\', "/")) {
            return Err(format!("{place}: {e}"));
        }
    }
    // The files this run writes: each its own, none read by the run (an input named
    // explicitly, the baseline), or a report would overwrite what it reports on.
    let written: Vec<(&str, &PathBuf, PathBuf)> = [
        ("--output", &args.output),
        ("--sarif-file", &args.sarif_file),
        ("--write-baseline", &args.write_baseline),
    ]
    .into_iter()
    .filter_map(|(flag, p)| p.as_ref().map(|p| (flag, p, normalize(&cwd.join(p)))))
    .collect();
    let baseline_at = args.baseline.as_ref().map(|b| normalize(&cwd.join(b)));
    for (i, (flag, p, at)) in written.iter().enumerate() {
        if let Some((other, _, _)) = written.iter().skip(i + 1).find(|w| w.2 == *at) {
            return Err(format!(
                "{flag} and {other} both name `{}`: give each report a file of its own",
                p.display()
            ));
        }
        if baseline_at.as_ref() == Some(at) {
            return Err(format!(
                "{flag} names `{}`, the --baseline this run reads: refusing to overwrite it",
                p.display()
            ));
        }
    }
    // Files this run writes or reads as its own (a baseline, a report) are not
    // policies, even where a directory walk finds them.
    let own: Vec<PathBuf> = written
        .iter()
        .map(|w| w.2.clone())
        .chain(baseline_at)
        .collect();
    let is_own = |f: &Path| !own.is_empty() && own.contains(&normalize(&cwd.join(f)));
    let overwritten = |f: &Path| {
        let f = normalize(&cwd.join(f));
        written.iter().find(|w| w.2 == f).map(|w| w.0)
    };
    let mut excludes: Vec<String> = cfg.exclude.clone();
    excludes.extend(args.exclude.iter().cloned());
    // Config globs are relative to the config's directory.
    let rel_cfg = |p: &Path| display_path(&normalize(&cwd.join(p)), &loaded.root);
    // The relative paths are built only when there are patterns to match them against
    // (a directory of 10,000 files is walked before any worker starts).
    let excluded = |p: &Path| {
        (!excludes.is_empty() && matches_any(&excludes, &rel_cfg(p)))
            || (!args.exclude.is_empty() && matches_any(&args.exclude, &display_path(p, cwd)))
    };
    let mut out: Vec<Input> = Vec::new();
    let mut files: Vec<PathBuf> = Vec::new();
    let mut stdin_used = false;
    for raw in &args.paths {
        if raw == "-" {
            if stdin_used {
                return Err("`-` (standard input) given twice".into());
            }
            stdin_used = true;
            let name = match &args.stdin_filename {
                Some(n) => n.clone(),
                None => {
                    errln!("warning: standard input has no name: reports call it `<stdin>` (name it with --stdin-filename PATH)");
                    "<stdin>".into()
                }
            };
            if args.force_exclude && excluded(Path::new(&name)) {
                if args.verbose > 0 {
                    errln!("policycheck: skipped {name} (standard input; excluded)");
                }
                continue;
            }
            out.push(Input::Stdin(name));
            continue;
        }
        let p = PathBuf::from(raw);
        // Not `is_file`: a pipe (`<(…)`) or a device is read like a file.
        let meta = std::fs::metadata(&p);
        if meta.as_ref().is_ok_and(std::fs::Metadata::is_dir) {
            let mut found = Vec::new();
            let mut special = Vec::new();
            walk_noting(&p, &mut found, &mut special);
            if args.verbose > 0 {
                for (f, why) in &special {
                    errln!("policycheck: skipped {} ({why})", display_path(f, cwd));
                }
            }
            for f in found {
                let included = if cfg.include.is_empty() {
                    f.extension().is_some_and(|e| e == "json")
                } else {
                    matches_any(&cfg.include, &rel_cfg(&f))
                };
                let why = if !included {
                    if cfg.include.is_empty() {
                        "not a .json file"
                    } else {
                        "not matched by the config's [files] include"
                    }
                } else if is_own(&f) {
                    "a file this run reads or writes (--baseline, --write-baseline, --output, --sarif-file)"
                } else if excluded(&f) {
                    "excluded"
                } else {
                    files.push(f);
                    continue;
                };
                if args.verbose > 0 {
                    errln!("policycheck: skipped {} ({why})", display_path(&f, cwd));
                }
            }
        } else if meta.is_ok() {
            if let Some(flag) = overwritten(&p) {
                return Err(format!(
                    "{flag} names `{raw}`, a policy this run lints: refusing to overwrite it"
                ));
            }
            if !(args.force_exclude && excluded(&p)) {
                files.push(p);
            } else if args.verbose > 0 {
                errln!("policycheck: skipped {} (excluded)", display_path(&p, cwd));
            }
        } else if has_glob(raw) {
            let norm = raw.replace('\\', "/");
            let base: String = norm
                .split('/')
                .take_while(|seg| !has_glob(seg))
                .collect::<Vec<_>>()
                .join("/");
            let base_dir = if base.is_empty() {
                PathBuf::from(".")
            } else {
                PathBuf::from(&base)
            };
            let mut found = Vec::new();
            walk(&base_dir, &mut found);
            let pattern = norm.strip_prefix("./").unwrap_or(&norm).to_string();
            let hits: Vec<PathBuf> = found
                .into_iter()
                .filter(|f| glob_match::glob_match(&pattern, &display_path(f, Path::new("."))))
                .filter(|f| !excluded(f) && !is_own(f))
                .collect();
            if hits.is_empty() {
                return Err(format!("the pattern `{raw}` matches no file"));
            }
            files.extend(hits);
        } else {
            return Err(match meta {
                Err(e) if e.kind() != std::io::ErrorKind::NotFound => {
                    format!("`{raw}`: cannot read: {e}")
                }
                _ => format!("`{raw}`: no such file or directory"),
            });
        }
    }
    // One directory's walk is already in order (names sorted at each level is the order
    // of `Path`): checking costs one comparison per file, sorting many.
    if !files.is_sorted() {
        files.sort();
    }
    files.dedup();
    if args.paths.len() > 1 {
        // One file named twice, under two spellings (`p.json ./p.json`, `dir
        // $PWD/dir`): linted once, under the first.
        let mut seen = std::collections::HashSet::new();
        files.retain(|f| seen.insert(normalize(&cwd.join(f))));
    }
    out.extend(files.into_iter().map(Input::File));
    Ok(out)
}

/// What a worker sends for one input: its report parts and its counts, or why it could not be read.
type Done = Result<(crate::output::Fragment, Totals), InputError>;

/// Lint every input on all cores, writing each file's report as soon as the files
/// before it are written (a reorder buffer), so memory does not grow with the corpus.
fn lint_inputs(
    args: &LintArgs,
    loaded: &Loaded,
    cwd: &Path,
    inputs: Vec<Input>,
    baseline: Option<&crate::baseline::Baseline>,
) -> Result<Totals, String> {
    let cfg = &loaded.config;
    let Settings {
        options,
        fail_on,
        select,
        ignore,
        levels,
    } = Settings::of(args, loaded);
    let color = args.output.is_none()
        && crate::render::use_color(args.color, crate::render::stdout_is_tty());
    let today = chrono::Local::now().date_naive();
    let used: Vec<AtomicBool> = cfg
        .suppress
        .iter()
        .map(|_| AtomicBool::new(false))
        .collect();
    let warnings: Mutex<Vec<String>> = Mutex::new(Vec::new());
    // With --write-baseline: every finding's entry, from every worker.
    let recorded: Mutex<Vec<serde_json::Value>> = Mutex::new(Vec::new());
    // With --baseline: the recorded fingerprints seen again, and the files linted (a
    // recorded finding of a linted file not seen again is resolved).
    let matched: Mutex<std::collections::HashSet<String>> = Mutex::default();
    let linted: Mutex<std::collections::HashSet<String>> = Mutex::default();

    // A path as the project root sees it (see `FileOutcome::uri`).
    let uri_of = |p: &Path| display_path(&normalize(&cwd.join(p)), &loaded.root);
    let read = |input: &Input| -> Result<(String, String, Vec<u8>), InputError> {
        match input {
            Input::Stdin(name) => {
                let mut bytes = Vec::new();
                let uri = if name == "<stdin>" {
                    name.clone()
                } else {
                    uri_of(Path::new(name))
                };
                std::io::Read::read_to_end(&mut std::io::stdin(), &mut bytes)
                    .map(|_| (name.clone(), uri, bytes))
                    .map_err(|e| InputError {
                        path: name.clone(),
                        message: format!("cannot read standard input: {e}"),
                    })
            }
            Input::File(p) => {
                let name = display_path(p, cwd);
                read_file(p)
                    .map(|b| (name.clone(), uri_of(p), b))
                    .map_err(|e| InputError {
                        path: name,
                        message: format!("cannot read: {e}"),
                    })
            }
        }
    };
    // Selection, severity overrides and suppressions for one file.
    let settle = |mut f: FileOutcome| -> FileOutcome {
        let rel_to_cfg = f.uri.clone();
        let diags = std::mem::take(&mut f.result.diagnostics);
        for mut d in diags {
            if invalid_policy(d.code) {
                // Not a valid policy: reported as is, whatever the filters say.
                f.result.diagnostics.push(d);
                continue;
            }
            let rule = registry::find(d.code);
            let selected = rule.is_none_or(|r| rule_selected(&select, &ignore, r));
            if !selected {
                continue;
            }
            if let Some((_, sev)) = levels.iter().find(|(c, _)| *c == d.code) {
                d.severity = *sev;
            }
            let stmt = f.result.statement_at(d.primary_span());
            let hit = cfg.suppress.iter().enumerate().find(|(_, s)| {
                registry::find(&s.rule).is_some_and(|r| r.code() == d.code)
                    && (glob_match::glob_match(
                        s.path.strip_prefix("./").unwrap_or(&s.path),
                        &rel_to_cfg,
                    ) || glob_match::glob_match(
                        s.path.strip_prefix("./").unwrap_or(&s.path),
                        &f.path,
                    ))
                    && s.sid
                        .as_ref()
                        .is_none_or(|sid| stmt.and_then(|st| st.sid.as_ref()) == Some(sid))
                    && s.statement
                        .is_none_or(|i| stmt.map(|st| st.index) == Some(i))
            });
            match hit {
                Some((i, s)) => {
                    if let Some(flag) = used.get(i) {
                        flag.store(true, Ordering::Relaxed);
                    }
                    let expired = s
                        .expires
                        .as_ref()
                        .and_then(|e| chrono::NaiveDate::parse_from_str(e, "%Y-%m-%d").ok())
                        .is_some_and(|e| e < today);
                    if expired {
                        if let Ok(mut w) = warnings.lock() {
                            w.push(format!(
                                "{}: the suppression of {} expired on {}; the finding is reported again",
                                f.path,
                                d.code,
                                s.expires.clone().unwrap_or_default()
                            ));
                        }
                        f.result.diagnostics.push(d);
                    } else {
                        f.suppressed.push((d, s.reason.clone()));
                    }
                }
                None => f.result.diagnostics.push(d),
            }
        }
        // Identities (for SARIF and the baseline), computed once on the findings as
        // selected and suppressed, so that both agree.
        let sarif = args.format == Format::Sarif || args.sarif_file.is_some();
        if sarif || args.write_baseline.is_some() || baseline.is_some() {
            f.ids = Some(
                crate::baseline::Identifier::new(&f, &policycheck_core::json::Arena::new()).all(),
            );
        }
        // The baseline: record every finding, or drop the ones it records.
        let uses_baseline = args.write_baseline.is_some() || baseline.is_some();
        if let Some(ids) = f.ids.take_if(|_| uses_baseline) {
            let keep: Vec<bool> = f
                .result
                .diagnostics
                .iter()
                .zip(&ids)
                .map(|(d, id)| {
                    if invalid_policy(d.code) {
                        return true; // never baselined
                    }
                    if args.write_baseline.is_some() {
                        if let Ok(mut e) = recorded.lock() {
                            e.push(crate::baseline::entry(&f, d, id));
                        }
                    }
                    let known = baseline.is_some_and(|b| b.contains(&id.fingerprint));
                    if known {
                        if let Ok(mut m) = matched.lock() {
                            m.insert(id.fingerprint.clone());
                        }
                    }
                    !known
                })
                .collect();
            let dropped = keep.iter().filter(|k| !**k).count();
            let mut kept_ids = Vec::with_capacity(ids.len() - dropped);
            for (id, k) in ids.into_iter().zip(&keep) {
                if *k {
                    kept_ids.push(id);
                }
            }
            let mut it = keep.into_iter();
            f.result.diagnostics.retain(|_| it.next().unwrap_or(true));
            f.baselined += dropped;
            f.ids = Some(kept_ids);
        }
        if baseline.is_some() {
            if let Ok(mut paths) = linted.lock() {
                paths.insert(f.uri.clone());
            }
        }
        f
    };

    let mut writer = crate::output::Writer::open(args)?;
    let mut totals = Totals {
        fail_on: Some(fail_on),
        ..Totals::default()
    };
    let workers = std::thread::available_parallelism()
        .map_or(1, std::num::NonZeroUsize::get)
        .min(inputs.len().max(1));
    // Workers take the inputs in runs of `batch` and hand over a whole run at once: one
    // channel message (and one wake-up of this thread) per run instead of per file.
    // Small enough runs that both workers stay busy to the end on a small input.
    let batch = (inputs.len() / (workers * 8)).clamp(1, 16);
    let next = AtomicUsize::new(0);
    let (tx, rx) = std::sync::mpsc::sync_channel::<(usize, Vec<Done>)>(workers * 2);
    std::thread::scope(|s| {
        for _ in 0..workers {
            let tx = tx.clone();
            let (next, inputs, read, settle, options) = (&next, &inputs, &read, &settle, &options);
            let lint_one = move |input: &Input| -> Done {
                read(input).map(|(path, uri, bytes)| {
                    // The bytes become the text without a copy when they are UTF-8, checked
                    // once (a non-UTF-8 file is reported as such; its text is only for display).
                    let (text, result) = match String::from_utf8(bytes) {
                        Ok(text) => {
                            let result = policycheck_lint::lint(&text, options);
                            (text, result)
                        }
                        Err(e) => (
                            String::from_utf8_lossy(e.as_bytes()).into_owned(),
                            lint_bytes(e.as_bytes(), options),
                        ),
                    };
                    let f = settle(FileOutcome {
                        path,
                        uri,
                        text,
                        result,
                        suppressed: Vec::new(),
                        baselined: 0,
                        ids: None,
                    });
                    let mut t = Totals::default();
                    t.add(&f, fail_on);
                    (crate::output::fragment(args, &f, color), t)
                })
            };
            s.spawn(move || loop {
                let first = next.fetch_add(batch, Ordering::Relaxed);
                let Some(run) = inputs.get(first..(first + batch).min(inputs.len())) else {
                    break;
                };
                if run.is_empty() {
                    break;
                }
                if tx
                    .send((first, run.iter().map(lint_one).collect()))
                    .is_err()
                {
                    break;
                }
            });
        }
        drop(tx);
        // Write in input order; hold back what arrives early.
        let mut pending: std::collections::BTreeMap<usize, Vec<Done>> =
            std::collections::BTreeMap::new();
        let mut expected = 0usize;
        for (first, run) in rx {
            pending.insert(first, run);
            while let Some(run) = pending.remove(&expected) {
                for done in run {
                    match done {
                        Ok((frag, t)) => {
                            if args.verbose > 0 {
                                if let Some(input) = inputs.get(expected) {
                                    let name = match input {
                                        Input::Stdin(n) => n.clone(),
                                        Input::File(p) => display_path(p, cwd),
                                    };
                                    errln!("policycheck: checked {name}");
                                }
                            }
                            writer.file(frag);
                            totals.merge(t);
                        }
                        Err(e) => totals.input_errors.push(e),
                    }
                    expected += 1;
                }
            }
        }
    });
    let mut warnings = warnings.into_inner().unwrap_or_default();
    for (i, s) in cfg.suppress.iter().enumerate() {
        if !used.get(i).is_some_and(|f| f.load(Ordering::Relaxed)) {
            warnings.push(format!(
                "the suppression of {} for `{}` matched no finding",
                s.rule, s.path
            ));
        }
    }
    if let Some(b) = baseline {
        let matched = matched.into_inner().unwrap_or_default();
        let linted = linted.into_inner().unwrap_or_default();
        totals.resolved = b.resolved(&matched, &linted);
    }
    for w in &warnings {
        errln!("warning: {w}");
    }
    for e in &totals.input_errors {
        errln!("error: {}: {}", e.path, e.message);
    }
    writer.finish(&totals)?;
    if let Some(p) = &args.write_baseline {
        let entries = recorded.into_inner().unwrap_or_default();
        let n = entries.len();
        crate::baseline::write(p, entries)?;
        if args.quiet == 0 {
            errln!(
                "policycheck: recorded {n} finding(s) in the baseline {}",
                p.display()
            );
        }
    }
    Ok(totals)
}

#[cfg(test)]
mod tests {
    use super::{glob_error, is_bucket_name, read_file};

    #[test]
    fn bucket_names_follow_s3_rules() {
        for ok in ["abc", "example-bucket", "logs.example.com", "a1-2"] {
            assert!(is_bucket_name(ok), "{ok}");
        }
        for bad in [
            "ab",
            "Not_A_Bucket!",
            "-abc",
            "abc-",
            "ABC",
            &"a".repeat(64),
            "",
        ] {
            assert!(!is_bucket_name(bad), "{bad}");
        }
    }

    #[test]
    fn glob_errors_name_the_unclosed_bracket_or_brace() {
        for ok in [
            "policies/**/*.json",
            "{a,b/{c,d}}/*.json",
            "[]]x",
            "[!a-z]*",
            "a\\[b",
            "ex/\\{a",
            "plain.json",
        ] {
            assert_eq!(glob_error(ok), None, "{ok}");
        }
        let err = |p: &str| glob_error(p).unwrap_or_default();
        assert!(err("ex/[").contains("column 4: `[` is never closed"));
        assert!(err("[]").contains("column 1: `[` is never closed"));
        assert!(err("a/{b,{c}").contains("column 3: `{` is never closed"));
        assert!(err("a}").contains("column 2: `}` without an opening `{`"));
        assert!(err("a\\").contains("lone"));
        assert!(err(&"{".repeat(11)).contains("deeper than 10"));
    }

    #[test]
    fn read_file_reads_small_large_and_empty_files_whole() {
        let dir = std::env::temp_dir().join(format!("pc-read-file-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        // Around the initial buffer size, far past it, past the size kept, and a small
        // file after the buffer was given back.
        for len in [
            0usize,
            1,
            32 * 1024 - 1,
            32 * 1024,
            32 * 1024 + 1,
            300_000,
            3_000_000,
            5,
        ] {
            let bytes: Vec<u8> = (0..len).map(|i| (i % 251) as u8).collect();
            let p = dir.join(format!("{len}.json"));
            std::fs::write(&p, &bytes).unwrap();
            assert_eq!(read_file(&p).unwrap(), bytes, "{len}");
        }
        let err = read_file(&dir.join("missing.json")).unwrap_err();
        assert_eq!(err.kind(), std::io::ErrorKind::NotFound);
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
