//! Byte-level fuzzing of every user-input parser, stable enough for CI
//! (256 cases each): arbitrary bytes and random edits of valid inputs must
//! give `Ok` or an error, never a panic. The long runs are the cargo-fuzz
//! targets under fuzz/ (same entry points).

use std::str::FromStr;

use migsim::calibrate::CalibrationTable;
use migsim::data::{Dataset, Formula, Subset};
use migsim::network::NetworkSpec;
use migsim::recovery::Spec;
use migsim::scenario::Scenario;
use proptest::prelude::*;

const CSV: &str = "y,x,city,w\n1,0.5,north,2\n0,1.5,\"so,uth\",NA\n1,,north,3.5e2\r\n0,-2,west,.\n";
const CALIBRATION: &str = "[calibration]\nparams = [\"a.b\", \"c\"]\nestimate = [-1.2, 0.4]\n\
se = [0.05, 0.02]\nlower = [-3.0, 0.0]\nupper = [0.0, 2.0]\n\
covariance = [[0.0025, 0.0001], [0.0001, 0.0004]]\n";

/// Apply `edits` (position, kind, byte) to `seed`: replace, insert or delete one byte.
fn mutate(seed: &[u8], edits: &[(usize, u8, u8)]) -> Vec<u8> {
    let mut v = seed.to_vec();
    for &(pos, kind, byte) in edits {
        let at = if v.is_empty() { 0 } else { pos % (v.len() + 1) };
        match kind % 3 {
            0 if at < v.len() => v[at] = byte,
            1 => v.insert(at, byte),
            _ if at < v.len() => {
                v.remove(at);
            }
            _ => v.push(byte),
        }
    }
    v
}

/// Interesting bytes for text formats.
fn token_byte() -> impl Strategy<Value = u8> {
    prop_oneof![
        Just(b','),
        Just(b'"'),
        Just(b'\n'),
        Just(b'\r'),
        Just(b'='),
        Just(b'['),
        Just(b']'),
        Just(b'{'),
        Just(b'}'),
        Just(b'.'),
        Just(b'-'),
        Just(b'e'),
        Just(b'9'),
        Just(b'0'),
        Just(0xff),
        Just(0xe9),
        any::<u8>(),
    ]
}

fn edits() -> impl Strategy<Value = Vec<(usize, u8, u8)>> {
    prop::collection::vec((any::<usize>(), any::<u8>(), token_byte()), 0..12)
}

fn text_input(seed: &'static str) -> impl Strategy<Value = String> {
    prop_oneof![
        edits()
            .prop_map(move |e| String::from_utf8_lossy(&mutate(seed.as_bytes(), &e)).into_owned()),
        ".{0,80}",
    ]
}

fn read_csv_bytes(bytes: &[u8]) {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join("f.csv");
    std::fs::write(&p, bytes).unwrap();
    if let Ok(ds) = Dataset::read_csv(&p) {
        assert!(ds.n_rows() >= 1);
        for name in ds.names() {
            assert!(ds.column(name).is_some());
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, failure_persistence: None, ..ProptestConfig::default() })]

    #[test]
    fn csv_reader_never_panics(e in edits(), raw in prop::collection::vec(token_byte(), 0..64), pick in any::<bool>()) {
        let bytes = if pick { mutate(CSV.as_bytes(), &e) } else { raw };
        read_csv_bytes(&bytes);
    }

    #[test]
    fn scenario_parser_never_panics(text in text_input(include_str!("../scenarios/showcase.toml"))) {
        let _ = Scenario::parse(&text, "fuzz.toml");
    }

    #[test]
    fn recovery_spec_parser_never_panics(text in text_input(include_str!("../scenarios/recovery/logit_well_specified.toml"))) {
        let _ = Spec::parse(&text, "fuzz.toml", "fuzz");
    }

    #[test]
    fn calibration_parser_never_panics(text in text_input(CALIBRATION)) {
        let _ = CalibrationTable::parse(&text, "fuzz.toml");
    }

    #[test]
    fn network_spec_parser_never_panics(text in text_input("sbm:groups=50,homophily=0.8,k=10")) {
        if let Ok(spec) = NetworkSpec::from_str(&text) {
            // What parses prints back to something that parses to the same spec.
            let again = NetworkSpec::from_str(&spec.to_string());
            prop_assert_eq!(again.map(|a| a.to_string()).ok(), Some(spec.to_string()));
        }
    }

    #[test]
    fn formula_parser_never_panics(
        y in text_input("y"),
        x in text_input("a,b^2,a:b,c"),
        fe in text_input("city,year"),
        cluster in text_input("firm"),
        intercept in any::<bool>(),
    ) {
        let _ = Formula::parse(&y, Some(&x), Some(&fe), Some(&cluster), intercept);
        let _ = Formula::parse(&y, Some(&x), None, None, intercept);
    }

    #[test]
    fn subset_parser_never_panics(text in text_input("south == \"a b\"")) {
        if let Ok(s) = Subset::try_from(text.as_str()) {
            prop_assert!(!s.column.is_empty() && !s.value.is_empty());
        }
    }
}
