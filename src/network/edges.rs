//! Measured networks from edge-list files (`--network edges:FILE.csv`).
//!
//! The file is CSV with a header row. The first two columns that are not
//! named `weight` hold node ids (any text: `17`, `alice`, `0x1f`); a column
//! named `weight` (optional) holds a finite weight > 0. Node `k` of the graph
//! (agent `k` of the engine) is the `k`-th distinct id in order of first
//! appearance. A row whose second id is empty declares a node without an
//! edge (the only way an isolated node enters an edge list).
//!
//! Undirected by default: `a,b` and `b,a` are the same edge. Self-loops
//! (`a,a`) and repeated edges are dropped and counted (a repeated edge keeps
//! the first row's weight). With `directed=true` a row `a,b` is the arc
//! a -> b: the engine's agent `a` passes job information to `b`, so weak-tie
//! contacts go to out-neighbours and the degree summary is of out-degrees.
//! Weighted graphs pick a weak-tie contact `j` of `i` with probability
//! `w_ij / sum_k w_ik`; unweighted ones uniformly among the neighbours.

use std::collections::HashMap;
use std::path::Path;
use std::sync::Arc;

use serde::Serialize;

use super::{NetworkError, SocialGraph};

/// What reading the file found and dropped, and the degree summary.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct GraphReport {
    /// The file read, as given.
    pub file: String,
    /// Rows read as arcs (`directed=true`).
    pub directed: bool,
    /// Whether the file has a `weight` column.
    pub weighted: bool,
    /// Data rows read (header excluded).
    pub rows: usize,
    /// Distinct node ids (declared isolated nodes included).
    pub nodes: usize,
    /// Edges kept (arcs when directed).
    pub edges: usize,
    /// Nodes with no (out-)neighbour after dropping self-loops.
    pub isolates: usize,
    /// Rows `a,a` dropped.
    pub self_loops_dropped: usize,
    /// Repeated edges dropped (the first row's weight is kept).
    pub duplicates_dropped: usize,
    /// Smallest (out-)degree.
    pub degree_min: usize,
    /// Mean (out-)degree.
    pub degree_mean: f64,
    /// Median (out-)degree.
    pub degree_median: f64,
    /// Largest (out-)degree.
    pub degree_max: usize,
}

/// A graph read from a file, with its report; node `k` is `ids[k]`.
#[derive(Debug, Clone, PartialEq)]
pub struct FileGraph {
    /// The graph; node `k` is the `k`-th distinct id.
    pub graph: SocialGraph,
    /// The ids in node order (order of first appearance).
    pub ids: Vec<String>,
    /// What reading found and dropped.
    pub report: GraphReport,
}

fn bad(file: &str, row: Option<usize>, column: Option<&str>, reason: String) -> NetworkError {
    NetworkError::EdgeFile(Box::new(super::EdgeFileProblem {
        file: file.to_string(),
        row,
        column: column.map(str::to_string),
        reason,
    }))
}

/// Largest node count accepted (node indices are `u32`).
const MAX_NODES: usize = u32::MAX as usize - 1;

impl FileGraph {
    /// Read an edge list (see the module documentation).
    pub fn read(path: &Path, directed: bool) -> Result<Arc<FileGraph>, NetworkError> {
        let file = path.display().to_string();
        let mut rdr = csv::ReaderBuilder::new()
            .has_headers(true)
            .flexible(false)
            .trim(csv::Trim::All)
            .from_path(path)
            .map_err(|e| bad(&file, None, None, format!("cannot read: {e}")))?;
        let header = rdr
            .headers()
            .map_err(|e| bad(&file, Some(1), None, format!("bad header: {e}")))?
            .clone();
        let names: Vec<String> = header
            .iter()
            .map(|h| h.trim_start_matches('\u{feff}').to_string())
            .collect();
        let weight_col = names.iter().position(|h| h == "weight");
        let id_cols: Vec<usize> = (0..names.len())
            .filter(|&c| Some(c) != weight_col)
            .take(2)
            .collect();
        if id_cols.len() < 2 {
            return Err(bad(
                &file,
                Some(1),
                None,
                format!(
                    "header `{}` has {} id column(s): expected two id columns (e.g. `source,target`) and an optional `weight`",
                    names.join(","),
                    id_cols.len()
                ),
            ));
        }
        let (ca, cb) = (id_cols[0], id_cols[1]);
        let mut index: HashMap<String, u32> = HashMap::new();
        let mut ids: Vec<String> = Vec::new();
        let mut intern = |id: &str, row: usize, col: &str| -> Result<u32, NetworkError> {
            if let Some(&k) = index.get(id) {
                return Ok(k);
            }
            if ids.len() >= MAX_NODES {
                return Err(bad(
                    &file,
                    Some(row),
                    Some(col),
                    format!("more than {MAX_NODES} distinct node ids"),
                ));
            }
            let k = ids.len() as u32;
            index.insert(id.to_string(), k);
            ids.push(id.to_string());
            Ok(k)
        };
        let mut edges: Vec<(u32, u32, f64, usize)> = Vec::new();
        let mut rows = 0usize;
        let mut self_loops = 0usize;
        for (i, rec) in rdr.records().enumerate() {
            // Row numbers count the header as row 1, as a spreadsheet does.
            let row = i + 2;
            let rec = rec.map_err(|e| bad(&file, Some(row), None, e.to_string()))?;
            rows += 1;
            let a = rec.get(ca).unwrap_or("");
            let b = rec.get(cb).unwrap_or("");
            if a.is_empty() {
                return Err(bad(
                    &file,
                    Some(row),
                    Some(&names[ca]),
                    "empty node id: expected an id".into(),
                ));
            }
            let w = match weight_col {
                None => 1.0,
                Some(c) => {
                    let text = rec.get(c).unwrap_or("");
                    match text.parse::<f64>() {
                        Ok(w) if w.is_finite() && w > 0.0 => w,
                        _ => {
                            return Err(bad(
                                &file,
                                Some(row),
                                Some("weight"),
                                format!("`{text}` is not a weight: expected a finite number > 0"),
                            ));
                        }
                    }
                }
            };
            let ka = intern(a, row, &names[ca])?;
            if b.is_empty() {
                continue;
            }
            let kb = intern(b, row, &names[cb])?;
            if ka == kb {
                self_loops += 1;
                continue;
            }
            let (x, y) = if directed || ka < kb {
                (ka, kb)
            } else {
                (kb, ka)
            };
            edges.push((x, y, w, row));
        }
        if ids.is_empty() {
            return Err(bad(&file, None, None, "no edges or nodes".into()));
        }
        // Stable sort by endpoints, then keep the first row of each edge.
        edges.sort_by_key(|e| (e.0, e.1, e.3));
        let before = edges.len();
        edges.dedup_by_key(|e| (e.0, e.1));
        let duplicates = before - edges.len();
        let weighted = weight_col.is_some();
        let n = ids.len();
        let pairs: Vec<(u32, u32)> = edges.iter().map(|e| (e.0, e.1)).collect();
        let weights: Vec<f64> = if weighted {
            edges.iter().map(|e| e.2).collect()
        } else {
            Vec::new()
        };
        let graph = SocialGraph::from_edge_list(n, &pairs, &weights, directed);
        let report = GraphReport::of(
            &graph, file, directed, weighted, rows, self_loops, duplicates,
        );
        Ok(Arc::new(FileGraph { graph, ids, report }))
    }
}

impl GraphReport {
    fn of(
        g: &SocialGraph,
        file: String,
        directed: bool,
        weighted: bool,
        rows: usize,
        self_loops_dropped: usize,
        duplicates_dropped: usize,
    ) -> Self {
        let n = g.node_count();
        let mut deg: Vec<usize> = (0..n as u32).map(|a| g.degree(a)).collect();
        deg.sort_unstable();
        let median = if n % 2 == 1 {
            deg[n / 2] as f64
        } else {
            (deg[n / 2 - 1] + deg[n / 2]) as f64 / 2.0
        };
        Self {
            file,
            directed,
            weighted,
            rows,
            nodes: n,
            edges: g.edge_count(),
            isolates: deg.iter().take_while(|&&d| d == 0).count(),
            self_loops_dropped,
            duplicates_dropped,
            degree_min: deg[0],
            degree_mean: deg.iter().sum::<usize>() as f64 / n as f64,
            degree_median: median,
            degree_max: deg[n - 1],
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Write;

    fn file(text: &str) -> tempfile::NamedTempFile {
        let mut f = tempfile::NamedTempFile::new().unwrap();
        f.write_all(text.as_bytes()).unwrap();
        f
    }

    #[test]
    fn string_ids_self_loops_duplicates_and_isolates_are_counted() {
        let f = file("from,to\nalice,bob\nbob,alice\ncarol,carol\nbob,dave\neve,\n");
        let g = FileGraph::read(f.path(), false).unwrap();
        let r = &g.report;
        assert_eq!(g.ids, ["alice", "bob", "carol", "dave", "eve"]);
        assert_eq!((r.rows, r.nodes, r.edges), (5, 5, 2));
        assert_eq!((r.self_loops_dropped, r.duplicates_dropped), (1, 1));
        // carol (self-loop only) and eve (declared alone) have no neighbour.
        assert_eq!(r.isolates, 2);
        assert_eq!((r.degree_min, r.degree_max), (0, 2));
        assert_eq!(r.degree_median, 1.0);
        assert!((r.degree_mean - 4.0 / 5.0).abs() < 1e-12);
        // Directed: bob -> alice is a second arc, not a duplicate.
        let d = FileGraph::read(f.path(), true).unwrap();
        assert_eq!((d.report.edges, d.report.duplicates_dropped), (3, 0));
        assert_eq!(d.graph.neighbors_of(1), &[0, 3]);
        assert_eq!(d.graph.neighbors_of(3), &[] as &[u32]);
    }

    #[test]
    fn bad_rows_name_file_row_and_column() {
        for (text, row, col) in [
            ("a,b,weight\n1,2,0.5\n1,3,-1\n", 3, "weight"),
            ("a,b,weight\n1,2,x\n", 2, "weight"),
            ("a,b\n1,2\n,3\n", 3, "a"),
        ] {
            let f = file(text);
            let e = FileGraph::read(f.path(), false).unwrap_err().to_string();
            let name = f.path().display().to_string();
            assert!(e.contains(&name), "{e}");
            assert!(e.contains(&format!("row {row}")), "{e}");
            assert!(e.contains(&format!("column `{col}`")), "{e}");
        }
        let f = file("a,b\n1,2\n1,2,3\n");
        let e = FileGraph::read(f.path(), false).unwrap_err().to_string();
        assert!(e.contains("row 3"), "{e}");
        let f = file("weight,a\n1,2\n");
        let e = FileGraph::read(f.path(), false).unwrap_err().to_string();
        assert!(e.contains("two id columns"), "{e}");
        let e = FileGraph::read(Path::new("/nonexistent/x.csv"), false)
            .unwrap_err()
            .to_string();
        assert!(e.contains("/nonexistent/x.csv"), "{e}");
    }
}
