"""`ccw`: the contact-centre warehouse command line.

Each command lives in its own module and is loaded lazily, so `ccw --help`
is fast and one broken command cannot break the others.
"""

from __future__ import annotations

import importlib
import os
import sys

import click

from ccw.errors import CcwError

# command name -> (module, attribute, one-line help)
COMMANDS: dict[str, tuple[str, str, str]] = {
    "simulate": ("ccw.simulator.cli", "simulate", "Generate a raw folder of demo data with ground truth."),
    "build": ("ccw.warehouse.build", "build", "Build the warehouse with dbt and publish it safely for readers."),
    "check": ("ccw.checks.cli", "check", "Run the Great Expectations checkpoint over the built warehouse."),
    "conventions": ("ccw.checks.conventions", "conventions", "Check dbt project conventions (dbt-bouncer)."),
    "analyse": ("ccw.warehouse.analyse", "analyse", "Run one analysis of analyses/ on the published warehouse."),
    "bench": ("ccw.bench.cli", "bench", "Benchmarks: simulator speed, full and incremental build."),
    "lint": ("ccw.checks.lint", "main", "Lint models and analyses with sqlfluff (the project's SQL style)."),
    "dashboard": ("ccw.dashboard.cli", "dashboard", "Serve the dashboard over the published warehouse (read-only)."),
    "kpis": ("ccw.warehouse.catalogue", "kpis", "The KPI catalogue: list KPIs, sync and check the YAML generated from it."),
    "replay": ("ccw.warehouse.replay", "replay_command", "Load a raw folder day by day, as daily incremental builds would."),
}


class LazyGroup(click.Group):
    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted(COMMANDS)

    def get_command(self, ctx: click.Context, name: str) -> click.Command | None:
        if name not in COMMANDS:
            return None
        module_name, attr, short_help = COMMANDS[name]
        try:
            module = importlib.import_module(module_name)
        except ModuleNotFoundError as exc:
            if exc.name and module_name.startswith(exc.name):

                @click.command(name=name, help=f"{short_help} (not available in this build)")
                def _missing() -> None:
                    raise CcwError(f"command '{name}' is not available", module_name, "update the project")

                return _missing
            raise
        command = getattr(module, attr)
        command.short_help = short_help
        return command


@click.group(cls=LazyGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="contact-center-warehouse")
def cli() -> None:
    """Contact-centre KPI warehouse: simulate raw exports, build the dbt + DuckDB
    warehouse, and check it.

    Typical run:  ccw simulate --out data/raw && ccw build && ccw check
    """


def main(argv: list[str] | None = None) -> None:
    os.environ.setdefault("DO_NOT_TRACK", "1")
    try:
        cli.main(args=argv, prog_name="ccw", standalone_mode=False)
    except CcwError as exc:
        click.echo(f"error: {exc.one_line()}", err=True)
        sys.exit(2)
    except click.exceptions.Abort:
        click.echo("aborted", err=True)
        sys.exit(130)
    except click.ClickException as exc:
        exc.show()
        sys.exit(exc.exit_code)
    except KeyboardInterrupt:
        click.echo("interrupted", err=True)
        sys.exit(130)
    except Exception as exc:  # last resort: one line, with the type, never a traceback
        if os.environ.get("CCW_DEBUG"):
            raise
        click.echo(f"error: {type(exc).__name__}: {exc} (set CCW_DEBUG=1 for the traceback)", err=True)
        sys.exit(1)


if __name__ == "__main__":
    main()
