"""``crmsim workshop``: the live dashboard for a change-management workshop."""

from __future__ import annotations

import errno
import importlib.util
import json
import os
import socket
import warnings
from typing import Any

import click

from crmsim.clihelp import command as help_command
from crmsim.commands.options import count_option, set_option
from crmsim.errors import CrmsimError
from crmsim.i18n import ENV_VAR as LANG_VAR
from crmsim.i18n import N_, _, lang_option

DEFAULT_PORT = 8765
APP = "crmsim.dashboard.app"

# The dashboard's Python packages; `pip install 'crmsim[workshop]'` brings them.
_NEEDS = ("solara", "ipyvuetify", "ipyvue")


def check_installed() -> None:
    missing = [name for name in _NEEDS if importlib.util.find_spec(name) is None]
    if missing:
        raise CrmsimError(
            _(
                "the dashboard needs {missing}; install it with "
                "pip install 'crmsim[workshop]' (see docs/workshop.md)"
            ).format(missing=", ".join(missing))
        )


def _bind(host: str, port: int) -> int:
    """Bind a socket to ``host``:``port`` and let go of it; the port bound.

    Raises:
        CrmsimError: for a port in use, a host that does not resolve or is not
            this computer's, or a port this user may not open.
    """
    try:
        with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
            s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            s.bind((host, port))
            return int(s.getsockname()[1])
    except (OSError, UnicodeError, OverflowError) as exc:  # gaierror is an OSError
        if getattr(exc, "errno", None) == errno.EADDRINUSE:
            raise CrmsimError(
                _(
                    "port {port} on {host} is in use; choose another with --port "
                    "(0 picks a free one)"
                ).format(port=port, host=host)
            ) from None
        problem = getattr(exc, "strerror", None) or str(exc) or type(exc).__name__
        raise CrmsimError(
            _(
                "cannot listen on {host}:{port}: {problem}; check --host "
                "(127.0.0.1: this computer only, 0.0.0.0: every network)"
            ).format(host=host, port=port, problem=problem)
        ) from None


def free_port(host: str) -> int:
    """A port on ``host`` that nothing listens on right now.

    Raises:
        CrmsimError: for a host crmsim cannot listen on (see :func:`check_port`).
    """
    return _bind(host, 0)


def check_port(host: str, port: int) -> None:
    """Refuse, in one line, a ``host``:``port`` the dashboard could not listen on.

    Raises:
        CrmsimError: for a port in use or a host that does not resolve or is
            not this computer's.
    """
    _bind(host, port)


def room_address(host: str, port: int) -> str:
    """The address other devices open: this computer's address on the local network when
    serving every network (``--host 0.0.0.0``), else ``host`` itself."""
    if host not in ("0.0.0.0", "::"):
        return f"http://{host}:{port}"
    try:
        with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
            s.connect(("10.255.255.255", 1))  # picks the outgoing interface; sends nothing
            ip = s.getsockname()[0]
    except OSError:
        ip = "127.0.0.1"
    return f"http://{ip}:{port}"


@help_command(
    "workshop",
    help=N_(
        "Start the workshop dashboard for SCENARIO [default: baseline] and print its address.\n\n"
        "Open the address in a browser (on the projector). Move the levers, then press Step or ▶ "
        'to watch confidence spread or collapse week by week; switch on "side by side" to run '
        "two settings from the same seed. Works offline. Stop it with Ctrl-C."
    ),
)
@click.argument("scenario", required=False, default=None)
@click.option(
    "--port",
    type=click.IntRange(0, 65535),
    default=DEFAULT_PORT,
    show_default=True,
    help=N_("Port to serve on; 0 picks a free one."),
)
@click.option(
    "--host",
    default="127.0.0.1",
    show_default=True,
    help=N_(
        "Address to serve on; 127.0.0.1 keeps the dashboard to this computer, "
        "0.0.0.0 lets other computers in the room open it."
    ),
)
@count_option(
    "--seed", minimum=0,
    help=N_("Seed to start from (it can be changed on the page) [default: 1, as crmsim run]."),
)  # fmt: skip
@set_option(
    N_("Start with one parameter changed, e.g. --set levers.training=0.8 (repeatable)."),
    "assignments",
)
@lang_option
def command(
    scenario: str | None,
    port: int,
    host: str,
    seed: int | None,
    assignments: dict[str, Any],
    lang: str,
) -> None:
    """Run ``crmsim workshop`` (its help: the ``help`` text above)."""
    from crmsim.dashboard.controls import (
        DEFAULT_SCENARIO,
        DEFAULT_SEED,
        ENV_SCENARIO,
        ENV_SEED,
        ENV_SET,
    )
    from crmsim.fonts import use_fonts
    from crmsim.scenario import load

    check_installed()
    use_fonts()  # Chinese without a CJK font: say so here, not in the browser
    ref = scenario or DEFAULT_SCENARIO
    loaded = load(ref)  # validate now: a bad name fails here, not in the browser
    overrides = dict(assignments)
    loaded.with_updates(overrides)
    port = free_port(host) if port == 0 else port
    check_port(host, port)

    os.environ[ENV_SCENARIO] = str(loaded.path or ref)
    os.environ[ENV_SEED] = str(DEFAULT_SEED if seed is None else seed)
    os.environ[ENV_SET] = json.dumps(overrides)
    os.environ[LANG_VAR] = lang  # the page speaks the command's language

    url = f"http://{host}:{port}"
    click.echo(
        _("crmsim workshop: {name} at {url}  (open it in a browser; Ctrl-C stops)").format(
            name=loaded.name, url=url
        )
    )
    if host in ("0.0.0.0", "::"):
        click.echo(
            _(
                "crmsim workshop: on this computer open http://127.0.0.1:{port}; from others in "
                "the room use this computer's network address with port {port}"
            ).format(port=port)
        )
    serve(APP, host, port, prog_name="crmsim workshop")


def serve(app: str, host: str, port: int, prog_name: str) -> None:
    """Run Solara's server for the page module ``app`` in this process, offline.

    Shared by ``crmsim workshop`` and ``crmsim play --dashboard``: production
    mode, no browser opened, no version check, no usage statistics.
    """
    os.environ.setdefault("SOLARA_TELEMETRY_MIXPANEL_ENABLE", "False")
    os.environ.setdefault("SOLARA_THEME_SHOW_BANNER", "False")
    # Solara warns about cookie policy on any host but "localhost"; nothing to do for a workshop.
    warnings.filterwarnings("ignore", message="Cookies with samesite=none require https")
    from solara.__main__ import run as solara_run

    solara_run.main(
        args=[app, "--host", host, "--port", str(port), "--production", "--no-open",
              "--no-check-version", "--log-level", "warning"],
        prog_name=prog_name,
        standalone_mode=False,
    )  # fmt: skip
