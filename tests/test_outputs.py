"""Outputs that never destroy anything (issue 9): only regular files are
written, nothing is replaced without --force, the audio file and its .vtt are
replaced together or not at all, temporary files never outlive a run, and
files honour the umask. Each fault was first reproduced against the old
exporter (it replaced /dev/null and FIFOs, wrote WAV data as foo.vtt, lost
the old WAV when the .vtt failed, left a 113 MB temp file after SIGTERM and
wrote mode 0600)."""

from __future__ import annotations

import errno
import os
import signal
import stat
import subprocess
import sys
import time
from pathlib import Path

import pytest

from coach.files import TargetError, check_target, remove_stale_temps, staged, temp_path, write_atomic

COACH = [sys.executable, "-c", "from coach.cli import main; main()"]


@pytest.fixture(scope="module")
def home(tmp_path_factory):
    """XDG folders whose phrase cache holds the beginner and full sessions."""
    folder = tmp_path_factory.mktemp("home")
    env = {**os.environ, "XDG_CACHE_HOME": str(folder / "cache"), "XDG_CONFIG_HOME": str(folder / "config"),
           "XDG_STATE_HOME": str(folder / "state"), "XDG_DATA_HOME": str(folder / "data")}
    for level in ("beginner", "full"):
        done = subprocess.run([*COACH, "export", level, "-o", str(folder / f"{level}.wav")],
                              env=env, capture_output=True, text=True, timeout=600)
        assert done.returncode == 0, done.stderr
    return folder, env


def coach(env, *args, **kw):
    return subprocess.run([*COACH, *args], env=env, capture_output=True, text=True, timeout=300, **kw)


def one_line(result) -> str:
    assert "Traceback" not in result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    return lines[0]


def names(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir())


# ------------------------------------------------------- what may be written


def test_a_device_node_is_refused_and_kept(home, tmp_path):
    _, env = home
    if os.geteuid() == 0:
        device = tmp_path / "null"
        os.mknod(device, 0o666 | stat.S_IFCHR, os.makedev(1, 3))  # /dev/null's numbers
    else:
        device = Path("/dev/null")  # only root could replace it: the refusal still shows
    result = coach(env, "export", "beginner", "-o", str(device), "--force")
    assert result.returncode == 1
    assert one_line(result) == f"{device} is a device, not a regular file; choose a file name."
    assert stat.S_ISCHR(os.stat(device).st_mode)
    assert not Path(f"{device}.vtt").exists() and not device.with_suffix(".vtt").exists()


def test_a_device_named_like_a_wav_is_refused(home, tmp_path):
    if os.geteuid() != 0:
        pytest.skip("making a device node needs root")  # the test above covers /dev/null
    _, env = home
    device = tmp_path / "s.wav"
    os.mknod(device, 0o666 | stat.S_IFCHR, os.makedev(1, 3))
    result = coach(env, "export", "beginner", "-o", str(device), "--force")
    assert result.returncode == 1
    assert one_line(result) == f"{device} is a device, not a regular file; choose a file name."
    assert stat.S_ISCHR(os.stat(device).st_mode) and names(tmp_path) == ["s.wav"]


def test_a_fifo_is_refused_and_kept(home, tmp_path):
    _, env = home
    fifo = tmp_path / "s.wav"
    os.mkfifo(fifo)
    result = coach(env, "export", "beginner", "-o", str(fifo), "--force")
    assert result.returncode == 1
    assert one_line(result) == f"{fifo} is a named pipe, not a regular file; choose a file name."
    assert stat.S_ISFIFO(os.stat(fifo).st_mode) and names(tmp_path) == ["s.wav"]


def test_a_fifo_where_the_vtt_goes_is_refused(home, tmp_path):
    _, env = home
    os.mkfifo(tmp_path / "s.vtt")
    result = coach(env, "export", "beginner", "-o", str(tmp_path / "s.wav"), "--force")
    assert result.returncode == 1
    assert one_line(result) == f"{tmp_path / 's.vtt'} is a named pipe, not a regular file; choose a file name."
    assert names(tmp_path) == ["s.vtt"]


def test_a_folder_is_refused(home, tmp_path):
    _, env = home
    (tmp_path / "s.wav").mkdir()
    result = coach(env, "export", "beginner", "-o", str(tmp_path / "s.wav"), "--force")
    assert result.returncode == 1
    assert one_line(result) == f"{tmp_path / 's.wav'} is a folder, not a regular file; choose a file name."


@pytest.mark.parametrize("name", ["foo.vtt", "foo.txt", "foo"])
def test_an_extension_that_is_not_audio_is_refused(home, tmp_path, name):
    _, env = home
    (tmp_path / "foo.vtt").write_text("WEBVTT\n\nmine\n")
    result = coach(env, "export", "beginner", "-o", str(tmp_path / name))
    assert result.returncode == 2
    assert one_line(result) == (f"Cannot write {tmp_path / name}: coach writes audio as .mp3, .m4b, .m4a, .opus, .ogg,"
                                " .flac, .wav; give -o a name ending in one of these.")
    assert names(tmp_path) == ["foo.vtt"] and (tmp_path / "foo.vtt").read_text() == "WEBVTT\n\nmine\n"


# ------------------------------------------------------------ replacing


def test_an_existing_file_is_kept_without_force_and_replaced_with_it(home, tmp_path):
    folder, env = home
    (tmp_path / "s.wav").write_bytes(b"old audio")
    (tmp_path / "s.vtt").write_bytes(b"old text")
    result = coach(env, "export", "beginner", "-o", str(tmp_path / "s.wav"))
    assert result.returncode == 1
    assert one_line(result) == f"{tmp_path / 's.wav'} already exists; add --force to replace it."
    assert (tmp_path / "s.wav").read_bytes() == b"old audio" and (tmp_path / "s.vtt").read_bytes() == b"old text"

    (tmp_path / "s.wav").unlink()  # a lone .vtt is somebody's file too
    result = coach(env, "export", "beginner", "-o", str(tmp_path / "s.wav"))
    assert one_line(result) == f"{tmp_path / 's.vtt'} already exists; add --force to replace it."
    assert names(tmp_path) == ["s.vtt"]

    result = coach(env, "export", "beginner", "-o", str(tmp_path / "s.wav"), "--force")
    assert result.returncode == 0, result.stderr
    assert (tmp_path / "s.wav").read_bytes() == (folder / "beginner.wav").read_bytes()
    assert (tmp_path / "s.vtt").read_bytes() == (folder / "beginner.vtt").read_bytes()
    assert names(tmp_path) == ["s.vtt", "s.wav"]


def test_the_default_name_is_not_overwritten_either(home, tmp_path):
    _, env = home
    (tmp_path / "beginner.wav").write_bytes(b"mine")
    result = coach(env, "export", "beginner", cwd=tmp_path)
    assert one_line(result) == "beginner.wav already exists; add --force to replace it."
    assert (tmp_path / "beginner.wav").read_bytes() == b"mine"


def test_a_full_disk_at_the_vtt_step_keeps_the_old_pair(home, tmp_path):
    """A tmpfs with room for the old pair and the new audio file, but not
    for the new .vtt: the export fails at its last write."""
    if os.geteuid() != 0:
        pytest.skip("mounting a small tmpfs needs root")
    folder, env = home
    old_wav, old_vtt = (folder / "beginner.wav").read_bytes(), b"WEBVTT\n\nold\n"
    new_vtt = (folder / "beginner.vtt").stat().st_size
    pages = lambda n: -(-n // 4096)  # noqa: E731  tmpfs counts whole pages
    size = 4096 * (2 * pages(len(old_wav)) + pages(len(old_vtt)) + pages(new_vtt) - 1)
    disk = tmp_path / "disk"
    disk.mkdir()
    subprocess.run(["mount", "-t", "tmpfs", "-o", f"size={size}", "tmpfs", str(disk)], check=True)
    try:
        (disk / "s.wav").write_bytes(old_wav[:-1] + b"\1")  # "old" audio of the same size
        (disk / "s.vtt").write_bytes(old_vtt)
        result = coach(env, "export", "beginner", "-o", str(disk / "s.wav"), "--force")
        assert result.returncode == 1
        assert one_line(result) == f"Cannot write {disk / 's.vtt'}: the disk is full; free some space and try again."
        assert names(disk) == ["s.vtt", "s.wav"]
        assert (disk / "s.wav").read_bytes() == old_wav[:-1] + b"\1"
        assert (disk / "s.vtt").read_bytes() == old_vtt
    finally:
        subprocess.run(["umount", str(disk)], check=True)


# ------------------------------------------------- signals and temp files


def start_export(env, out: Path):
    """A warm export of the full session, stopped once its audio is being
    written (its temporary file has grown past 1 MB)."""
    proc = subprocess.Popen([*COACH, "export", "full", "-o", str(out), "--force"], env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        temps = [p for p in out.parent.glob(f".{out.name}.*.tmp") if p.stat().st_size > 1_000_000]
        if temps:
            return proc
        assert proc.poll() is None, proc.communicate()
        time.sleep(0.005)
    proc.kill()
    raise AssertionError("the export never started writing")


@pytest.mark.parametrize("signum", [signal.SIGTERM, signal.SIGHUP, signal.SIGINT])
def test_a_signal_mid_write_keeps_the_old_pair_and_leaves_no_temp_file(home, tmp_path, signum):
    _, env = home
    (tmp_path / "s.wav").write_bytes(b"old audio")
    (tmp_path / "s.vtt").write_bytes(b"old text")
    proc = start_export(env, tmp_path / "s.wav")
    proc.send_signal(signum)
    _, err = proc.communicate(timeout=30)
    assert proc.returncode == (130 if signum == signal.SIGINT else 128 + signum)
    assert len(err.splitlines()) == 1 and "no file was left half-written" in err, err
    assert names(tmp_path) == ["s.vtt", "s.wav"]
    assert (tmp_path / "s.wav").read_bytes() == b"old audio" and (tmp_path / "s.vtt").read_bytes() == b"old text"


def test_the_temp_file_of_a_killed_run_is_removed_by_the_next(home, tmp_path):
    _, env = home
    proc = start_export(env, tmp_path / "s.wav")
    proc.kill()  # SIGKILL: nothing can clean up
    proc.communicate(timeout=30)
    (stale,) = tmp_path.glob(".s.wav.*.tmp")
    assert stale.stat().st_size > 1_000_000
    result = coach(env, "export", "beginner", "-o", str(tmp_path / "s.wav"))
    assert result.returncode == 0, result.stderr
    assert names(tmp_path) == ["s.vtt", "s.wav"]


# ------------------------------------------------------------------ modes


@pytest.mark.parametrize("umask, mode", [(0o022, 0o644), (0o027, 0o640)])
def test_files_honour_the_umask(home, tmp_path, umask, mode):
    _, env = home
    env = {**env, "XDG_CACHE_HOME": str(tmp_path / "cache")}  # cold: the cache is written too
    result = coach(env, "export", "beginner", "-o", str(tmp_path / "s.wav"), umask=umask)
    assert result.returncode == 0, result.stderr
    cached = [p for p in (tmp_path / "cache").rglob("*") if p.is_file()]
    assert len(cached) > 10
    for path in [tmp_path / "s.wav", tmp_path / "s.vtt", *cached]:
        assert stat.S_IMODE(path.stat().st_mode) == mode, path


# ------------------------------------------------------- the staging itself


def test_staged_files_are_renamed_together_or_not_at_all(tmp_path):
    a, b = tmp_path / "a.wav", tmp_path / "a.vtt"
    a.write_text("old a")
    b.write_text("old b")
    with pytest.raises(OSError):
        with staged([a, b], replace=True) as (ta, tb):
            ta.write_text("new a")
            raise OSError(errno.ENOSPC, "No space left on device")
    assert (a.read_text(), b.read_text()) == ("old a", "old b") and names(tmp_path) == ["a.vtt", "a.wav"]
    with staged([a, b], replace=True) as (ta, tb):
        ta.write_text("new a")
        tb.write_text("new b")
    assert (a.read_text(), b.read_text()) == ("new a", "new b") and names(tmp_path) == ["a.vtt", "a.wav"]


def test_staged_checks_again_before_replacing(tmp_path):
    """A file that appears while the session renders is not overwritten."""
    a = tmp_path / "a.wav"
    with pytest.raises(TargetError, match="already exists"):
        with staged([a]) as (temp,):
            temp.write_text("new")
            a.write_text("appeared meanwhile")
    assert a.read_text() == "appeared meanwhile" and names(tmp_path) == ["a.wav"]


def test_check_target(tmp_path):
    check_target(tmp_path / "new.wav", replace=False)
    (tmp_path / "old.wav").write_text("x")
    check_target(tmp_path / "old.wav", replace=True)
    with pytest.raises(TargetError, match="already exists"):
        check_target(tmp_path / "old.wav", replace=False)
    (tmp_path / "link.wav").symlink_to("/dev/null")
    with pytest.raises(TargetError, match="is a device"):
        check_target(tmp_path / "link.wav", replace=True)


def test_only_the_temp_files_of_dead_processes_are_removed(tmp_path):
    target = tmp_path / "s.wav"
    mine = temp_path(target)  # this process is alive
    dead = subprocess.Popen(["true"])
    dead.wait()
    stale = tmp_path / f".s.wav.{dead.pid}-0123abcd.tmp"
    stale.write_text("left by a killed run")
    other = tmp_path / f".t.wav.{dead.pid}-0123abcd.tmp"  # another target's
    other.write_text("x")
    assert remove_stale_temps(target) == [stale]
    assert names(tmp_path) == sorted([mine.name, other.name])


def test_write_atomic_removes_what_killed_runs_left_in_its_folder(tmp_path):
    dead = subprocess.Popen(["true"])
    dead.wait()
    (tmp_path / f".ab12.wav.{dead.pid}-0123abcd.tmp").write_text("a cache entry a killed run left")
    (tmp_path / f".cd34.wav.{os.getpid()}-0123abcd.tmp").write_text("being written by a live process")
    (tmp_path / "kept.tmp").write_text("not ours")
    write_atomic(tmp_path / "ef56.wav", b"x")
    assert names(tmp_path) == sorted([f".cd34.wav.{os.getpid()}-0123abcd.tmp", "ef56.wav", "kept.tmp"])


def test_write_atomic_honours_the_umask(tmp_path):
    old = os.umask(0o022)
    try:
        write_atomic(tmp_path / "a.json", b"{}")
    finally:
        os.umask(old)
    assert stat.S_IMODE((tmp_path / "a.json").stat().st_mode) == 0o644
    assert names(tmp_path) == ["a.json"]


@pytest.mark.parametrize("writer", ["staged", "write_atomic"])
def test_a_signal_just_as_a_temporary_file_is_made_leaves_nothing(tmp_path, monkeypatch, request,
                                                                   writer):
    """Ctrl-C arriving right after the temporary file exists, before it is
    recorded for clean-up, must still leave no temporary file."""
    import os
    import signal

    from coach import files

    made = files.create_temp

    def made_then_interrupted(temp):
        made(temp)
        os.kill(os.getpid(), signal.SIGINT)  # Python runs the handler at its next check

    monkeypatch.setattr(files, "create_temp", made_then_interrupted)
    # Python's own Ctrl-C handler, whatever an earlier in-process CLI call set.
    previous = signal.signal(signal.SIGINT, signal.default_int_handler)
    request.addfinalizer(lambda: signal.signal(signal.SIGINT, previous))
    target = tmp_path / "s.wav"
    with pytest.raises(KeyboardInterrupt):
        if writer == "staged":
            with files.staged([target, tmp_path / "s.vtt"]) as temps:
                for temp in temps:
                    temp.write_bytes(b"x")
        else:
            files.write_atomic(target, b"x")
    assert list(tmp_path.iterdir()) == []
