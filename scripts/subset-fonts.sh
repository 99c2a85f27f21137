#!/usr/bin/env bash
# Rebuilds public/fonts from IBM Plex Sans Arabic as IBM publishes it on npm
# (@ibm/plex-sans-arabic) with fontTools (PyPI): one file per weight holding
# both the Arabic and the Latin letters, since every page, in either language,
# needs both (Arabic pages have Latin digits and punctuation, English pages
# Arabic names). Two requests instead of four, and the tables the scripts
# share are sent once.
# - Arabic: the letters of Arabic as written here, plus the four Gulf Arabic
#   borrows for p, ch, g and v (پ چ گ ڤ) and Persian kaf/yeh, not the Urdu or
#   African letters nor the presentation forms only old PDFs carry.
# - Only the OpenType features browsers apply by default (shaping, marks,
#   kerning, ligatures): the stylistic sets and fractions are never asked for.
# - No hinting: phones ignore it.
# 130 KB in four files -> 57 KB in two: the larger part of what a phone waits
# for before it paints (bench/lighthouse.sh). The unicode-range of the two
# @font-face rules in style/base.css must match RANGES below.
set -euo pipefail
cd "$(dirname "$0")/.."
PLEX_VERSION=1.1.0
FONTTOOLS_VERSION=4.68.0
ARABIC="U+0600-065F,U+0660-066D,U+0670,U+067E,U+0686,U+0698,U+06A4,U+06A9,U+06AF,U+06CC,U+06D4,U+200C-200F,U+2010-2011,U+204F,U+2E41"
LATIN="U+0000-00FF,U+0131,U+0152-0153,U+02BB-02BC,U+02C6,U+02DA,U+02DC,U+0304,U+0308,U+0329,U+2000-206F,U+20AC,U+2122,U+2191,U+2193,U+2212,U+2215,U+FEFF,U+FFFD"
RANGES="$ARABIC,$LATIN"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
(cd "$work" && npm pack --silent "@ibm/plex-sans-arabic@$PLEX_VERSION" >/dev/null && tar xzf ./*.tgz)
python3 -m venv "$work/venv"
"$work/venv/bin/pip" install -q "fonttools==$FONTTOOLS_VERSION" brotli
rm -f public/fonts/*.woff2
for weight in 400:Regular 600:SemiBold; do
  name="ibm-plex-sans-arabic-${weight%%:*}.woff2"
  "$work/venv/bin/pyftsubset" "$work/package/fonts/complete/woff2/IBMPlexSansArabic-${weight#*:}.woff2" \
    --unicodes="$RANGES" --no-hinting --flavor=woff2 --output-file="public/fonts/$name"
  printf '%s: %s bytes\n' "$name" "$(stat -c %s "public/fonts/$name")"
done
