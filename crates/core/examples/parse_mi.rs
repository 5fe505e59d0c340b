//! Parses the 20 KB policy of `benches/core_bench.rs` in a loop under the system
//! allocator (the benchmark runs with mimalloc, the allocator of the `policycheck`
//! binary), for the parse figure without it and for profiling:
//!
//!     cargo run --release -p policycheck-core --example parse_profile [ITERATIONS]
//!     perf record target/release/examples/parse_profile 20000
#![allow(clippy::unwrap_used)]
use std::hint::black_box;
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

#[path = "../benches/big_policy.rs"]
mod big_policy;
use big_policy::big_policy;

fn main() {
    let big = big_policy(20 * 1024);
    let n: u32 = std::env::args()
        .nth(1)
        .map(|s| s.parse().unwrap())
        .unwrap_or(20000);
    let t = std::time::Instant::now();
    for _ in 0..n {
        black_box(policycheck_core::parse_policy(black_box(&big)));
    }
    println!(
        "parse (system allocator): {:.1} us per parse ({:.1} KB, mean of {n} parses)",
        t.elapsed().as_secs_f64() * 1e6 / f64::from(n),
        big.len() as f64 / 1024.0
    );
}
