"""Browser tier: JupyterLab on 127.0.0.1 driven by Debian's Chromium through Playwright.

Without Chromium these tests skip with a clear message, unless QML_REQUIRE_BROWSER=1
(set by .ci/run), where they fail instead.
"""
from __future__ import annotations

import contextlib
import os
import secrets
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = os.environ.get("QML_CHROMIUM", "/usr/bin/chromium")
SCREENSHOTS = ROOT / "tests" / "browser" / "screenshots"
LAUNCH_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
               "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-quic",
               "--disable-dev-shm-usage"]


def _missing_browser(reason: str):
    if os.environ.get("QML_REQUIRE_BROWSER") == "1":
        pytest.fail(f"browser tier required (QML_REQUIRE_BROWSER=1) but {reason}")
    pytest.skip(f"browser tier skipped: {reason} (apt-get install chromium, or see README)")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="session")
def playwright_browser():
    if not Path(CHROMIUM).exists():
        _missing_browser(f"no Chromium at {CHROMIUM}")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:  # pragma: no cover - playwright is a test dependency
        _missing_browser("the playwright package is not installed")
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=LAUNCH_ARGS)
        yield browser
        browser.close()


class Lab:
    """A running JupyterLab server over a scratch copy of the course's notebooks."""

    def __init__(self, root: Path, port: int, token: str, proc: subprocess.Popen):
        self.root, self.port, self.token, self.proc = root, port, token, proc

    def url(self, notebook: str) -> str:
        return f"http://127.0.0.1:{self.port}/lab/workspaces/test/tree/{notebook}?reset&token={self.token}"


@pytest.fixture(scope="session")
def jupyter_lab(tmp_path_factory):
    """JupyterLab serving a *copy* of lessons/, solutions/ and demos/ (autosave never touches the repo)."""
    root = tmp_path_factory.mktemp("lab")
    for folder in ("lessons", "solutions", "demos"):
        if (ROOT / folder).is_dir():
            shutil.copytree(ROOT / folder, root / folder)
    home = tmp_path_factory.mktemp("labhome")
    env = dict(os.environ, JUPYTER_CONFIG_DIR=str(home / "config"), JUPYTERLAB_SETTINGS_DIR=str(home / "settings"),
               JUPYTERLAB_WORKSPACES_DIR=str(home / "workspaces"), JUPYTER_RUNTIME_DIR=str(home / "runtime"),
               JUPYTER_PLATFORM_DIRS="1", PYTHONWARNINGS="ignore")
    news = home / "settings" / "@jupyterlab" / "apputils-extension"
    news.mkdir(parents=True)
    (news / "notification.jupyterlab-settings").write_text('{"fetchNews": "false", "checkForUpdates": false}')
    tracker = home / "settings" / "@jupyterlab" / "notebook-extension"
    tracker.mkdir(parents=True)  # render every cell (no virtual scrolling) so outputs can be found
    (tracker / "tracker.jupyterlab-settings").write_text('{"windowingMode": "none"}')
    port, token = _free_port(), secrets.token_hex(16)
    cmd = ([sys.executable, "-m", "jupyterlab", "--no-browser", "--ServerApp.ip=127.0.0.1",
            f"--ServerApp.port={port}", "--ServerApp.port_retries=0", f"--IdentityProvider.token={token}",
            f"--ServerApp.root_dir={root}", "--LabApp.news_url=", "--ServerApp.disable_check_xsrf=False",
            "--LabApp.check_for_updates_class=jupyterlab.NeverCheckForUpdate", "--LabApp.extension_manager=readonly"]
           + (["--allow-root"] if hasattr(os, "geteuid") and os.geteuid() == 0 else []))
    with serve("JupyterLab", cmd, f"http://127.0.0.1:{port}/api/status?token={token}", home / "lab.log",
               cwd=root, env=env) as proc:
        yield Lab(root, port, token, proc)


@pytest.fixture(scope="session")
def voila_server(tmp_path_factory):
    """One standalone Voilà for the whole browser tier, serving the repository (demos/ and lessons/):
    ``f"{voila_server}/voila/render/demos/bloch_explorer.ipynb"``. Each page load runs its own kernel."""
    home = tmp_path_factory.mktemp("voilahome")
    port = _free_port()
    env = dict(os.environ, JUPYTER_PLATFORM_DIRS="1", JUPYTER_CONFIG_DIR=str(home / "config"),
               JUPYTER_RUNTIME_DIR=str(home / "runtime"), PYTHONWARNINGS="ignore")
    cmd = [sys.executable, "-m", "voila", "--no-browser", f"--port={port}", "--Voila.ip=127.0.0.1",
           "--ServerApp.port_retries=0", str(ROOT)]
    with serve("Voilà", cmd, f"http://127.0.0.1:{port}/", home / "voila.log", cwd=ROOT, env=env):
        yield f"http://127.0.0.1:{port}"


@pytest.fixture(scope="session")
def notebook7(tmp_path_factory):
    """Notebook 7 (``jupyter notebook``) over a copy of lessons/, as ``(port, token)``; skipped if not installed."""
    pytest.importorskip("notebook", minversion="7", reason="Notebook 7 is not installed (pip install 'notebook>=7')")
    root = tmp_path_factory.mktemp("nb7")
    shutil.copytree(ROOT / "lessons", root / "lessons")
    home = tmp_path_factory.mktemp("nb7home")
    port, token = _free_port(), secrets.token_hex(16)
    env = dict(os.environ, JUPYTER_CONFIG_DIR=str(home / "config"), JUPYTER_PLATFORM_DIRS="1",
               JUPYTERLAB_SETTINGS_DIR=str(home / "settings"), JUPYTER_RUNTIME_DIR=str(home / "rt"),
               PYTHONWARNINGS="ignore")
    tracker = home / "settings" / "@jupyterlab" / "notebook-extension"
    tracker.mkdir(parents=True)  # render every cell so outputs can be found
    (tracker / "tracker.jupyterlab-settings").write_text('{"windowingMode": "none"}')
    cmd = ([sys.executable, "-m", "notebook", "--no-browser", "--ServerApp.ip=127.0.0.1",
            f"--ServerApp.port={port}", "--ServerApp.port_retries=0",
            f"--IdentityProvider.token={token}", f"--ServerApp.root_dir={root}"]
           + (["--allow-root"] if hasattr(os, "geteuid") and os.geteuid() == 0 else []))
    with serve("Notebook 7", cmd, f"http://127.0.0.1:{port}/api/status?token={token}",
               home / "nb7.log", cwd=root, env=env):
        yield port, token


# The two screen sizes of issue 16. A test opens its page once at the first size and resizes it to the
# next (page.set_viewport_size): one notebook run, one kernel, both sizes.
SIZES = (("1280x800", {"width": 1280, "height": 800}), ("1920x1080", {"width": 1920, "height": 1080}))


@pytest.fixture
def sized_pages(playwright_browser):
    """A page at 1280×800 with a ConsoleLog (``page._console``); ``page._sizes()`` resizes it to each size
    in turn and yields the size's name (``"1280x800"``, ``"1920x1080"``)."""
    context = playwright_browser.new_context(viewport=SIZES[0][1])
    page = context.new_page()
    page.set_default_timeout(60_000)
    page._console = ConsoleLog(page)

    def sizes():
        for name, viewport in SIZES:
            page.set_viewport_size(viewport)
            page.wait_for_timeout(600)  # PageFit re-fits the figures ~80 ms after the cell changes size
            page._size = name
            yield name

    page._sizes = sizes
    page._size = SIZES[0][0]
    yield page
    context.close()


@contextlib.contextmanager
def serve(name: str, cmd: list[str], ready_url: str, log_path: Path, **popen):
    """Start a server process, wait (90 s at most) until ``ready_url`` answers, stop it afterwards.

    A server that exits or never answers fails the test with the end of its log.
    """
    log = open(log_path, "w")
    proc = subprocess.Popen(cmd, stdout=log, stderr=subprocess.STDOUT, **popen)
    try:
        deadline = time.time() + 90
        while time.time() < deadline:
            try:
                urllib.request.urlopen(ready_url, timeout=2)
                break
            except OSError:
                if proc.poll() is not None:
                    break
                time.sleep(0.5)
        else:
            pytest.fail(f"{name} did not start within 90 s:\n" + log_path.read_text()[-3000:])
        if proc.poll() is not None:
            pytest.fail(f"{name} exited:\n" + log_path.read_text()[-3000:])
        yield proc
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            proc.kill()
        log.close()


@pytest.fixture
def page(playwright_browser):
    context = playwright_browser.new_context(viewport={"width": 1400, "height": 1000})
    page = context.new_page()
    page.set_default_timeout(60_000)
    yield page
    context.close()


def screenshot(page, name: str) -> Path:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=False)
    return path


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    """On a failed browser test, keep a screenshot of what the page showed."""
    outcome = yield
    report = outcome.get_result()
    funcargs = getattr(item, "funcargs", {}) or {}
    page = funcargs.get("page") or funcargs.get("sized_pages") or funcargs.get("sized_page")
    if report.failed and call.when == "call" and page is not None:
        try:
            screenshot(page, f"FAILED_{item.name}")
        except Exception:  # the page may be gone; the failure itself is what matters
            pass


# ------------------------------------------------------------------ console errors (shared helper)
# Messages from the page that are not ours, each with the reason it is ignored:
KNOWN_NOISE = (
    "net::ERR_NAME_NOT_RESOLVED",  # offline sandbox: fonts/MathJax CDN requests fail
    "Unsatisfied version",  # Voilà 0.5 ships JupyterLab 4.2 core packages; federated extensions want 4.6
    "No satisfying version",  # same
    "GL Driver Message",  # software WebGL (--disable-gpu) performance notes
    "willReadFrequently",  # Chromium canvas performance hint inside plotly.js
    # anywidget 0.11 gives a model 2 s to load its ES module (plotly's is ~5 MB); when several figures load
    # at once it reports this and drops later updates to that model. Course figures detect it and rebuild
    # themselves (qmlwidgets.widgets._figure.ResendOnDisplay), and the tests check the plots still change.
    "[anywidget] Failed to initialize model.",
    "/voila/api/shutdown/",  # Voilà's page asks to shut its kernel down when the test navigates away (403)
    "status of 403 (Forbidden)",  # the console line of that same request
    "#RUNTIME-012",  # Voilà's shell refusing a JupyterLab/Notebook 7 extension it cannot host (module federation)
    "/static/notebook/notebook_core.",  # Notebook 7.6's own start-up script (a settings schema lookup)
)
# Messages that are ours even when logged as warnings (bad data we send to plotly):
OURS_AS_WARNING = ("Invalid color specifier",)


class ConsoleLog:
    """Collects a page's console errors, uncaught exceptions and our warnings; ``course_errors()`` filters noise."""

    def __init__(self, page):
        self.messages: list[tuple[str, str]] = []
        page.on("console", lambda m: self.messages.append((m.type, m.text)))
        page.on("pageerror", lambda e: self.messages.append(
            ("pageerror", f"{e} @ {' | '.join((e.stack or '').splitlines()[1:3])}")))
        page.on("response", lambda r: r.status >= 400 and self.messages.append(("http", f"{r.status} {r.url}")))

    def course_errors(self) -> list[str]:
        out = []
        for kind, text in self.messages:
            if any(n in text for n in KNOWN_NOISE):
                continue
            if kind in ("error", "pageerror", "http") or any(w in text for w in OURS_AS_WARNING):
                out.append(f"{kind}: {text[:300]}")
        return out

    def assert_clean(self) -> None:
        errors = self.course_errors()
        assert not errors, f"{len(errors)} console errors from the page: {errors[:5]}"


def plot_data(page) -> list[str]:
    """``gd.data`` of every plotly div in the page (what the learner sees), one JSON string per plot."""
    return page.evaluate("""() => [...document.querySelectorAll('.js-plotly-plot')].map(g => JSON.stringify(
        (g.data || []).map(t => [t.name, t.x, t.y, t.z, t.visible, t.text, t.marker && t.marker.color])))""")


def wait_for_plot_change(page, before: list[str], timeout_ms: int = 30_000) -> list[str]:
    """Wait until some plot's ``gd.data`` differs from ``before``; return the new data (fails on timeout)."""
    page.wait_for_function("""(b) => { const now = [...document.querySelectorAll('.js-plotly-plot')].map(g =>
        JSON.stringify((g.data || []).map(t => [t.name, t.x, t.y, t.z, t.visible, t.text, t.marker && t.marker.color])));
        return JSON.stringify(now) !== b; }""", arg=__import__("json").dumps(before), timeout=timeout_ms)
    return plot_data(page)
