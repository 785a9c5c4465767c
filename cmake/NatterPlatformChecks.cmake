# What this platform offers. Public results go to np/config.h (NP_HAVE_FORK);
# internal ones to np_build_config.h, read only by platform/src/np_sys.h.
include(CheckSymbolExists)
include(CheckIncludeFile)

if(WIN32)
  set(NP_HAVE_FORK OFF)
  check_include_file("afunix.h" NP_HAVE_AFUNIX_H)
  set(NP_POLLER_BACKEND wsapoll)
else()
  check_symbol_exists(fork "unistd.h" NP_HAVE_FORK)
  set(CMAKE_REQUIRED_DEFINITIONS -D_GNU_SOURCE)
  check_symbol_exists(accept4 "sys/socket.h" NP_HAVE_ACCEPT4)
  check_symbol_exists(SOCK_CLOEXEC "sys/socket.h" NP_HAVE_SOCK_CLOEXEC)
  check_symbol_exists(SOCK_NONBLOCK "sys/socket.h" NP_HAVE_SOCK_NONBLOCK)
  check_symbol_exists(MSG_NOSIGNAL "sys/socket.h" NP_HAVE_MSG_NOSIGNAL)
  check_symbol_exists(SO_NOSIGPIPE "sys/socket.h" NP_HAVE_SO_NOSIGPIPE)
  check_symbol_exists(SO_REUSEPORT "sys/socket.h" NP_HAVE_SO_REUSEPORT)
  check_symbol_exists(epoll_create1 "sys/epoll.h" NP_HAVE_EPOLL)
  check_symbol_exists(eventfd "sys/eventfd.h" NP_HAVE_EVENTFD)
  check_symbol_exists(kqueue "sys/types.h;sys/event.h;sys/time.h" NP_HAVE_KQUEUE)
  check_symbol_exists(pipe2 "fcntl.h;unistd.h" NP_HAVE_PIPE2)
  check_symbol_exists(strerror_r "string.h" NP_HAVE_STRERROR_R)
  unset(CMAKE_REQUIRED_DEFINITIONS)
  if(NP_HAVE_EPOLL)
    set(NP_POLLER_BACKEND epoll)
  elseif(NP_HAVE_KQUEUE)
    set(NP_POLLER_BACKEND kqueue)
  else()
    set(NP_POLLER_BACKEND poll)
  endif()
endif()

# 0/1 spellings for the generated headers.
foreach(v NP_HAVE_FORK NP_HAVE_AFUNIX_H NP_HAVE_ACCEPT4 NP_HAVE_SOCK_CLOEXEC
          NP_HAVE_SOCK_NONBLOCK NP_HAVE_MSG_NOSIGNAL NP_HAVE_SO_NOSIGPIPE
          NP_HAVE_SO_REUSEPORT NP_HAVE_EPOLL NP_HAVE_EVENTFD NP_HAVE_KQUEUE
          NP_HAVE_PIPE2 NP_HAVE_STRERROR_R)
  if(${v})
    set(${v}_01 1)
  else()
    set(${v}_01 0)
  endif()
endforeach()
