//! Imports of an association's households and past benefits, on SQLite and
//! PostgreSQL, through real HTTP: the upload, the dry run over every row,
//! the district mapping, the background commit, the result file, the
//! duplicate review, and the same file refused a second time.

mod common;

use std::time::Duration;

use app::identity::{RoleKind, with_check_digit};
use app::imports::rules::place_key;
use common::{Browser, TestApp, location, persona};

/// The association the demo's association admin administers.
async fn admin_association(app: &TestApp) -> i64 {
    let (id,): (i64,) = sqlx::query_as(
        "SELECT g.association_id FROM role_grants g JOIN users u ON u.id = g.user_id \
         WHERE u.national_id = $1 AND g.role = 'association_admin'",
    )
    .bind(persona(RoleKind::AssociationAdmin))
    .fetch_one(&app.state.db.pool)
    .await
    .unwrap();
    id
}

/// Jeddah districts whose names no other Jeddah district shares once
/// normalized: (id, Arabic name, English name).
async fn jeddah_districts(app: &TestApp) -> Vec<(i64, String, String)> {
    let all: Vec<(i64, String, String)> = sqlx::query_as(
        "SELECT d.id, d.name_ar, d.name_en FROM districts d JOIN cities c ON c.id = d.city_id \
         WHERE c.name_en = 'Jeddah' ORDER BY d.id",
    )
    .fetch_all(&app.state.db.pool)
    .await
    .unwrap();
    let unique = |name: &str, pick: fn(&(i64, String, String)) -> &str| {
        all.iter()
            .filter(|d| place_key(pick(d)) == place_key(name))
            .count()
            == 1
    };
    all.iter()
        .filter(|d| unique(&d.1, |d| &d.1) && unique(&d.2, |d| &d.2))
        .take(5)
        .cloned()
        .collect()
}

const GIVEN: [&str; 20] = [
    "نورة",
    "فاطمة",
    "سارة",
    "هند",
    "مريم",
    "عائشة",
    "خديجة",
    "أمل",
    "منى",
    "ريم",
    "سلمى",
    "ليلى",
    "هدى",
    "جواهر",
    "لطيفة",
    "حصة",
    "بدرية",
    "وفاء",
    "نجلاء",
    "أسماء",
];
const FAMILY: [&str; 10] = [
    "الحربي",
    "الغامدي",
    "الزهراني",
    "القحطاني",
    "العتيبي",
    "الشهري",
    "المالكي",
    "الجهني",
    "السلمي",
    "البقمي",
];

/// A households file of 200 rows with exactly ten bad ones (their lines and
/// the reason each must get) and one that looks like the household already
/// registered with phone 0551234567 in `districts[0]`.
fn household_file(districts: &[(i64, String, String)]) -> (String, Vec<(i64, &'static str)>, i64) {
    let mut csv = String::from(
        "رقم هوية رب الأسرة,اسم رب الأسرة الكامل,رقم الجوال,المدينة,الحي,العنوان,عدد المعالين,الدخل الشهري,الحرف والمهارات\n\
         Head national ID,Head full name,Mobile phone,City,District,Address,Dependants,Monthly income,Crafts and skills\n",
    );
    let mut bad = Vec::new();
    let mut duplicate_line = 0;
    for i in 0..200usize {
        let line = i as i64 + 3;
        let mut id = with_check_digit(&format!("1{:08}", 20_000_000 + i));
        let mut name = format!("{} بنت محمد {}", GIVEN[i % 20], FAMILY[i / 20]);
        let mut phone = format!("05{:08}", 40_000_000 + i);
        let (district_id, ar, en) = &districts[i % districts.len()];
        let _ = district_id;
        // Forgiving spellings: without "حي", in English, as is.
        let mut district = match i % 3 {
            0 => ar.trim_start_matches("حي ").to_string(),
            1 => en.clone(),
            _ => ar.clone(),
        };
        let city = if i % 2 == 0 { "جدة" } else { "Jeddah" };
        let mut dependants = (i % 7).to_string();
        let mut income = ["none", "under_3000", "٤٥٠٠", "أكثر من 10000 ريال"][i % 4].to_string();
        let reason = match i {
            10 => {
                let last = id.pop().unwrap().to_digit(10).unwrap();
                id.push(char::from_digit((last + 1) % 10, 10).unwrap());
                Some("national_id_check_digit")
            }
            20 => {
                id = "123456789".into();
                Some("national_id_length")
            }
            30 => {
                id = with_check_digit("300000001");
                Some("national_id_prefix")
            }
            40 => {
                phone = "+14155550100".into();
                Some("phone_not_saudi")
            }
            50 => {
                phone = "0123456789".into();
                Some("phone_not_saudi")
            }
            60 => {
                name = String::new();
                Some("name_missing")
            }
            70 => {
                district = "حي لا وجود له".into();
                Some("district_unknown")
            }
            80 => {
                dependants = "كثير".into();
                Some("dependants_invalid")
            }
            90 => {
                id = with_check_digit(&format!("1{:08}", 20_000_000 + 5));
                Some("repeated_in_file")
            }
            100 => {
                income = "غير معروف".into();
                Some("income_bracket_invalid")
            }
            _ => None,
        };
        if let Some(reason) = reason {
            bad.push((line, reason));
        }
        if i == 150 {
            // The registered family's phone, in its district: a possible duplicate.
            phone = "+966 55 123 4567".into();
            district = districts[0].1.clone();
            duplicate_line = line;
        }
        csv.push_str(&format!(
            "{id},{name},{phone},{city},{district},\"شارع {i}، جدة\",{dependants},{income},\"الخياطة، sweets\"\n"
        ));
    }
    (csv, bad, duplicate_line)
}

/// Uploads a file as the form does (a browser without JavaScript).
async fn upload(
    browser: &Browser,
    association: i64,
    kind: &str,
    name: &str,
    bytes: Vec<u8>,
) -> reqwest::Response {
    let form = reqwest::multipart::Form::new()
        .text("association_id", association.to_string())
        .text("kind", kind.to_string())
        .part(
            "file",
            reqwest::multipart::Part::bytes(bytes).file_name(name.to_string()),
        );
    browser
        .client
        .post(browser.url(app::paths::IMPORT_UPLOAD))
        .multipart(form)
        .send()
        .await
        .unwrap()
}

/// The batch id a successful upload redirected to.
fn batch_of(response: &reqwest::Response) -> i64 {
    assert_eq!(response.status(), 303);
    let to = location(response);
    to.rsplit('/')
        .next()
        .unwrap()
        .parse()
        .unwrap_or_else(|_| panic!("redirected to {to}"))
}

async fn wait_committed(app: &TestApp, batch: i64) {
    for _ in 0..600 {
        let (status,): (String,) =
            sqlx::query_as("SELECT status FROM import_batches WHERE id = $1")
                .bind(batch)
                .fetch_one(&app.state.db.pool)
                .await
                .unwrap();
        if status == "committed" {
            return;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    panic!("batch {batch} was not committed within a minute");
}

both_engines! {
    async fn a_two_hundred_row_file_imports_its_hundred_and_ninety_good_rows(app: TestApp) {
        let districts = jeddah_districts(&app).await;
        assert!(districts.len() >= 3, "Jeddah districts with unique names");
        // A family already registered itself: phone 0551234567, first district.
        let family = app.signed_in(&persona(RoleKind::FamilyMember)).await;
        common::register_household(&family, districts[0].0).await;

        let association = admin_association(&app).await;
        let admin = app.signed_in(&persona(RoleKind::AssociationAdmin)).await;
        let page = admin.get(app::paths::IMPORTS_PAGE).await;
        assert_eq!(page.status(), 200);
        // The walk-in page leads admins to the import.
        let walk_in = admin.get(app::paths::WALK_IN_PAGE).await.text().await.unwrap();
        assert!(walk_in.contains(&format!("href=\"{}\"", app::paths::IMPORTS_PAGE)));
        let template = admin.get(&app::imports::template_url(app::imports::ImportKind::Households, "csv")).await;
        assert_eq!(template.status(), 200);
        assert!(template.bytes().await.unwrap().starts_with(b"\xEF\xBB\xBF"));
        let xlsx = admin.get(&app::imports::template_url(app::imports::ImportKind::Benefits, "xlsx")).await;
        assert_eq!(xlsx.status(), 200);

        // The dry run: every row stored; exactly the ten bad rows refused, each for its reason.
        let (csv, bad, duplicate_line) = household_file(&districts);
        let batch = batch_of(&upload(&admin, association, "households", "families.csv", csv.clone().into_bytes()).await);
        let refused: Vec<(i64, String)> = sqlx::query_as(
            "SELECT line_no, reasons FROM import_rows WHERE batch_id = $1 AND outcome = 'refuse' ORDER BY line_no",
        )
        .bind(batch)
        .fetch_all(&app.state.db.pool)
        .await
        .unwrap();
        let expected: Vec<(i64, String)> = bad.iter().map(|(l, r)| (*l, r.to_string())).collect();
        assert_eq!(refused, expected);
        assert_eq!(app.count(&format!("SELECT COUNT(*) FROM import_rows WHERE batch_id = {batch}")).await, 200);
        let (outcome, duplicate): (String, i64) = sqlx::query_as(
            "SELECT outcome, duplicate FROM import_rows WHERE batch_id = $1 AND line_no = $2",
        )
        .bind(batch)
        .bind(duplicate_line)
        .fetch_one(&app.state.db.pool)
        .await
        .unwrap();
        assert_eq!((outcome.as_str(), duplicate), ("create", 1));
        assert_eq!(app.count("SELECT COUNT(*) FROM households").await, 1, "a dry run writes no household");
        // The page shows the reasons, translated, and lists the unknown district.
        let html = admin.get(&app::imports::batch_url(batch)).await.text().await.unwrap();
        assert!(html.contains("رقم التحقق في الهوية غير صحيح"), "{html}");
        assert!(html.contains("حي لا وجود له"));
        assert!(html.contains("ستُنشأ وتُحال إلى مراجعة التكرار"));

        // The commit runs in the background; the page follows it.
        let commit = admin.post_form_from(&app::imports::batch_url(batch), "/api/commit_import", &[("batch_id", &batch.to_string())]).await;
        assert_eq!(commit.status(), 302, "{:?}", commit.text().await);
        wait_committed(&app, batch).await;
        let (created, matched, review, refused, done): (i64, i64, i64, i64, i64) = sqlx::query_as(
            "SELECT created, matched, sent_to_review, refused, rows_done FROM import_batches WHERE id = $1",
        )
        .bind(batch)
        .fetch_one(&app.state.db.pool)
        .await
        .unwrap();
        assert_eq!((created, matched, review, refused, done), (190, 0, 1, 10, 200));
        assert_eq!(app.count("SELECT COUNT(*) FROM households").await, 191);
        assert_eq!(app.count("SELECT COUNT(*) FROM households WHERE verified = 0").await, 190);
        assert_eq!(app.count("SELECT COUNT(*) FROM households WHERE phone = '966551234567'").await, 2);
        // The possible duplicate is in the council's review.
        assert_eq!(app.count("SELECT COUNT(*) FROM duplicate_candidates WHERE status = 'open'").await, 1);
        let council = app.signed_in(&persona(RoleKind::CouncilAdmin)).await;
        let candidates = council
            .post_api("/api/get_duplicate_candidates", &[])
            .await
            .json::<app::registry::api::DuplicatePage>()
            .await
            .unwrap()
            .candidates;
        assert_eq!(candidates.len(), 1);
        // The imported households are the association's.
        assert_eq!(
            app.count(&format!("SELECT COUNT(*) FROM household_associations WHERE association_id = {association}")).await,
            190
        );
        assert_eq!(app.count("SELECT COUNT(*) FROM audit_events WHERE action = 'import_committed'").await, 1);
        // The result file: a row per line of the file.
        let result = admin.get(&format!("{}/{batch}", app::paths::IMPORT_RESULTS)).await;
        assert_eq!(result.status(), 200);
        let text = result.text().await.unwrap();
        assert_eq!(text.lines().count(), 2 + 200);
        assert!(text.contains("national_id_check_digit"));
        assert!(text.contains("رقم التحقق في الهوية غير صحيح"));
        // In the reader's language: an admin reading in English gets English reasons.
        let english = admin
            .client
            .get(admin.url(&format!("{}/{batch}", app::paths::IMPORT_RESULTS)))
            .header("accept-language", "en")
            .send()
            .await
            .unwrap()
            .text()
            .await
            .unwrap();
        assert!(english.contains("The national ID's check digit is wrong"), "{english}");
        assert_eq!(text.lines().filter(|l| l.contains(",created,")).count(), 190);
        let html = admin.get(app::paths::IMPORTS_PAGE).await.text().await.unwrap();
        assert!(html.contains("families.csv") && html.contains("190"));

        // The same file again: its rows now match, and it cannot be committed twice.
        let again = batch_of(&upload(&admin, association, "households", "families-copy.csv", csv.into_bytes()).await);
        assert_eq!(
            app.count(&format!("SELECT COUNT(*) FROM import_rows WHERE batch_id = {again} AND outcome = 'match'")).await,
            190
        );
        let twice = admin.post_api("/api/commit_import", &[("batch_id", &again.to_string())]).await;
        assert_eq!(twice.status(), 409);
        assert!(twice.text().await.unwrap().contains("import_already_committed"));
        assert_eq!(app.count("SELECT COUNT(*) FROM households").await, 191);

        // Past benefits of the imported households, by type code or name.
        let ids: Vec<(String,)> = sqlx::query_as(
            "SELECT head_national_id FROM households WHERE verified = 0 ORDER BY id LIMIT 4",
        )
        .fetch_all(&app.state.db.pool)
        .await
        .unwrap();
        let mut benefits = String::from("Head national ID,Assistance type,Date given,Value in riyals\n");
        for (n, (id,)) in ids.iter().enumerate() {
            let kind = ["training", "المعدات والأدوات", "Raw materials", "training"][n];
            benefits.push_str(&format!("{id},{kind},2025-0{}-15,1500\n", n + 1));
        }
        benefits.push_str(&format!("{},training,2025-01-15,\n", with_check_digit("199999999")));
        let batch = batch_of(&upload(&admin, association, "benefits", "benefits.csv", benefits.into_bytes()).await);
        assert_eq!(
            app.count(&format!("SELECT COUNT(*) FROM import_rows WHERE batch_id = {batch} AND reasons = 'household_unknown'")).await,
            1
        );
        let commit = admin.post_api("/api/commit_import", &[("batch_id", &batch.to_string())]).await;
        assert_eq!(commit.status(), 200);
        wait_committed(&app, batch).await;
        assert_eq!(app.count(&format!("SELECT COUNT(*) FROM benefits WHERE association_id = {association}")).await, 4);
        assert_eq!(app.count("SELECT COUNT(*) FROM benefits WHERE value_halalas = 150000").await, 4);
    }

    async fn an_unknown_district_is_mapped_once_for_every_file(app: TestApp) {
        let districts = jeddah_districts(&app).await;
        let association = admin_association(&app).await;
        let admin = app.signed_in(&persona(RoleKind::AssociationAdmin)).await;
        let rows = |first: usize| -> Vec<Vec<String>> {
            let mut rows = vec![
                ["Head national ID", "Head full name", "City", "District"].map(String::from).to_vec(),
            ];
            for i in first..first + 3 {
                rows.push(vec![
                    with_check_digit(&format!("1{:08}", 30_000_000 + i)),
                    format!("{} بنت سعد {}", GIVEN[i % 20], FAMILY[i % 10]),
                    "جدة".into(),
                    if i % 2 == 0 { "حي النخيل القديم".into() } else { districts[1].1.clone() },
                ]);
            }
            rows
        };
        // An XLSX workbook, as Excel saves it.
        let file = app::imports::file::xlsx_bytes(&rows(0)).unwrap();
        let batch = batch_of(&upload(&admin, association, "households", "old.xlsx", file).await);
        assert_eq!(
            app.count(&format!("SELECT COUNT(*) FROM import_rows WHERE batch_id = {batch} AND reasons = 'district_unknown'")).await,
            2
        );
        // The page offers the districts of the city the file names.
        let html = admin.get(&app::imports::batch_url(batch)).await.text().await.unwrap();
        let (elsewhere,): (i64,) = sqlx::query_as(
            "SELECT d.id FROM districts d JOIN cities c ON c.id = d.city_id WHERE c.name_en <> 'Jeddah' LIMIT 1",
        )
        .fetch_one(&app.state.db.pool)
        .await
        .unwrap();
        assert!(html.contains("حي النخيل القديم"));
        assert!(html.contains(&format!("value=\"{}\"", districts[2].0)));
        assert!(!html.contains(&format!("value=\"{elsewhere}\"")));
        // Mapped once: the rows resolve.
        let mapped = admin
            .post_form_from(
                &app::imports::batch_url(batch),
                "/api/map_import_district",
                &[
                    ("batch_id", &batch.to_string()),
                    ("place", "جدة|حي النخيل القديم"),
                    ("district_id", &districts[2].0.to_string()),
                ],
            )
            .await;
        assert_eq!(mapped.status(), 302, "{:?}", mapped.text().await);
        assert_eq!(
            app.count(&format!("SELECT COUNT(*) FROM import_rows WHERE batch_id = {batch} AND outcome = 'create'")).await,
            3
        );
        let (would_refuse,): (i64,) = sqlx::query_as("SELECT would_refuse FROM import_batches WHERE id = $1")
            .bind(batch)
            .fetch_one(&app.state.db.pool)
            .await
            .unwrap();
        assert_eq!(would_refuse, 0);
        // The next file with that name needs no mapping.
        let csv: String = rows(10).iter().map(|r| r.join(",") + "\n").collect();
        let next = batch_of(&upload(&admin, association, "households", "next.csv", csv.into_bytes()).await);
        assert_eq!(
            app.count(&format!("SELECT COUNT(*) FROM import_rows WHERE batch_id = {next} AND outcome = 'create'")).await,
            3
        );
        let commit = admin.post_api("/api/commit_import", &[("batch_id", &next.to_string())]).await;
        assert_eq!(commit.status(), 200);
        wait_committed(&app, next).await;
        assert_eq!(
            app.count(&format!("SELECT COUNT(*) FROM households WHERE district_id = {}", districts[2].0)).await,
            2
        );
    }

    async fn a_commit_stopped_with_its_server_resumes(app: TestApp) {
        let districts = jeddah_districts(&app).await;
        let association = admin_association(&app).await;
        let admin = app.signed_in(&persona(RoleKind::AssociationAdmin)).await;
        let mut csv = String::from("Head national ID,Head full name,District\n");
        for i in 0..3 {
            csv.push_str(&format!("{},{} بنت علي {},{}\n", with_check_digit(&format!("1{:08}", 40_000_000 + i)), GIVEN[i], FAMILY[i], districts[0].1));
        }
        let batch = batch_of(&upload(&admin, association, "households", "stopped.csv", csv.into_bytes()).await);
        // As a commit under way, then as a server stopping with it would leave it.
        let set_heartbeat = |at: i64| {
            sqlx::query(
                "UPDATE import_batches SET status = 'committing', committed_by = uploaded_by, \
                   committed_at = uploaded_at, heartbeat_at = $2 WHERE id = $1",
            )
            .bind(batch)
            .bind(at)
            .execute(&app.state.db.pool)
        };
        set_heartbeat(app::database::now()).await.unwrap();
        let html = admin.get(&app::imports::batch_url(batch)).await.text().await.unwrap();
        assert!(html.contains("<progress") && html.contains("http-equiv=\"refresh\" content=\"2\""), "{html}");
        assert!(!html.contains("تابع الاستيراد"));
        set_heartbeat(app::database::now() - 600).await.unwrap();
        let html = admin.get(&app::imports::batch_url(batch)).await.text().await.unwrap();
        assert!(html.contains("<progress"), "{html}");
        assert!(!html.contains("http-equiv=\"refresh\""), "a stalled commit does not refresh");
        assert!(html.contains("تابع الاستيراد"));
        let resumed = admin.post_api("/api/resume_import", &[("batch_id", &batch.to_string())]).await;
        assert_eq!(resumed.status(), 200);
        wait_committed(&app, batch).await;
        assert_eq!(app.count("SELECT COUNT(*) FROM households").await, 3);
        // Nothing left to resume.
        let again = admin.post_api("/api/resume_import", &[("batch_id", &batch.to_string())]).await;
        assert_eq!(again.status(), 409);
    }

    async fn only_the_associations_admins_import(app: TestApp) {
        let association = admin_association(&app).await;
        let staff = app.signed_in(&persona(RoleKind::AssociationStaff)).await;
        let file = b"Head national ID,Head full name,District\n".to_vec();
        let refused = upload(&staff, association, "households", "x.csv", file).await;
        assert_eq!(refused.status(), 303);
        assert!(location(&refused).contains("error=forbidden"), "{}", location(&refused));
        assert_eq!(staff.post_api("/api/get_imports", &[]).await.status(), 403);
        // A file without the required columns is refused whole, with its reason.
        let admin = app.signed_in(&persona(RoleKind::AssociationAdmin)).await;
        let wrong = upload(&admin, association, "households", "x.csv", b"a,b\n1,2\n".to_vec()).await;
        assert!(location(&wrong).contains("error=import_columns_missing"), "{}", location(&wrong));
        let batch = batch_of(&upload(&admin, association, "households", "y.csv",
            format!("Head national ID,Head full name,District\n{},نورة سعد,الصفا\n", with_check_digit("100000999")).into_bytes()).await);
        assert_eq!(staff.post_api("/api/get_import_batch", &[("batch_id", &batch.to_string())]).await.status(), 403);
        assert_eq!(staff.get(&format!("{}/{batch}", app::paths::IMPORT_RESULTS)).await.status(), 403);
        assert_eq!(app.count("SELECT COUNT(*) FROM audit_events WHERE action = 'import_uploaded'").await, 1);
    }
}
