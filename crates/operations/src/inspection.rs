//! Site inspection (实地考察): the checklist in and out of a round, and evidence read as a team
//! attaches it — a photo is decoded whole (a corrupt or truncated one is refused) and its EXIF
//! capture time and GPS position kept; a PDF must be a PDF. The rest of the visit (team,
//! answers, finalising) is one store call each, made by the front ends directly.

use park_review_domain::exchange::parse_checklist;
use park_review_domain::ids::RoundId;
use park_review_domain::inspection::{checklist_file_text, Checklist};
use park_review_domain::{CodedError, ErrorCode};
use park_review_store::inspection::{Evidence, EvidenceMeta, RoundChecklist};
use park_review_store::{Actor, Store};

use crate::files::{json_text, stamp, Document, ExportFormat};
use crate::{Caller, Result};

/// Reads a checklist file: Excel by its name, otherwise `park-review/checklist@1` JSON; every
/// problem is listed.
pub fn read_checklist_file(file_name: &str, bytes: Vec<u8>) -> Result<Checklist> {
    Ok(match ExportFormat::of_file_name(file_name) {
        ExportFormat::Xlsx => {
            let checklist = park_review_xlsx::read_checklist(&bytes)?;
            park_review_domain::inspection::validate_checklist(&checklist)?;
            checklist
        }
        ExportFormat::Json => parse_checklist(&json_text(file_name, bytes)?)?,
    })
}

/// Replaces a draft round's checklist (CHECKLIST_FROZEN once an inspection started).
pub fn import_checklist(
    store: &mut Store,
    caller: Caller,
    round_id: RoundId,
    checklist: &Checklist,
) -> Result<RoundChecklist> {
    Ok(store.replace_checklist(&caller.secretariat(), round_id, checklist)?)
}

/// The round's checklist as a file: its JSON (whose SHA-256 is the one recorded when it froze),
/// ending with one newline, or an Excel workbook.
pub fn export_checklist(
    store: &Store,
    round_id: RoundId,
    format: ExportFormat,
) -> Result<Document> {
    let round = store.round(round_id)?;
    let checklist = store.checklist(round_id)?;
    let bytes = match format {
        ExportFormat::Xlsx => park_review_xlsx::write_checklist(&checklist.checklist)?,
        ExportFormat::Json => {
            let mut text = checklist_file_text(&checklist.checklist);
            text.push('\n');
            text.into_bytes()
        }
    };
    Ok(Document {
        file_name: format!(
            "考察清单-{}-{}.{}",
            round.code,
            stamp(store.now()),
            format.extension()
        ),
        bytes,
    })
}

fn exif_text(field: &exif::Field) -> Option<String> {
    match &field.value {
        exif::Value::Ascii(parts) => parts
            .first()
            .map(|p| String::from_utf8_lossy(p).trim().to_owned()),
        _ => None,
    }
}

fn exif_degrees(exif: &exif::Exif, value: exif::Tag, reference: exif::Tag) -> Option<f64> {
    let field = exif.get_field(value, exif::In::PRIMARY)?;
    let exif::Value::Rational(parts) = &field.value else {
        return None;
    };
    let [d, m, s] = parts.as_slice() else {
        return None;
    };
    let degrees = d.to_f64() + m.to_f64() / 60.0 + s.to_f64() / 3600.0;
    let sign = match exif
        .get_field(reference, exif::In::PRIMARY)
        .and_then(exif_text)
        .as_deref()
    {
        Some("S") | Some("W") => -1.0,
        _ => 1.0,
    };
    degrees.is_finite().then_some(sign * degrees)
}

/// What a photo's EXIF says: the capture time (`DateTimeOriginal`, as `2026-11-28T10:15:00`)
/// and the GPS position, when present and plausible.
pub fn photo_meta(bytes: &[u8]) -> EvidenceMeta {
    let Ok(exif) = exif::Reader::new().read_from_container(&mut std::io::Cursor::new(bytes)) else {
        return EvidenceMeta::default();
    };
    let captured_at = exif
        .get_field(exif::Tag::DateTimeOriginal, exif::In::PRIMARY)
        .or_else(|| exif.get_field(exif::Tag::DateTime, exif::In::PRIMARY))
        .and_then(exif_text)
        .and_then(|t| chrono::NaiveDateTime::parse_from_str(&t, "%Y:%m:%d %H:%M:%S").ok())
        .map(|t| t.format("%Y-%m-%dT%H:%M:%S").to_string());
    let latitude = exif_degrees(&exif, exif::Tag::GPSLatitude, exif::Tag::GPSLatitudeRef)
        .filter(|l| (-90.0..=90.0).contains(l));
    let longitude = exif_degrees(&exif, exif::Tag::GPSLongitude, exif::Tag::GPSLongitudeRef)
        .filter(|l| (-180.0..=180.0).contains(l));
    EvidenceMeta {
        captured_at,
        latitude: latitude.and(longitude).and(latitude),
        longitude: latitude.and(longitude),
        thumbnail: None,
    }
}

/// Checks a file offered as evidence and reads its EXIF: a JPEG or PNG must decode whole (a
/// corrupt or truncated photo is refused); a PDF must start as one. No database: the app reads
/// the file before taking the store.
pub fn read_evidence_file(file_name: &str, bytes: &[u8]) -> Result<EvidenceMeta> {
    let refuse = |why: &str| {
        CodedError::new(
            ErrorCode::ImportMalformed,
            format!("文件“{file_name}”{why}，不能作为佐证。没有保存任何内容。"),
        )
    };
    if bytes.starts_with(b"%PDF-") {
        return Ok(EvidenceMeta::default());
    }
    let format = match image::guess_format(bytes) {
        Ok(f @ (image::ImageFormat::Jpeg | image::ImageFormat::Png)) => f,
        _ => return Err(refuse("不是 JPEG、PNG 照片或 PDF 文件")),
    };
    // Decoded with limits: a hostile header cannot ask for gigabytes.
    let mut reader = image::ImageReader::with_format(std::io::Cursor::new(bytes), format);
    let mut limits = image::Limits::default();
    limits.max_alloc = Some(512 << 20);
    reader.limits(limits);
    let image = reader
        .decode()
        .map_err(|e| refuse(&format!("无法完整解码（文件损坏或被截断：{e}）")))?;
    Ok(EvidenceMeta {
        thumbnail: crate::record::thumbnail_of(&image),
        ..photo_meta(bytes)
    })
}

/// Attaches evidence to an item: checked ([`read_evidence_file`]) and stored by SHA-256, with
/// the photo's capture time and position.
#[allow(clippy::too_many_arguments)]
pub fn attach_evidence(
    store: &mut Store,
    actor: &Actor,
    round_id: RoundId,
    application: &str,
    item: &str,
    file_name: &str,
    bytes: &[u8],
) -> Result<Evidence> {
    let meta = read_evidence_file(file_name, bytes)?;
    Ok(store.attach_evidence(actor, round_id, application, item, file_name, bytes, &meta)?)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A 2×2 JPEG with EXIF (DateTimeOriginal 2026:11:28 10:15:00, GPS 23°7'30"N 113°15'0"E),
    /// made here with `image` and a hand-written APP1 segment.
    fn photo_with_exif() -> Vec<u8> {
        let mut jpeg = Vec::new();
        image::RgbImage::from_pixel(2, 2, image::Rgb([200, 30, 30]))
            .write_to(
                &mut std::io::Cursor::new(&mut jpeg),
                image::ImageFormat::Jpeg,
            )
            .unwrap();
        // TIFF (big endian): IFD0 with ExifIFD and GPS pointers; Exif IFD with DateTimeOriginal;
        // GPS IFD with latitude/longitude and their references.
        let mut t: Vec<u8> = b"MM\x00\x2a\x00\x00\x00\x08".to_vec();
        let u16b = |v: u16| v.to_be_bytes().to_vec();
        let u32b = |v: u32| v.to_be_bytes().to_vec();
        // IFD0 at 8: 2 entries (12 bytes each) + next = 2 + 24 + 4 = 30 → ends at 38.
        t.extend(u16b(2));
        t.extend([u16b(0x8769), u16b(4), u32b(1), u32b(38)].concat()); // ExifIFD → 38
        t.extend([u16b(0x8825), u16b(4), u32b(1), u32b(56)].concat()); // GPS IFD → 56
        t.extend(u32b(0));
        // Exif IFD at 38: 1 entry → 2 + 12 + 4 = 18 → ends at 56; its string at 120.
        t.extend(u16b(1));
        t.extend([u16b(0x9003), u16b(2), u32b(20), u32b(120)].concat());
        t.extend(u32b(0));
        // GPS IFD at 56: 4 entries → 2 + 48 + 4 = 54 → ends at 110; rationals at 140 and 164.
        t.extend(u16b(4));
        t.extend([u16b(1), u16b(2), u32b(2), b"N\x00\x00\x00".to_vec()].concat());
        t.extend([u16b(2), u16b(5), u32b(3), u32b(140)].concat());
        t.extend([u16b(3), u16b(2), u32b(2), b"E\x00\x00\x00".to_vec()].concat());
        t.extend([u16b(4), u16b(5), u32b(3), u32b(164)].concat());
        t.extend(u32b(0));
        t.resize(120, 0);
        t.extend(b"2026:11:28 10:15:00\x00");
        for (n, d) in [(23, 1), (7, 1), (30, 1), (113, 1), (15, 1), (0, 1)] {
            t.extend(u32b(n));
            t.extend(u32b(d));
        }
        let mut app1 = b"Exif\x00\x00".to_vec();
        app1.extend(&t);
        let mut out = jpeg[..2].to_vec();
        out.extend([0xFF, 0xE1]);
        out.extend(((app1.len() + 2) as u16).to_be_bytes());
        out.extend(app1);
        out.extend(&jpeg[2..]);
        out
    }

    #[test]
    fn a_photo_keeps_its_capture_time_and_position() {
        let meta = read_evidence_file("现场.jpg", &photo_with_exif()).unwrap();
        assert_eq!(meta.captured_at.as_deref(), Some("2026-11-28T10:15:00"));
        assert!(meta
            .thumbnail
            .as_ref()
            .is_some_and(|t| t.starts_with(b"\x89PNG")));
        let (lat, lon) = (meta.latitude.unwrap(), meta.longitude.unwrap());
        assert!(
            (lat - 23.125).abs() < 1e-9 && (lon - 113.25).abs() < 1e-9,
            "{lat} {lon}"
        );
    }

    #[test]
    fn a_corrupt_truncated_or_foreign_file_is_refused_as_evidence() {
        let photo = photo_with_exif();
        let err = read_evidence_file("截断.jpg", &photo[..photo.len() / 2]).unwrap_err();
        assert_eq!(err.code, ErrorCode::ImportMalformed, "{}", err.message);
        let err = read_evidence_file("说明.txt", "这不是照片".as_bytes()).unwrap_err();
        assert_eq!(err.code, ErrorCode::ImportMalformed);
        let mut corrupt = photo.clone();
        let middle = corrupt.len() - 40;
        corrupt.truncate(middle);
        corrupt.extend([0u8; 8]);
        assert!(read_evidence_file("损坏.jpg", &corrupt).is_err());
        // A PDF is taken as it is.
        assert_eq!(
            read_evidence_file("合同.pdf", b"%PDF-1.7\n...\n%%EOF\n").unwrap(),
            EvidenceMeta::default()
        );
    }
}
