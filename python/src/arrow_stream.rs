//! The Arrow PyCapsule interface, consumer side: a table (pandas, polars,
//! pyarrow — anything with `__arrow_c_stream__`) read through the Arrow C
//! stream interface (<https://arrow.apache.org/docs/format/CStreamInterface.html>)
//! without an Arrow crate (some pyo3-arrow releases do not build under abi3).
//!
//! A float64 column in one chunk is lent to the design builder where it
//! lies (nulls must hold NaN, which pyarrow's pandas conversion keeps);
//! other numeric types, several chunks or nulls over other values are
//! converted to f64 once; text and dictionary columns become categoricals.

use std::ffi::{CStr, c_char, c_int, c_void};
use std::ptr;

use migsim::data::{Categorical, Column, ColumnRef};
use pyo3::prelude::*;
use pyo3::types::PyCapsule;

use crate::errors::input_error;

#[repr(C)]
struct ArrowSchema {
    format: *const c_char,
    name: *const c_char,
    metadata: *const c_char,
    flags: i64,
    n_children: i64,
    children: *mut *mut ArrowSchema,
    dictionary: *mut ArrowSchema,
    release: Option<unsafe extern "C" fn(*mut ArrowSchema)>,
    private_data: *mut c_void,
}

#[repr(C)]
struct ArrowArray {
    length: i64,
    null_count: i64,
    offset: i64,
    n_buffers: i64,
    n_children: i64,
    buffers: *mut *const c_void,
    children: *mut *mut ArrowArray,
    dictionary: *mut ArrowArray,
    release: Option<unsafe extern "C" fn(*mut ArrowArray)>,
    private_data: *mut c_void,
}

#[repr(C)]
struct ArrowArrayStream {
    get_schema: Option<unsafe extern "C" fn(*mut ArrowArrayStream, *mut ArrowSchema) -> c_int>,
    get_next: Option<unsafe extern "C" fn(*mut ArrowArrayStream, *mut ArrowArray) -> c_int>,
    get_last_error: Option<unsafe extern "C" fn(*mut ArrowArrayStream) -> *const c_char>,
    release: Option<unsafe extern "C" fn(*mut ArrowArrayStream)>,
    private_data: *mut c_void,
}

fn empty_schema() -> ArrowSchema {
    ArrowSchema {
        format: ptr::null(),
        name: ptr::null(),
        metadata: ptr::null(),
        flags: 0,
        n_children: 0,
        children: ptr::null_mut(),
        dictionary: ptr::null_mut(),
        release: None,
        private_data: ptr::null_mut(),
    }
}

fn empty_array() -> ArrowArray {
    ArrowArray {
        length: 0,
        null_count: 0,
        offset: 0,
        n_buffers: 0,
        n_children: 0,
        buffers: ptr::null_mut(),
        children: ptr::null_mut(),
        dictionary: ptr::null_mut(),
        release: None,
        private_data: ptr::null_mut(),
    }
}

/// An owned, released-on-drop schema.
struct Schema(ArrowSchema);
impl Drop for Schema {
    fn drop(&mut self) {
        if let Some(r) = self.0.release {
            unsafe { r(&mut self.0) }
        }
    }
}

/// An owned, released-on-drop record batch (a struct array).
struct Batch(ArrowArray);
impl Drop for Batch {
    fn drop(&mut self) {
        if let Some(r) = self.0.release {
            unsafe { r(&mut self.0) }
        }
    }
}

struct Stream(ArrowArrayStream);
impl Drop for Stream {
    fn drop(&mut self) {
        if let Some(r) = self.0.release {
            unsafe { r(&mut self.0) }
        }
    }
}

/// One field of the table: its name, Arrow format and dictionary format.
struct Field {
    name: String,
    format: String,
    dict_format: Option<String>,
}

/// Every batch of a table read from its C stream; columns are read from it
/// by name. Holds the producer's buffers until dropped.
pub struct Table {
    fields: Vec<Field>,
    batches: Vec<Batch>,
    /// Rows in all.
    pub n_rows: usize,
}

unsafe fn cstr(p: *const c_char) -> String {
    if p.is_null() {
        String::new()
    } else {
        unsafe { CStr::from_ptr(p) }.to_string_lossy().into_owned()
    }
}

impl Table {
    /// Read `obj.__arrow_c_stream__()` whole.
    pub fn read(obj: &Bound<'_, PyAny>) -> PyResult<Table> {
        if !obj.hasattr("__arrow_c_stream__")? {
            return Err(input_error(format!(
                "data: expected a pandas or polars DataFrame or a pyarrow Table (an object with \
                 __arrow_c_stream__), got {}",
                obj.get_type().name()?
            )));
        }
        let capsule = obj.call_method0("__arrow_c_stream__")?;
        let capsule = capsule.cast::<PyCapsule>().map_err(|_| {
            input_error("data: __arrow_c_stream__ did not return a PyCapsule".to_string())
        })?;
        let p = capsule.pointer_checked(Some(c"arrow_array_stream"))?;
        let raw = p.as_ptr() as *mut ArrowArrayStream;
        // Move the stream out of the capsule: the capsule's destructor then
        // sees a released stream and does nothing.
        let stream = unsafe {
            let s = ptr::read(raw);
            (*raw).release = None;
            Stream(s)
        };
        unsafe { Self::from_stream(stream) }
    }

    unsafe fn from_stream(mut stream: Stream) -> PyResult<Table> {
        let sp: *mut ArrowArrayStream = &mut stream.0;
        let last_error = |code: c_int| -> PyErr {
            let msg = unsafe {
                match (*sp).get_last_error {
                    Some(f) => cstr(f(sp)),
                    None => String::new(),
                }
            };
            input_error(format!(
                "data: the Arrow stream failed (code {code}): {msg}"
            ))
        };
        let mut schema = Schema(empty_schema());
        let get_schema = unsafe { (*sp).get_schema }
            .ok_or_else(|| input_error("data: Arrow stream without get_schema".into()))?;
        let code = unsafe { get_schema(sp, &mut schema.0) };
        if code != 0 {
            return Err(last_error(code));
        }
        let format = unsafe { cstr(schema.0.format) };
        if format != "+s" {
            return Err(input_error(format!(
                "data: expected a table (Arrow struct `+s`), got Arrow format `{format}`"
            )));
        }
        let mut fields = Vec::new();
        for j in 0..schema.0.n_children.max(0) as usize {
            let child = unsafe { &**schema.0.children.add(j) };
            let dict_format = if child.dictionary.is_null() {
                None
            } else {
                Some(unsafe { cstr((*child.dictionary).format) })
            };
            fields.push(Field {
                name: unsafe { cstr(child.name) },
                format: unsafe { cstr(child.format) },
                dict_format,
            });
        }
        let get_next = unsafe { (*sp).get_next }
            .ok_or_else(|| input_error("data: Arrow stream without get_next".into()))?;
        let mut batches = Vec::new();
        let mut n_rows = 0usize;
        loop {
            let mut a = Batch(empty_array());
            let code = unsafe { get_next(sp, &mut a.0) };
            if code != 0 {
                return Err(last_error(code));
            }
            if a.0.release.is_none() {
                break;
            }
            if a.0.n_children as usize != fields.len() {
                return Err(input_error(format!(
                    "data: an Arrow batch has {} columns, the schema {}",
                    a.0.n_children,
                    fields.len()
                )));
            }
            n_rows += a.0.length.max(0) as usize;
            if a.0.length > 0 {
                batches.push(a);
            }
        }
        Ok(Table {
            fields,
            batches,
            n_rows,
        })
    }

    /// The column names, in table order.
    pub fn names(&self) -> Vec<String> {
        self.fields.iter().map(|f| f.name.clone()).collect()
    }

    /// Column `name`: borrowed f64 values where possible, else converted.
    pub fn column(&self, name: &str) -> PyResult<ColumnRef<'_>> {
        let Some(j) = self.fields.iter().position(|f| f.name == name) else {
            return Err(input_error(format!(
                "data: no column `{name}` (columns: {})",
                self.names().join(", ")
            )));
        };
        let field = &self.fields[j];
        let chunks: Vec<Chunk<'_>> = self
            .batches
            .iter()
            .map(|b| unsafe {
                let child = &**b.0.children.add(j);
                Chunk {
                    a: child,
                    start: (b.0.offset + child.offset) as usize,
                    len: b.0.length as usize,
                }
            })
            .collect();
        let kind = Kind::of(&field.format, field.dict_format.as_deref()).ok_or_else(|| {
            input_error(format!(
                "data: column `{name}` has Arrow type `{}`, which migsim cannot read \
                 (expected numbers, booleans, text or categories)",
                field.format
            ))
        })?;
        if kind == Kind::F64 && chunks.len() == 1 && chunks[0].nulls_hold_nan() {
            return Ok(ColumnRef::Numbers(chunks[0].f64_slice()));
        }
        if chunks.is_empty() {
            return Ok(ColumnRef::Owned(Column::Numeric(Vec::new())));
        }
        match kind {
            Kind::Text(_) => {
                let mut cells: Vec<Option<&str>> = Vec::with_capacity(self.n_rows);
                for c in &chunks {
                    c.push_text(kind, &mut cells);
                }
                Ok(ColumnRef::Owned(Column::Categorical(
                    Categorical::from_cells(&cells),
                )))
            }
            Kind::Dict(index, value) => {
                let value_kind = match value {
                    Values::Num(n) => Kind::Num(n),
                    Values::Text(t) => Kind::Text(t),
                };
                let mut nums = Vec::new();
                let mut cells: Vec<Option<&str>> = Vec::new();
                for c in &chunks {
                    let dict = unsafe { &*c.a.dictionary };
                    let d = Chunk {
                        a: dict,
                        start: dict.offset as usize,
                        len: dict.length as usize,
                    };
                    let codes = c.numbers(Kind::Num(index));
                    if let Kind::Text(_) = value_kind {
                        let mut levels = Vec::new();
                        d.push_text(value_kind, &mut levels);
                        cells.extend(codes.iter().map(|&k| {
                            if k.is_nan() {
                                None
                            } else {
                                levels.get(k as usize).copied().flatten()
                            }
                        }));
                    } else {
                        let levels = d.numbers(value_kind);
                        nums.extend(codes.iter().map(|&k| {
                            if k.is_nan() {
                                f64::NAN
                            } else {
                                levels.get(k as usize).copied().unwrap_or(f64::NAN)
                            }
                        }));
                    }
                }
                if let Kind::Text(_) = value_kind {
                    Ok(ColumnRef::Owned(Column::Categorical(
                        Categorical::from_cells(&cells),
                    )))
                } else {
                    Ok(ColumnRef::Owned(Column::Numeric(nums)))
                }
            }
            _ => {
                let mut v = Vec::with_capacity(self.n_rows);
                for c in &chunks {
                    v.extend(c.numbers(kind));
                }
                Ok(ColumnRef::Owned(Column::Numeric(v)))
            }
        }
    }
}

/// Arrow formats migsim reads.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Kind {
    F64,
    Num(Num),
    /// `u` (i32 offsets), `U` (i64 offsets), `vu` (string view).
    Text(TextLayout),
    /// Dictionary-encoded: the index type and the values' kind (numbers or text).
    Dict(Num, Values),
}

#[derive(Debug, Clone, Copy, PartialEq)]
enum Num {
    F64,
    F32,
    I8,
    I16,
    I32,
    I64,
    U8,
    U16,
    U32,
    U64,
    Bool,
}

#[derive(Debug, Clone, Copy, PartialEq)]
enum Values {
    Num(Num),
    Text(TextLayout),
}

#[derive(Debug, Clone, Copy, PartialEq)]
enum TextLayout {
    Small,
    Large,
    View,
}

impl Num {
    fn of(format: &str) -> Option<Num> {
        Some(match format {
            "g" => Num::F64,
            "f" => Num::F32,
            "c" => Num::I8,
            "s" => Num::I16,
            "i" => Num::I32,
            "l" => Num::I64,
            "C" => Num::U8,
            "S" => Num::U16,
            "I" => Num::U32,
            "L" => Num::U64,
            "b" => Num::Bool,
            _ => return None,
        })
    }
}

impl Kind {
    fn of(format: &str, dict: Option<&str>) -> Option<Kind> {
        if let Some(d) = dict {
            let index = Num::of(format)?;
            let value = match Kind::of(d, None)? {
                Kind::F64 => Values::Num(Num::F64),
                Kind::Num(n) => Values::Num(n),
                Kind::Text(t) => Values::Text(t),
                Kind::Dict(..) => return None,
            };
            return Some(Kind::Dict(index, value));
        }
        Some(match format {
            "g" => Kind::F64,
            "u" => Kind::Text(TextLayout::Small),
            "U" => Kind::Text(TextLayout::Large),
            "vu" => Kind::Text(TextLayout::View),
            f => Kind::Num(Num::of(f)?),
        })
    }
}

/// One chunk of one column: the array and its logical window.
struct Chunk<'a> {
    a: &'a ArrowArray,
    start: usize,
    len: usize,
}

impl<'a> Chunk<'a> {
    fn buffer<T>(&self, i: usize) -> *const T {
        if (self.a.n_buffers as usize) <= i {
            return ptr::null();
        }
        unsafe { *self.a.buffers.add(i) as *const T }
    }

    /// Whether row `i` of the window is valid (not null).
    fn valid(&self, i: usize) -> bool {
        if self.a.null_count == 0 {
            return true;
        }
        let bits = self.buffer::<u8>(0);
        if bits.is_null() {
            return true;
        }
        let k = self.start + i;
        unsafe { (*bits.add(k / 8) >> (k % 8)) & 1 == 1 }
    }

    fn f64_slice(&self) -> &'a [f64] {
        let p = self.buffer::<f64>(1);
        if p.is_null() || self.len == 0 {
            return &[];
        }
        unsafe { std::slice::from_raw_parts(p.add(self.start), self.len) }
    }

    /// Whether every null slot of a float64 chunk already holds NaN (so the
    /// values can be lent as they are).
    fn nulls_hold_nan(&self) -> bool {
        if self.a.null_count == 0 {
            return true;
        }
        let v = self.f64_slice();
        (0..self.len).all(|i| self.valid(i) || v[i].is_nan())
    }

    /// The window as f64, nulls as NaN.
    fn numbers(&self, kind: Kind) -> Vec<f64> {
        let num = match kind {
            Kind::F64 => Num::F64,
            Kind::Num(n) => n,
            _ => return vec![f64::NAN; self.len],
        };
        let at = |i: usize| -> f64 {
            let k = self.start + i;
            unsafe {
                match num {
                    Num::F64 => *self.buffer::<f64>(1).add(k),
                    Num::F32 => f64::from(*self.buffer::<f32>(1).add(k)),
                    Num::I8 => f64::from(*self.buffer::<i8>(1).add(k)),
                    Num::I16 => f64::from(*self.buffer::<i16>(1).add(k)),
                    Num::I32 => f64::from(*self.buffer::<i32>(1).add(k)),
                    Num::I64 => *self.buffer::<i64>(1).add(k) as f64,
                    Num::U8 => f64::from(*self.buffer::<u8>(1).add(k)),
                    Num::U16 => f64::from(*self.buffer::<u16>(1).add(k)),
                    Num::U32 => f64::from(*self.buffer::<u32>(1).add(k)),
                    Num::U64 => *self.buffer::<u64>(1).add(k) as f64,
                    Num::Bool => f64::from((*self.buffer::<u8>(1).add(k / 8) >> (k % 8)) & 1),
                }
            }
        };
        (0..self.len)
            .map(|i| if self.valid(i) { at(i) } else { f64::NAN })
            .collect()
    }

    /// Append the window's strings (None for nulls).
    fn push_text(&self, kind: Kind, out: &mut Vec<Option<&'a str>>) {
        let Kind::Text(layout) = kind else { return };
        for i in 0..self.len {
            if !self.valid(i) {
                out.push(None);
                continue;
            }
            let k = self.start + i;
            let bytes: &'a [u8] = unsafe {
                match layout {
                    TextLayout::Small => {
                        let off = self.buffer::<i32>(1);
                        let (a, b) = (*off.add(k) as usize, *off.add(k + 1) as usize);
                        std::slice::from_raw_parts(self.buffer::<u8>(2).add(a), b - a)
                    }
                    TextLayout::Large => {
                        let off = self.buffer::<i64>(1);
                        let (a, b) = (*off.add(k) as usize, *off.add(k + 1) as usize);
                        std::slice::from_raw_parts(self.buffer::<u8>(2).add(a), b - a)
                    }
                    TextLayout::View => {
                        let view = self.buffer::<u8>(1).add(16 * k);
                        let len = u32::from_le_bytes(*(view as *const [u8; 4])) as usize;
                        if len <= 12 {
                            std::slice::from_raw_parts(view.add(4), len)
                        } else {
                            let buf = u32::from_le_bytes(*(view.add(8) as *const [u8; 4]));
                            let off = u32::from_le_bytes(*(view.add(12) as *const [u8; 4]));
                            let data = self.buffer::<u8>(2 + buf as usize);
                            std::slice::from_raw_parts(data.add(off as usize), len)
                        }
                    }
                }
            };
            out.push(std::str::from_utf8(bytes).ok());
        }
    }
}
