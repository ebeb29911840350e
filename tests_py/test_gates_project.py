"""The project gates: sqlfluff lint, dbt-bouncer conventions, dbt docs.

Each gate passes on the real project, and fails with a clear message on a
copy of the project broken on purpose (copied to a tmp dir: dbt_project.yml,
profiles/, models/, macros/, seeds/, tests/, analyses/, .sqlfluff,
.sqlfluffignore, dbt-bouncer.yml; never .venv/ or target/). The break tests
only parse (dbt parse, or sqlfluff on the one broken file), no build.
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from ccw.checks.conventions import run_conventions
from ccw.checks.lint import incremental_models, lint_env, run_lint, sqlfluff_executable, summarize
from ccw.paths import PROJECT_ROOT

COPIED = ["dbt_project.yml", "profiles", "models", "macros", "seeds", "tests", "analyses",
          ".sqlfluff", ".sqlfluffignore", "dbt-bouncer.yml"]  # fmt: skip


def copy_project(dest: Path) -> Path:
    dest.mkdir(parents=True, exist_ok=True)
    for name in COPIED:
        src = PROJECT_ROOT / name
        if src.is_dir():
            shutil.copytree(src, dest / name, ignore=shutil.ignore_patterns("target", "logs", "__pycache__"))
        elif src.exists():
            shutil.copy2(src, dest / name)
    return dest


def ccw(*args: str, cwd: Path = PROJECT_ROOT) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "ccw", *args], cwd=cwd, capture_output=True, text=True, timeout=900)


def a_source(project: Path) -> tuple[str, str]:
    """(source name, table name) of the first source declared under models/staging."""
    for path in sorted((project / "models" / "staging").rglob("*.yml")):
        data = yaml.safe_load(path.read_text()) or {}
        for source in data.get("sources") or []:
            for tbl in source.get("tables") or []:
                return source["name"], tbl["name"]
    pytest.skip("the project declares no source yet")


def violations_text(result) -> str:
    return "\n".join(f"{v.severity} {v.check} {v.model}: {v.message}" for v in result.violations)


# ----------------------------------------------------------------- conventions (dbt-bouncer)


def test_conventions_pass_on_the_project(tmp_path: Path) -> None:
    result = run_conventions(PROJECT_ROOT, None, work_dir=tmp_path)
    assert result.checks_run > 0
    assert result.success, "dbt-bouncer violations in the project:\n" + violations_text(result)


def test_conventions_with_catalog_pass_on_demo_warehouse(demo_warehouse: Path, tmp_path: Path) -> None:
    result = run_conventions(PROJECT_ROOT, demo_warehouse, work_dir=tmp_path)
    assert result.catalog, "dbt docs generate made no catalog.json"
    assert result.checks_run > 0
    assert result.success, "dbt-bouncer violations (with catalog):\n" + violations_text(result)


@pytest.fixture(scope="module")
def broken_conventions(tmp_path_factory: pytest.TempPathFactory) -> subprocess.CompletedProcess[str]:
    """`ccw conventions` over one copy of the project with three breakages
    (one dbt parse for all): an undocumented model without tests, a mart that
    reads a source, an intermediate model without the int_ prefix."""
    project = copy_project(tmp_path_factory.mktemp("conventions") / "project")
    (project / "models" / "intermediate" / "int_orphans_counted.sql").write_text("select 1 as orphan_id\n")
    source, table = a_source(project)
    (project / "models" / "marts" / "fct_shortcut.sql").write_text(
        f"select * from {{{{ source('{source}', '{table}') }}}}\n"
    )
    (project / "models" / "intermediate" / "contacts_helper.sql").write_text("select 1 as helper_id\n")
    return ccw("conventions", "--project-dir", str(project), "--no-catalog")


def report_line(proc: subprocess.CompletedProcess[str], check: str, model: str) -> str:
    lines = [ln for ln in proc.stdout.splitlines() if check in ln and f" {model} " in ln]
    assert lines, f"no {check} violation for {model} in:\n{proc.stdout}\n{proc.stderr}"
    return lines[0]


def test_broken_project_fails_conventions_readably(broken_conventions) -> None:
    out = broken_conventions.stdout + broken_conventions.stderr
    assert broken_conventions.returncode == 1, out
    assert "Traceback" not in out
    header = [cell.strip() for cell in broken_conventions.stdout.splitlines()[0].split("|")]
    assert header == ["severity", "check", "model", "message"]
    assert "FAILED:" in broken_conventions.stderr and "errors" in broken_conventions.stderr


def test_undocumented_model_fails_conventions(broken_conventions) -> None:
    line = report_line(broken_conventions, "check_model_description_populated", "int_orphans_counted")
    assert line.startswith("error") and "description" in line
    # and it has no primary-key test either
    report_line(broken_conventions, "check_model_has_unique_test", "int_orphans_counted")


def test_source_in_a_mart_fails_conventions(broken_conventions) -> None:
    line = report_line(broken_conventions, "check_lineage_source_cannot_be_used", "fct_shortcut")
    assert "references a source" in line


def test_misnamed_intermediate_model_fails_conventions(broken_conventions) -> None:
    report_line(broken_conventions, "check_model_names", "contacts_helper")


def test_conventions_help() -> None:
    proc = ccw("conventions", "--help")
    assert proc.returncode == 0 and "--project-dir" in proc.stdout


def test_macro_yaml_out_of_step_with_dbt_fails_conventions(tmp_path: Path) -> None:
    """dbt only warns about a macro argument type its grammar rejects (a bare
    `dict`: it wants `dict[string, any]`), once per full parse, in its log;
    the conventions gate's parse makes it an error, in one readable line."""
    project = copy_project(tmp_path / "project")
    path = project / "macros" / "_macros.yml"
    text = path.read_text()
    assert "type: dict[string, any]" in text
    path.write_text(text.replace("type: dict[string, any]", "type: dict", 1))
    proc = ccw("conventions", "--project-dir", str(project), "--no-catalog")
    out = proc.stdout + proc.stderr
    assert proc.returncode != 0, out
    assert "Traceback" not in out
    assert "has an invalid type" in out and "changed_keys_base" in out, out
    # the line names dbt's full log, kept after the gate's temporary folder is gone
    log = re.search(r"full log: (\S+)", out)
    assert log and Path(log.group(1)).is_file(), out
    assert "changed_keys_base" in Path(log.group(1)).read_text()


# ----------------------------------------------------------------- lint (sqlfluff)


def test_models_and_analyses_are_lint_clean() -> None:
    """`sqlfluff lint models analyses` (dbt templater, tmp target/log/warehouse)."""
    result = run_lint(PROJECT_ROOT, ("models", "analyses"), processes=2)
    assert result.files > 0, summarize(result)
    assert result.success, "sqlfluff violations:\n" + summarize(result)


def test_incremental_branches_are_lint_clean(demo_warehouse: Path, demo_raw: Path, tmp_path: Path) -> None:
    """Against a copy of a built warehouse every incremental model renders its incremental
    branch (as on a daily load), and that SQL is lint-clean too; without the built warehouse
    the same model renders as a first build."""
    models = incremental_models(demo_warehouse.parent / "target" / "manifest.json")
    assert len(models) >= 30 and "models/marts/fct_agent_daily.sql" in models
    assert "models/staging/messaging/base/base_messaging__messages.sql" in models

    def rendered(work: Path, built: Path | None) -> str:
        work.mkdir(parents=True)
        env = lint_env(work, demo_raw, PROJECT_ROOT, built)
        proc = subprocess.run([sqlfluff_executable(), "render", "models/marts/fct_queue_daily.sql"],
                              cwd=PROJECT_ROOT, env=env, capture_output=True, text=True)
        assert proc.returncode == 0, proc.stderr[-2000:]
        return proc.stdout

    marker = "incremental: only the rows of the load window"  # load_window_filter()
    assert marker in rendered(tmp_path / "built", demo_warehouse)
    assert marker not in rendered(tmp_path / "empty", None)

    result = run_lint(PROJECT_ROOT, models, processes=2, raw_dir=demo_raw, built=demo_warehouse)
    assert result.files == len(models), summarize(result)
    assert result.success, "sqlfluff violations in the incremental branches:\n" + summarize(result)


def _git(project: Path, *args: str) -> None:
    subprocess.run(["git", "-c", "user.email=ci@example.com", "-c", "user.name=ci", *args],
                   cwd=project, check=True, capture_output=True)


def test_lint_error_fails_the_lint_gate(tmp_path: Path) -> None:
    """Run through `--changed` (the quick lint while working): the project copy is a
    git checkout and the two broken models are the only files changed since HEAD."""
    project = copy_project(tmp_path / "project")
    _git(project, "init", "-q")
    _git(project, "add", "-A")
    _git(project, "commit", "-qm", "copy")
    bad = project / "models" / "intermediate" / "int_badly_formatted.sql"
    bad.write_text(
        "SELECT\n"
        "    1 AS first_id\n"
        "    , 2 second_id\n"
        "FROM (select 1) as t\n"
    )
    # a model dbt cannot compile is a failure too, never a silently skipped file
    boom = project / "models" / "intermediate" / "int_uncompilable.sql"
    boom.write_text('{% if execute %}{{ exceptions.raise_compiler_error("boom") }}{% endif %}\nselect 1 as x\n')
    proc = subprocess.run(
        [
            sys.executable, "-m", "ccw.checks.lint", "--project-dir", str(project), "--changed",
        ],
        cwd=PROJECT_ROOT,
        capture_output=True,
        text=True,
        timeout=900,
    )  # fmt: skip
    out = proc.stdout + proc.stderr
    assert proc.returncode == 1, out
    assert "Traceback" not in proc.stdout
    lines = [ln for ln in proc.stdout.splitlines() if ln.startswith("models/intermediate/int_badly_formatted.sql:")]
    codes = {ln.split()[1] for ln in lines}
    assert "CP01" in codes, out  # upper-case keywords
    assert "LT04" in codes, out  # leading comma
    assert "AL02" in codes, out  # implicit column alias
    assert any(
        ln.startswith("models/intermediate/int_uncompilable.sql:") and "boom" in ln for ln in proc.stdout.splitlines()
    ), out
    assert "violations in 2 of 2 files" in proc.stdout, out


# ----------------------------------------------------------------- dbt docs


def test_dbt_docs_generate(demo_raw: Path, demo_warehouse: Path, tmp_path: Path) -> None:
    """`dbt docs generate` (compile + catalog) over a copy of the demo warehouse."""
    from ccw.warehouse.dbt import run_dbt

    wh = tmp_path / "docs.duckdb"
    shutil.copy2(demo_warehouse, wh)
    target = tmp_path / "target"
    run_dbt(["docs", "generate"], demo_raw, wh, target_path=target, log_path=tmp_path / "logs", stream=False)
    assert (target / "index.html").is_file()
    catalog = json.loads((target / "catalog.json").read_text())
    manifest = json.loads((target / "manifest.json").read_text())
    node = catalog["nodes"]["model.contact_center.fct_agent_daily"]
    assert "fcr_rate" in node["columns"]
    described = manifest["nodes"]["model.contact_center.fct_agent_daily"]
    assert described["description"].strip()
    assert not catalog.get("errors"), catalog.get("errors")


def _ruff(*args: str, cwd: Path = PROJECT_ROOT) -> subprocess.CompletedProcess[str]:
    exe = Path(sys.executable).parent / "ruff"
    return subprocess.run([str(exe), "check", *args], cwd=cwd, capture_output=True, text=True)


def test_python_is_ruff_clean() -> None:
    """The Python gate: `ruff check ccw tests_py scripts` (rules in pyproject.toml)."""
    proc = _ruff("ccw", "tests_py", "scripts")
    assert proc.returncode == 0, proc.stdout[-3000:]


def test_a_python_error_fails_the_ruff_gate(tmp_path: Path) -> None:
    (tmp_path / "pyproject.toml").write_text((PROJECT_ROOT / "pyproject.toml").read_text())
    (tmp_path / "bad.py").write_text("import os\n\n\ndef f(x):\n    return undefined_name\n")
    proc = _ruff("bad.py", cwd=tmp_path)
    assert proc.returncode != 0
    assert "F401" in proc.stdout and "F821" in proc.stdout


def test_lint_changed_lints_only_what_changed_and_everything_after_a_macro_change(tmp_path: Path) -> None:
    from ccw.checks.lint import changed_paths

    project = tmp_path / "repo"
    (project / "models" / "staging").mkdir(parents=True)
    (project / "macros").mkdir()
    (project / "models" / "staging" / "stg_a.sql").write_text("select 1 as a\n")
    (project / "models" / "staging" / "stg_b.sql").write_text("select 1 as b\n")
    (project / "macros" / "m.sql").write_text("{% macro m() %}1{% endmacro %}\n")
    _git(project, "init", "-q")
    _git(project, "add", "-A")
    _git(project, "commit", "-qm", "start")
    assert changed_paths(project) == ()
    (project / "models" / "staging" / "stg_a.sql").write_text("select 2 as a\n")
    (project / "models" / "staging" / "stg_new.sql").write_text("select 3 as n\n")  # untracked
    (project / "models" / "staging" / "notes.md").write_text("not sql\n")
    assert changed_paths(project) == ("models/staging/stg_a.sql", "models/staging/stg_new.sql")
    _git(project, "add", "-A")
    _git(project, "commit", "-qm", "two")
    assert changed_paths(project) == ()
    assert changed_paths(project, "HEAD~1") == ("models/staging/stg_a.sql", "models/staging/stg_new.sql")
    (project / "macros" / "m.sql").write_text("{% macro m() %}2{% endmacro %}\n")
    assert changed_paths(project) is None  # a macro reaches every model: lint everything


def test_rule_narrowing_lint_configs_sit_only_beside_sql_free_models() -> None:
    """A nested .sqlfluff that narrows `rules` (the base models' folders) is safe only while
    the files beside it hold no SQL of their own, just Jinja (a staging macro call): then
    every other rule could only fire in the macro's output, which sqlfluff does not report.
    A file with its own SQL there would go unchecked by the layout and naming rules."""
    import configparser
    import re

    narrowing = []
    for cfg in sorted((PROJECT_ROOT / "models").rglob(".sqlfluff")):
        parser = configparser.ConfigParser()
        parser.read(cfg)
        if parser.has_option("sqlfluff", "rules"):
            narrowing.append(cfg)
    assert len(narrowing) == 5, narrowing  # one per system's base/ folder
    for cfg in narrowing:
        models = sorted(cfg.parent.glob("*.sql"))
        assert models and not [d for d in cfg.parent.iterdir() if d.is_dir()], cfg
        for model in models:
            text = model.read_text()
            own = re.sub(r"\{#.*?#\}|\{\{.*?\}\}|\{%.*?%\}", "", text, flags=re.S)
            assert not own.strip(), f"{model.relative_to(PROJECT_ROOT)} has SQL of its own: {own.strip()[:80]!r}"
            # the one thing layout.spacing (LT01, left out there: it walked every
            # segment of the macro's output, 12 s of a cold lint) found in such a file
            trailing = [n for n, line in enumerate(text.splitlines(), 1) if line != line.rstrip()]
            assert not trailing, f"{model.relative_to(PROJECT_ROOT)}: trailing whitespace on lines {trailing}"


def test_lint_cache_lints_again_only_files_whose_inputs_changed(tmp_path: Path, monkeypatch) -> None:
    """`ccw lint` does not lint again a file whose every input is unchanged since it last
    linted clean; a changed file, a file with a violation and, after a macro change,
    every file are linted again (checked by what reaches sqlfluff)."""
    from ccw.checks import lint

    project = copy_project(tmp_path / "project")
    sent: list[tuple[str, ...]] = []
    real_run_lint = lint.run_lint

    def spy(project_dir, paths, processes=2, **kwargs):
        sent.append(tuple(paths))
        return real_run_lint(project_dir, paths, processes, **kwargs)

    monkeypatch.setattr(lint, "run_lint", spy)
    a, b = "models/marts/dim_date.sql", "models/marts/dim_agents.sql"

    first = lint.run_lint_cached(project, (a, b), processes=1)
    assert first.success and first.files == 2 and first.cached == 0, summarize(first)
    assert sent.pop() == (b, a)

    again = lint.run_lint_cached(project, (a, b), processes=1)
    assert again.success and again.files == 2 and again.cached == 2 and not sent

    (project / a).write_text((project / a).read_text() + "\nSELECT 1\n")
    broken = lint.run_lint_cached(project, (a, b), processes=1)
    assert sent.pop() == (a,) and broken.cached == 1 and not broken.success
    assert {v.path for v in broken.violations} == {a}, summarize(broken)
    still = lint.run_lint_cached(project, (a, b), processes=1)  # a violation is never remembered
    assert sent.pop() == (a,) and not still.success

    macro = next((project / "macros").rglob("*.sql"))
    macro.write_text(macro.read_text() + "\n{# a macro changed: every model may render differently #}\n")
    after_macro = lint.run_lint_cached(project, (a, b), processes=1)  # b too, though b is unchanged
    assert after_macro.cached == 0 and sent.pop() == (b, a)
