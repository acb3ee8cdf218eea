//! The plan's measures per area (`measures.csv`) and the scorecard's
//! sub-measure rows (`scorecard_measures.csv`): the three-level network,
//! inclusive access, winter grounds, small-space pilots, health
//! co-location and culture-and-sports stations.

use std::io::{self, Write};

use super::csv_safe::{CsvFormulas, CsvOut};
use super::format::round;
use super::i18n::{Lang, csv_word, status_label};
use crate::analysis::gaps::Assessment;
use crate::analysis::measures::inclusive::Offer;
use crate::analysis::measures::special::PILOT_SPACES;
use crate::analysis::study::Study;
use crate::input::Inputs;
use crate::model::{Group, HealthKind, Level};

/// The header of `measures.csv`.
fn measures_header() -> Vec<String> {
    let mut h: Vec<String> = ["area", "unit_id", "population"]
        .iter()
        .map(|s| s.to_string())
        .collect();
    for l in Level::ALL.iter().rev() {
        h.push(format!("{}_level_facilities", l.as_str()));
    }
    h.extend(
        [
            "has_subdistrict_facility",
            "communities",
            "communities_with_community_facility",
            "community_level_share",
        ]
        .map(String::from),
    );
    for o in Offer::ALL {
        for g in Group::ALL {
            h.push(format!("{}_{}_share", o.as_str(), g.as_str()));
        }
    }
    h.push("winter_grounds".into());
    for s in PILOT_SPACES {
        h.push(format!("pilots_{}", s.as_str()));
    }
    h.push("winter_covered_share".into());
    for k in HealthKind::ALL {
        h.push(format!("health_{}", k.as_str()));
    }
    h.extend(
        [
            "sports_facilities",
            "sports_next_to_health",
            "health_colocated_share",
            "culture_stations",
            "culture_sports_stations",
            "culture_sports_covered_share",
        ]
        .map(String::from),
    );
    h
}

/// A number rounded to 4 places, as text.
fn r4(x: f64) -> String {
    round(x, 4).to_string()
}

/// The cells of area `k` (0: the whole area, then each unit).
fn measures_row(inputs: &Inputs, study: &Study, k: usize, lang: Lang) -> Vec<String> {
    let m = &study.measures;
    let net = &m.levels.areas[k];
    let (name, id) = match net.unit {
        None => (csv_word(lang, "all"), String::new()),
        Some(u) => (
            inputs.units[u.get()].name.clone(),
            inputs.units[u.get()].id.clone(),
        ),
    };
    let mut row = vec![name, id, round(net.residents.total, 1).to_string()];
    for l in Level::ALL.iter().rev() {
        row.push(net.facilities[l.index()].to_string());
    }
    let has_subdistrict = net.at_or_above(Level::Subdistrict) > 0;
    row.push(csv_word(lang, &has_subdistrict.to_string()));
    row.push(net.communities.to_string());
    row.push(net.communities_ok.to_string());
    row.push(r4(net.residents.share()));
    for o in Offer::ALL {
        for r in m.inclusive.of(o) {
            let known = m.inclusive.is_known(o);
            row.push(if known {
                r4(r.areas[k].share())
            } else {
                String::new()
            });
        }
    }
    let sp = &m.special.areas[k];
    let known = m.special.known;
    let opt = |x: String| if known { x } else { String::new() };
    row.push(opt(sp.winter.to_string()));
    for n in sp.pilots {
        row.push(opt(n.to_string()));
    }
    row.push(r4(sp.winter_residents.share()));
    let h = &m.health.areas[k];
    let given = m.health.given;
    let hopt = |x: String| if given { x } else { String::new() };
    for n in h.kinds {
        row.push(hopt(n.to_string()));
    }
    row.push(h.sports.to_string());
    row.push(hopt(h.colocated.to_string()));
    row.push(hopt(r4(h.colocated_share())));
    let c = &m.culture.areas[k];
    let copt = |x: String| if m.culture.given { x } else { String::new() };
    row.push(copt(c.stations.to_string()));
    row.push(copt(c.combined.to_string()));
    row.push(copt(r4(c.residents.share())));
    row
}

/// `measures.csv`: one row per area (the whole area, then each unit):
/// facilities per level and the network's checks, the share of each group
/// within the walk of a facility suited to / free or discounted for it,
/// winter grounds and pilots, the residents within the walk in winter,
/// health facilities and co-location, culture and culture-and-sports
/// stations. A figure whose input is missing is left empty. Headers and
/// words in `lang`.
pub(crate) fn write_measures_csv(
    w: &mut dyn Write,
    inputs: &Inputs,
    study: &Study,
    formulas: CsvFormulas,
    lang: Lang,
) -> io::Result<()> {
    let mut c = CsvOut::new(w, formulas);
    let keys = measures_header();
    let keys: Vec<&str> = keys.iter().map(String::as_str).collect();
    c.write_header(&keys, lang, None)?;
    for k in 0..study.measures.levels.areas.len() {
        c.write_record(measures_row(inputs, study, k, lang))?;
    }
    c.flush()
}

/// `scorecard_measures.csv`: the sub-measure rows of the scorecard, with
/// the same columns as scorecard.csv where they apply, headed in `lang`.
pub(crate) fn write_scorecard_measures_csv(
    w: &mut dyn Write,
    a: &Assessment,
    formulas: CsvFormulas,
    lang: Lang,
) -> io::Result<()> {
    let mut c = CsvOut::new(w, formulas);
    c.write_header(
        &[
            "id",
            "indicator",
            "name",
            "name_en",
            "status",
            "figure",
            "target_en",
            "lead",
            "lead_en",
            "note",
            "co",
            "co_en",
            "status_zh",
            "figure_zh",
            "target_zh",
            "note_zh",
        ],
        lang,
        None,
    )?;
    for r in &a.measures {
        let m = &r.measure;
        c.write_record([
            m.id.as_str(),
            &r.indicator,
            &m.name,
            &m.name_en,
            r.status.as_str(),
            &r.figure,
            &r.target,
            &m.lead,
            &m.lead_en,
            &r.note,
            &m.co,
            &m.co_en,
            status_label(Lang::Zh, r.status),
            &r.figure_zh,
            &r.target_zh,
            &r.note_zh,
        ])?;
    }
    c.flush()
}
