// The libzmq C API (Debian: libzmq3-dev), imported into Swift as the CZeroMQ module.
#ifndef LUCIDDRAG_CZEROMQ_SHIM_H
#define LUCIDDRAG_CZEROMQ_SHIM_H
#include <zmq.h>
#endif
