"""Handouts: `heroinfacts handout TOPIC... -o FILE` in HTML, Markdown and plain text.

What is on a handout (facts with numbered APA references, national and local help, QR codes,
icon arrays, data version, review date, disclaimer), how files are written (never over an
existing file without --force, atomically), errors and exit codes, escaping, and a real browser:
headless Chromium prints the HTML to PDF on Letter and A4 paper, on one or two pages, without a
single network request from the page.
"""

from __future__ import annotations

import html as html_lib
import json
import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest
from cli_support import Run
from cli_support import invoke as cli

import heroinfacts
from heroinfacts import handout
from heroinfacts.render import markdown, plain, svg
from heroinfacts.render.doc import Callout, Doc, IconArray, Para, figures

ROOT = Path(__file__).resolve().parents[1]
EXAMPLE = ROOT / "examples" / "example-county-outreach.yaml"


def make(tmp_path: Path, name: str, *topics: str, pack: bool = True) -> tuple[Path, Run]:
    out = tmp_path / name
    flags = ["--pack", str(EXAMPLE)] if pack else []
    run = cli("handout", *topics, "-o", str(out), *flags, code=0)
    return out, run


def words(text: str) -> str:
    return " ".join(text.split())


# --- content ------------------------------------------------------------------------------------


@pytest.mark.parametrize("suffix", [".html", ".md", ".txt"])
def test_handout_holds_facts_references_help_and_provenance(tmp_path: Path, suffix: str) -> None:
    out, run = make(tmp_path, "h" + suffix, "heroin-and-depression", "overdose")
    assert run.stdout.startswith(f"Wrote {out}: 2 topics, ")
    raw = out.read_text(encoding="utf-8")
    text = words(html_lib.unescape(re.sub(r"<[^>]+>", " ", raw)) if suffix == ".html" else raw)
    text = text.replace("\\", "")  # Markdown escapes
    kb = heroinfacts.load([EXAMPLE])
    bundle = kb.bundle
    # Facts in plain words, with numbered references in APA style.
    for topic in ("heroin-and-depression", "overdose"):
        for fact in kb.topic(topic).facts:
            assert words(fact.text) in text, fact.id
    assert "[1]" in text and "McIntosh, C., & Ritson, B. (2001)." in text
    # Help: national and local, crisis lines included; phone numbers as written.
    for needle in ("988", "1-800-662-HELP (4357)", "1-800-222-1222", "555-0100 (sample number)"):
        assert needle in text, needle
    assert "Example County Outreach drop-in centre (sample data)" in text
    assert "https://example.org/outreach" in text
    # Version, review date, disclaimer.
    assert f"Data {bundle.version}, reviewed {bundle.reviewed}" in text
    assert words(bundle.disclaimer) in text
    assert "Local pack: Example County Outreach (sample data) 0.1.0" in text


def test_crisis_help_comes_first(tmp_path: Path) -> None:
    out, _ = make(tmp_path, "d.md", "depression")
    text = out.read_text(encoding="utf-8").replace("\\", "")
    summary = heroinfacts.load().topic("depression").summary[:40]
    crisis = text.index("Help is available now")
    assert text.index("# What is depression?") < crisis < text.index(summary)
    top = text[crisis : text.index(summary)]
    assert "988" in top and "555-0100 (sample number)" in top
    # Each crisis line once, at the top, with what it offers; no second card for it below.
    assert "Help in a suicidal or other crisis" in top
    assert text.count("**988 Suicide & Crisis Lifeline**") == 1
    assert "## What is depression?" not in text, "one topic: its title once"


def test_json_summary(tmp_path: Path) -> None:
    out = tmp_path / "j.html"
    run = cli("handout", "depression", "-o", str(out), "--pack", str(EXAMPLE), "--json", code=0)
    data = run.json()
    assert data["output"] == str(out) and data["format"] == "html"
    assert data["bytes"] == out.stat().st_size
    assert [t["id"] for t in data["topics"]] == ["depression"]
    assert data["crisis"] is True
    ids = [r["id"] for r in data["resources"]]
    assert "lifeline-988" in ids and "example-county-crisis-line" in ids
    assert data["qr_codes"] == [  # the crisis lines' first, at the top of the page
        "https://988lifeline.org",
        "https://samhsa.gov/find-help/national-helpline",
    ]
    assert data["references"][0]["number"] == 1
    assert data["data"]["version"] and data["data"]["reviewed"]
    assert data["data"]["checksum"].startswith("sha256:")
    assert [p["bundle"]["id"] for p in data["packs"]] == ["example-county-outreach"]


def test_topics_of_several_words_and_sign_lists(tmp_path: Path) -> None:
    out = tmp_path / "n.md"
    args = ["handout", "going", "on", "the", "nod", "overdose", "signs of depression"]
    data = cli(*args, "-o", str(out), "--json", code=0).json()
    assert [t["id"] for t in data["topics"]] == ["effects-of-heroin", "overdose"]
    assert [s["id"] for s in data["lists"]] == ["signs-of-depression"]
    text = out.read_text(encoding="utf-8")
    assert "- [ ] " in text  # the sign list is a checklist


def test_title_option_and_notice_for_many_topics(tmp_path: Path) -> None:
    out = tmp_path / "t.txt"
    run = cli(
        "handout", "heroin", "opioids", "addiction", "overdose", "-o", str(out),
        "--title", "Staying safe <today>", code=0,
    )  # fmt: skip
    assert out.read_text(encoding="utf-8").startswith("Staying safe <today>\n")
    assert "may not fit on two printed pages" in run.stderr
    out.unlink()
    run = cli("handout", "heroin", "opioids", "addiction", "overdose", "-o", str(out), "-q", code=0)
    assert run.stderr == ""


def test_text_handout_is_80_columns(tmp_path: Path) -> None:
    out, _ = make(tmp_path, "w.txt", "heroin-and-depression", "overdose")
    lines = out.read_text(encoding="utf-8").splitlines()
    # Only a word that cannot be broken (a long web address) may stick out.
    assert all(len(line) <= 80 or " " not in line.strip() for line in lines)
    assert "●○" in "".join(lines)  # the proportion, drawn in text


# --- HTML: self-contained, pictures, QR codes ---------------------------------------------------


def _known_urls() -> set[str]:
    kb = heroinfacts.load([EXAMPLE])
    urls = {str(r.csl["URL"]) for r in kb.references() if "URL" in r.csl}
    urls |= {c.value for r in kb.resources() for c in r.contacts if c.value.startswith("http")}
    return urls


def assert_self_contained(page: str) -> None:
    """Nothing in the page can load anything: no scripts, style sheets, fonts, images, frames
    or links; the only web addresses are the printed ones (text, QR titles and captions)."""
    lower = page.lower()
    for bad in ("<script", "<link", "<img", "<iframe", "<object", "<embed", "@import",
                "@font-face", "url(", " src=", " href=", "srcset=", "xlink:"):  # fmt: skip
        assert bad not in lower, bad
    rest = page
    for url in sorted(_known_urls(), key=len, reverse=True):
        rest = rest.replace(html_lib.escape(url), "").replace(url, "")
    assert (
        "http:" not in rest and "https:" not in rest and "//" not in re.sub(r"<!--.*?-->", "", rest)
    )


def test_html_is_one_self_contained_file(tmp_path: Path) -> None:
    out, _ = make(tmp_path, "s.html", "heroin-and-depression", "overdose")
    page = out.read_text(encoding="utf-8")
    assert page.startswith("<!DOCTYPE html>")
    assert '<html lang="en">' in page and '<meta charset="utf-8">' in page
    assert "@page" in page  # print CSS
    assert_self_contained(page)


def test_html_qr_code_for_each_help_url(tmp_path: Path) -> None:
    out, run = make(tmp_path, "q.html", "heroin-and-depression", "overdose")
    page = out.read_text(encoding="utf-8")
    urls = [  # the crisis box's first (local naloxone help among them), then the cards'
        "https://example.org/outreach",
        "https://988lifeline.org",
        "https://samhsa.gov/find-help/national-helpline",
        "https://findtreatment.gov",
    ]
    qrs = re.findall(r'<svg role="img" aria-label="QR code for ([^"]+)"[^>]*class="qr-code"', page)
    assert qrs == urls
    assert "4 QR codes" in run.stdout
    for url in urls:
        assert f"<title>QR code for {url}</title>" in page
        assert f"<figcaption>{url}</figcaption>" in page


def test_qr_svg_is_drawn_offline_and_labelled() -> None:
    qr = handout.qr_svg("https://example.org/a?b=1&c=<2>", "qr1")
    assert qr is not None
    assert qr.startswith(
        '<svg role="img" aria-label="QR code for https://example.org/a?b=1&amp;c=&lt;2&gt;"'
    )
    assert "<path" in qr and "http://www.w3.org" not in qr


def test_html_icon_array_beside_its_sentence(tmp_path: Path) -> None:
    out, _ = make(tmp_path, "i.html", "heroin-and-depression", pack=False)
    page = out.read_text(encoding="utf-8")
    fact = page.index("About half of people addicted to opiates have had depression")
    pic = page.index('<figure class="icons"><svg class="icon-array" role="img"')
    assert 0 < pic - fact < 400, "the picture follows its sentence"
    assert 'aria-label="about 1 in 2, at some time in life: 5 of 10 figures filled in"' in page
    assert (
        "<title id=" in page
        and "<figcaption>about 1 in 2, at some time in life</figcaption>" in page
    )


@pytest.mark.parametrize(
    ("given", "drawn"),
    [((1, 2), (5, 10)), ((1, 4), (5, 20)), ((3, 10), (3, 10)), ((2, 5), (4, 10)),
     ((1, 3), (1, 3)), ((7, 100), (7, 100))],
)  # fmt: skip
def test_icon_arrays_draw_10_or_20_figures(given: tuple[int, int], drawn: tuple[int, int]) -> None:
    """ "nearly 1 in 2" as 5 of 10 figures and "1 in 4" as 5 of 20, so each reads as a part of a
    crowd; a proportion that does not come out whole is drawn as given."""
    block = IconArray(*given, "x")
    assert block.figures == drawn
    filled, total = drawn
    text = plain.render(Doc([block]), width=200).strip()
    assert text == "●" * filled + "○" * (total - filled) + "  x"


def test_data_proportions_are_drawn_from_the_data(tmp_path: Path) -> None:
    kb = heroinfacts.load()
    props = [f.proportion for t in kb.topics() for f in t.facts if f.proportion]
    assert props, "the data has proportions"
    for p in props:
        filled, total = figures(p.numerator, p.denominator)
        assert total in (10, 20) and filled * p.denominator == p.numerator * total, p
    text = cli("show", "heroin-and-depression", "--plain", code=0).stdout
    p = next(f.proportion for f in kb.topic("heroin-and-depression").facts if f.proportion)
    filled, total = figures(p.numerator, p.denominator)
    assert "●" * filled + "○" * (total - filled) + "  " + p.wording in text


@pytest.mark.parametrize(
    ("num", "den", "people"), [(1, 4, True), (1, 2, True), (7, 100, False), (3, 1000, False)]
)
def test_icon_array_svg(num: int, den: int, people: bool) -> None:
    pic = svg.icon_array(num, den, f"{num} in {den}", "x1")
    assert pic.startswith('<svg class="icon-array" role="img" aria-label=')
    assert f'<title id="x1-title">{num} in {den}: {num} of {den} figures filled in</title>' in pic
    shape = "<g " if people else "<circle "
    assert pic.count(shape) == den
    assert pic.count('fill="#1a1a1a"') == num
    with pytest.raises(ValueError):
        svg.icon_array(5, 4, "bad")


# --- escaping -----------------------------------------------------------------------------------

NASTY_PACK = """\
schema: 1
bundle:
  id: nasty
  title: Nasty <b>pack</b>
  version: 0.0.1
  language: en
  reviewed: 2026-11-01
  license: CC0-1.0
  disclaimer: Test.
references:
  - id: nasty-ref
    type: document
    title: "[Directory <script>alert(1)</script>]"
topics:
  - id: nasty-topic
    title: "# Not a heading <script>alert(2)</script>"
    summary: >-
      *Not bold* [a link](https://evil.example/x) <img src=x onerror=alert(3)> & more | pipes
    concerns: [suicide]
    facts:
      - id: nasty-fact
        text: "- not a list item `code` ![img](https://evil.example/i.png) \\\\ <b>bold</b>"
        cites: [nasty-ref]
resources:
  - id: nasty-line
    name: "Line <script>alert(4)</script> & co"
    region: "Here"
    offers: "Help *now*"
    contacts:
      - {kind: call, value: "555-0100"}
      - {kind: web, value: "https://evil.example/\\"><script>alert(5)</script>"}
    concerns: [suicide]
    verified: 2026-11-01
    cites: [nasty-ref]
"""


def test_all_text_is_escaped(tmp_path: Path) -> None:
    pack = tmp_path / "nasty.yaml"
    pack.write_text(NASTY_PACK, encoding="utf-8")
    cli("validate", str(pack), code=0)
    page_path, md_path, txt_path = tmp_path / "n.html", tmp_path / "n.md", tmp_path / "n.txt"
    for out in (page_path, md_path, txt_path):
        cli("handout", "nasty-topic", "-o", str(out), "--pack", str(pack), code=0)
    page = page_path.read_text(encoding="utf-8")
    assert "<script" not in page and "<img" not in page and "<b>" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert "&lt;img src=x onerror=alert(3)&gt;" in page
    md = md_path.read_text(encoding="utf-8")
    # Every "<" is escaped, except those of autolinks to plain web addresses.
    bare = re.findall(r"(?<!\\)<(?!https://[^\s<>\"'`\\]+>)", md)
    assert bare == [], md
    assert "\\# Not a heading \\<script\\>" in md
    assert "\\*Not bold\\* \\[a link\\]\\(https://evil.example/x\\)" in md
    assert "\\!\\[img\\]" in md and "\\- not a list item" in md
    assert "\\&" in md and "\\|" in md
    txt = txt_path.read_text(encoding="utf-8")
    assert "<script>alert(2)</script>" in txt  # plain text is literal


def test_markdown_escaping_units() -> None:
    assert markdown.esc("1. a *b* _c_ `d` <e> [f](g) #h |i| ~j~ & \\") == (
        "1\\. a \\*b\\* \\_c\\_ \\`d\\` \\<e\\> \\[f\\]\\(g\\) \\#h \\|i\\| \\~j\\~ \\& \\\\"
    )
    assert markdown.esc("12) x") == "12\\) x"
    assert markdown.esc("- x").startswith("\\-")
    assert markdown.esc("+ x").startswith("\\+")
    assert markdown.spans([("https://a.example/b_c", "link")]) == "<https://a.example/b_c>"
    assert markdown.spans([("javascript:alert(1)", "link")]) == "javascript:alert\\(1\\)"
    assert markdown.spans([("a`b", "cmd")]) == "`` a`b ``"
    assert markdown.spans([("x ", ""), ("bold", "bold"), (" · ", "dim")]) == "x **bold** · "


def test_html_renderer_escapes_every_block() -> None:
    from heroinfacts.render import webpage

    doc = Doc().add(Callout("<t>", [Para([("<p>", "bold"), ("https://x.example/<q>", "link")])]))
    page = webpage.render(doc, title="<title>", qr=lambda url, ident: None)
    assert "<t>" not in page
    assert "&lt;t&gt;" in page and "&lt;p&gt;" in page and "&lt;title&gt;" in page
    assert "https://x.example/&lt;q&gt;" in page


# --- files: formats, overwriting, atomic writes, errors -----------------------------------------


def test_unknown_suffix_is_a_usage_error(tmp_path: Path) -> None:
    for name in ("h.pdf", "h", "h.docx"):
        run = cli("handout", "heroin", "-o", str(tmp_path / name), code=2)
        assert ".html" in run.stderr and ".md" in run.stderr and ".txt" in run.stderr
        assert run.stdout == ""
    assert list(tmp_path.iterdir()) == []


def test_unknown_topic_is_exit_1_with_did_you_mean(tmp_path: Path) -> None:
    run = cli("handout", "heroinn", "-o", str(tmp_path / "h.html"), code=1)
    assert "Did you mean: heroin" in run.stderr
    run = cli("handout", "overdose", "xyzzy", "-o", str(tmp_path / "h.html"), code=1)
    assert "no topic called 'xyzzy'" in run.stderr
    assert list(tmp_path.iterdir()) == []


def test_refuses_to_overwrite_without_force(tmp_path: Path) -> None:
    out = tmp_path / "h.md"
    out.write_text("keep me", encoding="utf-8")
    run = cli("handout", "heroin", "-o", str(out), code=2)
    assert "already exists" in run.stderr and "--force" in run.stderr
    assert out.read_text(encoding="utf-8") == "keep me"
    cli("handout", "heroin", "-o", str(out), "--force", code=0)
    assert out.read_text(encoding="utf-8").startswith("# What is heroin?")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["h.md"], "no temporary files left"


def test_cannot_write_is_a_clear_error(tmp_path: Path) -> None:
    run = cli("handout", "heroin", "-o", str(tmp_path / "no" / "such" / "h.md"), code=2)
    assert run.stderr.startswith("heroinfacts: cannot write ")


def test_write_is_atomic(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    out = tmp_path / "a.txt"
    out.write_bytes(b"old")

    def broken(src: str, dst: str) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "replace", broken)
    with pytest.raises(OSError):
        handout.write_atomic(out, b"new", force=True)
    assert out.read_bytes() == b"old"
    assert [p.name for p in tmp_path.iterdir()] == ["a.txt"]
    monkeypatch.undo()
    handout.write_atomic(out, b"new", force=True)
    assert out.read_bytes() == b"new"
    with pytest.raises(FileExistsError):
        handout.write_atomic(out, b"newer")
    assert out.read_bytes() == b"new"
    fresh = tmp_path / "b.txt"
    handout.write_atomic(fresh, b"x")
    assert fresh.read_bytes() == b"x" and oct(fresh.stat().st_mode & 0o777) != "0o600"


def test_write_without_hard_links(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """On a FAT-formatted USB stick there are no hard links: still no clobbering."""

    def no_links(src: str, dst: str) -> None:
        raise PermissionError(1, "Operation not permitted")

    monkeypatch.setattr(os, "link", no_links)
    out = tmp_path / "c.txt"
    handout.write_atomic(out, b"x")
    assert out.read_bytes() == b"x"
    with pytest.raises(FileExistsError):
        handout.write_atomic(out, b"y")
    assert [p.name for p in tmp_path.iterdir()] == ["c.txt"]


# --- a real browser -----------------------------------------------------------------------------

CHROMIUM_FLAGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
    "--disable-extensions", "--disable-default-apps", "--no-default-browser-check",
    "--no-pdf-header-footer",
]  # fmt: skip


def chromium() -> str:
    for name in ("chromium", "chromium-browser"):
        found = shutil.which(name)
        if found:
            return found
    if Path("/usr/bin/chromium").exists():
        return "/usr/bin/chromium"
    pytest.fail(
        "Chromium is needed for the handout print test and was not found. Install it, e.g. "
        "`apt-get install chromium` (Debian/Ubuntu; .ci/run does this), then run the tests again.",
        pytrace=False,
    )


def _network_namespace() -> list[str]:
    """``unshare -rn`` (a network namespace with no network at all) when it works here."""
    tool = shutil.which("unshare")
    if tool and subprocess.run([tool, "-rn", "true"], capture_output=True).returncode == 0:
        return [tool, "-rn"]
    return []


def page_count(pdf: bytes) -> int:
    return len(re.findall(rb"/Type\s*/Page(?![A-Za-z])", pdf))


def page_requests(netlog: Path) -> list[str]:
    """URLs the page itself asked for, from Chromium's NetLog. Chromium's own background
    requests (component updates and the like, initiator "not an origin") are not the page's."""
    data = json.loads(netlog.read_text(encoding="utf-8"))
    kinds = {v: k for k, v in data["constants"]["logEventTypes"].items()}
    urls = []
    for event in data["events"]:
        params = event.get("params") or {}
        if kinds.get(event["type"]) != "URL_REQUEST_START_JOB" or "url" not in params:
            continue
        from_page = params.get("initiator") != "not an origin"
        if from_page or "file://" in str(params.get("network_isolation_key", "")):
            urls.append(params["url"])
    return urls


Printed = dict[str, tuple[bytes, list[str], str]]


def print_pdfs(browser: str, pages: dict[str, Path], work: Path) -> Printed:
    """Print each HTML file to PDF at once; (pdf, page requests, stderr) by name."""
    prefix = _network_namespace()
    procs = {}
    for name, page in pages.items():
        pdf, netlog = work / f"{name}.pdf", work / f"{name}.netlog.json"
        cmd = [*prefix, browser, *CHROMIUM_FLAGS, f"--user-data-dir={work / (name + '-profile')}",
               f"--print-to-pdf={pdf}", f"--log-net-log={netlog}", page.as_uri()]  # fmt: skip
        procs[name] = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    results = {}
    for name, proc in procs.items():
        try:
            _, err = proc.communicate(timeout=120)
        except subprocess.TimeoutExpired:
            proc.kill()
            pytest.fail(f"chromium did not finish printing {name}")
        pdf, netlog = work / f"{name}.pdf", work / f"{name}.netlog.json"
        assert pdf.exists(), (
            f"chromium printed no PDF for {name}: {err.decode(errors='replace')[-2000:]}"
        )
        results[name] = (pdf.read_bytes(), page_requests(netlog), err.decode(errors="replace"))
    return results


def tool(name: str, package: str) -> str:
    """A command-line tool the print tests need; a failure (never a skip) when it is missing."""
    found = shutil.which(name)
    if found:
        return found
    pytest.fail(
        f"`{name}` is needed for the handout print tests and was not found. Install it, e.g. "
        f"`apt-get install {package}` (Debian/Ubuntu; .ci/run does this), then run the tests "
        "again.",
        pytrace=False,
    )


#: Text at a known size in the handout's body font: how tall a word's box is per point.
CALIBRATION = (
    "<!DOCTYPE html><html><head><style>@page { margin: 10mm; } p { margin: 0; font: 10pt/1 "
    '"Liberation Sans", Arial, Helvetica, "DejaVu Sans", sans-serif; }</style></head>'
    "<body><p>Calibration Text</p></body></html>"
)


#: The web addresses each printed handout draws as QR codes, from its HTML captions.
QR_CODES: dict[str, list[str]] = {}


@pytest.fixture(scope="module")
def printed(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Printed]:
    """Two topics and a local pack (about the most a handout is meant to hold) and one topic,
    each printed by Chromium on Letter and A4 paper; with a control page that does load things and a
    calibration page. (work directory, results by name)."""
    browser = chromium()
    work = tmp_path_factory.mktemp("print")
    pages: dict[str, Path] = {}
    # Two topics with a local pack, and the fullest single topic with the shipped help lines.
    for name, topics, pack in (
        ("two", ["heroin-and-depression", "overdose"], True),
        ("one", ["overdose"], False),
    ):
        out, _ = make(work, f"{name}.html", *topics, pack=pack)
        QR_CODES[name] = re.findall(r"<figcaption>(https://[^<]+)</figcaption>", out.read_text())
        page = out.read_text(encoding="utf-8")
        assert_self_contained(page)
        for paper in ("letter", "A4"):
            variant = work / f"{name}-{paper}.html"
            variant.write_text(page.replace("<style>", f"<style>@page {{ size: {paper}; }}", 1))
            pages[f"{name}-{paper}"] = variant
    # The control: a page that does load things, to show the request check can see them.
    control = work / "control.html"
    control.write_text(
        '<!DOCTYPE html><html><head><link rel="stylesheet" href="http://fonts.invalid/a.css">'
        '</head><body><img src="https://images.invalid/x.png"><p>x</p></body></html>',
        encoding="utf-8",
    )
    pages["control"] = control
    calibration = work / "calibration.html"
    calibration.write_text(CALIBRATION, encoding="utf-8")
    pages["calibration"] = calibration
    return work, print_pdfs(browser, pages, work)


PRINTED_HANDOUTS = ["two-letter", "two-A4", "one-letter", "one-A4"]


def test_html_handout_prints_on_one_or_two_pages_without_network(
    printed: tuple[Path, Printed],
) -> None:
    _, results = printed
    pdf, requests, err = results["control"]
    assert "http://fonts.invalid/a.css" in requests, (requests, err[-2000:])
    assert "https://images.invalid/x.png" in requests
    for name in PRINTED_HANDOUTS:
        pdf, requests, err = results[name]
        assert pdf.startswith(b"%PDF"), name
        expected = 2 if name.startswith("two") else 1
        assert page_count(pdf) == expected, f"{name}: {page_count(pdf)} pages, not {expected}"
        assert requests == [], f"{name}: the page made network requests: {requests}"


Word = tuple[str, float]  # (text, font size in points)


def pdf_lines(pdf: Path, per_point: float) -> list[list[Word]]:
    """The printed lines of ``pdf`` as words with their font size, from poppler's word boxes."""
    import xml.etree.ElementTree as ET

    xml = subprocess.run(
        [tool("pdftotext", "poppler-utils"), "-bbox-layout", str(pdf), "-"],
        capture_output=True, check=True, text=True,
    ).stdout  # fmt: skip
    ns = "{http://www.w3.org/1999/xhtml}"
    root = ET.fromstring(xml)
    return [
        [
            (w.text or "", (float(w.get("yMax", 0)) - float(w.get("yMin", 0))) / per_point)
            for w in line.iter(f"{ns}word")
        ]
        for line in root.iter(f"{ns}line")
    ]


def test_printed_type_sizes(printed: tuple[Path, Printed]) -> None:
    """Facts and crisis lines at 11 pt or more; nothing (references, QR captions) under 8 pt."""
    work, _ = printed
    calib = pdf_lines(work / "calibration.pdf", 1.0)
    per_point = max(size for line in calib for _, size in line) / 10  # box height of 1 pt
    kb = heroinfacts.load([EXAMPLE])
    topics = [kb.topic(t) for t in ("heroin-and-depression", "overdose", "depression")]
    body_text = [words(f.text) for t in topics for f in t.facts]
    body_text += [words(t.summary) for t in topics]
    cite = re.compile(r"^(\[[\d,]+\])+$")
    for name in PRINTED_HANDOUTS:
        lines = pdf_lines(work / f"{name}.pdf", per_point)
        sizes = [size for line in lines for _, size in line]
        assert min(sizes) >= 7.9, f"{name}: text at {min(sizes):.1f} pt"
        body = 0
        for line in lines:
            shown = [(t, s) for t, s in line if not cite.match(t)]
            text = " ".join(t for t, _ in shown)
            fact = len(text) > 30 and any(text in para for para in body_text)
            if fact or text.startswith("Help is available now"):
                body += 1
                small = [(t, round(s, 1)) for t, s in shown if s < 10.9]
                assert not small, f"{name}: body text under 11 pt: {small} in {text!r}"
        assert body >= 5, f"{name}: only {body} lines of body text found"


def test_printed_qr_codes_decode_to_their_captions(printed: tuple[Path, Printed]) -> None:
    work, _ = printed
    zbar, pdftoppm = tool("zbarimg", "zbar-tools"), tool("pdftoppm", "poppler-utils")
    pdftotext = tool("pdftotext", "poppler-utils")
    for name in PRINTED_HANDOUTS:
        pdf = work / f"{name}.pdf"
        subprocess.run([pdftoppm, "-r", "200", "-png", str(pdf), str(work / name)], check=True)
        images = sorted(str(p) for p in work.glob(f"{name}-*.png"))
        run = subprocess.run([zbar, "-q", "--raw", *images], capture_output=True, text=True)
        # 4: some page has no code (a second page of references); the codes are checked below
        assert run.returncode in (0, 4), f"{name}: zbarimg failed: {run.stderr[-500:]}"
        decoded = run.stdout.split()
        urls = QR_CODES[name.split("-")[0]]
        assert urls, name
        assert sorted(decoded) == sorted(urls), f"{name}: {decoded}"
        text = subprocess.run([pdftotext, str(pdf), "-"], capture_output=True, text=True).stdout
        # Each caption, wrapped over lines in print, is the code's address (pdftotext drops a
        # hyphen at the end of a line, so hyphens are left out of the comparison).
        joined = "".join(text.split()).replace("-", "")
        for url in urls:
            assert url.replace("-", "") in joined, f"{name}: no caption {url}"


NARROW_PROBE = """<script>
addEventListener("load", () => {
  const width = document.documentElement.clientWidth;
  const cards = [...document.querySelectorAll(".callout")];
  const lefts = new Set(cards.map((c) => Math.round(c.getBoundingClientRect().left)));
  const over = cards.filter((c) => c.getBoundingClientRect().right > width + 0.5).length;
  parent.postMessage(JSON.stringify({width, cards: cards.length, columns: lefts.size, over,
    scroll: document.documentElement.scrollWidth}), "*");
});
</script>"""


@pytest.mark.parametrize(("frame", "columns"), [(400, 1), (900, 2)])
def test_help_cards_stack_on_a_narrow_screen(tmp_path: Path, frame: int, columns: int) -> None:
    """In a 400 px wide frame (a phone) the help cards stand in one column and nothing runs off
    the side; at 900 px they stand two abreast."""
    browser = chromium()
    out, _ = make(tmp_path, "h.html", "heroin")  # no crisis box: four cards, national and local
    probe = tmp_path / "probe.html"
    page = out.read_text(encoding="utf-8")
    probe.write_text(page.replace("</body>", NARROW_PROBE + "</body>"), encoding="utf-8")
    outer = tmp_path / "outer.html"
    outer.write_text(
        f'<!DOCTYPE html><html><body><iframe src="probe.html" width="{frame}" height="900" '
        'style="border:0"></iframe><script>addEventListener("message", (e) => '
        '{ document.body.setAttribute("data-layout", e.data); });</script></body></html>',
        encoding="utf-8",
    )
    cmd = [*_network_namespace(), browser, *CHROMIUM_FLAGS, f"--user-data-dir={tmp_path / 'p'}",
           "--virtual-time-budget=5000", "--dump-dom", outer.as_uri()]  # fmt: skip
    dom = subprocess.run(cmd, capture_output=True, text=True, timeout=120).stdout
    found = re.search(r'data-layout="([^"]+)"', dom)
    assert found, dom[-2000:]
    layout = json.loads(html_lib.unescape(found.group(1)))
    assert layout["cards"] >= 4
    assert layout["columns"] == columns, layout
    assert layout["over"] == 0 and layout["scroll"] <= layout["width"], layout


def test_resource_details_read_as_sentences_in_both_places() -> None:
    from heroinfacts.model import Contact, Resource
    from heroinfacts.views import resource_details

    res = Resource(
        id="r",
        name="Drop-in",
        region="Example Town",
        offers="Free testing",
        contacts=(Contact("call", "555-0100"),),
        concerns=("substance-use",),
        verified="2026-11-01",
        cites=("x",),
        hours="Weekdays 9-5.",
        languages=("English", "Spanish"),
        address="12 Example Street",
    )
    assert resource_details(res) == (
        "Free testing. Weekdays 9-5. Languages: English, Spanish. 12 Example Street."
    )
    card, _ = handout.resource_card(res, handout.Citer())
    text = markdown.render(Doc([card]))
    assert (
        "Free testing. Weekdays 9-5. Languages: English, Spanish. Address: 12 Example Street."
        in text
    )


def test_overdose_handout_puts_911_first_and_numbers_the_steps(tmp_path: Path) -> None:
    out, _ = make(tmp_path, "od.txt", "overdose", "overdose-steps", pack=False)
    text = out.read_text()
    assert text.index("911 (emergency)") < text.index("Poison Help")
    assert text.index("1. Call 911") < text.index("2. Give naloxone")
    md, _ = make(tmp_path, "od.md", "overdose-steps", pack=False)
    assert "1. Call 911 right away." in md.read_text()
