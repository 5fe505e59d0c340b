//! Finite, complete sets of representative values for the public-access analysis.
//!
//! A condition key can hold infinitely many values, but the policy only ever asks a
//! finite set of questions about it ("does it match `vpce-*`?", "is it below 10?",
//! "is it in 10.0.0.0/8?"). Two values that answer every question alike are
//! interchangeable. Each generator here returns one value per achievable answer
//! pattern, so a search over these values misses no behaviour:
//!
//! - strings: a breadth-first search over the product of the patterns' automata
//!   (IAM globs, ARN component globs, case-insensitive literals), restricted by
//!   mandatory and forbidden constraint patterns (the outsider's values); one shortest
//!   string per reachable combination of accept bits;
//! - numbers and dates: each constant, a point between each pair, one below, one above;
//! - IP addresses: the boundary points of every CIDR (start, end, and their neighbours).
//!
//! Where a generator cannot guarantee completeness (too many states, numbers beyond
//! 128-bit range) it says so, and the analysis answers "unknown" instead of "not public".

use crate::collections::FastBuild;
use crate::pattern::{ArnPattern, Pattern, Tok};
use crate::values::Decimal;
use ipnet::IpNet;
use std::collections::{HashMap, VecDeque};

/// Every map of the solver, keyed by bytes (signatures and product states as their
/// words' bytes): the catalogue's map type, so the WASM build carries one copy of the
/// hash table's code.
type KeyMap = HashMap<Vec<u8>, usize, FastBuild>;

/// `words` as bytes, a key of a [`KeyMap`].
fn word_bytes(words: &[u64]) -> Vec<u8> {
    words.iter().flat_map(|w| w.to_le_bytes()).collect()
}
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};

/// One step of a glob automaton.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum Unit {
    Lit(char),
    /// Matches the character in any case (`c` is lower-case).
    LitCi(char),
    /// One character other than `excl`.
    Any {
        excl: Option<char>,
    },
    /// Any run of characters other than `excl`.
    Star {
        excl: Option<char>,
    },
    Digit,
}

/// A glob automaton: state `i` is "before unit `i`"; state `len` accepts.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Glob {
    pub units: Vec<Unit>,
}

impl Glob {
    /// From pattern tokens. Variables become `*` (an over-approximation); the caller
    /// learns about it through `has_vars`.
    pub fn from_toks(toks: &[Tok], star_excl: Option<char>, ci: bool) -> Glob {
        Glob::build(toks, star_excl, ci, false)
    }

    /// With `filled`, a variable stands for a non-empty text (`?*`): candidates built
    /// from it give the variable a value to show, not the empty one.
    fn build(toks: &[Tok], star_excl: Option<char>, ci: bool, filled: bool) -> Glob {
        let mut units = Vec::with_capacity(units_bound(toks));
        for t in toks {
            match t {
                Tok::Lit(s) => {
                    for c in s.chars() {
                        units.push(if ci { lower_unit(c) } else { Unit::Lit(c) });
                    }
                }
                Tok::Var { .. } if filled => {
                    units.push(Unit::Any { excl: star_excl });
                    units.push(Unit::Star { excl: star_excl });
                }
                Tok::Star | Tok::Var { .. } => units.push(Unit::Star { excl: star_excl }),
                Tok::One => units.push(Unit::Any { excl: star_excl }),
            }
        }
        Glob { units }
    }

    pub fn from_pattern(p: &Pattern, ci: bool) -> Glob {
        Glob::from_toks(p.toks(), None, ci)
    }

    /// A condition value's pattern, each variable a non-empty text (see [`Glob::build`]):
    /// not the set of strings the value matches, only a question to pick candidates by.
    pub fn from_pattern_filled(p: &Pattern, ci: bool) -> Glob {
        Glob::build(p.toks(), None, ci, true)
    }

    /// An ARN pattern as one automaton: components before the last cannot contain `:`.
    /// The strings a `Resource` ARN pattern matches (see [`ArnPattern::matches`]).
    pub fn from_arn(p: &ArnPattern) -> Glob {
        Glob::arn(p, true, false)
    }

    /// The strings an `ArnLike` condition value matches (see
    /// [`ArnPattern::matches_condition`]: as many components on each side).
    pub fn from_arn_condition(p: &ArnPattern) -> Glob {
        Glob::arn(p, false, false)
    }

    /// [`Glob::from_arn_condition`] with each variable a non-empty text (see
    /// [`Glob::build`]).
    pub fn from_arn_condition_filled(p: &ArnPattern) -> Glob {
        Glob::arn(p, false, true)
    }

    /// Read from the pattern's tokens as [`arn_pieces`] splits them: the components'
    /// units joined by `:` are the tokens' units, each wildcard excluding `:` unless it
    /// is in the last component and that one may take colons.
    fn arn(p: &ArnPattern, absorb_allowed: bool, filled: bool) -> Glob {
        let toks = p.toks();
        let k = arn_pieces(toks, |_, _| {});
        // The last component's last token is the pattern's last one (when it is a `*`).
        let absorb = absorb_allowed && k < 6 && matches!(toks.last(), Some(Tok::Star));
        let excl = |i: usize| {
            if i + 1 != k || (k < 6 && !absorb) {
                Some(':')
            } else {
                None
            }
        };
        let mut units = Vec::with_capacity(units_bound(toks));
        let mut part = 0;
        for t in toks {
            match t {
                Tok::Lit(s) => {
                    for c in s.chars() {
                        units.push(Unit::Lit(c));
                        if c == ':' && part < 5 {
                            part += 1;
                        }
                    }
                }
                Tok::Var { .. } if filled => {
                    units.push(Unit::Any { excl: excl(part) });
                    units.push(Unit::Star { excl: excl(part) });
                }
                Tok::Star | Tok::Var { .. } => units.push(Unit::Star { excl: excl(part) }),
                Tok::One => units.push(Unit::Any { excl: excl(part) }),
            }
        }
        Glob { units }
    }

    /// Whether `text` is one of the strings this glob stands for.
    pub fn matches(&self, text: &str) -> bool {
        glob_matches(self, text)
    }

    /// `s` compared ignoring case: what [`Glob::from_toks`] makes of the one literal token
    /// `s` with `ci`.
    pub fn literal_ci(s: &str) -> Glob {
        let mut units = Vec::with_capacity(s.len());
        units.extend(s.chars().map(lower_unit));
        Glob { units }
    }

    pub fn literal(s: &str) -> Glob {
        let mut units = Vec::with_capacity(s.len());
        units.extend(s.chars().map(Unit::Lit));
        Glob { units }
    }

    fn len(&self) -> usize {
        self.units.len()
    }

    /// The characters the glob's units name (with the other cases of a case-insensitive
    /// one) into a vector, repeats left in.
    fn chars_into(&self, out: &mut Vec<char>) {
        for u in &self.units {
            match u {
                Unit::Lit(c) => out.push(*c),
                Unit::LitCi(c) => push_cases(*c, out),
                Unit::Any { excl: Some(c) } | Unit::Star { excl: Some(c) } => out.push(*c),
                _ => {}
            }
        }
    }

    fn uses_digit(&self) -> bool {
        self.units.contains(&Unit::Digit)
    }
}

/// `x - c` for every character `c` whose lower case is a single character `x != c`
/// (the standard library's Unicode tables; `case_deltas_are_complete` checks them).
const CASE_DELTAS: [i32; 83] = [
    -42561, -42343, -42319, -42315, -42308, -42307, -42305, -42282, -42280, -42261, -42258, -35384,
    -35332, -10815, -10783, -10782, -10780, -10749, -10743, -10727, -8383, -8262, -7615, -7517,
    -3814, -3008, -195, -163, -130, -128, -126, -121, -112, -100, -97, -86, -74, -60, -56, -48, -9,
    -8, -7, 1, 2, 8, 15, 16, 26, 27, 28, 32, 34, 37, 38, 39, 40, 48, 63, 64, 69, 71, 79, 80, 116,
    202, 203, 205, 206, 207, 209, 210, 211, 213, 214, 217, 218, 219, 928, 7264, 10792, 10795,
    38864,
];

/// `x` and every other character whose lower case is the single character `x`: the
/// characters a case-insensitive `x` matches. ASCII by hand (the Kelvin sign is the one
/// character beyond ASCII that lower-cases into it); beyond ASCII, the characters at
/// [`CASE_DELTAS`] from `x` that lower-case to it. Not through `char::to_uppercase`:
/// that misses some (`Dž`, `ẞ`, `Ω` for `ω`), and its table is 14 KB of the WASM build.
fn push_cases(x: char, out: &mut Vec<char>) {
    out.push(x);
    if x.is_ascii() {
        if x.is_ascii_lowercase() {
            out.push(x.to_ascii_uppercase());
        }
        if x == 'k' {
            out.push('\u{212a}');
        }
        return;
    }
    for d in CASE_DELTAS {
        let c = i64::from(u32::from(x)) - i64::from(d);
        if let Some(c) = u32::try_from(c).ok().and_then(char::from_u32) {
            let mut l = c.to_lowercase();
            if (l.next(), l.next()) == (Some(x), None) {
                out.push(c);
            }
        }
    }
}

/// A character for which `used` is false: readable ones first, then any letter, digit
/// or further code point (a policy uses finitely many, so one is always found).
/// At least as many units as the tokens make (a literal's bytes bound its characters).
fn units_bound(toks: &[Tok]) -> usize {
    toks.iter()
        .map(|t| match t {
            Tok::Lit(s) => s.len(),
            _ => 1,
        })
        .sum()
}

fn fresh_char(used: impl Fn(char) -> bool) -> char {
    "xyzqjkwvXYZ_~"
        .chars()
        .chain('a'..='z')
        .chain('A'..='Z')
        .chain('0'..='9')
        .chain('\u{a1}'..='\u{d7ff}')
        .find(|c| !used(*c))
        .unwrap_or('\u{e000}')
}

fn lower_unit(c: char) -> Unit {
    let mut l = c.to_lowercase();
    match (l.next(), l.next()) {
        (Some(x), None) => Unit::LitCi(x),
        _ => Unit::Lit(c),
    }
}

/// A piece of an ARN pattern's component: a run of literal text or another token.
#[derive(Clone, Copy, Debug)]
pub enum ArnPiece<'t> {
    Lit(&'t str),
    Tok(&'t Tok),
}

/// The components of an ARN pattern as [`ArnPattern::parts`] splits its tokens (the
/// first five `:` in literal text end a component; later ones stay in the sixth),
/// without building them: `f(component, piece)` for each non-empty piece, in order.
/// Returns the number of components. Tokens are merged (no two literals in a row), so a
/// component is literal exactly when it has no piece or one literal piece.
pub fn arn_pieces<'t>(toks: &'t [Tok], mut f: impl FnMut(usize, ArnPiece<'t>)) -> usize {
    let mut part = 0;
    for t in toks {
        match t {
            Tok::Lit(s) => {
                let mut rest = s.as_str();
                while part < 5 {
                    let Some((head, tail)) = rest.split_once(':') else {
                        break;
                    };
                    if !head.is_empty() {
                        f(part, ArnPiece::Lit(head));
                    }
                    part += 1;
                    rest = tail;
                }
                if !rest.is_empty() {
                    f(part, ArnPiece::Lit(rest));
                }
            }
            t => f(part, ArnPiece::Tok(t)),
        }
    }
    part + 1
}

/// A set of automaton states, packed in bits.
type States = Vec<u64>;

fn has(s: &States, i: usize) -> bool {
    s.get(i / 64).is_some_and(|w| w & (1 << (i % 64)) != 0)
}

fn set(s: &mut States, i: usize) {
    if let Some(w) = s.get_mut(i / 64) {
        *w |= 1 << (i % 64);
    }
}

/// The positions in `s`, ascending, each visited once; `f` may add positions above the
/// current one (they are visited too). Work in proportion to the words and the set bits,
/// not to the glob's length: a long literal pattern keeps only a few positions alive.
fn for_each_pos(s: &mut States, mut f: impl FnMut(usize, &mut States)) {
    let mut w = 0;
    while let Some(&word) = s.get(w) {
        let mut bits = word;
        while bits != 0 {
            let b = bits.trailing_zeros() as usize;
            bits &= bits - 1;
            f(w * 64 + b, s);
            // Positions `f` added in this word above `b` are visited in this pass.
            let above = u64::MAX.checked_shl(b as u32 + 1).unwrap_or(0);
            bits |= s.get(w).copied().unwrap_or(0) & above;
        }
        w += 1;
    }
}

/// Close `s` under the ε-moves: a reached `*` may match nothing, so the position after
/// it is reached too (ascending, so a run of stars is followed in one pass).
fn closure(g: &Glob, s: &mut States) {
    for_each_pos(s, |i, s| {
        if matches!(g.units.get(i), Some(Unit::Star { .. })) {
            set(s, i + 1);
        }
    });
}

fn start(g: &Glob) -> States {
    let mut s = vec![0; g.len() / 64 + 1];
    set(&mut s, 0);
    closure(g, &mut s);
    s
}

/// The positions reached from `s` by reading `c`. Only the positions in `s` are
/// looked at: on a 1,600-character resource pattern the scan of every position per
/// character made the search quadratic (half a second for one small policy).
fn step(g: &Glob, s: &States, c: char) -> States {
    let mut out = Vec::new();
    step_into(g, s, c, &mut out);
    out
}

/// What unit `u` does on reading `c`: move past it (`advance`) or, for a `*`, stay on it.
fn reads(u: &Unit, c: char) -> (bool, bool) {
    match u {
        Unit::Lit(x) => (*x == c, false),
        Unit::LitCi(x) => (c.to_lowercase().eq(std::iter::once(*x)), false),
        Unit::Any { excl } => (*excl != Some(c), false),
        Unit::Digit => (c.is_ascii_digit(), false),
        Unit::Star { excl } => (false, *excl != Some(c)),
    }
}

/// [`step`] into a buffer the caller keeps (the general search steps every automaton
/// for every character at every state: a fresh zeroed vector each time was a third of
/// its time).
fn step_into(g: &Glob, s: &States, c: char, out: &mut States) {
    out.clear();
    out.resize(s.len(), 0);
    for (w, &word) in s.iter().enumerate() {
        let mut bits = word;
        while bits != 0 {
            let i = w * 64 + bits.trailing_zeros() as usize;
            bits &= bits - 1;
            let Some(u) = g.units.get(i) else {
                continue; // the accepting position reads nothing
            };
            let (advance, stay) = reads(u, c);
            if stay {
                set(out, i);
            }
            if advance {
                set(out, i + 1);
            }
        }
    }
    closure(g, out);
}

fn accepts(g: &Glob, s: &States) -> bool {
    has(s, g.len())
}

/// The result of a string search.
#[derive(Clone, Debug, Default)]
pub struct StringReps {
    /// One value per achievable accept pattern over the question globs (that satisfies the constraints).
    pub values: Vec<String>,
    /// False when the search was cut short.
    pub complete: bool,
}

/// Upper bound on product states explored per search.
pub const MAX_STATES: usize = 20_000;

/// Representative strings for `questions`, among strings that match every glob of
/// `must` and none of `must_not`.
///
/// Each automaton's state set is one `u128` (bit `i` = "before unit `i`"), stepped with
/// precomputed per-character masks (shift-and); the product state is a flat vector of
/// them. Duplicate globs are searched once. Strings are rebuilt from parent links.
pub fn string_reps(questions: &[Glob], must: &[Glob], must_not: &[Glob]) -> StringReps {
    if let Some(reps) = prefix_reps(questions, must, must_not) {
        return reps;
    }
    if let Some(reps) = literal_split(questions, must, must_not) {
        return reps;
    }
    let all: Vec<&Glob> = questions.iter().chain(must).chain(must_not).collect();
    if all.iter().any(|g| g.len() >= 127) {
        return string_reps_slow(questions, must, must_not);
    }
    // Distinct automata, and for each input glob the automaton it uses.
    let mut distinct: Vec<&Glob> = Vec::new();
    let slot: Vec<usize> = all
        .iter()
        .map(|g| match distinct.iter().position(|d| *d == *g) {
            Some(i) => i,
            None => {
                distinct.push(g);
                distinct.len() - 1
            }
        })
        .collect();
    // The same alphabet as a `HashSet` would give, kept as a sorted vector.
    let mut alphabet: Vec<char> = Vec::new();
    for g in &distinct {
        g.chars_into(&mut alphabet);
    }
    crate::collections::sort_dedup(&mut alphabet);
    let fresh = fresh_char(|c| alphabet.binary_search(&c).is_ok());
    let digit = if distinct.iter().any(|g| g.uses_digit()) {
        "7539182640"
            .chars()
            .find(|c| alphabet.binary_search(c).is_err() && *c != fresh)
    } else {
        None
    };
    alphabet.push(fresh);
    alphabet.extend(digit);
    crate::collections::sort_dedup(&mut alphabet);
    if let ([], [g], []) = (questions, must, must_not) {
        // One value wanted, for one glob: what the search below would find first.
        return StringReps {
            values: first_match(g, &alphabet).into_iter().collect(),
            complete: true,
        };
    }
    if let ([], [g], [_, ..]) = (questions, must, must_not) {
        // One value wanted, for one glob and some forbidden ones: when one of the
        // shortest values is allowed, what the search below would find first.
        if let Some(v) = first_allowed(g, must_not, &alphabet) {
            return StringReps {
                values: vec![v],
                complete: true,
            };
        }
    }
    let autos: Vec<BitNfa> = distinct.iter().map(|g| BitNfa::new(g, &alphabet)).collect();

    let nq = questions.len();
    let nm = must.len();
    let k = autos.len();
    let na = alphabet.len();
    // Per (character, automaton): the advance and stay masks, flat for locality.
    let mut advance: Vec<u128> = Vec::with_capacity(na * k);
    let mut stay: Vec<u128> = Vec::with_capacity(na * k);
    for ci in 0..na {
        for a in &autos {
            advance.push(a.advance.get(ci).copied().unwrap_or(0));
            stay.push(a.stay.get(ci).copied().unwrap_or(0));
        }
    }
    let stars: Vec<u128> = autos.iter().map(|a| a.stars).collect();
    let accept: Vec<u128> = autos.iter().map(|a| a.accept).collect();
    // The product states, node after node (`k` words each), and how each was reached
    // (parent node, character index); a node's index is its place in the BFS order.
    let mut states: Vec<u128> = autos.iter().map(BitNfa::start).collect();
    let mut links: Vec<(u32, u32)> = vec![(u32::MAX, 0)];
    let mut table = StateTable::new(k);
    table.insert_new(&states, 0);
    // One node per signature over the questions (bit `i` = question `i` accepts), in
    // the order the signatures are first met.
    let words = nq.div_ceil(64);
    let mut sigs: KeyMap = HashMap::with_hasher(FastBuild);
    let mut order: Vec<usize> = Vec::new();
    let mut acc_d: Vec<bool> = vec![false; k];
    let mut sig: Vec<u64> = vec![0; words];
    let mut next: Vec<u128> = vec![0; k];
    let mut cur: Vec<u128> = vec![0; k];
    let mut head = 0;
    let mut complete = true;
    while head < links.len() {
        let base = head * k;
        let Some(node) = states.get(base..base + k) else {
            break;
        };
        cur.copy_from_slice(node);
        let state = cur.as_slice();
        for ((a, s), acc) in acc_d.iter_mut().zip(state).zip(&accept) {
            *a = s & acc != 0;
        }
        let accepts = |i: usize| slot.get(i).and_then(|&d| acc_d.get(d)).copied() == Some(true);
        let ok_must = (nq..nq + nm).all(accepts);
        let ok_not = (nq + nm..slot.len()).all(|i| !accepts(i));
        if ok_must && ok_not {
            for w in sig.iter_mut() {
                *w = 0;
            }
            for i in (0..nq).filter(|&i| accepts(i)) {
                set(&mut sig, i);
            }
            let key = word_bytes(&sig);
            if let std::collections::hash_map::Entry::Vacant(e) = sigs.entry(key) {
                e.insert(head);
                order.push(head);
                if nq == 0 {
                    // Without questions every value behaves alike: the one signature is
                    // found (the first value in BFS order, as a full search would keep),
                    // and nothing further can be learnt.
                    break;
                }
            }
        }
        if state.iter().any(|s| *s != 0) {
            for ci in 0..na {
                let row = ci * k;
                for (j, (n, s)) in next.iter_mut().zip(state).enumerate() {
                    let adv = advance.get(row + j).copied().unwrap_or(0);
                    let st = stay.get(row + j).copied().unwrap_or(0);
                    let star = stars.get(j).copied().unwrap_or(0);
                    *n = closure_bits(((s & adv) << 1) | (s & st), star);
                }
                let Some(slot_at) = table.find(&states, &next) else {
                    continue;
                };
                if links.len() >= MAX_STATES {
                    complete = false;
                    break;
                }
                let id = links.len();
                states.extend_from_slice(&next);
                links.push((u32::try_from(head).unwrap_or(u32::MAX), ci as u32));
                table.insert_at(&states, slot_at, id);
            }
        }
        if !complete {
            break;
        }
        head += 1;
    }
    let text_of = |mut i: usize| {
        let mut chars = Vec::new();
        while let Some(&(parent, ci)) = links.get(i) {
            if parent == u32::MAX {
                break;
            }
            if let Some(c) = alphabet.get(ci as usize) {
                chars.push(*c);
            }
            i = parent as usize;
        }
        chars.iter().rev().collect::<String>()
    };
    StringReps {
        values: order.iter().map(|&i| text_of(i)).collect(),
        complete,
    }
}

/// The value [`string_reps`]'s search finds first for a single `must` glob, no question
/// and nothing forbidden (`None`: no value). The search meets values shortest first and,
/// among those, in the alphabet's order. The shortest values are those whose `*`s take
/// nothing, every other unit taking one character: each unit takes the first character
/// of the alphabet it accepts.
fn first_match(g: &Glob, alphabet: &[char]) -> Option<String> {
    let mut out = String::new();
    for u in &g.units {
        let c = match u {
            Unit::Star { .. } => continue,
            Unit::Lit(x) => alphabet.iter().find(|&&c| c == *x),
            Unit::LitCi(x) => alphabet
                .iter()
                .find(|&&c| c.to_lowercase().eq(std::iter::once(*x))),
            Unit::Any { excl } => alphabet.iter().find(|&&c| *excl != Some(c)),
            Unit::Digit => alphabet.iter().find(|c| c.is_ascii_digit()),
        };
        out.push(*c?);
    }
    Some(out)
}

/// Whether unit `u` (not a `*`) consumes `c`.
fn unit_accepts(u: &Unit, c: char) -> bool {
    match u {
        Unit::Lit(x) => *x == c,
        Unit::LitCi(x) => c.to_lowercase().eq(std::iter::once(*x)),
        Unit::Any { excl } | Unit::Star { excl } => *excl != Some(c),
        Unit::Digit => c.is_ascii_digit(),
    }
}

/// The value [`string_reps`]'s search finds first for a single `must` glob, no question
/// and the forbidden globs `must_not`, when it is one of the shortest values of `g`
/// (`None`: not found among the first few of those; the search then decides). The
/// search meets values shortest first and, among those, in the alphabet's order (a
/// node holds the first string reaching its state, so the first node accepted holds
/// the first string accepted). The shortest values of `g` are those whose `*`s take
/// nothing, every other unit taking one character it accepts: in that order, each
/// unit's characters in the alphabet's order, the last unit's varying fastest.
fn first_allowed(g: &Glob, must_not: &[Glob], alphabet: &[char]) -> Option<String> {
    let lists: Vec<Vec<char>> = g
        .units
        .iter()
        .filter(|u| !matches!(u, Unit::Star { .. }))
        .map(|u| {
            alphabet
                .iter()
                .copied()
                .filter(|&c| unit_accepts(u, c))
                .collect()
        })
        .collect();
    if lists.iter().any(Vec::is_empty) {
        return None;
    }
    let mut idx = vec![0usize; lists.len()];
    let mut text = String::with_capacity(lists.len());
    // Each forbidden literal rules out one value: enough tries for literals, a few more.
    for _ in 0..must_not.len() + 16 {
        text.clear();
        for (l, &i) in lists.iter().zip(&idx) {
            text.push(*l.get(i)?);
        }
        if !must_not.iter().any(|n| glob_matches(n, &text)) {
            return Some(text);
        }
        // The next value of the same length, if any.
        let mut j = lists.len();
        loop {
            j = j.checked_sub(1)?;
            let (Some(i), Some(l)) = (idx.get_mut(j), lists.get(j)) else {
                return None;
            };
            *i += 1;
            if *i < l.len() {
                break;
            }
            *i = 0;
        }
    }
    None
}

/// The closure of a state set under skipping `*` positions (`stars`).
fn closure_bits(mut s: u128, stars: u128) -> u128 {
    loop {
        let next = s | ((s & stars) << 1);
        if next == s {
            return s;
        }
        s = next;
    }
}

/// An open-addressing set of product states, each stored as a node index into a flat
/// array of `k` words per node (the BFS's own node list): no allocation per state.
struct StateTable {
    k: usize,
    /// Node index + 1 per slot; 0 = empty. The length is a power of two.
    slots: Vec<u32>,
    len: usize,
}

impl StateTable {
    fn new(k: usize) -> StateTable {
        StateTable {
            k,
            slots: vec![0; 64],
            len: 0,
        }
    }

    fn hash(state: &[u128]) -> u64 {
        let mut h: u64 = 0x9e37_79b9_7f4a_7c15;
        for w in state {
            // Truncations intended: the two halves of the word.
            let lo = *w as u64;
            let hi = (*w >> 64) as u64;
            h = (h ^ lo).wrapping_mul(0xff51_afd7_ed55_8ccd).rotate_left(29);
            h = (h ^ hi).wrapping_mul(0xc4ce_b9fe_1a85_ec53).rotate_left(31);
        }
        h ^ (h >> 33)
    }

    fn node<'s>(&self, states: &'s [u128], id: usize) -> &'s [u128] {
        states.get(id * self.k..(id + 1) * self.k).unwrap_or(&[])
    }

    /// `None` when `state` is already in the set; else the slot where it goes.
    fn find(&self, states: &[u128], state: &[u128]) -> Option<usize> {
        let mask = self.slots.len() - 1;
        // Truncation intended: the hash picks a slot.
        let mut i = Self::hash(state) as usize & mask;
        loop {
            match self.slots.get(i).copied() {
                Some(0) | None => return Some(i),
                Some(id) => {
                    if self.node(states, id as usize - 1) == state {
                        return None;
                    }
                }
            }
            i = (i + 1) & mask;
        }
    }

    /// Record node `id` (its state already at the end of `states`) at `slot`, which
    /// [`Self::find`] just returned.
    fn insert_at(&mut self, states: &[u128], slot: usize, id: usize) {
        if let Some(s) = self.slots.get_mut(slot) {
            *s = u32::try_from(id + 1).unwrap_or(u32::MAX);
        }
        self.len += 1;
        if self.len * 2 > self.slots.len() {
            self.grow(states);
        }
    }

    fn insert_new(&mut self, states: &[u128], id: usize) {
        let state = self.node(states, id);
        if let Some(slot) = self.find(states, state) {
            self.insert_at(states, slot, id);
        }
    }

    fn grow(&mut self, states: &[u128]) {
        let doubled = vec![0; self.slots.len() * 2];
        let old = std::mem::replace(&mut self.slots, doubled);
        let mask = self.slots.len() - 1;
        for id in old.into_iter().filter(|&x| x != 0) {
            let mut i = Self::hash(self.node(states, id as usize - 1)) as usize & mask;
            while self.slots.get(i).is_some_and(|&x| x != 0) {
                i = (i + 1) & mask;
            }
            if let Some(s) = self.slots.get_mut(i) {
                *s = id;
            }
        }
    }
}

/// A glob that is a literal (`abc`) or a literal prefix (`abc*`): its text and whether
/// it is a prefix.
fn simple_form(g: &Glob) -> Option<(String, bool)> {
    let mut text = String::with_capacity(g.units.len());
    let n = g.units.len();
    for (i, u) in g.units.iter().enumerate() {
        match u {
            Unit::Lit(c) => text.push(*c),
            Unit::Star { excl: None } if i + 1 == n => return Some((text, true)),
            _ => return None,
        }
    }
    Some((text, false))
}

/// Whether `g` matches `text`.
fn glob_matches(g: &Glob, text: &str) -> bool {
    if g.len() < 127 {
        return glob_matches_bits(g, text);
    }
    let mut st = start(g);
    for c in text.chars() {
        st = step(g, &st, c);
    }
    accepts(g, &st)
}

/// [`glob_matches`] for a glob of fewer than 127 units: its state set in one `u128`.
fn glob_matches_bits(g: &Glob, text: &str) -> bool {
    let stars = g
        .units
        .iter()
        .enumerate()
        .filter(|(_, u)| matches!(u, Unit::Star { .. }))
        .fold(0u128, |m, (i, _)| m | 1 << i);
    let mut s = closure_bits(1, stars);
    for c in text.chars() {
        let mut next = 0u128;
        let mut live = s;
        while live != 0 {
            let i = live.trailing_zeros() as usize;
            live &= live - 1;
            let bit = 1u128 << i;
            match g.units.get(i) {
                Some(Unit::Lit(x)) if *x == c => next |= bit << 1,
                Some(Unit::LitCi(x)) if c.to_lowercase().eq(std::iter::once(*x)) => {
                    next |= bit << 1
                }
                Some(Unit::Any { excl }) if *excl != Some(c) => next |= bit << 1,
                Some(Unit::Digit) if c.is_ascii_digit() => next |= bit << 1,
                Some(Unit::Star { excl }) if *excl != Some(c) => next |= bit,
                _ => {}
            }
        }
        s = closure_bits(next, stars);
        if s == 0 {
            return false;
        }
    }
    s & (1u128 << g.len()) != 0
}

/// Literal questions (`StringEquals` values such as a full ARN) need not enter the
/// product automaton: a value's answer to one is just whether it equals it. Search the
/// other questions, then add each literal the constraints allow. A value found for a
/// class must equal no literal to stand for the values of its class that equal none;
/// if it does equal one, the answer is marked incomplete (never silently narrowed).
/// `None` when there is no literal question to take out.
fn literal_split(questions: &[Glob], must: &[Glob], must_not: &[Glob]) -> Option<StringReps> {
    let mut literals: Vec<String> = Vec::new();
    let mut rest: Vec<Glob> = Vec::new();
    for q in questions {
        match simple_form(q) {
            Some((text, false)) => literals.push(text),
            _ => rest.push(q.clone()),
        }
    }
    if literals.is_empty() {
        return None;
    }
    let mut reps = string_reps(&rest, must, must_not);
    if reps.values.iter().any(|v| literals.contains(v)) {
        // A class's value equals a literal: search again for values equal to none. Every
        // string is then a literal (each added below) or in a class of the others with a
        // value of its own, so the answer stays complete when that search is.
        let mut avoid: Vec<Glob> = must_not.to_vec();
        avoid.extend(literals.iter().map(|l| Glob::literal(l)));
        reps = string_reps(&rest, must, &avoid);
    }
    crate::collections::sort_dedup(&mut literals);
    for l in literals {
        let allowed = must.iter().all(|g| glob_matches(g, &l))
            && !must_not.iter().any(|g| glob_matches(g, &l));
        if allowed && !reps.values.contains(&l) {
            reps.values.push(l);
        }
    }
    Some(reps)
}

/// The fast path for the common shape: every question and constraint is a literal or a
/// literal prefix (`arn:aws:s3:::b/*`, `vpce-*`, `https://example.com/*`), every
/// forbidden glob a literal. Then a string's answers are fixed by the literal it equals
/// (if any) and the longest prefix it extends, so these values cover every behaviour:
/// each literal and prefix as is, each prefix followed by a character no pattern uses,
/// and that character alone (a forbidden prefix excludes every value it starts, and
/// the fresh character never completes one). `None` when the shape does not fit.
fn prefix_reps(questions: &[Glob], must: &[Glob], must_not: &[Glob]) -> Option<StringReps> {
    let qs: Vec<(String, bool)> = questions.iter().map(simple_form).collect::<Option<_>>()?;
    let ms: Vec<(String, bool)> = must.iter().map(simple_form).collect::<Option<_>>()?;
    let ns: Vec<(String, bool)> = must_not.iter().map(simple_form).collect::<Option<_>>()?;
    let used = |c: char| {
        qs.iter()
            .chain(&ms)
            .chain(&ns)
            .any(|(t, _)| t.chars().any(|x| x == c))
    };
    let fresh = fresh_char(used);
    let matches = |(t, prefix): &(String, bool), s: &str| {
        if *prefix {
            s.starts_with(t.as_str())
        } else {
            s == t
        }
    };
    let mut candidates: Vec<String> = Vec::new();
    for (t, prefix) in qs.iter().chain(&ms) {
        candidates.push(t.clone());
        if *prefix {
            let mut c = String::with_capacity(t.len() + fresh.len_utf8());
            c.push_str(t);
            c.push(fresh);
            candidates.push(c);
        }
    }
    candidates.push(fresh.to_string());
    // Shortest first, so each behaviour is represented by its simplest value.
    crate::collections::sort_by_key(&mut candidates, String::len);
    // Signatures packed in bits (bit `i` = question `i` matches).
    // A map (not a set) of the same type as `string_reps`' signatures: one copy of the
    // hash table code in the WASM build.
    let mut seen: KeyMap = HashMap::with_hasher(FastBuild);
    let mut values = Vec::new();
    for c in candidates {
        if !ms.iter().all(|m| matches(m, &c)) || ns.iter().any(|n| matches(n, &c)) {
            continue;
        }
        let mut sig: Vec<u64> = vec![0; qs.len().div_ceil(64)];
        for (i, q) in qs.iter().enumerate() {
            if matches(q, &c) {
                set(&mut sig, i);
            }
        }
        if seen.insert(word_bytes(&sig), 0).is_none() {
            values.push(c);
        }
    }
    Some(StringReps {
        values,
        complete: true,
    })
}

/// A glob automaton over a fixed alphabet, its state set in the bits of a `u128`.
struct BitNfa {
    /// Per alphabet character: the positions whose unit consumes it and moves on.
    advance: Vec<u128>,
    /// Per alphabet character: the `*` positions that consume it and stay.
    stay: Vec<u128>,
    /// The `*` positions (they may be skipped).
    stars: u128,
    accept: u128,
}

impl BitNfa {
    fn new(g: &Glob, alphabet: &[char]) -> BitNfa {
        let mut advance = vec![0u128; alphabet.len()];
        let mut stay = vec![0u128; alphabet.len()];
        let mut stars = 0u128;
        for (i, u) in g.units.iter().enumerate() {
            let bit = 1u128 << i;
            if matches!(u, Unit::Star { .. }) {
                stars |= bit;
            }
            for (ci, &c) in alphabet.iter().enumerate() {
                let (adv, st) = reads(u, c);
                if let Some(a) = advance.get_mut(ci) {
                    if adv {
                        *a |= bit;
                    }
                }
                if let Some(s) = stay.get_mut(ci) {
                    if st {
                        *s |= bit;
                    }
                }
            }
        }
        BitNfa {
            advance,
            stay,
            stars,
            accept: 1u128 << g.len(),
        }
    }

    fn start(&self) -> u128 {
        closure_bits(1, self.stars)
    }
}

/// The characters worth trying against `globs`, sorted: those the globs name, one
/// character none of them names (`fresh`, given a test of whether a character is named;
/// unnamed characters are interchangeable) and, when a glob reads digits, one digit
/// none of them names.
fn alphabet_of(globs: &[&Glob], fresh: impl Fn(&dyn Fn(char) -> bool) -> char) -> Vec<char> {
    let mut alphabet: Vec<char> = Vec::new();
    for g in globs {
        g.chars_into(&mut alphabet);
    }
    crate::collections::sort_dedup(&mut alphabet);
    let named = |c: char| alphabet.binary_search(&c).is_ok();
    let fresh = fresh(&named);
    let digit = if globs.iter().any(|g| g.uses_digit()) {
        "7539182640".chars().find(|c| !named(*c) && *c != fresh)
    } else {
        None
    };
    alphabet.push(fresh);
    alphabet.extend(digit);
    crate::collections::sort_dedup(&mut alphabet);
    alphabet
}

/// The general (slower) search, for globs too long for a `u128` state.
fn string_reps_slow(questions: &[Glob], must: &[Glob], must_not: &[Glob]) -> StringReps {
    let all: Vec<&Glob> = questions.iter().chain(must).chain(must_not).collect();
    let alphabet = alphabet_of(&all, |named| fresh_char(named));

    let init: Vec<States> = all.iter().map(|g| start(g)).collect();
    // Product states hashed with the fast hasher (bounded by `MAX_STATES`, so a
    // collision-heavy input costs no more than the bound): SipHash over 25-word state
    // sets was 40% of the search on a long resource pattern.
    let mut seen: KeyMap = HashMap::with_hasher(FastBuild);
    let mut key: Vec<u8> = Vec::new();
    // Each signature over the questions (bit `i` = question `i` accepts) met so far, in
    // the same map type as `string_reps` (one copy of the hash table code in the WASM
    // build); `values` holds the first value of each, in the order they are met.
    let mut sigs: KeyMap = HashMap::with_hasher(FastBuild);
    let mut values: Vec<String> = Vec::new();
    let mut queue: VecDeque<(Vec<States>, String)> = VecDeque::new();
    flat_key(&mut key, &init);
    seen.insert(key.clone(), 0);
    queue.push_back((init, String::new()));
    let nq = questions.len();
    let nm = must.len();
    let mut complete = true;
    // The product state being built, reused for every character.
    let mut next: Vec<States> = vec![Vec::new(); all.len()];
    while let Some((state, text)) = queue.pop_front() {
        let acc: Vec<bool> = all.iter().zip(&state).map(|(g, s)| accepts(g, s)).collect();
        let ok_must = acc.get(nq..nq + nm).is_some_and(|m| m.iter().all(|b| *b));
        let ok_not = acc.get(nq + nm..).is_some_and(|m| m.iter().all(|b| !*b));
        if ok_must && ok_not {
            let mut sig: Vec<u64> = vec![0; nq.div_ceil(64)];
            for (i, _) in acc.iter().take(nq).enumerate().filter(|(_, a)| **a) {
                set(&mut sig, i);
            }
            if sigs.insert(word_bytes(&sig), 0).is_none() {
                values.push(text.clone());
            }
        }
        // A product state where every automaton is dead can only stay dead.
        if state.iter().all(|s| s.iter().all(|w| *w == 0)) {
            continue;
        }
        for &c in &alphabet {
            for ((g, s), out) in all.iter().zip(&state).zip(next.iter_mut()) {
                step_into(g, s, c, out);
            }
            flat_key(&mut key, &next);
            if seen.contains_key(key.as_slice()) {
                continue;
            }
            if seen.len() >= MAX_STATES {
                complete = false;
                break;
            }
            seen.insert(key.clone(), 0);
            let mut t = text.clone();
            t.push(c);
            queue.push_back((next.clone(), t));
        }
        if !complete {
            break;
        }
    }
    StringReps { values, complete }
}

/// `parts` flattened into `buf` as one key, each part preceded by its length: the
/// product-state sets below are keyed so, in the map type of the signatures (one copy of
/// the hash table code in the WASM build), and looked up without an allocation.
fn flat_key<'a>(buf: &mut Vec<u8>, parts: impl IntoIterator<Item = &'a States>) {
    buf.clear();
    for p in parts {
        buf.extend_from_slice(&(p.len() as u64).to_le_bytes());
        for w in p {
            buf.extend_from_slice(&w.to_le_bytes());
        }
    }
}

/// Whether every string `q` matches, `p` matches too (language inclusion), by a
/// breadth-first search over both automata that stops at the first string matching `q`
/// and not `p`, and skips branches where `p` already accepts every continuation.
/// `false` when the search would exceed [`MAX_STATES`] (the caller then claims nothing).
pub fn includes(q: &Glob, p: &Glob) -> bool {
    let mut unbounded = usize::MAX;
    includes_within(q, p, &mut unbounded)
}

/// [`includes`] drawing on a budget of product states shared by several questions
/// (one per state explored): `false` once it runs out, as when one search exceeds
/// [`MAX_STATES`]. A caller asking about many pairs of long patterns bounds its total
/// work this way.
pub fn includes_within(q: &Glob, p: &Glob, budget: &mut usize) -> bool {
    // The positions from which `p` accepts anything (only unrestricted stars remain), as
    // bits, so that a state is checked word by word (a scan of every position per state
    // made a long pattern's search quadratic).
    let n = p.len();
    let mut universal_bits: States = vec![0; n / 64 + 1];
    let mut tail = true; // every position after `i` is an unrestricted star
    for i in (0..n).rev() {
        tail = tail && matches!(p.units.get(i), Some(Unit::Star { excl: None }));
        if tail {
            set(&mut universal_bits, i);
        }
    }
    let p_universal = |s: &States| s.iter().zip(&universal_bits).any(|(a, b)| a & b != 0);
    let chars = alphabet_of(&[q, p], |used| {
        "xyzqjkwvXYZ_~".chars().find(|c| !used(*c)).unwrap_or('x')
    });
    let empty = |s: &States| s.iter().all(|w| *w == 0);
    let init = (start(q), start(p));
    let mut seen: KeyMap = HashMap::with_hasher(FastBuild);
    let mut key: Vec<u8> = Vec::new();
    let mut queue: VecDeque<(States, States)> = VecDeque::new();
    flat_key(&mut key, [&init.0, &init.1]);
    seen.insert(key.clone(), 0);
    queue.push_back(init);
    // The pair of states being built, reused for every character.
    let mut next: (States, States) = (Vec::new(), Vec::new());
    while let Some((sq, sp)) = queue.pop_front() {
        if accepts(q, &sq) && !accepts(p, &sp) {
            return false;
        }
        if empty(&sq) || p_universal(&sp) {
            continue;
        }
        for &c in &chars {
            step_into(q, &sq, c, &mut next.0);
            step_into(p, &sp, c, &mut next.1);
            if empty(&next.0) {
                continue;
            }
            flat_key(&mut key, [&next.0, &next.1]);
            if seen.contains_key(key.as_slice()) {
                continue;
            }
            if seen.len() >= MAX_STATES || *budget == 0 {
                return false;
            }
            *budget -= 1;
            seen.insert(key.clone(), 0);
            queue.push_back(next.clone());
        }
    }
    true
}

/// Representative numbers (as decimal strings) for comparisons against `constants`.
/// `None` when a constant does not fit the exact 128-bit arithmetic used here.
pub fn number_reps(constants: &[Decimal]) -> Option<Vec<String>> {
    let scaled: Vec<(i128, i64)> = constants
        .iter()
        .map(Decimal::to_scaled)
        .collect::<Option<_>>()?;
    let scale = scaled.iter().map(|s| s.1).max().unwrap_or(0).max(0);
    if scale > 30 {
        return None;
    }
    let mut vals: Vec<i128> = Vec::new();
    for (m, s) in &scaled {
        let factor = 10i128.checked_pow(u32::try_from(scale - s).ok()? + 1)?;
        vals.push(m.checked_mul(factor)?);
    }
    crate::collections::sort_dedup(&mut vals);
    let step = 10i128.checked_pow(u32::try_from(scale).ok()? + 1)?;
    let mut reps = Vec::new();
    match (vals.first(), vals.last()) {
        (Some(lo), Some(hi)) => {
            reps.push(lo.checked_sub(step)?);
            for w in vals.windows(2) {
                if let [a, b] = w {
                    reps.push(*a);
                    reps.push(a.checked_add(*b)? / 2);
                }
            }
            reps.push(*hi);
            reps.push(hi.checked_add(step)?);
        }
        _ => reps.push(0),
    }
    reps.dedup();
    Some(
        reps.into_iter()
            .map(|v| format_scaled(v, scale + 1))
            .collect(),
    )
}

fn format_scaled(v: i128, scale: i64) -> String {
    let neg = v < 0;
    let scale = usize::try_from(scale).unwrap_or(0);
    let mut padded = String::new();
    crate::values::push_digits(&mut padded, v.unsigned_abs(), scale + 1);
    let (int, frac) = padded
        .split_at_checked(padded.len() - scale)
        .unwrap_or((&padded, ""));
    let frac = frac.trim_end_matches('0');
    let mut s = String::new();
    if neg {
        s.push('-');
    }
    s.push_str(int);
    if !frac.is_empty() {
        s.push('.');
        s.push_str(frac);
    }
    s
}

/// Representative instants for comparisons against `constants`, as text `parse_date` reads
/// back exactly: ISO 8601 when `iso`, else epoch seconds (see `values::date_text`).
pub fn date_reps(constants: &[i128], iso: bool) -> Vec<String> {
    const SEC: i128 = 1_000_000_000;
    let mut vals: Vec<i128> = constants.to_vec();
    crate::collections::sort_dedup(&mut vals);
    let mut reps = Vec::new();
    match (vals.first(), vals.last()) {
        (Some(_), Some(_)) if !iso => {
            // Epoch seconds are whole seconds: around each value, the seconds on either
            // side (every range between two values that holds a whole second holds one
            // of them: its first).
            for v in &vals {
                let floor = v.div_euclid(SEC) * SEC;
                reps.extend([floor - SEC, floor, floor + SEC, floor + 2 * SEC]);
            }
        }
        (Some(lo), Some(hi)) => {
            reps.push(lo - SEC);
            for w in vals.windows(2) {
                if let [a, b] = w {
                    reps.push(*a);
                    if b - a > 1 {
                        reps.push(a + (b - a) / 2);
                    }
                }
            }
            reps.push(*hi);
            reps.push(hi + SEC);
        }
        _ => reps.push(1_700_000_000 * SEC),
    }
    crate::collections::sort_dedup(&mut reps);
    // Only instants a request can carry (its value reads back as the same date; epoch
    // seconds start in 1970).
    let mut out = Vec::with_capacity(reps.len());
    for v in reps {
        if !iso && (v < 0 || v % SEC != 0) {
            continue;
        }
        let t = crate::values::date_text(v, iso);
        if crate::values::parse_date(&t) == Some(v) {
            out.push(t);
        }
    }
    out
}

/// Representative addresses for containment questions about `nets`: the ends of each
/// range and the addresses just outside them, plus the ends of each address family.
pub fn ip_reps(nets: &[IpNet]) -> Vec<IpAddr> {
    let mut v4: Vec<u32> = vec![0, u32::MAX];
    let mut v6: Vec<u128> = vec![
        0,
        u128::MAX,
        u128::from(Ipv6Addr::new(0x2001, 0xdb8, 0, 0, 0, 0, 0, 0x10)),
    ];
    for n in nets {
        match n {
            IpNet::V4(n) => {
                let (a, b) = (u32::from(n.network()), u32::from(n.broadcast()));
                v4.extend([a, b, a.wrapping_sub(1), b.wrapping_add(1)]);
            }
            IpNet::V6(n) => {
                let (a, b) = (u128::from(n.network()), u128::from(n.broadcast()));
                v6.extend([a, b, a.wrapping_sub(1), b.wrapping_add(1)]);
            }
        }
    }
    // Well-known public addresses read better in a witness than boundary points; they
    // come first, and the boundary points keep the set complete.
    let nice4: Vec<u32> = [
        [198, 51, 100, 10],
        [203, 0, 113, 10],
        [8, 8, 8, 8],
        [151, 101, 1, 1],
    ]
    .iter()
    .map(|o| u32::from(Ipv4Addr::from(*o)))
    .collect();
    v4.retain(|a| !nice4.contains(a));
    crate::collections::sort_dedup(&mut v4);
    // Then addresses an internet caller can have before private, loopback, link-local,
    // shared and multicast ones: in `10.0.0.0/7` a witness from `11.255.255.255` proves
    // more than one from `10.0.0.0` (same behaviour, a stable order).
    // (Two filters, not a sort by key: one more sort instance costs the WASM build
    // kilobytes.)
    let mut ordered = nice4;
    ordered.extend(v4.iter().filter(|&&a| !special_v4(a)));
    ordered.extend(v4.iter().filter(|&&a| special_v4(a)));
    let v4 = ordered;
    crate::collections::sort_dedup(&mut v6);
    v4.into_iter()
        .map(|a| IpAddr::V4(Ipv4Addr::from(a)))
        .chain(v6.into_iter().map(|a| IpAddr::V6(Ipv6Addr::from(a))))
        .collect()
}

/// Whether an IPv4 address is one no internet caller has: `0.0.0.0/8`, private
/// (RFC 1918), shared (`100.64.0.0/10`), loopback, link-local, or `224.0.0.0` and above.
fn special_v4(a: u32) -> bool {
    let [o1, o2, ..] = a.to_be_bytes();
    matches!(
        (o1, o2),
        (0 | 10 | 127, _) | (100, 64..=127) | (169, 254) | (172, 16..=31) | (192, 168)
    ) || o1 >= 224
}

/// All subsets of `items` (for multi-valued keys), smallest first; `None` when too many.
pub fn subsets(items: &[String], max_items: usize) -> Option<Vec<Vec<String>>> {
    if items.len() > max_items {
        return None;
    }
    let n = items.len();
    let mut out: Vec<Vec<String>> = (0u32..(1 << n))
        .map(|mask| {
            items
                .iter()
                .enumerate()
                .filter(|(i, _)| mask & (1 << i) != 0)
                .map(|(_, s)| s.clone())
                .collect()
        })
        .collect();
    // Two or more values of one class: a key with several values behaves as one with
    // two (set operators see one value; others see "more than one").
    out.extend(items.iter().map(|s| vec![s.clone(), s.clone()]));
    crate::collections::sort_by_key(&mut out, Vec::len);
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::pattern::Syntax;
    use std::collections::HashSet;

    fn glob(p: &str) -> Glob {
        Glob::from_pattern(
            &Pattern::new(
                p,
                Syntax {
                    wildcards: true,
                    variables: false,
                },
            ),
            false,
        )
    }

    /// `Glob::arn` as it was built from `ArnPattern::parts`.
    fn arn_by_parts(p: &ArnPattern, absorb_allowed: bool) -> Glob {
        let parts = p.parts();
        let k = parts.len();
        let absorb = absorb_allowed
            && k < 6
            && matches!(parts.last().and_then(|l| l.toks().last()), Some(Tok::Star));
        let mut units = Vec::new();
        for (i, part) in parts.iter().enumerate() {
            if i > 0 {
                units.push(Unit::Lit(':'));
            }
            let last = i + 1 == k;
            let excl = if !last || (k < 6 && !absorb) {
                Some(':')
            } else {
                None
            };
            units.extend(Glob::from_toks(part.toks(), excl, false).units);
        }
        Glob { units }
    }

    #[test]
    fn arn_pieces_and_globs_agree_with_parts() {
        const FRAGMENTS: &[&str] = &[
            "arn",
            ":",
            "aws",
            "*",
            "?",
            "${aws:username}",
            "${s3:prefix, 'd:x'}",
            "s3",
            "b/x",
            "::",
            "a:b",
            ":::",
            "iam",
            "/",
            "x",
            "${*}",
            "**",
        ];
        let mut next = crate::collections::test_rng(0x2545_f491_4f6c_dd1d);
        for _ in 0..20_000 {
            let len = next(12);
            let text: String = (0..len).map(|_| FRAGMENTS[next(FRAGMENTS.len())]).collect();
            for syntax in [
                Syntax {
                    wildcards: true,
                    variables: true,
                },
                Syntax {
                    wildcards: true,
                    variables: false,
                },
            ] {
                let p = ArnPattern::new(&text, syntax);
                let mut rebuilt: Vec<Vec<Tok>> = vec![Vec::new(); 6];
                let k = arn_pieces(p.toks(), |i, piece| {
                    rebuilt[i].push(match piece {
                        ArnPiece::Lit(s) => Tok::Lit(s.to_string()),
                        ArnPiece::Tok(t) => t.clone(),
                    })
                });
                rebuilt.truncate(k);
                let parts: Vec<Vec<Tok>> = p.parts().iter().map(|x| x.toks().to_vec()).collect();
                assert_eq!(rebuilt, parts, "{text}");
                for absorb in [true, false] {
                    assert_eq!(
                        Glob::arn(&p, absorb, false),
                        arn_by_parts(&p, absorb),
                        "{text}"
                    );
                }
            }
        }
    }

    /// The units the fast-path tests build random globs from.
    const SAMPLE_UNITS: [Unit; 11] = [
        Unit::Lit('a'),
        Unit::Lit(':'),
        Unit::Lit('7'),
        Unit::LitCi('k'),
        Unit::LitCi('x'),
        Unit::Any { excl: None },
        Unit::Any { excl: Some(':') },
        Unit::Any { excl: Some('x') },
        Unit::Star { excl: None },
        Unit::Star { excl: Some(':') },
        Unit::Digit,
    ];

    /// A glob matching everything: added beside another, it sends a question through
    /// the full search instead of a fast path.
    fn match_all() -> Glob {
        Glob {
            units: vec![Unit::Star { excl: None }],
        }
    }

    #[test]
    fn first_match_is_what_the_search_finds() {
        let (all, units) = (match_all(), SAMPLE_UNITS);
        let mut next = crate::collections::test_rng(0x9e37_79b9_7f4a_7c15);
        for _ in 0..3_000 {
            let len = next(9);
            let g = Glob {
                units: (0..len).map(|_| units[next(units.len())].clone()).collect(),
            };
            let direct = string_reps(&[], std::slice::from_ref(&g), &[]);
            let searched = string_reps(&[], &[g.clone(), all.clone()], &[]);
            assert_eq!(direct.values, searched.values, "{g:?}");
            assert!(direct.complete && searched.complete);
        }
    }

    #[test]
    fn first_allowed_is_what_the_search_finds() {
        let (all, units) = (match_all(), SAMPLE_UNITS);
        let chars = ['a', ':', '7', 'k', 'K', 'x', 'y', 'z', '0', '1', 'b'];
        let mut next = crate::collections::test_rng(0x2545_f491_4f6c_dd1d);
        let mut fast = 0;
        for _ in 0..4_000 {
            let len = next(7);
            let g = Glob {
                units: (0..len).map(|_| units[next(units.len())].clone()).collect(),
            };
            let short = g
                .units
                .iter()
                .filter(|u| !matches!(u, Unit::Star { .. }))
                .count();
            let mut forbid = Vec::new();
            for _ in 0..1 + next(12) {
                if next(4) == 0 {
                    let n = next(5);
                    forbid.push(Glob {
                        units: (0..n).map(|_| units[next(units.len())].clone()).collect(),
                    });
                } else {
                    let n = if next(3) == 0 { next(4) } else { short };
                    let text: String = (0..n).map(|_| chars[next(chars.len())]).collect();
                    forbid.push(Glob::literal(&text));
                }
            }
            let direct = string_reps(&[], std::slice::from_ref(&g), &forbid);
            let searched = string_reps(&[], &[g.clone(), all.clone()], &forbid);
            assert_eq!(direct.values, searched.values, "{g:?} {forbid:?}");
            assert_eq!(direct.complete, searched.complete, "{g:?} {forbid:?}");
            if !direct.values.is_empty() {
                fast += 1;
            }
        }
        assert!(fast > 1_000);
    }

    #[test]
    fn case_deltas_are_complete() {
        // Every character with a single-character lower case other than itself is among
        // the cases of that lower case, and everything pushed lower-cases to it.
        let single_lower = |c: char| {
            let mut l = c.to_lowercase();
            match (l.next(), l.next()) {
                (Some(x), None) => Some(x),
                _ => None,
            }
        };
        let mut targets = 0;
        for c in (0..=0x10_ffffu32).filter_map(char::from_u32) {
            let Some(x) = single_lower(c).filter(|x| *x != c) else {
                continue;
            };
            targets += 1;
            let mut cases = Vec::new();
            push_cases(x, &mut cases);
            assert!(
                cases.contains(&c),
                "{:x} -> {:x}: {cases:?}",
                c as u32,
                x as u32
            );
            assert_eq!(cases[0], x);
            for o in &cases[1..] {
                assert_eq!(
                    single_lower(*o),
                    Some(x),
                    "{:x} pushed for {:x}",
                    *o as u32,
                    x as u32
                );
            }
        }
        assert!(targets > 1_000, "{targets}");
        // A case-insensitive `ß` matches the capital `ẞ`, as `…IgnoreCase` compares them
        // (before, `ß` was taken case-sensitively: its upper case is `SS`).
        assert!(Glob::literal_ci("straße").matches_str("STRAẞE"));
        assert!(Glob::literal_ci("ω").matches_str("\u{2126}"));
        assert!(!Glob::literal_ci("straße").matches_str("STRASSE"));
        // Caseless and multi-character cases: the character alone.
        for x in ['1', '-', '\u{4e2d}'] {
            let mut cases = Vec::new();
            push_cases(x, &mut cases);
            assert_eq!(cases, [x]);
        }
    }

    #[test]
    fn a_fresh_character_is_found_whatever_the_policy_uses() {
        let used: HashSet<char> =
            "xyzqjkwvXYZ_~abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"
                .chars()
                .collect();
        let c = fresh_char(|c| used.contains(&c));
        assert!(!used.contains(&c));
        // `?` against thirteen forbidden prefixes covering every readable fresh character.
        let forbidden: Vec<Glob> = "xyzqjkwvXYZ_~"
            .chars()
            .map(|c| glob(&format!("{c}*")))
            .collect();
        let r = string_reps(&[glob("?")], &[], &forbidden);
        assert!(
            r.values.iter().any(|v| v.chars().count() == 1),
            "{:?}",
            r.values
        );
    }

    fn sigs(qs: &[&str], reps: &[String]) -> HashSet<Vec<bool>> {
        reps.iter()
            .map(|r| qs.iter().map(|q| glob(q).matches_str(r)).collect())
            .collect()
    }

    impl Glob {
        fn matches_str(&self, s: &str) -> bool {
            let mut st = start(self);
            for c in s.chars() {
                st = step(self, &st, c);
            }
            accepts(self, &st)
        }
    }

    /// The automaton step as it was first written: every position of the glob scanned
    /// for every character (the oracle for the set-bit traversal; the units' own
    /// behaviour, `reads`, is shared).
    fn closure_by_scan(g: &Glob, s: &mut States) {
        for i in 0..g.len() {
            if has(s, i) && matches!(g.units.get(i), Some(Unit::Star { .. })) {
                set(s, i + 1);
            }
        }
    }

    fn step_by_scan(g: &Glob, s: &States, c: char) -> States {
        let mut out = vec![0; s.len()];
        for (i, u) in g.units.iter().enumerate() {
            if !has(s, i) {
                continue;
            }
            let (advance, stay) = reads(u, c);
            if stay {
                set(&mut out, i);
            }
            if advance {
                set(&mut out, i + 1);
            }
        }
        closure_by_scan(g, &mut out);
        out
    }

    #[test]
    fn stepping_by_set_bits_agrees_with_scanning_every_position() {
        // Random globs up to 300 units (several words, runs of stars across word
        // boundaries) and random texts over a small alphabet: the same state sets.
        let mut x = 0x2545_F491_4F6C_DD1Du64;
        let mut next = move |n: u64| {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            x % n
        };
        for case in 0..400 {
            let len = 1 + next(300) as usize;
            let stars = 1 + next(4); // how often a star comes up
            let units: Vec<Unit> = (0..len)
                .map(|_| match next(6 + stars * 2) {
                    0 => Unit::Any { excl: None },
                    1 => Unit::Any { excl: Some('b') },
                    2 => Unit::Digit,
                    3 => Unit::LitCi('a'),
                    4 | 5 => Unit::Lit(['a', 'b', '1', '/'][next(4) as usize]),
                    k if k % 2 == 0 => Unit::Star { excl: None },
                    _ => Unit::Star { excl: Some('/') },
                })
                .collect();
            let g = Glob { units };
            let mut want = start(&g);
            let mut got = start(&g);
            // `start` itself: position 0 closed by scanning.
            let mut first = vec![0; g.len() / 64 + 1];
            set(&mut first, 0);
            closure_by_scan(&g, &mut first);
            assert_eq!(got, first, "case {case}: start");
            for k in 0..(len + 20) {
                let c = ['a', 'A', 'b', '1', '/', 'z'][next(6) as usize];
                want = step_by_scan(&g, &want, c);
                got = step(&g, &got, c);
                assert_eq!(got, want, "case {case}, character {k} ({c:?})");
            }
        }
    }

    #[test]
    fn inclusion_within_a_budget_says_no_when_it_runs_out() {
        let (q, p) = (glob("a*b*c"), glob("a*c"));
        assert!(includes(&q, &p));
        // What the search takes, then one state short of it.
        let mut budget = 1_000;
        assert!(includes_within(&q, &p, &mut budget));
        let used = 1_000 - budget;
        assert!(used > 0);
        let mut short = used - 1;
        assert!(!includes_within(&q, &p, &mut short));
        assert_eq!(short, 0);
        // A shared budget: the second question gets what the first left.
        let mut shared = used + used / 2;
        assert!(includes_within(&q, &p, &mut shared));
        assert!(!includes_within(&q, &p, &mut shared));
        // Not included stays not included, whatever the budget.
        assert!(!includes_within(&p, &q, &mut 1_000));
    }

    #[test]
    fn finds_a_value_matching_some_patterns_and_not_others() {
        // "a*" and "*b" but not "*c": needs "ab", which instantiating one pattern never gives.
        let qs = ["a*", "*b", "*c"];
        let globs: Vec<Glob> = qs.iter().map(|q| glob(q)).collect();
        let r = string_reps(&globs, &[], &[]);
        assert!(r.complete);
        let s = sigs(&qs, &r.values);
        assert!(s.contains(&vec![true, true, false]));
        assert!(s.contains(&vec![false, false, false]));
        // Ending in both `b` and `c` is impossible: 2 (starts with a) × 3 (ends b / c / neither).
        assert!(!s.contains(&vec![true, true, true]));
        assert_eq!(
            s.len(),
            6,
            "every achievable combination, no more: {:?}",
            r.values
        );
    }

    #[test]
    fn the_prefix_fast_path_agrees_with_the_automaton_search() {
        let cases: Vec<Vec<&str>> = vec![
            vec![
                "arn:aws:s3:::b/*",
                "arn:aws:s3:::b/pub/*",
                "arn:aws:s3:::b/pub/secret*",
                "arn:aws:s3:::b/pub/index.html",
            ],
            vec!["vpce-1", "vpce-*", "vpce-12"],
            vec!["https://a.com/*", "https://a.com/x", "*"],
            vec!["", "a*"],
        ];
        for qs in cases {
            let globs: Vec<Glob> = qs.iter().map(|q| glob(q)).collect();
            let fast = prefix_reps(
                &globs,
                &[glob("arn*")],
                &[Glob::literal("arn:aws:s3:::b/pub/x")],
            );
            let slow = string_reps_slow(
                &globs,
                &[glob("arn*")],
                &[Glob::literal("arn:aws:s3:::b/pub/x")],
            );
            let (fast, slow) = (fast.unwrap(), slow);
            assert!(slow.complete);
            assert_eq!(
                sigs(&qs, &fast.values),
                sigs(&qs, &slow.values),
                "{qs:?}: {:?} vs {:?}",
                fast.values,
                slow.values
            );
            let fast = prefix_reps(&globs, &[], &[]).unwrap();
            let slow = string_reps_slow(&globs, &[], &[]);
            assert_eq!(sigs(&qs, &fast.values), sigs(&qs, &slow.values), "{qs:?}");
        }
        // Shapes it does not handle fall back.
        assert!(prefix_reps(&[glob("a*b")], &[], &[]).is_none());
        assert!(prefix_reps(&[glob("a?")], &[], &[]).is_none());
    }

    #[test]
    fn constraints_restrict_the_values() {
        let qs = [glob("vpce-*")];
        // Outsider: not equal to the policy's literal.
        let r = string_reps(&qs, &[], &[Glob::literal("vpce-1")]);
        assert!(r.values.iter().all(|v| v != "vpce-1"));
        assert!(r.values.iter().any(|v| v.starts_with("vpce-")));
        // Twelve digits, not a named account.
        let acct = Glob {
            units: vec![Unit::Digit; 12],
        };
        let r = string_reps(
            &[Glob::literal("111122223333")],
            &[acct],
            &[Glob::literal("111122223333")],
        );
        assert_eq!(r.values.len(), 1);
        assert_eq!(r.values[0].len(), 12);
        assert_ne!(r.values[0], "111122223333");
        // Impossible: must equal and must not equal.
        let r = string_reps(&[], &[Glob::literal("a")], &[Glob::literal("a")]);
        assert!(r.values.is_empty());
    }

    #[test]
    fn arn_globs_keep_components_apart() {
        let p = ArnPattern::new(
            "arn:aws:someservice:*:111122223333:finance/*",
            Syntax {
                wildcards: true,
                variables: false,
            },
        );
        let g = Glob::from_arn(&p);
        assert!(g.matches_str("arn:aws:someservice:us-east-2:111122223333:finance/x"));
        assert!(!g.matches_str("arn:aws:someservice:us-east-2:999999999999:store/abc:111122223333:finance/document.txt"));
        let all = Glob::from_arn(&ArnPattern::new(
            "*",
            Syntax {
                wildcards: true,
                variables: false,
            },
        ));
        assert!(all.matches_str("a:b:c"));
    }

    #[test]
    fn number_and_date_reps_cover_every_interval() {
        let cs = [
            Decimal::parse("1.2").unwrap(),
            Decimal::parse("10").unwrap(),
        ];
        let reps = number_reps(&cs).unwrap();
        let d = |s: &str| Decimal::parse(s).unwrap();
        assert!(reps.iter().any(|r| d(r) < d("1.2")));
        assert!(reps.iter().any(|r| d(r) == d("1.2")));
        assert!(reps.iter().any(|r| d(r) > d("1.2") && d(r) < d("10")));
        assert!(reps.iter().any(|r| d(r) > d("10")));
        // Written as people write numbers: no padding, no trailing zeros.
        assert_eq!(reps, ["0.2", "1.2", "5.6", "10", "11"]);
        // Past u64 (the digits are pushed by hand).
        let big = number_reps(&[d("-123456789012345678901234.5")]).unwrap();
        assert_eq!(
            big,
            [
                "-123456789012345678901235.5",
                "-123456789012345678901234.5",
                "-123456789012345678901233.5"
            ]
        );
        // Epoch seconds: whole seconds from 1970 on, the only ones a request carries.
        let dr = date_reps(&[0, 10_000_000_000], false);
        assert_eq!(dr, ["0", "1", "2", "9", "10", "11", "12"]);
        let dr = date_reps(&[1_500_000_000], false);
        assert_eq!(dr, ["0", "1", "2", "3"]);
        // The same instants as ISO 8601, which reads better in a witness.
        let dr = date_reps(&[0, 10_000_000_000], true);
        assert!(dr.contains(&"1969-12-31T23:59:59Z".to_string()), "{dr:?}");
        assert!(dr.contains(&"1970-01-01T00:00:05Z".to_string()), "{dr:?}");
    }

    #[test]
    fn ip_reps_hit_inside_and_outside() {
        let nets: Vec<IpNet> = ["10.0.0.0/8", "10.1.0.0/16"]
            .iter()
            .map(|s| s.parse().unwrap())
            .collect();
        let reps = ip_reps(&nets);
        let inside_only_outer = reps
            .iter()
            .any(|a| nets[0].contains(a) && !nets[1].contains(a));
        let inside_both = reps.iter().any(|a| nets[1].contains(a));
        let outside = reps.iter().any(|a| !nets[0].contains(a));
        assert!(inside_only_outer && inside_both && outside);
    }

    /// In a range that holds both, the first address offered is one an internet caller
    /// can have; the set offered is the same as without the ordering.
    #[test]
    fn ip_reps_offer_public_addresses_first() {
        let wide: IpNet = "10.0.0.0/7".parse().unwrap();
        let reps = ip_reps(&[wide]);
        let first = reps.iter().find(|a| wide.contains(*a)).unwrap();
        assert_eq!(first.to_string(), "11.255.255.255");
        assert!(reps.contains(&"10.0.0.0".parse().unwrap()));
        let in_private = ip_reps(&["192.168.0.0/16".parse().unwrap()]);
        assert!(in_private.contains(&"192.168.0.0".parse().unwrap()));
        for (a, special) in [
            ("10.1.2.3", true),
            ("11.0.0.1", false),
            ("100.63.255.255", false),
            ("100.64.0.0", true),
            ("172.15.0.1", false),
            ("172.16.0.1", true),
            ("172.32.0.1", false),
            ("192.168.1.1", true),
            ("169.254.0.1", true),
            ("127.0.0.1", true),
            ("0.1.2.3", true),
            ("223.255.255.255", false),
            ("224.0.0.1", true),
            ("8.8.8.8", false),
        ] {
            let ip: Ipv4Addr = a.parse().unwrap();
            assert_eq!(special_v4(u32::from(ip)), special, "{a}");
        }
    }
}
