//! Tidy tables of numbers and labels written as CSV, JSONL or Parquet, for exports whose
//! columns are known only at run time (one column per evolved gene, for instance).

use std::fs::File;
use std::io::{BufWriter, Write};
use std::path::Path;
use std::sync::Arc;

use parquet::basic::{Compression, LogicalType, Repetition, Type as Physical};
use parquet::data_type::{ByteArray, ByteArrayType, DoubleType, Int64Type};
use parquet::file::properties::WriterProperties;
use parquet::file::writer::SerializedFileWriter;
use parquet::schema::types::Type;

use crate::export::{write_atomically, ExportError, ExportFormat};

/// One column; `None` entries are missing values (empty in CSV, null in JSONL and Parquet).
#[derive(Clone, Debug, PartialEq)]
pub enum Values {
    Text(Vec<Option<String>>),
    Int(Vec<Option<i64>>),
    Float(Vec<Option<f64>>),
}

impl Values {
    fn len(&self) -> usize {
        match self {
            Values::Text(v) => v.len(),
            Values::Int(v) => v.len(),
            Values::Float(v) => v.len(),
        }
    }

    fn json(&self, row: usize) -> serde_json::Value {
        match self {
            Values::Text(v) => v[row].clone().into(),
            Values::Int(v) => v[row].into(),
            Values::Float(v) => v[row].filter(|x| x.is_finite()).into(),
        }
    }

    fn csv(&self, row: usize) -> String {
        match self {
            Values::Text(v) => v[row].clone().unwrap_or_default(),
            Values::Int(v) => v[row].map(|x| x.to_string()).unwrap_or_default(),
            Values::Float(v) => v[row].map(|x| x.to_string()).unwrap_or_default(),
        }
    }
}

/// Named columns of equal length.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Table {
    pub columns: Vec<(String, Values)>,
}

impl Table {
    pub fn column(mut self, name: impl Into<String>, values: Values) -> Self {
        self.columns.push((name.into(), values));
        self
    }

    pub fn rows(&self) -> usize {
        self.columns.first().map_or(0, |(_, v)| v.len())
    }
}

/// Writes `table` to `path` (through a temporary file, so a failure leaves nothing that
/// looks complete).
pub fn write_table(table: &Table, format: ExportFormat, path: &Path) -> Result<(), ExportError> {
    let rows = table.rows();
    if let Some((name, _)) = table.columns.iter().find(|(_, v)| v.len() != rows) {
        return Err(ExportError::Write {
            path: path.display().to_string(),
            message: format!("column {name} has another length than the first"),
        });
    }
    write_atomically(path, format, |file| match format {
        ExportFormat::Jsonl => jsonl(table, file),
        ExportFormat::Csv => csv(table, file),
        ExportFormat::Parquet => parquet(table, file),
    })
}

fn jsonl(table: &Table, file: File) -> Result<(), String> {
    let mut out = BufWriter::new(file);
    for row in 0..table.rows() {
        let object: serde_json::Map<String, serde_json::Value> = table
            .columns
            .iter()
            .map(|(name, v)| (name.clone(), v.json(row)))
            .collect();
        serde_json::to_writer(&mut out, &object).map_err(|e| e.to_string())?;
        out.write_all(b"\n").map_err(|e| e.to_string())?;
    }
    out.flush().map_err(|e| e.to_string())
}

fn csv(table: &Table, file: File) -> Result<(), String> {
    let mut out = csv::Writer::from_writer(file);
    out.write_record(table.columns.iter().map(|(n, _)| n.as_str()))
        .map_err(|e| e.to_string())?;
    for row in 0..table.rows() {
        out.write_record(table.columns.iter().map(|(_, v)| v.csv(row)))
            .map_err(|e| e.to_string())?;
    }
    out.flush().map_err(|e| e.to_string())
}

fn parquet(table: &Table, file: File) -> Result<(), String> {
    let err = |e: parquet::errors::ParquetError| e.to_string();
    let fields = table
        .columns
        .iter()
        .map(|(name, values)| {
            let (physical, logical) = match values {
                Values::Text(_) => (Physical::BYTE_ARRAY, Some(LogicalType::String)),
                Values::Int(_) => (Physical::INT64, None),
                Values::Float(_) => (Physical::DOUBLE, None),
            };
            Type::primitive_type_builder(name, physical)
                .with_repetition(Repetition::OPTIONAL)
                .with_logical_type(logical)
                .build()
                .map(Arc::new)
                .map_err(err)
        })
        .collect::<Result<Vec<_>, _>>()?;
    let schema = Type::group_type_builder("table")
        .with_fields(fields)
        .build()
        .map_err(err)?;
    let props = WriterProperties::builder()
        .set_compression(Compression::SNAPPY)
        .build();
    let mut writer =
        SerializedFileWriter::new(file, Arc::new(schema), Arc::new(props)).map_err(err)?;
    let mut group = writer.next_row_group().map_err(err)?;
    for (_, values) in &table.columns {
        let mut col = group
            .next_column()
            .map_err(err)?
            .ok_or("the parquet schema has fewer columns than the table")?;
        match values {
            Values::Text(v) => {
                let (present, levels) = split(v, |s| ByteArray::from(s.as_bytes().to_vec()));
                col.typed::<ByteArrayType>()
                    .write_batch(&present, Some(&levels), None)
            }
            Values::Int(v) => {
                let (present, levels) = split(v, |x| *x);
                col.typed::<Int64Type>()
                    .write_batch(&present, Some(&levels), None)
            }
            Values::Float(v) => {
                let (present, levels) = split(v, |x| *x);
                col.typed::<DoubleType>()
                    .write_batch(&present, Some(&levels), None)
            }
        }
        .map_err(err)?;
        col.close().map_err(err)?;
    }
    group.close().map_err(err)?;
    writer.close().map_err(err)?;
    Ok(())
}

/// The present values and the definition levels (1 present, 0 missing) of a column.
fn split<T, U>(values: &[Option<T>], convert: impl Fn(&T) -> U) -> (Vec<U>, Vec<i16>) {
    let levels = values.iter().map(|v| i16::from(v.is_some())).collect();
    let present = values.iter().flatten().map(convert).collect();
    (present, levels)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn table() -> Table {
        Table::default()
            .column("trial", Values::Int(vec![Some(0), Some(1)]))
            .column("fitness", Values::Float(vec![Some(1.5), None]))
            .column(
                "failure",
                Values::Text(vec![None, Some("no episode, ended".into())]),
            )
    }

    #[test]
    fn csv_and_jsonl_hold_the_values_and_the_gaps() {
        let dir = tempfile::tempdir().unwrap();
        let csv_path = dir.path().join("t.csv");
        write_table(&table(), ExportFormat::Csv, &csv_path).unwrap();
        let text = std::fs::read_to_string(&csv_path).unwrap();
        assert_eq!(
            text,
            "trial,fitness,failure\n0,1.5,\n1,,\"no episode, ended\"\n"
        );
        let jsonl_path = dir.path().join("t.jsonl");
        write_table(&table(), ExportFormat::Jsonl, &jsonl_path).unwrap();
        let lines: Vec<serde_json::Value> = std::fs::read_to_string(&jsonl_path)
            .unwrap()
            .lines()
            .map(|l| serde_json::from_str(l).unwrap())
            .collect();
        assert_eq!(lines[1]["fitness"], serde_json::Value::Null);
        assert_eq!(lines[0]["trial"], 0);
    }

    #[test]
    fn parquet_reads_back_with_nulls() {
        use parquet::file::reader::{FileReader, SerializedFileReader};
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("t.parquet");
        write_table(&table(), ExportFormat::Parquet, &path).unwrap();
        let reader = SerializedFileReader::new(File::open(&path).unwrap()).unwrap();
        assert_eq!(reader.metadata().file_metadata().num_rows(), 2);
        let rows: Vec<String> = reader
            .get_row_iter(None)
            .unwrap()
            .map(|r| r.unwrap().to_string())
            .collect();
        assert!(rows[1].contains("fitness: null"), "{rows:?}");
    }

    #[test]
    fn ragged_tables_are_refused() {
        let dir = tempfile::tempdir().unwrap();
        let ragged = table().column("x", Values::Int(vec![Some(1)]));
        assert!(write_table(&ragged, ExportFormat::Csv, &dir.path().join("r.csv")).is_err());
    }
}
