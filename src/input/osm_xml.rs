//! Reader for OSM XML (`.osm`) files, as written by JOSM, the OSM API or by
//! hand for test fixtures. Meant for small files: the whole text is held in
//! memory. Large extracts should be PBF ([`super::osm_pbf`]).
//!
//! Only `<node>`, `<way>` and `<relation>` children of the `<osm>` root are
//! read, with their `<tag>`, `<nd>` and `<member>` children; everything else
//! (`<bounds>`, `<osm>` attributes, comments, unknown elements) is ignored.
//! Elements marked `action="delete"` (JOSM) or `visible="false"` (history
//! dumps) are skipped.

use std::collections::HashSet;
use std::io::Read;
use std::path::Path;

use quick_xml::Reader;
use quick_xml::encoding::Decoder;
use quick_xml::events::{BytesStart, Event};

use super::osm::{Member, MemberKind, RawOsm, TagList};
use crate::{Error, Result};

/// Read an OSM XML file into [`RawOsm`] (already [`RawOsm::finish`]ed).
pub(crate) fn read_osm_xml(path: &Path) -> Result<RawOsm> {
    if let Some(bytes) = crate::bundled::get(path) {
        return parse_osm_xml_bytes(bytes, path);
    }
    let text = std::fs::read_to_string(path).map_err(|source| Error::Read {
        path: path.to_path_buf(),
        source,
    })?;
    parse_osm_xml(&text, path)
}

/// Parse OSM XML text into [`RawOsm`] (already [`RawOsm::finish`]ed).
/// `path` is only used in error messages.
pub(crate) fn parse_osm_xml(text: &str, path: &Path) -> Result<RawOsm> {
    Parser::new(text, path).run()
}

/// Parse OSM XML held in memory as bytes (UTF-8). `source` names the data
/// in error messages (a file name, or e.g. `<upload>`); nothing is opened.
/// Bytes that are not UTF-8 give the same error as reading such a file.
pub(crate) fn parse_osm_xml_bytes(bytes: &[u8], source: &Path) -> Result<RawOsm> {
    let text = std::str::from_utf8(bytes).map_err(|_| Error::Read {
        path: source.to_path_buf(),
        source: not_utf8(),
    })?;
    parse_osm_xml(text, source)
}

/// Read OSM XML from a reader (a pipe, a socket, an open file) into
/// memory and parse it. `source` names the data in error messages.
pub(crate) fn read_osm_xml_from(mut reader: impl Read, source: &Path) -> Result<RawOsm> {
    let mut text = String::new();
    reader.read_to_string(&mut text).map_err(|e| Error::Read {
        path: source.to_path_buf(),
        source: e,
    })?;
    parse_osm_xml(&text, source)
}

/// The I/O error `std::fs::read_to_string` gives for a file that is not
/// UTF-8.
fn not_utf8() -> std::io::Error {
    std::io::Error::new(
        std::io::ErrorKind::InvalidData,
        "stream did not contain valid UTF-8",
    )
}

/// The element being read between its start and end tags.
enum Current {
    Node {
        id: i64,
        lon: f64,
        lat: f64,
        tags: TagList,
    },
    Way {
        id: i64,
        nodes: Vec<i64>,
        tags: TagList,
    },
    Relation {
        id: i64,
        members: Vec<Member>,
        tags: TagList,
    },
    /// A deleted/invisible element: its children are ignored.
    Skipped,
}

/// Where the parser is in the document.
#[derive(Default)]
struct Nesting {
    /// Number of currently open elements.
    depth: usize,
    root_seen: bool,
    /// The node, way or relation being read and its depth.
    current: Option<(Current, usize)>,
}

struct Parser<'a> {
    text: &'a str,
    path: &'a Path,
    reader: Reader<&'a [u8]>,
    /// Byte offset up to which `line` has been counted.
    counted_to: usize,
    /// 1-based line number at `counted_to`.
    line: usize,
    raw: RawOsm,
    seen_nodes: HashSet<i64>,
    seen_ways: HashSet<i64>,
    seen_relations: HashSet<i64>,
}

impl<'a> Parser<'a> {
    fn new(text: &'a str, path: &'a Path) -> Self {
        let mut reader = Reader::from_str(text);
        let config = reader.config_mut();
        config.check_end_names = true;
        config.trim_text(false);
        Parser {
            text,
            path,
            reader,
            counted_to: 0,
            line: 1,
            raw: RawOsm::default(),
            seen_nodes: HashSet::new(),
            seen_ways: HashSet::new(),
            seen_relations: HashSet::new(),
        }
    }

    /// 1-based line number of byte offset `pos` (offsets only move forward,
    /// so counting is incremental).
    fn line_at(&mut self, pos: u64) -> usize {
        let pos = usize::try_from(pos)
            .unwrap_or(usize::MAX)
            .min(self.text.len());
        if pos < self.counted_to {
            // Should not happen; count from the start to stay correct.
            return 1 + self.text.as_bytes()[..pos]
                .iter()
                .filter(|&&b| b == b'\n')
                .count();
        }
        self.line += self.text.as_bytes()[self.counted_to..pos]
            .iter()
            .filter(|&&b| b == b'\n')
            .count();
        self.counted_to = pos;
        self.line
    }

    fn err(&self, location: impl Into<String>, message: impl Into<String>) -> Error {
        Error::record(self.path, location, message)
    }

    fn run(mut self) -> Result<RawOsm> {
        let decoder = self.reader.decoder();
        let mut at = Nesting::default();
        loop {
            let start_pos = self.reader.buffer_position();
            let event = match self.reader.read_event() {
                Ok(ev) => ev,
                Err(e) => {
                    let line = self.line_at(self.reader.error_position());
                    return Err(self.err(
                        format!("line {line}"),
                        format!("malformed XML: {e}; fix the XML syntax there"),
                    ));
                }
            };
            match event {
                Event::Start(ref e) => self.open(&mut at, e, false, decoder, start_pos)?,
                Event::Empty(ref e) => self.open(&mut at, e, true, decoder, start_pos)?,
                Event::End(_) => self.close(&mut at),
                Event::Eof => return self.end(&at),
                // Text directly in the document (outside <osm>) is not XML.
                Event::Text(ref t)
                    if at.depth == 0 && t.iter().any(|b| !b.is_ascii_whitespace()) =>
                {
                    let line = self.line_at(start_pos);
                    return Err(self.err(
                        format!("line {line}"),
                        "malformed XML: text outside the <osm> element; \
                         fix the XML syntax there",
                    ));
                }
                _ => {}
            }
        }
    }

    /// A start tag (or an empty element, `is_empty`) at byte `start_pos`:
    /// the root, a node/way/relation, or one of their children.
    fn open(
        &mut self,
        at: &mut Nesting,
        e: &BytesStart<'_>,
        is_empty: bool,
        decoder: Decoder,
        start_pos: u64,
    ) -> Result<()> {
        let line = self.line_at(start_pos);
        let name = e.name();
        let name = name.as_ref();
        if at.depth == 0 {
            self.root(at, name, line)?;
        } else if at.depth == 1 {
            let started = match name {
                b"node" => Some(self.start_node(e, decoder, line)?),
                b"way" => Some(self.start_way(e, decoder, line)?),
                b"relation" => Some(self.start_relation(e, decoder, line)?),
                _ => None, // <bounds>, <changeset>, <note>, ...
            };
            if let Some(cur) = started {
                if is_empty {
                    self.finish_element(cur);
                } else {
                    at.current = Some((cur, at.depth));
                }
            }
        } else if at.depth == 2
            && let Some((cur, _)) = at.current.as_mut()
        {
            self.child(cur, name, e, decoder, line)?;
        }
        if !is_empty {
            at.depth += 1;
        }
        Ok(())
    }

    /// The root element `name` at `line`: one `<osm>`, nothing after it.
    fn root(&self, at: &mut Nesting, name: &[u8], line: usize) -> Result<()> {
        if at.root_seen {
            return Err(self.err(
                format!("line {line}"),
                "a second root element after </osm>; \
                 an OSM XML file has exactly one <osm> element",
            ));
        }
        if name != b"osm" {
            return Err(self.err(
                format!("line {line}"),
                format!(
                    "the root element is <{}>, expected <osm>; \
                     this does not look like an OSM XML file",
                    String::from_utf8_lossy(name)
                ),
            ));
        }
        at.root_seen = true;
        Ok(())
    }

    /// An end tag: the element being read is complete when it closes.
    fn close(&mut self, at: &mut Nesting) {
        at.depth = at.depth.saturating_sub(1);
        if let Some((_, d)) = at.current.as_ref()
            && *d == at.depth
        {
            let (cur, _) = at.current.take().expect("checked above");
            self.finish_element(cur);
        }
    }

    /// The end of the text: every element closed and an `<osm>` seen.
    fn end(mut self, at: &Nesting) -> Result<RawOsm> {
        if at.depth > 0 {
            let line = self.line_at(self.text.len() as u64);
            return Err(self.err(
                format!("line {line}"),
                "the file ends inside an element (missing closing tags such \
                 as </osm>); the file may be truncated",
            ));
        }
        if !at.root_seen {
            return Err(Error::file(
                self.path,
                "no <osm> element found; the file is empty or not OSM XML",
            ));
        }
        let mut raw = self.raw;
        if raw.too_large() {
            return Err(Error::file(
                self.path,
                "the file is too large (over 4 billion way nodes or 4 GB of tags); cut it to \
                 the study area (osmium extract)",
            ));
        }
        raw.finish();
        Ok(raw)
    }

    /// Attributes of `e` as (name, unescaped value) pairs.
    fn attributes(
        &self,
        e: &BytesStart<'_>,
        decoder: Decoder,
        location: &str,
    ) -> Result<Vec<(String, String)>> {
        let mut out = Vec::new();
        for attr in e.attributes() {
            let attr = attr.map_err(|err| {
                self.err(
                    location,
                    format!("malformed attribute: {err}; fix the XML syntax there"),
                )
            })?;
            let key = String::from_utf8_lossy(attr.key.as_ref()).into_owned();
            let value = attr.decode_and_unescape_value(decoder).map_err(|err| {
                self.err(
                    location,
                    format!(
                        "attribute {key}: cannot unescape the value: {err}; \
                         use only &amp; &lt; &gt; &quot; &apos; or numeric character references"
                    ),
                )
            })?;
            out.push((key, value.into_owned()));
        }
        Ok(out)
    }

    /// The `id` attribute of a node/way/relation at `line`.
    fn element_id(&self, kind: &str, attrs: &[(String, String)], line: usize) -> Result<i64> {
        match get(attrs, "id") {
            None => Err(self.err(
                format!("line {line}"),
                format!("<{kind}> without an id attribute; add id=\"...\" (a whole number)"),
            )),
            Some(v) => v.trim().parse::<i64>().map_err(|_| {
                self.err(
                    format!("line {line}"),
                    format!("<{kind}> has id=\"{v}\", which is not a whole number; fix the id"),
                )
            }),
        }
    }

    /// True when the element is deleted (JOSM `action="delete"`) or invisible
    /// (`visible="false"`).
    fn is_skipped(attrs: &[(String, String)]) -> bool {
        get(attrs, "action") == Some("delete") || get(attrs, "visible") == Some("false")
    }

    fn check_unique(&mut self, kind: &str, id: i64, line: usize) -> Result<()> {
        let seen = match kind {
            "node" => &mut self.seen_nodes,
            "way" => &mut self.seen_ways,
            _ => &mut self.seen_relations,
        };
        if seen.insert(id) {
            Ok(())
        } else {
            Err(self.err(
                format!("{kind} {id} (line {line})"),
                format!("a second {kind} with id {id}; give each {kind} a unique id"),
            ))
        }
    }

    fn start_node(&mut self, e: &BytesStart<'_>, decoder: Decoder, line: usize) -> Result<Current> {
        let attrs = self.attributes(e, decoder, &format!("line {line}"))?;
        let id = self.element_id("node", &attrs, line)?;
        if Self::is_skipped(&attrs) {
            return Ok(Current::Skipped);
        }
        self.check_unique("node", id, line)?;
        let location = format!("node {id} (line {line})");
        let lat = self.coordinate(&attrs, "lat", 90.0, &location)?;
        let lon = self.coordinate(&attrs, "lon", 180.0, &location)?;
        Ok(Current::Node {
            id,
            lon,
            lat,
            tags: TagList::default(),
        })
    }

    /// Attribute `key` (`lat` or `lon`) as a number within `[-limit, limit]`.
    fn coordinate(
        &self,
        attrs: &[(String, String)],
        key: &str,
        limit: f64,
        location: &str,
    ) -> Result<f64> {
        let what = if key == "lat" {
            "latitude"
        } else {
            "longitude"
        };
        let Some(text) = get(attrs, key) else {
            return Err(self.err(
                location,
                format!("no {key} attribute; add the {what} in decimal degrees (WGS-84)"),
            ));
        };
        let value: f64 = text.trim().parse().map_err(|_| {
            self.err(
                location,
                format!(
                    "{key}=\"{text}\" is not a number; write the {what} in decimal degrees \
                     (for example {key}=\"{}\")",
                    if key == "lat" { "60.17" } else { "24.94" }
                ),
            )
        })?;
        if !value.is_finite() || value < -limit || value > limit {
            return Err(self.err(
                location,
                format!(
                    "{key}={text} is outside [-{limit}, {limit}]; check that the {what} is in \
                     WGS-84 decimal degrees and that lat and lon are not swapped"
                ),
            ));
        }
        Ok(value)
    }

    fn start_way(&mut self, e: &BytesStart<'_>, decoder: Decoder, line: usize) -> Result<Current> {
        let attrs = self.attributes(e, decoder, &format!("line {line}"))?;
        let id = self.element_id("way", &attrs, line)?;
        if Self::is_skipped(&attrs) {
            return Ok(Current::Skipped);
        }
        self.check_unique("way", id, line)?;
        Ok(Current::Way {
            id,
            nodes: Vec::new(),
            tags: TagList::default(),
        })
    }

    fn start_relation(
        &mut self,
        e: &BytesStart<'_>,
        decoder: Decoder,
        line: usize,
    ) -> Result<Current> {
        let attrs = self.attributes(e, decoder, &format!("line {line}"))?;
        let id = self.element_id("relation", &attrs, line)?;
        if Self::is_skipped(&attrs) {
            return Ok(Current::Skipped);
        }
        self.check_unique("relation", id, line)?;
        Ok(Current::Relation {
            id,
            members: Vec::new(),
            tags: TagList::default(),
        })
    }

    /// A `<tag>`, `<nd>` or `<member>` (or ignored) child of `cur`.
    fn child(
        &self,
        cur: &mut Current,
        name: &[u8],
        e: &BytesStart<'_>,
        decoder: Decoder,
        line: usize,
    ) -> Result<()> {
        let location = match cur {
            Current::Node { id, .. } => format!("node {id} (line {line})"),
            Current::Way { id, .. } => format!("way {id} (line {line})"),
            Current::Relation { id, .. } => format!("relation {id} (line {line})"),
            Current::Skipped => return Ok(()),
        };
        match name {
            b"tag" => {
                let attrs = self.attributes(e, decoder, &location)?;
                let (Some(k), Some(v)) = (get(&attrs, "k"), get(&attrs, "v")) else {
                    return Err(self.err(
                        location,
                        "<tag> needs both k and v attributes, as in <tag k=\"highway\" v=\"footway\"/>",
                    ));
                };
                match cur {
                    Current::Node { tags, .. }
                    | Current::Way { tags, .. }
                    | Current::Relation { tags, .. } => tags.push(k, v),
                    Current::Skipped => {}
                }
            }
            b"nd" => {
                let Current::Way { nodes, .. } = cur else {
                    return Err(self.err(location, "<nd> belongs only inside a <way>; remove it"));
                };
                let attrs = self.attributes(e, decoder, &location)?;
                let id = parse_ref(&attrs).map_err(|m| self.err(&location, m))?;
                nodes.push(id);
            }
            b"member" => {
                let Current::Relation { members, .. } = cur else {
                    return Err(self.err(
                        location,
                        "<member> belongs only inside a <relation>; remove it",
                    ));
                };
                let attrs = self.attributes(e, decoder, &location)?;
                let kind = match get(&attrs, "type") {
                    Some("node") => MemberKind::Node,
                    Some("way") => MemberKind::Way,
                    Some("relation") => MemberKind::Relation,
                    Some(other) => {
                        return Err(self.err(
                            location,
                            format!(
                                "<member> has type=\"{other}\"; use type=\"node\", \"way\" or \"relation\""
                            ),
                        ));
                    }
                    None => {
                        return Err(self.err(
                            location,
                            "<member> without a type attribute; add type=\"node\", \"way\" or \"relation\"",
                        ));
                    }
                };
                let id = parse_ref(&attrs).map_err(|m| self.err(&location, m))?;
                let role = get(&attrs, "role").unwrap_or_default().to_string();
                members.push(Member { kind, id, role });
            }
            _ => {}
        }
        Ok(())
    }

    fn finish_element(&mut self, cur: Current) {
        match cur {
            Current::Node { id, lon, lat, tags } => {
                self.raw.node_ids.push(id);
                self.raw.node_coords.push([lon, lat]);
                if !tags.view().is_empty() {
                    self.raw.push_tagged_node(id, lon, lat, tags.view().iter());
                }
            }
            Current::Way { id, nodes, tags } => self.raw.push_way(id, nodes, tags.view().iter()),
            Current::Relation { id, members, tags } => {
                self.raw.push_relation(id, members, tags.view().iter())
            }
            Current::Skipped => {}
        }
    }
}

/// The value of attribute `key`.
fn get<'v>(attrs: &'v [(String, String)], key: &str) -> Option<&'v str> {
    attrs
        .iter()
        .find(|(k, _)| k == key)
        .map(|(_, v)| v.as_str())
}

/// The `ref` attribute of an `<nd>` or `<member>` as an id.
fn parse_ref(attrs: &[(String, String)]) -> std::result::Result<i64, String> {
    match get(attrs, "ref") {
        None => Err("missing ref attribute; add ref=\"...\" with the id it points to".into()),
        Some(v) => v
            .trim()
            .parse()
            .map_err(|_| format!("ref=\"{v}\" is not a whole number; fix the id")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::path::PathBuf;

    fn p() -> PathBuf {
        PathBuf::from("test.osm")
    }

    const SAMPLE: &str = r#"<?xml version="1.0" encoding="UTF-8"?>
<osm version="0.6" generator="hand">
  <bounds minlat="60.16" minlon="24.93" maxlat="60.18" maxlon="24.95"/>
  <node id="3" lat="60.1702" lon="24.9412"/>
  <node id="1" lat="60.1700" lon="24.9400">
    <tag k="leisure" v="fitness_station"/>
    <tag k="name" v="Tom &amp; Jerry &quot;Gym&quot;"/>
  </node>
  <node id="2" lat="60.1701" lon="24.9410"></node>
  <way id="20">
    <nd ref="1"/>
    <nd ref="2"/>
    <nd ref="3"/>
    <nd ref="1"/>
    <tag k="area" v="yes"/>
  </way>
  <way id="10">
    <nd ref="1"/>
    <nd ref="2"/>
    <tag k="highway" v="footway"/>
  </way>
  <relation id="100">
    <member type="way" ref="20" role="outer"/>
    <member type="way" ref="10" role="inner"/>
    <member type="node" ref="1" role=""/>
    <tag k="type" v="multipolygon"/>
    <tag k="leisure" v="park"/>
  </relation>
  <changeset id="5"/>
</osm>
"#;

    #[test]
    fn parses_sample() {
        let raw = parse_osm_xml(SAMPLE, &p()).unwrap();
        assert_eq!(raw.node_ids, vec![1, 2, 3]);
        assert_eq!(raw.node_coords.len(), 3);
        assert_eq!(raw.coord(3), Some([24.9412, 60.1702]));
        assert_eq!(raw.coord(2), Some([24.9410, 60.1701]));
        assert_eq!(raw.coord(4), None);

        assert_eq!(raw.tagged_nodes.len(), 1);
        let n = raw.tagged_node(1).unwrap();
        assert_eq!((n.lon, n.lat), (24.94, 60.17));
        assert!(raw.tags(n.tags).is("leisure", "fitness_station"));
        assert_eq!(raw.tags(n.tags).get("name"), Some("Tom & Jerry \"Gym\""));

        assert_eq!(raw.ways.len(), 2);
        assert_eq!(raw.ways[0].id, 10);
        assert_eq!(raw.nodes(raw.way(10).unwrap()), [1, 2]);
        assert!(raw.tags(raw.way(10).unwrap().tags).is("highway", "footway"));
        assert_eq!(raw.nodes(raw.way(20).unwrap()), [1, 2, 3, 1]);

        assert_eq!(raw.relations.len(), 1);
        let r = &raw.relations[0];
        assert_eq!(r.id, 100);
        assert!(raw.tags(r.tags).is("type", "multipolygon"));
        assert!(raw.tags(r.tags).is("leisure", "park"));
        assert_eq!(r.members.len(), 3);
        assert_eq!(
            r.members[0],
            Member {
                kind: MemberKind::Way,
                id: 20,
                role: "outer".into()
            }
        );
        assert_eq!(r.members[1].role, "inner");
        assert_eq!(r.members[2].kind, MemberKind::Node);
        assert_eq!(r.members[2].role, "");
    }

    #[test]
    fn skips_deleted_and_accepts_negative_ids() {
        let text = r#"<osm>
  <node id="-1" lat="60.17" lon="24.94"/>
  <node id="2" action="delete"/>
  <way id="-5" action="modify"><nd ref="-1"/></way>
  <way id="6" visible="false"><nd ref="-1"/><tag k="highway" v="path"/></way>
</osm>"#;
        let raw = parse_osm_xml(text, &p()).unwrap();
        assert_eq!(raw.node_ids, vec![-1]);
        assert_eq!(raw.ways.len(), 1);
        assert_eq!(raw.ways[0].id, -5);
        assert_eq!(raw.nodes(&raw.ways[0]), [-1]);
    }

    #[test]
    fn empty_osm_is_ok() {
        let raw = parse_osm_xml("<osm version=\"0.6\"/>", &p()).unwrap();
        assert!(raw.node_ids.is_empty() && raw.ways.is_empty() && raw.relations.is_empty());
    }

    fn err(text: &str) -> String {
        match parse_osm_xml(text, &p()) {
            Ok(_) => panic!("expected an error for {text}"),
            Err(e) => e.to_string(),
        }
    }

    #[test]
    fn node_without_lat_names_the_node() {
        let m = err("<osm>\n<node id=\"12\" lon=\"24.9\"/>\n</osm>");
        assert!(m.contains("test.osm"), "{m}");
        assert!(m.contains("node 12"), "{m}");
        assert!(m.contains("lat"), "{m}");
    }

    #[test]
    fn unparseable_lon_names_the_node() {
        let m = err("<osm><node id=\"12\" lat=\"60.1\" lon=\"east\"/></osm>");
        assert!(m.contains("node 12") && m.contains("east"), "{m}");
    }

    #[test]
    fn out_of_range_coordinates() {
        let m = err("<osm><node id=\"7\" lat=\"95\" lon=\"24.9\"/></osm>");
        assert!(m.contains("node 7") && m.contains("lat"), "{m}");
        let m = err("<osm><node id=\"8\" lat=\"60\" lon=\"-181\"/></osm>");
        assert!(m.contains("node 8") && m.contains("lon"), "{m}");
        let m = err("<osm><node id=\"9\" lat=\"NaN\" lon=\"24\"/></osm>");
        assert!(m.contains("node 9"), "{m}");
    }

    #[test]
    fn way_or_relation_without_id() {
        let m = err("<osm>\n\n<way><nd ref=\"1\"/></way>\n</osm>");
        assert!(m.contains("line 3") && m.contains("way"), "{m}");
        let m = err("<osm>\n<relation/>\n</osm>");
        assert!(m.contains("line 2") && m.contains("relation"), "{m}");
        let m = err("<osm>\n<way id=\"x1\"/>\n</osm>");
        assert!(m.contains("line 2") && m.contains("x1"), "{m}");
    }

    #[test]
    fn bad_children_name_the_element() {
        let m = err("<osm><way id=\"5\"><nd/></way></osm>");
        assert!(m.contains("way 5") && m.contains("ref"), "{m}");
        let m = err("<osm><way id=\"5\"><tag k=\"highway\"/></way></osm>");
        assert!(m.contains("way 5") && m.contains("<tag>"), "{m}");
        let m = err("<osm><relation id=\"4\"><member type=\"area\" ref=\"1\"/></relation></osm>");
        assert!(m.contains("relation 4") && m.contains("area"), "{m}");
    }

    #[test]
    fn duplicate_ids_are_errors() {
        let m = err("<osm><way id=\"5\"/>\n<way id=\"5\"/></osm>");
        assert!(m.contains("way 5") && m.contains("unique"), "{m}");
    }

    #[test]
    fn malformed_xml_gives_a_line() {
        let m = err("<osm>\n<node id=\"1\" lat=\"60\" lon=\"24\">\n</way>\n</osm>");
        assert!(m.contains("line 3") && m.contains("malformed XML"), "{m}");
        let m = err("<osm>\n<node id=\"1\" lat=\"60\" lon=\"24\"/>\n");
        assert!(m.contains("line"), "{m}");
        let m = err("<osm>\n<node id=\"1\" lat=\"60 lon=\"24\"/>\n</osm>");
        assert!(m.contains("line 2"), "{m}");
        let m = err(
            "<osm><node id=\"1\" lat=\"60\" lon=\"24\"><tag k=\"a\" v=\"&bogus;\"/></node></osm>",
        );
        assert!(m.contains("node 1"), "{m}");
    }

    #[test]
    fn not_osm_or_empty() {
        let m = err("<gpx><trk/></gpx>");
        assert!(m.contains("gpx"), "{m}");
        let m = err("");
        assert!(m.contains("no <osm> element"), "{m}");
        let m = err("   \n  ");
        assert!(m.contains("no <osm> element"), "{m}");
    }

    #[test]
    fn bytes_and_readers_parse_like_text() {
        let from_bytes = parse_osm_xml_bytes(SAMPLE.as_bytes(), &p()).unwrap();
        let from_reader = read_osm_xml_from(SAMPLE.as_bytes(), &p()).unwrap();
        for raw in [&from_bytes, &from_reader] {
            assert_eq!(raw.node_ids, vec![1, 2, 3]);
            assert_eq!(raw.coord(3), Some([24.9412, 60.1702]));
            assert_eq!(
                raw.tags(raw.tagged_node(1).unwrap().tags).get("name"),
                Some("Tom & Jerry \"Gym\"")
            );
            assert_eq!(raw.nodes(raw.way(20).unwrap()), [1, 2, 3, 1]);
            assert_eq!(raw.relations[0].members.len(), 3);
        }
        // Errors name the source as given.
        let m = parse_osm_xml_bytes(b"<osm><way id=\"5\"><nd/></way></osm>", &p())
            .unwrap_err()
            .to_string();
        assert!(m.starts_with("test.osm, way 5"), "{m}");
    }

    #[test]
    fn bytes_not_utf8_fail_as_a_file_does() {
        let bytes =
            b"<osm><node id=\"1\" lat=\"60\" lon=\"24\"><tag k=\"name\" v=\"\xff\"/></node></osm>";
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("latin1.osm");
        std::fs::write(&path, bytes).unwrap();
        let from_file = read_osm_xml(&path).unwrap_err().to_string();
        let from_bytes = parse_osm_xml_bytes(bytes, &path).unwrap_err().to_string();
        let from_reader = read_osm_xml_from(&bytes[..], &path)
            .unwrap_err()
            .to_string();
        assert!(from_file.contains("valid UTF-8"), "{from_file}");
        assert_eq!(from_bytes, from_file);
        assert_eq!(from_reader, from_file);
    }

    #[test]
    fn read_missing_file_is_read_error() {
        let e = read_osm_xml(Path::new("/nonexistent/dir/x.osm")).unwrap_err();
        assert!(matches!(e, Error::Read { .. }), "{e}");
    }

    fn fixture(name: &str) -> RawOsm {
        let path = Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("tests/fixtures/osm")
            .join(name);
        read_osm_xml(&path).unwrap_or_else(|e| panic!("{e}"))
    }

    #[test]
    fn fixtures_parse() {
        let raw = fixture("split.osm");
        assert_eq!(
            (raw.node_ids.len(), raw.ways.len(), raw.relations.len()),
            (11, 3, 0)
        );
        assert!(raw.tagged_nodes.is_empty());
        assert_eq!(raw.nodes(raw.way(2).unwrap())[2], 103);

        let raw = fixture("access.osm");
        assert_eq!(
            (raw.node_ids.len(), raw.ways.len(), raw.relations.len()),
            (11, 10, 0)
        );
        assert!(raw.tags(raw.way(24).unwrap().tags).is("oneway:foot", "yes"));

        let raw = fixture("facilities.osm");
        assert_eq!(
            (raw.node_ids.len(), raw.ways.len(), raw.relations.len()),
            (38, 11, 2)
        );
        let ids: Vec<i64> = raw.tagged_nodes.iter().map(|n| n.id).collect();
        assert_eq!(ids, vec![1101, 1405]);
        assert_eq!(
            raw.tags(raw.way(110).unwrap().tags).get("name"),
            Some("Urheilutalo \"Kallio\"")
        );
        assert_eq!(
            raw.tags(raw.way(130).unwrap().tags).get("name"),
            Some("Koulu & lukio")
        );
        let park = &raw.relations[0];
        let roles: Vec<(i64, &str)> = park
            .members
            .iter()
            .map(|m| (m.id, m.role.as_str()))
            .collect();
        assert_eq!(roles, vec![(120, "outer"), (121, "outer"), (122, "inner")]);
        assert_eq!(raw.relations[1].members[0].id, 999);
        assert!(raw.way(999).is_none());
    }
}
