#!/usr/bin/env bash
# Rebuilds public/fonts from IBM Plex Sans Arabic as packaged by Fontsource
# (npm) with fontTools (PyPI): the Arabic file keeps the letters of Arabic as
# written here (U+0600-06FF, joiners, Arabic punctuation; not the Urdu/African
# supplements nor the presentation forms only old PDFs carry), and neither file
# keeps hinting, which phones ignore. That halves the bytes every first visit
# waits for (130 KB -> 73 KB for the four files), the larger part of a phone's
# time to paint (bench/lighthouse.sh). The unicode-range of each @font-face in
# style/main.css must match the ranges below.
set -euo pipefail
cd "$(dirname "$0")/.."
FONTSOURCE_VERSION=5.3.0
FONTTOOLS_VERSION=4.68.0
ARABIC="U+0600-06FF,U+200C-200F,U+2010-2011,U+204F,U+2E41"
LATIN="U+0000-00FF,U+0131,U+0152-0153,U+02BB-02BC,U+02C6,U+02DA,U+02DC,U+0304,U+0308,U+0329,U+2000-206F,U+20AC,U+2122,U+2191,U+2193,U+2212,U+2215,U+FEFF,U+FFFD"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
(cd "$work" && npm pack --silent "@fontsource/ibm-plex-sans-arabic@$FONTSOURCE_VERSION" >/dev/null && tar xzf ./*.tgz)
python3 -m venv "$work/venv"
"$work/venv/bin/pip" install -q "fonttools==$FONTTOOLS_VERSION" brotli
for weight in 400 600; do
  for subset in arabic latin; do
    name="ibm-plex-sans-arabic-$subset-$weight-normal.woff2"
    ranges=$ARABIC; [ "$subset" = latin ] && ranges=$LATIN
    "$work/venv/bin/pyftsubset" "$work/package/files/$name" --unicodes="$ranges" \
      --layout-features='*' --no-hinting --flavor=woff2 --output-file="public/fonts/$name"
    printf '%s: %s bytes\n' "$name" "$(stat -c %s "public/fonts/$name")"
  done
done
