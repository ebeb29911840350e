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
PY="${PYTHON:-python3}"
if ! "$PY" -m uv --version >/dev/null 2>&1; then
  echo "setup: installing uv with pip ..." >&2
  "$PY" -m pip install --quiet uv || "$PY" -m pip install --quiet --user uv
fi
UV=("$PY" -m uv)
echo "setup: syncing the locked environment (.venv) ..." >&2
"${UV[@]}" sync --frozen --quiet
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
