#!/usr/bin/env python
"""Django's command line. Production settings unless told otherwise: the Procfile's `release`
and `worker` lines and the scheduler's commands run it as it is, and must never start with
development settings. Developers go through the Makefile, which sets
DJANGO_SETTINGS_MODULE=colloque.settings.local."""
import os
import sys


def main():
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "colloque.settings.production")
    from django.core.management import execute_from_command_line

    execute_from_command_line(sys.argv)


if __name__ == "__main__":
    main()
