#!/usr/bin/env bash
# The web view tests' sample books: the settled 2026/27 of tests/data/rules6-export.lcpx (restored),
# and a 2027/28 in progress on top of it, recorded through an insecure server with a clock file so
# the dates are fixed:
#   - COMMUNITY's total 3,100,000.00 confirmed and its FINAL run (entries 34 to 37 with the run's
#     inputs) on 2027-05-04, three days after the notice deadline of 2027-05-01: a late notice;
#     acknowledged by Riverside (A81001) on 2027-05-06;
#   - the 2027/28 agreement, as 2026/27's with a 42-day decision target;
#   - spend in M01, M02 and M03 and a commitment-free year so far, M01 and M02 closed;
#   - business case BC-2027-01 (12,000.00 from Riverside, 6,000.00 from Hillview), consented by both;
#   - a practice registered after the run whose name is an HTML script element, to show that pages
#     escape every name;
#   - two contracts with NLO01 on COMMUNITY, each approved by PCT finance and paid in M03 for
#     Hillview (A81002): C-BLOCK, a block of 120,000.00 a year running in M03 only (10,000.00 in
#     the year, committed and then paid in full, so that no commitment is left), and C-CASES, 100.00
#     a case with none planned and a ceiling of 5,000.00 a year from M03 (4,166.66 in the year; 3
#     cases paid: 300.00). Neither leaves a commitment, so every practice's forecast is its spend.
# Usage: sample_books.sh BUILD_DIR DATA_DIR. Prints nothing on success.
set -euo pipefail
build=$1 data=$2
root=$(cd "$(dirname "$0")/../.." && pwd)
ledgerd=$build/services/lcp-ledgerd
work=$(mktemp -d)
"$ledgerd" restore --from "$root/tests/data/rules6-export.lcpx" --data-dir "$data" >/dev/null
echo 2027-05-04T09:00:00Z >"$work/clock"
"$ledgerd" --data-dir "$data" --listen 127.0.0.1:0 --insecure --ready-file "$work/ready" \
  --clock-file "$work/clock" 2>"$work/server.log" &
pid=$!
trap 'kill $pid 2>/dev/null; wait $pid || true; rm -rf "$work"' EXIT
for _ in $(seq 1 500); do [[ -s $work/ready ]] && break; sleep 0.02; done
[[ -s $work/ready ]] || { cat "$work/server.log" >&2; exit 1; }
lcp() { "$build/clients/lcp" --server "$(cat "$work/ready")" "$@" >/dev/null; }
clock() { echo "$1" >"$work/clock"; }
ex=$root/docs/examples
lcp capitation weights "$ex/weights-community.csv" --year 2027/28 --line COMMUNITY
lcp capitation indices "$ex/indices.csv" --year 2027/28
lcp --as pct budget confirm-total --year 2027/28 --line COMMUNITY --total 3100000
lcp --as officer capitation run --year 2027/28 --month M01 --line COMMUNITY --final
run=$("$build/clients/lcp" --server "$(cat "$work/ready")" --output json head |
  python3 -c 'import json,sys; print(json.load(sys.stdin)["seq"])')
clock 2027-05-06T10:00:00Z
lcp --as riverside budget acknowledge --year 2027/28 --line COMMUNITY --run "$run" --practice A81001
lcp --as officer agreement propose --year 2027/28 --pooled COMMUNITY \
  --savings-threshold 0.01 --savings-mode first_pound --savings-bands 0.70 --savings-cap 0.05 \
  --overspend-threshold 0 --overspend-mode first_pound --overspend-bands 0.02:1.00,0.05:0.50,0.00 \
  --overspend-cap 0.03 --alpha-budget 0.5 --alpha-contribution 0.5 --decision-target-days 42 \
  --reason "Agreed in May"
proposal=$("$build/clients/lcp" --server "$(cat "$work/ready")" --output json head |
  python3 -c 'import json,sys; print(json.load(sys.stdin)["seq"])')
lcp --as pct agreement cosign --year 2027/28 --proposal "$proposal"
spend() {
  lcp --as officer journal post --year 2027/28 --month "$1" --narrative "Community services, $2" \
    "practice:$2:spend:COMMUNITY=$3" "provider:NLO01:payable=-$3"
}
clock 2027-05-07T09:00:00Z
spend M01 A81001 70000.00
spend M01 A81002 110000.00
lcp --as officer month close --year 2027/28 --month M01
clock 2027-06-02T09:00:00Z
spend M02 A81001 85000.50
spend M02 A81003 52000.00
lcp --as officer month close --year 2027/28 --month M02
clock 2027-06-20T09:00:00Z
spend M03 A81001 64999.49
lcp --as riverside case submit BC-2027-01 --title "Community diabetes clinic" \
  --purpose "A nurse-led diabetes clinic run by NLO01 in both practices" \
  --fund A81001=12000 --fund A81002=6000 --provider NLO01 --mode buy
lcp --as riverside case consent BC-2027-01 --practice A81001
clock 2027-06-22T09:00:00Z
lcp --as hillview case consent BC-2027-01 --practice A81002
lcp practice add Y99999 '<script>alert(1)</script>'
lcp --as officer contract add C-BLOCK --provider NLO01 --mode buy --line COMMUNITY \
  --start-year 2027/28 --start-month M03 --end-month M03 --type block --value 120000 \
  --attribution activity --description "Wound care clinics in June"
lcp --as pct contract approve C-BLOCK --year 2027/28 --month M03
lcp --as officer contract pay C-BLOCK --year 2027/28 --month M03 --amount 10000 \
  --invoice NLO01-0601 --practice A81002=10000
lcp --as officer contract add C-CASES --provider NLO01 --mode buy --line COMMUNITY \
  --start-year 2027/28 --start-month M03 --type cost_per_case --price 100 --volume 0 \
  --ceiling 5000 --attribution activity --description "Phlebotomy, per case"
lcp --as pct contract approve C-CASES --year 2027/28 --month M03
lcp --as officer contract pay C-CASES --year 2027/28 --month M03 --amount 300 --activity 3 \
  --invoice NLO01-0602 --practice A81002=300
