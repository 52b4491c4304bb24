"""A project folder as a clerk leaves it: ``dossier init``'s scaffold plus a filled
``dossier.yaml`` and a narrative file (written here, not taken from samples/)."""

from __future__ import annotations

from pathlib import Path

from dossier.scaffold import init_project

NARRATIVE_SENTENCE = ("近年来，示范县认真贯彻落实未成年人保护法，坚持最有利于未成年人的原则，"
                      "健全工作机制，完善关爱服务体系，织密未成年人保护网络。")


def write_project(root: Path, *, applicant: str = "示范县人民政府", doc_number: str = "示政〔2021〕12号",
                  narrative_paragraphs: int = 14) -> Path:
    """A project folder as a clerk leaves it: scaffold plus filled settings and a narrative file."""
    init_project(root, name=applicant)
    (root / "材料" / "基本情况.txt").write_text("\n".join(["一、基本情况"] + [NARRATIVE_SENTENCE * 3] * narrative_paragraphs),
                                                encoding="utf-8")
    quoted = applicant.replace('"', '\\"')
    (root / "dossier.yaml").write_text(f"""\
catalog: minor-protection-2021
evidence_dir: 材料
applicant:
  name: "{quoted}"
  contact: {{name: 陆晓东, title: 县民政局副局长, phone: 0771-5621234, mobile: "13907710001"}}
application_date: 2021-10-25
period: {{start: 2020-01-01, end: 2021-09-30}}
population: 350000
units:
  townships: [城关镇, 大坡镇, 六景镇]
narrative: 材料/基本情况.txt
self_assessment: "经自评，我县未成年人保护工作领导重视、制度健全、机制有效，基本达到示范创建标准，同意申报。"
request:
  doc_number: "{doc_number}"
  signer: 黄志强
  to: 自治区民政厅
  date: 2021-10-25
""", encoding="utf-8")
    return root
