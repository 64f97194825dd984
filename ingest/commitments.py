"""PLACEHOLDER - being written (helper)."""
def extract_commitments(document, blocks):
    return []
