import factory

from press.models import AccreditationRequest, AccreditationTransition
from tests.factories import EventFactory


class AccreditationFactory(factory.django.DjangoModelFactory):
    """A submitted request with a press card number, its first transition recorded."""

    class Meta:
        model = AccreditationRequest
        skip_postgeneration_save = True

    event = factory.SubFactory(EventFactory)
    first_name = "Léa"
    last_name = factory.Sequence(lambda n: f"Martin{n}")
    email = factory.Sequence(lambda n: f"journaliste{n}@example.org")
    phone = "06 12 34 56 78"
    outlet = "Le Parisien"
    media_type = AccreditationRequest.MediaType.PRINT
    role = AccreditationRequest.Role.JOURNALIST
    press_card_number = "123456"
    consent = True

    @factory.post_generation
    def submitted(obj, create, extracted, **kwargs):
        if create:
            AccreditationTransition.objects.create(
                accreditation=obj, from_status="", to_status=obj.status
            )
