//! The web page's engine: thin `wasm-bindgen` shims over [`policycheck_lint::api`].
//!
//! Every function takes strings and returns one JSON string, a tagged answer
//! (`{"type": "success", ...}` or `{"type": "failure", "errors": [...]}`); `web/engine.js`
//! parses it and documents the shapes. User errors (bad JSON, a bad request) are
//! failures, never throws. All logic lives in `policycheck_lint::api`, tested natively;
//! this file only converts to strings, so it builds (and is tested) natively as well.

use policycheck_lint::api;
use wasm_bindgen::prelude::wasm_bindgen;

/// The allocator: talc instead of std's dlmalloc, about 6.8 KB less of the page's WASM
/// (the page is single-threaded: no `atomics`).
#[cfg(all(target_family = "wasm", not(target_feature = "atomics")))]
#[global_allocator]
static TALC: talc::wasm::WasmDynamicTalc = talc::wasm::new_wasm_dynamic_allocator();

/// An answer's JSON text (`api` writes it member by member; see [`api::Answer`]).
fn to_json(answer: api::Answer) -> String {
    answer.0
}

/// `version()`: the engine (policycheck-core) version, e.g. `"0.1.0"`.
#[wasm_bindgen(js_name = "version")]
pub fn version() -> String {
    policycheck_core::VERSION.to_string()
}

/// `rulesVersion()`: the rule set, e.g. `"52 rules, 0.1.0"` (for the page's footer).
#[wasm_bindgen(js_name = "rulesVersion")]
pub fn rules_version() -> String {
    format!(
        "{} rules, {}",
        policycheck_lint::all_rules().len(),
        policycheck_lint::RULES_VERSION
    )
}

/// The analysis' readings from the page's settings: `rolePatternPublic` ticked takes
/// `userid-role-pattern = "public"` (absent or false: the default, "pins").
fn analysis(role_pattern_public: Option<bool>) -> policycheck_core::public::AnalysisOptions {
    policycheck_core::public::AnalysisOptions {
        userid_role_pattern_pins: role_pattern_public != Some(true),
    }
}

/// `lintPolicy(name, text, rolePatternPublic?)`: `{type: "success", report, engine}` (see
/// `api::lint_answer`).
#[wasm_bindgen(js_name = "lintPolicy")]
pub fn lint_policy(name: &str, text: &str, role_pattern_public: Option<bool>) -> String {
    to_json(api::lint_answer_with(
        name,
        text,
        analysis(role_pattern_public),
    ))
}

/// `evaluate(policyText, requestText)`: the decision and trace, or a failure naming
/// whether the policy or the request was at fault (see `api::evaluate_answer`).
#[wasm_bindgen(js_name = "evaluate")]
pub fn evaluate(policy_text: &str, request_text: &str) -> String {
    to_json(api::evaluate_answer(policy_text, request_text))
}

/// `actions()`: every S3 action with its access level (see `api::actions_answer`).
#[wasm_bindgen(js_name = "actions")]
pub fn actions() -> String {
    to_json(api::actions_answer())
}

/// `policyInfo(text)`: bucket names and typed condition keys (see `api::policy_info_answer`).
#[wasm_bindgen(js_name = "policyInfo")]
pub fn policy_info(text: &str) -> String {
    to_json(api::policy_info_answer(text))
}

/// `diffPolicies(oldText, newText)`: the access NEW grants that OLD did not (and what it
/// removes), per level and caller class, each with a witness NEW allows and OLD denies;
/// or a failure naming the invalid side (`source: "old" | "new"`) with located errors.
/// See `api::diff_answer` (the same items as `policycheck diff --format json`).
#[wasm_bindgen(js_name = "diffPolicies")]
pub fn diff_policies(old_text: &str, new_text: &str, role_pattern_public: Option<bool>) -> String {
    to_json(api::diff_answer_with(
        old_text,
        new_text,
        analysis(role_pattern_public),
    ))
}

/// `derivedContext(principal, action)`: the condition keys AWS sets for this caller and
/// action, `{type: "success", keys: [{key, value, why}]}` (see
/// `api::derived_context_answer`).
#[wasm_bindgen(js_name = "derivedContext")]
pub fn derived_context(principal: &str, action: &str) -> String {
    to_json(api::derived_context_answer(principal, action))
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::Value;

    fn parse(s: &str) -> Value {
        serde_json::from_str(s).expect("the shims return JSON")
    }

    #[test]
    fn shims_return_tagged_json() {
        assert_eq!(version(), policycheck_core::VERSION);
        let policy = r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":"*","Action":"s3:GetObject","Resource":"arn:aws:s3:::b/*"}]}"#;
        let lint = parse(&lint_policy("p.json", policy, None));
        assert_eq!(lint["type"], "success");
        assert_eq!(lint["report"]["access"]["read"], true);
        let witness = lint["report"]["access"]["witnesses"][0].to_string();
        let ev = parse(&evaluate(policy, &witness));
        assert_eq!(ev["evaluation"]["decision"], "Allow");
        assert_eq!(parse(&evaluate(policy, "{"))["type"], "failure");
        assert_eq!(
            parse(&actions())["actions"].as_array().map(Vec::len),
            Some(167)
        );
        assert_eq!(parse(&policy_info(policy))["buckets"][0], "b");
    }

    #[test]
    fn diff_shim_reports_new_access_and_names_the_invalid_side() {
        let old = r#"{"Version":"2012-10-17","Statement":[{"Sid":"Vpce","Effect":"Allow","Principal":"*","Action":"s3:GetObject","Resource":"arn:aws:s3:::b/*","Condition":{"StringEquals":{"aws:SourceVpce":"vpce-1a2b3c4d"}}}]}"#;
        let new = r#"{"Version":"2012-10-17","Statement":[{"Sid":"Open","Effect":"Allow","Principal":"*","Action":"s3:GetObject","Resource":"arn:aws:s3:::b/*"}]}"#;
        let d = parse(&diff_policies(old, new, None));
        assert_eq!(d["type"], "success");
        assert_eq!(d["added"][0]["caller"], "public");
        assert_eq!(d["added"][0]["level"], "read");
        assert_eq!(d["added"][0]["statements"][0], "Open");
        assert_eq!(d["removed"], serde_json::json!([]));
        // The witness is allowed by NEW (and denied by OLD).
        let witness = d["added"][0]["witness"].to_string();
        assert_eq!(
            parse(&evaluate(new, &witness))["evaluation"]["decision"],
            "Allow"
        );
        assert_ne!(
            parse(&evaluate(old, &witness))["evaluation"]["decision"],
            "Allow"
        );
        // The other way round: nothing new, the read is removed.
        let back = parse(&diff_policies(new, old, None));
        assert_eq!(back["type"], "success");
        assert_eq!(back["added"], serde_json::json!([]));
        assert_eq!(back["unknown"], serde_json::json!([]));
        assert_eq!(back["removed"][0]["caller"], "public");
        // Equivalent texts: nothing either way.
        let same = parse(&diff_policies(new, new, None));
        assert_eq!(same["added"], serde_json::json!([]));
        assert_eq!(same["removed"], serde_json::json!([]));
        // An invalid side is a failure with its line and column, never "nothing new".
        let bad = parse(&diff_policies(
            "{\n  \"Version\": \"2012-10-17\",,\n}",
            new,
            None,
        ));
        assert_eq!(bad["type"], "failure");
        assert_eq!(bad["errors"][0]["source"], "old");
        assert_eq!(bad["errors"][0]["diagnostic"]["line"], 2);
        assert!(bad.get("added").is_none());
        let bad_new = parse(&diff_policies(old, "[1]", None));
        assert_eq!(bad_new["type"], "failure");
        assert_eq!(bad_new["errors"][0]["source"], "new");
    }

    #[test]
    fn hostile_input_is_an_answer_not_a_panic() {
        let deep = "[".repeat(100_000);
        let huge = format!(
            r#"{{"Statement":[{}]}}"#,
            r#"{"Effect":"Allow"},"#.repeat(20_000)
        );
        for text in [
            deep.as_str(),
            huge.as_str(),
            "",
            "\u{feff}",
            "\u{fffd}\u{fffd}",
            "null",
            "{\"a\":1e999999}",
        ] {
            assert_eq!(parse(&lint_policy("x.json", text, None))["type"], "success");
            let _ = parse(&evaluate(text, text));
            let _ = parse(&policy_info(text));
            let _ = parse(&diff_policies(text, text, None));
        }
    }

    #[test]
    fn the_role_pattern_reading_is_the_pages_choice() {
        let policy = r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":"*","Action":"s3:GetObject","Resource":"arn:aws:s3:::b/*","Condition":{"StringLike":{"aws:userid":"AROAEXAMPLEROLEID:*"}}}]}"#;
        let verdict = |choice: Option<bool>| {
            parse(&lint_policy("p.json", policy, choice))["report"]["access"]["verdict"].clone()
        };
        assert_eq!(verdict(None), "not-public");
        assert_eq!(verdict(Some(false)), "not-public");
        assert_eq!(verdict(Some(true)), "public");
        let named = r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"111122223333"},"Action":"s3:GetObject","Resource":"arn:aws:s3:::b/*"}]}"#;
        let added = |choice: Option<bool>| {
            parse(&diff_policies(named, policy, choice))["added"]
                .as_array()
                .map_or(0, Vec::len)
        };
        assert_eq!(added(None), 0);
        assert_eq!(added(Some(true)), 1);
    }

    #[test]
    fn derived_context_is_tagged() {
        let d = parse(&derived_context(
            "arn:aws:iam::111122223333:user/alice",
            "s3:GetObject",
        ));
        assert_eq!(d["type"], "success");
        let keys = d["keys"].as_array().unwrap();
        assert!(keys
            .iter()
            .any(|k| k["key"] == "aws:PrincipalAccount" && k["value"] == "111122223333"));
        assert_eq!(
            parse(&derived_context("bob", "s3:GetObject"))["type"],
            "failure"
        );
    }
}
