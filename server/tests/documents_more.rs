//! Documents at the counter, added after sending, and a refused apply form
//! that keeps what was typed (issue 21 §2 and §4), through real HTTP on
//! SQLite and PostgreSQL: staff attach the documents a walk-in family
//! brought to the counter's multipart form (the family's checks; stored as
//! uploaded by the staff member, seen by the association and the family);
//! a family adds a document to an open line (403 for another household, 409
//! once the line is closed); a refused form comes back filled in, with its
//! message beside the field and the files to choose again, for the person
//! who typed it only.

mod common;

use app::identity::RoleKind;
use common::{Browser, TestApp, location, persona};
use serde_json::Value;

const NOURA: &str = "1000000065";
const AMINA: &str = "2000000071";
const STAFF_NAKHLA: &str = "1000000032";

const NEED: &str = "أحتاج دورة خياطة للمبتدئين";

fn png() -> Vec<u8> {
    let picture = image::RgbImage::from_pixel(40, 30, image::Rgb([200, 120, 40]));
    let mut out = std::io::Cursor::new(Vec::new());
    picture.write_to(&mut out, image::ImageFormat::Png).unwrap();
    out.into_inner()
}

/// A minimal well-formed PDF.
fn pdf() -> Vec<u8> {
    let head = "%PDF-1.4\n1 0 obj\n<< /Type /Catalog >>\nendobj\n".to_string();
    let xref = head.len();
    format!(
        "{head}xref\n0 2\n0000000000 65535 f \ntrailer\n<< /Size 2 /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n"
    )
    .into_bytes()
}

async fn json(browser: &Browser, path: &str, form: &[(&str, &str)]) -> Value {
    let r = browser.post_api(path, form).await;
    let status = r.status();
    let body = r.text().await.unwrap();
    assert_eq!(status, 200, "{path}: {body}");
    serde_json::from_str(&body).unwrap()
}

/// Training's id, and the council's two documents for it: an ID copy
/// (required) and a quotation (optional).
async fn training_with_documents(app: &TestApp) -> (i64, i64, i64) {
    let training = app
        .count("SELECT id FROM assistance_types WHERE code = 'training'")
        .await;
    let council = app.signed_in(&persona(RoleKind::CouncilAdmin)).await;
    for (ar, en, required) in [
        ("صورة الهوية", "ID copy", true),
        ("عرض سعر", "Quotation", false),
    ] {
        let type_id = training.to_string();
        let mut form = vec![
            ("assistance_type_id", type_id.as_str()),
            ("name_ar", ar),
            ("name_en", en),
            ("active", "1"),
        ];
        if required {
            form.push(("required", "1"));
        }
        json(&council, "/api/save_document_kind", &form).await;
    }
    let id_copy = app
        .count("SELECT id FROM document_kinds WHERE name_en = 'ID copy'")
        .await;
    let quotation = app
        .count("SELECT id FROM document_kinds WHERE name_en = 'Quotation'")
        .await;
    (training, id_copy, quotation)
}

/// A multipart form with these text fields and files (`documents[<kind>]`).
fn multipart(text: &[(&str, String)], files: &[(i64, Vec<u8>)]) -> reqwest::multipart::Form {
    let mut form = reqwest::multipart::Form::new();
    for (name, value) in text {
        form = form.text(name.to_string(), value.clone());
    }
    for (kind, bytes) in files {
        form = form.part(
            format!("documents[{kind}]"),
            reqwest::multipart::Part::bytes(bytes.clone()).file_name("scan"),
        );
    }
    form
}

/// Posts a multipart form as a browser without JavaScript (`as_json`
/// false) or a script.
async fn post(
    browser: &Browser,
    path: &str,
    form: reqwest::multipart::Form,
    as_json: bool,
) -> reqwest::Response {
    let mut request = browser.client.post(browser.url(path)).multipart(form);
    if as_json {
        request = request.header(reqwest::header::ACCEPT, "application/json");
    }
    request.send().await.unwrap()
}

/// The training line's fields of an apply form, with `description`.
fn training_line(key: &str, training: i64, description: &str) -> Vec<(&'static str, String)> {
    vec![
        ("submission_key", key.to_string()),
        ("lines[0][assistance_type_id]", training.to_string()),
        ("lines[0][chosen]", "1".to_string()),
        ("lines[0][description]", description.to_string()),
    ]
}

/// The HTML tag around `needle`.
fn tag_of<'a>(html: &'a str, needle: &str) -> &'a str {
    let at = html
        .find(needle)
        .unwrap_or_else(|| panic!("{needle} in {html}"));
    let start = html[..at].rfind('<').unwrap();
    let end = at + html[at..].find('>').unwrap();
    &html[start..=end]
}

/// The page the browser is sent back to, as the same person reads it.
async fn page(browser: &Browser, path: &str) -> String {
    let r = browser.get(path).await;
    assert_eq!(r.status(), 200, "{path}");
    r.text().await.unwrap()
}

both_engines! {
    async fn counter_application_carries_the_documents_the_family_brought(app: TestApp) {
        let (training, id_copy, _) = training_with_documents(&app).await;
        let db = &app.state.db;
        let nakhla = app.signed_in(STAFF_NAKHLA).await;
        let district = common::jeddah_district(db, 0).await.to_string();
        let r = nakhla.post_api("/api/register_walk_in", &[
            ("national_id", NOURA), ("head_name", "نورة عبدالله الأسرية"),
            ("phone", "0551234567"), ("district_id", district.as_str()),
        ]).await;
        assert_eq!(r.status(), 200, "{}", r.text().await.unwrap());
        let household = app.count("SELECT id FROM households").await;
        let apply_page = format!("{}/{household}/apply", app::paths::HOUSEHOLD_FILE_PAGE);

        // The counter's form is multipart, with the type's document inputs.
        let html = page(&nakhla, &apply_page).await;
        assert!(html.contains("multipart/form-data"), "{html}");
        assert!(html.contains(app::paths::COUNTER_APPLY_SEND), "{html}");
        assert!(html.contains(&format!("name=\"documents[{id_copy}]\"")), "{html}");

        let form: Value = json(&nakhla, "/api/get_counter_apply_form", &[("household_id", &household.to_string())]).await;
        let key = form["form"]["submission_key"].as_str().unwrap().to_string();
        let mut text = training_line(&key, training, NEED);
        text.push(("household_id", household.to_string()));

        // Without the required document: refused as the family's form is,
        // and back to the counter's form with what was typed.
        let r = post(&nakhla, app::paths::COUNTER_APPLY_SEND, multipart(&text, &[]), true).await;
        assert_eq!(r.status(), 422);
        assert!(r.text().await.unwrap().contains("document_missing"));
        let r = post(&nakhla, app::paths::COUNTER_APPLY_SEND, multipart(&text, &[(id_copy, b"GIF89a".to_vec())]), false).await;
        assert_eq!(r.status(), 303);
        let back = location(&r);
        assert!(back.starts_with(&format!("{apply_page}?draft=")), "{back}");
        assert!(back.ends_with("&error=document_wrong_type"), "{back}");
        let html = page(&nakhla, &back).await;
        assert!(html.contains(NEED), "the need is kept: {html}");
        assert!(html.contains(&format!("document-{id_copy}-check")), "the message beside the file: {html}");
        assert!(html.contains("files-again"), "{html}");
        assert_eq!(app.count("SELECT COUNT(*) FROM application_lines").await, 0);

        // With it: stored, recorded as the staff member's upload, audited.
        let r = post(&nakhla, app::paths::COUNTER_APPLY_SEND, multipart(&text, &[(id_copy, png())]), false).await;
        assert_eq!(r.status(), 303);
        let receipt = location(&r);
        assert!(receipt.starts_with(app::paths::RECEIPT_PAGE) && receipt.ends_with("?made=1"), "{receipt}");
        assert_eq!(app.count("SELECT COUNT(*) FROM line_documents").await, 1);
        let staff_user = app.count(&format!("SELECT id FROM users WHERE national_id = '{STAFF_NAKHLA}'")).await;
        assert_eq!(app.count("SELECT uploaded_by FROM line_documents").await, staff_user);
        let (detail,): (String,) = sqlx::query_as(
            "SELECT detail FROM audit_events WHERE action = 'application_made_at_counter'")
            .fetch_one(&db.pool).await.unwrap();
        assert!(detail.contains("(1 documents)"), "{detail}");
        assert_eq!(app.count("SELECT COUNT(*) FROM application_lines").await, 1);
        let line = app.count("SELECT id FROM application_lines").await;

        // The association sees and opens it; so does the family.
        let detail = json(&nakhla, "/api/get_line_detail", &[("line_id", &line.to_string())]).await;
        let docs = detail["documents"].as_array().unwrap();
        assert_eq!(docs.len(), 1);
        let url = format!("{}/{}", app::paths::LINE_DOCUMENT_FILES, docs[0]["id"]);
        assert_eq!(nakhla.get(&url).await.status(), 200);
        let noura = app.signed_in(NOURA).await;
        let mine = json(&noura, "/api/get_my_applications", &[]).await;
        assert_eq!(mine["documents"].as_array().unwrap().len(), 1, "{mine}");
        assert_eq!(noura.get(&url).await.status(), 200);
        // Another family does not.
        let amina = app.signed_in(AMINA).await;
        assert_eq!(amina.get(&url).await.status(), 403);
    }

    async fn a_family_adds_a_document_to_an_open_line(app: TestApp) {
        let (training, id_copy, quotation) = training_with_documents(&app).await;
        let db = &app.state.db;
        let noura = app.signed_in(NOURA).await;
        common::register_household(&noura, common::jeddah_district(db, 0).await).await;
        let form = json(&noura, "/api/get_apply_form", &[]).await;
        let key = form["submission_key"].as_str().unwrap().to_string();
        let r = post(&noura, app::paths::APPLY_SEND, multipart(&training_line(&key, training, NEED), &[(id_copy, png())]), false).await;
        assert_eq!(location(&r), "/applications?submitted=1");
        let line = app.count("SELECT id FROM application_lines").await;

        // "My applications" offers the form under the open line.
        let html = page(&noura, app::paths::MY_APPLICATIONS_PAGE).await;
        assert!(html.contains(app::paths::LINE_DOCUMENT_ADD), "{html}");
        assert!(html.contains(&format!("name=\"documents[{quotation}]\"")), "{html}");

        let add = |browser: Browser, line: i64, files: Vec<(i64, Vec<u8>)>, as_json: bool| async move {
            let form = multipart(&[("line_id", line.to_string())], &files);
            post(&browser, app::paths::LINE_DOCUMENT_ADD, form, as_json).await
        };
        // The quotation, after sending: kept, dated, audited.
        let before = app::audit::count_actions(db, app::audit::action::LINE_DOCUMENT_UPLOADED).await.unwrap();
        let r = add(noura.clone(), line, vec![(quotation, pdf())], false).await;
        assert_eq!(r.status(), 303);
        assert_eq!(location(&r), format!("/applications?document_added={line}"));
        assert!(page(&noura, &location(&r)).await.contains("document-added"));
        assert_eq!(app.count("SELECT COUNT(*) FROM line_documents").await, 2);
        assert_eq!(app::audit::count_actions(db, app::audit::action::LINE_DOCUMENT_UPLOADED).await.unwrap(), before + 1);
        // The line's association sees it with its date.
        let staff = app.signed_in(STAFF_NAKHLA).await;
        let detail = json(&staff, "/api/get_line_detail", &[("line_id", &line.to_string())]).await;
        let docs = detail["documents"].as_array().unwrap();
        assert_eq!(docs.len(), 2);
        assert_eq!(docs[1]["kind_name_en"], "Quotation");
        assert!(docs[1]["uploaded_at"].as_i64().unwrap() > 0);
        let html = page(&staff, &format!("{}/{line}", app::paths::LINE_PAGE)).await;
        assert!(html.contains(&format!("{}/{}", app::paths::LINE_DOCUMENT_FILES, docs[1]["id"])), "{html}");

        // No file, a bad file: refused with their messages, nothing kept.
        let r = add(noura.clone(), line, vec![], true).await;
        assert_eq!(r.status(), 422);
        assert!(r.text().await.unwrap().contains("document_not_chosen"));
        let r = add(noura.clone(), line, vec![(quotation, b"%PDF-1.4 broken".to_vec())], true).await;
        assert_eq!(r.status(), 422);
        assert!(r.text().await.unwrap().contains("document_damaged"));
        assert_eq!(app.count("SELECT COUNT(*) FROM line_documents").await, 2);

        // Another household: 403, audited.
        let amina = app.signed_in(AMINA).await;
        common::register_household(&amina, common::jeddah_district(db, 1).await).await;
        let denied = app::audit::count_actions(db, app::audit::action::ACCESS_DENIED).await.unwrap();
        assert_eq!(add(amina.clone(), line, vec![(quotation, pdf())], true).await.status(), 403);
        assert_eq!(app::audit::count_actions(db, app::audit::action::ACCESS_DENIED).await.unwrap(), denied + 1);
        // Nobody signed in: 401.
        assert_eq!(add(app.browser(), line, vec![(quotation, pdf())], true).await.status(), 401);

        // Withdrawn, the line takes no more: 409 with its message, and the
        // page no longer offers the form.
        let r = noura.post_api("/api/withdraw_line", &[("line_id", &line.to_string())]).await;
        assert_eq!(r.status(), 200);
        let r = add(noura.clone(), line, vec![(quotation, pdf())], true).await;
        assert_eq!(r.status(), 409);
        assert!(r.text().await.unwrap().contains("document_line_closed"));
        let r = add(noura.clone(), line, vec![(quotation, pdf())], false).await;
        assert_eq!(location(&r), "/applications?error=document_line_closed");
        let html = page(&noura, &location(&r)).await;
        assert!(html.contains("هذا الطلب مغلق"), "{html}");
        assert!(!html.contains(app::paths::LINE_DOCUMENT_ADD), "{html}");
        assert_eq!(app.count("SELECT COUNT(*) FROM line_documents").await, 2);
    }

    async fn a_refused_apply_form_keeps_what_was_typed(app: TestApp) {
        let (training, id_copy, quotation) = training_with_documents(&app).await;
        let db = &app.state.db;
        let noura = app.signed_in(NOURA).await;
        common::register_household(&noura, common::jeddah_district(db, 0).await).await;
        let form = json(&noura, "/api/get_apply_form", &[]).await;
        let key = form["submission_key"].as_str().unwrap().to_string();
        let index = form["choices"].as_array().unwrap().iter()
            .position(|c| c["assistance_type"]["id"] == training).unwrap();

        // A required document missing: the form comes back with the type
        // ticked, the need typed and the message beside the document; the
        // quotation that was sent is to be chosen again.
        let r = post(&noura, app::paths::APPLY_SEND, multipart(&training_line(&key, training, NEED), &[(quotation, pdf())]), false).await;
        assert_eq!(r.status(), 303);
        let back = location(&r);
        assert!(back.starts_with("/applications/new?draft="), "{back}");
        assert!(back.ends_with("&error=document_missing"), "{back}");
        assert!(!back.contains("%D8"), "no typed text in the address: {back}");
        let html = page(&noura, &back).await;
        assert!(html.contains(NEED), "{html}");
        assert!(tag_of(&html, &format!("id=\"line-{index}-chosen\"")).contains("checked"), "{html}");
        assert!(html.contains(&format!("id=\"document-{id_copy}-check\"")), "{html}");
        assert!(html.contains(&format!("id=\"document-{quotation}-again\"")), "{html}");
        assert!(html.contains("ينقص مستند مطلوب"), "{html}");

        // A field error: the message beside the description, the text kept.
        let r = post(&noura, app::paths::APPLY_SEND, multipart(&training_line(&key, training, "قصير"), &[(id_copy, png())]), false).await;
        let back = location(&r);
        assert!(back.ends_with("&error=description_required"), "{back}");
        let html = page(&noura, &back).await;
        assert!(html.contains(&format!("id=\"line-{index}-description-check\"")), "{html}");
        assert!(html.contains("قصير"), "{html}");
        assert_eq!(app.count("SELECT COUNT(*) FROM application_lines").await, 0);

        // The draft is read by the person who typed it only.
        let amina = app.signed_in(AMINA).await;
        common::register_household(&amina, common::jeddah_district(db, 1).await).await;
        let html = page(&amina, &back).await;
        let main = &html[html.find("<main").unwrap()..];
        assert!(!main.contains("قصير"), "{main}");
        assert!(!main.contains("-check\""), "{main}");

        // A cooldown or an active line comes back filled in too.
        let r = post(&noura, app::paths::APPLY_SEND, multipart(&training_line(&key, training, NEED), &[(id_copy, png())]), false).await;
        assert_eq!(location(&r), "/applications?submitted=1");
        let again = json(&noura, "/api/get_apply_form", &[]).await;
        let key2 = again["submission_key"].as_str().unwrap().to_string();
        let r = post(&noura, app::paths::APPLY_SEND, multipart(&training_line(&key2, training, NEED), &[(id_copy, png())]), false).await;
        let back = location(&r);
        assert!(back.starts_with("/applications/new?draft=") && back.ends_with("&error=line_already_active"), "{back}");
        assert_eq!(app.count("SELECT COUNT(*) FROM line_documents").await, 1);
    }
}
