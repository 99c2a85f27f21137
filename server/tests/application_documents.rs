//! Documents with an application (issue 21 §4), through real HTTP on SQLite
//! and PostgreSQL: the council asks for documents with a type; the family's
//! multipart form carries them (a photo and a PDF kept; a PDF with a script,
//! one cut short, something neither, files past their cap and a required
//! one missing refused with a 4xx and its message, storing nothing); the
//! family and the line's association open them inline, another association
//! gets 403 (the counter, documents added later and a refused form's draft:
//! `documents_more.rs`); each staff opening is audited and listed in the family's
//! "My data"; an approved deletion removes the rows and the files.

mod common;

use app::identity::RoleKind;
use common::{Browser, TestApp, location, persona};
use serde_json::Value;

const NOURA: &str = "1000000065";
const AMINA: &str = "2000000071";
const MONA_NAKHLA_STAFF: &str = "1000000032";
const REEM_BAHR_STAFF: &str = "1000000040";

/// Each document kind's uploaded bytes.
type Files = Vec<(i64, Vec<u8>)>;

async fn json(browser: &Browser, path: &str, form: &[(&str, &str)]) -> Value {
    let r = browser.post_api(path, form).await;
    let status = r.status();
    let body = r.text().await.unwrap();
    assert_eq!(status, 200, "{path}: {body}");
    serde_json::from_str(&body).unwrap()
}

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

/// The stored documents' files in the photo directory.
fn stored_files(app: &TestApp) -> usize {
    std::fs::read_dir(&app.state.settings.photo_dir)
        .map(|dir| {
            dir.filter_map(Result::ok)
                .filter(|e| {
                    e.file_name()
                        .to_string_lossy()
                        .starts_with("application-document-")
                })
                .count()
        })
        .unwrap_or(0)
}

/// The application form for training with these files, as a script posts
/// it (`json`) or a browser without JavaScript.
async fn send(
    family: &Browser,
    key: &str,
    training: i64,
    files: &[(i64, Vec<u8>)],
    as_json: bool,
) -> reqwest::Response {
    let mut form = reqwest::multipart::Form::new()
        .text("submission_key", key.to_string())
        .text("lines[0][assistance_type_id]", training.to_string())
        .text("lines[0][chosen]", "1")
        .text("lines[0][description]", "أحتاج دورة خياطة للمبتدئين");
    for (kind, bytes) in files {
        form = form.part(
            format!("documents[{kind}]"),
            reqwest::multipart::Part::bytes(bytes.clone()).file_name("scan"),
        );
    }
    let mut request = family
        .client
        .post(family.url(app::paths::APPLY_SEND))
        .multipart(form);
    if as_json {
        request = request.header(reqwest::header::ACCEPT, "application/json");
    }
    request.send().await.unwrap()
}

async fn documents(app: TestApp) {
    let db = &app.state.db;
    let training = app
        .count("SELECT id FROM assistance_types WHERE code = 'training'")
        .await;
    let type_id = training.to_string();

    // The council asks for an ID copy (required) and a quotation (optional).
    let council = app.signed_in(&persona(RoleKind::CouncilAdmin)).await;
    let kind = |name_ar: &'static str, name_en: &'static str, required: bool| {
        let mut form = vec![
            ("assistance_type_id", type_id.clone()),
            ("name_ar", name_ar.to_string()),
            ("name_en", name_en.to_string()),
            ("active", "1".to_string()),
        ];
        if required {
            form.push(("required", "1".to_string()));
        }
        form
    };
    let add = |browser: &Browser, form: Vec<(&'static str, String)>| {
        let browser = browser.clone();
        async move {
            let form: Vec<(&str, &str)> = form.iter().map(|(k, v)| (*k, v.as_str())).collect();
            browser
                .post_api("/api/save_document_kind", &form)
                .await
                .status()
        }
    };
    assert_eq!(
        add(&council, kind("صورة الهوية", "ID copy", true)).await,
        200
    );
    assert_eq!(
        add(&council, kind("عرض سعر", "Quotation", false)).await,
        200
    );
    let id_copy = app
        .count("SELECT id FROM document_kinds WHERE name_en = 'ID copy'")
        .await;
    let quotation = app
        .count("SELECT id FROM document_kinds WHERE name_en = 'Quotation'")
        .await;
    // Only the council configures them.
    let noura = app.signed_in(NOURA).await;
    assert_eq!(add(&noura, kind("رخصة", "Licence", false)).await, 403);
    let kinds = json(&council, "/api/get_document_kinds", &[]).await;
    assert_eq!(kinds.as_array().unwrap().len(), 2);
    let page = council
        .get(app::paths::CATALOGUE_PAGE)
        .await
        .text()
        .await
        .unwrap();
    assert!(page.contains("صورة الهوية"), "{page}");

    // The family's form asks for them under the type.
    common::register_household(&noura, common::jeddah_district(db, 0).await).await;
    let form = json(&noura, "/api/get_apply_form", &[]).await;
    let key = form["submission_key"].as_str().unwrap().to_string();
    let choice = form["choices"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["assistance_type"]["id"] == training)
        .unwrap();
    assert_eq!(choice["documents"].as_array().unwrap().len(), 2);
    assert_eq!(choice["documents"][0]["required"], true);
    let html = noura
        .get(app::paths::APPLY_PAGE)
        .await
        .text()
        .await
        .unwrap();
    assert!(html.contains("multipart/form-data"), "{html}");
    assert!(
        html.contains(&format!("name=\"documents[{id_copy}]\"")),
        "{html}"
    );

    // Refused, each with its message, storing nothing.
    let mut too_big_pdf = pdf("/Type /Catalog");
    too_big_pdf.resize(app::photos::documents::MAX_DOCUMENT_BYTES + 10, b' ');
    let too_big_photo = vec![0u8; app::photos::documents::MAX_DOCUMENT_PHOTO_BYTES + 10];
    let refusals: Vec<(Files, &str)> = vec![
        (vec![(quotation, pdf("/Type /Catalog"))], "document_missing"),
        (
            vec![(
                id_copy,
                pdf("/OpenAction << /S /JavaScript /JS (app.alert(1)) >>"),
            )],
            "document_active",
        ),
        (
            vec![(id_copy, pdf("/Type /Catalog")[..60].to_vec())],
            "document_damaged",
        ),
        (
            vec![(id_copy, b"<svg onload=alert(1)></svg>".to_vec())],
            "document_wrong_type",
        ),
        (vec![(id_copy, too_big_pdf)], "document_too_large"),
        (vec![(id_copy, too_big_photo)], "document_too_large"),
        // A good photo beside a bad PDF: neither is kept.
        (
            vec![(id_copy, png()), (quotation, b"%PDF-1.4 broken".to_vec())],
            "document_damaged",
        ),
    ];
    for (files, message) in refusals {
        let r = send(&noura, &key, training, &files, true).await;
        let status = r.status().as_u16();
        let body = r.text().await.unwrap();
        assert!((400..500).contains(&status), "{message}: {status} {body}");
        assert!(body.contains(message), "{message}: {body}");
    }
    // A browser goes back to the form, which says why.
    let r = send(
        &noura,
        &key,
        training,
        &[(id_copy, b"GIF89a".to_vec())],
        false,
    )
    .await;
    assert_eq!(r.status(), 303);
    let back = location(&r);
    assert!(
        back.starts_with(&format!("{}?draft=", app::paths::APPLY_PAGE))
            && back.ends_with("&error=document_wrong_type"),
        "{back}"
    );
    let html = noura.get(&back).await.text().await.unwrap();
    assert!(html.contains("ليس PDF ولا صورة"), "{html}");
    assert_eq!(app.count("SELECT COUNT(*) FROM application_lines").await, 0);
    assert_eq!(app.count("SELECT COUNT(*) FROM line_documents").await, 0);
    assert_eq!(stored_files(&app), 0);
    // The server function's form (no files) is refused the same way.
    let r = noura
        .post_api(
            "/api/submit_application",
            &[
                ("submission_key", key.as_str()),
                ("lines[0][assistance_type_id]", &type_id),
                ("lines[0][chosen]", "1"),
                ("lines[0][description]", "أحتاج دورة خياطة للمبتدئين"),
            ],
        )
        .await;
    assert_eq!(r.status(), 422);
    assert!(r.text().await.unwrap().contains("document_missing"));

    // Kept: the ID copy as a photo (WebP), the quotation as a PDF.
    let quote = pdf("/Type /Catalog");
    let r = send(
        &noura,
        &key,
        training,
        &[(id_copy, png()), (quotation, quote.clone())],
        false,
    )
    .await;
    assert_eq!(location(&r), "/applications?submitted=1");
    // The same form again creates nothing and keeps no file.
    let r = send(&noura, &key, training, &[(id_copy, png())], false).await;
    assert_eq!(r.status(), 303);
    assert_eq!(app.count("SELECT COUNT(*) FROM application_lines").await, 1);
    assert_eq!(app.count("SELECT COUNT(*) FROM line_documents").await, 2);
    assert_eq!(stored_files(&app), 2);
    let line = app.count("SELECT id FROM application_lines").await;

    // The family sees its own.
    let mine = json(&noura, "/api/get_my_applications", &[]).await;
    let docs = mine["documents"].as_array().unwrap();
    assert_eq!(docs.len(), 2);
    assert_eq!(docs[0]["line_id"], line);
    let (photo, pdf_id) = (
        docs[0]["id"].as_i64().unwrap(),
        docs[1]["id"].as_i64().unwrap(),
    );
    let url = |id: i64| format!("{}/{id}", app::paths::LINE_DOCUMENT_FILES);
    assert_eq!(noura.get(&url(pdf_id)).await.status(), 200);
    let page = noura.get("/applications").await.text().await.unwrap();
    assert!(page.contains(&url(pdf_id)), "{page}");

    // The line's association opens them inline.
    let staff = app.signed_in(MONA_NAKHLA_STAFF).await;
    let detail = json(
        &staff,
        "/api/get_line_detail",
        &[("line_id", &line.to_string())],
    )
    .await;
    assert_eq!(detail["documents"].as_array().unwrap().len(), 2);
    let page = staff
        .get(&format!("{}/{line}", app::paths::LINE_PAGE))
        .await
        .text()
        .await
        .unwrap();
    assert!(page.contains(&url(photo)), "{page}");
    let r = staff.get(&url(pdf_id)).await;
    assert_eq!(r.status(), 200);
    let header =
        |r: &reqwest::Response, name: &str| r.headers()[name].to_str().unwrap().to_string();
    assert_eq!(header(&r, "content-type"), "application/pdf");
    assert!(header(&r, "content-disposition").starts_with("inline"));
    assert_eq!(header(&r, "x-content-type-options"), "nosniff");
    let policy = header(&r, "content-security-policy");
    assert!(policy.contains("default-src 'none'"), "{policy}");
    assert!(!policy.contains("script-src"), "{policy}");
    assert!(header(&r, "cache-control").contains("no-store"));
    assert_eq!(r.bytes().await.unwrap().to_vec(), quote);
    let r = staff.get(&url(photo)).await;
    assert_eq!(header(&r, "content-type"), "image/webp");
    assert!(header(&r, "content-security-policy").contains("sandbox"));
    assert!(r.bytes().await.unwrap().starts_with(b"RIFF"));

    // Nobody else: another association, another family, nobody signed in.
    let bahr = app.signed_in(REEM_BAHR_STAFF).await;
    assert_eq!(bahr.get(&url(pdf_id)).await.status(), 403);
    let amina = app.signed_in(AMINA).await;
    assert_eq!(amina.get(&url(pdf_id)).await.status(), 403);
    assert_eq!(app.browser().get(&url(pdf_id)).await.status(), 303);
    assert_eq!(
        app.browser()
            .client
            .get(app.url(&url(pdf_id)))
            .header(reqwest::header::ACCEPT, "application/json")
            .send()
            .await
            .unwrap()
            .status(),
        401
    );
    assert_eq!(staff.get(&url(999_999)).await.status(), 404);

    // Each staff opening is audited, and the family sees it in "My data".
    assert_eq!(
        app.count(
            "SELECT COUNT(*) FROM audit_events WHERE action = 'household_viewed' \
             AND detail LIKE 'application_document %'"
        )
        .await,
        2
    );
    let data = json(&noura, "/api/get_my_data", &[]).await;
    let opened: Vec<&Value> = data["reads"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|r| r["kind"] == "document_opened")
        .collect();
    assert_eq!(opened.len(), 2, "{data}");
    assert!(opened[0]["association_name_ar"].is_string(), "{data}");

    // An approved deletion removes the rows and the files.
    let delete = [("kind", "deletion"), ("note", ""), ("confirm", "yes")];
    assert_eq!(
        noura
            .post_api("/api/make_privacy_request", &delete)
            .await
            .status(),
        200
    );
    let officer = app
        .signed_in(&persona(RoleKind::DataProtectionOfficer))
        .await;
    let queue = json(&officer, "/api/get_privacy_queue", &[]).await;
    let id = queue["requests"][0]["request"]["id"]
        .as_i64()
        .unwrap()
        .to_string();
    let approve = [("id", id.as_str()), ("outcome", "done"), ("reason", "")];
    json(&officer, "/api/decide_privacy_request", &approve).await;
    assert_eq!(app.count("SELECT COUNT(*) FROM line_documents").await, 0);
    assert_eq!(stored_files(&app), 0);
    assert_eq!(staff.get(&url(pdf_id)).await.status(), 404);
    // The line itself stays (counted in reports), blanked.
    assert_eq!(app.count("SELECT COUNT(*) FROM application_lines").await, 1);
}

both_engines! {
    async fn application_documents(app: TestApp) {
        documents(app).await;
    }
}
