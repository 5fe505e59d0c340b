//! Reports: the only code that writes a lint report. Every format gets the same
//! findings; the exit code does not depend on the format.

pub mod github;
pub mod json;
pub mod sarif;
pub mod text;

use crate::commands::lint::{Format, LintArgs, Run};
use std::io::Write;

/// Write the report (stdout or `--output`), and the SARIF file when asked.
pub fn emit(args: &LintArgs, run: &Run) -> Result<(), String> {
    let report = match args.format {
        Format::Text => text::render(args, run),
        Format::Json => json::render(run),
        Format::Sarif => sarif::render(run),
        Format::Github => github::render(run),
    };
    match &args.output {
        Some(p) => {
            std::fs::write(p, report).map_err(|e| format!("cannot write `{}`: {e}", p.display()))?
        }
        None => {
            if args.quiet < 2 || args.format != Format::Text {
                let mut out = std::io::stdout().lock();
                // A closed pipe (e.g. `| head`) is not an error worth a panic.
                let _ = out.write_all(report.as_bytes());
                let _ = out.flush();
            }
        }
    }
    if let Some(p) = &args.sarif_file {
        std::fs::write(p, sarif::render(run))
            .map_err(|e| format!("cannot write `{}`: {e}", p.display()))?;
    }
    Ok(())
}
