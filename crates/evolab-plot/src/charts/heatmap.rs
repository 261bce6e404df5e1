//! Matrix as coloured cells with a colour bar; NaN cells grey.

use plotters::prelude::DrawingBackend;

use crate::axis::{format_ticks, format_value, nice_ticks, pad_range, thin, Axis};
use crate::canvas::{Canvas, HAlign, TextSpec, VAlign};
use crate::figure::Figure;
use crate::frame;
use crate::geometry::{LinearMap, Rect};
use crate::style::{text_on, viridis, INK, MISSING};
use crate::{Draw, PlotError};

const CHART: &str = "Heatmap";

/// `values[row][column]`, row 0 drawn at the top (matrix order), coloured with viridis.
#[derive(Debug, Clone, PartialEq)]
pub struct Heatmap {
    pub figure: Figure,
    pub values: Vec<Vec<f64>>,
    /// Empty (indices are shown) or one per row.
    pub row_labels: Vec<String>,
    /// Empty (indices are shown) or one per column.
    pub col_labels: Vec<String>,
    /// Fixed colour range (values outside are clamped); auto from finite values when `None`.
    pub range: Option<(f64, f64)>,
    /// Title of the colour bar.
    pub colour_label: String,
    /// Write each value in its cell when cells are large enough.
    pub annotate: bool,
    /// Square cells (the plot keeps the matrix aspect ratio).
    pub square: bool,
}

impl Heatmap {
    pub fn new(figure: Figure, values: Vec<Vec<f64>>) -> Self {
        let square = values.len() == values.first().map_or(0, |r| r.len());
        Heatmap {
            figure,
            values,
            row_labels: Vec::new(),
            col_labels: Vec::new(),
            range: None,
            colour_label: String::new(),
            annotate: false,
            square,
        }
    }
    pub fn labels(mut self, rows: Vec<String>, cols: Vec<String>) -> Self {
        self.row_labels = rows;
        self.col_labels = cols;
        self
    }
    pub fn range(mut self, lo: f64, hi: f64) -> Self {
        self.range = Some((lo, hi));
        self
    }
    pub fn colour_label(mut self, label: impl Into<String>) -> Self {
        self.colour_label = label.into();
        self
    }
    pub fn annotate(mut self, on: bool) -> Self {
        self.annotate = on;
        self
    }
}

impl Draw for Heatmap {
    fn figure(&self) -> &Figure {
        &self.figure
    }

    fn draw<DB: DrawingBackend>(&self, c: &Canvas<'_, DB>) -> Result<(), PlotError> {
        crate::charts::check_range(CHART, "range", self.range)?;
        let rows = self.values.len();
        let cols = self.values.first().map_or(0, |r| r.len());
        if let Some((i, r)) = self
            .values
            .iter()
            .enumerate()
            .find(|(_, r)| r.len() != cols)
        {
            return Err(PlotError::invalid(
                CHART,
                format!(
                    "row {i} has {} values but row 0 has {cols}; the matrix must be rectangular",
                    r.len()
                ),
            ));
        }
        for (what, labels, want) in [
            ("row_labels", &self.row_labels, rows),
            ("col_labels", &self.col_labels, cols),
        ] {
            if !labels.is_empty() && labels.len() != want {
                return Err(PlotError::invalid(
                    CHART,
                    format!(
                        "{what} has {} entries for {want}; give one per {} or none",
                        labels.len(),
                        &what[..3]
                    ),
                ));
            }
        }
        if rows == 0 || cols == 0 {
            return frame::no_data(c, &self.figure, "the matrix is empty");
        }
        let finite = self
            .values
            .iter()
            .flatten()
            .copied()
            .filter(|v| v.is_finite());
        let (lo, hi) = match self.range {
            Some(r) => r,
            None => {
                let (lo, hi) = finite.fold((f64::INFINITY, f64::NEG_INFINITY), |(a, b), v| {
                    (a.min(v), b.max(v))
                });
                if lo > hi {
                    return frame::no_data(c, &self.figure, "every cell is NaN");
                }
                if hi - lo <= f64::EPSILON * hi.abs().max(1.0) {
                    pad_range(lo, hi, 0.0)
                } else {
                    (lo, hi)
                }
            }
        };
        let has_nan = self.values.iter().flatten().any(|v| !v.is_finite());

        let sz = c.sizes();
        let region = frame::begin(c, &self.figure)?;
        let tick = TextSpec::new(sz.tick());
        // Colour bar column: bar, tick labels, vertical title.
        let bar_ticks = nice_ticks(lo, hi, 5);
        let bar_labels = format_ticks(&bar_ticks);
        let widest = bar_labels
            .iter()
            .map(|l| c.measure(l, &tick).0)
            .fold(0.0, f64::max);
        let bar_w = sz.px(34.0);
        let side = sz.pad() * 2.0
            + bar_w
            + sz.px(10.0)
            + sz.pad() * 0.5
            + widest
            + if self.colour_label.is_empty() {
                0.0
            } else {
                sz.pad() + sz.label() * 1.2
            };
        let chart = Rect::new(region.x0, region.y0, region.x1 - side, region.y1);

        let index_labels = |n: usize| (0..n).map(|i| i.to_string()).collect::<Vec<_>>();
        let row_labels = if self.row_labels.is_empty() {
            index_labels(rows)
        } else {
            self.row_labels.clone()
        };
        let col_labels = if self.col_labels.is_empty() {
            index_labels(cols)
        } else {
            self.col_labels.clone()
        };
        let slot_x = chart.width() * 0.8 / cols as f64;
        let widest_col = col_labels
            .iter()
            .map(|l| c.measure(l, &tick).0)
            .fold(0.0, f64::max);
        let vertical = widest_col > slot_x * 0.9;
        let x_shown = if vertical {
            thin(cols, (chart.width() * 0.8 / (sz.tick() * 1.6)) as usize)
        } else {
            thin(
                cols,
                (chart.width() * 0.8 / (widest_col + sz.tick())) as usize,
            )
        };
        let y_shown = thin(rows, (chart.height() * 0.8 / (sz.tick() * 1.6)) as usize);
        let x = Axis::categorical(&col_labels, &x_shown, &self.figure.x_label, vertical);
        let mut y = Axis::categorical(&row_labels, &y_shown, &self.figure.y_label, false);
        // Row 0 at the top.
        std::mem::swap(&mut y.lo, &mut y.hi);
        let mut plot = frame::plot_rect(c, chart, &x, &y);
        let mut chart = chart;
        if self.square {
            let cell = (plot.width() / cols as f64).min(plot.height() / rows as f64);
            let (w, h) = (cell * cols as f64, cell * rows as f64);
            // Centre the square block and its colour bar in the space the squaring freed.
            let dx = (plot.width() - w) / 2.0;
            plot = Rect::new(plot.x0 + dx, plot.y0, plot.x0 + dx + w, plot.y0 + h);
            chart = Rect::new(chart.x0 + dx, chart.y0, chart.x1 + dx, chart.y1);
        }
        let (mx, my) = frame::maps(&plot, &x, &y);
        let colour = |v: f64| {
            if v.is_finite() {
                viridis((v - lo) / (hi - lo))
            } else {
                MISSING
            }
        };
        // Annotations shrink with the cells, down to a legible minimum.
        let cell_w = plot.width() / cols as f64;
        let cell_h = plot.height() / rows as f64;
        let decimals = annotation_decimals(lo, hi);
        let widest_value = self
            .values
            .iter()
            .flatten()
            .map(|&v| format_value(v, decimals))
            .max_by_key(|t| t.chars().count())
            .unwrap_or_default();
        let probe = TextSpec::new(sz.note());
        let at_note = c.measure(&widest_value, &probe).0.max(1.0);
        let size = sz
            .note()
            .min(sz.note() * cell_w * 0.85 / at_note)
            .min(cell_h * 0.45);
        let note = TextSpec::new(size).align(HAlign::Center, VAlign::Center);
        let fits = self.annotate && size >= sz.px(13.0);
        for (i, row) in self.values.iter().enumerate() {
            for (j, &v) in row.iter().enumerate() {
                let r = Rect::new(
                    mx.map(j as f64 - 0.5),
                    my.map(i as f64 - 0.5),
                    mx.map(j as f64 + 0.5),
                    my.map(i as f64 + 0.5),
                );
                let col = colour(v);
                c.rect(&r, col, 1.0, true, 0)?;
                if fits && v.is_finite() {
                    c.text(
                        &format_value(v, decimals),
                        r.centre(),
                        &note.colour(text_on(col)),
                    )?;
                }
            }
        }
        c.rect(&plot, INK, 1.0, false, sz.thin())?;
        frame::draw_axes(c, &chart, &plot, &x, &y)?;

        // Colour bar.
        let bx0 = plot.x1 + sz.pad() * 2.0;
        let bar = Rect::new(bx0, plot.y0, bx0 + bar_w, plot.y1);
        let steps = 128;
        for k in 0..steps {
            let t0 = k as f64 / steps as f64;
            let t1 = (k + 1) as f64 / steps as f64;
            let strip = Rect::new(
                bar.x0,
                bar.y1 - t1 * bar.height(),
                bar.x1,
                bar.y1 - t0 * bar.height() + 1.0,
            );
            c.rect(&strip, viridis((t0 + t1) / 2.0), 1.0, true, 0)?;
        }
        c.rect(&bar, INK, 1.0, false, sz.thin())?;
        let mb = LinearMap::new(lo, hi, bar.y1, bar.y0);
        let all = c.bounds();
        for (v, l) in bar_ticks.iter().zip(&bar_labels) {
            let py = mb.map(*v);
            c.line(
                &[(bar.x1, py), (bar.x1 + sz.px(10.0), py)],
                INK,
                1.0,
                sz.thin().max(2),
                &all,
            )?;
            c.text(
                l,
                (bar.x1 + sz.px(10.0) + sz.pad() * 0.5, py),
                &tick.align(HAlign::Left, VAlign::Center),
            )?;
        }
        if !self.colour_label.is_empty() {
            let spec = TextSpec::new(sz.label())
                .vertical()
                .align(HAlign::Center, VAlign::Bottom);
            let text = frame::fit_text(c, &self.colour_label, &spec, bar.height());
            let x = bar.x1 + sz.px(10.0) + sz.pad() * 1.5 + widest + sz.label() * 1.2;
            c.text(&text, (x, bar.centre().1), &spec)?;
        }
        if has_nan {
            let y0 = bar.y1 + sz.pad() * 1.5;
            let sw = Rect::new(bar.x0, y0, bar.x1, y0 + bar_w * 0.8);
            c.rect(&sw, MISSING, 1.0, true, 0)?;
            c.rect(&sw, INK, 1.0, false, sz.thin())?;
            c.text(
                "n/a",
                (bar.x1 + sz.px(10.0) + sz.pad() * 0.5, sw.centre().1),
                &tick.align(HAlign::Left, VAlign::Center),
            )?;
        }
        Ok(())
    }
}

/// Decimals that show the value range at about three significant digits.
fn annotation_decimals(lo: f64, hi: f64) -> usize {
    let span = (hi - lo).abs().max(f64::MIN_POSITIVE);
    (2.0 - span.log10().floor()).clamp(0.0, 4.0) as usize
}
