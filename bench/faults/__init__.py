"""Fault, hostile-input and load runs (issue 7): kill_ingest, fuzz_ingest, soak."""
