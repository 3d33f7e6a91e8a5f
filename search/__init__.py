"""Chinese-aware full-text search behind one backend interface (issue #4).

This package imports nothing else of records-dms.
"""
