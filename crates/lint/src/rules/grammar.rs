//! PC0xx: document and grammar problems. The parser in `policycheck-core` reports them
//! (with the span of the offending key or value); this module gives them their docs.

use crate::registry::RuleMeta;
use policycheck_core::codes;

macro_rules! grammar_rule {
    ($id:ident, $code:expr, $doc:literal) => {
        pub const $id: RuleMeta = RuleMeta {
            code: $code,
            since: "0.1.0",
            docs: crate::registry::rule_docs!($doc),
            tags: &["correctness", "grammar"],
            security_severity: None,
            check: None,
        };
    };
}

grammar_rule!(
    INVALID_JSON,
    codes::INVALID_JSON,
    "docs/PC001-invalid-json.md"
);
grammar_rule!(
    DUPLICATE_KEY,
    codes::DUPLICATE_KEY,
    "docs/PC002-duplicate-key.md"
);
grammar_rule!(
    UNKNOWN_ELEMENT,
    codes::UNKNOWN_ELEMENT,
    "docs/PC003-unknown-element.md"
);
grammar_rule!(WRONG_TYPE, codes::WRONG_TYPE, "docs/PC004-wrong-type.md");
grammar_rule!(
    MISSING_ELEMENT,
    codes::MISSING_ELEMENT,
    "docs/PC005-missing-element.md"
);
grammar_rule!(
    CONFLICTING_ELEMENTS,
    codes::CONFLICTING_ELEMENTS,
    "docs/PC006-conflicting-elements.md"
);
grammar_rule!(
    INVALID_EFFECT,
    codes::INVALID_EFFECT,
    "docs/PC007-invalid-effect.md"
);
grammar_rule!(
    INVALID_VERSION,
    codes::INVALID_VERSION,
    "docs/PC008-invalid-version.md"
);
grammar_rule!(
    INVALID_PRINCIPAL,
    codes::INVALID_PRINCIPAL,
    "docs/PC009-invalid-principal.md"
);
grammar_rule!(
    INVALID_CONDITION_OPERATOR,
    codes::INVALID_CONDITION_OPERATOR,
    "docs/PC010-invalid-condition-operator.md"
);
grammar_rule!(
    INVALID_CONDITION_VALUE,
    codes::INVALID_CONDITION_VALUE,
    "docs/PC011-invalid-condition-value.md"
);
grammar_rule!(EMPTY_VALUE, codes::EMPTY_VALUE, "docs/PC012-empty-value.md");
grammar_rule!(
    ELEMENT_NOT_ALLOWED,
    codes::ELEMENT_NOT_ALLOWED,
    "docs/PC013-element-not-allowed.md"
);
grammar_rule!(
    INVALID_ACTION,
    codes::INVALID_ACTION,
    "docs/PC014-invalid-action.md"
);
grammar_rule!(
    INVALID_RESOURCE,
    codes::INVALID_RESOURCE,
    "docs/PC015-invalid-resource.md"
);
grammar_rule!(
    NULL_IF_EXISTS,
    codes::NULL_IF_EXISTS,
    "docs/PC016-null-if-exists.md"
);
grammar_rule!(
    INVALID_CONDITION_KEY,
    codes::INVALID_CONDITION_KEY,
    "docs/PC017-invalid-condition-key.md"
);

pub static RULES: &[RuleMeta] = &[
    INVALID_JSON,
    DUPLICATE_KEY,
    UNKNOWN_ELEMENT,
    WRONG_TYPE,
    MISSING_ELEMENT,
    CONFLICTING_ELEMENTS,
    INVALID_EFFECT,
    INVALID_VERSION,
    INVALID_PRINCIPAL,
    INVALID_CONDITION_OPERATOR,
    INVALID_CONDITION_VALUE,
    EMPTY_VALUE,
    ELEMENT_NOT_ALLOWED,
    INVALID_ACTION,
    INVALID_RESOURCE,
    NULL_IF_EXISTS,
    INVALID_CONDITION_KEY,
];
