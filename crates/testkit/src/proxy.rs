//! A TCP proxy a test puts between the server and its database, to take the database away
//! and bring it back without stopping the shared PostgreSQL cluster. A cut closes every
//! forwarded connection and closes the port, so new connections are refused: what a client
//! sees of a database server that was stopped. Restoring listens on the same port again.

use std::net::SocketAddr;
use std::sync::Mutex;

use tokio::net::{TcpListener, TcpStream};
use tokio::sync::watch;
use tokio::task::JoinHandle;

pub struct TcpProxy {
    pub addr: SocketAddr,
    upstream: SocketAddr,
    /// Bumped on every cut; each forwarding task ends when it changes.
    cuts: watch::Sender<u64>,
    accepting: Mutex<Option<JoinHandle<()>>>,
    runtime: Option<tokio::runtime::Runtime>,
}

impl TcpProxy {
    /// Starts forwarding a port on 127.0.0.1 to `upstream`, on a runtime of its own.
    pub fn start(upstream: SocketAddr) -> TcpProxy {
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(1)
            .enable_all()
            .build()
            .expect("a runtime for the proxy");
        let listener = runtime
            .block_on(TcpListener::bind("127.0.0.1:0"))
            .expect("a port for the proxy");
        let addr = listener.local_addr().expect("the proxy's address");
        let (cuts, _) = watch::channel(0);
        let accepting = runtime.spawn(accept(listener, upstream, cuts.clone()));
        TcpProxy {
            addr,
            upstream,
            cuts,
            accepting: Mutex::new(Some(accepting)),
            runtime: Some(runtime),
        }
    }

    /// Closes every forwarded connection and the port, until [`TcpProxy::restore`].
    pub fn cut(&self) {
        if let Some(accepting) = self.lock().take() {
            accepting.abort();
        }
        self.cuts.send_modify(|n| *n += 1);
    }

    /// Listens on the same port again.
    pub fn restore(&self) {
        let Some(runtime) = &self.runtime else { return };
        let listener = runtime
            .block_on(TcpListener::bind(self.addr))
            .expect("the proxy's port is free again");
        let accepting = runtime.spawn(accept(listener, self.upstream, self.cuts.clone()));
        *self.lock() = Some(accepting);
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Option<JoinHandle<()>>> {
        self.accepting.lock().unwrap_or_else(|p| p.into_inner())
    }
}

impl Drop for TcpProxy {
    fn drop(&mut self) {
        self.cut();
        if let Some(runtime) = self.runtime.take() {
            runtime.shutdown_background();
        }
    }
}

async fn accept(listener: TcpListener, upstream: SocketAddr, cuts: watch::Sender<u64>) {
    while let Ok((client, _)) = listener.accept().await {
        tokio::spawn(forward(client, upstream, cuts.subscribe()));
    }
}

async fn forward(mut client: TcpStream, upstream: SocketAddr, mut cut: watch::Receiver<u64>) {
    let Ok(mut server) = TcpStream::connect(upstream).await else {
        return;
    };
    tokio::select! {
        _ = tokio::io::copy_bidirectional(&mut client, &mut server) => {}
        _ = cut.changed() => {}
    }
}
