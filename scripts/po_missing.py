#!/usr/bin/env python
"""Print what the translators still have to do, per language (``make po-missing``).

Lists untranslated, fuzzy and placeholder-breaking entries of
``locale/{da,sv,nb}/LC_MESSAGES/django.po``, and (with GNU gettext installed)
the strings in the code that are not in the catalogues yet; run
``manage.py makemessages -l da -l sv -l nb --ignore=.venv --ignore=staticfiles
--ignore=bench --ignore=tests`` to add those.  Exits non-zero when anything is left.
"""

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from retail.i18n.catalogues import (
    CATALOGUE_LANGUAGES,
    catalogue_problems,
    describe,
    gettext_available,
    missing_keys,
)


def main() -> int:
    left = 0
    problems = catalogue_problems()
    missing = missing_keys() if gettext_available() else None
    for language in CATALOGUE_LANGUAGES:
        mine = [p for p in problems if p.language == language]
        new = sorted(missing[language]) if missing else []
        print(f"== {language}: {len(mine)} to fix in the catalogue, {len(new)} not extracted yet")
        for problem in mine:
            print(f"  {problem.what}: {describe((problem.msgctxt, problem.msgid))}")
        for key in new:
            print(f"  not in the catalogue: {describe(key)}")
        left += len(mine) + len(new)
    if missing is None:
        print("(xgettext not installed: strings not yet extracted are not checked)")
    return 1 if left else 0


if __name__ == "__main__":
    sys.exit(main())
