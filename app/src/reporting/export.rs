//! The indicator table of a dashboard as a file: CSV (UTF-8 with a BOM, so
//! spreadsheet programs read the Arabic) and XLSX (a right-to-left sheet in
//! Arabic, a frozen header row, dates as dates, numbers with their
//! format). Both hold the rows the viewer may see: suppressed counts stay
//! "fewer than 5". Aggregates only, no personal data.

use rust_xlsxwriter::{ExcelDateTime, Format, Workbook, XlsxError};

use super::api::Dashboard;
use super::{Row, Shown, Unit};
use crate::i18n::{Locale, td_string};

/// The header row in the reader's language.
fn header(locale: Locale) -> Vec<String> {
    vec![
        td_string!(locale, reporting.from).to_string(),
        td_string!(locale, reporting.to).to_string(),
        td_string!(locale, reporting.indicator_key).to_string(),
        td_string!(locale, reporting.indicator).to_string(),
        td_string!(locale, reporting.breakdown_key).to_string(),
        td_string!(locale, reporting.breakdown).to_string(),
        td_string!(locale, reporting.unit).to_string(),
        td_string!(locale, reporting.value).to_string(),
    ]
}

fn unit_name(locale: Locale, unit: Unit) -> String {
    match unit {
        Unit::Count => td_string!(locale, reporting.unit_count).to_string(),
        Unit::Rate => td_string!(locale, reporting.unit_rate).to_string(),
        Unit::Days => td_string!(locale, reporting.unit_days).to_string(),
        Unit::Riyals => td_string!(locale, reporting.unit_riyals).to_string(),
    }
}

/// A value in the unit people read: a count, a percent (37.5), days (3.5),
/// riyals (250.5).
pub fn natural(unit: Unit, value: i64) -> f64 {
    match unit {
        Unit::Count => value as f64,
        Unit::Rate => value as f64 / 100.0,
        Unit::Days => value as f64 / 10.0,
        Unit::Riyals => value as f64 / 100.0,
    }
}

/// The text cells of a row (the CSV's), after the period.
fn cells(locale: Locale, row: &Row) -> Vec<String> {
    let english = locale == Locale::en;
    let unit = row.indicator.unit();
    let value = match row.shown {
        Shown::Value(n) => super::format_value(unit, n)
            .trim_end_matches('%')
            .to_string(),
        Shown::FewerThan5 => td_string!(locale, reporting.fewer_than_5).to_string(),
        Shown::Nothing => String::new(),
        Shown::Withheld => td_string!(locale, reporting.withheld).to_string(),
    };
    vec![
        row.indicator.key().to_string(),
        row.indicator.name(english),
        row.key.clone(),
        if row.is_total() {
            td_string!(locale, reporting.total).to_string()
        } else {
            row.label(english)
        },
        unit_name(locale, unit),
        value,
    ]
}

/// The CSV file (UTF-8 with a BOM); cells a spreadsheet would run as a
/// formula are defused.
pub fn csv_bytes(dashboard: &Dashboard, locale: Locale) -> Result<Vec<u8>, csv::Error> {
    let mut writer = csv::Writer::from_writer(b"\xEF\xBB\xBF".to_vec());
    writer.write_record(header(locale))?;
    for row in &dashboard.rows {
        let mut record = vec![dashboard.filters.from.clone(), dashboard.filters.to.clone()];
        record.extend(cells(locale, row));
        writer.write_record(record.iter().map(|c| crate::text::csv_cell(c).into_owned()))?;
    }
    writer
        .into_inner()
        .map_err(|error| csv::Error::from(error.into_error()))
}

fn date(text: &str) -> Result<ExcelDateTime, XlsxError> {
    let year = text.get(0..4).and_then(|p| p.parse::<u16>().ok());
    let part = |range: std::ops::Range<usize>| text.get(range).and_then(|p| p.parse::<u8>().ok());
    match (year, part(5..7), part(8..10)) {
        (Some(y), Some(m), Some(d)) => ExcelDateTime::from_ymd(y, m, d),
        _ => Err(XlsxError::ParameterError(format!("not a date: {text}"))),
    }
}

/// The XLSX workbook: one sheet, right to left in Arabic, the header row
/// frozen, the period as dates, values as numbers with their unit's format.
pub fn xlsx_bytes(dashboard: &Dashboard, locale: Locale) -> Result<Vec<u8>, XlsxError> {
    let mut workbook = Workbook::new();
    let bold = Format::new().set_bold();
    let day = Format::new().set_num_format("yyyy-mm-dd");
    let formats = |unit: Unit| match unit {
        Unit::Count => Format::new().set_num_format("#,##0"),
        Unit::Rate => Format::new().set_num_format("0.0"),
        Unit::Days => Format::new().set_num_format("0.0"),
        Unit::Riyals => Format::new().set_num_format("#,##0.00"),
    };
    let sheet = workbook.add_worksheet();
    sheet.set_name(td_string!(locale, reporting.sheet))?;
    sheet.set_right_to_left(locale == Locale::ar);
    for (col, title) in header(locale).iter().enumerate() {
        sheet.write_string_with_format(0, col as u16, title, &bold)?;
    }
    sheet.set_freeze_panes(1, 0)?;
    for (col, width) in [12, 12, 24, 32, 14, 28, 10, 14].into_iter().enumerate() {
        sheet.set_column_width(col as u16, width)?;
    }
    let (from, to) = (date(&dashboard.filters.from)?, date(&dashboard.filters.to)?);
    for (i, row) in dashboard.rows.iter().enumerate() {
        let r = i as u32 + 1;
        sheet.write_datetime_with_format(r, 0, &from, &day)?;
        sheet.write_datetime_with_format(r, 1, &to, &day)?;
        let text = cells(locale, row);
        for (c, cell) in text.iter().take(5).enumerate() {
            sheet.write_string(r, c as u16 + 2, cell)?;
        }
        let unit = row.indicator.unit();
        match row.shown {
            Shown::Value(n) => {
                sheet.write_number_with_format(r, 7, natural(unit, n), &formats(unit))?;
            }
            Shown::FewerThan5 | Shown::Withheld => {
                sheet.write_string(r, 7, &text[5])?;
            }
            Shown::Nothing => {}
        }
    }
    workbook.save_to_buffer()
}
