"""Run the emulator by hand: ``python -m trello_emulator --port 8765 --boards 4 --cards 3000``.

For trying the tap (or any Trello client) without an account: it generates the seeded
workspace, serves it on loopback, prints one line with the base URL, API key and token
(``--print-config PATH`` also writes a tap config), then serves until Ctrl-C. Seed 1 on
port 8765 is what meltano.yml's ``sandbox`` environment expects.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

from .faults import FaultConfig
from .model import Workspace
from .routes.api import DATE_BOUNDS, TOO_BIG_ANSWERS
from .server import EmulatorServer


def main(argv: list[str] | None = None) -> int:
    """Run the emulator from the command line."""
    p = argparse.ArgumentParser(prog="python -m trello_emulator", description="Trello API emulator")
    p.add_argument("--host", default="127.0.0.1")
    p.add_argument("--port", type=int, default=8765)
    p.add_argument("--seed", type=int, default=1)
    p.add_argument("--boards", type=int, default=4)
    p.add_argument("--cards", type=int, default=3000)
    p.add_argument("--actions", type=int, default=4200)
    p.add_argument("--no-bulk", action="store_true", help="no same-second bulk runs")
    p.add_argument(
        "--org-actions",
        type=int,
        default=40,
        metavar="N",
        help="about N actions in each workspace's own feed (/organizations/{id}/actions)",
    )
    p.add_argument(
        "--org-burst",
        type=int,
        default=0,
        metavar="N",
        help="N more workspace actions in one second of the first workspace's feed "
        "(over 1000: a burst across a page)",
    )
    p.add_argument(
        "--rate-limit", action="store_true", help="answer 429 past 100 req/10 s per token"
    )
    p.add_argument("--retry-after", type=float, default=None, help="send Retry-After on 429s")
    p.add_argument("--latency-ms", type=float, default=0.0)
    p.add_argument("--fault-rate", type=float, default=0.0)
    p.add_argument("--fault-seed", type=int, default=0)
    p.add_argument(
        "--date-bounds",
        choices=DATE_BOUNDS,
        default="ms",
        help="ISO before/since dates bound to the millisecond (ms) or, like ids, to the second",
    )
    p.add_argument(
        "--max-nested-objects",
        type=int,
        default=None,
        metavar="N",
        help="refuse (403) a cards answer nesting more checklists/attachments/custom field "
        "items than N",
    )
    p.add_argument(
        "--too-big-answer",
        choices=TOO_BIG_ANSWERS,
        default="checklists",
        help='the refusal\'s body: "Too many checklists", API_TOO_MANY_CARDS_REQUESTED, '
        "or one then the other",
    )
    p.add_argument(
        "--db-limit-first",
        type=int,
        default=0,
        metavar="N",
        help="answer 429 API_TOKEN_DB_LIMIT_EXCEEDED to the first N asks of each cards or "
        "actions path",
    )
    p.add_argument("--print-config", metavar="PATH", help="write a tap config JSON here")
    p.add_argument("--verbose", action="store_true", help="log every request to stderr")
    args = p.parse_args(argv)

    ws = Workspace.generate(
        seed=args.seed,
        boards=args.boards,
        cards=args.cards,
        actions=args.actions,
        bulk=not args.no_bulk,
        org_actions=args.org_actions,
        org_burst=args.org_burst,
    )
    faults = FaultConfig(rate=args.fault_rate, seed=args.fault_seed) if args.fault_rate else None
    server = EmulatorServer(
        ws,
        host=args.host,
        port=args.port,
        rate_limit=args.rate_limit,
        retry_after=args.retry_after,
        faults=faults,
        latency_s=args.latency_ms / 1000.0,
        quiet=not args.verbose,
        date_bounds=args.date_bounds,
        max_nested_objects=args.max_nested_objects,
        too_big_answer=args.too_big_answer,
        db_limit_first=args.db_limit_first,
    )
    server.start()
    if args.print_config:
        Path(args.print_config).write_text(
            json.dumps({"api_key": ws.api_key, "token": ws.token, "api_url": server.url}, indent=2)
            + "\n",
            encoding="utf-8",
        )
    print(f"Trello emulator at {server.url} api_key={ws.api_key} token={ws.token}", flush=True)
    try:
        while True:
            time.sleep(3600)
    except KeyboardInterrupt:
        pass
    finally:
        server.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
