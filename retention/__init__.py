"""Retention schedules, due reviews, legal holds and certified destruction (issue #5)."""
