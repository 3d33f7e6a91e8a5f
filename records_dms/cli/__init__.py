"""The `dms` command (records_dms/cli/main.py); each app adds its commands from its cli.py."""

from records_dms.cli.main import main

__all__ = ["main"]
