#!/usr/bin/python3
"""Open an HTML file in headless Chromium over the DevTools protocol and
report what a reader's browser would do with it (tests/e2e/html.sh).

usage: cdp.py CHROMIUM FILE.html OUTDIR

Talks to Chromium over --remote-debugging-pipe (file descriptors 3 and 4,
NUL-terminated JSON), standard library only. Every host name resolves to
nothing (--host-resolver-rules), so a request that tried to leave the page
could not succeed, and every request is counted anyway through the Network
domain. Prints one "key value" line per finding:

  requests N         requests other than the page itself and its data: URIs
                     (the embedded font), which never leave the page
  request URL        each of them
  console N          console messages and uncaught errors (each "console TEXT")
  scripts N          <script> elements in the loaded DOM
  svgs N             inline <svg> elements; svg_roles N: with role="img" and
                     a non-empty <title> or aria-label
  duplicate_ids N    ids used more than once in the document
  text_script 0|1    the page's visible text contains "<script>" literally
  width_1366 N       document scroll width at a 1366 px wide window
  width_390 N        the same at a 390 px wide phone window
  svg_max_390 N      the widest chart's rendered width on the phone
  table_overflow_390 N  tables wider than the phone whose box does not scroll
  headings TEXT      the h2 headings, in order, separated by " | "
  font_h2 FONTS      the fonts Chromium drew the first h2 with (CSS domain's
  font_th FONTS      getPlatformFontsForNode), and those of the first row
                     heading of a table: "family:custom:glyphs" each, custom
                     1 for a web font (@font-face), separated by ","
  and the files OUTDIR/desktop.png, OUTDIR/phone.png (1366 x 900 and
  390 x 844 viewports, the whole page), OUTDIR/print.pdf (A4, as printed
  from the browser with the page's own @page size).
"""
import base64
import fcntl
import json
import os
import subprocess
import sys
import tempfile


def high(fd):
    """fd moved to a number of 10 or more."""
    new = fcntl.fcntl(fd, fcntl.F_DUPFD_CLOEXEC, 10)
    os.close(fd)
    return new


class Browser:
    def __init__(self, chromium, profile):
        # Chromium reads commands on fd 3 and writes replies on fd 4: the
        # child's ends are moved there (from numbers above 4, so that
        # neither dup2 clobbers the other).
        to_chrome_r, self.to_chrome = (high(fd) for fd in os.pipe())
        self.from_chrome, from_chrome_w = (high(fd) for fd in os.pipe())
        self.proc = subprocess.Popen(
            [chromium, "--headless", "--no-sandbox", "--disable-gpu",
             "--remote-debugging-pipe", "--user-data-dir=" + profile,
             "--host-resolver-rules=MAP * ~NOTFOUND",
             "--no-first-run", "--no-default-browser-check",
             "--disable-background-networking", "--disable-component-update",
             "--disable-sync", "--disable-extensions", "--mute-audio",
             "--hide-scrollbars", "--font-render-hinting=none",
             "about:blank"],
            pass_fds=(3, 4), stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
            preexec_fn=lambda: (os.dup2(to_chrome_r, 3), os.dup2(from_chrome_w, 4)))
        os.close(to_chrome_r)
        os.close(from_chrome_w)
        self.buf = b""
        self.next_id = 0
        self.events = []

    def _read(self):
        while b"\0" not in self.buf:
            chunk = os.read(self.from_chrome, 1 << 20)
            if not chunk:
                raise RuntimeError("chromium closed the pipe")
            self.buf += chunk
        msg, self.buf = self.buf.split(b"\0", 1)
        return json.loads(msg)

    def call(self, method, params=None, session=None):
        self.next_id += 1
        msg = {"id": self.next_id, "method": method, "params": params or {}}
        if session:
            msg["sessionId"] = session
        os.write(self.to_chrome, json.dumps(msg).encode() + b"\0")
        while True:
            m = self._read()
            if m.get("id") == self.next_id:
                if "error" in m:
                    raise RuntimeError("%s: %s" % (method, m["error"]))
                return m.get("result", {})
            self.events.append(m)

    def wait_event(self, method):
        for i, m in enumerate(self.events):
            if m.get("method") == method:
                del self.events[i]
                return m
        while True:
            m = self._read()
            if m.get("method") == method:
                return m
            self.events.append(m)

    def close(self):
        try:
            self.call("Browser.close")
        except Exception:
            pass
        self.proc.wait(timeout=30)


def main():
    chromium, page, out = sys.argv[1], os.path.abspath(sys.argv[2]), sys.argv[3]
    url = "file://" + page
    with tempfile.TemporaryDirectory(dir=out) as profile:
        b = Browser(chromium, profile)
        try:
            run(b, url, out)
        finally:
            b.close()


def run(b, url, out):
    targets = b.call("Target.getTargets")["targetInfos"]
    tid = [t for t in targets if t["type"] == "page"][0]["targetId"]
    s = b.call("Target.attachToTarget", {"targetId": tid, "flatten": True})["sessionId"]
    for dom in ("Network", "Page", "Runtime", "Log"):
        b.call(dom + ".enable", session=s)
    b.call("Emulation.setDeviceMetricsOverride",
           {"width": 1366, "height": 900, "deviceScaleFactor": 1, "mobile": False}, session=s)
    b.call("Page.navigate", {"url": url}, session=s)
    b.wait_event("Page.loadEventFired")

    def ev(expr):
        r = b.call("Runtime.evaluate", {"expression": expr, "returnByValue": True}, session=s)
        return r["result"].get("value")

    # everything the page asked for, after it loaded (a late fetch would
    # show here too: the events are read up to the last command's reply)
    ev("new Promise(r => setTimeout(r, 500))")
    b.call("Runtime.evaluate", {"expression": "new Promise(r => setTimeout(r, 500))",
                                "awaitPromise": True}, session=s)
    reqs = [m["params"]["request"]["url"] for m in b.events
            if m.get("method") == "Network.requestWillBeSent"
            and m["params"]["request"]["url"] != url
            and not m["params"]["request"]["url"].startswith("data:")]
    console = [m["params"]["entry"]["text"] for m in b.events
               if m.get("method") == "Log.entryAdded"]
    console += [m["params"]["exceptionDetails"].get("text", "") for m in b.events
                if m.get("method") == "Runtime.exceptionThrown"]
    console += [" ".join(str(a.get("value", "")) for a in m["params"]["args"]) for m in b.events
                if m.get("method") == "Runtime.consoleAPICalled"]
    print("requests", len(reqs))
    for r in reqs:
        print("request", r)
    print("console", len(console))
    for c in console:
        print("console", c)
    print("scripts", ev("document.querySelectorAll('script').length"))
    print("svgs", ev("document.querySelectorAll('svg').length"))
    print("svg_roles", ev("""[...document.querySelectorAll('svg')].filter(s =>
        s.getAttribute('role') === 'img' && ((s.querySelector('title') &&
        s.querySelector('title').textContent.trim()) || s.getAttribute('aria-label'))).length"""))
    print("duplicate_ids", ev("""(() => { const seen = {}; let d = 0;
        document.querySelectorAll('[id]').forEach(e => { if (seen[e.id]) d++; seen[e.id] = 1; });
        return d; })()"""))
    print("text_script", 1 if ev("document.body.innerText.includes('<script>')") else 0)
    print("headings", " | ".join(ev("[...document.querySelectorAll('h2')].map(h => h.textContent)")))
    print("width_1366", ev("document.documentElement.scrollWidth"))
    b.call("DOM.enable", session=s)
    b.call("CSS.enable", session=s)
    root = b.call("DOM.getDocument", session=s)["root"]["nodeId"]
    for key, sel in (("font_h2", "h2"), ("font_th", "tbody th")):
        node = b.call("DOM.querySelector", {"nodeId": root, "selector": sel}, session=s)["nodeId"]
        fonts = b.call("CSS.getPlatformFontsForNode", {"nodeId": node}, session=s)["fonts"] \
            if node else []
        print(key, ",".join("%s:%d:%d" % (f["familyName"].replace(" ", "_"),
                                          1 if f.get("isCustomFont") else 0, f["glyphCount"])
                            for f in fonts))
    shot(b, s, os.path.join(out, "desktop.png"), 1366, 900, False)

    b.call("Emulation.setDeviceMetricsOverride",
           {"width": 390, "height": 844, "deviceScaleFactor": 1, "mobile": True}, session=s)
    ev("new Promise(r => requestAnimationFrame(() => r(1)))")
    print("width_390", ev("document.documentElement.scrollWidth"))
    print("svg_max_390", ev("""Math.max(0, ...[...document.querySelectorAll('svg')].map(
        s => s.getBoundingClientRect().width))"""))
    print("table_overflow_390", ev("""[...document.querySelectorAll('table')].filter(t => {
        const box = t.parentElement; const cs = getComputedStyle(box);
        return t.getBoundingClientRect().width > 390 &&
               !(cs.overflowX === 'auto' || cs.overflowX === 'scroll'); }).length"""))
    shot(b, s, os.path.join(out, "phone.png"), 390, 844, True)

    pdf = b.call("Page.printToPDF", {"preferCSSPageSize": True, "printBackground": True},
                 session=s)
    with open(os.path.join(out, "print.pdf"), "wb") as f:
        f.write(base64.b64decode(pdf["data"]))


def shot(b, s, path, width, height, mobile):
    """The whole page at a viewport width x height."""
    m = b.call("Page.getLayoutMetrics", session=s)
    full = int(m["cssContentSize"]["height"])
    b.call("Emulation.setDeviceMetricsOverride",
           {"width": width, "height": max(height, full), "deviceScaleFactor": 1,
            "mobile": mobile}, session=s)
    img = b.call("Page.captureScreenshot", {"format": "png"}, session=s)
    with open(path, "wb") as f:
        f.write(base64.b64decode(img["data"]))
    b.call("Emulation.setDeviceMetricsOverride",
           {"width": width, "height": height, "deviceScaleFactor": 1, "mobile": mobile},
           session=s)


if __name__ == "__main__":
    main()
