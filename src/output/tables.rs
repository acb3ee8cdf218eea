//! CSV tables: unreachable items, the coverage summary, and the graph export.

use std::io::{self, Write};

use crate::analysis::study::Study;
use crate::input::Inputs;
use crate::output::csv_safe::{CsvFormulas, CsvOut};
use crate::output::format::round;
use crate::output::i18n::{
    Lang, csv_word, dropped_detail, record_label, target_label, unreachable_reason,
};

/// `unreachable.csv`: every community and facility that could not be
/// attached to the network, with the reason (a code, and a sentence in
/// `lang`). Never silently dropped.
pub(crate) fn write_unreachable(
    w: &mut dyn Write,
    inputs: &Inputs,
    study: &Study,
    formulas: CsvFormulas,
    lang: Lang,
) -> io::Result<()> {
    let mut c = CsvOut::new(w, formulas);
    c.write_header(
        &[
            "item_kind",
            "id",
            "name",
            "population",
            "reason_code",
            "reason_text",
        ],
        lang,
        None,
    )?;
    let community = csv_word(lang, "community");
    for (i, com) in inputs.communities.iter().enumerate() {
        if let Err(e) = &study.placement.community_access[i] {
            c.write_record([
                community.as_str(),
                &com.id,
                &com.name,
                &round(com.population, 2).to_string(),
                e.code(),
                &unreachable_reason(lang, e),
            ])?;
        }
    }
    let facility = csv_word(lang, "facility");
    for (i, f) in inputs.facilities.iter().enumerate() {
        if let Err(e) = &study.placement.facility_access[i] {
            c.write_record([
                facility.as_str(),
                &f.id,
                &f.name,
                "",
                e.code(),
                &unreachable_reason(lang, e),
            ])?;
        }
    }
    c.flush()
}

/// `summary.csv`: one row per area (whole area, then each unit) and target:
/// facilities, population, covered population and share.
pub(crate) fn write_summary(
    w: &mut dyn Write,
    inputs: &Inputs,
    study: &Study,
    formulas: CsvFormulas,
    lang: Lang,
) -> io::Result<()> {
    let mut c = CsvOut::new(w, formulas);
    c.write_header(
        &[
            "area",
            "unit_id",
            "target",
            "facilities",
            "communities",
            "population",
            "covered_population",
            "coverage_share",
            "unreachable_population",
            "walk_minutes",
            "limit_m",
        ],
        lang,
        None,
    )?;
    for a in &study.areas {
        let (name, id) = match a.unit {
            None => (csv_word(lang, "all"), String::new()),
            Some(u) => (
                inputs.units[u.get()].name.clone(),
                inputs.units[u.get()].id.clone(),
            ),
        };
        for t in &a.targets {
            let target = match lang {
                Lang::En => t.target.name().to_string(),
                Lang::Zh => target_label(lang, t.target),
            };
            c.write_record([
                name.as_str(),
                id.as_str(),
                &target,
                &t.facilities.to_string(),
                &a.communities.to_string(),
                &round(t.population, 1).to_string(),
                &round(t.covered_population, 1).to_string(),
                &round(t.share(), 4).to_string(),
                &round(a.unreachable_population, 1).to_string(),
                &study.settings.minutes.to_string(),
                &round(study.scenarios.now.settings.limit_m, 1).to_string(),
            ])?;
        }
    }
    c.flush()
}

/// `graph_nodes.csv`: node index, OSM id (0 for snap points), lon, lat, component.
pub(crate) fn write_graph_nodes(
    w: &mut dyn Write,
    study: &Study,
    formulas: CsvFormulas,
) -> io::Result<()> {
    let Some(graph) = study.graph() else {
        return Ok(());
    };
    let net = &graph.net;
    let mut c = CsvOut::new(w, formulas);
    c.write_record(["node", "osm_id", "lon", "lat", "component"])?;
    for (i, xy) in net.coords.iter().enumerate() {
        c.write_record([
            i.to_string(),
            net.osm_ids[i].to_string(),
            round(xy[0], 7).to_string(),
            round(xy[1], 7).to_string(),
            graph.component[i].to_string(),
        ])?;
    }
    c.flush()
}

/// `graph_edges.csv`: edge index, from, to, length (m), OSM way, directions.
pub(crate) fn write_graph_edges(
    w: &mut dyn Write,
    study: &Study,
    formulas: CsvFormulas,
) -> io::Result<()> {
    let Some(graph) = study.graph() else {
        return Ok(());
    };
    let net = &graph.net;
    let mut c = CsvOut::new(w, formulas);
    c.write_record([
        "edge", "from", "to", "length_m", "way_id", "forward", "backward",
    ])?;
    for (i, e) in net.edges.iter().enumerate() {
        c.write_record([
            i.to_string(),
            e.from.to_string(),
            e.to.to_string(),
            round(e.length_m, 3).to_string(),
            e.way_id.to_string(),
            e.forward.to_string(),
            e.backward.to_string(),
        ])?;
    }
    c.flush()
}

/// `units.csv`: the whole area ("all") then each unit, with the same columns
/// as units.geojson.
pub(crate) fn write_units_csv(
    w: &mut dyn Write,
    inputs: &Inputs,
    study: &Study,
    formulas: CsvFormulas,
    lang: Lang,
) -> io::Result<()> {
    let ca = crate::output::geojson::catchments_of(study)?;
    let mut c = CsvOut::new(w, formulas);
    for k in 0..ca.units.len() {
        let props = crate::output::geojson::unit_properties(inputs, study, ca, k);
        if k == 0 {
            let keys: Vec<&str> = props.iter().map(|(name, _)| name.as_str()).collect();
            c.write_header(&keys, lang, Some(study))?;
        }
        c.write_record(props.iter().map(|(key, v)| unit_cell(lang, key, v)))?;
    }
    c.flush()
}

/// A cell of units.csv: the whole area's name, yes / no and the methods in
/// `lang`; numbers as they are.
fn unit_cell(lang: Lang, key: &str, v: &serde_json::Value) -> String {
    use serde_json::Value;
    match (key, v) {
        ("name", Value::String(s)) if s == "all" => csv_word(lang, s),
        ("distance_method", Value::String(s)) => csv_word(lang, s),
        ("sfca_method", Value::String(s)) => crate::output::i18n::method_label(lang, s),
        (_, Value::Bool(b)) if lang == Lang::Zh => csv_word(lang, if *b { "yes" } else { "no" }),
        (_, Value::String(s)) => s.clone(),
        (_, Value::Null) => String::new(),
        (_, other) => other.to_string(),
    }
}

/// `dropped.csv`: every input record left out or changed on the way in
/// (`inputs.dropped`), then every community and facility assigned by the
/// overlap rule of units, one row each with a stable reason code (README,
/// "Guarantees"). Written on every run, a header alone when nothing was
/// dropped, so its presence in `outputs.json` says the list is complete.
pub fn write_dropped(
    w: &mut dyn Write,
    inputs: &Inputs,
    study: &Study,
    formulas: CsvFormulas,
    lang: Lang,
) -> io::Result<()> {
    let mut c = CsvOut::new(w, formulas);
    c.write_header(
        &["file", "record", "id", "name", "reason", "kept", "detail"],
        lang,
        None,
    )?;
    for d in inputs.dropped.iter().chain(&study.units.by_overlap_rule) {
        let file = d.file.display().to_string();
        let unit = (d.reason == crate::model::DropReason::UnitOverlap)
            .then(|| overlap_unit(inputs, study, &d.record))
            .flatten();
        c.write_record([
            file.as_str(),
            &record_label(lang, &d.record),
            &d.id,
            &d.name,
            d.reason.code(),
            &csv_word(lang, if d.reason.kept() { "yes" } else { "no" }),
            &dropped_detail(lang, d, unit),
        ])?;
    }
    c.flush()
}

/// The name of the unit a record placed by the overlap rule went to
/// (`community 3`, `facility 12`: 1-based positions in the inputs).
fn overlap_unit<'a>(inputs: &'a Inputs, study: &Study, record: &str) -> Option<&'a str> {
    let (kind, n) = record.split_once(' ')?;
    let i = n.parse::<usize>().ok()?.checked_sub(1)?;
    let unit = match kind {
        "community" => *study.units.community_unit.get(i)?,
        "facility" => *study.units.facility_unit.get(i)?,
        _ => None,
    }?;
    Some(inputs.units.get(unit.get())?.name.as_str())
}
