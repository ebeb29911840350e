# Sourced by _env.sh: sets PY to a Python 3.11 that has uv, or pip to install
# it with. Run on its own (`bash scripts/_python.sh`) it prints the choice.
#
# The first `python3` on PATH is not always it: with the project's own .venv
# activated it is the venv's interpreter, which has neither uv nor pip (uv
# makes venvs without pip). Then the interpreter the venv was made from
# (`sys._base_executable`) is taken instead.
ccw_python_can() {  # ccw_python_can PYTHON MODULE: the module runs there
  "$1" -m "$2" --version >/dev/null 2>&1
}
ccw_pick_python() {
  local first="${PYTHON:-python3}" base candidate
  # outside a venv there is no other interpreter to try: base stays empty
  base="$("$first" -c 'import sys; print(sys._base_executable if sys.prefix != sys.base_prefix else "")' 2>/dev/null || true)"
  for candidate in "$first" "$base"; do
    if [ -n "$candidate" ] && ccw_python_can "$candidate" uv; then
      PY="$candidate"; return 0
    fi
  done
  for candidate in "$first" "$base"; do
    if [ -n "$candidate" ] && ccw_python_can "$candidate" pip; then
      PY="$candidate"; return 0
    fi
  done
  echo "setup: neither uv nor pip in $first${base:+ or $base}: install uv (pip install uv) or set PYTHON to a Python 3.11 that has pip" >&2
  return 1
}
if ! ccw_pick_python; then
  if [ "${BASH_SOURCE[0]}" = "$0" ]; then exit 1; fi
  return 1
fi
if [ "${BASH_SOURCE[0]}" = "$0" ]; then
  echo "$PY"
fi
