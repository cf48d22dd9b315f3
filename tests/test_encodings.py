"""Text in other encodings than UTF-8 is read (charset-normalizer), by byte-order mark or detection."""

from __future__ import annotations

import json

import pytest

from claimgraph.errors import InputError
from claimgraph.textio import check_text, decode_bytes, iter_jsonl

ENGLISH = ("The minister\u2019s caf\u00e9 statement \u2014 \u201cno comment\u201d \u2014 was repeated in "
           "Peshawar on Monday, officials said, as talks between the two governments resumed in the capital.")
ARABIC = ("\u0642\u0627\u0644\u062a \u0648\u0632\u0627\u0631\u0629 \u0627\u0644\u062e\u0627\u0631\u062c\u064a\u0629 "
          "\u0641\u064a \u0628\u064a\u0627\u0646 \u064a\u0648\u0645 \u0627\u0644\u0627\u062b\u0646\u064a\u0646 "
          "\u0625\u0646 \u0627\u0644\u0645\u062d\u0627\u062f\u062b\u0627\u062a \u0633\u062a\u0633\u062a\u0623\u0646\u0641 "
          "\u0627\u0644\u0623\u0633\u0628\u0648\u0639 \u0627\u0644\u0645\u0642\u0628\u0644 \u0641\u064a "
          "\u0627\u0644\u0639\u0627\u0635\u0645\u0629.")


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "utf-16", "utf-32", "cp1252"])
def test_english_in_common_encodings_decodes_exactly(encoding):
    assert decode_bytes(ENGLISH.encode(encoding), "x") == ENGLISH


def test_utf16_is_text_not_binary():
    text = decode_bytes("The army attacked the town on Monday, officials said.".encode("utf-16"), "u16")
    check_text(text, "u16")  # nothing to refuse


def test_cp1256_arabic_is_read_then_refused_for_its_script_not_its_bytes():
    text = decode_bytes(ARABIC.encode("cp1256"), "ar")
    assert text == ARABIC
    with pytest.raises(InputError, match="Latin script"):
        check_text(text, "ar")


def test_noise_and_binary_are_refused_with_a_reason():
    with pytest.raises(InputError, match="binary"):
        decode_bytes(b"\x00\x01\x02binary\x00" * 50, "b")
    with pytest.raises(InputError, match="no encoding"):
        decode_bytes(bytes(range(1, 256)) * 8, "n")


def test_a_jsonl_line_in_cp1252_is_read():
    line = json.dumps({"id": "c1", "text": ENGLISH}, ensure_ascii=False).encode("cp1252")
    (item,) = list(iter_jsonl([line + b"\n"], "feed.jsonl"))
    assert not isinstance(item, InputError) and item.text == ENGLISH
