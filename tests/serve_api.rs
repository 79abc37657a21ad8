//! `migsim serve` through a real HTTP client on a loopback port: every
//! route, and every refusal (401, 400, 404, 405, 409, 413, 415, 503),
//! against independent references: the scenario files on disk, the library
//! registry, and the files `migsim run` writes for the same scenario.

mod serve_common;

use std::io::{BufRead, BufReader, Read};
use std::process::{Command, Stdio};
use std::time::Duration;

use migsim::report::run_files::FILE_NAMES;
use migsim::studies::StudyName;
use migsim::studies::settings::registry;
use serde_json::{Value, json};
use serve_common::{Running, agent, small, start};

fn id_of(v: &Value) -> String {
    v["id"]
        .as_str()
        .unwrap_or_else(|| panic!("no id: {v}"))
        .to_string()
}

fn error_of(v: &Value) -> &str {
    v["error"]
        .as_str()
        .unwrap_or_else(|| panic!("no error: {v}"))
}

fn done(v: &Value) -> bool {
    v["status"] != "queued" && v["status"] != "running"
}

#[test]
fn studies_settings_and_shipped_scenarios() {
    let dir = tempfile::tempdir().unwrap();
    let s = start(dir.path(), "127.0.0.1", 1, 4);
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("scenarios");
    let mut files: Vec<(String, toml::Table)> = std::fs::read_dir(&root)
        .unwrap()
        .filter_map(|e| e.ok())
        .filter_map(|e| {
            let name = e.file_name().to_string_lossy().into_owned();
            let stem = name.strip_suffix(".toml")?.to_string();
            let text = std::fs::read_to_string(e.path()).ok()?;
            Some((stem, toml::from_str(&text).unwrap()))
        })
        .collect();
    files.sort_by(|a, b| a.0.cmp(&b.0));

    let (code, studies) = s.get("/api/studies");
    assert_eq!(code, 200);
    let names: Vec<&str> = studies
        .as_array()
        .unwrap()
        .iter()
        .map(|x| x["name"].as_str().unwrap())
        .collect();
    assert_eq!(names, ["enclave", "assets", "talent"]);
    for st in studies.as_array().unwrap() {
        let want: Vec<&str> = files
            .iter()
            .filter(|(_, t)| t["study"].as_str() == st["name"].as_str())
            .map(|(n, _)| n.as_str())
            .collect();
        let got: Vec<&str> = st["scenarios"]
            .as_array()
            .unwrap()
            .iter()
            .map(|x| x.as_str().unwrap())
            .collect();
        assert_eq!(got, want);
    }

    for study in StudyName::ALL {
        let (code, rows) = s.get(&format!("/api/studies/{study}/settings"));
        assert_eq!(code, 200);
        let reg = registry(study).unwrap();
        let rows = rows.as_array().unwrap();
        assert_eq!(rows.len(), reg.len());
        for (r, want) in rows.iter().zip(&reg) {
            assert_eq!(r["key"], want.key.as_str());
            assert_eq!(r["unit"], want.unit.as_str());
            assert_eq!(r["meaning"], want.meaning.as_str());
            assert_eq!(r["bounds"], want.bounds_text().as_str());
            let lower = if want.lower.is_finite() {
                json!(want.lower)
            } else {
                Value::Null
            };
            assert_eq!(r["lower"], lower, "{}", want.key);
        }
    }
    let (code, v) = s.get("/api/studies/atlantis/settings");
    assert_eq!(code, 404);
    assert!(error_of(&v).contains("atlantis"), "{v}");

    let (code, list) = s.get("/api/scenarios");
    assert_eq!(code, 200);
    let listed: Vec<&str> = list
        .as_array()
        .unwrap()
        .iter()
        .map(|x| x["name"].as_str().unwrap())
        .collect();
    let want: Vec<&str> = files.iter().map(|(n, _)| n.as_str()).collect();
    assert_eq!(listed, want);
    for (name, table) in &files {
        let (code, v) = s.get(&format!("/api/scenarios/{name}"));
        assert_eq!(code, 200);
        let want = serde_json::to_value(table).unwrap();
        assert_eq!(v, want, "{name}");
    }
    let (code, v) = s.get("/api/scenarios/no-such");
    assert_eq!(code, 404);
    assert!(error_of(&v).contains("no-such"));
    let (code, v) = s.get("/nowhere/at/all");
    assert_eq!(code, 404);
    assert!(error_of(&v).contains("/nowhere/at/all"));
    let (code, v) = s.delete("/api/studies");
    assert_eq!(code, 405);
    assert!(error_of(&v).contains("DELETE"));
}

/// A run through the server writes the files `migsim run` writes for the
/// same scenario, byte for byte; its SSE stream rises to `done`; asking
/// again is answered from the cache; a new server on the same folder finds
/// the finished run.
#[test]
fn a_run_is_the_cli_run_and_outlives_the_server() {
    let dir = tempfile::tempdir().unwrap();
    let s = start(&dir.path().join("serve"), "127.0.0.1", 1, 4);
    let scn = small(300, 4, 11, 0.4);
    let (code, v) = s.post(&scn);
    assert_eq!(code, 202, "{v}");
    let id = id_of(&v);

    let mut resp = agent()
        .get(&s.at(&format!("/api/runs/{id}/events")))
        .call()
        .unwrap();
    assert_eq!(resp.status().as_u16(), 200);
    let reader = BufReader::new(resp.body_mut().as_reader());
    let mut seen: Vec<Value> = Vec::new();
    for line in reader.lines() {
        let line = line.unwrap();
        if let Some(data) = line.strip_prefix("data: ") {
            seen.push(serde_json::from_str(data).unwrap());
        }
    }
    let last = seen.last().unwrap();
    assert_eq!(last["status"], "done", "{seen:?}");
    let p: Vec<f64> = seen
        .iter()
        .map(|e| e["progress"].as_f64().unwrap())
        .collect();
    assert!(p.windows(2).all(|w| w[0] <= w[1]), "{p:?}");
    assert_eq!(*p.last().unwrap(), 1.0);

    let view = s.wait(&id, done);
    assert_eq!(view["status"], "done");
    assert!(view["error"].is_null());
    let effects = view["summary"]["effects"].as_array().unwrap();
    assert_eq!(effects.len(), 4);
    assert_eq!(view["readings"].as_array().unwrap().len(), effects.len());

    // The CLI on the same scenario as a TOML file.
    let toml_path = dir.path().join("api-test.toml");
    let toml_text = toml::to_string(&scn).unwrap();
    std::fs::write(&toml_path, toml_text).unwrap();
    let cli_out = dir.path().join("cli");
    let st = Command::new(env!("CARGO_BIN_EXE_migsim"))
        .args([
            "run",
            toml_path.to_str().unwrap(),
            "--out",
            cli_out.to_str().unwrap(),
        ])
        .output()
        .unwrap();
    assert!(
        st.status.success(),
        "{}",
        String::from_utf8_lossy(&st.stderr)
    );
    let cli_stdout = String::from_utf8_lossy(&st.stdout).into_owned();
    for r in view["readings"].as_array().unwrap() {
        assert!(
            cli_stdout.contains(r.as_str().unwrap()),
            "{r} not in\n{cli_stdout}"
        );
    }
    for name in FILE_NAMES {
        let mut r = agent()
            .get(&s.at(&format!("/api/runs/{id}/files/{name}")))
            .call()
            .unwrap();
        assert_eq!(r.status().as_u16(), 200, "{name}");
        let mut got = Vec::new();
        r.body_mut().as_reader().read_to_end(&mut got).unwrap();
        let want = std::fs::read(cli_out.join(name)).unwrap();
        assert!(got == want, "{name} differs from migsim run's");
        assert_eq!(got, std::fs::read(s.out.join(&id).join(name)).unwrap());
    }
    let summary: Value =
        serde_json::from_slice(&std::fs::read(cli_out.join("summary.json")).unwrap()).unwrap();
    assert_eq!(view["summary"], summary);

    // The cache: the same scenario (keys in another order) is the same run, done.
    let reordered: Value = serde_json::from_str(&serde_json::to_string(&scn).unwrap()).unwrap();
    let (code, v) = s.post(&reordered);
    assert_eq!((code, id_of(&v)), (202, id.clone()));
    assert_eq!(s.get(&format!("/api/runs/{id}")).1["status"], "done");
    let (code, v) = s.post(&small(300, 4, 12, 0.4));
    assert_eq!(code, 202);
    assert_ne!(id_of(&v), id, "another seed is another run");

    // Cancelling a finished run is refused.
    let (code, v) = s.delete(&format!("/api/runs/{id}"));
    assert_eq!(code, 409, "{v}");

    // A second server on the same folder serves the finished run.
    let s2 = start(&s.out, "127.0.0.1", 1, 4);
    let (code, v2) = s2.get(&format!("/api/runs/{id}"));
    assert_eq!(code, 200);
    assert_eq!(v2["status"], "done");
    assert_eq!(v2["summary"], summary);
    assert_eq!(v2["readings"], view["readings"]);
}

/// Refusals, each with its status and a message naming the problem; the
/// scenario checks give the CLI's messages.
#[test]
fn bad_requests_are_refused_with_their_reasons() {
    let dir = tempfile::tempdir().unwrap();
    let s = start(dir.path(), "127.0.0.1", 1, 4);
    let cli_error = |scn: &Value| -> String {
        let p = dir.path().join("bad.toml");
        std::fs::write(&p, toml::to_string(scn).unwrap()).unwrap();
        let out = Command::new(env!("CARGO_BIN_EXE_migsim"))
            .args([
                "run",
                p.to_str().unwrap(),
                "--out",
                dir.path().join("cli").to_str().unwrap(),
            ])
            .output()
            .unwrap();
        assert!(!out.status.success());
        String::from_utf8_lossy(&out.stderr).into_owned()
    };
    let same_message = |scn: Value, needle: &str| {
        let (code, v) = s.post(&scn);
        assert_eq!(code, 400, "{v}");
        let msg = error_of(&v).to_string();
        assert!(msg.contains(needle), "{msg}");
        let cli = cli_error(&scn);
        // The same message after the file label (the CLI adds a line
        // number), up to the memory available (which changes by the moment).
        let tail = msg.strip_prefix("request body: ").unwrap_or(&msg);
        let tail = tail.split("; this machine has").next().unwrap();
        assert!(cli.contains(tail), "server: {msg}\ncli: {cli}");
    };
    let mut scn = small(200, 1, 1, 0.5);
    same_message(scn.clone(), "`replications` must be at least 2");
    scn = small(200, 3, 1, 1.5);
    same_message(scn.clone(), "outside the bounds [0, 1]");
    scn = small(4_294_967_294, 3, 1, 0.5);
    same_message(scn.clone(), "n = 4294967294 needs about");
    scn = small(200, 3, 1, 0.5);
    scn["replications"] = json!(1_000_000_000_000u64);
    same_message(scn.clone(), "replications = 1000000000000 needs about");
    scn = small(200, 3, 1, 0.5);
    scn["intervention"][0]["set"] = json!({"policy.no_such_setting": 1.0});
    same_message(scn, "policy.no_such_setting");

    let mut scn = small(200, 3, 1, 0.5);
    scn["baseline_from"] = json!("../../etc/passwd");
    let (code, v) = s.post(&scn);
    assert_eq!(code, 400);
    assert!(error_of(&v).contains("baseline_from"), "{v}");
    let mut scn = small(200, 3, 1, 0.5);
    scn["uncertainty"] = json!({"from": "/etc/passwd", "draws": 2});
    let (code, v) = s.post(&scn);
    assert_eq!(code, 400);
    assert!(error_of(&v).contains("[uncertainty] from"), "{v}");
    let (code, v) = s.post(&json!([1, 2]));
    assert_eq!(code, 400);
    assert!(error_of(&v).contains("expected a JSON object"), "{v}");

    let send = |ctype: &str, body: Vec<u8>| -> (u16, Value) {
        let mut r = agent()
            .post(&s.at("/api/runs"))
            .header("Content-Type", ctype)
            .send(&body[..])
            .unwrap();
        let text = r.body_mut().read_to_string().unwrap();
        (r.status().as_u16(), serde_json::from_str(&text).unwrap())
    };
    let (code, v) = send("application/json", b"{not json".to_vec());
    assert_eq!(code, 400);
    assert!(error_of(&v).contains("not JSON"));
    let (code, v) = send("text/plain", small(200, 3, 1, 0.5).to_string().into_bytes());
    assert_eq!(code, 415);
    assert!(error_of(&v).contains("application/json"));
    let big = format!(
        r#"{{"name": "x", "description": "{}"}}"#,
        "a".repeat(300 * 1024)
    );
    let (code, v) = send("application/json", big.into_bytes());
    assert_eq!(code, 413);
    assert!(error_of(&v).contains("limit"), "{v}");

    for path in [
        "/api/runs/0123456789abcdef",
        "/api/runs/..%2F..%2Fetc",
        "/api/runs/0123456789abcdef/events",
    ] {
        let (code, v) = s.get(path);
        assert_eq!(code, 404, "{path}: {v}");
    }
    let (code, _) = s.delete("/api/runs/0123456789abcdef");
    assert_eq!(code, 404);
    for name in [
        "..%2F..%2Fetc%2Fpasswd",
        "..",
        "%2Fetc%2Fpasswd",
        "..%5Csecret",
    ] {
        let (code, v) = s.get(&format!("/api/runs/0123456789abcdef/files/{name}"));
        assert_eq!(code, 400, "{name}: {v}");
        assert!(error_of(&v).contains("refused"), "{v}");
    }
    let (code, v) = s.get("/api/runs/0123456789abcdef/files/secret.txt");
    assert_eq!(code, 404);
    assert!(error_of(&v).contains("summary.json"), "{v}");
    let (code, _) = s.get("/api/runs/..%2F..%2Fetc/files/summary.json");
    assert_eq!(code, 404);

    // A run that fails at run time shows its error.
    let mut scn = small(200, 3, 1, 0.5);
    scn["metrics"] = json!(["no_such_metric"]);
    let (code, v) = s.post(&scn);
    assert_eq!(code, 202, "{v}");
    let v = s.wait(&id_of(&v), done);
    assert_eq!(v["status"], "failed");
    assert!(error_of(&v).contains("no_such_metric"), "{v}");
}

/// Cancelling (queued or running) leaves no run folder; a full queue is
/// refused with 503.
#[test]
fn cancelled_runs_leave_nothing_and_the_queue_is_bounded() {
    let dir = tempfile::tempdir().unwrap();
    let s = start(dir.path(), "127.0.0.1", 1, 1);
    let (c1, a) = s.post(&small(4000, 200, 1, 0.5));
    let a = id_of(&a);
    assert_eq!(c1, 202);
    s.wait(&a, |v| v["status"] == "running");
    let (c2, b) = s.post(&small(4000, 200, 2, 0.5));
    assert_eq!(c2, 202, "{b}");
    let b = id_of(&b);
    let (c3, v) = s.post(&small(4000, 200, 3, 0.5));
    assert_eq!(c3, 503, "{v}");
    assert!(error_of(&v).contains("queue is full"));
    assert_eq!(s.delete(&format!("/api/runs/{b}")).1["status"], "cancelled");
    let (code, _) = s.delete(&format!("/api/runs/{a}"));
    assert_eq!(code, 200);
    let v = s.wait(&a, done);
    assert_eq!(v["status"], "cancelled");
    assert!(error_of(&v).contains("cancelled"));
    for id in [&a, &b] {
        assert!(!s.out.join(id).exists(), "{id} left a folder");
    }
    let left: Vec<_> = std::fs::read_dir(dir.path()).unwrap().collect();
    assert!(left.is_empty(), "{left:?}");
}

/// Any address other than 127.0.0.1 needs the token (401 without it); on
/// 127.0.0.1, a request addressed to another host name is refused.
#[test]
fn tokens_and_hosts() {
    let dir = tempfile::tempdir().unwrap();
    let s = start(dir.path(), "127.0.0.2", 1, 4);
    let token = s.token.clone().expect("a token on 127.0.0.2");
    assert_eq!(token.len(), 32);
    assert!(s.url.ends_with(&format!("/?token={token}")), "{}", s.url);
    let code = |req: ureq::RequestBuilder<ureq::typestate::WithoutBody>| {
        req.call().unwrap().status().as_u16()
    };
    let a = agent();
    assert_eq!(code(a.get(&s.at("/api/studies"))), 401);
    assert_eq!(code(a.get(&s.at("/"))), 401);
    assert_eq!(code(a.get(&s.at("/api/studies?token=wrong"))), 401);
    let r = a.get(&s.at(&format!("/?token={token}"))).call().unwrap();
    assert_eq!(r.status().as_u16(), 200);
    let cookie = r
        .headers()
        .get("set-cookie")
        .unwrap()
        .to_str()
        .unwrap()
        .to_string();
    assert!(
        cookie.contains(&token) && cookie.contains("HttpOnly"),
        "{cookie}"
    );
    let bearer = format!("Bearer {token}");
    assert_eq!(
        code(
            a.get(&s.at("/api/studies"))
                .header("Authorization", &bearer)
        ),
        200
    );
    let c = format!("migsim_token={token}");
    assert_eq!(code(a.get(&s.at("/api/studies")).header("Cookie", &c)), 200);

    let local = start(dir.path(), "127.0.0.1", 1, 4);
    assert!(local.token.is_none());
    assert_eq!(code(a.get(&local.at("/api/studies"))), 200);
    let page = a
        .get(&local.at("/"))
        .call()
        .unwrap()
        .body_mut()
        .read_to_string()
        .unwrap();
    assert!(page.contains("<script src=\"app.js\">"), "{page}");
    assert_eq!(
        code(
            a.get(&local.at("/api/studies"))
                .header("Host", "evil.example:80")
        ),
        403
    );
}

/// `migsim serve` killed mid-run leaves no run folder.
#[test]
fn a_server_killed_mid_run_leaves_no_folder() {
    let dir = tempfile::tempdir().unwrap();
    let mut child = Command::new(env!("CARGO_BIN_EXE_migsim"))
        .args([
            "serve",
            "--port",
            "0",
            "--out",
            dir.path().to_str().unwrap(),
        ])
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    let mut line = String::new();
    BufReader::new(child.stdout.take().unwrap())
        .read_line(&mut line)
        .unwrap();
    let url = line
        .trim()
        .strip_prefix("migsim explorer: ")
        .unwrap_or_else(|| panic!("{line}"));
    let addr = url
        .trim_start_matches("http://")
        .trim_end_matches('/')
        .parse()
        .unwrap();
    let s = Running {
        addr,
        url: url.to_string(),
        token: None,
        out: dir.path().to_path_buf(),
    };
    assert_eq!(s.get("/api/studies").0, 200);
    let (_, v) = s.post(&small(4000, 200, 5, 0.5));
    let id = id_of(&v);
    s.wait(&id, |v| {
        v["status"] == "running" && v["progress"].as_f64() > Some(0.0)
    });
    child.kill().unwrap();
    child.wait().unwrap();
    std::thread::sleep(Duration::from_millis(100));
    let left: Vec<_> = std::fs::read_dir(dir.path()).unwrap().collect();
    assert!(left.is_empty(), "{left:?}");
}
