from django.apps import AppConfig


class ProgrammeConfig(AppConfig):
    name = "rostrum.programme"
    label = "programme"
    verbose_name = "Programme"

    def ready(self) -> None:
        from rostrum.programme import receivers  # noqa: F401 - connects the receivers
