#!/usr/bin/env python
"""Django's command line. Development settings unless told otherwise, so that a developer's or
a CI's `manage.py makemigrations`, `check` or `shell` works in a bare checkout.

Production never relies on this default: the Procfile's `release` and `worker` lines name
`colloque.settings.production` themselves, and the production environment sets
DJANGO_SETTINGS_MODULE=colloque.settings.production for every other process (the
scheduler's commands, a one-off shell): see README « Production »."""
import os
import sys


def main():
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "colloque.settings.local")
    from django.core.management import execute_from_command_line

    execute_from_command_line(sys.argv)


if __name__ == "__main__":
    main()
