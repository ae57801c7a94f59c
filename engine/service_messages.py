"""The engine's door for notifications and mail (see ``engine.notify`` and ``engine.mail``)."""

from __future__ import annotations

from engine.service_base import EngineBase


class MessagingMethods(EngineBase):
    """Notifications in the app, the mail outbox and daily digests."""
