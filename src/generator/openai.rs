//! A client for any OpenAI-compatible chat-completions server (OpenAI, Ollama, vLLM, LM Studio…).

use std::time::Duration;

use anyhow::{Context, anyhow};
use reqwest::{StatusCode, Url};
use serde::Deserialize;
use serde_json::json;

use super::{ChallengeGenerator, GenerationRequest, History, Seen};
use crate::{
    config::Secret,
    domain::{Error, GeneratedChallenge},
    upstream::{BodyError, read_capped},
};

pub struct OpenAiGenerator {
    http: reqwest::Client,
    endpoint: Url,
    api_key: Option<Secret>,
    model: String,
    timeout: Duration,
}

/// Why one attempt failed, and whether a second attempt may help.
enum AttemptError {
    TimedOut,
    Retryable(anyhow::Error),
    Fatal(anyhow::Error),
}

impl OpenAiGenerator {
    pub fn new(
        base_url: &Url,
        api_key: Option<Secret>,
        model: String,
        timeout: Duration,
    ) -> anyhow::Result<Self> {
        let endpoint = Url::parse(&format!(
            "{}/chat/completions",
            base_url.as_str().trim_end_matches('/')
        ))?;
        Ok(Self {
            http: reqwest::Client::builder().build()?,
            endpoint,
            api_key,
            model,
            timeout,
        })
    }

    async fn attempt(
        &self,
        request: &GenerationRequest,
    ) -> Result<GeneratedChallenge, AttemptError> {
        match tokio::time::timeout(self.timeout, self.call(request)).await {
            Ok(result) => result,
            Err(_) => Err(AttemptError::TimedOut),
        }
    }

    async fn call(&self, request: &GenerationRequest) -> Result<GeneratedChallenge, AttemptError> {
        let body = json!({
            "model": self.model,
            "messages": [
                {"role": "system", "content": SYSTEM_PROMPT},
                {"role": "user", "content": user_prompt(request)},
            ],
            "response_format": {"type": "json_object"},
            "temperature": 0.8,
        });
        let mut call = self.http.post(self.endpoint.clone()).json(&body);
        if let Some(key) = &self.api_key {
            call = call.bearer_auth(key.expose());
        }
        let response = call.send().await.map_err(|e| {
            AttemptError::Fatal(anyhow!(e.without_url()).context("could not reach the LLM server"))
        })?;
        let status = response.status();
        if status == StatusCode::TOO_MANY_REQUESTS || status.is_server_error() {
            return Err(AttemptError::Retryable(anyhow!(
                "the LLM server answered {status}"
            )));
        }
        if !status.is_success() {
            return Err(AttemptError::Fatal(anyhow!(
                "the LLM server answered {status}"
            )));
        }
        let body = read_capped(response).await.map_err(|error| match error {
            // A server that sent too much once will do it again.
            BodyError::TooLarge => AttemptError::Fatal(error.into()),
            BodyError::Unreadable(_) => AttemptError::Retryable(error.into()),
        })?;
        let completion: Completion = serde_json::from_slice(&body)
            .map_err(|e| AttemptError::Retryable(anyhow!(e).context("unreadable completion")))?;
        parse_challenge(&completion).map_err(AttemptError::Retryable)
    }
}

#[async_trait::async_trait]
impl ChallengeGenerator for OpenAiGenerator {
    fn name(&self) -> &'static str {
        "openai"
    }

    fn history(&self) -> History {
        History::RecentTitles
    }

    fn waits_on_upstream(&self) -> bool {
        true
    }

    async fn generate(&self, request: &GenerationRequest) -> Result<GeneratedChallenge, Error> {
        let mut attempts_left = 2;
        loop {
            attempts_left -= 1;
            match self.attempt(request).await {
                Ok(challenge) => return Ok(challenge),
                // The user is waiting: a slow model gets no second chance.
                Err(AttemptError::TimedOut) => return Err(Error::GeneratorTimedOut),
                Err(AttemptError::Retryable(error)) if attempts_left > 0 => {
                    tracing::warn!(
                        error = format!("{error:#}"),
                        "LLM attempt failed; retrying once"
                    );
                }
                Err(AttemptError::Retryable(error) | AttemptError::Fatal(error)) => {
                    return Err(Error::GeneratorFailed(error));
                }
            }
        }
    }
}

#[derive(Deserialize)]
struct Completion {
    choices: Vec<Choice>,
}

#[derive(Deserialize)]
struct Choice {
    message: Message,
}

#[derive(Deserialize)]
struct Message {
    content: Option<String>,
}

#[derive(Deserialize)]
struct LlmChallenge {
    title: String,
    options: Vec<String>,
    correct_answer_id: i64,
    explanation: String,
}

fn parse_challenge(completion: &Completion) -> anyhow::Result<GeneratedChallenge> {
    let content = completion
        .choices
        .first()
        .and_then(|choice| choice.message.content.as_deref())
        .context("the completion has no message content")?;
    // Some local models wrap JSON in a Markdown fence even in JSON mode.
    let content = content.trim();
    let content = content
        .strip_prefix("```json")
        .or_else(|| content.strip_prefix("```"))
        .and_then(|rest| rest.strip_suffix("```"))
        .unwrap_or(content);
    let parsed: LlmChallenge =
        serde_json::from_str(content).context("the completion is not the requested JSON")?;
    GeneratedChallenge::new(
        parsed.title,
        parsed.options,
        parsed.correct_answer_id,
        parsed.explanation,
        None,
    )
    .map_err(|reason| anyhow!("the generated challenge is invalid: {reason}"))
}

const SYSTEM_PROMPT: &str = "You write multiple-choice coding challenges for a practice app. \
Answer with one JSON object and nothing else, of the form \
{\"title\": string, \"options\": [string, string, string, string], \"correct_answer_id\": integer, \"explanation\": string}. \
`title` is the question (it may include a short code snippet), `options` are exactly four distinct answers, \
exactly one of them correct, `correct_answer_id` is the 0-based index of the correct option, and `explanation` \
says in two to four sentences why it is correct and why the most tempting wrong option is wrong. \
The question must be technically accurate and answerable without running code.";

fn user_prompt(request: &GenerationRequest) -> String {
    let mut prompt = format!("Difficulty: {}.", request.difficulty.as_str());
    match &request.topic {
        Some(topic) => prompt.push_str(&format!(" Topic: {topic}.")),
        None => prompt.push_str(" Topic: any programming language or computer-science topic."),
    }
    if let Seen::RecentTitles(titles) = &request.seen
        && !titles.is_empty()
    {
        prompt.push_str(
            "\nThe learner has recently seen these questions; ask something different:\n- ",
        );
        prompt.push_str(&titles.join("\n- "));
    }
    prompt
}
