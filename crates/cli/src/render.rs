//! Rendering diagnostics for people (miette's graphical report, the JSON underlined)
//! and deciding about colour: `--color` > `NO_COLOR` > `FORCE_COLOR`/`CLICOLOR_FORCE` > TTY.

use clap::ValueEnum;
use miette::{GraphicalReportHandler, GraphicalTheme, NamedSource};
use policycheck_core::Diagnostic;
use std::io::IsTerminal;

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum ColorChoice {
    Auto,
    Always,
    Never,
}

/// Whether to colour output written to a stream that is (or is not) a terminal.
pub fn use_color(choice: ColorChoice, stream_is_tty: bool) -> bool {
    match choice {
        ColorChoice::Always => true,
        ColorChoice::Never => false,
        ColorChoice::Auto => {
            let set = |k: &str| std::env::var_os(k).is_some_and(|v| !v.is_empty());
            if set("NO_COLOR") {
                false
            } else if set("FORCE_COLOR") || set("CLICOLOR_FORCE") {
                true
            } else {
                stream_is_tty && std::env::var("TERM").map_or(true, |t| t != "dumb")
            }
        }
    }
}

pub fn stdout_is_tty() -> bool {
    std::io::stdout().is_terminal()
}

pub fn stderr_is_tty() -> bool {
    std::io::stderr().is_terminal()
}

/// A report handler with fixed settings: colour or not, unicode, a given width.
pub fn handler(color: bool, width: usize) -> GraphicalReportHandler {
    let theme = if std::env::var_os("NO_GRAPHICS").is_some_and(|v| !v.is_empty()) {
        GraphicalTheme::none()
    } else if color {
        GraphicalTheme::unicode()
    } else {
        GraphicalTheme::unicode_nocolor()
    };
    GraphicalReportHandler::new_themed(theme)
        .with_width(width)
        .with_links(false)
}

/// Render one diagnostic against its file's text.
pub fn render(
    handler: &GraphicalReportHandler,
    name: &str,
    text: &str,
    diag: &Diagnostic,
) -> String {
    let report = miette::Report::new(diag.clone())
        .with_source_code(NamedSource::new(name, text.to_string()));
    let mut out = String::new();
    if handler.render_report(&mut out, report.as_ref()).is_err() {
        out = format!("{name}: {}: {}\n", diag.code, diag.message);
    }
    out
}
