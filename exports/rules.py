"""Pure rules of the snapshot request form."""

from datetime import date

from blinatrial.wording import gettext


def cutoff_problem(cutoff: date | None, today: date) -> str | None:
    """A data cut-off must not be in the future: nothing after today exists yet to be cut off."""
    if cutoff is not None and cutoff > today:
        return gettext("The data cut-off cannot be after today.")
    return None
