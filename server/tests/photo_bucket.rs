//! Product photos in an S3-compatible bucket: the real client (`object_store`)
//! through the real upload, file and removal routes, against a local S3
//! server (moto, installed by `scripts/install-tools.sh`; S3 itself cannot be
//! reached from here). Storage does not touch the database's SQL, so this runs
//! on SQLite only.

mod common;

use std::process::{Child, Command, Stdio};

use object_store::ObjectStore;

use app::database::Engine;
use app::identity::RoleKind;
use app::marketplace::db::{ProductInput, ShopInput};
use app::marketplace::photos::BucketSettings;
use app::marketplace::{Availability, Category};
use app::state::Settings;

const BUCKET: &str = "takamul-photos";

/// A local S3 server, stopped when dropped.
struct S3Server {
    child: Child,
    endpoint: String,
}

impl Drop for S3Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Starts the S3 server with an empty bucket; `None` (with a loud note) when
/// it is not installed, except in CI, where that is a failure.
async fn start_s3() -> Option<S3Server> {
    let program =
        std::env::var("TAKAMUL_TEST_S3_SERVER").unwrap_or_else(|_| "moto_server".to_string());
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let child = match Command::new(&program)
        .args(["-H", "127.0.0.1", "-p", &port.to_string()])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
    {
        Ok(child) => child,
        Err(error) => {
            assert!(
                std::env::var("CI").as_deref() != Ok("true"),
                "CI needs the S3 test server ({program}): {error}"
            );
            eprintln!("!!! {program} not found ({error}): the photo bucket test does NOT run !!!");
            return None;
        }
    };
    let server = S3Server {
        child,
        endpoint: format!("http://127.0.0.1:{port}"),
    };
    let client = reqwest::Client::new();
    for _ in 0..100 {
        if client.get(&server.endpoint).send().await.is_ok() {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    let created = client
        .put(format!("{}/{BUCKET}", server.endpoint))
        .send()
        .await
        .expect("the S3 server answers");
    assert!(
        created.status().is_success(),
        "bucket: {}",
        created.status()
    );
    Some(server)
}

/// A small real JPEG.
fn jpeg() -> Vec<u8> {
    let picture = image::RgbImage::from_fn(400, 300, |x, y| {
        image::Rgb([(x % 256) as u8, (y % 256) as u8, 90])
    });
    let mut bytes = Vec::new();
    image::codecs::jpeg::JpegEncoder::new_with_quality(&mut bytes, 85)
        .encode_image(&picture)
        .unwrap();
    bytes
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn photos_go_to_the_bucket_are_served_from_it_and_removed_from_it() {
    let Some(s3) = start_s3().await else {
        return;
    };
    let settings = Settings {
        photo_bucket: Some(BucketSettings {
            bucket: BUCKET.to_string(),
            endpoint: s3.endpoint.clone(),
            region: "us-east-1".to_string(),
            access_key_id: "takamul-test".to_string(),
            secret_access_key: "takamul-test-secret".to_string(),
        }),
        ..Settings::development()
    };
    let app = common::spawn_app_with(Engine::Sqlite, settings)
        .await
        .unwrap();
    let db = &app.state.db;
    let national_id = app::identity::with_check_digit("108888891");
    let (user, _) = app::identity::db::grant_role(
        db,
        &app::identity::NationalId::parse(&national_id).unwrap(),
        RoleKind::FamilyMember,
        None,
        None,
        None,
    )
    .await
    .unwrap();
    let shop = app::marketplace::db::save_shop(
        db,
        user,
        None,
        &ShopInput {
            name_ar: "عطور الديرة".into(),
            name_en: None,
            bio: String::new(),
            district_id: common::jeddah_district(db, 0).await,
            pickup: true,
            delivery: false,
            delivery_areas: String::new(),
            delivery_fee_halalas: None,
            whatsapp: None,
            public_phone: None,
            working_hours: String::new(),
        },
        None,
    )
    .await
    .unwrap();
    let product = app::marketplace::db::save_product(
        db,
        shop,
        None,
        &ProductInput {
            title_ar: "دهن عود".into(),
            title_en: None,
            description_ar: "دهن عود بيتي معتق".into(),
            description_en: None,
            category: Category::PerfumeIncense,
            price_halalas: 9_000,
            unit_ar: String::new(),
            availability: Availability::InStock,
            lead_time_days: None,
        },
    )
    .await
    .unwrap();
    let family = app.signed_in(&national_id).await;

    let form = reqwest::multipart::Form::new().part(
        "photo",
        reqwest::multipart::Part::bytes(jpeg()).file_name("oud.jpg"),
    );
    let uploaded = family
        .client
        .post(family.url(&format!("/my-shop/products/{product}/photos")))
        .header("accept", "application/json")
        .multipart(form)
        .send()
        .await
        .unwrap();
    assert!(uploaded.status().is_success(), "{}", uploaded.status());
    let (photo_id, key, width): (i64, String, i64) =
        sqlx::query_as("SELECT id, file_key, width FROM product_photos WHERE product_id = $1")
            .bind(product)
            .fetch_one(&db.pool)
            .await
            .unwrap();
    assert_eq!(width, 400);

    // In the bucket (read with the S3 client directly), under the server's
    // name, at each width; nothing on disk.
    let bucket = object_store::aws::AmazonS3Builder::new()
        .with_bucket_name(BUCKET)
        .with_endpoint(&s3.endpoint)
        .with_allow_http(true)
        .with_region("us-east-1")
        .with_access_key_id("takamul-test")
        .with_secret_access_key("takamul-test-secret")
        .build()
        .unwrap();
    let in_bucket = |name: String| {
        let bucket = &bucket;
        async move {
            match bucket.get(&object_store::path::Path::from(name)).await {
                Ok(found) => Some(found.bytes().await.unwrap()),
                Err(object_store::Error::NotFound { .. }) => None,
                Err(error) => panic!("{error}"),
            }
        }
    };
    for w in [320, 400] {
        let bytes = in_bucket(format!("{key}-{w}.webp")).await.expect("stored");
        assert_eq!((&bytes[..4], &bytes[8..12]), (&b"RIFF"[..], &b"WEBP"[..]));
    }
    assert!(
        !app.state.settings.photo_dir.exists(),
        "no photo was written to the directory"
    );

    // Served from the bucket through the site's own address (to the family:
    // the product is a draft).
    let served = family.get(&format!("/photos/{key}-320.webp")).await;
    assert_eq!(served.status(), 200);
    assert_eq!(served.headers()["content-type"], "image/webp");
    let expected = in_bucket(format!("{key}-320.webp")).await.unwrap();
    assert_eq!(served.bytes().await.unwrap(), expected);
    let missing = app
        .get(&format!("/photos/{}-320.webp", "0".repeat(32)))
        .await;
    assert_eq!(missing.status(), 404);

    // Removed: gone from the bucket and from the site.
    let removed = family
        .post_api(
            "/api/change_photo",
            &[
                ("product_id", &product.to_string()),
                ("photo_id", &photo_id.to_string()),
                ("action", "remove"),
            ],
        )
        .await;
    assert_eq!(removed.status(), 200);
    for w in [320, 400] {
        assert!(in_bucket(format!("{key}-{w}.webp")).await.is_none());
    }
    assert_eq!(
        app.get(&format!("/photos/{key}-320.webp")).await.status(),
        404
    );
}
