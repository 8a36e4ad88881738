"""Logging filters that keep personal data out of the logs.

- `RedactEmails`: an e-mail address in a message or its arguments becomes `a…@example.org`
  (the domain stays, for diagnosing a mail server).
- `RedactPrivateLinks`: the token of a private link (manage page, confirmation, status of an
  accreditation, unsubscribe) becomes `***` in a logged path: for `django.server`,
  `django.request` and gunicorn's access log (`gunicorn.access`, where the request line is
  in the arguments).

Attach both to the handlers (see the README for the LOGGING and gunicorn lines).
"""

import logging
import re

EMAIL_RE = re.compile(r"([A-Za-z0-9._%+-])[A-Za-z0-9._%+-]*@([A-Za-z0-9.-]+\.[A-Za-z]{2,})")
PRIVATE_PATH_RE = re.compile(
    r"(/inscription/(?:confirmer|gerer|nouvelles/desabonnement)/|/presse/accreditation/suivi/)"
    r"[^/\s?\"']+")


def redact_emails(text: str) -> str:
    return EMAIL_RE.sub(r"\1…@\2", text)


def redact_private_links(text: str) -> str:
    return PRIVATE_PATH_RE.sub(r"\1***", text)


class _Redact(logging.Filter):
    redact = staticmethod(lambda text: text)

    def filter(self, record: logging.LogRecord) -> bool:
        record.msg = self.redact(str(record.msg))
        if isinstance(record.args, dict):
            record.args = {key: self._value(value) for key, value in record.args.items()}
        elif record.args:
            record.args = tuple(self._value(value) for value in record.args)
        return True

    def _value(self, value):
        if isinstance(value, str):
            return self.redact(value)
        if isinstance(value, (list, tuple)):
            return type(value)(self._value(item) for item in value)
        return value


class RedactEmails(_Redact):
    redact = staticmethod(redact_emails)


class RedactPrivateLinks(_Redact):
    redact = staticmethod(redact_private_links)
