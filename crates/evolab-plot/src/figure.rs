/// Where a chart's legend goes. Both outside positions keep the legend off the data.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum LegendPosition {
    /// A column right of the plot, top-aligned with it.
    #[default]
    Right,
    /// Rows under the x-axis title, centred.
    Below,
    Hidden,
}

/// What every chart has: title, axis titles, pixel size and legend placement.
///
/// Sizes are in pixels of the PNG; the SVG uses the same numbers as its user units. Font sizes
/// and line widths scale with the figure, tuned for the default 1600x1000 (an 8x5 inch figure
/// at 200 dpi, whose text then reads as 10-12 pt).
#[derive(Debug, Clone, PartialEq)]
pub struct Figure {
    pub title: String,
    pub x_label: String,
    pub y_label: String,
    pub width: u32,
    pub height: u32,
    pub legend: LegendPosition,
}

impl Figure {
    pub const DEFAULT_WIDTH: u32 = 1600;
    pub const DEFAULT_HEIGHT: u32 = 1000;

    pub fn new(
        title: impl Into<String>,
        x_label: impl Into<String>,
        y_label: impl Into<String>,
    ) -> Self {
        Figure {
            title: title.into(),
            x_label: x_label.into(),
            y_label: y_label.into(),
            width: Self::DEFAULT_WIDTH,
            height: Self::DEFAULT_HEIGHT,
            legend: LegendPosition::Right,
        }
    }

    pub fn size(mut self, width: u32, height: u32) -> Self {
        self.width = width;
        self.height = height;
        self
    }

    pub fn legend(mut self, position: LegendPosition) -> Self {
        self.legend = position;
        self
    }

    pub(crate) fn check_size(&self) -> Result<(), crate::PlotError> {
        let ok = |v: u32| (200..=20_000).contains(&v);
        if ok(self.width) && ok(self.height) {
            Ok(())
        } else {
            Err(crate::PlotError::InvalidSize {
                width: self.width,
                height: self.height,
            })
        }
    }
}
