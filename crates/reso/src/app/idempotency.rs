//! Idempotency-Key: a client that sends a request again (after a time-out,
//! a lost connection, a crash on either side) gets the first request's
//! result instead of acting twice. The use case looks the key up after it
//! holds the lock of what it changes (so a concurrent twin waits, then finds
//! the answer) and stores its answer in the same transaction as the change.
//! Without a key none of this costs a query.

use super::{AppError, AppResult};
use crate::store::{self, idempotency::StoredAnswer, Tx};
use serde::{de::DeserializeOwned, Serialize};

/// An Idempotency-Key with a digest of the request it came with.
pub struct Idempotency<'a> {
    pub key: &'a str,
    pub request_hash: String,
}

/// What a use case that honours an Idempotency-Key did.
pub struct Keyed<T> {
    pub value: T,
    /// True when an earlier request with the key had done it already.
    pub replayed: bool,
}

/// What the first request with this key did (as its use case wrote it down
/// with `remember`), or `None` when there was none or no key was sent.
/// The same key on a different request is refused.
pub(crate) async fn replay<T: DeserializeOwned>(
    tx: &mut Tx,
    merchant_id: i64,
    key: Option<&Idempotency<'_>>,
) -> AppResult<Option<T>> {
    let Some(key) = key else {
        return Ok(None);
    };
    match store::idempotency::find(tx, merchant_id, key.key).await? {
        None => Ok(None),
        Some(first) if first.request_hash == key.request_hash => serde_json::from_str(&first.body)
            .map(Some)
            .map_err(|e| AppError::Internal(e.into())),
        Some(_) => Err(AppError::Invalid(
            "this Idempotency-Key was used for a different request".into(),
        )),
    }
}

/// Writes down what this request did under its key, in its transaction.
pub(crate) async fn remember<T: Serialize>(
    tx: &mut Tx,
    merchant_id: i64,
    key: Option<&Idempotency<'_>>,
    status: u16,
    done: &T,
    now: i64,
) -> AppResult<()> {
    let Some(key) = key else {
        return Ok(());
    };
    let answer = StoredAnswer {
        request_hash: key.request_hash.clone(),
        status: i64::from(status),
        body: serde_json::to_string(done).map_err(|e| AppError::Internal(e.into()))?,
    };
    store::idempotency::remember(tx, merchant_id, key.key, &answer, now).await?;
    Ok(())
}

/// Answers a replay with what the first request did (as it is now). The
/// transaction only read, yet it commits: on SQLite it may have read the
/// first request's group before that group is on disk, and a commit waits
/// for the disk (dropping it would not).
pub(crate) async fn replayed<T>(tx: Tx, value: T) -> AppResult<Keyed<T>> {
    tx.commit().await?;
    Ok(Keyed {
        value,
        replayed: true,
    })
}
