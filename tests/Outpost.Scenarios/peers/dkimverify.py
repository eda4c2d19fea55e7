#!/usr/bin/python3
"""Verifies every DKIM signature of a message with dkimpy (Debian's python3-dkim), an implementation
independent of Outpost's, looking keys up in the test DNS server (dnsmasq on loopback).

usage: dkimverify.py --dns 127.0.0.1:5353 FILE
prints one line per signature: "<d> <s> <a> pass|fail", and exits 0 only when there is at least one
signature and all of them pass.
"""
import argparse
import sys

import dkim
import dns.resolver


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--dns", required=True)
    parser.add_argument("file")
    args = parser.parse_args()
    host, port = args.dns.rsplit(":", 1)
    resolver = dns.resolver.Resolver(configure=False)
    resolver.nameservers = [host]
    resolver.port = int(port)

    def dnsfunc(name, timeout=5):
        name = name.decode() if isinstance(name, bytes) else name
        try:
            answer = resolver.resolve(name, "TXT", lifetime=timeout)
        except Exception:
            return None
        return b"".join(b"".join(r.strings) for r in answer)

    message = open(args.file, "rb").read()
    d = dkim.DKIM(message)
    signatures = [h for h in d.headers if h[0].lower() == b"dkim-signature"]
    if not signatures:
        print("no signature")
        return 1
    ok = True
    for i in range(len(signatures)):
        tags = dkim.util.parse_tag_value(signatures[i][1])
        result = d.verify(idx=i, dnsfunc=dnsfunc)
        ok = ok and result
        print(tags.get(b"d", b"").decode(), tags.get(b"s", b"").decode(), tags.get(b"a", b"").decode(), "pass" if result else "fail")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
