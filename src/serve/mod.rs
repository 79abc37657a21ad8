//! `migsim serve`: the what-if explorer, an HTTP server (axum on a
//! one-thread tokio runtime) serving one web page compiled into the binary
//! and a JSON API over the scenario runner:
//!
//! ```text
//! GET    /api/studies                    names and shipped scenarios of each study
//! GET    /api/studies/{study}/settings   the settings registry (key, default, bounds, unit, meaning)
//! GET    /api/scenarios[/{name}]         the shipped scenarios, as JSON in the TOML schema
//! POST   /api/runs                       a scenario as JSON -> {"id"}
//! GET    /api/runs/{id}                  status, progress, eta_s, error, summary, readings
//! GET    /api/runs/{id}/events           server-sent progress events
//! DELETE /api/runs/{id}                  cancel
//! GET    /api/runs/{id}/files/{name}     summary.json, replications.csv, paths.csv, report.md/html
//! ```
//!
//! Runs go through [`crate::shard::driver::run_whole`], the call behind
//! `migsim run`, on a bounded pool of worker threads (`jobs`), and write
//! the same files into `<out>/<id>/`, where `id` is a hash of the scenario
//! JSON (seed included): the same scenario asked for again is answered from
//! the finished run, also after a restart. Safety rules live in `auth`
//! (token, host check) and `api` (body limit, size checks, file names).

pub(crate) mod api;
pub(crate) mod assets;
pub(crate) mod auth;
pub(crate) mod error;
pub(crate) mod jobs;

use std::net::{IpAddr, Ipv4Addr, SocketAddr, TcpListener};
use std::path::PathBuf;
use std::sync::Arc;

use rand::Rng;

use crate::io::WriteError;

/// The default port of `migsim serve`.
pub(crate) const DEFAULT_PORT: u16 = 8765;

/// How a server is set up (the flags of `migsim serve`).
#[derive(Debug, Clone)]
pub struct Config {
    pub bind: IpAddr,
    /// 0: any free port.
    pub port: u16,
    /// Runs simulated at once (each uses the shared rayon pool).
    pub workers: usize,
    /// Runs that may wait for a worker; more are refused with 503.
    pub queue: usize,
    /// The run folder: run `id` writes `<out>/<id>/`.
    pub out: PathBuf,
    /// The access token; `None` generates one when `bind` is not
    /// 127.0.0.1 (and none is needed on 127.0.0.1).
    pub token: Option<String>,
}

impl Default for Config {
    fn default() -> Config {
        Config {
            bind: IpAddr::V4(Ipv4Addr::LOCALHOST),
            port: DEFAULT_PORT,
            workers: 1,
            queue: 16,
            out: PathBuf::from("outputs").join("serve"),
            token: None,
        }
    }
}

/// Errors starting or running the server.
#[derive(Debug, thiserror::Error)]
pub enum ServeError {
    #[error("cannot listen on {addr}: {source}")]
    Bind {
        addr: SocketAddr,
        #[source]
        source: std::io::Error,
    },
    #[error("--workers must be at least 1, got {0}")]
    Workers(usize),
    #[error("the run queue must hold at least 1 run, got {0}")]
    Queue(usize),
    #[error("cannot start the server: {0}")]
    Runtime(#[source] std::io::Error),
    #[error(transparent)]
    Out(#[from] WriteError),
}

/// A bound server, not yet answering.
pub struct Server {
    listener: TcpListener,
    state: Arc<jobs::AppState>,
}

impl Server {
    /// Check the config, make the run folder writable, start the workers
    /// and bind the port.
    pub fn bind(cfg: Config) -> Result<Server, ServeError> {
        if cfg.workers == 0 {
            return Err(ServeError::Workers(cfg.workers));
        }
        if cfg.queue == 0 {
            return Err(ServeError::Queue(cfg.queue));
        }
        crate::io::check_writable(&cfg.out)?;
        let addr = SocketAddr::new(cfg.bind, cfg.port);
        let listener =
            TcpListener::bind(addr).map_err(|source| ServeError::Bind { addr, source })?;
        listener
            .set_nonblocking(true)
            .map_err(|source| ServeError::Bind { addr, source })?;
        let token = match cfg.token {
            Some(t) => Some(t),
            None if cfg.bind != IpAddr::V4(Ipv4Addr::LOCALHOST) => Some(new_token()),
            None => None,
        };
        let jobs = jobs::Jobs::start(cfg.out, cfg.workers, cfg.queue);
        let state = Arc::new(jobs::AppState { jobs, token });
        Ok(Server { listener, state })
    }

    /// The address the server listens on.
    pub fn addr(&self) -> Result<SocketAddr, ServeError> {
        self.listener.local_addr().map_err(ServeError::Runtime)
    }

    /// The access token, where one is required.
    pub fn token(&self) -> Option<&str> {
        self.state.token.as_deref()
    }

    /// The page's address (with `?token=` where one is required).
    pub fn url(&self) -> Result<String, ServeError> {
        let addr = self.addr()?;
        let host = match addr.ip() {
            IpAddr::V4(ip) if ip.is_unspecified() => format!("127.0.0.1:{}", addr.port()),
            IpAddr::V6(ip) if ip.is_unspecified() => format!("[::1]:{}", addr.port()),
            _ => addr.to_string(),
        };
        Ok(match self.token() {
            Some(t) => format!("http://{host}/?token={t}"),
            None => format!("http://{host}/"),
        })
    }

    /// Answer requests until the process ends.
    pub fn run(self) -> Result<(), ServeError> {
        let rt = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .map_err(ServeError::Runtime)?;
        rt.block_on(async move {
            let listener =
                tokio::net::TcpListener::from_std(self.listener).map_err(ServeError::Runtime)?;
            axum::serve(listener, api::router(self.state))
                .await
                .map_err(ServeError::Runtime)
        })
    }
}

/// 128 random bits from the operating system's generator, as hex.
fn new_token() -> String {
    format!("{:032x}", rand::rng().random::<u128>())
}
