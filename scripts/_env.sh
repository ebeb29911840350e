# Sourced by setup.sh and test.sh: a pinned environment from uv.lock, on any
# machine where only Python 3.11 exists.
set -euo pipefail
export DO_NOT_TRACK=1
export DBT_SEND_ANONYMOUS_USAGE_STATS=false
# uv reaches the package index through the machine's certificate store.
export UV_SYSTEM_CERTS=1
export UV_NATIVE_TLS=1
export UV_NO_PROGRESS=1
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
source "$ROOT/scripts/_python.sh"
if ! ccw_python_can "$PY" uv; then
  echo "setup: installing uv with pip ..." >&2
  "$PY" -m pip install --quiet uv || "$PY" -m pip install --quiet --user uv
fi
UV=("$PY" -m uv)
# CCW_SPARK=1 (setup.sh --spark, and test.sh: the engine comparison runs in
# the test suite) adds the `spark` dependency group and Java 17.
SYNC_ARGS=(sync --frozen --quiet)
if [ "${CCW_SPARK:-0}" = 1 ]; then
  SYNC_ARGS+=(--group spark)
fi
echo "setup: syncing the locked environment (.venv) ..." >&2
"${UV[@]}" "${SYNC_ARGS[@]}"
export PATH="$ROOT/.venv/bin:$PATH"
export DBT_PROFILES_DIR="$ROOT/profiles"
# The dashboard's browser tests drive Debian's Chromium (Playwright's own
# browser downloads do not work everywhere): installed when missing and the
# machine's package manager is at hand (root, apt-get); elsewhere install the
# `chromium` package yourself, or the dashboard tests fail saying so.
if ! command -v chromium >/dev/null 2>&1 && [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
  echo "setup: installing Debian's chromium for the dashboard tests ..." >&2
  { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium; } >/dev/null 2>&1 \
    || echo "setup: could not install chromium (the dashboard tests need it)" >&2
fi
# The Spark target (dbt-spark, method session) needs a Java 17 runtime:
# Debian's openjdk-17-jre-headless, installed when missing as chromium is.
if [ "${CCW_SPARK:-0}" = 1 ] && ! command -v java >/dev/null 2>&1; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
    echo "setup: installing Debian's openjdk-17-jre-headless for the Spark target ..." >&2
    { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq openjdk-17-jre-headless; } >/dev/null 2>&1 \
      || echo "setup: could not install Java 17 (the Spark target and its tests need it)" >&2
  else
    echo "setup: no java on PATH: install a Java 17 runtime for the Spark target" >&2
  fi
fi
