//! The measurement layer: how the SFRC questionnaire turned latent states
//! into the recorded variables (STUDIES.md, study "talent", Regressors).

/// A 5-point item (1 = absolutely unwilling .. 5 = very willing):
/// `clamp(round(latent + offset + noise z), 1, 5)`.
pub fn likert5(latent: f64, offset: f64, noise: f64, z: f64) -> f64 {
    (latent + offset + noise * z).round().clamp(1.0, 5.0)
}

/// Inter-ethnic contact willingness: the chat, befriend and marry items
/// combined by their mean, which is already on the 1-5 range.
pub fn interethnic_scale(items: [f64; 3]) -> f64 {
    items.iter().sum::<f64>() / 3.0
}

/// Answer to one China-versus-home comparison.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Comparison {
    /// China is better.
    ChinaBest,
    /// The home country is better.
    HomeBest,
    /// Neither is better.
    Neither,
}

/// "China best" when `v > cut`, "home best" when `v < -cut`.
pub fn compare(v: f64, cut: f64) -> Comparison {
    if v > cut {
        Comparison::ChinaBest
    } else if v < -cut {
        Comparison::HomeBest
    } else {
        Comparison::Neither
    }
}

/// The paper's reduction of a (China count, home count) pair:
/// `softmax(x)`, then the category of the larger probability, China = 1.
/// Equal counts give equal probabilities; the China code needs a strictly
/// larger one, so ties are coded home (0).
pub fn softmax_pick(china: f64, home: f64) -> f64 {
    let m = china.max(home);
    let (ec, eh) = ((china - m).exp(), (home - m).exp());
    let p_china = ec / (ec + eh);
    f64::from(u8::from(p_china > 0.5))
}

/// Logistic quantile `ln(u / (1 - u))`.
/// `u` is kept inside (0, 1) so the result is finite.
pub fn logistic_quantile(u: f64) -> f64 {
    let u = u.clamp(1e-300, 1.0 - f64::EPSILON / 2.0);
    (u / (1.0 - u)).ln()
}

/// Poisson(`mean`) by inversion of `u`: the smallest k with `F(k) >= u`
/// (monotone in `mean` for a fixed `u`, so common random numbers carry over).
pub fn poisson_quantile(mean: f64, u: f64) -> f64 {
    if mean <= 0.0 {
        return 0.0;
    }
    let mean = mean.min(600.0);
    let mut pmf = (-mean).exp();
    let mut cdf = pmf;
    let mut k = 0u32;
    while cdf < u && k < 10_000 {
        k += 1;
        pmf *= mean / f64::from(k);
        cdf += pmf;
        if pmf == 0.0 && f64::from(k) > mean {
            break;
        }
    }
    f64::from(k)
}

/// The retention items built from the index `U* = x'b + e`:
/// `retain = 1{U* > 0}`; the duration answer ("how long do you wish to
/// stay") is 1 = leave as soon as possible, 2 = longer, 3 = permanently,
/// read from `U* + noise * e_d` at the two cut points, and always 1 for
/// non-retainers. A retainer answering 1 must have considered immigrating
/// (the binary outcome is an "or" of the two questions); `before` says it
/// was before arriving, which the after-arrival outcome does not count.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct RetentionAnswers {
    /// Intends to stay in China (1) or not (0): the paper's retention outcome.
    pub retain: f64,
    /// Decided to stay after arriving (1) or not (0).
    pub retain_after: f64,
    /// The three-level duration answer (1, 2 or 3).
    pub retain3: f64,
    /// Considered staying before arriving (1) or not (0).
    pub before: f64,
}

/// Inputs of [`retention_answers`].
#[derive(Debug, Clone, Copy)]
pub struct RetentionDraw {
    /// Uniform draw of the retention decision.
    pub u_star: f64,
    /// Logistic noise of the duration answer (before scaling).
    pub e_duration: f64,
    /// Probability of "considered before arriving".
    pub p_before: f64,
    /// Uniform draw of the "considered before arriving" answer.
    pub u_before: f64,
}

/// The survey's retention answers of one agent from its draws, the duration answer's noise scale `noise` and its two cut points `cuts`.
pub fn retention_answers(d: RetentionDraw, noise: f64, cuts: (f64, f64)) -> RetentionAnswers {
    let retain = d.u_star > 0.0;
    let s = d.u_star + noise * d.e_duration;
    let stay = if retain {
        1.0 + f64::from(u8::from(s > cuts.0)) + f64::from(u8::from(s > cuts.1))
    } else {
        1.0
    };
    let before = retain && stay == 1.0 && d.u_before < d.p_before;
    RetentionAnswers {
        retain: f64::from(u8::from(retain)),
        retain_after: f64::from(u8::from(retain && !before)),
        retain3: stay,
        before: f64::from(u8::from(before)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn softmax_pick_is_strict_argmax() {
        assert_eq!(softmax_pick(2.0, 1.0), 1.0);
        assert_eq!(softmax_pick(1.0, 2.0), 0.0);
        assert_eq!(softmax_pick(1.0, 1.0), 0.0);
        assert_eq!(softmax_pick(0.0, 0.0), 0.0);
    }

    #[test]
    fn likert_is_clamped_and_rounded() {
        assert_eq!(likert5(9.0, 0.0, 0.0, 0.0), 5.0);
        assert_eq!(likert5(-3.0, 0.0, 0.0, 0.0), 1.0);
        assert_eq!(likert5(3.4, 0.0, 0.0, 0.0), 3.0);
        assert_eq!(interethnic_scale([5.0, 4.0, 3.0]), 4.0);
    }

    #[test]
    fn poisson_quantile_matches_cdf() {
        // Poisson(2): F(0) = e^-2 = 0.1353, F(1) = 3 e^-2 = 0.4060, F(2) = 0.6767.
        assert_eq!(poisson_quantile(2.0, 0.10), 0.0);
        assert_eq!(poisson_quantile(2.0, 0.20), 1.0);
        assert_eq!(poisson_quantile(2.0, 0.50), 2.0);
        assert_eq!(poisson_quantile(0.0, 0.99), 0.0);
        let mean: f64 = (0..20_000)
            .map(|k| poisson_quantile(3.5, (k as f64 + 0.5) / 20_000.0))
            .sum::<f64>()
            / 20_000.0;
        assert!((mean - 3.5).abs() < 1e-2, "{mean}");
    }

    #[test]
    fn retention_answers_respect_the_or_definition() {
        let draw = |u_star, e_duration, u_before| RetentionDraw {
            u_star,
            e_duration,
            p_before: 0.5,
            u_before,
        };
        let a = retention_answers(draw(-0.1, 5.0, 0.0), 1.0, (0.5, 2.5));
        assert_eq!((a.retain, a.retain_after, a.retain3), (0.0, 0.0, 1.0));
        let b = retention_answers(draw(0.2, 0.0, 0.1), 1.0, (0.5, 2.5));
        assert_eq!(
            (b.retain, b.retain_after, b.retain3, b.before),
            (1.0, 0.0, 1.0, 1.0)
        );
        let c = retention_answers(draw(0.2, 0.0, 0.9), 1.0, (0.5, 2.5));
        assert_eq!((c.retain, c.retain_after), (1.0, 1.0));
        let d = retention_answers(draw(3.0, 0.0, 0.0), 1.0, (0.5, 2.5));
        assert_eq!((d.retain_after, d.retain3, d.before), (1.0, 3.0, 0.0));
    }
}
