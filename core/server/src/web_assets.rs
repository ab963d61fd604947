//! Serving the web UI: the build embedded in the binary (release) or read from `web/dist`
//! (debug builds read the same folder from disk), or a folder given with `--web-dir`.
//! Unknown paths get `index.html` (SPA routes); unknown `/api/…` paths get a JSON 404.

use axum::body::Body;
use axum::http::{HeaderMap, HeaderValue, StatusCode, Uri, header};
use axum::response::{IntoResponse, Response};
use rust_embed::RustEmbed;
use std::path::PathBuf;
use virtumancer_api::ApiError;

#[derive(RustEmbed)]
#[folder = "../../web/dist"]
#[allow_missing = true]
struct Embedded;

const NOT_BUILT: &str = "<!doctype html><title>Virtumancer</title><p>The web UI is not built into this binary. \
Run <code>make web</code> (or <code>make run</code>) and restart, or use the API at <a href=\"/api/docs\">/api/docs</a>.</p>";

/// The fallback handler for every path the API does not route.
pub fn handler(
    web_dir: Option<PathBuf>,
) -> impl Fn(Uri, HeaderMap) -> std::future::Ready<Response> + Clone + Send + Sync + 'static {
    move |uri: Uri, headers: HeaderMap| {
        std::future::ready(serve(web_dir.as_deref(), uri.path(), &headers))
    }
}

fn serve(web_dir: Option<&std::path::Path>, path: &str, headers: &HeaderMap) -> Response {
    if path == "/api" || path.starts_with("/api/") {
        return ApiError::route_not_found(path).into_response();
    }
    let rel = path.trim_start_matches('/');
    let asset = load(web_dir, rel).map(|a| (rel.to_owned(), a));
    let (name, (bytes, etag)) =
        match asset.or_else(|| load(web_dir, "index.html").map(|a| ("index.html".to_owned(), a))) {
            Some(found) => found,
            None => {
                return (
                    StatusCode::OK,
                    [(header::CONTENT_TYPE, "text/html; charset=utf-8")],
                    NOT_BUILT,
                )
                    .into_response();
            }
        };
    if headers
        .get(header::IF_NONE_MATCH)
        .and_then(|v| v.to_str().ok())
        == Some(etag.as_str())
    {
        return StatusCode::NOT_MODIFIED.into_response();
    }
    let mime = mime_guess::from_path(&name).first_or_octet_stream();
    // Vite fingerprints everything under assets/; index.html must always be revalidated.
    let cache = if name.starts_with("assets/") {
        "public, max-age=31536000, immutable"
    } else {
        "no-cache"
    };
    let mut res = Response::new(Body::from(bytes));
    let h = res.headers_mut();
    h.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_str(mime.as_ref())
            .unwrap_or(HeaderValue::from_static("application/octet-stream")),
    );
    h.insert(header::CACHE_CONTROL, HeaderValue::from_static(cache));
    if let Ok(v) = HeaderValue::from_str(&etag) {
        h.insert(header::ETAG, v);
    }
    res
}

/// Bytes and an ETag for `rel`, from `--web-dir` or the embedded build.
fn load(web_dir: Option<&std::path::Path>, rel: &str) -> Option<(Vec<u8>, String)> {
    if rel.is_empty() || rel.split('/').any(|s| s == ".." || s.is_empty()) {
        return None;
    }
    match web_dir {
        Some(dir) => {
            let bytes = std::fs::read(dir.join(rel)).ok()?;
            let etag = format!("\"{:x}-{}\"", bytes.len(), fnv(&bytes));
            Some((bytes, etag))
        }
        None => {
            let file = Embedded::get(rel)?;
            let hash = file.metadata.sha256_hash();
            let etag = format!(
                "\"{}\"",
                hash.iter()
                    .take(16)
                    .map(|b| format!("{b:02x}"))
                    .collect::<String>()
            );
            Some((file.data.into_owned(), etag))
        }
    }
}

fn fnv(bytes: &[u8]) -> u64 {
    bytes.iter().fold(0xcbf2_9ce4_8422_2325_u64, |h, b| {
        (h ^ u64::from(*b)).wrapping_mul(0x0100_0000_01b3)
    })
}
