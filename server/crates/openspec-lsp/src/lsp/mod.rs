//! The language server over stdio: protocol glue only. Analysis lives in `openspec-ide`; this
//! module converts positions, keeps open buffers and publishes results.

mod capabilities;
mod catch_panic;
mod convert;
pub mod document;
mod explorer;
mod handlers;
mod memory;
mod server;
mod settings;
pub mod state;
mod store_handlers;
mod to_proto;
mod transport;

use std::process::ExitCode;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

/// Serves LSP on stdin/stdout until the client sends `exit` or closes stdin. Exits 0 when a
/// `shutdown` request came first and 1 otherwise, as the specification asks of `exit` (a
/// closed stdin is treated the same way).
pub fn run() -> ExitCode {
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        // A blocking thread idle this long exits, and the allocator takes back the pages its
        // heap kept (see `memory`): no idle thread holds a check's working set.
        .thread_keep_alive(memory::THREAD_KEEP_ALIVE)
        .build()
    {
        Ok(runtime) => runtime,
        Err(error) => {
            eprintln!("openspec-lsp: cannot start the async runtime: {error}");
            return ExitCode::from(crate::cli::EXIT_USAGE);
        }
    };
    let shutdown_requested = Arc::new(AtomicBool::new(false));
    let flag = shutdown_requested.clone();
    runtime.block_on(async move {
        let panic_log = catch_panic::PanicLog::default();
        let client_for_log = panic_log.clone();
        let (service, socket) = tower_lsp_server::LspService::build(move |client| {
            client_for_log.set_client(client.clone());
            server::Backend::new(client, flag)
        })
        .custom_method(explorer::OUTLINE_REQUEST, server::Backend::outline)
        .finish();
        // A panic in a handler becomes an error response and a log entry, not a dead server.
        let service = catch_panic::CatchPanic::new(service, panic_log);
        // Requests compute on blocking threads; a generous limit keeps a slow one from stalling
        // the rest, and `$/cancelRequest` keeps working (it needs a limit above one).
        // The guard answers malformed messages itself; tower-lsp would stop reading at the first.
        let guarded = transport::guard(tokio::io::stdin(), tokio::io::stdout());
        tower_lsp_server::Server::new(guarded.server_input, guarded.server_output, socket)
            .concurrency_level(16)
            .serve(service)
            .await;
        transport::flush(guarded.writer).await;
    });
    // Blocking threads may still be finishing a computation nobody waits for any more.
    runtime.shutdown_background();
    if shutdown_requested.load(Ordering::SeqCst) { ExitCode::SUCCESS } else { ExitCode::FAILURE }
}
