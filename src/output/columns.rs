//! The output layers as columns rather than text: the features of
//! communities.geojson, facilities.geojson, units.geojson,
//! isochrones.geojson and gaps.geojson, and the rows of summary.csv and
//! scorecard.csv, for the Python package's data frames. The writers of
//! the files fill them (a sink of columns in place of the text), so the
//! columns, their order and every value are those of the files: a number
//! is the f64 a reader of the file gets, a geometry has the file's 7
//! decimals and ring orientation, as WKB.

use std::collections::HashMap;
use std::io;

use geo::Geometry;

use super::geojson::{Cell, RowProps, Rows, append_file_wkb};
use super::schema::{ColumnKind, declared};
use super::{CsvFormulas, Lang};
use crate::analysis::gaps::Assessment;
use crate::analysis::study::Study;
use crate::input::Inputs;
use crate::{Error, Result};

/// The values of one column; a missing value is `None` (NaN for numbers).
#[derive(Debug, Clone, PartialEq)]
pub enum Values {
    /// Flags.
    Bool(Vec<Option<bool>>),
    /// Whole numbers (counts, ids of graph items, years).
    Int(Vec<Option<i64>>),
    /// Numbers; NaN where missing.
    Float(Vec<f64>),
    /// Text.
    Text(Texts),
}

/// A column of text as one UTF-8 buffer with the end of every value, and
/// which values are missing (Arrow's layout): no allocation per value.
#[derive(Debug, Clone, PartialEq)]
pub struct Texts {
    data: String,
    /// `rows + 1` offsets into `data`, from 0: value `i` is
    /// `data[ends[i]..ends[i + 1]]`.
    ends: Vec<i64>,
    missing: Vec<bool>,
}

impl Default for Texts {
    fn default() -> Self {
        Texts {
            data: String::new(),
            ends: vec![0],
            missing: Vec::new(),
        }
    }
}

impl Texts {
    /// Add a value (`None`: missing, as an empty slice).
    pub fn push(&mut self, value: Option<&str>) {
        self.data.push_str(value.unwrap_or_default());
        self.ends.push(self.data.len() as i64);
        self.missing.push(value.is_none());
    }

    /// The number of values.
    pub fn len(&self) -> usize {
        self.missing.len()
    }

    /// No values.
    pub fn is_empty(&self) -> bool {
        self.missing.is_empty()
    }

    /// Value `i`, `None` when missing.
    pub fn get(&self, i: usize) -> Option<&str> {
        if self.missing[i] {
            return None;
        }
        Some(&self.data[self.ends[i] as usize..self.ends[i + 1] as usize])
    }

    /// Every value in order.
    pub fn iter(&self) -> impl Iterator<Item = Option<&str>> + '_ {
        (0..self.len()).map(|i| self.get(i))
    }

    /// The values end to end, as UTF-8.
    pub fn data(&self) -> &str {
        &self.data
    }

    /// The `len() + 1` offsets into [`data`](Self::data), from 0.
    pub fn ends(&self) -> &[i64] {
        &self.ends
    }

    /// Per value: missing.
    pub fn missing(&self) -> &[bool] {
        &self.missing
    }
}

impl<'a> FromIterator<Option<&'a str>> for Texts {
    fn from_iter<I: IntoIterator<Item = Option<&'a str>>>(iter: I) -> Self {
        let mut t = Texts::default();
        iter.into_iter().for_each(|v| t.push(v));
        t
    }
}

/// One WKB geometry per row end to end (an empty slice: no geometry).
#[derive(Debug, Clone, PartialEq)]
pub struct Wkb {
    data: Vec<u8>,
    ends: Vec<i64>,
}

impl Default for Wkb {
    fn default() -> Self {
        Wkb {
            data: Vec::new(),
            ends: vec![0],
        }
    }
}

impl Wkb {
    /// End the row whose geometry was appended to `data` (none appended:
    /// no geometry).
    fn end_row(&mut self) {
        self.ends.push(self.data.len() as i64);
    }

    /// The number of rows.
    pub fn len(&self) -> usize {
        self.ends.len() - 1
    }

    /// No rows.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Row `i`'s WKB, `None` for no geometry.
    pub fn get(&self, i: usize) -> Option<&[u8]> {
        let (a, b) = (self.ends[i] as usize, self.ends[i + 1] as usize);
        (b > a).then(|| &self.data[a..b])
    }

    /// Every geometry end to end.
    pub fn data(&self) -> &[u8] {
        &self.data
    }

    /// The `len() + 1` offsets into [`data`](Self::data), from 0.
    pub fn ends(&self) -> &[i64] {
        &self.ends
    }
}

impl Values {
    fn empty(kind: ColumnKind) -> Values {
        match kind {
            ColumnKind::Bool => Values::Bool(Vec::new()),
            ColumnKind::Long => Values::Int(Vec::new()),
            ColumnKind::Double => Values::Float(Vec::new()),
            ColumnKind::Text => Values::Text(Texts::default()),
        }
    }

    fn len(&self) -> usize {
        match self {
            Values::Bool(v) => v.len(),
            Values::Int(v) => v.len(),
            Values::Float(v) => v.len(),
            Values::Text(v) => v.len(),
        }
    }

    /// Pad with missing values up to `n` rows.
    fn pad(&mut self, n: usize) {
        if self.len() >= n {
            return;
        }
        match self {
            Values::Bool(v) => v.resize(n, None),
            Values::Int(v) => v.resize(n, None),
            Values::Float(v) => v.resize(n, f64::NAN),
            Values::Text(v) => (v.len()..n).for_each(|_| v.push(None)),
        }
    }

    /// Append `cell`, widening the column when it does not fit (whole
    /// numbers to numbers, anything to text).
    fn push(&mut self, cell: Cell) {
        match (&mut *self, cell) {
            (Values::Bool(v), Cell::Null) => v.push(None),
            (Values::Int(v), Cell::Null) => v.push(None),
            (Values::Float(v), Cell::Null) => v.push(f64::NAN),
            (Values::Text(v), Cell::Null) => v.push(None),
            (Values::Bool(v), Cell::Bool(b)) => v.push(Some(b)),
            (Values::Int(v), Cell::Int(i)) => v.push(Some(i)),
            (Values::Float(v), Cell::Int(i)) => v.push(i as f64),
            (Values::Float(v), Cell::Float(x)) => v.push(x),
            (Values::Text(v), Cell::Text(t)) => v.push(Some(t.as_ref())),
            (Values::Text(v), other) => v.push(Some(&text_of(&other))),
            (Values::Int(v), Cell::Float(x)) => {
                let mut f: Vec<f64> = v.iter().map(|i| i.map_or(f64::NAN, |i| i as f64)).collect();
                f.push(x);
                *self = Values::Float(f);
            }
            (_, other) => {
                let mut t = self.texts();
                t.push(Some(&text_of(&other)));
                *self = Values::Text(t);
            }
        }
    }

    fn texts(&self) -> Texts {
        let n = |x: f64| (!x.is_nan()).then(|| text_of(&Cell::Float(x)));
        let owned: Vec<Option<String>> = match self {
            Values::Bool(v) => v.iter().map(|b| b.map(|b| b.to_string())).collect(),
            Values::Int(v) => v.iter().map(|i| i.map(|i| i.to_string())).collect(),
            Values::Float(v) => v.iter().map(|&x| n(x)).collect(),
            Values::Text(v) => return v.clone(),
        };
        owned.iter().map(Option::as_deref).collect()
    }
}

fn text_of(c: &Cell) -> String {
    match c {
        Cell::Null => String::new(),
        Cell::Bool(b) => b.to_string(),
        Cell::Int(i) => i.to_string(),
        Cell::Float(x) => serde_json::Value::from(*x).to_string(),
        Cell::Text(t) => t.to_string(),
    }
}

/// One named column.
#[derive(Debug, Clone, PartialEq)]
pub struct Column {
    /// The property or CSV column name.
    pub name: String,
    /// One value per row.
    pub values: Values,
}

/// A layer or table of a run's outputs, as columns.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Layer {
    /// Rows (features).
    pub rows: usize,
    /// The columns, in the file's order.
    pub columns: Vec<Column>,
    /// One WKB geometry (WGS-84, the file's 7 decimals) per row, none
    /// for a null geometry; no rows for a table without geometry.
    pub wkb: Wkb,
    /// The file's top-level members (name, notes, fitcircle...), in order;
    /// none for a table.
    pub members: Vec<(String, serde_json::Value)>,
}

/// Collects the features a writer emits into columns.
#[derive(Default)]
pub(crate) struct ColumnSink {
    layer: Layer,
    index: HashMap<String, usize>,
}

impl Rows for ColumnSink {
    /// Add one feature: each property's cell to its column (new names
    /// make new columns, declared types first), its geometry as the files'
    /// WKB. A column is found by the property's position when the name
    /// there matches (the usual case: every feature has the same
    /// properties in the same order), else by name.
    fn feature(&mut self, geometry: Option<&Geometry<f64>>, props: &dyn RowProps) {
        let row = self.layer.rows;
        for pos in 0..props.count() {
            let (k, cell) = (props.name(pos), props.cell(pos));
            let i = match self.layer.columns.get(pos) {
                Some(c) if c.name == k => pos,
                _ => self.column(k, &cell),
            };
            let values = &mut self.layer.columns[i].values;
            values.pad(row);
            values.push(cell);
        }
        append_file_wkb(&mut self.layer.wkb.data, geometry);
        self.layer.wkb.end_row();
        self.layer.rows += 1;
    }

    fn members(&mut self, members: &[(&str, serde_json::Value)]) {
        self.layer.members = members
            .iter()
            .map(|(k, v)| ((*k).to_string(), v.clone()))
            .collect();
    }
}

impl ColumnSink {
    /// The index of column `name`, made (typed as declared, else by its
    /// first value) if new.
    fn column(&mut self, name: &str, first: &Cell) -> usize {
        if let Some(&i) = self.index.get(name) {
            return i;
        }
        let kind = declared(name).unwrap_or(match first {
            Cell::Bool(_) => ColumnKind::Bool,
            Cell::Int(_) => ColumnKind::Long,
            Cell::Float(_) => ColumnKind::Double,
            Cell::Null | Cell::Text(_) => ColumnKind::Text,
        });
        self.layer.columns.push(Column {
            name: name.to_string(),
            values: Values::empty(kind),
        });
        let i = self.layer.columns.len() - 1;
        self.index.insert(name.to_string(), i);
        i
    }

    /// The layer, every column `rows` long.
    pub(crate) fn finish(mut self) -> Layer {
        let rows = self.layer.rows;
        for c in &mut self.layer.columns {
            c.values.pad(rows);
        }
        self.layer
    }
}

/// The typed records a file's writer emits into a sink of columns
/// (`fill`): [`layer`], [`sites_layer`] and network.geojson's.
pub(crate) fn rows_of(fill: impl FnOnce(&mut ColumnSink) -> io::Result<()>) -> io::Result<Layer> {
    let mut sink = ColumnSink::default();
    fill(&mut sink)?;
    Ok(sink.finish())
}

/// The layers and tables [`layer`] gives.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LayerName {
    /// communities.geojson.
    Communities,
    /// facilities.geojson.
    Facilities,
    /// units.geojson (no rows without units or in a coverage-only run).
    Units,
    /// isochrones.geojson.
    Isochrones,
    /// gaps.geojson.
    Gaps,
    /// summary.csv (no geometry).
    Summary,
    /// scorecard.csv (no geometry).
    Scorecard,
}

/// One output of a run as columns, filled by the writer of its file (the
/// tables' headers and words in `lang`, as the CSV files have them).
pub fn layer(
    name: LayerName,
    inputs: &Inputs,
    study: &Study,
    assessment: &Assessment,
    lang: Lang,
) -> Result<Layer> {
    use super::{geojson, scorecard, tables};
    let keep = CsvFormulas::Keep;
    let rows = match name {
        LayerName::Communities => rows_of(|s| geojson::write_communities(s, inputs, study)),
        LayerName::Facilities => rows_of(|s| geojson::write_facilities(s, inputs, study)),
        LayerName::Units if inputs.units.is_empty() || study.catchments.is_none() => {
            rows_of(|_| Ok(()))
        }
        LayerName::Units => rows_of(|s| geojson::write_units(s, inputs, study)),
        LayerName::Isochrones => rows_of(|s| geojson::write_isochrones(s, inputs, study)),
        LayerName::Gaps => rows_of(|s| scorecard::write_gaps_geojson(s, assessment)),
        LayerName::Summary => {
            return csv_layer(name, &|w| {
                tables::write_summary(w, inputs, study, keep, lang)
            });
        }
        LayerName::Scorecard => {
            return csv_layer(name, &|w| {
                scorecard::write_scorecard_csv(w, assessment, keep, lang)
            });
        }
    };
    rows.map_err(|source| in_memory(name, source))
}

/// The features of sites.geojson (the sites, then their isochrones) as
/// columns.
pub fn sites_layer(plan: &crate::analysis::siting::SitePlan) -> Result<Layer> {
    rows_of(|s| super::sites::sites_features(s, plan)).map_err(|source| Error::Write {
        path: "sites.geojson (in memory)".into(),
        source,
    })
}

/// An error making `name` in memory, named like its file.
fn in_memory(name: LayerName, source: io::Error) -> Error {
    let file = match name {
        LayerName::Communities => "communities.geojson",
        LayerName::Facilities => "facilities.geojson",
        LayerName::Units => "units.geojson",
        LayerName::Isochrones => "isochrones.geojson",
        LayerName::Gaps => "gaps.geojson",
        LayerName::Summary => "summary.csv",
        LayerName::Scorecard => "scorecard.csv",
    };
    Error::Write {
        path: format!("{file} (in memory)").into(),
        source,
    }
}

/// A CSV table as columns: a column whose every filled cell is a whole
/// number holds whole numbers, else one of numbers holds numbers, any
/// other text.
fn csv_layer(name: LayerName, fill: &super::Fill) -> Result<Layer> {
    let mut bytes = Vec::new();
    fill(&mut bytes).map_err(|source| in_memory(name, source))?;
    let mut rdr = csv::Reader::from_reader(bytes.as_slice());
    let bad = |e: csv::Error| in_memory(name, io::Error::other(e));
    let names: Vec<String> = rdr
        .headers()
        .map_err(bad)?
        .iter()
        .map(String::from)
        .collect();
    let mut cols: Vec<Vec<Option<String>>> = vec![Vec::new(); names.len()];
    for rec in rdr.records() {
        let rec = rec.map_err(bad)?;
        for (c, v) in cols.iter_mut().zip(rec.iter()) {
            c.push((!v.is_empty()).then(|| v.to_string()));
        }
    }
    let rows = cols.first().map_or(0, Vec::len);
    let columns = names
        .into_iter()
        .zip(cols)
        .map(|(name, v)| {
            let whole: Option<Vec<Option<i64>>> = v
                .iter()
                .map(|x| {
                    x.as_deref()
                        .map_or(Some(None), |s| s.parse().ok().map(Some))
                })
                .collect();
            if let Some(w) = whole.filter(|w| w.iter().any(Option::is_some)) {
                return Column {
                    name,
                    values: Values::Int(w),
                };
            }
            let numbers: Option<Vec<f64>> = v
                .iter()
                .map(|x| x.as_deref().map_or(Some(f64::NAN), |s| s.parse().ok()))
                .collect();
            let values = match numbers {
                Some(n) if v.iter().any(Option::is_some) => Values::Float(n),
                _ => Values::Text(v.iter().map(Option::as_deref).collect()),
            };
            Column { name, values }
        })
        .collect();
    Ok(Layer {
        rows,
        columns,
        wkb: Wkb::default(),
        members: Vec::new(),
    })
}

#[cfg(test)]
mod tests {
    use super::super::geojson::{FeatureWriter, JsonValue};
    use super::*;
    use geo::Geometry;
    use serde_json::json;

    #[test]
    fn cells_are_what_the_text_reads_back() {
        let mut s = ColumnSink::default();
        let g = Geometry::Point(geo::Point::new(24.123456789, 60.5));
        let rows = [
            vec![("id", json!("a")), ("n", json!(3)), ("x", json!(1.5))],
            vec![("id", json!("b")), ("x", json!(null))],
            vec![("id", json!("c")), ("n", json!(2.5)), ("y", json!(true))],
        ];
        let mut fw = FeatureWriter::start(&mut s, &[]).unwrap();
        fw.feature(&g, &rows[0]).unwrap();
        fw.features_par(2, |i| (None::<&Geometry<f64>>, rows[i + 1].clone()))
            .unwrap();
        fw.finish().unwrap();
        let l = s.finish();
        assert_eq!(l.rows, 3);
        let names: Vec<&str> = l.columns.iter().map(|c| c.name.as_str()).collect();
        assert_eq!(names, ["id", "n", "x", "y"]);
        // `id` is declared text; `n` widened from whole numbers to numbers.
        match &l.columns[1].values {
            Values::Float(v) => {
                assert_eq!(v[0], 3.0);
                assert!(v[1].is_nan());
                assert_eq!(v[2], 2.5);
            }
            other => panic!("{other:?}"),
        }
        assert_eq!(
            l.columns[3].values,
            Values::Bool(vec![None, None, Some(true)])
        );
        assert_eq!(l.wkb.get(1), None);
        // The point at 7 decimals.
        let wkb = l.wkb.get(0).unwrap();
        let x = f64::from_le_bytes(wkb[5..13].try_into().unwrap());
        assert_eq!(x, 24.1234568);
    }

    #[test]
    fn rounded_numbers_equal_their_decimal_text() {
        use super::super::geojson::Prop;
        for x in [0.1 + 0.2, 1234.56789, -0.00005, 17.125, 2.675] {
            for d in 0..=4u32 {
                let Cell::Float(c) = Prop::Num(x, d).cell() else {
                    panic!()
                };
                let mut text = Vec::new();
                Prop::Num(x, d).write_json(&mut text).unwrap();
                let back: f64 = String::from_utf8(text).unwrap().parse().unwrap();
                assert_eq!(c, back, "{x} to {d} places");
            }
        }
    }
}
