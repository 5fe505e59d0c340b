//! `--format json`: `{"version": 1, "tool", "files": [{path, access, findings}], "errors", "summary"}`.
//! Versioned and stable: fields may be added, never removed or renamed.

use super::pretty::Out;
use crate::commands::lint::{FileOutcome, Totals};
use policycheck_core::public::{LevelAccess, PublicAccess, Verdict};
use policycheck_core::{CtxValue, Diagnostic, LineCol, LineIndex, Request};
use policycheck_lint::api::REPORT_VERSION;
use policycheck_lint::registry;
use serde_json::json;

pub fn header() -> String {
    format!(
        "{{\n\"version\": {REPORT_VERSION},\n\"tool\": {},\n\"files\": [\n",
        json!({"name": "policycheck", "version": policycheck_core::VERSION})
    )
}

/// One file's report object: the [`FileReport`] of `policycheck_lint::api` (members in
/// its order, the same text as `serde_json::to_string_pretty` of it), each finding with
/// its fingerprint, then the suppressed findings.
///
/// Written straight from the lint result with [`Out`], without building the report
/// (copies of every message and help text) and serialising it: on a large corpus that
/// was a sixth of the run. A test checks the text against the serialised
/// [`file_report`].
///
/// [`FileReport`]: policycheck_lint::api::FileReport
/// [`file_report`]: policycheck_lint::api::file_report
pub fn fragment(f: &FileOutcome) -> String {
    let r = &f.result;
    let index = Positions::new(&f.text, &r.diagnostics);
    let ids = f.identities();
    // About what a report takes: the help texts make it larger than the policy.
    let mut o = Out::with_capacity(4096 + 2 * f.text.len());
    o.begin_object();
    o.key("path");
    o.str(&f.path);
    o.key("access");
    match &r.access {
        Some(a) => access(&mut o, a),
        // Every file has a verdict (the contract): one that is not a policy document
        // could not be analysed, which fails closed like any undecided answer.
        None => access(&mut o, &PublicAccess::unknown(NOT_ANALYSED)),
    }
    o.key("findings");
    o.begin_array();
    for (i, d) in r.diagnostics.iter().enumerate() {
        o.item();
        o.begin_object();
        located(&mut o, d, &index);
        o.key("url");
        o.str(&registry::find(d.code).map(|r| r.url()).unwrap_or_default());
        if let Some(p) = &d.pointer {
            o.key("pointer");
            o.str(p);
        }
        if let Some(s) = r.statement_at(d.primary_span()) {
            o.key("statement");
            o.begin_object();
            o.key("index");
            o.uint(s.index as u64);
            o.key("sid");
            o.opt_str(s.sid.as_deref());
            o.end_object();
        }
        if let Some(id) = ids.get(i) {
            o.key("fingerprint");
            o.str(&id.fingerprint);
        }
        o.end_object();
    }
    o.end_array();
    o.key("suppressed");
    o.begin_array();
    for (d, reason) in &f.suppressed {
        o.item();
        o.begin_object();
        o.key("code");
        o.str(d.code);
        o.key("name");
        o.str(d.name);
        o.key("message");
        o.str(&d.message);
        o.key("reason");
        o.str(reason);
        o.end_object();
    }
    o.end_array();
    o.end_object();
    o.into_string()
}

/// The members of `d.locate(index)` ([`policycheck_core::Located`]), in its order.
fn located(o: &mut Out, d: &Diagnostic, index: &Positions<'_>) {
    let span = d.primary_span();
    let (a, b) = (index.line_col(span.start), index.line_col(span.end));
    o.key("code");
    o.str(d.code);
    o.key("name");
    o.str(d.name);
    o.key("severity");
    o.str(d.severity.as_str());
    o.key("message");
    o.str(&d.message);
    if let Some(h) = &d.help {
        o.key("help");
        o.str(h);
    }
    for (k, v) in [
        ("line", a.line),
        ("column", a.column),
        ("end_line", b.line),
        ("end_column", b.column),
        ("column_utf16", a.column_utf16),
        ("end_column_utf16", b.column_utf16),
        ("start", span.start),
        ("end", span.end),
        ("start_utf16", index.utf16_offset(span.start)),
        ("end_utf16", index.utf16_offset(span.end)),
    ] {
        o.key(k);
        o.uint(v.into());
    }
    o.key("labels");
    o.begin_array();
    for l in &d.labels {
        o.item();
        o.begin_object();
        if let Some(t) = &l.text {
            o.key("text");
            o.str(t);
        }
        o.key("primary");
        o.bool(l.primary);
        let lc = index.line_col(l.span.start);
        for (k, v) in [
            ("start", l.span.start),
            ("end", l.span.end),
            ("start_utf16", index.utf16_offset(l.span.start)),
            ("end_utf16", index.utf16_offset(l.span.end)),
            ("line", lc.line),
            ("column", lc.column),
        ] {
            o.key(k);
            o.uint(v.into());
        }
        o.end_object();
    }
    o.end_array();
}

/// [`LineIndex`]'s answers for the offsets of some findings.
///
/// `LineIndex::new` indexes every line of the text, where a report needs the positions
/// of a few findings: on a corpus of generated policies the index was a quarter of the
/// report's cost. When the text is ASCII up to the last of those offsets, their lines
/// and columns are counted in one pass over that part instead (a column is then a byte
/// difference); any other text is indexed.
enum Positions<'a> {
    Counted {
        text: &'a str,
        /// Sorted by offset.
        at: Vec<(u32, LineCol)>,
    },
    Indexed(LineIndex<'a>),
}

impl<'a> Positions<'a> {
    fn new(text: &'a str, diagnostics: &[Diagnostic]) -> Positions<'a> {
        let len = u32::try_from(text.len()).unwrap_or(u32::MAX);
        let mut offsets: Vec<u32> = diagnostics
            .iter()
            .flat_map(|d| {
                let span = d.primary_span();
                [span.start, span.end]
                    .into_iter()
                    .chain(d.labels.iter().flat_map(|l| [l.span.start, l.span.end]))
            })
            .map(|o| o.min(len))
            .collect();
        offsets.sort_unstable();
        offsets.dedup();
        match count_lines(text, &offsets) {
            Some(at) => Positions::Counted { text, at },
            None => Positions::Indexed(LineIndex::new(text)),
        }
    }

    fn line_col(&self, offset: u32) -> LineCol {
        match self {
            Positions::Counted { text, at } => {
                let offset = offset.min(u32::try_from(text.len()).unwrap_or(u32::MAX));
                match at.binary_search_by_key(&offset, |&(o, _)| o) {
                    Ok(i) => at.get(i).map(|&(_, lc)| lc),
                    Err(_) => None,
                }
                // Every offset of the findings was counted.
                .unwrap_or_else(|| LineIndex::new(text).line_col(offset))
            }
            Positions::Indexed(index) => index.line_col(offset),
        }
    }

    fn utf16_offset(&self, offset: u32) -> u32 {
        match self {
            // ASCII up to there: one UTF-16 unit per byte.
            Positions::Counted { text, at } => {
                if at.last().is_some_and(|&(last, _)| offset <= last) {
                    offset
                } else {
                    LineIndex::new(text).utf16_offset(offset)
                }
            }
            Positions::Indexed(index) => index.utf16_offset(offset),
        }
    }
}

/// The line and column of each of `offsets` (sorted, none past the end of `text`) as
/// [`LineIndex::line_col`] gives them, counting newlines eight bytes at a time; `None`
/// when `text` is not ASCII up to the last offset (or is too long for `u32` offsets).
fn count_lines(text: &str, offsets: &[u32]) -> Option<Vec<(u32, LineCol)>> {
    const ONES: u64 = u64::MAX / 255;
    const LOW7: u64 = ONES * 0x7F;
    const HIGH: u64 = ONES * 0x80;
    let bytes = text.as_bytes();
    u32::try_from(bytes.len()).ok()?;
    let mut at = Vec::with_capacity(offsets.len());
    // Bytes before `pos` are counted: `line` newlines, the last line starting at `start`.
    let (mut pos, mut line, mut start, mut seen) = (0usize, 0u32, 0usize, 0u64);
    for &offset in offsets {
        let end = offset as usize;
        while pos + 8 <= end {
            let mut word = [0u8; 8];
            word.copy_from_slice(bytes.get(pos..pos + 8)?);
            let v = u64::from_le_bytes(word);
            seen |= v;
            // The high bit of exactly the bytes equal to `\n`.
            let x = v ^ (ONES * u64::from(b'\n'));
            let newlines = !(((x & LOW7) + LOW7) | x | LOW7);
            if newlines != 0 {
                // One per byte, summed into the top byte.
                line += ((newlines >> 7).wrapping_mul(ONES) >> 56) as u32;
                start = pos + (63 - newlines.leading_zeros() as usize) / 8 + 1;
            }
            pos += 8;
        }
        for &b in bytes.get(pos..end)? {
            seen |= u64::from(b);
            pos += 1;
            if b == b'\n' {
                line += 1;
                start = pos;
            }
        }
        let column = u32::try_from(end - start + 1).ok()?;
        at.push((
            offset,
            LineCol {
                line: line.saturating_add(1),
                column,
                column_utf16: column,
            },
        ));
    }
    (seen & HIGH == 0).then_some(at)
}

/// Why a file that is not a policy document has no public-access answer.
pub const NOT_ANALYSED: &str = "not analysed: the file is not a policy document (see its findings)";

/// [`policycheck_lint::api::access_report`].
fn access(o: &mut Out, a: &PublicAccess) {
    o.begin_object();
    o.key("verdict");
    o.str(a.verdict.as_str());
    o.key("read");
    o.bool(a.read.verdict == Verdict::Public);
    o.key("write");
    o.bool(a.write.verdict == Verdict::Public);
    o.key("witnesses");
    o.begin_array();
    for w in a.witnesses() {
        o.item();
        request(o, &w.request);
    }
    o.end_array();
    o.key("details");
    o.begin_object();
    o.key("read");
    level(o, &a.read);
    o.key("write");
    level(o, &a.write);
    o.end_object();
    o.end_object();
}

fn level(o: &mut Out, l: &LevelAccess) {
    o.begin_object();
    o.key("verdict");
    o.str(l.verdict.as_str());
    o.key("actions");
    o.strs(&l.public_actions);
    o.key("witnesses");
    o.begin_array();
    for w in &l.witnesses {
        o.item();
        o.begin_object();
        o.key("level");
        o.str(w.level.as_str());
        o.key("granted_by");
        o.str(&w.granted_by);
        o.key("request");
        request(o, &w.request);
        o.end_object();
    }
    o.end_array();
    o.key("reasons");
    o.begin_array();
    for r in &l.reasons {
        o.item();
        o.begin_object();
        o.key("statement");
        o.str(&r.statement);
        o.key("index");
        o.uint(r.index as u64);
        o.key("role");
        o.str(r.role);
        o.key("detail");
        o.str(&r.detail);
        o.end_object();
    }
    o.end_array();
    o.key("unknown");
    o.strs(&l.unknown);
    o.end_object();
}

/// `req.to_json()`: a `serde_json` object, so its members sorted by key.
fn request(o: &mut Out, req: &Request) {
    o.begin_object();
    o.key("action");
    o.str(&req.action);
    if !req.aws_star_includes_anonymous {
        o.key("aws_star_includes_anonymous");
        o.bool(false);
    }
    o.key("context");
    let mut context: Vec<(&str, &CtxValue)> = req.context.iter().collect();
    // Stable: of equal keys the map keeps the last.
    context.sort_by(|x, y| x.0.cmp(y.0));
    o.begin_object();
    for (i, (k, v)) in context.iter().enumerate() {
        if context.get(i + 1).is_some_and(|next| next.0 == *k) {
            continue;
        }
        o.key_str(k);
        match v {
            CtxValue::One(s) => o.str(s),
            CtxValue::Many(items) => o.strs(items),
        }
    }
    o.end_object();
    o.key("principal");
    o.str(&req.caller.display());
    o.key("resource");
    o.str(&req.resource);
    o.end_object();
}

pub fn footer(t: &Totals) -> String {
    let errors: Vec<serde_json::Value> = t
        .input_errors
        .iter()
        .map(|e| json!({"path": e.path, "message": e.message}))
        .collect();
    let summary = json!({
        "files": t.files,
        "findings": t.findings,
        "by_severity": {"error": t.by_severity[0], "warning": t.by_severity[1], "note": t.by_severity[2]},
        "suppressed": t.suppressed,
        "baselined": t.baselined,
        "resolved": t.resolved,
        "invalid": t.invalid,
        "public": t.public,
        "public_read": t.public_read,
        "public_write": t.public_write,
        "unknown": t.unknown,
        "not_public": t.not_public,
        "fail_on": t.fail_on().as_str(),
        "failed": t.failed || !t.input_errors.is_empty(),
    });
    format!(
        "\n],\n\"errors\": {},\n\"summary\": {}\n}}\n",
        serde_json::to_string_pretty(&errors).unwrap_or_default(),
        serde_json::to_string_pretty(&summary).unwrap_or_default()
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::commands::lint::FileOutcome;
    use policycheck_lint::api::{file_report, FileReport};
    use serde::Serialize;

    /// The report as `serde_json` writes the serialised [`file_report`].
    fn serialised(f: &FileOutcome) -> String {
        #[derive(Serialize)]
        struct Fragment<'a> {
            #[serde(flatten)]
            report: FileReport,
            suppressed: Vec<Suppressed<'a>>,
        }
        #[derive(Serialize)]
        struct Suppressed<'a> {
            code: &'a str,
            name: &'a str,
            message: &'a str,
            reason: &'a str,
        }
        let mut report = file_report(&f.path, &f.text, &f.result);
        // The report gives a file that is not a policy the undecided answer (`fragment`).
        report.access = report.access.or_else(|| {
            Some(policycheck_lint::api::access_report(
                &PublicAccess::unknown(NOT_ANALYSED),
            ))
        });
        for (finding, id) in report.findings.iter_mut().zip(f.identities().iter()) {
            finding.fingerprint = Some(id.fingerprint.clone());
        }
        let fragment = Fragment {
            report,
            suppressed: f
                .suppressed
                .iter()
                .map(|(d, reason)| Suppressed {
                    code: d.code,
                    name: d.name,
                    message: &d.message,
                    reason,
                })
                .collect(),
        };
        serde_json::to_string_pretty(&fragment).unwrap()
    }

    fn outcome(path: &str, text: String) -> FileOutcome {
        let mut result = policycheck_lint::lint(&text, &Default::default());
        // Some findings suppressed (moved out), as a config would.
        let suppressed = if result.diagnostics.len() > 2 {
            result
                .diagnostics
                .drain(..1)
                .map(|d| (d, "a \"reason\"\n\tü".to_string()))
                .collect()
        } else {
            Vec::new()
        };
        FileOutcome {
            path: path.to_string(),
            uri: path.to_string(),
            text,
            result,
            suppressed,
            baselined: 0,
            ids: None,
        }
    }

    fn policies(dir: &std::path::Path, out: &mut Vec<std::path::PathBuf>) {
        for entry in std::fs::read_dir(dir).unwrap() {
            let p = entry.unwrap().path();
            if p.is_dir() {
                policies(&p, out);
            } else if p.extension().is_some_and(|e| e == "json") {
                out.push(p);
            }
        }
    }

    /// `Positions` answers as `LineIndex` does, for ASCII texts (counted) and others
    /// (indexed): newlines at every position of a word, offsets at and past the end.
    #[test]
    fn positions_are_the_line_index_ones() {
        let pieces = [
            "a",
            "\n",
            "\r\n",
            "  ",
            "abcdefghij",
            "\n\n",
            "ü",
            "😀",
            "\t",
        ];
        let mut next = crate::output::test_rng(0x2545_F491_4F6C_DD1Du64);
        let mut counted = 0;
        for round in 0..3000 {
            // Two texts in three ASCII only.
            let choices = if round % 3 == 0 { pieces.len() } else { 6 };
            let text: String = (0..next() % 60)
                .map(|_| pieces[(next() % choices as u64) as usize])
                .collect();
            let len = text.len() as u32;
            let diagnostics: Vec<Diagnostic> = (0..next() % 4)
                .map(|_| {
                    // Offsets up to two past the end.
                    let mut span = || {
                        let (a, b) = (next() % (u64::from(len) + 3), next() % (u64::from(len) + 3));
                        policycheck_core::Span::new(a.min(b) as u32, a.max(b) as u32)
                    };
                    let d = Diagnostic::new(&policycheck_core::codes::INVALID_JSON, span(), "m");
                    let second = span();
                    if second.start % 2 == 0 {
                        d.and_label(second, "l")
                    } else {
                        d
                    }
                })
                .collect();
            let positions = Positions::new(&text, &diagnostics);
            counted += usize::from(matches!(positions, Positions::Counted { .. }));
            let index = LineIndex::new(&text);
            for d in &diagnostics {
                for l in &d.labels {
                    for o in [l.span.start, l.span.end] {
                        assert_eq!(positions.line_col(o), index.line_col(o), "{text:?} {o}");
                        assert_eq!(positions.utf16_offset(o), index.utf16_offset(o));
                    }
                }
            }
            // Offsets no finding has.
            for o in [0, len / 2, len, len + 1, u32::MAX] {
                assert_eq!(positions.line_col(o), index.line_col(o), "{text:?} {o}");
                assert_eq!(positions.utf16_offset(o), index.utf16_offset(o));
            }
        }
        assert!(counted > 1000);
    }

    /// The written report is the serialised one, byte for byte: every policy of the
    /// repository, plus texts with escapes, non-ASCII text and no policy at all.
    #[test]
    fn fragments_are_the_serialised_report() {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
        let mut paths = Vec::new();
        policies(&root.join("fixtures"), &mut paths);
        policies(&root.join("policies"), &mut paths);
        paths.sort();
        assert!(paths.len() > 100);
        let mut texts: Vec<(String, String)> = paths
            .iter()
            .map(|p| {
                (
                    p.strip_prefix(&root).unwrap().display().to_string(),
                    String::from_utf8_lossy(&std::fs::read(p).unwrap()).into_owned(),
                )
            })
            .collect();
        let weird = r#"{"Version": "2012-10-17", "Id": "ü😀\t", "Statement": [
  {"Sid": "A\"b\\c\u0001", "Effect": "Allow", "Principal": "*", "Action": ["s3:GetObject", "s3:PutObject"],
   "Resource": "arn:aws:s3:::bü/\"x\"/*",
   "Condition": {"StringLike": {"aws:Referer": "https://e.com/\n😀*", "aws:UserAgent": ["a\\b", "c"]},
                 "IpAddress": {"aws:SourceIp": "1.2.3.0/24"}}},
  {"Effect": "Allow", "Principal": {"Service": "cloudtrail.amazonaws.com"}, "Action": "s3:*", "Resource": "*"}
]}"#;
        texts.push(("weird \"name\"\\ü.json".into(), weird.into()));
        texts.push(("not-json.json".into(), "{ \"Statement\": [ \u{1}".into()));
        texts.push(("array.json".into(), "[1, 2]".into()));
        texts.push(("empty.json".into(), String::new()));
        let mut findings = 0;
        for (path, text) in texts {
            let f = outcome(&path, text);
            findings += f.result.diagnostics.len();
            assert_eq!(fragment(&f), serialised(&f), "{path}");
        }
        assert!(findings > 100);
    }
}
