//! How map.png draws a facility: by its state (counted; planned or under
//! construction; closed to the public; not on the walking network), and by
//! its shape (trails and tracks mapped as lines are drawn as lines, not as a
//! dot at one point of them).

use geo::Geometry;
use plotters::prelude::*;

use super::frame::Frame;
use super::{Area, FACILITY, GREY, Sheet, draw_err};
use crate::model::{Facility, Status};
use std::io;

/// Planned and under construction: an orange ring.
pub(super) const PLANNED: RGBColor = RGBColor(230, 120, 0);
/// Closed to the public (`open_to_public = no`): a dark red cross.
pub(super) const CLOSED: RGBColor = RGBColor(160, 30, 40);

/// The state a facility is drawn in; the legend has one row per state
/// present.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub(super) enum State {
    /// Built, open and on the network: counted now.
    Counted,
    /// Planned or under construction (counted only after planned projects).
    Planned,
    /// Closed to the public: never counted.
    Closed,
    /// Built and open but not on the walking network (too far to snap).
    OffNetwork,
}

impl State {
    /// The state of facility `f`, counted now or not, on the network or not.
    pub(super) fn of(f: &Facility, counted: bool, on_network: bool) -> State {
        if f.open_to_public == Some(false) {
            State::Closed
        } else if f.status == Status::Planned {
            State::Planned
        } else if counted && on_network {
            State::Counted
        } else {
            State::OffNetwork
        }
    }

    /// The i18n key of its legend row.
    pub(super) fn legend_key(self) -> &'static str {
        match self {
            State::Counted => "map.facility",
            State::Planned => "map.facility_planned",
            State::Closed => "map.facility_closed",
            State::OffNetwork => "map.facility_off",
        }
    }
}

/// Draw the marker of `state` centred at `at`.
pub(super) fn marker(root: &Area, sheet: &Sheet, state: State, at: (i32, i32)) -> io::Result<()> {
    match state {
        State::Counted | State::OffNetwork => {
            let colour = if state == State::Counted {
                FACILITY
            } else {
                GREY
            };
            let r = sheet.px(5.0);
            root.draw(&Circle::new(at, r, colour.filled()))
                .map_err(draw_err)?;
            root.draw(&Circle::new(at, r, WHITE.stroke_width(sheet.stroke(1.0))))
                .map_err(draw_err)
        }
        State::Planned => {
            let r = sheet.px(6.0);
            root.draw(&Circle::new(at, r, WHITE.filled()))
                .map_err(draw_err)?;
            root.draw(&Circle::new(at, r, PLANNED.stroke_width(sheet.stroke(3.0))))
                .map_err(draw_err)
        }
        State::Closed => {
            let (x, y) = at;
            let d = sheet.px(5.0);
            for e in [[(-d, -d), (d, d)], [(-d, d), (d, -d)]] {
                root.draw(&PathElement::new(
                    vec![(x + e[0].0, y + e[0].1), (x + e[1].0, y + e[1].1)],
                    CLOSED.stroke_width(sheet.stroke(3.0)),
                ))
                .map_err(draw_err)?;
            }
            Ok(())
        }
    }
}

/// The colour of a line facility in `state`.
fn line_colour(state: State) -> RGBColor {
    match state {
        State::Counted => FACILITY,
        State::Planned => PLANNED,
        State::Closed => CLOSED,
        State::OffNetwork => GREY,
    }
}

/// Draw a facility mapped as a line (a trail, a running track's line) as
/// that line; returns false when its geometry is not a line.
pub(super) fn draw_line(
    root: &Area,
    frame: &Frame,
    sheet: &Sheet,
    g: &Geometry<f64>,
    state: State,
) -> io::Result<bool> {
    let lines: Vec<&geo::LineString<f64>> = match g {
        Geometry::LineString(l) => vec![l],
        Geometry::MultiLineString(m) => m.0.iter().collect(),
        _ => return Ok(false),
    };
    let style = line_colour(state).stroke_width(sheet.stroke(4.0));
    for l in lines {
        let px = frame.ring(l);
        if px.len() >= 2 {
            root.draw(&PathElement::new(px, style)).map_err(draw_err)?;
        }
    }
    Ok(true)
}
