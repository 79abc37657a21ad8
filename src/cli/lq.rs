//! `migsim lq`: location quotients as a column of a CSV file. Not in the
//! DESIGN.md command list: `fit` is for estimators, and the LQ is a derived
//! variable (the enclave study's instrument), so it has its own command;
//! `fit --lq ORIGIN,DEST` computes the same column on the fly.

use std::path::PathBuf;

use clap::Args;

use crate::data::{Dataset, LqColumns, append_lq_column};

/// Add the location quotient LQ_ij = (E_ij / sum_j E_ij) / (sum_i E_ij / sum_ij E_ij)
/// (STUDIES.md formula 13) of every row's origin i and destination j as a
/// column and write the data to --out. Labels may be text or numeric codes;
/// a row with a missing label gets an empty cell. (An addition to the
/// DESIGN.md command list; `fit --lq ORIGIN,DEST` adds the same column
/// before fitting.)
#[derive(Debug, Args)]
pub struct LqArgs {
    /// CSV file with a header row.
    #[arg(long)]
    pub data: PathBuf,
    /// Origin (home province) label column.
    #[arg(long)]
    pub origin: String,
    /// Destination (city) label column.
    #[arg(long)]
    pub destination: String,
    /// Non-negative survey-weight column (default: each row counts once).
    #[arg(long)]
    pub weight: Option<String>,
    /// Output CSV: the input columns plus the quotient (written atomically).
    #[arg(long)]
    pub out: PathBuf,
    /// Name of the new column.
    #[arg(long, default_value = "lq")]
    pub name: String,
}

/// Run `migsim lq`: the location quotients of the data, written as a new column.
pub fn run(args: LqArgs) -> anyhow::Result<()> {
    let cols = LqColumns {
        origin: args.origin,
        destination: args.destination,
        weight: args.weight,
    };
    let mut ds = Dataset::read_csv(&args.data)?;
    let lq = append_lq_column(&mut ds, &cols, &args.name)?;
    ds.write_csv(&args.out)?;
    println!(
        "wrote {}: {} rows, column `{}` over {} origins x {} destinations ({} rows with a missing label left empty)",
        args.out.display(),
        ds.n_rows(),
        args.name,
        lq.table.origins.len(),
        lq.table.destinations.len(),
        lq.n_missing
    );
    Ok(())
}
