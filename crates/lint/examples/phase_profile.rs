//! Times each phase of `lint` over a directory of policies, single-threaded, with
//! mimalloc (the binary's allocator), to see where a corpus run spends its time:
//!
//!     python3 bench/gen_corpus.py /tmp/c10k 10000
//!     cargo run --release -p policycheck-lint --example phase_profile /tmp/c10k
//!
//! `PHASE=parse|analysis|rules|lint` times one phase only (`PASSES` times, default 3),
//! for `perf record`; `PHASE=dist` shows, in one pass, how the analysis time spreads over
//! the files (`DIST_OUT=FILE` also writes every file's time in nanoseconds, to join
//! with a report's verdicts).
#![allow(clippy::unwrap_used, clippy::expect_used)]
use std::hint::black_box;
use std::time::Instant;

use policycheck_core::{parse_policy_bytes, public::analyze, PolicyKind};
use policycheck_lint::{lint_bytes, LintContext, LintOptions};

#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() {
    let dir = std::env::args().nth(1).expect("usage: phase_profile DIR");
    let mut files: Vec<Vec<u8>> = Vec::new();
    let mut names: Vec<_> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "json"))
        .collect();
    names.sort();
    if let Some(limit) = std::env::var("LIMIT").ok().and_then(|l| l.parse().ok()) {
        names.truncate(limit);
    }
    let t = Instant::now();
    for p in &names {
        files.push(std::fs::read(p).unwrap());
    }
    let read = t.elapsed();
    let bytes: usize = files.iter().map(Vec::len).sum();
    println!(
        "{} files, {:.1} MB; read {:.0} ms",
        files.len(),
        bytes as f64 / 1e6,
        read.as_secs_f64() * 1e3
    );
    let options = LintOptions::default();
    if let Ok(phase) = std::env::var("PHASE") {
        // One phase only, for `perf record`.
        let parsed: Vec<_> = files
            .iter()
            .map(|b| parse_policy_bytes(b, PolicyKind::Resource))
            .collect();
        if phase == "dist" {
            // One pass: it reports per file, not per pass.
            analysis_spread(&parsed, &names);
            return;
        }
        let passes: u32 = std::env::var("PASSES")
            .ok()
            .and_then(|p| p.parse().ok())
            .unwrap_or(3);
        let t = Instant::now();
        for _ in 0..passes {
            match phase.as_str() {
                "parse" => files.iter().for_each(|b| {
                    black_box(parse_policy_bytes(b, PolicyKind::Resource));
                }),
                "analysis" => parsed.iter().for_each(|p| {
                    black_box(p.policy.as_ref().map(analyze));
                }),
                "rules" => parsed.iter().zip(&files).for_each(|(p, b)| {
                    if let Some(policy) = &p.policy {
                        let access =
                            policycheck_core::public::PublicAccess::unknown("not analysed");
                        let ctx = LintContext::new(
                            policy,
                            std::str::from_utf8(b).unwrap(),
                            &access,
                            &options,
                        );
                        let mut diags = Vec::new();
                        for rule in policycheck_lint::all_rules() {
                            if let Some(check) = rule.check {
                                check(&ctx, &mut diags);
                            }
                        }
                        black_box(diags);
                    }
                }),
                "setup" => {}
                _ => files.iter().for_each(|b| {
                    black_box(lint_bytes(b, &options));
                }),
            }
        }
        println!(
            "{phase}: {:.0} ms per pass",
            t.elapsed().as_secs_f64() * 1e3 / f64::from(passes)
        );
        return;
    }

    let t = Instant::now();
    let parsed: Vec<_> = files
        .iter()
        .map(|b| parse_policy_bytes(b, PolicyKind::Resource))
        .collect();
    let parse = t.elapsed();

    let t = Instant::now();
    let access: Vec<_> = parsed
        .iter()
        .map(|p| p.policy.as_ref().map(analyze))
        .collect();
    let analysis = t.elapsed();

    let t = Instant::now();
    let mut n = 0usize;
    let all = policycheck_lint::all_rules();
    let mut per_rule = vec![std::time::Duration::ZERO; all.len()];
    for ((p, a), b) in parsed.iter().zip(&access).zip(&files) {
        if let (Some(policy), Some(access)) = (&p.policy, a) {
            let ctx = LintContext::new(policy, std::str::from_utf8(b).unwrap(), access, &options);
            let mut diags = Vec::new();
            for (rule, spent) in all.iter().zip(&mut per_rule) {
                if let Some(check) = rule.check {
                    let t = Instant::now();
                    check(&ctx, &mut diags);
                    *spent += t.elapsed();
                }
            }
            n += diags.len();
        }
    }
    let rules = t.elapsed();
    let mut slowest: Vec<_> = all.iter().zip(&per_rule).collect();
    slowest.sort_by_key(|(_, d)| std::cmp::Reverse(**d));
    for (rule, d) in slowest.iter().take(8) {
        println!(
            "  {} {}: {:.1} ms",
            rule.code(),
            rule.name(),
            d.as_secs_f64() * 1e3
        );
    }
    drop(black_box(access));
    drop(black_box(parsed));

    let t = Instant::now();
    for b in &files {
        black_box(lint_bytes(b, &options));
    }
    let whole = t.elapsed();
    let ms = |d: std::time::Duration| d.as_secs_f64() * 1e3;
    println!(
        "parse {:.0} ms, analysis {:.0} ms, rules {:.0} ms ({n} findings); lint_bytes {:.0} ms ({:.1} us/file)",
        ms(parse),
        ms(analysis),
        ms(rules),
        ms(whole),
        ms(whole) * 1e3 / files.len() as f64
    );
}

/// How the analysis time spreads over the files (`PHASE=dist`): quantiles, the share of
/// the slowest tenth, and the slowest files (a few heavy files or a uniform cost?).
fn analysis_spread(parsed: &[policycheck_core::ParseOutput], names: &[std::path::PathBuf]) {
    let mut times: Vec<(u128, usize)> = parsed
        .iter()
        .enumerate()
        .map(|(i, p)| {
            let t = Instant::now();
            black_box(p.policy.as_ref().map(analyze));
            (t.elapsed().as_nanos(), i)
        })
        .collect();
    times.sort_unstable();
    let n = times.len();
    if n == 0 {
        return;
    }
    for q in [50, 90, 99] {
        println!("  p{q}: {:.1} us", times[n * q / 100].0 as f64 / 1e3);
    }
    let total: u128 = times.iter().map(|t| t.0).sum();
    let top: u128 = times[n * 9 / 10..].iter().map(|t| t.0).sum();
    println!(
        "  slowest tenth: {:.0}% of the analysis time",
        top as f64 * 100.0 / total as f64
    );
    if let Ok(out) = std::env::var("DIST_OUT") {
        // Every file's time, for joining with the report's verdicts.
        let lines: String = times
            .iter()
            .map(|(t, i)| format!("{t} {}\n", names[*i].display()))
            .collect();
        std::fs::write(out, lines).unwrap();
    }
    for (t, i) in times.iter().rev().take(5) {
        println!("  {:.1} us {}", *t as f64 / 1e3, names[*i].display());
    }
}
