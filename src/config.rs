//! Run configuration: a bundle's TOML file (inputs, CRSs, settings) merged
//! with command-line overrides. Paths in a config file are relative to it.
//!
//! ```toml
//! name = "helsinki"
//! attribution = "© OpenStreetMap contributors (ODbL 1.0)"
//! [network]
//! path = "Helsinki.osm.pbf"
//! [[facilities]]
//! path = "Helsinki.osm.pbf"          # facilities from OSM tags
//! [communities]
//! path = "grid.geojson"
//! crs = "wgs84"
//! access = "centroid"
//! [settings]
//! minutes = 15.0
//! ```

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde::Deserialize;

use crate::crs::InputCrs;
use crate::model::AccessMode;
use crate::{Error, Result};

/// Column names of one input, `field -> header`, instead of detection: the
/// header must be in the file. The fields are those of the column table
/// (`seeds/columns.toml`: `id`, `name`, `category`, `area_m2`, `population`,
/// `lon`, `lat`, ...); an unknown field is an error when the input is read.
/// In a config: `columns = { lon = "longitude", name = "场地名称" }`.
#[derive(Debug, Clone, Default, Deserialize, PartialEq)]
#[serde(transparent)]
pub struct Columns(pub BTreeMap<String, String>);

impl Columns {
    /// The header named for `field`, if any.
    pub fn get(&self, field: &str) -> Option<&String> {
        self.0.get(field)
    }
}

/// Headers the config's `[columns]` table and `--column FIELD=HEADER` add to
/// the accepted headers of a field, for every table input; tried before the
/// built-in ones, and unlike [`Columns`] not required to be present. In a
/// config: `[columns]` then `area_m2 = ["用地面积（㎡）"]` or `name = "场馆"`.
#[derive(Debug, Clone, Default, Deserialize, PartialEq)]
#[serde(transparent)]
pub struct ExtraHeaders(pub BTreeMap<String, OneOrMany>);

/// One header or a list of them.
#[derive(Debug, Clone, Deserialize, PartialEq)]
#[serde(untagged)]
pub enum OneOrMany {
    /// One header.
    One(String),
    /// Several headers, tried in order.
    Many(Vec<String>),
}

impl OneOrMany {
    /// The headers, in order.
    pub fn as_slice(&self) -> &[String] {
        match self {
            OneOrMany::One(s) => std::slice::from_ref(s),
            OneOrMany::Many(v) => v,
        }
    }
}

impl ExtraHeaders {
    /// Add `header` for `field`, before the headers added so far.
    pub fn push_first(&mut self, field: &str, header: &str) {
        let mut list = vec![header.to_string()];
        if let Some(old) = self.0.remove(field) {
            list.extend(old.as_slice().iter().cloned());
        }
        self.0.insert(field.to_string(), OneOrMany::Many(list));
    }

    /// The headers added for `field`, in order (empty when none).
    pub fn get(&self, field: &str) -> &[String] {
        self.0.get(field).map_or(&[], OneOrMany::as_slice)
    }
}

/// Keep only rows whose `column` equals `equals`.
#[derive(Debug, Clone, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct Filter {
    /// The column to test.
    pub column: String,
    /// The value a kept row has in it (exact match).
    pub equals: String,
}

/// One input file.
#[derive(Debug, Clone, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct InputSpec {
    /// `.osm.pbf`, `.osm`, `.csv`, `.geojson` / `.json`, `.gpkg`, `.shp`,
    /// `.fgb`.
    pub path: PathBuf,
    /// CRS of the coordinates: wgs84 (default), gcj02, bd09 or an EPSG code
    /// (`EPSG:4527`). A file that states its own CRS (`.prj`, GeoPackage,
    /// FlatGeobuf, GeoJSON `crs`) needs none.
    #[serde(default)]
    pub crs: Option<InputCrs>,
    /// The layer of a GeoPackage with several (its table name).
    #[serde(default)]
    pub layer: Option<String>,
    #[serde(default)]
    /// Column names instead of auto-detection.
    pub columns: Columns,
    /// Headers the config's `[columns]` and `--column` add for every table
    /// input (copied from [`Config::columns`] when the inputs are read).
    #[serde(skip)]
    pub extra_headers: ExtraHeaders,
    /// Facility type names the config's `[categories]` adds (copied from
    /// [`Config::categories`] when the inputs are read).
    #[serde(skip)]
    pub extra_categories: BTreeMap<String, String>,
    /// Category for every row (when the file has no category column).
    pub category: Option<String>,
    /// Make one facility per unit of this column (e.g. schools per hexagon).
    pub count_column: Option<String>,
    /// Keep only the rows that pass this filter.
    pub filter: Option<Filter>,
    /// Note carried into outputs for these records.
    pub note: Option<String>,
    /// Communities: `centroid` or `boundary` (entrances / boundary points).
    pub access: Option<AccessMode>,
    /// Units from OSM: the `admin_level` to use.
    pub admin_level: Option<u8>,
}

impl InputSpec {
    /// A spec for a file given on the command line.
    pub fn from_path(path: PathBuf) -> Self {
        InputSpec {
            path,
            crs: None,
            layer: None,
            columns: Columns::default(),
            extra_headers: ExtraHeaders::default(),
            extra_categories: BTreeMap::new(),
            category: None,
            count_column: None,
            filter: None,
            note: None,
            access: None,
            admin_level: None,
        }
    }

    /// The CRS (WGS-84 when unset).
    pub fn crs(&self) -> InputCrs {
        self.crs.unwrap_or_default()
    }

    /// The access mode (boundary when unset).
    pub fn access_mode(&self) -> AccessMode {
        self.access.unwrap_or_default()
    }
}

/// The walking network source: an OSM file, or street centrelines
/// (LineStrings in a GeoPackage, Shapefile, FlatGeobuf or GeoJSON).
#[derive(Debug, Clone, Deserialize, PartialEq, Default)]
#[serde(deny_unknown_fields)]
pub struct NetworkSpec {
    /// The file, relative to the config file.
    pub path: PathBuf,
    /// Lines: CRS of the coordinates, when the file does not state it.
    #[serde(default)]
    pub crs: Option<InputCrs>,
    /// Lines: the layer of a GeoPackage with several.
    #[serde(default)]
    pub layer: Option<String>,
    /// Lines: column names instead of auto-detection (`road_class`,
    /// `oneway`, `layer`, `bridge`, `tunnel`, `walkable`).
    #[serde(default)]
    pub columns: Columns,
    /// Lines: keep only the lines that pass this filter.
    #[serde(default)]
    pub filter: Option<Filter>,
    /// Lines: also join lines where they cross without a shared vertex
    /// (data without junction nodes); never where one of them is a bridge
    /// or tunnel, or their layers differ. Off by default: lines then meet
    /// only at shared end points and vertices.
    #[serde(default)]
    pub join_crossings: bool,
    /// Lines: road classes walkers may not use, besides the built-in ones
    /// (motorway, trunk, 高速公路, 快速路, ...).
    #[serde(default)]
    pub not_walkable: Vec<String>,
}

impl NetworkSpec {
    /// A network from `path`, every option at its default.
    pub fn from_path(path: PathBuf) -> Self {
        NetworkSpec {
            path,
            ..Default::default()
        }
    }

    /// The spec the table readers take for the lines file.
    pub fn as_input(&self) -> InputSpec {
        InputSpec {
            crs: self.crs,
            layer: self.layer.clone(),
            columns: self.columns.clone(),
            filter: self.filter.clone(),
            ..InputSpec::from_path(self.path.clone())
        }
    }
}

/// How to fill in population when the source has none.
#[derive(Debug, Clone, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct PopulationSpec {
    /// Spread this total (people) over all communities.
    pub spread_total: Option<f64>,
    /// How to spread it: `even` (the only method so far).
    #[serde(default = "default_spread")]
    pub spread: String,
    /// Where the total comes from, shown in outputs.
    pub source: Option<String>,
    /// Spread each unit's population (the units file's population column,
    /// e.g. the census 常住人口) over the communities inside the unit:
    /// `households` (in proportion to their households) or `even`. Unset:
    /// the units' population is not used.
    pub from_units: Option<UnitSpread>,
}

/// How a unit's population is spread over its communities.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(try_from = "String")]
pub enum UnitSpread {
    /// In proportion to the communities' households.
    Households,
    /// The same number of people in each community of the unit.
    Even,
}

impl UnitSpread {
    /// The name used in configs: `households` or `even`.
    pub fn as_str(self) -> &'static str {
        match self {
            UnitSpread::Households => "households",
            UnitSpread::Even => "even",
        }
    }
}

impl TryFrom<String> for UnitSpread {
    type Error = String;

    fn try_from(s: String) -> std::result::Result<Self, String> {
        match s.trim() {
            "households" => Ok(UnitSpread::Households),
            "even" => Ok(UnitSpread::Even),
            other => Err(format!(
                "population.from_units {other:?}: use \"households\" (in proportion to \
                 households) or \"even\""
            )),
        }
    }
}

fn default_spread() -> String {
    "even".to_string()
}

/// Analysis settings; every default is a documented choice (DOMAIN.md).
#[derive(Debug, Clone, Copy, Deserialize, PartialEq)]
#[serde(deny_unknown_fields, default)]
pub struct Settings {
    /// Walking time limit in minutes (15).
    pub minutes: f64,
    /// Walking speed in km/h (4.0).
    pub speed_kmh: f64,
    /// Nearest distances are searched and reported up to this many times the
    /// limit (2.0: up to 30 minutes).
    pub report_factor: f64,
    /// Maximum straight distance from an item to the network, metres (300).
    pub max_snap_m: f64,
    /// Network components with fewer nodes are islands (50).
    pub min_component_nodes: u32,
    /// People per household when only households are known (2.31, Beijing 2020).
    pub household_size: f64,
    /// No-network mode: walking distance = straight line x this factor (1.3).
    pub detour_factor: f64,
    /// Isochrone polygons: buffer around reached street pieces, metres (40).
    /// On the travel-time surface: the longest straight walk from a point
    /// to the street.
    pub isochrone_buffer_m: f64,
    /// Travel-time surface: side of a grid cell, metres (20). Band outlines
    /// are accurate to about one cell; the cost grows as 1 / cell^2.
    pub isochrone_cell_m: f64,
    /// Walking bands drawn in isochrones.geojson, minutes (empty: the
    /// targets' life-circle tiers up to `minutes`, and `minutes`; 5, 10, 15
    /// with the bundled targets).
    pub isochrone_bands: Bands,
    /// Keep the travel-time surfaces and write `travel_time_<target>.tif`
    /// (false): 4 bytes per reached cell and target while the run lasts.
    pub travel_time_tif: bool,
    /// Keep the walking minutes from every network node to the nearest
    /// facility of each target (false), for the ends of the edges in
    /// `network.geojson`: 4 bytes per node and distinct set of facilities.
    pub street_minutes: bool,
    /// Catchment method: `2sfca` (step), `e2sfca` (stepped decay) or `gaussian`.
    pub method: Method,
    /// A facility counts in a time window when open at least this long in it (60 min).
    pub min_open_minutes: u32,
    /// Measure 13: every community needs a community-level (or higher)
    /// facility within this walk, minutes (5: the 5-minute life circle).
    pub community_level_minutes: f64,
    /// Measure 35: a sports facility is co-located with a health facility
    /// within this walk, metres (500).
    pub health_walk_m: f64,
}

/// Two-step floating catchment variant; in a config file and on the
/// command line, any name `Method::from_str` accepts.
#[derive(Debug, Clone, Copy, Deserialize, PartialEq, Eq, Default)]
#[serde(try_from = "String")]
pub enum Method {
    /// Step decay: weight 1 within the catchment (Luo & Wang 2003).
    #[default]
    TwoStep,
    /// Stepped decay in three zones (Luo & Qi 2009).
    Enhanced,
    /// Gaussian decay to 0 at the catchment edge (Dai 2010).
    Gaussian,
}

impl TryFrom<String> for Method {
    type Error = String;

    fn try_from(s: String) -> std::result::Result<Self, Self::Error> {
        s.parse()
    }
}

impl Method {
    /// The name used in configs and on the command line (`2sfca`, `e2sfca`, `gaussian`).
    pub fn as_str(self) -> &'static str {
        match self {
            Method::TwoStep => "2sfca",
            Method::Enhanced => "e2sfca",
            Method::Gaussian => "gaussian",
        }
    }
}

impl std::str::FromStr for Method {
    type Err = String;

    /// `2sfca`, `e2sfca`, `gaussian` (or `g2sfca`), case-insensitive.
    fn from_str(s: &str) -> std::result::Result<Self, String> {
        match s.trim().to_ascii_lowercase().as_str() {
            "2sfca" => Ok(Method::TwoStep),
            "e2sfca" => Ok(Method::Enhanced),
            "gaussian" | "g2sfca" => Ok(Method::Gaussian),
            other => Err(format!(
                "unknown catchment method {other:?}; use 2sfca, e2sfca or gaussian"
            )),
        }
    }
}

/// Default side of a travel-time surface cell, metres: half the 40 m
/// off-street radius. On the bundles the 15-minute band is then within
/// 0.6 % of the exact polygon's area and 11 m of its outline; 15 m cells
/// (0.35 %, 8 m) made the bands of a 200k-node city 1.6 times as slow
/// (BENCHMARKS.md).
pub const DEFAULT_CELL_M: f64 = 20.0;

/// Walking bands, minutes, ascending, at most [`Bands::MAX`] (a `Copy`
/// list, so that [`Settings`] stays `Copy`). Empty means "from the
/// targets' tiers". In a config file: `isochrone_bands = [5, 10, 15]`.
#[derive(Debug, Clone, Copy, Deserialize, PartialEq, Default)]
#[serde(try_from = "Vec<f64>")]
pub struct Bands {
    minutes: [f64; Bands::MAX],
    len: usize,
}

impl Bands {
    /// Most bands.
    pub const MAX: usize = 8;

    /// Bands from minutes: each more than 0 and at most 240, at most
    /// [`Bands::MAX`] of them; sorted, duplicates dropped.
    pub fn new(minutes: &[f64]) -> std::result::Result<Self, String> {
        let mut v: Vec<f64> = minutes.to_vec();
        if let Some(b) = v.iter().find(|m| !(**m > 0.0 && **m <= 240.0)) {
            return Err(format!(
                "band {b} must be more than 0 and at most 240 minutes"
            ));
        }
        v.sort_by(f64::total_cmp);
        v.dedup();
        if v.len() > Self::MAX {
            return Err(format!("at most {} bands", Self::MAX));
        }
        let mut out = Bands::default();
        out.minutes[..v.len()].copy_from_slice(&v);
        out.len = v.len();
        Ok(out)
    }

    /// The bands, minutes, ascending.
    pub fn as_slice(&self) -> &[f64] {
        &self.minutes[..self.len]
    }

    /// No band given: use the targets' tiers.
    pub fn is_empty(&self) -> bool {
        self.len == 0
    }
}

impl TryFrom<Vec<f64>> for Bands {
    type Error = String;

    fn try_from(v: Vec<f64>) -> std::result::Result<Self, String> {
        Bands::new(&v)
    }
}

impl std::str::FromStr for Bands {
    type Err = String;

    /// `5,10,15`.
    fn from_str(s: &str) -> std::result::Result<Self, String> {
        let v: std::result::Result<Vec<f64>, _> =
            s.split(',').map(|x| x.trim().parse::<f64>()).collect();
        Bands::new(&v.map_err(|e| format!("bands {s:?}: {e} (write e.g. 5,10,15)"))?)
    }
}

/// A named time window for coverage (`[[windows]]` in the config).
#[derive(Debug, Clone, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct WindowSpec {
    /// The window's name in outputs (e.g. `evening`).
    pub name: String,
    /// Days and hours in opening_hours syntax, e.g. "Mo-Fr 17:00-22:00".
    pub hours: String,
}

impl Default for Settings {
    fn default() -> Self {
        Settings {
            minutes: 15.0,
            speed_kmh: 4.0,
            report_factor: 2.0,
            max_snap_m: 300.0,
            min_component_nodes: 50,
            household_size: 2.31,
            detour_factor: 1.3,
            isochrone_buffer_m: 40.0,
            isochrone_cell_m: DEFAULT_CELL_M,
            isochrone_bands: Bands::default(),
            travel_time_tif: false,
            street_minutes: false,
            method: Method::TwoStep,
            min_open_minutes: 60,
            community_level_minutes: 5.0,
            health_walk_m: 500.0,
        }
    }
}

impl Settings {
    /// The walk of measure 13's community level, metres.
    pub fn community_level_m(&self) -> f64 {
        self.community_level_minutes * self.metres_per_minute()
    }

    /// The walking limit in metres.
    pub fn limit_m(&self) -> f64 {
        self.minutes * self.speed_kmh * 1000.0 / 60.0
    }

    /// Metres per minute.
    pub fn metres_per_minute(&self) -> f64 {
        self.speed_kmh * 1000.0 / 60.0
    }

    /// Check ranges; names the bad value and what to use.
    pub fn validate(&self, origin: &str) -> Result<()> {
        let bad = |what: &str| Err(Error::config(origin.to_string(), what.to_string()));
        if !(self.minutes > 0.0 && self.minutes <= 240.0) {
            return bad("minutes must be between 0 and 240");
        }
        if !(self.speed_kmh > 0.0 && self.speed_kmh <= 40.0) {
            return bad("speed_kmh must be between 0 and 40 (walking 4.0, cycling about 15)");
        }
        if !(self.report_factor >= 1.0 && self.report_factor <= 10.0) {
            return bad("report_factor must be between 1 and 10");
        }
        if !(self.max_snap_m > 0.0 && self.max_snap_m <= 5000.0) {
            return bad("max_snap_m must be between 0 and 5000 metres");
        }
        if !(self.household_size > 0.0 && self.household_size <= 20.0) {
            return bad("household_size must be between 0 and 20 people");
        }
        if !(self.detour_factor >= 1.0 && self.detour_factor <= 3.0) {
            return bad("detour_factor must be between 1.0 and 3.0 (1.3 is usual)");
        }
        if !(self.isochrone_buffer_m > 0.0 && self.isochrone_buffer_m <= 500.0) {
            return bad("isochrone_buffer_m must be between 0 and 500 metres");
        }
        if !(self.isochrone_cell_m >= 1.0 && self.isochrone_cell_m <= 500.0) {
            return bad("isochrone_cell_m must be between 1 and 500 metres");
        }
        if self.min_open_minutes > 24 * 60 {
            return bad("min_open_minutes must be at most 1440");
        }
        if !(self.community_level_minutes > 0.0 && self.community_level_minutes <= 240.0) {
            return bad("community_level_minutes must be between 0 and 240 (5 is usual)");
        }
        if !(self.health_walk_m > 0.0 && self.health_walk_m <= 10_000.0) {
            return bad("health_walk_m must be between 0 and 10000 metres (500 is usual)");
        }
        if self.min_component_nodes > 1_000_000 {
            return bad("min_component_nodes must be at most 1000000 (50 is usual)");
        }
        Ok(())
    }
}

impl PopulationSpec {
    /// Check `spread_total` (finite, more than 0, at most
    /// `crate::bounds::MAX_SPREAD_TOTAL`) and `spread` (`even`).
    pub fn validate(&self, origin: &str) -> Result<()> {
        let max = crate::bounds::MAX_SPREAD_TOTAL;
        if let Some(t) = self.spread_total
            && !(t.is_finite() && t > 0.0 && t <= max)
        {
            return Err(Error::config(
                origin.to_string(),
                format!(
                    "population.spread_total {t} must be a number of people more than 0 and \
                     at most {max:.0}"
                ),
            ));
        }
        if self.spread != "even" {
            return Err(Error::config(
                origin.to_string(),
                format!(
                    "population.spread {:?} is not supported; use \"even\"",
                    self.spread
                ),
            ));
        }
        Ok(())
    }
}

/// A bundle or user configuration file.
#[derive(Debug, Clone, Deserialize, PartialEq, Default)]
#[serde(deny_unknown_fields)]
pub struct Config {
    #[serde(default)]
    /// Short name of the data set (e.g. `helsinki`), used for the default language.
    pub name: String,
    #[serde(default)]
    /// Title shown in the report and the summary (falls back to the name).
    pub title: String,
    /// Attribution lines for the data (kept in outputs).
    #[serde(default)]
    pub attribution: Vec<String>,
    /// Notes printed with every run (e.g. "population is an estimate").
    #[serde(default)]
    pub notes: Vec<String>,
    /// The street network, if any (without one, distances are straight lines x the detour factor).
    pub network: Option<NetworkSpec>,
    #[serde(default)]
    /// Facility inputs (any number; an .osm.pbf reads facilities from OSM tags).
    pub facilities: Vec<InputSpec>,
    /// Residential communities or population cells.
    pub communities: Option<InputSpec>,
    /// Administrative units (subdistricts), if any.
    pub units: Option<InputSpec>,
    /// Health facilities (社区卫生服务中心, hospitals, rehabilitation and
    /// health-promotion centres), for measure 35; CSV or GeoJSON.
    #[serde(default, alias = "health_facilities")]
    pub health: Vec<InputSpec>,
    /// Grassroots culture stations (文化站 / 文化活动室), for measure 36;
    /// CSV or GeoJSON.
    #[serde(default, alias = "culture_stations")]
    pub culture: Vec<InputSpec>,
    /// How to fill in population when the communities have none.
    pub population: Option<PopulationSpec>,
    #[serde(default)]
    /// Walking limit, speed and the other settings.
    pub settings: Settings,
    /// Time windows; the defaults are weekday daytime, weekday evening, weekend.
    #[serde(default)]
    pub windows: Vec<WindowSpec>,
    /// Policy targets file; the bundled seeds/targets.toml when unset.
    pub targets: Option<PathBuf>,
    /// Headers added to the accepted headers of fields, for every table
    /// input (`[columns]`; `--column FIELD=HEADER` adds more).
    #[serde(default)]
    pub columns: ExtraHeaders,
    /// Facility type names added to `seeds/categories.toml`: name ->
    /// `category` or `category/subtype` (`"健身广场" = "fitness_station"`).
    #[serde(default)]
    pub categories: BTreeMap<String, String>,
    /// Folder the config was read from; relative paths resolve against it.
    #[serde(skip)]
    pub base_dir: PathBuf,
    /// The config file, for messages.
    #[serde(skip)]
    pub origin: String,
}

/// A TOML error as "line L, column C: what is wrong", without the toml
/// crate's excerpt of the offending line: a path given by mistake (a
/// symbolic link to a system file, say) must not have its contents
/// printed.
fn toml_error_message(e: &toml::de::Error, text: &str) -> String {
    let what = e.message().trim();
    match e.span() {
        Some(span) => {
            let before = &text[..span.start.min(text.len())];
            let line = before.matches('\n').count() + 1;
            let column = before.rsplit('\n').next().map_or(0, |l| l.chars().count()) + 1;
            format!(
                "not a valid fitcircle config: TOML parse error at line {line}, column {column}: \
                 {what}"
            )
        }
        None => format!("not a valid fitcircle config: {what}"),
    }
}

impl Config {
    /// Read and parse a TOML config; resolves relative paths against its folder.
    pub fn read(path: &Path) -> Result<Config> {
        let text = crate::bundled::read(path).and_then(|bytes| {
            String::from_utf8(bytes.into_owned())
                .map_err(|e| std::io::Error::new(std::io::ErrorKind::InvalidData, e))
        });
        let text = text.map_err(|source| {
            let hint = match source.kind() {
                std::io::ErrorKind::NotFound => Some(
                    "no such config file; check the --config path (relative to the current \
                     folder)",
                ),
                std::io::ErrorKind::IsADirectory => {
                    Some("this is a folder; give the TOML config file itself")
                }
                std::io::ErrorKind::InvalidData => {
                    Some("the config is not valid UTF-8 text; save it as UTF-8")
                }
                _ => None,
            };
            Error::Read {
                path: path.to_path_buf(),
                source: match hint {
                    Some(h) => std::io::Error::new(source.kind(), h),
                    None => source,
                },
            }
        })?;
        let mut cfg: Config =
            toml::from_str(&text).map_err(|e| Error::file(path, toml_error_message(&e, &text)))?;
        cfg.origin = path.display().to_string();
        cfg.base_dir = path.parent().map(Path::to_path_buf).unwrap_or_default();
        let base = cfg.base_dir.clone();
        let fix = |p: &mut PathBuf| {
            if p.is_relative() {
                *p = base.join(&*p);
            }
        };
        if let Some(n) = cfg.network.as_mut() {
            fix(&mut n.path);
        }
        for f in cfg.facilities.iter_mut() {
            fix(&mut f.path);
        }
        if let Some(c) = cfg.communities.as_mut() {
            fix(&mut c.path);
        }
        if let Some(u) = cfg.units.as_mut() {
            fix(&mut u.path);
        }
        for h in cfg.health.iter_mut().chain(cfg.culture.iter_mut()) {
            fix(&mut h.path);
        }
        if let Some(t) = cfg.targets.as_mut() {
            fix(t);
        }
        cfg.validate()?;
        Ok(cfg)
    }

    /// Check every number and choice of the config: the settings
    /// ([`Settings::validate`]), `[population]`
    /// ([`PopulationSpec::validate`]) and the units' `admin_level` (bounds
    /// in `crate::input::bounds`). Errors name the config.
    pub fn validate(&self) -> Result<()> {
        let origin = if self.origin.is_empty() {
            "(in memory)"
        } else {
            self.origin.as_str()
        };
        self.settings.validate(origin)?;
        if let Some(p) = &self.population {
            p.validate(origin)?;
        }
        let levels = crate::bounds::ADMIN_LEVELS;
        if let Some(level) = self.units.as_ref().and_then(|u| u.admin_level)
            && !levels.contains(&level)
        {
            return Err(Error::config(
                origin.to_string(),
                format!(
                    "units.admin_level {level} is outside {} ..= {} (8 is usually a \
                     municipality)",
                    levels.start(),
                    levels.end()
                ),
            ));
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(text: &str) -> Config {
        let mut cfg: Config = toml::from_str(text).unwrap();
        cfg.origin = "t.toml".into();
        cfg
    }

    #[test]
    fn columns_and_categories_tables() {
        let cfg = parse(
            "[columns]\narea_m2 = [\"用地面积\", \"面积（亩）\"]\nname = \"场馆\"\n\
             [categories]\n\"健身广场\" = \"fitness_station\"\n\
             [[facilities]]\npath = \"v.csv\"\ncolumns = { lon = \"x\" }\n\
             [population]\nfrom_units = \"households\"\n",
        );
        assert_eq!(cfg.columns.get("area_m2"), ["用地面积", "面积（亩）"]);
        assert_eq!(cfg.columns.get("name"), ["场馆"]);
        assert!(cfg.columns.get("id").is_empty());
        assert_eq!(cfg.categories["健身广场"], "fitness_station");
        assert_eq!(
            cfg.facilities[0].columns.get("lon").map(String::as_str),
            Some("x")
        );
        assert_eq!(
            cfg.population.as_ref().and_then(|p| p.from_units),
            Some(UnitSpread::Households)
        );
        let mut extra = ExtraHeaders::default();
        extra.push_first("name", "b");
        extra.push_first("name", "a");
        assert_eq!(extra.get("name"), ["a", "b"]);
        let e = toml::from_str::<Config>("[population]\nfrom_units = \"area\"\n")
            .unwrap_err()
            .to_string();
        assert!(e.contains("use \"households\""), "{e}");
    }

    #[test]
    fn validate_checks_population_and_admin_level() {
        assert!(
            parse("[population]\nspread_total = 1000.0\n")
                .validate()
                .is_ok()
        );
        for bad in ["-1.0", "0.0", "nan", "inf", "2e9"] {
            let m = parse(&format!("[population]\nspread_total = {bad}\n"))
                .validate()
                .unwrap_err()
                .to_string();
            assert!(
                m.starts_with("configuration t.toml: population.spread_total"),
                "{m}"
            );
        }
        let m = parse("[population]\nspread_total = 10.0\nspread = \"area\"\n")
            .validate()
            .unwrap_err()
            .to_string();
        assert!(m.contains("population.spread \"area\""), "{m}");
        let m = parse("[units]\npath = \"a.osm\"\nadmin_level = 40\n")
            .validate()
            .unwrap_err()
            .to_string();
        assert!(m.contains("admin_level 40"), "{m}");
        let m = parse("[settings]\nmin_component_nodes = 4000000000\n")
            .validate()
            .unwrap_err()
            .to_string();
        assert!(m.contains("min_component_nodes"), "{m}");
    }
}
