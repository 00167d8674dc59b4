"""Batch plots show money in the scenario's currency: yuan for a Chinese firm, never "$"."""

from __future__ import annotations

import json
import warnings

import numpy as np
import pytest
from click.testing import CliRunner

from crmsim import i18n
from crmsim.analysis import band_table
from crmsim.batch.plan_store import stored_money
from crmsim.batch_plots import metric_label, plot_band_panels
from crmsim.cli import main
from crmsim.money import USD, common_money
from crmsim.scenario import load
from crmsim.storage import RunStore

TINY = ["--set", "org.employees=150", "--set", "run.weeks=40", "--workers", "1"]


@pytest.fixture(autouse=True)
def english_after():
    yield
    i18n.set_language("en")


@pytest.fixture(scope="module")
def yuan_batch(tmp_path_factory):
    out = tmp_path_factory.mktemp("cny") / "b"
    result = CliRunner().invoke(
        main, ["batch", "china_firm", "-n", "2", "--seed", "5", *TINY, "--out", str(out)]
    )
    assert result.exit_code == 0, result.stderr
    return out


def _money_panel(run_dir, metric: str):
    store = RunStore.open(run_dir)
    summary = store.summary()
    table = band_table(store.iter_weekly(["week", metric]), summary, metric, ["scenario"])
    money = common_money(stored_money(e) for e in store.manifest["scenarios"])
    return table, money


def test_the_manifest_records_each_scenarios_currency(yuan_batch) -> None:
    manifest = json.loads((yuan_batch / "manifest.json").read_text())
    (entry,) = manifest["scenarios"]
    assert entry["money"]["currency"] == "CNY"
    assert stored_money(entry) == load("china_firm").money


def test_a_yuan_batch_plots_profit_in_yuan_not_dollars(yuan_batch) -> None:
    table, money = _money_panel(yuan_batch, "cum_profit_delta")
    assert money is not None and money.currency == "CNY"
    fig = plot_band_panels(table, ["scenario"], [], "cum_profit_delta", money=money)
    label = fig.axes[0].get_ylabel()
    assert label == "Cumulative profit change (10k CNY)" and "$" not in label
    median = table.sort_values("week")["q50"].to_numpy(dtype=float)
    drawn = fig.axes[0].get_lines()[0].get_ydata()
    np.testing.assert_allclose(drawn, median / money.scale)  # in the unit the label names

    i18n.set_language("zh")
    fig = plot_band_panels(table, ["scenario"], [], "spend", money=money)
    assert fig.axes[0].get_ylabel() == "项目支出（万元）"


def test_the_plot_command_draws_a_yuan_batch(yuan_batch) -> None:
    out = yuan_batch / "cumulative.png"
    result = CliRunner().invoke(
        main, ["plot", str(yuan_batch), "--metric", "cumulative", "-o", str(out)]
    )
    assert result.exit_code == 0, result.stderr
    assert out.stat().st_size > 0


def test_a_chinese_money_plot_is_saved_with_a_cjk_font(yuan_batch, tmp_path) -> None:
    from crmsim.batch_plots import save_figure

    table, money = _money_panel(yuan_batch, "spend")
    i18n.set_language("zh")
    fig = plot_band_panels(table, ["scenario"], [], "spend", money=money)
    with warnings.catch_warnings():  # no empty boxes: save_figure picks a CJK font
        warnings.filterwarnings("error", message=r"Glyph \d+ .* missing from font")
        assert save_figure(fig, tmp_path / "spend.png").stat().st_size > 0


def test_dollar_batches_read_k_dollars_and_mixed_currencies_say_so() -> None:
    assert metric_label("cum_profit_delta") == "Cumulative profit change (k$)"
    assert metric_label("adoption") == "Routine CRM users (share)"
    yuan = load("china_firm").money
    assert common_money([USD, USD]) == USD and common_money([yuan]) == yuan
    assert common_money([USD, yuan]) is None
    assert metric_label("spend", None) == "Project spend (each scenario's own currency)"


def test_a_batch_stored_before_money_was_recorded_reads_the_scenario_file() -> None:
    assert stored_money({"name": "china_firm", "ref": "china_firm"}).currency == "CNY"
    assert stored_money({"name": "gone", "ref": "no_such_scenario"}) == USD
