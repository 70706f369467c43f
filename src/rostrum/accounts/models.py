"""A person with an account: signs in by e-mail; the profile says how certificates print their name."""

from django.contrib.auth.models import AbstractUser, UserManager
from django.db import models
from django_countries.fields import CountryField

from rostrum.accounts.enums import Profession


class AccountManager(UserManager):
    """Users sign in by e-mail; there is no separate user name."""

    def _create_user_object(self, username, email, password, **extra_fields):
        email = self.normalize_email(email or username)
        user = self.model(email=email, **extra_fields)
        user.password = ""
        if password is not None:
            user.set_password(password)
        return user

    def create_user(self, email=None, password=None, **extra_fields):
        extra_fields.setdefault("is_staff", False)
        extra_fields.setdefault("is_superuser", False)
        return self._create_user(email, email, password, **extra_fields)

    def create_superuser(self, email=None, password=None, **extra_fields):
        extra_fields.setdefault("is_staff", True)
        extra_fields.setdefault("is_superuser", True)
        return self._create_user(email, email, password, **extra_fields)

    def _create_user(self, username, email, password, **extra_fields):
        user = self._create_user_object(username, email, password, **extra_fields)
        user.save(using=self._db)
        return user


class User(AbstractUser):
    username = None
    email = models.EmailField("e-mail address", unique=True)
    certificate_name = models.CharField(
        max_length=200, blank=True, help_text="Your name exactly as it must appear on certificates."
    )
    profession = models.CharField(max_length=30, choices=Profession.choices, blank=True)
    country = CountryField(blank=True)
    institution = models.CharField(max_length=200, blank=True)

    USERNAME_FIELD = "email"
    REQUIRED_FIELDS = []

    objects = AccountManager()

    def __str__(self) -> str:
        return self.display_name

    @property
    def display_name(self) -> str:
        return self.certificate_name or self.get_full_name() or self.email
