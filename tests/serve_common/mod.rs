//! A `migsim serve` on a loopback port and a real HTTP client, shared by the
//! API and browser tests.
#![allow(dead_code)]

use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use migsim::serve::{Config, Server};
use serde_json::Value;

pub struct Running {
    pub addr: SocketAddr,
    pub url: String,
    pub token: Option<String>,
    pub out: PathBuf,
}

/// Start a server on a free port of `bind` writing into `out`.
pub fn start(out: &Path, bind: &str, workers: usize, queue: usize) -> Running {
    let server = Server::bind(Config {
        bind: bind.parse().unwrap_or_else(|e| panic!("{bind}: {e}")),
        port: 0,
        workers,
        queue,
        out: out.to_path_buf(),
        token: None,
    })
    .unwrap_or_else(|e| panic!("bind: {e}"));
    let addr = server.addr().unwrap_or_else(|e| panic!("{e}"));
    let url = server.url().unwrap_or_else(|e| panic!("{e}"));
    let token = server.token().map(str::to_string);
    std::thread::spawn(move || server.run());
    Running {
        addr,
        url,
        token,
        out: out.to_path_buf(),
    }
}

/// A client that returns every status as a response.
pub fn agent() -> ureq::Agent {
    ureq::Agent::config_builder()
        .http_status_as_error(false)
        .timeout_global(Some(Duration::from_secs(120)))
        .build()
        .into()
}

impl Running {
    pub fn at(&self, path: &str) -> String {
        format!("http://{}{path}", self.addr)
    }

    /// (status, JSON body) of a GET.
    pub fn get(&self, path: &str) -> (u16, Value) {
        let mut r = agent()
            .get(&self.at(path))
            .call()
            .unwrap_or_else(|e| panic!("GET {path}: {e}"));
        (
            r.status().as_u16(),
            json_body(r.body_mut().read_to_string()),
        )
    }

    pub fn post(&self, body: &Value) -> (u16, Value) {
        let mut r = agent()
            .post(&self.at("/api/runs"))
            .header("Content-Type", "application/json")
            .send(body.to_string())
            .unwrap_or_else(|e| panic!("POST: {e}"));
        (
            r.status().as_u16(),
            json_body(r.body_mut().read_to_string()),
        )
    }

    pub fn delete(&self, path: &str) -> (u16, Value) {
        let mut r = agent()
            .delete(&self.at(path))
            .call()
            .unwrap_or_else(|e| panic!("DELETE {path}: {e}"));
        (
            r.status().as_u16(),
            json_body(r.body_mut().read_to_string()),
        )
    }

    /// Poll run `id` until `pred` holds of its view (or panic after 300 s).
    pub fn wait(&self, id: &str, pred: impl Fn(&Value) -> bool) -> Value {
        let start = Instant::now();
        loop {
            let (code, v) = self.get(&format!("/api/runs/{id}"));
            assert_eq!(code, 200, "{v}");
            if pred(&v) {
                return v;
            }
            assert!(
                start.elapsed() < Duration::from_secs(300),
                "run {id} stuck: {v}"
            );
            std::thread::sleep(Duration::from_millis(50));
        }
    }
}

fn json_body(text: Result<String, ureq::Error>) -> Value {
    let text = text.unwrap_or_else(|e| panic!("body: {e}"));
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("not JSON ({e}): {text}"))
}

/// A small enclave scenario as JSON (TOML schema).
pub fn small(n: usize, reps: usize, seed: u64, share: f64) -> Value {
    serde_json::json!({
        "name": "api-test", "study": "enclave", "n": n, "horizon": 5,
        "replications": reps, "seed": seed,
        "metrics": ["share_up", "omega_mean"],
        "intervention": [
            {"name": "dispersal", "set": {"policy.dispersal_share": share}},
            {"name": "platform", "scale": {"policy.platform_lambda_mult": 1.3}}
        ]
    })
}
