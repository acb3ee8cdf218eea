//! OpenStreetMap PBF reader (crate `osmpbf`). Blobs are decoded in parallel
//! with rayon; each block yields a partial [`RawOsm`] and the parts are merged
//! and sorted by id, so the result does not depend on thread scheduling.
//!
//! Every node's coordinate is kept (ways need them); tags are kept only for
//! elements whose primary keys matter to fitcircle (see [`keep_node_tags`],
//! [`keep_way_tags`]), which keeps memory proportional to the walkable city.
//!
//! Hostile files fail with an error naming the file (and the element):
//! every node's coordinate is checked (finite, longitude in [-180, 180],
//! latitude in [-90, 90]); a relation member of an unknown type (which
//! makes `osmpbf` panic) is an error naming the relation; a file cut inside
//! a block's length prefix (which `osmpbf` reads as a clean end) and a file
//! with no data block are errors.

use std::cell::Cell;
use std::io::{BufRead, BufReader, Read};
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::path::Path;
use std::sync::Arc;
use std::sync::Once;
use std::sync::atomic::{AtomicU64, Ordering};

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
pub(crate) fn keep_node_tags<'a>(mut keys: impl Iterator<Item = &'a str>) -> bool {
    keys.any(|k| NODE_KEYS.contains(&k))
}

/// True when a way with these tag keys is kept with its tags.
pub(crate) fn keep_way_tags<'a>(mut keys: impl Iterator<Item = &'a str>) -> bool {
    keys.any(|k| WAY_KEYS.contains(&k))
}

/// Read an OSM PBF file. Errors name the file and say what to do when the file
/// is missing, empty, truncated or not PBF.
pub(crate) fn read_osm_pbf(path: &Path) -> Result<RawOsm> {
    if let Some(bytes) = crate::bundled::get(path) {
        return read_osm_pbf_bytes(bytes, path);
    }
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
    let file =
        std::fs::File::open(path).map_err(|source| super::table::read_error(path, source))?;
    decode_blobs(BufReader::new(file), path)
}

/// Read OSM PBF data held in memory. `source` names the data in error
/// messages (a file name, or e.g. `<upload>`); nothing is opened.
pub(crate) fn read_osm_pbf_bytes(bytes: &[u8], source: &Path) -> Result<RawOsm> {
    if bytes.is_empty() {
        return Err(empty_error(source));
    }
    decode_blobs(bytes, source)
}

/// Read OSM PBF data from a reader (a pipe, a socket, an open file).
/// `source` names the data in error messages. The reader is buffered here.
pub(crate) fn read_osm_pbf_from<R: Read + Send>(reader: R, source: &Path) -> Result<RawOsm> {
    let mut reader = BufReader::new(reader);
    let empty = reader
        .fill_buf()
        .map_err(|e| super::table::read_error(source, e))?
        .is_empty();
    if empty {
        return Err(empty_error(source));
    }
    decode_blobs(reader, source)
}

fn empty_error(source: &Path) -> Error {
    Error::file(
        source,
        "the file is empty; give an OpenStreetMap .osm.pbf extract",
    )
}

/// A reader that counts the bytes it hands on (shared, so the count can be
/// read after `BlobReader` took the reader).
struct Counting<R> {
    inner: R,
    count: Arc<AtomicU64>,
}

impl<R: Read> Read for Counting<R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let n = self.inner.read(buf)?;
        self.count.fetch_add(n as u64, Ordering::Relaxed);
        Ok(n)
    }
}

/// Read the (compressed) blobs of `reader` in file order. `osmpbf` ends
/// the file cleanly when the 4-byte length of the next block is cut short
/// (1 to 3 bytes left): the bytes read past the last whole block tell.
fn read_blobs<R: Read + Send>(reader: R, path: &Path) -> Result<Vec<osmpbf::Blob>> {
    let count = Arc::new(AtomicU64::new(0));
    let reader = BlobReader::new(Counting {
        inner: reader,
        count: Arc::clone(&count),
    });
    let mut blobs = Vec::new();
    let mut end_of_last = 0;
    for blob in reader {
        blobs.push(blob.map_err(|e| pbf_error(path, e))?);
        end_of_last = count.load(Ordering::Relaxed);
    }
    let read = count.load(Ordering::Relaxed);
    if blobs.is_empty() && read > 0 {
        return Err(Error::file(
            path,
            format!(
                "the file ends inside a block header: it is cut short ({read} bytes, too short \
                 for an .osm.pbf file); download it again"
            ),
        ));
    }
    if read != end_of_last {
        return Err(Error::file(
            path,
            "the file ends inside a block header: it is cut short; download it again",
        ));
    }
    Ok(blobs)
}

/// Read the (compressed) blobs of `reader` in order and decode them in
/// parallel into one [`RawOsm`] (already [`RawOsm::finish`]ed). `path`
/// names the data in error messages.
fn decode_blobs<R: Read + Send>(reader: R, path: &Path) -> Result<RawOsm> {
    // Read the (compressed) blobs in file order, then decode them in
    // parallel keeping that order: a sorted file stays sorted, and
    // `finish` has nothing to sort.
    let blobs = read_blobs(reader, path)?;
    // Decode a batch of blobs at a time and append it before the next: the
    // decoded parts of the whole file never exist next to the joined
    // arrays (that doubled the peak memory of reading a city). Appending
    // (one thread, in file order) runs beside the next batch's decoding.
    const BATCH: usize = 128;
    let mut raw = RawOsm::default();
    let any_block = !blobs.is_empty();
    let data_blocks = std::sync::atomic::AtomicUsize::new(0);
    let progress = crate::progress::Counter::start("decoding", blobs.len() as u64);
    let decode = |batch: &[osmpbf::Blob]| -> Vec<Result<RawOsm>> {
        batch
            .par_iter()
            .map(|blob| {
                let part = match blob.decode().map_err(|e| pbf_error(path, e))? {
                    BlobDecode::OsmData(block) => {
                        data_blocks.fetch_add(1, Ordering::Relaxed);
                        decode_block(&block, path)
                    }
                    _ => Ok(RawOsm::default()),
                };
                progress.add(1);
                part
            })
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
    progress.finish();
    drop(blobs);
    if !any_block {
        return Err(Error::file(
            path,
            "no OSM data blocks found; is this really an .osm.pbf file?",
        ));
    }
    if data_blocks.into_inner() == 0 {
        return Err(Error::file(
            path,
            "no OSM data: the file has a header block but no nodes, ways or relations; \
             download the extract again or cut a larger area",
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
    check_not_cut(&raw, path)?;
    Ok(raw)
}

/// Orphan untagged nodes tolerated: at least this many...
const ORPHANS_MIN: usize = 100;
/// ...and over this share of the untagged nodes, before a file is taken
/// as cut short.
const ORPHANS_SHARE: f64 = 0.05;

/// A file cut exactly at a block boundary decodes cleanly, so look at what
/// it holds: in an extract (osmium, osmconvert, Geofabrik, Overpass with
/// `>`), an untagged node is there because a way uses it. Files are
/// sorted nodes, ways, relations, so a cut among the node blocks leaves
/// no ways at all, and a cut among the way blocks leaves the nodes of the
/// lost ways unused. More than [`ORPHANS_MIN`] untagged nodes used by no
/// way, and over [`ORPHANS_SHARE`] of them, is an error. Nodes used by ways
/// are counted on a bit set of node positions, in parallel over the ways;
/// tagged nodes a way also uses are subtracted twice, so the count errs
/// low (never fires more often than the orphans say).
fn check_not_cut(raw: &RawOsm, path: &Path) -> Result<()> {
    let n = raw.node_ids.len();
    let untagged = n.saturating_sub(usize::try_from(raw.nodes_with_tags).unwrap_or(n));
    if untagged < ORPHANS_MIN {
        return check_relations_not_cut(raw, path);
    }
    let used: Vec<AtomicU64> = (0..n.div_ceil(64)).map(|_| AtomicU64::new(0)).collect();
    raw.ways.par_chunks(4096).for_each(|ways| {
        for way in ways {
            for &id in raw.nodes(way) {
                if let Some(i) = raw.node_position(id) {
                    used[i / 64].fetch_or(1 << (i % 64), Ordering::Relaxed);
                }
            }
        }
    });
    let used: usize = used
        .iter()
        .map(|w| w.load(Ordering::Relaxed).count_ones() as usize)
        .sum();
    let orphans = untagged.saturating_sub(used);
    if orphans >= ORPHANS_MIN && orphans as f64 > ORPHANS_SHARE * untagged as f64 {
        return Err(Error::file(
            path,
            format!(
                "the file looks truncated: {orphans} of its {untagged} untagged nodes \
                 ({:.0} %) belong to no way ({} ways, {} relations read); in a whole extract \
                 every untagged node is part of a way, so the file was probably cut short \
                 at a block boundary: download the extract again (or check it with \
                 `osmium fileinfo -e`)",
                100.0 * orphans as f64 / untagged as f64,
                raw.ways.len(),
                raw.relations.len()
            ),
        ));
    }
    check_relations_not_cut(raw, path)
}

/// Orphan untagged ways tolerated: at least this many...
const WAY_ORPHANS_MIN: usize = 20;
/// ...and over this share of the untagged ways. A whole Helsinki extract
/// has 17 of 218 (8 %): ways left untagged by mappers.
const WAY_ORPHANS_SHARE: f64 = 0.5;

/// The relation blocks come last, so a file cut among (or just before)
/// them decodes cleanly with every node and way: in an extract an
/// untagged way is there because a relation (a park's multipolygon, a
/// boundary) uses it, so untagged ways that no relation names mean the
/// relations were lost. At least [`WAY_ORPHANS_MIN`] of them, and over
/// [`WAY_ORPHANS_SHARE`] of the untagged ways, is an error.
fn check_relations_not_cut(raw: &RawOsm, path: &Path) -> Result<()> {
    let (orphans, untagged) = orphan_ways(raw);
    if orphans >= WAY_ORPHANS_MIN && orphans as f64 > WAY_ORPHANS_SHARE * untagged as f64 {
        return Err(Error::file(
            path,
            format!(
                "the file looks truncated: {orphans} of its {untagged} untagged ways \
                 ({:.0} %) belong to no relation ({} relations read); in a whole extract \
                 untagged ways are the rings of multipolygons and boundaries, so the \
                 relations at the end of the file were probably cut off: download the \
                 extract again (or check it with `osmium fileinfo -e`); if relations were \
                 removed on purpose, keep them: parks and pitches mapped as multipolygons \
                 would be missing",
                100.0 * orphans as f64 / untagged as f64,
                raw.relations.len()
            ),
        ));
    }
    Ok(())
}

/// (untagged ways no relation uses, untagged ways).
fn orphan_ways(raw: &RawOsm) -> (usize, usize) {
    let mut members = raw.relation_way_members.clone();
    members.par_sort_unstable();
    members.dedup();
    let orphans = raw
        .untagged_ways
        .iter()
        .filter(|id| members.binary_search(id).is_err())
        .count();
    (orphans, raw.untagged_ways.len())
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

/// Check a decoded node's coordinate: finite, longitude in [-180, 180],
/// latitude in [-90, 90] (a crafted block's offsets or granularity can put
/// it anywhere, and the graph and geometry code assume degrees).
fn check_node(path: &Path, id: i64, lon: f64, lat: f64) -> Result<()> {
    if lon.is_finite()
        && lat.is_finite()
        && (-180.0..=180.0).contains(&lon)
        && (-90.0..=90.0).contains(&lat)
    {
        return Ok(());
    }
    Err(Error::record(
        path,
        format!("node {id}"),
        format!(
            "coordinate (lon {lon}, lat {lat}) is outside longitude [-180, 180] / latitude \
             [-90, 90]; the file is corrupt: download the extract again or convert it with \
             osmium"
        ),
    ))
}

thread_local! {
    /// Set while this thread runs `osmpbf` code under [`guard_osmpbf`].
    static IN_OSMPBF: Cell<bool> = const { Cell::new(false) };
}

/// Run `f` (which calls into `osmpbf`), turning a panic into `None`.
///
/// `osmpbf` 0.3.7 panics on some crafted input it parses without checking:
/// `RelMemberIter::next` converts each member type with
/// `RelMemberType::from(EnumOrUnknown)`, which `unwrap()`s, so a member of
/// type 7 panics (inside `protobuf`'s `EnumOrUnknown::unwrap`), and the raw
/// member types are private, so they cannot be checked beforehand. The
/// panic is caught here and reported as an error naming the element. So
/// that the user does not also see a panic message, a panic hook installed
/// once stays silent for panics raised while this thread is in `f` *and*
/// located in the `osmpbf` or `protobuf` crates' sources; every other
/// panic goes to the previous hook unchanged.
fn guard_osmpbf<T>(f: impl FnOnce() -> T) -> Option<T> {
    static HOOK: Once = Once::new();
    HOOK.call_once(|| {
        let previous = std::panic::take_hook();
        std::panic::set_hook(Box::new(move |info| {
            let in_crate = info.location().is_some_and(|l| {
                let file = l.file().replace('\\', "/");
                file.contains("/osmpbf-") || file.contains("/protobuf-")
            });
            if !(in_crate && IN_OSMPBF.with(Cell::get)) {
                previous(info);
            }
        }));
    });
    let was = IN_OSMPBF.with(|c| c.replace(true));
    let out = catch_unwind(AssertUnwindSafe(f)).ok();
    IN_OSMPBF.with(|c| c.set(was));
    out
}

/// The members of relation `r`, or an error naming it when `osmpbf` cannot
/// read them (an unknown member type).
fn relation_members(r: &osmpbf::Relation<'_>, path: &Path) -> Result<Vec<Member>> {
    let members = guard_osmpbf(|| {
        r.members()
            .map(|m| Member {
                kind: match m.member_type {
                    RelMemberType::Node => MemberKind::Node,
                    RelMemberType::Way => MemberKind::Way,
                    RelMemberType::Relation => MemberKind::Relation,
                },
                id: m.member_id,
                role: m.role().unwrap_or("").to_string(),
            })
            .collect()
    });
    members.ok_or_else(|| {
        Error::record(
            path,
            format!("relation {}", r.id()),
            "a member has an unknown type (not node, way or relation); the file is corrupt: \
             download the extract again or convert it with osmium",
        )
    })
}

fn decode_block(block: &osmpbf::PrimitiveBlock, path: &Path) -> Result<RawOsm> {
    let mut raw = RawOsm::default();
    let mut first_error: Option<Error> = None;
    let walked = guard_osmpbf(|| {
        block.for_each_element(|el| {
            if first_error.is_some() {
                return;
            }
            if let Err(e) = decode_element(&mut raw, el, path) {
                first_error = Some(e);
            }
        })
    });
    if let Some(e) = first_error {
        return Err(e);
    }
    if walked.is_none() {
        return Err(Error::file(
            path,
            "a data block cannot be decoded (the file is corrupt); download the extract \
             again or convert it with osmium",
        ));
    }
    Ok(raw)
}

fn decode_element(raw: &mut RawOsm, el: Element<'_>, path: &Path) -> Result<()> {
    match el {
        Element::DenseNode(n) => {
            check_node(path, n.id(), n.lon(), n.lat())?;
            raw.node_ids.push(n.id());
            raw.node_coords.push([n.lon(), n.lat()]);
            raw.nodes_with_tags += u64::from(n.tags().next().is_some());
            if keep_node_tags(n.tags().map(|(k, _)| k)) {
                raw.push_tagged_node(n.id(), n.lon(), n.lat(), n.tags());
            }
        }
        Element::Node(n) => {
            check_node(path, n.id(), n.lon(), n.lat())?;
            raw.node_ids.push(n.id());
            raw.node_coords.push([n.lon(), n.lat()]);
            raw.nodes_with_tags += u64::from(n.tags().next().is_some());
            if keep_node_tags(n.tags().map(|(k, _)| k)) {
                raw.push_tagged_node(n.id(), n.lon(), n.lat(), n.tags());
            }
        }
        Element::Way(w) => {
            if w.tags().next().is_none() {
                raw.untagged_ways.push(w.id());
            }
            let keep = keep_way_tags(w.tags().map(|(k, _)| k));
            raw.push_way(w.id(), w.refs(), w.tags().filter(|_| keep));
        }
        Element::Relation(r) => {
            let kind = r.tags().find(|(k, _)| *k == "type").map_or("", |t| t.1);
            let members = relation_members(&r, path)?;
            raw.relation_way_members.extend(
                members
                    .iter()
                    .filter(|m| m.kind == MemberKind::Way)
                    .map(|m| m.id),
            );
            if matches!(kind, "multipolygon" | "boundary" | "route") {
                raw.push_relation(r.id(), members, r.tags());
            }
        }
    }
    Ok(())
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
        // Too short for a block header: a cut length prefix, not a clean end.
        let m = read_osm_pbf_bytes(b"\n\n", name).unwrap_err().to_string();
        assert_eq!(
            m,
            "upload.osm.pbf: the file ends inside a block header: it is cut short (2 bytes, \
             too short for an .osm.pbf file); download it again"
        );
        for cut in 1..=3 {
            let mut b = sample();
            b.extend(&[0u8, 0, 0, 9][..cut]);
            for e in [
                read_osm_pbf_bytes(&b, name).unwrap_err(),
                read_osm_pbf_from(&b[..], name).unwrap_err(),
            ] {
                assert!(e.to_string().contains("ends inside a block header"), "{e}");
            }
        }
        // A header block alone has no OSM data.
        let header = file_block("OSMHeader", &encode_header([0.0, 0.0, 1.0, 1.0]));
        let m = read_osm_pbf_bytes(&header, name).unwrap_err().to_string();
        assert!(m.starts_with("upload.osm.pbf: no OSM data"), "{m}");
    }

    #[test]
    fn bad_coordinates_and_member_types_name_the_element() {
        let name = Path::new("bad.osm.pbf");
        let header = file_block("OSMHeader", &encode_header([0.0, 0.0, 1.0, 1.0]));
        let node = |lat: i32, lon: i32| Node {
            id: 42,
            lat,
            lon,
            tags: vec![],
        };
        for n in [node(2_000_000_000, 0), node(0, -2_000_000_000)] {
            let mut b = header.clone();
            b.extend(file_block("OSMData", &encode_nodes(&[n], &NoRules).0));
            let m = read_osm_pbf_bytes(&b, name).unwrap_err().to_string();
            assert!(m.starts_with("bad.osm.pbf, node 42: coordinate"), "{m}");
        }
        let rel = Relation {
            id: 77,
            members: vec![PbfMember {
                kind: 7,
                id: 1,
                role: "outer",
            }],
            tags: vec![("type", Cow::Borrowed("multipolygon"))],
        };
        let mut b = header.clone();
        b.extend(file_block("OSMData", &encode_relations(&[rel], &NoRules).0));
        let m = read_osm_pbf_bytes(&b, name).unwrap_err().to_string();
        assert!(
            m.starts_with("bad.osm.pbf, relation 77: a member has an unknown type"),
            "{m}"
        );
    }
}
