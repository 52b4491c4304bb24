"""Hostile inputs, generated: what clerks' folders, Windows habits and careless or malicious
files put in front of dossier (issue 10). Each maker writes real bytes; nothing is stored
in the repository. See tests/fixtures/README.md for where each one comes from.
"""

from __future__ import annotations

import io
import os
import zipfile
import zlib
from pathlib import Path

# --------------------------------------------------------------------------- names


def gbk_named(folder: Path, name: str, data: bytes) -> Path:
    """A file whose name is GBK bytes on disk — what unzipping a zip made on Chinese Windows
    gives on Linux (the zip stores names in the ANSI code page, the unzipper writes the bytes)."""
    folder.mkdir(parents=True, exist_ok=True)
    raw = os.fsencode(folder) + b"/" + name.encode("gbk")
    with open(raw, "wb") as f:
        f.write(data)
    return Path(os.fsdecode(raw))


# --------------------------------------------------------------------------- settings

def circular_alias(config: str) -> str:
    """``incidents: &a [*a]``: an alias inside its own anchor (a list containing itself)."""
    return _set_key(config, "incidents", "&a [*a]")


def huge_integer(config: str, digits: int = 5000) -> str:
    """A 5,000-digit ``population`` (Python refuses to convert more than 4,300 digits)."""
    return _set_key(config, "population", "9" * digits)


def billion_laughs(config: str, levels: int = 9, width: int = 9) -> str:
    """Nested anchors inside ``units.schools``: each level repeats the previous one ``width``
    times, so ``width ** levels`` names (387 million) hide in a few hundred bytes."""
    lines = [f"    - &l0 [{', '.join(['哈'] * width)}]"]
    for i in range(1, levels):
        lines.append(f"    - &l{i} [{', '.join([f'*l{i - 1}'] * width)}]")
    block = "units:\n  schools:\n" + "\n".join(lines) + "\n"
    kept = [line for line in config.splitlines(keepends=True)]
    out, skipping = [], False
    for line in kept:  # drop the existing units: block
        if line.startswith("units:"):
            skipping = True
            continue
        if skipping and (line.startswith((" ", "\t")) or not line.strip()):
            continue
        skipping = False
        out.append(line)
    return "".join(out) + block


def _set_key(config: str, key: str, value: str) -> str:
    out, found = [], False
    for line in config.splitlines(keepends=True):
        if line.startswith(f"{key}:"):
            out.append(f"{key}: {value}\n")
            found = True
        else:
            out.append(line)
    if not found:
        out.append(f"{key}: {value}\n")
    return "".join(out)


# --------------------------------------------------------------------------- manifests

FORMULA = "=cmd|' /C calc'!A0"


def hostile_manifest_csv(rows: list[tuple[str, str, str, str]]) -> str:
    """A CSV manifest (指标编号, 文件, 材料名称, 备注); quote every cell so anything survives."""
    def q(cell: str) -> str:
        return '"' + cell.replace('"', '""') + '"'

    lines = ["指标编号,文件,材料名称,备注"] + [",".join(q(c) for c in row) for row in rows]
    return "\n".join(lines) + "\n"


def zip_bomb_xlsx(path: Path, inflated_mb: int = 300) -> Path:
    """A "workbook" whose sheet part inflates to ``inflated_mb`` MB from a few hundred KB."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("[Content_Types].xml", '<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/'
                   'package/2006/content-types"><Override PartName="/xl/workbook.xml" ContentType="application/'
                   'vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/></Types>')
        with z.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as member:
            chunk = b" " * (1 << 20)
            for _ in range(inflated_mb):
                member.write(chunk)
    return path


# --------------------------------------------------------------------------- evidence

def encrypted_office(plain: bytes, password: str = "123456") -> bytes:
    """A password-protected .docx/.xlsx as Office writes it: an OLE2 package holding
    EncryptionInfo and EncryptedPackage (MS-OFFCRYPTO agile encryption)."""
    from msoffcrypto.format.ooxml import OOXMLFile

    out = io.BytesIO()
    OOXMLFile(io.BytesIO(plain)).encrypt(password, out)
    return out.getvalue()


def html_table_xls(rows: list[list[str]], *, charset: str = "gb2312") -> bytes:
    """What web systems offer as "导出 Excel": an HTML table saved with a .xls name."""
    cells = "".join("<tr>" + "".join(f"<td>{c}</td>" for c in row) + "</tr>" for row in rows)
    html = (f'<html xmlns:x="urn:schemas-microsoft-com:office:excel"><head><meta http-equiv="Content-Type" '
            f'content="text/html; charset={charset}"></head><body><table border="1">{cells}</table></body></html>')
    return html.encode(charset)


def pdf_bomb(decoded_mb: int, *, repeats: int = 1) -> bytes:
    """A one-page PDF whose content stream inflates to ``decoded_mb`` MB of spaces (1 GB from
    about 1 MB of file). ``repeats`` lists the same stream that many times in /Contents, so
    each stream stays small while the page's content is ``repeats`` times larger."""
    c = zlib.compressobj(9)
    chunk = b" " * (1 << 20)
    parts = [c.compress(chunk) for _ in range(decoded_mb)]
    parts.append(c.compress(b"BT /F1 12 Tf 72 720 Td (bomb) Tj ET\n"))
    parts.append(c.flush())
    stream = b"".join(parts)
    contents = b"4 0 R" if repeats == 1 else b"[" + b" ".join([b"4 0 R"] * repeats) + b"]"
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents " + contents
        + b" /Resources << /Font << /F1 5 0 R >> >> >>",
        b"<< /Length %d /Filter /FlateDecode >>\nstream\n" % len(stream) + stream + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    out = bytearray(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for number, body in enumerate(objects, 1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % off for off in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    return bytes(out)
