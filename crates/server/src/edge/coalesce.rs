//! An HTTP/2 connection's writes, gathered into one write per pass of its task.
//!
//! hyper takes an HTTP/2 connection's requests one at a time, and `h2` runs a whole pass over
//! the connection for each — reading, then writing and flushing the frames queued so far — so
//! sixteen answers to sixteen streams that arrived together went out as sixteen socket
//! writes, each its own TLS record (tokio-rustls writes to the socket on every write) and TCP
//! segment. nginx writes what one turn of its event loop produced at once. [`Coalesce`] does
//! the same: writes are gathered in a buffer, and a flush is put off until the connection's
//! task runs again ([`Passes`]: the task counts the times it is polled), waking the task so
//! that it does; the flush in that next pass sends everything in one write.
//!
//! Nothing is held back for long: the held bytes go out on the task's next pass, in a read or
//! a flush, whichever comes first, and whenever they would grow past [`LIMIT`].

use std::io::{self, IoSlice};
use std::pin::Pin;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::task::{Context, Poll, ready};

use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};

/// The most bytes held before they are written whatever comes next: four full TLS records.
pub const LIMIT: usize = 64 * 1024;

/// The most buffer a connection keeps between bursts.
const KEPT: usize = 16 * 1024;

/// How many times a connection's task has been polled: bumped by the task before it polls
/// the connection ([`Passes::next`]), read by its [`Coalesce`].
#[derive(Clone, Default)]
pub struct Passes(Arc<AtomicU64>);

impl Passes {
    /// Marks the start of a pass.
    pub fn next(&self) {
        self.0.fetch_add(1, Ordering::Relaxed);
    }

    fn current(&self) -> u64 {
        self.0.load(Ordering::Relaxed)
    }
}

pub struct Coalesce<T> {
    inner: T,
    passes: Passes,
    /// Bytes accepted and not yet written to `inner`, from `sent` on.
    held: Vec<u8>,
    sent: usize,
    /// The pass in which a flush was put off, while its bytes are held.
    owed_since: Option<u64>,
}

impl<T> Coalesce<T> {
    pub fn new(inner: T, passes: Passes) -> Coalesce<T> {
        Coalesce {
            inner,
            passes,
            held: Vec::new(),
            sent: 0,
            owed_since: None,
        }
    }

    /// Whether a flush was put off in an earlier pass than this one.
    fn owed_before_now(&self) -> bool {
        self.owed_since
            .is_some_and(|pass| pass != self.passes.current())
    }
}

impl<T: AsyncWrite + Unpin> Coalesce<T> {
    /// Writes every held byte to `inner` (not flushing it).
    fn poll_send_held(&mut self, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        while self.sent < self.held.len() {
            let n = ready!(Pin::new(&mut self.inner).poll_write(cx, &self.held[self.sent..]))?;
            if n == 0 {
                return Poll::Ready(Err(io::ErrorKind::WriteZero.into()));
            }
            self.sent += n;
        }
        self.sent = 0;
        if self.held.capacity() > KEPT {
            // A burst's buffer is not kept by a connection that may now idle for minutes.
            self.held = Vec::new();
        } else {
            self.held.clear();
        }
        Poll::Ready(Ok(()))
    }

    /// Sends what is held and flushes `inner`.
    fn poll_send_all(&mut self, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        ready!(self.poll_send_held(cx))?;
        ready!(Pin::new(&mut self.inner).poll_flush(cx))?;
        self.owed_since = None;
        Poll::Ready(Ok(()))
    }
}

impl<T: AsyncRead + AsyncWrite + Unpin> AsyncRead for Coalesce<T> {
    fn poll_read(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        // A flush put off in an earlier pass is paid before the connection reads on: the
        // peer may be waiting for these bytes. An error here shows again on the next write
        // or flush.
        if self.owed_before_now() {
            let _ = self.poll_send_all(cx);
        }
        Pin::new(&mut self.inner).poll_read(cx, buf)
    }
}

impl<T: AsyncWrite + Unpin> AsyncWrite for Coalesce<T> {
    fn poll_write(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        self.poll_write_vectored(cx, &[IoSlice::new(buf)])
    }

    fn poll_write_vectored(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        bufs: &[IoSlice<'_>],
    ) -> Poll<io::Result<usize>> {
        let len: usize = bufs.iter().map(|b| b.len()).sum();
        if self.held.len() + len > LIMIT {
            ready!(self.poll_send_held(cx))?;
            if len > LIMIT {
                // Too large to hold: nothing is held now, so the order is kept.
                return Pin::new(&mut self.inner).poll_write_vectored(cx, bufs);
            }
        }
        for b in bufs {
            self.held.extend_from_slice(b);
        }
        Poll::Ready(Ok(len))
    }

    fn is_write_vectored(&self) -> bool {
        true
    }

    fn poll_flush(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        if self.sent < self.held.len() && !self.owed_before_now() {
            // More answers may be written in this pass; the wake brings the next one, whose
            // flush (or read) sends them all.
            if self.owed_since.is_none() {
                self.owed_since = Some(self.passes.current());
                cx.waker().wake_by_ref();
            }
            return Poll::Ready(Ok(()));
        }
        self.poll_send_all(cx)
    }

    fn poll_shutdown(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        ready!(self.poll_send_all(cx))?;
        Pin::new(&mut self.inner).poll_shutdown(cx)
    }
}

#[cfg(test)]
mod tests {
    use super::{Coalesce, LIMIT, Passes};
    use std::pin::Pin;
    use std::sync::atomic::{AtomicBool, Ordering};
    use std::sync::{Arc, Mutex};
    use std::task::{Context, Poll, Wake, Waker};
    use tokio::io::{AsyncRead, AsyncReadExt, AsyncWrite, AsyncWriteExt, ReadBuf};

    /// A socket that records each write it is given, and reads nothing.
    #[derive(Clone, Default)]
    struct Recorder(Arc<Mutex<Vec<Vec<u8>>>>);

    impl Recorder {
        fn writes(&self) -> Vec<Vec<u8>> {
            self.0.lock().unwrap().clone()
        }
    }

    impl AsyncRead for Recorder {
        fn poll_read(
            self: Pin<&mut Self>,
            _: &mut Context<'_>,
            _: &mut ReadBuf<'_>,
        ) -> Poll<std::io::Result<()>> {
            Poll::Ready(Ok(()))
        }
    }

    impl AsyncWrite for Recorder {
        fn poll_write(
            self: Pin<&mut Self>,
            _: &mut Context<'_>,
            buf: &[u8],
        ) -> Poll<std::io::Result<usize>> {
            self.0.lock().unwrap().push(buf.to_vec());
            Poll::Ready(Ok(buf.len()))
        }
        fn poll_flush(self: Pin<&mut Self>, _: &mut Context<'_>) -> Poll<std::io::Result<()>> {
            Poll::Ready(Ok(()))
        }
        fn poll_shutdown(self: Pin<&mut Self>, _: &mut Context<'_>) -> Poll<std::io::Result<()>> {
            Poll::Ready(Ok(()))
        }
    }

    #[tokio::test]
    async fn the_writes_of_one_pass_go_out_in_one_write_in_the_next() {
        let socket = Recorder::default();
        let passes = Passes::default();
        let mut io = Coalesce::new(socket.clone(), passes.clone());
        // hyper's pattern: each answer written and flushed, several in one pass.
        passes.next();
        for frame in [&b"one"[..], b"two", b"three"] {
            io.write_all(frame).await.unwrap();
            io.flush().await.unwrap();
        }
        assert!(socket.writes().is_empty(), "held until the pass ends");
        passes.next();
        io.flush().await.unwrap();
        assert_eq!(socket.writes(), vec![b"onetwothree".to_vec()]);
        io.flush().await.unwrap();
        assert_eq!(socket.writes().len(), 1, "nothing held, nothing written");
    }

    #[tokio::test]
    async fn a_put_off_flush_is_paid_by_the_next_pass_s_read() {
        let socket = Recorder::default();
        let passes = Passes::default();
        let mut io = Coalesce::new(socket.clone(), passes.clone());
        io.write_all(b"answer").await.unwrap();
        io.flush().await.unwrap();
        let mut none = [0u8; 4];
        let _ = io.read(&mut none).await.unwrap();
        assert!(socket.writes().is_empty(), "the same pass reads on");
        passes.next();
        let _ = io.read(&mut none).await.unwrap();
        assert_eq!(socket.writes(), vec![b"answer".to_vec()]);
    }

    #[tokio::test]
    async fn a_large_burst_s_buffer_is_not_kept() {
        let passes = Passes::default();
        let mut io = Coalesce::new(Recorder::default(), passes.clone());
        io.write_all(&[7u8; 100]).await.unwrap();
        io.flush().await.unwrap();
        passes.next();
        io.flush().await.unwrap();
        assert!(
            io.held.capacity() > 0,
            "a small buffer is kept for the next burst"
        );
        io.write_all(&vec![7u8; super::KEPT + 1]).await.unwrap();
        io.flush().await.unwrap();
        passes.next();
        io.flush().await.unwrap();
        assert_eq!(io.held.capacity(), 0, "a large one is let go");
    }

    /// A waker that records being woken.
    #[derive(Default)]
    struct Flag(AtomicBool);

    impl Wake for Flag {
        fn wake(self: Arc<Self>) {
            self.0.store(true, Ordering::SeqCst);
        }
    }

    #[tokio::test]
    async fn a_put_off_flush_wakes_the_task() {
        let mut io = Coalesce::new(Recorder::default(), Passes::default());
        io.write_all(b"answer").await.unwrap();
        let flag = Arc::new(Flag::default());
        let waker = Waker::from(flag.clone());
        let mut cx = Context::from_waker(&waker);
        assert!(Pin::new(&mut io).poll_flush(&mut cx).is_ready());
        assert!(flag.0.load(Ordering::SeqCst), "woken to pay the flush");
    }

    #[tokio::test]
    async fn nothing_is_held_past_the_limit_and_order_is_kept() {
        let socket = Recorder::default();
        let mut io = Coalesce::new(socket.clone(), Passes::default());
        io.write_all(&vec![1u8; LIMIT - 10]).await.unwrap();
        io.write_all(&[2u8; 20]).await.unwrap();
        assert_eq!(socket.writes().len(), 1, "the full buffer went out first");
        io.write_all(&vec![3u8; LIMIT + 1]).await.unwrap();
        io.shutdown().await.unwrap();
        let all: Vec<u8> = socket.writes().concat();
        assert_eq!(all.len(), LIMIT - 10 + 20 + LIMIT + 1);
        assert!(all[..LIMIT - 10].iter().all(|&b| b == 1));
        assert!(all[LIMIT - 10..LIMIT + 10].iter().all(|&b| b == 2));
        assert!(all[LIMIT + 10..].iter().all(|&b| b == 3));
    }
}
