#!/usr/bin/env bash
# The web view tests' sample books: the settled 2026/27 of tests/data/rules6-export.lcpx (restored),
# and a 2027/28 in progress on top of it, recorded through an insecure server with a clock file so
# the dates are fixed:
#   - COMMUNITY's total 3,100,000.00 confirmed and its FINAL run (entries 34 to 37 with the run's
#     inputs), acknowledged by Riverside (A81001);
#   - the 2027/28 agreement, as 2026/27's with a 42-day decision target;
#   - spend in M01, M02 and M03 and a commitment-free year so far, M01 and M02 closed;
#   - business case BC-2027-01 (12,000.00 from Riverside, 6,000.00 from Hillview), consented by both;
#   - a practice registered after the run whose name is an HTML script element, to show that pages
#     escape every name.
# Usage: sample_books.sh BUILD_DIR DATA_DIR. Prints nothing on success.
set -euo pipefail
build=$1 data=$2
root=$(cd "$(dirname "$0")/../.." && pwd)
ledgerd=$build/services/lcp-ledgerd
work=$(mktemp -d)
"$ledgerd" restore --from "$root/tests/data/rules6-export.lcpx" --data-dir "$data" >/dev/null
echo 2027-04-06T09:00:00Z >"$work/clock"
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
clock 2027-04-12T10:00:00Z
lcp --as riverside budget acknowledge --year 2027/28 --line COMMUNITY --run "$run" --practice A81001
lcp --as officer agreement propose --year 2027/28 --pooled COMMUNITY \
  --savings-threshold 0.01 --savings-mode first_pound --savings-bands 0.70 --savings-cap 0.05 \
  --overspend-threshold 0 --overspend-mode first_pound --overspend-bands 0.02:1.00,0.05:0.50,0.00 \
  --overspend-cap 0.03 --alpha-budget 0.5 --alpha-contribution 0.5 --decision-target-days 42 \
  --reason "Agreed in April"
proposal=$("$build/clients/lcp" --server "$(cat "$work/ready")" --output json head |
  python3 -c 'import json,sys; print(json.load(sys.stdin)["seq"])')
lcp --as pct agreement cosign --year 2027/28 --proposal "$proposal"
spend() {
  lcp --as officer journal post --year 2027/28 --month "$1" --narrative "Community services, $2" \
    "practice:$2:spend:COMMUNITY=$3" "provider:NLO01:payable=-$3"
}
clock 2027-05-03T09:00:00Z
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
