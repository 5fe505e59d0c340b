//! PC303 `action-resource-mismatch`: an action that applies to none of the statement's
//! resources (`s3:GetObject` on the bucket ARN, `s3:ListBucket` on `bucket/*`).

use crate::context::{per_text, LintContext};
use crate::registry::RuleMeta;
use crate::rules::correctness::{has_wildcard, s3_arn, without_variables};
use policycheck_core::catalog::{
    matching_actions, resource_type_of_arn, ActionInfo, ResourceType, S3_ACTIONS,
};
use policycheck_core::{Code, Diagnostic, Severity};

pub const RULE: RuleMeta = RuleMeta {
    code: Code {
        code: "PC303",
        name: "action-resource-mismatch",
        severity: Severity::Error,
        summary: crate::registry::rule_summary!("an action that applies to none of the statement's resources, such as `s3:GetObject` on a bucket ARN"),
    },
    since: "0.1.0",
    docs: crate::registry::rule_docs!("../docs/PC303-action-resource-mismatch.md"),
    tags: &["correctness", "s3"],
    security_severity: None,
    check: Some(check),
};

/// The resource types an ARN pattern can match (one, or two when a wildcard reaches
/// objects too); `None` when it cannot be typed. A wildcard in the resource part of a
/// bucket or access-point ARN also reaches objects, since `*` matches `/`.
fn resource_types(text: &str) -> Option<[Option<ResourceType>; 2]> {
    let plain = without_variables(text);
    // `arn:aws:s3:::bucket/` (a slash, no key) is an object ARN that no object has
    // (keys are never empty), not the bucket: typed an object, so `s3:ListBucket` on it
    // is reported.
    let ty = resource_type_of_arn(&plain).or_else(|| {
        let bucket = plain.strip_suffix('/')?;
        (resource_type_of_arn(bucket)? == ResourceType::Bucket).then_some(ResourceType::Object)
    })?;
    let reaches_objects = matches!(
        ty,
        ResourceType::Bucket | ResourceType::AccessPoint | ResourceType::MultiRegionAccessPoint
    ) && {
        // Variables may appear only after the fifth `:`, so splitting the text as written is safe.
        let (parts, _) = policycheck_core::catalog::split_arn(text);
        has_wildcard(parts[5])
    };
    Some([Some(ty), reaches_objects.then_some(ResourceType::Object)])
}

/// "objects", "buckets", …
fn plural(t: ResourceType) -> &'static str {
    match t {
        ResourceType::Bucket => "buckets",
        ResourceType::Object => "objects",
        ResourceType::AccessPoint => "access points",
        ResourceType::ObjectLambdaAccessPoint => "Object Lambda access points",
        ResourceType::MultiRegionAccessPoint => "Multi-Region Access Points",
        ResourceType::MultiRegionAccessPointRequestArn => "Multi-Region Access Point requests",
        ResourceType::Job => "Batch Operations jobs",
        ResourceType::StorageLensConfiguration => "Storage Lens configurations",
        ResourceType::StorageLensGroup => "Storage Lens groups",
        ResourceType::AccessGrantsInstance => "Access Grants instances",
        ResourceType::AccessGrantsLocation => "Access Grants locations",
        ResourceType::AccessGrant => "access grants",
    }
}

/// "objects", "buckets and objects", "buckets, objects and jobs".
fn kinds(types: &[ResourceType]) -> String {
    // `String`s: `[&str]::join` would link a second copy of `join` into the WASM build.
    let names: Vec<String> = types.iter().map(|t| plural(*t).to_string()).collect();
    match names.as_slice() {
        [] => "nothing".into(),
        [one] => one.clone(),
        [init @ .., last] => format!("{} and {last}", init.join(", ")),
    }
}

/// PC303
fn check(ctx: &LintContext<'_>, out: &mut Vec<Diagnostic>) {
    // The types of each distinct resource text (statements repeat the same few ARNs).
    let mut seen = Vec::new();
    // One list for all statements, emptied for each: no allocation per statement.
    let mut present: Vec<ResourceType> = Vec::new();
    for st in &ctx.policy.statements {
        let (Some(action), Some(resource)) = (&st.action, &st.resource) else {
            continue;
        };
        if action.negated || resource.negated {
            continue;
        }
        present.clear();
        let typed = resource.items.iter().all(|item| {
            match per_text(&mut seen, &item.text.value, resource_types) {
                Some(types) => {
                    present.extend(types.into_iter().flatten());
                    true
                }
                None => false,
            }
        });
        if !typed || present.is_empty() {
            continue;
        }
        policycheck_core::collections::sort_dedup(&mut present);
        // (action item, the types its actions apply to) for each action that applies to none.
        let mut misses = Vec::new();
        let mut all_checked_and_missed = true;
        let indices = ctx.action_indices(st);
        for (k, item) in action.items.iter().enumerate() {
            // The catalogue indices of the S3 actions the item names (the expansion of a
            // wildcard is cached by the catalogue; nothing is copied here).
            let expanded;
            let literal;
            let found: &[usize] = if item.pattern.has_wildcards() {
                // The service (the text before the first `:`) is `s3`, in any case.
                if matches!(item.text.value.as_bytes(), [s, b'3', b':', ..] if s.eq_ignore_ascii_case(&b's'))
                {
                    expanded = matching_actions(&item.pattern);
                    &expanded
                } else {
                    &[]
                }
            } else {
                literal = indices.get(k).copied().flatten();
                literal.as_slice()
            };
            let infos = || found.iter().filter_map(|i| S3_ACTIONS.get(*i));
            if found.is_empty() {
                // `*`, another service or an unknown name: it may apply, so no error.
                all_checked_and_missed = false;
                continue;
            }
            if infos().any(|a: &ActionInfo| present.iter().any(|r| a.applies_to(*r))) {
                all_checked_and_missed = false;
                continue;
            }
            let mut wanted: Vec<ResourceType> =
                infos().flat_map(|a| a.resources.iter().copied()).collect();
            policycheck_core::collections::sort_dedup(&mut wanted);
            misses.push((item, wanted));
        }
        for (item, wanted) in misses {
            let text = &item.text.value;
            // Name the bucket/object types when the action has them; other types only otherwise.
            let core: Vec<ResourceType> = wanted
                .iter()
                .copied()
                .filter(|t| matches!(t, ResourceType::Bucket | ResourceType::Object))
                .collect();
            let shown = if core.is_empty() { &wanted } else { &core };
            let message = if wanted.is_empty() {
                format!("`{text}` cannot be granted on a bucket or object: it applies only to `\"Resource\": \"*\"`")
            } else {
                format!(
                    "`{text}` applies to {}, but `Resource` names only {}",
                    kinds(shown),
                    kinds(&present)
                )
            };
            let mut fix = None;
            if wanted.contains(&ResourceType::Object) {
                // Add the objects of a bucket the statement names.
                fix = resource.items.iter().find_map(|r| {
                    let arn = s3_arn(&r.text.value)?;
                    arn.key.is_none().then(|| {
                        format!(
                            "add the bucket's objects to `Resource`: `{}/*`",
                            r.text.value
                        )
                    })
                });
            }
            if fix.is_none() && wanted.contains(&ResourceType::Bucket) {
                // Add the bucket of an object the statement names; a bucket ARN with a
                // trailing `/` is said to be no bucket.
                fix = resource.items.iter().find_map(|r| {
                    let arn = s3_arn(&r.text.value)?;
                    let key = arn.key?;
                    let bucket = format!("arn:{}:s3:::{}", arn.partition, arn.bucket);
                    Some(if key.is_empty() {
                        format!(
                            "`{}` is no bucket: after the `/` comes an object key, and an empty one names no object either; write the bucket as `{bucket}`",
                            r.text.value
                        )
                    } else {
                        format!("add the bucket itself to `Resource`: `{bucket}`")
                    })
                });
            }
            let fix = fix.unwrap_or_else(|| {
                if wanted.is_empty() {
                    format!("remove `{text}` from this statement; a bucket policy cannot grant it")
                } else {
                    format!(
                        "grant `{text}` on {} in `Resource`, or remove it from this statement",
                        kinds(&wanted)
                    )
                }
            });
            let (label, why) = if all_checked_and_missed {
                (
                    "applies to none of the statement's resources",
                    "; S3 rejects a statement whose actions apply to none of its resources (\"Action does not apply to any resource(s) in statement\")",
                )
            } else {
                ("grants nothing in this statement", "")
            };
            let mut d = ctx
                .finding(&RULE, item.text.span, message)
                .with_label(label)
                .and_label(resource.span, format!("only {}", kinds(&present)))
                .with_help(format!("{fix}{why}"));
            if !all_checked_and_missed {
                d = d.with_severity(Severity::Warning);
            }
            out.push(d);
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::{lint, LintOptions};
    use policycheck_core::{Diagnostic, Severity};

    fn found(actions: &str, resources: &str) -> Vec<Diagnostic> {
        let text = format!(
            r#"{{"Version":"2012-10-17","Statement":[{{"Effect":"Allow","Principal":{{"AWS":"111122223333"}},"Action":{actions},"Resource":{resources}}}]}}"#
        );
        lint(&text, &LintOptions::default())
            .diagnostics
            .into_iter()
            .filter(|d| d.code == "PC303")
            .collect()
    }

    #[test]
    fn a_bucket_arn_with_a_trailing_slash_is_no_bucket() {
        let d = found(r#""s3:ListBucket""#, r#""arn:aws:s3:::example-bucket/""#);
        assert_eq!(d.len(), 1, "{d:?}");
        assert!(
            d[0].message.contains("names only objects"),
            "{}",
            d[0].message
        );
        let help = d[0].help.as_deref().unwrap();
        assert!(help.contains("`arn:aws:s3:::example-bucket`"), "{help}");
        // The bucket itself is fine.
        assert!(found(r#""s3:ListBucket""#, r#""arn:aws:s3:::example-bucket""#).is_empty());
    }

    #[test]
    fn object_action_on_bucket_arn_is_an_error() {
        let d = found(r#""s3:GetObject""#, r#""arn:aws:s3:::b""#);
        assert_eq!(d.len(), 1);
        assert_eq!(d[0].severity, Severity::Error);
        assert_eq!(
            d[0].message,
            "`s3:GetObject` applies to objects, but `Resource` names only buckets"
        );
        assert!(d[0]
            .help
            .as_deref()
            .unwrap()
            .starts_with("add the bucket's objects to `Resource`: `arn:aws:s3:::b/*`"));
    }

    #[test]
    fn bucket_action_next_to_object_action_is_a_warning() {
        let d = found(
            r#"["s3:GetObject","s3:ListBucket"]"#,
            r#""arn:aws:s3:::b/*""#,
        );
        assert_eq!(d.len(), 1);
        assert_eq!(d[0].severity, Severity::Warning);
        assert!(d[0]
            .help
            .as_deref()
            .unwrap()
            .starts_with("add the bucket itself to `Resource`: `arn:aws:s3:::b`"));
    }

    #[test]
    fn wildcard_patterns_count_when_any_expansion_applies() {
        assert!(found(r#""s3:*""#, r#""arn:aws:s3:::b/*""#).is_empty());
        assert!(found(r#""s3:List*""#, r#""arn:aws:s3:::b/*""#).is_empty());
        assert_eq!(found(r#""s3:GetObject*""#, r#""arn:aws:s3:::b""#).len(), 1);
    }

    #[test]
    fn matching_and_untypable_resources_pass() {
        assert!(found(
            r#"["s3:GetObject","s3:ListBucket"]"#,
            r#"["arn:aws:s3:::b","arn:aws:s3:::b/*"]"#
        )
        .is_empty());
        assert!(found(r#""s3:GetObject""#, r#""*""#).is_empty());
        assert!(found(r#""s3:GetObject""#, r#""arn:aws:s3:::b*""#).is_empty());
        assert!(found(r#""s3:GetObject""#, r#""arn:aws:s3:::b/${aws:username}""#).is_empty());
        assert!(found(r#""s3:ListBucket""#, r#""arn:aws:s3:::${aws:username}""#).is_empty());
    }
}
