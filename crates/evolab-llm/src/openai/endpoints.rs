//! Where each attempt goes, and how many may be in flight.

use std::sync::{Condvar, Mutex, MutexGuard};

/// The servers of one model. Each attempt goes to the endpoint with the fewest outstanding
/// requests, so a slow server gets less work instead of a fixed share.
pub(crate) struct EndpointPool {
    bases: Vec<String>,
    state: Mutex<PoolState>,
}

struct PoolState {
    outstanding: Vec<usize>,
    /// Where the tie-breaking scan starts: rotating it spreads sequential requests.
    next: usize,
}

/// One outstanding request on an endpoint; dropping it ends the request.
pub(crate) struct Lease<'a> {
    pool: &'a EndpointPool,
    index: usize,
}

impl EndpointPool {
    /// `bases` must not be empty; trailing slashes are dropped so paths can be appended.
    pub(crate) fn new(bases: &[String]) -> Self {
        assert!(!bases.is_empty(), "an endpoint pool needs an endpoint");
        Self {
            bases: bases
                .iter()
                .map(|b| b.trim_end_matches('/').to_string())
                .collect(),
            state: Mutex::new(PoolState {
                outstanding: vec![0; bases.len()],
                next: 0,
            }),
        }
    }

    pub(crate) fn len(&self) -> usize {
        self.bases.len()
    }

    /// Picks an endpoint and counts the request on it. `avoid` is the endpoint whose
    /// attempt just failed: a retry prefers another one of equal load.
    pub(crate) fn acquire(&self, avoid: Option<usize>) -> Lease<'_> {
        let mut state = lock(&self.state);
        let index = choose(&state.outstanding, state.next, avoid);
        state.outstanding[index] += 1;
        state.next = (index + 1) % self.bases.len();
        Lease { pool: self, index }
    }
}

impl Lease<'_> {
    pub(crate) fn index(&self) -> usize {
        self.index
    }

    pub(crate) fn base(&self) -> &str {
        &self.pool.bases[self.index]
    }
}

impl Drop for Lease<'_> {
    fn drop(&mut self) {
        lock(&self.pool.state).outstanding[self.index] -= 1;
    }
}

/// The least loaded endpoint; ties go to `avoid`'s rivals first, then to the first one met
/// scanning from `start` (round robin).
pub(crate) fn choose(outstanding: &[usize], start: usize, avoid: Option<usize>) -> usize {
    let n = outstanding.len();
    (0..n)
        .map(|k| (start + k) % n)
        .min_by_key(|&i| (outstanding[i], Some(i) == avoid))
        .expect("at least one endpoint")
}

/// A counting semaphore: the engine-wide cap on requests in flight, which also holds when
/// several batches run on one engine at once.
pub(crate) struct Slots {
    free: Mutex<usize>,
    freed: Condvar,
}

pub(crate) struct Permit<'a>(&'a Slots);

impl Slots {
    pub(crate) fn new(count: usize) -> Self {
        Self {
            free: Mutex::new(count),
            freed: Condvar::new(),
        }
    }

    pub(crate) fn acquire(&self) -> Permit<'_> {
        let mut free = lock(&self.free);
        while *free == 0 {
            free = self.freed.wait(free).unwrap_or_else(|e| e.into_inner());
        }
        *free -= 1;
        Permit(self)
    }
}

impl Drop for Permit<'_> {
    fn drop(&mut self) {
        *lock(&self.0.free) += 1;
        self.0.freed.notify_one();
    }
}

/// The guarded counters stay consistent even if a holder panicked (no code between lock and
/// unlock can panic halfway), so poisoning is ignored.
fn lock<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    mutex.lock().unwrap_or_else(|e| e.into_inner())
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::atomic::{AtomicUsize, Ordering};
    use std::time::Duration;

    #[test]
    fn picks_the_least_loaded_endpoint() {
        assert_eq!(choose(&[3, 1, 2], 0, None), 1);
        assert_eq!(choose(&[0, 1, 0], 1, None), 2);
    }

    #[test]
    fn ties_rotate_from_the_start() {
        assert_eq!(choose(&[0, 0, 0], 0, None), 0);
        assert_eq!(choose(&[0, 0, 0], 2, None), 2);
    }

    #[test]
    fn ties_avoid_the_endpoint_that_just_failed() {
        assert_eq!(choose(&[0, 0], 0, Some(0)), 1);
        // Avoiding never sends a retry to a busier endpoint.
        assert_eq!(choose(&[0, 1], 0, Some(0)), 0);
        // A single endpoint is used even when avoided.
        assert_eq!(choose(&[0], 0, Some(0)), 0);
    }

    #[test]
    fn leases_count_outstanding_requests() {
        let pool = EndpointPool::new(&["http://a/v1/".into(), "http://b/v1".into()]);
        let first = pool.acquire(None);
        let second = pool.acquire(None);
        assert_eq!(
            (first.base(), second.base()),
            ("http://a/v1", "http://b/v1")
        );
        drop(first);
        assert_eq!(pool.acquire(None).index(), 0);
        let third = pool.acquire(None);
        let fourth = pool.acquire(None);
        assert_ne!(third.index(), fourth.index());
    }

    #[test]
    fn slots_bound_concurrency() {
        let slots = Slots::new(2);
        let (current, peak) = (AtomicUsize::new(0), AtomicUsize::new(0));
        std::thread::scope(|scope| {
            for _ in 0..6 {
                scope.spawn(|| {
                    let _permit = slots.acquire();
                    let now = current.fetch_add(1, Ordering::SeqCst) + 1;
                    peak.fetch_max(now, Ordering::SeqCst);
                    std::thread::sleep(Duration::from_millis(20));
                    current.fetch_sub(1, Ordering::SeqCst);
                });
            }
        });
        assert_eq!(peak.load(Ordering::SeqCst), 2);
    }
}
