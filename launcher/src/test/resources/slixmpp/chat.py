#!/usr/bin/env python3
"""Interop check with a real third-party XMPP client library (slixmpp).

Two slixmpp clients connect to a Switchboard server over STARTTLS, verifying the server's certificate against the
given PEM file, optionally create their accounts with in-band registration (XEP-0077), authenticate with whatever
SASL mechanism slixmpp prefers among those offered, bind a resource and exchange one chat message in each
direction.

Exit status: 0 only if both messages arrived with the expected body and sender; 1 on any failure or timeout.
Driven by io.switchboard.launcher.it.stream.SlixmppInteropTest.
"""
import argparse
import asyncio
import logging
import sys
import uuid

import slixmpp
from slixmpp.exceptions import IqError, IqTimeout


class Chatter(slixmpp.ClientXMPP):
    def __init__(self, jid, password, ca_file, register):
        super().__init__(jid, password)
        self.ca_certs = ca_file  # trust exactly the server's self-signed certificate
        self.label = jid
        loop = asyncio.get_event_loop()
        self.ready = loop.create_future()
        self.inbox = asyncio.Queue()
        self.register_plugin('xep_0030')
        self.register_plugin('xep_0199')
        if register:
            self.register_plugin('xep_0077')
            self['xep_0077'].create_account = True
            self.add_event_handler('register', self.on_register)
            # slixmpp 1.8 queues every IQ until the session has started ("NOT SENT" in its debug log), which
            # includes the pre-authentication XEP-0077 requests; let them through while registering.
            self._always_send_everything = True
        self.add_event_handler('session_start', self.on_session_start)
        self.add_event_handler('message', self.on_message)
        self.add_event_handler('failed_all_auth', lambda e: self.fail('authentication failed'))
        self.add_event_handler('connection_failed', lambda e: self.fail('connection failed: %s' % (e,)))
        self.add_event_handler('ssl_invalid_chain', lambda e: self.fail('certificate not trusted: %s' % (e,)))
        self.add_event_handler('stream_error', lambda e: self.fail('stream error: %s' % (e,)))

    def fail(self, why):
        if not self.ready.done():
            self.ready.set_exception(RuntimeError('%s: %s' % (self.label, why)))
        else:
            print('%s: %s' % (self.label, why), file=sys.stderr)

    async def on_register(self, form):
        iq = self.Iq()
        iq['type'] = 'set'
        iq['register']['username'] = self.boundjid.user
        iq['register']['password'] = self.password
        try:
            await iq.send(timeout=15)
            print('%s: registered in-band' % self.label)
        except (IqError, IqTimeout) as e:
            self.fail('registration failed: %s' % (e,))
            self.disconnect()
        finally:
            self._always_send_everything = False

    async def on_session_start(self, event):
        self.send_presence()
        print('%s: session started as %s' % (self.label, self.boundjid.full))
        if not self.ready.done():
            self.ready.set_result(self.boundjid.full)

    def on_message(self, msg):
        self.inbox.put_nowait(msg)


async def expect_message(client, sender_bare, body, timeout):
    deadline = asyncio.get_event_loop().time() + timeout
    while True:
        remaining = deadline - asyncio.get_event_loop().time()
        if remaining <= 0:
            raise asyncio.TimeoutError()
        msg = await asyncio.wait_for(client.inbox.get(), remaining)
        if msg['type'] == 'error':
            raise RuntimeError('%s got an error message: %s' % (client.label, msg))
        if msg['body'] == body and msg['from'].bare == sender_bare:
            return msg
        print('%s: ignoring unrelated message %s' % (client.label, msg), file=sys.stderr)


async def run(args):
    a = Chatter(args.jid_a, args.password, args.ca, args.register)
    b = Chatter(args.jid_b, args.password, args.ca, args.register)
    try:
        for client in (a, b):
            client.connect(address=(args.host, args.port), force_starttls=True, disable_starttls=False)
        full_a, full_b = await asyncio.wait_for(asyncio.gather(a.ready, b.ready), args.timeout)

        token_ab = 'a-to-b ' + uuid.uuid4().hex + ' \u00e9\u65e5'
        a.send_message(mto=full_b, mbody=token_ab, mtype='chat')
        await expect_message(b, a.boundjid.bare, token_ab, args.timeout)
        print('b received: ' + token_ab)

        token_ba = 'b-to-a ' + uuid.uuid4().hex
        b.send_message(mto=full_a, mbody=token_ba, mtype='chat')
        await expect_message(a, b.boundjid.bare, token_ba, args.timeout)
        print('a received: ' + token_ba)
        return 0
    except asyncio.TimeoutError:
        print('timed out', file=sys.stderr)
        return 1
    except Exception as e:  # noqa: BLE001 - report whatever went wrong and fail
        print('failed: %r' % (e,), file=sys.stderr)
        return 1
    finally:
        for client in (a, b):
            try:
                closing = client.disconnect()
                if closing is not None:
                    await asyncio.wait_for(closing, 5)
            except Exception:  # noqa: BLE001 - best effort
                pass


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument('--host', default='127.0.0.1')
    parser.add_argument('--port', type=int, required=True)
    parser.add_argument('--ca', required=True, help='PEM file of the server certificate to trust')
    parser.add_argument('--jid-a', required=True)
    parser.add_argument('--jid-b', required=True)
    parser.add_argument('--password', required=True)
    parser.add_argument('--register', action='store_true', help='create both accounts with XEP-0077 first')
    parser.add_argument('--timeout', type=float, default=20.0, help='seconds per step')
    parser.add_argument('--debug', action='store_true')
    args = parser.parse_args()
    logging.basicConfig(level=logging.DEBUG if args.debug else logging.WARNING,
                        format='%(asctime)s %(levelname)s %(name)s %(message)s')
    loop = asyncio.new_event_loop()
    asyncio.set_event_loop(loop)
    try:
        code = loop.run_until_complete(run(args))
        # slixmpp leaves its queue-pumping tasks running: cancel them so the loop closes quietly.
        pending = asyncio.all_tasks(loop)
        for task in pending:
            task.cancel()
        loop.run_until_complete(asyncio.gather(*pending, return_exceptions=True))
    finally:
        loop.close()
    sys.exit(code)


if __name__ == '__main__':
    main()
