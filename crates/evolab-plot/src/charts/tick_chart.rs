//! Presence chart: categories along x, rows (stories) down y, a tick where present.

use std::collections::HashMap;

use plotters::prelude::DrawingBackend;

use crate::axis::{thin, Axis};
use crate::canvas::{Canvas, TextSpec};
use crate::figure::Figure;
use crate::frame;
use crate::geometry::Rect;
use crate::style::PALETTE;
use crate::{Draw, PlotError};

const CHART: &str = "TickChart";

/// `rows[r]` lists the indices into `categories` present in row `r`. Row 0 is at the top,
/// as in reading order. Category labels turn vertical and are thinned to fit.
#[derive(Debug, Clone, PartialEq)]
pub struct TickChart {
    pub figure: Figure,
    pub categories: Vec<String>,
    pub rows: Vec<Vec<usize>>,
    /// Empty (row indices are shown) or one per row.
    pub row_labels: Vec<String>,
}

impl TickChart {
    pub fn new(figure: Figure, categories: Vec<String>, rows: Vec<Vec<usize>>) -> Self {
        TickChart {
            figure,
            categories,
            rows,
            row_labels: Vec::new(),
        }
    }

    /// Builds categories in order of first appearance (row by row, item by item) from the
    /// items of each row, e.g. the word stems of each story in a chain.
    pub fn from_sequences<S: AsRef<str>>(figure: Figure, sequences: &[Vec<S>]) -> Self {
        let mut index: HashMap<&str, usize> = HashMap::new();
        let mut categories = Vec::new();
        let mut rows = Vec::with_capacity(sequences.len());
        for seq in sequences {
            let mut row: Vec<usize> = seq
                .iter()
                .map(|item| {
                    let item = item.as_ref();
                    *index.entry(item).or_insert_with(|| {
                        categories.push(item.to_string());
                        categories.len() - 1
                    })
                })
                .collect();
            row.sort_unstable();
            row.dedup();
            rows.push(row);
        }
        TickChart::new(figure, categories, rows)
    }

    pub fn row_labels(mut self, labels: Vec<String>) -> Self {
        self.row_labels = labels;
        self
    }
}

impl Draw for TickChart {
    fn figure(&self) -> &Figure {
        &self.figure
    }

    fn draw<DB: DrawingBackend>(&self, c: &Canvas<'_, DB>) -> Result<(), PlotError> {
        let n = self.categories.len();
        for (r, row) in self.rows.iter().enumerate() {
            if let Some(&bad) = row.iter().find(|&&i| i >= n) {
                return Err(PlotError::invalid(
                    CHART,
                    format!("row {r} refers to category {bad}, but there are only {n} categories"),
                ));
            }
        }
        if !self.row_labels.is_empty() && self.row_labels.len() != self.rows.len() {
            return Err(PlotError::invalid(
                CHART,
                format!(
                    "{} row labels for {} rows; give one per row or none",
                    self.row_labels.len(),
                    self.rows.len()
                ),
            ));
        }
        if n == 0 || self.rows.iter().all(|r| r.is_empty()) {
            return frame::no_data(c, &self.figure, "no row has any category");
        }
        let sz = c.sizes();
        let region = frame::begin(c, &self.figure)?;
        let tick = TextSpec::new(sz.tick());
        let slot = region.width() * 0.85 / n as f64;
        let widest = self
            .categories
            .iter()
            .map(|l| c.measure(l, &tick).0)
            .fold(0.0, f64::max);
        let vertical = widest > slot * 0.9;
        let room = if vertical {
            sz.tick() * 1.15
        } else {
            widest + sz.tick()
        };
        let x_shown = thin(n, (region.width() * 0.85 / room) as usize);
        // Long labels would eat the plot: cap their height at a third of the region.
        let max_label = region.height() / 3.0;
        let cats: Vec<String> = self
            .categories
            .iter()
            .map(|l| {
                if vertical {
                    frame::fit_text(c, l, &tick, max_label)
                } else {
                    l.clone()
                }
            })
            .collect();
        let x = Axis::categorical(&cats, &x_shown, &self.figure.x_label, vertical);
        let rows = self.rows.len();
        let labels: Vec<String> = if self.row_labels.is_empty() {
            (0..rows).map(|i| i.to_string()).collect()
        } else {
            self.row_labels.clone()
        };
        let y_shown = thin(rows, (region.height() * 0.6 / (sz.tick() * 1.3)) as usize);
        let mut y = Axis::categorical(&labels, &y_shown, &self.figure.y_label, false);
        std::mem::swap(&mut y.lo, &mut y.hi);
        let plot = frame::plot_rect(c, region, &x, &y);
        let (mx, my) = frame::maps(&plot, &x, &y);
        frame::draw_grid(c, &plot, None, Some(&y))?;

        let col_px = plot.width() / n as f64;
        let half_w = (col_px * 0.35).max(sz.px(1.0)).min(sz.px(5.0));
        let half_h = (plot.height() / rows as f64 * 0.38).min(sz.px(30.0));
        for (r, row) in self.rows.iter().enumerate() {
            let py = my.map(r as f64);
            for &i in row {
                let px = mx.map(i as f64);
                c.rect(
                    &Rect::new(px - half_w, py - half_h, px + half_w, py + half_h),
                    PALETTE[0],
                    1.0,
                    true,
                    0,
                )?;
            }
        }
        frame::draw_axes(c, &region, &plot, &x, &y)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn categories_follow_first_appearance_and_rows_are_deduplicated() {
        let seqs = vec![vec!["cat", "dog", "cat"], vec!["fish", "dog"]];
        let t = TickChart::from_sequences(Figure::new("t", "x", "y"), &seqs);
        assert_eq!(t.categories, vec!["cat", "dog", "fish"]);
        assert_eq!(t.rows, vec![vec![0, 1], vec![1, 2]]);
    }
}
