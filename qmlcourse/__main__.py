"""Command line: ``python -m qmlcourse progress lessons/``."""
from __future__ import annotations

import argparse
import os
import sys


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m qmlcourse", description="qmlcourse: course tools")
    sub = ap.add_subparsers(dest="command", required=True)
    p = sub.add_parser("progress", help="run notebooks headless and report which exercises pass")
    p.add_argument("paths", nargs="+", help="notebooks or folders of notebooks (e.g. lessons/)")
    p.add_argument("--timeout", type=int, default=300, help="seconds allowed per cell (default 300)")
    p.add_argument("--wall", type=float, default=900, help="seconds allowed per notebook (default 900)")
    p.add_argument("--memory", type=int, default=6144, help="address-space limit of a kernel, MiB (default 6144)")
    p.add_argument("--cpu", type=int, default=900, help="CPU seconds allowed per kernel (default 900)")
    p.add_argument("--network", action="store_true",
                   help="let learner code use the network (by default it has none where Linux allows)")
    args = ap.parse_args(argv)
    os.environ.setdefault("JUPYTER_PLATFORM_DIRS", "1")
    from qmlcourse.progress import Limits, progress
    limits = Limits(wall=args.wall, cell=args.timeout, cpu=args.cpu, memory=args.memory * 2**20,
                    network=args.network)
    try:
        progress(args.paths, limits=limits)
    except ValueError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())
