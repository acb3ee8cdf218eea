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
    AdminUnit, AreaSource, Category, Community, Facility, PopulationSource, Status,
};

pub use crate::graph::build::{WalkWay, WalkWays};

/// A residential area from OSM, with its population tag if present.
#[derive(Debug, Clone)]
pub struct Residential {
    pub community: Community,
    /// `population` tag, if present and valid.
    pub population: Option<f64>,
}

/// Everything fitcircle uses from one OSM file.
#[derive(Debug, Clone, Default)]
pub struct OsmFeatures {
    pub walk_ways: Vec<WalkWay>,
    /// The walkable ways' nodes back to back, as positions in
    /// [`RawOsm::node_ids`] (looked up once here rather than again by the
    /// network builder).
    pub walk_nodes: Vec<u32>,
    pub facilities: Vec<Facility>,
    pub residential: Vec<Residential>,
    /// Administrative units with their `admin_level`.
    pub units: Vec<(u8, AdminUnit)>,
    /// Human-readable warnings (counts of skipped elements).
    pub warnings: Vec<String>,
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
    let mut missing_nodes_ways = 0usize;
    let mut private_facilities = 0usize;

    // Walkable ways (in parallel over blocks of ways, results in way
    // order): each block's ways and their nodes back to back.
    let blocks: Vec<(Vec<WalkWay>, Vec<u32>, usize)> = raw
        .ways
        .par_chunks(4096)
        .map(|ways| {
            const MISSING: u32 = u32::MAX;
            let (mut walk, mut nodes, mut clipped_ways) = (Vec::new(), Vec::new(), 0usize);
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
                clipped_ways += usize::from(clipped);
            }
            (walk, nodes, clipped_ways)
        })
        .collect();
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
        missing_nodes_ways += clipped;
    }
    if missing_nodes_ways > 0 {
        out.warnings.push(format!(
            "{missing_nodes_ways} walkable ways reference nodes missing from the extract \
             (clipped at its edge); kept the runs of nodes that are present"
        ));
    }

    // Ways used as relation members are not features on their own unless tagged.
    let mut broken_relations = Vec::new();

    // Facilities and schools from nodes (in parallel over blocks of nodes,
    // results in node order).
    let from_nodes: Vec<(Vec<Facility>, usize)> = raw
        .tagged_nodes
        .par_chunks(4096)
        .map(|nodes| {
            let (mut facilities, mut private) = (Vec::new(), 0usize);
            for node in nodes {
                let tags = raw.tags(node.tags);
                let Some(cat) = tags::facility_category(&tags) else {
                    continue;
                };
                if tags::is_private(&tags) && cat != Category::SchoolVenue {
                    private += 1;
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
    for (facilities, private) in from_nodes {
        out.facilities.extend(facilities);
        private_facilities += private;
    }

    // Facilities, residential areas from ways (in parallel over blocks of
    // ways, results in way order): per block its facilities, residential
    // areas and the number left out as private. Per block rather than per
    // way: a list of (facility, area) pairs for a city's million features
    // held them all twice at the peak of loading.
    let from_ways: Vec<(Vec<Facility>, Vec<Residential>, usize)> = raw
        .ways
        .par_chunks(4096)
        .map(|ways| {
            let (mut facilities, mut areas, mut private) = (Vec::new(), Vec::new(), 0usize);
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
                let is_line = !closed
                    || tags.is("area", "no")
                    || (tags.has("highway") && !tags.is("area", "yes"));
                let geometry = if is_line {
                    Geometry::LineString(LineString::from(coords))
                } else {
                    Geometry::Polygon(Polygon::new(LineString::from(coords), vec![]))
                };
                let entrances = entrances_on(raw, std::iter::once(way));
                if let Some(cat) = cat {
                    if tags::is_private(&tags) && cat != Category::SchoolVenue {
                        private += 1;
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
            (facilities, areas, private)
        })
        .collect();
    out.facilities
        .reserve(from_ways.iter().map(|b| b.0.len()).sum::<usize>());
    out.residential
        .reserve(from_ways.iter().map(|b| b.1.len()).sum::<usize>());
    for (facilities, areas, private) in from_ways {
        out.facilities.extend(facilities);
        out.residential.extend(areas);
        private_facilities += private;
    }

    // Relations: multipolygon facilities / residential areas, admin units, trails.
    for rel in &raw.relations {
        let kind = raw.tags(rel.tags).get("type").unwrap_or("");
        let cat = tags::facility_category(&raw.tags(rel.tags));
        let residential = tags::is_residential(&raw.tags(rel.tags));
        let admin = raw.tags(rel.tags).is("boundary", "administrative");
        if kind == "route" {
            if cat == Some(Category::Track) {
                let lines: Vec<LineString<f64>> = member_ways(raw, rel)
                    .filter_map(|w| way_coords(raw, w).map(LineString::from))
                    .collect();
                if lines.is_empty() {
                    broken_relations.push(rel.id);
                } else {
                    out.facilities.push(make_facility(
                        format!("osm:relation/{}", rel.id),
                        Category::Track,
                        &raw.tags(rel.tags),
                        Geometry::MultiLineString(MultiLineString::new(lines)),
                        Vec::new(),
                    ));
                }
            }
            continue;
        }
        if cat.is_none() && !residential && !admin {
            continue;
        }
        let Some(mp) = assemble_multipolygon(raw, rel) else {
            broken_relations.push(rel.id);
            continue;
        };
        let entrances = entrances_on(raw, member_ways(raw, rel));
        let id = format!("osm:relation/{}", rel.id);
        if let Some(cat) = cat {
            if tags::is_private(&raw.tags(rel.tags)) && cat != Category::SchoolVenue {
                private_facilities += 1;
            } else {
                out.facilities.push(make_facility(
                    id.clone(),
                    cat,
                    &raw.tags(rel.tags),
                    Geometry::MultiPolygon(mp.clone()),
                    entrances.clone(),
                ));
            }
        }
        if residential {
            out.residential.push(make_residential(
                id.clone(),
                &raw.tags(rel.tags),
                Geometry::MultiPolygon(mp.clone()),
                entrances,
            ));
        }
        if admin {
            if let Some(level) = raw
                .tags(rel.tags)
                .get("admin_level")
                .and_then(|l| l.parse::<u8>().ok())
            {
                out.units.push((
                    level,
                    AdminUnit {
                        id,
                        name: raw.tags(rel.tags).get("name").unwrap_or("").to_string(),
                        geometry: mp,
                    },
                ));
            }
        }
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
        build_year: tags
            .get("start_date")
            .and_then(|d| d.get(..4))
            .and_then(|y| y.parse().ok()),
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
    }
}

fn make_residential(
    id: String,
    tags: &Tags,
    geometry: Geometry<f64>,
    entrances: Vec<Point<f64>>,
) -> Residential {
    let population = parse_f64(tags, "population");
    let households = parse_f64(tags, "households").or_else(|| parse_f64(tags, "addr:households"));
    Residential {
        community: Community {
            id,
            name: tags.get("name").unwrap_or("").to_string(),
            population: population.unwrap_or(0.0),
            population_source: PopulationSource::Given,
            households,
            build_year: tags
                .get("start_date")
                .and_then(|d| d.get(..4))
                .and_then(|y| y.parse().ok()),
            geometry,
            entrances,
        },
        population,
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
