//! Publication figures from plain data, written as PNG and SVG.
//!
//! Each chart kind is a struct of plain numbers and strings plus a [`Figure`] (title, axis
//! titles, size, legend placement). [`save`] writes `<path>.png` and `<path>.svg`;
//! [`render_png`] / [`render_svg`] return the bytes instead. Text in PNGs uses the embedded
//! DejaVu Sans, so output does not depend on installed fonts.
//!
//! Empty or all-NaN data draws a "no data" panel; contradictory input (lengths that disagree,
//! indices out of range, inverted ranges) is a [`PlotError`]. Nothing panics on input data.

mod axis;
mod canvas;
mod charts;
mod error;
mod figure;
mod frame;
mod geometry;
mod render;
pub mod style;

pub use canvas::{Canvas, HAlign, TextSpec, VAlign};
pub use charts::bars::{BarGroup, BarValue, Bars};
pub use charts::graph::{Edge, GraphPlot, Node};
pub use charts::heatmap::Heatmap;
pub use charts::line_bands::{BandSeries, LineBands};
pub use charts::scatter_fit::{Line, ScatterFit, ScatterGroup};
pub use charts::tick_chart::TickChart;
pub use error::PlotError;
pub use figure::{Figure, LegendPosition};
pub use geometry::{LinearMap, Rect};
/// The drawing library underneath, for implementing [`Draw`] on custom charts.
pub use plotters;
pub use render::{render_png, render_svg, save, Draw};
