//! Walking bands: the areas of a travel-time surface ([`super::surface`])
//! within 5, 10, 15 ... minutes, as polygons with holes, traced by marching
//! squares over the whole grid at once (no seams: a tile boundary is not a
//! boundary of anything traced).
//!
//! Samples are the cell centres; a sample is inside band `b` when its
//! value is at most `b` (nodata is outside). Each square of four samples
//! emits the boundary segments of its corners' pattern, oriented with the
//! inside on the left, between crossing points on its sides: placed by
//! linear interpolation of the minutes (kept 1 % of a cell away from the
//! samples), or half-way when the outside sample is nodata. A saddle joins
//! the inside corners when the mean of the four values is inside. Every
//! crossing point lies on one side of one square and is shared by exactly
//! the two segments of the squares on either side, so the segments link
//! into closed rings that never cross or touch: counter-clockwise rings
//! (in metres, x east, y north) are exteriors and clockwise rings holes,
//! as RFC 7946 asks. Each hole belongs to the exterior found by walking
//! west along a row of samples from its westernmost crossing: the first
//! ring met is that exterior or another hole of the same polygon (whose
//! own westernmost crossing lies farther west). Squares are scanned in
//! parallel strips (rayon) and the rings are numbered by their smallest
//! crossing, so the output is the same for any thread count.
//!
//! The bands nest: a sample inside band `b` is inside every larger band.

use geo::{Coord, LineString, MultiPolygon, Polygon};
use rayon::prelude::*;

use super::surface::Surface;

/// A crossing point: which side of which square, as an id. With `W` the
/// grid's width, sample `(i, j)` of the grid padded by one sample of
/// nodata on every side is `(I, J) = (i + 1, j + 1)`; the side from it to
/// the east is `2 (J (W + 2) + I)`, the side to the north that plus 1.
type EdgeId = u64;

/// Whether a value is inside band `b`.
#[inline]
fn inside(v: f32, b: f32) -> bool {
    v <= b
}

/// Fraction of the way from the inside sample `vin` to the outside one
/// `vout` where the band's boundary crosses.
#[inline]
fn crossing(vin: f32, vout: f32, b: f32) -> f64 {
    if vout.is_nan() {
        return 0.5;
    }
    let t = f64::from(b - vin) / f64::from(vout - vin);
    if t.is_nan() { 0.5 } else { t.clamp(0.01, 0.99) }
}

struct Tracer<'a> {
    s: &'a Surface,
    stride: u64,
    /// The least and the greatest band.
    narrowest: f32,
    widest: f32,
}

impl Tracer<'_> {
    #[inline]
    fn id(&self, i: i64, j: i64, north: bool) -> EdgeId {
        2 * ((j + 1) as u64 * self.stride + (i + 1) as u64) + u64::from(north)
    }

    /// The crossing point of side `id`, local metres.
    fn point(&self, id: EdgeId, b: f32) -> [f64; 2] {
        let north = id & 1 == 1;
        let k = id / 2;
        let i = (k % self.stride) as i64 - 1;
        let j = (k / self.stride) as i64 - 1;
        let (i2, j2) = if north { (i, j + 1) } else { (i + 1, j) };
        let (va, vb) = (self.s.get(i, j), self.s.get(i2, j2));
        let t = if inside(va, b) {
            crossing(va, vb, b)
        } else {
            1.0 - crossing(vb, va, b)
        };
        let a = self.s.grid.centre(i, j);
        let c = self.s.grid.cell_m;
        if north {
            [a[0], a[1] + t * c]
        } else {
            [a[0] + t * c, a[1]]
        }
    }

    /// Segments (from side, to side) of the squares whose south-west
    /// sample is in row `j`, columns `i0..i1`, for each band.
    /// `rows` holds rows `j` and `j + 1`, columns `i0..=i1` (see
    /// [`Surface::row_into`]).
    fn squares(
        &self,
        (j, i0, i1): (i64, i64, i64),
        rows: [&[f32]; 2],
        bands: &[f32],
        out: &mut [Vec<(EdgeId, EdgeId)>],
    ) {
        for i in i0..i1 {
            let k = (i - i0) as usize;
            let v = [rows[0][k], rows[0][k + 1], rows[1][k + 1], rows[1][k]];
            // Inside every band or outside every band (nodata is outside;
            // `min`/`max` skip NaN): no boundary crosses this square.
            let lo = v.iter().fold(f32::INFINITY, |a, &x| a.min(x));
            let hi = v.iter().fold(f32::NEG_INFINITY, |a, &x| a.max(x));
            if lo > self.widest || (hi <= self.narrowest && !v.iter().any(|x| x.is_nan())) {
                continue;
            }
            // Sides counter-clockwise: south, east, north, west.
            let sides = [
                self.id(i, j, false),
                self.id(i + 1, j, true),
                self.id(i, j + 1, false),
                self.id(i, j, true),
            ];
            for (bi, &b) in bands.iter().enumerate() {
                let ins = v.map(|x| inside(x, b));
                let n_in = ins.iter().filter(|x| **x).count();
                if n_in == 0 || n_in == 4 {
                    continue;
                }
                let saddle = ins[0] == ins[2] && ins[1] == ins[3];
                let joined = saddle && {
                    let m = v.iter().map(|x| f64::from(*x)).sum::<f64>() / 4.0;
                    !m.is_nan() && m <= f64::from(b)
                };
                for k in 0..4 {
                    // Leaving the inside across side k, counter-clockwise.
                    if ins[k] && !ins[(k + 1) % 4] {
                        let to = if !saddle {
                            (1..4)
                                .map(|d| (k + d) % 4)
                                .find(|&m| ins[m] != ins[(m + 1) % 4])
                                .expect("two crossings")
                        } else if joined {
                            (k + 1) % 4
                        } else {
                            (k + 3) % 4
                        };
                        out[bi].push((sides[k], sides[to]));
                    }
                }
            }
        }
    }
}

/// For each band (minutes, ascending or not), the area of `surface` within
/// it: valid polygons in lon/lat, exteriors counter-clockwise, holes
/// clockwise.
pub fn trace(surface: &Surface, bands: &[f64]) -> Vec<MultiPolygon<f64>> {
    let b32: Vec<f32> = bands.iter().map(|&b| b as f32).collect();
    let tr = Tracer {
        s: surface,
        stride: surface.grid.width as u64 + 2,
        narrowest: b32.iter().fold(f32::INFINITY, |a, &b| a.min(b)),
        widest: b32.iter().fold(f32::NEG_INFINITY, |a, &b| a.max(b)),
    };
    let (tile, tiles_x, tiles_y) = surface.tiling();
    let (w, h) = (surface.grid.width as i64, surface.grid.height as i64);
    // Strips of `tile` rows of squares, south-west samples j in
    // [ty tile - 1, (ty + 1) tile - 1); a block of squares is skipped when
    // the four tiles its corners come from are empty.
    let strips: Vec<Vec<Vec<(EdgeId, EdgeId)>>> = (0..=tiles_y as i64)
        .into_par_iter()
        .map(|ty| {
            let mut out = vec![Vec::new(); bands.len()];
            let t = tile as i64;
            let (j0, j1) = ((ty * t - 1).max(-1), ((ty + 1) * t - 1).min(h));
            for tx in 0..=tiles_x as i64 {
                let any = [(tx - 1, ty - 1), (tx, ty - 1), (tx - 1, ty), (tx, ty)]
                    .iter()
                    .any(|&(a, b)| surface.tile_filled(a, b));
                if !any {
                    continue;
                }
                let (i0, i1) = ((tx * t - 1).max(-1), ((tx + 1) * t - 1).min(w));
                if i1 <= i0 || j1 <= j0 {
                    continue;
                }
                let n = (i1 - i0 + 1) as usize;
                let (mut below, mut above) = (vec![f32::NAN; n], vec![f32::NAN; n]);
                surface.row_into(j0, i0, &mut above);
                for j in j0..j1 {
                    std::mem::swap(&mut below, &mut above);
                    surface.row_into(j + 1, i0, &mut above);
                    tr.squares((j, i0, i1), [&below, &above], &b32, &mut out);
                }
            }
            out
        })
        .collect();
    (0..bands.len())
        .into_par_iter()
        .map(|bi| {
            let segs: Vec<(EdgeId, EdgeId)> =
                strips.iter().flat_map(|s| s[bi].iter().copied()).collect();
            polygons(&tr, segs, b32[bi])
        })
        .collect()
}

/// Rings are simplified (Ramer-Douglas-Peucker) to this many cells: the
/// crossing points of a straight outline scatter by up to half a cell
/// around it, so most of them say nothing. A tenth of a cell keeps the
/// outline within the accuracy stated and, on the bundles, removes about
/// half of the points.
const SIMPLIFY_CELLS: f64 = 0.1;

/// Squared distance from `p` to segment `a`-`b`.
fn seg_dist2(a: [f64; 2], b: [f64; 2], p: [f64; 2]) -> f64 {
    let d = [b[0] - a[0], b[1] - a[1]];
    let l2 = d[0] * d[0] + d[1] * d[1];
    let t = if l2 > 0.0 {
        (((p[0] - a[0]) * d[0] + (p[1] - a[1]) * d[1]) / l2).clamp(0.0, 1.0)
    } else {
        0.0
    };
    let q = [a[0] + t * d[0] - p[0], a[1] + t * d[1] - p[1]];
    q[0] * q[0] + q[1] * q[1]
}

/// A closed ring (first point not repeated) simplified to within `eps`:
/// split at its first point and the point farthest from it, each half
/// simplified by Ramer-Douglas-Peucker. Rings of 8 points or fewer are
/// kept as they are.
fn simplify_ring(r: &[[f64; 2]], eps: f64) -> Vec<[f64; 2]> {
    let n = r.len();
    if n <= 8 || eps <= 0.0 {
        return r.to_vec();
    }
    let d2 = |k: usize| {
        let (dx, dy) = (r[k][0] - r[0][0], r[k][1] - r[0][1]);
        dx * dx + dy * dy
    };
    let far = (1..n)
        .max_by(|&a, &b| d2(a).total_cmp(&d2(b)))
        .unwrap_or(n / 2);
    let mut keep = vec![false; n + 1];
    keep[0] = true;
    keep[far] = true;
    keep[n] = true;
    let at = |k: usize| r[k % n];
    let mut stack = vec![(0, far), (far, n)];
    while let Some((i, j)) = stack.pop() {
        let (mut best, mut bd) = (0, eps * eps);
        for k in i + 1..j {
            let d = seg_dist2(at(i), at(j), at(k));
            if d > bd {
                best = k;
                bd = d;
            }
        }
        if best > 0 {
            keep[best] = true;
            stack.push((i, best));
            stack.push((best, j));
        }
    }
    let out: Vec<[f64; 2]> = (0..n).filter(|&k| keep[k]).map(|k| r[k]).collect();
    if out.len() < 4 { r.to_vec() } else { out }
}

/// Sort `items` by `row` then `within` a row: counted into rows (one pass,
/// no comparisons across rows), then each row sorted on its own. The
/// grid's rows are few next to its crossings, so this is far cheaper than
/// sorting them all by comparison; the order is the same for keys with no
/// ties (side ids, crossings of distinct sides).
fn sort_by_rows<T: Copy>(
    items: &mut Vec<T>,
    row: impl Fn(&T) -> usize,
    within: impl Fn(&T, &T) -> std::cmp::Ordering,
) {
    let Some(n_rows) = items.iter().map(&row).max().map(|r| r + 1) else {
        return;
    };
    let mut start = vec![0usize; n_rows + 1];
    for it in items.iter() {
        start[row(it) + 1] += 1;
    }
    for r in 0..n_rows {
        start[r + 1] += start[r];
    }
    let mut at = start.clone();
    // Every slot is overwritten: the rows' runs tile 0..len.
    let mut sorted: Vec<T> = items.clone();
    for it in items.iter() {
        let r = row(it);
        sorted[at[r]] = *it;
        at[r] += 1;
    }
    for r in 0..n_rows {
        sorted[start[r]..start[r + 1]].sort_unstable_by(&within);
    }
    *items = sorted;
}

/// No segment starts where this one ends.
const NO_NEXT: u32 = u32::MAX;

/// For each segment of `segs` (sorted, each side starting one segment at
/// most), the index of the segment starting at the side it ends on, or
/// [`NO_NEXT`]: the segments' ends sorted and merged with their starts,
/// one pass each instead of a binary search per segment.
fn successors(segs: &[(EdgeId, EdgeId)], row: impl Fn(EdgeId) -> usize) -> Vec<u32> {
    let mut ends: Vec<(EdgeId, u32)> = segs
        .par_iter()
        .enumerate()
        .map(|(k, s)| (s.1, k as u32))
        .collect();
    sort_by_rows(&mut ends, |e| row(e.0), |a, b| a.cmp(b));
    let mut next = vec![NO_NEXT; segs.len()];
    let mut at = 0;
    for (to, k) in ends {
        while at < segs.len() && segs[at].0 < to {
            at += 1;
        }
        if at < segs.len() && segs[at].0 == to {
            next[k as usize] = at as u32;
        }
    }
    next
}

/// Link the segments of one band into rings, and the rings into polygons.
fn polygons(tr: &Tracer<'_>, mut segs: Vec<(EdgeId, EdgeId)>, b: f32) -> MultiPolygon<f64> {
    let row = |id: EdgeId| (id / 2 / tr.stride) as usize;
    sort_by_rows(&mut segs, |s| row(s.0), |a, b| a.cmp(b));
    let next = successors(&segs, row);
    let mut seen = vec![false; segs.len()];
    // Rings as (side ids), in order of their smallest side.
    let mut rings: Vec<Vec<EdgeId>> = Vec::new();
    for k in 0..segs.len() {
        if seen[k] {
            continue;
        }
        let mut ring = Vec::new();
        let mut at = k;
        loop {
            seen[at] = true;
            ring.push(segs[at].0);
            match next[at] {
                n if n != NO_NEXT && !seen[n as usize] => at = n as usize,
                _ => break,
            }
        }
        rings.push(ring);
    }
    drop(segs);
    let coords: Vec<Vec<[f64; 2]>> = rings
        .par_iter()
        .map(|r| r.iter().map(|&id| tr.point(id, b)).collect())
        .collect();
    let area2 = |r: &[[f64; 2]]| -> f64 {
        let n = r.len();
        (0..n)
            .map(|k| {
                let (p, q) = (r[k], r[(k + 1) % n]);
                p[0] * q[1] - q[0] * p[1]
            })
            .sum()
    };
    let exterior: Vec<bool> = coords.par_iter().map(|r| area2(r) > 0.0).collect();
    // Crossings on rows of samples (sides to the east): (row, x, ring).
    let mut row_cross: Vec<(u64, f64, u32)> = Vec::new();
    // Westernmost such crossing of each hole: (x, row).
    let mut west: Vec<Option<(f64, u64)>> = vec![None; rings.len()];
    for (ri, ring) in rings.iter().enumerate() {
        for (&id, p) in ring.iter().zip(&coords[ri]) {
            if id & 1 == 0 {
                let row = id / 2 / tr.stride;
                row_cross.push((row, p[0], ri as u32));
                if !exterior[ri] && west[ri].is_none_or(|(x, _)| p[0] < x) {
                    west[ri] = Some((p[0], row));
                }
            }
        }
    }
    sort_by_rows(&mut row_cross, |c| c.0 as usize, |a, b| a.1.total_cmp(&b.1));
    let mut holes: Vec<(f64, u64, usize)> = west
        .iter()
        .enumerate()
        .filter_map(|(ri, w)| w.map(|(x, row)| (x, row, ri)))
        .collect();
    holes.sort_by(|a, b| a.0.total_cmp(&b.0).then(a.1.cmp(&b.1)));
    let mut owner: Vec<usize> = (0..rings.len()).collect();
    for &(x, row, ri) in &holes {
        let at = row_cross.partition_point(|c| c.0 < row || (c.0 == row && c.1 < x));
        // The crossing just west on the same row (the enclosing exterior
        // always has one).
        let Some(prev) = at
            .checked_sub(1)
            .map(|a| row_cross[a])
            .filter(|c| c.0 == row)
        else {
            continue;
        };
        let r = prev.2 as usize;
        owner[ri] = if exterior[r] { r } else { owner[r] };
    }
    let eps = SIMPLIFY_CELLS * tr.s.grid.cell_m;
    // Sized for the closing point up front: collecting and then pushing it
    // doubled every ring's allocation (the bands of a 2M-node city held
    // 0.6 GB of spare capacity until written).
    let to_ls = |r: &[[f64; 2]]| -> LineString<f64> {
        let simple = simplify_ring(r, eps);
        let mut cs: Vec<Coord<f64>> = Vec::with_capacity(simple.len() + 1);
        cs.extend(simple.iter().map(|p| {
            let [x, y] = tr.s.proj.unproject(*p);
            Coord { x, y }
        }));
        cs.push(cs[0]);
        LineString::new(cs)
    };
    let mut holes_of: Vec<Vec<usize>> = vec![Vec::new(); rings.len()];
    for ri in 0..rings.len() {
        if !exterior[ri] && owner[ri] != ri && exterior[owner[ri]] {
            holes_of[owner[ri]].push(ri);
        }
    }
    let polys: Vec<Polygon<f64>> = (0..rings.len())
        .into_par_iter()
        .filter(|&ri| exterior[ri])
        .map(|ri| {
            Polygon::new(
                to_ls(&coords[ri]),
                holes_of[ri].iter().map(|&h| to_ls(&coords[h])).collect(),
            )
        })
        .collect();
    MultiPolygon::new(polys)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::Rng;

    /// Counting into rows then sorting each row gives the order of one
    /// sort over (row, key), for distinct keys, empty input and one row.
    #[test]
    fn sorting_by_rows_equals_one_sort() {
        let mut rng = Rng(0x50_2713);
        for n in [0usize, 1, 2, 17, 1000, 20_000] {
            let rows = 1 + rng.below(300);
            let mut keys: Vec<(u64, u64)> = (0..n as u64)
                .map(|k| (rng.below(rows) as u64, k * 7919 % 100_003))
                .collect();
            rng.shuffle(&mut keys);
            let mut want = keys.clone();
            want.sort_unstable();
            sort_by_rows(&mut keys, |k| k.0 as usize, |a, b| a.1.cmp(&b.1));
            assert_eq!(keys, want, "{n} keys in {rows} rows");
        }
    }
}
