//! The HTTP client every connector uses: authentication, timeouts, retries with capped jittered
//! backoff, rate-limit waits, conditional requests (ETag) and response checks.
//!
//! Rules, in the order they are applied to a response:
//! - 2xx: returned once the body is complete and readable (an HTML or truncated body is retried,
//!   then reported as malformed);
//! - 304: "not modified", returned as such (the caller writes nothing);
//! - 401: the token is refused; 404: not found; 410 (gone) and other 4xx (but 403/429): refused,
//!   with the source's message;
//! - 403/429 that is a rate limit: wait `retry-after` seconds when given, else until
//!   `x-ratelimit-reset` (epoch seconds on GitHub, an ISO time on Jira) when the remaining budget
//!   is 0 or the header is an ISO time, else at least the policy's minimum wait, doubling per try;
//! - 5xx, timeouts, broken connections: retried with exponential backoff (capped, full jitter),
//!   honouring `retry-after` when a 503 carries one; then given up with a clear error.
//! - A client and its clones share one hold: once a request is told to wait (a rate-limit
//!   refusal) no other request of the run is sent before that wait is over, so concurrent
//!   per-record requests do not each spend a refusal; on GitLab a response whose
//!   `RateLimit-Remaining` is at or below [`GITLAB_RESERVE`] holds every request until its
//!   `RateLimit-Reset`, so the requests in flight do not run into 429s.
//! - Any wait a server asks for beyond [`HttpOptions::MAX_SERVER_WAIT`] is not waited: the run
//!   stops with `rate_limited`, saying when the limit resets; the next sync resumes from the
//!   last saved page.
//!
//! The token goes only to the origin (scheme, host, port) of the source's base URL
//! ([`Http::bind_origin`]): a request, a next-page link ([`Http::next_page`]) or a redirect to
//! any other origin is refused with `foreign_origin`, never followed. Redirects within the
//! origin are followed. A base URL must be https, or plain http on this computer
//! ([`check_base_url`]).
//!
//! Numbers servers send (waits, reset times, counts, lengths) are read with checked or
//! saturating arithmetic: a hostile value gives a long wait (then the cap) or is ignored, never an
//! overflow.
//!
//! All waiting goes through the injected [`Clock`], so tests never sleep.

use std::net::IpAddr;
use std::sync::atomic::{AtomicI64, AtomicU64, Ordering};
use std::sync::{Arc, Mutex, Once, OnceLock};
use std::time::Duration;

use reqwest::header::{HeaderMap, HeaderValue};
use reqwest::Url;
use serde::Deserialize;
use tokio_util::sync::CancellationToken;
use url::{Host, Origin};

use crate::ingest::clock::Clock;
use crate::ingest::error::SyncError;
use crate::secrets::Secret;

/// How a request authenticates.
#[derive(Debug, Clone)]
pub enum Auth {
    /// `Authorization: Bearer <token>` (GitHub).
    Bearer(Secret),
    /// HTTP Basic with an e-mail and an API token (Jira Cloud).
    Basic { user: String, token: Secret },
    /// `Authorization: <key>` with no scheme (Linear's personal API keys).
    Plain(Secret),
    /// No credentials.
    None,
}

/// Limits of the client.
#[derive(Debug, Clone)]
pub struct HttpOptions {
    /// Whole-request timeout (headers and body).
    pub timeout: Duration,
    pub connect_timeout: Duration,
    /// Tries after the first for 5xx, timeouts and broken or malformed responses.
    pub max_retries: u32,
    /// First backoff; doubled per retry, capped at `backoff_cap`, with full jitter.
    pub backoff_base: Duration,
    pub backoff_cap: Duration,
    /// Rate-limit refusals accepted in a row before giving up.
    pub max_rate_limit_waits: u32,
    /// The longest single wait a server may ask for (`Retry-After` on 429/503, a rate-limit
    /// reset): a longer one stops the run with `rate_limited` instead, and the next sync starts
    /// again from the saved cursor. [`HttpOptions::MAX_SERVER_WAIT`] unless a test lowers it.
    pub max_rate_limit_wait: Duration,
    /// The largest response body read; a larger one is refused as malformed (a hostile or broken
    /// server cannot make Baton buffer without end).
    pub max_body_bytes: u64,
    pub user_agent: String,
}

impl HttpOptions {
    /// 15 minutes: no sync waits longer than this for a server, whatever it asks.
    pub const MAX_SERVER_WAIT: Duration = Duration::from_secs(15 * 60);
    /// 256 MiB: far above any page of the APIs Baton reads (a page of 100 pull requests is about
    /// 1 MiB).
    pub const MAX_BODY_BYTES: u64 = 256 * 1024 * 1024;
}

impl Default for HttpOptions {
    fn default() -> Self {
        HttpOptions {
            timeout: Duration::from_secs(60),
            connect_timeout: Duration::from_secs(15),
            max_retries: 4,
            backoff_base: Duration::from_secs(1),
            backoff_cap: Duration::from_secs(60),
            max_rate_limit_waits: 8,
            max_rate_limit_wait: HttpOptions::MAX_SERVER_WAIT,
            max_body_bytes: HttpOptions::MAX_BODY_BYTES,
            user_agent: format!(
                "Baton/{} (+https://github.com/baton)",
                env!("CARGO_PKG_VERSION")
            ),
        }
    }
}

/// How a source signals rate limits.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RateLimitStyle {
    /// GitHub: 403 or 429; `x-ratelimit-remaining: 0` + `x-ratelimit-reset` (epoch seconds) for
    /// the primary limit; `retry-after` or a "secondary rate limit" message for the secondary
    /// one, which waits at least a minute when no header says how long.
    Github,
    /// Jira Cloud: 429 (and some 503s) with `Retry-After` seconds and an ISO `X-RateLimit-Reset`.
    Jira,
    /// GitLab (gitlab.com and self-managed): 429 with `Retry-After` seconds, else
    /// `RateLimit-Reset` (epoch seconds) or `RateLimit-ResetTime` (an HTTP date); limits are per
    /// minute, so a refusal that says nothing waits at least a minute.
    Gitlab,
    /// Linear (GraphQL): HTTP 400 whose body's `errors[].extensions.code` is `RATELIMITED`
    /// (or whose `extensions.type` is `ratelimited`), or a 429; `Retry-After` seconds, else
    /// the reset (epoch milliseconds) of the exhausted budget among
    /// `X-RateLimit-Requests-Reset` and `X-RateLimit-Complexity-Reset`; budgets are per hour, so
    /// a refusal that says nothing waits at least a minute, doubling.
    Linear,
}

impl RateLimitStyle {
    fn minimum_wait(self) -> Duration {
        match self {
            RateLimitStyle::Github => Duration::from_secs(60),
            RateLimitStyle::Jira => Duration::from_secs(5),
            RateLimitStyle::Gitlab => Duration::from_secs(60),
            RateLimitStyle::Linear => Duration::from_secs(60),
        }
    }
}

/// Counters of one client, read into the sync run's history.
#[derive(Debug, Default)]
pub struct HttpStats {
    pub requests: AtomicU64,
    pub retries: AtomicU64,
    pub not_modified: AtomicU64,
    pub rate_limit_waits: AtomicU64,
    pub rate_limit_wait_ms: AtomicU64,
}

/// What a client reports while it waits (for progress events).
pub type WaitObserver = Arc<dyn Fn(WaitNotice) + Send + Sync>;

/// A wait the client is about to do.
#[derive(Debug, Clone, PartialEq)]
pub struct WaitNotice {
    /// True for a rate-limit wait, false for a retry backoff.
    pub rate_limit: bool,
    pub duration: Duration,
    /// When the wait ends (ms since the epoch, on the client's clock).
    pub until_ms: i64,
    pub reason: String,
}

/// A complete response.
#[derive(Debug, Clone)]
pub struct Response {
    pub url: Url,
    pub status: u16,
    pub headers: HeaderMap,
    pub body: bytes::Bytes,
}

impl Response {
    /// A header as text.
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.get(name).and_then(|v| v.to_str().ok())
    }
}

/// The outcome of a GET.
#[derive(Debug)]
pub enum Fetched<T> {
    /// 2xx: the parsed body and the response it came from.
    Fresh(T, Box<Response>),
    /// 304 for a conditional request.
    NotModified,
}

/// GitLab: the budget left (`RateLimit-Remaining`) at which requests stop until the window
/// resets, so that those already in flight (up to the GitLab connector's 8 per-record
/// requests) still fit in it.
pub const GITLAB_RESERVE: u64 = 8;

/// The connectors' HTTP client.
#[derive(Clone)]
pub struct Http {
    client: reqwest::Client,
    auth: Auth,
    options: HttpOptions,
    style: RateLimitStyle,
    clock: Arc<dyn Clock>,
    cancel: CancellationToken,
    stats: Arc<HttpStats>,
    observer: Option<WaitObserver>,
    jitter: Arc<Mutex<u64>>,
    /// The only origin requests (and the token) may go to; set by [`Http::bind_origin`], or by
    /// the first request.
    origin: Arc<OnceLock<Origin>>,
    /// No request is sent before this time (ms since the epoch; 0: none), shared by clones.
    hold: Arc<AtomicI64>,
}

impl std::fmt::Debug for Http {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Http")
            .field("style", &self.style)
            .field("options", &self.options)
            .finish_non_exhaustive()
    }
}

static TLS: Once = Once::new();

/// Installs the process-wide TLS provider (rustls with ring) once.
fn install_tls_provider() {
    TLS.call_once(|| {
        let _ = rustls::crypto::ring::default_provider().install_default();
    });
}

impl Http {
    /// A client with these credentials, limits and clock.
    pub fn new(
        auth: Auth,
        options: HttpOptions,
        style: RateLimitStyle,
        clock: Arc<dyn Clock>,
        cancel: CancellationToken,
    ) -> Result<Http, SyncError> {
        install_tls_provider();
        let client = reqwest::Client::builder()
            .user_agent(options.user_agent.clone())
            .timeout(options.timeout)
            .connect_timeout(options.connect_timeout)
            .redirect(same_origin_redirects())
            .build()
            .map_err(|err| SyncError::Config(format!("cannot set up HTTP: {err}")))?;
        let seed = (clock.now_ms() as u64) ^ 0x9E37_79B9_7F4A_7C15;
        Ok(Http {
            client,
            auth,
            options,
            style,
            clock,
            cancel,
            stats: Arc::default(),
            observer: None,
            jitter: Arc::new(Mutex::new(seed | 1)),
            origin: Arc::default(),
            hold: Arc::default(),
        })
    }

    /// Holds every request of this client and its clones until `until_ms`.
    fn hold_until(&self, until_ms: i64) {
        self.hold.fetch_max(until_ms, Ordering::SeqCst);
    }

    /// Waits while a hold is on (a few milliseconds left are not waited: a request that waited
    /// for its own refusal finds its hold over).
    async fn wait_for_hold(&self) -> Result<(), SyncError> {
        let until = self.hold.load(Ordering::SeqCst);
        let left = until.saturating_sub(self.clock.now_ms());
        if left > 10 {
            let wait = Duration::from_millis(u64::try_from(left).unwrap_or(0));
            self.wait(
                wait,
                true,
                "rate limit (another request was told to wait)".into(),
            )
            .await?;
        }
        Ok(())
    }

    /// GitLab: holds requests until the window resets when the budget left is low.
    fn note_budget(&self, response: &Response) {
        if self.style != RateLimitStyle::Gitlab {
            return;
        }
        let remaining = response
            .header("ratelimit-remaining")
            .and_then(|v| v.trim().parse::<u64>().ok());
        let reset = response.header("ratelimit-reset").and_then(reset_at);
        if let (Some(remaining), Some(reset)) = (remaining, reset) {
            let now = self.clock.now_ms();
            let wait = Duration::from_millis(u64::try_from(reset.saturating_sub(now)).unwrap_or(0));
            if remaining <= GITLAB_RESERVE
                && reset > now
                && wait <= self.options.max_rate_limit_wait
            {
                tracing::info!(
                    remaining,
                    wait_s = wait.as_secs(),
                    "GitLab's rate-limit budget is low: holding requests until it resets"
                );
                self.hold_until(reset.saturating_add(1_000));
            }
        }
    }

    /// Binds the client (and its clones) to the origin of the source's base URL, after checking
    /// that URL with [`check_base_url`]: from now on requests go only there. Binding again to
    /// the same origin is a no-op; to another one, an error.
    pub fn bind_origin(&self, base: &Url) -> Result<(), SyncError> {
        let base = check_base_url(base.as_str())?;
        let origin = base.origin();
        let bound = self.origin.get_or_init(|| origin.clone());
        if *bound != origin {
            return Err(SyncError::Config(format!(
                "this connection is for {}, not {}",
                bound.ascii_serialization(),
                origin.ascii_serialization()
            )));
        }
        Ok(())
    }

    /// Refuses `url` unless it is on the bound origin (binding the first URL's origin when none
    /// is bound yet). `what` says where the URL came from, for the message.
    fn check_origin(&self, url: &Url, what: &str, from: &Url) -> Result<(), SyncError> {
        if self.origin.get().is_none() {
            self.bind_origin(url)?;
        }
        match self.origin.get() {
            Some(bound) if *bound == url.origin() => Ok(()),
            Some(bound) => Err(foreign(url, what, from, bound)),
            None => Err(SyncError::Config("no origin is bound".into())),
        }
    }

    /// The `Link: <…>; rel="next"` target of a page, refused (with `foreign_origin`) when it
    /// leaves the source's origin, so that it is neither followed nor saved in a cursor.
    pub fn next_page(&self, response: &Response) -> Result<Option<Url>, SyncError> {
        match next_link(response) {
            Some(next) => {
                self.check_origin(&next, "its next-page link", &response.url)?;
                Ok(Some(next))
            }
            None => Ok(None),
        }
    }

    /// Whether `url` is on the bound origin (true when nothing is bound yet).
    pub fn is_own(&self, url: &Url) -> bool {
        self.origin.get().is_none_or(|bound| *bound == url.origin())
    }

    /// Reports every wait to `observer`.
    pub fn with_observer(mut self, observer: WaitObserver) -> Http {
        self.observer = Some(observer);
        self
    }

    /// The counters.
    pub fn stats(&self) -> &Arc<HttpStats> {
        &self.stats
    }

    /// The clock.
    pub fn clock(&self) -> &Arc<dyn Clock> {
        &self.clock
    }

    /// The cancellation token.
    pub fn cancel_token(&self) -> &CancellationToken {
        &self.cancel
    }

    /// GETs `url` and parses the body as JSON.
    pub async fn get_json<T: serde::de::DeserializeOwned>(
        &self,
        url: &Url,
    ) -> Result<(T, Response), SyncError> {
        match self.get(url, None, parse_json::<T>).await? {
            Fetched::Fresh(value, response) => Ok((value, *response)),
            Fetched::NotModified => Err(SyncError::Malformed(format!(
                "{}: 304 without a conditional request",
                safe_url(url)
            ))),
        }
    }

    /// GETs `url` (conditionally when `etag` is given) and parses the body with `parse`; a body
    /// `parse` rejects is retried like a broken connection.
    pub async fn get<T>(
        &self,
        url: &Url,
        etag: Option<&str>,
        parse: impl Fn(&Response) -> Result<T, String>,
    ) -> Result<Fetched<T>, SyncError> {
        self.send(url, etag, None, parse).await
    }

    /// POSTs `body` as JSON to `url` (a GraphQL query) and parses the answer as JSON, with the
    /// same retries, rate-limit waits and origin checks as a GET.
    pub async fn post_json<T: serde::de::DeserializeOwned>(
        &self,
        url: &Url,
        body: &serde_json::Value,
    ) -> Result<(T, Response), SyncError> {
        let bytes = serde_json::to_vec(body)
            .map_err(|err| SyncError::Config(format!("a request body did not serialise: {err}")))?;
        match self.send(url, None, Some(&bytes), parse_json::<T>).await? {
            Fetched::Fresh(value, response) => Ok((value, *response)),
            Fetched::NotModified => Err(SyncError::Malformed(format!(
                "{}: 304 without a conditional request",
                safe_url(url)
            ))),
        }
    }

    async fn send<T>(
        &self,
        url: &Url,
        etag: Option<&str>,
        body: Option<&[u8]>,
        parse: impl Fn(&Response) -> Result<T, String>,
    ) -> Result<Fetched<T>, SyncError> {
        self.check_origin(url, "the request", url)?;
        let mut retries = 0u32;
        let mut rate_waits = 0u32;
        loop {
            if self.cancel.is_cancelled() {
                return Err(SyncError::Canceled);
            }
            self.wait_for_hold().await?;
            let outcome = self.attempt(url, etag, body).await;
            let (retry_after, failure) = match outcome {
                Ok(response) => {
                    let status = response.status;
                    if status == 304 {
                        self.stats.not_modified.fetch_add(1, Ordering::Relaxed);
                        return Ok(Fetched::NotModified);
                    }
                    if (200..300).contains(&status) {
                        self.note_budget(&response);
                        match parse(&response) {
                            Ok(value) => return Ok(Fetched::Fresh(value, Box::new(response))),
                            Err(detail) => (
                                None,
                                SyncError::Malformed(format!("{}: {detail}", safe_url(url))),
                            ),
                        }
                    } else if (300..400).contains(&status) {
                        // Redirects within the origin were followed by the client; this one
                        // leaves it (or is no redirect at all).
                        return Err(self.redirect_refusal(url, &response));
                    } else if let Some(wait) = self.rate_limit_wait(&response, rate_waits) {
                        rate_waits = rate_waits.saturating_add(1);
                        if wait > self.options.max_rate_limit_wait {
                            return Err(self.too_long(url, status, wait));
                        }
                        if rate_waits > self.options.max_rate_limit_waits {
                            return Err(SyncError::RateLimited(format!(
                                "{} still refused after {} rate-limit waits (HTTP {status}); this sync stops here and the next one resumes from the last saved page",
                                safe_url(url),
                                rate_waits - 1,
                            )));
                        }
                        self.hold_until(
                            self.clock.now_ms().saturating_add(
                                i64::try_from(wait.as_millis()).unwrap_or(i64::MAX),
                            ),
                        );
                        self.wait(wait, true, format!("rate limit (HTTP {status})"))
                            .await?;
                        continue;
                    } else if status >= 500 {
                        (
                            retry_after_header(&response, self.clock.now_ms()),
                            SyncError::Server {
                                status,
                                detail: format!("{}: {}", safe_url(url), message_of(&response)),
                            },
                        )
                    } else {
                        return Err(classify_refusal(url, &response));
                    }
                }
                // A token no header can carry is refused before anything is sent: no retry.
                Err(err @ SyncError::BadToken(_)) => return Err(err),
                Err(err) => (None, err),
            };
            if let (Some(wait), SyncError::Server { status, .. }) = (retry_after, &failure) {
                if wait > self.options.max_rate_limit_wait {
                    return Err(self.too_long(url, *status, wait));
                }
            }
            if retries >= self.options.max_retries {
                return Err(failure);
            }
            retries += 1;
            self.stats.retries.fetch_add(1, Ordering::Relaxed);
            let wait = retry_after.unwrap_or_else(|| self.backoff(retries));
            tracing::debug!(url = %safe_url(url), retries, wait_ms = millis(wait), error = %failure, "retrying");
            self.wait(wait, false, failure.to_string()).await?;
        }
    }

    /// One request (a POST when there is a body); transport failures come back as retryable
    /// errors.
    async fn attempt(
        &self,
        url: &Url,
        etag: Option<&str>,
        body: Option<&[u8]>,
    ) -> Result<Response, SyncError> {
        let mut request = match body {
            Some(body) => self
                .client
                .post(url.clone())
                .header(reqwest::header::CONTENT_TYPE, "application/json")
                .body(body.to_vec()),
            None => self.client.get(url.clone()),
        };
        request = match &self.auth {
            Auth::Bearer(token) => request.bearer_auth(token.expose()),
            Auth::Basic { user, token } => request.basic_auth(user, Some(token.expose())),
            Auth::Plain(token) => match HeaderValue::from_str(token.expose()) {
                Ok(mut value) => {
                    value.set_sensitive(true);
                    request.header(reqwest::header::AUTHORIZATION, value)
                }
                Err(_) => {
                    return Err(SyncError::BadToken(
                        "the token holds characters no HTTP header can carry".into(),
                    ))
                }
            },
            Auth::None => request,
        };
        if let Some(etag) = etag.and_then(|e| HeaderValue::from_str(e).ok()) {
            request = request.header(reqwest::header::IF_NONE_MATCH, etag);
        }
        request = match self.style {
            RateLimitStyle::Github => request
                .header("accept", "application/vnd.github+json")
                .header("x-github-api-version", "2022-11-28"),
            RateLimitStyle::Jira | RateLimitStyle::Gitlab | RateLimitStyle::Linear => {
                request.header("accept", "application/json")
            }
        };
        self.stats.requests.fetch_add(1, Ordering::Relaxed);
        let sent = tokio::select! {
            sent = request.send() => sent,
            _ = self.cancel.cancelled() => return Err(SyncError::Canceled),
        };
        let response = sent.map_err(|err| transport_error(url, &err))?;
        let status = response.status().as_u16();
        let headers = response.headers().clone();
        let final_url = response.url().clone();
        let body = tokio::select! {
            body = self.read_body(url, response) => body?,
            _ = self.cancel.cancelled() => return Err(SyncError::Canceled),
        };
        Ok(Response {
            url: final_url,
            status,
            headers,
            body,
        })
    }

    /// Reads a body, refusing one longer than `max_body_bytes` (declared or sent).
    async fn read_body(
        &self,
        url: &Url,
        mut response: reqwest::Response,
    ) -> Result<bytes::Bytes, SyncError> {
        let limit = self.options.max_body_bytes;
        let too_large = |size: u64| {
            SyncError::Malformed(format!(
                "{}: the body is {size} bytes or more, above the {limit} Baton reads",
                safe_url(url)
            ))
        };
        let declared = response.content_length().unwrap_or(0);
        if declared > limit {
            return Err(too_large(declared));
        }
        // Trust a declared length only as far as a few MiB of allocation up front.
        let mut body = bytes::BytesMut::with_capacity(
            usize::try_from(declared.min(4 * 1024 * 1024)).unwrap_or(0),
        );
        loop {
            let chunk = response.chunk().await.map_err(|err| {
                if err.is_timeout() {
                    SyncError::Timeout(format!(
                        "{}: the body did not arrive in time",
                        safe_url(url)
                    ))
                } else {
                    SyncError::Malformed(format!(
                        "{}: the body was cut off ({})",
                        safe_url(url),
                        plain(&err)
                    ))
                }
            })?;
            let Some(chunk) = chunk else {
                return Ok(body.freeze());
            };
            let size = (body.len() as u64).saturating_add(chunk.len() as u64);
            if size > limit {
                return Err(too_large(size));
            }
            body.extend_from_slice(&chunk);
        }
    }

    /// The error for a redirect that was not followed: to another origin, `foreign_origin`;
    /// a 3xx that is no redirect, a refusal.
    fn redirect_refusal(&self, url: &Url, response: &Response) -> SyncError {
        let target = response
            .header("location")
            .and_then(|location| response.url.join(location.trim()).ok());
        match target {
            Some(target) if !self.is_own(&target) => match self.origin.get() {
                Some(bound) => foreign(&target, "a redirect", &response.url, bound),
                None => SyncError::Config("no origin is bound".into()),
            },
            _ => SyncError::Refused {
                status: response.status,
                detail: format!("{}: a redirect Baton did not follow", safe_url(url)),
            },
        }
    }

    /// The error for a server-requested wait beyond the cap.
    fn too_long(&self, url: &Url, status: u16, wait: Duration) -> SyncError {
        let now = self.clock.now_ms();
        let resets = i64::try_from(wait.as_millis())
            .ok()
            .and_then(|ms| now.checked_add(ms))
            .and_then(chrono::DateTime::<chrono::Utc>::from_timestamp_millis)
            .map(|at| at.to_rfc3339_opts(chrono::SecondsFormat::Secs, true))
            .unwrap_or_else(|| "a time too far ahead to show".into());
        SyncError::RateLimited(format!(
            "{} (HTTP {status}) asks to wait {} (the limit resets at {resets}); Baton waits at most {}, so this sync stops here and the next one resumes from the last saved page",
            safe_url(url),
            describe_wait(wait),
            describe_wait(self.options.max_rate_limit_wait),
        ))
    }

    /// How long to wait when `response` is a rate-limit refusal; `None` when it is not one.
    fn rate_limit_wait(&self, response: &Response, waits_so_far: u32) -> Option<Duration> {
        let status = response.status;
        let now = self.clock.now_ms();
        let retry_after = retry_after_header(response, now);
        let remaining = response
            .header("x-ratelimit-remaining")
            .and_then(|v| v.trim().parse::<u64>().ok());
        let reset = response.header("x-ratelimit-reset").and_then(reset_at);
        let escalating = || {
            let floor = self.style.minimum_wait();
            let factor = 1u32 << waits_so_far.min(5);
            floor
                .saturating_mul(factor)
                .min(Duration::from_secs(15 * 60))
        };
        match self.style {
            RateLimitStyle::Github => {
                if status != 403 && status != 429 {
                    return None;
                }
                if let Some(wait) = retry_after {
                    return Some(wait);
                }
                if remaining == Some(0) {
                    // Primary limit: wait until the budget resets (plus a second of margin).
                    return Some(match reset {
                        Some(at) => wait_until(at, now),
                        None => escalating(),
                    });
                }
                let message = message_of(response).to_lowercase();
                if status == 429
                    || message.contains("secondary rate limit")
                    || message.contains("abuse")
                    || message.contains("rate limit")
                {
                    return Some(escalating());
                }
                None
            }
            RateLimitStyle::Jira => {
                if status != 429 && !(status == 503 && retry_after.is_some()) {
                    return None;
                }
                if status == 503 {
                    // A transient 503 with Retry-After: handled as a retry, not a rate limit.
                    return None;
                }
                if let Some(wait) = retry_after {
                    return Some(wait);
                }
                if let Some(at) = reset {
                    return Some(wait_until(at, now));
                }
                Some(self.backoff_from(self.style.minimum_wait(), waits_so_far.saturating_add(1)))
            }
            RateLimitStyle::Gitlab => {
                if status != 429 {
                    return None;
                }
                if let Some(wait) = retry_after {
                    return Some(wait);
                }
                if let Some(at) = response.header("ratelimit-reset").and_then(reset_at) {
                    return Some(wait_until(at, now));
                }
                if let Some(wait) = response
                    .header("ratelimit-resettime")
                    .and_then(|v| self::retry_after(v, now))
                {
                    return Some(wait);
                }
                Some(escalating())
            }
            RateLimitStyle::Linear => {
                let limited = status == 429
                    || (status == 400
                        && graphql_error_codes(response)
                            .iter()
                            .any(|c| c.eq_ignore_ascii_case("ratelimited")));
                if !limited {
                    return None;
                }
                if let Some(wait) = retry_after {
                    return Some(wait);
                }
                // The budget that ran out says when it refills; when none says it is empty,
                // the later reset of the two.
                let budget = |name: &str| {
                    let remaining = response
                        .header(&format!("x-ratelimit-{name}-remaining"))
                        .and_then(|v| v.trim().parse::<i64>().ok());
                    let reset = response
                        .header(&format!("x-ratelimit-{name}-reset"))
                        .and_then(reset_at);
                    (remaining, reset)
                };
                let budgets = [budget("requests"), budget("complexity")];
                let exhausted = budgets
                    .iter()
                    .filter(|(remaining, _)| remaining.is_some_and(|r| r <= 0))
                    .filter_map(|(_, reset)| *reset)
                    .max();
                let any = budgets.iter().filter_map(|(_, reset)| *reset).max();
                match exhausted.or(any) {
                    Some(at) if at > now => Some(wait_until(at, now)),
                    _ => Some(escalating()),
                }
            }
        }
    }

    /// Exponential backoff with full jitter: a random time in [base·2^(n-1) / 2, base·2^(n-1)],
    /// capped.
    fn backoff(&self, retry: u32) -> Duration {
        self.backoff_from(self.options.backoff_base, retry)
    }

    fn backoff_from(&self, base: Duration, retry: u32) -> Duration {
        let ceiling = base
            .saturating_mul(1u32 << retry.saturating_sub(1).min(16))
            .min(self.options.backoff_cap.max(base));
        let ms = millis(ceiling);
        let mut state = self.jitter.lock().map(|s| *s).unwrap_or(1);
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        if let Ok(mut slot) = self.jitter.lock() {
            *slot = state;
        }
        let half = ms / 2;
        Duration::from_millis(half + state % (ms - half + 1))
    }

    async fn wait(
        &self,
        duration: Duration,
        rate_limit: bool,
        reason: String,
    ) -> Result<(), SyncError> {
        if rate_limit {
            self.stats.rate_limit_waits.fetch_add(1, Ordering::Relaxed);
            self.stats
                .rate_limit_wait_ms
                .fetch_add(millis(duration), Ordering::Relaxed);
            tracing::info!(wait_s = duration.as_secs(), %reason, "waiting for a rate limit");
        }
        if let Some(observer) = &self.observer {
            let until_ms = self
                .clock
                .now_ms()
                .saturating_add(i64::try_from(duration.as_millis()).unwrap_or(i64::MAX));
            observer(WaitNotice {
                rate_limit,
                duration,
                until_ms,
                reason,
            });
        }
        tokio::select! {
            _ = self.clock.sleep(duration) => Ok(()),
            _ = self.cancel.cancelled() => Err(SyncError::Canceled),
        }
    }
}

/// Parses a 2xx body as JSON, refusing HTML and empty bodies with a readable reason.
pub fn parse_json<T: serde::de::DeserializeOwned>(response: &Response) -> Result<T, String> {
    let body = response.body.as_ref();
    let start = body.iter().position(|b| !b.is_ascii_whitespace());
    match start.map(|i| body[i]) {
        None => return Err("the body is empty".into()),
        Some(b'<') => return Err("the body is HTML, not JSON".into()),
        _ => {}
    }
    // A lone UTF-16 surrogate escape ("\ud800") is not a character a string can hold;
    // serde_json would refuse the record holding it. It becomes U+FFFD instead.
    let (body, replaced) = crate::graph::text::repair_lone_surrogates(body);
    if replaced > 0 {
        tracing::warn!(
            url = %safe_url(&response.url),
            replaced,
            "lone UTF-16 surrogate escapes in the response were replaced with U+FFFD"
        );
    }
    serde_json::from_slice(&body).map_err(|err| format!("not the expected JSON ({err})"))
}

/// The `Link: <url>; rel="next"` target, if any (relative targets are read against the
/// response's URL). It is not checked against the source's origin: see [`Http::next_page`].
pub fn next_link(response: &Response) -> Option<Url> {
    let header = response.header("link")?;
    header.split(',').find_map(|part| {
        let (target, params) = part.split_once(';')?;
        let is_next = params
            .split(';')
            .any(|p| p.trim().replace(' ', "") == "rel=\"next\"");
        if !is_next {
            return None;
        }
        let target = target.trim().trim_start_matches('<').trim_end_matches('>');
        response.url.join(target).ok()
    })
}

/// A base URL with a trailing slash, so that endpoints join under it
/// (`https://ghe.example.com/api/v3/`).
pub fn root_of(base: &str) -> Result<Url, SyncError> {
    let mut url = Url::parse(base.trim())
        .map_err(|err| SyncError::Config(format!("{base:?} is not a URL: {err}")))?;
    if !url.path().ends_with('/') {
        let path = format!("{}/", url.path());
        url.set_path(&path);
    }
    Ok(url)
}

/// `path` under `root`, with `query` appended.
pub fn endpoint(root: &Url, path: &str, query: &[(&str, String)]) -> Result<Url, SyncError> {
    let mut url = root
        .join(path.trim_start_matches('/'))
        .map_err(|err| SyncError::Config(format!("bad endpoint {path}: {err}")))?;
    if !query.is_empty() {
        let mut pairs = url.query_pairs_mut();
        for (k, v) in query {
            pairs.append_pair(k, v);
        }
    }
    Ok(url)
}

/// Checks that a source's base URL may receive a token: `https`, or plain `http` only to this
/// computer (`localhost`, 127.0.0.0/8, `::1`), where nothing travels over a network. Returns
/// the parsed URL.
pub fn check_base_url(text: &str) -> Result<Url, SyncError> {
    let text = text.trim();
    let url = Url::parse(text)
        .map_err(|err| SyncError::Config(format!("{text:?} is not a URL: {err}")))?;
    let shown = safe_url(&url);
    let loopback = match url.host() {
        Some(Host::Domain(name)) => name.eq_ignore_ascii_case("localhost"),
        Some(Host::Ipv4(ip)) => IpAddr::V4(ip).is_loopback(),
        Some(Host::Ipv6(ip)) => {
            ip.is_loopback() || ip.to_ipv4_mapped().is_some_and(|v4| v4.is_loopback())
        }
        None => false,
    };
    match url.scheme() {
        "https" if url.host().is_some() => Ok(url),
        "http" if loopback => Ok(url),
        "http" => Err(SyncError::Config(format!(
            "{shown} uses plain http, which would send the token unencrypted; use https (plain http is accepted only for this computer: localhost, 127.0.0.1, ::1)"
        ))),
        _ => Err(SyncError::Config(format!(
            "{shown} is not a web address Baton can sync from; use https://"
        ))),
    }
}

/// A redirect policy that follows redirects only within one origin (scheme, host, port), at
/// most 10 in a row; a redirect elsewhere is handed back as the 3xx response, so that
/// [`Http::get`] refuses it by name. reqwest would drop the `Authorization` header on a
/// cross-origin hop, but it would still follow it (and read the other server's answer as the
/// source's).
fn same_origin_redirects() -> reqwest::redirect::Policy {
    reqwest::redirect::Policy::custom(|attempt| {
        let same = attempt
            .previous()
            .last()
            .is_some_and(|previous| previous.origin() == attempt.url().origin());
        if !same {
            attempt.stop()
        } else if attempt.previous().len() > 10 {
            attempt.error("more than 10 redirects")
        } else {
            attempt.follow()
        }
    })
}

/// The `foreign_origin` error for `url`, reached through `what` from `from` (or asked for
/// directly when `from` is `url`).
fn foreign(url: &Url, what: &str, from: &Url, bound: &Origin) -> SyncError {
    let other = url.origin().ascii_serialization();
    let own = bound.ascii_serialization();
    SyncError::ForeignOrigin(if from == url {
        format!(
            "{} is on {other}, outside the source's address {own}; Baton did not send the token there",
            safe_url(url)
        )
    } else {
        format!(
            "{} sent {what} to {other}, outside the source's address {own}; Baton did not follow it and sent the token nowhere else",
            safe_url(from)
        )
    })
}

/// A duration in whole milliseconds, saturating.
fn millis(duration: Duration) -> u64 {
    u64::try_from(duration.as_millis()).unwrap_or(u64::MAX)
}

/// A wait as people read it: 45 s, 15 min, 24 h, 3 days.
fn describe_wait(wait: Duration) -> String {
    let s = wait.as_secs();
    if s >= 2 * 86_400 {
        format!("{} days", s / 86_400)
    } else if s >= 2 * 3_600 {
        format!("{} h", s / 3_600)
    } else if s >= 120 {
        format!("{} min", s / 60)
    } else {
        format!("{s} s")
    }
}

/// A URL as it may appear in messages and logs: scheme, host, port, path (no query, no user).
pub fn safe_url(url: &Url) -> String {
    let mut shown = format!("{}://{}", url.scheme(), url.host_str().unwrap_or(""));
    if let Some(port) = url.port() {
        shown.push_str(&format!(":{port}"));
    }
    shown.push_str(url.path());
    shown
}

/// A reqwest error's text without the URL it names (which `safe_url` prints instead).
fn plain(err: &reqwest::Error) -> String {
    let mut text = err.without_url_ref().to_string();
    if let Some(source) = std::error::Error::source(err) {
        text.push_str(&format!(": {source}"));
    }
    text
}

trait WithoutUrl {
    fn without_url_ref(&self) -> String;
}

impl WithoutUrl for reqwest::Error {
    fn without_url_ref(&self) -> String {
        let mut text = self.to_string();
        if let Some(url) = self.url() {
            text = text
                .replace(&format!(" ({url})"), "")
                .replace(url.as_str(), "");
        }
        text
    }
}

fn transport_error(url: &Url, err: &reqwest::Error) -> SyncError {
    if err.is_timeout() {
        SyncError::Timeout(format!("{}: no answer in time", safe_url(url)))
    } else if err.is_connect() {
        SyncError::Offline(format!("{}: {}", safe_url(url), plain(err)))
    } else if err.is_body() || err.is_decode() {
        SyncError::Malformed(format!("{}: {}", safe_url(url), plain(err)))
    } else {
        SyncError::Offline(format!("{}: {}", safe_url(url), plain(err)))
    }
}

/// `Retry-After` of a response (see [`retry_after`]).
fn retry_after_header(response: &Response, now_ms: i64) -> Option<Duration> {
    retry_after(response.header("retry-after")?, now_ms)
}

/// `Retry-After` as seconds or an HTTP date. A number too large for 64 bits means "longer than
/// anything" (the cap then stops the run); a date in the past means now; anything else
/// (negative, fractional, `NaN`) is no instruction.
fn retry_after(value: &str, now_ms: i64) -> Option<Duration> {
    let value = value.trim();
    if let Some(seconds) = whole_number(value) {
        return Some(Duration::from_secs(seconds));
    }
    chrono::DateTime::parse_from_rfc2822(value).ok().map(|at| {
        let ms = at.timestamp_millis().saturating_sub(now_ms).max(0);
        Duration::from_millis(u64::try_from(ms).unwrap_or(0))
    })
}

/// A string of ASCII digits as a number, saturating at `u64::MAX`; `None` for anything else.
fn whole_number(value: &str) -> Option<u64> {
    if value.is_empty() || !value.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    Some(value.parse::<u64>().unwrap_or(u64::MAX))
}

/// The wait until `at_ms` (plus a second of margin), zero when it is past.
fn wait_until(at_ms: i64, now_ms: i64) -> Duration {
    let ms = at_ms.saturating_sub(now_ms).max(0);
    Duration::from_millis(u64::try_from(ms).unwrap_or(0).saturating_add(1_000))
}

/// `x-ratelimit-reset` as ms since the epoch: epoch seconds (GitHub), epoch milliseconds, or an
/// ISO time (Jira, `yyyy-MM-ddTHH:mmZ`). Digits beyond 64 bits saturate (a reset at the end of
/// time); negative numbers are a time in the past; other text is no instruction.
fn reset_at(value: &str) -> Option<i64> {
    let value = value.trim();
    let digits = value.strip_prefix('-').unwrap_or(value);
    if let Some(magnitude) = whole_number(digits) {
        let number = i64::try_from(magnitude).unwrap_or(i64::MAX);
        let number = if value.starts_with('-') {
            -number
        } else {
            number
        };
        return Some(if number > 100_000_000_000 {
            number
        } else {
            number.saturating_mul(1_000)
        });
    }
    crate::connectors::parse_time(value).or_else(|| {
        chrono::NaiveDateTime::parse_from_str(value.trim_end_matches('Z'), "%Y-%m-%dT%H:%M")
            .ok()
            .map(|t| t.and_utc().timestamp_millis())
    })
}

/// Reads a count a server sent (a total, a start index) without trusting it, for
/// `#[serde(deserialize_with = "lenient_count")]`: any JSON number is clamped to `0..=u64::MAX`
/// (fractions dropped), anything else (a string, `null`, an object) is `None`. A strange count
/// never makes the record it sits in unreadable.
pub fn lenient_count<'de, D: serde::Deserializer<'de>>(
    deserializer: D,
) -> Result<Option<u64>, D::Error> {
    let value = serde_json::Value::deserialize(deserializer)?;
    Ok(match value {
        serde_json::Value::Number(number) => number
            .as_u64()
            .or_else(|| number.as_i64().map(|_| 0))
            // Float to integer `as` saturates (and maps NaN to 0): never an overflow.
            .or_else(|| number.as_f64().map(|f| f.max(0.0) as u64)),
        _ => None,
    })
}

/// [`lenient_count`] with 0 for anything that is not a number.
pub fn lenient_count_or_zero<'de, D: serde::Deserializer<'de>>(
    deserializer: D,
) -> Result<u64, D::Error> {
    lenient_count(deserializer).map(Option::unwrap_or_default)
}

/// The codes a GraphQL error body gives (`errors[].extensions.code`, and Linear's
/// `extensions.type`), as sent.
pub fn graphql_error_codes(response: &Response) -> Vec<String> {
    let Ok(value) = serde_json::from_slice::<serde_json::Value>(&response.body) else {
        return Vec::new();
    };
    let mut codes = Vec::new();
    for error in value
        .get("errors")
        .and_then(|e| e.as_array())
        .into_iter()
        .flatten()
    {
        let extensions = error.get("extensions");
        for field in ["code", "type"] {
            if let Some(code) = extensions
                .and_then(|x| x.get(field))
                .and_then(|c| c.as_str())
            {
                codes.push(code.to_owned());
            }
        }
    }
    codes
}

/// The `message` of a JSON error body (GitHub, GitLab's `error`, Jira `errorMessages`, GraphQL
/// `errors`), or the start of the body.
pub fn message_of(response: &Response) -> String {
    if let Ok(value) = serde_json::from_slice::<serde_json::Value>(&response.body) {
        if let Some(message) = value.get("message").and_then(|m| m.as_str()) {
            return message.to_owned();
        }
        // GitLab's refusals from its API helpers (`{"error":"Keyset pagination is not yet
        // available for this type of request"}`).
        if let Some(message) = value.get("error").and_then(|m| m.as_str()) {
            return message.to_owned();
        }
        if let Some(errors) = value.get("errors").and_then(|m| m.as_array()) {
            let joined: Vec<&str> = errors
                .iter()
                .filter_map(|e| e.get("message").and_then(|m| m.as_str()))
                .collect();
            if !joined.is_empty() {
                return joined.join("; ");
            }
        }
        if let Some(messages) = value.get("errorMessages").and_then(|m| m.as_array()) {
            let joined: Vec<&str> = messages.iter().filter_map(|m| m.as_str()).collect();
            if !joined.is_empty() {
                return joined.join("; ");
            }
        }
    }
    let text = String::from_utf8_lossy(&response.body);
    let text = text.trim();
    if text.starts_with('<') {
        return "an HTML page".into();
    }
    text.chars().take(200).collect()
}

/// Turns a non-rate-limit 4xx into the error the person can act on.
fn classify_refusal(url: &Url, response: &Response) -> SyncError {
    let shown = safe_url(url);
    let message = message_of(response);
    let codes = graphql_error_codes(response);
    let refused_token = codes.iter().any(|c| {
        c.eq_ignore_ascii_case("AUTHENTICATION_ERROR") || c.eq_ignore_ascii_case("authentication")
    });
    match response.status {
        401 => SyncError::BadToken(format!("{shown}: {message}")),
        400 if refused_token => SyncError::BadToken(format!("{shown}: {message}")),
        403 => {
            let lower = message.to_lowercase();
            if lower.contains("not accessible")
                || lower.contains("scope")
                || lower.contains("permission")
                || response
                    .header("x-accepted-oauth-scopes")
                    .is_some_and(|s| !s.is_empty())
            {
                SyncError::MissingScope {
                    needed: response
                        .header("x-accepted-oauth-scopes")
                        .map(str::trim)
                        .filter(|s| !s.is_empty())
                        .map(str::to_owned),
                    detail: format!("{shown}: {message}"),
                }
            } else {
                SyncError::NoAccess(format!("{shown}: {message}"))
            }
        }
        404 => SyncError::NoAccess(format!("{shown} was not found, or the token cannot see it")),
        // Gone for good, with the source's reason (a repository whose issues are turned off,
        // an API that was removed): a refusal that keeps the message, not a wrong address.
        410 => SyncError::Refused {
            status: 410,
            detail: format!("{shown} is gone: {message}"),
        },
        status => SyncError::Refused {
            status,
            detail: format!("{shown}: {message}"),
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn response(headers: &[(&str, &str)], body: &str) -> Response {
        let mut map = HeaderMap::new();
        for (name, value) in headers {
            map.insert(
                reqwest::header::HeaderName::from_bytes(name.as_bytes())
                    .unwrap_or(reqwest::header::ACCEPT),
                HeaderValue::from_str(value).unwrap_or(HeaderValue::from_static("")),
            );
        }
        Response {
            url: Url::parse("https://api.github.com/x").unwrap_or_else(|_| unreachable!()),
            status: 200,
            headers: map,
            body: bytes::Bytes::from(body.to_owned()),
        }
    }

    #[test]
    fn next_links_are_followed_exactly_as_given() {
        let r = response(
            &[("link", "<https://api.github.com/repositories/1300192/issues?page=2>; rel=\"next\", <https://api.github.com/repositories/1300192/issues?page=5>; rel=\"last\"")],
            "[]",
        );
        assert_eq!(
            next_link(&r).map(|u| u.to_string()).as_deref(),
            Some("https://api.github.com/repositories/1300192/issues?page=2"),
            "the server's next URL is used verbatim, even when it changes the path"
        );
        assert_eq!(next_link(&response(&[], "[]")), None);
    }

    #[test]
    fn html_and_empty_bodies_are_malformed() {
        assert!(parse_json::<serde_json::Value>(&response(&[], "<html>503</html>")).is_err());
        assert!(parse_json::<serde_json::Value>(&response(&[], "")).is_err());
        assert!(parse_json::<serde_json::Value>(&response(&[], "[{\"a\":")).is_err());
    }

    #[test]
    fn reset_headers_in_every_form() {
        assert_eq!(reset_at("1507651200"), Some(1_507_651_200_000));
        assert_eq!(reset_at("1507651200000"), Some(1_507_651_200_000));
        assert_eq!(reset_at("2026-03-02T10:15Z"), Some(1_772_446_500_000));
    }

    /// Values a hostile or broken server may send where a number is expected.
    const HOSTILE: &[&str] = &[
        "18446744073709551615",
        "18446744073709551616",
        "9999999999999999999999",
        "9223372036854775807",
        "-9223372036854775808",
        "-9223372036854775809",
        "-5",
        "-0",
        "NaN",
        "inf",
        "1e30",
        "1.5",
        "0x10",
        "",
        " ",
        "٣",
    ];

    #[test]
    fn retry_after_survives_hostile_values() {
        let now = 1_772_409_600_000;
        for value in HOSTILE {
            // Anything it returns is a Duration: reading it cannot overflow.
            let _ = retry_after(value, now);
            let _ = retry_after(value, i64::MIN);
            let _ = retry_after(value, i64::MAX);
        }
        assert_eq!(retry_after("120", now), Some(Duration::from_secs(120)));
        assert_eq!(
            retry_after("18446744073709551616", now),
            Some(Duration::from_secs(u64::MAX)),
            "more digits than 64 bits hold: longer than anything, so the cap stops the run"
        );
        assert_eq!(
            retry_after("-5", now),
            None,
            "a negative wait is no instruction"
        );
        assert_eq!(retry_after("NaN", now), None);
        assert_eq!(retry_after("1e30", now), None);
        assert_eq!(
            retry_after("Thu, 01 Jan 1970 00:00:00 GMT", now),
            Some(Duration::ZERO),
            "a date in the past means now"
        );
        assert_eq!(
            retry_after("Mon, 02 Mar 2026 00:01:00 GMT", now),
            Some(Duration::from_secs(60))
        );
        let far = retry_after("Fri, 31 Dec 9999 23:59:59 GMT", i64::MIN);
        assert!(far.is_some_and(|d| d > HttpOptions::MAX_SERVER_WAIT));
        assert_eq!(
            retry_after("Fri, 31 Dec 9999 23:59:59 GMT", i64::MAX),
            Some(Duration::ZERO)
        );
    }

    #[test]
    fn reset_times_survive_hostile_values() {
        for value in HOSTILE {
            if let Some(at) = reset_at(value) {
                for now in [0, 1_772_409_600_000, i64::MIN, i64::MAX] {
                    let _ = wait_until(at, now);
                }
            }
        }
        assert_eq!(
            reset_at("9999999999999999999999"),
            Some(i64::MAX),
            "a reset beyond 64 bits is the end of time (the cap stops the run)"
        );
        assert_eq!(reset_at("-5"), Some(-5_000), "a reset in the past");
        assert_eq!(reset_at("-9223372036854775809"), Some(i64::MIN));
        assert_eq!(reset_at("NaN"), None);
        assert_eq!(reset_at("1e30"), None);
        assert_eq!(reset_at(""), None);
        assert_eq!(reset_at("+275760-09-13T00:00Z"), None);
        assert_eq!(wait_until(i64::MIN, i64::MAX), Duration::from_secs(1));
        assert_eq!(
            wait_until(i64::MAX, i64::MIN),
            Duration::from_millis(i64::MAX as u64 + 1_000)
        );
        assert_eq!(
            wait_until(1_000_000, 999_000),
            Duration::from_secs(2),
            "until the reset, plus a second"
        );
    }

    #[test]
    fn counts_from_servers_are_clamped_not_trusted() {
        #[derive(serde::Deserialize)]
        struct Page {
            #[serde(default, deserialize_with = "lenient_count")]
            total: Option<u64>,
            #[serde(default, deserialize_with = "lenient_count_or_zero")]
            start: u64,
        }
        for (json, total, start) in [
            (
                r#"{"total": 18446744073709551615, "start": 3}"#,
                Some(u64::MAX),
                3,
            ),
            (
                r#"{"total": 18446744073709551616, "start": 1e300}"#,
                Some(u64::MAX),
                u64::MAX,
            ),
            (
                r#"{"total": -5, "start": -9223372036854775808}"#,
                Some(0),
                0,
            ),
            (r#"{"total": 2.9, "start": -0.5}"#, Some(2), 0),
            (r#"{"total": "NaN", "start": "12"}"#, None, 0),
            (r#"{"total": null, "start": {}}"#, None, 0),
            (r#"{}"#, None, 0),
        ] {
            let page: Page =
                serde_json::from_str(json).unwrap_or_else(|err| panic!("{json}: {err}"));
            assert_eq!((page.total, page.start), (total, start), "{json}");
        }
    }

    #[test]
    fn waits_are_described_without_overflow() {
        assert_eq!(describe_wait(Duration::from_secs(45)), "45 s");
        assert_eq!(describe_wait(HttpOptions::MAX_SERVER_WAIT), "15 min");
        assert_eq!(describe_wait(Duration::from_secs(86_400)), "24 h");
        assert_eq!(describe_wait(Duration::from_secs(3 * 86_400)), "3 days");
        assert_eq!(describe_wait(Duration::MAX), "213503982334601 days");
        assert_eq!(millis(Duration::MAX), u64::MAX);
    }

    #[test]
    fn base_urls_must_be_https_or_this_computer() {
        for ok in [
            "https://api.github.com",
            "https://ghe.example.com:8443/api/v3",
            "http://127.0.0.1:9",
            "http://127.255.0.1",
            "http://localhost",
            "http://LocalHost:80/jira",
            "http://[::1]:3000",
            "http://[::ffff:127.0.0.1]:3000",
        ] {
            assert!(check_base_url(ok).is_ok(), "{ok}");
        }
        for refused in [
            "http://api.github.com",
            "http://192.168.1.10",
            "http://[::2]",
            "http://localhost.evil.example",
            "http://127.0.0.1.nip.io",
            "ftp://127.0.0.1",
            "file:///tmp/x",
            "data:text/plain,x",
            "https://",
            "api.github.com",
        ] {
            let err = check_base_url(refused).expect_err(refused);
            assert_eq!(err.code(), "invalid_source", "{refused}");
        }
        let err = check_base_url("http://user:secret@ghe.example.com/api/v3?token=x")
            .expect_err("plain http");
        assert!(
            err.to_string().contains("http://ghe.example.com/api/v3")
                && !err.to_string().contains("secret")
                && !err.to_string().contains("token=x"),
            "the message names the URL without its credentials or query: {err}"
        );
    }

    fn client() -> Http {
        let clock = Arc::new(crate::ingest::clock::FakeClock::new(1_772_409_600_000));
        Http::new(
            Auth::None,
            HttpOptions::default(),
            RateLimitStyle::Github,
            clock,
            CancellationToken::new(),
        )
        .unwrap_or_else(|_| unreachable!())
    }

    #[test]
    fn next_pages_stay_on_the_sources_origin() {
        let http = client();
        let root = Url::parse("https://ghe.example.com/api/v3/").unwrap_or_else(|_| unreachable!());
        assert!(http.bind_origin(&root).is_ok());
        let page = |link: &str| {
            let mut r = response(&[("link", link)], "[]");
            r.url = Url::parse("https://ghe.example.com/api/v3/repos/a/b/issues")
                .unwrap_or_else(|_| unreachable!());
            r
        };
        let own = http
            .next_page(&page(
                "<https://ghe.example.com:443/api/v3/repositories/1/issues?page=2>; rel=\"next\"",
            ))
            .ok()
            .flatten();
        assert_eq!(
            own.map(|u| u.to_string()).as_deref(),
            Some("https://ghe.example.com/api/v3/repositories/1/issues?page=2"),
            "the default port is the same origin"
        );
        let relative = http.next_page(&page(
            "</api/v3/repositories/1/issues?page=3>; rel=\"next\"",
        ));
        assert!(
            matches!(relative, Ok(Some(ref u)) if u.as_str() == "https://ghe.example.com/api/v3/repositories/1/issues?page=3"),
            "a relative link is read against the page's URL: {relative:?}"
        );
        for foreign in [
            "http://ghe.example.com/api/v3/x",
            "https://ghe.example.com:8443/api/v3/x",
            "https://evil.example/api/v3/x",
            "https://ghe.example.com.evil.example/x",
        ] {
            let refused = http.next_page(&page(&format!("<{foreign}>; rel=\"next\"")));
            match refused {
                Err(err @ SyncError::ForeignOrigin(_)) => {
                    let origin = Url::parse(foreign)
                        .map(|u| u.origin().ascii_serialization())
                        .unwrap_or_default();
                    assert!(err.to_string().contains(&origin), "{err}");
                    assert_eq!(err.code(), "foreign_origin");
                }
                other => panic!("{foreign} must be refused: {other:?}"),
            }
        }
        assert!(
            http.bind_origin(
                &Url::parse("https://other.example/").unwrap_or_else(|_| unreachable!())
            )
            .is_err(),
            "a client serves one origin"
        );
    }

    #[test]
    fn a_wait_past_the_cap_says_when_the_limit_resets() {
        let http = client();
        let url = Url::parse("https://api.github.com/repos/a/b/issues?x=1")
            .unwrap_or_else(|_| unreachable!());
        let text = http
            .too_long(&url, 429, Duration::from_secs(86_400))
            .to_string();
        assert_eq!(
            text,
            "rate limited: https://api.github.com/repos/a/b/issues (HTTP 429) asks to wait 24 h (the limit resets at 2026-03-03T00:00:00Z); Baton waits at most 15 min, so this sync stops here and the next one resumes from the last saved page"
        );
        let text = http.too_long(&url, 503, Duration::MAX).to_string();
        assert!(
            text.contains("the limit resets at a time too far ahead to show"),
            "{text}"
        );
    }

    #[test]
    fn urls_in_messages_lose_their_query() {
        let url = Url::parse("http://127.0.0.1:9/repos/a/b/issues?since=x&access_token=nope")
            .unwrap_or_else(|_| unreachable!());
        assert_eq!(safe_url(&url), "http://127.0.0.1:9/repos/a/b/issues");
    }
}
