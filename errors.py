"""Errors whose message is shown to the user as it is (CLI line or Slack reply)."""


class SendBotError(Exception):
    """Base class: the message is written for a council officer, not a developer."""


class IndexMissing(SendBotError):
    """There is no index yet at the configured location."""


class IndexOutdated(SendBotError):
    """The index was embedded with another model than the one configured now."""


class IngestBusy(SendBotError):
    """Another ingest holds the index lock."""


class DocumentUnreadable(SendBotError):
    """A file could not be read; the message says why (encrypted, empty, scanned, ...)."""


class IndexWriteFailed(SendBotError):
    """The new index could not be written (disk full, read-only folder); the old one stands."""


class NotAllowed(SendBotError):
    """The user asked for something only admins may do."""


class SettingsMissing(SendBotError):
    """A required setting (such as a Slack token) is not set."""


class BadFilter(SendBotError):
    """A filter value (a year, priority or date) could not be understood; the message says which."""


class AccessRulesInvalid(SendBotError):
    """The access rules file (SENDBOT_ACCESS_FILE) cannot be read, or names what is not there."""
