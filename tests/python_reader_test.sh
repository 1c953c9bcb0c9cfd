#!/usr/bin/env bash
# docs/examples/read_export.py, the auditor's reader written from docs/export-format.md alone, against
# a real export: it accepts it (with its month-close checkpoint) and names the record a flipped byte
# breaks. Arguments: the build folder and the source folder. Uses Debian's python3 and python3-protobuf.
set -euo pipefail
build=$1
source=$2
source "$source/tests/insecure_server.sh"
python=/usr/bin/python3
mkdir "$work/gen"
protoc --python_out="$work/gen" -I "$source/proto" "$source/proto/lcp/v1/ledger.proto"

lcp() { "$build/clients/lcp" --server "$address" "$@" >/dev/null; }
lcp practice add A81001 "Riverside Medical Centre"
lcp year open 2026/27 PRESCRIBING
# The budget by the agreed method (a budget can no longer be typed): the example weights, a list with
# Riverside's patients alone, the PCT's confirmed total and an indicative run give it all 1,200.00.
lcp capitation weights "$source/docs/examples/weights-prescribing.csv" --year 2026/27 --line PRESCRIBING
grep -e '^PUBLICATION' -e ',A81001,' "$source/docs/examples/gp-reg-pat-prac-quin-age.csv" >"$work/lists.csv"
lcp capitation lists "$work/lists.csv"
lcp budget confirm-total --year 2026/27 --line PRESCRIBING --total 1200
lcp capitation run --year 2026/27 --month M01 --line PRESCRIBING --indicative
lcp month close --month M01
lcp journal post --year 2026/27 --month M02 --narrative Invoice \
  practice:A81001:spend:PRESCRIBING=310.25 lcp:cash=-310.25
"$build/clients/lcp" --server "$address" export --out "$work/ledger.lcpx"

reader() { PYTHONPATH="$work/gen" "$python" "$source/docs/examples/read_export.py" "$@"; }
out=$(reader "$work/ledger.lcpx")
echo "$out"
head=$("$build/clients/lcp" --server "$address" head | sed -n 's/^hash  //p')
expected="8 records (entries 1 to 8); chain, header and 1 month-close checkpoints verified; head $head"
[[ $out == *"$expected" ]] || { echo "expected: ...$expected" >&2; exit 1; }

# One byte of the last record's body (the invoice) flipped: the reader names record 8.
size=$(stat -c %s "$work/ledger.lcpx")
cp "$work/ledger.lcpx" "$work/tampered.lcpx"
offset=$(( size - 60 ))  # Inside the last record's body.
printf '\x01' | dd of="$work/tampered.lcpx" bs=1 seek="$offset" conv=notrunc status=none
set +e
err=$(reader "$work/tampered.lcpx" 2>&1 >/dev/null)
code=$?
set -e
echo "$err"
[[ $code == 1 && $err == *"FAILED: record 8"* ]] || { echo "the tampered file was not refused at record 8" >&2; exit 1; }
echo "python reader: 2 passed, 0 failed"
