//! Why a request was refused by authentication: the outcome of the `crate::auth` entry
//! points, kept in its own module so that the error type can convert it without depending
//! on `auth` (which depends on the error type for its extractor rejections).

/// Why a request was refused; `ApiError` turns it into the answer its audience reads.
#[derive(Debug)]
pub enum Denial {
    /// 401: no usable credentials.
    Unauthorized(String),
    /// 403: authenticated, but the account may not use the repository now.
    Forbidden(String),
    /// 429: this address failed too often; retry after this many seconds.
    TooManyFailures { retry_after: u64 },
}
