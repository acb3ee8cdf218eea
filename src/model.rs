//! Plain records handed from `input` to `graph` and `analysis`: facilities,
//! residential communities (or population cells) and administrative units.
//! All geometry is WGS-84 lon/lat (converted at load).

use std::fmt;
use std::str::FromStr;

use geo::{Geometry, MultiPolygon, Point};

/// Facility categories. The one table mapping OSM tags to these lives in
/// `input::tags`; defaults per category live in [`Category::default_area`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Category {
    /// `leisure=pitch` with `sport=soccer` (incl. cage football).
    FootballPitch,
    /// `leisure=pitch` with `sport=basketball`.
    BasketballCourt,
    /// `leisure=pitch` with `sport=tennis`.
    TennisCourt,
    /// `leisure=pitch` with `sport=table_tennis` (table-tennis tables).
    TableTennis,
    /// Any other pitch (volleyball, multi, gateball, unspecified...).
    OtherPitch,
    /// `leisure=sports_centre` or `sports_hall`.
    SportsCentre,
    /// `leisure=fitness_centre` (gyms).
    FitnessCentre,
    /// `leisure=fitness_station` (outdoor fitness equipment).
    FitnessStation,
    /// `leisure=track` (running tracks, fitness trails).
    Track,
    /// `leisure=stadium`.
    Stadium,
    /// `leisure=ice_rink`.
    IceRink,
    /// `leisure=swimming_pool` / `sports_centre` with swimming.
    SwimmingPool,
    /// `leisure=park`.
    Park,
    /// `leisure=playground`.
    Playground,
    /// A school's sports venue (`amenity=school|college|university`).
    SchoolVenue,
    /// Outdoor chess tables (棋苑), `sport=chess`.
    ChessGarden,
    /// An indoor card and board-game room (棋牌室): not a chess garden.
    CardRoom,
}

impl Category {
    /// Every category, in output order.
    pub const ALL: [Category; 17] = [
        Category::FootballPitch,
        Category::BasketballCourt,
        Category::TennisCourt,
        Category::TableTennis,
        Category::OtherPitch,
        Category::SportsCentre,
        Category::FitnessCentre,
        Category::FitnessStation,
        Category::Track,
        Category::Stadium,
        Category::IceRink,
        Category::SwimmingPool,
        Category::Park,
        Category::Playground,
        Category::SchoolVenue,
        Category::ChessGarden,
        Category::CardRoom,
    ];

    /// Stable snake_case name used in files and column names.
    pub fn as_str(self) -> &'static str {
        match self {
            Category::FootballPitch => "football_pitch",
            Category::BasketballCourt => "basketball_court",
            Category::TennisCourt => "tennis_court",
            Category::TableTennis => "table_tennis",
            Category::OtherPitch => "other_pitch",
            Category::SportsCentre => "sports_centre",
            Category::FitnessCentre => "fitness_centre",
            Category::FitnessStation => "fitness_station",
            Category::Track => "track",
            Category::Stadium => "stadium",
            Category::IceRink => "ice_rink",
            Category::SwimmingPool => "swimming_pool",
            Category::Park => "park",
            Category::Playground => "playground",
            Category::SchoolVenue => "school_venue",
            Category::ChessGarden => "chess_garden",
            Category::CardRoom => "card_room",
        }
    }

    /// Index into [`Category::ALL`].
    pub fn index(self) -> usize {
        Category::ALL
            .iter()
            .position(|c| *c == self)
            .expect("category is in ALL")
    }

    /// Default (outdoor sports land m2, indoor floor area m2) for a facility
    /// mapped as a point or with no known floor area. Sources: DOMAIN.md
    /// (GB 50180-2018 Appendix C sizes, cage football 40 x 20 m) and standard
    /// court dimensions.
    pub fn default_area(self) -> (f64, f64) {
        match self {
            Category::FootballPitch => (800.0, 0.0),
            Category::BasketballCourt => (420.0, 0.0),
            Category::TennisCourt => (670.0, 0.0),
            Category::TableTennis => (30.0, 0.0),
            Category::OtherPitch => (770.0, 0.0),
            Category::SportsCentre => (0.0, 2000.0),
            Category::FitnessCentre => (0.0, 500.0),
            Category::FitnessStation => (150.0, 0.0),
            Category::Track => (3000.0, 0.0),
            Category::Stadium => (10000.0, 0.0),
            Category::IceRink => (0.0, 1800.0),
            Category::SwimmingPool => (0.0, 1250.0),
            Category::Park => (10000.0, 0.0),
            Category::Playground => (300.0, 0.0),
            Category::SchoolVenue => (2000.0, 0.0),
            Category::ChessGarden => (100.0, 0.0),
            Category::CardRoom => (0.0, 60.0),
        }
    }

    /// True when the category's area is indoor floor space rather than land.
    pub fn is_indoor(self) -> bool {
        matches!(
            self,
            Category::SportsCentre
                | Category::FitnessCentre
                | Category::IceRink
                | Category::SwimmingPool
                | Category::CardRoom
        )
    }
}

impl fmt::Display for Category {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for Category {
    type Err = String;

    /// Accepts the snake_case names and a few English aliases. Table
    /// inputs read the names bureaus write (Chinese, variants, subtypes)
    /// through `seeds/categories.toml` (`input::categories`).
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let k = s.trim().to_lowercase().replace([' ', '-'], "_");
        let c = match k.as_str() {
            "football_pitch" | "football" | "soccer" => Category::FootballPitch,
            "basketball_court" | "basketball" => Category::BasketballCourt,
            "tennis_court" | "tennis" => Category::TennisCourt,
            "table_tennis" => Category::TableTennis,
            "other_pitch" | "pitch" | "multi" => Category::OtherPitch,
            "sports_centre" | "sports_center" | "sports_hall" => Category::SportsCentre,
            "fitness_centre" | "fitness_center" | "gym" => Category::FitnessCentre,
            "fitness_station" | "outdoor_fitness" => Category::FitnessStation,
            "track" | "fitness_trail" | "running_track" => Category::Track,
            "stadium" => Category::Stadium,
            "ice_rink" => Category::IceRink,
            "swimming_pool" | "pool" => Category::SwimmingPool,
            "park" => Category::Park,
            "playground" => Category::Playground,
            "school_venue" | "school" => Category::SchoolVenue,
            "chess_garden" | "chess" => Category::ChessGarden,
            "card_room" => Category::CardRoom,
            _ => {
                let names: Vec<&str> = Category::ALL.iter().map(|c| c.as_str()).collect();
                return Err(format!(
                    "unknown facility category {s:?}; use one of: {}",
                    names.join(", ")
                ));
            }
        };
        Ok(c)
    }
}

/// Whether a facility exists, is planned or is closed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Status {
    /// Built and in use (the default when no status is given).
    #[default]
    Existing,
    /// Planned, proposed or under construction: counted only in the "after
    /// planned facilities" figures.
    Planned,
    /// Closed, disused or demolished: counted in no figure, listed in the
    /// outputs.
    Closed,
}

impl Status {
    /// The status as written in outputs: `existing`, `planned` or `closed`.
    pub fn as_str(self) -> &'static str {
        match self {
            Status::Existing => "existing",
            Status::Planned => "planned",
            Status::Closed => "closed",
        }
    }
}

impl FromStr for Status {
    type Err = String;

    /// `existing`, `planned` or `closed` (and a few English synonyms);
    /// table inputs read Chinese statuses through `seeds/categories.toml`.
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s.trim().to_lowercase().as_str() {
            "" | "existing" | "built" | "open" => Ok(Status::Existing),
            "planned" | "proposed" | "under_construction" => Ok(Status::Planned),
            "closed" | "disused" | "demolished" => Ok(Status::Closed),
            other => Err(format!(
                "unknown status {other:?}; use \"existing\", \"planned\" or \"closed\""
            )),
        }
    }
}

/// Where an area figure came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AreaSource {
    /// Given in the input (an `area_m2` column or property).
    Given,
    /// Computed from the polygon geometry (geodesic area).
    Geometry,
    /// Per-category default for a point (see [`Category::default_area`]).
    Default,
    /// A trail given as a point with its length: length x 2 m.
    Length,
}

impl AreaSource {
    /// The source as written in outputs: `given`, `geometry`,
    /// `category_default` or `length_x_2m`.
    pub fn as_str(self) -> &'static str {
        match self {
            AreaSource::Given => "given",
            AreaSource::Geometry => "geometry",
            AreaSource::Default => "category_default",
            AreaSource::Length => "length_x_2m",
        }
    }
}

/// A sports facility or school sports venue.
#[derive(Debug, Clone)]
pub struct Facility {
    /// Unique id within the run (e.g. `osm:way/123` or the CSV id).
    pub id: String,
    /// Display name (may be empty).
    pub name: String,
    /// What kind of sports facility it is.
    pub category: Category,
    /// Existing or planned.
    pub status: Status,
    /// Outdoor sports land in m2.
    pub area_m2: f64,
    /// Indoor sports floor area in m2.
    pub floor_area_m2: f64,
    /// Where [`area_m2`](Self::area_m2) came from.
    pub area_source: AreaSource,
    /// OSM `opening_hours` syntax, if known (school venues).
    pub opening_hours: Option<String>,
    /// For school venues: whether the venue is open to the public.
    pub open_to_public: Option<bool>,
    /// For school venues: whether the venue is fit to open to the public
    /// (具备开放条件); indicator 16 counts only those that are (unknown
    /// counts as fit).
    pub fit_to_open: Option<bool>,
    /// Length in metres given in a column (a trail drawn as a point), if any.
    pub length_m: Option<f64>,
    /// For pitches inside a school: the school's id.
    pub school_id: Option<String>,
    /// Year the facility was built or opened, if known; facilities built in or
    /// after the targets' new-build year count as new.
    pub build_year: Option<i32>,
    /// WGS-84 geometry (point, line or polygon).
    pub geometry: Geometry<f64>,
    /// Entrances (WGS-84) on the boundary, if known.
    pub entrances: Vec<Point<f64>>,
    /// Free-text note carried to the outputs (e.g. "located at hexagon centre").
    pub note: Option<String>,
    /// Finer kind within the category: the OSM `sport` value (`gateball`,
    /// `table_tennis`...) or a `subtype` / `sport` column.
    pub subtype: Option<String>,
    /// Outdoor fitness equipment generation (2 = second generation), from an
    /// `equipment_generation` tag or column.
    pub equipment_generation: Option<u8>,
}

/// How a community's population figure was obtained.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PopulationSource {
    /// A population column, property or OSM `population` tag.
    Given,
    /// Households x household size: an estimate.
    Households,
    /// A district total spread over the communities: an estimate.
    Estimate,
    /// A unit's population (a census figure) spread over the unit's
    /// communities by households or evenly: an estimate.
    UnitSpread,
}

impl PopulationSource {
    /// The source as written in outputs: `given`, `households_x_size`,
    /// `estimate_spread_total` or `estimate_unit_total`.
    pub fn as_str(self) -> &'static str {
        match self {
            PopulationSource::Given => "given",
            PopulationSource::Households => "households_x_size",
            PopulationSource::Estimate => "estimate_spread_total",
            PopulationSource::UnitSpread => "estimate_unit_total",
        }
    }

    /// True for every figure not counted per community (households x size,
    /// a spread total): the outputs flag these as estimates.
    pub fn is_estimate(self) -> bool {
        !matches!(self, PopulationSource::Given)
    }
}

/// A residential community (小区 / 社区), a `landuse=residential` area or a
/// population grid cell.
#[derive(Debug, Clone)]
pub struct Community {
    /// Unique id within the run (e.g. `osm:way/123` or the CSV id).
    pub id: String,
    /// Display name (may be empty).
    pub name: String,
    /// Residents (people).
    pub population: f64,
    /// How [`population`](Self::population) was obtained.
    pub population_source: PopulationSource,
    /// Households, if known.
    pub households: Option<f64>,
    /// Year the community was built, if known; communities built in or after
    /// the targets' new-build year are "new" for the per-capita rule.
    pub build_year: Option<i32>,
    /// WGS-84 geometry (point or polygon).
    pub geometry: Geometry<f64>,
    /// Entrances (WGS-84), if known.
    pub entrances: Vec<Point<f64>>,
}

/// An administrative unit (e.g. a subdistrict 街道).
#[derive(Debug, Clone)]
pub struct AdminUnit {
    /// Unique id within the run.
    pub id: String,
    /// Display name.
    pub name: String,
    /// Boundary, WGS-84.
    pub geometry: MultiPolygon<f64>,
}

/// How a community polygon is represented.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, serde::Deserialize)]
#[serde(try_from = "String")]
pub enum AccessMode {
    /// Entrances, else boundary points (compounds, parks, school grounds).
    #[default]
    Boundary,
    /// The centroid only (population grid cells, hexagons).
    Centroid,
}

impl AccessMode {
    /// The name used in configs and on the command line.
    pub fn as_str(self) -> &'static str {
        match self {
            AccessMode::Boundary => "boundary",
            AccessMode::Centroid => "centroid",
        }
    }
}

impl std::str::FromStr for AccessMode {
    type Err = String;

    /// `boundary` (or `entrances`) and `centroid` (or `centre`, `center`).
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s {
            "boundary" | "entrances" => Ok(AccessMode::Boundary),
            "centroid" | "centre" | "center" => Ok(AccessMode::Centroid),
            other => Err(format!(
                "unknown access mode {other:?}; use \"centroid\" or \"boundary\""
            )),
        }
    }
}

impl TryFrom<String> for AccessMode {
    type Error = String;

    fn try_from(s: String) -> Result<Self, Self::Error> {
        s.parse()
    }
}

/// Why an input record was left out or changed: a stable machine code in
/// `dropped.csv` (see [`DropReason::code`] and the README).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[non_exhaustive]
pub enum DropReason {
    /// A row or feature identical to an earlier one; left out.
    Duplicate,
    /// A facility tagged `access=private/no`; left out.
    PrivateAccess,
    /// A `landuse=residential` area with no population or households tag; left out.
    NoPopulation,
    /// An invalid polygon (self-intersecting, holes outside the shell)
    /// repaired; kept.
    PolygonRepaired,
    /// A multipolygon, boundary or route relation whose rings or ways are
    /// missing from the extract; left out.
    BrokenRelation,
    /// A walkable way that references nodes missing from the extract; the
    /// runs of nodes that are present were kept.
    WayClipped,
    /// A community or facility inside a tolerated overlap of two units,
    /// given to one of them by the overlap rule; kept.
    UnitOverlap,
}

impl DropReason {
    /// The code written in `dropped.csv` (stable).
    pub fn code(self) -> &'static str {
        match self {
            DropReason::Duplicate => "duplicate",
            DropReason::PrivateAccess => "private_access",
            DropReason::NoPopulation => "no_population",
            DropReason::PolygonRepaired => "polygon_repaired",
            DropReason::BrokenRelation => "broken_relation",
            DropReason::WayClipped => "way_clipped",
            DropReason::UnitOverlap => "unit_overlap",
        }
    }

    /// True when the record was kept (changed or assigned by a rule)
    /// rather than left out.
    pub fn kept(self) -> bool {
        matches!(
            self,
            DropReason::PolygonRepaired | DropReason::WayClipped | DropReason::UnitOverlap
        )
    }
}

/// One input record left out or changed on the way in, for `dropped.csv`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Dropped {
    /// The input file (empty until the loader knows it).
    pub file: std::path::PathBuf,
    /// Where in the file: "row 12", "feature 3", "way 5", "relation 9".
    pub record: String,
    /// The record's id, when it has one.
    pub id: String,
    /// The record's name, when it has one.
    pub name: String,
    /// Why.
    pub reason: DropReason,
    /// What was done, in words.
    pub detail: String,
}

impl Dropped {
    /// A record of `reason` at `record` (no file, id or name yet).
    pub fn new(record: impl Into<String>, reason: DropReason, detail: impl Into<String>) -> Self {
        Dropped {
            file: std::path::PathBuf::new(),
            record: record.into(),
            id: String::new(),
            name: String::new(),
            reason,
            detail: detail.into(),
        }
    }
}

/// Defines an index newtype: a position in one of the input arrays, kept as
/// `u32` (4 bytes; `Option<Ix>` takes 8 where `Option<usize>` takes 16).
macro_rules! index_type {
    ($(#[$doc:meta])* $name:ident, $what:literal) => {
        $(#[$doc])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
        #[repr(transparent)]
        pub struct $name(u32);

        impl $name {
            #[doc = concat!("The index of ", $what, " at position `i`.")]
            ///
            /// # Panics
            /// If `i` does not fit in `u32` (inputs are far smaller).
            #[inline]
            pub fn new(i: usize) -> Self {
                $name(u32::try_from(i).expect("index fits in u32"))
            }

            /// The position, to index the array.
            #[inline]
            pub fn get(self) -> usize {
                self.0 as usize
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                self.0.fmt(f)
            }
        }
    };
}

index_type!(
    /// Position of a facility in `Inputs::facilities` (input order).
    FacilityIx,
    "the facility"
);
index_type!(
    /// Position of a community in `Inputs::communities` (input order).
    CommunityIx,
    "the community"
);
index_type!(
    /// Position of an administrative unit in `Inputs::units` (input order).
    UnitIx,
    "the unit"
);
