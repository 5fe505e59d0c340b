//! `policycheck`: lint, evaluate and explain AWS S3 bucket policies.
//!
//! Exit status (every command, every format): see each command's help. Only the
//! `output`/`commands` modules write to stdout and stderr.

#![allow(clippy::print_stdout, clippy::print_stderr)] // a CLI: printing is its job

mod commands;
mod render;

use clap::{Parser, Subcommand};
use std::process::ExitCode;

/// Lint, evaluate and explain AWS S3 bucket policies.
#[derive(Parser, Debug)]
#[command(name = "policycheck", version, about, long_about = None, propagate_version = true)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand, Debug)]
enum Command {
    /// Evaluate one request against a policy and explain the decision
    #[command(after_help = commands::eval::AFTER_HELP)]
    Eval(commands::eval::EvalArgs),
}

fn main() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) => {
            // clap prints help/version to stdout (exit 0) and usage errors to stderr (exit 2).
            let code = if e.use_stderr() { 2 } else { 0 };
            let _ = e.print();
            return ExitCode::from(code);
        }
    };
    match cli.command {
        Command::Eval(args) => commands::eval::run(&args),
    }
}
