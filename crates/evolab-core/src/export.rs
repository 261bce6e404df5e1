//! Exports of a run's texts as tidy tables (one row per text) for pandas, polars or R.

use std::collections::HashMap;
use std::fs::File;
use std::io::{BufWriter, Write};
use std::path::Path;
use std::sync::Arc;

use parquet::basic::Compression;
use parquet::data_type::{BoolType, ByteArray, ByteArrayType, DoubleType, Int32Type, Int64Type};
use parquet::file::properties::WriterProperties;
use parquet::file::writer::SerializedFileWriter;
use parquet::schema::parser::parse_message_type;
use serde::Serialize;

use crate::store::{AgentRow, TextRow};

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ExportFormat {
    Jsonl,
    Csv,
    Parquet,
}

impl ExportFormat {
    pub fn parse(name: &str) -> Result<Self, String> {
        match name {
            "jsonl" => Ok(Self::Jsonl),
            "csv" => Ok(Self::Csv),
            "parquet" => Ok(Self::Parquet),
            other => Err(format!(
                "unknown export format {other:?}; choose jsonl, csv or parquet"
            )),
        }
    }

    pub fn extension(self) -> &'static str {
        match self {
            Self::Jsonl => "jsonl",
            Self::Csv => "csv",
            Self::Parquet => "parquet",
        }
    }
}

#[derive(Debug, thiserror::Error)]
pub enum ExportError {
    #[error("cannot write {path}: {message}")]
    Write { path: String, message: String },
}

/// One exported row: a text with its run and agent label.
#[derive(Serialize)]
struct ExportRow<'a> {
    run_id: &'a str,
    repetition: u32,
    generation: u32,
    agent: u32,
    agent_label: &'a str,
    prompt: Option<&'a str>,
    output: &'a str,
    prompt_tokens: u32,
    completion_tokens: u32,
    finish_reason: Option<&'a str>,
    seed: Option<String>,
    elapsed_ms: f64,
    replayed: bool,
}

fn rows<'a>(run_id: &'a str, agents: &'a [AgentRow], texts: &'a [TextRow]) -> Vec<ExportRow<'a>> {
    let labels: HashMap<(u32, u32), &str> = agents
        .iter()
        .map(|a| ((a.repetition, a.agent), a.label.as_str()))
        .collect();
    texts
        .iter()
        .map(|t| ExportRow {
            run_id,
            repetition: t.repetition,
            generation: t.generation,
            agent: t.agent,
            agent_label: labels.get(&(t.repetition, t.agent)).copied().unwrap_or(""),
            prompt: t.prompt.as_deref(),
            output: &t.output,
            prompt_tokens: t.prompt_tokens,
            completion_tokens: t.completion_tokens,
            finish_reason: t.finish_reason.as_deref(),
            seed: t.seed.map(|s| s.to_string()),
            elapsed_ms: t.elapsed_ms,
            replayed: t.replayed,
        })
        .collect()
}

/// Writes the texts of a run, one row per text.
pub fn export_texts(
    run_id: &str,
    agents: &[AgentRow],
    texts: &[TextRow],
    format: ExportFormat,
    path: &Path,
) -> Result<(), ExportError> {
    let rows = rows(run_id, agents, texts);
    write_atomically(path, format, |file| match format {
        ExportFormat::Jsonl => write_jsonl(&rows, file),
        ExportFormat::Csv => write_csv(&rows, file),
        ExportFormat::Parquet => write_parquet(&rows, file),
    })
}

/// Runs `write` on a temporary file next to `path` and renames it into place, so that a
/// failed export never leaves a truncated file that looks complete.
pub(crate) fn write_atomically(
    path: &Path,
    format: ExportFormat,
    write: impl FnOnce(File) -> Result<(), String>,
) -> Result<(), ExportError> {
    let fail = |message: String| ExportError::Write {
        path: path.display().to_string(),
        message,
    };
    let tmp = path.with_extension(format!("{}.partial", format.extension()));
    let file = File::create(&tmp).map_err(|e| fail(e.to_string()))?;
    if let Err(message) = write(file) {
        let _ = std::fs::remove_file(&tmp);
        return Err(fail(message));
    }
    std::fs::rename(&tmp, path).map_err(|e| fail(e.to_string()))
}

fn write_jsonl(rows: &[ExportRow<'_>], file: File) -> Result<(), String> {
    let mut out = BufWriter::new(file);
    for row in rows {
        serde_json::to_writer(&mut out, row).map_err(|e| e.to_string())?;
        out.write_all(b"\n").map_err(|e| e.to_string())?;
    }
    out.into_inner()
        .map_err(|e| e.to_string())?
        .sync_all()
        .map_err(|e| e.to_string())
}

fn write_csv(rows: &[ExportRow<'_>], file: File) -> Result<(), String> {
    let mut out = csv::Writer::from_writer(file);
    for row in rows {
        out.serialize(row).map_err(|e| e.to_string())?;
    }
    out.flush().map_err(|e| e.to_string())
}

const PARQUET_SCHEMA: &str = "message texts {
    REQUIRED BYTE_ARRAY run_id (UTF8);
    REQUIRED INT32 repetition (INTEGER(32,false));
    REQUIRED INT32 generation (INTEGER(32,false));
    REQUIRED INT32 agent (INTEGER(32,false));
    REQUIRED BYTE_ARRAY agent_label (UTF8);
    OPTIONAL BYTE_ARRAY prompt (UTF8);
    REQUIRED BYTE_ARRAY output (UTF8);
    REQUIRED INT64 prompt_tokens;
    REQUIRED INT64 completion_tokens;
    OPTIONAL BYTE_ARRAY finish_reason (UTF8);
    OPTIONAL BYTE_ARRAY seed (UTF8);
    REQUIRED DOUBLE elapsed_ms;
    REQUIRED BOOLEAN replayed;
}";

/// A column's values: required ones have no definition levels, optional ones have 1 where
/// a value is present and 0 where it is null.
enum Column {
    Str(Vec<ByteArray>, Option<Vec<i16>>),
    I32(Vec<i32>),
    I64(Vec<i64>),
    F64(Vec<f64>),
    Bool(Vec<bool>),
}

fn required_str<'a>(values: impl Iterator<Item = &'a str>) -> Column {
    Column::Str(
        values
            .map(|v| ByteArray::from(v.as_bytes().to_vec()))
            .collect(),
        None,
    )
}

fn optional_str<'a>(values: impl Iterator<Item = Option<&'a str>>) -> Column {
    let mut present = Vec::new();
    let mut levels = Vec::new();
    for value in values {
        levels.push(i16::from(value.is_some()));
        if let Some(v) = value {
            present.push(ByteArray::from(v.as_bytes().to_vec()));
        }
    }
    Column::Str(present, Some(levels))
}

fn columns(rows: &[ExportRow<'_>]) -> Vec<Column> {
    vec![
        required_str(rows.iter().map(|r| r.run_id)),
        Column::I32(rows.iter().map(|r| r.repetition as i32).collect()),
        Column::I32(rows.iter().map(|r| r.generation as i32).collect()),
        Column::I32(rows.iter().map(|r| r.agent as i32).collect()),
        required_str(rows.iter().map(|r| r.agent_label)),
        optional_str(rows.iter().map(|r| r.prompt)),
        required_str(rows.iter().map(|r| r.output)),
        Column::I64(rows.iter().map(|r| i64::from(r.prompt_tokens)).collect()),
        Column::I64(
            rows.iter()
                .map(|r| i64::from(r.completion_tokens))
                .collect(),
        ),
        optional_str(rows.iter().map(|r| r.finish_reason)),
        optional_str(rows.iter().map(|r| r.seed.as_deref())),
        Column::F64(rows.iter().map(|r| r.elapsed_ms).collect()),
        Column::Bool(rows.iter().map(|r| r.replayed).collect()),
    ]
}

fn write_parquet(rows: &[ExportRow<'_>], file: File) -> Result<(), String> {
    let err = |e: parquet::errors::ParquetError| e.to_string();
    let schema = Arc::new(parse_message_type(PARQUET_SCHEMA).map_err(err)?);
    let props = Arc::new(
        WriterProperties::builder()
            .set_compression(Compression::SNAPPY)
            .build(),
    );
    let mut writer = SerializedFileWriter::new(file, schema, props).map_err(err)?;
    let mut group = writer.next_row_group().map_err(err)?;
    for column in columns(rows) {
        let mut col = group
            .next_column()
            .map_err(err)?
            .ok_or("parquet schema has fewer columns than the export")?;
        match &column {
            Column::Str(values, levels) => {
                col.typed::<ByteArrayType>()
                    .write_batch(values, levels.as_deref(), None)
            }
            Column::I32(values) => col.typed::<Int32Type>().write_batch(values, None, None),
            Column::I64(values) => col.typed::<Int64Type>().write_batch(values, None, None),
            Column::F64(values) => col.typed::<DoubleType>().write_batch(values, None, None),
            Column::Bool(values) => col.typed::<BoolType>().write_batch(values, None, None),
        }
        .map_err(err)?;
        col.close().map_err(err)?;
    }
    group.close().map_err(err)?;
    writer.close().map_err(err)?;
    Ok(())
}
