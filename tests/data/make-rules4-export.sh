#!/usr/bin/env bash
# How tests/data/rules4-export.lcpx was made: with the binaries of commit 36345d8, the last under
# rules version 4 (docs/architecture.md, "Rules versions"). It records what rules 4 allowed and
# rules 5 refuses: practices signing up on a terms document that the LCP never recorded as the
# year's membership terms. Around them, what rules 4 brought in: a budget transfer between lines
# that moves both lines' confirmed totals, a transfer between two practices on one line, a new
# total confirmed after them and a FINAL run that splits it less what the transfer moved in.
# The recorded times come from a clock file, so the notices' dates are fixed.
# tests/notices_test.cc replays the file with today's engine and checks its figures.
# Usage: make-rules4-export.sh OLD_BIN_DIR OUT_FILE (OLD_BIN_DIR holds lcp-ledgerd and lcp).
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
lcp practice add A81001 "Riverside Medical Centre" --key r4-p1
lcp practice add A81002 "Hillview Surgery" --key r4-p2
lcp practice add A81003 "Park Lane Practice" --key r4-p3
lcp year open 2026/27 PRESCRIBING COMMUNITY --key r4-y1
lcp capitation weights "$ex/weights-community.csv" --year 2026/27 --line COMMUNITY --key r4-w1
lcp capitation indices "$ex/indices.csv" --year 2026/27 --key r4-i1
lcp capitation lists "$ex/gp-reg-pat-prac-quin-age.csv"
# Entries 10 to 12: the totals, and COMMUNITY's FINAL notice.
lcp --as pct budget confirm-total --year 2026/27 --line COMMUNITY --total 3000000 --key r4-t1
lcp --as pct budget confirm-total --year 2026/27 --line PRESCRIBING --total 1500000 --key r4-t2
lcp --as officer capitation run --year 2026/27 --month M01 --line COMMUNITY --final --key r4-a1
clock 2026-05-12T11:00:00Z
# Entries 13 and 14: 20,000.00 of Hillview's COMMUNITY budget moves to PRESCRIBING, and with it the
# two lines' confirmed totals (COMMUNITY 2,980,000.00, PRESCRIBING 1,520,000.00).
lcp --as officer budget transfer --year 2026/27 --practice A81002 --from COMMUNITY --to PRESCRIBING \
  --amount 20000 --reason "Community nursing sessions moved to medicines review" --key r4-b1
lcp --as pct budget approve-transfer 13 --year 2026/27 --month M02 --key r4-b2
# Entries 15 and 16: 5,000.00 of Park Lane's COMMUNITY budget moves to Riverside.
lcp --as officer budget transfer --year 2026/27 --practice A81003 --to-practice A81001 \
  --from COMMUNITY --amount 5000 --reason "Care home residents re-registered with Riverside" \
  --key r4-b3
lcp --as pct budget approve-transfer 15 --year 2026/27 --month M02 --key r4-b4
clock 2026-06-02T12:00:00Z
# Entries 17 and 18: the PCT adds 50,000.00 to COMMUNITY's whole total, and a FINAL run revises
# the notice, splitting 3,030,000.00 less the -20,000.00 the transfer moved in.
lcp --as pct budget confirm-total --year 2026/27 --line COMMUNITY --total 3030000 \
  --reason "Growth money agreed with the PCT" --key r4-t3
lcp --as officer capitation run --year 2026/27 --month M02 --line COMMUNITY --final \
  --reason "Growth money" --key r4-a2
# Entries 19 to 22: the agreement, and two sign-ups on a terms document never recorded as the
# year's terms (rules 5 refuses such a sign-up).
lcp --as officer agreement propose --year 2026/27 --pooled PRESCRIBING,COMMUNITY \
  --savings-threshold 0.01 --savings-mode first_pound --savings-bands 0.70 --savings-cap 0.05 \
  --overspend-threshold 0 --overspend-mode first_pound --overspend-bands 0.02:1.00,0.05:0.50,0.00 \
  --overspend-cap 0.03 --alpha-budget 0.5 --alpha-contribution 0.5 --reason "Agreed late" \
  --key r4-g1
lcp --as pct agreement cosign --year 2026/27 --proposal 19 --key r4-g2
printf 'Membership terms of the Riverside LCP, 2026/27.\n' >"$work/terms.txt"
lcp --as riverside membership sign --year 2026/27 --practice A81001 --terms "$work/terms.txt" \
  --agreement 19 --key r4-s1
lcp --as hillview membership sign --year 2026/27 --practice A81002 --terms "$work/terms.txt" \
  --agreement 19 --key r4-s2
"$bin/lcp" --server "$(cat "$work/ready")" export --out "$out" >/dev/null
