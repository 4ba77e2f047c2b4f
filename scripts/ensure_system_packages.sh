#!/usr/bin/env bash
# Debian packages the app and its tests need, installed when missing (never fetched at run time):
#   chromium, chromium-driver  the browser tests (Playwright drives Debian's Chromium);
#   fonts-noto-cjk             Chinese text in the plots and pages (Noto Sans CJK SC);
#   gettext                    msgfmt, for compiling the translation catalogues (make messages).
set -euo pipefail
missing=()
[ -x /usr/bin/chromium ] || missing+=(chromium chromium-driver)
[ -e /usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc ] || missing+=(fonts-noto-cjk)
command -v msgfmt >/dev/null || missing+=(gettext)
[ ${#missing[@]} -eq 0 ] && exit 0
if [ "$(id -u)" != 0 ]; then
  echo "Missing system packages: run 'sudo apt-get install -y ${missing[*]}' first." >&2
  exit 1
fi
apt-get update -qq
DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
