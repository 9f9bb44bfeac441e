"""Headless Chromium for the HTML tests and the docs screenshot: Debian's `chromium` driven by
Selenium through Debian's `chromedriver`, so nothing is downloaded (Selenium Manager is never
asked) and the browser makes no connection of its own (this machine's network is closed).

`python -m tests.browser OUT.png` renders the shipped example digest and saves a screenshot.
"""

from __future__ import annotations

import os
import sys
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from selenium.webdriver.chrome.webdriver import WebDriver

CHROMIUM = Path(os.environ.get("DIGESTKIT_CHROMIUM", "/usr/bin/chromium"))
CHROMEDRIVER = Path(os.environ.get("DIGESTKIT_CHROMEDRIVER", "/usr/bin/chromedriver"))
FLAGS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-dev-shm-usage",
    "--hide-scrollbars",
)


def missing() -> list[str]:
    """The browser files that are not installed (`.ci/run` installs Debian's packages)."""
    return [str(path) for path in (CHROMIUM, CHROMEDRIVER) if not path.exists()]


@contextmanager
def chromium(width: int = 1000, height: int = 800, *extra_flags: str) -> Iterator[WebDriver]:
    """A Selenium WebDriver for headless Chromium with a throwaway profile."""
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    with tempfile.TemporaryDirectory(prefix="digestkit-chromium-") as profile:
        options = webdriver.ChromeOptions()
        options.binary_location = str(CHROMIUM)
        for flag in (*FLAGS, *extra_flags):
            options.add_argument(flag)
        options.add_argument(f"--user-data-dir={profile}")
        options.add_argument(f"--window-size={width},{height}")
        driver = webdriver.Chrome(service=Service(str(CHROMEDRIVER)), options=options)
        try:
            driver.set_page_load_timeout(60)
            yield driver
        finally:
            driver.quit()


def placeholder_png(width: int = 1200, height: int = 648) -> bytes:
    """A gradient PNG standing in for a thumbnail: the screenshot is taken offline."""
    import struct
    import zlib

    rows = b"".join(
        b"\x00"
        + bytes(
            channel
            for x in range(width)
            for channel in (40 + 120 * x // width, 90 + 100 * y // height, 200 - 60 * x // width)
        )
        for y in range(height)
    )

    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(rows, 9))
        + chunk(b"IEND", b"")
    )


@contextmanager
def placeholder_media_server(folder: Path) -> Iterator[int]:
    """A local HTTPS server answering every media request with `placeholder_png()`; the
    browser is pointed at it with --host-resolver-rules, so the page keeps its real URLs."""
    import http.server
    import ssl
    import subprocess
    import threading

    key, cert = folder / "key.pem", folder / "cert.pem"
    subprocess.run(
        ["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1",
         "-subj", "/CN=localhost", "-keyout", str(key), "-out", str(cert)],
        check=True, capture_output=True,
    )  # fmt: skip
    image = placeholder_png()

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            if not self.path.endswith(".png"):
                self.send_error(404)
                return
            self.send_response(200)
            self.send_header("Content-Type", "image/png")
            self.send_header("Content-Length", str(len(image)))
            self.end_headers()
            self.wfile.write(image)

        def log_message(self, format: str, *args: object) -> None:
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(cert, key)
    server.socket = context.wrap_socket(server.socket, server_side=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield server.server_address[1]
    finally:
        server.shutdown()
        server.server_close()


def screenshot_example(target: Path, width: int = 1000) -> None:
    """The shipped example digest as an HTML page, captured whole at `width` CSS pixels, with a
    placeholder thumbnail served locally (the real one would need the network)."""
    import base64

    import digestkit
    from digestkit.cli import main

    example = Path(digestkit.__file__).parent / "examples" / "daily-papers.md"
    with tempfile.TemporaryDirectory() as name:
        folder = Path(name)
        page = folder / "example.html"
        assert main(["convert", str(example), "-o", str(page)]) == 0
        with placeholder_media_server(folder) as port:
            flags = (
                f"--host-resolver-rules=MAP *.huggingface.co 127.0.0.1:{port}",
                "--ignore-certificate-errors",
            )
            with chromium(width, 800, *flags) as driver:
                driver.get(page.as_uri())
                driver.execute_script(
                    "return Promise.all([...document.images].map(i => i.decode()))"
                )
                shot = driver.execute_cdp_cmd(
                    "Page.captureScreenshot", {"format": "png", "captureBeyondViewport": True}
                )
    target.write_bytes(base64.b64decode(shot["data"]))


if __name__ == "__main__":
    screenshot_example(Path(sys.argv[1]))
