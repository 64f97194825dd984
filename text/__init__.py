"""The text toolkit shared by ingest, index, answer and Slack: words, units, years, acronyms, themes."""
