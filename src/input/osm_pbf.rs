//! OpenStreetMap PBF reader (crate `osmpbf`). Blobs are decoded in parallel
//! with rayon; each block yields a partial [`RawOsm`] and the parts are merged
//! and sorted by id, so the result does not depend on thread scheduling.
//!
//! Every node's coordinate is kept (ways need them); tags are kept only for
//! elements whose primary keys matter to fitcircle (see [`keep_node_tags`],
//! [`keep_way_tags`]), which keeps memory proportional to the walkable city.

use std::io::{BufRead, BufReader, Read};
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
        return Err(empty_error(path));
    }
    let reader = BlobReader::from_path(path).map_err(|e| pbf_error(path, e))?;
    decode_blobs(reader, path)
}

/// Read OSM PBF data held in memory. `source` names the data in error
/// messages (a file name, or e.g. `<upload>`); nothing is opened.
pub fn read_osm_pbf_bytes(bytes: &[u8], source: &Path) -> Result<RawOsm> {
    if bytes.is_empty() {
        return Err(empty_error(source));
    }
    decode_blobs(BlobReader::new(std::io::Cursor::new(bytes)), source)
}

/// Read OSM PBF data from a reader (a pipe, a socket, an open file).
/// `source` names the data in error messages. The reader is buffered here.
pub fn read_osm_pbf_from<R: Read + Send>(reader: R, source: &Path) -> Result<RawOsm> {
    let mut reader = BufReader::new(reader);
    let empty = reader
        .fill_buf()
        .map_err(|e| super::table::read_error(source, e))?
        .is_empty();
    if empty {
        return Err(empty_error(source));
    }
    decode_blobs(BlobReader::new(reader), source)
}

fn empty_error(source: &Path) -> Error {
    Error::file(
        source,
        "the file is empty; give an OpenStreetMap .osm.pbf extract",
    )
}

/// Read the (compressed) blobs of `reader` in order and decode them in
/// parallel into one [`RawOsm`] (already [`RawOsm::finish`]ed). `path`
/// names the data in error messages.
fn decode_blobs<R: Read + Send>(reader: BlobReader<R>, path: &Path) -> Result<RawOsm> {
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

#[cfg(test)]
mod tests {
    use super::*;
    use fitcircle_synth::NoRules;
    use fitcircle_synth::pbf::{
        MEMBER_WAY, Member as PbfMember, Node, Relation, Way, encode_header, encode_nodes,
        encode_relations, encode_ways, file_block,
    };
    use std::borrow::Cow;

    /// A small PBF file: a header, three nodes (one a fitness station, one
    /// with only a name), a footway, an untagged-for-fitcircle way and a
    /// multipolygon relation.
    fn sample() -> Vec<u8> {
        let node = |id: i64, lon: f64, lat: f64, tags: Vec<(&'static str, &'static str)>| Node {
            id,
            lat: (lat * 1e7).round() as i32,
            lon: (lon * 1e7).round() as i32,
            tags: tags
                .into_iter()
                .map(|(k, v)| (k, Cow::Borrowed(v)))
                .collect(),
        };
        let nodes = [
            node(1, 24.94, 60.17, vec![("leisure", "fitness_station")]),
            node(2, 24.941, 60.1701, vec![("name", "Corner")]),
            node(3, 24.9412, 60.1702, vec![]),
        ];
        let ways = [
            Way {
                id: 10,
                refs: vec![1, 2, 3],
                tags: vec![("highway", Cow::Borrowed("footway"))],
            },
            Way {
                id: 11,
                refs: vec![3, 1],
                tags: vec![("name", Cow::Borrowed("Nothing to keep"))],
            },
        ];
        let rels = [Relation {
            id: 100,
            members: vec![PbfMember {
                kind: MEMBER_WAY,
                id: 10,
                role: "outer",
            }],
            tags: vec![
                ("type", Cow::Borrowed("multipolygon")),
                ("leisure", Cow::Borrowed("park")),
            ],
        }];
        let mut out = file_block("OSMHeader", &encode_header([24.9, 60.1, 25.0, 60.2]));
        out.extend(file_block("OSMData", &encode_nodes(&nodes, &NoRules).0));
        out.extend(file_block("OSMData", &encode_ways(&ways, &NoRules).0));
        out.extend(file_block("OSMData", &encode_relations(&rels, &NoRules).0));
        out
    }

    fn check_sample(raw: &RawOsm) {
        assert_eq!(raw.node_ids, vec![1, 2, 3]);
        let [lon, lat] = raw.coord(2).unwrap();
        assert!((lon - 24.941).abs() < 1e-7 && (lat - 60.1701).abs() < 1e-7);
        // Only the node with a key fitcircle uses keeps its tags.
        assert_eq!(raw.tagged_nodes.len(), 1);
        let n = raw.tagged_node(1).unwrap();
        assert!(raw.tags(n.tags).is("leisure", "fitness_station"));
        assert_eq!(raw.ways.len(), 2);
        assert_eq!(raw.nodes(raw.way(10).unwrap()), [1, 2, 3]);
        assert!(raw.tags(raw.way(10).unwrap().tags).is("highway", "footway"));
        assert_eq!(raw.nodes(raw.way(11).unwrap()), [3, 1]);
        assert!(raw.tags(raw.way(11).unwrap().tags).is_empty());
        assert_eq!(raw.relations.len(), 1);
        let r = &raw.relations[0];
        assert_eq!(r.id, 100);
        assert!(raw.tags(r.tags).is("leisure", "park"));
        assert_eq!(
            r.members,
            vec![Member {
                kind: MemberKind::Way,
                id: 10,
                role: "outer".into()
            }]
        );
    }

    #[test]
    fn reads_bytes_reader_and_file_alike() {
        let bytes = sample();
        let name = Path::new("upload.osm.pbf");
        check_sample(&read_osm_pbf_bytes(&bytes, name).unwrap());
        check_sample(&read_osm_pbf_from(&bytes[..], name).unwrap());
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("sample.osm.pbf");
        std::fs::write(&path, &bytes).unwrap();
        check_sample(&read_osm_pbf(&path).unwrap());
    }

    #[test]
    fn bad_bytes_name_the_source() {
        let name = Path::new("upload.osm.pbf");
        for e in [
            read_osm_pbf_bytes(b"", name).unwrap_err(),
            read_osm_pbf_from(&b""[..], name).unwrap_err(),
        ] {
            let m = e.to_string();
            assert_eq!(
                m,
                "upload.osm.pbf: the file is empty; give an OpenStreetMap .osm.pbf extract"
            );
        }
        let m = read_osm_pbf_bytes(b"<osm></osm>", name)
            .unwrap_err()
            .to_string();
        assert!(
            m.starts_with("upload.osm.pbf: not a readable OSM PBF file"),
            "{m}"
        );
        // Cut short inside the last block.
        let bytes = sample();
        let m = read_osm_pbf_bytes(&bytes[..bytes.len() - 5], name)
            .unwrap_err()
            .to_string();
        assert!(
            m.starts_with("upload.osm.pbf: not a readable OSM PBF file"),
            "{m}"
        );
        // Too short for a block header: no block at all.
        let m = read_osm_pbf_bytes(b"\n\n", name).unwrap_err().to_string();
        assert_eq!(
            m,
            "upload.osm.pbf: no OSM data blocks found; is this really an .osm.pbf file?"
        );
        // A header block alone is read as a file without elements.
        let header = file_block("OSMHeader", &encode_header([0.0, 0.0, 1.0, 1.0]));
        let raw = read_osm_pbf_bytes(&header, name).unwrap();
        assert!(raw.node_ids.is_empty() && raw.ways.is_empty() && raw.relations.is_empty());
    }
}
