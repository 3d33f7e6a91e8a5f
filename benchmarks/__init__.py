"""Ingestion benchmarks: `make bench` runs ``benchmarks/run.py``."""
