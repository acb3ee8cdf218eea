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

use std::path::{Path, PathBuf};

use serde::Deserialize;

use crate::crs::Crs;
use crate::model::AccessMode;
use crate::{Error, Result};

/// Column names to use instead of auto-detection. Any left out are detected
/// among common variants (see `input::table`).
#[derive(Debug, Clone, Default, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct Columns {
    /// Column of the unique id.
    pub id: Option<String>,
    /// Column of the name.
    pub name: Option<String>,
    /// Column of the facility category.
    pub category: Option<String>,
    /// Column of the status (`existing` / `planned`).
    pub status: Option<String>,
    /// Column of the outdoor sports land, m2.
    pub area_m2: Option<String>,
    /// Column of the indoor sports floor area, m2.
    pub floor_area_m2: Option<String>,
    /// Column of the opening hours (OSM syntax).
    pub opening_hours: Option<String>,
    /// Column saying whether a school venue is open to the public (yes/no).
    pub open_to_public: Option<String>,
    /// Column of the population (people).
    pub population: Option<String>,
    /// Column of the households.
    pub households: Option<String>,
    /// Column of the build year.
    pub build_year: Option<String>,
    /// Column of the finer kind within the category (`sport`, `subtype`).
    pub subtype: Option<String>,
    /// Column of the outdoor fitness equipment generation (2 = second generation).
    pub equipment_generation: Option<String>,
    /// Column of the facility's level (区级 / 街道级 / 社区级).
    pub level: Option<String>,
    /// Column of the groups a facility is free or discounted for.
    pub free_or_discount: Option<String>,
    /// Column of the groups a facility is suited to (适老 / 无障碍 / 青少年).
    pub suited_for: Option<String>,
    /// Column of the season a facility is there (冬季 / 夏季 / 全年).
    pub season: Option<String>,
    /// Column of the kind of space (自然水域 / 楼宇 / 小广场 / 地下空间).
    pub space: Option<String>,
    /// Column of a community's residents aged 60 and over.
    pub elderly_population: Option<String>,
    /// Column of a community's residents with disabilities.
    pub disabled_population: Option<String>,
    /// Column of a community's residents aged 0-17.
    pub youth_population: Option<String>,
    /// Column saying whether a culture station is combined with sports (文体站).
    pub with_sports: Option<String>,
    /// Column of the longitude (degrees, in the input's CRS).
    pub lon: Option<String>,
    /// Column of the latitude (degrees, in the input's CRS).
    pub lat: Option<String>,
    /// Column of a WKT geometry (polygons, lines).
    pub wkt: Option<String>,
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
    /// `.osm.pbf`, `.osm`, `.csv`, `.geojson` / `.json`.
    pub path: PathBuf,
    /// CRS of the coordinates: wgs84 (default), gcj02 or bd09.
    #[serde(default)]
    pub crs: Option<Crs>,
    #[serde(default)]
    /// Column names instead of auto-detection.
    pub columns: Columns,
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
            columns: Columns::default(),
            category: None,
            count_column: None,
            filter: None,
            note: None,
            access: None,
            admin_level: None,
        }
    }

    /// The CRS (WGS-84 when unset).
    pub fn crs(&self) -> Crs {
        self.crs.unwrap_or_default()
    }

    /// The access mode (boundary when unset).
    pub fn access_mode(&self) -> AccessMode {
        self.access.unwrap_or_default()
    }
}

/// The walking network source.
#[derive(Debug, Clone, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct NetworkSpec {
    /// The OSM file (.osm.pbf or .osm), relative to the config file.
    pub path: PathBuf,
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
