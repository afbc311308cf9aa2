#!/usr/bin/env python3
"""A small card-payment terminal for posbench, written from docs/terminal-contract.md alone.

Python 3.11, standard library only. It takes magnetic-stripe purchases with online PIN over the
contract's four channels (serial line, bank in the json-http dialect, physical world socket,
flash folder). It has no chip or contactless kernel: an inserted or tapped card is asked to swipe.

    python3 terminal.py --config terminal.json     # run under posbench (see bench-config/rig.yaml)
    python3 terminal.py --self-test                # DES, PIN block, MAC and track 2 checks

Serial line texts (ASCII, CRLF): ``SCREEN: ...`` for prompts and states, ``RESULT: ...`` for the
one result a purchase ends with, ``ERROR: ...`` for a command it cannot take. Diagnostics go to
stderr, PANs masked, never a PIN or a key.
"""

import argparse
import collections
import datetime
import hmac
import hashlib
import http.client
import json
import os
import queue
import re
import selectors
import socket
import sys
import termios
import threading
import time
import tty
import urllib.parse

PROGRAM = "posbench-python-terminal"
VERSION = "1.0"
CONTRACT = "1"

# --------------------------------------------------------------------------------------------
# DES (FIPS 46-3) and triple DES EDE with a double-length key (K1 K2 K1)
# --------------------------------------------------------------------------------------------

_IP = [58, 50, 42, 34, 26, 18, 10, 2, 60, 52, 44, 36, 28, 20, 12, 4,
       62, 54, 46, 38, 30, 22, 14, 6, 64, 56, 48, 40, 32, 24, 16, 8,
       57, 49, 41, 33, 25, 17, 9, 1, 59, 51, 43, 35, 27, 19, 11, 3,
       61, 53, 45, 37, 29, 21, 13, 5, 63, 55, 47, 39, 31, 23, 15, 7]
_FP = [40, 8, 48, 16, 56, 24, 64, 32, 39, 7, 47, 15, 55, 23, 63, 31,
       38, 6, 46, 14, 54, 22, 62, 30, 37, 5, 45, 13, 53, 21, 61, 29,
       36, 4, 44, 12, 52, 20, 60, 28, 35, 3, 43, 11, 51, 19, 59, 27,
       34, 2, 42, 10, 50, 18, 58, 26, 33, 1, 41, 9, 49, 17, 57, 25]
_E = [32, 1, 2, 3, 4, 5, 4, 5, 6, 7, 8, 9, 8, 9, 10, 11, 12, 13, 12, 13, 14, 15, 16, 17,
      16, 17, 18, 19, 20, 21, 20, 21, 22, 23, 24, 25, 24, 25, 26, 27, 28, 29, 28, 29, 30, 31, 32, 1]
_P = [16, 7, 20, 21, 29, 12, 28, 17, 1, 15, 23, 26, 5, 18, 31, 10,
      2, 8, 24, 14, 32, 27, 3, 9, 19, 13, 30, 6, 22, 11, 4, 25]
_PC1 = [57, 49, 41, 33, 25, 17, 9, 1, 58, 50, 42, 34, 26, 18,
        10, 2, 59, 51, 43, 35, 27, 19, 11, 3, 60, 52, 44, 36,
        63, 55, 47, 39, 31, 23, 15, 7, 62, 54, 46, 38, 30, 22,
        14, 6, 61, 53, 45, 37, 29, 21, 13, 5, 28, 20, 12, 4]
_PC2 = [14, 17, 11, 24, 1, 5, 3, 28, 15, 6, 21, 10, 23, 19, 12, 4, 26, 8,
        16, 7, 27, 20, 13, 2, 41, 52, 31, 37, 47, 55, 30, 40, 51, 45, 33, 48,
        44, 49, 39, 56, 34, 53, 46, 42, 50, 36, 29, 32]
_SHIFTS = [1, 1, 2, 2, 2, 2, 2, 2, 1, 2, 2, 2, 2, 2, 2, 1]
# S-boxes as printed in the standard: 4 rows of 16 per box.
_S = [
    [14, 4, 13, 1, 2, 15, 11, 8, 3, 10, 6, 12, 5, 9, 0, 7,
     0, 15, 7, 4, 14, 2, 13, 1, 10, 6, 12, 11, 9, 5, 3, 8,
     4, 1, 14, 8, 13, 6, 2, 11, 15, 12, 9, 7, 3, 10, 5, 0,
     15, 12, 8, 2, 4, 9, 1, 7, 5, 11, 3, 14, 10, 0, 6, 13],
    [15, 1, 8, 14, 6, 11, 3, 4, 9, 7, 2, 13, 12, 0, 5, 10,
     3, 13, 4, 7, 15, 2, 8, 14, 12, 0, 1, 10, 6, 9, 11, 5,
     0, 14, 7, 11, 10, 4, 13, 1, 5, 8, 12, 6, 9, 3, 2, 15,
     13, 8, 10, 1, 3, 15, 4, 2, 11, 6, 7, 12, 0, 5, 14, 9],
    [10, 0, 9, 14, 6, 3, 15, 5, 1, 13, 12, 7, 11, 4, 2, 8,
     13, 7, 0, 9, 3, 4, 6, 10, 2, 8, 5, 14, 12, 11, 15, 1,
     13, 6, 4, 9, 8, 15, 3, 0, 11, 1, 2, 12, 5, 10, 14, 7,
     1, 10, 13, 0, 6, 9, 8, 7, 4, 15, 14, 3, 11, 5, 2, 12],
    [7, 13, 14, 3, 0, 6, 9, 10, 1, 2, 8, 5, 11, 12, 4, 15,
     13, 8, 11, 5, 6, 15, 0, 3, 4, 7, 2, 12, 1, 10, 14, 9,
     10, 6, 9, 0, 12, 11, 7, 13, 15, 1, 3, 14, 5, 2, 8, 4,
     3, 15, 0, 6, 10, 1, 13, 8, 9, 4, 5, 11, 12, 7, 2, 14],
    [2, 12, 4, 1, 7, 10, 11, 6, 8, 5, 3, 15, 13, 0, 14, 9,
     14, 11, 2, 12, 4, 7, 13, 1, 5, 0, 15, 10, 3, 9, 8, 6,
     4, 2, 1, 11, 10, 13, 7, 8, 15, 9, 12, 5, 6, 3, 0, 14,
     11, 8, 12, 7, 1, 14, 2, 13, 6, 15, 0, 9, 10, 4, 5, 3],
    [12, 1, 10, 15, 9, 2, 6, 8, 0, 13, 3, 4, 14, 7, 5, 11,
     10, 15, 4, 2, 7, 12, 9, 5, 6, 1, 13, 14, 0, 11, 3, 8,
     9, 14, 15, 5, 2, 8, 12, 3, 7, 0, 4, 10, 1, 13, 11, 6,
     4, 3, 2, 12, 9, 5, 15, 10, 11, 14, 1, 7, 6, 0, 8, 13],
    [4, 11, 2, 14, 15, 0, 8, 13, 3, 12, 9, 7, 5, 10, 6, 1,
     13, 0, 11, 7, 4, 9, 1, 10, 14, 3, 5, 12, 2, 15, 8, 6,
     1, 4, 11, 13, 12, 3, 7, 14, 10, 15, 6, 8, 0, 5, 9, 2,
     6, 11, 13, 8, 1, 4, 10, 7, 9, 5, 0, 15, 14, 2, 3, 12],
    [13, 2, 8, 4, 6, 15, 11, 1, 10, 9, 3, 14, 5, 0, 12, 7,
     1, 15, 13, 8, 10, 3, 7, 4, 12, 5, 6, 11, 0, 14, 9, 2,
     7, 11, 4, 1, 9, 12, 14, 2, 0, 6, 10, 13, 15, 3, 5, 8,
     2, 1, 14, 7, 4, 10, 8, 13, 15, 12, 9, 0, 3, 5, 6, 11],
]


def _permute(value, table, width):
    """Bit i of the result (from the left, 1-based tables) is bit table[i] of a width-bit value."""
    out = 0
    for position in table:
        out = (out << 1) | ((value >> (width - position)) & 1)
    return out


def _subkeys(key8):
    cd = _permute(int.from_bytes(key8, "big"), _PC1, 64)
    c, d = cd >> 28, cd & 0x0FFFFFFF
    keys = []
    for shift in _SHIFTS:
        c = ((c << shift) | (c >> (28 - shift))) & 0x0FFFFFFF
        d = ((d << shift) | (d >> (28 - shift))) & 0x0FFFFFFF
        keys.append(_permute((c << 28) | d, _PC2, 56))
    return keys


def _feistel(r, k):
    x = _permute(r, _E, 32) ^ k
    out = 0
    for box in range(8):
        six = (x >> (42 - 6 * box)) & 0x3F
        row = ((six >> 4) & 0b10) | (six & 1)
        column = (six >> 1) & 0x0F
        out = (out << 4) | _S[box][row * 16 + column]
    return _permute(out, _P, 32)


def des_block(key8, block8, decrypt=False):
    """One 8-byte block through single DES (ECB); the key's parity bits are ignored."""
    if len(key8) != 8 or len(block8) != 8:
        raise ValueError("DES works on 8-byte keys and blocks")
    keys = _subkeys(key8)
    if decrypt:
        keys.reverse()
    x = _permute(int.from_bytes(block8, "big"), _IP, 64)
    left, right = x >> 32, x & 0xFFFFFFFF
    for k in keys:
        left, right = right, left ^ _feistel(right, k)
    return _permute((right << 32) | left, _FP, 64).to_bytes(8, "big")


def tdes_block(key16, block8, decrypt=False):
    """Triple DES EDE with a double-length key: K1 K2 K1."""
    if len(key16) != 16:
        raise ValueError("a double-length key is 16 bytes")
    k1, k2 = key16[:8], key16[8:]
    if decrypt:
        return des_block(k1, des_block(k2, des_block(k1, block8, True)), True)
    return des_block(k1, des_block(k2, des_block(k1, block8), True))


# --------------------------------------------------------------------------------------------
# PIN block, MAC, card data
# --------------------------------------------------------------------------------------------

def pin_block(pin, pan, pin_key_hex):
    """Field 52: ISO 9564 format 0 PIN block under the PIN key, upper-case hex."""
    if not re.fullmatch(r"\d{4,12}", pin):
        raise ValueError("a PIN has 4 to 12 digits")
    pin_field = ("0%X" % len(pin) + pin + "F" * 14)[:16]
    account = pan[:-1][-12:].rjust(12, "0")
    clear = bytes(a ^ b for a, b in zip(bytes.fromhex(pin_field), bytes.fromhex("0000" + account)))
    return tdes_block(bytes.fromhex(pin_key_hex), clear).hex().upper()


def mac_text(mti, fields):
    """What field 64 covers: mti|n=v|n=v... in numeric field order, 64 left out."""
    parts = ["%d=%s" % (n, fields[str(n)]) for n in sorted(int(k) for k in fields) if n != 64]
    return mti + "|" + "|".join(parts)


def mac(mti, fields, mac_key_hex):
    digest = hmac.new(bytes.fromhex(mac_key_hex), mac_text(mti, fields).encode("utf-8"), hashlib.sha256).digest()
    return digest[:8].hex().upper()


def mask_pan(pan):
    return pan[:6] + "*" * max(0, len(pan) - 10) + pan[-4:] if len(pan) > 10 else "*" * len(pan)


def mask_all(text):
    """Masks every run of 13 to 19 digits: whatever a log line carries, no full PAN leaves."""
    return re.sub(r"\d{13,19}", lambda m: mask_pan(m.group(0)), text)


def luhn_ok(pan):
    total = 0
    for i, ch in enumerate(reversed(pan)):
        d = int(ch)
        if i % 2 == 1:
            d = d * 2 - 9 if d > 4 else d * 2
        total += d
    return total % 10 == 0


class StripeError(Exception):
    """The read head made nothing usable of the stripe."""


def decode_track2(stripe_hex):
    """Track 2 as the head read it (ISO/IEC 7811-2): one byte per character, bits 0-3 the
    character, bit 4 odd parity; start sentinel 0B, data, end sentinel 0F, LRC. Returns the data
    between the sentinels ('=' for the separator) or raises StripeError."""
    try:
        raw = bytes.fromhex(stripe_hex)
    except ValueError:
        raise StripeError("stripe is not hex")
    if len(raw) < 3:
        raise StripeError("no data on the stripe")

    def parity_ok(ch):
        return bin(ch & 0x1F).count("1") % 2 == 1

    if not parity_ok(raw[0]) or raw[0] & 0x0F != 0x0B:
        raise StripeError("no start sentinel")
    lrc = 0x0B
    data = []
    for i in range(1, len(raw)):
        ch = raw[i] & 0x1F
        if not parity_ok(ch):  # bits 5-7 are not part of a character: ignored
            raise StripeError("parity error at character %d" % i)
        code = ch & 0x0F
        lrc ^= code
        if code == 0x0F:
            if i + 1 >= len(raw):
                raise StripeError("no LRC after the end sentinel")
            lrc_char = raw[i + 1] & 0x1F
            if not parity_ok(lrc_char) or lrc_char & 0x0F != lrc:
                raise StripeError("LRC error")
            return "".join(data)
        data.append(chr(ord("0") + code))  # 0x0D is '=', the field separator
    raise StripeError("no end sentinel")


def encode_track2(data):
    """The reverse of decode_track2 (for the self-test)."""
    def with_parity(code):
        return code | 0x10 if bin(code).count("1") % 2 == 0 else code

    codes = [0x0B] + [0x0D if c == "=" else int(c) for c in data] + [0x0F]
    lrc = 0
    for c in codes:
        lrc ^= c
    return bytes(with_parity(c) for c in codes + [lrc]).hex().upper()


class SwipedCard:
    """PAN=YYMMSSS... split into its parts."""

    def __init__(self, track2):
        pan, sep, rest = track2.partition("=")
        if not sep or not pan or len(rest) < 7 or not rest[:7].isdigit():
            raise StripeError("track 2 has no PAN=YYMMSSS shape")
        self.track2 = track2
        self.pan = pan
        self.expiry = rest[:4]
        self.service_code = rest[4:7]

    def has_chip(self):
        return self.service_code[0] in "26"


# --------------------------------------------------------------------------------------------
# What the terminal shows for a response code (field 39)
# --------------------------------------------------------------------------------------------

DECLINE_TEXTS = {
    "03": "INVALID MERCHANT",
    "05": "DO NOT HONOUR",
    "14": "INVALID CARD NUMBER",
    "15": "NO SUCH ISSUER",
    "21": "CARD NOT ACTIVATED",
    "41": "LOST CARD, RETAIN",
    "43": "STOLEN CARD, RETAIN",
    "46": "ACCOUNT CLOSED",
    "51": "INSUFFICIENT FUNDS",
    "54": "EXPIRED CARD",
    "55": "WRONG PIN",
    "57": "NOT ALLOWED FOR THIS CARD",
    "58": "NOT ALLOWED ON THIS TERMINAL",
    "59": "SUSPECTED FRAUD",
    "61": "AMOUNT LIMIT EXCEEDED",
    "62": "RESTRICTED CARD",
    "65": "FREQUENCY LIMIT EXCEEDED",
    "75": "PIN TRIES EXCEEDED",
    "78": "CARD NOT ACTIVATED",
    "90": "CUT-OVER, TRY LATER",
    "91": "ISSUER UNAVAILABLE",
    "92": "ISSUER UNAVAILABLE",
    "96": "SYSTEM MALFUNCTION, TRY LATER",
    "97": "TERMINAL NOT REGISTERED",
    "98": "ISSUER UNAVAILABLE",
    "99": "SIGN ON REQUIRED",
    "A0": "SIGN ON REQUIRED",
}


def decline_line(code):
    shown = code if re.fullmatch(r"[0-9A-Z]{1,2}", code) else "??"
    return "RESULT: DECLINED %s %s" % (shown, DECLINE_TEXTS.get(code, "TRANSACTION FAILED"))


# --------------------------------------------------------------------------------------------
# Flash: STAN counter and the owed reversal, written atomically
# --------------------------------------------------------------------------------------------

class Flash:
    def __init__(self, folder):
        self.folder = folder
        os.makedirs(folder, exist_ok=True)

    def _path(self, name):
        return os.path.join(self.folder, name)

    def _write(self, name, text):
        tmp = self._path(name + ".tmp")
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        try:
            os.write(fd, text.encode("utf-8"))
            os.fsync(fd)
        finally:
            os.close(fd)
        os.replace(tmp, self._path(name))
        try:  # make the rename itself durable
            dfd = os.open(self.folder, os.O_RDONLY)
            try:
                os.fsync(dfd)
            finally:
                os.close(dfd)
        except OSError:
            pass

    def _read(self, name):
        try:
            with open(self._path(name), encoding="utf-8") as f:
                return f.read()
        except FileNotFoundError:
            return None

    def next_stan(self):
        """000001..999999, then round again; saved before it is used."""
        text = self._read("stan")
        last = int(text) if text and text.strip().isdigit() else 0
        stan = last % 999999 + 1
        self._write("stan", str(stan))
        return "%06d" % stan

    def owed(self):
        """The owed reversal {"fields": {...}, "reason": "98"}, or None."""
        text = self._read("reversal.json")
        if text is None:
            return None
        try:
            record = json.loads(text)
            if isinstance(record.get("fields"), dict) and isinstance(record.get("reason"), str):
                return record
        except ValueError:
            pass
        # cannot happen with os.replace; keep the bytes for a human rather than lose them silently
        os.replace(self._path("reversal.json"), self._path("reversal.unreadable"))
        log("FLASH: reversal record unreadable, kept as reversal.unreadable")
        return None

    def owe(self, fields, reason):
        self._write("reversal.json", json.dumps({"fields": fields, "reason": reason}, sort_keys=True))

    def settle(self):
        try:
            os.remove(self._path("reversal.json"))
        except FileNotFoundError:
            pass


# --------------------------------------------------------------------------------------------
# Messages of the json-http dialect
# --------------------------------------------------------------------------------------------

# What a reversal repeats of the authorization it undoes.
REVERSAL_FIELDS = ("2", "3", "4", "11", "14", "22", "41", "42", "49")


class Failure:
    """Why an exchange gave no usable answer: the result shown and the reversal reason owed."""

    def __init__(self, name, line, reversal_reason):
        self.name, self.line, self.reversal_reason = name, line, reversal_reason


UNREACHABLE = Failure("UNREACHABLE", "RESULT: NO CONNECTION TO HOST", None)  # nothing reached the bank
TIMEOUT = Failure("TIMEOUT", "RESULT: COMMS TIMEOUT", "98")
BROKEN = Failure("BROKEN", "RESULT: COMMS ERROR", "98")
UNREADABLE = Failure("UNREADABLE", "RESULT: COMMS ERROR", "08")
BAD_MAC = Failure("BAD_MAC", "RESULT: COMMS ERROR", "A0")
NO_ECHO = Failure("NO_ECHO", "RESULT: COMMS ERROR", "08")


def parse_message(body):
    """A message of the dialect, as (mti, fields), or raises ValueError."""
    msg = json.loads(body.decode("utf-8"))
    if not isinstance(msg, dict):
        raise ValueError("not a JSON object")
    mti, fields = msg.get("mti"), msg.get("fields")
    if not isinstance(mti, str) or not re.fullmatch(r"\d{4}", mti):
        raise ValueError("no 4-digit mti")
    if not isinstance(fields, dict):
        raise ValueError("no fields object")
    for k, v in fields.items():
        if not re.fullmatch(r"\d{1,3}", k) or not isinstance(v, str):
            raise ValueError("field %s is not a numbered text field" % k)
    return mti, {str(int(k)): v for k, v in fields.items()}


# --------------------------------------------------------------------------------------------
# The terminal
# --------------------------------------------------------------------------------------------

def log(text):
    stamp = datetime.datetime.now().strftime("%H:%M:%S.%f")[:-3]
    try:
        sys.stderr.write("%s %s\n" % (stamp, mask_all(text)))
        sys.stderr.flush()
    except OSError:
        pass


def fail(text, code=2):
    sys.stderr.write("%s: %s\n" % (PROGRAM, text))
    sys.exit(code)


class Expired(Exception):
    pass


class Terminal:
    def __init__(self, cfg, env):
        self.cfg = cfg
        self.bank_url = env["POSBENCH_BANK"]
        self.flash = Flash(env["POSBENCH_FLASH"])
        self.selector = selectors.DefaultSelector()
        self.ready = collections.deque()      # inputs waiting for the flow
        self.host_results = queue.Queue()     # from HTTP worker threads
        self.wake_r, self.wake_w = os.pipe()
        os.set_blocking(self.wake_r, False)
        self.selector.register(self.wake_r, selectors.EVENT_READ, "wake")
        self.serial_fd = None
        self.serial_buf = b""
        self.world = None
        self.world_buf = b""
        self.state = "BOOTING"
        self.card_in_reader = False
        self.exchanges = 0

    # ---- the channels ----

    def open_serial(self, path):
        self.serial_fd = os.open(path, os.O_RDWR | os.O_NOCTTY)
        tty.setraw(self.serial_fd, termios.TCSAFLUSH)  # no echo, no line editing, no CR/LF mapping
        attrs = termios.tcgetattr(self.serial_fd)
        attrs[1] &= ~termios.OPOST
        termios.tcsetattr(self.serial_fd, termios.TCSANOW, attrs)
        termios.tcflush(self.serial_fd, termios.TCIFLUSH)  # a freshly started terminal finds the line empty
        self.selector.register(self.serial_fd, selectors.EVENT_READ, "serial")

    def connect_world(self, address):
        host, _, port = address.rpartition(":")
        self.world = socket.create_connection((host.strip("[]"), int(port)), timeout=10)
        self.world.settimeout(None)
        self.send_world({"v": 1, "type": "hello", "program": PROGRAM, "version": VERSION})
        deadline = time.monotonic() + 10
        while True:
            msg = self._read_world_line(deadline)
            if msg is None:
                fail("no welcome from posbench on POSBENCH_WORLD within 10 s", 3)
            if msg.get("type") == "welcome":
                log("WORLD: welcome from %s" % msg.get("bench", "?"))
                break
            log("WORLD: before the welcome, ignored: %s" % msg.get("type"))
        self.selector.register(self.world, selectors.EVENT_READ, "world")
        self._drain_world()  # an insert may have come with the welcome

    def _read_world_line(self, deadline):
        """Blocking read of one message during the handshake."""
        while b"\n" not in self.world_buf:
            left = deadline - time.monotonic()
            if left <= 0:
                return None
            self.world.settimeout(left)
            try:
                chunk = self.world.recv(4096)
            except socket.timeout:
                return None
            finally:
                self.world.settimeout(None)
            if not chunk:
                fail("POSBENCH_WORLD closed before the welcome", 3)
            self.world_buf += chunk
        line, self.world_buf = self.world_buf.split(b"\n", 1)
        return self._parse_world(line) or {}

    def send_world(self, message):
        self.world.sendall((json.dumps(message, separators=(",", ":")) + "\n").encode("utf-8"))

    def show(self, line):
        """One line on the serial line: ASCII, CRLF."""
        log("SERIAL> " + line)
        data = (line + "\r\n").encode("ascii", "replace")
        try:
            while data:
                n = os.write(self.serial_fd, data)
                data = data[n:]
        except OSError as e:
            log("SERIAL: cannot write: %s" % e)

    # ---- the event loop ----

    def next(self, deadline=None):
        """The next input the flow has to decide on, or raises Expired at the deadline (a
        time.monotonic() value; None waits for ever). Sale commands outside IDLE are answered
        here, and the chip reader's occupancy is tracked here."""
        while True:
            if self.ready:
                return self.ready.popleft()
            timeout = None
            if deadline is not None:
                timeout = deadline - time.monotonic()
                if timeout <= 0:
                    raise Expired()
            for key, _ in self.selector.select(timeout):
                getattr(self, "_on_" + key.data)()

    def _on_wake(self):
        try:
            os.read(self.wake_r, 4096)
        except BlockingIOError:
            pass
        while True:
            try:
                self.ready.append(("host",) + self.host_results.get_nowait())
            except queue.Empty:
                break

    def _on_serial(self):
        try:
            chunk = os.read(self.serial_fd, 4096)
        except OSError as e:
            chunk = b""
            log("SERIAL: read failed: %s" % e)
        if not chunk:  # the bench's end is gone: the line is dead until the power is cut
            log("SERIAL: line closed")
            self.selector.unregister(self.serial_fd)
            return
        self.serial_buf += chunk
        while True:
            m = re.search(rb"[\r\n]", self.serial_buf)
            if not m:
                break
            line, self.serial_buf = self.serial_buf[:m.start()], self.serial_buf[m.end():]
            self._command(line.decode("ascii", "replace").strip().upper())
        if len(self.serial_buf) > 256:
            self.serial_buf = b""

    def _command(self, text):
        if not text:
            return
        words = text.split()
        if words[0] == "PAY":
            if len(words) != 2 or not re.fullmatch(r"\d{1,12}", words[1]) or int(words[1]) == 0:
                self.show("ERROR: BAD AMOUNT")
            elif self.state != "IDLE":
                self.show("ERROR: BUSY")
            else:
                self.state = "STARTING"  # a second PAY before the purchase starts is busy too
                self.ready.append(("sale", int(words[1])))
        elif words == ["STATUS"]:
            self.show("STATUS: " + self.state)
        else:
            self.show("ERROR: UNKNOWN COMMAND")

    def _on_world(self):
        try:
            chunk = self.world.recv(65536)
        except OSError as e:
            chunk = b""
            log("WORLD: read failed: %s" % e)
        if not chunk:
            log("WORLD: posbench closed the socket")
            self.selector.unregister(self.world)
            return
        self.world_buf += chunk
        self._drain_world()

    def _drain_world(self):
        while b"\n" in self.world_buf:
            line, self.world_buf = self.world_buf.split(b"\n", 1)
            msg = self._parse_world(line)
            if msg is None:
                continue
            kind = msg.get("type")
            if kind == "insert":
                self.card_in_reader = True
            elif kind == "remove":
                self.card_in_reader = False
            if kind in ("swipe", "insert", "remove", "tap", "tap-end", "key"):
                self.ready.append(("world", msg))
            else:
                log("WORLD: %s ignored" % kind)  # rapdu, welcome again, or a type added later

    def _parse_world(self, line):
        line = line.strip()
        if not line:
            return None
        try:
            msg = json.loads(line.decode("utf-8"))
        except ValueError:
            log("WORLD: not JSON, ignored")
            return None
        if not isinstance(msg, dict) or msg.get("v") != 1:
            log("WORLD: not a version 1 message, ignored")
            return None
        return msg

    # ---- power on ----

    def run(self, env):
        self.open_serial(env["POSBENCH_SERIAL"])
        self.connect_world(env["POSBENCH_WORLD"])
        owed = self.flash.owed()
        if owed:
            log("FLASH: a reversal is owed for STAN %s (reason %s); it goes before the next authorization"
                % (owed["fields"].get("11"), owed["reason"]))
        log("BOOT %s %s" % (PROGRAM, VERSION))
        while True:
            self.state = "IDLE"
            self.show("SCREEN: READY")
            amount = self.await_sale()
            try:
                self.purchase(amount)
            except Exception as e:  # never die in front of the cardholder
                log("PURCHASE FAULT: %r" % e)
                self.show("RESULT: DECLINED ?? TRANSACTION FAILED")
            self.after_result()

    def await_sale(self):
        while True:
            item = self.next()
            if item[0] == "sale":
                return item[1]

    def after_result(self):
        if self.card_in_reader:
            self.state = "REMOVE_CARD"
            self.show("SCREEN: REMOVE CARD")
            while self.card_in_reader:
                self.next()

    # ---- a purchase ----

    def purchase(self, amount):
        self.state = "PRESENT_CARD"
        self.show("SCREEN: PRESENT CARD %d.%02d" % (amount // 100, amount % 100))
        card = self.await_card()
        if card is None or self.refused_locally(card):
            return
        log("CARD %s ENTRY 021" % mask_pan(card.pan))
        pin = self.read_digits("ENTER_PIN", "SCREEN: ENTER PIN", "SCREEN: PIN ", 4, 12, self.cfg["pinEntryMs"], True)
        if pin is None:
            return
        block = pin_block(pin, card.pan, self.cfg["pinKey"])
        del pin
        fields = {
            "2": card.pan,
            "3": "000000",
            "4": "%012d" % amount,
            "11": self.flash.next_stan(),
            "14": card.expiry,
            "22": "021",
            "35": card.track2,
            "41": self.cfg["terminalId"],
            "42": self.cfg["merchantId"],
            "49": self.cfg["currency"],
            "52": block,
        }
        self.online(fields, "first")

    def await_card(self):
        deadline = time.monotonic() + self.cfg["presentCardMs"] / 1000
        while True:
            try:
                item = self.next(deadline)
            except Expired:
                self.show("RESULT: TIMEOUT")
                return None
            if item[0] != "world":
                continue
            msg = item[1]
            kind = msg["type"]
            if kind == "key" and msg.get("key") == "CANCEL":
                self.show("RESULT: CANCELLED")
                return None
            if kind in ("insert", "tap"):
                self.show("SCREEN: PLEASE SWIPE")  # no chip or contactless kernel in this terminal
                deadline = time.monotonic() + self.cfg["presentCardMs"] / 1000
            elif kind == "swipe":
                card = self.read_swipe(msg)
                if card is not None:
                    return card
                deadline = time.monotonic() + self.cfg["presentCardMs"] / 1000

    def read_swipe(self, msg):
        speed = msg.get("speedCmPerSecond")
        lo, hi = self.cfg["readerMinCmPerSecond"], self.cfg["readerMaxCmPerSecond"]
        if not isinstance(speed, (int, float)) or not lo <= speed <= hi:
            log("SWIPE AT %s CM/S OUTSIDE %s..%s" % (speed, lo, hi))
            self.show("SCREEN: READ ERROR, SWIPE AGAIN")
            return None
        try:
            card = SwipedCard(decode_track2(str(msg.get("stripe", ""))))
        except StripeError as e:
            log("STRIPE: %s" % e)
            self.show("SCREEN: READ ERROR, SWIPE AGAIN")
            return None
        if card.has_chip():
            log("SERVICE CODE %s: THE CARD HAS A CHIP" % card.service_code)
            self.show("SCREEN: INSERT CHIP")
            return None
        return card

    def refused_locally(self, card):
        """Checks before anything goes online; True when a result was shown."""
        if not (re.fullmatch(r"\d{13,19}", card.pan) and luhn_ok(card.pan)):
            self.show("RESULT: INVALID CARD")
            return True
        yymm = card.expiry
        if not re.fullmatch(r"\d\d(0[1-9]|1[0-2])", yymm):
            self.show("RESULT: INVALID CARD")
            return True
        if yymm < datetime.date.today().strftime("%y%m"):
            self.show("RESULT: CARD EXPIRED")
            return True
        bins = self.cfg["acceptedBins"]
        if bins and not any(card.pan.startswith(b) for b in bins):
            self.show("RESULT: CARD NOT ACCEPTED")
            return True
        return False

    def read_digits(self, state, prompt, masked, least, most, timeout_ms, from_last_key):
        """Masked digit entry: the prompt, one star per digit, CLEAR starts over, ENTER confirms
        least..most digits, CANCEL ends it, and so does the timeout. None when it did not end with
        ENTER (the result is shown)."""
        self.state = state
        self.show(prompt)
        digits = []
        deadline = time.monotonic() + timeout_ms / 1000
        while True:
            try:
                item = self.next(deadline)
            except Expired:
                self.show("RESULT: TIMEOUT")
                return None
            if item[0] != "world" or item[1]["type"] != "key":
                continue
            key = item[1].get("key")
            if from_last_key:
                deadline = time.monotonic() + timeout_ms / 1000
            if key == "ENTER":
                if len(digits) >= least:
                    return "".join(digits)
            elif key == "CANCEL":
                self.show("RESULT: CANCELLED")
                return None
            elif key == "CLEAR":
                digits = []
                self.show(prompt)
            elif isinstance(key, str) and len(key) == 1 and key.isdigit():
                if len(digits) < most:
                    digits.append(key)
                    self.show(masked + "*" * len(digits))

    # ---- going online ----

    def online(self, fields, attempt):
        answer = self.authorize(fields)
        if answer is not None:
            self.conclude(fields, answer, attempt)

    def authorize(self, fields):
        """The authorization with its safety net: an owed reversal goes first, the reversal for
        this one is saved before it leaves, anything short of a valid answer is shown and
        reversed at once. Returns the valid answer's fields, or None when the purchase ended."""
        self.state = "ONLINE"
        self.show("SCREEN: PROCESSING")
        stuck = self.send_owed_reversal()
        if stuck is not None:
            log("THE OWED REVERSAL DID NOT GO THROUGH: NO NEW AUTHORIZATION")
            self.show(stuck.line)
            return None
        original = {n: fields[n] for n in REVERSAL_FIELDS if n in fields}
        self.flash.owe(original, "98")  # a power cut while waiting leaves it owed
        result = self.exchange("0100", fields)
        if not isinstance(result, Failure):
            self.flash.settle()
            return result
        self.show(result.line)
        if result.reversal_reason is None:
            self.flash.settle()
        else:
            self.flash.owe(original, result.reversal_reason)
            self.state = "REVERSAL"
            self.send_owed_reversal()
        return None

    def send_owed_reversal(self):
        """Sends the owed reversal, if any, retrying at once; None when nothing is owed any more,
        otherwise the last failure (it stays owed for the next authorization)."""
        owed = self.flash.owed()
        if owed is None:
            return None
        fields = dict(owed["fields"])
        fields["39"] = owed["reason"]
        last = TIMEOUT
        for attempt in range(1, 2 + self.cfg["reversalRetries"]):
            log("REVERSAL STAN %s REASON %s ATTEMPT %d" % (fields.get("11"), owed["reason"], attempt))
            result = self.exchange("0400", fields)
            if not isinstance(result, Failure):
                self.flash.settle()
                log("REVERSAL ACCEPTED")
                return None
            last = result
        log("REVERSAL PENDING")
        return last

    def conclude(self, fields, answer, attempt):
        code = answer["39"].upper()
        if code == "00":
            self.show("RESULT: APPROVED")
        elif attempt == "sms":
            self.show("RESULT: SMS CODE INCORRECT")
        elif code in ("A0", "99") and attempt == "first" and self.cfg["signOn"]:
            self.sign_on_and_retry(fields)
        elif code == "1A" and answer.get("48", "").strip().upper() == "FACE":
            self.show("RESULT: VERIFY IDENTITY AT BANK")
        elif code == "1A" and attempt in ("first", "after-sign-on"):
            self.sms_code(fields)
        else:
            self.show(decline_line(code))

    def sign_on_and_retry(self, fields):
        self.show("SCREEN: SIGN ON REQUIRED")
        self.state = "ONLINE"
        self.show("SCREEN: SIGNING ON")
        sign_on = {"11": self.flash.next_stan(), "41": self.cfg["terminalId"], "42": self.cfg["merchantId"]}
        result = self.exchange("0800", sign_on)
        if isinstance(result, Failure) or result["39"] != "00":
            log("SIGN ON FAILED")
            self.show("RESULT: SIGN ON REQUIRED")
            return
        log("SIGNED ON")
        self.online(dict(fields, **{"11": self.flash.next_stan()}), "after-sign-on")

    def sms_code(self, fields):
        """1A: the issuer sent the cardholder a code; the authorization goes again carrying it (48)."""
        code = self.read_digits("ENTER_OTP", "SCREEN: ENTER SMS CODE", "SCREEN: CODE ", 1, 12, self.cfg["otpEntryMs"],
                                False)
        if code is not None:
            self.online(dict(fields, **{"11": self.flash.next_stan(), "48": code}), "sms")

    # ---- the bank ----

    def exchange(self, mti, fields):
        """Signs and sends one request; waits at most the host timeout. Returns the answer's
        fields when it passed every check, otherwise a Failure."""
        request = dict(fields)
        request.pop("64", None)
        request["64"] = mac(mti, request, self.cfg["macKey"])
        body = json.dumps({"mti": mti, "fields": request}, separators=(",", ":")).encode("utf-8")
        self.exchanges += 1
        xid = self.exchanges
        progress = {"connected": False}
        timeout = self.cfg["hostMs"] / 1000
        log("SEND %s STAN %s" % (mti, request.get("11", "-")))
        threading.Thread(target=self._http, args=(xid, body, timeout, progress), daemon=True).start()
        deadline = time.monotonic() + timeout
        while True:
            try:
                item = self.next(deadline)
            except Expired:
                if not progress["connected"]:
                    log("HOST UNREACHABLE: no connection within %d ms" % self.cfg["hostMs"])
                    return UNREACHABLE
                log("HOST TIMEOUT: no answer within %d ms" % self.cfg["hostMs"])
                return TIMEOUT
            if item[0] == "host" and item[1] == xid:
                return self._validate(mti, request, item[2], item[3])
            # keys, cards and late answers of abandoned exchanges do not matter while the bank thinks

    def _http(self, xid, body, timeout, progress):
        """Worker thread: one connection per message, as a terminal dialling per message does."""
        url = urllib.parse.urlsplit(self.bank_url)
        cls = http.client.HTTPSConnection if url.scheme == "https" else http.client.HTTPConnection
        conn = cls(url.hostname, url.port, timeout=timeout)
        try:
            try:
                conn.connect()
            except OSError as e:
                result = ("unreachable", repr(e))
            else:
                progress["connected"] = True
                try:
                    target = (url.path or "/") + ("?" + url.query if url.query else "")
                    conn.request("POST", target, body=body,
                                 headers={"Content-Type": "application/json", "Connection": "close"})
                    response = conn.getresponse()
                    result = ("answer", (response.status, response.read()))
                except socket.timeout as e:
                    result = ("timeout", repr(e))
                except (ConnectionError, http.client.IncompleteRead) as e:
                    result = ("broken", repr(e))  # includes RemoteDisconnected
                except http.client.HTTPException as e:
                    result = ("unreadable", repr(e))  # bytes came back, but not HTTP
                except OSError as e:
                    result = ("broken", repr(e))
        finally:
            conn.close()
        self.host_results.put((xid,) + result)
        try:
            os.write(self.wake_w, b"!")
        except OSError:
            pass

    def _validate(self, mti, request, kind, detail):
        if kind != "answer":
            log("HOST %s: %s" % (kind.upper(), detail))
            return {"unreachable": UNREACHABLE, "timeout": TIMEOUT, "broken": BROKEN}.get(kind, UNREADABLE)
        status, body = detail
        if status != 200:
            log("HOST UNREADABLE: HTTP status %d" % status)
            return UNREADABLE
        try:
            answer_mti, answer = parse_message(body)
        except (ValueError, UnicodeDecodeError) as e:
            log("HOST UNREADABLE: %s" % e)
            return UNREADABLE
        if "64" not in answer or not hmac.compare_digest(
                answer["64"].encode("ascii", "replace"), mac(answer_mti, answer, self.cfg["macKey"]).encode("ascii")):
            log("HOST BAD MAC: the answer's MAC is missing or wrong")
            return BAD_MAC
        if (answer_mti != "%04d" % (int(mti) + 10) or answer.get("11") != request.get("11")
                or answer.get("41") != request.get("41")
                or ("3" in answer and answer["3"] != request.get("3"))):
            log("HOST NO ECHO: the answer does not echo the request")
            return NO_ECHO
        if "39" not in answer:
            log("HOST UNREADABLE: the answer has no response code")
            return UNREADABLE
        log("RECV %s STAN %s CODE %s" % (answer_mti, answer.get("11"), answer["39"]))
        return answer


# --------------------------------------------------------------------------------------------
# Configuration, self-test, main
# --------------------------------------------------------------------------------------------

CONFIG_KEYS = {
    "terminalId": r"[0-9A-Za-z]{8}", "merchantId": r"[0-9A-Za-z]{15}", "currency": r"\d{3}",
    "pinKey": r"[0-9A-Fa-f]{32}", "macKey": r"(?:[0-9A-Fa-f]{2})+",
}
CONFIG_NUMBERS = ("presentCardMs", "pinEntryMs", "otpEntryMs", "hostMs", "reversalRetries",
                  "readerMinCmPerSecond", "readerMaxCmPerSecond")


def load_config(path):
    try:
        with open(path, encoding="utf-8") as f:
            cfg = json.load(f)
    except (OSError, ValueError) as e:
        fail("cannot read the configuration %s: %s" % (path, e))
    for key, pattern in CONFIG_KEYS.items():
        if not isinstance(cfg.get(key), str) or not re.fullmatch(pattern, cfg[key]):
            fail("%s: %s is missing or malformed" % (path, key))
    for key in CONFIG_NUMBERS:
        if not isinstance(cfg.get(key), (int, float)) or cfg[key] < 0:
            fail("%s: %s must be a number" % (path, key))
    if not isinstance(cfg.get("acceptedBins", []), list) or not isinstance(cfg.get("signOn", True), bool):
        fail("%s: acceptedBins must be a list and signOn true or false" % path)
    cfg.setdefault("acceptedBins", [])
    cfg.setdefault("signOn", True)
    cfg["reversalRetries"] = int(cfg["reversalRetries"])
    return cfg


def self_test():
    failures = []

    def check(name, got, want):
        ok = got == want
        print("%-58s %s" % (name, "ok" if ok else "FAILED: got %r, want %r" % (got, want)))
        if not ok:
            failures.append(name)

    h = bytes.fromhex
    check("DES 133457799BBCDFF1 / 0123456789ABCDEF",
          des_block(h("133457799BBCDFF1"), h("0123456789ABCDEF")).hex().upper(), "85E813540F0AB405")
    check("DES decrypts back",
          des_block(h("133457799BBCDFF1"), h("85E813540F0AB405"), True).hex().upper(), "0123456789ABCDEF")
    check("DES 0E329232EA6D0D73 / 8787878787878787 (zero block)",
          des_block(h("0E329232EA6D0D73"), h("8787878787878787")).hex().upper(), "0000000000000000")
    check("DES 0123456789ABCDEF / 'Now is t' (FIPS 81)",
          des_block(h("0123456789ABCDEF"), b"Now is t").hex().upper(), "3FA40E8A984D4815")
    check("TDES with K1 = K2 is single DES",
          tdes_block(h("133457799BBCDFF1133457799BBCDFF1"), h("0123456789ABCDEF")).hex().upper(), "85E813540F0AB405")
    key = h("0123456789ABCDEFFEDCBA9876543210")
    check("TDES decrypts back", tdes_block(key, tdes_block(key, h("0011223344556677")), True).hex().upper(),
          "0011223344556677")
    # Cross-checked with the JDK's DESede (dev.posbench.channel.PinBlock), the bank's own code.
    check("TDES 0123..3210 / 0123456789ABCDEF",
          tdes_block(key, h("0123456789ABCDEF")).hex().upper(), "1A4D672DCA6CB335")
    check("PIN block 258369 / 6225880012345675",
          pin_block("258369", "6225880012345675", "0123456789ABCDEFFEDCBA9876543210"), "3DAF60F6F190E450")
    check("MAC text", mac_text("0110", {"39": "00", "11": "000001", "64": "X", "3": "000000"}),
          "0110|3=000000|11=000001|39=00")
    check("MAC 0800", mac("0800", {"11": "000001", "41": "PY000001", "42": "898440153110002"},
                          "00112233445566778899AABBCCDDEEFF00112233445566778899AABBCCDDEEFF"), "3E4E2700B515BC64")
    track = "6225880012345675=301210100000"
    stripe = "0B160202150808101001021304151607150D1310010201100110101010101F1F"
    check("track 2 encodes as the bench writes it", encode_track2(track), stripe)
    check("track 2 decodes", decode_track2(stripe), track)
    check("track 2 splits", (SwipedCard(track).pan, SwipedCard(track).expiry, SwipedCard(track).service_code),
          ("6225880012345675", "3012", "101"))

    def error_of(hex_text):
        try:
            decode_track2(hex_text)
            return None
        except StripeError as e:
            return str(e)

    damaged = bytearray(h(stripe))
    damaged[5] ^= 0x10
    check("a parity error is a read error", error_of(damaged.hex()), "parity error at character 5")
    bad_lrc = bytearray(h(stripe))
    bad_lrc[-1] = 0x1F if bad_lrc[-1] != 0x1F else 0x01
    check("a wrong LRC is a read error", error_of(bad_lrc.hex()), "LRC error")
    check("a blank stripe is a read error", error_of(""), "no data on the stripe")
    check("no end sentinel is a read error", error_of(stripe[:-4]), "no end sentinel")
    check("Luhn", (luhn_ok("6225880012345675"), luhn_ok("6225880099998884")), (True, False))
    check("PAN masking", mask_all("card 6225880012345675 stan 000001"), "card 622588******5675 stan 000001")
    print("self-test %s" % ("FAILED: " + ", ".join(failures) if failures else "passed"))
    return 1 if failures else 0


def main(argv):
    parser = argparse.ArgumentParser(description="posbench example terminal (stripe + online PIN)")
    parser.add_argument("--config", default=os.path.join(os.path.dirname(os.path.abspath(__file__)), "terminal.json"))
    parser.add_argument("--self-test", action="store_true", help="check DES, PIN block, MAC and track 2, then exit")
    args = parser.parse_args(argv)
    if args.self_test:
        return self_test()
    env = os.environ
    contract = env.get("POSBENCH_CONTRACT")
    if contract != CONTRACT:
        fail("this program speaks terminal contract version %s, POSBENCH_CONTRACT is %r" % (CONTRACT, contract))
    for name in ("POSBENCH_SERIAL", "POSBENCH_BANK", "POSBENCH_BANK_DIALECT", "POSBENCH_WORLD", "POSBENCH_FLASH"):
        if not env.get(name):
            fail("%s is not set" % name)
    if env["POSBENCH_BANK_DIALECT"] != "json-http":
        fail("bank dialect %r is not supported: this program speaks json-http only" % env["POSBENCH_BANK_DIALECT"])
    cfg = load_config(args.config)
    terminal = Terminal(cfg, env)
    try:
        terminal.run(env)
    except OSError as e:
        fail("cannot reach a channel: %s" % e, 3)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
