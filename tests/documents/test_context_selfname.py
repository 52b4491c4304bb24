"""How the applicant names itself in its own 自评报告."""

from dossier.documents.context import self_name


def test_self_name_follows_the_applicant_level():
    """A 县 says 我县, a 市 我市, a 区 我区, a 旗 我旗; a name ending otherwise falls back to 我县.
    This test ensures that a district or city applying under a county-level scheme is not made to
    call itself 我县 in its own report."""
    assert self_name("某某瑶族自治县") == "我县"
    assert self_name("北流市") == "我市"
    assert self_name("青秀区") == "我区"
    assert self_name("鄂托克旗") == "我旗"
    assert self_name("") == "我县"
