"""The coach command as a user runs it: output, exact errors, exit codes."""

import json
import subprocess
import sys

import pytest
from typer.main import get_command

from coach.cli import app

COACH = [sys.executable, "-c", "from coach.cli import main; main()"]


def run(*args, **kw):
    return subprocess.run([*COACH, *args], capture_output=True, text=True, timeout=60, **kw)


def test_every_command_has_help():
    group = get_command(app)
    for name, command in group.commands.items():
        assert command.help, name
        result = run(name, "--help")
        assert result.returncode == 0 and "Usage" in result.stdout


def test_list_shows_routines_and_levels():
    out = run("list").stdout
    assert "back" in out and "beginner" in out and "full" in out


def test_show_beginner_is_a_table_with_total():
    result = run("show", "beginner")
    assert result.returncode == 0, result.stderr
    assert "Knees to chest" in result.stdout and "Total" in result.stdout


def test_compile_json_contract(seed_path):
    result = run("compile", str(seed_path), "--level", "full", "--json")
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout)
    assert set(data) == {"title", "level", "duration_s", "exercises", "left_out", "script", "warnings", "skipped"}
    assert data["level"] == "full" and len(data["exercises"]) == 12
    twisting = data["exercises"][1]
    assert set(twisting) == {"name", "position", "reps", "duration_s", "holds", "warnings", "changes"}
    assert twisting["holds"] == [{"seconds": 15, "side": "left"}, {"seconds": 15, "side": "right"}]
    assert twisting["position"] == "back"
    cue = data["script"][0]
    assert set(cue) == {"t", "kind", "text", "exercise", "rep", "side", "phase"}
    assert (cue["kind"], cue["exercise"], cue["phase"]) == ("say", None, "intro")
    assert data["duration_s"] > sum(e["duration_s"] for e in data["exercises"])


def test_level_names_alone_mean_the_builtin():
    a = json.loads(run("compile", "beginner", "--json").stdout)
    b = json.loads(run("compile", "back", "--level", "beginner", "--json").stdout)
    assert a == b and a["level"] == "beginner"


@pytest.mark.parametrize("content,message", [
    (b"", "{f}: the routine is empty; write at least one exercise with its steps"),
    (b"Some words.\n", "{f}:1: no exercises found; give each exercise a title line (or a '## ' heading) followed by its steps"),
    (b"## A\n\nok\n\x00\x01binary", "{f}:4: this is a binary file, not routine text"),
    (b"## A\n\xff\xfe\n", "{f}:2: this is not UTF-8 text; save the routine as UTF-8"),
    (b"x" * 1_100_000, "{f}: file is too large for a routine (1.1 MB; the limit is 256 kB)"),
])
def test_bad_files_get_one_line_and_exit_2(tmp_path, content, message):
    path = tmp_path / "r.txt"
    path.write_bytes(content)
    result = run("show", str(path))
    assert result.returncode == 2
    assert result.stderr == message.format(f=path) + "\n"
    assert result.stdout == ""


def test_missing_file(tmp_path):
    result = run("compile", str(tmp_path / "nope.md"), "--json")
    assert result.returncode == 2
    assert result.stderr == f"{tmp_path / 'nope.md'}: no such file or built-in routine (built-ins: back, beginner, full)\n"


def test_unknown_level():
    result = run("show", "back", "--level", "expert")
    assert result.returncode == 2
    assert result.stderr == '--level must be "beginner" or "full", not expert\n'


def test_show_measures_with_the_real_voice_and_reports_dropped_counts(tmp_path):
    env = {**__import__("os").environ, "XDG_CACHE_HOME": str(tmp_path)}
    normal = run("show", "beginner", env=env)
    assert normal.returncode == 0 and "Times measured with the espeak-ng voice." in normal.stdout
    assert "note:" not in normal.stdout  # at the default rate every count fits its second
    slow = run("show", "beginner", "--rate", "80", env=env)
    assert slow.returncode == 0
    assert "note: the count 'seven' is too long for its second at this rate; it is left out" in slow.stdout


def with_config(tmp_path, text):
    folder = tmp_path / "config" / "coach"
    folder.mkdir(parents=True)
    (folder / "config.toml").write_text(text)
    return {"XDG_CONFIG_HOME": str(tmp_path / "config")}


def test_config_file_sets_defaults_and_the_command_line_wins(tmp_path):
    env = {**__import__("os").environ, **with_config(tmp_path, 'level = "full"\ncount_style = "up"\n')}
    assert json.loads(run("compile", "back", "--json", env=env).stdout)["level"] == "full"
    assert json.loads(run("compile", "back", "--level", "beginner", "--json", env=env).stdout)["level"] == "beginner"
    # 'beginner' names its own level: the config file does not argue with it.
    assert json.loads(run("compile", "beginner", "--json", env=env).stdout)["level"] == "beginner"
    shown = run("config", env=env).stdout
    config = tmp_path / "config" / "coach" / "config.toml"
    assert f"  level        = full                 (config file {config})" in shown
    assert "  engine       = espeak               (default)" in shown


def test_malformed_config_is_one_line_with_file_line_and_key(tmp_path):
    env = {**__import__("os").environ, **with_config(tmp_path, 'level = "full"\nrate = "fast"\n')}
    result = run("show", "back", env=env)
    config = tmp_path / "config" / "coach" / "config.toml"
    assert result.returncode == 2
    assert result.stderr == f'{config}:2: rate must be a whole number of words per minute, not "fast"\n'


def test_voices_lists_both_engines_and_marks_the_default(tmp_path):
    env = {**__import__("os").environ, "XDG_CONFIG_HOME": str(tmp_path)}
    out = run("voices", env=env).stdout
    assert " * en-us " in out and "piper (natural voice):" in out
    assert all(line.startswith(("   en", " * en", "espeak", "piper", "*", "   not available"))
               for line in out.splitlines() if line.strip())
