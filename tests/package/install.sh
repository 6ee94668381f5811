#!/usr/bin/env bash
# Installs the .deb as a user would (dpkg -i, as root), checks what a user meets first — the
# command line on the PATH, the CJK font it depends on, the demo on a scratch database, the
# installed app's first screen under Xvfb — and removes the package again.
set -euo pipefail
deb="$1"
here="$(cd "$(dirname "$0")" && pwd)"
SUDO=""; [ "$(id -u)" = 0 ] || SUDO=sudo
name=$(dpkg-deb -f "$deb" Package)
echo "package: $(basename "$deb"), $(du -h "$deb" | cut -f1)"
depends=$(dpkg-deb -f "$deb" Depends)
[[ "$depends" == *fonts-noto-cjk* ]] || { echo "the package does not depend on a CJK font: $depends"; exit 1; }
listing=$(dpkg-deb -c "$deb")
grep -qE ' \.?/?usr/bin/park-review$' <<<"$listing" || { echo "the package has no /usr/bin/park-review"; exit 1; }
grep -qE ' \.?/?usr/bin/park-review-app$' <<<"$listing" || { echo "the package has no /usr/bin/park-review-app"; exit 1; }
$SUDO dpkg -i "$deb" >/dev/null
trap '$SUDO dpkg -r "$name" >/dev/null || true' EXIT
scratch=$(mktemp -d)
/usr/bin/park-review --version
/usr/bin/park-review --db "$scratch/demo.sqlite3" demo
/usr/bin/park-review --db "$scratch/demo.sqlite3" status --json | grep -q '"rounds": 3'
PARK_REVIEW_APP=/usr/bin/park-review-app xvfb-run -a -s "-screen 0 1920x1080x24" \
  node --test "$here/installed.test.mjs"
rm -rf "$scratch"
echo "test-package: the installed package works"
