//! A JSON extractor whose rejections use the API's error shape.

use crate::{ApiError, ErrorCode};
use axum::extract::rejection::JsonRejection;
use axum::extract::{FromRequest, Request};
use axum::http::StatusCode;
use serde::de::DeserializeOwned;

/// Like `axum::Json`, but a bad body becomes an [`ApiError`] (`invalid_json`,
/// `payload_too_large`, `unsupported_media_type`).
#[derive(Debug, Clone, Copy, Default)]
pub struct AppJson<T>(pub T);

impl<S, T> FromRequest<S> for AppJson<T>
where
    T: DeserializeOwned,
    S: Send + Sync,
{
    type Rejection = ApiError;

    async fn from_request(req: Request, state: &S) -> Result<Self, Self::Rejection> {
        match axum::Json::<T>::from_request(req, state).await {
            Ok(axum::Json(v)) => Ok(Self(v)),
            Err(rejection) => Err(map_rejection(&rejection)),
        }
    }
}

/// `Option<AppJson<T>>`: `None` when the request has no JSON body at all (no
/// `Content-Type`), an error when it has a bad one.
impl<S, T> axum::extract::OptionalFromRequest<S> for AppJson<T>
where
    T: DeserializeOwned,
    S: Send + Sync,
{
    type Rejection = ApiError;

    async fn from_request(req: Request, state: &S) -> Result<Option<Self>, Self::Rejection> {
        match <axum::Json<T> as axum::extract::OptionalFromRequest<S>>::from_request(req, state)
            .await
        {
            Ok(v) => Ok(v.map(|axum::Json(v)| Self(v))),
            Err(rejection) => Err(map_rejection(&rejection)),
        }
    }
}

fn map_rejection(r: &JsonRejection) -> ApiError {
    match r.status() {
        StatusCode::PAYLOAD_TOO_LARGE => ApiError::new(
            ErrorCode::PayloadTooLarge,
            format!(
                "request body is larger than {} bytes",
                crate::MAX_BODY_BYTES
            ),
        ),
        StatusCode::UNSUPPORTED_MEDIA_TYPE => ApiError::new(
            ErrorCode::UnsupportedMediaType,
            "send the body as application/json",
        ),
        _ => ApiError::new(ErrorCode::InvalidJson, r.body_text()),
    }
}
