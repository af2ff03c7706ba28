#!/usr/bin/env bash
# Installs Debian's Chromium for the browser tests (tests/e2e), once: a machine that has
# /usr/bin/chromium is left alone. Run as root (CI is). Playwright drives this browser;
# never run `playwright install`, which downloads a browser build this machine cannot fetch.
set -euo pipefail

CHROMIUM="${OIX_CHROMIUM:-/usr/bin/chromium}"

if [ -x "$CHROMIUM" ]; then
  echo "Chromium already installed: $("$CHROMIUM" --version 2>/dev/null || echo "$CHROMIUM")"
  exit 0
fi

if [ "$(id -u)" -ne 0 ]; then
  echo "$CHROMIUM is missing; run $0 as root (or: sudo apt-get install chromium)." >&2
  exit 1
fi

export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
# Fonts named explicitly: the pages are measured (no sideways scrolling at 360 px) and pictured.
apt-get install -y -qq chromium fonts-dejavu-core fonts-liberation >/dev/null
echo "Installed $("$CHROMIUM" --version 2>/dev/null)"
