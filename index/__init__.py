"""The on-disk index (SQLite rows + FAISS vectors) and hybrid search over it."""
