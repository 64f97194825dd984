"""Benchmarks of the SEND bot: question set, checker and retrieval benchmark."""
