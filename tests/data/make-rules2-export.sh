#!/usr/bin/env bash
# How tests/data/rules2-export.lcpx was made: with the binaries of commit d30f81e, the last under
# rules version 2 (docs/architecture.md, "Rules versions"). It records what rules 2 allowed and
# rules 3 refuses: a FINAL allocation run revised by a later run that gives no reason, and a journal
# into the PCT's allocation account of a line (the other side of every budget). Around them, the
# rest of rules 2's budget notices: confirmed totals (one replaced, with its reason), an INDICATIVE
# run, a FINAL one, an acknowledgement, a budget transfer proposed and approved, and a month close.
# The recorded times come from a clock file, so the notices' dates are fixed.
# tests/notices_test.cc replays the file with today's engine and checks its figures.
# Usage: make-rules2-export.sh OLD_BIN_DIR OUT_FILE (OLD_BIN_DIR holds lcp-ledgerd and lcp).
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
lcp practice add A81001 "Riverside Medical Centre" --key r2-p1
lcp practice add A81002 "Hillview Surgery" --key r2-p2
lcp practice add A81003 "Park Lane Practice" --key r2-p3
lcp year open 2026/27 PRESCRIBING COMMUNITY --key r2-y1
lcp capitation weights "$ex/weights-community.csv" --year 2026/27 --line COMMUNITY --key r2-w1
lcp capitation indices "$ex/indices.csv" --year 2026/27 --key r2-i1
lcp capitation lists "$ex/gp-reg-pat-prac-quin-age.csv"
lcp --as pct budget confirm-total --year 2026/27 --line COMMUNITY --total 3000000 --key r2-t1
lcp --as officer capitation run --year 2026/27 --month M01 --line COMMUNITY --indicative --key r2-a1
clock 2026-04-28T10:00:00Z
lcp --as pct budget confirm-total --year 2026/27 --line COMMUNITY --total 3100000 \
  --reason "Growth money agreed with the PCT" --key r2-t2
lcp --as officer capitation run --year 2026/27 --month M01 --line COMMUNITY --final --key r2-a2
lcp --as riverside budget acknowledge --year 2026/27 --line COMMUNITY --run 13 --practice A81001 \
  --key r2-k1
clock 2026-05-12T11:00:00Z
lcp --as officer budget transfer --year 2026/27 --practice A81002 --from COMMUNITY --to PRESCRIBING \
  --amount 20000 --reason "Community nursing sessions moved to medicines review" --key r2-b1
lcp --as pct budget approve-transfer 15 --year 2026/27 --month M02 --key r2-b2
lcp month close --year 2026/27 --month M01 --key r2-c1
clock 2026-06-02T12:00:00Z
# The revision of the FINAL notice with no reason given: rules 2 took it, rules 3 refuses it.
lcp --as pct budget confirm-total --year 2026/27 --line COMMUNITY --total 3050000 \
  --reason "Growth money reduced" --key r2-t3
lcp --as officer capitation run --year 2026/27 --month M02 --line COMMUNITY --final --key r2-a3
# Entry 20: the PCT's allocation account moved by hand, against cash.
lcp journal post --year 2026/27 --month M02 --narrative "PCT allocation received in cash" \
  pct:allocation:COMMUNITY=-5000 lcp:cash=5000 --key r2-j1
"$bin/lcp" --server "$(cat "$work/ready")" export --out "$out" >/dev/null
