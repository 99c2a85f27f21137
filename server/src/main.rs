//! `server`: the Takamul command line: serve, migrate, seed, admin, backup, restore.

use std::net::SocketAddr;
use std::path::PathBuf;

use app::identity::{NationalId, RoleKind};
use clap::{Parser, Subcommand};
use server::config::Config;
use server::{StartError, build_state, router};

/// mimalloc: rendering and serving pages allocate many small, short-lived
/// values across threads, its strength. (Not measured against the system
/// allocator on its own; bench/market.sh measures the whole server.)
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

#[derive(Parser)]
#[command(
    name = "server",
    about = "Takamul: the platform for productive families and associations"
)]
struct Cli {
    #[command(subcommand)]
    command: Option<Command>,
}

#[derive(Subcommand)]
enum Command {
    /// Serve the site (the default). Migrations run first.
    Serve,
    /// Apply pending database migrations and exit.
    Migrate,
    /// Load reference data (places, assistance types); with --demo also the
    /// demo associations and personas. Idempotent.
    Seed {
        #[arg(long)]
        demo: bool,
        /// Also generate this many published products across a tenth as many
        /// shops of fictional families (for benchmarks).
        #[arg(long)]
        products: Option<usize>,
        /// Also generate this many fictional registered households (for benchmarks).
        #[arg(long)]
        households: Option<usize>,
    },
    /// Administrative tasks.
    Admin {
        #[command(subcommand)]
        command: AdminCommand,
    },
    /// Write a consistent copy of the database (DATABASE_URL) to PATH while
    /// the server runs: SQLite `VACUUM INTO`, PostgreSQL `pg_dump`. Never
    /// overwrites PATH. Photos are copied separately (docs/DEPLOY.md).
    Backup { path: PathBuf },
    /// Bring a backup made by `server backup` into the empty database at
    /// DATABASE_URL (refused if it holds anything).
    Restore { path: PathBuf },
    /// The retention job (docs/PRIVACY.md has its table).
    Retention {
        #[command(subcommand)]
        command: RetentionCommand,
    },
    /// Write .br and .gz copies of the built static assets.
    Precompress {
        /// The site root (default: the Leptos site root).
        dir: Option<PathBuf>,
    },
}

#[derive(Subcommand)]
enum AdminCommand {
    /// Grant a role to a person by national ID (bootstraps the first council admin).
    Grant {
        #[arg(long)]
        national_id: String,
        /// council_admin, association_admin, association_staff, trainer, family_member
        /// or data_protection_officer
        #[arg(long, default_value = "council_admin")]
        role: String,
        /// The association, for association roles.
        #[arg(long)]
        association: Option<i64>,
    },
}

#[derive(Subcommand)]
enum RetentionCommand {
    /// Apply the retention table once, now (skipped while another instance runs it).
    Run,
}

#[tokio::main]
async fn main() {
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_default_env()
                .unwrap_or_else(|_| "info,sqlx=warn,tower_http=warn".into()),
        )
        .init();
    if let Err(error) = run(Cli::parse()).await {
        eprintln!("error: {error}");
        std::process::exit(1);
    }
}

#[derive(Debug, thiserror::Error)]
enum CliError {
    #[error(transparent)]
    Start(#[from] StartError),
    #[error(transparent)]
    Seed(#[from] app::demo::SeedError),
    #[error(transparent)]
    Grant(#[from] app::identity::db::GrantError),
    #[error(transparent)]
    Io(#[from] std::io::Error),
    #[error(transparent)]
    Backup(#[from] server::backup::BackupError),
    #[error("the retention run failed: {0}")]
    Retention(sqlx::Error),
    #[error("{0}")]
    Usage(String),
}

async fn run(cli: Cli) -> Result<(), CliError> {
    server::config::check_leptos_variables().map_err(StartError::from)?;
    let leptos = leptos::config::get_configuration(None)
        .map_err(|e| StartError::Leptos(e.to_string()))?
        .leptos_options;
    // Read when a command needs it: `precompress` runs at build time, where
    // no deployment's variables are set.
    let config = || Config::from_env().map_err(StartError::from);
    match cli.command.unwrap_or(Command::Serve) {
        Command::Serve => serve(&config()?, leptos).await,
        Command::Migrate => {
            build_state(&config()?, leptos).await?;
            println!("migrations applied");
            Ok(())
        }
        Command::Seed {
            demo,
            households,
            products,
        } => {
            let config = config()?;
            let fictional = demo || households.is_some() || products.is_some();
            if fictional && !config.allows_demo_data() {
                return Err(CliError::Usage(
                    "demo and generated data are refused on a live configuration: they grant the \
                     council role to published national IDs. They need TAKAMUL_ENV=development and \
                     NAFATH_MODE=simulator (as `make run` sets)."
                        .to_string(),
                ));
            }
            let state = build_state(&config, leptos).await?;
            let report = if demo {
                app::demo::seed_demo(&state.db).await?
            } else {
                app::demo::seed_reference(&state.db).await?
            };
            println!(
                "seeded: {} cities, {} districts, {} assistance types, {} associations, {} personas, {} coverage cells",
                report.cities,
                report.districts,
                report.assistance_types,
                report.associations,
                report.personas,
                report.coverage_cells
            );
            if demo {
                let products = app::demo::seed_demo_market(&state.db, &state.photos).await?;
                println!("seeded: {products} demo marketplace products");
            }
            if let Some(count) = households {
                let started = std::time::Instant::now();
                let generated = app::demo::generate_households(&state.db, count).await?;
                println!(
                    "generated: {} households, {} application lines in {:.1} s",
                    generated.households,
                    generated.lines,
                    started.elapsed().as_secs_f64()
                );
            }
            if let Some(count) = products {
                let started = std::time::Instant::now();
                let generated = app::demo::generate_market(&state.db, &state.photos, count).await?;
                println!(
                    "generated: {} shops, {} products in {:.1} s",
                    generated.shops,
                    generated.products,
                    started.elapsed().as_secs_f64()
                );
            }
            if demo {
                print_personas();
            }
            Ok(())
        }
        Command::Admin {
            command:
                AdminCommand::Grant {
                    national_id,
                    role,
                    association,
                },
        } => {
            let state = build_state(&config()?, leptos).await?;
            let id = NationalId::parse(&national_id)
                .map_err(|e| CliError::Usage(format!("national ID: {e}")))?;
            let role = RoleKind::parse(&role)
                .ok_or_else(|| CliError::Usage(format!("unknown role {role}")))?;
            let (_, new) =
                app::identity::db::grant_role(&state.db, &id, role, association, None, None)
                    .await?;
            // grant_role wrote the role_granted audit row (no actor: the
            // command line) in the same transaction as the grant.
            println!(
                "{} {} to {}",
                if new { "granted" } else { "already held:" },
                role.as_str(),
                id.masked()
            );
            Ok(())
        }
        Command::Backup { path } => {
            let url = server::config::database_url_from_env().map_err(StartError::from)?;
            let report = server::backup::backup(&url, &path).await?;
            println!(
                "backup written: {} ({} bytes in {:.1} s)",
                report.path.display(),
                report.bytes,
                report.took.as_secs_f64()
            );
            Ok(())
        }
        Command::Restore { path } => {
            let url = server::config::database_url_from_env().map_err(StartError::from)?;
            server::backup::restore(&url, &path).await?;
            println!(
                "restored {} into {}; `server serve` applies any newer migrations",
                path.display(),
                server::config::masked_database_url(&url)
            );
            Ok(())
        }
        Command::Retention {
            command: RetentionCommand::Run,
        } => {
            let state = build_state(&config()?, leptos).await?;
            let outcome = app::data_protection::retention::run(
                &state.db,
                &app::data_protection::retention::policy_of(&state),
                app::database::now(),
                app::data_protection::retention::instance_name(),
                app::data_protection::StartedBy::CommandLine,
            )
            .await
            .map_err(CliError::Retention)?;
            println!("{}", app::data_protection::retention::describe(&outcome));
            Ok(())
        }
        Command::Precompress { dir } => {
            let dir = dir.unwrap_or_else(|| PathBuf::from(leptos.site_root.as_ref()));
            let n = server::precompress::precompress_dir(&dir)?;
            println!("precompressed {n} files under {}", dir.display());
            Ok(())
        }
    }
}

fn print_personas() {
    println!("\nDemo personas (sign in with the national ID, approve on /nafath-simulator):");
    for p in app::demo::personas() {
        let association = p
            .association
            .map(|i| format!(" — {}", app::demo::DEMO_ASSOCIATIONS[i].2))
            .unwrap_or_default();
        println!(
            "  {}  {:<18} {}{}",
            p.national_id,
            p.role.as_str(),
            p.name_en,
            association
        );
    }
}

async fn serve(config: &Config, leptos: leptos::config::LeptosOptions) -> Result<(), CliError> {
    let addr: SocketAddr = leptos.site_addr;
    config
        .check_listen_address(addr)
        .map_err(StartError::from)?;
    let state = build_state(config, leptos).await?;
    // Expired sessions, old sign-in attempts, audit rows past their period…
    // (docs/PRIVACY.md); one instance at a time runs it.
    app::data_protection::retention::spawn_schedule(
        state.clone(),
        std::time::Duration::from_secs(config.settings.retention_interval_secs),
    );
    // Search keys of the households stored before migration 0030 (resumes
    // where it stopped; one read once done).
    let fill_db = state.db.clone();
    tokio::spawn(async move {
        match app::registry::db::name_keys::fill(&fill_db).await {
            Ok(0) => {}
            Ok(n) => tracing::info!(households = n, "search keys filled"),
            Err(error) => tracing::error!(%error, "filling the search keys failed"),
        }
    });
    // Continuity statuses: a full recompute on a schedule (one instance at a
    // time) and the change feed every few seconds.
    app::continuity::job::spawn(
        state.clone(),
        std::time::Duration::from_secs(config.settings.continuity_interval_secs),
        std::time::Duration::from_secs(config.settings.continuity_feed_secs),
    );
    // The day-before session reminders (each enrolled person once, whatever
    // the number of instances).
    app::training::reminders::spawn_schedule(
        state.db.clone(),
        std::time::Duration::from_secs(config.settings.session_reminder_interval_secs),
    );
    // Loan instalment reminders a few days before each due date, on the
    // same schedule.
    app::financing::reminders::spawn_schedule(
        state.db.clone(),
        std::time::Duration::from_secs(config.settings.session_reminder_interval_secs),
    );
    let worker_state = state.clone();
    let app = router(state);
    let listener = tokio::net::TcpListener::bind(addr)
        .await
        .map_err(|cause| StartError::Listen { addr, cause })?;
    // The bound address: with port 0 the system chose it.
    let bound = listener.local_addr().unwrap_or(addr);
    println!("Takamul is listening on http://{bound}");
    server::start_messaging(&worker_state, bound);
    // TCP_NODELAY: without it small streamed responses wait on Nagle's algorithm.
    let listener = axum::serve::ListenerExt::tap_io(listener, |tcp| {
        if let Err(error) = tcp.set_nodelay(true) {
            tracing::warn!(%error, "could not set TCP_NODELAY");
        }
    });
    axum::serve(
        listener,
        app.into_make_service_with_connect_info::<SocketAddr>(),
    )
    .with_graceful_shutdown(async {
        let _ = tokio::signal::ctrl_c().await;
    })
    .await?;
    Ok(())
}
