//! What the randomized soundness tests share: the seeded generator, the campaign knobs
//! from the environment, and the brute-force search over probe requests.

use policycheck_core::catalog::{
    key_carried_by, s3_action, s3_action_index, AccessLevel, ResourceType,
};
use policycheck_core::{Caller, Context, CtxValue, Request};

/// xorshift64*: small, seeded, reproducible.
pub struct Rng(pub u64);

impl Rng {
    pub fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }
    pub fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
    pub fn pick<'a, T>(&mut self, xs: &'a [T]) -> &'a T {
        &xs[self.below(xs.len())]
    }
    pub fn chance(&mut self, percent: u64) -> bool {
        self.next() % 100 < percent
    }
}

/// The generators' seed: the default, or one derived from `POLICYCHECK_SEED` for a longer
/// campaign (`POLICYCHECK_SEED=9 POLICYCHECK_CASES_MULT=10 cargo test --release --test
/// public_soundness`).
pub fn seed(default: u64) -> u64 {
    match std::env::var("POLICYCHECK_SEED")
        .ok()
        .and_then(|v| v.parse::<u64>().ok())
    {
        Some(s) => (default ^ s.wrapping_mul(0x9E37_79B9_7F4A_7C15)) | 1,
        None => default,
    }
}

/// A loop's case count, times `POLICYCHECK_CASES_MULT` when set.
pub fn count(default: usize) -> usize {
    std::env::var("POLICYCHECK_CASES_MULT")
        .ok()
        .and_then(|v| v.parse::<usize>().ok())
        .map_or(default, |m| default * m)
}

/// The requests a brute-force search tries.
pub struct Probes<'a> {
    pub callers: &'a [&'a str],
    pub actions: &'a [&'a str],
    /// Object ARNs (bucket actions use `arn:aws:s3:::b`).
    pub objects: &'a [&'a str],
    /// Contexts per (caller, action, resource): the first with every key at its pool's
    /// first value, the others random picks.
    pub samples: usize,
    /// Stop probing an access level once a request for it is found.
    pub stop_when_found: bool,
}

/// What a brute-force search found: a request per access level that `hit` accepts.
pub struct Found {
    pub read: Option<serde_json::Value>,
    pub write: Option<serde_json::Value>,
    pub requests: u64,
}

/// Try the probe requests, with contexts over `keys` drawn from `pool(key)`.
pub fn brute(
    rng: &mut Rng,
    probes: &Probes<'_>,
    keys: &[&str],
    pool: impl Fn(&str) -> Vec<Option<CtxValue>>,
    hit: impl Fn(&Request) -> bool,
) -> Found {
    let mut found = Found {
        read: None,
        write: None,
        requests: 0,
    };
    for caller in probes.callers {
        for action in probes.actions {
            let info = s3_action(action).unwrap();
            let index = s3_action_index(action).unwrap();
            let resources: Vec<&str> = if info.applies_to(ResourceType::Bucket) {
                vec!["arn:aws:s3:::b"]
            } else {
                probes.objects.to_vec()
            };
            let is_read = matches!(info.level, AccessLevel::List | AccessLevel::Read);
            let done = if is_read { &found.read } else { &found.write };
            if probes.stop_when_found && done.is_some() {
                continue;
            }
            for resource in resources {
                for sample in 0..probes.samples {
                    let mut ctx = Context::new();
                    // A key S3 never sends with this action (`s3:max-keys` with
                    // GetObject) is not in any real request for it.
                    for k in keys
                        .iter()
                        .filter(|k| key_carried_by(&k.to_ascii_lowercase(), index))
                    {
                        let pool = pool(k);
                        let v = if sample == 0 {
                            pool[0].clone()
                        } else {
                            rng.pick(&pool).clone()
                        };
                        if let Some(v) = v {
                            ctx.insert(k, v);
                        }
                    }
                    let req = Request::new(Caller::parse(caller).unwrap(), action, resource, ctx);
                    found.requests += 1;
                    if hit(&req) {
                        let slot = if is_read {
                            &mut found.read
                        } else {
                            &mut found.write
                        };
                        slot.get_or_insert(req.to_json());
                    }
                    if keys.is_empty() {
                        break;
                    }
                }
            }
        }
    }
    found
}
