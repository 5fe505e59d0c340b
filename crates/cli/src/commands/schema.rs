//! `policycheck schema`: a JSON Schema (draft-07, for VS Code and yaml-language-server)
//! for S3 bucket policy files, generated with schemars from types that mirror the
//! grammar of spec §1. `policycheck lint` is authoritative; the schema helps editors.

use schemars::{generate::SchemaSettings, JsonSchema};
use serde::Deserialize;
use serde_json::{json, Value};
use std::collections::BTreeMap;
use std::process::ExitCode;

/// One value or a non-empty list of them.
#[derive(Deserialize, JsonSchema)]
#[serde(untagged)]
#[allow(dead_code)] // only its schema is used
enum OneOrMany<T> {
    One(T),
    Many(#[schemars(length(min = 1))] Vec<T>),
}

#[derive(Deserialize, JsonSchema)]
#[allow(dead_code)]
enum PolicyVersion {
    /// The current policy language: needed for policy variables such as `${aws:username}`.
    #[serde(rename = "2012-10-17")]
    Current,
    /// The legacy version (also what a missing Version means): variables are literal text.
    #[serde(rename = "2008-10-17")]
    Legacy,
}

#[derive(Deserialize, JsonSchema)]
#[allow(dead_code)]
enum EffectValue {
    Allow,
    Deny,
}

/// `"*"` (everyone), or principals by type.
#[derive(Deserialize, JsonSchema)]
#[serde(untagged)]
#[allow(dead_code)]
enum PrincipalValue {
    Everyone(EveryoneStar),
    ByType(PrincipalMap),
}

#[derive(Deserialize, JsonSchema)]
#[allow(dead_code)]
enum EveryoneStar {
    #[serde(rename = "*")]
    Star,
}

#[derive(Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[allow(dead_code)]
struct PrincipalMap {
    /// Account ids, `arn:aws:iam::ACCOUNT:root|user/…|role/…`, `arn:aws:sts::ACCOUNT:assumed-role/ROLE/SESSION`, or `*`.
    #[serde(rename = "AWS")]
    aws: Option<OneOrMany<String>>,
    /// Service principals such as `cloudfront.amazonaws.com`.
    #[serde(rename = "Service")]
    service: Option<OneOrMany<String>>,
    /// Web-identity or SAML providers.
    #[serde(rename = "Federated")]
    federated: Option<OneOrMany<String>>,
    /// S3 canonical user ids (64 hex characters).
    #[serde(rename = "CanonicalUser")]
    canonical_user: Option<OneOrMany<String>>,
}

/// A condition value: a string, number or boolean.
#[derive(Deserialize, JsonSchema)]
#[serde(untagged)]
#[allow(dead_code)]
enum ConditionScalar {
    Text(String),
    Number(f64),
    Flag(bool),
}

#[derive(Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[allow(dead_code)]
struct Statement {
    /// Statement id: reports name the statement by it.
    #[serde(rename = "Sid")]
    sid: Option<String>,
    #[serde(rename = "Effect")]
    effect: EffectValue,
    /// Who the statement applies to (required in bucket policies).
    #[serde(rename = "Principal")]
    principal: Option<PrincipalValue>,
    /// Everyone except these (only sensible with Deny).
    #[serde(rename = "NotPrincipal")]
    not_principal: Option<PrincipalValue>,
    /// Actions such as `s3:GetObject`; `*` and `?` are wildcards.
    #[serde(rename = "Action")]
    action: Option<OneOrMany<String>>,
    /// Every action except these.
    #[serde(rename = "NotAction")]
    not_action: Option<OneOrMany<String>>,
    /// ARNs such as `arn:aws:s3:::BUCKET/*`.
    #[serde(rename = "Resource")]
    resource: Option<OneOrMany<String>>,
    /// Every resource except these.
    #[serde(rename = "NotResource")]
    not_resource: Option<OneOrMany<String>>,
    /// `{operator: {key: value or [values]}}`.
    #[serde(rename = "Condition")]
    condition: Option<BTreeMap<String, BTreeMap<String, OneOrMany<ConditionScalar>>>>,
}

/// An Amazon S3 bucket policy. `policycheck lint` is authoritative: it also checks
/// operators, keys, actions and public access.
#[derive(Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(title = "Amazon S3 bucket policy")]
#[allow(dead_code)]
struct BucketPolicy {
    #[serde(rename = "Version")]
    version: Option<PolicyVersion>,
    #[serde(rename = "Id")]
    id: Option<String>,
    #[serde(rename = "Statement")]
    statement: OneOrMany<Statement>,
}

const OPERATORS: &str = "StringEquals|StringNotEquals|StringEqualsIgnoreCase|StringNotEqualsIgnoreCase|StringLike|StringNotLike|NumericEquals|NumericNotEquals|NumericLessThan|NumericLessThanEquals|NumericGreaterThan|NumericGreaterThanEquals|DateEquals|DateNotEquals|DateLessThan|DateLessThanEquals|DateGreaterThan|DateGreaterThanEquals|Bool|BinaryEquals|IpAddress|NotIpAddress|ArnEquals|ArnLike|ArnNotEquals|ArnNotLike";

/// Drop what `Option` fields add to their schemas, `null` (`{"type": "null"}` in an
/// `anyOf`, `"null"` in a list of types): an optional element may be left out, never be
/// `null` (spec §1.5; lint says PC004).
fn no_null(v: &mut Value) {
    match v {
        Value::Object(o) => {
            if let Some(Value::Array(types)) = o.get_mut("type") {
                types.retain(|t| t != "null");
                if let [only] = types.as_slice() {
                    let only = only.clone();
                    o.insert("type".into(), only);
                }
            }
            if let Some(Value::Array(any)) = o.get_mut("anyOf") {
                any.retain(|s| *s != json!({"type": "null"}));
                if let [only] = any.as_slice() {
                    let only = only.clone();
                    o.remove("anyOf");
                    if let Value::Object(inner) = only {
                        o.extend(inner);
                    }
                }
            }
            o.values_mut().for_each(no_null);
        }
        Value::Array(a) => a.iter_mut().for_each(no_null),
        _ => {}
    }
}

/// The schema as JSON.
pub fn schema() -> Value {
    let generator = SchemaSettings::draft07().into_generator();
    let mut v = generator.into_root_schema_for::<BucketPolicy>().to_value();
    no_null(&mut v);
    v["$id"] = json!("https://policycheck.dev/schemas/s3-bucket-policy.schema.json");
    // A principal map names at least one principal type (PC012 otherwise).
    for defs in ["definitions", "$defs"] {
        if let Some(Value::Object(map)) = v.get_mut(defs).and_then(|d| d.get_mut("PrincipalMap")) {
            map.insert("minProperties".into(), json!(1));
        }
    }
    // What derive cannot say: exclusive pairs, operator names.
    let defs = if v.get("definitions").is_some() {
        "definitions"
    } else {
        "$defs"
    };
    if let Some(st) = v.get_mut(defs).and_then(|d| d.get_mut("Statement")) {
        let pair = |a: &str, b: &str| {
            json!([
                {"not": {"required": [a, b]}},
                {"anyOf": [{"required": [a]}, {"required": [b]}]}
            ])
        };
        let mut all = Vec::new();
        for (a, b) in [("Action", "NotAction"), ("Resource", "NotResource")] {
            if let Value::Array(x) = pair(a, b) {
                all.extend(x);
            }
        }
        all.push(json!({"not": {"required": ["Principal", "NotPrincipal"]}}));
        all.push(json!({"anyOf": [{"required": ["Principal"]}, {"required": ["NotPrincipal"]}]}));
        st["allOf"] = Value::Array(all);
        if let Some(cond) = st
            .get_mut("properties")
            .and_then(|p| p.get_mut("Condition"))
        {
            let mut value_schema = cond
                .get("additionalProperties")
                .cloned()
                .unwrap_or(json!({}));
            if let Value::Object(keys) = &mut value_schema {
                // An operator names at least one key (spec §1.4: empty is an error).
                keys.insert("minProperties".into(), json!(1));
            }
            *cond = json!({
                "description": "`{operator: {key: value or [values]}}`: operators may carry `ForAllValues:`/`ForAnyValue:` and `IfExists`",
                "type": "object",
                "patternProperties": {
                    format!("^(ForAnyValue:|ForAllValues:)?({OPERATORS})(IfExists)?$"): value_schema,
                    "^(ForAnyValue:|ForAllValues:)?Null$": value_schema,
                },
                "additionalProperties": false,
            });
        }
    }
    v
}

pub fn run() -> ExitCode {
    outln!(
        "{}",
        serde_json::to_string_pretty(&schema()).unwrap_or_default()
    );
    ExitCode::SUCCESS
}

#[cfg(test)]
mod tests {
    use super::*;

    /// No element may be `null` (spec §1.5), and no principal map or operator may be
    /// empty (PC012): the schema says so (a review found `"Action": null` and
    /// `"Principal": {}` accepted).
    #[test]
    fn no_element_is_null_or_an_empty_map() {
        let v = schema();
        assert!(!v.to_string().contains("null"), "{v:#}");
        assert_eq!(v["definitions"]["PrincipalMap"]["minProperties"], 1);
        let ops = &v["definitions"]["Statement"]["properties"]["Condition"]["patternProperties"];
        let ops = ops.as_object().unwrap();
        assert_eq!(ops.len(), 2);
        assert!(ops.values().all(|keys| keys["minProperties"] == 1));
    }
}
