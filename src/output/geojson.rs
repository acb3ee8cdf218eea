//! Streaming RFC 7946 GeoJSON: WGS-84 lon/lat, exterior rings
//! counter-clockwise and holes clockwise, 7 decimals (about 1 cm). Features
//! are written one by one in input order; properties in a fixed order.

use std::io::{self, Write};

use geo::orient::{Direction, Orient};
use geo::{Geometry, LineString, Polygon};
use serde_json::{Value, json};

use crate::analysis::coverage::Target;
use crate::analysis::study::Study;
use crate::input::Inputs;

/// Round to 7 decimals (RFC 7946 recommends no more than needed).
fn r7(x: f64) -> f64 {
    (x * 1e7).round() / 1e7
}

/// Round to `d` decimals for property values.
/// Never returns -0.0 (an empty `sum()` of f64 is -0.0 in current Rust).
pub fn round(x: f64, d: i32) -> f64 {
    let k = 10f64.powi(d);
    (x * k).round() / k + 0.0
}

fn write_pos(w: &mut dyn Write, x: f64, y: f64) -> io::Result<()> {
    write!(w, "[{},{}]", r7(x), r7(y))
}

fn write_line(w: &mut dyn Write, l: &LineString<f64>) -> io::Result<()> {
    w.write_all(b"[")?;
    for (i, c) in l.0.iter().enumerate() {
        if i > 0 {
            w.write_all(b",")?;
        }
        write_pos(w, c.x, c.y)?;
    }
    w.write_all(b"]")
}

fn write_rings(w: &mut dyn Write, p: &Polygon<f64>) -> io::Result<()> {
    let p = p.orient(Direction::Default);
    w.write_all(b"[")?;
    write_line(w, p.exterior())?;
    for hole in p.interiors() {
        w.write_all(b",")?;
        write_line(w, hole)?;
    }
    w.write_all(b"]")
}

/// Write one geometry object.
pub fn write_geometry(w: &mut dyn Write, g: &Geometry<f64>) -> io::Result<()> {
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
            for (i, p) in mp.iter().enumerate() {
                if i > 0 {
                    w.write_all(b",")?;
                }
                write_rings(w, p)?;
            }
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

/// Streams features into a FeatureCollection.
pub struct FeatureWriter<'a> {
    w: &'a mut dyn Write,
    first: bool,
}

impl<'a> FeatureWriter<'a> {
    /// Start a collection; `meta` members (name, notes...) go before features.
    pub fn start(w: &'a mut dyn Write, meta: &[(&str, Value)]) -> io::Result<Self> {
        w.write_all(br#"{"type":"FeatureCollection""#)?;
        for (k, v) in meta {
            write!(w, ",{}:", Value::String((*k).to_string()))?;
            serde_json::to_writer(&mut *w, v)?;
        }
        w.write_all(br#","features":["#)?;
        Ok(FeatureWriter { w, first: true })
    }

    /// Write one feature with properties in the given order.
    pub fn feature(
        &mut self,
        geometry: &Geometry<f64>,
        props: &[(String, Value)],
    ) -> io::Result<()> {
        if !self.first {
            self.w.write_all(b",")?;
        }
        self.first = false;
        self.w
            .write_all(b"\n{\"type\":\"Feature\",\"properties\":{")?;
        for (i, (k, v)) in props.iter().enumerate() {
            if i > 0 {
                self.w.write_all(b",")?;
            }
            serde_json::to_writer(&mut *self.w, k)?;
            self.w.write_all(b":")?;
            serde_json::to_writer(&mut *self.w, v)?;
        }
        self.w.write_all(b"},\"geometry\":")?;
        write_geometry(self.w, geometry)?;
        self.w.write_all(b"}")
    }

    pub fn finish(self) -> io::Result<()> {
        self.w.write_all(b"\n]}\n")
    }
}

fn opt_f(x: Option<f64>, d: i32) -> Value {
    x.map(|v| json!(round(v, d))).unwrap_or(Value::Null)
}

fn meta(inputs: &Inputs, study: &Study) -> Vec<(&'static str, Value)> {
    vec![
        ("name", json!("fitcircle")),
        (
            "fitcircle",
            json!({
                "walk_minutes": study.settings.minutes,
                "speed_kmh": study.settings.speed_kmh,
                "limit_m": round(study.coverage.settings.limit_m, 2),
                "notes": inputs.notes,
            }),
        ),
    ]
}

/// `communities.geojson`: per community, population, per-target nearest
/// distance (m) and time (min), covered flag and reachable count.
pub fn write_communities(w: &mut dyn Write, inputs: &Inputs, study: &Study) -> io::Result<()> {
    let cov = &study.coverage;
    let mpm = study.settings.metres_per_minute();
    let mut fw = FeatureWriter::start(w, &meta(inputs, study))?;
    for (i, c) in inputs.communities.iter().enumerate() {
        let mut props: Vec<(String, Value)> = vec![
            ("id".into(), json!(c.id)),
            ("name".into(), json!(c.name)),
            ("population".into(), json!(round(c.population, 2))),
            (
                "population_source".into(),
                json!(c.population_source.as_str()),
            ),
            (
                "unit".into(),
                study.community_unit[i]
                    .map(|u| json!(inputs.units[u].name))
                    .unwrap_or(Value::Null),
            ),
        ];
        match &study.community_access[i] {
            Ok(acc) => {
                props.push(("reachable".into(), json!(true)));
                props.push(("unreachable_reason".into(), Value::Null));
                props.push(("access_points".into(), json!(acc.len())));
                let snap = acc.iter().map(|a| a.1).fold(f64::INFINITY, f64::min);
                props.push(("snap_m".into(), json!(round(snap, 1))));
            }
            Err(e) => {
                props.push(("reachable".into(), json!(false)));
                props.push(("unreachable_reason".into(), json!(e.reason())));
                props.push(("access_points".into(), json!(0)));
                props.push(("snap_m".into(), Value::Null));
            }
        }
        for (ti, t) in cov.targets.iter().enumerate() {
            let name = t.name();
            let d = cov.nearest_m[ti][i];
            props.push((format!("{name}_m"), opt_f(d, 1)));
            props.push((format!("{name}_min"), opt_f(d.map(|d| d / mpm), 2)));
            props.push((format!("{name}_covered"), json!(cov.covered(ti, i))));
            props.push((format!("{name}_count"), json!(cov.reachable[ti][i])));
        }
        fw.feature(&c.geometry, &props)?;
    }
    fw.finish()
}

/// `facilities.geojson`: facilities with category, areas, status and
/// whether they were attached to the network.
pub fn write_facilities(w: &mut dyn Write, inputs: &Inputs, study: &Study) -> io::Result<()> {
    let mut fw = FeatureWriter::start(w, &meta(inputs, study))?;
    let any = study.coverage.target_index(Target::Any);
    for (i, f) in inputs.facilities.iter().enumerate() {
        let (reachable, reason, snap) = match &study.facility_access[i] {
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
            Some(_) if study.facility_counts[i] && study.facility_access[i].is_ok() => {
                let hits = &study.coverage.facility_hits[i];
                let pop: f64 = hits
                    .iter()
                    .map(|&c| inputs.communities[c as usize].population)
                    .sum();
                (json!(hits.len()), json!(round(pop, 1)))
            }
            _ => (Value::Null, Value::Null),
        };
        let props: Vec<(String, Value)> = vec![
            ("id".into(), json!(f.id)),
            ("name".into(), json!(f.name)),
            ("category".into(), json!(f.category.as_str())),
            ("status".into(), json!(f.status.as_str())),
            ("area_m2".into(), json!(round(f.area_m2, 1))),
            ("floor_area_m2".into(), json!(round(f.floor_area_m2, 1))),
            ("area_source".into(), json!(f.area_source.as_str())),
            ("opening_hours".into(), json!(f.opening_hours)),
            ("open_to_public".into(), json!(f.open_to_public)),
            ("school_id".into(), json!(f.school_id)),
            ("build_year".into(), json!(f.build_year)),
            ("counted".into(), json!(study.facility_counts[i])),
            ("reachable".into(), json!(reachable)),
            ("unreachable_reason".into(), reason),
            ("snap_m".into(), snap),
            (
                "unit".into(),
                study.facility_unit[i]
                    .map(|u| json!(inputs.units[u].name))
                    .unwrap_or(Value::Null),
            ),
            ("communities_within_limit".into(), communities_within),
            ("population_within_limit".into(), population_within),
            ("note".into(), json!(f.note)),
        ];
        fw.feature(&f.geometry, &props)?;
    }
    fw.finish()
}

/// `network.geojson`: every edge of the walking graph as a LineString.
pub fn write_network(w: &mut dyn Write, study: &Study) -> io::Result<()> {
    let net = &study.graph.net;
    let mut fw = FeatureWriter::start(w, &[("name", json!("fitcircle walking network"))])?;
    for (e, edge) in net.edges.iter().enumerate() {
        let line = LineString::from(
            net.edge_geom(e)
                .iter()
                .map(|c| (c[0], c[1]))
                .collect::<Vec<_>>(),
        );
        let comp = study.graph.component[edge.from as usize];
        let props: Vec<(String, Value)> = vec![
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
                json!(study.graph.component_sizes[comp as usize]),
            ),
        ];
        fw.feature(&Geometry::LineString(line), &props)?;
    }
    fw.finish()
}
