//! Nodes at given positions, edges whose width follows their weight, some highlighted.

use plotters::prelude::DrawingBackend;

use crate::axis::padded_range;
use crate::canvas::{Canvas, HAlign, TextSpec, VAlign};
use crate::figure::Figure;
use crate::frame::{self, LegendEntry, Swatch};
use crate::style::{mix, HIGHLIGHT, INK, PALETTE};
use crate::{Draw, PlotError};

const CHART: &str = "GraphPlot";

#[derive(Debug, Clone, PartialEq)]
pub struct Node {
    pub label: String,
    pub x: f64,
    pub y: f64,
}

impl Node {
    pub fn new(label: impl Into<String>, x: f64, y: f64) -> Self {
        Node {
            label: label.into(),
            x,
            y,
        }
    }
}

/// Undirected edge between node indices; width is proportional to `weight` (>= 0).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Edge {
    pub from: usize,
    pub to: usize,
    pub weight: f64,
    pub highlight: bool,
}

impl Edge {
    pub fn new(from: usize, to: usize, weight: f64) -> Self {
        Edge {
            from,
            to,
            weight,
            highlight: false,
        }
    }
    pub fn highlighted(mut self) -> Self {
        self.highlight = true;
        self
    }
}

/// A weighted graph drawn on data axes (positions are data: an embedding, a layout).
#[derive(Debug, Clone, PartialEq)]
pub struct GraphPlot {
    pub figure: Figure,
    pub nodes: Vec<Node>,
    pub edges: Vec<Edge>,
    /// Legend text for ordinary edges.
    pub edge_label: String,
    /// Legend text for highlighted edges.
    pub highlight_label: String,
}

impl GraphPlot {
    pub fn new(figure: Figure, nodes: Vec<Node>, edges: Vec<Edge>) -> Self {
        GraphPlot {
            figure,
            nodes,
            edges,
            edge_label: "edge (width \u{221D} weight)".into(),
            highlight_label: "highlighted".into(),
        }
    }
    pub fn labels(mut self, edge: impl Into<String>, highlight: impl Into<String>) -> Self {
        self.edge_label = edge.into();
        self.highlight_label = highlight.into();
        self
    }
}

impl Draw for GraphPlot {
    fn figure(&self) -> &Figure {
        &self.figure
    }

    fn draw<DB: DrawingBackend>(&self, c: &Canvas<'_, DB>) -> Result<(), PlotError> {
        let n = self.nodes.len();
        if let Some((i, node)) = self
            .nodes
            .iter()
            .enumerate()
            .find(|(_, p)| !(p.x.is_finite() && p.y.is_finite()))
        {
            return Err(PlotError::invalid(
                CHART,
                format!(
                    "node {i} ({:?}) has a non-finite position ({}, {})",
                    node.label, node.x, node.y
                ),
            ));
        }
        for (k, e) in self.edges.iter().enumerate() {
            if e.from >= n || e.to >= n {
                return Err(PlotError::invalid(
                    CHART,
                    format!(
                        "edge {k} joins nodes {} and {}, but there are only {n} nodes",
                        e.from, e.to
                    ),
                ));
            }
            if !(e.weight.is_finite() && e.weight >= 0.0) {
                return Err(PlotError::invalid(
                    CHART,
                    format!(
                        "edge {k} has weight {}; weights must be finite and non-negative",
                        e.weight
                    ),
                ));
            }
        }
        if n == 0 {
            return frame::no_data(c, &self.figure, "the graph has no nodes");
        }
        let sz = c.sizes();
        let edge_colour = mix(PALETTE[0], INK, 0.15);
        let mut legend = Vec::new();
        if self.edges.iter().any(|e| !e.highlight) {
            legend.push(LegendEntry::new(
                self.edge_label.clone(),
                Swatch::Line(edge_colour),
            ));
        }
        if self.edges.iter().any(|e| e.highlight) {
            legend.push(LegendEntry::new(
                self.highlight_label.clone(),
                Swatch::Line(HIGHLIGHT),
            ));
        }
        let region = frame::begin(c, &self.figure)?;
        let (chart, legend_area) = frame::split_legend(c, region, &legend, self.figure.legend);
        // Generous padding: labels sit beside the nodes.
        let (x_lo, x_hi) =
            padded_range(self.nodes.iter().map(|p| p.x), 0.12).expect("finite nodes");
        let (y_lo, y_hi) =
            padded_range(self.nodes.iter().map(|p| p.y), 0.12).expect("finite nodes");
        let frame::NumericPlot { x, y, plot, mx, my } =
            frame::numeric_plot(c, chart, &self.figure, (x_lo, x_hi), (y_lo, y_hi))?;

        let max_w = self.edges.iter().map(|e| e.weight).fold(0.0, f64::max);
        let (w_min, w_max) = (sz.px(1.5), sz.px(12.0));
        let width = |w: f64| {
            let t = if max_w > 0.0 { w / max_w } else { 0.0 };
            (w_min + (w_max - w_min) * t).round().max(1.0) as u32
        };
        let at = |i: usize| (mx.map(self.nodes[i].x), my.map(self.nodes[i].y));
        let mut order: Vec<&Edge> = self.edges.iter().filter(|e| e.from != e.to).collect();
        // Highlighted edges last (on top), and thin before thick within each kind.
        order.sort_by(|a, b| {
            a.highlight
                .cmp(&b.highlight)
                .then(a.weight.total_cmp(&b.weight))
        });
        for e in order {
            let (col, alpha, extra) = if e.highlight {
                (HIGHLIGHT, 1.0, sz.px(4.0).round() as u32)
            } else {
                (edge_colour, 0.55, 0)
            };
            c.line(
                &[at(e.from), at(e.to)],
                col,
                alpha,
                width(e.weight) + extra,
                &plot,
            )?;
        }
        let r = sz.px(11.0);
        let label = TextSpec::new(sz.note()).align(HAlign::Left, VAlign::Bottom);
        for i in 0..n {
            let p = at(i);
            c.circle(p, r, PALETTE[0], 1.0, true, 0)?;
            c.circle(p, r, INK, 1.0, false, sz.thin().max(2))?;
        }
        for (i, node) in self.nodes.iter().enumerate() {
            let p = at(i);
            c.text(&node.label, (p.0 + r * 0.9, p.1 - r * 0.9), &label)?;
        }
        frame::draw_axes(c, &chart, &plot, &x, &y)?;
        frame::draw_legend(c, legend_area, &plot, &legend, self.figure.legend)
    }
}
