//! `fitcircle._fitcircle`: the Python package's native module, a thin
//! layer over the library (`fitcircle::pipeline`, `input::memory`,
//! `output::columns`) and the CLI's own flags.
//!
//! Settings come in as the CLI's flags (`minutes=10` becomes `--minutes
//! 10`; the pure-Python part does that) and are parsed by the CLI's clap
//! definitions, compiled in from `src/cli` below: the names, defaults,
//! parsing and messages are the CLI's, from one place. Tables cross as
//! columns (text as Python strings, numbers as NumPy buffers) with WKB
//! geometries; never as GeoJSON text. The analysis runs with the GIL
//! released.

use std::path::{Path, PathBuf};

use fitcircle::input::memory::{self, Columns, Geometries};
use fitcircle::output::columns::{Layer, LayerName, Values};
use fitcircle::output::map_image::PageSize;
use fitcircle::output::report::{Basemap, Lang, ReportOptions};
use fitcircle::pipeline;
use geo::{Coord, Geometry, LineString, Point, Polygon};
use pyo3::exceptions::{PyTypeError, PyValueError};
use pyo3::prelude::*;
use pyo3::types::{PyBytes, PyList, PyString, PyTuple};

/// The command-line layer, compiled from the binary's source: its flag
/// definitions and the steps around the library's (see `cli::embed`).
/// What the extension does not call (completions, man page) is left
/// unused.
#[allow(dead_code, unused_imports)]
#[path = "../../../src/cli/mod.rs"]
mod cli;

use cli::embed;

pyo3::create_exception!(
    _fitcircle,
    FitcircleError,
    pyo3::exceptions::PyValueError,
    "An input or setting fitcircle cannot use; the message names the file, the row and what to fix."
);

/// The message the CLI prints after `error: ` (causes it does not
/// already contain on their own lines).
fn message(err: &anyhow::Error) -> String {
    let top = err.to_string();
    let mut text = top.clone();
    for cause in err.chain().skip(1) {
        let c = cause.to_string();
        if !top.contains(&c) {
            text.push_str("\n  caused by: ");
            text.push_str(&c);
        }
    }
    text
}

fn py_err(err: impl Into<anyhow::Error>) -> PyErr {
    FitcircleError::new_err(message(&err.into()))
}

/// Parse `fitcircle <command> <args>` with the CLI's definitions.
fn parse(command: &str, args: Vec<String>) -> PyResult<cli::Command> {
    let argv = ["fitcircle".to_string(), command.to_string()]
        .into_iter()
        .chain(args);
    <cli::Cli as clap::Parser>::try_parse_from(argv)
        .map(|c| c.command)
        .map_err(|e| PyTypeError::new_err(e.render().to_string().trim().to_string()))
}

/// One table from Python: (name its spec's path gives, column names,
/// columns, geometry). The geometry is one of
/// - `("wkb", data, offsets)`: the WKB of every row end to end, and the
///   `rows + 1` offsets into it as little-endian i64: row `i` is
///   `data[offsets[i]..offsets[i + 1]]`, empty for a missing geometry;
/// - `("xy", kinds, counts, coords)`: points and polygons without holes as
///   coordinates, for tables of nothing else: per row a kind (i8: -1
///   missing, 0 point, 3 polygon) and a number of positions (i64; a
///   polygon's exterior ring, closed), and every position's x and y (f64)
///   end to end.
///
/// A few buffers rather than one Python object per geometry.
type TableIn<'py> = (
    String,
    Vec<String>,
    Vec<Bound<'py, PyAny>>,
    Bound<'py, PyTuple>,
);

/// Little-endian i64 values from a buffer.
fn i64s(buf: &[u8]) -> impl Iterator<Item = i64> + '_ {
    buf.chunks_exact(8)
        .map(|b| i64::from_le_bytes(b.try_into().expect("8 bytes")))
}

/// The rows of a WKB buffer and its offsets (see [`TableIn`]).
fn wkb_rows(data: &[u8], offsets: &[u8]) -> PyResult<Vec<Option<Vec<u8>>>> {
    let bad = || PyValueError::new_err("WKB offsets out of order or past the data");
    let ends: Vec<i64> = i64s(offsets).collect();
    if offsets.len() % 8 != 0 || ends.is_empty() || ends[0] != 0 {
        return Err(bad());
    }
    ends.windows(2)
        .map(|w| {
            let (a, b) = (usize::try_from(w[0]), usize::try_from(w[1]));
            let (Ok(a), Ok(b)) = (a, b) else {
                return Err(bad());
            };
            let bytes = data.get(a..b).ok_or_else(bad)?;
            Ok((!bytes.is_empty()).then(|| bytes.to_vec()))
        })
        .collect()
}

/// The geometries of a table from Python (see [`TableIn`]).
fn geometries(obj: &Bound<'_, PyTuple>) -> PyResult<Geometries> {
    let kind: String = obj.get_item(0)?.extract()?;
    let buf = |i: usize| -> PyResult<Bound<'_, PyBytes>> { Ok(obj.get_item(i)?.cast_into()?) };
    match kind.as_str() {
        "wkb" => Ok(Geometries::Wkb(wkb_rows(
            buf(1)?.as_bytes(),
            buf(2)?.as_bytes(),
        )?)),
        "xy" => Ok(Geometries::Decoded(xy_rows(
            buf(1)?.as_bytes(),
            buf(2)?.as_bytes(),
            buf(3)?.as_bytes(),
        )?)),
        other => Err(PyTypeError::new_err(format!("geometry kind {other:?}"))),
    }
}

/// Points and polygons without holes from their kinds, position counts
/// and coordinates (see [`TableIn`]).
fn xy_rows(kinds: &[u8], counts: &[u8], coords: &[u8]) -> PyResult<Vec<Option<Geometry<f64>>>> {
    let bad = |what: &str| PyValueError::new_err(format!("coordinates: {what}"));
    if counts.len() != 8 * kinds.len() || coords.len() % 16 != 0 {
        return Err(bad("one kind and one count per row, x and y per position"));
    }
    // Each row's positions read straight from the bytes (no array of all
    // of them first).
    let positions = coords.len() / 16;
    let coord = |i: usize| {
        let b = &coords[16 * i..16 * i + 16];
        Coord {
            x: f64::from_le_bytes(b[..8].try_into().expect("8 bytes")),
            y: f64::from_le_bytes(b[8..].try_into().expect("8 bytes")),
        }
    };
    let mut at = 0usize;
    let mut out = Vec::with_capacity(kinds.len());
    for (&kind, n) in kinds.iter().zip(i64s(counts)) {
        let n = usize::try_from(n).map_err(|_| bad("a negative count"))?;
        let part = at..at
            .checked_add(n)
            .filter(|&end| end <= positions)
            .ok_or_else(|| bad("counts past the positions"))?;
        at = part.end;
        out.push(match (kind as i8, part.len()) {
            (-1, 0) => None,
            (0, 1) => Some(Geometry::Point(Point(coord(part.start)))),
            (3, len) if len > 0 => Some(Geometry::Polygon(Polygon::new(
                LineString(part.map(coord).collect()),
                Vec::new(),
            ))),
            _ => return Err(bad("a kind other than a point or polygon, or no positions")),
        });
    }
    if at != positions {
        return Err(bad("positions left over"));
    }
    Ok(out)
}

/// A column of NumPy numbers (`f8`, `i8`): its values are numbers, not
/// text to read by the rules for numbers typed in a file.
fn is_number_column(obj: &Bound<'_, PyAny>) -> bool {
    obj.extract::<(String, Bound<'_, PyBytes>)>()
        .is_ok_and(|(kind, _)| kind == "f8" || kind == "i8")
}

/// A column from Python: a list of str / None (other objects through
/// `str()`), text as `("str", data, offsets, mask)` (see [`text_column`]),
/// or a `(dtype, buffer)` pair of NumPy bytes (`f8`, `i8`,
/// `b1`), missing numbers as NaN. The buffer is read in place (not turned
/// into a list of ints).
fn column(obj: &Bound<'_, PyAny>, rows: usize) -> PyResult<Vec<Option<String>>> {
    if let Ok((kind, buf)) = obj.extract::<(String, Bound<'_, PyBytes>)>() {
        let buf = buf.as_bytes();
        let out: Vec<Option<String>> = match kind.as_str() {
            "f8" => buf
                .chunks_exact(8)
                .map(|b| number_text(f64::from_le_bytes(b.try_into().expect("8 bytes"))))
                .collect(),
            "i8" => i64s(buf).map(|i| Some(i.to_string())).collect(),
            "b1" => buf
                .iter()
                .map(|&b| Some(if b != 0 { "true" } else { "false" }.to_string()))
                .collect(),
            other => return Err(PyTypeError::new_err(format!("column kind {other:?}"))),
        };
        if out.len() != rows {
            return Err(PyValueError::new_err(
                "a column's length differs from the rows'",
            ));
        }
        return Ok(out);
    }
    if let Ok((_, data, offsets, mask)) = obj.extract::<(
        String,
        Bound<'_, PyBytes>,
        Bound<'_, PyBytes>,
        Bound<'_, PyBytes>,
    )>() {
        return text_column(data.as_bytes(), offsets.as_bytes(), mask.as_bytes(), rows);
    }
    let list = obj.cast::<PyList>()?;
    let mut out = Vec::with_capacity(list.len());
    for v in list.iter() {
        out.push(if v.is_none() {
            None
        } else if v.is_instance_of::<PyString>() {
            Some(v.extract::<String>()?)
        } else {
            Some(v.str()?.extract::<String>()?)
        });
    }
    Ok(out)
}

/// A text column sent as UTF-8 end to end, `rows + 1` offsets (i64) and
/// a missing mask (a byte per row): what a list of str / None gives.
fn text_column(
    data: &[u8],
    offsets: &[u8],
    mask: &[u8],
    rows: usize,
) -> PyResult<Vec<Option<String>>> {
    let bad = || PyValueError::new_err("text offsets out of order or past the data");
    let ends: Vec<i64> = i64s(offsets).collect();
    if ends.len() != rows + 1 || mask.len() != rows {
        return Err(PyValueError::new_err(
            "a column's length differs from the rows'",
        ));
    }
    ends.windows(2)
        .zip(mask)
        .map(|(w, &missing)| {
            if missing != 0 {
                return Ok(None);
            }
            let (Ok(a), Ok(b)) = (usize::try_from(w[0]), usize::try_from(w[1])) else {
                return Err(bad());
            };
            let bytes = data.get(a..b).ok_or_else(bad)?;
            let text =
                std::str::from_utf8(bytes).map_err(|e| PyValueError::new_err(e.to_string()))?;
            Ok(Some(text.to_string()))
        })
        .collect()
}

/// A number as the CSV readers would see it typed: whole numbers without a
/// fraction, NaN missing.
fn number_text(x: f64) -> Option<String> {
    if x.is_nan() {
        None
    } else if x.fract() == 0.0 && x.abs() < 1e15 {
        Some(format!("{}", x as i64))
    } else {
        Some(format!("{x}"))
    }
}

/// The tables from Python as (path, records), checked as files are.
fn given(
    config: &fitcircle::Config,
    tables: Vec<TableIn<'_>>,
) -> PyResult<Vec<(PathBuf, Columns)>> {
    let mut out = Vec::new();
    for (name, names, cols, geometry) in tables {
        let geometry = geometries(&geometry)?;
        let path = PathBuf::from(&name);
        let known = config
            .facilities
            .iter()
            .chain(&config.communities)
            .chain(&config.units)
            .any(|s| s.path == path);
        if !known {
            return Err(PyValueError::new_err(format!("table {name:?} is no input")));
        }
        let values = cols
            .iter()
            .map(|c| column(c, geometry.len()))
            .collect::<PyResult<Vec<_>>>()?;
        let numeric = cols.iter().map(is_number_column).collect();
        out.push((
            path,
            Columns {
                names,
                values,
                numeric,
                geometry,
                row_label: "row".into(),
            },
        ));
    }
    Ok(out)
}

/// Load the inputs, the in-memory tables in place of their files.
fn load(
    config: &fitcircle::Config,
    tables: Vec<(PathBuf, Columns)>,
) -> anyhow::Result<fitcircle::Inputs> {
    let mut list = Vec::new();
    for (path, cols) in tables {
        let spec = config
            .facilities
            .iter()
            .chain(&config.communities)
            .chain(&config.units)
            .find(|s| s.path == path)
            .expect("checked by given()");
        list.push((path, memory::table_from_columns(spec, cols)?));
    }
    Ok(memory::load_given(config, list)?)
}

/// Run `work` on `threads` worker threads (all cores when `None`), in a
/// pool of its own (the global one may be set up only once a process).
fn with_threads<T: Send>(
    threads: Option<usize>,
    work: impl FnOnce() -> anyhow::Result<T> + Send,
) -> anyhow::Result<T> {
    match threads {
        None => work(),
        Some(n) => rayon::ThreadPoolBuilder::new()
            .num_threads(n)
            .build()?
            .install(work),
    }
}

/// A finished analysis: layers as columns on demand, the CLI's files on
/// `write`.
#[pyclass(module = "fitcircle._fitcircle", frozen)]
struct Analysis {
    args: embed::AnalyzeArgs,
    run: cli::RunConfig,
    lang: Lang,
    basemap: Option<Basemap>,
    map_size: PageSize,
    inner: pipeline::Analysis,
    warnings: Vec<String>,
}

#[pymethods]
impl Analysis {
    /// One layer or table: (rows, [(name, kind, data)], wkb list or None).
    fn layer<'py>(&self, py: Python<'py>, name: &str) -> PyResult<Bound<'py, PyTuple>> {
        let which = match name {
            "communities" => LayerName::Communities,
            "facilities" => LayerName::Facilities,
            "units" => LayerName::Units,
            "isochrones" => LayerName::Isochrones,
            "gaps" => LayerName::Gaps,
            "summary" => LayerName::Summary,
            "scorecard" => LayerName::Scorecard,
            other => return Err(PyValueError::new_err(format!("no layer {other:?}"))),
        };
        let a = &self.inner;
        let layer = py
            .detach(|| {
                fitcircle::output::columns::layer(
                    which,
                    &a.inputs,
                    &a.study,
                    &a.assessment,
                    self.lang,
                )
            })
            .map_err(py_err)?;
        let geo = !matches!(which, LayerName::Summary | LayerName::Scorecard);
        to_python(py, &layer, geo)
    }

    /// Write every file `fitcircle analyze --out DIR` writes; returns the
    /// paths.
    fn write(&self, py: Python<'_>, dir: PathBuf) -> PyResult<Vec<PathBuf>> {
        let mut run = cli::RunConfig {
            config: self.run.config.clone(),
            out: dir,
            warnings: Vec::new(),
            ..self.run
        };
        let extra = [
            ("indicators", self.args.indicators.as_ref()),
            ("figures", self.args.figures.as_ref()),
            ("font", self.args.map.font.as_ref()),
        ];
        embed::check_out_folder(&run, &self.args.input, &extra).map_err(py_err)?;
        let title = run.title();
        let options = embed::output_options(&self.args, &run, self.lang);
        let look = ReportOptions {
            lang: self.lang,
            basemap: self.basemap.as_ref(),
            map_size: self.map_size,
            sites: None,
        };
        let written = py
            .detach(|| pipeline::write(&run.out, &title, &self.inner, options, &look))
            .map_err(py_err)?;
        run.out = PathBuf::new();
        Ok(written.paths)
    }

    /// Every warning of the run (loading, opening hours, figures).
    #[getter]
    fn warnings(&self) -> Vec<String> {
        self.warnings.clone()
    }

    /// Notes every output repeats (estimates, approximations, sources).
    #[getter]
    fn notes(&self) -> Vec<String> {
        self.inner.inputs.notes.clone()
    }

    /// The title of the outputs.
    #[getter]
    fn title(&self) -> String {
        self.run.title()
    }

    /// The summary `fitcircle analyze --json` prints (without the files).
    fn summary_json(&self) -> PyResult<String> {
        let a = &self.inner;
        let title = self.run.title();
        let mut v = fitcircle::output::summary::json(
            &title,
            &a.inputs,
            &a.study,
            &a.assessment,
            &[],
            &self.warnings,
        );
        v["attribution"] = serde_json::json!(self.run.config.attribution);
        serde_json::to_string_pretty(&v).map_err(|e| PyValueError::new_err(e.to_string()))
    }
}

/// A layer for Python: (rows, [(name, kind, data, mask)], (wkb, offsets)
/// or None). Numbers as little-endian buffers (with a mask of missing
/// values for whole numbers and flags), text as UTF-8 with offsets and a
/// mask.
fn to_python<'py>(py: Python<'py>, layer: &Layer, geo: bool) -> PyResult<Bound<'py, PyTuple>> {
    let cols = PyList::empty(py);
    for c in &layer.columns {
        let item: Bound<'py, PyTuple> = match &c.values {
            Values::Float(v) => {
                let bytes: Vec<u8> = v.iter().flat_map(|x| x.to_le_bytes()).collect();
                (c.name.as_str(), "f8", PyBytes::new(py, &bytes), py.None()).into_pyobject(py)?
            }
            Values::Int(v) => {
                let bytes: Vec<u8> = v
                    .iter()
                    .flat_map(|x| x.unwrap_or(0).to_le_bytes())
                    .collect();
                let mask: Vec<u8> = v.iter().map(|x| u8::from(x.is_none())).collect();
                let mask = PyBytes::new(py, &mask).into_any().unbind();
                (c.name.as_str(), "i8", PyBytes::new(py, &bytes), mask).into_pyobject(py)?
            }
            Values::Bool(v) => {
                let bytes: Vec<u8> = v.iter().map(|x| u8::from(x.unwrap_or(false))).collect();
                let mask: Vec<u8> = v.iter().map(|x| u8::from(x.is_none())).collect();
                let mask = PyBytes::new(py, &mask).into_any().unbind();
                (c.name.as_str(), "b1", PyBytes::new(py, &bytes), mask).into_pyobject(py)?
            }
            Values::Text(v) => {
                // UTF-8 end to end with offsets, and the missing mask:
                // three objects, not one str per cell.
                let mask: Vec<u8> = v.missing().iter().map(|&m| u8::from(m)).collect();
                let mask = PyBytes::new(py, &mask).into_any().unbind();
                let data = PyBytes::new(py, v.data().as_bytes());
                let text = (data, PyBytes::new(py, &le_bytes(v.ends())));
                (c.name.as_str(), "str", text, mask).into_pyobject(py)?
            }
        };
        cols.append(item)?;
    }
    let wkb = if !geo {
        py.None().into_bound(py)
    } else {
        // Every geometry end to end and the offsets (see `TableIn`):
        // two objects rather than one per row.
        let (data, ends) = (layer.wkb.data(), layer.wkb.ends());
        (PyBytes::new(py, data), PyBytes::new(py, &le_bytes(ends)))
            .into_pyobject(py)?
            .into_any()
    };
    (layer.rows, cols, wkb).into_pyobject(py)
}

/// Little-endian bytes of i64 values.
fn le_bytes(values: &[i64]) -> Vec<u8> {
    values.iter().flat_map(|x| x.to_le_bytes()).collect()
}

/// `fitcircle.analyze`: the CLI's `analyze` arguments (without `--out`)
/// and the tables held in memory.
#[pyfunction]
fn analyze(py: Python<'_>, args: Vec<String>, tables: Vec<TableIn<'_>>) -> PyResult<Analysis> {
    let cli::Command::Analyze(a) = parse("analyze", args)? else {
        unreachable!("parsed as analyze")
    };
    let run = cli::RunConfig::from_args(&a.input, &a.settings, &a.output).map_err(py_err)?;
    let (lang, font_warning) = embed::language_and_font(&run, &a.map).map_err(py_err)?;
    let (basemap, map_size) = embed::map_look(&a.map).map_err(py_err)?;
    let tables = given(&run.config, tables)?;
    let options = embed::options_of(&a);
    let title = run.title();
    let (inner, mut warnings) = py
        .detach(|| {
            with_threads(run.threads, || {
                let inputs = load(&run.config, tables)?;
                let mut warnings: Vec<String> = run.warnings.clone();
                warnings.extend(font_warning);
                warnings.extend(inputs.warnings.iter().cloned());
                warnings.extend(embed::output_crs_warning(&run.formats, &inputs));
                let prepared = pipeline::prepare(&run.config, &title, inputs, true)?;
                let silent = fitcircle::progress::Silent;
                let inner = pipeline::analyze(&run.config, prepared, &options, &silent)?;
                Ok((inner, warnings))
            })
        })
        .map_err(py_err)?;
    warnings.extend(inner.warnings.iter().cloned());
    Ok(Analysis {
        args: a,
        run,
        lang,
        basemap,
        map_size,
        inner,
        warnings,
    })
}

/// Suggested sites: the plan as columns on demand, the CLI's files on
/// `write`.
#[pyclass(module = "fitcircle._fitcircle", frozen)]
struct Sites {
    args: embed::SitesArgs,
    run: cli::RunConfig,
    lang: Lang,
    basemap: Option<Basemap>,
    map_size: PageSize,
    plan: fitcircle::analysis::siting::SitePlan,
    inputs: fitcircle::Inputs,
    study: fitcircle::Study,
    warnings: Vec<String>,
}

#[pymethods]
impl Sites {
    /// sites.geojson as (rows, columns, wkb).
    fn layer<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyTuple>> {
        let layer = fitcircle::output::columns::sites_layer(&self.plan).map_err(py_err)?;
        to_python(py, &layer, true)
    }

    /// Write every file `fitcircle sites --out DIR` writes; returns the
    /// paths.
    fn write(&self, py: Python<'_>, dir: PathBuf) -> PyResult<Vec<PathBuf>> {
        let run = cli::RunConfig {
            config: self.run.config.clone(),
            out: dir,
            warnings: Vec::new(),
            ..self.run
        };
        let extra = [
            ("candidates", self.args.candidates.as_ref()),
            ("font", self.args.map.font.as_ref()),
        ];
        embed::check_out_folder(&run, &self.args.input, &extra).map_err(py_err)?;
        let look = ReportOptions {
            lang: self.lang,
            basemap: self.basemap.as_ref(),
            map_size: self.map_size,
            sites: Some(&self.plan),
        };
        py.detach(|| embed::write_sites(&run, &self.plan, &self.inputs, &self.study, &look))
            .map_err(py_err)
    }

    /// Every warning of the run.
    #[getter]
    fn warnings(&self) -> Vec<String> {
        self.warnings.clone()
    }

    /// The summary `fitcircle sites --json` prints (without the files).
    fn summary_json(&self) -> PyResult<String> {
        let mut v = fitcircle::output::sites::json(&self.plan, &[]);
        v["notes"] = serde_json::json!(self.inputs.notes);
        v["warnings"] = serde_json::json!(self.warnings);
        serde_json::to_string_pretty(&v).map_err(|e| PyValueError::new_err(e.to_string()))
    }
}

/// `fitcircle.sites`: the CLI's `sites` arguments (without `--out`) and
/// the tables held in memory.
#[pyfunction]
fn sites(py: Python<'_>, args: Vec<String>, tables: Vec<TableIn<'_>>) -> PyResult<Sites> {
    use fitcircle::analysis::siting::{self, SiteOptions};
    use fitcircle::analysis::study::{self, Depth, Isochrones};
    let cli::Command::Sites(s) = parse("sites", args)? else {
        unreachable!("parsed as sites")
    };
    let run = cli::RunConfig::from_args(&s.input, &s.settings, &s.output).map_err(py_err)?;
    embed::check_spacing(s.spacing).map_err(py_err)?;
    let (lang, font_warning) = embed::language_and_font(&run, &s.map).map_err(py_err)?;
    let (basemap, map_size) = embed::map_look(&s.map).map_err(py_err)?;
    let tables = given(&run.config, tables)?;
    let title = run.title();
    type Planned = (
        fitcircle::analysis::siting::SitePlan,
        fitcircle::Inputs,
        fitcircle::Study,
        Vec<String>,
    );
    let work = || -> anyhow::Result<Planned> {
        let inputs = load(&run.config, tables)?;
        let mut warnings: Vec<String> = run.warnings.clone();
        warnings.extend(font_warning);
        warnings.extend(inputs.warnings.iter().cloned());
        warnings.extend(embed::output_crs_warning(&run.formats, &inputs));
        let p = pipeline::prepare(&run.config, &title, inputs, false)?;
        warnings.extend(embed::from_scratch_warning(&p.inputs, lang));
        let walk_m = embed::walk_limit(&s, &run, &p.targets)?;
        let depth = Depth::Full(Isochrones::None);
        let settings = &run.config.settings;
        let st = study::run(&p.inputs, settings, &p.targets, &p.windows, depth)?;
        fitcircle::output::validate::check_figures(&run.config, &p.inputs, &st)?;
        let candidates = match &s.candidates {
            Some(path) => Some(embed::read_candidates(path, &s)?),
            None => None,
        };
        let options = SiteOptions {
            category: s.category,
            count: s.count,
            walk_m,
            spacing_m: s.spacing,
            candidates,
            max_snap_m: settings.max_snap_m,
            planned_as_built: s.planned_as_built,
        };
        let plan = siting::plan(&p.inputs, &st, &options)?;
        Ok((plan, p.inputs, st, warnings))
    };
    let (plan, inputs, study, warnings) = py
        .detach(|| with_threads(run.threads, work))
        .map_err(py_err)?;
    Ok(Sites {
        args: s,
        run,
        lang,
        basemap,
        map_size,
        plan,
        inputs,
        study,
        warnings,
    })
}

/// One setting: (name, takes a value, default, help).
type Setting = (String, bool, Option<String>, String);

/// The CLI's settings of `command` (`analyze`, `sites`): (name, takes a
/// value, default or None, help), from its flag definitions.
#[pyfunction]
fn settings(command: &str) -> PyResult<Vec<Setting>> {
    let cmd = <cli::Cli as clap::CommandFactory>::command();
    let sub = cmd
        .find_subcommand(command)
        .ok_or_else(|| PyValueError::new_err(format!("no command {command:?}")))?;
    Ok(sub
        .get_arguments()
        .filter(|a| a.get_long().is_some())
        .map(|a| {
            let takes = a.get_action().takes_values();
            let default = a
                .get_default_values()
                .first()
                .map(|v| v.to_string_lossy().into_owned());
            let help = a.get_help().map(|h| h.to_string()).unwrap_or_default();
            (a.get_id().to_string(), takes, default, help)
        })
        .collect())
}

/// The inputs a bundle's config names: (role, path) with `bundle:` paths
/// for the bundled data.
#[pyfunction]
fn bundle_inputs(name: &str) -> PyResult<Vec<(String, PathBuf)>> {
    let mut warnings = Vec::new();
    let b = embed::find_bundle(name, &[], &mut warnings).map_err(py_err)?;
    let cfg = fitcircle::Config::read(&b.config()).map_err(py_err)?;
    Ok(fitcircle::output::config_inputs(&cfg))
}

/// Run the command line in this process (`python -m fitcircle ...`, the
/// `fitcircle` script of the wheel); returns the exit code.
#[pyfunction]
fn main(py: Python<'_>, argv: Vec<String>) -> i32 {
    let parsed = <cli::Cli as clap::Parser>::try_parse_from(argv);
    let parsed = match parsed {
        Ok(c) => c,
        Err(e) => {
            let _ = e.print();
            return e.exit_code();
        }
    };
    match py.detach(|| cli::run(parsed)) {
        Ok(()) => 0,
        Err(e) => {
            eprintln!("error: {}", message(&e));
            2
        }
    }
}

/// Load the inputs of `analyze` arguments and tables, as `fitcircle
/// check` does, without analysing: (facilities, communities, units,
/// warnings).
#[pyfunction]
fn load_inputs(
    py: Python<'_>,
    args: Vec<String>,
    tables: Vec<TableIn<'_>>,
) -> PyResult<(usize, usize, usize, Vec<String>)> {
    let cli::Command::Analyze(a) = parse("analyze", args)? else {
        unreachable!("parsed as analyze")
    };
    let run = cli::RunConfig::from_args(&a.input, &a.settings, &a.output).map_err(py_err)?;
    let tables = given(&run.config, tables)?;
    let inputs = py.detach(|| load(&run.config, tables)).map_err(py_err)?;
    let n = (
        inputs.facilities.len(),
        inputs.communities.len(),
        inputs.units.len(),
    );
    Ok((n.0, n.1, n.2, inputs.warnings))
}

/// The cities of a `fitcircle batch` manifest: (name, analyze flags).
#[pyfunction]
fn read_manifest(path: PathBuf) -> PyResult<Vec<(String, Vec<String>)>> {
    let cities = embed::read_manifest(&path).map_err(py_err)?;
    Ok(cities.into_iter().map(|c| (c.name, c.args)).collect())
}

/// Check that a path names a readable file (for the Python layer's
/// messages about inputs given as paths).
#[pyfunction]
fn is_readable(path: &str) -> bool {
    fitcircle::bundled::read(Path::new(path)).is_ok()
}

#[pymodule]
fn _fitcircle(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add("FitcircleError", m.py().get_type::<FitcircleError>())?;
    m.add("__version__", env!("CARGO_PKG_VERSION"))?;
    m.add_class::<Analysis>()?;
    m.add_class::<Sites>()?;
    m.add_function(wrap_pyfunction!(analyze, m)?)?;
    m.add_function(wrap_pyfunction!(sites, m)?)?;
    m.add_function(wrap_pyfunction!(settings, m)?)?;
    m.add_function(wrap_pyfunction!(bundle_inputs, m)?)?;
    m.add_function(wrap_pyfunction!(main, m)?)?;
    m.add_function(wrap_pyfunction!(is_readable, m)?)?;
    m.add_function(wrap_pyfunction!(read_manifest, m)?)?;
    m.add_function(wrap_pyfunction!(load_inputs, m)?)?;
    Ok(())
}
