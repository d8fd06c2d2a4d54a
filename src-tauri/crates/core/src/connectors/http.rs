//! The HTTP client every connector uses: authentication, timeouts, retries with capped jittered
//! backoff, rate-limit waits, conditional requests (ETag) and response checks.
//!
//! Rules, in the order they are applied to a response:
//! - 2xx: returned once the body is complete and readable (an HTML or truncated body is retried,
//!   then reported as malformed);
//! - 304: "not modified", returned as such (the caller writes nothing);
//! - 401: the token is refused; 404/410: not found; other 4xx (but 403/429): refused;
//! - 403/429 that is a rate limit: wait `retry-after` seconds when given, else until
//!   `x-ratelimit-reset` (epoch seconds on GitHub, an ISO time on Jira) when the remaining budget
//!   is 0 or the header is an ISO time, else at least the policy's minimum wait, doubling per try;
//! - 5xx, timeouts, broken connections: retried with exponential backoff (capped, full jitter),
//!   honouring `retry-after` when a 503 carries one; then given up with a clear error.
//!
//! All waiting goes through the injected [`Clock`], so tests never sleep.

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, Once};
use std::time::Duration;

use reqwest::header::{HeaderMap, HeaderValue};
use reqwest::Url;
use tokio_util::sync::CancellationToken;

use crate::secrets::Secret;
use crate::sync::clock::Clock;
use crate::sync::error::SyncError;

/// How a request authenticates.
#[derive(Debug, Clone)]
pub enum Auth {
    /// `Authorization: Bearer <token>` (GitHub).
    Bearer(Secret),
    /// HTTP Basic with an e-mail and an API token (Jira Cloud).
    Basic { user: String, token: Secret },
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
    /// A single rate-limit wait longer than this gives up instead (the next scheduled sync
    /// starts again from the saved cursor).
    pub max_rate_limit_wait: Duration,
    pub user_agent: String,
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
            max_rate_limit_wait: Duration::from_secs(65 * 60),
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
}

impl RateLimitStyle {
    fn minimum_wait(self) -> Duration {
        match self {
            RateLimitStyle::Github => Duration::from_secs(60),
            RateLimitStyle::Jira => Duration::from_secs(5),
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
        })
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
        let mut retries = 0u32;
        let mut rate_waits = 0u32;
        loop {
            if self.cancel.is_cancelled() {
                return Err(SyncError::Canceled);
            }
            let outcome = self.attempt(url, etag).await;
            let (retry_after, failure) = match outcome {
                Ok(response) => {
                    let status = response.status;
                    if status == 304 {
                        self.stats.not_modified.fetch_add(1, Ordering::Relaxed);
                        return Ok(Fetched::NotModified);
                    }
                    if (200..300).contains(&status) {
                        match parse(&response) {
                            Ok(value) => return Ok(Fetched::Fresh(value, Box::new(response))),
                            Err(detail) => (
                                None,
                                SyncError::Malformed(format!("{}: {detail}", safe_url(url))),
                            ),
                        }
                    } else if let Some(wait) = self.rate_limit_wait(&response, rate_waits) {
                        rate_waits += 1;
                        if rate_waits > self.options.max_rate_limit_waits
                            || wait > self.options.max_rate_limit_wait
                        {
                            return Err(SyncError::RateLimited(format!(
                                "{} still refused after {} waits (next wait would be {} s); the next sync resumes from here",
                                safe_url(url),
                                rate_waits - 1,
                                wait.as_secs()
                            )));
                        }
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
                Err(err) => (None, err),
            };
            if retries >= self.options.max_retries {
                return Err(failure);
            }
            retries += 1;
            self.stats.retries.fetch_add(1, Ordering::Relaxed);
            let wait = retry_after.unwrap_or_else(|| self.backoff(retries));
            tracing::debug!(url = %safe_url(url), retries, wait_ms = wait.as_millis() as u64, error = %failure, "retrying");
            self.wait(wait, false, failure.to_string()).await?;
        }
    }

    /// One request; transport failures come back as retryable errors.
    async fn attempt(&self, url: &Url, etag: Option<&str>) -> Result<Response, SyncError> {
        let mut request = self.client.get(url.clone());
        request = match &self.auth {
            Auth::Bearer(token) => request.bearer_auth(token.expose()),
            Auth::Basic { user, token } => request.basic_auth(user, Some(token.expose())),
            Auth::None => request,
        };
        if let Some(etag) = etag.and_then(|e| HeaderValue::from_str(e).ok()) {
            request = request.header(reqwest::header::IF_NONE_MATCH, etag);
        }
        request = match self.style {
            RateLimitStyle::Github => request
                .header("accept", "application/vnd.github+json")
                .header("x-github-api-version", "2022-11-28"),
            RateLimitStyle::Jira => request.header("accept", "application/json"),
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
            body = response.bytes() => body,
            _ = self.cancel.cancelled() => return Err(SyncError::Canceled),
        };
        let body = body.map_err(|err| {
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
        Ok(Response {
            url: final_url,
            status,
            headers,
            body,
        })
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
                        Some(at) => Duration::from_millis((at - now).max(0) as u64 + 1_000),
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
                    return Some(Duration::from_millis((at - now).max(0) as u64 + 1_000));
                }
                Some(self.backoff_from(self.style.minimum_wait(), waits_so_far + 1))
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
        let ms = ceiling.as_millis() as u64;
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
                .fetch_add(duration.as_millis() as u64, Ordering::Relaxed);
            tracing::info!(wait_s = duration.as_secs(), %reason, "waiting for a rate limit");
        }
        if let Some(observer) = &self.observer {
            observer(WaitNotice {
                rate_limit,
                duration,
                until_ms: self.clock.now_ms() + duration.as_millis() as i64,
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

/// The `Link: <url>; rel="next"` target, if any.
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
        Url::parse(target).ok()
    })
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

/// `Retry-After` as seconds or an HTTP date.
fn retry_after_header(response: &Response, now_ms: i64) -> Option<Duration> {
    let value = response.header("retry-after")?.trim();
    if let Ok(seconds) = value.parse::<u64>() {
        return Some(Duration::from_secs(seconds));
    }
    chrono::DateTime::parse_from_rfc2822(value)
        .ok()
        .map(|at| Duration::from_millis((at.timestamp_millis() - now_ms).max(0) as u64))
}

/// `x-ratelimit-reset` as ms since the epoch: epoch seconds (GitHub), epoch milliseconds, or an
/// ISO time (Jira, `yyyy-MM-ddTHH:mmZ`).
fn reset_at(value: &str) -> Option<i64> {
    let value = value.trim();
    if let Ok(number) = value.parse::<i64>() {
        return Some(if number > 100_000_000_000 {
            number
        } else {
            number * 1_000
        });
    }
    crate::connectors::parse_time(value).or_else(|| {
        chrono::NaiveDateTime::parse_from_str(value.trim_end_matches('Z'), "%Y-%m-%dT%H:%M")
            .ok()
            .map(|t| t.and_utc().timestamp_millis())
    })
}

/// The `message` of a JSON error body (GitHub, Jira `errorMessages`), or the start of the body.
pub fn message_of(response: &Response) -> String {
    if let Ok(value) = serde_json::from_slice::<serde_json::Value>(&response.body) {
        if let Some(message) = value.get("message").and_then(|m| m.as_str()) {
            return message.to_owned();
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
    match response.status {
        401 => SyncError::BadToken(format!("{shown}: {message}")),
        403 => {
            let lower = message.to_lowercase();
            if lower.contains("not accessible")
                || lower.contains("scope")
                || lower.contains("permission")
                || response
                    .header("x-accepted-oauth-scopes")
                    .is_some_and(|s| !s.is_empty())
            {
                SyncError::MissingScope(format!("{shown}: {message}"))
            } else {
                SyncError::NoAccess(format!("{shown}: {message}"))
            }
        }
        404 => SyncError::NoAccess(format!("{shown} was not found, or the token cannot see it")),
        410 => SyncError::WrongUrl(format!("{shown} is gone: {message}")),
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

    #[test]
    fn urls_in_messages_lose_their_query() {
        let url = Url::parse("http://127.0.0.1:9/repos/a/b/issues?since=x&access_token=nope")
            .unwrap_or_else(|_| unreachable!());
        assert_eq!(safe_url(&url), "http://127.0.0.1:9/repos/a/b/issues");
    }
}
