#!/usr/bin/python3
"""A tiny NTP (SNTP, RFC 4330) server for the doctor's clock scenario: it answers every client request with
its own clock shifted by --shift seconds (stratum 2, version 4, mode 4), echoing the client's transmit
timestamp as the originate timestamp as a real server does. It binds UDP on --listen (port 0: any free port)
and prints "ready PORT" once it listens. Only loopback is ever given to it.
"""
import argparse
import socket
import struct
import time

ERA = 2208988800  # seconds from 1900 to 1970


def stamp(t):
    seconds = int(t)
    return ((seconds + ERA) & 0xFFFFFFFF) << 32 | int((t - seconds) * (1 << 32))


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--listen", default="127.0.0.1")
    parser.add_argument("--shift", type=float, default=0.0)
    args = parser.parse_args()
    sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    sock.bind((args.listen, 0))
    print("ready", sock.getsockname()[1], flush=True)
    while True:
        data, peer = sock.recvfrom(512)
        received = time.time() + args.shift
        if len(data) < 48 or data[0] & 0x7 != 3:
            continue  # not a client request
        originate = data[40:48]
        reply = struct.pack("!BBbbII4s", (0 << 6) | (4 << 3) | 4, 2, 6, -20, 0, 0, b"TEST")
        reply += struct.pack("!Q", stamp(received))          # reference timestamp
        reply += originate                                   # originate: the client's transmit
        reply += struct.pack("!Q", stamp(received))          # receive
        reply += struct.pack("!Q", stamp(time.time() + args.shift))  # transmit
        sock.sendto(reply, peer)


if __name__ == "__main__":
    main()
