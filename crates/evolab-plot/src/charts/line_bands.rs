//! Mean curves with uncertainty bands and optional per-replicate lines.

use plotters::prelude::DrawingBackend;

use crate::axis::padded_range;
use crate::canvas::Canvas;
use crate::charts::check_range;
use crate::figure::Figure;
use crate::frame::{self, LegendEntry, Swatch};
use crate::style::series_colour;
use crate::{Draw, PlotError};

const CHART: &str = "LineBands";

/// One named curve: `mean[i]` at `x[i]`, optionally a band `lower[i]..upper[i]` (mean ± SEM,
/// a 95% CI, ...) and thin replicate curves sharing the same `x`. Non-finite values leave gaps.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct BandSeries {
    pub name: String,
    pub x: Vec<f64>,
    pub mean: Vec<f64>,
    /// Empty, or one value per `x`.
    pub lower: Vec<f64>,
    /// Empty, or one value per `x`.
    pub upper: Vec<f64>,
    /// Each one value per `x`.
    pub replicates: Vec<Vec<f64>>,
}

impl BandSeries {
    pub fn new(name: impl Into<String>, x: Vec<f64>, mean: Vec<f64>) -> Self {
        BandSeries {
            name: name.into(),
            x,
            mean,
            ..Default::default()
        }
    }
    pub fn band(mut self, lower: Vec<f64>, upper: Vec<f64>) -> Self {
        self.lower = lower;
        self.upper = upper;
        self
    }
    pub fn replicates(mut self, replicates: Vec<Vec<f64>>) -> Self {
        self.replicates = replicates;
        self
    }

    fn check(&self) -> Result<(), PlotError> {
        let n = self.x.len();
        let bad = |what: &str, len: usize| {
            Err(PlotError::invalid(
                CHART,
                format!(
                    "series {:?}: {what} has {len} values but x has {n}; give one value per x",
                    self.name
                ),
            ))
        };
        if self.mean.len() != n {
            return bad("mean", self.mean.len());
        }
        if self.lower.len() != self.upper.len() {
            return Err(PlotError::invalid(
                CHART,
                format!(
                    "series {:?}: lower has {} values, upper {}; give both or neither",
                    self.name,
                    self.lower.len(),
                    self.upper.len()
                ),
            ));
        }
        if !self.lower.is_empty() && self.lower.len() != n {
            return bad("the band", self.lower.len());
        }
        for (i, r) in self.replicates.iter().enumerate() {
            if r.len() != n {
                return bad(&format!("replicate {i}"), r.len());
            }
        }
        Ok(())
    }

    fn has_band(&self) -> bool {
        !self.lower.is_empty()
    }
}

/// Several [`BandSeries`] on shared axes, legend outside the plot.
#[derive(Debug, Clone, PartialEq)]
pub struct LineBands {
    pub figure: Figure,
    pub series: Vec<BandSeries>,
    /// Fixed y range, e.g. to compare several figures; auto (data plus 4%) when `None`.
    pub y_range: Option<(f64, f64)>,
    /// Fixed x range; auto when `None`.
    pub x_range: Option<(f64, f64)>,
}

impl LineBands {
    pub fn new(figure: Figure) -> Self {
        LineBands {
            figure,
            series: Vec::new(),
            y_range: None,
            x_range: None,
        }
    }
    pub fn series(mut self, s: BandSeries) -> Self {
        self.series.push(s);
        self
    }
    pub fn y_range(mut self, lo: f64, hi: f64) -> Self {
        self.y_range = Some((lo, hi));
        self
    }
    pub fn x_range(mut self, lo: f64, hi: f64) -> Self {
        self.x_range = Some((lo, hi));
        self
    }
}

impl Draw for LineBands {
    fn figure(&self) -> &Figure {
        &self.figure
    }

    fn draw<DB: DrawingBackend>(&self, c: &Canvas<'_, DB>) -> Result<(), PlotError> {
        for s in &self.series {
            s.check()?;
        }
        check_range(CHART, "y_range", self.y_range)?;
        check_range(CHART, "x_range", self.x_range)?;
        let points = |s: &BandSeries| {
            s.x.iter()
                .zip(&s.mean)
                .filter(|(x, y)| x.is_finite() && y.is_finite())
                .count()
        };
        if self.series.iter().all(|s| points(s) == 0) {
            return frame::no_data(c, &self.figure, "no series has a finite (x, mean) point");
        }

        let xs = self.series.iter().flat_map(|s| s.x.iter().copied());
        let (x_lo, x_hi) = match self.x_range {
            Some(r) => r,
            None => padded_range(xs, 0.02).expect("a finite point exists"),
        };
        let (y_lo, y_hi) = match self.y_range {
            Some(r) => r,
            None => {
                let ys = self.series.iter().flat_map(|s| {
                    s.mean
                        .iter()
                        .chain(&s.lower)
                        .chain(&s.upper)
                        .chain(s.replicates.iter().flatten())
                        .copied()
                });
                padded_range(ys, 0.04).expect("a finite point exists")
            }
        };

        let sz = c.sizes();
        let legend: Vec<LegendEntry> = self
            .series
            .iter()
            .enumerate()
            .map(|(i, s)| {
                let col = series_colour(i);
                let sw = if s.has_band() {
                    Swatch::Band(col)
                } else {
                    Swatch::Line(col)
                };
                LegendEntry::new(s.name.clone(), sw)
            })
            .collect();
        let region = frame::begin(c, &self.figure)?;
        let (chart, legend_area) = frame::split_legend(c, region, &legend, self.figure.legend);
        let frame::NumericPlot { x, y, plot, mx, my } =
            frame::numeric_plot(c, chart, &self.figure, (x_lo, x_hi), (y_lo, y_hi))?;

        for (i, s) in self.series.iter().enumerate() {
            let col = series_colour(i);
            for r in &s.replicates {
                let pts: Vec<(f64, f64)> =
                    s.x.iter()
                        .zip(r)
                        .map(|(&a, &b)| (mx.map(a), my.map(b)))
                        .collect();
                c.line(&pts, col, 0.35, sz.thin(), &plot)?;
            }
            if s.has_band() {
                for run in finite_runs(&s.x, &s.lower, &s.upper) {
                    let mut poly: Vec<(f64, f64)> = run
                        .iter()
                        .map(|&k| (mx.map(s.x[k]), my.map(s.upper[k])))
                        .collect();
                    poly.extend(
                        run.iter()
                            .rev()
                            .map(|&k| (mx.map(s.x[k]), my.map(s.lower[k]))),
                    );
                    c.polygon(&poly, col, 0.22, &plot)?;
                }
            }
        }
        // Means last, so no band covers another series' curve.
        for (i, s) in self.series.iter().enumerate() {
            let col = series_colour(i);
            let pts: Vec<(f64, f64)> =
                s.x.iter()
                    .zip(&s.mean)
                    .map(|(&a, &b)| (mx.map(a), my.map(b)))
                    .collect();
            c.line(&pts, col, 1.0, sz.line(), &plot)?;
            if points(s) <= 30 {
                for &(px, py) in &pts {
                    if plot.inflate(0.5).x0 <= px
                        && px <= plot.x1 + 0.5
                        && plot.y0 - 0.5 <= py
                        && py <= plot.y1 + 0.5
                    {
                        c.circle((px, py), sz.px(6.0), col, 1.0, true, 0)?;
                    }
                }
            }
        }
        frame::draw_axes(c, &chart, &plot, &x, &y)?;
        frame::draw_legend(c, legend_area, &plot, &legend, self.figure.legend)
    }
}

/// Runs of consecutive indices where x, lower and upper are all finite.
fn finite_runs(x: &[f64], lo: &[f64], hi: &[f64]) -> Vec<Vec<usize>> {
    let mut runs = Vec::new();
    let mut cur = Vec::new();
    for k in 0..x.len() {
        if x[k].is_finite() && lo[k].is_finite() && hi[k].is_finite() {
            cur.push(k);
        } else if !cur.is_empty() {
            runs.push(std::mem::take(&mut cur));
        }
    }
    if !cur.is_empty() {
        runs.push(cur);
    }
    runs
}
