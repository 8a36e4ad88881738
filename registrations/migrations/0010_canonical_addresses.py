"""Every address is rewritten in its canonical form (`colloque.text.normalise_email`: NFKC,
lower case, the domain through UTS 46 in ASCII), on which the one-active-registration-per-
address index now holds.

Addresses that were different strings but are one mailbox (composed and decomposed accents,
an internationalised domain and its punycode, full-width letters) may have given several
active registrations of one person for one event. One is kept: the confirmed one, else the
one on the waiting list, else the pending one, the oldest first among equals (a person who
confirmed a later copy keeps the seat they confirmed). The others are cancelled, with the
journal note « duplicate address » (shown to staff as « annulée : la même adresse e-mail,
écrite autrement, avait une autre inscription en cours »), without an e-mail: the person
still holds the registration that was kept, whose link works as before. A seat freed this
way goes to the waiting list when staff next save the event or a hold ends (the usual
`seats_may_have_changed` and `expire_hold` tasks); a migration sends nothing.

An address IDNA refuses (the form would refuse it today) is only NFKC-normalised, trimmed and
lower-cased. The reverse migration leaves the rows as they are.
"""

import unicodedata

from django.db import migrations
from django.utils import timezone

import colloque.text

ACTIVE = ("pending", "confirmed", "waitlisted")
KEEP_FIRST = {"confirmed": 0, "waitlisted": 1, "pending": 2}


def canonical(email: str) -> str:
    try:
        return colloque.text.normalise_email(email)
    except ValueError:
        return unicodedata.normalize("NFKC", email).strip().lower()


def normalise_addresses(apps, schema_editor):
    Registration = apps.get_model("registrations", "Registration")
    Transition = apps.get_model("registrations", "RegistrationTransition")
    rows = list(Registration.objects.order_by("pk").values_list(
        "pk", "event_id", "email", "status", "created_at"))
    groups: dict[tuple, list] = {}
    for pk, event_id, email, status, created_at in rows:
        if status in ACTIVE:
            groups.setdefault((event_id, canonical(email).lower()), []).append(
                (KEEP_FIRST[status], created_at, pk, status))
    now = timezone.now()
    for candidates in groups.values():
        for _rank, _created, pk, status in sorted(candidates)[1:]:
            Registration.objects.filter(pk=pk).update(status="cancelled", cancelled_at=now)
            Transition.objects.create(registration_id=pk, from_status=status,
                                      to_status="cancelled", at=now, note="duplicate address")
    for pk, _event_id, email, _status, _created in rows:
        if canonical(email) != email:
            Registration.objects.filter(pk=pk).update(email=canonical(email))


class Migration(migrations.Migration):

    dependencies = [
        ("registrations", "0009_link_resent_at"),
    ]

    operations = [
        migrations.RunPython(normalise_addresses, migrations.RunPython.noop, elidable=False),
    ]
