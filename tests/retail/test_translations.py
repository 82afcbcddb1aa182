"""The Danish, Swedish and Norwegian catalogues: complete, exact, current and compiled.

When one of these fails after you added or changed a string, run
``manage.py makemessages -l da -l sv -l nb --ignore=.venv --ignore=staticfiles
--ignore=bench --ignore=tests``, translate what ``make po-missing`` lists and
run ``make install`` (which compiles the catalogues).
"""

from pathlib import Path

import polib
import pytest
from django.utils import translation

from retail.i18n.catalogues import (
    CATALOGUE_LANGUAGES,
    LOCALE_DIR,
    catalogue_path,
    catalogue_problems,
    describe,
    missing_keys,
)


def _listing(lines) -> str:
    return "\n".join(f"  {line}" for line in lines)


def test_catalogues_every_entry_translated_not_fuzzy_placeholders_kept():
    problems = catalogue_problems()
    assert not problems, (
        f"{len(problems)} catalogue entries need a translator (make po-missing):\n"
        + _listing(problems)
    )


@pytest.mark.gettext
def test_catalogues_hold_every_string_makemessages_finds_in_the_code():
    missing = missing_keys()
    lines = [f"{language}: {describe(key)}" for language, keys in missing.items() for key in keys]
    assert not lines, (
        f"{len(lines)} marked strings are not in the catalogues yet; run makemessages, "
        "translate them and commit the .po files:\n" + _listing(sorted(lines))
    )


def test_catalogue_check_names_untranslated_fuzzy_and_broken_placeholders(tmp_path: Path):
    po = polib.POFile()
    po.metadata = {"Plural-Forms": "nplurals=2; plural=(n != 1);", "Content-Type": "text/plain"}
    po.append(polib.POEntry(msgid="Pick list", msgstr="Plukliste"))
    po.append(polib.POEntry(msgid="Log out", msgstr=""))
    po.append(polib.POEntry(msgid="Print", msgstr="Udskriv", flags=["fuzzy"]))
    po.append(polib.POEntry(msgid="Order %(number)s", msgstr="Ordre %(nummer)s"))
    po.append(
        polib.POEntry(
            msgid="%(units)s unit",
            msgid_plural="%(units)s units",
            msgstr_plural={0: "%(units)s enhed", 1: ""},
        )
    )
    path = catalogue_path("da", tmp_path)
    path.parent.mkdir(parents=True)
    po.save(str(path))

    found = {(p.msgid, p.what) for p in catalogue_problems(languages=["da"], locale_dir=tmp_path)}

    assert found == {
        ("Log out", "untranslated"),
        ("Print", "fuzzy"),
        ("Order %(number)s", "placeholders"),
        ("%(units)s unit", "untranslated"),
    }


@pytest.mark.parametrize(
    ("language", "pick_list", "receipt"),
    [
        ("da", "Plukliste", "Kassekvittering"),
        ("sv", "Plocklista", "Kassakvitto"),
        ("nb", "Plukkliste", "Kassekvittering"),
    ],
)
def test_catalogues_are_compiled_by_the_install(language, pick_list, receipt):
    assert (LOCALE_DIR / language / "LC_MESSAGES" / "django.mo").exists(), "run make install"
    with translation.override(language):
        assert translation.gettext("Pick list") == pick_list
        assert translation.gettext("POS receipt") == receipt
        assert translation.pgettext("purchase order", "Order") in {"Ordre", "Order"}


def test_catalogues_cover_the_languages_we_ship(settings):
    assert {code for code, _name in settings.LANGUAGES} == {"en", *CATALOGUE_LANGUAGES}
