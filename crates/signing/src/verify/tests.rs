use lopdf::content::{Content, Operation};
use lopdf::{dictionary, Document, Object, Stream};

use super::*;
use crate::keys::{create_key, unlock, Subject};
use crate::pades::{sign_pdf, SignatureInfo};

/// A one-page PDF, as lopdf writes it.
fn minimal_pdf() -> Vec<u8> {
    let mut doc = Document::with_version("1.7");
    let pages_id = doc.new_object_id();
    let font_id = doc.add_object(
        dictionary! { "Type" => "Font", "Subtype" => "Type1", "BaseFont" => "Helvetica" },
    );
    let content = Content {
        operations: vec![
            Operation::new("BT", vec![]),
            Operation::new("Tf", vec!["F1".into(), 24.into()]),
            Operation::new("Td", vec![72.into(), 720.into()]),
            Operation::new("Tj", vec![Object::string_literal("Scoring sheet")]),
            Operation::new("ET", vec![]),
        ],
    };
    let content_id = doc.add_object(Stream::new(dictionary! {}, content.encode().unwrap()));
    let page_id = doc.add_object(dictionary! {
        "Type" => "Page", "Parent" => pages_id, "Contents" => content_id,
        "Resources" => dictionary! { "Font" => dictionary! { "F1" => font_id } },
        "MediaBox" => vec![0.into(), 0.into(), 595.into(), 842.into()],
    });
    doc.objects.insert(
        pages_id,
        Object::Dictionary(
            dictionary! { "Type" => "Pages", "Kids" => vec![page_id.into()], "Count" => 1 },
        ),
    );
    let catalog_id = doc.add_object(dictionary! { "Type" => "Catalog", "Pages" => pages_id });
    doc.trailer.set("Root", catalog_id);
    let mut out = Vec::new();
    doc.save_to(&mut out).unwrap();
    out
}

fn signed() -> (Vec<u8>, Vec<u8>) {
    let key = create_key(
        &Subject {
            name: "黄建华".into(),
            organisation: "深圳市人工智能行业协会".into(),
            unit: "评审专家 E003".into(),
        },
        "专家的口令 2026",
        1_795_000_000,
    )
    .unwrap();
    let signing_key = unlock(&key.encrypted_key_pem, "专家的口令 2026").unwrap();
    let info = SignatureInfo {
        name: "黄建华".into(),
        reason: "评审专家评分表".into(),
        pdf_date: "D:20261127093000+08'00'".into(),
        claim: Some(r#"{"claim":1}"#.into()),
    };
    (
        sign_pdf(&minimal_pdf(), &signing_key, &key.certificate_der, &info).unwrap(),
        key.certificate_der,
    )
}

#[test]
fn a_signed_pdf_verifies_and_covers_the_whole_file() {
    let (pdf, cert) = signed();
    let verification = verify_pdf(&pdf).unwrap();
    assert!(verification.is_intact(), "{verification:?}");
    let r = &verification.signatures[0];
    assert_eq!(r.problems, Vec::<String>::new());
    assert_eq!(r.claim.as_deref(), Some(r#"{"claim":1}"#));
    assert_eq!(
        (r.signer_unit.as_str(), r.field.as_str()),
        ("评审专家 E003", "签名1")
    );
    assert_eq!(r.signer, "黄建华");
    assert_eq!(r.signing_time, "D:20261127093000+08'00'");
    assert_eq!(r.reason, "评审专家评分表");
    assert_eq!(r.certificate_der, cert);
    assert!(r.digest_matches && r.signature_valid && r.certificate_bound && r.covers_whole_file);
}

#[test]
fn a_flipped_byte_in_the_signed_range_is_caught() {
    let (pdf, _) = signed();
    let reports = verify_pdf(&pdf).unwrap().signatures;
    let range = &reports[0].byte_range;
    // A byte inside the original page content, and one in the signature's own dictionary.
    for at in [100usize, (range[2] + 3) as usize] {
        let mut tampered = pdf.clone();
        tampered[at] ^= 0x01;
        // Unreadable is also a rejection.
        if let Ok(verification) = verify_pdf(&tampered) {
            assert!(!verification.is_intact(), "flip at {at} not caught");
        }
    }
}

#[test]
fn content_appended_after_signing_is_reported() {
    let (mut pdf, _) = signed();
    pdf.extend_from_slice(b"\n% appended after signing\n");
    let verification = verify_pdf(&pdf).unwrap();
    assert!(!verification.is_intact());
    let r = &verification.signatures[0];
    assert!(r.signature_valid && r.digest_matches);
    assert!(!r.covers_whole_file);
    assert!(
        r.problems[0].contains("签名之后文件又被追加了"),
        "{:?}",
        r.problems
    );
}

#[test]
fn a_second_signature_keeps_the_first_field() {
    let (pdf, _) = signed();
    let key = create_key(
        &Subject {
            name: "秘书处".into(),
            organisation: "省工业和信息化厅".into(),
            unit: String::new(),
        },
        "专家的口令 2026",
        1_795_000_000,
    )
    .unwrap();
    let signing_key = unlock(&key.encrypted_key_pem, "专家的口令 2026").unwrap();
    let twice = sign_pdf(
        &pdf,
        &signing_key,
        &key.certificate_der,
        &SignatureInfo {
            name: "秘书处".into(),
            reason: "核验".into(),
            pdf_date: "D:20261128100000+08'00'".into(),
            claim: None,
        },
    )
    .unwrap();
    let verification = verify_pdf(&twice).unwrap();
    let reports = &verification.signatures;
    assert_eq!(reports.len(), 2);
    // The first no longer covers the whole file, but only a signature follows it: both hold.
    assert!(verification.is_intact(), "{verification:?}");
    assert!(!reports[0].covers_whole_file && reports[0].is_valid());
    assert!(reports[1].covers_whole_file && reports[1].is_valid());
    assert_eq!(reports[1].field, "签名2");
    let doc = Document::load_mem(&twice).unwrap();
    let acro = doc
        .catalog()
        .unwrap()
        .get(b"AcroForm")
        .unwrap()
        .as_dict()
        .unwrap();
    assert_eq!(acro.get(b"Fields").unwrap().as_array().unwrap().len(), 2);
}

/// poppler's pdfsig, a verifier nobody here wrote.
#[test]
fn pdfsig_accepts_the_signature_and_rejects_a_flipped_byte() {
    let Ok(_) = std::process::Command::new("pdfsig").arg("-v").output() else {
        panic!("pdfsig (poppler-utils) is required: make test installs it");
    };
    let (pdf, _) = signed();
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("sheet.pdf");
    std::fs::write(&path, &pdf).unwrap();
    let out = std::process::Command::new("pdfsig")
        .arg(&path)
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains("Signature is Valid."), "{text}");
    assert!(text.contains("Total document signed"), "{text}");
    assert!(text.contains("ETSI.CAdES.detached"), "{text}");

    let mut tampered = pdf.clone();
    tampered[100] ^= 0x01;
    std::fs::write(&path, &tampered).unwrap();
    let out = std::process::Command::new("pdfsig")
        .arg(&path)
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(!text.contains("Signature is Valid."), "{text}");
}
