"""A TrueType CJK font for the pages dossier draws itself (page numbers, image captions,
category dividers).

reportlab embeds (subsets) TrueType outlines only, not the CFF outlines of Noto CJK or
Fandol, so the Song-style TrueType font of Debian's ``fonts-arphic-gbsn00lp`` is preferred;
any other TrueType font with Chinese coverage will do. Without one, reportlab's built-in
``STSong-Light`` CID font is used, which readers substitute but the PDF does not embed: the
drawn photo and divider pages then go through binder/embed.py like evidence, which needs a
TrueType Chinese font as well, so on such a machine the fonts stay unembedded, ``build``
names them and ``build --pdfa`` reports that the file does not validate
(scripts/install-system.sh installs fonts-arphic-gbsn00lp, so this is a bare machine's case).
"""

from __future__ import annotations

import functools
import subprocess
from pathlib import Path

# Song-style first: 公文 page numbers are 宋体 digits.
PREFERRED = (
    "/usr/share/fonts/truetype/arphic-gbsn00lp/gbsn00lp.ttf",
    "/usr/share/fonts/truetype/arphic/gbsn00lp.ttf",
)
FALLBACK_CID = "STSong-Light"


@functools.lru_cache(maxsize=1)
def truetype_cjk_path() -> Path | None:
    for candidate in PREFERRED:
        if Path(candidate).is_file():
            return Path(candidate)
    try:
        listed = subprocess.run(["fc-list", ":lang=zh:fontformat=TrueType", "file"], capture_output=True,
                                text=True, timeout=20).stdout
    except (OSError, subprocess.TimeoutExpired):
        return None
    files = sorted(line.split(":")[0].strip() for line in listed.splitlines() if line.strip())
    ttf = [f for f in files if f.lower().endswith(".ttf")]
    return Path(ttf[0]) if ttf else None


@functools.lru_cache(maxsize=1)
def register() -> str:
    """Register the font with reportlab once; returns the name to pass to ``setFont``."""
    from reportlab.pdfbase import pdfmetrics

    path = truetype_cjk_path()
    if path is not None:
        from reportlab.pdfbase.ttfonts import TTFont

        pdfmetrics.registerFont(TTFont("DossierSong", str(path)))
        return "DossierSong"
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont

    pdfmetrics.registerFont(UnicodeCIDFont(FALLBACK_CID))
    return FALLBACK_CID


def embeds() -> bool:
    return truetype_cjk_path() is not None


def retag(pdf, prefix: str) -> None:
    """Give reportlab's font subsets (always tagged AAAAAA+, AAAAAB+, …) a tag of their own, so
    subsets from different drawings never share a name inside the dossier (some readers and
    printers merge fonts by name). ``prefix``: three capital letters, or six for a drawing cached
    on its own, which cannot know its neighbours' tags: five of them replace the tag's first
    five letters (the sixth still tells the drawing's own subsets apart)."""
    import pikepdf

    whole = len(prefix) == 6
    seen = set()
    for page in pdf.pages:
        fonts = page.obj.get("/Resources", {}).get("/Font", {})
        for key in list(fonts.keys()):
            font = fonts[key]
            if font.objgen in seen or font.objgen == (0, 0):
                continue
            seen.add(font.objgen)
            base = str(font.get("/BaseFont", ""))
            if len(base) > 8 and base[7] == "+" and base[1:7].isupper():
                tagged = pikepdf.Name("/" + (prefix[:5] + base[6:] if whole else prefix + base[4:]))
                font.BaseFont = tagged
                descriptor = font.get("/FontDescriptor")
                if descriptor is not None:
                    descriptor.FontName = tagged


def tag_for(key: str) -> str:
    """Six capital letters derived from a hex digest: a subset tag for a cached drawing."""
    n = int(key[:16], 16)
    letters = []
    for _ in range(6):
        n, r = divmod(n, 26)
        letters.append(chr(ord("A") + r))
    return "".join(letters)
