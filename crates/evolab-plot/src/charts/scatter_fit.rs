//! Scatter groups with fitted lines, the y = x diagonal and marked points.

use plotters::prelude::DrawingBackend;

use crate::axis::{format_value, padded_range};
use crate::canvas::Canvas;
use crate::charts::check_range;
use crate::figure::Figure;
use crate::frame::{self, diamond, LegendEntry, Swatch};
use crate::style::{series_colour, INK, MUTED};
use crate::{Draw, PlotError};

const CHART: &str = "ScatterFit";

/// The straight line y = slope * x + intercept.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Line {
    pub slope: f64,
    pub intercept: f64,
}

impl Line {
    pub fn new(slope: f64, intercept: f64) -> Self {
        Line { slope, intercept }
    }

    /// Ordinary least squares over the finite points; `None` with fewer than two distinct x.
    pub fn least_squares(points: &[(f64, f64)]) -> Option<Line> {
        let pts: Vec<(f64, f64)> = points
            .iter()
            .copied()
            .filter(|p| p.0.is_finite() && p.1.is_finite())
            .collect();
        let n = pts.len() as f64;
        if pts.len() < 2 {
            return None;
        }
        let mx = pts.iter().map(|p| p.0).sum::<f64>() / n;
        let my = pts.iter().map(|p| p.1).sum::<f64>() / n;
        let sxx: f64 = pts.iter().map(|p| (p.0 - mx).powi(2)).sum();
        let sxy: f64 = pts.iter().map(|p| (p.0 - mx) * (p.1 - my)).sum();
        if sxx <= f64::EPSILON * n * mx.abs().max(1.0) {
            return None;
        }
        let slope = sxy / sxx;
        Some(Line::new(slope, my - slope * mx))
    }

    pub fn at(&self, x: f64) -> f64 {
        self.slope * x + self.intercept
    }

    /// Where the line meets y = x, if it does at a single point.
    pub fn meets_diagonal(&self) -> Option<f64> {
        let d = 1.0 - self.slope;
        (d.abs() > 1e-12).then(|| self.intercept / d)
    }

    fn describe(&self) -> String {
        let sign = if self.intercept < 0.0 {
            "\u{2212}"
        } else {
            "+"
        };
        format!(
            "y = {}x {sign} {}",
            format_value(self.slope, 2),
            format_value(self.intercept.abs(), 2)
        )
    }
}

/// One group of points (say, one task), drawn in one colour.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct ScatterGroup {
    pub name: String,
    pub points: Vec<(f64, f64)>,
    /// Drawn across the x range of the group's points; its equation goes into the legend.
    pub fit: Option<Line>,
    /// A highlighted position, e.g. the attractor where the fit meets the diagonal.
    pub mark: Option<(f64, f64)>,
}

impl ScatterGroup {
    pub fn new(name: impl Into<String>, points: Vec<(f64, f64)>) -> Self {
        ScatterGroup {
            name: name.into(),
            points,
            ..Default::default()
        }
    }
    pub fn fit(mut self, line: Line) -> Self {
        self.fit = Some(line);
        self
    }
    /// Fits by least squares (no line when the points cannot determine one).
    pub fn fit_least_squares(mut self) -> Self {
        self.fit = Line::least_squares(&self.points);
        self
    }
    pub fn mark(mut self, x: f64, y: f64) -> Self {
        self.mark = Some((x, y));
        self
    }
}

/// Scatter plot of groups with fits, for "initial vs final" style comparisons.
#[derive(Debug, Clone, PartialEq)]
pub struct ScatterFit {
    pub figure: Figure,
    pub groups: Vec<ScatterGroup>,
    /// Dashed y = x reference line.
    pub diagonal: bool,
    /// Same range on both axes (the natural choice when x and y measure the same thing).
    pub equal_ranges: bool,
    pub x_range: Option<(f64, f64)>,
    pub y_range: Option<(f64, f64)>,
    /// Legend text for the marked points.
    pub mark_label: String,
}

impl ScatterFit {
    pub fn new(figure: Figure) -> Self {
        ScatterFit {
            figure,
            groups: Vec::new(),
            diagonal: true,
            equal_ranges: true,
            x_range: None,
            y_range: None,
            mark_label: "marked point".into(),
        }
    }
    pub fn group(mut self, g: ScatterGroup) -> Self {
        self.groups.push(g);
        self
    }
    pub fn mark_label(mut self, label: impl Into<String>) -> Self {
        self.mark_label = label.into();
        self
    }
}

impl Draw for ScatterFit {
    fn figure(&self) -> &Figure {
        &self.figure
    }

    fn draw<DB: DrawingBackend>(&self, c: &Canvas<'_, DB>) -> Result<(), PlotError> {
        check_range(CHART, "x_range", self.x_range)?;
        check_range(CHART, "y_range", self.y_range)?;
        for g in &self.groups {
            if let Some(l) = g.fit {
                if !(l.slope.is_finite() && l.intercept.is_finite()) {
                    return Err(PlotError::invalid(
                        CHART,
                        format!(
                            "group {:?}: fit has a non-finite slope or intercept",
                            g.name
                        ),
                    ));
                }
            }
        }
        let finite = |p: &(f64, f64)| p.0.is_finite() && p.1.is_finite();
        if !self.groups.iter().flat_map(|g| &g.points).any(finite) {
            return frame::no_data(c, &self.figure, "no group has a finite (x, y) point");
        }
        let pts = || {
            self.groups
                .iter()
                .flat_map(|g| g.points.iter().chain(g.mark.iter()))
                .filter(|p| finite(p))
        };
        let auto_x = padded_range(pts().map(|p| p.0), 0.05).expect("finite point");
        let auto_y = padded_range(pts().map(|p| p.1), 0.05).expect("finite point");
        let (auto_x, auto_y) = if self.equal_ranges {
            let r = (auto_x.0.min(auto_y.0), auto_x.1.max(auto_y.1));
            (r, r)
        } else {
            (auto_x, auto_y)
        };
        let xr = self.x_range.unwrap_or(auto_x);
        let yr = self.y_range.unwrap_or(auto_y);

        let sz = c.sizes();
        let mut legend = Vec::new();
        for (i, g) in self.groups.iter().enumerate() {
            let label = match &g.fit {
                Some(l) => format!("{}: {}", g.name, l.describe()),
                None => g.name.clone(),
            };
            legend.push(LegendEntry::new(label, Swatch::Point(series_colour(i))));
        }
        if self.groups.iter().any(|g| g.mark.is_some()) {
            legend.push(LegendEntry::new(
                self.mark_label.clone(),
                Swatch::Diamond(MUTED),
            ));
        }
        if self.diagonal {
            legend.push(LegendEntry::new("y = x", Swatch::Dashed(INK)));
        }
        let region = frame::begin(c, &self.figure)?;
        let (chart, legend_area) = frame::split_legend(c, region, &legend, self.figure.legend);
        let frame::NumericPlot { x, y, plot, mx, my } =
            frame::numeric_plot(c, chart, &self.figure, (xr.0, xr.1), (yr.0, yr.1))?;

        if self.diagonal {
            let lo = xr.0.min(yr.0);
            let hi = xr.1.max(yr.1);
            let line = [(mx.map(lo), my.map(lo)), (mx.map(hi), my.map(hi))];
            c.dashed(&line, INK, sz.thin().max(2), sz.px(14.0), sz.px(9.0), &plot)?;
        }
        for (i, g) in self.groups.iter().enumerate() {
            let col = series_colour(i);
            for p in g.points.iter().filter(|p| finite(p)) {
                let at = (mx.map(p.0), my.map(p.1));
                if plot.inflate(1.0).x0 <= at.0
                    && at.0 <= plot.x1 + 1.0
                    && plot.y0 - 1.0 <= at.1
                    && at.1 <= plot.y1 + 1.0
                {
                    c.circle(at, sz.px(8.0), col, 0.75, true, 0)?;
                    c.circle(at, sz.px(8.0), INK, 0.35, false, sz.thin())?;
                }
            }
        }
        for (i, g) in self.groups.iter().enumerate() {
            if let Some(l) = g.fit {
                let xs = g.points.iter().filter(|p| finite(p)).map(|p| p.0);
                let (lo, hi) = xs.fold((f64::INFINITY, f64::NEG_INFINITY), |(a, b), v| {
                    (a.min(v), b.max(v))
                });
                if lo <= hi {
                    let line = [
                        (mx.map(lo), my.map(l.at(lo))),
                        (mx.map(hi), my.map(l.at(hi))),
                    ];
                    c.line(&line, series_colour(i), 1.0, sz.line(), &plot)?;
                }
            }
        }
        for (i, g) in self.groups.iter().enumerate() {
            if let Some(m) = g.mark.filter(finite) {
                diamond(
                    c,
                    (mx.map(m.0), my.map(m.1)),
                    sz.px(15.0),
                    series_colour(i),
                    &plot.inflate(sz.px(16.0)),
                )?;
            }
        }
        frame::draw_axes(c, &chart, &plot, &x, &y)?;
        frame::draw_legend(c, legend_area, &plot, &legend, self.figure.legend)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn least_squares_recovers_an_exact_line_and_its_fixed_point() {
        let pts: Vec<(f64, f64)> = (0..5).map(|i| (i as f64, 0.5 * i as f64 + 1.0)).collect();
        let l = Line::least_squares(&pts).unwrap();
        assert!((l.slope - 0.5).abs() < 1e-12 && (l.intercept - 1.0).abs() < 1e-12);
        assert!((l.meets_diagonal().unwrap() - 2.0).abs() < 1e-12);
        assert_eq!(Line::least_squares(&[(1.0, 1.0), (1.0, 2.0)]), None);
        assert_eq!(l.describe(), "y = 0.50x + 1.00");
    }
}
