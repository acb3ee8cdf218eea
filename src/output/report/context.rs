//! What every part of the page reads: the run, the language, and the
//! walking minutes derived from it.

use serde_json::{Value, json};

use super::ReportOptions;
use super::basemap::Basemap;
use super::geometry::Coords;
use crate::analysis::catchment::Catchments;
use crate::analysis::coverage::Target;
use crate::analysis::siting::SitePlan;
use crate::analysis::study::{Full, Study};
use crate::crs::Crs;
use crate::input::Inputs;
use crate::model::UnitIx;
use crate::output::classes::minute_class;
use crate::output::i18n::Lang;

pub(super) struct Ctx<'a> {
    pub lang: Lang,
    pub inputs: &'a Inputs,
    pub study: &'a Study,
    pub ca: &'a Catchments,
    /// Index of the "any facility" target.
    pub any: Option<usize>,
    /// Metres walked per minute.
    pub mpm: f64,
    /// The walking limit and the report range, in minutes.
    pub limit_min: f64,
    pub report_min: f64,
    /// The online base map, if any.
    pub basemap: Option<&'a Basemap>,
    /// Suggested sites drawn on the map and listed.
    pub sites: Option<&'a SitePlan>,
}

impl<'a> Ctx<'a> {
    /// The context of a full run (a coverage-only one has no catchment
    /// figures, and no [`Full`] view).
    pub(super) fn new(inputs: &'a Inputs, full: Full<'a>, options: &ReportOptions<'a>) -> Ctx<'a> {
        let (study, ca) = (full.study, full.catchments);
        let mpm = study.settings.metres_per_minute();
        Ctx {
            lang: options.lang,
            basemap: options.basemap,
            sites: options.sites,
            inputs,
            study,
            ca,
            any: study.scenarios.now.target_index(Target::Any),
            mpm,
            limit_min: study.scenarios.now.settings.limit_m / mpm,
            report_min: study.scenarios.now.settings.report_m / mpm,
        }
    }

    /// How the page's positions are written: in the base map's CRS.
    pub(super) fn coords(&self) -> Coords<'a> {
        Coords {
            proj: &self.study.placement.proj,
            crs: self.basemap.map_or(Crs::Wgs84, Basemap::crs),
        }
    }

    pub(super) fn minutes(&self, t: usize, c: usize) -> Option<f64> {
        self.study.scenarios.now.nearest_m[t]
            .get(c)
            .map(|d| d / self.mpm)
    }

    pub(super) fn any_minutes(&self, c: usize) -> Option<f64> {
        self.any.and_then(|t| self.minutes(t, c))
    }

    pub(super) fn covered_any(&self, c: usize) -> bool {
        self.any
            .is_some_and(|t| self.study.scenarios.now.covered(t, c))
    }

    pub(super) fn class(&self, c: usize) -> usize {
        minute_class(
            self.any_minutes(c),
            self.study.placement.community_access[c].is_ok(),
            self.limit_min,
            self.report_min,
        )
    }

    pub(super) fn unit_name(&self, u: Option<UnitIx>) -> Value {
        u.map(|u| json!(self.inputs.units[u.get()].name))
            .unwrap_or(Value::Null)
    }

    /// The covered share of area `k` (0: the whole area) for any facility.
    pub(super) fn any_share(&self, k: usize) -> f64 {
        self.any
            .and_then(|t| self.study.areas[k].targets.get(t))
            .map(|t| t.share())
            .unwrap_or(0.0)
    }

    /// Facilities that count (existing, public) and are on the network.
    pub(super) fn counted_facilities(&self) -> usize {
        (0..self.inputs.facilities.len())
            .filter(|&i| {
                self.study.scenarios.counts_now[i]
                    && self.study.placement.facility_access[i].is_ok()
            })
            .count()
    }

    /// The name of unit `unit`, a dash for none.
    pub(super) fn area_name_or_none(&self, unit: Option<UnitIx>) -> String {
        match unit {
            None => crate::output::i18n::tr(self.lang, "js.none").to_string(),
            Some(u) => self.inputs.units[u.get()].name.clone(),
        }
    }

    /// The name of area `unit` (`None`: the whole area).
    pub(super) fn area_name(&self, unit: Option<UnitIx>) -> String {
        match unit {
            None => crate::output::i18n::tr(self.lang, "whole_area").to_string(),
            Some(u) => self.inputs.units[u.get()].name.clone(),
        }
    }
}
