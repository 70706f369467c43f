from django.apps import AppConfig


class MembershipsConfig(AppConfig):
    name = "rostrum.memberships"
    label = "memberships"
    verbose_name = "Memberships"

    def ready(self) -> None:
        from rostrum.memberships import receivers  # noqa: F401 - connects the receivers
