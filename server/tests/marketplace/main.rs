//! The marketplace on SQLite and PostgreSQL: a family opens a shop and lists
//! a product with a real photo; moderation rights; Arabic search through each
//! engine's full-text index; filters and pages; hidden products never reach
//! public pages or the sitemap; "order on WhatsApp" taps are counted per
//! product and day through the redirect, and only the owner sees them.

#[path = "../common/mod.rs"]
mod common;
mod listing;
mod public_pages;
mod search;

use app::identity::RoleKind;
use app::marketplace::api::{MyShopView, SearchView};
use app::marketplace::db::{ProductInput, ShopInput};
use app::marketplace::{Availability, Category, ProductStatus, ProductTaps};
use common::{Browser, TestApp, persona};

const NOURA: &str = "1000000065";
const STAFF_NAKHLA: &str = "1000000032";
const STAFF_BAHR: &str = "1000000040";

/// A small real JPEG with an EXIF block that carries a GPS tag.
fn jpeg_with_gps() -> Vec<u8> {
    use image::ImageEncoder;
    let picture = image::RgbImage::from_fn(900, 600, |x, y| {
        image::Rgb([(x % 256) as u8, (y % 256) as u8, 150])
    });
    // Little-endian TIFF: IFD0 with one entry, the GPS IFD pointer, then a
    // GPS IFD with the latitude reference "N".
    let mut exif: Vec<u8> = b"II\x2a\x00\x08\x00\x00\x00\x01\x00".to_vec();
    exif.extend_from_slice(&[
        0x25, 0x88, 0x04, 0x00, 0x01, 0x00, 0x00, 0x00, 0x1a, 0x00, 0x00, 0x00,
    ]);
    exif.extend_from_slice(&[0, 0, 0, 0]);
    exif.extend_from_slice(&[
        0x01, 0x00, 0x01, 0x00, 0x02, 0x00, 0x02, 0x00, 0x00, 0x00, b'N', 0, 0, 0,
    ]);
    exif.extend_from_slice(&[0, 0, 0, 0]);
    let mut out = Vec::new();
    let mut encoder = image::codecs::jpeg::JpegEncoder::new_with_quality(&mut out, 85);
    encoder.set_exif_metadata(exif).unwrap();
    encoder
        .write_image(picture.as_raw(), 900, 600, image::ExtendedColorType::Rgb8)
        .unwrap();
    out
}

/// Approves a shop's name and bio as a moderator would (the shops these
/// tests open straight in the database).
async fn approve_shop_text(app: &TestApp, shop_id: i64) {
    let event = app::audit::AuditEvent {
        action: app::audit::action::SHOP_TEXT_MODERATED,
        ..Default::default()
    };
    app::marketplace::db::decide_shop_text(&app.state.db, shop_id, true, None, event)
        .await
        .unwrap();
}

/// Uploads a file as the photo form does; `html` sends it as a browser without JavaScript.
async fn upload(
    browser: &Browser,
    product: i64,
    name: &str,
    bytes: Vec<u8>,
    html: bool,
) -> reqwest::Response {
    let part = reqwest::multipart::Part::bytes(bytes).file_name(name.to_string());
    let form = reqwest::multipart::Form::new().part("photo", part);
    let mut request = browser
        .client
        .post(browser.url(&format!("/my-shop/products/{product}/photos")))
        .multipart(form);
    if !html {
        request = request.header("accept", "application/json");
    }
    request.send().await.unwrap()
}

async fn search(browser: &Browser, params: &[(&str, &str)]) -> SearchView {
    let form: Vec<(String, &str)> = params
        .iter()
        .map(|(k, v)| (format!("params[{k}]"), *v))
        .collect();
    let form: Vec<(&str, &str)> = form.iter().map(|(k, v)| (k.as_str(), *v)).collect();
    let r = browser.post_api("/api/search_products", &form).await;
    assert_eq!(r.status(), 200);
    r.json().await.unwrap()
}

async fn product_id(app: &TestApp, title: &str) -> i64 {
    let (id,): (i64,) = sqlx::query_as("SELECT id FROM products WHERE title_ar = $1")
        .bind(title)
        .fetch_one(&app.state.db.pool)
        .await
        .unwrap();
    id
}

async fn status(app: &TestApp, id: i64) -> String {
    let (status,): (String,) = sqlx::query_as("SELECT status FROM products WHERE id = $1")
        .bind(id)
        .fetch_one(&app.state.db.pool)
        .await
        .unwrap();
    status
}

const TITLE: &str = "معمول بالتمر";

/// A visitor without an account or cookies: one GET with these headers.
async fn visit(base: &str, path: &str, headers: &[(&str, &str)]) -> reqwest::Response {
    let mut request = reqwest::Client::new().get(format!("{base}{path}"));
    for (name, value) in headers {
        request = request.header(*name, *value);
    }
    request.send().await.unwrap()
}
