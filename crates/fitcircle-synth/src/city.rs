//! The synthetic city's plan and its generation, one band at a time.
//!
//! The plan is a street grid in a local metric frame (x east, y north, metres
//! from the south-west corner). Grid lines are 80-150 m apart, with an
//! arterial every 400-600 m. Line `i` of the columns and line `j` of the rows
//! meet at junction `(i, j)`. Band `j` holds row `j` (its junctions and
//! east-west street segments), the north-south segments from row `j` to row
//! `j + 1`, and the blocks between those rows.
//!
//! Every decision (line kinds, jitter, block kinds, facility placement) is a
//! hash of the seed and grid coordinates, and node ids follow a fixed layout
//! per band (see [`Layout::nid`]), so any band can be generated on its own, in
//! any order, on any thread, and twice (once for its nodes, once for its
//! ways) with identical results. Only IEEE arithmetic (`+ - * / sqrt`) shapes
//! the geometry, so the output does not depend on the platform's libm.

use std::borrow::Cow;

use super::SynthParams;
use super::pbf::{MEMBER_WAY, Member, Node, Relation, Tag, Way};
use super::rng::{SplitMix64, hash, unit};
use crate::SynthError;

/// Shape-node slots per street segment (segments use 2-4 of them).
pub(crate) const K: usize = 4;
/// Node slots per block for its content (asserted).
const BLOCK_NODES: i64 = 80;
/// Way ids per block for its content (asserted).
const BLOCK_WAYS: i64 = 24;
/// Block content keeps this far (m) from the grid lines; streets wander at
/// most ~9 m from them.
const INSET: f64 = 16.0;
/// Walking-graph nodes per grid cell, measured on generated cities (junction,
/// entrance paths, park paths, river stubs, islands): sets the grid size for
/// a target node count.
const GRAPH_NODES_PER_CELL: f64 = 3.65;
/// Junctions per side at most (keeps ids and grids sane).
const MAX_LINES: usize = 20_000;

// Purposes for `hash`, so different decisions are independent.
const H_LINES: u64 = 1;
const H_KIND: u64 = 2;
const H_JUNCTION: u64 = 3;
const H_HSEG: u64 = 4;
const H_VSEG: u64 = 5;
const H_BLOCK: u64 = 6;
const H_BLOCK_KIND: u64 = 7;
const H_DISTRICT: u64 = 8;
const H_RIVER: u64 = 9;
const H_BRIDGE: u64 = 10;
const H_ISLAND: u64 = 11;
const H_RING: u64 = 12;

/// Highway kinds of grid lines.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Hw {
    Primary,
    Secondary,
    Tertiary,
    Residential,
    LivingStreet,
    Service,
    Unclassified,
    Footway,
    Path,
    Pedestrian,
    Cycleway,
}

impl Hw {
    fn tag(self) -> &'static str {
        match self {
            Hw::Primary => "primary",
            Hw::Secondary => "secondary",
            Hw::Tertiary => "tertiary",
            Hw::Residential => "residential",
            Hw::LivingStreet => "living_street",
            Hw::Service => "service",
            Hw::Unclassified => "unclassified",
            Hw::Footway => "footway",
            Hw::Path => "path",
            Hw::Pedestrian => "pedestrian",
            Hw::Cycleway => "cycleway",
        }
    }

    fn is_foot(self) -> bool {
        matches!(self, Hw::Footway | Hw::Path | Hw::Pedestrian | Hw::Cycleway)
    }

    fn is_arterial(self) -> bool {
        matches!(self, Hw::Primary | Hw::Secondary)
    }

    /// A local (non-arterial) kind from a uniform number.
    fn local(u: f64) -> Hw {
        match u {
            u if u < 0.40 => Hw::Residential,
            u if u < 0.50 => Hw::Tertiary,
            u if u < 0.56 => Hw::Unclassified,
            u if u < 0.61 => Hw::LivingStreet,
            u if u < 0.69 => Hw::Service,
            u if u < 0.87 => Hw::Footway,
            u if u < 0.91 => Hw::Pedestrian,
            u if u < 0.96 => Hw::Path,
            _ => Hw::Cycleway,
        }
    }
}

/// What one street segment (between two adjacent junctions) is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Seg {
    /// The line's own kind.
    Line(Hw),
    /// A service road closed to walkers (`foot=no`).
    FootNo,
    /// A flight of steps on a footpath line.
    Steps,
}

impl Seg {
    fn walkable(self) -> bool {
        self != Seg::FootNo
    }
}

/// Kinds of sports centres.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Centre {
    Multi,
    Swimming,
    Ice,
    Fitness,
}

/// What fills a block.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum BlockKind {
    Residential,
    Park {
        relation: bool,
        trail: bool,
    },
    School,
    SportsGround,
    Centre(Centre),
    Stadium,
    /// The river corridor (an island in a few).
    River,
    /// Crossed by the ring motorway: left empty.
    Motorway,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Side {
    Bottom,
    Right,
    Top,
    Left,
}

/// Axis-aligned rectangle `[x0, y0, x1, y1]` in metres.
#[derive(Debug, Clone, Copy)]
struct Rect {
    x0: f64,
    y0: f64,
    x1: f64,
    y1: f64,
}

impl Rect {
    fn w(&self) -> f64 {
        self.x1 - self.x0
    }
    fn h(&self) -> f64 {
        self.y1 - self.y0
    }
    fn cx(&self) -> f64 {
        (self.x0 + self.x1) / 2.0
    }
    fn cy(&self) -> f64 {
        (self.y0 + self.y1) / 2.0
    }
    /// A rectangle of `fw` x `fh` of this one's size centred at fractions
    /// `(fx, fy)` of it.
    fn sub(&self, fx: f64, fy: f64, fw: f64, fh: f64) -> Rect {
        let (cx, cy) = (self.x0 + fx * self.w(), self.y0 + fy * self.h());
        let (hw, hh) = (fw * self.w() / 2.0, fh * self.h() / 2.0);
        Rect {
            x0: cx - hw,
            y0: cy - hh,
            x1: cx + hw,
            y1: cy + hh,
        }
    }
}

type P = [f64; 2];

fn lerp(a: P, b: P, t: f64) -> P {
    [a[0] + (b[0] - a[0]) * t, a[1] + (b[1] - a[1]) * t]
}

fn s(v: &'static str) -> Cow<'static, str> {
    Cow::Borrowed(v)
}

/// The ring motorway: block columns `iw`, `ie` and block rows `js`, `jn`.
#[derive(Debug, Clone, Copy)]
struct Ring {
    iw: usize,
    ie: usize,
    js: usize,
    jn: usize,
}

/// The river: it runs south to north through block column `col`, its
/// centre line meandering around the corridor's middle.
#[derive(Debug, Clone)]
struct River {
    col: usize,
    mid_x: f64,
    half_width: f64,
    /// Offsets (m) of the centre line at every `span` metres northwards.
    ctrl: Vec<f64>,
    span: f64,
}

impl River {
    fn x_at(&self, y: f64) -> f64 {
        let f = (y / self.span).max(0.0);
        let k = (f as usize).min(self.ctrl.len() - 2);
        let t = (f - k as f64).clamp(0.0, 1.0);
        let h = t * t * (3.0 - 2.0 * t);
        self.mid_x + self.ctrl[k] * (1.0 - h) + self.ctrl[k + 1] * h
    }
}

/// The whole plan: everything needed to generate any band.
#[derive(Debug, Clone)]
pub(crate) struct Layout {
    seed: u64,
    pub nx: usize,
    pub ny: usize,
    xs: Vec<f64>,
    ys: Vec<f64>,
    col_art: Vec<bool>,
    row_art: Vec<bool>,
    col_kind: Vec<Hw>,
    row_kind: Vec<Hw>,
    river: Option<River>,
    ring: Option<Ring>,
    showcase: Vec<(usize, usize, BlockKind)>,
    /// Facility density falls off with distance from the south-west corner
    /// over this many metres.
    falloff_m: f64,
    lon0: f64,
    lat0: f64,
    /// Metres per degree of longitude / latitude at the origin.
    m_per_lon: f64,
    m_per_lat: f64,
    // Node id layout within a band (slots), see `nid`.
    s_h: i64,
    s_v: i64,
    s_ring: i64,
    s_river: i64,
    s_content: i64,
    node_stride: i64,
    way_stride: i64,
}

/// Grid line positions: an arterial every 400-600 m, 3-5 local lines between
/// (80-150 m apart).
fn grid_lines(seed: u64, axis: u64, n: usize) -> (Vec<f64>, Vec<bool>) {
    let mut r = SplitMix64::new(hash(seed, H_LINES, axis, 0));
    let mut pos = vec![0.0];
    let mut art = vec![true];
    let mut base = 0.0;
    while pos.len() < n {
        let gap = r.uniform(400.0, 600.0);
        let k = (gap / 115.0).round().clamp(3.0, 5.0) as usize;
        let spacing = gap / k as f64;
        for m in 1..=k {
            if pos.len() == n {
                break;
            }
            let jit = if m < k { r.uniform(-8.0, 8.0) } else { 0.0 };
            pos.push(base + m as f64 * spacing + jit);
            art.push(m == k);
        }
        base += gap;
    }
    (pos, art)
}

/// Kinds of grid lines: arterials alternate primary / secondary, the outer
/// lines are tertiary, the rest drawn from [`Hw::local`].
fn line_kinds(seed: u64, axis: u64, art: &[bool]) -> Vec<Hw> {
    let n = art.len();
    let mut k_art = 0;
    (0..n)
        .map(|i| {
            if art[i] && i != 0 && i + 1 != n {
                k_art += 1;
                if k_art % 2 == 1 {
                    Hw::Primary
                } else {
                    Hw::Secondary
                }
            } else if i == 0 || i + 1 == n {
                Hw::Tertiary
            } else {
                Hw::local(unit(hash(seed, H_KIND, axis, i as u64)))
            }
        })
        .collect()
}

/// cos(x) by its Taylor series (|x| <= pi/2 here), so the projection does
/// not depend on the platform's libm.
fn cos_taylor(x: f64) -> f64 {
    let x2 = x * x;
    let mut term = 1.0;
    let mut sum = 1.0;
    for k in 1..20 {
        term *= -x2 / ((2 * k - 1) as f64 * (2 * k) as f64);
        sum += term;
    }
    sum
}

impl Layout {
    /// Plan a city of about `target_nodes` walking-graph nodes.
    pub(crate) fn new(p: &SynthParams) -> Result<Layout, SynthError> {
        let [lon0, lat0] = p.origin;
        if !(-180.0..180.0).contains(&lon0) || !(-80.0..=80.0).contains(&lat0) {
            return Err(SynthError::Params(format!(
                "origin [{lon0}, {lat0}] is not a longitude in [-180, 180) and a latitude \
                     in [-80, 80]"
            )));
        }
        let cells = ((p.target_nodes as f64 / GRAPH_NODES_PER_CELL)
            .sqrt()
            .round() as usize)
            .clamp(3, MAX_LINES - 1);
        let (nx, ny) = (cells + 1, cells + 1);
        let seed = p.seed;
        let (mut xs, col_art) = grid_lines(seed, 0, nx);
        let (ys, row_art) = grid_lines(seed, 1, ny);
        let col_kind = line_kinds(seed, 0, &col_art);
        let row_kind = line_kinds(seed, 1, &row_art);

        let ring = (nx >= 14 && ny >= 14).then(|| {
            let iw = (((nx - 1) as f64) * 0.1).round().max(1.0) as usize;
            let js = (((ny - 1) as f64) * 0.1).round().max(1.0) as usize;
            Ring {
                iw,
                ie: nx - 2 - iw,
                js,
                jn: ny - 2 - js,
            }
        });

        // The river corridor: a block column near 60 % of the width, between
        // the ring's sides, preferably on an arterial.
        let river = if nx >= 6 {
            let (lo, hi) = match ring {
                Some(r) => (r.iw + 1, r.ie - 1),
                None => (1, nx - 3),
            };
            let want = (nx - 1) as f64 * 0.6;
            let best = (lo..=hi)
                .filter(|&c| col_art[c])
                .min_by(|&a, &b| (a as f64 - want).abs().total_cmp(&(b as f64 - want).abs()))
                .unwrap_or((lo + hi) / 2);
            let mut r = SplitMix64::new(hash(seed, H_RIVER, 0, 0));
            let corridor = r.uniform(340.0, 400.0);
            let extra = (corridor - (xs[best + 1] - xs[best])).max(0.0);
            for x in xs.iter_mut().skip(best + 1) {
                *x += extra;
            }
            let half_width = r.uniform(30.0, 40.0);
            let span = 900.0;
            let amp = (corridor / 2.0 - half_width - 70.0).max(0.0);
            let n_ctrl = (ys[ny - 1] / span) as usize + 3;
            let ctrl = (0..n_ctrl).map(|_| r.uniform(-amp, amp)).collect();
            Some(River {
                col: best,
                mid_x: (xs[best] + xs[best + 1]) / 2.0,
                half_width,
                ctrl,
                span,
            })
        } else {
            None
        };

        let width = xs[nx - 1];
        let height = ys[ny - 1];
        let m_per_lat = {
            let phi = lat0.to_radians();
            111_132.954 - 559.822 * cos_taylor(2.0 * phi) + 1.175 * cos_taylor(4.0 * phi)
        };
        let m_per_lon = {
            let phi = lat0.to_radians();
            // cos(3 phi) exceeds the Taylor range only beyond 30 deg; fold it.
            let c = cos_taylor(phi);
            let c3 = 4.0 * c * c * c - 3.0 * c;
            111_412.84 * c - 93.5 * c3
        };
        let lat_max = lat0 + (height + 100.0) / m_per_lat;
        let lon_max = lon0 + (width + 100.0) / m_per_lon;
        if lat_max > 85.0 || lon_max >= 180.0 {
            return Err(SynthError::Params(format!(
                "a city of {} nodes from origin [{lon0}, {lat0}] would reach [{lon_max:.3}, \
                     {lat_max:.3}]; choose an origin further from the pole or the antimeridian",
                p.target_nodes
            )));
        }

        // Node slots per band: junctions, row shapes, column shapes, ring,
        // river, then block content.
        let n = nx as i64;
        let s_h = n;
        let s_v = s_h + n * K as i64;
        let s_ring = s_v + n * K as i64;
        let s_river = s_ring + n;
        let s_content = s_river + 4;
        let node_stride = s_content + (n - 1) * BLOCK_NODES + 16;
        let way_stride = 2 * n + 8 + (n - 1) * BLOCK_WAYS + 16;

        let mut lay = Layout {
            seed,
            nx,
            ny,
            xs,
            ys,
            col_art,
            row_art,
            col_kind,
            row_kind,
            river,
            ring,
            showcase: Vec::new(),
            falloff_m: 0.35 * width.max(height),
            lon0,
            lat0,
            m_per_lon,
            m_per_lat,
            s_h,
            s_v,
            s_ring,
            s_river,
            s_content,
            node_stride,
            way_stride,
        };
        lay.showcase = lay.plan_showcase();
        Ok(lay)
    }

    /// One of every facility kind in a row of blocks near the south-west
    /// corner (inside the ring), so every category exists in any city big
    /// enough to hold them.
    fn plan_showcase(&self) -> Vec<(usize, usize, BlockKind)> {
        let kinds = [
            BlockKind::Stadium,
            BlockKind::Centre(Centre::Multi),
            BlockKind::Centre(Centre::Swimming),
            BlockKind::Centre(Centre::Ice),
            BlockKind::Centre(Centre::Fitness),
            BlockKind::Park {
                relation: true,
                trail: true,
            },
            BlockKind::School,
            BlockKind::SportsGround,
            BlockKind::Park {
                relation: false,
                trail: false,
            },
        ];
        let (i0, j) = match self.ring {
            Some(r) => (r.iw + 2, r.js + 2),
            None => (1, 1),
        };
        if j + 1 >= self.ny {
            return Vec::new();
        }
        (i0..self.nx - 1)
            .filter(|&i| self.river.as_ref().is_none_or(|r| r.col != i) && !self.ring_at(i, j))
            .zip(kinds)
            .map(|(i, k)| (i, j, k))
            .collect()
    }

    /// Total number of bands (one per row).
    pub(crate) fn bands(&self) -> usize {
        self.ny
    }

    /// Node id of slot `slot` in band `j`. Per band: `nx` junctions, `nx * K`
    /// row-segment shapes, `nx * K` column-segment shapes, `nx` ring-motorway
    /// nodes, 4 river nodes, then block content. Ids rise with the band, so
    /// writing bands in order writes nodes sorted by id.
    fn nid(&self, j: usize, slot: i64) -> i64 {
        1 + j as i64 * self.node_stride + slot
    }

    fn junction_id(&self, i: usize, j: usize) -> i64 {
        self.nid(j, i as i64)
    }

    fn h_shape_id(&self, i: usize, j: usize, k: usize) -> i64 {
        self.nid(j, self.s_h + (i * K + k) as i64)
    }

    fn v_shape_id(&self, i: usize, j: usize, k: usize) -> i64 {
        self.nid(j, self.s_v + (i * K + k) as i64)
    }

    fn ring_id(&self, i: usize, j: usize) -> i64 {
        self.nid(j, self.s_ring + i as i64)
    }

    fn river_id(&self, j: usize, t: usize) -> i64 {
        self.nid(j, self.s_river + t as i64)
    }

    /// Id of the first way of band `j`; global ways (ring, river) come after
    /// all bands.
    fn way_base(&self, j: usize) -> i64 {
        1 + j as i64 * self.way_stride
    }

    pub(crate) fn global_way_base(&self) -> i64 {
        self.way_base(self.ny)
    }

    /// `[lon, lat]` in 1e-7 degree of a point in metres.
    fn to_e7(&self, p: P) -> (i32, i32) {
        let lon = self.lon0 + p[0] / self.m_per_lon;
        let lat = self.lat0 + p[1] / self.m_per_lat;
        ((lon * 1e7).round() as i32, (lat * 1e7).round() as i32)
    }

    /// `[min_lon, min_lat, max_lon, max_lat]` containing every node.
    pub(crate) fn bbox_deg(&self) -> [f64; 4] {
        let m = 60.0;
        let lo = [-m, -m];
        let hi = [self.xs[self.nx - 1] + m, self.ys[self.ny - 1] + m];
        [
            self.lon0 + lo[0] / self.m_per_lon,
            self.lat0 + lo[1] / self.m_per_lat,
            self.lon0 + hi[0] / self.m_per_lon,
            self.lat0 + hi[1] / self.m_per_lat,
        ]
    }

    // -- Streets ------------------------------------------------------------

    fn junction_pos(&self, i: usize, j: usize) -> P {
        let h = hash(self.seed, H_JUNCTION, i as u64, j as u64);
        [
            self.xs[i] + (unit(h) - 0.5) * 6.0,
            self.ys[j] + (unit(h.rotate_left(29)) - 0.5) * 6.0,
        ]
    }

    fn river_col(&self) -> usize {
        self.river.as_ref().map_or(usize::MAX, |r| r.col)
    }

    /// Row `j`'s segment from column `i` to `i + 1`.
    fn h_class(&self, i: usize, j: usize) -> Seg {
        self.seg_class(
            self.row_kind[j],
            hash(self.seed, H_HSEG, i as u64, j as u64),
            i == self.river_col(),
        )
    }

    /// Column `i`'s segment from row `j` to `j + 1`.
    fn v_class(&self, i: usize, j: usize) -> Seg {
        self.seg_class(
            self.col_kind[i],
            hash(self.seed, H_VSEG, i as u64, j as u64),
            false,
        )
    }

    fn seg_class(&self, kind: Hw, h: u64, river: bool) -> Seg {
        let u = unit(h.rotate_left(7));
        if kind.is_arterial() || river {
            Seg::Line(kind)
        } else if matches!(kind, Hw::Footway | Hw::Path) && u < 0.12 {
            Seg::Steps
        } else if !kind.is_foot() && u > 0.965 {
            Seg::FootNo
        } else {
            Seg::Line(kind)
        }
    }

    /// Shape points of a segment from `a` to `b`: 2-4 points along a gentle
    /// curve with a little noise.
    fn shape(&self, a: P, b: P, h: u64) -> (usize, [P; K]) {
        let mut r = SplitMix64::new(h);
        let n = 2 + r.below(3);
        let (dx, dy) = (b[0] - a[0], b[1] - a[1]);
        let len = (dx * dx + dy * dy).sqrt().max(1e-9);
        let perp = [-dy / len, dx / len];
        let amp = r.uniform(-5.0, 5.0);
        let mut out = [[0.0; 2]; K];
        for (k, o) in out.iter_mut().enumerate().take(n) {
            let t = (k + 1) as f64 / (n + 1) as f64;
            let off = amp * 4.0 * t * (1.0 - t) + r.uniform(-1.0, 1.0);
            let p = lerp(a, b, t);
            *o = [p[0] + perp[0] * off, p[1] + perp[1] * off];
        }
        (n, out)
    }

    fn h_shape(&self, i: usize, j: usize) -> (usize, [P; K]) {
        self.shape(
            self.junction_pos(i, j),
            self.junction_pos(i + 1, j),
            hash(self.seed, H_HSEG, i as u64, j as u64),
        )
    }

    fn v_shape(&self, i: usize, j: usize) -> (usize, [P; K]) {
        self.shape(
            self.junction_pos(i, j),
            self.junction_pos(i, j + 1),
            hash(self.seed, H_VSEG, i as u64, j as u64),
        )
    }

    /// The middle shape node of the street on `side` of block `(i, j)`, if
    /// walkers may use that street (paths into the block join it there).
    fn side_mid(&self, i: usize, j: usize, side: Side) -> Option<(i64, P)> {
        let (horizontal, si, sj) = match side {
            Side::Bottom => (true, i, j),
            Side::Top => (true, i, j + 1),
            Side::Left => (false, i, j),
            Side::Right => (false, i + 1, j),
        };
        if horizontal {
            if si == self.river_col() || !self.h_class(si, sj).walkable() {
                return None;
            }
            let (n, pts) = self.h_shape(si, sj);
            Some((self.h_shape_id(si, sj, n / 2), pts[n / 2]))
        } else {
            if !self.v_class(si, sj).walkable() {
                return None;
            }
            let (n, pts) = self.v_shape(si, sj);
            Some((self.v_shape_id(si, sj, n / 2), pts[n / 2]))
        }
    }

    fn h_starts(&self, i: usize, j: usize) -> bool {
        i == 0
            || i == self.river_col().wrapping_add(1)
            || self.col_art[i]
            || i % 6 == 0
            || self.h_class(i, j) != self.h_class(i - 1, j)
    }

    fn v_starts(&self, i: usize, j: usize) -> bool {
        j == 0 || self.row_art[j] || j % 6 == 0 || self.v_class(i, j) != self.v_class(i, j - 1)
    }

    fn line_name(&self, horizontal: bool, line: usize) -> Option<Cow<'static, str>> {
        let kind = if horizontal {
            self.row_kind[line]
        } else {
            self.col_kind[line]
        };
        if kind.is_foot() || kind == Hw::Service {
            return None;
        }
        let (dir, what) = match (horizontal, kind.is_arterial()) {
            (true, true) => ("Dongxi", "Avenue"),
            (true, false) => ("Dongxi", "Road"),
            (false, true) => ("Nanbei", "Avenue"),
            (false, false) => ("Nanbei", "Street"),
        };
        Some(Cow::Owned(format!("{dir} {} {what}", line + 1)))
    }

    fn seg_tags(&self, seg: Seg, horizontal: bool, line: usize) -> Vec<Tag> {
        match seg {
            Seg::Line(hw) => {
                let mut t = vec![("highway", s(hw.tag()))];
                if let Some(name) = self.line_name(horizontal, line) {
                    t.push(("name", name));
                }
                if hw.is_arterial() {
                    t.push(("sidewalk", s("both")));
                }
                t
            }
            Seg::FootNo => vec![
                ("highway", s("service")),
                ("service", s("driveway")),
                ("foot", s("no")),
            ],
            Seg::Steps => vec![("highway", s("steps"))],
        }
    }

    // -- Ring motorway and river -------------------------------------------

    /// True when the ring motorway has a node in block `(i, j)`.
    fn ring_at(&self, i: usize, j: usize) -> bool {
        let Some(r) = self.ring else {
            return false;
        };
        if j == r.js || j == r.jn {
            (r.iw..=r.ie).contains(&i)
        } else if j > r.js && j < r.jn {
            i == r.iw || i == r.ie
        } else {
            false
        }
    }

    fn ring_pos(&self, i: usize, j: usize) -> P {
        let r = self.ring.expect("ring");
        let x = (self.xs[i] + self.xs[i + 1]) / 2.0;
        let y = (self.ys[j] + self.ys[j + 1]) / 2.0;
        let jit = (unit(hash(self.seed, H_RING, i as u64, j as u64)) - 0.5) * 6.0;
        let corner = (i == r.iw || i == r.ie) && (j == r.js || j == r.jn);
        if corner {
            [x, y]
        } else if j == r.js || j == r.jn {
            [x, y + jit]
        } else {
            [x + jit, y]
        }
    }

    /// River centre-line points of band `j` (at 0, 1/3 and 2/3 of the band;
    /// the last band has only its first).
    fn river_points(&self, j: usize) -> Vec<P> {
        let Some(river) = &self.river else {
            return Vec::new();
        };
        let n = if j + 1 < self.ny { 3 } else { 1 };
        (0..n)
            .map(|t| {
                let y = if t == 0 {
                    self.ys[j]
                } else {
                    self.ys[j] + (self.ys[j + 1] - self.ys[j]) * t as f64 / 3.0
                };
                [river.x_at(y), y]
            })
            .collect()
    }

    fn is_bridge_row(&self, j: usize) -> bool {
        j == self.ny / 2 || (self.row_art[j] && unit(hash(self.seed, H_BRIDGE, j as u64, 0)) < 0.35)
    }

    fn is_island_block(&self, j: usize) -> bool {
        if self.river.is_none() || j + 1 >= self.ny {
            return false;
        }
        if let Some(r) = self.ring {
            if j == r.js || j == r.jn {
                return false;
            }
        }
        j == self.ny / 3 || unit(hash(self.seed, H_ISLAND, j as u64, 0)) < 0.04
    }

    /// The ring motorway and the river: ways that cross many bands, written
    /// after all band ways with ids from `first_id`.
    pub(crate) fn global_ways(&self, first_id: i64) -> Vec<Way> {
        let mut ways = Vec::new();
        let mut id = first_id;
        let mut push_pieces = |refs: Vec<i64>, tags: Vec<Tag>, ways: &mut Vec<Way>| {
            let mut start = 0;
            while start + 1 < refs.len() {
                let end = (start + 60).min(refs.len() - 1);
                ways.push(Way {
                    id,
                    refs: refs[start..=end].to_vec(),
                    tags: tags.clone(),
                });
                id += 1;
                start = end;
            }
        };
        if let Some(r) = self.ring {
            let mut refs = Vec::new();
            for i in r.iw..=r.ie {
                refs.push(self.ring_id(i, r.js));
            }
            for j in r.js + 1..r.jn {
                refs.push(self.ring_id(r.ie, j));
            }
            for i in (r.iw..=r.ie).rev() {
                refs.push(self.ring_id(i, r.jn));
            }
            for j in (r.js + 1..r.jn).rev() {
                refs.push(self.ring_id(r.iw, j));
            }
            refs.push(refs[0]);
            let tags = vec![
                ("highway", s("motorway")),
                ("ref", s("Ring 1")),
                ("name", s("Synth Ring Expressway")),
                ("lanes", s("4")),
            ];
            push_pieces(refs, tags, &mut ways);
        }
        if self.river.is_some() {
            let mut refs = Vec::new();
            for j in 0..self.ny {
                for t in 0..self.river_points(j).len() {
                    refs.push(self.river_id(j, t));
                }
            }
            let tags = vec![("waterway", s("river")), ("name", s("Synth River"))];
            push_pieces(refs, tags, &mut ways);
        }
        ways
    }

    // -- Blocks -------------------------------------------------------------

    /// Facility probability of block `(i, j)`: falls with distance from the
    /// south-west corner, times a district factor (zero in some districts).
    fn facility_chance(&self, i: usize, j: usize) -> f64 {
        let cx = (self.xs[i] + self.xs[i + 1]) / 2.0;
        let cy = (self.ys[j] + self.ys[j + 1]) / 2.0;
        let d = (cx * cx + cy * cy).sqrt() / self.falloff_m;
        let near = 1.0 / (1.0 + d * d);
        let u = unit(hash(self.seed, H_DISTRICT, (i / 5) as u64, (j / 5) as u64));
        let district = if u < 0.12 { 0.0 } else { 0.5 + u };
        (0.02 + 0.28 * near) * district
    }

    fn block_kind(&self, i: usize, j: usize) -> BlockKind {
        if i == self.river_col() {
            return BlockKind::River;
        }
        if self.ring_at(i, j) {
            return BlockKind::Motorway;
        }
        if let Some((_, _, k)) = self.showcase.iter().find(|(a, b, _)| *a == i && *b == j) {
            return *k;
        }
        let h = hash(self.seed, H_BLOCK_KIND, i as u64, j as u64);
        if unit(h) >= self.facility_chance(i, j) {
            return BlockKind::Residential;
        }
        let v = unit(h.rotate_left(21));
        let w = unit(h.rotate_left(43));
        match v {
            v if v < 0.35 => BlockKind::Park {
                relation: w < 0.25,
                trail: w > 0.7,
            },
            v if v < 0.55 => BlockKind::School,
            v if v < 0.78 => BlockKind::SportsGround,
            v if v < 0.97 => BlockKind::Centre(match w {
                w if w < 0.4 => Centre::Multi,
                w if w < 0.6 => Centre::Swimming,
                w if w < 0.7 => Centre::Ice,
                _ => Centre::Fitness,
            }),
            _ => BlockKind::Stadium,
        }
    }

    fn content_rect(&self, i: usize, j: usize) -> Rect {
        Rect {
            x0: self.xs[i] + INSET,
            y0: self.ys[j] + INSET,
            x1: self.xs[i + 1] - INSET,
            y1: self.ys[j + 1] - INSET,
        }
    }

    // -- Bands --------------------------------------------------------------

    /// Generate band `j`: its nodes (sorted by id) when `nodes`, its ways and
    /// relations (relation ids left 0) when `ways`.
    pub(crate) fn band(&self, j: usize, nodes: bool, ways: bool) -> BandOut {
        let mut sk = Sink {
            lay: self,
            j,
            nodes_on: nodes,
            ways_on: ways,
            next_slot: self.s_content,
            next_way: 0,
            out: BandOut::default(),
        };
        self.streets(j, &mut sk);
        if j + 1 < self.ny {
            for i in 0..self.nx - 1 {
                self.block(i, j, &mut sk);
            }
        }
        let mut out = sk.out;
        out.nodes.sort_unstable_by_key(|n| n.id);
        debug_assert!(out.nodes.windows(2).all(|w| w[0].id < w[1].id));
        out
    }

    fn streets(&self, j: usize, sk: &mut Sink) {
        let (nx, ny) = (self.nx, self.ny);
        let c = self.river_col();
        // Junctions.
        for i in 0..nx {
            let tags = if self.col_art[i] && self.row_art[j] {
                vec![("highway", s("traffic_signals"))]
            } else {
                Vec::new()
            };
            sk.node(self.junction_id(i, j), self.junction_pos(i, j), tags);
        }
        // Row j: shapes and ways.
        for i in 0..nx - 1 {
            if i == c {
                self.river_crossing(j, sk);
                continue;
            }
            let (n, pts) = self.h_shape(i, j);
            for (k, p) in pts.iter().enumerate().take(n) {
                sk.node(self.h_shape_id(i, j, k), *p, Vec::new());
            }
        }
        let mut i = 0;
        while i < nx - 1 {
            if i == c {
                i += 1;
                continue;
            }
            let class = self.h_class(i, j);
            let mut refs = vec![self.junction_id(i, j)];
            let mut k = i;
            loop {
                let (n, _) = self.h_shape(k, j);
                refs.extend((0..n).map(|m| self.h_shape_id(k, j, m)));
                refs.push(self.junction_id(k + 1, j));
                k += 1;
                if k >= nx - 1 || k == c || self.h_starts(k, j) {
                    break;
                }
            }
            sk.way(refs, || self.seg_tags(class, true, j));
            i = k;
        }
        // Column segments from row j to row j + 1.
        if j + 1 < ny {
            for i in 0..nx {
                let (n, pts) = self.v_shape(i, j);
                for (k, p) in pts.iter().enumerate().take(n) {
                    sk.node(self.v_shape_id(i, j, k), *p, Vec::new());
                }
            }
            for i in 0..nx {
                if !self.v_starts(i, j) {
                    continue;
                }
                let class = self.v_class(i, j);
                let mut refs = vec![self.junction_id(i, j)];
                let mut k = j;
                loop {
                    let (n, _) = self.v_shape(i, k);
                    refs.extend((0..n).map(|m| self.v_shape_id(i, k, m)));
                    refs.push(self.junction_id(i, k + 1));
                    k += 1;
                    if k >= ny - 1 || self.v_starts(i, k) {
                        break;
                    }
                }
                sk.way(refs, || self.seg_tags(class, false, i));
            }
        }
        // Ring motorway nodes.
        if self.ring.is_some() {
            for i in 0..nx - 1 {
                if self.ring_at(i, j) {
                    sk.node(self.ring_id(i, j), self.ring_pos(i, j), Vec::new());
                }
            }
        }
        // River centre line.
        for (t, p) in self.river_points(j).into_iter().enumerate() {
            sk.node(self.river_id(j, t), p, Vec::new());
        }
    }

    /// Row `j` where it meets the river: stubs from both sides end at the
    /// banks; on bridge rows a bridge joins them.
    fn river_crossing(&self, j: usize, sk: &mut Sink) {
        let river = self.river.as_ref().expect("river");
        let c = river.col;
        let a = self.junction_pos(c, j);
        let b = self.junction_pos(c + 1, j);
        let y = self.ys[j];
        let xr = river.x_at(y);
        let mut r = SplitMix64::new(hash(self.seed, H_HSEG, c as u64, j as u64));
        let bank_w = [xr - river.half_width - 4.0, y + r.uniform(-2.0, 2.0)];
        let bank_e = [xr + river.half_width + 4.0, y + r.uniform(-2.0, 2.0)];
        let sw = lerp(a, bank_w, 0.5);
        let se = lerp(bank_e, b, 0.5);
        let ids = [0, 1, 2, 3].map(|k| self.h_shape_id(c, j, k));
        sk.node(ids[0], [sw[0], sw[1] + r.uniform(-2.0, 2.0)], Vec::new());
        sk.node(ids[1], bank_w, Vec::new());
        sk.node(ids[2], bank_e, Vec::new());
        sk.node(ids[3], [se[0], se[1] + r.uniform(-2.0, 2.0)], Vec::new());
        let class = Seg::Line(self.row_kind[j]);
        sk.way(vec![self.junction_id(c, j), ids[0], ids[1]], || {
            self.seg_tags(class, true, j)
        });
        if self.is_bridge_row(j) {
            sk.way(vec![ids[1], ids[2]], || {
                let mut t = self.seg_tags(class, true, j);
                t.push(("bridge", s("yes")));
                t.push(("layer", s("1")));
                t
            });
        }
        sk.way(vec![ids[2], ids[3], self.junction_id(c + 1, j)], || {
            self.seg_tags(class, true, j)
        });
    }

    fn block(&self, i: usize, j: usize, sk: &mut Sink) {
        let kind = self.block_kind(i, j);
        let mut r = SplitMix64::new(hash(self.seed, H_BLOCK, i as u64, j as u64));
        let rect = self.content_rect(i, j);
        match kind {
            BlockKind::Residential => self.compound(i, j, rect, &mut r, sk),
            BlockKind::Park { relation, trail } => {
                self.park(i, j, rect, relation, trail, &mut r, sk)
            }
            BlockKind::School => self.school(i, j, rect, &mut r, sk),
            BlockKind::SportsGround => self.sports_ground(i, j, rect, &mut r, sk),
            BlockKind::Centre(c) => self.centre(i, j, rect, c, &mut r, sk),
            BlockKind::Stadium => self.stadium(i, j, rect, &mut r, sk),
            BlockKind::River => {
                if self.is_island_block(j) {
                    self.island(j, &mut r, sk);
                }
            }
            BlockKind::Motorway => {}
        }
    }

    /// Sides of block `(i, j)` with a walkable street, in a shuffled order.
    fn open_sides(&self, i: usize, j: usize, r: &mut SplitMix64) -> Vec<(Side, i64, P)> {
        let mut v: Vec<(Side, i64, P)> = [Side::Bottom, Side::Right, Side::Top, Side::Left]
            .into_iter()
            .filter_map(|sd| self.side_mid(i, j, sd).map(|(id, p)| (sd, id, p)))
            .collect();
        for k in (1..v.len()).rev() {
            let m = r.below(k + 1);
            v.swap(k, m);
        }
        v
    }

    /// A compound of flats: `landuse=residential` with a population of
    /// 20,000-40,000 per km2, 1-2 gates joined to the street by footways,
    /// and (more often near the south-west) small facilities inside.
    fn compound(&self, i: usize, j: usize, rect: Rect, r: &mut SplitMix64, sk: &mut Sink) {
        let sides = self.open_sides(i, j, r);
        let n_gates = if r.chance(0.5) { 1 } else { 2 };
        let mut gates = Vec::new();
        for &(side, mid, mp) in sides.iter().take(n_gates) {
            let g = gate_pos(rect, side, mp);
            let gate_tags = if r.chance(0.3) {
                vec![("barrier", s("gate")), ("entrance", s("main"))]
            } else {
                vec![("entrance", s("yes"))]
            };
            let gid = sk.add(g, gate_tags);
            let inner = step_in(g, side, 20.0_f64.min(rect.w().min(rect.h()) / 3.0));
            let iid = sk.add(inner, Vec::new());
            let driveway = r.chance(0.3);
            sk.way(vec![mid, gid, iid], || {
                if driveway {
                    vec![("highway", s("service")), ("service", s("driveway"))]
                } else {
                    vec![("highway", s("footway"))]
                }
            });
            gates.push((side, g, gid));
        }
        let ring = self.ring_with_gates(sk, rect, &gates);
        let density = r.uniform(20_000.0, 40_000.0);
        let pop = (rect.w() * rect.h() * density / 1e6).round() as u64;
        sk.way(ring, || {
            vec![
                ("landuse", s("residential")),
                (
                    "name",
                    Cow::Owned(format!("Synth Compound {}-{}", i + 1, j + 1)),
                ),
                ("population", Cow::Owned(pop.to_string())),
            ]
        });
        // Facilities inside, likelier where facilities are dense.
        let p = self.facility_chance(i, j);
        if r.chance((1.8 * p).min(0.9)) {
            let n = 1 + r.below(2);
            for _ in 0..n {
                let q = [
                    r.uniform(rect.x0 + 5.0, rect.x1 - 5.0),
                    r.uniform(rect.y0 + 5.0, rect.y1 - 5.0),
                ];
                sk.add(q, vec![("leisure", s("fitness_station"))]);
            }
        }
        if r.chance(p) {
            self.poly(sk, rect.sub(0.75, 0.75, 0.2, 0.15), || {
                vec![("leisure", s("playground"))]
            });
        }
        if r.chance(0.6 * p) {
            let q = [
                r.uniform(rect.x0 + 5.0, rect.x1 - 5.0),
                r.uniform(rect.y0 + 5.0, rect.y1 - 5.0),
            ];
            sk.add(
                q,
                vec![("leisure", s("pitch")), ("sport", s("table_tennis"))],
            );
        }
        if r.chance(0.3 * p) {
            let q = [
                r.uniform(rect.x0 + 5.0, rect.x1 - 5.0),
                r.uniform(rect.y0 + 5.0, rect.y1 - 5.0),
            ];
            sk.add(q, vec![("leisure", s("pitch")), ("sport", s("chess"))]);
        }
        if r.chance(0.6 * p) {
            let private = r.chance(0.15);
            self.poly(sk, rect.sub(0.3, 0.75, 0.3, 0.17), || {
                let mut t = vec![("leisure", s("pitch")), ("sport", s("basketball"))];
                if private {
                    t.push(("access", s("private")));
                }
                t
            });
        }
        if r.chance(0.25 * p) {
            let q = [r.uniform(rect.x0 + 5.0, rect.x1 - 5.0), rect.y0 + 3.0];
            let gym = r.chance(0.3);
            sk.add(q, {
                if gym {
                    vec![("amenity", s("gym")), ("name", s("Synth Gym"))]
                } else {
                    vec![
                        ("leisure", s("fitness_centre")),
                        ("name", s("Synth Fitness")),
                    ]
                }
            });
        }
    }

    /// A park: paths from up to three streets meet in the middle (crossing
    /// the park edge at gates), a playground, table-tennis and chess tables,
    /// fitness stations along the paths; optionally a multipolygon with a pond and a
    /// fitness-trail route relation.
    #[allow(clippy::too_many_arguments)]
    fn park(
        &self,
        i: usize,
        j: usize,
        rect: Rect,
        relation: bool,
        trail: bool,
        r: &mut SplitMix64,
        sk: &mut Sink,
    ) {
        let centre = [
            rect.cx() + r.uniform(-0.05, 0.05) * rect.w(),
            rect.cy() + r.uniform(-0.05, 0.05) * rect.h(),
        ];
        let cid = sk.add(centre, Vec::new());
        let mut gates = Vec::new();
        let mut paths = Vec::new();
        for side in [Side::Left, Side::Bottom, Side::Right] {
            let Some((mid, mp)) = self.side_mid(i, j, side) else {
                continue;
            };
            let g = gate_pos(rect, side, mp);
            let gid = sk.add(g, vec![("entrance", s("yes"))]);
            let half = lerp(g, centre, 0.5);
            let station = r.chance(0.5);
            let hid = sk.add(
                [
                    half[0] + r.uniform(-3.0, 3.0),
                    half[1] + r.uniform(-3.0, 3.0),
                ],
                if station {
                    vec![("leisure", s("fitness_station"))]
                } else {
                    Vec::new()
                },
            );
            let kind = match r.unit() {
                u if u < 0.7 => "footway",
                u if u < 0.85 => "path",
                _ => "steps",
            };
            paths.push(sk.way(vec![mid, gid, hid, cid], || vec![("highway", s(kind))]));
            gates.push((side, g, gid));
        }
        let ring = self.ring_with_gates(sk, rect, &gates);
        let name: Cow<'static, str> = Cow::Owned(format!("Synth Park {}-{}", i + 1, j + 1));
        if relation {
            let outer = sk.way(ring, Vec::new);
            let pond = self.poly(sk, rect.sub(0.27, 0.75, 0.3, 0.25), || {
                vec![("natural", s("water"))]
            });
            sk.relation(
                vec![
                    Member {
                        kind: MEMBER_WAY,
                        id: outer,
                        role: "outer",
                    },
                    Member {
                        kind: MEMBER_WAY,
                        id: pond,
                        role: "inner",
                    },
                ],
                vec![
                    ("type", s("multipolygon")),
                    ("leisure", s("park")),
                    ("name", name.clone()),
                ],
            );
        } else {
            sk.way(ring, || {
                vec![("leisure", s("park")), ("name", name.clone())]
            });
        }
        self.poly(sk, rect.sub(0.75, 0.75, 0.25, 0.2), || {
            vec![("leisure", s("playground"))]
        });
        if r.chance(0.6) {
            for fx in [0.25, 0.75] {
                let q = [rect.x0 + fx * rect.w(), rect.y0 + 0.25 * rect.h()];
                sk.add(
                    q,
                    vec![("leisure", s("pitch")), ("sport", s("table_tennis"))],
                );
            }
        }
        // Chess and card tables under the trees.
        let q = [rect.x0 + 0.5 * rect.w(), rect.y0 + 0.15 * rect.h()];
        sk.add(q, vec![("leisure", s("pitch")), ("sport", s("chess"))]);
        if trail && !paths.is_empty() {
            sk.relation(
                paths
                    .iter()
                    .map(|&id| Member {
                        kind: MEMBER_WAY,
                        id,
                        role: "",
                    })
                    .collect(),
                vec![
                    ("type", s("route")),
                    ("route", s("fitness_trail")),
                    (
                        "name",
                        Cow::Owned(format!("Synth Trail {}-{}", i + 1, j + 1)),
                    ),
                ],
            );
        }
    }

    /// A school: grounds with a gate, a football pitch inside a running track
    /// and basketball courts.
    fn school(&self, i: usize, j: usize, rect: Rect, r: &mut SplitMix64, sk: &mut Sink) {
        let sides = self.open_sides(i, j, r);
        let mut gates = Vec::new();
        if let Some(&(side, mid, mp)) = sides.first() {
            let g = gate_pos(rect, side, mp);
            let gid = sk.add(g, vec![("entrance", s("main")), ("barrier", s("gate"))]);
            let iid = sk.add(step_in(g, side, 12.0), Vec::new());
            sk.way(vec![mid, gid, iid], || vec![("highway", s("footway"))]);
            gates.push((side, g, gid));
        }
        let ring = self.ring_with_gates(sk, rect, &gates);
        let access = match r.unit() {
            u if u < 0.3 => Some("yes"),
            u if u < 0.5 => Some("private"),
            _ => None,
        };
        sk.way(ring, || {
            let mut t = vec![
                ("amenity", s("school")),
                (
                    "name",
                    Cow::Owned(format!("Synth School {}-{}", i + 1, j + 1)),
                ),
            ];
            if let Some(a) = access {
                t.push(("access", s(a)));
            }
            t
        });
        self.track_and_pitch(sk, rect.sub(0.5, 0.42, 0.75, 0.6));
        for fx in [0.2, 0.8] {
            self.poly(sk, rect.sub(fx, 0.88, 0.25, 0.14), || {
                vec![("leisure", s("pitch")), ("sport", s("basketball"))]
            });
        }
    }

    /// An oval running track (`leisure=track`) around a football pitch.
    fn track_and_pitch(&self, sk: &mut Sink, area: Rect) {
        // Unit circle at 30 degree steps (exact constants, no libm).
        const H: f64 = 0.866_025_403_784_438_6;
        const CIRCLE: [P; 12] = [
            [1.0, 0.0],
            [H, 0.5],
            [0.5, H],
            [0.0, 1.0],
            [-0.5, H],
            [-H, 0.5],
            [-1.0, 0.0],
            [-H, -0.5],
            [-0.5, -H],
            [0.0, -1.0],
            [0.5, -H],
            [H, -0.5],
        ];
        let (cx, cy, rx, ry) = (area.cx(), area.cy(), area.w() / 2.0, area.h() / 2.0);
        let mut refs: Vec<i64> = CIRCLE
            .iter()
            .map(|u| sk.add([cx + rx * u[0], cy + ry * u[1]], Vec::new()))
            .collect();
        refs.push(refs[0]);
        sk.way(refs, || {
            vec![("leisure", s("track")), ("sport", s("running"))]
        });
        self.poly(sk, area.sub(0.5, 0.5, 0.6, 0.6), || {
            vec![("leisure", s("pitch")), ("sport", s("soccer"))]
        });
    }

    /// Open-air courts: tennis, basketball, and volleyball, gateball or
    /// five-a-side football, with a path in from the street.
    fn sports_ground(&self, i: usize, j: usize, rect: Rect, r: &mut SplitMix64, sk: &mut Sink) {
        let sides = self.open_sides(i, j, r);
        if let Some(&(side, mid, mp)) = sides.first() {
            let g = gate_pos(rect, side, mp);
            let inner = step_in(g, side, rect.w().min(rect.h()) / 2.0);
            let gid = sk.add(g, Vec::new());
            let iid = sk.add(inner, Vec::new());
            sk.way(vec![mid, gid, iid], || vec![("highway", s("footway"))]);
        }
        let courts: [(&'static str, f64, f64); 4] = [
            ("tennis", 0.25, 0.25),
            ("tennis", 0.75, 0.25),
            ("basketball", 0.25, 0.75),
            (
                match r.below(3) {
                    0 => "volleyball",
                    1 => "gateball",
                    _ => "soccer",
                },
                0.75,
                0.75,
            ),
        ];
        for (sport, fx, fy) in courts {
            self.poly(sk, rect.sub(fx, fy, 0.35, 0.3), || {
                vec![("leisure", s("pitch")), ("sport", s(sport))]
            });
        }
        if r.chance(0.3) {
            sk.add(
                [rect.cx(), rect.y1 - 4.0],
                vec![
                    ("leisure", s("fitness_centre")),
                    ("name", s("Synth Fitness")),
                ],
            );
        }
    }

    /// An indoor venue (building) with an entrance joined to the street.
    fn centre(
        &self,
        i: usize,
        j: usize,
        rect: Rect,
        kind: Centre,
        r: &mut SplitMix64,
        sk: &mut Sink,
    ) {
        let building = rect.sub(0.5, 0.35, 0.7, 0.5);
        let sides = self.open_sides(i, j, r);
        let mut gates = Vec::new();
        if let Some(&(side, mid, mp)) = sides.first() {
            let g = gate_pos(building, side, mp);
            let gid = sk.add(g, vec![("entrance", s("main"))]);
            sk.way(vec![mid, gid], || vec![("highway", s("footway"))]);
            gates.push((side, g, gid));
        }
        let ring = self.ring_with_gates(sk, building, &gates);
        let name = |what: &str| Cow::Owned(format!("Synth {what} {}-{}", i + 1, j + 1));
        sk.way(ring, || match kind {
            Centre::Multi => vec![
                ("leisure", s("sports_centre")),
                ("sport", s("multi")),
                ("building", s("yes")),
                ("name", name("Sports Centre")),
            ],
            Centre::Swimming => vec![
                ("leisure", s("sports_centre")),
                ("sport", s("swimming")),
                ("building", s("yes")),
                ("name", name("Natatorium")),
            ],
            Centre::Ice => vec![
                ("leisure", s("ice_rink")),
                ("sport", s("ice_skating")),
                ("building", s("yes")),
                ("name", name("Ice Rink")),
            ],
            Centre::Fitness => vec![
                ("leisure", s("fitness_centre")),
                ("building", s("yes")),
                ("building:levels", s("2")),
                ("name", name("Fitness Club")),
            ],
        });
        if kind == Centre::Swimming || (kind == Centre::Multi && r.chance(0.3)) {
            self.poly(sk, rect.sub(0.5, 0.82, 0.5, 0.2), || {
                vec![("leisure", s("swimming_pool")), ("access", s("yes"))]
            });
        }
    }

    /// A stadium: stands around a pitch and track, two entrances.
    fn stadium(&self, i: usize, j: usize, rect: Rect, r: &mut SplitMix64, sk: &mut Sink) {
        let sides = self.open_sides(i, j, r);
        let mut gates = Vec::new();
        for &(side, mid, mp) in sides.iter().take(2) {
            let g = gate_pos(rect, side, mp);
            let gid = sk.add(g, vec![("entrance", s("yes"))]);
            sk.way(vec![mid, gid], || vec![("highway", s("footway"))]);
            gates.push((side, g, gid));
        }
        let ring = self.ring_with_gates(sk, rect, &gates);
        sk.way(ring, || {
            vec![
                ("leisure", s("stadium")),
                (
                    "name",
                    Cow::Owned(format!("Synth Stadium {}-{}", i + 1, j + 1)),
                ),
            ]
        });
        self.track_and_pitch(sk, rect.sub(0.5, 0.5, 0.8, 0.8));
    }

    /// A tiny islet in the river with a footpath loop, connected to nothing.
    fn island(&self, j: usize, r: &mut SplitMix64, sk: &mut Sink) {
        let river = self.river.as_ref().expect("river");
        let y = (self.ys[j] + self.ys[j + 1]) / 2.0 + r.uniform(-10.0, 10.0);
        let c = [river.x_at(y), y];
        let rad = river.half_width * 0.5;
        const HEX: [P; 6] = [
            [1.0, 0.0],
            [0.5, 0.866_025_403_784_438_6],
            [-0.5, 0.866_025_403_784_438_6],
            [-1.0, 0.0],
            [-0.5, -0.866_025_403_784_438_6],
            [0.5, -0.866_025_403_784_438_6],
        ];
        let ids: Vec<i64> = HEX
            .iter()
            .map(|u| sk.add([c[0] + rad * u[0], c[1] + rad * u[1]], Vec::new()))
            .collect();
        let mid = sk.add(c, Vec::new());
        let mut lp = ids.clone();
        lp.push(ids[0]);
        sk.way(lp, || vec![("highway", s("footway"))]);
        sk.way(vec![ids[0], mid, ids[3]], || vec![("highway", s("path"))]);
    }

    /// A closed rectangle way with `tags`; returns its id.
    fn poly(&self, sk: &mut Sink, rect: Rect, tags: impl FnOnce() -> Vec<Tag>) -> i64 {
        let ids = [
            [rect.x0, rect.y0],
            [rect.x1, rect.y0],
            [rect.x1, rect.y1],
            [rect.x0, rect.y1],
        ]
        .map(|p| sk.add(p, Vec::new()));
        sk.way(vec![ids[0], ids[1], ids[2], ids[3], ids[0]], tags)
    }

    /// Node ids of a closed ring around `rect` (anticlockwise from the
    /// south-west corner) with the gate nodes on its sides.
    fn ring_with_gates(&self, sk: &mut Sink, rect: Rect, gates: &[(Side, P, i64)]) -> Vec<i64> {
        let corners = [
            [rect.x0, rect.y0],
            [rect.x1, rect.y0],
            [rect.x1, rect.y1],
            [rect.x0, rect.y1],
        ]
        .map(|p| sk.add(p, Vec::new()));
        let mut refs = Vec::with_capacity(10);
        let sides = [Side::Bottom, Side::Right, Side::Top, Side::Left];
        for (k, side) in sides.iter().enumerate() {
            refs.push(corners[k]);
            let mut on: Vec<&(Side, P, i64)> = gates.iter().filter(|g| g.0 == *side).collect();
            // Along the anticlockwise direction of this side.
            on.sort_by(|a, b| {
                let key = |g: &(Side, P, i64)| match side {
                    Side::Bottom => g.1[0],
                    Side::Right => g.1[1],
                    Side::Top => -g.1[0],
                    Side::Left => -g.1[1],
                };
                key(a).total_cmp(&key(b))
            });
            refs.extend(on.iter().map(|g| g.2));
        }
        refs.push(corners[0]);
        refs
    }
}

/// Where a gate on `side` of `rect` faces a street point `m`.
fn gate_pos(rect: Rect, side: Side, m: P) -> P {
    let cx = m[0].clamp(rect.x0 + 4.0, rect.x1 - 4.0);
    let cy = m[1].clamp(rect.y0 + 4.0, rect.y1 - 4.0);
    match side {
        Side::Bottom => [cx, rect.y0],
        Side::Top => [cx, rect.y1],
        Side::Left => [rect.x0, cy],
        Side::Right => [rect.x1, cy],
    }
}

/// A point `d` metres inside from a gate on `side`.
fn step_in(g: P, side: Side, d: f64) -> P {
    match side {
        Side::Bottom => [g[0], g[1] + d],
        Side::Top => [g[0], g[1] - d],
        Side::Left => [g[0] + d, g[1]],
        Side::Right => [g[0] - d, g[1]],
    }
}

/// What one band produced.
#[derive(Debug, Default)]
pub(crate) struct BandOut {
    pub nodes: Vec<Node>,
    pub ways: Vec<Way>,
    pub relations: Vec<Relation>,
}

/// Collects a band's elements and hands out its content node and way ids.
struct Sink<'a> {
    lay: &'a Layout,
    j: usize,
    nodes_on: bool,
    ways_on: bool,
    next_slot: i64,
    next_way: i64,
    out: BandOut,
}

impl Sink<'_> {
    /// A node with a fixed id.
    fn node(&mut self, id: i64, p: P, tags: Vec<Tag>) {
        if self.nodes_on {
            let (lon, lat) = self.lay.to_e7(p);
            self.out.nodes.push(Node { id, lat, lon, tags });
        }
    }

    /// A new content node; returns its id.
    fn add(&mut self, p: P, tags: Vec<Tag>) -> i64 {
        let id = self.lay.nid(self.j, self.next_slot);
        self.next_slot += 1;
        assert!(
            self.next_slot < self.lay.node_stride,
            "synth: band node ids overflow (a block produced too many nodes)"
        );
        self.node(id, p, tags);
        id
    }

    /// A new way (tags built only when ways are wanted); returns its id.
    fn way(&mut self, refs: Vec<i64>, tags: impl FnOnce() -> Vec<Tag>) -> i64 {
        let id = self.lay.way_base(self.j) + self.next_way;
        self.next_way += 1;
        assert!(
            self.next_way < self.lay.way_stride,
            "synth: band way ids overflow"
        );
        if self.ways_on {
            self.out.ways.push(Way {
                id,
                refs,
                tags: tags(),
            });
        }
        id
    }

    /// A relation (its id is given when the file is written).
    fn relation(&mut self, members: Vec<Member>, tags: Vec<Tag>) {
        if self.ways_on {
            self.out.relations.push(Relation {
                id: 0,
                members,
                tags,
            });
        }
    }
}
