//! Reporting's cuts and coordination figures (issue 18), through real HTTP
//! on SQLite and PostgreSQL, over the data set of `reporting_set`: cutting
//! by craft; the trend by quarter and by Hijri month; coverage gaps and
//! overlaps and the district map, against figures worked out here from the
//! coverage rows; the funder report.

mod common;
#[path = "reporting_set/mod.rs"]
mod set;

use std::collections::{BTreeMap, BTreeSet};

use app::identity::RoleKind;
use app::time::SaudiDate;
use common::{TestApp, persona};
use serde_json::Value;
use set::*;

/// Sets the crafts of a household, as the registration form stores them.
async fn crafts(app: &TestApp, household: i64, crafts: &str) {
    sqlx::query("UPDATE households SET crafts = $1 WHERE id = $2")
        .bind(crafts)
        .bind(household)
        .execute(&app.state.db.pool)
        .await
        .unwrap();
}

fn with(
    mut form: Vec<(&'static str, String)>,
    extra: &[(&'static str, &str)],
) -> Vec<(&'static str, String)> {
    form.extend(extra.iter().map(|(k, v)| (*k, v.to_string())));
    form
}

/// The pairs (district, type) of active types with their approved primary
/// associations today, read plainly from the coverage rows.
async fn primaries_by_pair(app: &TestApp) -> BTreeMap<(i64, i64), BTreeSet<i64>> {
    let now = app::database::now();
    let rows: Vec<(i64, i64, i64, i64, Option<i64>)> = sqlx::query_as(
        "SELECT c.district_id, c.assistance_type_id, c.association_id, c.valid_from, c.valid_to \
         FROM coverage_cells c JOIN assistance_types t ON t.id = c.assistance_type_id \
         WHERE c.role = 'primary' AND c.status = 'approved' AND t.active = 1",
    )
    .fetch_all(&app.state.db.pool)
    .await
    .unwrap();
    let mut pairs: BTreeMap<(i64, i64), BTreeSet<i64>> = BTreeMap::new();
    for (district, kind, association, from, to) in rows {
        if from <= now && to.is_none_or(|t| t > now) {
            pairs
                .entry((district, kind))
                .or_default()
                .insert(association);
        }
    }
    pairs
}

both_engines! {
    async fn a_craft_cuts_every_household_figure(app: TestApp) {
        let set = data_set(&app).await;
        let h = &set.households;
        // Sewing in households 0, 1 and 2 (one of them with food too); food only in 3.
        crafts(&app, h[0], "sewing,food").await;
        crafts(&app, h[1], "sewing").await;
        crafts(&app, h[2], "food,sewing").await;
        crafts(&app, h[3], "food").await;
        let council = app.signed_in(&persona(RoleKind::CouncilAdmin)).await;
        let form = with(period_form("council", Some(set.x)), &[("craft", "sewing")]);
        let (status, board) = dashboard(&council, &form).await;
        assert_eq!(status, 200, "{board}");
        // From the data set's plan: households 0–2 are verified, not, verified;
        // their lines were approved, rejected, fulfilled (all with X); benefits
        // went to 0 and 2; the certificate to 0; none of them is at risk.
        for (indicator, key, want) in [
            ("registered_households", "", 3),
            ("registered_households", "verified", 2),
            ("lines_by_type", "", 3),
            ("lines_by_state", "approved", 1),
            ("lines_by_state", "rejected", 1),
            ("lines_by_state", "fulfilled", 1),
            ("benefits_by_type", "", 2),
            ("benefits_value", "", 50_000 + 25_050),
            ("certificates", "", 1),
            ("seats_filled", "", 3),
            ("active_shops", "", 1),
            ("at_risk_households", "", 0),
            ("exited_households", "", 1),
        ] {
            assert_eq!(shown(&board, indicator, key), value(want), "{indicator} {key}");
        }
        assert_eq!(board["filters"]["craft"], "sewing");
        // Food: households 0, 2 and 3.
        let (_, food) = dashboard(&council, &with(period_form("council", Some(set.x)), &[("craft", "food")])).await;
        assert_eq!(shown(&food, "registered_households", ""), value(3));
        assert_eq!(shown(&food, "at_risk_households", ""), value(1));
        // A craft not in the catalogue is refused, not ignored.
        let (status, _) = dashboard(&council, &with(period_form("council", None), &[("craft", "sewing%")])).await;
        assert_eq!(status, 400);
    }

    async fn the_trend_reads_by_quarter_and_by_hijri_month(app: TestApp) {
        let set = data_set(&app).await;
        let council = app.signed_in(&persona(RoleKind::CouncilAdmin)).await;
        let base = period_form("council", Some(set.x));
        let (_, quarters) = dashboard(&council, &with(base.clone(), &[("grain", "quarter")])).await;
        assert_eq!(quarters["trend"], serde_json::json!([["2020-Q1", { "Value": 6 }]]));
        // 1 January 2020 is 6 Jumada al-Ula 1441 and 29 February 5 Rajab:
        // three Hijri months; the six lines of 10 January fall in the first.
        let submitted = SaudiDate::parse("2020-01-10").unwrap().hijri();
        assert_eq!(&submitted[..7], "1441-05");
        let (_, hijri) = dashboard(&council, &with(base.clone(), &[("calendar", "hijri")])).await;
        assert_eq!(
            hijri["trend"],
            serde_json::json!([["1441-05", { "Value": 6 }], ["1441-06", { "Value": 0 }], ["1441-07", { "Value": 0 }]])
        );
        let (_, hijri_quarters) = dashboard(&council, &with(base, &[("calendar", "hijri"), ("grain", "quarter")])).await;
        assert_eq!(
            hijri_quarters["trend"],
            serde_json::json!([["1441-Q2", { "Value": 6 }], ["1441-Q3", { "Value": 0 }]])
        );
        // The page names the Hijri months, and keeps the choice in its form.
        let page = council
            .get(&format!("/council/dashboard?{PERIOD}&association={}&calendar=hijri", set.x))
            .await;
        let html = page.text().await.unwrap();
        assert!(html.contains("جمادى الأولى 1441"), "a Hijri month by name");
        assert!(html.contains("value=\"hijri\" selected"), "the choice kept");
    }

    async fn gaps_overlaps_and_the_district_map(app: TestApp) {
        let set = data_set(&app).await;
        // Y becomes a second primary of (d0, type A): an overlap with X.
        let d0 = common::jeddah_district(&app.state.db, 0).await;
        exec(
            &app,
            "INSERT INTO coverage_cells (association_id, district_id, assistance_type_id, role, status, \
               valid_from, proposed_at) VALUES ($1, $2, $3, 'primary', 'approved', $4, $4)",
            &[set.y, d0, set.type_a, at("2019-12-01")],
        )
        .await;
        let jeddah = one(&app, &format!("SELECT city_id FROM districts WHERE id = {d0}")).await;
        let districts: BTreeSet<i64> = sqlx::query_as::<_, (i64,)>("SELECT id FROM districts WHERE city_id = $1")
            .bind(jeddah)
            .fetch_all(&app.state.db.pool)
            .await
            .unwrap()
            .into_iter()
            .map(|r| r.0)
            .collect();
        let types = one(&app, "SELECT COUNT(*) FROM assistance_types WHERE active = 1").await;
        let pairs: BTreeMap<(i64, i64), BTreeSet<i64>> = primaries_by_pair(&app)
            .await
            .into_iter()
            .filter(|((d, _), _)| districts.contains(d))
            .collect();
        let gaps = districts.len() as i64 * types - pairs.len() as i64;
        let overlaps = pairs.values().filter(|a| a.len() > 1).count() as i64;
        assert!(overlaps >= 1);

        let council = app.signed_in(&persona(RoleKind::CouncilAdmin)).await;
        let form = with(period_form("council", None), &[("city", &jeddah.to_string())]);
        let (status, board) = dashboard(&council, &form).await;
        assert_eq!(status, 200, "{board}");
        assert_eq!(shown(&board, "coverage_gaps", ""), value(gaps));
        assert_eq!(shown(&board, "coverage_overlaps", ""), value(overlaps));
        // Cut by Y: Y's only primary pair is the overlap.
        let (_, by_y) = dashboard(&council, &with(form.clone(), &[("association", &set.y.to_string())])).await;
        assert_eq!(shown(&by_y, "coverage_overlaps", ""), value(1));
        assert_eq!(shown(&by_y, "coverage_gaps", ""), value(gaps), "gaps belong to no association");

        // The map: every district of Jeddah once, d0 with its overlap.
        let tiles = board["map"]["tiles"].as_array().unwrap();
        assert_eq!(tiles.len(), districts.len());
        let tile = |d: i64| tiles.iter().find(|t| t["district_id"] == d).unwrap().clone();
        let of_d0: Vec<&BTreeSet<i64>> = pairs.iter().filter(|((d, _), _)| *d == d0).map(|(_, a)| a).collect();
        assert_eq!(tile(d0)["overlaps"], of_d0.iter().filter(|a| a.len() > 1).count() as i64);
        assert_eq!(tile(d0)["covered"], of_d0.iter().filter(|a| a.len() == 1).count() as i64);
        assert_eq!(tile(d0)["types"], types);
        let page = council.get(&format!("/council/dashboard?city={jeddah}")).await;
        let html = page.text().await.unwrap();
        assert!(html.contains("data-testid=\"district-map\""));
        assert_eq!(html.matches("class=\"tile ").count(), districts.len());
        // Each tile's state from the same plain reading of the rows.
        let state = |d: i64| {
            let with_primary = pairs.keys().filter(|(district, _)| *district == d).count() as i64;
            match with_primary {
                0 => "gap",
                n if n >= types => "full",
                _ => "partial",
            }
        };
        for (name, n) in ["gap", "partial", "full"].map(|s| (s, districts.iter().filter(|d| state(**d) == s).count())) {
            let shown = html.matches(&format!("class=\"tile {name}\"")).count()
                + html.matches(&format!("class=\"tile {name} overlap\"")).count();
            assert_eq!(shown, n, "{name} tiles");
        }
        assert!(html.contains(&format!("class=\"tile {} overlap\"", state(d0))), "d0 outlined");
    }

    async fn the_funder_report_is_one_page_of_the_associations_figures(app: TestApp) {
        let set = data_set(&app).await;
        let x_staff = staff_of(&app, &set.x_staff, set.x).await;
        let page = x_staff.get(&format!("/association/funder-report?{PERIOD}")).await;
        assert_eq!(page.status(), 200);
        let html = page.text().await.unwrap();
        assert!(html.contains("data-testid=\"funder-report\""));
        assert!(html.contains("جمعية X"), "the association's name");
        assert!(
            html.replace("<!>", "").contains("<bdi>2020-01-01</bdi> (<bdi>1441-05-06</bdi> هـ)"),
            "the period in both calendars"
        );
        assert!(html.contains("data-testid=\"outcomes\""));
        assert!(html.contains("data-indicator=\"certificates\""));
        // Another association's report is not X's to read; the council reads any.
        let y = set.y.to_string();
        let r = x_staff.get(&format!("/association/funder-report?{PERIOD}&association={y}")).await;
        assert!(r.text().await.unwrap().contains("role=\"alert\""), "refused");
        let council = app.signed_in(&persona(RoleKind::CouncilAdmin)).await;
        let r = council.get(&format!("/council/funder-report?{PERIOD}&association={}&lang=en", set.x)).await;
        assert_eq!(r.status(), 200);
        let html = r.text().await.unwrap();
        assert!(html.contains("جمعية X") || html.contains("Association X"));
        let family = app.signed_in(NOURA).await;
        let r = family.get(&format!("/association/funder-report?{PERIOD}")).await;
        assert!(!r.text().await.unwrap().contains("data-testid=\"outcomes\""));
        let _: Value = Value::Null;
    }

    async fn our_families_download_whole_streamed_and_audited(app: TestApp) {
        let set = data_set(&app).await;
        let x_staff = staff_of(&app, &set.x_staff, set.x).await;
        let x = set.x.to_string();
        // Every household X served (its six lines, the one it referred on, its benefits).
        let served = one(&app, &format!(
            "SELECT COUNT(DISTINCT household_id) FROM (SELECT household_id FROM application_lines \
             WHERE association_id = {x} OR referred_from_id = {x} \
             UNION SELECT household_id FROM benefits WHERE association_id = {x}) s"
        )).await;
        assert_eq!(served, 7);
        let r = x_staff.get(&format!("/association/families.csv?association={x}")).await;
        assert_eq!(r.status(), 200);
        assert!(r.headers()["content-type"].to_str().unwrap().starts_with("text/csv"));
        let bytes = r.bytes().await.unwrap();
        assert!(bytes.starts_with(b"\xEF\xBB\xBF"), "a BOM");
        let text = String::from_utf8(bytes[3..].to_vec()).unwrap();
        let mut reader = csv::ReaderBuilder::new().from_reader(text.as_bytes());
        let rows: Vec<csv::StringRecord> = reader.records().map(Result::unwrap).collect();
        assert_eq!(rows.len() as i64, served);
        let ids: Vec<i64> = rows.iter().map(|r| r[0].parse().unwrap()).collect();
        let mut expected = set.households.clone();
        expected.sort_unstable();
        assert_eq!(ids, expected, "by household, each once");
        assert_eq!(&rows[0][1], "أسرة");
        // No national ID, no phone in the file.
        let national_ids: Vec<(String,)> = sqlx::query_as(sqlx::AssertSqlSafe(format!(
            "SELECT head_national_id FROM households WHERE id IN ({})",
            ids.iter().map(i64::to_string).collect::<Vec<_>>().join(", ")
        )))
        .fetch_all(&app.state.db.pool)
        .await
        .unwrap();
        assert!(national_ids.iter().all(|(n,)| !text.contains(n.as_str())), "no national ID");

        // The workbook: the same rows, right to left.
        let r = x_staff.get(&format!("/association/families.xlsx?association={x}")).await;
        assert_eq!(r.status(), 200);
        let bytes = r.bytes().await.unwrap().to_vec();
        use calamine::{Reader, Xlsx};
        let mut workbook: Xlsx<_> = Xlsx::new(std::io::Cursor::new(bytes.clone())).unwrap();
        let range = workbook.worksheet_range("الأسر").unwrap();
        assert_eq!(range.rows().count() as i64, served + 1);
        let mut archive = zip::ZipArchive::new(std::io::Cursor::new(bytes)).unwrap();
        let mut xml = String::new();
        std::io::Read::read_to_string(&mut archive.by_name("xl/worksheets/sheet1.xml").unwrap(), &mut xml).unwrap();
        assert!(xml.contains("rightToLeft=\"1\""));

        // Each download is audited with every household it held.
        let exported = one(&app, &format!(
            "SELECT COUNT(*) FROM audit_event_households eh JOIN audit_events e ON e.id = eh.audit_event_id \
             WHERE e.action = 'personal_data_exported' AND e.acting_for_association_id = {x}"
        )).await;
        assert_eq!(exported, 2 * served);
        // Another association's families are not X's staff's; a family has none; signed out: 401.
        let y = set.y.to_string();
        assert_eq!(x_staff.get(&format!("/association/families.csv?association={y}")).await.status(), 403);
        assert_eq!(x_staff.get("/association/families.csv?association=abc").await.status(), 400);
        let family = app.signed_in(NOURA).await;
        assert_eq!(family.get("/association/families.xlsx").await.status(), 403);
        assert_eq!(app.get("/association/families.csv").await.status(), 401);
    }

    async fn the_same_view_within_a_minute_is_answered_from_memory(app: TestApp) {
        let _set = data_set(&app).await;
        let council = app.signed_in(&persona(RoleKind::CouncilAdmin)).await;
        let form = period_form("council", None);
        let (_, first) = dashboard(&council, &form).await;
        let before = shown(&first, "registered_households", "")["Value"].as_i64().unwrap();
        // One more household registered in the period.
        let d0 = common::jeddah_district(&app.state.db, 0).await;
        sqlx::query(
            "INSERT INTO households (head_national_id, head_name_ar, district_id, verified, status, \
               created_at, updated_at) VALUES ('HCACHE', 'أسرة', $1, 1, 'registered', $2, $2)",
        )
        .bind(d0)
        .bind(at("2020-01-20"))
        .execute(&app.state.db.pool)
        .await
        .unwrap();
        // The same view: the figures of a moment ago (TAKAMUL_DASHBOARD_CACHE_SECS).
        let (_, again) = dashboard(&council, &form).await;
        assert_eq!(shown(&again, "registered_households", ""), value(before));
        // Another view (to 1 March) is computed afresh and counts it.
        let mut wider = form;
        wider[2].1 = "2020-03-01".into();
        let (_, wider) = dashboard(&council, &wider).await;
        assert_eq!(shown(&wider, "registered_households", ""), value(before + 1));
    }

    async fn registered_and_served_households_follow_every_write(app: TestApp) {
        // Registered households come from tallies the database keeps
        // (migration 0028) and households per association from the served
        // pairs less those not live: both against plain counts after every
        // kind of write a household gets.
        let set = data_set(&app).await;
        let h = &set.households;
        let db = &app.state.db;
        let d0 = common::jeddah_district(db, 0).await;
        let d1 = common::jeddah_district(db, 1).await;
        exec(&app, "UPDATE households SET verified = 1 WHERE id = $1", &[h[1]]).await;
        exec(&app, "UPDATE households SET district_id = $1 WHERE id = $2", &[d1, h[2]]).await;
        exec(&app, "UPDATE households SET district_id = NULL WHERE id = $1", &[h[6]]).await;
        exec(&app, "UPDATE households SET erased_at = $1 WHERE id = $2", &[at("2020-01-20"), h[3]])
            .await;
        exec(&app, "UPDATE households SET merged_into_id = $1 WHERE id = $2", &[h[0], h[4]]).await;
        let insert = "INSERT INTO households (head_national_id, head_name_ar, district_id, verified, \
              status, created_at, updated_at) VALUES ($1, 'أسرة', $2, 0, $3, $4, $4) RETURNING id";
        let mut ids = Vec::new();
        for status in ["draft", "registered"] {
            let (id,): (i64,) = sqlx::query_as(insert)
                .bind(format!("T{}", common::random_suffix()))
                .bind(d1)
                .bind(status)
                .bind(at("2020-02-10"))
                .fetch_one(&db.pool)
                .await
                .unwrap();
            ids.push(id);
        }
        exec(&app, "UPDATE households SET status = 'registered' WHERE id = $1", &[ids[0]]).await;
        exec(&app, "DELETE FROM households WHERE id = $1", &[ids[1]]).await;
        const LIVE: &str = "status = 'registered' AND erased_at IS NULL AND merged_into_id IS NULL";
        // February's previous period ends on 1 February: the January households.
        for (from, to, district, by) in [
            ("2020-01-01", "2020-01-31", None, None),
            ("2020-01-01", "2020-02-29", None, None),
            ("2020-02-01", "2020-02-29", None, None),
            ("2020-01-01", "2020-02-29", Some(d0), None),
            ("2020-02-01", "2020-02-29", Some(d1), None),
            ("2020-01-01", "2020-02-29", None, Some(set.x)),
            ("2020-02-01", "2020-02-29", None, Some(set.x)),
            ("2020-01-01", "2020-02-29", Some(d0), Some(set.x)),
        ] {
            let filters = app::reporting::Filters {
                from: from.into(),
                to: to.into(),
                district_id: district,
                association_id: by,
                ..Default::default()
            };
            let mut form = filters.clone();
            let cut = app::reporting::api::cut_of(db, &mut form, app::database::now()).await.unwrap();
            let figures = app::reporting::db::figures(db, &cut).await.unwrap();
            // The dashboard's one read: the same figures, and the previous
            // period's registered households as read alone.
            let previous = app::reporting::db::Cut {
                period: cut.period.previous(),
                ..cut
            };
            let read = app::reporting::db::figures_and_trend(db, &cut, &previous).await.unwrap();
            assert_eq!(read.figures, figures);
            let alone = app::reporting::db::figures_of(
                db,
                &previous,
                app::reporting::Indicator::RegisteredHouseholds,
            )
            .await
            .unwrap();
            assert_eq!(read.registered_before, alone, "{to} {district:?} {by:?}");
            let before = format!(
                "SELECT COUNT(*) FROM households WHERE {LIVE} AND created_at < {}{}{}",
                previous.period.end,
                district.map_or(String::new(), |d| format!(" AND district_id = {d}")),
                by.map_or(String::new(), |a| format!(
                    " AND id IN (SELECT household_id FROM household_associations WHERE association_id = {a})"
                )),
            );
            assert_eq!(alone[0].value, Some(one(&app, &before).await), "{from} {district:?} {by:?}");
            let figure = |indicator: app::reporting::Indicator, key: &str| {
                figures
                    .iter()
                    .find(|f| f.indicator == indicator && f.key == key)
                    .and_then(|f| f.value)
                    .unwrap_or(0)
            };
            let place = district.map_or(String::new(), |d| format!(" AND district_id = {d}"));
            let served_by = by.map_or(String::new(), |a| format!(
                " AND id IN (SELECT household_id FROM household_associations WHERE association_id = {a})"
            ));
            let end = cut.period.end;
            let count = |verified: &str| {
                format!(
                    "SELECT COUNT(*) FROM households WHERE {LIVE} AND created_at < {end}{place}{served_by}{verified}"
                )
            };
            let i = app::reporting::Indicator::RegisteredHouseholds;
            assert_eq!(figure(i, ""), one(&app, &count("")).await, "{to} {district:?}");
            assert_eq!(figure(i, "verified"), one(&app, &count(" AND verified = 1")).await, "{to} {district:?}");
            assert_eq!(figure(i, "not_verified"), one(&app, &count(" AND verified = 0")).await, "{to} {district:?}");
            let i = app::reporting::Indicator::HouseholdsPerAssociation;
            for association in [set.x, set.y] {
                let served = one(&app, &format!(
                    "SELECT COUNT(*) FROM households WHERE {LIVE}{place} AND id IN \
                       (SELECT household_id FROM household_associations WHERE association_id = {association})"
                )).await;
                assert_eq!(figure(i, &association.to_string()), served, "{association} {district:?}");
            }
            let any = one(&app, &format!(
                "SELECT COUNT(*) FROM households WHERE {LIVE}{place}{served_by} AND id IN \
                   (SELECT household_id FROM household_associations)"
            )).await;
            assert_eq!(figure(i, ""), any, "{district:?} {by:?}");
        }
        // The writes moved the figures: of the seven, one erased and one
        // merged; the draft registered in February counts.
        let cut_feb = |to: &str| app::reporting::Filters {
            from: "2020-01-01".into(),
            to: to.into(),
            ..Default::default()
        };
        let mut form = cut_feb("2020-02-29");
        let cut = app::reporting::api::cut_of(db, &mut form, app::database::now()).await.unwrap();
        let registered = app::reporting::db::figures_of(db, &cut, app::reporting::Indicator::RegisteredHouseholds)
            .await
            .unwrap();
        assert_eq!(registered[0].value, Some(6));
    }
}
