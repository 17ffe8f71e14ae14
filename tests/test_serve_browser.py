"""The web UI in a real headless browser (Debian's Chromium through selenium): generate with the bundled model
through the form and watch the progress bar, see the video in the gallery, vote blind on a tiny eval run, read
the results page and the exported pairs. Screenshots go to $STEPVID_TEST_ARTIFACTS (default tests/artifacts/).

Skipped, saying why, without selenium, /usr/bin/chromium or /usr/bin/chromedriver
(``apt-get install chromium chromium-driver``; ``pip install 'stepvid[test]'``)."""

from __future__ import annotations

import json
import os
import time
from pathlib import Path

import pytest

from stepvid.pipeline_cli import bundled_model_dir
from stepvid.serve.fixtures import write_eval_run
from stepvid.serve.votes import read_vote_rows

try:
    from selenium import webdriver
    from selenium.webdriver.chrome.options import Options
    from selenium.webdriver.chrome.service import Service
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import Select, WebDriverWait
except ImportError:
    webdriver = None

CHROMIUM = os.environ.get("STEPVID_CHROMIUM", "/usr/bin/chromium")
DRIVER = os.environ.get("STEPVID_CHROMEDRIVER", "/usr/bin/chromedriver")
ARTIFACTS = Path(os.environ.get("STEPVID_TEST_ARTIFACTS") or Path(__file__).resolve().parent / "artifacts")


def _why_skip() -> str | None:
    if webdriver is None:
        return "selenium is not installed (pip install 'stepvid[test]')"
    for what, path in (("Chromium", CHROMIUM), ("chromedriver", DRIVER)):
        if not (os.path.isfile(path) and os.access(path, os.X_OK)):
            return f"{what} not found at {path} (apt-get install chromium chromium-driver)"
    if bundled_model_dir() is None:
        return "this install has no bundled model"
    return None


# CI (.ci/run) installs Chromium in the background while the suites run and touches this file when it is done.
BROWSER_READY = os.environ.get("STEPVID_BROWSER_READY")


@pytest.fixture(scope="module", autouse=True)
def _needs_a_browser():
    """Skip, saying why, without a browser — decided when this module's first test runs, not at collection, so
    the rest of the suite need not wait for CI's browser install (at most 15 minutes here)."""
    if BROWSER_READY:
        end = time.monotonic() + 900
        while not os.path.exists(BROWSER_READY) and time.monotonic() < end:
            time.sleep(1)
    if (why := _why_skip()) is not None:
        pytest.skip(why)


@pytest.fixture(scope="module")
def shots(request):
    """(folder, saved paths); the folder is printed in the test summary."""
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    saved: list[Path] = []
    yield ARTIFACTS, saved
    capture = request.config.pluginmanager.get_plugin("capturemanager")
    with capture.global_and_fixture_disabled():
        print(f"\ntest_serve_browser: {len(saved)} screenshots in {ARTIFACTS}")


def shot(driver, shots, name: str) -> None:
    folder, saved = shots
    path = folder / f"serve-{name}.png"
    assert driver.save_screenshot(str(path)), path
    saved.append(path)


@pytest.fixture(scope="module")
def browser(tmp_path_factory):
    opts = Options()
    opts.binary_location = CHROMIUM
    for arg in ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                "--disable-background-networking", "--disable-component-update", "--disable-sync",
                "--disable-dev-shm-usage", "--window-size=1280,1100",
                f"--user-data-dir={tmp_path_factory.mktemp('chromium-profile')}"):
        opts.add_argument(arg)
    driver = webdriver.Chrome(service=Service(executable_path=DRIVER), options=opts)
    driver.set_page_load_timeout(60)
    yield driver
    driver.quit()


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    """The real server on a free port: the bundled model on the CPU and a two-model eval run of 3 prompts."""
    from stepvid.model_folder import plan_model
    from stepvid.serve.app import ServeApp, Server
    from stepvid.serve.jobs import Generator

    base = tmp_path_factory.mktemp("site")
    ev = write_eval_run(base / "eval", ["alpha", "beta"], [("p1", "a red ball", "Sports"),
                                                            ("p2", "a blue cube", "Food"),
                                                            ("p3", "two green stars", None)], [0], size=64)
    app = ServeApp(base / "out", generators=[Generator(plan_model(bundled_model_dir()), "cpu", tries=1)], eval_dirs=[ev])
    server = Server(app, "127.0.0.1", 0)
    server.start_thread()
    app.start()
    yield app, server.url.rstrip("/")
    server.close()
    app.stop()


def wait(driver, what, timeout=60.0):
    return WebDriverWait(driver, timeout, poll_frequency=0.05).until(lambda d: what(d))


def js(driver, code, *args):
    return driver.execute_script(code, *args)


def fetch_size(driver, url):
    """(status, bytes) of ``url`` fetched by the page itself."""
    return driver.execute_async_script(
        "const done = arguments[arguments.length - 1];"
        "fetch(arguments[0]).then(r => r.arrayBuffer().then(b => done([r.status, b.byteLength])))"
        ".catch(e => done([0, String(e)]));", url)


def video_ready(driver, element_id=None, selector=None):
    """Wait until a <video> has at least its metadata (readyState >= 1); returns (readyState, width, height)."""
    find = "const v = arguments[0] ? document.getElementById(arguments[0]) : document.querySelector(arguments[1]);"
    wait(driver, lambda d: js(d, find + "return v !== null && v.readyState >= 1 && !v.error;", element_id,
                              selector), 30)
    return js(driver, find + "return [v.readyState, v.videoWidth, v.videoHeight];", element_id, selector)


def set_value(driver, element_id, value):
    el = driver.find_element(By.ID, element_id)
    el.clear()
    el.send_keys(str(value))


XSS = 'a red ball <img src=x id="xss-probe"> rolls to the left'


def test_generate_watch_progress_and_see_the_result(browser, site, shots):
    app, url = site
    d = browser
    d.get(url + "/")
    wait(d, lambda d: d.find_element(By.ID, "model-name").text not in ("", "…"))
    defaults = app.plan.defaults
    assert d.find_element(By.ID, "width").get_attribute("value") == str(defaults.width)
    assert d.find_element(By.ID, "steps").get_attribute("value") == str(defaults.steps)
    assert Select(d.find_element(By.ID, "num_frames")).first_selected_option.get_attribute("value") == \
        str(defaults.num_frames)
    assert d.find_element(By.ID, "height").get_attribute("step") == "16"

    d.find_element(By.ID, "prompt").send_keys(XSS)
    set_value(d, "width", 64)
    set_value(d, "height", 30)  # not a multiple of 16: refused by the server, shown on the form
    Select(d.find_element(By.ID, "num_frames")).select_by_value("17")
    set_value(d, "steps", 30)
    d.find_element(By.ID, "submit").click()
    wait(d, lambda d: "height must be a multiple of 16" in d.find_element(By.ID, "form-error").text)
    assert d.find_element(By.ID, "height").get_attribute("aria-invalid") == "true"
    assert app.jobs.counts()["queued"] == 0
    shot(d, shots, "1-generate-refused")

    set_value(d, "height", 64)
    d.find_element(By.ID, "submit").click()
    seen, shot_taken = [], False
    end = time.monotonic() + 180
    while time.monotonic() < end:
        value, top, state = js(d, "const b = document.getElementById('progress');"
                                  "return [b.value, b.max, document.getElementById('current').dataset.state || ''];")
        seen.append((value, top, state))
        if state == "running" and 0 < value < top and not shot_taken:
            shot(d, shots, "2-generate-progress")
            shot_taken = True
        if state in ("done", "failed", "cancelled"):
            break
        time.sleep(0.05)
    assert state == "done", seen[-5:]
    moving = [v for v, top, s in seen if s == "running" and 0 < v < top == 30]
    assert moving, f"the progress bar never showed an intermediate value: {seen[::10]}"
    values = [v for v, _, s in seen if s == "running"]
    assert values == sorted(values)  # progress only moves forward
    assert seen[-1][0] == seen[-1][1] == 30

    (job,) = app.jobs.list()
    mp4 = app.out / "jobs" / f"{job['id']}.mp4"
    card = f".card[data-job-id='{job['id']}'][data-state='done']"
    wait(d, lambda d: js(d, f"return document.querySelector(\"{card} video\") !== null;"), 30)
    src = js(d, f"return document.querySelector(\"{card} video\").getAttribute('src');")
    assert src == f"/media/jobs/{job['id']}.mp4"
    assert fetch_size(d, src) == [200, mp4.stat().st_size]
    assert video_ready(d, selector=f"{card} video")[1:] == [64, 64]
    # The prompt is shown as text: the <img> in it is not an element of the page.
    assert js(d, "return document.getElementById('xss-probe');") is None
    assert d.find_element(By.CSS_SELECTOR, f"{card} .prompt").text == XSS
    d.execute_script("window.scrollTo(0, document.body.scrollHeight)")
    shot(d, shots, "3-generate-gallery")


def test_blind_vote_then_results_and_exported_pairs(browser, site, shots):
    app, url = site
    d = browser
    d.get(url + "/vote")
    wait(d, lambda d: d.find_element(By.ID, "rater-section").is_displayed())
    set_value(d, "rater-input", "bad id")
    d.find_element(By.ID, "rater-start").click()
    assert "1 to 64 characters" in d.find_element(By.ID, "rater-error").text
    set_value(d, "rater-input", "ann")
    d.find_element(By.ID, "rater-start").click()
    wait(d, lambda d: d.find_element(By.ID, "counter").text == "0 of 3 pairs voted")

    outcomes = ["win_left", "tie", "win_right"]
    cast = []
    for k, outcome in enumerate(outcomes):
        wait(d, lambda d, k=k: d.find_element(By.ID, "counter").text == f"{k} of 3 pairs voted")
        page = d.find_element(By.TAG_NAME, "body").text + d.page_source
        assert "alpha" not in page and "beta" not in page and "videos/" not in page  # blind
        assert d.find_element(By.CSS_SELECTOR, "#side-left figcaption").text == "Video A"
        left = int(d.find_element(By.ID, "video-left").get_attribute("src").rsplit("/", 1)[1].removesuffix(".mp4"))
        right = int(d.find_element(By.ID, "video-right").get_attribute("src").rsplit("/", 1)[1].removesuffix(".mp4"))
        assert video_ready(d, "video-left")[1:] == [64, 64] and video_ready(d, "video-right")[1:] == [64, 64]
        d.find_element(By.ID, f"outcome-{outcome}").click()
        for side, base in (("left", 5), ("right", 2)):
            for j, dim in enumerate(("instruction_following", "motion_smoothness", "physical_plausibility",
                                     "aesthetic_appeal")):
                if k == 0 and side == "right" and j == 3:
                    continue  # leave one out: the page says which
                d.find_element(By.ID, f"{side}-{dim}-{max(base - j, 1)}").click()
        if k == 0:
            d.find_element(By.ID, "submit-vote").click()
            assert d.find_element(By.ID, "vote-error").text == "score aesthetic appeal for Video B"
            shot(d, shots, "4-vote-incomplete")
            d.find_element(By.ID, "right-aesthetic_appeal-1").click()
        shot(d, shots, f"5-vote-pair-{k + 1}")
        d.find_element(By.ID, "submit-vote").click()
        cast.append((left, right, outcome))

    wait(d, lambda d: d.find_element(By.ID, "done-section").is_displayed())
    assert "voted on all 3 pairs" in d.find_element(By.ID, "done-text").text
    d.refresh()  # the rater id is remembered by the browser
    wait(d, lambda d: d.find_element(By.ID, "done-section").is_displayed())
    assert d.find_element(By.ID, "rater-name").get_attribute("textContent") == "ann"

    rows = {(r["left_item"], r["right_item"], r["outcome"]): r for r in read_vote_rows(app.votes.path)}
    assert set(rows) == set(cast)
    r = rows[cast[0]]
    assert r["rater"] == "ann" and r["left_scores"] == {"instruction_following": 5, "motion_smoothness": 4,
                                                       "physical_plausibility": 3, "aesthetic_appeal": 2}
    assert r["right_scores"] == {"instruction_following": 2, "motion_smoothness": 1, "physical_plausibility": 1,
                                 "aesthetic_appeal": 1}

    d.get(url + "/results")
    wait(d, lambda d: d.find_element(By.ID, "summary").text == "3 votes by 1 rater.")
    cells = [c.text for c in d.find_elements(By.CSS_SELECTOR, "#wtl-table tbody td")]
    wins_alpha = sum(1 for lf, rt, o in cast if o != "tie" and
                     app.votes.items[lf if o == "win_left" else rt].model == "alpha")
    assert cells[:6] == ["alpha", "beta", "3", str(wins_alpha), "1", str(2 - wins_alpha)]
    shot(d, shots, "6-results")

    href = d.find_element(By.ID, "export-pairs").get_attribute("href")
    assert href == url + "/api/export/pairs"
    d.get(href)
    exported = [json.loads(line) for line in d.find_element(By.TAG_NAME, "body").text.splitlines()]
    shot(d, shots, "7-export-pairs")
    expected = []
    for lf, rt, o in cast:
        if o == "tie":
            continue
        win, lose = (lf, rt) if o == "win_left" else (rt, lf)
        expected.append((str(app.votes.items[win].path), str(app.votes.items[lose].path)))
    assert [(e["chosen"], e["rejected"]) for e in exported] == expected
    assert all(e["rater"] == "ann" and e["chosen_score"] == 1.0 for e in exported)

