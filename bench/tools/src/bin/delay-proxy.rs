//! A TCP proxy that delays every byte by a fixed time in each direction, to measure clients
//! over a link with round-trip time (these kernels have no `netem`). Each chunk read is sent
//! on once its arrival time plus the delay has passed, in order; throughput is not limited.
//!
//! usage: delay-proxy LISTEN_ADDR UPSTREAM_ADDR ONE_WAY_DELAY_MS

use std::time::Duration;

use bytes::Bytes;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;
use tokio::net::tcp::{OwnedReadHalf, OwnedWriteHalf};
use tokio::sync::mpsc;
use tokio::time::Instant;

async fn pipe(mut from: OwnedReadHalf, mut to: OwnedWriteHalf, delay: Duration) {
    let (tx, mut rx) = mpsc::unbounded_channel::<(Instant, Bytes)>();
    let reader = tokio::spawn(async move {
        let mut buf = vec![0u8; 64 * 1024];
        loop {
            match from.read(&mut buf).await {
                Ok(0) | Err(_) => break,
                Ok(n) => {
                    if tx.send((Instant::now() + delay, Bytes::copy_from_slice(&buf[..n]))).is_err() {
                        break;
                    }
                }
            }
        }
    });
    while let Some((due, chunk)) = rx.recv().await {
        tokio::time::sleep_until(due).await;
        if to.write_all(&chunk).await.is_err() {
            break;
        }
    }
    let _ = to.shutdown().await;
    reader.abort();
}

#[tokio::main]
async fn main() -> std::io::Result<()> {
    let args: Vec<String> = std::env::args().collect();
    let [_, listen, upstream, delay_ms] = &args[..] else {
        eprintln!("usage: delay-proxy LISTEN_ADDR UPSTREAM_ADDR ONE_WAY_DELAY_MS");
        std::process::exit(2);
    };
    let delay = Duration::from_millis(delay_ms.parse().expect("delay in milliseconds"));
    let listener = tokio::net::TcpListener::bind(listen).await?;
    println!("delay-proxy: {listen} -> {upstream}, {delay:?} each way");
    loop {
        let (client, _) = listener.accept().await?;
        let upstream = upstream.clone();
        tokio::spawn(async move {
            let Ok(server) = TcpStream::connect(&upstream).await else {
                return;
            };
            let _ = (client.set_nodelay(true), server.set_nodelay(true));
            let (client_read, client_write) = client.into_split();
            let (server_read, server_write) = server.into_split();
            tokio::join!(
                pipe(client_read, server_write, delay),
                pipe(server_read, client_write, delay)
            );
        });
    }
}
