from django.apps import AppConfig


class StreamingConfig(AppConfig):
    name = "rostrum.streaming"
    label = "streaming"
    verbose_name = "Streaming"
