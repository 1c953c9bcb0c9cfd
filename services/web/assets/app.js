// The web view's pages. Each page asks the JSON API (/api/v1/<read RPC>) for what it shows and puts
// the server's text on the page as text (never as HTML), so every name, narrative and reason shows
// exactly as recorded. Figures are the ledger's exact decimal text: the browser does no arithmetic on
// money; the charts only plot the same figures the tables beside them show.
'use strict';

const kPages = [
  ['statement', 'Statement'],
  ['risk', 'Risk share'],
  ['budget', 'How the budget was reached'],
  ['reserve', 'Reserve and cases'],
];

// An element with attributes and children (strings become text nodes).
function el(tag, attributes, ...children) {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes || {})) {
    if (value !== undefined && value !== null && value !== false) node.setAttribute(name, value);
  }
  for (const child of children.flat(Infinity)) {
    if (child === undefined || child === null) continue;
    node.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return node;
}

class ApiError extends Error {
  constructor(status, code, message) {
    super(message);
    this.status = status;
    this.code = code;
  }
}

// Calls a read RPC. `params` maps a field to a value, or to a list of values for a repeated field.
async function api(method, params) {
  const query = new URLSearchParams();
  for (const [name, value] of Object.entries(params || {})) {
    for (const one of Array.isArray(value) ? value : [value]) {
      if (one !== '' && one !== undefined) query.append(name, one);
    }
  }
  const response = await fetch('/api/v1/' + method + '?' + query.toString(),
                               {credentials: 'same-origin', headers: {Accept: 'application/json'}});
  if (response.status === 401) {
    location.assign('/signin');
    throw new ApiError(401, 'ERROR_CODE_UNAUTHENTICATED', 'not signed in');
  }
  const body = await response.json();
  if (!response.ok) {
    throw new ApiError(response.status, body.error ? body.error.code : '',
                       body.error ? body.error.message : response.statusText);
  }
  return body;
}

const money = (decimal) => (decimal && decimal.value !== undefined ? decimal.value : '');
// "CASE_STATE_AWAITING_DECISION" -> "awaiting decision".
const enumText = (value, prefix) =>
  String(value || '').replace(prefix, '').toLowerCase().replace(/_/g, ' ');
const yesNo = (flag) => (flag ? 'yes' : 'no');

// A figure cell; a variance also says in words which way it goes, for readers without colour.
function num(text, {variance = false} = {}) {
  const cell = el('td', {class: 'num'}, text);
  if (variance && text !== '') {
    const over = text.startsWith('-');
    const zero = /^0(\.0+)?$/.test(text);
    if (!zero) {
      cell.classList.add(over ? 'over' : 'under');
      cell.append(' ', el('span', {class: 'sense'}, over ? '(over)' : '(under)'));
    }
  }
  return cell;
}

function table(id, caption, headers, rows) {
  return el('table', {id},
            el('caption', {}, caption),
            el('thead', {}, el('tr', {}, headers.map((h) => el('th', {scope: 'col'}, h)))),
            el('tbody', {}, rows));
}

function showError(main, error) {
  main.append(el('div', {class: 'error', role: 'alert'},
                 el('p', {}, el('strong', {}, 'Refused (' + (error.status || '') + '): '),
                    error.message),
                 error.code ? el('p', {class: 'note'}, error.code) : null));
}

function nav(ods, current) {
  const bar = document.getElementById('nav');
  for (const [page, title] of kPages) {
    bar.append(el('a', {href: '/practice/' + encodeURIComponent(ods) + '/' + page,
                        'aria-current': page === current ? 'page' : null}, title));
  }
}

// The year a page was asked for (`?year=2026/27`), or '' for the year in progress.
const askedYear = () => new URLSearchParams(location.search).get('year') || '';

// "2027/28" -> "2026/27": the label of the year before (a label, not money).
function yearBefore(year) {
  const start = Number(year.slice(0, 4)) - 1;
  return start + '/' + String((start + 1) % 100).padStart(2, '0');
}

// Under the heading: which year this is, and links to the year before (when it was opened) and back
// to the year in progress.
async function yearLinks(main, year) {
  const links = el('p', {id: 'years', class: 'note'}, 'Year ' + year + '.');
  const before = yearBefore(year);
  try {
    await api('GetYear', {year: before});
    links.append(' ', el('a', {href: '?year=' + before, id: 'year-before'},
                         'See ' + before));
  } catch (error) {
    if (error.status === 401) throw error;
  }
  if (askedYear()) {
    links.append(' ', el('a', {href: location.pathname, id: 'year-current'},
                         'Back to the year in progress'));
  }
  main.append(links);
}

const months = () => Array.from({length: 12}, (_, i) => 'M' + String(i + 1).padStart(2, '0'));

// ---- The home page of roles that read every practice: the practices, each with its pages.
async function homePage(main) {
  const answer = await api('ListPractices', {});
  main.append(el('h1', {}, 'Practices'));
  main.append(table('practices', 'The partnership\'s practices', ['ODS code', 'Name', 'Pages'],
                    answer.practices.map((p) => el('tr', {},
                      el('th', {scope: 'row'}, p.odsCode),
                      el('td', {}, p.name),
                      el('td', {}, kPages.map(([page, title]) => [
                        el('a', {href: '/practice/' + encodeURIComponent(p.odsCode) + '/' + page},
                           title), ' ']))))));
}

// ---- Statement: per line, and month by month.
async function statementPage(main, ods) {
  const asked = new URLSearchParams(location.search).get('month') || '';
  const statement = await api('GetStatement', {ods_code: ods, month: asked, year: askedYear()});
  const practice = statement.practices[0];
  const year = await api('GetYear', {year: statement.year});
  document.title = practice.name + ': statement ' + statement.year;
  main.append(el('h1', {id: 'practice-name'}, practice.name + ' (' + practice.odsCode + ')'));
  await yearLinks(main, statement.year);
  main.append(el('p', {id: 'as-of'}, 'Statement for ' + statement.year + ', ' +
                 (statement.month ? 'postings to the end of ' + statement.month
                                  : 'every posting so far') +
                 ', as of journal entry ' + statement.asOfSeq + '.'));
  const picker = el('select', {id: 'month', name: 'month'},
                    el('option', {value: ''}, 'now (every posting)'),
                    months().map((m) => el('option', {value: m, selected: m === asked ? '' : null},
                                           'end of ' + m)));
  main.append(el('form', {method: 'get', class: 'inline', id: 'as-of-form'},
                 askedYear() ? el('input', {type: 'hidden', name: 'year', value: askedYear()}) : null,
                 el('label', {for: 'month'}, 'As of ', picker),
                 el('button', {type: 'submit'}, 'Show')));
  main.append(table('statement', 'Budget, commitments, spend and forecast outturn by line',
    ['Budget line', 'Budget', 'Commitments', 'Spend', 'Forecast outturn', 'Variance'],
    practice.lines.map((line) => el('tr', {class: line.budgetLine === 'TOTAL' ? 'total' : null},
      el('th', {scope: 'row'}, line.budgetLine),
      num(money(line.budget)), num(money(line.commitments)), num(money(line.actual)),
      num(money(line.forecast)), num(money(line.variance), {variance: true})))));
  main.append(el('p', {class: 'note'}, 'Forecast outturn is spend plus commitments; variance is ' +
                 'budget less forecast: positive is an underspend, negative an overspend.'));

  // Month by month: the TOTAL line at each month end up to the month asked (or the open month).
  const closed = year.closedMonths.map((m) => m.month);
  const last = asked || year.nextMonthToClose || closed[closed.length - 1] || 'M12';
  const shown = months().filter((m) => m <= last);
  const points = await Promise.all(shown.map((m) =>
    api('GetStatement', {ods_code: ods, year: statement.year, month: m})));
  const totals = points.map((p) => p.practices[0].lines.find((l) => l.budgetLine === 'TOTAL'));
  main.append(el('h2', {}, 'Month by month'));
  const canvas = el('canvas', {id: 'chart', role: 'img',
                               'aria-label': 'Cumulative spend and forecast outturn against budget ' +
                                             'at each month end; the table below gives the figures'});
  main.append(el('div', {class: 'chart'}, canvas));
  main.append(table('chart-data', 'The chart\'s figures: the total at each month end',
    ['Month end', 'Budget', 'Cumulative spend', 'Forecast outturn', 'Variance'],
    shown.map((m, i) => el('tr', {},
      el('th', {scope: 'row'}, m + (closed.includes(m) ? ' (closed)' : ' (open)')),
      num(money(totals[i].budget)), num(money(totals[i].actual)), num(money(totals[i].forecast)),
      num(money(totals[i].variance), {variance: true})))));
  if (window.Chart) {
    const series = (key) => totals.map((t) => Number(money(t[key])));
    new window.Chart(canvas, {
      type: 'line',
      data: {
        labels: shown,
        datasets: [
          {label: 'Budget', data: series('budget'), borderColor: '#005eb8', borderWidth: 3,
           pointStyle: 'rect'},
          {label: 'Cumulative spend', data: series('actual'), borderColor: '#a00',
           pointStyle: 'circle'},
          {label: 'Forecast outturn', data: series('forecast'), borderColor: '#065',
           borderDash: [6, 4], pointStyle: 'triangle'},
        ],
      },
      options: {animation: false, maintainAspectRatio: false,
                plugins: {legend: {labels: {usePointStyle: true}}}},
    });
  }
}

// ---- Risk share: every step, a what-if, and the settled figures.
function riskSteps(share, id) {
  const steps = [
    ['Pooled budget of every member (B)', money(share.pooledBudget)],
    ['Actual spend', money(share.actual)],
    ['Commitments', money(share.commitments)],
    ['What-ifs', money(share.whatIfTotal)],
    ['Outturn', money(share.outturn)],
    ['Variance (V = B - outturn)', money(share.variance)],
    ['Side', enumText(share.side, 'RISK_SIDE_')],
    ['Threshold', money(share.thresholdRate) + ' x B = ' + money(share.thresholdAmount) +
                  (share.thresholdMet ? ': met' : ': not met')],
    ['Mode', enumText(share.mode, 'SHARE_MODE_')],
    ['LCP share before the cap', money(share.lcpShareUncapped)],
    ['Cap', money(share.capRate) + ' x B = ' + money(share.capAmount) +
            (share.capBinds ? ': binds' : ': does not bind')],
    ['LCP share, exact', money(share.lcpShareExact)],
    ['LCP share, to the penny', money(share.lcpAmount)],
    ['PCT share', money(share.pctAmount)],
    ['Split by budget', money(share.budgetPart) + ' (over a budget basis of ' +
                        money(share.budgetBasisTotal) + ')'],
    ['Split by contribution', money(share.contributionPart) + ' (over a contribution basis of ' +
                              money(share.contributionBasisTotal) + ')'],
  ];
  return el('dl', {class: 'steps', id},
            steps.map(([term, value]) => [el('dt', {}, term), el('dd', {}, value)]));
}

function bandsTable(share, id) {
  return table(id, 'The bands applied to |V|',
    ['From', 'To', 'LCP rate', 'Amount in band', 'LCP amount'],
    share.bands.map((b) => el('tr', {},
      num(money(b.lower)), num(money(b.upper) || 'no limit'), num(money(b.lcpRate)),
      num(money(b.amountInBand)), num(money(b.lcpAmount)))));
}

function memberTable(share, id, caption) {
  return table(id, caption,
    ['Practice', 'Budget', 'Outturn', 'Variance', 'Contribution basis', 'Budget basis',
     'Budget share', 'Contribution share', 'Share'],
    share.members.map((m) => el('tr', {},
      el('th', {scope: 'row'}, m.name + ' (' + m.odsCode + ')'),
      num(money(m.budget)), num(money(m.outturn)), num(money(m.variance), {variance: true}),
      num(money(m.contributionBasis)), num(money(m.budgetBasis)), num(money(m.budgetShare)),
      num(money(m.contributionShare)), num(money(m.share)))));
}

function riskSection(share, prefix, title) {
  return el('section', {id: prefix},
    el('h2', {}, title),
    el('p', {}, 'Year ' + share.year + ', ' + enumText(share.basis, 'RISK_BASIS_') +
                ', as of journal entry ' + share.asOfSeq + ', under the agreement of entry ' +
                share.agreementSeq + '.'),
    memberTable(share, prefix + '-member', 'Your share of the pooled lines (' +
                share.terms.pooledLines.join(', ') + ')'),
    el('h3', {}, 'How it was reached'),
    riskSteps(share, prefix + '-steps'),
    share.bands.length ? bandsTable(share, prefix + '-bands') : null);
}

// What if: extra spend (+) or savings (-) on its own pooled lines, worked out by the server and
// never posted.
function whatIfSection(main, ods, share) {
  const inputs = share.terms.pooledLines.map((line, i) => el('p', {},
    el('label', {for: 'what-if-' + i}, 'Extra spend (+) or savings (-) on ' + line + ', in pounds'),
    el('br'),
    el('input', {id: 'what-if-' + i, name: 'what-if-' + i, 'data-line': line,
                 inputmode: 'decimal', pattern: '-?[0-9]+(\\.[0-9]{1,2})?', size: 14})));
  const result = el('div', {id: 'what-if-output', 'aria-live': 'polite'});
  const form = el('form', {id: 'what-if'}, inputs,
                  el('button', {type: 'submit', id: 'what-if-show'}, 'Show what-if'));
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    result.replaceChildren();
    const whatIfs = [];
    for (const input of form.querySelectorAll('input')) {
      if (input.value.trim() === '') continue;
      whatIfs.push(JSON.stringify({odsCode: ods, budgetLine: input.dataset.line,
                                   amount: {value: input.value.trim()}}));
    }
    try {
      const asked = await api('GetRiskShare', {ods_code: ods, basis: 'RISK_BASIS_PROJECTED',
                                               year: share.year, what_ifs: whatIfs});
      result.append(riskSection(asked, 'what-if-result', 'What if (nothing is posted)'));
    } catch (error) {
      showError(result, error);
    }
  });
  main.append(el('section', {}, el('h2', {}, 'What if'),
                 el('p', {class: 'note'}, 'Try extra spend or savings on your pooled lines: the ' +
                    'server works the share out again and posts nothing.'),
                 form, result));
}

async function riskPage(main, ods) {
  let share;
  try {
    share = await api('GetRiskShare', {ods_code: ods, basis: 'RISK_BASIS_PROJECTED',
                                       year: askedYear()});
  } catch (error) {
    if (error.code !== 'ERROR_CODE_AGREEMENT_MISSING') throw error;
    main.append(el('h1', {id: 'practice-name'}, ods));
    main.append(el('p', {id: 'no-agreement'}, 'There is no risk share to show yet: the LCP and the ' +
                   'PCT have not both signed a risk-sharing agreement for this year. (' +
                   error.message + ')'));
    return;
  }
  const name = share.members.length ? share.members[0].name : ods;
  document.title = name + ': risk share ' + share.year;
  main.append(el('h1', {id: 'practice-name'}, name + ' (' + ods + ')'));
  await yearLinks(main, share.year);
  main.append(riskSection(share, 'projected', 'Projected risk share'));

  // The projection does not say whether the year was settled; the year does.
  const settled = (await api('GetYear', {year: share.year})).settlementSeq !== '0';
  if (!settled) whatIfSection(main, ods, share);
  if (settled) {
    const settled = await api('GetRiskShare', {ods_code: ods, basis: 'RISK_BASIS_SETTLED',
                                               year: share.year});
    main.append(riskSection(settled, 'settled', 'Settled risk share'));
  } else {
    main.append(el('p', {id: 'not-settled', class: 'note'},
                   'The year is not settled yet; the settled figures appear here once it is.'));
  }
}

// ---- How the budget was reached: each line's run, band by band; notices; acknowledgements.
async function budgetPage(main, ods) {
  const statement = await api('GetStatement', {ods_code: ods, year: askedYear()});
  const practice = statement.practices[0];
  document.title = practice.name + ': budget ' + statement.year;
  main.append(el('h1', {id: 'practice-name'}, practice.name + ' (' + practice.odsCode + ')'));
  await yearLinks(main, statement.year);
  main.append(el('p', {}, 'How each budget for ' + statement.year + ' was reached: the ' +
                 'capitation run that set it, band by band, and its notice.'));
  const lines = practice.lines.filter((l) => l.budgetLine !== 'TOTAL');
  for (const line of lines) {
    const section = el('section', {class: 'budget-line'}, el('h2', {}, line.budgetLine));
    main.append(section);
    const source = line.source;
    if (!source || source.runSeq === '0' || source.runSeq === 0) {
      section.append(el('p', {}, 'No capitation run has set this line yet.'));
      continue;
    }
    const run = (await api('GetAllocation', {year: statement.year, budget_line: line.budgetLine,
                                             run_seq: source.runSeq, ods_code: ods})).allocation;
    const row = run.rows.find((r) => r.odsCode === ods);
    section.append(el('p', {}, 'Run of entry ' + run.runSeq + ', recorded ' + run.recordedDate +
                      ' (' + enumText(run.notice, 'NOTICE_KIND_') + '): ' + money(run.total) +
                      ' shared by ' + run.practiceCount + ' practices over a weighted ' +
                      'population of ' + money(run.weightedPopulationTotal) +
                      (run.extractDate ? '; list sizes extracted ' + run.extractDate : '') + '.'));
    if (!row) continue;
    section.append(table(null, 'Patients by band', ['Band', 'Patients', 'Weight', 'Weighted'],
      row.bands.map((b) => el('tr', {}, el('th', {scope: 'row'}, b.band), num(b.patients),
                              num(money(b.weight)), num(money(b.weighted)))).concat([
        el('tr', {class: 'total'}, el('th', {scope: 'row'}, 'Total'), num(row.patients), num(''),
           num(money(row.weightedPatients)))])));
    const steps = [
      ['Weighted patients', money(row.weightedPatients)],
      ['Needs index', money(row.needsIndex)],
      ['Market forces factor', money(row.marketForcesFactor)],
      ['Weighted population', money(row.weightedPopulation)],
      ['Share of the run', money(row.share)],
      ['Budget from the run', money(row.budget)],
      ['Transfers since', money(source.transfers)],
      ['Budget now', money(line.budget)],
      ['Previous budget', money(row.previousBudget)],
      ['Change', money(row.change)],
    ];
    section.append(el('dl', {class: 'steps'},
                      steps.map(([t, v]) => [el('dt', {}, t), el('dd', {}, v)])));
    section.append(el('p', {class: 'notice'},
      'Notice: first sent ' + source.firstNoticeDate + ' against a deadline of ' + source.deadline +
      (source.onTime ? ', on time' : ', ' + source.daysLate + ' days late') + '. ' +
      (source.acknowledgedSeq && source.acknowledgedSeq !== '0'
        ? 'You acknowledged this run on ' + source.acknowledgedDate + ' (entry ' +
          source.acknowledgedSeq + ').'
        : 'You have not acknowledged this run yet (lcp budget acknowledge).')));
  }
  const notices = await api('GetNotices', {year: statement.year});
  main.append(el('h2', {}, 'Notices for ' + notices.year));
  main.append(table('notices', 'Every run of each line (deadline ' + notices.deadline + ')',
    ['Line', 'Run entry', 'Date', 'Kind', 'Total', 'The line\'s first notice'],
    notices.lines.flatMap((l) => l.runs.map((r) => el('tr', {},
      el('th', {scope: 'row'}, l.budgetLine), num(r.runSeq), el('td', {}, r.date),
      el('td', {}, enumText(r.kind, 'NOTICE_KIND_')), num(money(r.total)),
      el('td', {class: l.onTime ? null : 'late'}, l.onTime ? 'on time' : l.daysLate + ' days late'))))));
  if (notices.transfers.length) {
    main.append(table('transfers', 'Budget transfers', ['Entry', 'From', 'To', 'Amount', 'Reason',
                                                        'Approved'],
      notices.transfers.map((t) => el('tr', {}, num(t.seq),
        el('td', {}, (t.odsCode || '') + ' ' + t.fromLine),
        el('td', {}, (t.toOdsCode || t.odsCode || '') + ' ' + t.toLine), num(money(t.amount)),
        el('td', {}, t.reason),
        el('td', {}, t.approvedSeq && t.approvedSeq !== '0' ? t.approvedDate : 'not yet')))));
  }
}

// ---- Reserve and the business cases it funds, each with its decision clock.
async function reservePage(main, ods) {
  const reserve = await api('GetReserve', {ods_code: ods, year: askedYear()});
  const own = reserve.practices[0];
  const name = own ? own.name : ods;
  document.title = name + ': reserve ' + reserve.year;
  main.append(el('h1', {id: 'practice-name'}, name + ' (' + ods + ')'));
  await yearLinks(main, reserve.year);
  if (own) {
    main.append(table('reserve', 'Reinvestment reserve, ' + reserve.year + ', as of entry ' +
                      reserve.asOfSeq, ['', 'Pounds'], [
      ['Brought forward', own.broughtForward], ['Settled this year', own.settled],
      ['Carried forward', own.carriedForward], ['Balance', own.balance],
      ['Held for approved cases', own.held], ['Drawn down', own.drawn],
      ['Available for new cases', own.available],
    ].map(([t, v]) => el('tr', {}, el('th', {scope: 'row'}, t), num(money(v))))));
  }
  const cases = await api('ListCases', {ods_code: ods});
  main.append(el('h2', {}, 'Business cases you fund'));
  if (!cases.cases.length) {
    main.append(el('p', {id: 'no-cases'}, 'None yet.'));
    return;
  }
  main.append(table('cases', 'Cases and their decision clocks, read on ' + cases.readOn,
    ['Case', 'Title', 'State', 'Amount', 'Your part', 'Clock'],
    cases.cases.map((c) => {
      const part = c.fundings.find((f) => f.odsCode === ods);
      const clock = c.clock || {};
      const clockText = !clock.started ? 'not started'
        : clock.decided ? 'decided on day ' + clock.elapsedDays + ' of ' + clock.targetDays +
                          (clock.late ? ': late' : ': on time')
        : 'day ' + clock.elapsedDays + ' of ' + clock.targetDays + ' (' + clock.pausedDays +
          ' paused), ' + (clock.late ? 'late by ' + (-clock.daysLeft) + ' days'
                                     : clock.daysLeft + ' days left');
      return el('tr', {},
        el('th', {scope: 'row'}, c.caseId), el('td', {}, c.title),
        el('td', {}, enumText(c.state, 'CASE_STATE_')), num(money(c.amount)),
        num(part ? money(part.amount) : ''),
        el('td', {class: clock.late ? 'late' : null}, clockText));
    })));
}

async function main() {
  const mainElement = document.getElementById('main');
  const parts = location.pathname.split('/').filter(Boolean);
  try {
    mainElement.replaceChildren();
    if (parts[0] === 'practice' && parts.length === 3) {
      const ods = decodeURIComponent(parts[1]);
      nav(ods, parts[2]);
      const pages = {statement: statementPage, risk: riskPage, budget: budgetPage,
                     reserve: reservePage};
      await pages[parts[2]](mainElement, ods);
    } else {
      await homePage(mainElement);
    }
  } catch (error) {
    showError(mainElement, error);
  }
  document.body.dataset.ready = 'true';
}

document.addEventListener('DOMContentLoaded', main);
