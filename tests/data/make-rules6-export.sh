#!/usr/bin/env bash
# How tests/data/rules6-export.lcpx was made: with the binaries of commit 3caac23, the last under
# rules version 6 (docs/architecture.md, "Rules versions"), before business cases. It records a year
# settled with savings and the next year opened after it, which under rules 6 carries each
# practice's savings into 2027/28 as its reinvestment reserve (70,000.00 in all: 20,680.16,
# 16,040.98 and 33,278.86). Around them: confirmed totals, a FINAL run, the agreement, the year's
# membership terms and a sign-up, spend, and the twelve month ends.
# The recorded times come from a clock file, so the notices' dates are fixed.
# tests/notices_test.cc replays the file with today's engine and checks its figures.
# Usage: make-rules6-export.sh OLD_BIN_DIR OUT_FILE (OLD_BIN_DIR holds lcp-ledgerd and lcp).
set -euo pipefail
bin=$1 out=$2
root=$(cd "$(dirname "$0")/../.." && pwd)
work=$(mktemp -d)
echo 2026-04-20T09:00:00Z >"$work/clock"
"$bin/lcp-ledgerd" --data-dir "$work/data" --listen 127.0.0.1:0 --insecure --ready-file "$work/ready" \
  --clock-file "$work/clock" 2>"$work/server.log" &
pid=$!
trap 'kill $pid; wait $pid || true; rm -rf "$work"' EXIT
for _ in $(seq 1 300); do [[ -s $work/ready ]] && break; sleep 0.02; done
lcp() { "$bin/lcp" --server "$(cat "$work/ready")" "$@" >/dev/null; }
clock() { echo "$1" >"$work/clock"; }
ex=$root/docs/examples
lcp practice add A81001 "Riverside Medical Centre" --key r6-p1
lcp practice add A81002 "Hillview Surgery" --key r6-p2
lcp practice add A81003 "Park Lane Practice" --key r6-p3
lcp provider add NLO01 "Riverside Community Health" --kind community --key r6-v1
lcp year open 2026/27 COMMUNITY --key r6-y1
lcp capitation weights "$ex/weights-community.csv" --year 2026/27 --line COMMUNITY --key r6-w1
lcp capitation indices "$ex/indices.csv" --year 2026/27 --key r6-i1
lcp capitation lists "$ex/gp-reg-pat-prac-quin-age.csv"
# Entries 11 and 12: COMMUNITY's total, 3,050,000.00, and its FINAL notice.
lcp --as pct budget confirm-total --year 2026/27 --line COMMUNITY --total 3050000 --key r6-t1
lcp --as officer capitation run --year 2026/27 --month M01 --line COMMUNITY --final --key r6-a1
# Entries 13 to 16: the agreement (the worked examples' terms), co-signed; the terms; a sign-up.
lcp --as officer agreement propose --year 2026/27 --pooled COMMUNITY \
  --savings-threshold 0.01 --savings-mode first_pound --savings-bands 0.70 --savings-cap 0.05 \
  --overspend-threshold 0 --overspend-mode first_pound --overspend-bands 0.02:1.00,0.05:0.50,0.00 \
  --overspend-cap 0.03 --alpha-budget 0.5 --alpha-contribution 0.5 --reason "Agreed in April" \
  --key r6-g1
lcp --as pct agreement cosign --year 2026/27 --proposal 13 --key r6-g2
printf 'Membership terms of the Riverside LCP, 2026/27.\n' >"$work/terms.txt"
lcp --as officer membership terms --year 2026/27 --terms "$work/terms.txt" \
  --title "Membership terms 2026/27" --key r6-m1
lcp --as riverside membership sign --year 2026/27 --practice A81001 --terms "$work/terms.txt" \
  --agreement 13 --key r6-m2
# Entries 17 to 19: the year's spend, 2,950,000.00 against the pooled budget of 3,050,000.00.
clock 2026-06-02T12:00:00Z
lcp --as officer journal post --year 2026/27 --month M02 --narrative "Community services, Riverside" \
  practice:A81001:spend:COMMUNITY=900000 provider:NLO01:payable=-900000 --key r6-j1
lcp --as officer journal post --year 2026/27 --month M02 --narrative "Community services, Hillview" \
  practice:A81002:spend:COMMUNITY=1400000 provider:NLO01:payable=-1400000 --key r6-j2
lcp --as officer journal post --year 2026/27 --month M02 --narrative "Community services, Park Lane" \
  practice:A81003:spend:COMMUNITY=650000 provider:NLO01:payable=-650000 --key r6-j3
# Entries 20 to 31: the month ends; 32: the settlement; 33: 2027/28 opened after it, carrying
# the savings into its M01 as the practices' reserves (rules 6).
clock 2027-04-05T09:00:00Z
for month in 01 02 03 04 05 06 07 08 09 10 11 12; do
  lcp --as officer month close --year 2026/27 --month "M$month" --key "r6-c$month"
done
lcp --as officer year settle --year 2026/27 --key r6-s1
lcp --as admin year open 2027/28 COMMUNITY --key r6-y2
"$bin/lcp" --server "$(cat "$work/ready")" export --out "$out" >/dev/null
