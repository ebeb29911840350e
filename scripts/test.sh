#!/usr/bin/env bash
# README command 2: run the whole test suite (pytest drives dbt, the gates and
# the Python tests). Extra arguments go to pytest.
source "$(dirname "${BASH_SOURCE[0]}")/_env.sh"
exec pytest "$@"
