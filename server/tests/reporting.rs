//! Reporting (issue 18), through real HTTP on SQLite and PostgreSQL: a small
//! data set written as the other domains would have (two new associations,
//! seven households in January 2020, their lines in every state with their
//! events, benefits, a shop with products and taps, a course, continuity
//! statuses), then every indicator's value against a figure computed here;
//! suppression of another association's small count; who may see which
//! board; the CSV (with its BOM) and the XLSX read back with calamine.

mod common;
#[path = "reporting_set/mod.rs"]
mod set;

use std::io::{Cursor, Read};

use app::identity::RoleKind;
use common::persona;
use serde_json::Value;
use set::*;

both_engines! {
    async fn every_indicator_matches_the_data_set(app: TestApp) {
        let set = data_set(&app).await;
        let council = app.signed_in(&persona(RoleKind::CouncilAdmin)).await;
        let (status, board) = dashboard(&council, &period_form("council", Some(set.x))).await;
        assert_eq!(status, 200, "{board}");

        // Figured independently from the plan above.
        let x_lines_a = [0, 2, 4, 6].len() as i64; // even households, all with X
        let x_lines_b = [1, 3].len() as i64; // household 5's line went on to Y
        let districts = one(&app, "SELECT COUNT(*) FROM districts").await;
        let types = one(&app, "SELECT COUNT(*) FROM assistance_types WHERE active = 1").await;
        let coverage = (2 * 10_000 + districts * types / 2) / (districts * types);
        let (x, y) = (set.x.to_string(), set.y.to_string());
        let expected: Vec<(&str, &str, Value)> = vec![
            ("registered_households", "", value(7)),
            ("registered_households", "verified", value(4)),
            ("registered_households", "not_verified", value(3)),
            ("lines_by_type", "", value(x_lines_a + x_lines_b)),
            ("lines_by_state", "approved", value(2)),
            ("lines_by_state", "rejected", value(1)),
            ("lines_by_state", "fulfilled", value(1)),
            ("lines_by_state", "submitted", value(1)),
            ("lines_by_state", "in_review", value(1)),
            ("lines_by_state", "referred", value(0)),
            ("coverage_rate", "", value(coverage)),
            // Decisions after 1, 2, 4 and 6 days: the median is 3 days.
            ("days_to_decision", "", value(30)),
            ("days_to_fulfilment", "", value(100)),
            ("referrals", "", value(1)),
            ("referrals", &x, value(1)),
            ("households_per_association", "", value(7)),
            ("households_per_association", &x, value(7)),
            ("households_per_association", &y, value(1)),
            ("benefits_by_type", "", value(3)),
            ("benefits_value", "", value(50_000 + 25_050 + 10_000)),
            ("active_shops", "", value(1)),
            ("published_products", "", value(2)),
            ("whatsapp_taps", "", value(3)),
            ("seats_filled", "", value(4)),
            ("completion_rate", "", value(6_667)),
            ("certificates", "", value(1)),
            ("at_risk_households", "", value(2)),
            ("exited_households", "", value(1)),
        ];
        for (indicator, key, want) in &expected {
            assert_eq!(&shown(&board, indicator, key), want, "{indicator} {key}");
        }
        let codes: Vec<(String,)> = sqlx::query_as(sqlx::AssertSqlSafe(format!(
            "SELECT code FROM assistance_types WHERE id IN ({}, {}) ORDER BY id",
            set.type_a, set.type_b
        )))
        .fetch_all(&app.state.db.pool)
        .await
        .unwrap();
        let (code_a, code_b) = (codes[0].0.clone(), codes[1].0.clone());
        assert_eq!(shown(&board, "lines_by_type", &code_a), value(x_lines_a));
        assert_eq!(shown(&board, "lines_by_type", &code_b), value(x_lines_b));
        assert_eq!(shown(&board, "benefits_by_type", &code_a), value(2));
        assert_eq!(shown(&board, "benefits_value", &code_b), value(10_000));

        // The trend: six lines in January, none in February.
        assert_eq!(
            board["trend"],
            serde_json::json!([["2020-01", { "Value": 6 }], ["2020-02", { "Value": 0 }]])
        );
        // The previous period (November–December 2019) had none of these lines.
        let lines = board["headlines"].as_array().unwrap().iter()
            .find(|h| h["indicator"] == "LinesByType").unwrap().clone();
        assert_eq!(lines["now"], value(6));
        assert_eq!(lines["before"], value(0));

        // Cut by type: only type B's lines and benefits.
        let mut form = period_form("council", Some(set.x));
        form.push(("assistance_type", set.type_b.to_string()));
        let (_, by_type) = dashboard(&council, &form).await;
        assert_eq!(shown(&by_type, "lines_by_type", ""), value(x_lines_b));
        assert_eq!(shown(&by_type, "benefits_by_type", ""), value(1));
        // Cut by another district: none of the households.
        let mut form = period_form("council", Some(set.x));
        let d5 = common::jeddah_district(&app.state.db, 5).await;
        form.push(("district", d5.to_string()));
        let (_, elsewhere) = dashboard(&council, &form).await;
        assert_eq!(shown(&elsewhere, "registered_households", ""), value(0));
        // The district's city is filled in for the form.
        assert!(elsewhere["filters"]["city_id"].is_i64());
        assert_eq!(set.households.len(), 7);
    }

    async fn an_association_sees_its_own_whole_and_others_small_counts_suppressed(app: TestApp) {
        let set = data_set(&app).await;
        let x_staff = staff_of(&app, &set.x_staff, set.x).await;
        let (status, own) = dashboard(&x_staff, &period_form("association", None)).await;
        assert_eq!(status, 200, "{own}");
        // X's own figures are whole, small ones too.
        assert_eq!(shown(&own, "referrals", ""), value(1));
        assert_eq!(shown(&own, "certificates", ""), value(1));
        assert_eq!(shown(&own, "households_per_association", &set.x.to_string()), value(7));
        // Y serves one household: X sees "fewer than 5".
        assert_eq!(
            shown(&own, "households_per_association", &set.y.to_string()),
            serde_json::json!("FewerThan5")
        );
        assert!(own["associations"].as_array().unwrap().is_empty());
        // Another association's filter is refused, and so is the council's board.
        let (status, _) = dashboard(&x_staff, &period_form("association", Some(set.y))).await;
        assert_eq!(status, 403);
        let (status, _) = dashboard(&x_staff, &period_form("council", None)).await;
        assert_eq!(status, 403);
        // Al Nakhla's staff see Y's single household suppressed, and may not ask for X.
        let mona = app.signed_in(MONA_NAKHLA_STAFF).await;
        let (status, theirs) = dashboard(&mona, &period_form("association", None)).await;
        assert_eq!(status, 200);
        assert_eq!(
            shown(&theirs, "households_per_association", &set.y.to_string()),
            serde_json::json!("FewerThan5")
        );
        // Y's one household would be the total minus the others: one more figure is withheld.
        let withheld = serde_json::json!("Withheld");
        let others = theirs["rows"].as_array().unwrap().iter()
            .filter(|r| r["indicator"] == "HouseholdsPerAssociation")
            .filter(|r| r["shown"] == withheld)
            .count();
        assert_eq!(others, 1, "{}", theirs["rows"]);
        let (status, _) = dashboard(&mona, &period_form("association", Some(set.x))).await;
        assert_eq!(status, 403);
        // A family has no board, and no export.
        let family = app.signed_in(NOURA).await;
        for board in ["council", "association"] {
            let (status, _) = dashboard(&family, &period_form(board, None)).await;
            assert_eq!(status, 403, "{board}");
        }
        assert_eq!(family.get(&format!("/council/dashboard.csv?{PERIOD}")).await.status(), 403);
        assert_eq!(family.get(&format!("/association/dashboard.xlsx?{PERIOD}")).await.status(), 403);
        assert_eq!(app.get(&format!("/council/dashboard.csv?{PERIOD}")).await.status(), 401);
        // A period that ends before it starts.
        let mut form = period_form("council", None);
        form[1].1 = "2020-03-01".into();
        let council = app.signed_in(&persona(RoleKind::CouncilAdmin)).await;
        let (status, _) = dashboard(&council, &form).await;
        assert_eq!(status, 422);
        // The pages render (Arabic by default, right to left).
        let page = council.get(&format!("/council/dashboard?{PERIOD}&association={}", set.x)).await;
        assert_eq!(page.status(), 200);
        let html = page.text().await.unwrap();
        assert!(html.contains("data-testid=\"trend-chart\""), "the chart");
        assert!(html.contains("<svg"));
        assert!(html.contains("data-testid=\"type-chart\""), "the bars by type");
        assert!(html.contains("dir=\"rtl\""));
        // In English, left to right.
        let page = council
            .client
            .get(council.url(&format!("/council/dashboard?{PERIOD}")))
            .header("accept-language", "en")
            .send()
            .await
            .unwrap();
        assert_eq!(page.status(), 200);
        let html = page.text().await.unwrap();
        assert!(html.contains("Council dashboard") && html.contains("dir=\"ltr\""), "English");
        let page = x_staff.get(&format!("/association/dashboard?{PERIOD}")).await;
        assert_eq!(page.status(), 200);
        assert!(page.text().await.unwrap().contains("أقل من 5"));
    }

    async fn the_exports_hold_the_table_and_are_audited(app: TestApp) {
        let set = data_set(&app).await;
        let council = app.signed_in(&persona(RoleKind::CouncilAdmin)).await;
        let query = format!("{PERIOD}&association={}", set.x);

        let r = council.get(&format!("/council/dashboard.csv?{query}")).await;
        assert_eq!(r.status(), 200);
        assert!(r.headers()["content-type"].to_str().unwrap().starts_with("text/csv"));
        let bytes = r.bytes().await.unwrap();
        assert!(bytes.starts_with(b"\xEF\xBB\xBF"), "a BOM");
        let text = String::from_utf8(bytes[3..].to_vec()).unwrap();
        let mut reader = csv::ReaderBuilder::new().from_reader(text.as_bytes());
        let rows: Vec<csv::StringRecord> = reader.records().map(Result::unwrap).collect();
        let row = |indicator: &str, key: &str| {
            rows.iter()
                .find(|r| &r[2] == indicator && &r[4] == key)
                .unwrap_or_else(|| panic!("{indicator} {key}"))
                .clone()
        };
        assert_eq!(&row("registered_households", "")[0], "2020-01-01");
        assert_eq!(&row("registered_households", "")[7], "7");
        assert_eq!(&row("benefits_value", "")[7], "850.50");
        assert_eq!(&row("days_to_decision", "")[7], "3");
        assert_eq!(&row("registered_households", "")[3], "الأسر المسجلة");

        let r = council.get(&format!("/council/dashboard.xlsx?{query}")).await;
        assert_eq!(r.status(), 200);
        let bytes = r.bytes().await.unwrap().to_vec();
        check_xlsx(&bytes, true, "المؤشرات");
        let r = council.get(&format!("/council/dashboard.xlsx?{query}&lang=en")).await;
        let english = r.bytes().await.unwrap().to_vec();
        check_xlsx(&english, false, "Indicators");

        // The association's own export; another's filter is refused.
        let x_staff = staff_of(&app, &set.x_staff, set.x).await;
        let r = x_staff.get(&format!("/association/dashboard.csv?{PERIOD}")).await;
        assert_eq!(r.status(), 200);
        let r = x_staff.get(&format!("/association/dashboard.xlsx?{PERIOD}&association={}", set.y)).await;
        assert_eq!(r.status(), 403);
        let r = x_staff.get(&format!("/council/dashboard.csv?{PERIOD}")).await;
        assert_eq!(r.status(), 403);

        assert_eq!(app::audit::count_actions(&app.state.db, "report_exported").await.unwrap(), 4);
    }
}

/// Opens the workbook with calamine: the values, the frozen header row and
/// the sheet's direction.
fn check_xlsx(bytes: &[u8], rtl: bool, sheet: &str) {
    use calamine::{Data, Reader, Xlsx};
    let mut workbook: Xlsx<_> = Xlsx::new(Cursor::new(bytes.to_vec())).unwrap();
    let range = workbook.worksheet_range(sheet).unwrap();
    let rows: Vec<Vec<Data>> = range.rows().map(|r| r.to_vec()).collect();
    // An empty string is written as a blank cell.
    fn text(cell: &Data) -> &str {
        match cell {
            Data::String(s) => s,
            _ => "",
        }
    }
    let find = |indicator: &str, key: &str| {
        rows.iter()
            .find(|r| text(&r[2]) == indicator && text(&r[4]) == key)
            .unwrap_or_else(|| panic!("{indicator} {key}"))
            .clone()
    };
    assert_eq!(find("registered_households", "")[7], Data::Float(7.0));
    assert_eq!(find("benefits_value", "")[7], Data::Float(850.5));
    assert_eq!(find("completion_rate", "")[7], Data::Float(66.67));
    // Dates are dates.
    assert!(
        matches!(find("registered_households", "")[0], Data::DateTime(_)),
        "a date"
    );
    let mut archive = zip::ZipArchive::new(Cursor::new(bytes.to_vec())).unwrap();
    let mut xml = String::new();
    archive
        .by_name("xl/worksheets/sheet1.xml")
        .unwrap()
        .read_to_string(&mut xml)
        .unwrap();
    assert_eq!(xml.contains("rightToLeft=\"1\""), rtl, "direction");
    assert!(xml.contains("state=\"frozen\""), "a frozen header");
}
