//! Progress and cancellation of long library calls: scenario runs, their
//! `[uncertainty]` draws, sensitivity designs and recovery replications.
//!
//! A front end (the CLI's progress bar, the Python package, the web server)
//! passes one [`Monitor`]. The library calls [`Monitor::progress`] with
//! `(done, total)` after each simulation (from worker threads) and asks
//! [`Monitor::cancelled`] before starting the next one; a cancelled call
//! returns its error type's `Cancelled` variant and writes nothing. A
//! simulation already running finishes first, so cancellation takes effect
//! within one simulation's time per worker thread.
//!
//! Any `Fn(usize, usize) + Sync` closure is a monitor that never cancels;
//! [`Watch`] pairs a closure with a [`CancelToken`].
#![deny(missing_docs)]

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

/// What a long library call reports to, and asks of, its caller.
pub trait Monitor: Sync {
    /// `done` of `total` units (simulations, replications) have finished.
    fn progress(&self, done: usize, total: usize);
    /// Whether the caller wants the call to stop (checked before each unit).
    fn cancelled(&self) -> bool {
        false
    }
}

impl<F: Fn(usize, usize) + Sync> Monitor for F {
    fn progress(&self, done: usize, total: usize) {
        self(done, total)
    }
}

/// A monitor that reports nothing and never cancels.
pub const SILENT: &(dyn Fn(usize, usize) + Sync) = &|_, _| {};

/// A cancellation flag shared between a front end and a running call
/// (cloning shares the flag).
#[derive(Debug, Clone, Default)]
pub struct CancelToken(Arc<AtomicBool>);

impl CancelToken {
    /// A fresh, not yet cancelled token.
    pub fn new() -> CancelToken {
        CancelToken::default()
    }

    /// Ask every call watching this token to stop.
    pub fn cancel(&self) {
        self.0.store(true, Ordering::Relaxed);
    }

    /// Whether [`CancelToken::cancel`] was called.
    pub fn is_cancelled(&self) -> bool {
        self.0.load(Ordering::Relaxed)
    }
}

/// A progress callback and a cancellation token, as one [`Monitor`].
pub struct Watch<'a> {
    /// Called with `(done, total)` units of work as they finish.
    pub progress: &'a (dyn Fn(usize, usize) + Sync),
    /// Polled by [`Monitor::cancelled`].
    pub cancel: &'a CancelToken,
}

impl Monitor for Watch<'_> {
    fn progress(&self, done: usize, total: usize) {
        (self.progress)(done, total)
    }

    fn cancelled(&self) -> bool {
        self.cancel.is_cancelled()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::atomic::AtomicUsize;

    #[test]
    fn closures_report_and_never_cancel() {
        let seen = AtomicUsize::new(0);
        let f = |done: usize, _total: usize| {
            seen.store(done, Ordering::Relaxed);
        };
        let m: &dyn Monitor = &f;
        m.progress(3, 5);
        assert_eq!(seen.load(Ordering::Relaxed), 3);
        assert!(!m.cancelled());
    }

    #[test]
    fn a_watch_sees_its_token_cancelled_through_a_clone() {
        let token = CancelToken::new();
        let w = Watch {
            progress: SILENT,
            cancel: &token,
        };
        assert!(!w.cancelled());
        token.clone().cancel();
        assert!(w.cancelled());
    }
}
