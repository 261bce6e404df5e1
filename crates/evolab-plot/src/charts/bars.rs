//! Grouped bar chart with confidence intervals and explicit "n/a" for missing values.

use plotters::prelude::DrawingBackend;

use crate::axis::{padded_range, thin, Axis};
use crate::canvas::{Canvas, HAlign, TextSpec, VAlign};
use crate::charts::{check_range, tick_target};
use crate::figure::Figure;
use crate::frame::{self, LegendEntry, Swatch};
use crate::geometry::Rect;
use crate::style::{mix, series_colour, INK, MUTED};
use crate::{Draw, PlotError};

const CHART: &str = "Bars";

/// One bar: its height and, optionally, an interval drawn as an error bar.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct BarValue {
    pub value: f64,
    pub ci: Option<(f64, f64)>,
}

impl BarValue {
    pub fn new(value: f64) -> Self {
        BarValue { value, ci: None }
    }
    pub fn with_ci(value: f64, low: f64, high: f64) -> Self {
        BarValue {
            value,
            ci: Some((low, high)),
        }
    }
}

/// One bar per category, in one colour. `None` (or a NaN value) is drawn as "n/a", not as 0.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct BarGroup {
    pub name: String,
    pub values: Vec<Option<BarValue>>,
}

impl BarGroup {
    pub fn new(name: impl Into<String>, values: Vec<Option<BarValue>>) -> Self {
        BarGroup {
            name: name.into(),
            values,
        }
    }
}

/// Bars grouped by category (x) with one colour per group; a legend when there are several
/// groups or the single group is named.
#[derive(Debug, Clone, PartialEq)]
pub struct Bars {
    pub figure: Figure,
    pub categories: Vec<String>,
    pub groups: Vec<BarGroup>,
    pub y_range: Option<(f64, f64)>,
    /// Text drawn in place of a missing bar.
    pub missing_label: String,
}

impl Bars {
    pub fn new(figure: Figure, categories: Vec<String>) -> Self {
        Bars {
            figure,
            categories,
            groups: Vec::new(),
            y_range: None,
            missing_label: "n/a".into(),
        }
    }
    pub fn group(mut self, g: BarGroup) -> Self {
        self.groups.push(g);
        self
    }
    pub fn y_range(mut self, lo: f64, hi: f64) -> Self {
        self.y_range = Some((lo, hi));
        self
    }
}

fn present(v: &Option<BarValue>) -> Option<BarValue> {
    v.filter(|b| b.value.is_finite())
}

impl Draw for Bars {
    fn figure(&self) -> &Figure {
        &self.figure
    }

    fn draw<DB: DrawingBackend>(&self, c: &Canvas<'_, DB>) -> Result<(), PlotError> {
        check_range(CHART, "y_range", self.y_range)?;
        let n = self.categories.len();
        for g in &self.groups {
            if g.values.len() != n {
                return Err(PlotError::invalid(
                    CHART,
                    format!(
                        "group {:?} has {} values for {n} categories; give one (or None) per category",
                        g.name,
                        g.values.len()
                    ),
                ));
            }
        }
        if n == 0 || self.groups.is_empty() {
            return frame::no_data(c, &self.figure, "no categories or no groups");
        }
        let ys: Vec<f64> = self
            .groups
            .iter()
            .flat_map(|g| g.values.iter().filter_map(present))
            .flat_map(|b| {
                let (l, h) = b.ci.unwrap_or((b.value, b.value));
                [b.value, l, h]
            })
            .filter(|v| v.is_finite())
            .collect();
        // Bars start at zero, so zero is always in range, and the baseline sits on the axis
        // when nothing is negative.
        let (y_lo, y_hi) = match self.y_range {
            Some(r) => r,
            None => {
                let (lo, hi) =
                    padded_range(ys.iter().copied().chain([0.0]), 0.05).expect("zero is finite");
                let non_negative = ys.iter().all(|&v| v >= 0.0);
                (if non_negative { 0.0 } else { lo }, hi)
            }
        };

        let sz = c.sizes();
        let show_legend = self.groups.len() > 1 || !self.groups[0].name.is_empty();
        let legend: Vec<LegendEntry> = if show_legend {
            self.groups
                .iter()
                .enumerate()
                .map(|(i, g)| LegendEntry::new(g.name.clone(), Swatch::Bar(series_colour(i))))
                .collect()
        } else {
            vec![]
        };
        let region = frame::begin(c, &self.figure)?;
        let (chart, legend_area) = frame::split_legend(c, region, &legend, self.figure.legend);

        // Category labels: horizontal when each fits its slot, else vertical and thinned.
        let tick = TextSpec::new(sz.tick());
        let slot_px = chart.width() * 0.85 / n as f64;
        let widest = self
            .categories
            .iter()
            .map(|l| c.measure(l, &tick).0)
            .fold(0.0, f64::max);
        let vertical = widest > slot_px * 0.95;
        let shown = if vertical {
            thin(n, (chart.width() * 0.85 / (sz.tick() * 1.2)) as usize)
        } else {
            (0..n).collect()
        };
        let x = Axis::categorical(&self.categories, &shown, &self.figure.x_label, vertical);
        let y = Axis::numeric(
            y_lo,
            y_hi,
            tick_target(chart.height() * 0.7, sz.tick() * 2.2),
            &self.figure.y_label,
        );
        let plot = frame::plot_rect(c, chart, &x, &y);
        let (mx, my) = frame::maps(&plot, &x, &y);
        frame::draw_grid(c, &plot, None, Some(&y))?;

        let k = self.groups.len() as f64;
        let bar_w = 0.8 / k;
        let base = my.map(0.0_f64.clamp(y_lo, y_hi));
        for (gi, g) in self.groups.iter().enumerate() {
            let col = series_colour(gi);
            for (ci, v) in g.values.iter().enumerate() {
                let left = ci as f64 - 0.4 + bar_w * gi as f64;
                let (x0, x1) = (mx.map(left + bar_w * 0.06), mx.map(left + bar_w * 0.94));
                match present(v) {
                    Some(b) => {
                        let top = my.map(b.value.clamp(y_lo, y_hi));
                        c.rect(&Rect::new(x0, base, x1, top), col, 1.0, true, 0)?;
                        if let Some((l, h)) = b.ci.filter(|(l, h)| l.is_finite() && h.is_finite()) {
                            let xm = (x0 + x1) / 2.0;
                            let cap = ((x1 - x0) * 0.25).min(sz.px(14.0));
                            let (pl, ph) = (my.map(l), my.map(h));
                            let w = sz.thin().max(2);
                            c.line(&[(xm, pl), (xm, ph)], INK, 1.0, w, &plot)?;
                            c.line(&[(xm - cap, pl), (xm + cap, pl)], INK, 1.0, w, &plot)?;
                            c.line(&[(xm - cap, ph), (xm + cap, ph)], INK, 1.0, w, &plot)?;
                        }
                    }
                    None => {
                        let na = TextSpec::new(sz.note() * 1.1).colour(mix(col, MUTED, 0.5));
                        // An outlined empty slot plus the label: visibly "missing", never "zero".
                        let xm = (x0 + x1) / 2.0;
                        let (tw, _) = c.measure(&self.missing_label, &na);
                        let up = if base > plot.y0 + sz.px(20.0) {
                            -1.0
                        } else {
                            1.0
                        };
                        if tw <= (x1 - x0) * 1.1 {
                            let spec = na.align(
                                HAlign::Center,
                                if up < 0.0 {
                                    VAlign::Bottom
                                } else {
                                    VAlign::Top
                                },
                            );
                            c.text(
                                &self.missing_label,
                                (xm, base + up * (sz.line() as f64 * 1.5 + sz.px(6.0))),
                                &spec,
                            )?;
                        } else {
                            let spec = na.vertical().align(
                                if up < 0.0 {
                                    HAlign::Left
                                } else {
                                    HAlign::Right
                                },
                                VAlign::Center,
                            );
                            c.text(
                                &self.missing_label,
                                (xm, base + up * (sz.line() as f64 * 1.5 + sz.px(6.0))),
                                &spec,
                            )?;
                        }
                        let lift = up * sz.line() as f64;
                        c.line(
                            &[(x0, base + lift), (x1, base + lift)],
                            col,
                            1.0,
                            sz.line(),
                            &plot.inflate(sz.px(4.0)),
                        )?;
                    }
                }
            }
        }
        if y_lo < 0.0 && y_hi > 0.0 {
            c.line(
                &[(plot.x0, base), (plot.x1, base)],
                INK,
                1.0,
                sz.thin(),
                &plot,
            )?;
        }
        frame::draw_axes(c, &chart, &plot, &x, &y)?;
        frame::draw_legend(c, legend_area, &plot, &legend, self.figure.legend)
    }
}
