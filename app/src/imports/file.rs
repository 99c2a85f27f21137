//! Import files: a CSV (UTF-8 with or without a BOM, or Windows-1256 as
//! Arabic Excel saves "CSV"; comma, semicolon or tab) or an XLSX workbook
//! (its first sheet) becomes rows of cells under the columns of its kind;
//! and the templates and result files the pages offer.

use std::io::Cursor;

use calamine::{Data, Reader};

use super::rules::{Cells, Column, columns, header_positions, missing_columns};
use super::{ImportKind, MAX_ROWS};

/// Why a file could not be read at all (nothing is stored).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum FileError {
    #[error("the file is larger than allowed")]
    TooLarge,
    #[error("the file is neither a CSV file nor a workbook")]
    Unreadable,
    #[error("no header row names the required columns: {0:?}")]
    MissingColumns(Vec<&'static str>),
    #[error("the file has no rows under its header")]
    Empty,
    #[error("the file has more rows than allowed")]
    TooManyRows,
}

/// A file's data rows: the line each stands on (the header is line 1 when it
/// is the first line) and its cells by column key.
pub type Rows = Vec<(i64, Cells)>;

/// Reads a file of `kind`: the first non-empty line must be a header row
/// (Arabic or English, any order); further header rows (the template's
/// English one) and empty lines are skipped.
pub fn read(kind: ImportKind, bytes: &[u8]) -> Result<Rows, FileError> {
    if bytes.len() > super::MAX_FILE_BYTES {
        return Err(FileError::TooLarge);
    }
    let table = if is_workbook(bytes) {
        workbook_table(bytes)?
    } else {
        csv_table(bytes)?
    };
    rows_of(kind, table)
}

/// A file's lines as text cells, whatever its columns: a CSV (as [`read`]
/// takes it) or the first sheet of an XLSX workbook. Financing reads bank
/// statements with it (an interface in `app/tests/floors.rs`).
pub fn table(bytes: &[u8]) -> Result<Vec<(i64, Vec<String>)>, FileError> {
    if bytes.len() > super::MAX_FILE_BYTES {
        return Err(FileError::TooLarge);
    }
    if is_workbook(bytes) {
        workbook_table(bytes)
    } else {
        csv_table(bytes)
    }
}

/// A zip (XLSX) or OLE (the old XLS, refused as unreadable) signature.
fn is_workbook(bytes: &[u8]) -> bool {
    bytes.starts_with(b"PK\x03\x04") || bytes.starts_with(&[0xD0, 0xCF, 0x11, 0xE0])
}

fn rows_of(kind: ImportKind, table: Vec<(i64, Vec<String>)>) -> Result<Rows, FileError> {
    let mut lines = table
        .into_iter()
        .filter(|(_, cells)| cells.iter().any(|c| !c.trim().is_empty()));
    let Some((_, header)) = lines.next() else {
        return Err(FileError::Empty);
    };
    let Some(positions) = header_positions(kind, &header) else {
        return Err(FileError::MissingColumns(
            missing_columns(kind, &header)
                .iter()
                .map(|c| c.key)
                .collect(),
        ));
    };
    let mut rows = Vec::new();
    for (line_no, cells) in lines {
        if header_positions(kind, &cells).is_some() {
            continue;
        }
        if rows.len() == MAX_ROWS {
            return Err(FileError::TooManyRows);
        }
        let row: Cells = columns(kind)
            .iter()
            .zip(&positions)
            .filter_map(|(col, pos)| {
                let value = cells.get((*pos)?)?.trim();
                (!value.is_empty()).then(|| (col.key.to_string(), value.to_string()))
            })
            .collect();
        rows.push((line_no, row));
    }
    if rows.is_empty() {
        return Err(FileError::Empty);
    }
    Ok(rows)
}

/// A CSV file's lines as text cells.
fn csv_table(bytes: &[u8]) -> Result<Vec<(i64, Vec<String>)>, FileError> {
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    let text = match std::str::from_utf8(bytes) {
        Ok(text) => std::borrow::Cow::Borrowed(text),
        // Arabic Windows' Excel saves "CSV" in its code page.
        Err(_) => {
            let (text, _, had_errors) = encoding_rs::WINDOWS_1256.decode(bytes);
            if had_errors {
                return Err(FileError::Unreadable);
            }
            text
        }
    };
    if text.contains('\0') {
        return Err(FileError::Unreadable);
    }
    let first_line = text.lines().next().unwrap_or_default();
    let delimiter = [b',', b';', b'\t']
        .into_iter()
        .max_by_key(|d| first_line.matches(char::from(*d)).count())
        .unwrap_or(b',');
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .delimiter(delimiter)
        .from_reader(text.as_bytes());
    let mut out = Vec::new();
    for record in reader.records() {
        let record = record.map_err(|_| FileError::Unreadable)?;
        let line = record.position().map_or(0, |p| p.line() as i64);
        out.push((line, record.iter().map(str::to_string).collect()));
        if out.len() > MAX_ROWS + 10 {
            return Err(FileError::TooManyRows);
        }
    }
    Ok(out)
}

/// What a workbook may declare uncompressed, in all: its XML is many times
/// its cells, and a zip can promise far more than it weighs (a "zip bomb").
const MAX_WORKBOOK_XML: u64 = 64 * 1024 * 1024;
/// Columns read from a workbook row; the templates have at most nine.
const MAX_COLUMNS: u32 = 64;

/// The first sheet of an XLSX workbook as text cells. Cells are read one
/// by one (a file whose one cell sits at row 1 048 576 costs nothing) and
/// only after the sizes the archive declares were checked.
fn workbook_table(bytes: &[u8]) -> Result<Vec<(i64, Vec<String>)>, FileError> {
    let mut archive =
        zip::ZipArchive::new(Cursor::new(bytes)).map_err(|_| FileError::Unreadable)?;
    let mut declared = 0u64;
    for i in 0..archive.len() {
        let entry = archive.by_index_raw(i).map_err(|_| FileError::Unreadable)?;
        declared = declared.saturating_add(entry.size());
    }
    if declared > MAX_WORKBOOK_XML {
        return Err(FileError::TooLarge);
    }
    let mut workbook: calamine::Xlsx<_> =
        calamine::Xlsx::new(Cursor::new(bytes)).map_err(|_| FileError::Unreadable)?;
    let sheet = workbook
        .sheet_names()
        .first()
        .cloned()
        .ok_or(FileError::Empty)?;
    let mut reader = workbook
        .worksheet_cells_reader(&sheet)
        .map_err(|_| FileError::Unreadable)?;
    let mut rows: std::collections::BTreeMap<u32, Vec<String>> = Default::default();
    while let Some(cell) = reader.next_cell().map_err(|_| FileError::Unreadable)? {
        let (row, col) = cell.get_position();
        if col >= MAX_COLUMNS {
            continue;
        }
        let text = cell_text(&Data::from(cell.get_value().clone()));
        if text.trim().is_empty() {
            continue;
        }
        if !rows.contains_key(&row) && rows.len() > MAX_ROWS + 10 {
            return Err(FileError::TooManyRows);
        }
        let cells = rows.entry(row).or_default();
        let col = col as usize;
        if cells.len() <= col {
            cells.resize(col + 1, String::new());
        }
        cells[col] = text;
    }
    Ok(rows
        .into_iter()
        .map(|(row, cells)| (i64::from(row) + 1, cells))
        .collect())
}

/// A workbook cell as the text a person would have typed: whole numbers
/// without `.0` (IDs and phones are often stored as numbers), dates as
/// `YYYY-MM-DD`.
fn cell_text(cell: &Data) -> String {
    match cell {
        Data::String(s) => s.clone(),
        Data::Int(n) => n.to_string(),
        Data::Float(f) if f.fract() == 0.0 && f.abs() < 1e15 => format!("{}", *f as i64),
        Data::Float(f) => f.to_string(),
        Data::Bool(b) => b.to_string(),
        Data::DateTime(dt) => {
            // Days since Excel's epoch (1899-12-30 in the 1900 system).
            let days = dt.as_f64().floor() as i64;
            chrono::NaiveDate::from_ymd_opt(1899, 12, 30)
                .and_then(|epoch| epoch.checked_add_signed(chrono::Duration::days(days)))
                .map(|d| d.format("%Y-%m-%d").to_string())
                .unwrap_or_default()
        }
        Data::DateTimeIso(s) => s.chars().take(10).collect(),
        Data::DurationIso(s) => s.clone(),
        Data::Error(_) | Data::Empty => String::new(),
    }
}

/// The CSV template: a BOM (so spreadsheets read it as UTF-8), the Arabic
/// header row, then the English one (skipped on import).
pub fn template_csv(kind: ImportKind) -> Vec<u8> {
    let cols = columns(kind);
    let rows = [
        cols.iter().map(|c| c.ar.to_string()).collect::<Vec<_>>(),
        cols.iter().map(|c| c.en.to_string()).collect(),
    ];
    csv_bytes(&rows)
}

/// The XLSX template: the same two header rows, right to left, with every
/// column stored as text (so IDs and phones keep their digits).
pub fn template_xlsx(kind: ImportKind) -> Result<Vec<u8>, rust_xlsxwriter::XlsxError> {
    let cols: &[Column] = columns(kind);
    let rows = [
        cols.iter().map(|c| c.ar.to_string()).collect::<Vec<_>>(),
        cols.iter().map(|c| c.en.to_string()).collect(),
    ];
    xlsx_bytes(&rows)
}

/// A workbook of text cells (the templates; tests write their files with it).
pub fn xlsx_bytes(rows: &[Vec<String>]) -> Result<Vec<u8>, rust_xlsxwriter::XlsxError> {
    let mut workbook = rust_xlsxwriter::Workbook::new();
    let text = rust_xlsxwriter::Format::new().set_num_format("@");
    let bold = rust_xlsxwriter::Format::new()
        .set_bold()
        .set_num_format("@");
    let sheet = workbook.add_worksheet();
    sheet.set_right_to_left(true);
    let width = rows.iter().map(Vec::len).max().unwrap_or(0);
    for col in 0..width {
        sheet.set_column_width(col as u16, 24)?;
        sheet.set_column_format(col as u16, &text)?;
    }
    for (r, row) in rows.iter().enumerate() {
        for (c, value) in row.iter().enumerate() {
            let format = if r == 0 { &bold } else { &text };
            sheet.write_string_with_format(r as u32, c as u16, value, format)?;
        }
    }
    workbook.save_to_buffer()
}

/// Rows as a CSV file with a BOM; cells that a spreadsheet would run as a
/// formula are defused (`text::csv_cell`).
pub fn csv_bytes(rows: &[Vec<String>]) -> Vec<u8> {
    let mut writer = csv::Writer::from_writer(b"\xEF\xBB\xBF".to_vec());
    for row in rows {
        let cells: Vec<std::borrow::Cow<'_, str>> =
            row.iter().map(|c| crate::text::csv_cell(c)).collect();
        // Writing to memory cannot fail.
        let _ = writer.write_record(cells.iter().map(|c| c.as_ref()));
    }
    writer.into_inner().unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn id() -> String {
        crate::ids::with_check_digit("100000123")
    }

    #[test]
    fn templates_read_back_as_empty_files() {
        for kind in ImportKind::ALL {
            assert_eq!(read(kind, &template_csv(kind)), Err(FileError::Empty));
            assert_eq!(
                read(kind, &template_xlsx(kind).unwrap()),
                Err(FileError::Empty)
            );
        }
    }

    #[test]
    fn csv_in_either_language_delimiter_and_encoding() {
        let text = format!(
            "Head national ID;Head full name;District\n{};نورة سعد;الصفا\n\n;;\n",
            id()
        );
        let rows = read(ImportKind::Households, text.as_bytes()).unwrap();
        assert_eq!(rows.len(), 1);
        assert_eq!(rows[0].0, 2);
        assert_eq!(rows[0].1["head_name"], "نورة سعد");
        assert!(!rows[0].1.contains_key("phone"));
        let arabic = format!(
            "رقم هوية رب الأسرة,اسم رب الأسرة الكامل,الحي\r\n{},نورة,الصفا\r\n",
            id()
        );
        let (cp1256, _, _) = encoding_rs::WINDOWS_1256.encode(&arabic);
        let rows = read(ImportKind::Households, &cp1256).unwrap();
        assert_eq!(rows[0].1["district"], "الصفا");
    }

    #[test]
    fn workbooks_keep_digits_and_dates() {
        let mut workbook = rust_xlsxwriter::Workbook::new();
        let sheet = workbook.add_worksheet();
        for (c, h) in [
            "Head national ID",
            "Assistance type",
            "Date given",
            "Value in riyals",
        ]
        .iter()
        .enumerate()
        {
            sheet.write_string(0, c as u16, *h).unwrap();
        }
        sheet
            .write_number(1, 0, id().parse::<f64>().unwrap())
            .unwrap();
        sheet.write_string(1, 1, "training").unwrap();
        let date = rust_xlsxwriter::ExcelDateTime::from_ymd(2024, 3, 5).unwrap();
        let format = rust_xlsxwriter::Format::new().set_num_format("yyyy-mm-dd");
        sheet
            .write_datetime_with_format(1, 2, &date, &format)
            .unwrap();
        sheet.write_number(1, 3, 250.5).unwrap();
        // A cell in the sheet's far corner costs nothing (never a dense grid).
        sheet.write_string(1_048_575, 16_383, "far").unwrap();
        let bytes = workbook.save_to_buffer().unwrap();
        let rows = read(ImportKind::Benefits, &bytes).unwrap();
        assert_eq!(rows.len(), 1);
        assert_eq!(rows[0].1["head_national_id"], id());
        assert_eq!(rows[0].1["given_on"], "2024-03-05");
        assert_eq!(rows[0].1["value"], "250.5");
    }

    #[test]
    fn refusals() {
        assert_eq!(
            read(ImportKind::Households, b"a,b,c\n1,2,3\n"),
            Err(FileError::MissingColumns(vec![
                "head_national_id",
                "head_name",
                "district"
            ]))
        );
        assert_eq!(read(ImportKind::Households, b""), Err(FileError::Empty));
        assert_eq!(
            read(ImportKind::Households, b"PK\x03\x04garbage"),
            Err(FileError::Unreadable)
        );
        let mut many = String::from("Head national ID,Head full name,District\n");
        for _ in 0..=MAX_ROWS {
            many.push_str("1,x,y\n");
        }
        assert_eq!(
            read(ImportKind::Households, many.as_bytes()),
            Err(FileError::TooManyRows)
        );
    }
}
