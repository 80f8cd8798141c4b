#!/usr/bin/env python3
"""Presence-storm benchmark (stdlib only; a stopgap until the Gatling suite).

N users in groups of K+1 are mutual contacts (subscription 'both', set up with real subscription
handshakes). The timed part: everyone logs in (initial presence), changes status S times, and
logs out. The script reads the server's Prometheus metrics before and after and reports presence
changes, event-bus messages sent by the presence service per change, deliveries and deliveries/s.

Run it once against a server with default settings (batched fan-out) and once with
SWITCHBOARD_PRESENCE_NAIVE_FAN_OUT=true to compare. Loopback targets only.

  python3 load-tests/presence_storm_bench.py --users 100 --contacts 19 --changes 5
"""
import argparse, asyncio, re, sys, time, urllib.request, uuid

from quick_chat_bench import Client


def metrics(url):
    text = urllib.request.urlopen(url, timeout=10).read().decode()
    values = {}
    for name in ("xmpp_presence_updates_total", "xmpp_presence_batches_total", "xmpp_presence_deliveries_total",
                 "xmpp_presence_duplicates_dropped_total", "xmpp_presence_coalesced_total"):
        m = re.search(r"^" + name + r"(?:\{[^}]*\})? ([0-9.eE+-]+)$", text, re.M)
        values[name] = float(m.group(1)) if m else 0.0
    return values


async def drain(client):
    """Reads and discards whatever arrives (presence, pushes) so the server never blocks on us."""
    try:
        while True:
            chunk = await client.r.read(65536)
            if not chunk:
                return
    except Exception:
        return


async def main():
    p = argparse.ArgumentParser()
    p.add_argument("--host", default="127.0.0.1")
    p.add_argument("--port", type=int, default=5223)
    p.add_argument("--domain", default="localhost")
    p.add_argument("--metrics", default="http://127.0.0.1:9464/metrics")
    p.add_argument("--users", type=int, default=100)
    p.add_argument("--contacts", type=int, default=19, help="contacts per user (group size - 1)")
    p.add_argument("--changes", type=int, default=5, help="status changes per user")
    p.add_argument("--gap-ms", type=int, default=150, help="pause between one user's changes")
    args = p.parse_args()
    if not (args.host.startswith("127.") or args.host in ("localhost", "::1")):
        sys.exit("loopback targets only")
    run = uuid.uuid4().hex[:5]
    names = [f"ps{run}u{i}" for i in range(args.users)]
    group = args.contacts + 1

    print(f"provisioning {args.users} users with {args.contacts} contacts each ...", flush=True)
    clients = {}
    for name in names:
        c = Client(args.host, args.port, args.domain)
        await c.connect()
        await c.register(name, "storm-pw")
        await c.login(name, "storm-pw", "setup")
        clients[name] = c
    for start in range(0, args.users, group):
        members = names[start:start + group]
        for i, a in enumerate(members):
            for b in members[i + 1:]:
                for x, y in ((a, b), (b, a)):
                    clients[x].w.write(f"<presence to='{y}@{args.domain}' type='subscribe'/>".encode())
                    await clients[x].w.drain()
                    clients[y].w.write(f"<presence to='{x}@{args.domain}' type='subscribed'/>".encode())
                    await clients[y].w.drain()
    await asyncio.sleep(2)
    for c in clients.values():
        c.w.write(b"</stream:stream>")
        c.w.close()
    await asyncio.sleep(1)

    before = metrics(args.metrics)
    start = time.monotonic()
    sessions = []
    for name in names:  # login storm: initial presence of everyone
        c = Client(args.host, args.port, args.domain)
        await c.connect()
        await c.login(name, "storm-pw", "storm")
        sessions.append(c)
    readers = [asyncio.create_task(drain(c)) for c in sessions]

    async def changes(c):
        for n in range(args.changes):
            c.w.write(f"<presence><show>away</show><status>storm {n}</status></presence>".encode())
            await c.w.drain()
            await asyncio.sleep(args.gap_ms / 1000)

    await asyncio.gather(*(changes(c) for c in sessions))
    for c in sessions:
        c.w.write(b"<presence type='unavailable'/></stream:stream>")
        await c.w.drain()
    await asyncio.sleep(1.5)
    elapsed = time.monotonic() - start - 1.5
    for c in sessions:
        c.w.close()
    for t in readers:
        t.cancel()
    after = metrics(args.metrics)
    d = {k: after[k] - before[k] for k in after}
    updates = d["xmpp_presence_updates_total"] or 1
    print(f"users={args.users} contacts={args.contacts} changes={args.changes} "
          f"presence_updates={d['xmpp_presence_updates_total']:.0f} "
          f"eventbus_msgs={d['xmpp_presence_batches_total']:.0f} "
          f"msgs_per_update={d['xmpp_presence_batches_total'] / updates:.2f} "
          f"deliveries={d['xmpp_presence_deliveries_total']:.0f} "
          f"deliveries_per_s={d['xmpp_presence_deliveries_total'] / elapsed:.0f} "
          f"dropped_dups={d['xmpp_presence_duplicates_dropped_total']:.0f} "
          f"coalesced={d['xmpp_presence_coalesced_total']:.0f} seconds={elapsed:.1f}")


if __name__ == "__main__":
    asyncio.run(main())
