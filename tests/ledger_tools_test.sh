#!/usr/bin/env bash
# The auditor's cross-check end to end: a year with budgets by capitation, a two-year contract approved
# once both years are open (its commitment for the next year carries its own period, M01 of 2027/28),
# payments, a correction, month closes, an agreement and the settlement. lcp export, lcp-audit verify and replay, and
# lcp-audit convert to hledger and beancount: both tools read the journals without error, and their
# balances are the replay's, account by account. Arguments: the build folder and the source folder.
# Uses Debian's hledger, beancount and python3 (installed by scripts/common.sh).
set -euo pipefail
build=$1
source=$2
source "$source/tests/insecure_server.sh"
examples="$source/docs/examples"
lcp() { "$build/clients/lcp" --server "$address" "$@" >/dev/null; }
audit() { "$build/clients/lcp-audit" "$@"; }

lcp practice add A81001 "Riverside Medical Centre"
lcp practice add A81002 "Hillview Surgery"
lcp practice add A81003 "Park Lane Practice"
lcp provider add NLO01 "Riverside Community Health" --kind community
lcp year open 2026/27 PRESCRIBING COMMUNITY
lcp year open 2027/28 PRESCRIBING COMMUNITY
lcp --as officer agreement propose --year 2026/27 --pooled PRESCRIBING,COMMUNITY \
  --savings-threshold 0.01 --savings-mode first_pound --savings-bands 0.70 --savings-cap 0.05 \
  --overspend-mode above_threshold --overspend-threshold 0.01 --overspend-bands 0.02:1,0.5 \
  --alpha-budget 0.5 --alpha-contribution 0.5
lcp --as pct agreement cosign --year 2026/27 --proposal 7
lcp capitation weights "$examples/weights-community.csv" --year 2026/27 --line COMMUNITY
lcp capitation indices "$examples/indices.csv" --year 2026/27
lcp capitation lists "$examples/gp-reg-pat-prac-quin-age.csv"
lcp --as pct budget confirm-total --year 2026/27 --line COMMUNITY --total 2400000
lcp --as officer capitation run --year 2026/27 --month M01 --line COMMUNITY --indicative
# PRESCRIBING's budgets of 400,000 / 650,000 / 350,000 by the agreed method too (a budget can no longer
# be typed): lists with each practice's 1,000 patients in one band of its own, weighted 8 / 13 / 7,
# indices of 1, and the PCT's confirmed total of 1,400,000, run as an indicative notice
# (scripts/budget-files writes the weights and lists).
"$source/scripts/budget-files" "$work/prescribing" 01JUL2026 A81001=8 A81002=13 A81003=7
printf 'ods_code,needs_index,market_forces_factor\nA81001,1,1\nA81002,1,1\nA81003,1,1\n' >"$work/indices.csv"
lcp capitation weights "$work/prescribing/weights.csv" --year 2026/27 --line PRESCRIBING
lcp capitation lists "$work/prescribing/lists.csv"
lcp capitation indices "$work/indices.csv" --year 2026/27
lcp --as pct budget confirm-total --year 2026/27 --line PRESCRIBING --total 1400000
lcp --as officer capitation run --year 2026/27 --month M01 --line PRESCRIBING --indicative
budgets=$("$build/clients/lcp" --server "$address" balances --prefix practice: --year 2026/27)
for expected in "practice:A81001:budget:PRESCRIBING           400000.00" \
  "practice:A81002:budget:PRESCRIBING           650000.00" \
  "practice:A81003:budget:PRESCRIBING           350000.00"; do
  [[ $budgets == *"$expected"* ]] || { echo "$budgets" >&2; echo "expected: $expected" >&2; exit 1; }
done
lcp --as officer contract add C-1 --provider NLO01 --mode buy --line COMMUNITY --start-year 2026/27 \
  --start-month M04 --end-year 2027/28 --end-month M12 --type block --value 1200000 \
  --attribution capitation --description "District nursing"
lcp --as manager contract approve C-1 --year 2026/27 --month M04
for month in M04 M05 M06 M07 M08 M09 M10 M11 M12; do
  lcp contract pay C-1 --year 2026/27 --month $month --amount 99000 --invoice "NLO01-$month"
done
lcp journal post --year 2026/27 --month M06 --narrative "Prescribing, Q1" \
  practice:A81001:spend:PRESCRIBING=120000.33 practice:A81002:spend:PRESCRIBING=201000.01 \
  practice:A81003:spend:PRESCRIBING=80500 lcp:cash=-401500.34
q1=$("$build/clients/lcp" --server "$address" head | sed -n 's/^entry //p')  # The invoice's entry.
for month in M01 M02 M03 M04 M05 M06; do lcp month close --month $month; done
lcp journal post --year 2026/27 --month M07 --corrects "$q1" --narrative "Q1 invoice was Park Lane's" \
  practice:A81001:spend:PRESCRIBING=-20000 practice:A81003:spend:PRESCRIBING=20000
for month in M07 M08 M09 M10 M11 M12; do lcp month close --month $month; done
lcp year settle --year 2026/27
"$build/clients/lcp" --server "$address" export --out "$work/year.lcpx"

audit verify "$work/year.lcpx"
audit replay "$work/year.lcpx" --output json >"$work/replay.json"
audit convert --to hledger "$work/year.lcpx" --out "$work/year.journal"
audit convert --to beancount "$work/year.lcpx" --out "$work/year.beancount"
# The approval's commitment for 2027/28 is its own transaction, in that year's M01.
grep -q '^2027-04-01 ([0-9]*) entry [0-9]*: approve a contract or variation$' "$work/year.journal" ||
  { echo "the approval's 2027/28 commitment is not a transaction of its own" >&2; exit 1; }
hledger -f "$work/year.journal" balance --flat -N -O csv >"$work/hledger.csv"
bean-check "$work/year.beancount"
bean-query -f csv "$work/year.beancount" \
  "SELECT account, sum(number) AS total GROUP BY account ORDER BY account" >"$work/beancount.csv"

/usr/bin/python3 - "$work" <<'PY'
import csv, json, sys
from decimal import Decimal
work = sys.argv[1]
lines = open(work + "/replay.json").read().splitlines()
balances = json.loads(lines[1])["balances"]
# The replay's balances, without zeros (the tools leave zero balances out), by year and account.
replay = {(b["year"], b["account"]): Decimal(b["balance"]["value"]) for b in balances
          if Decimal(b["balance"]["value"]) != 0}
hledger = {}
for row in list(csv.reader(open(work + "/hledger.csv")))[1:]:
    year, account = row[0].split(":", 1)
    hledger[(year, account)] = Decimal(row[1].replace(" GBP", ""))
beancount = {}
for row in list(csv.reader(open(work + "/beancount.csv")))[1:]:
    total = Decimal(row[1].strip())
    if total != 0:
        beancount[row[0].strip()] = total
failed = 0
if hledger != replay:
    print("hledger differs:", sorted(set(hledger.items()) ^ set(replay.items()))[:10]); failed += 1
from_replay = {}
for (year, account), value in replay.items():
    parts = account.split(":")
    name = "Assets:FY%s-%s:" % (year[:4], year[5:]) + ":".join(
        p.replace("_", "-")[:1].upper() + p.replace("_", "-")[1:] for p in parts)
    from_replay[name] = value
if beancount != from_replay:
    print("beancount differs:", sorted(set(beancount.items()) ^ set(from_replay.items()))[:10]); failed += 1
print("accounts with balances: %d; years: %s" % (len(replay), sorted({y for y, _ in replay})))
print("ledger tools: %d passed, %d failed" % (2 - failed, failed))
sys.exit(1 if failed else 0)
PY
