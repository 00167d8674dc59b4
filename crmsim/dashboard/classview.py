"""The class debrief on the facilitator's screen, when every team has finished.

One button replays every team's decisions over the same set of other
possible futures (:func:`crmsim.debrief.classroom.class_debrief`, in worker
processes) and shows the class debrief's slides; the PDF and the PNG slides
are written into ``debrief/`` in the game folder.
"""

from __future__ import annotations

import base64
import html
import threading

import solara

from crmsim.dashboard.hub import Hub
from crmsim.debrief import DEFAULT_REPLAYS
from crmsim.i18n import _, get_language, language


@solara.component
def ClassDebriefPanel(hub: Hub, replays: int = DEFAULT_REPLAYS):
    """A button that makes the class debrief, then its slides and where they are saved."""
    files = solara.use_reactive([])
    busy = solara.use_reactive(False)
    problem = solara.use_reactive("")
    lang = get_language()  # the page's language, for the worker thread

    def make() -> None:
        busy.set(True)
        problem.set("")

        def work() -> None:
            from crmsim.debrief.classroom import class_debrief
            from crmsim.errors import CrmsimError
            from crmsim.executors import default_workers

            try:
                with language(lang):
                    _d, written = class_debrief(hub.room.folder, replays=replays,
                                                workers=default_workers())  # fmt: skip
                files.set(written)
            except CrmsimError as exc:
                problem.set(str(exc))
            except Exception as exc:  # noqa: BLE001 - shown on the page, not lost in a thread
                problem.set(f"{type(exc).__name__}: {exc}")
            finally:
                busy.set(False)

        threading.Thread(target=work, daemon=True).start()

    with solara.Card(_("Class debrief"), margin=0):
        solara.Button(
            _("Make the class debrief (PDF and slides)"),
            on_click=make,
            disabled=busy.value,
            color="primary",
        )
        if busy.value:
            solara.Info(
                _("Replaying every team's decisions in {n} other possible futures…").format(
                    n=replays
                )
            )
        if problem.value:
            solara.Error(problem.value)
        if files.value:
            pdf = files.value[0]
            solara.HTML(tag="p", unsafe_innerHTML=html.escape(_("Saved: {path}").format(path=pdf)))
            for png in (f for f in files.value if f.suffix == ".png"):
                data = base64.b64encode(png.read_bytes()).decode("ascii")
                solara.HTML(
                    unsafe_innerHTML=f"<img src='data:image/png;base64,{data}' "
                    "style='width:100%;margin-bottom:12px' class='crm-slide'>"
                )
