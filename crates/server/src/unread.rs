//! Whether a request's body was read to its end. A request refused before its bytes were
//! wanted (a PutObject denied up front, with `Expect: 100-continue` or not) leaves them unread;
//! the connection then cannot carry another request, and the response must say so with
//! `Connection: close` [RFC 9110 §9.6] — else a client reusing it sees its next request fail.

use std::pin::Pin;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::task::{Context, Poll};

use bytes::Bytes;
use http_body::{Body, Frame, SizeHint};
use hyper::body::Incoming;

/// A request body that records reaching its end.
pub struct Tracked {
    inner: Incoming,
    done: Arc<AtomicBool>,
}

impl Tracked {
    /// The body, and a flag that is true once it has been read to its end (at once for an
    /// empty one).
    pub fn new(inner: Incoming) -> (Tracked, Arc<AtomicBool>) {
        let done = Arc::new(AtomicBool::new(inner.is_end_stream()));
        (
            Tracked {
                inner,
                done: done.clone(),
            },
            done,
        )
    }
}

impl Body for Tracked {
    type Data = Bytes;
    type Error = hyper::Error;

    fn poll_frame(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
    ) -> Poll<Option<Result<Frame<Bytes>, hyper::Error>>> {
        let polled = Pin::new(&mut self.inner).poll_frame(cx);
        if matches!(polled, Poll::Ready(None)) || self.inner.is_end_stream() {
            self.done.store(true, Ordering::Release);
        }
        polled
    }

    fn is_end_stream(&self) -> bool {
        self.inner.is_end_stream()
    }

    fn size_hint(&self) -> SizeHint {
        self.inner.size_hint()
    }
}

/// Marks a response to an HTTP/1 request whose body was left unread as the connection's last.
pub fn close_if_unread<B>(
    response: &mut http::Response<B>,
    version: http::Version,
    done: &AtomicBool,
) {
    let http1 = matches!(version, http::Version::HTTP_10 | http::Version::HTTP_11);
    if http1 && !done.load(Ordering::Acquire) {
        response.headers_mut().insert(
            http::header::CONNECTION,
            http::HeaderValue::from_static("close"),
        );
    }
}
