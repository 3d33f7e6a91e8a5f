"""Parsers turn a stored file into per-page text, metadata and attachments.

Each parser implements the ``Parser`` protocol in ``base`` and is listed in ``registry``.
"""
