//! Design building checked against a pandas-built reference
//! (tests/fixtures/data/make_design.py) and hand-computed small cases.

use std::path::{Path, PathBuf};

use migsim::data::{
    Column, DataError, Dataset, Formula, build_design, build_design_owned, load_design,
};

fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/data")
        .join(name)
}

/// expected_design.csv as (header, rows of text cells), read with the csv crate.
fn expected() -> (Vec<String>, Vec<Vec<String>>) {
    let mut r = csv::Reader::from_path(fixture("expected_design.csv")).unwrap();
    let header = r.headers().unwrap().iter().map(String::from).collect();
    let rows = r
        .records()
        .map(|rec| rec.unwrap().iter().map(String::from).collect())
        .collect();
    (header, rows)
}

fn fixture_formula() -> Formula {
    Formula::parse(
        "y",
        Some("a, b, a^2, a:b"),
        Some("year,region"),
        Some("school"),
        true,
    )
    .unwrap()
}

#[test]
fn design_matches_pandas_reference() {
    let design = load_design(&fixture("input.csv"), &fixture_formula()).unwrap();
    let (header, rows) = expected();
    assert_eq!(design.names, header[2..].to_vec());
    assert_eq!(design.n(), rows.len());
    assert_eq!(design.n_dropped, 10);
    for (i, row) in rows.iter().enumerate() {
        let y: f64 = row[0].parse().unwrap();
        assert_eq!(design.y[i].to_bits(), y.to_bits(), "y row {i}");
        for (j, cell) in row[2..].iter().enumerate() {
            let want: f64 = cell.parse().unwrap();
            let got = design.x[(i, j)];
            // Products are computed in the same IEEE order as pandas; allow one ulp.
            assert!(
                (got - want).abs() <= f64::EPSILON * want.abs(),
                "row {i} column {}: {got} vs {want}",
                design.names[j]
            );
        }
    }
}

#[test]
fn clusters_are_dense_in_sorted_level_order() {
    let design = load_design(&fixture("input.csv"), &fixture_formula()).unwrap();
    let (_, rows) = expected();
    let mut levels: Vec<&str> = rows.iter().map(|r| r[1].as_str()).collect();
    levels.sort();
    levels.dedup();
    let cl = design.clusters.as_ref().unwrap();
    assert_eq!(cl.variable, "school");
    assert_eq!(cl.groups, levels.len());
    for (i, row) in rows.iter().enumerate() {
        let want = levels.iter().position(|l| *l == row[1]).unwrap() as u32;
        assert_eq!(cl.ids[i], want);
    }
}

#[test]
fn borrowed_and_owned_builds_agree() {
    let f = fixture_formula();
    let ds = Dataset::read_csv(&fixture("input.csv")).unwrap();
    let a = build_design(&ds, &f).unwrap();
    let b = build_design_owned(ds, &f).unwrap();
    assert_eq!(a.names, b.names);
    assert_eq!(a.y, b.y);
    assert_eq!(a.x, b.x);
}

fn mem(cols: Vec<(&str, Column)>) -> Dataset {
    Dataset::from_columns(
        "<memory>",
        cols.into_iter().map(|(n, c)| (n.to_string(), c)).collect(),
    )
    .unwrap()
}

#[test]
fn numeric_fe_sorts_numerically_and_prints_integers_plainly() {
    let ds = mem(vec![
        ("y", Column::Numeric(vec![0.0, 1.0, 0.0, 1.0, 1.0])),
        ("g", Column::Numeric(vec![10.0, 9.0, 2.5, 9.0, 10.0])),
    ]);
    let f = Formula::parse("y", None, Some("g"), None, true).unwrap();
    let d = build_design(&ds, &f).unwrap();
    assert_eq!(d.names, ["const", "g=9", "g=10"]);
    let col = |j: usize| (0..5).map(|i| d.x[(i, j)]).collect::<Vec<_>>();
    assert_eq!(col(1), [0.0, 1.0, 0.0, 1.0, 0.0]);
    assert_eq!(col(2), [1.0, 0.0, 0.0, 0.0, 1.0]);
}

#[test]
fn text_fe_sorts_bytewise() {
    let region = migsim::data::Categorical::from_cells(&[
        Some("b9"),
        Some("b10"),
        Some("B"),
        None,
        Some("b9"),
    ]);
    let ds = mem(vec![
        ("y", Column::Numeric(vec![0.0, 1.0, 0.0, 1.0, 1.0])),
        ("r", Column::Categorical(region)),
    ]);
    let f = Formula::parse("y", None, Some("r"), None, false).unwrap();
    let d = build_design(&ds, &f).unwrap();
    assert_eq!(d.names, ["r=b10", "r=b9"]);
    assert_eq!(d.n_dropped, 1);
    assert_eq!(d.n(), 4);
}

#[test]
fn squares_and_interactions_multiply_values() {
    let ds = mem(vec![
        ("y", Column::Numeric(vec![1.0, 2.0, 3.0, 4.0])),
        ("a", Column::Numeric(vec![1.5, -2.0, f64::NAN, 3.0])),
        ("b", Column::Numeric(vec![2.0, 0.5, 1.0, -1.0])),
    ]);
    let f = Formula::parse("y", Some("a^2,a:b,b"), None, None, true).unwrap();
    let d = build_design(&ds, &f).unwrap();
    assert_eq!(d.names, ["const", "a^2", "a:b", "b"]);
    assert_eq!(d.n_dropped, 1);
    assert_eq!(d.y, [1.0, 2.0, 4.0]);
    let row = |i: usize| (0..4).map(|j| d.x[(i, j)]).collect::<Vec<_>>();
    assert_eq!(row(0), [1.0, 2.25, 3.0, 2.0]);
    assert_eq!(row(1), [1.0, 4.0, -1.0, 0.5]);
    assert_eq!(row(2), [1.0, 9.0, -3.0, -1.0]);
}

#[test]
fn constant_regressor_is_named() {
    let ds = mem(vec![
        ("y", Column::Numeric(vec![1.0, 0.0, 1.0])),
        ("c", Column::Numeric(vec![4.0, 4.0, 4.0])),
    ]);
    let f = Formula::parse("y", Some("c"), None, None, true).unwrap();
    let e = build_design(&ds, &f).unwrap_err();
    assert!(matches!(&e, DataError::Constant { column, .. } if column == "c"));
    assert_eq!(
        e.to_string(),
        "<memory>: `c` is constant (4) over the 3 complete cases; it cannot be estimated beside `const` (drop it)"
    );
}

#[test]
fn fe_with_one_level_is_constant() {
    let ds = mem(vec![
        ("y", Column::Numeric(vec![1.0, 0.0, 1.0])),
        ("g", Column::Numeric(vec![7.0, 7.0, f64::NAN])),
    ]);
    let f = Formula::parse("y", None, Some("g"), None, true).unwrap();
    let e = build_design(&ds, &f).unwrap_err();
    assert!(
        matches!(&e, DataError::Constant { column, value, n: 2, .. } if column == "g" && value == "7")
    );
}

#[test]
fn all_missing_column_is_named() {
    let ds = mem(vec![
        ("y", Column::Numeric(vec![1.0, 0.0])),
        ("m", Column::Numeric(vec![f64::NAN, f64::NAN])),
    ]);
    let f = Formula::parse("y", Some("m"), None, None, true).unwrap();
    let e = build_design(&ds, &f).unwrap_err();
    assert_eq!(
        e.to_string(),
        "<memory>: column `m` has no non-missing values"
    );
}

#[test]
fn no_complete_cases_is_reported() {
    let ds = mem(vec![
        ("y", Column::Numeric(vec![1.0, f64::NAN])),
        ("a", Column::Numeric(vec![f64::NAN, 2.0])),
    ]);
    let f = Formula::parse("y", Some("a"), None, None, true).unwrap();
    let e = build_design(&ds, &f).unwrap_err();
    assert!(
        matches!(e, DataError::NoCompleteCases { dropped: 2, .. }),
        "{e}"
    );
}

#[test]
fn text_column_in_numeric_term_reports_first_bad_row() {
    let city =
        migsim::data::Categorical::from_cells(&[Some("3"), None, Some("Beijing"), Some("x")]);
    let ds = mem(vec![
        ("y", Column::Numeric(vec![1.0, 0.0, 1.0, 0.0])),
        ("city", Column::Categorical(city)),
    ]);
    let f = Formula::parse("y", Some("city^2"), None, None, true).unwrap();
    let e = build_design(&ds, &f).unwrap_err();
    assert_eq!(
        e.to_string(),
        "<memory>: column `city` (in term `city^2`) must be numeric, but row 3 has `Beijing`"
    );
}

#[test]
fn numeric_text_column_in_memory_is_parsed() {
    let a = migsim::data::Categorical::from_cells(&[Some("1.5"), Some("2"), Some("NA")]);
    let ds = mem(vec![
        ("y", Column::Numeric(vec![1.0, 0.0, 1.0])),
        ("a", Column::Categorical(a)),
    ]);
    let f = Formula::parse("y", Some("a"), None, None, true).unwrap();
    let d = build_design(&ds, &f).unwrap();
    assert_eq!(d.n_dropped, 1);
    assert_eq!((d.x[(0, 1)], d.x[(1, 1)]), (1.5, 2.0));
}

#[test]
fn infinite_value_is_reported_with_its_row() {
    let ds = mem(vec![
        ("y", Column::Numeric(vec![1.0, 0.0, 1.0])),
        ("a", Column::Numeric(vec![1.0, f64::INFINITY, 2.0])),
    ]);
    let f = Formula::parse("y", Some("a:a"), None, None, true).unwrap();
    let e = build_design(&ds, &f).unwrap_err();
    assert!(
        matches!(&e, DataError::NonFinite { loc, column, .. } if loc.row == 2 && column == "a"),
        "{e}"
    );
}

#[test]
fn unknown_column_lists_available() {
    let ds = mem(vec![("y", Column::Numeric(vec![1.0, 0.0]))]);
    let f = Formula::parse("y", Some("z"), None, None, true).unwrap();
    let e = build_design(&ds, &f).unwrap_err();
    assert_eq!(e.to_string(), "<memory>: no column `z` (columns: y)");
}

#[test]
fn formula_rejects_bad_terms() {
    for (x, reason) in [
        ("a,,b", "empty term"),
        ("a^3", "only squares"),
        ("a:", "column names on both sides"),
    ] {
        let e = Formula::parse("y", Some(x), None, None, true).unwrap_err();
        assert!(e.to_string().contains(reason), "{x}: {e}");
    }
    let f = Formula::parse("y", Some("a, a^2 ,a:b"), Some("g"), Some("c"), true).unwrap();
    assert_eq!(f.columns(), ["y", "a", "b", "g", "c"]);
    assert_eq!(f.x_terms[1].name, "a^2");
}
