#!/usr/bin/env bash
# Set up crmsim on a fresh machine: Python 3.12 virtual environment and the package.
#   bash scripts/setup.sh          the tool itself, with the workshop dashboard and
#                                  crmsim fit (pyabc)
#   bash scripts/setup.sh --test   plus what the test suite needs (pytest, hypothesis,
#                                  Playwright and Debian's Chromium for the browser test)
# Both install a Chinese (CJK) font for the charts and handouts in Chinese (crmsim.fonts):
# Debian's fonts-noto-cjk through apt-get when it is available (as root, or with sudo).
set -euo pipefail
cd "$(dirname "$0")/.."
want_test=0
for a in "$@"; do
  case "$a" in
    --test) want_test=1 ;;
    *) echo "setup.sh: unknown option $a (use --test)" >&2; exit 2 ;;
  esac
done
PY=python3
if command -v pyenv >/dev/null 2>&1 && pyenv versions --bare 2>/dev/null | grep -q '^3\.12'; then
  PY="$(pyenv root)/versions/$(pyenv versions --bare | grep '^3\.12' | tail -n 1)/bin/python"
fi
"$PY" -c 'import sys; assert sys.version_info >= (3, 12), "crmsim needs Python >= 3.12"'
install_cjk_font() {
  if fc-list 2>/dev/null | grep -qi "Noto Sans CJK"; then return 0; fi
  if ! command -v apt-get >/dev/null 2>&1; then
    echo "setup.sh: no apt-get here; install a Chinese font (Noto Sans CJK SC) yourself" \
      "for crmsim's Chinese charts and handouts" >&2
    return 0
  fi
  local sudo=""
  if [ "$(id -u)" != 0 ]; then
    if command -v sudo >/dev/null 2>&1; then sudo="sudo"; else
      echo "setup.sh: not root and no sudo; run: apt-get install fonts-noto-cjk" >&2; return 0
    fi
  fi
  $sudo apt-get update -q >/dev/null
  $sudo apt-get install -y -q fonts-noto-cjk >/dev/null
}
install_cjk_font
[ -x .venv/bin/python ] || "$PY" -m venv .venv
.venv/bin/python -m pip install -q --upgrade pip
if [ "$want_test" = 1 ]; then
  .venv/bin/python -m pip install -q -e ".[workshop,fit,test]"
  bash scripts/setup-browser.sh
else
  .venv/bin/python -m pip install -q -e ".[workshop,fit]"
fi
# Compile the model's kernels once now (numba caches them next to the package), so
# the first run, and the first test, does not wait about ten seconds for them: a
# normal run, one with the management mechanisms on, and one whose sponsor retreats.
.venv/bin/python -c "
from crmsim.engine import Engine
for extra in ({}, {'mandate.level': 1.0, 'mandate.incentives': 1.0}, {'sponsor.commitment': 0.05}):
    Engine({'org.employees': 300, **extra}, rng=1).run()
"
