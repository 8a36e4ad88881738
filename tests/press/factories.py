import factory

from press.models import AccreditationRequest, AccreditationTransition, token_digests
from tests.factories import EventFactory


class AccreditationFactory(factory.django.DjangoModelFactory):
    """A submitted request with a press card number, its first transition recorded and the
    digests of its tokens stored (as `accreditation_submit` does once the number is known)."""

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
            for field, value in token_digests(obj.pk).items():
                setattr(obj, field, value)
            AccreditationRequest.objects.filter(pk=obj.pk).update(**token_digests(obj.pk))
            AccreditationTransition.objects.create(
                accreditation=obj, from_status="", to_status=obj.status
            )
