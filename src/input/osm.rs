//! Raw OpenStreetMap elements, as read from PBF ([`super::osm_pbf`]) or XML
//! ([`super::osm_xml`]), before tags are interpreted ([`super::osm_extract`]).
//! Only elements whose tags matter are kept with their tags; every node keeps
//! its coordinate (ways need them).

/// Tags of one element as (key, value) pairs, in file order, stored
/// compactly: every key and value back to back in one string, with their
/// end offsets in one array (two allocations per element instead of two per
/// tag; a city's millions of ways keep their tags until the features are
/// extracted).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Tags {
    text: String,
    /// End offset in `text` of key 0, value 0, key 1, value 1, ...
    ends: Vec<u32>,
}

impl Tags {
    /// The value of `key`, if present (the first one, as in file order).
    pub fn get(&self, key: &str) -> Option<&str> {
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

    pub fn is_empty(&self) -> bool {
        self.ends.is_empty()
    }

    /// Number of tags.
    pub fn len(&self) -> usize {
        self.ends.len() / 2
    }

    /// Add a tag at the end.
    pub fn push(&mut self, key: &str, value: &str) {
        self.text.push_str(key);
        self.ends.push(self.text.len() as u32);
        self.text.push_str(value);
        self.ends.push(self.text.len() as u32);
    }

    /// The (key, value) pairs in file order.
    pub fn iter(&self) -> impl Iterator<Item = (&str, &str)> + '_ {
        self.ends.chunks_exact(2).scan(0usize, |start, e| {
            let (k_end, v_end) = (e[0] as usize, e[1] as usize);
            let pair = (&self.text[*start..k_end], &self.text[k_end..v_end]);
            *start = v_end;
            Some(pair)
        })
    }
}

impl<K: AsRef<str>, V: AsRef<str>> FromIterator<(K, V)> for Tags {
    fn from_iter<I: IntoIterator<Item = (K, V)>>(iter: I) -> Self {
        let mut tags = Tags::default();
        for (k, v) in iter {
            tags.push(k.as_ref(), v.as_ref());
        }
        tags.text.shrink_to_fit();
        tags.ends.shrink_to_fit();
        tags
    }
}

/// A node that carries tags we use (facility points, entrances, gates).
#[derive(Debug, Clone, PartialEq)]
pub struct OsmNode {
    pub id: i64,
    pub lon: f64,
    pub lat: f64,
    pub tags: Tags,
}

/// A way with the ids of its nodes.
#[derive(Debug, Clone, PartialEq)]
pub struct OsmWay {
    pub id: i64,
    pub nodes: Vec<i64>,
    pub tags: Tags,
}

/// Kind of a relation member.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MemberKind {
    Node,
    Way,
    Relation,
}

/// One member of a relation.
#[derive(Debug, Clone, PartialEq)]
pub struct Member {
    pub kind: MemberKind,
    pub id: i64,
    pub role: String,
}

/// A relation with its members.
#[derive(Debug, Clone, PartialEq)]
pub struct OsmRelation {
    pub id: i64,
    pub members: Vec<Member>,
    pub tags: Tags,
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
}

impl RawOsm {
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
    use super::{IdIndex, Tags};

    /// The table finds exactly what a binary search finds, for dense,
    /// sparse, clustered and negative ids, and ids outside the list.
    #[test]
    fn id_index_agrees_with_binary_search() {
        let mut seed = 0x2545_f491_4f6c_dd1du64;
        let mut next = move || {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            seed
        };
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
        let mut t: Tags = [("highway", "footway"), ("name", "环湖路"), ("highway", "x")]
            .into_iter()
            .collect();
        assert_eq!(t.len(), 3);
        assert_eq!(t.get("highway"), Some("footway"));
        assert_eq!(t.get("name"), Some("环湖路"));
        assert!(t.is("name", "环湖路") && !t.has("foot"));
        t.push("foot", "");
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
        let empty = Tags::default();
        assert!(empty.is_empty() && empty.iter().next().is_none() && empty.get("a").is_none());
        // Empty keys and values keep their places.
        let odd: Tags = [("", "v"), ("k", "")].into_iter().collect();
        assert_eq!(odd.iter().collect::<Vec<_>>(), [("", "v"), ("k", "")]);
    }
}
