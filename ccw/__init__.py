"""Contact-centre KPI warehouse: simulator, checks and CLI around the dbt project."""

__version__ = "0.1.0"
