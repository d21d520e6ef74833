//! Package uploads (admin API, back office) arrive as a body stream that is spooled to a
//! temporary file, never gathered in memory: the size limit (`--max-upload-mib`) is enforced
//! while the bytes arrive, and a body that does not start like a zip archive is refused after
//! its first bytes, so a 300 MiB mistake costs the server a buffer, not 300 MiB. Only an
//! upload that passed both is read back for publishing (bounded by the limit).

use futures_util::{Stream, StreamExt};
use tokio::io::{AsyncReadExt, AsyncSeekExt, AsyncWriteExt};

/// The first bytes of every zip archive: a local file header, or the end-of-central-directory
/// record of an empty archive.
const ZIP_STARTS: [&[u8; 4]; 2] = [b"PK\x03\x04", b"PK\x05\x06"];

#[derive(Debug, thiserror::Error)]
pub enum UploadError {
    #[error(
        "the upload is larger than this server's limit of {limit_mib} MiB; the operator can raise it with --max-upload-mib"
    )]
    TooLarge { limit_mib: usize },
    #[error("the upload is not a zip archive (it does not start like one)")]
    NotZip,
    #[error("the upload is empty; send the zip archive as the request body")]
    Empty,
    #[error("the upload could not be read: {0}")]
    Read(String),
}

/// Spools `body` to a temporary file within `limit` bytes, checking that it starts like a
/// zip, and returns its bytes.
pub async fn read_zip<S, B, E>(mut body: S, limit: usize) -> Result<Vec<u8>, UploadError>
where
    S: Stream<Item = Result<B, E>> + Unpin,
    B: AsRef<[u8]>,
    E: std::fmt::Display,
{
    let io = |e: std::io::Error| UploadError::Read(e.to_string());
    let too_large = || UploadError::TooLarge {
        limit_mib: limit >> 20,
    };
    let file = tempfile::tempfile().map_err(io)?;
    let mut file = tokio::fs::File::from_std(file);
    let (mut head, mut total) = (Vec::with_capacity(4), 0usize);
    while let Some(chunk) = body.next().await {
        let chunk = chunk.map_err(|e| UploadError::Read(e.to_string()))?;
        let chunk = chunk.as_ref();
        total += chunk.len();
        if total > limit {
            return Err(too_large());
        }
        if head.len() < 4 {
            let wanted = (4 - head.len()).min(chunk.len());
            head.extend_from_slice(&chunk[..wanted]);
            if head.len() == 4 && !ZIP_STARTS.iter().any(|start| head == start.as_slice()) {
                return Err(UploadError::NotZip);
            }
        }
        file.write_all(chunk).await.map_err(io)?;
    }
    match head.len() {
        0 => return Err(UploadError::Empty),
        1..4 => return Err(UploadError::NotZip),
        _ => {}
    }
    file.rewind().await.map_err(io)?;
    let mut bytes = Vec::with_capacity(total);
    file.read_to_end(&mut bytes).await.map_err(io)?;
    Ok(bytes)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn stream(
        chunks: Vec<&'static [u8]>,
    ) -> impl Stream<Item = Result<&'static [u8], String>> + Unpin {
        futures_util::stream::iter(chunks.into_iter().map(Ok))
    }

    #[tokio::test]
    async fn a_zip_within_the_limit_is_read_whole() {
        let bytes = read_zip(stream(vec![b"P", b"K\x03\x04rest"]), 100)
            .await
            .unwrap();
        assert_eq!(bytes, b"PK\x03\x04rest");
    }

    #[tokio::test]
    async fn anything_else_is_refused_by_its_first_bytes_or_its_size() {
        let not_zip = read_zip(stream(vec![b"<html>", b"never read"]), 100).await;
        assert!(matches!(not_zip, Err(UploadError::NotZip)));
        let big = read_zip(stream(vec![b"PK\x03\x04", &[0; 200]]), 100).await;
        let error = big.unwrap_err().to_string();
        assert!(error.contains("--max-upload-mib"), "{error}");
        assert!(matches!(
            read_zip(stream(vec![]), 100).await,
            Err(UploadError::Empty)
        ));
        assert!(matches!(
            read_zip(stream(vec![b"PK"]), 100).await,
            Err(UploadError::NotZip)
        ));
    }
}
