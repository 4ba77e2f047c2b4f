"""Plain facts the CDISC files are built from (no Django): a form's records, people, e-signatures."""

from dataclasses import dataclass
from datetime import datetime

from integrity.cells import Column


@dataclass(frozen=True)
class FormRecords:
    """The participants' live records of one form file: raw values in the order of `columns`."""

    file_name: str
    label: str
    columns: tuple[Column, ...]
    rows: list[tuple]

    @property
    def stem(self) -> str:
        return self.file_name.removesuffix(".csv")

    def dicts(self) -> list[dict]:
        names = [c.name for c in self.columns]
        return [dict(zip(names, row, strict=True)) for row in self.rows]


@dataclass(frozen=True)
class Person:
    username: str
    first_name: str
    last_name: str


@dataclass(frozen=True)
class SignatureFact:
    """An e-signature not marked broken: of a timepoint ("EOC1", "AE-3") or, with timepoint "", the casebook."""

    pk: int
    participant_id: str
    timepoint: str
    username: str
    meaning: str
    signed_at: datetime
