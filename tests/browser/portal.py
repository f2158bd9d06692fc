#!/usr/bin/python3
"""The portal in a real browser: headless Chromium, driven by Debian's
python3-selenium through chromedriver, over a site that `desk portal serve`
serves on 127.0.0.1 (tests/cli/portal_browser.rs builds it and runs this).

Usage: /usr/bin/python3 tests/browser/portal.py CONFIG.json

CONFIG holds:
  base_url      the served site, "http://127.0.0.1:PORT/"
  key           the portal key; status-page tokens are computed here, as
                docs/portal.md says: HMAC-SHA256(key, "desk-status." + id),
                the first 32 hex digits
  site_title    the site's name (desk.yaml portal.title)
  home_shows    texts the home page shows as text
  article       {slug, title, word, shows}: word is only in the article's body
  contact       the address the contact form writes to
  status        [{id, title, shows}]: tickets whose status pages exist
  hidden        texts that no page may contain (internal notes, addresses,
                a custom field that is not public, an internal article)
  screenshots   the directory for a PNG of each page

Checks, one line each when passed:
  - the home page: its title, the category list, the search form (hidden
    in the HTML) shown by assets/search.js;
  - search: the body-only word typed into #q and submitted gives a hit that
    links to kb/SLUG/, and following it opens the article; a query in the
    address (?q=) is searched on load and stays text;
  - the article page, the contact page (a form whose action is mailto:),
    each status page (its public conversation);
  - on every page: the hostile texts are shown as text, no alert is open,
    no payload's marker is set (window.PWNED, the document's title), no
    element has an event-handler attribute, no script but the site's own,
    no link or source with a javascript:, data: or vbscript: address, no
    Content-Security-Policy violation and no error in the console, the CSP
    meta tag present, none of the hidden texts in the page;
  - the manifest (.desk-portal.json, which lists the status pages) and a
    wrong status token are not served.

Exits 1 with a message saying what failed, 2 when the browser cannot start.
"""

import hashlib
import hmac
import json
import os
import shutil
import sys
import tempfile
import traceback
import urllib.error
import urllib.parse
import urllib.request

import html5lib

from selenium import webdriver
from selenium.common.exceptions import (
    NoAlertPresentException,
    TimeoutException,
    UnexpectedAlertPresentException,
    WebDriverException,
)
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import WebDriverWait

CHROMIUM = "/usr/bin/chromium"
CHROMEDRIVER = "/usr/bin/chromedriver"
WAIT = 10

# Runs before any script of every page (CDP scripts are not subject to the
# page's CSP): records the page's CSP violations.
RECORD_VIOLATIONS = """
window.__deskViolations = [];
document.addEventListener("securitypolicyviolation", function (e) {
  window.__deskViolations.push(
    e.effectiveDirective + " blocked " + (e.blockedURI || "inline") +
    (e.sample ? " (" + e.sample + ")" : ""));
});
"""

# What the page's DOM holds that a payload could have put there.
DOM_PROBLEMS = """
var problems = [];
var own = /\\/assets\\/(search|search-index)\\.js$/;
document.querySelectorAll("*").forEach(function (el) {
  var tag = el.tagName.toLowerCase();
  Array.from(el.attributes).forEach(function (a) {
    var name = a.name.toLowerCase();
    if (name.indexOf("on") === 0) {
      problems.push("<" + tag + "> has the attribute " + name + "=" + JSON.stringify(a.value));
    }
    if (["href", "src", "action", "formaction", "data", "xlink:href", "srcdoc"].indexOf(name) >= 0) {
      var scheme;
      try { scheme = new URL(a.value, document.baseURI).protocol; } catch (e) { scheme = a.value; }
      if (/^\\s*(javascript|data|vbscript):/i.test(scheme)) {
        problems.push("<" + tag + "> has " + name + "=" + JSON.stringify(a.value));
      }
    }
  });
  if (tag === "script" && !own.test(el.src || "")) {
    problems.push("a script that is not the site's: " + el.outerHTML.slice(0, 200));
  }
  if (["iframe", "object", "embed", "frame", "svg", "math", "base"].indexOf(tag) >= 0) {
    problems.push("an element the site never makes: " + el.outerHTML.slice(0, 200));
  }
});
return problems;
"""


class Failure(Exception):
    """A check that did not hold."""


def check(condition, message):
    if not condition:
        raise Failure(message)


def passed(message):
    print(f"ok: {message}", flush=True)


def status_token(key, ticket):
    """The status page's token, computed as docs/portal.md documents it."""
    digest = hmac.new(key.encode(), b"desk-status." + ticket.encode(), hashlib.sha256)
    return digest.hexdigest()[:32]


def start_browser(profile, script=True):
    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for arg in [
        "--headless=new",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--no-proxy-server",
        f"--user-data-dir={profile}",
        "--window-size=1200,900",
    ]:
        options.add_argument(arg)
    if not script:
        options.add_argument("--blink-settings=scriptEnabled=false")
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    # An alert a payload opened stays open, for the check to see.
    options.set_capability("unhandledPromptBehavior", "ignore")
    options.ignore_local_proxy_environment_variables()
    driver = webdriver.Chrome(service=Service(executable_path=CHROMEDRIVER), options=options)
    driver.set_page_load_timeout(30)
    driver.execute_cdp_cmd("Page.addScriptToEvaluateOnNewDocument", {"source": RECORD_VIOLATIONS})
    return driver


class Portal:
    def __init__(self, driver, config):
        self.driver = driver
        self.config = config
        self.base = config["base_url"]
        self.shots = config["screenshots"]
        self.hidden = config["hidden"]

    def url(self, path):
        return self.base.rstrip("/") + "/" + path.lstrip("/")

    def open(self, path):
        try:
            self.driver.get(self.url(path))
        except UnexpectedAlertPresentException as e:
            raise Failure(f"{path}: an alert opened while the page loaded: {e.alert_text!r}") from e

    def body_text(self):
        return self.driver.find_element(By.TAG_NAME, "body").text

    def wait(self, what, condition):
        try:
            return WebDriverWait(self.driver, WAIT).until(lambda d: condition())
        except TimeoutException as e:
            raise Failure(f"{what} (waited {WAIT} s)") from e

    def screenshot(self, name):
        path = os.path.join(self.shots, f"{name}.png")
        check(self.driver.save_screenshot(path), f"the screenshot {path} was not saved")
        passed(f"screenshot {path}")

    def inert(self, page, title, shows):
        """The checks every page gets: the payloads stayed text."""
        d = self.driver
        try:
            alert = d.switch_to.alert
            raise Failure(f"{page}: an alert is open: {alert.text!r}")
        except NoAlertPresentException:
            pass
        check(d.execute_script("return window.PWNED") is None, f"{page}: a payload set window.PWNED")
        check(d.title == title, f"{page}: the document's title is {d.title!r}, not {title!r}")
        problems = d.execute_script(DOM_PROBLEMS)
        check(not problems, f"{page}: " + "; ".join(problems))
        violations = d.execute_script("return window.__deskViolations || []")
        check(not violations, f"{page}: Content-Security-Policy violations: {violations}")
        console = [
            e["message"]
            for e in d.get_log("browser")
            if e.get("level") == "SEVERE" or "Content Security Policy" in e.get("message", "")
        ]
        # Chromium asks every site for /favicon.ico; the portal has none.
        console = [m for m in console if "/favicon.ico" not in m]
        check(not console, f"{page}: errors in the console: {console}")
        csp = d.find_elements(By.CSS_SELECTOR, 'meta[http-equiv="Content-Security-Policy"]')
        check(len(csp) == 1, f"{page}: {len(csp)} CSP meta tags")
        policy = csp[0].get_attribute("content")
        check(
            "script-src 'self'" in policy and "unsafe-inline" not in policy,
            f"{page}: the CSP allows inline script: {policy!r}",
        )
        text = self.body_text()
        for s in shows:
            check(s in text, f"{page}: {s!r} is not shown as text; the page shows:\n{text}")
        source = d.page_source
        for s in self.hidden:
            check(s not in source, f"{page}: the page holds {s!r}, which must never be published")
        passed(f"{page}: renders; {len(shows)} hostile texts shown as text, nothing ran, nothing private")

    def home(self):
        c = self.config
        self.open("")
        d = self.driver
        form = d.find_element(By.ID, "search")
        self.wait("home: the search form was not shown by assets/search.js", form.is_displayed)
        passed("home: assets/search.js ran and showed the search form")
        categories = d.find_elements(By.CSS_SELECTOR, "#categories .category h3")
        check(categories, "home: no category list")
        links = [a.get_attribute("href") for a in d.find_elements(By.CSS_SELECTOR, "#categories a")]
        wanted = self.url(f"kb/{c['article']['slug']}/")
        check(wanted in links, f"home: no link to {wanted} among {links}")
        passed(f"home: {len(categories)} categories, the article listed")
        self.inert("home", c["site_title"], c["home_shows"])
        self.screenshot("home")

    def search(self):
        c = self.config
        article = c["article"]
        d = self.driver
        q = d.find_element(By.ID, "q")
        q.clear()
        q.send_keys(article["word"])
        d.find_element(By.CSS_SELECTOR, "#search button[type=submit]").click()
        results = d.find_element(By.ID, "results")
        self.wait("search: the results were not shown", results.is_displayed)
        hits = d.find_elements(By.CSS_SELECTOR, "#hits li > a")
        check(hits, f"search: no hit for {article['word']!r}")
        check(
            hits[0].get_attribute("href") == self.url(f"kb/{article['slug']}/"),
            f"search: the first hit links to {hits[0].get_attribute('href')!r}",
        )
        check(hits[0].text == article["title"], f"search: the hit reads {hits[0].text!r}")
        check(
            d.current_url.endswith("?q=" + article["word"]),
            f"search: the address is {d.current_url!r}",
        )
        passed(f"search: {article['word']!r} finds kb/{article['slug']}/, its title shown as text")
        self.inert("search results", c["site_title"], [article["title"]])
        self.screenshot("search")
        hits[0].click()
        self.wait(
            "search: following the hit did not open the article",
            lambda: d.current_url == self.url(f"kb/{article['slug']}/"),
        )
        passed("search: the hit opens the article")

        # A query in the address is searched on load and stays text.
        payload = "<img src=x onerror=alert(1)> " + article["word"]
        self.open("?q=" + urllib.parse.quote(payload))
        results = d.find_element(By.ID, "results")
        self.wait("search: ?q= was not searched on load", results.is_displayed)
        check(d.find_element(By.ID, "q").get_attribute("value") == payload, "search: ?q= not put in the box")
        check(d.find_elements(By.CSS_SELECTOR, "#hits li > a"), "search: ?q= found nothing")
        passed("search: a query in the address is searched on load")
        self.inert("search from the address", c["site_title"], [])

    def article(self):
        c = self.config
        article = c["article"]
        self.open(f"kb/{article['slug']}/")
        h1 = self.driver.find_element(By.TAG_NAME, "h1").text
        check(h1 == article["title"], f"article: the heading is {h1!r}")
        check(article["word"] in self.body_text(), "article: the body is not shown")
        passed("article: renders with its body")
        self.inert("article", f"{article['title']} · {c['site_title']}", article["shows"])
        self.screenshot("article")

    def contact(self):
        c = self.config
        self.open("contact/")
        forms = self.driver.find_elements(By.CSS_SELECTOR, "form.contact")
        check(len(forms) == 1, f"contact: {len(forms)} contact forms")
        action = forms[0].get_attribute("action")
        check(action == f"mailto:{c['contact']}", f"contact: the form's action is {action!r}")
        passed(f"contact: the form writes to {action}")
        self.inert("contact", f"Contact support · {c['site_title']}", [])
        self.screenshot("contact")

    def status(self):
        c = self.config
        for n, ticket in enumerate(c["status"], 1):
            token = status_token(c["key"], ticket["id"])
            page = f"status page of {ticket['id']}"
            self.open(f"t/{token}/")
            h1 = self.driver.find_elements(By.TAG_NAME, "h1")
            check(
                h1 and h1[0].text == ticket["title"],
                f"{page}: no heading {ticket['title']!r} at t/{token}/",
            )
            robots = self.driver.find_elements(By.CSS_SELECTOR, 'meta[name="robots"]')
            check(robots and "noindex" in robots[0].get_attribute("content"), f"{page}: no noindex")
            passed(f"{page}: at t/{token}/, the token computed from the key")
            self.inert(page, f"{ticket['title']} · {c['site_title']}", ticket["shows"])
            self.screenshot(f"status-{n}")

    def valid(self, path):
        """The page as served parses as HTML5 without a single parse error."""
        opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
        with opener.open(self.url(path), timeout=WAIT) as r:
            raw = r.read()
        parser = html5lib.HTMLParser(strict=True, namespaceHTMLElements=False)
        try:
            parser.parse(raw)
        except html5lib.html5parser.ParseError as e:
            raise Failure(f"{path or 'home'}: not valid HTML5: {e}") from e
        check(raw.startswith(b"<!DOCTYPE html>"), f"{path}: no HTML5 doctype")
        passed(f"{path or 'home'}: valid HTML5 (html5lib, strict)")

    def phone_and_dark(self):
        """On a phone-sized screen nothing scrolls sideways; dark mode follows the system."""
        c = self.config
        d = self.driver
        token = status_token(c["key"], c["status"][0]["id"])
        pages = ["", f"kb/{c['article']['slug']}/", "contact/", f"t/{token}/"]
        for path in pages:
            self.valid(path)
        d.set_window_size(390, 844)
        try:
            for path, name in [("", "phone-home"), (f"t/{token}/", "phone-status")]:
                self.open(path)
                width = d.execute_script("return document.documentElement.scrollWidth")
                inner = d.execute_script("return window.innerWidth")
                check(width <= inner, f"{name}: the page is {width}px wide on a {inner}px screen")
                passed(f"{name}: fits a {inner}px screen")
                self.screenshot(name)
        finally:
            d.set_window_size(1200, 900)
        d.execute_cdp_cmd(
            "Emulation.setEmulatedMedia",
            {"features": [{"name": "prefers-color-scheme", "value": "dark"}]},
        )
        try:
            self.open(f"t/{token}/")
            background = d.execute_script("return getComputedStyle(document.body).backgroundColor")
            check(background == "rgb(13, 17, 23)", f"dark mode: the background is {background}")
            passed("dark mode: the page follows prefers-color-scheme")
            self.screenshot("dark-status")
        finally:
            d.execute_cdp_cmd("Emulation.setEmulatedMedia", {"features": []})

    def without_script(self):
        """With JavaScript off the search box stays hidden and the category lists lead
        to every article."""
        c = self.config
        self.open("")
        d = self.driver
        check(not d.find_element(By.ID, "search").is_displayed(), "no script: the search form is shown")
        links = [a.get_attribute("href") for a in d.find_elements(By.CSS_SELECTOR, "#categories a")]
        wanted = self.url(f"kb/{c['article']['slug']}/")
        check(wanted in links, f"no script: no link to {wanted} among {links}")
        self.open(f"kb/{c['article']['slug']}/")
        check(d.find_elements(By.TAG_NAME, "h1"), "no script: the article has no heading")
        passed("without JavaScript: no search box, the category lists lead to the article")
        self.screenshot("no-script-home")

    def not_served(self):
        opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
        for path in [".desk-portal.json", "t/" + "0" * 32 + "/"]:
            try:
                with opener.open(self.url(path), timeout=WAIT) as r:
                    raise Failure(f"{path} is served ({r.status})")
            except urllib.error.HTTPError as e:
                check(400 <= e.code < 500, f"{path}: HTTP {e.code}")
                passed(f"{path} is not served (HTTP {e.code})")


def main():
    if len(sys.argv) != 2:
        print(__doc__, file=sys.stderr)
        return 2
    with open(sys.argv[1], encoding="utf-8") as f:
        config = json.load(f)
    os.makedirs(config["screenshots"], exist_ok=True)
    profile = tempfile.mkdtemp(prefix="desk-portal-chromium-")
    driver = None
    try:
        try:
            driver = start_browser(profile)
        except WebDriverException as e:
            print(f"FAIL: the browser did not start: {e}", file=sys.stderr)
            return 2
        portal = Portal(driver, config)
        portal.home()
        portal.search()
        portal.article()
        portal.contact()
        portal.status()
        portal.phone_and_dark()
        portal.not_served()
        driver.quit()
        driver = start_browser(tempfile.mkdtemp(prefix="desk-portal-chromium-", dir=profile), script=False)
        Portal(driver, config).without_script()
    except Failure as e:
        print(f"FAIL: {e}", file=sys.stderr)
        return 1
    except Exception:  # a WebDriver error mid-way: say where
        print("FAIL: the browser check stopped:", file=sys.stderr)
        traceback.print_exc()
        return 1
    finally:
        if driver is not None:
            driver.quit()
        shutil.rmtree(profile, ignore_errors=True)
    print("all portal browser checks passed", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
