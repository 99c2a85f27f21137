//! Names of the registry's codes (income brackets, relations, crafts) in
//! the reader's language.

use leptos::prelude::*;

use crate::i18n::*;

/// An income bracket, translated.
#[component]
pub fn IncomeName(#[prop(into)] code: String) -> impl IntoView {
    let i18n = use_i18n();
    match code.as_str() {
        "none" => t!(i18n, household.income.none).into_any(),
        "under_3000" => t!(i18n, household.income.under_3000).into_any(),
        "3000_6000" => t!(i18n, household.income.from_3000_to_6000).into_any(),
        "6000_10000" => t!(i18n, household.income.from_6000_to_10000).into_any(),
        _ => t!(i18n, household.income.over_10000).into_any(),
    }
}

/// A member's relation to the head, translated.
#[component]
pub fn RelationName(#[prop(into)] code: String) -> impl IntoView {
    let i18n = use_i18n();
    match code.as_str() {
        "spouse" => t!(i18n, household.relations.spouse).into_any(),
        "son" => t!(i18n, household.relations.son).into_any(),
        "daughter" => t!(i18n, household.relations.daughter).into_any(),
        "father" => t!(i18n, household.relations.father).into_any(),
        "mother" => t!(i18n, household.relations.mother).into_any(),
        "sibling" => t!(i18n, household.relations.sibling).into_any(),
        _ => t!(i18n, household.relations.other).into_any(),
    }
}

/// A craft's name in the reader's language.
#[component]
pub fn CraftName(#[prop(into)] code: String) -> impl IntoView {
    let i18n = use_i18n();
    match code.as_str() {
        "food" => t!(i18n, household.crafts.food).into_any(),
        "sweets" => t!(i18n, household.crafts.sweets).into_any(),
        "sewing" => t!(i18n, household.crafts.sewing).into_any(),
        "embroidery" => t!(i18n, household.crafts.embroidery).into_any(),
        "handicrafts" => t!(i18n, household.crafts.handicrafts).into_any(),
        "perfume_incense" => t!(i18n, household.crafts.perfume_incense).into_any(),
        "beauty" => t!(i18n, household.crafts.beauty).into_any(),
        _ => t!(i18n, household.crafts.other).into_any(),
    }
}
