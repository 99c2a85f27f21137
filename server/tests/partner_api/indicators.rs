//! The indicators a partner reads: equal to the council dashboard's for
//! the same filters, small counts suppressed.

use super::*;

/// The period of the comparisons: this year and the last.
fn period() -> (String, String) {
    let today = app::time::SaudiDate::of(app::database::now()).to_string();
    let year: i64 = today[..4].parse().unwrap();
    (format!("{}-01-01", year - 1), today)
}

async fn indicators_are_the_dashboards_suppressed(app: TestApp) {
    let council = app.signed_in(&persona(RoleKind::CouncilAdmin)).await;
    // One family in a district of its own: a count of 1 there.
    let district = common::jeddah_district(&app.state.db, 7).await;
    let family = app.signed_in(&with_check_digit("138000002")).await;
    common::register_household(&family, district).await;
    let (_, secret) = token(&council, "Funder", "indicators", None).await;
    let (from, to) = period();
    let mut suppressed_seen = 0;
    let mut values_seen = 0;
    for filters in [
        format!("from={from}&to={to}"),
        format!("from={from}&to={to}&district={district}"),
        format!(
            "from={from}&to={to}&association={}",
            association(&app, "DEMO-001").await
        ),
    ] {
        let form: Vec<(String, String)> =
            std::iter::once(("board".to_string(), "council".to_string()))
                .chain(filters.split('&').map(|kv| {
                    let (k, v) = kv.split_once('=').unwrap();
                    (k.to_string(), v.to_string())
                }))
                .collect();
        let form: Vec<(&str, &str)> = form.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
        let r = council.post_api("/api/get_dashboard", &form).await;
        assert_eq!(r.status(), 200);
        let board: Value = r.json().await.unwrap();
        for indicator in app::reporting::Indicator::ALL {
            let (status, figure, _) = call(
                &app,
                Some(&secret),
                &format!("/api/v1/indicators/{}?{filters}", indicator.key()),
                None,
            )
            .await;
            assert_eq!(status, 200, "{}: {figure}", indicator.key());
            let variant = serde_json::to_value(indicator).unwrap();
            let rows: Vec<&Value> = board["rows"]
                .as_array()
                .unwrap()
                .iter()
                .filter(|r| r["indicator"] == variant)
                .collect();
            let mut api_rows = vec![("".to_string(), figure["total"].clone())];
            for part in figure["breakdown"].as_array().unwrap() {
                api_rows.push((part["key"].as_str().unwrap().to_string(), part.clone()));
            }
            assert_eq!(rows.len(), api_rows.len(), "{}: {filters}", indicator.key());
            for (key, api) in api_rows {
                let row = rows.iter().find(|r| r["key"] == key.as_str()).unwrap();
                let council_value = row["shown"]["Value"].as_i64();
                if api["suppressed"] == true {
                    suppressed_seen += 1;
                    assert!(api["value"].is_null());
                    // Only what the council sees as a small, non-zero figure.
                    assert!(
                        council_value.is_some_and(|v| v != 0),
                        "{} {key}",
                        indicator.key()
                    );
                    // Withheld beside a small one (complementary suppression): any size.
                    if indicator.unit() == app::reporting::Unit::Count && api["withheld"] != true {
                        assert!(
                            (1..5).contains(&council_value.unwrap()),
                            "{} {key}",
                            indicator.key()
                        );
                    }
                } else {
                    if council_value.is_some() {
                        values_seen += 1;
                    }
                    assert_eq!(
                        api["value"].as_i64(),
                        council_value,
                        "{} {key}: {filters}",
                        indicator.key()
                    );
                }
            }
        }
    }
    assert!(
        suppressed_seen > 0 && values_seen > 0,
        "{suppressed_seen} {values_seen}"
    );
    // The lone family's district: one registered household, "fewer than 5".
    let (_, figure, _) = call(
        &app,
        Some(&secret),
        &format!(
            "/api/v1/indicators/registered_households?from={from}&to={to}&district={district}"
        ),
        None,
    )
    .await;
    assert_eq!(figure["total"], json!({"value": null, "suppressed": true}));
    assert_eq!(figure["unit"], "count");
    assert_eq!(figure["name"]["en"], "Registered households");
    assert_eq!(figure["filters"]["district"], district);
    // A filter the indicator is not cut by is said so.
    let (_, figure, _) = call(
        &app,
        Some(&secret),
        "/api/v1/indicators/registered_households?assistance_type=1",
        None,
    )
    .await;
    assert_eq!(figure["filters_not_applied"], json!(["assistance_type"]));
}

both_engines! {
    async fn indicators_equal_the_dashboard_with_small_counts_suppressed(app: TestApp) {
        indicators_are_the_dashboards_suppressed(app).await;
    }
}
