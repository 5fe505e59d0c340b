#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // test code: failing loudly is the point

//! `policycheck lint` end to end: the exit-code contract for every format, inputs,
//! config, suppressions, SARIF and GitHub specifics, and the witness invariant
//! through the binary.

use serde_json::{json, Value};
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../..")
        .canonicalize()
        .unwrap()
}

fn run_in(dir: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_policycheck"))
        .args(args)
        .current_dir(dir)
        .env("NO_COLOR", "1")
        .output()
        .unwrap()
}

fn json_of(out: &Output) -> Value {
    serde_json::from_slice(&out.stdout)
        .unwrap_or_else(|e| panic!("{e}: {}", String::from_utf8_lossy(&out.stdout)))
}

fn write(dir: &Path, name: &str, text: &str) -> PathBuf {
    let p = dir.join(name);
    if let Some(parent) = p.parent() {
        std::fs::create_dir_all(parent).unwrap();
    }
    std::fs::write(&p, text).unwrap();
    p
}

const PUBLIC: &str = r#"{
  "Version": "2012-10-17",
  "Statement": [
    {
      "Sid": "PublicRead",
      "Effect": "Allow",
      "Principal": "*",
      "Action": "s3:GetObject",
      "Resource": "arn:aws:s3:::example-site/*"
    }
  ]
}
"#;

const PRIVATE: &str = r#"{
  "Version": "2012-10-17",
  "Statement": [
    {
      "Sid": "AppRole",
      "Effect": "Allow",
      "Principal": {"AWS": "arn:aws:iam::111122223333:role/app"},
      "Action": "s3:GetObject",
      "Resource": "arn:aws:s3:::example-private/*"
    },
    {
      "Sid": "DenyInsecureTransport",
      "Effect": "Deny",
      "Principal": "*",
      "Action": "s3:*",
      "Resource": ["arn:aws:s3:::example-private", "arn:aws:s3:::example-private/*"],
      "Condition": {"Bool": {"aws:SecureTransport": "false"}}
    }
  ]
}
"#;

#[test]
fn the_example_policies_lint_with_the_documented_verdicts() {
    let out = run_in(&root(), &["lint", "policies/", "--format", "json"]);
    assert_eq!(
        out.status.code(),
        Some(1),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let v = json_of(&out);
    assert_eq!(v["version"], 1);
    let verdict = |name: &str| {
        let f = v["files"]
            .as_array()
            .unwrap()
            .iter()
            .find(|f| f["path"] == format!("policies/{name}"))
            .unwrap_or_else(|| panic!("{name}"));
        (
            f["access"]["verdict"].as_str().unwrap().to_string(),
            f["access"]["read"].as_bool().unwrap(),
            f["access"]["write"].as_bool().unwrap(),
        )
    };
    assert_eq!(
        verdict("public-website.json"),
        ("public".into(), true, false)
    );
    assert_eq!(
        verdict("public-write-by-mistake.json"),
        ("public".into(), false, true)
    );
    assert_eq!(
        verdict("notaction-public.json"),
        ("public".into(), true, true)
    );
    assert_eq!(
        verdict("referer-only-website.json"),
        ("public".into(), true, false)
    );
    assert_eq!(
        verdict("broad-ip-range.json"),
        ("public".into(), true, false)
    );
    assert_eq!(
        verdict("public-read-with-private-prefix.json"),
        ("public".into(), true, false)
    );
    assert_eq!(
        verdict("cloudfront-oac.json"),
        ("not-public".into(), false, false)
    );
    assert_eq!(
        verdict("vpc-endpoint-only.json"),
        ("not-public".into(), false, false)
    );
    assert_eq!(
        verdict("org-only.json"),
        ("not-public".into(), false, false)
    );
    assert_eq!(
        verdict("cross-account-read.json"),
        ("not-public".into(), false, false)
    );
    assert_eq!(
        verdict("office-ip-allowlist.json"),
        ("not-public".into(), false, false)
    );
    assert_eq!(
        verdict("home-folders.json"),
        ("not-public".into(), false, false)
    );
    assert_eq!(
        verdict("deny-insecure-transport.json"),
        ("not-public".into(), false, false)
    );
    assert_eq!(verdict("typo-in-condition.json").0, "unknown");
    // `s3:prefix` never comes with GetObject: the Allow grants nothing, and PC315 says so.
    assert_eq!(
        verdict("folder-by-prefix-mistake.json"),
        ("not-public".into(), false, false)
    );
    let codes: Vec<&str> = v["files"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["path"] == "policies/folder-by-prefix-mistake.json")
        .unwrap()["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["code"].as_str().unwrap())
        .collect();
    assert_eq!(codes, ["PC315"]);
    // A service grant is not public (spec §6.8), but without a source condition any
    // customer's log delivery may write: PC207 says so.
    assert_eq!(
        verdict("access-logs-unpinned-service.json"),
        ("not-public".into(), false, false)
    );
    let codes = |name: &str| -> Vec<String> {
        v["files"]
            .as_array()
            .unwrap()
            .iter()
            .find(|f| f["path"] == format!("policies/{name}"))
            .unwrap()["findings"]
            .as_array()
            .unwrap()
            .iter()
            .map(|f| f["code"].as_str().unwrap().to_string())
            .collect()
    };
    assert_eq!(codes("access-logs-unpinned-service.json"), ["PC207"]);
    // An organization path alone does not count as a fixed principal (spec §9 row 11):
    // public, with a note saying which condition to add.
    assert_eq!(verdict("ou-path-only.json"), ("public".into(), true, false));
    assert_eq!(codes("ou-path-only.json"), ["PC101", "PC208"]);
    assert!(!codes("cloudfront-oac.json").contains(&"PC207".to_string()));
    // A legacy CloudFront origin access identity, as CloudFront's guide writes it: a
    // valid principal that no outsider is (not an invalid-principal error), with a note
    // on moving to origin access control.
    assert_eq!(
        verdict("cloudfront-oai-legacy.json"),
        ("not-public".into(), false, false)
    );
    assert_eq!(codes("cloudfront-oai-legacy.json"), ["PC210"]);
    // The finding contract.
    let f = &v["files"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["path"] == "policies/public-website.json")
        .unwrap()["findings"];
    let pc101 = f
        .as_array()
        .unwrap()
        .iter()
        .find(|x| x["code"] == "PC101")
        .unwrap();
    for k in [
        "code",
        "name",
        "severity",
        "message",
        "help",
        "line",
        "column",
        "end_line",
        "end_column",
    ] {
        assert!(pc101.get(k).is_some(), "finding lacks `{k}`: {pc101}");
    }
    assert_eq!(pc101["name"], "public-read");
    assert_eq!(pc101["severity"], "error");
    assert_eq!(
        (pc101["line"].as_u64(), pc101["column"].as_u64()),
        (Some(7), Some(20))
    );
}

#[test]
fn every_witness_is_allowed_by_eval() {
    // The public-access contract (spec §6.8): each witness, fed to `policycheck eval`, is allowed.
    let root = root();
    let out = run_in(&root, &["lint", "policies/", "--format", "json"]);
    let v = json_of(&out);
    let dir = tempfile::tempdir().unwrap();
    let mut checked = 0;
    for f in v["files"].as_array().unwrap() {
        let Some(ws) = f["access"]["witnesses"].as_array() else {
            continue;
        };
        for w in ws {
            let req = write(dir.path(), "w.json", &w.to_string());
            let path = root.join(f["path"].as_str().unwrap());
            let e = run_in(
                &root,
                &[
                    "eval",
                    path.to_str().unwrap(),
                    "--request",
                    req.to_str().unwrap(),
                    "--format",
                    "json",
                ],
            );
            assert_eq!(
                e.status.code(),
                Some(0),
                "witness {w} for {} is not allowed: {}",
                f["path"],
                String::from_utf8_lossy(&e.stdout)
            );
            checked += 1;
        }
    }
    assert!(checked >= 8, "only {checked} witnesses");
}

#[test]
fn exit_codes_are_the_same_for_every_format() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "public.json", PUBLIC);
    write(dir.path(), "private.json", PRIVATE);
    for format in ["text", "json", "sarif", "github"] {
        assert_eq!(
            run_in(dir.path(), &["lint", "public.json", "-f", format])
                .status
                .code(),
            Some(1),
            "{format}"
        );
        assert_eq!(
            run_in(dir.path(), &["lint", "private.json", "-f", format])
                .status
                .code(),
            Some(0),
            "{format}"
        );
        assert_eq!(
            run_in(dir.path(), &["lint", "missing.json", "-f", format])
                .status
                .code(),
            Some(2),
            "{format}"
        );
        assert_eq!(
            run_in(
                dir.path(),
                &["lint", "public.json", "-f", format, "--fail-on", "never"]
            )
            .status
            .code(),
            Some(0),
            "{format}"
        );
    }
}

#[test]
fn an_invalid_policy_is_a_located_finding_never_a_pass() {
    let dir = tempfile::tempdir().unwrap();
    write(
        dir.path(),
        "broken.json",
        "{\n  \"Statement\": [\n    {\"Effect\": \"Allow\",}\n  ]\n}\n",
    );
    std::fs::write(dir.path().join("binary.json"), b"{\"Id\": \"\xff\"}").unwrap();
    let out = run_in(
        dir.path(),
        &["lint", "broken.json", "binary.json", "-f", "json"],
    );
    assert_eq!(out.status.code(), Some(1));
    let v = json_of(&out);
    let file = |name: &str| {
        v["files"]
            .as_array()
            .unwrap()
            .iter()
            .find(|f| f["path"] == name)
            .unwrap()
            .clone()
    };
    let broken = file("broken.json");
    let b = &broken["findings"][0];
    assert_eq!(b["code"], "PC001");
    assert_eq!(
        (b["line"].as_u64(), b["column"].as_u64()),
        (Some(3), Some(23))
    );
    // Still a verdict, as the contract says every file has: not analysed is unknown
    // (a consumer reading `access.verdict` must not meet a null).
    let access = &broken["access"];
    assert_eq!(
        (&access["verdict"], &access["read"], &access["write"]),
        (&json!("unknown"), &json!(false), &json!(false))
    );
    assert!(access["details"]["read"]["unknown"][0]
        .as_str()
        .unwrap()
        .contains("not a policy document"));
    assert_eq!(
        (
            v["summary"]["unknown"].as_u64(),
            v["summary"]["not_public"].as_u64()
        ),
        (Some(2), Some(0))
    );
    let binary = file("binary.json");
    let u = &binary["findings"][0];
    assert_eq!(u["code"], "PC001");
    assert!(u["message"].as_str().unwrap().contains("UTF-8"));
    assert_eq!(u["column"], 9);
}

#[test]
fn bad_arguments_and_inputs_exit_2() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "p.json", PRIVATE);
    let code = |args: &[&str]| run_in(dir.path(), args).status.code();
    assert_eq!(code(&["lint", "nope/"]), Some(2));
    assert_eq!(
        code(&["lint", "*.yaml"]),
        Some(2),
        "a glob that matches nothing must fail"
    );
    assert_eq!(code(&["lint", "p.json", "--select", "PC999"]), Some(2));
    assert_eq!(code(&["lint", "p.json", "--format", "xml"]), Some(2));
    assert_eq!(code(&["lint", "*.json"]), Some(0));
    write(
        dir.path(),
        "policycheck.toml",
        "fail-on = \"error\"\nunknown-key = 1\n",
    );
    let out = run_in(dir.path(), &["lint", "p.json"]);
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("policycheck.toml:2:1") && err.contains("unknown field"),
        "{err}"
    );
    assert_eq!(code(&["lint", "p.json", "--no-config"]), Some(0));
}

/// A report never overwrites what the run reads: a policy named on the command line,
/// the baseline, or another report (found by a review: `-o p.json` emptied the policy
/// before it was read, `--write-baseline p.json` replaced it and passed).
#[test]
fn a_report_never_overwrites_a_file_the_run_reads_or_writes() {
    let dir = tempfile::tempdir().unwrap();
    let p = write(dir.path(), "p.json", PUBLIC);
    let run = |args: &[&str]| {
        let out = run_in(dir.path(), args);
        (
            out.status.code(),
            String::from_utf8_lossy(&out.stderr).into_owned(),
        )
    };
    for args in [
        &["lint", "p.json", "-o", "p.json"][..],
        &["lint", "p.json", "--sarif-file", "./p.json"],
        &["lint", "p.json", "--write-baseline", "p.json"],
    ] {
        let (code, err) = run(args);
        assert_eq!(code, Some(2), "{args:?}");
        assert!(err.contains("refusing to overwrite"), "{args:?}: {err}");
        assert_eq!(std::fs::read_to_string(&p).unwrap(), PUBLIC, "{args:?}");
    }
    let (code, err) = run(&["lint", "p.json", "-o", "r.out", "--sarif-file", "r.out"]);
    assert_eq!(code, Some(2));
    assert!(err.contains("both name `r.out`"), "{err}");
    assert!(!dir.path().join("r.out").exists());
    write(dir.path(), "b.json", r#"{"version": 3, "findings": []}"#);
    let (code, err) = run(&["lint", "p.json", "--baseline", "b.json", "-o", "b.json"]);
    assert_eq!(code, Some(2));
    assert!(err.contains("the --baseline this run reads"), "{err}");
    // Distinct files: the run goes ahead and writes its report.
    let (code, _) = run(&["lint", "p.json", "-o", "r.out", "--sarif-file", "r.sarif"]);
    assert_eq!(code, Some(1));
    assert!(dir.path().join("r.out").exists() && dir.path().join("r.sarif").exists());
}

/// The pre-commit hooks run what the repository has: the script of `language: script`
/// exists and is executable, and the baseline file README suggests committing is not
/// linted as a policy (a review: the `rust` language cannot install from a workspace
/// root, and the hook's `files` pattern matched `.policycheck-baseline.json`).
#[test]
fn the_pre_commit_hooks_run_what_the_repository_has() {
    let hooks = std::fs::read_to_string(root().join(".pre-commit-hooks.yaml")).unwrap();
    let entries: Vec<&str> = hooks
        .lines()
        .filter_map(|l| l.trim().strip_prefix("entry: "))
        .collect();
    assert_eq!(
        entries,
        [
            "scripts/pre-commit-hook.sh",
            "policycheck lint --force-exclude"
        ]
    );
    let script = root().join(entries[0]);
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(&script).unwrap().permissions().mode();
        assert!(mode & 0o111 != 0, "{} is not executable", script.display());
    }
    assert!(std::fs::read_to_string(&script)
        .unwrap()
        .contains("lint --force-exclude \"$@\""));
    assert_eq!(
        hooks
            .lines()
            .filter(|l| l.trim() == r"exclude: (^|/)\.policycheck-baseline\.json$")
            .count(),
        2
    );
    assert!(!hooks.contains("language: rust"));
}

#[test]
fn stdin_is_linted_under_its_given_name() {
    let mut child = Command::new(env!("CARGO_BIN_EXE_policycheck"))
        .args([
            "lint",
            "-",
            "--stdin-filename",
            "policies/site.json",
            "-f",
            "json",
        ])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    child
        .stdin
        .take()
        .unwrap()
        .write_all(PUBLIC.as_bytes())
        .unwrap();
    let out = child.wait_with_output().unwrap();
    assert_eq!(out.status.code(), Some(1));
    let v = json_of(&out);
    assert_eq!(v["files"][0]["path"], "policies/site.json");
    assert_eq!(v["files"][0]["access"]["verdict"], "public");
}

#[test]
fn directories_and_config_include_exclude() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "policies/a.json", PRIVATE);
    write(dir.path(), "policies/examples/public.json", PUBLIC);
    write(dir.path(), "policies/notes.txt", "not json");
    write(dir.path(), ".git/x.json", PUBLIC);
    let out = run_in(dir.path(), &["lint", ".", "-f", "json"]);
    let paths: Vec<String> = json_of(&out)["files"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["path"].as_str().unwrap().to_string())
        .collect();
    assert_eq!(
        paths,
        vec!["policies/a.json", "policies/examples/public.json"]
    );
    write(
        dir.path(),
        "policycheck.toml",
        "[files]\nexclude = [\"policies/examples/**\"]\n",
    );
    let out = run_in(dir.path(), &["lint", "policies", "-f", "json"]);
    assert_eq!(out.status.code(), Some(0));
    assert_eq!(json_of(&out)["summary"]["files"], 1);
    // Named explicitly, an excluded file is still linted, unless --force-exclude.
    assert_eq!(
        run_in(dir.path(), &["lint", "policies/examples/public.json"])
            .status
            .code(),
        Some(1)
    );
    assert_eq!(
        run_in(
            dir.path(),
            &["lint", "policies/examples/public.json", "--force-exclude"]
        )
        .status
        .code(),
        Some(0)
    );
}

#[test]
fn suppressions_levels_and_selection() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "site.json", PUBLIC);
    write(
        dir.path(),
        "policycheck.toml",
        "[[suppress]]\nrule = \"public-read\"\npath = \"site.json\"\nsid = \"PublicRead\"\nreason = \"static website, public by design (SEC-1)\"\n",
    );
    let out = run_in(dir.path(), &["lint", "site.json", "-f", "json"]);
    let v = json_of(&out);
    assert!(v["files"][0]["findings"]
        .as_array()
        .unwrap()
        .iter()
        .all(|f| f["code"] != "PC101"));
    assert_eq!(v["files"][0]["suppressed"][0]["code"], "PC101");
    assert_eq!(
        v["files"][0]["suppressed"][0]["reason"],
        "static website, public by design (SEC-1)"
    );
    assert_eq!(v["summary"]["suppressed"], 1);
    // A Sid that does not match leaves the finding, and warns that the suppression is unused.
    write(
        dir.path(),
        "policycheck.toml",
        "[[suppress]]\nrule = \"PC101\"\npath = \"site.json\"\nsid = \"Other\"\nreason = \"x\"\n",
    );
    let out = run_in(dir.path(), &["lint", "site.json"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("matched no finding"));
    // Expired: reported again, with a warning.
    write(dir.path(), "policycheck.toml", "[[suppress]]\nrule = \"PC101\"\npath = \"site.json\"\nreason = \"x\"\nexpires = \"2020-01-01\"\n");
    let out = run_in(dir.path(), &["lint", "site.json"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("expired on 2020-01-01"));
    // Severity override and --ignore.
    write(
        dir.path(),
        "policycheck.toml",
        "[rules]\nlevels = { public-read = \"warning\" }\n",
    );
    let out = run_in(
        dir.path(),
        &["lint", "site.json", "-f", "json", "--select", "PC101"],
    );
    let v = json_of(&out);
    assert_eq!(v["files"][0]["findings"][0]["severity"], "warning");
    assert_eq!(
        out.status.code(),
        Some(0),
        "a warning does not fail --fail-on error"
    );
    assert_eq!(
        run_in(
            dir.path(),
            &[
                "lint",
                "site.json",
                "--select",
                "PC101",
                "--fail-on",
                "warning"
            ]
        )
        .status
        .code(),
        Some(1)
    );
    assert_eq!(
        run_in(
            dir.path(),
            &[
                "lint",
                "site.json",
                "--select",
                "PC1",
                "--ignore",
                "public-read"
            ]
        )
        .status
        .code(),
        Some(0)
    );
}

#[test]
fn sarif_is_well_formed_with_utf16_columns_and_stable_fingerprints() {
    let dir = tempfile::tempdir().unwrap();
    // An emoji in the resource before the finding's column, on its line: UTF-16
    // columns differ from characters. (The policy stays valid: a statement with errors
    // is not evaluated, so it would be public to no one for certain.)
    let text = PUBLIC
        .replace(
            "\"Action\": \"s3:GetObject\",\n      \"Resource\": \"arn:aws:s3:::example-site/*\"",
            "\"Action\": \"s3:GetObject\"",
        )
        .replace(
            "\"Principal\": \"*\"",
            "\"Resource\": \"arn:aws:s3:::example-site/😀*\", \"Principal\": \"*\"",
        );
    assert!(text.contains("😀") && text.matches("Resource").count() == 1);
    write(dir.path(), "site.json", &text);
    let out = run_in(dir.path(), &["lint", "site.json", "-f", "sarif"]);
    assert_eq!(out.status.code(), Some(1));
    let v = json_of(&out);
    assert_eq!(v["version"], "2.1.0");
    let run = &v["runs"][0];
    assert_eq!(run["columnKind"], "utf16CodeUnits");
    let rules = run["tool"]["driver"]["rules"].as_array().unwrap();
    for r in rules {
        for k in [
            "id",
            "name",
            "shortDescription",
            "fullDescription",
            "help",
            "helpUri",
            "defaultConfiguration",
        ] {
            assert!(r.get(k).is_some(), "rule lacks {k}: {}", r["id"]);
        }
    }
    let results = run["results"].as_array().unwrap();
    assert!(!results.is_empty());
    for r in results {
        assert!(r["level"].is_string());
        let idx = r["ruleIndex"].as_u64().unwrap() as usize;
        assert_eq!(rules[idx]["id"], r["ruleId"]);
    }
    let pc101 = results.iter().find(|r| r["ruleId"] == "PC101").unwrap();
    let region = &pc101["locations"][0]["physicalLocation"]["region"];
    // `      "X": "😀", "Principal": "*",` — the `"*"` starts after the emoji (2 UTF-16 units).
    let line = text.lines().count();
    assert!(line > 0);
    let sarif_col = region["startColumn"].as_u64().unwrap();
    let file = std::fs::read_to_string(dir.path().join("site.json")).unwrap();
    let l = file
        .lines()
        .nth(region["startLine"].as_u64().unwrap() as usize - 1)
        .unwrap();
    let chars_before = l.find("\"*\"").map(|b| l[..b].chars().count()).unwrap();
    let utf16_before = l
        .find("\"*\"")
        .map(|b| l[..b].encode_utf16().count())
        .unwrap();
    assert_eq!(sarif_col as usize, utf16_before + 1);
    assert_ne!(
        chars_before, utf16_before,
        "the test line must contain a surrogate pair"
    );
    assert_eq!(
        pc101["properties"]["witnesses"][0]["action"],
        "s3:GetObject"
    );
    // Reformatting (other line numbers) keeps the fingerprint.
    let fp = pc101["partialFingerprints"]["policycheck/v3"].clone();
    assert!(fp.is_string(), "{pc101}");
    let reformatted: Value = serde_json::from_str(&file).unwrap();
    write(
        dir.path(),
        "site.json",
        &format!("\n\n{}", serde_json::to_string(&reformatted).unwrap()),
    );
    let again = json_of(&run_in(dir.path(), &["lint", "site.json", "-f", "sarif"]));
    let fp2 = again["runs"][0]["results"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["ruleId"] == "PC101")
        .unwrap()["partialFingerprints"]["policycheck/v3"]
        .clone();
    assert_eq!(fp, fp2);
    // A file that cannot be read marks the run as not successful.
    let out = run_in(
        dir.path(),
        &["lint", "site.json", "-f", "sarif", "-o", "out.sarif"],
    );
    assert_eq!(out.status.code(), Some(1));
    assert!(dir.path().join("out.sarif").is_file());
}

#[test]
fn github_annotations_escape_and_respect_the_caps() {
    let dir = tempfile::tempdir().unwrap();
    for i in 0..12 {
        write(dir.path(), &format!("p{i:02}.json"), PUBLIC);
    }
    let out = run_in(
        dir.path(),
        &["lint", ".", "-f", "github", "--select", "PC101"],
    );
    assert_eq!(out.status.code(), Some(1));
    let text = String::from_utf8_lossy(&out.stdout);
    let errors = text.lines().filter(|l| l.starts_with("::error ")).count();
    assert_eq!(errors, 10, "{text}");
    assert!(text.contains("::notice::policycheck: 2 more findings not annotated"));
    let first = text.lines().find(|l| l.starts_with("::error ")).unwrap();
    assert!(
        first.starts_with(
            "::error file=p00.json,line=7,endLine=7,col=20,endColumn=23,title=PC101 public-read::"
        ),
        "{first}"
    );
    assert!(
        first.contains("%0Ahelp: witness: anonymous"),
        "multi-line messages are escaped: {first}"
    );
    assert!(!first.contains('\n'));
}

#[test]
fn rules_and_explain() {
    let out = run_in(&root(), &["rules"]);
    assert_eq!(out.status.code(), Some(0));
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains("PC101  public-read"));
    let out = run_in(&root(), &["explain", "public-write"]);
    assert_eq!(out.status.code(), Some(0));
    assert!(String::from_utf8_lossy(&out.stdout).starts_with("# PC102 `public-write`"));
    assert_eq!(
        run_in(&root(), &["explain", "PC999"]).status.code(),
        Some(2)
    );
}

#[test]
fn the_committed_schema_is_current() {
    let out = run_in(&root(), &["schema"]);
    assert_eq!(out.status.code(), Some(0));
    let committed =
        std::fs::read_to_string(root().join("schemas/s3-bucket-policy.schema.json")).unwrap();
    assert_eq!(
        String::from_utf8_lossy(&out.stdout),
        committed,
        "schemas/s3-bucket-policy.schema.json is stale: run `policycheck schema > schemas/s3-bucket-policy.schema.json`"
    );
    let v: Value = serde_json::from_str(&committed).unwrap();
    assert_eq!(v["$schema"], "http://json-schema.org/draft-07/schema#");
}

#[test]
fn text_output_has_a_summary_and_respects_no_color() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "site.json", PUBLIC);
    let out = run_in(dir.path(), &["lint", "site.json"]);
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(!text.contains('\x1b'), "NO_COLOR means no ANSI escapes");
    assert!(
        text.lines()
            .last()
            .unwrap()
            .starts_with("policycheck: 1 file checked:"),
        "{text}"
    );
    assert!(text.contains("╭─[site.json:7:20]"));
    let forced = Command::new(env!("CARGO_BIN_EXE_policycheck"))
        .args(["lint", "site.json", "--color", "always"])
        .current_dir(dir.path())
        .output()
        .unwrap();
    assert!(String::from_utf8_lossy(&forced.stdout).contains('\x1b'));
    let quiet = run_in(dir.path(), &["lint", "site.json", "-qq"]);
    assert!(quiet.stdout.is_empty());
    assert_eq!(quiet.status.code(), Some(1));
}

/// A minified (one-line) policy with many findings and a hostile object with 50,000 keys:
/// every format answers, quickly, with the same located findings; text clips the long
/// line around each finding and still names the exact line and column (in characters).
#[test]
fn minified_and_very_wide_inputs_render_in_every_format() {
    let dir = tempfile::tempdir().unwrap();
    // 50,000 unknown top-level keys, after a non-ASCII key (columns count characters).
    let mut wide = String::from("{\"ü\": 0");
    for i in 0..50_000 {
        wide.push_str(&format!(", \"k{i}\": 0"));
    }
    wide.push('}');
    write(dir.path(), "wide.json", &wide);
    let k = wide.find("\"k40000\"").unwrap();
    let column = wide[..k].chars().count() + 1;

    let start = std::time::Instant::now();
    let json = json_of(&run_in(
        dir.path(),
        &["lint", "wide.json", "--format", "json"],
    ));
    let findings = json["files"][0]["findings"].as_array().unwrap();
    let f = findings
        .iter()
        .find(|f| f["message"].as_str().unwrap().contains("`k40000`"))
        .unwrap();
    assert_eq!(
        (f["line"].as_u64(), f["column"].as_u64()),
        (Some(1), Some(column as u64))
    );
    assert_eq!(
        findings.iter().filter(|f| f["code"] == "PC003").count(),
        50_001
    );

    let out = run_in(dir.path(), &["lint", "wide.json"]);
    assert_eq!(
        out.status.code(),
        Some(1),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let text = String::from_utf8_lossy(&out.stdout);
    let at = text.find("unknown element `k40000`").unwrap();
    let block = &text[at..at + 600];
    assert!(
        block.contains(&format!("╭─[wide.json:1:{column}]")),
        "{block}"
    );
    // The excerpt is clipped on both sides of the key, not the whole 700 KB line.
    let excerpt = block.lines().find(|l| l.contains("\"k40000\"")).unwrap();
    assert!(
        excerpt.contains('…') && excerpt.chars().count() < 250,
        "{excerpt}"
    );

    for format in ["sarif", "github"] {
        let out = run_in(dir.path(), &["lint", "wide.json", "--format", format]);
        assert_eq!(out.status.code(), Some(1), "{format}");
    }
    // Generous: each of these took minutes (or panicked) before the fixes.
    assert!(start.elapsed().as_secs() < 60, "{:?}", start.elapsed());
}

/// `policycheck rules | head -1`: a reader that closes the pipe early must not make the
/// binary panic, and the exit status stays the command's own (lint still fails).
#[test]
fn a_closed_stdout_pipe_is_not_a_panic() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "site.json", PUBLIC);
    for (args, code) in [
        (vec!["explain", "PC101"], 0),
        (vec!["rules"], 0),
        (vec!["schema"], 0),
        (vec!["lint", "site.json"], 1),
        (vec!["lint", "site.json", "--format", "json"], 1),
    ] {
        let mut child = Command::new(env!("CARGO_BIN_EXE_policycheck"))
            .args(&args)
            .current_dir(dir.path())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        // Close our end at once: every write the binary makes hits a closed pipe.
        drop(child.stdout.take());
        let out = child.wait_with_output().unwrap();
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(!stderr.contains("panicked"), "{args:?}: {stderr}");
        assert_eq!(out.status.code(), Some(code), "{args:?}: {stderr}");
    }
}

/// `--write-baseline` records today's findings (exit 0); `--baseline` then passes until a
/// new finding appears, reformatting does not disturb it, and a missing or foreign
/// baseline file is an error, never a pass.
#[test]
fn a_baseline_accepts_existing_findings_and_fails_on_new_ones() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    write(d, "policies/site.json", PUBLIC);
    write(d, "policies/private.json", PRIVATE);
    let out = run_in(
        d,
        &[
            "lint",
            "policies",
            "--no-config",
            "--write-baseline",
            "base.json",
        ],
    );
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let base: Value = serde_json::from_slice(&std::fs::read(d.join("base.json")).unwrap()).unwrap();
    assert_eq!(base["version"], 3);
    let recorded = base["findings"].as_array().unwrap();
    assert!(recorded
        .iter()
        .any(|f| f["code"] == "PC101" && f["path"] == "policies/site.json"));

    // Same findings: the gate passes, and says how many were baselined.
    let args = [
        "lint",
        "policies",
        "--no-config",
        "--baseline",
        "base.json",
        "-f",
        "json",
    ];
    let out = run_in(d, &args);
    assert_eq!(out.status.code(), Some(0));
    let v = json_of(&out);
    assert_eq!(
        v["summary"]["baselined"].as_u64(),
        Some(recorded.len() as u64)
    );
    assert!(v["files"]
        .as_array()
        .unwrap()
        .iter()
        .all(|f| f["findings"].as_array().unwrap().is_empty()));

    // Reformatted (one line): the identities hold.
    let compact: Value = serde_json::from_str(PUBLIC).unwrap();
    write(
        d,
        "policies/site.json",
        &serde_json::to_string(&compact).unwrap(),
    );
    assert_eq!(run_in(d, &args).status.code(), Some(0));

    // A harmless statement inserted above the baselined one, then the two swapped: the
    // public-read finding is on the same Sid'd statement, so it stays baselined (the
    // pointer's statement index is no part of the identity there; found by a review).
    let mut moved = compact.clone();
    let list = moved["Statement"].as_array_mut().unwrap();
    list.insert(
        0,
        serde_json::json!({
            "Sid": "AppRole", "Effect": "Allow",
            "Principal": {"AWS": "arn:aws:iam::111122223333:role/App"},
            "Action": "s3:GetObject", "Resource": "arn:aws:s3:::example-site/*"
        }),
    );
    write(
        d,
        "policies/site.json",
        &serde_json::to_string_pretty(&moved).unwrap(),
    );
    let out = run_in(d, &args);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stdout)
    );
    moved["Statement"].as_array_mut().unwrap().swap(0, 1);
    write(
        d,
        "policies/site.json",
        &serde_json::to_string_pretty(&moved).unwrap(),
    );
    assert_eq!(run_in(d, &args).status.code(), Some(0));
    write(d, "policies/site.json", PUBLIC);

    // A new public write grant in the private file: only that is reported, and it fails.
    let mut p: Value = serde_json::from_str(PRIVATE).unwrap();
    p["Statement"]
        .as_array_mut()
        .unwrap()
        .push(serde_json::json!({
            "Sid": "Uploads", "Effect": "Allow", "Principal": "*", "Action": "s3:PutObject",
            "Resource": "arn:aws:s3:::example-private/uploads/*"
        }));
    write(
        d,
        "policies/private.json",
        &serde_json::to_string_pretty(&p).unwrap(),
    );
    let out = run_in(d, &args);
    assert_eq!(out.status.code(), Some(1));
    let v = json_of(&out);
    let new: Vec<(String, String)> = v["files"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|f| {
            let path = f["path"].as_str().unwrap().to_string();
            f["findings"]
                .as_array()
                .unwrap()
                .iter()
                .map(move |x| (path.clone(), x["code"].as_str().unwrap().to_string()))
        })
        .collect();
    assert!(
        new.contains(&("policies/private.json".into(), "PC102".into())),
        "{new:?}"
    );
    assert!(
        new.iter().all(|(p, _)| p == "policies/private.json"),
        "{new:?}"
    );

    // A baseline that cannot be read never passes, nor one of an older version (its
    // identities are computed otherwise).
    write(
        d,
        "v2.json",
        r#"{"version": 2, "tool": "policycheck", "findings": []}"#,
    );
    for bad in ["missing.json", "policies/site.json", "v2.json"] {
        let out = run_in(d, &["lint", "policies", "--no-config", "--baseline", bad]);
        assert_eq!(out.status.code(), Some(2), "{bad}");
    }
}

/// No filter, level, suppression or baseline hides a file that is not a valid policy:
/// only the explicit report-only `--fail-on never` exits 0, and SARIF says the run did
/// not analyse it.
#[test]
fn an_invalid_policy_cannot_be_filtered_into_a_pass() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    write(
        d,
        "trunc.json",
        "{\"Version\": \"2012-10-17\", \"Statement\": [",
    );
    for args in [
        &["--select", "PC2"][..],
        &["--ignore", "PC001"],
        &["--ignore", "invalid-json,PC0"],
    ] {
        let out = run_in(
            d,
            &[&["lint", "--no-config", "trunc.json"][..], args].concat(),
        );
        assert_eq!(out.status.code(), Some(1), "{args:?}");
        let stderr = String::from_utf8_lossy(&out.stderr);
        if args[0] == "--ignore" {
            assert!(stderr.contains("always reported"), "{stderr}");
        }
    }
    write(
        d,
        "policycheck.toml",
        "[rules]\nlevels = { PC001 = \"note\" }\n\n[[suppress]]\nrule = \"PC001\"\npath = \"trunc.json\"\nreason = \"x\"\n",
    );
    let out = run_in(d, &["lint", "trunc.json", "-f", "json"]);
    assert_eq!(out.status.code(), Some(1));
    let v = json_of(&out);
    assert_eq!(v["files"][0]["findings"][0]["severity"], "error");
    assert_eq!(v["summary"]["invalid"], 1);
    std::fs::remove_file(d.join("policycheck.toml")).unwrap();
    // Recording a baseline does not make an invalid policy pass either (the file is
    // still written, without the finding it can never hold).
    let out = run_in(d, &["lint", "trunc.json", "--write-baseline", "b.json"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(d.join("b.json").is_file());
    let out = run_in(
        d,
        &[
            "lint",
            "trunc.json",
            "--write-baseline",
            "b.json",
            "--fail-on",
            "never",
        ],
    );
    assert_eq!(out.status.code(), Some(0));
    let out = run_in(d, &["lint", "trunc.json", "--baseline", "b.json"]);
    assert_eq!(out.status.code(), Some(1));
    let out = run_in(d, &["lint", "trunc.json", "--fail-on", "never"]);
    assert_eq!(out.status.code(), Some(0));
    let out = run_in(d, &["lint", "trunc.json", "--select", "PC2", "-f", "sarif"]);
    let run = &json_of(&out)["runs"][0];
    assert_eq!(run["results"].as_array().unwrap().len(), 1);
    assert_eq!(run["invocations"][0]["executionSuccessful"], false);
    let note = &run["invocations"][0]["toolExecutionNotifications"][0];
    assert!(note["message"]["text"]
        .as_str()
        .unwrap()
        .contains("trunc.json: not analysed"));
}

/// Two findings at one place (public-unknown for read and for write) have distinct
/// fingerprints, so a baselined one never hides the other.
#[test]
fn findings_at_one_place_have_distinct_identities() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let policy = r#"{"Version":"2012-10-17","Statement":[
      {"Sid":"DenyHttp","Effect":"Deny","Principal":"*","Action":"s3:*","Resource":["arn:aws:s3:::b","arn:aws:s3:::b/*"],"Condition":{"Bool":{"aws:SecureTransport":"false"}}},
      {"Sid":"A","Effect":"Allow","Principal":"*","Action":"s3:GetObject","Resource":"arn:aws:s3:::b/*","Condition":{"StringEquals":{"aws:PrincipalArn":"${aws:userid}${aws:username}"}}}]}"#;
    // Undecided (two variables in one value): public-unknown, then for read and write
    // at one place.
    write(d, "p.json", policy);
    let out = run_in(d, &["lint", "p.json", "--write-baseline", "base.json"]);
    assert_eq!(out.status.code(), Some(0));
    let base: Value = serde_json::from_slice(&std::fs::read(d.join("base.json")).unwrap()).unwrap();
    let fps: Vec<&str> = base["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["fingerprint"].as_str().unwrap())
        .collect();
    let mut unique = fps.clone();
    unique.sort_unstable();
    unique.dedup();
    assert_eq!(unique.len(), fps.len(), "{base}");
    // Widening the statement to writes adds a write finding that is not baselined.
    write(
        d,
        "p.json",
        &policy.replace(
            r#""Action":"s3:GetObject""#,
            r#""Action":["s3:GetObject","s3:PutObject"]"#,
        ),
    );
    let out = run_in(
        d,
        &["lint", "p.json", "--baseline", "base.json", "-f", "json"],
    );
    assert_eq!(
        out.status.code(),
        Some(1),
        "{}",
        String::from_utf8_lossy(&out.stdout)
    );
    let v = json_of(&out);
    assert!(v["files"][0]["findings"]
        .as_array()
        .unwrap()
        .iter()
        .any(|f| f["code"] == "PC103" && f["message"].as_str().unwrap().contains("write")));
    // A SARIF log never repeats a fingerprint within a file.
    let out = run_in(d, &["lint", "p.json", "-f", "sarif"]);
    let results = json_of(&out)["runs"][0]["results"]
        .as_array()
        .unwrap()
        .clone();
    let mut fps: Vec<String> = results
        .iter()
        .map(|r| {
            r["partialFingerprints"]["policycheck/v3"]
                .as_str()
                .unwrap()
                .to_string()
        })
        .collect();
    let n = fps.len();
    fps.sort();
    fps.dedup();
    assert_eq!(fps.len(), n);
}

/// Paths in SARIF and config globs are relative to the project root (the config's
/// directory), whatever the working directory; URIs are percent-encoded.
#[test]
fn paths_are_project_relative_and_uris_encoded() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    write(d, "policies/site.json", PUBLIC);
    write(d, "policies/examples/public.json", PUBLIC);
    write(d, "policies/my policy ü#1.json", PUBLIC);
    write(d, "sub/.keep", "");
    write(
        d,
        "policycheck.toml",
        "[files]\nexclude = [\"policies/examples/**\"]\n",
    );
    let uris = |cwd: &Path, path: &str| -> Vec<String> {
        let out = run_in(cwd, &["lint", path, "-f", "sarif"]);
        let mut u: Vec<String> = json_of(&out)["runs"][0]["results"]
            .as_array()
            .unwrap()
            .iter()
            .map(|r| {
                r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]
                    .as_str()
                    .unwrap()
                    .to_string()
            })
            .collect();
        u.sort();
        u.dedup();
        u
    };
    let want = vec![
        "policies/my%20policy%20%C3%BC%231.json".to_string(),
        "policies/site.json".to_string(),
    ];
    assert_eq!(uris(d, "policies"), want);
    assert_eq!(uris(&d.join("sub"), "../policies"), want);
    assert_eq!(uris(&d.join("policies"), "."), want);
}

/// A gate that lints nothing fails; symbolic links are followed, and a dangling one is
/// an error; -v lists what was checked and skipped.
#[test]
fn nothing_to_lint_fails_and_links_are_followed() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    write(d, "empty/readme.txt", "not a policy");
    let out = run_in(d, &["lint", "empty"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("no policy file to lint"));
    let target = write(d, "real/public.json", PUBLIC);
    std::fs::create_dir_all(d.join("linked")).unwrap();
    #[cfg(unix)]
    {
        std::os::unix::fs::symlink(&target, d.join("linked/upload.json")).unwrap();
        let out = run_in(d, &["lint", "linked", "-f", "json", "-v"]);
        assert_eq!(out.status.code(), Some(1));
        assert_eq!(json_of(&out)["summary"]["files"], 1);
        assert!(String::from_utf8_lossy(&out.stderr).contains("checked linked/upload.json"));
        std::os::unix::fs::symlink(d.join("nowhere.json"), d.join("linked/gone.json")).unwrap();
        let out = run_in(d, &["lint", "linked"]);
        assert_eq!(out.status.code(), Some(2));
        assert!(String::from_utf8_lossy(&out.stderr).contains("gone.json"));
    }
    write(d, "mixed/a.json", PUBLIC);
    write(d, "mixed/notes.txt", "x");
    write(d, "mixed/node_modules/pkg/package.json", "{}");
    let out = run_in(d, &["lint", "mixed", "-v"]);
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("skipped mixed/notes.txt"), "{err}");
    // The folders a walk does not enter are listed too (a review missed them).
    assert!(
        err.contains("skipped mixed/node_modules (a folder walks skip"),
        "{err}"
    );
    assert!(!err.contains("package.json"), "{err}");
}

#[test]
fn json_findings_name_their_statement_pointer_and_fingerprint() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "site.json", PUBLIC);
    let out = run_in(dir.path(), &["lint", "site.json", "-f", "json"]);
    assert_eq!(out.status.code(), Some(1));
    let v = json_of(&out);
    let findings = v["files"][0]["findings"].as_array().unwrap().clone();
    let pc101 = findings.iter().find(|f| f["code"] == "PC101").unwrap();
    assert_eq!(pc101["pointer"], "/Statement/0/Principal");
    assert_eq!(pc101["statement"]["index"], 0);
    assert_eq!(pc101["statement"]["sid"], "PublicRead");

    // The same identities as SARIF's fingerprints and the baseline's, in the same order.
    let sarif = json_of(&run_in(dir.path(), &["lint", "site.json", "-f", "sarif"]));
    let fingerprints: Vec<&Value> = sarif["runs"][0]["results"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| &r["partialFingerprints"]["policycheck/v3"])
        .collect();
    let from_json: Vec<&Value> = findings.iter().map(|f| &f["fingerprint"]).collect();
    assert_eq!(from_json, fingerprints);
    assert!(from_json
        .iter()
        .all(|f| f.as_str().is_some_and(|s| s.len() == 16)));
    run_in(
        dir.path(),
        &["lint", "site.json", "--write-baseline", "base.json"],
    );
    let base: Value =
        serde_json::from_str(&std::fs::read_to_string(dir.path().join("base.json")).unwrap())
            .unwrap();
    for e in base["findings"].as_array().unwrap() {
        assert!(from_json.contains(&&e["fingerprint"]), "{e}");
        let f = findings
            .iter()
            .find(|f| f["fingerprint"] == e["fingerprint"])
            .unwrap();
        assert_eq!(f["pointer"], e["pointer"]);
    }

    // Reformatting the file keeps every identity.
    let reformatted =
        serde_json::to_string(&serde_json::from_str::<Value>(PUBLIC).unwrap()).unwrap();
    write(dir.path(), "site.json", &reformatted);
    let again = json_of(&run_in(dir.path(), &["lint", "site.json", "-f", "json"]));
    let again: Vec<Value> = again["files"][0]["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["fingerprint"].clone())
        .collect();
    let mut before: Vec<Value> = from_json.into_iter().cloned().collect();
    let mut after = again;
    before.sort_by_key(|v| v.to_string());
    after.sort_by_key(|v| v.to_string());
    assert_eq!(before, after);

    // Text that is not JSON has findings without a pointer.
    write(dir.path(), "broken.json", "{\"Version\": ");
    let broken = json_of(&run_in(dir.path(), &["lint", "broken.json", "-f", "json"]));
    let f = &broken["files"][0]["findings"][0];
    assert_eq!(f["code"], "PC001");
    assert!(f.get("pointer").is_none(), "{f}");
    assert!(f["fingerprint"].as_str().is_some());
}

#[test]
fn required_version_is_checked_with_its_location() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "site.json", PUBLIC);
    write(
        dir.path(),
        "policycheck.toml",
        "fail-on = \"never\"\nrequired-version = \">=0.1\"\n",
    );
    let out = run_in(dir.path(), &["lint", "site.json"]);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    write(
        dir.path(),
        "policycheck.toml",
        "fail-on = \"never\"\nrequired-version = \">=99.0\"\n",
    );
    let out = run_in(dir.path(), &["lint", "site.json"]);
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("policycheck.toml:2:20:"), "{err}");
    assert!(err.contains("required-version = \">=99.0\""), "{err}");
}

#[test]
fn show_settings_says_what_a_run_uses_and_where_from() {
    let dir = tempfile::tempdir().unwrap();
    write(
        dir.path(),
        "policycheck.toml",
        "fail-on = \"warning\"\n[rules]\nignore = [\"PC402\"]\nlevels = { PC205 = \"error\" }\n",
    );
    let out = run_in(
        dir.path(),
        &["lint", "--show-settings", "--select", "PC2,PC4"],
    );
    assert_eq!(out.status.code(), Some(0));
    let text = String::from_utf8_lossy(&out.stdout).to_string();
    for want in [
        "config: ",
        "fail-on: warning (config)",
        "rules.select: PC2, PC4 (command line)",
        "rules.ignore: PC402 (config)",
        "  PC205 account-wide-grant error (default note; rules.levels)",
        "  PC001 invalid-json error (always on",
    ] {
        assert!(text.contains(want), "missing `{want}` in:\n{text}");
    }
    let off = text.lines().find(|l| l.starts_with("rules off: ")).unwrap();
    assert!(
        off.contains("PC101") && off.contains("PC402") && !off.contains("PC204"),
        "{off}"
    );
    // With the bucket known, PC312 reports at error, and the settings say so.
    let shown = |extra: &[&str]| {
        let out = run_in(
            dir.path(),
            &[&["lint", "--show-settings"][..], extra].concat(),
        );
        let text = String::from_utf8_lossy(&out.stdout).to_string();
        text.lines()
            .find(|l| l.starts_with("  PC312 "))
            .unwrap_or_default()
            .to_string()
    };
    assert_eq!(shown(&[]), "  PC312 resource-outside-bucket warning");
    assert!(
        shown(&["--bucket", "site"])
            .starts_with("  PC312 resource-outside-bucket error (default warning; `bucket` is set"),
        "{}",
        shown(&["--bucket", "site"])
    );
    // The same selection the run applies: PC402 is not reported, PC204 is.
    write(dir.path(), "p.json", PUBLIC);
    let run = json_of(&run_in(
        dir.path(),
        &["lint", "p.json", "-f", "json", "--select", "PC2,PC4"],
    ));
    let codes: Vec<&str> = run["files"][0]["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["code"].as_str().unwrap())
        .collect();
    assert!(
        codes.contains(&"PC204") && !codes.contains(&"PC101"),
        "{codes:?}"
    );
}

#[test]
fn no_graphics_narrates_findings_for_screen_readers() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "site.json", PUBLIC);
    let run = |no_graphics: Option<&str>| {
        let mut cmd = Command::new(env!("CARGO_BIN_EXE_policycheck"));
        cmd.args(["lint", "site.json", "--no-config"])
            .current_dir(dir.path())
            .env("NO_COLOR", "1")
            .env_remove("NO_GRAPHICS");
        if let Some(v) = no_graphics {
            cmd.env("NO_GRAPHICS", v);
        }
        let out = cmd.output().unwrap();
        assert_eq!(out.status.code(), Some(1));
        String::from_utf8_lossy(&out.stdout).to_string()
    };
    let narrated = run(Some("1"));
    assert!(
        narrated
            .contains("label at line 7, columns 20 to 22: reaches callers outside your accounts"),
        "{narrated}"
    );
    assert!(
        narrated.contains("diagnostic code: PC101(public-read)"),
        "{narrated}"
    );
    assert!(!narrated.contains(['╭', '│', '─']), "{narrated}");
    // Unset or empty: the graphical report.
    for graphical in [run(None), run(Some(""))] {
        assert!(
            graphical.contains('╭') && !graphical.contains("label at line"),
            "{graphical}"
        );
    }
}

#[test]
fn double_verbose_traces_the_public_access_answer_by_statement() {
    let dir = root().join("policies");
    let out = run_in(
        &dir,
        &[
            "lint",
            "public-website.json",
            "vpc-endpoint-only.json",
            "-vv",
            "--no-config",
        ],
    );
    let text = String::from_utf8_lossy(&out.stdout).to_string();
    for want in [
        "public-website.json: public read access: public",
        "  witness (Read): anonymous `s3:GetObject` on `arn:aws:s3:::example-website/",
        "  statement PublicReadForWebsite (#0) grants: ",
        "public-website.json: public write access: not-public",
        "vpc-endpoint-only.json: public read access: not-public",
        "  statement AllowReadFromOurVpcEndpoint (#0) restricted-by-condition: ",
    ] {
        assert!(text.contains(want), "missing `{want}` in:\n{text}");
    }
    // Not with a single -v.
    let out = run_in(&dir, &["lint", "public-website.json", "-v", "--no-config"]);
    assert!(!String::from_utf8_lossy(&out.stdout).contains("public read access"));
}

#[test]
fn the_role_id_pattern_reading_comes_from_the_config() {
    let dir = tempfile::tempdir().unwrap();
    write(
        dir.path(),
        "role.json",
        r#"{"Version": "2012-10-17", "Statement": [{"Sid": "RoleSessions", "Effect": "Allow", "Principal": "*", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::b/*", "Condition": {"StringLike": {"aws:userid": "AROAEXAMPLEROLEID:*"}}}]}"#,
    );
    let verdict = |dir: &Path| -> String {
        let out = run_in(dir, &["lint", "role.json", "--format", "json"]);
        let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
        v["files"][0]["access"]["verdict"]
            .as_str()
            .unwrap()
            .to_string()
    };
    // The default reading (spec §6.2): one role's sessions are a fixed principal.
    assert_eq!(verdict(dir.path()), "not-public");
    write(
        dir.path(),
        "policycheck.toml",
        "userid-role-pattern = \"public\"\n",
    );
    assert_eq!(verdict(dir.path()), "public");
    let out = run_in(dir.path(), &["lint", "--show-settings"]);
    assert!(
        String::from_utf8_lossy(&out.stdout).contains("userid-role-pattern: public (config)"),
        "{}",
        String::from_utf8_lossy(&out.stdout)
    );
    write(
        dir.path(),
        "policycheck.toml",
        "userid-role-pattern = \"pins\"\n",
    );
    assert_eq!(verdict(dir.path()), "not-public");
    write(
        dir.path(),
        "policycheck.toml",
        "userid-role-pattern = \"maybe\"\n",
    );
    let out = run_in(dir.path(), &["lint", "role.json"]);
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("policycheck.toml:1:"), "{err}");
}

/// `-c policycheck.toml` (a config path without a folder) makes the config's folder the
/// project root, as an absolute path does: includes, excludes and report paths agree.
#[test]
fn a_relative_config_path_is_the_project_root() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    write(d, "policies/site.json", PUBLIC);
    write(d, "policies/examples/ex.json", PUBLIC);
    write(
        d,
        "ci/exc.toml",
        "[files]\nexclude = [\"policies/examples/**\"]\n",
    );
    write(
        d,
        "inc.toml",
        "[files]\ninclude = [\"policies/**/*.json\"]\n",
    );
    write(
        d,
        "exc.toml",
        "[files]\nexclude = [\"policies/examples/**\"]\n",
    );
    let files = |args: &[&str]| -> Vec<String> {
        let out = run_in(d, &[&["lint", "-f", "sarif"][..], args].concat());
        assert_eq!(out.status.code(), Some(1), "{args:?}: {out:?}");
        let mut u: Vec<String> = json_of(&out)["runs"][0]["results"]
            .as_array()
            .unwrap()
            .iter()
            .map(|r| {
                let loc = &r["locations"][0]["physicalLocation"]["artifactLocation"];
                loc["uri"].as_str().unwrap().to_string()
            })
            .collect();
        u.sort();
        u.dedup();
        u
    };
    let both = ["policies/examples/ex.json", "policies/site.json"];
    let abs = d.join("inc.toml");
    assert_eq!(files(&["-c", abs.to_str().unwrap(), "."]), both);
    assert_eq!(files(&["-c", "inc.toml", "."]), both);
    assert_eq!(files(&["-c", "./inc.toml", "."]), both);
    assert_eq!(files(&["-c", "exc.toml", "."]), ["policies/site.json"]);
    // The config's folder is the root even when it is not the working directory.
    let out = run_in(
        d,
        &["lint", "-c", "ci/exc.toml", "policies", "--show-settings"],
    );
    let settings = String::from_utf8_lossy(&out.stdout);
    let root = d.canonicalize().unwrap().join("ci");
    assert!(
        settings.contains(&format!(
            "project root (paths in reports): {}",
            root.display()
        )) || settings.contains(&format!(
            "project root (paths in reports): {}",
            d.join("ci").display()
        )),
        "{settings}"
    );
}

/// One file named under two spellings is linted once; the files a run reads or writes
/// itself are not policies; an invalid file pattern is an error, not a silent no-op.
#[test]
fn inputs_are_linted_once_and_bad_patterns_are_errors() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    write(d, "policies/site.json", PUBLIC);
    let count = |args: &[&str]| -> u64 {
        let out = run_in(
            d,
            &[&["lint", "--no-config", "-f", "json"][..], args].concat(),
        );
        json_of(&out)["summary"]["files"].as_u64().unwrap()
    };
    let abs = d.join("policies/site.json");
    assert_eq!(count(&["policies/site.json", "./policies/site.json"]), 1);
    assert_eq!(count(&["policies", "./policies"]), 1);
    assert_eq!(count(&["policies/site.json", abs.to_str().unwrap()]), 1);
    assert_eq!(
        count(&["policies/site.json", "policies/../policies/site.json"]),
        1
    );

    // The baseline written into the linted folder is not linted as a policy next time.
    let out = run_in(
        d,
        &["lint", "--no-config", "--write-baseline", ".baseline.json"],
    );
    assert_eq!(out.status.code(), Some(0), "{out:?}");
    let out = run_in(
        d,
        &["lint", "--no-config", "--baseline", ".baseline.json", "-v"],
    );
    assert_eq!(out.status.code(), Some(0), "{out:?}");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("skipped .baseline.json (a file this run reads or writes"),
        "{stderr}"
    );
    // Nor is a report written there by the previous run.
    std::fs::remove_file(d.join(".baseline.json")).unwrap();
    for _ in 0..2 {
        let out = run_in(
            d,
            &["lint", "--no-config", "-f", "json", "-o", "report.json"],
        );
        assert_eq!(out.status.code(), Some(1));
        let report: Value =
            serde_json::from_slice(&std::fs::read(d.join("report.json")).unwrap()).unwrap();
        assert_eq!(report["summary"]["files"], 1);
    }

    for (args, says) in [
        (&["--exclude", "ex/["][..], "`[` is never closed"),
        (&["policies/{a"][..], "`{` is never closed"),
        (&["--exclude", "a}"][..], "without an opening"),
    ] {
        let out = run_in(
            d,
            &[&["lint", "--no-config", "policies"][..], args].concat(),
        );
        assert_eq!(out.status.code(), Some(2), "{args:?}");
        assert!(
            String::from_utf8_lossy(&out.stderr).contains(says),
            "{out:?}"
        );
    }
    write(d, "policycheck.toml", "[files]\nexclude = [\"ex/{a\"]\n");
    let out = run_in(d, &["lint", "policies"]);
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("[files] exclude: the pattern `ex/{a`, column 4"),
        "{stderr}"
    );
}

/// -q drops the summary, -qq prints nothing, in every format; the exit code stays.
#[test]
fn quiet_applies_to_every_format() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    write(d, "p.json", PUBLIC);
    for format in ["text", "json", "sarif", "github"] {
        let out = run_in(d, &["lint", "--no-config", "p.json", "-f", format, "-qq"]);
        assert_eq!(out.status.code(), Some(1), "{format}");
        assert!(out.stdout.is_empty(), "{format}: {out:?}");
    }
    let out = run_in(d, &["lint", "--no-config", "p.json", "-f", "github", "-q"]);
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(stdout.contains("::error file=p.json"), "{stdout}");
    assert!(!stdout.contains("1 file checked"), "{stdout}");
    let out = run_in(
        d,
        &[
            "lint",
            "--no-config",
            "p.json",
            "-f",
            "json",
            "-qq",
            "-o",
            "r.json",
        ],
    );
    assert_eq!(out.status.code(), Some(1));
    assert!(out.stdout.is_empty());
    assert!(std::fs::read(d.join("r.json")).unwrap().starts_with(b"{"));
    let out = run_in(d, &["lint", "--no-config", "p.json", "-qq", "-o", "r.txt"]);
    assert!(out.stdout.is_empty());
    let text = std::fs::read_to_string(d.join("r.txt")).unwrap();
    assert!(
        text.contains("PC101") && !text.contains("1 file checked"),
        "{text}"
    );
}

/// A path that exists but is not a regular file (a pipe) is read; one that cannot be
/// reached says why, not "no such file".
#[cfg(unix)]
#[test]
fn pipes_are_read_and_link_loops_say_so() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    std::os::unix::fs::symlink(d.join("loop.json"), d.join("loop.json")).unwrap();
    let out = run_in(d, &["lint", "--no-config", "loop.json"]);
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("cannot read") && !stderr.contains("no such file"),
        "{stderr}"
    );
    let out = Command::new("bash")
        .arg("-c")
        .arg(format!(
            "{} lint --no-config <(printf '%s' \"$P\") -f json",
            env!("CARGO_BIN_EXE_policycheck")
        ))
        .env("P", PUBLIC)
        .current_dir(d)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1), "{out:?}");
    assert_eq!(json_of(&out)["files"][0]["access"]["verdict"], "public");
}

#[test]
fn control_characters_from_the_policy_cannot_forge_output() {
    // A Sid with ESC sequences, CR and LF: in a terminal or a CI log it could clear the
    // screen, colour text or print a line that reads as another finding.
    let dir = tempfile::tempdir().unwrap();
    let sid = r"x\u001b[2J\u001b[31mok\r\nfake.json:1:1: note[PC000] all good\u202e";
    write(dir.path(), "p.json", &PUBLIC.replace("PublicRead", sid));
    for format in [
        &["--concise"][..],
        &["-f", "github"],
        &["-f", "text"],
        &["-vv"],
    ] {
        let mut args = vec!["lint", "--no-config", "p.json"];
        args.extend_from_slice(format);
        let out = run_in(dir.path(), &args);
        assert_eq!(out.status.code(), Some(1), "{format:?}");
        let text = String::from_utf8(out.stdout).unwrap();
        assert!(!text.contains('\u{1b}'), "{format:?}: {text}");
        assert!(!text.contains('\r'), "{format:?}: {text}");
        assert!(!text.contains('\u{202e}'), "{format:?}: {text}");
        assert!(
            !text.lines().any(|l| l.starts_with("fake.json")),
            "{format:?}: {text}"
        );
        // What was there is still shown, escaped.
        assert!(
            text.contains(r"x\u{1b}[2J\u{1b}[31mok\r\nfake.json"),
            "{format:?}: {text}"
        );
    }
    // The JSON report keeps the Sid as it is (JSON escapes it).
    let out = run_in(dir.path(), &["lint", "--no-config", "-f", "json", "p.json"]);
    let v = json_of(&out);
    let granted = &v["files"][0]["access"]["details"]["read"]["witnesses"][0]["granted_by"];
    assert!(
        granted.as_str().unwrap().starts_with("x\u{1b}[2J"),
        "{granted}"
    );
    // The eval trace too.
    let out = Command::new(env!("CARGO_BIN_EXE_policycheck"))
        .args(["eval", "p.json", "--action", "s3:GetObject", "--resource"])
        .arg("arn:aws:s3:::example-site/a")
        .current_dir(dir.path())
        .env("NO_COLOR", "1")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0));
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(!text.contains('\u{1b}') && !text.contains('\r'), "{text}");
    assert!(text.contains(r"x\u{1b}[2J"), "{text}");
}

#[test]
fn lone_cr_line_endings_give_the_lines_editors_show() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "mac.json", &PUBLIC.replace('\n', "\r"));
    write(dir.path(), "unix.json", PUBLIC);
    let at = |name: &str, format: &[&str]| {
        let mut args = vec!["lint", "--no-config", name];
        args.extend_from_slice(format);
        String::from_utf8(run_in(dir.path(), &args).stdout).unwrap()
    };
    let unix = at("unix.json", &["--concise"]);
    assert!(unix.contains("\nunix.json:7:20: error[PC101]"), "{unix}");
    assert_eq!(
        at("mac.json", &["--concise"]),
        unix.replace("unix.json", "mac.json")
    );
    let sarif: Value = serde_json::from_str(&at("mac.json", &["-f", "sarif"])).unwrap();
    let results = sarif["runs"][0]["results"].as_array().unwrap();
    let pc101 = results.iter().find(|r| r["ruleId"] == "PC101").unwrap();
    let region = &pc101["locations"][0]["physicalLocation"]["region"];
    assert_eq!(
        (region["startLine"].as_u64(), region["startColumn"].as_u64()),
        (Some(7), Some(20))
    );
    // The excerpt shows the lines, numbered as in an editor.
    let text = at("mac.json", &[]);
    assert!(text.contains("[mac.json:7:20]"), "{text}");
    assert!(text.contains(r#" 7 │       "Principal": "*","#), "{text}");
}

#[test]
fn bucket_flag_sets_the_bucket_the_analysis_asks_about() {
    // Everything but a sibling bucket's logs: public for the bucket it is attached to.
    let dir = tempfile::tempdir().unwrap();
    write(
        dir.path(),
        "p.json",
        r#"{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Principal": "*",
  "Action": "s3:GetObject", "NotResource": "arn:aws:s3:::example-bucket-logs/*"}]}"#,
    );
    let out = run_in(
        dir.path(),
        &[
            "lint",
            "--no-config",
            "-f",
            "json",
            "--bucket",
            "example-bucket",
            "p.json",
        ],
    );
    assert_eq!(out.status.code(), Some(1));
    let v = json_of(&out);
    let access = &v["files"][0]["access"];
    assert_eq!(access["verdict"], "public");
    let w = &access["witnesses"][0];
    assert!(
        w["resource"]
            .as_str()
            .unwrap()
            .starts_with("arn:aws:s3:::example-bucket/"),
        "{w}"
    );
    std::fs::write(dir.path().join("w.json"), w.to_string()).unwrap();
    let out = run_in(dir.path(), &["eval", "p.json", "--request", "w.json"]);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stdout)
    );
}

#[cfg(unix)]
#[test]
fn a_pipe_in_a_walked_directory_is_skipped_and_said_so_with_v() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "d/ok.json", PRIVATE);
    let status = Command::new("mkfifo")
        .arg(dir.path().join("d/pipe.json"))
        .status()
        .unwrap();
    assert!(status.success());
    // Never opened (reading it would block): not linted, and -v names it.
    let out = run_in(dir.path(), &["lint", "--no-config", "-v", "d"]);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let err = String::from_utf8(out.stderr).unwrap();
    assert!(
        err.contains("skipped d/pipe.json (not a regular file"),
        "{err}"
    );
    assert!(err.contains("checked d/ok.json"), "{err}");
}
