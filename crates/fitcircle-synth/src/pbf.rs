//! A small OSM PBF encoder: just what the synthetic city needs, public so
//! tests can write small PBF files of their own.
//!
//! The format (OSM wiki, "PBF Format"; `fileformat.proto` and
//! `osmformat.proto`): a sequence of file blocks, each a 4-byte big-endian
//! length, a `BlobHeader` and a `Blob` holding zlib-compressed bytes. The
//! first block is an `OSMHeader` (`HeaderBlock`), the rest `OSMData`
//! (`PrimitiveBlock`: a string table and one `PrimitiveGroup` of dense nodes,
//! ways or relations). Ids, coordinates, way refs and relation member ids are
//! delta coded; signed fields use zigzag varints. No metadata (`Info`) is
//! written, as in `osmium --omit-metadata` output.
//!
//! The protobuf messages are written by hand (a varint writer and
//! length-delimited fields): the schema is fixed and tiny, and this keeps
//! the encoder free of generated code. Output is a pure function of the
//! elements given, so files are byte-identical run to run.

use std::borrow::Cow;
use std::collections::HashMap;
use std::io::Write;

use flate2::Compression;
use flate2::write::ZlibEncoder;

use crate::{Element, TagRules};

/// One tag: a static key and a static or owned value.
pub type Tag = (&'static str, Cow<'static, str>);

/// A node; `lat`/`lon` in units of 1e-7 degree (PBF granularity 100).
#[derive(Debug, Clone)]
pub struct Node {
    /// OSM node id (`DenseNodes.id`, written delta coded).
    pub id: i64,
    /// Latitude, WGS-84, in 1e-7 degree (`DenseNodes.lat`, delta coded).
    pub lat: i32,
    /// Longitude, WGS-84, in 1e-7 degree (`DenseNodes.lon`, delta coded).
    pub lon: i32,
    /// Tags, written as string-table indices in `DenseNodes.keys_vals`.
    pub tags: Vec<Tag>,
}

/// A way with its node refs.
#[derive(Debug, Clone)]
pub struct Way {
    /// OSM way id (`Way.id`).
    pub id: i64,
    /// Ids of the way's nodes in order (`Way.refs`, delta coded).
    pub refs: Vec<i64>,
    /// Tags, written as string-table indices in `Way.keys` / `Way.vals`.
    pub tags: Vec<Tag>,
}

/// `Relation.MemberType` code of a way member (nodes are 0, relations 2).
pub const MEMBER_WAY: u8 = 1;

/// One relation member.
#[derive(Debug, Clone)]
pub struct Member {
    /// `Relation.MemberType` code: 0 node, [`MEMBER_WAY`] (1) way, 2 relation
    /// (`Relation.types`).
    pub kind: u8,
    /// OSM id of the member (`Relation.memids`, delta coded).
    pub id: i64,
    /// Role of the member, e.g. `outer` (string-table index in
    /// `Relation.roles_sid`).
    pub role: &'static str,
}

/// A relation with its members.
#[derive(Debug, Clone)]
pub struct Relation {
    /// OSM relation id (`Relation.id`).
    pub id: i64,
    /// Members in order.
    pub members: Vec<Member>,
    /// Tags, written as string-table indices in `Relation.keys` /
    /// `Relation.vals`.
    pub tags: Vec<Tag>,
}

/// What a block holds, counted the way a reader with the given
/// [`TagRules`] would see it.
#[derive(Debug, Clone, Copy, Default)]
pub struct BlockStats {
    /// Nodes in the block.
    pub nodes: usize,
    /// Ways in the block.
    pub ways: usize,
    /// Relations in the block.
    pub relations: usize,
    /// Ways walkers may use under the [`TagRules`] given.
    pub walkable_ways: usize,
    /// Elements the [`TagRules`] take as sports facilities.
    pub facilities: usize,
    /// Elements the [`TagRules`] take as residential areas.
    pub residential_areas: usize,
    /// Sum of the `population` tags of those residential areas (people).
    pub population: u64,
    /// Min lon, min lat, max lon, max lat in 1e-7 degree (nodes only).
    pub bbox: [i32; 4],
}

impl BlockStats {
    pub(crate) fn empty() -> Self {
        BlockStats {
            bbox: [i32::MAX, i32::MAX, i32::MIN, i32::MIN],
            ..Default::default()
        }
    }

    pub(crate) fn add(&mut self, o: &BlockStats) {
        self.nodes += o.nodes;
        self.ways += o.ways;
        self.relations += o.relations;
        self.walkable_ways += o.walkable_ways;
        self.facilities += o.facilities;
        self.residential_areas += o.residential_areas;
        self.population += o.population;
        self.bbox[0] = self.bbox[0].min(o.bbox[0]);
        self.bbox[1] = self.bbox[1].min(o.bbox[1]);
        self.bbox[2] = self.bbox[2].max(o.bbox[2]);
        self.bbox[3] = self.bbox[3].max(o.bbox[3]);
    }

    /// Count one tagged element's meaning under `rules`.
    fn count_tags(&mut self, rules: &dyn TagRules, t: &[Tag], element: Element) {
        if t.is_empty() {
            return;
        }
        let list: Vec<(&str, &str)> = t.iter().map(|(k, v)| (*k, v.as_ref())).collect();
        let meaning = rules.classify(&list, element);
        self.walkable_ways += usize::from(meaning.walkable);
        self.facilities += usize::from(meaning.facility);
        if meaning.residential {
            self.residential_areas += 1;
            if let Some(p) = list
                .iter()
                .find(|(k, _)| *k == "population")
                .and_then(|(_, p)| p.parse::<u64>().ok())
            {
                self.population += p;
            }
        }
    }
}

// ---------------------------------------------------------------------------
// Protobuf primitives.

const VARINT: u32 = 0;
const LEN: u32 = 2;

#[inline]
fn put_varint(buf: &mut Vec<u8>, mut v: u64) {
    while v >= 0x80 {
        buf.push((v as u8) | 0x80);
        v >>= 7;
    }
    buf.push(v as u8);
}

#[inline]
fn zigzag(v: i64) -> u64 {
    ((v << 1) ^ (v >> 63)) as u64
}

#[inline]
fn put_key(buf: &mut Vec<u8>, field: u32, wire: u32) {
    put_varint(buf, u64::from((field << 3) | wire));
}

fn put_bytes(buf: &mut Vec<u8>, field: u32, bytes: &[u8]) {
    put_key(buf, field, LEN);
    put_varint(buf, bytes.len() as u64);
    buf.extend_from_slice(bytes);
}

fn put_uint(buf: &mut Vec<u8>, field: u32, v: u64) {
    put_key(buf, field, VARINT);
    put_varint(buf, v);
}

/// A packed repeated field from already-encoded varints (skipped if empty).
fn put_packed(buf: &mut Vec<u8>, field: u32, packed: &[u8]) {
    if !packed.is_empty() {
        put_bytes(buf, field, packed);
    }
}

// ---------------------------------------------------------------------------
// String table.

/// A block's string table: index 0 is the empty string (the dense-node
/// delimiter, also used for empty roles and values); the rest
/// are ordered by falling use count (ties by first use) so the commonest
/// strings get one-byte indices. Deterministic: no hash-map iteration order
/// reaches the output.
struct StringTable<'a> {
    index: HashMap<&'a str, u32>,
}

impl<'a> StringTable<'a> {
    fn build(strings: impl Iterator<Item = &'a str>) -> (Self, Vec<u8>) {
        let mut first: HashMap<&'a str, usize> = HashMap::new();
        let mut order: Vec<(&'a str, u32)> = Vec::new();
        for s in strings.filter(|s| !s.is_empty()) {
            match first.get(s) {
                Some(&i) => order[i].1 += 1,
                None => {
                    first.insert(s, order.len());
                    order.push((s, 1));
                }
            }
        }
        // Stable sort keeps first-use order among equal counts.
        order.sort_by_key(|e| std::cmp::Reverse(e.1));
        let mut index = HashMap::with_capacity(order.len() + 1);
        index.insert("", 0);
        let mut msg = Vec::new();
        put_bytes(&mut msg, 1, b"");
        for (i, (s, _)) in order.iter().enumerate() {
            index.insert(*s, i as u32 + 1);
            put_bytes(&mut msg, 1, s.as_bytes());
        }
        (StringTable { index }, msg)
    }

    #[inline]
    fn id(&self, s: &str) -> u32 {
        self.index[s]
    }
}

fn tag_strings(tags: &[Tag]) -> impl Iterator<Item = &str> {
    tags.iter().flat_map(|(k, v)| [*k, v.as_ref()])
}

/// `PrimitiveBlock` around one encoded `PrimitiveGroup`.
fn primitive_block(stringtable: &[u8], group: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(stringtable.len() + group.len() + 16);
    put_bytes(&mut out, 1, stringtable);
    put_bytes(&mut out, 2, group);
    put_uint(&mut out, 17, 100); // granularity: 100 nanodegrees
    out
}

// ---------------------------------------------------------------------------
// Blocks.

/// Encode nodes (sorted by id) as one `PrimitiveBlock` of `DenseNodes`.
pub fn encode_nodes(nodes: &[Node], rules: &dyn TagRules) -> (Vec<u8>, BlockStats) {
    let mut st = BlockStats::empty();
    st.nodes = nodes.len();
    let (table, table_msg) = StringTable::build(nodes.iter().flat_map(|n| tag_strings(&n.tags)));
    let any_tags = nodes.iter().any(|n| !n.tags.is_empty());
    let mut ids = Vec::with_capacity(nodes.len() * 3);
    let mut lats = Vec::with_capacity(nodes.len() * 3);
    let mut lons = Vec::with_capacity(nodes.len() * 3);
    let mut kv = Vec::new();
    let (mut pid, mut plat, mut plon) = (0i64, 0i64, 0i64);
    for n in nodes {
        put_varint(&mut ids, zigzag(n.id - pid));
        put_varint(&mut lats, zigzag(i64::from(n.lat) - plat));
        put_varint(&mut lons, zigzag(i64::from(n.lon) - plon));
        (pid, plat, plon) = (n.id, i64::from(n.lat), i64::from(n.lon));
        st.bbox[0] = st.bbox[0].min(n.lon);
        st.bbox[1] = st.bbox[1].min(n.lat);
        st.bbox[2] = st.bbox[2].max(n.lon);
        st.bbox[3] = st.bbox[3].max(n.lat);
        if any_tags {
            for (k, v) in &n.tags {
                put_varint(&mut kv, u64::from(table.id(k)));
                put_varint(&mut kv, u64::from(table.id(v)));
            }
            put_varint(&mut kv, 0);
        }
        st.count_tags(rules, &n.tags, Element::Node);
    }
    let mut dense = Vec::with_capacity(ids.len() + lats.len() + lons.len() + kv.len() + 32);
    put_packed(&mut dense, 1, &ids);
    put_packed(&mut dense, 8, &lats);
    put_packed(&mut dense, 9, &lons);
    put_packed(&mut dense, 10, &kv);
    let mut group = Vec::with_capacity(dense.len() + 8);
    put_bytes(&mut group, 2, &dense);
    (primitive_block(&table_msg, &group), st)
}

fn put_keys_vals(msg: &mut Vec<u8>, table: &StringTable, tags: &[Tag], scratch: &mut Vec<u8>) {
    scratch.clear();
    for (k, _) in tags {
        put_varint(scratch, u64::from(table.id(k)));
    }
    put_packed(msg, 2, scratch);
    scratch.clear();
    for (_, v) in tags {
        put_varint(scratch, u64::from(table.id(v)));
    }
    put_packed(msg, 3, scratch);
}

/// Encode ways (sorted by id) as one `PrimitiveBlock`.
pub fn encode_ways(ways: &[Way], rules: &dyn TagRules) -> (Vec<u8>, BlockStats) {
    let mut st = BlockStats::empty();
    st.ways = ways.len();
    let (table, table_msg) = StringTable::build(ways.iter().flat_map(|w| tag_strings(&w.tags)));
    let mut group = Vec::new();
    let mut msg = Vec::new();
    let mut scratch = Vec::new();
    for w in ways {
        msg.clear();
        put_uint(&mut msg, 1, w.id as u64);
        put_keys_vals(&mut msg, &table, &w.tags, &mut scratch);
        scratch.clear();
        let mut prev = 0i64;
        for r in &w.refs {
            put_varint(&mut scratch, zigzag(r - prev));
            prev = *r;
        }
        put_packed(&mut msg, 8, &scratch);
        put_bytes(&mut group, 3, &msg);
        let closed = w.refs.len() >= 4 && w.refs.first() == w.refs.last();
        st.count_tags(rules, &w.tags, Element::Way { closed });
    }
    (primitive_block(&table_msg, &group), st)
}

/// Encode relations (sorted by id) as one `PrimitiveBlock`.
pub fn encode_relations(rels: &[Relation], rules: &dyn TagRules) -> (Vec<u8>, BlockStats) {
    let mut st = BlockStats::empty();
    st.relations = rels.len();
    let (table, table_msg) = StringTable::build(
        rels.iter()
            .flat_map(|r| tag_strings(&r.tags).chain(r.members.iter().map(|m| m.role))),
    );
    let mut group = Vec::new();
    let mut msg = Vec::new();
    let mut scratch = Vec::new();
    for r in rels {
        msg.clear();
        put_uint(&mut msg, 1, r.id as u64);
        put_keys_vals(&mut msg, &table, &r.tags, &mut scratch);
        scratch.clear();
        for m in &r.members {
            put_varint(&mut scratch, u64::from(table.id(m.role)));
        }
        put_packed(&mut msg, 8, &scratch);
        scratch.clear();
        let mut prev = 0i64;
        for m in &r.members {
            put_varint(&mut scratch, zigzag(m.id - prev));
            prev = m.id;
        }
        put_packed(&mut msg, 9, &scratch);
        scratch.clear();
        for m in &r.members {
            put_varint(&mut scratch, u64::from(m.kind));
        }
        put_packed(&mut msg, 10, &scratch);
        put_bytes(&mut group, 4, &msg);
        st.count_tags(rules, &r.tags, Element::Relation);
    }
    (primitive_block(&table_msg, &group), st)
}

/// Encode the `HeaderBlock`; `bbox` is `[min_lon, min_lat, max_lon, max_lat]`
/// in degrees.
pub fn encode_header(bbox: [f64; 4]) -> Vec<u8> {
    let nano = |deg: f64| zigzag((deg * 1e9).round() as i64);
    let mut bb = Vec::new();
    put_uint(&mut bb, 1, nano(bbox[0])); // left
    put_uint(&mut bb, 2, nano(bbox[2])); // right
    put_uint(&mut bb, 3, nano(bbox[3])); // top
    put_uint(&mut bb, 4, nano(bbox[1])); // bottom
    let mut out = Vec::new();
    put_bytes(&mut out, 1, &bb);
    put_bytes(&mut out, 4, b"OsmSchema-V0.6");
    put_bytes(&mut out, 4, b"DenseNodes");
    put_bytes(&mut out, 5, b"Sort.Type_then_ID");
    put_bytes(&mut out, 16, b"fitcircle synth");
    put_bytes(
        &mut out,
        17,
        b"synthetic city (fitcircle synth), not OpenStreetMap data",
    );
    out
}

/// A complete file block: length, `BlobHeader` and zlib `Blob` for `raw`.
pub fn file_block(kind: &str, raw: &[u8]) -> Vec<u8> {
    let mut z = ZlibEncoder::new(Vec::with_capacity(raw.len() / 3 + 64), Compression::fast());
    // Writing into a Vec cannot fail.
    z.write_all(raw).expect("zlib into memory");
    let zdata = z.finish().expect("zlib into memory");
    let mut blob = Vec::with_capacity(zdata.len() + 16);
    put_uint(&mut blob, 2, raw.len() as u64); // raw_size
    put_bytes(&mut blob, 3, &zdata); // zlib_data
    let mut header = Vec::with_capacity(32);
    put_bytes(&mut header, 1, kind.as_bytes());
    put_uint(&mut header, 3, blob.len() as u64); // datasize
    let mut out = Vec::with_capacity(4 + header.len() + blob.len());
    out.extend_from_slice(&(header.len() as u32).to_be_bytes());
    out.extend_from_slice(&header);
    out.extend_from_slice(&blob);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn varints_and_zigzag() {
        let mut b = Vec::new();
        put_varint(&mut b, 300);
        assert_eq!(b, [0xac, 0x02]);
        assert_eq!(zigzag(0), 0);
        assert_eq!(zigzag(-1), 1);
        assert_eq!(zigzag(1), 2);
        assert_eq!(zigzag(-2), 3);
        assert_eq!(zigzag(i64::MIN), u64::MAX);
    }

    #[test]
    fn string_table_orders_by_use() {
        let (t, _) = StringTable::build(["b", "a", "a", "c", "b", "a"].into_iter());
        assert_eq!(t.id("a"), 1);
        assert_eq!(t.id("b"), 2);
        assert_eq!(t.id("c"), 3);
    }
}
