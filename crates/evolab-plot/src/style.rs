//! Colours, font registration and the size scale shared by every chart.

use std::sync::Once;

use plotters::style::{FontStyle, RGBColor};

/// Okabe & Ito (2008) colour-universal-design palette, black dropped (it is reserved for axes,
/// fits and annotations). Order follows common practice so the first few stay distinct under
/// every colour-vision deficiency.
pub const PALETTE: [RGBColor; 7] = [
    RGBColor(0, 114, 178),   // blue
    RGBColor(230, 159, 0),   // orange
    RGBColor(0, 158, 115),   // bluish green
    RGBColor(204, 121, 167), // reddish purple
    RGBColor(86, 180, 233),  // sky blue
    RGBColor(213, 94, 0),    // vermillion
    RGBColor(240, 228, 66),  // yellow
];

/// Colour of the `i`-th series; wraps around after the palette is used up.
pub fn series_colour(i: usize) -> RGBColor {
    PALETTE[i % PALETTE.len()]
}

pub const INK: RGBColor = RGBColor(0, 0, 0);
pub const GRID: RGBColor = RGBColor(225, 225, 225);
pub const MUTED: RGBColor = RGBColor(110, 110, 110);
pub const MISSING: RGBColor = RGBColor(190, 190, 190);
/// Highlight colour for graph edges: vermillion stays visible against the blue default.
pub const HIGHLIGHT: RGBColor = PALETTE[5];

/// The font family name under which the embedded face is registered. SVG output names the
/// same generic family, so viewers substitute their own sans-serif.
pub(crate) const FAMILY: &str = "sans-serif";

static FONTS: Once = Once::new();

/// Registers DejaVu Sans (regular and bold) for the bitmap backend. Idempotent.
pub(crate) fn register_fonts() {
    FONTS.call_once(|| {
        // The bytes come from the `dejavu` crate and are valid TrueType; a failure here would
        // mean a broken dependency, and text would then be missing from PNGs, not a crash.
        let _ = plotters::style::register_font(FAMILY, FontStyle::Normal, dejavu::sans::regular());
        let _ = plotters::style::register_font(FAMILY, FontStyle::Bold, dejavu::sans::bold());
    });
}

/// Pixel sizes for one rendering, derived from the figure size so a smaller figure keeps the
/// same proportions. Values are for the reference size 1600x1000 at scale 1.
#[derive(Debug, Clone, Copy)]
pub struct Sizes {
    pub scale: f64,
}

impl Sizes {
    pub fn new(width: u32, height: u32, supersample: f64) -> Self {
        let reference = (width as f64 / 1600.0).min(height as f64 / 1000.0);
        Sizes {
            scale: reference.clamp(0.35, 4.0) * supersample,
        }
    }
    pub fn px(&self, v: f64) -> f64 {
        v * self.scale
    }
    pub fn title(&self) -> f64 {
        self.px(42.0)
    }
    pub fn label(&self) -> f64 {
        self.px(34.0)
    }
    pub fn tick(&self) -> f64 {
        self.px(29.0)
    }
    pub fn legend(&self) -> f64 {
        self.px(29.0)
    }
    pub fn note(&self) -> f64 {
        self.px(24.0)
    }
    pub fn line(&self) -> u32 {
        self.px(3.5).round().max(1.0) as u32
    }
    pub fn thin(&self) -> u32 {
        self.px(1.5).round().max(1.0) as u32
    }
    pub fn pad(&self) -> f64 {
        self.px(16.0)
    }
}

/// Linear blend of two colours; `t = 0` gives `a`.
pub fn mix(a: RGBColor, b: RGBColor, t: f64) -> RGBColor {
    let t = t.clamp(0.0, 1.0);
    let ch = |x: u8, y: u8| (x as f64 + (y as f64 - x as f64) * t).round() as u8;
    RGBColor(ch(a.0, b.0), ch(a.1, b.1), ch(a.2, b.2))
}

/// Viridis (matplotlib's default map: perceptually uniform, readable in greyscale and by
/// colour-blind readers), interpolated between its nine standard anchor colours.
pub fn viridis(t: f64) -> RGBColor {
    const ANCHORS: [RGBColor; 9] = [
        RGBColor(0x44, 0x01, 0x54),
        RGBColor(0x47, 0x2D, 0x7B),
        RGBColor(0x3B, 0x52, 0x8B),
        RGBColor(0x2C, 0x72, 0x8E),
        RGBColor(0x21, 0x90, 0x8C),
        RGBColor(0x27, 0xAD, 0x81),
        RGBColor(0x5D, 0xC8, 0x63),
        RGBColor(0xAA, 0xDC, 0x32),
        RGBColor(0xFD, 0xE7, 0x25),
    ];
    let t = if t.is_nan() { 0.0 } else { t.clamp(0.0, 1.0) };
    let pos = t * (ANCHORS.len() - 1) as f64;
    let i = (pos.floor() as usize).min(ANCHORS.len() - 2);
    mix(ANCHORS[i], ANCHORS[i + 1], pos - i as f64)
}

/// Black or white, whichever reads better on `bg` (WCAG relative luminance threshold).
pub fn text_on(bg: RGBColor) -> RGBColor {
    let lin = |c: u8| {
        let c = c as f64 / 255.0;
        if c <= 0.03928 {
            c / 12.92
        } else {
            ((c + 0.055) / 1.055).powf(2.4)
        }
    };
    let l = 0.2126 * lin(bg.0) + 0.7152 * lin(bg.1) + 0.0722 * lin(bg.2);
    if l > 0.179 {
        INK
    } else {
        RGBColor(255, 255, 255)
    }
}
