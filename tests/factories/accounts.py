import factory

from rostrum.accounts.models import User


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User

    email = factory.Sequence(lambda n: f"member{n}@example.org")
    first_name = "Anna"
    last_name = factory.Sequence(lambda n: f"Müller{n}")
    password = factory.django.Password("correct horse battery staple")
