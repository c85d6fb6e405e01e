#!/usr/bin/env python3
"""The explore page in a real browser: headless Chromium driven by Selenium (Debian's
chromium, chromium-driver and python3-selenium).

Starts `nsrg-engine explore` on a 64 px config of the built-in model, opens the page, waits
for the first tiles, clicks "more like this" on one, sees its children appear with the
parent's name, keeps one, checks the kept style file on disk and its lineage (one step more
than the parent's, naming the parent file by its SHA-256), stops the server with Ctrl-C
(exit status 130), starts it again on the same folder and sees the same tiles. The page's
screenshot is kept as test_artifacts/explore_screenshot.png.

usage: browser_test.py NSRG_ENGINE SOURCE_DIR ARTIFACTS_DIR
Exits 77 (skipped, with a message) when chromium, chromedriver or selenium is missing.
"""
import hashlib
import json
import os
import shutil
import signal
import struct
import subprocess
import sys
import tempfile
import time

SKIP = 77
TILE_SECONDS = 240  # a few 64 px tiles on 2 shared cores


def skip(message):
    print("SKIP: " + message)
    sys.exit(SKIP)


def find_browser():
    chromium = shutil.which("chromium") or shutil.which("chromium-browser")
    driver = shutil.which("chromedriver") or (
        "/usr/bin/chromedriver" if os.path.exists("/usr/bin/chromedriver") else None)
    if not chromium:
        skip("no chromium on PATH (Debian package chromium): the explore page was not driven")
    if not driver:
        skip("no chromedriver (Debian package chromium-driver): the explore page was not driven")
    try:
        import selenium  # noqa: F401
    except ImportError:
        skip("python3-selenium is not installed: the explore page was not driven")
    return chromium, driver


def write_config(folder, source_dir):
    images = os.path.join(source_dir, "examples", "images")
    path = os.path.join(folder, "explore.toml")
    with open(path, "w") as out:
        out.write(f"""backend = "cpu"
seed = 3
image_size = 64
[content]
image = "{images}/chelsea.png"
layers = ["relu3_1"]
weight = 60.0
[style]
images = ["{images}/hubble_deep_field.jpg"]
layers = ["relu1_1", "relu2_1", "relu3_1"]
[randomize]
mode = "scale_eigenvectors"
[init]
kind = "image"
[optimizer]
kind = "adam"
learning_rate = 5.0
[output]
path = "out/explore.png"
print_iter = 0
[explore]
preview_size = 64
preview_iterations = 8
preview_every = 2
siblings = 2
children = 2
""")
    return path


class Explore:
    """One `nsrg-engine explore` process."""

    def __init__(self, engine, config):
        self.log = config + ".log"
        with open(self.log, "a") as log:
            self.process = subprocess.Popen([engine, "explore", config], stdout=subprocess.PIPE,
                                            stderr=log, text=True)
        line = self.process.stdout.readline().strip()
        if not line.startswith("open http://127.0.0.1:"):
            self.process.kill()
            with open(self.log) as log:
                print(log.read()[-3000:])
            raise AssertionError(f"the first line is not 'open http://127.0.0.1:...': {line!r}")
        self.address = line[len("open "):]

    def interrupt(self):
        self.process.send_signal(signal.SIGINT)
        status = self.process.wait(timeout=120)
        assert status == 130, f"explore exited with {status} after Ctrl-C, not 130"


def safetensors_metadata(path):
    with open(path, "rb") as f:
        (length,) = struct.unpack("<Q", f.read(8))
        return json.loads(f.read(length))["__metadata__"]


def sha256(path):
    with open(path, "rb") as f:
        return hashlib.sha256(f.read()).hexdigest()


def main():
    engine, source_dir, artifacts = (os.path.abspath(a) for a in sys.argv[1:4])
    chromium, driver_path = find_browser()
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import WebDriverWait

    folder = tempfile.mkdtemp(prefix="nsrg_explore_browser_")
    config = write_config(folder, source_dir)
    session = os.path.join(folder, "out", "explore")
    options = webdriver.ChromeOptions()
    options.binary_location = chromium
    for argument in ("--headless=new", "--no-sandbox", "--disable-gpu",
                     "--disable-dev-shm-usage", "--window-size=1400,1000"):
        options.add_argument(argument)
    browser = webdriver.Chrome(service=Service(driver_path), options=options)
    explore = None
    try:
        explore = Explore(engine, config)
        browser.get(explore.address)
        wait = WebDriverWait(browser, TILE_SECONDS, poll_frequency=0.2)

        def tiles(state=None):
            selector = "[data-tile]" + (f'[data-state="{state}"]' if state else "")
            return browser.find_elements(By.CSS_SELECTOR, selector)

        wait.until(lambda _: len(tiles("done")) >= 1)
        parent = tiles("done")[-1]   # the grid shows the newest first
        parent_id = parent.get_attribute("data-tile")
        parent.find_element(By.CSS_SELECTOR, '[data-action="breed"]').click()

        def children():
            return [t for t in tiles()
                    if f"child of {parent_id}" in t.find_element(By.CSS_SELECTOR, ".lineage").text]

        wait.until(lambda _: len(children()) >= 2)
        wait.until(lambda _: any(t.get_attribute("data-state") == "done" for t in children()))
        child = next(t for t in children() if t.get_attribute("data-state") == "done")
        child_id = child.get_attribute("data-tile")
        assert child.find_element(By.CSS_SELECTOR, "img").get_attribute("naturalWidth") != "0"
        child.find_element(By.CSS_SELECTOR, '[data-action="keep"]').click()
        wait.until(lambda _: "kept " + child_id in browser.find_element(By.ID, "message").text)

        kept = os.path.join(session, "kept", child_id + ".style.safetensors")
        assert os.path.isfile(kept), kept
        lineage = json.loads(safetensors_metadata(kept)["nsrg.lineage"])
        parent_file = os.path.join(session, "tiles", parent_id + ".style.safetensors")
        parent_lineage = json.loads(safetensors_metadata(parent_file)["nsrg.lineage"])
        assert len(lineage["steps"]) == len(parent_lineage["steps"]) + 1, lineage
        assert lineage["steps"][-1]["parent_sha256"] == sha256(parent_file), lineage["steps"][-1]
        assert os.path.isfile(os.path.join(session, "kept", child_id + ".command.sh"))

        os.makedirs(artifacts, exist_ok=True)
        browser.save_screenshot(os.path.join(artifacts, "explore_screenshot.png"))
        before = {t.get_attribute("data-tile") for t in tiles()}
        explore.interrupt()
        explore = None

        explore = Explore(engine, config)
        browser.get(explore.address)
        wait.until(lambda _: {t.get_attribute("data-tile") for t in tiles()} >= before)
        after = browser.find_element(By.CSS_SELECTOR, f'[data-tile="{child_id}"]')
        assert "kept" in after.get_attribute("class"), "the kept tile is not marked after a restart"
        assert f"child of {parent_id}" in after.find_element(By.CSS_SELECTOR, ".lineage").text
        explore.interrupt()
        explore = None
        print(f"ok: tiles {sorted(before)}, {child_id} bred from {parent_id} and kept; "
              "the same tiles after a restart")
    finally:
        if explore is not None:
            explore.process.kill()
        browser.quit()
        shutil.rmtree(folder, ignore_errors=True)


if __name__ == "__main__":
    main()
