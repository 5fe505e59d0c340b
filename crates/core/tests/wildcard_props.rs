#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // test code: failing loudly is the point

//! Property tests of the IAM wildcard matcher (spec §2.1, §2.2, §3.4) against naive
//! references:
//!
//! * [`Pattern`] against a `regex` built from the pattern (everything escaped, `*` →
//!   `.*`, `?` → `.`, `(?s)` so both also take newlines, anchored `^…$`);
//! * [`ArnPattern`] against a component-wise reference written from spec §2.2's
//!   recommended algorithm (split at the first five `:`, a trailing `*` of a short
//!   pattern absorbs the rest, else pairwise globs).
//!
//! Alphabets are tiny (`ab/:*?é😀`) so that matches actually happen; texts are also
//! derived from the pattern itself (each `*` filled, each `?` replaced, sometimes
//! mutated) so a healthy share of cases match. Each runner counts its matches and
//! asserts both outcomes were seen often enough: a property that only ever sees
//! `false` proves nothing.

use policycheck_core::pattern::{ArnPattern, NoVars, Pattern, Syntax};
use proptest::prelude::*;
use proptest::test_runner::{Config, TestCaseError, TestError, TestRunner};
use std::cell::Cell;

const WILD: Syntax = Syntax {
    wildcards: true,
    variables: false,
};
const LITERAL: Syntax = Syntax {
    wildcards: false,
    variables: false,
};

/// Pattern alphabet: `*` and `?` are wildcards, the rest literal (two non-ASCII
/// characters of different UTF-8 lengths, `/` and `:` which a file glob or an ARN
/// matcher might treat specially).
const PATTERN_CHARS: &[char] = &['a', 'b', '/', ':', '*', '?', 'é', '😀'];
/// Text alphabet: the same characters, `*` and `?` being plain text here.
const TEXT_CHARS: &[char] = &['a', 'b', '/', ':', '*', '?', 'é', '😀', '\n'];

/// The naive reference: a regex with every character escaped.
fn reference_regex(pattern: &str) -> regex::Regex {
    let mut re = String::from("(?s)^");
    for c in pattern.chars() {
        match c {
            '*' => re.push_str(".*"),
            '?' => re.push('.'),
            c => re.push_str(&regex::escape(c.encode_utf8(&mut [0; 4]))),
        }
    }
    re.push('$');
    regex::Regex::new(&re).unwrap()
}

fn string_of(chars: &'static [char], len: std::ops::Range<usize>) -> BoxedStrategy<String> {
    proptest::collection::vec(proptest::sample::select(chars), len)
        .prop_map(|v| v.into_iter().collect())
        .boxed()
}

/// Patterns that lean on wildcards: runs of `*`, many `?`, and literal pieces.
fn pattern_strategy() -> BoxedStrategy<String> {
    let piece = prop_oneof![
        3 => string_of(PATTERN_CHARS, 0..4),
        2 => Just("*".to_string()),
        1 => Just("**".to_string()),
        2 => Just("?".to_string()),
        1 => Just("*?*".to_string()),
    ];
    proptest::collection::vec(piece, 0..8)
        .prop_map(|v| v.concat())
        .boxed()
}

/// A text the pattern matches (each `*` filled with 0-4 random characters, each `?`
/// with one), then with probability ~1/3 one random edit, which usually breaks it.
fn derived_text(pattern: String) -> impl Strategy<Value = (String, String)> {
    let stars = pattern.chars().filter(|c| *c == '*' || *c == '?').count();
    (
        proptest::collection::vec(string_of(TEXT_CHARS, 0..5), stars),
        proptest::sample::select(TEXT_CHARS),
        0usize..4,
        any::<prop::sample::Index>(),
    )
        .prop_map(move |(fills, c, edit, at)| {
            let mut out = String::new();
            let mut fills = fills.into_iter();
            for pc in pattern.chars() {
                match pc {
                    '*' => out.push_str(&fills.next().unwrap_or_default()),
                    '?' => {
                        let f = fills.next().unwrap_or_default();
                        out.push(f.chars().next().unwrap_or('a'));
                    }
                    other => out.push(other),
                }
            }
            let mut chars: Vec<char> = out.chars().collect();
            match edit {
                0 if !chars.is_empty() => {
                    chars.remove(at.index(chars.len()));
                }
                1 => {
                    let i = at.index(chars.len() + 1);
                    chars.insert(i, c);
                }
                _ => {}
            }
            (pattern.clone(), chars.into_iter().collect())
        })
}

fn pattern_and_text() -> BoxedStrategy<(String, String)> {
    prop_oneof![
        // Unrelated text: mostly non-matches, sometimes a match.
        1 => (pattern_strategy(), string_of(TEXT_CHARS, 0..14)),
        // Derived text: mostly matches, the edited ones mostly not.
        2 => pattern_strategy().prop_flat_map(derived_text),
    ]
    .boxed()
}

/// Turn a runner failure into a panic that shows the minimal failing input.
fn report<T: std::fmt::Debug>(result: Result<(), TestError<T>>) {
    if let Err(e) = result {
        panic!("{e}");
    }
}

/// `n`, or `PROPTEST_CASES` from the environment for a longer run.
fn cases(n: u32) -> u32 {
    std::env::var("PROPTEST_CASES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(n)
}

fn check_share(name: &str, total: usize, matched: usize) {
    let share = matched as f64 / total as f64;
    eprintln!("{name}: {matched} of {total} cases matched");
    assert!(
        (0.2..=0.8).contains(&share),
        "{name}: {matched} of {total} cases matched ({:.0}%); the generator no longer exercises both outcomes",
        share * 100.0
    );
}

#[test]
fn pattern_agrees_with_regex_reference() {
    let cases = cases(3000);
    let mut runner = TestRunner::new(Config {
        cases,
        failure_persistence: None,
        ..Config::default()
    });
    let matched = Cell::new(0usize);
    let many_wildcards = Cell::new(0usize);
    report(runner.run(&pattern_and_text(), |(pattern, text)| {
        let want = reference_regex(&pattern).is_match(&text);
        let got = Pattern::new(&pattern, WILD).matches_plain(&text);
        prop_assert_eq!(
            got,
            want,
            "pattern {:?} vs text {:?}: engine says {}, regex says {}",
            pattern,
            text,
            got,
            want
        );
        // Without wildcard syntax the pattern is plain text.
        prop_assert_eq!(
            Pattern::new(&pattern, LITERAL).matches_plain(&text),
            pattern == text
        );
        if want {
            matched.set(matched.get() + 1);
        }
        if pattern.chars().filter(|c| *c == '*' || *c == '?').count() >= 4 {
            many_wildcards.set(many_wildcards.get() + 1);
        }
        Ok(())
    }));
    check_share("Pattern", cases as usize, matched.get());
    assert!(
        many_wildcards.get() > cases as usize / 4,
        "only {} patterns had 4+ wildcards",
        many_wildcards.get()
    );
}

/// The recommended algorithm of spec §2.2, written independently of the engine:
/// split both sides at the first five `:`; a pattern with fewer than six components
/// whose last component ends in `*` lets that component absorb the rest of the
/// candidate; otherwise the component counts must agree and each pair must glob-match.
fn reference_arn(pattern: &str, candidate: &str) -> bool {
    let pparts: Vec<&str> = pattern.splitn(6, ':').collect();
    let absorb = pparts.len() < 6 && pparts.last().is_some_and(|p| p.ends_with('*'));
    let cparts: Vec<&str> = if absorb {
        candidate.splitn(pparts.len(), ':').collect()
    } else {
        candidate.splitn(6, ':').collect()
    };
    pparts.len() == cparts.len()
        && pparts
            .iter()
            .zip(&cparts)
            .all(|(p, c)| reference_regex(p).is_match(c))
}

/// ARN-shaped patterns: six components (or fewer) over a tiny alphabet, some with
/// wildcards, the resource part sometimes holding extra colons.
fn arn_pattern_strategy() -> BoxedStrategy<String> {
    const COMPONENT: &[char] = &['a', 'b', '*', '?', '/', 'é'];
    let component = prop_oneof![
        2 => string_of(COMPONENT, 0..3),
        1 => Just("*".to_string()),
        1 => Just(String::new()),
    ];
    let resource = prop_oneof![
        2 => string_of(&['a', 'b', '*', '?', '/', ':', 'é'], 0..6),
        1 => Just("b/*".to_string()),
        1 => Just("*".to_string()),
    ];
    (
        proptest::collection::vec(component, 1..6),
        resource,
        any::<bool>(),
    )
        .prop_map(|(mut comps, res, full)| {
            if full {
                // Pad to five components, then the resource part: a real six-part ARN.
                while comps.len() < 5 {
                    comps.push(String::new());
                }
                comps.truncate(5);
                comps.push(res);
            }
            comps.join(":")
        })
        .boxed()
}

fn arn_pattern_and_text() -> BoxedStrategy<(String, String)> {
    prop_oneof![
        1 => (
            arn_pattern_strategy(),
            string_of(&['a', 'b', ':', '/', 'é', '*'], 0..12)
        ),
        3 => arn_pattern_strategy().prop_flat_map(derived_text),
    ]
    .boxed()
}

#[test]
fn arn_pattern_agrees_with_component_wise_reference() {
    let cases = cases(2000);
    let mut runner = TestRunner::new(Config {
        cases,
        failure_persistence: None,
        ..Config::default()
    });
    let matched = Cell::new(0usize);
    // Cases where matching the whole string would give another answer: proves the
    // generator reaches the component-wise rule at all.
    let differs_from_whole = Cell::new(0usize);
    report(runner.run(&arn_pattern_and_text(), |(pattern, text)| {
        let want = reference_arn(&pattern, &text);
        let got = ArnPattern::new(&pattern, WILD)
            .matches(&text, &NoVars)
            .map_err(|e| TestCaseError::fail(format!("{e:?}")))?;
        prop_assert_eq!(
            got,
            want,
            "ARN pattern {:?} vs {:?}: engine says {}, reference says {}",
            pattern,
            text,
            got,
            want
        );
        if want {
            matched.set(matched.get() + 1);
        }
        if want != reference_regex(&pattern).is_match(&text) {
            differs_from_whole.set(differs_from_whole.get() + 1);
        }
        Ok(())
    }));
    check_share("ArnPattern", cases as usize, matched.get());
    eprintln!(
        "ArnPattern: {} cases where whole-string matching differs",
        differs_from_whole.get()
    );
    assert!(
        differs_from_whole.get() > cases as usize / 100,
        "only {} cases told component-wise from whole-string matching",
        differs_from_whole.get()
    );
}

/// Worked examples from spec §2.2 and §3.4, through both matchers.
#[test]
fn arn_reference_agrees_on_spec_examples() {
    let p = "arn:aws:s3:::B/*/test/*";
    for (text, want) in [
        ("arn:aws:s3:::B/1///test///object.jpg", true),
        ("arn:aws:s3:::B//test/object.jpg", true),
        ("arn:aws:s3:::B/1/test/", true),
        ("arn:aws:s3:::B/1-test/object.jpg", false),
        ("arn:aws:s3:::B/test/object.jpg", false),
        ("arn:aws:s3:::B/1/2/test.jpg", false),
    ] {
        assert_eq!(reference_arn(p, text), want, "{text}");
        assert_eq!(
            ArnPattern::new(p, WILD).matches(text, &NoVars).unwrap(),
            want,
            "{text}"
        );
    }
    let p = "arn:aws:someservice:*:111122223333:finance/*";
    let v =
        "arn:aws:someservice:us-east-2:999999999999:store/abc:111122223333:finance/document.txt";
    assert!(!reference_arn(p, v));
    assert!(!ArnPattern::new(p, WILD).matches(v, &NoVars).unwrap());
    assert!(reference_regex(p).is_match(v));
    assert!(Pattern::new(p, WILD).matches_plain(v));
}

/// Many stars against a long text with no match: must answer false and finish
/// (a backtracking matcher takes exponential time here). Timing is in the bench.
#[test]
fn many_stars_against_a_long_text_terminate() {
    let text = "a".repeat(10_000);
    assert!(!Pattern::new("*a*a*a*a*a*b", WILD).matches_plain(&text));
    assert!(Pattern::new("*a*a*a*a*a*", WILD).matches_plain(&text));
    assert!(!Pattern::new("*a?a*a?a*a*b*", WILD).matches_plain(&text));
    assert!(!Pattern::new("a*?*?*?*?*?*b", WILD).matches_plain(&text));
    let arn = format!("arn:aws:s3:::bucket/{text}");
    assert!(!ArnPattern::new("arn:aws:s3:::bucket/*a*a*a*a*a*b", WILD)
        .matches(&arn, &NoVars)
        .unwrap());
}
