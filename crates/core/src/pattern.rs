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
    toks: Vec<Tok>,
    /// Pre-compiled matcher when there are no variables.
    glob: Option<Glob>,
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

    /// A pattern matching exactly `text`.
    pub fn literal(text: &str) -> Self {
        Self::from_toks(vec![Tok::Lit(text.to_string())])
    }

    pub fn from_toks(toks: Vec<Tok>) -> Self {
        let toks = merge_lits(toks);
        let glob = if toks.iter().any(|t| matches!(t, Tok::Var { .. })) {
            None
        } else {
            Some(Glob::compile(&toks))
        };
        Self { toks, glob }
    }

    pub fn toks(&self) -> &[Tok] {
        &self.toks
    }

    pub fn has_vars(&self) -> bool {
        self.glob.is_none()
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
        if let Some(g) = &self.glob {
            return Ok(g.matches(text));
        }
        let resolved = self.resolve(vars)?;
        Ok(Glob::compile(&resolved).matches(text))
    }

    /// Replace variables by literal text.
    pub fn resolve(&self, vars: &dyn VarSource) -> Result<Vec<Tok>, VarError> {
        let mut out = Vec::with_capacity(self.toks.len());
        for t in &self.toks {
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

fn merge_lits(toks: Vec<Tok>) -> Vec<Tok> {
    let mut out: Vec<Tok> = Vec::with_capacity(toks.len());
    for t in toks {
        match (out.last_mut(), t) {
            (Some(Tok::Lit(a)), Tok::Lit(b)) => a.push_str(&b),
            (_, Tok::Lit(b)) if b.is_empty() => {}
            (Some(Tok::Star), Tok::Star) => {}
            (_, t) => out.push(t),
        }
    }
    out
}

/// Split `text` into tokens.
pub fn tokenize(text: &str, syntax: Syntax) -> Vec<Tok> {
    let mut toks = Vec::new();
    let mut lit = String::new();
    let mut rest = text;
    while let Some(c) = rest.chars().next() {
        if syntax.variables && rest.starts_with("${") {
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
        if syntax.wildcards && (c == '*' || c == '?') {
            if !lit.is_empty() {
                toks.push(Tok::Lit(std::mem::take(&mut lit)));
            }
            toks.push(if c == '*' { Tok::Star } else { Tok::One });
        } else {
            lit.push(c);
        }
        rest = rest.get(c.len_utf8()..).unwrap_or("");
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
            name: name.to_ascii_lowercase(),
            default,
        },
        used,
    ))
}

/// A fixed-length piece of a pattern between two `*`.
#[derive(Clone, Debug, PartialEq, Eq)]
enum Seg {
    /// Plain text (no `?`): matched with `str::find`/`starts_with`.
    Lit(String),
    /// Text with `?`: `None` is one arbitrary character.
    Mixed(Vec<Option<char>>),
}

impl Seg {
    fn char_len(&self) -> usize {
        match self {
            Seg::Lit(s) => s.chars().count(),
            Seg::Mixed(v) => v.len(),
        }
    }

    /// If the segment matches at byte `at`, the byte offset after it.
    fn match_at(&self, text: &str, at: usize) -> Option<usize> {
        let rest = text.get(at..)?;
        match self {
            Seg::Lit(s) => rest.starts_with(s.as_str()).then(|| at + s.len()),
            Seg::Mixed(units) => {
                let mut chars = rest.char_indices();
                for u in units {
                    let (_, c) = chars.next()?;
                    if let Some(want) = u {
                        if *want != c {
                            return None;
                        }
                    }
                }
                Some(chars.next().map_or(text.len(), |(i, _)| at + i))
            }
        }
    }

    /// Leftmost match starting at or after `from`; returns (start, end).
    fn find(&self, text: &str, from: usize) -> Option<(usize, usize)> {
        match self {
            Seg::Lit(s) => {
                let i = text.get(from..)?.find(s.as_str())?;
                Some((from + i, from + i + s.len()))
            }
            Seg::Mixed(_) => {
                let rest = text.get(from..)?;
                for (i, _) in rest
                    .char_indices()
                    .chain(std::iter::once((rest.len(), ' ')))
                {
                    if let Some(end) = self.match_at(text, from + i) {
                        return Some((from + i, end));
                    }
                }
                None
            }
        }
    }
}

/// A compiled `*`/`?` glob without variables.
#[derive(Clone, Debug, PartialEq, Eq)]
struct Glob {
    /// Pieces between stars: the first is anchored at the start, the last at the end
    /// (each is empty when the pattern starts or ends with `*`).
    segs: Vec<Seg>,
}

impl Glob {
    fn compile(toks: &[Tok]) -> Glob {
        // Segments are built directly: plain text stays a `String` (matched with
        // `find`/`starts_with`); only a segment with `?` becomes a per-character list.
        let mut segs = Vec::new();
        let mut lit = String::new();
        let mut mixed: Option<Vec<Option<char>>> = None;
        for t in toks {
            match t {
                Tok::Lit(s) => match &mut mixed {
                    Some(m) => m.extend(s.chars().map(Some)),
                    None => lit.push_str(s),
                },
                Tok::One => mixed
                    .get_or_insert_with(|| std::mem::take(&mut lit).chars().map(Some).collect())
                    .push(None),
                Tok::Star => segs.push(match mixed.take() {
                    Some(m) => Seg::Mixed(m),
                    None => Seg::Lit(std::mem::take(&mut lit)),
                }),
                // Variables are resolved before compiling; an unresolved one matches
                // nothing and is never passed here.
                Tok::Var { .. } => {}
            }
        }
        segs.push(match mixed {
            Some(m) => Seg::Mixed(m),
            None => Seg::Lit(lit),
        });
        // One segment per star plus one (`merge_lits` folded repeated stars).
        Glob { segs }
    }

    fn matches(&self, text: &str) -> bool {
        let n = self.segs.len();
        let (Some(first), Some(last)) = (self.segs.first(), self.segs.last()) else {
            return text.is_empty();
        };
        if n == 1 {
            // No star at all: the whole text must match the single segment.
            return first.match_at(text, 0) == Some(text.len());
        }
        // Anchored prefix (empty when the pattern starts with `*`).
        let mut pos = match first.match_at(text, 0) {
            Some(end) => end,
            None => return false,
        };
        // Anchored suffix: find where it must start.
        let suffix_start = match last {
            Seg::Lit(s) => {
                if !text.ends_with(s.as_str()) {
                    return false;
                }
                text.len() - s.len()
            }
            Seg::Mixed(_) => {
                let k = last.char_len();
                let mut idx = text.len();
                let mut it = text.char_indices().rev();
                for _ in 0..k {
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
        let window = match text.get(..suffix_start) {
            Some(w) => w,
            None => return false,
        };
        for seg in self.segs.get(1..n - 1).unwrap_or(&[]) {
            match seg.find(window, pos) {
                Some((_, end)) => pos = end,
                None => return false,
            }
        }
        true
    }
}

/// An ARN pattern: up to six `:`-separated components (the last keeps further
/// colons), each a [`Pattern`]. Variables never split components.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ArnPattern {
    parts: Vec<Pattern>,
    /// Fewer than six components and the last ends in `*`: it absorbs the rest.
    absorb: bool,
    /// `arn:aws:s3:::` when the first five components are plain text (almost every
    /// S3 resource): then a match is that prefix plus the sixth component's match.
    prefix: Option<String>,
}

impl ArnPattern {
    pub fn new(text: &str, syntax: Syntax) -> Self {
        let toks = tokenize(text, syntax);
        let mut parts: Vec<Vec<Tok>> = vec![Vec::new()];
        for t in toks {
            match t {
                Tok::Lit(s) if parts.len() < 6 && s.contains(':') => {
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
                        last.push(t);
                    }
                }
            }
        }
        let absorb =
            parts.len() < 6 && matches!(parts.last().and_then(|p| p.last()), Some(Tok::Star));
        let parts: Vec<Pattern> = parts.into_iter().map(Pattern::from_toks).collect();
        let prefix = (parts.len() == 6)
            .then(|| {
                parts.get(..5).and_then(|head| {
                    head.iter()
                        .map(Pattern::as_literal)
                        .collect::<Option<Vec<&str>>>()
                })
            })
            .flatten()
            .map(|head| format!("{}:", head.join(":")));
        ArnPattern {
            parts,
            absorb,
            prefix,
        }
    }

    pub fn parts(&self) -> &[Pattern] {
        &self.parts
    }

    pub fn matches(&self, text: &str, vars: &dyn VarSource) -> Result<bool, VarError> {
        if let (Some(prefix), Some(last)) = (&self.prefix, self.parts.last()) {
            return match text.strip_prefix(prefix.as_str()) {
                Some(rest) => last.matches(rest, vars),
                None => Ok(false),
            };
        }
        let k = self.parts.len();
        let split_at = if self.absorb { k } else { 6 };
        let mut cands = text.splitn(split_at, ':');
        let mut count = 0;
        let mut ok = true;
        for p in &self.parts {
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
        self.parts.iter().any(Pattern::has_vars)
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
    fn many_stars_are_linear() {
        let text: String = "a".repeat(10_000);
        let start = std::time::Instant::now();
        assert!(!m("*a*a*a*a*a*b", &text));
        assert!(m("*a*a*a*a*a*", &text));
        assert!(!m("*a?a*a?a*a*b*", &text));
        assert!(start.elapsed().as_millis() < 500);
    }
}
