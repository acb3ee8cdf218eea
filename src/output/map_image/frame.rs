//! Where things go on the image: the projected extent of what the map
//! shows, and the frame that maps lon/lat to pixels in the map's area.

use geo::LineString;

use crate::spatial::LocalProjection;

/// Maps lon/lat to pixels, keeping the local metric aspect ratio.
pub(super) struct Frame {
    proj: LocalProjection,
    min: [f64; 2],
    scale: f64,
    ox: f64,
    oy: f64,
    h: f64,
}

impl Frame {
    pub(super) fn fit(extent: &Extent, area: (f64, f64, f64, f64)) -> Frame {
        let (x0, y0, w, h) = area;
        let (proj, mut min, mut max) = (extent.proj, extent.min, extent.max);
        if !min[0].is_finite() {
            min = [-500.0, -500.0];
            max = [500.0, 500.0];
        }
        let span = [(max[0] - min[0]).max(1.0), (max[1] - min[1]).max(1.0)];
        let scale = (w / span[0]).min(h / span[1]);
        let ox = x0 + (w - span[0] * scale) / 2.0;
        let oy = y0 + (h - span[1] * scale) / 2.0;
        Frame {
            proj,
            min,
            scale,
            ox,
            oy,
            h: span[1] * scale,
        }
    }

    /// Pixels per metre on the ground (local projection, so true near the
    /// centre of the map).
    pub(super) fn px_per_m(&self) -> f64 {
        self.scale
    }

    pub(super) fn px(&self, p: [f64; 2]) -> (i32, i32) {
        let q = self.proj.project(p);
        let x = self.ox + (q[0] - self.min[0]) * self.scale;
        let y = self.oy + self.h - (q[1] - self.min[1]) * self.scale;
        (x.round() as i32, y.round() as i32)
    }

    pub(super) fn ring(&self, l: &LineString<f64>) -> Vec<(i32, i32)> {
        let mut out: Vec<(i32, i32)> = Vec::with_capacity(l.0.len());
        for c in &l.0 {
            let p = self.px([c.x, c.y]);
            if out.last() != Some(&p) {
                out.push(p);
            }
        }
        out
    }
}

/// The projected bounding box of the points the map must show, kept as
/// they are seen (a metropolis has millions of them: no list).
pub(super) struct Extent {
    proj: LocalProjection,
    min: [f64; 2],
    max: [f64; 2],
}

impl Extent {
    pub(super) fn new(proj: LocalProjection) -> Extent {
        Extent {
            proj,
            min: [f64::INFINITY; 2],
            max: [f64::NEG_INFINITY; 2],
        }
    }

    pub(super) fn push(&mut self, p: [f64; 2]) {
        let q = self.proj.project(p);
        for ((lo, hi), v) in self.min.iter_mut().zip(&mut self.max).zip(q) {
            *lo = lo.min(v);
            *hi = hi.max(v);
        }
    }

    pub(super) fn extend(&mut self, pts: impl IntoIterator<Item = [f64; 2]>) {
        for p in pts {
            self.push(p);
        }
    }
}
