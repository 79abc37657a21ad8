//! A posterior and an SBC run as text, and their files: `posterior.csv`
//! (weighted draws), `posterior.json` (the `--json` document); `sbc.json`,
//! `sbc_ranks.csv`, `sbc_intervals.csv` and the rank histogram `sbc_ranks.svg`. Each set is
//! written whole or not at all ([`write_dir_atomic`]).

use std::fmt;
use std::path::{Path, PathBuf};

use super::SmcError;
use super::result::{Posterior, PredictiveRow, QUANTILES};
use super::sbc::Sbc;
use crate::io::write_dir_atomic;

fn opt(v: Option<f64>) -> String {
    v.map_or_else(|| format!("{:>10}", "-"), |x| format!("{x:>10.4}"))
}

fn predictive_rows(f: &mut fmt::Formatter<'_>, title: &str, rows: &[PredictiveRow]) -> fmt::Result {
    writeln!(f, "\n{title}")?;
    writeln!(
        f,
        "  {:<8} {:<34} {:<22} {:>10} {:>10} {:>10} {:>10} {:>7}",
        "table", "spec", "term", "published", "pred mean", "2.5%", "97.5%", "inside"
    )?;
    for r in rows {
        let spec: String = r.spec.chars().take(34).collect();
        let term: String = r.term.chars().take(22).collect();
        writeln!(
            f,
            "  {:<8} {:<34} {:<22} {:>10.4} {} {} {} {:>7}",
            r.table,
            spec,
            term,
            r.published,
            opt(r.mean),
            opt(r.low),
            opt(r.high),
            match r.inside {
                Some(true) => "yes",
                Some(false) => "NO",
                None => "-",
            }
        )?;
    }
    Ok(())
}

impl fmt::Display for Posterior {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(
            f,
            "Posterior of the {} study by tempered SMC with a Gaussian synthetic likelihood \
             (n = {}, R = {}, seed = {}, {} particles, {} moves/stage, targets: {})",
            self.study,
            self.n,
            self.reps,
            self.seed,
            self.settings.particles,
            self.settings.moves,
            self.target_set
        )?;
        writeln!(
            f,
            "\n  {:<36} {:>9} {:>9} {:>9} {:>9} {:>9} {:>9} {:>9}",
            "parameter", "prior", "mean", "sd", "2.5%", "median", "97.5%", "bounds"
        )?;
        let at = |p: f64| QUANTILES.iter().position(|q| *q == p).unwrap_or(0);
        for p in &self.params {
            let (lo, hi) = match p.prior {
                super::prior::Prior::Uniform { lower, upper }
                | super::prior::Prior::Normal { lower, upper, .. } => (lower, upper),
            };
            let prior = match p.prior {
                super::prior::Prior::Uniform { .. } => "uniform".to_string(),
                super::prior::Prior::Normal { mean, sd, .. } => format!("N({mean},{sd})"),
            };
            writeln!(
                f,
                "  {:<36} {:>9} {:>9.4} {:>9.4} {:>9.4} {:>9.4} {:>9.4}  [{lo}, {hi}]",
                p.name,
                prior,
                p.mean,
                p.sd,
                p.quantiles[at(0.025)],
                p.quantiles[at(0.5)],
                p.quantiles[at(0.975)],
            )?;
        }
        write!(f, "{}", self.geography)?;
        writeln!(
            f,
            "\n  stage  temperature        ESS  acceptance   evaluations"
        )?;
        for (i, s) in self.stages.iter().enumerate() {
            writeln!(
                f,
                "  {:>5}  {:>11.4e} {:>10.1} {:>11.3} {:>13}",
                i + 1,
                s.temperature,
                s.ess,
                s.acceptance,
                s.evaluations
            )?;
        }
        predictive_rows(
            f,
            &format!(
                "Posterior predictive, targets ({} draws, one cohort each)",
                self.predictive.draws
            ),
            &self.predictive.targets,
        )?;
        if !self.predictive.heldout.is_empty() {
            predictive_rows(
                f,
                "Posterior predictive, held out",
                &self.predictive.heldout,
            )?;
        }
        writeln!(
            f,
            "\n{} evaluations, {} cohorts simulated in {:.1} s; final ESS {:.1}; ln evidence {:.3}",
            self.evaluations, self.simulations, self.elapsed_s, self.ess, self.ln_evidence
        )?;
        let pct = |v: Option<f64>| v.map_or("-".into(), |x| format!("{:.0}%", 100.0 * x));
        writeln!(
            f,
            "published value inside the 95% predictive interval: targets {}, held-out rows {}",
            pct(self.predictive.targets_inside),
            pct(self.predictive.heldout_inside)
        )?;
        for w in &self.warnings {
            writeln!(f, "warning: {w}")?;
        }
        Ok(())
    }
}

impl fmt::Display for Sbc {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(
            f,
            "Simulation-based calibration{}: K = {} prior draws, L = {} posterior draws per rank, {} bins",
            self.study
                .map_or(String::new(), |s| format!(" of the {s} study")),
            self.draws,
            self.rank_draws,
            self.bins
        )?;
        writeln!(
            f,
            "\n  {:<36} {:>9} {:>4} {:>9}  {:<6} counts",
            "parameter", "chi2", "df", "p", "pass"
        )?;
        for p in &self.params {
            writeln!(
                f,
                "  {:<36} {:>9.3} {:>4} {:>9.4}  {:<6} {:?}",
                p.name,
                p.chi2,
                p.df,
                p.p_value,
                if p.passes { "yes" } else { "NO" },
                p.counts
            )?;
        }
        writeln!(
            f,
            "\nCoverage of the true θ by the 95% intervals over the {} draws \
             (share ± Monte Carlo SE; mean width), posterior vs --method ii sandwich \
             (truncated normal on the bounds):",
            self.draws
        )?;
        writeln!(
            f,
            "  {:<36} {:>17} {:>10} {:>17} {:>10}",
            "parameter", "posterior", "width", "sandwich", "width"
        )?;
        for c in &self.coverage {
            let cell = |c: &super::coverage::Coverage| format!("{:.3} ± {:.3}", c.share, c.mc_se);
            writeln!(
                f,
                "  {:<36} {:>17} {:>10.4} {:>17} {:>10.4}",
                c.name,
                cell(&c.posterior),
                c.posterior.mean_width,
                cell(&c.sandwich),
                c.sandwich.mean_width
            )?;
        }
        if self.ii_not_converged > 0 {
            writeln!(
                f,
                "  (--method ii did not converge on {} of {} draws; their intervals are counted)",
                self.ii_not_converged, self.draws
            )?;
        }
        writeln!(
            f,
            "\n{} evaluations, {} cohorts simulated in {:.1} s (pass: p >= {})",
            self.evaluations, self.simulations, self.elapsed_s, self.level
        )
    }
}

fn written(r: Result<Vec<PathBuf>, crate::io::WriteError>) -> Result<Vec<PathBuf>, SmcError> {
    r.map_err(|e| SmcError::Write {
        file: e.path.display().to_string(),
        source: e.source,
    })
}

impl Posterior {
    /// Write `dir/posterior.csv` and `dir/posterior.json` (the command
    /// line writes through the job driver, which with `--format parquet`
    /// turns `posterior.csv` into `posterior.parquet`).
    pub fn write(&self, dir: &Path) -> Result<Vec<PathBuf>, SmcError> {
        written(write_dir_atomic(dir, &self.files(dir)?))
    }

    /// The files [`Posterior::write`] writes, by name (`dir` names them
    /// in an error).
    pub fn files(&self, dir: &Path) -> Result<[(&'static str, Vec<u8>); 2], SmcError> {
        let json = serde_json::to_vec_pretty(self).map_err(|e| SmcError::Write {
            file: dir.join("posterior.json").display().to_string(),
            source: std::io::Error::other(e),
        })?;
        Ok([
            ("posterior.csv", self.sample.to_csv().into_bytes()),
            ("posterior.json", json),
        ])
    }
}

impl Sbc {
    /// `sbc_ranks.csv`: one row per prior draw, the truth and rank of each parameter.
    pub fn ranks_csv(&self) -> String {
        let mut s = String::from("draw");
        for p in &self.params {
            s.push_str(&format!(",{0},{0}.rank", p.name));
        }
        s.push('\n');
        for (k, t) in self.truths.iter().enumerate() {
            s.push_str(&k.to_string());
            for (j, p) in self.params.iter().enumerate() {
                s.push_str(&format!(",{},{}", t[j], p.ranks[k]));
            }
            s.push('\n');
        }
        s
    }

    /// `sbc_intervals.csv`: one row per prior draw and parameter, the truth,
    /// both 95% intervals and whether each covers the truth.
    pub fn intervals_csv(&self) -> String {
        let mut s = String::from(
            "draw,parameter,truth,posterior_low,posterior_high,posterior_covers,\
             ii_estimate,ii_se,sandwich_low,sandwich_high,sandwich_covers\n",
        );
        for (k, rows) in self.intervals.iter().enumerate() {
            for (p, r) in self.params.iter().zip(rows) {
                let covers = |lo: f64, hi: f64| u8::from((lo..=hi).contains(&r.truth));
                s.push_str(&format!(
                    "{k},{},{},{},{},{},{},{},{},{},{}\n",
                    p.name,
                    r.truth,
                    r.posterior_low,
                    r.posterior_high,
                    covers(r.posterior_low, r.posterior_high),
                    r.estimate,
                    r.se,
                    r.sandwich_low,
                    r.sandwich_high,
                    covers(r.sandwich_low, r.sandwich_high)
                ));
            }
        }
        s
    }

    /// Write `dir/sbc.json`, `dir/sbc_ranks.csv`, `dir/sbc_intervals.csv`
    /// and `dir/sbc_ranks.svg`.
    pub fn write(&self, dir: &Path, svg: String) -> Result<Vec<PathBuf>, SmcError> {
        written(write_dir_atomic(dir, &self.files(dir, svg)?))
    }

    /// The files [`Sbc::write`] writes, by name.
    pub fn files(&self, dir: &Path, svg: String) -> Result<[(&'static str, Vec<u8>); 4], SmcError> {
        let json = serde_json::to_vec_pretty(self).map_err(|e| SmcError::Write {
            file: dir.join("sbc.json").display().to_string(),
            source: std::io::Error::other(e),
        })?;
        Ok([
            ("sbc.json", json),
            ("sbc_ranks.csv", self.ranks_csv().into_bytes()),
            ("sbc_intervals.csv", self.intervals_csv().into_bytes()),
            ("sbc_ranks.svg", svg.into_bytes()),
        ])
    }
}
