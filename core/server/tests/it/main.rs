//! End-to-end tests of the `virtumancer` binary: real process, real SQLite file, real HTTP and
//! WebSocket, libvirt's test driver, and (module `testbed`) the project's real libvirtd + sshd.

mod actions;
mod cli;
mod events;
mod nics;
mod serve;
mod stats;
mod testbed;

use futures::StreamExt as _;
use serde_json::Value;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::Duration;
use tokio_tungstenite::tungstenite::Message;

/// A running server process, killed when dropped.
pub struct Server {
    pub child: Child,
    pub base: String,
    pub data: PathBuf,
    pub http: reqwest::Client,
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

pub fn bin() -> Command {
    Command::new(env!("CARGO_BIN_EXE_virtumancer"))
}

impl Server {
    /// Starts `virtumancer serve` on a free port with `data` as data dir.
    pub async fn start(data: &Path, extra: &[&str]) -> Server {
        let ready = data.join("ready");
        let _ = std::fs::remove_file(&ready);
        let child = bin()
            .args(["serve", "--listen", "127.0.0.1:0", "--log-level", "info"])
            .arg("--data-dir")
            .arg(data)
            .arg("--ready-file")
            .arg(&ready)
            .args(extra)
            .stdout(Stdio::null())
            .stderr(Stdio::from(
                std::fs::File::create(data.join("server.log")).unwrap(),
            ))
            .spawn()
            .expect("spawn virtumancer");
        let deadline = tokio::time::Instant::now() + Duration::from_secs(30);
        let addr = loop {
            if let Ok(a) = std::fs::read_to_string(&ready)
                && !a.is_empty()
            {
                break a;
            }
            assert!(
                tokio::time::Instant::now() < deadline,
                "server did not start; log:\n{}",
                log(data)
            );
            tokio::time::sleep(Duration::from_millis(50)).await; // polling a file with a deadline
        };
        let http = reqwest::Client::builder()
            .timeout(Duration::from_secs(10))
            .build()
            .unwrap();
        Server {
            child,
            base: format!("http://{addr}"),
            data: data.to_owned(),
            http,
        }
    }

    pub async fn get(&self, path: &str) -> (u16, Value) {
        let r = self
            .http
            .get(format!("{}{path}", self.base))
            .send()
            .await
            .expect("GET answered in time");
        let s = r.status().as_u16();
        (s, r.json().await.unwrap_or(Value::Null))
    }

    pub async fn send(
        &self,
        method: reqwest::Method,
        path: &str,
        body: Option<Value>,
    ) -> (u16, Value) {
        let mut req = self.http.request(method, format!("{}{path}", self.base));
        if let Some(b) = body {
            req = req.json(&b);
        }
        let r = req.send().await.expect("request answered in time");
        let s = r.status().as_u16();
        (s, r.json().await.unwrap_or(Value::Null))
    }

    pub async fn post(&self, path: &str, body: Value) -> (u16, Value) {
        self.send(reqwest::Method::POST, path, Some(body)).await
    }

    /// Opens the event stream.
    pub async fn events(&self, topics: &str) -> Events {
        let url = format!(
            "{}/api/v1/events?topics={topics}",
            self.base.replace("http://", "ws://")
        );
        let (ws, _) = tokio_tungstenite::connect_async(url)
            .await
            .expect("websocket");
        Events { ws }
    }

    /// Waits (on the event stream) until host `id` has `state`.
    pub async fn wait_host_state(
        &self,
        events: &mut Events,
        id: &str,
        state: &str,
        within: Duration,
    ) {
        let (_, h) = self.get(&format!("/api/v1/hosts/{id}")).await;
        if h["state"] == state {
            return;
        }
        events
            .wait(within, |e| {
                e["type"] == "hostState" && e["hostId"] == id && e["state"] == state
            })
            .await;
    }
}

pub fn log(data: &Path) -> String {
    std::fs::read_to_string(data.join("server.log")).unwrap_or_default()
}

pub struct Events {
    pub ws: tokio_tungstenite::WebSocketStream<
        tokio_tungstenite::MaybeTlsStream<tokio::net::TcpStream>,
    >,
}

impl Events {
    /// Sends a ping and returns every event that arrives before its pong. The server handles
    /// queued events before client frames, so the pong marks "everything published so far".
    pub async fn sync(&mut self) -> Vec<Value> {
        use futures::SinkExt as _;
        let token: Vec<u8> = uuid::Uuid::new_v4().as_bytes().to_vec();
        self.ws
            .send(Message::Ping(token.clone().into()))
            .await
            .expect("ping");
        let mut seen = Vec::new();
        loop {
            let msg = tokio::time::timeout(Duration::from_secs(10), self.ws.next())
                .await
                .expect("no pong within 10 s")
                .expect("event stream ended")
                .expect("websocket error");
            match msg {
                Message::Pong(p) if p.as_ref() == token.as_slice() => return seen,
                Message::Text(t) => seen.push(serde_json::from_str(&t).unwrap()),
                _ => {}
            }
        }
    }

    /// Returns the first event matching `pred` within `within`.
    pub async fn wait(&mut self, within: Duration, pred: impl Fn(&Value) -> bool) -> Value {
        let deadline = tokio::time::Instant::now() + within;
        loop {
            let msg = tokio::time::timeout_at(deadline, self.ws.next())
                .await
                .unwrap_or_else(|_| panic!("no matching event within {within:?}"))
                .expect("event stream ended")
                .expect("websocket error");
            if let Message::Text(t) = msg {
                let v: Value = serde_json::from_str(&t).unwrap();
                if pred(&v) {
                    return v;
                }
            }
        }
    }
}
