//! `policycheck.toml`: the nearest one up from the working directory (or `--config`).
//! Unknown keys are errors with their line and column; suppressions need a reason.

use policycheck_core::Severity;
use serde::Deserialize;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

pub const FILE_NAME: &str = "policycheck.toml";

/// The threshold for a failing exit code.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Deserialize, clap::ValueEnum)]
#[serde(rename_all = "lowercase")]
pub enum FailOn {
    Error,
    Warning,
    Note,
    Never,
}

impl FailOn {
    /// Whether a finding of `severity` fails the run (inclusive: this level or worse).
    pub fn fails(self, severity: Severity) -> bool {
        match self {
            FailOn::Never => false,
            FailOn::Error => severity >= Severity::Error,
            FailOn::Warning => severity >= Severity::Warning,
            FailOn::Note => true,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            FailOn::Error => "error",
            FailOn::Warning => "warning",
            FailOn::Note => "note",
            FailOn::Never => "never",
        }
    }
}

/// S3's public-policy rule counts `aws:userid` as a fixed principal "outside the pattern
/// `AROLEID:*`", which reads two ways (spec §6.2, §9 row 5).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum UseridRolePattern {
    /// Every session of one role is a fixed principal: not public (the default).
    Pins,
    /// The pattern is not a fixed value: public.
    Public,
}

impl UseridRolePattern {
    pub fn as_str(self) -> &'static str {
        match self {
            UseridRolePattern::Pins => "pins",
            UseridRolePattern::Public => "public",
        }
    }
}

#[derive(Clone, Debug, Default, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct Config {
    /// The policycheck versions this config is written for: comparisons such as
    /// `">=0.1"` or `">=0.1, <0.3"` (all must hold); a bare version (`"0.1"`) matches
    /// that version and its patch releases.
    pub required_version: Option<toml::Spanned<String>>,
    pub fail_on: Option<FailOn>,
    /// The bucket the policies are for (resources naming others are errors).
    pub bucket: Option<String>,
    /// The bucket owner's account id (account-wide grants to it are not reported).
    pub owner_account: Option<String>,
    /// How the public-access analysis reads `aws:userid` like `AROAEXAMPLEROLEID:*`.
    pub userid_role_pattern: Option<UseridRolePattern>,
    #[serde(default)]
    pub files: FilesConfig,
    #[serde(default)]
    pub rules: RulesConfig,
    #[serde(default)]
    pub suppress: Vec<Suppression>,
}

#[derive(Clone, Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FilesConfig {
    /// File-path globs a directory walk keeps (default: every `*.json`).
    #[serde(default)]
    pub include: Vec<String>,
    /// File-path globs skipped (also for explicitly named files with `--force-exclude`).
    #[serde(default)]
    pub exclude: Vec<String>,
}

#[derive(Clone, Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RulesConfig {
    /// Codes, names or prefixes to run (default: all).
    #[serde(default)]
    pub select: Vec<String>,
    /// Codes, names or prefixes to skip.
    #[serde(default)]
    pub ignore: Vec<String>,
    /// Severity overrides: `{ PC205 = "error", public-unknown = "warning" }`.
    #[serde(default)]
    pub levels: BTreeMap<String, String>,
}

#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Suppression {
    /// Code or name of the rule.
    pub rule: String,
    /// File-path glob, relative to the config file.
    pub path: String,
    /// Only findings in the statement with this Sid.
    pub sid: Option<String>,
    /// Only findings in the statement at this index.
    pub statement: Option<usize>,
    /// Why the finding is accepted: required.
    pub reason: String,
    /// `YYYY-MM-DD`: afterwards the finding comes back, with a warning. A string, or a
    /// TOML date (`expires = 2026-12-31`), which is read as its text.
    #[serde(default, deserialize_with = "date_or_text")]
    pub expires: Option<String>,
}

/// A TOML date (`2026-12-31`) or a string, as text.
fn date_or_text<'de, D: serde::Deserializer<'de>>(d: D) -> Result<Option<String>, D::Error> {
    #[derive(Deserialize)]
    #[serde(
        untagged,
        expecting = "a date such as 2026-12-31 (or the string \"2026-12-31\")"
    )]
    enum DateOrText {
        Text(String),
        Date(toml::value::Datetime),
    }
    Ok(Option::<DateOrText>::deserialize(d)?.map(|v| match v {
        DateOrText::Text(s) => s,
        DateOrText::Date(d) => d.to_string(),
    }))
}

/// A loaded config and where it came from.
#[derive(Clone, Debug, Default)]
pub struct Loaded {
    pub config: Config,
    /// The config file, if any.
    pub path: Option<PathBuf>,
    /// The directory paths in the config are relative to.
    pub root: PathBuf,
}

/// The config a run uses: none with `no_config`, the file `explicit` names, else the
/// nearest `policycheck.toml` above `cwd`. Without one, paths are relative to `project`.
pub fn resolve(
    cwd: &Path,
    project: &Path,
    explicit: Option<&Path>,
    no_config: bool,
) -> Result<Loaded, String> {
    let none = || Loaded {
        root: project.to_path_buf(),
        ..Loaded::default()
    };
    if no_config {
        return Ok(none());
    }
    match explicit.map(Path::to_path_buf).or_else(|| discover(cwd)) {
        Some(p) => {
            let mut loaded = load(&p)?;
            // `-c policycheck.toml` has the parent ``: the root is a directory the
            // reports' paths and the config's globs are taken relative to, so absolute.
            loaded.root = crate::commands::lint::normalize(&cwd.join(&loaded.root));
            Ok(loaded)
        }
        None => Ok(none()),
    }
}

impl Config {
    /// The readings of the spec the config chooses for the public-access analysis.
    pub fn analysis(&self) -> policycheck_core::public::AnalysisOptions {
        policycheck_core::public::AnalysisOptions {
            userid_role_pattern_pins: self.userid_role_pattern != Some(UseridRolePattern::Public),
        }
    }
}

/// Find `policycheck.toml` walking up from `start`.
pub fn discover(start: &Path) -> Option<PathBuf> {
    let mut dir = Some(start);
    while let Some(d) = dir {
        let candidate = d.join(FILE_NAME);
        if candidate.is_file() {
            return Some(candidate);
        }
        dir = d.parent();
    }
    None
}

/// Load and validate a config file. Errors are one message with the file, line and column.
pub fn load(path: &Path) -> Result<Loaded, String> {
    let text = std::fs::read_to_string(path)
        .map_err(|e| format!("cannot read `{}`: {e}", path.display()))?;
    let config: Config = toml::from_str(&text).map_err(|e| {
        let (line, col) = e
            .span()
            .map(|s| {
                let before = text.get(..s.start).unwrap_or("");
                let line = before.matches('\n').count() + 1;
                let col = before.rsplit('\n').next().map_or(0, |l| l.chars().count()) + 1;
                (line, col)
            })
            .unwrap_or((1, 1));
        let msg = e.message().to_string();
        let hint = if msg.contains("unknown field") {
            let guess = did_you_mean(&msg)
                .map(|k| format!("did you mean `{k}`? "))
                .unwrap_or_default();
            format!("\n  help: {guess}known keys: required-version, fail-on, bucket, owner-account, userid-role-pattern, [files] include/exclude, [rules] select/ignore/levels, [[suppress]] rule/path/sid/statement/reason/expires")
        } else {
            String::new()
        };
        format!("{}:{line}:{col}: invalid config: {msg}{hint}", path.display())
    })?;
    if let Some(req) = &config.required_version {
        let span = req.span();
        let before = text.get(..span.start).unwrap_or("");
        let line = before.matches('\n').count() + 1;
        let col = before.rsplit('\n').next().map_or(0, |l| l.chars().count()) + 1;
        check_required_version(req.get_ref(), policycheck_core::VERSION)
            .map_err(|e| format!("{}:{line}:{col}: {e}", path.display()))?;
    }
    validate(&config).map_err(|e| format!("{}: invalid config: {e}", path.display()))?;
    Ok(Loaded {
        config,
        path: Some(path.to_path_buf()),
        root: path.parent().map(Path::to_path_buf).unwrap_or_default(),
    })
}

/// A version as numbers (`0.1` is `[0, 1]`).
fn version_parts(text: &str) -> Option<Vec<u64>> {
    let parts: Option<Vec<u64>> = text.trim().split('.').map(|p| p.parse().ok()).collect();
    parts.filter(|p| (1..=3).contains(&p.len()))
}

/// Whether `version` satisfies `requirement` (`required-version`); the error says why not.
pub fn check_required_version(requirement: &str, version: &str) -> Result<(), String> {
    let have = version_parts(version.split(['-', '+']).next().unwrap_or(version))
        .ok_or_else(|| format!("cannot read policycheck's own version `{version}`"))?;
    let padded = |mut v: Vec<u64>| {
        v.resize(3, 0);
        v
    };
    for item in requirement.split(',') {
        let item = item.trim();
        let (op, rest) = [">=", "<=", "==", ">", "<", "="]
            .iter()
            .find_map(|op| item.strip_prefix(op).map(|r| (*op, r)))
            .unwrap_or(("", item));
        let Some(want) = version_parts(rest) else {
            return Err(format!(
                "invalid config: `required-version = \"{requirement}\"`: `{item}` is not a comparison such as `>=0.1` or `<1.0`"
            ));
        };
        let ok = match op {
            // A bare or `=` version matches every release that starts with it.
            "" | "=" | "==" => have.iter().zip(&want).all(|(h, w)| h == w),
            _ => {
                let (h, w) = (padded(have.clone()), padded(want));
                match op {
                    ">=" => h >= w,
                    ">" => h > w,
                    "<=" => h <= w,
                    _ => h < w,
                }
            }
        };
        if !ok {
            return Err(format!(
                "this is policycheck {version}, but the config asks for `required-version = \"{requirement}\"`; install a matching version (`cargo install policycheck --version ...`) or update the requirement"
            ));
        }
    }
    Ok(())
}

/// For TOML's "unknown field `X`, expected one of `a`, `b`": the expected key nearest
/// to `X` (at most two edits away).
fn did_you_mean(message: &str) -> Option<String> {
    let mut quoted = message.split('`').skip(1).step_by(2);
    let unknown = quoted.next()?;
    quoted
        .map(|k| (policycheck_core::values::edit_distance(unknown, k, 2), k))
        .filter(|(d, _)| *d <= 2)
        .min_by_key(|(d, _)| *d)
        .map(|(_, k)| k.to_string())
}

fn validate(c: &Config) -> Result<(), String> {
    if let Some(b) = c
        .bucket
        .as_deref()
        .filter(|b| !crate::commands::lint::is_bucket_name(b))
    {
        return Err(format!("bucket `{b}` is not an S3 bucket name"));
    }
    let globs = [
        ("[files] include", &c.files.include),
        ("[files] exclude", &c.files.exclude),
    ];
    for (place, list) in globs {
        if let Some(e) = list
            .iter()
            .find_map(|g| crate::commands::lint::glob_error(g))
        {
            return Err(format!("{place}: {e}"));
        }
    }
    if let Some(e) = c
        .suppress
        .iter()
        .find_map(|s| crate::commands::lint::glob_error(&s.path))
    {
        return Err(format!("[[suppress]] path: {e}"));
    }
    for sel in c.rules.select.iter().chain(&c.rules.ignore) {
        if !policycheck_lint::registry::is_known_selector(sel) {
            return Err(format!(
                "`{sel}` in [rules] is not a rule code, name or prefix"
            ));
        }
    }
    for (rule, level) in &c.rules.levels {
        if policycheck_lint::find(rule).is_none() {
            return Err(format!(
                "`{rule}` in [rules.levels] is not a rule code or name"
            ));
        }
        if Severity::parse(level).is_none() {
            return Err(format!(
                "level `{level}` for `{rule}` must be error, warning or note"
            ));
        }
    }
    for s in &c.suppress {
        if policycheck_lint::find(&s.rule).is_none() {
            return Err(format!(
                "[[suppress]] rule `{}` is not a rule code or name",
                s.rule
            ));
        }
        if s.reason.trim().is_empty() {
            return Err(format!(
                "[[suppress]] for `{}` in `{}` needs a non-empty reason",
                s.rule, s.path
            ));
        }
        if let Some(e) = &s.expires {
            if chrono::NaiveDate::parse_from_str(e, "%Y-%m-%d").is_err() {
                return Err(format!(
                    "[[suppress]] expires `{e}` is not a date (YYYY-MM-DD)"
                ));
            }
        }
    }
    if let Some(a) = &c.owner_account {
        if !policycheck_core::request::is_account_id(a) {
            return Err(format!("owner-account `{a}` is not a 12-digit account id"));
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    #[test]
    fn required_version_comparisons() {
        use super::check_required_version as check;
        for ok in [
            ">=0.1",
            ">=0.1.0",
            ">0.0.9",
            "<0.2",
            "<=0.1.0",
            "0.1",
            "0",
            "=0.1.0",
            "==0.1",
            ">=0.1, <1",
            " >= 0.1 ,< 0.2 ",
        ] {
            assert_eq!(check(ok, "0.1.0"), Ok(()), "{ok}");
        }
        for no in [
            ">=0.2",
            ">0.1.0",
            "<0.1",
            "0.2",
            "=0.1.1",
            ">=0.1, <0.1.0",
            "1",
        ] {
            let e = check(no, "0.1.0").unwrap_err();
            assert!(e.contains("this is policycheck 0.1.0"), "{no}: {e}");
        }
        for bad in ["", "latest", ">=", "~0.1", "^0.1", ">=0.1.0.0", ">=a.b"] {
            let e = check(bad, "0.1.0").unwrap_err();
            assert!(e.contains("is not a comparison"), "{bad}: {e}");
        }
        assert_eq!(check(">=0.1", "0.2.0-beta.1"), Ok(()));
    }

    use super::*;

    fn parse(text: &str) -> Result<Loaded, String> {
        let dir = std::env::temp_dir().join(format!("pc-config-test-{}", std::process::id()));
        std::fs::create_dir_all(&dir).map_err(|e| e.to_string())?;
        let p = dir.join(format!("{}.toml", text.len()));
        std::fs::write(&p, text).map_err(|e| e.to_string())?;
        load(&p)
    }

    #[test]
    fn a_full_config_loads() {
        let c = parse(
            r#"
fail-on = "warning"
bucket = "site"
[files]
include = ["policies/**/*.json"]
exclude = ["policies/examples/**"]
[rules]
select = ["PC"]
ignore = ["PC402", "missing-secure-transport-deny"]
levels = { PC205 = "error", public-unknown = "warning" }
[[suppress]]
rule = "PC101"
path = "policies/site.json"
sid = "PublicRead"
reason = "static website"
expires = "2030-01-01"
"#,
        )
        .unwrap();
        assert_eq!(c.config.fail_on, Some(FailOn::Warning));
        assert_eq!(c.config.suppress.len(), 1);
        // `expires` as a TOML date reads as its text; another type says what to write.
        let suppress = "[[suppress]]\nrule = \"PC101\"\npath = \"x.json\"\nreason = \"r\"\n";
        let c = parse(&format!("{suppress}expires = 2030-01-01\n")).unwrap();
        assert_eq!(c.config.suppress[0].expires.as_deref(), Some("2030-01-01"));
        let e = parse(&format!("{suppress}expires = 12\n")).unwrap_err();
        assert!(
            e.contains(":5:11:") && e.contains("a date such as 2026-12-31"),
            "{e}"
        );
        let e = parse(&format!("{suppress}expires = 2030-01-01T10:00:00Z\n")).unwrap_err();
        assert!(e.contains("is not a date (YYYY-MM-DD)"), "{e}");
    }

    #[test]
    fn unknown_keys_and_bad_values_are_located_errors() {
        let e = parse("fail-on = \"error\"\nfial-on = \"warning\"\n").unwrap_err();
        assert!(e.contains(":2:1:") && e.contains("unknown field"), "{e}");
        assert!(e.contains("did you mean `fail-on`?"), "{e}");
        let e = parse("[rules]\nignroe = [\"PC402\"]\n").unwrap_err();
        assert!(e.contains("did you mean `ignore`?"), "{e}");
        let e = parse("[rules]\nwhatever = 1\n").unwrap_err();
        assert!(!e.contains("did you mean"), "{e}");
        let e = parse("[[suppress]]\nrule = \"PC101\"\npath = \"x.json\"\nreason = \"\"\n")
            .unwrap_err();
        assert!(e.contains("needs a non-empty reason"), "{e}");
        let e = parse("[[suppress]]\nrule = \"PC101\"\npath = \"x.json\"\n").unwrap_err();
        assert!(e.contains("reason"), "{e}");
        let e = parse("[rules]\nignore = [\"PC999\"]\n").unwrap_err();
        assert!(e.contains("PC999"), "{e}");
        let e = parse("fail-on = \"sometimes\"\n").unwrap_err();
        assert!(e.contains(":1:"), "{e}");
    }

    #[test]
    fn fail_on_is_inclusive() {
        assert!(FailOn::Warning.fails(Severity::Error));
        assert!(FailOn::Warning.fails(Severity::Warning));
        assert!(!FailOn::Warning.fails(Severity::Note));
        assert!(!FailOn::Never.fails(Severity::Error));
    }
}
