"""The annotators' command line for the judged development set (the data model is judged_data.py, the scorer
judged.py; this module sits above both so that neither imports the other).

    python -m claimgraph.evaluation.judged_tool check WORKING.yaml ...       # validate working files
    python -m claimgraph.evaluation.judged_tool compile WORKING.yaml ...     # write claimgraph/data/judged/
    python -m claimgraph.evaluation.judged_tool show DOC_ID                  # a stored file with its words
    python -m claimgraph.evaluation.judged_tool agree FIRST.yaml SECOND.yaml # two annotators of one document
"""

from __future__ import annotations

import sys
from pathlib import Path

import yaml

from ..errors import DataFileError
from .common import EvaluationError
from .judged import agreement
from .judged_data import (JUDGED_DIR, compile_working, decompile, document_text, dump_stored, file_name,
                          load_judged)


def main(argv: list[str]) -> int:
    if len(argv) < 2 or argv[0] not in ("check", "compile", "show", "agree"):
        print(__doc__, file=sys.stderr)
        return 2
    command, args = argv[0], argv[1:]
    try:
        if command == "show":
            for doc_id in args:
                path = JUDGED_DIR / file_name(doc_id)
                print(yaml.safe_dump(decompile(load_judged(path)), sort_keys=False, allow_unicode=True, width=120))
            return 0
        if command == "agree":
            first, second = (compile_working(Path(a)) for a in args[:2])
            print(yaml.safe_dump(agreement(first, second, document_text(first.doc)[0]), sort_keys=False,
                                 allow_unicode=True, width=120))
            return 0
        for arg in args:
            judged = compile_working(Path(arg))
            if command == "compile":
                JUDGED_DIR.mkdir(parents=True, exist_ok=True)
                (JUDGED_DIR / file_name(judged.doc)).write_text(dump_stored(judged), encoding="utf-8")
            print(f"{arg}: ok ({len(judged.actors)} actors, {len(judged.statements)} statements)")
    except (DataFileError, EvaluationError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
