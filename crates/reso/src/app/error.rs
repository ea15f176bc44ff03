//! What can go wrong in a use case, in words a user can act on. The API turns
//! these into problem+json, the pages into a friendly message.

use crate::store::StoreError;

#[derive(Debug, thiserror::Error)]
pub enum AppError {
    #[error("{0} not found")]
    NotFound(&'static str),
    /// The request is well-formed but breaks a rule (422).
    #[error("{0}")]
    Invalid(String),
    /// The request clashes with the current state (409).
    #[error("{0}")]
    Conflict(String),
    #[error("authentication required")]
    Unauthorized,
    #[error("{0}")]
    Forbidden(String),
    #[error("too many attempts; try again later")]
    RateLimited,
    #[error("internal error")]
    Internal(#[from] anyhow::Error),
}

pub type AppResult<T> = Result<T, AppError>;

impl From<StoreError> for AppError {
    fn from(e: StoreError) -> Self {
        match e {
            StoreError::NotFound => AppError::NotFound("resource"),
            StoreError::Conflict(what) => AppError::Conflict(what),
            other => AppError::Internal(anyhow::Error::new(other)),
        }
    }
}

impl From<sqlx::Error> for AppError {
    fn from(e: sqlx::Error) -> Self {
        AppError::from(StoreError::from(e))
    }
}

// Domain rule violations are the client's to fix.
impl From<reso_domain::order::OrderError> for AppError {
    fn from(e: reso_domain::order::OrderError) -> Self {
        AppError::Invalid(e.to_string())
    }
}

impl From<reso_domain::policy::PolicyError> for AppError {
    fn from(e: reso_domain::policy::PolicyError) -> Self {
        AppError::Invalid(e.to_string())
    }
}

impl From<reso_domain::decision::MatrixError> for AppError {
    fn from(e: reso_domain::decision::MatrixError) -> Self {
        AppError::Invalid(e.to_string())
    }
}

impl From<reso_domain::MoneyError> for AppError {
    fn from(e: reso_domain::MoneyError) -> Self {
        AppError::Invalid(e.to_string())
    }
}

impl From<reso_domain::email::BadEmail> for AppError {
    fn from(e: reso_domain::email::BadEmail) -> Self {
        AppError::Invalid(e.to_string())
    }
}

impl From<reso_domain::photo::PhotoError> for AppError {
    fn from(e: reso_domain::photo::PhotoError) -> Self {
        AppError::Invalid(e.to_string())
    }
}

impl From<reso_domain::ReturnError> for AppError {
    fn from(e: reso_domain::ReturnError) -> Self {
        match e {
            reso_domain::ReturnError::NotAllowed { .. } => AppError::Conflict(e.to_string()),
            other => AppError::Invalid(other.to_string()),
        }
    }
}

impl From<reso_domain::RefundError> for AppError {
    fn from(e: reso_domain::RefundError) -> Self {
        match e {
            reso_domain::RefundError::ExceedsCaptured { .. } => AppError::Conflict(e.to_string()),
            other => AppError::Invalid(other.to_string()),
        }
    }
}

/// Ties a lookup to what was looked for ("return not found").
pub trait NotFoundAs<T> {
    fn or_not_found(self, what: &'static str) -> AppResult<T>;
}

impl<T> NotFoundAs<T> for Result<T, StoreError> {
    fn or_not_found(self, what: &'static str) -> AppResult<T> {
        match self {
            Err(StoreError::NotFound) => Err(AppError::NotFound(what)),
            other => Ok(other?),
        }
    }
}
