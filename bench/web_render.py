"""The browser's side of bench/web: how long Debian's headless Chromium takes from navigating to a
page until the page's script has drawn it (app.js marks 'lcp-ready'), for the pages that draw the
most: the all-practices variance page (a table row and a chart bar per practice), a practice's
statement page, and a journal page. Against an insecure server (the administrator signs in with an
empty token), in a fresh profile, cache disabled; the median of RUNS loads of each.

Usage: web_render.py WEB_URL RUNS ODS"""

import statistics
import sys
import tempfile

from selenium import webdriver
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import WebDriverWait

web, runs, ods = sys.argv[1], int(sys.argv[2]), sys.argv[3]
options = webdriver.ChromeOptions()
options.binary_location = '/usr/bin/chromium'
for flag in ['--headless=new', '--no-sandbox', '--disable-gpu', '--no-first-run',
             '--disable-background-networking', '--disable-component-update', '--disable-sync',
             '--window-size=1280,1600', '--user-data-dir=' + tempfile.mkdtemp(prefix='lcp-bench-')]:
    options.add_argument(flag)
driver = webdriver.Chrome(service=Service('/usr/bin/chromedriver'), options=options)
driver.set_page_load_timeout(300)
try:
    driver.execute_cdp_cmd('Network.setCacheDisabled', {'cacheDisabled': True})
    driver.get(web + '/signin')
    driver.find_element(By.ID, 'signin-button').click()
    WebDriverWait(driver, 60).until(lambda d: '/signin' not in d.current_url)

    def drawn(path):
        """Milliseconds from navigation to the 'lcp-ready' mark, and the rows drawn."""
        driver.get(web + path)
        WebDriverWait(driver, 300).until(
            lambda d: d.execute_script('return document.body.dataset.ready === "true"'))
        error = driver.find_elements(By.CSS_SELECTOR, '.error')
        if error:
            raise SystemExit(path + ': ' + error[0].text)
        return driver.execute_script(
            'return [performance.getEntriesByName("lcp-ready")[0].startTime,'
            ' document.querySelectorAll("tbody tr").length]')

    for label, path in [('the variance page, every practice', '/partnership/variance'),
                        ('the variance page at the end of M06', '/partnership/variance?month=M06'),
                        ('the statement page of ' + ods, '/practice/' + ods + '/statement'),
                        ('the journal page at the head', '/journal')]:
        times = []
        rows = 0
        for _ in range(runs):
            elapsed, rows = drawn(path)
            times.append(elapsed)
        print(f'{label + f" ({rows} rows)":<62} {statistics.median(times):8.1f} ms')
finally:
    driver.quit()
