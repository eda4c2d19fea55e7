#!/usr/bin/python3
"""N clients at once each submit one large message to a relay; prints how long it took and the relay's
peak resident memory (VmHWM of the given process) before and after.

usage: large-messages.py --relay 127.0.0.1:2525 --pid 1234 --clients 20 --size 26000000
Loopback only; bounded by --clients.
"""
import argparse
import smtplib
import threading
import time


def hwm(pid):
    with open("/proc/%d/status" % pid) as f:
        for line in f:
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) // 1024
    return 0


def build(size):
    line = b"y" * 998 + b"\r\n"
    return b"From: sender@bench.example\r\nTo: rcpt@sink.test\r\nSubject: large\r\n\r\n" + line * (size // len(line))


def send(host, port, message, index, results):
    # One message shared by every client: 200 clients of 25 MB each would otherwise hold 5 GB here.
    try:
        smtp = smtplib.SMTP(host, port, timeout=300)
        smtp.sendmail("sender@bench.example", ["rcpt@sink.test"], message)
        smtp.quit()
        results[index] = "250"
    except smtplib.SMTPException as e:
        results[index] = str(e)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--relay", required=True)
    parser.add_argument("--pid", type=int, required=True)
    parser.add_argument("--clients", type=int, default=20)
    parser.add_argument("--size", type=int, default=26_000_000)
    args = parser.parse_args()
    host, port = args.relay.rsplit(":", 1)
    before = hwm(args.pid)
    results = {}
    message = build(args.size)
    threads = [threading.Thread(target=send, args=(host, int(port), message, i, results)) for i in range(args.clients)]
    start = time.monotonic()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    took = time.monotonic() - start
    accepted = sum(1 for r in results.values() if r == "250")
    print("%d clients x %.1f MB: %d accepted in %.1f s; peak RSS %d MB before, %d MB after" % (
        args.clients, args.size / 1e6, accepted, took, before, hwm(args.pid)))


if __name__ == "__main__":
    main()
