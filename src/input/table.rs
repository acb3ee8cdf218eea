//! CSV and GeoJSON readers for facilities, communities and administrative
//! units. Both formats become [`Record`]s (named fields + WGS-84 geometry),
//! then one set of builders turns records into model types, so the rules
//! (column variants, validation, messages) are the same for both formats.
//!
//! Column names are detected case-insensitively among common variants
//! (`lon/lng/longitude/x`, `lat/latitude/y`, `经度/纬度`, `人口`, `户数`, ...)
//! unless the config names them.

use std::collections::HashMap;
use std::path::Path;

use geo::{Area, Coord, Geodesic, Geometry, Length, MapCoords, MultiPolygon, Point};

use super::bounds;
use crate::config::{Columns, InputSpec, PopulationSpec};
use crate::crs::Crs;
use crate::model::{
    AdminUnit, AreaSource, Category, Community, CultureStation, DropReason, Dropped, Facility,
    GroupPopulation, Groups, HealthFacility, HealthKind, Level, PlanAttributes, PopulationSource,
    Season, Space, Status,
};
use crate::{Error, Result};

/// One row or feature: fields by column name, and its geometry (WGS-84).
#[derive(Debug, Clone)]
pub struct Record {
    /// "row 12" or "feature 3 (id \"a\")".
    pub location: String,
    /// (column, value) pairs of the record, in column order.
    pub fields: Vec<(String, String)>,
    /// Its geometry (from lon/lat columns, WKT or GeoJSON), WGS-84.
    pub geometry: Option<Geometry<f64>>,
}

/// The column names found in a file, for detection.
#[derive(Debug, Clone)]
pub struct Table {
    /// The column names found in the file, in file order.
    pub columns: Vec<String>,
    /// One record per row or feature.
    pub records: Vec<Record>,
    /// Repaired or skipped records, for the run's warnings.
    pub warnings: Vec<String>,
    /// The same records one by one, for `dropped.csv`.
    pub dropped: Vec<Dropped>,
}

const ID: &[&str] = &["id", "fid", "osm_id", "code", "编号", "编码"];
const NAME: &[&str] = &["name", "名称", "小区名称", "名字"];
const CATEGORY: &[&str] = &["category", "type", "kind", "类别", "类型"];
const STATUS: &[&str] = &["status", "状态"];
const AREA: &[&str] = &["area_m2", "area", "面积", "场地面积"];
const FLOOR: &[&str] = &["floor_area_m2", "floor_area", "建筑面积"];
const HOURS: &[&str] = &["opening_hours", "hours", "开放时间"];
const OPEN: &[&str] = &["open_to_public", "open", "对外开放", "是否开放"];
const POPULATION: &[&str] = &["population", "pop", "people", "residents", "人口", "人口数"];
const HOUSEHOLDS: &[&str] = &["households", "hh", "户数"];
const SUBTYPE: &[&str] = &["subtype", "sport", "项目", "运动项目"];
const GENERATION: &[&str] = &["equipment_generation", "generation", "器材代际"];
const YEAR: &[&str] = &[
    "build_year",
    "buildtime",
    "year_built",
    "year",
    "建成年份",
    "建成年代",
];
// Not a bare `level` (nor `seasonal` below): in OpenStreetMap exports
// `level` is a floor number and `seasonal` may be `yes`; name such a column
// in the config (`columns = { level = "level" }`) to use it.
const LEVEL: &[&str] = &[
    "facility_level",
    "network_level",
    "级别",
    "设施级别",
    "层级",
    "设施层级",
];
const DISCOUNT: &[&str] = &[
    "free_or_discount",
    "discount_for",
    "free_for",
    "免费优惠",
    "优惠对象",
    "免费或优惠",
    "免费/优惠",
];
const SUITED: &[&str] = &[
    "suited_for",
    "suitable_for",
    "适用人群",
    "适宜人群",
    "服务人群",
];
const SEASON: &[&str] = &["season", "季节", "开放季节"];
const SPACE: &[&str] = &["space", "space_type", "设置场所", "空间类型", "场所类型"];
const ELDERLY: &[&str] = &[
    "elderly_population",
    "pop_60plus",
    "60岁以上人口",
    "60岁及以上人口",
    "65岁以上人口",
    "老年人口",
    "老年人数",
];
const DISABLED: &[&str] = &[
    "disabled_population",
    "残疾人数",
    "残疾人口",
    "持证残疾人数",
];
const YOUTH: &[&str] = &[
    "youth_population",
    "pop_0_17",
    "0-17岁人口",
    "0-17岁",
    "青少年人口",
    "未成年人口",
];
const WITH_SPORTS: &[&str] = &[
    "with_sports",
    "combined_with_sports",
    "文体结合",
    "是否文体站",
    "文体站",
];
const LON: &[&str] = &["lon", "lng", "long", "longitude", "x", "经度"];
const LAT: &[&str] = &["lat", "latitude", "y", "纬度"];
const WKT: &[&str] = &["wkt", "geometry", "geom", "the_geom"];

/// Every field a table can fill, with the column names the readers accept
/// for it (case-insensitive, first match wins), as `(field, names)`; the
/// field is also the key under `columns = { ... }` in a config.
pub const ACCEPTED_COLUMNS: &[(&str, &[&str])] = &[
    ("id", ID),
    ("name", NAME),
    ("category", CATEGORY),
    ("status", STATUS),
    ("area_m2", AREA),
    ("floor_area_m2", FLOOR),
    ("opening_hours", HOURS),
    ("open_to_public", OPEN),
    ("population", POPULATION),
    ("households", HOUSEHOLDS),
    ("subtype", SUBTYPE),
    ("equipment_generation", GENERATION),
    ("build_year", YEAR),
    ("level", LEVEL),
    ("free_or_discount", DISCOUNT),
    ("suited_for", SUITED),
    ("season", SEASON),
    ("space", SPACE),
    ("elderly_population", ELDERLY),
    ("disabled_population", DISABLED),
    ("youth_population", YOUTH),
    ("with_sports", WITH_SPORTS),
    ("lon", LON),
    ("lat", LAT),
    ("wkt", WKT),
];

/// Which column of `headers` feeds each field of [`ACCEPTED_COLUMNS`]:
/// the configured name when the config names one (`None` when it is
/// missing from the file), else the first accepted name present. For
/// `fitcircle check`; the readers decide the same way.
pub fn column_mapping(
    headers: &[String],
    configured: &Columns,
) -> Vec<(&'static str, Option<String>)> {
    let c = configured;
    let set = [
        &c.id,
        &c.name,
        &c.category,
        &c.status,
        &c.area_m2,
        &c.floor_area_m2,
        &c.opening_hours,
        &c.open_to_public,
        &c.population,
        &c.households,
        &c.subtype,
        &c.equipment_generation,
        &c.build_year,
        &c.level,
        &c.free_or_discount,
        &c.suited_for,
        &c.season,
        &c.space,
        &c.elderly_population,
        &c.disabled_population,
        &c.youth_population,
        &c.with_sports,
        &c.lon,
        &c.lat,
        &c.wkt,
    ];
    ACCEPTED_COLUMNS
        .iter()
        .zip(set)
        .map(|(&(field, names), conf)| {
            let found = find_column(Path::new(""), headers, conf.as_ref(), names)
                .ok()
                .flatten();
            (field, found)
        })
        .collect()
}

/// Find a column: the configured name (must exist) or the first variant present.
fn find_column(
    path: &Path,
    columns: &[String],
    configured: Option<&String>,
    variants: &[&str],
) -> Result<Option<String>> {
    if let Some(name) = configured {
        return if columns.iter().any(|c| c == name) {
            Ok(Some(name.clone()))
        } else {
            Err(Error::file(
                path,
                format!(
                    "configured column {name:?} is not in the file (columns: {})",
                    columns.join(", ")
                ),
            ))
        };
    }
    for v in variants {
        if let Some(c) = columns.iter().find(|c| c.trim().eq_ignore_ascii_case(v)) {
            return Ok(Some(c.clone()));
        }
    }
    Ok(None)
}

impl Record {
    /// The trimmed value of a field, `None` when absent or empty.
    pub fn get(&self, column: Option<&String>) -> Option<&str> {
        let col = column?;
        self.fields
            .iter()
            .find(|(k, _)| k == col)
            .map(|(_, v)| v.trim())
            .filter(|v| !v.is_empty())
    }

    /// The record of `reason` for this record in `path`, its id and name
    /// taken from the first column named like an id or a name.
    pub fn dropped(&self, path: &Path, reason: DropReason, detail: String) -> Dropped {
        let field = |variants: &[&str]| {
            self.fields
                .iter()
                .find(|(k, _)| variants.contains(&k.to_lowercase().as_str()))
                .map(|(_, v)| v.trim().to_string())
                .unwrap_or_default()
        };
        Dropped {
            file: path.to_path_buf(),
            id: field(ID),
            name: field(NAME),
            ..Dropped::new(self.location.clone(), reason, detail)
        }
    }
}

/// An [`Error::Read`] whose I/O error says what to fix for the common cases
/// (no such file, a folder instead of a file, no permission); the error kind
/// is kept.
pub(crate) fn read_error(path: &Path, source: std::io::Error) -> Error {
    use std::io::ErrorKind;
    let hint = match source.kind() {
        ErrorKind::NotFound => Some(
            "no such file; check the name and folder (a path on the command line is relative \
             to the current folder, a path in a config file to the config file's folder)",
        ),
        ErrorKind::IsADirectory => Some("this is a folder, not a file; name a file inside it"),
        ErrorKind::PermissionDenied => {
            Some("permission denied; make the file readable or copy it somewhere readable")
        }
        _ => None,
    };
    let source = match hint {
        Some(h) => std::io::Error::new(source.kind(), h),
        None => source,
    };
    Error::Read {
        path: path.to_path_buf(),
        source,
    }
}

/// The two table formats.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TableFormat {
    /// Comma-separated values with a header row (`.csv`, `.txt`, `.tsv`).
    Csv,
    /// A GeoJSON FeatureCollection (`.geojson`, `.json`).
    GeoJson,
}

impl TableFormat {
    /// The format a file's extension says; an error naming the file for
    /// any other extension.
    pub fn of_path(path: &Path) -> Result<Self> {
        let ext = path
            .extension()
            .and_then(|e| e.to_str())
            .unwrap_or("")
            .to_ascii_lowercase();
        match ext.as_str() {
            "csv" | "txt" | "tsv" => Ok(TableFormat::Csv),
            "geojson" | "json" => Ok(TableFormat::GeoJson),
            other => Err(Error::file(
                path,
                format!("unknown file type {other:?}; use .csv, .geojson/.json, .osm.pbf or .osm"),
            )),
        }
    }
}

/// Read a CSV or GeoJSON file into records (geometry converted to WGS-84).
pub fn read_table(spec: &InputSpec) -> Result<Table> {
    let path = &spec.path;
    let crs = spec.crs();
    let text = crate::bundled::read(path).map_err(|source| read_error(path, source))?;
    check_not_empty(path, &text)?;
    let format = TableFormat::of_path(path)?;
    parse_table(&text, format, spec, crs)
}

/// Read a CSV or GeoJSON table held in memory into records (geometry
/// converted to WGS-84). `spec` gives the options (CRS, columns, filter);
/// its `path` only names the data, in error messages and in the ids made
/// up for rows without one (`stem:row`): it is not opened.
pub fn read_table_bytes(bytes: &[u8], format: TableFormat, spec: &InputSpec) -> Result<Table> {
    let crs = spec.crs();
    check_not_empty(&spec.path, bytes)?;
    parse_table(bytes, format, spec, crs)
}

/// [`read_table_bytes`] over everything `reader` gives (a pipe, a
/// socket, an open file).
pub fn read_table_from(
    mut reader: impl std::io::Read,
    format: TableFormat,
    spec: &InputSpec,
) -> Result<Table> {
    let mut bytes = Vec::new();
    reader
        .read_to_end(&mut bytes)
        .map_err(|source| read_error(&spec.path, source))?;
    read_table_bytes(&bytes, format, spec)
}

fn check_not_empty(path: &Path, bytes: &[u8]) -> Result<()> {
    if bytes.iter().all(|b| b.is_ascii_whitespace()) {
        return Err(Error::file(
            path,
            "the file is empty; it needs a header row (CSV) or a FeatureCollection (GeoJSON)",
        ));
    }
    Ok(())
}

/// The records of a table (not empty) of `format`, filtered, without
/// exact repeats, their geometry checked and converted from `crs`.
fn parse_table(bytes: &[u8], format: TableFormat, spec: &InputSpec, crs: Crs) -> Result<Table> {
    let path = &spec.path;
    let mut table = match format {
        TableFormat::Csv => read_csv(path, bytes, &spec.columns)?,
        TableFormat::GeoJson => read_geojson(path, bytes)?,
    };
    if let Some(f) = &spec.filter {
        if !table.columns.iter().any(|c| c == &f.column) {
            return Err(Error::file(
                path,
                format!("filter column {:?} is not in the file", f.column),
            ));
        }
        table
            .records
            .retain(|r| r.get(Some(&f.column)) == Some(f.equals.as_str()));
    }
    drop_exact_duplicates(path, &mut table);
    let mut repaired = Vec::new();
    for r in table.records.iter_mut() {
        if let Some(g) = r.geometry.take() {
            check_geometry(path, &r.location, &g)?;
            let (g, note) = super::repair::repair_geometry(g);
            if let Some(note) = note {
                let detail = format!("invalid polygon repaired: {note}");
                table
                    .dropped
                    .push(r.dropped(path, DropReason::PolygonRepaired, detail));
                repaired.push(format!("{} ({note})", r.location));
            }
            r.geometry = Some(to_wgs84(g, crs));
        }
    }
    if !repaired.is_empty() {
        const SHOWN: usize = 10;
        let more = repaired.len().saturating_sub(SHOWN);
        repaired.truncate(SHOWN);
        table.warnings.push(format!(
            "{}: {} invalid polygons repaired: {}{}",
            path.display(),
            repaired.len() + more,
            repaired.join(", "),
            if more > 0 {
                format!(" and {more} more")
            } else {
                String::new()
            }
        ));
    }
    Ok(table)
}

fn to_wgs84(g: Geometry<f64>, crs: Crs) -> Geometry<f64> {
    if crs == Crs::Wgs84 {
        return g;
    }
    g.map_coords(|c| {
        let (x, y) = crs.to_wgs84(c.x, c.y);
        Coord { x, y }
    })
}

/// A coordinate (decimal degrees, or metres for projected data): a plain
/// number with a point as the decimal mark; a comma is refused (it was
/// once dropped, reading `39,9` as 399).
fn parse_number(path: &Path, location: &str, column: &str, value: &str) -> Result<f64> {
    if value.contains(',') {
        return Err(Error::record(
            path,
            location,
            format!(
                "column {column:?}: {value:?} has a comma; write coordinates in decimal \
                 degrees with a point (e.g. 39.9)"
            ),
        ));
    }
    let v: f64 = value.trim().parse().map_err(|_| {
        Error::record(
            path,
            location,
            format!("column {column:?}: {value:?} is not a number"),
        )
    })?;
    if !v.is_finite() {
        return Err(Error::record(
            path,
            location,
            format!("column {column:?}: {value:?} is not a finite number"),
        ));
    }
    Ok(v)
}

/// Check a lon/lat pair, spotting swapped columns.
fn check_lonlat(path: &Path, location: &str, lon: f64, lat: f64) -> Result<()> {
    let lon_ok = (-180.0..=180.0).contains(&lon);
    let lat_ok = (-90.0..=90.0).contains(&lat);
    if lon_ok && lat_ok {
        return Ok(());
    }
    if !lat_ok && (-90.0..=90.0).contains(&lon) && (-180.0..=180.0).contains(&lat) {
        return Err(Error::record(
            path,
            location,
            format!(
                "latitude {lat} is out of range [-90, 90] while longitude {lon} would be a \
                 valid latitude: longitude and latitude look swapped; swap the columns (or \
                 set columns.lon / columns.lat in the config; GeoJSON positions are [lon, lat])"
            ),
        ));
    }
    Err(Error::record(
        path,
        location,
        format!(
            "coordinate ({lon}, {lat}) is out of range (longitude -180..180, latitude -90..90); \
             are the coordinates projected (metres)? fitcircle reads lon/lat in wgs84, gcj02 or bd09"
        ),
    ))
}

fn check_geometry(path: &Path, location: &str, g: &Geometry<f64>) -> Result<()> {
    use geo::CoordsIter;
    for c in g.coords_iter() {
        if !c.x.is_finite() || !c.y.is_finite() {
            return Err(Error::record(
                path,
                location,
                "coordinate is not a finite number",
            ));
        }
        check_lonlat(path, location, c.x, c.y)?;
    }
    let check_poly = |p: &geo::Polygon<f64>| -> Result<()> {
        for ring in std::iter::once(p.exterior()).chain(p.interiors()) {
            if ring.0.len() < 4 {
                return Err(Error::record(
                    path,
                    location,
                    format!(
                        "polygon ring has {} positions; a ring needs at least 4 (3 corners \
                         plus the first repeated at the end)",
                        ring.0.len()
                    ),
                ));
            }
        }
        Ok(())
    };
    match g {
        Geometry::Polygon(p) => check_poly(p)?,
        Geometry::MultiPolygon(mp) => mp.iter().try_for_each(check_poly)?,
        Geometry::LineString(l) if l.0.len() < 2 => {
            return Err(Error::record(
                path,
                location,
                "line has fewer than 2 positions",
            ));
        }
        _ => {}
    }
    Ok(())
}

fn read_csv(path: &Path, bytes: &[u8], cols: &Columns) -> Result<Table> {
    let mut rdr = csv::ReaderBuilder::new()
        .flexible(false)
        .trim(csv::Trim::All)
        .from_reader(bytes);
    let headers: Vec<String> = rdr
        .headers()
        .map_err(|e| Error::file(path, format!("cannot read the CSV header: {e}")))?
        .iter()
        .map(|h| h.trim_start_matches('\u{feff}').trim().to_string())
        .collect();
    if headers.iter().all(|h| h.is_empty()) {
        return Err(Error::file(path, "the CSV header row is empty"));
    }
    let lon_col = find_column(path, &headers, cols.lon.as_ref(), LON)?;
    let lat_col = find_column(path, &headers, cols.lat.as_ref(), LAT)?;
    let wkt_col = find_column(path, &headers, cols.wkt.as_ref(), WKT)?;
    if wkt_col.is_none() && (lon_col.is_none() || lat_col.is_none()) {
        return Err(Error::file(
            path,
            format!(
                "no coordinate columns: need lon and lat columns (tried {} / {}) or a WKT \
                 column (tried {}); found: {}; or set columns.lon / columns.lat in the config",
                LON.join(", "),
                LAT.join(", "),
                WKT.join(", "),
                headers.join(", ")
            ),
        ));
    }
    let mut records = Vec::new();
    for row in rdr.records() {
        let row = row.map_err(|e| {
            let line = e.position().map(|p| p.line()).unwrap_or(0);
            let what = match e.kind() {
                csv::ErrorKind::UnequalLengths {
                    expected_len, len, ..
                } => format!(
                    "has {len} fields but the header has {expected_len}; fix the quoting or \
                     the number of commas"
                ),
                csv::ErrorKind::Utf8 { .. } => {
                    "is not valid UTF-8; save the file as UTF-8 (Excel: CSV UTF-8)".to_string()
                }
                _ => format!("cannot be read: {e}"),
            };
            Error::record(path, format!("row {line}"), format!("the row {what}"))
        })?;
        let line = row.position().map(|p| p.line()).unwrap_or(0);
        let location = format!("row {line}");
        let fields: Vec<(String, String)> = headers
            .iter()
            .cloned()
            .zip(row.iter().map(str::to_string))
            .collect();
        let rec = Record {
            location,
            fields,
            geometry: None,
        };
        let geometry = if let Some(w) = rec.get(wkt_col.as_ref()) {
            Some(parse_wkt(path, &rec.location, w)?)
        } else {
            match (rec.get(lon_col.as_ref()), rec.get(lat_col.as_ref())) {
                (Some(x), Some(y)) => {
                    let lon =
                        parse_number(path, &rec.location, lon_col.as_deref().unwrap_or(""), x)?;
                    let lat =
                        parse_number(path, &rec.location, lat_col.as_deref().unwrap_or(""), y)?;
                    Some(Geometry::Point(Point::new(lon, lat)))
                }
                _ => {
                    return Err(Error::record(
                        path,
                        &rec.location,
                        "missing coordinates: fill in the lon and lat columns (or the WKT column)",
                    ));
                }
            }
        };
        records.push(Record { geometry, ..rec });
    }
    Ok(Table {
        columns: headers,
        records,
        warnings: Vec::new(),
        dropped: Vec::new(),
    })
}

fn parse_wkt(path: &Path, location: &str, text: &str) -> Result<Geometry<f64>> {
    use std::str::FromStr;
    let w = wkt::Wkt::<f64>::from_str(text)
        .map_err(|e| Error::record(path, location, format!("invalid WKT geometry: {e}")))?;
    Geometry::try_from(w)
        .map_err(|e| Error::record(path, location, format!("unsupported WKT geometry: {e}")))
}

fn json_to_string(v: &serde_json::Value) -> String {
    match v {
        serde_json::Value::Null => String::new(),
        serde_json::Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

/// Raw GeoJSON check before conversion: positions need 2+ numbers and
/// polygon rings 4+ closed positions.
fn check_raw_geometry(path: &Path, location: &str, v: &geojson::GeometryValue) -> Result<()> {
    use geojson::GeometryValue as G;
    let pos = |p: &geojson::Position| -> Result<()> {
        if p.as_slice().len() < 2 {
            return Err(Error::record(
                path,
                location,
                "a position needs at least 2 numbers [longitude, latitude]",
            ));
        }
        Ok(())
    };
    let ring = |r: &Vec<geojson::Position>| -> Result<()> {
        r.iter().try_for_each(pos)?;
        if r.len() < 4 {
            return Err(Error::record(
                path,
                location,
                format!(
                    "polygon ring has {} positions; a ring needs at least 4 (3 corners plus \
                     the first repeated at the end)",
                    r.len()
                ),
            ));
        }
        if r.first() != r.last() {
            return Err(Error::record(
                path,
                location,
                "polygon ring is not closed: repeat the first position at the end",
            ));
        }
        Ok(())
    };
    match v {
        G::Point { coordinates } => pos(coordinates),
        G::MultiPoint { coordinates } | G::LineString { coordinates } => {
            coordinates.iter().try_for_each(pos)
        }
        G::MultiLineString { coordinates } => coordinates.iter().flatten().try_for_each(pos),
        G::Polygon { coordinates } => coordinates.iter().try_for_each(ring),
        G::MultiPolygon { coordinates } => coordinates.iter().flatten().try_for_each(ring),
        G::GeometryCollection { geometries } => geometries
            .iter()
            .try_for_each(|g| check_raw_geometry(path, location, &g.value)),
    }
}

fn read_geojson(path: &Path, bytes: &[u8]) -> Result<Table> {
    // A UTF-8 byte order mark (Windows editors write one) is not JSON:
    // skip it.
    let bytes = bytes.strip_prefix(b"\xef\xbb\xbf").unwrap_or(bytes);
    let value: serde_json::Value = serde_json::from_slice(bytes).map_err(|e| {
        Error::file(
            path,
            format!(
                "not valid JSON (line {}, column {}): {e}",
                e.line(),
                e.column()
            ),
        )
    })?;
    let kind = value.get("type").and_then(|t| t.as_str()).unwrap_or("");
    if kind != "FeatureCollection" {
        return Err(Error::file(
            path,
            format!(
                "expected a GeoJSON FeatureCollection, found {}; wrap the features in \
                 {{\"type\": \"FeatureCollection\", \"features\": [...]}}",
                if kind.is_empty() {
                    "no \"type\"".to_string()
                } else {
                    format!("type {kind:?}")
                }
            ),
        ));
    }
    let Some(features) = value.get("features").and_then(|f| f.as_array()) else {
        return Err(Error::file(
            path,
            "the FeatureCollection has no \"features\" array",
        ));
    };
    // Columns in order of first use, with a set to find them: a file whose
    // every feature has its own property key stays linear.
    let mut columns: Vec<String> = Vec::new();
    let mut known: std::collections::HashSet<String> = std::collections::HashSet::new();
    let mut records = Vec::with_capacity(features.len());
    for (i, fv) in features.iter().enumerate() {
        let mut location = format!("feature {}", i + 1);
        let feature: geojson::Feature = serde_json::from_value(fv.clone()).map_err(|e| {
            Error::record(path, &location, format!("not a valid GeoJSON Feature: {e}"))
        })?;
        let mut fields: Vec<(String, String)> = Vec::new();
        if let Some(props) = &feature.properties {
            for (k, v) in props {
                fields.push((k.clone(), json_to_string(v)));
            }
        }
        if let Some(id) = &feature.id {
            let id = match id {
                geojson::feature::Id::String(s) => s.clone(),
                geojson::feature::Id::Number(n) => n.to_string(),
            };
            if !fields.iter().any(|(k, _)| k == "id") {
                fields.push(("id".to_string(), id));
            }
        }
        if let Some((_, id)) = fields.iter().find(|(k, _)| k == "id") {
            location = format!("feature {} (id {id:?})", i + 1);
        }
        for (k, _) in &fields {
            if !known.contains(k) {
                known.insert(k.clone());
                columns.push(k.clone());
            }
        }
        let geometry = match &feature.geometry {
            None => None,
            Some(g) => {
                check_raw_geometry(path, &location, &g.value)?;
                Some(Geometry::<f64>::try_from(&g.value).map_err(|e| {
                    Error::record(path, &location, format!("unsupported geometry: {e}"))
                })?)
            }
        };
        records.push(Record {
            location,
            fields,
            geometry,
        });
    }
    Ok(Table {
        columns,
        records,
        warnings: Vec::new(),
        dropped: Vec::new(),
    })
}

/// The columns of a table, resolved once.
struct Resolved {
    id: Option<String>,
    name: Option<String>,
    category: Option<String>,
    status: Option<String>,
    area: Option<String>,
    floor: Option<String>,
    hours: Option<String>,
    open: Option<String>,
    population: Option<String>,
    households: Option<String>,
    year: Option<String>,
    subtype: Option<String>,
    generation: Option<String>,
    level: Option<String>,
    discount: Option<String>,
    suited: Option<String>,
    season: Option<String>,
    space: Option<String>,
    groups: [Option<String>; 3],
    with_sports: Option<String>,
}

fn resolve(path: &Path, table: &Table, c: &Columns) -> Result<Resolved> {
    let f = |conf: &Option<String>, v: &[&str]| find_column(path, &table.columns, conf.as_ref(), v);
    Ok(Resolved {
        id: f(&c.id, ID)?,
        name: f(&c.name, NAME)?,
        category: f(&c.category, CATEGORY)?,
        status: f(&c.status, STATUS)?,
        area: f(&c.area_m2, AREA)?,
        floor: f(&c.floor_area_m2, FLOOR)?,
        hours: f(&c.opening_hours, HOURS)?,
        open: f(&c.open_to_public, OPEN)?,
        population: f(&c.population, POPULATION)?,
        households: f(&c.households, HOUSEHOLDS)?,
        year: f(&c.build_year, YEAR)?,
        subtype: f(&c.subtype, SUBTYPE)?,
        generation: f(&c.equipment_generation, GENERATION)?,
        level: f(&c.level, LEVEL)?,
        discount: f(&c.free_or_discount, DISCOUNT)?,
        suited: f(&c.suited_for, SUITED)?,
        season: f(&c.season, SEASON)?,
        space: f(&c.space, SPACE)?,
        groups: [
            f(&c.elderly_population, ELDERLY)?,
            f(&c.disabled_population, DISABLED)?,
            f(&c.youth_population, YOUTH)?,
        ],
        with_sports: f(&c.with_sports, WITH_SPORTS)?,
    })
}

fn record_id(path: &Path, rec: &Record, col: &Option<String>, index: usize) -> String {
    rec.get(col.as_ref())
        .map(str::to_string)
        .unwrap_or_else(|| {
            let stem = path.file_stem().and_then(|s| s.to_str()).unwrap_or("row");
            format!("{stem}:{}", index + 1)
        })
}

/// Drop records identical in every field and in geometry to an earlier one
/// (scraped sources repeat rows); one warning names the rows. Records that
/// share an id but differ are left for [`check_unique`] to reject.
fn drop_exact_duplicates(path: &Path, table: &mut Table) {
    let mut seen: HashMap<String, String> = HashMap::new();
    let mut dropped = Vec::new();
    let records = &mut table.dropped;
    table.records.retain(|r| {
        let key = format!("{:?}|{:?}", r.fields, r.geometry);
        match seen.get(&key) {
            Some(first) => {
                let detail = format!("repeats {first} exactly; left out");
                records.push(r.dropped(path, DropReason::Duplicate, detail));
                dropped.push(format!("{} (same as {first})", r.location));
                false
            }
            None => {
                seen.insert(key, r.location.clone());
                true
            }
        }
    });
    if !dropped.is_empty() {
        table.warnings.push(format!(
            "{}: {} rows repeat an earlier row exactly and were dropped: {}",
            path.display(),
            dropped.len(),
            dropped.join(", ")
        ));
    }
}

/// Fail on the first repeated id, naming both places.
fn check_unique<'a>(path: &Path, items: impl Iterator<Item = (&'a str, &'a str)>) -> Result<()> {
    let mut seen: HashMap<&str, &str> = HashMap::new();
    for (id, location) in items {
        if let Some(first) = seen.insert(id, location) {
            return Err(Error::record(
                path,
                location,
                format!("duplicate id {id:?} (first used at {first}); ids must be unique"),
            ));
        }
    }
    Ok(())
}

fn parse_bool(v: &str) -> Option<bool> {
    match v.trim().to_lowercase().as_str() {
        "yes" | "true" | "1" | "y" | "是" | "开放" => Some(true),
        "no" | "false" | "0" | "n" | "否" | "不开放" => Some(false),
        _ => None,
    }
}

/// The value of column `col` of `rec` read as the field `bound` (see
/// [`super::bounds`]), `None` when empty; an error names the file, the
/// row or feature, the column and what to fix.
fn bounded(
    path: &Path,
    rec: &Record,
    col: &Option<String>,
    bound: &bounds::Bound,
) -> Result<Option<f64>> {
    let Some(v) = rec.get(col.as_ref()) else {
        return Ok(None);
    };
    let name = col.as_deref().unwrap_or("");
    bound
        .parse(v)
        .map(Some)
        .map_err(|e| Error::record(path, &rec.location, format!("column {name:?}: {e}")))
}

fn geometry_area(g: &Geometry<f64>) -> Option<f64> {
    crate::spatial::geodesic_area_m2(g)
}

/// Build facilities from a CSV/GeoJSON input.
pub fn facilities_from(spec: &InputSpec, warnings: &mut Vec<String>) -> Result<Vec<Facility>> {
    facilities_from_table(spec, &read_table(spec)?, warnings)
}

/// Build facilities from the records of a table read for `spec` (by
/// [`read_table`] or [`read_table_bytes`]); the table's warnings are added
/// to `warnings`.
pub fn facilities_from_table(
    spec: &InputSpec,
    table: &Table,
    warnings: &mut Vec<String>,
) -> Result<Vec<Facility>> {
    let path = &spec.path;
    warnings.extend(table.warnings.iter().cloned());
    let cols = resolve(path, table, &spec.columns)?;
    if table.records.is_empty() && spec.filter.is_none() {
        return Err(Error::file(
            path,
            "the file has no rows or features; give at least one facility (a row with a \
             category and a location) or leave the file out",
        ));
    }
    let fixed_category = fixed_category(spec, &cols)?;
    let count_col = match &spec.count_column {
        Some(c) => find_column(path, &table.columns, Some(c), &[])?,
        None => None,
    };
    let mut out = Vec::new();
    let mut locations = Vec::new();
    for (i, rec) in table.records.iter().enumerate() {
        let row = FacilityRow::read(path, rec, &cols, fixed_category)?;
        let id = record_id(path, rec, &cols.id, i);
        let copies = match &count_col {
            Some(_) => copies(path, rec, &count_col)?,
            None => 1,
        };
        if copies == 0 {
            continue;
        }
        let facility = row.facility(path, spec, rec, &cols, id)?;
        for _ in 0..copies {
            locations.push(rec.location.clone());
        }
        push_copies(&mut out, facility, copies, count_col.is_some());
    }
    check_unique(
        path,
        out.iter()
            .zip(&locations)
            .map(|(f, l)| (f.id.as_str(), l.as_str())),
    )?;
    Ok(out)
}

/// The category the config gives every row of `spec`, if any; an error
/// when it gives none and the file has no category column.
fn fixed_category(spec: &InputSpec, cols: &Resolved) -> Result<Option<Category>> {
    let path = &spec.path;
    let fixed = match &spec.category {
        Some(c) => Some(
            c.parse::<Category>()
                .map_err(|e| Error::config(path.display().to_string(), e))?,
        ),
        None => None,
    };
    if fixed.is_none() && cols.category.is_none() {
        return Err(Error::file(
            path,
            format!(
                "no category column (tried {}); add one or set `category` for this input in                  the config",
                CATEGORY.join(", ")
            ),
        ));
    }
    Ok(fixed)
}

/// The number of facilities a row stands for, from its count column (a
/// whole number, 0 or more).
fn copies(path: &Path, rec: &Record, count_col: &Option<String>) -> Result<usize> {
    let n = bounded(path, rec, count_col, &bounds::COUNT)?.unwrap_or(0.0);
    Ok(n as usize)
}

/// `copies` (at least 1) of `facility`: numbered `id#1`, `id#2`, ... when
/// `numbered` (the row has a count column), else all with its id.
fn push_copies(out: &mut Vec<Facility>, mut facility: Facility, copies: usize, numbered: bool) {
    let id = std::mem::take(&mut facility.id);
    let id_of = |k: usize| {
        if numbered {
            format!("{id}#{}", k + 1)
        } else {
            id.clone()
        }
    };
    for k in 0..copies - 1 {
        out.push(Facility {
            id: id_of(k),
            ..facility.clone()
        });
    }
    out.push(Facility {
        id: id_of(copies - 1),
        ..facility
    });
}

/// The fields of one facility row that are checked before its count
/// (kept in this order: the first error of a row is the one reported).
struct FacilityRow {
    geometry: Geometry<f64>,
    category: Category,
    status: Status,
    area_m2: f64,
    floor_area_m2: f64,
    area_source: AreaSource,
    open_to_public: Option<bool>,
    build_year: Option<i32>,
}

impl FacilityRow {
    fn read(
        path: &Path,
        rec: &Record,
        cols: &Resolved,
        fixed_category: Option<Category>,
    ) -> Result<Self> {
        let Some(geometry) = rec.geometry.clone() else {
            return Err(Error::record(
                path,
                &rec.location,
                "feature has no geometry",
            ));
        };
        let category = match (fixed_category, rec.get(cols.category.as_ref())) {
            (Some(c), _) => c,
            (None, Some(v)) => v
                .parse()
                .map_err(|e: String| Error::record(path, &rec.location, e))?,
            (None, None) => {
                return Err(Error::record(
                    path,
                    &rec.location,
                    "empty category; fill in the category column",
                ));
            }
        };
        let status = match rec.get(cols.status.as_ref()) {
            Some(v) => v
                .parse()
                .map_err(|e: String| Error::record(path, &rec.location, e))?,
            None => Status::Existing,
        };
        let given_area = bounded(path, rec, &cols.area, &bounds::AREA_M2)?;
        let given_floor = bounded(path, rec, &cols.floor, &bounds::FLOOR_AREA_M2)?;
        let (area_m2, floor_area_m2, area_source) =
            facility_areas(category, &geometry, given_area, given_floor);
        let open_to_public = match rec.get(cols.open.as_ref()) {
            Some(v) => Some(parse_bool(v).ok_or_else(|| {
                Error::record(
                    path,
                    &rec.location,
                    format!("open_to_public {v:?} is not yes/no/true/false/1/0"),
                )
            })?),
            None => None,
        };
        let build_year = bounded(path, rec, &cols.year, &bounds::BUILD_YEAR)?.map(|y| y as i32);
        Ok(FacilityRow {
            geometry,
            category,
            status,
            area_m2,
            floor_area_m2,
            area_source,
            open_to_public,
            build_year,
        })
    }

    /// The facility of this row with id `id` (the remaining fields read
    /// from `rec`).
    fn facility(
        self,
        path: &Path,
        spec: &InputSpec,
        rec: &Record,
        cols: &Resolved,
        id: String,
    ) -> Result<Facility> {
        let equipment_generation = match rec.get(cols.generation.as_ref()) {
            Some(v) => Some(v.trim().parse::<u8>().map_err(|_| {
                Error::record(
                    path,
                    &rec.location,
                    format!("equipment_generation {v:?} is not a small whole number (e.g. 2)"),
                )
            })?),
            None => None,
        };
        Ok(Facility {
            id,
            name: rec.get(cols.name.as_ref()).unwrap_or("").to_string(),
            category: self.category,
            status: self.status,
            area_m2: self.area_m2,
            floor_area_m2: self.floor_area_m2,
            area_source: self.area_source,
            opening_hours: rec.get(cols.hours.as_ref()).map(str::to_string),
            open_to_public: self.open_to_public,
            school_id: None,
            build_year: self.build_year,
            geometry: self.geometry,
            entrances: Vec::new(),
            note: spec.note.clone(),
            subtype: rec.get(cols.subtype.as_ref()).map(str::to_string),
            equipment_generation,
            plan: plan_attributes(path, rec, cols)?,
        })
    }
}

/// The value of column `col` of `rec` parsed by `parse`, `None` when
/// empty; an error names the file, the row, the column and what to use.
fn parsed<T>(
    path: &Path,
    rec: &Record,
    col: &Option<String>,
    parse: impl Fn(&str) -> std::result::Result<T, String>,
) -> Result<Option<T>> {
    let Some(v) = rec.get(col.as_ref()) else {
        return Ok(None);
    };
    let name = col.as_deref().unwrap_or("");
    parse(v)
        .map(Some)
        .map_err(|e| Error::record(path, &rec.location, format!("column {name:?}: {e}")))
}

/// A facility row's attributes for the plan's measures (level, free or
/// discounted use, groups suited, season, space).
fn plan_attributes(path: &Path, rec: &Record, cols: &Resolved) -> Result<PlanAttributes> {
    Ok(PlanAttributes {
        level: parsed(path, rec, &cols.level, str::parse::<Level>)?,
        discount_for: parsed(path, rec, &cols.discount, Groups::parse_discount)?,
        suited_for: parsed(path, rec, &cols.suited, Groups::parse_suited)?,
        season: parsed(path, rec, &cols.season, str::parse::<Season>)?,
        space: parsed(path, rec, &cols.space, str::parse::<Space>)?,
    })
}

/// Outdoor area, floor area and where they come from: the columns when
/// either is given, else the footprint of a polygon (floor area for an
/// indoor category), twice the length of a track drawn as a line (2 m
/// wide), else the category's default.
fn facility_areas(
    category: Category,
    geometry: &Geometry<f64>,
    given_area: Option<f64>,
    given_floor: Option<f64>,
) -> (f64, f64, AreaSource) {
    let (def_out, def_in) = category.default_area();
    if given_area.is_some() || given_floor.is_some() {
        (
            given_area.unwrap_or(0.0),
            given_floor.unwrap_or(0.0),
            AreaSource::Given,
        )
    } else if let Some(a) = geometry_area(geometry) {
        if category.is_indoor() {
            (0.0, a, AreaSource::Geometry)
        } else {
            (a, 0.0, AreaSource::Geometry)
        }
    } else if let (Category::Track, Geometry::LineString(l)) = (category, geometry) {
        (Geodesic.length(l) * 2.0, 0.0, AreaSource::Geometry)
    } else {
        (def_out, def_in, AreaSource::Default)
    }
}

/// Build communities from a CSV/GeoJSON input. Population comes from a
/// population column, else households x `household_size`, else (when the
/// config spreads a total) is filled in later; otherwise it is an error.
pub fn communities_from(
    spec: &InputSpec,
    household_size: f64,
    population: Option<&PopulationSpec>,
    warnings: &mut Vec<String>,
) -> Result<Vec<Community>> {
    let table = read_table(spec)?;
    communities_from_table(spec, &table, household_size, population, warnings)
}

/// [`communities_from`] over the records of a table read for `spec` (by
/// [`read_table`] or [`read_table_bytes`]).
pub fn communities_from_table(
    spec: &InputSpec,
    table: &Table,
    household_size: f64,
    population: Option<&PopulationSpec>,
    warnings: &mut Vec<String>,
) -> Result<Vec<Community>> {
    let path = &spec.path;
    warnings.extend(table.warnings.iter().cloned());
    let cols = resolve(path, table, &spec.columns)?;
    let spread = population.and_then(|p| p.spread_total).is_some();
    if table.records.is_empty() {
        return Err(Error::file(
            path,
            if spec.filter.is_some() {
                "no row or feature matches the filter; check filter.column / filter.equals in \
                 the config"
            } else {
                "the file has no rows or features; communities need at least one, each with a \
                 location and a population"
            },
        ));
    }
    if cols.population.is_none() && cols.households.is_none() && !spread {
        return Err(Error::file(
            path,
            format!(
                "no population column (tried {}) and no households column (tried {}); add \
                 one, name it with columns.population in the config, or set \
                 [population] spread_total to spread a known total",
                POPULATION.join(", "),
                HOUSEHOLDS.join(", ")
            ),
        ));
    }
    let mut out = Vec::with_capacity(table.records.len());
    for (i, rec) in table.records.iter().enumerate() {
        let Some(geometry) = rec.geometry.clone() else {
            return Err(Error::record(
                path,
                &rec.location,
                "feature has no geometry",
            ));
        };
        let pop = bounded(path, rec, &cols.population, &bounds::POPULATION)?;
        let households = bounded(path, rec, &cols.households, &bounds::HOUSEHOLDS)?;
        let (population, source) = match (pop, households) {
            (Some(p), _) if !spread => (p, PopulationSource::Given),
            (None, Some(h)) if !spread => (h * household_size, PopulationSource::Households),
            _ if spread => (0.0, PopulationSource::Estimate),
            _ => {
                return Err(Error::record(
                    path,
                    &rec.location,
                    "missing population (and no households); fill it in or set \
                     [population] spread_total in the config",
                ));
            }
        };
        let build_year = bounded(path, rec, &cols.year, &bounds::BUILD_YEAR)?.map(|y| y as i32);
        let mut groups = GroupPopulation::default();
        for (g, col) in groups.0.iter_mut().zip(&cols.groups) {
            *g = bounded(path, rec, col, &bounds::POPULATION)?;
        }
        out.push(Community {
            id: record_id(path, rec, &cols.id, i),
            name: rec.get(cols.name.as_ref()).unwrap_or("").to_string(),
            population,
            population_source: source,
            households,
            build_year,
            geometry,
            entrances: Vec::new(),
            groups,
        });
    }
    check_unique(
        path,
        out.iter()
            .zip(&table.records)
            .map(|(c, r)| (c.id.as_str(), r.location.as_str())),
    )?;
    Ok(out)
}

/// Build administrative units (polygons) from a CSV/GeoJSON input.
pub fn units_from(spec: &InputSpec, warnings: &mut Vec<String>) -> Result<Vec<AdminUnit>> {
    units_from_table(spec, &read_table(spec)?, warnings)
}

/// [`units_from`] over the records of a table read for `spec` (by
/// [`read_table`] or [`read_table_bytes`]).
pub fn units_from_table(
    spec: &InputSpec,
    table: &Table,
    warnings: &mut Vec<String>,
) -> Result<Vec<AdminUnit>> {
    let path = &spec.path;
    warnings.extend(table.warnings.iter().cloned());
    let cols = resolve(path, table, &spec.columns)?;
    let mut out = Vec::new();
    for (i, rec) in table.records.iter().enumerate() {
        let geometry = match &rec.geometry {
            Some(Geometry::Polygon(p)) => MultiPolygon::new(vec![p.clone()]),
            Some(Geometry::MultiPolygon(mp)) => mp.clone(),
            _ => {
                return Err(Error::record(
                    path,
                    &rec.location,
                    "an administrative unit needs a Polygon or MultiPolygon geometry",
                ));
            }
        };
        if geometry.unsigned_area() == 0.0 {
            return Err(Error::record(
                path,
                &rec.location,
                "unit polygon has zero area",
            ));
        }
        out.push(AdminUnit {
            id: record_id(path, rec, &cols.id, i),
            name: rec.get(cols.name.as_ref()).unwrap_or("").to_string(),
            geometry,
        });
    }
    check_unique(
        path,
        out.iter()
            .zip(&table.records)
            .map(|(u, r)| (u.id.as_str(), r.location.as_str())),
    )?;
    Ok(out)
}

/// The point (or shape) of a record of a places input, or an error naming
/// the record.
fn place_geometry(path: &Path, rec: &Record) -> Result<Geometry<f64>> {
    rec.geometry
        .clone()
        .ok_or_else(|| Error::record(path, &rec.location, "feature has no geometry"))
}

/// Build health facilities (measure 35) from a CSV/GeoJSON input: a kind
/// in the category column (社区卫生服务中心, 医院, 康复中心, 健康促进中心, or
/// `category` in the config for every row).
pub fn health_from_table(
    spec: &InputSpec,
    table: &Table,
    warnings: &mut Vec<String>,
) -> Result<Vec<HealthFacility>> {
    let path = &spec.path;
    warnings.extend(table.warnings.iter().cloned());
    let cols = resolve(path, table, &spec.columns)?;
    let fixed = match &spec.category {
        Some(c) => Some(
            c.parse::<HealthKind>()
                .map_err(|e| Error::config(path.display().to_string(), e))?,
        ),
        None => None,
    };
    if fixed.is_none() && cols.category.is_none() {
        return Err(Error::file(
            path,
            format!(
                "no kind column for the health facilities (tried {}); add one (社区卫生服务中心 / \
                 医院 / 康复中心 / 健康促进中心) or set `category` for this input in the config",
                CATEGORY.join(", ")
            ),
        ));
    }
    let mut out = Vec::with_capacity(table.records.len());
    for (i, rec) in table.records.iter().enumerate() {
        let geometry = place_geometry(path, rec)?;
        let kind =
            match fixed {
                Some(k) => k,
                None => parsed(path, rec, &cols.category, str::parse::<HealthKind>)?.ok_or_else(
                    || Error::record(path, &rec.location, "empty kind; fill in the kind column"),
                )?,
            };
        out.push(HealthFacility {
            id: record_id(path, rec, &cols.id, i),
            name: rec.get(cols.name.as_ref()).unwrap_or("").to_string(),
            kind,
            geometry,
        });
    }
    check_unique(
        path,
        out.iter()
            .zip(&table.records)
            .map(|(h, r)| (h.id.as_str(), r.location.as_str())),
    )?;
    Ok(out)
}

/// Is a culture station's kind one combined with sports (文体站,
/// 文体活动室, `culture_sports_station`)?
fn kind_with_sports(kind: &str) -> bool {
    let k = kind.trim().to_lowercase();
    k.contains("文体") || k.contains("culture_sports") || k.contains("culture_and_sports")
}

/// Build culture stations (measure 36) from a CSV/GeoJSON input: combined
/// with sports when the `with_sports` column (文体结合 / 是否文体站) says yes,
/// or when the kind column names a 文体站.
pub fn culture_from_table(
    spec: &InputSpec,
    table: &Table,
    warnings: &mut Vec<String>,
) -> Result<Vec<CultureStation>> {
    let path = &spec.path;
    warnings.extend(table.warnings.iter().cloned());
    let cols = resolve(path, table, &spec.columns)?;
    if cols.with_sports.is_none() && cols.category.is_none() {
        warnings.push(format!(
            "{}: no with_sports column (tried {}) and no kind column: no culture station \
             counts as combined with sports (文体站)",
            path.display(),
            WITH_SPORTS.join(", ")
        ));
    }
    let mut out = Vec::with_capacity(table.records.len());
    for (i, rec) in table.records.iter().enumerate() {
        let geometry = place_geometry(path, rec)?;
        let flag = parsed(path, rec, &cols.with_sports, |v| {
            parse_bool(v).ok_or_else(|| format!("{v:?} is not yes/no (是/否)"))
        })?;
        let by_kind = rec
            .get(cols.category.as_ref())
            .is_some_and(kind_with_sports);
        out.push(CultureStation {
            id: record_id(path, rec, &cols.id, i),
            name: rec.get(cols.name.as_ref()).unwrap_or("").to_string(),
            with_sports: flag.unwrap_or(by_kind),
            geometry,
        });
    }
    check_unique(
        path,
        out.iter()
            .zip(&table.records)
            .map(|(c, r)| (c.id.as_str(), r.location.as_str())),
    )?;
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::Filter;
    use crate::model::Group;
    use std::path::PathBuf;

    fn spec(name: &str) -> InputSpec {
        InputSpec::from_path(PathBuf::from(name))
    }

    /// Three venues with Chinese headers: an indoor centre without an area,
    /// a court with one, and a fitness point that is planned.
    const VENUES: &str = "\u{feff}编号,名称,类别,经度,纬度,面积,状态,开放时间\n\
        V1,东单体育中心,体育中心,116.4170,39.9100,,,06:00-22:00\n\
        V2,\"篮球场, 北\",篮球场,116.4200,39.9200,600,,\n\
        V3,健身点,健身器材,116.4300,39.9300,,规划,\n";

    #[test]
    fn csv_records_with_chinese_headers() {
        let t = read_table_bytes(VENUES.as_bytes(), TableFormat::Csv, &spec("venues.csv")).unwrap();
        assert_eq!(
            t.columns,
            [
                "编号",
                "名称",
                "类别",
                "经度",
                "纬度",
                "面积",
                "状态",
                "开放时间"
            ]
        );
        assert_eq!(t.records.len(), 3);
        let r = &t.records[1];
        assert_eq!(r.location, "row 3");
        assert_eq!(r.fields[1], ("名称".to_string(), "篮球场, 北".to_string()));
        assert_eq!(r.get(Some(&"面积".to_string())), Some("600"));
        assert_eq!(r.get(Some(&"状态".to_string())), None);
        assert_eq!(r.geometry, Some(Geometry::Point(Point::new(116.42, 39.92))));
        assert!(t.warnings.is_empty());
    }

    #[test]
    fn plan_columns_in_chinese_and_english() {
        let csv = "编号,名称,类别,级别,优惠对象,适用人群,开放季节,设置场所,经度,纬度\n\
                   A,冰场,滑冰场,区级,学生优惠、老年人免费,,冬季,自然水域,116.39,39.94\n\
                   B,健身点,健身器材,社区级,免费,适老;无障碍,,地下空间,116.36,39.91\n\
                   C,球场,篮球场,,,,,,116.37,39.92\n";
        let s = spec("plan.csv");
        let t = read_table_bytes(csv.as_bytes(), TableFormat::Csv, &s).unwrap();
        let f = facilities_from_table(&s, &t, &mut Vec::new()).unwrap();
        let youth_elderly = Groups::NONE.with(Group::Youth).with(Group::Elderly);
        assert_eq!(
            f[0].plan,
            PlanAttributes {
                level: Some(Level::District),
                discount_for: Some(youth_elderly),
                suited_for: None,
                season: Some(Season::Winter),
                space: Some(Space::NaturalWater),
            }
        );
        assert_eq!(f[1].plan.level, Some(Level::Community));
        assert_eq!(f[1].plan.discount_for, Some(Groups::ALL));
        assert_eq!(
            f[1].plan.suited_for,
            Some(Groups::NONE.with(Group::Elderly).with(Group::Disabled))
        );
        assert_eq!(f[1].plan.space, Some(Space::Underground));
        assert_eq!(f[2].plan, PlanAttributes::default());
        // English headers, and a bad value named with its column and row.
        let csv = "id,category,facility_level,suited_for,lon,lat\nX,park,subdistrict,youth,1,2\n\
                   Y,park,city,,1,2\n";
        let s = spec("en.csv");
        let t = read_table_bytes(csv.as_bytes(), TableFormat::Csv, &s).unwrap();
        let m = facilities_from_table(&s, &t, &mut Vec::new())
            .unwrap_err()
            .to_string();
        assert!(
            m.starts_with("en.csv, row 3: column \"facility_level\": unknown level \"city\""),
            "{m}"
        );
    }

    #[test]
    fn group_populations_health_and_culture_tables() {
        let csv = "id,人口,60岁以上人口,残疾人数,0-17岁人口,lon,lat\nC1,1000,250,12,,1,2\n";
        let mut s = spec("c.csv");
        let t = read_table_bytes(csv.as_bytes(), TableFormat::Csv, &s).unwrap();
        let c = communities_from_table(&s, &t, 2.31, None, &mut Vec::new()).unwrap();
        assert_eq!(c[0].groups.0, [Some(250.0), Some(12.0), None]);
        let csv = "编号,名称,类型,经度,纬度\nH1,月坛社区卫生服务中心,社区卫生服务中心,1,2\n\
                   H2,某医院,医院,1,2\nH3,健康促进中心,健康促进服务中心,1,2\n";
        s.path = "h.csv".into();
        let t = read_table_bytes(csv.as_bytes(), TableFormat::Csv, &s).unwrap();
        let h = health_from_table(&s, &t, &mut Vec::new()).unwrap();
        let kinds: Vec<HealthKind> = h.iter().map(|x| x.kind).collect();
        assert_eq!(
            kinds,
            [
                HealthKind::CommunityHealth,
                HealthKind::Hospital,
                HealthKind::HealthPromotion
            ]
        );
        let bad = "id,type,lon,lat\nH1,pharmacy,1,2\n";
        let t = read_table_bytes(bad.as_bytes(), TableFormat::Csv, &s).unwrap();
        let m = health_from_table(&s, &t, &mut Vec::new())
            .unwrap_err()
            .to_string();
        assert!(m.contains("row 2") && m.contains("pharmacy"), "{m}");
        let no_kind = "id,lon,lat\nH1,1,2\n";
        let t = read_table_bytes(no_kind.as_bytes(), TableFormat::Csv, &s).unwrap();
        let m = health_from_table(&s, &t, &mut Vec::new())
            .unwrap_err()
            .to_string();
        assert!(m.contains("no kind column"), "{m}");
        // Culture: the flag column, else a kind naming a 文体站.
        let csv = "编号,名称,类型,文体结合,经度,纬度\nK1,a,文化站,是,1,2\nK2,b,文化站,否,1,2\n\
                   K3,c,文体站,,1,2\nK4,d,文化活动室,,1,2\n";
        s.path = "k.csv".into();
        let t = read_table_bytes(csv.as_bytes(), TableFormat::Csv, &s).unwrap();
        let mut w = Vec::new();
        let k = culture_from_table(&s, &t, &mut w).unwrap();
        let flags: Vec<bool> = k.iter().map(|x| x.with_sports).collect();
        assert_eq!(flags, [true, false, true, false]);
        assert!(w.is_empty(), "{w:?}");
        let t = read_table_bytes(b"id,lon,lat\nK1,1,2\n", TableFormat::Csv, &s).unwrap();
        let k = culture_from_table(&s, &t, &mut w).unwrap();
        assert!(!k[0].with_sports);
        assert!(w[0].contains("no with_sports column"), "{w:?}");
    }

    #[test]
    fn facilities_from_chinese_csv() {
        let s = spec("venues.csv");
        let t = read_table_bytes(VENUES.as_bytes(), TableFormat::Csv, &s).unwrap();
        let mut warnings = Vec::new();
        let f = facilities_from_table(&s, &t, &mut warnings).unwrap();
        assert!(warnings.is_empty());
        let ids: Vec<&str> = f.iter().map(|f| f.id.as_str()).collect();
        assert_eq!(ids, ["V1", "V2", "V3"]);
        assert_eq!(f[0].name, "东单体育中心");
        assert_eq!(f[0].category, Category::SportsCentre);
        // No area given, a point: the category's default (indoor floor area).
        assert_eq!((f[0].area_m2, f[0].floor_area_m2), (0.0, 2000.0));
        assert_eq!(f[0].area_source, AreaSource::Default);
        assert_eq!(f[0].opening_hours.as_deref(), Some("06:00-22:00"));
        assert_eq!(f[0].status, Status::Existing);
        assert_eq!(f[1].category, Category::BasketballCourt);
        assert_eq!((f[1].area_m2, f[1].floor_area_m2), (600.0, 0.0));
        assert_eq!(f[1].area_source, AreaSource::Given);
        assert_eq!(f[1].opening_hours, None);
        assert_eq!(f[2].category, Category::FitnessStation);
        assert_eq!(f[2].status, Status::Planned);
        assert_eq!(f[2].area_m2, 150.0);
        assert_eq!(f[2].geometry, Geometry::Point(Point::new(116.43, 39.93)));
    }

    #[test]
    fn file_and_bytes_and_reader_agree() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("venues.csv");
        std::fs::write(&path, VENUES).unwrap();
        let s = InputSpec::from_path(path.clone());
        let mut w = Vec::new();
        let from_file = facilities_from(&s, &mut w).unwrap();
        let t = read_table_from(VENUES.as_bytes(), TableFormat::Csv, &s).unwrap();
        let from_reader = facilities_from_table(&s, &t, &mut w).unwrap();
        assert_eq!(from_file.len(), 3);
        for (a, b) in from_file.iter().zip(&from_reader) {
            assert_eq!((&a.id, &a.name, a.category), (&b.id, &b.name, b.category));
            assert_eq!(a.geometry, b.geometry);
        }
        assert_eq!(TableFormat::of_path(&path).unwrap(), TableFormat::Csv);
        assert_eq!(
            TableFormat::of_path(Path::new("a.GeoJSON")).unwrap(),
            TableFormat::GeoJson
        );
        let m = TableFormat::of_path(Path::new("a.xlsx"))
            .unwrap_err()
            .to_string();
        assert!(m.starts_with("a.xlsx: unknown file type \"xlsx\""), "{m}");
    }

    #[test]
    fn communities_from_population_or_households() {
        let csv = "小区名称,人口,户数,经度,纬度\n\
            甲,1200,,116.40,39.90\n\
            乙,,300,116.41,39.91\n\
            丙,80,500,116.42,39.92\n";
        let s = spec("小区.csv");
        let t = read_table_bytes(csv.as_bytes(), TableFormat::Csv, &s).unwrap();
        let mut w = Vec::new();
        let c = communities_from_table(&s, &t, 2.5, None, &mut w).unwrap();
        assert_eq!(c.len(), 3);
        // No id column: ids from the source name and the row's index.
        let ids: Vec<&str> = c.iter().map(|c| c.id.as_str()).collect();
        assert_eq!(ids, ["小区:1", "小区:2", "小区:3"]);
        assert_eq!(c[0].name, "甲");
        assert_eq!(
            (c[0].population, c[0].population_source),
            (1200.0, PopulationSource::Given)
        );
        assert_eq!(
            (c[1].population, c[1].population_source),
            (750.0, PopulationSource::Households)
        );
        assert_eq!(c[1].households, Some(300.0));
        assert_eq!(
            (c[2].population, c[2].population_source),
            (80.0, PopulationSource::Given)
        );
    }

    #[test]
    fn count_column_makes_numbered_copies() {
        let csv = "id,category,lon,lat,n,generation\n\
            a,table_tennis,116.4,39.9,2,3\n\
            b,table_tennis,116.5,39.9,0,not a number\n\
            c,table_tennis,116.6,39.9,1,\n";
        let mut s = spec("tables.csv");
        s.count_column = Some("n".into());
        let t = read_table_bytes(csv.as_bytes(), TableFormat::Csv, &s).unwrap();
        let f = facilities_from_table(&s, &t, &mut Vec::new()).unwrap();
        let ids: Vec<&str> = f.iter().map(|f| f.id.as_str()).collect();
        // A row counted 0 makes nothing (its other columns are not read).
        assert_eq!(ids, ["a#1", "a#2", "c#1"]);
        assert_eq!(f[0].equipment_generation, Some(3));
        assert_eq!(f[1].equipment_generation, Some(3));
        assert_eq!(f[1].geometry, Geometry::Point(Point::new(116.4, 39.9)));
        assert_eq!(f[2].equipment_generation, None);
    }

    #[test]
    fn geojson_features_and_filter() {
        let json = r#"{"type": "FeatureCollection", "features": [
          {"type": "Feature", "id": "p1",
           "properties": {"category": "park", "名称": "小公园", "district": "东城"},
           "geometry": {"type": "Polygon", "coordinates":
             [[[116.40, 39.90], [116.401, 39.90], [116.401, 39.901], [116.40, 39.901], [116.40, 39.90]]]}},
          {"type": "Feature", "id": 7,
           "properties": {"category": "pitch", "district": "西城"},
           "geometry": {"type": "Point", "coordinates": [116.3, 39.9]}}
        ]}"#;
        let mut s = spec("parks.geojson");
        let t = read_table_bytes(json.as_bytes(), TableFormat::GeoJson, &s).unwrap();
        assert_eq!(t.records.len(), 2);
        assert_eq!(t.records[0].location, "feature 1 (id \"p1\")");
        assert_eq!(t.records[1].location, "feature 2 (id \"7\")");
        let f = facilities_from_table(&s, &t, &mut Vec::new()).unwrap();
        assert_eq!(f[0].id, "p1");
        assert_eq!(f[0].name, "小公园");
        assert_eq!(f[0].category, Category::Park);
        // About 85 m x 111 m at 40 N, from the polygon.
        assert_eq!(f[0].area_source, AreaSource::Geometry);
        assert!((f[0].area_m2 - 9_500.0).abs() < 150.0, "{}", f[0].area_m2);
        assert_eq!(f[1].id, "7");
        assert_eq!(f[1].category, Category::OtherPitch);
        s.filter = Some(Filter {
            column: "district".into(),
            equals: "西城".into(),
        });
        let t = read_table_bytes(json.as_bytes(), TableFormat::GeoJson, &s).unwrap();
        assert_eq!(t.records.len(), 1);
        assert_eq!(t.records[0].location, "feature 2 (id \"7\")");
    }

    #[test]
    fn errors_name_the_source() {
        let s = spec("upload.csv");
        let err = |csv: &str| -> String {
            match read_table_bytes(csv.as_bytes(), TableFormat::Csv, &s)
                .and_then(|t| facilities_from_table(&s, &t, &mut Vec::new()))
            {
                Ok(_) => panic!("expected an error for {csv}"),
                Err(e) => e.to_string(),
            }
        };
        assert_eq!(
            err("  \n"),
            "upload.csv: the file is empty; it needs a header row (CSV) or a \
             FeatureCollection (GeoJSON)"
        );
        assert_eq!(
            err("id,category,lon,lat\na,park,116.4,39.9\na,park,116.5,39.9\n"),
            "upload.csv, row 3: duplicate id \"a\" (first used at row 2); ids must be unique"
        );
        assert!(
            err("id,category,lon,lat\na,park,39.9,116.4\n")
                .starts_with("upload.csv, row 2: latitude 116.4 is out of range")
        );
        assert_eq!(
            err("id,category,lon,lat\na,velodrome,116.4,39.9\n")
                .split(';')
                .next()
                .unwrap(),
            "upload.csv, row 2: unknown facility category \"velodrome\""
        );
        // (An unknown CRS name cannot reach a reader: `InputSpec::crs` is a
        // `Crs`, so the config or the flag is refused when parsed.)
    }
}
