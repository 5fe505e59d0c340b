//! Reports: the only code that writes a lint report. Each file's part of the report
//! is rendered by the worker that linted it; [`Writer`] writes the parts in input
//! order as soon as each is ready, so memory stays flat however many files there
//! are. Every format gets the same findings; the exit code does not depend on it.

pub mod github;
pub mod json;
pub mod pretty;
pub mod sarif;
pub mod text;

use crate::commands::lint::{FileOutcome, Format, LintArgs, Totals};
use std::io::Write;

/// One file's part of the report(s).
pub struct Fragment {
    /// For the main format (text, JSON or SARIF).
    pub main: String,
    /// SARIF results for `--sarif-file` (comma-separated JSON objects).
    pub sarif: Option<String>,
    /// GitHub workflow commands (capped by the writer, which sees all files in order).
    pub github: Vec<github::Line>,
}

/// Render one file (called from the worker threads).
pub fn fragment(args: &LintArgs, f: &FileOutcome, color: bool) -> Fragment {
    let sarif_part = || sarif::fragment(f);
    let mut frag = Fragment {
        main: String::new(),
        sarif: None,
        github: Vec::new(),
    };
    match args.format {
        // -qq: the exit code only, so nothing to render (unless --output asks for it).
        Format::Text if args.quiet >= 2 && args.output.is_none() => {}
        Format::Text => frag.main = text::fragment(args, f, color),
        Format::Json => frag.main = json::fragment(f),
        Format::Sarif => frag.main = sarif_part(),
        Format::Github => frag.github = github::lines(f),
    }
    if args.sarif_file.is_some() {
        frag.sarif = Some(if args.format == Format::Sarif {
            frag.main.clone()
        } else {
            sarif_part()
        });
    }
    frag
}

/// Writes the report and the SARIF file, in input order.
pub struct Writer {
    format: Format,
    quiet: u8,
    out: Box<dyn Write>,
    sarif: Option<std::io::BufWriter<std::fs::File>>,
    first: bool,
    first_sarif: bool,
    caps: github::Caps,
}

impl Writer {
    /// Open the outputs and write their headers.
    pub fn open(args: &LintArgs) -> Result<Writer, String> {
        let out: Box<dyn Write> = match &args.output {
            Some(p) => Box::new(std::io::BufWriter::new(
                std::fs::File::create(p)
                    .map_err(|e| format!("cannot write `{}`: {e}", p.display()))?,
            )),
            // -qq: the exit code only, in every format (a report asked for with
            // --output is still written).
            None if args.quiet >= 2 => Box::new(std::io::sink()),
            // Large writes: a report is megabytes, written in a few hundred system calls.
            None => Box::new(std::io::BufWriter::with_capacity(
                1 << 16,
                std::io::stdout(),
            )),
        };
        let sarif = match &args.sarif_file {
            Some(p) => Some(std::io::BufWriter::new(
                std::fs::File::create(p)
                    .map_err(|e| format!("cannot write `{}`: {e}", p.display()))?,
            )),
            None => None,
        };
        let mut w = Writer {
            format: args.format,
            // -qq silences standard output; a report asked for with --output gets -q's.
            quiet: if args.output.is_some() {
                args.quiet.min(1)
            } else {
                args.quiet
            },
            out,
            sarif,
            first: true,
            first_sarif: true,
            caps: github::Caps::default(),
        };
        match w.format {
            Format::Json => w.put(&json::header()),
            Format::Sarif => w.put(&sarif::header()),
            Format::Text | Format::Github => {}
        }
        if let Some(s) = &mut w.sarif {
            // A closed pipe or full disk shows up when the footer is written.
            let _ = s.write_all(sarif::header().as_bytes());
        }
        Ok(w)
    }

    fn put(&mut self, s: &str) {
        // Standard output closed early (`| head`): nothing useful left to do with the error.
        let _ = self.out.write_all(s.as_bytes());
    }

    /// Write one file's part.
    pub fn file(&mut self, frag: Fragment) {
        match self.format {
            Format::Text => {
                if self.quiet < 2 {
                    self.put(&frag.main);
                }
            }
            Format::Json | Format::Sarif => {
                if !frag.main.is_empty() {
                    if !self.first {
                        self.put(",\n");
                    }
                    self.first = false;
                    self.put(&frag.main);
                }
            }
            Format::Github => {
                let text: String = frag
                    .github
                    .into_iter()
                    .map(|l| self.caps.render(l))
                    .collect();
                self.put(&text);
            }
        }
        if let (Some(s), Some(part)) = (&mut self.sarif, frag.sarif) {
            if !part.is_empty() {
                if !self.first_sarif {
                    let _ = s.write_all(b",\n");
                }
                self.first_sarif = false;
                let _ = s.write_all(part.as_bytes());
            }
        }
    }

    /// Write the footers (summaries) and flush.
    pub fn finish(mut self, totals: &Totals) -> Result<(), String> {
        let footer = match self.format {
            Format::Text => {
                if self.quiet == 0 {
                    text::summary(totals)
                } else {
                    String::new()
                }
            }
            Format::Json => json::footer(totals),
            Format::Sarif => sarif::footer(totals),
            Format::Github => self.caps.footer(totals, self.quiet > 0),
        };
        self.put(&footer);
        match self.out.flush() {
            // A reader that stopped early (`policycheck lint . | head`) is not an error of
            // the lint: the exit status still reports the findings.
            Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => {}
            other => other.map_err(|e| format!("cannot write the report: {e}"))?,
        }
        if let Some(mut s) = self.sarif.take() {
            s.write_all(sarif::footer(totals).as_bytes())
                .and_then(|()| s.flush())
                .map_err(|e| format!("cannot write the SARIF file: {e}"))?;
        }
        Ok(())
    }
}

/// A xorshift generator for the output tests' random texts (seeded: runs repeat).
#[cfg(test)]
pub(crate) fn test_rng(mut state: u64) -> impl FnMut() -> u64 {
    move || {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        state
    }
}
