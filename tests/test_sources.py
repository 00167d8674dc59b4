"""Every source the project cites can be followed inside the repository (docs/sources.md)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from crmsim.params import PARAMS

ROOT = Path(__file__).resolve().parent.parent
SOURCES = ROOT / "docs" / "sources.md"

# CAL-4.1, and the rows written after it in shorthand: CAL-4.1/4.2, CAL-3.1–3.3, CAL-6.3, 6.4
CAL = re.compile(r"CAL-(\d+\.\d+)((?:\s*[/,–-]\s*\d+\.\d+)*)")
CLAIM = re.compile(r"\bS(\d+)\b")
OFF_LIMITS = re.compile(r"DOMAIN\.md|CALIBRATION\.md|\.\./shared|shared/(?:seeds|DOMAIN|CALIB)")


def citing_files() -> list[Path]:
    """The code, scenario files and docs that cite sources."""
    files = [*ROOT.glob("crmsim/**/*.py"), *ROOT.glob("scenarios/**/*.toml")]
    files += [*ROOT.glob("docs/*.md"), ROOT / "README.md"]
    return sorted(files)


def cal_ids(text: str) -> set[str]:
    """Every calibration row a text cites, shorthand continuations included."""
    out: set[str] = set()
    for match in CAL.finditer(text):
        out.add(match.group(1))
        out.update(re.findall(r"\d+\.\d+", match.group(2)))
    return out


def defined() -> tuple[set[str], set[str]]:
    """The claim numbers and calibration rows docs/sources.md defines (with an anchor)."""
    text = SOURCES.read_text(encoding="utf-8")
    claims = set(re.findall(r"^### S(\d+)$", text, re.M))
    rows = set(re.findall(r'^\| <a id="cal-(\d+\.\d+)"></a>CAL-\1 \|', text, re.M))
    return claims, rows


def test_sources_md_defines_the_ten_claims_and_the_calibration_rows() -> None:
    claims, rows = defined()
    assert claims == {str(n) for n in range(1, 11)}
    assert {"4.2", "5.1", "7.2", "14.3"} <= rows and len(rows) >= 67


def test_every_calibration_row_gives_what_source_author_and_firmness() -> None:
    text = SOURCES.read_text(encoding="utf-8")
    for line in text.splitlines():
        if line.startswith('| <a id="cal-'):
            cells = [c.strip() for c in line.strip("|").split("|")]
            assert len(cells) == 5 and all(cells), line
            assert re.fullmatch(r"(P|S|U|—)( / [PS])?( \(.+\))?", cells[4]), line


@pytest.mark.parametrize("path", citing_files(), ids=lambda p: str(p.relative_to(ROOT)))
def test_every_cited_claim_and_row_exists_in_sources_md(path: Path) -> None:
    claims, rows = defined()
    text = path.read_text(encoding="utf-8")
    missing = sorted(f"CAL-{r}" for r in cal_ids(text) - rows)
    missing += sorted(f"S{n}" for n in set(CLAIM.findall(text)) - claims)
    assert not missing, f"{path.relative_to(ROOT)} cites what docs/sources.md lacks: {missing}"


ACC = re.compile(r"\bACC-(\d+)\b")


def test_every_cited_accounting_row_exists_in_sources_md() -> None:
    defined_acc = set(re.findall(r'<a id="acc-(\d+)"></a>ACC-\1 \|', SOURCES.read_text("utf-8")))
    texts = [p.read_text(encoding="utf-8") for p in citing_files()]
    texts += [param.source for param in PARAMS.values()]
    cited = {n for text in texts for n in ACC.findall(text)}
    assert cited and cited <= defined_acc, sorted(cited - defined_acc)


def test_every_parameter_source_cites_rows_that_exist() -> None:
    claims, rows = defined()
    for param in PARAMS.values():
        assert cal_ids(param.source) <= rows, (param.name, param.source)
        assert set(CLAIM.findall(param.source)) <= claims, (param.name, param.source)


def test_nothing_cites_files_outside_the_repository() -> None:
    here = Path(__file__).resolve()
    files = [*citing_files(), *(p for p in ROOT.glob("tests/*.py") if p.resolve() != here)]
    offenders = [
        f"{p.relative_to(ROOT)}: {m.group(0)}"
        for p in files
        for m in OFF_LIMITS.finditer(p.read_text(encoding="utf-8"))
    ]
    assert not offenders


def test_links_into_sources_md_land_on_an_anchor() -> None:
    text = SOURCES.read_text(encoding="utf-8")
    anchors = set(re.findall(r'<a id="([^"]+)"></a>', text))
    anchors |= {f"s{n}" for n in defined()[0]}  # headings "### S4" get the anchor #s4
    anchors |= {
        re.sub(r"[^a-z0-9 -]", "", h.lower()).replace(" ", "-")
        for h in re.findall(r"^#+ (.+)$", text, re.M)
    }
    for path in [*ROOT.glob("docs/*.md"), ROOT / "README.md"]:
        for target in re.findall(r"sources\.md#([\w.-]+)", path.read_text(encoding="utf-8")):
            assert target in anchors, f"{path.name}: sources.md#{target}"
