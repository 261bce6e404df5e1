//! Rectangles, value-to-pixel maps and clipping in pixel space.

/// Axis-aligned rectangle in pixels, `x0 <= x1`, `y0 <= y1` (y grows downwards).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Rect {
    pub x0: f64,
    pub y0: f64,
    pub x1: f64,
    pub y1: f64,
}

impl Rect {
    pub fn new(x0: f64, y0: f64, x1: f64, y1: f64) -> Self {
        Rect {
            x0: x0.min(x1),
            y0: y0.min(y1),
            x1: x0.max(x1),
            y1: y0.max(y1),
        }
    }
    pub fn width(&self) -> f64 {
        self.x1 - self.x0
    }
    pub fn height(&self) -> f64 {
        self.y1 - self.y0
    }
    pub fn centre(&self) -> (f64, f64) {
        ((self.x0 + self.x1) / 2.0, (self.y0 + self.y1) / 2.0)
    }
    pub fn is_finite(&self) -> bool {
        self.x0.is_finite() && self.x1.is_finite() && self.y0.is_finite() && self.y1.is_finite()
    }
    /// The rectangle grown by `d` on every side (shrunk for negative `d`).
    pub fn inflate(&self, d: f64) -> Rect {
        Rect::new(self.x0 - d, self.y0 - d, self.x1 + d, self.y1 + d)
    }
    fn contains(&self, p: (f64, f64)) -> bool {
        p.0 >= self.x0 && p.0 <= self.x1 && p.1 >= self.y0 && p.1 <= self.y1
    }
}

/// Affine map from a data interval onto a pixel interval; `p0` may exceed `p1` (y axes).
#[derive(Debug, Clone, Copy)]
pub struct LinearMap {
    pub lo: f64,
    pub hi: f64,
    pub p0: f64,
    pub p1: f64,
}

impl LinearMap {
    pub fn new(lo: f64, hi: f64, p0: f64, p1: f64) -> Self {
        LinearMap { lo, hi, p0, p1 }
    }
    pub fn map(&self, v: f64) -> f64 {
        let span = self.hi - self.lo;
        if span == 0.0 {
            return (self.p0 + self.p1) / 2.0;
        }
        self.p0 + (v - self.lo) / span * (self.p1 - self.p0)
    }
    /// Pixels per data unit (absolute).
    pub fn unit(&self) -> f64 {
        let span = self.hi - self.lo;
        if span == 0.0 {
            0.0
        } else {
            ((self.p1 - self.p0) / span).abs()
        }
    }
}

/// Clips a polyline to `r`, returning the visible pieces (Liang–Barsky per segment, joined
/// where consecutive segments stay connected).
pub fn clip_polyline(points: &[(f64, f64)], r: &Rect) -> Vec<Vec<(f64, f64)>> {
    let mut out: Vec<Vec<(f64, f64)>> = Vec::new();
    let mut cur: Vec<(f64, f64)> = Vec::new();
    if points.len() == 1 {
        if r.contains(points[0]) {
            out.push(vec![points[0]]);
        }
        return out;
    }
    for w in points.windows(2) {
        match clip_segment(w[0], w[1], r) {
            Some((a, b)) => {
                let joined = cur.last().is_some_and(|&l| l == a);
                if !joined {
                    if cur.len() >= 2 {
                        out.push(std::mem::take(&mut cur));
                    }
                    cur = vec![a];
                }
                cur.push(b);
                if b != w[1] {
                    out.push(std::mem::take(&mut cur));
                }
            }
            None => {
                if cur.len() >= 2 {
                    out.push(std::mem::take(&mut cur));
                }
                cur.clear();
            }
        }
    }
    if cur.len() >= 2 {
        out.push(cur);
    }
    out
}

fn clip_segment(a: (f64, f64), b: (f64, f64), r: &Rect) -> Option<((f64, f64), (f64, f64))> {
    let (dx, dy) = (b.0 - a.0, b.1 - a.1);
    let mut t0 = 0.0f64;
    let mut t1 = 1.0f64;
    for (p, q) in [
        (-dx, a.0 - r.x0),
        (dx, r.x1 - a.0),
        (-dy, a.1 - r.y0),
        (dy, r.y1 - a.1),
    ] {
        if p == 0.0 {
            if q < 0.0 {
                return None;
            }
        } else {
            let t = q / p;
            if p < 0.0 {
                t0 = t0.max(t);
            } else {
                t1 = t1.min(t);
            }
        }
    }
    if t0 > t1 {
        return None;
    }
    let at = |t: f64| {
        if t == 0.0 {
            a
        } else if t == 1.0 {
            b
        } else {
            (a.0 + dx * t, a.1 + dy * t)
        }
    };
    Some((at(t0), at(t1)))
}

/// Sutherland–Hodgman clipping of a polygon against `r`.
pub fn clip_polygon(points: &[(f64, f64)], r: &Rect) -> Vec<(f64, f64)> {
    type Inside = fn(&Rect, (f64, f64)) -> bool;
    type Cross = fn(&Rect, (f64, f64), (f64, f64)) -> (f64, f64);
    let edges: [(Inside, Cross); 4] = [
        (
            |r, p| p.0 >= r.x0,
            |r, a, b| {
                let t = (r.x0 - a.0) / (b.0 - a.0);
                (r.x0, a.1 + (b.1 - a.1) * t)
            },
        ),
        (
            |r, p| p.0 <= r.x1,
            |r, a, b| {
                let t = (r.x1 - a.0) / (b.0 - a.0);
                (r.x1, a.1 + (b.1 - a.1) * t)
            },
        ),
        (
            |r, p| p.1 >= r.y0,
            |r, a, b| {
                let t = (r.y0 - a.1) / (b.1 - a.1);
                (a.0 + (b.0 - a.0) * t, r.y0)
            },
        ),
        (
            |r, p| p.1 <= r.y1,
            |r, a, b| {
                let t = (r.y1 - a.1) / (b.1 - a.1);
                (a.0 + (b.0 - a.0) * t, r.y1)
            },
        ),
    ];
    let mut poly = points.to_vec();
    for (inside, cross) in edges {
        if poly.is_empty() {
            break;
        }
        let input = std::mem::take(&mut poly);
        let mut prev = *input.last().expect("non-empty");
        for &p in &input {
            match (inside(r, p), inside(r, prev)) {
                (true, true) => poly.push(p),
                (true, false) => {
                    poly.push(cross(r, prev, p));
                    poly.push(p);
                }
                (false, true) => poly.push(cross(r, prev, p)),
                (false, false) => {}
            }
            prev = p;
        }
    }
    poly
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_line_crossing_the_box_is_cut_at_its_edges() {
        let r = Rect::new(0.0, 0.0, 10.0, 10.0);
        let pieces = clip_polyline(&[(-5.0, 5.0), (15.0, 5.0)], &r);
        assert_eq!(pieces, vec![vec![(0.0, 5.0), (10.0, 5.0)]]);
    }

    #[test]
    fn a_line_leaving_and_reentering_gives_two_pieces() {
        let r = Rect::new(0.0, 0.0, 10.0, 10.0);
        let pieces = clip_polyline(&[(1.0, 5.0), (5.0, 20.0), (9.0, 5.0)], &r);
        assert_eq!(pieces.len(), 2);
    }

    #[test]
    fn a_polygon_sticking_out_is_cut_to_the_box() {
        let r = Rect::new(0.0, 0.0, 10.0, 10.0);
        let clipped = clip_polygon(&[(5.0, 5.0), (20.0, 5.0), (20.0, 8.0), (5.0, 8.0)], &r);
        assert!(clipped.iter().all(|p| p.0 <= 10.0));
        assert!(clipped.contains(&(10.0, 5.0)) && clipped.contains(&(10.0, 8.0)));
    }

    #[test]
    fn reversed_maps_put_low_values_at_the_bottom() {
        let m = LinearMap::new(0.0, 1.0, 100.0, 0.0);
        assert_eq!(m.map(0.0), 100.0);
        assert_eq!(m.map(0.25), 75.0);
    }
}
