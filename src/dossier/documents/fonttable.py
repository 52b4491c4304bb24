"""Make a .docx open right in Word/WPS on a Chinese government PC: fontTable.xml declares
the 公文 fonts with the GB2312 charset and an altName fallback (a PC without 仿宋_GB2312
uses 仿宋, not a Latin font), the East Asian theme language is zh-CN, and no Japanese font
from python-docx's default template is declared anywhere."""

from __future__ import annotations

import re

W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
GB2312 = "86"  # w:charset is hex: 0x86 = GB2312_CHARSET (134)

# (name, altName, family, pitch)
FONTS = (
    ("仿宋_GB2312", "仿宋", "modern", "fixed"),
    ("楷体_GB2312", "楷体", "modern", "fixed"),
    ("方正小标宋简体", "宋体", "script", "fixed"),
    ("黑体", "SimHei", "modern", "fixed"),
    ("宋体", "SimSun", "auto", "variable"),
)
LATIN = (("Times New Roman", "roman"), ("Calibri", "swiss"))


def font_table_xml() -> str:
    fonts = "".join(
        f'<w:font w:name="{name}"><w:altName w:val="{alt}"/><w:charset w:val="{GB2312}"/>'
        f'<w:family w:val="{family}"/><w:pitch w:val="{pitch}"/></w:font>' for name, alt, family, pitch in FONTS)
    fonts += "".join(f'<w:font w:name="{name}"><w:charset w:val="00"/><w:family w:val="{family}"/>'
                     f'<w:pitch w:val="variable"/></w:font>' for name, family in LATIN)
    return f"<?xml version='1.0' encoding='UTF-8' standalone='yes'?>\n<w:fonts xmlns:w=\"{W}\">{fonts}</w:fonts>"


def localize(name: str, data: bytes) -> bytes:
    """One part of the package, rewritten for zh-CN (others returned unchanged)."""
    if name == "word/fontTable.xml":
        return font_table_xml().encode("utf-8")
    if name == "word/settings.xml":
        text = data.decode("utf-8")
        lang = '<w:themeFontLang w:val="en-US" w:eastAsia="zh-CN"/>'
        if "<w:themeFontLang" in text:
            text = re.sub(r"<w:themeFontLang[^>]*/>", lang, text)
        else:
            text = text.replace("</w:settings>", lang + "</w:settings>")
        return text.encode("utf-8")
    if name.startswith("word/theme/") and name.endswith(".xml"):
        text = data.decode("utf-8")
        text = re.sub(r'<a:font script="Jpan" typeface="[^"]*"/>', "", text)
        text = text.replace('<a:ea typeface=""/>', '<a:ea typeface="宋体"/>')
        return text.encode("utf-8")
    return data
