//! Raw OpenStreetMap elements, as read from PBF (`super::osm_pbf`) or XML
//! (`super::osm_xml`), before tags are interpreted ([`super::osm_extract`]).
//! Only elements whose tags matter are kept with their tags; every node keeps
//! its coordinate (ways need them).

/// Tags of one element as (key, value) pairs, in file order: a view into
/// text where every key and value lie back to back, with their end offsets
/// in one array. [`RawOsm`] keeps the tags of all its elements in one such
/// text and array (a city's millions of ways need no allocation each);
/// [`TagList`] owns the tags of one element.
#[derive(Debug, Clone, Copy)]
pub struct Tags<'a> {
    text: &'a str,
    /// End offset in `text` of key 0, value 0, key 1, value 1, ...
    ends: &'a [u32],
    /// Offset in `text` where key 0 starts.
    start: u32,
}

impl<'a> Tags<'a> {
    /// The value of `key`, if present (the first one, as in file order).
    pub fn get(&self, key: &str) -> Option<&'a str> {
        self.iter().find(|(k, _)| *k == key).map(|(_, v)| v)
    }

    /// True when `key` is present with value `value`.
    pub fn is(&self, key: &str, value: &str) -> bool {
        self.get(key) == Some(value)
    }

    /// True when `key` is present.
    pub fn has(&self, key: &str) -> bool {
        self.get(key).is_some()
    }

    /// True when there are no tags.
    pub fn is_empty(&self) -> bool {
        self.ends.is_empty()
    }

    /// Number of tags.
    pub fn len(&self) -> usize {
        self.ends.len() / 2
    }

    /// The (key, value) pairs in file order.
    pub fn iter(&self) -> impl Iterator<Item = (&'a str, &'a str)> + 'a {
        let text = self.text;
        self.ends
            .chunks_exact(2)
            .scan(self.start as usize, move |start, e| {
                let (k_end, v_end) = (e[0] as usize, e[1] as usize);
                let pair = (&text[*start..k_end], &text[k_end..v_end]);
                *start = v_end;
                Some(pair)
            })
    }
}

/// The tags of one element, owned (an element being read, a test).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct TagList {
    text: String,
    ends: Vec<u32>,
}

impl TagList {
    /// Add a tag at the end.
    pub fn push(&mut self, key: &str, value: &str) {
        self.text.push_str(key);
        self.ends.push(self.text.len() as u32);
        self.text.push_str(value);
        self.ends.push(self.text.len() as u32);
    }

    /// The tags as a borrowed view.
    pub fn view(&self) -> Tags<'_> {
        Tags {
            text: &self.text,
            ends: &self.ends,
            start: 0,
        }
    }
}

impl<K: AsRef<str>, V: AsRef<str>> FromIterator<(K, V)> for TagList {
    fn from_iter<I: IntoIterator<Item = (K, V)>>(iter: I) -> Self {
        let mut tags = TagList::default();
        for (k, v) in iter {
            tags.push(k.as_ref(), v.as_ref());
        }
        tags
    }
}

/// Where an element's tags are in its [`RawOsm`]: a range of the tag end
/// offsets (two per tag).
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct TagSpan {
    first: u32,
    count: u32,
}

/// A node that carries tags we use (facility points, entrances, gates).
#[derive(Debug, Clone, PartialEq)]
pub struct OsmNode {
    /// OSM node id.
    pub id: i64,
    /// Longitude, degrees WGS-84.
    pub lon: f64,
    /// Latitude, degrees WGS-84.
    pub lat: f64,
    /// Where its tags are in [`RawOsm::tags`].
    pub tags: TagSpan,
}

/// A way: its node ids are [`RawOsm::nodes`], its tags [`RawOsm::tags`].
#[derive(Debug, Clone, PartialEq)]
pub struct OsmWay {
    /// OSM way id.
    pub id: i64,
    refs_start: u32,
    refs_len: u32,
    /// Where its tags are in [`RawOsm::tags`].
    pub tags: TagSpan,
}

/// Kind of a relation member.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MemberKind {
    /// A node.
    Node,
    /// A way.
    Way,
    /// A relation.
    Relation,
}

/// One member of a relation.
#[derive(Debug, Clone, PartialEq)]
pub struct Member {
    /// Node, way or relation.
    pub kind: MemberKind,
    /// OSM id of the member.
    pub id: i64,
    /// Its role (`outer`, `inner`, ...).
    pub role: String,
}

/// A relation with its members.
#[derive(Debug, Clone, PartialEq)]
pub struct OsmRelation {
    /// OSM relation id.
    pub id: i64,
    /// Its members, in file order.
    pub members: Vec<Member>,
    /// Where its tags are in [`RawOsm::tags`].
    pub tags: TagSpan,
}

/// Everything read from one OSM file.
#[derive(Debug, Clone, Default)]
pub struct RawOsm {
    /// Ids of all nodes, sorted ascending, parallel to `node_coords`.
    pub node_ids: Vec<i64>,
    /// `[lon, lat]` of each node in `node_ids`.
    pub node_coords: Vec<[f64; 2]>,
    /// Nodes with tags (only those with tags; their coordinates are also in
    /// `node_coords`). Sorted by id.
    pub tagged_nodes: Vec<OsmNode>,
    /// Ways, sorted by id.
    pub ways: Vec<OsmWay>,
    /// Relations, sorted by id.
    pub relations: Vec<OsmRelation>,
    /// Lookup tables over `node_ids` and the tagged nodes' ids, made by
    /// [`RawOsm::finish`].
    node_index: IdIndex,
    tagged_ids: Vec<i64>,
    tagged_index: IdIndex,
    /// Node ids of all ways, back to back.
    way_refs: Vec<i64>,
    /// Tags of all elements: keys and values back to back, and the end
    /// offset of each.
    tag_text: String,
    tag_ends: Vec<u32>,
    /// Set when the arrays above outgrew their `u32` offsets.
    too_large: bool,
    /// Nodes that carried any tag in the file (kept or not), for the
    /// reader's check that the file is whole.
    pub nodes_with_tags: u64,
    /// Ids of the ways that carried no tag in the file, and the way
    /// members of every relation (of any type), for the same check: an
    /// untagged way is in an extract because a relation uses it.
    pub untagged_ways: Vec<i64>,
    /// See [`RawOsm::untagged_ways`].
    pub relation_way_members: Vec<i64>,
}

impl RawOsm {
    /// The node ids of way `w`.
    pub fn nodes(&self, w: &OsmWay) -> &[i64] {
        let start = w.refs_start as usize;
        &self.way_refs[start..start + w.refs_len as usize]
    }

    /// The tags at `span`.
    pub fn tags(&self, span: TagSpan) -> Tags<'_> {
        let first = span.first as usize;
        Tags {
            text: &self.tag_text,
            ends: &self.tag_ends[first..first + span.count as usize],
            start: if first == 0 {
                0
            } else {
                self.tag_ends[first - 1]
            },
        }
    }

    /// True when the file was too large for the compact offsets (over 4
    /// billion way nodes or 4 GB of tags): readers report it as an error.
    pub fn too_large(&self) -> bool {
        self.too_large
    }

    /// Store tags; returns where they are.
    fn push_tags<'t>(&mut self, tags: impl IntoIterator<Item = (&'t str, &'t str)>) -> TagSpan {
        let first = self.tag_ends.len();
        for (k, v) in tags {
            self.tag_text.push_str(k);
            let end = self.offset(self.tag_text.len());
            self.tag_ends.push(end);
            self.tag_text.push_str(v);
            let end = self.offset(self.tag_text.len());
            self.tag_ends.push(end);
        }
        TagSpan {
            first: self.offset(first),
            count: self.offset(self.tag_ends.len() - first),
        }
    }

    fn offset(&mut self, n: usize) -> u32 {
        u32::try_from(n).unwrap_or_else(|_| {
            self.too_large = true;
            u32::MAX
        })
    }

    /// Add a node with tags (its coordinate goes in `node_ids` /
    /// `node_coords` separately).
    pub fn push_tagged_node<'t>(
        &mut self,
        id: i64,
        lon: f64,
        lat: f64,
        tags: impl IntoIterator<Item = (&'t str, &'t str)>,
    ) {
        let tags = self.push_tags(tags);
        self.tagged_nodes.push(OsmNode { id, lon, lat, tags });
    }

    /// Add a way.
    pub fn push_way<'t>(
        &mut self,
        id: i64,
        refs: impl IntoIterator<Item = i64>,
        tags: impl IntoIterator<Item = (&'t str, &'t str)>,
    ) {
        let start = self.way_refs.len();
        self.way_refs.extend(refs);
        let (refs_start, refs_len) = (self.offset(start), self.offset(self.way_refs.len() - start));
        let tags = self.push_tags(tags);
        self.ways.push(OsmWay {
            id,
            refs_start,
            refs_len,
            tags,
        });
    }

    /// Add a relation.
    pub fn push_relation<'t>(
        &mut self,
        id: i64,
        members: Vec<Member>,
        tags: impl IntoIterator<Item = (&'t str, &'t str)>,
    ) {
        let tags = self.push_tags(tags);
        self.relations.push(OsmRelation { id, members, tags });
    }

    /// Move the elements of `other` (read from a later part of the same
    /// file) after these, before [`RawOsm::finish`].
    pub fn append(&mut self, other: RawOsm) {
        let refs = self.way_refs.len();
        let text = self.tag_text.len();
        let ends = self.tag_ends.len();
        let (refs, text_shift, ends) = (self.offset(refs), self.offset(text), self.offset(ends));
        self.too_large |= other.too_large;
        self.nodes_with_tags += other.nodes_with_tags;
        self.untagged_ways.extend(other.untagged_ways);
        self.relation_way_members.extend(other.relation_way_members);
        let shift = |t: TagSpan| TagSpan {
            first: t.first.saturating_add(ends),
            count: t.count,
        };
        self.node_ids.extend(other.node_ids);
        self.node_coords.extend(other.node_coords);
        self.tagged_nodes
            .extend(other.tagged_nodes.into_iter().map(|n| OsmNode {
                tags: shift(n.tags),
                ..n
            }));
        self.ways.extend(other.ways.into_iter().map(|w| OsmWay {
            refs_start: w.refs_start.saturating_add(refs),
            tags: shift(w.tags),
            ..w
        }));
        self.relations
            .extend(other.relations.into_iter().map(|r| OsmRelation {
                tags: shift(r.tags),
                ..r
            }));
        self.way_refs.extend(other.way_refs);
        self.tag_text.push_str(&other.tag_text);
        self.tag_ends
            .extend(other.tag_ends.iter().map(|e| e.saturating_add(text_shift)));
        let total = self.way_refs.len().max(self.tag_text.len());
        self.offset(total);
    }

    /// Free everything but the node ids and coordinates (what the network
    /// builder still needs once the features are extracted). Lookups by id
    /// then fall back to binary searches.
    pub fn keep_only_nodes(&mut self) {
        let nodes = (
            std::mem::take(&mut self.node_ids),
            std::mem::take(&mut self.node_coords),
        );
        *self = RawOsm::default();
        (self.node_ids, self.node_coords) = nodes;
    }

    /// Position of node `id` in `node_ids` (and `node_coords`), if the file
    /// has it.
    pub fn node_position(&self, id: i64) -> Option<usize> {
        self.node_index.find(&self.node_ids, id)
    }

    /// Coordinate `[lon, lat]` of node `id`, if the file has it.
    pub fn coord(&self, id: i64) -> Option<[f64; 2]> {
        self.node_position(id).map(|i| self.node_coords[i])
    }

    /// The way with this id, if present. O(log n).
    pub fn way(&self, id: i64) -> Option<&OsmWay> {
        self.ways
            .binary_search_by_key(&id, |w| w.id)
            .ok()
            .map(|i| &self.ways[i])
    }

    /// The tagged node with this id, if present.
    pub fn tagged_node(&self, id: i64) -> Option<&OsmNode> {
        self.tagged_index
            .find(&self.tagged_ids, id)
            .map(|i| &self.tagged_nodes[i])
    }

    /// Sort every list by id, pair node ids with coordinates and make the
    /// lookup tables; readers call this once at the end.
    pub fn finish(&mut self) {
        // Extracts are usually sorted by type then id already: then there
        // is nothing to sort for the nodes (the largest list by far).
        if !self.node_ids.windows(2).all(|w| w[0] < w[1]) {
            let mut pairs: Vec<(i64, [f64; 2])> = self
                .node_ids
                .iter()
                .copied()
                .zip(self.node_coords.iter().copied())
                .collect();
            pairs.sort_unstable_by_key(|p| p.0);
            pairs.dedup_by_key(|p| p.0);
            self.node_ids = pairs.iter().map(|p| p.0).collect();
            self.node_coords = pairs.iter().map(|p| p.1).collect();
        }
        self.tagged_nodes.sort_by_key(|n| n.id);
        self.tagged_nodes.dedup_by_key(|n| n.id);
        self.ways.sort_by_key(|w| w.id);
        self.ways.dedup_by_key(|w| w.id);
        self.relations.sort_by_key(|r| r.id);
        self.relations.dedup_by_key(|r| r.id);
        self.node_index = IdIndex::new(&self.node_ids);
        self.tagged_ids = self.tagged_nodes.iter().map(|n| n.id).collect();
        self.tagged_index = IdIndex::new(&self.tagged_ids);
    }
}

/// A lookup table over a sorted list of ids: the ids are cut into equal
/// ranges of `2^shift` values (at most one range per id), and `starts[b]`
/// is where range `b` begins in the list. A lookup reads one entry of the
/// table and searches only its range, instead of a binary search over
/// millions of nodes (two dozen scattered reads); a city's extract does
/// tens of millions of lookups. Made for any spread of ids: sparse ranges
/// are empty, dense ones are searched within.
#[derive(Debug, Clone, Default)]
struct IdIndex {
    min: i64,
    shift: u32,
    starts: Vec<u32>,
}

impl IdIndex {
    fn new(ids: &[i64]) -> IdIndex {
        let (Some(&min), Some(&max)) = (ids.first(), ids.last()) else {
            return IdIndex::default();
        };
        if ids.len() >= u32::MAX as usize {
            // Positions do not fit the table: `find` searches the list.
            return IdIndex::default();
        }
        let span = max.abs_diff(min);
        let mut shift = 0;
        while (span >> shift) >= ids.len() as u64 {
            shift += 1;
        }
        let ranges = (span >> shift) as usize + 1;
        let mut starts = Vec::with_capacity(ranges + 1);
        for (i, &id) in ids.iter().enumerate() {
            let b = (id.abs_diff(min) >> shift) as usize;
            while starts.len() <= b {
                starts.push(i as u32);
            }
        }
        while starts.len() <= ranges {
            starts.push(ids.len() as u32);
        }
        IdIndex { min, shift, starts }
    }

    /// Position of `id` in `ids` (the list this index was made from).
    fn find(&self, ids: &[i64], id: i64) -> Option<usize> {
        if self.starts.is_empty() {
            // Not made (an empty list, or `finish` not called yet).
            return ids.binary_search(&id).ok();
        }
        if id < self.min {
            return None;
        }
        let b = (id.abs_diff(self.min) >> self.shift) as usize;
        let (lo, hi) = (
            *self.starts.get(b)? as usize,
            *self.starts.get(b + 1)? as usize,
        );
        ids.get(lo..hi)?.binary_search(&id).ok().map(|i| lo + i)
    }
}

#[cfg(test)]
mod tests {
    use super::{IdIndex, RawOsm, TagList};

    /// The table finds exactly what a binary search finds, for dense,
    /// sparse, clustered and negative ids, and ids outside the list.
    #[test]
    fn id_index_agrees_with_binary_search() {
        let mut rng = crate::testing::Rng(0x2545_f491_4f6c_dd1d);
        let mut next = move || rng.next_u64();
        let lists: Vec<Vec<i64>> = vec![
            vec![],
            vec![7],
            (1..=1000).collect(),
            (0..500).map(|i| i * 1_000_003).collect(),
            // An import: a dense run far from the rest.
            (0..300)
                .map(|i| i * 97)
                .chain((0..2000).map(|i| 12_000_000_000 + i))
                .collect(),
            (0..800)
                .map(|_| (next() >> 20) as i64 - (1 << 43))
                .collect(),
            vec![i64::MIN, -5, 0, 5, i64::MAX],
        ];
        for mut ids in lists {
            ids.sort_unstable();
            ids.dedup();
            let index = IdIndex::new(&ids);
            assert!(index.starts.len() <= ids.len() + 1);
            let mut probes: Vec<i64> = ids
                .iter()
                .flat_map(|&i| [i, i.saturating_add(1), i.saturating_sub(1)])
                .collect();
            probes.extend((0..500).map(|_| next() as i64));
            probes.extend([i64::MIN, i64::MAX, 0]);
            for id in probes {
                assert_eq!(index.find(&ids, id), ids.binary_search(&id).ok(), "{id}");
            }
        }
    }

    #[test]
    fn compact_tags_keep_order_and_first_value() {
        let mut list: TagList = [("highway", "footway"), ("name", "环湖路"), ("highway", "x")]
            .into_iter()
            .collect();
        let t = list.view();
        assert_eq!(t.len(), 3);
        assert_eq!(t.get("highway"), Some("footway"));
        assert_eq!(t.get("name"), Some("环湖路"));
        assert!(t.is("name", "环湖路") && !t.has("foot"));
        list.push("foot", "");
        let t = list.view();
        assert_eq!(t.get("foot"), Some(""));
        let all: Vec<(&str, &str)> = t.iter().collect();
        assert_eq!(
            all,
            [
                ("highway", "footway"),
                ("name", "环湖路"),
                ("highway", "x"),
                ("foot", "")
            ]
        );
        let none = TagList::default();
        let empty = none.view();
        assert!(empty.is_empty() && empty.iter().next().is_none() && empty.get("a").is_none());
        // Empty keys and values keep their places.
        let odd: TagList = [("", "v"), ("k", "")].into_iter().collect();
        assert_eq!(
            odd.view().iter().collect::<Vec<_>>(),
            [("", "v"), ("k", "")]
        );
    }

    /// Elements appended from several parts keep their own node lists and
    /// tags (offsets moved), whatever was stored before them.
    #[test]
    fn parts_append_with_their_tags_and_nodes() {
        let mut a = RawOsm::default();
        a.push_way(5, [1, 2, 3], [("highway", "footway")]);
        a.push_tagged_node(9, 1.0, 2.0, [("entrance", "yes"), ("name", "东门")]);
        let mut b = RawOsm::default();
        b.push_way(4, [7, 8], [("leisure", "pitch"), ("sport", "soccer")]);
        b.push_way(6, [], []);
        b.push_relation(1, Vec::new(), [("type", "multipolygon")]);
        b.push_tagged_node(3, 0.0, 0.0, [("barrier", "gate")]);
        let mut raw = RawOsm::default();
        raw.append(a);
        raw.append(b);
        raw.finish();
        assert!(!raw.too_large());
        let ids: Vec<i64> = raw.ways.iter().map(|w| w.id).collect();
        assert_eq!(ids, [4, 5, 6]);
        let w = raw.way(4).unwrap();
        assert_eq!(raw.nodes(w), [7, 8]);
        assert_eq!(raw.tags(w.tags).get("sport"), Some("soccer"));
        let w = raw.way(5).unwrap();
        assert_eq!(raw.nodes(w), [1, 2, 3]);
        assert_eq!(
            raw.tags(w.tags).iter().collect::<Vec<_>>(),
            [("highway", "footway")]
        );
        let w = raw.way(6).unwrap();
        assert!(raw.nodes(w).is_empty() && raw.tags(w.tags).is_empty());
        assert!(raw.tags(raw.relations[0].tags).is("type", "multipolygon"));
        assert_eq!(
            raw.tags(raw.tagged_node(9).unwrap().tags).get("name"),
            Some("东门")
        );
        assert!(
            raw.tags(raw.tagged_node(3).unwrap().tags)
                .is("barrier", "gate")
        );
    }
}
