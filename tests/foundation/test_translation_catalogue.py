"""The Simplified Chinese catalogue is complete, current and keeps to the glossary.

- complete: `msgfmt --statistics` counts every message translated, none fuzzy, none untranslated;
- current: `makemessages`, run on a copy of the source, finds no marked string the catalogue lacks and none it
  holds that the source no longer marks (so a string marked without a translation fails here);
- the glossary (locale/glossary.zh_Hans.tsv): an entry whose English holds a glossary term, as a whole word or
  phrase in any case, carries the term's Chinese in its translation. Longer terms are matched first, and the part
  of the text they cover is not matched again by a shorter one. Entries with the context "web address" (a URL's
  query string, not a data query) or "anatomical site" (a body site, not a trial centre) are not checked, and
  placeholders (`%(site)s`) are not text.
"""

import csv
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import polib
import pytest
from django.conf import settings

ROOT = Path(settings.BASE_DIR)
CATALOGUE = ROOT / "locale" / "zh_Hans" / "LC_MESSAGES" / "django.po"
GLOSSARY = ROOT / "locale" / "glossary.zh_Hans.tsv"
SOURCE = ("manage.py", "blinatrial", "integrity", "enrollment", "cycles", "assessments", "safety", "endpoints",
          "exports", "api", "templates")


NOT_GLOSSARY_CONTEXTS = {"web address", "anatomical site"}
PLACEHOLDER = re.compile(r"%\(\w+\)[sdif]|\{\w*\}")


def _entries(po: polib.POFile) -> set[tuple[str | None, str]]:
    return {(e.msgctxt, e.msgid) for e in po if not e.obsolete}


def test_every_message_translated_none_fuzzy():
    result = subprocess.run(
        ["msgfmt", "--check", "--statistics", "-o", os.devnull, str(CATALOGUE)],
        capture_output=True, text=True, check=False,
    )
    assert result.returncode == 0, result.stderr
    stats = result.stderr.strip()
    assert re.fullmatch(r"\d+ translated messages\.", stats), stats
    po = polib.pofile(str(CATALOGUE))
    assert len(po.translated_entries()) > 1000, "the catalogue holds the whole interface"
    assert not po.untranslated_entries() and not po.fuzzy_entries()


def test_catalogue_holds_exactly_what_the_source_marks(tmp_path):
    for name in SOURCE:
        source = ROOT / name
        if source.is_dir():
            shutil.copytree(source, tmp_path / name, ignore=shutil.ignore_patterns("__pycache__", "*.mo"))
        else:
            shutil.copy(source, tmp_path / name)
    shutil.copytree(ROOT / "locale", tmp_path / "locale", ignore=shutil.ignore_patterns("*.mo"))
    subprocess.run(
        [sys.executable, "manage.py", "makemessages", "--locale", "zh_Hans", "--no-obsolete", "--verbosity", "0"],
        cwd=tmp_path, check=True, env={**os.environ, "PYTHONPATH": str(tmp_path)},
    )
    fresh = _entries(polib.pofile(str(tmp_path / "locale" / "zh_Hans" / "LC_MESSAGES" / "django.po")))
    kept = _entries(polib.pofile(str(CATALOGUE)))
    missing = sorted(fresh - kept, key=str)[:20]
    assert not missing, f"marked in the source but not in the catalogue (run make catalogue): {missing}"
    assert not kept - fresh, f"in the catalogue but no longer marked: {sorted(kept - fresh, key=str)[:20]}"


def _glossary() -> list[tuple[str, str]]:
    lines = [line for line in GLOSSARY.read_text(encoding="utf-8").splitlines() if not line.startswith("#")]
    rows = list(csv.DictReader(lines, delimiter="\t"))
    return sorted(((r["english"], r["chinese"]) for r in rows), key=lambda r: len(r[0]), reverse=True)


def _term_pattern(term: str) -> re.Pattern:
    words = re.escape(term)
    plural = r"(?:y|ies)" if term.endswith("y") else r"(?:s|es)?"
    if term.endswith("y"):
        words = re.escape(term[:-1])
    return re.compile(rf"(?<![\w-]){words}{plural}(?![\w-])", re.IGNORECASE)


def glossary_misses(po: polib.POFile, glossary: list[tuple[str, str]]) -> list[str]:
    misses = []
    for entry in po:
        if entry.obsolete or entry.msgctxt in NOT_GLOSSARY_CONTEXTS:
            continue
        english = PLACEHOLDER.sub(" ", " ".join(filter(None, (entry.msgid, entry.msgid_plural))))
        chinese = entry.msgstr or " ".join(entry.msgstr_plural.values())
        for term, term_zh in glossary:
            pattern = _term_pattern(term)
            if pattern.search(english):
                if term_zh not in chinese:
                    misses.append(f"{entry.msgid!r}: {term!r} should read {term_zh!r} in {chinese!r}")
                english = pattern.sub(" ", english)
    return misses


def test_catalogue_uses_the_glossary_terms():
    misses = glossary_misses(polib.pofile(str(CATALOGUE)), _glossary())
    assert not misses, f"{len(misses)} entries not using the glossary:\n" + "\n".join(misses[:60])


@pytest.mark.parametrize(
    ("english", "chinese", "misses"),
    [
        ("Serious adverse events this month", "本月严重不良事件", 0),
        ("Serious adverse events this month", "本月严重不良反应", 1),
        ("Open queries", "未关闭的质疑", 0),
        ("Open queries", "未关闭的问题", 1),
        ("Unlock the record", "解除锁定", 0),
        ("%(site)s screening log", "%(site)s筛选日志", 0),  # a placeholder named "site" is not the word
    ],
)
def test_glossary_check_itself(english, chinese, misses):
    po = polib.POFile()
    po.append(polib.POEntry(msgid=english, msgstr=chinese))
    assert len(glossary_misses(po, _glossary())) == misses
