//! The `challenger` binary as a child process in a temporary folder, with its log captured and
//! its peak memory and CPU time readable from `/proc`.

use std::{
    io::{BufRead, BufReader},
    process::{Child, Command, Stdio},
    sync::{Arc, Mutex, mpsc},
    time::Duration,
};

use serde_json::{Value, json};

use crate::helpers::dev_key;

const BIN: &str = env!("CARGO_BIN_EXE_challenger");

pub struct ServerProcess {
    child: Child,
    pub address: String,
    pub client: reqwest::Client,
    log: Arc<Mutex<String>>,
    dir: Option<tempfile::TempDir>,
}

impl ServerProcess {
    /// Starts the server on a free port with the development issuer, SQLite and `env`;
    /// `prlimit` (`"1024:1024"`) sets its descriptor limits.
    pub fn start(env: &[(&str, &str)], prlimit: Option<&str>) -> Self {
        let dir = tempfile::tempdir().expect("temp dir");
        // A key made in advance: generating one at start takes seconds on a loaded machine.
        let keys = dir.path().join(".challenger");
        std::fs::create_dir(&keys).expect("key folder");
        std::fs::write(keys.join("dev-key.pem"), &dev_key().private_pem).expect("dev key");
        Self::start_in(dir, env, prlimit)
    }

    /// Starts the server in `dir`, with the database and key a previous one left there.
    pub fn start_in(dir: tempfile::TempDir, env: &[(&str, &str)], prlimit: Option<&str>) -> Self {
        let mut command = match prlimit {
            Some(limits) => {
                let mut command = Command::new("prlimit");
                command.arg(format!("--nofile={limits}")).arg("--").arg(BIN);
                command
            }
            None => Command::new(BIN),
        };
        command
            .current_dir(dir.path())
            .env_clear()
            .envs([
                ("HOST", "127.0.0.1"),
                ("PORT", "0"),
                ("LOG_FORMAT", "json"),
                ("RUST_LOG", "info"),
                ("CHALLENGE_GENERATOR", "builtin"),
            ])
            .envs(env.iter().copied())
            .stdout(Stdio::null())
            .stderr(Stdio::piped());
        let mut child = command.spawn().expect("start challenger");
        let stderr = child.stderr.take().expect("stderr");
        let log = Arc::new(Mutex::new(String::new()));
        let (address_tx, address_rx) = mpsc::channel();
        let captured = log.clone();
        // Keeps draining the log, so the server never blocks on a full pipe.
        std::thread::spawn(move || {
            for line in BufReader::new(stderr).lines().map_while(Result::ok) {
                if let Ok(event) = serde_json::from_str::<Value>(&line)
                    && event["message"] == "listening"
                    && let Some(address) = event["address"].as_str()
                {
                    let _ = address_tx.send(address.to_owned());
                }
                let mut log = captured.lock().expect("log");
                log.push_str(&line);
                log.push('\n');
            }
        });
        let address = address_rx
            .recv_timeout(Duration::from_secs(20))
            .unwrap_or_else(|_| panic!("no listening line in {}", log.lock().expect("log")));
        Self {
            child,
            address: format!("http://{address}"),
            client: reqwest::Client::new(),
            log,
            dir: Some(dir),
        }
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{}", self.address, path)
    }

    pub fn socket_address(&self) -> std::net::SocketAddr {
        self.address
            .trim_start_matches("http://")
            .parse()
            .expect("socket address")
    }

    pub fn log(&self) -> String {
        self.log.lock().expect("log").clone()
    }

    /// Whether the log shows `text` within `within` (it is read from a pipe, so a line the
    /// server wrote just before answering may arrive just after the answer).
    pub async fn log_shows(&self, text: &str, within: Duration) -> bool {
        let deadline = tokio::time::Instant::now() + within;
        while !self.log().contains(text) {
            if tokio::time::Instant::now() >= deadline {
                return false;
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        true
    }

    pub fn pid(&self) -> u32 {
        self.child.id()
    }

    /// A `/proc/<pid>/status` figure in KiB (`VmHWM` is the peak resident set).
    pub fn status_kib(&self, field: &str) -> u64 {
        let status = std::fs::read_to_string(format!("/proc/{}/status", self.pid()))
            .expect("process status");
        status
            .lines()
            .find_map(|line| line.strip_prefix(field)?.strip_prefix(':'))
            .and_then(|value| value.trim().trim_end_matches(" kB").parse().ok())
            .unwrap_or_else(|| panic!("no {field} in /proc status"))
    }

    /// User plus system CPU time so far, in clock ticks.
    pub fn cpu_ticks(&self) -> u64 {
        let stat = std::fs::read_to_string(format!("/proc/{}/stat", self.pid())).expect("stat");
        // The command name may hold spaces: the fields counted here come after its `)`.
        let fields: Vec<&str> = stat
            .rsplit_once(')')
            .expect("stat")
            .1
            .split_whitespace()
            .collect();
        fields[11].parse::<u64>().expect("utime") + fields[12].parse::<u64>().expect("stime")
    }

    /// The soft and hard limits on open files the running server has.
    pub fn file_limits(&self) -> (u64, u64) {
        let limits =
            std::fs::read_to_string(format!("/proc/{}/limits", self.pid())).expect("limits");
        let line = limits
            .lines()
            .find(|line| line.starts_with("Max open files"))
            .expect("open files line");
        let numbers: Vec<u64> = line
            .split_whitespace()
            .filter_map(|word| word.parse().ok())
            .collect();
        (numbers[0], numbers[1])
    }

    pub fn is_running(&mut self) -> bool {
        self.child.try_wait().expect("wait").is_none()
    }

    /// A development token for `user_id`.
    pub async fn dev_token(&self, user_id: &str) -> String {
        let response = self
            .client
            .post(self.url("/api/dev/token"))
            .json(&json!({ "user_id": user_id }))
            .send()
            .await
            .expect("dev token");
        assert_eq!(response.status(), 200, "{}", self.log());
        let body: Value = response.json().await.expect("json");
        body["token"].as_str().expect("token").to_owned()
    }
}

impl ServerProcess {
    /// Kills the server with SIGKILL (no chance to clean up); returns its folder.
    pub fn kill_hard(mut self) -> tempfile::TempDir {
        let _ = self.child.kill();
        let _ = self.child.wait();
        self.dir.take().expect("the folder")
    }
}

impl Drop for ServerProcess {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}
