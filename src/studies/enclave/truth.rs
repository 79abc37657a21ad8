//! Potential outcomes and true effects.
//!
//! * `up_if_enclave`, `up_if_not_enclave`: each migrant's mobility with its
//!   own status set to 1 / 0 and everyone else's as observed. The observed
//!   arm is the baseline run; the other comes from a pass in which the
//!   migrant's status was flipped: migrants are split at random into
//!   `truth.passes` subsets and pass k flips subset k only (1/passes of the
//!   population at once, both directions, so the flipped see almost the
//!   baseline network: spillovers are of order 1/passes of the total
//!   spillover). All runs share every random number.
//! * Individual effects (own status flipped, everyone else's as observed):
//!   `ate_individual` = mean(up_if_enclave - up_if_not_enclave),
//!   `att_individual` / `atc_individual` the same over enclave residents /
//!   non-residents.
//! * Global effects (everyone's status flipped): `ate_global` = share up
//!   when everyone lives in an enclave minus share up when nobody does
//!   (spillovers through partners and weak ties included); `att_global`
//!   the same all-versus-none contrast averaged over the residents.
//! * `ate_direct`, `att_direct`, `atc_direct`, `ate_total`, `att_total`
//!   are the same numbers under their former names, kept so that specs
//!   written before the renaming still read.

use std::collections::BTreeMap;

use rayon::prelude::*;

use super::world::{Inputs, run};

/// Potential outcomes and effects.
pub struct Potential {
    /// Each migrant's probability of moving up with an enclave job.
    pub up_if_enclave: Vec<f64>,
    /// Each migrant's probability of moving up without one.
    pub up_if_not_enclave: Vec<f64>,
    /// The true effects by name (individual and global ATE and ATT).
    pub effects: BTreeMap<String, f64>,
}

fn mean_where(v: impl Iterator<Item = (f64, bool)>) -> f64 {
    let (s, c) = v.fold(
        (0.0, 0usize),
        |(s, c), (x, keep)| {
            if keep { (s + x, c + 1) } else { (s, c) }
        },
    );
    if c == 0 { f64::NAN } else { s / c as f64 }
}

/// Counterfactual runs (in parallel; each run's numbers do not depend on
/// the thread count) and the effects, given the baseline outcome.
pub fn potential(inp: &Inputs<'_>, enclave: &[bool], observed: &[bool]) -> Potential {
    let n = inp.pop.n;
    let passes = inp.cfg.truth.passes;
    let pass_of: Vec<usize> = inp
        .pop
        .u_pass
        .iter()
        .map(|u| ((u * passes as f64) as usize).min(passes - 1))
        .collect();
    let mut worlds: Vec<Vec<bool>> = (0..passes)
        .map(|k| {
            enclave
                .iter()
                .zip(&pass_of)
                .map(|(&e, &p)| e ^ (p == k))
                .collect()
        })
        .collect();
    worlds.push(vec![true; n]);
    worlds.push(vec![false; n]);
    let ups: Vec<Vec<bool>> = worlds.par_iter().map(|w| run(inp, w).up).collect();
    let f = |b: bool| f64::from(u8::from(b));
    let flipped: Vec<bool> = (0..n).map(|i| ups[pass_of[i]][i]).collect();
    let (mut if_enc, mut if_not) = (vec![0.0; n], vec![0.0; n]);
    for i in 0..n {
        let (a, b) = if enclave[i] {
            (observed[i], flipped[i])
        } else {
            (flipped[i], observed[i])
        };
        if_enc[i] = f(a);
        if_not[i] = f(b);
    }
    let (all, none) = (&ups[passes], &ups[passes + 1]);
    let direct =
        |keep: &dyn Fn(usize) -> bool| mean_where((0..n).map(|i| (if_enc[i] - if_not[i], keep(i))));
    let total = |keep: &dyn Fn(usize) -> bool| {
        mean_where((0..n).map(|i| (f(all[i]) - f(none[i]), keep(i))))
    };
    let mut effects = BTreeMap::new();
    for (new, old, v) in [
        ("ate_individual", "ate_direct", direct(&|_| true)),
        ("att_individual", "att_direct", direct(&|i| enclave[i])),
        ("atc_individual", "atc_direct", direct(&|i| !enclave[i])),
        ("ate_global", "ate_total", total(&|_| true)),
        ("att_global", "att_total", total(&|i| enclave[i])),
    ] {
        effects.insert(new.into(), v);
        effects.insert(old.into(), v);
    }
    effects.insert(
        "share_up_all_enclave".into(),
        all.iter().map(|&b| f(b)).sum::<f64>() / n as f64,
    );
    effects.insert(
        "share_up_no_enclave".into(),
        none.iter().map(|&b| f(b)).sum::<f64>() / n as f64,
    );
    Potential {
        up_if_enclave: if_enc,
        up_if_not_enclave: if_not,
        effects,
    }
}

/// Every numeric setting of a config as `section.key` (the structural
/// parameters).
pub fn flatten_params(value: &serde_json::Value, prefix: &str, out: &mut BTreeMap<String, f64>) {
    match value {
        serde_json::Value::Object(map) => {
            for (k, v) in map {
                let key = if prefix.is_empty() {
                    k.clone()
                } else {
                    format!("{prefix}.{k}")
                };
                flatten_params(v, &key, out);
            }
        }
        serde_json::Value::Number(x) => {
            if let Some(x) = x.as_f64() {
                out.insert(prefix.to_string(), x);
            }
        }
        serde_json::Value::Bool(b) => {
            out.insert(prefix.to_string(), f64::from(u8::from(*b)));
        }
        _ => {}
    }
}
