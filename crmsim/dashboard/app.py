"""The workshop page: ``crmsim workshop`` serves it (``solara run crmsim.dashboard.app``).

Every browser session gets its own model: :func:`Page` builds it inside the
component (``use_memo``), so a second team's browser never sees the first
team's steps, which a module-level model would share.

The sidebar holds Mesa's controls (Reset, ▶ play, Step, the time) and the
workshop's settings, generated from the parameter declarations. A moved
setting applies at once while the run is at week 0. Later, a setting that
may change mid-run (its declaration's ``mid_run``: the levers, visibility,
communication...) applies from the next week, as a game's decision does; one
that shapes the starting state (the organisation's size, the seed...) waits
for Reset, and the sidebar says so.

``crmsim workshop`` passes its scenario, seed and ``--set`` values in the
environment (:data:`ENV_SCENARIO`, :data:`ENV_SEED`, :data:`ENV_SET`).
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable

import solara
from mesa.visualization import SolaraViz

from crmsim.dashboard.charts import chart_components, network_component, timeline_component
from crmsim.dashboard.controls import (
    CONTROL_GROUPS,
    DEFAULT_SCENARIO,
    DEFAULT_SEED,
    ENV_SCENARIO,
    ENV_SEED,
    ENV_SET,
    SIDES,
    Setup,
    describe_differences,
    slider_spec,
)
from crmsim.dashboard.session import WorkshopModel
from crmsim.i18n import _, resolve_language, set_language
from crmsim.scenario import load

PLAY_INTERVAL_MS = 50
"""Pause between weeks while playing (drawing a week takes longer than this)."""


PROJECTOR_CSS = """
.v-navigation-drawer__content > div { display: flex; flex-direction: column; }
.crm-settings { order: 1; }
.v-navigation-drawer .v-card:has(> .v-card__text > .v-sheet:empty) { display: none; }
.v-tabs:not(:has(.v-tab ~ .v-tab)) { display: none; }
.vue-grid-item > div { height: 100%; }
.vue-grid-item img.widget-image {
  display: block; margin: 0 auto; max-width: 100%; max-height: 100%;
  width: auto; height: auto; object-fit: contain;
}
.crm-panel { height: 100%; display: flex; flex-direction: column; }
.crm-panel > * { min-height: 0; }
.crm-panel > .crm-figure { flex: 1 1 auto; }
"""
"""Mesa's controls first in the sidebar (its parameter card, left empty because the
settings are the workshop's own, hidden, and so is the tab bar of the single page);
every chart inside its grid cell whatever the screen's width."""


def startup_setup() -> Setup:
    """The setup ``crmsim workshop`` asked for (through the environment), validated.

    The page speaks the language ``crmsim workshop --lang`` chose (through
    ``CRMSIM_LANG``, then the locale) and draws Chinese with a CJK font.

    Raises:
        CrmsimError: for an unknown scenario or parameter, or a bad value;
            Chinese without a CJK font.
    """
    from crmsim.fonts import use_fonts

    set_language(resolve_language(None))
    use_fonts()
    scenario = load(os.environ.get(ENV_SCENARIO, DEFAULT_SCENARIO))
    overrides = json.loads(os.environ.get(ENV_SET, "{}"))
    scenario = scenario.with_updates(overrides)
    return Setup.from_scenario(scenario, int(os.environ.get(ENV_SEED, DEFAULT_SEED)))


def components_for(model: WorkshopModel) -> list:
    """The page's views: the organisation(s), the four time charts, the timeline."""
    return (
        [network_component(side) for side in model.sides]
        + chart_components(model)
        + [timeline_component]
    )


@solara.component
def Page():
    """One browser session: its own controls and its own model."""
    initial = solara.use_memo(startup_setup, [])
    setup = solara.use_reactive(initial)
    first_model = solara.use_memo(lambda: WorkshopModel(initial), [])
    model = solara.use_reactive(first_model)
    editing = solara.use_reactive(SIDES[0])

    def change(update: Callable[[Setup], Setup]) -> None:
        new_setup = update(setup.value)  # from the latest settings, not a stale render's
        setup.set(new_setup)
        if model.value.steps == 0:  # nothing to lose yet: apply at once
            model.set(WorkshopModel(new_setup))
        else:  # mid-run: what may change mid-run applies from next week
            model.value.apply_live(new_setup)

    solara.Style(PROJECTOR_CSS)
    with solara.Sidebar():
        SettingsPanel(setup.value, model.value.setup, editing, change)
    # Mesa lays the grid out once per mount, for the components it had then:
    # a new key when the number of organisations changes gives a fresh layout.
    SolaraViz(
        model,
        components=components_for(model.value),
        model_params={"setup": lambda: setup.value},
        name=_("CRM roll-out workshop · {scenario}").format(scenario=initial.scenario_name),
        play_interval=PLAY_INTERVAL_MS,
    ).key(f"sides-{len(model.value.sides)}")


@solara.component
def SettingsPanel(chosen: Setup, running: Setup, editing: solara.Reactive[str], on_change):
    """The workshop's settings, grouped, each with its plain-words meaning.

    ``on_change`` takes a function from the current settings to the new ones.
    """
    side = editing.value if chosen.side_by_side else SIDES[0]
    with solara.Card(
        _("Workshop settings"), subtitle=chosen.description, margin=0, classes=["crm-settings"]
    ):
        if chosen != running:
            solara.Warning(
                _(
                    "Settings changed that shape the start (size, organisation, sponsor...): "
                    "press Reset to start again with them (the run on screen keeps its old "
                    "settings)."
                ),
                dense=True,
            )
        with solara.Row():
            solara.InputInt(
                _("Draw number (same number: same organisation and same chances)"),
                value=chosen.seed,
                on_value=lambda v: (
                    on_change(lambda s: s.with_seed(v)) if v is not None and v >= 0 else None
                ),
            )
        solara.Switch(
            label=_("Side by side: compare two settings"),
            value=chosen.side_by_side,
            on_value=lambda on: on_change(lambda s: s.with_side_by_side(on)),
        )
        if chosen.side_by_side:
            with solara.Row(style={"align-items": "center"}):
                solara.Text(_("Settings below are for the"))
                solara.ToggleButtonsSingle(
                    value=editing.value,
                    values=list(SIDES),
                    on_value=editing.set,
                    dense=True,
                )
            diff = describe_differences(chosen)
            solara.Text(
                _("Right differs: {diff}").format(diff=diff)
                if diff
                else _("Both sides have the same settings."),
                style={"font-size": "0.85em"},
            )
        for number, group in enumerate(CONTROL_GROUPS):
            with solara.Details(_(group.title), expand=number == 0):
                solara.Text(_(group.note), style={"font-size": "0.85em", "color": "#555"})
                for name in group.names:
                    ParamSlider(name, chosen, side if group.per_side else SIDES[0], on_change)


@solara.component
def ParamSlider(name: str, chosen: Setup, side: str, on_change):
    """A slider for one declared parameter, with its meaning underneath."""
    spec = slider_spec(name)
    value = chosen.value(side, name)

    def move(v) -> None:
        moved = int(v) if spec.is_int else float(v)
        on_change(lambda s: s.with_value(side, name, moved))

    slider = solara.SliderInt if spec.is_int else solara.SliderFloat
    with solara.Column(gap="0px", style={"margin-bottom": "6px"}):
        slider(spec.label, value=value, min=spec.lo, max=spec.hi, step=spec.step, on_value=move)
        solara.Text(spec.help, style={"font-size": "0.8em", "color": "#666", "margin-top": "-8px"})
