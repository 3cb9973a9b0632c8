"""The bad-input corpus: malformed Majordomo frames, broken envelopes and hostile edit requests.

Every case is one multi-frame message that a raw DEALER sends to the broker, as a client or as a
(rogue) worker, with what must come back: `error` (a FINAL whose ReplyEnvelope carries a non-OK
status), `answer` (a FINAL, success or error: odd but decodable inputs, e.g. a palette PNG or 1000
drags, which a service may accept) or `drop` (nothing: the broker logs the malformed message).
`FuzzCorpusTests` (Tests/IntegrationTests) sends them all to real gateway, reasoner and sampler
processes and checks the answers, that no process died, and that every service still serves.

Seeded, so the same seed writes the same file; grow the corpus by adding generators or raising
--repeat, never by editing corpus.jsonl by hand.

    .venv-test/bin/python Tests/Fixtures/fuzz/make_corpus.py            # writes corpus.jsonl beside it
"""

from __future__ import annotations

import argparse
import base64
import io
import json
import random
import struct
import zlib
from pathlib import Path

import numpy as np
from PIL import Image

HERE = Path(__file__).resolve().parent
TASK = HERE.parents[2] / "Benchmarks/data/drag-dev/task-0032"
CLIENT, WORKER = b"MDPC02", b"MDPW02"
SERVICES = {"reasoner": "lucid.v1.Reasoner", "sampler": "lucid.v1.Sampler"}
#: Images a service may rightly accept (decodable, any size or pixel format) rather than refuse.
DECODABLE = {"one-by-one", "strip-10000-by-10", "strip-10-by-10000", "grey-16-bit", "palette", "alpha", "grey"}
#: Drags that are odd but not invalid: many pairs, a handle off the mask, an empty point (0, 0).
ACCEPTABLE_PAIRS = {"too-many-pairs", "handle-outside-mask", "empty-point-message"}


# MARK: Protobuf wire format, by hand (field numbers from Shared/Protos/lucid/v1)

def varint(value: int) -> bytes:
    value &= (1 << 64) - 1
    out = bytearray()
    while True:
        byte = value & 0x7F
        value >>= 7
        out.append(byte | (0x80 if value else 0))
        if not value:
            return bytes(out)


def field(number: int, value) -> bytes:
    """One field: bytes/str/nested bytes as length-delimited, int as varint, float as fixed32."""
    if isinstance(value, float):
        return varint(number << 3 | 5) + struct.pack("<f", value)
    if isinstance(value, bool) or isinstance(value, int):
        return varint(number << 3) + varint(int(value))
    data = value.encode() if isinstance(value, str) else value
    return varint(number << 3 | 2) + varint(len(data)) + data


def envelope(method: str, payload: bytes, request_id: str) -> bytes:
    return field(1, method) + field(2, request_id) + field(5, payload)


def point(x: float, y: float) -> bytes:
    return field(1, float(x)) + field(2, float(y))


def pair(handle, target) -> bytes:
    return field(1, point(*handle)) + field(2, point(*target))


def drag_request(image: bytes, mask: bytes, pairs: list[bytes], sampler: bool) -> bytes:
    """ReasonRequest or EditRequest (image 1, mask 2, pairs 3; an edit gets steps = 1 so that a
    request that turns out valid costs one step)."""
    body = field(1, field(1, image)) + field(2, field(1, mask)) + b"".join(field(3, p) for p in pairs)
    if sampler:
        intention = field(1, 1) + field(2, "a small black circle") + field(3, "a small black circle") + field(4, 1.0)
        body += field(4, intention) + field(5, field(1, 1))
    else:
        body += field(5, 2)
    return body


# MARK: Images

def png(array: np.ndarray, bits16: bool = False) -> bytes:
    return _save(Image.fromarray(array.astype(np.uint16 if bits16 else np.uint8)))


def png_bomb(width: int, height: int) -> bytes:
    """A small PNG whose header claims width × height pixels (decompression bomb)."""
    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)
    header = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)
    rows = zlib.compress(b"\0" * 4096)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", rows) + chunk(b"IEND", b"")


def jpeg(array: np.ndarray) -> bytes:
    buffer = io.BytesIO()
    Image.fromarray(array).save(buffer, format="JPEG", quality=80)
    return buffer.getvalue()


def hostile_images(rng: random.Random) -> dict[str, bytes]:
    real = (TASK / "input.png").read_bytes()
    picture = np.asarray(Image.open(TASK / "input.png").convert("RGB"))
    noise = np.random.default_rng(rng.randrange(1 << 30))
    images = {
        "truncated-png": real[: rng.randrange(9, len(real) - 1)],
        "png-signature-only": real[:8],
        "truncated-jpeg": jpeg(picture)[:300],
        "jpeg-header-only": jpeg(picture)[:20],
        "png-bomb-30000-square": png_bomb(30000, 30000),
        "png-bomb-100000-strip": png_bomb(100000, 10),
        "one-by-one": png(np.zeros((1, 1, 3))),
        "strip-10000-by-10": png(np.tile(np.arange(10000) % 256, (10, 1))[..., None].repeat(3, axis=2)),
        "strip-10-by-10000": png(np.tile(np.arange(10000) % 256, (10, 1)).T[..., None].repeat(3, axis=2)),
        "grey-16-bit": png(noise.integers(0, 65535, (64, 64)), bits16=True),
        "palette": _save(Image.fromarray(picture).convert("P")),
        "alpha": _save(Image.fromarray(picture).convert("RGBA")),
        "grey": _save(Image.fromarray(picture).convert("L")),
        "random-bytes": bytes(rng.randrange(256) for _ in range(rng.randrange(1, 2000))),
        "empty": b"",
        "gif": _save(Image.fromarray(picture), "GIF"),
    }
    return images


def _save(image: Image.Image, format: str = "PNG") -> bytes:
    buffer = io.BytesIO()
    image.save(buffer, format=format)
    return buffer.getvalue()


# MARK: Cases

def cases(rng: random.Random, repeat: int) -> list[dict]:
    out: list[dict] = []
    counter = iter(range(1, 1 << 30))

    def add(kind: str, role: str, frames: list[bytes], expect: str) -> None:
        out.append({"id": f"{next(counter):04d}-{kind}", "role": role, "expect": expect,
                    "frames": [base64.b64encode(f).decode() for f in frames]})

    image = (TASK / "input.png").read_bytes()
    mask = (TASK / "mask.png").read_bytes()
    good_pair = pair((60.04, 33.2), (55.99, 32.44))

    # Malformed Majordomo frames: the broker drops them.
    for _ in range(repeat):
        add("client-no-frames-after-header", "client", [CLIENT], "drop")
        add("client-wrong-header", "client", [b"MDPC01", b"\x01", b"lucid.v1.Reasoner", b"x"], "drop")
        add("client-unknown-command", "client", [CLIENT, bytes([rng.randrange(4, 256)]), b"lucid.v1.Reasoner", b"x"], "drop")
        add("client-no-service", "client", [CLIENT, b"\x01"], "drop")
        add("worker-reply-for-nobody", "worker", [WORKER, b"\x03", bytes(rng.randrange(256) for _ in range(5)), b"", b"x"], "drop")
        add("worker-wrong-header", "worker", [b"MDPW99", b"\x01", b"lucid.v1.Reasoner"], "drop")
        add("worker-unknown-command", "worker", [WORKER, bytes([rng.randrange(6, 256)])], "drop")
        add("random-frames", "client", [bytes(rng.randrange(256) for _ in range(rng.randrange(0, 64)))
                                         for _ in range(rng.randrange(1, 6))], "drop")

    # Broken envelopes to each service: the worker answers INVALID_ARGUMENT (or UNIMPLEMENTED).
    for name, service in SERVICES.items():
        head = [CLIENT, b"\x01", service.encode()]
        for index in range(repeat):
            rid = f"fuzz-{name}-{index}"
            add(f"{name}-not-protobuf", "client", head + [bytes(rng.randrange(256) for _ in range(rng.randrange(1, 200)))], "error")
            valid = envelope("Reason" if name == "reasoner" else "Edit", drag_request(image, mask, [good_pair], name == "sampler"), rid)
            add(f"{name}-truncated-envelope", "client", head + [valid[: rng.randrange(1, len(valid) - 1)]], "error")
            add(f"{name}-two-body-frames", "client", head + [valid, valid], "error")
            add(f"{name}-unknown-method", "client", head + [envelope("Explode", b"", rid)], "error")
            add(f"{name}-garbage-payload", "client", head + [envelope("Reason" if name == "reasoner" else "Edit",
                                                                       bytes(rng.randrange(256) for _ in range(100)), rid)], "error")
            add(f"{name}-empty-payload", "client", head + [envelope("Reason" if name == "reasoner" else "Edit", b"", rid)], "error")

    # Hostile images, masks and points, through each service's real method.
    images = hostile_images(rng)
    masks = {
        "mask-empty": png(np.zeros((128, 128))),
        "mask-wrong-size": png(np.full((64, 32), 255)),
        "mask-truncated": mask[:40],
        "mask-1x1": png(np.full((1, 1), 255)),
        "mask-random-bytes": bytes(rng.randrange(256) for _ in range(300)),
    }
    bad_pairs = {
        "no-pairs": [],
        "handle-outside": [pair((500.0, 33.0), (55.0, 32.0))],
        "target-outside": [pair((60.0, 33.0), (-40.0, 32.0))],
        "nan-point": [pair((float("nan"), 33.0), (55.0, 32.0))],
        "infinite-point": [pair((60.0, float("inf")), (55.0, 32.0))],
        "handle-outside-mask": [pair((5.0, 120.0), (10.0, 120.0))],
        "too-many-pairs": [good_pair] * 1000,
        "empty-point-message": [field(1, b"")],
    }
    for name, service in SERVICES.items():
        method = "Reason" if name == "reasoner" else "Edit"
        head = [CLIENT, b"\x01", service.encode()]

        def request(kind: str, image_bytes: bytes, mask_bytes: bytes, pairs: list[bytes], expect: str = "error") -> None:
            rid = f"fuzz-{name}-{kind}"
            body = envelope(method, drag_request(image_bytes, mask_bytes, pairs, name == "sampler"), rid)
            add(f"{name}-{kind}", "client", head + [body], expect)

        for kind, data in images.items():
            request(f"image-{kind}", data, mask, [good_pair], "answer" if kind in DECODABLE else "error")
        for kind, data in masks.items():
            request(kind, image, data, [good_pair])
        for kind, pairs in bad_pairs.items():
            request(kind, image, mask, pairs, "answer" if kind in ACCEPTABLE_PAIRS else "error")
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--seed", type=int, default=31)
    parser.add_argument("--repeat", type=int, default=3, help="random variants of each frame and envelope case")
    parser.add_argument("--out", type=Path, default=HERE / "corpus.jsonl")
    arguments = parser.parse_args()
    corpus = cases(random.Random(arguments.seed), arguments.repeat)
    with arguments.out.open("w") as file:
        for case in corpus:
            file.write(json.dumps(case, separators=(",", ":")) + "\n")
    print(f"{len(corpus)} cases → {arguments.out}")


if __name__ == "__main__":
    main()
