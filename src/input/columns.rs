//! The column table (`seeds/columns.toml`, compiled in): which header of a
//! table feeds which field, for every reader that yields rows of named
//! values (CSV, GeoJSON properties, other formats' attribute tables). One
//! [`Mapping`] per table input, resolved once from its headers, then read
//! through ([`Mapping::text`], `Mapping::number`, [`Mapping::flag`],
//! [`Mapping::year`]); [`Mapping::report`] says which header fed which
//! field and which headers were not used, for the terminal and
//! `inputs.csv`. The header rules are in the seed file's comments and the
//! README ("Accepted columns").

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::LazyLock;

use serde::Deserialize;

use super::bounds::{self, Bound};
use super::record::{Record, Table};
use super::text::fold;
use crate::config::{ExtraHeaders, InputSpec};
use crate::{Error, Result};

/// The column table as shipped (`seeds/columns.toml`).
pub const SEED: &str = include_str!("../../seeds/columns.toml");

/// The names of the fields the readers use, so that a misspelt name is
/// caught by a test rather than read as "no such column".
pub(crate) mod field {
    pub(crate) const ID: &str = "id";
    pub(crate) const NAME: &str = "name";
    pub(crate) const CATEGORY: &str = "category";
    pub(crate) const SUBTYPE: &str = "subtype";
    pub(crate) const STATUS: &str = "status";
    pub(crate) const AREA: &str = "area_m2";
    pub(crate) const FLOOR: &str = "floor_area_m2";
    pub(crate) const LENGTH: &str = "length_m";
    pub(crate) const HOURS: &str = "opening_hours";
    pub(crate) const OPEN: &str = "open_to_public";
    pub(crate) const FIT_TO_OPEN: &str = "fit_to_open";
    pub(crate) const GENERATION: &str = "equipment_generation";
    pub(crate) const POPULATION: &str = "population";
    pub(crate) const HOUSEHOLDS: &str = "households";
    pub(crate) const YEAR: &str = "build_year";
    pub(crate) const LEVEL: &str = "level";
    pub(crate) const DISCOUNT: &str = "free_or_discount";
    pub(crate) const SUITED: &str = "suited_for";
    pub(crate) const SEASON: &str = "season";
    pub(crate) const SPACE: &str = "space";
    pub(crate) const ELDERLY: &str = "elderly_population";
    pub(crate) const DISABLED: &str = "disabled_population";
    pub(crate) const YOUTH: &str = "youth_population";
    /// The group populations of a community, in the order of
    /// `GroupPopulation`.
    pub(crate) const GROUPS: [&str; 3] = [ELDERLY, DISABLED, YOUTH];
    pub(crate) const WITH_SPORTS: &str = "with_sports";
    pub(crate) const LON: &str = "lon";
    pub(crate) const LAT: &str = "lat";
    pub(crate) const WKT: &str = "wkt";
    pub(crate) const ROAD_CLASS: &str = "road_class";
    pub(crate) const ONEWAY: &str = "oneway";
    pub(crate) const LAYER: &str = "layer";
    pub(crate) const BRIDGE: &str = "bridge";
    pub(crate) const TUNNEL: &str = "tunnel";
    pub(crate) const WALKABLE: &str = "walkable";
    /// Every name above.
    #[cfg(test)]
    pub(crate) const ALL: &[&str] = &[
        ID,
        NAME,
        CATEGORY,
        SUBTYPE,
        STATUS,
        AREA,
        FLOOR,
        LENGTH,
        HOURS,
        OPEN,
        FIT_TO_OPEN,
        GENERATION,
        POPULATION,
        HOUSEHOLDS,
        YEAR,
        LEVEL,
        DISCOUNT,
        SUITED,
        SEASON,
        SPACE,
        ELDERLY,
        DISABLED,
        YOUTH,
        WITH_SPORTS,
        LON,
        LAT,
        WKT,
        ROAD_CLASS,
        ONEWAY,
        LAYER,
        BRIDGE,
        TUNNEL,
        WALKABLE,
    ];
}

/// What a table input holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum InputKind {
    /// Sports facilities and school venues.
    Facilities,
    /// Residential communities or population cells.
    Communities,
    /// Administrative units (subdistricts).
    Units,
    /// Health facilities (measure 35).
    Health,
    /// Culture stations (measure 36).
    Culture,
    /// Street centrelines of a walking network (`--network roads.gpkg`).
    Network,
}

impl InputKind {
    /// `facilities`, `communities` or `units`.
    pub fn as_str(self) -> &'static str {
        match self {
            InputKind::Facilities => "facilities",
            InputKind::Communities => "communities",
            InputKind::Units => "units",
            InputKind::Health => "health",
            InputKind::Culture => "culture",
            InputKind::Network => "network",
        }
    }
}

/// How a field's values are read.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum ValueKind {
    /// As written, trimmed.
    Text,
    /// A number (the rule of `bounds`), times the unit's factor.
    Number,
    /// Yes or no.
    Flag,
    /// A year, perhaps with a month and day after it.
    Year,
    /// Opening hours.
    Hours,
    /// A facility category (seeds/categories.toml).
    Category,
    /// A facility status (seeds/categories.toml).
    Status,
    /// A longitude or latitude of a CSV row.
    Coordinate,
    /// A WKT geometry of a CSV row.
    Wkt,
}

/// One field of the column table.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FieldDef {
    /// The field's name (`area_m2`), also its key in a config's `columns`.
    pub field: String,
    /// The field's name in Chinese, for the mapping printed in a zh run.
    pub label_zh: String,
    /// The inputs that read the field.
    pub inputs: Vec<InputKind>,
    /// How values are read.
    pub kind: ValueKind,
    /// The quantity a number measures (`area`, `length`, `people`,
    /// `households`), for units in headers and cells.
    #[serde(default)]
    pub dimension: Option<String>,
    #[serde(default)]
    facilities: Vec<String>,
    #[serde(default)]
    communities: Vec<String>,
    #[serde(default)]
    units: Vec<String>,
    /// Headers accepted for any input.
    pub headers: Vec<String>,
    /// What happens when the file has no such column (English).
    pub missing: String,
    /// [`missing`](Self::missing) in Chinese.
    pub missing_zh: String,
    /// What happens without the column in an input of one kind, when it
    /// differs from [`missing`](Self::missing): (English, Chinese).
    #[serde(default)]
    pub missing_for: BTreeMap<InputKind, [String; 2]>,
}

impl FieldDef {
    /// The headers accepted for this field in an input of `kind`, in the
    /// order they are tried (the input's own, then the common ones).
    pub fn accepted(&self, kind: InputKind) -> Vec<&str> {
        let own: &[String] = match kind {
            InputKind::Facilities => &self.facilities,
            InputKind::Communities => &self.communities,
            InputKind::Units => &self.units,
            InputKind::Health | InputKind::Culture | InputKind::Network => &[],
        };
        own.iter()
            .chain(&self.headers)
            .map(String::as_str)
            .collect()
    }

    /// Every accepted header, any input, without repeats.
    pub fn all_headers(&self) -> Vec<&str> {
        let mut out: Vec<&str> = Vec::new();
        for h in self
            .facilities
            .iter()
            .chain(&self.communities)
            .chain(&self.units)
            .chain(&self.headers)
        {
            if !out.contains(&h.as_str()) {
                out.push(h);
            }
        }
        out
    }

    fn reads(&self, kind: InputKind) -> bool {
        self.inputs.contains(&kind)
    }

    /// What happens without the column in an input of `kind`: (English,
    /// Chinese).
    pub fn missing_in(&self, kind: InputKind) -> (&str, &str) {
        match self.missing_for.get(&kind) {
            Some([en, zh]) => (en, zh),
            None => (&self.missing, &self.missing_zh),
        }
    }
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
struct Dimension {
    unit: String,
    unit_zh: String,
    units: BTreeMap<String, f64>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
struct Flags {
    yes: Vec<String>,
    no: Vec<String>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
struct Seed {
    field: Vec<FieldDef>,
    dimension: BTreeMap<String, Dimension>,
    flag: Flags,
}

/// The parsed column table.
#[derive(Debug, Clone)]
struct ColumnTable {
    fields: Vec<FieldDef>,
    dimensions: BTreeMap<String, Dimension>,
    flags: Flags,
}

static TABLE: LazyLock<ColumnTable> = LazyLock::new(|| {
    let seed: Seed = toml::from_str(SEED).expect("seeds/columns.toml is valid");
    ColumnTable {
        fields: seed.field,
        dimensions: seed.dimension,
        flags: seed.flag,
    }
});

/// Every field of the column table, in its order.
pub fn fields() -> &'static [FieldDef] {
    &TABLE.fields
}

/// The field named `name`, if the table has it.
pub fn field_def(name: &str) -> Option<&'static FieldDef> {
    TABLE.fields.iter().find(|f| f.field == name)
}

/// The units a field of `dimension` accepts (`m2`, `㎡`, `公顷`, ...), with
/// their factors to the field's unit; empty for an unknown dimension.
pub fn units_of(dimension: &str) -> Vec<(&'static str, f64)> {
    TABLE
        .dimensions
        .get(dimension)
        .map(|d| d.units.iter().map(|(k, v)| (k.as_str(), *v)).collect())
        .unwrap_or_default()
}

/// The words a flag column accepts: (yes, no).
pub fn flag_words() -> (&'static [String], &'static [String]) {
    (&TABLE.flags.yes, &TABLE.flags.no)
}

/// A header for matching: folded, without spaces, `_` or `-`, and its
/// last bracketed part taken off as the unit.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Header {
    /// The whole header, folded.
    full: String,
    /// Without the bracketed last part.
    base: String,
    /// The bracketed last part, trimmed (as written, folded).
    unit: Option<String>,
}

fn squeeze(s: &str) -> String {
    s.chars()
        .filter(|c| !(c.is_whitespace() || *c == '_' || *c == '-'))
        .collect()
}

/// Split and fold `header` (see [`Header`]).
pub(crate) fn normalize(header: &str) -> Header {
    let folded = fold(header.trim().trim_start_matches('\u{feff}'));
    let t = folded.trim_end();
    let split = match t.chars().last() {
        Some(')') => t.rfind('('),
        Some(']') => t.rfind('['),
        _ => None,
    };
    let (base, unit) = match split {
        Some(i) if !t[..i].trim().is_empty() => (
            t[..i].to_string(),
            Some(t[i + 1..t.len() - 1].trim().to_string()).filter(|u| !u.is_empty()),
        ),
        _ => (t.to_string(), None),
    };
    Header {
        full: squeeze(t),
        base: squeeze(&base),
        unit,
    }
}

/// The factor of `unit` in `dimension`, `None` when unknown.
fn unit_factor(dimension: &str, unit: &str) -> Option<f64> {
    let want = squeeze(&fold(unit));
    TABLE
        .dimensions
        .get(dimension)?
        .units
        .iter()
        .find(|(k, _)| squeeze(&fold(k)) == want)
        .map(|(_, f)| *f)
}

/// Where one field's values come from in one table.
#[derive(Debug, Clone, PartialEq)]
pub struct Column {
    /// The header, as written in the file.
    pub header: String,
    /// The unit named in the header's brackets, when the field converts it.
    pub unit: Option<String>,
    /// The same in Chinese (`万人 = 10000 人`).
    pub unit_zh: Option<String>,
    /// Factor from the header's unit to the field's unit (1 without one).
    pub factor: f64,
}

/// The columns of one table, resolved for one input kind.
#[derive(Debug, Clone)]
pub struct Mapping {
    kind: InputKind,
    /// Every field the input reads, in table order, with its column.
    columns: Vec<(&'static FieldDef, Option<Column>)>,
    /// Headers that feed no field, in file order.
    unused: Vec<String>,
}

/// The fields a table of `kind` reads: the geometry fields only when the
/// geometry comes from columns (a CSV).
fn reads(def: &FieldDef, kind: InputKind, geometry_from_columns: bool) -> bool {
    let geometry = matches!(def.kind, ValueKind::Coordinate | ValueKind::Wkt);
    def.reads(kind) && (!geometry || geometry_from_columns)
}

/// Check that every field a config names (`columns = {...}` of an input,
/// `[columns]`) is in the column table; `origin` names the config.
pub fn check_field_names<'a>(
    origin: &str,
    names: impl IntoIterator<Item = &'a String>,
) -> Result<()> {
    for name in names {
        if field_def(name).is_none() {
            let known: Vec<&str> = fields().iter().map(|f| f.field.as_str()).collect();
            return Err(Error::config(
                origin.to_string(),
                format!(
                    "columns: unknown field {name:?}; the fields are {}",
                    known.join(", ")
                ),
            ));
        }
    }
    Ok(())
}

/// The header of `headers` matching `candidate` (see [`normalize`]) that
/// no field has taken yet.
fn find_header(parsed: &[Header], taken: &[bool], candidate: &str) -> Option<usize> {
    let c = normalize(candidate);
    parsed
        .iter()
        .enumerate()
        .find(|(i, h)| !taken[*i] && (h.full == c.full || h.base == c.full))
        .map(|(i, _)| i)
}

impl Mapping {
    /// Resolve the headers of `table` for an input of `kind` read with
    /// `spec`: the headers the input's `columns` name (each must be in the
    /// file), else the first accepted header present ([`FieldDef::accepted`],
    /// after `spec.extra_headers`). A header whose bracketed unit the field
    /// cannot convert is an error naming it.
    pub fn resolve(path: &Path, table: &Table, kind: InputKind, spec: &InputSpec) -> Result<Self> {
        Self::of_headers(
            path,
            &table.columns,
            kind,
            spec,
            table.geometry_from_columns,
        )
    }

    /// [`Mapping::resolve`] over a list of headers.
    pub(crate) fn of_headers(
        path: &Path,
        headers: &[String],
        kind: InputKind,
        spec: &InputSpec,
        geometry_from_columns: bool,
    ) -> Result<Self> {
        check_configured(path, kind, spec)?;
        let parsed: Vec<Header> = headers.iter().map(|h| normalize(h)).collect();
        let mut taken = vec![false; headers.len()];
        // The count and filter columns are the config's: used, not fields.
        for col in spec
            .count_column
            .iter()
            .chain(spec.filter.as_ref().map(|f| &f.column))
        {
            if let Some(i) = headers.iter().position(|h| h == col) {
                taken[i] = true;
            }
        }
        let mut columns = Vec::new();
        for def in fields()
            .iter()
            .filter(|d| reads(d, kind, geometry_from_columns))
        {
            let at = match spec.columns.get(&def.field) {
                Some(name) => Some(configured_header(path, headers, &parsed, name)?),
                None => candidates(def, kind, &spec.extra_headers)
                    .iter()
                    .find_map(|c| find_header(&parsed, &taken, c)),
            };
            let column = match at {
                Some(i) => {
                    taken[i] = true;
                    Some(column_of(path, def, &headers[i], &parsed[i])?)
                }
                None => None,
            };
            columns.push((def, column));
        }
        let unused = headers
            .iter()
            .zip(&taken)
            .filter(|(h, t)| !**t && !h.trim().is_empty())
            .map(|(h, _)| h.clone())
            .collect();
        Ok(Mapping {
            kind,
            columns,
            unused,
        })
    }

    /// The input kind this mapping was resolved for.
    pub fn kind(&self) -> InputKind {
        self.kind
    }

    /// The column feeding `field`, if any.
    pub fn column(&self, field: &str) -> Option<&Column> {
        debug_assert!(field_def(field).is_some(), "unknown field {field}");
        self.columns
            .iter()
            .find(|(d, _)| d.field == field)
            .and_then(|(_, c)| c.as_ref())
    }

    /// The header feeding `field`, if any.
    pub fn header(&self, field: &str) -> Option<&String> {
        self.column(field).map(|c| &c.header)
    }

    /// Headers that feed no field, in file order.
    pub fn unused(&self) -> &[String] {
        &self.unused
    }

    /// The trimmed text of `field` in `rec`, `None` when empty or absent.
    pub fn text<'r>(&self, rec: &'r Record, field: &str) -> Option<&'r str> {
        rec.get(self.header(field))
    }

    /// The number of `field` in `rec` in the field's unit (the header's or
    /// the cell's unit converted), checked against `bound`; `None` when
    /// empty. An error names the file, the row, the header and what to fix.
    pub(crate) fn number(
        &self,
        path: &Path,
        rec: &Record,
        field: &str,
        bound: &Bound,
    ) -> Result<Option<f64>> {
        let Some(col) = self.column(field) else {
            return Ok(None);
        };
        let Some(v) = rec.get(Some(&col.header)) else {
            return Ok(None);
        };
        let err =
            |e: String| Error::record(path, &rec.location, format!("column {:?}: {e}", col.header));
        if rec.is_numeric(&col.header) {
            let x: f64 = v
                .parse()
                .map_err(|_| err(format!("{v:?} is not a number")))?;
            return bound.check(x * col.factor).map(Some).map_err(err);
        }
        let def = field_def(field).expect("a field of the table");
        let (number, factor) = match def.dimension.as_deref().and_then(|d| cell_unit(d, v)) {
            Some((n, f)) => (n, f),
            None => (v, col.factor),
        };
        let x = bound.parse_unchecked(number).map_err(&err)?;
        bound.check(x * factor).map(Some).map_err(err)
    }

    /// The yes / no of `field` in `rec` (the words of [`flag_words`]);
    /// `None` when empty.
    pub fn flag(&self, path: &Path, rec: &Record, field: &str) -> Result<Option<bool>> {
        let Some(v) = self.text(rec, field) else {
            return Ok(None);
        };
        parse_flag(v).map(Some).ok_or_else(|| {
            let (yes, no) = flag_words();
            Error::record(
                path,
                &rec.location,
                format!(
                    "column {:?}: {v:?} is not yes or no; write one of {} (yes) or {} (no)",
                    self.header(field).map_or("", String::as_str),
                    yes.join(" / "),
                    no.join(" / ")
                ),
            )
        })
    }

    /// The year of `field` in `rec` (`2019`, `2019年`, `2019-05`,
    /// `2019/5/1`, `2019年5月`; not `2019.7`, which may be a decimal),
    /// within the build-year bounds; `None` when empty.
    pub fn year(&self, path: &Path, rec: &Record, field: &str) -> Result<Option<i32>> {
        let Some(v) = self.text(rec, field) else {
            return Ok(None);
        };
        let header = self.header(field).map_or("", String::as_str);
        let numeric = rec.is_numeric(header);
        parse_year(v, numeric)
            .map(Some)
            .map_err(|e| Error::record(path, &rec.location, format!("column {header:?}: {e}")))
    }

    /// Which header fed which field of `table` (read from `path`), how
    /// many rows fill it, and the headers not used.
    pub fn report(&self, path: &Path, table: &Table) -> ColumnReport {
        let fields = self
            .columns
            .iter()
            .map(|(def, col)| FieldUse {
                unit_zh: col.as_ref().and_then(|c| c.unit_zh.clone()),
                field: def.field.as_str(),
                label_zh: def.label_zh.as_str(),
                header: col.as_ref().map(|c| c.header.clone()),
                unit: col.as_ref().and_then(|c| c.unit.clone()),
                filled: col.as_ref().map_or(0, |c| {
                    table
                        .records
                        .iter()
                        .filter(|r| r.get(Some(&c.header)).is_some())
                        .count()
                }),
                missing: def.missing_in(self.kind).0.to_string(),
                missing_zh: def.missing_in(self.kind).1.to_string(),
            })
            .collect();
        let unused = self
            .unused
            .iter()
            .map(|h| UnusedHeader {
                header: h.clone(),
                looks_like: looks_like(h),
            })
            .collect();
        ColumnReport {
            file: path.to_path_buf(),
            input: self.kind,
            encoding: table.encoding,
            crs: table.crs.clone(),
            rows: table.records.len(),
            fields,
            unused,
        }
    }

    /// The warning for the headers not used, `None` when all are.
    pub fn unused_warning(&self, path: &Path) -> Option<String> {
        if self.unused.is_empty() {
            return None;
        }
        let list: Vec<String> = self
            .unused
            .iter()
            .map(|h| match looks_like(h) {
                Some(f) => format!("{h:?} (a {f} column, not read for {})", self.kind.as_str()),
                None => format!("{h:?}"),
            })
            .collect();
        Some(format!(
            "{} ({}): {} column{} not used: {}; if one holds a field fitcircle reads, name it \
             with --column FIELD=HEADER or [columns] in the config (the fields and their \
             headers are listed in the README, \"Accepted columns\")",
            path.display(),
            self.kind.as_str(),
            list.len(),
            if list.len() == 1 { "" } else { "s" },
            list.join(", ")
        ))
    }
}

/// The headers of the longitude, latitude and WKT columns of a table whose
/// geometry comes from columns (a CSV): each the configured one (which
/// must be there) or the first accepted one present, as
/// [`Mapping::resolve`] finds them.
pub(crate) fn geometry_columns(
    path: &Path,
    headers: &[String],
    spec: &InputSpec,
) -> Result<[Option<String>; 3]> {
    let parsed: Vec<Header> = headers.iter().map(|h| normalize(h)).collect();
    let mut taken = vec![false; headers.len()];
    let mut out: [Option<String>; 3] = Default::default();
    for (slot, name) in out.iter_mut().zip([field::LON, field::LAT, field::WKT]) {
        let def = field_def(name).expect("a geometry field");
        let at = match spec.columns.get(name) {
            Some(h) => Some(configured_header(path, headers, &parsed, h)?),
            None => candidates(def, InputKind::Facilities, &spec.extra_headers)
                .iter()
                .find_map(|c| find_header(&parsed, &taken, c)),
        };
        if let Some(i) = at {
            taken[i] = true;
            *slot = Some(headers[i].clone());
        }
    }
    Ok(out)
}

/// Every field an input's `columns` names must be one the input reads.
fn check_configured(path: &Path, kind: InputKind, spec: &InputSpec) -> Result<()> {
    for name in spec.columns.0.keys().chain(spec.extra_headers.0.keys()) {
        let Some(def) = field_def(name) else {
            let known: Vec<&str> = fields().iter().map(|f| f.field.as_str()).collect();
            return Err(Error::file(
                path,
                format!(
                    "columns: unknown field {name:?}; the fields are {}",
                    known.join(", ")
                ),
            ));
        };
        if spec.columns.get(name).is_some() && !def.reads(kind) {
            return Err(Error::file(
                path,
                format!(
                    "columns.{name}: {} inputs do not read {name:?} (it is read for {})",
                    kind.as_str(),
                    def.inputs
                        .iter()
                        .map(|k| k.as_str())
                        .collect::<Vec<_>>()
                        .join(", ")
                ),
            ));
        }
    }
    Ok(())
}

/// The position of the configured header `name`: exactly, else by
/// [`normalize`]; an error listing the headers when absent.
fn configured_header(
    path: &Path,
    headers: &[String],
    parsed: &[Header],
    name: &str,
) -> Result<usize> {
    if let Some(i) = headers.iter().position(|h| h.trim() == name.trim()) {
        return Ok(i);
    }
    let want = normalize(name);
    parsed
        .iter()
        .position(|h| h.full == want.full)
        .ok_or_else(|| {
            Error::file(
                path,
                format!(
                    "configured column {name:?} is not in the file (columns: {})",
                    headers.join(", ")
                ),
            )
        })
}

/// The headers tried for `def` in an input of `kind`: the config's first.
fn candidates<'a>(def: &'a FieldDef, kind: InputKind, extra: &'a ExtraHeaders) -> Vec<&'a str> {
    extra
        .get(&def.field)
        .iter()
        .map(String::as_str)
        .chain(def.accepted(kind))
        .collect()
}

/// The column of `def` at `header`, its unit converted when the field has
/// a dimension.
fn column_of(path: &Path, def: &FieldDef, header: &str, parsed: &Header) -> Result<Column> {
    let (Some(dimension), Some(unit)) = (&def.dimension, &parsed.unit) else {
        return Ok(Column {
            header: header.to_string(),
            unit: None,
            unit_zh: None,
            factor: 1.0,
        });
    };
    // A header matched whole (`area_m2`) has no separate unit.
    let factor = unit_factor(dimension, unit).ok_or_else(|| {
        let known: Vec<&str> = units_of(dimension).iter().map(|(u, _)| *u).collect();
        Error::file(
            path,
            format!(
                "column {header:?} ({}): fitcircle does not know the unit {unit:?}; use one \
                 of {} in the header, or name the column for the field with --column \
                 {}=HEADER if the brackets are not a unit",
                def.field,
                known.join(", "),
                def.field
            ),
        )
    })?;
    let base = &TABLE.dimensions[dimension];
    Ok(Column {
        header: header.to_string(),
        unit: Some(format!("{unit} = {} {}", short(factor), base.unit)),
        unit_zh: Some(format!("{unit} = {} {}", short(factor), base.unit_zh)),
        factor,
    })
}

/// `x` with at most 4 decimals, without trailing zeros.
fn short(x: f64) -> String {
    let s = format!("{x:.4}");
    s.trim_end_matches('0').trim_end_matches('.').to_string()
}

/// A value with a unit of `dimension` after the number (`1,200㎡`,
/// `3.5 公里`): the number's text and the unit's factor.
fn cell_unit<'v>(dimension: &str, value: &'v str) -> Option<(&'v str, f64)> {
    let v = value.trim_end();
    let mut best: Option<(&str, f64, usize)> = None;
    for (unit, factor) in &TABLE.dimensions.get(dimension)?.units {
        let n = unit.chars().count();
        let chars: Vec<(usize, char)> = v.char_indices().collect();
        if chars.len() <= n {
            continue;
        }
        let (at, _) = chars[chars.len() - n];
        if fold(&v[at..]) == fold(unit) && best.is_none_or(|b| b.2 < n) {
            best = Some((v[..at].trim_end(), *factor, n));
        }
    }
    best.map(|(t, f, _)| (t, f))
}

/// The field `header` would feed in some input, if any.
fn looks_like(header: &str) -> Option<&'static str> {
    let h = normalize(header);
    fields()
        .iter()
        .find(|d| {
            d.all_headers().iter().any(|c| {
                let c = normalize(c);
                h.full == c.full || h.base == c.full
            })
        })
        .map(|d| d.field.as_str())
}

/// Yes or no by the words of [`flag_words`], `None` for anything else.
pub(crate) fn parse_flag(v: &str) -> Option<bool> {
    let k = squeeze(&fold(v));
    let is = |words: &[String]| words.iter().any(|w| squeeze(&fold(w)) == k);
    if is(&TABLE.flags.yes) {
        Some(true)
    } else if is(&TABLE.flags.no) {
        Some(false)
    } else {
        None
    }
}

/// A year as bureaus write one (see [`Mapping::year`]); `numeric` when the
/// source typed it as a number (`2019.0`).
fn parse_year(v: &str, numeric: bool) -> std::result::Result<i32, String> {
    if numeric {
        let x: f64 = v.parse().map_err(|_| format!("{v:?} is not a year"))?;
        return bounds::BUILD_YEAR.check(x).map(|y| y as i32);
    }
    let t = fold(v.trim());
    let digits = t.chars().take_while(char::is_ascii_digit).count();
    let rest = &t[digits..];
    // A point is not a date separator: `2019.7` could be a decimal.
    let date_like = rest.is_empty()
        || (rest.starts_with(['年', '-', '/'])
            && rest
                .chars()
                .all(|c| c.is_ascii_digit() || "年月日号-/ ".contains(c)));
    if digits != 4 || !date_like {
        return Err(format!(
            "{v:?} is not a year (a whole number such as 2019); 2019年, 2019-05, 2019/5/1 and \
             2019年5月 are read as 2019"
        ));
    }
    let year: f64 = t[..4].parse().map_err(|_| format!("{v:?} is not a year"))?;
    bounds::BUILD_YEAR.check(year).map(|y| y as i32)
}

/// Which header fed which field of one table input, for the terminal,
/// `fitcircle check` and `inputs.csv`.
#[derive(Debug, Clone, PartialEq)]
pub struct ColumnReport {
    /// The file.
    pub file: PathBuf,
    /// What the file holds.
    pub input: InputKind,
    /// The text encoding it was read in (`None` for binary formats).
    pub encoding: Option<&'static str>,
    /// The CRS its coordinates were converted from (`wgs84`, `EPSG:4527`,
    /// a `.prj`'s own name).
    pub crs: String,
    /// Rows (records) read, after the filter and exact repeats.
    pub rows: usize,
    /// Every field the input reads, in the column table's order.
    pub fields: Vec<FieldUse>,
    /// Headers that feed no field, in file order.
    pub unused: Vec<UnusedHeader>,
}

/// One field of a [`ColumnReport`].
#[derive(Debug, Clone, PartialEq)]
pub struct FieldUse {
    /// The field.
    pub field: &'static str,
    /// The field in Chinese.
    pub label_zh: &'static str,
    /// The header feeding it, `None` when the file has none.
    pub header: Option<String>,
    /// The unit the header names, with its factor, when converted.
    pub unit: Option<String>,
    /// The same in Chinese.
    pub unit_zh: Option<String>,
    /// Rows with a value in the column.
    pub filled: usize,
    /// What happens without the column (English).
    pub missing: String,
    /// What happens without the column (Chinese).
    pub missing_zh: String,
}

/// A header that feeds no field.
#[derive(Debug, Clone, PartialEq)]
pub struct UnusedHeader {
    /// The header, as written.
    pub header: String,
    /// The field it would feed in another input, if any (a `population`
    /// column in a facilities file).
    pub looks_like: Option<&'static str>,
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::InputSpec;

    fn headers(h: &[&str]) -> Vec<String> {
        h.iter().map(|s| s.to_string()).collect()
    }

    fn map(h: &[&str], kind: InputKind) -> Mapping {
        let spec = InputSpec::from_path("t.csv".into());
        Mapping::of_headers(Path::new("t.csv"), &headers(h), kind, &spec, true).unwrap()
    }

    #[test]
    fn every_field_the_code_reads_is_in_the_table() {
        for f in field::ALL {
            assert!(field_def(f).is_some(), "{f}");
        }
        let names: Vec<&str> = fields().iter().map(|f| f.field.as_str()).collect();
        let mut sorted = names.clone();
        sorted.sort_unstable();
        sorted.dedup();
        assert_eq!(sorted.len(), names.len(), "a field is listed twice");
        for d in fields() {
            if let Some(dim) = &d.dimension {
                assert!(!units_of(dim).is_empty(), "{}", d.field);
            }
        }
    }

    #[test]
    fn headers_are_folded_and_units_split() {
        let h = normalize("占地面积（㎡）");
        assert_eq!(
            (h.base.as_str(), h.unit.as_deref()),
            ("占地面积", Some("㎡"))
        );
        let h = normalize(" Opening Hours ");
        assert_eq!(h.full, "openinghours");
        let h = normalize("面积【平方米】");
        assert_eq!(h.unit.as_deref(), Some("平方米"));
        let h = normalize("ＡＲＥＡ＿Ｍ２");
        assert_eq!(h.full, "aream2");
        let h = normalize("(m2)");
        assert_eq!((h.base.as_str(), h.unit), ("(m2)", None));
    }

    #[test]
    fn bureau_headers_resolve() {
        let m = map(
            &[
                "序号",
                "场地名称",
                "场地类型",
                "占地面积（㎡）",
                "建筑面积(平方米)",
                "是否对外开放",
                "具备开放条件",
                "开放时间",
                "长度（公里）",
                "经度",
                "纬度",
                "备注",
            ],
            InputKind::Facilities,
        );
        assert_eq!(m.header("id").unwrap(), "序号");
        assert_eq!(m.header("name").unwrap(), "场地名称");
        assert_eq!(m.header("category").unwrap(), "场地类型");
        assert_eq!(m.column("area_m2").unwrap().factor, 1.0);
        assert_eq!(m.header("floor_area_m2").unwrap(), "建筑面积(平方米)");
        assert_eq!(m.header("open_to_public").unwrap(), "是否对外开放");
        assert_eq!(m.header("fit_to_open").unwrap(), "具备开放条件");
        assert_eq!(m.header("opening_hours").unwrap(), "开放时间");
        assert_eq!(m.column("length_m").unwrap().factor, 1000.0);
        assert_eq!(m.unused(), ["备注"]);
        let m = map(
            &[
                "社区名称",
                "街道名称",
                "常住人口（万人）",
                "户数",
                "经度",
                "纬度",
            ],
            InputKind::Communities,
        );
        assert_eq!(m.header("name").unwrap(), "社区名称");
        assert_eq!(m.column("population").unwrap().factor, 10_000.0);
        let pop = m.column("population").unwrap();
        assert_eq!(pop.unit.as_deref(), Some("万人 = 10000 people"));
        assert_eq!(pop.unit_zh.as_deref(), Some("万人 = 10000 人"));
        assert_eq!(m.unused(), ["街道名称"]);
        let m = map(&["街道名称", "常住人口", "wkt"], InputKind::Units);
        assert_eq!(m.header("name").unwrap(), "街道名称");
        assert_eq!(m.header("population").unwrap(), "常住人口");
        // A facilities file's population column is not read, and says so.
        let m = map(
            &["名称", "类别", "常住人口", "lon", "lat"],
            InputKind::Facilities,
        );
        assert_eq!(m.unused(), ["常住人口"]);
        let w = m.unused_warning(Path::new("f.csv")).unwrap();
        assert!(
            w.contains("\"常住人口\" (a population column, not read for facilities)"),
            "{w}"
        );
    }

    /// The error of mapping a facilities table with `hs` as headers.
    fn facilities_error(hs: &[&str], spec: &InputSpec) -> String {
        Mapping::of_headers(
            Path::new("t.csv"),
            &headers(hs),
            InputKind::Facilities,
            spec,
            true,
        )
        .unwrap_err()
        .to_string()
    }

    #[test]
    fn unknown_units_and_fields_are_errors() {
        let spec = InputSpec::from_path("t.csv".into());
        let e = facilities_error(&["面积（室外）", "lon", "lat"], &spec);
        assert!(e.starts_with("t.csv: column \"面积（室外）\" (area_m2): fitcircle does not know the unit \"室外\""), "{e}");
        let mut spec = InputSpec::from_path("t.csv".into());
        spec.columns.0.insert("areas".into(), "x".into());
        let e = facilities_error(&["x"], &spec);
        assert!(e.contains("unknown field \"areas\""), "{e}");
        let mut spec = InputSpec::from_path("t.csv".into());
        spec.columns.0.insert("population".into(), "x".into());
        let e = facilities_error(&["x"], &spec);
        assert!(
            e.contains("facilities inputs do not read \"population\""),
            "{e}"
        );
    }

    #[test]
    fn extra_headers_come_first() {
        let mut spec = InputSpec::from_path("t.csv".into());
        spec.extra_headers.push_first("name", "场馆");
        let m = Mapping::of_headers(
            Path::new("t.csv"),
            &headers(&["名称", "场馆", "lon", "lat"]),
            InputKind::Facilities,
            &spec,
            true,
        )
        .unwrap();
        assert_eq!(m.header("name").unwrap(), "场馆");
        assert_eq!(m.unused(), ["名称"]);
    }

    #[test]
    fn cell_units_flags_and_years() {
        assert_eq!(cell_unit("area", "1,200㎡"), Some(("1,200", 1.0)));
        assert_eq!(cell_unit("area", "2 公顷"), Some(("2", 10_000.0)));
        assert_eq!(cell_unit("length", "3.5km"), Some(("3.5", 1000.0)));
        assert_eq!(cell_unit("length", "350m"), Some(("350", 1.0)));
        assert_eq!(cell_unit("area", "1200"), None);
        assert_eq!(parse_flag("是"), Some(true));
        assert_eq!(parse_flag(" Yes "), Some(true));
        assert_eq!(parse_flag("不开放"), Some(false));
        assert_eq!(parse_flag("１"), Some(true));
        assert_eq!(parse_flag("maybe"), None);
        for (v, y) in [
            ("2019", 2019),
            ("2019年", 2019),
            ("2019-05", 2019),
            ("2019/5/1", 2019),
            ("2019年5月", 2019),
            ("２０１９", 2019),
        ] {
            assert_eq!(parse_year(v, false), Ok(y), "{v}");
        }
        for v in ["19", "2019x", "二〇一九", "1066", "2019.5.1a", "2019.7"] {
            assert!(parse_year(v, false).is_err(), "{v}");
        }
        assert_eq!(parse_year("2019.0", true), Ok(2019));
    }
}
