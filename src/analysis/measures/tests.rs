//! Every measure on a street worked out by hand.
//!
//! The street runs east along latitude 60.17 with a node every 100 m
//! (nodes 0 to 10, edges of exactly 100 m); every item stands 10 m north
//! of a node, so two items at nodes i and j are 100 |i - j| + 20 m apart
//! along the street. Unit West holds nodes 0-4, unit East nodes 5-10. The
//! walk is 6 minutes at 6 km/h = 600 m, the community walk 3 minutes =
//! 300 m, the health walk 150 m.
//!
//! Facilities: F0 stadium (node 0, district by rule), F1 sports centre of
//! 2,500 m2 floor (8, subdistrict by rule), F2 fitness station suited to
//! the elderly (2, community by rule), F3 basketball court with level
//! "社区级" given (10), F4 ice rink on natural waters (6, winter only: not
//! counted all year), F5 underground fitness station suited to the
//! disabled and young, free for all (9), F6 school venue (5, no level).
//! Communities: C0 (node 1, 100 people, 30 elderly), C1 (5, 200, 50), C2
//! (7, 300, 60). Health: H0 health-promotion centre (2), H1 community
//! health centre (9). Culture: K0 combined with sports (4), K1 not (8).

use std::borrow::Cow;

use geo::{Geometry, Point, polygon};

use super::inclusive::Offer;
use crate::analysis::gaps::{Figures, Status4, assess};
use crate::analysis::placement;
use crate::analysis::study::{self, Depth};
use crate::analysis::windows::default_windows;
use crate::config::Settings;
use crate::graph::{Edge, Network};
use crate::input::Inputs;
use crate::model::{
    AdminUnit, Category, CultureStation, Facility, Group, Groups, HealthFacility, HealthKind,
    Level, Space,
};
use crate::targets::{Indicators, Targets};
use crate::testing;

const LAT: f64 = 60.17;
const LON0: f64 = 24.94;

fn dlon(m: f64) -> f64 {
    m / (111_320.0 * LAT.to_radians().cos())
}

fn dlat(m: f64) -> f64 {
    m / 110_574.0
}

/// A point 10 m north of node `node`.
fn at(node: u32) -> Geometry<f64> {
    Point::new(LON0 + dlon(100.0 * f64::from(node)), LAT + dlat(10.0)).into()
}

fn street() -> Network {
    let coords: Vec<[f64; 2]> = (0..11)
        .map(|i| [LON0 + dlon(100.0 * f64::from(i)), LAT])
        .collect();
    let mut geom = Vec::new();
    let edges = (0..10u32)
        .map(|i| {
            let start = geom.len() as u32;
            geom.extend([coords[i as usize], coords[i as usize + 1]]);
            Edge {
                from: i,
                to: i + 1,
                length_m: 100.0,
                way_id: 1,
                forward: true,
                backward: true,
                geom_start: start,
                geom_end: geom.len() as u32,
            }
        })
        .collect();
    Network {
        osm_ids: (1..=11).collect(),
        coords,
        edges,
        geom,
    }
}

fn facility(id: &str, category: Category, node: u32) -> Facility {
    testing::facility(id, category, category.default_area().0, at(node))
}

/// A unit over the nodes `from..=to` (50 m either side).
fn unit(id: &str, from: f64, to: f64) -> AdminUnit {
    let (w, e) = (
        LON0 + dlon(100.0 * from - 50.0),
        LON0 + dlon(100.0 * to + 50.0),
    );
    let (s, n) = (LAT - dlat(50.0), LAT + dlat(50.0));
    AdminUnit {
        id: id.into(),
        name: id.into(),
        geometry: polygon![(x: w, y: s), (x: e, y: s), (x: e, y: n), (x: w, y: n)].into(),
    }
}

fn inputs() -> Inputs {
    let mut f1 = facility("F1", Category::SportsCentre, 8);
    f1.floor_area_m2 = 2500.0;
    let mut f2 = facility("F2", Category::FitnessStation, 2);
    f2.plan.suited_for = Some(Groups::NONE.with(Group::Elderly));
    let mut f3 = facility("F3", Category::BasketballCourt, 10);
    f3.plan.level = Some("社区级".parse().unwrap());
    let mut f4 = facility("F4", Category::IceRink, 6);
    f4.plan.space = Some(Space::NaturalWater);
    let mut f5 = facility("F5", Category::FitnessStation, 9);
    f5.plan.space = Some(Space::Underground);
    f5.plan.suited_for = Some(Groups::parse_suited("无障碍、青少年").unwrap());
    f5.plan.discount_for = Some(Groups::parse_discount("免费").unwrap());
    let community = |id: &str, pop: f64, elderly: f64, node: u32| {
        let mut c = testing::community(id, pop, at(node));
        c.groups.0[Group::Elderly.index()] = Some(elderly);
        c
    };
    let health = |id: &str, kind: HealthKind, node: u32| HealthFacility {
        id: id.into(),
        name: id.into(),
        kind,
        geometry: at(node),
    };
    let culture = |id: &str, with_sports: bool, node: u32| CultureStation {
        id: id.into(),
        name: id.into(),
        with_sports,
        geometry: at(node),
    };
    Inputs {
        network: Some(street()),
        facilities: vec![
            facility("F0", Category::Stadium, 0),
            f1,
            f2,
            f3,
            f4,
            f5,
            facility("F6", Category::SchoolVenue, 5),
        ],
        communities: vec![
            community("C0", 100.0, 30.0, 1),
            community("C1", 200.0, 50.0, 5),
            community("C2", 300.0, 60.0, 7),
        ],
        units: vec![unit("West", 0.0, 4.0), unit("East", 5.0, 10.0)],
        health: vec![
            health("H0", HealthKind::HealthPromotion, 2),
            health("H1", HealthKind::CommunityHealth, 9),
        ],
        culture: vec![culture("K0", true, 4), culture("K1", false, 8)],
        ..Inputs::default()
    }
}

fn settings() -> Settings {
    Settings {
        minutes: 6.0,
        speed_kmh: 6.0,
        min_component_nodes: 1,
        community_level_minutes: 3.0,
        health_walk_m: 150.0,
        ..Settings::default()
    }
}

fn studied(inputs: &Inputs) -> study::Study {
    study::run(
        inputs,
        &settings(),
        &Targets::bundled(),
        &default_windows(),
        Depth::default(),
    )
    .expect("study runs")
}

fn close(a: Option<f64>, b: f64) -> bool {
    a.is_some_and(|a| (a - b).abs() < 0.5)
}

#[test]
fn health_and_culture_places_are_snapped_like_facilities() {
    let inputs = inputs();
    let net = street();
    let p = placement::place(&inputs, Some(Cow::Borrowed(&net)), &settings()).unwrap();
    assert_eq!(p.place_access.len(), 4);
    assert_eq!(p.place_points.len(), 4);
    for a in &p.place_access {
        let acc = a.as_ref().expect("on the street");
        assert!(acc.iter().all(|(_, d)| (d - 10.0).abs() < 0.5), "{acc:?}");
    }
}

#[test]
fn three_level_network_by_hand() {
    let inputs = inputs();
    let s = studied(&inputs);
    let net = &s.measures.levels;
    use super::levels::LevelSource::{Given, NoRule, Rule};
    let rule = |name: &str| {
        Rule(
            s.targets
                .level_rule
                .iter()
                .position(|r| r.name == name)
                .unwrap(),
        )
    };
    assert_eq!(
        net.source,
        [
            rule("stadium"),
            rule("fitness_centre_15min"),
            rule("community_default"),
            Given,
            rule("community_default"),
            rule("community_default"),
            rule("school_venue"),
        ]
    );
    let _ = NoRule;
    assert_eq!(
        net.level,
        [
            Some(Level::District),
            Some(Level::Subdistrict),
            Some(Level::Community),
            Some(Level::Community),
            Some(Level::Community),
            Some(Level::Community),
            None,
        ]
    );
    // Community walk 300 m: C0 120 m from F0; C1 320 m from F2 (node 2) and
    // from F1 (node 8): beyond (F4 counts in winter only, F6 has no level);
    // C2 120 m from F1.
    assert!((net.community_m - 300.0).abs() < 1e-9);
    assert!(close(net.community_nearest[0], 120.0));
    assert_eq!(net.community_nearest[1], None);
    assert!(close(net.community_nearest[2], 120.0));
    // West: F0 (district), F2; East: F1, F3, F5 (F4 not counted all year).
    assert_eq!(net.areas[1].facilities, [1, 0, 1]);
    assert_eq!(net.areas[2].facilities, [2, 1, 0]);
    assert_eq!(net.areas[0].facilities, [3, 1, 1]);
    assert_eq!(net.district_venues(), 1);
    assert!(
        net.subdistrict_areas()
            .iter()
            .all(|a| a.at_or_above(Level::Subdistrict) > 0)
    );
    assert_eq!(
        (net.areas[0].communities, net.areas[0].communities_ok),
        (3, 2)
    );
    assert_eq!(net.areas[0].residents.share(), 400.0 / 600.0);
    assert_eq!(net.areas[2].residents.share(), 300.0 / 500.0);
    assert!(!net.met());
}

#[test]
fn inclusive_access_weighted_where_given() {
    let s = studied(&inputs());
    let inc = &s.measures.inclusive;
    assert_eq!(inc.known, [true, true]);
    let row = |o: Offer, g: Group| inc.of(o).find(|r| r.group == g).unwrap();
    // Elderly: F2 (node 2) within 600 m of all three (120, 320, 520 m),
    // weighted by the elderly column.
    let e = row(Offer::Suited, Group::Elderly);
    assert_eq!(
        (e.facilities, e.weighted, e.ok.clone()),
        (1, true, vec![true; 3])
    );
    assert_eq!((e.areas[0].total, e.areas[0].yes), (140.0, 140.0));
    // Disabled: F5 (node 9): C0 820 m away; no column, so all residents.
    let d = row(Offer::Suited, Group::Disabled);
    assert_eq!((d.weighted, d.ok.clone()), (false, vec![false, true, true]));
    assert_eq!(d.areas[0].share(), 500.0 / 600.0);
    assert_eq!(d.areas[1].share(), 0.0);
    assert_eq!(d.areas[2].share(), 1.0);
    // Free for everyone at F5: the elderly too, weighted: C0's 30 miss.
    let f = row(Offer::FreeOrDiscount, Group::Elderly);
    assert_eq!((f.facilities, f.areas[0].yes), (1, 110.0));
    assert_eq!(row(Offer::FreeOrDiscount, Group::Youth).facilities, 1);
}

#[test]
fn winter_grounds_pilots_health_and_culture_by_hand() {
    let s = studied(&inputs());
    let sp = &s.measures.special;
    assert!(sp.known);
    assert_eq!((sp.winter.clone(), sp.pilots.clone()), (vec![4], vec![5]));
    assert_eq!((sp.areas[1].winter, sp.areas[2].winter), (0, 1));
    assert_eq!(sp.areas[2].pilots, [0, 0, 1]);
    assert_eq!(sp.areas[0].winter_residents.share(), 1.0);
    // Health within 150 m: F1 (120 m to H1), F2 (20 m to H0), F3 (120 m to
    // H1), F5 (20 m to H1); F0 is 220 m from H0, the school F6 300 m.
    let h = &s.measures.health;
    assert!(h.given);
    let near: Vec<bool> = h.nearest_m.iter().map(Option::is_some).collect();
    assert_eq!(near, [false, true, true, true, false, true, false]);
    assert!(close(h.nearest_m[2], 20.0));
    assert_eq!((h.areas[0].sports, h.areas[0].colocated), (6, 4));
    assert_eq!((h.areas[1].colocated, h.areas[2].colocated), (1, 3));
    assert_eq!(h.areas[1].promotion_centres(), 1);
    assert_eq!(h.areas[2].promotion_centres(), 0);
    assert_eq!(h.areas[2].kinds, [1, 0, 0, 0]);
    // Culture within 600 m: K0 (node 4) is 320, 120 and 320 m from the
    // communities; K1 (not combined) reaches C1 and C2 (500 people).
    let c = &s.measures.culture;
    assert!(close(c.community_nearest[0], 320.0));
    assert!(close(c.community_nearest[1], 120.0));
    assert_eq!(c.community_count, [1, 1, 1]);
    assert_eq!(c.station_people, [600.0, 500.0]);
    assert_eq!((c.areas[1].stations, c.areas[1].combined), (1, 1));
    assert_eq!((c.areas[2].stations, c.areas[2].combined), (1, 0));
    assert_eq!(c.areas[0].residents.share(), 1.0);
}

#[test]
fn gaps_and_scorecard_rows_of_the_measures() {
    let inputs = inputs();
    let s = studied(&inputs);
    let a = assess(&inputs, &s, &Indicators::bundled(), &Figures::new());
    let ours: Vec<(&str, &str, &str)> = a
        .gaps
        .iter()
        .filter(|g| {
            matches!(
                g.indicator.as_str(),
                "15(1)" | "16(1)" | "15(2)" | "15(3)" | "35" | "36"
            ) || g.kind.starts_with("no_community")
        })
        .map(|g| (g.kind, g.indicator.as_str(), g.subject_id.as_str()))
        .collect();
    assert_eq!(
        ours,
        [
            ("no_community_facility", "13", "C1"),
            ("not_suited_for_groups", "15(1)", "C0"),
            ("no_free_or_discount_for_groups", "16(1)", "C0"),
            ("no_health_promotion_centre", "35", "East"),
            ("culture_station_not_combined", "36", "K1"),
        ]
    );
    let g = |kind: &str| a.gaps.iter().find(|g| g.kind == kind).unwrap();
    assert_eq!(
        g("no_community_facility").explanation_zh,
        "3分钟步行（300米）范围内没有社区级体育设施"
    );
    assert_eq!(g("no_community_facility").lead, "区体育局、各街道");
    // C0 lacks facilities for the disabled and the young (no columns:
    // its 100 residents).
    let s15 = g("not_suited_for_groups");
    assert_eq!(
        s15.explanation_en,
        "no facility suited to the disabled, young people within a 6-minute walk"
    );
    assert_eq!((s15.people, s15.lead.as_str()), (100.0, "区体育局、各街道"));
    // 16(1): the elderly are weighted: C0's 30 elderly, but the disabled
    // and young are not, so the community's residents count.
    assert_eq!(g("no_free_or_discount_for_groups").people, 100.0);
    assert_eq!(g("no_free_or_discount_for_groups").lead, "区体育局");
    assert_eq!(g("no_health_promotion_centre").people, 500.0);
    assert_eq!(g("culture_station_not_combined").people, 500.0);
    // The scorecard: 35 and 36 computed, the sub-measures in their table.
    let row = |id: &str| a.scorecard.iter().find(|r| r.indicator.id == id).unwrap();
    assert_eq!(row("35").status, Status4::NotMet);
    assert_eq!(
        row("35").figure,
        "66.7 % of sports facilities (4 of 6) within 150 m of a health facility; \
         1 health-promotion centres, in 1 of 2 subdistricts"
    );
    assert_eq!(row("36").status, Status4::NotMet);
    assert_eq!(
        row("36").figure_zh,
        "文化站2处，其中文体站1处；100.0%的居民6分钟步行内有文体站"
    );
    let m = |id: &str| a.measures.iter().find(|r| r.measure.id == id).unwrap();
    let ids: Vec<&str> = a.measures.iter().map(|r| r.measure.id.as_str()).collect();
    assert_eq!(ids, ["13", "15(1)", "15(2)", "15(3)", "16(1)"]);
    assert_eq!(m("13").status, Status4::NotMet);
    assert_eq!(
        m("13").figure,
        "1 district, 1 subdistrict, 3 community facilities; 2 of 2 subdistricts have a \
         subdistrict-level one; 66.7 % of residents within 3 min of a community-level one"
    );
    assert!(
        m("13")
            .note
            .starts_with("levels: 1 from the data, 5 inferred"),
        "{}",
        m("13").note
    );
    assert_eq!(m("15(1)").status, Status4::NotMet);
    assert_eq!(
        m("15(1)").figure_zh,
        "6分钟步行可达的人群比例：老年人100.0%，残疾人83.3%，青少年83.3%"
    );
    assert_eq!(m("15(2)").status, Status4::Met);
    assert_eq!(m("15(3)").status, Status4::Met);
    assert_eq!(
        m("15(3)").figure,
        "buildings 0, small squares 0, underground 1"
    );
    assert_eq!(m("15(2)").measure.lead, "区体育局、什刹海街道、陶然亭街道");
}

#[test]
fn without_the_inputs_the_scorecard_names_them() {
    let mut inputs = inputs();
    inputs.health.clear();
    inputs.culture.clear();
    for f in inputs.facilities.iter_mut() {
        f.plan = Default::default();
    }
    let s = studied(&inputs);
    let a = assess(&inputs, &s, &Indicators::bundled(), &Figures::new());
    let row = |id: &str| a.scorecard.iter().find(|r| r.indicator.id == id).unwrap();
    assert_eq!(row("35").status, Status4::NoData);
    assert!(
        row("35").note.contains("--health FILE"),
        "{}",
        row("35").note
    );
    assert!(
        row("35").note_zh.contains("--health"),
        "{}",
        row("35").note_zh
    );
    assert!(row("36").note.contains("--culture FILE"));
    let m = |id: &str| a.measures.iter().find(|r| r.measure.id == id).unwrap();
    assert_eq!(m("15(1)").status, Status4::NoData);
    assert_eq!(
        m("15(1)").note,
        "computable once the facilities carry a suited_for column"
    );
    assert!(m("16(1)").note_zh.contains("优惠对象"));
    assert_eq!(m("15(2)").status, Status4::NoData);
    assert_eq!(m("15(3)").status, Status4::NoData);
    // The network is always computable (levels by rule), so 13 is judged.
    assert_ne!(m("13").status, Status4::NoData);
    let kinds: Vec<&str> = a.gaps.iter().map(|g| g.kind).collect();
    for k in [
        "not_suited_for_groups",
        "no_winter_ground",
        "no_health_promotion_centre",
        "culture_station_not_combined",
    ] {
        assert!(!kinds.contains(&k), "{k} without its input: {kinds:?}");
    }
    // Without its space the ice rink (node 6) counts all year, a community
    // facility 120 m from C1.
    assert!(s.measures.levels.community_ok(1));
}
