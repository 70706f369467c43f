from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "rostrum.accounts"
    label = "accounts"
    verbose_name = "Accounts"
