//! Assembles the application: state, routes, background worker, listener.

use crate::clock::Clock;
use crate::store::Db;
use crate::{api, i18n, jobs, metrics, security_headers, web, AppState, Config};
use axum::middleware;
use axum::routing::get;
use axum::Router;
use std::net::SocketAddr;
use std::sync::Arc;

/// Connects, migrates and loads what every request needs.
pub async fn build_state(
    database_url: &str,
    config: Config,
    clock: Arc<dyn Clock>,
) -> anyhow::Result<AppState> {
    let db = Db::connect(database_url).await?;
    db.migrate().await?;
    let secret = {
        let mut conn = db.reader().acquire().await?;
        crate::store::merchants::setting_or_insert(&mut conn, "link_secret", || {
            crate::app::auth::random_token(32)
        })
        .await?
    };
    let i18n = i18n::Translations::load().map_err(anyhow::Error::msg)?;
    Ok(AppState {
        db,
        clock,
        secret: Arc::new(secret.into_bytes()),
        config: Arc::new(config),
        i18n: Arc::new(i18n),
        metrics: Arc::new(metrics::Metrics::new(None)),
        // Set by `reso serve` from the environment (and by tests that need it).
        sealing_key: None,
    })
}

pub fn router(state: AppState) -> Router {
    router_with(state, Router::new())
}

/// The application's routes plus `extra` (the dev clock's, when enabled).
pub fn router_with(state: AppState, extra: Router<AppState>) -> Router {
    let observe = middleware::from_fn_with_state(state.metrics.clone(), metrics::observe);
    Router::new()
        .route("/healthz", get(|| async { "ok" }))
        .route("/metrics", get(metrics::scrape))
        .merge(extra)
        .merge(api::router())
        .merge(web::router())
        .layer(middleware::from_fn_with_state(
            security_headers::Https(state.config.secure_cookies),
            security_headers::add,
        ))
        // Outermost: request id, span, log line and latency of every request.
        .layer(observe)
        .with_state(state)
}

/// Serves until Ctrl-C or SIGTERM, with the outbox worker running beside the
/// server. `on_ready` is told the bound address (useful with port 0).
pub async fn serve(
    state: AppState,
    addr: SocketAddr,
    on_ready: impl FnOnce(SocketAddr),
) -> anyhow::Result<()> {
    let listener = tokio::net::TcpListener::bind(addr).await?;
    let stop = shutdown_signal();
    on_ready(listener.local_addr()?);
    serve_on(state, listener, stop).await
}

/// Like `serve`, on a listener the caller bound (so the public URL can name
/// the real port when asked for port 0), until `stop` completes.
pub async fn serve_on(
    state: AppState,
    listener: tokio::net::TcpListener,
    stop: impl std::future::Future<Output = ()> + Send + 'static,
) -> anyhow::Result<()> {
    serve_on_with(state, listener, stop, Router::new()).await
}

/// Like `serve_on`, with `extra` routes (see `router_with`).
pub async fn serve_on_with(
    state: AppState,
    listener: tokio::net::TcpListener,
    stop: impl std::future::Future<Output = ()> + Send + 'static,
    extra: Router<AppState>,
) -> anyhow::Result<()> {
    let worker = tokio::spawn(jobs::run_forever(state.clone()));
    // With each connection's peer address: the sign-in limits count per client.
    let app = router_with(state, extra).into_make_service_with_connect_info::<SocketAddr>();
    axum::serve(listener, app)
        .with_graceful_shutdown(stop)
        .await?;
    worker.abort();
    Ok(())
}

/// Completes on Ctrl-C, or SIGTERM from a service manager or `docker stop`.
/// The handlers are installed when this is called, not when first awaited:
/// a signal that arrives right after "ready" is printed still stops cleanly.
pub fn shutdown_signal() -> impl std::future::Future<Output = ()> + Send + 'static {
    #[cfg(unix)]
    let handlers = {
        use tokio::signal::unix::{signal, SignalKind};
        (
            signal(SignalKind::interrupt()).ok(),
            signal(SignalKind::terminate()).ok(),
        )
    };
    async move {
        #[cfg(unix)]
        {
            let (mut interrupt, mut terminate) = handlers;
            let interrupted = async {
                match interrupt.as_mut() {
                    Some(s) => {
                        let _ = s.recv().await;
                    }
                    None => {
                        let _ = tokio::signal::ctrl_c().await;
                    }
                }
            };
            let terminated = async {
                match terminate.as_mut() {
                    Some(s) => {
                        let _ = s.recv().await;
                    }
                    None => std::future::pending::<()>().await,
                }
            };
            tokio::select! {
                () = interrupted => {}
                () = terminated => {}
            }
        }
        #[cfg(not(unix))]
        {
            let _ = tokio::signal::ctrl_c().await;
        }
    }
}
