#!/usr/bin/env bash
# The message catalogues (crmsim/locale/<lang>/LC_MESSAGES/crmsim.po and .mo), with Babel.
#   bash scripts/i18n.sh            extract -> update -> compile (after changing messages)
#   bash scripts/i18n.sh extract    only write the template (to $POT, default a temporary file)
#   bash scripts/i18n.sh update     extract, then merge the template into each .po
#   bash scripts/i18n.sh compile    only compile each .po to its .mo (e.g. after a merge)
# Then translate the new (empty or "fuzzy") entries of each .po and run `compile`.
# Entries are sorted and carry no source locations, so that branches adding
# messages conflict as little as possible; the .mo files are committed (a test
# checks they match the .po files), so an install needs no Babel.
set -euo pipefail
cd "$(dirname "$0")/.."
PYBABEL="${PYBABEL:-$(dirname "$(command -v python)")/pybabel}"
[ -x "$PYBABEL" ] || PYBABEL=.venv/bin/pybabel
[ -x "$PYBABEL" ] || PYBABEL=pybabel
LOCALES=crmsim/locale
POT="${POT:-$(mktemp -t crmsim-pot.XXXXXX)}"
LANGS=(zh)
step="${1:-all}"
extract() {
  "$PYBABEL" extract -F babel.cfg --no-location --sort-output \
    --project crmsim --msgid-bugs-address "" -o "$POT" . 2>/dev/null
}
update() {
  for lang in "${LANGS[@]}"; do
    po="$LOCALES/$lang/LC_MESSAGES/crmsim.po"
    if [ -f "$po" ]; then
      "$PYBABEL" update -D crmsim -i "$POT" -d "$LOCALES" -l "$lang" \
        --ignore-obsolete --no-fuzzy-matching
    else
      "$PYBABEL" init -D crmsim -i "$POT" -d "$LOCALES" -l "$lang"
    fi
    # fixed dates, so that two branches' updates do not conflict on it
    sed -i -E -e 's/^"(POT-Creation|PO-Revision)-Date: .*"$/"\1-Date: 2026-01-01 00:00+0000\\n"/' "$po"
  done
}
compile() {
  "$PYBABEL" compile -D crmsim -d "$LOCALES" --statistics
}
case "$step" in
  extract) extract ;;
  update) extract; update ;;
  compile) compile ;;
  all) extract; update; compile ;;
  *) echo "i18n.sh: unknown step $step (use extract, update, compile or nothing)" >&2; exit 2 ;;
esac
