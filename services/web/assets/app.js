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
// With `entry`, the figure links to the journal entry behind it (for the roles that read it).
// The cell keeps the exact text in data-value, by which a table sorts.
function num(text, {variance = false, entry = null, account = null} = {}) {
  const shown = account ? accountLink(account, text) : entry ? entryLink(entry, text) : text;
  const cell = el('td', {class: 'num', 'data-value': text}, shown);
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

// Who is signed in: the server fills these in (app.html's meta elements).
const meta = (name) => {
  const element = document.querySelector('meta[name="' + name + '"]');
  return element ? element.content : '';
};
// Whether the signed-in principal reads the journal, and so the whole partnership (every role but
// PRACTICE): the server says, from the same check the API makes.
const readsPartnership = () => meta('lcp-reads-journal') === 'true';

const kPartnershipPages = [
  ['variance', 'Variance'],
  ['notices', 'Notices'],
  ['members', 'Membership'],
  ['cases', 'Cases'],
  ['contracts', 'Contracts'],
];

// The bar's links: the partnership's pages and the journal (for the roles that read them), then
// a practice's pages when one is shown. `current` is the path shown.
function nav(ods, current) {
  const bar = document.getElementById('nav');
  const link = (href, title) =>
    el('a', {href, 'aria-current': href === current ? 'page' : null}, title);
  if (readsPartnership()) {
    bar.append(el('span', {class: 'group', id: 'nav-partnership'},
                  kPartnershipPages.map(([page, title]) => link('/partnership/' + page, title)),
                  link('/journal', 'Journal')));
  }
  if (ods) {
    bar.append(el('span', {class: 'group', id: 'nav-practice'},
                  readsPartnership() ? el('strong', {}, ods + ':') : null,
                  kPages.map(([page, title]) =>
                    link('/practice/' + encodeURIComponent(ods) + '/' + page, title))));
  }
}

// A link to the entries that posted to `account`, for the roles that read the journal; the text
// alone otherwise.
function accountLink(account, text) {
  if (!account || !readsPartnership()) return text;
  return el('a', {href: '/journal?account=' + encodeURIComponent(account),
                  title: 'the entries behind it: every posting to ' + account}, text);
}

// The accounts behind a practice's statement line (none for the TOTAL line, which sums several).
function lineAccounts(ods, line) {
  if (line === 'TOTAL') return {};
  return {budget: 'practice:' + ods + ':budget:' + line,
          commitments: 'practice:' + ods + ':commitment:' + line,
          actual: 'practice:' + ods + ':spend:' + line};
}

// A link to a journal entry, for the roles that read the journal; the number alone otherwise.
function entryLink(seq, text) {
  const shown = text === undefined ? String(seq) : text;
  if (!seq || seq === '0' || !readsPartnership()) return shown;
  return el('a', {href: '/journal/' + seq, title: 'journal entry ' + seq}, shown);
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

// What a statement is as of: a month end or every posting so far, and the head it was read at.
function asOfText(statement) {
  return el('p', {id: 'as-of'}, 'Statement for ' + statement.year + ', ' +
            (statement.month ? 'postings to the end of ' + statement.month
                             : 'every posting so far') +
            ', as of journal entry ', entryLink(statement.asOfSeq), '.');
}

// The "as of" form: now or a month end, keeping the year asked and any `extra` fields.
function asOfForm(asked, extra, nowText) {
  const picker = el('select', {id: 'month', name: 'month'},
                    el('option', {value: ''}, nowText || 'now (every posting)'),
                    months().map((m) => el('option', {value: m, selected: m === asked ? '' : null},
                                           'end of ' + m)));
  return el('form', {method: 'get', class: 'inline', id: 'as-of-form'},
            askedYear() ? el('input', {type: 'hidden', name: 'year', value: askedYear()}) : null,
            el('label', {for: 'month'}, 'As of ', picker), extra || null,
            el('button', {type: 'submit'}, 'Show'));
}

// What a page of events (notices, membership, contracts, cases) is as of: the books at a month
// end (the server's last entry recorded by the end of its last day) or now.
function asOfBooks(year, asked, asOfSeq) {
  return [asked ? 'The books as they stood at the end of ' + asked + ' of ' + year + ' (' +
                  monthEndDate(year, asked) + '): '
                : 'The books now: ',
          'as of journal entry ', entryLink(asOfSeq), '.'];
}

// The month end a page was asked for (`?month=M06`), or '' for now; anything else is refused.
function askedMonth() {
  const month = new URLSearchParams(location.search).get('month') || '';
  if (month !== '' && !/^M(0[1-9]|1[0-2])$/.test(month)) {
    throw new ApiError(400, 'ERROR_CODE_QUERY_INVALID',
                       'month ' + month + ' is not a month end: M01 (April) to M12 (March)');
  }
  return month;
}

// The last day of a month of a financial year: "2027/28", "M10" -> "2028-01-31" (M01 is April).
function monthEndDate(year, month) {
  const n = Number(month.slice(1));
  const calendarYear = Number(year.slice(0, 4)) + (n >= 10 ? 1 : 0);
  const calendarMonth = ((n + 2) % 12) + 1;
  const last = new Date(Date.UTC(calendarYear, calendarMonth, 0)).getUTCDate();
  return calendarYear + '-' + String(calendarMonth).padStart(2, '0') + '-' + String(last).padStart(2, '0');
}

// Orders two exact decimal texts ("-12.50", "3") without turning them into floating point.
function compareDecimal(a, b) {
  const parse = (text) => {
    const negative = text.startsWith('-');
    const [whole, fraction = ''] = text.replace(/^[-+]/, '').split('.');
    const digits = whole.replace(/^0+/, '');
    const zero = digits === '' && /^0*$/.test(fraction);
    return {negative: negative && !zero, whole: digits, fraction};
  };
  const x = parse(a);
  const y = parse(b);
  if (x.negative !== y.negative) return x.negative ? -1 : 1;
  const width = Math.max(x.fraction.length, y.fraction.length);
  const magnitude = (x.whole.length - y.whole.length) ||
                    (x.whole + x.fraction.padEnd(width, '0'))
                        .localeCompare(y.whole + y.fraction.padEnd(width, '0'));
  const order = Math.sign(magnitude);
  return x.negative ? -order : order;
}

// Makes a table sortable by each column: a button in each header; `kinds[i]` is 'decimal' (by the
// cells' data-value, exactly), 'number' or 'text'. The header says how it is sorted (aria-sort).
function sortable(tableElement, kinds) {
  const headers = Array.from(tableElement.querySelectorAll('thead th'));
  const body = tableElement.querySelector('tbody');
  headers.forEach((header, column) => {
    if (!kinds[column]) return;
    const button = el('button', {type: 'button', class: 'sort'}, header.textContent);
    header.replaceChildren(button);
    button.addEventListener('click', () => {
      const ascending = header.getAttribute('aria-sort') !== 'ascending';
      const key = (row) => {
        const cell = row.children[column];
        return cell.dataset.value !== undefined ? cell.dataset.value : cell.textContent;
      };
      const compare = kinds[column] === 'decimal' ? compareDecimal
                    : kinds[column] === 'number' ? (a, b) => Number(a) - Number(b)
                    : (a, b) => a.localeCompare(b);
      const rows = Array.from(body.children);
      rows.sort((a, b) => (ascending ? 1 : -1) * compare(key(a), key(b)));
      body.append(...rows);
      for (const other of headers) other.removeAttribute('aria-sort');
      header.setAttribute('aria-sort', ascending ? 'ascending' : 'descending');
    });
  });
  return tableElement;
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
  main.append(asOfText(statement));
  main.append(asOfForm(asked));
  main.append(table('statement', 'Budget, commitments, spend and forecast outturn by line',
    ['Budget line', 'Budget', 'Commitments', 'Spend', 'Forecast outturn', 'Variance'],
    practice.lines.map((line) => el('tr', {class: line.budgetLine === 'TOTAL' ? 'total' : null},
      el('th', {scope: 'row'}, line.budgetLine),
      num(money(line.budget), {account: lineAccounts(ods, line.budgetLine).budget}),
      num(money(line.commitments), {account: lineAccounts(ods, line.budgetLine).commitments}),
      num(money(line.actual), {account: lineAccounts(ods, line.budgetLine).actual}),
      num(money(line.forecast)), num(money(line.variance), {variance: true})))));
  main.append(el('p', {class: 'note'}, 'Forecast outturn is spend plus commitments; variance is ' +
                 'budget less forecast: positive is an underspend, negative an overspend.' +
                 (readsPartnership() ? ' A line\'s budget, commitments and spend link to the ' +
                                       'journal entries behind them.' : '')));

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
  if (notices.transfers.length) main.append(transfersTable(notices.transfers));
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
      return el('tr', {},
        el('th', {scope: 'row'}, c.caseId), el('td', {}, c.title),
        el('td', {}, enumText(c.state, 'CASE_STATE_')), num(money(c.amount)),
        num(part ? money(part.amount) : ''),
        el('td', {class: clock.late ? 'late' : null}, clockText(clock)));
    })));
}

// ---- The partnership's pages: for every role but PRACTICE (the server refuses a practice them).

// Every practice's statement for one line (or TOTAL): a chart of each practice's variance and a
// table sortable by any column, each practice linking to its own pages.
async function variancePage(main) {
  const params = new URLSearchParams(location.search);
  const asked = params.get('month') || '';
  const line = params.get('line') || 'TOTAL';
  const statement = await api('GetStatement', {year: askedYear(), month: asked});
  document.title = 'Variance ' + statement.year;
  main.append(el('h1', {}, 'Every practice\'s variance, ' + statement.year));
  await yearLinks(main, statement.year);
  main.append(asOfText(statement));
  const lineNames = statement.lcpTotals.map((l) => l.budgetLine);
  const linePicker = el('select', {id: 'line', name: 'line'},
                        lineNames.map((name) => el('option', {value: name,
                                                              selected: name === line ? '' : null},
                                                   name === 'TOTAL' ? 'every line (TOTAL)' : name)));
  main.append(asOfForm(asked, el('label', {for: 'line'}, 'Line ', linePicker)));
  const total = statement.lcpTotals.find((l) => l.budgetLine === line);
  if (!total) {
    main.append(el('p', {class: 'error', role: 'alert'}, 'The year ' + statement.year +
                   ' has no budget line ' + line + '.'));
    return;
  }
  const rows = statement.practices.map((p) => ({practice: p,
                                                line: p.lines.find((l) => l.budgetLine === line)}));
  const suffix = (statement.year === askedYear() ? '?year=' + encodeURIComponent(statement.year)
                                                  : '');
  const canvas = el('canvas', {id: 'chart', role: 'img',
                               'aria-label': 'Each practice\'s variance on ' + line +
                                             '; the table below gives the figures'});
  main.append(el('h2', {}, 'Variance by practice (' + line + ')'));
  main.append(el('div', {class: 'chart'}, canvas));
  const practiceTable = table('variance',
    'Every practice on ' + line + ': budget, commitments, spend, forecast outturn and variance ' +
    '(sort by any column)',
    ['ODS code', 'Practice', 'Budget', 'Commitments', 'Spend', 'Forecast outturn', 'Variance',
     'Pages'],
    rows.map(({practice, line: figures}) => el('tr', {},
      el('th', {scope: 'row'},
         el('a', {href: '/practice/' + encodeURIComponent(practice.odsCode) + '/statement' +
                        (asked ? (suffix ? suffix + '&' : '?') + 'month=' + asked : suffix)},
            practice.odsCode)),
      el('td', {}, practice.name),
      num(money(figures.budget), {account: lineAccounts(practice.odsCode, line).budget}),
      num(money(figures.commitments), {account: lineAccounts(practice.odsCode, line).commitments}),
      num(money(figures.actual), {account: lineAccounts(practice.odsCode, line).actual}),
      num(money(figures.forecast)),
      num(money(figures.variance), {variance: true}),
      el('td', {}, kPages.filter(([page]) => page !== 'statement').map(([page, title]) => [
        el('a', {href: '/practice/' + encodeURIComponent(practice.odsCode) + '/' + page + suffix},
           title), ' '])))));
  practiceTable.append(el('tfoot', {}, el('tr', {class: 'total'},
    el('th', {scope: 'row'}, 'LCP'), el('td', {}, 'All practices'),
    num(money(total.budget)), num(money(total.commitments)), num(money(total.actual)),
    num(money(total.forecast)), num(money(total.variance), {variance: true}), el('td', {}))));
  main.append(sortable(practiceTable,
                       ['text', 'text', 'decimal', 'decimal', 'decimal', 'decimal', 'decimal']));
  main.append(el('p', {class: 'note'}, 'Variance is budget less forecast outturn (spend plus ' +
                 'commitments): positive is an underspend, negative an overspend. On one line, a ' +
                 'practice\'s budget, commitments and spend link to the journal entries behind ' +
                 'them.'));
  if (window.Chart) {
    new window.Chart(canvas, {
      type: 'bar',
      data: {
        labels: rows.map((r) => r.practice.odsCode),
        datasets: [{label: 'Variance (positive: under budget)',
                    data: rows.map((r) => Number(money(r.line.variance))),
                    backgroundColor: rows.map((r) => (money(r.line.variance).startsWith('-')
                                                        ? '#a00' : '#065'))}],
      },
      // With thousands of practices, measuring every label to fit the axis is most of the
      // chart's time: a sample of them decides how many fit.
      options: {animation: false, maintainAspectRatio: false, normalized: true,
                scales: {x: {ticks: {sampleSize: 50}}},
                plugins: {legend: {display: false}}},
    });
  }
}

function transfersTable(transfers) {
  return table('transfers', 'Budget transfers', ['Entry', 'From', 'To', 'Amount', 'Reason',
                                                 'Approved'],
    transfers.map((t) => el('tr', {}, num(t.seq, {entry: t.seq}),
      el('td', {}, (t.odsCode || 'every practice') + ' ' + t.fromLine),
      el('td', {}, (t.toOdsCode || t.odsCode || 'every practice') + ' ' + t.toLine),
      num(money(t.amount)), el('td', {}, t.reason),
      el('td', {}, t.approvedSeq && t.approvedSeq !== '0'
        ? [t.approvedDate + ' by ' + t.approvedBy + ' (entry ', entryLink(t.approvedSeq), ')']
        : 'not yet'))));
}

// The budget notices: each line's first notice against the deadline (late ones marked), every
// run, the confirmations of the totals, who has not acknowledged, and the transfers.
async function noticesPage(main) {
  const asked = askedMonth();
  const notices = await api('GetNotices', {year: askedYear(), month: asked});
  document.title = 'Notices ' + notices.year;
  main.append(el('h1', {}, 'Budget notices, ' + notices.year));
  await yearLinks(main, notices.year);
  main.append(el('p', {id: 'as-of'}, 'Notice deadline ' + notices.deadline + '. ',
                 asOfBooks(notices.year, asked, notices.asOfSeq)));
  main.append(asOfForm(asked, null, 'now'));
  main.append(table('notices', 'Each line\'s first notice against the deadline of ' +
                    notices.deadline,
    ['Line', 'Confirmed total', 'First notice', 'Against the deadline', 'Latest run',
     'Acknowledged', 'Not acknowledged yet'],
    notices.lines.map((l) => {
      const first = l.runs[0];
      const latest = l.runs[l.runs.length - 1];
      const late = first ? !l.onTime : l.overdue;
      const timeliness = first ? (l.onTime ? 'on time' : 'late: ' + l.daysLate + ' days')
                       : l.overdue ? 'late: no notice yet, ' + l.daysOverdue + ' days overdue'
                       : 'no notice yet';
      const confirmed = l.confirmations[l.confirmations.length - 1];
      return el('tr', {class: late ? 'late' : null},
        el('th', {scope: 'row'}, l.budgetLine),
        confirmed ? num(money(l.confirmedTotal), {entry: confirmed.seq})
                  : el('td', {}, 'not confirmed'),
        el('td', {}, first ? [first.date + ' (entry ', entryLink(first.runSeq), ')'] : 'none'),
        el('td', {class: late ? 'late' : null}, timeliness),
        el('td', {}, latest ? [entryLink(latest.runSeq, 'entry ' + latest.runSeq), ', ' +
                               latest.date + ', ' + enumText(latest.kind, 'NOTICE_KIND_') + ', ' +
                               money(latest.total)] : 'none'),
        num(latest ? l.acknowledgedCount + ' of ' + l.notifiedCount : ''),
        el('td', {}, l.unacknowledged.map((ods) => [
          el('a', {href: '/practice/' + encodeURIComponent(ods) + '/budget'}, ods), ' '])));
    })));
  main.append(el('h2', {}, 'Every run'));
  main.append(table('runs', 'Each capitation run, oldest first',
    ['Line', 'Run entry', 'Date', 'Kind', 'Total'],
    notices.lines.flatMap((l) => l.runs.map((r) => el('tr', {},
      el('th', {scope: 'row'}, l.budgetLine), num(r.runSeq, {entry: r.runSeq}),
      el('td', {}, r.date), el('td', {}, enumText(r.kind, 'NOTICE_KIND_')),
      num(money(r.total)))))));
  main.append(el('h2', {}, 'Confirmed totals'));
  main.append(table('confirmations', 'Each confirmation of a line\'s total, oldest first',
    ['Line', 'Entry', 'Date', 'By', 'Total', 'Reason'],
    notices.lines.flatMap((l) => l.confirmations.map((c) => el('tr', {},
      el('th', {scope: 'row'}, l.budgetLine), num(c.seq, {entry: c.seq}), el('td', {}, c.date),
      el('td', {}, c.confirmedBy), num(money(c.total)), el('td', {}, c.reason))))));
  if (notices.transfers.length) main.append(transfersTable(notices.transfers));
}

// The membership report: who signed what for the year, who must sign again, who is leaving.
async function membersPage(main) {
  const asked = askedMonth();
  const members = await api('ListMemberships', {year: askedYear(), month: asked});
  document.title = 'Membership ' + members.year;
  main.append(el('h1', {}, 'Membership, ' + members.year));
  await yearLinks(main, members.year);
  main.append(el('p', {id: 'as-of'}, asOfBooks(members.year, asked, members.asOfSeq)));
  main.append(asOfForm(asked, null, 'now'));
  main.append(el('p', {id: 'membership-summary'},
    members.agreementSeq && members.agreementSeq !== '0'
      ? ['Agreement in force: entry ', entryLink(members.agreementSeq), '. ' +
         members.signedCount + ' practices signed it; ' + members.unsignedCount + ' have not.']
      : 'No risk-sharing agreement is in force for ' + members.year + ' yet.'));
  if (members.terms.length) {
    main.append(table('terms', 'The membership terms, oldest first (the last is in force)',
      ['Entry', 'Date', 'Recorded by', 'Title', 'SHA-256'],
      members.terms.map((t) => el('tr', {}, num(t.seq, {entry: t.seq}), el('td', {}, t.date),
        el('td', {}, t.recordedBy), el('td', {}, t.title),
        el('td', {}, el('code', {class: 'hash'}, t.termsSha256))))));
  }
  main.append(sortable(table('members', 'Every registered practice',
    ['ODS code', 'Practice', 'Signed', 'Agreement signed', 'Signed what is in force', 'Leaving'],
    members.practices.map((m) => {
      const signed = m.signedSeq && m.signedSeq !== '0';
      const leaving = m.left ? 'left before ' + members.year
        : m.lastYear ? 'last year ' + m.lastYear
        : m.pendingLeaveSeq && m.pendingLeaveSeq !== '0'
          ? ['asked to leave after ' + m.pendingLastYear + ' (entry ',
             entryLink(m.pendingLeaveSeq), '), awaiting the practice']
          : '';
      return el('tr', {class: signed && m.signedCurrent ? null : 'late'},
        el('th', {scope: 'row'},
           el('a', {href: '/practice/' + encodeURIComponent(m.odsCode) + '/statement'},
              m.odsCode)),
        el('td', {}, m.name),
        el('td', {}, signed ? [m.signedDate + ' (entry ', entryLink(m.signedSeq), ')']
                            : 'not signed'),
        el('td', {}, signed ? entryLink(m.agreementSeq, 'entry ' + m.agreementSeq) : ''),
        el('td', {}, m.signedCurrent ? 'yes' : 'no: must sign'),
        el('td', {}, leaving));
    })), ['text', 'text', 'text', 'text', 'text', 'text']));
}

// A case's decision clock in words.
function clockText(clock) {
  if (!clock || !clock.started) return 'not started (awaiting consent)';
  if (clock.decided) {
    return 'decided on day ' + clock.elapsedDays + ' of ' + clock.targetDays +
           (clock.late ? ': late' : ': on time');
  }
  return 'day ' + clock.elapsedDays + ' of ' + clock.targetDays + ' (' + clock.pausedDays +
         ' paused), ' + (clock.late ? 'late: ' + (-clock.daysLeft) + ' days over'
                                    : clock.daysLeft + ' days left');
}

// The case report: open cases with their clocks (late ones marked), each approving role's record,
// and every case; clocks read now or on a chosen month end.
async function casesPage(main) {
  const asked = askedMonth();
  const year = await api('GetYear', {year: askedYear()});
  const when = {year: year.year, month: asked};
  const [report, cases] = await Promise.all([api('GetCaseReport', when), api('ListCases', when)]);
  document.title = 'Business cases';
  main.append(el('h1', {}, 'Business cases'));
  main.append(el('p', {id: 'as-of'}, 'Decision clocks read on ' + report.readOn +
                 (asked ? ' (the end of ' + asked + ')' : ' (today)') + '. ',
                 asOfBooks(year.year, asked, report.asOfSeq)));
  main.append(asOfForm(asked, null, 'now'));
  main.append(table('open-cases', 'Open cases, most days over first',
    ['Case', 'Title', 'State', 'Decided by', 'Clock started', 'Clock'],
    report.open.map((c) => el('tr', {class: c.clock && c.clock.late ? 'late' : null},
      el('th', {scope: 'row'}, c.caseId), el('td', {}, c.title),
      el('td', {}, enumText(c.state, 'CASE_STATE_')), el('td', {}, enumText(c.approverRole, 'ROLE_')),
      el('td', {}, c.clock ? c.clock.startedOn : ''),
      el('td', {class: c.clock && c.clock.late ? 'late' : null}, clockText(c.clock))))));
  main.append(el('p', {id: 'awaiting-consent'}, report.awaitingConsent.length
    ? 'Awaiting the funding practices\' consent (no clock yet): ' + report.awaitingConsent.join(', ')
    : 'No case awaits consent.'));
  main.append(table('case-roles', 'Decisions by approving role',
    ['Role', 'Decided', 'Median days to decide', 'Decided late', 'Open', 'Open and over the target'],
    report.roles.map((r) => el('tr', {class: Number(r.openOver) > 0 ? 'late' : null},
      el('th', {scope: 'row'}, enumText(r.role, 'ROLE_')), num(String(r.decided)),
      num(r.medianDays || 'none'),
      el('td', {}, String(r.late) + (r.lateCaseIds.length ? ': ' + r.lateCaseIds.join(', ') : '')),
      num(String(r.open)), num(String(r.openOver))))));
  main.append(sortable(table('all-cases', 'Every case',
    ['Case', 'Title', 'State', 'Amount', 'Funded by', 'Clock'],
    cases.cases.map((c) => el('tr', {class: c.clock && c.clock.late ? 'late' : null},
      el('th', {scope: 'row'}, c.caseId), el('td', {}, c.title),
      el('td', {}, enumText(c.state, 'CASE_STATE_')), num(money(c.amount)),
      el('td', {}, c.fundings.map((f) => [
        el('a', {href: '/practice/' + encodeURIComponent(f.odsCode) + '/reserve'}, f.odsCode),
        ' ' + money(f.amount) +
          (f.consentSeq && f.consentSeq !== '0' ? '' : ' (not consented)') + ' '])),
      el('td', {}, clockText(c.clock))))),
    ['text', 'text', 'text', 'decimal', 'text', 'text']));
}

// Contracts with their commitments and payments against the year's ceilings.
async function contractsPage(main) {
  const asked = askedMonth();
  const year = await api('GetYear', {year: askedYear()});
  const list = await api('ListContracts', {year: year.year, month: asked});
  document.title = 'Contracts ' + year.year;
  main.append(el('h1', {}, 'Contracts, ' + year.year));
  await yearLinks(main, year.year);
  main.append(el('p', {id: 'as-of'}, asOfBooks(year.year, asked, list.asOfSeq)));
  main.append(asOfForm(asked, null, 'now'));
  const shown = list.contracts.filter((c) => c.years.some((y) => y.year === year.year) ||
                                             c.status === 'CONTRACT_STATUS_DRAFT');
  main.append(sortable(table('contracts', 'Each contract\'s value, payments and commitment ' +
                             'against its ceiling for ' + year.year,
    ['Contract', 'Provider', 'Mode', 'Line', 'Status', 'Value', 'Ceiling', 'Paid',
     'Outstanding commitment', 'Headroom', 'Cases paid', 'Approval'],
    shown.map((c) => {
      const y = c.years.find((v) => v.year === year.year);
      const over = y && money(y.headroom).startsWith('-');
      return el('tr', {class: over ? 'late' : null},
        el('th', {scope: 'row'}, entryLink(c.registeredSeq, c.contractId)),
        el('td', {}, c.providerCode), el('td', {}, enumText(c.mode, 'CONTRACT_MODE_')),
        el('td', {}, c.budgetLine), el('td', {}, enumText(c.status, 'CONTRACT_STATUS_')),
        num(y ? money(y.value) : ''), num(y ? money(y.ceiling) : ''),
        num(y ? money(y.paid) : '', {entry: c.lastPaymentSeq}),
        num(y ? money(y.outstanding) : ''),
        num(y ? money(y.headroom) : '', {variance: false}),
        num(y ? y.cases + (y.volume && y.volume !== '0' ? ' of ' + y.volume : '') : ''),
        el('td', {}, c.approvedSeq && c.approvedSeq !== '0'
          ? [c.needsPctApproval ? 'PCT finance, ' : 'LCP finance, ', 'entry ',
             entryLink(c.approvedSeq)]
          : c.needsPctApproval ? 'awaiting PCT finance' : 'awaiting LCP finance',
           c.conflicted ? ' (an interest is declared)' : ''));
    })), ['text', 'text', 'text', 'text', 'text', 'decimal', 'decimal', 'decimal', 'decimal',
          'decimal', 'text', 'text']));
  main.append(el('p', {class: 'note'}, 'Headroom is the ceiling less what was paid in the ' +
                 'year; a row over its ceiling is marked. Paid links to the latest payment\'s ' +
                 'entry, a contract to its registration.'));
}

// ---- The journal, a page at a time, and one entry with all it posted.

const kJournalPage = 50;
// The postings a journal page shows of each entry (an entry's own page shows them all).
const kJournalPostings = 6;
// The most ListEntries calls one page of an account's entries makes.
const kAccountCalls = 4;

// "AAEC..." (base64 of the JSON mapping) -> "0001..." (hex, as lcp prints hashes).
function hex(base64) {
  return Array.from(atob(base64 || ''), (c) => c.charCodeAt(0).toString(16).padStart(2, '0'))
      .join('');
}

// The command's name ("postJournal" -> "PostJournal") and the text of what it says, if anything.
function commandName(command) {
  const name = Object.keys(command || {})[0] || '';
  return name.charAt(0).toUpperCase() + name.slice(1);
}

function actorText(actor) {
  return (actor.principalId || '') + ' (' + enumText(actor.role, 'ROLE_') + ')';
}

function periodText(period) {
  return period && period.year ? period.year + ' ' + period.month : '';
}

// An entry's postings as ListEntries returned them (the first kJournalPostings), and how many more.
function postingsList(view) {
  const postings = view.entry.postings || [];
  const more = Number(view.postingsLeftOut || 0);
  return el('ul', {class: 'postings'},
            postings.map((p) => el('li', {}, el('code', {}, p.account), ' ', money(p.amount),
                                   p.period && p.period.year ? ' (' + periodText(p.period) + ')'
                                                             : '')),
            more ? el('li', {}, el('a', {href: '/journal/' + view.seq}, 'and ' + more + ' more'))
                 : null);
}

// The journal, a page of kJournalPage entries; with `?account=`, only the entries that posted to
// that account (the entries behind a balance), from the first on.
async function journalPage(main) {
  const params = new URLSearchParams(location.search);
  const account = params.get('account') || '';
  const head = await api('GetHead', {});
  const last = Number(head.seq);
  let from = Number(params.get('from') ||
                    (account ? 1 : Math.max(1, last - kJournalPage + 1)));
  if (!Number.isSafeInteger(from) || from < 1) from = 1;
  // A page for an account may come back short while the server has more to look at: go on, a few
  // times (each looks at up to 100,000 entries), then show what was found and link to the rest.
  const entries = [];
  let token = '';
  let asked = 0;
  do {
    const page = await api('ListEntries', {from_seq: from, page_token: token,
                                           page_size: kJournalPage - entries.length,
                                           postings_max: kJournalPostings, account});
    entries.push(...page.entries);
    token = page.nextPageToken;
    asked += 1;
  } while (account && token && entries.length < kJournalPage && asked < kAccountCalls);
  document.title = account ? 'Journal: ' + account : 'Journal';
  main.append(el('h1', {}, account ? ['Journal: entries posting to ', el('code', {}, account)]
                                   : 'Journal'));
  const to = entries.length ? Number(entries[entries.length - 1].seq) : from - 1;
  main.append(el('p', {id: 'journal-range'}, account
    ? (entries.length ? entries.length + ' entries from entry ' + from + ' on' +
                        (token ? '' : ', the last of them') + '. '
                      : token ? 'None found from entry ' + from + ' to ' + (Number(token) - 1) +
                                '; look on with Later. '
                              : 'No entry from ' + from + ' on posts to it. ') +
      'The journal has ' + last + ' entries.'
    : entries.length
      ? 'Entries ' + from + ' to ' + to + ' of ' + last + '. The chain head is entry ' + last +
        ', hash ' + head.hashHex + '.'
      : 'No entries from ' + from + ': the journal has ' + last + '.'));
  const here = (start) => '/journal?' + (account ? 'account=' + encodeURIComponent(account) + '&'
                                                 : '') + 'from=' + start;
  const paging = el('nav', {class: 'paging', 'aria-label': 'Journal pages'},
    from > 1 ? el('a', {href: here(1), id: 'page-first'}, 'First') : null,
    from > 1 && !account ? el('a', {href: here(Math.max(1, from - kJournalPage)),
                                    id: 'page-earlier'}, 'Earlier') : null,
    account ? (token ? el('a', {href: here(token), id: 'page-later'}, 'Later') : null)
            : to < last ? el('a', {href: here(to + 1), id: 'page-later'}, 'Later') : null,
    !account && to < last ? el('a', {href: '/journal', id: 'page-latest'}, 'Latest') : null,
    account ? el('a', {href: '/journal', id: 'page-all'}, 'The whole journal') : null);
  main.append(paging);
  // A month end: the page that ends with the month's close.
  try {
    const year = await api('GetYear', {});
    if (year.closedMonths.length && !account) {
      main.append(el('p', {class: 'note', id: 'month-closes'}, 'Month ends of ' + year.year + ': ',
        year.closedMonths.map((m) => [el('a', {href: '/journal?from=' +
                                                     Math.max(1, Number(m.seq) - kJournalPage + 1)},
                                          m.month), ' '])));
    }
  } catch (error) {
    if (error.status === 401) throw error;
  }
  main.append(table('journal', account ? 'Entries posting to ' + account + ', oldest first'
                                       : 'Journal entries, oldest first',
    ['Entry', 'Recorded', 'Command', 'By', 'Period', 'Postings', 'Hash'],
    entries.map((e) => el('tr', {},
      el('th', {scope: 'row'}, el('a', {href: '/journal/' + e.seq}, e.seq)),
      el('td', {}, e.entry.recordedAt || ''), el('td', {}, commandName(e.entry.command)),
      el('td', {}, actorText(e.entry.actor || {})), el('td', {}, periodText(e.entry.period)),
      el('td', {}, postingsList(e)),
      el('td', {}, el('code', {class: 'hash'}, hex(e.hash)))))));
  main.append(paging.cloneNode(true));
}

async function entryPage(main, seq) {
  const [answer, head] = await Promise.all([api('GetEntry', {seq}), api('GetHead', {})]);
  const view = answer.entry;
  const entry = view.entry;
  const n = Number(view.seq);
  document.title = 'Journal entry ' + view.seq;
  main.append(el('h1', {id: 'entry-title'}, 'Journal entry ' + view.seq + ': ' +
                 commandName(entry.command)));
  main.append(el('nav', {class: 'paging', 'aria-label': 'Neighbouring entries'},
    n > 1 ? el('a', {href: '/journal/' + (n - 1), id: 'entry-previous'}, 'Previous entry') : null,
    n < Number(head.seq) ? el('a', {href: '/journal/' + (n + 1), id: 'entry-next'}, 'Next entry')
                         : null,
    el('a', {href: '/journal?from=' + Math.max(1, n - kJournalPage + 1)}, 'Its journal page')));
  const facts = [
    ['Recorded', entry.recordedAt || ''],
    ['By', actorText(entry.actor || {})],
    ['Idempotency key', entry.idempotencyKey],
    ['Period', periodText(entry.period) || 'posts nothing'],
    ['Rules version', String(entry.rulesVersion || 1)],
    ['Reverses', entry.reversesSeq && entry.reversesSeq !== '0' ? entryLink(entry.reversesSeq)
                                                                 : 'nothing'],
    ['Checkpoint', entry.checkpoint ? ['entry ', entryLink(entry.checkpoint.seq), ', hash ',
                                       el('code', {class: 'hash'}, hex(entry.checkpoint.hash))]
                                    : 'none'],
    ['Previous hash', el('code', {class: 'hash'}, hex(view.prevHash))],
    ['Hash', el('code', {class: 'hash', id: 'entry-hash'}, hex(view.hash))],
  ];
  main.append(el('dl', {class: 'steps', id: 'entry-facts'},
                 facts.map(([t, v]) => [el('dt', {}, t), el('dd', {}, v)])));
  main.append(table('postings', 'Its postings (they sum to zero)', ['Account', 'Period', 'Amount'],
    (entry.postings || []).map((p) => el('tr', {},
      el('th', {scope: 'row'}, el('code', {}, p.account)),
      el('td', {}, periodText(p.period) || periodText(entry.period)), num(money(p.amount))))));
  main.append(el('h2', {}, 'The command as submitted'));
  main.append(el('pre', {id: 'command'}, JSON.stringify(entry.command, null, 2)));
}

async function main() {
  const mainElement = document.getElementById('main');
  const parts = location.pathname.split('/').filter(Boolean);
  try {
    mainElement.replaceChildren();
    if (parts[0] === 'practice' && parts.length === 3) {
      const ods = decodeURIComponent(parts[1]);
      nav(ods, location.pathname);
      const pages = {statement: statementPage, risk: riskPage, budget: budgetPage,
                     reserve: reservePage};
      await pages[parts[2]](mainElement, ods);
    } else if (parts[0] === 'partnership' && parts.length === 2) {
      nav(null, location.pathname);
      const pages = {variance: variancePage, notices: noticesPage, members: membersPage,
                     cases: casesPage, contracts: contractsPage};
      await pages[parts[1]](mainElement);
    } else if (parts[0] === 'journal' && parts.length === 2) {
      nav(null, '/journal');
      await entryPage(mainElement, parts[1]);
    } else {
      nav(null, '/journal');
      await journalPage(mainElement);
    }
  } catch (error) {
    showError(mainElement, error);
  }
  // For tests (they wait for it) and for bench/web (the time from navigation to a drawn page).
  performance.mark('lcp-ready');
  document.body.dataset.ready = 'true';
}

document.addEventListener('DOMContentLoaded', main);
