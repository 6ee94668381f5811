//! What changed between two revisions of a file, and whether it is only the addition of a further
//! signature — the one change allowed after a signature (pyHanko's diff analysis, reduced to
//! what this product makes). Anything else added after a signature (a page, a content stream,
//! a changed annotation, a removed object) is an incremental saving attack, or at best an
//! unsigned change, and makes the earlier signatures no longer describe the file.

use std::collections::BTreeSet;

use lopdf::{Dictionary, Document, Object, ObjectId};

/// The signature fields of a document: each terminal field with `/FT /Sig` (searched through
/// `/AcroForm /Fields` and their `/Kids`), with its `/V` if it has one.
pub fn signature_fields(doc: &Document) -> Vec<(ObjectId, Option<ObjectId>)> {
    let mut out = Vec::new();
    let mut stack: Vec<(Object, usize)> = acroform_fields(doc)
        .into_iter()
        .rev()
        .map(|o| (o, 0))
        .collect();
    let mut seen = BTreeSet::new();
    while let Some((item, depth)) = stack.pop() {
        let Ok(id) = item.as_reference() else {
            continue;
        };
        if depth > 16 || !seen.insert(id) {
            continue;
        }
        let Ok(field) = doc.get_dictionary(id) else {
            continue;
        };
        if let Ok(kids) = field.get(b"Kids").and_then(Object::as_array) {
            stack.extend(kids.iter().rev().map(|k| (k.clone(), depth + 1)));
        }
        let is_signature = matches!(field.get(b"FT"), Ok(Object::Name(n)) if n == b"Sig");
        if is_signature {
            out.push((id, field.get(b"V").and_then(Object::as_reference).ok()));
        }
    }
    out
}

fn acroform(doc: &Document) -> Option<&Dictionary> {
    match doc.catalog().ok()?.get(b"AcroForm").ok()? {
        Object::Reference(id) => doc.get_dictionary(*id).ok(),
        Object::Dictionary(d) => Some(d),
        _ => None,
    }
}

/// The `/Fields` of the document's AcroForm, as written (empty without a form); signing
/// appends to them, verification compares them between revisions.
pub(crate) fn acroform_fields(doc: &Document) -> Vec<Object> {
    acroform(doc)
        .and_then(|a| a.get(b"Fields").ok())
        .and_then(|f| f.as_array().ok())
        .cloned()
        .unwrap_or_default()
}

fn field_refs(doc: &Document) -> Vec<ObjectId> {
    acroform_fields(doc)
        .iter()
        .filter_map(|o| o.as_reference().ok())
        .collect()
}

fn type_of(object: &Object) -> String {
    let dict = match object {
        Object::Dictionary(d) => d,
        Object::Stream(s) => &s.dict,
        _ => return "非字典对象".into(),
    };
    match dict.get(b"Type") {
        Ok(Object::Name(n)) => match n.as_slice() {
            b"Page" => "页面".into(),
            b"Pages" => "页面树".into(),
            b"Catalog" => "文档目录".into(),
            b"Annot" => "注释".into(),
            b"XObject" => "图像或表单对象".into(),
            b"Font" => "字体".into(),
            other => String::from_utf8_lossy(other).into_owned(),
        },
        _ if matches!(object, Object::Stream(_)) => "内容流".into(),
        _ => "字典".into(),
    }
}

fn is_structural(object: &Object) -> bool {
    let Object::Stream(s) = object else {
        return false;
    };
    matches!(s.dict.get(b"Type"), Ok(Object::Name(n)) if n == b"XRef" || n == b"ObjStm")
}

/// The two dictionaries are equal except under `except`.
fn same_except(a: &Dictionary, b: &Dictionary, except: &[&[u8]]) -> bool {
    let keys = |d: &Dictionary| -> BTreeSet<Vec<u8>> {
        d.iter()
            .map(|(k, _)| k.clone())
            .filter(|k| !except.contains(&k.as_slice()))
            .collect()
    };
    let (ka, kb) = (keys(a), keys(b));
    ka == kb && ka.iter().all(|k| a.get(k).ok() == b.get(k).ok())
}

fn same_object(a: &Object, b: &Object) -> bool {
    match (a, b) {
        (Object::Stream(x), Object::Stream(y)) => {
            same_except(&x.dict, &y.dict, &[]) && x.content == y.content
        }
        (Object::Dictionary(x), Object::Dictionary(y)) => same_except(x, y, &[]),
        _ => a == b,
    }
}

/// `next` keeps every element of `prev`, in order, and adds only references in `allowed`.
fn extends_with(
    prev: Option<&Object>,
    next: Option<&Object>,
    allowed: &BTreeSet<ObjectId>,
) -> bool {
    let as_list = |o: Option<&Object>| -> Option<Vec<Object>> {
        match o {
            None => Some(Vec::new()),
            Some(Object::Array(a)) => Some(a.clone()),
            Some(_) => None,
        }
    };
    let (Some(prev), Some(next)) = (as_list(prev), as_list(next)) else {
        return false;
    };
    next.len() >= prev.len()
        && next[..prev.len()] == prev[..]
        && next[prev.len()..]
            .iter()
            .all(|o| o.as_reference().is_ok_and(|id| allowed.contains(&id)))
}

/// The AcroForm dictionaries differ only in their fields (extended with `allowed`) and the
/// keys a signing tool sets.
fn acroform_extends(
    prev: Option<&Dictionary>,
    next: &Dictionary,
    allowed: &BTreeSet<ObjectId>,
) -> bool {
    let empty = Dictionary::new();
    let prev = prev.unwrap_or(&empty);
    same_except(prev, next, &[b"Fields", b"SigFlags", b"DR", b"DA"])
        && extends_with(prev.get(b"Fields").ok(), next.get(b"Fields").ok(), allowed)
}

/// Every object a new signature field may bring: the field (widget), its `/V`, and the streams of
/// its appearance (`/AP`).
fn signature_additions(
    next: &Document,
    new_fields: &[ObjectId],
) -> Result<BTreeSet<ObjectId>, String> {
    let mut allowed = BTreeSet::new();
    for id in new_fields {
        let field = next
            .get_dictionary(*id)
            .map_err(|_| format!("新增的表单域 {} {} 不是字典", id.0, id.1))?;
        if !matches!(field.get(b"FT"), Ok(Object::Name(n)) if n == b"Sig") {
            return Err(format!("新增了非签名的表单域（对象 {} {}）", id.0, id.1));
        }
        allowed.insert(*id);
        if let Ok(v) = field.get(b"V").and_then(Object::as_reference) {
            allowed.insert(v);
        }
        if let Ok(ap) = field.get(b"AP") {
            let ap = match ap {
                Object::Reference(r) => next.get_dictionary(*r).ok(),
                Object::Dictionary(d) => Some(d),
                _ => None,
            };
            for (_, value) in ap.into_iter().flat_map(|d| d.iter()) {
                match value {
                    Object::Reference(r) => {
                        allowed.insert(*r);
                    }
                    Object::Dictionary(states) => {
                        allowed.extend(states.iter().filter_map(|(_, s)| s.as_reference().ok()));
                    }
                    _ => {}
                }
            }
        }
    }
    Ok(allowed)
}

/// Checks that `next` is `prev` plus one or more signature fields and nothing else; the error
/// says, in Chinese, what else changed.
pub fn only_signatures_added(prev: &Document, next: &Document) -> Result<(), String> {
    let root = |d: &Document| d.trailer.get(b"Root").and_then(Object::as_reference).ok();
    if root(prev).is_none() || root(prev) != root(next) {
        return Err("文档目录（/Root）被替换".into());
    }
    if prev.trailer.get(b"Info").ok() != next.trailer.get(b"Info").ok() {
        return Err("文档信息（/Info）被替换".into());
    }
    if next.trailer.get(b"Encrypt").is_ok() {
        return Err("文件被加密".into());
    }
    let prev_fields: BTreeSet<ObjectId> = field_refs(prev).into_iter().collect();
    let new_fields: Vec<ObjectId> = field_refs(next)
        .into_iter()
        .filter(|f| !prev_fields.contains(f))
        .collect();
    let mut allowed = signature_additions(next, &new_fields)?;
    let root_id = root(next).unwrap_or((0, 0));
    let next_acroform_id = next
        .catalog()
        .ok()
        .and_then(|c| c.get(b"AcroForm").ok())
        .and_then(|a| a.as_reference().ok());
    let field_set: BTreeSet<ObjectId> = new_fields.iter().copied().collect();

    for (id, object) in &next.objects {
        let describe = || format!("对象 {} {}（{}）", id.0, id.1, type_of(object));
        match prev.objects.get(id) {
            Some(before) if same_object(before, object) => {}
            Some(before) => {
                let ok = match (before, object) {
                    (Object::Dictionary(b), Object::Dictionary(a)) if *id == root_id => {
                        let acro = |d: &Dictionary, doc: &Document| -> Option<Dictionary> {
                            match d.get(b"AcroForm").ok()? {
                                Object::Dictionary(x) => Some(x.clone()),
                                Object::Reference(r) => doc.get_dictionary(*r).ok().cloned(),
                                _ => None,
                            }
                        };
                        same_except(b, a, &[b"AcroForm"])
                            && match acro(a, next) {
                                Some(after) => {
                                    acroform_extends(acro(b, prev).as_ref(), &after, &field_set)
                                }
                                None => false,
                            }
                    }
                    (Object::Dictionary(b), Object::Dictionary(a))
                        if Some(*id) == next_acroform_id =>
                    {
                        acroform_extends(Some(b), a, &field_set)
                    }
                    (Object::Dictionary(b), Object::Dictionary(a)) if matches!(a.get(b"Type"), Ok(Object::Name(n)) if n == b"Page") => {
                        same_except(b, a, &[b"Annots"])
                            && extends_with(
                                b.get(b"Annots").ok(),
                                a.get(b"Annots").ok(),
                                &field_set,
                            )
                    }
                    _ => is_structural(before) && is_structural(object),
                };
                if !ok {
                    return Err(format!("改动了{}", describe()));
                }
            }
            None => {
                if Some(*id) == next_acroform_id {
                    allowed.insert(*id);
                }
                if !allowed.contains(id) && !is_structural(object) {
                    return Err(format!("新增了{}", describe()));
                }
            }
        }
    }
    if let Some(id) = prev
        .objects
        .keys()
        .find(|id| !next.objects.contains_key(id))
    {
        return Err(format!("删除了对象 {} {}", id.0, id.1));
    }
    Ok(())
}
