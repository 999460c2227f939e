"""Root conftest: every test run (unit tests and nbval) uses the fast mode and no progress bars.

The variables are set before nbval starts a kernel, which inherits them.
"""

import os

os.environ["DLBOOK_FAST"] = "1"
os.environ["DLBOOK_PROGRESS"] = "0"
os.environ.setdefault("MPLBACKEND", "Agg")
