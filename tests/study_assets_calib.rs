use migsim::data::{Dataset, Formula, build_design};
use migsim::estimate::{FitOptions, Logit};
use migsim::studies::Study;
use migsim::studies::assets::{Assets, Config};

fn col(ds: &Dataset, c: &str) -> Vec<f64> {
    ds.numeric_columns(&[c]).unwrap().remove(0)
}
fn ms(v: &[f64]) -> (f64, f64) {
    let n = v.len() as f64;
    let m = v.iter().sum::<f64>() / n;
    (
        m,
        (v.iter().map(|x| (x - m).powi(2)).sum::<f64>() / (n - 1.0)).sqrt(),
    )
}

#[test]
#[ignore]
fn calib() {
    let over: toml::Table = std::env::var("ASSETS_CALIB")
        .map(|p| toml::from_str(&std::fs::read_to_string(p).unwrap()).unwrap())
        .unwrap_or_default();
    let cfg: Config = migsim::studies::apply_overrides(&Config::default(), &over).unwrap();
    let cols = [
        "intent",
        "intent3",
        "ln_total",
        "ln_housing",
        "ln_financial",
        "econ_outlook",
        "pol_outlook",
        "priv_outlook",
        "pessimism",
        "unfair",
        "male",
        "age",
        "party",
        "ln_income",
        "edu_years",
        "parent_edu",
        "married",
        "has_child",
    ];
    let seeds = [1u64, 2, 3, 4];
    let mut acc = vec![(0.0, 0.0); cols.len()];
    let mut coefs: Vec<Vec<f64>> = vec![];
    let mut eig = 0.0;
    for &s in &seeds {
        let sim = Assets::simulate(&cfg, s).unwrap();
        eig += sim.metrics["pessimism_eigenvalue"] / 4.0;
        for (k, c) in cols.iter().enumerate() {
            let (m, sd) = ms(&col(&sim.cohort, c));
            acc[k].0 += m / 4.0;
            acc[k].1 += sd / 4.0;
        }
        let mut row = vec![];
        let ctl = "male,age,party,ln_income,edu_years,parent_edu,married,has_child";
        for x in [
            "ln_total",
            "ln_total,ln_total^2",
            "ln_financial",
            "ln_housing",
            "ln_financial,ln_housing",
        ] {
            let f =
                Formula::parse("intent", Some(&format!("{ctl},{x}")), None, None, true).unwrap();
            let d = build_design(&sim.cohort, &f).unwrap();
            let fit = Logit::new(FitOptions::default()).fit(&d).unwrap();
            for t in x.split(',') {
                row.push(fit.coef(t).unwrap().estimate);
            }
        }
        coefs.push(row);
        if s == 1 {
            println!("effects {:?}", sim.truth.effects);
            println!("metrics {:?}", sim.metrics);
        }
    }
    for (k, c) in cols.iter().enumerate() {
        println!("{c:14} {:.3} {:.3}", acc[k].0, acc[k].1);
    }
    let avg: Vec<f64> = (0..coefs[0].len())
        .map(|j| coefs.iter().map(|r| r[j]).sum::<f64>() / 4.0)
        .collect();
    println!(
        "m1 {:.3} | m2 {:.3} {:.3} tp {:.2} | m3 {:.3} | m4 {:.3} | m5 {:.3} {:.3}",
        avg[0],
        avg[1],
        avg[2],
        -avg[1] / (2.0 * avg[2]),
        avg[3],
        avg[4],
        avg[5],
        avg[6]
    );
    println!("eig {eig:.3}");
}
