#!/usr/bin/python3
"""An HTTPS server for MTA-STS policies in Outpost's scenarios (Python's http.server with ssl).

GET /.well-known/mta-sts.txt answers with <dir>/<Host>.txt as text/plain, 404 when there is none.
The certificate (--cert/--key) is the test's, issued by the test CA for every policy host name.
"""
import argparse
import http.server
import os
import ssl


class PolicyHandler(http.server.BaseHTTPRequestHandler):
    directory = "."

    def do_GET(self):
        host = (self.headers.get("Host") or "").split(":")[0].lower()
        path = os.path.join(self.directory, host + ".txt")
        if self.path != "/.well-known/mta-sts.txt" or "/" in host or not os.path.isfile(path):
            self.send_error(404)
            return
        with open(path, "rb") as f:
            body = f.read()
        self.send_response(200)
        self.send_header("Content-Type", "text/plain")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format, *args):
        pass


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--listen", required=True, help="host:port")
    parser.add_argument("--dir", required=True)
    parser.add_argument("--cert", required=True)
    parser.add_argument("--key", required=True)
    args = parser.parse_args()
    PolicyHandler.directory = args.dir
    host, port = args.listen.rsplit(":", 1)
    server = http.server.ThreadingHTTPServer((host, int(port)), PolicyHandler)
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.load_cert_chain(args.cert, args.key)
    server.socket = context.wrap_socket(server.socket, server_side=True)
    print("ready", flush=True)
    server.serve_forever()


if __name__ == "__main__":
    main()
