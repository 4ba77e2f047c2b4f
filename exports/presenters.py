"""How a snapshot's stored texts are shown: the progress label and the error are stored in English (the build
writes them, whatever the language of the user who asked) and translated here, at display time, by matching them
against the texts the build writes (exports.services marks each with gettext_noop). An error text the build did
not write itself (an unexpected exception's message) is shown as stored.
"""

import re

from django.utils.translation import gettext

# Stored texts with a value inside, as stored (English) -> the msgid that translates them.
_PATTERNS = (
    (re.compile(r"Writing (?P<file>\S+)"), "Writing %(file)s"),
    (re.compile(r"(?P<user>.+) may no longer export snapshots\."), "%(user)s may no longer export snapshots."),
    (
        re.compile(r"(?P<user>.+) may not export the sites of this snapshot\."),
        "%(user)s may not export the sites of this snapshot.",
    ),
)
# An exception's class name, as the build stores it before the message.
_EXCEPTION = re.compile(r"(?P<kind>[A-Z][A-Za-z]*(?:Error|Denied|Exception)): (?P<message>.*)", re.S)


def shown_stored_text(text: str) -> str:
    """A stored progress label or message in the active language (unchanged if it is not one the build writes)."""
    if not text:
        return text
    for pattern, msgid in _PATTERNS:
        if match := pattern.fullmatch(text):
            return gettext(msgid) % match.groupdict()
    return gettext(text)


def shown_error(error: str) -> str:
    """A stored build error in the active language: the build's own messages are translated, after the exception
    class (a name for the technical reader) when there is one."""
    if match := _EXCEPTION.fullmatch(error or ""):
        message = shown_stored_text(match["message"])
        if message != match["message"]:
            return message
        return error
    return shown_stored_text(error)
