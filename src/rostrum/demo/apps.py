from django.apps import AppConfig


class DemoConfig(AppConfig):
    """The demo: data from the society's own texts (seeds), loaded across every app. Sits above all apps."""

    name = "rostrum.demo"
    label = "demo"
    verbose_name = "Demo"
