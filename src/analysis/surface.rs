//! Travel-time surfaces: walking minutes to the nearest facility on a
//! square grid in the study's local projection, filled from the network
//! distances of a bounded search. Stage 5 ([`super::covered_area`]) traces
//! the walking bands on it ([`super::bands`]); `output::geotiff` writes it.
//!
//! A cell's value is the least walk to a facility from the street points
//! within `radius_m` of the cell's centre (the off-street radius,
//! `isochrone_buffer_m`): the straight walk to the street is an allowance,
//! not timed, as in the exact polygons of `analysis::isochrone`, so the
//! area of a band is the buffer of the streets reached within it. A point
//! `s` metres along edge `u -> v` (length `L`) walks on through `u`
//! (`s + dist(u)`, when the edge may be walked backwards) or through `v`
//! (`L - s + dist(v)`, when it may be walked forwards). Through `u` the
//! walk grows along the edge, so the best point within the radius is the
//! first one, and through `v` the last one: two disc-segment intersections
//! per cell and edge, exact (the offsets along the edge scaled by the ratio
//! of its geodesic length to its projected length, 1 +- 0.3 %). Reached
//! nodes whose edges cannot be walked towards them count as points.
//!
//! The grid is cut into square tiles of [`TILE`] cells; each edge is binned
//! into the tiles its radius touches, and tiles are filled in parallel
//! (rayon), each from its own edges only: a tile is one small buffer, and
//! tiles that nothing reaches are never allocated, so memory follows the
//! reached area. Cells take the minimum over edges, so the result does not
//! depend on the order or the number of threads. Cost: about
//! `(2 r L + pi r^2) / cell^2` cell evaluations per reached edge of length
//! `L`.

use rayon::prelude::*;

use crate::graph::WalkGraph;
use crate::spatial::LocalProjection;

/// Side of a tile, in cells.
pub const TILE: usize = 64;

/// What a surface measures, and at what resolution.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct SurfaceSettings {
    /// Longest walk kept, metres (the largest band); farther cells are
    /// nodata.
    pub limit_m: f64,
    /// Off-street radius, metres: the longest straight walk from a cell to
    /// the street.
    pub radius_m: f64,
    /// Side of a cell, metres.
    pub cell_m: f64,
    /// Walking speed, metres per minute.
    pub metres_per_minute: f64,
}

/// A square grid in local metres: cell `(i, j)` (column, row; rows go
/// north) spans `origin + [i, i + 1] x [j, j + 1]` times `cell_m`, and its
/// value stands for its centre.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Grid {
    /// South-west corner of cell (0, 0), local metres.
    pub origin: [f64; 2],
    /// Side of a cell, metres.
    pub cell_m: f64,
    /// Columns.
    pub width: usize,
    /// Rows.
    pub height: usize,
}

impl Grid {
    /// Centre of cell `(i, j)`, local metres (for any integers, inside the
    /// grid or not).
    #[inline]
    pub fn centre(&self, i: i64, j: i64) -> [f64; 2] {
        [
            self.origin[0] + (i as f64 + 0.5) * self.cell_m,
            self.origin[1] + (j as f64 + 0.5) * self.cell_m,
        ]
    }
}

/// The cells of one tile, row by row; `None` when none has a value.
type Tile = Option<Box<[f32]>>;

/// Walking minutes to the nearest source per grid cell; `NaN` (nodata)
/// beyond the limit. Stored as tiles of [`TILE`] x [`TILE`] cells, only
/// those with a value allocated.
#[derive(Debug, Clone)]
pub struct Surface {
    /// The grid.
    pub grid: Grid,
    /// The projection of the grid's metres.
    pub proj: LocalProjection,
    /// Longest walk kept, minutes.
    pub limit_minutes: f64,
    tiles_x: usize,
    tiles_y: usize,
    tile: usize,
    tiles: Vec<Tile>,
}

impl Surface {
    /// Minutes at cell `(i, j)`; `NaN` beyond the limit or outside the
    /// grid.
    #[inline]
    pub fn get(&self, i: i64, j: i64) -> f32 {
        if i < 0 || j < 0 || i >= self.grid.width as i64 || j >= self.grid.height as i64 {
            return f32::NAN;
        }
        let (i, j) = (i as usize, j as usize);
        let t = self.tile;
        match &self.tiles[(j / t) * self.tiles_x + i / t] {
            Some(cells) => cells[(j % t) * t + i % t],
            None => f32::NAN,
        }
    }

    /// The values of row `j`, columns `i0..i0 + out.len()` (any integers:
    /// `NaN` outside the grid), into `out`: [`Surface::get`] for a run of
    /// cells, one tile lookup per tile instead of one per cell.
    pub fn row_into(&self, j: i64, i0: i64, out: &mut [f32]) {
        out.fill(f32::NAN);
        if j < 0 || j >= self.grid.height as i64 {
            return;
        }
        let t = self.tile;
        let (j, w) = (j as usize, self.grid.width as i64);
        let lo = i0.max(0);
        let hi = (i0 + out.len() as i64).min(w);
        let mut i = lo;
        while i < hi {
            let iu = i as usize;
            let end = (((iu / t) + 1) * t).min(hi as usize);
            if let Some(cells) = &self.tiles[(j / t) * self.tiles_x + iu / t] {
                let row = (j % t) * t;
                let from = row + iu % t;
                out[(i - i0) as usize..(end as i64 - i0) as usize]
                    .copy_from_slice(&cells[from..from + (end - iu)]);
            }
            i = end as i64;
        }
    }

    /// This surface cut (or padded with nodata) to `grid`, a grid on the
    /// same lattice of cells: the same values at the same places, tiled
    /// from `grid`'s origin.
    fn window(self, grid: Grid) -> Surface {
        if grid == self.grid {
            return self;
        }
        let c = grid.cell_m;
        let dx = ((grid.origin[0] - self.grid.origin[0]) / c).round() as i64;
        let dy = ((grid.origin[1] - self.grid.origin[1]) / c).round() as i64;
        let t = self.tile;
        let (tiles_x, tiles_y) = (grid.width.div_ceil(t), grid.height.div_ceil(t));
        let tiles = (0..tiles_x * tiles_y)
            .into_par_iter()
            .map(|k| {
                let (i0, j0) = ((k % tiles_x) * t, (k / tiles_x) * t);
                let w = t.min(grid.width - i0);
                let mut cells = vec![f32::NAN; t * t];
                for (r, row) in cells.chunks_mut(t).take(grid.height - j0).enumerate() {
                    self.row_into((j0 + r) as i64 + dy, i0 as i64 + dx, &mut row[..w]);
                }
                cells
                    .iter()
                    .any(|v| !v.is_nan())
                    .then(|| cells.into_boxed_slice())
            })
            .collect();
        Surface {
            grid,
            tiles_x,
            tiles_y,
            tiles,
            ..self
        }
    }

    /// Whether tile `(tx, ty)` holds any value (false outside the grid).
    pub fn tile_filled(&self, tx: i64, ty: i64) -> bool {
        tx >= 0
            && ty >= 0
            && (tx as usize) < self.tiles_x
            && (ty as usize) < self.tiles_y
            && self.tiles[ty as usize * self.tiles_x + tx as usize].is_some()
    }

    /// Tile side in cells, and the number of tiles across and up.
    pub fn tiling(&self) -> (usize, usize, usize) {
        (self.tile, self.tiles_x, self.tiles_y)
    }

    /// Cells with a value.
    pub fn filled_cells(&self) -> usize {
        self.tiles
            .iter()
            .flatten()
            .map(|c| c.iter().filter(|v| !v.is_nan()).count())
            .sum()
    }
}

/// No node: that end of an item cannot be walked on from.
const CLOSED: u32 = u32::MAX;

/// The walks of one surface: metres from node `v` to the nearest source,
/// `None` when not reached.
pub type Walks<'a> = &'a (dyn Fn(u32) -> Option<f64> + Sync);

/// An edge (or a lone reached node) as the surfaces see it: a projected
/// polyline and the nodes the walk goes on through from each end.
#[derive(Debug, Clone, Copy, Default)]
struct Item {
    /// Range in the flat point list.
    start: u32,
    end: u32,
    /// Node walked on through from the first point, [`CLOSED`] when that
    /// way is closed (a lone node: the node itself, at both ends).
    first: u32,
    /// Node walked on through from the last point, likewise.
    last: u32,
    /// Metres along the network per projected metre.
    scale: f64,
}

/// The walk on from node `v` within `limit_m` (metres), infinite when
/// there is none.
#[inline]
fn walk_on(walks: Walks<'_>, v: u32, limit_m: f64) -> f64 {
    if v == CLOSED {
        return f64::INFINITY;
    }
    match walks(v) {
        Some(d) if d <= limit_m => d,
        _ => f64::INFINITY,
    }
}

/// The network reached by any of several surfaces, in local metres:
/// items, their points, and per surface the bounds (south-west,
/// north-east) of the points of the items it reaches (infinite when
/// none).
struct Reached {
    items: Vec<Item>,
    points: Vec<[f64; 2]>,
    bounds: Vec<[[f64; 2]; 2]>,
}

/// Grow `b` to hold `g`'s points.
fn extend_bounds(b: &mut [[f64; 2]; 2], g: &[[f64; 2]]) {
    for p in g {
        for k in 0..2 {
            b[0][k] = b[0][k].min(p[k]);
            b[1][k] = b[1][k].max(p[k]);
        }
    }
}

/// No point yet: bounds that any point grows.
const NO_BOUNDS: [[f64; 2]; 2] = [[f64::INFINITY; 2], [f64::NEG_INFINITY; 2]];

/// Edges and nodes taken a block at a time by [`reached_items`].
const BLOCK: usize = 1 << 14;

/// Edges with an end some surface reaches, projected; reached nodes no
/// edge may be walked towards, as one-point items. In parallel, a block
/// of edges or nodes at a time, in two passes: one counts each block's
/// items and points, the next writes them in place, so the items are
/// those of one pass in edge and node order and no block is copied.
fn reached_items(
    graph: &WalkGraph,
    proj: &LocalProjection,
    walks: &[Walks<'_>],
    limit_m: f64,
) -> Reached {
    let net = &graph.net;
    // Nodes some edge may be walked towards: a reached one is an end of
    // that edge's item, never a lone point.
    let mut towards = vec![false; net.node_count()];
    for edge in &net.edges {
        towards[edge.from as usize] |= edge.backward;
        towards[edge.to as usize] |= edge.forward;
    }
    let find = Candidates {
        graph,
        walks,
        limit_m,
        towards: &towards,
        edge_blocks: net.edges.len().div_ceil(BLOCK),
    };
    let blocks = find.edge_blocks + net.coords.len().div_ceil(BLOCK);
    let sizes: Vec<(usize, usize)> = (0..blocks)
        .into_par_iter()
        .map(|b| {
            let (mut items, mut points) = (0, 0);
            find.visit(b, &mut |_, _, g| {
                items += 1;
                points += g.len();
            });
            (items, points)
        })
        .collect();
    let mut items = vec![Item::default(); sizes.iter().map(|s| s.0).sum()];
    let mut points = vec![[0.0; 2]; sizes.iter().map(|s| s.1).sum()];
    let mut slices = Vec::with_capacity(blocks);
    let (mut item_rest, mut point_rest, mut base) = (&mut items[..], &mut points[..], 0);
    for &(n_items, n_points) in &sizes {
        let (is, ir) = std::mem::take(&mut item_rest).split_at_mut(n_items);
        let (ps, pr) = std::mem::take(&mut point_rest).split_at_mut(n_points);
        slices.push((is, ps, base));
        (item_rest, point_rest, base) = (ir, pr, base + n_points);
    }
    let block_bounds: Vec<Vec<[[f64; 2]; 2]>> = slices
        .into_par_iter()
        .enumerate()
        .map(|(b, (is, ps, base))| {
            let mut bounds = vec![NO_BOUNDS; walks.len()];
            let (mut ki, mut kp) = (0, 0);
            find.visit(b, &mut |mut item, on, geom| {
                let g = &mut ps[kp..kp + geom.len()];
                for (q, p) in g.iter_mut().zip(geom) {
                    *q = proj.project(*p);
                }
                item.start = (base + kp) as u32;
                kp += geom.len();
                item.end = (base + kp) as u32;
                is[ki] = placed(item, g, on, &mut bounds);
                ki += 1;
            });
            bounds
        })
        .collect();
    let mut bounds = vec![NO_BOUNDS; walks.len()];
    for part in &block_bounds {
        for (b, p) in bounds.iter_mut().zip(part) {
            for k in 0..2 {
                b[0][k] = b[0][k].min(p[0][k]);
                b[1][k] = b[1][k].max(p[1][k]);
            }
        }
    }
    Reached {
        items,
        points,
        bounds,
    }
}

/// `item` with its projected points `g`: its `scale` (coming in as its
/// network length) made metres along the network per projected metre,
/// and the bounds of the walks that reach it (`on`) grown to hold it.
fn placed(mut item: Item, g: &[[f64; 2]], on: &[bool], bounds: &mut [[[f64; 2]; 2]]) -> Item {
    let projected: f64 = g.windows(2).map(|w| crate::spatial::dist(w[0], w[1])).sum();
    item.scale = if projected > 0.0 {
        item.scale.max(0.0) / projected
    } else {
        1.0
    };
    for (b, _) in bounds.iter_mut().zip(on).filter(|(_, on)| **on) {
        extend_bounds(b, g);
    }
    item
}

/// Called by [`Candidates::visit`] with each reached item, which walks
/// reach it and its geometry (lon/lat).
type Visit<'f> = dyn FnMut(Item, &[bool], &[[f64; 2]]) + 'f;

/// What [`reached_items`] looks through: the network's edges, then its
/// nodes, in blocks of [`BLOCK`].
struct Candidates<'a> {
    graph: &'a WalkGraph,
    walks: &'a [Walks<'a>],
    limit_m: f64,
    towards: &'a [bool],
    edge_blocks: usize,
}

impl Candidates<'_> {
    /// Call `f(item, on, geometry)` for each item of block `b` that some
    /// walk reaches (`on`: which), in order, the geometry in lon/lat.
    fn visit(&self, b: usize, f: &mut Visit<'_>) {
        let net = &self.graph.net;
        let mut on = vec![false; self.walks.len()];
        if b < self.edge_blocks {
            for e in b * BLOCK..((b + 1) * BLOCK).min(net.edges.len()) {
                let edge = &net.edges[e];
                let first = if edge.backward { edge.from } else { CLOSED };
                let last = if edge.forward { edge.to } else { CLOSED };
                if self.reach([first, last], &mut on) {
                    // `scale` holds the network length until `placed`.
                    let item = Item {
                        first,
                        last,
                        scale: edge.length_m,
                        ..Item::default()
                    };
                    f(item, &on, net.edge_geom(e));
                }
            }
            return;
        }
        let b = b - self.edge_blocks;
        for v in b * BLOCK..((b + 1) * BLOCK).min(net.coords.len()) {
            let v32 = v as u32;
            if !self.towards[v] && self.reach([v32, v32], &mut on) {
                let item = Item {
                    first: v32,
                    last: v32,
                    scale: 1.0,
                    ..Item::default()
                };
                f(item, &on, std::slice::from_ref(&net.coords[v]));
            }
        }
    }

    /// Which walks reach one of `ends` within the limit (into `on`);
    /// whether any does.
    fn reach(&self, ends: [u32; 2], on: &mut [bool]) -> bool {
        for (o, w) in on.iter_mut().zip(self.walks) {
            *o = ends
                .iter()
                .any(|&v| walk_on(*w, v, self.limit_m).is_finite());
        }
        on.contains(&true)
    }
}

/// Where segment `a + t (b - a)`, `t` in [0, 1], is within `r` of `c`:
/// the range of `t`, or `None`.
#[inline]
fn disc_range(a: [f64; 2], b: [f64; 2], c: [f64; 2], r: f64) -> Option<(f64, f64)> {
    let d = [b[0] - a[0], b[1] - a[1]];
    let f = [a[0] - c[0], a[1] - c[1]];
    let aa = d[0] * d[0] + d[1] * d[1];
    let cc = f[0] * f[0] + f[1] * f[1] - r * r;
    if aa == 0.0 {
        return (cc <= 0.0).then_some((0.0, 1.0));
    }
    let bb = f[0] * d[0] + f[1] * d[1];
    let disc = bb * bb - aa * cc;
    if disc < 0.0 {
        return None;
    }
    let sq = disc.sqrt();
    let t0 = (-bb - sq) / aa;
    let t1 = (-bb + sq) / aa;
    (t1 >= 0.0 && t0 <= 1.0).then(|| (t0.max(0.0), t1.min(1.0)))
}

/// Least walk (metres) to a source from the points of `item` within `r`
/// of `c`, along it and on from its end. Infinite when the item does not
/// come within `r`. The definition [`fill_tile`] computes faster.
#[cfg(test)]
fn item_value(item: &Item, pts: &[[f64; 2]], ends: (f64, f64), c: [f64; 2], r: f64) -> f64 {
    let (d_first, d_last) = ends;
    let g = &pts[item.start as usize..item.end as usize];
    if g.len() == 1 {
        let d = crate::spatial::dist(g[0], c);
        return if d <= r { d_first + d } else { f64::INFINITY };
    }
    let mut best = f64::INFINITY;
    if d_first.is_finite() {
        let mut acc = 0.0;
        for w in g.windows(2) {
            let len = crate::spatial::dist(w[0], w[1]);
            if let Some((t, _)) = disc_range(w[0], w[1], c, r) {
                best = d_first + (acc + t * len) * item.scale;
                break;
            }
            acc += len;
        }
    }
    if d_last.is_finite() {
        let mut acc = 0.0;
        for w in g.windows(2).rev() {
            let len = crate::spatial::dist(w[0], w[1]);
            if let Some((_, t)) = disc_range(w[0], w[1], c, r) {
                best = best.min(d_last + (acc + (1.0 - t) * len) * item.scale);
                break;
            }
            acc += len;
        }
    }
    best
}

/// The x range of the points of row `y` within `r` of segment `a`-`b`.
fn stadium_row(a: [f64; 2], b: [f64; 2], r: f64, y: f64) -> Option<(f64, f64)> {
    let mut lo = f64::INFINITY;
    let mut hi = f64::NEG_INFINITY;
    for p in [a, b] {
        let dy = y - p[1];
        if dy.abs() <= r {
            let h = (r * r - dy * dy).sqrt();
            lo = lo.min(p[0] - h);
            hi = hi.max(p[0] + h);
        }
    }
    // The band of half-width r around the segment's line, between the
    // perpendiculars at its ends.
    let d = [b[0] - a[0], b[1] - a[1]];
    let len = (d[0] * d[0] + d[1] * d[1]).sqrt();
    if len > 0.0 && d[0] != 0.0 {
        // Points (x, y) with |cross((x,y) - a, d)| <= r len and the
        // projection on d within [0, len^2]: intervals in x.
        let n = r * len;
        let cy = y - a[1];
        // cross = (x - ax) dy_ - cy dx_ ... solve for x in each constraint.
        let (dx, dyy) = (d[0], d[1]);
        let mut xl = f64::NEG_INFINITY;
        let mut xh = f64::INFINITY;
        // |(x - ax) * dyy - cy * dx| <= n
        if dyy != 0.0 {
            let x1 = (cy * dx - n) / dyy;
            let x2 = (cy * dx + n) / dyy;
            xl = xl.max(x1.min(x2));
            xh = xh.min(x1.max(x2));
        } else if (cy * dx).abs() > n {
            return finish(lo, hi);
        }
        // 0 <= (x - ax) dx + cy dyy <= len^2
        let x1 = (-cy * dyy) / dx;
        let x2 = (len * len - cy * dyy) / dx;
        xl = xl.max(x1.min(x2));
        xh = xh.min(x1.max(x2));
        if xl <= xh {
            lo = lo.min(a[0] + xl);
            hi = hi.max(a[0] + xh);
        }
    } else if len > 0.0 {
        // Vertical segment.
        let (y0, y1) = (a[1].min(b[1]), a[1].max(b[1]));
        if y >= y0 && y <= y1 {
            lo = lo.min(a[0] - r);
            hi = hi.max(a[0] + r);
        }
    }
    finish(lo, hi)
}

fn finish(lo: f64, hi: f64) -> Option<(f64, f64)> {
    (lo <= hi).then_some((lo, hi))
}

/// Fill the surface of the walks `dist(v)` (metres from node `v` to the
/// nearest source, `None` when not reached) on `graph`. `None` when nothing
/// is reached within the limit.
pub fn fill(
    graph: &WalkGraph,
    proj: &LocalProjection,
    dist: Walks<'_>,
    s: &SurfaceSettings,
) -> Option<Surface> {
    fill_tiled(graph, proj, dist, s, TILE)
}

/// [`fill`] for several walks at once: each surface is exactly the one
/// [`fill`] gives for its walks (same grid, same values, bit for bit,
/// when the cell is a whole number of metres or a half: the cell centres
/// are then exact on any grid), but each cell is measured against each
/// street segment once for all of them, not once each.
pub fn fill_many(
    graph: &WalkGraph,
    proj: &LocalProjection,
    walks: &[Walks<'_>],
    s: &SurfaceSettings,
) -> Vec<Option<Surface>> {
    fill_tiled_many(graph, proj, walks, s, TILE)
}

/// [`fill`] with tiles of `tile` cells a side (tests vary it).
pub(crate) fn fill_tiled(
    graph: &WalkGraph,
    proj: &LocalProjection,
    dist: Walks<'_>,
    s: &SurfaceSettings,
    tile: usize,
) -> Option<Surface> {
    fill_tiled_many(graph, proj, &[dist], s, tile)
        .pop()
        .flatten()
}

/// The grid around points within `bounds`: aligned on multiples of the
/// cell in the projection, one empty cell beyond the radius `r` on every
/// side.
fn grid_around(bounds: &[[f64; 2]; 2], r: f64, c: f64) -> Grid {
    let [min, max] = bounds;
    let o = [
        ((min[0] - r) / c).floor() * c - c,
        ((min[1] - r) / c).floor() * c - c,
    ];
    let width = (((max[0] + r - o[0]) / c).ceil() as usize + 1).max(1);
    let height = (((max[1] + r - o[1]) / c).ceil() as usize + 1).max(1);
    Grid {
        origin: o,
        cell_m: c,
        width,
        height,
    }
}

/// (tile, item) pairs for every tile an item's radius touches, sorted by
/// tile.
fn tile_pairs(grid: &Grid, tile: usize, reached: &Reached, r: f64) -> Vec<(u32, u32)> {
    let (o, c) = (grid.origin, grid.cell_m);
    let (width, height) = (grid.width, grid.height);
    let tiles_x = width.div_ceil(tile);
    // Cells whose centre lies in [lo, hi] along an axis.
    let cells = |lo: f64, hi: f64, k: usize, n: usize| -> (usize, usize) {
        let a = ((lo - o[k]) / c - 0.5).ceil().max(0.0) as usize;
        let b = (((hi - o[k]) / c - 0.5).floor().max(-1.0) + 1.0) as usize;
        (a.min(n), b.min(n))
    };
    let pts = &reached.points;
    let mut pairs: Vec<(u32, u32)> = reached
        .items
        .par_iter()
        .enumerate()
        .flat_map_iter(|(k, it)| {
            let mut b = [[f64::INFINITY; 2], [f64::NEG_INFINITY; 2]];
            extend_bounds(&mut b, &pts[it.start as usize..it.end as usize]);
            let (i0, i1) = cells(b[0][0] - r, b[1][0] + r, 0, width);
            let (j0, j1) = cells(b[0][1] - r, b[1][1] + r, 1, height);
            let (tx0, tx1) = (i0 / tile, i1.saturating_sub(1) / tile);
            let (ty0, ty1) = (j0 / tile, j1.saturating_sub(1) / tile);
            let empty = i0 >= i1 || j0 >= j1;
            (ty0..=ty1)
                .flat_map(move |ty| (tx0..=tx1).map(move |tx| ty * tiles_x + tx))
                .filter(move |_| !empty)
                .map(move |t| (t as u32, k as u32))
        })
        .collect();
    pairs.par_sort_unstable();
    pairs
}

/// [`fill_many`] with tiles of `tile` cells a side. The tiles are filled
/// on one grid around everything reached, then each surface is cut to
/// the grid around what its own walks reach.
pub(crate) fn fill_tiled_many(
    graph: &WalkGraph,
    proj: &LocalProjection,
    walks: &[Walks<'_>],
    s: &SurfaceSettings,
    tile: usize,
) -> Vec<Option<Surface>> {
    let r = s.radius_m.max(0.0);
    let c = s.cell_m;
    let none = || (0..walks.len()).map(|_| None).collect();
    if c.is_nan() || c <= 0.0 || s.limit_m.is_nan() || s.limit_m < 0.0 {
        return none();
    }
    let reached = reached_items(graph, proj, walks, s.limit_m);
    if reached.items.is_empty() {
        return none();
    }
    let mut all = [[f64::INFINITY; 2], [f64::NEG_INFINITY; 2]];
    for b in &reached.bounds {
        for k in 0..2 {
            all[0][k] = all[0][k].min(b[0][k]);
            all[1][k] = all[1][k].max(b[1][k]);
        }
    }
    let grid = grid_around(&all, r, c);
    let tile = tile.max(1);
    let (tiles_x, tiles_y) = (grid.width.div_ceil(tile), grid.height.div_ceil(tile));
    let pairs = tile_pairs(&grid, tile, &reached, r);
    let mut runs: Vec<(u32, usize, usize)> = Vec::new();
    let mut at = 0;
    while at < pairs.len() {
        let t = pairs[at].0;
        let end = at + pairs[at..].partition_point(|p| p.0 == t);
        runs.push((t, at, end));
        at = end;
    }
    let limit_min = s.limit_m / s.metres_per_minute;
    let filled: Vec<(u32, Vec<Tile>)> = runs
        .par_iter()
        .map(|&(t, a, b)| {
            let (tx, ty) = (t as usize % tiles_x, t as usize / tiles_x);
            let cells = fill_tile(&grid, tile, (tx, ty), &pairs[a..b], &reached, walks, s);
            let nw = walks.len();
            let per_walk = (0..nw)
                .map(|k| in_minutes(cells[k..].iter().step_by(nw).copied(), s))
                .collect();
            (t, per_walk)
        })
        .collect();
    let mut tiles: Vec<Vec<Tile>> = vec![vec![None; tiles_x * tiles_y]; walks.len()];
    for (t, per_walk) in filled {
        for (k, cells) in per_walk.into_iter().enumerate() {
            tiles[k][t as usize] = cells;
        }
    }
    tiles
        .into_iter()
        .zip(&reached.bounds)
        .map(|(tiles, bounds)| {
            if bounds[0][0] > bounds[1][0] {
                return None;
            }
            let whole = Surface {
                grid,
                proj: *proj,
                limit_minutes: limit_min,
                tiles_x,
                tiles_y,
                tile,
                tiles,
            };
            Some(whole.window(grid_around(bounds, r, c)))
        })
        .collect()
}

/// A tile's walks (metres) as minutes, `NaN` beyond the limit; `None`
/// when no cell is within it.
fn in_minutes(cells: impl Iterator<Item = f64>, s: &SurfaceSettings) -> Tile {
    let mut any = false;
    let out: Box<[f32]> = cells
        .map(|v| {
            if v <= s.limit_m {
                any = true;
                (v / s.metres_per_minute) as f32
            } else {
                f32::NAN
            }
        })
        .collect();
    any.then_some(out)
}

/// The walks (metres, infinite when none) of the cells of tile `at` for
/// each of `walks` (cell by cell, the walks of a cell side by side, so
/// that lowering a cell for every walk touches one cache line) from the items
/// of `pairs`, segment by segment: a cell takes, from each segment within
/// `r` of it, the first point of the segment within `r` walked on through
/// the first end and the last one walked on through the last end. Values
/// grow along an item in each direction, so the least over its segments
/// is the first (last) point of the whole item within `r`: the value
/// [`item_value`] gives, at a cost per cell of one segment instead of all
/// of them. Where a segment meets a cell is worked out once for all the
/// walks.
fn fill_tile(
    grid: &Grid,
    tile: usize,
    at: (usize, usize),
    pairs: &[(u32, u32)],
    reached: &Reached,
    walks: &[Walks<'_>],
    s: &SurfaceSettings,
) -> Vec<f64> {
    let n = tile * tile;
    let r = s.radius_m.max(0.0);
    let nw = walks.len();
    let mut cells = vec![f64::INFINITY; n * nw];
    let window = TileWindow::new(grid, tile, at.0, at.1);
    let mut back = Vec::new();
    // Per walk: the walks on from the item's first and last points
    // (infinite when it does not reach them).
    let mut first = vec![f64::INFINITY; nw];
    let mut last = vec![f64::INFINITY; nw];
    for &(_, idx) in pairs {
        let it = &reached.items[idx as usize];
        for (k, w) in walks.iter().enumerate() {
            first[k] = walk_on(*w, it.first, s.limit_m);
            last[k] = walk_on(*w, it.last, s.limit_m);
        }
        if first.iter().chain(&last).all(|d| d.is_infinite()) {
            continue;
        }
        let g = &reached.points[it.start as usize..it.end as usize];
        if g.len() == 1 {
            window.stamp(g[0], g[0], r, |cell, c| {
                let d = crate::spatial::dist(g[0], c);
                if d <= r {
                    // Only the first end counts for a single point.
                    lower(&mut cells[cell * nw..(cell + 1) * nw], &first, d, &first, d);
                }
            });
            continue;
        }
        suffix_lengths(g, &mut back);
        let mut acc = 0.0;
        for (k, w) in g.windows(2).enumerate() {
            let len = crate::spatial::dist(w[0], w[1]);
            let ahead = back[k];
            window.stamp(w[0], w[1], r, |cell, c| {
                let Some((t0, t1)) = disc_range(w[0], w[1], c, r) else {
                    return;
                };
                let on_first = (acc + t0 * len) * it.scale;
                let on_last = (ahead + (1.0 - t1) * len) * it.scale;
                let of_cell = &mut cells[cell * nw..(cell + 1) * nw];
                lower(of_cell, &first, on_first, &last, on_last);
            });
            acc += len;
        }
    }
    cells
}

/// Lower each walk's value of one cell (`of_cell`, the walks side by side)
/// to the walk on through the item's first end (`first`, then `on_first`
/// along the item) or its last end, whichever is less. An end a walk does
/// not reach is infinite, and so is what it offers: no test needed, so
/// the loop runs over all the walks at once (vectorised).
#[inline]
fn lower(of_cell: &mut [f64], first: &[f64], on_first: f64, last: &[f64], on_last: f64) {
    for ((slot, &f), &l) in of_cell.iter_mut().zip(first).zip(last) {
        let v = (f + on_first).min(l + on_last);
        if v < *slot {
            *slot = v;
        }
    }
}

/// `out[s]`: the length of the segments after segment `s` of `g`, summed
/// from the last one back (the order [`item_value`] sums in).
fn suffix_lengths(g: &[[f64; 2]], out: &mut Vec<f64>) {
    let n = g.len() - 1;
    out.clear();
    out.resize(n, 0.0);
    let mut acc = 0.0;
    for s in (0..n).rev() {
        out[s] = acc;
        acc += crate::spatial::dist(g[s], g[s + 1]);
    }
}

/// The cells of one tile, in grid indices.
struct TileWindow<'a> {
    grid: &'a Grid,
    tile: usize,
    i0: usize,
    j0: usize,
    i_end: usize,
    j_end: usize,
}

impl<'a> TileWindow<'a> {
    fn new(grid: &'a Grid, tile: usize, tx: usize, ty: usize) -> Self {
        let (i0, j0) = (tx * tile, ty * tile);
        TileWindow {
            grid,
            tile,
            i0,
            j0,
            i_end: (i0 + tile).min(grid.width),
            j_end: (j0 + tile).min(grid.height),
        }
    }

    /// Call `visit(cell, centre)` for the cells of this tile whose
    /// centres lie within `r` of segment `a`-`b` (slightly more: the
    /// caller makes the exact test), `cell` indexing the tile's cells.
    fn stamp(&self, a: [f64; 2], b: [f64; 2], r: f64, mut visit: impl FnMut(usize, [f64; 2])) {
        let grid = self.grid;
        let c = grid.cell_m;
        // A margin far below a cell and far above rounding, so that no cell
        // the exact test accepts is left out.
        let eps = 1e-6 * (1.0 + r);
        let ylo = a[1].min(b[1]) - r - eps;
        let yhi = a[1].max(b[1]) + r + eps;
        let ja = (((ylo - grid.origin[1]) / c - 0.5)
            .ceil()
            .max(self.j0 as f64)) as usize;
        let jb = ((yhi - grid.origin[1]) / c - 0.5).floor();
        if jb < self.j0 as f64 {
            return;
        }
        let jb = (jb as usize + 1).min(self.j_end);
        for j in ja..jb {
            let y = grid.origin[1] + (j as f64 + 0.5) * c;
            let Some((lo, hi)) = stadium_row(a, b, r + eps, y) else {
                continue;
            };
            let ia = (((lo - grid.origin[0]) / c - 0.5).ceil().max(self.i0 as f64)) as usize;
            let ib = ((hi - grid.origin[0]) / c - 0.5).floor();
            if ib < self.i0 as f64 {
                continue;
            }
            let ib = (ib as usize + 1).min(self.i_end);
            let row = (j - self.j0) * self.tile;
            for i in ia..ib {
                visit(
                    row + (i - self.i0),
                    [grid.origin[0] + (i as f64 + 0.5) * c, y],
                );
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::graph::Network;
    use crate::graph::build::{Edge, polyline_length_m};
    use crate::testing::Rng;

    /// Edges of 2 to 12 points wandering between random nodes, some one
    /// way, some reached only at one end.
    fn wiggly(seed: u64) -> (WalkGraph, LocalProjection, Vec<Option<f64>>) {
        let proj = LocalProjection::new(116.37, 39.91);
        let mut rng = Rng::new(seed);
        let n = 30;
        let xy: Vec<[f64; 2]> = (0..n)
            .map(|_| [rng.uniform(0.0, 600.0), rng.uniform(0.0, 600.0)])
            .collect();
        let mut net = Network {
            osm_ids: vec![0; n],
            coords: xy.iter().map(|p| proj.unproject(*p)).collect(),
            ..Default::default()
        };
        for _ in 0..60 {
            let (from, to) = (rng.below(n) as u32, rng.below(n) as u32);
            let (a, b) = (xy[from as usize], xy[to as usize]);
            let inner = rng.below(11);
            let geom_start = net.geom.len() as u32;
            net.geom.push(net.coords[from as usize]);
            for k in 1..=inner {
                let t = k as f64 / (inner + 1) as f64;
                let p = [
                    a[0] + t * (b[0] - a[0]) + rng.uniform(-40.0, 40.0),
                    a[1] + t * (b[1] - a[1]) + rng.uniform(-40.0, 40.0),
                ];
                net.geom.push(proj.unproject(p));
            }
            net.geom.push(net.coords[to as usize]);
            let geom_end = net.geom.len() as u32;
            let one_way = rng.chance(0.2);
            net.edges.push(Edge {
                from,
                to,
                length_m: polyline_length_m(&net.geom[geom_start as usize..geom_end as usize]),
                way_id: 0,
                forward: true,
                backward: !one_way,
                geom_start,
                geom_end,
            });
        }
        let dist = (0..n)
            .map(|_| (!rng.chance(0.3)).then(|| rng.uniform(0.0, 900.0)))
            .collect();
        (WalkGraph::new(net), proj, dist)
    }

    #[test]
    fn per_segment_fill_equals_the_per_item_definition_bit_for_bit() {
        for seed in 1..=12 {
            let (g, proj, dist) = wiggly(seed);
            let s = SurfaceSettings {
                limit_m: 1000.0,
                radius_m: 35.0,
                cell_m: 7.0,
                metres_per_minute: 80.0,
            };
            let d = |v: u32| dist[v as usize];
            let sf = fill_tiled(&g, &proj, &d, &s, 16).unwrap();
            let reached = reached_items(&g, &proj, &[&d], s.limit_m);
            let mut checked = 0;
            for j in 0..sf.grid.height as i64 {
                for i in 0..sf.grid.width as i64 {
                    let c = sf.grid.centre(i, j);
                    let best = reached
                        .items
                        .iter()
                        .map(|it| {
                            let ends = (
                                walk_on(&d, it.first, s.limit_m),
                                walk_on(&d, it.last, s.limit_m),
                            );
                            item_value(it, &reached.points, ends, c, s.radius_m)
                        })
                        .fold(f64::INFINITY, f64::min);
                    let want = if best <= s.limit_m {
                        (best / s.metres_per_minute) as f32
                    } else {
                        f32::NAN
                    };
                    let got = sf.get(i, j);
                    assert!(
                        got.to_bits() == want.to_bits() || (got.is_nan() && want.is_nan()),
                        "seed {seed}, cell ({i}, {j}): {got} != {want}"
                    );
                    checked += usize::from(!want.is_nan());
                }
            }
            assert!(checked > 1000, "seed {seed}: only {checked} cells reached");
        }
    }

    /// Every cell and every tile's presence of `a` and `b`, bit for bit.
    fn assert_same(a: &Surface, b: &Surface, what: &str) {
        assert_eq!(a.grid, b.grid, "{what}: grid");
        assert_eq!(a.tiling(), b.tiling(), "{what}: tiling");
        for j in -1..=a.grid.height as i64 {
            for i in -1..=a.grid.width as i64 {
                let (u, v) = (a.get(i, j), b.get(i, j));
                assert!(
                    u.to_bits() == v.to_bits(),
                    "{what}: cell ({i}, {j}): {u} != {v}"
                );
            }
        }
        let (_, tx, ty) = a.tiling();
        for y in 0..ty as i64 {
            for x in 0..tx as i64 {
                assert_eq!(
                    a.tile_filled(x, y),
                    b.tile_filled(x, y),
                    "{what}: tile {x},{y}"
                );
            }
        }
    }

    #[test]
    fn surfaces_filled_together_equal_those_filled_one_by_one() {
        for seed in 1..=6 {
            let (g, proj, first) = wiggly(seed);
            let mut rng = Rng::new(seed + 100);
            // Walks reaching different parts: some all, some a corner, one
            // nothing at all.
            let mut walks: Vec<Vec<Option<f64>>> = vec![first];
            for k in 0..4 {
                let share = [0.9, 0.4, 0.1, 0.0][k];
                walks.push(
                    (0..g.node_count())
                        .map(|_| rng.chance(share).then(|| rng.uniform(0.0, 900.0)))
                        .collect(),
                );
            }
            let fns: Vec<_> = walks.iter().map(|w| move |v: u32| w[v as usize]).collect();
            let dyns: Vec<Walks<'_>> = fns.iter().map(|f| f as Walks<'_>).collect();
            for (tile, cell) in [(5, 7.0), (16, 7.5), (64, 20.0)] {
                let s = SurfaceSettings {
                    limit_m: 800.0,
                    radius_m: 35.0,
                    cell_m: cell,
                    metres_per_minute: 80.0,
                };
                let together = fill_tiled_many(&g, &proj, &dyns, &s, tile);
                assert_eq!(together.len(), dyns.len());
                for (k, (t, w)) in together.iter().zip(&dyns).enumerate() {
                    let alone = fill_tiled(&g, &proj, *w, &s, tile);
                    let what = format!("seed {seed}, tile {tile}, walk {k}");
                    match (t, &alone) {
                        (Some(t), Some(a)) => assert_same(t, a, &what),
                        (None, None) => assert!(k > 0, "{what}: the first walk reaches"),
                        _ => panic!("{what}: one surface is missing"),
                    }
                }
            }
        }
    }

    #[test]
    fn a_row_read_at_once_equals_cell_by_cell() {
        let (g, proj, dist) = wiggly(3);
        let s = SurfaceSettings {
            limit_m: 700.0,
            radius_m: 30.0,
            cell_m: 9.0,
            metres_per_minute: 80.0,
        };
        for tile in [5, 16, 64] {
            let sf = fill_tiled(&g, &proj, &|v| dist[v as usize], &s, tile).unwrap();
            let (w, h) = (sf.grid.width as i64, sf.grid.height as i64);
            for j in -2..h + 2 {
                for (i0, n) in [(-3, 7), (0, w as usize), (-1, w as usize + 2), (w - 4, 9)] {
                    let mut row = vec![0.0; n];
                    sf.row_into(j, i0, &mut row);
                    for (k, v) in row.iter().enumerate() {
                        let want = sf.get(i0 + k as i64, j);
                        assert!(v.to_bits() == want.to_bits(), "tile {tile} ({i0}+{k}, {j})");
                    }
                }
            }
        }
    }
}
