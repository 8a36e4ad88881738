"""Demo content: the colloquium of the press invitation, on the next Friday 17 May.

Everything the invitation does not say (speakers other than Patrick Bloche, rooms, seats,
texts) is plausible demo content, flagged `is_demo` so the site shows a banner, and meant
to be replaced by OPMIRE staff in the admin. `load_demo` runs at every `make run`, so it only
adds what is missing: what staff changed stays as they left it.
"""

import datetime as dt
import zoneinfo

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from .demo_pages import PAGES
from .models import Event, Page, Session, SessionSpeaker, Speaker

EVENT_SLUG = "mixite-sociale-college"

SPEAKERS = [
    # slug, name, role fr, role en, organisation, bio fr, bio en, is_demo
    ("patrick-bloche", "Patrick Bloche",
     "Adjoint à la Maire de Paris chargé de l'éducation, de la petite enfance, des familles, "
     "de l'organisation et du fonctionnement du Conseil de Paris",
     "Deputy Mayor of Paris for education, early childhood, families and the Council of Paris",
     "Ville de Paris", "", "", False),
    ("claire-moreau", "Claire Moreau", "Directrice de l'OPMIRE", "Director of OPMIRE",
     "Ville de Paris",
     "Coordonne les travaux de l'Observatoire parisien de la mixité sociale et de la réussite "
     "éducative depuis sa création en 2018.",
     "Has coordinated the work of the Paris observatory of social mix and educational success "
     "since it was set up in 2018.", True),
    ("julien-garnier", "Julien Garnier", "Sociologue, directeur de recherche",
     "Sociologist, research director", "Laboratoire de sociologie de l'éducation",
     "Travaille sur la ségrégation scolaire et les politiques d'affectation des élèves.",
     "Works on school segregation and pupil assignment policies.", True),
    ("ines-haddad", "Inès Haddad", "Économiste de l'éducation", "Education economist",
     "Institut de recherche en politiques publiques",
     "Spécialiste des comparaisons internationales des systèmes éducatifs.",
     "Specialist in international comparisons of school systems.", True),
    ("marc-lefebvre", "Marc Lefebvre", "Inspecteur d'académie", "Education inspector",
     "Académie de Paris",
     "Suit l'expérimentation des secteurs multi-collèges pour l'Académie de Paris.",
     "Oversees the multi-college catchment areas pilot for the Académie de Paris.", True),
    ("sophie-diallo", "Sophie Diallo", "Principale de collège", "Secondary school head",
     "Collège public, Paris 18e", "", "", True),
    ("nadia-benali", "Nadia Benali", "Présidente d'une fédération de parents d'élèves",
     "Chair of a parents' federation", "Collectif de parents, Paris 19e", "", "", True),
    ("thomas-roux", "Thomas Roux", "Délégué général", "Executive director",
     "Association d'accompagnement éducatif", "", "", True),
    ("amelie-perrin", "Amélie Perrin", "Chargée d'études", "Research officer", "OPMIRE",
     "", "", True),
]

# slug, kind, start, end, room, capacity, order, title fr, title en, description fr,
# description en, [(speaker slug, role)]
SESSIONS = [
    ("ouverture-mixite-a-paris", "plenary", "09:30", "10:15", "Salle des fêtes", None, 1,
     "Ouverture : la mixité sociale au collège, une ambition parisienne",
     "Opening: social mix in secondary schools, a Paris ambition",
     "Patrick Bloche, adjoint à la Maire de Paris, ouvre le colloque. L'OPMIRE présente ses "
     "premiers constats sur la ségrégation sociale et scolaire entre collèges parisiens et "
     "au sein des établissements.",
     "Patrick Bloche, Deputy Mayor of Paris, opens the colloquium. OPMIRE presents its first "
     "findings on social and school segregation between and within Paris secondary schools.",
     [("patrick-bloche", "speaker"), ("claire-moreau", "speaker")]),
    ("segregation-scolaire-en-france", "plenary", "10:15", "11:00", "Salle des fêtes", None, 2,
     "Ségrégation scolaire en France : état des lieux et leviers d'action",
     "School segregation in France: where we stand and what can be done",
     "Une perspective nationale : mesurer la ségrégation entre établissements, comprendre "
     "ses causes (carte scolaire, choix des familles, offre d'options) et les politiques qui "
     "la réduisent.",
     "A national perspective: measuring segregation between schools, understanding its causes "
     "(catchment areas, family choice, optional courses) and the policies that reduce it.",
     [("julien-garnier", "speaker")]),
    ("regards-internationaux", "plenary", "11:15", "12:00", "Salle des fêtes", None, 3,
     "Regards internationaux : ce que font les autres pays",
     "International perspectives: what other countries do",
     "Affectation contrôlée, loteries, bassins de recrutement : ce que nous apprennent les "
     "expériences étrangères en matière de mixité sociale à l'école.",
     "Controlled choice, lotteries, shared catchment areas: what experiences abroad teach us "
     "about social mix at school.",
     [("ines-haddad", "speaker")]),
    ("secteurs-multi-colleges-premiers-enseignements", "plenary", "12:00", "12:45",
     "Salle des fêtes", None, 4,
     "Secteurs multi-collèges : premiers enseignements de l'expérimentation",
     "Multi-college catchment areas: first lessons from the pilot",
     "La Ville et l'Académie de Paris expérimentent des secteurs regroupant plusieurs "
     "collèges. Bilan des premières rentrées, avec les équipes qui les ont mis en œuvre.",
     "The City and the Académie de Paris are piloting catchment areas shared by several "
     "schools. A review of the first school years, with the teams who ran them.",
     [("marc-lefebvre", "speaker"), ("sophie-diallo", "speaker"),
      ("amelie-perrin", "moderator")]),
    ("atelier-secteurs-multi-colleges", "workshop", "14:00", "16:30", "Salon Bertrand", 60, 1,
     "Atelier 1 — Construire un secteur multi-collèges",
     "Workshop 1 — Building a multi-college catchment area",
     "Méthode, concertation avec les familles, critères d'affectation : retours d'expérience "
     "et outils pour les collectivités qui souhaitent se lancer.",
     "Method, consultation with families, assignment criteria: lessons learnt and tools for "
     "local authorities who want to start.",
     [("marc-lefebvre", "speaker"), ("amelie-perrin", "moderator")]),
    ("atelier-tous-mobilises", "workshop", "14:00", "16:30", "Salon des Arcades", 50, 2,
     "Atelier 2 — « Tous Mobilisés » : mieux accueillir les élèves",
     "Workshop 2 — “Tous Mobilisés”: welcoming pupils better",
     "La démarche « Tous Mobilisés » améliore les conditions d'accueil des jeunes dans les "
     "collèges : bâti, restauration, vie scolaire, ouverture sur le quartier.",
     "The “Tous Mobilisés” approach improves how young people are welcomed in schools: "
     "buildings, canteens, school life, links with the neighbourhood.",
     [("sophie-diallo", "speaker")]),
    ("atelier-parents", "workshop", "14:00", "16:30", "Salle Saint-Jean", 40, 3,
     "Atelier 3 — Les parents, acteurs de la mixité",
     "Workshop 3 — Parents as actors of social mix",
     "Comment les collectifs de parents informent, rassurent et accompagnent les familles "
     "dans les choix d'établissement.",
     "How parents' collectives inform, reassure and support families choosing a school.",
     [("nadia-benali", "speaker")]),
    ("atelier-associations", "workshop", "14:00", "16:30", "Salle des Prévôts", 40, 4,
     "Atelier 4 — Associations et territoires : agir autour du collège",
     "Workshop 4 — Associations and neighbourhoods: acting around the school",
     "Accompagnement éducatif, tutorat, activités culturelles et sportives : le rôle des "
     "associations pour la réussite de tous les élèves.",
     "Homework support, mentoring, cultural and sports activities: the role of associations "
     "in the success of every pupil.",
     [("thomas-roux", "speaker")]),
    ("atelier-mesurer-pour-agir", "workshop", "14:00", "16:30", "Salon Pierre Loti", 30, 5,
     "Atelier 5 — Mesurer pour agir : les données de l'observatoire",
     "Workshop 5 — Measuring to act: the observatory's data",
     "Indices de position sociale, indicateurs de ségrégation, évaluation des dispositifs : "
     "prise en main des outils de l'OPMIRE.",
     "Social position indices, segregation indicators, evaluating policies: hands-on with "
     "OPMIRE's tools.",
     [("claire-moreau", "speaker"), ("julien-garnier", "speaker")]),
]


def next_friday_17_may(today: dt.date) -> dt.date:
    year = today.year if today <= dt.date(today.year, 5, 17) else today.year + 1
    while dt.date(year, 5, 17).weekday() != 4:
        year += 1
    return dt.date(year, 5, 17)


def _at(date: dt.date, hhmm: str) -> dt.datetime:
    hour, minute = map(int, hhmm.split(":"))
    return dt.datetime.combine(
        date, dt.time(hour, minute), tzinfo=zoneinfo.ZoneInfo(settings.TIME_ZONE)
    )


DESCRIPTION_FR = """\
La Ville et l'Académie de Paris s'engagent dans la lutte contre la ségrégation sociale et \
scolaire au sein des établissements, pour la réussite et l'épanouissement des jeunes \
Parisiennes et Parisiens : expérimentation de secteurs multi-collèges, amélioration des \
conditions d'accueil des élèves avec la démarche « Tous Mobilisés »…

Lancé à la rentrée 2018, l'Observatoire parisien de la mixité sociale et de la réussite \
éducative (OPMIRE) étudie la ségrégation entre et au sein des établissements, propose des \
solutions et évalue les actions engagées.

Pour mieux connaître et promouvoir les pratiques qui existent partout en France, l'OPMIRE \
réunit élu·es locaux, chercheur·es, membres de la communauté éducative, collectifs de \
parents et associations pour une journée de partage d'expériences :

- **le matin**, quatre conférences éclairent les enjeux de la mixité sociale dans une \
perspective nationale et internationale ;
- **l'après-midi**, cinq ateliers pratiques en parallèle approfondissent des thèmes et des \
outils pour renforcer la mixité dans les collèges.
"""

DESCRIPTION_EN = """\
The City of Paris and the Académie de Paris are working against social and school \
segregation, for the success and well-being of young Parisians: multi-college catchment \
areas, better conditions for pupils with the “Tous Mobilisés” approach…

Launched in 2018, the Paris observatory of social mix and educational success (OPMIRE) \
studies segregation between and within schools, suggests solutions and evaluates what has \
been done.

To better know and promote the practices that exist across France, OPMIRE brings together \
local elected officials, researchers, school staff, parents' collectives and associations \
for a day of sharing experience:

- **in the morning**, four conferences shed light on social mix from a national and \
international perspective;
- **in the afternoon**, five practical workshops run in parallel on themes and tools to \
strengthen social mix in secondary schools.
"""


def _event_fields(today: dt.date) -> dict:
    date = next_friday_17_may(today)
    return {
        "title_fr": "Pour plus de mixité sociale au collège",
        "title_en": "For more social mix in secondary schools",
        "summary_fr": "Colloque national de partage d'expériences organisé par l'OPMIRE "
                      "à l'Hôtel de Ville de Paris.",
        "summary_en": "A national colloquium to share experience, organised by OPMIRE at "
                      "Paris City Hall.",
        "description_fr": DESCRIPTION_FR,
        "description_en": DESCRIPTION_EN,
        "organisers_fr": "Ville de Paris — Observatoire parisien de la mixité sociale et de "
                         "la réussite éducative (OPMIRE) — Académie de Paris",
        "organisers_en": "City of Paris — Paris observatory of social mix and educational "
                         "success (OPMIRE) — Académie de Paris",
        "date": date,
        "start_time": dt.time(9, 0),
        "end_time": dt.time(16, 30),
        "venue_fr": "Hôtel de Ville de Paris",
        "venue_en": "Paris City Hall (Hôtel de Ville)",
        "address": "Place de l'Hôtel de Ville, 75004 Paris",
        "plenary_capacity": 300,
        "registration_opens_at": _at(min(today, date) - dt.timedelta(days=1), "09:00"),
        "registration_closes_at": _at(date - dt.timedelta(days=2), "23:59"),
        "registrations_closed": False,
        "press_accreditation_deadline": _at(date - dt.timedelta(days=2), "12:00"),
        "is_published": True,
        "is_demo": True,
    }


@transaction.atomic
def load_demo(*, today: dt.date | None = None) -> Event:
    """Add whatever part of the demo colloquium is missing; never change an existing row.

    `make run` calls this at every start, so staff edits must survive it: an existing event,
    session, speaker, page or press settings keeps every field as staff left it, and nothing
    already stored is saved again (saving the event or a workshop would queue
    `registrations.tasks.seats_may_have_changed`, which may promote people waiting and
    e-mail them). Missing rows are created:

    - the event (slug `EVENT_SLUG`), unless staff already run an edition of their own under
      another slug: then the programme is theirs and only missing pages are added;
    - each demo speaker missing (by slug), each demo session missing from the demo event (by
      slug, on the event's own day), with its speakers; a session whose room is taken at that
      time by another session is not re-created;
    - each of the four pages missing, and the event's press settings (`press.demo`).

    Writes only new rows; sends nothing. Returns the demo event (or, when staff have their
    own edition, the latest one).
    """
    today = today or timezone.localdate()
    event = Event.objects.filter(slug=EVENT_SLUG).first()
    if event is None and Event.objects.exists():
        _add_missing_pages()
        return Event.objects.order_by("-date").first()
    if event is None:
        event = Event.objects.create(slug=EVENT_SLUG, **_event_fields(today))
    speakers = _add_missing_speakers()
    _add_missing_sessions(event, speakers)
    _add_missing_pages()
    from press.demo import load_press_demo  # the press app owns its demo texts

    load_press_demo(event)
    return event


def _add_missing_speakers() -> dict[str, Speaker]:
    """The demo speakers by slug, those missing created."""
    speakers = {}
    for slug, name, role_fr, role_en, org, bio_fr, bio_en, is_demo in SPEAKERS:
        speakers[slug], _ = Speaker.objects.get_or_create(
            slug=slug,
            defaults={"name": name, "role_fr": role_fr, "role_en": role_en or None,
                      "organisation": org, "bio_fr": bio_fr, "bio_en": bio_en,
                      "is_demo": is_demo},
        )
    return speakers


def _add_missing_sessions(event: Event, speakers: dict[str, Speaker]) -> None:
    """Each demo session missing from `event`, with its speakers (the speakers of an existing
    session are left as staff set them)."""
    existing = set(event.sessions.values_list("slug", flat=True))
    for (slug, kind, start, end, room, capacity, order, title_fr, title_en, desc_fr, desc_en,
         roles) in SESSIONS:
        if slug in existing:
            continue
        starts, ends = _at(event.date, start), _at(event.date, end)
        if event.sessions.filter(room=room, start__lt=ends, end__gt=starts).exists():
            continue  # staff put another session in this room at this time
        session = Session.objects.create(
            event=event, slug=slug, kind=kind, start=starts, end=ends, room=room,
            capacity=capacity, order=order, title_fr=title_fr, title_en=title_en,
            description_fr=desc_fr, description_en=desc_en,
        )
        SessionSpeaker.objects.bulk_create(
            SessionSpeaker(session=session, speaker=speakers[speaker_slug], role=role,
                           order=index)
            for index, (speaker_slug, role) in enumerate(roles)
        )


def _add_missing_pages() -> None:
    existing = set(Page.objects.values_list("slug", flat=True))
    for slug, title_fr, title_en, body_fr, body_en in PAGES:
        if slug not in existing:
            Page.objects.create(slug=slug, title_fr=title_fr, title_en=title_en,
                                body_fr=body_fr, body_en=body_en, is_demo=True)
