"""The dashboard: `ccw dashboard` (cli.py) serves the Streamlit app (app.py) over the marts (data.py)."""
