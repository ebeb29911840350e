"""Benchmarks: `ccw bench` (cli.py) and the build benchmark's phases (build.py)."""
