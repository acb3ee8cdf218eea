//! Checks made before any output is drawn: every population total and
//! per-capita figure of a study is a finite number. One input value large
//! enough (a community of 1e308 people, two of 1e200 households) makes a
//! sum overflow to infinity, and a table or chart of it says nothing; the
//! run stops with [`Error::NotFinite`] naming the input, the column and
//! the largest values instead.

use std::path::Path;

use crate::analysis::study::Study;
use crate::config::Config;
use crate::input::Inputs;
use crate::model::PopulationSource;
use crate::{Error, Result};

/// How many of the largest values an error lists.
const SHOWN: usize = 3;

/// A value for a message: plain up to 1e15, else in exponent form.
fn value(x: f64) -> String {
    if x.is_finite() && x.abs() < 1e15 {
        format!("{x}")
    } else {
        format!("{x:e}")
    }
}

/// The `SHOWN` largest `(id, value, unit)` items (non-finite first), as
/// "C1 (1e308 people), C2 (2.5e307 people)".
fn largest<'a>(items: impl Iterator<Item = (&'a str, f64, &'a str)>) -> String {
    let mut v: Vec<(&str, f64, &str)> = items.collect();
    let key = |x: f64| if x.is_finite() { x } else { f64::INFINITY };
    v.sort_by(|a, b| key(b.1).total_cmp(&key(a.1)));
    v.truncate(SHOWN);
    v.iter()
        .map(|(id, x, unit)| format!("{id} ({} {unit})", value(*x)))
        .collect::<Vec<_>>()
        .join(", ")
}

fn display(p: &Path) -> String {
    p.display().to_string()
}

/// The communities' input for messages: the file, else the config.
fn communities_input(config: &Config, inputs: &Inputs) -> String {
    inputs
        .community_path
        .as_deref()
        .or(config.communities.as_ref().map(|c| c.path.as_path()))
        .map(display)
        .unwrap_or_else(|| format!("configuration {}", config.origin))
}

/// The facilities' inputs for messages.
fn facilities_input(config: &Config) -> String {
    if config.facilities.is_empty() {
        return format!("configuration {}", config.origin);
    }
    config
        .facilities
        .iter()
        .map(|f| display(&f.path))
        .collect::<Vec<_>>()
        .join(", ")
}

/// Population figures: per community, per area and target.
fn population_finite(inputs: &Inputs, study: &Study) -> bool {
    inputs.communities.iter().all(|c| c.population.is_finite())
        && study.areas.iter().all(|a| {
            a.population.is_finite()
                && a.unreachable_population.is_finite()
                && a.targets
                    .iter()
                    .all(|t| t.population.is_finite() && t.covered_population.is_finite())
        })
}

fn population_error(config: &Config, inputs: &Inputs) -> Error {
    let by_households = inputs
        .communities
        .iter()
        .max_by(|a, b| a.population.total_cmp(&b.population))
        .map(|c| c.population_source);
    let values =
        largest(
            inputs
                .communities
                .iter()
                .map(|c| match (c.population_source, c.households) {
                    (PopulationSource::Households, Some(h)) => (c.id.as_str(), h, "households"),
                    _ => (c.id.as_str(), c.population, "people"),
                }),
        );
    let (input, field, fix) = match by_households {
        Some(PopulationSource::Households) => (
            communities_input(config, inputs),
            "households",
            "give each community's households as a count of households (people = households x \
             household_size)",
        ),
        Some(PopulationSource::Estimate) => (
            format!("configuration {}", config.origin),
            "population.spread_total",
            "give the district's total population as a count of people",
        ),
        _ => (
            communities_input(config, inputs),
            "population",
            "give each community's population as a count of people",
        ),
    };
    Error::NotFinite {
        input,
        field: field.to_string(),
        message: format!(
            "the residents add up to more than a number can hold (the total overflows to \
             infinity), so no coverage share or per-capita figure can be computed; largest \
             values: {values}; {fix}"
        ),
    }
}

fn area_error(config: &Config, inputs: &Inputs, indoor: bool) -> Error {
    let (field, what) = if indoor {
        ("floor_area_m2", "indoor sports floor area")
    } else {
        ("area_m2", "outdoor sports area")
    };
    let values = largest(inputs.facilities.iter().map(|f| {
        let a = if indoor { f.floor_area_m2 } else { f.area_m2 };
        (f.id.as_str(), a, "m2")
    }));
    Error::NotFinite {
        input: facilities_input(config),
        field: field.to_string(),
        message: format!(
            "the facilities' {what} adds up to more than a number can hold (the total \
             overflows to infinity), so no per-capita figure can be computed; largest values: \
             {values}; give each facility's area in square metres"
        ),
    }
}

/// Refuse a study whose population totals or per-capita figures are not
/// finite numbers, naming the input file and column to fix. Call before
/// writing any output: a chart or table of an infinite total says
/// nothing.
pub fn check_figures(config: &Config, inputs: &Inputs, study: &Study) -> Result<()> {
    if !population_finite(inputs, study) {
        return Err(population_error(config, inputs));
    }
    let Some(ca) = &study.catchments else {
        return Ok(());
    };
    for u in &ca.units {
        let pc = &u.per_capita;
        if !pc.outdoor_m2.is_finite() {
            return Err(area_error(config, inputs, false));
        }
        if !pc.indoor_m2.is_finite() || !(pc.outdoor_m2 + pc.indoor_m2).is_finite() {
            return Err(area_error(config, inputs, true));
        }
        if !pc.population.is_finite() {
            return Err(population_error(config, inputs));
        }
    }
    // Figures derived from finite totals can still overflow (an area of
    // 1e300 m2 for 1e-10 people): name both inputs.
    let derived = ca.units.iter().all(|u| {
        let pc = &u.per_capita;
        [
            pc.outdoor_per_person(),
            pc.indoor_per_person(),
            pc.total_per_person(),
            u.sfca_outdoor_mean,
            u.sfca_indoor_mean,
            u.sfca_total_mean,
            u.share_below_target,
            u.gini_total,
        ]
        .iter()
        .chain(&u.tier_share)
        .chain(&u.window_share)
        .all(|x| x.is_finite())
    }) && [&ca.sfca_outdoor, &ca.sfca_indoor, &ca.sfca_total]
        .iter()
        .all(|v| v.iter().all(|x| x.is_finite()));
    if !derived {
        return Err(Error::NotFinite {
            input: format!(
                "{} and {}",
                communities_input(config, inputs),
                facilities_input(config)
            ),
            field: "population, area_m2, floor_area_m2".to_string(),
            message: "a per-capita sports area is not a finite number (an area too large for \
                      the population it serves); give populations as counts of people and areas \
                      in square metres"
                .to_string(),
        });
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn largest_lists_infinite_first() {
        let items = [("a", 1.0), ("b", f64::INFINITY), ("c", 1e308), ("d", 2.5)];
        assert_eq!(
            largest(items.iter().map(|(k, v)| (*k, *v, "people"))),
            "b (inf people), c (1e308 people), d (2.5 people)"
        );
    }
}
