//! Property test of the verifier itself: whatever it is fed, it never panics, and the only token
//! it accepts is the untouched valid one.

use std::{sync::OnceLock, time::Duration};

use base64::{Engine, engine::general_purpose::URL_SAFE_NO_PAD};
use challenger::{
    auth::{Keys, TokenVerifier},
    config::{AuthConfig, KeySource},
};
use futures::executor::block_on;
use jsonwebtoken::DecodingKey;
use proptest::prelude::*;
use serde_json::{Value, json};

use crate::helpers::{main_key, session_claims};

/// One verifier for the whole run, configured like production (issuer and party checks on).
fn verifier() -> &'static TokenVerifier {
    static VERIFIER: OnceLock<TokenVerifier> = OnceLock::new();
    VERIFIER.get_or_init(|| {
        let pem = main_key().public_pem.clone();
        let key = DecodingKey::from_rsa_pem(pem.as_bytes()).expect("PEM");
        TokenVerifier::new(
            Keys::Static(key),
            &AuthConfig {
                keys: KeySource::Pem(pem),
                authorized_parties: vec!["http://localhost:5173".into()],
                issuer: Some("https://clerk.test.example".into()),
                clock_skew: Duration::from_secs(5),
                accept_pending: false,
            },
        )
    })
}

/// The one token that must be accepted.
fn valid_token() -> &'static str {
    static TOKEN: OnceLock<String> = OnceLock::new();
    TOKEN.get_or_init(|| {
        let mut claims = session_claims("user_fuzz");
        // Outlives any test run.
        claims["exp"] = json!(crate::helpers::now() + 3600);
        main_key().sign(&claims)
    })
}

/// Verifies `candidate` and checks the property.
fn check(candidate: &str) -> Result<(), TestCaseError> {
    let result = block_on(verifier().verify(candidate));
    if candidate == valid_token() {
        prop_assert!(
            result.is_ok(),
            "the valid token was refused: {:?}",
            result.err()
        );
    } else {
        prop_assert!(
            result.is_err(),
            "accepted a token that is not the valid one: {candidate:?}"
        );
    }
    Ok(())
}

#[derive(Clone, Debug)]
enum Mutation {
    /// Replaces the character at this position (modulo the length).
    Replace(usize, char),
    Insert(usize, char),
    Delete(usize),
    /// Swaps two of the dot-separated segments.
    SwapSegments(usize, usize),
    /// Re-encodes the header with this `alg` (and the payload and signature left as they were).
    ReHeader(Value),
    Truncate(usize),
}

/// Characters a JWT is made of, plus a few that must never be accepted inside one.
fn token_char() -> impl Strategy<Value = char> {
    prop_oneof![
        8 => proptest::char::ranges(vec!['a'..='z', 'A'..='Z', '0'..='9'].into()),
        2 => prop::sample::select(vec!['-', '_', '.', '=', '+', '/', ' ', '\0', 'é']),
    ]
}

fn alg_value() -> impl Strategy<Value = Value> {
    prop_oneof![
        prop::sample::select(vec![
            "none",
            "None",
            "NONE",
            "nOnE",
            "HS256",
            "HS384",
            "HS512",
            "RS384",
            "RS512",
            "PS256",
            "PS384",
            "PS512",
            "ES256",
            "ES384",
            "EdDSA",
            "rs256",
            "RS256 ",
            " RS256",
            "RS256\u{0}",
            "",
            "RS256",
            "RSA",
            "RS2560",
        ])
        .prop_map(|s| json!(s)),
        any::<String>().prop_map(|s| json!(s)),
        Just(Value::Null),
        any::<i64>().prop_map(|n| json!(n)),
        Just(json!(["RS256"])),
        Just(json!({ "alg": "RS256" })),
    ]
}

fn mutation() -> impl Strategy<Value = Mutation> {
    prop_oneof![
        4 => (any::<usize>(), token_char()).prop_map(|(i, c)| Mutation::Replace(i, c)),
        2 => (any::<usize>(), token_char()).prop_map(|(i, c)| Mutation::Insert(i, c)),
        2 => any::<usize>().prop_map(Mutation::Delete),
        1 => (0usize..3, 0usize..3).prop_map(|(a, b)| Mutation::SwapSegments(a, b)),
        2 => alg_value().prop_map(Mutation::ReHeader),
        1 => any::<usize>().prop_map(Mutation::Truncate),
    ]
}

fn apply(token: &str, mutation: &Mutation) -> String {
    let mut chars: Vec<char> = token.chars().collect();
    let at = |i: usize, len: usize| if len == 0 { 0 } else { i % len };
    match mutation {
        Mutation::Replace(i, c) => {
            if !chars.is_empty() {
                let i = at(*i, chars.len());
                chars[i] = *c;
            }
        }
        Mutation::Insert(i, c) => {
            let i = at(*i, chars.len() + 1);
            chars.insert(i, *c);
        }
        Mutation::Delete(i) => {
            if !chars.is_empty() {
                let i = at(*i, chars.len());
                chars.remove(i);
            }
        }
        Mutation::Truncate(n) => chars.truncate(at(*n, chars.len() + 1)),
        Mutation::SwapSegments(a, b) => {
            let mut segments: Vec<&str> = token.split('.').collect();
            if *a < segments.len() && *b < segments.len() {
                segments.swap(*a, *b);
            }
            return segments.join(".");
        }
        Mutation::ReHeader(alg) => {
            let mut segments: Vec<String> = token.split('.').map(str::to_owned).collect();
            let header = URL_SAFE_NO_PAD
                .decode(&segments[0])
                .ok()
                .and_then(|bytes| serde_json::from_slice::<Value>(&bytes).ok());
            if let Some(mut header) = header.filter(Value::is_object) {
                header["alg"] = alg.clone();
                segments[0] = URL_SAFE_NO_PAD.encode(header.to_string());
            }
            return segments.join(".");
        }
    }
    chars.into_iter().collect()
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 200, ..ProptestConfig::default() })]

    #[test]
    fn random_strings_are_never_accepted(candidate in any::<String>()) {
        check(&candidate)?;
    }

    #[test]
    fn random_jwt_shaped_strings_are_never_accepted(
        candidate in "[A-Za-z0-9_-]{0,80}\\.[A-Za-z0-9_-]{0,200}\\.[A-Za-z0-9_-]{0,400}",
    ) {
        check(&candidate)?;
    }

    #[test]
    fn mutated_valid_tokens_are_never_accepted(
        mutations in prop::collection::vec(mutation(), 1..4),
    ) {
        let candidate = mutations
            .iter()
            .fold(valid_token().to_owned(), |token, m| apply(&token, m));
        check(&candidate)?;
        // The untouched token still passes after any amount of garbage.
        check(valid_token())?;
    }

    #[test]
    fn valid_payloads_under_a_random_alg_are_never_accepted(alg in alg_value()) {
        let candidate = apply(valid_token(), &Mutation::ReHeader(alg));
        check(&candidate)?;
    }
}
