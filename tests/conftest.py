"""Hypothesis profiles.

``make test`` (and so CI) runs the ``ci`` profile: the properties draw the
same examples on every run (``derandomize``), so a submission is judged on
what was tested, not on a lucky draw.  Explore with fresh random examples
(and keep failures in the local example database) with::

    HYPOTHESIS_PROFILE=explore make test

Every failure ``explore`` finds is fixed and pinned as an ``@example``.
"""

from __future__ import annotations

import os

from hypothesis import settings

settings.register_profile("ci", derandomize=True, database=None, print_blob=True)
settings.register_profile("explore", derandomize=False)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci"))
