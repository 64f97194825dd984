"""PLACEHOLDER - being written (helper)."""
def extract_decisions(document, blocks):
    return []
