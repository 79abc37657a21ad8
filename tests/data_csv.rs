//! CSV reading: types, missing tokens, line numbers, and each read error.

use std::path::PathBuf;

use migsim::data::{Column, DataError, Dataset, Formula, MISSING_TOKENS, load_design};

fn write(dir: &tempfile::TempDir, name: &str, text: &str) -> PathBuf {
    let p = dir.path().join(name);
    std::fs::write(&p, text).unwrap();
    p
}

fn numeric<'a>(ds: &'a Dataset, name: &str) -> &'a [f64] {
    match ds.column(name) {
        Some(Column::Numeric(v)) => v,
        other => panic!("{name}: {other:?}"),
    }
}

#[test]
fn every_missing_token_reads_as_missing() {
    let dir = tempfile::tempdir().unwrap();
    let mut text = String::from("a,b\n");
    for t in MISSING_TOKENS {
        text.push_str(&format!("{t},1\n"));
    }
    text.push_str(" 2.5 ,1\n");
    let ds = Dataset::read_csv(&write(&dir, "m.csv", &text)).unwrap();
    let a = numeric(&ds, "a");
    assert_eq!(a.len(), MISSING_TOKENS.len() + 1);
    assert!(a[..MISSING_TOKENS.len()].iter().all(|x| x.is_nan()));
    assert_eq!(a[MISSING_TOKENS.len()], 2.5);
}

#[test]
fn text_columns_become_sorted_categoricals() {
    let dir = tempfile::tempdir().unwrap();
    let p = write(&dir, "t.csv", "x,city\n1,b\n2,NA\n3,10\n4,a\n");
    let ds = Dataset::read_csv(&p).unwrap();
    let Some(Column::Categorical(c)) = ds.column("city") else {
        panic!("city should be text")
    };
    assert_eq!(c.levels, ["10", "a", "b"]);
    assert_eq!(
        (0..4).map(|i| c.get(i)).collect::<Vec<_>>(),
        [Some("b"), None, Some("10"), Some("a")]
    );
    assert_eq!(numeric(&ds, "x"), [1.0, 2.0, 3.0, 4.0]);
}

#[test]
fn only_requested_columns_are_read() {
    let dir = tempfile::tempdir().unwrap();
    let p = write(&dir, "s.csv", "a,skip,b\n1,zz,2\n3,yy,4\n");
    let ds = Dataset::read_csv_columns(&p, &["b", "a"]).unwrap();
    assert_eq!(ds.names(), ["a", "b"]);
    assert_eq!(numeric(&ds, "b"), [2.0, 4.0]);
}

#[test]
fn non_numeric_cell_names_file_row_line_and_column() {
    let dir = tempfile::tempdir().unwrap();
    let p = write(&dir, "n.csv", "y,a\n1,2\n0,3\n1,abc\n0,4\n");
    let f = Formula::parse("y", Some("a"), None, None, true).unwrap();
    let e = load_design(&p, &f).unwrap_err();
    assert_eq!(
        e.to_string(),
        format!(
            "{}: column `a` must be numeric, but row 3 (line 4) has `abc`",
            p.display()
        )
    );
}

#[test]
fn line_numbers_follow_multiline_cells() {
    let dir = tempfile::tempdir().unwrap();
    let p = write(&dir, "q.csv", "y,note,a\n1,\"two\nlines\",2\n0,x,bad\n");
    let f = Formula::parse("y", Some("a"), None, None, true).unwrap();
    let e = load_design(&p, &f).unwrap_err();
    assert!(
        matches!(&e, DataError::NonNumeric { loc, .. } if loc.row == 2 && loc.line == Some(4)),
        "{e}"
    );
}

#[test]
fn ragged_row_is_malformed() {
    let dir = tempfile::tempdir().unwrap();
    let p = write(&dir, "r.csv", "a,b,c\n1,2,3\n4,5,6\n7,8\n");
    let e = Dataset::read_csv(&p).unwrap_err();
    assert_eq!(
        e.to_string(),
        format!(
            "{}: malformed CSV at row 3 (line 4): 2 fields where the header has 3",
            p.display()
        )
    );
}

#[test]
fn empty_file_and_header_only_file() {
    let dir = tempfile::tempdir().unwrap();
    let p = write(&dir, "e.csv", "");
    assert!(matches!(
        Dataset::read_csv(&p),
        Err(DataError::Empty { .. })
    ));
    let p = write(&dir, "h.csv", "a,b\n");
    let e = Dataset::read_csv(&p).unwrap_err();
    assert_eq!(
        e.to_string(),
        format!("{}: the header has no data rows below it", p.display())
    );
}

#[test]
fn duplicate_header_is_named() {
    let dir = tempfile::tempdir().unwrap();
    let p = write(&dir, "d.csv", "a,b,a\n1,2,3\n");
    let e = Dataset::read_csv(&p).unwrap_err();
    assert_eq!(
        e.to_string(),
        format!(
            "{}: column name `a` appears twice in the header (columns 1 and 3)",
            p.display()
        )
    );
}

#[test]
fn unknown_column_names_the_file() {
    let dir = tempfile::tempdir().unwrap();
    let p = write(&dir, "u.csv", "a,b\n1,2\n");
    let e = Dataset::read_csv_columns(&p, &["a", "zz"]).unwrap_err();
    assert_eq!(
        e.to_string(),
        format!("{}: no column `zz` (columns: a, b)", p.display())
    );
}

#[test]
fn missing_file_is_an_io_error_naming_it() {
    let e = Dataset::read_csv(std::path::Path::new("/nonexistent/x.csv")).unwrap_err();
    assert!(matches!(e, DataError::Io { .. }));
    assert!(
        e.to_string()
            .starts_with("cannot read /nonexistent/x.csv: ")
    );
}

#[test]
fn all_missing_and_constant_columns_in_a_file() {
    let dir = tempfile::tempdir().unwrap();
    let p = write(&dir, "c.csv", "y,m,k,a\n1,NA,5,1\n0,,5,2\n1,.,5,NA\n");
    let f = Formula::parse("y", Some("m"), None, None, true).unwrap();
    let e = load_design(&p, &f).unwrap_err();
    assert!(
        matches!(&e, DataError::AllMissing { column, .. } if column == "m"),
        "{e}"
    );
    let f = Formula::parse("y", Some("a,k"), None, None, true).unwrap();
    let e = load_design(&p, &f).unwrap_err();
    assert!(
        matches!(&e, DataError::Constant { column, n: 2, .. } if column == "k"),
        "{e}"
    );
}

#[test]
fn listwise_deletion_counts_rows_missing_any_model_variable() {
    let dir = tempfile::tempdir().unwrap();
    let text = "y,a,g,c,other\n1,1,u,1,NA\n0,NA,u,1,1\n1,2,,1,1\n0,3,v,.,1\n1,4,v,2,1\n0,5,u,2,1\n";
    let p = write(&dir, "l.csv", text);
    let f = Formula::parse("y", Some("a"), Some("g"), Some("c"), true).unwrap();
    let d = load_design(&p, &f).unwrap();
    assert_eq!(d.n_dropped, 3);
    assert_eq!(d.y, [1.0, 1.0, 0.0]);
    assert_eq!(d.names, ["const", "a", "g=v"]);
    assert_eq!(d.clusters.unwrap().ids, [0, 1, 1]);
}

#[test]
fn write_csv_round_trips() {
    let dir = tempfile::tempdir().unwrap();
    let cat = migsim::data::Categorical::from_cells(&[Some("x, y"), None, Some("z")]);
    let ds = Dataset::from_columns(
        "<memory>",
        vec![
            ("a".into(), Column::Numeric(vec![0.1, f64::NAN, 2016.0])),
            ("s".into(), Column::Categorical(cat)),
        ],
    )
    .unwrap();
    let p = dir.path().join("out/rt.csv");
    ds.write_csv(&p).unwrap();
    assert_eq!(
        std::fs::read_to_string(&p).unwrap(),
        "a,s\n0.1,\"x, y\"\n,\n2016,z\n"
    );
    let back = Dataset::read_csv(&p).unwrap();
    assert_eq!(back.column("s"), ds.column("s"));
    let a = numeric(&back, "a");
    assert_eq!((a[0], a[2]), (0.1, 2016.0));
    assert!(a[1].is_nan());
}

#[test]
fn in_memory_columns_must_agree() {
    let e = Dataset::from_columns(
        "cohort",
        vec![
            ("a".into(), Column::Numeric(vec![1.0, 2.0])),
            ("b".into(), Column::Numeric(vec![1.0])),
        ],
    )
    .unwrap_err();
    assert_eq!(
        e.to_string(),
        "cohort: column `b` of 1 rows does not match the 2 rows of the others"
    );
    let e = Dataset::from_columns(
        "cohort",
        vec![
            ("a".into(), Column::Numeric(vec![1.0])),
            ("a".into(), Column::Numeric(vec![1.0])),
        ],
    )
    .unwrap_err();
    assert!(matches!(
        e,
        DataError::DuplicateColumn {
            first: 1,
            second: 2,
            ..
        }
    ));
}
