//! Turning a chart into PNG bytes, SVG text, or both files on disk.

use std::ffi::OsString;
use std::path::{Path, PathBuf};

use plotters::prelude::*;

use crate::canvas::Canvas;
use crate::figure::Figure;
use crate::style::{register_fonts, Sizes};
use crate::PlotError;

/// Anything that can draw itself as a figure. Every chart kind implements it; implement it for
/// your own chart by drawing through the [`Canvas`] primitives.
pub trait Draw {
    fn figure(&self) -> &Figure;

    /// Draws the whole figure. The canvas is `figure().width x figure().height` times
    /// `canvas.sizes().scale`-related supersampling; use `canvas.bounds()` for its extent.
    fn draw<DB: DrawingBackend>(&self, canvas: &Canvas<'_, DB>) -> Result<(), PlotError>;
}

/// The bitmap is drawn at this multiple of the figure size and averaged down: plotters does
/// not anti-alias lines, and this gives smooth edges at modest cost.
const SUPERSAMPLE: u32 = 2;

/// Resolution recorded in the PNG (pHYs chunk): the default 1600x1000 prints 8x5 inches.
const PNG_DPI: f64 = 200.0;

/// Renders the figure as PNG file bytes.
pub fn render_png(chart: &impl Draw) -> Result<Vec<u8>, PlotError> {
    let fig = chart.figure();
    fig.check_size()?;
    register_fonts();
    let (w, h) = (fig.width * SUPERSAMPLE, fig.height * SUPERSAMPLE);
    let mut big = vec![255u8; w as usize * h as usize * 3];
    {
        let root = BitMapBackend::with_buffer(&mut big, (w, h)).into_drawing_area();
        let canvas = Canvas::new(
            &root,
            Sizes::new(fig.width, fig.height, SUPERSAMPLE as f64),
            "PNG",
        );
        chart.draw(&canvas)?;
        root.present().map_err(|e| PlotError::Backend {
            backend: "PNG",
            message: e.to_string(),
        })?;
    }
    let small = downsample(&big, w as usize, h as usize, SUPERSAMPLE as usize);
    encode_png(&small, fig.width, fig.height)
}

/// Renders the figure as an SVG document. Text stays text (searchable, editable), set in the
/// viewer's sans-serif face.
pub fn render_svg(chart: &impl Draw) -> Result<String, PlotError> {
    let fig = chart.figure();
    fig.check_size()?;
    register_fonts();
    let mut out = String::new();
    {
        let root = SVGBackend::with_string(&mut out, (fig.width, fig.height)).into_drawing_area();
        let canvas = Canvas::new(&root, Sizes::new(fig.width, fig.height, 1.0), "SVG");
        chart.draw(&canvas)?;
        root.present().map_err(|e| PlotError::Backend {
            backend: "SVG",
            message: e.to_string(),
        })?;
    }
    Ok(out)
}

/// Writes `<path>.png` and `<path>.svg` (creating the folder if needed) and returns both paths.
/// The extensions are appended, so `out/fig.v2` gives `out/fig.v2.png`.
pub fn save(chart: &impl Draw, path_without_ext: &Path) -> Result<Vec<PathBuf>, PlotError> {
    if path_without_ext.file_name().is_none() {
        return Err(PlotError::NoFileName {
            path: path_without_ext.to_path_buf(),
        });
    }
    // Render both before touching the disk, so a failure leaves no half-written pair.
    let png = render_png(chart)?;
    let svg = render_svg(chart)?;
    if let Some(dir) = path_without_ext
        .parent()
        .filter(|d| !d.as_os_str().is_empty())
    {
        std::fs::create_dir_all(dir).map_err(|source| PlotError::CreateDir {
            path: dir.to_path_buf(),
            source,
        })?;
    }
    let with_ext = |ext: &str| {
        let mut s: OsString = path_without_ext.as_os_str().to_owned();
        s.push(".");
        s.push(ext);
        PathBuf::from(s)
    };
    let mut written = Vec::with_capacity(2);
    for (path, bytes) in [(with_ext("png"), png), (with_ext("svg"), svg.into_bytes())] {
        std::fs::write(&path, bytes).map_err(|source| PlotError::Write {
            path: path.clone(),
            source,
        })?;
        written.push(path);
    }
    Ok(written)
}

/// Box-filter reduction of an RGB image by an integer factor.
fn downsample(rgb: &[u8], w: usize, h: usize, k: usize) -> Vec<u8> {
    if k == 1 {
        return rgb.to_vec();
    }
    let (ow, oh) = (w / k, h / k);
    let mut out = vec![0u8; ow * oh * 3];
    let n = (k * k) as u32;
    for oy in 0..oh {
        for ox in 0..ow {
            let mut acc = [0u32; 3];
            for dy in 0..k {
                let row = (oy * k + dy) * w;
                for dx in 0..k {
                    let i = (row + ox * k + dx) * 3;
                    acc[0] += rgb[i] as u32;
                    acc[1] += rgb[i + 1] as u32;
                    acc[2] += rgb[i + 2] as u32;
                }
            }
            let o = (oy * ow + ox) * 3;
            for c in 0..3 {
                out[o + c] = ((acc[c] + n / 2) / n) as u8;
            }
        }
    }
    out
}

fn encode_png(rgb: &[u8], w: u32, h: u32) -> Result<Vec<u8>, PlotError> {
    let mut bytes = Vec::new();
    {
        let mut enc = png::Encoder::new(&mut bytes, w, h);
        enc.set_color(png::ColorType::Rgb);
        enc.set_depth(png::BitDepth::Eight);
        let ppm = (PNG_DPI / 0.0254).round() as u32;
        enc.set_pixel_dims(Some(png::PixelDimensions {
            xppu: ppm,
            yppu: ppm,
            unit: png::Unit::Meter,
        }));
        let mut writer = enc
            .write_header()
            .map_err(|e| PlotError::Png(e.to_string()))?;
        writer
            .write_image_data(rgb)
            .map_err(|e| PlotError::Png(e.to_string()))?;
        writer.finish().map_err(|e| PlotError::Png(e.to_string()))?;
    }
    Ok(bytes)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn downsampling_averages_each_block() {
        // 2x2 image: black, white / white, black -> one mid-grey pixel.
        let rgb = [0, 0, 0, 255, 255, 255, 255, 255, 255, 0, 0, 0];
        assert_eq!(downsample(&rgb, 2, 2, 2), vec![128, 128, 128]);
    }
}
