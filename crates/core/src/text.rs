//! Substring search for the crates of the engine.
//!
//! `str::find`, `contains`, `replace` and `split` with a `&str` pattern go through
//! `core`'s Two-Way searcher, whose empty-needle branch slices the haystack: in the WASM
//! build that brings in the searcher, the "byte index is not a char boundary" panic
//! message and `char`'s `Debug` (Unicode escape tables), about 7 KB of the page's
//! 500 KB budget. Policy strings are short, so the WASM build scans bytes instead
//! (a match of a UTF-8 needle in UTF-8 text always starts and ends on a character
//! boundary). Native builds keep `std`'s linear-time search, so a 10 MB value searched
//! for a 5 MB one stays fast on the command line.
//!
//! Engine and rule code call these instead of the `&str`-pattern methods of `str`;
//! `[char]` and closure patterns do not use the searcher and stay as they are, as do
//! `find`, `split` and `split_once` with a `char`; `contains` with a `char` does not
//! (see [`StrFind::has_byte`]).

/// Substring search on `str` (see the module docs).
pub trait StrFind {
    /// The byte offset of the first `needle` in `self`, as `str::find` answers.
    fn find_str(&self, needle: &str) -> Option<usize>;

    /// Whether `needle` occurs in `self`, as `str::contains`.
    fn has(&self, needle: &str) -> bool {
        self.find_str(needle).is_some()
    }

    /// Whether the ASCII byte `b` occurs in `self`. `str::contains` with a `char` is
    /// generic over every `char`, and its non-ASCII branch calls the searcher.
    fn has_byte(&self, b: u8) -> bool;

    /// `self` with every `from` replaced by `to`, as `str::replace` (`from` not empty).
    fn replace_str(&self, from: &str, to: &str) -> String;
}

impl StrFind for str {
    #[inline]
    fn find_str(&self, needle: &str) -> Option<usize> {
        #[cfg(not(target_arch = "wasm32"))]
        {
            self.find(needle)
        }
        #[cfg(target_arch = "wasm32")]
        {
            scan(self.as_bytes(), needle.as_bytes())
        }
    }

    #[inline]
    fn has_byte(&self, b: u8) -> bool {
        self.as_bytes().contains(&b)
    }

    fn replace_str(&self, from: &str, to: &str) -> String {
        let mut out = String::with_capacity(self.len());
        let mut rest = self;
        while let Some(i) = rest.find_str(from).filter(|_| !from.is_empty()) {
            out.push_str(rest.get(..i).unwrap_or_default());
            out.push_str(to);
            rest = rest.get(i + from.len()..).unwrap_or_default();
        }
        out.push_str(rest);
        out
    }
}

/// The first position of `needle` in `hay`, byte by byte (`Some(0)` for an empty needle).
#[cfg_attr(not(any(target_arch = "wasm32", test)), allow(dead_code))]
fn scan(hay: &[u8], needle: &[u8]) -> Option<usize> {
    if needle.is_empty() {
        return Some(0);
    }
    hay.windows(needle.len()).position(|w| w == needle)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_byte_scan_answers_what_std_answers() {
        let hays = [
            "",
            "a",
            "${aws:username}",
            "arn:aws:s3:::b/${x}/${y}",
            "ééé${é}",
            "aaaaaab",
            "日本語の${キー}",
        ];
        let needles = [
            "", "$", "${", "}", "é", "é$", "aab", "b", "語の", "キー}", "zz",
        ];
        for h in hays {
            for n in needles {
                assert_eq!(scan(h.as_bytes(), n.as_bytes()), h.find(n), "{h:?} {n:?}");
                assert_eq!(h.find_str(n), h.find(n), "{h:?} {n:?}");
                assert_eq!(h.has(n), h.contains(n), "{h:?} {n:?}");
                if let [b] = n.as_bytes() {
                    assert_eq!(h.has_byte(*b), h.contains(char::from(*b)), "{h:?} {n:?}");
                }
                if !n.is_empty() {
                    assert_eq!(h.replace_str(n, "<>"), h.replace(n, "<>"), "{h:?} {n:?}");
                }
            }
        }
    }

    #[test]
    fn replacing_an_empty_needle_leaves_the_text() {
        assert_eq!("abc".replace_str("", "x"), "abc");
    }
}
