//! A PostgreSQL restart under generation load, on a throwaway cluster this test starts itself
//! (the shared server is never stopped): only 200s and 503s, nothing lost, the quota exact.

use std::{
    net::TcpListener,
    path::{Path, PathBuf},
    process::Command,
    sync::{Arc, Mutex},
    time::Duration,
};

use sea_orm::{ConnectionTrait, Database, Statement};

use crate::helpers::TestEnv;

/// A PostgreSQL cluster of its own, in a temporary folder, run as the `postgres` user.
struct Cluster {
    bin: PathBuf,
    data: PathBuf,
    port: u16,
    _dir: tempfile::TempDir,
}

impl Cluster {
    /// `None` where there is no PostgreSQL to run (no `initdb`, or no `postgres` user).
    fn start() -> Option<Self> {
        let bin = std::fs::read_dir("/usr/lib/postgresql")
            .ok()?
            .filter_map(Result::ok)
            .map(|version| version.path().join("bin"))
            .find(|bin| bin.join("initdb").exists())?;
        let uid = String::from_utf8(
            Command::new("id")
                .args(["-u", "postgres"])
                .output()
                .ok()?
                .stdout,
        )
        .ok()?
        .trim()
        .parse::<u32>()
        .ok()?;
        let dir = tempfile::tempdir().expect("temp dir");
        std::os::unix::fs::chown(dir.path(), Some(uid), None).expect("chown to postgres");
        let data = dir.path().join("data");
        let port = TcpListener::bind("127.0.0.1:0")
            .expect("free port")
            .local_addr()
            .expect("addr")
            .port();
        let cluster = Self {
            bin,
            data,
            port,
            _dir: dir,
        };
        cluster.run(
            "initdb",
            &["-D", path(&cluster.data), "-A", "trust", "-U", "postgres"],
        );
        cluster.pg_ctl(&["start"]);
        Some(cluster)
    }

    fn url(&self) -> String {
        format!("postgres://postgres@127.0.0.1:{}/postgres", self.port)
    }

    /// A fast restart: every open connection is terminated (SQLSTATE 57P01).
    fn restart(&self) {
        self.pg_ctl(&["restart", "-m", "fast"]);
    }

    fn pg_ctl(&self, action: &[&str]) {
        let options = format!(
            "-p {} -k {} -c listen_addresses=127.0.0.1",
            self.port,
            path(self.data.parent().expect("parent"))
        );
        let log = self.data.with_extension("log");
        let mut args = vec![
            "-D",
            path(&self.data),
            "-o",
            &options,
            "-l",
            path(&log),
            "-w",
        ];
        args.extend_from_slice(action);
        self.run("pg_ctl", &args);
    }

    fn run(&self, program: &str, args: &[&str]) {
        let program = self.bin.join(program);
        let output = if is_root() {
            Command::new("runuser")
                .args(["-u", "postgres", "--"])
                .arg(&program)
                .args(args)
                .output()
        } else {
            Command::new(&program).args(args).output()
        }
        .expect("run a PostgreSQL tool");
        assert!(
            output.status.success(),
            "{} {args:?}: {}",
            program.display(),
            String::from_utf8_lossy(&output.stderr)
        );
    }
}

impl Drop for Cluster {
    fn drop(&mut self) {
        let _ = std::panic::catch_unwind(|| self.pg_ctl(&["stop", "-m", "immediate"]));
    }
}

fn path(path: &Path) -> &str {
    path.to_str().expect("a UTF-8 path")
}

fn is_root() -> bool {
    Command::new("id")
        .arg("-u")
        .output()
        .is_ok_and(|output| output.stdout.starts_with(b"0\n"))
}

async fn scalar(url: &str, sql: &str) -> i64 {
    let db = Database::connect(url).await.expect("connect");
    let row = db
        .query_one_raw(Statement::from_string(db.get_database_backend(), sql))
        .await
        .expect(sql)
        .expect("a row");
    row.try_get_by_index::<i64>(0).expect("a number")
}

#[tokio::test]
async fn a_postgresql_restart_under_generation_load_answers_only_200_or_503_and_loses_nothing() {
    // Part of the PostgreSQL pass; it needs the machine's PostgreSQL binaries.
    if !std::env::var("TEST_DATABASE_URL").is_ok_and(|url| url.starts_with("postgres")) {
        return;
    }
    let Some(cluster) = Cluster::start() else {
        eprintln!("skipped: no initdb or postgres user on this machine");
        return;
    };
    const QUOTA: i64 = 10_000;
    let app = Arc::new(
        TestEnv::new()
            .set("DATABASE_URL", cluster.url())
            .set("DAILY_QUOTA", QUOTA.to_string())
            .set("OPENAI_TIMEOUT_SECS", "1")
            .spawn()
            .await,
    );
    let token = app.token("user_through_restart");
    let statuses = Arc::new(Mutex::new(Vec::new()));
    let stop = Arc::new(std::sync::atomic::AtomicBool::new(false));
    let clients: Vec<_> = (0..8)
        .map(|_| {
            let (app, token, statuses, stop) =
                (app.clone(), token.clone(), statuses.clone(), stop.clone());
            tokio::spawn(async move {
                while !stop.load(std::sync::atomic::Ordering::SeqCst) {
                    let status = app.generate(&token, "easy").await.status().as_u16();
                    statuses.lock().expect("statuses").push(status);
                }
            })
        })
        .collect();
    tokio::time::sleep(Duration::from_millis(1500)).await;
    let cluster = tokio::task::spawn_blocking(move || {
        cluster.restart();
        cluster
    })
    .await
    .expect("restart");
    tokio::time::sleep(Duration::from_secs(2)).await;
    stop.store(true, std::sync::atomic::Ordering::SeqCst);
    for client in clients {
        client.await.expect("client");
    }

    let statuses = statuses.lock().expect("statuses").clone();
    let unexpected: Vec<_> = statuses
        .iter()
        .filter(|s| **s != 200 && **s != 503)
        .collect();
    assert!(unexpected.is_empty(), "unexpected statuses {unexpected:?}");
    assert!(statuses.contains(&503), "the restart was seen");
    assert_eq!(
        app.generate(&token, "easy").await.status(),
        200,
        "the pool recovered without a restart"
    );
    let served = statuses.iter().filter(|s| **s == 200).count() as i64 + 1;

    // Refunds that failed during the outage are made by the sweep (every second here).
    tokio::time::sleep(Duration::from_secs(4)).await;
    let user = "user_through_restart";
    let stored = scalar(
        &app.database_url,
        &format!("SELECT COUNT(*) FROM challenges WHERE user_id = '{user}'"),
    )
    .await;
    let remaining = scalar(
        &app.database_url,
        &format!("SELECT CAST(quota_remaining AS BIGINT) FROM quotas WHERE user_id = '{user}'"),
    )
    .await;
    let pending = scalar(&app.database_url, "SELECT COUNT(*) FROM quota_reservations").await;
    assert!(
        stored >= served,
        "{served} answered 200 but {stored} stored"
    );
    assert_eq!(
        remaining,
        QUOTA - stored,
        "each stored challenge spent one unit"
    );
    assert_eq!(pending, 0);
    drop(cluster);
}
