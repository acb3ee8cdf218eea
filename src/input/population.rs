//! Population as bureaus have it: a census total per unit (街道常住人口)
//! spread over the unit's communities by their households, or evenly
//! (`[population] from_units`). Communities with their own population
//! figure keep it; the rest of the unit's total is shared among the
//! others. Every spread figure is an estimate and says so.

use geo::{Contains, Intersects};

use super::Inputs;
use crate::config::{Config, PopulationSpec, UnitSpread};
use crate::model::{Community, PopulationSource};
use crate::{Error, Result};

/// The unit (index) each community's representative point lies in: the
/// first unit in input order that holds it, `None` outside every unit.
fn unit_of(inputs: &Inputs) -> Vec<Option<usize>> {
    inputs
        .communities
        .iter()
        .map(|c| {
            let p = crate::spatial::representative_point(&c.geometry)?;
            inputs
                .units
                .iter()
                .position(|u| u.geometry.contains(&p))
                .or_else(|| inputs.units.iter().position(|u| u.geometry.intersects(&p)))
        })
        .collect()
}

/// Spread each unit's population over its communities when the config
/// says so (`[population] from_units`); `totals` are the units'
/// (population, households) in input order.
pub(super) fn spread_unit_totals(
    config: &Config,
    pop: &PopulationSpec,
    totals: Option<&[(Option<f64>, Option<f64>)]>,
    inputs: &mut Inputs,
) -> Result<()> {
    let Some(how) = pop.from_units else {
        return Ok(());
    };
    let origin = config.origin.clone();
    if pop.spread_total.is_some() {
        return Err(Error::config(
            origin,
            "[population] sets both spread_total and from_units; keep one",
        ));
    }
    let (Some(totals), Some(units_spec)) = (totals, &config.units) else {
        return Err(Error::config(
            origin,
            "[population] from_units needs [units]: a CSV or GeoJSON file of units with a \
             population column",
        ));
    };
    let units_path = units_spec.path.clone();
    let unit_of = unit_of(inputs);
    let community_path = inputs.community_path.clone().unwrap_or_default();
    let mut spread = 0;
    for (u, unit) in inputs.units.iter().enumerate() {
        let members: Vec<usize> = (0..inputs.communities.len())
            .filter(|&c| unit_of[c] == Some(u))
            .collect();
        let given: f64 = members
            .iter()
            .map(|&c| &inputs.communities[c])
            .filter(|c| c.population_source == PopulationSource::Given)
            .map(|c| c.population)
            .sum();
        let open: Vec<usize> = members
            .iter()
            .copied()
            .filter(|&c| inputs.communities[c].population_source != PopulationSource::Given)
            .collect();
        if open.is_empty() {
            continue;
        }
        let Some(total) = totals[u].0 else {
            return Err(Error::file(
                &units_path,
                format!(
                    "unit {:?} ({}) has no population, and {} of its communities have none \
                     of their own; fill in the unit's population",
                    unit.name,
                    unit.id,
                    open.len()
                ),
            ));
        };
        let rest = total - given;
        if rest < 0.0 {
            return Err(Error::file(
                &units_path,
                format!(
                    "unit {:?} ({}): its communities' own population ({given:.0}) is more \
                     than the unit's {total:.0}; check the figures",
                    unit.name, unit.id
                ),
            ));
        }
        let weights = weights(how, &open, &inputs.communities, &community_path)?;
        let sum: f64 = weights.iter().sum();
        for (&c, w) in open.iter().zip(&weights) {
            let com = &mut inputs.communities[c];
            com.population = if sum > 0.0 { rest * w / sum } else { 0.0 };
            com.population_source = PopulationSource::UnitSpread;
        }
        spread += open.len();
    }
    check_outside(inputs, &unit_of, &community_path)?;
    if spread > 0 {
        inputs.notes.push(format!(
            "population is an ESTIMATE for {spread} communities: each unit's population (from \
             {}) spread over its communities {}; communities with their own figure keep it",
            units_path.display(),
            match how {
                UnitSpread::Households => "in proportion to their households",
                UnitSpread::Even => "evenly",
            }
        ));
    }
    Ok(())
}

/// The share weights of the communities `open`: their households, or 1
/// each. A community without households is an error naming it.
fn weights(
    how: UnitSpread,
    open: &[usize],
    communities: &[Community],
    path: &std::path::Path,
) -> Result<Vec<f64>> {
    open.iter()
        .map(|&c| match how {
            UnitSpread::Even => Ok(1.0),
            UnitSpread::Households => communities[c].households.ok_or_else(|| {
                Error::file(
                    path,
                    format!(
                        "community {:?} ({}) has no households, so its share of the unit's \
                         population cannot be worked out; fill in its households or set \
                         [population] from_units = \"even\"",
                        communities[c].name, communities[c].id
                    ),
                )
            }),
        })
        .collect()
}

/// A community outside every unit keeps its own population, or households
/// x size; one with neither is an error naming it.
fn check_outside(inputs: &Inputs, unit_of: &[Option<usize>], path: &std::path::Path) -> Result<()> {
    let lost = inputs
        .communities
        .iter()
        .zip(unit_of)
        .find(|(c, u)| u.is_none() && c.population_source == PopulationSource::UnitSpread);
    match lost {
        Some((c, _)) => Err(Error::file(
            path,
            format!(
                "community {:?} ({}) lies outside every unit and has no population or \
                 households of its own; give it one or check the units' boundaries",
                c.name, c.id
            ),
        )),
        None => Ok(()),
    }
}
