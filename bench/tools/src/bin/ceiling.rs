//! The ceiling for p2 throughput on this machine: a minimal hyper server that answers every
//! file under a directory from memory (read once at start-up), with no authentication, no
//! routing beyond one hash lookup, no log and no metrics. Same runtime (tokio, multi-thread),
//! same HTTP stack (hyper) and same allocator (mimalloc) as packyard, so the ratio packyard ÷
//! ceiling is what packyard's own work costs.
//!
//! usage: ceiling ROOT_DIR LISTEN_ADDR

use std::collections::HashMap;
use std::convert::Infallible;
use std::path::Path;
use std::sync::Arc;

use bytes::Bytes;
use http_body_util::Full;
use hyper::{Request, Response, StatusCode, header};
use hyper_util::rt::{TokioExecutor, TokioIo};
use hyper_util::server::conn::auto;

#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn load(root: &Path, dir: &Path, files: &mut HashMap<String, Bytes>) -> std::io::Result<()> {
    for entry in std::fs::read_dir(dir)? {
        let path = entry?.path();
        if path.is_dir() {
            load(root, &path, files)?;
        } else if let Ok(relative) = path.strip_prefix(root) {
            let key = format!("/{}", relative.to_string_lossy());
            files.insert(key, Bytes::from(std::fs::read(&path)?));
        }
    }
    Ok(())
}

#[tokio::main]
async fn main() -> std::io::Result<()> {
    let args: Vec<String> = std::env::args().collect();
    let [_, root, listen] = &args[..] else {
        eprintln!("usage: ceiling ROOT_DIR LISTEN_ADDR");
        std::process::exit(2);
    };
    let mut files = HashMap::new();
    load(Path::new(root), Path::new(root), &mut files)?;
    let files = Arc::new(files);
    let listener = tokio::net::TcpListener::bind(listen).await?;
    println!("ceiling: {} files, listening on {listen}", files.len());
    let builder = Arc::new(auto::Builder::new(TokioExecutor::new()));
    loop {
        let (tcp, _) = listener.accept().await?;
        let _ = tcp.set_nodelay(true);
        let (files, builder) = (files.clone(), builder.clone());
        tokio::spawn(async move {
            let service = hyper::service::service_fn(move |request: Request<hyper::body::Incoming>| {
                let body = files.get(request.uri().path()).cloned();
                async move {
                    Ok::<_, Infallible>(match body {
                        Some(body) => Response::builder()
                            .header(header::CONTENT_TYPE, "application/json")
                            .body(Full::new(body))
                            .expect("static response"),
                        None => Response::builder()
                            .status(StatusCode::NOT_FOUND)
                            .body(Full::new(Bytes::new()))
                            .expect("static response"),
                    })
                }
            });
            let _ = builder.serve_connection(TokioIo::new(tcp), service).await;
        });
    }
}
