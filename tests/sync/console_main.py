"""A console's sync engine in a process of its own, for the test that kills it.

``console_main.py STORE HUB_URL act COUNT NUMBER...``: pull, queue COUNT calls logged round-robin on
the NUMBERs (outcome ``Cuộc gọi số i``), print ``queued``, then sync with a slow network (each action
takes 50 ms) printing ``ack`` per acknowledged action, until killed.
``console_main.py STORE HUB_URL resume``: sync until nothing waits, print ``done``, exit.
The token comes in the environment (``IOC_TEST_TOKEN``), not on the command line.
"""

from __future__ import annotations

import asyncio
import os
import sys
from pathlib import Path

from faults import FaultyTransport
from sync_support import FAST, open_store

from ioc_console.domain.lifecycle import Action
from ioc_console.sync.client import HubClient
from ioc_console.sync.engine import SyncEngine


def say(word: str) -> None:
    print(word, flush=True)


async def main(argv: list[str]) -> int:
    store = open_store(Path(argv[0]))
    mode = argv[2]
    transport = FaultyTransport(latency=0.05 if mode == "act" else 0.0)
    client = HubClient(argv[1], token=os.environ["IOC_TEST_TOKEN"], transport=transport, trust_env=False)
    engine = SyncEngine(client, store, settings=FAST)
    try:
        if mode == "act":
            count, numbers = int(argv[3]), argv[4:]
            await engine.pull()
            for i in range(count):
                await engine.act(numbers[i % len(numbers)], Action.LOG_CALL, {"outcome": f"Cuộc gọi số {i}"})
            say("queued")
            engine.on_changes(lambda c: say("ack") if c.source == "ack" else None)
            await engine.start()
            await asyncio.Event().wait()  # until killed
        await engine.start()
        await engine.wait_for(lambda s: s.waiting == 0 and s.state.value == "online", timeout=60)
        say("done")
        return 0
    finally:
        await engine.close()
        await client.aclose()
        store.close()


if __name__ == "__main__":
    sys.exit(asyncio.run(main(sys.argv[1:])))
