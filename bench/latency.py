#!/usr/bin/python3
"""Latency of single messages on an idle relay, measured from the client's side on one clock.

  accept:    end of DATA (the final CRLF.CRLF sent) -> the 250 reply
  delivered: the 250 -> the message at the sink (an aiosmtpd server started here)
  internal:  the 250 -> the file in the Maildir (with --maildir; the recipient is a hosted mailbox)

usage: latency.py --relay 127.0.0.1:2525 --sink 127.0.0.1:2727 --count 200 --label outpost
       latency.py --relay 127.0.0.1:2525 --maildir DIR --to bench@bench.example --count 200 --label outpost-internal
Prints one line: label, then medians and p99 in milliseconds. Loopback only, bounded by --count.
"""
import argparse
import os
import smtplib
import statistics
import threading
import time

from aiosmtpd.controller import Controller

received = {}


class Sink:
    async def handle_DATA(self, server, session, envelope):
        now = time.monotonic()
        for line in envelope.content.split(b"\r\n"):
            if line.lower().startswith(b"message-id:"):
                received[line.split(b":", 1)[1].strip().decode()] = now
                break
        return "250 2.0.0 Ok"


def p99(values):
    values = sorted(values)
    return values[min(len(values) - 1, int(len(values) * 0.99))]


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--relay", required=True)
    parser.add_argument("--sink")
    parser.add_argument("--maildir")
    parser.add_argument("--to", default="rcpt@sink.test")
    parser.add_argument("--from", dest="sender", default="sender@bench.example")
    parser.add_argument("--count", type=int, default=200)
    parser.add_argument("--label", required=True)
    args = parser.parse_args()

    controller = None
    if args.sink:
        host, port = args.sink.rsplit(":", 1)
        controller = Controller(Sink(), hostname=host, port=int(port), decode_data=False)
        controller.start()
    relay_host, relay_port = args.relay.rsplit(":", 1)
    accept, delivered = [], []
    body = ("x" * 76 + "\r\n") * 12
    try:
        for i in range(args.count):
            mid = "<lat-%d-%d@bench.example>" % (os.getpid(), i)
            message = ("From: %s\r\nTo: %s\r\nSubject: latency %d\r\nMessage-ID: %s\r\n\r\n%s" % (args.sender, args.to, i, mid, body)).encode()
            before = set(os.listdir(args.maildir)) if args.maildir and os.path.isdir(args.maildir) else set()
            smtp = smtplib.SMTP(relay_host, int(relay_port), timeout=30)
            smtp.ehlo("bench.example")
            smtp.mail(args.sender)
            smtp.rcpt(args.to)
            code, _ = smtp.docmd("DATA")
            assert code == 354, code
            smtp.send(message + b"\r\n.\r\n")
            end_of_data = time.monotonic()
            code, reply = smtp.getreply()
            accepted = time.monotonic()
            assert code == 250, (code, reply)
            accept.append((accepted - end_of_data) * 1000)
            deadline = accepted + 30
            while time.monotonic() < deadline:
                if args.maildir:
                    if os.path.isdir(args.maildir) and set(os.listdir(args.maildir)) - before:
                        delivered.append((time.monotonic() - accepted) * 1000)
                        break
                elif mid in received:
                    delivered.append((received[mid] - accepted) * 1000)
                    break
                time.sleep(0.0005)
            smtp.quit()
            time.sleep(0.05)
    finally:
        if controller:
            controller.stop()
    print("%-18s accept p50 %7.2f ms  p99 %7.2f ms   %s p50 %7.2f ms  p99 %7.2f ms   (%d messages, %d delivered)" % (
        args.label, statistics.median(accept), p99(accept), "internal " if args.maildir else "delivered", statistics.median(delivered) if delivered else float("nan"),
        p99(delivered) if delivered else float("nan"), len(accept), len(delivered)))


if __name__ == "__main__":
    main()
