from django.apps import AppConfig


class CmeConfig(AppConfig):
    name = "rostrum.cme"
    label = "cme"
    verbose_name = "CME"
