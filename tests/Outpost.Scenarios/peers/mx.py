#!/usr/bin/python3
"""A scripted remote MX for Outpost's scenarios, built on aiosmtpd (an independent SMTP server).

It stores every accepted message as <out>/<n>.eml (the exact DATA bytes) with <n>.json beside it
(envelope, peer, TLS), and behaves by the recipient's local part:
  tempfail-once...  451 at RCPT the first time that address is seen, 250 afterwards
  tempfail-N-...    451 at RCPT the first N times that address is seen (N a digit), 250 afterwards
  tempfail...       451 at RCPT always
  unknown...        550 5.1.1 at RCPT
  slow...           waits 3 seconds before answering RCPT
  anything else     250
With --refuse IP=REPLY it greets a client from IP with REPLY and hangs up (a block list, say); with
--auth USER:PASS it is a relay that wants STARTTLS and AUTH before MAIL; with --no-8bitmime it does
not offer 8BITMIME (a server that takes 7-bit mail only); with --hangup-after-data it says 421 and
closes the connection a moment after each message (a server with a short idle timeout). The MAIL
parameters and the client's port (one per connection) are kept in the .json.
"""
import argparse
import asyncio
import json
import os
import ssl
import time

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import SMTP, AuthResult, LoginPassword


class RefusingSMTP(SMTP):
    refusals = {}

    async def _handle_client(self):
        reply = self.refusals.get(self.session.peer[0])
        if reply:
            await self.push(reply)
            self.transport.close()
            return
        await super()._handle_client()


class MxController(Controller):
    def factory(self):
        return RefusingSMTP(self.handler, **self.SMTP_kwargs)


class Handler:
    def __init__(self, out, eight_bit=True, hangup_after_data=False):
        self.out = out
        self.eight_bit = eight_bit
        self.hangup_after_data = hangup_after_data
        self.seen = set()
        self.counts = {}
        self.count = 0

    async def handle_EHLO(self, server, session, envelope, hostname, responses):
        session.host_name = hostname
        if not self.eight_bit:
            responses = [r for r in responses if "8BITMIME" not in r.upper()]
        return responses

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        local = address.split("@", 1)[0].lower()
        if local.startswith("tempfail-once"):
            if address.lower() not in self.seen:
                self.seen.add(address.lower())
                return "451 4.7.1 Try again later"
        elif len(local) > 10 and local.startswith("tempfail-") and local[9].isdigit() and local[10] == "-":
            count = self.counts.get(address.lower(), 0)
            self.counts[address.lower()] = count + 1
            if count < int(local[9]):
                return "451 4.7.1 Try again later"
        elif local.startswith("tempfail"):
            return "451 4.7.1 Try again later"
        elif local.startswith("unknown"):
            return "550 5.1.1 <%s>: Recipient address rejected: User unknown" % address
        elif local.startswith("slow"):
            await asyncio.sleep(3)
        envelope.rcpt_tos.append(address)
        return "250 2.1.5 OK"

    async def handle_DATA(self, server, session, envelope):
        self.count += 1
        name = "%d-%d" % (int(time.time() * 1000), self.count)
        data = envelope.original_content if envelope.original_content is not None else envelope.content
        tmp = os.path.join(self.out, name + ".tmp")
        with open(tmp, "wb") as f:
            f.write(data)
        meta = {
            "mail_from": envelope.mail_from,
            "rcpt_tos": envelope.rcpt_tos,
            "mail_options": envelope.mail_options,
            "peer": session.peer[0],
            "peer_port": session.peer[1],
            "tls": session.ssl is not None,
        }
        with open(os.path.join(self.out, name + ".json"), "w") as f:
            json.dump(meta, f)
        os.rename(tmp, os.path.join(self.out, name + ".eml"))
        if self.hangup_after_data:
            def hang_up():
                server.transport.write(b"421 4.4.2 Closing the idle connection\r\n")
                server.transport.close()
            asyncio.get_running_loop().call_later(0.2, hang_up)
        return "250 2.0.0 Ok: stored as %s" % name


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--listen", required=True, help="host:port")
    parser.add_argument("--out", required=True)
    parser.add_argument("--cert")
    parser.add_argument("--key")
    parser.add_argument("--refuse", action="append", default=[], help="IP=REPLY")
    parser.add_argument("--auth", help="USER:PASS required after STARTTLS")
    parser.add_argument("--no-8bitmime", action="store_true")
    parser.add_argument("--hangup-after-data", action="store_true")
    args = parser.parse_args()
    for rule in args.refuse:
        ip, reply = rule.split("=", 1)
        RefusingSMTP.refusals[ip] = reply
    host, port = args.listen.rsplit(":", 1)
    os.makedirs(args.out, exist_ok=True)
    tls = None
    if args.cert:
        tls = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        tls.load_cert_chain(args.cert, args.key)
    extra = {}
    if args.auth:
        user, password = args.auth.split(":", 1)

        def authenticator(server, session, envelope, mechanism, auth_data):
            ok = isinstance(auth_data, LoginPassword) and auth_data.login.decode() == user and auth_data.password.decode() == password
            return AuthResult(success=ok)

        extra = dict(authenticator=authenticator, auth_required=True, auth_require_tls=True)
    controller = MxController(Handler(args.out, eight_bit=not args.no_8bitmime, hangup_after_data=args.hangup_after_data), hostname=host, port=int(port), tls_context=tls,
                              require_starttls=bool(args.auth), decode_data=False, enable_SMTPUTF8=True,
                              data_size_limit=64 * 1024 * 1024, ready_timeout=10, **extra)
    controller.start()
    print("ready", flush=True)
    try:
        while True:  # runs until the test stops it with a signal
            time.sleep(3600)
    finally:
        controller.stop()


if __name__ == "__main__":
    main()
