"""Imported by test workers (``--include``): makes a certificate render last RENDER_PAUSE seconds
longer, so that a test can kill the worker in the middle of it, and writes the rendering
process's id to RENDER_PID_FILE (the worker's other children, such as beat, must be spared).
With RENDER_CRASH set, every certificate render kills its own process, as an out-of-memory kill
or a hard time limit would. With ACK_KEEPS_SLOT set, a failed acknowledgement keeps its prefetch
slot, as kombu does without ``mobility.celery._ack_frees_slot`` (the code before the fix)."""

import os
import time

from certification.pdf import documents

_PAUSE = float(os.environ.get("RENDER_PAUSE", "0") or 0)
_PID_FILE = os.environ.get("RENDER_PID_FILE", "")
_CRASH = bool(os.environ.get("RENDER_CRASH"))

if _PAUSE:
    _render = documents.render_certificate

    def _slow_render(content, credential):
        if _PID_FILE:
            with open(_PID_FILE, "w") as handle:
                handle.write(str(os.getpid()))
        time.sleep(_PAUSE)
        return _render(content, credential)

    documents.render_certificate = _slow_render

if _CRASH:
    import signal

    def _crashing_render(content, credential):
        os.kill(os.getpid(), signal.SIGKILL)

    documents.render_certificate = _crashing_render

if os.environ.get("ACK_KEEPS_SLOT"):
    from kombu.transport import redis as kombu_redis

    kombu_redis.QoS.ack = kombu_redis.QoS.ack.original
    kombu_redis.QoS.reject = kombu_redis.QoS.reject.original
