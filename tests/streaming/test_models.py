"""A recording has an address or a file, never both or neither; its window ends after it starts."""

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError

from rostrum.streaming.enums import MediaKind
from rostrum.streaming.models import LiveStream, Recording
from tests.factories.programme import RoomFactory, SessionFactory, vienna

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("url", "file"),
    [("", ""), ("https://cdn.example.org/a.mp4", "recordings/a.mp4")],
    ids=["neither", "both"],
)
def test_recording_needs_exactly_one_of_url_and_file(url, file):
    recording = Recording(session=SessionFactory(), url=url, file=file)
    with pytest.raises(ValidationError, match="either an address or a file"):
        recording.full_clean()
    with pytest.raises(IntegrityError):
        recording.save()


def test_recording_file_must_be_a_video():
    recording = Recording(session=SessionFactory(), kind=MediaKind.HLS, file="recordings/a.m3u8")
    with pytest.raises(ValidationError, match="MP4 or WebM"):
        recording.full_clean()


def test_recording_window_must_end_after_it_starts():
    recording = Recording(
        session=SessionFactory(),
        url="https://cdn.example.org/a.mp4",
        available_from=vienna(5, 9),
        available_until=vienna(5, 8),
    )
    with pytest.raises(ValidationError, match="must end after it starts"):
        recording.full_clean()


def test_live_stream_valid_with_a_url():
    stream = LiveStream(room=RoomFactory(), kind=MediaKind.MP4, url="https://cdn.example.org/live.mp4")
    stream.full_clean()
    stream.save()
    assert stream.room.live_stream == stream
