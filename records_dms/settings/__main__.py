"""Print README's configuration tables: ``python -m records_dms.settings``."""

from records_dms.settings.env import markdown
from records_dms.settings.groups import GROUPS

print(markdown(GROUPS), end="")
