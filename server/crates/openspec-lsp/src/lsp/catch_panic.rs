//! A wrapper around the language service that turns a panic in any handler (should one slip
//! through) into an `InternalError` response for a request, nothing for a notification, and a
//! log entry either way, so the server keeps serving. tower-lsp polls every handler inside its
//! serve loop, where an unwinding panic would otherwise end the process. It also answers an
//! unknown `$/` request, which tower-lsp leaves unanswered (LSP asks for `MethodNotFound`;
//! only `$/` notifications may be ignored). Adds no other behaviour.

use std::future::Future;
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::pin::Pin;
use std::sync::{Arc, OnceLock};
use std::task::{Context, Poll};

use tower_lsp_server::jsonrpc::{Error, ErrorCode, Request, Response};
use tower_lsp_server::{Client, ls_types};
use tower_service::Service;

/// Where a caught panic is reported: the client's log once the client handle exists (it is
/// created with the service), and stderr, which editors keep as the server's log, always (the
/// standard panic hook has already written the panic's place there).
#[derive(Clone, Default)]
pub struct PanicLog(Arc<OnceLock<Client>>);

impl PanicLog {
    pub fn set_client(&self, client: Client) {
        let _ = self.0.set(client);
    }

    async fn report(&self, what: &str, message: &str) {
        eprintln!("openspec-lsp: {what} panicked: {message}; the server goes on");
        if let Some(client) = self.0.get() {
            let text = format!("openspec-lsp: {what} failed inside the server ({message}); please report this");
            client.log_message(ls_types::MessageType::ERROR, text).await;
        }
    }
}

pub struct CatchPanic<S> {
    inner: S,
    log: PanicLog,
}

impl<S> CatchPanic<S> {
    pub fn new(inner: S, log: PanicLog) -> Self {
        Self { inner, log }
    }
}

type BoxFuture<T> = Pin<Box<dyn Future<Output = T> + Send>>;

impl<S> Service<Request> for CatchPanic<S>
where
    S: Service<Request, Response = Option<Response>>,
    S::Future: Send + 'static,
    S::Error: Send + 'static,
{
    type Response = Option<Response>;
    type Error = S::Error;
    type Future = BoxFuture<Result<Option<Response>, S::Error>>;

    fn poll_ready(&mut self, cx: &mut Context<'_>) -> Poll<Result<(), Self::Error>> {
        self.inner.poll_ready(cx)
    }

    fn call(&mut self, request: Request) -> Self::Future {
        let id = request.id().cloned();
        let what = request.method().to_owned();
        let log = self.log.clone();
        let inner = &mut self.inner;
        let called = catch_unwind(AssertUnwindSafe(move || inner.call(request)));
        Box::pin(async move {
            let outcome = match called {
                Ok(future) => CatchUnwind(Box::pin(future)).await,
                Err(payload) => Err(payload),
            };
            match outcome {
                Ok(Ok(None)) if what.starts_with("$/") && id.is_some() => {
                    Ok(id.map(|id| Response::from_error(id, Error::method_not_found())))
                }
                Ok(result) => result,
                Err(payload) => {
                    let message = payload
                        .downcast_ref::<&str>()
                        .map(ToString::to_string)
                        .or_else(|| payload.downcast_ref::<String>().cloned())
                        .unwrap_or_else(|| "no message".to_owned());
                    log.report(&what, &message).await;
                    let error = Error {
                        code: ErrorCode::InternalError,
                        message: format!("{what} failed inside openspec-lsp: {message}").into(),
                        data: None,
                    };
                    Ok(id.map(|id| Response::from_error(id, error)))
                }
            }
        })
    }
}

/// Polls a future, catching a panic in any poll.
struct CatchUnwind<F>(Pin<Box<F>>);

impl<F: Future> Future for CatchUnwind<F> {
    type Output = Result<F::Output, Box<dyn std::any::Any + Send>>;

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        let inner = self.0.as_mut();
        match catch_unwind(AssertUnwindSafe(|| inner.poll(cx))) {
            Ok(Poll::Pending) => Poll::Pending,
            Ok(Poll::Ready(value)) => Poll::Ready(Ok(value)),
            Err(payload) => Poll::Ready(Err(payload)),
        }
    }
}

#[cfg(test)]
mod tests {
    use futures::StreamExt;
    use serde_json::json;
    use tower_lsp_server::jsonrpc::{Id, Request};
    use tower_lsp_server::{LanguageServer, LspService, ls_types};
    use tower_service::Service;

    use super::{CatchPanic, PanicLog};

    /// A server whose hover panics and whose `didSave` panics, as a stand-in for a bug.
    struct Fragile;

    impl LanguageServer for Fragile {
        async fn initialize(
            &self,
            _: ls_types::InitializeParams,
        ) -> tower_lsp_server::jsonrpc::Result<ls_types::InitializeResult> {
            Ok(ls_types::InitializeResult::default())
        }

        async fn shutdown(&self) -> tower_lsp_server::jsonrpc::Result<()> {
            Ok(())
        }

        async fn hover(&self, _: ls_types::HoverParams) -> tower_lsp_server::jsonrpc::Result<Option<ls_types::Hover>> {
            panic!("hover exploded");
        }

        async fn did_save(&self, _: ls_types::DidSaveTextDocumentParams) {
            panic!("didSave exploded");
        }
    }

    fn hover_request(id: i64) -> Request {
        Request::build("textDocument/hover")
            .id(id)
            .params(json!({"textDocument": {"uri": "file:///a.md"}, "position": {"line": 0, "character": 0}}))
            .finish()
    }

    #[tokio::test]
    async fn a_panicking_handler_answers_with_an_error_and_the_service_goes_on() {
        let log = PanicLog::default();
        let client_log = log.clone();
        let (service, socket) = LspService::new(move |client| {
            client_log.set_client(client);
            Fragile
        });
        let mut service = CatchPanic::new(service, log);
        let (mut to_client, _) = socket.split();
        let initialize = Request::build("initialize").id(1).params(json!({"capabilities": {}})).finish();
        let answer = service.call(initialize).await.ok().flatten().expect("initialize answers");
        assert!(answer.is_ok(), "{answer:?}");
        service.call(Request::build("initialized").params(json!({})).finish()).await.ok();

        let answer = service.call(hover_request(2)).await.ok().flatten().expect("hover answers");
        assert_eq!(answer.id(), &Id::Number(2));
        let error = answer.error().expect("an error response");
        assert_eq!(error.code, tower_lsp_server::jsonrpc::ErrorCode::InternalError);
        assert!(error.message.contains("hover exploded"), "{error:?}");
        // The client's log says so too.
        let logged = to_client.next().await.expect("a log message");
        assert_eq!(logged.method(), "window/logMessage");
        assert!(
            logged.params().is_some_and(|params| params["message"].as_str().unwrap_or("").contains("hover exploded"))
        );

        // A notification that panics gets no answer (none is due) and is logged.
        let saved =
            Request::build("textDocument/didSave").params(json!({"textDocument": {"uri": "file:///a.md"}})).finish();
        assert_eq!(service.call(saved).await.ok(), Some(None));
        assert_eq!(
            to_client.next().await.map(|request| request.method().to_owned()).as_deref(),
            Some("window/logMessage")
        );

        // And the service still serves.
        let answer =
            service.call(Request::build("shutdown").id(3).finish()).await.ok().flatten().expect("shutdown answers");
        assert!(answer.is_ok(), "{answer:?}");
    }
}
