//! Turn raw OSM elements into fitcircle records: walkable ways, facilities
//! (with areas and entrances), schools and the pitches inside them,
//! residential areas and administrative units. Closed ways and multipolygon
//! relations become polygons (outer and inner rings assembled from member
//! ways); a relation that cannot be assembled is skipped and counted.

use std::collections::HashMap;

use geo::{
    Area, BoundingRect, Centroid, Contains, Coord, Geodesic, Geometry, Length, LineString,
    MultiLineString, MultiPolygon, Point, Polygon,
};

use rstar::RTree;
use rstar::primitives::{GeomWithData, Rectangle};

use super::osm::{MemberKind, OsmRelation, OsmWay, RawOsm, Tags};
use rayon::prelude::*;

use super::tags;
use crate::model::{
    AdminUnit, AreaSource, Category, Community, DropReason, Dropped, Facility, PopulationSource,
    Status,
};

pub use crate::graph::build::{WalkWay, WalkWays};

/// A residential area from OSM, with its population tag if present.
#[derive(Debug, Clone)]
pub struct Residential {
    /// The residential area as a community (population filled in later).
    pub community: Community,
    /// `population` tag, if present and valid.
    pub population: Option<f64>,
    /// The first population or households tag that cannot be read or is
    /// outside its bounds (`super::bounds`): an error when the area is
    /// used as a community.
    pub problem: Option<String>,
}

/// Everything fitcircle uses from one OSM file.
#[derive(Debug, Clone, Default)]
pub struct OsmFeatures {
    /// Ways walkers may use.
    pub walk_ways: Vec<WalkWay>,
    /// The walkable ways' nodes back to back, as positions in
    /// [`RawOsm::node_ids`] (looked up once here rather than again by the
    /// network builder).
    pub walk_nodes: Vec<u32>,
    /// Sports facilities and school grounds found by their tags.
    pub facilities: Vec<Facility>,
    /// Residential areas (`landuse=residential`).
    pub residential: Vec<Residential>,
    /// Administrative units with their `admin_level`.
    pub units: Vec<(u8, AdminUnit)>,
    /// Human-readable warnings (counts of skipped elements).
    pub warnings: Vec<String>,
    /// Areas whose polygon was invalid and repaired ("way 12: what was
    /// done"), see `super::repair`; summed up in `warnings`.
    pub repaired: Vec<String>,
    /// Every element left out or changed, one record each (the file is
    /// filled in by the loader), for `dropped.csv`.
    pub dropped: Vec<Dropped>,
}

impl OsmFeatures {
    /// The nodes of walkable way `w`, as positions in the file's node list.
    pub fn nodes(&self, w: &WalkWay) -> &[u32] {
        let start = w.nodes_start as usize;
        &self.walk_nodes[start..start + w.nodes_len as usize]
    }

    /// The walkable ways of this file with the node table of `raw`: the
    /// network builder's input ([`crate::graph::build::build_network`]).
    pub fn walk_input<'a>(&'a self, raw: &'a RawOsm) -> WalkWays<'a> {
        WalkWays {
            node_ids: &raw.node_ids,
            node_coords: &raw.node_coords,
            ways: &self.walk_ways,
            way_nodes: &self.walk_nodes,
        }
    }
}

/// Interpret raw OSM elements. Never fails: unusable elements are counted in
/// `warnings`.
pub fn extract(raw: &RawOsm) -> OsmFeatures {
    let mut out = OsmFeatures::default();
    walkable_ways(raw, &mut out);
    let mut private_facilities = node_facilities(raw, &mut out.facilities, &mut out.dropped);
    private_facilities += way_features(raw, &mut out);
    let mut broken_relations = Vec::new();
    for rel in &raw.relations {
        private_facilities += relation_features(raw, rel, &mut out, &mut broken_relations);
    }
    for id in &broken_relations {
        out.dropped.push(Dropped {
            id: format!("osm:relation/{id}"),
            ..Dropped::new(
                format!("relation {id}"),
                DropReason::BrokenRelation,
                "rings could not be assembled (member ways missing from the extract or rings \
                 not closed); left out",
            )
        });
    }
    if !out.repaired.is_empty() {
        let shown: Vec<&str> = out.repaired.iter().take(5).map(String::as_str).collect();
        out.warnings.push(format!(
            "{} areas with an invalid polygon repaired: {}{}",
            out.repaired.len(),
            shown.join(", "),
            if out.repaired.len() > 5 { ", ..." } else { "" }
        ));
    }
    if !broken_relations.is_empty() {
        let shown: Vec<String> = broken_relations
            .iter()
            .take(5)
            .map(|id| id.to_string())
            .collect();
        out.warnings.push(format!(
            "{} multipolygon/boundary relations skipped because their rings could not be \
             assembled (member ways missing from the extract or rings not closed): relation {}{}",
            broken_relations.len(),
            shown.join(", "),
            if broken_relations.len() > 5 {
                ", ..."
            } else {
                ""
            }
        ));
    }
    if private_facilities > 0 {
        out.warnings.push(format!(
            "{private_facilities} facilities tagged access=private/no left out (not open to residents)"
        ));
    }
    link_school_pitches(&mut out.facilities);
    out
}

/// The walkable ways of `raw` and their nodes into `out` (in parallel over
/// blocks of ways, results in way order), with a warning when ways lose
/// nodes missing from the extract.
fn walkable_ways(raw: &RawOsm, out: &mut OsmFeatures) {
    let blocks: Vec<(Vec<WalkWay>, Vec<u32>, Vec<i64>)> = raw
        .ways
        .par_chunks(4096)
        .map(|ways| walkable_block(raw, ways))
        .collect();
    let mut missing_nodes_ways = 0usize;
    for (walk, nodes, clipped) in blocks {
        let shift = out.walk_nodes.len();
        let Ok(shift) = u32::try_from(shift + nodes.len()).map(|_| shift as u32) else {
            out.warnings.push(
                "the walkable ways have over 4 billion nodes; the rest were left out (cut \
                 the extract to the study area)"
                    .to_string(),
            );
            break;
        };
        out.walk_ways.extend(walk.into_iter().map(|w| WalkWay {
            nodes_start: w.nodes_start + shift,
            ..w
        }));
        out.walk_nodes.extend(nodes);
        missing_nodes_ways += clipped.len();
        out.dropped.extend(clipped.into_iter().map(|id| Dropped {
            id: format!("osm:way/{id}"),
            ..Dropped::new(
                format!("way {id}"),
                DropReason::WayClipped,
                "walkable way references nodes missing from the extract; kept the runs of \
                 nodes that are present",
            )
        }));
    }
    if missing_nodes_ways > 0 {
        out.warnings.push(format!(
            "{missing_nodes_ways} walkable ways reference nodes missing from the extract \
             (clipped at its edge); kept the runs of nodes that are present"
        ));
    }
}

/// One block's walkable ways, their nodes back to back (positions in the
/// node list, from 0) and the ids of the ways clipped at the extract's edge.
fn walkable_block(raw: &RawOsm, ways: &[OsmWay]) -> (Vec<WalkWay>, Vec<u32>, Vec<i64>) {
    const MISSING: u32 = u32::MAX;
    let (mut walk, mut nodes, mut clipped_ways) = (Vec::new(), Vec::new(), Vec::new());
    let mut positions = Vec::new();
    for way in ways {
        let Some(access) = tags::foot_access(&raw.tags(way.tags)) else {
            continue;
        };
        // Keep each run of consecutive nodes present in the extract;
        // never join the two sides of a gap with a straight line.
        positions.clear();
        positions.extend(
            raw.nodes(way)
                .iter()
                .map(|&id| raw.node_position(id).map_or(MISSING, |i| i as u32)),
        );
        let mut clipped = false;
        for run in positions.split(|&k| k == MISSING) {
            if run.len() < positions.len() {
                clipped = true;
            }
            if run.len() >= 2 {
                walk.push(WalkWay {
                    id: way.id,
                    nodes_start: nodes.len() as u32,
                    nodes_len: run.len() as u32,
                    forward: access.forward,
                    backward: access.backward,
                });
                nodes.extend_from_slice(run);
            }
        }
        if clipped {
            clipped_ways.push(way.id);
        }
    }
    (walk, nodes, clipped_ways)
}

/// Facilities and schools from tagged nodes into `facilities` (in parallel
/// over blocks of nodes, results in node order); returns the number left
/// out as private (each also recorded in `dropped`).
fn node_facilities(
    raw: &RawOsm,
    facilities: &mut Vec<Facility>,
    dropped: &mut Vec<Dropped>,
) -> usize {
    let from_nodes: Vec<(Vec<Facility>, Vec<Dropped>)> = raw
        .tagged_nodes
        .par_chunks(4096)
        .map(|nodes| {
            let (mut facilities, mut private) = (Vec::new(), Vec::new());
            for node in nodes {
                let tags = raw.tags(node.tags);
                let Some(cat) = tags::facility_category(&tags) else {
                    continue;
                };
                if tags::is_private(&tags) && cat != Category::SchoolVenue {
                    private.push(private_dropped("node", node.id, &tags));
                    continue;
                }
                let geometry = Geometry::Point(Point::new(node.lon, node.lat));
                facilities.push(make_facility(
                    format!("osm:node/{}", node.id),
                    cat,
                    &tags,
                    geometry,
                    Vec::new(),
                ));
            }
            (facilities, private)
        })
        .collect();
    let mut private_facilities = 0;
    for (list, private) in from_nodes {
        facilities.extend(list);
        private_facilities += private.len();
        dropped.extend(private);
    }
    private_facilities
}

/// The record of a facility left out as private.
fn private_dropped(kind: &str, id: i64, tags: &Tags) -> Dropped {
    Dropped {
        id: format!("osm:{kind}/{id}"),
        name: tags.get("name").unwrap_or("").to_string(),
        ..Dropped::new(
            format!("{kind} {id}"),
            DropReason::PrivateAccess,
            "facility tagged access=private/no (not open to residents); left out",
        )
    }
}

/// The record of a polygon repaired.
fn repaired_dropped(kind: &str, id: i64, tags: &Tags, note: &str) -> Dropped {
    Dropped {
        id: format!("osm:{kind}/{id}"),
        name: tags.get("name").unwrap_or("").to_string(),
        ..Dropped::new(
            format!("{kind} {id}"),
            DropReason::PolygonRepaired,
            format!("invalid polygon repaired: {note}"),
        )
    }
}

/// Facilities and residential areas from ways into `out` (in parallel over
/// blocks of ways, results in way order); returns the number of facilities
/// left out as private. Per block rather than per way: a list of
/// (facility, area) pairs for a city's million features held them all
/// twice at the peak of loading.
fn way_features(raw: &RawOsm, out: &mut OsmFeatures) -> usize {
    let from_ways: Vec<WayBlock> = raw
        .ways
        .par_chunks(4096)
        .map(|ways| way_block(raw, ways))
        .collect();
    out.facilities
        .reserve(from_ways.iter().map(|b| b.0.len()).sum::<usize>());
    out.residential
        .reserve(from_ways.iter().map(|b| b.1.len()).sum::<usize>());
    let mut private_facilities = 0;
    for (facilities, areas, private, repaired, dropped) in from_ways {
        out.repaired.extend(repaired);
        out.facilities.extend(facilities);
        out.residential.extend(areas);
        out.dropped.extend(dropped);
        private_facilities += private;
    }
    private_facilities
}

/// One block's facilities, residential areas, the number of facilities
/// left out as private, the repaired polygons and the records of both.
type WayBlock = (
    Vec<Facility>,
    Vec<Residential>,
    usize,
    Vec<String>,
    Vec<Dropped>,
);

/// One block's facilities, residential areas and the number of facilities
/// left out as private, and the polygons repaired.
fn way_block(raw: &RawOsm, ways: &[OsmWay]) -> WayBlock {
    let (mut facilities, mut areas, mut private) = (Vec::new(), Vec::new(), 0usize);
    let mut repaired = Vec::new();
    let mut dropped = Vec::new();
    for way in ways {
        let tags = raw.tags(way.tags);
        // Only ways that give something are kept (a city has
        // millions of ways and few features).
        if tags.is_empty() {
            continue;
        }
        let cat = tags::facility_category(&tags);
        let residential = tags::is_residential(&tags);
        if cat.is_none() && !residential {
            continue;
        }
        let Some(coords) = way_coords(raw, way) else {
            continue;
        };
        let closed = coords.len() >= 4 && coords.first() == coords.last();
        let is_line =
            !closed || tags.is("area", "no") || (tags.has("highway") && !tags.is("area", "yes"));
        let geometry = if is_line {
            Geometry::LineString(LineString::from(coords))
        } else {
            let polygon = Geometry::Polygon(Polygon::new(LineString::from(coords), vec![]));
            let (geometry, note) = super::repair::repair_geometry(polygon);
            if let Some(note) = note {
                dropped.push(repaired_dropped("way", way.id, &tags, &note));
                repaired.push(format!("way {} ({note})", way.id));
            }
            geometry
        };
        let entrances = entrances_on(raw, std::iter::once(way));
        if let Some(cat) = cat {
            if tags::is_private(&tags) && cat != Category::SchoolVenue {
                private += 1;
                dropped.push(private_dropped("way", way.id, &tags));
            } else {
                facilities.push(make_facility(
                    format!("osm:way/{}", way.id),
                    cat,
                    &tags,
                    geometry.clone(),
                    entrances.clone(),
                ));
            }
        }
        if residential && !is_line {
            areas.push(make_residential(
                format!("osm:way/{}", way.id),
                &tags,
                geometry,
                entrances,
            ));
        }
    }
    (facilities, areas, private, repaired, dropped)
}

/// The features of one relation into `out`: a track route, or a
/// multipolygon facility, residential area or administrative unit. A
/// relation whose rings (or route ways) are missing goes to `broken`.
/// Returns 1 when a facility was left out as private, else 0.
fn relation_features(
    raw: &RawOsm,
    rel: &OsmRelation,
    out: &mut OsmFeatures,
    broken: &mut Vec<i64>,
) -> usize {
    let tags = raw.tags(rel.tags);
    let kind = tags.get("type").unwrap_or("");
    let cat = tags::facility_category(&tags);
    let residential = tags::is_residential(&tags);
    let admin = tags.is("boundary", "administrative");
    if kind == "route" {
        if cat == Some(Category::Track) {
            let lines: Vec<LineString<f64>> = member_ways(raw, rel)
                .filter_map(|w| way_coords(raw, w).map(LineString::from))
                .collect();
            if lines.is_empty() {
                broken.push(rel.id);
            } else {
                out.facilities.push(make_facility(
                    format!("osm:relation/{}", rel.id),
                    Category::Track,
                    &tags,
                    Geometry::MultiLineString(MultiLineString::new(lines)),
                    Vec::new(),
                ));
            }
        }
        return 0;
    }
    if cat.is_none() && !residential && !admin {
        return 0;
    }
    let Some(mp) = assemble_multipolygon(raw, rel) else {
        broken.push(rel.id);
        return 0;
    };
    let mp = match super::repair::repair_geometry(Geometry::MultiPolygon(mp)) {
        (Geometry::MultiPolygon(fixed), note) => {
            if let Some(note) = note {
                out.dropped
                    .push(repaired_dropped("relation", rel.id, &tags, &note));
                out.repaired.push(format!("relation {} ({note})", rel.id));
            }
            fixed
        }
        (_, _) => unreachable!("a multipolygon stays a multipolygon"),
    };
    let entrances = entrances_on(raw, member_ways(raw, rel));
    let id = format!("osm:relation/{}", rel.id);
    let mut private = 0;
    if let Some(cat) = cat {
        if tags::is_private(&tags) && cat != Category::SchoolVenue {
            private = 1;
            out.dropped.push(private_dropped("relation", rel.id, &tags));
        } else {
            out.facilities.push(make_facility(
                id.clone(),
                cat,
                &tags,
                Geometry::MultiPolygon(mp.clone()),
                entrances.clone(),
            ));
        }
    }
    if residential {
        out.residential.push(make_residential(
            id.clone(),
            &tags,
            Geometry::MultiPolygon(mp.clone()),
            entrances,
        ));
    }
    if admin && let Some(level) = tags.get("admin_level").and_then(|l| l.parse::<u8>().ok()) {
        out.units.push((
            level,
            AdminUnit {
                id,
                name: tags.get("name").unwrap_or("").to_string(),
                geometry: mp,
            },
        ));
    }
    private
}

/// Coordinates of a way's nodes; `None` if fewer than 2 are present.
fn way_coords(raw: &RawOsm, way: &OsmWay) -> Option<Vec<Coord<f64>>> {
    let coords: Vec<Coord<f64>> = raw
        .nodes(way)
        .iter()
        .filter_map(|id| raw.coord(*id))
        .map(|[x, y]| Coord { x, y })
        .collect();
    (coords.len() >= 2 && coords.len() == raw.nodes(way).len()).then_some(coords)
}

fn member_ways<'a>(raw: &'a RawOsm, rel: &'a OsmRelation) -> impl Iterator<Item = &'a OsmWay> {
    rel.members
        .iter()
        .filter(|m| m.kind == MemberKind::Way)
        .filter_map(|m| raw.way(m.id))
}

/// Entrance nodes (`entrance=*`, `barrier=gate`) on the given ways.
fn entrances_on<'a>(raw: &RawOsm, ways: impl Iterator<Item = &'a OsmWay>) -> Vec<Point<f64>> {
    let mut out = Vec::new();
    for way in ways {
        for id in raw.nodes(way) {
            if let Some(n) = raw.tagged_node(*id) {
                if tags::is_entrance(&raw.tags(n.tags)) {
                    let p = Point::new(n.lon, n.lat);
                    if !out.contains(&p) {
                        out.push(p);
                    }
                }
            }
        }
    }
    out
}

/// Assemble the rings of a multipolygon / boundary relation. `None` when a
/// member way is missing or a ring does not close.
pub fn assemble_multipolygon(raw: &RawOsm, rel: &OsmRelation) -> Option<MultiPolygon<f64>> {
    let mut outers: Vec<Vec<i64>> = Vec::new();
    let mut inners: Vec<Vec<i64>> = Vec::new();
    for m in rel.members.iter().filter(|m| m.kind == MemberKind::Way) {
        let way = raw.way(m.id)?;
        if raw.nodes(way).len() < 2 {
            return None;
        }
        match m.role.as_str() {
            "inner" => inners.push(raw.nodes(way).to_vec()),
            // "outer", "" (old style) and admin roles count as outer.
            "outer" | "" => outers.push(raw.nodes(way).to_vec()),
            _ => {}
        }
    }
    if outers.is_empty() {
        return None;
    }
    let outer_rings = join_rings(outers)?;
    let inner_rings = join_rings(inners)?;
    let to_ls = |ring: &[i64]| -> Option<LineString<f64>> {
        let coords: Option<Vec<Coord<f64>>> = ring
            .iter()
            .map(|id| raw.coord(*id).map(|[x, y]| Coord { x, y }))
            .collect();
        Some(LineString::from(coords?))
    };
    let mut polys: Vec<(Polygon<f64>, Vec<LineString<f64>>)> = Vec::new();
    for ring in &outer_rings {
        polys.push((Polygon::new(to_ls(ring)?, vec![]), Vec::new()));
    }
    for ring in &inner_rings {
        let ls = to_ls(ring)?;
        let probe = Point::from(ls.0[0]);
        if let Some(slot) = polys.iter_mut().find(|(p, _)| p.contains(&probe)) {
            slot.1.push(ls);
        }
    }
    Some(MultiPolygon::new(
        polys
            .into_iter()
            .map(|(p, holes)| Polygon::new(p.exterior().clone(), holes))
            .collect(),
    ))
}

/// Join node-id sequences into closed rings by matching end points.
fn join_rings(mut parts: Vec<Vec<i64>>) -> Option<Vec<Vec<i64>>> {
    let mut rings = Vec::new();
    while let Some(mut ring) = parts.pop() {
        while ring.first() != ring.last() {
            let end = *ring.last()?;
            let pos = parts
                .iter()
                .position(|p| p.first() == Some(&end) || p.last() == Some(&end))?;
            let mut next = parts.swap_remove(pos);
            if next.first() != Some(&end) {
                next.reverse();
            }
            ring.extend_from_slice(&next[1..]);
        }
        if ring.len() < 4 {
            return None;
        }
        rings.push(ring);
    }
    Some(rings)
}

fn parse_f64(tags: &Tags, key: &str) -> Option<f64> {
    tags.get(key)
        .and_then(|v| {
            v.trim()
                .replace(',', ".")
                .split_whitespace()
                .next()?
                .parse()
                .ok()
        })
        .filter(|v: &f64| v.is_finite() && *v >= 0.0)
}

fn make_facility(
    id: String,
    category: Category,
    tags: &Tags,
    geometry: Geometry<f64>,
    entrances: Vec<Point<f64>>,
) -> Facility {
    let (default_out, default_in) = category.default_area();
    let footprint = crate::spatial::geodesic_area_m2(&geometry);
    let trail_len = match &geometry {
        Geometry::LineString(l) => Some(Geodesic.length(l)),
        Geometry::MultiLineString(l) => Some(l.iter().map(|l| Geodesic.length(l)).sum()),
        _ => None,
    };
    let (area_m2, floor_area_m2, area_source) = match footprint {
        Some(a) if category.is_indoor() || tags.has("building") => {
            let levels = parse_f64(tags, "building:levels").unwrap_or(1.0).max(1.0);
            (0.0, a * levels, AreaSource::Geometry)
        }
        Some(a) => (a, 0.0, AreaSource::Geometry),
        None => match trail_len {
            // A trail or track drawn as a line: 2 m wide by default.
            Some(len) if category == Category::Track => (len * 2.0, 0.0, AreaSource::Geometry),
            _ => (default_out, default_in, AreaSource::Default),
        },
    };
    let (open_to_public, opening_hours) = if category == Category::SchoolVenue {
        (
            tags::school_open_to_public(tags),
            tags.get("opening_hours").map(str::to_string),
        )
    } else {
        (None, tags.get("opening_hours").map(str::to_string))
    };
    Facility {
        id,
        name: tags.get("name").unwrap_or("").to_string(),
        category,
        status: Status::Existing,
        area_m2,
        floor_area_m2,
        area_source,
        opening_hours,
        open_to_public,
        school_id: None,
        build_year: osm_build_year(tags),
        geometry,
        entrances,
        note: None,
        subtype: tags
            .get("sport")
            .map(|s| s.split(';').next().unwrap_or(s).trim().to_string()),
        equipment_generation: tags
            .get("equipment_generation")
            .or_else(|| tags.get("fitness_station:generation"))
            .and_then(|v| v.trim().parse().ok()),
        plan: tags::plan_attributes(tags),
    }
}

/// The year of `start_date` (its first four characters, `1968-05` is
/// 1968) within [`super::bounds::BUILD_YEAR`]; `None` otherwise (OSM dates
/// are often approximate, `C19`, `~1950`: left out rather than refused).
fn osm_build_year(tags: &Tags) -> Option<i32> {
    let year: i32 = tags.get("start_date")?.get(..4)?.parse().ok()?;
    super::bounds::BUILD_YEAR.check(f64::from(year)).ok()?;
    Some(year)
}

fn make_residential(
    id: String,
    tags: &Tags,
    geometry: Geometry<f64>,
    entrances: Vec<Point<f64>>,
) -> Residential {
    let mut problem = None;
    let mut read = |key: &str, bound: &super::bounds::Bound| -> Option<f64> {
        let v = tags.get(key)?;
        bound
            .parse(v)
            .map_err(|e| problem.get_or_insert(format!("tag {key}={v:?}: {e}")))
            .ok()
    };
    let population = read("population", &super::bounds::POPULATION);
    let households = read("households", &super::bounds::HOUSEHOLDS)
        .or_else(|| read("addr:households", &super::bounds::HOUSEHOLDS));
    Residential {
        community: Community {
            id,
            name: tags.get("name").unwrap_or("").to_string(),
            population: population.unwrap_or(0.0),
            population_source: PopulationSource::Given,
            households,
            build_year: osm_build_year(tags),
            geometry,
            entrances,
            groups: Default::default(),
        },
        population,
        problem,
    }
}

/// Mark pitches and other facilities lying inside a school's grounds with the
/// school's id (school venues themselves excepted).
fn link_school_pitches(facilities: &mut [Facility]) {
    let schools: Vec<(String, MultiPolygon<f64>)> = facilities
        .iter()
        .filter(|f| f.category == Category::SchoolVenue)
        .filter_map(|f| match &f.geometry {
            Geometry::Polygon(p) => Some((f.id.clone(), MultiPolygon::new(vec![p.clone()]))),
            Geometry::MultiPolygon(p) => Some((f.id.clone(), p.clone())),
            _ => None,
        })
        .filter(|(_, mp)| mp.unsigned_area() > 0.0)
        .collect();
    if schools.is_empty() {
        return;
    }
    // R-tree of school bounding boxes, so each facility tests only the
    // schools whose box contains it (linear, not facilities x schools).
    let boxes: Vec<GeomWithData<Rectangle<[f64; 2]>, usize>> = schools
        .iter()
        .enumerate()
        .filter_map(|(i, (_, mp))| {
            mp.bounding_rect().map(|r| {
                GeomWithData::new(
                    Rectangle::from_corners([r.min().x, r.min().y], [r.max().x, r.max().y]),
                    i,
                )
            })
        })
        .collect();
    let tree = RTree::bulk_load(boxes);
    // Each facility is looked up on its own: in parallel, in place.
    facilities.par_iter_mut().for_each(|f| {
        if f.category == Category::SchoolVenue {
            return;
        }
        let Some(c) = f.geometry.centroid() else {
            return;
        };
        let mut hits: Vec<usize> = tree
            .locate_all_at_point(&[c.x(), c.y()])
            .map(|it| it.data)
            .collect();
        hits.sort_unstable();
        if let Some(&i) = hits.iter().find(|&&i| schools[i].1.contains(&c)) {
            f.school_id = Some(schools[i].0.clone());
        }
    });
}

/// Count facilities per category (for summaries and tests).
pub fn category_counts(facilities: &[Facility]) -> HashMap<Category, usize> {
    let mut m = HashMap::new();
    for f in facilities {
        *m.entry(f.category).or_insert(0) += 1;
    }
    m
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::input::osm_xml::parse_osm_xml;
    use std::path::Path;

    /// A school (with a gate) holding a football pitch, a private fitness
    /// station, a footway clipped at the edge of the extract, a street
    /// closed to walkers, a residential block with a population, an
    /// administrative unit drawn as two half rings, a fitness trail route
    /// and a park relation whose member way is missing.
    const XML: &str = r#"<osm>
  <node id="1" lat="60.170" lon="24.940"/>
  <node id="2" lat="60.170" lon="24.942"><tag k="barrier" v="gate"/></node>
  <node id="3" lat="60.171" lon="24.942"/>
  <node id="4" lat="60.171" lon="24.940"/>
  <node id="5" lat="60.1705" lon="24.941">
    <tag k="leisure" v="pitch"/><tag k="sport" v="soccer;basketball"/><tag k="name" v="Kenttä"/>
  </node>
  <node id="6" lat="60.18" lon="24.95">
    <tag k="leisure" v="fitness_station"/><tag k="access" v="private"/>
  </node>
  <node id="7" lat="60.160" lon="24.930"/>
  <node id="8" lat="60.160" lon="24.931"/>
  <node id="10" lat="60.160" lon="24.933"/>
  <node id="11" lat="60.160" lon="24.934"/>
  <node id="20" lat="60.150" lon="24.920"/>
  <node id="21" lat="60.150" lon="24.921"/>
  <node id="22" lat="60.151" lon="24.921"/>
  <node id="23" lat="60.151" lon="24.920"/>
  <way id="100">
    <nd ref="1"/><nd ref="2"/><nd ref="3"/><nd ref="4"/><nd ref="1"/>
    <tag k="amenity" v="school"/><tag k="name" v="Koulu"/><tag k="access" v="yes"/>
  </way>
  <way id="101">
    <nd ref="7"/><nd ref="8"/><nd ref="99"/><nd ref="10"/><nd ref="11"/>
    <tag k="highway" v="footway"/><tag k="oneway:foot" v="yes"/>
  </way>
  <way id="102">
    <nd ref="8"/><nd ref="10"/>
    <tag k="highway" v="residential"/><tag k="foot" v="no"/>
  </way>
  <way id="103">
    <nd ref="20"/><nd ref="21"/><nd ref="22"/><nd ref="23"/><nd ref="20"/>
    <tag k="landuse" v="residential"/><tag k="population" v="1200"/>
    <tag k="name" v="Kortteli"/><tag k="start_date" v="1968-05"/>
  </way>
  <way id="104"><nd ref="20"/><nd ref="21"/><nd ref="22"/></way>
  <way id="105"><nd ref="20"/><nd ref="23"/><nd ref="22"/></way>
  <relation id="200">
    <member type="way" ref="104" role="outer"/>
    <member type="way" ref="105" role="outer"/>
    <tag k="type" v="boundary"/><tag k="boundary" v="administrative"/>
    <tag k="admin_level" v="8"/><tag k="name" v="Kallio"/>
  </relation>
  <relation id="201">
    <member type="way" ref="999" role="outer"/>
    <tag k="type" v="multipolygon"/><tag k="leisure" v="park"/>
  </relation>
  <relation id="202">
    <member type="way" ref="101" role=""/>
    <member type="way" ref="102" role=""/>
    <tag k="type" v="route"/><tag k="route" v="fitness_trail"/><tag k="name" v="Polku"/>
  </relation>
</osm>"#;

    fn features() -> (RawOsm, OsmFeatures) {
        let raw = parse_osm_xml(XML, Path::new("tiny.osm")).unwrap();
        let features = extract(&raw);
        (raw, features)
    }

    #[test]
    fn walkable_ways_keep_runs_inside_the_extract() {
        let (raw, f) = features();
        // Way 101 loses node 99: two runs; way 102 is closed to walkers.
        assert_eq!(f.walk_ways.len(), 2);
        let ids: Vec<Vec<i64>> = f
            .walk_ways
            .iter()
            .map(|w| {
                f.nodes(w)
                    .iter()
                    .map(|&k| raw.node_ids[k as usize])
                    .collect()
            })
            .collect();
        assert_eq!(ids, vec![vec![7, 8], vec![10, 11]]);
        for w in &f.walk_ways {
            assert_eq!(w.id, 101);
            assert!(w.forward && !w.backward);
        }
        let input = f.walk_input(&raw);
        assert_eq!(input.ways.len(), 2);
        assert_eq!(input.node_coords.len(), raw.node_ids.len());
    }

    #[test]
    fn facilities_from_nodes_ways_and_routes() {
        let (_, f) = features();
        let ids: Vec<&str> = f.facilities.iter().map(|f| f.id.as_str()).collect();
        // Nodes first, then ways, then relations; the private station is out.
        assert_eq!(ids, ["osm:node/5", "osm:way/100", "osm:relation/202"]);

        let pitch = &f.facilities[0];
        assert_eq!(pitch.category, Category::FootballPitch);
        assert_eq!(pitch.name, "Kenttä");
        assert_eq!(pitch.subtype.as_deref(), Some("soccer"));
        assert_eq!(pitch.geometry, Geometry::Point(Point::new(24.941, 60.1705)));
        assert_eq!(
            (pitch.area_m2, pitch.area_source),
            (800.0, AreaSource::Default)
        );
        // Inside the school's grounds.
        assert_eq!(pitch.school_id.as_deref(), Some("osm:way/100"));

        let school = &f.facilities[1];
        assert_eq!(school.category, Category::SchoolVenue);
        assert_eq!(school.name, "Koulu");
        assert_eq!(school.open_to_public, Some(true));
        assert_eq!(school.school_id, None);
        assert!(matches!(school.geometry, Geometry::Polygon(_)));
        // About 111 m x 111 m at 60 N.
        assert_eq!(school.area_source, AreaSource::Geometry);
        assert!(
            (school.area_m2 - 12_400.0).abs() < 150.0,
            "{}",
            school.area_m2
        );
        assert_eq!(school.entrances, vec![Point::new(24.942, 60.170)]);

        // The trail: both member ways, each whole (a way with a missing
        // node is left out), as lines 2 m wide.
        let trail = &f.facilities[2];
        assert_eq!(trail.category, Category::Track);
        let Geometry::MultiLineString(lines) = &trail.geometry else {
            panic!("{:?}", trail.geometry);
        };
        assert_eq!(lines.0.len(), 1);
        assert_eq!(lines.0[0].0.len(), 2);
        let len = Geodesic.length(&lines.0[0]);
        assert!((trail.area_m2 - 2.0 * len).abs() < 1e-9);
    }

    #[test]
    fn residential_areas_and_units() {
        let (_, f) = features();
        assert_eq!(f.residential.len(), 1);
        let r = &f.residential[0];
        assert_eq!(r.community.id, "osm:way/103");
        assert_eq!(r.community.name, "Kortteli");
        assert_eq!(r.population, Some(1200.0));
        assert_eq!(r.community.population, 1200.0);
        assert_eq!(r.community.build_year, Some(1968));
        assert!(matches!(r.community.geometry, Geometry::Polygon(_)));

        assert_eq!(f.units.len(), 1);
        let (level, unit) = &f.units[0];
        assert_eq!(*level, 8);
        assert_eq!(unit.id, "osm:relation/200");
        assert_eq!(unit.name, "Kallio");
        // Two half rings joined into one closed ring of 5 positions.
        assert_eq!(unit.geometry.0.len(), 1);
        let ring = unit.geometry.0[0].exterior();
        assert_eq!(ring.0.len(), 5);
        assert_eq!(ring.0.first(), ring.0.last());
    }

    #[test]
    fn warnings_count_what_was_left_out() {
        let (_, f) = features();
        assert_eq!(
            f.warnings,
            vec![
                "1 walkable ways reference nodes missing from the extract (clipped at its \
                 edge); kept the runs of nodes that are present"
                    .to_string(),
                "1 multipolygon/boundary relations skipped because their rings could not be \
                 assembled (member ways missing from the extract or rings not closed): \
                 relation 201"
                    .to_string(),
                "1 facilities tagged access=private/no left out (not open to residents)"
                    .to_string(),
            ]
        );
        let counts = category_counts(&f.facilities);
        assert_eq!(counts[&Category::FootballPitch], 1);
        assert_eq!(counts[&Category::SchoolVenue], 1);
        assert!(!counts.contains_key(&Category::FitnessStation));
    }
}
