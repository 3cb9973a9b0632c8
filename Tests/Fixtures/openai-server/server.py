#!/usr/bin/env python3
"""A scripted OpenAI-compatible chat-completions server for the reasoner's tests (stdlib only).

    /usr/bin/python3 server.py            # prints "listening on PORT" once ready

The first path segment picks the behaviour, so one server covers every case:
    POST /<mode>/v1/chat/completions
      success       a valid answer (the locator gets a phrase, the reasoner JSON intentions)
      malformed     a 200 whose body is not JSON
      wrong-schema  a valid completion whose content lacks the "intentions" array
      bad-kind      intentions with an unknown kind
      error500      HTTP 500 every time
      flaky-<id>    HTTP 503 on the first locator and the first reasoner call of each <id>, then success
      slow          sleeps 3 s, then answers like success
    GET /stats      {"<mode>": calls, ...,"last_request": {...}, "last_authorization": "..."}
"""

import json
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

LOCK = threading.Lock()
CALLS = {}
SEEN_FLAKY = set()
LAST = {"request": None, "authorization": None}

INTENTIONS = {
    "intentions": [
        {"kind": "move", "source_prompt": "a red circle", "target_prompt": "a red circle on the right",
         "confidence": 0.3, "description": "move the red circle right"},
        {"kind": "enlarge", "source_prompt": "a small red circle", "target_prompt": "a large red circle",
         "confidence": 0.6, "description": "enlarge the red circle"},
        {"kind": "stretch_horizontal", "source_prompt": "a red circle", "target_prompt": "a wide red circle",
         "confidence": 0.3, "description": "stretch the red circle horizontally"},
    ]
}


def completion(content):
    return {"id": "test", "object": "chat.completion", "model": "test",
            "choices": [{"index": 0, "finish_reason": "stop", "message": {"role": "assistant", "content": content}}]}


class Handler(BaseHTTPRequestHandler):
    def log_message(self, *args):
        pass

    def send_json(self, status, obj):
        body = json.dumps(obj).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def do_GET(self):
        if self.path == "/stats":
            with LOCK:
                self.send_json(200, {**CALLS, "last_request": LAST["request"], "last_authorization": LAST["authorization"]})
        else:
            self.send_json(404, {"error": "not found"})

    def do_POST(self):
        length = int(self.headers.get("Content-Length", "0"))
        raw = self.rfile.read(length)
        parts = self.path.strip("/").split("/")
        mode = parts[0] if parts else ""
        try:
            request = json.loads(raw)
        except ValueError:
            self.send_json(400, {"error": "request is not JSON"})
            return
        with LOCK:
            CALLS[mode] = CALLS.get(mode, 0) + 1
            LAST["request"] = request
            LAST["authorization"] = self.headers.get("Authorization")
        is_reasoner = "response_format" in request
        if mode == "slow":
            time.sleep(3)
            mode = "success"
        if mode.startswith("flaky"):
            client = mode + ("/reasoner" if is_reasoner else "/locator")
            with LOCK:
                first = client not in SEEN_FLAKY
                SEEN_FLAKY.add(client)
            if first:
                self.send_json(503, {"error": "warming up"})
                return
            mode = "success"
        if mode == "success":
            content = json.dumps(INTENTIONS) if is_reasoner else "the small red circle"
            self.send_json(200, completion(content))
        elif mode == "malformed":
            body = b"{this is not json"
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)
        elif mode == "wrong-schema":
            self.send_json(200, completion(json.dumps({"answer": "enlarge"}) if is_reasoner else "the small red circle"))
        elif mode == "bad-kind":
            bad = {"intentions": [{"kind": "explode", "source_prompt": "a", "target_prompt": "b",
                                   "confidence": 1.0, "description": "c"}]}
            self.send_json(200, completion(json.dumps(bad) if is_reasoner else "the small red circle"))
        elif mode == "error500":
            self.send_json(500, {"error": "internal"})
        else:
            self.send_json(404, {"error": f"unknown mode {mode}"})


def main():
    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    print(f"listening on {server.server_address[1]}", flush=True)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass


if __name__ == "__main__":
    sys.exit(main())
