use std::io::Write;

use park_review_signing::keys::{create_key, unlock, Subject};

use super::*;

const FORMAT: &str = "park-review/bundle@1";

struct Signer {
    key: p256::ecdsa::SigningKey,
    certificate: Vec<u8>,
}

fn signer(name: &str) -> Signer {
    let made = create_key(
        &Subject {
            name: name.into(),
            organisation: String::new(),
            unit: "评审专家 E004".into(),
        },
        "专家的口令 2026",
        1_795_000_000,
    )
    .unwrap();
    Signer {
        key: unlock(&made.encrypted_key_pem, "专家的口令 2026").unwrap(),
        certificate: made.certificate_der,
    }
}

fn sealed(who: &Signer, scores: &[u8]) -> Vec<u8> {
    seal(
        Seal {
            format: FORMAT,
            uid: "b-1",
            created_at: "2026-11-30T09:30:00+08:00",
            header: serde_json::json!({"round": "DEMO-2026", "expert": "E004", "sequence": 1}),
            members: vec![
                ("scores.json".into(), scores.to_vec()),
                ("sheets/GZ-01.pdf".into(), b"%PDF-1.7 signed sheet".to_vec()),
            ],
        },
        &who.key,
        &who.certificate,
    )
    .unwrap()
}

/// A ZIP written entry by entry, for files no honest sealer makes.
fn raw_zip(entries: &[(&str, &[u8])]) -> Vec<u8> {
    let mut zip = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let options = zip::write::SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated);
    for (name, bytes) in entries {
        zip.start_file(*name, options).unwrap();
        zip.write_all(bytes).unwrap();
    }
    zip.finish().unwrap().into_inner()
}

/// The entries of a container, to rebuild it with one thing changed.
fn entries(bytes: &[u8]) -> Vec<(String, Vec<u8>)> {
    let mut archive = zip::ZipArchive::new(std::io::Cursor::new(bytes)).unwrap();
    (0..archive.len())
        .map(|i| {
            let mut entry = archive.by_index(i).unwrap();
            let mut data = Vec::new();
            std::io::Read::read_to_end(&mut entry, &mut data).unwrap();
            (entry.name().unwrap().to_string(), data)
        })
        .collect()
}

fn rebuild(entries: &[(String, Vec<u8>)]) -> Vec<u8> {
    let borrowed: Vec<(&str, &[u8])> = entries
        .iter()
        .map(|(n, d)| (n.as_str(), d.as_slice()))
        .collect();
    raw_zip(&borrowed)
}

fn refused(bytes: &[u8]) -> ContainerError {
    open(bytes, FORMAT, Limits::DEFAULT).unwrap_err()
}

#[test]
fn a_sealed_container_opens_with_its_members_and_signer() {
    let who = signer("黄建华");
    let bytes = sealed(&who, br#"{"scores":[]}"#);
    let opened = open(&bytes, FORMAT, Limits::DEFAULT).unwrap();
    assert_eq!(opened.manifest.uid, "b-1");
    assert_eq!(opened.manifest.header["expert"], "E004");
    assert_eq!(opened.members["scores.json"], br#"{"scores":[]}"#);
    assert_eq!(opened.signer.certificate_der, who.certificate);
    assert_eq!(
        opened.signer.certificate_sha256,
        opened.manifest.signer_sha256
    );
    // Sealing the same content twice gives the same bytes (a fixed time inside the ZIP).
    assert_eq!(bytes, sealed(&who, br#"{"scores":[]}"#));
    // Another format is refused by name.
    let err = open(&bytes, "park-review/package@1", Limits::DEFAULT).unwrap_err();
    assert!(matches!(err, ContainerError::WrongFormat { .. }), "{err}");
}

#[test]
fn a_changed_member_signature_or_manifest_is_refused() {
    let who = signer("黄建华");
    let bytes = sealed(&who, br#"{"scores":[1]}"#);
    let original = entries(&bytes);
    for (i, (name, _)) in original.iter().enumerate() {
        let mut changed = original.clone();
        let last = changed[i].1.len() - 2;
        changed[i].1[last] ^= 0x01;
        let err = refused(&rebuild(&changed));
        assert_eq!(err.code(), ErrorCode::SignatureInvalid, "{name}: {err}");
    }
}

#[test]
fn members_swapped_added_or_removed_are_refused() {
    let who = signer("黄建华");
    let mine = entries(&sealed(&who, br#"{"scores":[1]}"#));
    let theirs = entries(&sealed(&who, br#"{"scores":[2]}"#));
    // Swapped in from another container of the same signer.
    let mut swapped = mine.clone();
    swapped[1] = theirs[1].clone();
    assert!(matches!(
        refused(&rebuild(&swapped)),
        ContainerError::Tampered(_)
    ));
    // Added.
    let mut added = mine.clone();
    added.insert(2, ("members/extra.json".into(), b"{}".to_vec()));
    assert!(matches!(
        refused(&rebuild(&added)),
        ContainerError::Tampered(_)
    ));
    // Removed.
    let mut removed = mine.clone();
    removed.remove(2);
    assert!(matches!(
        refused(&rebuild(&removed)),
        ContainerError::Tampered(_)
    ));
    // The signature of another container.
    let mut resigned = mine.clone();
    let last = resigned.len() - 1;
    resigned[last] = theirs[last].clone();
    assert!(matches!(
        refused(&rebuild(&resigned)),
        ContainerError::BadSignature(_)
    ));
    // Manifest or signature missing.
    assert!(matches!(
        refused(&rebuild(&mine[1..])),
        ContainerError::Missing(_)
    ));
    assert!(matches!(
        refused(&rebuild(&mine[..last])),
        ContainerError::Missing(_)
    ));
}

#[test]
fn hostile_archives_are_refused_before_anything_is_trusted() {
    let who = signer("黄建华");
    let bytes = sealed(&who, b"{}");
    // Truncated, empty, not a ZIP.
    for broken in [
        &bytes[..bytes.len() / 2],
        &b""[..],
        &b"PK\x03\x04 not really"[..],
    ] {
        assert!(matches!(refused(broken), ContainerError::NotArchive(_)));
    }
    // Names that would escape or confuse.
    for name in [
        "../../etc/passwd",
        "/etc/passwd",
        "members/../manifest.json",
        "members/a\\b",
        "members/",
        "other.txt",
        "members/C:evil",
    ] {
        let err = refused(&raw_zip(&[(name, b"x")]));
        assert!(
            matches!(err, ContainerError::UnsafeName(_)),
            "{name}: {err}"
        );
    }
    // The same member twice (no ZIP writer makes that: a second one renamed in place). Whatever
    // the ZIP reader makes of it, what comes out is what was signed, or nothing.
    let genuine = entries(&bytes);
    let mut with_evil = genuine.clone();
    with_evil.insert(2, ("members/scoreX.json".into(), b"{\"evil\":1}".to_vec()));
    let mut twice = rebuild(&with_evil);
    for at in 0..twice.len() - 19 {
        if &twice[at..at + 19] == b"members/scoreX.json" {
            twice[at..at + 19].copy_from_slice(b"members/scores.json");
        }
    }
    match open(&twice, FORMAT, Limits::DEFAULT) {
        Err(err) => assert!(
            matches!(
                err,
                ContainerError::Duplicate(_)
                    | ContainerError::NotArchive(_)
                    | ContainerError::Tampered(_)
            ),
            "{err:?}"
        ),
        Ok(opened) => assert_eq!(opened.members["scores.json"], b"{}"),
    }
}

#[test]
fn a_zip_bomb_stops_at_the_limit() {
    // 64 MiB of zeros deflate to about 64 KiB; the limit is 1 MiB per member.
    let zeros = vec![0u8; 64 << 20];
    let bomb = raw_zip(&[("members/bomb.bin", &zeros)]);
    assert!(bomb.len() < 1 << 20, "{}", bomb.len());
    let limits = Limits {
        max_member_bytes: 1 << 20,
        ..Limits::DEFAULT
    };
    let err = open(&bomb, FORMAT, limits).unwrap_err();
    assert!(matches!(err, ContainerError::TooLarge { .. }), "{err}");
    // And the file itself is bounded before it is read.
    let small = Limits {
        max_file_bytes: 1_000,
        ..Limits::DEFAULT
    };
    assert!(matches!(
        open(&bomb, FORMAT, small).unwrap_err(),
        ContainerError::TooLarge { .. }
    ));
}

/// What docs/formats/container.md tells a person to do, with tools nobody here wrote: unpack
/// with Python's zipfile, check the signature with OpenSSL, the members with sha256sum.
#[test]
fn a_person_verifies_a_container_with_openssl_and_sha256sum() {
    let who = signer("黄建华");
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("E004.prbundle");
    std::fs::write(&file, sealed(&who, br#"{"scores":[3]}"#)).unwrap();
    std::fs::write(
        dir.path().join("signer.pem"),
        park_review_signing::keys::certificate_pem(&who.certificate).unwrap(),
    )
    .unwrap();
    let run = |program: &str, args: &[&str]| {
        let out = std::process::Command::new(program)
            .current_dir(dir.path())
            .args(args)
            .output()
            .unwrap_or_else(|e| panic!("{program}: {e}"));
        assert!(
            out.status.success(),
            "{program} {args:?}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        format!(
            "{}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        )
    };
    run(
        "python3",
        &["-m", "zipfile", "-e", "E004.prbundle", "unpacked"],
    );
    let verified = run(
        "openssl",
        &[
            "cms",
            "-verify",
            "-binary",
            "-inform",
            "DER",
            "-in",
            "unpacked/manifest.p7s",
            "-content",
            "unpacked/manifest.json",
            "-CAfile",
            "signer.pem",
            "-purpose",
            "any",
            "-out",
            "/dev/null",
        ],
    );
    assert!(verified.contains("Verification successful"), "{verified}");
    let manifest: Manifest =
        serde_json::from_slice(&std::fs::read(dir.path().join("unpacked/manifest.json")).unwrap())
            .unwrap();
    for member in &manifest.members {
        let sum = run("sha256sum", &[&format!("unpacked/members/{}", member.name)]);
        assert!(sum.starts_with(&member.sha256), "{}: {sum}", member.name);
    }
}
