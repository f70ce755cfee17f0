// Batched UDP I/O for Node (Linux): a non-blocking UDP socket (SO_REUSEPORT on request) watched by a uv_poll on the
// calling thread's loop. When readable, datagrams are read with recvmmsg into slots of a receive
// arena the caller allocated, ONE JavaScript callback handles the batch (replies written into a
// send arena, one slot per query), and the replies leave with sendmmsg to the senders' addresses.
// No protocol logic: every length that crosses from JavaScript is checked here before use.

#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include <node_api.h>
#include <uv.h>

// Datagrams per recvmmsg / sendmmsg call.
#define BATCH 64
// Receive slot: a larger datagram is truncated by the kernel (MSG_TRUNC) and dropped, never handled.
#define SLOT 4096
// Send slot: a larger reply is sent by the caller with sendTo.
#define SEND_SLOT 4096
// int32 fields per slot in the meta array: see the M_* indexes.
#define META_STRIDE 10
#define M_LEN 0       // datagram length, or -1: dropped (truncated)
#define M_PORT 1      // sender's port
#define M_FAMILY 2    // 4 or 6
#define M_TEXTLEN 3   // length of the sender's address as text in the text arena
#define M_ADDR 4      // 4 words: the sender's address bytes (IPv4: word 0 only), for memoising the text
#define M_REPLY 8     // reply length written by JavaScript, 0: none
// Bytes per slot in the text arena (INET6_ADDRSTRLEN is 46).
#define TEXT_STRIDE 48
// Batches read per readable event before the loop gets to run other callbacks (TCP, timers, IPC).
#define MAX_BATCHES_PER_EVENT 8

typedef struct sock_s sock_t;

// What JavaScript holds: outlives the socket, which frees itself when libuv has closed its poll.
typedef struct {
  sock_t *s;
} box_t;

struct sock_s {
  int fd;
  int family;
  int closing;
  uv_poll_t poll;
  napi_env env;
  napi_async_context async;
  napi_ref callback, recv_ref, send_ref, meta_ref, text_ref, self_ref;
  uint8_t *recv;
  uint8_t *send;
  int32_t *meta;
  char *text;
  struct mmsghdr rmsgs[BATCH];
  struct iovec riov[BATCH];
  struct sockaddr_storage raddr[BATCH];
  struct mmsghdr smsgs[BATCH];
  struct iovec siov[BATCH];
  double datagrams, batches, truncated, send_errors, send_dropped, reply_errors;
};

#define CHECK(call)                                                          \
  do {                                                                       \
    if ((call) != napi_ok) return NULL;                                      \
  } while (0)

static napi_value throw_errno(napi_env env, const char *what, int err) {
  char msg[160];
  snprintf(msg, sizeof msg, "%s: %s", what, strerror(err));
  const char *code = err == EADDRINUSE ? "EADDRINUSE" : err == EADDRNOTAVAIL ? "EADDRNOTAVAIL" : err == EACCES ? "EACCES" : "ESOCKET";
  napi_throw_error(env, code, msg);
  return NULL;
}

static void close_sock(sock_t *s);

static void on_uv_closed(uv_handle_t *h) {
  sock_t *s = (sock_t *)h->data;
  free(s);
}

static void cleanup_hook(void *arg) {
  close_sock((sock_t *)arg);
}

// Stops polling, closes the descriptor and lets go of the caller's arenas; idempotent.
static void close_sock(sock_t *s) {
  if (s->closing) return;
  s->closing = 1;
  napi_env env = s->env;
  napi_remove_env_cleanup_hook(env, cleanup_hook, s);
  uv_poll_stop(&s->poll);
  close(s->fd);
  s->fd = -1;
  napi_ref refs[] = {s->callback, s->recv_ref, s->send_ref, s->meta_ref, s->text_ref, s->self_ref};
  for (size_t i = 0; i < sizeof refs / sizeof refs[0]; i++) if (refs[i]) napi_delete_reference(env, refs[i]);
  if (s->async) napi_async_destroy(env, s->async);
  s->recv = s->send = NULL;
  s->meta = NULL;
  s->text = NULL;
  uv_close((uv_handle_t *)&s->poll, on_uv_closed);
}

// Writes the sender of slot i into the meta and text arenas; returns 0 if its family is unknown.
static int record_sender(sock_t *s, int i) {
  int32_t *m = s->meta + i * META_STRIDE;
  char *t = s->text + i * TEXT_STRIDE;
  struct sockaddr_storage *a = &s->raddr[i];
  if (a->ss_family == AF_INET && s->rmsgs[i].msg_hdr.msg_namelen >= sizeof(struct sockaddr_in)) {
    struct sockaddr_in *in = (struct sockaddr_in *)a;
    m[M_PORT] = ntohs(in->sin_port);
    m[M_FAMILY] = 4;
    m[M_ADDR] = (int32_t)ntohl(in->sin_addr.s_addr);
    m[M_ADDR + 1] = m[M_ADDR + 2] = m[M_ADDR + 3] = 0;
    if (!inet_ntop(AF_INET, &in->sin_addr, t, TEXT_STRIDE)) return 0;
  } else if (a->ss_family == AF_INET6 && s->rmsgs[i].msg_hdr.msg_namelen >= sizeof(struct sockaddr_in6)) {
    struct sockaddr_in6 *in6 = (struct sockaddr_in6 *)a;
    m[M_PORT] = ntohs(in6->sin6_port);
    m[M_FAMILY] = 6;
    uint32_t w[4];
    memcpy(w, &in6->sin6_addr, 16);
    for (int k = 0; k < 4; k++) m[M_ADDR + k] = (int32_t)ntohl(w[k]);
    if (!inet_ntop(AF_INET6, &in6->sin6_addr, t, TEXT_STRIDE)) return 0;
  } else {
    return 0;
  }
  m[M_TEXTLEN] = (int32_t)strnlen(t, TEXT_STRIDE);
  return 1;
}

// Sends the replies JavaScript wrote for the n datagrams of this batch.
static void send_replies(sock_t *s, int n) {
  int count = 0;
  for (int i = 0; i < n; i++) {
    int32_t *m = s->meta + i * META_STRIDE;
    int32_t len = m[M_REPLY];
    if (len == 0 || m[M_LEN] < 0) continue;
    if (len < 0 || len > SEND_SLOT) {
      s->reply_errors++;
      continue;
    }
    s->siov[count].iov_base = s->send + (size_t)i * SEND_SLOT;
    s->siov[count].iov_len = (size_t)len;
    struct msghdr *h = &s->smsgs[count].msg_hdr;
    memset(h, 0, sizeof *h);
    h->msg_name = &s->raddr[i];
    h->msg_namelen = s->rmsgs[i].msg_hdr.msg_namelen;
    h->msg_iov = &s->siov[count];
    h->msg_iovlen = 1;
    count++;
  }
  int done = 0;
  while (done < count) {
    int r = sendmmsg(s->fd, s->smsgs + done, (unsigned)(count - done), MSG_DONTWAIT);
    if (r > 0) {
      done += r;
    } else if (r < 0 && errno == EINTR) {
      continue;
    } else if (r < 0 && (errno == EAGAIN || errno == EWOULDBLOCK || errno == ENOBUFS)) {
      // The send buffer is full: UDP gives no promise of delivery, and waiting would stall reads.
      s->send_dropped += count - done;
      return;
    } else {
      // This datagram failed (e.g. ECONNREFUSED left by an ICMP error): skip it, send the rest.
      s->send_errors++;
      done++;
    }
  }
}

// Runs the JavaScript batch handler inside a callback scope, so promises and nextTicks it queued run after.
static int call_handler(sock_t *s, int n) {
  napi_env env = s->env;
  napi_handle_scope scope;
  if (napi_open_handle_scope(env, &scope) != napi_ok) return 0;
  napi_value fn, recv, argv[1], result;
  int ok = napi_get_reference_value(env, s->callback, &fn) == napi_ok && napi_get_global(env, &recv) == napi_ok &&
           napi_create_int32(env, n, &argv[0]) == napi_ok;
  if (ok && napi_make_callback(env, s->async, recv, fn, 1, argv, &result) != napi_ok) {
    bool pending = false;
    napi_is_exception_pending(env, &pending);
    if (pending) {
      napi_value err;
      napi_get_and_clear_last_exception(env, &err);
      napi_fatal_exception(env, err);
    }
    ok = 0;
  }
  napi_close_handle_scope(env, scope);
  return ok;
}

static void on_readable(uv_poll_t *handle, int status, int events) {
  sock_t *s = (sock_t *)handle->data;
  if (s->closing || status < 0 || !(events & UV_READABLE)) return;
  for (int batch = 0; batch < MAX_BATCHES_PER_EVENT && !s->closing; batch++) {
    for (int i = 0; i < BATCH; i++) {
      s->riov[i].iov_base = s->recv + (size_t)i * SLOT;
      s->riov[i].iov_len = SLOT;
      struct msghdr *h = &s->rmsgs[i].msg_hdr;
      h->msg_name = &s->raddr[i];
      h->msg_namelen = sizeof s->raddr[i];
      h->msg_iov = &s->riov[i];
      h->msg_iovlen = 1;
      h->msg_control = NULL;
      h->msg_controllen = 0;
      h->msg_flags = 0;
      s->rmsgs[i].msg_len = 0;
    }
    int n = recvmmsg(s->fd, s->rmsgs, BATCH, MSG_DONTWAIT, NULL);
    if (n < 0) {
      if (errno == EINTR) continue;
      return;  // EAGAIN: drained; other errors (ICMP leftovers) are per-datagram and retried at the next event
    }
    if (n == 0) return;
    for (int i = 0; i < n; i++) {
      int32_t *m = s->meta + i * META_STRIDE;
      unsigned len = s->rmsgs[i].msg_len;
      m[M_REPLY] = 0;
      if ((s->rmsgs[i].msg_hdr.msg_flags & MSG_TRUNC) || len > SLOT || !record_sender(s, i)) {
        m[M_LEN] = -1;
        s->truncated++;
      } else {
        m[M_LEN] = (int32_t)len;
      }
    }
    s->datagrams += n;
    s->batches++;
    if (!call_handler(s, n) || s->closing) return;
    send_replies(s, n);
    if (n < BATCH) return;
  }
}

static int get_box(napi_env env, napi_value v, box_t **out) {
  void *data = NULL;
  if (napi_get_value_external(env, v, &data) != napi_ok || !data) {
    napi_throw_type_error(env, NULL, "expected a UDP batch socket handle");
    return 0;
  }
  *out = (box_t *)data;
  return 1;
}

static void finalize_box(napi_env env, void *data, void *hint) {
  (void)env;
  (void)hint;
  free(data);
}

static int buffer_of(napi_env env, napi_value v, size_t min, void **data) {
  bool is = false;
  size_t len = 0;
  if (napi_is_buffer(env, v, &is) != napi_ok || !is || napi_get_buffer_info(env, v, data, &len) != napi_ok || len < min) {
    napi_throw_range_error(env, NULL, "arena buffer missing or too small");
    return 0;
  }
  return 1;
}

// open(family, address, port, reusePort, recv, send, meta, text, onBatch) -> handle
static napi_value Open(napi_env env, napi_callback_info info) {
  size_t argc = 9;
  napi_value args[9];
  CHECK(napi_get_cb_info(env, info, &argc, args, NULL, NULL));
  if (argc < 9) {
    napi_throw_type_error(env, NULL, "open(family, address, port, reusePort, recv, send, meta, text, onBatch)");
    return NULL;
  }
  bool reuse_port = false;
  CHECK(napi_get_value_bool(env, args[3], &reuse_port));
  // The rest as before: family, address, port, then the arenas and the handler.
  napi_value argv[8] = {args[0], args[1], args[2], args[4], args[5], args[6], args[7], args[8]};
  int32_t family = 0, port = -1;
  char address[64];
  size_t alen = 0;
  CHECK(napi_get_value_int32(env, argv[0], &family));
  if (napi_get_value_string_utf8(env, argv[1], address, sizeof address, &alen) != napi_ok || alen >= sizeof address - 1) {
    napi_throw_type_error(env, NULL, "address must be an IP literal");
    return NULL;
  }
  CHECK(napi_get_value_int32(env, argv[2], &port));
  if ((family != 4 && family != 6) || port < 0 || port > 65535) {
    napi_throw_range_error(env, NULL, "family must be 4 or 6 and port 0..65535");
    return NULL;
  }
  void *recv, *send, *text;
  if (!buffer_of(env, argv[3], (size_t)BATCH * SLOT, &recv) || !buffer_of(env, argv[4], (size_t)BATCH * SEND_SLOT, &send) ||
      !buffer_of(env, argv[6], (size_t)BATCH * TEXT_STRIDE, &text))
    return NULL;
  napi_typedarray_type ttype;
  size_t tlen = 0;
  void *meta = NULL;
  bool is_ta = false;
  napi_is_typedarray(env, argv[5], &is_ta);
  if (!is_ta || napi_get_typedarray_info(env, argv[5], &ttype, &tlen, &meta, NULL, NULL) != napi_ok || ttype != napi_int32_array ||
      tlen < (size_t)BATCH * META_STRIDE) {
    napi_throw_range_error(env, NULL, "meta must be an Int32Array of BATCH * META_STRIDE");
    return NULL;
  }
  napi_valuetype ftype;
  CHECK(napi_typeof(env, argv[7], &ftype));
  if (ftype != napi_function) {
    napi_throw_type_error(env, NULL, "onBatch must be a function");
    return NULL;
  }

  struct sockaddr_storage ss;
  socklen_t sslen;
  memset(&ss, 0, sizeof ss);
  if (family == 4) {
    struct sockaddr_in *in = (struct sockaddr_in *)&ss;
    in->sin_family = AF_INET;
    in->sin_port = htons((uint16_t)port);
    if (inet_pton(AF_INET, address, &in->sin_addr) != 1) return throw_errno(env, "not an IPv4 address", EINVAL);
    sslen = sizeof *in;
  } else {
    struct sockaddr_in6 *in6 = (struct sockaddr_in6 *)&ss;
    in6->sin6_family = AF_INET6;
    in6->sin6_port = htons((uint16_t)port);
    if (inet_pton(AF_INET6, address, &in6->sin6_addr) != 1) return throw_errno(env, "not an IPv6 address", EINVAL);
    sslen = sizeof *in6;
  }
  int fd = socket(family == 4 ? AF_INET : AF_INET6, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
  if (fd < 0) return throw_errno(env, "socket", errno);
  int one = 1;
  // Without reusePort the bind is exclusive, as Node's dgram: a port taken by anyone fails EADDRINUSE,
  // and port 0 never lands on a port another SO_REUSEPORT socket holds.
  if (reuse_port && setsockopt(fd, SOL_SOCKET, SO_REUSEPORT, &one, sizeof one) < 0) {
    int e = errno;
    close(fd);
    return throw_errno(env, "setsockopt SO_REUSEPORT", e);
  }
  if (bind(fd, (struct sockaddr *)&ss, sslen) < 0) {
    int e = errno;
    close(fd);
    return throw_errno(env, "bind", e);
  }

  uv_loop_t *loop = NULL;
  sock_t *s = calloc(1, sizeof *s);
  box_t *box = calloc(1, sizeof *box);
  if (!s || !box || napi_get_uv_event_loop(env, &loop) != napi_ok || uv_poll_init(loop, &s->poll, fd) != 0) {
    free(s);
    free(box);
    close(fd);
    napi_throw_error(env, NULL, "cannot watch the UDP socket on the event loop");
    return NULL;
  }
  s->fd = fd;
  s->family = family;
  s->env = env;
  s->poll.data = s;
  s->recv = recv;
  s->send = send;
  s->meta = meta;
  s->text = text;
  box->s = s;
  napi_value handle, name;
  if (napi_create_reference(env, argv[7], 1, &s->callback) != napi_ok || napi_create_reference(env, argv[3], 1, &s->recv_ref) != napi_ok ||
      napi_create_reference(env, argv[4], 1, &s->send_ref) != napi_ok || napi_create_reference(env, argv[5], 1, &s->meta_ref) != napi_ok ||
      napi_create_reference(env, argv[6], 1, &s->text_ref) != napi_ok ||
      napi_create_string_utf8(env, "MeridianUdpBatch", NAPI_AUTO_LENGTH, &name) != napi_ok ||
      napi_async_init(env, NULL, name, &s->async) != napi_ok ||
      napi_create_external(env, box, finalize_box, NULL, &handle) != napi_ok) {
    // The poll was initialised: close_sock closes it and frees s once libuv is done.
    close_sock(s);
    free(box);
    return NULL;
  }
  // Held until close(): the socket keeps running while only the event loop remembers it.
  napi_create_reference(env, handle, 1, &s->self_ref);
  napi_add_env_cleanup_hook(env, cleanup_hook, s);
  if (uv_poll_start(&s->poll, UV_READABLE, on_readable) != 0) {
    box->s = NULL;
    close_sock(s);
    napi_throw_error(env, NULL, "cannot poll the UDP socket");
    return NULL;
  }
  return handle;
}

// close(handle): stops reading; the arenas may be reused once it returns.
static napi_value Close(napi_env env, napi_callback_info info) {
  size_t argc = 1;
  napi_value argv[1];
  box_t *box;
  CHECK(napi_get_cb_info(env, info, &argc, argv, NULL, NULL));
  if (argc < 1 || !get_box(env, argv[0], &box)) return NULL;
  if (box->s) {
    close_sock(box->s);
    box->s = NULL;
  }
  return NULL;
}

// address(handle) -> [address, port]: where the socket is bound (port 0 resolved).
static napi_value Address(napi_env env, napi_callback_info info) {
  size_t argc = 1;
  napi_value argv[1];
  box_t *box;
  CHECK(napi_get_cb_info(env, info, &argc, argv, NULL, NULL));
  if (argc < 1 || !get_box(env, argv[0], &box)) return NULL;
  if (!box->s) return throw_errno(env, "address", EBADF);
  struct sockaddr_storage ss;
  socklen_t len = sizeof ss;
  if (getsockname(box->s->fd, (struct sockaddr *)&ss, &len) < 0) return throw_errno(env, "getsockname", errno);
  char text[INET6_ADDRSTRLEN];
  int port;
  if (ss.ss_family == AF_INET) {
    inet_ntop(AF_INET, &((struct sockaddr_in *)&ss)->sin_addr, text, sizeof text);
    port = ntohs(((struct sockaddr_in *)&ss)->sin_port);
  } else {
    inet_ntop(AF_INET6, &((struct sockaddr_in6 *)&ss)->sin6_addr, text, sizeof text);
    port = ntohs(((struct sockaddr_in6 *)&ss)->sin6_port);
  }
  napi_value out, a, p;
  CHECK(napi_create_array_with_length(env, 2, &out));
  CHECK(napi_create_string_utf8(env, text, NAPI_AUTO_LENGTH, &a));
  CHECK(napi_create_int32(env, port, &p));
  CHECK(napi_set_element(env, out, 0, a));
  CHECK(napi_set_element(env, out, 1, p));
  return out;
}

// sendTo(handle, buffer, address, port) -> 0 or an errno: one datagram outside a batch (late or large replies).
static napi_value SendTo(napi_env env, napi_callback_info info) {
  size_t argc = 4;
  napi_value argv[4], out;
  box_t *box;
  CHECK(napi_get_cb_info(env, info, &argc, argv, NULL, NULL));
  if (argc < 4 || !get_box(env, argv[0], &box)) return NULL;
  int err = 0;
  void *data;
  size_t len = 0;
  bool is = false;
  char address[64];
  size_t alen = 0;
  int32_t port = -1;
  if (napi_is_buffer(env, argv[1], &is) != napi_ok || !is || napi_get_buffer_info(env, argv[1], &data, &len) != napi_ok ||
      napi_get_value_string_utf8(env, argv[2], address, sizeof address, &alen) != napi_ok || alen >= sizeof address - 1 ||
      napi_get_value_int32(env, argv[3], &port) != napi_ok || port < 1 || port > 65535 || len > 65507) {
    err = EINVAL;
  } else if (!box->s) {
    err = EBADF;
  } else {
    struct sockaddr_storage ss;
    socklen_t sslen;
    memset(&ss, 0, sizeof ss);
    if (box->s->family == 4) {
      struct sockaddr_in *in = (struct sockaddr_in *)&ss;
      in->sin_family = AF_INET;
      in->sin_port = htons((uint16_t)port);
      sslen = sizeof *in;
      if (inet_pton(AF_INET, address, &in->sin_addr) != 1) err = EINVAL;
    } else {
      struct sockaddr_in6 *in6 = (struct sockaddr_in6 *)&ss;
      in6->sin6_family = AF_INET6;
      in6->sin6_port = htons((uint16_t)port);
      sslen = sizeof *in6;
      if (inet_pton(AF_INET6, address, &in6->sin6_addr) != 1) err = EINVAL;
    }
    if (!err && sendto(box->s->fd, data, len, MSG_DONTWAIT, (struct sockaddr *)&ss, sslen) < 0) err = errno;
  }
  CHECK(napi_create_int32(env, err, &out));
  return out;
}

// stats(handle) -> [datagrams, batches, truncated, sendErrors, sendDropped, replyErrors]
static napi_value Stats(napi_env env, napi_callback_info info) {
  size_t argc = 1;
  napi_value argv[1], out, v;
  box_t *box;
  CHECK(napi_get_cb_info(env, info, &argc, argv, NULL, NULL));
  if (argc < 1 || !get_box(env, argv[0], &box)) return NULL;
  if (!box->s) return throw_errno(env, "stats", EBADF);
  sock_t *s = box->s;
  double values[] = {s->datagrams, s->batches, s->truncated, s->send_errors, s->send_dropped, s->reply_errors};
  CHECK(napi_create_array_with_length(env, 6, &out));
  for (uint32_t i = 0; i < 6; i++) {
    CHECK(napi_create_double(env, values[i], &v));
    CHECK(napi_set_element(env, out, i, v));
  }
  return out;
}

static int set_int(napi_env env, napi_value obj, const char *name, int value) {
  napi_value v;
  return napi_create_int32(env, value, &v) == napi_ok && napi_set_named_property(env, obj, name, v) == napi_ok;
}

static int set_fn(napi_env env, napi_value obj, const char *name, napi_callback cb) {
  napi_value fn;
  return napi_create_function(env, name, NAPI_AUTO_LENGTH, cb, NULL, &fn) == napi_ok && napi_set_named_property(env, obj, name, fn) == napi_ok;
}

NAPI_MODULE_INIT() {
  if (!set_fn(env, exports, "open", Open) || !set_fn(env, exports, "close", Close) || !set_fn(env, exports, "address", Address) ||
      !set_fn(env, exports, "sendTo", SendTo) || !set_fn(env, exports, "stats", Stats) || !set_int(env, exports, "BATCH", BATCH) ||
      !set_int(env, exports, "SLOT", SLOT) || !set_int(env, exports, "SEND_SLOT", SEND_SLOT) || !set_int(env, exports, "META_STRIDE", META_STRIDE) ||
      !set_int(env, exports, "TEXT_STRIDE", TEXT_STRIDE))
    return NULL;
  return exports;
}
