#!/usr/bin/env python3
"""An external LucidDrag reasoner: a Majordomo 0.2 worker for "lucid.v1.Reasoner" in plain Python.

    /usr/bin/python3 reasoner_worker.py --bus ipc:///run/user/1000/luciddrag/gateway.sock

It shows that anything speaking the contract can serve as the Reasoner: it registers with the broker
(MDP/0.2 READY), answers "Health" and "Reason" with lucid.v1.RequestEnvelope/ReplyEnvelope carrying the
generated protobuf messages, heartbeats, reconnects when the broker goes quiet, and on SIGTERM/SIGINT
says DISCONNECT and exits. Its reasoning is a deliberately simple rule on the drag vectors (it is an
example): drags that spread out from their common centre enlarge, drags that converge shrink, drags that
agree move; a single drag is read as a move first, then enlarge and a stretch along its main axis.

Needs Debian's python3-zmq and python3-protobuf (scripts/setup.sh installs both).
"""

from __future__ import annotations

import argparse
import math
import os
import signal
import socket
import struct
import sys
import time
import zlib

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "generated"))

import zmq  # noqa: E402
from lucid.v1 import common_pb2, health_pb2, reasoner_pb2, rpc_pb2  # noqa: E402

SERVICE = "lucid.v1.Reasoner"
WORKER_HEADER = b"MDPW02"
READY, REQUEST, PARTIAL, FINAL, HEARTBEAT, DISCONNECT = (bytes([c]) for c in range(1, 7))
VERSION = "0.1.0-python-example"
#: Kind -> (description, past participle for the target prompt).
KIND_WORDS = {common_pb2.MOVE: ("move the object", "moved"), common_pb2.ENLARGE: ("enlarge the object", "enlarged"),
              common_pb2.SHRINK: ("shrink the object", "shrunk"),
              common_pb2.STRETCH_HORIZONTAL: ("stretch the object horizontally", "stretched horizontally"),
              common_pb2.STRETCH_VERTICAL: ("stretch the object vertically", "stretched vertically")}


class InvalidArgument(Exception):
    """A request the worker refuses with INVALID_ARGUMENT."""


# ------------------------------------------------------------------------------------------ images

def png_header(data: bytes) -> tuple[int, int, int, int, int]:
    """(width, height, bit depth, colour type, interlace) of a PNG file."""
    if len(data) < 33 or data[:8] != b"\x89PNG\r\n\x1a\n" or data[12:16] != b"IHDR":
        raise InvalidArgument("the bytes are not a PNG file")
    width, height, depth, colour, _, _, interlace = struct.unpack(">IIBBBBB", data[16:29])
    return width, height, depth, colour, interlace


def jpeg_size(data: bytes) -> tuple[int, int]:
    """(width, height) from a JPEG's start-of-frame marker."""
    i = 2
    while i + 9 < len(data):
        if data[i] != 0xFF:
            break
        marker, length = data[i + 1], struct.unpack(">H", data[i + 2:i + 4])[0]
        if 0xC0 <= marker <= 0xCF and marker not in (0xC4, 0xC8, 0xCC):
            height, width = struct.unpack(">HH", data[i + 5:i + 9])
            return width, height
        i += 2 + length
    raise InvalidArgument("the JPEG has no frame header")


def image_size(image: common_pb2.Image) -> tuple[int, int]:
    """The size of a request image, checking what can be checked without decoding pixels."""
    kind = image.WhichOneof("content")
    if kind == "raw":
        raw = image.raw
        if raw.channels not in (1, 3, 4):
            raise InvalidArgument(f"image: the image has {raw.channels} channels, expected 1 or 3 or 4")
        if raw.width == 0 or raw.height == 0 or len(raw.pixels) != raw.width * raw.height * raw.channels:
            raise InvalidArgument("image: the raw pixel count does not match width × height × channels")
        return raw.width, raw.height
    if kind == "encoded":
        data = image.encoded
        if data[:3] == b"\xff\xd8\xff":
            return jpeg_size(data)
        if data[:8] == b"\x89PNG\r\n\x1a\n":
            width, height, *_ = png_header(data)
            return width, height
        raise InvalidArgument("image: the image cannot be decoded: the bytes are neither a PNG nor a JPEG file")
    raise InvalidArgument("image: no image was given")


def png_first_channel(data: bytes) -> tuple[int, int, bytes]:
    """Decodes an 8-bit, non-interlaced PNG (grey, grey+alpha, RGB or RGBA) to its first channel."""
    width, height, depth, colour, interlace = png_header(data)
    channels = {0: 1, 2: 3, 4: 2, 6: 4}.get(colour)
    if depth != 8 or channels is None or interlace:
        raise InvalidArgument("mask: this example reads only 8-bit non-interlaced PNG masks")
    idat, i = b"", 8
    while i + 8 <= len(data):
        length, kind = struct.unpack(">I4s", data[i:i + 8])
        if kind == b"IDAT":
            idat += data[i + 8:i + 8 + length]
        i += 12 + length
    try:
        raw = zlib.decompress(idat)
    except zlib.error as error:
        raise InvalidArgument(f"mask: the PNG data is corrupt ({error})") from None
    stride = width * channels
    if len(raw) < height * (stride + 1):
        raise InvalidArgument("mask: the PNG data is truncated")
    rows, previous = [], bytearray(stride)
    for y in range(height):
        kind, line = raw[y * (stride + 1)], bytearray(raw[y * (stride + 1) + 1:(y + 1) * (stride + 1)])
        for x in range(stride):
            a = line[x - channels] if x >= channels else 0
            b, c = previous[x], previous[x - channels] if x >= channels else 0
            if kind == 1:
                line[x] = (line[x] + a) & 0xFF
            elif kind == 2:
                line[x] = (line[x] + b) & 0xFF
            elif kind == 3:
                line[x] = (line[x] + (a + b) // 2) & 0xFF
            elif kind == 4:
                p = a + b - c
                pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
                line[x] = (line[x] + (a if pa <= pb and pa <= pc else b if pb <= pc else c)) & 0xFF
        rows.append(bytes(line[0::channels]))
        previous = line
    return width, height, b"".join(rows)


def mask_values(mask: common_pb2.Mask) -> tuple[int, int, bytes]:
    kind = mask.WhichOneof("content")
    if kind == "raw":
        if mask.raw.channels != 1:
            raise InvalidArgument(f"mask: the image has {mask.raw.channels} channels, expected 1")
        if len(mask.raw.pixels) != mask.raw.width * mask.raw.height:
            raise InvalidArgument("mask: the raw pixel count does not match width × height")
        return mask.raw.width, mask.raw.height, mask.raw.pixels
    if kind == "encoded":
        return png_first_channel(mask.encoded)
    raise InvalidArgument("no mask: give the editable region (non-zero = editable)")


# ------------------------------------------------------------------------------------------ reasoning

def validate(request: reasoner_pb2.ReasonRequest) -> int:
    """Checks a request the way the Swift reasoner does; returns the number of intentions to give."""
    width, height = image_size(request.image)
    mask_width, mask_height, values = mask_values(request.mask)
    if (mask_width, mask_height) != (width, height):
        raise InvalidArgument(f"the mask is {mask_width}×{mask_height} but the image is {width}×{height}")
    if not any(values):
        raise InvalidArgument("the mask is empty: mark the editable region with non-zero pixels")
    if not request.pairs:
        raise InvalidArgument("no point pairs: give at least one handle → target drag")
    for i, pair in enumerate(request.pairs):
        for name, p in (("handle", pair.handle), ("target", pair.target)):
            if not (0 <= p.x < width and 0 <= p.y < height):
                raise InvalidArgument(f"pair {i}: the {name} ({p.x}, {p.y}) is outside the {width}×{height} image")
        if (pair.handle.x, pair.handle.y) == (pair.target.x, pair.target.y):
            raise InvalidArgument(f"pair {i}: the handle equals the target; a drag must move")
    count = request.num_intentions or 3
    if count > 7:
        raise InvalidArgument(f"num_intentions must be between 1 and 7 (0 means 3), got {count}")
    return count


def reason(request: reasoner_pb2.ReasonRequest) -> reasoner_pb2.ReasonResponse:
    count = validate(request)
    pairs = [(p.handle.x, p.handle.y, p.target.x - p.handle.x, p.target.y - p.handle.y) for p in request.pairs]
    cx = sum(p[0] for p in pairs) / len(pairs)
    cy = sum(p[1] for p in pairs) / len(pairs)
    dx = sum(p[2] for p in pairs) / len(pairs)
    dy = sum(p[3] for p in pairs) / len(pairs)
    axis = common_pb2.STRETCH_HORIZONTAL if abs(dx) >= abs(dy) else common_pb2.STRETCH_VERTICAL
    if len(pairs) == 1:
        weights = {common_pb2.MOVE: 3.0, common_pb2.ENLARGE: 2.0, axis: 1.0, common_pb2.SHRINK: 0.5}
    else:
        # How much the drags point away from (positive) or towards (negative) their common centre.
        spread = sum(((x - cx) * ddx + (y - cy) * ddy) / (math.hypot(x - cx, y - cy) * math.hypot(ddx, ddy) or 1.0)
                     for x, y, ddx, ddy in pairs) / len(pairs)
        if spread > 0.5:
            weights = {common_pb2.ENLARGE: 3.0, axis: 2.0, common_pb2.MOVE: 0.5, common_pb2.SHRINK: 0.2}
        elif spread < -0.5:
            weights = {common_pb2.SHRINK: 3.0, common_pb2.MOVE: 0.5, common_pb2.ENLARGE: 0.2, axis: 0.2}
        else:
            weights = {common_pb2.MOVE: 3.0, common_pb2.ENLARGE: 0.5, axis: 0.5, common_pb2.SHRINK: 0.3}
    ranked = sorted(weights.items(), key=lambda kv: -kv[1])[:count]
    total = sum(w for _, w in ranked)
    caption = request.caption.strip() or "the image"
    response = reasoner_pb2.ReasonResponse(region_description="the object under the handles",
                                           backend="python-example")
    for kind, weight in ranked:
        description, past = KIND_WORDS[kind]
        response.intentions.add(kind=kind, confidence=weight / total, source_prompt=caption,
                                target_prompt=f"{caption}, with the object under the handles {past}",
                                description=description)
    return response


# ------------------------------------------------------------------------------------------ the worker

class Worker:
    """One MDP/0.2 worker socket (DEALER) with heartbeats and reconnection."""

    def __init__(self, endpoint: str, service: str, heartbeat_ms: int, liveness: int, worker_id: str):
        self.endpoint, self.service = endpoint, service
        self.heartbeat = heartbeat_ms / 1000.0
        self.liveness = liveness
        self.worker_id = worker_id
        self.context = zmq.Context.instance()
        self.socket = None
        self.started = time.monotonic()
        self.stopping = False

    def connect(self) -> None:
        if self.socket is not None:
            self.socket.close(linger=0)
        self.socket = self.context.socket(zmq.DEALER)
        self.socket.setsockopt(zmq.LINGER, 0)
        self.socket.connect(self.endpoint)
        self.socket.send_multipart([WORKER_HEADER, READY, self.service.encode()])
        self.broker_expiry = time.monotonic() + self.heartbeat * self.liveness
        self.next_heartbeat = time.monotonic() + self.heartbeat

    def run(self) -> None:
        self.connect()
        print("ready", flush=True)
        while not self.stopping:
            timeout = max(0.0, self.next_heartbeat - time.monotonic())
            if self.socket.poll(int(timeout * 1000) + 1):
                frames = self.socket.recv_multipart()
                self.broker_expiry = time.monotonic() + self.heartbeat * self.liveness
                self.handle(frames)
            now = time.monotonic()
            if now >= self.broker_expiry:
                print("broker silent; reconnecting", file=sys.stderr, flush=True)
                self.connect()
            elif now >= self.next_heartbeat:
                self.socket.send_multipart([WORKER_HEADER, HEARTBEAT])
                self.next_heartbeat = now + self.heartbeat
        self.socket.send_multipart([WORKER_HEADER, DISCONNECT])
        self.socket.close(linger=100)

    def handle(self, frames: list[bytes]) -> None:
        if len(frames) < 2 or frames[0] != WORKER_HEADER:
            print("malformed message from the broker dropped", file=sys.stderr, flush=True)
            return
        command = frames[1]
        if command == REQUEST and len(frames) >= 5 and frames[3] == b"":
            reply = self.serve(frames[4])
            if reply is not None:
                self.socket.send_multipart([WORKER_HEADER, FINAL, frames[2], b"", reply.SerializeToString()])
        elif command == DISCONNECT:
            self.connect()

    def serve(self, body: bytes) -> rpc_pb2.ReplyEnvelope | None:
        envelope = rpc_pb2.RequestEnvelope()
        try:
            envelope.ParseFromString(body)
        except Exception:  # noqa: BLE001 — any undecodable body is the caller's error
            return failure("", common_pb2.INVALID_ARGUMENT, "request body is not one lucid.v1.RequestEnvelope frame")
        if envelope.cancel:
            return None  # requests are answered synchronously; nothing is left to cancel
        if envelope.deadline_unix_ms and envelope.deadline_unix_ms <= time.time() * 1000:
            return failure(envelope.request_id, common_pb2.DEADLINE_EXCEEDED, "deadline passed before the reasoner started")
        try:
            if envelope.method == "Health":
                payload = health_pb2.HealthResponse(
                    status=health_pb2.HealthResponse.SERVING, service=self.service, worker_id=self.worker_id,
                    version=VERSION, uptime_seconds=time.monotonic() - self.started)
            elif envelope.method == "Reason":
                request = reasoner_pb2.ReasonRequest()
                request.ParseFromString(envelope.payload)
                payload = reason(request)
            else:
                return failure(envelope.request_id, common_pb2.UNIMPLEMENTED, f"{self.service} has no method \"{envelope.method}\"")
        except InvalidArgument as error:
            return failure(envelope.request_id, common_pb2.INVALID_ARGUMENT, str(error))
        except Exception as error:  # noqa: BLE001 — report, keep serving
            return failure(envelope.request_id, common_pb2.INTERNAL, f"{self.service}.{envelope.method} failed: {error}")
        return rpc_pb2.ReplyEnvelope(request_id=envelope.request_id, status=common_pb2.Status(code=common_pb2.OK),
                                     payload=payload.SerializeToString())


def failure(request_id: str, code: int, message: str) -> rpc_pb2.ReplyEnvelope:
    return rpc_pb2.ReplyEnvelope(request_id=request_id, status=common_pb2.Status(code=code, message=message))


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description="Example external reasoner (MDP/0.2 worker, Python).")
    parser.add_argument("--bus", default=os.environ.get("LUCID_BUS"), help="broker endpoint (or LUCID_BUS)")
    parser.add_argument("--service", default=SERVICE, help="Majordomo service name")
    parser.add_argument("--heartbeat-ms", type=int, default=int(os.environ.get("LUCID_HEARTBEAT_MS") or 1000),
                        help="heartbeat interval, as the broker's (or LUCID_HEARTBEAT_MS)")
    parser.add_argument("--heartbeat-liveness", type=int, default=int(os.environ.get("LUCID_HEARTBEAT_LIVENESS") or 3),
                        help="silent intervals before reconnecting (or LUCID_HEARTBEAT_LIVENESS)")
    parser.add_argument("--worker-id", default=f"{socket.gethostname()}-{os.getpid()}-python")
    args = parser.parse_args(argv)
    if not args.bus:
        parser.error("give the broker endpoint with --bus or LUCID_BUS")
    worker = Worker(args.bus, args.service, args.heartbeat_ms, args.heartbeat_liveness, args.worker_id)

    def stop(signum, frame):  # noqa: ARG001
        worker.stopping = True

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    # A parent may have spawned us with these blocked (the mask is inherited); we want them delivered.
    signal.pthread_sigmask(signal.SIG_UNBLOCK, {signal.SIGTERM, signal.SIGINT})
    worker.run()
    return 0


if __name__ == "__main__":
    sys.exit(main())
