"""Benchmarks: `make bench` (bench/run.py) and focused scripts; see README, "Benchmarks"."""
