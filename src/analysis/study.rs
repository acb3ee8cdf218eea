//! One whole run over loaded inputs, stage by stage, each stage a function
//! of its own module with a typed result:
//!
//! 1. [`super::placement`]: projection, swapped-coordinate
//!    check, snapping, snap points inserted, spatial renumbering, the graph;
//! 2. [`super::scenario`]: which facilities count now and after
//!    the planned projects, and the coverage of each;
//! 3. [`super::units`]: units of communities and facilities, totals
//!    per area;
//! 4. [`super::catchment`]: tiers, time windows, 2SFCA and
//!    per-capita figures (not in a coverage-only run);
//! 5. [`super::covered_area`]: isochrone polygons.
//!
//! Gaps and the scorecard ([`super::gaps`]) are assessed from the
//! resulting [`Study`]. Each stage is timed.

use std::borrow::Cow;
use std::time::Instant;

use geo::MultiPolygon;

use super::catchment::{self, Catchments};
use super::coverage::{Coverage, CoverageSettings};
use super::covered_area::{self, Outline};
use super::measures::{self, Measures};
use super::placement::{self, Distances, Placement};
use super::scenario::{self, Scenarios, Search};
use super::units::{self, UnitAssignment};
use super::windows::Window;
use crate::config::Settings;
use crate::graph::{Network, WalkGraph};
use crate::input::Inputs;
use crate::progress::Progress;
use crate::spatial::{self, LocalProjection, representative_point};
use crate::targets::Targets;
use crate::timing::StageTime;
use crate::{Error, Result};

pub use super::units::{AreaSummary, TargetSummary};

/// How walking distances were measured.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Mode {
    /// Along the street network.
    Network,
    /// No network: straight line x detour factor (approximate).
    StraightLine {
        /// Factor the straight-line distance is multiplied by (1.0 to 3.0,
        /// 1.3 by default).
        detour: f64,
    },
}

impl Study {
    /// How distances were measured.
    pub fn mode(&self) -> Mode {
        match self.placement.distances {
            Distances::Network { .. } => Mode::Network,
            Distances::StraightLine { detour } => Mode::StraightLine { detour },
        }
    }

    /// The walking graph (network mode only).
    pub fn graph(&self) -> Option<&WalkGraph> {
        self.placement.graph()
    }

    /// Nodes and edges of the street network before snap points were
    /// inserted (0 and 0 without a network).
    pub fn base_size(&self) -> (usize, usize) {
        match self.placement.distances {
            Distances::Network {
                base_nodes,
                base_edges,
                ..
            } => (base_nodes, base_edges),
            Distances::StraightLine { .. } => (0, 0),
        }
    }

    /// The area within the walking limit of target `t`'s facilities
    /// (`t` in the order of the coverage's targets), lon/lat; `None` for
    /// an unknown target.
    pub fn isochrone(&self, t: usize) -> Option<&MultiPolygon<f64>> {
        match self.limit_band {
            Some(k) => self.bands.get(t)?.get(k),
            None => self.isochrones.get(t),
        }
    }

    /// The coverage now (existing facilities).
    pub fn coverage(&self) -> &Coverage {
        &self.scenarios.now
    }

    /// The full view of the study, `None` for a coverage-only one.
    pub fn full(&self) -> Option<Full<'_>> {
        Some(Full {
            study: self,
            catchments: self.catchments.as_ref()?,
        })
    }

    /// A warning when some facilities' `opening_hours` could not be read
    /// (they are then treated as hours unknown), naming the first five.
    pub fn hours_warning(&self) -> Option<String> {
        let probs = &self.catchments.as_ref()?.hours_problems;
        if probs.is_empty() {
            return None;
        }
        let shown: Vec<String> = probs
            .iter()
            .take(5)
            .map(|(id, e)| format!("{id} ({e})"))
            .collect();
        Some(format!(
            "{} facilities have opening_hours fitcircle cannot read; they count in no \
             time window (never as always open): {}{}",
            probs.len(),
            shown.join("; "),
            if probs.len() > 5 { "; ..." } else { "" }
        ))
    }
}

impl Mode {
    /// Short label for outputs.
    pub fn label(&self) -> String {
        match self {
            Mode::Network => "network".to_string(),
            Mode::StraightLine { detour } => format!("straight_line_x{detour}"),
        }
    }

    /// Distances are straight lines times a detour factor, not walked along the
    /// network.
    pub fn is_approximate(&self) -> bool {
        matches!(self, Mode::StraightLine { .. })
    }
}

/// How far a study goes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Depth {
    /// Nearest distances and covered population only: no per-facility
    /// searches, catchments (tiers, windows, 2SFCA, per-capita by unit) or
    /// isochrones. For metropolitan networks where the coverage table is
    /// needed fast. Such a study has no [`Full`] view, so it cannot be
    /// handed to the report.
    CoverageOnly,
    /// Every figure, and the isochrone polygons asked for.
    Full(Isochrones),
}

impl Default for Depth {
    fn default() -> Self {
        Depth::Full(Isochrones::PerTarget)
    }
}

/// Which isochrone polygons a full study draws.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Isochrones {
    /// None (e.g. for `sites`, or very large networks).
    None,
    /// One per coverage target (the union of its facilities' areas).
    #[default]
    PerTarget,
    /// One per target and one per counted facility.
    PerTargetAndFacility,
}

/// A full study (not coverage-only) with its catchment figures: what the
/// report needs. Made by [`Study::full`].
#[derive(Debug, Clone, Copy)]
pub struct Full<'a> {
    /// The study.
    pub study: &'a Study,
    /// Its tiers, windows, 2SFCA and per-capita figures.
    pub catchments: &'a Catchments,
}

/// Results of a run: each stage's typed result, in stage order.
#[derive(Debug)]
pub struct Study {
    /// Stage 1: projection, the network (or straight lines) and how every
    /// item meets it.
    pub placement: Placement,
    /// Stage 2: which facilities count now and after the planned projects,
    /// and the coverage of each.
    pub scenarios: Scenarios,
    /// Stage 3: the unit of each community and facility.
    pub units: UnitAssignment,
    /// Stage 3: the whole area first, then one summary per unit.
    pub areas: Vec<AreaSummary>,
    /// Stage 3: the plan's other measures (the three-level network,
    /// inclusive access, health and culture co-location, winter grounds
    /// and small-space pilots).
    pub measures: Measures,
    /// Stage 4: tiers, windows, 2SFCA, per-capita figures; `None` in a
    /// coverage-only run ([`Depth::CoverageOnly`]).
    pub catchments: Option<Catchments>,
    /// Stage 5: union of the walking catchments per coverage target (same
    /// order as the coverage's targets), lon/lat, when the limit is not
    /// one of the bands (else empty polygons): read with
    /// [`Study::isochrone`].
    isochrones: Vec<MultiPolygon<f64>>,
    /// Stage 5: which of `band_minutes` is the walking limit, if one is.
    limit_band: Option<usize>,
    /// Stage 5: the walking bands drawn, minutes, ascending.
    pub band_minutes: Vec<f64>,
    /// Stage 5: per coverage target, per band of `band_minutes`: the area
    /// within it, lon/lat (empty when no isochrones are drawn).
    pub bands: Vec<Vec<MultiPolygon<f64>>>,
    /// Stage 5: per coverage target, its travel-time surface when
    /// `travel_time_tif` is set and distances are walked on a network.
    pub surfaces: Vec<Option<std::sync::Arc<super::surface::Surface>>>,
    /// Stage 5: per coverage target, the walking minutes from each network
    /// node to its nearest facility (`NaN` beyond the largest band), when
    /// `street_minutes` is set and distances are walked on a network.
    pub node_minutes: Vec<Option<std::sync::Arc<[f32]>>>,
    /// Stage 5: per facility (with [`Isochrones::PerTargetAndFacility`]),
    /// else empty.
    pub facility_isochrones: Vec<Option<MultiPolygon<f64>>>,
    /// The policy targets the study used.
    pub targets: Targets,
    /// Stage timings.
    pub timings: Vec<StageTime>,
    /// The settings the study used.
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

/// Refuse a study with no sports facility: every resident would show as
/// uncovered. The error lists what was loaded (and, with units, how many
/// communities lie inside them: a low share means a wrong CRS setting),
/// the notes so far and what is missing.
pub fn require_facilities(inputs: &Inputs, title: &str) -> Result<()> {
    if !inputs.facilities.is_empty() {
        return Ok(());
    }
    let mut details = format!(
        "loaded: {} communities ({:.0} people), {} administrative units, {}",
        inputs.communities.len(),
        inputs.communities.iter().map(|c| c.population).sum::<f64>(),
        inputs.units.len(),
        if inputs.network.is_some() {
            "a street network"
        } else {
            "no street network"
        }
    );
    if !inputs.units.is_empty() {
        let (inside, n) = communities_inside_units(inputs);
        details.push_str(&format!(
            "\ncheck: {inside} of {n} communities ({:.1} %) lie inside the administrative \
             units (a low share means a wrong CRS setting)",
            100.0 * inside as f64 / n.max(1) as f64
        ));
    }
    for n in &inputs.notes {
        details.push_str(&format!("\nnote: {n}"));
    }
    details.push_str("\nmissing: sports facilities (add [[facilities]] or --facilities)");
    if inputs.network.is_none() {
        details.push_str(
            "\nmissing: a street network (add [network] path = \"city.osm.pbf\" or \
             --network); without one, distances are straight lines x the detour factor",
        );
    }
    Err(Error::NoFacilities {
        title: title.to_string(),
        details,
    })
}

/// The note every output repeats when there is no street network.
pub fn straight_line_note(detour: f64) -> String {
    format!(
        "APPROXIMATE: no street network was given, so walking distances are straight-line \
         distances x {detour} (detour factor); give [network] or --network for network distances"
    )
}

/// Run the whole analysis: coverage, catchments, isochrones, summaries.
/// With a network, distances are walked along it; without one, they are
/// straight lines x the detour factor and every output says so.
pub fn run(
    inputs: &Inputs,
    settings: &Settings,
    targets: &Targets,
    window_list: &[Window],
    depth: Depth,
) -> Result<Study> {
    let network = inputs.network.as_ref().map(Cow::Borrowed);
    let stages = Stages(&crate::progress::Silent);
    run_with_network(
        inputs,
        network,
        settings,
        targets,
        window_list,
        depth,
        stages,
    )
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
    depth: Depth,
) -> Result<Study> {
    run_taking_network_with_progress(
        inputs,
        settings,
        targets,
        window_list,
        depth,
        &crate::progress::Silent,
    )
}

/// [`run_taking_network`] that reports each stage (placing, searching,
/// summarising, catchments, isochrones) to `progress` as it starts, as
/// stage `analysis` with `done` stages of the total, and once more when all
/// are done. The counts inside the stages (snapping, searches, catchments,
/// bands) go to the process's sink ([`crate::progress::set_sink`]).
pub fn run_taking_network_with_progress(
    inputs: &mut Inputs,
    settings: &Settings,
    targets: &Targets,
    window_list: &[Window],
    depth: Depth,
    progress: &dyn Progress,
) -> Result<Study> {
    let network = inputs.network.take().map(Cow::Owned);
    let stages = Stages(progress);
    run_with_network(
        inputs,
        network,
        settings,
        targets,
        window_list,
        depth,
        stages,
    )
}

/// The stages [`run_with_network`] reports: placing, searching,
/// summarising, catchments, isochrones.
const STAGES: u64 = 5;

/// Reports the start of stage `i` (and the end of all) as stage
/// `analysis`, `i` of [`STAGES`] done; the counts inside the stages go to
/// the process's sink ([`crate::progress`]).
#[derive(Clone, Copy)]
struct Stages<'a>(&'a dyn Progress);

impl Stages<'_> {
    fn start(self, i: u64) {
        self.0.update("analysis", i, STAGES);
    }

    fn done(self) {
        self.0.update("analysis", STAGES, STAGES);
    }
}

/// The coverage's walking limit, report range (`report_factor` x the
/// limit) and pair range (the limit or the largest tier, whichever is
/// larger).
fn coverage_settings(settings: &Settings, targets: &Targets) -> CoverageSettings {
    let limit_m = settings.limit_m();
    CoverageSettings {
        limit_m,
        report_m: limit_m * settings.report_factor,
        pair_m: limit_m.max(targets.max_tier_m()),
    }
}

/// The plan's other measures over the placed items ([`measures::compute`]).
fn measures_of(
    inputs: &Inputs,
    placement: &Placement,
    scenarios: &Scenarios,
    assignment: &UnitAssignment,
    settings: &Settings,
    targets: &Targets,
) -> Measures {
    measures::compute(&measures::MeasureInput {
        inputs,
        placement,
        counts_now: &scenarios.counts_now,
        coverage: &scenarios.now,
        community_unit: &assignment.community_unit,
        facility_unit: &assignment.facility_unit,
        settings,
        targets,
    })
}

fn run_with_network(
    inputs: &Inputs,
    network: Option<Cow<'_, Network>>,
    settings: &Settings,
    targets: &Targets,
    window_list: &[Window],
    depth: Depth,
    stages: Stages<'_>,
) -> Result<Study> {
    let limit_m = settings.limit_m();
    let cov_settings = coverage_settings(settings, targets);
    stages.start(0);
    let mut placement = placement::place(inputs, network, settings)?;
    let mut timings = std::mem::take(&mut placement.timings);

    stages.start(1);
    let t = Instant::now();
    let search = if depth == Depth::CoverageOnly {
        Search::NearestOnly
    } else {
        Search::WithPairs
    };
    let scenarios = scenario::compute(inputs, &placement, cov_settings, search);
    timings.push(StageTime::since("search", t));

    stages.start(2);
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
    let m = measures_of(
        inputs,
        &placement,
        &scenarios,
        &assignment,
        settings,
        targets,
    );
    timings.push(StageTime::since("measures", t));

    stages.start(3);
    let t = Instant::now();
    let catchments = (depth != Depth::CoverageOnly).then(|| {
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

    stages.start(4);
    let t = Instant::now();
    let outline = Outline {
        limit_m,
        buffer_m: settings.isochrone_buffer_m,
    };
    let drawn = match depth {
        Depth::CoverageOnly => Isochrones::None,
        Depth::Full(drawn) => drawn,
    };
    let band_minutes = covered_area::band_minutes(
        settings.isochrone_bands.as_slice(),
        targets.tier.iter().map(|t| t.minutes),
        settings.minutes,
    );
    let banded = if drawn == Isochrones::None {
        covered_area::Banded::empty(&scenarios.now.targets)
    } else {
        let banding = covered_area::Banding {
            outline,
            minutes: band_minutes.clone(),
            cell_m: settings.isochrone_cell_m,
            metres_per_minute: settings.metres_per_minute(),
            keep_surfaces: settings.travel_time_tif,
            keep_node_minutes: settings.street_minutes,
        };
        covered_area::bands_per_target(&placement, &scenarios.now.targets, &sources, &banding)
    };
    let facility_isochrones = if drawn == Isochrones::PerTargetAndFacility {
        covered_area::per_facility(&placement, &sources, outline)
    } else {
        Vec::new()
    };
    timings.push(StageTime::since("isochrones", t));
    stages.done();

    Ok(Study {
        placement,
        scenarios,
        units: assignment,
        areas,
        measures: m,
        catchments,
        isochrones: banded.limit,
        limit_band: banded.limit_band,
        band_minutes,
        bands: banded.bands,
        surfaces: banded.surfaces,
        node_minutes: banded.node_minutes,
        facility_isochrones,
        targets: targets.clone(),
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
        Depth::default(),
    )
}
