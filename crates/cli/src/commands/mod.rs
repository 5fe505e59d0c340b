pub mod diff;
pub mod eval;
pub mod lint;
pub mod rules;
pub mod schema;
