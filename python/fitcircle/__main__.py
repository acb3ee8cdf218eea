"""``python -m fitcircle`` and the wheel's ``fitcircle`` script: the
command line, run in this process."""

import sys

from . import _fitcircle


def main() -> None:
    sys.exit(_fitcircle.main(["fitcircle", *sys.argv[1:]]))


if __name__ == "__main__":
    main()
