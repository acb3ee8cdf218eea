//! The rows every table reader yields: [`Record`]s (named values and a
//! WGS-84 geometry) in a [`Table`], whatever the format (CSV, GeoJSON,
//! GeoPackage, Shapefile, FlatGeobuf). Which value feeds which field is
//! decided by `input::columns`; the builders are in `input::table`.

use std::sync::Arc;

use geo::Geometry;

use crate::model::Dropped;

/// One row or feature: fields by column name, and its geometry (WGS-84).
#[derive(Debug, Clone)]
pub struct Record {
    /// "row 12" or "feature 3 (id \"a\")".
    pub location: String,
    /// (column, value) pairs of the record, in column order; a column's
    /// name is shared by the table's records (one allocation per column,
    /// not per cell).
    pub fields: Vec<(Arc<str>, String)>,
    /// Per field of [`fields`](Self::fields): true when the source typed
    /// the value as a number (a GeoJSON number, a numeric attribute), so it
    /// is read as it is rather than by the rules for numbers written as
    /// text. May be empty: every value is then text.
    pub numeric: Vec<bool>,
    /// Its geometry (from lon/lat columns, WKT or GeoJSON), WGS-84.
    pub geometry: Option<Geometry<f64>>,
}

/// The records of a file and its column names.
#[derive(Debug, Clone, Default)]
pub struct Table {
    /// The column names found in the file, in file order.
    pub columns: Vec<String>,
    /// One record per row or feature.
    pub records: Vec<Record>,
    /// Repaired or skipped records, for the run's warnings.
    pub warnings: Vec<String>,
    /// The same records one by one, for `dropped.csv`.
    pub dropped: Vec<Dropped>,
    /// The text encoding the file was read in (`UTF-8`, `GB18030/GBK`,
    /// ...), `None` for a binary format.
    pub encoding: Option<&'static str>,
    /// The geometry comes from columns (lon / lat or WKT, as in a CSV), so
    /// those columns are fields; `false` when the format carries geometry.
    pub geometry_from_columns: bool,
    /// The CRS the coordinates were converted from (`wgs84`, `gcj02`,
    /// `EPSG:4527`, a `.prj`'s own name), for messages and `check`.
    pub crs: String,
}

/// Column names to share among a table's records (see
/// [`Record::fields`]).
pub(crate) fn shared_names(names: &[String]) -> Vec<Arc<str>> {
    names.iter().map(|n| Arc::from(n.as_str())).collect()
}

impl Record {
    /// The trimmed value of a field, `None` when absent or empty.
    pub fn get(&self, column: Option<&String>) -> Option<&str> {
        let col = column?;
        self.fields
            .iter()
            .find(|(k, _)| **k == **col)
            .map(|(_, v)| v.trim())
            .filter(|v| !v.is_empty())
    }

    /// True when the source typed the value of `column` as a number.
    pub fn is_numeric(&self, column: &str) -> bool {
        self.fields
            .iter()
            .position(|(k, _)| &**k == column)
            .and_then(|i| self.numeric.get(i).copied())
            .unwrap_or(false)
    }
}
