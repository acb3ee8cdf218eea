//! One whole run over loaded inputs, stage by stage, each stage a function
//! of its own module with a typed result:
//!
//! 1. [`placement`](super::placement): projection, swapped-coordinate
//!    check, snapping, snap points inserted, spatial renumbering, the graph;
//! 2. [`scenario`](super::scenario): which facilities count now and after
//!    the planned projects, and the coverage of each;
//! 3. [`units`](super::units): units of communities and facilities, totals
//!    per area;
//! 4. [`catchment`](super::catchment): tiers, time windows, 2SFCA and
//!    per-capita figures (not in a coverage-only run);
//! 5. [`covered_area`](super::covered_area): isochrone polygons.
//!
//! Gaps and the scorecard ([`super::gaps`]) are assessed from the
//! resulting [`Study`]. Each stage is timed.

use std::borrow::Cow;
use std::time::Instant;

use geo::MultiPolygon;

use super::catchment::{self, Catchments};
use super::coverage::{Access, Coverage, CoverageSettings};
use super::covered_area::{self, Outline};
use super::placement::{self, Distances};
use super::scenario::{self, Search};
use super::units;
use super::windows::Window;
use crate::Result;
use crate::config::Settings;
use crate::graph::snap::Unreachable;
use crate::graph::{Network, WalkGraph};
use crate::input::Inputs;
use crate::spatial::{self, LocalProjection, representative_point};
use crate::targets::Targets;
use crate::timing::StageTime;

pub use super::units::{AreaSummary, TargetSummary};

/// How walking distances were measured.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Mode {
    /// Along the street network.
    Network,
    /// No network: straight line x detour factor (approximate).
    StraightLine { detour: f64 },
}

impl Mode {
    /// Short label for outputs.
    pub fn label(&self) -> String {
        match self {
            Mode::Network => "network".to_string(),
            Mode::StraightLine { detour } => format!("straight_line_x{detour}"),
        }
    }

    pub fn is_approximate(&self) -> bool {
        matches!(self, Mode::StraightLine { .. })
    }
}

/// Options beyond the settings.
#[derive(Debug, Clone, Default)]
pub struct RunOptions {
    /// Also build one isochrone polygon per counted facility.
    pub facility_isochrones: bool,
    /// Skip the per-target isochrone unions (e.g. for `sites`).
    pub skip_unions: bool,
    /// Coverage only: nearest distances and covered population, without
    /// the per-facility searches, catchments (tiers, windows, 2SFCA,
    /// per-capita by unit) or isochrones. For metropolitan networks where
    /// the coverage table is needed fast.
    pub coverage_only: bool,
}

/// Results of a run.
#[derive(Debug)]
pub struct Study {
    pub mode: Mode,
    pub proj: LocalProjection,
    /// The walking graph (network mode only).
    pub graph: Option<WalkGraph>,
    /// Nodes / edges of the network before snap points were inserted.
    pub base_nodes: usize,
    pub base_edges: usize,
    pub facility_access: Vec<Result<Access, Unreachable>>,
    pub community_access: Vec<Result<Access, Unreachable>>,
    /// Which facilities count (existing and not closed to the public).
    pub facility_counts: Vec<bool>,
    pub coverage: Coverage,
    /// Unit index per community (by its representative point), if any.
    pub community_unit: Vec<Option<usize>>,
    /// Unit index per facility, if any.
    pub facility_unit: Vec<Option<usize>>,
    /// Whole area first, then one per unit.
    pub areas: Vec<AreaSummary>,
    /// Tiers, windows, 2SFCA, per-capita figures; `None` in a
    /// coverage-only run ([`RunOptions::coverage_only`]).
    pub catchments: Option<Catchments>,
    /// Union of the walking catchments per coverage target (same order as
    /// `coverage.targets`), lon/lat.
    pub isochrones: Vec<MultiPolygon<f64>>,
    /// Per facility (with `RunOptions::facility_isochrones`), else empty.
    pub facility_isochrones: Vec<Option<MultiPolygon<f64>>>,
    pub targets: Targets,
    /// Coverage with planned facilities added (when there are any).
    pub coverage_after: Option<Coverage>,
    /// Which facilities count in the "after" scenario.
    pub facility_counts_after: Vec<bool>,
    pub timings: Vec<StageTime>,
    pub settings: Settings,
}

/// How many communities lie inside some administrative unit, of how many:
/// a quick check that the CRS settings of the two inputs agree.
pub fn communities_inside_units(inputs: &Inputs) -> (usize, usize) {
    let points: Vec<Option<[f64; 2]>> = inputs
        .communities
        .iter()
        .map(|c| representative_point(&c.geometry).map(|p| [p.x(), p.y()]))
        .collect();
    let Some(proj) = LocalProjection::fit(points.iter().flatten().copied()) else {
        return (0, 0);
    };
    let polygons: Vec<geo::MultiPolygon<f64>> =
        inputs.units.iter().map(|u| u.geometry.clone()).collect();
    let tree = spatial::point_tree(&proj, points.iter().copied());
    let inside = spatial::assign_to_polygons(&proj, &tree, &points, &polygons)
        .iter()
        .filter(|u| u.is_some())
        .count();
    (inside, points.len())
}

/// Run the whole analysis: coverage, catchments, isochrones, summaries.
/// With a network, distances are walked along it; without one, they are
/// straight lines x the detour factor and every output says so.
pub fn run(
    inputs: &Inputs,
    settings: &Settings,
    targets: &Targets,
    window_list: &[Window],
    options: &RunOptions,
) -> Result<Study> {
    let network = inputs.network.as_ref().map(Cow::Borrowed);
    run_with_network(inputs, network, settings, targets, window_list, options)
}

/// [`run`] that takes the street network out of `inputs` and frees it as
/// soon as the snap points are inserted (the study keeps its own copy with
/// them): at metropolis scale the street network is hundreds of megabytes
/// that are no longer needed. `inputs.network` is `None` afterwards.
pub fn run_taking_network(
    inputs: &mut Inputs,
    settings: &Settings,
    targets: &Targets,
    window_list: &[Window],
    options: &RunOptions,
) -> Result<Study> {
    let network = inputs.network.take().map(Cow::Owned);
    run_with_network(inputs, network, settings, targets, window_list, options)
}

fn run_with_network(
    inputs: &Inputs,
    network: Option<Cow<'_, Network>>,
    settings: &Settings,
    targets: &Targets,
    window_list: &[Window],
    options: &RunOptions,
) -> Result<Study> {
    let limit_m = settings.limit_m();
    let cov_settings = CoverageSettings {
        limit_m,
        report_m: limit_m * settings.report_factor,
        pair_m: limit_m.max(targets.max_tier_m()),
    };
    let mut placement = placement::place(inputs, network, settings)?;
    let mut timings = std::mem::take(&mut placement.timings);

    let t = Instant::now();
    let search = if options.coverage_only {
        Search::NearestOnly
    } else {
        Search::WithPairs
    };
    let scenarios = scenario::compute(inputs, &placement, cov_settings, search);
    timings.push(StageTime::since("search", t));

    let t = Instant::now();
    let assignment = units::assign(inputs, &placement);
    let sources = scenario::sources(inputs, &placement.facility_access, &scenarios.counts_now);
    let areas = units::summarise_all(
        inputs,
        &scenarios.now,
        &placement.community_access,
        &assignment,
        &sources,
    );
    timings.push(StageTime::since("summary", t));

    let t = Instant::now();
    let catchments = (!options.coverage_only).then(|| {
        let input = catchment::CatchmentInput {
            inputs,
            coverage: &scenarios.now,
            counted: &scenarios.counts_now,
            community_unit: &assignment.community_unit,
            facility_unit: &assignment.facility_unit,
        };
        catchment::evaluate(&input, settings, targets, window_list)
    });
    timings.push(StageTime::since("catchments", t));

    let t = Instant::now();
    let outline = Outline {
        limit_m,
        buffer_m: settings.isochrone_buffer_m,
    };
    let isochrones = if options.skip_unions || options.coverage_only {
        covered_area::none(&scenarios.now.targets)
    } else {
        covered_area::per_target(&placement, &scenarios.now.targets, &sources, outline)
    };
    let facility_isochrones = if options.facility_isochrones && !options.coverage_only {
        covered_area::per_facility(&placement, &sources, outline)
    } else {
        Vec::new()
    };
    timings.push(StageTime::since("isochrones", t));

    let (mode, graph, base_nodes, base_edges) = match placement.distances {
        Distances::Network {
            graph,
            base_nodes,
            base_edges,
        } => (Mode::Network, Some(graph), base_nodes, base_edges),
        Distances::StraightLine { detour } => (Mode::StraightLine { detour }, None, 0, 0),
    };
    Ok(Study {
        mode,
        proj: placement.proj,
        graph,
        base_nodes,
        base_edges,
        facility_access: placement.facility_access,
        community_access: placement.community_access,
        facility_counts: scenarios.counts_now,
        coverage: scenarios.now,
        community_unit: assignment.community_unit,
        facility_unit: assignment.facility_unit,
        areas,
        catchments,
        isochrones,
        facility_isochrones,
        targets: targets.clone(),
        coverage_after: scenarios.after,
        facility_counts_after: scenarios.counts_after,
        timings,
        settings: *settings,
    })
}

/// [`run`] with the bundled targets, the default time windows and no
/// per-facility isochrones.
pub fn run_with_defaults(inputs: &Inputs, settings: &Settings) -> Result<Study> {
    run(
        inputs,
        settings,
        &Targets::bundled(),
        &super::windows::default_windows(),
        &RunOptions::default(),
    )
}
