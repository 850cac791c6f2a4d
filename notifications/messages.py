"""The outbox's own kind: a test message a manager sends to themselves from
the Messages page, to check that email and text messages reach people."""

from notifications.kinds import ALL_CHANNELS, Kind, register

TEST_MESSAGE = register(
    Kind(
        name="notifications.test_message",
        label="Test message",
        model="homes.Home",
        essential=True,
        channels=ALL_CHANNELS,
    )
)
