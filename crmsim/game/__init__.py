"""Team play: a game read from ``scenarios/games/*.toml``, its rules, one team's game.

A workshop game runs the roll-out in rounds (by default 12 rounds of a
quarter, 13 weeks). Before each round a team chooses a few actions from a
menu (the article's support system, S3, S4, S5, S6, S8, S10); each action
costs money from the team's change budget, starts to work after its lead
time, cannot be taken again during its cooldown, and acts on the model
through its effects. Every team plays its own copy of the same organisation
from the same seed, so differences between teams come from their decisions.

The pieces, one module each:

- :mod:`~crmsim.game.definition`: :class:`Game`, a frozen, validated game
  (the scenario and starting conditions, rounds, budget, the action menu,
  the scoring rule).
- :mod:`~crmsim.game.loading`: :func:`load_game` reads a game file once into
  a :class:`Game` and validates it; nothing downstream sees raw TOML.
- :mod:`~crmsim.game.actions`: the action menu's entries (:class:`Action`),
  their effects (:class:`Effect`, with the table of effect kinds) and
  :class:`GameModel`, the model plus the effects a parameter cannot express.
- :mod:`~crmsim.game.scoring`: the measures (:data:`MEASURES`) and the
  scoring rule (:class:`Scoring`).
- :mod:`~crmsim.game.decisions`: a round's decisions (:class:`Decision`) and
  decisions scripts.
- :mod:`~crmsim.game.team`: :class:`TeamGame` is one team's game: the model,
  the budget spent, the decisions of each round and what is scheduled.
  :meth:`TeamGame.check` refuses a bad set of decisions with one clear line
  and changes nothing; :meth:`TeamGame.play_round` commits them and runs the
  round's weeks.
- :mod:`~crmsim.game.schedule`: :class:`Schedule`, the actions due to start
  and the temporary changes due to be taken back, applied week by week.
- :mod:`~crmsim.game.saving`: :func:`save` writes the game state as JSON
  atomically after every round; :func:`resume` rebuilds a team's game by
  replaying its saved decisions with the same seed (the model is
  deterministic), checking that the replay lands on the recorded state, so a
  game survives a crash or a closed laptop. :func:`replay` plays a whole
  decision sequence with any seed (the debrief replays each team's sequence
  over many seeds).

- :mod:`~crmsim.game.checks`: whether an action can be taken and can work
  in a round (:class:`Blocked`, with a short note per kind).
- :mod:`~crmsim.game.case`: the case the participants read (:class:`Case`).

Texts of a game file (titles, labels, descriptions, the case) are
:class:`crmsim.i18n.Text`: English as a string, ``localized(text)`` in the
current language; money is in the game's currency (``game.money.amount(x)``).

Everything is importable from :mod:`crmsim.game` itself.
"""

from crmsim.game.actions import PEOPLE, TARGET_KINDS, Action, Effect, GameModel
from crmsim.game.case import ROLES, Case, Person
from crmsim.game.checks import BLOCKED_NOTES, Blocked
from crmsim.game.decisions import Decision, decisions_toml, parse_decisions, read_decisions
from crmsim.game.definition import MONEY, Game
from crmsim.game.loading import GAME_DIR, bundled_games, load_game, resolve_game
from crmsim.game.saving import (
    DECISIONS_FILE,
    RESERVED_NAMES,
    STATE_FILE,
    check_team_name,
    game_of_state,
    read_state,
    replay,
    resume,
    save,
    team_dir,
)
from crmsim.game.scoring import MEASURES, Scoring
from crmsim.game.team import SNAPSHOT, STATE_FORMAT, RoundRecord, TeamGame

__all__ = [
    "BLOCKED_NOTES",
    "ROLES",
    "Blocked",
    "Case",
    "Person",
    "DECISIONS_FILE",
    "GAME_DIR",
    "MEASURES",
    "MONEY",
    "PEOPLE",
    "RESERVED_NAMES",
    "SNAPSHOT",
    "STATE_FILE",
    "STATE_FORMAT",
    "TARGET_KINDS",
    "Action",
    "Decision",
    "Effect",
    "Game",
    "GameModel",
    "RoundRecord",
    "Scoring",
    "TeamGame",
    "bundled_games",
    "check_team_name",
    "decisions_toml",
    "game_of_state",
    "load_game",
    "parse_decisions",
    "read_decisions",
    "read_state",
    "replay",
    "resolve_game",
    "resume",
    "save",
    "team_dir",
]
