//! The arguments the answer-reading test calls each server function with:
//! ids the caller may and may not see, and writes with input that is
//! refused, so the data the other calls read stays as it is.

use std::collections::BTreeMap;

use super::NOURA;

/// The ids of the test's fixtures the arguments name.
pub struct Ids<'a> {
    pub line: &'a String,
    pub noura_household: &'a String,
    pub amina_household: &'a String,
    pub course: &'a String,
    pub nakhla: &'a String,
    pub bahr: &'a String,
    pub mona_user: &'a String,
}

/// Arguments per server function: ids the caller may and may not see.
pub fn table(ids: Ids) -> BTreeMap<&'static str, Vec<Vec<(&'static str, String)>>> {
    let Ids {
        line,
        noura_household,
        amina_household,
        course,
        nakhla,
        bahr,
        mona_user,
    } = ids;
    BTreeMap::from([
        (
            "get_access",
            vec![vec![], vec![("national_id", NOURA.to_string())]],
        ),
        (
            "revoke_role",
            vec![vec![
                ("user_id", mona_user.clone()),
                ("role", "association_staff".into()),
                ("association_id", bahr.clone()),
            ]],
        ),
        ("end_sessions", vec![vec![("user_id", "0".into())]]),
        (
            "set_account_disabled",
            vec![vec![("user_id", "0".into()), ("disabled", "false".into())]],
        ),
        ("start_sign_in", vec![vec![]]),
        ("get_pending_sign_in", vec![vec![]]),
        ("get_current_user", vec![vec![]]),
        ("decide_simulator_request", vec![vec![]]),
        ("grant_role", vec![vec![]]),
        ("set_language", vec![vec![("lang", "ar".into())]]),
        ("list_courses", vec![vec![]]),
        ("get_course", vec![vec![("course_id", course.clone())]]),
        ("enroll", vec![vec![]]),
        ("cancel_enrollment", vec![vec![]]),
        ("get_my_courses", vec![vec![]]),
        ("get_certificate", vec![vec![("code", "NOPE".into())]]),
        ("verify_certificate", vec![vec![("code", "NOPE".into())]]),
        ("get_training_dashboard", vec![vec![]]),
        (
            "get_course_editor",
            vec![vec![], vec![("course_id", course.clone())]],
        ),
        ("save_course", vec![vec![]]),
        ("add_course_session", vec![vec![]]),
        ("remove_course_session", vec![vec![]]),
        ("change_course_status", vec![vec![]]),
        ("get_attendance", vec![vec![("course_id", course.clone())]]),
        ("mark_attendance", vec![vec![]]),
        ("get_trainers", vec![vec![]]),
        ("save_trainer", vec![vec![]]),
        ("resolve_follow_up", vec![vec![("flag_id", "0".into())]]),
        ("register_center", vec![vec![]]),
        ("add_center_staff", vec![vec![]]),
        ("get_market_home", vec![vec![]]),
        ("search_products", vec![vec![]]),
        ("get_product_page", vec![vec![("product_id", "1".into())]]),
        ("get_shop_page", vec![vec![("shop_id", "1".into())]]),
        ("get_my_shop", vec![vec![]]),
        ("save_shop", vec![vec![]]),
        ("get_product_editor", vec![vec![]]),
        ("save_product", vec![vec![]]),
        ("submit_product", vec![vec![("product_id", "1".into())]]),
        ("change_photo", vec![vec![]]),
        ("get_moderation_queue", vec![vec![]]),
        ("moderate_product", vec![vec![]]),
        (
            "moderate_shop",
            vec![vec![
                ("shop_id", "1".into()),
                ("decision", "approve".into()),
            ]],
        ),
        ("feature_product", vec![vec![]]),
        ("get_coverage_matrix", vec![vec![]]),
        ("get_coverage_proposals", vec![vec![]]),
        ("propose_coverage", vec![vec![]]),
        ("decide_coverage", vec![vec![]]),
        ("get_member_claims", vec![vec![]]),
        (
            "verify_member_claim",
            vec![vec![
                ("member_id", "1".into()),
                ("document", "family_record".into()),
            ]],
        ),
        (
            "answer_member_claim",
            vec![vec![("member_id", "0".into()), ("confirm", "false".into())]],
        ),
        ("get_my_household", vec![vec![]]),
        ("save_household_contact", vec![vec![]]),
        ("save_household_place", vec![vec![]]),
        ("save_household_circumstances", vec![vec![]]),
        ("save_household_crafts", vec![vec![]]),
        ("add_household_member", vec![vec![]]),
        (
            "remove_household_member",
            vec![vec![("member_id", "0".into())]],
        ),
        ("submit_household", vec![vec![]]),
        (
            "get_household_history",
            vec![
                vec![("household_id", noura_household.clone())],
                vec![("household_id", amina_household.clone())],
            ],
        ),
        ("get_household_wizard", vec![vec![]]),
        ("get_duplicate_candidates", vec![vec![]]),
        ("decide_duplicate", vec![vec![]]),
        ("register_walk_in", vec![vec![]]),
        ("get_walk_in_form", vec![vec![]]),
        ("get_apply_form", vec![vec![]]),
        ("submit_application", vec![vec![]]),
        ("get_my_applications", vec![vec![]]),
        ("withdraw_line", vec![vec![]]),
        ("act_on_line", vec![vec![]]),
        ("add_line_note", vec![vec![]]),
        (
            "get_queue",
            vec![
                vec![],
                vec![("association", nakhla.clone())],
                vec![("association", bahr.clone())],
            ],
        ),
        ("get_line_detail", vec![vec![("line_id", line.clone())]]),
        (
            "get_our_families",
            vec![
                vec![],
                vec![("association", nakhla.clone())],
                vec![("association", bahr.clone())],
            ],
        ),
        // The network (issue 15): reads with ids the caller may and may
        // not see; writes with input that is refused, so the network the
        // other calls read stays as it is.
        ("get_associations", vec![vec![]]),
        (
            "get_association_page",
            vec![vec![], vec![("id", nakhla.clone())]],
        ),
        (
            "save_association",
            vec![vec![("licence_number", "".into())]],
        ),
        (
            "set_association_status",
            vec![vec![
                ("association_id", bahr.clone()),
                ("suspend", "true".into()),
                ("reason", "".into()),
            ]],
        ),
        (
            "appoint_association_admin",
            vec![vec![
                ("association_id", bahr.clone()),
                ("national_id", "123".into()),
            ]],
        ),
        ("get_catalogue", vec![vec![]]),
        ("save_assistance_type", vec![vec![("name_ar", "".into())]]),
        ("get_access_history", vec![vec![]]),
        ("act_for", vec![vec![("association_id", bahr.clone())]]),
        (
            "get_imports",
            vec![vec![], vec![("association", bahr.clone())]],
        ),
        ("get_import_batch", vec![vec![("batch_id", "1".into())]]),
        ("commit_import", vec![vec![("batch_id", "0".into())]]),
        ("recheck_import", vec![vec![("batch_id", "0".into())]]),
        ("resume_import", vec![vec![("batch_id", "0".into())]]),
        (
            "map_import_district",
            vec![vec![
                ("batch_id", "0".into()),
                ("place", "جدة|حي".into()),
                ("district_id", "0".into()),
            ]],
        ),
        // Keeping families in (issue 17): lists, cases of households the
        // caller may and may not serve, and writes with refused input.
        (
            "get_continuity",
            vec![
                vec![],
                vec![("view", "mine".into())],
                vec![("view", "unassigned".into())],
            ],
        ),
        (
            "get_case",
            vec![
                vec![("household_id", noura_household.clone())],
                vec![("household_id", amina_household.clone())],
            ],
        ),
        (
            "assign_case",
            vec![vec![
                ("household_id", noura_household.clone()),
                ("assignee", "abc".into()),
            ]],
        ),
        (
            "book_follow_up",
            vec![vec![
                ("household_id", noura_household.clone()),
                ("kind", "none".into()),
                ("due_on", "".into()),
            ]],
        ),
        ("get_follow_up", vec![vec![("id", "1".into())]]),
        (
            "save_follow_up_note",
            vec![vec![("id", "0".into()), ("note", "".into())]],
        ),
        (
            "record_follow_up",
            vec![vec![("id", "0".into()), ("outcome", "reached".into())]],
        ),
        (
            "close_case",
            vec![vec![("household_id", noura_household.clone())]],
        ),
        ("get_continuity_rules", vec![vec![]]),
        ("save_continuity_rules", vec![vec![]]),
        ("recompute_continuity", vec![vec![]]),
        // Financing (issue 19): files and loans of ids the caller may and
        // may not see, writes with refused input.
        ("get_financing", vec![vec![]]),
        ("get_financing_file", vec![vec![("file_id", "1".into())]]),
        ("get_financing_exposure", vec![vec![]]),
        ("get_council_financing", vec![vec![]]),
        ("get_my_loans", vec![vec![]]),
        (
            "open_financing_file",
            vec![vec![
                ("line_id", line.clone()),
                ("activity", "none".into()),
                ("requested", "".into()),
                ("months", "".into()),
                ("birth_date", "".into()),
                ("monthly_income", "".into()),
            ]],
        ),
        (
            "record_financing_document",
            vec![vec![
                ("file_id", "1".into()),
                ("kind", "none".into()),
                ("received_on", "".into()),
            ]],
        ),
        (
            "check_financing_eligibility",
            vec![vec![("file_id", "0".into())]],
        ),
        (
            "refer_financing_file",
            vec![vec![("file_id", "0".into()), ("to", "sdb".into())]],
        ),
        (
            "approve_loan",
            vec![vec![
                ("file_id", "0".into()),
                ("amount", "".into()),
                ("months", "".into()),
            ]],
        ),
        (
            "disburse_loan",
            vec![vec![
                ("file_id", "0".into()),
                ("disbursed_on", "".into()),
                ("first_due_on", "".into()),
            ]],
        ),
        (
            "enter_repayment",
            vec![vec![
                ("file_id", "0".into()),
                ("amount", "".into()),
                ("paid_on", "".into()),
            ]],
        ),
        (
            "save_financing_settings",
            vec![vec![
                ("min_age", "".into()),
                ("max_age", "".into()),
                ("max_monthly_income", "".into()),
                ("min_amount", "".into()),
                ("max_amount", "".into()),
                ("max_months", "".into()),
                ("delinquency_bounds", "".into()),
                ("reminder_days_before", "".into()),
                ("valid_from", "".into()),
            ]],
        ),
        (
            "reschedule_loan",
            vec![vec![
                ("file_id", "0".into()),
                ("months", "".into()),
                ("first_due_on", "".into()),
            ]],
        ),
        (
            "record_guarantee_call",
            vec![vec![
                ("file_id", "0".into()),
                ("amount", "".into()),
                ("on", "".into()),
            ]],
        ),
        (
            "add_loan_guarantee",
            vec![vec![
                ("file_id", "0".into()),
                ("guarantor", "person".into()),
                ("name", "".into()),
                ("kafala", "payment".into()),
                ("starts_on", "".into()),
            ]],
        ),
        (
            "write_off_loan",
            vec![vec![
                ("file_id", "0".into()),
                ("on", "".into()),
                ("reason", "".into()),
            ]],
        ),
        ("get_statements", vec![vec![]]),
        ("get_statement", vec![vec![("import_id", "1".into())]]),
        ("apply_statement", vec![vec![("import_id", "0".into())]]),
        (
            "set_exposure_limit",
            vec![vec![
                ("association_id", "0".into()),
                ("limit", "".into()),
                ("valid_from", "".into()),
            ]],
        ),
        // My data and the data-protection officer (issue 16).
        ("get_my_data", vec![vec![]]),
        ("get_disputes", vec![vec![]]),
        ("get_privacy_queue", vec![vec![]]),
        (
            "make_privacy_request",
            vec![vec![("kind", "access".into())]],
        ),
        (
            "dispute_benefit",
            vec![vec![("benefit_id", "0".into()), ("note", "خطأ".into())]],
        ),
        (
            "extend_privacy_request",
            vec![vec![("id", "0".into()), ("reason", "".into())]],
        ),
        (
            "decide_privacy_request",
            vec![vec![("id", "0".into()), ("outcome", "done".into())]],
        ),
        ("get_breaches", vec![vec![]]),
        ("get_breach", vec![vec![("id", "1".into())]]),
        (
            "record_breach",
            vec![vec![
                ("summary", "".into()),
                ("discovered_date", "".into()),
                ("discovered_time", "".into()),
                ("households", noura_household.clone()),
            ]],
        ),
        (
            "add_breach_households",
            vec![vec![
                ("breach_id", "0".into()),
                ("households", NOURA.into()),
            ]],
        ),
        (
            "mark_breach_notified",
            vec![vec![("breach_id", "0".into()), ("who", "authority".into())]],
        ),
        ("get_retention_page", vec![vec![]]),
        ("run_retention_now", vec![vec![]]),
        ("get_notice_versions", vec![vec![]]),
        ("get_privacy_notice", vec![vec![]]),
        ("publish_privacy_notice", vec![vec![("version", "".into())]]),
        (
            "accept_privacy_notice",
            vec![vec![("version", "none".into())]],
        ),
        // Reporting (issue 18): both boards, a filter on another association.
        (
            "get_dashboard",
            vec![
                vec![],
                vec![("board", "council".into())],
                vec![("board", "association".into()), ("association", "1".into())],
                vec![
                    ("board", "council".into()),
                    ("from", "2020-01-01".into()),
                    ("to", "2020-01-31".into()),
                ],
            ],
        ),
        // Partner tokens (issue 18 §4): the council's list, a creation
        // refused for its input, a revocation of no token.
        ("get_partner_tokens", vec![vec![]]),
        (
            "create_partner_token",
            vec![vec![
                ("partner_name_ar", "".into()),
                ("partner_name_en", "".into()),
                ("scope", "indicators".into()),
            ]],
        ),
        ("revoke_partner_token", vec![vec![("token_id", "0".into())]]),
        // At the counter (issue 21 §2, §8): both households, a submission
        // refused for its key (nothing stored), an answer to no application.
        (
            "get_counter_apply_form",
            vec![
                vec![("household_id", noura_household.clone())],
                vec![("household_id", amina_household.clone())],
            ],
        ),
        (
            "submit_counter_application",
            vec![vec![
                ("household_id", noura_household.clone()),
                ("submission_key", "".into()),
            ]],
        ),
        ("get_counter_applications", vec![vec![]]),
        (
            "answer_counter_application",
            vec![vec![
                ("application_id", "0".into()),
                ("confirm", "false".into()),
            ]],
        ),
        (
            "get_household_file",
            vec![
                vec![("household_id", noura_household.clone())],
                vec![("household_id", amina_household.clone())],
            ],
        ),
        ("get_receipt", vec![vec![("application_id", "1".into())]]),
        // Members who act for the household (issue 21 §3).
        ("allow_member_to_act", vec![vec![("member_id", "1".into())]]),
        ("revoke_member_act", vec![vec![("member_id", "1".into())]]),
        // Documents an assistance type asks for (issue 21 §4).
        ("get_document_kinds", vec![vec![]]),
        (
            "save_document_kind",
            vec![vec![
                ("assistance_type_id", "1".into()),
                ("name_ar", "نسخة الهوية".into()),
                ("name_en", "ID copy".into()),
            ]],
        ),
        // The staff search (issue 21 §1): by name, so no ID is echoed back.
        (
            "search_households",
            vec![vec![("q", "نورة".into())], vec![("q", "أمينة يوسف".into())]],
        ),
        // Messages to the family's phone (issue 17).
        ("get_message_preferences", vec![vec![]]),
        (
            "save_message_preferences",
            vec![vec![
                ("channel", "pigeon".into()),
                ("language", "ar".into()),
            ]],
        ),
    ])
}
