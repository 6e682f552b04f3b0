//! Key configuration is checked at start: a malformed key or URL is an error naming its variable.

use std::collections::HashMap;

use challenger::{
    Config,
    config::{ConfigError, KeySource},
};

use crate::{auth::support::EC_PRIVATE_PEM, helpers::main_key};

fn config(vars: &[(&str, &str)]) -> Result<Config, ConfigError> {
    let vars: HashMap<&str, &str> = vars.iter().copied().collect();
    Config::from_lookup(|name| vars.get(name).map(|v| v.to_string()))
}

const EC_PUBLIC_PEM: &str = "-----BEGIN PUBLIC KEY-----
MFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAEq2NHPx6RgB9GiysmJO9RIhet5j5S
u8FU+ZpnjETYqiJispcTlCsYgZ6qwlI5jSkVQZWGi6k/laDo/A+atFVDwA==
-----END PUBLIC KEY-----
";

#[test]
fn a_malformed_clerk_jwt_key_is_an_error_naming_the_variable() {
    let truncated = &main_key().public_pem[..120];
    for bad in [
        "not a key",
        "-----BEGIN PUBLIC KEY-----\\nbm9wZQ==\\n-----END PUBLIC KEY-----",
        truncated,
        EC_PUBLIC_PEM,
        EC_PRIVATE_PEM,
        "sk_test_0123456789abcdef",
    ] {
        let error = config(&[("CLERK_JWT_KEY", bad)]).expect_err(bad);
        assert_eq!(error.variable, "CLERK_JWT_KEY", "for {bad:?}");
        let message = error.to_string();
        assert!(message.contains("CLERK_JWT_KEY"), "{message}");
        assert!(
            !message.contains("bm9wZQ") && !message.contains("sk_test"),
            "the message must not echo the key: {message}"
        );
    }
}

#[test]
fn a_malformed_clerk_jwks_url_is_an_error_naming_the_variable() {
    for bad in [
        "not a url",
        "ftp://clerk.example.com/.well-known/jwks.json",
        "/.well-known/jwks.json",
        "clerk.example.com/.well-known/jwks.json",
        "http://",
        "file:///etc/passwd",
    ] {
        let error = config(&[("CLERK_JWKS_URL", bad)]).expect_err(bad);
        assert_eq!(error.variable, "CLERK_JWKS_URL", "for {bad:?}");
        assert!(error.to_string().contains("CLERK_JWKS_URL"));
    }
}

#[test]
fn a_pem_and_a_jwks_url_together_are_an_error() {
    let error = config(&[
        ("CLERK_JWT_KEY", &main_key().public_pem),
        (
            "CLERK_JWKS_URL",
            "https://clerk.example.com/.well-known/jwks.json",
        ),
    ])
    .expect_err("ambiguous key source");
    assert!(error.variable.starts_with("CLERK_"));
}

#[test]
fn a_valid_pem_with_literal_backslash_n_is_accepted() {
    let one_line = main_key().public_pem.trim_end().replace('\n', "\\n");
    let config = config(&[("CLERK_JWT_KEY", &one_line)]).expect("valid");
    assert!(matches!(config.auth.keys, KeySource::Pem(_)));
}

#[test]
fn a_valid_jwks_url_is_accepted() {
    let config = config(&[(
        "CLERK_JWKS_URL",
        "https://clerk.example.com/.well-known/jwks.json",
    )])
    .expect("valid");
    assert!(matches!(config.auth.keys, KeySource::Jwks(_)));
}

#[test]
fn no_clerk_key_selects_the_development_issuer() {
    let config = config(&[]).expect("valid");
    assert!(matches!(config.auth.keys, KeySource::Development { .. }));
}
