"""An import file with every kind of problem the import schema can produce: each is one
Italian line (by pydantic's error type and its values), with no English left."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from bot.cli_errors import PROBLEMS, import_lines
from core.errors import ImportFailed
from core.importer import parse
from tests.cli_run import sportello

FILE = Path(__file__).parent / "data" / "import_every_problem.yaml"
# pydantic's own English, and the error types themselves.
ENGLISH = re.compile(r"Input should|should be|should have|Field required|not permitted|"
                     r"String should|match pattern|Value error|valid (integer|number|date)|"
                     r"\b(Extra|inputs|Input|required|permitted|pattern|type|key|"
                     r"expected|items?|least|most|digits)\b|[a-z]+_[a-z]+_?(type|error|"
                     r"parsing|short|long|digits|places|mismatch)\b")
# Every error type the schema produces from this file (pydantic's and the importer's own).
KINDS = {"literal_error", "bool_parsing", "bool_type", "model_type", "no_letters", "too_short",
         "too_long", "extra_forbidden", "string_too_short", "string_too_long",
         "decimal_parsing", "greater_than_equal", "less_than_equal", "decimal_max_places",
         "decimal_whole_digits", "decimal_max_digits", "list_type", "dict_type",
         "int_from_float", "int_parsing", "int_type", "string_type", "control_chars",
         "finite_number", "missing", "string_pattern_mismatch", "date_from_datetime_parsing",
         "date_from_datetime_inexact", "date_range"}


def problems() -> ImportFailed:
    with pytest.raises(ImportFailed) as failed:
        parse(FILE.read_text("utf-8"), "clienti.yaml")
    return failed.value


def test_the_file_has_every_kind_and_each_has_its_sentence() -> None:
    kinds = {detail.code for _, _, detail in problems().facts["problems"]}
    assert kinds >= KINDS, sorted(KINDS - kinds)
    assert kinds <= set(PROBLEMS), sorted(kinds - set(PROBLEMS))


def test_every_problem_reads_italian() -> None:
    lines = import_lines(problems())
    assert lines[0].startswith("Importazione non riuscita: nessun dato è stato importato.")
    for line in lines[1:]:
        message = line.split(": ", 1)[1]
        assert ENGLISH.search(message) is None, line
        assert "«»" not in line, line  # a value to quote, or none at all
    text = "\n".join(lines)
    for expected in (
            "restorable: deve essere true o false: «forse»",
            "durations: la lista deve avere almeno un elemento",
            "durations: la lista può avere al massimo 12 elementi",
            "colore: campo sconosciuto",
            "code: campo obbligatorio mancante",
            "postcode: formato non valido: «123» (serve un CAP di 5 cifre",
            "province: formato non valido: «rm» (serve la sigla della provincia",
            "email: formato non valido: «nope» (serve un indirizzo email",
            "price: importo troppo grande: «12345678901.00»",
            "limits.b: deve essere al massimo 1.000.000.000: «10000000000»",
            "usage.a: deve essere un numero intero\n",
            "policies.pippo.(chiave): valore non ammesso: «pippo»",
            "preferred_method: valore non ammesso: «assegno» (ammessi: carta, paypal, "
            "bonifico, bollettino)",
            "expires_on: data non valida: «2027-02-30» (usa AAAA-MM-GG)"):
        assert expected in text + "\n", expected


def test_the_command_prints_them_and_exits_2(tmp_path: Path) -> None:
    db = f"sqlite+aiosqlite:///{tmp_path / 'vuoto.db'}"
    result = sportello(["import", str(FILE), "--db", db])
    assert result.returncode == 2 and result.stdout == ""
    lines = result.stderr.splitlines()
    assert len(lines) == 1 + len(problems().facts["problems"])
    assert all(ENGLISH.search(line.split(": ", 1)[1]) is None for line in lines[1:]), lines
    assert not (tmp_path / "vuoto.db").exists()  # refused before any database is opened
