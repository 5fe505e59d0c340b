//! `policycheck diff`: the access a new policy grants that the old one did not (and,
//! for information, the access it removes), per access level and caller class, each
//! with a witness request allowed by one and denied by the other.

use policycheck_core::public::{
    analyze_new_access_with, scopes, AnalysisOptions, LevelAccess, PublicAccess, Scope, Verdict,
};
use policycheck_core::{Policy, PolicyKind, Span};
use serde::Serialize;

/// One change of access.
#[derive(Clone, Debug, Serialize)]
pub struct Change {
    /// `read` or `write`.
    pub level: &'static str,
    /// The finer levels the witnesses show (`Read`, `List`, `Write`, `Permissions management`, `Tagging`).
    pub access_levels: Vec<&'static str>,
    /// `public`, `account:ACCOUNT` or `service:NAME`.
    pub caller: String,
    /// The statements (of the policy that grants it) responsible, Sid or `#index`.
    pub statements: Vec<String>,
    /// Those statements' indexes, to locate findings.
    #[serde(skip)]
    pub statement_indexes: Vec<usize>,
    /// A request the granting policy allows and the other denies, in `policycheck eval`
    /// form (`null` when the analysis found none to show).
    pub witness: Option<policycheck_core::Request>,
    /// The actions concerned.
    pub actions: Vec<String>,
}

/// Access that could not be decided: treated as new when it is public (fail closed).
#[derive(Clone, Debug, Serialize)]
pub struct Undecided {
    pub level: &'static str,
    pub caller: String,
    pub reasons: Vec<String>,
}

/// The difference between two policies.
#[derive(Clone, Debug, Default, Serialize)]
pub struct DiffReport {
    pub added: Vec<Change>,
    pub removed: Vec<Change>,
    /// New access that could not be ruled out.
    pub unknown: Vec<Undecided>,
}

impl DiffReport {
    /// Whether something new is granted to `threshold`'s callers: `public` (the public
    /// only) or `any` caller. Undecided public access counts as new.
    pub fn has_new(&self, any: bool) -> bool {
        let counts = |caller: &str| any || caller == "public";
        self.added.iter().any(|c| counts(&c.caller))
            || self.unknown.iter().any(|u| counts(&u.caller))
    }
}

/// A policy with no statements: what a file that does not exist allows (nothing).
pub fn empty_policy() -> Policy {
    Policy {
        kind: PolicyKind::Resource,
        version: None,
        id: None,
        statements: Vec::new(),
        span: Span::default(),
        statement_key_span: None,
    }
}

fn changes(
    granting: &Policy,
    access: &PublicAccess,
    scope: &Scope,
    out: &mut Vec<Change>,
    unknown: Option<&mut Vec<Undecided>>,
) {
    let mut unknown = unknown;
    for (name, level) in [("read", &access.read), ("write", &access.write)] {
        match level.verdict {
            Verdict::Public => out.push(change(granting, name, level, scope)),
            Verdict::Unknown => {
                if let Some(u) = unknown.as_deref_mut() {
                    u.push(Undecided {
                        level: name,
                        caller: scope.label(),
                        reasons: level.unknown.clone(),
                    });
                }
            }
            Verdict::NotPublic => {}
        }
    }
}

fn change(granting: &Policy, name: &'static str, level: &LevelAccess, scope: &Scope) -> Change {
    let mut indexes: Vec<usize> = level.witnesses.iter().map(|w| w.granted_by_index).collect();
    policycheck_core::collections::sort_dedup(&mut indexes);
    Change {
        level: name,
        access_levels: level.witnesses.iter().map(|w| w.level.as_str()).collect(),
        caller: scope.label(),
        statements: indexes
            .iter()
            .filter_map(|i| granting.statements.get(*i))
            .map(policycheck_core::Statement::id)
            .collect(),
        statement_indexes: indexes,
        witness: level.witnesses.first().map(|w| w.request.clone()),
        actions: level.public_actions.clone(),
    }
}

/// What `new` grants that `old` did not, and what it takes away.
pub fn diff(old: &Policy, new: &Policy) -> DiffReport {
    diff_with(old, new, AnalysisOptions::default())
}

/// [`diff`] under the readings of the spec `options` chooses (`policycheck.toml`'s
/// `userid-role-pattern`), as `lint` would use them.
pub fn diff_with(old: &Policy, new: &Policy, options: AnalysisOptions) -> DiffReport {
    let mut report = DiffReport::default();
    for scope in scopes(old, new) {
        let added = analyze_new_access_with(new, old, &scope, options);
        changes(
            new,
            &added,
            &scope,
            &mut report.added,
            Some(&mut report.unknown),
        );
        let removed = analyze_new_access_with(old, new, &scope, options);
        changes(old, &removed, &scope, &mut report.removed, None);
    }
    report
}

#[cfg(test)]
mod tests {
    use super::*;
    use policycheck_core::parse_policy;

    fn p(statements: &str) -> Policy {
        parse_policy(&format!(
            r#"{{"Version": "2012-10-17", "Statement": [{statements}]}}"#
        ))
        .policy
        .unwrap()
    }

    #[test]
    fn a_new_file_adds_everything_and_a_deleted_one_removes_it() {
        let site = p(
            r#"{"Sid": "Site", "Effect": "Allow", "Principal": "*", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::b/*"}"#,
        );
        let d = diff(&empty_policy(), &site);
        assert_eq!(d.added.len(), 1);
        assert_eq!(d.added[0].caller, "public");
        assert_eq!(d.added[0].statements, vec!["Site".to_string()]);
        assert!(d.has_new(false));
        let gone = diff(&site, &empty_policy());
        assert!(gone.added.is_empty());
        assert_eq!(gone.removed.len(), 1);
        assert!(!gone.has_new(true));
    }

    #[test]
    fn cross_account_changes_are_reported_per_account() {
        let old = p(
            r#"{"Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::444455556666:role/Reader"}, "Action": "s3:GetObject", "Resource": "arn:aws:s3:::b/*"}"#,
        );
        let new = p(
            r#"{"Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::444455556666:role/Reader"}, "Action": ["s3:GetObject", "s3:PutObject"], "Resource": "arn:aws:s3:::b/*"}"#,
        );
        let d = diff(&old, &new);
        assert_eq!(d.added.len(), 1, "{:?}", d.added);
        assert_eq!(d.added[0].caller, "account:444455556666");
        assert_eq!(d.added[0].level, "write");
        assert!(!d.has_new(false), "not public");
        assert!(d.has_new(true));
    }

    #[test]
    fn home_folders_changes_are_decided_with_variables_in_resource() {
        let list = r#"{"Sid": "List", "Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::111122223333:root"},
            "Action": "s3:ListBucket", "Resource": "arn:aws:s3:::home",
            "Condition": {"StringLike": {"s3:prefix": ["home/${aws:username}/*"]}}}"#;
        let rw = r#"{"Sid": "Own", "Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::111122223333:root"},
            "Action": ["s3:GetObject", "s3:PutObject"], "Resource": "arn:aws:s3:::home/home/${aws:username}/*"}"#;
        let old = p(&format!("{list}, {rw}"));
        let new = p(&format!(
            "{list}, {}",
            rw.replace(
                r#""s3:PutObject"]"#,
                r#""s3:PutObject", "s3:PutObjectAcl"]"#
            )
        ));
        let d = diff(&old, &new);
        // The new write access is found, with a request whose user name and key agree...
        assert_eq!(d.added.len(), 1, "{:?}", d.added);
        assert_eq!(d.added[0].level, "write");
        assert_eq!(d.added[0].actions, vec!["s3:PutObjectAcl".to_string()]);
        let w = d.added[0].witness.as_ref().map(|w| w.to_json()).unwrap();
        let user = w["context"]["aws:username"]
            .as_str()
            .unwrap_or_default()
            .to_string();
        assert!(!user.is_empty(), "{w}");
        let resource = w["resource"].as_str().unwrap_or_default();
        assert!(
            resource.starts_with(&format!("arn:aws:s3:::home/home/{user}/")),
            "{w}"
        );
        // ...and read access, which the change did not touch, is not left undecided.
        assert!(d.unknown.is_empty(), "{:?}", d.unknown);
    }
}
