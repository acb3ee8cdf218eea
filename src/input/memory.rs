//! Inputs held in memory rather than in files: tables of named columns and
//! geometries, as WKB or already built from coordinates (a GeoDataFrame
//! handed over by the Python package, rows of a database). They go through the same steps as a CSV or GeoJSON file
//! (filter, exact repeats, geometry checks and repair, CRS conversion,
//! column detection, the record builders), so the rules and messages are
//! those of the files.

use std::path::{Path, PathBuf};

use geo::Geometry;
use geozero::ToGeo;

use super::table::{self, Record, Table};
use super::{Inputs, overlap};
use crate::config::{Config, InputSpec};
use crate::{Error, Result};

/// A table of `rows` records: named text columns and one WKB geometry per
/// row. A missing value is `None` (an empty CSV cell).
#[derive(Debug, Clone, Default)]
pub struct Columns {
    /// Column names, in order.
    pub names: Vec<String>,
    /// One vector per column, `rows` values each.
    pub values: Vec<Vec<Option<String>>>,
    /// Per column: its values are numbers written by the caller (a float or
    /// integer column), read as they are rather than by the rules for
    /// numbers typed as text (`1.234` is then one and a quarter, not
    /// ambiguous). Empty: every column is text.
    pub numeric: Vec<bool>,
    /// One geometry per row, as WKB or already decoded.
    pub geometry: Geometries,
    /// How a row is named in messages, for row `i` (0-based) of the table:
    /// `{row_label} {i}`; "row" when empty.
    pub row_label: String,
}

/// The geometries of a [`Columns`] table, one per row; `None` is no
/// geometry (an error naming the row).
#[derive(Debug, Clone)]
pub enum Geometries {
    /// Well-known binary, decoded here (a bad one is an error naming the
    /// row).
    Wkb(Vec<Option<Vec<u8>>>),
    /// Geometries the caller built from coordinates (the Python package's
    /// points and polygons without holes, from NumPy arrays).
    Decoded(Vec<Option<Geometry<f64>>>),
}

impl Default for Geometries {
    fn default() -> Self {
        Geometries::Wkb(Vec::new())
    }
}

impl Geometries {
    /// The number of rows.
    pub fn len(&self) -> usize {
        match self {
            Geometries::Wkb(v) => v.len(),
            Geometries::Decoded(v) => v.len(),
        }
    }

    /// No rows.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

/// Records from `columns`, checked and converted as a file's are: the
/// table `spec` names (its `path` names the data in messages; nothing is
/// opened).
pub fn table_from_columns(spec: &InputSpec, columns: Columns) -> Result<Table> {
    let path = &spec.path;
    let Columns {
        names,
        values,
        numeric,
        geometry,
        row_label,
    } = columns;
    let label = if row_label.is_empty() {
        "row"
    } else {
        &row_label
    };
    let rows = geometry.len();
    if values.len() != names.len()
        || values.iter().any(|v| v.len() != rows)
        || !(numeric.is_empty() || numeric.len() == names.len())
    {
        return Err(Error::file(
            path,
            "every column needs one value per geometry (the table's columns differ in length)",
        ));
    }
    // Each value moves into its record (no copy); the names are shared.
    let shared = table::shared_names(&names);
    let mut cells: Vec<_> = values.into_iter().map(Vec::into_iter).collect();
    let mut records = Vec::with_capacity(rows);
    let geometries: Box<dyn Iterator<Item = Row>> = match geometry {
        Geometries::Wkb(v) => Box::new(v.into_iter().map(|g| g.map_or(Row::Missing, Row::Wkb))),
        Geometries::Decoded(v) => Box::new(v.into_iter().map(|g| g.map_or(Row::Missing, Row::Geo))),
    };
    for (i, g) in geometries.enumerate() {
        let location = format!("{label} {i}");
        let geometry = match g {
            Row::Wkb(bytes) => decode(path, &location, &bytes)?,
            Row::Geo(g) => g,
            Row::Missing => {
                return Err(Error::record(
                    path,
                    &location,
                    "missing geometry: every row needs a point or polygon",
                ));
            }
        };
        let fields = shared
            .iter()
            .zip(cells.iter_mut())
            .map(|(n, col)| {
                let v = col.next().expect("one value per row (checked)");
                (n.clone(), v.unwrap_or_default())
            })
            .collect();
        records.push(Record {
            location,
            fields,
            numeric: numeric.clone(),
            geometry: Some(geometry),
        });
    }
    let raw = Table {
        columns: names,
        records,
        ..Default::default()
    };
    table::finish_table(raw, None, spec)
}

/// One row's geometry in [`table_from_columns`].
enum Row {
    Wkb(Vec<u8>),
    Geo(Geometry<f64>),
    Missing,
}

fn decode(path: &Path, location: &str, bytes: &[u8]) -> Result<Geometry<f64>> {
    geozero::wkb::Wkb(bytes)
        .to_geo()
        .map_err(|e| Error::record(path, location, format!("invalid WKB geometry: {e}")))
}

/// Load every input `config` names, taking the tables of `given` (each
/// under the path its spec in `config` names) instead of reading those
/// files. Facilities held in memory come after those read from files.
pub fn load_given(config: &Config, given: Vec<(PathBuf, Table)>) -> Result<Inputs> {
    let is_given = |spec: &InputSpec| given.iter().any(|(p, _)| p == &spec.path);
    let mut files = config.clone();
    files.facilities.retain(|s| !is_given(s));
    let communities = config.communities.clone().filter(|s| is_given(s));
    if communities.is_some() {
        files.communities = None;
    }
    let units = config.units.clone().filter(|s| is_given(s));
    if units.is_some() {
        files.units = None;
    }
    let mut inputs = super::load(&files)?;
    let mut tables = given;
    let mut take = |spec: &InputSpec| {
        let i = tables.iter().position(|(p, _)| p == &spec.path);
        i.map(|i| tables.swap_remove(i).1)
    };
    let mut added = false;
    for spec in config.facilities.iter() {
        let Some(t) = take(spec) else { continue };
        inputs.dropped.extend(t.dropped.iter().cloned());
        let list = table::facilities_from_table(spec, &t, &mut inputs.warnings)?;
        inputs.facilities.extend(list);
        added = true;
    }
    if added {
        super::check_facility_ids(&inputs.facilities)?;
    }
    if let Some(spec) = &communities {
        let mut t = take(spec).expect("a given table");
        inputs.community_access = spec.access_mode();
        inputs.community_path = Some(spec.path.clone());
        inputs.dropped.extend(t.dropped.iter().cloned());
        inputs.communities = table::communities_taking_geometry(
            spec,
            &mut t,
            config.settings.household_size,
            config.population.as_ref(),
            &mut inputs.warnings,
        )?;
    }
    if let Some(spec) = &units {
        let t = take(spec).expect("a given table");
        inputs.dropped.extend(t.dropped.iter().cloned());
        inputs.units = table::units_from_table(spec, &t, &mut inputs.warnings)?;
        let (overlaps, warning) = overlap::check_overlaps(&spec.path, &inputs.units)?;
        inputs.unit_overlaps = overlaps;
        inputs.warnings.extend(warning);
    }
    Ok(inputs)
}

#[cfg(test)]
mod tests {
    use super::*;
    use geo::polygon;
    use geozero::{CoordDimensions, ToWkb};

    fn wkb(g: Geometry<f64>) -> Option<Vec<u8>> {
        Some(g.to_wkb(CoordDimensions::xy()).unwrap())
    }

    fn spec(name: &str) -> InputSpec {
        InputSpec::from_path(PathBuf::from(name))
    }

    #[test]
    fn number_columns_are_read_as_numbers_not_as_typed_text() {
        let cols = |numeric: Vec<bool>| Columns {
            names: vec!["id".into(), "population".into()],
            numeric,
            values: vec![vec![Some("a".into())], vec![Some("1.234".into())]],
            geometry: Geometries::Wkb(vec![wkb(geo::point!(x: 24.9, y: 60.2).into())]),
            row_label: String::new(),
        };
        let mut w = Vec::new();
        let t = table_from_columns(&spec("homes"), cols(vec![false, true])).unwrap();
        let homes = table::communities_from_table(&spec("homes"), &t, 2.31, None, &mut w).unwrap();
        assert_eq!(homes[0].population, 1.234);
        // The same text typed in a file's cell is ambiguous (1.234 or
        // 1,234 people?): refused with the row named, not guessed.
        let t = table_from_columns(&spec("homes"), cols(Vec::new())).unwrap();
        let e = table::communities_from_table(&spec("homes"), &t, 2.31, None, &mut w)
            .unwrap_err()
            .to_string();
        assert!(e.contains("row 0"), "{e}");
        // One flag per column, or none.
        assert!(table_from_columns(&spec("homes"), cols(vec![true])).is_err());
    }

    #[test]
    fn rows_become_the_records_a_csv_gives() {
        let cols = Columns {
            names: vec!["id".into(), "population".into()],
            numeric: Vec::new(),
            values: vec![
                vec![Some("a".into()), Some("b".into())],
                vec![Some("120".into()), Some(" 50 ".into())],
            ],
            geometry: Geometries::Wkb(vec![
                wkb(geo::point!(x: 24.9, y: 60.2).into()),
                wkb(geo::point!(x: 25.0, y: 60.1).into()),
            ]),
            row_label: String::new(),
        };
        let t = table_from_columns(&spec("homes"), cols).unwrap();
        assert_eq!(t.records.len(), 2);
        assert_eq!(t.records[0].get(Some(&"population".into())), Some("120"));
        assert_eq!(t.records[1].get(Some(&"population".into())), Some("50"));
        assert_eq!(t.records[1].location, "row 1");
        let mut w = Vec::new();
        let homes = table::communities_from_table(&spec("homes"), &t, 2.31, None, &mut w).unwrap();
        assert_eq!(homes[0].population, 120.0);
        assert_eq!(homes[1].population, 50.0);
        // A missing value is an empty cell: the CSV reader's message.
        let mut t = t;
        t.records[1].fields[1].1 = String::new();
        let e = table::communities_from_table(&spec("homes"), &t, 2.31, None, &mut w)
            .unwrap_err()
            .to_string();
        assert!(e.contains("homes, row 1: missing population"), "{e}");
    }

    #[test]
    fn decoded_geometries_give_the_records_of_their_wkb() {
        let square: Geometry<f64> =
            polygon![(x: 24.9, y: 60.2), (x: 25.0, y: 60.2), (x: 25.0, y: 60.3), (x: 24.9, y: 60.2)]
                .into();
        let point: Geometry<f64> = geo::point!(x: 24.9, y: 60.2).into();
        let cols = |geometry| Columns {
            names: vec!["id".into(), "population".into()],
            numeric: vec![false, true],
            values: vec![
                vec![Some("a".into()), Some("b".into())],
                vec![Some("1".into()), Some("2".into())],
            ],
            geometry,
            row_label: String::new(),
        };
        let wkb_rows = vec![wkb(square.clone()), wkb(point.clone())];
        let from_wkb = table_from_columns(&spec("homes"), cols(Geometries::Wkb(wkb_rows))).unwrap();
        let decoded = Geometries::Decoded(vec![Some(square), Some(point.clone())]);
        let from_geo = table_from_columns(&spec("homes"), cols(decoded)).unwrap();
        assert_eq!(format!("{from_wkb:?}"), format!("{from_geo:?}"));
        // A missing one is the same error either way.
        let e = |g| {
            table_from_columns(&spec("homes"), cols(g))
                .unwrap_err()
                .to_string()
        };
        let missing_wkb = e(Geometries::Wkb(vec![wkb(point.clone()), None]));
        let missing_geo = e(Geometries::Decoded(vec![Some(point), None]));
        assert_eq!(missing_wkb, missing_geo);
        assert!(
            missing_geo.contains("row 1: missing geometry"),
            "{missing_geo}"
        );
    }

    #[test]
    fn a_bad_row_is_named() {
        let cols = Columns {
            names: vec!["id".into()],
            numeric: Vec::new(),
            values: vec![vec![Some("a".into()), Some("b".into())]],
            geometry: Geometries::Wkb(vec![
                wkb(geo::point!(x: 24.9, y: 60.2).into()),
                Some(vec![1, 2]),
            ]),
            row_label: String::new(),
        };
        let e = table_from_columns(&spec("homes"), cols)
            .unwrap_err()
            .to_string();
        assert!(
            e.contains("homes") && e.contains("row 1") && e.contains("WKB"),
            "{e}"
        );
        let cols = Columns {
            names: vec!["id".into()],
            numeric: Vec::new(),
            values: vec![vec![Some("a".into())]],
            geometry: Geometries::Wkb(vec![wkb(geo::point!(x: 240.9, y: 60.2).into())]),
            row_label: String::new(),
        };
        let e = table_from_columns(&spec("homes"), cols)
            .unwrap_err()
            .to_string();
        assert!(e.contains("row 0"), "{e}");
    }
}
