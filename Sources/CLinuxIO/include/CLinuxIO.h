#ifndef CLINUXIO_H
#define CLINUXIO_H

// Linux calls Swift's Glibc module leaves out: epoll, eventfd, and
// sendmmsg (a GNU extension, wrapped here).
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/uio.h>

/// Sends each of `count` vectors as a datagram of its own on the connected
/// socket `fd`, with as few sendmmsg(2) calls as it takes. Returns how many
/// were sent (fewer when the socket would block), or -1 with errno set if
/// the first could not be.
int clinuxio_send_datagrams(int fd, struct iovec *packets, unsigned int count);

#endif
