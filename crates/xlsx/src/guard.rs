//! Opening a workbook that came from outside, with bounds. A workbook is a zip of XML files, and
//! both layers can be made to ask for far more memory than the file's size: a deflate stream that
//! unpacks a thousandfold (a zip bomb), or a sheet with one cell at A2 and one at XFD1048576,
//! whose rectangle calamine would allocate whole (512 GiB: the process aborts). So before
//! calamine sees a byte, every entry is unpacked into nothing with a running count, and every
//! sheet is read cell by cell with its position checked before the rectangle is built.

use std::io::{Cursor, Read};

use calamine::{Cell, Data, Range, Xlsx};

use crate::XlsxError;

/// The largest workbook file read (ours are a few hundred KB; a city's with every list ~ 2 MB).
pub const MAX_FILE_BYTES: usize = 32 * 1024 * 1024;
/// The most its entries may unpack to, all together.
pub const MAX_UNPACKED_BYTES: u64 = 128 * 1024 * 1024;
/// The most entries a workbook may have.
const MAX_ENTRIES: usize = 1000;
/// The last row and column a sheet may use (1-based: 50,000 rows, column CV).
pub const MAX_ROWS: u32 = 50_000;
pub const MAX_COLUMNS: u32 = 100;
/// The most cells a sheet's rectangle may hold (the memory it costs is about 32 bytes a cell).
const MAX_AREA: u64 = 2_000_000;

/// An opened workbook whose sheets are read with bounds.
pub(crate) struct Workbook(Xlsx<Cursor<Vec<u8>>>);

/// Opens `bytes` as an .xlsx workbook after checking the file's size and what it unpacks to.
pub(crate) fn open(bytes: &[u8]) -> Result<Workbook, XlsxError> {
    if bytes.len() > MAX_FILE_BYTES {
        return Err(XlsxError::TooLarge(format!(
            "文件有 {:.1} MB，超过 {} MB 的上限",
            bytes.len() as f64 / 1_048_576.0,
            MAX_FILE_BYTES / 1_048_576
        )));
    }
    check_unpacked(bytes)?;
    let xlsx = <Xlsx<_> as calamine::Reader<_>>::new(Cursor::new(bytes.to_vec()))
        .map_err(|e| XlsxError::Unreadable(e.to_string()))?;
    Ok(Workbook(xlsx))
}

/// Unpacks every entry into nothing, counting: the sizes a zip declares can lie, the count
/// cannot.
fn check_unpacked(bytes: &[u8]) -> Result<(), XlsxError> {
    let mut archive = zip::ZipArchive::new(Cursor::new(bytes))
        .map_err(|e| XlsxError::Unreadable(format!("不是 .xlsx 文件（{e}）")))?;
    if archive.len() > MAX_ENTRIES {
        return Err(XlsxError::TooLarge(format!(
            "压缩包内有 {} 个文件，超过 {MAX_ENTRIES} 个的上限",
            archive.len()
        )));
    }
    let mut total: u64 = 0;
    let mut buffer = vec![0u8; 64 * 1024];
    for i in 0..archive.len() {
        let mut entry = archive
            .by_index(i)
            .map_err(|e| XlsxError::Unreadable(e.to_string()))?;
        loop {
            let n = entry
                .read(&mut buffer)
                .map_err(|e| XlsxError::Unreadable(e.to_string()))?;
            if n == 0 {
                break;
            }
            total += n as u64;
            if total > MAX_UNPACKED_BYTES {
                return Err(XlsxError::TooLarge(format!(
                    "解压后超过 {} MB 的上限（可能是“压缩炸弹”）",
                    MAX_UNPACKED_BYTES / 1_048_576
                )));
            }
        }
    }
    Ok(())
}

impl Workbook {
    /// The sheet `name` as a rectangle of cells, refused (TooLarge) when a cell lies beyond
    /// [`MAX_ROWS`] × [`MAX_COLUMNS`] or the rectangle would exceed its cell budget.
    pub(crate) fn sheet(&mut self, name: &'static str) -> Result<Range<Data>, XlsxError> {
        let mut reader = self
            .0
            .worksheet_cells_reader(name)
            .map_err(|_| XlsxError::MissingSheet(name))?;
        let mut cells: Vec<Cell<Data>> = Vec::new();
        let (mut min_row, mut max_row, mut min_col, mut max_col) = (u32::MAX, 0, u32::MAX, 0);
        while let Some(cell) = reader
            .next_cell()
            .map_err(|e| XlsxError::Unreadable(e.to_string()))?
        {
            let (row, col) = cell.get_position();
            if row >= MAX_ROWS || col >= MAX_COLUMNS {
                return Err(XlsxError::TooLarge(format!(
                    "工作表“{name}”在第 {} 行第 {} 列有内容，超出 {MAX_ROWS} 行 × {MAX_COLUMNS} 列的上限",
                    u64::from(row) + 1,
                    u64::from(col) + 1
                )));
            }
            let value: Data = cell.get_value().clone().into();
            if matches!(value, Data::Empty) {
                continue;
            }
            min_row = min_row.min(row);
            max_row = max_row.max(row);
            min_col = min_col.min(col);
            max_col = max_col.max(col);
            let area = u64::from(max_row - min_row + 1) * u64::from(max_col - min_col + 1);
            if area > MAX_AREA {
                return Err(XlsxError::TooLarge(format!(
                    "工作表“{name}”的数据区域超过 {MAX_AREA} 个单元格的上限"
                )));
            }
            cells.push(Cell::new((row, col), value));
        }
        Ok(Range::from_sparse(cells))
    }
}
