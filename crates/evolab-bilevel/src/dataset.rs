//! Classification data sets in the CSV layouts scikit-learn ships them in, read with errors
//! that name the line and the problem.
//!
//! - With a header (iris, wine, breast cancer): `ROWS,COLUMNS,CLASS_0,CLASS_1,…`, then one
//!   row per sample: COLUMNS numbers and an integer class index.
//! - Without a header (digits, once decompressed): every row is the features followed by an
//!   integer class index; the number of classes is given.

use std::fmt;

/// Features and integer labels.
#[derive(Clone, Debug, PartialEq)]
pub struct Dataset {
    pub name: String,
    pub features: Vec<Vec<f64>>,
    pub labels: Vec<usize>,
    pub classes: Vec<String>,
}

impl Dataset {
    pub fn len(&self) -> usize {
        self.labels.len()
    }

    pub fn is_empty(&self) -> bool {
        self.labels.is_empty()
    }

    pub fn dim(&self) -> usize {
        self.features.first().map_or(0, Vec::len)
    }

    /// Class frequencies p_c.
    pub fn class_frequencies(&self) -> Vec<f64> {
        let mut counts = vec![0.0; self.classes.len()];
        for &l in &self.labels {
            counts[l] += 1.0;
        }
        counts.iter().map(|c| c / self.len() as f64).collect()
    }
}

/// What is wrong with a data file, and where.
#[derive(Clone, Debug, PartialEq)]
pub struct DatasetError {
    pub file: String,
    /// 1-based; 0 when the problem is the file as a whole.
    pub line: usize,
    pub message: String,
}

impl fmt::Display for DatasetError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.line == 0 {
            write!(f, "{}: {}", self.file, self.message)
        } else {
            write!(f, "{} line {}: {}", self.file, self.line, self.message)
        }
    }
}

impl std::error::Error for DatasetError {}

fn error(file: &str, line: usize, message: impl Into<String>) -> DatasetError {
    DatasetError {
        file: file.into(),
        line,
        message: message.into(),
    }
}

/// Reads scikit-learn's layout with a header line.
pub fn parse_with_header(name: &str, text: &str) -> Result<Dataset, DatasetError> {
    let mut lines = text
        .lines()
        .enumerate()
        .filter(|(_, l)| !l.trim().is_empty());
    let (_, header) = lines
        .next()
        .ok_or_else(|| error(name, 0, "the file is empty"))?;
    let fields: Vec<&str> = header.split(',').map(str::trim).collect();
    if fields.len() < 4 {
        return Err(error(
            name,
            1,
            "the header must be ROWS,COLUMNS and at least two class names",
        ));
    }
    let count = |i: usize, what: &str| {
        fields[i].parse::<usize>().map_err(|_| {
            error(
                name,
                1,
                format!("the header's {what} {:?} is not a whole number", fields[i]),
            )
        })
    };
    let (rows, columns) = (count(0, "row count")?, count(1, "column count")?);
    let classes: Vec<String> = fields[2..].iter().map(|s| s.to_string()).collect();
    let data = parse_rows(name, lines, columns, classes.len())?;
    if data.0.len() != rows {
        return Err(error(
            name,
            0,
            format!(
                "the header announces {rows} rows but the file has {}",
                data.0.len()
            ),
        ));
    }
    Ok(Dataset {
        name: name.into(),
        features: data.0,
        labels: data.1,
        classes,
    })
}

/// Reads rows without a header: `columns` features and a class index below `classes`.
pub fn parse_without_header(
    name: &str,
    text: &str,
    columns: usize,
    classes: usize,
) -> Result<Dataset, DatasetError> {
    let lines = text
        .lines()
        .enumerate()
        .filter(|(_, l)| !l.trim().is_empty());
    let (features, labels) = parse_rows(name, lines, columns, classes)?;
    if labels.is_empty() {
        return Err(error(name, 0, "the file has no rows"));
    }
    Ok(Dataset {
        name: name.into(),
        features,
        labels,
        classes: (0..classes).map(|c| c.to_string()).collect(),
    })
}

/// The text of a gzip-compressed file (digits.csv.gz).
pub fn gunzip(name: &str, bytes: &[u8]) -> Result<String, DatasetError> {
    use std::io::Read;
    let mut text = String::new();
    flate2::read::GzDecoder::new(bytes)
        .read_to_string(&mut text)
        .map_err(|e| error(name, 0, format!("cannot decompress it: {e}")))?;
    Ok(text)
}

/// The four data sets of the classification experiment, from the files of the
/// `sklearn-datasets` asset (`evolab data fetch sklearn-datasets`): iris, wine,
/// breast cancer, digits.
pub fn sklearn_dataset(name: &str, file_name: &str, bytes: &[u8]) -> Result<Dataset, DatasetError> {
    if file_name.ends_with(".gz") {
        let text = gunzip(file_name, bytes)?;
        let mut d = parse_without_header(file_name, &text, 64, 10)?;
        d.name = name.into();
        return Ok(d);
    }
    let text = std::str::from_utf8(bytes)
        .map_err(|_| error(file_name, 0, "the file is not UTF-8 text"))?;
    let mut d = parse_with_header(file_name, text)?;
    d.name = name.into();
    Ok(d)
}

type Rows = (Vec<Vec<f64>>, Vec<usize>);

fn parse_rows<'a>(
    name: &str,
    lines: impl Iterator<Item = (usize, &'a str)>,
    columns: usize,
    classes: usize,
) -> Result<Rows, DatasetError> {
    let (mut features, mut labels) = (Vec::new(), Vec::new());
    for (index, line) in lines {
        let number = index + 1;
        let fields: Vec<&str> = line.split(',').map(str::trim).collect();
        if fields.len() != columns + 1 {
            return Err(error(
                name,
                number,
                format!(
                    "expected {} fields ({columns} features and the class), found {}",
                    columns + 1,
                    fields.len()
                ),
            ));
        }
        let mut row = Vec::with_capacity(columns);
        for (k, f) in fields[..columns].iter().enumerate() {
            let v: f64 = f.parse().map_err(|_| {
                error(
                    name,
                    number,
                    format!("feature {} is {f:?}, not a number", k + 1),
                )
            })?;
            if !v.is_finite() {
                return Err(error(
                    name,
                    number,
                    format!("feature {} is not finite", k + 1),
                ));
            }
            row.push(v);
        }
        let label = fields[columns];
        let class: usize = label
            .parse::<f64>()
            .ok()
            .filter(|c| c.fract() == 0.0 && *c >= 0.0 && (*c as usize) < classes)
            .map(|c| c as usize)
            .ok_or_else(|| {
                error(
                    name,
                    number,
                    format!("the class {label:?} is not an index below {classes}"),
                )
            })?;
        features.push(row);
        labels.push(class);
    }
    Ok((features, labels))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_sklearn_layouts_are_read() {
        let d = parse_with_header("iris.csv", "3,2,a,b\n1.0,2.0,0\n3,4,1\n\n5,6.5,1\n").unwrap();
        assert_eq!(
            d.features,
            vec![vec![1.0, 2.0], vec![3.0, 4.0], vec![5.0, 6.5]]
        );
        assert_eq!(d.labels, vec![0, 1, 1]);
        assert_eq!(d.classes, vec!["a", "b"]);
        assert_eq!(d.class_frequencies(), vec![1.0 / 3.0, 2.0 / 3.0]);
        let digits = parse_without_header("digits.csv", "0,1,2,9\n3,4,5,0\n", 3, 10).unwrap();
        assert_eq!((digits.len(), digits.dim(), digits.labels[0]), (2, 3, 9));
    }

    #[test]
    fn malformed_files_are_refused_with_the_line() {
        let err = |text: &str| parse_with_header("x.csv", text).unwrap_err().to_string();
        assert_eq!(err(""), "x.csv: the file is empty");
        assert!(err("2,2,a\n").contains("line 1"));
        assert!(err("2,two,a,b\n").contains("column count"));
        assert!(err("2,2,a,b\n1,2,0\n1,2\n").starts_with("x.csv line 3: expected 3 fields"));
        assert!(err("2,2,a,b\n1,2,0\n1,x,0\n").starts_with("x.csv line 3: feature 2 is \"x\""));
        assert!(err("2,2,a,b\n1,2,0\n1,2,2\n").contains("line 3: the class \"2\""));
        assert!(err("2,2,a,b\n1,2,0\n1,2,0.5\n").contains("line 3"));
        assert!(err("2,2,a,b\n1,NaN,0\n").contains("line 2: feature 2 is not finite"));
        assert!(err("3,2,a,b\n1,2,0\n1,2,1\n").contains("announces 3 rows"));
        let e = parse_without_header("d.csv", "1,2,3\n", 3, 10).unwrap_err();
        assert_eq!(e.line, 1);
        assert!(gunzip("d.csv.gz", b"not gzip")
            .unwrap_err()
            .to_string()
            .contains("decompress"));
    }
}
