//! IAM wildcard patterns (spec §2.1, §2.2, §3.4, §4).
//!
//! `*` matches any run of characters, `/` and `:` included; `?` matches exactly one
//! character; nothing else is special. This is **not** a file glob (`glob-match`'s `*`
//! stops at `/`). Patterns are compiled once into tokens, so text substituted for a
//! policy variable, and the escapes `${*}` `${?}` `${$}`, stay literal.
//!
//! Matching is linear in practice: the pattern is split at `*` into fixed-length
//! segments; the first is anchored at the start, the last at the end, and each middle
//! segment takes its leftmost occurrence (greedy leftmost is exact for `*`-only globs).

use crate::text::StrFind;
use std::fmt;

/// One compiled token.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Tok {
    Lit(String),
    /// `*`
    Star,
    /// `?`
    One,
    /// `${name}` or `${name, 'default'}`; `name` is lower-cased (keys are case-insensitive).
    Var {
        name: String,
        default: Option<String>,
    },
}

/// Where a pattern came from decides which characters are special.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Syntax {
    /// `*` and `?` are wildcards.
    pub wildcards: bool,
    /// `${...}` is a policy variable (only under Version 2012-10-17).
    pub variables: bool,
}

/// A value lookup for policy variables: returns the single value of a key, if any.
pub trait VarSource {
    fn var(&self, lower_name: &str) -> Option<&str>;
}

/// No variables can be resolved.
pub struct NoVars;

impl VarSource for NoVars {
    fn var(&self, _: &str) -> Option<&str> {
        None
    }
}

/// The outcome of matching when variables are involved.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum VarError {
    /// `${name}` has no value in the request and no default.
    Unresolved(String),
}

/// A compiled pattern.
#[derive(Clone, PartialEq, Eq)]
pub struct Pattern {
    /// Merged: no two `Lit`s or `Star`s in a row, no empty `Lit`.
    toks: Vec<Tok>,
    has_vars: bool,
}

impl fmt::Debug for Pattern {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Pattern({:?})", self.toks)
    }
}

impl Pattern {
    /// Compile `text` under `syntax`.
    pub fn new(text: &str, syntax: Syntax) -> Self {
        Self::from_toks(tokenize(text, syntax))
    }

    /// Compile an owned `text` under `syntax`, reusing its buffer when it has no
    /// wildcard and no variable.
    pub fn from_string(text: String, syntax: Syntax) -> Self {
        if plain_len(&text, syntax) == text.len() {
            let toks = if text.is_empty() {
                Vec::new()
            } else {
                vec![Tok::Lit(text)]
            };
            return Self {
                toks,
                has_vars: false,
            };
        }
        Self::new(&text, syntax)
    }

    /// A pattern matching exactly `text`.
    pub fn literal(text: &str) -> Self {
        Self::from_toks(vec![Tok::Lit(text.to_string())])
    }

    pub fn from_toks(toks: Vec<Tok>) -> Self {
        let toks = merge_lits(toks);
        let has_vars = toks.iter().any(|t| matches!(t, Tok::Var { .. }));
        Self { toks, has_vars }
    }

    pub fn toks(&self) -> &[Tok] {
        &self.toks
    }

    pub fn has_vars(&self) -> bool {
        self.has_vars
    }

    pub fn has_wildcards(&self) -> bool {
        self.toks.iter().any(|t| matches!(t, Tok::Star | Tok::One))
    }

    /// The variable names used, lower-cased.
    pub fn var_names(&self) -> impl Iterator<Item = &str> {
        self.toks.iter().filter_map(|t| match t {
            Tok::Var { name, .. } => Some(name.as_str()),
            _ => None,
        })
    }

    /// The literal text when the pattern has no wildcard and no variable.
    pub fn as_literal(&self) -> Option<&str> {
        match self.toks.as_slice() {
            [] => Some(""),
            [Tok::Lit(s)] => Some(s),
            _ => None,
        }
    }

    /// Match without any variable values (variables are unresolved).
    pub fn matches_plain(&self, text: &str) -> bool {
        self.matches(text, &NoVars).unwrap_or(false)
    }

    /// Match `text`, substituting variables from `vars`.
    pub fn matches(&self, text: &str, vars: &dyn VarSource) -> Result<bool, VarError> {
        if !self.has_vars {
            return Ok(glob_matches(&self.toks, text));
        }
        let resolved = self.resolve(vars)?;
        Ok(glob_matches(&resolved, text))
    }

    /// Replace variables by literal text.
    pub fn resolve(&self, vars: &dyn VarSource) -> Result<Vec<Tok>, VarError> {
        resolve_toks(&self.toks, vars)
    }

    /// Render back to policy syntax (for messages).
    pub fn display(&self) -> String {
        let mut s = String::new();
        for t in &self.toks {
            match t {
                Tok::Lit(l) => s.push_str(l),
                Tok::Star => s.push('*'),
                Tok::One => s.push('?'),
                Tok::Var { name, default } => {
                    s.push_str("${");
                    s.push_str(name);
                    if let Some(d) = default {
                        s.push_str(", '");
                        s.push_str(d);
                        s.push('\'');
                    }
                    s.push('}');
                }
            }
        }
        s
    }

    /// A concrete string matched by this pattern: `*` becomes `fill`, `?` becomes `x`,
    /// variables use their default or `var_fill`.
    pub fn instantiate(&self, fill: &str, var_fill: &str) -> String {
        let mut s = String::new();
        for t in &self.toks {
            match t {
                Tok::Lit(l) => s.push_str(l),
                Tok::Star => s.push_str(fill),
                Tok::One => s.push('x'),
                Tok::Var { default, .. } => s.push_str(default.as_deref().unwrap_or(var_fill)),
            }
        }
        s
    }
}

/// `toks` with every variable replaced by its value (or default), merged.
fn resolve_toks(toks: &[Tok], vars: &dyn VarSource) -> Result<Vec<Tok>, VarError> {
    let mut out = Vec::with_capacity(toks.len());
    for t in toks {
        match t {
            Tok::Var { name, default } => match vars.var(name).or(default.as_deref()) {
                Some(v) => out.push(Tok::Lit(v.to_string())),
                None => return Err(VarError::Unresolved(name.clone())),
            },
            other => out.push(other.clone()),
        }
    }
    Ok(merge_lits(out))
}

/// Fold adjacent literals and repeated stars, drop empty literals; in place (the
/// common single-literal or already merged list is not copied).
fn merge_lits(mut toks: Vec<Tok>) -> Vec<Tok> {
    let merged = toks
        .windows(2)
        .all(|w| !matches!(w, [Tok::Lit(_), Tok::Lit(_)] | [Tok::Star, Tok::Star]))
        && !toks
            .iter()
            .any(|t| matches!(t, Tok::Lit(l) if l.is_empty()));
    if merged {
        return toks;
    }
    toks.retain(|t| !matches!(t, Tok::Lit(l) if l.is_empty()));
    toks.dedup_by(|b, a| match (a, b) {
        (Tok::Lit(a), Tok::Lit(b)) => {
            a.push_str(b);
            true
        }
        (Tok::Star, Tok::Star) => true,
        _ => false,
    });
    toks
}

/// The length of the leading run of `s` without a byte special under `syntax` (`*` and
/// `?` with wildcards, `$` with variables). Eight bytes at a time.
fn plain_len(s: &str, syntax: Syntax) -> usize {
    let bytes = s.as_bytes();
    // The special bytes, repeated to fill three needles.
    let (a, b, c) = match (syntax.wildcards, syntax.variables) {
        (true, true) => (b'*', b'?', b'$'),
        (true, false) => (b'*', b'?', b'?'),
        (false, true) => (b'$', b'$', b'$'),
        (false, false) => return bytes.len(),
    };
    const ONES: u64 = u64::MAX / 255;
    const HIGH: u64 = ONES * 0x80;
    let has_zero = |v: u64| v.wrapping_sub(ONES) & !v & HIGH;
    let mut i = 0;
    while let Some(chunk) = bytes.get(i..i + 8) {
        let mut word = [0u8; 8];
        word.copy_from_slice(chunk);
        let v = u64::from_le_bytes(word);
        let hit = has_zero(v ^ (ONES * u64::from(a)))
            | has_zero(v ^ (ONES * u64::from(b)))
            | has_zero(v ^ (ONES * u64::from(c)));
        if hit != 0 {
            // The lowest flagged byte is exact (false flags sit only above a true match).
            return i + (hit.trailing_zeros() / 8) as usize;
        }
        i += 8;
    }
    while let Some(&x) = bytes.get(i) {
        if x == a || x == b || x == c {
            break;
        }
        i += 1;
    }
    i
}

/// Split `text` into tokens (merged: see [`Pattern`]).
pub fn tokenize(text: &str, syntax: Syntax) -> Vec<Tok> {
    // Copy the run of ordinary characters at once (the special ones are ASCII).
    let run = plain_len(text, syntax);
    let (plain, mut rest) = text.split_at_checked(run).unwrap_or((text, ""));
    if rest.is_empty() {
        // The common case: no wildcard and no variable at all.
        return if plain.is_empty() {
            Vec::new()
        } else {
            vec![Tok::Lit(plain.to_string())]
        };
    }
    // A literal and a wildcard, usually.
    let mut toks = Vec::with_capacity(2);
    let mut lit = String::new();
    let mut plain = plain;
    loop {
        if lit.is_empty() && (rest.is_empty() || rest.starts_with(['*', '?'])) {
            // A literal that ends at a wildcard or at the end: one exact allocation.
            if !plain.is_empty() {
                toks.push(Tok::Lit(plain.to_string()));
            }
        } else {
            lit.push_str(plain);
        }
        let Some(c) = rest.bytes().next() else {
            break;
        };
        let mut used = 1;
        if c == b'$' {
            match rest.starts_with("${").then(|| parse_var(rest)).flatten() {
                Some((tok, n)) => {
                    match tok {
                        Tok::Lit(l) => lit.push_str(&l),
                        t => {
                            if !lit.is_empty() {
                                toks.push(Tok::Lit(std::mem::take(&mut lit)));
                            }
                            toks.push(t);
                        }
                    }
                    used = n;
                }
                None => lit.push('$'),
            }
        } else {
            if !lit.is_empty() {
                toks.push(Tok::Lit(std::mem::take(&mut lit)));
            }
            let t = if c == b'*' { Tok::Star } else { Tok::One };
            if !(t == Tok::Star && toks.last() == Some(&Tok::Star)) {
                toks.push(t);
            }
        }
        rest = rest.get(used..).unwrap_or("");
        let run = plain_len(rest, syntax);
        (plain, rest) = rest.split_at_checked(run).unwrap_or((rest, ""));
    }
    if !lit.is_empty() {
        toks.push(Tok::Lit(lit));
    }
    toks
}

/// Parse `${...}` at the start of `s`. Returns the token and the bytes used, or
/// `None` when it is not a well-formed variable (then it is literal text).
fn parse_var(s: &str) -> Option<(Tok, usize)> {
    let body_start = 2;
    let close = s.get(body_start..)?.find('}')? + body_start;
    let body = s.get(body_start..close)?;
    let used = close + 1;
    match body {
        "*" => return Some((Tok::Lit("*".into()), used)),
        "?" => return Some((Tok::Lit("?".into()), used)),
        "$" => return Some((Tok::Lit("$".into()), used)),
        _ => {}
    }
    let (name, default) = match body.find(',') {
        None => (body.trim(), None),
        Some(comma) => {
            let name = body.get(..comma)?.trim();
            let d = body.get(comma + 1..)?.trim();
            let d = d.strip_prefix('\'')?.strip_suffix('\'')?;
            (name, Some(d.to_string()))
        }
    };
    if name.is_empty() || name.contains(|c: char| c.is_whitespace() || c == '$' || c == '{') {
        return None;
    }
    Some((
        Tok::Var {
            name: crate::condition::fold_key(name),
            default,
        },
        used,
    ))
}

/// A fixed-length piece of a pattern between two `*`: a run of `Lit` and `One`
/// tokens (merged tokens never hold two `Lit`s in a row or an empty `Lit`).
#[derive(Clone, Copy)]
struct Seg<'p>(&'p [Tok]);

impl Seg<'_> {
    /// The single literal when the segment has no `?` (`""` for an empty segment).
    fn as_lit(&self) -> Option<&str> {
        match self.0 {
            [] => Some(""),
            [Tok::Lit(s)] => Some(s),
            _ => None,
        }
    }

    fn char_len(&self) -> usize {
        self.0
            .iter()
            .map(|t| match t {
                Tok::Lit(s) => s.chars().count(),
                _ => 1,
            })
            .sum()
    }

    /// If the segment matches at byte `at`, the byte offset after it.
    fn match_at(&self, text: &str, at: usize) -> Option<usize> {
        let mut pos = at;
        for t in self.0 {
            let rest = text.get(pos..)?;
            match t {
                Tok::Lit(s) => {
                    if !rest.starts_with(s.as_str()) {
                        return None;
                    }
                    pos += s.len();
                }
                _ => pos += rest.chars().next()?.len_utf8(),
            }
        }
        Some(pos)
    }

    /// Leftmost match starting at or after `from`; returns the end.
    fn find(&self, text: &str, from: usize) -> Option<usize> {
        let rest = text.get(from..)?;
        if let Some(s) = self.as_lit() {
            return rest.find_str(s).map(|i| from + i + s.len());
        }
        rest.char_indices()
            .map(|(i, _)| i)
            .chain(std::iter::once(rest.len()))
            .find_map(|i| self.match_at(text, from + i))
    }
}

/// Match merged, variable-free tokens against `text`. The pattern splits at `*` into
/// fixed-length segments: the first is anchored at the start, the last at the end, and
/// each middle one takes its leftmost occurrence (greedy leftmost is exact for `*`).
fn glob_matches(toks: &[Tok], text: &str) -> bool {
    let mut segs = toks.split(|t| matches!(t, Tok::Star)).map(Seg);
    let Some(first) = segs.next() else {
        return text.is_empty();
    };
    let Some(last) = segs.next_back() else {
        // No star at all: the whole text must match the single segment.
        return first.match_at(text, 0) == Some(text.len());
    };
    // Anchored prefix (empty when the pattern starts with `*`).
    let Some(mut pos) = first.match_at(text, 0) else {
        return false;
    };
    // Anchored suffix: find where it must start.
    let suffix_start = match last.as_lit() {
        Some(s) => {
            if !text.ends_with(s) {
                return false;
            }
            text.len() - s.len()
        }
        None => {
            let mut idx = text.len();
            let mut it = text.char_indices().rev();
            for _ in 0..last.char_len() {
                match it.next() {
                    Some((i, _)) => idx = i,
                    None => return false,
                }
            }
            if last.match_at(text, idx) != Some(text.len()) {
                return false;
            }
            idx
        }
    };
    if suffix_start < pos {
        return false;
    }
    let Some(window) = text.get(..suffix_start) else {
        return false;
    };
    for seg in segs {
        match seg.find(window, pos) {
            Some(end) => pos = end,
            None => return false,
        }
    }
    true
}

/// An ARN pattern: up to six `:`-separated components (the last keeps further
/// colons), each a [`Pattern`]. In a `Resource`, variables never split components (they
/// belong in the sixth, spec §2.2); a condition value is substituted first, so a
/// variable's colons split it like the pattern's own (spec §3.7).
///
/// Almost every S3 resource starts with a literal `arn:aws:s3:::`. Then the first five
/// components are fixed text, and matching the whole token list against the whole ARN
/// (the leading literal anchored at the start) is the same as matching component by
/// component: the sixth component keeps further colons anyway. The per-component
/// patterns (which only the analysis asks for) are built on first use.
#[derive(Clone, Debug)]
pub struct ArnPattern {
    /// The whole pattern, tokenized (merged).
    toks: Vec<Tok>,
    /// The leading literal holds the first five components with their colons.
    literal_head: bool,
    /// The components and whether the last absorbs further ones, built on demand.
    split: std::sync::OnceLock<(Vec<Pattern>, bool)>,
}

impl PartialEq for ArnPattern {
    fn eq(&self, other: &Self) -> bool {
        self.toks == other.toks
    }
}

impl Eq for ArnPattern {}

impl ArnPattern {
    pub fn new(text: &str, syntax: Syntax) -> Self {
        Self::from_toks(tokenize(text, syntax))
    }

    pub(crate) fn from_toks(toks: Vec<Tok>) -> Self {
        // Five colons in the leading literal: the first five components are literal.
        let literal_head = matches!(toks.first(), Some(Tok::Lit(s)) if s.bytes().filter(|&b| b == b':').nth(4).is_some());
        ArnPattern {
            toks,
            literal_head,
            split: std::sync::OnceLock::new(),
        }
    }

    fn split(&self) -> &(Vec<Pattern>, bool) {
        self.split.get_or_init(|| {
            let mut parts: Vec<Vec<Tok>> = vec![Vec::new()];
            for t in &self.toks {
                match t {
                    Tok::Lit(s) if parts.len() < 6 && s.has_byte(b':') => {
                        let mut pieces = s.split(':');
                        if let Some(p) = pieces.next() {
                            push_lit(&mut parts, p);
                        }
                        for p in pieces {
                            if parts.len() < 6 {
                                parts.push(Vec::new());
                                push_lit(&mut parts, p);
                            } else {
                                push_lit(&mut parts, ":");
                                push_lit(&mut parts, p);
                            }
                        }
                    }
                    t => {
                        if let Some(last) = parts.last_mut() {
                            last.push(t.clone());
                        }
                    }
                }
            }
            let absorb =
                parts.len() < 6 && matches!(parts.last().and_then(|p| p.last()), Some(Tok::Star));
            (parts.into_iter().map(Pattern::from_toks).collect(), absorb)
        })
    }

    /// The components (at most six; the sixth keeps further colons).
    pub fn parts(&self) -> &[Pattern] {
        &self.split().0
    }

    /// The whole pattern's tokens.
    pub fn toks(&self) -> &[Tok] {
        &self.toks
    }

    /// Match `text` as a `Resource` does (spec §2.2): a pattern of fewer than six
    /// components whose last ends in `*` lets that `*` absorb the rest.
    pub fn matches(&self, text: &str, vars: &dyn VarSource) -> Result<bool, VarError> {
        self.matches_with(text, vars, true)
    }

    /// Match `text` as `ArnEquals`/`ArnLike` do (spec §3.4): both split into at most six
    /// components, which must be as many on each side, each matched on its own.
    pub fn matches_condition(&self, text: &str, vars: &dyn VarSource) -> Result<bool, VarError> {
        self.matches_with(text, vars, false)
    }

    fn matches_with(
        &self,
        text: &str,
        vars: &dyn VarSource,
        absorb_allowed: bool,
    ) -> Result<bool, VarError> {
        if self.literal_head {
            // Variables sit in the sixth component, which may hold colons: no value
            // they take can move a component boundary.
            if !self.has_vars() {
                return Ok(glob_matches(&self.toks, text));
            }
            // As component-wise matching did: a text outside the fixed components is
            // no match, whatever the variables hold.
            let head = match self.toks.first() {
                Some(Tok::Lit(s)) => s
                    .match_indices(':')
                    .nth(4)
                    .map_or("", |(i, _)| s.get(..=i).unwrap_or_default()),
                _ => "",
            };
            if !text.starts_with(head) {
                return Ok(false);
            }
            return Ok(glob_matches(&resolve_toks(&self.toks, vars)?, text));
        }
        if !absorb_allowed && self.has_vars() {
            // A condition value is substituted first and split after (spec §3.7): a
            // variable's value may hold colons (a whole ARN from a tag), which then
            // separate components like the pattern's own.
            let resolved = ArnPattern::from_toks(resolve_toks(&self.toks, vars)?);
            return resolved.matches_with(text, vars, false);
        }
        let (parts, absorb) = self.split();
        let k = parts.len();
        let split_at = if *absorb && absorb_allowed { k } else { 6 };
        let mut cands = text.splitn(split_at, ':');
        let mut count = 0;
        let mut ok = true;
        for p in parts {
            match cands.next() {
                Some(c) => {
                    count += 1;
                    if ok && !p.matches(c, vars)? {
                        ok = false;
                    }
                }
                None => return Ok(false),
            }
        }
        if cands.next().is_some() || count != k {
            return Ok(false);
        }
        Ok(ok)
    }

    pub fn has_vars(&self) -> bool {
        self.toks.iter().any(|t| matches!(t, Tok::Var { .. }))
    }

    /// No component has a wildcard or a variable: only literal tokens (read from the
    /// tokens, without splitting the pattern into components).
    pub fn is_literal(&self) -> bool {
        self.toks.iter().all(|t| matches!(t, Tok::Lit(_)))
    }
}

fn push_lit(parts: &mut [Vec<Tok>], s: &str) {
    if s.is_empty() {
        return;
    }
    if let Some(last) = parts.last_mut() {
        if let Some(Tok::Lit(prev)) = last.last_mut() {
            prev.push_str(s);
        } else {
            last.push(Tok::Lit(s.to_string()));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const W: Syntax = Syntax {
        wildcards: true,
        variables: false,
    };
    const WV: Syntax = Syntax {
        wildcards: true,
        variables: true,
    };

    fn m(p: &str, t: &str) -> bool {
        Pattern::new(p, W).matches_plain(t)
    }

    struct Map(Vec<(&'static str, &'static str)>);
    impl VarSource for Map {
        fn var(&self, n: &str) -> Option<&str> {
            self.0.iter().find(|(k, _)| *k == n).map(|(_, v)| *v)
        }
    }

    #[test]
    fn star_crosses_slashes_and_colons() {
        assert!(m("bucket/*", "bucket/a/b/c"));
        assert!(m("a*", "a:b:c"));
        assert!(m("*", ""));
        assert!(m("*", "anything/at:all"));
        assert!(!m("bucket/*", "bucket"));
        assert!(m("bucket/*", "bucket/"));
    }

    #[test]
    fn question_mark_is_one_character() {
        assert!(m("a?c", "abc"));
        assert!(m("a?c", "aüc"));
        assert!(!m("a?c", "ac"));
        assert!(!m("a?c", "abbc"));
        assert!(m("*?", "x"));
        assert!(!m("*?", ""));
        assert!(m("?*?", "ab"));
    }

    #[test]
    fn nothing_else_is_special() {
        assert!(m("[ab]", "[ab]"));
        assert!(!m("[ab]", "a"));
        assert!(m("{a,b}", "{a,b}"));
        assert!(m("\\*", "\\anything"));
        assert!(m("!x", "!x"));
    }

    #[test]
    fn aws_resource_examples() {
        let p = "arn:aws:s3:::B/*/test/*";
        for ok in [
            "arn:aws:s3:::B/1///test///object.jpg",
            "arn:aws:s3:::B//test/object.jpg",
            "arn:aws:s3:::B/1/test/",
        ] {
            assert!(m(p, ok), "{ok}");
            assert!(ArnPattern::new(p, W).matches(ok, &NoVars).unwrap());
        }
        for bad in [
            "arn:aws:s3:::B/1-test/object.jpg",
            "arn:aws:s3:::B/test/object.jpg",
            "arn:aws:s3:::B/1/2/test.jpg",
        ] {
            assert!(!m(p, bad), "{bad}");
            assert!(!ArnPattern::new(p, W).matches(bad, &NoVars).unwrap());
        }
    }

    #[test]
    fn arn_matching_is_component_wise() {
        let p = ArnPattern::new("arn:aws:someservice:*:111122223333:finance/*", W);
        let v = "arn:aws:someservice:us-east-2:999999999999:store/abc:111122223333:finance/document.txt";
        assert!(!p.matches(v, &NoVars).unwrap());
        assert!(m("arn:aws:someservice:*:111122223333:finance/*", v));
        assert!(ArnPattern::new("*", W)
            .matches("arn:aws:s3:::x", &NoVars)
            .unwrap());
        assert!(ArnPattern::new("arn:aws:s3:*", W)
            .matches("arn:aws:s3:::x/y:z", &NoVars)
            .unwrap());
        assert!(!ArnPattern::new("arn:aws:s3", W)
            .matches("arn:aws:s3:::x", &NoVars)
            .unwrap());
        assert!(ArnPattern::new("arn:aws:s3:::b/k:e:y", W)
            .matches("arn:aws:s3:::b/k:e:y", &NoVars)
            .unwrap());
    }

    #[test]
    fn variables_substitute_literal_text() {
        let p = Pattern::new("home/${aws:username}/*", WV);
        let vars = Map(vec![("aws:username", "alice")]);
        assert!(p.matches("home/alice/x", &vars).unwrap());
        assert!(!p.matches("home/bob/x", &vars).unwrap());
        // A `*` inside a substituted value is literal.
        let star = Map(vec![("aws:username", "*")]);
        assert!(!p.matches("home/bob/x", &star).unwrap());
        assert!(p.matches("home/*/x", &star).unwrap());
        assert_eq!(
            p.matches("home/x/y", &NoVars),
            Err(VarError::Unresolved("aws:username".into()))
        );
        let d = Pattern::new("${aws:PrincipalTag/team, 'company-wide'}", WV);
        assert!(d.matches("company-wide", &NoVars).unwrap());
        let e = Pattern::new("a${*}b${?}${$}", WV);
        assert!(e.matches("a*b?$", &NoVars).unwrap());
        assert!(!e.matches("axb?$", &NoVars).unwrap());
        // Variables are not recognised without the variables syntax.
        assert!(Pattern::new("${aws:username}", W).matches_plain("${aws:username}"));
        // A colon inside a variable does not split ARN components.
        let a = ArnPattern::new("arn:aws:s3:::b/${aws:username}/*", WV);
        assert!(a.matches("arn:aws:s3:::b/alice/k", &vars).unwrap());
    }

    #[test]
    fn a_condition_arn_is_split_after_substitution() {
        // Spec §3.7: `ArnEquals`/`ArnLike` substitute, then split into components; a
        // variable may supply the colons (a whole ARN kept in a tag).
        let arn = "arn:aws:cloudfront::111122223333:distribution/EDFDVBD6EXAMPLE";
        let tag = Map(vec![("aws:resourcetag/src", arn)]);
        let whole = ArnPattern::new("${aws:ResourceTag/src}", WV);
        assert!(whole.matches_condition(arn, &tag).unwrap());
        assert!(!whole
            .matches_condition("arn:aws:cloudfront::444455556666:distribution/E1", &tag)
            .unwrap());
        // A prefix from a variable, wildcards from the pattern.
        let prefix = Map(vec![("aws:resourcetag/acct", "arn:aws:iam::111122223333")]);
        let p = ArnPattern::new("${aws:ResourceTag/acct}:role/*", WV);
        assert!(p
            .matches_condition("arn:aws:iam::111122223333:role/Reader", &prefix)
            .unwrap());
        assert!(!p
            .matches_condition("arn:aws:iam::444455556666:role/Reader", &prefix)
            .unwrap());
        // A `*` in the value stays literal; the component counts must still agree.
        let star = Map(vec![("aws:resourcetag/src", "arn:aws:iam::*:role/x")]);
        assert!(!whole
            .matches_condition("arn:aws:iam::111122223333:role/x", &star)
            .unwrap());
        assert!(whole
            .matches_condition("arn:aws:iam::*:role/x", &star)
            .unwrap());
        // Unresolved: no value, no default.
        assert!(whole.matches_condition(arn, &NoVars).is_err());
    }

    /// The tokenizer as first written (a byte at a time), as the reference.
    fn tokenize_reference(text: &str, syntax: Syntax) -> Vec<Tok> {
        let special = |b: u8| {
            (syntax.wildcards && (b == b'*' || b == b'?')) || (syntax.variables && b == b'$')
        };
        let mut toks = Vec::new();
        let mut lit = String::new();
        let mut rest = text;
        loop {
            let run = rest.bytes().position(special).unwrap_or(rest.len());
            let (plain, tail) = rest.split_at(run);
            lit.push_str(plain);
            rest = tail;
            let Some(c) = rest.bytes().next() else {
                break;
            };
            if c == b'$' {
                if rest.starts_with("${") {
                    if let Some((tok, used)) = parse_var(rest) {
                        match tok {
                            Tok::Lit(l) => lit.push_str(&l),
                            t => {
                                if !lit.is_empty() {
                                    toks.push(Tok::Lit(std::mem::take(&mut lit)));
                                }
                                toks.push(t);
                            }
                        }
                        rest = rest.get(used..).unwrap_or("");
                        continue;
                    }
                }
                lit.push('$');
            } else {
                if !lit.is_empty() {
                    toks.push(Tok::Lit(std::mem::take(&mut lit)));
                }
                let t = if c == b'*' { Tok::Star } else { Tok::One };
                if !(t == Tok::Star && toks.last() == Some(&Tok::Star)) {
                    toks.push(t);
                }
            }
            rest = rest.get(1..).unwrap_or("");
        }
        if !lit.is_empty() {
            toks.push(Tok::Lit(lit));
        }
        toks
    }

    #[test]
    fn tokenize_agrees_with_the_byte_at_a_time_reference() {
        // Every string of up to 4 pieces over an alphabet of special and ordinary
        // pieces, padded to cross the 8-byte words of the scan.
        let pieces = [
            "a",
            "*",
            "?",
            "$",
            "${",
            "}",
            "${x}",
            "${*}",
            "${a, 'd'}",
            "ü",
            ":",
            "abcdefghi",
        ];
        let syntaxes = [
            W,
            WV,
            Syntax {
                wildcards: false,
                variables: true,
            },
            Syntax {
                wildcards: false,
                variables: false,
            },
        ];
        let mut texts = vec![String::new()];
        for _ in 0..4 {
            let mut next = Vec::new();
            for t in &texts {
                for p in pieces {
                    next.push(format!("{t}{p}"));
                }
            }
            texts.extend(next);
            texts.sort();
            texts.dedup();
        }
        for t in &texts {
            for pad in ["", "0123456", "01234567"] {
                let text = format!("{pad}{t}");
                for syntax in syntaxes {
                    assert_eq!(
                        tokenize(&text, syntax),
                        tokenize_reference(&text, syntax),
                        "{text:?} {syntax:?}"
                    );
                }
            }
        }
    }

    #[test]
    fn many_stars_are_linear() {
        let text: String = "a".repeat(10_000);
        let start = std::time::Instant::now();
        assert!(!m("*a*a*a*a*a*b", &text));
        assert!(m("*a*a*a*a*a*", &text));
        assert!(!m("*a?a*a?a*a*b*", &text));
        assert!(start.elapsed().as_millis() < 500);
    }
}
