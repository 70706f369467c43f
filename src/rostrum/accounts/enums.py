from django.db import models


class Profession(models.TextChoices):
    RADIOLOGIST = "radiologist", "Radiologist"
    RADIOGRAPHER = "radiographer", "Radiographer"
    RESIDENT = "resident", "Resident / trainee"
    STUDENT = "student", "Student"
    MEDICAL_PHYSICIST = "medical_physicist", "Medical physicist"
    OTHER = "other", "Other"
