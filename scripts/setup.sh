#!/usr/bin/env bash
# Idempotent set-up for a fresh machine: system packages (when missing and we
# are root), a virtual environment in .venv, and an editable install of coach
# with its test and piper extras. Fast when everything is already in place.
set -euo pipefail
cd "$(dirname "$0")/.."

# 1. System packages: the espeak-ng voice, ALSA headers (simpleaudio builds
#    from source), a PulseAudio server for playback tests, sox for inspection,
#    ffmpeg (MP3/M4B/Opus/FLAC export, and ffprobe to read them back).
apt_packages=(espeak-ng libespeak-ng1 libasound2-dev pulseaudio pulseaudio-utils libasound2-plugins sox dbus playerctl ffmpeg)
missing=()
for pkg in "${apt_packages[@]}"; do
    dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || missing+=("$pkg")
done
if [ ${#missing[@]} -gt 0 ]; then
    if [ "$(id -u)" -eq 0 ]; then
        echo "setup: installing ${missing[*]}" >&2
        apt-get update -qq
        DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
    else
        echo "setup: please install these Debian packages first: sudo apt-get install ${missing[*]}" >&2
        exit 1
    fi
fi

# 2. Virtual environment and editable install (with the test and piper
#    extras); redone only when pyproject.toml or this script
#    changes (the stamp holds its hash).
python=${PYTHON:-python3}
[ -x .venv/bin/python ] || "$python" -m venv .venv
stamp=.venv/.setup-stamp
want=$(cat pyproject.toml scripts/setup.sh | sha256sum | cut -d" " -f1)
if [ "$(cat "$stamp" 2>/dev/null)" != "$want" ]; then
    echo "setup: installing coach into .venv" >&2
    .venv/bin/python -m pip install -q --upgrade pip >/dev/null
    .venv/bin/python -m pip install -q -e ".[test,piper,voice]" >&2
    echo "$want" > "$stamp"
fi

# 3. Byte-compile coach (quick when up to date): an editable install is not
#    compiled, and with PYTHONDONTWRITEBYTECODE set Python never caches it,
#    so every command compiled its modules again (~40 ms of each start).
.venv/bin/python -m compileall -q coach >/dev/null
