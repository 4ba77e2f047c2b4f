# The display formats of the site's language (FORMAT_MODULE_PATH), from blinatrial.dates; what is not set here
# (input formats, number separators) comes from Django's en_GB module.
from blinatrial.dates import DATE_FORMAT, DATETIME_FORMAT

SHORT_DATE_FORMAT = DATE_FORMAT
SHORT_DATETIME_FORMAT = DATETIME_FORMAT

__all__ = ["DATE_FORMAT", "DATETIME_FORMAT", "SHORT_DATE_FORMAT", "SHORT_DATETIME_FORMAT"]
