//! Streaming RFC 7946 GeoJSON: WGS-84 lon/lat, exterior rings
//! counter-clockwise and holes clockwise, 7 decimals (about 1 cm). Features
//! are written one by one in input order; properties in a fixed order.

use std::borrow::Cow;
use std::io::{self, Write};

use geo::{
    Coord, Geometry, LineString, MultiPolygon, Polygon, Winding, winding_order::WindingOrder,
};
use rayon::prelude::*;
use serde_json::{Value, json};

use super::format::round;
use crate::analysis::catchment::Catchments;
use crate::analysis::coverage::Target;
use crate::analysis::study::Study;
use crate::input::Inputs;
use crate::model::Facility;

/// Round to 7 decimals (RFC 7946 recommends no more than needed), as
/// [`Precision::FILE`] writes coordinates.
#[cfg(test)]
fn r7(x: f64) -> f64 {
    (x * 1e7).round() / 1e7
}

/// Write `x` exactly as `format!("{x}")` does (shortest round-trip
/// digits, no exponent), but with `ryu`'s much faster digit generation:
/// coordinates are most of a city's GeoJSON bytes. With at most 15
/// significant digits the shortest round-trip decimal is unique, so both
/// algorithms give the same digits; longer ones (where they may pick
/// different last digits), exponent forms and non-finite values are left
/// to `Display`. ryu's trailing ".0" is dropped as `Display` does.
fn write_num<W: Write + ?Sized>(w: &mut W, x: f64) -> io::Result<()> {
    if !x.is_finite() {
        return write!(w, "{x}");
    }
    let mut buf = ryu::Buffer::new();
    let s = buf.format_finite(x);
    let s = s.strip_suffix(".0").unwrap_or(s);
    let significant = s
        .bytes()
        .filter(|b| b.is_ascii_digit())
        .skip_while(|b| *b == b'0')
        .count();
    if s.contains('e') || significant > 15 {
        return write!(w, "{x}");
    }
    w.write_all(s.as_bytes())
}

/// Bound on the scaled values [`write_fixed`] is used for (`|m|` at most
/// this once rounded): there `m / 10^d` is more than one f64 step away
/// from every other decimal of at most `d` places, so its shortest
/// round-trip digits are exactly those of `m`.
const FIXED_MAX: f64 = 1e15;

/// Write the decimal `m / 10^d` (`d` at most 9): integer digits, then the
/// fraction without trailing zeros; a whole number gets ".0" when
/// `point_zero` is set (as serde_json writes floats) and nothing otherwise
/// (as `Display` does). For `|m| <` [`FIXED_MAX`] these are the digits of
/// the f64 nearest `m / 10^d` (what [`round`] and [`r7`] return) that
/// serde_json and `Display` write, made with integer arithmetic only.
fn write_fixed<W: Write + ?Sized>(w: &mut W, m: i64, d: u32, point_zero: bool) -> io::Result<()> {
    let mut buf = [0u8; 32];
    let mut at = buf.len();
    let unit = 10u64.pow(d);
    let (mut int, mut frac) = (m.unsigned_abs() / unit, m.unsigned_abs() % unit);
    let mut places = d;
    while places > 0 && frac % 10 == 0 {
        frac /= 10;
        places -= 1;
    }
    if places == 0 && point_zero {
        at -= 2;
        buf[at..at + 2].copy_from_slice(b".0");
    }
    for _ in 0..places {
        at -= 1;
        buf[at] = b'0' + (frac % 10) as u8;
        frac /= 10;
    }
    if places > 0 {
        at -= 1;
        buf[at] = b'.';
    }
    loop {
        at -= 1;
        buf[at] = b'0' + (int % 10) as u8;
        int /= 10;
        if int == 0 {
            break;
        }
    }
    if m < 0 {
        at -= 1;
        buf[at] = b'-';
    }
    w.write_all(&buf[at..])
}

/// `t.round()` (halves away from zero) as an integer, for `|t| <`
/// [`FIXED_MAX`]: `t` minus its integer part is exact there, so this is
/// `round`'s result without its call into the C maths library (x86-64
/// without SSE4.1 has no rounding instruction).
fn round_to_int(t: f64) -> i64 {
    let i = t as i64;
    let f = t - i as f64;
    if f >= 0.5 {
        i + 1
    } else if f <= -0.5 {
        i - 1
    } else {
        i
    }
}

/// How coordinates are written: rounded to `decimals` places (`scale` is
/// `10^decimals`), and whether a coordinate that rounds to zero from below
/// keeps its sign ("-0", as `Display` writes it). One encoder for every
/// GeoJSON text fitcircle writes: the output files ([`Precision::FILE`])
/// and the report's map data ([`Precision::MAP`], see
/// `output::report::geometry`).
#[derive(Debug, Clone, Copy)]
pub(crate) struct Precision {
    decimals: u32,
    scale: f64,
    negative_zero: bool,
}

impl Precision {
    /// Output files: 7 decimals (about 1 cm), "-0" kept.
    pub(crate) const FILE: Precision = Precision {
        decimals: 7,
        scale: 1e7,
        negative_zero: true,
    };
    /// The report's map: 5 decimals (about 1 m), never "-0".
    #[cfg(any(feature = "report", test))]
    pub(crate) const MAP: Precision = Precision {
        decimals: 5,
        scale: 1e5,
        negative_zero: false,
    };

    /// `x` rounded as written.
    pub(crate) fn round(self, x: f64) -> f64 {
        let r = (x * self.scale).round() / self.scale;
        if self.negative_zero { r } else { r + 0.0 }
    }
}

/// Write `x` rounded to `p` as [`write_num`] writes `p.round(x)`.
fn write_coord_in<W: Write + ?Sized>(w: &mut W, x: f64, p: Precision) -> io::Result<()> {
    let t = x * p.scale;
    if t.abs() < FIXED_MAX {
        let m = round_to_int(t);
        // -0.0 keeps its sign in `Display` ("-0"): left to `write_num`.
        if m != 0 || !p.negative_zero {
            return write_fixed(w, m, p.decimals, false);
        }
    }
    write_num(w, p.round(x))
}

/// One position `[x,y]` rounded to `p`.
pub(crate) fn write_pos_in<W: Write + ?Sized>(
    w: &mut W,
    x: f64,
    y: f64,
    p: Precision,
) -> io::Result<()> {
    w.write_all(b"[")?;
    write_coord_in(w, x, p)?;
    w.write_all(b",")?;
    write_coord_in(w, y, p)?;
    w.write_all(b"]")
}

fn write_pos<W: Write + ?Sized>(w: &mut W, x: f64, y: f64) -> io::Result<()> {
    write_pos_in(w, x, y, Precision::FILE)
}

/// A line's positions `[[x,y],...]` rounded to `p`.
#[cfg(feature = "report")]
pub(crate) fn write_positions<W: Write + ?Sized>(
    w: &mut W,
    line: &[[f64; 2]],
    p: Precision,
) -> io::Result<()> {
    w.write_all(b"[")?;
    for (i, c) in line.iter().enumerate() {
        if i > 0 {
            w.write_all(b",")?;
        }
        write_pos_in(w, c[0], c[1], p)?;
    }
    w.write_all(b"]")
}

fn write_line<W: Write + ?Sized>(w: &mut W, l: &LineString<f64>) -> io::Result<()> {
    write_coords(w, l.0.iter())
}

fn write_coords<'c, W: Write + ?Sized>(
    w: &mut W,
    coords: impl Iterator<Item = &'c Coord<f64>>,
) -> io::Result<()> {
    w.write_all(b"[")?;
    for (i, c) in coords.enumerate() {
        if i > 0 {
            w.write_all(b",")?;
        }
        write_pos(w, c.x, c.y)?;
    }
    w.write_all(b"]")
}

/// A polygon's rings, the exterior counter-clockwise and holes clockwise
/// (RFC 7946 3.1.6), as `geo`'s `orient(Direction::Default)` gives them but
/// without copying the polygon: a ring wound the other way is written
/// backwards (a ring with no winding, of zero area, as it is).
fn write_rings<W: Write + ?Sized>(w: &mut W, p: &Polygon<f64>) -> io::Result<()> {
    let ring = |w: &mut W, l: &LineString<f64>, wrong: WindingOrder| {
        if l.winding_order() == Some(wrong) {
            write_coords(w, l.0.iter().rev())
        } else {
            write_coords(w, l.0.iter())
        }
    };
    w.write_all(b"[")?;
    ring(w, p.exterior(), WindingOrder::Clockwise)?;
    for hole in p.interiors() {
        w.write_all(b",")?;
        ring(w, hole, WindingOrder::CounterClockwise)?;
    }
    w.write_all(b"]")
}

/// Points of the polygons one task encodes when a multipolygon is large
/// enough to be encoded in parallel (a city's walking band: millions).
const POLYGON_RUN_POINTS: usize = 1 << 16;

/// Runs of polygons encoded at once (and held in memory, about 1.3 MB of
/// text per run) before they are written.
const POLYGON_RUNS_AT_ONCE: usize = 16;

/// The polygons of a multipolygon, `[[[x,y],...]],...` without the outer
/// brackets. Large ones are cut into runs of about
/// [`POLYGON_RUN_POINTS`] points, encoded in parallel into buffers a few
/// runs at a time and written in order: the same bytes.
fn write_polygons<W: Write + ?Sized>(w: &mut W, polygons: &[Polygon<f64>]) -> io::Result<()> {
    let points = |p: &Polygon<f64>| {
        p.exterior().0.len() + p.interiors().iter().map(|h| h.0.len()).sum::<usize>()
    };
    let mut runs: Vec<std::ops::Range<usize>> = Vec::new();
    let (mut start, mut in_run) = (0, 0);
    for (i, p) in polygons.iter().enumerate() {
        in_run += points(p);
        if in_run >= POLYGON_RUN_POINTS {
            runs.push(start..i + 1);
            (start, in_run) = (i + 1, 0);
        }
    }
    if start < polygons.len() {
        runs.push(start..polygons.len());
    }
    if runs.len() < 2 {
        return write_polygon_run(w, polygons, 0..polygons.len());
    }
    for block in runs.chunks(POLYGON_RUNS_AT_ONCE) {
        let bufs: Vec<io::Result<Vec<u8>>> = block
            .par_iter()
            .map(|r| {
                let mut buf = Vec::with_capacity(POLYGON_RUN_POINTS * 24);
                write_polygon_run(&mut buf, polygons, r.clone()).map(|()| buf)
            })
            .collect();
        for buf in bufs {
            w.write_all(&buf?)?;
        }
    }
    Ok(())
}

/// Polygons `run` of `polygons`, each after a comma but the first of all.
fn write_polygon_run<W: Write + ?Sized>(
    w: &mut W,
    polygons: &[Polygon<f64>],
    run: std::ops::Range<usize>,
) -> io::Result<()> {
    for i in run {
        if i > 0 {
            w.write_all(b",")?;
        }
        write_rings(w, &polygons[i])?;
    }
    Ok(())
}

/// Write one geometry object.
pub(crate) fn write_geometry<W: Write + ?Sized>(w: &mut W, g: &Geometry<f64>) -> io::Result<()> {
    match g {
        Geometry::Point(p) => {
            w.write_all(br#"{"type":"Point","coordinates":"#)?;
            write_pos(w, p.x(), p.y())?;
        }
        Geometry::MultiPoint(mp) => {
            w.write_all(br#"{"type":"MultiPoint","coordinates":["#)?;
            for (i, p) in mp.iter().enumerate() {
                if i > 0 {
                    w.write_all(b",")?;
                }
                write_pos(w, p.x(), p.y())?;
            }
            w.write_all(b"]")?;
        }
        Geometry::LineString(l) => {
            w.write_all(br#"{"type":"LineString","coordinates":"#)?;
            write_line(w, l)?;
        }
        Geometry::MultiLineString(ml) => {
            w.write_all(br#"{"type":"MultiLineString","coordinates":["#)?;
            for (i, l) in ml.iter().enumerate() {
                if i > 0 {
                    w.write_all(b",")?;
                }
                write_line(w, l)?;
            }
            w.write_all(b"]")?;
        }
        Geometry::Polygon(p) => {
            w.write_all(br#"{"type":"Polygon","coordinates":"#)?;
            write_rings(w, p)?;
        }
        Geometry::MultiPolygon(mp) => {
            w.write_all(br#"{"type":"MultiPolygon","coordinates":["#)?;
            write_polygons(w, &mp.0)?;
            w.write_all(b"]")?;
        }
        Geometry::Line(l) => {
            return write_geometry(
                w,
                &Geometry::LineString(LineString::from(vec![l.start, l.end])),
            );
        }
        Geometry::Rect(r) => return write_geometry(w, &Geometry::Polygon(r.to_polygon())),
        Geometry::Triangle(t) => return write_geometry(w, &Geometry::Polygon(t.to_polygon())),
        Geometry::GeometryCollection(gc) => {
            w.write_all(br#"{"type":"GeometryCollection","geometries":["#)?;
            for (i, g) in gc.iter().enumerate() {
                if i > 0 {
                    w.write_all(b",")?;
                }
                write_geometry(w, g)?;
            }
            w.write_all(b"]}")?;
            return Ok(());
        }
    }
    w.write_all(b"}")
}

/// Where a [`FeatureWriter`] puts its features: GeoJSON text, or rows of
/// values (`output::columns`, for the Python package's data frames).
pub(crate) enum Sink<'a> {
    /// A FeatureCollection written as text.
    Json(&'a mut dyn Write),
    /// The same properties and geometries as rows.
    Rows(&'a mut dyn Rows),
}

/// Takes features as rows (`output::columns` makes columns of them; a
/// trait here, so this module does not depend on that one).
pub(crate) trait Rows {
    /// One feature: its geometry and its properties, in order.
    fn feature(&mut self, geometry: Option<&Geometry<f64>>, props: &dyn RowProps);

    /// The collection's top-level members (name, notes...), before any
    /// feature; ignored unless the sink keeps them.
    fn members(&mut self, _members: &[(&str, Value)]) {}
}

/// A feature's properties, read by position (for [`Rows`]).
pub(crate) trait RowProps {
    /// Number of properties.
    fn count(&self) -> usize;
    /// Name of property `i`.
    fn name(&self, i: usize) -> &str;
    /// Property `i` as a table cell (text borrowed).
    fn cell(&self, i: usize) -> Cell<'_>;
}

impl<K: AsRef<str>, V: JsonValue> RowProps for &[(K, V)] {
    fn count(&self) -> usize {
        self.len()
    }

    fn name(&self, i: usize) -> &str {
        self[i].0.as_ref()
    }

    fn cell(&self, i: usize) -> Cell<'_> {
        self[i].1.cell()
    }
}

impl<'a> From<&'a mut dyn Write> for Sink<'a> {
    fn from(w: &'a mut dyn Write) -> Self {
        Sink::Json(w)
    }
}

impl<'a, R: Rows + 'a> From<&'a mut R> for Sink<'a> {
    fn from(r: &'a mut R) -> Self {
        Sink::Rows(r)
    }
}

/// Append a geometry as the files write it (7 decimals, exterior rings
/// counter-clockwise, holes clockwise), as WKB, to `out`; nothing for no
/// geometry (or one WKB cannot hold).
pub(crate) fn append_file_wkb(out: &mut Vec<u8>, g: Option<&Geometry<f64>>) {
    let Some(g) = g else { return };
    let round = |x| Precision::FILE.round(x);
    if !super::wkb::append_file_wkb(out, g, round) {
        out.extend(super::wkb::by_geozero(g, round));
    }
}

/// Streams features into a FeatureCollection.
pub(crate) struct FeatureWriter<'a> {
    sink: Sink<'a>,
    first: bool,
}

impl<'a> FeatureWriter<'a> {
    /// Start a collection; `meta` members (name, notes...) go before features.
    pub(crate) fn start(w: impl Into<Sink<'a>>, meta: &[(&str, Value)]) -> io::Result<Self> {
        let mut sink = w.into();
        if let Sink::Rows(r) = &mut sink {
            r.members(meta);
        }
        if let Sink::Json(w) = sink {
            w.write_all(br#"{"type":"FeatureCollection""#)?;
            for (k, v) in meta {
                write!(w, ",{}:", Value::String((*k).to_string()))?;
                serde_json::to_writer(&mut *w, v)?;
            }
            w.write_all(br#","features":["#)?;
            return Ok(FeatureWriter {
                sink: Sink::Json(w),
                first: true,
            });
        }
        Ok(FeatureWriter { sink, first: true })
    }

    /// Write one feature with properties in the given order.
    pub(crate) fn feature<K: AsRef<str>, V: JsonValue>(
        &mut self,
        geometry: &Geometry<f64>,
        props: &[(K, V)],
    ) -> io::Result<()> {
        self.feature_opt(Some(geometry), props)
    }

    /// Write one feature whose geometry may be null (RFC 7946 3.2).
    pub(crate) fn feature_opt<K: AsRef<str>, V: JsonValue>(
        &mut self,
        geometry: Option<&Geometry<f64>>,
        props: &[(K, V)],
    ) -> io::Result<()> {
        let first = std::mem::replace(&mut self.first, false);
        match &mut self.sink {
            Sink::Json(w) => {
                if !first {
                    w.write_all(b",")?;
                }
                encode_feature(*w, geometry, props)
            }
            Sink::Rows(r) => {
                r.feature(geometry, &props);
                Ok(())
            }
        }
    }

    /// Write `n` features built by `make(i)` for i in 0..n, encoded in
    /// parallel a block at a time (runs of features into one buffer each)
    /// and written in index order, so the bytes are those of calling
    /// [`FeatureWriter::feature_opt`] in a loop. Keys may be borrowed
    /// (`&str`), so a caller can name its columns once rather than per
    /// feature.
    pub(crate) fn features_par<G, K, V, F>(&mut self, n: usize, make: F) -> io::Result<()>
    where
        G: std::borrow::Borrow<Geometry<f64>>,
        K: AsRef<str> + Send,
        V: JsonValue,
        F: Fn(usize) -> (Option<G>, Vec<(K, V)>) + Sync,
    {
        const BLOCK: usize = 8192;
        const RUN: usize = 256;
        let w = match &mut self.sink {
            Sink::Json(w) => &mut **w,
            Sink::Rows(r) => {
                // One by one: making the row costs about what encoding it
                // does, and filling blocks of columns on several threads
                // then appending them took more time on a busy machine.
                for i in 0..n {
                    let (g, props) = make(i);
                    r.feature(g.as_ref().map(|g| g.borrow()), &props.as_slice());
                }
                self.first &= n == 0;
                return Ok(());
            }
        };
        let lead = !self.first;
        // Bytes per feature so far, to size each run's buffer once.
        let mut per_feature = 512;
        for start in (0..n).step_by(BLOCK) {
            let end = (start + BLOCK).min(n);
            let runs: Vec<io::Result<Vec<u8>>> = (start..end)
                .step_by(RUN)
                .collect::<Vec<_>>()
                .into_par_iter()
                .map(|a| {
                    let mut buf = Vec::with_capacity(RUN * per_feature * 9 / 8);
                    for i in a..(a + RUN).min(end) {
                        if i > 0 || lead {
                            buf.push(b',');
                        }
                        let (geometry, props) = make(i);
                        encode_feature(&mut buf, geometry.as_ref().map(|g| g.borrow()), &props)?;
                    }
                    Ok(buf)
                })
                .collect();
            let mut total = 0;
            for bytes in runs {
                let bytes = bytes?;
                total += bytes.len();
                w.write_all(&bytes)?;
            }
            per_feature = per_feature.max(total / (end - start) + 1);
        }
        if n > 0 {
            self.first = false;
        }
        Ok(())
    }

    /// End the collection (close the features array and the object).
    pub(crate) fn finish(self) -> io::Result<()> {
        match self.sink {
            Sink::Json(w) => w.write_all(b"\n]}\n"),
            Sink::Rows(_) => Ok(()),
        }
    }
}

/// One feature object of the output files: a line break, then the
/// feature (no separator before it).
fn encode_feature<K: AsRef<str>, V: JsonValue, W: Write + ?Sized>(
    w: &mut W,
    geometry: Option<&Geometry<f64>>,
    props: &[(K, V)],
) -> io::Result<()> {
    w.write_all(b"\n")?;
    encode_feature_with(w, props, |w| match geometry {
        Some(g) => write_geometry(w, g),
        None => w.write_all(b"null"),
    })
}

/// One feature object, `{"type":"Feature","properties":{...},"geometry":...}`,
/// properties in the given order, the geometry written by `geometry`. The
/// one feature encoder of the output files and the report.
pub(crate) fn encode_feature_with<K, V, W, G>(
    w: &mut W,
    props: &[(K, V)],
    geometry: G,
) -> io::Result<()>
where
    K: AsRef<str>,
    V: JsonValue,
    W: Write + ?Sized,
    G: FnOnce(&mut W) -> io::Result<()>,
{
    w.write_all(b"{\"type\":\"Feature\",\"properties\":{")?;
    for (i, (k, v)) in props.iter().enumerate() {
        if i > 0 {
            w.write_all(b",")?;
        }
        let k = k.as_ref();
        // Nothing to escape (what JSON escapes: quote, backslash, control
        // characters): written as is. A fold with no early exit, which the
        // compiler turns into a few vector compares per key.
        let escape = k
            .bytes()
            .fold(false, |e, b| e | (b < 0x20) | (b == b'"') | (b == b'\\'));
        if !escape {
            w.write_all(b"\"")?;
            w.write_all(k.as_bytes())?;
            w.write_all(b"\":")?;
        } else {
            serde_json::to_writer(&mut *w, k)?;
            w.write_all(b":")?;
        }
        v.write_json(w)?;
    }
    w.write_all(b"},\"geometry\":")?;
    geometry(w)?;
    w.write_all(b"}")
}

/// A property value written as JSON.
pub(crate) trait JsonValue {
    /// Write the value as JSON text.
    fn write_json<W: Write + ?Sized>(&self, w: &mut W) -> io::Result<()>;
    /// The value the JSON text stands for, as a table cell (text borrowed
    /// from the value).
    fn cell(&self) -> Cell<'_>;
}

impl<T: JsonValue> JsonValue for &T {
    fn write_json<W: Write + ?Sized>(&self, w: &mut W) -> io::Result<()> {
        (**self).write_json(w)
    }
    fn cell(&self) -> Cell<'_> {
        (**self).cell()
    }
}

impl JsonValue for Value {
    fn write_json<W: Write + ?Sized>(&self, w: &mut W) -> io::Result<()> {
        Ok(serde_json::to_writer(w, self)?)
    }
    fn cell(&self) -> Cell<'_> {
        match self {
            Value::Null => Cell::Null,
            Value::Bool(b) => Cell::Bool(*b),
            Value::Number(n) => match n.as_i64() {
                Some(i) => Cell::Int(i),
                None => n.as_f64().map_or(Cell::Null, Cell::Float),
            },
            Value::String(s) => Cell::Text(Cow::Borrowed(s)),
            other => Cell::Text(Cow::Owned(other.to_string())),
        }
    }
}

/// One property value as a table cell: what a reader of the GeoJSON text
/// gets back (a number written as `12.5` is the f64 nearest 12.5).
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Cell<'a> {
    /// `null`.
    Null,
    /// `true` / `false`.
    Bool(bool),
    /// A number written without a fraction or exponent.
    Int(i64),
    /// Any other number.
    Float(f64),
    /// A string (or, as its JSON text, an array or object).
    Text(Cow<'a, str>),
}

impl Cell<'_> {
    /// The same cell, its text owned.
    pub(crate) fn into_owned(self) -> Cell<'static> {
        match self {
            Cell::Null => Cell::Null,
            Cell::Bool(b) => Cell::Bool(b),
            Cell::Int(i) => Cell::Int(i),
            Cell::Float(x) => Cell::Float(x),
            Cell::Text(t) => Cell::Text(Cow::Owned(t.into_owned())),
        }
    }
}

/// A property value: any JSON value, a string borrowed from the inputs
/// (ids, names: copying them into a `Value` for each of a city's million
/// features was the largest cost of writing its GeoJSON), or a number
/// rounded to a few decimals (most of a community's properties), written
/// with integer arithmetic as `write_fixed` does, the same bytes as
/// `json!(round(x, decimals))`.
pub(crate) enum Prop<'a> {
    /// A string, written escaped.
    Str(&'a str),
    /// Any JSON value, written by `serde_json`.
    Json(Value),
    /// `x` rounded to `decimals` places (up to 4 written with integer
    /// arithmetic, more through `serde_json`).
    Num(f64, u32),
    /// `true` or `false`.
    Bool(bool),
}

impl Prop<'_> {
    /// `x` rounded to `decimals` places, or null.
    pub(crate) fn num(x: Option<f64>, decimals: u32) -> Self {
        x.map_or(Prop::Json(Value::Null), |x| Prop::Num(x, decimals))
    }
}

impl JsonValue for Prop<'_> {
    fn write_json<W: Write + ?Sized>(&self, w: &mut W) -> io::Result<()> {
        match *self {
            Prop::Num(x, d) => {
                // More places could need serde_json's exponent form
                // ("1e-6").
                if d <= 4 {
                    let t = x * [1.0, 10.0, 100.0, 1000.0, 10000.0][d as usize];
                    if t.abs() < FIXED_MAX {
                        // -0.0 rounds to "0.0" as `round` adds 0.0.
                        return write_fixed(w, round_to_int(t), d, true);
                    }
                }
                Value::from(round(x, d as i32)).write_json(w)
            }
            Prop::Bool(b) => w.write_all(if b { b"true" } else { b"false" }),
            Prop::Str(t) => Ok(serde_json::to_writer(w, t)?),
            Prop::Json(ref v) => v.write_json(w),
        }
    }

    fn cell(&self) -> Cell<'_> {
        match *self {
            Prop::Num(x, d) => {
                if d <= 4 {
                    let scale = [1.0, 10.0, 100.0, 1000.0, 10000.0][d as usize];
                    let t = x * scale;
                    if t.abs() < FIXED_MAX {
                        // The f64 nearest the decimal written: an exact
                        // integer over a power of ten, divided once.
                        return Cell::Float(round_to_int(t) as f64 / scale);
                    }
                }
                Value::from(round(x, d as i32)).cell().into_owned()
            }
            Prop::Bool(b) => Cell::Bool(b),
            Prop::Str(t) => Cell::Text(Cow::Borrowed(t)),
            Prop::Json(ref v) => v.cell(),
        }
    }
}

impl From<Value> for Prop<'_> {
    fn from(v: Value) -> Self {
        Prop::Json(v)
    }
}

impl<'a> From<&'a str> for Prop<'a> {
    fn from(s: &'a str) -> Self {
        Prop::Str(s)
    }
}

impl<'a> From<&'a Option<String>> for Prop<'a> {
    fn from(s: &'a Option<String>) -> Self {
        match s {
            Some(s) => Prop::Str(s),
            None => Prop::Json(Value::Null),
        }
    }
}

/// The top-level members: `name` is the layer name GDAL gives the file
/// (its file stem, so communities, facilities, isochrones and units stay
/// apart when loaded into one GeoPackage or PostGIS schema), then the run's
/// settings.
fn meta(inputs: &Inputs, study: &Study, layer: &str) -> Vec<(&'static str, Value)> {
    vec![
        ("name", json!(layer)),
        (
            "fitcircle",
            json!({
                "walk_minutes": study.settings.minutes,
                "speed_kmh": study.settings.speed_kmh,
                "limit_m": round(study.scenarios.now.settings.limit_m, 2),
                "notes": inputs.notes,
            }),
        ),
    ]
}

/// The properties of one feature, in order.
type Props<'a> = Vec<(&'a str, Prop<'a>)>;

/// Column names of communities.geojson that depend on the run, made once
/// rather than per community.
struct CommunityKeys {
    /// Per target: `<t>_m`, `<t>_min`, `<t>_covered`, `<t>_count`.
    targets: Vec<[String; 4]>,
    /// Per tier: `tier_<t>_met`, `tier_<t>_missing`.
    tiers: Vec<[String; 2]>,
    /// Per time window: `window_<w>_m`, `window_<w>_covered`,
    /// `window_<w>_sfca_m2pp`.
    windows: Vec<[String; 3]>,
}

impl CommunityKeys {
    fn new(study: &Study) -> CommunityKeys {
        let targets = study
            .scenarios
            .now
            .targets
            .iter()
            .map(|t| {
                let name = t.name();
                [
                    format!("{name}_m"),
                    format!("{name}_min"),
                    format!("{name}_covered"),
                    format!("{name}_count"),
                ]
            })
            .collect();
        let tiers = study.catchments.as_ref().map_or(Vec::new(), |ca| {
            ca.tiers
                .iter()
                .map(|t| {
                    [
                        format!("tier_{}_met", t.name),
                        format!("tier_{}_missing", t.name),
                    ]
                })
                .collect()
        });
        let windows = study.catchments.as_ref().map_or(Vec::new(), |ca| {
            ca.windows
                .iter()
                .map(|wr| {
                    let n = &wr.window.name;
                    [
                        format!("window_{n}_m"),
                        format!("window_{n}_covered"),
                        format!("window_{n}_sfca_m2pp"),
                    ]
                })
                .collect()
        });
        CommunityKeys {
            targets,
            tiers,
            windows,
        }
    }
}

/// `communities.geojson`: per community, population, per-target nearest
/// distance (m) and time (min), covered flag and reachable count.
pub(crate) fn write_communities<'w>(
    w: impl Into<Sink<'w>>,
    inputs: &Inputs,
    study: &Study,
) -> io::Result<()> {
    let mut fw = FeatureWriter::start(w, &meta(inputs, study, "communities"))?;
    let keys = CommunityKeys::new(study);
    let method = study.mode().label();
    fw.features_par(inputs.communities.len(), |i| {
        let c = &inputs.communities[i];
        let mut props: Props = Vec::with_capacity(16 + 4 * keys.targets.len());
        props.extend([
            ("id", Prop::Str(&c.id)),
            ("name", Prop::Str(&c.name)),
            ("population", Prop::Num(c.population, 2)),
            ("population_source", Prop::Str(c.population_source.as_str())),
            (
                "population_estimate",
                Prop::Bool(c.population_source.is_estimate()),
            ),
            (
                "unit",
                study.units.community_unit[i].map_or(Prop::Json(Value::Null), |u| {
                    Prop::Str(&inputs.units[u.get()].name)
                }),
            ),
        ]);
        push_access(&mut props, study, i);
        push_targets(&mut props, study, &keys, i);
        props.push(("distance_method", Prop::Str(&method)));
        if let Some(ca) = &study.catchments {
            push_catchment(
                &mut props,
                ca,
                &keys,
                study.scenarios.now.settings.limit_m,
                i,
            );
        }
        props.push(("build_year", json!(c.build_year).into()));
        push_measures(&mut props, study, i);
        (Some(&c.geometry), props)
    })?;
    fw.finish()
}

/// Measure 13's walk to the nearest facility of the network (within the
/// community walk, else null), and with culture stations measure 36's walk
/// to the nearest culture-and-sports station and their count within the
/// limit.
fn push_measures(props: &mut Props, study: &Study, i: usize) {
    let m = &study.measures;
    props.push((
        "community_level_m",
        Prop::num(m.levels.community_nearest[i], 1),
    ));
    if m.culture.given {
        props.push((
            "culture_sports_m",
            Prop::num(m.culture.community_nearest[i], 1),
        ));
        props.push((
            "culture_sports_count",
            json!(m.culture.community_count[i]).into(),
        ));
    }
}

/// Whether community `i` is on the network, and how it was attached.
fn push_access(props: &mut Props, study: &Study, i: usize) {
    match &study.placement.community_access[i] {
        Ok(acc) => {
            props.push(("reachable", Prop::Bool(true)));
            props.push(("unreachable_reason", Value::Null.into()));
            props.push(("access_points", json!(acc.len()).into()));
            let snap = acc.iter().map(|a| a.1).fold(f64::INFINITY, f64::min);
            props.push(("snap_m", Prop::Num(snap, 1)));
        }
        Err(e) => {
            props.push(("reachable", Prop::Bool(false)));
            props.push(("unreachable_reason", json!(e.reason()).into()));
            props.push(("access_points", json!(0).into()));
            props.push(("snap_m", Value::Null.into()));
        }
    }
}

/// Per target: the nearest facility in metres and minutes, covered, and
/// how many are within the limit (when counted).
fn push_targets<'a>(props: &mut Props<'a>, study: &Study, keys: &'a CommunityKeys, i: usize) {
    let cov = &study.scenarios.now;
    let mpm = study.settings.metres_per_minute();
    for (ti, keys) in keys.targets.iter().enumerate() {
        let d = cov.nearest_m[ti].get(i);
        props.push((&keys[0], Prop::num(d, 1)));
        props.push((&keys[1], Prop::num(d.map(|d| d / mpm), 2)));
        props.push((&keys[2], Prop::Bool(cov.covered(ti, i))));
        if let Some(n) = cov.count(ti, i) {
            props.push((&keys[3], json!(n).into()));
        }
    }
}

/// Tiers met, 2SFCA access, time windows and the new-community check.
fn push_catchment<'a>(
    props: &mut Props<'a>,
    ca: &'a Catchments,
    keys: &'a CommunityKeys,
    limit_m: f64,
    i: usize,
) {
    for (t, keys) in ca.tiers.iter().zip(&keys.tiers) {
        props.push((&keys[0], Prop::Bool(t.met[i])));
        props.push((&keys[1], json!(t.missing[i].join(";")).into()));
    }
    props.push(("sfca_method", Prop::Str(ca.method.as_str())));
    props.push(("sfca_outdoor_m2pp", Prop::Num(ca.sfca_outdoor[i], 4)));
    props.push(("sfca_indoor_m2pp", Prop::Num(ca.sfca_indoor[i], 4)));
    props.push(("sfca_total_m2pp", Prop::Num(ca.sfca_total[i], 4)));
    for (wr, keys) in ca.windows.iter().zip(&keys.windows) {
        let d = wr.nearest_m[i];
        props.push((&keys[0], Prop::num(d, 1)));
        props.push((&keys[1], json!(d.is_some_and(|d| d <= limit_m)).into()));
        props.push((&keys[2], Prop::Num(wr.sfca_total[i], 4)));
    }
    match &ca.new_check[i] {
        Some(n) => {
            props.push(("new_community", Prop::Bool(true)));
            props.push(("new_outdoor_m2pp", Prop::Num(n.outdoor_per_person, 4)));
            props.push(("new_indoor_m2pp", Prop::Num(n.indoor_per_person, 4)));
            props.push(("new_meets_target", Prop::Bool(n.met)));
        }
        None => {
            props.push(("new_community", Prop::Bool(false)));
            props.push(("new_outdoor_m2pp", Value::Null.into()));
            props.push(("new_indoor_m2pp", Value::Null.into()));
            props.push(("new_meets_target", Value::Null.into()));
        }
    }
}

/// `facilities.geojson`: facilities with category, areas, status and
/// whether they were attached to the network.
pub(crate) fn write_facilities<'w>(
    w: impl Into<Sink<'w>>,
    inputs: &Inputs,
    study: &Study,
) -> io::Result<()> {
    let mut fw = FeatureWriter::start(w, &meta(inputs, study, "facilities"))?;
    let any = study.scenarios.now.target_index(Target::Any);
    let open_keys: Vec<String> = study
        .catchments
        .iter()
        .flat_map(|ca| &ca.windows)
        .map(|wr| format!("open_{}", wr.window.name))
        .collect();
    fw.features_par(inputs.facilities.len(), |i| {
        let f = &inputs.facilities[i];
        let (reachable, reason, snap) = match &study.placement.facility_access[i] {
            Ok(acc) => (
                true,
                Value::Null,
                json!(round(
                    acc.iter().map(|a| a.1).fold(f64::INFINITY, f64::min),
                    1
                )),
            ),
            Err(e) => (false, json!(e.reason()), Value::Null),
        };
        let (communities_within, population_within) = match any {
            Some(_)
                if study.scenarios.now.has_pairs
                    && study.scenarios.counts_now[i]
                    && study.placement.facility_access[i].is_ok() =>
            {
                let hits = study.scenarios.now.facility_hits.of(i);
                let limit = study.scenarios.now.settings.limit_m;
                let within: Vec<u32> = hits.iter().filter(|h| h.1 <= limit).map(|h| h.0).collect();
                let pop: f64 = within
                    .iter()
                    .map(|&c| inputs.communities[c as usize].population)
                    .sum();
                (json!(within.len()), json!(round(pop, 1)))
            }
            _ => (Value::Null, Value::Null),
        };
        let mut props: Vec<(&str, Prop)> = Vec::with_capacity(20 + open_keys.len());
        props.extend([
            ("id", Prop::Str(&f.id)),
            ("name", Prop::Str(&f.name)),
            ("category", Prop::Str(f.category.as_str())),
            ("subtype", (&f.subtype).into()),
            ("status", Prop::Str(f.status.as_str())),
            ("area_m2", Prop::Num(f.area_m2, 1)),
            ("floor_area_m2", Prop::Num(f.floor_area_m2, 1)),
            ("area_source", Prop::Str(f.area_source.as_str())),
            ("length_m", json!(f.length_m).into()),
            ("opening_hours", (&f.opening_hours).into()),
            (
                "booking",
                Prop::Bool(
                    f.opening_hours
                        .as_deref()
                        .is_some_and(crate::input::hours::by_booking),
                ),
            ),
            ("open_to_public", json!(f.open_to_public).into()),
            ("fit_to_open", json!(f.fit_to_open).into()),
            ("school_id", (&f.school_id).into()),
            ("build_year", json!(f.build_year).into()),
            ("counted", Prop::Bool(study.scenarios.counts_now[i])),
            ("reachable", Prop::Bool(reachable)),
            ("unreachable_reason", reason.into()),
            ("snap_m", snap.into()),
            (
                "unit",
                study.units.facility_unit[i].map_or(Prop::Json(Value::Null), |u| {
                    Prop::Str(&inputs.units[u.get()].name)
                }),
            ),
            ("communities_within_limit", communities_within.into()),
            ("population_within_limit", population_within.into()),
            (
                "sports_land_m2",
                Prop::Num(crate::analysis::catchment::sports_land_m2(f), 1),
            ),
            ("note", (&f.note).into()),
        ]);
        push_plan(&mut props, study, f, i);
        for (wr, key) in study
            .catchments
            .iter()
            .flat_map(|ca| &ca.windows)
            .zip(&open_keys)
        {
            props.push((key, json!(wr.open[i]).into()));
        }
        (Some(&f.geometry), props)
    })?;
    fw.finish()
}

/// A facility's attributes for the plan's measures: its level and where it
/// came from (`given`, or the name of the level rule), the groups it is
/// free or discounted for and suited to, its season and space, and with
/// health facilities the walk to the nearest one (within the walk).
fn push_plan<'a>(props: &mut Props<'a>, study: &'a Study, f: &'a Facility, i: usize) {
    use crate::analysis::measures::levels::LevelSource;
    let net = &study.measures.levels;
    let source = match net.source[i] {
        LevelSource::Given => Prop::Str("given"),
        LevelSource::Rule(k) => Prop::Str(&study.targets.level_rule[k].name),
        LevelSource::NoRule => Prop::Json(Value::Null),
    };
    let text = |s: Option<String>| s.map_or(Prop::Json(Value::Null), |s| json!(s).into());
    let p = &f.plan;
    props.extend([
        (
            "level",
            net.level[i].map_or(Prop::Json(Value::Null), |l| Prop::Str(l.as_str())),
        ),
        ("level_source", source),
        ("free_or_discount", text(p.discount_for.map(|g| g.codes()))),
        ("suited_for", text(p.suited_for.map(|g| g.codes()))),
        ("season", Prop::Str(p.season_of(f.category).as_str())),
        (
            "space",
            p.space
                .map_or(Prop::Json(Value::Null), |s| Prop::Str(s.as_str())),
        ),
    ]);
    if study.measures.health.given {
        props.push(("health_m", Prop::num(study.measures.health.nearest_m[i], 1)));
    }
}

/// `network.geojson`: every edge of the walking graph as a LineString, with
/// the walking minutes to the nearest facility of each target at both ends
/// (`minutes_<target>_from`, `_to`; null beyond the largest band) when the
/// study kept them (`street_minutes`).
pub(crate) fn write_network<'w>(w: impl Into<Sink<'w>>, study: &Study) -> io::Result<()> {
    let mut fw = FeatureWriter::start(w, &[("name", json!("network"))])?;
    let Some(graph) = study.graph() else {
        return fw.finish();
    };
    let net = &graph.net;
    for (e, edge) in net.edges.iter().enumerate() {
        let line = LineString::from(
            net.edge_geom(e)
                .iter()
                .map(|c| (c[0], c[1]))
                .collect::<Vec<_>>(),
        );
        let comp = graph.component[edge.from as usize];
        let mut props: Vec<(String, Value)> = vec![
            ("edge".into(), json!(e)),
            ("from".into(), json!(edge.from)),
            ("to".into(), json!(edge.to)),
            ("way_id".into(), json!(edge.way_id)),
            ("length_m".into(), json!(round(edge.length_m, 2))),
            ("forward".into(), json!(edge.forward)),
            ("backward".into(), json!(edge.backward)),
            ("component".into(), json!(comp)),
            (
                "component_nodes".into(),
                json!(graph.component_sizes[comp as usize]),
            ),
        ];
        for (t, minutes) in study.scenarios.now.targets.iter().zip(&study.node_minutes) {
            let Some(m) = minutes else { continue };
            for (end, v) in [("from", edge.from), ("to", edge.to)] {
                let x = m[v as usize];
                let value = if x.is_nan() {
                    Value::Null
                } else {
                    json!(round(f64::from(x), 2))
                };
                props.push((format!("minutes_{}_{end}", t.name()), value));
            }
        }
        fw.feature(&Geometry::LineString(line), &props)?;
    }
    fw.finish()
}

/// `isochrones.geojson`: per coverage target and walking band (5, 10, 15
/// minutes by default) the area within that walk of its facilities
/// (`kind` `band`), then (with `--isochrones`) one polygon per facility
/// within the limit (`kind` `facility`).
pub(crate) fn write_isochrones<'w>(
    w: impl Into<Sink<'w>>,
    inputs: &Inputs,
    study: &Study,
) -> io::Result<()> {
    let mut fw = FeatureWriter::start(w, &meta(inputs, study, "isochrones"))?;
    let st = &study.settings;
    let mpm = st.metres_per_minute();
    let props = |kind: &str, target: &str, facility: Value, minutes: f64, poly: &MultiPolygon| {
        // Traced outlines: edges about one cell long (see short_edged_area_m2).
        let area = crate::spatial::short_edged_area_m2(poly);
        let p: Vec<(&str, Value)> = vec![
            ("kind", json!(kind)),
            ("target", json!(target)),
            ("facility_id", facility),
            ("minutes", json!(minutes)),
            ("limit_m", json!(round(minutes * mpm, 2))),
            ("buffer_m", json!(st.isochrone_buffer_m)),
            ("distance_method", json!(study.mode().label())),
            ("area_km2", json!(round(area / 1e6, 4))),
        ];
        p
    };
    for (t, bands) in study.scenarios.now.targets.iter().zip(&study.bands) {
        for (m, poly) in study.band_minutes.iter().zip(bands) {
            let g = Geometry::MultiPolygon(poly.clone());
            fw.feature(&g, &props("band", t.name(), Value::Null, *m, poly))?;
        }
    }
    // One facility's walk can be thousands of points: encoded in parallel.
    let drawn: Vec<(usize, &MultiPolygon)> = study
        .facility_isochrones
        .iter()
        .enumerate()
        .filter_map(|(i, p)| Some((i, p.as_ref()?)))
        .collect();
    fw.features_par(drawn.len(), |k| {
        let (i, poly) = drawn[k];
        let f = &inputs.facilities[i];
        let g = Geometry::MultiPolygon(poly.clone());
        let p = props(
            "facility",
            f.category.as_str(),
            json!(f.id),
            st.minutes,
            poly,
        );
        (Some(g), p)
    })?;
    fw.finish()
}

/// The catchment figures, or an error for a coverage-only run (callers do
/// not write the per-unit files then).
pub(crate) fn catchments_of(study: &Study) -> io::Result<&Catchments> {
    study.catchments.as_ref().ok_or_else(|| {
        io::Error::other("per-unit figures need the catchments: run without --coverage-only")
    })
}

/// Per-unit figures as (column, value) pairs, shared by units.geojson and
/// units.csv. `unit == None` is the whole area.
/// A per-person figure of a unit, `null` when the unit has no residents.
fn per_person(u: &crate::analysis::catchment::UnitStats, value: f64) -> serde_json::Value {
    if u.per_capita.applicable() {
        json!(round(value, 4))
    } else {
        serde_json::Value::Null
    }
}

pub(crate) fn unit_properties(
    inputs: &Inputs,
    study: &Study,
    ca: &Catchments,
    k: usize,
) -> Vec<(String, Value)> {
    let u = &ca.units[k];
    let area = &study.areas[k];
    let pc = &study.targets.per_capita;
    let (id, name) = match u.unit {
        None => (String::new(), "all".to_string()),
        Some(x) => (
            inputs.units[x.get()].id.clone(),
            inputs.units[x.get()].name.clone(),
        ),
    };
    let covered_any = area.targets.first().map(|t| t.share()).unwrap_or(0.0);
    let mut p: Vec<(String, Value)> = vec![
        ("id".into(), json!(id)),
        ("name".into(), json!(name)),
        ("communities".into(), json!(u.communities)),
        (
            "population".into(),
            json!(round(u.per_capita.population, 1)),
        ),
        ("covered_share_any".into(), json!(round(covered_any, 4))),
        (
            "outdoor_sports_land_m2".into(),
            json!(round(u.per_capita.outdoor_m2, 1)),
        ),
        (
            "indoor_floor_area_m2".into(),
            json!(round(u.per_capita.indoor_m2, 1)),
        ),
        // Without residents the per-person figures are not applicable:
        // null, not 0.
        (
            "outdoor_m2pp".into(),
            per_person(u, u.per_capita.outdoor_per_person()),
        ),
        (
            "indoor_m2pp".into(),
            per_person(u, u.per_capita.indoor_per_person()),
        ),
        (
            "total_m2pp".into(),
            per_person(u, u.per_capita.total_per_person()),
        ),
        (
            "target_outdoor_m2pp".into(),
            json!(pc.outdoor_m2_per_person),
        ),
        ("target_indoor_m2pp".into(), json!(pc.indoor_m2_per_person)),
        ("meets_per_capita_target".into(), json!(u.meets_per_capita)),
        ("sfca_method".into(), json!(ca.method.as_str())),
        (
            "sfca_outdoor_mean_m2pp".into(),
            json!(round(u.sfca_outdoor_mean, 4)),
        ),
        (
            "sfca_indoor_mean_m2pp".into(),
            json!(round(u.sfca_indoor_mean, 4)),
        ),
        (
            "sfca_total_mean_m2pp".into(),
            json!(round(u.sfca_total_mean, 4)),
        ),
        (
            "share_below_target".into(),
            json!(round(u.share_below_target, 4)),
        ),
        ("gini_sfca_total".into(), json!(round(u.gini_total, 4))),
    ];
    for (t, share) in ca.tiers.iter().zip(&u.tier_share) {
        p.push((format!("tier_{}_share", t.name), json!(round(*share, 4))));
    }
    for (wr, share) in ca.windows.iter().zip(&u.window_share) {
        p.push((
            format!("window_{}_covered_share", wr.window.name),
            json!(round(*share, 4)),
        ));
    }
    p.push(("new_communities".into(), json!(u.new_communities)));
    p.push((
        "new_communities_below_target".into(),
        json!(u.new_communities_below),
    ));
    p.push(("distance_method".into(), json!(study.mode().label())));
    p
}

/// `units.geojson`: administrative units with their figures.
pub(crate) fn write_units<'w>(
    w: impl Into<Sink<'w>>,
    inputs: &Inputs,
    study: &Study,
) -> io::Result<()> {
    let ca = catchments_of(study)?;
    let mut fw = FeatureWriter::start(w, &meta(inputs, study, "units"))?;
    for k in 1..ca.units.len() {
        let Some(u) = ca.units[k].unit else {
            continue;
        };
        let props = unit_properties(inputs, study, ca, k);
        fw.feature(
            &Geometry::MultiPolygon(inputs.units[u.get()].geometry.clone()),
            &props,
        )?;
    }
    fw.finish()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A multipolygon large enough to be cut into runs (more than one
    /// block of them) is written exactly as polygon by polygon.
    #[test]
    fn large_multipolygons_encode_in_parallel_to_the_same_bytes() {
        // Squares with a hole, wound either way, enough points for several
        // blocks of runs.
        let mut rng = crate::testing::Rng(0x9E0);
        let ring = |x: f64, y: f64, n: usize, ccw: bool| {
            let mut pts: Vec<(f64, f64)> = (0..n)
                .map(|k| {
                    let a = std::f64::consts::TAU * k as f64 / n as f64;
                    (x + a.cos() * 1e-3, y + a.sin() * 1e-3)
                })
                .collect();
            if !ccw {
                pts.reverse();
            }
            pts.push(pts[0]);
            LineString::from(pts)
        };
        let polygons: Vec<Polygon<f64>> = (0..POLYGON_RUNS_AT_ONCE * 40)
            .map(|i| {
                let (x, y) = (116.0 + i as f64 * 0.01, 39.9 + rng.unit() * 0.1);
                let n = 3 + rng.below(3600);
                let hole = ring(x, y, 3 + rng.below(50), rng.chance(0.5));
                Polygon::new(ring(x, y, n, rng.chance(0.5)), vec![hole])
            })
            .collect();
        let points: usize = polygons
            .iter()
            .map(|p| p.exterior().0.len() + p.interiors()[0].0.len())
            .sum();
        assert!(points > POLYGON_RUNS_AT_ONCE * POLYGON_RUN_POINTS);
        for take in [1, 7, 300, polygons.len()] {
            let part = &polygons[..take];
            let mut parallel = Vec::new();
            write_polygons(&mut parallel, part).unwrap();
            let mut one_by_one = Vec::new();
            write_polygon_run(&mut one_by_one, part, 0..part.len()).unwrap();
            assert!(parallel == one_by_one, "{take} polygons");
        }
    }

    /// The fast number writer gives exactly `Display`'s bytes.
    #[test]
    fn write_num_equals_display() {
        let mut rng = crate::testing::Rng(0x2545_F491_4F6C_DD1D);
        let mut vals: Vec<f64> = vec![
            0.0,
            -0.0,
            1.0,
            -1.0,
            116.0,
            1e-7,
            -1e-7,
            0.1,
            1e15,
            1e16,
            1e17,
            1e21,
            1e22,
            123_456_789.0,
            1.5e-5,
            3.0e-4,
            f64::MAX,
            f64::MIN_POSITIVE,
            5e-324,
            f64::NAN,
            f64::INFINITY,
        ];
        for _ in 0..20_000 {
            let x = rng.next_u64();
            let u = crate::testing::unit(x);
            vals.push(r7(u * 360.0 - 180.0));
            vals.push(f64::from_bits(x));
            vals.push(u * 10f64.powi((x % 40) as i32 - 20));
        }
        for v in vals {
            let mut got = Vec::new();
            write_num(&mut got, v).unwrap();
            assert_eq!(String::from_utf8(got).unwrap(), format!("{v}"), "{v:e}");
        }
    }

    /// Values that probe the fixed-decimal writers: whole numbers,
    /// halves at every place, powers of ten, the f64 edges, and random
    /// values at every scale.
    fn fixed_probe_values() -> Vec<f64> {
        let mut rng = crate::testing::Rng(0x9E37_79B9_7F4A_7C15);
        let mut vals: Vec<f64> = vec![
            0.0,
            -0.0,
            0.5,
            -0.5,
            0.05,
            0.005,
            0.00005,
            1.0,
            9.99995,
            0.049_999_999,
            1e14,
            -1e14,
            9.999e14,
            1e15,
            1e16,
            4.5e15,
            1e-7,
            5e-8,
            -5e-8,
            1.5e-7,
            f64::MAX,
            f64::MIN,
            f64::MIN_POSITIVE,
            5e-324,
            f64::NAN,
            f64::INFINITY,
            f64::NEG_INFINITY,
        ];
        for _ in 0..20_000 {
            let x = rng.next_u64();
            let u = crate::testing::unit(x);
            vals.push(u * 360.0 - 180.0);
            vals.push(f64::from_bits(x));
            vals.push((u - 0.5) * 10f64.powi((x % 40) as i32 - 20));
            let half = ((x % 100_000) as f64 + 0.5) / 10f64.powi((x % 6) as i32);
            vals.extend([half, -half]);
        }
        vals
    }

    /// Rounded property numbers give exactly `json!(round(x, d))`'s bytes.
    #[test]
    fn prop_num_equals_json_of_rounded() {
        for v in fixed_probe_values() {
            for d in 0..=6 {
                let mut got = Vec::new();
                Prop::Num(v, d).write_json(&mut got).unwrap();
                let want = serde_json::to_string(&json!(round(v, d as i32))).unwrap();
                assert_eq!(String::from_utf8(got).unwrap(), want, "{v:e} to {d} places");
            }
        }
    }

    /// Coordinates give exactly `write_num(r7(x))`'s (`Display`'s) bytes.
    #[test]
    fn write_coord_equals_display_of_r7() {
        for v in fixed_probe_values() {
            let mut got = Vec::new();
            write_coord_in(&mut got, v, Precision::FILE).unwrap();
            assert_eq!(
                String::from_utf8(got).unwrap(),
                format!("{}", r7(v)),
                "{v:e}"
            );
        }
    }

    /// The report's map coordinates give exactly what it wrote before the
    /// encoder was shared: `Display` of the value rounded to 5 places plus
    /// 0.0 (never "-0"), also for values already rounded.
    #[test]
    fn map_precision_equals_display_of_r5() {
        let r5 = |x: f64| (x * 1e5).round() / 1e5 + 0.0;
        for v in fixed_probe_values() {
            for x in [v, r5(v), -v] {
                let mut got = Vec::new();
                write_coord_in(&mut got, x, Precision::MAP).unwrap();
                assert_eq!(
                    String::from_utf8(got).unwrap(),
                    format!("{}", r5(x)),
                    "{x:e}"
                );
            }
        }
    }

    /// Property keys are written as serde_json writes them: as they are
    /// unless they hold a quote, a backslash or a control character.
    #[test]
    fn keys_are_escaped_as_serde_json_does() {
        for key in [
            "any_m",
            "window_morning-peak_m",
            "tier_社区_met",
            "a\"b",
            "back\\slash",
            "tab\there",
            "del\u{7f}",
            "",
        ] {
            let mut got = Vec::new();
            encode_feature(&mut got, None, &[(key, Value::Null)]).unwrap();
            let want = format!(
                "\n{{\"type\":\"Feature\",\"properties\":{{{}:null}},\"geometry\":null}}",
                serde_json::to_string(key).unwrap()
            );
            assert_eq!(String::from_utf8(got).unwrap(), want, "{key:?}");
        }
    }
}
