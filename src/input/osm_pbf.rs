//! OpenStreetMap PBF reader (crate `osmpbf`). Blobs are decoded in parallel
//! with rayon; each block yields a partial [`RawOsm`] and the parts are merged
//! and sorted by id, so the result does not depend on thread scheduling.
//!
//! Every node's coordinate is kept (ways need them); tags are kept only for
//! elements whose primary keys matter to fitcircle (see [`keep_node_tags`],
//! [`keep_way_tags`]), which keeps memory proportional to the walkable city.

use std::path::Path;

use osmpbf::{BlobDecode, BlobReader, Element, RelMemberType};
use rayon::prelude::*;

use super::osm::{Member, MemberKind, RawOsm};
use crate::{Error, Result};

/// Node tag keys that make a node worth keeping with its tags.
const NODE_KEYS: &[&str] = &[
    "leisure", "sport", "amenity", "entrance", "barrier", "landuse", "building",
];

/// Way tag keys that make a way's tags worth keeping.
const WAY_KEYS: &[&str] = &[
    "highway", "leisure", "sport", "amenity", "landuse", "building", "boundary", "route",
    "entrance",
];

/// True when a node with these tag keys is kept with its tags.
pub fn keep_node_tags<'a>(mut keys: impl Iterator<Item = &'a str>) -> bool {
    keys.any(|k| NODE_KEYS.contains(&k))
}

/// True when a way with these tag keys is kept with its tags.
pub fn keep_way_tags<'a>(mut keys: impl Iterator<Item = &'a str>) -> bool {
    keys.any(|k| WAY_KEYS.contains(&k))
}

/// Read an OSM PBF file. Errors name the file and say what to do when the file
/// is missing, empty, truncated or not PBF.
pub fn read_osm_pbf(path: &Path) -> Result<RawOsm> {
    let meta = std::fs::metadata(path).map_err(|source| super::table::read_error(path, source))?;
    if meta.is_dir() {
        return Err(super::table::read_error(
            path,
            std::io::Error::from(std::io::ErrorKind::IsADirectory),
        ));
    }
    if meta.len() == 0 {
        return Err(Error::file(
            path,
            "the file is empty; give an OpenStreetMap .osm.pbf extract",
        ));
    }
    let reader = BlobReader::from_path(path).map_err(|e| pbf_error(path, e))?;
    // Read the (compressed) blobs in file order, then decode them in
    // parallel keeping that order: a sorted file stays sorted, and
    // `finish` has nothing to sort.
    let blobs: Vec<osmpbf::Blob> = reader
        .map(|blob| blob.map_err(|e| pbf_error(path, e)))
        .collect::<Result<_>>()?;
    // Decode a batch of blobs at a time and append it before the next: the
    // decoded parts of the whole file never exist next to the joined
    // arrays (that doubled the peak memory of reading a city). Appending
    // (one thread, in file order) runs beside the next batch's decoding.
    const BATCH: usize = 128;
    let mut raw = RawOsm::default();
    let any_block = !blobs.is_empty();
    let decode = |batch: &[osmpbf::Blob]| -> Vec<Result<RawOsm>> {
        batch
            .par_iter()
            .map(
                |blob| match blob.decode().map_err(|e| pbf_error(path, e))? {
                    BlobDecode::OsmData(block) => Ok(decode_block(&block)),
                    _ => Ok(RawOsm::default()),
                },
            )
            .collect()
    };
    let mut batches = blobs.chunks(BATCH);
    let mut decoded = batches.next().map(decode);
    while let Some(parts) = decoded {
        let next = batches.next();
        let appended;
        (decoded, appended) = rayon::join(
            || next.map(decode),
            || -> Result<()> {
                for part in parts {
                    raw.append(part?);
                }
                Ok(())
            },
        );
        appended?;
    }
    drop(blobs);
    if !any_block {
        return Err(Error::file(
            path,
            "no OSM data blocks found; is this really an .osm.pbf file?",
        ));
    }
    if raw.too_large() {
        return Err(Error::file(
            path,
            "the extract is too large (over 4 billion way nodes or 4 GB of tags); cut it \
             to the study area (osmium extract)",
        ));
    }
    raw.finish();
    Ok(raw)
}

fn pbf_error(path: &Path, e: osmpbf::Error) -> Error {
    Error::file(
        path,
        format!(
            "not a readable OSM PBF file ({e}); the file may be truncated or corrupt: \
             download the extract again or convert it with osmium"
        ),
    )
}

fn decode_block(block: &osmpbf::PrimitiveBlock) -> RawOsm {
    let mut raw = RawOsm::default();
    block.for_each_element(|el| match el {
        Element::DenseNode(n) => {
            raw.node_ids.push(n.id());
            raw.node_coords.push([n.lon(), n.lat()]);
            if keep_node_tags(n.tags().map(|(k, _)| k)) {
                raw.push_tagged_node(n.id(), n.lon(), n.lat(), n.tags());
            }
        }
        Element::Node(n) => {
            raw.node_ids.push(n.id());
            raw.node_coords.push([n.lon(), n.lat()]);
            if keep_node_tags(n.tags().map(|(k, _)| k)) {
                raw.push_tagged_node(n.id(), n.lon(), n.lat(), n.tags());
            }
        }
        Element::Way(w) => {
            let keep = keep_way_tags(w.tags().map(|(k, _)| k));
            raw.push_way(w.id(), w.refs(), w.tags().filter(|_| keep));
        }
        Element::Relation(r) => {
            let kind = r.tags().find(|(k, _)| *k == "type").map_or("", |t| t.1);
            if matches!(kind, "multipolygon" | "boundary" | "route") {
                let members = r
                    .members()
                    .map(|m| Member {
                        kind: match m.member_type {
                            RelMemberType::Node => MemberKind::Node,
                            RelMemberType::Way => MemberKind::Way,
                            RelMemberType::Relation => MemberKind::Relation,
                        },
                        id: m.member_id,
                        role: m.role().unwrap_or("").to_string(),
                    })
                    .collect();
                raw.push_relation(r.id(), members, r.tags());
            }
        }
    });
    raw
}
