# The display formats of Simplified Chinese (FORMAT_MODULE_PATH), from blinatrial.dates: 2026年11月29日,
# 2026年11月29日 14:05. Numbers keep the decimal point (Django's zh_Hans module), as in English.
from blinatrial.dates import ZH_DATE_FORMAT as DATE_FORMAT
from blinatrial.dates import ZH_DATETIME_FORMAT as DATETIME_FORMAT

SHORT_DATE_FORMAT = DATE_FORMAT
SHORT_DATETIME_FORMAT = DATETIME_FORMAT
DECIMAL_SEPARATOR = "."
THOUSAND_SEPARATOR = ","

__all__ = [
    "DATE_FORMAT", "DATETIME_FORMAT", "SHORT_DATE_FORMAT", "SHORT_DATETIME_FORMAT", "DECIMAL_SEPARATOR",
    "THOUSAND_SEPARATOR",
]
