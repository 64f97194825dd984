"""Turning retrieved passages into short answers that cite their evidence."""
