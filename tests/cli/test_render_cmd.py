"""``dossier render`` and ``dossier render-notice`` through the real entry point."""

from __future__ import annotations

from pathlib import Path

import docx



def make_project(cli, tmp_path: Path, doc_number: str = "示政〔2021〕12号") -> Path:
    """A project made by ``dossier init``, settings filled as a clerk would, one evidence file."""
    root = tmp_path / "示范县"
    assert cli("init", root, "--name", "示范县人民政府").exit_code == 0
    config = root / "dossier.yaml"
    text = config.read_text(encoding="utf-8").replace("某政〔2021〕12号", doc_number)
    for placeholder, real in (("张三", "陆晓东"), ("0771-1234567", "0771-5621234"), ("13800000000", "13907710001"),
                              ("李某某", "黄志强"), ("某某自治区民政厅", "自治区民政厅")):
        text = text.replace(placeholder, real)
    config.write_text(text.replace('self_assessment: ""', 'self_assessment: "基本达到示范创建标准，同意申报。"'),
                      encoding="utf-8")
    evidence = root / "材料" / "1.1.1 理论学习" / "学习通知.docx"
    evidence.parent.mkdir(parents=True)
    d = docx.Document()
    for line in ("关于开展理论学习的通知", "示政办发〔2021〕8号", "请认真组织学习。", "示范县人民政府办公室", "2021年4月2日"):
        d.add_paragraph(line)
    d.save(str(evidence))
    return root


def test_render_writes_three_documents_with_statuses(cli, tmp_path):
    """This test ensures that `dossier render PROJECT` writes 申报表, 请示 and 自评报告 into
    输出/, prints their paths, and the 自评报告 carries the check's statuses and evidence."""
    root = make_project(cli, tmp_path)
    before = sorted(p.relative_to(root) for p in (root / "材料").rglob("*"))
    result = cli("render", root)
    assert result.exit_code == 0, result.output
    for name in ("申报表.docx", "请示.docx", "自评报告.docx"):
        assert (root / "输出" / name).is_file()
        assert name in result.stdout
    texts = [p.text for p in docx.Document(str(root / "输出" / "自评报告.docx")).paragraphs]
    assert "指标编号：1.1.1\u3000自评情况：达标" in texts
    assert "材料1：关于开展理论学习的通知（示政办发〔2021〕8号，2021年4月2日）。" in texts
    assert texts[-1] == "2021年10月25日" and "三、存在问题及整改措施" in texts
    assert "指标编号：1.1.2\u3000自评情况：未达标" in texts
    assert sorted(p.relative_to(root) for p in (root / "材料").rglob("*")) == before


def test_render_defaults_to_current_folder(cli, tmp_path):
    """This test ensures that `dossier render` without PROJECT renders the current folder."""
    root = make_project(cli, tmp_path)
    result = cli("render", cwd=root)
    assert result.exit_code == 0, result.output
    assert (root / "输出" / "请示.docx").is_file()


def test_render_refuses_bad_doc_number(cli, tmp_path):
    """This test ensures that a malformed 发文字号 ends `dossier render` with exit 2 and a
    Chinese message naming dossier.yaml and request.doc_number, without a traceback."""
    root = make_project(cli, tmp_path, doc_number="示政[2021]012号")
    result = cli("render", root)
    assert result.exit_code == 2
    assert "request.doc_number" in result.stderr and "dossier.yaml" in result.stderr
    assert "Traceback" not in result.output
    assert not (root / "输出" / "请示.docx").exists()


def test_render_notice_default_and_output(cli, tmp_path):
    """This test ensures that `dossier render-notice CATALOG` writes 输出/通知.docx under the current
    folder (nothing outside 输出/, CONTRACT §6), --output elsewhere, with all standards in 附件1."""
    result = cli("render-notice", "minor-protection-2021", cwd=tmp_path)
    assert result.exit_code == 0, result.output
    notice = tmp_path / "输出" / "通知.docx"
    assert [p.name for p in tmp_path.iterdir()] == ["输出"]
    assert notice.is_file() and "通知.docx" in result.stdout
    rows = docx.Document(str(notice)).tables[0].rows
    assert len(rows) == 1 + 76 + 7
    target = tmp_path / "发布" / "我的通知.docx"
    assert cli("render-notice", "minor-protection-2021", "--output", target).exit_code == 0
    assert target.is_file()


def test_render_notice_unknown_catalog(cli, tmp_path):
    """This test ensures that an unknown catalog name is a usage error (exit 2) naming the
    built-in catalogs."""
    result = cli("render-notice", "no-such-catalog", cwd=tmp_path)
    assert result.exit_code == 2
    assert "minor-protection-2021" in result.stderr
    assert not (tmp_path / "通知.docx").exists()


def test_render_help_is_chinese(cli):
    """This test ensures that both commands explain themselves in Chinese."""
    for command in ("render", "render-notice"):
        result = cli(command, "--help")
        assert result.exit_code == 0
        assert "GB/T 9704-2012" in result.stdout and "用法" in result.stdout
