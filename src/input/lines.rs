//! A walking network from street centrelines (`--network roads.gpkg`):
//! LineStrings of any table format and CRS, read by the table readers
//! (so the column table and the CRS rules are the same as for facilities),
//! become [`WalkWays`] for the same network builder as OpenStreetMap.
//!
//! Lines meet where they share a position exactly: an end point, or any
//! vertex (the builder splits lines at every position used twice). Data
//! without junction vertices (lines drawn across each other) can be joined
//! where they cross with `join_crossings`: a node is added to both lines at
//! the crossing, unless one of them is a bridge or a tunnel or their
//! `layer` values differ, so a flyover never meets the street below it.
//!
//! Road classes walkers may not use (OSM's motorway and trunk, 高速公路,
//! 快速路, ...; the list in [`NOT_WALKABLE`] plus the config's
//! `not_walkable`) and lines whose `walkable` column says no are left out,
//! counted in a warning. One-way streets are walked both ways (as on OSM
//! without `oneway:foot`); a warning says how many lines were marked
//! one-way, so nobody wonders.

use std::collections::HashMap;
use std::path::Path;

use geo::{Coord, Geometry, Line, LineString};
use rstar::{AABB, RTree, primitives::GeomWithData, primitives::Rectangle};

use super::table::{Record, Table, accepted, find_column};
use crate::config::{Columns, NetworkSpec};
use crate::graph::Network;
use crate::graph::build::{WalkWay, WalkWays, build_network};
use crate::{Error, Result};

/// Road classes walkers may not use, case-insensitive: OSM's (as the OSM
/// reader's rules) and the usual Chinese names of expressways and
/// motorways, their ramps, and roads not built.
pub(crate) const NOT_WALKABLE: &[&str] = &[
    "motorway",
    "motorway_link",
    "trunk",
    "trunk_link",
    "construction",
    "proposed",
    "abandoned",
    "raceway",
    "bus_guideway",
    "高速公路",
    "高速",
    "城市快速路",
    "快速路",
    "快速路主路",
    "匝道",
    "高速匝道",
    "在建",
    "规划",
];

/// The street-line columns of a table, resolved once.
struct LineColumns {
    class: Option<String>,
    oneway: Option<String>,
    layer: Option<String>,
    bridge: Option<String>,
    tunnel: Option<String>,
    walkable: Option<String>,
}

fn resolve(path: &Path, table: &Table, c: &Columns) -> Result<LineColumns> {
    let f = |conf: &Option<String>, field: &str| {
        find_column(path, &table.columns, conf.as_ref(), accepted(field))
    };
    Ok(LineColumns {
        class: f(&c.road_class, "road_class")?,
        oneway: f(&c.oneway, "oneway")?,
        layer: f(&c.layer, "layer")?,
        bridge: f(&c.bridge, "bridge")?,
        tunnel: f(&c.tunnel, "tunnel")?,
        walkable: f(&c.walkable, "walkable")?,
    })
}

/// A yes/no cell: `Some(true)` for yes, `Some(false)` for no, `None` for
/// empty; anything else is an error naming the record and column.
fn flag(path: &Path, rec: &Record, col: &Option<String>) -> Result<Option<bool>> {
    let Some(v) = rec.get(col.as_ref()) else {
        return Ok(None);
    };
    match v.to_lowercase().as_str() {
        "yes" | "true" | "1" | "y" | "t" | "是" | "-1" | "reverse" => Ok(Some(true)),
        "no" | "false" | "0" | "n" | "f" | "否" => Ok(Some(false)),
        _ => Err(Error::record(
            path,
            &rec.location,
            format!(
                "column {:?}: {v:?} is not yes/no (yes, no, true, false, 1, 0, 是, 否)",
                col.as_deref().unwrap_or("")
            ),
        )),
    }
}

/// One line's parts (LineStrings) and how it may be joined.
struct Street {
    /// Feature number in the file (1-based), the edges' `way_id`.
    feature: i64,
    parts: Vec<Vec<Coord<f64>>>,
    /// Vertical level (`layer`, 0 when not given).
    layer: i64,
    /// A bridge or a tunnel: never joined at a crossing.
    structure: bool,
}

/// What was left out or noticed while reading the lines.
#[derive(Default)]
struct Tally {
    not_walkable: Vec<(String, usize)>,
    oneway: usize,
    no_geometry: usize,
}

impl Tally {
    fn class(&mut self, class: &str) {
        match self.not_walkable.iter_mut().find(|(c, _)| c == class) {
            Some((_, n)) => *n += 1,
            None => self.not_walkable.push((class.to_string(), 1)),
        }
    }

    fn warnings(&self, path: &Path, cols: &LineColumns) -> Vec<String> {
        let mut out = Vec::new();
        if !self.not_walkable.is_empty() {
            let total: usize = self.not_walkable.iter().map(|(_, n)| n).sum();
            let each: Vec<String> = self
                .not_walkable
                .iter()
                .map(|(c, n)| format!("{c} {n}"))
                .collect();
            out.push(format!(
                "{}: {total} lines left out as not walkable ({})",
                path.display(),
                each.join(", ")
            ));
        }
        if self.oneway > 0 {
            out.push(format!(
                "{}: {} lines are marked one-way (column {:?}); walkers use them in both \
                 directions, so the direction is ignored",
                path.display(),
                self.oneway,
                cols.oneway.as_deref().unwrap_or("")
            ));
        }
        if self.no_geometry > 0 {
            out.push(format!(
                "{}: {} features without geometry left out",
                path.display(),
                self.no_geometry
            ));
        }
        out
    }
}

/// The line parts of a record's geometry; an error for anything but lines.
fn parts(path: &Path, rec: &Record, g: &Geometry<f64>) -> Result<Vec<Vec<Coord<f64>>>> {
    let of = |l: &LineString<f64>| l.0.clone();
    match g {
        Geometry::LineString(l) => Ok(vec![of(l)]),
        Geometry::MultiLineString(m) => Ok(m.0.iter().map(of).collect()),
        Geometry::Line(l) => Ok(vec![vec![l.start, l.end]]),
        other => Err(Error::record(
            path,
            &rec.location,
            format!(
                "a street network needs lines (LineString or MultiLineString), found a {}; \
                 give the road centrelines, not {}",
                geometry_name(other),
                if matches!(other, Geometry::Polygon(_) | Geometry::MultiPolygon(_)) {
                    "road surfaces or blocks"
                } else {
                    "points"
                }
            ),
        )),
    }
}

fn geometry_name(g: &Geometry<f64>) -> &'static str {
    match g {
        Geometry::Point(_) => "Point",
        Geometry::MultiPoint(_) => "MultiPoint",
        Geometry::Polygon(_) | Geometry::Rect(_) | Geometry::Triangle(_) => "Polygon",
        Geometry::MultiPolygon(_) => "MultiPolygon",
        Geometry::GeometryCollection(_) => "GeometryCollection",
        Geometry::LineString(_) | Geometry::MultiLineString(_) | Geometry::Line(_) => "line",
    }
}

/// The walkable streets of a table, with what was left out.
fn streets(spec: &NetworkSpec, table: &Table) -> Result<(Vec<Street>, Vec<String>)> {
    let path = &spec.path;
    let cols = resolve(path, table, &spec.columns)?;
    let blocked = |class: &str| {
        let c = class.trim();
        NOT_WALKABLE
            .iter()
            .map(|s| s.to_string())
            .chain(spec.not_walkable.iter().cloned())
            .any(|s| s.trim().eq_ignore_ascii_case(c))
    };
    let mut tally = Tally::default();
    let mut out = Vec::new();
    for (i, rec) in table.records.iter().enumerate() {
        let Some(g) = &rec.geometry else {
            tally.no_geometry += 1;
            continue;
        };
        let parts = parts(path, rec, g)?;
        let class = rec.get(cols.class.as_ref()).unwrap_or("");
        let walkable = flag(path, rec, &cols.walkable)?;
        if walkable == Some(false) || (walkable.is_none() && !class.is_empty() && blocked(class)) {
            tally.class(if class.is_empty() {
                "walkable=no"
            } else {
                class
            });
            continue;
        }
        if flag(path, rec, &cols.oneway)? == Some(true) {
            tally.oneway += 1;
        }
        let layer = match rec.get(cols.layer.as_ref()) {
            None => 0,
            Some(v) => v
                .trim()
                .parse::<f64>()
                .ok()
                .filter(|l| l.fract() == 0.0 && l.abs() < 100.0)
                .map(|l| l as i64)
                .ok_or_else(|| {
                    Error::record(
                        path,
                        &rec.location,
                        format!(
                            "column {:?}: {v:?} is not a whole number (the level: 0 on the ground, \
                         1 for a bridge, -1 for a tunnel)",
                            cols.layer.as_deref().unwrap_or("")
                        ),
                    )
                })?,
        };
        let structure = flag(path, rec, &cols.bridge)? == Some(true)
            || flag(path, rec, &cols.tunnel)? == Some(true);
        out.push(Street {
            feature: i as i64 + 1,
            parts,
            layer,
            structure,
        });
    }
    Ok((out, tally.warnings(path, &cols)))
}

/// One straight piece of a street part, for the crossing search.
#[derive(Clone, Copy)]
struct Segment {
    street: usize,
    part: usize,
    /// Index of the piece's first vertex in the part.
    at: usize,
}

/// Nodes to insert: per (street, part), (vertex index, fraction along the
/// piece, point).
type Inserts = HashMap<(usize, usize), Vec<(usize, f64, Coord<f64>)>>;

/// Add a shared vertex to both lines wherever two pieces of lines that may
/// be joined cross or touch away from their vertices.
fn join_crossings(streets: &mut [Street]) {
    let mut segs = Vec::new();
    let mut boxes = Vec::new();
    for (s, st) in streets.iter().enumerate() {
        for (p, part) in st.parts.iter().enumerate() {
            for at in 0..part.len().saturating_sub(1) {
                let (a, b) = (part[at], part[at + 1]);
                let rect = Rectangle::from_corners([a.x, a.y], [b.x, b.y]);
                boxes.push(GeomWithData::new(rect, segs.len()));
                segs.push(Segment {
                    street: s,
                    part: p,
                    at,
                });
            }
        }
    }
    let tree = RTree::bulk_load(boxes);
    let line = |g: &Segment| {
        let part = &streets[g.street].parts[g.part];
        Line::new(part[g.at], part[g.at + 1])
    };
    let mut inserts: Inserts = HashMap::new();
    for (i, si) in segs.iter().enumerate() {
        let li = line(si);
        let env = AABB::from_corners([li.start.x, li.start.y], [li.end.x, li.end.y]);
        for hit in tree.locate_in_envelope_intersecting(&env) {
            let j = hit.data;
            if j <= i {
                continue;
            }
            let sj = &segs[j];
            let (a, b) = (&streets[si.street], &streets[sj.street]);
            if a.structure || b.structure || a.layer != b.layer {
                continue;
            }
            if let Some(p) = crossing(li, line(sj)) {
                for (seg, l) in [(si, li), (sj, line(sj))] {
                    if p != l.start && p != l.end {
                        let t = fraction(l, p);
                        inserts
                            .entry((seg.street, seg.part))
                            .or_default()
                            .push((seg.at, t, p));
                    }
                }
            }
        }
    }
    for ((s, p), mut list) in inserts {
        list.sort_by(|x, y| x.0.cmp(&y.0).then(x.1.total_cmp(&y.1)));
        let part = &mut streets[s].parts[p];
        // From the end, so earlier indices stay valid.
        for &(at, _, pt) in list.iter().rev() {
            part.insert(at + 1, pt);
        }
    }
}

/// Where two pieces meet in one point: the point, snapped to an end of
/// either piece when it is one (so both lines get exactly the same
/// position); `None` for pieces that do not meet, overlap along a stretch,
/// or meet at an end of both (a vertex they already share).
fn crossing(a: Line<f64>, b: Line<f64>) -> Option<Coord<f64>> {
    use geo::line_intersection::{LineIntersection, line_intersection};
    let LineIntersection::SinglePoint { intersection, .. } = line_intersection(a, b)? else {
        return None;
    };
    let ends = [a.start, a.end, b.start, b.end];
    let scale = ends
        .iter()
        .map(|c| c.x.abs().max(c.y.abs()))
        .fold(1.0, f64::max);
    let near = |c: &Coord<f64>| {
        (c.x - intersection.x).abs() <= 1e-12 * scale
            && (c.y - intersection.y).abs() <= 1e-12 * scale
    };
    let p = ends.iter().copied().find(near).unwrap_or(intersection);
    let end_of_a = p == a.start || p == a.end;
    let end_of_b = p == b.start || p == b.end;
    (!(end_of_a && end_of_b)).then_some(p)
}

/// How far along `l` the point `p` (on it) lies, 0 to 1.
fn fraction(l: Line<f64>, p: Coord<f64>) -> f64 {
    let d = l.delta();
    let len2 = d.x * d.x + d.y * d.y;
    if len2 == 0.0 {
        return 0.0;
    }
    ((p.x - l.start.x) * d.x + (p.y - l.start.y) * d.y) / len2
}

/// The network builder's input: one node per distinct position (exact
/// coordinates), one way per line part, walkable both ways.
fn walk_ways(streets: &[Street]) -> (Vec<[f64; 2]>, Vec<WalkWay>, Vec<u32>) {
    let mut index: HashMap<(u64, u64), u32> = HashMap::new();
    let mut coords: Vec<[f64; 2]> = Vec::new();
    let mut ways = Vec::new();
    let mut way_nodes: Vec<u32> = Vec::new();
    for st in streets {
        for part in &st.parts {
            let start = way_nodes.len() as u32;
            for c in part {
                let k = *index
                    .entry((c.x.to_bits(), c.y.to_bits()))
                    .or_insert_with(|| {
                        coords.push([c.x, c.y]);
                        (coords.len() - 1) as u32
                    });
                way_nodes.push(k);
            }
            ways.push(WalkWay {
                id: st.feature,
                nodes_start: start,
                nodes_len: way_nodes.len() as u32 - start,
                forward: true,
                backward: true,
            });
        }
    }
    (coords, ways, way_nodes)
}

/// The walking network of the lines in `table` (read for `spec`), built
/// by the same builder as an OSM network, and the warnings of what was
/// left out or ignored. An error when no walkable line is left.
pub(crate) fn network_from_lines(
    spec: &NetworkSpec,
    table: &Table,
) -> Result<(Network, Vec<String>)> {
    let (mut streets, warnings) = streets(spec, table)?;
    if spec.join_crossings {
        join_crossings(&mut streets);
    }
    let (coords, ways, way_nodes) = walk_ways(&streets);
    let ids = vec![0i64; coords.len()];
    let network = build_network(&WalkWays {
        node_ids: &ids,
        node_coords: &coords,
        ways: &ways,
        way_nodes: &way_nodes,
    });
    if network.edges.is_empty() {
        return Err(Error::file(
            &spec.path,
            format!(
                "no walkable lines found ({} features read); a street network needs \
                 LineStrings of road centrelines with at least two different positions{}",
                table.records.len(),
                if warnings.is_empty() {
                    String::new()
                } else {
                    format!(" ({})", warnings.join("; "))
                }
            ),
        ));
    }
    Ok((network, warnings))
}

#[cfg(test)]
mod tests {
    use super::*;
    use geo::{coord, line_string};

    fn table(lines: &[(LineString<f64>, &str)]) -> Table {
        Table {
            columns: vec!["bridge".into()],
            records: lines
                .iter()
                .enumerate()
                .map(|(i, (l, bridge))| Record {
                    location: format!("feature {}", i + 1),
                    fields: vec![("bridge".into(), bridge.to_string())],
                    geometry: Some(Geometry::LineString(l.clone())),
                })
                .collect(),
            ..Default::default()
        }
    }

    #[test]
    fn crossings_are_points_inside_both_pieces() {
        let l = |a: (f64, f64), b: (f64, f64)| {
            Line::new(coord! {x: a.0, y: a.1}, coord! {x: b.0, y: b.1})
        };
        // An X: the crossing point.
        assert_eq!(
            crossing(l((0.0, 0.0), (2.0, 2.0)), l((0.0, 2.0), (2.0, 0.0))),
            Some(coord! {x: 1.0, y: 1.0})
        );
        // A T: the end of one piece on the other, exactly that end.
        assert_eq!(
            crossing(l((0.0, 0.0), (2.0, 0.0)), l((1.0, 0.0), (1.0, 3.0))),
            Some(coord! {x: 1.0, y: 0.0})
        );
        // A shared end, apart pieces, a collinear overlap: nothing to add.
        assert_eq!(
            crossing(l((0.0, 0.0), (1.0, 0.0)), l((1.0, 0.0), (1.0, 1.0))),
            None
        );
        assert_eq!(
            crossing(l((0.0, 0.0), (1.0, 0.0)), l((0.0, 1.0), (1.0, 1.0))),
            None
        );
        assert_eq!(
            crossing(l((0.0, 0.0), (2.0, 0.0)), l((1.0, 0.0), (3.0, 0.0))),
            None
        );
    }

    #[test]
    fn join_crossings_adds_a_shared_node_except_for_bridges() {
        let ew = line_string![(x: 116.360, y: 39.910), (x: 116.362, y: 39.910)];
        let ns = line_string![(x: 116.361, y: 39.909), (x: 116.361, y: 39.911)];
        let mut spec = NetworkSpec::from_path("roads.geojson".into());
        // Not joined: two separate lines, 4 nodes, 2 edges.
        let t = table(&[(ew.clone(), ""), (ns.clone(), "")]);
        let (net, _) = network_from_lines(&spec, &t).unwrap();
        assert_eq!((net.node_count(), net.edges.len()), (4, 2));
        // Joined at the crossing: 5 nodes, 4 edges, the same total length.
        spec.join_crossings = true;
        let (joined, _) = network_from_lines(&spec, &t).unwrap();
        assert_eq!((joined.node_count(), joined.edges.len()), (5, 4));
        let total = |n: &Network| n.edges.iter().map(|e| e.length_m).sum::<f64>();
        assert!((total(&net) - total(&joined)).abs() < 1e-6);
        assert_eq!(joined.components().1.len(), 1);
        // A bridge is never joined.
        let t = table(&[(ew, ""), (ns, "yes")]);
        let (net, _) = network_from_lines(&spec, &t).unwrap();
        assert_eq!((net.node_count(), net.edges.len()), (4, 2));
    }

    #[test]
    fn no_walkable_line_is_an_error() {
        let t = Table {
            columns: vec!["highway".into()],
            records: vec![Record {
                location: "feature 1".into(),
                fields: vec![("highway".into(), "motorway".into())],
                geometry: Some(Geometry::LineString(
                    line_string![(x: 116.36, y: 39.91), (x: 116.37, y: 39.91)],
                )),
            }],
            ..Default::default()
        };
        let spec = NetworkSpec::from_path("roads.shp".into());
        let m = network_from_lines(&spec, &t).unwrap_err().to_string();
        assert!(
            m.starts_with("roads.shp: no walkable lines found (1 features read)"),
            "{m}"
        );
        assert!(
            m.contains("1 lines left out as not walkable (motorway 1)"),
            "{m}"
        );
    }
}
