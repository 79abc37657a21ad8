//! The explorer page in headless Chromium (Debian's `chromium` and
//! `chromium-driver`), driven over the W3C WebDriver protocol with a real
//! HTTP client: load the page, change a setting, run, wait for the chart,
//! and check the displayed effect against the API's number; enter an
//! out-of-bounds value and check that the registry's error is shown.
//! Skips, saying so, where chromedriver is not installed (`.ci/browser.sh`
//! installs it). `MIGSIM_SCREENSHOTS=DIR` saves PNGs of the page;
//! `MIGSIM_TIMING=1` also measures slider-to-chart time at the paper's N.

mod serve_common;

use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use serde_json::{Value, json};
use serve_common::{agent, start};

const ELEMENT: &str = "element-6066-11e4-a52e-4f735466cecf";

fn chromedriver() -> Option<PathBuf> {
    ["/usr/bin/chromedriver", "/usr/lib/chromium/chromedriver"]
        .iter()
        .map(PathBuf::from)
        .find(|p| p.exists())
}

struct Driver {
    child: Child,
    base: String,
    session: String,
    _profile: tempfile::TempDir,
}

impl Drop for Driver {
    fn drop(&mut self) {
        let _ = agent()
            .delete(&format!("{}/session/{}", self.base, self.session))
            .call();
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn send(method: &str, url: &str, body: Option<Value>) -> Value {
    let a = agent();
    let resp = match (method, body) {
        ("GET", _) => a.get(url).call(),
        ("DELETE", _) => a.delete(url).call(),
        (_, b) => a
            .post(url)
            .header("Content-Type", "application/json")
            .send(b.unwrap_or(json!({})).to_string()),
    };
    let mut r = resp.unwrap_or_else(|e| panic!("{method} {url}: {e}"));
    let text = r
        .body_mut()
        .with_config()
        .limit(64 << 20)
        .read_to_string()
        .unwrap();
    let v: Value = serde_json::from_str(&text).unwrap_or_else(|e| panic!("{e}: {text}"));
    assert!(r.status().is_success(), "{method} {url}: {v}");
    v["value"].clone()
}

impl Driver {
    fn start(path: &Path) -> Driver {
        let port = TcpListener::bind("127.0.0.1:0")
            .unwrap()
            .local_addr()
            .unwrap()
            .port();
        let child = Command::new(path)
            .arg(format!("--port={port}"))
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        let base = format!("http://127.0.0.1:{port}");
        let t = Instant::now();
        while agent().get(&format!("{base}/status")).call().is_err() {
            assert!(
                t.elapsed() < Duration::from_secs(30),
                "chromedriver did not start"
            );
            std::thread::sleep(Duration::from_millis(100));
        }
        let profile = tempfile::tempdir().unwrap();
        let args = [
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-quic",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--disable-dev-shm-usage",
            "--window-size=1280,1000",
        ]
        .iter()
        .map(|s| s.to_string())
        .chain([format!("--user-data-dir={}", profile.path().display())])
        .collect::<Vec<_>>();
        let mut opts = json!({ "args": args });
        if Path::new("/usr/bin/chromium").exists() {
            opts["binary"] = json!("/usr/bin/chromium");
        }
        let caps = json!({"capabilities": {"alwaysMatch": {"browserName": "chrome", "goog:chromeOptions": opts}}});
        let v = send("POST", &format!("{base}/session"), Some(caps));
        let session = v["sessionId"].as_str().unwrap().to_string();
        Driver {
            child,
            base,
            session,
            _profile: profile,
        }
    }

    fn url(&self, tail: &str) -> String {
        format!("{}/session/{}{tail}", self.base, self.session)
    }

    fn go(&self, url: &str) {
        send("POST", &self.url("/url"), Some(json!({ "url": url })));
    }

    fn js(&self, script: &str) -> Value {
        send(
            "POST",
            &self.url("/execute/sync"),
            Some(json!({"script": script, "args": []})),
        )
    }

    fn find(&self, css: &str) -> String {
        let v = send(
            "POST",
            &self.url("/element"),
            Some(json!({"using": "css selector", "value": css})),
        );
        v[ELEMENT]
            .as_str()
            .unwrap_or_else(|| panic!("{css}: {v}"))
            .to_string()
    }

    fn click(&self, css: &str) {
        let e = self.find(css);
        send("POST", &self.url(&format!("/element/{e}/click")), None);
    }

    /// Replace a field's text by typing, then Tab out (a `change` event).
    fn type_into(&self, css: &str, text: &str) {
        let e = self.find(css);
        send("POST", &self.url(&format!("/element/{e}/clear")), None);
        let keys = format!("{text}\u{E004}");
        send(
            "POST",
            &self.url(&format!("/element/{e}/value")),
            Some(json!({ "text": keys })),
        );
    }

    fn keys(&self, css: &str, keys: &str) {
        let e = self.find(css);
        send(
            "POST",
            &self.url(&format!("/element/{e}/value")),
            Some(json!({ "text": keys })),
        );
    }

    /// Wait until `script` returns something truthy; return it.
    fn until(&self, script: &str, what: &str) -> Value {
        let t = Instant::now();
        loop {
            let v = self.js(script);
            if !(v.is_null() || v == json!(false) || v == json!("")) {
                return v;
            }
            let status = self.js("return document.getElementById('status').textContent + ' | ' + document.getElementById('error').textContent");
            assert!(
                t.elapsed() < Duration::from_secs(120),
                "waiting for {what}: {status}"
            );
            std::thread::sleep(Duration::from_millis(50));
        }
    }

    fn screenshot(&self, name: &str) {
        let Some(dir) = std::env::var_os("MIGSIM_SCREENSHOTS") else {
            return;
        };
        let b64 = send("GET", &self.url("/screenshot"), None);
        let bytes = decode_base64(b64.as_str().unwrap());
        std::fs::write(Path::new(&dir).join(name), bytes).unwrap();
    }
}

fn decode_base64(s: &str) -> Vec<u8> {
    let val = |c: u8| match c {
        b'A'..=b'Z' => c - b'A',
        b'a'..=b'z' => c - b'a' + 26,
        b'0'..=b'9' => c - b'0' + 52,
        b'+' => 62,
        _ => 63,
    };
    let clean: Vec<u8> = s
        .bytes()
        .filter(|c| c.is_ascii_alphanumeric() || *c == b'+' || *c == b'/')
        .collect();
    let mut out = Vec::with_capacity(clean.len() * 3 / 4);
    for chunk in clean.chunks(4) {
        let n = chunk
            .iter()
            .fold(0u32, |acc, &c| (acc << 6) | val(c) as u32)
            << (6 * (4 - chunk.len()));
        let bytes = [(n >> 16) as u8, (n >> 8) as u8, n as u8];
        out.extend_from_slice(&bytes[..chunk.len() - 1]);
    }
    out
}

const DONE: &str = "return document.getElementById('status').textContent.startsWith('done') && document.querySelectorAll('#current td.effect').length > 0 && document.querySelector('#current svg circle') !== null";

#[test]
fn the_page_runs_a_scenario_and_shows_the_apis_numbers() {
    let Some(cd) = chromedriver() else {
        println!(
            "skipping the browser tests: chromedriver not found (apt-get install chromium chromium-driver)"
        );
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let s = start(dir.path(), "127.0.0.1", 1, 8);
    let d = Driver::start(&cd);
    d.go(&s.url);
    d.until("return document.body.dataset.ready === 'true' && document.getElementById('iv-0-add') !== null", "the page");

    // Change a setting: add one to the first intervention, pick the
    // dispersal share, type a value; a small N.
    d.type_into("#scn-n", "400");
    d.type_into("#scn-reps", "4");
    d.click("#iv-0-add");
    d.js("const k = document.getElementById('iv-0-s-0-key'); k.value = 'policy.dispersal_share'; k.dispatchEvent(new Event('change'));");
    d.type_into("#iv-0-s-0-value", "0.6");
    d.click("#run");
    d.until(DONE, "the chart");
    let id = d.js("return window.migsim.runId");
    let (code, view) = s.get(&format!("/api/runs/{}", id.as_str().unwrap()));
    assert_eq!(code, 200);
    let effects = view["summary"]["effects"].as_array().unwrap();
    let shown = d.js("return [...document.querySelectorAll('#current td.effect')].map(td => [td.dataset.metric, td.dataset.intervention, td.textContent])");
    let shown = shown.as_array().unwrap();
    assert_eq!(shown.len(), effects.len());
    for (row, e) in shown.iter().zip(effects) {
        assert_eq!(row[0], e["metric"]);
        assert_eq!(row[1], e["intervention"]);
        let x: f64 = row[2].as_str().unwrap().parse().unwrap();
        let want = e["estimate"].as_f64().unwrap();
        // Shown to 4 significant digits.
        assert!(
            (x - want).abs() <= 5e-4 * want.abs() + 1e-15,
            "{x} vs {want}"
        );
    }
    let readings = d.js(
        "return [...document.querySelectorAll('#current .readings li')].map(li => li.textContent)",
    );
    assert_eq!(readings, view["readings"]);
    // The scenario is in the URL: reopening it restores the setting.
    let link = d.js("return location.href");
    assert!(link.as_str().unwrap().contains("#s="));
    d.screenshot("explorer-run.png");

    // Keep this run, change the value, run again: two runs side by side.
    d.click("#pin");
    d.type_into("#iv-0-s-0-value", "0.9");
    d.js("window.migsim.lastTiming = null");
    d.click("#run");
    d.until(
        &format!("{DONE} && window.migsim.lastTiming !== null"),
        "the second run",
    );
    assert_ne!(d.js("return window.migsim.runId"), id);
    assert_eq!(
        d.js("return document.getElementById('pinned').hidden"),
        json!(false)
    );
    assert!(
        d.js("return document.querySelectorAll('#pinned td.effect').length")
            .as_u64()
            > Some(0)
    );
    d.screenshot("explorer-compare.png");

    d.go("about:blank");
    d.go(link.as_str().unwrap());
    d.until("return document.body.dataset.ready === 'true' && document.getElementById('iv-0-s-0-value') !== null", "the reopened page");
    assert_eq!(
        d.js("return document.getElementById('iv-0-s-0-value').value"),
        json!("0.6")
    );
    assert_eq!(
        d.js("return document.getElementById('iv-0-s-0-key').value"),
        json!("policy.dispersal_share")
    );

    // An out-of-bounds value: the registry's error is shown.
    let (_, reg) = s.get("/api/studies/enclave/settings");
    let bounds = reg
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["key"] == "policy.dispersal_share")
        .unwrap()["bounds"]
        .as_str()
        .unwrap()
        .to_string();
    d.type_into("#iv-0-s-0-value", "1.5");
    assert_eq!(
        d.js("return document.getElementById('iv-0-s-0-value').getAttribute('aria-invalid')"),
        json!("true")
    );
    d.click("#run");
    let err = d.until(
        "const e = document.getElementById('error'); return !e.hidden && e.textContent",
        "the error",
    );
    let err = err.as_str().unwrap();
    let want =
        format!("policy.dispersal_share`: 1.5 is outside the bounds {bounds} of this setting");
    assert!(err.contains(&want), "{err}");
    d.screenshot("explorer-error.png");

    // Every control has a label (or an aria-label).
    let unlabelled = d.js("return [...document.querySelectorAll('input, select')].filter(x => !x.labels.length && !x.getAttribute('aria-label')).map(x => x.id)");
    assert_eq!(unlabelled, json!([]));

    if std::env::var_os("MIGSIM_TIMING").is_some() {
        timing(&d, &s.url);
    }
}

/// Slider-to-chart time at the paper's N, 20 replications, two
/// interventions (printed, not asserted: no timed tests).
fn timing(d: &Driver, url: &str) {
    let scn = json!({"name": "speed", "study": "enclave", "n": 7762, "horizon": 10, "replications": 20, "seed": 7,
        "intervention": [
            {"name": "dispersal", "set": {"policy.dispersal_share": 0.3}},
            {"name": "platform", "scale": {"policy.platform_lambda_mult": 1.2}}]});
    let enc = d.js(&format!("return btoa(JSON.stringify({scn})).replace(/\\+/g,'-').replace(/\\//g,'_').replace(/=+$/,'')"));
    d.go("about:blank");
    d.go(&format!("{url}#s={}", enc.as_str().unwrap()));
    d.until("return document.body.dataset.ready === 'true' && document.getElementById('iv-0-s-0-slider') !== null", "the speed page");
    d.click("#autorun");
    d.js("window.migsim.lastTiming = null");
    d.click("#run");
    d.until(
        &format!("{DONE} && window.migsim.lastTiming !== null"),
        "the first run",
    );
    println!(
        "first run (cold): {} s",
        d.js("return window.migsim.lastTiming")
    );
    for (step, key) in [
        ("slider +1 step", "\u{E014}"),
        ("slider +1 more step", "\u{E014}"),
        ("back one step (cached)", "\u{E012}"),
    ] {
        d.js("window.migsim.lastTiming = null");
        d.keys("#iv-0-s-0-slider", key);
        d.until(
            &format!("{DONE} && window.migsim.lastTiming !== null"),
            step,
        );
        println!(
            "{step}: {} s from the change to the chart",
            d.js("return window.migsim.lastTiming")
        );
    }
    d.screenshot("explorer-speed.png");
}
