//! Where log lines go on their way to stderr: one buffer per thread (a small array of
//! buffers, each thread appending to its own), emptied by a writer thread every
//! [`FLUSH_EVERY`] in one `write` per buffer. A request appends its access line to its
//! thread's buffer under a lock no other request thread takes (only the writer, a few
//! times a second), so it never waits for a write, wakes nobody and shares no lock.
//!
//! `tracing-appender`'s non-blocking writer, used before, sends every line through a
//! channel (an allocation per line, and a wake-up of the writer thread whenever it had
//! caught up) and writes each line with its own `write` call; at tens of thousands of
//! requests a second that was most of the cost of the access log.
//!
//! Lines are never dropped: a buffer that has grown past [`BACKLOG_LIMIT`] (the writer has
//! fallen far behind, e.g. stderr is a pipe nobody reads) is written out by the thread that
//! fills it, which then waits for the write, as before. Lines of different threads may
//! leave slightly out of order (each carries its own timestamp); a line is never split.

use std::io::Write;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, MutexGuard, OnceLock};
use std::thread::JoinHandle;
use std::time::Duration;

/// How often the writer thread empties the buffers.
pub const FLUSH_EVERY: Duration = Duration::from_millis(20);
/// A buffer this large is written out by the thread filling it.
pub const BACKLOG_LIMIT: usize = 4 << 20;

type Output = Box<dyn Write + Send>;

struct Inner {
    buffers: Box<[Mutex<Vec<u8>>]>,
    out: Mutex<Output>,
    stop: AtomicBool,
}

/// The process's log sink, set once by whoever configures logging ([`LogSink::install`]).
static GLOBAL: OnceLock<LogSink> = OnceLock::new();

/// A cheap handle on the buffers; see the module documentation.
#[derive(Clone)]
pub struct LogSink(Arc<Inner>);

/// Stops the writer thread and writes out what is left when dropped.
pub struct SinkGuard {
    sink: LogSink,
    writer: Option<JoinHandle<()>>,
}

fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    // A buffer of bytes cannot be left inconsistent by a panic elsewhere.
    m.lock().unwrap_or_else(|e| e.into_inner())
}

impl LogSink {
    /// A sink writing to `out`, with its writer thread running.
    pub fn start(out: impl Write + Send + 'static) -> (LogSink, SinkGuard) {
        let threads = std::thread::available_parallelism().map_or(4, |n| n.get());
        let buffers = (0..(threads * 2).max(4))
            .map(|_| Mutex::default())
            .collect();
        let sink = LogSink(Arc::new(Inner {
            buffers,
            out: Mutex::new(Box::new(out)),
            stop: AtomicBool::new(false),
        }));
        let writer = {
            let sink = sink.clone();
            std::thread::Builder::new()
                .name("packyard-log".into())
                .spawn(move || {
                    while !sink.0.stop.load(Ordering::Acquire) {
                        std::thread::sleep(FLUSH_EVERY);
                        sink.flush();
                    }
                })
                .ok()
        };
        let guard = SinkGuard {
            sink: sink.clone(),
            writer,
        };
        (sink, guard)
    }

    /// Makes this the sink [`global`] returns; false if one was installed already.
    pub fn install(&self) -> bool {
        GLOBAL.set(self.clone()).is_ok()
    }

    /// Appends what `line` writes (one or more whole lines) to this thread's buffer.
    pub fn append(&self, line: impl FnOnce(&mut Vec<u8>)) {
        let buffer = &self.0.buffers[thread_slot() % self.0.buffers.len()];
        let mut buffer = lock(buffer);
        line(&mut buffer);
        if buffer.len() > BACKLOG_LIMIT {
            let mut out = lock(&self.0.out);
            let _ = out.write_all(&buffer);
            let _ = out.flush();
            buffer.clear();
        }
    }

    /// Writes every buffer out now.
    pub fn flush(&self) {
        let mut spare = Vec::new();
        let mut out = lock(&self.0.out);
        for buffer in self.0.buffers.iter() {
            {
                let mut buffer = lock(buffer);
                if buffer.is_empty() {
                    continue;
                }
                std::mem::swap(&mut *buffer, &mut spare);
            }
            let _ = out.write_all(&spare);
            spare.clear();
        }
        let _ = out.flush();
    }
}

impl Drop for SinkGuard {
    fn drop(&mut self) {
        self.sink.0.stop.store(true, Ordering::Release);
        if let Some(writer) = self.writer.take() {
            let _ = writer.join();
        }
        self.sink.flush();
    }
}

/// The installed sink, if logging was set up with one.
pub fn global() -> Option<&'static LogSink> {
    GLOBAL.get()
}

/// This thread's buffer number: threads take turns, so each worker thread of a runtime
/// with no more workers than buffers has a buffer of its own.
fn thread_slot() -> usize {
    static NEXT: AtomicUsize = AtomicUsize::new(0);
    thread_local! {
        static SLOT: usize = NEXT.fetch_add(1, Ordering::Relaxed);
    }
    SLOT.with(|slot| *slot)
}

/// A `std::io::Write` into the sink, for a logging library's formatter: every `write` call
/// must carry whole lines (`tracing-subscriber` writes each event with one call).
pub struct SinkWriter(pub LogSink);

impl Write for SinkWriter {
    fn write(&mut self, bytes: &[u8]) -> std::io::Result<usize> {
        self.0.append(|buffer| buffer.extend_from_slice(bytes));
        Ok(bytes.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}
