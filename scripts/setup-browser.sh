#!/usr/bin/env bash
# Install what the browser test (tests/test_browser.py) needs from Debian:
# Chromium at /usr/bin/chromium. Idempotent and quiet: does nothing when it is
# already there. Playwright (a pip package) drives this Chromium; no browser
# is downloaded (`playwright install` is never run).
set -euo pipefail
if [ -x /usr/bin/chromium ]; then
  exit 0
fi
if ! command -v apt-get >/dev/null 2>&1; then
  echo "setup-browser.sh: no apt-get; install Chromium so that /usr/bin/chromium exists" >&2
  exit 1
fi
SUDO=""
if [ "$(id -u)" != 0 ]; then
  SUDO="sudo"
fi
log="$(mktemp)"
trap 'rm -f "$log"' EXIT
if ! { $SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq chromium; } >"$log" 2>&1; then
  echo "setup-browser.sh: installing chromium failed:" >&2
  tail -n 20 "$log" >&2
  exit 1
fi
if [ ! -x /usr/bin/chromium ]; then
  echo "setup-browser.sh: chromium installed but /usr/bin/chromium is missing" >&2
  exit 1
fi
