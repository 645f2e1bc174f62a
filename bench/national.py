"""Load national-scale data: a thin wrapper over `manage.py seed_national` (reporting.national).

    DATABASE_URL=postgres://…/op_national .venv/bin/python bench/national.py [--scale 1] [--seed 7]

The database must be migrated and empty; `make bench-data` does both steps.
"""

import os
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
os.environ.setdefault("DEBUG", "1")

if __name__ == "__main__":
    from django.core.management import execute_from_command_line

    execute_from_command_line(["manage.py", "seed_national", *sys.argv[1:]])
