//! The routes of the JSON API and the page.
//!
//! Request rules: bodies over [`BODY_LIMIT`] bytes get 413; a scenario is
//! checked by the scenario parser and by [`crate::scenario::check`] (the
//! settings registry, the config's rules, memory), the checks `migsim run`
//! makes, with the same messages, before it is queued (400); keys that name
//! a file on the server (`baseline_from`, `[uncertainty] from`) are refused
//! (400), so no part of a request becomes a path: ids are 16 hex digits and
//! file names come from the fixed list of a run's files. Unknown routes
//! get 404 with a JSON body.

use std::convert::Infallible;
use std::sync::Arc;
use std::time::Duration;

use axum::body::Bytes;
use axum::extract::rejection::BytesRejection;
use axum::extract::{DefaultBodyLimit, Path, State};
use axum::http::{Method, StatusCode, Uri, header};
use axum::response::sse::{Event, KeepAlive, Sse};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::{Json, Router};
use futures_util::stream::{self, Stream};
use serde_json::{Value, json};

use super::assets::ASSETS;
use super::error::ApiError;
use super::jobs::{AppState, CancelError, RunView, SubmitError, is_id};
use crate::report::run_files::{FILE_NAMES, OPTIONAL_FILE_NAMES};
use crate::scenario::json::{toml_to_json, without_line};
use crate::scenario::shipped::{SHIPPED, shipped};
use crate::scenario::{Scenario, StudyModel};
use crate::studies::StudyName;
use crate::studies::settings::registry;

/// Largest request body accepted (a scenario is a few KiB).
pub const BODY_LIMIT: usize = 256 * 1024;

type Shared = State<Arc<AppState>>;

/// Every route, behind the token guard.
pub fn router(state: Arc<AppState>) -> Router {
    let mut r = Router::new()
        .route("/api/studies", get(studies))
        .route("/api/studies/{study}/settings", get(settings))
        .route("/api/scenarios", get(scenarios))
        .route("/api/scenarios/{name}", get(scenario))
        .route("/api/runs", axum::routing::post(submit))
        .route("/api/runs/{id}", get(run_status).delete(cancel))
        .route("/api/runs/{id}/events", get(events))
        .route("/api/runs/{id}/files/{name}", get(file));
    for (path, kind, body) in ASSETS {
        r = r.route(
            path,
            get(move || async move { ([(header::CONTENT_TYPE, kind)], body) }),
        );
    }
    r.fallback(not_found)
        .method_not_allowed_fallback(not_allowed)
        .layer(DefaultBodyLimit::max(BODY_LIMIT))
        .layer(axum::middleware::from_fn_with_state(
            state.clone(),
            super::auth::guard,
        ))
        .with_state(state)
}

async fn not_found(method: Method, uri: Uri) -> ApiError {
    ApiError::not_found(format!("no route {method} {}", uri.path()))
}

async fn not_allowed(method: Method, uri: Uri) -> ApiError {
    ApiError::new(
        StatusCode::METHOD_NOT_ALLOWED,
        format!("{method} is not a method of {}", uri.path()),
    )
}

fn study_of(name: &str) -> Result<StudyName, ApiError> {
    name.parse::<StudyName>()
        .map_err(|e| ApiError::not_found(e.to_string()))
}

/// The study a shipped scenario is for.
fn study_field(src: &str) -> Option<String> {
    let v: toml::Table = toml::from_str(src).ok()?;
    v.get("study")?.as_str().map(str::to_string)
}

async fn studies() -> Json<Value> {
    let rows: Vec<Value> = StudyName::all()
        .map(|s| {
            let names: Vec<&str> = SHIPPED
                .iter()
                .filter(|(_, src)| study_field(src).as_deref() == Some(s.as_str()))
                .map(|(n, _)| *n)
                .collect();
            json!({ "name": s.as_str(), "scenarios": names })
        })
        .collect();
    Json(Value::from(rows))
}

async fn settings(Path(study): Path<String>) -> Result<Json<Value>, ApiError> {
    let study = study_of(&study)?;
    let rows = tokio::task::spawn_blocking(move || registry(study))
        .await
        .map_err(|e| ApiError::new(StatusCode::INTERNAL_SERVER_ERROR, e.to_string()))?
        .map_err(|e| ApiError::new(StatusCode::INTERNAL_SERVER_ERROR, e.to_string()))?;
    let out: Vec<Value> = rows
        .iter()
        .map(|s| {
            let bound = |x: f64| if x.is_finite() { json!(x) } else { Value::Null };
            json!({
                "key": s.key, "default": s.default, "value": s.value,
                "lower": bound(s.lower), "upper": bound(s.upper), "lower_open": s.lower_open,
                "bounds": s.bounds_text(), "unit": s.unit, "meaning": s.meaning,
            })
        })
        .collect();
    Ok(Json(Value::from(out)))
}

async fn scenarios() -> Json<Value> {
    let rows: Vec<Value> = SHIPPED
        .iter()
        .map(|(name, src)| {
            let v = toml_to_json(src, name).unwrap_or(Value::Null);
            json!({ "name": name, "study": v.get("study"), "description": v.get("description") })
        })
        .collect();
    Json(Value::from(rows))
}

async fn scenario(Path(name): Path<String>) -> Result<Json<Value>, ApiError> {
    let src = shipped(&name).ok_or_else(|| {
        ApiError::not_found(format!(
            "no shipped scenario `{name}` (see GET /api/scenarios)"
        ))
    })?;
    toml_to_json(src, &format!("scenarios/{name}.toml"))
        .map(Json)
        .map_err(|e| ApiError::new(StatusCode::INTERNAL_SERVER_ERROR, e.to_string()))
}

/// Keys whose value names a file on the server.
const FILE_KEYS: [(&str, Option<&str>); 2] =
    [("baseline_from", None), ("uncertainty", Some("from"))];

async fn submit(
    State(state): Shared,
    headers: axum::http::HeaderMap,
    body: Result<Bytes, BytesRejection>,
) -> Result<Response, ApiError> {
    let body = body.map_err(|e| match e.status() {
        StatusCode::PAYLOAD_TOO_LARGE => ApiError::new(
            StatusCode::PAYLOAD_TOO_LARGE,
            format!("the request body is larger than the limit of {BODY_LIMIT} bytes"),
        ),
        s => ApiError::new(s, e.body_text()),
    })?;
    let is_json = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("application/json"));
    if !is_json {
        return Err(ApiError::new(
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            "send the scenario as JSON (Content-Type: application/json)",
        ));
    }
    let value: Value = serde_json::from_slice(&body)
        .map_err(|e| ApiError::bad_request(format!("request body: not JSON: {e}")))?;
    for (key, sub) in FILE_KEYS {
        let named = match sub {
            None => value.get(key).is_some(),
            Some(s) => value.get(key).and_then(|t| t.get(s)).is_some(),
        };
        if named {
            let k = sub.map_or(key.to_string(), |s| format!("[{key}] {s}"));
            return Err(ApiError::bad_request(format!(
                "request body: `{k}` names a file on the server, which a request may not do; give the values in the scenario itself"
            )));
        }
    }
    let checked = {
        let value = value.clone();
        tokio::task::spawn_blocking(move || {
            let scn = Scenario::from_json(&value, "request body")?;
            let model = StudyModel {
                study: scn.study,
                n: scn.n,
            };
            crate::scenario::check(&scn, &model)?;
            Ok::<_, crate::scenario::ScenarioError>(scn)
        })
        .await
        .map_err(|e| ApiError::new(StatusCode::INTERNAL_SERVER_ERROR, e.to_string()))?
    };
    let scn = checked.map_err(|e| ApiError::bad_request(without_line(e).to_string()))?;
    let id = state.jobs.submit(scn, &value).map_err(|e| match e {
        SubmitError::QueueFull(_) => ApiError::new(StatusCode::SERVICE_UNAVAILABLE, e.to_string()),
    })?;
    Ok((StatusCode::ACCEPTED, Json(json!({ "id": id }))).into_response())
}

fn view(state: &AppState, id: &str) -> Result<RunView, ApiError> {
    state
        .jobs
        .view(id)
        .ok_or_else(|| ApiError::not_found(format!("no run {id}")))
}

async fn run_status(
    State(state): Shared,
    Path(id): Path<String>,
) -> Result<Json<RunView>, ApiError> {
    view(&state, &id).map(Json)
}

async fn cancel(State(state): Shared, Path(id): Path<String>) -> Result<Json<Value>, ApiError> {
    match state.jobs.cancel(&id) {
        Ok(status) => Ok(Json(json!({ "id": id, "status": status }))),
        Err(e @ CancelError::Unknown(_)) => Err(ApiError::not_found(e.to_string())),
        Err(e @ CancelError::Final { .. }) => {
            Err(ApiError::new(StatusCode::CONFLICT, e.to_string()))
        }
    }
}

/// Progress as server-sent events: a `progress` event (status, progress,
/// eta_s, error) at once and then whenever the status or progress changes
/// (polled every 100 ms), ending with the final status.
async fn events(
    State(state): Shared,
    Path(id): Path<String>,
) -> Result<Sse<impl Stream<Item = Result<Event, Infallible>>>, ApiError> {
    view(&state, &id)?;
    let start = (state, id, None, false);
    let s = stream::unfold(start, |(state, id, last, ended)| async move {
        if ended {
            return None;
        }
        loop {
            let v = state.jobs.view(&id)?;
            let now = Some((v.status, v.progress.to_bits()));
            if now != last {
                let text = json!({
                    "id": v.id, "status": v.status, "progress": v.progress,
                    "eta_s": v.eta_s, "error": v.error,
                })
                .to_string();
                let ev = Event::default().event("progress").data(text);
                return Some((Ok(ev), (state, id, now, v.status.is_final())));
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    });
    Ok(Sse::new(s).keep_alive(KeepAlive::default()))
}

async fn file(
    State(state): Shared,
    Path((id, name)): Path<(String, String)>,
) -> Result<Response, ApiError> {
    if name.contains(['/', '\\']) || name.contains("..") {
        return Err(ApiError::bad_request(format!(
            "refused file name `{name}`: a run's files are named without folders or `..`"
        )));
    }
    if !is_id(&id) {
        return Err(ApiError::not_found(format!("no run {id}")));
    }
    let Some(&known) = FILE_NAMES
        .iter()
        .chain(OPTIONAL_FILE_NAMES.iter())
        .find(|f| **f == name)
    else {
        return Err(ApiError::not_found(format!(
            "no file `{name}` in a run; a run has {} (and {} with [uncertainty])",
            FILE_NAMES.join(", "),
            OPTIONAL_FILE_NAMES.join(", ")
        )));
    };
    let path = state.jobs.dir(&id).join(known);
    let read = tokio::task::spawn_blocking(move || std::fs::read(path)).await;
    let bytes = read
        .ok()
        .and_then(Result::ok)
        .ok_or_else(|| ApiError::not_found(format!("run {id} has no {known} (not finished?)")))?;
    let kind = match known.rsplit('.').next() {
        Some("json") => "application/json",
        Some("csv") => "text/csv; charset=utf-8",
        Some("html") => "text/html; charset=utf-8",
        _ => "text/markdown; charset=utf-8",
    };
    Ok(([(header::CONTENT_TYPE, kind)], bytes).into_response())
}
