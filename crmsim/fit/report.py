"""The one-page report of a fit for the firm (``report.html``; ``crmsim report FITDIR``).

Reads only the fit folder's files (no engine, no pyabc): the outlook, the
posterior summary, the actions and the two pictures, embedded so the page
travels as one file.
"""

from __future__ import annotations

import base64
import csv
import html
import io
from pathlib import Path
from typing import Any

from crmsim.errors import CrmsimError

TOP_ACTIONS = 5
"""Actions shown on the page (actions.csv has them all)."""


def _rows(folder: Path, name: str) -> list[dict[str, str]]:
    from crmsim.files import read_text

    return list(csv.DictReader(io.StringIO(read_text(folder / name, "fit table"))))


def _img(folder: Path, name: str, alt: str) -> str:
    from crmsim.files import read_bytes

    data = base64.b64encode(read_bytes(folder / name, "fit picture")).decode("ascii")
    return f'<img alt="{html.escape(alt)}" src="data:image/png;base64,{data}">'


def _pct(x: Any) -> str:
    return f"{100 * float(x):.0f} %"


def _signed(x: Any, pct: bool = True) -> str:
    v = int(round(float(x) * (100 if pct else 1)))  # a whole number: never "-0"
    return f"{v:+d}{' pts' if pct else ''}"


STYLE = """body{font-family:sans-serif;max-width:60em;margin:1em auto;color:#222;font-size:14px}
h1{font-size:1.5em;margin:.2em 0}h2{font-size:1.15em;margin:1em 0 .3em}
table{border-collapse:collapse;margin:.3em 0}td,th{border-bottom:1px solid #ddd;padding:2px 8px;
text-align:right}td:first-child,th:first-child,td:nth-child(2),th:nth-child(2){text-align:left}img{max-width:100%}
.big{font-size:1.3em}.note{color:#555;font-size:.9em}"""


def render(folder: str | Path) -> str:
    """The page as HTML text.

    Raises:
        CrmsimError: when the folder is not a finished fit.
    """
    from crmsim.files import read_json

    folder = Path(folder)
    if not (folder / "outlook.json").is_file():
        raise CrmsimError(f"{folder} holds no finished fit (no outlook.json); run crmsim fit "
                          "again with the same --out to finish it")  # fmt: skip
    o = read_json(folder / "outlook.json", "fit outlook")
    post = _rows(folder, "posterior_summary.csv")
    acts = _rows(folder, "actions.csv")[:TOP_ACTIONS]
    e = html.escape
    weeks = o["observed_weeks"]
    parts = [
        f"<!doctype html><html><head><meta charset='utf-8'><title>Fit: {e(o['scenario'])}"
        f"</title><style>{STYLE}</style></head><body>",
        f"<h1>Where this roll-out is heading, and what to do now</h1><p class='note'>"
        f"Scenario {e(o['scenario'])}; data {e(Path(o['data']).name)}: {len(weeks)} observed "
        f"weeks, the last week {o['last_week']}; forecast to week {o['horizon']} from "
        f"{o['draws']} posterior draws.</p>",
        f"<p class='big'>Chance of success by week {o['horizon']}: <b>{_pct(o['p_success'])}"
        f"</b> ({_pct(o['p_success_lo'])} to {_pct(o['p_success_hi'])}). Chance the project "
        f"has paid back by then: <b>{_pct(o['p_payback'])}</b>. Final routine adoption: "
        f"{_pct(o['final_adoption_median'])} (90 %: {_pct(o['final_adoption_lo'])} to "
        f"{_pct(o['final_adoption_hi'])}); success means at least "
        f"{_pct(o['success_adoption'])} and no cancellation.</p>",
        _img(folder, "fan.png", "forecast fan chart"),
        f"<h2>What to do now (each raised by {o['step']:g} from week {o['last_week']})</h2>",
    ]  # fmt: skip
    if acts:
        parts.append("<table><tr><th>#</th><th>action</th><th>from → to</th>"
                     "<th>change in P(success) (90 %)</th><th>change in final adoption "
                     "(90 % of draws)</th><th>helps in</th></tr>")  # fmt: skip
        for a in acts:
            parts.append(
                f"<tr><td>{a['rank']}</td><td>{e(a['label'])} <span class='note'>"
                f"{e(a['action'])}</span></td><td>{float(a['from']):.2f} → {float(a['to']):.2f}"
                f"</td><td>{_signed(a['d_success'])} ({_signed(a['d_success_lo'])} to "
                f"{_signed(a['d_success_hi'])})</td><td>{_signed(a['d_adoption'])} "
                f"({_signed(a['d_adoption_lo'])} to {_signed(a['d_adoption_hi'])})</td>"
                f"<td>{_pct(a['p_helps'])} of draws</td></tr>"
            )  # fmt: skip
        parts.append("</table><p class='note'>Changes are averaged over the whole posterior, "
                     "each draw with and without the action on the same random numbers.</p>")  # fmt: skip
    else:
        parts.append("<p>No action left to try: every action is at the top of its range.</p>")
    parts.append("<h2>What the data say about the unknowns</h2><table><tr><th>unknown</th>"
                 "<th>median</th><th>90 % interval</th><th>prior</th><th>learned</th></tr>")  # fmt: skip
    for r in post:
        parts.append(
            f"<tr><td>{e(r['unknown'])}</td><td>{float(r['median']):.3g}</td><td>"
            f"{float(r['lo90']):.3g} to {float(r['hi90']):.3g}</td><td>{e(r['prior'])}</td>"
            f"<td>{'yes' if r['learned'] == 'True' else 'little'}</td></tr>"
        )  # fmt: skip
    parts.append("</table>")
    parts.extend(f"<p class='note'>{e(s)}</p>" for s in o["identifiability"])
    parts.append(_img(folder, "pairs.png", "pair plot of the posterior"))
    parts.append(f"<p class='note'>ABC-SMC: {o['generation'] + 1} generations, "
                 f"{o['simulations']} simulations, seed {o['seed']}. Made by crmsim fit.</p>"
                 "</body></html>")  # fmt: skip
    return "".join(parts)


def write_report(folder: str | Path, out: str | Path | None = None) -> Path:
    """Write the page (default ``FOLDER/report.html``); return its path.

    Raises:
        CrmsimError: for a folder that is no finished fit, or an ``out`` not ending .html.
    """
    from crmsim.files import write_text

    folder = Path(folder)
    target = Path(out) if out is not None else folder / "report.html"
    if target.suffix.lower() not in (".html", ".htm"):
        raise CrmsimError(f"--out {target}: a fit's report is a web page; name it .html")
    return write_text(target, render(folder))
