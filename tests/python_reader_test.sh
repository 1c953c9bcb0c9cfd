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
lcp journal post --year 2026/27 --month M01 --narrative Budget \
  practice:A81001:budget:PRESCRIBING=1200 pct:allocation:PRESCRIBING=-1200
lcp month close --month M01
lcp journal post --year 2026/27 --month M02 --narrative Invoice \
  practice:A81001:spend:PRESCRIBING=310.25 lcp:cash=-310.25
"$build/clients/lcp" --server "$address" export --out "$work/ledger.lcpx"

reader() { PYTHONPATH="$work/gen" "$python" "$source/docs/examples/read_export.py" "$@"; }
out=$(reader "$work/ledger.lcpx")
echo "$out"
head=$("$build/clients/lcp" --server "$address" head | sed -n 's/^hash  //p')
expected="5 records (entries 1 to 5); chain, header and 1 month-close checkpoints verified; head $head"
[[ $out == *"$expected" ]] || { echo "expected: ...$expected" >&2; exit 1; }

# One byte of the last record's body flipped: the reader names record 5.
size=$(stat -c %s "$work/ledger.lcpx")
cp "$work/ledger.lcpx" "$work/tampered.lcpx"
offset=$(( size - 60 ))  # Inside the last record's body.
printf '\x01' | dd of="$work/tampered.lcpx" bs=1 seek="$offset" conv=notrunc status=none
set +e
err=$(reader "$work/tampered.lcpx" 2>&1 >/dev/null)
code=$?
set -e
echo "$err"
[[ $code == 1 && $err == *"FAILED: record 5"* ]] || { echo "the tampered file was not refused at record 5" >&2; exit 1; }
echo "python reader: 2 passed, 0 failed"
