"""The conventions every command keeps: exit codes, messages on stderr, colour and width
settings, no markup interpretation, help text with examples, and shell completion."""

from __future__ import annotations

import os
import sys
from collections.abc import Callable
from pathlib import Path

import pytest
import typer
import yaml
from cli_support import ANSI, BOX, Run, no_ansi_no_boxes

from heroinfacts import guard, output
from heroinfacts.cli import app
from heroinfacts.sources import shipped

Invoke = Callable[..., Run]

MARKUP_PACK = """\
schema: 1
bundle:
  id: markup-pack
  title: A pack that tries markup
  version: 0.1.0
  language: en
  reviewed: 2026-01-01
  license: CC-BY-4.0
  disclaimer: Information, not medical advice.
references:
  - id: markup-source
    type: webpage
    title: "[link=https://example.org]Click[/link]"
topics:
  - id: markup-test
    title: "[bold red]Danger[/]"
    aliases: ["[blink]x"]
    summary: "A summary with [italic]markup[/italic] and an escape \\e[31mred\\e[0m."
    facts:
      - id: markup-fact
        text: "A fact with [u]markup[/u]."
        cites: [markup-source]
"""


# --- exit codes ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("args", "code"),
    [
        (["show", "heroin"], 0),
        (["show", "no-such-topic"], 1),
        (["symptoms", "no-such-list"], 1),
        (["define", "no-such-term"], 1),
        (["refs", "no-such-reference"], 1),
        (["refs", "--for", "no-such-topic"], 1),
        (["mix", "heroin", "no-such-drug"], 1),
        (["mix", "xanax", "ambien"], 1),  # no data on the pair
        (["search", "zzqxv"], 1),
        (["no-such-command"], 2),
        (["topics", "--no-such-option"], 2),
        (["show"], 2),  # a missing argument
        (["show", " "], 2),  # an empty name
        (["mix", "heroin"], 2),
        (["refs", "--format", "xml"], 2),
        (["search", "gaba", "--kind", "nonsense"], 2),
        (["search", "gaba", "--limit", "0"], 2),
        (["topics", "--width", "5"], 2),
    ],
)
def test_exit_codes(cli: Invoke, args: list[str], code: int) -> None:
    run = cli(*args, code=code)
    if code:
        assert run.stderr.strip(), "a failure always says why on stderr"
    if code == 2:
        assert run.stdout == ""


def test_exit_3_for_invalid_data(cli: Invoke, broken_pack: Path) -> None:
    run = cli("show", "heroin", "--pack", str(broken_pack), code=3)
    assert run.stdout == ""
    assert run.stderr.splitlines()[0].startswith(f"{broken_pack}:12: ")
    assert "invalid" in run.stderr.splitlines()[-1]
    # The same through HEROINFACTS_PACKS, and in the rich layout (show caches its pages).
    env = {"HEROINFACTS_PACKS": str(broken_pack), "FORCE_COLOR": "1"}
    assert cli("show", "heroin", env=env).code == 3
    assert cli("validate", str(broken_pack)).code == 3


def test_a_broken_config_file_is_a_notice_and_an_error_for_validate(
    cli: Invoke, tmp_path: Path
) -> None:
    config = tmp_path / "config.toml"
    config.write_text("packs = [\n", encoding="utf-8")
    env = {"HEROINFACTS_CONFIG": str(config)}
    # the notice is said once per process (the runner calls the app in this one)
    said = "".join(cli(*args, env=env, code=0).stderr for args in (["show", "heroin"], ["topics"]))
    assert "config file is not valid TOML" in said and "is not used" in said
    assert "config file is not valid TOML" in cli("validate", env=env, code=2).stderr
    assert "911" in cli("help-now", env={**env, "FORCE_COLOR": "1"}, code=0).stdout
    # --version reads only the shipped data, so a broken config or pack cannot hide it.
    version = yaml.safe_load(shipped().read())["bundle"]["version"]
    assert cli("-V", env=env, code=0).stdout.endswith(f"(data {version})\n")


def _run_entry(monkeypatch: pytest.MonkeyPatch, *args: str) -> int:
    monkeypatch.setattr(sys, "argv", ["heroinfacts", *args])
    with pytest.raises(SystemExit) as exc:
        guard.main(app)
    code = exc.value.code
    assert isinstance(code, int)
    return code


def _explode(*args: object, **kwargs: object) -> None:
    raise RuntimeError("something broke\nwith a second line")


def test_exit_70_for_an_internal_error(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setattr("heroinfacts.views.topics", _explode)
    assert _run_entry(monkeypatch, "topics") == 70
    err = capsys.readouterr().err
    assert err.count("\n") == 1, "one line"
    assert "Traceback" not in err
    assert err.startswith("heroinfacts: internal error (RuntimeError: something broke).")
    assert "report it" in err and "HEROINFACTS_DEBUG=1" in err


def test_debug_shows_the_traceback(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("heroinfacts.views.topics", _explode)
    monkeypatch.setenv("HEROINFACTS_DEBUG", "1")
    monkeypatch.setattr(sys, "argv", ["heroinfacts", "topics"])
    with pytest.raises(RuntimeError, match="something broke"):
        guard.main(app)


def test_entry_exit_codes_pass_through(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    assert _run_entry(monkeypatch, "show", "heroin", "--json") == 0
    assert _run_entry(monkeypatch, "show", "no-such-topic") == 1
    assert _run_entry(monkeypatch, "show", "--bogus") == 2
    capsys.readouterr()


def test_ctrl_c_exits_130(monkeypatch: pytest.MonkeyPatch) -> None:
    def interrupt(*args: object) -> None:
        raise KeyboardInterrupt

    monkeypatch.setattr("heroinfacts.views.topics", interrupt)
    assert _run_entry(monkeypatch, "topics") == 130


# --- messages -----------------------------------------------------------------------------------


def test_did_you_mean(cli: Invoke) -> None:
    run = cli("show", "heroinn", code=1)
    assert run.stdout == ""
    lines = run.stderr.splitlines()
    assert lines[0] == "heroinfacts: no topic called 'heroinn'."
    assert lines[-1].startswith("Did you mean: heroin")  # the best guess last
    assert len(lines) <= 4
    # suggestions are ids, which can always be typed back (never a misspelt alias)
    assert cli("symptoms", "depresion", code=1).stderr.splitlines()[-1] == (
        "Did you mean: signs-of-depression?"
    )
    assert "gaba" in cli("define", "gabba", code=1).stderr.splitlines()[-1]
    assert "nida-2018-heroin" in cli("refs", "nida-2018-heroine", code=1).stderr.splitlines()[-1]
    assert "Did you mean 'show'?" in cli("shw", "heroin", code=2).stderr.splitlines()[-1]


def test_a_common_misspelling_just_works(cli: Invoke) -> None:
    """ "herion" is an alias of heroin: no suggestion needed, the page is shown."""
    assert cli("show", "herion", code=0).stdout == cli("show", "heroin").stdout


def test_mix_unknown_drug_says_no_data_is_not_safe(cli: Invoke) -> None:
    err = cli("mix", "heroin", "xanx", code=1).stderr
    assert "not the same as safe" in err
    assert err.splitlines()[-1] == "Did you mean: xanax?"
    assert err.splitlines()[-1].startswith("Did you mean: ")


def test_user_text_is_never_markup(cli: Invoke) -> None:
    """``show "[bold]x"`` prints ``[bold]x`` in the message, whatever the mode."""
    for env in ({}, {"FORCE_COLOR": "1"}):
        run = cli("show", "[bold]x", env=env, code=1)
        assert "no topic called '[bold]x'" in run.stderr
        assert "\x1b[" not in run.stderr
    assert "'[red]x'" in cli("mix", "heroin", "[red]x", code=1).stderr
    assert "[/]" in cli("search", "gaba", "--kind", "[/]", code=2).stderr


def test_escape_sequences_in_input_are_made_visible(cli: Invoke) -> None:
    err = cli("show", "\x1b[31mred\x07", code=1).stderr
    assert "\x1b" not in err and "\x07" not in err
    assert "\\x1b[31mred\\x07" in err


def test_data_text_is_never_markup(cli: Invoke, tmp_path: Path) -> None:
    pack = tmp_path / "markup.yaml"
    pack.write_text(MARKUP_PACK, encoding="utf-8")
    assert cli("validate", str(pack)).code == 0
    rich = cli("show", "markup-test", "--pack", str(pack), "-w", "100", env={"FORCE_COLOR": "1"})
    assert rich.code == 0, rich.describe()
    text = ANSI.sub("", rich.stdout)
    for literal in ("[bold red]Danger[/]", "[italic]markup[/italic]", "[u]markup[/u]"):
        assert literal in text
    assert "[link=https://example.org]Click[/link]" in text
    assert "\\x1b[31mred\\x1b[0m" in text  # an escape in the data is shown, not obeyed
    assert "\x1b[31m" not in rich.stdout
    plain = cli("show", "[blink]x", "--pack", str(pack), code=0).stdout
    assert plain.startswith("[bold red]Danger[/]\n")


# --- colour, layout and width -------------------------------------------------------------------


def test_force_color_gives_colour_and_layout(cli: Invoke) -> None:
    run = cli("mix", "heroin", "xanax", env={"FORCE_COLOR": "1"}, code=0)
    assert "\x1b[" in run.stdout and BOX.search(run.stdout)


@pytest.mark.parametrize(
    ("env", "args"),
    [
        ({"NO_COLOR": "1"}, []),
        ({"NO_COLOR": ""}, []),  # set at all means no colour (no-color.org)
        ({}, ["--no-color"]),
        ({}, ["-C"]),
    ],
)
def test_colour_off_keeps_the_layout(cli: Invoke, env: dict[str, str], args: list[str]) -> None:
    run = cli("mix", "heroin", "xanax", *args, env={"FORCE_COLOR": "1", **env}, code=0)
    assert "\x1b[" not in run.stdout
    assert BOX.search(run.stdout), "still the rich layout"


def test_force_color_zero_is_not_forcing(cli: Invoke) -> None:
    no_ansi_no_boxes(cli("mix", "heroin", "xanax", env={"FORCE_COLOR": "0"}).stdout)


def _mode(monkeypatch: pytest.MonkeyPatch, tty: bool, **kwargs: bool | int | None) -> output.Mode:
    monkeypatch.setattr(sys.stdout, "isatty", lambda: tty)
    return output.decide(**kwargs)  # type: ignore[arg-type]


def test_decide_on_a_terminal(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TERM", "xterm")
    mode = _mode(monkeypatch, True)
    assert mode.rich and mode.color_system == "standard"
    assert not _mode(monkeypatch, True, plain=True).rich
    assert _mode(monkeypatch, True, no_color=True).color_system is None
    monkeypatch.setenv("TERM", "dumb")
    dumb = _mode(monkeypatch, True)
    assert dumb.rich and dumb.color_system is None
    monkeypatch.setenv("FORCE_COLOR", "1")
    assert _mode(monkeypatch, True).color_system is not None  # FORCE_COLOR wins over dumb
    monkeypatch.setenv("NO_COLOR", "1")
    assert _mode(monkeypatch, True).color_system is None  # and NO_COLOR over FORCE_COLOR


def test_decide_width(monkeypatch: pytest.MonkeyPatch) -> None:
    assert _mode(monkeypatch, False).width == 80
    monkeypatch.setenv("COLUMNS", "52")
    assert _mode(monkeypatch, False).width == 52
    assert _mode(monkeypatch, False, width=44).width == 44  # --width beats COLUMNS
    monkeypatch.setenv("COLUMNS", "junk")
    assert _mode(monkeypatch, False).width == 80
    monkeypatch.delenv("COLUMNS")
    monkeypatch.setattr("shutil.get_terminal_size", lambda fallback: os.terminal_size((61, 20)))
    assert _mode(monkeypatch, True).width == 61


def test_columns_sets_the_width(cli: Invoke) -> None:
    run = cli("show", "heroin", env={"COLUMNS": "40"}, code=0)
    assert max(len(line) for line in run.stdout.splitlines() if "https://" not in line) <= 40
    assert run.stdout == cli("show", "heroin", "--width", "40").stdout
    wide = cli("show", "heroin", "--width", "120", env={"COLUMNS": "40"}).stdout
    assert max(len(line) for line in wide.splitlines()) > 40


def test_options_before_the_command(cli: Invoke) -> None:
    assert cli("--plain", "-w", "40", "show", "heroin").stdout == (
        cli("show", "heroin", "--plain", "-w", "40").stdout
    )
    forced = {"FORCE_COLOR": "1"}
    assert "\x1b[" not in cli("--no-color", "show", "heroin", env=forced).stdout
    welcome = cli("--plain", "--width", "40", env=forced, code=0).stdout
    no_ansi_no_boxes(welcome)
    assert max(len(line) for line in welcome.splitlines()) <= 40


def test_notices_go_to_stderr_and_quiet_hides_them(cli: Invoke) -> None:
    run = cli("mix", "xanax", "ambien", "--json", code=1)
    run.json()
    assert "not the same as safe" in run.stderr
    assert cli("mix", "xanax", "ambien", "--json", "-q", code=1).stderr == ""


# --- help, examples, completion -----------------------------------------------------------------


def _commands() -> list[tuple[str, typer.core.TyperCommand]]:
    group = typer.main.get_command(app)
    ctx = group.make_context("heroinfacts", [], resilient_parsing=True)
    names = group.list_commands(ctx)  # type: ignore[attr-defined]
    return [("", group), *((n, group.get_command(ctx, n)) for n in names)]  # type: ignore[attr-defined]


def test_every_command_and_option_has_help_and_an_example() -> None:
    commands = _commands()
    assert {n for n, _ in commands} >= {
        "",
        "topics",
        "show",
        "symptoms",
        "define",
        "refs",
        "mix",
        "help-now",
        "validate",
        "about",
        "search",
        "ask",
    }
    for name, command in commands:
        label = name or "heroinfacts"
        assert (command.help or "").strip(), f"{label} has no help"
        assert (command.short_help or command.help or "").strip()
        text = (command.help or "") + (command.epilog or "")
        assert "Example" in text, f"{label}: no example in its help or epilog"
        for param in command.params:
            help_text = getattr(param, "help", None)
            assert help_text and help_text.strip(), f"{label} {param.name}: no help"


@pytest.mark.parametrize(
    "name", ["", "topics", "show", "refs", "mix", "validate", "search", "ask", "help-now"]
)
def test_help_output(cli: Invoke, name: str) -> None:
    args = [name, "--help"] if name else ["--help"]
    run = cli(*args, env={"COLUMNS": "40"}, code=0)
    assert run.stdout.startswith("Usage: heroinfacts")
    assert "Example" in run.stdout
    no_ansi_no_boxes(run.stdout)
    assert cli(*args[:-1], "-h").stdout == cli(*args).stdout


def test_completion_options_exist() -> None:
    root = typer.main.get_command(app)
    options = {opt for p in root.params for opt in getattr(p, "opts", [])}
    assert {"--install-completion", "--show-completion"} <= options


def test_completion_lists_subcommands(cli: Invoke) -> None:
    env = {
        "_HEROINFACTS_COMPLETE": "complete_bash",
        "COMP_WORDS": "heroinfacts sh",
        "COMP_CWORD": "1",
    }
    assert cli(env=env).stdout.split() == ["show"]
    env["COMP_WORDS"] = "heroinfacts "
    words = cli(env=env).stdout.split()
    assert {"topics", "show", "symptoms", "mix", "help-now", "ask", "search"} <= set(words)


@pytest.mark.parametrize("env", [{}, {"FORCE_COLOR": "1"}], ids=["plain", "rich"])
def test_an_ascii_terminal_gets_ascii(env: dict[str, str]) -> None:
    """LANG=C or PYTHONIOENCODING=ascii: ASCII stand-ins, never a UnicodeEncodeError or ``?``."""
    from typer.testing import CliRunner

    runner = CliRunner(charset="ascii")
    for args in (["help-now"], ["symptoms", "depression"], ["mix", "heroin", "xanax"]):
        result = runner.invoke(app, [*args, "--no-color"], env=env, prog_name="heroinfacts")
        assert result.exit_code == 0, result.output
        out = result.stdout_bytes.decode("ascii")  # fails on anything else
        assert "?" not in out.replace("?)", "").replace("? ", ""), out
    assert "1-800-662-HELP (4357)  -  TTY" in runner.invoke(app, ["help-now"]).stdout
