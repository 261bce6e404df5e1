//! Every chart kind rendered to real PNG and SVG files, decoded and inspected.

use std::collections::HashSet;
use std::io::Cursor;
use std::path::Path;

use evolab_plot::style::{HIGHLIGHT, MISSING, PALETTE};
use evolab_plot::*;

struct Image {
    width: u32,
    height: u32,
    rgb: Vec<u8>,
}

impl Image {
    fn pixels(&self) -> impl Iterator<Item = (u8, u8, u8)> + '_ {
        self.rgb.chunks_exact(3).map(|p| (p[0], p[1], p[2]))
    }
    fn count(&self, c: plotters::style::RGBColor) -> usize {
        self.pixels().filter(|&p| p == (c.0, c.1, c.2)).count()
    }
    fn distinct(&self) -> usize {
        self.pixels().collect::<HashSet<_>>().len()
    }
}

fn decode(bytes: &[u8]) -> Image {
    let decoder = png::Decoder::new(Cursor::new(bytes));
    let mut reader = decoder.read_info().expect("valid PNG header");
    let mut buf = vec![0; reader.output_buffer_size().expect("size")];
    let info = reader.next_frame(&mut buf).expect("PNG frame");
    assert_eq!(info.color_type, png::ColorType::Rgb);
    buf.truncate(info.buffer_size());
    Image {
        width: info.width,
        height: info.height,
        rgb: buf,
    }
}

/// Saves `chart` into a fresh folder, checks both files, returns the decoded PNG and the SVG.
fn save_and_check(chart: &impl Draw, texts: &[&str]) -> (Image, String) {
    let dir = tempfile::tempdir().unwrap();
    let base = dir.path().join("sub").join("figure");
    let written = save(chart, &base).expect("save");
    let png_path = dir.path().join("sub/figure.png");
    let svg_path = dir.path().join("sub/figure.svg");
    assert_eq!(written, vec![png_path.clone(), svg_path.clone()]);
    let img = decode(&std::fs::read(&png_path).unwrap());
    let fig = chart.figure();
    assert_eq!((img.width, img.height), (fig.width, fig.height));
    assert!(
        img.distinct() >= 8,
        "PNG looks blank: {} colours",
        img.distinct()
    );
    let svg = std::fs::read_to_string(&svg_path).unwrap();
    assert!(svg.starts_with("<svg"), "not an SVG document");
    assert!(svg.contains(&format!("width=\"{}\"", fig.width)));
    for t in [
        fig.title.as_str(),
        fig.x_label.as_str(),
        fig.y_label.as_str(),
    ]
    .iter()
    .chain(texts)
    {
        assert!(svg.contains(t), "SVG lacks text {t:?}");
    }
    (img, svg)
}

fn fig(title: &str) -> Figure {
    Figure::new(title, "X axis title", "Y axis title").size(900, 600)
}

fn ramp(n: usize, f: impl Fn(f64) -> f64) -> (Vec<f64>, Vec<f64>) {
    let x: Vec<f64> = (0..n).map(|i| i as f64).collect();
    let y = x.iter().map(|&v| f(v)).collect();
    (x, y)
}

#[test]
fn line_bands_draw_each_series_in_its_palette_colour() {
    let (x, a) = ramp(15, |v| 0.1 * v);
    let (_, b) = ramp(15, |v| 1.5 - 0.05 * v);
    let lower: Vec<f64> = a.iter().map(|v| v - 0.1).collect();
    let upper: Vec<f64> = a.iter().map(|v| v + 0.1).collect();
    let chart = LineBands::new(fig("Metric by generation"))
        .series(
            BandSeries::new("first series", x.clone(), a.clone())
                .band(lower, upper)
                .replicates(vec![a.clone(), b.clone()]),
        )
        .series(BandSeries::new("second series", x, b));
    let (img, svg) = save_and_check(&chart, &["first series", "second series"]);
    assert!(img.count(PALETTE[0]) > 500, "series 0 colour missing");
    assert!(img.count(PALETTE[1]) > 500, "series 1 colour missing");
    assert_eq!(
        img.count(PALETTE[2]),
        0,
        "a third colour appeared for two series"
    );
    assert!(!svg.contains("no data"));
}

#[test]
fn line_bands_bridge_nan_gaps_and_respect_a_fixed_range() {
    let mean = vec![0.1, f64::NAN, 0.3, 0.4, f64::INFINITY, 0.6];
    let x: Vec<f64> = (0..6).map(|i| i as f64).collect();
    let lower = vec![0.0, 0.1, f64::NAN, 0.3, 0.4, 0.5];
    let upper = vec![0.2, 0.3, 0.4, 0.5, 0.6, 0.7];
    // The fixed range cuts the data: lines must be clipped, not drawn over the axes.
    let chart = LineBands::new(fig("Gaps"))
        .y_range(0.0, 0.35)
        .series(BandSeries::new("s", x, mean).band(lower, upper));
    let (img, svg) = save_and_check(&chart, &[]);
    assert!(img.count(PALETTE[0]) > 0);
    assert!(
        svg.contains("0.35") || svg.contains("0.30"),
        "fixed range ticks missing"
    );
}

#[test]
fn scatter_fit_shows_the_fit_equation_and_the_mark() {
    let pts: Vec<(f64, f64)> = (0..10)
        .map(|i| (i as f64 / 10.0, 0.5 * i as f64 / 10.0 + 0.2))
        .collect();
    let group = ScatterGroup::new("task A", pts)
        .fit_least_squares()
        .mark(0.4, 0.4);
    assert_eq!(
        group
            .fit
            .unwrap()
            .meets_diagonal()
            .map(|v| (v * 1e9).round() / 1e9),
        Some(0.4)
    );
    let chart = ScatterFit::new(fig("Initial vs final"))
        .group(group)
        .mark_label("attractor");
    let (img, _) = save_and_check(&chart, &["task A: y = 0.50x + 0.20", "attractor", "y = x"]);
    assert!(img.count(PALETTE[0]) > 200);
}

#[test]
fn bars_mark_missing_values_as_na_not_zero() {
    let cats: Vec<String> = ["alpha", "beta", "gamma"]
        .iter()
        .map(|s| s.to_string())
        .collect();
    let full = Bars::new(fig("Bars"), cats.clone()).group(BarGroup::new(
        "g",
        vec![
            Some(BarValue::with_ci(0.5, 0.4, 0.6)),
            Some(BarValue::new(0.2)),
            Some(BarValue::new(-0.3)),
        ],
    ));
    let (_, svg) = save_and_check(&full, &["alpha", "beta", "gamma"]);
    assert!(!svg.contains("n/a"));

    let gappy = Bars::new(fig("Bars with gaps"), cats).group(BarGroup::new(
        "g",
        vec![
            Some(BarValue::new(0.5)),
            None,
            Some(BarValue::new(f64::NAN)),
        ],
    ));
    let (img, svg) = save_and_check(&gappy, &["alpha"]);
    assert_eq!(svg.matches("n/a").count(), 2, "each missing bar says n/a");
    assert!(img.count(PALETTE[0]) > 100);
}

#[test]
fn bars_with_many_long_categories_still_render() {
    let cats: Vec<String> = (0..60)
        .map(|i| format!("a rather long category name {i}"))
        .collect();
    let values = (0..60).map(|i| Some(BarValue::new(i as f64))).collect();
    let chart = Bars::new(fig("Many bars"), cats).group(BarGroup::new("", values));
    let (_, svg) = save_and_check(&chart, &["a rather long category name 0"]);
    // Labels are thinned rather than overprinted.
    assert!(svg.matches("a rather long category name").count() < 60);
}

#[test]
fn heatmap_draws_nan_cells_grey_and_annotates() {
    let m = vec![
        vec![0.0, 0.5, 1.0],
        vec![0.25, f64::NAN, 0.75],
        vec![1.0, 0.5, 0.0],
    ];
    let chart = Heatmap::new(fig("Similarity"), m.clone())
        .labels(
            vec!["r0".into(), "r1".into(), "r2".into()],
            vec!["c0".into(), "c1".into(), "c2".into()],
        )
        .colour_label("cosine")
        .annotate(true);
    let (img, svg) = save_and_check(&chart, &["r0", "c2", "cosine", "0.75", "n/a"]);
    assert!(img.count(MISSING) > 1000, "NaN cell should be grey");

    let mut full = m;
    full[1][1] = 0.5;
    let (img, svg2) = save_and_check(&Heatmap::new(fig("Similarity"), full).range(0.0, 1.0), &[]);
    // A few anti-aliased text pixels may hit the exact grey; a cell is thousands.
    assert!(img.count(MISSING) < 50, "no NaN, no grey cell");
    assert!(!svg2.contains("n/a"));
    assert!(svg.contains("0.75"));
}

#[test]
fn tick_chart_thins_many_categories() {
    let stories: Vec<Vec<String>> = (0..12)
        .map(|s| {
            (0..300)
                .filter(|w| (w + s) % 7 != 0)
                .map(|w| format!("w{w}"))
                .collect()
        })
        .collect();
    let chart = TickChart::from_sequences(fig("Word chain"), &stories);
    assert_eq!(chart.categories.len(), 300);
    let (img, svg) = save_and_check(&chart, &["w1"]);
    // Plotters writes each text element's content on a line of its own.
    let labels = svg
        .lines()
        .filter(|l| l.starts_with('w') && l[1..].parse::<u32>().is_ok())
        .count();
    assert!(
        labels > 10 && labels < 300,
        "{labels} category labels shown"
    );
    assert!(img.count(PALETTE[0]) > 1000);
}

#[test]
fn graph_highlights_only_marked_edges() {
    let nodes = vec![
        Node::new("a", 0.0, 0.0),
        Node::new("b", 1.0, 0.0),
        Node::new("c", 0.5, 1.0),
    ];
    let plain = GraphPlot::new(
        fig("Graph"),
        nodes.clone(),
        vec![Edge::new(0, 1, 1.0), Edge::new(1, 2, 3.0)],
    );
    let (img, _) = save_and_check(&plain, &["a", "b", "c"]);
    assert_eq!(img.count(HIGHLIGHT), 0);
    let marked = GraphPlot::new(
        fig("Graph"),
        nodes,
        vec![Edge::new(0, 1, 1.0), Edge::new(1, 2, 3.0).highlighted()],
    );
    let (img, _) = save_and_check(&marked, &["highlighted"]);
    assert!(img.count(HIGHLIGHT) > 300);
}

#[test]
fn empty_inputs_draw_a_no_data_panel() {
    let (x, nan) = ramp(5, |_| f64::NAN);
    let cases: Vec<(String, String)> = vec![
        (
            "LineBands empty".into(),
            render_svg(&LineBands::new(fig("a"))).unwrap(),
        ),
        (
            "LineBands NaN".into(),
            render_svg(&LineBands::new(fig("a")).series(BandSeries::new("s", x, nan))).unwrap(),
        ),
        (
            "ScatterFit".into(),
            render_svg(
                &ScatterFit::new(fig("b")).group(ScatterGroup::new("g", vec![(f64::NAN, 1.0)])),
            )
            .unwrap(),
        ),
        (
            "Bars".into(),
            render_svg(&Bars::new(fig("c"), vec![])).unwrap(),
        ),
        (
            "Heatmap empty".into(),
            render_svg(&Heatmap::new(fig("d"), vec![])).unwrap(),
        ),
        (
            "Heatmap NaN".into(),
            render_svg(&Heatmap::new(fig("d"), vec![vec![f64::NAN; 2]; 2])).unwrap(),
        ),
        (
            "TickChart".into(),
            render_svg(&TickChart::from_sequences(
                fig("e"),
                &Vec::<Vec<String>>::new(),
            ))
            .unwrap(),
        ),
        (
            "GraphPlot".into(),
            render_svg(&GraphPlot::new(fig("f"), vec![], vec![])).unwrap(),
        ),
    ];
    for (name, svg) in cases {
        assert!(svg.contains("no data"), "{name}: no 'no data' panel");
        assert!(svg.contains("X axis title"), "{name}: axis title missing");
    }
    let img = decode(&render_png(&Bars::new(fig("c"), vec![])).unwrap());
    assert!(img.distinct() >= 8);
}

#[test]
fn contradictory_inputs_are_errors_that_say_what_is_wrong() {
    let err = |r: Result<String, PlotError>| r.expect_err("should fail").to_string();
    let e = err(render_svg(
        &LineBands::new(fig("a")).series(BandSeries::new("bad series", vec![1.0, 2.0], vec![1.0])),
    ));
    assert!(
        e.contains("bad series") && e.contains("mean has 1 values but x has 2"),
        "{e}"
    );
    let e = err(render_svg(&LineBands::new(fig("a")).y_range(1.0, 0.0)));
    assert!(e.contains("y_range"), "{e}");
    let e = err(render_svg(&Heatmap::new(
        fig("h"),
        vec![vec![1.0, 2.0], vec![1.0]],
    )));
    assert!(e.contains("rectangular"), "{e}");
    let e = err(render_svg(&TickChart::new(
        fig("t"),
        vec!["a".into()],
        vec![vec![0, 3]],
    )));
    assert!(e.contains("category 3"), "{e}");
    let nodes = vec![Node::new("a", 0.0, 0.0)];
    let e = err(render_svg(&GraphPlot::new(
        fig("g"),
        nodes.clone(),
        vec![Edge::new(0, 5, 1.0)],
    )));
    assert!(e.contains("only 1 nodes"), "{e}");
    let e = err(render_svg(&GraphPlot::new(
        fig("g"),
        nodes,
        vec![Edge::new(0, 0, f64::NAN)],
    )));
    assert!(e.contains("weight NaN"), "{e}");
    let e = err(render_svg(&GraphPlot::new(
        fig("g"),
        vec![Node::new("x", f64::NAN, 0.0)],
        vec![],
    )));
    assert!(e.contains("non-finite position"), "{e}");
    let e = err(render_svg(
        &Bars::new(fig("b"), vec!["a".into()]).group(BarGroup::new("g", vec![])),
    ));
    assert!(e.contains("0 values for 1 categories"), "{e}");
    let e = render_png(&LineBands::new(fig("a").size(0, 10)))
        .expect_err("size")
        .to_string();
    assert!(e.contains("0x10"), "{e}");
    assert!(matches!(
        save(&LineBands::new(fig("a")), Path::new("")),
        Err(PlotError::NoFileName { .. })
    ));
}

#[test]
fn odd_text_is_escaped_and_never_panics() {
    let title = "Rock & roll <ü> 🎸 \u{200b}";
    let chart = Bars::new(
        Figure::new(title, "naïve x", "日本語 y"),
        vec!["e\u{301}".into(), "🙂".into()],
    )
    .group(BarGroup::new("g&h", vec![Some(BarValue::new(1.0)), None]));
    let svg = render_svg(&chart).unwrap();
    assert!(svg.contains("Rock &amp; roll &lt;ü&gt;"));
    let img = decode(&render_png(&chart).unwrap());
    assert!(img.distinct() >= 8);
}

#[test]
fn extensions_are_appended_not_replaced() {
    let dir = tempfile::tempdir().unwrap();
    let written = save(&LineBands::new(fig("a")), &dir.path().join("fig.v2")).unwrap();
    assert_eq!(written[0], dir.path().join("fig.v2.png"));
    assert_eq!(written[1], dir.path().join("fig.v2.svg"));
}
