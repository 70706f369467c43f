from django.apps import AppConfig


class RegistrationConfig(AppConfig):
    name = "rostrum.registration"
    label = "registration"
    verbose_name = "Registration"

    def ready(self) -> None:
        from rostrum.registration import receivers  # noqa: F401 - connects the signal receivers
