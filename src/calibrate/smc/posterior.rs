//! One Bayesian calibration from options to `Posterior`: the objective
//! of [`crate::calibrate::setup`], the priors, the sampler, summaries and
//! the posterior predictive check.

use std::sync::atomic::Ordering;
use std::time::Instant;

use super::SmcError;
use super::likelihood::StudyTarget;
use super::posterior_file::PosteriorSample;
use super::predictive::predictive;
use super::prior::{Prior, Priors};
use super::result::{ParamSummary, Posterior};
use super::sampler::{self, Run, Settings};
use crate::calibrate::geography::GeographyReport;
use crate::calibrate::objective::{Objective, Watched};
use crate::calibrate::setup::{Options, geography_cohorts, setup};
use crate::calibrate::spec::parse_targets_file;
use crate::monitor::{Monitor, SILENT};
use crate::seed::{Component, derive};

/// Stream tag of the sampler seed derived from `--seed`.
pub(crate) const SEED_STREAM: u64 = 0x5AC0_0000;

/// Sampler settings and the size of the predictive check.
#[derive(Debug, Clone, Copy)]
pub struct SmcOptions {
    /// SMC particles (`--particles`).
    pub particles: usize,
    /// Metropolis moves per stage (`--moves`).
    pub moves: usize,
    /// Posterior draws (one cohort each) of the predictive check.
    pub predictive: usize,
}

impl Default for SmcOptions {
    fn default() -> SmcOptions {
        SmcOptions {
            particles: 200,
            moves: 4,
            predictive: 40,
        }
    }
}

impl SmcOptions {
    /// Sampler settings for master seed `seed` (stream `index`).
    pub fn settings(&self, seed: u64, index: u64) -> Settings {
        Settings {
            particles: self.particles,
            moves: self.moves,
            seed: derive(seed, index, Component::Custom(SEED_STREAM)),
            ..Settings::default()
        }
    }

    /// Refuse bad sizes before any simulation.
    pub fn check(&self) -> Result<(), SmcError> {
        sampler::check(&self.settings(0, 0))?;
        if !(2..=100_000).contains(&self.predictive) {
            return Err(SmcError::Option {
                option: "--predictive",
                reason: format!("{}: expected between 2 and 100000 draws", self.predictive),
            });
        }
        Ok(())
    }
}

/// The priors of `o`'s free parameters: uniform on their bounds unless
/// the targets file has a `[[prior]]` for the key.
pub(crate) fn priors_of(opts: &Options, o: &Objective) -> Result<Priors, SmcError> {
    let keys: Vec<String> = o.free.iter().map(|p| p.key.clone()).collect();
    let bounds: Vec<(f64, f64)> = o.free.iter().map(|p| (p.lower, p.upper)).collect();
    let entries = match &opts.targets_file {
        None => Vec::new(),
        Some(path) => {
            let file = path.display().to_string();
            let src = std::fs::read_to_string(path).map_err(|source| {
                SmcError::Calibrate(crate::calibrate::CalibrateError::Read {
                    file: file.clone(),
                    source,
                })
            })?;
            parse_targets_file(o.study, &src, &file)?.priors
        }
    };
    Priors::resolve(&keys, &bounds, &entries).map_err(|(source, line)| SmcError::Prior {
        file: opts
            .targets_file
            .as_ref()
            .map_or_else(String::new, |p| p.display().to_string()),
        line,
        source,
    })
}

/// SD of a prior (uniform: `(b − a)/√12`; normal: its σ, an upper bound
/// of the truncated SD).
fn prior_sd(p: &Prior) -> f64 {
    match *p {
        Prior::Uniform { lower, upper } => (upper - lower) / 12f64.sqrt(),
        Prior::Normal { sd, .. } => sd,
    }
}

/// Run the sampler on `o`; returns the run and the cohorts simulated.
pub fn sample(o: &Objective, priors: Priors, s: &Settings) -> Result<(Run, u64), SmcError> {
    let target = StudyTarget::new(o, priors);
    let run = sampler::run(&target, s)?;
    Ok((run, target.simulations.load(Ordering::Relaxed)))
}

/// The weighted draws of a run.
pub(crate) fn sample_of(o: &Objective, run: &Run) -> PosteriorSample {
    PosteriorSample {
        params: o.free.iter().map(|p| p.key.clone()).collect(),
        draws: run.particles.clone(),
        weights: run.weights.clone(),
    }
}

/// Sample the posterior of `opts`' calibration.
pub fn posterior(opts: &Options, smc: &SmcOptions) -> Result<Posterior, SmcError> {
    posterior_monitored(opts, smc, &SILENT)
}

/// The cohorts one SMC run plans: the particles at the start and at each
/// move of [`PLANNED_STAGES`] stages, R cohorts each (the progress total).
pub(crate) fn planned_cohorts(opts: &Options, smc: &SmcOptions) -> usize {
    smc.particles * (1 + smc.moves * PLANNED_STAGES) * opts.reps
}

/// Stages assumed by the progress total (the sampler adapts their number).
pub(crate) const PLANNED_STAGES: usize = 8;

/// [`posterior`], reporting cohorts simulated to `monitor`; once it is
/// cancelled no further cohort runs and the call returns
/// [`SmcError::Cancelled`].
pub fn posterior_monitored(
    opts: &Options,
    smc: &SmcOptions,
    monitor: &dyn Monitor,
) -> Result<Posterior, SmcError> {
    let clock = Instant::now();
    smc.check()?;
    let (o, _, target_set) = setup(opts)?;
    let mut o: Objective<'_> = o;
    o.monitor = Watched::new(
        monitor,
        planned_cohorts(opts, smc) + smc.predictive * opts.reps,
    );
    let priors = priors_of(opts, &o)?;
    let settings = smc.settings(opts.seed, 0);
    let sampled = sample(&o, priors.clone(), &settings);
    if o.cancelled() {
        return Err(SmcError::Cancelled);
    }
    let (run, sims) = sampled?;
    let sample = sample_of(&o, &run);
    let params = ParamSummary::of(&sample, &priors.0);
    let pred_seed = derive(opts.seed, 1, Component::Custom(SEED_STREAM));
    let pred = predictive(&o, &sample, smc.predictive, pred_seed, opts.heldout);
    if o.cancelled() {
        return Err(SmcError::Cancelled);
    }
    let mut warnings = Vec::new();
    for p in &params {
        if p.sd > 0.8 * prior_sd(&p.prior) {
            warnings.push(format!(
                "the targets barely pin down `{}`: posterior sd {:.4} against prior sd {:.4}",
                p.name,
                p.sd,
                prior_sd(&p.prior)
            ));
        }
    }
    if run.ess < 0.2 * smc.particles as f64 {
        warnings.push(format!(
            "final ESS {:.0} of {} particles; raise --particles",
            run.ess, smc.particles
        ));
    }
    for t in pred.targets.iter().chain(&pred.heldout) {
        if t.failures > 0 {
            warnings.push(format!(
                "{} / {} / {}: estimator failed on {} of {} predictive cohorts",
                t.table, t.spec, t.term, t.failures, pred.draws
            ));
        }
    }
    Ok(Posterior {
        study: o.study,
        method: "smc",
        params,
        settings,
        stages: run.stages.clone(),
        evaluations: run.evaluations,
        simulations: sims + pred.draws as u64,
        ess: run.ess,
        ln_evidence: run.ln_evidence,
        predictive: pred,
        reps: opts.reps,
        seed: opts.seed,
        n: o.n,
        target_set,
        geography: GeographyReport::of(&o, geography_cohorts(opts)),
        elapsed_s: clock.elapsed().as_secs_f64(),
        warnings,
        sample,
    })
}
