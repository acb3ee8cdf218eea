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
    /// The plan's attributes: level in the three-level network, free or
    /// discounted use, groups it suits, season and kind of space (all
    /// unknown by default).
    pub plan: PlanAttributes,
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
    /// Residents of each group the plan names (elderly, disabled, young),
    /// where the input gives them.
    pub groups: GroupPopulation,
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

/// Level of a facility in the three-level network of measure 13 (区级 /
/// 街道级 / 社区级). Ordered: `Community < Subdistrict < District`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Level {
    /// A community facility (社区级).
    Community,
    /// A subdistrict facility (街道级).
    Subdistrict,
    /// A district venue (区级).
    District,
}

impl Level {
    /// Every level, from the lowest.
    pub const ALL: [Level; 3] = [Level::Community, Level::Subdistrict, Level::District];

    /// The level as written in outputs: `community`, `subdistrict`, `district`.
    pub fn as_str(self) -> &'static str {
        match self {
            Level::Community => "community",
            Level::Subdistrict => "subdistrict",
            Level::District => "district",
        }
    }

    /// Index into [`Level::ALL`].
    pub fn index(self) -> usize {
        self as usize
    }
}

impl FromStr for Level {
    type Err = String;

    /// `district` / `区级`, `subdistrict` / `街道级`, `community` / `社区级`
    /// (and the short forms `区`, `街道`, `社区`, `street`).
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s.trim().to_lowercase().as_str() {
            "district" | "区级" | "区" | "区属" | "区级设施" => Ok(Level::District),
            "subdistrict" | "street" | "jiedao" | "town" | "township" | "街道级" | "街道"
            | "街级" | "街乡级" | "乡镇级" | "乡镇" | "街道级设施" => {
                Ok(Level::Subdistrict)
            }
            "community" | "village" | "社区级" | "社区" | "村级" | "社区级设施" => {
                Ok(Level::Community)
            }
            other => Err(format!(
                "unknown level {other:?}; use 区级 / 街道级 / 社区级 (district / subdistrict / \
                 community)"
            )),
        }
    }
}

/// A group of residents the plan names in measures 15(1) and 16(1).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Group {
    /// Older people (老年人, 60 and over).
    Elderly,
    /// People with disabilities (残疾人).
    Disabled,
    /// Young people and students (青少年, 学生; 0-17).
    Youth,
}

impl Group {
    /// Every group, in output order.
    pub const ALL: [Group; 3] = [Group::Elderly, Group::Disabled, Group::Youth];

    /// The group as written in outputs: `elderly`, `disabled`, `youth`.
    pub fn as_str(self) -> &'static str {
        match self {
            Group::Elderly => "elderly",
            Group::Disabled => "disabled",
            Group::Youth => "youth",
        }
    }

    /// Index into [`Group::ALL`].
    pub fn index(self) -> usize {
        self as usize
    }
}

/// A set of [`Group`]s (which groups a facility is free or discounted
/// for, or suited to).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub struct Groups(u8);

impl Groups {
    /// No group.
    pub const NONE: Groups = Groups(0);
    /// Every group.
    pub const ALL: Groups = Groups(0b111);

    /// Does the set hold `g`?
    pub fn contains(self, g: Group) -> bool {
        self.0 & (1 << g.index()) != 0
    }

    /// The set with `g` added.
    pub fn with(self, g: Group) -> Groups {
        Groups(self.0 | (1 << g.index()))
    }

    /// The groups in the set, in [`Group::ALL`] order.
    pub fn iter(self) -> impl Iterator<Item = Group> {
        Group::ALL.into_iter().filter(move |g| self.contains(*g))
    }

    /// The groups as written in outputs, `;`-separated (`elderly;youth`).
    pub fn codes(self) -> String {
        self.iter().map(Group::as_str).collect::<Vec<_>>().join(";")
    }

    /// Parse a facility's free-or-discount cell: a list (separated by `;`,
    /// `,`, `、`, `/` or spaces) of groups (`学生` / `students`, `老年人` /
    /// `elderly`, `残疾人` / `disabled`), or a word for everyone (`免费`,
    /// `优惠`, `free`, `discount`, `yes`, `是`, `all`, `全部`); `no` / `否` /
    /// `无` is none.
    pub fn parse_discount(s: &str) -> Result<Groups, String> {
        Groups::parse_list(s, true)
    }

    /// Parse a facility's suited-for cell: a list of groups (`适老` /
    /// `老年人` / `elderly`, `无障碍` / `残疾人` / `disabled` / `accessible`,
    /// `青少年` / `儿童` / `youth` / `children`), `all` / `全部` for every
    /// group, `no` / `否` / `无` for none.
    pub fn parse_suited(s: &str) -> Result<Groups, String> {
        Groups::parse_list(s, false)
    }

    fn parse_list(s: &str, discount: bool) -> Result<Groups, String> {
        let mut out = Groups::NONE;
        let parts = s
            .split(|c: char| ";,、/，；|".contains(c) || c.is_whitespace())
            .map(str::trim)
            .filter(|p| !p.is_empty());
        for part in parts {
            let p = part.to_lowercase();
            // Free or discounted "for" a group: 学生免费, 老年人优惠.
            let p = p
                .trim_end_matches("免费")
                .trim_end_matches("优惠")
                .trim_end_matches("半价");
            let p = if p.is_empty() { "免费" } else { p };
            out = match p {
                "no" | "none" | "false" | "0" | "否" | "无" | "不" => out,
                "all" | "全部" | "所有" | "yes" | "true" | "1" | "是" => Groups::ALL,
                "免费" | "优惠" | "free" | "discount" | "discounted" | "half_price" if discount => {
                    Groups::ALL
                }
                "elderly" | "older" | "seniors" | "senior" | "老年人" | "老人" | "老年"
                | "适老" | "适老化" | "长者" => out.with(Group::Elderly),
                "disabled" | "disability" | "accessible" | "wheelchair" | "残疾人" | "残疾"
                | "残障" | "无障碍" | "助残" => out.with(Group::Disabled),
                "youth" | "young" | "students" | "student" | "children" | "child" | "青少年"
                | "学生" | "儿童" | "少儿" | "未成年人" => out.with(Group::Youth),
                _ => {
                    return Err(format!(
                        "{part:?} is not a group; use 老年人 / 残疾人 / 青少年 (elderly / \
                         disabled / youth){}, separated by 、 or ;",
                        if discount {
                            ", 学生 (students), or 免费 / 优惠 for everyone"
                        } else {
                            " (适老 / 无障碍 also read)"
                        }
                    ));
                }
            };
        }
        Ok(out)
    }
}

/// When a facility is there: all year, or only in one season.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum Season {
    /// All year (the default).
    #[default]
    AllYear,
    /// Winter only (ice and snow grounds on natural waters).
    Winter,
    /// Summer only.
    Summer,
}

impl Season {
    /// The season as written in outputs: `all_year`, `winter`, `summer`.
    pub fn as_str(self) -> &'static str {
        match self {
            Season::AllYear => "all_year",
            Season::Winter => "winter",
            Season::Summer => "summer",
        }
    }
}

impl FromStr for Season {
    type Err = String;

    /// `winter` / `冬季`, `summer` / `夏季`, `all_year` / `全年` / `常年`.
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s.trim().to_lowercase().replace([' ', '-'], "_").as_str() {
            "" | "all_year" | "all" | "year_round" | "全年" | "常年" | "四季" => {
                Ok(Season::AllYear)
            }
            "winter" | "冬季" | "冬" | "冬季开放" => Ok(Season::Winter),
            "summer" | "夏季" | "夏" | "夏季开放" => Ok(Season::Summer),
            other => Err(format!(
                "unknown season {other:?}; use 冬季 / 夏季 / 全年 (winter / summer / all_year)"
            )),
        }
    }
}

/// The kind of space a facility uses, for measures 15(2) and 15(3).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Space {
    /// On natural waters (自然水域: 什刹海, 北海, 陶然亭 in winter).
    NaturalWater,
    /// Inside an office or commercial building (城市楼宇).
    Building,
    /// A small community square (社区小广场).
    SmallSquare,
    /// Underground space (地下空间).
    Underground,
}

impl Space {
    /// Every kind of space, in output order.
    pub const ALL: [Space; 4] = [
        Space::NaturalWater,
        Space::Building,
        Space::SmallSquare,
        Space::Underground,
    ];

    /// The space as written in outputs.
    pub fn as_str(self) -> &'static str {
        match self {
            Space::NaturalWater => "natural_water",
            Space::Building => "building",
            Space::SmallSquare => "small_square",
            Space::Underground => "underground",
        }
    }

    /// A small-space pilot of measure 15(3) (a building, a small square
    /// or underground space).
    pub fn is_pilot(self) -> bool {
        !matches!(self, Space::NaturalWater)
    }
}

impl FromStr for Space {
    type Err = String;

    /// `natural_water` / `自然水域`, `building` / `楼宇`, `small_square` /
    /// `小广场`, `underground` / `地下空间`.
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s.trim().to_lowercase().replace([' ', '-'], "_").as_str() {
            "natural_water" | "water" | "lake" | "自然水域" | "水域" | "湖面" | "冰面" => {
                Ok(Space::NaturalWater)
            }
            "building" | "indoor_building" | "楼宇" | "城市楼宇" | "商务楼宇" | "楼内" => {
                Ok(Space::Building)
            }
            "small_square" | "square" | "小广场" | "社区小广场" | "广场" => {
                Ok(Space::SmallSquare)
            }
            "underground" | "basement" | "地下空间" | "地下" | "地下室" => {
                Ok(Space::Underground)
            }
            other => Err(format!(
                "unknown space {other:?}; use 自然水域 / 楼宇 / 小广场 / 地下空间 \
                 (natural_water / building / small_square / underground)"
            )),
        }
    }
}

/// A facility's attributes for the plan's measures 13, 15 and 16; every
/// one `None` when the input does not say.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct PlanAttributes {
    /// Level in the three-level network, as given in the input (a rule may
    /// infer one later, see `targets::LevelRule`).
    pub level: Option<Level>,
    /// Groups the facility is free or discounted for (16(1)).
    pub discount_for: Option<Groups>,
    /// Groups the facility is suited to (适老 / 无障碍 / 青少年, 15(1)).
    pub suited_for: Option<Groups>,
    /// Season it is there (a winter ice ground counts only in winter).
    pub season: Option<Season>,
    /// Kind of space it uses (natural waters, a building, a small square,
    /// underground).
    pub space: Option<Space>,
}

impl PlanAttributes {
    /// The season the facility is there: the given one, else winter for an
    /// ice rink on natural waters (a frozen lake), else all year.
    pub fn season_of(&self, category: Category) -> Season {
        match (self.season, self.space) {
            (Some(s), _) => s,
            (None, Some(Space::NaturalWater)) if category == Category::IceRink => Season::Winter,
            _ => Season::AllYear,
        }
    }
}

/// Residents of each [`Group`] in a community, where the input gives them
/// (e.g. `60岁以上人口`, `残疾人数`, `0-17岁人口`).
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct GroupPopulation(pub [Option<f64>; 3]);

impl GroupPopulation {
    /// Residents of `g`, if given.
    pub fn get(&self, g: Group) -> Option<f64> {
        self.0[g.index()]
    }
}

/// What a health facility is (measure 35).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum HealthKind {
    /// A community health service centre or station (社区卫生服务中心 / 站), or a clinic.
    CommunityHealth,
    /// A hospital (医院).
    Hospital,
    /// A rehabilitation centre (康复中心).
    Rehabilitation,
    /// A health-promotion (service) centre (健康促进服务中心).
    HealthPromotion,
}

impl HealthKind {
    /// Every kind, in output order.
    pub const ALL: [HealthKind; 4] = [
        HealthKind::CommunityHealth,
        HealthKind::Hospital,
        HealthKind::Rehabilitation,
        HealthKind::HealthPromotion,
    ];

    /// The kind as written in outputs.
    pub fn as_str(self) -> &'static str {
        match self {
            HealthKind::CommunityHealth => "community_health",
            HealthKind::Hospital => "hospital",
            HealthKind::Rehabilitation => "rehabilitation",
            HealthKind::HealthPromotion => "health_promotion",
        }
    }
}

impl FromStr for HealthKind {
    type Err = String;

    /// The snake_case names and the usual Chinese ones (社区卫生服务中心,
    /// 社区卫生服务站, 医院, 康复中心, 健康促进中心, ...).
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let k = s.trim().to_lowercase().replace([' ', '-'], "_");
        let kind = match k.as_str() {
            "community_health"
            | "community_health_centre"
            | "community_health_center"
            | "health_centre"
            | "health_center"
            | "clinic"
            | "doctors"
            | "社区医院"
            | "卫生院"
            | "社区卫生服务中心"
            | "社区卫生服务站"
            | "社区卫生"
            | "卫生服务中心"
            | "卫生服务站"
            | "诊所"
            | "门诊部"
            | "卫生站" => HealthKind::CommunityHealth,
            "hospital" | "医院" | "综合医院" | "专科医院" | "中医医院" => {
                HealthKind::Hospital
            }
            "rehabilitation" | "rehab" | "康复" | "康复中心" | "康复医院" | "康复机构" => {
                HealthKind::Rehabilitation
            }
            "health_promotion"
            | "health_promotion_centre"
            | "health_promotion_center"
            | "健康促进中心"
            | "健康促进服务中心"
            | "健康促进" => HealthKind::HealthPromotion,
            _ => {
                return Err(format!(
                    "unknown health facility kind {s:?}; use 社区卫生服务中心 / 医院 / 康复中心 / \
                     健康促进中心 (community_health / hospital / rehabilitation / health_promotion)"
                ));
            }
        };
        Ok(kind)
    }
}

/// A health facility (社区卫生服务中心, hospital, rehabilitation or
/// health-promotion centre), for measure 35.
#[derive(Debug, Clone)]
pub struct HealthFacility {
    /// Unique id within its input.
    pub id: String,
    /// Display name (may be empty).
    pub name: String,
    /// What kind of health facility it is.
    pub kind: HealthKind,
    /// WGS-84 geometry.
    pub geometry: Geometry<f64>,
}

/// A grassroots culture station (文化站 / 文化活动室 / 综合文化服务中心),
/// for measure 36.
#[derive(Debug, Clone)]
pub struct CultureStation {
    /// Unique id within its input.
    pub id: String,
    /// Display name (may be empty).
    pub name: String,
    /// Combined with sports (文体站): has sports space or equipment.
    pub with_sports: bool,
    /// WGS-84 geometry.
    pub geometry: Geometry<f64>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plan_values_in_chinese_and_english() {
        assert_eq!("区级".parse::<Level>(), Ok(Level::District));
        assert_eq!("Subdistrict".parse::<Level>(), Ok(Level::Subdistrict));
        assert_eq!("社区".parse::<Level>(), Ok(Level::Community));
        assert!(
            "市级"
                .parse::<Level>()
                .unwrap_err()
                .contains("区级 / 街道级 / 社区级")
        );
        assert!(Level::Community < Level::District);
        let g = Groups::parse_discount("学生优惠、老年人免费").unwrap();
        assert_eq!(g.codes(), "elderly;youth");
        assert_eq!(Groups::parse_discount("免费").unwrap(), Groups::ALL);
        assert_eq!(Groups::parse_discount("否").unwrap(), Groups::NONE);
        assert_eq!(
            Groups::parse_suited("适老; accessible").unwrap().codes(),
            "elderly;disabled"
        );
        assert!(Groups::parse_suited("免费").is_err());
        assert!(
            Groups::parse_discount("tourists")
                .unwrap_err()
                .contains("tourists")
        );
        assert_eq!("冬季".parse::<Season>(), Ok(Season::Winter));
        assert_eq!("".parse::<Season>(), Ok(Season::AllYear));
        assert_eq!("社区小广场".parse::<Space>(), Ok(Space::SmallSquare));
        assert!(!Space::NaturalWater.is_pilot() && Space::Underground.is_pilot());
        assert_eq!(
            "康复中心".parse::<HealthKind>(),
            Ok(HealthKind::Rehabilitation)
        );
        // An ice rink on natural waters is there in winter unless told.
        let on_lake = PlanAttributes {
            space: Some(Space::NaturalWater),
            ..Default::default()
        };
        assert_eq!(on_lake.season_of(Category::IceRink), Season::Winter);
        assert_eq!(on_lake.season_of(Category::Park), Season::AllYear);
    }
}
