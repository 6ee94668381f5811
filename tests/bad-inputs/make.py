#!/usr/bin/env python3
"""Writes the bad-input catalogue's files (tests/bad-inputs/files/) from the shipped assets.

Run once when a case is added; the files are committed, so a test never depends on this script
or on the code it tests to make its inputs. `cases.json` names each file's command and the code
it must produce (tests/cli/bad_inputs.rs runs them all).
"""

import copy
import io
import json
import os
import zipfile

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
OUT = os.path.join(HERE, "files")
os.makedirs(OUT, exist_ok=True)


def asset(path):
    with open(os.path.join(ROOT, path), encoding="utf-8") as f:
        return json.load(f)


def write(name, data):
    mode = "wb" if isinstance(data, bytes) else "w"
    with open(os.path.join(OUT, name), mode, **({} if mode == "wb" else {"encoding": "utf-8"})) as f:
        f.write(data)


def dumps(value):
    return json.dumps(value, ensure_ascii=False, indent=1)


# A valid new application for the demo round (SG, second recommendation), to break one way each.
APP = {
    "format": "park-review/application@1",
    "code": "2026-SG-09",
    "park_name": "韶关测试人工智能产业园",
    "city": "韶关市",
    "city_recommendation_rank": 2,
    "planned_area_mu": 320.0,
    "enterprises": [{"name": "甲公司", "credit_code": "91350100M000100Y43", "ai_output_wan_yuan": 5000}],
}


def app(**changes):
    value = copy.deepcopy(APP)
    value.update(changes)
    return dumps(value)


write("app-not-json.json", "这不是 JSON 文件\n<html></html>")
write("app-empty.json", "")
write("app-truncated.json", app()[: len(app()) // 2])
write("app-wrong-format.json", app(format="park-review/application@9"))
write("app-duplicate-key.json", app().replace('"code"', '"park_name": "另一个名字",\n "code"', 1))
write("app-esc-in-name.json", app(park_name="园区\u001b[2J"))
write("app-rlo-in-name.json", app(park_name="园区\u202e10-GS-6202"))
write("app-nul-in-name.json", app(park_name="园\u0000区"))
write("app-newline-in-name.json", app(park_name="园区\n第二行"))
write("app-code-differs-by-case.json", app(code="2026-gz-01"))
write("app-code-exists.json", app(code="2026-GZ-01"))
write("app-negative-area.json", app(planned_area_mu=-1))
write("app-nan-area.json", app().replace('"planned_area_mu": 320.0', '"planned_area_mu": NaN'))
write("app-infinite-area.json", app().replace('"planned_area_mu": 320.0', '"planned_area_mu": 1e400'))
write("app-area-is-text.json", app(planned_area_mu="三百亩"))
write("app-unknown-city.json", app(city="长沙市"))
write("app-bad-credit-code.json", app(enterprises=[{"name": "甲公司", "credit_code": "91350100M000100Y44", "ai_output_wan_yuan": 5000}]))
write("app-long-string.json", app(park_name="园" * 100_001))
write("app-deep-nesting.json", "[" * 5000 + "]" * 5000)
write("app-invalid-utf8.json", app().encode("utf-8").replace("韶关测试".encode("utf-8"), b"\xff\xfe\xfd\xfc", 1))
write("app-code-with-slash.json", app(code="2026/SG/09"))
write("app-rank-zero.json", app(city_recommendation_rank=0))
write("app-unknown-field.json", app(park_nmae="拼错的字段"))
write("app-huge-array.json", dumps([APP] * 0) if False else "[" + ",".join(["0"] * 200_001) + "]")

EXPERT = {"code": "E901", "name": "测试专家", "employer": "某大学", "city": "广州市"}
write("experts-duplicate-key.json", dumps({"format": "park-review/experts@1", "experts": [EXPERT]}).replace('"name"', '"name": "甲",\n "name"', 1))
write("experts-bidi-in-name.json", dumps({"format": "park-review/experts@1", "experts": [dict(EXPERT, name="测试\u2067专家")]}))
write("experts-bad-code.json", dumps({"format": "park-review/experts@1", "experts": [dict(EXPERT, code="E 901")]}))
write("experts-no-employer.json", dumps({"format": "park-review/experts@1", "experts": [dict(EXPERT, employer="")]}))

RUBRIC = asset("assets/rubrics/default-designation.json")
bad = copy.deepcopy(RUBRIC)
bad["sections"][0]["criteria"][0]["max_points"] += 5
write("rubric-not-100.json", dumps(bad))
bad = copy.deepcopy(RUBRIC)
bad["title"] = "评分细则\u001b]0;被改的终端标题\u0007"
write("rubric-control-in-title.json", dumps(bad))
bad = copy.deepcopy(RUBRIC)
bad["sections"][0]["criteria"][1]["code"] = bad["sections"][0]["criteria"][0]["code"]
write("rubric-duplicate-criterion.json", dumps(bad))

CHECKLIST = asset("assets/checklists/designation-site.json")
write("checklist-duplicate-key.json", dumps(CHECKLIST).replace('"title"', '"title": "甲",\n "title"', 1))
bad = copy.deepcopy(CHECKLIST)
bad["sections"][0]["items"][0]["prompt"] = "核实\u202e面积"
write("checklist-bidi-in-prompt.json", dumps(bad))

SHEET = {
    "format": "park-review/scores@1", "round": "DEMO-2026", "expert": "{expert}",
    "application": "{application}", "scores": {"C3.1": 8}, "declared_no_conflict": True,
}
write("scores-out-of-range.json", dumps(dict(SHEET, scores={"C3.1": 11})))
write("scores-negative.json", dumps(dict(SHEET, scores={"C3.1": -1})))
write("scores-off-step.json", dumps(dict(SHEET, scores={"C3.1": 7.3})))
write("scores-unknown-criterion.json", dumps(dict(SHEET, scores={"Z9.9": 5})))
write("scores-no-pledge.json", dumps(dict(SHEET, declared_no_conflict=False)))
write("scores-nan.json", dumps(SHEET).replace('"C3.1": 8', '"C3.1": NaN'))
write("scores-wrong-expert.json", dumps(dict(SHEET, expert="E999")))
write("scores-same-sheet-twice.json", dumps([dict(SHEET, scores={"C3.1": 8}, submitted=False), dict(SHEET, scores={"C3.1": 9})]))


def xlsx(sheet_xml):
    """A minimal workbook with one sheet named 园区 holding `sheet_xml`'s cells."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("[Content_Types].xml", '<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/><Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/></Types>')
        z.writestr("_rels/.rels", '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>')
        z.writestr("xl/workbook.xml", '<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets><sheet name="园区" sheetId="1" r:id="rId1"/></sheets></workbook>')
        z.writestr("xl/_rels/workbook.xml.rels", '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/></Relationships>')
        z.writestr("xl/worksheets/sheet1.xml", sheet_xml)
    return buffer.getvalue()


def sheet(cells):
    return '<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>' + cells + "</sheetData></worksheet>"


write("xlsx-far-corner.xlsx", xlsx(sheet('<row r="2"><c r="A2" t="inlineStr"><is><t>2026-GZ-01</t></is></c></row><row r="1048576"><c r="XFD1048576" t="inlineStr"><is><t>x</t></is></c></row>')))
# 130 MB of one repeated row, deflated to a few hundred KB.
row = '<row><c t="inlineStr"><is><t>' + "0" * 1000 + "</t></is></c></row>"
write("xlsx-zip-bomb.xlsx", xlsx(sheet(row * 130_000)))
write("xlsx-not-a-zip.xlsx", "这是一个改了扩展名的文本文件")
good = xlsx(sheet('<row r="1"><c r="A1" t="inlineStr"><is><t>申报编号</t></is></c></row>'))
write("xlsx-truncated.xlsx", good[: len(good) // 2])
write("xlsx-missing-sheets.xlsx", good)

write("attachment-html-after-pdf-magic.pdf", "%PDF-1.7\n<html><body><script>alert(1)</script></body></html>\n")
write("attachment-png-header-only.png", b"\x89PNG\r\n\x1a\n" + b"\x00" * 64)
write("attachment-empty.pdf", b"")
write("bundle-garbage.prbundle", b"PK\x03\x04 this is not a bundle at all")
write("package-garbage.prpkg", "not a package")
print("wrote", len(os.listdir(OUT)), "files to", OUT)
