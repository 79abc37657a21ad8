//! [`ColumnTable`] to and from Parquet through arrow-rs: one record batch
//! per table, `Int64` / `Float64` / `Utf8` fields, nullable, uncompressed.

use std::fs::File;
use std::path::Path;
use std::sync::Arc;

use arrow_array::cast::AsArray;
use arrow_array::types::{
    Float32Type, Float64Type, Int8Type, Int16Type, Int32Type, Int64Type, UInt8Type, UInt16Type,
    UInt32Type, UInt64Type,
};
use arrow_array::{
    Array, ArrayRef, Float64Array, Int64Array, RecordBatch, StringArray, UInt64Array,
};
use arrow_schema::{DataType, Field, Schema};
use parquet::arrow::ArrowWriter;
use parquet::arrow::arrow_reader::ParquetRecordBatchReaderBuilder;

use super::{ColumnTable, ColumnarError, Values};

fn parquet_error(file: &str, e: impl std::fmt::Display) -> ColumnarError {
    ColumnarError::Parquet {
        file: file.to_string(),
        message: e.to_string(),
    }
}

impl ColumnTable {
    /// The table as the bytes of a Parquet file (`file` names it in errors).
    pub fn to_parquet(&self, file: &str) -> Result<Vec<u8>, ColumnarError> {
        let mut fields = Vec::with_capacity(self.columns.len());
        let mut arrays: Vec<ArrayRef> = Vec::with_capacity(self.columns.len());
        for (name, v) in &self.columns {
            let (kind, array): (DataType, ArrayRef) = match v {
                Values::Int(x) => (DataType::Int64, Arc::new(Int64Array::from(x.clone()))),
                Values::UInt(x) => (DataType::UInt64, Arc::new(UInt64Array::from(x.clone()))),
                Values::Float(x) => (DataType::Float64, Arc::new(Float64Array::from(x.clone()))),
                Values::Text(x) => (
                    DataType::Utf8,
                    Arc::new(x.iter().map(|s| s.as_deref()).collect::<StringArray>()),
                ),
            };
            fields.push(Field::new(name, kind, true));
            arrays.push(array);
        }
        let schema = Arc::new(Schema::new(fields));
        let batch = if arrays.is_empty() {
            RecordBatch::new_empty(schema.clone())
        } else {
            RecordBatch::try_new(schema.clone(), arrays).map_err(|e| parquet_error(file, e))?
        };
        let mut out = Vec::new();
        let mut w =
            ArrowWriter::try_new(&mut out, schema, None).map_err(|e| parquet_error(file, e))?;
        w.write(&batch).map_err(|e| parquet_error(file, e))?;
        w.close().map_err(|e| parquet_error(file, e))?;
        Ok(out)
    }

    /// Read a Parquet file: every column, typed as [`Values`].
    pub fn read_parquet(path: &Path) -> Result<ColumnTable, ColumnarError> {
        let file = path.display().to_string();
        let f = File::open(path).map_err(|source| ColumnarError::Read {
            file: file.clone(),
            source,
        })?;
        let builder =
            ParquetRecordBatchReaderBuilder::try_new(f).map_err(|e| parquet_error(&file, e))?;
        let schema = builder.schema().clone();
        let mut columns: Vec<(String, Values)> = Vec::with_capacity(schema.fields().len());
        for field in schema.fields() {
            let empty = match field.data_type() {
                t if is_text(t) => Values::Text(Vec::new()),
                DataType::UInt64 => Values::UInt(Vec::new()),
                t if is_integer(t) => Values::Int(Vec::new()),
                t if is_number(t) => Values::Float(Vec::new()),
                t => {
                    return Err(ColumnarError::Type {
                        file,
                        column: field.name().clone(),
                        kind: t.to_string(),
                    });
                }
            };
            columns.push((field.name().clone(), empty));
        }
        let reader = builder.build().map_err(|e| parquet_error(&file, e))?;
        for batch in reader {
            let batch = batch.map_err(|e| parquet_error(&file, e))?;
            for ((name, values), array) in columns.iter_mut().zip(batch.columns()) {
                append(values, array.as_ref()).map_err(|kind| ColumnarError::Type {
                    file: file.clone(),
                    column: name.clone(),
                    kind,
                })?;
            }
        }
        Ok(ColumnTable { columns })
    }
}

fn is_integer(t: &DataType) -> bool {
    t.is_integer() || *t == DataType::Boolean
}

fn is_number(t: &DataType) -> bool {
    matches!(t, DataType::Float32 | DataType::Float64)
}

fn is_text(t: &DataType) -> bool {
    match t {
        DataType::Utf8 | DataType::LargeUtf8 | DataType::Utf8View => true,
        DataType::Dictionary(_, v) => is_text(v),
        _ => false,
    }
}

/// The cells of `a` appended to `values` (the type of the field's column).
fn append(values: &mut Values, a: &dyn Array) -> Result<(), String> {
    let valid = |i: usize| a.is_valid(i);
    match values {
        Values::Int(out) => {
            macro_rules! ints {
                ($($t:ty),+) => {
                    $(if let Some(p) = a.as_primitive_opt::<$t>() {
                        out.extend((0..a.len()).map(|i| {
                            valid(i).then(|| p.value(i) as i64)
                        }));
                        return Ok(());
                    })+
                };
            }
            ints!(
                Int8Type, Int16Type, Int32Type, Int64Type, UInt8Type, UInt16Type, UInt32Type
            );
            if let Some(b) = a.as_boolean_opt() {
                out.extend((0..a.len()).map(|i| valid(i).then(|| i64::from(b.value(i)))));
                return Ok(());
            }
        }
        Values::UInt(out) => {
            if let Some(p) = a.as_primitive_opt::<UInt64Type>() {
                out.extend((0..a.len()).map(|i| valid(i).then(|| p.value(i))));
                return Ok(());
            }
        }
        Values::Float(out) => {
            if let Some(p) = a.as_primitive_opt::<Float64Type>() {
                out.extend((0..a.len()).map(|i| valid(i).then(|| p.value(i))));
                return Ok(());
            }
            if let Some(p) = a.as_primitive_opt::<Float32Type>() {
                out.extend((0..a.len()).map(|i| valid(i).then(|| f64::from(p.value(i)))));
                return Ok(());
            }
        }
        Values::Text(out) => return append_text(out, a),
    }
    Err(a.data_type().to_string())
}

fn append_text(out: &mut Vec<Option<String>>, a: &dyn Array) -> Result<(), String> {
    if let Some(s) = a.as_string_opt::<i32>() {
        out.extend(s.iter().map(|v| v.map(str::to_string)));
    } else if let Some(s) = a.as_string_opt::<i64>() {
        out.extend(s.iter().map(|v| v.map(str::to_string)));
    } else if let Some(s) = a.as_string_view_opt() {
        out.extend(s.iter().map(|v| v.map(str::to_string)));
    } else if let DataType::Dictionary(key, _) = a.data_type() {
        macro_rules! keys {
            ($t:ty) => {{
                let d = a.as_dictionary::<$t>();
                let keys: Vec<Option<usize>> = d
                    .keys()
                    .iter()
                    .map(|k| k.and_then(|k| usize::try_from(k).ok()))
                    .collect();
                (keys, d.values())
            }};
        }
        let (keys, dict): (Vec<Option<usize>>, &ArrayRef) = match key.as_ref() {
            DataType::Int8 => keys!(Int8Type),
            DataType::Int16 => keys!(Int16Type),
            DataType::Int32 => keys!(Int32Type),
            DataType::Int64 => keys!(Int64Type),
            _ => return Err(a.data_type().to_string()),
        };
        let mut words = Vec::new();
        append_text(&mut words, dict.as_ref())?;
        out.extend(
            keys.into_iter()
                .map(|k| k.and_then(|k| words.get(k).cloned().flatten())),
        );
    } else {
        return Err(a.data_type().to_string());
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_table_round_trips_through_parquet() {
        let csv = b"rep,value,arm,seed\n1,0.5,base,18446744073709551615\n2,,alt,1\n3,-1e300,,2\n";
        let t = ColumnTable::from_csv(csv, "t.csv").unwrap();
        let bytes = t.to_parquet("t.parquet").unwrap();
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("t.parquet");
        std::fs::write(&path, bytes).unwrap();
        assert_eq!(ColumnTable::read_parquet(&path).unwrap(), t);
        let ds = super::super::read_dataset(&path, Some(&["value", "rep"])).unwrap();
        assert_eq!(ds.names(), ["value", "rep"]);
        let err = super::super::read_dataset(&path, Some(&["nope"])).unwrap_err();
        assert!(err.to_string().contains("no column `nope`"), "{err}");
        std::fs::write(&path, b"not parquet").unwrap();
        let err = ColumnTable::read_parquet(&path).unwrap_err().to_string();
        assert!(err.contains("not a readable Parquet file"), "{err}");
    }
}
