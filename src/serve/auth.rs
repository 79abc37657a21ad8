//! Who may talk to the server.
//!
//! Bound to 127.0.0.1 (the default), the server needs no token, but it
//! answers only requests whose `Host` is a loopback name (`127.0.0.1:P`,
//! `localhost:P`, `[::1]:P`), so a web page elsewhere cannot reach it by
//! DNS rebinding. Bound to any other address, every request must carry the
//! token printed with the URL, as `?token=T`, an `Authorization: Bearer T`
//! header or the `migsim_token` cookie (which a page load with `?token=`
//! sets, so the page's own requests carry it); without it: 401.

use std::sync::Arc;

use axum::extract::{Request, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

use super::error::ApiError;
use super::jobs::AppState;

const COOKIE: &str = "migsim_token";

/// The middleware: refuse, or pass the request on (setting the cookie when
/// the token came in the query).
pub async fn guard(State(state): State<Arc<AppState>>, req: Request, next: Next) -> Response {
    let Some(token) = state.token.as_deref() else {
        if !loopback_host(&req) {
            return ApiError::new(
                StatusCode::FORBIDDEN,
                "this server answers only requests addressed to 127.0.0.1 or localhost",
            )
            .into_response();
        }
        return next.run(req).await;
    };
    let from_query = query_token(&req).is_some_and(|t| eq(t, token));
    let ok = from_query
        || bearer(&req).is_some_and(|t| eq(t, token))
        || cookie(&req).is_some_and(|t| eq(t, token));
    if !ok {
        return ApiError::new(
            StatusCode::UNAUTHORIZED,
            "this server needs its access token: open the URL it printed (?token=...)",
        )
        .into_response();
    }
    let mut resp = next.run(req).await;
    if from_query {
        let cookie = format!("{COOKIE}={token}; Path=/; HttpOnly; SameSite=Strict");
        if let Ok(v) = HeaderValue::from_str(&cookie) {
            resp.headers_mut().insert(header::SET_COOKIE, v);
        }
    }
    resp
}

/// Compare without stopping at the first differing byte.
fn eq(a: &str, b: &str) -> bool {
    a.len() == b.len()
        && a.bytes()
            .zip(b.bytes())
            .fold(0u8, |acc, (x, y)| acc | (x ^ y))
            == 0
}

fn query_token(req: &Request) -> Option<&str> {
    req.uri()
        .query()?
        .split('&')
        .find_map(|kv| kv.strip_prefix("token="))
}

fn bearer(req: &Request) -> Option<&str> {
    req.headers()
        .get(header::AUTHORIZATION)?
        .to_str()
        .ok()?
        .strip_prefix("Bearer ")
}

fn cookie(req: &Request) -> Option<&str> {
    req.headers()
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .find_map(|kv| kv.trim().strip_prefix(COOKIE)?.strip_prefix('='))
}

fn loopback_host(req: &Request) -> bool {
    let Some(host) = req
        .headers()
        .get(header::HOST)
        .and_then(|h| h.to_str().ok())
    else {
        // HTTP/1.0 without Host: only a local client would send it.
        return true;
    };
    let name = match host.rsplit_once(':') {
        Some((name, port)) if port.bytes().all(|b| b.is_ascii_digit()) => name,
        _ => host,
    };
    matches!(name, "127.0.0.1" | "localhost" | "[::1]")
}
