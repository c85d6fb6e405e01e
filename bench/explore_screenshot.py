#!/usr/bin/env python3
"""The README's picture of the explore page in use: `nsrg-engine explore` on
examples/default.toml with the VGG-16 ImageNet weights of ../shared/weights at 128 px,
four siblings, "more like this" on the first (three children), a cross of two siblings,
and a kept tile, driven in headless Chromium (Debian's chromium, chromium-driver and
python3-selenium) through the page's own buttons. Writes docs/images/explore.png.

    /usr/bin/python3 bench/explore_screenshot.py [--engine build/nsrg-engine] [--model FILE]
        [--out docs/images/explore.png]
"""
import argparse
import os
import shutil
import signal
import subprocess
import tempfile

from selenium import webdriver
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import WebDriverWait

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--engine", default=os.path.join(ROOT, "build", "nsrg-engine"))
    parser.add_argument("--model", default=os.path.join(
        ROOT, "..", "shared", "weights", "vgg16_imagenet_conv.safetensors"))
    parser.add_argument("--out", default=os.path.join(ROOT, "docs", "images", "explore.png"))
    args = parser.parse_args()
    folder = tempfile.mkdtemp(prefix="nsrg_explore_picture_")
    sets = [f'model="{os.path.abspath(args.model)}"', 'backend="cpu"', f'explore.dir="{folder}"',
            "explore.preview_size=128", "explore.preview_iterations=40", "explore.siblings=4",
            "explore.children=3", "output.print_iter=0"]
    process = subprocess.Popen(
        [args.engine, "explore", os.path.join(ROOT, "examples", "default.toml")] +
        [a for s in sets for a in ("--set", s)], stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL, text=True)
    address = process.stdout.readline().strip()[len("open "):]
    options = webdriver.ChromeOptions()
    for argument in ("--headless=new", "--no-sandbox", "--disable-gpu", "--window-size=1180,1060"):
        options.add_argument(argument)
    browser = webdriver.Chrome(service=Service(shutil.which("chromedriver")), options=options)
    try:
        browser.get(address)
        wait = WebDriverWait(browser, 3600, poll_frequency=0.5)

        def tile(name):
            return browser.find_element(By.CSS_SELECTOR, f'[data-tile="{name}"]')

        def done(*names):
            return all(tile(n).get_attribute("data-state") == "done" for n in names)

        wait.until(lambda _: len(browser.find_elements(By.CSS_SELECTOR, "[data-tile]")) >= 4)
        wait.until(lambda _: done("t1", "t2", "t3", "t4"))
        tile("t1").find_element(By.CSS_SELECTOR, '[data-action="breed"]').click()
        wait.until(lambda _: len(browser.find_elements(By.CSS_SELECTOR, "[data-tile]")) >= 7)
        wait.until(lambda _: done("t5", "t6", "t7"))
        tile("t2").find_element(By.CSS_SELECTOR, '[data-action="select"]').click()
        tile("t4").find_element(By.CSS_SELECTOR, '[data-action="select"]').click()
        browser.find_element(By.CSS_SELECTOR, '[data-action="cross"]').click()
        wait.until(lambda _: len(browser.find_elements(By.CSS_SELECTOR, "[data-tile]")) >= 8)
        tile("t6").find_element(By.CSS_SELECTOR, '[data-action="keep"]').click()
        wait.until(lambda _: int((tile("t8").find_element(By.CSS_SELECTOR, ".state").text
                                  .split("/") + ["0"])[0] or 0) >= 20
                   if tile("t8").get_attribute("data-state") == "rendering" else
                   tile("t8").get_attribute("data-state") == "done")
        browser.execute_script("window.scrollTo(0, 0)")
        browser.save_screenshot(args.out)
        print("wrote", args.out)
    finally:
        browser.quit()
        process.send_signal(signal.SIGINT)
        process.wait(timeout=300)
        shutil.rmtree(folder, ignore_errors=True)


if __name__ == "__main__":
    main()
