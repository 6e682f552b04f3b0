//! A chat-completions client for any OpenAI-compatible server, asking for replies of a given
//! JSON schema in the strictest form the server takes.

use std::sync::atomic::{AtomicUsize, Ordering};

use anyhow::{Context, anyhow};
use reqwest::{StatusCode, Url};
use serde::Deserialize;
use serde_json::{Value, json};

use crate::{
    config::{ResponseFormat, Secret},
    telemetry::metrics,
    upstream::{BodyError, read_capped},
};

/// The forms of `response_format`, strictest first; `auto` walks down this list.
const FORMS: [ResponseFormat; 3] = [
    ResponseFormat::JsonSchema,
    ResponseFormat::JsonObjectSchema,
    ResponseFormat::JsonObject,
];

pub struct ChatClient {
    http: reqwest::Client,
    endpoint: Url,
    api_key: Option<Secret>,
    max_tokens: u32,
    /// Whether a refused form may be replaced by the next one.
    negotiate: bool,
    /// Index in [`FORMS`] of the form to use: the configured one, or the last the server took.
    form: AtomicUsize,
}

/// Why a call failed, and whether trying again may help.
#[derive(Debug)]
pub enum CallError {
    Retryable(anyhow::Error),
    Fatal(anyhow::Error),
}

/// What a call asks for: the conversation and the shape of the reply.
pub struct Ask<'a> {
    pub model: &'a str,
    pub system: &'a str,
    pub user: &'a str,
    /// Names the schema for servers that want a name (`json_schema`).
    pub schema_name: &'a str,
    pub schema: &'a Value,
    pub temperature: f64,
}

impl ChatClient {
    pub fn new(
        base_url: &Url,
        api_key: Option<Secret>,
        max_tokens: u32,
        format: ResponseFormat,
    ) -> anyhow::Result<Self> {
        let endpoint = Url::parse(&format!(
            "{}/chat/completions",
            base_url.as_str().trim_end_matches('/')
        ))?;
        Ok(Self {
            http: reqwest::Client::builder().build()?,
            endpoint,
            api_key,
            max_tokens,
            negotiate: format == ResponseFormat::Auto,
            form: AtomicUsize::new(FORMS.iter().position(|f| *f == format).unwrap_or(0)),
        })
    }

    /// The reply's message content. A server that refuses the form of `response_format` is
    /// asked again at once with the next form (when negotiating), and that form is kept.
    pub async fn complete(&self, ask: &Ask<'_>) -> Result<String, CallError> {
        loop {
            let index = self.form.load(Ordering::Relaxed);
            let form = FORMS[index];
            match self.send(ask, form).await {
                Err(Refusal::Format(error)) if self.negotiate && index + 1 < FORMS.len() => {
                    metrics::rejection("openai", "schema_refused");
                    tracing::warn!(
                        error = format!("{error:#}"),
                        refused = form_name(form),
                        next = form_name(FORMS[index + 1]),
                        "the LLM server refused this response_format; trying the next form"
                    );
                    // Another request may have moved on already; never move back.
                    self.form.fetch_max(index + 1, Ordering::Relaxed);
                }
                Err(Refusal::Format(error)) => {
                    metrics::rejection("openai", "schema_refused");
                    return Err(CallError::Fatal(error));
                }
                Err(Refusal::Other(error)) => return Err(error),
                Ok(content) => return Ok(content),
            }
        }
    }

    async fn send(&self, ask: &Ask<'_>, form: ResponseFormat) -> Result<String, Refusal> {
        let body = json!({
            "model": ask.model,
            "messages": [
                {"role": "system", "content": ask.system},
                {"role": "user", "content": ask.user},
            ],
            "response_format": response_format(form, ask.schema_name, ask.schema),
            "max_tokens": self.max_tokens,
            "temperature": ask.temperature,
        });
        let mut call = self.http.post(self.endpoint.clone()).json(&body);
        if let Some(key) = &self.api_key {
            call = call.bearer_auth(key.expose());
        }
        let response = call.send().await.map_err(|e| {
            Refusal::Other(CallError::Fatal(
                anyhow!(e.without_url()).context("could not reach the LLM server"),
            ))
        })?;
        let status = response.status();
        let body = read_capped(response).await.map_err(|error| {
            Refusal::Other(match error {
                // A server that sent too much once will do it again.
                BodyError::TooLarge => CallError::Fatal(error.into()),
                BodyError::Unreadable(_) => CallError::Retryable(error.into()),
            })
        })?;
        if !status.is_success() {
            let text = String::from_utf8_lossy(&body);
            let error = anyhow!("the LLM server answered {status}: {}", excerpt(&text, 200));
            return Err(if names_the_format(&text, form) {
                Refusal::Format(error)
            } else if status == StatusCode::TOO_MANY_REQUESTS || status.is_server_error() {
                Refusal::Other(CallError::Retryable(error))
            } else {
                Refusal::Other(CallError::Fatal(error))
            });
        }
        message_content(&body).map_err(|e| Refusal::Other(CallError::Retryable(e)))
    }
}

enum Refusal {
    /// The server does not take this form of `response_format`.
    Format(anyhow::Error),
    Other(CallError),
}

fn form_name(form: ResponseFormat) -> &'static str {
    match form {
        ResponseFormat::JsonSchema | ResponseFormat::Auto => "json_schema",
        ResponseFormat::JsonObjectSchema => "json_object_schema",
        ResponseFormat::JsonObject => "json_object",
    }
}

fn response_format(form: ResponseFormat, name: &str, schema: &Value) -> Value {
    match form {
        ResponseFormat::JsonSchema | ResponseFormat::Auto => json!({
            "type": "json_schema",
            "json_schema": {"name": name, "strict": true, "schema": schema},
        }),
        ResponseFormat::JsonObjectSchema => json!({"type": "json_object", "schema": schema}),
        ResponseFormat::JsonObject => json!({"type": "json_object"}),
    }
}

/// Whether an error body is about the response format: it names the parameter or the type.
fn names_the_format(body: &str, form: ResponseFormat) -> bool {
    let type_name = match form {
        ResponseFormat::JsonSchema | ResponseFormat::Auto => "json_schema",
        ResponseFormat::JsonObjectSchema | ResponseFormat::JsonObject => "json_object",
    };
    body.contains("response_format") || body.contains(type_name)
}

/// At most `max_chars` of `text`, for a log line.
pub fn excerpt(text: &str, max_chars: usize) -> String {
    match text.char_indices().nth(max_chars) {
        Some((end, _)) => format!("{}…", &text[..end]),
        None => text.to_owned(),
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

fn message_content(body: &[u8]) -> anyhow::Result<String> {
    let completion: Completion = serde_json::from_slice(body).context("unreadable completion")?;
    let content = completion
        .choices
        .into_iter()
        .next()
        .and_then(|choice| choice.message.content)
        .context("the completion has no message content")?;
    // Some local models wrap JSON in a Markdown fence even in JSON mode.
    let trimmed = content.trim();
    Ok(trimmed
        .strip_prefix("```json")
        .or_else(|| trimmed.strip_prefix("```"))
        .and_then(|rest| rest.strip_suffix("```"))
        .unwrap_or(trimmed)
        .to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_refusal_is_an_error_that_names_the_format() {
        // llama-cpp-python's server (a pydantic validation error).
        assert!(names_the_format(
            r#"{"detail": [{"loc": ["body", "response_format", "type"], "msg": "Input should be 'text' or 'json_object'"}]}"#,
            ResponseFormat::JsonSchema
        ));
        assert!(names_the_format(
            r#"{"error": {"message": "Invalid parameter: 'response_format' of type 'json_schema' is not supported"}}"#,
            ResponseFormat::JsonSchema
        ));
        assert!(!names_the_format(
            r#"{"error": "overloaded"}"#,
            ResponseFormat::JsonSchema
        ));
    }

    #[test]
    fn excerpts_cut_at_a_character_boundary() {
        assert_eq!(excerpt("héllo", 2), "hé…");
        assert_eq!(excerpt("hi", 5), "hi");
    }
}
