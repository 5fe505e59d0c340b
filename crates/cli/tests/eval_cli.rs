#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // test code: failing loudly is the point

//! `policycheck eval` end to end: every shared eval vector through the binary, the
//! exit-code contract, and snapshots of what a person sees.

use serde_json::Value;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn bin() -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_policycheck"));
    c.env("NO_COLOR", "1")
        .env_remove("FORCE_COLOR")
        .env_remove("CLICOLOR_FORCE");
    c
}

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

fn write(dir: &Path, name: &str, text: &str) -> PathBuf {
    let p = dir.join(name);
    std::fs::write(&p, text).unwrap();
    p
}

fn run(args: &[&str], cwd: &Path) -> Output {
    bin().args(args).current_dir(cwd).output().unwrap()
}

#[test]
fn every_eval_vector_through_the_binary() {
    assert!(eval_vectors_through_the_binary("fixtures/conformance/eval.jsonl") >= 89);
    assert!(eval_vectors_through_the_binary("fixtures/eval/vectors.jsonl") >= 5);
}

/// Runs every vector of a `.jsonl` file through `policycheck eval`; how many ran.
fn eval_vectors_through_the_binary(file: &str) -> usize {
    let text = std::fs::read_to_string(root().join(file)).unwrap();
    let dir = tempfile::tempdir().unwrap();
    let mut n = 0;
    for line in text.lines().filter(|l| !l.trim().is_empty()) {
        let v: Value = serde_json::from_str(line).unwrap();
        let name = v["name"].as_str().unwrap();
        let mut req = v["request"].clone();
        for k in ["mode", "identity_policies", "bucket_account"] {
            if let Some(x) = v.get(k) {
                req[k] = x.clone();
            }
        }
        let policy = write(
            dir.path(),
            "policy.json",
            &serde_json::to_string_pretty(&v["policy"]).unwrap(),
        );
        let request = write(dir.path(), "request.json", &req.to_string());
        let out = run(
            &[
                "eval",
                policy.to_str().unwrap(),
                "--request",
                request.to_str().unwrap(),
                "--format",
                "json",
            ],
            dir.path(),
        );
        let json: Value = serde_json::from_slice(&out.stdout)
            .unwrap_or_else(|e| panic!("{name}: {e}: {}", String::from_utf8_lossy(&out.stdout)));
        let expected = v["expected"].as_str().unwrap();
        assert_eq!(json["decision"], expected, "{name}");
        assert!(json["statements"].is_array(), "{name}: no trace");
        if v["identity_policies"]
            .as_array()
            .is_some_and(|p| !p.is_empty())
        {
            assert!(
                json["identity_statements"].is_array(),
                "{name}: no identity trace"
            );
        }
        // The report is streamed, not built as one tree: its layout is still that of the
        // tree (keys sorted at every level, two-space indent, one final newline).
        let laid_out = serde_json::to_string_pretty(&json).unwrap() + "\n";
        assert!(out.stdout == laid_out.as_bytes(), "{name}: layout differs");
        let want_code = if expected == "Allow" { 0 } else { 1 };
        assert_eq!(out.status.code(), Some(want_code), "{name}: exit code");
        n += 1;
    }
    n
}

const SITE: &str = r#"{
  "Version": "2012-10-17",
  "Statement": [
    {
      "Sid": "ReadFromOffice",
      "Effect": "Allow",
      "Principal": "*",
      "Action": "s3:GetObject",
      "Resource": "arn:aws:s3:::example-site/*",
      "Condition": {"IpAddress": {"aws:SourceIp": "203.0.113.0/24"}}
    },
    {
      "Sid": "DenyInsecureTransport",
      "Effect": "Deny",
      "Principal": "*",
      "Action": "s3:*",
      "Resource": ["arn:aws:s3:::example-site", "arn:aws:s3:::example-site/*"],
      "Condition": {"Bool": {"aws:SecureTransport": "false"}}
    }
  ]
}
"#;

#[test]
fn exit_codes_follow_the_decision() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "site.json", SITE);
    let base = [
        "eval",
        "site.json",
        "--action",
        "s3:GetObject",
        "--resource",
        "arn:aws:s3:::example-site/index.html",
    ];
    let allowed = run(
        &[
            &base[..],
            &[
                "-c",
                "aws:SourceIp=203.0.113.9",
                "-c",
                "aws:SecureTransport=true",
            ],
        ]
        .concat(),
        dir.path(),
    );
    assert_eq!(allowed.status.code(), Some(0));
    let implicit = run(
        &[
            &base[..],
            &[
                "-c",
                "aws:SourceIp=198.51.100.7",
                "-c",
                "aws:SecureTransport=true",
            ],
        ]
        .concat(),
        dir.path(),
    );
    assert_eq!(implicit.status.code(), Some(1));
    let explicit = run(
        &[
            &base[..],
            &[
                "-c",
                "aws:SourceIp=203.0.113.9",
                "-c",
                "aws:SecureTransport=false",
                "-f",
                "json",
            ],
        ]
        .concat(),
        dir.path(),
    );
    assert_eq!(explicit.status.code(), Some(1));
    let json: Value = serde_json::from_slice(&explicit.stdout).unwrap();
    assert_eq!(json["decision"], "ExplicitDeny");
    assert_eq!(
        json["determining"],
        serde_json::json!(["DenyInsecureTransport"])
    );
    // Bad input: exit 2, never 0 or 1.
    assert_eq!(
        run(
            &[
                "eval",
                "missing.json",
                "--action",
                "s3:GetObject",
                "--resource",
                "x"
            ],
            dir.path()
        )
        .status
        .code(),
        Some(2)
    );
    assert_eq!(
        run(&["eval", "site.json", "--resource", "x"], dir.path())
            .status
            .code(),
        Some(2)
    );
    assert_eq!(
        run(
            &[
                "eval",
                "site.json",
                "--action",
                "s3:GetObject",
                "--resource",
                "x",
                "--principal",
                "bob"
            ],
            dir.path()
        )
        .status
        .code(),
        Some(2)
    );
    assert_eq!(run(&["eval", "--bogus"], dir.path()).status.code(), Some(2));
}

#[test]
fn not_evaluable_construct_exits_2_and_says_so() {
    let dir = tempfile::tempdir().unwrap();
    write(
        dir.path(),
        "p.json",
        r#"{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Principal": "*", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::b/*", "Condition": {"StringEqualz": {"aws:SourceVpce": "vpce-1"}}}]}"#,
    );
    let out = run(
        &[
            "eval",
            "p.json",
            "--action",
            "s3:GetObject",
            "--resource",
            "arn:aws:s3:::b/k",
            "-f",
            "json",
        ],
        dir.path(),
    );
    assert_eq!(out.status.code(), Some(2));
    let json: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(json["certain"], false);
    assert_eq!(json["decision"], "ImplicitDeny");
    assert_eq!(
        json["statements"][0]["conditions"][0]["result"],
        "not_evaluable"
    );
    assert_eq!(json["diagnostics"][0]["code"], "PC010");
    assert_eq!(json["diagnostics"][0]["line"], 1);
}

#[test]
fn context_flags_build_lists() {
    let dir = tempfile::tempdir().unwrap();
    write(
        dir.path(),
        "p.json",
        r#"{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Principal": "*", "Action": "s3:PutObject", "Resource": "arn:aws:s3:::b/*", "Condition": {"ForAllValues:StringEquals": {"s3:RequestObjectTagKeys": ["env", "team"]}, "Null": {"s3:RequestObjectTagKeys": "false"}}}]}"#,
    );
    let args = [
        "eval",
        "p.json",
        "--action",
        "s3:PutObject",
        "--resource",
        "arn:aws:s3:::b/k",
    ];
    let ok = run(
        &[
            &args[..],
            &[
                "-c",
                "s3:RequestObjectTagKeys=env",
                "-c",
                "s3:RequestObjectTagKeys=team",
            ],
        ]
        .concat(),
        dir.path(),
    );
    assert_eq!(
        ok.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&ok.stdout)
    );
    let extra = run(
        &[
            &args[..],
            &["-c", r#"s3:RequestObjectTagKeys=["env","cost"]"#],
        ]
        .concat(),
        dir.path(),
    );
    assert_eq!(extra.status.code(), Some(1));
    let empty = run(
        &[&args[..], &["-c", "s3:RequestObjectTagKeys=[]"]].concat(),
        dir.path(),
    );
    assert_eq!(
        empty.status.code(),
        Some(1),
        "an empty list is absent for Null, so the guard fails"
    );
    // A list that is not of strings is bad input (exit 2), as in a request file, never
    // an empty list (a review found `[{"a": 1}]` answered Allow).
    for bad in [r#"[{"a": 1}]"#, "[null]", r#"[["x"]]"#] {
        let out = run(
            &[
                &args[..],
                &["-c", &format!("s3:RequestObjectTagKeys={bad}")],
            ]
            .concat(),
            dir.path(),
        );
        assert_eq!(out.status.code(), Some(2), "{bad}");
        assert!(
            String::from_utf8_lossy(&out.stderr).contains("--context"),
            "{bad}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
    }

    // Key names fold beyond ASCII (spec 3.2) here too: a list under a non-ASCII key,
    // and one key given in two spellings, merged into one list.
    write(
        dir.path(),
        "tags.json",
        r#"{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Principal": "*", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::b/*", "Condition": {"ForAllValues:StringEquals": {"aws:PrincipalTag/Équipe": ["rouge", "bleu"]}, "Null": {"aws:PrincipalTag/Équipe": "false"}}}]}"#,
    );
    let get = [
        "eval",
        "tags.json",
        "--action",
        "s3:GetObject",
        "--resource",
        "arn:aws:s3:::b/k",
    ];
    for flags in [
        &["-c", r#"aws:PrincipalTag/Équipe=["rouge"]"#][..],
        &[
            "-c",
            "aws:PrincipalTag/Équipe=rouge",
            "-c",
            "aws:principaltag/ÉQUIPE=bleu",
        ][..],
    ] {
        let out = run(&[&get[..], flags].concat(), dir.path());
        assert_eq!(out.status.code(), Some(0), "{flags:?}: {out:?}");
    }
    let out = run(
        &[
            &get[..],
            &[
                "-c",
                "aws:PrincipalTag/Équipe=rouge",
                "-c",
                "aws:principaltag/ÉQUIPE=vert",
            ],
        ]
        .concat(),
        dir.path(),
    );
    assert_eq!(out.status.code(), Some(1), "`vert` is in the merged list");
}

#[test]
fn text_report_snapshot() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "site.json", SITE);
    let out = run(
        &[
            "eval",
            "site.json",
            "--action",
            "s3:GetObject",
            "--resource",
            "arn:aws:s3:::example-site/index.html",
            "-c",
            "aws:SourceIp=198.51.100.7",
            "-c",
            "aws:SecureTransport=true",
        ],
        dir.path(),
    );
    insta::assert_snapshot!(String::from_utf8_lossy(&out.stdout));
}

#[test]
fn parse_error_snapshot() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "broken.json", "{\n  \"Version\": \"2012-10-17\",\n  \"Statement\": [\n    {\"Effect\": \"Allow\", \"Principal\": \"*\",}\n  ]\n}\n");
    let out = run(
        &[
            "eval",
            "broken.json",
            "--action",
            "s3:GetObject",
            "--resource",
            "arn:aws:s3:::b/k",
        ],
        dir.path(),
    );
    assert_eq!(out.status.code(), Some(2));
    assert!(out.stdout.is_empty());
    insta::assert_snapshot!(String::from_utf8_lossy(&out.stderr));
}

/// A request that cannot happen (a pattern for an action, an S3 action that does not
/// exist, a resource that is not an ARN) is bad input (exit 2), never "denied".
#[test]
fn impossible_requests_are_bad_input() {
    let root = root();
    let policy = "policies/public-website.json";
    let cases: [(&[&str], &str); 5] = [
        (
            &[
                "--action",
                "s3:HeadObject",
                "--resource",
                "arn:aws:s3:::example-website/x",
            ],
            "is not an S3 action: it is an API operation, which S3 checks as `s3:GetObject`",
        ),
        (
            &[
                "--action",
                "s3:GetObjet",
                "--resource",
                "arn:aws:s3:::example-website/x",
            ],
            "did you mean `s3:GetObject`",
        ),
        (
            &[
                "--action",
                "s3:Get*",
                "--resource",
                "arn:aws:s3:::example-website/x",
            ],
            "not a pattern",
        ),
        (
            &["--action", "s3:GetObject", "--resource", "notanarn"],
            "is not an ARN",
        ),
        (
            &["--action", "GetObject", "--resource", "arn:aws:s3:::b/x"],
            "service:ActionName",
        ),
    ];
    for (flags, want) in cases {
        let out = run(&[&["eval", policy][..], flags].concat(), &root);
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{flags:?}: {stderr}");
        assert!(stderr.contains(want), "{flags:?}: {stderr}");
        let json = run(
            &[&["eval", policy, "--format", "json"][..], flags].concat(),
            &root,
        );
        let v: serde_json::Value = serde_json::from_slice(&json.stdout).unwrap();
        assert!(v["decision"].is_null() && v["error"].is_string(), "{v}");
    }
    // A `*` in an object key is a character of the key: answered, with a warning.
    let out = run(
        &[
            "eval",
            policy,
            "--action",
            "s3:GetObject",
            "--resource",
            "arn:aws:s3:::example-website/*",
        ],
        &root,
    );
    assert_eq!(out.status.code(), Some(0));
    assert!(String::from_utf8_lossy(&out.stderr).contains("not wildcards"));
    // Actions of other services are not checked against the S3 catalogue.
    let out = run(
        &[
            "eval",
            policy,
            "--action",
            "kms:Decrypt",
            "--resource",
            "arn:aws:s3:::example-website/x",
        ],
        &root,
    );
    assert_eq!(out.status.code(), Some(1));
}

/// Every exit 2 of `eval --format json` prints `{"decision": null, "error"}` on stdout
/// (scripts read stdout), and an answer about an invalid policy is not called certain.
#[test]
fn every_json_failure_has_a_decision_of_null() {
    let root = root();
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let policy = root.join("policies/public-website.json");
    let policy = policy.to_str().unwrap();
    write(
        d,
        "bad-request.json",
        r#"{"principal": "anonymous", "action": 3}"#,
    );
    write(d, "broken-request.json", r#"{"principal": "#);
    let ok = [
        "--action",
        "s3:GetObject",
        "--resource",
        "arn:aws:s3:::example-website/x",
    ];
    let cases: Vec<(Vec<&str>, &str)> = vec![
        ([&["--principal", "bob"][..], &ok].concat(), "--principal"),
        ([&["--context", "foo"][..], &ok].concat(), "--context"),
        (
            vec!["--resource", "arn:aws:s3:::example-website/x"],
            "no action",
        ),
        (vec!["--action", "s3:GetObject"], "no resource"),
        (vec!["--request", "bad-request.json"], "not valid"),
        (vec!["--request", "broken-request.json"], "not valid"),
        (vec!["--request", "missing.json"], "cannot read"),
    ];
    for (flags, want) in cases {
        let out = run(
            &[&["eval", policy, "--format", "json"][..], &flags].concat(),
            d,
        );
        assert_eq!(out.status.code(), Some(2), "{flags:?}");
        let v: serde_json::Value = serde_json::from_slice(&out.stdout)
            .unwrap_or_else(|e| panic!("{flags:?}: {e}: {out:?}"));
        assert!(v["decision"].is_null(), "{flags:?}: {v}");
        assert!(
            v["error"].as_str().unwrap().contains(want),
            "{flags:?}: {v}"
        );
    }
    let out = run(
        &[
            &["eval", "missing-policy.json", "--format", "json"][..],
            &ok,
        ]
        .concat(),
        d,
    );
    assert_eq!(out.status.code(), Some(2));
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert!(v["decision"].is_null() && v["error"].is_string(), "{v}");

    // A mis-cased operator makes the policy invalid: the answer is a reading, exit 2.
    write(
        d,
        "miscased.json",
        r#"{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Principal": "*",
            "Action": "s3:GetObject", "Resource": "arn:aws:s3:::b/*",
            "Condition": {"stringEquals": {"aws:SourceVpce": "vpce-1"}}}]}"#,
    );
    let out = run(
        &[
            "eval",
            "miscased.json",
            "--format",
            "json",
            "--action",
            "s3:GetObject",
            "--resource",
            "arn:aws:s3:::b/x",
            "--context",
            "aws:SourceVpce=vpce-1",
        ],
        d,
    );
    assert_eq!(out.status.code(), Some(2));
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["certain"], false, "{v}");
}

#[test]
fn aws_star_and_anonymous_callers_follow_the_chosen_reading() {
    // Spec §9 row 1: `{"AWS": "*"}` covers anonymous callers by the IAM reference (the
    // default), only signed principals by the S3 user guide (on request).
    let dir = tempfile::tempdir().unwrap();
    write(
        dir.path(),
        "p.json",
        r#"{"Version": "2012-10-17", "Statement": [
            {"Sid": "SignedRead", "Effect": "Allow", "Principal": {"AWS": "*"}, "Action": "s3:GetObject", "Resource": "arn:aws:s3:::b/*"},
            {"Sid": "OnlyListedMayPut", "Effect": "Deny", "NotPrincipal": {"AWS": "*"}, "Action": "s3:PutObject", "Resource": "arn:aws:s3:::b/*"}]}"#,
    );
    let eval = |extra: &[&str]| -> (Option<i32>, Value) {
        let out = run(
            &[
                &[
                    "eval",
                    "p.json",
                    "--format",
                    "json",
                    "--resource",
                    "arn:aws:s3:::b/k",
                ][..],
                extra,
            ]
            .concat(),
            dir.path(),
        );
        let v: Value = serde_json::from_slice(&out.stdout).unwrap();
        (out.status.code(), v)
    };
    let (code, v) = eval(&["--action", "s3:GetObject"]);
    assert_eq!(
        (code, v["decision"].as_str()),
        (Some(0), Some("Allow")),
        "{v}"
    );
    let strict = "--aws-star-excludes-anonymous";
    let (code, v) = eval(&["--action", "s3:GetObject", strict]);
    assert_eq!(
        (code, v["decision"].as_str()),
        (Some(1), Some("ImplicitDeny")),
        "{v}"
    );
    assert!(v.to_string().contains("signed AWS principals only"), "{v}");
    // A signed caller is covered under both readings.
    let user = ["--principal", "arn:aws:iam::444455556666:user/u"];
    let (code, _) = eval(&[&["--action", "s3:GetObject", strict][..], &user[..]].concat());
    assert_eq!(code, Some(0));
    // NotPrincipal {"AWS": "*"} exempts anonymous callers only under the default reading.
    let (_, v) = eval(&["--action", "s3:PutObject"]);
    assert_eq!(v["decision"].as_str(), Some("ImplicitDeny"), "{v}");
    let (_, v) = eval(&["--action", "s3:PutObject", strict]);
    assert_eq!(v["decision"].as_str(), Some("ExplicitDeny"), "{v}");
    // The same choice in a request file; a wrong type is bad input.
    let with_field = |value: &str| {
        let request = format!(
            r#"{{"principal": "anonymous", "action": "s3:GetObject", "resource": "arn:aws:s3:::b/k", "aws_star_includes_anonymous": {value}}}"#
        );
        write(dir.path(), "r.json", &request);
        run(&["eval", "p.json", "--request", "r.json"], dir.path())
    };
    assert_eq!(with_field("false").status.code(), Some(1));
    assert_eq!(with_field("true").status.code(), Some(0));
    let out = with_field(r#""no""#);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("must be true or false"),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

#[test]
fn derive_context_adds_what_aws_sets_and_keeps_what_the_request_sets() {
    let dir = tempfile::tempdir().unwrap();
    write(
        dir.path(),
        "p.json",
        r#"{"Version": "2012-10-17", "Statement": [{"Sid": "OwnAccount", "Effect": "Allow", "Principal": "*", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::b/*", "Condition": {"StringEquals": {"aws:PrincipalAccount": "111122223333"}}}]}"#,
    );
    let user = [
        "eval",
        "p.json",
        "--principal",
        "arn:aws:iam::111122223333:user/alice",
        "--action",
        "s3:GetObject",
        "--resource",
        "arn:aws:s3:::b/x",
    ];
    // Without the flag nothing is derived: the condition's key is absent, so denied.
    assert_eq!(run(&user, dir.path()).status.code(), Some(1));
    let derived = [&user[..], &["--derive-context", "-f", "json"]].concat();
    let out = run(&derived, dir.path());
    assert_eq!(out.status.code(), Some(0));
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(
        v["request"]["context"]["aws:PrincipalAccount"],
        "111122223333"
    );
    assert_eq!(v["request"]["context"]["aws:username"], "alice");
    let keys: Vec<&str> = v["derived_context"]
        .as_array()
        .unwrap()
        .iter()
        .map(|k| k["key"].as_str().unwrap())
        .collect();
    assert!(keys.contains(&"aws:PrincipalType"), "{v}");
    // A key the request sets is the request's: here another account, so denied.
    let other = [
        &derived[..],
        &["--context", "aws:PrincipalAccount=444455556666"],
    ]
    .concat();
    let out = run(&other, dir.path());
    assert_eq!(out.status.code(), Some(1));
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(
        v["request"]["context"]["aws:PrincipalAccount"],
        "444455556666"
    );
    assert!(
        !v["derived_context"]
            .to_string()
            .contains("PrincipalAccount"),
        "{v}"
    );
    // The text report marks what was derived.
    let text = run(
        &[&user[..], &["--derive-context", "--color", "never"]].concat(),
        dir.path(),
    );
    let text = String::from_utf8_lossy(&text.stdout);
    assert!(
        text.contains(
            "aws:PrincipalAccount = 111122223333  (derived: --derive-context: the caller's account)"
        ),
        "{text}"
    );
    // A role session's ARN does not show its role's path: the text says what it assumed.
    let session = [
        "eval",
        "p.json",
        "--principal",
        "arn:aws:sts::111122223333:assumed-role/Deployer/build-42",
        "--action",
        "s3:GetObject",
        "--resource",
        "arn:aws:s3:::b/x",
        "--derive-context",
        "--color",
        "never",
    ];
    let text = run(&session, dir.path());
    let text = String::from_utf8_lossy(&text.stdout);
    assert!(
        text.contains("aws:PrincipalArn = arn:aws:iam::111122223333:role/Deployer  (derived: --derive-context: the session's role, assuming it has no path"),
        "{text}"
    );
}

#[test]
fn a_request_file_that_is_not_utf8_is_an_error_at_its_place() {
    let dir = tempfile::tempdir().unwrap();
    write(
        dir.path(),
        "p.json",
        r#"{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Principal": "*", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::b/*", "Condition": {"StringEquals": {"aws:Referer": "\ufffd"}}}]}"#,
    );
    // The byte 0xFF used to be read as U+FFFD, which the policy then allowed.
    let mut req = br#"{"principal":"anonymous","action":"s3:GetObject","resource":"arn:aws:s3:::b/x","context":{"aws:Referer":""#.to_vec();
    req.extend_from_slice(b"\xff\"}}");
    std::fs::write(dir.path().join("r.json"), req).unwrap();
    let out = run(&["eval", "p.json", "--request", "r.json"], dir.path());
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("invalid UTF-8"), "{err}");
    assert!(err.contains("r.json:1:"), "{err}");
}

#[test]
fn a_closed_standard_error_is_no_panic() {
    let dir = tempfile::tempdir().unwrap();
    // An invalid policy: its diagnostics go to standard error, which is closed.
    write(
        dir.path(),
        "p.json",
        r#"{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Effect": "Deny", "Principal": "*", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::b/*"}]}"#,
    );
    // The reader of standard error is gone before the binary writes (it starts later
    // than `true` ends).
    let status = Command::new("bash")
        .args([
            "-c",
            r#""$0" eval p.json --principal anonymous --action s3:GetObject --resource arn:aws:s3:::b/x 2>&1 >/dev/null | true; exit "${PIPESTATUS[0]}""#,
            env!("CARGO_BIN_EXE_policycheck"),
        ])
        .current_dir(dir.path())
        .status()
        .unwrap();
    // Exit 2 (the policy is invalid; its duplicate `Effect` leaves the statement
    // unevaluated), never 101 (a panic).
    assert_eq!(status.code(), Some(2));
}

#[test]
fn policy_and_request_cannot_both_come_from_standard_input() {
    let dir = tempfile::tempdir().unwrap();
    // `eval - -r -` used to read the whole input as the policy, then complain that the
    // (empty) request had no principal.
    let out = bin()
        .args(["eval", "-", "--request", "-"])
        .current_dir(dir.path())
        .stdin(std::process::Stdio::null())
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("cannot both be read from standard input"),
        "{err}"
    );
}
