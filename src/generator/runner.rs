//! A client for a Piston-compatible code execution engine: runs a generated challenge's
//! program so its marked answer is checked by what the code really prints.

use std::time::Duration;

use anyhow::{Context, anyhow};
use reqwest::Url;
use serde::Deserialize;
use serde_json::json;

use crate::{config::CodeRunnerConfig, domain::Language, upstream::read_capped};

/// The run timeout the engine is asked for: Piston's own default limit, which it refuses to
/// exceed.
const RUN_TIMEOUT_MS: u64 = 3_000;

pub struct CodeRunner {
    http: reqwest::Client,
    endpoint: Url,
    timeout: Duration,
}

/// What running a program showed.
#[derive(Debug)]
pub enum RunOutcome {
    /// It ran and exited 0, printing this on standard output.
    Printed(String),
    /// It did not compile, exited non-zero or was killed: it printed no answer.
    Failed,
    /// The engine could not answer (refused, an error status, a timeout, a body over the cap).
    Unavailable(anyhow::Error),
}

#[derive(Deserialize)]
struct Execution {
    run: Stage,
    compile: Option<Stage>,
}

#[derive(Deserialize)]
struct Stage {
    #[serde(default)]
    stdout: String,
    code: Option<i64>,
    signal: Option<String>,
}

impl Stage {
    fn succeeded(&self) -> bool {
        self.code == Some(0) && self.signal.is_none()
    }
}

impl CodeRunner {
    pub fn new(config: &CodeRunnerConfig) -> anyhow::Result<Self> {
        let endpoint = Url::parse(&format!(
            "{}/api/v2/execute",
            config.url.as_str().trim_end_matches('/')
        ))?;
        Ok(Self {
            http: reqwest::Client::builder().build()?,
            endpoint,
            timeout: config.timeout,
        })
    }

    pub async fn run(&self, language: Language, program: &str) -> RunOutcome {
        match tokio::time::timeout(self.timeout, self.execute(language, program)).await {
            Ok(Ok(execution)) => {
                let compiled = execution.compile.as_ref().is_none_or(Stage::succeeded);
                if compiled && execution.run.succeeded() {
                    RunOutcome::Printed(execution.run.stdout)
                } else {
                    RunOutcome::Failed
                }
            }
            Ok(Err(error)) => RunOutcome::Unavailable(error),
            Err(_) => RunOutcome::Unavailable(anyhow!(
                "the code runner did not answer within {} s",
                self.timeout.as_secs()
            )),
        }
    }

    async fn execute(&self, language: Language, program: &str) -> anyhow::Result<Execution> {
        let response = self
            .http
            .post(self.endpoint.clone())
            .json(&json!({
                "language": piston_language(language),
                "version": "*",
                "files": [{"content": program}],
                "run_timeout": RUN_TIMEOUT_MS,
            }))
            .send()
            .await
            .map_err(|e| anyhow!(e.without_url()).context("could not reach the code runner"))?;
        let status = response.status();
        let body = read_capped(response).await?;
        if !status.is_success() {
            return Err(anyhow!("the code runner answered {status}"));
        }
        serde_json::from_slice(&body).context("unreadable code runner reply")
    }
}

/// The engine's name for a language.
fn piston_language(language: Language) -> &'static str {
    match language {
        Language::Cpp => "c++",
        Language::Sql => "sqlite3",
        other => other.as_str(),
    }
}
