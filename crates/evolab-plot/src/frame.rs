//! Page layout shared by the charts: title, outside legend, axes with ticks and titles, and
//! the "no data" panel.

use plotters::prelude::DrawingBackend;
use plotters::style::RGBColor;

use crate::axis::Axis;
use crate::canvas::{Canvas, HAlign, TextSpec, VAlign};
use crate::figure::{Figure, LegendPosition};
use crate::geometry::{LinearMap, Rect};
use crate::style::{self, GRID, INK, MUTED};
use crate::PlotError;

/// The little picture in front of a legend label.
#[derive(Debug, Clone, Copy)]
pub(crate) enum Swatch {
    Line(RGBColor),
    /// A line over a translucent band.
    Band(RGBColor),
    Dashed(RGBColor),
    Point(RGBColor),
    Diamond(RGBColor),
    Bar(RGBColor),
}

#[derive(Debug, Clone)]
pub(crate) struct LegendEntry {
    pub label: String,
    pub swatch: Swatch,
}

impl LegendEntry {
    pub fn new(label: impl Into<String>, swatch: Swatch) -> Self {
        LegendEntry {
            label: label.into(),
            swatch,
        }
    }
}

/// Clears the page and sets the title; returns the region left for the chart.
pub(crate) fn begin<DB: DrawingBackend>(c: &Canvas<DB>, fig: &Figure) -> Result<Rect, PlotError> {
    let s = c.sizes();
    c.fill(RGBColor(255, 255, 255))?;
    let page = c.bounds().inflate(-s.pad());
    if fig.title.trim().is_empty() {
        return Ok(page);
    }
    let spec = TextSpec::new(s.title())
        .bold()
        .align(HAlign::Center, VAlign::Top);
    let title = fit_text(c, &fig.title, &spec, page.width());
    c.text(&title, (page.centre().0, page.y0 + s.px(6.0)), &spec)?;
    Ok(Rect::new(
        page.x0,
        page.y0 + s.title() * 1.25 + s.px(10.0),
        page.x1,
        page.y1,
    ))
}

/// Shortens `text` with an ellipsis until it fits `width`.
pub(crate) fn fit_text<DB: DrawingBackend>(
    c: &Canvas<DB>,
    text: &str,
    spec: &TextSpec,
    width: f64,
) -> String {
    if c.measure(text, spec).0 <= width {
        return text.to_string();
    }
    let chars: Vec<char> = text.chars().collect();
    let mut n = chars.len();
    while n > 1 {
        n -= 1;
        let t: String = chars[..n].iter().collect::<String>() + "\u{2026}";
        if c.measure(&t, spec).0 <= width {
            return t;
        }
    }
    "\u{2026}".into()
}

fn legend_spec<DB: DrawingBackend>(c: &Canvas<DB>) -> TextSpec {
    TextSpec::new(c.sizes().legend()).align(HAlign::Left, VAlign::Center)
}

/// Splits `region` into the chart part and the legend part (if any).
pub(crate) fn split_legend<DB: DrawingBackend>(
    c: &Canvas<DB>,
    region: Rect,
    entries: &[LegendEntry],
    position: LegendPosition,
) -> (Rect, Option<Rect>) {
    if entries.is_empty() || position == LegendPosition::Hidden {
        return (region, None);
    }
    let s = c.sizes();
    let spec = legend_spec(c);
    let swatch = s.px(56.0);
    match position {
        LegendPosition::Right => {
            let widest = entries
                .iter()
                .map(|e| c.measure(&e.label, &spec).0)
                .fold(0.0, f64::max);
            let w = (swatch + s.pad() * 3.0 + widest).min(region.width() * 0.4);
            (
                Rect::new(region.x0, region.y0, region.x1 - w, region.y1),
                Some(Rect::new(
                    region.x1 - w + s.pad(),
                    region.y0,
                    region.x1,
                    region.y1,
                )),
            )
        }
        LegendPosition::Below => {
            let rows = below_rows(c, entries, region.width());
            let h = rows.len() as f64 * s.legend() * 1.5 + s.pad();
            (
                Rect::new(region.x0, region.y0, region.x1, region.y1 - h),
                Some(Rect::new(
                    region.x0,
                    region.y1 - h + s.pad(),
                    region.x1,
                    region.y1,
                )),
            )
        }
        LegendPosition::Hidden => (region, None),
    }
}

/// Greedy wrapping of legend entries into rows of total width at most `width`.
fn below_rows<DB: DrawingBackend>(
    c: &Canvas<DB>,
    entries: &[LegendEntry],
    width: f64,
) -> Vec<Vec<usize>> {
    let s = c.sizes();
    let spec = legend_spec(c);
    let mut rows: Vec<Vec<usize>> = vec![vec![]];
    let mut used = 0.0;
    for (i, e) in entries.iter().enumerate() {
        let w = s.px(56.0) + s.pad() * 2.5 + c.measure(&e.label, &spec).0;
        if used + w > width && !rows.last().expect("one row").is_empty() {
            rows.push(vec![]);
            used = 0.0;
        }
        rows.last_mut().expect("one row").push(i);
        used += w;
    }
    rows
}

/// Draws the legend into `area` (from [`split_legend`]); `plot` aligns a right-hand legend
/// with the top of the plotting area.
pub(crate) fn draw_legend<DB: DrawingBackend>(
    c: &Canvas<DB>,
    area: Option<Rect>,
    plot: &Rect,
    entries: &[LegendEntry],
    position: LegendPosition,
) -> Result<(), PlotError> {
    let Some(area) = area else { return Ok(()) };
    let s = c.sizes();
    let mut spec = legend_spec(c);
    let swatch_w = s.px(56.0);
    match position {
        LegendPosition::Right => {
            // Shrink the text when the entries would not fit the plot height.
            let mut row = spec.size * 1.5;
            let room = (area.y1 - plot.y0).max(row);
            if row * entries.len() as f64 > room {
                row = room / entries.len() as f64;
                spec.size = (row / 1.5).max(s.px(10.0));
            }
            let text_w = area.width() - swatch_w - s.pad();
            for (i, e) in entries.iter().enumerate() {
                let y = plot.y0 + row * (i as f64 + 0.5);
                swatch(c, e.swatch, area.x0, y, swatch_w)?;
                let label = fit_text(c, &e.label, &spec, text_w);
                c.text(&label, (area.x0 + swatch_w + s.pad() * 0.6, y), &spec)?;
            }
        }
        LegendPosition::Below => {
            let rows = below_rows(c, entries, area.width());
            for (r, idx) in rows.iter().enumerate() {
                let widths: Vec<f64> = idx
                    .iter()
                    .map(|&i| swatch_w + s.pad() * 2.5 + c.measure(&entries[i].label, &spec).0)
                    .collect();
                let total: f64 = widths.iter().sum();
                let mut x = area.centre().0 - total / 2.0;
                let y = area.y0 + spec.size * 1.5 * (r as f64 + 0.5);
                for (k, &i) in idx.iter().enumerate() {
                    swatch(c, entries[i].swatch, x, y, swatch_w)?;
                    c.text(&entries[i].label, (x + swatch_w + s.pad() * 0.6, y), &spec)?;
                    x += widths[k];
                }
            }
        }
        LegendPosition::Hidden => {}
    }
    Ok(())
}

fn swatch<DB: DrawingBackend>(
    c: &Canvas<DB>,
    kind: Swatch,
    x: f64,
    y: f64,
    w: f64,
) -> Result<(), PlotError> {
    let s = c.sizes();
    let all = c.bounds();
    let h = s.legend() * 0.7;
    let line = [(x, y), (x + w, y)];
    match kind {
        Swatch::Line(col) => c.line(&line, col, 1.0, s.line(), &all),
        Swatch::Band(col) => {
            c.rect(
                &Rect::new(x, y - h / 2.0, x + w, y + h / 2.0),
                col,
                0.25,
                true,
                0,
            )?;
            c.line(&line, col, 1.0, s.line(), &all)
        }
        Swatch::Dashed(col) => c.dashed(&line, col, s.line(), s.px(9.0), s.px(6.0), &all),
        Swatch::Point(col) => {
            c.circle((x + w / 2.0, y), s.px(8.0), col, 0.85, true, 0)?;
            c.circle((x + w / 2.0, y), s.px(8.0), INK, 0.6, false, s.thin())
        }
        Swatch::Diamond(col) => diamond(c, (x + w / 2.0, y), s.px(13.0), col, &all),
        Swatch::Bar(col) => c.rect(
            &Rect::new(x + w * 0.2, y - h / 2.0, x + w * 0.8, y + h / 2.0),
            col,
            1.0,
            true,
            0,
        ),
    }
}

/// A filled diamond with a black outline (marked points).
pub(crate) fn diamond<DB: DrawingBackend>(
    c: &Canvas<DB>,
    at: (f64, f64),
    r: f64,
    col: RGBColor,
    clip: &Rect,
) -> Result<(), PlotError> {
    let pts = [
        (at.0, at.1 - r),
        (at.0 + r, at.1),
        (at.0, at.1 + r),
        (at.0 - r, at.1),
    ];
    c.polygon(&pts, col, 1.0, clip)?;
    let mut ring = pts.to_vec();
    ring.push(pts[0]);
    c.line(&ring, INK, 1.0, c.sizes().thin().max(2), clip)
}

fn tick_spec<DB: DrawingBackend>(c: &Canvas<DB>) -> TextSpec {
    TextSpec::new(c.sizes().tick())
}

/// The plotting rectangle left inside `region` once room is made for tick labels and axis
/// titles of `x` and `y`.
pub(crate) fn plot_rect<DB: DrawingBackend>(
    c: &Canvas<DB>,
    region: Rect,
    x: &Axis,
    y: &Axis,
) -> Rect {
    let s = c.sizes();
    let tick = tick_spec(c);
    let tick_len = s.px(10.0);
    let widest_y = y
        .ticks
        .iter()
        .map(|(_, l)| c.measure(l, &tick).0)
        .fold(0.0, f64::max);
    let left = if y.title.is_empty() {
        0.0
    } else {
        s.label() * 1.3
    } + widest_y
        + tick_len
        + s.pad();
    let x_tick_h = if x.vertical_labels {
        x.ticks
            .iter()
            .map(|(_, l)| c.measure(l, &tick).0)
            .fold(0.0, f64::max)
    } else {
        s.tick()
    };
    let bottom = tick_len
        + s.pad() * 0.8
        + x_tick_h
        + if x.title.is_empty() {
            0.0
        } else {
            s.pad() + s.label() * 1.1
        };
    // Room on the right for the last x label to overhang the axis end.
    let right = if x.vertical_labels {
        s.pad()
    } else {
        s.tick() * 1.2
    };
    let top = s.px(6.0);
    Rect::new(
        region.x0 + left,
        region.y0 + top,
        region.x1 - right,
        region.y1 - bottom,
    )
}

/// A plot with numeric x and y axes over the given ranges: its axes, its plotting
/// rectangle inside `chart`, the data-to-pixel maps, and the grid already drawn.
pub(crate) struct NumericPlot {
    pub x: Axis,
    pub y: Axis,
    pub plot: Rect,
    pub mx: LinearMap,
    pub my: LinearMap,
}

pub(crate) fn numeric_plot<DB: DrawingBackend>(
    c: &Canvas<DB>,
    chart: Rect,
    fig: &Figure,
    x_range: (f64, f64),
    y_range: (f64, f64),
) -> Result<NumericPlot, PlotError> {
    let sz = c.sizes();
    let x = Axis::numeric(
        x_range.0,
        x_range.1,
        crate::charts::tick_target(chart.width() * 0.8, sz.tick() * 4.0),
        &fig.x_label,
    );
    let y = Axis::numeric(
        y_range.0,
        y_range.1,
        crate::charts::tick_target(chart.height() * 0.8, sz.tick() * 2.2),
        &fig.y_label,
    );
    let plot = plot_rect(c, chart, &x, &y);
    let (mx, my) = maps(&plot, &x, &y);
    draw_grid(c, &plot, Some(&x), Some(&y))?;
    Ok(NumericPlot { x, y, plot, mx, my })
}

/// Data-to-pixel maps for a plot rectangle.
pub(crate) fn maps(plot: &Rect, x: &Axis, y: &Axis) -> (LinearMap, LinearMap) {
    (
        LinearMap::new(x.lo, x.hi, plot.x0, plot.x1),
        LinearMap::new(y.lo, y.hi, plot.y1, plot.y0),
    )
}

/// Light grid lines at the ticks; drawn before the data.
pub(crate) fn draw_grid<DB: DrawingBackend>(
    c: &Canvas<DB>,
    plot: &Rect,
    x: Option<&Axis>,
    y: Option<&Axis>,
) -> Result<(), PlotError> {
    let w = c.sizes().thin();
    if let Some(x) = x {
        let (mx, _) = maps(plot, x, x);
        for (v, _) in &x.ticks {
            let px = mx.map(*v);
            c.line(&[(px, plot.y0), (px, plot.y1)], GRID, 1.0, w, plot)?;
        }
    }
    if let Some(y) = y {
        let my = LinearMap::new(y.lo, y.hi, plot.y1, plot.y0);
        for (v, _) in &y.ticks {
            let py = my.map(*v);
            c.line(&[(plot.x0, py), (plot.x1, py)], GRID, 1.0, w, plot)?;
        }
    }
    Ok(())
}

/// Left and bottom spines, outward ticks, tick labels and axis titles; drawn after the data.
pub(crate) fn draw_axes<DB: DrawingBackend>(
    c: &Canvas<DB>,
    region: &Rect,
    plot: &Rect,
    x: &Axis,
    y: &Axis,
) -> Result<(), PlotError> {
    let s = c.sizes();
    let all = c.bounds();
    let tick_len = s.px(10.0);
    let w = s.thin().max(2);
    let (mx, my) = maps(plot, x, y);
    c.line(
        &[(plot.x0, plot.y0), (plot.x0, plot.y1), (plot.x1, plot.y1)],
        INK,
        1.0,
        w,
        &all,
    )?;

    let tick = tick_spec(c);
    for (v, label) in &x.ticks {
        let px = mx.map(*v);
        if px < plot.x0 - 0.5 || px > plot.x1 + 0.5 {
            continue;
        }
        c.line(
            &[(px, plot.y1), (px, plot.y1 + tick_len)],
            INK,
            1.0,
            w,
            &all,
        )?;
        let at = (px, plot.y1 + tick_len + s.pad() * 0.5);
        if x.vertical_labels {
            let spec = tick.vertical().align(HAlign::Right, VAlign::Center);
            c.text(label, at, &spec)?;
        } else {
            c.text(label, at, &tick.align(HAlign::Center, VAlign::Top))?;
        }
    }
    for (v, label) in &y.ticks {
        let py = my.map(*v);
        if py < plot.y0 - 0.5 || py > plot.y1 + 0.5 {
            continue;
        }
        c.line(
            &[(plot.x0 - tick_len, py), (plot.x0, py)],
            INK,
            1.0,
            w,
            &all,
        )?;
        c.text(
            label,
            (plot.x0 - tick_len - s.pad() * 0.5, py),
            &tick.align(HAlign::Right, VAlign::Center),
        )?;
    }

    let title = TextSpec::new(s.label());
    if !x.title.is_empty() {
        let spec = title.align(HAlign::Center, VAlign::Bottom);
        let text = fit_text(c, &x.title, &spec, plot.width());
        c.text(&text, (plot.centre().0, region.y1), &spec)?;
    }
    if !y.title.is_empty() {
        let spec = title.vertical().align(HAlign::Center, VAlign::Top);
        let text = fit_text(c, &y.title, &spec, plot.height());
        c.text(&text, (region.x0, plot.centre().1), &spec)?;
    }
    Ok(())
}

/// A framed empty panel with the axis titles and a centred message, used instead of a chart
/// when there is nothing to draw.
pub(crate) fn no_data<DB: DrawingBackend>(
    c: &Canvas<DB>,
    fig: &Figure,
    reason: &str,
) -> Result<(), PlotError> {
    let s = c.sizes();
    let region = begin(c, fig)?;
    let x = Axis::numeric(0.0, 1.0, 0, &fig.x_label);
    let y = Axis::numeric(0.0, 1.0, 0, &fig.y_label);
    let x = Axis { ticks: vec![], ..x };
    let y = Axis { ticks: vec![], ..y };
    let plot = plot_rect(c, region, &x, &y);
    c.rect(&plot, style::MISSING, 0.15, true, 0)?;
    draw_axes(c, &region, &plot, &x, &y)?;
    let (cx, cy) = plot.centre();
    c.text(
        "no data",
        (cx, cy - s.label() * 0.2),
        &TextSpec::new(s.label() * 1.2)
            .bold()
            .colour(MUTED)
            .align(HAlign::Center, VAlign::Bottom),
    )?;
    let spec = TextSpec::new(s.note())
        .colour(MUTED)
        .align(HAlign::Center, VAlign::Top);
    let reason = fit_text(c, reason, &spec, plot.width() * 0.9);
    c.text(&reason, (cx, cy + s.label() * 0.2), &spec)
}
