//! Measures 15(1) and 16(1): facilities suited to the elderly, the
//! disabled and young people (适老 / 无障碍 / 青少年), and venues free or
//! discounted for them (students counted as young people). For each offer
//! and group: the counted facilities making it, and the share of the
//! group's members within the walking limit of one, weighted by the
//! group's population column where the communities give it (60岁以上人口,
//! 残疾人数, 0-17岁人口), else by all residents.

use super::{Ctx, Share};
use crate::analysis::reach;
use crate::model::{Facility, Group, Groups};

/// What a facility offers a group.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Offer {
    /// Suited to the group (15(1)).
    Suited,
    /// Free or discounted for the group (16(1)).
    FreeOrDiscount,
}

impl Offer {
    /// Both offers, in output order.
    pub const ALL: [Offer; 2] = [Offer::Suited, Offer::FreeOrDiscount];

    /// The offer as written in outputs: `suited`, `free_or_discount`.
    pub fn as_str(self) -> &'static str {
        match self {
            Offer::Suited => "suited",
            Offer::FreeOrDiscount => "free_or_discount",
        }
    }

    /// The groups `f` is stated to get this offer, `None` when its input
    /// does not say.
    pub fn groups_of(self, f: &Facility) -> Option<Groups> {
        match self {
            Offer::Suited => f.plan.suited_for,
            Offer::FreeOrDiscount => f.plan.discount_for,
        }
    }
}

/// One offer to one group.
#[derive(Debug, Clone, PartialEq)]
pub struct GroupAccess {
    /// What is offered.
    pub offer: Offer,
    /// To whom.
    pub group: Group,
    /// Counted facilities making the offer to the group.
    pub facilities: usize,
    /// Weighted by the group's own population column (else by all residents).
    pub weighted: bool,
    /// With [`weighted`](Self::weighted): communities without a figure for
    /// the group, left out of the shares.
    pub without_figure: usize,
    /// Per community: such a facility lies within the walking limit.
    pub ok: Vec<bool>,
    /// The whole area first, then each unit.
    pub areas: Vec<Share>,
}

/// Both offers to every group.
#[derive(Debug, Clone, PartialEq)]
pub struct Inclusive {
    /// The walking limit, metres.
    pub limit_m: f64,
    /// Per offer ([`Offer::ALL`] order): some facility states it (else the
    /// figures are unknown, not zero).
    pub known: [bool; 2],
    /// Offer by offer, group by group ([`Group::ALL`] order).
    pub rows: Vec<GroupAccess>,
}

impl Inclusive {
    /// The rows of one offer, in [`Group::ALL`] order.
    pub fn of(&self, offer: Offer) -> impl Iterator<Item = &GroupAccess> {
        self.rows.iter().filter(move |r| r.offer == offer)
    }

    /// Whether some facility states `offer`.
    pub fn is_known(&self, offer: Offer) -> bool {
        self.known[offer as usize]
    }
}

/// Both offers to every group.
pub(crate) fn compute(cx: &Ctx) -> Inclusive {
    let m = cx.m;
    let limit_m = m.settings.limit_m();
    let facilities = &m.inputs.facilities;
    let known = Offer::ALL.map(|o| facilities.iter().any(|f| o.groups_of(f).is_some()));
    let mut rows = Vec::new();
    for offer in Offer::ALL {
        for group in Group::ALL {
            let offers = |f: usize| {
                m.counts_now[f]
                    && offer
                        .groups_of(&facilities[f])
                        .is_some_and(|g| g.contains(group))
            };
            let n = (0..facilities.len()).filter(|&f| offers(f)).count();
            let sources = cx.facilities_where(offers);
            let ok: Vec<bool> = reach::nearest(m.placement, &sources, &cx.communities, limit_m)
                .iter()
                .map(Option::is_some)
                .collect();
            let communities = &m.inputs.communities;
            let weighted = communities.iter().any(|c| c.groups.get(group).is_some());
            let weight = |c: usize| {
                if weighted {
                    communities[c].groups.get(group)
                } else {
                    Some(communities[c].population)
                }
            };
            let without_figure = if weighted {
                (0..communities.len())
                    .filter(|&c| weight(c).is_none())
                    .count()
            } else {
                0
            };
            let areas = cx.shares(weight, |c| ok[c]);
            rows.push(GroupAccess {
                offer,
                group,
                facilities: n,
                weighted,
                without_figure,
                ok,
                areas,
            });
        }
    }
    Inclusive {
        limit_m,
        known,
        rows,
    }
}
