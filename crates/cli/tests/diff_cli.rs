#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // test code: failing loudly is the point

//! `policycheck diff` end to end: the review scenarios under `fixtures/diff/`, `--base`
//! over a git repository, invalid input, formats, and witnesses checked both ways.

use serde_json::Value;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

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

fn eval_code(dir: &Path, policy: &Path, witness: &Value) -> Option<i32> {
    let req = dir.join("witness.json");
    std::fs::write(&req, witness.to_string()).unwrap();
    run_in(
        dir,
        &[
            "eval",
            policy.to_str().unwrap(),
            "--request",
            req.to_str().unwrap(),
        ],
    )
    .status
    .code()
}

#[test]
fn review_scenarios() {
    let dir = root().join("fixtures/diff");
    let tmp = tempfile::tempdir().unwrap();
    let mut n = 0;
    for entry in std::fs::read_dir(&dir).unwrap() {
        let case = entry.unwrap().path();
        let name = case.file_name().unwrap().to_string_lossy().to_string();
        let expect: Value =
            serde_json::from_str(&std::fs::read_to_string(case.join("expect.json")).unwrap())
                .unwrap();
        let (old, new) = (case.join("old.json"), case.join("new.json"));
        let out = run_in(
            &root(),
            &[
                "diff",
                old.to_str().unwrap(),
                new.to_str().unwrap(),
                "-f",
                "json",
            ],
        );
        assert_eq!(
            out.status.code().map(i64::from),
            expect["exit"].as_i64(),
            "{name}: {}",
            String::from_utf8_lossy(&out.stdout)
        );
        if let Some(any) = expect.get("exit_any") {
            let o = run_in(
                &root(),
                &[
                    "diff",
                    old.to_str().unwrap(),
                    new.to_str().unwrap(),
                    "--fail-on-new",
                    "any",
                ],
            );
            assert_eq!(
                o.status.code().map(i64::from),
                any.as_i64(),
                "{name} --fail-on-new any"
            );
        }
        let v: Value = serde_json::from_slice(&out.stdout).unwrap();
        assert_eq!(v["version"], 1);
        let added = v["added"].as_array().unwrap();
        for want in expect["added"].as_array().unwrap() {
            let hit = added.iter().any(|a| {
                a["caller"] == want["caller"]
                    && a["level"] == want["level"]
                    && a["statements"] == want["statements"]
            });
            assert!(hit, "{name}: expected {want} among {added:?}");
        }
        if expect["added"].as_array().unwrap().is_empty() {
            assert!(
                added.is_empty(),
                "{name}: no new access expected, got {added:?}"
            );
        }
        if let Some(rm) = expect.get("removed") {
            if rm.as_array().unwrap().is_empty() {
                assert!(
                    v["removed"].as_array().unwrap().is_empty(),
                    "{name}: {}",
                    v["removed"]
                );
            }
        }
        // Every witness: allowed by NEW (exit 0), denied by OLD (exit 1).
        for a in added {
            assert_eq!(
                eval_code(tmp.path(), &new, &a["witness"]),
                Some(0),
                "{name}: witness {} not allowed by new",
                a["witness"]
            );
            assert_eq!(
                eval_code(tmp.path(), &old, &a["witness"]),
                Some(1),
                "{name}: witness {} allowed by old",
                a["witness"]
            );
        }
        for r in v["removed"].as_array().unwrap() {
            assert_eq!(
                eval_code(tmp.path(), &old, &r["witness"]),
                Some(0),
                "{name}: removed witness not allowed by old"
            );
            assert_eq!(
                eval_code(tmp.path(), &new, &r["witness"]),
                Some(1),
                "{name}: removed witness allowed by new"
            );
        }
        n += 1;
    }
    assert!(n >= 8);
}

/// A named account's grant limited to its office range is new access for that account
/// (narrow ranges keep out outsiders only), and the text witness shows the context it
/// needs (a review found both missing).
#[test]
fn an_account_grant_from_its_office_range_is_new_access_with_its_context() {
    let dir = tempfile::tempdir().unwrap();
    let read = r#"{"Sid": "Read", "Effect": "Allow", "Principal": {"AWS": "444455556666"}, "Action": "s3:GetObject", "Resource": "arn:aws:s3:::b/*"}"#;
    let office = r#"{"Sid": "FromOffice", "Effect": "Allow", "Principal": {"AWS": "444455556666"}, "Action": "s3:PutObject", "Resource": "arn:aws:s3:::b/*", "Condition": {"IpAddress": {"aws:SourceIp": "203.0.113.0/24"}}}"#;
    let policy = |sts: &str| format!(r#"{{"Version": "2012-10-17", "Statement": [{sts}]}}"#);
    std::fs::write(dir.path().join("old.json"), policy(read)).unwrap();
    std::fs::write(
        dir.path().join("new.json"),
        policy(&format!("{read}, {office}")),
    )
    .unwrap();
    let diff = |old: &str, new: &str| {
        let out = run_in(dir.path(), &["diff", old, new, "--fail-on-new", "any"]);
        (
            out.status.code(),
            String::from_utf8_lossy(&out.stdout).into_owned(),
        )
    };
    let (code, text) = diff("old.json", "new.json");
    assert_eq!(code, Some(1), "{text}");
    assert!(
        text.contains("NEW write access for account 444455556666 via `FromOffice`"),
        "{text}"
    );
    assert!(text.contains("aws:SourceIp=203.0.113."), "{text}");
    // The other way round: removed, and no new access.
    let (code, text) = diff("new.json", "old.json");
    assert_eq!(code, Some(0), "{text}");
    assert!(
        text.contains("removed write access for account 444455556666"),
        "{text}"
    );
}

#[test]
fn invalid_or_missing_input_is_exit_2_never_no_new_access() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("ok.json"), r#"{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Principal": "*", "Action": "s3:GetObject", "Resource": "*"}]}"#).unwrap();
    std::fs::write(dir.path().join("bad.json"), "{\n  \"Statement\": [,]\n}\n").unwrap();
    let out = run_in(dir.path(), &["diff", "bad.json", "ok.json"]);
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("bad.json:2:17") && err.contains("not a valid policy"),
        "{err}"
    );
    assert_eq!(
        run_in(dir.path(), &["diff", "ok.json", "missing.json"])
            .status
            .code(),
        Some(2)
    );
    assert_eq!(
        run_in(dir.path(), &["diff", "ok.json"]).status.code(),
        Some(2)
    );
}

fn git(dir: &Path, args: &[&str]) {
    let ok = Command::new("git")
        .args(args)
        .current_dir(dir)
        .env("GIT_AUTHOR_NAME", "t")
        .env("GIT_AUTHOR_EMAIL", "t@example.com")
        .env("GIT_COMMITTER_NAME", "t")
        .env("GIT_COMMITTER_EMAIL", "t@example.com")
        .output()
        .unwrap();
    assert!(
        ok.status.success(),
        "git {args:?}: {}",
        String::from_utf8_lossy(&ok.stderr)
    );
}

#[test]
fn base_mode_compares_a_directory_with_a_git_revision() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let scen = root().join("fixtures/diff");
    std::fs::create_dir_all(d.join("policies")).unwrap();
    std::fs::copy(
        scen.join("condition-dropped/old.json"),
        d.join("policies/reports.json"),
    )
    .unwrap();
    std::fs::copy(
        scen.join("account-widened/old.json"),
        d.join("policies/partner.json"),
    )
    .unwrap();
    std::fs::copy(
        scen.join("equivalent-rewrite/old.json"),
        d.join("policies/gone.json"),
    )
    .unwrap();
    git(d, &["init", "-q"]);
    git(d, &["add", "."]);
    git(d, &["commit", "-qm", "base"]);
    // Change one, add one, delete one.
    std::fs::copy(
        scen.join("condition-dropped/new.json"),
        d.join("policies/reports.json"),
    )
    .unwrap();
    std::fs::copy(
        scen.join("principal-widened/new.json"),
        d.join("policies/new-site.json"),
    )
    .unwrap();
    std::fs::remove_file(d.join("policies/gone.json")).unwrap();
    let out = run_in(d, &["diff", "--base", "HEAD", "policies", "-f", "json"]);
    assert_eq!(
        out.status.code(),
        Some(1),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    let status = |p: &str| {
        v["files"]
            .as_array()
            .unwrap()
            .iter()
            .find(|f| f["path"] == p)
            .map(|f| f["status"].clone())
    };
    assert_eq!(status("policies/reports.json"), Some("modified".into()));
    assert_eq!(status("policies/new-site.json"), Some("added".into()));
    assert_eq!(status("policies/gone.json"), Some("deleted".into()));
    assert_eq!(status("policies/partner.json"), Some("unchanged".into()));
    let added_paths: Vec<&str> = v["added"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|a| a["caller"] == "public")
        .map(|a| a["path"].as_str().unwrap())
        .collect();
    assert!(
        added_paths.contains(&"policies/reports.json")
            && added_paths.contains(&"policies/new-site.json")
    );
    assert!(v["removed"]
        .as_array()
        .unwrap()
        .iter()
        .any(|r| r["path"] == "policies/gone.json"));
    assert!(!v["added"]
        .as_array()
        .unwrap()
        .iter()
        .any(|a| a["path"] == "policies/partner.json"));
    // Unchanged tree: nothing new.
    git(d, &["add", "-A"]);
    git(d, &["commit", "-qm", "next"]);
    assert_eq!(
        run_in(d, &["diff", "--base", "HEAD", "policies"])
            .status
            .code(),
        Some(0)
    );
    assert_eq!(
        run_in(d, &["diff", "--base", "no-such-rev", "policies"])
            .status
            .code(),
        Some(2)
    );
}

#[test]
fn sarif_and_github_locate_findings_on_the_new_statement() {
    let case = root().join("fixtures/diff/condition-dropped");
    let (old, new) = (case.join("old.json"), case.join("new.json"));
    let out = run_in(
        &root(),
        &[
            "diff",
            old.to_str().unwrap(),
            new.to_str().unwrap(),
            "-f",
            "sarif",
        ],
    );
    assert_eq!(out.status.code(), Some(1));
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    let r = &v["runs"][0]["results"][0];
    assert_eq!(r["ruleId"], "PC501");
    assert_eq!(r["level"], "error");
    assert_eq!(
        r["locations"][0]["physicalLocation"]["region"]["startLine"],
        1
    );
    let gh = run_in(
        &root(),
        &[
            "diff",
            old.to_str().unwrap(),
            new.to_str().unwrap(),
            "-f",
            "github",
        ],
    );
    let text = String::from_utf8_lossy(&gh.stdout);
    assert!(text.starts_with("::error file="), "{text}");
    assert!(
        text.contains("title=PC501 new-public-access::new read access for anyone on the internet")
    );
}

#[test]
fn the_config_gives_diff_the_same_reading_as_lint() {
    // A change that lets every session of one role read: not new public access under
    // the default reading (spec §6.2), new public access under the other one.
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    let old = r#"{"Version": "2012-10-17", "Statement": [{"Sid": "Team", "Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::111122223333:root"}, "Action": "s3:GetObject", "Resource": "arn:aws:s3:::b/*"}]}"#;
    let new = old.replace(
        r#"]}"#,
        r#", {"Sid": "RoleSessions", "Effect": "Allow", "Principal": "*", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::b/*", "Condition": {"StringLike": {"aws:userid": "AROAEXAMPLEROLEID:*"}}}]}"#,
    );
    std::fs::write(dir.join("old.json"), old).unwrap();
    std::fs::write(dir.join("new.json"), new).unwrap();
    let public_added = |args: &[&str]| -> (Option<i32>, bool) {
        let mut all = vec!["diff", "old.json", "new.json", "-f", "json"];
        all.extend(args);
        let out = run_in(dir, &all);
        let v: Value = serde_json::from_slice(&out.stdout).unwrap_or(Value::Null);
        let public = v.to_string().contains(r#""caller":"public""#);
        (out.status.code(), public)
    };
    assert_eq!(public_added(&[]), (Some(0), false));
    std::fs::write(
        dir.join("policycheck.toml"),
        "userid-role-pattern = \"public\"\n",
    )
    .unwrap();
    assert_eq!(public_added(&[]), (Some(1), true));
    // As `lint` says, with the same config.
    let out = run_in(dir, &["lint", "new.json", "--format", "json"]);
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["files"][0]["access"]["verdict"], "public");
    assert_eq!(public_added(&["--no-config"]), (Some(0), false));
    std::fs::write(dir.join("other.toml"), "userid-role-pattern = \"pins\"\n").unwrap();
    assert_eq!(public_added(&["--config", "other.toml"]), (Some(0), false));
    // A bad config stops the run, with its place.
    std::fs::write(
        dir.join("policycheck.toml"),
        "userid-role-pattern = \"maybe\"\n",
    )
    .unwrap();
    let out = run_in(dir, &["diff", "old.json", "new.json"]);
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("policycheck.toml:1:"), "{err}");
}
