from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "rostrum.core"
    label = "core"
    verbose_name = "Core"
