//! The web app served by the binary: files, cache headers, client routes and what stays a 404.

use reqwest::header::{ACCEPT, CACHE_CONTROL, CONTENT_TYPE, ETAG, IF_NONE_MATCH};

use crate::helpers::{TestApp, json_body};

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
