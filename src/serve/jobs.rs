//! Runs of the server: a table of jobs by id, a bounded queue and a pool of
//! worker threads that run each job through
//! [`crate::shard::driver::run_whole`] (the call behind `migsim run`).
//!
//! A job's id is the first 16 hex digits of the SHA-256 of the scenario's
//! canonical JSON (keys sorted, seed included), so asking again for a
//! scenario that is queued, running or done returns the same job (the
//! cache by scenario and seed), and a run finished by an earlier server is
//! found in `<out>/<id>/summary.json`. Nothing is written into `<out>/<id>/`
//! before the run has finished (one atomic directory swap), so a cancelled
//! run, or a server killed mid-run, leaves no run folder.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::mpsc::{Receiver, SyncSender, TrySendError, sync_channel};
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::Instant;

use serde::Serialize;
use sha2::{Digest, Sha256};

use crate::monitor::{CancelToken, Watch};
use crate::report::reading::readings;
use crate::report::run_files::FILE_NAMES;
use crate::scenario::summary::{horizon_phrase, window_phrase};
use crate::scenario::{Effect, Scenario, ScenarioError};
use crate::shard::driver;
use crate::shard::scenario::ScenarioInput;

/// Finished jobs kept in memory beyond this many are dropped, oldest first
/// (their folders stay on disk and are read back when asked for).
const MAX_KEPT: usize = 512;

/// Where a run stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Status {
    /// Waiting for a worker.
    Queued,
    /// Simulating.
    Running,
    /// Finished; its files are written.
    Done,
    /// Stopped by an error (see `error`).
    Failed,
    /// Stopped by `DELETE /api/runs/{id}`; nothing written.
    Cancelled,
}

impl Status {
    /// Whether the run will not change any more.
    pub fn is_final(self) -> bool {
        matches!(self, Status::Done | Status::Failed | Status::Cancelled)
    }
}

/// What `GET /api/runs/{id}` answers.
#[derive(Debug, Clone, Serialize)]
pub struct RunView {
    /// The run's id (its folder under the server's `--out`).
    pub id: String,
    /// Queued, running, done, failed or cancelled.
    pub status: Status,
    /// Share of the simulations finished, 0 to 1.
    pub progress: f64,
    /// Estimated seconds left (while running, once a simulation finished).
    pub eta_s: Option<f64>,
    /// Why it failed (the scenario error's text).
    pub error: Option<String>,
    /// The run's summary.json, when done.
    pub summary: Option<serde_json::Value>,
    /// The reading sentence of each effect (as `migsim run` prints them).
    pub readings: Vec<String>,
    /// Files of the run folder (when done).
    pub files: Vec<&'static str>,
}

struct Job {
    scenario: Option<Scenario>,
    status: Status,
    done: usize,
    total: usize,
    started: Option<Instant>,
    error: Option<String>,
    summary: Option<serde_json::Value>,
    readings: Vec<String>,
    cancel: CancelToken,
    /// Order of arrival, for dropping the oldest finished jobs.
    seq: u64,
}

struct Shared {
    jobs: Mutex<HashMap<String, Job>>,
    out: PathBuf,
    seq: Mutex<u64>,
}

impl Shared {
    fn lock(&self) -> MutexGuard<'_, HashMap<String, Job>> {
        self.jobs.lock().unwrap_or_else(|e| e.into_inner())
    }
}

/// Why a run was not queued.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SubmitError {
    /// The queue holds this many runs already (503).
    #[error("the run queue is full ({0} runs waiting); try again when one has finished")]
    QueueFull(usize),
}

/// Why a run could not be cancelled.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CancelError {
    /// No run with this id.
    #[error("no run {0}")]
    Unknown(String),
    /// Run `id` has already finished with `status`.
    #[error("run {id} is already {status:?}; only a queued or running run can be cancelled")]
    Final {
        /// The run's id.
        id: String,
        /// Its status.
        status: Status,
    },
}

/// The job table, its queue and its workers.
pub struct Jobs {
    shared: Arc<Shared>,
    queue: SyncSender<String>,
    capacity: usize,
}

impl Jobs {
    /// Start `workers` worker threads behind a queue of `capacity` runs.
    pub fn start(out: PathBuf, workers: usize, capacity: usize) -> Jobs {
        let shared = Arc::new(Shared {
            jobs: Mutex::new(HashMap::new()),
            out,
            seq: Mutex::new(0),
        });
        let (tx, rx) = sync_channel::<String>(capacity);
        let rx = Arc::new(Mutex::new(rx));
        for _ in 0..workers {
            let (shared, rx) = (shared.clone(), rx.clone());
            std::thread::spawn(move || worker(&shared, &rx));
        }
        Jobs {
            shared,
            queue: tx,
            capacity,
        }
    }

    /// The run folder of job `id`.
    pub fn dir(&self, id: &str) -> PathBuf {
        self.shared.out.join(id)
    }

    /// Queue `scn` (given as `json`) unless the same scenario is already
    /// queued, running or done; returns its id.
    pub fn submit(&self, scn: Scenario, json: &serde_json::Value) -> Result<String, SubmitError> {
        let id = run_id(json);
        if self
            .view(&id)
            .is_some_and(|v| !matches!(v.status, Status::Failed | Status::Cancelled))
        {
            return Ok(id);
        }
        let seq = {
            let mut s = self.shared.seq.lock().unwrap_or_else(|e| e.into_inner());
            *s += 1;
            *s
        };
        let job = Job {
            scenario: Some(scn),
            status: Status::Queued,
            done: 0,
            total: 0,
            started: None,
            error: None,
            summary: None,
            readings: Vec::new(),
            cancel: CancelToken::new(),
            seq,
        };
        let mut jobs = self.shared.lock();
        jobs.insert(id.clone(), job);
        match self.queue.try_send(id.clone()) {
            Ok(()) => {
                forget_oldest(&mut jobs);
                Ok(id)
            }
            Err(TrySendError::Full(_) | TrySendError::Disconnected(_)) => {
                jobs.remove(&id);
                Err(SubmitError::QueueFull(self.capacity))
            }
        }
    }

    /// The state of job `id`, from memory or from a finished run folder.
    pub fn view(&self, id: &str) -> Option<RunView> {
        if !is_id(id) {
            return None;
        }
        let mut jobs = self.shared.lock();
        if !jobs.contains_key(id) {
            let job = from_disk(&self.dir(id))?;
            jobs.insert(id.to_string(), job);
        }
        jobs.get(id).map(|j| view_of(id, j))
    }

    /// Ask job `id` to stop: a queued job is cancelled at once, a running
    /// one when its simulations in flight have finished.
    pub fn cancel(&self, id: &str) -> Result<Status, CancelError> {
        let status = self
            .view(id)
            .ok_or_else(|| CancelError::Unknown(id.to_string()))?
            .status;
        let mut jobs = self.shared.lock();
        let job = jobs
            .get_mut(id)
            .ok_or_else(|| CancelError::Unknown(id.to_string()))?;
        if status.is_final() {
            return Err(CancelError::Final {
                id: id.to_string(),
                status,
            });
        }
        job.cancel.cancel();
        if job.status == Status::Queued {
            job.status = Status::Cancelled;
            job.error = Some(ScenarioError::Cancelled.to_string());
        }
        Ok(job.status)
    }
}

/// The id of a scenario: 16 hex digits of the SHA-256 of its canonical JSON.
pub fn run_id(json: &serde_json::Value) -> String {
    let digest = Sha256::digest(canonical(json).as_bytes());
    digest.iter().take(8).map(|b| format!("{b:02x}")).collect()
}

/// Whether `s` has the shape of a run id (so it is safe as a folder name).
pub fn is_id(s: &str) -> bool {
    s.len() == 16
        && s.bytes()
            .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
}

/// JSON text with every object's keys sorted.
fn canonical(v: &serde_json::Value) -> String {
    match v {
        serde_json::Value::Object(m) => {
            let mut keys: Vec<&String> = m.keys().collect();
            keys.sort();
            let parts: Vec<String> = keys
                .into_iter()
                .map(|k| {
                    format!(
                        "{}:{}",
                        serde_json::Value::from(k.as_str()),
                        canonical(&m[k])
                    )
                })
                .collect();
            format!("{{{}}}", parts.join(","))
        }
        serde_json::Value::Array(a) => {
            let parts: Vec<String> = a.iter().map(canonical).collect();
            format!("[{}]", parts.join(","))
        }
        other => other.to_string(),
    }
}

fn view_of(id: &str, j: &Job) -> RunView {
    let progress = match j.status {
        Status::Done => 1.0,
        _ if j.total == 0 => 0.0,
        _ => j.done as f64 / j.total as f64,
    };
    let eta_s = match (j.status, j.started) {
        (Status::Running, Some(t)) if j.done > 0 && j.total >= j.done => {
            Some(t.elapsed().as_secs_f64() * (j.total - j.done) as f64 / j.done as f64)
        }
        _ => None,
    };
    RunView {
        id: id.to_string(),
        status: j.status,
        progress,
        eta_s,
        error: j.error.clone(),
        summary: j.summary.clone(),
        readings: j.readings.clone(),
        files: if j.status == Status::Done {
            FILE_NAMES.to_vec()
        } else {
            Vec::new()
        },
    }
}

/// A job finished by an earlier server: its folder's summary.json.
fn from_disk(dir: &Path) -> Option<Job> {
    let text = std::fs::read_to_string(dir.join("summary.json")).ok()?;
    let summary: serde_json::Value = serde_json::from_str(&text).ok()?;
    let effects: Vec<Effect> =
        serde_json::from_value(summary.get("effects")?.clone()).unwrap_or_default();
    let horizon = horizon_phrase(
        summary.get("horizon").and_then(|h| h.as_f64()),
        summary.get("horizon_unit").and_then(|u| u.as_str()),
    );
    let windows: std::collections::BTreeMap<String, String> = summary
        .get("metric_windows")
        .and_then(|w| serde_json::from_value(w.clone()).ok())
        .unwrap_or_default();
    Some(Job {
        scenario: None,
        status: Status::Done,
        done: 0,
        total: 0,
        started: None,
        error: None,
        readings: readings(&effects, |m| window_phrase(&windows, horizon.clone(), m)),
        summary: Some(summary),
        cancel: CancelToken::new(),
        seq: 0,
    })
}

fn forget_oldest(jobs: &mut HashMap<String, Job>) {
    while jobs.len() > MAX_KEPT {
        let oldest = jobs
            .iter()
            .filter(|(_, j)| j.status.is_final())
            .min_by_key(|(_, j)| j.seq)
            .map(|(id, _)| id.clone());
        match oldest {
            Some(id) => jobs.remove(&id),
            None => return,
        };
    }
}

fn worker(shared: &Shared, rx: &Mutex<Receiver<String>>) {
    loop {
        let next = rx.lock().unwrap_or_else(|e| e.into_inner()).recv();
        let Ok(id) = next else { return };
        run_job(shared, &id);
    }
}

fn run_job(shared: &Shared, id: &str) {
    let taken = {
        let mut jobs = shared.lock();
        match jobs.get_mut(id) {
            Some(job) if job.status == Status::Queued => {
                job.status = Status::Running;
                job.started = Some(Instant::now());
                job.scenario.take().map(|s| (s, job.cancel.clone()))
            }
            _ => None,
        }
    };
    let Some((scn, cancel)) = taken else { return };
    let progress = |done: usize, total: usize| {
        if let Some(job) = shared.lock().get_mut(id) {
            // Workers report out of order; a new phase (the `[uncertainty]`
            // draws) starts a new count.
            job.done = if total == job.total {
                job.done.max(done)
            } else {
                done
            };
            job.total = total;
        }
    };
    let watch = Watch {
        progress: &progress,
        cancel: &cancel,
    };
    let input = ScenarioInput {
        file: scn.file.clone(),
        // Run in one process only: no shard records the text.
        text: String::new(),
        scn,
    };
    let result = driver::run_whole(&input, &shared.out.join(id), &watch);
    let mut jobs = shared.lock();
    let Some(job) = jobs.get_mut(id) else { return };
    match result {
        Ok((out, _)) => {
            let summary = &out.summary;
            job.readings = readings(&summary.effects, |m| summary.window_phrase(m));
            match serde_json::to_value(summary) {
                Ok(v) => {
                    job.summary = Some(v);
                    job.status = Status::Done;
                }
                Err(e) => {
                    job.status = Status::Failed;
                    job.error = Some(format!("cannot encode the summary: {e}"));
                }
            }
        }
        Err(e) if e.is_cancelled() => {
            job.status = Status::Cancelled;
            job.error = Some(ScenarioError::Cancelled.to_string());
        }
        Err(e) => {
            job.status = Status::Failed;
            job.error = Some(e.to_string());
        }
    }
}

/// What every handler (and the token guard) shares.
pub struct AppState {
    /// The run queue and its workers.
    pub jobs: Jobs,
    /// The token requests must carry (given, or generated when bound beyond
    /// 127.0.0.1); `None`: none is needed.
    pub token: Option<String>,
}
