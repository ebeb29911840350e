"""Quality gates of the warehouse.

- `ccw check` (`ccw.checks.cli`): a Great Expectations checkpoint over the built
  marts and a few staging entities (ranges, keys, reconciliation, freshness).
- `ccw conventions` (`ccw.checks.conventions`): dbt-bouncer over the dbt
  project's manifest (and catalog): documentation, primary-key tests,
  layering, naming, public contracts.
- `python -m ccw.checks.lint` (`ccw.checks.lint`): sqlfluff over `models/` and
  `analyses/` with the dbt templater, in throw-away target/log/warehouse paths.

See docs/quality-gates.md.
"""
