#define _GNU_SOURCE
#include <string.h>
#include <sys/socket.h>
#include "CLinuxIO.h"

int clinuxio_send_datagrams(int fd, struct iovec *packets, unsigned int count) {
  enum { batch = 64 };
  struct mmsghdr messages[batch];
  unsigned int sent = 0;
  while (sent < count) {
    unsigned int now = count - sent < batch ? count - sent : batch;
    memset(messages, 0, sizeof(messages[0]) * now);
    for (unsigned int i = 0; i < now; i++) {
      messages[i].msg_hdr.msg_iov = &packets[sent + i];
      messages[i].msg_hdr.msg_iovlen = 1;
    }
    int result = sendmmsg(fd, messages, now, 0);
    if (result < 0) return sent > 0 ? (int)sent : -1;
    sent += (unsigned int)result;
    if ((unsigned int)result < now) break;
  }
  return (int)sent;
}

const int clinuxio_so_attach_reuseport_cbpf = SO_ATTACH_REUSEPORT_CBPF;

struct sock_fprog clinuxio_random_socket_program(struct sock_filter *instructions, unsigned int sockets) {
  instructions[0] = (struct sock_filter)BPF_STMT(BPF_LD | BPF_W | BPF_ABS, (unsigned int)(SKF_AD_OFF + SKF_AD_RANDOM));
  instructions[1] = (struct sock_filter)BPF_STMT(BPF_ALU | BPF_MOD | BPF_K, sockets);
  instructions[2] = (struct sock_filter)BPF_STMT(BPF_RET | BPF_A, 0);
  return (struct sock_fprog){ .len = 3, .filter = instructions };
}
