#!/usr/bin/env bash
# The generated templates in samples/templates/: one per ★ ledger (training hours, discretion benchmarks,
# the three normative-document lists), made by the built sheetgate binary for 2023 with the roster's
# agency dropdown. Run from the repository root after `swift build`: bash samples/make_templates.sh
set -euo pipefail
cd "$(dirname "$0")/.."
bin="${SHEETGATE:-.build/debug/sheetgate}"
out=samples/templates
mkdir -p "$out"
roster=samples/本级行政执法部门名单.xlsx
"$bin" template training-hours --period 2023 --roster "$roster" -o "$out/执法人员培训学时台账_模板.xlsx"
"$bin" template training-hours --agency 乌审旗司法局 --period 2023 --roster "$roster" -o "$out/乌审旗司法局_执法人员培训学时台账_模板.xlsx"
"$bin" template discretion-benchmarks --period 2023 --roster "$roster" -o "$out/行政裁量权基准统计表_模板.xlsx"
"$bin" template normative-documents-valid --period 2023 --roster "$roster" -o "$out/规范性文件目录_继续有效_模板.xlsx"
"$bin" template normative-documents-amended --period 2023 --roster "$roster" -o "$out/规范性文件目录_修改_模板.xlsx"
"$bin" template normative-documents-repealed --period 2023 --roster "$roster" -o "$out/规范性文件目录_宣布失效_模板.xlsx"
