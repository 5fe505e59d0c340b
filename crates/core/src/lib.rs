//! `policycheck-core`: parse, model, evaluate and analyse AWS-IAM-style S3 bucket
//! policies. No I/O and no printing: the CLI and the WASM shim do that.
//!
//! The semantics follow `shared/spec/iam-semantics.md`; section numbers in the
//! docs (§2.3, §6.8, …) refer to it.

pub mod catalog;
pub mod collections;
pub mod condition;
pub mod cover;
pub mod diagnostic;
pub mod eval;
pub mod json;
pub mod jsonv;
pub mod model;
pub mod parse;
pub mod pattern;
pub mod public;
pub mod request;
pub mod solve;
pub mod source;
pub mod text;
pub mod values;

pub use diagnostic::{codes, Code, Diagnostic, Label, Located, LocatedLabel, Severity};
pub use eval::{
    decide, evaluate, evaluate_full, evaluate_mode, Decision, Evaluation, MatchKind, Outcome,
};
pub use model::{Effect, Policy, PolicyKind, Statement, Version};
pub use parse::{
    parse_policy, parse_policy_as, parse_policy_bytes, parse_policy_tree, ParseOutput,
};
pub use request::{parse_request_file, Caller, Context, CtxValue, Mode, Request, RequestFile};
pub use source::{LineCol, LineIndex, Span, Spanned};

/// The engine version, shown by the CLI and the web page.
pub const VERSION: &str = env!("CARGO_PKG_VERSION");
