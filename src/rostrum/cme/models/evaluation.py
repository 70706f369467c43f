"""Evaluations: a questionnaire per event (required before any CME claim) and optionally per session."""

from django.conf import settings
from django.db import models

from rostrum.cme.enums import QuestionKind
from rostrum.programme.models import Event, Session


class Questionnaire(models.Model):
    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="questionnaires")
    session = models.OneToOneField(
        Session,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="questionnaire",
        help_text="Empty: the event's evaluation, which every participant completes before claiming CME.",
    )
    title = models.CharField(max_length=200)
    introduction = models.TextField(blank=True)

    class Meta:
        ordering = ["event", "session"]
        constraints = [
            models.UniqueConstraint(
                fields=["event"], condition=models.Q(session__isnull=True), name="one_event_evaluation"
            )
        ]

    def __str__(self) -> str:
        return self.title


class Question(models.Model):
    questionnaire = models.ForeignKey(Questionnaire, on_delete=models.CASCADE, related_name="questions")
    position = models.PositiveIntegerField(default=0)
    text = models.CharField(max_length=500)
    kind = models.CharField(max_length=10, choices=QuestionKind.choices)
    choices = models.JSONField(
        default=list, blank=True, help_text="The options of a single or multiple choice."
    )
    required = models.BooleanField(default=True)

    class Meta:
        ordering = ["questionnaire", "position", "pk"]

    def __str__(self) -> str:
        return self.text


class EvaluationResponse(models.Model):
    """A participant's completed questionnaire (one each)."""

    questionnaire = models.ForeignKey(Questionnaire, on_delete=models.CASCADE, related_name="responses")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    submitted_at = models.DateTimeField()

    class Meta:
        ordering = ["questionnaire", "submitted_at"]
        constraints = [
            models.UniqueConstraint(fields=["questionnaire", "user"], name="one_response_per_participant")
        ]

    def __str__(self) -> str:
        return f"{self.questionnaire} by user {self.user_id}"


class Answer(models.Model):
    response = models.ForeignKey(EvaluationResponse, on_delete=models.CASCADE, related_name="answers")
    question = models.ForeignKey(Question, on_delete=models.CASCADE, related_name="answers")
    value = models.JSONField(help_text="An int (rating), a string (single, text) or a list (multiple).")

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["response", "question"], name="one_answer_per_question")
        ]

    def __str__(self) -> str:
        return f"Answer to {self.question_id}"
