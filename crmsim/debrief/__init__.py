"""The debrief of a workshop game: strategy or luck?

For every team that finished a game (``crmsim play``, one folder per team in
the game folder) the debrief shows:

- the **timeline** of its decisions against the key events of its run
  (go-live, the sponsor wavering, the bottom of the profit dip, the tipping
  point, milestones, budget cut and cancellation);
- its **decision sequence replayed** over many other seeds (200 by default):
  the same decisions in the same rounds, facing other organisations and other
  chances drawn from the same game. Where the team's actual score falls in
  that distribution separates strategy from luck: a team that beat 90 % of its
  own replays was lucky; a team whose replays mostly score higher was unlucky;
  the median of the replays is the score its strategy earns on average;
- the **best and worst sequences** among all teams, ranked by that median.

Replay seeds come from ``numpy.random.SeedSequence(root).spawn(n)``
(:func:`crmsim.batch.run_seeds`), the root being the game's seed unless given;
they are stored in ``debrief.json``. Every team's sequence meets the same
replay seeds (common random numbers), so teams are compared on equal chances.

One page per team (PDF or HTML) is laid out by :mod:`crmsim.report`.

The pieces, one module each, in two layers: the analysis (``records``,
``replays``, ``teams``) reads the teams' games once into plain records and
imports no report or page code; the pages (``pages``) lay out what the
analysis found and never touch a live game.

- :mod:`~crmsim.debrief.records`: :class:`TeamRecord`, what one finished
  team's game left behind (its run, rounds, actions applied, score), made by
  :func:`team_record`.
- :mod:`~crmsim.debrief.replays`: :func:`replay_scores` replays decision
  sequences over many seeds (in worker processes when asked);
  :func:`percentile_of` and :func:`luck_words` place a team's actual score
  among its own replays.
- :mod:`~crmsim.debrief.teams`: :class:`TeamDebrief` (one team's score,
  replays and timeline of decisions and key events, with
  :func:`event_text` putting model events in words), :class:`Debrief` (all
  finished teams, ranked) and :func:`debrief`, which builds it from a game
  folder.
- :mod:`~crmsim.debrief.pages`: the charts, the one-page PDF
  (:func:`render_page`), the HTML handout (:func:`handout`), :func:`write`
  for the pages and ``debrief.json``, and the terminal :func:`scoreboard`.

Everything is importable from :mod:`crmsim.debrief` itself.
"""

from crmsim.debrief.pages import (
    DEBRIEF_DIR,
    DEBRIEF_FILE,
    handout,
    key_figures,
    plot_decisions,
    plot_luck,
    render_page,
    scoreboard,
    write,
)
from crmsim.debrief.records import RoundFacts, TeamRecord, team_record
from crmsim.debrief.replays import (
    DEFAULT_REPLAYS,
    LUCKY,
    UNLUCKY,
    luck_words,
    percentile_of,
    replay_scores,
)
from crmsim.debrief.teams import (
    EVENT_WORDS,
    Debrief,
    TeamDebrief,
    debrief,
    event_text,
    finished_teams,
)

__all__ = [
    "DEBRIEF_DIR",
    "DEBRIEF_FILE",
    "DEFAULT_REPLAYS",
    "EVENT_WORDS",
    "LUCKY",
    "UNLUCKY",
    "Debrief",
    "RoundFacts",
    "TeamDebrief",
    "TeamRecord",
    "debrief",
    "event_text",
    "finished_teams",
    "handout",
    "key_figures",
    "luck_words",
    "percentile_of",
    "plot_decisions",
    "plot_luck",
    "render_page",
    "replay_scores",
    "scoreboard",
    "team_record",
    "write",
]
