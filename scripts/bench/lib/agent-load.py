#!/usr/bin/env python3
"""COUNT simulated Howl node agents against `howl serve`, for the server's
CPU: each agent, once per INTERVAL seconds (their starts spread evenly over
the first interval), does what howl-agent does in one loop: GET
/runtime/<mac>?compress=gz, GET /agent/report/<mac>?..., then the long poll
GET /agent/wait/<mac>?seconds=INTERVAL, each on a connection of its own and
signed as the agent signs (HMAC-SHA256 of "TARGET\\nTIME\\nSEQ" with the
node's key, read from KEYDIR/<node>). Runs DURATION seconds, then prints the
requests answered by route and the failures.
  agent-load.py HOST PORT NODES_FILE KEYDIR INTERVAL DURATION
NODES_FILE: one "NODE MAC" per line."""
import asyncio, hashlib, hmac, resource, sys, time
from collections import Counter

host, port, nodes_file, keydir = sys.argv[1], int(sys.argv[2]), sys.argv[3], sys.argv[4]
interval, duration = float(sys.argv[5]), float(sys.argv[6])
soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))
answered, failed = Counter(), Counter()


async def get(target, key, seq, timeout):
    t = int(time.time())
    sig = hmac.new(bytes.fromhex(key), f"{target}\n{t}\n{seq}".encode(), hashlib.sha256).hexdigest()
    reader, writer = await asyncio.wait_for(asyncio.open_connection(host, port), 30)
    try:
        writer.write(f"GET {target} HTTP/1.0\r\nHost: {host}\r\nX-Howl-Time: {t}\r\n"
                     f"X-Howl-Seq: {seq}\r\nX-Howl-Signature: {sig}\r\n\r\n".encode())
        data = await asyncio.wait_for(reader.read(-1), timeout)
    finally:
        writer.close()
    status = data.split(b" ", 2)[1] if data.startswith(b"HTTP/") else b"?"
    return status.decode()


async def agent(node, mac, key, delay, stop):
    await asyncio.sleep(delay)
    seq = 0
    while time.monotonic() < stop:
        begun = time.monotonic()
        for route, target, timeout in (
            ("runtime", f"/runtime/{mac}?compress=gz", 120),
            ("report", f"/agent/report/{mac}?digest=0&changed=0&after=0", 10),
            ("wait", f"/agent/wait/{mac}?seconds={int(interval)}", interval + 15),
        ):
            seq += 1
            try:
                status = await get(target, key, seq, timeout)
                (answered if status == "200" else failed)[f"{route} {status}"] += 1
            except Exception as error:
                failed[f"{route} {type(error).__name__}"] += 1
            if time.monotonic() >= stop:
                return
        # The wait answers "idle" after INTERVAL; a failed one is a plain sleep.
        if time.monotonic() - begun < interval / 2:
            await asyncio.sleep(interval - (time.monotonic() - begun))


async def main():
    nodes = [line.split() for line in open(nodes_file) if line.strip()]
    keys = [open(f"{keydir}/{node}").read().strip() for node, _ in nodes]
    stop = time.monotonic() + duration
    await asyncio.gather(*(agent(node, mac, key, interval * i / len(nodes), stop)
                           for i, ((node, mac), key) in enumerate(zip(nodes, keys))))

asyncio.run(main())
print("answered:", dict(sorted(answered.items())))
print("failed:", dict(sorted(failed.items())))
