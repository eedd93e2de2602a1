#ifndef CLINUXIO_H
#define CLINUXIO_H

// Linux calls Swift's Glibc module leaves out: epoll, eventfd,
// sendmmsg (a GNU extension, wrapped here), and the socket filters of
// SO_REUSEPORT groups.
#include <linux/filter.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/uio.h>

/// Sends each of `count` vectors as a datagram of its own on the connected
/// socket `fd`, with as few sendmmsg(2) calls as it takes. Returns how many
/// were sent (fewer when the socket would block), or -1 with errno set if
/// the first could not be.
int clinuxio_send_datagrams(int fd, struct iovec *packets, unsigned int count);

/// SO_ATTACH_REUSEPORT_CBPF: the option that gives a SO_REUSEPORT group a
/// classic BPF program choosing the socket of each datagram.
extern const int clinuxio_so_attach_reuseport_cbpf;

/// Writes into `instructions` (room for 3) the program that hands each
/// datagram to one of a group's `sockets` sockets at random, instead of by
/// a hash of its source, and returns it ready for setsockopt.
struct sock_fprog clinuxio_random_socket_program(struct sock_filter *instructions, unsigned int sockets);

#endif
