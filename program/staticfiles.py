"""One stylesheet for the public pages: `css/colloque.css`, the vendored Bootstrap followed by
the rules of the site, the programme, the registration pages and the press area, so that
every public page waits for one CSS file (about 7 kB of the apps' own rules on top of
Bootstrap: less than a second request would cost).

The sources stay where they are (`SOURCES`) and are edited there; each app's rules are
namespaced by their classes (`.ticket`, `.desk-…`, `.press-badge…`), so joining them changes
no page; this finder joins them when the static files are
collected (`collectstatic`, production) or served from the finders (`make run`, tests), and
again whenever a source has changed. It is listed in STATICFILES_FINDERS.
"""

import tempfile
from pathlib import Path

from django.contrib.staticfiles import finders
from django.core.files.storage import FileSystemStorage

BUNDLE = "css/colloque.css"
SOURCES = [
    "vendor/bootstrap-5.3.8/bootstrap.min.css", "css/site.css", "program/program.css",
    "registrations/registrations.css", "press/press.css",
]


class StylesheetBundleFinder(finders.BaseFinder):
    def __init__(self, *args, **kwargs):
        self.storage = FileSystemStorage(location=tempfile.mkdtemp(prefix="colloque-css-"))
        self._built_from = None

    def _build(self) -> str:
        paths = [Path(finders.find(source)) for source in SOURCES]
        stamp = [(path, path.stat().st_mtime_ns) for path in paths]
        target = Path(self.storage.path(BUNDLE))
        if stamp != self._built_from:
            parts = []
            for source, path in zip(SOURCES, paths, strict=True):
                text = path.read_text(encoding="utf-8")
                # The source map sits beside Bootstrap's file, not beside the bundle.
                text = "\n".join(line for line in text.splitlines()
                                 if not line.startswith("/*# sourceMappingURL="))
                parts.append(f"/* {source} */\n{text}\n")
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text("".join(parts), encoding="utf-8")
            self._built_from = stamp
        return str(target)

    def find(self, path, find_all=False):
        if path != BUNDLE:
            return [] if find_all else None
        found = self._build()
        return [found] if find_all else found

    def list(self, ignore_patterns):
        self._build()
        yield BUNDLE, self.storage
