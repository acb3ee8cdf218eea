//! A deterministic synthetic city, written as an OpenStreetMap PBF file that
//! fitcircle (and osmium, osmpbf...) read like a real extract: for tests and
//! benchmarks at any size up to millions of walking-graph nodes.
//!
//! The city (planned in `synth/city.rs`) is a curved street grid: arterials
//! (`highway=primary|secondary`) every 400-600 m, local streets and footpaths
//! every 80-150 m drawn as multi-node ways sharing nodes at junctions, some
//! `highway=steps` and some `foot=no` service roads; a ring motorway
//! (`highway=motorway`, not walkable) that crosses streets without sharing
//! nodes; a river (`waterway=river`) from south to north that streets stop
//! at, crossed by a few bridges; a few islets in the river with footpath
//! loops connected to nothing; compounds of flats (`landuse=residential`
//! with a `population` of 20,000-40,000 per km2 and `entrance` nodes shared
//! with footways to the street); and sports facilities of every fitcircle
//! category, plus schools with pitches and tracks inside, whose density
//! falls with distance from the south-west corner and is zero in some
//! districts, so the north-east is under-served.
//!
//! The file is streamed: bands of the grid are generated in parallel, a
//! chunk at a time, and written as they are encoded, nodes first, then ways,
//! then relations (the usual `Sort.Type_then_ID` order). Memory stays
//! proportional to one chunk of bands. The same parameters give a
//! byte-identical file.

#![warn(missing_docs)]

mod city;
pub mod pbf;
pub mod rng;

use std::io::Write;

use rayon::prelude::*;

use pbf::BlockStats;

/// Why a city cannot be generated.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum SynthError {
    /// The parameters describe a city that cannot be laid out (an origin
    /// off the globe, or a city that would cross a pole or the antimeridian).
    #[error("configuration synth: {0}")]
    Params(String),
}

/// Which kind of OSM element a set of tags belongs to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Element {
    /// A node.
    Node,
    /// A way; `closed` when its first and last node are the same.
    Way {
        /// First node equals last node.
        closed: bool,
    },
    /// A relation.
    Relation,
}

/// What a reader makes of one element, for [`SynthStats`].
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Meaning {
    /// A way walkers may use.
    pub walkable: bool,
    /// A sports facility the reader keeps.
    pub facility: bool,
    /// A residential area (its `population` tag is summed).
    pub residential: bool,
}

/// The tag rules of the reader the city is made for: the generator counts
/// what that reader will see (walkable ways, facilities, residential areas)
/// without depending on it. [`NoRules`] counts nothing.
pub trait TagRules: Sync {
    /// The meaning of one element's tags (`(key, value)` in file order).
    fn classify(&self, tags: &[(&str, &str)], element: Element) -> Meaning;
}

/// Tag rules that see nothing: only element counts and the box are known.
#[derive(Debug, Clone, Copy, Default)]
pub struct NoRules;

impl TagRules for NoRules {
    fn classify(&self, _: &[(&str, &str)], _: Element) -> Meaning {
        Meaning::default()
    }
}

/// What city to generate.
#[derive(Debug, Clone, PartialEq)]
pub struct SynthParams {
    /// Approximate number of nodes of the walking graph fitcircle builds from
    /// the file (junctions and way ends, not OSM nodes; there are about four
    /// OSM nodes per graph node). Met within a few per cent from 2,000 up.
    pub target_nodes: usize,
    /// Seed: the same seed and parameters give a byte-identical file.
    pub seed: u64,
    /// `[lon, lat]` of the city's south-west corner (WGS-84).
    pub origin: [f64; 2],
}

impl Default for SynthParams {
    fn default() -> Self {
        SynthParams {
            target_nodes: 50_000,
            seed: 1,
            origin: [116.30, 39.85],
        }
    }
}

/// What was written.
#[derive(Debug, Clone, PartialEq)]
pub struct SynthStats {
    /// OSM nodes in the file.
    pub nodes: usize,
    /// OSM ways in the file.
    pub ways: usize,
    /// OSM relations in the file.
    pub relations: usize,
    /// Ways walkers may use under the [`TagRules`] given.
    pub walkable_ways: usize,
    /// Elements fitcircle takes as sports facilities (school grounds
    /// included, private facilities not).
    pub facilities: usize,
    /// Closed `landuse=residential` ways, all with a `population` tag.
    pub residential_areas: usize,
    /// Sum of their `population` tags.
    pub population: u64,
    /// `[min_lon, min_lat, max_lon, max_lat]` of all nodes.
    pub bbox: [f64; 4],
}

/// Elements per PBF block (the usual 8000).
const PER_BLOCK: usize = 8_000;
/// Elements generated per chunk of bands, about.
const CHUNK_ELEMENTS: usize = 160_000;

/// A block encoder with the tag rules its counts use.
type Encoder<'a, T> = (
    fn(&[T], &dyn TagRules) -> (Vec<u8>, BlockStats),
    &'a dyn TagRules,
);

/// Encode and write the full blocks of `pending` (all of it when `last`),
/// blocks encoded and compressed in parallel, written in order.
fn flush<T: Sync>(
    out: &mut dyn Write,
    pending: &mut Vec<T>,
    last: bool,
    (encode, rules): Encoder<'_, T>,
    stats: &mut BlockStats,
) -> std::io::Result<()> {
    let blocks = if last {
        pending.len().div_ceil(PER_BLOCK)
    } else {
        pending.len() / PER_BLOCK
    };
    let take = (blocks * PER_BLOCK).min(pending.len());
    if take == 0 {
        return Ok(());
    }
    let encoded: Vec<(Vec<u8>, BlockStats)> = pending[..take]
        .par_chunks(PER_BLOCK)
        .map(|chunk| {
            let (raw, st) = encode(chunk, rules);
            (pbf::file_block("OSMData", &raw), st)
        })
        .collect();
    for (bytes, st) in encoded {
        out.write_all(&bytes)?;
        stats.add(&st);
    }
    pending.drain(..take);
    Ok(())
}

/// Most walking-graph nodes a city may be asked for (about 600 MB of PBF).
pub const MAX_NODES: usize = 20_000_000;

/// A planned city: [`City::plan`] checks the parameters, [`City::write`]
/// streams the PBF file.
#[derive(Debug)]
pub struct City {
    layout: city::Layout,
}

impl City {
    /// Plan the city described by `params`. Errors: [`SynthError::Params`]
    /// for an origin the city cannot fit at.
    pub fn plan(params: &SynthParams) -> Result<City, SynthError> {
        if params.target_nodes > MAX_NODES {
            return Err(SynthError::Params(format!(
                "a city of {} walking-graph nodes: give at most {MAX_NODES} (a 200,000-node city \
                 is about 6 MB of PBF)",
                params.target_nodes
            )));
        }
        Ok(City {
            layout: city::Layout::new(params)?,
        })
    }

    /// Write the city to `out` as an OSM PBF file, counting what a reader
    /// with `rules` will see. Memory stays proportional to one chunk of
    /// bands; the same parameters give the same bytes.
    pub fn write(&self, rules: &dyn TagRules, out: &mut dyn Write) -> std::io::Result<SynthStats> {
        let stats = write_pbf(&self.layout, rules, out)?;
        Ok(stats.finish())
    }
}

impl BlockStats {
    fn finish(self) -> SynthStats {
        // As PBF readers compute degrees (nanodegrees times 1e-9), so the box
        // holds the coordinates they return exactly.
        let deg = |v: i32| 1e-9 * (i64::from(v) * 100) as f64;
        SynthStats {
            nodes: self.nodes,
            ways: self.ways,
            relations: self.relations,
            walkable_ways: self.walkable_ways,
            facilities: self.facilities,
            residential_areas: self.residential_areas,
            population: self.population,
            bbox: [
                deg(self.bbox[0]),
                deg(self.bbox[1]),
                deg(self.bbox[2]),
                deg(self.bbox[3]),
            ],
        }
    }
}

/// Stream the whole file: header, nodes, ways, relations.
fn write_pbf(
    lay: &city::Layout,
    rules: &dyn TagRules,
    out: &mut dyn Write,
) -> std::io::Result<BlockStats> {
    out.write_all(&pbf::file_block(
        "OSMHeader",
        &pbf::encode_header(lay.bbox_deg()),
    ))?;
    let mut stats = BlockStats::empty();
    let bands = lay.bands();
    let chunk = (CHUNK_ELEMENTS / (lay.nx * 15)).max(2);

    // Nodes, band by band (ids rise with the band).
    let mut nodes = Vec::new();
    for start in (0..bands).step_by(chunk) {
        let end = (start + chunk).min(bands);
        let parts: Vec<_> = (start..end)
            .into_par_iter()
            .map(|j| lay.band(j, true, false).nodes)
            .collect();
        for p in parts {
            nodes.extend(p);
        }
        flush(
            out,
            &mut nodes,
            end == bands,
            (pbf::encode_nodes, rules),
            &mut stats,
        )?;
    }

    // Ways, band by band, then the ring motorway and the river; relations
    // are few and kept until the end.
    let mut ways = Vec::new();
    let mut relations = Vec::new();
    for start in (0..bands).step_by(chunk) {
        let end = (start + chunk).min(bands);
        let parts: Vec<_> = (start..end)
            .into_par_iter()
            .map(|j| lay.band(j, false, true))
            .collect();
        for p in parts {
            ways.extend(p.ways);
            relations.extend(p.relations);
        }
        flush(out, &mut ways, false, (pbf::encode_ways, rules), &mut stats)?;
    }
    ways.extend(lay.global_ways(lay.global_way_base()));
    flush(out, &mut ways, true, (pbf::encode_ways, rules), &mut stats)?;

    for (k, r) in relations.iter_mut().enumerate() {
        r.id = k as i64 + 1;
    }
    flush(
        out,
        &mut relations,
        true,
        (pbf::encode_relations, rules),
        &mut stats,
    )?;
    Ok(stats)
}
