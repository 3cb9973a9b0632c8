/*
 * health_client.c: the language-neutral proof of the LucidDrag contract.
 *
 * A Majordomo Protocol 0.2 client (ZeroMQ RFC 18) written in plain C with libzmq and protobuf-c. It
 * sends one lucid.v1.RequestEnvelope{method: "Health"} to a service through the broker, skips any
 * PARTIAL replies, decodes the FINAL lucid.v1.ReplyEnvelope and its lucid.v1.HealthResponse, prints
 * them, and exits 0 only when the call succeeded and the service reports SERVING.
 *
 * Usage: health_client ENDPOINT SERVICE [TIMEOUT_MS]
 * Exit status: 0 serving, 1 usage, 2 transport error or no reply before the timeout,
 *              3 malformed reply, 4 error status from the service, 5 service not serving.
 *
 * Build: cc -o health_client health_client.c generated/lucid/v1/{common,rpc,health}.pb-c.c \
 *        -Igenerated -lprotobuf-c -lzmq
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <zmq.h>

#include "lucid/v1/health.pb-c.h"
#include "lucid/v1/rpc.pb-c.h"

#define MDP_CLIENT "MDPC02"
#define MDP_REQUEST 0x01
#define MDP_PARTIAL 0x02
#define MDP_FINAL 0x03
#define MAX_FRAMES 8

enum { EXIT_SERVING = 0, EXIT_USAGE = 1, EXIT_TRANSPORT = 2, EXIT_MALFORMED = 3,
       EXIT_ERROR_STATUS = 4, EXIT_NOT_SERVING = 5 };

/* One received multipart message: up to MAX_FRAMES frames, the rest counted and discarded. */
typedef struct {
    zmq_msg_t frames[MAX_FRAMES];
    int count;
    int dropped;
} message_t;

static long long now_ms(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static void message_close(message_t *m) {
    for (int i = 0; i < m->count; i++) zmq_msg_close(&m->frames[i]);
    m->count = 0;
}

/* Receives one whole multipart message, waiting at most until deadline_ms. Returns 0 or -1. */
static int message_receive(void *socket, message_t *m, long long deadline_ms) {
    zmq_pollitem_t item = { socket, 0, ZMQ_POLLIN, 0 };
    for (;;) {
        long long left = deadline_ms - now_ms();
        if (left <= 0) return -1;
        int rc = zmq_poll(&item, 1, (long)left);
        if (rc < 0 && errno == EINTR) continue;
        if (rc < 0) return -1;
        if (rc > 0) break;
    }
    m->count = 0;
    m->dropped = 0;
    int more = 1;
    while (more) {
        zmq_msg_t frame;
        zmq_msg_init(&frame);
        if (zmq_msg_recv(&frame, socket, 0) < 0) {
            zmq_msg_close(&frame);
            message_close(m);
            return -1;
        }
        more = zmq_msg_more(&frame);
        if (m->count < MAX_FRAMES) {
            m->frames[m->count++] = frame;
        } else {
            m->dropped++;
            zmq_msg_close(&frame);
        }
    }
    return 0;
}

static int frame_equals(zmq_msg_t *frame, const void *bytes, size_t size) {
    return zmq_msg_size(frame) == size && memcmp(zmq_msg_data(frame), bytes, size) == 0;
}

static int send_frame(void *socket, const void *bytes, size_t size, int more) {
    return zmq_send(socket, bytes, size, more ? ZMQ_SNDMORE : 0) < 0 ? -1 : 0;
}

static const char *serving_status_name(Lucid__V1__HealthResponse__ServingStatus status) {
    switch (status) {
    case LUCID__V1__HEALTH_RESPONSE__SERVING_STATUS__SERVING: return "SERVING";
    case LUCID__V1__HEALTH_RESPONSE__SERVING_STATUS__NOT_SERVING: return "NOT_SERVING";
    default: return "UNSPECIFIED";
    }
}

/* Decodes a FINAL reply body and reports it; returns the process exit status. */
static int report_final(const uint8_t *body, size_t size, const char *request_id, const char *service) {
    Lucid__V1__ReplyEnvelope *reply = lucid__v1__reply_envelope__unpack(NULL, size, body);
    if (reply == NULL) {
        fprintf(stderr, "health_client: the FINAL body is not a lucid.v1.ReplyEnvelope\n");
        return EXIT_MALFORMED;
    }
    int status = EXIT_SERVING;
    if (strcmp(reply->request_id, request_id) != 0) {
        fprintf(stderr, "health_client: reply for request '%s', expected '%s'\n", reply->request_id, request_id);
        status = EXIT_MALFORMED;
    } else if (reply->status != NULL && reply->status->code != LUCID__V1__STATUS_CODE__OK) {
        fprintf(stderr, "health_client: %s answered status %d: %s\n", service, reply->status->code,
                reply->status->message);
        status = EXIT_ERROR_STATUS;
    } else {
        Lucid__V1__HealthResponse *health =
            lucid__v1__health_response__unpack(NULL, reply->payload.len, reply->payload.data);
        if (health == NULL) {
            fprintf(stderr, "health_client: the reply payload is not a lucid.v1.HealthResponse\n");
            status = EXIT_MALFORMED;
        } else {
            printf("service=%s worker=%s version=%s uptime=%.3fs status=%s\n", health->service,
                   health->worker_id, health->version, health->uptime_seconds,
                   serving_status_name(health->status));
            if (health->status != LUCID__V1__HEALTH_RESPONSE__SERVING_STATUS__SERVING) {
                status = EXIT_NOT_SERVING;
            } else if (strcmp(health->service, service) != 0) {
                fprintf(stderr, "health_client: answered by '%s', asked '%s'\n", health->service, service);
                status = EXIT_MALFORMED;
            }
            lucid__v1__health_response__free_unpacked(health, NULL);
        }
    }
    lucid__v1__reply_envelope__free_unpacked(reply, NULL);
    return status;
}

/* Sends the Health request and waits for its FINAL reply; returns the process exit status. */
static int call_health(void *socket, const char *service, long long deadline_ms) {
    char request_id[64];
    snprintf(request_id, sizeof request_id, "c-client-%ld-%lld", (long)getpid(), now_ms());

    Lucid__V1__HealthRequest health_request = LUCID__V1__HEALTH_REQUEST__INIT;
    uint8_t payload[16];
    size_t payload_size = lucid__v1__health_request__pack(&health_request, payload);

    Lucid__V1__RequestEnvelope envelope = LUCID__V1__REQUEST_ENVELOPE__INIT;
    envelope.method = "Health";
    envelope.request_id = request_id;
    envelope.trace_id = request_id;
    envelope.payload.data = payload;
    envelope.payload.len = payload_size;
    size_t body_size = lucid__v1__request_envelope__get_packed_size(&envelope);
    uint8_t *body = malloc(body_size ? body_size : 1);
    if (body == NULL) return EXIT_TRANSPORT;
    lucid__v1__request_envelope__pack(&envelope, body);

    /* RFC 18 client REQUEST over DEALER: "MDPC02", 0x01, service, body. */
    const uint8_t command = MDP_REQUEST;
    int sent = send_frame(socket, MDP_CLIENT, 6, 1) == 0 &&
               send_frame(socket, &command, 1, 1) == 0 &&
               send_frame(socket, service, strlen(service), 1) == 0 &&
               send_frame(socket, body, body_size, 0) == 0;
    free(body);
    if (!sent) {
        fprintf(stderr, "health_client: send failed: %s\n", zmq_strerror(zmq_errno()));
        return EXIT_TRANSPORT;
    }

    for (;;) {
        message_t m;
        if (message_receive(socket, &m, deadline_ms) != 0) {
            fprintf(stderr, "health_client: no reply from %s before the timeout\n", service);
            return EXIT_TRANSPORT;
        }
        /* Expected: "MDPC02" command service body (a leading empty frame from REQ-style brokers is skipped). */
        int first = (m.count > 0 && zmq_msg_size(&m.frames[0]) == 0) ? 1 : 0;
        if (m.dropped > 0 || m.count - first != 4 || !frame_equals(&m.frames[first], MDP_CLIENT, 6) ||
            zmq_msg_size(&m.frames[first + 1]) != 1 ||
            !frame_equals(&m.frames[first + 2], service, strlen(service))) {
            fprintf(stderr, "health_client: malformed MDP/Client reply (%d frames)\n", m.count + m.dropped);
            message_close(&m);
            return EXIT_MALFORMED;
        }
        uint8_t reply_command = *(uint8_t *)zmq_msg_data(&m.frames[first + 1]);
        if (reply_command == MDP_PARTIAL) {
            message_close(&m);
            continue;
        }
        if (reply_command != MDP_FINAL) {
            fprintf(stderr, "health_client: unknown MDP/Client command 0x%02x\n", reply_command);
            message_close(&m);
            return EXIT_MALFORMED;
        }
        zmq_msg_t *body_frame = &m.frames[first + 3];
        int status = report_final(zmq_msg_data(body_frame), zmq_msg_size(body_frame), request_id, service);
        message_close(&m);
        return status;
    }
}

int main(int argc, char **argv) {
    if (argc < 3 || argc > 4) {
        fprintf(stderr, "usage: %s ENDPOINT SERVICE [TIMEOUT_MS]\n", argv[0]);
        return EXIT_USAGE;
    }
    const char *endpoint = argv[1];
    const char *service = argv[2];
    long timeout_ms = argc == 4 ? strtol(argv[3], NULL, 10) : 5000;
    if (timeout_ms <= 0) {
        fprintf(stderr, "health_client: TIMEOUT_MS must be a positive number of milliseconds\n");
        return EXIT_USAGE;
    }

    void *context = zmq_ctx_new();
    void *socket = zmq_socket(context, ZMQ_DEALER);
    int linger = 0;
    zmq_setsockopt(socket, ZMQ_LINGER, &linger, sizeof linger);
    int status;
    if (zmq_connect(socket, endpoint) != 0) {
        fprintf(stderr, "health_client: cannot connect to %s: %s\n", endpoint, zmq_strerror(zmq_errno()));
        status = EXIT_TRANSPORT;
    } else {
        status = call_health(socket, service, now_ms() + timeout_ms);
    }
    zmq_close(socket);
    zmq_ctx_term(context);
    return status;
}
