//! Long library calls from Python: the call runs on a worker thread with
//! the GIL released; the calling thread wakes every 100 ms to hand progress
//! to a Python callback and to check for signals. Ctrl-C cancels the
//! call's [`CancelToken`] (the library stops before its next simulation and
//! writes nothing) and raises `KeyboardInterrupt`.

use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::time::Duration;

use migsim::monitor::{CancelToken, Monitor, Watch};
use pyo3::prelude::*;

use crate::errors::panicked;

/// How often the calling thread looks at signals and progress.
const POLL: Duration = Duration::from_millis(100);

/// Run `job` with a monitor; `progress(done, total)` is called (with the
/// GIL) as the job advances. Returns the job's own result, or the Python
/// error (KeyboardInterrupt, an exception of the callback) that stopped it.
pub fn run_job<T, F>(py: Python<'_>, progress: Option<&Bound<'_, PyAny>>, job: F) -> PyResult<T>
where
    T: Send,
    F: FnOnce(&dyn Monitor) -> T + Send,
{
    let token = CancelToken::new();
    let done = AtomicUsize::new(0);
    let total = AtomicUsize::new(0);
    let finished = AtomicBool::new(false);
    std::thread::scope(|s| {
        let worker = s.spawn(|| {
            let report = |d: usize, t: usize| {
                done.fetch_max(d, Ordering::Relaxed);
                total.store(t, Ordering::Relaxed);
            };
            let watch = Watch {
                progress: &report,
                cancel: &token,
            };
            let out = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| job(&watch)));
            finished.store(true, Ordering::Release);
            out
        });
        let mut shown = (usize::MAX, usize::MAX);
        let mut stop: Option<PyErr> = None;
        loop {
            py.detach(|| {
                let step = Duration::from_millis(5);
                let mut waited = Duration::ZERO;
                while waited < POLL && !finished.load(Ordering::Acquire) {
                    std::thread::sleep(step);
                    waited += step;
                }
            });
            let now = (done.load(Ordering::Relaxed), total.load(Ordering::Relaxed));
            if let (Some(cb), None) = (progress, &stop) {
                if now != shown && now.1 > 0 {
                    shown = now;
                    if let Err(e) = cb.call1(now) {
                        token.cancel();
                        stop = Some(e);
                    }
                }
            }
            if stop.is_none() {
                if let Err(e) = py.check_signals() {
                    token.cancel();
                    stop = Some(e);
                }
            }
            if finished.load(Ordering::Acquire) {
                break;
            }
        }
        let out = py.detach(|| worker.join());
        match (stop, out) {
            (Some(e), _) => Err(e),
            (None, Ok(Ok(v))) => Ok(v),
            (None, Ok(Err(p)) | Err(p)) => Err(panicked(p)),
        }
    })
}
