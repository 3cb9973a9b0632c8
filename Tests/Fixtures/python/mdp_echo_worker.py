#!/usr/bin/env python3
"""An MDP/0.2 echo worker in Python (pyzmq), written from ZeroMQ RFC 18 alone, so that the LucidBus
broker is tested against a second implementation of the worker protocol.

Usage: mdp_echo_worker.py ENDPOINT SERVICE HEARTBEAT_MS LIVENESS

For each REQUEST it sends one PARTIAL ("partial:" + first body frame) and one FINAL (the first body
frame reversed). It heartbeats every HEARTBEAT_MS, exits 0 on DISCONNECT and 2 when the broker has
been silent for LIVENESS heartbeats. Prints "ready" once READY is sent.
"""
import sys
import time

import zmq

HEADER = b"MDPW02"
READY, REQUEST, PARTIAL, FINAL, HEARTBEAT, DISCONNECT = (bytes([n]) for n in range(1, 7))


def main():
    endpoint, service = sys.argv[1], sys.argv[2].encode()
    interval = int(sys.argv[3]) / 1000.0
    liveness = int(sys.argv[4])

    context = zmq.Context()
    socket = context.socket(zmq.DEALER)
    socket.linger = 0
    socket.connect(endpoint)
    socket.send_multipart([HEADER, READY, service])
    print("ready", flush=True)

    poller = zmq.Poller()
    poller.register(socket, zmq.POLLIN)
    next_heartbeat = time.monotonic() + interval
    broker_expiry = time.monotonic() + interval * liveness
    while True:
        if poller.poll(interval * 1000):
            frames = socket.recv_multipart()
            if len(frames) < 2 or frames[0] != HEADER:
                continue
            broker_expiry = time.monotonic() + interval * liveness
            command = frames[1]
            if command == REQUEST and len(frames) >= 5 and frames[3] == b"":
                client, body = frames[2], frames[4]
                socket.send_multipart([HEADER, PARTIAL, client, b"", b"partial:" + body])
                socket.send_multipart([HEADER, FINAL, client, b"", body[::-1]])
            elif command == DISCONNECT:
                return 0
        now = time.monotonic()
        if now >= next_heartbeat:
            socket.send_multipart([HEADER, HEARTBEAT])
            next_heartbeat = now + interval
        if now > broker_expiry:
            return 2


if __name__ == "__main__":
    sys.exit(main())
