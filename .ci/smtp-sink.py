#!/usr/bin/env python3
"""A real SMTP server for the new-user check: accepts every message on loopback and writes it to a
folder (one .eml per message). Usage: smtp-sink.py PORT FOLDER. Python's smtpd module is gone
(3.12), and the check must not depend on packages beyond Debian's python3."""
import os
import socketserver
import sys

port, folder = int(sys.argv[1]), sys.argv[2]
os.makedirs(folder, exist_ok=True)


class Session(socketserver.StreamRequestHandler):
    def reply(self, line):
        self.wfile.write((line + "\r\n").encode())
        self.wfile.flush()

    def handle(self):
        self.reply("220 localhost smtp-sink")
        while True:
            line = self.rfile.readline()
            if not line:
                return
            verb = line.decode(errors="replace").strip().split(" ", 1)[0].upper()
            if verb == "EHLO":
                self.reply("250-localhost")
                self.reply("250-8BITMIME")
                self.reply("250 SMTPUTF8")
            elif verb == "DATA":
                self.reply("354 end with <CRLF>.<CRLF>")
                lines = []
                while True:
                    data = self.rfile.readline()
                    if data in (b".\r\n", b".\n", b""):
                        break
                    lines.append(data[1:] if data.startswith(b"..") else data)
                name = os.path.join(folder, f"{len(os.listdir(folder)) + 1:04d}.eml")
                with open(name, "wb") as out:
                    out.writelines(lines)
                self.reply("250 queued")
            elif verb == "QUIT":
                self.reply("221 bye")
                return
            elif verb in ("HELO", "MAIL", "RCPT", "RSET", "NOOP"):
                self.reply("250 ok")
            else:
                self.reply("502 not implemented")


class Server(socketserver.ThreadingTCPServer):
    allow_reuse_address = True
    daemon_threads = True


with Server(("127.0.0.1", port), Session) as server:
    server.serve_forever()
