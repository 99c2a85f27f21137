//! The one search function over each engine's full-text facility (SQLite
//! FTS5, PostgreSQL `tsvector`), both fed the same normalized document.

use super::{CARD_COLUMNS, CARD_JOINS, CardRow};
use crate::database::{Db, Engine, Sql};
use crate::marketplace::{ProductCard, SEARCH_PAGE_SIZE, SearchQuery, SearchSort, search_terms};

/// The text part of a search in the engine's own terms. The text index holds
/// published products only, keyed by their publication number.
struct TextMatch {
    engine: Engine,
    /// The engine's query expression (bound, never pasted into the SQL).
    expression: String,
}

impl TextMatch {
    /// The match of `terms` on this engine. Terms are letters and digits
    /// only, so they cannot carry query syntax; every term must match, as a
    /// prefix (Arabic suffixes, typing in progress).
    fn new(engine: Engine, terms: &[String]) -> Self {
        let expression = match engine {
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
        Self { engine, expression }
    }

    /// The matches joined to the products, matches first: SQLite keeps a
    /// CROSS JOIN's order, so the text index drives the query.
    fn from(&self) -> &'static str {
        match self.engine {
            Engine::Sqlite => {
                "product_search CROSS JOIN products p ON p.published_seq = product_search.rowid"
            }
            Engine::Postgres => {
                "product_search JOIN products p ON p.id = product_search.product_id"
            }
        }
    }

    /// Appends the match itself, with the joined index.
    fn condition(&self, sql: &mut Sql) {
        match self.engine {
            Engine::Sqlite => sql
                .push("product_search MATCH ")
                .bind(self.expression.as_str()),
            Engine::Postgres => sql
                .push("product_search.document @@ to_tsquery('simple', ")
                .bind(self.expression.as_str())
                .push(")"),
        };
    }

    /// Appends the same match as a membership test (the products drive the query).
    fn membership(&self, sql: &mut Sql) {
        match self.engine {
            Engine::Sqlite => sql
                .push("p.published_seq IN (SELECT rowid FROM product_search WHERE product_search MATCH ")
                .bind(self.expression.as_str())
                .push(")"),
            Engine::Postgres => sql
                .push(
                    "p.published_seq IN (SELECT published_seq FROM product_search \
                       WHERE document @@ to_tsquery('simple', ",
                )
                .bind(self.expression.as_str())
                .push("))"),
        };
    }

    /// Newest first, in the index's own order (no sorting).
    fn newest(&self) -> &'static str {
        match self.engine {
            Engine::Sqlite => "product_search.rowid DESC",
            Engine::Postgres => "product_search.published_seq DESC",
        }
    }
}

/// Appends the filters of `query`: published products, then each filter asked for.
fn push_filters(sql: &mut Sql, query: &SearchQuery) {
    sql.push("p.status = 'published'");
    if let Some(category) = query.category {
        sql.push(" AND p.category = ").bind(category.as_str());
    }
    if let Some(district) = query.district_id {
        sql.push(" AND p.district_id = ").bind(district);
    } else if let Some(city) = query.city_id {
        sql.push(" AND p.city_id = ").bind(city);
    }
    if let Some(min) = query.min_halalas {
        sql.push(" AND p.price_halalas >= ").bind(min);
    }
    if let Some(max) = query.max_halalas {
        sql.push(" AND p.price_halalas <= ").bind(max);
    }
    if query.delivery {
        sql.push(" AND p.delivery = 1");
    }
    if query.pickup {
        sql.push(" AND p.pickup = 1");
    }
    if query.available_now {
        sql.push(" AND p.availability = 'in_stock'");
    }
}

/// Whether `query` filters beyond the text.
fn is_filtered(query: &SearchQuery) -> bool {
    query.category.is_some()
        || query.district_id.is_some()
        || query.city_id.is_some()
        || query.min_halalas.is_some()
        || query.max_halalas.is_some()
        || query.delivery
        || query.pickup
        || query.available_now
}

/// The count of matches, up to [`COUNT_CAP`] + 1.
fn count_sql(query: &SearchQuery, text: Option<&TextMatch>) -> Sql {
    let end = format!(" LIMIT {}) matches", COUNT_CAP + 1);
    let mut sql = match text {
        // The text index holds published products only: it answers alone.
        Some(t) if !is_filtered(query) => {
            let mut sql = Sql::new("SELECT COUNT(*) FROM (SELECT 1 FROM product_search WHERE ");
            t.condition(&mut sql);
            sql
        }
        Some(t) => {
            let mut sql = Sql::new(&format!(
                "SELECT COUNT(*) FROM (SELECT 1 FROM {} WHERE ",
                t.from()
            ));
            push_filters(&mut sql, query);
            sql.push(" AND ");
            t.condition(&mut sql);
            sql
        }
        None => {
            let mut sql = Sql::new("SELECT COUNT(*) FROM (SELECT 1 FROM products p WHERE ");
            push_filters(&mut sql, query);
            sql
        }
    };
    sql.push(&end);
    sql
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
#[tracing::instrument(skip_all)]
pub async fn search(db: &Db, query: &SearchQuery) -> Result<SearchResults, sqlx::Error> {
    let terms = search_terms(&query.text);
    let text = (!terms.is_empty()).then(|| TextMatch::new(db.engine, &terms));
    let order = match (query.sort, &text) {
        (SearchSort::Newest, Some(t)) => t.newest(),
        (SearchSort::Newest, None) => "p.published_seq DESC",
        (SearchSort::PriceLow, _) => "p.price_halalas ASC, p.id ASC",
        (SearchSort::PriceHigh, _) => "p.price_halalas DESC, p.id DESC",
    };
    let offset = (query.page.max(1) - 1) * SEARCH_PAGE_SIZE;
    // Sorted by price, a text's count chooses what drives the page; otherwise
    // the page comes first, and a first page that is all there is counts itself.
    let counted = match (&text, query.sort) {
        (Some(t), SearchSort::PriceLow | SearchSort::PriceHigh) => {
            Some(count_matches(db, count_sql(query, Some(t))).await?)
        }
        _ => None,
    };
    // The page is chosen from the products (and the text index) alone, then
    // joined to its shops, districts and photos: sorted by price, the sort
    // reads every match, and joining them all first cost a common word ~20 ms.
    let page_order = match query.sort {
        SearchSort::Newest => "p.published_seq DESC",
        SearchSort::PriceLow | SearchSort::PriceHigh => order,
    };
    let drives = text
        .as_ref()
        .is_some_and(|_| counted.is_none_or(|total| total <= COUNT_CAP));
    let from = match &text {
        Some(t) if drives => t.from(),
        _ => "products p",
    };
    let mut sql = Sql::new(&format!(
        "SELECT {CARD_COLUMNS} FROM (SELECT p.id FROM {from} WHERE "
    ));
    push_filters(&mut sql, query);
    if let Some(t) = &text {
        sql.push(" AND ");
        if drives {
            t.condition(&mut sql);
        } else {
            t.membership(&mut sql);
        }
    }
    sql.push(&format!(
        " ORDER BY {order} LIMIT {} OFFSET ",
        SEARCH_PAGE_SIZE + 1
    ))
    .bind(offset)
    .push(&format!(
        ") page JOIN products p ON p.id = page.id {CARD_JOINS} ORDER BY {page_order}"
    ));
    let mut cards = sql
        .query_as::<CardRow>()
        .fetch_all(&db.pool)
        .await?
        .into_iter()
        .map(ProductCard::try_from)
        .collect::<Result<Vec<_>, _>>()?;
    let has_next = cards.len() as i64 > SEARCH_PAGE_SIZE;
    cards.truncate(SEARCH_PAGE_SIZE as usize);
    let total = match counted {
        Some(total) => total,
        None if offset == 0 && !has_next => cards.len() as i64,
        None => count_matches(db, count_sql(query, text.as_ref())).await?,
    };
    Ok(SearchResults {
        cards,
        has_next,
        total,
    })
}

/// Runs a search's count query.
async fn count_matches(db: &Db, sql: Sql) -> Result<i64, sqlx::Error> {
    let (total,): (i64,) = sql.query_as().fetch_one(&db.pool).await?;
    Ok(total)
}
