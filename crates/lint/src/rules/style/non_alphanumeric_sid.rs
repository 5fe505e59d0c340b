//! PC402 `non-alphanumeric-sid`: a `Sid` with characters other than ASCII letters and digits.

use crate::context::LintContext;
use crate::registry::RuleMeta;
use policycheck_core::{Code, Diagnostic, Severity};

pub const RULE: RuleMeta = RuleMeta {
    code: Code {
        code: "PC402",
        name: "non-alphanumeric-sid",
        severity: Severity::Note,
        summary: crate::registry::rule_summary!("a `Sid` with characters other than letters and digits, which IAM identity policies reject"),
    },
    since: "0.1.0",
    docs: crate::registry::rule_docs!("../docs/PC402-non-alphanumeric-sid.md"),
    tags: &["style"],
    security_severity: None,
    check: Some(check),
};

/// An ASCII spelling of a common accented Latin letter (`ü` → `ue`), if it has one.
fn ascii_letters(c: char) -> Option<&'static str> {
    Some(match c {
        'ä' => "ae",
        'ö' => "oe",
        'ü' => "ue",
        'Ä' => "Ae",
        'Ö' => "Oe",
        'Ü' => "Ue",
        'ß' => "ss",
        'à' | 'á' | 'â' | 'ã' | 'å' | 'ā' => "a",
        'À' | 'Á' | 'Â' | 'Ã' | 'Å' | 'Ā' => "A",
        'æ' => "ae",
        'Æ' => "Ae",
        'ç' | 'č' | 'ć' => "c",
        'Ç' | 'Č' | 'Ć' => "C",
        'è' | 'é' | 'ê' | 'ë' | 'ē' | 'ę' | 'ě' => "e",
        'È' | 'É' | 'Ê' | 'Ë' | 'Ē' | 'Ę' | 'Ě' => "E",
        'ì' | 'í' | 'î' | 'ï' | 'ī' => "i",
        'Ì' | 'Í' | 'Î' | 'Ï' | 'Ī' => "I",
        'ñ' | 'ń' | 'ň' => "n",
        'Ñ' | 'Ń' | 'Ň' => "N",
        'ò' | 'ó' | 'ô' | 'õ' | 'ø' | 'ō' => "o",
        'Ò' | 'Ó' | 'Ô' | 'Õ' | 'Ø' | 'Ō' => "O",
        'œ' => "oe",
        'Œ' => "Oe",
        'ù' | 'ú' | 'û' | 'ū' | 'ů' => "u",
        'Ù' | 'Ú' | 'Û' | 'Ū' | 'Ů' => "U",
        'ý' | 'ÿ' => "y",
        'Ý' => "Y",
        'š' | 'ś' => "s",
        'Š' | 'Ś' => "S",
        'ž' | 'ź' | 'ż' => "z",
        'Ž' | 'Ź' | 'Ż' => "Z",
        'ł' => "l",
        'Ł' => "L",
        'ř' => "r",
        'Ř' => "R",
        _ => return None,
    })
}

/// `allow read-only` → `AllowReadOnly`, `Bücher` → `Buecher`: accented letters spelt
/// in ASCII, then the ASCII letters and digits, each run capitalised.
fn suggestion(sid: &str) -> String {
    let spelt: String = sid
        .chars()
        .map(|c| ascii_letters(c).map_or_else(|| c.to_string(), str::to_string))
        .collect();
    spelt
        .split(|c: char| !c.is_ascii_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(|w| {
            let mut cs = w.chars();
            cs.next()
                .map(|c| c.to_ascii_uppercase().to_string() + cs.as_str())
                .unwrap_or_default()
        })
        .collect()
}

fn describe(c: char) -> String {
    match c {
        ' ' => "spaces".to_string(),
        c if c.is_control() => format!("U+{:04X}", c as u32),
        c => format!("`{c}`"),
    }
}

/// PC402
fn check(ctx: &LintContext<'_>, out: &mut Vec<Diagnostic>) {
    for st in &ctx.policy.statements {
        let Some(sid) = &st.sid else { continue };
        let mut bad: Vec<char> = Vec::new();
        for c in sid.value.chars().filter(|c| !c.is_ascii_alphanumeric()) {
            if !bad.contains(&c) {
                bad.push(c);
            }
        }
        if bad.is_empty() {
            continue;
        }
        let listed = match bad.as_slice() {
            [one] => describe(*one),
            [init @ .., last] => format!(
                "{} and {}",
                init.iter()
                    .map(|c| describe(*c))
                    .collect::<Vec<_>>()
                    .join(", "),
                describe(*last)
            ),
            [] => String::new(),
        };
        let fixed = suggestion(&sid.value);
        let help = if fixed.is_empty() {
            "use only the letters A–Z, a–z and the digits 0–9; S3 accepts other characters, IAM identity policies do not".to_string()
        } else {
            format!("write `{fixed}`: S3 accepts other characters, but IAM identity policies allow only A–Z, a–z and 0–9, so the statement cannot be reused there")
        };
        out.push(
            ctx.finding(
                &RULE,
                sid.span,
                format!("`Sid` `{}` contains {listed}", sid.value),
            )
            .with_label("not only letters and digits")
            .with_help(help),
        );
    }
}

#[cfg(test)]
mod tests {
    use crate::{lint, LintOptions};

    fn messages(sid: &str) -> Vec<(String, Option<String>)> {
        let text = format!(
            r#"{{"Version": "2012-10-17", "Statement": [{{"Sid": {sid}, "Effect": "Deny", "Principal": "*", "Action": "s3:*", "Resource": "*"}}]}}"#
        );
        lint(&text, &LintOptions::default())
            .diagnostics
            .into_iter()
            .filter(|d| d.code == "PC402")
            .map(|d| (d.message, d.help))
            .collect()
    }

    #[test]
    fn accented_letters_are_spelt_in_ascii_in_the_fix() {
        assert_eq!(super::suggestion("Bücher😀"), "Buecher");
        assert_eq!(super::suggestion("café read-only"), "CafeReadOnly");
        assert_eq!(super::suggestion("😀"), "");
    }

    #[test]
    fn alphanumeric_sids_pass() {
        assert!(messages(r#""DenyInsecure2""#).is_empty());
        assert!(messages(r#""""#).is_empty());
    }

    #[test]
    fn other_characters_are_listed_and_a_fix_suggested() {
        let m = messages(r#""deny insecure-transport""#);
        assert_eq!(m.len(), 1);
        assert_eq!(
            m[0].0,
            "`Sid` `deny insecure-transport` contains spaces and `-`"
        );
        assert!(m[0]
            .1
            .as_deref()
            .unwrap()
            .starts_with("write `DenyInsecureTransport`"));
        let m = messages(r#""a_b.c_d""#);
        assert_eq!(m[0].0, "`Sid` `a_b.c_d` contains `_` and `.`");
        let m = messages(r#""--""#);
        assert!(m[0].1.as_deref().unwrap().starts_with("use only"));
    }
}
