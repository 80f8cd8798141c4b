#!/usr/bin/env python3
"""Quick one-to-one chat benchmark against any XMPP server (stdlib only).

A stopgap until the Gatling suite: N sender/receiver pairs log in over direct TLS (XEP-0368)
with SASL PLAIN, each sender sends M chat messages to its receiver (as fast as it can, or at
--rate per second), and the script reports
messages/s and end-to-end latency percentiles measured by the receivers from a timestamp in each
body. Accounts are registered in-band first (XEP-0077). Loopback targets only.

  python3 load-tests/quick_chat_bench.py --port 5223 --pairs 20 --messages 2000            # throughput
  python3 load-tests/quick_chat_bench.py --port 5223 --pairs 20 --messages 1000 --rate 100 # latency
  python3 load-tests/quick_chat_bench.py --port 5223 --receiver-port 6223 ...  # across 2 connectors
"""
import argparse, asyncio, base64, re, ssl, statistics, sys, time, uuid

HEADER = ("<stream:stream to='{d}' xmlns='jabber:client' "
          "xmlns:stream='http://etherx.jabber.org/streams' version='1.0'>")


class Client:
    def __init__(self, host, port, domain):
        self.host, self.port, self.domain = host, port, domain
        self.buf = ""

    async def connect(self):
        ctx = ssl.create_default_context()
        ctx.check_hostname = False
        ctx.verify_mode = ssl.CERT_NONE  # benchmark only: loopback, self-signed dev certificate
        self.r, self.w = await asyncio.open_connection(self.host, self.port, ssl=ctx,
                                                       server_hostname=self.domain)
        await self.open()

    async def open(self):
        self.w.write(HEADER.format(d=self.domain).encode())
        await self.until("</stream:features>")

    async def until(self, needle, timeout=30):
        return await self.until_re(re.escape(needle), timeout)

    async def until_re(self, pattern, timeout=30):
        """Consumes input up to the end of the first match of pattern and returns it."""
        regex = re.compile(pattern, re.S)
        deadline = time.monotonic() + timeout
        while (m := regex.search(self.buf)) is None:
            chunk = await asyncio.wait_for(self.r.read(65536), deadline - time.monotonic())
            if not chunk:
                raise RuntimeError("closed while waiting for " + pattern + ": " + self.buf[-300:])
            self.buf += chunk.decode()
        seen, self.buf = self.buf[:m.end()], self.buf[m.end():]
        return seen

    async def register(self, user, pw):
        self.w.write((f"<iq type='set' id='reg'><query xmlns='jabber:iq:register'><username>{user}</username>"
                      f"<password>{pw}</password></query></iq>").encode())
        reply = await self.until_re(r"<iq[^>]*id='reg'[^>]*?(/>|>.*?</iq>)")
        if "type='result'" not in reply:
            raise RuntimeError("registration failed: " + reply)

    async def login(self, user, pw, resource):
        token = base64.b64encode(f"\0{user}\0{pw}".encode()).decode()
        self.w.write(f"<auth xmlns='urn:ietf:params:xml:ns:xmpp-sasl' mechanism='PLAIN'>{token}</auth>".encode())
        reply = await self.until_re(r"<(success|failure)\b.*?(/>|</success>|</failure>)")
        if "<success" not in reply:
            raise RuntimeError("auth failed: " + reply)
        await self.open()
        self.w.write((f"<iq type='set' id='b'><bind xmlns='urn:ietf:params:xml:ns:xmpp-bind'><resource>{resource}"
                      "</resource></bind></iq><presence/>").encode())
        await self.until_re(r"<iq[^>]*id='b'.*?</iq>")


async def pair(args, run, index, latencies, ready, go):
    a_name, b_name = f"b{run}a{index}", f"b{run}b{index}"
    sender = Client(args.host, args.port, args.domain)
    receiver = Client(args.host, args.receiver_port or args.port, args.domain)
    for c, name in ((sender, a_name), (receiver, b_name)):
        await c.connect()
        await c.register(name, "bench-pw")
        await c.login(name, "bench-pw", "r")
    ready.release()
    await go.wait()
    target = f"{b_name}@{args.domain}/r"

    async def send():
        start = time.monotonic()
        for i in range(args.messages):
            if args.rate:
                # Steady rate: latency then measures the server, not a queue of our own making.
                delay = start + i / args.rate - time.monotonic()
                if delay > 0:
                    await asyncio.sleep(delay)
            sender.w.write(f"<message to='{target}' type='chat'><body>{time.time_ns()} {i}</body></message>".encode())
            if args.rate or i % 100 == 99:
                await sender.w.drain()
        await sender.w.drain()

    async def receive():
        got = 0
        pattern = re.compile(r"<body>(\d+) (\d+)</body>")
        while got < args.messages:
            chunk = await asyncio.wait_for(receiver.r.read(65536), 60)
            if not chunk:
                raise RuntimeError("receiver closed")
            receiver.buf += chunk.decode()
            now = time.time_ns()
            last = 0
            for m in pattern.finditer(receiver.buf):
                latencies.append((now - int(m.group(1))) / 1e6)
                got += 1
                last = m.end()
            receiver.buf = receiver.buf[last:]
        return got

    _, got = await asyncio.gather(send(), receive())
    return got


async def main():
    p = argparse.ArgumentParser()
    p.add_argument("--host", default="127.0.0.1")
    p.add_argument("--port", type=int, default=5223)
    p.add_argument("--receiver-port", type=int, default=0,
                   help="receivers connect here (default: --port); another connector node of a cluster"
                        " measures cross-node routing")
    p.add_argument("--domain", default="localhost")
    p.add_argument("--pairs", type=int, default=20)
    p.add_argument("--messages", type=int, default=2000)
    p.add_argument("--rate", type=float, default=0,
                   help="messages per second per sender (0 = as fast as possible, a throughput test)")
    args = p.parse_args()
    if not (args.host.startswith("127.") or args.host in ("localhost", "::1")):
        sys.exit("loopback targets only")
    run = uuid.uuid4().hex[:6]
    latencies, ready, go = [], asyncio.Semaphore(0), asyncio.Event()
    tasks = [asyncio.create_task(pair(args, run, i, latencies, ready, go)) for i in range(args.pairs)]
    for _ in range(args.pairs):
        acquire = asyncio.create_task(ready.acquire())
        done, _ = await asyncio.wait([acquire, *tasks], return_when=asyncio.FIRST_COMPLETED)
        for t in tasks:
            if t.done() and t.exception():
                raise t.exception()  # a pair failed to set up: report it instead of waiting forever
        if acquire not in done:
            await acquire
    start = time.monotonic()
    go.set()
    received = sum(await asyncio.gather(*tasks))
    elapsed = time.monotonic() - start
    latencies.sort()
    q = lambda f: latencies[min(len(latencies) - 1, int(f * len(latencies)))]
    print(f"pairs={args.pairs} sent={args.pairs * args.messages} received={received} seconds={elapsed:.2f} "
          f"msgs_per_s={received / elapsed:.0f} p50_ms={q(0.5):.1f} p99_ms={q(0.99):.1f} max_ms={latencies[-1]:.1f}")
    if received != args.pairs * args.messages:
        sys.exit(1)


if __name__ == "__main__":
    asyncio.run(main())
