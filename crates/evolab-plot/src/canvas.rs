//! A thin pixel-space drawing surface over a plotters backend: text with anchors and rotation,
//! clipped polylines and polygons, dashes. Every chart draws through it, so the PNG and SVG
//! outputs come from the same calls.

use plotters::coord::Shift;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};
use plotters::style::{FontStyle, FontTransform, RGBColor};

use crate::geometry::{clip_polygon, clip_polyline, Rect};
use crate::style::{Sizes, FAMILY};
use crate::PlotError;

/// Horizontal text alignment relative to the anchor point (in the text's own frame).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum HAlign {
    Left,
    Center,
    Right,
}

/// Vertical text alignment relative to the anchor point (in the text's own frame).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum VAlign {
    Top,
    Center,
    Bottom,
}

/// How a piece of text is set.
#[derive(Debug, Clone, Copy)]
pub struct TextSpec {
    pub size: f64,
    pub bold: bool,
    /// Rotated a quarter turn counter-clockwise (reads bottom to top), as for y-axis titles.
    pub vertical: bool,
    pub h: HAlign,
    pub v: VAlign,
    pub colour: RGBColor,
}

impl TextSpec {
    pub fn new(size: f64) -> Self {
        TextSpec {
            size,
            bold: false,
            vertical: false,
            h: HAlign::Left,
            v: VAlign::Top,
            colour: crate::style::INK,
        }
    }
    pub fn bold(mut self) -> Self {
        self.bold = true;
        self
    }
    pub fn vertical(mut self) -> Self {
        self.vertical = true;
        self
    }
    pub fn align(mut self, h: HAlign, v: VAlign) -> Self {
        self.h = h;
        self.v = v;
        self
    }
    pub fn colour(mut self, c: RGBColor) -> Self {
        self.colour = c;
        self
    }
}

/// Drawing surface handed to [`crate::Draw::draw`]. Coordinates are pixels from the top-left
/// corner; sizes from [`Canvas::sizes`] already include the rendering scale.
pub struct Canvas<'a, DB: DrawingBackend> {
    area: &'a DrawingArea<DB, Shift>,
    sizes: Sizes,
    backend: &'static str,
}

impl<'a, DB: DrawingBackend> Canvas<'a, DB> {
    pub(crate) fn new(
        area: &'a DrawingArea<DB, Shift>,
        sizes: Sizes,
        backend: &'static str,
    ) -> Self {
        Canvas {
            area,
            sizes,
            backend,
        }
    }

    pub fn sizes(&self) -> Sizes {
        self.sizes
    }

    /// The whole surface as a rectangle.
    pub fn bounds(&self) -> Rect {
        let (w, h) = self.area.dim_in_pixel();
        Rect::new(0.0, 0.0, w as f64, h as f64)
    }

    fn err<E: std::error::Error + Send + Sync>(
        &self,
        e: plotters::drawing::DrawingAreaErrorKind<E>,
    ) -> PlotError {
        PlotError::Backend {
            backend: self.backend,
            message: e.to_string(),
        }
    }

    fn font(&self, spec: &TextSpec) -> TextStyle<'static> {
        // The weight must be given at construction: `FontDesc::style` keeps the regular face's
        // glyph data and only relabels it.
        let weight = if spec.bold {
            FontStyle::Bold
        } else {
            FontStyle::Normal
        };
        let mut font = FontDesc::new(FontFamily::Name(FAMILY), spec.size, weight);
        if spec.vertical {
            font = font.transform(FontTransform::Rotate270);
        }
        let h = match spec.h {
            HAlign::Left => HPos::Left,
            HAlign::Center => HPos::Center,
            HAlign::Right => HPos::Right,
        };
        let v = match spec.v {
            VAlign::Top => VPos::Top,
            VAlign::Center => VPos::Center,
            VAlign::Bottom => VPos::Bottom,
        };
        font.color(&spec.colour).pos(Pos::new(h, v))
    }

    /// Width and height of `text` set horizontally with `spec`'s size and weight.
    pub fn measure(&self, text: &str, spec: &TextSpec) -> (f64, f64) {
        if text.is_empty() {
            return (0.0, spec.size);
        }
        let flat = TextSpec {
            vertical: false,
            ..*spec
        };
        match self.area.estimate_text_size(text, &self.font(&flat)) {
            Ok((w, h)) => (w as f64, (h as f64).max(spec.size * 0.8)),
            // Width estimate from an average glyph when the font cannot measure.
            Err(_) => (text.chars().count() as f64 * spec.size * 0.55, spec.size),
        }
    }

    pub fn text(&self, text: &str, at: (f64, f64), spec: &TextSpec) -> Result<(), PlotError> {
        if text.is_empty() {
            return Ok(());
        }
        // Plotters places the baseline of top-anchored text differently per backend (half the
        // size down in bitmaps, 0.76 em in SVG), so vertical alignment is done here, from the
        // baseline, and plotters always gets a top anchor.
        let top_baseline = if self.backend == "SVG" {
            0.76 / 1.24
        } else {
            0.5
        };
        let wanted = match spec.v {
            VAlign::Top => 0.63,
            VAlign::Center => 0.31,
            VAlign::Bottom => -0.2,
        };
        let shift = (wanted - top_baseline) * spec.size;
        let at = if spec.vertical {
            (at.0 + shift, at.1)
        } else {
            (at.0, at.1 + shift)
        };
        let style = self.font(&TextSpec {
            v: VAlign::Top,
            ..*spec
        });
        self.area
            .draw(&Text::new(text.to_string(), px(at), style))
            .map_err(|e| self.err(e))
    }

    /// Polyline clipped to `clip`; non-finite points break the line into pieces.
    pub fn line(
        &self,
        points: &[(f64, f64)],
        colour: RGBColor,
        alpha: f64,
        width: u32,
        clip: &Rect,
    ) -> Result<(), PlotError> {
        let style = stroke(colour, alpha, width);
        for run in finite_runs(points) {
            for piece in clip_polyline(&run, clip) {
                if piece.len() >= 2 {
                    let pts: Vec<(i32, i32)> = piece.iter().map(|&p| px(p)).collect();
                    self.area
                        .draw(&PathElement::new(pts, style))
                        .map_err(|e| self.err(e))?;
                }
            }
        }
        Ok(())
    }

    /// Dashed polyline; `dash` and `gap` are in pixels.
    #[allow(clippy::too_many_arguments)]
    pub fn dashed(
        &self,
        points: &[(f64, f64)],
        colour: RGBColor,
        width: u32,
        dash: f64,
        gap: f64,
        clip: &Rect,
    ) -> Result<(), PlotError> {
        for run in finite_runs(points) {
            for piece in clip_polyline(&run, clip) {
                for seg in dash_pieces(&piece, dash.max(1.0), gap.max(1.0)) {
                    self.line(&seg, colour, 1.0, width, clip)?;
                }
            }
        }
        Ok(())
    }

    /// Filled polygon clipped to `clip`, with opacity `alpha`.
    pub fn polygon(
        &self,
        points: &[(f64, f64)],
        colour: RGBColor,
        alpha: f64,
        clip: &Rect,
    ) -> Result<(), PlotError> {
        if points.iter().any(|p| !p.0.is_finite() || !p.1.is_finite()) {
            return Ok(());
        }
        let clipped = clip_polygon(points, clip);
        if clipped.len() < 3 {
            return Ok(());
        }
        let pts: Vec<(i32, i32)> = clipped.iter().map(|&p| px(p)).collect();
        let style = ShapeStyle {
            color: colour.mix(alpha),
            filled: true,
            stroke_width: 0,
        };
        self.area
            .draw(&Polygon::new(pts, style))
            .map_err(|e| self.err(e))
    }

    /// Axis-aligned rectangle, filled or outlined.
    pub fn rect(
        &self,
        r: &Rect,
        colour: RGBColor,
        alpha: f64,
        filled: bool,
        width: u32,
    ) -> Result<(), PlotError> {
        if !r.is_finite() {
            return Ok(());
        }
        let style = ShapeStyle {
            color: colour.mix(alpha),
            filled,
            stroke_width: width,
        };
        let (x0, y0) = px((r.x0, r.y0));
        let (x1, y1) = px((r.x1, r.y1));
        self.area
            .draw(&Rectangle::new([(x0, y0), (x1, y1)], style))
            .map_err(|e| self.err(e))
    }

    pub fn circle(
        &self,
        c: (f64, f64),
        radius: f64,
        colour: RGBColor,
        alpha: f64,
        filled: bool,
        width: u32,
    ) -> Result<(), PlotError> {
        if !c.0.is_finite() || !c.1.is_finite() {
            return Ok(());
        }
        let style = ShapeStyle {
            color: colour.mix(alpha),
            filled,
            stroke_width: width,
        };
        self.area
            .draw(&Circle::new(px(c), radius.max(1.0).round() as u32, style))
            .map_err(|e| self.err(e))
    }

    pub fn fill(&self, colour: RGBColor) -> Result<(), PlotError> {
        self.area.fill(&colour).map_err(|e| self.err(e))
    }
}

fn px(p: (f64, f64)) -> (i32, i32) {
    let c = |v: f64| v.round().clamp(-1e7, 1e7) as i32;
    (c(p.0), c(p.1))
}

fn stroke(colour: RGBColor, alpha: f64, width: u32) -> ShapeStyle {
    ShapeStyle {
        color: colour.mix(alpha),
        filled: false,
        stroke_width: width.max(1),
    }
}

/// Splits a polyline at non-finite points.
fn finite_runs(points: &[(f64, f64)]) -> Vec<Vec<(f64, f64)>> {
    let mut runs = Vec::new();
    let mut cur = Vec::new();
    for &p in points {
        if p.0.is_finite() && p.1.is_finite() {
            cur.push(p);
        } else if !cur.is_empty() {
            runs.push(std::mem::take(&mut cur));
        }
    }
    if !cur.is_empty() {
        runs.push(cur);
    }
    runs
}

/// Cuts a polyline into dash segments of length `dash` separated by `gap`, continuing the
/// pattern across vertices.
fn dash_pieces(points: &[(f64, f64)], dash: f64, gap: f64) -> Vec<Vec<(f64, f64)>> {
    let mut out = Vec::new();
    let mut on = true;
    let mut left = dash;
    let mut cur: Vec<(f64, f64)> = Vec::new();
    for w in points.windows(2) {
        let (a, b) = (w[0], w[1]);
        let len = ((b.0 - a.0).powi(2) + (b.1 - a.1).powi(2)).sqrt();
        let mut t = 0.0;
        if on && cur.is_empty() {
            cur.push(a);
        }
        while len - t > left {
            t += left;
            let p = (a.0 + (b.0 - a.0) * t / len, a.1 + (b.1 - a.1) * t / len);
            if on {
                cur.push(p);
                out.push(std::mem::take(&mut cur));
            } else {
                cur.push(p);
            }
            on = !on;
            left = if on { dash } else { gap };
        }
        left -= len - t;
        if on {
            cur.push(b);
        }
    }
    if on && cur.len() >= 2 {
        out.push(cur);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dashes_cover_about_half_a_line_with_equal_dash_and_gap() {
        let pieces = dash_pieces(&[(0.0, 0.0), (100.0, 0.0)], 10.0, 10.0);
        assert_eq!(pieces.len(), 5);
        let covered: f64 = pieces.iter().map(|p| p.last().unwrap().0 - p[0].0).sum();
        assert!((covered - 50.0).abs() < 1e-9);
    }

    #[test]
    fn non_finite_points_split_a_line() {
        let runs = finite_runs(&[(0.0, 0.0), (1.0, f64::NAN), (2.0, 2.0), (3.0, 3.0)]);
        assert_eq!(runs.len(), 2);
        assert_eq!(runs[1].len(), 2);
    }
}
