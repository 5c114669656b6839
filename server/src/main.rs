//! `patrol-server --listen ADDR --database URL [--www DIR]` and `patrol-server user add …` (contract).

use patrol_server::{app, db::Db, retention, AppState, Config};
use std::net::SocketAddr;
use std::path::PathBuf;
use std::process::ExitCode;

const USAGE: &str = "\
usage:
  patrol-server [--listen 127.0.0.1:8080] [--database sqlite://patrol.db] [--www DIR]
                [--rate-limit N] [--secure-cookies] [--purge-interval SECS]
  patrol-server user add --database URL --name NAME --role volunteer|officer|supervisor|admin --unit UNIT
";

fn take(args: &mut Vec<String>, flag: &str) -> Result<Option<String>, String> {
    match args.iter().position(|a| a == flag) {
        None => Ok(None),
        Some(i) => {
            if i + 1 >= args.len() {
                return Err(format!("{flag} needs a value"));
            }
            let v = args.remove(i + 1);
            args.remove(i);
            Ok(Some(v))
        }
    }
}

/// The repository's `www/`: beside the working directory, above the binary (target/…/patrol-server), or where
/// this crate was built from.
fn find_www() -> Option<PathBuf> {
    let ok = |p: &PathBuf| p.join("inbox").is_dir();
    let mut candidates = vec![PathBuf::from("www")];
    if let Ok(exe) = std::env::current_exe() {
        candidates.extend(exe.ancestors().skip(1).map(|a| a.join("www")));
    }
    candidates.push(PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../www"));
    candidates
        .into_iter()
        .find(ok)
        .and_then(|p| p.canonicalize().ok())
}

async fn run(mut args: Vec<String>) -> Result<(), String> {
    if args.first().map(String::as_str) == Some("user") {
        if args.get(1).map(String::as_str) != Some("add") {
            return Err(USAGE.into());
        }
        args.drain(..2);
        let database =
            take(&mut args, "--database")?.unwrap_or_else(|| "sqlite://patrol.db".into());
        let name = take(&mut args, "--name")?.ok_or("--name is required")?;
        let role = take(&mut args, "--role")?.ok_or("--role is required")?;
        let unit = take(&mut args, "--unit")?.ok_or("--unit is required")?;
        if !args.is_empty() {
            return Err(format!("unknown arguments: {}\n{USAGE}", args.join(" ")));
        }
        let db = Db::connect(&database).await?;
        let (_, token) = patrol_server::auth::create_user(&db, &name, &role, &unit).await?;
        println!("{token}");
        return Ok(());
    }
    if args.iter().any(|a| a == "-h" || a == "--help") {
        print!("{USAGE}");
        return Ok(());
    }
    let listen = take(&mut args, "--listen")?.unwrap_or_else(|| "127.0.0.1:8080".into());
    let database = take(&mut args, "--database")?.unwrap_or_else(|| "sqlite://patrol.db".into());
    let www = match take(&mut args, "--www")? {
        Some(d) => Some(PathBuf::from(d)),
        None => find_www(),
    };
    let mut config = Config {
        www,
        ..Config::default()
    };
    if let Some(r) = take(&mut args, "--rate-limit")? {
        config.rate_per_sec = r
            .parse()
            .map_err(|_| format!("--rate-limit must be a number, got {r:?}"))?;
    }
    let purge_every = match take(&mut args, "--purge-interval")? {
        Some(s) => s
            .parse::<u64>()
            .map_err(|_| format!("--purge-interval must be seconds, got {s:?}"))?,
        None => 3600,
    };
    if let Some(i) = args.iter().position(|a| a == "--secure-cookies") {
        args.remove(i);
        config.secure_cookies = true;
    }
    if !args.is_empty() {
        return Err(format!("unknown arguments: {}\n{USAGE}", args.join(" ")));
    }
    let addr: SocketAddr = listen
        .parse()
        .map_err(|_| format!("--listen must be HOST:PORT, got {listen:?}"))?;
    let db = Db::connect(&database).await?;
    retention::spawn(
        db.clone(),
        std::time::Duration::from_secs(purge_every.max(1)),
    );
    let www = config.www.clone();
    let state = AppState::new(db, config).await?;
    let listener = tokio::net::TcpListener::bind(addr)
        .await
        .map_err(|e| format!("cannot listen on {addr}: {e}"))?;
    eprintln!(
        "patrol-server: listening on http://{} (database {}, pages {})",
        listener.local_addr().map_err(|e| e.to_string())?,
        database.split('@').next_back().unwrap_or(""),
        www.map(|p| p.display().to_string())
            .unwrap_or_else(|| "none".into())
    );
    axum::serve(
        listener,
        app(state).into_make_service_with_connect_info::<SocketAddr>(),
    )
    .with_graceful_shutdown(async {
        let _ = tokio::signal::ctrl_c().await;
    })
    .await
    .map_err(|e| e.to_string())
}

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let rt = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!("patrol-server: {e}");
            return ExitCode::from(1);
        }
    };
    match rt.block_on(run(args)) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("patrol-server: {e}");
            ExitCode::from(2)
        }
    }
}
