"""A local SMTP sink for the send test (aiosmtpd): every message received is written to OUTDIR.

Usage: smtp_sink.py OUTDIR
Listens on 127.0.0.1 on a free port, prints the port on a line of its own once it accepts connections,
and runs until its standard input closes. Each message goes to OUTDIR/NNNN.eml (the bytes as received)
with its envelope recipients in OUTDIR/NNNN.rcpt.
"""
import os
import socket
import sys

from aiosmtpd.controller import Controller

out = sys.argv[1]
os.makedirs(out, exist_ok=True)


class Handler:
    count = 0

    async def handle_DATA(self, server, session, envelope):
        Handler.count += 1
        base = os.path.join(out, "%04d" % Handler.count)
        data = envelope.original_content or envelope.content
        with open(base + ".eml.tmp", "wb") as f:
            f.write(data if isinstance(data, bytes) else data.encode("utf-8"))
        with open(base + ".rcpt", "w") as f:
            f.write("\n".join(envelope.rcpt_tos))
        os.rename(base + ".eml.tmp", base + ".eml")
        return "250 Message accepted for delivery"


s = socket.socket()
s.bind(("127.0.0.1", 0))
port = s.getsockname()[1]
s.close()
controller = Controller(Handler(), hostname="127.0.0.1", port=port, decode_data=False)
controller.start()
print(port, flush=True)
try:
    sys.stdin.read()
finally:
    controller.stop()
