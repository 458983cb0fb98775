#!/usr/bin/env python3
"""A small headless-browser driver for the console tests: Debian's chromium over the DevTools protocol on a pipe.

Usage: browser.py [--chromium PATH] [--log FILE]

Starts chromium with --remote-debugging-pipe (it reads NUL-terminated JSON commands on its fd 3 and writes
NUL-terminated JSON answers and events on its fd 4), opens one page, then reads one JSON command per line on
stdin and answers each with one JSON line on stdout: {"ok": true, "value": ...} or {"ok": false, "error": "..."}.
Commands ("op" and its fields):
  open        url, timeout            navigate and wait for the load event
  eval        js                      evaluate an expression (promises awaited); its value as JSON
  wait        js, timeout             evaluate js every 0.2 s until truthy; its value, or an error with the last one
  click       selector                a real mouse click at the centre of the element (scrolled into view)
  type        selector, text          focus the element and type text into it
  screenshot  path                    the whole page as PNG
  clear_cookies                       forget every cookie (a fresh login)
  quit                                close the browser and end
The browser ends with this process: closing the pipe ends chromium, and its process group is killed on the way
out in case it does not. Python's standard library only, so that the tests need nothing but the chromium package.
"""

import argparse
import base64
import fcntl
import json
import os
import select
import shutil
import signal
import sys
import tempfile
import time


class BrowserError(Exception):
    pass


class DevTools:
    """One chromium process and one page in it, spoken to over the pipe."""

    def __init__(self, chromium, log):
        to_browser_read, self.to_browser = os.pipe()
        self.from_browser, from_browser_write = os.pipe()
        # The child's fds 3 and 4 are dup2'd from these: keep them off 3 and 4 so one dup2 cannot clobber the other.
        to_browser_read, from_browser_write = high_fd(to_browser_read), high_fd(from_browser_write)
        # A fresh profile each run: no cookie or cache from an earlier one.
        self.profile = tempfile.mkdtemp(prefix="tm-chromium-")
        arguments = [chromium, "--headless", "--no-sandbox", "--disable-gpu", "--remote-debugging-pipe",
                     "--no-first-run", "--no-default-browser-check", "--disable-extensions", "--disable-background-networking",
                     "--disable-component-update", "--disable-sync", "--disable-dev-shm-usage", "--hide-scrollbars",
                     "--window-size=1280,1000", "--user-data-dir=" + self.profile, "about:blank"]
        log_fd = os.open(log, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o644)
        actions = [(os.POSIX_SPAWN_DUP2, to_browser_read, 3), (os.POSIX_SPAWN_DUP2, from_browser_write, 4),
                   (os.POSIX_SPAWN_DUP2, log_fd, 1), (os.POSIX_SPAWN_DUP2, log_fd, 2),
                   (os.POSIX_SPAWN_OPEN, 0, "/dev/null", os.O_RDONLY, 0)]
        # Its own process group, so that its helper processes (zygote, renderers) can be ended with it.
        self.pid = os.posix_spawn(chromium, arguments, dict(os.environ), file_actions=actions, setsid=True)
        for fd in (to_browser_read, from_browser_write, log_fd):
            os.close(fd)
        self.buffer = b""
        self.next_id = 0
        self.events = []
        self.session = None

    def send(self, method, params=None, session=True, timeout=30):
        """Sends one command and waits for its answer; load events that come meanwhile are kept for wait_load."""
        self.next_id += 1
        message = {"id": self.next_id, "method": method, "params": params or {}}
        if session and self.session:
            message["sessionId"] = self.session
        data = json.dumps(message).encode() + b"\0"
        while data:
            data = data[os.write(self.to_browser, data):]
        deadline = time.monotonic() + timeout
        while True:
            answer = self.receive(deadline)
            if answer.get("id") == self.next_id:
                if "error" in answer:
                    raise BrowserError(f"{method}: {answer['error'].get('message')}")
                return answer.get("result", {})
            self.keep(answer)

    def receive(self, deadline):
        while b"\0" not in self.buffer:
            left = deadline - time.monotonic()
            if left <= 0 or not select.select([self.from_browser], [], [], left)[0]:
                raise BrowserError("chromium did not answer in time")
            chunk = os.read(self.from_browser, 1 << 20)
            if not chunk:
                raise BrowserError("chromium closed the pipe (it ended; see its log)")
            self.buffer += chunk
        message, self.buffer = self.buffer.split(b"\0", 1)
        return json.loads(message)

    def keep(self, message):
        # Only the load event is ever waited for; other events (network, frames) are dropped, so none pile up.
        if message.get("method") == "Page.loadEventFired":
            self.events.append(message)

    def wait_load(self, timeout):
        deadline = time.monotonic() + timeout
        while not self.events:
            self.keep(self.receive(deadline))
        return self.events.pop(0)

    def attach(self):
        target = self.send("Target.createTarget", {"url": "about:blank"}, session=False)["targetId"]
        self.session = self.send("Target.attachToTarget", {"targetId": target, "flatten": True}, session=False)["sessionId"]
        self.send("Page.enable")

    def evaluate(self, expression):
        result = self.send("Runtime.evaluate", {"expression": expression, "returnByValue": True, "awaitPromise": True})
        if "exceptionDetails" in result:
            details = result["exceptionDetails"]
            raise BrowserError("script error: " + details.get("exception", {}).get("description", details.get("text", "?")))
        return result.get("result", {}).get("value")

    def close(self):
        try:
            self.send("Browser.close", session=False, timeout=5)
        except (BrowserError, OSError):
            pass
        for fd in (self.to_browser, self.from_browser):
            try:
                os.close(fd)
            except OSError:
                pass
        deadline = time.monotonic() + 5
        while time.monotonic() < deadline:
            if os.waitpid(self.pid, os.WNOHANG)[0] != 0:
                break
            time.sleep(0.1)
        # Whatever of its group is left (the browser itself if it did not end, helpers that outlived it).
        try:
            os.killpg(self.pid, signal.SIGKILL)
        except OSError:
            pass
        try:
            os.waitpid(self.pid, 0)
        except ChildProcessError:
            pass
        shutil.rmtree(self.profile, ignore_errors=True)


def high_fd(fd):
    moved = fcntl.fcntl(fd, fcntl.F_DUPFD_CLOEXEC, 10)
    os.close(fd)
    return moved


def js_string(text):
    return json.dumps(text)


def element_centre(browser, selector):
    """Scrolls the element into view and returns its centre in CSS pixels, or raises if it is missing or has no size."""
    box = browser.evaluate(f"""(function () {{
        var e = document.querySelector({js_string(selector)});
        if (!e) {{ return null; }}
        e.scrollIntoView({{block: 'center', inline: 'center'}});
        var r = e.getBoundingClientRect();
        return {{x: r.left + r.width / 2, y: r.top + r.height / 2, w: r.width, h: r.height}};
    }})()""")
    if box is None:
        raise BrowserError(f"no element matches {selector}")
    if box["w"] <= 0 or box["h"] <= 0:
        raise BrowserError(f"{selector} is not shown (no size)")
    return box["x"], box["y"]


def run(browser, command):
    op = command.get("op")
    if op == "open":
        browser.events = []
        navigation = browser.send("Page.navigate", {"url": command["url"]})
        if navigation.get("errorText"):
            raise BrowserError(f"{command['url']}: {navigation['errorText']}")
        browser.wait_load(command.get("timeout", 30))
        return browser.evaluate("location.href")
    if op == "eval":
        return browser.evaluate(command["js"])
    if op == "wait":
        deadline = time.monotonic() + command.get("timeout", 30)
        last = None
        while True:
            try:
                last = browser.evaluate(command["js"])
                if last:
                    return last
            except BrowserError as error:
                # A navigation in progress destroys the context the expression ran in: try again.
                last = str(error)
            if time.monotonic() > deadline:
                raise BrowserError(f"timed out after {command.get('timeout', 30)} s waiting for {command['js']} (last: {last!r})")
            time.sleep(0.2)
    if op == "click":
        x, y = element_centre(browser, command["selector"])
        for kind in ("mousePressed", "mouseReleased"):
            browser.send("Input.dispatchMouseEvent", {"type": kind, "x": x, "y": y, "button": "left", "clickCount": 1})
        return None
    if op == "type":
        browser.evaluate(f"document.querySelector({js_string(command['selector'])}).focus()")
        browser.send("Input.insertText", {"text": command["text"]})
        return None
    if op == "screenshot":
        metrics = browser.send("Page.getLayoutMetrics")
        size = metrics.get("cssContentSize") or metrics["contentSize"]
        clip = {"x": 0, "y": 0, "width": size["width"], "height": size["height"], "scale": 1}
        shot = browser.send("Page.captureScreenshot", {"format": "png", "clip": clip, "captureBeyondViewport": True}, timeout=60)
        with open(command["path"], "wb") as out:
            out.write(base64.b64decode(shot["data"]))
        return command["path"]
    if op == "clear_cookies":
        browser.send("Network.clearBrowserCookies")
        return None
    raise BrowserError(f"unknown op {op!r}")


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--chromium", default="/usr/bin/chromium")
    parser.add_argument("--log", default=os.devnull, help="where chromium's own output goes")
    options = parser.parse_args()
    browser = DevTools(options.chromium, options.log)
    # SIGTERM from the test (a failed or cancelled run) still closes the browser.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    try:
        browser.attach()
        print(json.dumps({"ok": True, "value": "ready"}), flush=True)
        for line in sys.stdin:
            if not line.strip():
                continue
            try:
                command = json.loads(line)
                if command.get("op") == "quit":
                    print(json.dumps({"ok": True, "value": None}), flush=True)
                    break
                answer = {"ok": True, "value": run(browser, command)}
            except (BrowserError, KeyError, ValueError, OSError) as error:
                answer = {"ok": False, "error": str(error)}
            print(json.dumps(answer), flush=True)
    except BrowserError as error:
        print(json.dumps({"ok": False, "error": str(error)}), flush=True)
    finally:
        browser.close()


if __name__ == "__main__":
    main()
