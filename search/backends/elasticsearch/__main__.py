"""``python -m search.backends.elasticsearch infra/elasticsearch``: write the templates."""

import sys
from pathlib import Path

from .template import TEMPLATE_FILES, template_json

folder = Path(sys.argv[1] if len(sys.argv) > 1 else "infra/elasticsearch")
folder.mkdir(parents=True, exist_ok=True)
for chinese, name in TEMPLATE_FILES.items():
    (folder / name).write_text(template_json(chinese), "utf-8")
