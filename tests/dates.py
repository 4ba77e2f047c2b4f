"""A date as the pages show it (29 Nov 2026), written independently of blinatrial.dates for expected values."""

import datetime


def read(day: datetime.date) -> str:
    return f"{day.day} {day:%b %Y}"


def read_utc(moment: datetime.datetime) -> str:
    utc = moment.astimezone(datetime.UTC)
    return f"{read(utc)} {utc:%H:%M} UTC"
