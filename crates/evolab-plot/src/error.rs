use std::path::PathBuf;

/// Why a figure could not be produced.
///
/// Data that is merely empty or all-NaN is not an error: the chart draws a "no data" panel
/// instead, so a batch of figures never stops on one empty task. Errors are reserved for input
/// whose shape is contradictory (lengths that disagree, indices out of range) and for I/O.
#[derive(Debug, thiserror::Error)]
pub enum PlotError {
    #[error("figure size {width}x{height} is unusable: width and height must be between 200 and 20000 pixels")]
    InvalidSize { width: u32, height: u32 },

    #[error("{chart}: {problem}")]
    InvalidData {
        chart: &'static str,
        problem: String,
    },

    #[error("could not create folder {}: {source}; check the path and its permissions", path.display())]
    CreateDir {
        path: PathBuf,
        source: std::io::Error,
    },

    #[error("could not write {}: {source}; check the path and free disk space", path.display())]
    Write {
        path: PathBuf,
        source: std::io::Error,
    },

    #[error("output path {} has no file name; pass something like out/figure (extensions are added)", path.display())]
    NoFileName { path: PathBuf },

    #[error("drawing failed in the {backend} backend: {message}")]
    Backend {
        backend: &'static str,
        message: String,
    },

    #[error("PNG encoding failed: {0}")]
    Png(String),
}

impl PlotError {
    pub(crate) fn invalid(chart: &'static str, problem: impl Into<String>) -> Self {
        PlotError::InvalidData {
            chart,
            problem: problem.into(),
        }
    }
}
