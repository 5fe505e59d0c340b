//! Typed condition values: exact decimals (no binary floats, so `1.2` compares
//! exactly), instants from ISO 8601 or epoch seconds, base64, and small text helpers.

use std::cmp::Ordering;

/// An exact decimal number: `(-1)^neg × 0.d₁d₂… × 10^exp`, digits without leading or
/// trailing zeros; zero has no digits.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Decimal {
    neg: bool,
    digits: Vec<u8>,
    exp: i64,
}

impl Decimal {
    /// Parse `[-+]?digits[.digits][e[+-]digits]` (also `.5` and `5.`). `None` otherwise.
    pub fn parse(text: &str) -> Option<Decimal> {
        let t = text.trim();
        let (neg, t) = match t.as_bytes().first() {
            Some(b'-') => (true, t.get(1..)?),
            Some(b'+') => (false, t.get(1..)?),
            _ => (false, t),
        };
        let (mant, exp_part) = match t.find(['e', 'E']) {
            Some(i) => (t.get(..i)?, Some(t.get(i + 1..)?)),
            None => (t, None),
        };
        let exp10: i64 = match exp_part {
            Some(e) => {
                let e = e.strip_prefix('+').unwrap_or(e);
                if e.is_empty() || e.len() > 6 {
                    return None;
                }
                e.parse().ok()?
            }
            None => 0,
        };
        let (int, frac) = match mant.find('.') {
            Some(i) => (mant.get(..i)?, mant.get(i + 1..)?),
            None => (mant, ""),
        };
        if int.is_empty() && frac.is_empty() {
            return None;
        }
        if !int.bytes().all(|b| b.is_ascii_digit()) || !frac.bytes().all(|b| b.is_ascii_digit()) {
            return None;
        }
        let mut digits: Vec<u8> = int.bytes().chain(frac.bytes()).map(|b| b - b'0').collect();
        let mut exp = int.len() as i64 + exp10;
        let lead = digits.iter().take_while(|&&d| d == 0).count();
        digits.drain(..lead);
        exp -= lead as i64;
        while digits.last() == Some(&0) {
            digits.pop();
        }
        if digits.is_empty() {
            return Some(Decimal {
                neg: false,
                digits,
                exp: 0,
            });
        }
        Some(Decimal { neg, digits, exp })
    }

    /// The value as `(mantissa, scale)` meaning `mantissa / 10^scale` (scale ≥ 0),
    /// or `None` when it does not fit in 128 bits.
    pub fn to_scaled(&self) -> Option<(i128, i64)> {
        let mut m: i128 = 0;
        for d in &self.digits {
            m = m.checked_mul(10)?.checked_add(i128::from(*d))?;
        }
        let mut scale = self.digits.len() as i64 - self.exp;
        while scale < 0 {
            m = m.checked_mul(10)?;
            scale += 1;
        }
        Some((if self.neg { -m } else { m }, scale))
    }

    fn cmp_abs(&self, other: &Decimal) -> Ordering {
        match (self.digits.is_empty(), other.digits.is_empty()) {
            (true, true) => return Ordering::Equal,
            (true, false) => return Ordering::Less,
            (false, true) => return Ordering::Greater,
            _ => {}
        }
        self.exp
            .cmp(&other.exp)
            .then_with(|| self.digits.cmp(&other.digits))
    }
}

impl PartialOrd for Decimal {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for Decimal {
    fn cmp(&self, other: &Self) -> Ordering {
        match (self.neg, other.neg) {
            (false, true) => Ordering::Greater,
            (true, false) => Ordering::Less,
            (false, false) => self.cmp_abs(other),
            (true, true) => other.cmp_abs(self),
        }
    }
}

/// An instant: nanoseconds since the Unix epoch.
pub type Instant = i128;

/// An instant as text that [`parse_date`] reads back to exactly the same instant, where
/// one can: UTC ISO 8601 (`2019-12-31T23:59:59Z`, with as many fraction digits as
/// needed) when `iso` and the year has four digits, else epoch seconds (digits only)
/// for a whole second from 1970 on, else ISO 8601 again where the year allows. An
/// instant no accepted form spells (a fraction of a second outside the years 0 to
/// 9999) comes out as epoch seconds with nine fraction digits, which reads as no date.
pub fn date_text(v: Instant, iso: bool) -> String {
    const BILLION: i128 = 1_000_000_000;
    let whole = v >= 0 && v % BILLION == 0 && v / BILLION <= 999_999_999_999_999;
    if iso || !whole {
        if let Some(t) = iso_text(v) {
            return t;
        }
    }
    // Epoch seconds: digits only for a whole second from 1970 on.
    let a = v.unsigned_abs();
    let mut out = String::with_capacity(32);
    if v < 0 {
        out.push('-');
    }
    push_digits(&mut out, a / 1_000_000_000, 1);
    if !whole {
        out.push('.');
        push_digits(&mut out, a % 1_000_000_000, 9);
    }
    out
}

/// UTC ISO 8601, when the year has four digits.
fn iso_text(v: Instant) -> Option<String> {
    // Whole seconds and the fraction, in 64 bits when they fit (the years 0 to 9999 do).
    let split = i64::try_from(v.div_euclid(1_000_000_000))
        .ok()
        .zip(u32::try_from(v.rem_euclid(1_000_000_000)).ok());
    if let Some((secs, nanos)) = split {
        let (days, day_secs) = (secs.div_euclid(86_400), secs.rem_euclid(86_400));
        let (year, month, day) = civil_from_days(days);
        if (0..=9999).contains(&year) {
            // Digits pushed by hand, not `format!`: a smaller WASM build.
            let mut out = String::with_capacity(30);
            for (n, width, after) in [
                (year, 4, '-'),
                (month, 2, '-'),
                (day, 2, 'T'),
                (day_secs / 3600, 2, ':'),
                (day_secs / 60 % 60, 2, ':'),
                (day_secs % 60, 2, '.'),
            ] {
                push_digits(&mut out, n.unsigned_abs().into(), width);
                out.push(after);
            }
            if nanos == 0 {
                out.pop(); // the '.'
            } else {
                push_digits(&mut out, u128::from(nanos), 9);
                while out.ends_with('0') {
                    out.pop();
                }
            }
            out.push('Z');
            return Some(out);
        }
    }
    None
}

/// Append `n` in decimal, zero-padded to `width` digits. By hand rather than through
/// `Display`: `u128`'s formatting code is 1.5 KB of the WASM build.
pub(crate) fn push_digits(out: &mut String, n: u128, width: usize) {
    let mut buf = [b'0'; 39];
    let mut at = buf.len();
    let mut n = n;
    while n > 0 || at == buf.len() {
        at -= 1;
        if let Some(b) = buf.get_mut(at) {
            *b = b'0' + (n % 10) as u8;
        }
        n /= 10;
    }
    let start = at.min(buf.len().saturating_sub(width));
    out.extend(
        buf.get(start..)
            .unwrap_or_default()
            .iter()
            .map(|&b| char::from(b)),
    );
}

/// The proleptic Gregorian (year, month, day) of a day count since 1970-01-01 (Howard
/// Hinnant's `civil_from_days`). Written out rather than through `chrono`, whose
/// calendar code would grow the WASM build by 3 KB.
fn civil_from_days(days: i64) -> (i64, i64, i64) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097); // [0, 146096]
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365; // [0, 399]
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100); // [0, 365]
    let mp = (5 * doy + 2) / 153; // [0, 11], March first
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    (year, month, day)
}

/// Parse a date value, exactly in the forms spec §3.4 accepts: epoch seconds (a string
/// of digits) or the W3C profile of ISO 8601 (`YYYY`, `YYYY-MM`, `YYYY-MM-DD`,
/// `YYYY-MM-DDThh:mm[:ss[.s…]]TZD`, TZD = `Z` or `±hh:mm`). Anything else (no time
/// zone, `+0100`, a lower-case `t` or `z`, a sign, a fraction of an epoch second,
/// surrounding spaces) is no date: a lint error in a policy, no match in a request.
pub fn parse_date(t: &str) -> Option<Instant> {
    if t.is_empty() {
        return None;
    }
    if t.bytes().all(|b| b.is_ascii_digit()) {
        // A string of digits is epoch seconds (spec §9 row 12), even a 4-digit one.
        return parse_epoch(t);
    }
    parse_iso(t)
}

fn parse_epoch(t: &str) -> Option<Instant> {
    // Leading zeros are digits like any other; the value must fit an instant.
    let digits = t.get(t.bytes().take_while(|&b| b == b'0').count()..)?;
    if digits.len() > 15 {
        return None;
    }
    let s: i128 = if digits.is_empty() {
        0
    } else {
        digits.parse().ok()?
    };
    Some(s * 1_000_000_000)
}

/// A decimal fraction of a second (the digits after `.`, any number of them: the
/// W3C profile sets no limit) in nanoseconds; digits past the ninth are dropped.
fn fraction_nanos(frac: &str) -> Option<u32> {
    let nine = frac.get(..frac.len().min(9))?;
    if nine.is_empty() {
        return Some(0);
    }
    Some(num(nine)? * 10u32.pow(9 - nine.len() as u32))
}

fn num(s: &str) -> Option<u32> {
    if s.is_empty() || !s.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    s.parse().ok()
}

fn parse_iso(t: &str) -> Option<Instant> {
    let (date_part, time_part) = match t.find('T') {
        Some(i) => (t.get(..i)?, Some(t.get(i + 1..)?)),
        None => (t, None),
    };
    let mut it = date_part.split('-');
    let y = it.next()?;
    if y.len() != 4 {
        return None;
    }
    let year = num(y)? as i32;
    let month = match it.next() {
        Some(m) if m.len() == 2 => num(m)?,
        Some(_) => return None,
        None => 1,
    };
    let day = match it.next() {
        Some(d) if d.len() == 2 => num(d)?,
        Some(_) => return None,
        None => 1,
    };
    if it.next().is_some() {
        return None;
    }
    let leap = year % 4 == 0 && (year % 100 != 0 || year % 400 == 0);
    let month_days = match month {
        2 if leap => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        1..=12 => 31,
        _ => return None,
    };
    if !(1..=month_days).contains(&day) {
        return None;
    }
    let days = days_from_civil(i64::from(year), i64::from(month), i64::from(day));
    let ((h, m, s, nanos), offset_secs) = match time_part {
        None => ((0, 0, 0, 0), 0i64),
        Some(tp) => {
            let two = |s: &str| if s.len() == 2 { num(s) } else { None };
            // The time zone is required: `Z` or `±hh:mm`.
            let (clock, offset) = if let Some(c) = tp.strip_suffix('Z') {
                (c, 0i64)
            } else {
                let i = tp.rfind(['+', '-'])?;
                let (c, o) = (tp.get(..i)?, tp.get(i..)?);
                let sign = if o.starts_with('-') { -1 } else { 1 };
                let (oh, om) = o.get(1..)?.split_once(':')?;
                let (oh, om) = (two(oh)?, two(om)?);
                if oh > 23 || om > 59 {
                    return None;
                }
                (c, sign * (i64::from(oh) * 3600 + i64::from(om) * 60))
            };
            let mut parts = clock.split(':');
            let h = two(parts.next()?)?;
            let m = two(parts.next()?)?;
            let (s, nanos) = match parts.next() {
                None => (0, 0),
                Some(sec) => match sec.split_once('.') {
                    Some((s, f)) if !f.is_empty() && f.bytes().all(|b| b.is_ascii_digit()) => {
                        (two(s)?, fraction_nanos(f)?)
                    }
                    Some(_) => return None,
                    None => (two(sec)?, 0),
                },
            };
            // No leap second (`23:59:60`), as in chrono's `from_hms_nano_opt` before.
            if parts.next().is_some() || h > 23 || m > 59 || s > 59 {
                return None;
            }
            ((h, m, s, nanos), offset)
        }
    };
    let secs = days * 86_400 + i64::from(h * 3600 + m * 60 + s) - offset_secs;
    Some(i128::from(secs) * 1_000_000_000 + i128::from(nanos))
}

/// The day count since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's
/// `days_from_civil`, the inverse of [`civil_from_days`]); by hand, not `chrono`, whose
/// calendar tables would grow the WASM build.
fn days_from_civil(year: i64, month: i64, day: i64) -> i64 {
    let y = if month <= 2 { year - 1 } else { year };
    let era = y.div_euclid(400);
    let yoe = y.rem_euclid(400); // [0, 399]
    let mp = (month + 9) % 12; // March = 0
    let doy = (153 * mp + 2) / 5 + day - 1; // [0, 365]
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy; // [0, 146096]
    era * 146_097 + doe - 719_468
}

/// Decode standard or URL-safe base64 (padding optional). `None` when invalid.
pub fn parse_base64(text: &str) -> Option<Vec<u8>> {
    let t = text.trim().trim_end_matches('=');
    let mut out = Vec::with_capacity(t.len() * 3 / 4);
    let mut acc: u32 = 0;
    let mut bits = 0;
    for c in t.bytes() {
        let v = match c {
            b'A'..=b'Z' => c - b'A',
            b'a'..=b'z' => c - b'a' + 26,
            b'0'..=b'9' => c - b'0' + 52,
            b'+' | b'-' => 62,
            b'/' | b'_' => 63,
            _ => return None,
        };
        acc = (acc << 6) | u32::from(v);
        bits += 6;
        if bits >= 8 {
            bits -= 8;
            out.push((acc >> bits) as u8);
            acc &= (1 << bits) - 1;
        }
    }
    if bits >= 6 {
        return None;
    }
    Some(out)
}

/// The "did you mean" distance of two names: optimal string alignment over bytes
/// (insertions, deletions, substitutions and transpositions of adjacent bytes each cost
/// 1, so `"StirngEquals"` is 1 from `"StringEquals"`). One implementation for every
/// suggestion (operators, keys, actions, service principals, config keys). Distances
/// above `max` come back as `max + 1`, cheaply, however long the names.
pub fn edit_distance(a: &str, b: &str, max: usize) -> usize {
    crate::catalog::edit_distance(a.as_bytes(), b.as_bytes(), max)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> Decimal {
        Decimal::parse(s).unwrap()
    }

    #[test]
    fn decimals_compare_exactly() {
        assert_eq!(d("1.2"), d("1.20"));
        assert!(d("1.2") < d("1.21"));
        assert!(d("-1") < d("0"));
        assert!(d("-2") < d("-1.5"));
        assert_eq!(d("0"), d("-0.0"));
        assert_eq!(d("1e3"), d("1000"));
        assert!(d("10") > d("9.999999999999999999"));
        assert!(d("0.001") < d("0.01"));
        assert!(Decimal::parse("abc").is_none());
        assert!(Decimal::parse("1.2.3").is_none());
        assert!(Decimal::parse("").is_none());
        assert!(Decimal::parse(".").is_none());
    }

    #[test]
    fn dates_compare_instants() {
        let a = parse_date("2025-01-01T01:00:00+01:00").unwrap();
        let b = parse_date("2025-01-01T00:00:00Z").unwrap();
        assert_eq!(a, b);
        assert_eq!(
            parse_date("1704067200").unwrap(),
            parse_date("2024-01-01T00:00:00Z").unwrap()
        );
        assert_eq!(
            parse_date("2024-01-01").unwrap(),
            parse_date("2024-01-01T00:00Z").unwrap()
        );
        assert_eq!(
            parse_date("2024-03").unwrap(),
            parse_date("2024-03-01").unwrap()
        );
        assert!(
            parse_date("2024-01-01T00:00:00.5Z").unwrap()
                > parse_date("2024-01-01T00:00:00Z").unwrap()
        );
        // Any number of fraction digits (the W3C profile sets no limit); past the
        // ninth they are below a nanosecond.
        assert_eq!(
            parse_date("2025-06-01T00:00:00.1234567891Z"),
            parse_date("2025-06-01T00:00:00.123456789Z")
        );
        assert_eq!(
            parse_date("2025-06-01T00:00:00.120Z").unwrap()
                - parse_date("2025-06-01T00:00:00Z").unwrap(),
            120_000_000
        );
        // Only the forms spec §3.4 lists: epoch seconds are digits, a time has a zone.
        for odd in [
            "1.0000000005",
            "-1",
            "1735689600.5",
            " 1735689600",
            "2025-01-01T00:00:00",
            "2025-01-01T00:00:00+0100",
            "2025-01-01T00:00:00+01",
            "2025-01-01t00:00:00z",
            "2025-01-01T0:00:00Z",
            "2025-01-01 ",
        ] {
            assert_eq!(parse_date(odd), None, "{odd}");
        }
        assert_eq!(parse_date("0001735689600"), parse_date("1735689600"));
        assert_eq!(
            parse_date("2025-01-01T00:00+01:00"),
            parse_date("2024-12-31T23:00:00Z")
        );
        assert!(parse_date("2025-06-01T00:00:00.Z").is_none());
        assert!(parse_date("2025-06-01T00:00:00.1x2Z").is_none());
        assert!(parse_date("2024-13-01").is_none());
        assert!(parse_date("yesterday").is_none());
        assert!(parse_date("").is_none());
    }

    #[test]
    fn the_calendar_agrees_with_chrono() {
        use chrono::{Datelike, NaiveDate};
        // Every day of 0000-01-01 ..= 9999-12-31 (the four-digit years ISO dates have),
        // both ways, and the invalid days around month ends.
        let mut d = NaiveDate::from_ymd_opt(0, 1, 1).unwrap();
        let end = NaiveDate::from_ymd_opt(9999, 12, 31).unwrap();
        loop {
            let days = (d - NaiveDate::from_ymd_opt(1970, 1, 1).unwrap()).num_days();
            let (y, m, dd) = (
                i64::from(d.year()),
                i64::from(d.month()),
                i64::from(d.day()),
            );
            assert_eq!(days_from_civil(y, m, dd), days, "{d}");
            assert_eq!(civil_from_days(days), (y, m, dd), "{d}");
            if d == end {
                break;
            }
            d = d.succ_opt().unwrap();
        }
        for (y, m) in [
            (1900, 2),
            (2000, 2),
            (2023, 2),
            (2024, 2),
            (2024, 4),
            (2024, 12),
        ] {
            for day in 27..=32 {
                let text = format!("{y:04}-{m:02}-{day:02}T00:00:00Z");
                assert_eq!(
                    parse_date(&text).is_some(),
                    NaiveDate::from_ymd_opt(y, m, day).is_some(),
                    "{text}"
                );
            }
        }
        assert!(parse_date("2024-01-01T23:59:60Z").is_none());
        assert!(parse_date("2024-01-01T24:00:00Z").is_none());
        assert!(parse_date("2024-01-01T12:60Z").is_none());
    }

    #[test]
    fn date_text_reads_back_to_the_same_instant() {
        assert_eq!(
            date_text(1_577_836_799_000_000_000, true),
            "2019-12-31T23:59:59Z"
        );
        assert_eq!(date_text(1_577_836_799_000_000_000, false), "1577836799");
        // A fraction of a second has no epoch spelling: ISO 8601 holds it.
        assert_eq!(date_text(1_500_000_000, false), "1970-01-01T00:00:01.5Z");
        assert_eq!(date_text(1_500_000_000, true), "1970-01-01T00:00:01.5Z");
        assert_eq!(date_text(-1, true), "1969-12-31T23:59:59.999999999Z");
        // Years without four digits have no ISO spelling `parse_date` reads: epoch seconds.
        let far = 400_000_000_000 * 1_000_000_000;
        assert_eq!(date_text(far, true), "400000000000");
        // Before the year 0 no accepted form spells an instant: the text reads as no date.
        let before_year_0 = -70_000_000_000 * 1_000_000_000;
        assert_eq!(date_text(before_year_0, true), "-70000000000.000000000");
        assert_eq!(parse_date(&date_text(before_year_0, true)), None);
        // Every instant comes back exactly, both spellings, across the ranges that matter.
        let mut state: u64 = 0x9e37_79b9_7f4a_7c15;
        for i in 0..20_000 {
            // xorshift64*, two draws for 128 bits.
            let mut draw = || {
                state ^= state >> 12;
                state ^= state << 25;
                state ^= state >> 27;
                state.wrapping_mul(0x2545_f491_4f6c_dd1d)
            };
            let x = i128::from(draw()) << 36 | i128::from(draw() >> 28);
            let v = match i % 4 {
                0 => x % 1_000_000_000,
                1 => x % (253_402_300_800 * 1_000_000_000), // up to the year 9999
                2 => -(x % (62_167_219_200 * 1_000_000_000)), // back to the year 0
                // Anything epoch seconds can spell (at most 15 digits).
                _ => {
                    (x % (2 * 999_999_999_999_999 * 1_000_000_000))
                        - 999_999_999_999_999 * 1_000_000_000
                }
            };
            // Spelt exactly by epoch seconds (a whole second from 1970 on) or by ISO
            // 8601 (the years 0 to 9999), else by nothing.
            let spelt = (v >= 0 && v % 1_000_000_000 == 0)
                || (-62_167_219_200 * 1_000_000_000..253_402_300_800 * 1_000_000_000).contains(&v);
            for iso in [true, false] {
                let t = date_text(v, iso);
                let want = spelt.then_some(v);
                assert_eq!(parse_date(&t), want, "{v} as {t}");
            }
        }
    }

    #[test]
    fn base64_decodes() {
        assert_eq!(
            parse_base64("QmluYXJ5VmFsdWVJbkJhc2U2NA==").unwrap(),
            b"BinaryValueInBase64"
        );
        assert_eq!(parse_base64("YQ").unwrap(), b"a");
        assert!(parse_base64("a!b").is_none());
        assert!(parse_base64("Y").is_none());
    }

    #[test]
    fn edit_distances() {
        assert_eq!(edit_distance("kitten", "sitting", 9), 3);
        assert_eq!(edit_distance("", "abc", 9), 3);
        assert_eq!(edit_distance("same", "same", 9), 0);
        // A swap of two neighbours is one edit.
        assert_eq!(edit_distance("StirngEquals", "StringEquals", 9), 1);
    }
}
