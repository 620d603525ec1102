"""Keep ALSA from printing its own error lines on stderr: coach reports one
sentence, through AudioError."""

from __future__ import annotations

import ctypes
import functools


@functools.cache
def quiet_errors() -> object | None:
    """Install a do-nothing ALSA error handler, once per process. Returns the
    handler (cached, so the C callback is never garbage collected), or None
    without an ALSA library (then nothing would print anyway)."""
    try:
        lib = ctypes.CDLL("libasound.so.2")
        # The real handler is variadic; ignoring the extra arguments is safe.
        handler_type = ctypes.CFUNCTYPE(None, ctypes.c_char_p, ctypes.c_int,
                                        ctypes.c_char_p, ctypes.c_int, ctypes.c_char_p)
        handler = handler_type(lambda *args: None)
        lib.snd_lib_error_set_handler(handler)
        return handler
    except (OSError, AttributeError):
        return None
