"""The warehouse: running dbt (dbt.py), building and publishing the DuckDB file
(build.py), day-by-day replays (replay.py) and the KPI catalogue (catalogue.py)."""
