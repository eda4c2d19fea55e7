#!/usr/bin/python3
"""A hostile or broken remote MX for Outpost's scenarios: a small asyncio SMTP server written by hand,
so that it can misbehave where a real server library never would. One behaviour per process, picked by
--behaviour; every message it takes is stored as <out>/<n>.eml (the DATA bytes, dot-unstuffed) with
<n>.json beside it (envelope, peer port), written before it answers 250.

Behaviours:
  healthy            a plain, correct server (the baseline)
  tarpit-greeting    waits --delay seconds before its greeting, then behaves
  tarpit-replies     waits --delay seconds before every reply, then behaves
  drip               sends every reply one byte at a time, --delay seconds apart
  drop-in-data       after 354, reads the first bytes of the message and closes the connection
  slow-data-end      answers the end of the message only after --delay seconds (stores it first)
  garbage            greets, then answers EHLO with text that is no SMTP reply
  long-line          greets with a reply line of 100 KB without CRLF
  many-lines         answers EHLO with 10,000 continuation lines
  split              writes every reply in pieces of a few bytes at odd places (inside the code, between
                     CR and LF), with multi-line EHLO and 250 replies, and otherwise behaves
  tls-fail           offers STARTTLS, says 220 to it, then sends half a TLS record and closes
  tempfail           451 to every command after the greeting (a 4xx storm)
  always-421         421 to every first command, then closes
  lost-250           takes the message, answers 250, then resets the connection (TCP RST)
  reject             554 5.7.1 to the end of every message (a permanent refusal of the content)
  drop-then-healthy  for --delay seconds from the first connection closes every connection at once (it
                     restarts), then behaves

The server listens on --listen host:port and prints "ready" once it does. Every wait is bounded: a
connection lives at most --lifetime seconds.
"""
import argparse
import asyncio
import json
import os
import socket
import struct
import time


class Peer:
    def __init__(self, args):
        self.behaviour = args.behaviour
        self.delay = args.delay
        self.out = args.out
        self.lifetime = args.lifetime
        self.first_connection = None
        self.count = 0

    async def handle(self, reader, writer):
        try:
            await asyncio.wait_for(self.session(reader, writer), self.lifetime)
        except (asyncio.TimeoutError, ConnectionError, asyncio.IncompleteReadError):
            pass
        finally:
            try:
                writer.close()
            except Exception:
                pass

    async def reply(self, writer, text):
        data = text.encode()
        b = self.behaviour
        if b == "tarpit-replies":
            await asyncio.sleep(self.delay)
        if b == "drip":
            for i in range(len(data)):
                writer.write(data[i:i + 1])
                await writer.drain()
                await asyncio.sleep(self.delay)
            return
        if b == "split":
            # Odd places: 1, 2, 3... bytes, so cuts fall inside codes, after '-', between CR and LF.
            i, size = 0, 1
            while i < len(data):
                writer.write(data[i:i + size])
                await writer.drain()
                await asyncio.sleep(0.02)
                i += size
                size = size % 5 + 1
            return
        writer.write(data)
        await writer.drain()

    async def session(self, reader, writer):
        b = self.behaviour
        if b == "drop-then-healthy":
            # The restart begins with the first connection, so the test's mail always meets it.
            if self.first_connection is None:
                self.first_connection = time.monotonic()
            if time.monotonic() - self.first_connection < self.delay:
                return  # closed at once, before any greeting: the server is restarting
        if b == "tarpit-greeting":
            await asyncio.sleep(self.delay)
        if b == "long-line":
            writer.write(b"220-" + b"x" * (100 * 1024))
            await writer.drain()
            await reader.read(1024)  # the client gives up; its close ends this
            return
        await self.reply(writer, "220 hostile.test ESMTP\r\n")
        envelope = {"mail_from": None, "rcpt_tos": []}
        first = True
        while True:
            line = await reader.readline()
            if not line:
                return
            command = line.decode("utf-8", "replace").rstrip("\r\n")
            verb = command.split(" ", 1)[0].upper()
            if b == "always-421" and first:
                await self.reply(writer, "421 4.3.2 Service shutting down and closing transmission channel\r\n")
                return
            first = False
            if b == "tempfail" and verb != "QUIT":
                await self.reply(writer, "451 4.3.0 Temporary failure, try again later\r\n")
                continue
            if verb in ("EHLO", "HELO"):
                if b == "garbage":
                    await self.reply(writer, "HTTP/1.1 400 Bad Request\r\n")
                    continue
                if b == "many-lines":
                    writer.write(b"".join(b"250-X-FILLER-%d\r\n" % i for i in range(10000)) + b"250 OK\r\n")
                    await writer.drain()
                    continue
                lines = ["hostile.test greets you", "PIPELINING", "8BITMIME", "SIZE 73400320"]
                if b == "tls-fail":
                    lines.append("STARTTLS")
                text = "".join("250-%s\r\n" % l for l in lines[:-1]) + "250 %s\r\n" % lines[-1]
                await self.reply(writer, text)
            elif verb == "STARTTLS" and b == "tls-fail":
                await self.reply(writer, "220 2.0.0 Ready to start TLS\r\n")
                await reader.read(4096)  # the ClientHello
                # A TLS handshake record header that promises 4 KB of ServerHello, then only part of it.
                writer.write(b"\x16\x03\x03" + struct.pack(">H", 4096) + b"\x02\x00\x0f\xfc" + b"\x00" * 40)
                await writer.drain()
                await asyncio.sleep(0.2)
                return
            elif verb == "MAIL":
                envelope = {"mail_from": command[10:].split(">", 1)[0].lstrip("<"), "rcpt_tos": []}
                await self.reply(writer, "250 2.1.0 Ok\r\n")
            elif verb == "RCPT":
                envelope["rcpt_tos"].append(command[8:].split(">", 1)[0].lstrip("<"))
                await self.reply(writer, "250 2.1.5 Ok\r\n")
            elif verb == "DATA":
                await self.reply(writer, "354 End data with <CR><LF>.<CR><LF>\r\n")
                if b == "drop-in-data":
                    await reader.read(100)
                    return
                data = await self.read_data(reader)
                if b == "reject":
                    await self.reply(writer, "554 5.7.1 Message refused: content not accepted here\r\n")
                    continue
                name = self.store(data, envelope, writer)
                if b == "slow-data-end":
                    await asyncio.sleep(self.delay)
                if b == "split":
                    await self.reply(writer, "250-2.0.0 Ok: stored\r\n250-as a message in\r\n250 2.0.0 pieces %s\r\n" % name)
                    continue
                await self.reply(writer, "250 2.0.0 Ok: stored as %s\r\n" % name)
                if b == "lost-250":
                    await asyncio.sleep(0.3)
                    # SO_LINGER with 0: close sends a TCP RST instead of a FIN.
                    sock = writer.get_extra_info("socket")
                    sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
                    writer.transport.abort()
                    return
            elif verb == "RSET":
                envelope = {"mail_from": None, "rcpt_tos": []}
                await self.reply(writer, "250 2.0.0 Ok\r\n")
            elif verb == "NOOP":
                await self.reply(writer, "250 2.0.0 Ok\r\n")
            elif verb == "QUIT":
                await self.reply(writer, "221 2.0.0 Bye\r\n")
                return
            else:
                await self.reply(writer, "502 5.5.2 Command not recognised\r\n")

    async def read_data(self, reader):
        lines = []
        while True:
            line = await reader.readline()
            if not line:
                raise ConnectionError("closed in DATA")
            if line == b".\r\n":
                return b"".join(lines)
            lines.append(line[1:] if line.startswith(b".") else line)

    def store(self, data, envelope, writer):
        self.count += 1
        name = "%d-%d" % (int(time.time() * 1000), self.count)
        peer = writer.get_extra_info("peername")
        with open(os.path.join(self.out, name + ".json"), "w") as f:
            json.dump({"mail_from": envelope["mail_from"], "rcpt_tos": envelope["rcpt_tos"], "mail_options": [],
                       "peer": peer[0], "peer_port": peer[1], "tls": False}, f)
        tmp = os.path.join(self.out, name + ".tmp")
        with open(tmp, "wb") as f:
            f.write(data)
        os.rename(tmp, os.path.join(self.out, name + ".eml"))
        return name


async def serve(args):
    peer = Peer(args)
    host, port = args.listen.rsplit(":", 1)
    server = await asyncio.start_server(peer.handle, host, int(port), reuse_address=True)
    print("ready", flush=True)
    async with server:
        await server.serve_forever()  # runs until the test stops it with a signal


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--listen", required=True, help="host:port")
    parser.add_argument("--out", required=True)
    parser.add_argument("--behaviour", required=True)
    parser.add_argument("--delay", type=float, default=5.0)
    parser.add_argument("--lifetime", type=float, default=120.0)
    args = parser.parse_args()
    os.makedirs(args.out, exist_ok=True)
    asyncio.run(serve(args))


if __name__ == "__main__":
    main()
