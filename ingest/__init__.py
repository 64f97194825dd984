"""Reading council documents into clean, structured, citable passages and records."""
