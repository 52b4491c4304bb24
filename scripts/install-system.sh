#!/usr/bin/env bash
# System packages dossier needs: LibreOffice (headless Word/Excel → PDF), qpdf and poppler
# (checks and baselines), CJK fonts (Noto CJK; Fandol from texlive-lang-chinese for 仿宋/楷体).
# Installs what is missing when run as root on Debian/Ubuntu; otherwise says what to install.
set -u
need=()
command -v soffice >/dev/null 2>&1 || need+=(libreoffice-writer-nogui libreoffice-calc-nogui)
command -v qpdf >/dev/null 2>&1 || need+=(qpdf)
command -v pdftotext >/dev/null 2>&1 || need+=(poppler-utils)
fc-list 2>/dev/null | grep -q "Noto Serif CJK" || need+=(fonts-noto-cjk)
fc-list 2>/dev/null | grep -q "AR PL SungtiL GB" || need+=(fonts-arphic-gbsn00lp)
fc-list 2>/dev/null | grep -q "AR PL KaitiM GB" || need+=(fonts-arphic-gkai00mp)   # 楷 substitute (binder/embed.py)
[ -f /usr/share/fonts/opentype/urw-base35/NimbusSans-Regular.otf ] || need+=(fonts-urw-base35)   # Helvetica/Times/Courier substitutes
fc-list 2>/dev/null | grep -qi "FandolFang" || ls /usr/share/texlive/texmf-dist/fonts/opentype/public/fandol/FandolFang-Regular.otf >/dev/null 2>&1 || need+=(texlive-lang-chinese)
command -v fc-list >/dev/null 2>&1 || need+=(fontconfig)
command -v chromium >/dev/null 2>&1 || need+=(chromium)   # the workbench's browser tests (Playwright drives it)
# The OCR bench (bench/ocr.py) compares dossier with Tesseract and OCRmyPDF on the same scans.
if [ "${DOSSIER_BENCH:-0}" = 1 ]; then
  command -v tesseract >/dev/null 2>&1 || need+=(tesseract-ocr)
  [ -f /usr/share/tesseract-ocr/5/tessdata/chi_sim.traineddata ] || ls /usr/share/tesseract-ocr/*/tessdata/chi_sim.traineddata >/dev/null 2>&1 || need+=(tesseract-ocr-chi-sim)
  command -v ocrmypdf >/dev/null 2>&1 || need+=(ocrmypdf)
fi
[ ${#need[@]} -eq 0 ] && exit 0
if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
  echo "安装系统软件包：${need[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq && apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
else
  echo "缺少系统软件包：${need[*]}；请以 root 身份运行 apt-get install ${need[*]}" >&2
fi
