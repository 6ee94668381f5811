#!/usr/bin/env bash
# Signed scoring sheets: ParkReview's own pipeline against what a secretariat can do today —
# the same sheet as an HTML page printed by headless Chromium, then signed with pyHanko — in
# the same run, on the same machine. A benchmark, not a test: it prints figures.
#   usage: tests/bench/sheets-vs-chromium.sh [RUNS]      (make bench-sheets)
set -euo pipefail
RUNS=${1:-5}
TARGET=${CARGO_TARGET_DIR:-$HOME/.cache/park-review-target}
CLI=$TARGET/release/park-review
PYHANKO=${PYHANKO:-$HOME/.cache/park-review-venv/bin/pyhanko}
CHROMIUM=$(command -v chromium || command -v chromium-browser || true)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
export PARK_REVIEW_DB=$work/bench.sqlite3 PARK_REVIEW_PASSPHRASE='基准测试口令 2026'

echo "== ParkReview (park-review bench sheets, release) =="
"$CLI" bench sheets --n 200 --json > "$work/ours.json"
python3 - "$work/ours.json" <<'PY'
import json, sys
r = json.load(open(sys.argv[1]))
print(f"  one core: p50 {r['p50_ms']:.1f} ms per signed sheet, largest {r['max_size_kb']:.0f} KB")
print(f"  batch of {r['sheets']} on {r['batch_threads']} threads: {r['batch_seconds_parallel']:.2f} s")
PY

if [ -z "$CHROMIUM" ] || [ ! -x "$PYHANKO" ]; then
  echo "(Chromium or pyHanko is missing: apt install chromium; make deps-apt-test installs pyHanko)"
  exit 0
fi

# The same sheet's data, from a real round.
"$CLI" demo > /dev/null
"$CLI" assign --round DEMO-2026 > /dev/null
"$CLI" round open --round DEMO-2026 > /dev/null
app=$("$CLI" scores --round DEMO-2026 --json | python3 -c "import json,sys; print([r['application'] for r in json.load(sys.stdin) if r['expert']=='E004'][0])")
"$CLI" declare --round DEMO-2026 --expert E004 --application "$app" > /dev/null
"$CLI" rubric show --round DEMO-2026 --json | python3 -c "
import json,sys
for s in json.load(sys.stdin)['rubric']['sections']:
    for c in s['criteria']:
        print(c['code'], c['max_points'] - 1, c['code'] + '：依据申报材料核实，骨干企业与平台情况属实。')" \
  | "$CLI" score stream --round DEMO-2026 --expert E004 --application "$app" > /dev/null
"$CLI" score submit --round DEMO-2026 --expert E004 --application "$app" --opinion "产业基础扎实，建议推荐。" > /dev/null
"$CLI" score show --round DEMO-2026 --expert E004 --application "$app" --json > "$work/sheet.json"
python3 - "$work/sheet.json" "$work/sheet.html" <<'PY'
import json, sys, html
s = json.load(open(sys.argv[1]))
rows = []
i = 0
for sec in s['rubric']['sections']:
    rows.append(f"<tr class=sec><td colspan=5>{html.escape(sec['code'])} {html.escape(sec['title'])}</td></tr>")
    for c in sec['criteria']:
        sc = s['scores'][i]; i += 1
        rows.append(f"<tr><td>{c['code']}</td><td>{html.escape(c['title'])}</td><td>{c['max_points']:g}</td><td>{sc['points']:g}</td><td>{html.escape(sc['comment'])}</td></tr>")
open(sys.argv[2], 'w').write(f"""<!doctype html><meta charset=utf-8><style>
@page {{ size: A4; margin: 15mm }} body {{ font-family: 'Noto Sans CJK SC', sans-serif; font-size: 10pt }}
table {{ width: 100%; border-collapse: collapse }} td, th {{ border-bottom: 1px solid #ccc; padding: 2px 4px }}
tr.sec td {{ background: #f3f4f6 }} h1 {{ text-align: center; font-size: 16pt }}</style>
<h1>广东省人工智能产业园区评审专家评分表</h1>
<p>申报编号 {s['application']['code']} · {html.escape(s['application']['park_name'])} · 评审专家 {s['expert_code']} {html.escape(s['expert_name'])}</p>
<table><tr><th>编号</th><th>评分项</th><th>满分</th><th>得分</th><th>评分说明</th></tr>{''.join(rows)}</table>
<p>合计：{s['total']:g} 分</p><p>评审意见：{html.escape(s['opinion'])}</p>""")
PY
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout "$work/k.pem" -out "$work/c.pem" \
  -subj "/CN=bench" -days 30 2> /dev/null

echo "== Chromium --print-to-pdf + pyHanko, $RUNS sheets =="
python3 - "$CHROMIUM" "$PYHANKO" "$work" "$RUNS" "$work/ours.json" <<'PY'
import json, os, subprocess, sys, time
chromium, pyhanko, work, runs, ours = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4]), sys.argv[5]
render, sign, size = [], [], 0
for i in range(runs):
    t = time.perf_counter()
    subprocess.run([chromium, '--headless', '--no-sandbox', '--disable-gpu', '--no-pdf-header-footer',
                    f'--print-to-pdf={work}/c{i}.pdf', f'file://{work}/sheet.html'], check=True, capture_output=True)
    render.append(time.perf_counter() - t)
    t = time.perf_counter()
    subprocess.run([pyhanko, 'sign', 'addsig', '--field', 'Sig1', 'pemder', '--key', f'{work}/k.pem',
                    '--cert', f'{work}/c.pem', '--no-pass', f'{work}/c{i}.pdf', f'{work}/s{i}.pdf'], check=True, capture_output=True)
    sign.append(time.perf_counter() - t)
    size = os.path.getsize(f'{work}/s{i}.pdf')
render.sort(); sign.sort()
per = render[len(render) // 2] + sign[len(sign) // 2]
print(f"  median: render {render[len(render)//2]:.2f} s + sign {sign[len(sign)//2]:.2f} s = {per:.2f} s per sheet, {size/1024:.0f} KB")
fonts = subprocess.run(['pdffonts', f'{work}/s0.pdf'], capture_output=True, text=True).stdout.splitlines()[2:]
from collections import Counter
kinds = Counter(" ".join(l.split()[1:3]) for l in fonts)
print("  fonts:", ", ".join(f"{n} × {k}" for k, n in kinds.items()) or "none")
r = json.load(open(ours))
print(f"== ratio: ParkReview is {per / (r['p50_ms'] / 1000):.0f}× faster per sheet, {size / 1024 / r['max_size_kb']:.1f}× smaller ==")
PY
