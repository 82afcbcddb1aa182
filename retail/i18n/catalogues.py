"""Checks of the translation catalogues: complete, not fuzzy, placeholders intact, up to date.

Used by ``tests/retail/test_translations.py`` and ``scripts/po_missing.py``
(``make po-missing``).  ``polib`` is a dev dependency, imported on use.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parents[2]
LOCALE_DIR = BASE_DIR / "locale"
# Every language we ship besides English (the msgids are the English text).
CATALOGUE_LANGUAGES = ("da", "sv", "nb")
DOMAIN = "django"
# What makemessages skips, as the README's command line does.
EXTRACT_IGNORE = (".venv", "staticfiles", "bench", "tests", "node_modules", "test-artifacts")
_COPY_IGNORE = shutil.ignore_patterns(
    ".git",
    ".venv",
    "locale",
    "staticfiles",
    "bench",
    "tests",
    "node_modules",
    "test-artifacts",
    "__pycache__",
    "*.pyc",
    "*.sqlite3",
    "var",
    "media",
    ".pytest_cache",
    ".ruff_cache",
    ".hypothesis",
)
_PLACEHOLDER = re.compile(r"%\([^)]+\)[-+ #0-9.]*[sdifr]|%[-+ #0-9.]*[sdifr]|%%|\{[A-Za-z_0-9]*\}")

Key = tuple[str, str]  # (msgctxt or "", msgid)


@dataclass(frozen=True)
class Problem:
    language: str
    msgctxt: str
    msgid: str
    what: str  # "untranslated", "fuzzy", "placeholders" or "plural forms"

    def __str__(self) -> str:
        context = f"[{self.msgctxt}] " if self.msgctxt else ""
        return f"{self.language}: {self.what}: {context}{self.msgid!r}"


def placeholders(text: str) -> list[str]:
    """Return the format placeholders of ``text`` (``%(name)s``, ``%d``, ``{name}``), sorted."""
    return sorted(_PLACEHOLDER.findall(text))


def catalogue_path(language: str, locale_dir: Path = LOCALE_DIR) -> Path:
    return locale_dir / language / "LC_MESSAGES" / f"{DOMAIN}.po"


def catalogue_problems(
    *, languages=CATALOGUE_LANGUAGES, locale_dir: Path = LOCALE_DIR
) -> list[Problem]:
    """Return every entry of the catalogues that is untranslated, fuzzy or breaks a placeholder."""
    import polib

    problems = []
    for language in languages:
        po = polib.pofile(str(catalogue_path(language, locale_dir)))
        nplurals = int(re.search(r"nplurals\s*=\s*(\d+)", po.metadata["Plural-Forms"]).group(1))
        for entry in po:
            if entry.obsolete:
                continue

            def problem(what, entry=entry, language=language):
                return Problem(language, entry.msgctxt or "", entry.msgid, what)

            if "fuzzy" in entry.flags:
                problems.append(problem("fuzzy"))
            if entry.msgid_plural:
                forms = [entry.msgstr_plural.get(i, "") for i in range(nplurals)]
                if not all(forms):
                    problems.append(problem("untranslated"))
                    continue
                if len(entry.msgstr_plural) != nplurals:
                    problems.append(problem("plural forms"))
                # The singular may drop the number ("one order"); the other forms keep it.
                expected = placeholders(entry.msgid_plural)
                if any(placeholders(form) != expected for form in forms[1:]):
                    problems.append(problem("placeholders"))
            elif not entry.msgstr:
                problems.append(problem("untranslated"))
            elif placeholders(entry.msgstr) != placeholders(entry.msgid):
                problems.append(problem("placeholders"))
    return problems


def catalogue_keys(language: str, locale_dir: Path = LOCALE_DIR) -> set[Key]:
    import polib

    po = polib.pofile(str(catalogue_path(language, locale_dir)))
    return {(entry.msgctxt or "", entry.msgid) for entry in po if not entry.obsolete}


def gettext_available() -> bool:
    """Return whether GNU gettext's ``xgettext`` (which makemessages runs) is installed."""
    return shutil.which("xgettext") is not None and shutil.which("msguniq") is not None


def extracted_keys(*, base_dir: Path = BASE_DIR) -> set[Key]:
    """Return the msgids ``makemessages`` finds in the code now, without touching ``locale/``.

    Copies the sources to a temporary directory and extracts there.  Needs
    GNU gettext (``gettext_available()``).
    """
    import polib

    with tempfile.TemporaryDirectory() as tmp:
        copy = Path(tmp) / "src"
        shutil.copytree(base_dir, copy, ignore=_COPY_IGNORE)
        (copy / "locale").mkdir()
        command = [sys.executable, "manage.py", "makemessages", "-l", "da", "-v", "0"]
        command += [f"--ignore={pattern}" for pattern in EXTRACT_IGNORE]
        subprocess.run(command, cwd=copy, check=True, capture_output=True)  # noqa: S603
        po = polib.pofile(str(catalogue_path("da", copy / "locale")))
        return {(entry.msgctxt or "", entry.msgid) for entry in po if not entry.obsolete}


def missing_keys(
    *, languages=CATALOGUE_LANGUAGES, locale_dir: Path = LOCALE_DIR, base_dir: Path = BASE_DIR
) -> dict[str, set[Key]]:
    """Return, per language, the msgids in the code that its catalogue does not have yet."""
    found = extracted_keys(base_dir=base_dir)
    return {language: found - catalogue_keys(language, locale_dir) for language in languages}


def describe(key: Key) -> str:
    msgctxt, msgid = key
    return f"[{msgctxt}] {msgid!r}" if msgctxt else repr(msgid)
