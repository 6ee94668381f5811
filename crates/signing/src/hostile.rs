//! The hostile corpus: signed PDFs crafted the way the published attacks on PDF signatures craft
//! them (Mladenov et al., "1 Trillion Dollar Refund", CCS 2019: universal signature forgery,
//! incremental saving, signature wrapping), plus the wrong-signer, unknown-signer, expired and
//! crashing files this product met. Generated deterministically (fixed keys, RFC 6979 signatures,
//! fixed dates), so `cargo run -p park-review-signing --example hostile_corpus --features hostile`
//! rewrites `tests/hostile/` byte for byte and a test checks that the committed files are exactly
//! what this code makes.
//!
//! Each file states what a verifier must conclude: our verdict is tested against it, and compared
//! with pdfsig's and pyHanko's (`tests/cli/hostile.rs`).

use lopdf::content::{Content, Operation};
use lopdf::{dictionary, Document, IncrementalDocument, Object, Stream};
use p256::ecdsa::SigningKey;
use park_review_domain::claim::{ClaimedSigner, DocumentKind, SignedClaim, CLAIM_FORMAT};
use sha2::{Digest, Sha256};

use crate::keys::{certificate_pem, self_signed_certificate, Subject};
use crate::pades::{sign_pdf, SignatureInfo};

/// One crafted file and what must be concluded about it.
#[derive(Debug, Clone)]
pub struct HostileFile {
    pub name: &'static str,
    /// What was done to the file.
    pub attack: &'static str,
    /// Whether a correct verifier, trusting `trust.pem`, accepts it.
    pub valid: bool,
    /// A phrase our verdict must contain when it refuses the file.
    pub reason: &'static str,
    pub bytes: Vec<u8>,
}

/// The corpus: the files and the certificates they are verified against.
pub struct Corpus {
    pub files: Vec<HostileFile>,
    /// E003's, E004's and the secretariat's certificates (PEM).
    pub trust_pem: String,
}

const SIGNED_AT: &str = "D:20261127093000+08'00'";
const NOT_BEFORE: u64 = 1_795_000_000; // 2026-11-18

struct Person {
    key: SigningKey,
    certificate: Vec<u8>,
    name: &'static str,
}

fn person(label: &str, name: &'static str, unit: &str, not_before: u64, not_after: u64) -> Person {
    let seed = Sha256::digest(format!("park-review hostile corpus: {label}"));
    let key = SigningKey::from_slice(&seed).expect("a SHA-256 is a valid P-256 scalar");
    let mut serial = [0u8; 16];
    serial.copy_from_slice(&Sha256::digest(label.as_bytes())[..16]);
    let subject = Subject {
        name: name.into(),
        organisation: "广东省人工智能产业园区评审（测试）".into(),
        unit: unit.into(),
    };
    let certificate = self_signed_certificate(&key, &subject, serial, not_before, not_after)
        .expect("the certificate builds");
    Person {
        key,
        certificate,
        name,
    }
}

/// A one-page PDF that says `line` (the scoring sheet, reduced to what the attacks need).
pub(crate) fn sheet(line: &str) -> Vec<u8> {
    let mut doc = Document::with_version("1.7");
    let pages_id = doc.new_object_id();
    let font_id = doc.add_object(
        dictionary! { "Type" => "Font", "Subtype" => "Type1", "BaseFont" => "Helvetica" },
    );
    let content_id = doc.add_object(Stream::new(dictionary! {}, text_content(line)));
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
    doc.save_to(&mut out).expect("lopdf writes");
    out
}

fn text_content(line: &str) -> Vec<u8> {
    Content {
        operations: vec![
            Operation::new("BT", vec![]),
            Operation::new("Tf", vec!["F1".into(), 18.into()]),
            Operation::new("Td", vec![72.into(), 720.into()]),
            Operation::new("Tj", vec![Object::string_literal(line)]),
            Operation::new("ET", vec![]),
        ],
    }
    .encode()
    .expect("content encodes")
}

fn claim(signer: ClaimedSigner) -> SignedClaim {
    SignedClaim {
        format: CLAIM_FORMAT.into(),
        kind: DocumentKind::ScoreSheet,
        document_uid: "00000000-0000-4000-8000-00000000e004".into(),
        round_uid: "00000000-0000-4000-8000-000000002026".into(),
        round: "DEMO-2026".into(),
        application_uid: Some("00000000-0000-4000-8000-0000000000a1".into()),
        application: Some("GZ-01".into()),
        expert_uid: Some("00000000-0000-4000-8000-0000000000e4".into()),
        signer,
        rubric_sha256: Some("0".repeat(64)),
    }
}

fn e004_claim() -> SignedClaim {
    claim(ClaimedSigner::Expert {
        code: "E004".into(),
        name: "黄建华".into(),
    })
}

fn sign(pdf: &[u8], who: &Person, claim: Option<&SignedClaim>, date: &str) -> Vec<u8> {
    sign_pdf(
        pdf,
        &who.key,
        &who.certificate,
        &SignatureInfo {
            name: who.name.into(),
            reason: "评审专家评分表 GZ-01 E004".into(),
            pdf_date: date.into(),
            claim: claim.map(SignedClaim::to_text),
        },
    )
    .expect("signing the corpus works")
}

fn find(haystack: &[u8], needle: &[u8]) -> usize {
    haystack
        .windows(needle.len())
        .position(|w| w == needle)
        .expect("the corpus' own file has this")
}

/// Replaces the bytes from `needle`'s first occurrence on with `with`, padded with spaces to
/// `span` bytes: an edit in place that keeps every offset of the file.
fn overwrite(file: &[u8], at: usize, span: usize, with: &[u8]) -> Vec<u8> {
    assert!(with.len() <= span, "the edit fits");
    let mut out = file.to_vec();
    out[at..at + span].fill(b' ');
    out[at..at + with.len()].copy_from_slice(with);
    out
}

/// The `/ByteRange [...]` array of the (only) signature: its offset and length.
fn byte_range_span(file: &[u8]) -> (usize, usize) {
    let key = find(file, b"/ByteRange");
    let open = key + find(&file[key..], b"[");
    let close = open + find(&file[open..], b"]");
    (open, close + 1 - open)
}

/// The offset of the signature dictionary's `/Contents` key (the page has one too; the
/// signature's follows its `/ByteRange`).
fn contents_key(file: &[u8]) -> usize {
    let range = find(file, b"/ByteRange");
    range + find(&file[range..], b"/Contents")
}

/// The signature's `/Contents` hex string: the offsets of its `<` and one past its `>`.
fn contents_span(file: &[u8]) -> (usize, usize) {
    let key = contents_key(file);
    let open = key + find(&file[key..], b"<");
    let close = open + find(&file[open..], b">");
    (open, close + 1)
}

/// Signature wrapping: the signed bytes are kept, but the gap between the two signed ranges is
/// widened to hold a forged page, a copy of the signature dictionary whose /ByteRange describes
/// the new file, and a new cross-reference table exactly where the signed `startxref` points.
fn wrapped(genuine: &[u8]) -> Vec<u8> {
    let doc = Document::load_mem(genuine).expect("the genuine sheet parses");
    let page_id = *doc.get_pages().values().next().expect("a page");
    let page = doc.get_dictionary(page_id).expect("the page");
    let (b, c) = contents_span(genuine);
    let d = genuine.len() - c;
    let startxref = doc.xref_start;
    let sig_id = crate::verify::revisions::signature_fields(&doc)[0]
        .1
        .expect("signed");
    let sig = doc.get_dictionary(sig_id).expect("the signature");
    let Ok(Object::String(cms, _)) = sig.get(b"Contents") else {
        panic!("the signature has contents")
    };
    let der_len = cms.iter().rposition(|b| *b != 0).map_or(0, |i| i + 1);
    let hex = park_review_domain::digest::hex(&cms[..der_len]);
    let claim_hex: String = match sig.get(crate::verify::CLAIM_KEY) {
        Ok(Object::String(s, _)) => park_review_domain::digest::hex(s),
        _ => String::new(),
    };
    let extra = 4096usize;
    let c2 = c + extra;
    let new_content_id = doc.max_id + 1;
    let reference = |o: Result<&Object, lopdf::Error>| match o {
        Ok(Object::Reference((n, g))) => format!("{n} {g} R"),
        _ => "null".into(),
    };
    let font = match page.get(b"Resources").and_then(Object::as_dict) {
        Ok(res) => match res.get(b"Font").and_then(Object::as_dict) {
            Ok(f) => reference(f.get(b"F1")),
            Err(_) => "null".into(),
        },
        Err(_) => "null".into(),
    };
    let annots = match page.get(b"Annots") {
        Ok(Object::Array(a)) => a
            .iter()
            .map(|o| reference(Ok(o)))
            .collect::<Vec<_>>()
            .join(" "),
        _ => String::new(),
    };
    let forged = text_content("Scoring sheet GZ-01 E004  total 12.0  (changed after signing)");
    let mut objects: Vec<(u32, Vec<u8>)> = Vec::new();
    let mut body = format!(
        "{new_content_id} 0 obj\n<< /Length {} >>\nstream\n",
        forged.len()
    )
    .into_bytes();
    body.extend_from_slice(&forged);
    body.extend_from_slice(b"\nendstream\nendobj\n");
    objects.push((new_content_id, body));
    objects.push((
        page_id.0,
        format!(
            "{} 0 obj\n<< /Type /Page /Parent {} /MediaBox [0 0 595 842] /Contents {new_content_id} 0 R /Resources << /Font << /F1 {font} >> >> /Annots [{annots}] >>\nendobj\n",
            page_id.0,
            reference(page.get(b"Parent"))
        )
        .into_bytes(),
    ));
    objects.push((
        sig_id.0,
        format!(
            "{} 0 obj\n<< /Type /Sig /Filter /Adobe.PPKLite /SubFilter /ETSI.CAdES.detached /ByteRange [0 {b} {c2} {d}] /Contents <{hex}> /M ({SIGNED_AT}) /ParkReviewClaim <{claim_hex}> >>\nendobj\n",
            sig_id.0
        )
        .into_bytes(),
    ));
    // The gap: `<`, the new objects, spaces up to the signed startxref, the new xref, spaces, `>`.
    let mut gap = b"<\n".to_vec();
    let mut offsets = std::collections::BTreeMap::new();
    for (id, text) in &objects {
        offsets.insert(*id, b + gap.len());
        gap.extend_from_slice(text);
    }
    assert!(
        b + gap.len() < startxref,
        "the forged objects fit before the xref"
    );
    gap.resize(startxref - b, b' ');
    let size = new_content_id + 1;
    let mut xref = format!("xref\n0 {size}\n0000000000 65535 f\r\n").into_bytes();
    for id in 1..size {
        let offset = match offsets.get(&id) {
            Some(o) => *o,
            None => match doc.reference_table.get(id) {
                Some(lopdf::xref::XrefEntry::Normal { offset, .. }) => {
                    let o = *offset as usize;
                    if o >= c {
                        o + extra
                    } else {
                        o
                    }
                }
                _ => 0,
            },
        };
        xref.extend_from_slice(format!("{offset:010} 00000 n\r\n").as_bytes());
    }
    let root = reference(doc.trailer.get(b"Root"));
    xref.extend_from_slice(format!("trailer\n<< /Size {size} /Root {root} >>\n").as_bytes());
    gap.extend_from_slice(&xref);
    assert!(gap.len() < c2 - b, "the xref fits in the widened gap");
    gap.resize(c2 - b - 1, b' ');
    gap.push(b'>');
    let mut out = genuine[..b].to_vec();
    out.extend_from_slice(&gap);
    out.extend_from_slice(&genuine[c..]);
    out
}

/// An incremental update after the signature: the page's content replaced, or an annotation
/// laid over it — the signed bytes untouched, the page showing something else.
fn incremental(genuine: &[u8], annotate: bool) -> Vec<u8> {
    let previous = Document::load_mem(genuine).expect("parses");
    let page_id = *previous.get_pages().values().next().expect("a page");
    let mut doc = IncrementalDocument::create_from(genuine.to_vec(), previous);
    let new_object = if annotate {
        doc.new_document.add_object(dictionary! {
            "Type" => "Annot", "Subtype" => "FreeText",
            "Rect" => vec![60.into(), 700.into(), 540.into(), 760.into()],
            "Contents" => Object::string_literal("total 12.0"),
            "DA" => Object::string_literal("/Helv 24 Tf 1 0 0 rg"),
        })
    } else {
        doc.new_document.add_object(Stream::new(
            dictionary! {},
            text_content("Scoring sheet GZ-01 E004  total 12.0  (changed after signing)"),
        ))
    };
    doc.opt_clone_object_to_new_document(page_id)
        .expect("clones");
    let page = doc.new_document.get_dictionary_mut(page_id).expect("page");
    if annotate {
        let mut annots = match page.get(b"Annots") {
            Ok(Object::Array(a)) => a.clone(),
            _ => Vec::new(),
        };
        annots.push(Object::Reference(new_object));
        page.set("Annots", Object::Array(annots));
    } else {
        page.set("Contents", Object::Reference(new_object));
    }
    let mut out = Vec::new();
    doc.save_to(&mut out).expect("saves");
    out
}

/// Makes the corpus.
pub fn corpus() -> Corpus {
    let not_after = NOT_BEFORE + crate::keys::CERTIFICATE_VALIDITY_SECONDS;
    let e003 = person("E003", "陈志远", "评审专家 E003", NOT_BEFORE, not_after);
    let e004 = person("E004", "黄建华", "评审专家 E004", NOT_BEFORE, not_after);
    let secretariat = person("secretariat", "秘书处", "", NOT_BEFORE, not_after);
    // Someone's own key with E004's name on it: not a certificate anyone trusts.
    let impostor = person("impostor", "黄建华", "评审专家 E004", NOT_BEFORE, not_after);
    // E004's earlier certificate, expired a year before the sheet was signed.
    let expired = person(
        "E004-expired",
        "黄建华",
        "评审专家 E004",
        1_700_000_000,
        1_760_000_000,
    );
    let page = sheet("Scoring sheet GZ-01 E004  total 86.5");
    let claim = e004_claim();
    let genuine = sign(&page, &e004, Some(&claim), SIGNED_AT);
    let countersigned = sign(
        &genuine,
        &secretariat,
        Some(&SignedClaim {
            signer: ClaimedSigner::Secretariat,
            ..e004_claim()
        }),
        "D:20261128100000+08'00'",
    );
    let (range_at, range_len) = byte_range_span(&genuine);
    let (contents_open, contents_close) = contents_span(&genuine);
    let m_at = find(&genuine, SIGNED_AT.as_bytes());
    let mut flipped = genuine.clone();
    flipped[200] ^= 0x01;
    let mut padding = genuine.clone();
    padding[contents_close - 3] = b'7';
    let mut zeros = genuine.clone();
    zeros[contents_open + 1..contents_close - 1].fill(b'0');

    let file = |name, attack, valid, reason, bytes| HostileFile {
        name,
        attack,
        valid,
        reason,
        bytes,
    };
    let files = vec![
        file("genuine.pdf", "E004 的评分表，由 E004 本人签名（对照）", true, "", genuine.clone()),
        file(
            "countersigned.pdf",
            "在 E004 签名之后，秘书处以增量更新追加了第二个签名（允许的唯一改动）",
            true,
            "",
            countersigned,
        ),
        file(
            "swa-wrapped.pdf",
            "签名包装（SWA）：加宽两段签名范围之间的空隙，藏入伪造的页面、签名字典副本和新的交叉引用表",
            false,
            "签名包装",
            wrapped(&genuine),
        ),
        file(
            "isa-page-replaced.pdf",
            "增量保存攻击（ISA）：签名后追加一个修订，替换页面内容",
            false,
            "签名之后文件又被追加了",
            incremental(&genuine, false),
        ),
        file(
            "isa-annotation-added.pdf",
            "增量保存攻击（ISA）：签名后追加一个修订，在页面上叠加注释",
            false,
            "签名之后文件又被追加了",
            incremental(&genuine, true),
        ),
        file(
            "appended-bytes.pdf",
            "签名后在文件末尾追加字节",
            false,
            "签名之后文件又被追加了",
            [genuine.as_slice(), b"\n% appended after signing\n"].concat(),
        ),
        file(
            "flipped-byte.pdf",
            "签名范围内改动一个字节",
            false,
            "摘要不符",
            flipped,
        ),
        file(
            "usf-contents-zeros.pdf",
            "通用签名伪造（USF）：/Contents 全为零",
            false,
            "不是有效的 CMS",
            zeros,
        ),
        file(
            "usf-contents-missing.pdf",
            "通用签名伪造（USF）：删去 /Contents",
            false,
            "缺少签名数据",
            overwrite(&genuine, contents_key(&genuine), 9, b"/Contentz"),
        ),
        file(
            "usf-byterange-empty.pdf",
            "通用签名伪造（USF）：/ByteRange [0 0 0 0]",
            false,
            "签名包装",
            overwrite(&genuine, range_at, range_len, b"[0 0 0 0]"),
        ),
        file(
            "usf-byterange-outside.pdf",
            "通用签名伪造（USF）：/ByteRange 指向文件之外",
            false,
            "超出文件末尾",
            overwrite(&genuine, range_at, range_len, b"[0 10 20 99999999]"),
        ),
        file(
            "crash-byterange-short.pdf",
            "曾致崩溃：/ByteRange 只有两个数",
            false,
            "不是四个非负整数",
            overwrite(&genuine, range_at, range_len, b"[0 10]"),
        ),
        file(
            "crash-byterange-overflow.pdf",
            "曾致崩溃：/ByteRange 的 c + d 溢出",
            false,
            "超出文件末尾",
            overwrite(
                &genuine,
                range_at,
                range_len,
                b"[0 1 9223372036854775807 9]",
            ),
        ),
        file(
            "crash-m-multibyte.pdf",
            "曾致崩溃：/M 签名时间中有多字节字符",
            false,
            "签名时间",
            overwrite(
                &genuine,
                m_at,
                SIGNED_AT.len(),
                "D:20261127093000+你'0'".as_bytes(),
            ),
        ),
        file(
            "padding-nonzero.pdf",
            "签名数据之后的零填充中写入非零数据（未经签名）",
            false,
            "预留空间不全为零",
            padding,
        ),
        file(
            "wrong-signer.pdf",
            "评分表写明 E004，却用 E003（同样受信任）的密钥签名",
            false,
            "签名人与文件不符",
            sign(&page, &e003, Some(&claim), SIGNED_AT),
        ),
        file(
            "unregistered-signer.pdf",
            "用自制的、同名“黄建华 / 评审专家 E004”的证书签名",
            false,
            "不在信任列表中",
            sign(&page, &impostor, Some(&claim), SIGNED_AT),
        ),
        file(
            "expired-certificate.pdf",
            "签名时证书已过期",
            false,
            "不在签名人证书的有效期内",
            sign(&page, &expired, Some(&claim), SIGNED_AT),
        ),
        file(
            "no-claim.pdf",
            "签名有效，但没有本系统的签署声明（不知道签的是哪份文件、应由谁签）",
            false,
            "没有本系统的签署声明",
            sign(&page, &e004, None, SIGNED_AT),
        ),
    ];
    let trust_pem = [&e003, &e004, &secretariat, &expired]
        .iter()
        .map(|p| certificate_pem(&p.certificate).expect("PEM"))
        .collect::<Vec<_>>()
        .join("");
    Corpus { files, trust_pem }
}

/// `expected.json`: each file's verdict and reason, for the tests that read the committed files.
pub fn expectations(corpus: &Corpus) -> String {
    let items: Vec<serde_json::Value> = corpus
        .files
        .iter()
        .map(|f| {
            serde_json::json!({
                "file": f.name,
                "attack": f.attack,
                "valid": f.valid,
                "reason": f.reason,
            })
        })
        .collect();
    serde_json::to_string_pretty(&items).unwrap_or_default() + "\n"
}
