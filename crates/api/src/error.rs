//! The admin API's error body: what every refused or failed operation answers, with one
//! sentence for the reader.

/// The body of every admin API error.
#[derive(Clone, Debug, PartialEq, serde::Serialize, serde::Deserialize, utoipa::ToSchema)]
pub struct ErrorBody {
    /// One sentence saying what went wrong and what to do.
    pub error: String,
}
