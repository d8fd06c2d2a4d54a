//! A loopback HTTP/1.1 server for tests and the benchmark: every request goes to a handler that
//! returns a [`Reply`]. Replies can be cut off mid-body (the connection closes) or never come.
//! It listens on `127.0.0.1` only and stops when dropped.

use std::net::SocketAddr;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};
use tokio_util::sync::CancellationToken;

/// A request as the handler sees it.
#[derive(Debug, Clone, PartialEq)]
pub struct Request {
    pub method: String,
    /// The path, without the query.
    pub path: String,
    /// Decoded query parameters, in order.
    pub query: Vec<(String, String)>,
    /// Headers, names lower-cased.
    pub headers: Vec<(String, String)>,
    /// The body (a POST's; empty for a GET).
    pub body: Vec<u8>,
}

impl Request {
    /// A header's value.
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }

    /// A query parameter's value.
    pub fn param(&self, name: &str) -> Option<&str> {
        self.query
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.as_str())
    }
}

/// How the body is sent.
#[derive(Debug, Clone, PartialEq)]
pub enum BodyMode {
    /// All of it.
    Whole,
    /// Only the first `n` bytes, then the connection closes (Content-Length says more).
    CutAfter(usize),
    /// Nothing is ever sent: the response hangs until the client gives up.
    Hang,
    /// The reply is sent after a real delay (only for the kill test and slow-source demos).
    Delay(Duration),
}

/// A response.
#[derive(Debug, Clone, PartialEq)]
pub struct Reply {
    pub status: u16,
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
    pub mode: BodyMode,
}

impl Reply {
    /// A JSON reply.
    pub fn json(status: u16, body: impl Into<Vec<u8>>) -> Reply {
        Reply {
            status,
            headers: vec![(
                "content-type".into(),
                "application/json; charset=utf-8".into(),
            )],
            body: body.into(),
            mode: BodyMode::Whole,
        }
    }

    /// A reply with an empty body.
    pub fn empty(status: u16) -> Reply {
        Reply {
            status,
            headers: Vec::new(),
            body: Vec::new(),
            mode: BodyMode::Whole,
        }
    }

    /// Adds a header.
    pub fn header(mut self, name: &str, value: impl Into<String>) -> Reply {
        self.headers.push((name.to_lowercase(), value.into()));
        self
    }

    /// Sends only the first `n` bytes of the body.
    pub fn cut_after(mut self, n: usize) -> Reply {
        self.mode = BodyMode::CutAfter(n);
        self
    }

    /// Never answers.
    pub fn hang() -> Reply {
        Reply {
            mode: BodyMode::Hang,
            ..Reply::empty(200)
        }
    }

    /// Answers after a real delay.
    pub fn delayed(mut self, delay: Duration) -> Reply {
        self.mode = BodyMode::Delay(delay);
        self
    }
}

/// What answers requests.
pub type Handler = Arc<dyn Fn(&Request) -> Reply + Send + Sync>;

/// A running server.
pub struct ReplayServer {
    addr: SocketAddr,
    log: Arc<Mutex<Vec<Request>>>,
    connections: Arc<AtomicUsize>,
    stop: CancellationToken,
}

impl ReplayServer {
    /// Starts a server on a free loopback port.
    pub async fn start(handler: Handler) -> std::io::Result<ReplayServer> {
        let listener = TcpListener::bind("127.0.0.1:0").await?;
        let addr = listener.local_addr()?;
        let log: Arc<Mutex<Vec<Request>>> = Arc::default();
        let connections: Arc<AtomicUsize> = Arc::default();
        let stop = CancellationToken::new();
        let (task_log, task_stop, task_connections) =
            (log.clone(), stop.clone(), connections.clone());
        tokio::spawn(async move {
            loop {
                let accepted = tokio::select! {
                    accepted = listener.accept() => accepted,
                    _ = task_stop.cancelled() => return,
                };
                let Ok((stream, _)) = accepted else { continue };
                task_connections.fetch_add(1, Ordering::SeqCst);
                let (handler, log, stop) = (handler.clone(), task_log.clone(), task_stop.clone());
                tokio::spawn(async move {
                    tokio::select! {
                        _ = serve(stream, handler, log) => {}
                        _ = stop.cancelled() => {}
                    }
                });
            }
        });
        Ok(ReplayServer {
            addr,
            log,
            connections,
            stop,
        })
    }

    /// `http://127.0.0.1:PORT` (no trailing slash).
    pub fn url(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// Every request so far.
    pub fn requests(&self) -> Vec<Request> {
        self.log.lock().map(|l| l.clone()).unwrap_or_default()
    }

    /// How many connections were accepted so far, whether or not a request could be read from
    /// them (a TLS handshake sent to this plain-HTTP server counts).
    pub fn connections(&self) -> usize {
        self.connections.load(Ordering::SeqCst)
    }

    /// Forgets the requests so far.
    pub fn clear_requests(&self) {
        if let Ok(mut log) = self.log.lock() {
            log.clear();
        }
    }
}

impl Drop for ReplayServer {
    fn drop(&mut self) {
        self.stop.cancel();
    }
}

async fn serve(mut stream: TcpStream, handler: Handler, log: Arc<Mutex<Vec<Request>>>) {
    // Small responses must not wait for Nagle's algorithm (40 ms per request on loopback).
    let _ = stream.set_nodelay(true);
    let mut buffer: Vec<u8> = Vec::with_capacity(8192);
    loop {
        // Read one request head, then its body (by Content-Length).
        let head_end = loop {
            if let Some(at) = find(&buffer, b"\r\n\r\n") {
                break at;
            }
            let mut chunk = [0u8; 8192];
            match stream.read(&mut chunk).await {
                Ok(0) | Err(_) => return,
                Ok(n) => buffer.extend_from_slice(&chunk[..n]),
            }
        };
        let head = String::from_utf8_lossy(&buffer[..head_end]).into_owned();
        let mut consumed = head_end + 4;
        let Some(mut request) = parse_head(&head) else {
            return;
        };
        let length: usize = request
            .header("content-length")
            .and_then(|v| v.trim().parse().ok())
            .unwrap_or(0);
        while buffer.len() < consumed + length {
            let mut chunk = [0u8; 8192];
            match stream.read(&mut chunk).await {
                Ok(0) | Err(_) => return,
                Ok(n) => buffer.extend_from_slice(&chunk[..n]),
            }
        }
        request.body = buffer[consumed..consumed + length].to_vec();
        consumed += length;
        buffer.drain(..consumed);
        if let Ok(mut log) = log.lock() {
            log.push(request.clone());
        }
        let reply = handler(&request);
        let mut out = format!("HTTP/1.1 {} {}\r\n", reply.status, reason(reply.status));
        for (name, value) in &reply.headers {
            out.push_str(&format!("{name}: {value}\r\n"));
        }
        // A reply may declare its own (even a false) length, to test what clients make of it.
        if !reply
            .headers
            .iter()
            .any(|(name, _)| name == "content-length")
        {
            out.push_str(&format!("content-length: {}\r\n", reply.body.len()));
        }
        out.push_str("\r\n");
        match reply.mode {
            BodyMode::Hang => {
                std::future::pending::<()>().await;
                return;
            }
            BodyMode::Delay(delay) => tokio::time::sleep(delay).await,
            _ => {}
        }
        let mut bytes = out.into_bytes();
        match reply.mode {
            BodyMode::CutAfter(n) => {
                bytes.extend_from_slice(&reply.body[..n.min(reply.body.len())]);
                let _ = stream.write_all(&bytes).await;
                let _ = stream.flush().await;
                return;
            }
            _ => {
                bytes.extend_from_slice(&reply.body);
                if stream.write_all(&bytes).await.is_err() {
                    return;
                }
            }
        }
    }
}

fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack.windows(needle.len()).position(|w| w == needle)
}

fn parse_head(head: &str) -> Option<Request> {
    let mut lines = head.split("\r\n");
    let mut first = lines.next()?.split_whitespace();
    let method = first.next()?.to_owned();
    let target = first.next()?;
    let (path, query) = target.split_once('?').unwrap_or((target, ""));
    let query = url::form_urlencoded::parse(query.as_bytes())
        .map(|(k, v)| (k.into_owned(), v.into_owned()))
        .collect();
    let headers = lines
        .filter_map(|line| line.split_once(':'))
        .map(|(n, v)| (n.trim().to_lowercase(), v.trim().to_owned()))
        .collect();
    Some(Request {
        method,
        path: path.to_owned(),
        query,
        headers,
        body: Vec::new(),
    })
}

fn reason(status: u16) -> &'static str {
    match status {
        200 => "OK",
        301 => "Moved Permanently",
        302 => "Found",
        304 => "Not Modified",
        307 => "Temporary Redirect",
        400 => "Bad Request",
        401 => "Unauthorized",
        403 => "Forbidden",
        404 => "Not Found",
        410 => "Gone",
        429 => "Too Many Requests",
        500 => "Internal Server Error",
        502 => "Bad Gateway",
        503 => "Service Unavailable",
        _ => "Status",
    }
}
