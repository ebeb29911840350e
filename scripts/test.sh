#!/usr/bin/env bash
# README command 2: run the whole test suite (pytest drives dbt, the gates and
# the Python tests). Extra arguments go to pytest.
# the suite includes the DuckDB-vs-Spark comparison (marker `spark`)
export CCW_SPARK=1
source "$(dirname "${BASH_SOURCE[0]}")/_env.sh"
exec pytest "$@"
