import os
import subprocess
import sys

import pytest


def cli(*args, cwd=None):
    """Run the fitcircle binary (FITCIRCLE_BIN, set by tests/python.rs),
    else the CLI compiled into the package."""
    exe = os.environ.get("FITCIRCLE_BIN")
    cmd = [exe, *args] if exe else [sys.executable, "-m", "fitcircle", *args]
    return subprocess.run(cmd, cwd=cwd, capture_output=True, text=True)


@pytest.fixture
def run_cli():
    return cli
