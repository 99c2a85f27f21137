//! The one search function over each engine's full-text facility (SQLite
//! FTS5, PostgreSQL `tsvector`), both fed the same normalized document.

use sqlx::{Any, Row};

use super::{CARD_COLUMNS, CARD_JOINS, card_of};
use crate::database::{Db, Engine};
use crate::marketplace::{ProductCard, SEARCH_PAGE_SIZE, SearchQuery, SearchSort, search_terms};

/// A bound value of a dynamic query.
enum Param {
    Int(i64),
    Text(String),
}

fn bind_all<'q>(
    mut query: sqlx::query::Query<'q, Any, sqlx::any::AnyArguments>,
    params: &'q [Param],
) -> sqlx::query::Query<'q, Any, sqlx::any::AnyArguments> {
    for param in params {
        query = match param {
            Param::Int(v) => query.bind(*v),
            Param::Text(v) => query.bind(v.as_str()),
        };
    }
    query
}

/// The text part of a search in the engine's own terms. The text index holds
/// published products only, keyed by their publication number.
struct TextMatch {
    /// The matches joined to the products, matches first: SQLite keeps a
    /// CROSS JOIN's order, so the text index drives the query.
    from: &'static str,
    /// The match itself, with the joined index.
    condition: String,
    /// The same match as a membership test (the products drive the query).
    membership: String,
    /// Newest first, in the index's own order (no sorting).
    newest: &'static str,
}

/// Results of a search: one page of cards, whether a next page exists, and
/// the number of matches up to [`COUNT_CAP`] (counting further costs time and
/// tells a visitor nothing).
pub struct SearchResults {
    pub cards: Vec<ProductCard>,
    pub has_next: bool,
    pub total: i64,
}

/// Matches beyond this are shown as "more than".
pub const COUNT_CAP: i64 = 1000;

/// Published products matching a search: the text through the engine's
/// full-text index, then the filters, sorted and paged.
///
/// The count stops at [`COUNT_CAP`] + 1 rows; without filters it reads the
/// text index alone, and a first page that holds every match needs no count
/// (a search that finds nothing costs one walk, not two). Newest first, the text index drives the
/// page in its own order and stops at it. Sorted by price, a rare text (at
/// most the cap) drives the page too and its few matches are sorted; a common
/// one is a membership test on the products, which the engine answers from
/// the publication-order index that also carries the price (no table reads),
/// or by walking the price index. (SQLite has no statistics on the text index
/// to make that choice itself.)
pub async fn search(db: &Db, query: &SearchQuery) -> Result<SearchResults, sqlx::Error> {
    let mut params: Vec<Param> = Vec::new();
    // How the text index joins the products, and how it is asked. Terms are
    // letters and digits only, so they cannot carry query syntax; every term
    // must match, as a prefix (Arabic suffixes, typing in progress).
    let terms = search_terms(&query.text);
    let text = (!terms.is_empty()).then(|| {
        let expression = match db.engine {
            Engine::Sqlite => terms
                .iter()
                .map(|t| format!("\"{t}\"*"))
                .collect::<Vec<_>>()
                .join(" "),
            Engine::Postgres => terms
                .iter()
                .map(|t| format!("{t}:*"))
                .collect::<Vec<_>>()
                .join(" & "),
        };
        params.push(Param::Text(expression));
        let p = format!("${}", params.len());
        match db.engine {
            Engine::Sqlite => TextMatch {
                from: "product_search CROSS JOIN products p ON p.published_seq = product_search.rowid",
                condition: format!("product_search MATCH {p}"),
                membership: format!(
                    "p.published_seq IN \
                       (SELECT rowid FROM product_search WHERE product_search MATCH {p})"
                ),
                newest: "product_search.rowid DESC",
            },
            Engine::Postgres => TextMatch {
                from: "product_search JOIN products p ON p.id = product_search.product_id",
                condition: format!("product_search.document @@ to_tsquery('simple', {p})"),
                membership: format!(
                    "p.published_seq IN (SELECT published_seq FROM product_search \
                       WHERE document @@ to_tsquery('simple', {p}))"
                ),
                newest: "product_search.published_seq DESC",
            },
        }
    });
    let mut conditions = vec!["p.status = 'published'".to_string()];
    let mut add = |sql: &str, param: Param| {
        params.push(param);
        conditions.push(sql.replace('?', &format!("${}", params.len())));
    };
    if let Some(category) = query.category {
        add("p.category = ?", Param::Text(category.as_str().to_string()));
    }
    if let Some(district) = query.district_id {
        add("p.district_id = ?", Param::Int(district));
    } else if let Some(city) = query.city_id {
        add("p.city_id = ?", Param::Int(city));
    }
    if let Some(min) = query.min_halalas {
        add("p.price_halalas >= ?", Param::Int(min));
    }
    if let Some(max) = query.max_halalas {
        add("p.price_halalas <= ?", Param::Int(max));
    }
    if query.delivery {
        conditions.push("p.delivery = 1".to_string());
    }
    if query.pickup {
        conditions.push("p.pickup = 1".to_string());
    }
    if query.available_now {
        conditions.push("p.availability = 'in_stock'".to_string());
    }
    let filtered = conditions.len() > 1;
    let filters = conditions.join(" AND ");
    let count_sql = match &text {
        // The text index holds published products only: it answers alone.
        Some(t) if !filtered => format!(
            "SELECT COUNT(*) FROM (SELECT 1 FROM product_search WHERE {} LIMIT {}) matches",
            t.condition,
            COUNT_CAP + 1
        ),
        Some(t) => format!(
            "SELECT COUNT(*) FROM (SELECT 1 FROM {} WHERE {filters} AND {} LIMIT {}) matches",
            t.from,
            t.condition,
            COUNT_CAP + 1
        ),
        None => format!(
            "SELECT COUNT(*) FROM (SELECT 1 FROM products p WHERE {filters} LIMIT {}) matches",
            COUNT_CAP + 1
        ),
    };
    let order = match (query.sort, &text) {
        (SearchSort::Newest, Some(t)) => t.newest,
        (SearchSort::Newest, None) => "p.published_seq DESC",
        (SearchSort::PriceLow, _) => "p.price_halalas ASC, p.id ASC",
        (SearchSort::PriceHigh, _) => "p.price_halalas DESC, p.id DESC",
    };
    let offset = (query.page.max(1) - 1) * SEARCH_PAGE_SIZE;
    // Sorted by price, a text's count chooses what drives the page; otherwise
    // the page comes first, and a first page that is all there is counts itself.
    let counted = match (&text, query.sort) {
        (Some(_), SearchSort::PriceLow | SearchSort::PriceHigh) => {
            Some(count_matches(db, count_sql.clone(), &params).await?)
        }
        _ => None,
    };
    let (from, condition) = match &text {
        Some(t) if counted.is_none_or(|total| total <= COUNT_CAP) => {
            (t.from, format!("{filters} AND {}", t.condition))
        }
        Some(t) => ("products p", format!("{filters} AND {}", t.membership)),
        None => ("products p", filters),
    };
    // The page is chosen from the products (and the text index) alone, then
    // joined to its shops, districts and photos: sorted by price, the sort
    // reads every match, and joining them all first cost a common word ~20 ms.
    let page_order = match query.sort {
        SearchSort::Newest => "p.published_seq DESC",
        SearchSort::PriceLow | SearchSort::PriceHigh => order,
    };
    let sql = format!(
        "SELECT {CARD_COLUMNS} FROM \
           (SELECT p.id FROM {from} WHERE {condition} \
             ORDER BY {order} LIMIT {} OFFSET {offset}) page \
         JOIN products p ON p.id = page.id {CARD_JOINS} ORDER BY {page_order}",
        SEARCH_PAGE_SIZE + 1
    );
    let mut cards = bind_all(sqlx::query(sqlx::AssertSqlSafe(sql)), &params)
        .fetch_all(&db.pool)
        .await?
        .into_iter()
        .map(card_of)
        .collect::<Result<Vec<_>, _>>()?;
    let has_next = cards.len() as i64 > SEARCH_PAGE_SIZE;
    cards.truncate(SEARCH_PAGE_SIZE as usize);
    let total = match counted {
        Some(total) => total,
        None if offset == 0 && !has_next => cards.len() as i64,
        None => count_matches(db, count_sql, &params).await?,
    };
    Ok(SearchResults {
        cards,
        has_next,
        total,
    })
}

/// Runs a search's count query.
async fn count_matches(db: &Db, sql: String, params: &[Param]) -> Result<i64, sqlx::Error> {
    bind_all(sqlx::query(sqlx::AssertSqlSafe(sql)), params)
        .fetch_one(&db.pool)
        .await?
        .try_get(0)
}
