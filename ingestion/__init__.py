"""From bytes to a filed record: stored originals, type detection, text extraction, tasks."""
