"""A terminal program that breaks the terminal contract in one chosen way, for posbench's tests.

    python3 misbehaving.py no-serial     hello on the world socket, never opens POSBENCH_SERIAL
    python3 misbehaving.py no-idle       opens its serial end and says hello, then shows nothing
    python3 misbehaving.py bad-version   says hello, then sends a line of contract version 2
    python3 misbehaving.py not-json      says hello, then sends a line that is not JSON
"""
import json
import os
import socket
import sys
import time

mode = sys.argv[1]
host, port = os.environ["POSBENCH_WORLD"].rsplit(":", 1)
if mode != "no-serial":
    serial = os.open(os.environ["POSBENCH_SERIAL"], os.O_RDWR | os.O_NOCTTY)
world = socket.create_connection((host, int(port)))
world.sendall(b'{"v":1,"type":"hello","program":"misbehaving","version":"' + mode.encode() + b'"}\n')
reader = world.makefile("r", encoding="utf-8")
welcome = json.loads(reader.readline())
print("welcomed by", welcome["bench"], file=sys.stderr, flush=True)
if mode == "bad-version":
    world.sendall(b'{"v":2,"type":"apdu","id":1,"reader":"contact","command":"00A4040000"}\n')
elif mode == "not-json":
    world.sendall(b"SELECT 6212345678901232\n")
while True:
    time.sleep(3600)  # the bench kills this process; it never ends on its own
