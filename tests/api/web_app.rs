//! The web app served by the binary: files, cache headers, client routes and what stays a 404.

use reqwest::header::{ACCEPT, CACHE_CONTROL, CONTENT_TYPE, ETAG, IF_NONE_MATCH};

use crate::helpers::{TestApp, TestEnv, json_body};

const BROWSER_ACCEPT: &str = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8";

async fn navigate(app: &TestApp, path: &str) -> reqwest::Response {
    app.client
        .get(app.url(path))
        .header(ACCEPT, BROWSER_ACCEPT)
        .send()
        .await
        .expect("request")
}

fn header(response: &reqwest::Response, name: reqwest::header::HeaderName) -> &str {
    response
        .headers()
        .get(&name)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_else(|| panic!("no {name} header"))
}

/// The hashed script `index.html` loads, e.g. `/assets/index-1a2b3c.js`.
fn script_path(index: &str) -> String {
    let start = index
        .find("/assets/")
        .expect("index.html loads a hashed asset");
    let end = start + index[start..].find('"').expect("closing quote");
    index[start..end].to_owned()
}

#[tokio::test]
async fn the_app_is_served_at_the_root_and_its_html_is_revalidated() {
    let app = TestApp::spawn().await;
    let index = navigate(&app, "/").await;
    assert_eq!(index.status(), 200);
    assert!(header(&index, CONTENT_TYPE).starts_with("text/html"));
    assert_eq!(header(&index, CACHE_CONTROL), "no-cache");
    assert!(index.text().await.expect("html").contains("id=\"root\""));
}

#[tokio::test]
async fn hashed_assets_are_cached_for_a_year_and_revalidate_with_their_etag() {
    let app = TestApp::spawn().await;
    let index = app.get_anonymous("/").await.text().await.expect("html");
    let script = app.get_anonymous(&script_path(&index)).await;
    assert_eq!(script.status(), 200);
    assert!(header(&script, CONTENT_TYPE).contains("javascript"));
    assert_eq!(
        header(&script, CACHE_CONTROL),
        "public, max-age=31536000, immutable"
    );
    let etag = header(&script, ETAG).to_owned();
    let again = app
        .client
        .get(app.url(&script_path(&index)))
        .header(IF_NONE_MATCH, &etag)
        .send()
        .await
        .expect("request");
    assert_eq!(again.status(), 304);
    assert!(again.bytes().await.expect("body").is_empty());
}

#[tokio::test]
async fn a_browser_navigation_to_a_client_route_gets_the_app() {
    let app = TestApp::spawn().await;
    let root = navigate(&app, "/").await.text().await.expect("html");
    for route in ["/history", "/review", "/challenges/42"] {
        let page = navigate(&app, route).await;
        assert_eq!(page.status(), 200, "{route}");
        assert_eq!(page.text().await.expect("html"), root, "{route}");
    }
}

#[tokio::test]
async fn unknown_paths_that_are_not_navigations_stay_json_404s() {
    let app = TestApp::spawn().await;
    let cases = [
        ("/history", "application/json"),
        ("/api/nowhere", BROWSER_ACCEPT),
        ("/api", BROWSER_ACCEPT),
        ("/assets/missing-0000.js", "*/*"),
        ("/assets/missing-0000.js", BROWSER_ACCEPT),
        ("/missing.png", BROWSER_ACCEPT),
    ];
    for (path, accept) in cases {
        let response = app
            .client
            .get(app.url(path))
            .header(ACCEPT, accept)
            .send()
            .await
            .expect("request");
        assert_eq!(response.status(), 404, "{path} with {accept}");
        assert!(json_body(response).await["detail"].is_string(), "{path}");
    }
    let post = app
        .client
        .post(app.url("/"))
        .header(ACCEPT, BROWSER_ACCEPT)
        .send()
        .await
        .expect("request");
    assert!(post.status().is_client_error());
    assert!(json_body(post).await["detail"].is_string());
}

#[tokio::test]
async fn the_api_and_its_docs_are_unchanged_beside_the_app() {
    let app = TestApp::spawn().await;
    for path in ["/healthz", "/readyz", "/openapi.json"] {
        let response = navigate(&app, path).await;
        assert_eq!(response.status(), 200, "{path}");
        assert!(header(&response, CONTENT_TYPE).starts_with("application/json"));
    }
    let docs = navigate(&app, "/docs").await;
    assert!(docs.text().await.expect("html").contains("swagger"));
    let quota = navigate(&app, "/api/quota").await;
    assert_eq!(quota.status(), 401, "the API still wants a token");
}

/// `pk_test_` + unpadded base64 of `<host>$`, as the Clerk dashboard shows a key.
fn publishable_key(host: &str) -> String {
    let body = base64::Engine::encode(
        &base64::engine::general_purpose::STANDARD,
        format!("{host}$"),
    );
    format!("pk_test_{}", body.trim_end_matches('='))
}

async fn app_config(app: &TestApp) -> (reqwest::Response, serde_json::Value) {
    let response = app.get_anonymous("/app-config.json").await;
    let copy = app.get_anonymous("/app-config.json").await;
    (response, json_body(copy).await)
}

#[tokio::test]
async fn the_app_reads_how_to_sign_in_at_run_time() {
    // A Clerk key without a publishable key: the app must say what to configure.
    let clerk_only = TestApp::spawn().await;
    let (response, body) = app_config(&clerk_only).await;
    assert_eq!(response.status(), 200);
    assert!(header(&response, CONTENT_TYPE).starts_with("application/json"));
    assert_eq!(header(&response, CACHE_CONTROL), "no-cache");
    assert_eq!(
        body,
        serde_json::json!({"clerk_publishable_key": null, "dev_issuer": false})
    );
    let without_key = header(&response, ETAG).to_owned();

    let key = publishable_key("clerk.challenger.test");
    let with_key = TestEnv::new()
        .set("CLERK_PUBLISHABLE_KEY", key.as_str())
        .spawn()
        .await;
    let (response, body) = app_config(&with_key).await;
    assert_eq!(header(&response, CACHE_CONTROL), "no-cache");
    assert_eq!(
        body,
        serde_json::json!({"clerk_publishable_key": key, "dev_issuer": false})
    );
    let etag = header(&response, ETAG).to_owned();
    assert_ne!(etag, without_key, "the validator changes with the key");

    // Another key, another validator: a browser never keeps the old one.
    let other = TestEnv::new()
        .set("CLERK_PUBLISHABLE_KEY", publishable_key("clerk.other.test"))
        .spawn()
        .await;
    let (response, _) = app_config(&other).await;
    assert_ne!(header(&response, ETAG), etag);

    // The browser's revalidation: unchanged gets a 304, a stale copy the new content.
    let current = with_key
        .client
        .get(with_key.url("/app-config.json"))
        .header(IF_NONE_MATCH, &etag)
        .send()
        .await
        .expect("request");
    assert_eq!(current.status(), 304);
    assert_eq!(header(&current, CACHE_CONTROL), "no-cache");
    assert!(current.bytes().await.expect("body").is_empty());
    let stale = with_key
        .client
        .get(with_key.url("/app-config.json"))
        .header(IF_NONE_MATCH, &without_key)
        .send()
        .await
        .expect("request");
    assert_eq!(stale.status(), 200);
}

#[tokio::test]
async fn without_a_clerk_key_the_app_offers_the_development_sign_in() {
    let app = TestEnv::new().unset("CLERK_JWT_KEY").spawn().await;
    let (response, body) = app_config(&app).await;
    assert_eq!(response.status(), 200);
    assert_eq!(
        body,
        serde_json::json!({"clerk_publishable_key": null, "dev_issuer": true})
    );
    // It is a file of the app, not an API route: other methods are refused as JSON.
    let post = app
        .client
        .post(app.url("/app-config.json"))
        .send()
        .await
        .expect("request");
    assert_eq!(post.status(), 405);
    assert!(json_body(post).await["detail"].is_string());
}

/// The directives of a `Content-Security-Policy`, each as its name and its sources.
fn directives(policy: &str) -> Vec<(String, Vec<String>)> {
    policy
        .split(';')
        .map(str::trim)
        .filter(|directive| !directive.is_empty())
        .map(|directive| {
            let mut words = directive.split_whitespace().map(str::to_owned);
            let name = words.next().expect("a directive name");
            (name, words.collect())
        })
        .collect()
}

fn sources<'a>(policy: &'a [(String, Vec<String>)], name: &str) -> &'a [String] {
    &policy
        .iter()
        .find(|(directive, _)| directive == name)
        .unwrap_or_else(|| panic!("no {name} in the policy"))
        .1
}

/// The app's page, a client route, an asset and a revalidated asset all carry the headers.
async fn assert_secured_pages(app: &TestApp) -> Vec<(String, Vec<String>)> {
    let index = navigate(app, "/").await;
    let policy = header(&index, reqwest::header::CONTENT_SECURITY_POLICY).to_owned();
    let html = index.text().await.expect("html");
    let script = script_path(&html);
    let asset = app
        .client
        .get(app.url(&script))
        .send()
        .await
        .expect("asset");
    let etag = header(&asset, ETAG).to_owned();
    let revalidated = app
        .client
        .get(app.url(&script))
        .header(IF_NONE_MATCH, etag)
        .send()
        .await
        .expect("asset");
    assert_eq!(revalidated.status(), 304);
    for response in [
        navigate(app, "/").await,
        navigate(app, "/history").await,
        asset,
        revalidated,
    ] {
        let url = response.url().to_string();
        assert_eq!(
            header(&response, reqwest::header::CONTENT_SECURITY_POLICY),
            policy,
            "{url}"
        );
        assert_eq!(
            header(&response, reqwest::header::X_FRAME_OPTIONS),
            "DENY",
            "{url}"
        );
        assert_eq!(
            header(&response, reqwest::header::X_CONTENT_TYPE_OPTIONS),
            "nosniff",
            "{url}"
        );
        assert_eq!(
            header(&response, reqwest::header::REFERRER_POLICY),
            "strict-origin-when-cross-origin",
            "{url}"
        );
    }
    // The page loads its script and styles as files: nothing inline needs allowing.
    assert!(
        !html.contains("<script>") && !html.contains("<style"),
        "{html}"
    );
    directives(&policy)
}

#[tokio::test]
async fn the_app_runs_under_a_content_security_policy_of_its_own_origin() {
    let app = TestApp::spawn().await;
    let policy = assert_secured_pages(&app).await;
    for (name, expected) in [
        ("default-src", "'self'"),
        ("script-src", "'self'"),
        ("style-src", "'self' 'unsafe-inline'"),
        ("img-src", "'self' data:"),
        ("connect-src", "'self'"),
        ("worker-src", "'self' blob:"),
        ("frame-ancestors", "'none'"),
        ("base-uri", "'self'"),
        ("form-action", "'self'"),
        ("object-src", "'none'"),
    ] {
        assert_eq!(sources(&policy, name).join(" "), expected, "{name}");
    }
}

#[tokio::test]
async fn with_a_publishable_key_the_policy_allows_what_clerk_needs() {
    let app = TestEnv::new()
        .set(
            "CLERK_PUBLISHABLE_KEY",
            publishable_key("clerk.challenger.test"),
        )
        .spawn()
        .await;
    let policy = assert_secured_pages(&app).await;
    let clerk = "https://clerk.challenger.test".to_owned();
    let cloudflare = "https://challenges.cloudflare.com".to_owned();
    assert!(sources(&policy, "script-src").contains(&clerk));
    assert!(sources(&policy, "script-src").contains(&cloudflare));
    assert!(sources(&policy, "connect-src").contains(&clerk));
    assert!(sources(&policy, "img-src").contains(&"https://img.clerk.com".to_owned()));
    assert!(sources(&policy, "worker-src").contains(&"blob:".to_owned()));
    assert!(sources(&policy, "frame-src").contains(&cloudflare));
    assert!(sources(&policy, "style-src").contains(&"'unsafe-inline'".to_owned()));
    assert_eq!(sources(&policy, "frame-ancestors"), ["'none'"]);
    assert!(
        !sources(&policy, "script-src").contains(&"'unsafe-inline'".to_owned()),
        "no inline script, with Clerk or without"
    );
}

#[tokio::test]
async fn the_api_docs_have_their_own_policy_for_their_inline_page() {
    let app = TestApp::spawn().await;
    let docs = app.client.get(app.url("/docs")).send().await.expect("docs");
    assert_eq!(docs.status(), 200);
    let policy = directives(header(&docs, reqwest::header::CONTENT_SECURITY_POLICY));
    assert_eq!(sources(&policy, "default-src"), ["'none'"]);
    assert_eq!(sources(&policy, "connect-src"), ["'self'"]);
    assert_eq!(sources(&policy, "frame-ancestors"), ["'none'"]);
    assert_eq!(header(&docs, reqwest::header::X_FRAME_OPTIONS), "DENY");
    assert_eq!(
        header(&docs, reqwest::header::X_CONTENT_TYPE_OPTIONS),
        "nosniff"
    );
}
