//! The one table from OpenStreetMap tags to fitcircle's meaning: which ways
//! walkers may use (DOMAIN.md rules) and which category a sports facility
//! belongs to.

use super::osm::Tags;
use crate::model::{Category, Group, Groups, PlanAttributes, Season, Space};

/// Walking permission of a way.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct FootAccess {
    /// May walk from the first node towards the last.
    pub forward: bool,
    /// May walk from the last node towards the first.
    pub backward: bool,
}

/// Walking access of a way, or `None` when walkers may not use it.
///
/// Rules: any `highway=*` except motorway(_link) and trunk(_link) without
/// explicit foot access, construction, proposed and other non-roads; dropped
/// when `foot=no`, or `access=no|private` unless `foot=yes|designated|permissive`.
/// `oneway` is ignored (walkers go both ways); `oneway:foot=yes|-1` is kept.
pub(crate) fn foot_access(tags: &Tags) -> Option<FootAccess> {
    let highway = tags.get("highway")?;
    let foot = tags.get("foot");
    let foot_allowed = matches!(foot, Some("yes" | "designated" | "permissive"));
    match highway {
        "motorway" | "motorway_link" | "trunk" | "trunk_link" if !foot_allowed => return None,
        "construction" | "proposed" | "abandoned" | "razed" | "raceway" | "bus_guideway"
        | "disused" | "no" => return None,
        _ => {}
    }
    if matches!(foot, Some("no" | "private")) {
        return None;
    }
    if matches!(tags.get("access"), Some("no" | "private")) && !foot_allowed {
        return None;
    }
    let (forward, backward) = match tags.get("oneway:foot") {
        Some("yes" | "true" | "1") => (true, false),
        Some("-1" | "reverse") => (false, true),
        _ => (true, true),
    };
    Some(FootAccess { forward, backward })
}

/// Category of a pitch from its `sport` tag (first value of a `;` list).
fn pitch_category(sport: Option<&str>) -> Category {
    let first = sport.and_then(|s| s.split(';').next()).map(str::trim);
    match first {
        Some("soccer" | "football" | "futsal" | "association_football") => Category::FootballPitch,
        Some("basketball") => Category::BasketballCourt,
        Some("tennis") => Category::TennisCourt,
        Some("table_tennis") => Category::TableTennis,
        Some("chess") => Category::ChessGarden,
        _ => Category::OtherPitch,
    }
}

/// The facility category of an OSM element, or `None` when it is not a
/// sports facility. School grounds (`amenity=school|college|university`)
/// return [`Category::SchoolVenue`].
pub(crate) fn facility_category(tags: &Tags) -> Option<Category> {
    let sport = tags.get("sport");
    if let Some(leisure) = tags.get("leisure") {
        let c = match leisure {
            "pitch" => pitch_category(sport),
            "sports_centre" | "sports_hall" => match sport {
                Some(s) if s.contains("swimming") => Category::SwimmingPool,
                Some(s) if s.contains("ice_skating") || s.contains("ice_hockey") => {
                    Category::IceRink
                }
                _ => Category::SportsCentre,
            },
            "fitness_centre" => Category::FitnessCentre,
            "fitness_station" => Category::FitnessStation,
            "track" => Category::Track,
            "stadium" => Category::Stadium,
            "ice_rink" => Category::IceRink,
            "swimming_pool" | "water_park" => Category::SwimmingPool,
            "park" => Category::Park,
            "playground" => Category::Playground,
            _ => return school_category(tags),
        };
        return Some(c);
    }
    if tags.is("amenity", "gym") {
        return Some(Category::FitnessCentre);
    }
    if tags.is("route", "fitness_trail") {
        return Some(Category::Track);
    }
    school_category(tags)
}

fn school_category(tags: &Tags) -> Option<Category> {
    match tags.get("amenity") {
        Some("school" | "college" | "university") => Some(Category::SchoolVenue),
        _ => None,
    }
}

/// True when a facility is closed to the public by its tags.
pub(crate) fn is_private(tags: &Tags) -> bool {
    matches!(
        tags.get("access"),
        Some("private" | "no" | "customers_only")
    )
}

/// Whether a school's venue is open to the public, from tags, if stated.
pub(crate) fn school_open_to_public(tags: &Tags) -> Option<bool> {
    match tags.get("access") {
        Some("yes" | "permissive" | "public") => Some(true),
        Some("private" | "no" | "students" | "customers") => Some(false),
        _ => None,
    }
}

/// The plan's attributes a facility's OSM tags state: `fee=no` (free for
/// everyone), `wheelchair=yes|designated` (suited to the disabled),
/// `seasonal=winter|summer|no` and `location=underground`. No tag gives a
/// level in the three-level network.
pub(crate) fn plan_attributes(tags: &Tags) -> PlanAttributes {
    PlanAttributes {
        level: None,
        discount_for: tags.is("fee", "no").then_some(Groups::ALL),
        suited_for: matches!(tags.get("wheelchair"), Some("yes" | "designated"))
            .then(|| Groups::NONE.with(Group::Disabled)),
        season: match tags.get("seasonal") {
            Some("winter") => Some(Season::Winter),
            Some("summer") => Some(Season::Summer),
            Some("no") => Some(Season::AllYear),
            _ => None,
        },
        space: tags
            .is("location", "underground")
            .then_some(Space::Underground),
    }
}

/// True for an entrance node (`entrance=*` or `barrier=gate`).
pub(crate) fn is_entrance(tags: &Tags) -> bool {
    tags.has("entrance") || tags.is("barrier", "gate")
}

/// True for a residential area (`landuse=residential`).
pub(crate) fn is_residential(tags: &Tags) -> bool {
    tags.is("landuse", "residential")
}

/// What fitcircle's readers make of one element's tags, in one call: a
/// walkable way (`is_way`), a sports facility it keeps (school grounds
/// always, other private facilities not), a residential area (`closed`
/// ways only). The synthetic city generator counts its elements with it.
pub fn element_meaning(pairs: &[(&str, &str)], is_way: bool, closed: bool) -> ElementMeaning {
    let list: super::osm::TagList = pairs.iter().copied().collect();
    let tags = list.view();
    ElementMeaning {
        walkable: is_way && foot_access(&tags).is_some(),
        facility: facility_category(&tags)
            .is_some_and(|cat| cat == Category::SchoolVenue || !is_private(&tags)),
        residential: closed && is_residential(&tags),
    }
}

/// See [`element_meaning`].
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct ElementMeaning {
    /// A way walkers may use.
    pub walkable: bool,
    /// A sports facility fitcircle keeps.
    pub facility: bool,
    /// A residential area (`landuse=residential`, closed way).
    pub residential: bool,
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Tags for a test (leaked: a few bytes per call, in tests only).
    fn t(pairs: &[(&str, &str)]) -> Tags<'static> {
        let list: &'static crate::input::osm::TagList =
            Box::leak(Box::new(pairs.iter().map(|(k, v)| (*k, *v)).collect()));
        list.view()
    }

    #[test]
    fn walk_rules() {
        assert!(foot_access(&t(&[("highway", "footway")])).is_some());
        assert!(foot_access(&t(&[("highway", "steps")])).is_some());
        assert!(foot_access(&t(&[("highway", "residential"), ("foot", "no")])).is_none());
        assert!(foot_access(&t(&[("highway", "motorway")])).is_none());
        assert!(foot_access(&t(&[("highway", "trunk"), ("foot", "yes")])).is_some());
        assert!(foot_access(&t(&[("highway", "service"), ("access", "private")])).is_none());
        assert!(
            foot_access(&t(&[
                ("highway", "service"),
                ("access", "private"),
                ("foot", "permissive")
            ]))
            .is_some()
        );
        assert!(foot_access(&t(&[("highway", "construction")])).is_none());
        assert!(foot_access(&t(&[("building", "yes")])).is_none());
        let oneway = foot_access(&t(&[("highway", "residential"), ("oneway", "yes")])).unwrap();
        assert!(oneway.forward && oneway.backward);
        let foot_oneway =
            foot_access(&t(&[("highway", "footway"), ("oneway:foot", "yes")])).unwrap();
        assert!(foot_oneway.forward && !foot_oneway.backward);
        let rev = foot_access(&t(&[("highway", "footway"), ("oneway:foot", "-1")])).unwrap();
        assert!(!rev.forward && rev.backward);
    }

    #[test]
    fn categories() {
        let c = |p: &[(&str, &str)]| facility_category(&t(p));
        assert_eq!(
            c(&[("leisure", "pitch"), ("sport", "soccer")]),
            Some(Category::FootballPitch)
        );
        assert_eq!(
            c(&[("leisure", "pitch"), ("sport", "basketball;volleyball")]),
            Some(Category::BasketballCourt)
        );
        assert_eq!(c(&[("leisure", "pitch")]), Some(Category::OtherPitch));
        assert_eq!(
            c(&[("leisure", "sports_centre"), ("sport", "swimming")]),
            Some(Category::SwimmingPool)
        );
        assert_eq!(c(&[("leisure", "park")]), Some(Category::Park));
        assert_eq!(c(&[("amenity", "school")]), Some(Category::SchoolVenue));
        assert_eq!(c(&[("leisure", "garden")]), None);
        assert_eq!(c(&[("highway", "footway")]), None);
    }

    #[test]
    fn plan_attributes_from_tags() {
        let p = plan_attributes(&t(&[
            ("leisure", "ice_rink"),
            ("fee", "no"),
            ("wheelchair", "yes"),
            ("seasonal", "winter"),
            ("location", "underground"),
        ]));
        assert_eq!(p.discount_for, Some(Groups::ALL));
        assert_eq!(p.suited_for, Some(Groups::NONE.with(Group::Disabled)));
        assert_eq!(p.season, Some(Season::Winter));
        assert_eq!(p.space, Some(Space::Underground));
        let none = plan_attributes(&t(&[("leisure", "pitch"), ("fee", "yes")]));
        assert_eq!(none, PlanAttributes::default());
    }
}
