//! The suite cleans up after itself on PostgreSQL: each test's database is dropped when the test
//! ends, passed or failed, and a killed run's leftovers are dropped by the next run, never a live
//! run's. On SQLite there is nothing to clean (each test's file is in its own temporary folder).

use sea_orm::{ConnectionTrait, Database, Statement};

use crate::helpers::{TestApp, TestDatabase, database_prefix, remove_leftover_databases};

fn postgres_server() -> Option<String> {
    std::env::var("TEST_DATABASE_URL")
        .ok()
        .filter(|url| url.starts_with("postgres"))
}

async fn exists(server: &str, name: &str) -> bool {
    let admin = Database::connect(server).await.expect("connect");
    let row = admin
        .query_one_raw(Statement::from_string(
            admin.get_database_backend(),
            format!("SELECT 1 AS one FROM pg_database WHERE datname = '{name}'"),
        ))
        .await
        .expect("query");
    admin.close().await.expect("close");
    row.is_some()
}

async fn create(server: &str, name: &str) -> TestDatabase {
    let admin = Database::connect(server).await.expect("connect");
    admin
        .execute_unprepared(&format!("CREATE DATABASE {name}"))
        .await
        .expect("create");
    admin.close().await.expect("close");
    TestDatabase {
        server: server.to_owned(),
        name: name.to_owned(),
    }
}

fn database_name(url: &str) -> String {
    url.rsplit_once('/').expect("a database path").1.to_owned()
}

#[tokio::test]
async fn a_tests_database_is_dropped_when_the_test_ends_passed_or_failed() {
    let Some(server) = postgres_server() else {
        return;
    };
    let passed = TestApp::spawn().await.restart().await;
    let name = database_name(&passed.database_url);
    assert!(
        exists(&server, &name).await,
        "the restart kept the database"
    );
    drop(passed);
    assert!(
        !exists(&server, &name).await,
        "dropped after a test that passed"
    );

    let (sender, receiver) = tokio::sync::oneshot::channel();
    let failed = tokio::spawn(async move {
        let app = TestApp::spawn().await;
        sender.send(database_name(&app.database_url)).expect("send");
        panic!("a failing test (on purpose)");
    });
    assert!(failed.await.is_err());
    let name = receiver.await.expect("name");
    assert!(
        !exists(&server, &name).await,
        "dropped after a test that failed"
    );
}

#[tokio::test]
async fn a_killed_runs_databases_are_dropped_and_a_live_runs_are_kept() {
    let Some(server) = postgres_server() else {
        return;
    };
    let mut child = std::process::Command::new("true").spawn().expect("true");
    let gone_pid = child.id();
    child.wait().expect("wait");
    let prefix = database_prefix();
    let suffix = uuid::Uuid::new_v4().simple().to_string()[..12].to_owned();
    let other_host = if prefix.contains("00000000") {
        "challenger_test_11111111_"
    } else {
        "challenger_test_00000000_"
    };
    let killed = create(&server, &format!("{prefix}{gone_pid}_{suffix}")).await;
    let live = create(&server, &format!("{prefix}{}_{suffix}", std::process::id())).await;
    let elsewhere = create(&server, &format!("{other_host}{gone_pid}_{suffix}")).await;

    remove_leftover_databases(&server).await;

    assert!(
        !exists(&server, &killed.name).await,
        "a killed run's database is dropped"
    );
    assert!(
        exists(&server, &live.name).await,
        "a live run's database is kept"
    );
    assert!(
        exists(&server, &elsewhere.name).await,
        "another machine's database is kept"
    );
}
