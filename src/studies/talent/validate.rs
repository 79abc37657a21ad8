//! Range checks of a talent [`Config`], each error naming its key.

use super::config::{Config, Region};
use crate::studies::StudyError;

fn share(key: &str, v: f64) -> Result<(), StudyError> {
    if (0.0..=1.0).contains(&v) {
        Ok(())
    } else {
        Err(StudyError::invalid(
            key,
            format!("expected a share in [0, 1], got {v}"),
        ))
    }
}

fn nonneg(key: &str, v: f64) -> Result<(), StudyError> {
    if v.is_finite() && v >= 0.0 {
        Ok(())
    } else {
        Err(StudyError::invalid(
            key,
            format!("expected a finite number >= 0, got {v}"),
        ))
    }
}

fn finite(key: &str, values: &[f64]) -> Result<(), StudyError> {
    match values.iter().find(|v| !v.is_finite()) {
        Some(v) => Err(StudyError::invalid(
            key,
            format!("expected finite numbers, got {v}"),
        )),
        None => Ok(()),
    }
}

fn validate_region(name: &str, r: &Region) -> Result<(), StudyError> {
    share(&format!("{name}.unit_share"), r.unit_share)?;
    share(&format!("{name}.kin_share"), r.kin_share)?;
    share(&format!("{name}.self_share"), r.self_share)?;
    share(&format!("{name}.cumulative_share"), r.cumulative_share)?;
    share(&format!("{name}.univ_share"), r.univ_share)?;
    finite(&format!("{name}.particip_shift"), &[r.particip_shift])?;
    let total = r.unit_share + r.kin_share + r.self_share;
    if total > 1.0 + 1e-12 || r.unit_share >= 1.0 {
        return Err(StudyError::invalid(
            format!("{name}.unit_share"),
            format!("unit + kin + self shares must be <= 1 with unit < 1, got {total}"),
        ));
    }
    nonneg(&format!("{name}.local_tie_rate"), r.local_tie_rate)?;
    share(&format!("{name}.danwei_benefit"), r.danwei_benefit)?;
    share(&format!("{name}.unit_events"), r.unit_events)?;
    share(&format!("{name}.trader_share"), r.trader_share)
}

fn validate_cities(cfg: &Config) -> Result<(), StudyError> {
    if cfg.cities.is_empty() || cfg.cities.len() > 255 {
        return Err(StudyError::invalid("cities", "expected 1 to 255 cities"));
    }
    for (i, c) in cfg.cities.iter().enumerate() {
        let key = format!("cities[{i}]");
        if c.share.is_nan() || c.share < 0.0 {
            return Err(StudyError::invalid(
                format!("{key}.share"),
                "expected a share >= 0",
            ));
        }
        if c.nationalities == 0 {
            return Err(StudyError::invalid(
                format!("{key}.nationalities"),
                "expected >= 1",
            ));
        }
        nonneg(&format!("{key}.conational_degree"), c.conational_degree)?;
    }
    let total: f64 = cfg.cities.iter().map(|c| c.share).sum();
    if (total - 1.0).abs() > 1e-3 {
        return Err(StudyError::invalid(
            "cities",
            format!("city shares must sum to 1, got {total}"),
        ));
    }
    for name in &cfg.policy.particip_cities {
        if !cfg.cities.iter().any(|c| &c.name == name) {
            return Err(StudyError::invalid(
                "policy.particip_cities",
                format!("unknown city `{name}` (expected one of the configured city names)"),
            ));
        }
    }
    Ok(())
}

/// Check every parameter range, naming the key.
pub fn validate(cfg: &Config) -> Result<(), StudyError> {
    if cfg.n < 2 {
        return Err(StudyError::invalid(
            "n",
            format!("expected at least 2 agents, got {}", cfg.n),
        ));
    }
    validate_cities(cfg)?;
    share("male_share", cfg.male_share)?;
    nonneg("age_sd", cfg.age_sd)?;
    nonneg("age_trunc_z", cfg.age_trunc_z)?;
    nonneg("years_min", cfg.years_min)?;
    nonneg("years_mean_extra", cfg.years_mean_extra)?;
    finite("age_mean", &[cfg.age_mean])?;
    finite("index", &cfg.index.values())?;
    finite(
        "retention",
        &[
            cfg.retention.community,
            cfg.retention.trader_shift,
            cfg.retention.embedded,
            cfg.retention.local_ties,
        ],
    )?;
    nonneg("retention.market_noise", cfg.retention.market_noise)?;
    validate_region("changchun", &cfg.changchun)?;
    validate_region("south", &cfg.south)?;
    share("network.tie_weight", cfg.network.tie_weight)?;
    nonneg("network.unit_on_ties", cfg.network.unit_on_ties)?;
    finite(
        "network",
        &[cfg.network.enclosure, cfg.network.willingness_on_ties],
    )?;
    let w = &cfg.willingness;
    nonneg("willingness.sd", w.sd)?;
    nonneg("willingness.item_noise", w.item_noise)?;
    finite("willingness", &[w.mean, w.local_ties])?;
    finite("willingness.item_offsets", &w.item_offsets)?;
    let c = &cfg.cognition;
    nonneg("cognition.sd", c.sd)?;
    nonneg("cognition.cut", c.cut)?;
    finite("cognition", &[c.mean, c.willingness_loading, c.local_ties])?;
    finite("cognition.item_offsets", &c.item_offsets)?;
    let b = &cfg.behavior;
    finite(
        "behavior",
        &[
            b.association_const,
            b.association_ties,
            b.volunteer_const,
            b.volunteer_unit,
            b.willingness_loading,
        ],
    )?;
    share("behavior.home_election", b.home_election)?;
    share("behavior.home_association", b.home_association)?;
    let o = &cfg.outcome;
    nonneg("outcome.duration_noise", o.duration_noise)?;
    if !(o.cut_longer.is_finite() && o.cut_permanent.is_finite() && o.cut_longer <= o.cut_permanent)
    {
        return Err(StudyError::invalid(
            "outcome.cut_permanent",
            "expected finite cut points with cut_longer <= cut_permanent",
        ));
    }
    finite(
        "outcome",
        &[
            o.before_const,
            o.before_kin,
            o.before_cumulative,
            o.before_age10,
        ],
    )?;
    finite("policy.particip_boost_sd", &[cfg.policy.particip_boost_sd])?;
    share(
        "policy.unit_support_south_boost",
        cfg.policy.unit_support_south_boost,
    )
}
