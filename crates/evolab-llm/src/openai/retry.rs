//! What a failed attempt was, whether it is worth another, and how long to wait first.

use std::time::Duration;

use crate::LlmError;

/// A malformed answer is usually a body cut short by an overloaded server, but a server that
/// speaks another dialect answers the same way every time; so it gets only this many retries
/// (within `max_retries`).
pub(crate) const MALFORMED_RETRIES: u32 = 2;

/// Longest body excerpt kept in an error.
const BODY_EXCERPT_CHARS: usize = 500;

/// Why one attempt did not produce a completion.
#[derive(Debug)]
pub(crate) enum Failure {
    /// No usable HTTP exchange: timeout, refused connection, reset, bad URL...
    Transport { message: String, transient: bool },
    /// The server answered with a non-2xx status.
    Status {
        status: u16,
        body: String,
        retry_after_s: Option<f64>,
    },
    /// A 2xx answer that is not a completion.
    Malformed(String),
}

impl Failure {
    pub(crate) fn from_ureq(error: ureq::Error) -> Self {
        Failure::Transport {
            transient: is_transient(&error),
            message: error.to_string(),
        }
    }

    pub(crate) fn status(status: u16, body: &[u8], retry_after_s: Option<f64>) -> Self {
        Failure::Status {
            status,
            body: super::wire::excerpt(body, BODY_EXCERPT_CHARS),
            retry_after_s: retry_after_s.filter(|_| honours_retry_after(status)),
        }
    }

    /// Whether the same request may succeed if sent again.
    pub(crate) fn is_transient(&self) -> bool {
        match self {
            Failure::Transport { transient, .. } => *transient,
            Failure::Status { status, .. } => status_is_transient(*status),
            Failure::Malformed(_) => true,
        }
    }

    pub(crate) fn retry_after_s(&self) -> Option<f64> {
        match self {
            Failure::Status { retry_after_s, .. } => *retry_after_s,
            _ => None,
        }
    }

    pub(crate) fn into_error(self, endpoint: &str, attempts: u32) -> LlmError {
        let endpoint = endpoint.to_string();
        match self {
            Failure::Transport { message, .. } => LlmError::Transport {
                endpoint,
                attempts,
                message,
            },
            Failure::Status { status, body, .. } => LlmError::Http {
                endpoint,
                status,
                attempts,
                body,
            },
            Failure::Malformed(detail) => LlmError::Malformed {
                endpoint,
                detail: format!("{detail} (after {attempts} attempt(s))"),
            },
        }
    }
}

/// Network trouble is worth retrying; a request ureq cannot even build is not.
fn is_transient(error: &ureq::Error) -> bool {
    matches!(
        error,
        ureq::Error::Timeout(_)
            | ureq::Error::Io(_)
            | ureq::Error::ConnectionFailed
            | ureq::Error::HostNotFound
            | ureq::Error::Protocol(_)
            | ureq::Error::BodyStalled
    )
}

/// 429 and 5xx are overload or restarts; other statuses would fail the same way again.
pub(crate) fn status_is_transient(status: u16) -> bool {
    status == 429 || (500..600).contains(&status)
}

fn honours_retry_after(status: u16) -> bool {
    status == 429 || status == 503
}

/// `Retry-After` in seconds. The HTTP-date form is ignored: the backoff applies instead.
pub(crate) fn parse_retry_after(value: &str) -> Option<f64> {
    value
        .trim()
        .parse::<f64>()
        .ok()
        .filter(|s| s.is_finite() && *s >= 0.0)
}

/// Exponential backoff with full jitter, so that many clients failing together do not
/// retry together.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Backoff {
    pub initial_s: f64,
    pub max_s: f64,
}

impl Backoff {
    /// Upper bound of the wait before retry `retry` (0 for the first retry).
    pub(crate) fn cap_s(&self, retry: u32) -> f64 {
        // 2^60 keeps the product finite, so initial 0 stays 0 instead of NaN.
        let growth = 2f64.powi(retry.min(60) as i32);
        (self.initial_s * growth).min(self.max_s).max(0.0)
    }

    /// The wait before retry `retry`; `unit` is a uniform sample from [0, 1]. A server's
    /// `Retry-After` replaces the jittered delay but is still capped by `max_s`, so one
    /// server cannot stall a run for longer than the config allows.
    pub(crate) fn delay(&self, retry: u32, unit: f64, retry_after_s: Option<f64>) -> Duration {
        let seconds = match retry_after_s {
            Some(wait) => wait.min(self.max_s),
            None => self.cap_s(retry) * unit.clamp(0.0, 1.0),
        };
        Duration::try_from_secs_f64(seconds.max(0.0)).unwrap_or(Duration::MAX)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const BACKOFF: Backoff = Backoff {
        initial_s: 0.5,
        max_s: 4.0,
    };

    #[test]
    fn cap_doubles_until_the_maximum() {
        let caps: Vec<f64> = (0..6).map(|r| BACKOFF.cap_s(r)).collect();
        assert_eq!(caps, [0.5, 1.0, 2.0, 4.0, 4.0, 4.0]);
        assert_eq!(BACKOFF.cap_s(u32::MAX), 4.0);
        let zero = Backoff {
            initial_s: 0.0,
            max_s: 1.0,
        };
        assert_eq!(zero.cap_s(u32::MAX), 0.0);
    }

    #[test]
    fn jittered_delay_stays_within_zero_and_cap() {
        for retry in 0..8 {
            let cap = Duration::from_secs_f64(BACKOFF.cap_s(retry));
            assert_eq!(BACKOFF.delay(retry, 0.0, None), Duration::ZERO);
            assert_eq!(BACKOFF.delay(retry, 1.0, None), cap);
            assert!(BACKOFF.delay(retry, 0.37, None) <= cap);
        }
        assert_eq!(BACKOFF.delay(0, 1.0, None), Duration::from_millis(500));
    }

    #[test]
    fn retry_after_replaces_jitter_but_is_capped() {
        assert_eq!(BACKOFF.delay(0, 0.0, Some(2.0)), Duration::from_secs(2));
        assert_eq!(BACKOFF.delay(0, 0.0, Some(120.0)), Duration::from_secs(4));
    }

    #[test]
    fn huge_maximum_does_not_overflow() {
        let wide = Backoff {
            initial_s: 1.0,
            max_s: f64::MAX,
        };
        assert!(wide.delay(1000, 1.0, None) >= Duration::from_secs(1 << 60));
        assert_eq!(wide.delay(0, 0.0, Some(f64::MAX)), Duration::MAX);
    }

    #[test]
    fn retry_after_parses_seconds_only() {
        assert_eq!(parse_retry_after(" 3 "), Some(3.0));
        assert_eq!(parse_retry_after("1.5"), Some(1.5));
        assert_eq!(parse_retry_after("-1"), None);
        assert_eq!(parse_retry_after("Wed, 21 Oct 2015 07:28:00 GMT"), None);
    }

    #[test]
    fn only_overload_statuses_are_transient() {
        for status in [429, 500, 502, 503, 504] {
            assert!(status_is_transient(status), "{status}");
        }
        for status in [400, 401, 403, 404, 422] {
            assert!(!status_is_transient(status), "{status}");
        }
    }

    #[test]
    fn retry_after_is_kept_only_for_429_and_503() {
        assert_eq!(
            Failure::status(429, b"", Some(2.0)).retry_after_s(),
            Some(2.0)
        );
        assert_eq!(
            Failure::status(503, b"", Some(2.0)).retry_after_s(),
            Some(2.0)
        );
        assert_eq!(Failure::status(500, b"", Some(2.0)).retry_after_s(), None);
    }

    #[test]
    fn final_errors_name_endpoint_and_attempts() {
        let error = Failure::status(500, b"boom", None).into_error("http://h/v1/completions", 3);
        match error {
            LlmError::Http {
                endpoint,
                status,
                attempts,
                body,
            } => {
                assert_eq!(
                    (endpoint.as_str(), status, attempts),
                    ("http://h/v1/completions", 500, 3)
                );
                assert_eq!(body, "boom");
            }
            other => panic!("unexpected {other:?}"),
        }
        let error = Failure::Malformed("no choices".into()).into_error("e", 3);
        assert!(error.to_string().contains("after 3 attempt(s)"), "{error}");
    }
}
