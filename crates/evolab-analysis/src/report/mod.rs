//! Writing analyses out: tables, figures and the Markdown report.

mod folder;

pub use folder::ReportFolder;
