//! The survey cohort as a columnar table with the DESIGN.md talent columns,
//! then the simulator's latent `true_` columns.

use super::config::Config;
use super::mechanism::{Agents, Support};
use super::network::Community;
use super::population::Population;
use crate::data::{Categorical, Column, Dataset};
use crate::studies::StudyError;

fn num(name: &str, v: Vec<f64>) -> (String, Column) {
    (name.to_string(), Column::Numeric(v))
}

/// Build the cohort table.
pub fn cohort(
    cfg: &Config,
    pop: &Population,
    net: &Community,
    a: &Agents,
) -> Result<Dataset, StudyError> {
    let cities: Vec<Option<&str>> = pop
        .city
        .iter()
        .map(|&c| Some(cfg.cities[c as usize].name.as_str()))
        .collect();
    let south = pop
        .city
        .iter()
        .map(|&c| f64::from(u8::from(cfg.cities[c as usize].south)))
        .collect();
    let age2 = pop.age.iter().map(|x| x * x).collect();
    let first = |v: &[(f64, f64)]| v.iter().map(|p| p.0).collect::<Vec<_>>();
    let second = |v: &[(f64, f64)]| v.iter().map(|p| p.1).collect::<Vec<_>>();
    let columns = vec![
        num("retain", a.retain.clone()),
        num("retain_after", a.retain_after.clone()),
        num("retain3", a.retain3.clone()),
        (
            "city".to_string(),
            Column::Categorical(Categorical::from_cells(&cities)),
        ),
        num("south", south),
        num("age", pop.age.clone()),
        num("age2", age2),
        num("male", pop.male.clone()),
        num("univ", pop.univ.clone()),
        num("cumulative", a.cumulative.clone()),
        num("interethnic", a.interethnic.clone()),
        num("indiv_capital", a.dummy(Support::SelfArranged)),
        num("kin_support", a.dummy(Support::Kin)),
        num("unit_support", a.dummy(Support::Unit)),
        num("particip_behavior", a.particip_behavior.clone()),
        num("particip_cognition", a.particip_cognition.clone()),
        num("true_index", a.index.clone()),
        num("true_willingness", a.willingness.clone()),
        num("true_local_ties", a.local_ties.clone()),
        num("true_conational_ties", net.degree.clone()),
        num(
            "true_community",
            net.graph.groups().iter().map(|&g| f64::from(g)).collect(),
        ),
        num("true_years_in_china", pop.years.clone()),
        num("true_other_support", a.dummy(Support::Other)),
        num("true_cognition_china", first(&a.cognition_counts)),
        num("true_cognition_home", second(&a.cognition_counts)),
        num("true_behavior_china", first(&a.behavior_counts)),
        num("true_behavior_home", second(&a.behavior_counts)),
        num("true_considered_before", a.before.clone()),
        num("true_trader", a.trader.clone()),
        num("true_embedded", a.embedded.clone()),
    ];
    Ok(Dataset::from_columns("talent cohort", columns)?)
}
