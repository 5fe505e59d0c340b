//! `policycheck`: lint, evaluate and explain AWS S3 bucket policies.
//!
//! Exit status (every command, every format): see each command's help. Only the
//! `output`/`commands` modules write to stdout and stderr.

#![allow(clippy::print_stdout, clippy::print_stderr)] // a CLI: printing is its job

/// `print!` that survives a closed pipe (`policycheck rules | head -3`): `print!`
/// panics there. Once stdout is closed, later output is dropped and the command still
/// exits with its own status (a decision or a verdict is never turned into a pass).
macro_rules! out {
    ($($t:tt)*) => { $crate::write_stdout(format_args!($($t)*)) };
}

/// `println!` for [`out!`].
macro_rules! outln {
    () => { $crate::write_stdout(format_args!("\n")) };
    ($($t:tt)*) => { $crate::write_stdout(format_args!("{}\n", format_args!($($t)*))) };
}

/// `eprintln!` that never panics: a closed standard error (`2>&1 >/dev/null | true`)
/// loses the message instead of ending the run with a panic (exit 101).
macro_rules! errln {
    ($($t:tt)*) => { $crate::write_stderr(format_args!("{}\n", format_args!($($t)*))) };
}

/// `eprint!` that never panics (see [`errln`]).
macro_rules! err {
    ($($t:tt)*) => { $crate::write_stderr(format_args!($($t)*)) };
}

fn write_stderr(args: std::fmt::Arguments<'_>) {
    use std::io::Write;
    let _ = std::io::stderr().lock().write_fmt(args);
}

static STDOUT_CLOSED: std::sync::atomic::AtomicBool = std::sync::atomic::AtomicBool::new(false);

fn write_stdout(args: std::fmt::Arguments<'_>) {
    use std::io::Write;
    use std::sync::atomic::Ordering;
    if STDOUT_CLOSED.load(Ordering::Relaxed) {
        return;
    }
    let mut stdout = std::io::stdout().lock();
    if let Err(e) = stdout.write_fmt(args).and_then(|()| stdout.flush()) {
        STDOUT_CLOSED.store(true, Ordering::Relaxed);
        if e.kind() != std::io::ErrorKind::BrokenPipe {
            errln!("policycheck: cannot write to standard output: {e}");
        }
    }
}

/// Print a JSON document as `serde_json::to_string_pretty` lays it out, and a newline,
/// written to standard output as it is produced (no copy of the whole text in memory:
/// `eval --format json` of a policy with 100,000 conditions is a 120 MB report).
/// A closed standard output is handled as in [`write_stdout`].
fn print_json<T: serde::Serialize + ?Sized>(value: &T) {
    use std::io::Write;
    use std::sync::atomic::Ordering;
    if STDOUT_CLOSED.load(Ordering::Relaxed) {
        return;
    }
    let mut out = std::io::BufWriter::with_capacity(1 << 16, std::io::stdout().lock());
    let written = serde_json::to_writer_pretty(&mut out, value)
        .map_err(std::io::Error::from)
        .and_then(|()| out.write_all(b"\n"))
        .and_then(|()| out.flush());
    if let Err(e) = written {
        STDOUT_CLOSED.store(true, Ordering::Relaxed);
        if e.kind() != std::io::ErrorKind::BrokenPipe {
            errln!("policycheck: cannot write to standard output: {e}");
        }
    }
}

/// See `Cargo.toml`: mimalloc instead of the system allocator, for throughput.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

mod baseline;
mod commands;
mod config;
mod output;
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
    /// Check policy files for errors and public-access risks
    #[command(after_help = commands::lint::AFTER_HELP)]
    Lint(commands::lint::LintArgs),
    /// Evaluate one request against a policy and explain the decision
    #[command(after_help = commands::eval::AFTER_HELP)]
    Eval(commands::eval::EvalArgs),
    /// Report the access a policy change adds (and removes), with witnesses
    #[command(after_help = commands::diff::AFTER_HELP)]
    Diff(commands::diff::DiffArgs),
    /// Show a rule's documentation, e.g. `policycheck explain PC101`
    Explain(commands::rules::ExplainArgs),
    /// List every rule: code, name, default level, summary
    Rules(commands::rules::RulesArgs),
    /// Print the JSON Schema for bucket policy files
    Schema,
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
        Command::Lint(args) => commands::lint::run(&args),
        Command::Eval(args) => commands::eval::run(&args),
        Command::Diff(args) => commands::diff::run(&args),
        Command::Explain(args) => commands::rules::explain(&args),
        Command::Rules(args) => commands::rules::rules(&args),
        Command::Schema => commands::schema::run(),
    }
}
