from rest_framework import serializers

from rostrum.streaming.enums import MediaKind, PlayerStatus


class MediaSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(choices=MediaKind.choices)
    url = serializers.CharField(help_text="The stream, the recording, or a short-lived /watch/media/ link.")
    captions_url = serializers.CharField(allow_blank=True, help_text="WebVTT captions; empty when none.")


class PlayerStateSerializer(serializers.Serializer):
    status = serializers.ChoiceField(choices=PlayerStatus.choices)
    reason = serializers.CharField(help_text="Why, in a viewer's words.")
    starts_at = serializers.DateTimeField()
    ends_at = serializers.DateTimeField()
    timezone = serializers.CharField(help_text="The event's IANA time zone.")
    available_until = serializers.DateTimeField(allow_null=True, help_text="On demand until; null: open.")
    media = MediaSerializer(
        allow_null=True, help_text="Only when the viewer may watch now; null for everybody else."
    )
