#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // test code: failing loudly is the point

//! Hostile and broken input for the JSON reader and the policy lowering: malformed
//! JSON, every wrong type for every element, duplicate keys at every level, deep
//! nesting, ~10 MB documents, invalid UTF-8, empty input and a BOM. For each: no
//! panic, the right diagnostic code (`codes` in `diagnostic.rs`), and a primary
//! span that points at the offending text (checked by slicing the input), with
//! line/column checked through `LineIndex` for some. A proptest then mutates valid
//! policies at random and checks that nothing panics and every span stays inside
//! the text.

use policycheck_core::{
    codes, decide, evaluate, json, parse_policy, parse_policy_bytes, Caller, Code, Context,
    Decision, Diagnostic, LineIndex, ParseOutput, PolicyKind, Request,
};
use proptest::prelude::*;
use proptest::test_runner::{Config, TestRunner};

const VALID: &str = r#"{"Version": "2012-10-17", "Statement": [{"Sid": "Read", "Effect": "Allow", "Principal": "*", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::example-bucket/*"}]}"#;

/// A policy with one statement whose body is `body` (members without braces).
fn with_statement(body: &str) -> String {
    format!(r#"{{"Version": "2012-10-17", "Statement": [{{{body}}}]}}"#)
}

/// The usual members of a statement, with `extra` replacing or adding members.
fn statement(replace: &str, with: &str) -> String {
    let base = r#""Effect": "Allow", "Principal": "*", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::example-bucket/*""#;
    let body = if replace.is_empty() {
        format!("{base}, {with}")
    } else {
        let start = base.find(&format!("\"{replace}\"")).unwrap();
        let end = base[start..].find(", \"").map_or(base.len(), |i| start + i);
        format!("{}{with}{}", &base[..start], &base[end..])
    };
    with_statement(&body)
}

fn anonymous_get() -> Request {
    Request::new(
        Caller::Anonymous,
        "s3:GetObject",
        "arn:aws:s3:::example-bucket/key",
        Context::new(),
    )
}

/// Parse, and evaluate when a policy came out: neither may panic, and the fast
/// path must agree with the traced one.
fn parse(text: &str) -> ParseOutput {
    let out = parse_policy(text);
    check_spans(text.as_bytes(), &out.diagnostics);
    if let Some(p) = &out.policy {
        let req = anonymous_get();
        let ev = evaluate(p, &req);
        assert_eq!(decide(p, &req), (ev.decision, ev.certain));
    }
    out
}

/// Every label lies inside the text (and on character boundaries when it is UTF-8).
fn check_spans(bytes: &[u8], diags: &[Diagnostic]) {
    let text = std::str::from_utf8(bytes).ok();
    for d in diags {
        for l in &d.labels {
            let r = l.span.range();
            assert!(
                r.start <= r.end && r.end <= bytes.len(),
                "span {r:?} outside a text of {} bytes: {d:?}",
                bytes.len()
            );
            if let Some(t) = text {
                assert!(
                    t.is_char_boundary(r.start) && t.is_char_boundary(r.end),
                    "span {r:?} splits a character: {d:?}"
                );
            }
        }
    }
}

/// The single diagnostic of `text`, which must have `code`; returns it with the
/// text its primary span covers.
fn only<'t>(text: &'t str, code: &Code) -> (Diagnostic, &'t str) {
    let out = parse(text);
    assert_eq!(
        out.diagnostics.len(),
        1,
        "expected exactly one diagnostic ({}) for {text}, got {:#?}",
        code.code,
        out.diagnostics
    );
    let d = out.diagnostics.into_iter().next().unwrap();
    assert_eq!(d.code, code.code, "{text}: {d:?}");
    assert_eq!(d.name, code.name);
    let at = &text[d.primary_span().range()];
    (d, at)
}

/// Among possibly several diagnostics, the first with `code`.
fn first<'t>(text: &'t str, code: &Code) -> (Diagnostic, &'t str) {
    let out = parse(text);
    let d = out
        .diagnostics
        .iter()
        .find(|d| d.code == code.code)
        .cloned()
        .unwrap_or_else(|| panic!("no {} in {:#?} for {text}", code.code, out.diagnostics));
    let at = &text[d.primary_span().range()];
    (d, at)
}

/// A JSON syntax error: no policy at all, and one PC001 diagnostic.
fn syntax_error(text: &str) -> (Diagnostic, &str) {
    let out = parse(text);
    assert!(out.policy.is_none(), "{text} parsed");
    let (d, at) = only(text, &codes::INVALID_JSON);
    (d, at)
}

// ---------------------------------------------------------------------------
// Malformed JSON
// ---------------------------------------------------------------------------

#[test]
fn truncated_documents() {
    // Cut inside a string: the span runs from the opening quote to the end.
    let text = r#"{"Version": "2012-"#;
    let (d, at) = syntax_error(text);
    assert!(d.message.contains("unterminated string"), "{}", d.message);
    assert_eq!(at, r#""2012-"#);

    // Cut after a colon: an empty span at the end of the text.
    let text = r#"{"Version":"#;
    let (d, _) = syntax_error(text);
    assert!(d.message.contains("end of file"), "{}", d.message);
    assert_eq!(d.primary_span().start as usize, text.len());

    // Cut inside an unfinished statement: points at the `{` left open.
    let text = r#"{"Version": "2012-10-17", "Statement": [{"Effect": "Allow""#;
    let (d, at) = syntax_error(text);
    assert!(d.message.contains("unclosed object"), "{}", d.message);
    assert_eq!(at, "{");
    assert_eq!(
        d.primary_span().start as usize,
        text.find("[{").unwrap() + 1
    );

    // Cut inside the statement list: points at the `[` left open.
    let text = r#"{"Statement": [{"Effect": "Allow"}"#;
    let (d, at) = syntax_error(text);
    assert!(d.message.contains("unclosed array"), "{}", d.message);
    assert_eq!(at, "[");

    // Every prefix of a valid policy is an error, never a panic.
    for end in 0..VALID.len() {
        let out = parse(&VALID[..end]);
        assert!(out.policy.is_none(), "prefix {end} parsed");
        assert_eq!(out.diagnostics.last().unwrap().code, "PC001");
    }
}

#[test]
fn trailing_commas() {
    let text = r#"{"Statement": [{"Effect": "Allow", "Action": ["s3:GetObject",], "Principal": "*", "Resource": "*"}]}"#;
    let (d, at) = syntax_error(text);
    assert!(d.message.contains("trailing comma before `]`"));
    assert_eq!(at, ",");
    assert_eq!(
        d.primary_span().start as usize,
        text.find("\",]").unwrap() + 1
    );

    let text = r#"{"Version": "2012-10-17", "Statement": [],}"#;
    let (d, at) = syntax_error(text);
    assert!(d.message.contains("trailing comma before `}`"));
    assert_eq!(at, ",");
    assert_eq!(d.primary_span().start as usize, text.len() - 2);
}

#[test]
fn comments() {
    let text = "// my policy\n{\"Statement\": []}";
    let (d, at) = syntax_error(text);
    assert!(d.message.contains("comments are not allowed"));
    assert_eq!(at, "//");

    let text = r#"{"Statement": /* none yet */ []}"#;
    let (d, at) = syntax_error(text);
    assert!(d.message.contains("comments"));
    assert_eq!(at, "/*");
    assert_eq!(d.primary_span().start as usize, text.find("/*").unwrap());

    // `#` is no comment either.
    let text = "# policy\n{}";
    let (d, at) = syntax_error(text);
    assert_eq!(at, "#");
    assert!(d.message.contains("expected a value"));
}

#[test]
fn single_quotes() {
    let text = r#"{'Version': '2012-10-17'}"#;
    let (d, at) = syntax_error(text);
    assert!(d.message.contains("double quotes"));
    assert_eq!(at, "'");
    assert_eq!(d.primary_span().start, 1);

    let text = r#"{"Version": '2012-10-17'}"#;
    let (d, at) = syntax_error(text);
    assert!(d.message.contains("double quotes"));
    assert_eq!(at, "'");
    assert_eq!(d.primary_span().start as usize, text.find('\'').unwrap());
}

#[test]
fn bad_escapes_and_control_characters() {
    let text = r#"{"Sid": "a\xb"}"#;
    let (d, at) = syntax_error(text);
    assert!(d.message.contains("invalid escape"), "{}", d.message);
    assert_eq!(at, r"\x");

    let text = r#"{"Sid": "a\u12G4"}"#;
    let (d, at) = syntax_error(text);
    assert!(d.message.contains("4 hex digits"), "{}", d.message);
    assert_eq!(at, r"\u12G4");

    // Fewer than four characters left before the end.
    let text = r#"{"Sid": "\u12"#;
    let (d, _) = syntax_error(text);
    assert!(d.message.contains("4 hex digits"), "{}", d.message);

    let text = r#"{"Sid": "\ud800x"}"#;
    let (d, at) = syntax_error(text);
    assert!(d.message.contains("surrogate"), "{}", d.message);
    assert_eq!(at, r"\ud800");

    let text = r#"{"Sid": "\udc00"}"#;
    let (d, at) = syntax_error(text);
    assert!(d.message.contains("surrogate"), "{}", d.message);
    assert_eq!(at, r"\udc00");

    let text = r#"{"Sid": "\ud800\u0041"}"#;
    let (d, at) = syntax_error(text);
    assert!(d.message.contains("surrogate pair"), "{}", d.message);
    assert_eq!(at, r"\ud800\u0041");

    // A raw tab inside a string.
    let text = "{\"Sid\": \"a\tb\"}";
    let (d, at) = syntax_error(text);
    assert!(d.message.contains("U+0009"), "{}", d.message);
    assert_eq!(at, "\t");

    // A valid pair decodes.
    let out = parse(&with_statement(
        r#""Sid": "\ud83d\ude00", "Effect": "Allow", "Principal": "*", "Action": "s3:GetObject", "Resource": "*""#,
    ));
    assert!(out.diagnostics.is_empty(), "{:?}", out.diagnostics);
    assert_eq!(out.policy.unwrap().statements[0].id(), "😀");
}

#[test]
fn other_syntax_errors_point_at_the_offending_text() {
    for (text, want_at, msg) in [
        (r#"{Version: "2012-10-17"}"#, "V", "double-quoted key"),
        (r#"{"Version" "2012-10-17"}"#, "\"", "expected `:`"),
        (r#"{"a": 01}"#, "01", "leading zeros"),
        (r#"{"a": 1.}"#, "1.}", "after `.`"),
        (r#"{"a": -}"#, "-}", "expected a digit"),
        (r#"{"a": 1e}"#, "1e}", "exponent"),
        (r#"{"a": NaN}"#, "N", "expected a value"),
        (r#"{"a": tru}"#, "tru", "`tru`"),
        (r#"{"a": nul"#, "nul", "`nul`"),
        (r#"{"a": 1} {"b": 2}"#, "{", "after the end"),
        (r#"{"a": 1 "b": 2}"#, "\"", "expected `,` or `}`"),
        (r#"["a" "b"]"#, "\"", "expected `,` or `]`"),
        (r#"{"a": é}"#, "é", "found `é`"),
    ] {
        let (d, at) = syntax_error(text);
        assert_eq!(at, want_at, "{text}: {d:?}");
        assert!(d.message.contains(msg), "{text}: {}", d.message);
    }
}

/// Input that ends in the middle of a token, or has a multi-byte character where
/// a digit or a hex digit was expected: the error must still point inside the text
/// and on character boundaries (otherwise `&text[span.range()]` panics in every
/// consumer: the CLI, the web page, these tests).
#[test]
fn json_error_spans_stay_inside_the_text_and_on_character_boundaries() {
    let deep = "[".repeat(json::MAX_DEPTH);
    let deep_e = format!("{}é", "[".repeat(json::MAX_DEPTH));
    let mut bad = Vec::new();
    for text in [
        "{\"Sid\": \"\\", // a backslash as the last character
        r#"{"a": -"#,
        r#"{"a": 1."#,
        r#"{"a": 1e"#,
        r#"{"a": 1e+"#,
        r#"{"a": -é}"#,
        r#"{"a": 2.é}"#,
        "2.\u{FEFF}", // found by the `parse` fuzz target
        r#"{"a": 1eé}"#,
        r#"{"a": "\u1😀"}"#,
        r#"{"a": "\u12é"}"#,
        deep.as_str(),   // the depth limit reached exactly at the end
        deep_e.as_str(), // … and at a non-ASCII character
    ] {
        let arena = json::Arena::new();
        let out = json::parse(text, &arena);
        assert!(out.value.is_none(), "{text}");
        let d = out.diagnostics.last().unwrap();
        let r = d.primary_span().range();
        if r.end > text.len() || !text.is_char_boundary(r.start) || !text.is_char_boundary(r.end) {
            let shown: String = text
                .chars()
                .rev()
                .take(12)
                .collect::<Vec<_>>()
                .into_iter()
                .rev()
                .collect();
            bad.push(format!(
                "…{shown:?} ({} bytes): span {r:?}: {}",
                text.len(),
                d.message
            ));
        }
    }
    assert!(bad.is_empty(), "{}", bad.join("\n"));
}

// ---------------------------------------------------------------------------
// Wrong types, element by element
// ---------------------------------------------------------------------------

#[test]
fn wrong_types_for_every_element() {
    let cases: Vec<(String, &str)> = vec![
        // top level
        (r#"{"Version": 20121017, "Statement": []}"#.into(), "20121017"),
        (
            r#"{"Version": "2012-10-17", "Id": 7, "Statement": {"Effect": "Deny", "Principal": "*", "Action": "*", "Resource": "*"}}"#.into(),
            "7",
        ),
        (
            r#"{"Version": "2012-10-17", "Statement": "Allow everything"}"#.into(),
            r#""Allow everything""#,
        ),
        (r#"{"Statement": 1}"#.into(), "1"),
        (r#"{"Statement": null}"#.into(), "null"),
        (
            r#"{"Statement": [{"Effect": "Deny", "Principal": "*", "Action": "*", "Resource": "*"}, "second"]}"#.into(),
            r#""second""#,
        ),
        // statement members
        (statement("", r#""Sid": 12"#), "12"),
        (statement("Effect", r#""Effect": ["Allow"]"#), r#"["Allow"]"#),
        (statement("Effect", r#""Effect": true"#), "true"),
        (statement("Principal", r#""Principal": 5"#), "5"),
        (statement("Principal", r#""Principal": ["*"]"#), r#"["*"]"#),
        (
            statement("Principal", r#""Principal": {"AWS": 111122223333}"#),
            "111122223333",
        ),
        (
            statement("Principal", r#""Principal": {"AWS": ["111122223333", {}]}"#),
            "{}",
        ),
        (statement("Action", r#""Action": {"s3": "GetObject"}"#), r#"{"s3": "GetObject"}"#),
        (statement("Action", r#""Action": ["s3:GetObject", 3]"#), "3"),
        (statement("Action", r#""Action": null"#), "null"),
        (statement("Resource", r#""Resource": true"#), "true"),
        (statement("Resource", r#""Resource": [["arn:aws:s3:::b"]]"#), r#"["arn:aws:s3:::b"]"#),
        // conditions
        (statement("", r#""Condition": "aws:SecureTransport""#), r#""aws:SecureTransport""#),
        (statement("", r#""Condition": ["Bool"]"#), r#"["Bool"]"#),
        (
            statement("", r#""Condition": {"Bool": "aws:SecureTransport"}"#),
            r#""aws:SecureTransport""#,
        ),
        (
            statement("", r#""Condition": {"Bool": {"aws:SecureTransport": null}}"#),
            "null",
        ),
        (
            statement("", r#""Condition": {"StringEquals": {"aws:SourceVpce": {"id": "vpce-1"}}}"#),
            r#"{"id": "vpce-1"}"#,
        ),
        (
            statement("", r#""Condition": {"StringEquals": {"aws:SourceVpce": ["vpce-1", null]}}"#),
            "null",
        ),
        (
            statement("", r#""Condition": {"StringEquals": {"aws:SourceVpce": [["vpce-1"]]}}"#),
            r#"["vpce-1"]"#,
        ),
        // not an object at all
        ("[]".into(), "[]"),
        (r#""policy""#.into(), r#""policy""#),
        ("42".into(), "42"),
        ("null".into(), "null"),
    ];
    for (text, want_at) in &cases {
        let (d, at) = first(text, &codes::WRONG_TYPE);
        assert_eq!(at, *want_at, "{text}: {d:?}");
        // No other diagnostic than the wrong type, except the empty statement list
        // of the first case.
        let others: Vec<_> = parse(text)
            .diagnostics
            .into_iter()
            .filter(|d| d.code != "PC004" && d.code != "PC012")
            .collect();
        assert!(others.is_empty(), "{text}: {others:#?}");
    }
}

#[test]
fn wrong_values_of_the_right_type() {
    let cases: Vec<(String, &Code, &str)> = vec![
        (
            r#"{"Version": "2012-10-18", "Statement": {"Effect": "Deny", "Principal": "*", "Action": "*", "Resource": "*"}}"#.into(),
            &codes::INVALID_VERSION,
            r#""2012-10-18""#,
        ),
        (
            statement("Effect", r#""Effect": "allow""#),
            &codes::INVALID_EFFECT,
            r#""allow""#,
        ),
        (
            statement("Principal", r#""Principal": "arn:aws:iam::111122223333:root""#),
            &codes::INVALID_PRINCIPAL,
            r#""arn:aws:iam::111122223333:root""#,
        ),
        (
            statement("Principal", r#""Principal": {"AWS": "arn:aws:iam::*:root"}"#),
            &codes::INVALID_PRINCIPAL,
            r#""arn:aws:iam::*:root""#,
        ),
        (
            statement("Principal", r#""Principal": {}"#),
            &codes::EMPTY_VALUE,
            "{}",
        ),
        (
            statement("Principal", r#""Principal": {"Aws": "111122223333"}"#),
            &codes::UNKNOWN_ELEMENT,
            r#""Aws""#,
        ),
        (
            statement("Action", r#""Action": []"#),
            &codes::EMPTY_VALUE,
            "[]",
        ),
        (
            statement("Action", r#""Action": "GetObject""#),
            &codes::INVALID_ACTION,
            r#""GetObject""#,
        ),
        (
            statement("Resource", r#""Resource": "example-bucket/*""#),
            &codes::INVALID_RESOURCE,
            r#""example-bucket/*""#,
        ),
        (
            statement("", r#""Effect2": "Deny""#),
            &codes::UNKNOWN_ELEMENT,
            r#""Effect2""#,
        ),
        (
            statement("", r#""Condition": {"StringEqualz": {"a": "b"}}"#),
            &codes::INVALID_CONDITION_OPERATOR,
            r#""StringEqualz""#,
        ),
        (
            statement("", r#""Condition": {"stringequals": {"a": "b"}}"#),
            &codes::INVALID_CONDITION_OPERATOR,
            r#""stringequals""#,
        ),
        (
            statement("", r#""Condition": {"NullIfExists": {"a": "true"}}"#),
            &codes::NULL_IF_EXISTS,
            r#""NullIfExists""#,
        ),
        (
            statement(
                "",
                r#""Condition": {"IpAddress": {"aws:SourceIp": ["10.0.0.0/8", "ten"]}}"#,
            ),
            &codes::INVALID_CONDITION_VALUE,
            r#""ten""#,
        ),
        (
            statement("", r#""Condition": {"NumericLessThan": {"s3:max-keys": []}}"#),
            &codes::EMPTY_VALUE,
            "[]",
        ),
        (
            r#"{"Statement": []}"#.into(),
            &codes::EMPTY_VALUE,
            "[]",
        ),
    ];
    for (text, code, want_at) in &cases {
        let (_, at) = only(text, code);
        assert_eq!(at, *want_at, "{text}");
    }
    let (d, _) = only(
        &statement("Effect", r#""Effect": "allow""#),
        &codes::INVALID_EFFECT,
    );
    assert!(d.help.unwrap().contains("`Allow`"));
    // Missing elements point at the statement's opening brace.
    let text = with_statement(r#""Principal": "*", "Action": "*", "Resource": "*""#);
    let (d, at) = only(&text, &codes::MISSING_ELEMENT);
    assert_eq!(at, "{");
    assert!(d.message.contains("Effect"));
    assert_eq!(
        d.primary_span().start as usize,
        text.find("[{").unwrap() + 1
    );
    let (_, at) = only(r#"{"Version": "2012-10-17"}"#, &codes::MISSING_ELEMENT);
    assert_eq!(at, "{");
    // Conflicting pairs: the primary label is the second element, the other one labelled too.
    let text = statement("", r#""NotAction": "s3:PutObject""#);
    let (d, at) = only(&text, &codes::CONFLICTING_ELEMENTS);
    assert_eq!(at, r#""NotAction""#);
    let second = d.labels.iter().find(|l| !l.primary).unwrap();
    assert_eq!(&text[second.span.range()], r#""Action""#);
}

// ---------------------------------------------------------------------------
// Duplicate keys
// ---------------------------------------------------------------------------

/// A PC002 whose primary label is the second `key` and whose other label is the first.
fn duplicate(text: &str, key: &str) {
    let (d, at) = first(text, &codes::DUPLICATE_KEY);
    let quoted = format!("\"{key}\"");
    assert_eq!(at, quoted, "{text}");
    let first_at = text.find(&quoted).unwrap();
    let second_at = text[first_at + 1..].find(&quoted).unwrap() + first_at + 1;
    assert_eq!(d.primary_span().start as usize, second_at, "{text}");
    let other = d
        .labels
        .iter()
        .find(|l| !l.primary)
        .expect("a second label");
    assert_eq!(other.span.start as usize, first_at, "{text}");
    // Both copies are still lowered and evaluated without panic (`parse` evaluates).
    let out = parse(text);
    assert!(out.policy.is_some());
    assert_eq!(
        out.diagnostics.iter().filter(|d| d.code == "PC002").count(),
        1,
        "{:#?}",
        out.diagnostics
    );
}

#[test]
fn duplicate_keys_at_every_level() {
    duplicate(
        r#"{"Version": "2012-10-17", "Version": "2008-10-17", "Statement": [{"Effect": "Allow", "Principal": "*", "Action": "s3:GetObject", "Resource": "*"}]}"#,
        "Version",
    );
    duplicate(
        r#"{"Statement": [{"Effect": "Allow", "Principal": "*", "Action": "s3:GetObject", "Resource": "*"}], "Statement": []}"#,
        "Statement",
    );
    duplicate(&statement("", r#""Effect": "Deny""#), "Effect");
    duplicate(
        &statement(
            "Principal",
            r#""Principal": {"AWS": "111122223333", "AWS": "444455556666"}"#,
        ),
        "AWS",
    );
    duplicate(
        &statement(
            "",
            r#""Condition": {"StringEquals": {"aws:SourceVpce": "vpce-1"}, "StringEquals": {"aws:SourceVpc": "vpc-1"}}"#,
        ),
        "StringEquals",
    );
    duplicate(
        &statement(
            "",
            r#""Condition": {"IpAddress": {"aws:SourceIp": "10.0.0.0/8", "aws:SourceIp": "0.0.0.0/0"}}"#,
        ),
        "aws:SourceIp",
    );
    // Different spellings of one element: mis-cased (PC003) and given twice (PC002).
    let text = statement("", r#""effect": "Deny""#);
    let out = parse(&text);
    let codes_seen: Vec<_> = out.diagnostics.iter().map(|d| d.code).collect();
    assert!(codes_seen.contains(&"PC003"), "{codes_seen:?}");
    assert!(codes_seen.contains(&"PC002"), "{codes_seen:?}");
    for d in &out.diagnostics {
        assert_eq!(&text[d.primary_span().range()], r#""effect""#);
    }
}

#[test]
fn a_duplicate_condition_operator_keeps_both_restrictions() {
    // Many parsers keep only the last `StringEquals`; the engine must not silently
    // drop the first (spec §8 item 26): a request meeting only one is not allowed.
    let text = statement(
        "",
        r#""Condition": {"StringEquals": {"aws:SourceVpce": "vpce-1"}, "StringEquals": {"aws:SourceVpc": "vpc-1"}}"#,
    );
    let p = parse(&text).policy.unwrap();
    let mut ctx = Context::new();
    ctx.insert(
        "aws:SourceVpc",
        policycheck_core::CtxValue::One("vpc-1".into()),
    );
    let req = Request::new(
        Caller::Anonymous,
        "s3:GetObject",
        "arn:aws:s3:::example-bucket/k",
        ctx,
    );
    assert_ne!(decide(&p, &req).0, Decision::Allow);
}

// ---------------------------------------------------------------------------
// Depth and size
// ---------------------------------------------------------------------------

/// Runs in the default test thread (no enlarged stack): the depth limit must hold.
#[test]
fn deep_nesting_is_a_clear_error_not_a_stack_overflow() {
    for (unit, close) in [("[", "]"), ("{\"a\":", "}")] {
        for balanced in [false, true] {
            let mut text = unit.repeat(100_000);
            if balanced {
                text.push('1');
                text.push_str(&close.repeat(100_000));
            }
            let out = parse(&text);
            assert!(out.policy.is_none());
            let (d, at) = syntax_error(&text);
            assert!(d.message.contains("nested deeper than"), "{}", d.message);
            // The error names the first value past the limit.
            let limit = json::MAX_DEPTH;
            assert_eq!(d.primary_span().start as usize, limit * unit.len());
            assert_eq!(at, &unit[..1]);
            let lc = LineIndex::new(&text).line_col(d.primary_span().start);
            assert_eq!((lc.line, lc.column as usize), (1, limit * unit.len() + 1));
        }
    }
    // The same inside a real policy, and through the bytes entry point.
    let text = format!(r#"{{"Statement": {}"#, "[".repeat(100_000));
    let out = parse_policy_bytes(text.as_bytes(), PolicyKind::Resource);
    assert!(out.policy.is_none());
    assert_eq!(out.diagnostics.len(), 1);
    assert!(out.diagnostics[0].message.contains("nested deeper"));
    // A document at the limit still parses.
    let ok = format!(
        "{}1{}",
        "[".repeat(json::MAX_DEPTH - 1),
        "]".repeat(json::MAX_DEPTH - 1)
    );
    assert!(json::parse(&ok, &json::Arena::new()).value.is_some());
}

#[test]
fn ten_megabyte_sid_parses() {
    let sid = "x".repeat(10 * 1024 * 1024);
    let text = with_statement(&format!(
        r#""Sid": "{sid}", "Effect": "Allow", "Principal": "*", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::example-bucket/*""#
    ));
    let out = parse(&text);
    assert!(out.diagnostics.is_empty(), "{:?}", out.diagnostics);
    let p = out.policy.unwrap();
    assert_eq!(p.statements[0].id().len(), sid.len());
    assert_eq!(decide(&p, &anonymous_get()), (Decision::Allow, true));
}

#[test]
fn ten_megabyte_statement_array_parses() {
    let mut text = String::from(r#"{"Version": "2012-10-17", "Statement": ["#);
    let mut n = 0usize;
    while text.len() < 10 * 1024 * 1024 {
        if n > 0 {
            text.push(',');
        }
        text.push_str(&format!(
            r#"{{"Sid": "S{n}", "Effect": "Allow", "Principal": {{"AWS": "arn:aws:iam::111122223333:user/u{n}"}}, "Action": ["s3:GetObject", "s3:PutObject"], "Resource": "arn:aws:s3:::example-bucket/{n}/*"}}"#
        ));
        n += 1;
    }
    text.push_str("]}");
    let out = parse_policy(&text);
    assert!(out.diagnostics.is_empty(), "{:?}", &out.diagnostics[..1]);
    let p = out.policy.unwrap();
    assert_eq!(p.statements.len(), n);
    // The last statement still grants, the first user gets nothing elsewhere.
    let last = n - 1;
    let req = |user: usize, key: usize| {
        Request::new(
            Caller::parse(&format!("arn:aws:iam::111122223333:user/u{user}")).unwrap(),
            "s3:PutObject",
            &format!("arn:aws:s3:::example-bucket/{key}/k"),
            Context::new(),
        )
    };
    assert_eq!(decide(&p, &req(last, last)).0, Decision::Allow);
    assert_eq!(decide(&p, &req(0, last)).0, Decision::ImplicitDeny);
    let ev = evaluate(&p, &req(last, last));
    assert_eq!(ev.determining, vec![format!("S{last}")]);
}

// ---------------------------------------------------------------------------
// Encoding: invalid UTF-8, empty input, BOM
// ---------------------------------------------------------------------------

#[test]
fn invalid_utf8_names_the_offset() {
    let prefix = r#"{"Version": "2012-10-17", "Statement": [{"Sid": "caf"#;
    let suffix = r#"", "Effect": "Allow", "Principal": "*", "Action": "*", "Resource": "*"}]}"#;
    for bad in [
        &b"\xff"[..],         // never valid
        &b"\xc0\xaf"[..],     // overlong
        &b"\xed\xa0\x80"[..], // a UTF-16 surrogate encoded in UTF-8
        &b"\xe9"[..],         // Latin-1 é
        &b"\xe2\x82"[..],     // truncated sequence
    ] {
        let mut bytes = prefix.as_bytes().to_vec();
        bytes.extend_from_slice(bad);
        bytes.extend_from_slice(suffix.as_bytes());
        let at = prefix.len();
        let out = parse_policy_bytes(&bytes, PolicyKind::Resource);
        check_spans(&bytes, &out.diagnostics);
        assert!(out.policy.is_none());
        assert_eq!(out.diagnostics.len(), 1);
        let d = &out.diagnostics[0];
        assert_eq!(d.code, "PC001");
        assert!(
            d.message.contains(&format!("offset {at}")),
            "{bad:x?}: {}",
            d.message
        );
        assert!(
            d.message.contains(&format!("0x{:02X}", bad[0])),
            "{}",
            d.message
        );
        assert_eq!(d.primary_span().range(), at..at + 1);
        // The JSON layer reports the same.
        let e = json::parse_bytes(&bytes, &json::Arena::new()).unwrap_err();
        assert_eq!(e.primary_span(), d.primary_span());
    }
    // Truncated at the very end of the input.
    let bytes = b"{\"Sid\": \"\xe2\x82";
    let out = parse_policy_bytes(bytes, PolicyKind::Resource);
    assert_eq!(out.diagnostics[0].primary_span().range(), 9..10);
    // Valid UTF-8 goes through as text.
    let out = parse_policy_bytes(VALID.as_bytes(), PolicyKind::Resource);
    assert!(out.diagnostics.is_empty());
    assert!(out.policy.is_some());
}

#[test]
fn empty_and_blank_input() {
    for text in ["", " ", "\n\n\t  \r\n"] {
        let (d, at) = syntax_error(text);
        assert!(d.message.contains("empty"), "{:?}: {}", text, d.message);
        assert_eq!(at, "");
        let out = parse_policy_bytes(text.as_bytes(), PolicyKind::Resource);
        assert_eq!(out.diagnostics[0].code, "PC001");
    }
}

#[test]
fn byte_order_mark() {
    let text = format!("\u{FEFF}{VALID}");
    let (d, at) = syntax_error(&text);
    assert!(d.message.contains("byte order mark"));
    assert_eq!(at, "\u{FEFF}");
    assert!(d.help.unwrap().contains("without BOM"));
    let out = parse_policy_bytes(text.as_bytes(), PolicyKind::Resource);
    assert_eq!(out.diagnostics.len(), 1);
    assert_eq!(out.diagnostics[0].primary_span().range(), 0..3);
    // A BOM in the middle is just a character, not a value.
    let text = "{\"Version\": \u{FEFF}\"2012-10-17\"}";
    let (_, at) = syntax_error(text);
    assert_eq!(at, "\u{FEFF}");
}

// ---------------------------------------------------------------------------
// Line and column
// ---------------------------------------------------------------------------

#[test]
fn line_and_column_of_errors() {
    let text = "{\n  \"Version\": \"2012-10-17\",\n  \"Statement\": [\n    {\n      \"Sid\": \"é😀\", \"Effect\": \"Allow\",\n      \"Principal\": \"*\",\n      \"Action\": \"s3:GetObject\",\n      \"Resource\": \"arn:aws:s3:::b/*\",\n    }\n  ]\n}\n";
    let (d, at) = syntax_error(text);
    assert_eq!(at, ",");
    let idx = LineIndex::new(text);
    let lc = idx.line_col(d.primary_span().start);
    // `      "Resource": "arn:aws:s3:::b/*"` is 36 characters: the comma is column 37.
    assert_eq!((lc.line, lc.column, lc.column_utf16), (8, 37, 37));

    // After non-ASCII text on the same line, columns count characters and UTF-16 units.
    let bad = text.replace("\"Effect\": \"Allow\"", "\"Effect\": \"allow\"");
    let bad = bad.replace("b/*\",\n", "b/*\"\n");
    let (d, at) = only(&bad, &codes::INVALID_EFFECT);
    assert_eq!(at, "\"allow\"");
    let lc = LineIndex::new(&bad).line_col(d.primary_span().start);
    // `      "Sid": "é😀", "Effect": ` is 6 + 7 + 4 + 2 + 10 = 29 characters, and the
    // emoji is two UTF-16 units.
    assert_eq!((lc.line, lc.column, lc.column_utf16), (5, 30, 31));

    // A duplicate key three lines below the first.
    let dup = "{\n  \"Statement\": [],\n  \"Id\": \"a\",\n  \"Statement\": []\n}";
    let (d, _) = first(dup, &codes::DUPLICATE_KEY);
    let idx = LineIndex::new(dup);
    let primary = idx.line_col(d.primary_span().start);
    let other = idx.line_col(d.labels.iter().find(|l| !l.primary).unwrap().span.start);
    assert_eq!((primary.line, primary.column), (4, 3));
    assert_eq!((other.line, other.column), (2, 3));

    // Windows line ends: `\r` is part of the line's columns, lines still count.
    let crlf = "{\r\n\"Statement\": [],\r\n\"Bogus\": 1\r\n}";
    let (d, at) = first(crlf, &codes::UNKNOWN_ELEMENT);
    assert_eq!(at, "\"Bogus\"");
    let lc = LineIndex::new(crlf).line_col(d.primary_span().start);
    assert_eq!((lc.line, lc.column), (3, 1));
}

// ---------------------------------------------------------------------------
// Random mutations of valid policies
// ---------------------------------------------------------------------------

const SEEDS: &[&str] = &[
    VALID,
    r#"{"Version": "2012-10-17", "Id": "p", "Statement": [{"Sid": "DenyInsecure", "Effect": "Deny", "Principal": "*", "Action": "s3:*", "Resource": ["arn:aws:s3:::example-bucket", "arn:aws:s3:::example-bucket/*"], "Condition": {"Bool": {"aws:SecureTransport": false}, "NumericLessThan": {"s3:max-keys": 10}}}, {"Effect": "Allow", "NotPrincipal": {"AWS": ["111122223333", "arn:aws:iam::111122223333:user/alice"]}, "NotAction": "s3:Delete*", "NotResource": "arn:aws:s3:::example-bucket/private/*", "Condition": {"ForAnyValue:StringLike": {"aws:TagKeys": ["a*", "b?"]}, "IpAddress": {"aws:SourceIp": ["203.0.113.0/24", "2001:db8::/32"]}, "Null": {"s3:prefix": "false"}}}]}"#,
    "{\n  \"Version\": \"2012-10-17\",\n  \"Statement\": {\n    \"Effect\": \"Allow\",\n    \"Principal\": {\"Service\": \"cloudtrail.amazonaws.com\", \"AWS\": \"arn:aws:sts::111122223333:assumed-role/R/s\"},\n    \"Action\": \"s3:PutObject\",\n    \"Resource\": \"arn:aws:s3:::example-bucket/home/${aws:username}/*\",\n    \"Condition\": {\"StringEquals\": {\"s3:x-amz-acl\": \"bucket-owner-full-control\"}, \"DateGreaterThan\": {\"aws:CurrentTime\": \"2025-01-01T00:00:00Z\"}}\n  }\n}",
];

/// Pieces spliced into a policy: JSON punctuation, keywords, tricky characters.
const SPLICES: &[&[u8]] = &[
    b"{",
    b"}",
    b"[",
    b"]",
    b",",
    b":",
    b"\"",
    b"\\",
    b"\\u",
    b"\\ud800",
    b"null",
    b"true",
    b"-0.5e+3",
    b"\"*\"",
    b"\"Effect\"",
    b"\"Statement\"",
    b"\"Condition\"",
    b"{\"a\":",
    b"//",
    b"/*",
    b"'",
    b"\xff",
    b"\xc3",
    b"\xef\xbb\xbf",
    "é".as_bytes(),
    "😀".as_bytes(),
    b"\n",
    b"\t",
    b"\x00",
    b"${aws:username}",
    b"*",
    b"?",
];

#[derive(Clone, Debug)]
enum Edit {
    Delete(prop::sample::Index, usize),
    Insert(prop::sample::Index, usize),
    Duplicate(prop::sample::Index, usize),
    Replace(prop::sample::Index, u8),
    Truncate(prop::sample::Index),
}

fn edit_strategy() -> impl Strategy<Value = Edit> {
    prop_oneof![
        3 => (any::<prop::sample::Index>(), 1usize..12).prop_map(|(i, n)| Edit::Delete(i, n)),
        3 => (any::<prop::sample::Index>(), 0..SPLICES.len()).prop_map(|(i, s)| Edit::Insert(i, s)),
        3 => (any::<prop::sample::Index>(), 1usize..40).prop_map(|(i, n)| Edit::Duplicate(i, n)),
        3 => (any::<prop::sample::Index>(), any::<u8>()).prop_map(|(i, b)| Edit::Replace(i, b)),
        1 => any::<prop::sample::Index>().prop_map(Edit::Truncate),
    ]
}

fn apply(seed: &[u8], edits: &[Edit]) -> Vec<u8> {
    let mut v = seed.to_vec();
    for e in edits {
        match e {
            Edit::Delete(i, n) if !v.is_empty() => {
                let at = i.index(v.len());
                let end = (at + n).min(v.len());
                v.drain(at..end);
            }
            Edit::Insert(i, s) => {
                let at = i.index(v.len() + 1);
                v.splice(at..at, SPLICES[*s].iter().copied());
            }
            Edit::Duplicate(i, n) if !v.is_empty() => {
                let at = i.index(v.len());
                let end = (at + n).min(v.len());
                let piece = v[at..end].to_vec();
                v.splice(end..end, piece);
            }
            Edit::Replace(i, b) if !v.is_empty() => {
                let at = i.index(v.len());
                v[at] = *b;
            }
            Edit::Truncate(i) => {
                let at = i.index(v.len() + 1);
                v.truncate(at);
            }
            _ => {}
        }
    }
    v
}

#[test]
fn random_mutations_never_panic_and_spans_stay_in_the_text() {
    let cases = std::env::var("PROPTEST_CASES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(10_000);
    let mut runner = TestRunner::new(Config {
        cases,
        failure_persistence: None,
        ..Config::default()
    });
    let parsed = std::cell::Cell::new(0usize);
    let strategy = (
        0..SEEDS.len(),
        proptest::collection::vec(edit_strategy(), 1..5),
    );
    let result = runner.run(&strategy, |(seed, edits)| {
        let bytes = apply(SEEDS[seed].as_bytes(), &edits);
        let out = parse_policy_bytes(&bytes, PolicyKind::Resource);
        check_spans(&bytes, &out.diagnostics);
        for d in &out.diagnostics {
            prop_assert!(!d.message.is_empty());
            prop_assert!(d.labels.iter().filter(|l| l.primary).count() == 1);
        }
        if let Some(p) = &out.policy {
            parsed.set(parsed.get() + 1);
            let req = anonymous_get();
            let ev = evaluate(p, &req);
            prop_assert_eq!(decide(p, &req), (ev.decision, ev.certain));
            // Not evaluable parts never grant (fail closed).
            if !ev.certain {
                prop_assert_ne!(ev.decision, Decision::Allow);
            }
        } else {
            prop_assert!(out
                .diagnostics
                .iter()
                .any(|d| d.code == "PC001" || d.code == "PC004"));
        }
        Ok(())
    });
    if let Err(e) = result {
        panic!("{e}");
    }
    eprintln!(
        "mutations: {} of {cases} mutated inputs still produced a policy",
        parsed.get()
    );
    assert!(
        parsed.get() > cases as usize / 20,
        "too few mutated inputs still parse: the policy layer is barely exercised"
    );
}
