//! Public marketplace pages kept rendered in memory, for visitors without an
//! account (DESIGN.md §5: the public pages must stay fast on a small server).
//!
//! A visitor without a session sees the same page as every other visitor of
//! the same language, so its HTML is rendered once and served from memory,
//! compressed once per encoding. What keeps it correct:
//! - The database holds a *market revision*, a number that triggers raise in
//!   the same transaction as any change to shops, products, photos or place
//!   names (migration `0008_market_revision`), so it moves even when another
//!   instance or the CLI made the change.
//! - Each instance reads the revision at most once per
//!   [`Settings::page_cache_check_ms`](crate::state::Settings) and at once after
//!   it served a request that can write (any POST); a new revision empties the
//!   cache. A hidden product therefore leaves this instance's pages before the
//!   moderator's next page, and the others' within the check interval.
//! - Pages are stored with the revision they were rendered at and served only
//!   while it is current, and for at most [`MAX_AGE`].
//! - Only `GET` of the listed public paths, only requests whose cookies are at
//!   most the language choice, and only 200 and 404 answers without
//!   `Set-Cookie` (once a repeat of the page's language is dropped) are
//!   stored, the others sent once, compressed; the page's CSP nonce is removed from the stored
//!   policy (no public page carries a script, and a nonce must not repeat).
//!
//! Concurrent requests for a page being rendered wait for that render instead
//! of rendering it again.

use std::sync::atomic::{AtomicBool, AtomicI64, AtomicU64, Ordering};
use std::sync::{Arc, OnceLock};
use std::time::{Duration, Instant};

use axum::body::{Body, Bytes};
use axum::extract::{Request, State};
use axum::middleware::Next;
use axum::response::Response;
use http::{HeaderMap, HeaderValue, Method, StatusCode, header};

use super::stored_page::{without_data_scripts, without_nonce};
use crate::database::Db;
use crate::i18n::Locale;
use crate::identity::language::locale_of;
use crate::ui::LANGUAGE_COOKIE;

/// The longest a stored page is served, even if the revision never moves
/// (a safety net; every change that shows on these pages moves it).
pub const MAX_AGE: Duration = Duration::from_secs(300);

/// Pages larger than this are not stored (no public page comes close).
const MAX_PAGE_BYTES: usize = 2 * 1024 * 1024;

/// The paths whose pages are the same for every visitor without an account.
fn is_public_page(path: &str) -> bool {
    path == super::MARKET_PAGE
        || path == super::SEARCH_PAGE
        || path == "/sitemap.xml"
        || [super::PRODUCT_PAGE, super::SHOP_PAGE]
            .iter()
            .any(|prefix| {
                path.strip_prefix(prefix)
                    .and_then(|rest| rest.strip_prefix('/'))
                    .is_some_and(|id| !id.is_empty() && id.bytes().all(|b| b.is_ascii_digit()))
            })
}

/// The rendered pages of one server instance.
#[derive(Clone)]
pub struct PageCache {
    inner: Arc<Inner>,
}

struct Inner {
    /// False with no memory given: every page is rendered for its request.
    enabled: bool,
    db: Db,
    pages: quick_cache::sync::Cache<Key, Arc<StoredPage>, PageWeight>,
    /// The market revision last read from the database.
    revision: AtomicI64,
    /// When it was read, in milliseconds since `started`.
    checked_at_ms: AtomicU64,
    /// Set after a request that may have written: read the revision before
    /// serving the next page.
    check_now: AtomicBool,
    check_lock: tokio::sync::Mutex<()>,
    check_every: Duration,
    started: Instant,
}

/// A page is known by its address and its language.
#[derive(Clone, PartialEq, Eq, Hash)]
struct Key {
    path_and_query: String,
    locale: Locale,
}

struct StoredPage {
    revision: i64,
    stored_at: Instant,
    status: StatusCode,
    headers: HeaderMap,
    body: Bytes,
    brotli: OnceLock<Bytes>,
    gzip: OnceLock<Bytes>,
}

#[derive(Clone)]
struct PageWeight;

impl quick_cache::Weighter<Key, Arc<StoredPage>> for PageWeight {
    fn weight(&self, key: &Key, page: &Arc<StoredPage>) -> u64 {
        // The compressed copies are a fraction of the page; count a third more.
        (key.path_and_query.len() + page.body.len() + page.body.len() / 3 + 512) as u64
    }
}

/// The encodings a stored page is sent in.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Encoding {
    Brotli,
    Gzip,
    Identity,
}

impl PageCache {
    /// A cache holding about `capacity_bytes` of pages (0: none, and no
    /// sharing of a render between concurrent requests either).
    pub fn new(db: Db, capacity_bytes: u64, check_every: Duration) -> Self {
        let estimated_pages = (capacity_bytes / 40_000).clamp(16, 100_000) as usize;
        Self {
            inner: Arc::new(Inner {
                enabled: capacity_bytes > 0,
                db,
                pages: quick_cache::sync::Cache::with_weighter(
                    estimated_pages,
                    capacity_bytes,
                    PageWeight,
                ),
                revision: AtomicI64::new(i64::MIN),
                checked_at_ms: AtomicU64::new(0),
                check_now: AtomicBool::new(true),
                check_lock: tokio::sync::Mutex::new(()),
                check_every,
                started: Instant::now(),
            }),
        }
    }

    /// The current market revision, read again from the database when the
    /// last reading is older than the check interval or a write happened.
    async fn current_revision(&self) -> Result<i64, sqlx::Error> {
        let inner = &self.inner;
        if !self.check_due() {
            return Ok(inner.revision.load(Ordering::Acquire));
        }
        let _guard = inner.check_lock.lock().await;
        // Another request may have read it while this one waited.
        if self.check_due() {
            inner.check_now.store(false, Ordering::Release);
            let revision = super::db::market_revision(&inner.db).await?;
            if inner.revision.swap(revision, Ordering::AcqRel) != revision {
                inner.pages.clear();
            }
            inner
                .checked_at_ms
                .store(self.elapsed_ms(), Ordering::Release);
        }
        Ok(inner.revision.load(Ordering::Acquire))
    }

    fn check_due(&self) -> bool {
        let inner = &self.inner;
        inner.check_now.load(Ordering::Acquire)
            || self
                .elapsed_ms()
                .saturating_sub(inner.checked_at_ms.load(Ordering::Acquire))
                >= inner.check_every.as_millis() as u64
    }

    fn elapsed_ms(&self) -> u64 {
        self.inner.started.elapsed().as_millis() as u64
    }

    /// A request that may have written: read the revision before the next page.
    fn note_possible_write(&self) {
        self.inner.check_now.store(true, Ordering::Release);
    }
}

/// Middleware: answers cacheable page requests from memory, stores what it
/// renders, and notes requests that may have changed the market.
pub async fn serve_public_pages(
    State(cache): State<PageCache>,
    request: Request,
    next: Next,
) -> Response {
    if !matches!(
        *request.method(),
        Method::GET | Method::HEAD | Method::OPTIONS
    ) {
        let response = next.run(request).await;
        cache.note_possible_write();
        return response;
    }
    if request.method() != Method::GET {
        return next.run(request).await;
    }
    let Some(key) = cache_key(&request).filter(|_| cache.inner.enabled) else {
        return next.run(request).await;
    };
    let revision = match cache.current_revision().await {
        Ok(revision) => revision,
        Err(error) => {
            // Without the revision nothing stored can be trusted; render.
            tracing::warn!(%error, "reading the market revision failed");
            return next.run(request).await;
        }
    };
    let encoding = preferred_encoding(request.headers());
    let pages = &cache.inner.pages;
    loop {
        match pages.get_value_or_guard_async(&key).await {
            Ok(page) if page.revision == revision && page.stored_at.elapsed() < MAX_AGE => {
                return respond(&page, encoding, "hit");
            }
            Ok(_) => {
                // Outdated: drop it and take the render on.
                pages.remove(&key);
            }
            Err(guard) => {
                return match render(request, next, revision, key.locale).await {
                    Ok(Rendered::Storable(page)) => {
                        let page = Arc::new(page);
                        let _ = guard.insert(page.clone());
                        respond(&page, encoding, "miss")
                    }
                    // Not storable: compressed all the same (the render was
                    // asked for none); whoever waits renders for themselves.
                    Ok(Rendered::Once(page)) => respond(&page, encoding, "not-stored"),
                    Err(response) => response,
                };
            }
        }
    }
}

/// The key of a request whose page may be stored, or `None`.
fn cache_key(request: &Request) -> Option<Key> {
    let uri = request.uri();
    if !is_public_page(uri.path()) || request.headers().contains_key(header::AUTHORIZATION) {
        return None;
    }
    let mut chosen_language = None;
    for cookie in request.headers().get_all(header::COOKIE) {
        for pair in cookie.to_str().ok()?.split(';') {
            let (name, value) = pair.trim().split_once('=')?;
            if name != LANGUAGE_COOKIE {
                // A session or a sign-in in progress: this visitor's own page.
                return None;
            }
            chosen_language = Some(value.to_string());
        }
    }
    Some(Key {
        path_and_query: uri.path_and_query()?.as_str().to_string(),
        locale: locale_of(request.headers(), chosen_language.as_deref()),
    })
}

/// A page rendered for the cache.
enum Rendered {
    /// The same for every visitor of its language: kept.
    Storable(StoredPage),
    /// This request's own (a `Set-Cookie`, a redirect, an error): sent once.
    Once(StoredPage),
}

/// Renders the page with no compression (the cache compresses once per
/// encoding), or passes on a response it cannot hold.
async fn render(
    mut request: Request,
    next: Next,
    revision: i64,
    locale: Locale,
) -> Result<Rendered, Response> {
    request.headers_mut().remove(header::ACCEPT_ENCODING);
    let mut response = next.run(request).await;
    if response.headers().contains_key(header::CONTENT_ENCODING) {
        return Err(response);
    }
    drop_language_echo(response.headers_mut(), locale);
    let storable = matches!(response.status(), StatusCode::OK | StatusCode::NOT_FOUND)
        && !response.headers().contains_key(header::SET_COOKIE);
    let (parts, body) = response.into_parts();
    let body = match axum::body::to_bytes(body, MAX_PAGE_BYTES).await {
        Ok(body) => body,
        Err(error) => {
            tracing::error!(%error, "reading a rendered page failed");
            let mut response = Response::new(Body::from("page too large"));
            *response.status_mut() = StatusCode::INTERNAL_SERVER_ERROR;
            return Err(response);
        }
    };
    let body = if storable {
        without_data_scripts(body)
    } else {
        body
    };
    let mut headers = parts.headers;
    headers.remove(header::CONTENT_LENGTH);
    if storable
        && let Some(policy) = headers.get(header::CONTENT_SECURITY_POLICY)
        && let Ok(policy) = policy.to_str()
        && let Ok(value) = HeaderValue::from_str(&without_nonce(policy))
    {
        headers.insert(header::CONTENT_SECURITY_POLICY, value);
    }
    let page = StoredPage {
        revision,
        stored_at: Instant::now(),
        status: parts.status,
        headers,
        body,
        brotli: OnceLock::new(),
        gzip: OnceLock::new(),
    };
    Ok(if storable {
        Rendered::Storable(page)
    } else {
        Rendered::Once(page)
    })
}

/// Removes the `Set-Cookie` headers that only repeat the language the page
/// is rendered in. leptos_i18n writes its cookie back on every page rendered
/// for a visitor who has it; left in, no page a visitor who chose a language
/// asks for first could be kept. The browser already holds that choice
/// (`identity::language::set_language` wrote it, for a year).
fn drop_language_echo(headers: &mut HeaderMap, locale: Locale) {
    let echoes_only = headers.get_all(header::SET_COOKIE).iter().all(|cookie| {
        cookie
            .to_str()
            .ok()
            .and_then(|cookie| cookie.split(';').next())
            .and_then(|pair| pair.trim().split_once('='))
            .is_some_and(|(name, value)| {
                name == LANGUAGE_COOKIE && value.parse::<Locale>().ok() == Some(locale)
            })
    });
    if echoes_only {
        headers.remove(header::SET_COOKIE);
    }
}

/// The best encoding the client accepts: brotli, then gzip, else none.
fn preferred_encoding(headers: &HeaderMap) -> Encoding {
    let accepted = headers
        .get_all(header::ACCEPT_ENCODING)
        .iter()
        .filter_map(|value| value.to_str().ok())
        .flat_map(|value| value.split(','))
        .filter_map(|part| {
            let mut pieces = part.split(';');
            let name = pieces.next()?.trim().to_ascii_lowercase();
            let refused = pieces.any(|p| {
                p.trim()
                    .strip_prefix("q=")
                    .and_then(|q| q.trim().parse::<f32>().ok())
                    .is_some_and(|q| q <= 0.0)
            });
            (!refused).then_some(name)
        })
        .collect::<Vec<_>>();
    if accepted.iter().any(|name| name == "br") {
        Encoding::Brotli
    } else if accepted.iter().any(|name| name == "gzip") {
        Encoding::Gzip
    } else {
        Encoding::Identity
    }
}

/// The stored page as a response in the given encoding.
fn respond(page: &StoredPage, encoding: Encoding, outcome: &'static str) -> Response {
    let body = match encoding {
        Encoding::Brotli => page
            .brotli
            .get_or_init(|| compress_brotli(&page.body))
            .clone(),
        Encoding::Gzip => page.gzip.get_or_init(|| compress_gzip(&page.body)).clone(),
        Encoding::Identity => page.body.clone(),
    };
    let mut response = Response::new(Body::from(body));
    *response.status_mut() = page.status;
    let headers = response.headers_mut();
    headers.clone_from(&page.headers);
    match encoding {
        Encoding::Brotli => {
            headers.insert(header::CONTENT_ENCODING, HeaderValue::from_static("br"));
        }
        Encoding::Gzip => {
            headers.insert(header::CONTENT_ENCODING, HeaderValue::from_static("gzip"));
        }
        Encoding::Identity => {}
    }
    headers.insert(
        header::VARY,
        HeaderValue::from_static("accept-encoding, accept-language, cookie"),
    );
    headers.insert("x-page-cache", HeaderValue::from_static(outcome));
    response
}

fn compress_brotli(body: &[u8]) -> Bytes {
    let mut out = Vec::with_capacity(body.len() / 4);
    let params = brotli::enc::BrotliEncoderParams {
        quality: 9,
        ..Default::default()
    };
    // Writing to memory cannot fail.
    let _ = brotli::BrotliCompress(&mut &body[..], &mut out, &params);
    Bytes::from(out)
}

fn compress_gzip(body: &[u8]) -> Bytes {
    use std::io::Write;
    let mut encoder = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::new(6));
    let _ = encoder.write_all(body);
    Bytes::from(encoder.finish().unwrap_or_default())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_public_marketplace_pages_are_stored() {
        for path in [
            "/market",
            "/market/search",
            "/market/products/12",
            "/market/shops/3",
            "/sitemap.xml",
        ] {
            assert!(is_public_page(path), "{path}");
        }
        for path in [
            "/",
            "/market/",
            "/market/products/",
            "/market/products/12/edit",
            "/market/products/x",
            "/my-shop",
            "/my-shop/products/4",
            "/association/moderation",
            "/photos/abc-320.webp",
            "/courses",
        ] {
            assert!(!is_public_page(path), "{path}");
        }
    }

    fn request(path: &str, headers: &[(&str, &str)]) -> Request {
        let mut builder = Request::builder().uri(path);
        for (name, value) in headers {
            builder = builder.header(*name, *value);
        }
        builder.body(Body::empty()).unwrap()
    }

    #[test]
    fn a_session_or_any_other_cookie_is_never_served_from_memory() {
        let anonymous = cache_key(&request("/market?x=1", &[])).unwrap();
        assert_eq!(anonymous.path_and_query, "/market?x=1");
        assert_eq!(anonymous.locale, Locale::ar);
        for cookie in [
            "takamul_session=abc",
            "i18n_pref_locale=en; takamul_session=abc",
            "takamul_pending=1",
            "tracker",
        ] {
            assert!(
                cache_key(&request("/market", &[("cookie", cookie)])).is_none(),
                "{cookie}"
            );
        }
        assert!(cache_key(&request("/market", &[("authorization", "Bearer x")])).is_none());
        assert!(cache_key(&request("/my-shop", &[])).is_none());
    }

    #[test]
    fn the_language_follows_the_cookie_then_the_browser() {
        let locale =
            |headers: &[(&str, &str)]| cache_key(&request("/market", headers)).unwrap().locale;
        assert_eq!(locale(&[("cookie", "i18n_pref_locale=en")]), Locale::en);
        assert_eq!(
            locale(&[("cookie", "i18n_pref_locale=ar"), ("accept-language", "en")]),
            Locale::ar
        );
        assert_eq!(locale(&[("accept-language", "en-US,en;q=0.9")]), Locale::en);
        assert_eq!(
            locale(&[("accept-language", "fr-FR, ar;q=0.5")]),
            Locale::ar
        );
        assert_eq!(locale(&[("accept-language", "fr")]), Locale::ar);
        assert_eq!(locale(&[]), Locale::ar);
    }

    #[test]
    fn brotli_is_preferred_and_a_refused_encoding_is_not_used() {
        let encoding = |value: &str| {
            let mut headers = HeaderMap::new();
            headers.insert(
                header::ACCEPT_ENCODING,
                HeaderValue::from_str(value).unwrap(),
            );
            preferred_encoding(&headers)
        };
        assert_eq!(encoding("gzip, deflate, br"), Encoding::Brotli);
        assert_eq!(encoding("gzip"), Encoding::Gzip);
        assert_eq!(encoding("br;q=0, gzip;q=0.8"), Encoding::Gzip);
        assert_eq!(encoding("identity"), Encoding::Identity);
        assert_eq!(preferred_encoding(&HeaderMap::new()), Encoding::Identity);
    }

    #[test]
    fn only_a_repeat_of_the_page_language_is_dropped() {
        let after = |cookies: &[&str], locale: Locale| {
            let mut headers = HeaderMap::new();
            for cookie in cookies {
                headers.append(header::SET_COOKIE, HeaderValue::from_str(cookie).unwrap());
            }
            drop_language_echo(&mut headers, locale);
            headers.get_all(header::SET_COOKIE).iter().count()
        };
        assert_eq!(after(&["i18n_pref_locale=ar"], Locale::ar), 0);
        assert_eq!(after(&["i18n_pref_locale=en; Path=/"], Locale::en), 0);
        assert_eq!(
            after(&["i18n_pref_locale=en"], Locale::ar),
            1,
            "another language"
        );
        assert_eq!(
            after(&["i18n_pref_locale=ar", "takamul_session=abc"], Locale::ar),
            2,
            "a session is never dropped, nor what comes with it"
        );
        assert_eq!(after(&[], Locale::ar), 0);
    }

    #[test]
    fn compressed_copies_decode_to_the_page() {
        use std::io::Read;
        let page = "<html>معمول ".repeat(200);
        let mut decoded = Vec::new();
        brotli::BrotliDecompress(&mut &compress_brotli(page.as_bytes())[..], &mut decoded).unwrap();
        assert_eq!(decoded, page.as_bytes());
        let mut decoded = String::new();
        flate2::read::GzDecoder::new(&compress_gzip(page.as_bytes())[..])
            .read_to_string(&mut decoded)
            .unwrap();
        assert_eq!(decoded, page);
    }
}
