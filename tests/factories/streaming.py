import factory

from rostrum.streaming import models
from rostrum.streaming.enums import MediaKind
from tests.factories.programme import RoomFactory, SessionFactory


class LiveStreamFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.LiveStream

    room = factory.SubFactory(RoomFactory)
    kind = MediaKind.HLS
    url = factory.Sequence(lambda n: f"https://cdn.example.org/live/room-{n}/index.m3u8")


class RecordingFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.Recording

    session = factory.SubFactory(SessionFactory)
    kind = MediaKind.MP4
    url = factory.Sequence(lambda n: f"https://cdn.example.org/recordings/secret-{n}.mp4")
