//! Financing (issue 19): a checklist document's upload and download, on
//! SQLite and PostgreSQL. A PDF is kept only when its structure checks out
//! (no scripts, not cut short); a photo of the document goes through the
//! photo pipeline (stored as WebP); only the file's association and the
//! council fetch them, as a download. The family sees them (described) on
//! "My data"; an approved deletion removes their rows and stored files.

mod common;

use app::identity::{RoleKind, with_check_digit};
use common::{Browser, TestApp, location, persona};

const MONA_NAKHLA_STAFF: &str = "1000000032";
const REEM_BAHR_STAFF: &str = "1000000040";

/// A minimal well-formed PDF with `body` in its one object.
fn pdf(body: &str) -> Vec<u8> {
    let head = format!("%PDF-1.4\n1 0 obj\n<< {body} >>\nendobj\n");
    let xref = head.len();
    format!(
        "{head}xref\n0 2\n0000000000 65535 f \ntrailer\n<< /Size 2 /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n"
    )
    .into_bytes()
}

fn png() -> Vec<u8> {
    let picture = image::RgbImage::from_pixel(40, 30, image::Rgb([200, 120, 40]));
    let mut out = std::io::Cursor::new(Vec::new());
    picture.write_to(&mut out, image::ImageFormat::Png).unwrap();
    out.into_inner()
}

async fn upload(browser: &Browser, file: i64, kind: &str, bytes: Vec<u8>) -> reqwest::Response {
    let form = reqwest::multipart::Form::new()
        .text("file_id", file.to_string())
        .text("kind", kind.to_string())
        .part(
            "document",
            reqwest::multipart::Part::bytes(bytes).file_name("scan"),
        );
    browser
        .client
        .post(browser.url(app::paths::FINANCING_DOCUMENT_UPLOAD))
        .multipart(form)
        .send()
        .await
        .unwrap()
}

/// A financing file of Al Nakhla, made straight in the database (the walk
/// to it is server/tests/financing.rs's).
async fn a_file(app: &TestApp) -> i64 {
    let family = app.signed_in(&with_check_digit("139000005")).await;
    common::register_household(&family, common::jeddah_district(&app.state.db, 5).await).await;
    let household = app.me.count("SELECT MAX(id) FROM households").await;
    let nakhla = app
        .me
        .count("SELECT id FROM associations WHERE licence_number = 'DEMO-001'")
        .await;
    let financing = app
        .me
        .count("SELECT id FROM assistance_types WHERE code = 'financing'")
        .await;
    let now = app::database::now();
    let pool = &app.state.db.pool;
    let (application,): (i64,) = sqlx::query_as(sqlx::AssertSqlSafe(format!(
        "INSERT INTO applications (household_id, submission_key, created_at) VALUES ({household}, 'doc-test', {now}) RETURNING id"
    )))
    .fetch_one(pool)
    .await
    .unwrap();
    let (line,): (i64,) = sqlx::query_as(sqlx::AssertSqlSafe(format!(
        "INSERT INTO application_lines (application_id, household_id, assistance_type_id, description, \
         state, association_id, created_at, last_action_at) VALUES ({application}, {household}, \
         {financing}, 'قرض', 'approved', {nakhla}, {now}, {now}) RETURNING id"
    )))
    .fetch_one(pool)
    .await
    .unwrap();
    let (file,): (i64,) = sqlx::query_as(sqlx::AssertSqlSafe(format!(
        "INSERT INTO financing_files (line_id, household_id, association_id, activity, requested_halalas, \
         months, applicant_birth_date, monthly_income_halalas, opened_at) VALUES ({line}, {household}, \
         {nakhla}, 'sewing', 2000000, 20, '1985-01-01', 400000, {now}) RETURNING id"
    )))
    .fetch_one(pool)
    .await
    .unwrap();
    file
}

async fn documents(app: TestApp) {
    let file = a_file(&app).await;
    let staff = app.signed_in(MONA_NAKHLA_STAFF).await;
    let bahr = app.signed_in(REEM_BAHR_STAFF).await;
    let council = app.signed_in(&persona(RoleKind::CouncilAdmin)).await;
    let page = format!("{}/{file}", app::paths::FINANCING_FILE_PAGE);

    // Refused: another association; a PDF with a script; a PDF cut short;
    // something that is neither.
    let r = upload(&bahr, file, "certificate", pdf("/Type /Catalog")).await;
    assert!(location(&r).contains("error=forbidden"), "{}", location(&r));
    for bytes in [
        pdf("/OpenAction << /S /JavaScript /JS (app.alert(1)) >>"),
        pdf("/Type /Catalog")[..60].to_vec(),
        b"MZ\x90\x00 not a document".to_vec(),
    ] {
        let r = upload(&staff, file, "certificate", bytes).await;
        assert_eq!(
            location(&r),
            format!("{page}?error=financing_document_refused")
        );
    }
    let too_big = {
        let mut b = pdf("/Type /Catalog");
        b.resize(app::financing::documents::MAX_DOCUMENT_BYTES + 10, b' ');
        b
    };
    let r = upload(&staff, file, "certificate", too_big).await;
    assert!(r.status() == 303 || r.status() == 413, "{}", r.status());
    assert_eq!(
        app.me
            .count("SELECT COUNT(*) FROM financing_document_files")
            .await,
        0
    );

    // Kept: a PDF as it is, a photo as WebP.
    let certificate = pdf("/Type /Catalog");
    let r = upload(&staff, file, "certificate", certificate.clone()).await;
    assert_eq!(location(&r), page);
    let r = upload(&staff, file, "housing", png()).await;
    assert_eq!(location(&r), page);
    let detail: serde_json::Value = serde_json::from_str(
        &staff
            .post_api("/api/get_financing_file", &[("file_id", &file.to_string())])
            .await
            .text()
            .await
            .unwrap(),
    )
    .unwrap();
    let uploads = detail["uploads"].as_array().unwrap();
    assert_eq!(uploads.len(), 2);
    assert_eq!(uploads[0]["format"], "pdf");
    assert_eq!(uploads[1]["format"], "webp");
    let first = uploads[0]["id"].as_i64().unwrap();
    let second = uploads[1]["id"].as_i64().unwrap();

    // Fetched by the association's staff and the council, as a download.
    let url = |id: i64| format!("{}/{id}", app::paths::FINANCING_DOCUMENT_FILES);
    let r = staff.get(&url(first)).await;
    assert_eq!(r.status(), 200);
    assert_eq!(r.headers()["content-type"], "application/pdf");
    assert!(
        r.headers()["content-disposition"]
            .to_str()
            .unwrap()
            .starts_with("attachment")
    );
    assert_eq!(r.headers()["x-content-type-options"], "nosniff");
    assert_eq!(r.bytes().await.unwrap().to_vec(), certificate);
    let r = council.get(&url(second)).await;
    assert_eq!(r.status(), 200);
    assert!(r.bytes().await.unwrap().starts_with(b"RIFF"));
    assert_eq!(bahr.get(&url(first)).await.status(), 403);
    assert_eq!(app.browser().get(&url(first)).await.status(), 401);
    assert!(
        app.me
            .count(
                "SELECT COUNT(*) FROM audit_events WHERE action = 'household_viewed' \
                 AND detail LIKE 'financing_document%'"
            )
            .await
            >= 2
    );
    let html = staff.get(&page).await.text().await.unwrap();
    assert!(html.contains("data-format=\"webp\""), "{html}");
}

/// The files the store holds for the file's uploaded documents.
async fn stored_documents(app: &TestApp) -> Vec<std::path::PathBuf> {
    let rows: Vec<(String, String)> =
        sqlx::query_as("SELECT storage_key, format FROM financing_document_files ORDER BY id")
            .fetch_all(&app.state.db.pool)
            .await
            .unwrap();
    rows.iter()
        .map(|(key, format)| {
            let format = app::financing::documents::DocumentFormat::parse(format).unwrap();
            let name = app::financing::documents::document_file_name(key, format);
            app.state.settings.photo_dir.join(name)
        })
        .collect()
}

async fn my_data_and_deletion(app: TestApp) {
    let file = a_file(&app).await;
    let staff = app.signed_in(MONA_NAKHLA_STAFF).await;
    for (kind, bytes) in [("certificate", pdf("/Type /Catalog")), ("housing", png())] {
        upload(&staff, file, kind, bytes).await;
    }
    let stored = stored_documents(&app).await;
    assert_eq!(stored.len(), 2);
    assert!(stored.iter().all(|path| path.exists()), "{stored:?}");

    // The family's "My data" describes the file and its two documents.
    let family = app.signed_in(&with_check_digit("139000005")).await;
    let mine: serde_json::Value = family
        .post_api("/api/get_my_data", &[])
        .await
        .json()
        .await
        .unwrap();
    let financing = &mine["financing"][0];
    assert_eq!(financing["file_id"], file);
    assert_eq!(financing["activity"], "sewing");
    assert_eq!(financing["applicant_birth_date"], "1985-01-01");
    assert_eq!(financing["loan"], serde_json::Value::Null);
    let kinds: Vec<&str> = financing["documents"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["kind"].as_str().unwrap())
        .collect();
    assert_eq!(kinds, ["certificate", "housing"]);
    let html = family
        .get(app::paths::MY_DATA_PAGE)
        .await
        .text()
        .await
        .unwrap();
    assert!(html.contains("id=\"financing\""), "{html}");

    // An approved deletion: the documents' rows and files go, and the birth
    // date and income typed for the eligibility check are blanked.
    let delete = [("kind", "deletion"), ("note", ""), ("confirm", "yes")];
    assert_eq!(
        family
            .post_api("/api/make_privacy_request", &delete)
            .await
            .status(),
        200
    );
    let officer = app
        .signed_in(&persona(RoleKind::DataProtectionOfficer))
        .await;
    let request = app
        .me
        .count("SELECT MAX(id) FROM privacy_requests")
        .await
        .to_string();
    let approve = [
        ("id", request.as_str()),
        ("outcome", "done"),
        ("reason", ""),
    ];
    assert_eq!(
        officer
            .post_api("/api/decide_privacy_request", &approve)
            .await
            .status(),
        200
    );
    assert_eq!(
        app.me
            .count("SELECT COUNT(*) FROM financing_document_files")
            .await,
        0
    );
    assert!(stored.iter().all(|path| !path.exists()), "{stored:?}");
    let (birth, income): (String, i64) = sqlx::query_as(
        "SELECT applicant_birth_date, monthly_income_halalas FROM financing_files WHERE id = $1",
    )
    .bind(file)
    .fetch_one(&app.state.db.pool)
    .await
    .unwrap();
    assert_eq!((birth.as_str(), income), ("", 0));
}

both_engines! {
    async fn uploads(app: TestApp) {
        documents(app).await;
    }

    async fn in_my_data_and_erased_with_the_household(app: TestApp) {
        my_data_and_deletion(app).await;
    }
}
