#!/usr/bin/env bash
# How tests/data/rules1-export.lcpx was made: with the binaries of commit 7a1e213, the last before
# rules version 2 (docs/architecture.md, "Rules versions"). It records what rules 1 allowed and rules 2
# refuses: journals into practices' budget, reinvestment and risk-share accounts and pct:risk_share,
# a reversal of a budget journal, an allocation run with a total typed in (no confirmed total, no
# notice kind), and a correction posted into a later month than the earliest open one. The test
# (tests/notices_test.cc in process, tests/rules_version_test.cc through lcp-audit, lcp-ledgerd restore
# and a server) replays the file with today's engine and checks its figures.
# Usage: make-rules1-export.sh OLD_BIN_DIR OUT_FILE (OLD_BIN_DIR holds lcp-ledgerd and lcp).
set -euo pipefail
bin=$1 out=$2
root=$(cd "$(dirname "$0")/../.." && pwd)
work=$(mktemp -d)
"$bin/lcp-ledgerd" --data-dir "$work/data" --listen 127.0.0.1:0 --insecure --ready-file "$work/ready" \
  2>"$work/server.log" &
pid=$!
trap 'kill $pid; wait $pid || true; rm -rf "$work"' EXIT
for _ in $(seq 1 300); do [[ -s $work/ready ]] && break; sleep 0.02; done
lcp() { "$bin/lcp" --server "$(cat "$work/ready")" "$@" >/dev/null; }
ex=$root/docs/examples
lcp practice add A81001 "Riverside Medical Centre" --key r1-p1
lcp practice add A81002 "Hillview Surgery" --key r1-p2
lcp practice add A81003 "Park Lane Practice" --key r1-p3
lcp provider add NLO01 "Riverside Community Health" --kind community --key r1-v1
lcp year open 2026/27 ELECTIVE PRESCRIBING COMMUNITY --key r1-y1
lcp journal post --year 2026/27 --month M01 --narrative "PCT prescribing allocation, typed in" \
  practice:A81001:budget:PRESCRIBING=1200000.00 practice:A81002:budget:PRESCRIBING=950000.00 \
  practice:A81003:budget:PRESCRIBING=850000.00 pct:allocation:PRESCRIBING=-3000000.00 --key r1-j1
lcp journal reverse 6 --reason "Budgets come from capitation" --year 2026/27 --month M01 --key r1-r1
lcp capitation weights "$ex/weights-community.csv" --year 2026/27 --line COMMUNITY --key r1-w1
lcp capitation indices "$ex/indices.csv" --year 2026/27 --key r1-i1
lcp capitation lists "$ex/gp-reg-pat-prac-quin-age.csv"
lcp capitation run --year 2026/27 --month M01 --line COMMUNITY --total 3000000 --key r1-a1
lcp journal post --year 2026/27 --month M01 --narrative "Budget moved by hand" \
  practice:A81001:budget:COMMUNITY=-5000.00 practice:A81002:budget:COMMUNITY=5000.00 --key r1-j2
lcp journal post --year 2026/27 --month M02 --narrative "Community invoice" \
  practice:A81001:spend:COMMUNITY=10000.00 provider:NLO01:payable=-10000.00 --key r1-j3
lcp month close --year 2026/27 --month M01 --key r1-c1
lcp journal post --year 2026/27 --month M04 --corrects 6 --narrative "Correction in a later month" \
  practice:A81001:spend:COMMUNITY=-1000.00 practice:A81003:spend:COMMUNITY=1000.00 --key r1-j4
lcp journal post --year 2026/27 --month M03 --narrative "A saving typed in" \
  practice:A81003:reinvestment=-2500.00 pct:risk_share=2500.00 --key r1-j5
lcp journal post --year 2026/27 --month M03 --narrative "A share typed in" \
  practice:A81002:risk_share=700.00 lcp:cash=-700.00 --key r1-j6
# Entries 20 on (appended after entries 1-19 were first recorded, so those keep their numbers): a
# BUY contract on COMMUNITY paid in M02 and M03 by activity, the year's risk-sharing agreement
# recorded late (a variation, with its reason) and co-signed by another principal, M02 to M12
# closed, and the settlement that credits the practices' reinvestment and pct:risk_share and
# releases the contract's outstanding 50,000.00.
lcp contract add C-R1-001 --provider NLO01 --mode buy --line COMMUNITY --start-year 2026/27 \
  --start-month M02 --type block --value 3200000 --attribution activity \
  --description "Community nursing" --key r1-k1
lcp --as approver contract approve C-R1-001 --year 2026/27 --month M02 --key r1-k2
lcp contract pay C-R1-001 --year 2026/27 --month M02 --amount 1500000 --invoice NLO01-2026-05 \
  --practice A81001=400000 --practice A81002=800000 --practice A81003=300000
lcp contract pay C-R1-001 --year 2026/27 --month M03 --amount 1400000 --invoice NLO01-2026-06 \
  --practice A81001=480000 --practice A81002=620000 --practice A81003=300000
lcp agreement propose --year 2026/27 --pooled COMMUNITY --reason "Agreed in April, recorded late" \
  --savings-threshold 0.01 --savings-mode first_pound --savings-bands 0.70 --savings-cap 0.05 \
  --overspend-threshold 0 --overspend-mode first_pound --overspend-bands 0.02:1.00,0.05:0.50,0.00 \
  --overspend-cap 0.03 --alpha-budget 0.5 --alpha-contribution 0.5 --key r1-g1
lcp --as pct agreement cosign --year 2026/27 --proposal 24 --key r1-g2
for month in 02 03 04 05 06 07 08 09 10 11 12; do
  lcp month close --year 2026/27 --month "M$month" --key "r1-c$month"
done
lcp year settle --year 2026/27 --key r1-s1
"$bin/lcp" --server "$(cat "$work/ready")" export --out "$out" >/dev/null
