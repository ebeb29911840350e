#!/usr/bin/env bash
# README command 1: set everything up, generate demo data, build the warehouse.
# `--spark` also installs the Spark target (PySpark, dbt-spark, Java 17;
# docs/spark.md).
for arg in "$@"; do
  case "$arg" in
    --spark) export CCW_SPARK=1 ;;
    *) echo "setup.sh: unknown option $arg (only --spark)" >&2; exit 2 ;;
  esac
done
source "$(dirname "${BASH_SOURCE[0]}")/_env.sh"
RAW_DIR="${RAW_DIR:-data/raw}"
if [ ! -d "$RAW_DIR" ] || [ -z "$(ls -A "$RAW_DIR" 2>/dev/null)" ]; then
  ccw simulate --out "$RAW_DIR" --days 30 --agents 40 --seed 7
fi
ccw build --raw-dir "$RAW_DIR"
echo "done: query marts with e.g.  .venv/bin/python -c \"import duckdb; print(duckdb.connect('${WAREHOUSE_PATH:-warehouse/contact_center.duckdb}', read_only=True).sql('from marts.fct_agent_daily limit 5'))\""
