"""Indicator IDs as clerks type them (CONTRACT §1)."""

from __future__ import annotations

from dossier import catalog, ids


def test_full_width_and_spaces_fold():
    """This test ensures that full-width digits and dots, surrounding spaces and lower-case n are folded."""
    assert ids.normalize(" ２．１．３ ") == "2.1.3"
    assert ids.normalize("n4") == "N4"
    assert ids.split_ids("2.1.3、2.1.7，N1；２．２．１ 3.1.1;4.1.2") == ["2.1.3", "2.1.7", "N1", "2.2.1", "3.1.1", "4.1.2"]


def test_unknown_id_lists_same_subitem():
    """This test ensures that an unknown ID is reported with the valid IDs of the same sub-item."""
    valid = catalog.load().ids()
    msg = ids.unknown_id_message("2.1.9", valid)
    assert msg.startswith("未知指标编号 2.1.9") and "2.1.3" in msg and "2.1.8" in msg and "2.2.1" not in msg
    assert "N7" in ids.unknown_id_message("N8", valid)


def test_name_prefix():
    """This test ensures that only an ID followed by a space, _, -, 、 or . at the start of a name matches."""
    for name, expected in [("2.1.3 县级会议", "2.1.3"), ("2.1.3_纪要.pdf", "2.1.3"), ("N1-承诺书", "N1"),
                           ("10.2.2、场所", "10.2.2"), ("2.1.3.纪要.pdf", "2.1.3")]:
        m = ids.NAME_PREFIX.match(name)
        assert m and m.group(1) == expected, name
    for name in ("县级2.1.3会议", "2.1.30会议", "Nine"):
        m = ids.NAME_PREFIX.match(name)
        assert not m or m.group(1) != "2.1.3", name
