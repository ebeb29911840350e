#!/usr/bin/env bash
# Simulator benchmark: a year of a 300-agent centre (~10 M chat messages, ~1 M
# call legs); prints rows/s, CPU seconds and peak RSS. Extra arguments go to
# `ccw bench simulate` (e.g. --no-ground-truth, --format parquet, --days 30).
source "$(dirname "${BASH_SOURCE[0]}")/_env.sh"
exec ccw bench simulate "$@"
