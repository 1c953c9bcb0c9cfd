"""The web view in a real browser: Debian's headless Chromium, driven by Selenium through
chromedriver, against the real lcp-ledgerd serving the sample books (web_env.py) over TLS.

Usage: browser_test.py BUILD_DIR SCREENSHOT_DIR. Each page it visits is saved there as a PNG."""

import base64
import hashlib
import json
import pathlib
import subprocess
import sys
import tempfile
import unittest
from decimal import Decimal

from selenium import webdriver
from selenium.common.exceptions import NoAlertPresentException
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By
from selenium.webdriver.support import expected_conditions
from selenium.webdriver.support.ui import WebDriverWait

import web_env

BUILD = sys.argv[1] if len(sys.argv) > 1 else 'build'
SHOTS = pathlib.Path(sys.argv[2] if len(sys.argv) > 2 else 'web-screenshots')


def spki_sha256(certificate_pem):
    """The base64 SHA-256 of a certificate's public key, for Chromium to trust just that key."""
    key = subprocess.run(['openssl', 'x509', '-pubkey', '-noout', '-in', certificate_pem],
                         check=True, capture_output=True).stdout
    der = subprocess.run(['openssl', 'pkey', '-pubin', '-outform', 'der'], input=key, check=True,
                         capture_output=True).stdout
    return base64.b64encode(hashlib.sha256(der).digest()).decode()


class Browser:
    def __init__(self, books):
        options = webdriver.ChromeOptions()
        options.binary_location = '/usr/bin/chromium'
        self.profile = tempfile.mkdtemp(prefix='lcp-chromium-')
        for flag in ['--headless=new', '--no-sandbox', '--disable-gpu', '--disable-quic',
                     '--no-first-run', '--disable-background-networking',
                     '--disable-component-update', '--disable-sync', '--window-size=1280,1600',
                     '--user-data-dir=' + self.profile,
                     # Trust the test server's key only, as a browser would trust the LCP's CA.
                     '--ignore-certificate-errors-spki-list=' +
                     spki_sha256(str(books.work / 'certs' / 'server.pem'))]:
            options.add_argument(flag)
        options.set_capability('goog:loggingPrefs', {'browser': 'ALL'})
        self.driver = webdriver.Chrome(service=Service('/usr/bin/chromedriver'), options=options)
        self.driver.set_page_load_timeout(60)
        self.web = books.web

    def get(self, path):
        self.driver.get(self.web + path)

    def ready(self):
        """Waits until a page's script has drawn it."""
        WebDriverWait(self.driver, 60).until(
            lambda d: d.execute_script('return document.body.dataset.ready === "true"'))

    def text(self, css):
        return self.driver.find_element(By.CSS_SELECTOR, css).text

    def rows(self, css):
        """A table's body as lists of cell texts (the header cell of each row first)."""
        return [[cell.text for cell in row.find_elements(By.CSS_SELECTOR, 'th, td')]
                for row in self.driver.find_elements(By.CSS_SELECTOR, css + ' tbody tr')]

    def sign_in(self, token):
        self.get('/signin')
        self.driver.find_element(By.ID, 'token').send_keys(token)
        self.driver.find_element(By.ID, 'signin-button').click()
        WebDriverWait(self.driver, 30).until(lambda d: '/signin' not in d.current_url)

    def shot(self, name, most=4000):
        """Saves the page, at most `most` pixels of it from the top."""
        SHOTS.mkdir(parents=True, exist_ok=True)
        height = self.driver.execute_script('return document.documentElement.scrollHeight')
        self.driver.set_window_size(1280, max(900, min(height + 40, most)))
        self.driver.save_screenshot(str(SHOTS / (name + '.png')))

    def problems(self):
        """What the console reported at SEVERE: a script error or a Content-Security-Policy
        violation (the refused pages' 403s aside)."""
        return [entry['message'] for entry in self.driver.get_log('browser')
                if entry['level'] == 'SEVERE' and 'status of 403' not in entry['message']
                and 'status of 401' not in entry['message']
                # Each page asks whether the year before was opened, to link to it.
                and not ('/api/v1/GetYear?year=' in entry['message']
                         and 'status of 409' in entry['message'])]

    def close(self):
        self.driver.quit()


def figure(decimal):
    return decimal['value']


def total_line(lines):
    return next(line for line in lines if line['budgetLine'] == 'TOTAL')


def variance_text(value):
    """A variance as the pages show it: with its sense in words, except for zero."""
    if Decimal(value) == 0:
        return value
    return value + (' (over)' if value.startswith('-') else ' (under)')


def figures(line):
    """A statement line's figures as the pages show them."""
    return [figure(line['budget']), figure(line['commitments']), figure(line['actual']),
            figure(line['forecast']), variance_text(figure(line['variance']))]


class WebViewTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.books = web_env.Books(BUILD)
        cls.browser = Browser(cls.books)

    @classmethod
    def tearDownClass(cls):
        cls.browser.close()
        cls.books.close()

    def setUp(self):
        self.browser.driver.delete_all_cookies()

    def tearDown(self):
        self.assertEqual(self.browser.problems(), [])

    def test_a_practice_statement_equals_lcp_statement(self):
        b = self.browser
        b.sign_in(self.books.tokens['riverside@lcp'])
        self.assertTrue(b.driver.current_url.endswith('/practice/A81001/statement'))
        b.ready()
        expected = self.books.lcp('riverside@lcp', 'statement')['practices'][0]
        self.assertEqual(b.text('#practice-name'), 'Riverside Medical Centre (A81001)')
        self.assertEqual(b.rows('#statement'), [
            [line['budgetLine'], figure(line['budget']), figure(line['commitments']),
             figure(line['actual']), figure(line['forecast']),
             figure(line['variance']) + (' (under)' if not figure(line['variance']).startswith('-')
                                         else ' (over)')]
            for line in expected['lines']])
        # The figures themselves, worked out from sample_books.sh: Riverside's budget is its run's
        # share of 3,100,000.00; its spend 70,000.00 + 85,000.50 + 64,999.49.
        total = b.rows('#statement')[-1]
        self.assertEqual(total[0], 'TOTAL')
        self.assertEqual(total[3], '219999.99')
        self.assertEqual(total[1], '944466.29')
        self.assertEqual(total[5], '724466.30 (under)')
        # The chart is drawn, and its table holds the TOTAL at each month end: M01 and M02 closed,
        # M03 open.
        canvas = b.driver.find_element(By.ID, 'chart')
        self.assertGreater(canvas.size['width'], 300)
        self.assertTrue(b.driver.execute_script(
            'const c = document.getElementById("chart"); return window.Chart.getChart(c) !== undefined'
            ' && c.toDataURL().length > 5000'))
        chart = b.rows('#chart-data')
        self.assertEqual([row[0] for row in chart], ['M01 (closed)', 'M02 (closed)', 'M03 (open)'])
        self.assertEqual([row[2] for row in chart], ['70000.00', '155000.50', '219999.99'])
        self.assertEqual(chart[-1][1], total[1])
        self.assertEqual(chart[-1][3], total[4])
        b.shot('statement')
        # As of a chosen month end: M01.
        b.get('/practice/A81001/statement?month=M01')
        b.ready()
        m01 = self.books.lcp('riverside@lcp', 'statement', '--month', 'M01')['practices'][0]
        self.assertEqual(b.rows('#statement')[-1][3], figure(m01['lines'][-1]['actual']))
        self.assertEqual(b.rows('#statement')[-1][3], '70000.00')

    def test_b_risk_share_and_a_what_if_that_posts_nothing(self):
        b = self.browser
        b.sign_in(self.books.tokens['riverside@lcp'])
        b.get('/practice/A81001/risk')
        b.ready()
        expected = self.books.lcp('riverside@lcp', 'share')
        own = expected['members'][0]
        projected = b.rows('#projected-member')
        self.assertEqual(projected[0][0], 'Riverside Medical Centre (A81001)')
        self.assertEqual(projected[0][-1], figure(own['share']))
        steps = b.text('#projected-steps')
        self.assertIn(figure(expected['pooledBudget']), steps)
        self.assertIn(figure(expected['lcpAmount']), steps)
        self.assertEqual(b.text('#not-settled'),
                         'The year is not settled yet; the settled figures appear here once it is.')
        head = self.books.lcp('riverside@lcp', 'head')
        b.driver.find_element(By.ID, 'what-if-0').send_keys('500000')
        b.driver.find_element(By.ID, 'what-if-show').click()
        WebDriverWait(b.driver, 30).until(expected_conditions.presence_of_element_located(
            (By.ID, 'what-if-result-member')))
        asked = self.books.lcp('riverside@lcp', 'share', '--what-if', 'A81001:COMMUNITY=500000')
        what_if = b.rows('#what-if-result-member')
        self.assertEqual(what_if[0][-1], figure(asked['members'][0]['share']))
        self.assertNotEqual(what_if[0][-1], projected[0][-1])
        self.assertIn('500000.00', b.text('#what-if-result-steps'))
        self.assertEqual(self.books.lcp('riverside@lcp', 'head'), head)
        b.shot('risk-share')

    def test_b2_the_year_before_settled(self):
        b = self.browser
        b.sign_in(self.books.tokens['riverside@lcp'])
        b.get('/practice/A81001/risk')
        b.ready()
        b.driver.find_element(By.ID, 'year-before').click()
        WebDriverWait(b.driver, 30).until(lambda d: d.current_url.endswith('?year=2026/27'))
        b.ready()
        expected = self.books.lcp('riverside@lcp', 'share', '--year', '2026/27', '--settled')
        settled = b.rows('#settled-member')
        self.assertEqual(settled[0][-1], figure(expected['members'][0]['share']))
        # What it settled is what 2027/28 brought forward as its reserve (the rules-6 fixture).
        self.assertEqual(settled[0][-1], '20680.16')
        self.assertEqual(b.driver.find_elements(By.ID, 'what-if'), [])
        b.driver.find_element(By.ID, 'year-current').click()
        WebDriverWait(b.driver, 30).until(lambda d: d.current_url.endswith('/practice/A81001/risk'))
        b.ready()
        self.assertEqual(b.rows('#projected-member')[0][0], 'Riverside Medical Centre (A81001)')
        b.shot('risk-share-settled')

    def test_c_budget_reached_and_reserve_with_cases(self):
        b = self.browser
        b.sign_in(self.books.tokens['riverside@lcp'])
        b.get('/practice/A81001/budget')
        b.ready()
        page = b.text('main')
        self.assertIn('Run of entry 37, recorded 2027-05-04 (final): 3100000.00', page)
        self.assertIn('You acknowledged this run on 2027-05-06 (entry 38).', page)
        self.assertIn('Notice: first sent 2027-05-04 against a deadline of 2027-05-01, 3 days '
                      'late.', page)
        b.shot('budget')
        b.get('/practice/A81001/reserve')
        b.ready()
        reserve = dict((row[0], row[1]) for row in b.rows('#reserve'))
        expected = self.books.lcp('riverside@lcp', 'reserve')['practices'][0]
        self.assertEqual(reserve['Brought forward'], figure(expected['broughtForward']))
        self.assertEqual(reserve['Brought forward'], '20680.16')
        cases = b.rows('#cases')
        self.assertEqual(cases[0][:5], ['BC-2027-01', 'Community diabetes clinic',
                                        'awaiting decision', '18000.00', '12000.00'])
        self.assertRegex(cases[0][5], r'^day \d+ of 42 \(0 paused\), ')
        b.shot('reserve')

    def test_d_another_practice_is_refused(self):
        b = self.browser
        b.sign_in(self.books.tokens['riverside@lcp'])
        b.get('/practice/A81002/statement')
        self.assertEqual(b.text('h1'), 'Refused')
        self.assertEqual(b.text('#message'), "role PRACTICE (practice A81001) may read only its "
                                             "own pages, not A81002's")
        answer = b.driver.execute_script(
            'return fetch("/api/v1/GetStatement?ods_code=A81002").then('
            'r => r.json().then(body => [r.status, body.error.code]))')
        self.assertEqual(answer, [403, 'ERROR_CODE_PERMISSION_DENIED'])
        b.shot('refused')

    def test_e_a_name_is_shown_as_text(self):
        b = self.browser
        b.sign_in(self.books.tokens['script@lcp'])
        b.ready()
        self.assertEqual(b.text('#practice-name'), '<script>alert(1)</script> (Y99999)')
        with self.assertRaises(NoAlertPresentException):
            b.driver.switch_to.alert.text
        self.assertEqual(b.driver.execute_script('return document.querySelectorAll("main script")'
                                                 '.length'), 0)

    def test_f_sign_out_ends_the_session(self):
        b = self.browser
        b.sign_in(self.books.tokens['riverside@lcp'])
        b.ready()
        self.assertEqual(b.driver.execute_script('return document.cookie'), '')  # HttpOnly
        b.driver.find_element(By.ID, 'signout').click()
        WebDriverWait(b.driver, 30).until(lambda d: d.current_url.endswith('/signin'))
        b.get('/practice/A81001/statement')
        self.assertTrue(b.driver.current_url.endswith('/signin'))
        status = b.driver.execute_script(
            'return fetch("/api/v1/GetHead").then(r => r.status)')
        self.assertEqual(status, 401)

    def test_g_a_finance_officer_sees_every_practices_variance(self):
        b = self.browser
        b.sign_in(self.books.tokens['officer@lcp'])
        self.assertTrue(b.driver.current_url.endswith('/partnership/variance'))
        b.ready()
        self.assertEqual(b.text('#principal'), 'officer@lcp')
        expected = self.books.lcp('officer@lcp', 'statement')
        rows = b.rows('#variance')
        self.assertEqual([row[:7] for row in rows], [
            [p['odsCode'], p['name']] + figures(total_line(p['lines'])) for p in expected['practices']])
        # Worked out from sample_books.sh: the run's budgets share 3,100,000.00; Hillview's spend is
        # 110,000.00 in M01 and the two contracts' 10,000.00 and 300.00; no commitment is left.
        self.assertEqual([row[:7] for row in rows], [
            ['A81001', 'Riverside Medical Centre', '944466.29', '0.00', '219999.99', '219999.99',
             '724466.30 (under)'],
            ['A81002', 'Hillview Surgery', '1420772.19', '0.00', '120300.00', '120300.00',
             '1300472.19 (under)'],
            ['A81003', 'Park Lane Practice', '734761.52', '0.00', '52000.00', '52000.00',
             '682761.52 (under)'],
            ['Y99999', '<script>alert(1)</script>', '0.00', '0.00', '0.00', '0.00', '0.00']])
        footer = [cell.text for cell in b.driver.find_elements(
            By.CSS_SELECTOR, '#variance tfoot th, #variance tfoot td')]
        self.assertEqual(footer[:7], ['LCP', 'All practices', '3100000.00', '0.00', '392299.99',
                                      '392299.99', '2707700.01 (under)'])
        self.assertEqual(footer[2:7], figures(total_line(expected['lcpTotals'])))
        # The chart is drawn.
        self.assertTrue(b.driver.execute_script(
            'return window.Chart.getChart(document.getElementById("chart")) !== undefined'))
        # Sorted by variance, exactly, both ways.
        by_variance = sorted(expected['practices'],
                             key=lambda p: Decimal(total_line(p['lines'])['variance']['value']))
        button = b.driver.find_element(By.XPATH, '//table[@id="variance"]//th[7]/button')
        button.click()
        self.assertEqual([row[0] for row in b.rows('#variance')],
                         [p['odsCode'] for p in by_variance])
        self.assertEqual(b.driver.find_element(By.XPATH, '//table[@id="variance"]//th[7]')
                         .get_attribute('aria-sort'), 'ascending')
        button.click()
        self.assertEqual([row[0] for row in b.rows('#variance')],
                         [p['odsCode'] for p in reversed(by_variance)])
        b.shot('variance')
        # One line: each budget, commitment and spend links to the entries behind it.
        b.get('/partnership/variance?line=COMMUNITY')
        b.ready()
        self.assertEqual([row[2] for row in b.rows('#variance')],
                         [figure(p['lines'][0]['budget']) for p in expected['practices']])
        self.assertEqual(b.driver.find_element(By.CSS_SELECTOR, '#variance tbody td:nth-child(3) a')
                         .get_attribute('href'),
                         b.web + '/journal?account=practice%3AA81001%3Abudget%3ACOMMUNITY')
        # As of the end of M01: Hillview's 110,000.00 only.
        b.get('/partnership/variance?month=M01')
        b.ready()
        m01 = self.books.lcp('officer@lcp', 'statement', '--month', 'M01')
        self.assertEqual([row[4] for row in b.rows('#variance')],
                         [total_line(p['lines'])['actual']['value'] for p in m01['practices']])
        self.assertEqual([row[4] for row in b.rows('#variance')],
                         ['70000.00', '110000.00', '0.00', '0.00'])
        # Each practice links to its pages.
        b.driver.find_element(By.LINK_TEXT, 'A81002').click()
        WebDriverWait(b.driver, 30).until(
            lambda d: d.current_url.endswith('/practice/A81002/statement?month=M01'))
        b.ready()
        self.assertEqual(b.text('#practice-name'), 'Hillview Surgery (A81002)')
        self.assertEqual(len(b.driver.find_elements(By.CSS_SELECTOR, '#nav-partnership a')), 6)

    def test_h_the_late_notice_and_who_has_not_acknowledged(self):
        b = self.browser
        b.sign_in(self.books.tokens['pct@lcp'])
        b.get('/partnership/notices')
        b.ready()
        expected = self.books.lcp('pct@lcp', 'budget', 'notices')
        line = expected['lines'][0]
        self.assertFalse(line['onTime'])
        rows = b.rows('#notices')
        # The run of 2027-05-04 against the deadline of 2027-05-01: three days late.
        self.assertEqual(rows, [['COMMUNITY', '3100000.00', '2027-05-04 (entry 37)', 'late: 3 days',
                                 'entry 37, 2027-05-04, final, 3100000.00', '1 of 3',
                                 'A81002 A81003']])
        self.assertEqual(rows[0][6].split(), line['unacknowledged'])
        row = b.driver.find_element(By.CSS_SELECTOR, '#notices tbody tr')
        self.assertEqual(row.get_attribute('class'), 'late')
        b.shot('notices')
        # The year before: its notice was on time.
        b.get('/partnership/notices?year=2026/27')
        b.ready()
        self.assertEqual(b.rows('#notices')[0][3], 'on time')
        self.assertFalse(b.driver.find_element(By.CSS_SELECTOR, '#notices tbody tr')
                         .get_attribute('class'))
        # As the books stood at the end of M01 (2027-04-30): the last entry by then is 33, the
        # opening of 2027/28 on 2027-04-05; nothing confirmed or run, and not yet overdue (the
        # deadline is 1 May).
        b.get('/partnership/notices?month=M01')
        b.ready()
        self.assertEqual(b.text('#as-of'), 'Notice deadline 2027-05-01. The books as they stood at '
                         'the end of M01 of 2027/28 (2027-04-30): as of journal entry 33.')
        self.assertEqual(b.rows('#notices'), [['COMMUNITY', 'not confirmed', 'none',
                                               'no notice yet', 'none', '', '']])
        self.assertFalse(b.driver.find_element(By.CSS_SELECTOR, '#notices tbody tr')
                         .get_attribute('class'))
        april = self.books.lcp('pct@lcp', 'budget', 'notices', '--month', 'M01')
        self.assertEqual(april['asOfSeq'], '33')
        self.assertEqual(april['lines'][0]['runs'], [])

    def test_i_a_late_case_as_of_a_month_end(self):
        b = self.browser
        b.sign_in(self.books.tokens['pct@lcp'])
        b.get('/partnership/cases?month=M06')
        b.ready()
        # The end of M06 of 2027/28 is 2027-09-30: day 100 since the last consent of 2027-06-22,
        # against the agreement's 42 days.
        self.assertIn('read on 2027-09-30 (the end of M06).', b.text('#as-of'))
        report = self.books.lcp('pct@lcp', 'case', 'report', '--on', '2027-09-30')
        self.assertEqual(report['open'][0]['clock']['elapsedDays'], '100')
        rows = b.rows('#open-cases')
        self.assertEqual(rows, [['BC-2027-01', 'Community diabetes clinic', 'awaiting decision',
                                 'lcp finance', '2027-06-22',
                                 'day 100 of 42 (0 paused), late: 58 days over']])
        self.assertEqual(b.driver.find_element(By.CSS_SELECTOR, '#open-cases tbody tr')
                         .get_attribute('class'), 'late')
        roles = {row[0]: row for row in b.rows('#case-roles')}
        self.assertEqual(roles['lcp finance'][4:], ['1', '1'])
        self.assertEqual(b.rows('#all-cases')[0][4],
                         'A81001 12000.00 A81002 6000.00')
        b.shot('cases')
        # At the end of M03 (2027-06-30) it is on day 8: not late.
        b.get('/partnership/cases?month=M03')
        b.ready()
        self.assertEqual(b.rows('#open-cases')[0][5], 'day 8 of 42 (0 paused), 34 days left')
        self.assertFalse(b.driver.find_element(By.CSS_SELECTOR, '#open-cases tbody tr')
                         .get_attribute('class'))
        # At the end of M02 (2027-05-31) the case had not been submitted (2027-06-20): the books
        # then end at entry 43, M01's close of 2027-05-07.
        b.get('/partnership/cases?month=M02')
        b.ready()
        self.assertEqual(b.text('#as-of'), 'Decision clocks read on 2027-05-31 (the end of M02). '
                         'The books as they stood at the end of M02 of 2027/28 (2027-05-31): as of '
                         'journal entry 43.')
        self.assertEqual(b.rows('#open-cases'), [])
        self.assertEqual(b.rows('#all-cases'), [])
        self.assertEqual(b.text('#awaiting-consent'), 'No case awaits consent.')
        may = self.books.lcp('pct@lcp', 'case', 'list', '--year', '2027/28', '--month', 'M02')
        self.assertEqual((may['asOfSeq'], may['readOn'], may.get('cases', [])),
                         ('43', '2027-05-31', []))

    def test_j_membership_and_contracts_as_an_auditor(self):
        b = self.browser
        b.sign_in(self.books.tokens['auditor@nao'])
        self.assertTrue(b.driver.current_url.endswith('/partnership/variance'))
        b.get('/partnership/members')
        b.ready()
        expected = self.books.lcp('auditor@nao', 'membership', 'list')
        rows = b.rows('#members')
        self.assertEqual([row[:2] for row in rows],
                         [[p['odsCode'], p['name']] for p in expected['practices']])
        # Nobody signed 2027/28's agreement (entry 39) in the sample.
        self.assertEqual([row[2:5] for row in rows], [['not signed', '', 'no: must sign']] * 4)
        self.assertIn('Agreement in force: entry 39. 0 practices signed it; 4 have not.',
                      b.text('#membership-summary'))
        b.shot('membership')
        b.get('/partnership/contracts')
        b.ready()
        rows = b.rows('#contracts')
        # C-BLOCK: 120,000.00 a year for M03 alone is 10,000.00 in the year, paid in full.
        # C-CASES runs M03 to M12: of 5,000.00's monthly parts (416.67 for M01 to M08, 416.66 for
        # M09 to M12) that is 6 x 416.67 + 4 x 416.66 = 4,166.66; 3 cases at 100.00 leave
        # 3,866.66.
        self.assertEqual([row[:11] for row in rows], [
            ['C-BLOCK', 'NLO01', 'buy', 'COMMUNITY', 'active', '10000.00', '10000.00', '10000.00',
             '0.00', '0.00', '0'],
            ['C-CASES', 'NLO01', 'buy', 'COMMUNITY', 'active', '0.00', '4166.66', '300.00', '0.00',
             '3866.66', '3']])
        listed = self.books.lcp('auditor@nao', 'contract', 'list')['contracts']
        self.assertEqual([row[7] for row in rows], [c['years'][0]['paid']['value'] for c in listed])
        b.shot('contracts')
        # At the end of M02 (2027-05-31) neither contract was registered (2027-06-22), and at the
        # end of M01 (2027-04-30) no 2027/28 agreement was in force (entry 39 is of 2027-05-06)
        # and Y99999 (2027-06-22) was not registered.
        b.get('/partnership/contracts?month=M02')
        b.ready()
        self.assertEqual(b.rows('#contracts'), [])
        self.assertEqual(b.text('#as-of'), 'The books as they stood at the end of M02 of 2027/28 '
                         '(2027-05-31): as of journal entry 43.')
        b.get('/partnership/members?month=M01')
        b.ready()
        self.assertEqual(b.text('#membership-summary'),
                         'No risk-sharing agreement is in force for 2027/28 yet.')
        self.assertEqual([row[:3] for row in b.rows('#members')],
                         [['A81001', 'Riverside Medical Centre', 'not signed'],
                          ['A81002', 'Hillview Surgery', 'not signed'],
                          ['A81003', 'Park Lane Practice', 'not signed']])
        april = self.books.lcp('auditor@nao', 'membership', 'list', '--month', 'M01')
        self.assertEqual((april['asOfSeq'], april['unsignedCount'], len(april['practices'])),
                         ('33', 3, 3))

    def test_k_paging_through_the_journal_and_back(self):
        b = self.browser
        b.sign_in(self.books.tokens['auditor@nao'])
        head = int(self.books.lcp('auditor@nao', 'head')['seq'])
        b.get('/journal')
        b.ready()
        first_page = b.rows('#journal')
        self.assertEqual(first_page[-1][0], str(head))
        self.assertEqual(len(first_page), 50)
        b.shot('journal', most=1300)
        pages = 1
        while b.driver.find_elements(By.ID, 'page-earlier'):
            b.driver.find_element(By.ID, 'page-earlier').click()
            b.ready()
            pages += 1
            self.assertLess(pages, 10)
        self.assertEqual(b.rows('#journal')[0][0], '1')
        self.assertEqual(b.driver.find_elements(By.ID, 'page-first'), [])
        while b.driver.find_elements(By.ID, 'page-later'):
            b.driver.find_element(By.ID, 'page-later').click()
            b.ready()
            pages -= 1
        self.assertEqual(b.rows('#journal')[-1][0], str(head))
        self.assertEqual(pages, 1)
        # An entry in full: the run of entry 37, with the hash lcp prints.
        b.get('/journal/37')
        b.ready()
        entry = self.books.lcp('auditor@nao', 'entry', '37')
        self.assertEqual(b.text('#entry-hash'), base64.b64decode(entry['entry']['hash']).hex())
        self.assertTrue(b.text('#entry-title').startswith('Journal entry 37: RunAllocation'))
        postings = b.rows('#postings')
        self.assertEqual([[row[0], row[2]] for row in postings],
                         [[p['account'], p['amount']['value']]
                          for p in entry['entry']['entry']['postings']])
        b.shot('journal-entry')

    def test_k2_from_a_figure_to_the_entries_behind_it(self):
        b = self.browser
        b.sign_in(self.books.tokens['officer@lcp'])
        b.get('/practice/A81002/statement')
        b.ready()
        statement = b.rows('#statement')
        self.assertEqual(statement[0][3], '120300.00')
        b.driver.find_element(By.LINK_TEXT, '120300.00').click()
        WebDriverWait(b.driver, 30).until(lambda d: 'account=' in d.current_url)
        b.ready()
        self.assertTrue(b.driver.current_url.endswith(
            '/journal?account=practice%3AA81002%3Aspend%3ACOMMUNITY'))
        # The entries with a posting to the account, found here from every entry lcp lists.
        account = 'practice:A81002:spend:COMMUNITY'
        every = self.books.lcp_lines('officer@lcp', 'entries', '--from', '1', '--limit', '1000')
        behind = [e for e in every
                  if any(p['account'] == account for p in e['entry'].get('postings', []))]
        rows = b.rows('#journal')
        self.assertEqual([row[0] for row in rows], [e['seq'] for e in behind])
        # Hillview's spend in 2026/27 (the fixture's year) and 2027/28's: M01, and the two contracts'
        # payments.
        amounts = [p['amount']['value'] for e in behind for p in e['entry']['postings']
                   if p['account'] == account and e['entry']['period']['year'] == '2027/28']
        self.assertEqual(amounts, ['110000.00', '10000.00', '300.00'])
        self.assertEqual(sum(Decimal(a) for a in amounts), Decimal('120300.00'))
        b.shot('journal-account')
        # The run's entry on a journal page shows six postings and links to the rest.
        b.get('/journal?from=37')
        b.ready()
        run = b.rows('#journal')[0]
        self.assertEqual(run[0], '37')
        self.assertEqual(run[2], 'RunAllocation')

    def test_l_a_practice_is_refused_the_partnerships_pages(self):
        b = self.browser
        b.sign_in(self.books.tokens['riverside@lcp'])
        b.ready()
        self.assertEqual(b.driver.find_elements(By.ID, 'nav-partnership'), [])
        for path in ['/partnership/variance', '/partnership/cases', '/journal', '/journal/1']:
            b.get(path)
            self.assertEqual(b.text('h1'), 'Refused')
            self.assertEqual(b.text('#message'), 'role PRACTICE (practice A81001) reads only its '
                                                 'own pages, not the partnership\'s or the journal')
        answer = b.driver.execute_script(
            'return fetch("/api/v1/ListEntries?from_seq=1").then('
            'r => r.json().then(body => [r.status, body.error.code]))')
        self.assertEqual(answer, [403, 'ERROR_CODE_PERMISSION_DENIED'])


if __name__ == '__main__':
    unittest.main(argv=[sys.argv[0], '-v'])
