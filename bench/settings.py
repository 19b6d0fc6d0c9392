"""The platform's settings, with one more page for the benchmarks' baseline (bench/urls.py).

Only the web server of a benchmark run uses it; workers run the platform's own settings.
"""

from mobility.settings import *  # noqa: F403

ROOT_URLCONF = "bench.urls"
